/*
 * include/fse/jwt.h - the two JWTs of the National Gateway (gateway-api §3):
 * verification of a compact JWS against a trust store, the claims model,
 * the per-operation claim rules, the mapping of failures to the Gateway's
 * problem types (§4), and a test PKI with a token signer.
 *
 * Owns: strict compact-JWS parsing (base64url, JSON without duplicate keys),
 * the algorithm allow-list (RS256/RS384/RS512 only), the x5c certificate
 * chain check, RSA signature verification, the time, audience and issuer
 * checks, the typed claims of both tokens, the coherence table action_id x
 * purpose_of_use per operation, the claim enums (subject_role,
 * purpose_of_use, action_id) and the subject_organization region table, the
 * reason -> problem table, and the fse_jwt_testca_* / fse_jwt_sign helpers
 * used by tests and by the tool.
 * Does not own: the checks that need the document (person_id against the CDA,
 * resource_hl7_type against ClinicalDocument/code, attachment_hash against
 * the uploaded bytes, the locality pattern): those are in fse/cda.h and
 * fse_jwt_check_document only calls them. Reading HTTP headers, choosing the
 * HTTP status of an fse_err, and writing problem+json belong to lib/http.
 *
 * Threading: a verifier is immutable after fse_jwt_verifier_new and may be
 * shared by any number of threads; fse_jwt_verify does no I/O and reads no
 * clock (the caller passes the time). Claims, findings, test CAs and
 * credentials belong to one thread.
 */
#ifndef FSE_JWT_H
#define FSE_JWT_H

#include <jansson.h>

#include "fse/common.h"
#include "fse/error.h"
#include "fse/cda.h"

/* ------------------------------------------------------------------------ */
/* Algorithms and reasons                                                   */
/* ------------------------------------------------------------------------ */

/* Signature algorithms, as bits of an allow-list. Only RSASSA-PKCS1-v1_5:
 * `none`, HS* and every algorithm taking a key from the token are refused
 * (deps.md, JWT row: algorithm confusion). */
typedef enum fse_jwt_alg {
    FSE_JWT_ALG_NONE = 0, /* no algorithm: never accepted, never produced */
    FSE_JWT_ALG_RS256 = 1u << 0,
    FSE_JWT_ALG_RS384 = 1u << 1,
    FSE_JWT_ALG_RS512 = 1u << 2
} fse_jwt_alg;

/* The default allow-list: every RS* algorithm of gateway-api §3. */
#define FSE_JWT_ALGS_DEFAULT (FSE_JWT_ALG_RS256 | FSE_JWT_ALG_RS384 | FSE_JWT_ALG_RS512)

/* Header name of an algorithm ("RS256"), or "" for anything else. */
FSE_API const char *fse_jwt_alg_name(fse_jwt_alg alg);

/*
 * Why a token or a pair of tokens was refused. Stable: never renumbered, a
 * retired value stays reserved. fse_jwt_reason_problem maps each one to the
 * Gateway's answer.
 */
typedef enum fse_jwt_reason {
    FSE_JWT_OK = 0,
    FSE_JWT_E_MISSING = 1,        /* no token at all (empty header) */
    FSE_JWT_E_TOO_LARGE = 2,      /* longer than the verifier's maximum */
    FSE_JWT_E_MALFORMED = 3,      /* not three strict base64url parts of JSON objects */
    FSE_JWT_E_HEADER = 4,         /* typ is not JWT, or a crit header is present */
    FSE_JWT_E_ALG = 5,            /* alg absent or not in the allow-list */
    FSE_JWT_E_X5C = 6,            /* x5c absent, not an array, empty, not base64 DER */
    FSE_JWT_E_CERT_CHAIN = 7,     /* certificate not trusted at the given time */
    FSE_JWT_E_KEY = 8,            /* key not RSA, shorter than 2048 bits or too long */
    FSE_JWT_E_SIGNATURE = 9,      /* signature does not verify with the x5c key */
    FSE_JWT_E_EXPIRED = 10,       /* now >= exp + skew */
    FSE_JWT_E_NOT_YET_VALID = 11, /* iat or nbf later than now + skew */
    FSE_JWT_E_AUDIENCE = 12,      /* aud does not hold the expected audience */
    FSE_JWT_E_ISSUER = 13,        /* iss is not auth:CN / integrity:CN of the certificate,
                                     or the wrong one of the two for its header */
    FSE_JWT_E_MISSING_CLAIM = 14, /* a mandatory claim is absent, null or empty */
    FSE_JWT_E_CLAIM_VALUE = 15,   /* a claim has the wrong JSON type or a refused value */
    FSE_JWT_E_OPERATION = 16,     /* action_id or purpose_of_use not coherent with the call */
    FSE_JWT_E_SUBJECT = 17,       /* the two tokens differ in certificate or sub */
    FSE_JWT_E_INTERNAL = 18,      /* out of memory or a library failure, not the token */
    FSE_JWT_E_COUNT               /* number of values, not a reason */
} fse_jwt_reason;

