/*
 * lib/store/store_queue.c - the store front end for validation links and
 * status events.
 *
 * Owns: the link rules (single use, FSE_STORE_LINK_TTL_MS expiry, optional
 * workflow match; gateway-api §6), the event retention default (§5) and the
 * sealing of event fields that may name a person, bound to the event's
 * plain columns. Does not own the statements (store_sqlite_queue.c) or the
 * outbox (store_outbox.c).
 */
#include "store_int.h"

#include <string.h>

/* ------------------------------------------------------------------------ */
/* Validation links                                                         */
/* ------------------------------------------------------------------------ */

fse_err fse_store_link_put(fse_store *s, const char *link_hash, const char *wii, int64_t now_ms)
{
    fse_err rc;

    if (s == NULL) {
        return fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "link put: no store");
    }
    rc = fse_store__check_str(link_hash, "link hash", STORE_MAX_ID_LEN, true);
    if (rc == FSE_OK) {
        rc = fse_store__check_str(wii, "workflowInstanceId", STORE_MAX_ID_LEN, true);
    }
    if (rc != FSE_OK) {
        return rc;
    }
    rc = fse_store__op_begin(s, STORE_TX_WRITE);
    if (rc == FSE_OK) {
        rc = fse_store__op_end(s, s->be->link_put(s->conn, link_hash, wii, now_ms));
    }
    return rc;
}

fse_err fse_store_link_consume(fse_store_link_result *result_out, char **wii_out, fse_store *s,
                               const char *link_hash, const char *wii, int64_t now_ms)
{
    store_link_row row;
    fse_store_link_result result = FSE_STORE_LINK_NOT_FOUND;
    fse_err rc;

    memset(&row, 0, sizeof(row));
    if (result_out == NULL || s == NULL) {
        return fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "link consume: missing argument");
    }
    if (wii_out != NULL) {
        *wii_out = NULL;
    }
    rc = fse_store__check_str(link_hash, "link hash", STORE_MAX_ID_LEN, true);
    if (rc == FSE_OK) {
        rc = fse_store__check_str(wii, "workflowInstanceId", STORE_MAX_ID_LEN, false);
    }
    if (rc != FSE_OK) {
        return rc;
    }
    rc = fse_store__op_begin(s, STORE_TX_WRITE);
    if (rc != FSE_OK) {
        return rc;
    }
    rc = s->be->link_get(s->conn, link_hash, &row);
    if (rc == FSE_E_NOT_FOUND) {
        rc = FSE_OK; /* result stays NOT_FOUND */
    } else if (rc == FSE_OK) {
        if (wii != NULL && wii[0] != '\0' && strcmp(wii, row.wii) != 0) {
            result = FSE_STORE_LINK_NOT_FOUND;
        } else if (row.used_ms != 0) {
            result = FSE_STORE_LINK_USED;
        } else if (now_ms - row.created_ms > FSE_STORE_LINK_TTL_MS) {
            /* Valid for 5 days after the validation (gateway-api §6). */
            result = FSE_STORE_LINK_EXPIRED;
        } else {
            rc = s->be->link_use(s->conn, link_hash, now_ms);
            if (rc == FSE_E_CONFLICT) {
                rc = FSE_OK;
                result = FSE_STORE_LINK_USED;
            } else if (rc == FSE_OK) {
                result = FSE_STORE_LINK_OK;
            }
        }
    }
    rc = fse_store__op_end(s, rc);
    if (rc == FSE_OK) {
        *result_out = result;
        if (wii_out != NULL && row.wii != NULL && result != FSE_STORE_LINK_NOT_FOUND) {
            *wii_out = row.wii;
            row.wii = NULL;
        }
    }
    fse_free(row.wii);
    return rc;
}

