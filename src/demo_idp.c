/*
 * src/demo_idp.c - the demo identity provider of `fse demo`, standing in
 * for SPID/CIE and the regional login: POST /demo/idp/token issues the
 * consultation token pair (fse_jwt_make_pair, op READ, docs/consult.md
 * "Tokens") for the person, role, patient, purpose and facility asked, and
 * GET /demo/idp/people lists the demo's people so that a page can offer a
 * login list; demo_idp_web_login is the same provider as the web pages'
 * login callback (fse/web.h).
 *
 * Owns the two routes, the validation of the token request (400
 * problem+json on bad input), the kinds of person with their role and
 * purpose, and the JSON form of the people (also demo-people.json). It
 * asks nothing of the store and decides nothing: whether the token gets
 * anything is lib/consult's and lib/policy's business. Which people there
 * are is src/demo_consult.c's. `fse serve` never registers these routes.
 */
#include "demo.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "fse/json.h"
#include "fse/util.h"

/* Lifetime of an issued pair (expires_in). */
#define IDP_VALIDITY_S 3600
/* Longest locality accepted (an XON is well under it). */
#define IDP_MAX_LOCALITY 255
/* Largest answer: the people list, or a token pair (16 KiB each at most). */
#define IDP_MAX_ANSWER (64u * 1024)
/* Locality of a token when the request names none and the person is not
 * one of the demo's professionals: a facility id the generator never uses
 * (it draws 100..899), so it never makes anyone a producer. */
#define IDP_DEFAULT_LOCALITY "FSE DEMO IDP^^^^^&2.16.840.1.113883.2.9.4.1.2&ISO^^^^120990"

struct demo_idp {
    const fse_jwt_cred *signer;
    char audience[128];
    pthread_mutex_t lock; /* guards people */
    demo_people people;
};

/* ---- Kinds -------------------------------------------------------------- */

static const struct {
    const char *name;
    const char *role;
    const char *purpose;
} kinds[DEMO_K_N] = {
    [DEMO_K_PATIENT] = {"patient", "ASS", "PERSONAL"},
    [DEMO_K_GP] = {"gp", "APR", "TREATMENT"},
    [DEMO_K_DELEGATE] = {"delegate", "ING", "PERSONAL"},
    [DEMO_K_PARENT] = {"parent", "GEN", "PERSONAL"},
    [DEMO_K_SPECIALIST] = {"specialist", "AAS", "TREATMENT"},
    [DEMO_K_NURSE] = {"nurse", "INF", "TREATMENT"},
    [DEMO_K_PHARMACIST] = {"pharmacist", "FAR", "TREATMENT"},
};

const char *demo_kind_name(demo_kind k)
{
    return (unsigned)k < DEMO_K_N ? kinds[k].name : "";
}

const char *demo_kind_role(demo_kind k)
{
    return (unsigned)k < DEMO_K_N ? kinds[k].role : "";
}

const char *demo_kind_purpose(demo_kind k)
{
    return (unsigned)k < DEMO_K_N ? kinds[k].purpose : "";
}

/* The values a token request may carry (docs/consult.md "Tokens"). */
static const char *const roles[] = {"ASS", "TUT", "GEN", "ING", "APR", "AAS", "INF", "FAR", "OAM"};
static const char *const purposes[] = {"PERSONAL", "TREATMENT", "EMERGENCY", "PUBEMERGENCY",
                                       "ADMINISTRATIVE"};

static bool one_of(const char *s, const char *const *list, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (strcmp(s, list[i]) == 0) {
            return true;
        }
    }
    return false;
}

/* ---- People as JSON ----------------------------------------------------- */

int demo_age(const char *birth_date, int64_t now_s)
{
    time_t t = (time_t)now_s;
    struct tm tm;
    int y = 0;
    int md = 0;
    int age;
    size_t i;

    if (birth_date == NULL || strlen(birth_date) != 8 || gmtime_r(&t, &tm) == NULL) {
        return -1;
    }
    for (i = 0; i < 8; i++) {
        if (birth_date[i] < '0' || birth_date[i] > '9') {
            return -1;
        }
        if (i < 4) {
            y = y * 10 + (birth_date[i] - '0');
        } else {
            md = md * 10 + (birth_date[i] - '0');
        }
    }
    age = tm.tm_year + 1900 - y;
    if ((tm.tm_mon + 1) * 100 + tm.tm_mday < md) {
        age--;
    }
    return age;
}

