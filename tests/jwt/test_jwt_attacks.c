/*
 * tests/jwt/test_jwt_attacks.c - hostile tokens against fse_jwt_verify:
 * time (expired, not yet valid, overflow), audience, issuer prefix and CN,
 * certificates (foreign CA, self-signed, expired, CA as leaf, RSA 1024),
 * algorithms (none, HS256 keyed with the public key, lower case, PS/ES,
 * allow-list) and tampered header, payload and signature.
 */
#include "jwt_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/hmac.h>
#include <openssl/pem.h>

/* ---- time -------------------------------------------------------------- */

void test_attack_time(void **state)
{
    fse_jwt_pair_opts o = jwt_pair_opts(FSE_JWT_OP_CREATE);
    char *token;

    (void)state;
    o.iat = NOW - 7200;
    token = token_with(&o, true);
    expect_reason(token, FSE_JWT_E_EXPIRED);
    fse_free(token);
    token = token_with(&o, false);
    expect_reason(token, FSE_JWT_E_EXPIRED);
    fse_free(token);
    /* exp + skew == now: expired; one second later: accepted. */
    o.iat = NOW - 3600 - (int64_t)SKEW;
    token = token_with(&o, true);
    expect_reason(token, FSE_JWT_E_EXPIRED);
    fse_free(token);
    o.iat = NOW - 3600 - (int64_t)SKEW + 1;
    token = token_with(&o, true);
    expect_reason(token, FSE_JWT_OK);
    fse_free(token);
    /* Issued in the future, past the skew. */
    o.iat = NOW + (int64_t)SKEW + 1;
    token = token_with(&o, true);
    expect_reason(token, FSE_JWT_E_NOT_YET_VALID);
    fse_free(token);
    o.iat = NOW + (int64_t)SKEW;
    token = token_with(&o, true);
    expect_reason(token, FSE_JWT_OK);
    fse_free(token);
    expect_edit("nbf", json_integer(NOW + 600), FSE_JWT_E_NOT_YET_VALID);
    expect_edit("nbf", json_integer(NOW), FSE_JWT_OK);
    /* Extreme values do not overflow. */
    expect_edit("exp", json_integer(INT64_MAX), FSE_JWT_OK);
    expect_edit("exp", json_integer(INT64_MIN), FSE_JWT_E_EXPIRED);
    expect_edit("iat", json_integer(INT64_MAX), FSE_JWT_E_NOT_YET_VALID);
}

/* ---- audience ---------------------------------------------------------- */

void test_attack_audience(void **state)
{
    fse_jwt_pair_opts o = jwt_pair_opts(FSE_JWT_OP_CREATE);
    char *token;

    (void)state;
    o.audience = "FSE_Gateway";
    token = token_with(&o, true);
    expect_reason(token, FSE_JWT_E_AUDIENCE);
    fse_free(token);
    o.audience = AUD "/";
    token = token_with(&o, false);
    expect_reason(token, FSE_JWT_E_AUDIENCE);
    fse_free(token);
    expect_edit("aud", json_pack("[ss]", "other", AUD), FSE_JWT_OK);
    expect_edit("aud", json_pack("[s]", "other"), FSE_JWT_E_AUDIENCE);
    expect_edit("aud", json_array(), FSE_JWT_E_CLAIM_VALUE);
    expect_edit("aud", json_pack("[si]", AUD, 1), FSE_JWT_E_CLAIM_VALUE);
    expect_edit("aud", json_integer(5), FSE_JWT_E_CLAIM_VALUE);
    expect_edit("aud", NULL, FSE_JWT_E_MISSING_CLAIM);
}

/* ---- issuer ------------------------------------------------------------ */

