/*
 * tests/policy/pt_oracle.h - the expected answers of the consultation
 * policy, written from the prose of docs/policy.md and nothing else.
 *
 * Owns the test's own copy of the rule book: the role classes, the matrix
 * table (encoded again here, not read from lib/policy), the record scope,
 * the document decision, the effective consent and the citizen's acts.
 * The unit suite compares lib/policy with it over every combination; the
 * access-matrix suite compares a real server with it. It never calls a
 * decision function of lib/policy: when the two disagree, one of them does
 * not say what docs/policy.md says, and the test reports the combination.
 */
#ifndef FSE_TEST_PT_ORACLE_H
#define FSE_TEST_PT_ORACLE_H

#include <stdbool.h>
#include <stddef.h>

/* Visibility bits as stored (fse/store.h FSE_STORE_VIS_*): the storage
 * format, not a decision. */
#include "fse/store.h"

/* Role classes of docs/policy.md "Role classes". */
typedef enum pt_class {
    PT_CLASS_NONE = 0,
    PT_CLASS_DOCTOR,
    PT_CLASS_NURSE,
    PT_CLASS_PHARMACIST,
    PT_CLASS_PATIENT,
    PT_CLASS_GUARDIAN,
    PT_CLASS_PARENT,
    PT_CLASS_DELEGATE
} pt_class;

pt_class pt_class_of(const char *role);
bool pt_class_professional(pt_class c);
bool pt_class_citizen(pt_class c);

/* Relations of the subject with the patient (docs/policy.md "Facts"), as
 * records that exist and are in their validity period: the oracle itself
 * applies "a parent record counts only while the patient is a minor". */
#define PT_REL_SELF (1u << 0)
#define PT_REL_GUARDIAN (1u << 1)
#define PT_REL_PARENT (1u << 2)
#define PT_REL_DELEGATE (1u << 3)
#define PT_REL_GP (1u << 4)
#define PT_REL_CARE (1u << 5)
#define PT_REL_EMERGENCY (1u << 6)

/* Everything the rule book looks at, for one request. */
typedef struct pt_facts {
    const char *role;    /* subject_role */
    const char *purpose; /* purpose_of_use */
    unsigned rel;        /* PT_REL_* */
    bool pss_read;       /* the PSS was read under the emergency grant */
    bool has_pss;        /* the patient has a PSS (60591-5) */
    bool minor;          /* the patient is under 18 now */
    bool cura;           /* the cura consent is effective now */
    bool profilassi;     /* the profilassi consent is effective now */
} pt_facts;

typedef enum pt_scope {
    PT_SCOPE_NONE = 0,     /* refused: 403 to a search, 404 to a read */
    PT_SCOPE_PRODUCED = 1, /* only what the subject produced */
    PT_SCOPE_RECORD = 2
} pt_scope;

/* docs/policy.md "Record scope". */
pt_scope pt_oracle_scope(const pt_facts *f);

/* One document as the rule book sees it. */
typedef struct pt_doc {
    const char *loinc;
    unsigned vis;  /* FSE_STORE_VIS_* */
    bool produced; /* the author's CF is sub, or its institution the token's locality */
} pt_doc;

/* Whether a document is hidden: obscured, or tutela and not released. */
bool pt_hidden(unsigned vis);

/* docs/policy.md "Document decision". *marked_out (optional) tells whether
 * the rule book says the document is shown marked as obscured (the patient
 * and those who see "as the patient" seeing a hidden document). */
bool pt_oracle_doc(const pt_facts *f, const pt_doc *d, bool *marked_out);

/* Whether a consent is effective now (docs/policy.md "Facts"). */
bool pt_oracle_consent(bool given, bool given_while_minor, bool minor_now);

/* The citizen's acts of docs/policy.md "Citizen's acts". */
typedef enum pt_act {
    PT_ACT_CONSENT = 0,
    PT_ACT_VISIBILITY,
    PT_ACT_DELEGATES,
    PT_ACT_LOG,
    PT_ACT_NOTIFY,
    PT_ACT_COUNT
} pt_act;

bool pt_oracle_act(const pt_facts *f, pt_act act);

/* The matrix table of docs/policy.md, one row per LOINC. */
typedef struct pt_matrix_row {
    const char *loinc;
    const char *what;
    bool m, i, f;
} pt_matrix_row;

extern const pt_matrix_row pt_matrix[];
extern const size_t pt_matrix_len;

/* The PSS, read first under an emergency grant. */
#define PT_LOINC_PSS "60591-5"

/* Whether the matrix gives a class a LOINC (false for LOINCs not in it). */
bool pt_matrix_allows(pt_class c, const char *loinc);

#endif /* FSE_TEST_PT_ORACLE_H */