/* yyyyMMdd as yyyy-mm-dd. */
static void iso_date(char out[11], const char *d)
{
    (void)snprintf(out, 11, "%.4s-%.2s-%.2s", d, d + 4, d + 6);
}

static void person_json(fse_json *w, const demo_person *p, int64_t now_s)
{
    char date[11];
    int age;

    fse_json_object_begin(w);
    fse_json_kv_string(w, "kind", demo_kind_name(p->kind));
    fse_json_kv_string(w, "cf", p->cf);
    fse_json_kv_string(w, "name", p->name);
    fse_json_kv_string(w, "role", demo_kind_role(p->kind));
    fse_json_kv_string(w, "purpose", demo_kind_purpose(p->kind));
    fse_json_kv_string(w, "organization", DEMO_REGION);
    if (p->kind == DEMO_K_PATIENT) {
        age = demo_age(p->birth_date, now_s);
        iso_date(date, p->birth_date);
        fse_json_kv_string(w, "gender", p->gender);
        fse_json_kv_string(w, "birth_date", date);
        fse_json_kv_int(w, "age", age);
        fse_json_kv_bool(w, "minor", age >= 0 && age < 18);
        fse_json_kv_bool(w, "consent_cura", p->consent_cura);
        fse_json_kv_string(w, "patient", p->cf);
    } else if (p->patient[0] != '\0') {
        fse_json_kv_string(w, "patient", p->patient);
    }
    if (p->locality[0] != '\0') {
        fse_json_kv_string(w, "locality", p->locality);
    }
    fse_json_object_end(w);
}

fse_err demo_people_to_json(fse_buf *out, const demo_people *p, int64_t now_s)
{
    fse_json w;
    size_t i;

    fse_json_init(&w, out);
    fse_json_object_begin(&w);
    fse_json_kv_string(&w, "organization", DEMO_REGION);
    fse_json_key(&w, "people");
    fse_json_array_begin(&w);
    for (i = 0; i < p->n; i++) {
        person_json(&w, &p->items[i], now_s);
    }
    fse_json_array_end(&w);
    fse_json_object_end(&w);
    return fse_json_status(&w);
}

/* Copy a string member into a field; false when absent, not a string or
 * too long. */
static bool take(char *out, size_t cap, json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));

    if (s == NULL || strlen(s) >= cap) {
        return false;
    }
    memcpy(out, s, strlen(s) + 1);
    return true;
}

/* One entry of the list; false to skip it. */
static bool person_from_json(demo_person *p, json_t *e)
{
    char kind[16] = "";
    char date[11] = "";
    unsigned k;

    memset(p, 0, sizeof(*p));
    if (!take(kind, sizeof(kind), e, "kind") || !take(p->cf, sizeof(p->cf), e, "cf") ||
        !take(p->name, sizeof(p->name), e, "name")) {
        return false;
    }
    for (k = 0; k < DEMO_K_N && strcmp(kind, kinds[k].name) != 0; k++) {
    }
    if (k == DEMO_K_N || !fse_cf_check(p->cf, NULL, 0)) {
        return false;
    }
    p->kind = (demo_kind)k;
    (void)take(p->locality, sizeof(p->locality), e, "locality");
    if (p->kind == DEMO_K_PATIENT) {
        if (!take(p->gender, sizeof(p->gender), e, "gender") ||
            !take(date, sizeof(date), e, "birth_date") || strlen(date) != 10) {
            return false;
        }
        (void)snprintf(p->birth_date, sizeof(p->birth_date), "%.4s%.2s%.2s", date, date + 5,
                       date + 8);
        p->consent_cura = json_is_true(json_object_get(e, "consent_cura"));
        return strspn(p->birth_date, "0123456789") == 8;
    }
    (void)take(p->patient, sizeof(p->patient), e, "patient");
    return true;
}