/* Stable id of a reason ("JWT-EXPIRED"); "" out of range. Never NULL. */
FSE_API const char *fse_jwt_reason_name(fse_jwt_reason reason);
/* Static English text of a reason; never NULL. */
FSE_API const char *fse_jwt_reason_text(fse_jwt_reason reason);

/*
 * The Gateway's answer to a refused token (gateway-api §4, DISP
 * RestExecutionResultEnum / ErrorInstanceEnum): HTTP status, problem type,
 * instance and Italian title, all static strings. Every out pointer may be
 * NULL. FSE_JWT_OK and out-of-range values give the generic 500 row.
 * Returns false for those, true for a known refusal.
 */
FSE_API bool fse_jwt_reason_problem(int *status_out, const char **type_out,
                                    const char **instance_out, const char **title_out,
                                    fse_jwt_reason reason);

/* ------------------------------------------------------------------------ */
/* Verifier                                                                 */
/* ------------------------------------------------------------------------ */

#define FSE_JWT_VERIFIER_OPTS_VERSION 1

/* Trust options. Strings are read during fse_jwt_verifier_new only. */
typedef struct fse_jwt_verifier_opts {
    unsigned version;            /* FSE_JWT_VERIFIER_OPTS_VERSION */
    const char *const *ca_files; /* PEM files, each with one or more CA certificates */
    size_t n_ca_files;
    const char *ca_pem; /* optional in-memory PEM CA certificates */
    size_t ca_pem_len;
    const char *audience;  /* required: the exact aud expected */
    unsigned clock_skew;   /* seconds tolerated on exp/iat/nbf; capped */
    unsigned algs;         /* fse_jwt_alg bits; 0 = FSE_JWT_ALGS_DEFAULT */
    size_t max_token_len;  /* 0 = the hard cap (16 KiB); never above it */
    unsigned min_rsa_bits; /* 0 = 2048; lower values are refused */
} fse_jwt_verifier_opts;

#define FSE_JWT_VERIFIER_OPTS_INIT                                                                 \
    {                                                                                              \
        FSE_JWT_VERIFIER_OPTS_VERSION, NULL, 0, NULL, 0, NULL, 60, 0, 0, 0                         \
    }

typedef struct fse_jwt_verifier fse_jwt_verifier; /* opaque, shareable */

/*
 * Build a verifier: load every CA certificate into a trust store (at least
 * one is required) and fix the audience, skew, algorithms and limits.
 * *out is caller-owned (fse_jwt_verifier_free).
 * Returns FSE_OK, FSE_E_ARG (bad option, no CA), FSE_E_IO (unreadable file),
 * FSE_E_PARSE (a file without a PEM certificate), FSE_E_LIMIT, FSE_E_NOMEM
 * or FSE_E_CRYPTO.
 */
FSE_API fse_err fse_jwt_verifier_new(fse_jwt_verifier **out, const fse_jwt_verifier_opts *opts);
/* Free a verifier. NULL: no-op. */
FSE_API void fse_jwt_verifier_free(fse_jwt_verifier *v);

/* Which issuer prefix iss carried (gateway-api §3). */
typedef enum fse_jwt_issuer_kind {
    FSE_JWT_ISSUER_NONE = 0,
    FSE_JWT_ISSUER_AUTH,     /* "auth:" + CN: the Authorization Bearer token */
    FSE_JWT_ISSUER_INTEGRITY /* "integrity:" + CN: the FSE-JWT-Signature token */
} fse_jwt_issuer_kind;

/* A boolean claim that may be absent. */
typedef enum fse_jwt_bool {
    FSE_JWT_BOOL_ABSENT = 0,
    FSE_JWT_BOOL_FALSE,
    FSE_JWT_BOOL_TRUE
} fse_jwt_bool;

/*
 * The claims of a verified token. Every string is owned by the struct
 * (NULL when the claim is absent or JSON null). The custom claims are those
 * of the FSE-JWT-Signature token (§3); the Bearer token leaves them NULL.
 */
