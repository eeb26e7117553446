/*
 * lib/web/web_routes.c - the session routes of docs/web.md and the hook
 * lib/consult calls for requests that carry a session instead of tokens.
 *
 * Owns the login body and its checks (codes, words, the facility), the call
 * to the identity provider, the session cookie (HttpOnly, SameSite=Strict,
 * Path=/, Secure under TLS; a new id at every login), the CSRF check of
 * unsafe methods (the X-CSRF-Token header equal to the session's, compared
 * in constant time, and no foreign Origin or cross-site fetch), the JSON
 * answers and the problem+json refusals (501 without an identity provider).
 * The table is web_session.c's; what the pair allows is lib/consult's and
 * lib/policy's business.
 */
#include "web_int.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <jansson.h>

#include "fse/cda.h"
#include "fse/json.h"

/* The frame policy of answers to a session: the pages may frame them (a
 * document's PDF inline), nothing else may. */
#define WEB_SESSION_CSP "default-src 'self'; frame-ancestors 'self'"

/* ---- Answers ------------------------------------------------------------ */

static fse_err refuse(fse_http_req *req, fse_http_problem problem, const char *detail)
{
    return fse_http_respond_problem(req, problem, detail, fse_http_req_path(req), NULL, 0);
}

/* 501: the node has no identity provider (problem+json of its own: the
 * catalogue's not-implemented entry is the Gateway's 503). */
static fse_err not_implemented(fse_http_req *req)
{
    static const char detail[] =
        "Accesso non disponibile: questo nodo non ha un identity provider configurato "
        "(fse demo ne fornisce uno dimostrativo; un'installazione collega SPID/CIE).";
    fse_buf b;
    fse_json w;
    fse_err rc;

    fse_buf_init(&b, WEB_MAX_ANSWER);
    fse_json_init(&w, &b);
    fse_json_object_begin(&w);
    fse_json_kv_string(&w, "traceID", fse_http_req_trace_id(req));
    fse_json_kv_string(&w, "spanID", fse_http_req_span_id(req));
    fse_json_kv_string(&w, "type", "/msg/not-implemented");
    fse_json_kv_string(&w, "title", "Identity provider non configurato");
    fse_json_kv_string(&w, "detail", detail);
    fse_json_kv_int(&w, "status", 501);
    fse_json_kv_string(&w, "instance", "/web/session");
    fse_json_object_end(&w);
    rc = fse_json_status(&w);
    if (rc == FSE_OK) {
        rc = fse_http_respond(req, 501, "application/problem+json", b.data, b.len);
    }
    fse_buf_free(&b);
    return rc;
}

static void iso_ms(char out[32], int64_t ms)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;

    if (gmtime_r(&t, &tm) == NULL || strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) {
        out[0] = '\0';
    }
}

/* The session as the pages see it (never the tokens). */
static fse_err answer_view(fse_web *w, fse_http_req *req, unsigned status, const web_view *v)
{
    int64_t now = fse_web__now_ms(w);
    char expires[32];
    fse_buf b;
    fse_json j;
    fse_err rc;

    fse_buf_init(&b, WEB_MAX_ANSWER);
    fse_json_init(&j, &b);
    fse_json_object_begin(&j);
    fse_json_kv_bool(&j, "logged_in", v != NULL);
    if (v != NULL) {
        iso_ms(expires, v->expires_ms);
        fse_json_kv_string(&j, "csrf", v->csrf);
        fse_json_kv_string(&j, "cf", v->ident.cf);
        fse_json_kv_string(&j, "role", v->ident.role);
        fse_json_kv_string(&j, "patient", v->ident.patient);
        fse_json_kv_string(&j, "purpose", v->ident.purpose);
        fse_json_kv_string(&j, "organization", v->ident.organization);
        fse_json_kv_string(&j, "expires", expires);
        fse_json_kv_int(&j, "expires_in", (v->expires_ms - now) / 1000);
        fse_json_kv_int(&j, "idle_timeout", (long long)w->idle_s);
    }
    fse_json_object_end(&j);
    rc = fse_json_status(&j);
    if (rc == FSE_OK) {
        rc = fse_http_respond_json(req, status, &b);
    }
    fse_buf_free(&b);
    return rc;
}