bool demo_people_from_json(demo_people *p, const uint8_t *data, size_t len)
{
    json_t *root = NULL;
    json_t *list;
    bool ok;
    size_t i;

    memset(p, 0, sizeof(*p));
    if (fse_http_json_parse(&root, data, len) != FSE_OK) {
        return false;
    }
    list = json_object_get(root, "people");
    ok = json_is_array(list);
    for (i = 0; ok && i < json_array_size(list) && p->n < DEMO_MAX_PEOPLE; i++) {
        if (person_from_json(&p->items[p->n], json_array_get(list, i))) {
            p->n++;
        }
    }
    json_decref(root);
    return ok;
}

/* ---- The routes --------------------------------------------------------- */

/* Wipe a token before it is freed. */
static void wipe(void *p, size_t len)
{
    volatile unsigned char *v = p;

    while (len-- > 0) {
        *v++ = 0;
    }
}

static void wipe_free(char *s)
{
    if (s != NULL) {
        wipe(s, strlen(s));
        fse_free(s);
    }
}

static fse_err bad_request(fse_http_req *req, fse_http_problem problem, const char *detail)
{
    return fse_http_respond_problem(req, problem, detail, "/demo/idp/token", NULL, 0);
}

/* What a token request asks for, validated. The const strings are
 * borrowed from the tables or the request body. */
typedef struct token_req {
    char cf[17];
    char patient[17];
    const char *role;
    const char *purpose;
    const char *organization;
    char locality[IDP_MAX_LOCALITY + 1];
} token_req;

/* A fiscal code member: present, valid, upper-cased into out. */
static bool fiscal_code(char out[17], json_t *body, const char *key, char *why, size_t why_len)
{
    const char *s = json_string_value(json_object_get(body, key));
    char reason[160] = "";
    size_t i;

    if (s == NULL) {
        (void)snprintf(why, why_len, "'%s' mancante o non stringa", key);
        return false;
    }
    if (strlen(s) != 16 && strlen(s) != 11) {
        (void)snprintf(why, why_len, "'%s' non e' un codice fiscale", key);
        return false;
    }
    for (i = 0; s[i] != '\0'; i++) {
        out[i] = (char)(s[i] >= 'a' && s[i] <= 'z' ? s[i] - 'a' + 'A' : s[i]);
    }
    out[i] = '\0';
    if (!fse_cf_check(out, reason, sizeof(reason))) {
        (void)snprintf(why, why_len, "'%s' non e' un codice fiscale valido: %s", key, reason);
        return false;
    }
    return true;
}

/* A member that must be one of list; *out borrows the list's string. */
static bool enum_member(const char **out, json_t *body, const char *key, const char *const *list,
                        size_t n, char *why, size_t why_len)
{
    const char *s = json_string_value(json_object_get(body, key));
    size_t i;

    for (i = 0; s != NULL && i < n; i++) {
        if (strcmp(s, list[i]) == 0) {
            *out = list[i];
            return true;
        }
    }
    (void)snprintf(why, why_len, "'%s' mancante o non ammesso", key);
    return false;
}

/* Printable ASCII, 1..IDP_MAX_LOCALITY bytes (a locality; also used for
 * member names). */
static bool locality_ok(const char *s)
{
    size_t n = strlen(s);
    size_t i;

    if (n == 0 || n > IDP_MAX_LOCALITY) {
        return false;
    }
    for (i = 0; i < n; i++) {
        if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e) {
            return false;
        }
    }
    return true;
}

/* The listed professional's locality, or the IdP's default. */
static void default_locality(demo_idp *idp, token_req *t)
{
    size_t i;

    (void)snprintf(t->locality, sizeof(t->locality), "%s", IDP_DEFAULT_LOCALITY);
    pthread_mutex_lock(&idp->lock);
    for (i = 0; i < idp->people.n; i++) {
        const demo_person *p = &idp->people.items[i];

        if (strcmp(p->cf, t->cf) == 0 && p->locality[0] != '\0') {
            (void)snprintf(t->locality, sizeof(t->locality), "%s", p->locality);
            break;
        }
    }
    pthread_mutex_unlock(&idp->lock);
}