typedef struct fse_jwt_claims {
    /* header and certificate */
    fse_jwt_alg alg;
    char *cert_cn;        /* CN of the x5c signing certificate */
    char cert_sha256[65]; /* lowercase hex SHA-256 of its DER */
    fse_jwt_issuer_kind issuer_kind;
    /* registered claims */
    char *iss;
    char *sub;  /* CX: CF^^^&2.16.840.1.113883.2.9.4.3.2&ISO */
    char **aud; /* every audience, string or array form */
    size_t n_aud;
    int64_t exp;
    int64_t iat;
    bool has_nbf;
    int64_t nbf;
    char *jti;
    /* FSE-JWT-Signature claims */
    char *subject_organization_id;
    char *subject_organization;
    char *locality;
    char *subject_role;
    char *person_id;
    fse_jwt_bool patient_consent;
    char *purpose_of_use;
    char *action_id;
    char *resource_hl7_type;
    char *attachment_hash;
    char *subject_application_id;
    char *subject_application_vendor;
    char *subject_application_version;
    fse_jwt_bool use_subject_as_author;
    /* The whole payload object, for claims without a field (file_hash,
     * vector_id, ...). Owned by the struct: borrow it, never decref it. */
    json_t *payload;
} fse_jwt_claims;

/* Free claims and their strings. NULL: no-op. */
FSE_API void fse_jwt_claims_free(fse_jwt_claims *claims);

/*
 * Verify one compact JWS (token, token_len bytes, no NUL needed) at time now
 * (seconds since the epoch). In order: length; three base64url parts with no
 * padding and canonical trailing bits; header JSON object without duplicate
 * keys; typ "JWT" and no crit; alg in the allow-list; x5c array whose first
 * element is base64 DER (later elements are untrusted intermediates); RSA
 * key of at least min_rsa_bits; chain to the trust store at now (purpose
 * any, the leaf not a CA); the signature over the first two parts; payload
 * JSON object without duplicate keys; the §3 claim types; exp, iat and nbf
 * with the skew; aud; iss = "auth:"/"integrity:" + the certificate CN; sub
 * and jti present.
 *
 * On success *claims_out is caller-owned (fse_jwt_claims_free) and
 * *reason_out is FSE_JWT_OK. On refusal returns FSE_E_AUTH, sets
 * *reason_out and records an English message (fse_error_last) that never
 * holds claim values. FSE_E_ARG (NULL pointer) and FSE_E_NOMEM / FSE_E_CRYPTO
 * (failures not due to the token) set *reason_out to FSE_JWT_E_INTERNAL.
 * reason_out may be NULL. Thread-safe on a shared verifier.
 */
FSE_API fse_err fse_jwt_verify(fse_jwt_claims **claims_out, fse_jwt_reason *reason_out,
                               const fse_jwt_verifier *v, const char *token, size_t token_len,
                               int64_t now);

/* ------------------------------------------------------------------------ */
/* Claim rules per operation                                                */
/* ------------------------------------------------------------------------ */

/* The call the tokens were sent with. Never renumbered. */
typedef enum fse_jwt_op {
    FSE_JWT_OP_VALIDATION = 0,  /* POST /documents/validation (and FHIR validation) */
    FSE_JWT_OP_CREATE,          /* POST /documents, validate-and-create */
    FSE_JWT_OP_REPLACE,         /* PUT /documents/{id}, validate-and-replace */
    FSE_JWT_OP_METADATA_UPDATE, /* PUT /documents/{id}/metadata[-iti-57] */
    FSE_JWT_OP_DELETE,          /* DELETE /documents/{id} */
    FSE_JWT_OP_STATUS,          /* GET /status/...: the Bearer token only */
    FSE_JWT_OP_READ,            /* consultation (action READ) */
    FSE_JWT_OP_COUNT
} fse_jwt_op;

/* One refused claim: reason, the claim's JSON name and the Gateway's
 * Italian detail. */
typedef struct fse_jwt_finding {
    fse_jwt_reason reason;
    const char *claim; /* static; "" when the finding is about the pair */
    char *detail;      /* owned by the list */
} fse_jwt_finding;

/* A growable list of findings. Zero-initialise it or call _init. */
typedef struct fse_jwt_findings {
    fse_jwt_finding *items;
    size_t n_items;
    size_t cap;
} fse_jwt_findings;

