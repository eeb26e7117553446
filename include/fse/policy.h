/*
 * include/fse/policy.h - the access policy of consultation: who may read
 * which document of which patient, for which purpose (domain-rules.md §2-4:
 * DM 7/9/2023 art. 6, 8, 9, 15, 20; the Allegato A matrix of roles and
 * document types).
 *
 * Owns the decision and its reason, the role classes, the roles x purposes
 * x document types matrix (shipped defaults, replaceable by a file), the
 * visibility rules of obscured and maggior tutela documents, the
 * relationship rules (self, legal representatives, delegates, GP, declared
 * care, emergency) and the rules of the citizen's self-service acts. Pure:
 * no I/O after fse_policy_new, no clock, no store. The caller (lib/consult)
 * gathers the facts (the subject's token, the patient's consents and
 * relations, the document's type and visibility) and audits every decision.
 *
 * Threading: an fse_policy is immutable after fse_policy_new and may be
 * shared by any number of threads.
 */
#ifndef FSE_POLICY_H
#define FSE_POLICY_H

#include "fse/common.h"
#include "fse/error.h"

typedef struct fse_policy fse_policy; /* opaque */

/* Purpose of a consultation (the token's purpose_of_use). Never renumbered. */
typedef enum fse_policy_purpose {
    FSE_POLICY_PURPOSE_UNKNOWN = 0,
    FSE_POLICY_PURPOSE_TREATMENT = 1,    /* cura: needs the "cura" consent */
    FSE_POLICY_PURPOSE_EMERGENCY = 2,    /* break-the-glass (DM23 art.20) */
    FSE_POLICY_PURPOSE_PUBEMERGENCY = 3, /* profilassi internazionale: needs that consent */
    FSE_POLICY_PURPOSE_PERSONAL = 4,     /* the patient, a representative or a delegate */
    FSE_POLICY_PURPOSE_UPDATE = 5        /* the producer's own lookups (INI read) */
} fse_policy_purpose;

/* Purpose from the purpose_of_use string; UNKNOWN for anything else. */
FSE_API fse_policy_purpose fse_policy_purpose_parse(const char *purpose_of_use);

/* Class of a subject_role. Never renumbered. */
typedef enum fse_policy_role_class {
    FSE_POLICY_ROLE_NONE = 0,       /* roles that never consult (OAM, DSA, NOR, ...) */
    FSE_POLICY_ROLE_DOCTOR = 1,     /* M: APR, AAS, DRS, RSA, MRP */
    FSE_POLICY_ROLE_NURSE = 2,      /* I: INF */
    FSE_POLICY_ROLE_PHARMACIST = 3, /* F: FAR */
    FSE_POLICY_ROLE_PATIENT = 4,    /* ASS */
    FSE_POLICY_ROLE_GUARDIAN = 5,   /* TUT */
    FSE_POLICY_ROLE_PARENT = 6,     /* GEN */
    FSE_POLICY_ROLE_DELEGATE = 7    /* ING */
} fse_policy_role_class;

FSE_API fse_policy_role_class fse_policy_role_class_of(const char *subject_role);

/* The subject's relations to the patient, in force now (bits). The caller
 * works them out from the token and the store. */
#define FSE_POLICY_REL_SELF (1u << 0)      /* sub is the patient */
#define FSE_POLICY_REL_GUARDIAN (1u << 1)  /* a guardian record in force */
#define FSE_POLICY_REL_PARENT (1u << 2)    /* a parent record in force, patient a minor */
#define FSE_POLICY_REL_DELEGATE (1u << 3)  /* a voluntary delegation in force */
#define FSE_POLICY_REL_GP (1u << 4)        /* the patient's MMG/PLS now */
#define FSE_POLICY_REL_CARE (1u << 5)      /* a declaration of ongoing care in force */
#define FSE_POLICY_REL_EMERGENCY (1u << 6) /* an emergency grant in force */

/* Who asks. */
typedef struct fse_policy_subject {
    const char *role; /* subject_role */
    fse_policy_purpose purpose;
    unsigned relations;      /* FSE_POLICY_REL_* */
    bool emergency_pss_read; /* under the emergency grant the PSS was read, or none exists */
} fse_policy_subject;

/* Whether a patient's consent for a purpose is effective now: the last act
 * for the purpose gave it (given) and, if that act was made while the
 * patient was a minor, the patient still is one (DM23 art.8 c.2: at 18 the
 * new adult must confirm). */
FSE_API bool fse_policy_consent_effective(bool given, bool given_while_minor, bool minor_now);

/* What is known of the patient now. */
typedef struct fse_policy_patient {
    bool consent_cura;       /* consent to consultation for cura, effective now */
    bool consent_profilassi; /* consent for profilassi internazionale, effective now */
    bool minor;
} fse_policy_patient;

/* One document. */
typedef struct fse_policy_doc {
    const char *type_code; /* LOINC typeCode */
    unsigned visibility;   /* FSE_STORE_VIS_* bits */
    bool by_subject;       /* the subject, or the subject's organisation, produced it */
} fse_policy_doc;

/* The LOINC of the patient summary (PSS), which emergency access reads first. */
#define FSE_POLICY_LOINC_PSS "60591-5"

