/*
 * tests/jwt/test_jwt.c - unit tests of lib/jwt: the test PKI, verifier
 * options, accepted token pairs for every operation, typed claims, the
 * reason -> problem table and concurrent verification. main() also
 * registers the tests of test_jwt_attacks.c, test_jwt_malformed.c,
 * test_jwt_rules.c and test_jwt_fuzz.c.
 */
#include "jwt_test.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- test PKI ---------------------------------------------------------- */

void test_pki_names(void **state)
{
    fse_jwt_cert_opts bad = {"", 2048, NOW, NOW + 10};
    fse_jwt_cert_opts odd = {"X", 1536, NOW, NOW + 10};
    fse_jwt_cert_opts empty = {"X", 2048, NOW, NOW};
    fse_jwt_cred *cred = NULL;
    fse_jwt_pair_opts o = FSE_JWT_PAIR_OPTS_INIT;
    char *auth = NULL;
    char *sig = NULL;

    (void)state;
    assert_string_equal(fse_jwt_cred_cn(g.signer), "S1#120#TESTVENDOR");
    assert_string_equal(fse_jwt_cred_cn(g.auth_cert), "A1#120#TESTVENDOR");
    assert_null(fse_jwt_cred_cn(NULL));
    assert_int_equal(fse_jwt_testca_issue(&cred, g.ca, &bad), FSE_E_ARG);
    assert_int_equal(fse_jwt_testca_issue(&cred, g.ca, &odd), FSE_E_ARG);
    assert_int_equal(fse_jwt_testca_issue(&cred, g.ca, &empty), FSE_E_ARG);
    assert_null(cred);
    /* Pair options missing what the call needs. */
    assert_int_equal(fse_jwt_pair_claims(&auth, &sig, g.signer, &o), FSE_E_ARG);
    o = jwt_pair_opts(FSE_JWT_OP_CREATE);
    o.pdf_sha256 = NULL;
    assert_int_equal(fse_jwt_make_pair(&auth, &sig, g.signer, &o), FSE_E_ARG);
    o = jwt_pair_opts(FSE_JWT_OP_VALIDATION);
    o.loinc = NULL;
    assert_int_equal(fse_jwt_make_pair(&auth, &sig, g.signer, &o), FSE_E_ARG);
    o = jwt_pair_opts(FSE_JWT_OP_CREATE);
    o.subject_organization_id = "121";
    assert_int_equal(fse_jwt_make_pair(&auth, &sig, g.signer, &o), FSE_E_ARG);
    o = jwt_pair_opts(FSE_JWT_OP_CREATE);
    o.version = 0;
    assert_int_equal(fse_jwt_make_pair(&auth, &sig, g.signer, &o), FSE_E_ARG);
    assert_null(auth);
    assert_null(sig);
    fse_jwt_cred_free(NULL);
    fse_jwt_testca_free(NULL);
    fse_jwt_verifier_free(NULL);
    fse_jwt_claims_free(NULL);
}