FSE_API void fse_jwt_findings_init(fse_jwt_findings *list);
/* Free the items; the list may be reused after fse_jwt_findings_init. */
FSE_API void fse_jwt_findings_free(fse_jwt_findings *list);
/* Whether the list holds a finding of this reason for this claim (claim
 * NULL: any claim). */
FSE_API bool fse_jwt_findings_has(const fse_jwt_findings *list, fse_jwt_reason reason,
                                  const char *claim);

/*
 * The claim rules of gateway-api §3 for an operation, on two verified
 * tokens (claims_sig may be NULL for FSE_JWT_OP_STATUS only). Appends
 * findings in the Gateway's order (DISP JwtSRV), so the first one is the
 * answer: the pair (Bearer iss "auth:", signature iss "integrity:", same
 * certificate, same sub); the always-mandatory claims and the
 * operation's ones; the sub fiscal code; the enums of action_id,
 * purpose_of_use and subject_role; subject_organization_id against
 * subject_organization in the region table; the action_id x purpose_of_use
 * coherence; the locality XON on CREATE, REPLACE, METADATA_UPDATE and
 * DELETE; patient_consent true; the person_id fiscal code (unless its
 * authority is not the MEF); the attachment_hash form.
 * Returns FSE_OK (findings are data, not errors), FSE_E_ARG or FSE_E_NOMEM.
 */
FSE_API fse_err fse_jwt_check_operation(fse_jwt_findings *out, const fse_jwt_claims *claims_auth,
                                        const fse_jwt_claims *claims_sig, fse_jwt_op op);

/*
 * The document-dependent checks of an operation, by calling fse/cda.h:
 * person_id and resource_hl7_type against the CDA header (VALIDATION,
 * CREATE, REPLACE) and attachment_hash against the uploaded bytes (CREATE,
 * REPLACE). header may be NULL only for operations without a document.
 * Returns FSE_OK, FSE_E_ARG, FSE_E_NOMEM or FSE_E_CRYPTO.
 */
FSE_API fse_err fse_jwt_check_document(fse_cda_findings *out, const fse_jwt_claims *claims_sig,
                                       fse_jwt_op op, const fse_cda_header *header,
                                       const uint8_t *data, size_t len);

/* Description of a region code in the subject_organization table ("120" ->
 * "Regione Lazio"), or NULL when the code is not in it. */
FSE_API const char *fse_jwt_organization_name(const char *subject_organization_id);

/* ------------------------------------------------------------------------ */
/* Test PKI and signer                                                      */
/* ------------------------------------------------------------------------ */

typedef struct fse_jwt_testca fse_jwt_testca; /* a CA key and its self-signed certificate */
typedef struct fse_jwt_cred fse_jwt_cred;     /* a private key and its certificate */

/* Options for a test CA or a test certificate. */
typedef struct fse_jwt_cert_opts {
    const char *cn;     /* subject CN, e.g. "S1#120#TESTVENDOR"; required */
    unsigned rsa_bits;  /* 1024 (weak-key tests only), 2048, 3072 or 4096 */
    int64_t not_before; /* seconds since the epoch */
    int64_t not_after;
} fse_jwt_cert_opts;

/*
 * A test CA: an RSA key and a self-signed v3 certificate with subject
 * C=IT, O=FSE TEST, CN=<cn>, CA:TRUE, keyCertSign. *out is caller-owned
 * (fse_jwt_testca_free). Returns FSE_OK, FSE_E_ARG, FSE_E_NOMEM, FSE_E_CRYPTO.
 */
FSE_API fse_err fse_jwt_testca_new(fse_jwt_testca **out, const fse_jwt_cert_opts *opts);
FSE_API void fse_jwt_testca_free(fse_jwt_testca *ca);

/*
 * Issue an end-entity certificate (CA:FALSE, digitalSignature and
 * nonRepudiation) for a fresh RSA key: CN "S1#..." for the signature
 * certificate, "A1#..." for the authentication one. ca NULL issues a
 * self-signed end-entity certificate (for tests). *out is caller-owned
 * (fse_jwt_cred_free). Returns FSE_OK, FSE_E_ARG, FSE_E_NOMEM, FSE_E_CRYPTO.
 */
FSE_API fse_err fse_jwt_testca_issue(fse_jwt_cred **out, const fse_jwt_testca *ca,
                                     const fse_jwt_cert_opts *opts);