/* Validate the body into *t; false with the reason in why. */
static bool parse_token_req(demo_idp *idp, token_req *t, json_t *body, char *why, size_t why_len)
{
    static const char *const allowed[] = {"cf",      "role",         "patient",
                                          "purpose", "organization", "locality"};
    const char *key;
    json_t *v;

    memset(t, 0, sizeof(*t));
    if (!json_is_object(body)) {
        (void)snprintf(why, why_len, "il corpo deve essere un oggetto JSON");
        return false;
    }
    json_object_foreach(body, key, v)
    {
        if (!one_of(key, allowed, sizeof(allowed) / sizeof(allowed[0]))) {
            /* The name is echoed only when it is short printable ASCII. */
            bool echo = strlen(key) <= 32 && locality_ok(key);

            (void)snprintf(why, why_len, "campo non previsto%s%s%s", echo ? ": '" : "",
                           echo ? key : "", echo ? "'" : "");
            return false;
        }
    }
    if (!fiscal_code(t->cf, body, "cf", why, why_len) ||
        !enum_member(&t->role, body, "role", roles, sizeof(roles) / sizeof(roles[0]), why,
                     why_len) ||
        !fiscal_code(t->patient, body, "patient", why, why_len) ||
        !enum_member(&t->purpose, body, "purpose", purposes, sizeof(purposes) / sizeof(purposes[0]),
                     why, why_len)) {
        return false;
    }
    /* Any region of the table: the pair names it, the node decides. */
    t->organization = json_string_value(json_object_get(body, "organization"));
    if (t->organization == NULL || fse_jwt_organization_name(t->organization) == NULL) {
        (void)snprintf(why, why_len, "'organization' mancante o non e' un codice regione");
        return false;
    }
    v = json_object_get(body, "locality");
    if (v == NULL) {
        default_locality(idp, t);
    } else if (!json_is_string(v) || !locality_ok(json_string_value(v))) {
        (void)snprintf(why, why_len,
                       "'locality' non e' una stringa ASCII stampabile di 1..%d "
                       "caratteri",
                       IDP_MAX_LOCALITY);
        return false;
    } else {
        (void)snprintf(t->locality, sizeof(t->locality), "%s", json_string_value(v));
    }
    return true;
}

/* Sign the pair of t (*auth_out and *sig_out fse_malloc'd). */
static fse_err make_pair(demo_idp *idp, const token_req *t, char **auth_out, char **sig_out)
{
    fse_jwt_pair_opts o = FSE_JWT_PAIR_OPTS_INIT;

    o.op = FSE_JWT_OP_READ;
    o.audience = idp->audience;
    o.patient_cf = t->patient;
    o.sub_cf = t->cf;
    o.subject_organization_id = t->organization;
    o.subject_role = t->role;
    o.locality = t->locality;
    o.purpose_of_use = t->purpose;
    o.application_id = "FSEDEMO";
    o.application_vendor = "FSE DEMO IDP";
    o.iat = (int64_t)time(NULL);
    o.validity = IDP_VALIDITY_S;
    return fse_jwt_make_pair(auth_out, sig_out, idp->signer, &o);
}

/* Issue the pair of t and answer it. */
static fse_err issue(demo_idp *idp, fse_http_req *req, const token_req *t)
{
    char *auth = NULL;
    char *sig = NULL;
    fse_buf b;
    fse_json w;
    fse_err rc;

    fse_buf_init(&b, IDP_MAX_ANSWER);
    rc = make_pair(idp, t, &auth, &sig);
    if (rc == FSE_OK) {
        fse_json_init(&w, &b);
        fse_json_object_begin(&w);
        fse_json_kv_string(&w, "authorization", auth);
        fse_json_kv_string(&w, "signature", sig);
        fse_json_kv_int(&w, "expires_in", IDP_VALIDITY_S);
        fse_json_object_end(&w);
        rc = fse_json_status(&w);
    }
    if (rc == FSE_OK) {
        rc = fse_http_respond_json(req, 200, &b);
    }
    wipe(b.data, b.len);
    fse_buf_free(&b);
    wipe_free(auth);
    wipe_free(sig);
    return rc;
}

