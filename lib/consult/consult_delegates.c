/*
 * lib/consult/consult_delegates.c - the patient's delegates, guardians and
 * parents (/citizen/v1/patients/{cf}/delegates).
 *
 * Owns the JSON of a relation, the checks of a new one (a valid person id,
 * a known kind, a validity period; a parent's record ends at the patient's
 * 18th birthday) and ending one. Relations of doctors (care declarations,
 * emergency grants) are not listed or ended here.
 */
#include "consult_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CITIZEN_KINDS                                                                              \
    (FSE_STORE_REL_BIT(FSE_STORE_REL_DELEGATE) | FSE_STORE_REL_BIT(FSE_STORE_REL_GUARDIAN) |       \
     FSE_STORE_REL_BIT(FSE_STORE_REL_PARENT))

typedef struct kind_name {
    const char *name;
    fse_store_relation_kind kind;
    const char *role;
} kind_name;

static const kind_name kinds[] = {
    {"delegate", FSE_STORE_REL_DELEGATE, "ING"},
    {"guardian", FSE_STORE_REL_GUARDIAN, "TUT"},
    {"parent", FSE_STORE_REL_PARENT, "GEN"},
};

static const kind_name *kind_by_name(const char *name)
{
    size_t i;

    for (i = 0; name != NULL && i < sizeof(kinds) / sizeof(kinds[0]); i++) {
        if (strcmp(kinds[i].name, name) == 0) {
            return &kinds[i];
        }
    }
    return NULL;
}

static const char *kind_text(fse_store_relation_kind k)
{
    size_t i;

    for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
        if (kinds[i].kind == k) {
            return kinds[i].name;
        }
    }
    return "other";
}

bool fse_consult__date_ms(const char *s, int64_t *out)
{
    struct tm tm;
    int y;
    int m;
    int d;
    char tail;

    if (s == NULL || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || strlen(s) != 10 ||
        y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1 || d > 31) {
        return false;
    }
    memset(&tm, 0, sizeof(tm));
    tm.tm_year = y - 1900;
    tm.tm_mon = m - 1;
    tm.tm_mday = d;
    *out = (int64_t)timegm(&tm) * 1000;
    return true;
}

/* The patient's 18th birthday in Unix ms (0 when unknown). */
static int64_t adulthood_ms(const fse_store_patient *reg)
{
    char date[11];
    int64_t ms = 0;

    if (reg == NULL || reg->birth_date == NULL || strlen(reg->birth_date) != 8) {
        return 0;
    }
    if (fse_consult__digits(reg->birth_date, 4) < 0) {
        return 0;
    }
    snprintf(date, sizeof(date), "%04d-%.2s-%.2s", fse_consult__digits(reg->birth_date, 4) + 18,
             reg->birth_date + 4, reg->birth_date + 6);
    return fse_consult__date_ms(date, &ms) ? ms : 0;
}

static void relation_json(fse_json *w, const fse_store_relation *r, int64_t now_ms)
{
    char from[32];
    char to[32];
    bool in_force = r->ended_ms == 0 && r->valid_from_ms <= now_ms &&
                    (r->valid_to_ms == 0 || now_ms < r->valid_to_ms);

    fse_consult__iso_ms(from, r->valid_from_ms);
    fse_consult__iso_ms(to, r->valid_to_ms);
    fse_json_object_begin(w);
    fse_json_kv_int(w, "id", (long long)r->id);
    fse_json_kv_string(w, "kind", kind_text(r->kind));
    fse_json_kv_string(w, "delegate", r->actor_id != NULL ? r->actor_id : "");
    fse_json_kv_string(w, "valid_from", from);
    if (r->valid_to_ms != 0) {
        fse_json_kv_string(w, "valid_to", to);
    }
    fse_json_kv_bool(w, "in_force", in_force);
    fse_json_object_end(w);
}

static fse_err list_answer(cs_ctx *ctx, const fse_store_relation_list *l)
{
    fse_buf out;
    fse_json w;
    size_t i;
    fse_err rc;

    fse_consult__json_begin(&out, &w);
    fse_json_object_begin(&w);
    fse_json_key(&w, "delegates");
    fse_json_array_begin(&w);
    for (i = 0; i < l->n_relations; i++) {
        relation_json(&w, &l->relations[i], ctx->now_ms);
    }
    fse_json_array_end(&w);
    fse_json_object_end(&w);
    rc = fse_json_status(&w);
    if (rc == FSE_OK && !fse_consult__audit(ctx, NULL, FSE_AUDIT_SUCCESS, "delegates")) {
        rc = fse_consult__internal(ctx, "audit");
    } else if (rc == FSE_OK) {
        ctx->answered = true;
        rc = fse_http_respond_json(ctx->req, 200, &out);
    }
    fse_buf_free(&out);
    return rc;
}

fse_err fse_consult__delegates_get(cs_ctx *ctx)
{
    fse_store_relation_list *l = NULL;
    fse_store_relation_query q = {ctx->patient, CITIZEN_KINDS, NULL, 0};
    fse_err rc;

    if (!fse_consult__citizen_gate(ctx, FSE_POLICY_ACT_DELEGATES)) {
        return FSE_OK;
    }
    if (fse_store_relation_list_get(&l, ctx->store, &q) != FSE_OK) {
        return fse_consult__internal(ctx, "delegates");
    }
    rc = list_answer(ctx, l);
    fse_store_relation_list_free(l);
    return rc;
}

