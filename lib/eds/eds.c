/*
 * lib/eds/eds.c - the regional clinical store service: lifecycle, the
 * conversion options of a stored document, and the gateway's FHIR hook.
 *
 * Owns what each hand-off job does to the clinical store (eds-fhir §1.2,
 * docs/fhir.md "Regional store"): CREATE and UPDATE convert the stored CDA
 * and keep the bundle in place of the previous one, REPLACE does the same
 * for the new version and marks the old bundle superseded, DELETE removes
 * the bundle and its resources; the rule that a conversion the converter
 * refuses is recorded once and not retried (FSE_E_UNSUPPORTED to the
 * gateway); and the hook's store handle, lent under a mutex only for the
 * store calls (the conversion runs unlocked in the caller's thread).
 * Does not own the conversion (lib/fhir), the rows (lib/store) or the
 * views (eds_view.c).
 */
#include "eds_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* ---- Lifecycle ---------------------------------------------------------- */

static int64_t now_ms(const fse_eds *e)
{
    return e->opts.clock != NULL ? e->opts.clock(e->opts.clock_ud) : fse_store_now_ms();
}

static void eds_log(const fse_eds *e, fse_http_log_level level, const char *fmt, ...)
    FSE_PRINTF(3, 4);

static void eds_log(const fse_eds *e, fse_http_log_level level, const char *fmt, ...)
{
    char line[512];
    va_list ap;

    if (e->opts.log == NULL) {
        return;
    }
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    e->opts.log(e->opts.log_ud, level, line);
}

static bool copy_opt(char **dst, const char *src)
{
    if (src == NULL) {
        *dst = NULL;
        return true;
    }
    *dst = fse_strdup(src);
    return *dst != NULL;
}

fse_err fse_eds_new(fse_eds **out, const fse_eds_opts *opts)
{
    fse_store_opts so = FSE_STORE_OPTS_INIT;
    fse_eds *e;
    fse_err rc;

    if (out == NULL || opts == NULL || opts->version != FSE_EDS_OPTS_VERSION ||
        opts->store_path == NULL || opts->master_key_path == NULL) {
        return fse_error_set(FSE_E_ARG, FSE_EDS_MODULE, "missing or bad options");
    }
    *out = NULL;
    e = fse_calloc(1, sizeof(*e));
    if (e == NULL) {
        return fse_error_set(FSE_E_NOMEM, FSE_EDS_MODULE, "eds");
    }
    pthread_mutex_init(&e->store_lock, NULL);
    e->opts = *opts;
    if (!copy_opt(&e->store_path, opts->store_path) ||
        !copy_opt(&e->master_key_path, opts->master_key_path) ||
        !copy_opt(&e->tz_offset, opts->tz_offset)) {
        fse_eds_free(e);
        return fse_error_set(FSE_E_NOMEM, FSE_EDS_MODULE, "eds options");
    }
    e->opts.store_path = e->store_path;
    e->opts.master_key_path = e->master_key_path;
    e->opts.tz_offset = e->tz_offset;
    so.path = e->store_path;
    so.master_key_path = e->master_key_path;
    so.busy_timeout_ms = opts->store_busy_timeout_ms;
    rc = fse_store_open(&e->store, &so);
    if (rc != FSE_OK) {
        fse_eds_free(e);
        return rc;
    }
    *out = e;
    return FSE_OK;
}

void fse_eds_free(fse_eds *e)
{
    if (e == NULL) {
        return;
    }
    fse_store_free(e->store);
    pthread_mutex_destroy(&e->store_lock);
    fse_free(e->store_path);
    fse_free(e->master_key_path);
    fse_free(e->tz_offset);
    fse_free(e);
}

/* ---- Conversion options ------------------------------------------------- */

/* Day of the month of the last Sunday of month (1-12) in year. */
static int last_sunday(int year, int month)
{
    struct tm tm;
    time_t t;
    struct tm out;

    memset(&tm, 0, sizeof(tm));
    tm.tm_year = year - 1900;
    tm.tm_mon = month; /* the first day of the next month ... */
    tm.tm_mday = 0;    /* ... minus one: the last day of month */
    tm.tm_hour = 12;
    t = timegm(&tm);
    if (gmtime_r(&t, &out) == NULL) {
        return 31;
    }
    return out.tm_mday - out.tm_wday;
}