void test_attack_issuer(void **state)
{
    (void)state;
    expect_edit("iss", json_string("bearer:S1#120#TESTVENDOR"), FSE_JWT_E_ISSUER);
    expect_edit("iss", json_string("AUTH:S1#120#TESTVENDOR"), FSE_JWT_E_ISSUER);
    expect_edit("iss", json_string("S1#120#TESTVENDOR"), FSE_JWT_E_ISSUER);
    /* Prefix right, CN of another certificate. */
    expect_edit("iss", json_string("auth:S1#120#OTHERVENDOR"), FSE_JWT_E_ISSUER);
    expect_edit("iss", json_string("integrity:S1#120#TESTVENDOR "), FSE_JWT_E_ISSUER);
    expect_edit("iss", json_string("integrity:"), FSE_JWT_E_ISSUER);
    expect_edit("iss", json_string("auth:S1#120#TESTVENDOR"), FSE_JWT_OK);
    expect_edit("iss", NULL, FSE_JWT_E_MISSING_CLAIM);
    expect_edit("iss", json_string(""), FSE_JWT_E_MISSING_CLAIM);
    /* A genuine "integrity:" issuer of one certificate, signed by another. */
    {
        char *token = edited(g.signer2, "iss", json_string("integrity:S1#120#TESTVENDOR"));

        expect_reason(token, FSE_JWT_E_ISSUER);
        fse_free(token);
    }
}

/* ---- certificates ------------------------------------------------------ */

/* The default signature claims, iss naming cred, signed by cred. */
static void expect_signed_by(const fse_jwt_cred *cred, fse_jwt_reason want)
{
    json_t *claims = jwt_claims_of(FSE_JWT_OP_CREATE, true);
    char *token;

    json_object_set_new(claims, "iss", json_sprintf("integrity:%s", cred->cn));
    token = jwt_sign_json(cred, claims);

    expect_reason(token, want);
    fse_free(token);
    json_decref(claims);
}

void test_attack_certificates(void **state)
{
    fse_jwt_claims *c = NULL;
    fse_jwt_reason reason;
    json_t *claims;
    char *header;
    char *token;
    char *leaf = NULL;
    char *other_ca = NULL;
    size_t len;

    (void)state;
    expect_signed_by(g.signer, FSE_JWT_OK);
    expect_signed_by(g.signer2, FSE_JWT_OK);
    expect_signed_by(g.foreign, FSE_JWT_E_CERT_CHAIN);
    expect_signed_by(g.self_signed, FSE_JWT_E_CERT_CHAIN);
    expect_signed_by(g.expired, FSE_JWT_E_CERT_CHAIN);
    expect_signed_by(g.weak, FSE_JWT_E_KEY);
    /* The trusted CA certificate itself as the signing certificate. */
    expect_signed_by(&g.ca->cred, FSE_JWT_E_CERT_CHAIN);

    /* An untrusted CA sent along in x5c does not make its leaf trusted. */
    assert_int_equal(fse_jwt__cert_b64(&leaf, g.foreign->cert), FSE_OK);
    assert_int_equal(fse_jwt__cert_b64(&other_ca, g.other_ca->cred.cert), FSE_OK);
    len = strlen(leaf) + strlen(other_ca) + 64;
    header = fse_malloc(len);
    assert_non_null(header);
    snprintf(header, len, "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"x5c\":[\"%s\",\"%s\"]}", leaf,
             other_ca);
    expect_header(header, g.foreign->key, FSE_JWT_E_CERT_CHAIN);
    fse_free(header);
    fse_free(leaf);
    fse_free(other_ca);

    /* Verified at a time before the certificate's notBefore. */
    claims = jwt_claims_of(FSE_JWT_OP_CREATE, true);
    json_object_set_new(claims, "iat", json_integer(NOW - 3 * 86400));
    json_object_set_new(claims, "exp", json_integer(NOW - 3 * 86400 + 3600));
    token = jwt_sign_json(g.signer, claims);
    assert_int_equal(
        fse_jwt_verify(&c, &reason, g.verifier, token, strlen(token), NOW - 3 * 86400 + 10),
        FSE_E_AUTH);
    assert_int_equal(reason, FSE_JWT_E_CERT_CHAIN);
    assert_null(c);
    fse_free(token);
    json_decref(claims);
}

/* ---- algorithms -------------------------------------------------------- */

