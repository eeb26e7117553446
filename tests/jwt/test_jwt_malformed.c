/*
 * tests/jwt/test_jwt_malformed.c - structurally hostile tokens against
 * fse_jwt_verify: x5c shapes, duplicate JSON keys and non-object parts,
 * typ and crit, encodings (size, truncation, alphabet, dots, padding,
 * non-canonical bits) and claims of the wrong JSON type.
 */
#include "jwt_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- x5c --------------------------------------------------------------- */

static void expect_x5c(const char *x5c_json, fse_jwt_reason want)
{
    size_t len = strlen(x5c_json) + 64;
    char *header = fse_malloc(len);

    assert_non_null(header);
    if (x5c_json[0] == '\0') {
        snprintf(header, len, "{\"alg\":\"RS256\",\"typ\":\"JWT\"}");
    } else {
        snprintf(header, len, "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"x5c\":%s}", x5c_json);
    }
    expect_header(header, g.signer->key, want);
    fse_free(header);
}

static char *quoted_array(const char *a, const char *b)
{
    size_t len = strlen(a) + (b != NULL ? strlen(b) : 0) + 16;
    char *out = fse_malloc(len);

    assert_non_null(out);
    if (b == NULL) {
        snprintf(out, len, "[\"%s\"]", a);
    } else {
        snprintf(out, len, "[\"%s\",\"%s\"]", a, b);
    }
    return out;
}

void test_attack_x5c(void **state)
{
    char *cert = NULL;
    char *arr;
    unsigned char *der = NULL;
    uint8_t *longer;
    char *b64;
    int der_len;
    size_t n;
    char *jwk_header;

    (void)state;
    assert_int_equal(fse_jwt__cert_b64(&cert, g.signer->cert), FSE_OK);
    arr = quoted_array(cert, NULL);
    expect_x5c(arr, FSE_JWT_OK);
    fse_free(arr);
    expect_x5c("", FSE_JWT_E_X5C);
    expect_x5c("[]", FSE_JWT_E_X5C);
    expect_x5c("null", FSE_JWT_E_X5C);
    expect_x5c("{}", FSE_JWT_E_X5C);
    expect_x5c("[123]", FSE_JWT_E_X5C);
    expect_x5c("[\"\"]", FSE_JWT_E_X5C);
    expect_x5c("[\"!!!!\"]", FSE_JWT_E_X5C);
    expect_x5c("[\"AAAA\"]", FSE_JWT_E_X5C);
    expect_x5c("[\"-----BEGIN CERTIFICATE-----\"]", FSE_JWT_E_X5C);
    /* A string instead of an array. */
    b64 = fse_malloc(strlen(cert) + 3);
    snprintf(b64, strlen(cert) + 3, "\"%s\"", cert);
    expect_x5c(b64, FSE_JWT_E_X5C);
    fse_free(b64);
    /* Unpadded, base64url alphabet, line breaks. */
    b64 = fse_strdup(cert);
    n = strlen(b64);
    while (n > 0 && b64[n - 1] == '=') {
        b64[--n] = '\0';
    }
    if (n != strlen(cert)) {
        arr = quoted_array(b64, NULL);
        expect_x5c(arr, FSE_JWT_E_X5C);
        fse_free(arr);
    }
    fse_free(b64);
    b64 = fse_strdup(cert);
    for (n = 0; b64[n] != '\0'; n++) {
        b64[n] = b64[n] == '+' ? '-' : b64[n] == '/' ? '_' : b64[n];
    }
    if (strcmp(b64, cert) != 0) {
        arr = quoted_array(b64, NULL);
        expect_x5c(arr, FSE_JWT_E_X5C);
        fse_free(arr);
    }
    fse_free(b64);
    /* DER plus a trailing byte. */
    der_len = i2d_X509(g.signer->cert, &der);
    longer = fse_malloc((size_t)der_len + 1);
    memcpy(longer, der, (size_t)der_len);
    longer[der_len] = 0;
    b64 = fse_malloc(((size_t)der_len + 3) / 3 * 4 + 1);
    fse_jwt__b64_encode(b64, longer, (size_t)der_len + 1);
    arr = quoted_array(b64, NULL);
    expect_x5c(arr, FSE_JWT_E_X5C);
    fse_free(arr);
    fse_free(b64);
    fse_free(longer);
    OPENSSL_free(der);
    /* Too many elements; a garbage intermediate. */
    {
        size_t len = 5 * (strlen(cert) + 3) + 3;
        char *five = fse_malloc(len);

        snprintf(five, len, "[\"%s\",\"%s\",\"%s\",\"%s\",\"%s\"]", cert, cert, cert, cert, cert);
        expect_x5c(five, FSE_JWT_E_X5C);
        fse_free(five);
    }
    arr = quoted_array(cert, "AAAA");
    expect_x5c(arr, FSE_JWT_E_X5C);
    fse_free(arr);
    /* A jwk / jku in the header never replaces the x5c key. */
    {
        size_t len = strlen(cert) + 160;

        jwk_header = fse_malloc(len);
        snprintf(jwk_header, len,
                 "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"jku\":\"https://evil/\",\"jwk\":{\"kty\":"
                 "\"RSA\"},\"x5c\":[\"%s\"]}",
                 cert);
        expect_header(jwk_header, g.signer2->key, FSE_JWT_E_SIGNATURE);
        expect_header(jwk_header, g.signer->key, FSE_JWT_OK);
        fse_free(jwk_header);
    }
    fse_free(cert);
}

