/*
 * tests/gateway/gwt_test_jwt.c - attacks on the two JWTs of a publication
 * (gateway-api §3): expired, wrong audience, wrong issuer, unknown CA, alg
 * none, HS256 keyed with the public key, tampered payload, attachment hash
 * mismatch, patient mismatch, incoherent action/purpose pairs. Each is
 * refused with the Gateway's status and type and leaves an audit record
 * with outcome REFUSED; the chain verifies afterwards, and the validation
 * the attacks aimed at can still be published once by the legitimate
 * client.
 */
#include "gwt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "fse/util.h"

#define OTHER_CX GWT_USER_CF "^^^&2.16.840.1.113883.2.9.4.3.2&ISO"

/* base64url without padding of len bytes (caller frees). */
static char *b64url(const void *data, size_t len)
{
    char *out = malloc(4 * ((len + 2) / 3) + 1);
    int n;
    int i;

    assert_non_null(out);
    n = EVP_EncodeBlock((unsigned char *)out, data, (int)len);
    while (n > 0 && out[n - 1] == '=') {
        n--;
    }
    out[n] = '\0';
    for (i = 0; i < n; i++) {
        if (out[i] == '+') {
            out[i] = '-';
        } else if (out[i] == '/') {
            out[i] = '_';
        }
    }
    return out;
}

/* base64 of the signer's certificate DER (the x5c member). */
static char *cert_b64(void)
{
    FILE *f = fopen(g.signer_cert, "r");
    X509 *cert = f != NULL ? PEM_read_X509(f, NULL, NULL, NULL) : NULL;
    unsigned char *der = NULL;
    int n;
    char *out;

    assert_non_null(cert);
    fclose(f);
    n = i2d_X509(cert, &der);
    assert_true(n > 0);
    out = malloc(4 * ((size_t)n + 2) / 3 + 4);
    assert_non_null(out);
    EVP_EncodeBlock((unsigned char *)out, der, n);
    OPENSSL_free(der);
    X509_free(cert);
    return out;
}

/* The signer's public key as PEM: the "secret" of the HS256 confusion. */
static char *public_pem(size_t *len)
{
    FILE *f = fopen(g.signer_cert, "r");
    X509 *cert = f != NULL ? PEM_read_X509(f, NULL, NULL, NULL) : NULL;
    EVP_PKEY *key;
    BIO *b = BIO_new(BIO_s_mem());
    char *data = NULL;
    char *out;
    long n;

    assert_non_null(cert);
    fclose(f);
    key = X509_get_pubkey(cert);
    assert_int_equal(PEM_write_bio_PUBKEY(b, key), 1);
    n = BIO_get_mem_data(b, &data);
    out = malloc((size_t)n + 1);
    assert_non_null(out);
    memcpy(out, data, (size_t)n);
    out[n] = '\0';
    *len = (size_t)n;
    BIO_free(b);
    EVP_PKEY_free(key);
    X509_free(cert);
    return out;
}

/* header.payload.signature from raw parts. */
static char *compact(const char *header_json, const json_t *claims, const char *sig_b64)
{
    char *payload = json_dumps(claims, JSON_COMPACT);
    char *h = b64url(header_json, strlen(header_json));
    char *p = b64url(payload, strlen(payload));
    size_t n = strlen(h) + strlen(p) + strlen(sig_b64) + 3;
    char *out = fse_malloc(n);

    assert_non_null(out);
    snprintf(out, n, "%s.%s.%s", h, p, sig_b64);
    free(payload);
    free(h);
    free(p);
    return out;
}

static char *token_alg_none(const json_t *claims)
{
    return compact("{\"alg\":\"none\",\"typ\":\"JWT\"}", claims, "");
}

