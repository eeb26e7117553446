/*
 * include/fse/cda.h - the CDA R2 header model of FSE 2.0 documents, the table
 * of document types, and the National Gateway's cross-checks between the CDA,
 * the request body and the JWT claims.
 *
 * Owns: the document-type descriptor table (one row per type: schematron
 * directory name, title, templateId root, LOINC codes, XDS classCode, FHIR
 * mapping scope), the LOINC -> tipoDocumentoLivAlto static map, header
 * extraction from a parsed tree, codice fiscale checking, the requestBody
 * model and its field rules, the JWT-vs-CDA checks, the validation ->
 * publication link hash, the workflowInstanceId format, and the detector of
 * maggior tutela documents (DM 7/9/2023 art.6) with its rule table.
 * Does not own: XML parsing (fse/xml.h), JWT decoding or signature checks,
 * JSON decoding of the request body, PDF extraction, HTTP status mapping
 * (lib/http), schematron and terminology validation, or the visibility a
 * node stores for a maggior tutela document (lib/gateway, fse/store.h).
 *
 * Threading: the tables are immutable and every function here is reentrant;
 * a header or findings list belongs to one thread.
 */
#ifndef FSE_CDA_H
#define FSE_CDA_H

#include <libxml/tree.h>

#include "fse/common.h"
#include "fse/error.h"

/* ------------------------------------------------------------------------ */
/* Document types                                                           */
/* ------------------------------------------------------------------------ */

/* Every document type the node knows. Never renumbered. */
typedef enum fse_doc_type {
    FSE_CDA_DOC_UNKNOWN = 0,
    FSE_CDA_DOC_LAB,
    FSE_CDA_DOC_RAD,
    FSE_CDA_DOC_RAP,
    FSE_CDA_DOC_RSA,
    FSE_CDA_DOC_LDO,
    FSE_CDA_DOC_VPS,
    FSE_CDA_DOC_PSS,
    FSE_CDA_DOC_SING_VACC,
    FSE_CDA_DOC_CERT_VACC,
    FSE_CDA_DOC_PRF,
    FSE_CDA_DOC_PRF_NOSSN,
    FSE_CDA_DOC_PRS,
    FSE_CDA_DOC_ERF,
    FSE_CDA_DOC_ERF_NOSSN,
    FSE_CDA_DOC_ERS,
    FSE_CDA_DOC_CC,
    FSE_CDA_DOC_TPI,
    FSE_CDA_DOC_LETTERA_SCREENING,
    FSE_CDA_DOC_LETTERA_VACC,
    FSE_CDA_DOC_TELEVISITA,
    FSE_CDA_DOC_TELEASSISTENZA,
    FSE_CDA_DOC_TELECONSULTO,
    FSE_CDA_DOC_COUNT /* number of values, not a type */
} fse_doc_type;

/* XDS classCode, sent as requestBody tipoDocumentoLivAlto (gateway-api §2). */
typedef enum fse_cda_class {
    FSE_CDA_CLASS_NONE = 0, /* not set or not a known value */
    FSE_CDA_CLASS_WOR,
    FSE_CDA_CLASS_REF,
    FSE_CDA_CLASS_LDO,
    FSE_CDA_CLASS_RIC,
    FSE_CDA_CLASS_SUM,
    FSE_CDA_CLASS_TAC,
    FSE_CDA_CLASS_PRS,
    FSE_CDA_CLASS_PRE,
    FSE_CDA_CLASS_ESE,
    FSE_CDA_CLASS_PDC,
    FSE_CDA_CLASS_VAC,
    FSE_CDA_CLASS_CER,
    FSE_CDA_CLASS_VRB,
    FSE_CDA_CLASS_CON,
    FSE_CDA_CLASS_CNT,
    FSE_CDA_CLASS_CRT,
    FSE_CDA_CLASS_LET,
    FSE_CDA_CLASS_PRO,
    FSE_CDA_CLASS_COL,
    FSE_CDA_CLASS_COUNT
} fse_cda_class;

