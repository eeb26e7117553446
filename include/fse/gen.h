/*
 * include/fse/gen.h - synthetic FSE 2.0 documents for tests, demos and load:
 * realistic CDA R2 documents of every supported type, deterministic from a
 * seed, each meant to pass the national validator (fse/validate.h).
 *
 * Owns the seeded generator (its own PRNG, no clock: every date derives from
 * the seed and a base date the caller passes), the Italian test identities
 * (names, comuni with Belfiore codes, codici fiscali with the official check
 * character), the curated clinical code lists (LOINC, ICD-9-CM, ATC, AIC), the
 * CDA header builder and one body descriptor per document type, the
 * metadata of each document (the Gateway requestBody fields, gateway-api §2,
 * and the JWT claims a token for it needs, gateway-api §3), and which claims
 * go into the token pairs of its validation and publication calls.
 * Does not own validation (fse/validate.h), PDF building (fse/pdf.h, used by
 * fse_gen_pdf), JWT claim rules, signing or certificates (fse/jwt.h, used by
 * fse_gen_tokens_make), reading the clock, or writing files (the `fse gen`
 * command).
 *
 * Threading: no shared state; concurrent calls with their own outputs are safe.
 */
#ifndef FSE_GEN_H
#define FSE_GEN_H

#include "fse/cda.h"
#include "fse/common.h"
#include "fse/error.h"
#include "fse/jwt.h"
#include "fse/util.h"

#define FSE_GEN_OPTS_VERSION 1

/* Options of one generator run; initialise with FSE_GEN_OPTS_INIT. */
typedef struct fse_gen_opts {
    unsigned version;         /* FSE_GEN_OPTS_VERSION */
    uint64_t seed;            /* same seed, type and index: same bytes */
    fse_doc_type doc_type;    /* one of fse_gen_types() */
    const char *base_date;    /* "YYYYMMDD": the latest date a document may carry */
    size_t patient_pool_size; /* patients the documents of one seed are drawn from; 0: 50 */
} fse_gen_opts;

#define FSE_GEN_OPTS_INIT                                                                          \
    {                                                                                              \
        FSE_GEN_OPTS_VERSION, 1, FSE_CDA_DOC_LAB, "20250601", 0                                    \
    }

/* Supported document types, in priority order; *n_out receives the count.
 * The array is static. */
FSE_API const fse_doc_type *fse_gen_types(size_t *n_out);
/* Whether fse_gen_document can build this type. */
FSE_API bool fse_gen_supports(fse_doc_type type);

/* Most distinct codes listed in fse_gen_meta.codes. */
#define FSE_GEN_MAX_CODES 128
/* Most requestBody descriptions / event codes per document. */
#define FSE_GEN_MAX_LIST 4

/* One coded value written into a document. Both strings are static. */
typedef struct fse_gen_code {
    const char *system; /* code system OID */
    const char *code;
} fse_gen_code;

/*
 * What a document is about, and everything a client needs to send it: the
 * requestBody fields (gateway-api §2) and the claims of its two JWTs
 * (gateway-api §3). All strings are NUL-terminated; "" when not applicable.
 */
typedef struct fse_gen_meta {
    fse_doc_type doc_type;
    char type_name[24]; /* "LAB" */
    char index[24];     /* the index argument, decimal */
    /* patient */
    char patient_cf[17];
    char patient_given[32];
    char patient_family[48];
    char patient_gender[3]; /* "M" | "F" */
    char patient_birth_date[9];
    char patient_birth_place[48];
    /* document */
    char loinc[16]; /* ClinicalDocument/code */
    char loinc_display[64];
    char title[96];
    char id_root[64];
    char id_extension[96];
    char set_id_extension[96];
    char effective_time[24];
    char region_code[4]; /* "120" */
    char region_name[40];
    char facility_id[16]; /* HSP.11 of the custodian */
    char facility_name[96];
    char author_cf[17];
    char author_given[32];
    char author_family[48];
    /* requestBody (gateway-api §2) */
    char tipologia_struttura[16];
    char identificativo_doc[168];
    char identificativo_rep[64];
    char tipo_documento_liv_alto[4];
    char assetto_organizzativo[12];
    char data_inizio_prestazione[15];
    char data_fine_prestazione[15];
    char tipo_attivita_clinica[12];
    char identificativo_sottomissione[64];
    char atti_clinici[FSE_GEN_MAX_LIST][16]; /* attiCliniciRegoleAccesso */
    size_t n_atti_clinici;
    char descriptions[FSE_GEN_MAX_LIST][128]; /* CODE^Description^OID */
    size_t n_descriptions;
    /* JWT claims (gateway-api §3) */
    char person_id[64];         /* CF^^^&2.16.840.1.113883.2.9.4.3.2&ISO */
    char resource_hl7_type[48]; /* ('<LOINC>^^2.16.840.1.113883.6.1') */
    char subject_role[4];
    char subject_organization_id[4];
    char subject_organization[40];
    char locality[160];  /* XON of the facility */
    char pdf_sha256[65]; /* attachment_hash: set by fse_gen_pdf, "" before */
    /* coded values the document carries (terminology-checked in tests) */
    fse_gen_code codes[FSE_GEN_MAX_CODES];
    size_t n_codes;
} fse_gen_meta;

/*
 * Build document number `index` of opts->doc_type for opts->seed.
 *
 * @param[out] cda_out      the CDA as UTF-8 XML; caller frees with fse_free
 * @param[out] cda_len_out  its length
 * @param[out] meta_out     filled in (may be NULL)
 * @return FSE_OK; FSE_E_ARG (NULL argument, unknown options version, type not
 *         supported, base_date not a valid YYYYMMDD); FSE_E_NOMEM.
 * Deterministic: the same options and index give the same bytes.
 */