static char *token_hs256(const json_t *claims)
{
    char *x5c = cert_b64();
    char header[8192];
    char *payload = json_dumps(claims, JSON_COMPACT);
    char *h;
    char *p;
    char *input;
    char *mac_b64;
    char *out;
    size_t key_len = 0;
    char *key = public_pem(&key_len);
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int mac_len = 0;
    size_t n;

    snprintf(header, sizeof(header), "{\"alg\":\"HS256\",\"typ\":\"JWT\",\"x5c\":[\"%s\"]}", x5c);
    h = b64url(header, strlen(header));
    p = b64url(payload, strlen(payload));
    n = strlen(h) + strlen(p) + 2;
    input = malloc(n);
    assert_non_null(input);
    snprintf(input, n, "%s.%s", h, p);
    HMAC(EVP_sha256(), key, (int)key_len, (const unsigned char *)input, strlen(input), mac,
         &mac_len);
    mac_b64 = b64url(mac, mac_len);
    n = strlen(input) + strlen(mac_b64) + 2;
    out = fse_malloc(n);
    assert_non_null(out);
    snprintf(out, n, "%s.%s", input, mac_b64);
    free(x5c);
    free(payload);
    free(h);
    free(p);
    free(input);
    free(mac_b64);
    free(key);
    return out;
}

/* A valid token whose payload is swapped for an edited one. */
static char *token_tampered(const char *valid, const json_t *claims)
{
    const char *dot1 = strchr(valid, '.');
    const char *dot2 = strrchr(valid, '.');
    char *payload = json_dumps(claims, JSON_COMPACT);
    char *p = b64url(payload, strlen(payload));
    size_t n = strlen(valid) + strlen(p) + 1;
    char *out = fse_malloc(n);

    assert_non_null(out);
    snprintf(out, n, "%.*s.%s%s", (int)(dot1 - valid), valid, p, dot2);
    free(payload);
    free(p);
    return out;
}

typedef enum attack_target { AUTH_TOKEN, SIG_TOKEN, BOTH_TOKENS } attack_target;

typedef struct attack {
    const char *name;
    attack_target target;
    int status;
    const char *type;
} attack;

/* Build the attack's tokens into c from the standard CREATE pair. */
static void arm(gwt_call *c, const gwt_doc *d, int which)
{
    json_t *sig = gwt_claims(FSE_JWT_OP_CREATE, d, true);
    json_t *auth = gwt_claims(FSE_JWT_OP_CREATE, d, false);
    int64_t now = atomic_load(&gwt_now_ms) / 1000;
    char *tok = NULL;

    switch (which) {
    case 0: /* expired */
        json_object_set_new(sig, "iat", json_integer(now - 7200));
        json_object_set_new(sig, "exp", json_integer(now - 3600));
        tok = gwt_sign(g.signer, sig);
        break;
    case 1: /* wrong audience */
        json_object_set_new(auth, "aud",
                            json_string("https://modipa-val.fse.salute.gov.it/"
                                        "govway/rest/in/FSE/gateway/v1"));
        tok = gwt_sign(g.signer, auth);
        break;
    case 2: /* wrong issuer: not the certificate's CN */
        json_object_set_new(sig, "iss", json_string("integrity:S1#120#SOMEONEELSE"));
        tok = gwt_sign(g.signer, sig);
        break;
    case 3: /* unknown CA */
        tok = gwt_sign(g.foreign, sig);
        fse_free(c->auth);
        c->auth = gwt_sign(g.foreign, auth);
        break;
    case 4: /* alg none */
        tok = token_alg_none(sig);
        break;
    case 5: /* HS256 keyed with the public key */
        tok = token_hs256(sig);
        break;
    case 6: /* tampered payload, original signature */
        json_object_set_new(sig, "person_id", json_string(OTHER_CX));
        tok = token_tampered(c->sig, sig);
        break;
    case 7: /* attachment hash of other bytes */
        json_object_set_new(sig, "attachment_hash",
                            json_string("0000000000000000000000000000000000000000000000000000000000"
                                        "000000"));
        tok = gwt_sign(g.signer, sig);
        break;
    case 8: /* patient mismatch */
        json_object_set_new(sig, "person_id", json_string(OTHER_CX));
        tok = gwt_sign(g.signer, sig);
        break;
    case 9: /* action/purpose pair of a delete */
        json_object_set_new(sig, "action_id", json_string("DELETE"));
        json_object_set_new(sig, "purpose_of_use", json_string("UPDATE"));
        tok = gwt_sign(g.signer, sig);
        break;
    case 10: /* CREATE with purpose UPDATE */
        json_object_set_new(sig, "purpose_of_use", json_string("UPDATE"));
        tok = gwt_sign(g.signer, sig);
        break;
    default:
        break;
    }
    if (which == 1) {
        fse_free(c->auth);
        c->auth = tok;
    } else {
        fse_free(c->sig);
        c->sig = tok;
    }
    json_decref(sig);
    json_decref(auth);
}

