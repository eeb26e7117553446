/*
 * lib/consult/consult_auth.c - the token step of consultation.
 *
 * Owns reading the pair (Authorization: Bearer and FSE-JWT-Signature),
 * verifying both at the node's time, the READ claim rules of fse/jwt.h,
 * and the identifiers taken from the claims: the actor (sub), the patient
 * (person_id) and the facility (locality). A missing or invalid token is
 * 401; valid tokens with refused claims are 403. The refusal detail names
 * the reason, never a claim value.
 */
#include "consult_int.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

bool fse_consult__person(char out[CS_MAX_PERSON + 1], const char *id)
{
    size_t n;
    size_t i;

    out[0] = '\0';
    if (id == NULL) {
        return false;
    }
    while (*id == ' ') {
        id++;
    }
    n = strcspn(id, "^");
    while (n > 0 && id[n - 1] == ' ') {
        n--;
    }
    if (n == 0 || n > CS_MAX_PERSON) {
        return false;
    }
    for (i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)id[i];

        if (!isalnum(ch)) {
            out[0] = '\0';
            return false;
        }
        out[i] = (char)toupper(ch);
    }
    out[n] = '\0';
    return true;
}

static bool refuse(cs_ctx *ctx, unsigned status, const char *detail)
{
    if (status == 401) {
        (void)fse_http_set_header(ctx->req, "WWW-Authenticate", "Bearer realm=\"fse\"");
    }
    (void)fse_consult__fail(ctx, status, detail);
    (void)fse_consult__audit(ctx, NULL, FSE_AUDIT_REFUSED, detail);
    return false;
}

static bool verify(cs_ctx *ctx, const char *token, fse_jwt_claims **out)
{
    char detail[160];
    fse_jwt_reason reason = FSE_JWT_OK;
    fse_err rc =
        fse_jwt_verify(out, &reason, ctx->c->verifier, token, strlen(token), ctx->now_ms / 1000);

    if (rc == FSE_OK) {
        return true;
    }
    if (reason == FSE_JWT_E_INTERNAL) {
        (void)fse_consult__internal(ctx, "token verification");
        return false;
    }
    snprintf(detail, sizeof(detail), "Token non valido: %s", fse_jwt_reason_text(reason));
    return refuse(ctx, 401, detail);
}

/* The READ rules of fse/jwt.h on the pair; the first finding refuses.
 * *read_ok tells whether the operation coherence rule passed: the registry
 * is written with purpose ADMINISTRATIVE, which READ does not list
 * (consult_pro.c checks it), so that one finding is set aside there. */
static bool claim_rules(cs_ctx *ctx, const fse_jwt_claims *auth, const fse_jwt_claims *sig,
                        bool *read_ok)
{
    fse_jwt_findings findings;
    bool registry = strcmp(ctx->action, "REGISTRY") == 0;
    bool ok = true;
    size_t i;

    *read_ok = true;
    fse_jwt_findings_init(&findings);
    if (fse_jwt_check_operation(&findings, auth, sig, FSE_JWT_OP_READ) != FSE_OK) {
        fse_jwt_findings_free(&findings);
        (void)fse_consult__internal(ctx, "claim rules");
        return false;
    }
    for (i = 0; ok && i < findings.n_items; i++) {
        char detail[300];

        if (findings.items[i].reason == FSE_JWT_E_OPERATION) {
            *read_ok = false;
            if (registry) {
                continue;
            }
        }
        snprintf(detail, sizeof(detail), "Token non ammesso: %s",
                 findings.items[i].detail != NULL ? findings.items[i].detail : "claim");
        ok = refuse(ctx, 403, detail);
    }
    fse_jwt_findings_free(&findings);
    return ok;
}

/* Copy s into a fixed field; false when it does not fit. */
static bool copy_field(char *out, size_t cap, const char *s)
{
    size_t n = s != NULL ? strlen(s) : 0;

    if (n >= cap) {
        return false;
    }
    memcpy(out, s != NULL ? s : "", n + 1);
    return true;
}

/* The cache entry of a verified pair; false when a claim is unusable. */
static bool entry_from_claims(cs_token_entry *e, const fse_jwt_claims *sig, int64_t exp_s)
{
    e->exp_s = exp_s;
    snprintf(e->locality, sizeof(e->locality), "%s", sig->locality != NULL ? sig->locality : "");
    return copy_field(e->role, sizeof(e->role), sig->subject_role) &&
           copy_field(e->org, sizeof(e->org), sig->subject_organization_id) &&
           copy_field(e->purpose, sizeof(e->purpose), sig->purpose_of_use) &&
           fse_consult__person(e->actor, sig->sub) &&
           fse_consult__person(e->patient, sig->person_id);
}

static cs_token_entry *cache_slot(fse_consult *c, const uint8_t key[32])
{
    size_t i = ((size_t)key[0] | (size_t)key[1] << 8) % CS_TOKEN_CACHE;

    return &c->tokens[i];
}

static bool cache_get(fse_consult *c, const uint8_t key[32], int64_t now_s, cs_token_entry *out)
{
    cs_token_entry *e = cache_slot(c, key);
    bool hit;

    pthread_mutex_lock(&c->token_lock);
    hit = e->exp_s != 0 && now_s < e->exp_s && memcmp(e->key, key, 32) == 0;
    if (hit) {
        *out = *e;
    }
    pthread_mutex_unlock(&c->token_lock);
    return hit;
}

static void cache_put(fse_consult *c, const cs_token_entry *entry)
{
    cs_token_entry *e = cache_slot(c, entry->key);

    pthread_mutex_lock(&c->token_lock);
    *e = *entry;
    pthread_mutex_unlock(&c->token_lock);
}

