/*
 * lib/jwt/jwt_int.h - internal header of the jwt module.
 *
 * Owns the module's limits (each with its reason), the base64 codecs, the
 * algorithm table, the credential struct shared by the test PKI and the
 * signer, and the low-level compact-JWS signer that tests use to build
 * hostile tokens. The public API is in include/fse/jwt.h; no other module
 * includes this header.
 */
#ifndef FSE_JWT_INT_H
#define FSE_JWT_INT_H

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "fse/jwt.h"
#include "fse/util.h"

/* Module name for fse_error_set. */
#define FSE_JWT_MODULE "jwt"

/* Hard cap on one compact token. A Gateway token carries one x5c
 * certificate (about 1.8 KB of base64 for RSA 2048, 3 KB for 4096) plus
 * under 1 KB of claims; 16 KiB leaves room for an intermediate and bounds
 * every decode buffer and the JSON parse of untrusted input. */
#define FSE_JWT_MAX_TOKEN_BYTES (16u * 1024u)

/* Largest clock skew a verifier accepts, in seconds: tokens live for hours,
 * a skew past five minutes would only widen the replay window. */
#define FSE_JWT_MAX_CLOCK_SKEW 300u

/* Smallest RSA modulus accepted (the Gateway's CSRs are RSA 2048, §3). */
#define FSE_JWT_MIN_RSA_BITS 2048u

/* Largest RSA modulus accepted: verification cost grows with the square of
 * the modulus; no accredited certificate is above 4096 bits. */
#define FSE_JWT_MAX_RSA_BITS 8192u

/* Most x5c elements read (leaf plus untrusted intermediates). */
#define FSE_JWT_MAX_X5C 4u

/* Most audiences in an aud array. */
#define FSE_JWT_MAX_AUD 16u

/* Most CA files of a verifier, and the largest one read: a trust bundle of
 * a few hundred certificates is under 1 MiB. */
#define FSE_JWT_MAX_CA_FILES 64u
#define FSE_JWT_MAX_CA_FILE_BYTES (1024u * 1024u)

/* Largest claim JSON the signer builds (the tokens must stay under the
 * verifier's cap once encoded). */
#define FSE_JWT_MAX_CLAIMS_BYTES (8u * 1024u)

/* Longest detail message of one finding. */
#define FSE_JWT_DETAIL_MAX 256

/* A private key with its certificate. */
struct fse_jwt_cred {
    EVP_PKEY *key;
    X509 *cert;
    char *cn; /* subject CN, owned */
};

/* A test CA: its key and self-signed certificate. */
struct fse_jwt_testca {
    struct fse_jwt_cred cred;
};

/* Digest of an RS* algorithm, or NULL for anything else. */
const EVP_MD *fse_jwt__alg_md(fse_jwt_alg alg);
/* Algorithm named exactly name (name_len bytes), or FSE_JWT_ALG_NONE. */
fse_jwt_alg fse_jwt__alg_parse(const char *name, size_t name_len);

/* Characters of the base64url form (no padding) of n bytes. */
size_t fse_jwt__b64url_len(size_t n);
/* Encode n bytes as base64url without padding into out (room for
 * fse_jwt__b64url_len(n) + 1 bytes, NUL-terminated). */
void fse_jwt__b64url_encode(char *out, const uint8_t *data, size_t n);
/*
 * Strict base64url decode: alphabet [A-Za-z0-9_-] only, no padding, no
 * length of 1 mod 4, unused trailing bits zero. out must hold len*3/4 + 1
 * bytes. Returns false on any deviation.
 */
bool fse_jwt__b64url_decode(uint8_t *out, size_t *out_len, const char *in, size_t len);
/* Strict standard base64 (with '=' padding to a multiple of 4, trailing
 * bits zero), as RFC 7515 x5c uses. out must hold len*3/4 + 1 bytes. */
bool fse_jwt__b64_decode(uint8_t *out, size_t *out_len, const char *in, size_t len);
/* Standard base64 with padding of n bytes into out (4*((n+2)/3) + 1). */
void fse_jwt__b64_encode(char *out, const uint8_t *data, size_t n);

/* CN of a certificate's subject as UTF-8 (caller frees with fse_free): NULL
 * when there is not exactly one CN, it holds a NUL, or on allocation
 * failure (*nomem_out tells which). */
char *fse_jwt__cert_cn(const X509 *cert, bool *nomem_out);

/*
 * Sign header_json "." payload_json (both JSON texts, used as given) with
 * key under alg into a compact JWS (*out caller-owned, fse_free). The
 * building block of fse_jwt_sign; tests call it to craft hostile headers.
 * Returns FSE_OK, FSE_E_ARG, FSE_E_LIMIT, FSE_E_NOMEM or FSE_E_CRYPTO.
 */
fse_err fse_jwt__sign_compact(char **out, const char *header_json, size_t header_len,
                              const char *payload_json, size_t payload_len, EVP_PKEY *key,
                              fse_jwt_alg alg);

/*
 * Fill c's typed fields from a verified payload object (c->payload is set by
 * the caller and stays owned by c). A known claim of the wrong JSON type, or
 * a mandatory registered claim (iss, sub, aud, exp, iat, jti) absent, gives
 * FSE_E_AUTH with *reason_out CLAIM_VALUE or MISSING_CLAIM; FSE_E_NOMEM.
 */
fse_err fse_jwt__claims_fill(fse_jwt_claims *c, fse_jwt_reason *reason_out);

/* The action_id and purpose_of_use a well-formed token carries for op (the
 * first allowed pair of the coherence table), or NULL for STATUS. */
const char *fse_jwt__op_action(fse_jwt_op op);
const char *fse_jwt__op_purpose(fse_jwt_op op);
/* Whether op requires resource_hl7_type / attachment_hash (§3). */
bool fse_jwt__op_needs_hl7_type(fse_jwt_op op);
bool fse_jwt__op_needs_hash(fse_jwt_op op);

/* Standard base64 of the certificate's DER (*out caller-owned, fse_free). */
fse_err fse_jwt__cert_b64(char **out, const X509 *cert);

#endif /* FSE_JWT_INT_H */