/* Italian civil time offset of a local "yyyyMMddHHmmss": summer time from
 * the last Sunday of March to the last Sunday of October (EU rule, change at
 * 01:00 UTC, i.e. 02:00 and 03:00 local). */
static const char *rome_offset(const char *hl7)
{
    int y, mo, d, h;

    if (hl7 == NULL || strlen(hl7) < 10 || sscanf(hl7, "%4d%2d%2d%2d", &y, &mo, &d, &h) != 4) {
        return "+01:00";
    }
    if (mo < 3 || mo > 10) {
        return "+01:00";
    }
    if (mo > 3 && mo < 10) {
        return "+02:00";
    }
    if (mo == 3) {
        int ls = last_sunday(y, 3);

        return d > ls || (d == ls && h >= 2) ? "+02:00" : "+01:00";
    }
    {
        int ls = last_sunday(y, 10);

        return d < ls || (d == ls && h < 3) ? "+02:00" : "+01:00";
    }
}

/* A FHIR instant of Unix ms, UTC. */
static void instant(char out[40], int64_t ms)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;

    if (gmtime_r(&t, &tm) == NULL) {
        out[0] = '\0';
        return;
    }
    snprintf(out, 40, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(ms % 1000));
}

void fse_eds_conv_init(fse_eds_conv *out, const fse_store_doc_meta *m, const fse_eds_opts *opts,
                       int64_t now)
{
    const char *tz = opts != NULL ? opts->tz_offset : NULL;

    memset(out, 0, sizeof(*out));
    instant(out->timestamp, now);
    instant(out->date, m->created_ms);
    snprintf(out->tz, sizeof(out->tz), "%s",
             tz != NULL ? tz
                        : rome_offset(m->service_start_time != NULL ? m->service_start_time
                                                                    : m->creation_time));
    if (opts != NULL) {
        out->opts.compat = opts->compat;
        out->opts.cf_system = opts->cf_system;
        out->opts.cond_url = opts->cond_url;
    }
    out->opts.timestamp = out->timestamp;
    /* The same document always gets the same resource ids. */
    out->opts.seed = fse_eds__fnv(m->unique_id, 0);
    out->opts.publication = &out->pub;
    out->pub.identificativo_doc = m->unique_id;
    out->pub.tipo_documento_liv_alto = m->class_code;
    out->pub.tipologia_struttura = m->facility_type_code;
    out->pub.atti_clinici = m->event_codes;
    out->pub.n_atti_clinici = m->n_event_codes;
    out->pub.assetto_organizzativo = m->practice_setting_code;
    out->pub.data_inizio_prestazione = m->service_start_time;
    out->pub.data_fine_prestazione = m->service_stop_time;
    out->pub.repository_unique_id = m->repository_id;
    out->pub.hash = m->hash_sha256;
    out->pub.size = (size_t)m->size;
    out->pub.date = out->date;
    out->pub.tz_offset = out->tz;
}

/* ---- The hook ----------------------------------------------------------- */

/* The resources of a bundle, collected for fse_store_eds_put. */
typedef struct split_out {
    fse_store_eds_resource *items;
    size_t n, cap;
    fse_buf text; /* every resource's JSON, NUL-separated */
} split_out;

static fse_err on_resource(void *ctx, const char *type, const char *json, size_t len)
{
    split_out *s = ctx;
    fse_err rc;

    if (s->n == FSE_STORE_EDS_MAX_RESOURCES) {
        return fse_error_set(FSE_E_LIMIT, FSE_EDS_MODULE, "more than %u resources",
                             FSE_STORE_EDS_MAX_RESOURCES);
    }
    if (s->n == s->cap) {
        size_t cap = s->cap == 0 ? 64 : s->cap * 2;
        fse_store_eds_resource *items = fse_realloc(s->items, cap * sizeof(*items));

        if (items == NULL) {
            return fse_error_set(FSE_E_NOMEM, FSE_EDS_MODULE, "resources");
        }
        s->items = items;
        s->cap = cap;
    }
    /* Offsets now, pointers once the text stops moving. */
    s->items[s->n].seq = s->text.len;
    s->items[s->n].json_len = len;
    s->items[s->n].type = NULL;
    rc = fse_buf_append(&s->text, json, len);
    if (rc == FSE_OK) {
        rc = fse_buf_append(&s->text, "", 1);
    }
    if (rc == FSE_OK) {
        rc = fse_buf_append_str(&s->text, type);
    }
    if (rc == FSE_OK) {
        rc = fse_buf_append(&s->text, "", 1);
    }
    if (rc == FSE_OK) {
        s->n++;
    }
    return rc;
}