/* ---- JSON -------------------------------------------------------------- */

static void expect_payload_text(const char *payload, fse_jwt_reason want)
{
    char *header = jwt_header_for(g.signer, "RS256");
    char *token = NULL;

    assert_int_equal(fse_jwt__sign_compact(&token, header, strlen(header), payload, strlen(payload),
                                           g.signer->key, FSE_JWT_ALG_RS256),
                     FSE_OK);
    expect_reason(token, want);
    fse_free(token);
    fse_free(header);
}

void test_attack_json(void **state)
{
    json_t *claims = jwt_claims_of(FSE_JWT_OP_CREATE, true);
    char *payload = json_dumps(claims, JSON_COMPACT);
    char *cert = NULL;
    char *header;
    char *dup;
    size_t len;

    (void)state;
    assert_int_equal(fse_jwt__cert_b64(&cert, g.signer->cert), FSE_OK);
    len = strlen(cert) + 128;
    header = fse_malloc(len);
    /* Duplicate keys in the header (signed) and in the payload (signed). */
    snprintf(header, len, "{\"alg\":\"RS256\",\"alg\":\"none\",\"typ\":\"JWT\",\"x5c\":[\"%s\"]}",
             cert);
    expect_header(header, g.signer->key, FSE_JWT_E_MALFORMED);
    snprintf(header, len, "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"x5c\":[\"%s\"],\"x5c\":[]}", cert);
    expect_header(header, g.signer->key, FSE_JWT_E_MALFORMED);
    len = strlen(payload) + 64;
    dup = fse_malloc(len);
    snprintf(dup, len, "{\"sub\":\"x\",%s", payload + 1);
    expect_payload_text(dup, FSE_JWT_E_MALFORMED);
    snprintf(dup, len, "{\"person_id\":\"x\",%s", payload + 1);
    expect_payload_text(dup, FSE_JWT_E_MALFORMED);
    fse_free(dup);
    /* Not objects, not JSON, trailing bytes, NUL, bad UTF-8. */
    expect_header("[1]", g.signer->key, FSE_JWT_E_MALFORMED);
    expect_header("null", g.signer->key, FSE_JWT_E_MALFORMED);
    expect_header("{\"alg\":\"RS256\"", g.signer->key, FSE_JWT_E_MALFORMED);
    snprintf(header, strlen(cert) + 128, "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"x5c\":[\"%s\"]}x",
             cert);
    expect_header(header, g.signer->key, FSE_JWT_E_MALFORMED);
    expect_payload_text("[1,2]", FSE_JWT_E_MALFORMED);
    expect_payload_text("not json", FSE_JWT_E_MALFORMED);
    expect_payload_text("{\"sub\":\"a\\u0000b\"}", FSE_JWT_E_MALFORMED);
    expect_payload_text("{\"sub\":\"\xff\xfe\"}", FSE_JWT_E_MALFORMED);
    /* typ and crit. */
    snprintf(header, strlen(cert) + 128, "{\"alg\":\"RS256\",\"typ\":\"JOSE\",\"x5c\":[\"%s\"]}",
             cert);
    expect_header(header, g.signer->key, FSE_JWT_E_HEADER);
    snprintf(header, strlen(cert) + 128, "{\"alg\":\"RS256\",\"x5c\":[\"%s\"]}", cert);
    expect_header(header, g.signer->key, FSE_JWT_E_HEADER);
    snprintf(header, strlen(cert) + 128,
             "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"crit\":[\"exp\"],\"x5c\":[\"%s\"]}", cert);
    expect_header(header, g.signer->key, FSE_JWT_E_HEADER);
    snprintf(header, strlen(cert) + 128, "{\"alg\":\"RS256\",\"typ\":\"jwt\",\"x5c\":[\"%s\"]}",
             cert);
    expect_header(header, g.signer->key, FSE_JWT_OK);
    fse_free(header);
    fse_free(cert);
    free(payload);
    json_decref(claims);
}