void test_pki_pem_round_trip(void **state)
{
    char cert_path[160];
    char key_path[160];
    fse_jwt_cred *loaded = NULL;
    fse_jwt_pair_opts o = jwt_pair_opts(FSE_JWT_OP_CREATE);
    char *auth = NULL;
    char *sig = NULL;
    char *pem = NULL;
    size_t pem_len = 0;
    fse_jwt_verifier_opts vo = FSE_JWT_VERIFIER_OPTS_INIT;
    fse_jwt_verifier *v = NULL;
    fse_jwt_claims *claims = NULL;
    fse_jwt_reason reason;

    (void)state;
    snprintf(cert_path, sizeof(cert_path), "%s/signer.pem", g.dir);
    snprintf(key_path, sizeof(key_path), "%s/signer.key", g.dir);
    assert_int_equal(fse_jwt_cred_write_pem(g.signer, cert_path, key_path), FSE_OK);
    assert_int_equal(access(key_path, R_OK), 0);
    assert_int_equal(fse_jwt_cred_load_pem(&loaded, cert_path, key_path), FSE_OK);
    assert_string_equal(fse_jwt_cred_cn(loaded), "S1#120#TESTVENDOR");
    /* A key that is not the certificate's is refused. */
    fse_jwt_cred_free(loaded);
    loaded = NULL;
    assert_int_equal(fse_jwt_cred_load_pem(&loaded, g.ca_path, key_path), FSE_E_PARSE);
    assert_int_equal(fse_jwt_cred_load_pem(&loaded, cert_path, "/nonexistent/key"), FSE_E_IO);
    assert_int_equal(fse_jwt_cred_load_pem(&loaded, cert_path, key_path), FSE_OK);

    /* Tokens signed with the reloaded key verify against the in-memory CA. */
    assert_int_equal(fse_jwt_make_pair(&auth, &sig, loaded, &o), FSE_OK);
    assert_int_equal(fse_jwt_testca_cert_pem(&pem, &pem_len, g.ca), FSE_OK);
    assert_non_null(strstr(pem, "BEGIN CERTIFICATE"));
    vo.ca_pem = pem;
    vo.ca_pem_len = pem_len;
    vo.audience = AUD;
    assert_int_equal(fse_jwt_verifier_new(&v, &vo), FSE_OK);
    assert_int_equal(fse_jwt_verify(&claims, &reason, v, sig, strlen(sig), NOW), FSE_OK);
    assert_int_equal(claims->issuer_kind, FSE_JWT_ISSUER_INTEGRITY);
    fse_jwt_claims_free(claims);
    fse_jwt_verifier_free(v);
    fse_free(pem);
    fse_free(auth);
    fse_free(sig);
    fse_jwt_cred_free(loaded);
}

void test_verifier_options(void **state)
{
    fse_jwt_verifier_opts vo = FSE_JWT_VERIFIER_OPTS_INIT;
    const char *files[2] = {NULL, NULL};
    fse_jwt_verifier *v = NULL;
    fse_jwt_claims *c = NULL;
    fse_jwt_reason reason = FSE_JWT_OK;

    (void)state;
    assert_int_equal(fse_jwt_verifier_new(NULL, &vo), FSE_E_ARG);
    assert_int_equal(fse_jwt_verifier_new(&v, NULL), FSE_E_ARG);
    /* No audience, no CA. */
    assert_int_equal(fse_jwt_verifier_new(&v, &vo), FSE_E_ARG);
    vo.audience = AUD;
    assert_int_equal(fse_jwt_verifier_new(&v, &vo), FSE_E_ARG);
    files[0] = g.ca_path;
    vo.ca_files = files;
    vo.n_ca_files = 1;
    assert_int_equal(fse_jwt_verifier_new(&v, &vo), FSE_OK);
    fse_jwt_verifier_free(v);
    v = NULL;
    /* Limits may be lowered, never raised; algorithms are RS* only. */
    vo.clock_skew = FSE_JWT_MAX_CLOCK_SKEW + 1;
    assert_int_equal(fse_jwt_verifier_new(&v, &vo), FSE_E_ARG);
    vo.clock_skew = 0;
    vo.max_token_len = FSE_JWT_MAX_TOKEN_BYTES + 1;
    assert_int_equal(fse_jwt_verifier_new(&v, &vo), FSE_E_ARG);
    vo.max_token_len = 0;
    vo.algs = 1u << 5;
    assert_int_equal(fse_jwt_verifier_new(&v, &vo), FSE_E_ARG);
    vo.algs = 0;
    vo.min_rsa_bits = 1024;
    assert_int_equal(fse_jwt_verifier_new(&v, &vo), FSE_E_ARG);
    vo.min_rsa_bits = 0;
    vo.version = 99;
    assert_int_equal(fse_jwt_verifier_new(&v, &vo), FSE_E_ARG);
    vo.version = FSE_JWT_VERIFIER_OPTS_VERSION;
    /* Unreadable file, file without a certificate. */
    files[1] = "/nonexistent/ca.pem";
    vo.n_ca_files = 2;
    assert_int_equal(fse_jwt_verifier_new(&v, &vo), FSE_E_IO);
    files[1] = FSE_TEST_DIR "/CMakeLists.txt";
    assert_int_equal(fse_jwt_verifier_new(&v, &vo), FSE_E_PARSE);
    vo.n_ca_files = 1;
    vo.ca_pem = "not a certificate";
    vo.ca_pem_len = strlen(vo.ca_pem);
    assert_int_equal(fse_jwt_verifier_new(&v, &vo), FSE_E_PARSE);
    assert_null(v);
    /* Verification arguments. */
    assert_int_equal(fse_jwt_verify(&c, &reason, NULL, "a", 1, NOW), FSE_E_ARG);
    assert_int_equal(reason, FSE_JWT_E_INTERNAL);
    assert_int_equal(fse_jwt_verify(NULL, &reason, g.verifier, "a", 1, NOW), FSE_E_ARG);
    assert_int_equal(fse_jwt_verify(&c, NULL, g.verifier, NULL, 5, NOW), FSE_E_ARG);
    assert_int_equal(fse_jwt_verify(&c, NULL, g.verifier, "a.b.c", 5, NOW), FSE_E_AUTH);
    assert_null(c);
}