/* Why. Stable, never renumbered; names via fse_policy_reason_name. */
typedef enum fse_policy_reason {
    FSE_POLICY_OK_SELF = 0,           /* the patient */
    FSE_POLICY_OK_REPRESENTATIVE = 1, /* guardian, or parent of a minor */
    FSE_POLICY_OK_DELEGATE = 2,       /* voluntary delegate */
    FSE_POLICY_OK_PRODUCER = 3,       /* the producer reads its own document */
    FSE_POLICY_OK_CARE = 4,           /* GP or declared care, with consent, matrix allows */
    FSE_POLICY_OK_EMERGENCY = 5,      /* break-the-glass */
    FSE_POLICY_OK_PROFILASSI = 6,     /* PUBEMERGENCY with the profilassi consent */
    FSE_POLICY_DENY_ROLE = 20,        /* this role never consults */
    FSE_POLICY_DENY_PURPOSE = 21,     /* purpose not valid for the role */
    FSE_POLICY_DENY_RELATION = 22,    /* no relation that allows it (not the patient's GP,
                                         no declaration, not a delegate) */
    FSE_POLICY_DENY_CONSENT = 23,     /* no consent for the purpose */
    FSE_POLICY_DENY_MATRIX = 24,      /* the role may not read this document type */
    FSE_POLICY_DENY_HIDDEN = 25,      /* obscured, maggior tutela, P97/P98 */
    FSE_POLICY_DENY_PSS_FIRST = 26,   /* emergency: the PSS must be read first */
    FSE_POLICY_DENY_ACT = 27          /* a self-service act the subject may not do */
} fse_policy_reason;

/* "self", "deny-consent", ...; "" out of range. */
FSE_API const char *fse_policy_reason_name(fse_policy_reason reason);
/* Italian explanation for logs and the citizen's access log; never NULL. */
FSE_API const char *fse_policy_reason_text(fse_policy_reason reason);

typedef struct fse_policy_decision {
    bool allow;
    fse_policy_reason reason;
    /* Deny only: answer as for a document that does not exist (the subject
     * must not learn it exists). Always true for document decisions. */
    bool as_absent;
    /* Allow only: the document is obscured or maggior tutela and shown
     * because the subject is the patient, a representative or the producer. */
    bool shown_obscured;
} fse_policy_decision;

/* How far the subject may look into the patient's record at all. */
typedef enum fse_policy_scope {
    FSE_POLICY_SCOPE_NONE = 0, /* refused: 403 */
    FSE_POLICY_SCOPE_PRODUCED =
        1,                      /* only documents the subject produced (no consent, no relation) */
    FSE_POLICY_SCOPE_RECORD = 2 /* the record, document by document */
} fse_policy_scope;

/*
 * Patient-level decision: may the subject consult this patient's record?
 * NONE for roles or purposes that never consult, or a citizen role without
 * the relation; PRODUCED when only the producer exception can apply (no
 * consent, no care relation); RECORD otherwise. decision_out gets the
 * reason (for NONE and PRODUCED: the missing condition).
 */
FSE_API fse_policy_scope fse_policy_record_scope(const fse_policy *p, const fse_policy_subject *sub,
                                                 const fse_policy_patient *pat,
                                                 fse_policy_decision *decision_out);

/* Document-level decision, to be taken for every document before it is
 * counted, listed, read or used in a derived view. */
FSE_API void fse_policy_document(const fse_policy *p, const fse_policy_subject *sub,
                                 const fse_policy_patient *pat, const fse_policy_doc *doc,
                                 fse_policy_decision *decision_out);

/* The citizen's self-service acts (domain-rules §5). Never renumbered. */
typedef enum fse_policy_act {
    FSE_POLICY_ACT_CONSENT = 0,   /* give, revoke, confirm consents */
    FSE_POLICY_ACT_OBSCURE = 1,   /* obscure / un-obscure, release tutela */
    FSE_POLICY_ACT_DELEGATES = 2, /* add / end delegates */
    FSE_POLICY_ACT_LOG = 3,       /* read the access log */
    FSE_POLICY_ACT_NOTIFY = 4,    /* notification settings and list */
    FSE_POLICY_ACT_COUNT
} fse_policy_act;

/* Whether the subject (PERSONAL purpose, citizen role) may do act on the
 * patient's record. */
FSE_API void fse_policy_citizen_act(const fse_policy *p, const fse_policy_subject *sub,
                                    const fse_policy_patient *pat, fse_policy_act act,
                                    fse_policy_decision *decision_out);

/*
 * Build a policy: the shipped matrix, or the one read from matrix_path
 * (NULL: shipped). File format, one document type per line:
 *   # comment
 *   <LOINC> <classes>
 * where <classes> is a set of the letters M (doctor), I (nurse), F
 * (pharmacist), or "-" for none. A LOINC not in the matrix is denied to
 * every professional (default deny). At most FSE_POLICY_MAX_TYPES lines.
 * @return FSE_OK; FSE_E_IO (unreadable file); FSE_E_PARSE (bad line: the
 *         message names it); FSE_E_LIMIT; FSE_E_NOMEM.
 */
#define FSE_POLICY_MAX_TYPES 512u
FSE_API fse_err fse_policy_new(fse_policy **out, const char *matrix_path);
FSE_API void fse_policy_free(fse_policy *p);

/* Whether the matrix lets a role class read a document type. */
FSE_API bool fse_policy_matrix_allows(const fse_policy *p, fse_policy_role_class cls,
                                      const char *type_code);

/* Matrix rows, for documentation and the access-matrix test: the i-th row's
 * LOINC and class bits (1 << FSE_POLICY_ROLE_DOCTOR ...); false past the end. */
FSE_API bool fse_policy_matrix_row(const fse_policy *p, size_t i, const char **loinc_out,
                                   unsigned *classes_out);

#endif /* FSE_POLICY_H */