fse_err fse_store_link_purge(fse_store *s, int64_t now_ms, size_t *n_out)
{
    int64_t n = 0;
    fse_err rc;

    if (s == NULL) {
        return fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "link purge: no store");
    }
    rc = fse_store__op_begin(s, STORE_TX_WRITE);
    if (rc == FSE_OK) {
        rc = fse_store__op_end(s, s->be->link_purge(s->conn, now_ms - FSE_STORE_LINK_TTL_MS, &n));
    }
    if (rc == FSE_OK && n_out != NULL) {
        *n_out = (size_t)n;
    }
    return rc;
}

/* ------------------------------------------------------------------------ */
/* Status events                                                            */
/* ------------------------------------------------------------------------ */

/* Tags of the sealed part of an event. Never renumbered. */
enum {
    EV_MESSAGE = 1,
    EV_SUBJECT = 2,
    EV_SUBJECT_ROLE = 3,
    EV_TIPO_ATTIVITA = 4,
    EV_ORGANIZZAZIONE = 5,
    EV_ISSUER = 6,
    EV_EXTRA = 7
};

/* Sealed fields: tag and offset in fse_store_event. */
static const struct {
    uint8_t tag;
    size_t off;
    const char *name;
} event_sealed[] = {
#define E(tag, f)                                                                                  \
    {                                                                                              \
        tag, offsetof(fse_store_event, f), #f                                                      \
    }
    E(EV_MESSAGE, message),
    E(EV_SUBJECT, subject),
    E(EV_SUBJECT_ROLE, subject_role),
    E(EV_TIPO_ATTIVITA, tipo_attivita),
    E(EV_ORGANIZZAZIONE, organizzazione),
    E(EV_ISSUER, issuer),
    E(EV_EXTRA, extra),
#undef E
};
#define N_EVENT_SEALED (sizeof(event_sealed) / sizeof(event_sealed[0]))

static const char *event_str(const fse_store_event *ev, size_t i)
{
    return *(const char *const *)(const void *)((const char *)ev + event_sealed[i].off);
}

/* The sealed part is bound to the event's plain columns. */
static void event_aad(store_aad *a, const char *trace_id, const char *wii, const char *type,
                      const char *status, const char *doc, int64_t date, int64_t expiring)
{
    fse_store__aad_init(a, "fse-event v1");
    fse_store__aad_str(a, trace_id);
    fse_store__aad_str(a, wii);
    fse_store__aad_str(a, type);
    fse_store__aad_str(a, status);
    fse_store__aad_str(a, doc);
    fse_store__aad_i64(a, date);
    fse_store__aad_i64(a, expiring);
}

static fse_err event_check(const fse_store_event *ev)
{
    fse_err rc = fse_store__check_str(ev->trace_id, "traceId", STORE_MAX_ID_LEN, true);
    size_t i;

    if (rc == FSE_OK) {
        rc = fse_store__check_str(ev->workflow_instance_id, "workflowInstanceId", STORE_MAX_ID_LEN,
                                  false);
    }
    if (rc == FSE_OK) {
        rc = fse_store__check_str(ev->event_type, "eventType", STORE_MAX_ID_LEN, true);
    }
    if (rc == FSE_OK) {
        rc = fse_store__check_str(ev->event_status, "eventStatus", STORE_MAX_ID_LEN, true);
    }
    if (rc == FSE_OK) {
        rc = fse_store__check_str(ev->identificativo_documento, "identificativoDocumento",
                                  STORE_MAX_ID_LEN, false);
    }
    for (i = 0; i < N_EVENT_SEALED && rc == FSE_OK; i++) {
        rc = fse_store__check_str(
            event_str(ev, i), event_sealed[i].name,
            event_sealed[i].tag == EV_MESSAGE ? STORE_MAX_MESSAGE_LEN : STORE_MAX_TEXT_LEN, false);
    }
    return rc;
}

