/*
 * lib/consult/consult_pro.c - the professionals' acts and the registry:
 * POST /consult/v1/care-declarations (DM23 art.15 b: the declaration,
 * under DPR 445/2000 art.47, that care is ongoing), POST
 * /consult/v1/emergency-access (DM23 art.20: a break-the-glass grant with
 * its reason, time limited, notified to the patient and flagged in the
 * log) and PUT /admin/v1/patients/{cf} (the node's registry: birth date,
 * region, MMG/PLS).
 *
 * Owns the checks of these bodies and who may send them; the relations are
 * kept by the store and read back by consult_facts.c.
 */
#include "consult_int.h"

#include <stdio.h>
#include <string.h>

#define DAY_MS (24LL * 60 * 60 * 1000)

/* Professional role and the expected purpose; answers 403 itself. */
static bool professional(cs_ctx *ctx, const char *purpose, bool pharmacist_ok)
{
    fse_policy_role_class cls = fse_policy_role_class_of(ctx->role);
    bool role_ok = cls == FSE_POLICY_ROLE_DOCTOR || cls == FSE_POLICY_ROLE_NURSE ||
                   (pharmacist_ok && cls == FSE_POLICY_ROLE_PHARMACIST);

    if (!role_ok || ctx->purpose == NULL || strcmp(ctx->purpose, purpose) != 0) {
        (void)fse_consult__audit(ctx, NULL, FSE_AUDIT_REFUSED, "deny-role");
        (void)fse_consult__fail(ctx, 403, "Ruolo o finalita' non ammessi per l'operazione");
        return false;
    }
    return true;
}

/* A text member of 1..CS_MAX_TEXT bytes (at least min). */
static const char *text_member(json_t *body, const char *name, size_t min)
{
    const char *s = json_string_value(json_object_get(body, name));
    size_t n = s != NULL ? strlen(s) : 0;

    return n >= min && n >= 1 && n <= CS_MAX_TEXT ? s : NULL;
}

static fse_err created(cs_ctx *ctx, int64_t id, int64_t valid_to_ms)
{
    char until[32];
    fse_buf out;
    fse_err rc;

    fse_consult__iso_ms(until, valid_to_ms);
    fse_buf_init(&out, 256);
    rc = fse_buf_printf(&out, "{\"id\":%lld,\"valid_to\":\"%s\"}", (long long)id, until);
    if (rc == FSE_OK) {
        ctx->answered = true;
        rc = fse_http_respond_json(ctx->req, 201, &out);
    }
    fse_buf_free(&out);
    return rc;
}

/* Record a relation of the actor to the token's patient and answer 201. */
static fse_err add_relation(cs_ctx *ctx, fse_store_relation_kind kind, const char *text,
                            int64_t length_ms, const char *audit_reason)
{
    fse_store_relation r;
    int64_t id = 0;

    memset(&r, 0, sizeof(r));
    r.kind = kind;
    r.actor_id = ctx->actor;
    r.actor_role = ctx->role;
    r.organisation = ctx->org;
    r.reason = text;
    r.valid_from_ms = ctx->now_ms;
    r.valid_to_ms = ctx->now_ms + length_ms;
    if (fse_store_relation_add(ctx->store, ctx->patient, &r, &id) != FSE_OK) {
        return fse_consult__internal(ctx, "relation");
    }
    if (!fse_consult__audit(ctx, NULL, FSE_AUDIT_SUCCESS, audit_reason)) {
        return fse_consult__internal(ctx, "audit");
    }
    return created(ctx, id, r.valid_to_ms);
}

fse_err fse_consult__care_post(cs_ctx *ctx)
{
    json_t *body = NULL;
    json_t *days_v;
    const char *text;
    long long days = CS_DEFAULT_CARE_DAYS;
    fse_err rc;

    if (!professional(ctx, "TREATMENT", true) || !fse_consult__body(ctx, &body)) {
        return FSE_OK;
    }
    days_v = json_object_get(body, "days");
    text = text_member(body, "declaration", 1);
    if (days_v != NULL) {
        days = json_is_integer(days_v) ? json_integer_value(days_v) : -1;
    }
    if (text == NULL || days < 1 || days > CS_MAX_CARE_DAYS) {
        json_decref(body);
        return fse_consult__fail(ctx, 400, "Attesi patient, declaration (testo) e days (1..365)");
    }
    if (!fse_consult__same_patient(ctx, json_string_value(json_object_get(body, "patient")))) {
        json_decref(body);
        return FSE_OK;
    }
    rc = add_relation(ctx, FSE_STORE_REL_CARE, text, (int64_t)days * DAY_MS, "care-declared");
    json_decref(body);
    return rc;
}

