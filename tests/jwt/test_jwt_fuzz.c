/*
 * tests/jwt/test_jwt_fuzz.c - robustness of the jwt module: an
 * allocation-fault loop over signing, verification, the operation rules
 * and verifier set-up, and a fixed-seed loop of random mutations of a valid
 * token (byte edits and signed claims of random JSON types).
 */
#include "jwt_test.h"

#include <string.h>

/* ---- allocation faults ------------------------------------------------- */

void test_alloc_faults(void **state)
{
    fse_jwt_pair_opts o = jwt_pair_opts(FSE_JWT_OP_CREATE);
    fse_jwt_verifier_opts vo = FSE_JWT_VERIFIER_OPTS_INIT;
    char *auth = NULL;
    char *sig = NULL;
    unsigned long n;
    fse_err rc = FSE_E_NOMEM;

    (void)state;
    /* Pair building and signing. */
    for (n = 1; rc != FSE_OK; n++) {
        fse_alloc_fail_at(n);
        rc = fse_jwt_make_pair(&auth, &sig, g.signer, &o);
        fse_alloc_fail_at(0);
        assert_true(rc == FSE_OK || rc == FSE_E_NOMEM);
        assert_true(n < 1000);
    }
    assert_true(n > 10);
    /* Verification of both tokens and the operation rules. */
    rc = FSE_E_NOMEM;
    for (n = 1; rc != FSE_OK; n++) {
        fse_jwt_claims *ca = NULL;
        fse_jwt_claims *cs = NULL;
        fse_jwt_reason ra = FSE_JWT_E_COUNT;
        fse_jwt_reason rs = FSE_JWT_E_COUNT;
        fse_jwt_findings f;

        fse_jwt_findings_init(&f);
        fse_alloc_fail_at(n);
        rc = fse_jwt_verify(&ca, &ra, g.verifier, auth, strlen(auth), NOW);
        if (rc == FSE_OK) {
            rc = fse_jwt_verify(&cs, &rs, g.verifier, sig, strlen(sig), NOW);
        }
        if (rc == FSE_OK) {
            rc = fse_jwt_check_operation(&f, ca, cs, FSE_JWT_OP_DELETE);
        }
        fse_alloc_fail_at(0);
        if (rc != FSE_OK) {
            assert_int_equal(rc, FSE_E_NOMEM);
            assert_true(ra == FSE_JWT_E_INTERNAL || rs == FSE_JWT_E_INTERNAL || ca != NULL);
        } else {
            /* A CREATE pair checked as DELETE: findings were allocated. */
            assert_true(f.n_items > 0);
        }
        fse_jwt_findings_free(&f);
        fse_jwt_claims_free(ca);
        fse_jwt_claims_free(cs);
        assert_true(n < 1000);
    }
    assert_true(n > 30);
    /* Verifier set-up. */
    vo.ca_files = (const char *const[]){g.ca_path};
    vo.n_ca_files = 1;
    vo.audience = AUD;
    rc = FSE_E_NOMEM;
    for (n = 1; rc != FSE_OK; n++) {
        fse_jwt_verifier *v = NULL;

        fse_alloc_fail_at(n);
        rc = fse_jwt_verifier_new(&v, &vo);
        fse_alloc_fail_at(0);
        assert_true(rc == FSE_OK || rc == FSE_E_NOMEM);
        assert_true((rc == FSE_OK) == (v != NULL));
        fse_jwt_verifier_free(v);
        assert_true(n < 1000);
    }
    assert_true(n > 2);
    fse_free(auth);
    fse_free(sig);
}

/* ---- mutation loop ----------------------------------------------------- */

/* xorshift64*: a fixed-seed generator, so failures replay. */
static uint64_t rng_state = 0x5eedf5e2026ull;

static uint64_t rng(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1Dull;
}

static size_t rng_below(size_t n)
{
    return n == 0 ? 0 : (size_t)(rng() % n);
}