/* ---- accepted tokens --------------------------------------------------- */

static void verify_pair(fse_jwt_op op)
{
    fse_jwt_pair_opts o = jwt_pair_opts(op);
    fse_jwt_claims *ca = NULL;
    fse_jwt_claims *cs = NULL;
    fse_jwt_findings f;
    char *auth = NULL;
    char *sig = NULL;

    assert_int_equal(fse_jwt_make_pair(&auth, &sig, g.signer, &o), FSE_OK);
    assert_int_equal(jwt_verify_reason(auth, &ca), FSE_JWT_OK);
    assert_int_equal(ca->issuer_kind, FSE_JWT_ISSUER_AUTH);
    if (op == FSE_JWT_OP_STATUS) {
        assert_null(sig);
    } else {
        assert_int_equal(jwt_verify_reason(sig, &cs), FSE_JWT_OK);
        assert_int_equal(cs->issuer_kind, FSE_JWT_ISSUER_INTEGRITY);
    }
    fse_jwt_findings_init(&f);
    assert_int_equal(fse_jwt_check_operation(&f, ca, cs, op), FSE_OK);
    if (f.n_items > 0) {
        fail_msg("op %d: unexpected finding %s on %s: %s", (int)op,
                 fse_jwt_reason_name(f.items[0].reason), f.items[0].claim, f.items[0].detail);
    }
    fse_jwt_findings_free(&f);
    fse_jwt_claims_free(ca);
    fse_jwt_claims_free(cs);
    fse_free(auth);
    fse_free(sig);
}

void test_valid_pairs(void **state)
{
    int op;

    (void)state;
    for (op = 0; op < FSE_JWT_OP_COUNT; op++) {
        verify_pair((fse_jwt_op)op);
    }
}

void test_valid_other_algs(void **state)
{
    json_t *claims = jwt_claims_of(FSE_JWT_OP_CREATE, true);
    char *text = json_dumps(claims, JSON_COMPACT);
    fse_jwt_claims *c = NULL;
    char *token = NULL;

    (void)state;
    assert_int_equal(fse_jwt_sign(&token, g.signer, FSE_JWT_ALG_RS384, text, strlen(text)), FSE_OK);
    assert_int_equal(jwt_verify_reason(token, &c), FSE_JWT_OK);
    assert_int_equal(c->alg, FSE_JWT_ALG_RS384);
    fse_jwt_claims_free(c);
    fse_free(token);
    assert_int_equal(fse_jwt_sign(&token, g.signer, FSE_JWT_ALG_RS512, text, strlen(text)), FSE_OK);
    assert_int_equal(jwt_verify_reason(token, &c), FSE_JWT_OK);
    assert_int_equal(c->alg, FSE_JWT_ALG_RS512);
    fse_jwt_claims_free(c);
    fse_free(token);
    /* The signer refuses anything but RS* and anything but an object. */
    assert_int_equal(fse_jwt_sign(&token, g.signer, FSE_JWT_ALG_NONE, text, strlen(text)),
                     FSE_E_ARG);
    assert_int_equal(fse_jwt_sign(&token, g.signer, FSE_JWT_ALG_RS256, "[1]", 3), FSE_E_ARG);
    assert_int_equal(fse_jwt_sign(&token, g.signer, FSE_JWT_ALG_RS256, "{\"a\":1,\"a\":2}", 13),
                     FSE_E_ARG);
    assert_null(token);
    free(text);
    json_decref(claims);
}