fse_err demo_idp_web_login(void *ud, fse_http_req *req, const fse_web_login *login, char **auth_out,
                           char **sig_out, int64_t *ttl_s_out)
{
    demo_idp *idp = ud;
    json_t *body = json_object();
    char why[256];
    token_req t;
    fse_err rc;

    (void)req; /* the demo trusts the form: it stands in for SPID/CIE */
    if (body == NULL || json_object_set_new(body, "cf", json_string(login->cf)) != 0 ||
        json_object_set_new(body, "role", json_string(login->role)) != 0 ||
        json_object_set_new(body, "patient", json_string(login->patient)) != 0 ||
        json_object_set_new(body, "purpose", json_string(login->purpose)) != 0 ||
        json_object_set_new(body, "organization", json_string(login->organization)) != 0 ||
        (login->locality != NULL &&
         json_object_set_new(body, "locality", json_string(login->locality)) != 0)) {
        json_decref(body);
        return fse_error_set(FSE_E_NOMEM, "demo", "identity provider: out of memory");
    }
    if (!parse_token_req(idp, &t, body, why, sizeof(why))) {
        rc = fse_error_set(FSE_E_ARG, "demo", "identity provider: %s", why);
    } else {
        rc = make_pair(idp, &t, auth_out, sig_out);
        *ttl_s_out = IDP_VALIDITY_S;
    }
    json_decref(body);
    return rc;
}

static fse_err token_post(fse_http_req *req, void *ud)
{
    demo_idp *idp = ud;
    json_t *body = NULL;
    char why[256];
    token_req t;
    fse_err rc = fse_http_req_json(req, &body);

    if (rc == FSE_E_PARSE) {
        (void)snprintf(why, sizeof(why), "il corpo deve essere JSON (application/json): %s",
                       fse_error_last()->message);
        return bad_request(req, FSE_HTTP_PROBLEM_SYNTAX, why);
    }
    if (rc != FSE_OK) {
        return rc;
    }
    if (!parse_token_req(idp, &t, body, why, sizeof(why))) {
        rc = bad_request(req, FSE_HTTP_PROBLEM_INVALID_FORMAT, why);
    } else {
        rc = issue(idp, req, &t);
    }
    json_decref(body);
    return rc;
}

static fse_err people_get(fse_http_req *req, void *ud)
{
    demo_idp *idp = ud;
    fse_buf b;
    fse_err rc;

    fse_buf_init(&b, IDP_MAX_ANSWER);
    pthread_mutex_lock(&idp->lock);
    rc = demo_people_to_json(&b, &idp->people, (int64_t)time(NULL));
    pthread_mutex_unlock(&idp->lock);
    if (rc == FSE_OK) {
        rc = fse_http_respond_json(req, 200, &b);
    }
    fse_buf_free(&b);
    return rc;
}

/* ---- The object --------------------------------------------------------- */

fse_err demo_idp_new(demo_idp **out, const fse_jwt_cred *signer, const char *audience)
{
    demo_idp *idp;

    *out = NULL;
    if (signer == NULL || audience == NULL || strlen(audience) >= sizeof(idp->audience)) {
        return fse_error_set(FSE_E_ARG, "demo", "identity provider: bad signer or audience");
    }
    idp = fse_calloc(1, sizeof(*idp));
    if (idp == NULL) {
        return fse_error_set(FSE_E_NOMEM, "demo", "out of memory");
    }
    idp->signer = signer;
    memcpy(idp->audience, audience, strlen(audience) + 1);
    pthread_mutex_init(&idp->lock, NULL);
    *out = idp;
    return FSE_OK;
}

fse_err demo_idp_routes(demo_idp *idp, fse_http_server *srv)
{
    fse_err rc = fse_http_server_route(srv, "POST", "/demo/idp/token", token_post, idp);

    if (rc == FSE_OK) {
        rc = fse_http_server_route(srv, "GET", "/demo/idp/people", people_get, idp);
    }
    return rc;
}

void demo_idp_set_people(demo_idp *idp, const demo_people *p)
{
    pthread_mutex_lock(&idp->lock);
    idp->people = *p;
    pthread_mutex_unlock(&idp->lock);
}

void demo_idp_free(demo_idp *idp)
{
    if (idp == NULL) {
        return;
    }
    pthread_mutex_destroy(&idp->lock);
    fse_free(idp);
}
