/*
 * lib/jwt/jwt_verify.c - the verifier: trust store set-up and the check of
 * one compact JWS (gateway-api §3, RFC 7515/7519).
 *
 * Owns the fse_jwt_verifier (X509_STORE, audience, skew, algorithm
 * allow-list, limits), the order of the checks and the reason each failure
 * gets. The key is only ever the x5c certificate's, after its chain is
 * verified; the algorithm comes from the allow-list, never from the key.
 * Does not own base64 or the algorithm table (jwt_codec.c), the typed
 * claims (jwt_claims.c), or the per-operation rules (jwt_rules.c).
 */
#include "jwt_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509v3.h>

struct fse_jwt_verifier {
    X509_STORE *store; /* read-only after set-up; X509_STORE_CTX per call */
    char *audience;
    unsigned clock_skew;
    unsigned algs;
    size_t max_token_len;
    unsigned min_rsa_bits;
};

/* ---- set-up ------------------------------------------------------------ */

static fse_err nomem(void)
{
    return fse_error_set(FSE_E_NOMEM, FSE_JWT_MODULE, "out of memory");
}

/* Add every PEM certificate of data to the store; FSE_E_PARSE if none. */
static fse_err add_pem_certs(X509_STORE *store, const void *data, size_t len, const char *what)
{
    BIO *bio = NULL;
    X509 *cert = NULL;
    size_t n_certs = 0;
    fse_err rc = FSE_OK;

    if (len > FSE_JWT_MAX_CA_FILE_BYTES || len > (size_t)INT32_MAX) {
        rc = fse_error_set(FSE_E_LIMIT, FSE_JWT_MODULE, "%s: CA bundle over %u bytes", what,
                           FSE_JWT_MAX_CA_FILE_BYTES);
        goto done;
    }
    bio = BIO_new_mem_buf(data, (int)len);
    if (bio == NULL) {
        rc = fse_error_set(FSE_E_NOMEM, FSE_JWT_MODULE, "out of memory");
        goto done;
    }
    for (;;) {
        cert = PEM_read_bio_X509(bio, NULL, NULL, NULL);
        if (cert == NULL) {
            break;
        }
        if (X509_STORE_add_cert(store, cert) != 1) {
            rc = fse_error_set(FSE_E_CRYPTO, FSE_JWT_MODULE, "%s: cannot add certificate %zu", what,
                               n_certs + 1);
            goto done;
        }
        X509_free(cert);
        cert = NULL;
        n_certs++;
    }
    if (n_certs == 0) {
        rc = fse_error_set(FSE_E_PARSE, FSE_JWT_MODULE, "%s: no PEM certificate", what);
    }
done:
    ERR_clear_error();
    X509_free(cert);
    BIO_free(bio);
    return rc;
}

static fse_err check_opts(const fse_jwt_verifier_opts *opts)
{
    if (opts->version != FSE_JWT_VERIFIER_OPTS_VERSION) {
        return fse_error_set(FSE_E_ARG, FSE_JWT_MODULE, "verifier: unknown options version %u",
                             opts->version);
    }
    if (opts->audience == NULL || opts->audience[0] == '\0') {
        return fse_error_set(FSE_E_ARG, FSE_JWT_MODULE, "verifier: no audience");
    }
    if (opts->n_ca_files == 0 && opts->ca_pem == NULL) {
        return fse_error_set(FSE_E_ARG, FSE_JWT_MODULE, "verifier: no CA certificate");
    }
    if (opts->n_ca_files > FSE_JWT_MAX_CA_FILES || (opts->n_ca_files > 0 && !opts->ca_files)) {
        return fse_error_set(FSE_E_ARG, FSE_JWT_MODULE, "verifier: bad CA file list");
    }
    if (opts->clock_skew > FSE_JWT_MAX_CLOCK_SKEW) {
        return fse_error_set(FSE_E_ARG, FSE_JWT_MODULE, "verifier: clock skew over %u s",
                             FSE_JWT_MAX_CLOCK_SKEW);
    }
    if ((opts->algs & ~(unsigned)FSE_JWT_ALGS_DEFAULT) != 0) {
        return fse_error_set(FSE_E_ARG, FSE_JWT_MODULE, "verifier: only RS256/RS384/RS512");
    }
    if (opts->max_token_len > FSE_JWT_MAX_TOKEN_BYTES) {
        return fse_error_set(FSE_E_ARG, FSE_JWT_MODULE, "verifier: token limit over %u bytes",
                             FSE_JWT_MAX_TOKEN_BYTES);
    }
    if (opts->min_rsa_bits != 0 &&
        (opts->min_rsa_bits < FSE_JWT_MIN_RSA_BITS || opts->min_rsa_bits > FSE_JWT_MAX_RSA_BITS)) {
        return fse_error_set(FSE_E_ARG, FSE_JWT_MODULE, "verifier: RSA minimum out of range");
    }
    return FSE_OK;
}