static void split_fix(split_out *s)
{
    size_t i;

    for (i = 0; i < s->n; i++) {
        size_t off = s->items[i].seq;

        s->items[i].json = s->text.data + off;
        s->items[i].type = s->text.data + off + s->items[i].json_len + 1;
        s->items[i].seq = i;
    }
}

/* The document's record (NULL when absent or deleted) and, when cda is
 * NULL, its CDA. */
static fse_err load_document(fse_eds *e, const char *unique_id, fse_store_doc_meta **meta,
                             uint8_t **cda, size_t *cda_len)
{
    fse_err rc;

    *meta = NULL;
    pthread_mutex_lock(&e->store_lock);
    rc = fse_store_doc_get(meta, e->store, unique_id);
    if (rc == FSE_OK && (*meta)->status == FSE_STORE_DOC_DELETED) {
        rc = FSE_E_NOT_FOUND;
    }
    if (rc == FSE_OK && cda != NULL) {
        rc = fse_store_doc_read(cda, cda_len, e->store, unique_id, FSE_STORE_BLOB_CDA);
    }
    pthread_mutex_unlock(&e->store_lock);
    if (rc != FSE_OK) {
        fse_store_doc_meta_free(*meta);
        *meta = NULL;
    }
    return rc == FSE_E_NOT_FOUND ? FSE_OK : rc;
}

/* A refusal of the converter that another attempt would not change. */
static bool permanent(fse_err rc)
{
    return rc == FSE_E_UNSUPPORTED || rc == FSE_E_PARSE || rc == FSE_E_LIMIT;
}

/* Record a refused conversion and tell the gateway not to retry. */
static fse_err record_failure(fse_eds *e, const char *unique_id, fse_err conv_rc, int64_t now)
{
    char reason[FSE_ERROR_MSG_MAX];
    fse_err rc;

    snprintf(reason, sizeof(reason), "%s", fse_error_last()->message);
    pthread_mutex_lock(&e->store_lock);
    rc = fse_store_eds_put_failed(e->store, unique_id, reason[0] != '\0' ? reason : "refused", now);
    pthread_mutex_unlock(&e->store_lock);
    if (rc == FSE_E_NOT_FOUND) {
        return FSE_OK; /* deleted meanwhile */
    }
    if (rc != FSE_OK) {
        return rc;
    }
    eds_log(e, FSE_HTTP_LOG_WARN, "module=eds event=not-converted code=%d", (int)conv_rc);
    return fse_error_set(FSE_E_UNSUPPORTED, FSE_EDS_MODULE,
                         "Conversione FHIR non disponibile per il documento: %s", reason);
}

/* Split the converted bundle; a replacement's bundle is written again
 * with relatesTo naming the version it replaces (eds-fhir §1.2), into
 * edited, which *kept then points to. */
static fse_err split_bundle(split_out *parts, const char *json, size_t len,
                            const fse_store_doc_meta *m, fse_buf *edited, const char **kept,
                            size_t *kept_len)
{
    char system[300]; /* "urn:oid:" and a uniqueId's root (<= 256) */
    const char *caret;
    eds_relates rel;
    fse_err rc;

    *kept = json;
    *kept_len = len;
    if (m->replaces_unique_id == NULL || m->replaces_unique_id[0] == '\0') {
        return fse_eds__split(json, len, on_resource, parts);
    }
    caret = strchr(m->replaces_unique_id, '^');
    if (caret != NULL) {
        snprintf(system, sizeof(system), "urn:oid:%.*s", (int)(caret - m->replaces_unique_id),
                 m->replaces_unique_id);
        rel.value = caret + 1;
    } else {
        snprintf(system, sizeof(system), "urn:ietf:rfc:3986");
        rel.value = m->replaces_unique_id;
    }
    rel.system = system;
    rc = fse_eds__split_relates(json, len, on_resource, parts, &rel, edited);
    if (rc == FSE_OK) {
        *kept = edited->data;
        *kept_len = edited->len;
    }
    return rc;
}