fse_err fse_store_event_append(fse_store *s, const fse_store_event *ev, int64_t *id_out)
{
    store_event_row row;
    store_aad aad;
    fse_buf rec;
    uint8_t *sealed = NULL;
    size_t sealed_len = 0;
    fse_err rc;
    size_t i;

    if (s == NULL || ev == NULL) {
        return fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "event: missing argument");
    }
    rc = event_check(ev);
    if (rc == FSE_OK) {
        rc = fse_store__need_keys(s);
    }
    if (rc != FSE_OK) {
        return rc;
    }
    memset(&row, 0, sizeof(row));
    row.trace_id = ev->trace_id;
    row.workflow_instance_id = ev->workflow_instance_id;
    row.event_type = ev->event_type;
    row.event_status = ev->event_status;
    row.identificativo_documento = ev->identificativo_documento;
    row.event_date_ms = ev->event_date_ms;
    row.expiring_date_ms = ev->expiring_date_ms != 0 ? ev->expiring_date_ms
                                                     : ev->event_date_ms + FSE_STORE_EVENT_TTL_MS;
    fse_buf_init(&rec, STORE_MAX_MESSAGE_LEN + N_EVENT_SEALED * (STORE_MAX_TEXT_LEN + 5));
    for (i = 0; i < N_EVENT_SEALED && rc == FSE_OK; i++) {
        rc = fse_store__tlv_str(&rec, event_sealed[i].tag, event_str(ev, i));
    }
    if (rc == FSE_OK) {
        event_aad(&aad, row.trace_id, row.workflow_instance_id, row.event_type, row.event_status,
                  row.identificativo_documento, row.event_date_ms, row.expiring_date_ms);
        rc = fse_store__aead_seal(&sealed, &sealed_len, s->node_keys[STORE_NK_SEAL], aad.data,
                                  aad.len, (const uint8_t *)(rec.data != NULL ? rec.data : ""),
                                  rec.len);
    }
    if (rc == FSE_OK) {
        row.sealed = sealed;
        row.sealed_len = sealed_len;
        rc = fse_store__op_begin(s, STORE_TX_WRITE);
        if (rc == FSE_OK) {
            rc = fse_store__op_end(s, s->be->event_insert(s->conn, &row, id_out));
        }
    }
    fse_free(sealed);
    fse_buf_free(&rec);
    return rc;
}

typedef struct event_ctx {
    fse_store *s;
    fse_store_event_list *list;
    size_t cap;
    store_arena *arena;
} event_ctx;

/* Decode one event row into the list (strings in the list's arena). */
static fse_err on_event(const store_event_row *row, void *ctx)
{
    event_ctx *c = ctx;
    fse_store_event *ev;
    store_tlv_reader r;
    store_aad aad;
    uint8_t *plain = NULL;
    size_t plain_len = 0;
    fse_err rc;

    if (c->list->n_events == c->cap) {
        c->list->truncated = true;
        return FSE_OK;
    }
    ev = &c->list->events[c->list->n_events];
    memset(ev, 0, sizeof(*ev));
    ev->id = row->id;
    ev->event_date_ms = row->event_date_ms;
    ev->expiring_date_ms = row->expiring_date_ms;
    ev->trace_id = fse_store__arena_strdup(c->arena, row->trace_id);
    ev->workflow_instance_id = fse_store__arena_strdup(c->arena, row->workflow_instance_id);
    ev->event_type = fse_store__arena_strdup(c->arena, row->event_type);
    ev->event_status = fse_store__arena_strdup(c->arena, row->event_status);
    ev->identificativo_documento = fse_store__arena_strdup(c->arena, row->identificativo_documento);
    event_aad(&aad, row->trace_id, row->workflow_instance_id, row->event_type, row->event_status,
              row->identificativo_documento, row->event_date_ms, row->expiring_date_ms);
    rc = fse_store__aead_open(&plain, &plain_len, c->s->node_keys[STORE_NK_SEAL], aad.data, aad.len,
                              row->sealed, row->sealed_len);
    if (rc == FSE_E_NOMEM) {
        return rc;
    }
    if (rc != FSE_OK) {
        return fse_error_set(FSE_E_CRYPTO, FSE_STORE_MODULE,
                             "status event %lld fails its integrity check", (long long)row->id);
    }
    r.p = plain;
    r.len = plain_len;
    r.off = 0;
    for (;;) {
        uint8_t tag = 0;
        const uint8_t *val = NULL;
        size_t len = 0;
        size_t i;

        rc = fse_store__tlv_next(&r, &tag, &val, &len);
        if (rc != FSE_OK) {
            break;
        }
        for (i = 0; i < N_EVENT_SEALED; i++) {
            if (event_sealed[i].tag == tag) {
                char *v = fse_store__arena_strndup(c->arena, (const char *)val, len);

                *(const char **)(void *)((char *)ev + event_sealed[i].off) = v;
                if (v == NULL) {
                    rc = FSE_E_NOMEM;
                }
            }
        }
        if (rc != FSE_OK) {
            break;
        }
    }
    fse_store__wipe(plain, plain_len);
    fse_free(plain);
    if (rc == FSE_E_NOT_FOUND) {
        rc = FSE_OK;
    }
    if (rc == FSE_OK && (ev->trace_id == NULL || ev->event_type == NULL)) {
        rc = FSE_E_NOMEM;
    }
    if (rc == FSE_E_NOMEM) {
        return fse_error_set(FSE_E_NOMEM, FSE_STORE_MODULE, "status events");
    }
    if (rc != FSE_OK) {
        return fse_error_set(FSE_E_CRYPTO, FSE_STORE_MODULE, "status event %lld malformed",
                             (long long)row->id);
    }
    c->list->n_events++;
    return FSE_OK;
}