/* Most LOINC document codes one type accepts. */
#define FSE_CDA_MAX_DOC_LOINC 3

/* One row of the document-type table. All strings are static. */
typedef struct fse_cda_doc_desc {
    fse_doc_type type;
    const char *name;          /* schematron directory name: "LAB", "ErF_NoSSN" */
    const char *title;         /* Italian title */
    const char *template_root; /* templateId root that routes to this type */
    /* LOINC codes ClinicalDocument/code may carry; unused slots are NULL */
    const char *loinc[FSE_CDA_MAX_DOC_LOINC];
    fse_cda_class xds_class; /* tipoDocumentoLivAlto expected for the type */
    bool fhir_mapping;       /* a CDA -> FHIR map exists (eds-fhir §2.2) */
} fse_cda_doc_desc;

/* The row of a type; an out-of-range value gives the UNKNOWN row. Never NULL. */
FSE_API const fse_cda_doc_desc *fse_cda_doc_desc_get(fse_doc_type type);
/* Type routed by a templateId root (exact match), or FSE_CDA_DOC_UNKNOWN. */
FSE_API fse_doc_type fse_cda_doc_by_template(const char *template_root);
/* Type by schematron directory name (exact, case-sensitive), or UNKNOWN. */
FSE_API fse_doc_type fse_cda_doc_by_name(const char *name);
/* First type in table order accepting this LOINC code, or UNKNOWN.
 * 75496-0 is shared by Televisita and Teleassistenza: Televisita is returned. */
FSE_API fse_doc_type fse_cda_doc_by_loinc(const char *loinc);

/* Code of a class ("REF"), or "" for FSE_CDA_CLASS_NONE. Never NULL. */
FSE_API const char *fse_cda_class_name(fse_cda_class cls);
/* Class for its code (exact), or FSE_CDA_CLASS_NONE. */
FSE_API fse_cda_class fse_cda_class_parse(const char *name);
/* Class the Gateway's static map allows for a LOINC document code
 * (gateway-api §6.1), or FSE_CDA_CLASS_NONE when the code has no row. */
FSE_API fse_cda_class fse_cda_class_for_loinc(const char *loinc);

/* ------------------------------------------------------------------------ */
/* Header model                                                             */
/* ------------------------------------------------------------------------ */

/* An HL7 II (instance identifier). Either field may be NULL. */
typedef struct fse_cda_ii {
    char *root;
    char *extension;
} fse_cda_ii;

/* Root of the NRE (ricetta elettronica) order identifiers. */
#define FSE_CDA_OID_NRE "2.16.840.1.113883.2.9.4.3.9"

/*
 * The header of one CDA. Every string is owned by the struct and is NULL when
 * the element or attribute is absent. Paths are under ClinicalDocument.
 */
typedef struct fse_cda_header {
    char *type_id_extension; /* typeId/@extension: selects the XSD */
    char *template_root;     /* @root of the first templateId in document order */
    fse_cda_ii id;
    fse_cda_ii set_id;
    char *version_number; /* versionNumber/@value */
    char *code;           /* code/@code (LOINC) */
    char *code_system;
    char *code_display;
    char *title;          /* text of title */
    char *effective_time; /* effectiveTime/@value */
    char *confidentiality;
    char *language;
    /* recordTarget/patientRole/id: the first one, then all of them */
    fse_cda_ii patient_id;
    fse_cda_ii *patient_ids;
    size_t n_patient_ids;
    char *patient_family; /* first family / given of patient/name */
    char *patient_given;
    char *patient_gender; /* administrativeGenderCode/@code */
    char *patient_birth_time;
    /* first author/assignedAuthor */
    fse_cda_ii author_id;
    char *author_family;
    char *author_given;
    fse_cda_ii author_org_id; /* representedOrganization/id */
    char *author_org_name;
    /* custodian/assignedCustodian/representedCustodianOrganization */
    fse_cda_ii custodian_id;
    char *custodian_name;
    /* legalAuthenticator */
    char *legal_auth_time;
    char *legal_auth_signature; /* signatureCode/@code */
    fse_cda_ii legal_auth_id;   /* assignedEntity/id */
    /* relatedDocument */
    char *related_type; /* relatedDocument/@typeCode (RPLC, APND, XFRM) */
    fse_cda_ii parent_id;
    /* inFulfillmentOf/order/id, and its extension when the root is the NRE */
    fse_cda_ii order_id;
    char *nre;
    fse_doc_type doc_type; /* routed by template_root */
} fse_cda_header;