/* ---- encodings and structure ------------------------------------------- */

static void expect_bytes(const char *data, size_t len, fse_jwt_reason want)
{
    fse_jwt_claims *c = NULL;
    fse_jwt_reason got = FSE_JWT_E_COUNT;

    assert_int_not_equal(fse_jwt_verify(&c, &got, g.verifier, data, len, NOW), FSE_OK);
    assert_null(c);
    if (got != want) {
        fail_msg("expected %s, got %s (%s)", fse_jwt_reason_name(want), fse_jwt_reason_name(got),
                 fse_error_last()->message);
    }
}

/* A copy of token with the character at pos replaced. */
static void expect_char(const char *token, size_t pos, char ch, fse_jwt_reason want)
{
    size_t len = strlen(token);
    char *copy = fse_strndup(token, len);

    copy[pos] = ch;
    expect_bytes(copy, len, want);
    fse_free(copy);
}

void test_attack_encoding(void **state)
{
    fse_jwt_pair_opts o = jwt_pair_opts(FSE_JWT_OP_CREATE);
    char *token = token_with(&o, true);
    size_t len = strlen(token);
    size_t dot1 = (size_t)(strchr(token, '.') - token);
    size_t dot2 = (size_t)(strrchr(token, '.') - token);
    char *big;
    char *copy;
    fse_jwt_verifier_opts vo = FSE_JWT_VERIFIER_OPTS_INIT;
    fse_jwt_verifier *v = NULL;
    fse_jwt_claims *c = NULL;
    fse_jwt_reason reason;
    const char bad_chars[] = {'+', '/', '=', ' ', '\n', '\0', (char)0x80, '~', '*'};
    size_t i;

    (void)state;
    expect_bytes("", 0, FSE_JWT_E_MISSING);
    expect_bytes(NULL, 0, FSE_JWT_E_MISSING);
    /* Over the hard cap, and over a lowered limit. */
    big = fse_malloc(FSE_JWT_MAX_TOKEN_BYTES + 2);
    memset(big, 'A', FSE_JWT_MAX_TOKEN_BYTES + 1);
    big[FSE_JWT_MAX_TOKEN_BYTES + 1] = '\0';
    expect_bytes(big, FSE_JWT_MAX_TOKEN_BYTES + 1, FSE_JWT_E_TOO_LARGE);
    fse_free(big);
    vo.ca_files = (const char *const[]){g.ca_path};
    vo.n_ca_files = 1;
    vo.audience = AUD;
    vo.max_token_len = 512;
    assert_int_equal(fse_jwt_verifier_new(&v, &vo), FSE_OK);
    assert_int_equal(fse_jwt_verify(&c, &reason, v, token, len, NOW), FSE_E_AUTH);
    assert_int_equal(reason, FSE_JWT_E_TOO_LARGE);
    fse_jwt_verifier_free(v);

    /* Truncations: in each part, and at the dots. */
    expect_bytes(token, dot1, FSE_JWT_E_MALFORMED);
    expect_bytes(token, dot1 + 1, FSE_JWT_E_MALFORMED);
    expect_bytes(token, dot2, FSE_JWT_E_MALFORMED);
    expect_bytes(token, dot2 + 1, FSE_JWT_E_SIGNATURE);
    expect_bytes(token, 10, FSE_JWT_E_MALFORMED);
    for (i = 1; i < 4; i++) {
        fse_jwt_reason got = FSE_JWT_E_COUNT;

        assert_int_equal(fse_jwt_verify(&c, &got, g.verifier, token, len - i, NOW), FSE_E_AUTH);
        assert_true(got == FSE_JWT_E_MALFORMED || got == FSE_JWT_E_SIGNATURE);
    }
    /* Characters outside base64url in every part. */
    for (i = 0; i < sizeof(bad_chars); i++) {
        expect_char(token, 3, bad_chars[i], FSE_JWT_E_MALFORMED);
        expect_char(token, dot1 + 5, bad_chars[i], FSE_JWT_E_MALFORMED);
        expect_char(token, dot2 + 5, bad_chars[i], FSE_JWT_E_MALFORMED);
    }
    /* Extra dots, padding, a Bearer prefix. */
    copy = fse_malloc(len + 16);
    snprintf(copy, len + 16, "%s.", token);
    expect_bytes(copy, strlen(copy), FSE_JWT_E_MALFORMED);
    snprintf(copy, len + 16, "%s.AAAA", token);
    expect_bytes(copy, strlen(copy), FSE_JWT_E_MALFORMED);
    snprintf(copy, len + 16, ".%s", token);
    expect_bytes(copy, strlen(copy), FSE_JWT_E_MALFORMED);
    snprintf(copy, len + 16, "%s==", token);
    expect_bytes(copy, strlen(copy), FSE_JWT_E_MALFORMED);
    snprintf(copy, len + 16, "Bearer %s", token);
    expect_bytes(copy, strlen(copy), FSE_JWT_E_MALFORMED);
    fse_free(copy);
    expect_bytes("..", 2, FSE_JWT_E_MALFORMED);
    expect_bytes("...", 3, FSE_JWT_E_MALFORMED);
    expect_bytes("a.b.c.d", 7, FSE_JWT_E_MALFORMED);
    expect_bytes("abc", 3, FSE_JWT_E_MALFORMED);
    /* A part of length 1 mod 4 cannot be base64. */
    expect_bytes("A.AAAA.AAAA", 11, FSE_JWT_E_MALFORMED);
    /* Non-canonical trailing bits in the header. */
    if (dot1 % 4 != 0) {
        static const char alphabet[] =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        int sextet = (int)(strchr(alphabet, token[dot1 - 1]) - alphabet);

        expect_char(token, dot1 - 1, alphabet[sextet | 1], FSE_JWT_E_MALFORMED);
    }
    fse_free(token);
}