fse_err fse_store_event_query(fse_store_event_list **out, fse_store *s, fse_store_event_key key,
                              const char *value)
{
    event_ctx c;
    fse_err rc;

    if (out == NULL || s == NULL ||
        (key != FSE_STORE_EVENT_BY_WII && key != FSE_STORE_EVENT_BY_TRACE)) {
        return fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "event query: bad argument");
    }
    *out = NULL;
    rc = fse_store__check_str(value, "event key", STORE_MAX_ID_LEN, true);
    if (rc == FSE_OK) {
        rc = fse_store__need_keys(s);
    }
    if (rc != FSE_OK) {
        return rc;
    }
    memset(&c, 0, sizeof(c));
    c.s = s;
    c.cap = STORE_MAX_EVENTS_PER_QUERY;
    c.arena = fse_store__arena_new();
    if (c.arena != NULL) {
        c.list = fse_store__arena_alloc(c.arena, sizeof(*c.list));
    }
    if (c.list != NULL) {
        c.list->arena_ = c.arena;
        c.list->events = fse_store__arena_alloc(c.arena, c.cap * sizeof(*c.list->events));
    }
    if (c.list == NULL || c.list->events == NULL) {
        fse_store__arena_free(c.arena);
        return fse_error_set(FSE_E_NOMEM, FSE_STORE_MODULE, "status events");
    }
    rc = s->be->event_query(s->conn, (int)key, value, c.cap + 1, on_event, &c);
    if (rc != FSE_OK) {
        fse_store__arena_free(c.arena);
        return rc;
    }
    *out = c.list;
    return FSE_OK;
}

fse_err fse_store_event_purge(fse_store *s, int64_t now_ms, size_t *n_out)
{
    int64_t n = 0;
    fse_err rc;

    if (s == NULL) {
        return fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "event purge: no store");
    }
    rc = fse_store__op_begin(s, STORE_TX_WRITE);
    if (rc == FSE_OK) {
        rc = fse_store__op_end(s, s->be->event_purge(s->conn, now_ms, &n));
    }
    if (rc == FSE_OK && n_out != NULL) {
        *n_out = (size_t)n;
    }
    return rc;
}

void fse_store_event_list_free(fse_store_event_list *l)
{
    if (l != NULL) {
        fse_store__arena_free(l->arena_);
    }
}