/* Convert document unique_id and keep its bundle. */
static fse_err convert_and_keep(fse_eds *e, const char *unique_id, const uint8_t *cda,
                                size_t cda_len)
{
    fse_store_doc_meta *m = NULL;
    uint8_t *own_cda = NULL;
    size_t own_len = 0;
    char *json = NULL;
    size_t json_len = 0;
    int64_t now = now_ms(e);
    fse_eds_conv conv;
    split_out parts;
    fse_buf edited;
    const char *kept = NULL;
    size_t kept_len = 0;
    fse_err rc;

    memset(&parts, 0, sizeof(parts));
    fse_buf_init(&parts.text, 2u * FSE_STORE_EDS_MAX_BUNDLE_BYTES);
    fse_buf_init(&edited, FSE_STORE_EDS_MAX_BUNDLE_BYTES);
    rc = load_document(e, unique_id, &m, cda == NULL ? &own_cda : NULL, &own_len);
    if (rc != FSE_OK || m == NULL) {
        goto done; /* an error, or deleted before the job ran: nothing to keep */
    }
    if (cda == NULL) {
        cda = own_cda;
        cda_len = own_len;
    }
    fse_eds_conv_init(&conv, m, &e->opts, now);
    rc = fse_fhir_convert(&json, &json_len, cda, cda_len, &conv.opts);
    if (permanent(rc)) {
        rc = record_failure(e, unique_id, rc, now);
        goto done;
    }
    if (rc == FSE_OK) {
        rc = split_bundle(&parts, json, json_len, m, &edited, &kept, &kept_len);
    }
    if (rc == FSE_OK) {
        split_fix(&parts);
        pthread_mutex_lock(&e->store_lock);
        rc = fse_store_eds_put(e->store, unique_id, kept, kept_len, parts.items, parts.n, now);
        pthread_mutex_unlock(&e->store_lock);
        if (rc == FSE_E_NOT_FOUND) {
            rc = FSE_OK; /* deleted while it was converted */
        } else if (rc == FSE_OK) {
            eds_log(e, FSE_HTTP_LOG_DEBUG, "module=eds event=kept doc=%s resources=%zu", m->doc_id,
                    parts.n);
        }
    }
done:
    fse_free(json);
    fse_free(own_cda);
    fse_free(parts.items);
    fse_buf_free(&parts.text);
    fse_buf_free(&edited);
    fse_store_doc_meta_free(m);
    return rc;
}

fse_err fse_eds_gateway_hook(void *ud, const fse_gateway_fhir_job *job)
{
    fse_eds *e = ud;
    fse_err rc;

    if (e == NULL || job == NULL || job->unique_id == NULL) {
        return fse_error_set(FSE_E_ARG, FSE_EDS_MODULE, "hook: missing argument");
    }
    switch (job->op) {
    case FSE_GATEWAY_FHIR_CREATE:
        return convert_and_keep(e, job->unique_id, job->cda, job->cda_len);
    case FSE_GATEWAY_FHIR_UPDATE:
        /* The DocumentReference carries the metadata: convert again. */
        return convert_and_keep(e, job->unique_id, NULL, 0);
    case FSE_GATEWAY_FHIR_REPLACE:
        rc = convert_and_keep(e, job->unique_id, job->cda, job->cda_len);
        if ((rc == FSE_OK || rc == FSE_E_UNSUPPORTED) && job->replaced_unique_id != NULL) {
            char reason[FSE_ERROR_MSG_MAX];
            fse_err sup;

            snprintf(reason, sizeof(reason), "%s", fse_error_last()->message);
            pthread_mutex_lock(&e->store_lock);
            sup = fse_store_eds_supersede(e->store, job->replaced_unique_id, job->unique_id,
                                          now_ms(e));
            pthread_mutex_unlock(&e->store_lock);
            if (sup != FSE_OK && sup != FSE_E_NOT_FOUND) {
                return sup;
            }
            if (rc != FSE_OK) {
                /* The refusal's message, which supersede may have replaced. */
                return fse_error_set(rc, FSE_EDS_MODULE, "%s", reason);
            }
        }
        return rc;
    case FSE_GATEWAY_FHIR_DELETE:
        pthread_mutex_lock(&e->store_lock);
        rc = fse_store_eds_delete(e->store, job->unique_id, NULL);
        pthread_mutex_unlock(&e->store_lock);
        return rc;
    }
    return fse_error_set(FSE_E_ARG, FSE_EDS_MODULE, "hook: unknown operation %d", (int)job->op);
}
