/*
 * lib/jwt/jwt_sign.c - producing Gateway tokens (gateway-api §3).
 *
 * Owns the compact-JWS signer (header {alg, typ, x5c}, RS256/384/512), the
 * claims of the standard token pair of one call (Bearer "auth:" and
 * FSE-JWT-Signature "integrity:") and their defaults. JSON is written with
 * the lib/util writer. Does not own keys and certificates (jwt_testca.c)
 * nor the coherence table it reads the action/purpose from (jwt_rules.c).
 */
#include "jwt_int.h"

#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>

#include "fse/json.h"

/* CX suffix of a fiscal code assigned by the MEF (§3 sub, person_id). */
#define CX_MEF_SUFFIX "^^^&" FSE_CDA_OID_CF "&ISO"
/* LOINC code system of resource_hl7_type (§3). */
#define LOINC_OID "2.16.840.1.113883.6.1"
/* Default locality: the test laboratory XON of §3. */
#define DEFAULT_LOCALITY "LABORATORIO DI PROVA^^^^^&2.16.840.1.113883.2.9.4.1.3&ISO^^^^111101123456"
/* Default validity of a generated pair, in seconds. */
#define DEFAULT_VALIDITY 3600u

static fse_err nomem(void)
{
    return fse_error_set(FSE_E_NOMEM, FSE_JWT_MODULE, "out of memory");
}

/* Wipe and free a token or claims text. */
static void wipe_free(char *s)
{
    if (s != NULL) {
        OPENSSL_cleanse(s, strlen(s));
        fse_free(s);
    }
}

fse_err fse_jwt__sign_compact(char **out, const char *header_json, size_t header_len,
                              const char *payload_json, size_t payload_len, EVP_PKEY *key,
                              fse_jwt_alg alg)
{
    const EVP_MD *md = fse_jwt__alg_md(alg);
    EVP_MD_CTX *mctx = NULL;
    EVP_PKEY_CTX *pctx = NULL;
    uint8_t sig[FSE_JWT_MAX_RSA_BITS / 8];
    size_t sig_len = sizeof(sig);
    size_t h_len;
    size_t p_len;
    size_t total;
    char *buf = NULL;
    fse_err rc = FSE_OK;

    *out = NULL;
    if (md == NULL || key == NULL || EVP_PKEY_get_size(key) > (int)sizeof(sig)) {
        return fse_error_set(FSE_E_ARG, FSE_JWT_MODULE, "sign: bad algorithm or key");
    }
    if (header_len > FSE_JWT_MAX_TOKEN_BYTES || payload_len > FSE_JWT_MAX_TOKEN_BYTES) {
        return fse_error_set(FSE_E_LIMIT, FSE_JWT_MODULE, "sign: token over %u bytes",
                             FSE_JWT_MAX_TOKEN_BYTES);
    }
    h_len = fse_jwt__b64url_len(header_len);
    p_len = fse_jwt__b64url_len(payload_len);
    total = h_len + 1 + p_len + 1 + fse_jwt__b64url_len((size_t)EVP_PKEY_get_size(key));
    if (total > FSE_JWT_MAX_TOKEN_BYTES) {
        return fse_error_set(FSE_E_LIMIT, FSE_JWT_MODULE, "sign: token of %zu bytes over %u", total,
                             FSE_JWT_MAX_TOKEN_BYTES);
    }
    buf = fse_malloc(total + 1);
    if (buf == NULL) {
        rc = nomem();
        goto done;
    }
    fse_jwt__b64url_encode(buf, (const uint8_t *)header_json, header_len);
    buf[h_len] = '.';
    fse_jwt__b64url_encode(buf + h_len + 1, (const uint8_t *)payload_json, payload_len);
    mctx = EVP_MD_CTX_new();
    if (mctx == NULL || EVP_DigestSignInit(mctx, &pctx, md, NULL, key) != 1 ||
        EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) <= 0 ||
        EVP_DigestSign(mctx, sig, &sig_len, (const unsigned char *)buf, h_len + 1 + p_len) != 1) {
        ERR_clear_error();
        rc = fse_error_set(FSE_E_CRYPTO, FSE_JWT_MODULE, "sign: RSA signature failed");
        goto done;
    }
    buf[h_len + 1 + p_len] = '.';
    fse_jwt__b64url_encode(buf + h_len + 1 + p_len + 1, sig, sig_len);
    *out = buf;
    buf = NULL;
done:
    EVP_MD_CTX_free(mctx);
    wipe_free(buf);
    return rc;
}