void test_claims_typed(void **state)
{
    json_t *claims = jwt_claims_of(FSE_JWT_OP_CREATE, true);
    fse_jwt_claims *c = NULL;
    char *token;

    (void)state;
    json_object_set_new(claims, "use_subject_as_author", json_true());
    json_object_set_new(claims, "nbf", json_integer(NOW - 100));
    json_object_set_new(claims, "vector_id", json_string("V-1"));
    token = jwt_sign_json(g.signer, claims);
    assert_int_equal(jwt_verify_reason(token, &c), FSE_JWT_OK);
    assert_int_equal(c->alg, FSE_JWT_ALG_RS256);
    assert_string_equal(c->cert_cn, "S1#120#TESTVENDOR");
    assert_int_equal(strlen(c->cert_sha256), 64);
    assert_string_equal(c->iss, "integrity:S1#120#TESTVENDOR");
    assert_string_equal(c->sub, USER_CF "^^^&2.16.840.1.113883.2.9.4.3.2&ISO");
    assert_int_equal(c->n_aud, 1);
    assert_string_equal(c->aud[0], AUD);
    assert_int_equal(c->iat, NOW - 10);
    assert_int_equal(c->exp, NOW - 10 + 3600);
    assert_true(c->has_nbf);
    assert_int_equal(c->nbf, NOW - 100);
    assert_string_equal(c->jti, "test-jti-s");
    assert_string_equal(c->subject_organization_id, "120");
    assert_string_equal(c->subject_organization, "Regione Lazio");
    assert_true(fse_cda_locality_valid(c->locality));
    assert_string_equal(c->subject_role, "AAS");
    assert_string_equal(c->person_id, PATIENT_CF "^^^&2.16.840.1.113883.2.9.4.3.2&ISO");
    assert_int_equal(c->patient_consent, FSE_JWT_BOOL_TRUE);
    assert_string_equal(c->purpose_of_use, "TREATMENT");
    assert_string_equal(c->action_id, "CREATE");
    assert_string_equal(c->resource_hl7_type, "('11502-2^^2.16.840.1.113883.6.1')");
    assert_string_equal(c->attachment_hash, PDF_HASH);
    assert_string_equal(c->subject_application_id, "FSEC");
    assert_string_equal(c->subject_application_vendor, "FSE TEST");
    assert_string_equal(c->subject_application_version, "1.0");
    assert_int_equal(c->use_subject_as_author, FSE_JWT_BOOL_TRUE);
    assert_string_equal(json_string_value(json_object_get(c->payload, "vector_id")), "V-1");
    fse_jwt_claims_free(c);
    fse_free(token);
    json_decref(claims);
}

/* ---- reasons ----------------------------------------------------------- */

void test_reason_table(void **state)
{
    int status = 0;
    const char *type = NULL;
    const char *instance = NULL;
    const char *title = NULL;
    int r;
    int q;

    (void)state;
    for (r = 0; r < FSE_JWT_E_COUNT; r++) {
        assert_true(strncmp(fse_jwt_reason_name((fse_jwt_reason)r), "JWT-", 4) == 0);
        assert_true(strlen(fse_jwt_reason_text((fse_jwt_reason)r)) > 0);
        for (q = 0; q < r; q++) {
            assert_string_not_equal(fse_jwt_reason_name((fse_jwt_reason)r),
                                    fse_jwt_reason_name((fse_jwt_reason)q));
        }
        assert_int_equal(
            fse_jwt_reason_problem(&status, &type, &instance, &title, (fse_jwt_reason)r),
            r != FSE_JWT_OK);
        assert_non_null(type);
        assert_non_null(instance);
        assert_non_null(title);
        if (r != FSE_JWT_OK && r != FSE_JWT_E_INTERNAL) {
            assert_int_equal(status, 403);
        }
    }
    assert_string_equal(fse_jwt_reason_name(FSE_JWT_E_COUNT), "");
    assert_false(fse_jwt_reason_problem(&status, &type, NULL, NULL, FSE_JWT_E_COUNT));
    assert_int_equal(status, 500);
    assert_string_equal(type, "/msg/generic-error");

    /* gateway-api §4: missing token. */
    fse_jwt_reason_problem(&status, &type, &instance, &title, FSE_JWT_E_MISSING);
    assert_int_equal(status, 403);
    assert_string_equal(type, "/msg/missing-token");
    assert_string_equal(instance, "/missing-jwt");
    assert_string_equal(title, "Token non fornito.");
    /* Token that cannot be trusted. */
    fse_jwt_reason_problem(&status, &type, &instance, &title, FSE_JWT_E_SIGNATURE);
    assert_string_equal(type, "/msg/mandatory-element-token");
    assert_string_equal(instance, "/jwt-mandatory-field-missing");
    assert_string_equal(title, "Token JWT non valido.");
    /* Claims. */
    fse_jwt_reason_problem(&status, &type, &instance, &title, FSE_JWT_E_MISSING_CLAIM);
    assert_string_equal(type, "/msg/jwt-validation");
    assert_string_equal(instance, "/jwt-mandatory-field-missing");
    assert_string_equal(title, "Campo token JWT non valido.");
    fse_jwt_reason_problem(&status, &type, &instance, &title, FSE_JWT_E_OPERATION);
    assert_string_equal(type, "/msg/jwt-validation");
    assert_string_equal(instance, "/jwt-mandatory-field-malformed");
    fse_jwt_reason_problem(&status, &type, &instance, &title, FSE_JWT_E_CLAIM_VALUE);
    assert_string_equal(instance, "/jwt-mandatory-field-malformed");
}