/* One random edit of buf (len bytes, room for cap) in place. */
static size_t mutate(char *buf, size_t len, size_t cap)
{
    static const char pool[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ \x00\xff";
    size_t pos = rng_below(len);
    size_t n = 1 + rng_below(8);

    switch (rng_below(5)) {
    case 0: /* replace one byte */
        buf[pos] = pool[rng_below(sizeof(pool) - 1)];
        return len;
    case 1: /* delete a run */
        if (pos + n > len) {
            n = len - pos;
        }
        memmove(buf + pos, buf + pos + n, len - pos - n);
        return len - n;
    case 2: /* duplicate a run */
        if (pos + n > len) {
            n = len - pos;
        }
        if (len + n > cap) {
            return len;
        }
        memmove(buf + pos + n, buf + pos, len - pos);
        return len + n;
    case 3: /* insert one byte */
        if (len + 1 > cap) {
            return len;
        }
        memmove(buf + pos + 1, buf + pos, len - pos);
        buf[pos] = pool[rng_below(sizeof(pool) - 1)];
        return len + 1;
    default: /* swap two bytes */
    {
        size_t other = rng_below(len);
        char t = buf[pos];

        buf[pos] = buf[other];
        buf[other] = t;
        return len;
    }
    }
}

/* A signed token whose claims got one random JSON value. */
static void structured_round(void)
{
    static const char *const keys[] = {"iss",
                                       "sub",
                                       "aud",
                                       "exp",
                                       "iat",
                                       "nbf",
                                       "jti",
                                       "person_id",
                                       "action_id",
                                       "purpose_of_use",
                                       "locality",
                                       "patient_consent",
                                       "subject_organization_id"};
    json_t *claims = jwt_claims_of(FSE_JWT_OP_CREATE, true);
    json_t *auth_claims = jwt_claims_of(FSE_JWT_OP_CREATE, false);
    const char *key = keys[rng_below(sizeof(keys) / sizeof(keys[0]))];
    json_t *value;
    fse_jwt_claims *ca = NULL;
    fse_jwt_claims *cs = NULL;
    fse_jwt_findings f;
    char *token;
    char *auth;

    switch (rng_below(7)) {
    case 0:
        value = json_null();
        break;
    case 1:
        value = json_integer((json_int_t)(rng() >> 1) - (json_int_t)(rng() >> 1));
        break;
    case 2:
        value = json_string("^^^^^&&ISO^^^^");
        break;
    case 3:
        value = json_pack("[s,i]", AUD, 3);
        break;
    case 4:
        value = json_true();
        break;
    case 5:
        value = json_object();
        break;
    default:
        value = NULL;
        break;
    }
    if (value == NULL) {
        json_object_del(claims, key);
    } else {
        json_object_set_new(claims, key, value);
    }
    token = jwt_sign_json(g.signer, claims);
    auth = jwt_sign_json(g.signer, auth_claims);
    fse_jwt_findings_init(&f);
    if (jwt_verify_reason(token, &cs) == FSE_JWT_OK && jwt_verify_reason(auth, &ca) == FSE_JWT_OK) {
        assert_int_equal(fse_jwt_check_operation(&f, ca, cs, (fse_jwt_op)rng_below(7)), FSE_OK);
    }
    fse_jwt_findings_free(&f);
    fse_jwt_claims_free(ca);
    fse_jwt_claims_free(cs);
    fse_free(token);
    fse_free(auth);
    json_decref(claims);
    json_decref(auth_claims);
}

void test_fuzz_mutations(void **state)
{
    fse_jwt_pair_opts o = jwt_pair_opts(FSE_JWT_OP_CREATE);
    char *token = token_with(&o, true);
    size_t len = strlen(token);
    size_t cap = len + 256;
    char *buf = fse_malloc(cap);
    int round;
    int edit;

    (void)state;
    for (round = 0; round < 3000; round++) {
        size_t n = len;
        fse_jwt_claims *c = NULL;
        fse_jwt_reason reason = FSE_JWT_E_COUNT;
        fse_err rc;

        memcpy(buf, token, len);
        for (edit = 0; edit < 1 + (int)rng_below(4); edit++) {
            n = mutate(buf, n, cap);
        }
        rc = fse_jwt_verify(&c, &reason, g.verifier, buf, n, NOW);
        if (n != len || memcmp(buf, token, len) != 0) {
            if (rc == FSE_OK) {
                fail_msg("round %d: a mutated token was accepted", round);
            }
            assert_int_equal(rc, FSE_E_AUTH);
            assert_true(reason > FSE_JWT_OK && reason < FSE_JWT_E_INTERNAL);
        }
        fse_jwt_claims_free(c);
    }
    for (round = 0; round < 200; round++) {
        structured_round();
    }
    fse_free(buf);
    fse_free(token);
}