/*
 * Read the header of doc into *out (caller frees with fse_cda_header_free).
 * Any tree is accepted: missing elements leave NULL fields. The root need not
 * be a ClinicalDocument (fields are then NULL except template_root).
 * Returns FSE_OK, FSE_E_ARG (NULL doc/out) or FSE_E_NOMEM.
 */
FSE_API fse_err fse_cda_header_extract(fse_cda_header **out, const xmlDoc *doc);
/* Free a header and its strings. NULL: no-op. */
FSE_API void fse_cda_header_free(fse_cda_header *header);

/* ------------------------------------------------------------------------ */
/* Codice fiscale and patient identifiers                                   */
/* ------------------------------------------------------------------------ */

/* Identifier roots accepted for recordTarget/patientRole/id (schematron
 * ERRORE-10a). */
#define FSE_CDA_OID_CF "2.16.840.1.113883.2.9.4.3.2"        /* codice fiscale (MEF) */
#define FSE_CDA_OID_TEAM "2.16.840.1.113883.2.9.4.3.7"      /* TEAM card number */
#define FSE_CDA_OID_TEAM_PERS "2.16.840.1.113883.2.9.4.3.3" /* TEAM personal id */
#define FSE_CDA_OID_ANA "2.16.840.1.113883.2.9.4.3.15"      /* ANA */
#define FSE_CDA_OID_STP "2.16.840.1.113883.2.9.4.3.17"      /* STP */
#define FSE_CDA_OID_ENI "2.16.840.1.113883.2.9.4.3.18"      /* ENI */

/* What a patient identifier root stands for. */
typedef enum fse_cda_id_kind {
    FSE_CDA_ID_OTHER = 0, /* regional or unknown root */
    FSE_CDA_ID_CF,
    FSE_CDA_ID_TEAM,
    FSE_CDA_ID_TEAM_PERS,
    FSE_CDA_ID_ANA,
    FSE_CDA_ID_STP,
    FSE_CDA_ID_ENI
} fse_cda_id_kind;

/* Kind of a patient identifier root (NULL gives OTHER). */
FSE_API fse_cda_id_kind fse_cda_id_kind_of(const char *root);

/* What fse_cf_classify recognised. */
typedef enum fse_cf_kind {
    FSE_CF_INVALID = 0,
    FSE_CF_PERSON,  /* 16-character personal code, check character correct */
    FSE_CF_NUMERIC, /* 11-digit code (legal entities, provisional), Luhn-style digit */
    FSE_CF_STP,     /* "STP" + 13 digits: Straniero Temporaneamente Presente */
    FSE_CF_ENI      /* "ENI" + 13 digits: Europeo Non Iscritto */
} fse_cf_kind;

/*
 * Classify a codice fiscale the way the Gateway does (DISP CfUtility.validaCF):
 * case-insensitive; 16 characters (a 17th is ignored) or 11 digits; STP/ENI
 * codes have no check character. A personal code must have letters in the
 * name positions, digits or omocodia letters (L M N P Q R S T U V) in the
 * numeric positions, a month letter in position 9, and the right check
 * character. why (optional, why_len bytes) receives an Italian reason when
 * the result is FSE_CF_INVALID.
 */
