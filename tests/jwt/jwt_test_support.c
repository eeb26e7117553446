/*
 * tests/jwt/jwt_test_support.c - the fixture of the jwt suite: a test PKI
 * written to a temporary directory, a verifier trusting its CA, and token
 * builders (standard pairs, claims edited as JSON, hand-made headers).
 */
#include "jwt_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

jwt_fixture g;

static fse_jwt_cred *issue(const fse_jwt_testca *ca, const char *cn, unsigned bits,
                           int64_t not_before, int64_t not_after)
{
    fse_jwt_cert_opts o = {cn, bits, not_before, not_after};
    fse_jwt_cred *cred = NULL;

    assert_int_equal(fse_jwt_testca_issue(&cred, ca, &o), FSE_OK);
    return cred;
}

int jwt_fixture_setup(void **state)
{
    fse_jwt_cert_opts ca_opts = {"FSE TEST CA", 2048, NOW - 86400, NOW + 3650 * 86400LL};
    fse_jwt_cert_opts other_opts = {"FSE OTHER CA", 2048, NOW - 86400, NOW + 3650 * 86400LL};
    fse_jwt_verifier_opts vo = FSE_JWT_VERIFIER_OPTS_INIT;
    const char *files[1];
    int64_t from = NOW - 86400;
    int64_t to = NOW + 365 * 86400LL;

    (void)state;
    memset(&g, 0, sizeof(g));
    snprintf(g.dir, sizeof(g.dir), "/tmp/fse-jwt-XXXXXX");
    if (mkdtemp(g.dir) == NULL) {
        return -1;
    }
    snprintf(g.ca_path, sizeof(g.ca_path), "%s/ca.pem", g.dir);
    if (fse_jwt_testca_new(&g.ca, &ca_opts) != FSE_OK ||
        fse_jwt_testca_new(&g.other_ca, &other_opts) != FSE_OK ||
        fse_jwt_testca_write_pem(g.ca, g.ca_path) != FSE_OK) {
        return -1;
    }
    g.signer = issue(g.ca, "S1#120#TESTVENDOR", 2048, from, to);
    g.auth_cert = issue(g.ca, "A1#120#TESTVENDOR", 2048, from, to);
    g.signer2 = issue(g.ca, "S1#120#OTHERVENDOR", 2048, from, to);
    g.foreign = issue(g.other_ca, "S1#120#TESTVENDOR", 2048, from, to);
    g.self_signed = issue(NULL, "S1#120#TESTVENDOR", 2048, from, to);
    g.weak = issue(g.ca, "S1#120#TESTVENDOR", 1024, from, to);
    g.expired = issue(g.ca, "S1#120#TESTVENDOR", 2048, NOW - 10 * 86400, NOW - 86400);
    files[0] = g.ca_path;
    vo.ca_files = files;
    vo.n_ca_files = 1;
    vo.audience = AUD;
    vo.clock_skew = SKEW;
    return fse_jwt_verifier_new(&g.verifier, &vo) == FSE_OK ? 0 : -1;
}

int jwt_fixture_teardown(void **state)
{
    char path[160];

    (void)state;
    fse_jwt_verifier_free(g.verifier);
    fse_jwt_cred_free(g.signer);
    fse_jwt_cred_free(g.auth_cert);
    fse_jwt_cred_free(g.signer2);
    fse_jwt_cred_free(g.foreign);
    fse_jwt_cred_free(g.self_signed);
    fse_jwt_cred_free(g.weak);
    fse_jwt_cred_free(g.expired);
    fse_jwt_testca_free(g.ca);
    fse_jwt_testca_free(g.other_ca);
    unlink(g.ca_path);
    snprintf(path, sizeof(path), "%s/signer.pem", g.dir);
    unlink(path);
    snprintf(path, sizeof(path), "%s/signer.key", g.dir);
    unlink(path);
    rmdir(g.dir);
    return 0;
}

fse_jwt_pair_opts jwt_pair_opts(fse_jwt_op op)
{
    fse_jwt_pair_opts o = FSE_JWT_PAIR_OPTS_INIT;

    o.op = op;
    o.audience = AUD;
    o.patient_cf = PATIENT_CF;
    o.sub_cf = USER_CF;
    o.loinc = LOINC_LAB;
    o.pdf_sha256 = PDF_HASH;
    o.jti = "test-jti";
    o.iat = NOW - 10;
    o.validity = 3600;
    return o;
}

json_t *jwt_claims_of(fse_jwt_op op, bool signature_token)
{
    fse_jwt_pair_opts o = jwt_pair_opts(op);
    char *auth = NULL;
    char *sig = NULL;
    json_t *obj;

    assert_int_equal(fse_jwt_pair_claims(&auth, &sig, g.signer, &o), FSE_OK);
    obj = json_loads(signature_token ? sig : auth, JSON_REJECT_DUPLICATES, NULL);
    assert_non_null(obj);
    fse_free(auth);
    fse_free(sig);
    return obj;
}

