/*
 * lib/consult/consult_citizen.c - the citizen's rights API
 * (/citizen/v1/patients/{cf}/...): consents, document visibility,
 * delegates, notifications (docs/consult.md).
 *
 * Owns the gate of every act (the path's patient is the token's, and
 * lib/policy allows the act for the subject), the JSON bodies in and out,
 * and the audit record and notification of each act. The access log is
 * in consult_log.c.
 */
#include "consult_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

bool fse_consult__citizen_gate(cs_ctx *ctx, fse_policy_act act)
{
    fse_policy_decision d;
    char detail[200];

    if (!fse_consult__same_patient(ctx, fse_http_req_param(ctx->req, "cf")) ||
        !fse_consult__facts(ctx)) {
        return false;
    }
    fse_policy_citizen_act(ctx->c->policy, &ctx->subject, &ctx->pat, act, &d);
    if (!d.allow) {
        snprintf(detail, sizeof(detail), "Operazione non consentita: %s",
                 fse_policy_reason_text(d.reason));
        (void)fse_consult__audit(ctx, NULL, FSE_AUDIT_REFUSED, fse_policy_reason_name(d.reason));
        (void)fse_consult__fail(ctx, 403, detail);
        return false;
    }
    return true;
}

/* The JSON object body; answers 400 itself. *out caller-owned (json_decref). */
bool fse_consult__body(cs_ctx *ctx, json_t **out)
{
    if (fse_http_req_json(ctx->req, out) != FSE_OK || !json_is_object(*out)) {
        if (*out != NULL) {
            json_decref(*out);
            *out = NULL;
        }
        (void)fse_consult__fail(ctx, 400,
                                "Corpo della richiesta non valido: atteso un oggetto JSON");
        return false;
    }
    return true;
}

/* Record the act, then answer the body written with w (or 500 when the act
 * could not be recorded); out is freed. */
static fse_err done(cs_ctx *ctx, const char *doc, const char *reason, unsigned status, fse_json *w,
                    fse_buf *out)
{
    if (fse_json_status(w) != FSE_OK) {
        fse_buf_free(out);
        return fse_json_status(w);
    }
    if (!fse_consult__audit(ctx, doc, FSE_AUDIT_SUCCESS, reason)) {
        fse_buf_free(out);
        return fse_consult__internal(ctx, "audit");
    }
    return fse_consult__send(ctx, w, out, status);
}

/* ---- Consents ----------------------------------------------------------- */

static void consent_json(fse_json *w, const cs_ctx *ctx, const fse_store_consent *c)
{
    char when[32];

    fse_consult__iso_ms(when, c->time_ms);
    fse_json_object_begin(w);
    fse_json_kv_string(w, "purpose", fse_store_consent_purpose_name(c->purpose));
    fse_json_kv_bool(w, "given", c->given);
    fse_json_kv_bool(w, "effective",
                     fse_policy_consent_effective(c->given, c->patient_minor, ctx->pat.minor));
    fse_json_kv_string(w, "time", when);
    fse_json_kv_string(w, "channel", c->channel != NULL ? c->channel : "");
    fse_json_kv_string(w, "by_role", c->actor_role != NULL ? c->actor_role : "");
    fse_json_object_end(w);
}

fse_err fse_consult__consents_get(cs_ctx *ctx)
{
    fse_store_consent_list *l = NULL;
    const fse_store_consent *last[FSE_STORE_CONSENT_PURPOSES] = {NULL};
    fse_buf out;
    fse_json w;
    size_t i;
    fse_err rc;

    if (!fse_consult__citizen_gate(ctx, FSE_POLICY_ACT_CONSENT)) {
        return FSE_OK;
    }
    if (fse_store_consent_list_get(&l, ctx->store, ctx->patient) != FSE_OK) {
        return fse_consult__internal(ctx, "consents");
    }
    fse_consult__json_begin(&out, &w);
    fse_json_object_begin(&w);
    fse_json_kv_bool(&w, "minor", ctx->pat.minor);
    fse_json_key(&w, "current");
    fse_json_array_begin(&w);
    for (i = 0; i < l->n_consents; i++) {
        if ((unsigned)l->consents[i].purpose < FSE_STORE_CONSENT_PURPOSES) {
            last[l->consents[i].purpose] = &l->consents[i];
        }
    }
    for (i = 0; i < FSE_STORE_CONSENT_PURPOSES; i++) {
        if (last[i] != NULL) {
            consent_json(&w, ctx, last[i]);
        }
    }
    fse_json_array_end(&w);
    fse_json_key(&w, "history");
    fse_json_array_begin(&w);
    for (i = 0; i < l->n_consents; i++) {
        consent_json(&w, ctx, &l->consents[i]);
    }
    fse_json_array_end(&w);
    fse_json_object_end(&w);
    rc = done(ctx, NULL, "consents", 200, &w, &out);
    fse_store_consent_list_free(l);
    return rc;
}