FSE_API fse_cf_kind fse_cf_classify(const char *cf, char *why, size_t why_len);
/* fse_cf_classify(...) != FSE_CF_INVALID. */
FSE_API bool fse_cf_check(const char *cf, char *why, size_t why_len);

/* ------------------------------------------------------------------------ */
/* Findings of the Gateway cross-checks                                     */
/* ------------------------------------------------------------------------ */

/* Rules the cross-checks apply. Never renumbered. */
typedef enum fse_cda_rule {
    FSE_CDA_RULE_CLASS_MISMATCH = 0, /* tipoDocumentoLivAlto vs LOINC (§6.1) */
    FSE_CDA_RULE_CLASS_UNMAPPED,     /* LOINC has no row in the static map */
    FSE_CDA_RULE_PERSON_ID_MISSING,  /* no patientRole/id in the CDA */
    FSE_CDA_RULE_PERSON_ID_MISMATCH, /* person_id not among the patient ids */
    FSE_CDA_RULE_PERSON_ID_CF,       /* person_id fails the CF check */
    FSE_CDA_RULE_HL7_TYPE_MISSING,   /* no ClinicalDocument/code */
    FSE_CDA_RULE_HL7_TYPE_MISMATCH,  /* resource_hl7_type != code^^codeSystem */
    FSE_CDA_RULE_HASH_MISMATCH,      /* attachment_hash != sha256(file) */
    FSE_CDA_RULE_LOCALITY,           /* locality is not an XON */
    FSE_CDA_RULE_MISSING_FIELD,      /* mandatory requestBody field absent */
    FSE_CDA_RULE_BAD_VALUE,          /* requestBody enum or list value refused */
    FSE_CDA_RULE_BAD_FORMAT,         /* requestBody identifier format refused */
    FSE_CDA_RULE_BAD_DATE,           /* dataInizio/FinePrestazione not a date */
    FSE_CDA_RULE_COUNT
} fse_cda_rule;

/* Static description of a rule. */
typedef struct fse_cda_rule_info {
    const char *code;     /* stable id, e.g. "CDA-JWT-PERSON-ID" */
    const char *type;     /* Gateway problem type, e.g. "/msg/jwt-validation" */
    const char *instance; /* Gateway problem instance, e.g. "/jwt-person-id" */
    const char *title;    /* Gateway problem title (Italian) */
} fse_cda_rule_info;

/* Row of a rule; out of range gives a row of empty strings. Never NULL. */
FSE_API const fse_cda_rule_info *fse_cda_rule_get(fse_cda_rule rule);

/* One finding: a rule and the Italian detail built for this input. */
typedef struct fse_cda_finding {
    fse_cda_rule rule;
    char *detail; /* owned by the list */
} fse_cda_finding;

/* A growable list of findings. Zero-initialise it or call _init. */
typedef struct fse_cda_findings {
    fse_cda_finding *items;
    size_t n_items;
    size_t cap;
} fse_cda_findings;

FSE_API void fse_cda_findings_init(fse_cda_findings *list);
/* Free the items; the list may be reused after fse_cda_findings_init. */
FSE_API void fse_cda_findings_free(fse_cda_findings *list);
/* Whether the list holds a finding of this rule. */
FSE_API bool fse_cda_findings_has(const fse_cda_findings *list, fse_cda_rule rule);

/* ------------------------------------------------------------------------ */
/* requestBody (gateway-api §2)                                             */
/* ------------------------------------------------------------------------ */

/* The operation a request body belongs to; decides which fields are due. */
typedef enum fse_cda_operation {
    FSE_CDA_OP_VALIDATION = 0, /* POST /documents/validation */
    FSE_CDA_OP_CREATE,         /* POST /documents, validate-and-create */
    FSE_CDA_OP_REPLACE,        /* PUT /documents/{id}, validate-and-replace */
    FSE_CDA_OP_UPDATE_METADATA /* PUT /documents/{id}/metadata[-iti-57] */
} fse_cda_operation;