/* ---- Cookie and CSRF ---------------------------------------------------- */

/* The value of the session cookie in the Cookie header, copied into out;
 * false when absent or not of the size of an id. */
static bool cookie_id(const fse_http_req *req, char out[WEB_TOKEN_CHARS + 1])
{
    static const char name[] = FSE_WEB_COOKIE "=";
    const char *p = fse_http_req_header(req, "Cookie");

    while (p != NULL && *p != '\0') {
        size_t n;

        while (*p == ' ' || *p == '\t' || *p == ';') {
            p++;
        }
        n = strcspn(p, ";");
        if (n > sizeof(name) - 1 && strncmp(p, name, sizeof(name) - 1) == 0) {
            size_t vlen = n - (sizeof(name) - 1);

            while (vlen > 0 && (p[sizeof(name) - 1 + vlen - 1] == ' ')) {
                vlen--;
            }
            if (vlen != WEB_TOKEN_CHARS) {
                return false;
            }
            memcpy(out, p + sizeof(name) - 1, vlen);
            out[vlen] = '\0';
            return true;
        }
        p += n;
    }
    return false;
}

/* No foreign Origin and no cross-site fetch: the request comes from our
 * own pages (with SameSite=Strict, the cookie already says as much). */
static bool same_origin(const fse_http_req *req)
{
    const char *origin = fse_http_req_header(req, "Origin");
    const char *host = fse_http_req_header(req, "Host");
    const char *site = fse_http_req_header(req, "Sec-Fetch-Site");

    if (site != NULL && strcasecmp(site, "same-origin") != 0 && strcasecmp(site, "none") != 0) {
        return false;
    }
    if (origin == NULL) {
        return true;
    }
    if (strncmp(origin, "https://", 8) == 0) {
        origin += 8;
    } else if (strncmp(origin, "http://", 7) == 0) {
        origin += 7;
    } else {
        return false; /* "null" and anything else */
    }
    return host != NULL && strcasecmp(origin, host) == 0;
}

static bool csrf_ok(const fse_http_req *req, const web_view *v)
{
    return fse_web__token_equal(fse_http_req_header(req, FSE_WEB_CSRF_HEADER), v->csrf) &&
           same_origin(req);
}

static fse_err set_cookie(fse_web *w, fse_http_req *req, const char *id)
{
    char value[160];

    snprintf(value, sizeof(value), "%s=%s; Path=/; HttpOnly; SameSite=Strict%s%s", FSE_WEB_COOKIE,
             id, id[0] == '\0' ? "; Max-Age=0" : "", w->secure_cookie ? "; Secure" : "");
    return fse_http_set_header(req, "Set-Cookie", value);
}

/* ---- Login body --------------------------------------------------------- */

/* A person's code: 16 (codice fiscale, checked) or 11 characters, upper-cased. */
static bool person(char out[WEB_MAX_PERSON + 1], const char *s)
{
    size_t n = s != NULL ? strlen(s) : 0;
    size_t i;

    if (n != 16 && n != 11) {
        return false;
    }
    for (i = 0; i < n; i++) {
        if (!isalnum((unsigned char)s[i])) {
            return false;
        }
        out[i] = (char)toupper((unsigned char)s[i]);
    }
    out[n] = '\0';
    return fse_cf_check(out, NULL, 0);
}

/* A word of the token tables: 1..WEB_MAX_WORD of [A-Z0-9_]. */
static bool word(char out[WEB_MAX_WORD + 1], const char *s)
{
    size_t n = s != NULL ? strlen(s) : 0;
    size_t i;

    if (n == 0 || n > WEB_MAX_WORD) {
        return false;
    }
    for (i = 0; i < n; i++) {
        if (!isupper((unsigned char)s[i]) && !isdigit((unsigned char)s[i]) && s[i] != '_') {
            return false;
        }
    }
    memcpy(out, s, n + 1);
    return true;
}