/* Fill r from the body; answers 400 itself. */
static bool relation_from_body(cs_ctx *ctx, json_t *body, fse_store_relation *r, char *cf)
{
    const kind_name *k = kind_by_name(json_string_value(json_object_get(body, "kind")));
    const char *from = json_string_value(json_object_get(body, "valid_from"));
    const char *to = json_string_value(json_object_get(body, "valid_to"));
    int64_t adult = adulthood_ms(ctx->registry);

    memset(r, 0, sizeof(*r));
    r->valid_from_ms = ctx->now_ms;
    if (k == NULL ||
        !fse_consult__person(cf, json_string_value(json_object_get(body, "delegate"))) ||
        (from != NULL && !fse_consult__date_ms(from, &r->valid_from_ms)) ||
        (to != NULL && !fse_consult__date_ms(to, &r->valid_to_ms)) ||
        (r->valid_to_ms != 0 && r->valid_to_ms <= r->valid_from_ms) ||
        strcmp(cf, ctx->patient) == 0) {
        (void)fse_consult__fail(ctx, 400,
                                "Attesi delegate (codice fiscale diverso dall'assistito), kind "
                                "delegate|guardian|parent, valid_from e valid_to aaaa-mm-gg");
        return false;
    }
    if (k->kind == FSE_STORE_REL_PARENT) {
        if (!ctx->pat.minor) {
            (void)fse_consult__fail(ctx, 400,
                                    "Il genitore puo' essere indicato solo per un minore");
            return false;
        }
        if (adult != 0 && (r->valid_to_ms == 0 || r->valid_to_ms > adult)) {
            r->valid_to_ms = adult;
        }
    }
    r->kind = k->kind;
    r->actor_id = cf;
    r->actor_role = k->role;
    return true;
}

fse_err fse_consult__delegate_post(cs_ctx *ctx)
{
    fse_store_relation r;
    char cf[CS_MAX_PERSON + 1];
    json_t *body = NULL;
    int64_t id = 0;
    fse_buf out;
    fse_err rc;

    if (!fse_consult__citizen_gate(ctx, FSE_POLICY_ACT_DELEGATES) ||
        !fse_consult__body(ctx, &body)) {
        return FSE_OK;
    }
    if (!relation_from_body(ctx, body, &r, cf)) {
        json_decref(body);
        return FSE_OK;
    }
    json_decref(body);
    if (fse_store_relation_add(ctx->store, ctx->patient, &r, &id) != FSE_OK) {
        return fse_consult__internal(ctx, "delegate");
    }
    fse_consult__notify(ctx, "DELEGATE", "Le deleghe del tuo Fascicolo sono state modificate.");
    if (!fse_consult__audit(ctx, NULL, FSE_AUDIT_SUCCESS, kind_text(r.kind))) {
        return fse_consult__internal(ctx, "audit");
    }
    fse_buf_init(&out, 128);
    rc = fse_buf_printf(&out, "{\"id\":%lld}", (long long)id);
    if (rc == FSE_OK) {
        ctx->answered = true;
        rc = fse_http_respond_json(ctx->req, 201, &out);
    }
    fse_buf_free(&out);
    return rc;
}

/* Whether id is one of the patient's citizen-side relations. */
static bool is_citizen_relation(cs_ctx *ctx, int64_t id, bool *ok)
{
    fse_store_relation_list *l = NULL;
    fse_store_relation_query q = {ctx->patient, CITIZEN_KINDS, NULL, 0};
    bool found = false;
    size_t i;

    *ok = fse_store_relation_list_get(&l, ctx->store, &q) == FSE_OK;
    for (i = 0; *ok && i < l->n_relations; i++) {
        found = found || l->relations[i].id == id;
    }
    fse_store_relation_list_free(l);
    return found;
}

fse_err fse_consult__delegate_delete(cs_ctx *ctx)
{
    const char *text = fse_http_req_param(ctx->req, "id");
    char *end = NULL;
    long long id;
    bool ok = true;
    fse_err rc;

    if (!fse_consult__citizen_gate(ctx, FSE_POLICY_ACT_DELEGATES)) {
        return FSE_OK;
    }
    id = text != NULL ? strtoll(text, &end, 10) : 0;
    if (text == NULL || *end != '\0' || id <= 0 || !is_citizen_relation(ctx, (int64_t)id, &ok)) {
        return ok ? fse_consult__not_found(ctx) : fse_consult__internal(ctx, "delegates");
    }
    rc = fse_store_relation_end(ctx->store, ctx->patient, (int64_t)id, ctx->now_ms);
    if (rc == FSE_E_NOT_FOUND) {
        return fse_consult__fail(ctx, 409, "Delega gia' terminata");
    }
    if (rc != FSE_OK) {
        return fse_consult__internal(ctx, "delegate end");
    }
    fse_consult__notify(ctx, "DELEGATE", "Le deleghe del tuo Fascicolo sono state modificate.");
    if (!fse_consult__audit(ctx, NULL, FSE_AUDIT_SUCCESS, "delegate-ended")) {
        return fse_consult__internal(ctx, "audit");
    }
    ctx->answered = true;
    return fse_http_respond(ctx->req, 204, NULL, NULL, 0);
}