fse_err fse_jwt_verifier_new(fse_jwt_verifier **out, const fse_jwt_verifier_opts *opts)
{
    fse_jwt_verifier *v = NULL;
    uint8_t *data = NULL;
    size_t len = 0;
    size_t i;
    fse_err rc;

    if (out == NULL || opts == NULL) {
        return fse_error_set(FSE_E_ARG, FSE_JWT_MODULE, "verifier_new: NULL argument");
    }
    *out = NULL;
    rc = check_opts(opts);
    if (rc != FSE_OK) {
        goto done;
    }
    v = fse_calloc(1, sizeof(*v));
    if (v == NULL) {
        rc = nomem();
        goto done;
    }
    v->audience = fse_strdup(opts->audience);
    v->store = X509_STORE_new();
    if (v->audience == NULL || v->store == NULL) {
        rc = nomem();
        goto done;
    }
    v->clock_skew = opts->clock_skew;
    v->algs = opts->algs != 0 ? opts->algs : (unsigned)FSE_JWT_ALGS_DEFAULT;
    v->max_token_len = opts->max_token_len != 0 ? opts->max_token_len : FSE_JWT_MAX_TOKEN_BYTES;
    v->min_rsa_bits = opts->min_rsa_bits != 0 ? opts->min_rsa_bits : FSE_JWT_MIN_RSA_BITS;
    for (i = 0; i < opts->n_ca_files; i++) {
        rc = fse_file_read(opts->ca_files[i], FSE_JWT_MAX_CA_FILE_BYTES, &data, &len);
        if (rc != FSE_OK) {
            fse_error_prefix(FSE_JWT_MODULE);
            goto done;
        }
        rc = add_pem_certs(v->store, data, len, opts->ca_files[i]);
        fse_free(data);
        data = NULL;
        if (rc != FSE_OK) {
            goto done;
        }
    }
    if (opts->ca_pem != NULL) {
        rc = add_pem_certs(v->store, opts->ca_pem, opts->ca_pem_len, "in-memory CA");
        if (rc != FSE_OK) {
            goto done;
        }
    }
    *out = v;
    v = NULL;
done:
    fse_jwt_verifier_free(v);
    return rc;
}

void fse_jwt_verifier_free(fse_jwt_verifier *v)
{
    if (v == NULL) {
        return;
    }
    X509_STORE_free(v->store);
    fse_free(v->audience);
    fse_free(v);
}

/* ---- one verification -------------------------------------------------- */

/* State of one fse_jwt_verify call; everything here is freed at the end. */
typedef struct verify_ctx {
    const fse_jwt_verifier *v;
    const char *part[3]; /* header, payload, signature (base64url text) */
    size_t part_len[3];
    json_t *header;
    X509 *leaf;
    STACK_OF(X509) * chain; /* untrusted intermediates from x5c */
    fse_jwt_alg alg;
    fse_jwt_claims *claims;
    fse_jwt_reason reason;
} verify_ctx;

/* Record a refusal: reason in the context, English text in the error record. */
static fse_err refuse(verify_ctx *c, fse_jwt_reason reason, const char *fmt, ...) FSE_PRINTF(3, 4);