/* ---- claim types ------------------------------------------------------- */

void test_attack_claim_types(void **state)
{
    (void)state;
    expect_edit("exp", json_string("1767229200"), FSE_JWT_E_CLAIM_VALUE);
    expect_edit("exp", json_real(1767229200.5), FSE_JWT_E_CLAIM_VALUE);
    expect_edit("exp", NULL, FSE_JWT_E_MISSING_CLAIM);
    expect_edit("exp", json_null(), FSE_JWT_E_MISSING_CLAIM);
    expect_edit("iat", NULL, FSE_JWT_E_MISSING_CLAIM);
    expect_edit("nbf", json_string("0"), FSE_JWT_E_CLAIM_VALUE);
    expect_edit("jti", NULL, FSE_JWT_E_MISSING_CLAIM);
    expect_edit("jti", json_string(""), FSE_JWT_E_MISSING_CLAIM);
    expect_edit("sub", NULL, FSE_JWT_E_MISSING_CLAIM);
    expect_edit("sub", json_integer(1), FSE_JWT_E_CLAIM_VALUE);
    expect_edit("patient_consent", json_string("true"), FSE_JWT_E_CLAIM_VALUE);
    expect_edit("patient_consent", json_integer(1), FSE_JWT_E_CLAIM_VALUE);
    expect_edit("patient_consent", json_null(), FSE_JWT_OK);
    expect_edit("person_id", json_integer(7), FSE_JWT_E_CLAIM_VALUE);
    expect_edit("subject_organization_id", json_integer(120), FSE_JWT_E_CLAIM_VALUE);
    expect_edit("use_subject_as_author", json_string("yes"), FSE_JWT_E_CLAIM_VALUE);
    expect_edit("locality", json_pack("[s]", "x"), FSE_JWT_E_CLAIM_VALUE);
    expect_edit("unknown_claim", json_pack("{s:[i]}", "x", 1), FSE_JWT_OK);
}