/* PEM of the CA certificate into *pem_out (caller frees with fse_free). */
FSE_API fse_err fse_jwt_testca_cert_pem(char **pem_out, size_t *len_out, const fse_jwt_testca *ca);
/* Write the CA certificate as PEM to path. FSE_E_IO on failure. */
FSE_API fse_err fse_jwt_testca_write_pem(const fse_jwt_testca *ca, const char *cert_path);

/* Load a credential (PEM certificate, PEM unencrypted private key) from files,
 * e.g. the signature certificate given to `fse gen`. FSE_E_IO, FSE_E_PARSE
 * (no certificate or key, or the key does not match the certificate). */
FSE_API fse_err fse_jwt_cred_load_pem(fse_jwt_cred **out, const char *cert_path,
                                      const char *key_path);
/* Write the certificate and the private key (mode 0600) as PEM. */
FSE_API fse_err fse_jwt_cred_write_pem(const fse_jwt_cred *cred, const char *cert_path,
                                       const char *key_path);
/* CN of the credential's certificate (borrowed, valid until the cred is freed). */
FSE_API const char *fse_jwt_cred_cn(const fse_jwt_cred *cred);
/* Free a credential, wiping its key. NULL: no-op. */
FSE_API void fse_jwt_cred_free(fse_jwt_cred *cred);

/*
 * Sign claims_json (a JSON object, claims_len bytes, used as given) with the
 * credential's key: header {"alg", "typ":"JWT", "x5c":[base64 DER]}.
 * *token_out is a NUL-terminated compact JWS, caller-owned (fse_free).
 * Returns FSE_OK, FSE_E_ARG (alg not RS*, claims not a JSON object),
 * FSE_E_LIMIT (token over the hard cap), FSE_E_NOMEM or FSE_E_CRYPTO.
 */
FSE_API fse_err fse_jwt_sign(char **token_out, const fse_jwt_cred *signer, fse_jwt_alg alg,
                             const char *claims_json, size_t claims_len);

#define FSE_JWT_PAIR_OPTS_VERSION 1

/* What the standard token pair of one call holds. NULL strings take the
 * defaults shown. */
typedef struct fse_jwt_pair_opts {
    unsigned version; /* FSE_JWT_PAIR_OPTS_VERSION */
    fse_jwt_op op;
    const char *audience;   /* required */
    const char *patient_cf; /* person_id CF (required except STATUS) */
    const char *loinc;      /* resource_hl7_type code (required for VALIDATION..METADATA_UPDATE) */
    const char *pdf_sha256; /* attachment_hash hex (required for CREATE, REPLACE) */
    const char *sub_cf;     /* user CF; default the patient CF */
    const char *subject_organization_id; /* default "120" (name from the table) */
    const char *subject_role;            /* default "AAS" */
    const char *locality;                /* default an XON of a test laboratory */
    const char *application_id;          /* default "FSEC" */
    const char *application_vendor;      /* default "FSE TEST" */
    const char *application_version;     /* default "1.0" */
    const char *jti;   /* base of both jti ("-a", "-s" appended); default random */
    int64_t iat;       /* issue time */
    unsigned validity; /* seconds until exp; 0 = 3600 */
    const char *purpose_of_use; /* default: the operation's canonical purpose */
} fse_jwt_pair_opts;

#define FSE_JWT_PAIR_OPTS_INIT                                                                     \
    {                                                                                              \
        FSE_JWT_PAIR_OPTS_VERSION, FSE_JWT_OP_CREATE, NULL, NULL, NULL, NULL, NULL, NULL, NULL,    \
            NULL, NULL, NULL, NULL, NULL, 0, 0, NULL                                               \
    }

/*
 * The claims JSON of the standard pair for an operation: the Bearer token
 * (iss "auth:" + CN, sub, aud, iat, exp, jti) and the FSE-JWT-Signature
 * token (iss "integrity:" + CN and every §3 claim, with the operation's
 * action_id and purpose_of_use). sig_json_out is left NULL for STATUS.
 * Outputs are caller-owned (fse_free). FSE_E_ARG, FSE_E_NOMEM, FSE_E_LIMIT.
 */
FSE_API fse_err fse_jwt_pair_claims(char **auth_json_out, char **sig_json_out,
                                    const fse_jwt_cred *signer, const fse_jwt_pair_opts *opts);

/* fse_jwt_pair_claims, then fse_jwt_sign of both with RS256. */
FSE_API fse_err fse_jwt_make_pair(char **auth_out, char **sig_out, const fse_jwt_cred *signer,
                                  const fse_jwt_pair_opts *opts);

#endif /* FSE_JWT_H */