/* Printable ASCII, 1..WEB_MAX_LOCALITY bytes. */
static bool locality(char out[WEB_MAX_LOCALITY + 1], const char *s)
{
    size_t n = s != NULL ? strlen(s) : 0;
    size_t i;

    if (n == 0 || n > WEB_MAX_LOCALITY) {
        return false;
    }
    for (i = 0; i < n; i++) {
        if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e) {
            return false;
        }
    }
    memcpy(out, s, n + 1);
    return true;
}

static const char *member(json_t *body, const char *key)
{
    return json_string_value(json_object_get(body, key));
}

/* Only these string members; false with the reason in why. */
static bool members_ok(json_t *body, const char *const *allowed, size_t n, char *why,
                       size_t why_len)
{
    const char *key;
    json_t *v;

    json_object_foreach(body, key, v)
    {
        size_t i;

        for (i = 0; i < n && strcmp(key, allowed[i]) != 0; i++) {
        }
        if (i == n) {
            snprintf(why, why_len, "campo non previsto: '%.64s'", key);
            return false;
        }
        if (!json_is_string(v)) {
            snprintf(why, why_len, "'%s' deve essere una stringa", key);
            return false;
        }
    }
    return true;
}

/* The login body; false with the reason in why. */
static bool parse_login(web_ident *id, json_t *body, char *why, size_t why_len)
{
    static const char *const allowed[] = {"cf",      "role",         "patient",
                                          "purpose", "organization", "locality"};
    const char *loc = member(body, "locality");

    memset(id, 0, sizeof(*id));
    if (!members_ok(body, allowed, sizeof(allowed) / sizeof(allowed[0]), why, why_len)) {
        return false;
    }
    if (!person(id->cf, member(body, "cf"))) {
        snprintf(why, why_len, "'cf' mancante o non e' un codice fiscale valido");
    } else if (!word(id->role, member(body, "role"))) {
        snprintf(why, why_len, "'role' mancante o non valido");
    } else if (!person(id->patient, member(body, "patient"))) {
        snprintf(why, why_len, "'patient' mancante o non e' un codice fiscale valido");
    } else if (!word(id->purpose, member(body, "purpose"))) {
        snprintf(why, why_len, "'purpose' mancante o non valido");
    } else if (!word(id->organization, member(body, "organization"))) {
        snprintf(why, why_len, "'organization' mancante o non valido");
    } else if (loc != NULL && !locality(id->locality, loc)) {
        snprintf(why, why_len, "'locality' deve essere ASCII stampabile, 1..%u caratteri",
                 WEB_MAX_LOCALITY);
    } else {
        return true;
    }
    return false;
}

/* The request body as a JSON object; answers 400 itself (false). */
static bool json_body(fse_http_req *req, json_t **out, fse_err *rc)
{
    char why[300];

    *out = NULL;
    *rc = fse_http_req_json(req, out);
    if (*rc == FSE_OK && json_is_object(*out)) {
        return true;
    }
    if (*rc == FSE_OK || *rc == FSE_E_PARSE) {
        snprintf(why, sizeof(why), "Il corpo deve essere un oggetto JSON (application/json)");
        *rc = refuse(req, FSE_HTTP_PROBLEM_INVALID_FORMAT, why);
    }
    if (*out != NULL) {
        json_decref(*out);
        *out = NULL;
    }
    return false;
}

/* ---- Identity provider -------------------------------------------------- */

/* Ask the provider for the pair of ident. On failure the answer is sent
 * (400, 403 or 500) and *answered is set. */