void gwt_test_jwt_attacks(void **state)
{
    static const attack attacks[] = {
        {"expired", SIG_TOKEN, 403, "/msg/mandatory-element-token"},
        {"wrong audience", AUTH_TOKEN, 403, "/msg/mandatory-element-token"},
        {"wrong issuer", SIG_TOKEN, 403, "/msg/mandatory-element-token"},
        {"unknown CA", BOTH_TOKENS, 403, "/msg/mandatory-element-token"},
        {"alg none", SIG_TOKEN, 403, "/msg/mandatory-element-token"},
        {"HS256 with the public key", SIG_TOKEN, 403, "/msg/mandatory-element-token"},
        {"tampered payload", SIG_TOKEN, 403, "/msg/mandatory-element-token"},
        {"attachment_hash mismatch", SIG_TOKEN, 400, "/msg/document-hash"},
        {"person_id mismatch", SIG_TOKEN, 403, "/msg/jwt-validation"},
        {"action DELETE / purpose UPDATE on a create", SIG_TOKEN, 403, "/msg/jwt-validation"},
        {"action CREATE / purpose UPDATE", SIG_TOKEN, 403, "/msg/jwt-validation"},
    };
    gwt_doc d;
    gwt_call c;
    gwt_resp r;
    size_t i;
    char *wii;

    (void)state;
    gwt_doc_new(&d);
    fse_free(gwt_validate(&g.node, &d));
    for (i = 0; i < sizeof(attacks) / sizeof(attacks[0]); i++) {
        char what[128];
        char action[64];
        int outcome = -1;

        snprintf(what, sizeof(what), "attack: %s", attacks[i].name);
        gwt_prepare_publish(&c, &d, FSE_JWT_OP_CREATE, "/v1/documents", NULL);
        arm(&c, &d, (int)i);
        gwt_send(&g.node, &c, &r);
        gwt_expect(&r, attacks[i].status, attacks[i].type, what);
        if (!gwt_audit_find(&g.node, gwt_str(&r, "traceID"), &outcome, action, sizeof(action))) {
            fail_msg("%s: not audited", what);
        }
        assert_int_equal(outcome, FSE_AUDIT_REFUSED);
        assert_string_equal(action, "CREATE");
        gwt_resp_free(&r);
        gwt_call_free(&c);
    }
    gwt_audit_intact(&g.node);
    /* None of the refusals consumed the validation. */
    gwt_prepare_publish(&c, &d, FSE_JWT_OP_CREATE, "/v1/documents", NULL);
    gwt_send(&g.node, &c, &r);
    gwt_expect(&r, 202, NULL, "publication after the attacks");
    wii = fse_strdup(gwt_str(&r, "workflowInstanceId"));
    gwt_resp_free(&r);
    gwt_call_free(&c);
    assert_true(gwt_wait_event(&g.node, wii, "PUBLICATION", 1000));
    fse_free(wii);
    gwt_doc_free(&d);
}
