/*
 * tests/jwt/jwt_test.h - shared fixture and helpers of the jwt test suite.
 *
 * Owns the test PKI built once per run (the global `g`), the token
 * builders the test files share, and the list of test functions that
 * test_jwt.c registers. The module under test is include/fse/jwt.h.
 */
#ifndef FSE_JWT_TEST_H
#define FSE_JWT_TEST_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>

#include "fse/jwt.h"
#include "fse/util.h"
#include "jwt/jwt_int.h"

/* The Gateway audience of §3 (validation environment). */
#define AUD "https://modipa-val.fse.salute.gov.it/govway/rest/in/FSE/gateway/v1"
/* A fixed clock: 2026-01-01T00:00:00Z. */
#define NOW ((int64_t)1767225600)
#define SKEW 60u
#define PATIENT_CF "RSSMRA85T10A562S"
#define USER_CF "MRTMTT91D08F205J"
#define LOINC_LAB "11502-2"
#define PDF_HASH "0f343b0931126a20f133d67c2b018a3b5b2e2e5f5d1e6c1c5c8a1e1d2c3b4a59"

/* Everything built once: CAs, credentials, verifier, temp directory. */
typedef struct jwt_fixture {
    char dir[64]; /* temp directory with the PEM files */
    char ca_path[128];
    fse_jwt_testca *ca;        /* the trusted test CA */
    fse_jwt_testca *other_ca;  /* a CA the verifier does not trust */
    fse_jwt_cred *signer;      /* S1#120#TESTVENDOR from ca */
    fse_jwt_cred *auth_cert;   /* A1#120#TESTVENDOR from ca (mTLS side) */
    fse_jwt_cred *signer2;     /* S1#120#OTHERVENDOR from ca */
    fse_jwt_cred *foreign;     /* S1#120#TESTVENDOR from other_ca */
    fse_jwt_cred *self_signed; /* S1#120#TESTVENDOR, self-signed */
    fse_jwt_cred *weak;        /* S1#120#TESTVENDOR, RSA 1024, from ca */
    fse_jwt_cred *expired;     /* S1#120#TESTVENDOR from ca, validity over */
    fse_jwt_verifier *verifier;
} jwt_fixture;

extern jwt_fixture g;

int jwt_fixture_setup(void **state);
int jwt_fixture_teardown(void **state);

/* Default pair options for op at NOW. */
fse_jwt_pair_opts jwt_pair_opts(fse_jwt_op op);
/* The claims JSON of one token of the default pair, parsed (caller decrefs). */
json_t *jwt_claims_of(fse_jwt_op op, bool signature_token);
/* Sign a claims object with cred under RS256 (caller frees with fse_free). */
char *jwt_sign_json(const fse_jwt_cred *cred, const json_t *claims);
/* Compact JWS from a header JSON text and a claims object, signed by key. */
char *jwt_sign_raw(const char *header_json, const json_t *claims, EVP_PKEY *key, fse_jwt_alg alg);
/* The standard header JSON text for cred with this alg name. */
char *jwt_header_for(const fse_jwt_cred *cred, const char *alg_name);
/* base64url of a text (caller frees). */
char *jwt_b64url(const void *data, size_t len);

/* Verify with g.verifier at NOW; returns the reason, *claims_out if given. */
fse_jwt_reason jwt_verify_reason(const char *token, fse_jwt_claims **claims_out);

/* Fail unless verifying token gives want. */
void expect_reason(const char *token, fse_jwt_reason want);
/* The standard Bearer or FSE-JWT-Signature token for opts. */
char *token_with(const fse_jwt_pair_opts *o, bool signature_token);
/* Default CREATE signature claims with key set (value NULL: removed),
 * signed by cred. */
char *edited(const fse_jwt_cred *cred, const char *key, json_t *value);
/* edited() by the trusted signer must verify to want. */
void expect_edit(const char *key, json_t *value, fse_jwt_reason want);
/* A header text over the default claims, signed with key, verifies to want. */
void expect_header(const char *header, EVP_PKEY *key, fse_jwt_reason want);
/* header.payload.signature from two texts and raw signature bytes. */
char *assemble(const char *header, const char *payload, const uint8_t *sig, size_t sig_len);

/* Test functions, registered in test_jwt.c. */
void test_pki_names(void **state);
void test_pki_pem_round_trip(void **state);
void test_verifier_options(void **state);
void test_valid_pairs(void **state);
void test_valid_other_algs(void **state);
void test_claims_typed(void **state);
void test_reason_table(void **state);
void test_threads(void **state);

void test_attack_time(void **state);
void test_attack_audience(void **state);
void test_attack_issuer(void **state);
void test_attack_certificates(void **state);
void test_attack_alg(void **state);
void test_attack_tamper(void **state);
void test_attack_x5c(void **state);
void test_attack_json(void **state);
void test_attack_encoding(void **state);
void test_attack_claim_types(void **state);
void test_alloc_faults(void **state);
void test_fuzz_mutations(void **state);

void test_rules_coherence(void **state);
void test_rules_mandatory(void **state);
void test_rules_values(void **state);
void test_rules_pair(void **state);
void test_rules_status(void **state);
void test_rules_document(void **state);

#endif /* FSE_JWT_TEST_H */