static fse_err ask_idp(fse_web *w, fse_http_req *req, const web_ident *id, char **auth, char **sig,
                       int64_t *ttl_s, bool *answered)
{
    fse_web_login l = {id->cf,           id->role,
                       id->patient,      id->purpose,
                       id->organization, id->locality[0] != '\0' ? id->locality : NULL};
    fse_err rc;

    *auth = NULL;
    *sig = NULL;
    *ttl_s = 0;
    *answered = false;
    rc = w->idp(w->idp_ud, req, &l, auth, sig, ttl_s);
    if (rc == FSE_OK && (*auth == NULL || *sig == NULL || strlen(*auth) > WEB_MAX_TOKEN ||
                         strlen(*sig) > WEB_MAX_TOKEN || (*auth)[0] == '\0' || (*sig)[0] == '\0')) {
        rc = fse_error_set(FSE_E_INTERNAL, FSE_WEB_MODULE, "identity provider: no usable pair");
    }
    if (rc == FSE_OK) {
        return FSE_OK;
    }
    fse_web__token_free(*auth);
    fse_web__token_free(*sig);
    *auth = NULL;
    *sig = NULL;
    *answered = true;
    if (rc == FSE_E_AUTH || rc == FSE_E_DENIED) {
        fse_web__log(w, FSE_HTTP_LOG_INFO, "module=web event=login_refused role=%s purpose=%s",
                     id->role, id->purpose);
        return refuse(req, FSE_HTTP_PROBLEM_ACCESS_DENIED,
                      "Accesso rifiutato dall'identity provider");
    }
    if (rc == FSE_E_ARG || rc == FSE_E_PARSE) {
        return refuse(req, FSE_HTTP_PROBLEM_INVALID_FORMAT, fse_error_last()->message);
    }
    return fse_http_respond_error(req, rc);
}

/* ---- Handlers ----------------------------------------------------------- */

fse_err fse_web__login(fse_http_req *req, void *ud)
{
    fse_web *w = ud;
    char old[WEB_TOKEN_CHARS + 1];
    char id[WEB_TOKEN_CHARS + 1];
    char why[300];
    web_ident ident;
    web_view view;
    json_t *body = NULL;
    char *auth = NULL;
    char *sig = NULL;
    int64_t ttl = 0;
    bool answered = false;
    fse_err rc;

    if (w->idp == NULL) {
        return not_implemented(req);
    }
    if (!json_body(req, &body, &rc)) {
        return rc;
    }
    if (!parse_login(&ident, body, why, sizeof(why))) {
        json_decref(body);
        return refuse(req, FSE_HTTP_PROBLEM_INVALID_FORMAT, why);
    }
    json_decref(body);
    rc = ask_idp(w, req, &ident, &auth, &sig, &ttl, &answered);
    if (answered) {
        return rc;
    }
    /* A login never reuses an id (no session fixation): the old one ends. */
    if (cookie_id(req, old)) {
        fse_web__session_end(w, old);
    }
    rc = fse_web__session_create(w, &ident, auth, sig, ttl, id, &view);
    if (rc == FSE_OK) {
        rc = set_cookie(w, req, id);
    }
    if (rc == FSE_OK) {
        fse_web__log(w, FSE_HTTP_LOG_INFO, "module=web event=login role=%s purpose=%s trace=%s",
                     ident.role, ident.purpose, fse_http_req_trace_id(req));
        rc = answer_view(w, req, 201, &view);
    }
    memset(id, 0, sizeof(id));
    return rc;
}

fse_err fse_web__whoami(fse_http_req *req, void *ud)
{
    fse_web *w = ud;
    char id[WEB_TOKEN_CHARS + 1];
    web_view view;

    /* Not logged in is an answer, not an error: the pages ask first. */
    if (!cookie_id(req, id) || fse_web__session_get(w, id, &view, NULL, NULL) != FSE_OK) {
        return answer_view(w, req, 200, NULL);
    }
    return answer_view(w, req, 200, &view);
}

/* The session of an unsafe request with its CSRF token; answers 401/403
 * itself (false). */
static bool unsafe_session(fse_web *w, fse_http_req *req, char id[WEB_TOKEN_CHARS + 1],
                           web_view *view, fse_err *rc)
{
    if (!cookie_id(req, id) || fse_web__session_get(w, id, view, NULL, NULL) != FSE_OK) {
        *rc = refuse(req, FSE_HTTP_PROBLEM_UNAUTHORIZED, "Sessione assente o scaduta");
        return false;
    }
    if (!csrf_ok(req, view)) {
        *rc = refuse(req, FSE_HTTP_PROBLEM_ACCESS_DENIED, "Token CSRF assente o non valido");
        return false;
    }
    return true;
}