/*
 * The requestBody fields, as strings exactly as received (a JSON decoder fills
 * them; NULL = absent). The struct borrows everything: the caller keeps the
 * strings alive while checks run. Enum fields are checked against the tables
 * by fse_cda_check_request, not parsed here.
 */
typedef struct fse_cda_request_metadata {
    const char *activity;           /* VALIDATION | VERIFICA */
    const char *health_data_format; /* CDA */
    const char *mode;               /* ATTACHMENT | RESOURCE */
    const char *workflow_instance_id;
    const char *tipologia_struttura;
    const char *const *atti_clinici; /* attiCliniciRegoleAccesso */
    size_t n_atti_clinici;
    const char *identificativo_doc;
    const char *identificativo_rep;
    const char *tipo_documento_liv_alto;
    const char *assetto_organizzativo;
    const char *data_inizio_prestazione; /* yyyyMMddHHmmss */
    const char *data_fine_prestazione;
    const char *conservazione_a_norma;
    const char *tipo_attivita_clinica;
    const char *identificativo_sottomissione;
    const char *const *descriptions; /* CODE^Description^OID */
    size_t n_descriptions;
    const char *const *administrative_request;
    size_t n_administrative_request;
} fse_cda_request_metadata;

/*
 * Check a request body for an operation (gateway-api §2): mandatory fields in
 * DISP order, enum values, identifier formats, descriptions, event codes,
 * administrativeRequest values and dates. Appends findings to out. The event
 * code list is the spec §6.3 subset (obscuring, prescriptions, exemptions,
 * swabs, vaccines by ATC prefix); unknown codes are findings.
 * Returns FSE_OK, FSE_E_ARG or FSE_E_NOMEM (findings are not errors).
 */
FSE_API fse_err fse_cda_check_request(fse_cda_findings *out, const fse_cda_request_metadata *req,
                                      fse_cda_operation op);

/* ------------------------------------------------------------------------ */
/* JWT and upload cross-checks                                              */
/* ------------------------------------------------------------------------ */

/* tipoDocumentoLivAlto (request) against the LOINC ClinicalDocument/code. */
FSE_API fse_err fse_cda_check_class(fse_cda_findings *out, const char *tipo_documento_liv_alto,
                                    const char *loinc);

/*
 * JWT person_id (CX "CF^^^&OID&ISO") against the CDA patient ids: its first
 * component must equal the extension of a recordTarget/patientRole/id, and
 * unless that id's root is the TEAM OID the code must pass the CF check when
 * the CX authority is the MEF OID or absent (DISP AbstractCTL.validatePersonId).
 */
FSE_API fse_err fse_cda_check_person_id(fse_cda_findings *out, const char *person_id,
                                        const fse_cda_header *header);

/* JWT resource_hl7_type against "('" code "^^" codeSystem "')" of the CDA. */
FSE_API fse_err fse_cda_check_hl7_type(fse_cda_findings *out, const char *resource_hl7_type,
                                       const fse_cda_header *header);

/* JWT attachment_hash against the SHA-256 of the uploaded bytes (hex,
 * compared case-insensitively). FSE_E_CRYPTO if hashing fails. */
FSE_API fse_err fse_cda_check_attachment_hash(fse_cda_findings *out, const char *attachment_hash,
                                              const uint8_t *data, size_t len);

/* JWT locality against the XON pattern ^[^^]*\^{5}&[^&]*&ISO\^{4}[^^&]*$. */
FSE_API fse_err fse_cda_check_locality(fse_cda_findings *out, const char *locality);
/* The pattern test alone. */
FSE_API bool fse_cda_locality_valid(const char *locality);

/* ------------------------------------------------------------------------ */
/* Hashes and identifiers                                                   */
/* ------------------------------------------------------------------------ */

/* Characters of a base64 SHA-256 plus NUL. */
#define FSE_CDA_LINK_HASH_LEN 45
/* Placeholder written over legalAuthenticator content. */
#define FSE_CDA_LINK_PLACEHOLDER "PLACEHOLDER"