static fse_err refuse(verify_ctx *c, fse_jwt_reason reason, const char *fmt, ...)
{
    char msg[FSE_ERROR_MSG_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    c->reason = reason;
    return fse_error_set(FSE_E_AUTH, FSE_JWT_MODULE, "%s: %s", fse_jwt_reason_name(reason), msg);
}

/* Three base64url parts separated by exactly two dots. */
static fse_err split_token(verify_ctx *c, const char *token, size_t len)
{
    size_t start = 0;
    size_t n = 0;
    size_t i;

    for (i = 0; i <= len; i++) {
        if (i < len && token[i] != '.') {
            char ch = token[i];

            if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
                  (ch >= '0' && ch <= '9') || ch == '-' || ch == '_')) {
                return refuse(c, FSE_JWT_E_MALFORMED, "byte %zu is not base64url", i);
            }
            continue;
        }
        if (n == 3) {
            return refuse(c, FSE_JWT_E_MALFORMED, "more than three parts");
        }
        c->part[n] = token + start;
        c->part_len[n] = i - start;
        n++;
        start = i + 1;
    }
    if (n != 3) {
        return refuse(c, FSE_JWT_E_MALFORMED, "%zu parts instead of three", n);
    }
    if (c->part_len[0] == 0 || c->part_len[1] == 0) {
        return refuse(c, FSE_JWT_E_MALFORMED, "empty header or payload");
    }
    return FSE_OK;
}

/* Decode one base64url part holding a JSON object without duplicate keys. */
static fse_err decode_json_part(verify_ctx *c, json_t **out, size_t idx, const char *what)
{
    uint8_t *buf = fse_malloc(c->part_len[idx] / 4 * 3 + 3);
    size_t n = 0;
    json_error_t jerr;
    json_t *obj = NULL;
    fse_err rc = FSE_OK;

    if (buf == NULL) {
        rc = nomem();
        goto done;
    }
    if (!fse_jwt__b64url_decode(buf, &n, c->part[idx], c->part_len[idx])) {
        rc = refuse(c, FSE_JWT_E_MALFORMED, "%s is not canonical base64url", what);
        goto done;
    }
    obj = json_loadb((const char *)buf, n, JSON_REJECT_DUPLICATES, &jerr);
    if (obj == NULL) {
        /* Position only: jansson's text may quote the (personal) input. */
        rc = refuse(c, FSE_JWT_E_MALFORMED, "%s is not JSON (byte %d)", what, jerr.position);
        goto done;
    }
    if (!json_is_object(obj)) {
        rc = refuse(c, FSE_JWT_E_MALFORMED, "%s is not a JSON object", what);
        goto done;
    }
    *out = obj;
    obj = NULL;
done:
    if (buf != NULL) {
        OPENSSL_cleanse(buf, n);
    }
    fse_free(buf);
    json_decref(obj);
    return rc;
}

/* alg in the allow-list, typ JWT, no crit (RFC 7515 §4.1.11). */
static fse_err check_header(verify_ctx *c)
{
    const json_t *alg = json_object_get(c->header, "alg");
    const json_t *typ = json_object_get(c->header, "typ");

    if (!json_is_string(alg)) {
        return refuse(c, FSE_JWT_E_ALG, "header alg absent or not a string");
    }
    c->alg = fse_jwt__alg_parse(json_string_value(alg), json_string_length(alg));
    if (c->alg == FSE_JWT_ALG_NONE || (c->alg & c->v->algs) == 0) {
        return refuse(c, FSE_JWT_E_ALG, "algorithm not allowed");
    }
    /* IMPLEMENTATION-OF: gateway-api §3 common header: typ "JWT". */
    if (!json_is_string(typ) || strcasecmp(json_string_value(typ), "JWT") != 0) {
        return refuse(c, FSE_JWT_E_HEADER, "header typ is not JWT");
    }
    if (json_object_get(c->header, "crit") != NULL) {
        return refuse(c, FSE_JWT_E_HEADER, "header crit is not supported");
    }
    return FSE_OK;
}

/* One x5c element: standard base64 of a whole DER certificate. */
static fse_err parse_x5c_cert(verify_ctx *c, X509 **out, const json_t *elem, size_t idx)
{
    const char *b64 = json_string_value(elem);
    size_t b64_len = json_string_length(elem);
    uint8_t *der = NULL;
    const unsigned char *p;
    size_t der_len = 0;
    X509 *cert = NULL;
    fse_err rc = FSE_OK;

    if (b64 == NULL || b64_len == 0) {
        rc = refuse(c, FSE_JWT_E_X5C, "x5c[%zu] is not a non-empty string", idx);
        goto done;
    }
    der = fse_malloc(b64_len / 4 * 3 + 3);
    if (der == NULL) {
        rc = nomem();
        goto done;
    }
    if (!fse_jwt__b64_decode(der, &der_len, b64, b64_len) || der_len > (size_t)INT32_MAX) {
        rc = refuse(c, FSE_JWT_E_X5C, "x5c[%zu] is not base64", idx);
        goto done;
    }
    p = der;
    cert = d2i_X509(NULL, &p, (long)der_len);
    if (cert == NULL || p != der + der_len) {
        rc = refuse(c, FSE_JWT_E_X5C, "x5c[%zu] is not one DER certificate", idx);
        goto done;
    }
    *out = cert;
    cert = NULL;
done:
    ERR_clear_error();
    X509_free(cert);
    fse_free(der);
    return rc;
}