fse_err fse_web__logout(fse_http_req *req, void *ud)
{
    fse_web *w = ud;
    char id[WEB_TOKEN_CHARS + 1];
    web_view view;
    fse_err rc = FSE_OK;

    if (!unsafe_session(w, req, id, &view, &rc)) {
        return rc;
    }
    fse_web__session_end(w, id);
    rc = set_cookie(w, req, "");
    if (rc == FSE_OK) {
        fse_web__log(w, FSE_HTTP_LOG_INFO, "module=web event=logout trace=%s",
                     fse_http_req_trace_id(req));
        rc = answer_view(w, req, 200, NULL);
    }
    return rc;
}

fse_err fse_web__context(fse_http_req *req, void *ud)
{
    static const char *const allowed[] = {"patient", "purpose"};
    fse_web *w = ud;
    char id[WEB_TOKEN_CHARS + 1];
    char why[300] = "";
    web_ident ident;
    web_view view;
    json_t *body = NULL;
    const char *patient;
    const char *purpose;
    char *auth = NULL;
    char *sig = NULL;
    int64_t ttl = 0;
    bool answered = false;
    fse_err rc = FSE_OK;

    if (w->idp == NULL) {
        return not_implemented(req);
    }
    if (!unsafe_session(w, req, id, &view, &rc) || !json_body(req, &body, &rc)) {
        return rc;
    }
    ident = view.ident;
    patient = member(body, "patient");
    purpose = member(body, "purpose");
    if (!members_ok(body, allowed, 2, why, sizeof(why))) {
        /* why is set */
    } else if (patient == NULL && purpose == NULL) {
        snprintf(why, sizeof(why), "atteso 'patient' e/o 'purpose'");
    } else if (patient != NULL && !person(ident.patient, patient)) {
        snprintf(why, sizeof(why), "'patient' non e' un codice fiscale valido");
    } else if (purpose != NULL && !word(ident.purpose, purpose)) {
        snprintf(why, sizeof(why), "'purpose' non valido");
    }
    json_decref(body);
    if (why[0] != '\0') {
        return refuse(req, FSE_HTTP_PROBLEM_INVALID_FORMAT, why);
    }
    rc = ask_idp(w, req, &ident, &auth, &sig, &ttl, &answered);
    if (answered) {
        return rc;
    }
    rc = fse_web__session_update(w, id, &ident, auth, sig, ttl, &view);
    if (rc == FSE_E_NOT_FOUND) {
        return refuse(req, FSE_HTTP_PROBLEM_UNAUTHORIZED, "Sessione assente o scaduta");
    }
    if (rc == FSE_OK) {
        fse_web__log(w, FSE_HTTP_LOG_INFO, "module=web event=context role=%s purpose=%s trace=%s",
                     ident.role, ident.purpose, fse_http_req_trace_id(req));
        rc = answer_view(w, req, 200, &view);
    }
    return rc;
}

/* ---- The consultation hook ---------------------------------------------- */

fse_err fse_web_consult_session(void *ud, fse_http_req *req, char **auth_out, char **sig_out,
                                bool *csrf)
{
    fse_web *w = ud;
    char id[WEB_TOKEN_CHARS + 1];
    web_view view;
    fse_err rc;

    if (auth_out == NULL || sig_out == NULL || csrf == NULL) {
        return fse_error_set(FSE_E_ARG, FSE_WEB_MODULE, "NULL argument");
    }
    *auth_out = NULL;
    *sig_out = NULL;
    *csrf = false;
    if (w == NULL || req == NULL || !cookie_id(req, id)) {
        return FSE_E_NOT_FOUND;
    }
    rc = fse_web__session_get(w, id, &view, auth_out, sig_out);
    if (rc != FSE_OK) {
        return rc;
    }
    *csrf = csrf_ok(req, &view);
    rc = fse_http_set_header(req, "Content-Security-Policy", WEB_SESSION_CSP);
    if (rc == FSE_OK) {
        rc = fse_http_set_header(req, "X-Frame-Options", "SAMEORIGIN");
    }
    if (rc != FSE_OK) {
        fse_web__token_free(*auth_out);
        fse_web__token_free(*sig_out);
        *auth_out = NULL;
        *sig_out = NULL;
    }
    return rc;
}