FSE_API fse_err fse_gen_document(uint8_t **cda_out, size_t *cda_len_out, fse_gen_meta *meta_out,
                                 const fse_gen_opts *opts, uint64_t index);

/*
 * Embed a generated CDA into a PDF (fse_pdf_embed_cda, attachment cda.xml)
 * and record its SHA-256 in meta->pdf_sha256 (when meta is not NULL).
 * @param[out] pdf_out, pdf_len_out  the PDF; caller frees with fse_free
 * @return the codes of fse_pdf_embed_cda, FSE_E_CRYPTO.
 */
FSE_API fse_err fse_gen_pdf(uint8_t **pdf_out, size_t *pdf_len_out, fse_gen_meta *meta,
                            const uint8_t *cda, size_t cda_len);

/*
 * Fill a requestBody view of meta for fse_cda_check_request (operation
 * create). The struct borrows meta's strings and the two arrays, which the
 * caller provides (FSE_GEN_MAX_LIST entries each).
 */
FSE_API void fse_gen_meta_request(fse_cda_request_metadata *out, const fse_gen_meta *meta,
                                  const char *atti[FSE_GEN_MAX_LIST],
                                  const char *descriptions[FSE_GEN_MAX_LIST]);

/*
 * Write meta as one JSON object into out: {"type", "index", "patient":{...},
 * "document":{...}, "requestBody":{...}, "jwtClaims":{...}, "codes":[...]}.
 * "requestBody" is ready to send with activity VALIDATION; "jwtClaims" holds
 * the document-dependent claims of the FSE-JWT-Signature token (person_id,
 * resource_hl7_type, attachment_hash, subject_role, subject_organization(_id),
 * locality, patient_consent, purpose_of_use, action_id) for a signer to add
 * iss/sub/aud/iat/exp/jti to.
 * @return FSE_OK, FSE_E_NOMEM, FSE_E_LIMIT (out's maximum).
 */
FSE_API fse_err fse_gen_meta_to_json(fse_buf *out, const fse_gen_meta *meta);

/* ------------------------------------------------------------------------ */
/* Gateway tokens of a document (gateway-api §3)                             */
/* ------------------------------------------------------------------------ */

#define FSE_GEN_TOKEN_OPTS_VERSION 1

/* How the tokens of a document are made; initialise with
 * FSE_GEN_TOKEN_OPTS_INIT. */
typedef struct fse_gen_token_opts {
    unsigned version;     /* FSE_GEN_TOKEN_OPTS_VERSION */
    const char *audience; /* aud of every token; required */
    int64_t iat;          /* issue time, seconds since the epoch: the caller reads the clock */
    unsigned validity;    /* seconds from iat to exp; 0: 24 hours */
} fse_gen_token_opts;

#define FSE_GEN_TOKEN_OPTS_INIT                                                                    \
    {                                                                                              \
        FSE_GEN_TOKEN_OPTS_VERSION, NULL, 0, 0                                                     \
    }

/* The two tokens of one Gateway call, each a NUL-terminated compact JWS. */
typedef struct fse_gen_token_pair {
    char *authorization; /* Authorization: Bearer (iss "auth:" + CN) */
    char *signature;     /* FSE-JWT-Signature (iss "integrity:" + CN, the §3 claims) */
} fse_gen_token_pair;

/* The token pairs a document is sent with. */
typedef struct fse_gen_tokens {
    fse_gen_token_pair validation; /* POST /documents/validation: action CREATE, TREATMENT */
    fse_gen_token_pair create;     /* POST /documents (publication): action CREATE, TREATMENT */
} fse_gen_tokens;

/*
 * Sign the token pairs of the validation and the create call of a document
 * with signer (RS256, its certificate in x5c): person_id = the patient,
 * sub = the author, resource_hl7_type = the document LOINC, attachment_hash =
 * meta->pdf_sha256, subject_role, subject_organization_id (the facility's
 * region) and locality (its XON) from meta, action_id and purpose_of_use as
 * fse_jwt_pair_claims sets them for each call, jti derived from the document
 * id, iat = opts->iat, exp = iat + validity.
 *
 * @param[out] out  the tokens; free them with fse_gen_tokens_free (also after
 *                  a failure, when it holds nothing).
 * @return FSE_OK; FSE_E_ARG (NULL argument, unknown options version, no
 *         audience, meta without pdf_sha256: call fse_gen_pdf first); the
 *         codes of fse_jwt_make_pair.
 * Deterministic: the same meta, signer and options give the same tokens.
 */
FSE_API fse_err fse_gen_tokens_make(fse_gen_tokens *out, const fse_gen_meta *meta,
                                    const fse_jwt_cred *signer, const fse_gen_token_opts *opts);

/* Wipe and free the tokens; the struct itself is the caller's. NULL: no-op. */
FSE_API void fse_gen_tokens_free(fse_gen_tokens *tokens);

/*
 * Write the tokens as one JSON object into out: {"validation":
 * {"authorization", "signature"}, "create": {"authorization", "signature"}}.
 * @return FSE_OK, FSE_E_ARG (tokens not made), FSE_E_NOMEM, FSE_E_LIMIT.
 */
FSE_API fse_err fse_gen_tokens_to_json(fse_buf *out, const fse_gen_tokens *tokens);

#endif /* FSE_GEN_H */