/*
 * The validation -> publication link hash (gateway-api §6): base64 SHA-256 of
 * a copy of doc serialised as UTF-8 after, inside the first legalAuthenticator
 * in document order, every `signature` element, comment, processing
 * instruction and blank text node is removed, every attribute value (the
 * element's own included) is set to the placeholder, and every element
 * without element children whose text is not blank gets the placeholder as
 * its only text. So any change confined to the values and text inside
 * legalAuthenticator keeps the hash; a change anywhere else, or to the
 * element structure inside it, changes it. doc is not modified. Without a
 * legalAuthenticator the whole document is hashed as is. The value is stable
 * for this library; it is not byte-compatible with the Gateway's own (which
 * serialises with another XML library).
 * Returns FSE_OK, FSE_E_ARG, FSE_E_NOMEM or FSE_E_CRYPTO.
 */
FSE_API fse_err fse_cda_link_hash(char out[FSE_CDA_LINK_HASH_LEN], const xmlDoc *doc);

/* Random bytes the workflowInstanceId consumes (10 hex characters). */
#define FSE_CDA_WII_RANDOM_BYTES 5
#define FSE_CDA_WII_SUFFIX "^^^^urn:ihe:iti:xdw:2013:workflowInstanceId"

/*
 * The validation workflowInstanceId (gateway-api §6):
 * id@root "." sha256hex(id@extension) "." hex(random) FSE_CDA_WII_SUFFIX.
 * A NULL extension hashes as "". *out is caller-owned (fse_free).
 * Returns FSE_E_ARG when id_root is NULL or empty, FSE_E_LIMIT past 256
 * characters, FSE_E_NOMEM, FSE_E_CRYPTO.
 */
FSE_API fse_err fse_cda_workflow_instance_id(char **out, const char *id_root,
                                             const char *id_extension,
                                             const uint8_t random[FSE_CDA_WII_RANDOM_BYTES]);

/* Lowercase hex SHA-256 of len bytes into out (65 bytes). FSE_E_CRYPTO. */
FSE_API fse_err fse_cda_sha256_hex(char out[65], const uint8_t *data, size_t len);

/* ------------------------------------------------------------------------ */
/* Maggior tutela: documents obscured by default (DM 7/9/2023 art.6)        */
/* ------------------------------------------------------------------------ */

/*
 * The categories of DM23 art.6 c.1 (domain-rules §3), one bit each, plus the
 * producer's own marking. Never renumbered.
 */
typedef enum fse_cda_tutela_category {
    FSE_CDA_TUTELA_HIV = 1 << 0,             /* people with HIV (L.135/1990) */
    FSE_CDA_TUTELA_IVG = 1 << 1,             /* voluntary termination of pregnancy (L.194/1978) */
    FSE_CDA_TUTELA_SEXUAL_VIOLENCE = 1 << 2, /* victims of sexual violence or paedophilia */
    FSE_CDA_TUTELA_SUBSTANCE = 1 << 3,       /* users of drugs, psychotropics, alcohol */
    FSE_CDA_TUTELA_ANONYMOUS_BIRTH = 1 << 4, /* women giving birth anonymously (DPR 396/2000) */
    FSE_CDA_TUTELA_CONSULTORIO = 1 << 5,     /* services of consultori familiari (L.405/1975) */
    FSE_CDA_TUTELA_VERY_RESTRICTED = 1 << 6  /* confidentialityCode V: the producer's marking */
} fse_cda_tutela_category;

/* Number of category bits, and all of them. */
#define FSE_CDA_TUTELA_N_CATEGORIES 7
#define FSE_CDA_TUTELA_ALL 0x7fu

/* Short English name of one category bit ("hiv", "sexual_violence", ...);
 * "" for anything but a single known bit. Never NULL. */
FSE_API const char *fse_cda_tutela_category_name(unsigned category);