/* HS256 over header.payload keyed with key bytes (algorithm confusion). */
static char *hmac_token(const char *header, const uint8_t *key, size_t key_len)
{
    json_t *claims = jwt_claims_of(FSE_JWT_OP_CREATE, true);
    char *payload = json_dumps(claims, JSON_COMPACT);
    char *h = jwt_b64url(header, strlen(header));
    char *p = jwt_b64url(payload, strlen(payload));
    uint8_t mac[EVP_MAX_MD_SIZE];
    unsigned mac_len = 0;
    size_t input_len = strlen(h) + strlen(p) + 1;
    char *input = fse_malloc(input_len + 1);
    char *token;

    assert_non_null(input);
    snprintf(input, input_len + 1, "%s.%s", h, p);
    assert_non_null(
        HMAC(EVP_sha256(), key, (int)key_len, (const uint8_t *)input, input_len, mac, &mac_len));
    token = assemble(header, payload, mac, mac_len);
    fse_free(input);
    fse_free(h);
    fse_free(p);
    free(payload);
    json_decref(claims);
    return token;
}

void test_attack_alg(void **state)
{
    const char *refused[] = {"none",  "None",  "NONE",  "rs256", "RS256 ", "HS256",
                             "HS512", "PS256", "ES256", "EdDSA", ""};
    fse_jwt_verifier_opts vo = FSE_JWT_VERIFIER_OPTS_INIT;
    fse_jwt_verifier *v = NULL;
    fse_jwt_claims *c = NULL;
    fse_jwt_reason reason;
    json_t *claims;
    char *header;
    char *token;
    char *payload;
    BIO *bio;
    char *pem = NULL;
    long pem_len;
    unsigned char *der = NULL;
    int der_len;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        header = jwt_header_for(g.signer, refused[i]);
        expect_header(header, g.signer->key, FSE_JWT_E_ALG);
        fse_free(header);
    }
    expect_header("{\"typ\":\"JWT\"}", g.signer->key, FSE_JWT_E_ALG);
    expect_header("{\"alg\":256,\"typ\":\"JWT\"}", g.signer->key, FSE_JWT_E_ALG);

    /* alg none with an empty signature. */
    claims = jwt_claims_of(FSE_JWT_OP_CREATE, true);
    payload = json_dumps(claims, JSON_COMPACT);
    header = jwt_header_for(g.signer, "none");
    token = assemble(header, payload, (const uint8_t *)"", 0);
    expect_reason(token, FSE_JWT_E_ALG);
    fse_free(token);
    fse_free(header);
    token = assemble("{\"alg\":\"none\",\"typ\":\"JWT\"}", payload, (const uint8_t *)"", 0);
    expect_reason(token, FSE_JWT_E_ALG);
    fse_free(token);
    free(payload);
    json_decref(claims);

    /* HS256 keyed with the signer's public key (PEM, as libjwt accepts) and
     * with the certificate's DER. */
    bio = BIO_new(BIO_s_mem());
    assert_int_equal(PEM_write_bio_PUBKEY(bio, g.signer->key), 1);
    pem_len = BIO_get_mem_data(bio, &pem);
    header = jwt_header_for(g.signer, "HS256");
    token = hmac_token(header, (const uint8_t *)pem, (size_t)pem_len);
    expect_reason(token, FSE_JWT_E_ALG);
    fse_free(token);
    BIO_free(bio);
    der_len = i2d_X509(g.signer->cert, &der);
    assert_true(der_len > 0);
    token = hmac_token(header, der, (size_t)der_len);
    expect_reason(token, FSE_JWT_E_ALG);
    fse_free(token);
    OPENSSL_free(der);
    fse_free(header);

    /* A verifier allowing RS512 only refuses RS256. */
    vo.ca_files = (const char *const[]){g.ca_path};
    vo.n_ca_files = 1;
    vo.audience = AUD;
    vo.algs = FSE_JWT_ALG_RS512;
    assert_int_equal(fse_jwt_verifier_new(&v, &vo), FSE_OK);
    {
        fse_jwt_pair_opts o = jwt_pair_opts(FSE_JWT_OP_CREATE);

        token = token_with(&o, true);
    }
    assert_int_equal(fse_jwt_verify(&c, &reason, v, token, strlen(token), NOW), FSE_E_AUTH);
    assert_int_equal(reason, FSE_JWT_E_ALG);
    fse_free(token);
    fse_jwt_verifier_free(v);
}

/* ---- tampering --------------------------------------------------------- */

/* Copy of the three parts of a token. */
typedef struct parts {
    char *p[3];
} parts;