/* Verify the pair and its claim rules, then remember it. */
static bool verify_pair(cs_ctx *ctx, const char *auth, const char *sig, cs_token_entry *e)
{
    fse_jwt_claims *ca = NULL;
    fse_jwt_claims *cs = NULL;
    bool ok =
        verify(ctx, auth, &ca) && verify(ctx, sig, &cs) && claim_rules(ctx, ca, cs, &e->read_ok);

    if (ok && !entry_from_claims(e, cs, ca->exp < cs->exp ? ca->exp : cs->exp)) {
        ok = refuse(ctx, 403, "Token non ammesso: sub, person_id o ruolo non validi");
    }
    if (ok) {
        cache_put(ctx->c, e);
    }
    fse_jwt_claims_free(ca);
    fse_jwt_claims_free(cs);
    return ok;
}

static void pair_key(uint8_t key[32], const char *auth, const char *sig)
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    unsigned len = 0;

    memset(key, 0, 32);
    if (md != NULL && EVP_DigestInit_ex(md, EVP_sha256(), NULL) == 1 &&
        EVP_DigestUpdate(md, auth, strlen(auth)) == 1 && EVP_DigestUpdate(md, "\n", 1) == 1 &&
        EVP_DigestUpdate(md, sig, strlen(sig)) == 1) {
        (void)EVP_DigestFinal_ex(md, key, &len);
    }
    EVP_MD_CTX_free(md);
}

static bool check_pair(cs_ctx *ctx, const char *auth, const char *sig);

/* The pair of a browser session (no Authorization header); answers 401/403
 * itself. Unsafe methods need the session's CSRF token. */
static bool session_pair(cs_ctx *ctx, char **auth, char **sig)
{
    const char *method = fse_http_req_method(ctx->req);
    bool csrf_ok = false;
    fse_err rc;

    if (ctx->c->session == NULL) {
        return refuse(ctx, 401, "Token non fornito");
    }
    rc = ctx->c->session(ctx->c->session_ud, ctx->req, auth, sig, &csrf_ok);
    if (rc != FSE_OK) {
        return refuse(ctx, 401, "Sessione assente o scaduta");
    }
    if (!csrf_ok && strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
        return refuse(ctx, 403, "Token CSRF assente o non valido");
    }
    return true;
}

bool fse_consult__auth(cs_ctx *ctx)
{
    const char *auth_header = fse_http_req_header(ctx->req, "Authorization");
    const char *auth = fse_http_req_bearer(ctx->req);
    const char *sig = fse_http_req_header(ctx->req, "FSE-JWT-Signature");
    char *s_auth = NULL;
    char *s_sig = NULL;
    bool ok;

    if (auth_header == NULL && sig == NULL) {
        ok = session_pair(ctx, &s_auth, &s_sig) && check_pair(ctx, s_auth, s_sig);
        fse_free(s_auth);
        fse_free(s_sig);
        return ok;
    }
    return check_pair(ctx, auth, sig);
}

/* Verify (or find in the cache) the pair and fill the context from it. */
static bool check_pair(cs_ctx *ctx, const char *auth, const char *sig)
{
    cs_token_entry *e = &ctx->token;

    if (auth == NULL || sig == NULL || sig[0] == '\0') {
        return refuse(ctx, 401, "Token non fornito");
    }
    memset(e, 0, sizeof(*e));
    pair_key(e->key, auth, sig);
    if (!cache_get(ctx->c, e->key, ctx->now_ms / 1000, e) && !verify_pair(ctx, auth, sig, e)) {
        return false;
    }
    if (!e->read_ok && strcmp(ctx->action, "REGISTRY") != 0) {
        return refuse(ctx, 403, "Token non ammesso: action_id o purpose_of_use non coerenti");
    }
    ctx->role = e->role;
    ctx->org = e->org;
    ctx->purpose = e->purpose;
    memcpy(ctx->actor, e->actor, sizeof(ctx->actor));
    memcpy(ctx->patient, e->patient, sizeof(ctx->patient));
    memcpy(ctx->locality, e->locality, sizeof(ctx->locality));
    return true;
}

bool fse_consult__named_patient(cs_ctx *ctx, const char *identifier, const char *ref)
{
    char pid[33];

    if (identifier != NULL && !fse_consult__same_patient(ctx, identifier)) {
        return false;
    }
    if (ref == NULL) {
        return true;
    }
    if (strncmp(ref, "Patient/", 8) == 0) {
        ref += 8;
    }
    fse_consult__patient_id(pid, ctx);
    if (strcmp(ref, pid) != 0) {
        (void)fse_consult__fail(ctx, 403,
                                "La richiesta riguarda un assistito diverso da quello del token");
        (void)fse_consult__audit(ctx, NULL, FSE_AUDIT_REFUSED, "patient-mismatch");
        return false;
    }
    return true;
}

bool fse_consult__same_patient(cs_ctx *ctx, const char *named)
{
    char person[CS_MAX_PERSON + 1];
    const char *bar = named != NULL ? strrchr(named, '|') : NULL;

    if (bar != NULL) {
        named = bar + 1;
    }
    if (!fse_consult__person(person, named) || strcmp(person, ctx->patient) != 0) {
        (void)fse_consult__fail(ctx, 403,
                                "La richiesta riguarda un assistito diverso da quello del token");
        (void)fse_consult__audit(ctx, NULL, FSE_AUDIT_REFUSED, "patient-mismatch");
        return false;
    }
    return true;
}