/* How a rule's code matches a code found in the document. */
typedef enum fse_cda_tutela_match {
    FSE_CDA_TUTELA_MATCH_EXACT = 0, /* the same code */
    /* the ICD-9-CM code and its subdivisions: "305.0" covers 305.0 and
     * 305.00-305.09; "635" covers 635, 635.x and 635.xx (never "6351") */
    FSE_CDA_TUTELA_MATCH_ICD9_FAMILY,
    FSE_CDA_TUTELA_MATCH_PREFIX /* an ATC group: every code of up to 7 characters (an ATC
                                   code) that starts with it */
} fse_cda_tutela_match;

/* When a matching code counts. */
typedef enum fse_cda_tutela_when {
    FSE_CDA_TUTELA_WHEN_PRESENT = 0, /* always, whatever the result or negation */
    /* an observation code whose value is a count: not when the count is
     * written as zero (a missing or unreadable count still counts) */
    FSE_CDA_TUTELA_WHEN_COUNT_POSITIVE
} fse_cda_tutela_when;

/* One row of the rule table. All strings are static. */
typedef struct fse_cda_tutela_rule {
    const char *system; /* code system OID */
    const char *code;   /* code, ICD-9-CM family or ATC group */
    fse_cda_tutela_match match;
    fse_cda_tutela_category category;
    fse_cda_tutela_when when;
    const char *reason; /* why the code reveals the category */
} fse_cda_tutela_rule;

/* The rule table (static, immutable); *n_out receives its length. The
 * table, its reasons and what it leaves out are in lib/cda/cda_tutela_rules.c
 * and docs/gateway.md "Default obscuring". */
FSE_API const fse_cda_tutela_rule *fse_cda_tutela_rules(size_t *n_out);

/* Longest code kept in a hit (longer codes never match a rule). */
#define FSE_CDA_TUTELA_CODE_MAX 32
/* Longest element name kept in a hit (longer names are cut). */
#define FSE_CDA_TUTELA_ELEMENT_MAX 32

/* What made a category apply: the first matching coded element in document
 * order. */
typedef struct fse_cda_tutela_hit {
    const fse_cda_tutela_rule *rule;          /* the row; NULL: the category did not apply */
    char code[FSE_CDA_TUTELA_CODE_MAX];       /* the code as found, trimmed, upper case */
    char element[FSE_CDA_TUTELA_ELEMENT_MAX]; /* local name: code, value, translation, ... */
    long line;                                /* source line of the element; 0 unknown */
} fse_cda_tutela_hit;

typedef struct fse_cda_tutela_result {
    unsigned categories; /* OR of fse_cda_tutela_category */
    /* first hit per category, indexed by bit position (HIV is [0]) */
    fse_cda_tutela_hit first[FSE_CDA_TUTELA_N_CATEGORIES];
    size_t n_coded; /* elements examined (with @code and a code system) */
    size_t n_hits;  /* of which counted for a category */
} fse_cda_tutela_result;

/*
 * Which maggior tutela categories a parsed CDA reveals (DM23 art.6 c.1):
 * every element of the tree, header and body, with a @code and a
 * @codeSystem (code, value of type CD/CE, translation at any depth,
 * confidentialityCode, participant and location codes...) is looked up in
 * the rule table. Codes and systems are compared after trimming white
 * space, codes in upper case. A confidentialityCode without @codeSystem is
 * read in HL7 Confidentiality (its only system in CDA R2). Narrative text is
 * not read. Negated observations and negative results count as well: a
 * negative HIV test is still an HIV test (see cda_tutela_rules.c).
 * The walk is iterative and allocates nothing; its cost is linear in the
 * number of elements (the parser's node limit bounds it).
 * Returns FSE_OK or FSE_E_ARG (NULL argument). Reentrant.
 */
FSE_API fse_err fse_cda_tutela_detect(fse_cda_tutela_result *out, const xmlDoc *doc);

#endif /* FSE_CDA_H */