fse_err fse_jwt_sign(char **token_out, const fse_jwt_cred *signer, fse_jwt_alg alg,
                     const char *claims_json, size_t claims_len)
{
    json_t *claims = NULL;
    json_error_t jerr;
    char *x5c = NULL;
    fse_buf header;
    fse_json w;
    fse_err rc;

    fse_buf_init(&header, FSE_JWT_MAX_TOKEN_BYTES);
    if (token_out == NULL || signer == NULL || claims_json == NULL) {
        return fse_error_set(FSE_E_ARG, FSE_JWT_MODULE, "sign: NULL argument");
    }
    *token_out = NULL;
    if (fse_jwt__alg_md(alg) == NULL) {
        return fse_error_set(FSE_E_ARG, FSE_JWT_MODULE, "sign: only RS256/RS384/RS512");
    }
    claims = json_loadb(claims_json, claims_len, JSON_REJECT_DUPLICATES, &jerr);
    if (!json_is_object(claims)) {
        rc = fse_error_set(FSE_E_ARG, FSE_JWT_MODULE, "sign: claims are not a JSON object");
        goto done;
    }
    rc = fse_jwt__cert_b64(&x5c, signer->cert);
    if (rc != FSE_OK) {
        goto done;
    }
    /* IMPLEMENTATION-OF: gateway-api §3 common header {alg, typ, x5c}. */
    fse_json_init(&w, &header);
    fse_json_object_begin(&w);
    fse_json_kv_string(&w, "alg", fse_jwt_alg_name(alg));
    fse_json_kv_string(&w, "typ", "JWT");
    fse_json_key(&w, "x5c");
    fse_json_array_begin(&w);
    fse_json_string(&w, x5c);
    fse_json_array_end(&w);
    fse_json_object_end(&w);
    rc = fse_json_status(&w);
    if (rc != FSE_OK) {
        goto done;
    }
    rc = fse_jwt__sign_compact(token_out, header.data, header.len, claims_json, claims_len,
                               signer->key, alg);
done:
    json_decref(claims);
    fse_free(x5c);
    fse_buf_free(&header);
    return rc;
}

/* ---- the standard pair ------------------------------------------------- */

/* Options resolved with their defaults. */
typedef struct pair_values {
    const fse_jwt_pair_opts *o;
    const char *cn;
    const char *sub_cf;
    const char *org_id;
    const char *org_name;
    const char *role;
    const char *locality;
    char jti[33];
    int64_t exp;
} pair_values;

static fse_err resolve(pair_values *pv, const fse_jwt_cred *signer, const fse_jwt_pair_opts *o)
{
    unsigned char rnd[16];
    unsigned validity = o->validity != 0 ? o->validity : DEFAULT_VALIDITY;
    bool doc_op = o->op != FSE_JWT_OP_STATUS;

    memset(pv, 0, sizeof(*pv));
    pv->o = o;
    pv->cn = signer->cn;
    if (o->version != FSE_JWT_PAIR_OPTS_VERSION || (unsigned)o->op >= FSE_JWT_OP_COUNT ||
        o->audience == NULL || (doc_op && o->patient_cf == NULL) ||
        (fse_jwt__op_needs_hl7_type(o->op) && o->loinc == NULL) ||
        (fse_jwt__op_needs_hash(o->op) && o->pdf_sha256 == NULL) ||
        (o->sub_cf == NULL && o->patient_cf == NULL)) {
        return fse_error_set(FSE_E_ARG, FSE_JWT_MODULE, "pair: options incomplete for the call");
    }
    if (__builtin_add_overflow(o->iat, (int64_t)validity, &pv->exp)) {
        return fse_error_set(FSE_E_ARG, FSE_JWT_MODULE, "pair: iat out of range");
    }
    pv->sub_cf = o->sub_cf != NULL ? o->sub_cf : o->patient_cf;
    pv->org_id = o->subject_organization_id != NULL ? o->subject_organization_id : "120";
    pv->org_name = fse_jwt_organization_name(pv->org_id);
    if (pv->org_name == NULL) {
        return fse_error_set(FSE_E_ARG, FSE_JWT_MODULE, "pair: unknown subject_organization_id");
    }
    pv->role = o->subject_role != NULL ? o->subject_role : "AAS";
    pv->locality = o->locality != NULL ? o->locality : DEFAULT_LOCALITY;
    if (o->jti == NULL) {
        if (RAND_bytes(rnd, sizeof(rnd)) != 1) {
            ERR_clear_error();
            return fse_error_set(FSE_E_CRYPTO, FSE_JWT_MODULE, "pair: no random bytes");
        }
        fse_hex_encode(pv->jti, rnd, sizeof(rnd));
    }
    return FSE_OK;
}

/* "<prefix><value><suffix>" as one JSON member. */
static void kv_concat(fse_json *w, const char *key, const char *prefix, const char *value,
                      const char *suffix)
{
    char buf[512];
    int n = snprintf(buf, sizeof(buf), "%s%s%s", prefix, value, suffix);

    if (n < 0 || (size_t)n >= sizeof(buf)) {
        w->err = w->err != FSE_OK ? w->err : FSE_E_LIMIT;
        return;
    }
    fse_json_kv_string(w, key, buf);
}

/* The registered claims shared by both tokens. */
static void registered(fse_json *w, const pair_values *pv, const char *iss_prefix,
                       const char *jti_suffix)
{
    kv_concat(w, "iss", iss_prefix, pv->cn, "");
    kv_concat(w, "sub", "", pv->sub_cf, CX_MEF_SUFFIX);
    fse_json_kv_string(w, "aud", pv->o->audience);
    fse_json_kv_int(w, "iat", pv->o->iat);
    fse_json_kv_int(w, "exp", pv->exp);
    kv_concat(w, "jti", pv->o->jti != NULL ? pv->o->jti : pv->jti, jti_suffix, "");
}