/* The x5c array: leaf first, then untrusted intermediates. */
static fse_err parse_x5c(verify_ctx *c)
{
    const json_t *x5c = json_object_get(c->header, "x5c");
    X509 *cert = NULL;
    size_t n;
    size_t i;
    fse_err rc;

    /* IMPLEMENTATION-OF: gateway-api §3: x5c is an array holding the base64
     * DER signature certificate. No other key source (jwk, jku, x5u, kid) is
     * ever read. */
    if (!json_is_array(x5c)) {
        return refuse(c, FSE_JWT_E_X5C, "header x5c absent or not an array");
    }
    n = json_array_size(x5c);
    if (n == 0 || n > FSE_JWT_MAX_X5C) {
        return refuse(c, FSE_JWT_E_X5C, "header x5c holds %zu certificates", n);
    }
    rc = parse_x5c_cert(c, &c->leaf, json_array_get(x5c, 0), 0);
    if (rc != FSE_OK) {
        return rc;
    }
    c->chain = sk_X509_new_null();
    if (c->chain == NULL) {
        return nomem();
    }
    for (i = 1; i < n; i++) {
        rc = parse_x5c_cert(c, &cert, json_array_get(x5c, i), i);
        if (rc != FSE_OK) {
            return rc;
        }
        if (sk_X509_push(c->chain, cert) <= 0) {
            X509_free(cert);
            return nomem();
        }
    }
    return FSE_OK;
}

/* An RSA key (not RSA-PSS, not EC) of an accepted size. */
static fse_err check_key(verify_ctx *c)
{
    EVP_PKEY *key = X509_get0_pubkey(c->leaf);
    int bits;

    ERR_clear_error();
    if (key == NULL || EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA) {
        return refuse(c, FSE_JWT_E_KEY, "certificate key is not RSA");
    }
    bits = EVP_PKEY_get_bits(key);
    if (bits < (int)c->v->min_rsa_bits || bits > (int)FSE_JWT_MAX_RSA_BITS) {
        return refuse(c, FSE_JWT_E_KEY, "RSA key of %d bits (accepted %u..%u)", bits,
                      c->v->min_rsa_bits, FSE_JWT_MAX_RSA_BITS);
    }
    return FSE_OK;
}

/* The leaf chains to the trust store at now and is an end-entity signing
 * certificate. */
static fse_err check_chain(verify_ctx *c, int64_t now)
{
    X509_STORE_CTX *sctx = X509_STORE_CTX_new();
    X509_VERIFY_PARAM *param;
    uint32_t ku;
    fse_err rc = FSE_OK;

    if (sctx == NULL || X509_STORE_CTX_init(sctx, c->v->store, c->leaf, c->chain) != 1) {
        rc = fse_error_set(FSE_E_CRYPTO, FSE_JWT_MODULE, "cannot set up chain verification");
        c->reason = FSE_JWT_E_INTERNAL;
        goto done;
    }
    param = X509_STORE_CTX_get0_param(sctx);
    X509_VERIFY_PARAM_set_time(param, (time_t)now);
    X509_STORE_CTX_set_purpose(sctx, X509_PURPOSE_ANY);
    if (X509_verify_cert(sctx) != 1) {
        int err = X509_STORE_CTX_get_error(sctx);

        rc = refuse(c, FSE_JWT_E_CERT_CHAIN, "certificate not trusted: %s",
                    X509_verify_cert_error_string(err));
        goto done;
    }
    if (X509_check_ca(c->leaf) != 0) {
        rc = refuse(c, FSE_JWT_E_CERT_CHAIN, "signing certificate is a CA certificate");
        goto done;
    }
    ku = X509_get_key_usage(c->leaf);
    if ((ku & (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION)) == 0) {
        rc = refuse(c, FSE_JWT_E_CERT_CHAIN, "certificate key usage forbids signatures");
        goto done;
    }
done:
    ERR_clear_error();
    X509_STORE_CTX_free(sctx);
    return rc;
}