fse_err fse_consult__consent_put(cs_ctx *ctx)
{
    fse_store_consent c;
    json_t *body = NULL;
    json_t *given;
    const char *channel;
    fse_buf out;
    fse_json w;
    char reason[64];
    fse_err rc = FSE_OK;

    memset(&c, 0, sizeof(c));
    if (!fse_consult__citizen_gate(ctx, FSE_POLICY_ACT_CONSENT)) {
        return FSE_OK;
    }
    if (!fse_store_consent_purpose_parse(&c.purpose, fse_http_req_param(ctx->req, "purpose"))) {
        return fse_consult__fail(ctx, 400, "Finalita' del consenso sconosciuta");
    }
    if (!fse_consult__body(ctx, &body)) {
        return FSE_OK;
    }
    given = json_object_get(body, "given");
    channel = json_string_value(json_object_get(body, "channel"));
    if (!json_is_boolean(given) || (channel != NULL && strlen(channel) > 32)) {
        json_decref(body);
        return fse_consult__fail(ctx, 400, "Campo given (booleano) obbligatorio");
    }
    c.given = json_is_true(given);
    c.time_ms = ctx->now_ms;
    c.channel = channel != NULL ? channel : "web";
    c.actor_id = ctx->actor;
    c.actor_role = ctx->role;
    c.patient_minor = ctx->pat.minor;
    if (fse_store_consent_add(ctx->store, ctx->patient, &c, NULL) != FSE_OK) {
        json_decref(body);
        return fse_consult__internal(ctx, "consent");
    }
    fse_consult__notify(ctx, "CONSENT", "Un consenso del tuo Fascicolo e' stato modificato.");
    fse_consult__json_begin(&out, &w);
    consent_json(&w, ctx, &c);
    snprintf(reason, sizeof(reason), "%s %s", fse_store_consent_purpose_name(c.purpose),
             c.given ? "given" : "revoked");
    rc = done(ctx, NULL, reason, 200, &w, &out);
    json_decref(body);
    return rc;
}

/* ---- Visibility --------------------------------------------------------- */

/* Apply the body's booleans to the visibility bits; false on a bad member. */
static bool apply_visibility(json_t *body, unsigned *vis)
{
    static const struct {
        const char *name;
        unsigned bit;
    } members[] = {
        {"obscured", FSE_STORE_VIS_OBSCURED},
        {"tutela_released", FSE_STORE_VIS_TUTELA_RELEASED},
        {"hidden_from_parents", FSE_STORE_VIS_NOT_PARENTS},
    };
    bool any = false;
    size_t i;

    for (i = 0; i < sizeof(members) / sizeof(members[0]); i++) {
        json_t *v = json_object_get(body, members[i].name);

        if (v == NULL) {
            continue;
        }
        if (!json_is_boolean(v)) {
            return false;
        }
        *vis = json_is_true(v) ? (*vis | members[i].bit) : (*vis & ~members[i].bit);
        any = true;
    }
    return any;
}

static void visibility_json(fse_json *w, const char *id, unsigned vis)
{
    fse_json_object_begin(w);
    fse_json_kv_string(w, "id", id);
    fse_json_kv_bool(w, "obscured", (vis & FSE_STORE_VIS_OBSCURED) != 0);
    fse_json_kv_bool(w, "tutela", (vis & FSE_STORE_VIS_TUTELA) != 0);
    fse_json_kv_bool(w, "tutela_released", (vis & FSE_STORE_VIS_TUTELA_RELEASED) != 0);
    fse_json_kv_bool(w, "hidden_from_parents", (vis & FSE_STORE_VIS_NOT_PARENTS) != 0);
    fse_json_object_end(w);
}