/* ---- threads ----------------------------------------------------------- */

typedef struct thread_job {
    const char *token;
    int accepted;
} thread_job;

static void *verify_many(void *arg)
{
    thread_job *job = arg;
    int i;

    for (i = 0; i < 40; i++) {
        fse_jwt_claims *c = NULL;
        fse_jwt_reason reason;

        if (fse_jwt_verify(&c, &reason, g.verifier, job->token, strlen(job->token), NOW) ==
            FSE_OK) {
            job->accepted++;
        }
        fse_jwt_claims_free(c);
    }
    return NULL;
}

void test_threads(void **state)
{
    fse_jwt_pair_opts o = jwt_pair_opts(FSE_JWT_OP_CREATE);
    pthread_t threads[4];
    thread_job jobs[4];
    char *auth = NULL;
    char *sig = NULL;
    int i;

    (void)state;
    assert_int_equal(fse_jwt_make_pair(&auth, &sig, g.signer, &o), FSE_OK);
    for (i = 0; i < 4; i++) {
        jobs[i].token = (i % 2 == 0) ? auth : sig;
        jobs[i].accepted = 0;
        assert_int_equal(pthread_create(&threads[i], NULL, verify_many, &jobs[i]), 0);
    }
    for (i = 0; i < 4; i++) {
        assert_int_equal(pthread_join(threads[i], NULL), 0);
        assert_int_equal(jobs[i].accepted, 40);
    }
    fse_free(auth);
    fse_free(sig);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pki_names),        cmocka_unit_test(test_pki_pem_round_trip),
        cmocka_unit_test(test_verifier_options), cmocka_unit_test(test_valid_pairs),
        cmocka_unit_test(test_valid_other_algs), cmocka_unit_test(test_claims_typed),
        cmocka_unit_test(test_reason_table),     cmocka_unit_test(test_threads),
        cmocka_unit_test(test_attack_time),      cmocka_unit_test(test_attack_audience),
        cmocka_unit_test(test_attack_issuer),    cmocka_unit_test(test_attack_certificates),
        cmocka_unit_test(test_attack_alg),       cmocka_unit_test(test_attack_tamper),
        cmocka_unit_test(test_attack_x5c),       cmocka_unit_test(test_attack_json),
        cmocka_unit_test(test_attack_encoding),  cmocka_unit_test(test_attack_claim_types),
        cmocka_unit_test(test_rules_coherence),  cmocka_unit_test(test_rules_mandatory),
        cmocka_unit_test(test_rules_values),     cmocka_unit_test(test_rules_pair),
        cmocka_unit_test(test_rules_status),     cmocka_unit_test(test_rules_document),
        cmocka_unit_test(test_alloc_faults),     cmocka_unit_test(test_fuzz_mutations),
    };

    return cmocka_run_group_tests_name("jwt", tests, jwt_fixture_setup, jwt_fixture_teardown);
}