/* The FSE-JWT-Signature claims of §3 for the operation. */
static void custom(fse_json *w, const pair_values *pv)
{
    const fse_jwt_pair_opts *o = pv->o;

    fse_json_kv_string(w, "subject_organization_id", pv->org_id);
    fse_json_kv_string(w, "subject_organization", pv->org_name);
    fse_json_kv_string(w, "locality", pv->locality);
    fse_json_kv_string(w, "subject_role", pv->role);
    kv_concat(w, "person_id", "", o->patient_cf, CX_MEF_SUFFIX);
    fse_json_kv_bool(w, "patient_consent", true);
    fse_json_kv_string(w, "purpose_of_use",
                       o->purpose_of_use != NULL ? o->purpose_of_use : fse_jwt__op_purpose(o->op));
    fse_json_kv_string(w, "action_id", fse_jwt__op_action(o->op));
    /* §3: DELETE carries neither resource_hl7_type nor attachment_hash. */
    if (o->loinc != NULL && o->op != FSE_JWT_OP_DELETE) {
        kv_concat(w, "resource_hl7_type", "('", o->loinc, "^^" LOINC_OID "')");
    }
    if (o->pdf_sha256 != NULL && o->op != FSE_JWT_OP_DELETE) {
        fse_json_kv_string(w, "attachment_hash", o->pdf_sha256);
    }
    fse_json_kv_string(w, "subject_application_id",
                       o->application_id != NULL ? o->application_id : "FSEC");
    fse_json_kv_string(w, "subject_application_vendor",
                       o->application_vendor != NULL ? o->application_vendor : "FSE TEST");
    fse_json_kv_string(w, "subject_application_version",
                       o->application_version != NULL ? o->application_version : "1.0");
}

/* One token's claims JSON into *out (caller frees). */
static fse_err build_claims(char **out, const pair_values *pv, bool signature_token)
{
    fse_buf b;
    fse_json w;
    fse_err rc;

    fse_buf_init(&b, FSE_JWT_MAX_CLAIMS_BYTES);
    fse_json_init(&w, &b);
    fse_json_object_begin(&w);
    registered(&w, pv, signature_token ? "integrity:" : "auth:", signature_token ? "-s" : "-a");
    if (signature_token) {
        custom(&w, pv);
    }
    fse_json_object_end(&w);
    rc = fse_json_status(&w);
    if (rc != FSE_OK) {
        fse_buf_free(&b);
        return fse_error_set(rc, FSE_JWT_MODULE, "pair: cannot write the claims");
    }
    *out = fse_buf_steal(&b, NULL);
    fse_buf_free(&b);
    return *out != NULL ? FSE_OK : nomem();
}

fse_err fse_jwt_pair_claims(char **auth_json_out, char **sig_json_out, const fse_jwt_cred *signer,
                            const fse_jwt_pair_opts *opts)
{
    pair_values pv;
    char *auth = NULL;
    char *sig = NULL;
    fse_err rc;

    if (auth_json_out == NULL || sig_json_out == NULL || signer == NULL || opts == NULL) {
        return fse_error_set(FSE_E_ARG, FSE_JWT_MODULE, "pair: NULL argument");
    }
    *auth_json_out = NULL;
    *sig_json_out = NULL;
    rc = resolve(&pv, signer, opts);
    if (rc == FSE_OK) {
        rc = build_claims(&auth, &pv, false);
    }
    if (rc == FSE_OK && opts->op != FSE_JWT_OP_STATUS) {
        rc = build_claims(&sig, &pv, true);
    }
    if (rc != FSE_OK) {
        wipe_free(auth);
        wipe_free(sig);
        return rc;
    }
    *auth_json_out = auth;
    *sig_json_out = sig;
    return FSE_OK;
}

fse_err fse_jwt_make_pair(char **auth_out, char **sig_out, const fse_jwt_cred *signer,
                          const fse_jwt_pair_opts *opts)
{
    char *auth_json = NULL;
    char *sig_json = NULL;
    char *auth = NULL;
    char *sig = NULL;
    fse_err rc;

    if (auth_out == NULL || sig_out == NULL) {
        return fse_error_set(FSE_E_ARG, FSE_JWT_MODULE, "make_pair: NULL argument");
    }
    *auth_out = NULL;
    *sig_out = NULL;
    rc = fse_jwt_pair_claims(&auth_json, &sig_json, signer, opts);
    if (rc == FSE_OK) {
        rc = fse_jwt_sign(&auth, signer, FSE_JWT_ALG_RS256, auth_json, strlen(auth_json));
    }
    if (rc == FSE_OK && sig_json != NULL) {
        rc = fse_jwt_sign(&sig, signer, FSE_JWT_ALG_RS256, sig_json, strlen(sig_json));
    }
    if (rc == FSE_OK) {
        *auth_out = auth;
        *sig_out = sig;
        auth = NULL;
        sig = NULL;
    }
    wipe_free(auth_json);
    wipe_free(sig_json);
    wipe_free(auth);
    wipe_free(sig);
    return rc;
}