fse_err fse_consult__visibility_put(cs_ctx *ctx)
{
    fse_store_doc_list *list = NULL;
    const fse_store_doc_meta *m = NULL;
    fse_policy_decision d;
    json_t *body = NULL;
    unsigned vis;
    fse_buf out;
    fse_json w;
    fse_err rc = FSE_OK;

    if (!fse_consult__citizen_gate(ctx, FSE_POLICY_ACT_OBSCURE) ||
        !fse_consult__find_doc(ctx, fse_http_req_param(ctx->req, "id"), &list, &m)) {
        return FSE_OK;
    }
    if (m != NULL) {
        fse_consult__decide(ctx, m, &d);
    }
    if (m == NULL || !d.allow) {
        fse_store_doc_list_free(list);
        (void)fse_consult__audit(ctx, NULL, FSE_AUDIT_REFUSED, "not-found");
        return fse_consult__not_found(ctx);
    }
    vis = m->visibility;
    if (!fse_consult__body(ctx, &body)) {
        fse_store_doc_list_free(list);
        return FSE_OK;
    }
    if (!apply_visibility(body, &vis)) {
        rc = fse_consult__fail(ctx, 400,
                               "Atteso almeno uno tra obscured, tutela_released, "
                               "hidden_from_parents (booleani)");
    } else if (fse_store_doc_visibility_set(ctx->store, m->unique_id, vis, ctx->now_ms) != FSE_OK) {
        rc = fse_consult__internal(ctx, "visibility");
    } else {
        fse_consult__notify(
            ctx, "OBSCURING",
            "La visibilita' di un documento del tuo Fascicolo e' stata modificata.");
        fse_consult__json_begin(&out, &w);
        visibility_json(&w, m->doc_id, vis);
        rc = done(ctx, m->unique_id, (vis & FSE_STORE_VIS_OBSCURED) ? "obscured" : "visible", 200,
                  &w, &out);
    }
    json_decref(body);
    fse_store_doc_list_free(list);
    return rc;
}

/* ---- Notifications ------------------------------------------------------ */

fse_err fse_consult__notifications_get(cs_ctx *ctx)
{
    fse_store_notification_list *l = NULL;
    fse_buf out;
    fse_json w;
    size_t i;
    fse_err rc;

    if (!fse_consult__citizen_gate(ctx, FSE_POLICY_ACT_NOTIFY)) {
        return FSE_OK;
    }
    if (fse_store_notification_list_get(&l, ctx->store, ctx->patient, 0, 0) != FSE_OK) {
        return fse_consult__internal(ctx, "notifications");
    }
    fse_consult__json_begin(&out, &w);
    fse_json_object_begin(&w);
    fse_json_kv_bool(&w, "enabled", ctx->registry == NULL || !ctx->registry->notifications_off);
    fse_json_kv_string(&w, "channel",
                       ctx->registry != NULL && ctx->registry->notify_channel != NULL
                           ? ctx->registry->notify_channel
                           : "app");
    fse_json_key(&w, "items");
    fse_json_array_begin(&w);
    for (i = 0; i < l->n; i++) {
        char when[32];

        fse_consult__iso_ms(when, l->items[i].time_ms);
        fse_json_object_begin(&w);
        fse_json_kv_int(&w, "id", (long long)l->items[i].id);
        fse_json_kv_string(&w, "time", when);
        fse_json_kv_string(&w, "kind", l->items[i].kind);
        fse_json_kv_string(&w, "text", l->items[i].text);
        fse_json_object_end(&w);
    }
    fse_json_array_end(&w);
    fse_json_object_end(&w);
    rc = done(ctx, NULL, "notifications", 200, &w, &out);
    fse_store_notification_list_free(l);
    return rc;
}

static bool channel_ok(const char *c)
{
    return c == NULL || strcmp(c, "app") == 0 || strcmp(c, "email") == 0 || strcmp(c, "both") == 0;
}

fse_err fse_consult__notifications_put(cs_ctx *ctx)
{
    json_t *body = NULL;
    json_t *enabled;
    const char *channel;
    fse_buf out;
    fse_json w;

    if (!fse_consult__citizen_gate(ctx, FSE_POLICY_ACT_NOTIFY) || !fse_consult__body(ctx, &body)) {
        return FSE_OK;
    }
    enabled = json_object_get(body, "enabled");
    channel = json_string_value(json_object_get(body, "channel"));
    if (!json_is_boolean(enabled) || !channel_ok(channel)) {
        json_decref(body);
        return fse_consult__fail(ctx, 400, "Attesi enabled (booleano) e channel app|email|both");
    }
    fse_err rc = fse_store_patient_notify_set(ctx->store, ctx->patient, json_is_true(enabled),
                                              channel, ctx->now_ms);

    if (rc == FSE_E_NOT_FOUND) {
        json_decref(body);
        return fse_consult__fail(ctx, 404, "Assistito non presente nell'anagrafe del nodo");
    }
    if (rc != FSE_OK) {
        json_decref(body);
        return fse_consult__internal(ctx, "notification settings");
    }
    fse_consult__json_begin(&out, &w);
    fse_json_object_begin(&w);
    fse_json_kv_bool(&w, "enabled", json_is_true(enabled));
    fse_json_kv_string(&w, "channel", channel != NULL ? channel : "app");
    fse_json_object_end(&w);
    rc = done(ctx, NULL, json_is_true(enabled) ? "notifications-on" : "notifications-off", 200, &w,
              &out);
    json_decref(body);
    return rc;
}