static parts split3(const char *token)
{
    parts out;
    const char *d1 = strchr(token, '.');
    const char *d2 = d1 != NULL ? strchr(d1 + 1, '.') : NULL;

    assert_non_null(d2);
    out.p[0] = fse_strndup(token, (size_t)(d1 - token));
    out.p[1] = fse_strndup(d1 + 1, (size_t)(d2 - d1 - 1));
    out.p[2] = fse_strdup(d2 + 1);
    return out;
}

static char *join3(const char *a, const char *b, const char *c)
{
    size_t len = strlen(a) + strlen(b) + strlen(c) + 3;
    char *out = fse_malloc(len);

    assert_non_null(out);
    snprintf(out, len, "%s.%s.%s", a, b, c);
    return out;
}

static void free3(parts *ps)
{
    fse_free(ps->p[0]);
    fse_free(ps->p[1]);
    fse_free(ps->p[2]);
}

/* base64url decode of a part into a NUL-terminated text (caller frees). */
static char *decode_part(const char *b64)
{
    size_t len = strlen(b64);
    uint8_t *out = fse_malloc(len + 1);
    size_t n = 0;

    assert_non_null(out);
    assert_true(fse_jwt__b64url_decode(out, &n, b64, len));
    out[n] = '\0';
    return (char *)out;
}

void test_attack_tamper(void **state)
{
    fse_jwt_pair_opts o = jwt_pair_opts(FSE_JWT_OP_CREATE);
    char *token = token_with(&o, true);
    char *other = NULL;
    parts ps = split3(token);
    parts qs;
    char *text;
    char *at;
    char *b64;
    char *bad;
    char *header;

    (void)state;
    /* Payload: another patient, same length, old signature. */
    text = decode_part(ps.p[1]);
    at = strstr(text, PATIENT_CF);
    assert_non_null(at);
    memcpy(at, "GTWGWY82B42G920M", 16);
    b64 = jwt_b64url(text, strlen(text));
    bad = join3(ps.p[0], b64, ps.p[2]);
    expect_reason(bad, FSE_JWT_E_SIGNATURE);
    fse_free(bad);
    fse_free(b64);
    fse_free(text);

    /* Header: one more member, old signature. */
    text = decode_part(ps.p[0]);
    assert_int_equal(text[strlen(text) - 1], '}');
    text[strlen(text) - 1] = '\0';
    {
        size_t len = strlen(text) + 32;
        char *h = fse_malloc(len);

        snprintf(h, len, "%s,\"kid\":\"x\"}", text);
        b64 = jwt_b64url(h, strlen(h));
        fse_free(h);
    }
    bad = join3(b64, ps.p[1], ps.p[2]);
    expect_reason(bad, FSE_JWT_E_SIGNATURE);
    fse_free(bad);
    fse_free(b64);
    fse_free(text);

    /* The signer's x5c, another trusted key's signature. */
    header = jwt_header_for(g.signer, "RS256");
    expect_header(header, g.signer2->key, FSE_JWT_E_SIGNATURE);
    fse_free(header);

    /* Signature of another token. */
    o.jti = "other";
    other = token_with(&o, true);
    qs = split3(other);
    bad = join3(ps.p[0], ps.p[1], qs.p[2]);
    expect_reason(bad, FSE_JWT_E_SIGNATURE);
    fse_free(bad);
    /* Signature one byte short, emptied, one bit flipped. */
    {
        size_t n = 0;
        uint8_t *raw = fse_malloc(strlen(ps.p[2]));
        char *shorter;

        assert_true(fse_jwt__b64url_decode(raw, &n, ps.p[2], strlen(ps.p[2])));
        assert_int_equal(n, 256);
        shorter = jwt_b64url(raw, n - 1);
        bad = join3(ps.p[0], ps.p[1], shorter);
        expect_reason(bad, FSE_JWT_E_SIGNATURE);
        fse_free(bad);
        fse_free(shorter);
        fse_free(raw);
    }
    bad = join3(ps.p[0], ps.p[1], "");
    expect_reason(bad, FSE_JWT_E_SIGNATURE);
    fse_free(bad);
    ps.p[2][10] = ps.p[2][10] == 'A' ? 'B' : 'A';
    bad = join3(ps.p[0], ps.p[1], ps.p[2]);
    expect_reason(bad, FSE_JWT_E_SIGNATURE);
    fse_free(bad);
    free3(&ps);
    free3(&qs);
    fse_free(token);
    fse_free(other);
}