/* RSASSA-PKCS1-v1_5 over "header.payload" with the header's algorithm. */
static fse_err check_signature(verify_ctx *c)
{
    EVP_PKEY *key = X509_get0_pubkey(c->leaf);
    EVP_MD_CTX *mctx = NULL;
    EVP_PKEY_CTX *pctx = NULL;
    uint8_t *sig = NULL;
    size_t sig_len = 0;
    int ok;
    fse_err rc = FSE_OK;

    if (c->part_len[2] == 0) {
        rc = refuse(c, FSE_JWT_E_SIGNATURE, "empty signature");
        goto done;
    }
    sig = fse_malloc(c->part_len[2] / 4 * 3 + 3);
    if (sig == NULL) {
        rc = nomem();
        goto done;
    }
    if (!fse_jwt__b64url_decode(sig, &sig_len, c->part[2], c->part_len[2])) {
        rc = refuse(c, FSE_JWT_E_MALFORMED, "signature is not canonical base64url");
        goto done;
    }
    if (sig_len != (size_t)EVP_PKEY_get_size(key)) {
        rc = refuse(c, FSE_JWT_E_SIGNATURE, "signature length does not match the key");
        goto done;
    }
    mctx = EVP_MD_CTX_new();
    if (mctx == NULL ||
        EVP_DigestVerifyInit(mctx, &pctx, fse_jwt__alg_md(c->alg), NULL, key) != 1 ||
        EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) <= 0) {
        rc = fse_error_set(FSE_E_CRYPTO, FSE_JWT_MODULE, "cannot set up signature check");
        c->reason = FSE_JWT_E_INTERNAL;
        goto done;
    }
    /* The signing input is the token text up to the second dot, as sent. */
    ok = EVP_DigestVerify(mctx, sig, sig_len, (const unsigned char *)c->part[0],
                          c->part_len[0] + 1 + c->part_len[1]);
    if (ok != 1) {
        rc = refuse(c, FSE_JWT_E_SIGNATURE, "signature does not verify");
        goto done;
    }
done:
    ERR_clear_error();
    EVP_MD_CTX_free(mctx);
    fse_free(sig);
    return rc;
}

/* b > a + skew, without overflow (a + skew past INT64_MAX: never). */
static bool after(int64_t b, int64_t a, unsigned skew)
{
    int64_t lim;

    if (__builtin_add_overflow(a, (int64_t)skew, &lim)) {
        return false;
    }
    return b > lim;
}

/* now >= exp + skew, without overflow (exp + skew past INT64_MAX: never). */
static bool expired(int64_t exp, int64_t now, unsigned skew)
{
    int64_t lim;

    if (__builtin_add_overflow(exp, (int64_t)skew, &lim)) {
        return false;
    }
    return now >= lim;
}

/* exp, iat, nbf against now; aud; iss against the certificate CN. */
static fse_err check_claims(verify_ctx *c, int64_t now)
{
    fse_jwt_claims *cl = c->claims;
    unsigned skew = c->v->clock_skew;
    const char *rest = NULL;
    size_t i;
    bool aud_ok = false;

    /* IMPLEMENTATION-OF: RFC 7519 §4.1.4: refused on or after exp. */
    if (expired(cl->exp, now, skew)) {
        return refuse(c, FSE_JWT_E_EXPIRED, "token expired");
    }
    if (after(cl->iat, now, skew)) {
        return refuse(c, FSE_JWT_E_NOT_YET_VALID, "token issued in the future");
    }
    if (cl->has_nbf && after(cl->nbf, now, skew)) {
        return refuse(c, FSE_JWT_E_NOT_YET_VALID, "token not valid before nbf");
    }
    for (i = 0; i < cl->n_aud && !aud_ok; i++) {
        aud_ok = strcmp(cl->aud[i], c->v->audience) == 0;
    }
    if (!aud_ok) {
        return refuse(c, FSE_JWT_E_AUDIENCE, "aud does not hold the expected audience");
    }
    /* IMPLEMENTATION-OF: gateway-api §3: iss = "auth:" + CN (Bearer) or
     * "integrity:" + CN (FSE-JWT-Signature) of the signing certificate. */
    if (strncmp(cl->iss, "auth:", 5) == 0) {
        cl->issuer_kind = FSE_JWT_ISSUER_AUTH;
        rest = cl->iss + 5;
    } else if (strncmp(cl->iss, "integrity:", 10) == 0) {
        cl->issuer_kind = FSE_JWT_ISSUER_INTEGRITY;
        rest = cl->iss + 10;
    }
    if (rest == NULL) {
        return refuse(c, FSE_JWT_E_ISSUER, "iss has neither the auth: nor the integrity: prefix");
    }
    if (strcmp(rest, cl->cert_cn) != 0) {
        cl->issuer_kind = FSE_JWT_ISSUER_NONE;
        return refuse(c, FSE_JWT_E_ISSUER, "iss does not name the signing certificate's CN");
    }
    return FSE_OK;
}