char *jwt_sign_json(const fse_jwt_cred *cred, const json_t *claims)
{
    char *text = json_dumps(claims, JSON_COMPACT);
    char *token = NULL;

    assert_non_null(text);
    assert_int_equal(fse_jwt_sign(&token, cred, FSE_JWT_ALG_RS256, text, strlen(text)), FSE_OK);
    free(text);
    return token;
}

char *jwt_sign_raw(const char *header_json, const json_t *claims, EVP_PKEY *key, fse_jwt_alg alg)
{
    char *text = json_dumps(claims, JSON_COMPACT);
    char *token = NULL;

    assert_non_null(text);
    assert_int_equal(fse_jwt__sign_compact(&token, header_json, strlen(header_json), text,
                                           strlen(text), key, alg),
                     FSE_OK);
    free(text);
    return token;
}

char *jwt_header_for(const fse_jwt_cred *cred, const char *alg_name)
{
    char *x5c = NULL;
    char *out;
    size_t len;

    assert_int_equal(fse_jwt__cert_b64(&x5c, cred->cert), FSE_OK);
    len = strlen(x5c) + strlen(alg_name) + 64;
    out = fse_malloc(len);
    assert_non_null(out);
    snprintf(out, len, "{\"alg\":\"%s\",\"typ\":\"JWT\",\"x5c\":[\"%s\"]}", alg_name, x5c);
    fse_free(x5c);
    return out;
}

char *jwt_b64url(const void *data, size_t len)
{
    char *out = fse_malloc(fse_jwt__b64url_len(len) + 1);

    assert_non_null(out);
    fse_jwt__b64url_encode(out, data, len);
    return out;
}

fse_jwt_reason jwt_verify_reason(const char *token, fse_jwt_claims **claims_out)
{
    fse_jwt_claims *claims = NULL;
    fse_jwt_reason reason = FSE_JWT_E_COUNT;
    fse_err rc =
        fse_jwt_verify(&claims, &reason, g.verifier, token, token != NULL ? strlen(token) : 0, NOW);

    if (rc == FSE_OK) {
        assert_int_equal(reason, FSE_JWT_OK);
        assert_non_null(claims);
    } else {
        assert_int_equal(rc, reason == FSE_JWT_E_INTERNAL ? rc : FSE_E_AUTH);
        assert_null(claims);
        assert_string_equal(fse_error_last()->module, "jwt");
    }
    if (claims_out != NULL) {
        *claims_out = claims;
    } else {
        fse_jwt_claims_free(claims);
    }
    return reason;
}

void expect_reason(const char *token, fse_jwt_reason want)
{
    fse_jwt_reason got = jwt_verify_reason(token, NULL);

    if (got != want) {
        fail_msg("expected %s, got %s (%s)", fse_jwt_reason_name(want), fse_jwt_reason_name(got),
                 fse_error_last()->message);
    }
}

/* The standard token of op (Bearer or FSE-JWT-Signature) with opts. */
char *token_with(const fse_jwt_pair_opts *o, bool signature_token)
{
    char *auth = NULL;
    char *sig = NULL;

    assert_int_equal(fse_jwt_make_pair(&auth, &sig, g.signer, o), FSE_OK);
    if (signature_token) {
        fse_free(auth);
        return sig;
    }
    fse_free(sig);
    return auth;
}

/* Default signature-token claims with one member replaced (value NULL:
 * removed), signed by cred. */
char *edited(const fse_jwt_cred *cred, const char *key, json_t *value)
{
    json_t *claims = jwt_claims_of(FSE_JWT_OP_CREATE, true);
    char *token;

    if (value == NULL) {
        json_object_del(claims, key);
    } else {
        json_object_set_new(claims, key, value);
    }
    token = jwt_sign_json(cred, claims);
    json_decref(claims);
    return token;
}

void expect_edit(const char *key, json_t *value, fse_jwt_reason want)
{
    char *token = edited(g.signer, key, value);

    expect_reason(token, want);
    fse_free(token);
}

/* A token from a header text and the default claims, signed with key. */
void expect_header(const char *header, EVP_PKEY *key, fse_jwt_reason want)
{
    json_t *claims = jwt_claims_of(FSE_JWT_OP_CREATE, true);
    char *token = jwt_sign_raw(header, claims, key, FSE_JWT_ALG_RS256);

    expect_reason(token, want);
    fse_free(token);
    json_decref(claims);
}

/* header "." payload "." signature from texts, signature as raw bytes. */
char *assemble(const char *header, const char *payload, const uint8_t *sig, size_t sig_len)
{
    char *h = jwt_b64url(header, strlen(header));
    char *p = jwt_b64url(payload, strlen(payload));
    char *s = jwt_b64url(sig, sig_len);
    size_t len = strlen(h) + strlen(p) + strlen(s) + 3;
    char *out = fse_malloc(len);

    assert_non_null(out);
    snprintf(out, len, "%s.%s.%s", h, p, s);
    fse_free(h);
    fse_free(p);
    fse_free(s);
    return out;
}