fse_err fse_consult__emergency_post(cs_ctx *ctx)
{
    json_t *body = NULL;
    const char *reason;
    char audit_reason[CS_MAX_TEXT + 16];
    fse_err rc;

    if (!professional(ctx, "EMERGENCY", false) || !fse_consult__body(ctx, &body)) {
        return FSE_OK;
    }
    reason = text_member(body, "reason", CS_MIN_REASON);
    if (reason == NULL) {
        json_decref(body);
        return fse_consult__fail(ctx, 400,
                                 "Accesso in emergenza: indicare patient e il motivo (almeno 10 "
                                 "caratteri)");
    }
    if (!fse_consult__same_patient(ctx, json_string_value(json_object_get(body, "patient"))) ||
        !fse_consult__facts(ctx)) {
        json_decref(body);
        return FSE_OK;
    }
    snprintf(audit_reason, sizeof(audit_reason), "break-the-glass: %s", reason);
    fse_consult__notify(ctx, "EMERGENCY",
                        "E' stato aperto un accesso in emergenza al tuo Fascicolo.");
    rc = add_relation(ctx, FSE_STORE_REL_EMERGENCY, reason, ctx->c->emergency_ms, audit_reason);
    json_decref(body);
    return rc;
}

/* ---- Registry ----------------------------------------------------------- */

static bool admin(cs_ctx *ctx)
{
    if (ctx->role == NULL || (strcmp(ctx->role, "OAM") != 0 && strcmp(ctx->role, "NOR") != 0) ||
        ctx->purpose == NULL || strcmp(ctx->purpose, "ADMINISTRATIVE") != 0) {
        (void)fse_consult__audit(ctx, NULL, FSE_AUDIT_REFUSED, "deny-role");
        (void)fse_consult__fail(ctx, 403, "Anagrafe: ruolo OAM o NOR e finalita' ADMINISTRATIVE");
        return false;
    }
    return true;
}

/* "yyyy-mm-dd" -> "yyyymmdd". */
static bool compact_date(char out[9], const char *s)
{
    int64_t ms;

    if (!fse_consult__date_ms(s, &ms)) {
        return false;
    }
    snprintf(out, 9, "%.4s%.2s%.2s", s, s + 5, s + 8);
    return true;
}

static bool region_ok(const char *r)
{
    return r == NULL || (strlen(r) == 3 && strspn(r, "0123456789") == 3);
}

fse_err fse_consult__registry_put(cs_ctx *ctx)
{
    fse_store_patient p;
    json_t *body = NULL;
    char birth[9];
    char gp[CS_MAX_PERSON + 1];
    const char *gp_text;
    const char *gp_from;
    fse_err rc;

    if (!admin(ctx) || !fse_consult__same_patient(ctx, fse_http_req_param(ctx->req, "cf")) ||
        !fse_consult__body(ctx, &body)) {
        return FSE_OK;
    }
    memset(&p, 0, sizeof(p));
    p.patient_id = ctx->patient;
    p.region = json_string_value(json_object_get(body, "region"));
    gp_text = json_string_value(json_object_get(body, "gp"));
    gp_from = json_string_value(json_object_get(body, "gp_from"));
    p.gp_from_ms = ctx->now_ms;
    if (!compact_date(birth, json_string_value(json_object_get(body, "birth_date"))) ||
        !region_ok(p.region) || (gp_text != NULL && !fse_consult__person(gp, gp_text)) ||
        (gp_from != NULL && !fse_consult__date_ms(gp_from, &p.gp_from_ms))) {
        json_decref(body);
        return fse_consult__fail(ctx, 400,
                                 "Attesi birth_date aaaa-mm-gg, region (3 cifre), gp (codice "
                                 "fiscale) e gp_from facoltativi");
    }
    p.birth_date = birth;
    p.gp_id = gp_text != NULL ? gp : NULL;
    rc = fse_store_patient_put(ctx->store, &p, ctx->now_ms);
    json_decref(body);
    if (rc != FSE_OK) {
        return fse_consult__internal(ctx, "registry");
    }
    if (!fse_consult__audit(ctx, NULL, FSE_AUDIT_SUCCESS, "registry")) {
        return fse_consult__internal(ctx, "audit");
    }
    ctx->answered = true;
    return fse_http_respond(ctx->req, 204, NULL, NULL, 0);
}