/* CN and SHA-256 fingerprint of the verified certificate. */
static fse_err record_cert(verify_ctx *c)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    bool oom = false;

    c->claims->alg = c->alg;
    c->claims->cert_cn = fse_jwt__cert_cn(c->leaf, &oom);
    if (c->claims->cert_cn == NULL) {
        return oom ? nomem() : refuse(c, FSE_JWT_E_ISSUER, "certificate has no single CN");
    }
    if (X509_digest(c->leaf, EVP_sha256(), md, &md_len) != 1 || md_len != 32) {
        ERR_clear_error();
        c->reason = FSE_JWT_E_INTERNAL;
        return fse_error_set(FSE_E_CRYPTO, FSE_JWT_MODULE, "cannot hash the certificate");
    }
    fse_hex_encode(c->claims->cert_sha256, md, md_len);
    return FSE_OK;
}

/* Everything after the structure is known good: signature, then claims. */
static fse_err verify_parts(verify_ctx *c, int64_t now)
{
    fse_err rc;

    rc = decode_json_part(c, &c->header, 0, "header");
    if (rc == FSE_OK) {
        rc = check_header(c);
    }
    if (rc == FSE_OK) {
        rc = parse_x5c(c);
    }
    if (rc == FSE_OK) {
        rc = check_key(c);
    }
    if (rc == FSE_OK) {
        rc = check_chain(c, now);
    }
    if (rc == FSE_OK) {
        rc = check_signature(c);
    }
    if (rc == FSE_OK) {
        c->claims = fse_calloc(1, sizeof(*c->claims));
        rc = c->claims == NULL ? nomem() : decode_json_part(c, &c->claims->payload, 1, "payload");
    }
    if (rc == FSE_OK) {
        rc = record_cert(c);
    }
    if (rc == FSE_OK) {
        rc = fse_jwt__claims_fill(c->claims, &c->reason);
    }
    if (rc == FSE_OK) {
        rc = check_claims(c, now);
    }
    return rc;
}

fse_err fse_jwt_verify(fse_jwt_claims **claims_out, fse_jwt_reason *reason_out,
                       const fse_jwt_verifier *v, const char *token, size_t token_len, int64_t now)
{
    verify_ctx c;
    fse_err rc;

    memset(&c, 0, sizeof(c));
    c.v = v;
    c.reason = FSE_JWT_E_INTERNAL;
    if (claims_out == NULL || v == NULL || (token == NULL && token_len > 0)) {
        rc = fse_error_set(FSE_E_ARG, FSE_JWT_MODULE, "verify: NULL argument");
        goto done;
    }
    *claims_out = NULL;
    if (token_len == 0) {
        rc = refuse(&c, FSE_JWT_E_MISSING, "no token");
        goto done;
    }
    if (token_len > v->max_token_len) {
        rc = refuse(&c, FSE_JWT_E_TOO_LARGE, "token of %zu bytes (limit %zu)", token_len,
                    v->max_token_len);
        goto done;
    }
    rc = split_token(&c, token, token_len);
    if (rc == FSE_OK) {
        rc = verify_parts(&c, now);
    }
    if (rc == FSE_OK) {
        c.reason = FSE_JWT_OK;
        *claims_out = c.claims;
        c.claims = NULL;
    }
done:
    if (rc != FSE_OK && rc != FSE_E_AUTH) {
        c.reason = FSE_JWT_E_INTERNAL;
    }
    if (reason_out != NULL) {
        *reason_out = c.reason;
    }
    fse_jwt_claims_free(c.claims);
    json_decref(c.header);
    X509_free(c.leaf);
    sk_X509_pop_free(c.chain, X509_free);
    return rc;
}
