/*
 * lib/gen/gen_int.h - internal interface of the synthetic document generator.
 *
 * Owns the types shared by the files of lib/gen: the PRNG, calendar
 * arithmetic, the data tables (people, places, facilities, clinical codes),
 * the build context with its sticky error and the libxml2 node helpers, the
 * header builder and the per-type body descriptors. The public API is in
 * include/fse/gen.h; the document-type table itself is lib/cda's.
 */
#ifndef FSE_GEN_INT_H
#define FSE_GEN_INT_H

#include <libxml/tree.h>

#include "fse/gen.h"

/* ------------------------------------------------------------------------ */
/* PRNG: xoshiro256** seeded through splitmix64 (gen_rng.c)                  */
/* ------------------------------------------------------------------------ */

typedef struct gen_rng {
    uint64_t s[4];
} gen_rng;

/* Seed from any number of 64-bit words (mixed with splitmix64). */
void fse_gen__rng_seed(gen_rng *r, const uint64_t *words, size_t n_words);
uint64_t fse_gen__rng_next(gen_rng *r);
/* Uniform in [0, n) (n > 0). */
uint32_t fse_gen__rng_below(gen_rng *r, uint32_t n);
/* Uniform in [lo, hi]. */
int fse_gen__rng_range(gen_rng *r, int lo, int hi);
/* True with probability percent/100. */
bool fse_gen__rng_chance(gen_rng *r, unsigned percent);
/* 64-bit FNV-1a of a string, to derive seeds from names. */
uint64_t fse_gen__hash(const char *s);

/* ------------------------------------------------------------------------ */
/* Calendar (gen_time.c): civil dates as day numbers, times in seconds       */
/* ------------------------------------------------------------------------ */

/* Days since 1970-01-01 of a civil date. */
int64_t fse_gen__days_from_civil(int y, int m, int d);
void fse_gen__civil_from_days(int64_t days, int *y, int *m, int *d);
/* Parse "YYYYMMDD" to a day number; false when not a valid date. */
bool fse_gen__parse_date(const char *s, int64_t *days_out);
/* "YYYYMMDDHHMMSS+0100" (Italian offset, summer time included) for local
 * seconds since the epoch; out holds 20 bytes. */
void fse_gen__format_ts(char out[24], int64_t local_seconds);
/* "YYYYMMDD" of a day number. */
void fse_gen__format_date(char out[9], int64_t days);
/* "YYYYMMDDHHMMSS" (requestBody dates). */
void fse_gen__format_plain(char out[15], int64_t local_seconds);

/* ------------------------------------------------------------------------ */
/* Data tables (gen_data.c, gen_codes.c)                                      */
/* ------------------------------------------------------------------------ */

typedef struct gen_region {
    const char *code;    /* "120" */
    const char *oid_arc; /* "120", "80": the arc inside OIDs */
    const char *name;    /* "Regione Lazio" */
} gen_region;

typedef struct gen_comune {
    const char *name;
    const char *belfiore; /* cadastral code used by the codice fiscale */
    const char *istat;    /* ISTAT code, 6 digits */
    const char *province; /* sigla */
    const char *cap;
    size_t region; /* index into fse_gen__regions */
} gen_comune;

typedef struct gen_name {
    const char *name;
    char gender; /* 'M' or 'F' for first names, 0 for surnames */
} gen_name;

typedef struct gen_string_list {
    const char *const *items;
    size_t n;
} gen_string_list;

extern const gen_region fse_gen__regions[];
extern const size_t fse_gen__n_regions;
extern const gen_comune fse_gen__comuni[];
extern const size_t fse_gen__n_comuni;
extern const gen_name fse_gen__first_names[];
extern const size_t fse_gen__n_first_names;
extern const gen_string_list fse_gen__surnames;
extern const gen_string_list fse_gen__streets;
extern const gen_string_list fse_gen__saints; /* hospital dedications */
extern const gen_string_list fse_gen__facility_kinds;

/* A coded concept. */
typedef struct gen_concept {
    const char *code;
    const char *display;
} gen_concept;

/* Code system OIDs. */
#define GEN_OID_LOINC "2.16.840.1.113883.6.1"
#define GEN_OID_ICD9 "2.16.840.1.113883.6.103"
#define GEN_OID_ATC "2.16.840.1.113883.6.73"
#define GEN_OID_AIC "2.16.840.1.113883.2.9.6.1.5"
#define GEN_OID_GENDER "2.16.840.1.113883.5.1"
#define GEN_OID_CONF "2.16.840.1.113883.5.25"
#define GEN_OID_INTERP "2.16.840.1.113883.5.83"
#define GEN_OID_SPECIMEN "2.16.840.1.113883.5.129"
#define GEN_OID_PRIORITY "2.16.840.1.113883.5.7"
#define GEN_OID_ACTCODE "2.16.840.1.113883.5.4"
#define GEN_OID_ROUTE "2.16.840.1.113883.5.112"
#define GEN_OID_ROLECODE "2.16.840.1.113883.5.111"
#define GEN_OID_PARTFUNC "2.16.840.1.113883.2.9.5.1.88"
#define GEN_OID_CF "2.16.840.1.113883.2.9.4.3.2"
#define GEN_OID_HSP "2.16.840.1.113883.2.9.4.1.2"
#define GEN_OID_ASL "2.16.840.1.113883.2.9.4.1.1"
#define GEN_OID_STS "2.16.840.1.113883.2.9.4.1.3"
#define GEN_OID_NRE "2.16.840.1.113883.2.9.4.3.9"

/* A laboratory test: LOINC, Italian name, UCUM unit, plausible range and
 * reference interval, decimals, specimen (HL7 SpecimenType). */
typedef struct gen_lab_test {
    const char *loinc;
    const char *name;
    const char *unit;
    double lo, hi;         /* values are drawn in [lo, hi] */
    double ref_lo, ref_hi; /* normal interval */
    int decimals;
    const char *specimen; /* "BLD", "SER", "UR", ... */
} gen_lab_test;

/* A specialty section of a laboratory report with its tests. */
typedef struct gen_lab_section {
    const char *loinc;
    const char *name;
    const gen_lab_test *tests;
    size_t n_tests;
} gen_lab_section;

extern const gen_lab_section fse_gen__lab_sections[];
extern const size_t fse_gen__n_lab_sections;

/* Specimen types (HL7 SpecimenType 2.16.840.1.113883.5.129). */
const char *fse_gen__specimen_display(const char *code);

/* A radiology exam: LOINC, Italian name, findings and conclusion. */
typedef struct gen_rad_exam {
    const char *loinc;
    const char *name;
    const char *findings;
    const char *conclusion;
} gen_rad_exam;

extern const gen_rad_exam fse_gen__rad_exams[];
extern const size_t fse_gen__n_rad_exams;

/* ICD-9-CM diagnoses, with a short Italian narrative. */
extern const gen_concept fse_gen__diagnoses[];
extern const size_t fse_gen__n_diagnoses;

/* A medicine: ATC, AIC package code, Italian name, dose text. */
typedef struct gen_drug {
    const char *atc;
    const char *aic;
    const char *name;
    const char *active;
    const char *dose;
} gen_drug;

extern const gen_drug fse_gen__drugs[];
extern const size_t fse_gen__n_drugs;

/* A vaccine: ATC, AIC, name, disease target, doses in the cycle. */
typedef struct gen_vaccine {
    const char *atc;
    const char *atc_display;
    const char *aic;
    const char *name;
    const char *disease;
    int doses;
    int min_age, max_age; /* years */
    const char *targets;  /* space-separated codes of 2.16.840.1.113883.2.9.6.1.56.4 */
} gen_vaccine;

/* Italian vaccine-preventable disease list (2.16.840.1.113883.2.9.6.1.56.4). */
const char *fse_gen__vaccine_target(const char *code);
const char *fse_gen__vaccine_target_name(const char *code);

extern const gen_vaccine fse_gen__vaccines[];
extern const size_t fse_gen__n_vaccines;

/* SNOMED CT, written by the pathology report for procedures and body sites.
 * The catalog's dictionary does not manage it, so the vocabulary step skips
 * it (vocabulary-rules rule 3). */
#define GEN_OID_SNOMED "2.16.840.1.113883.6.96"

/* A pathology case: the specimen, how it was taken (SNOMED CT procedure)
 * and from where (SNOMED CT body structure), the clinical question and the
 * final diagnosis (ICD-9-CM), and the gross and microscopic findings. */
typedef struct gen_path_case {
    const char *specimen; /* Italian name of the specimen */
    gen_concept method;   /* SNOMED CT procedure */
    gen_concept site;     /* SNOMED CT body structure */
    char gender;          /* 'F' or 'M' when the case fits one sex only, else 0 */
    gen_concept question; /* ICD-9-CM clinical question */
    gen_concept diagnosis;
    const char *gross;
    const char *micro;
    const char *morphology; /* ICD-O-3 histology text of a tumour, or NULL */
    bool margins;           /* an excision: the margin status is reported */
} gen_path_case;

extern const gen_path_case fse_gen__path_cases[];
extern const size_t fse_gen__n_path_cases;

/* An emergency presentation: the main problem (ProblemaPrincipale_VPS
 * 2.16.840.1.113883.2.9.6.1.54.2), the reason in words, the ICD-9-CM
 * discharge diagnosis, the triage codes it gets (CodiceTriage_VPS 1..5),
 * the findings, what was done and the chance of admission. */
typedef struct gen_er_case {
    gen_concept problem;
    const char *reason;
    gen_concept diagnosis;
    int triage_min, triage_max; /* 1 (red) .. 5 (white) */
    const char *findings;
    const char *course;
    unsigned admit_percent;
} gen_er_case;

extern const gen_er_case fse_gen__er_cases[];
extern const size_t fse_gen__n_er_cases;

/* Medical specialties: AD_PSC code of assettoOrganizzativo and Italian name. */
typedef struct gen_specialty {
    const char *psc; /* "AD_PSC026" */
    const char *name;
} gen_specialty;

extern const gen_specialty fse_gen__specialties[];
extern const size_t fse_gen__n_specialties;

/* ------------------------------------------------------------------------ */
/* People (gen_people.c)                                                     */
/* ------------------------------------------------------------------------ */

typedef struct gen_person {
    char given[32];
    char family[48];
    char gender; /* 'M' | 'F' */
    int64_t birth_day;
    const gen_comune *birthplace;
    const gen_comune *residence;
    char street[64];
    char cf[17];
    char phone[24];
    char email[96];
} gen_person;

/* Compute the codice fiscale of a person (official algorithm). */
void fse_gen__cf(char out[17], const char *family, const char *given, char gender,
                 int64_t birth_day, const char *belfiore);
/* Draw a person living in region (SIZE_MAX: any), born between the ages. */
void fse_gen__person(gen_person *p, gen_rng *r, int64_t today, int min_age, int max_age,
                     size_t region);

/* ------------------------------------------------------------------------ */
/* Build context (gen_build.c)                                               */
/* ------------------------------------------------------------------------ */

typedef struct gen_facility {
    const gen_region *region;
    const gen_comune *city;
    char hsp[8]; /* HSP.11 "120148" */
    char asl[8]; /* FLS.11 "120201" */
    char name[96];
    char asl_name[96];
    char street[64];
    char phone[24];
} gen_facility;

typedef struct gen_ctx {
    gen_rng rng;
    const fse_gen_opts *opts;
    fse_gen_meta *meta;
    fse_err err; /* first failure; later helpers do nothing */
    xmlDocPtr doc;
    xmlNodePtr root;
    xmlNsPtr ns;     /* urn:hl7-org:v3, default */
    xmlNsPtr xsi;    /* XMLSchema-instance */
    int64_t today;   /* day number of base_date */
    int64_t t_doc;   /* document effectiveTime, local seconds */
    int64_t t_start; /* service start (encounter, sample, exam) */
    int64_t t_end;   /* service end */
    gen_person patient;
    gen_person author; /* physician who writes and signs */
    gen_person other;  /* second clinician (requester, GP, performer) */
    gen_facility facility;
    const gen_specialty *specialty;
    unsigned next_ref; /* narrative ID counter */
} gen_ctx;

/* Create an element in the HL7 namespace under parent (NULL parent: no-op). */
xmlNodePtr fse_gen__el(gen_ctx *c, xmlNodePtr parent, const char *name);
/* Set an attribute; NULL value: nothing. */
void fse_gen__attr(gen_ctx *c, xmlNodePtr node, const char *name, const char *value);
void fse_gen__attrf(gen_ctx *c, xmlNodePtr node, const char *name, const char *fmt, ...)
    FSE_PRINTF(4, 5);
/* xsi:type attribute. */
void fse_gen__xsi_type(gen_ctx *c, xmlNodePtr node, const char *type);
/* Element with text content (escaped on output). */
xmlNodePtr fse_gen__text(gen_ctx *c, xmlNodePtr parent, const char *name, const char *text);
/* Append text to an element. */
void fse_gen__add_text(gen_ctx *c, xmlNodePtr node, const char *text);
/* <name code codeSystem codeSystemName displayName/>; records the code. */
xmlNodePtr fse_gen__code(gen_ctx *c, xmlNodePtr parent, const char *name, const char *code,
                         const char *system, const char *system_name, const char *display);
/* <name root extension assigningAuthorityName/>. */
xmlNodePtr fse_gen__ii(gen_ctx *c, xmlNodePtr parent, const char *name, const char *root,
                       const char *extension, const char *authority);
/* <name value="ts"/> for local seconds. */
xmlNodePtr fse_gen__ts(gen_ctx *c, xmlNodePtr parent, const char *name, int64_t t);
/* <name><low value/><high value/></name>; high < 0 omits it. */
xmlNodePtr fse_gen__ivl(gen_ctx *c, xmlNodePtr parent, const char *name, int64_t low, int64_t high);
/* Remember a (system, code) written into the document. */
void fse_gen__note_code(gen_ctx *c, const char *system, const char *code);
/* A fresh narrative ID "<prefix>-<n>" into out. */
void fse_gen__ref_id(gen_ctx *c, char *out, size_t out_len, const char *prefix);
/* <text><paragraph ID>text</paragraph></text> and return the ID ("#ID") via ref. */
xmlNodePtr fse_gen__narrative(gen_ctx *c, xmlNodePtr section, const char *text, char *ref,
                              size_t ref_len);
/* <originalText><reference value="#ref"/></originalText>. */
void fse_gen__orig_ref(gen_ctx *c, xmlNodePtr parent, const char *ref);
/* A person's name element (given, family). */
void fse_gen__person_name(gen_ctx *c, xmlNodePtr parent, const gen_person *p, bool title);
/* addr with country/state/county/city/censusTract/postalCode/streetAddressLine. */
void fse_gen__addr(gen_ctx *c, xmlNodePtr parent, const char *use, const gen_comune *city,
                   const char *street);
/* Pick one item of a table by the context's PRNG. */
#define GEN_PICK(c, arr, n) (&(arr)[fse_gen__rng_below(&(c)->rng, (uint32_t)(n))])

/* ------------------------------------------------------------------------ */
/* Document types (gen_header.c, gen_types.c, gen_body_*.c)                  */
/* ------------------------------------------------------------------------ */

/* Header parts a type carries besides the common ones. */
enum {
    GEN_H_ORDER = 1u << 0,         /* inFulfillmentOf/order (NRE) */
    GEN_H_SERVICE = 1u << 1,       /* documentationOf/serviceEvent */
    GEN_H_ENCOUNTER = 1u << 2,     /* componentOf/encompassingEncounter */
    GEN_H_DATAENTERER = 1u << 3,   /* dataEnterer */
    GEN_H_REFERRER = 1u << 4,      /* participant REF (prescriber) */
    GEN_H_INPATIENT = 1u << 5,     /* encounter with admission/discharge (LDO) */
    GEN_H_AUTHOR_ORG = 1u << 6,    /* author/representedOrganization */
    GEN_H_AUTHENTICATOR = 1u << 7, /* authenticator */
    GEN_H_LOCAL_ID = 1u << 8,      /* second patient id: the facility's (PACS) number */
    GEN_H_EMERGENCY = 1u << 9      /* emergency visit: hours long, closed encounter (VPS) */
};

/* A code with its system, for header parts that differ per type. */
typedef struct gen_coded {
    const char *code;
    const char *system;
    const char *system_name;
    const char *display;
} gen_coded;

typedef struct gen_type gen_type;

/* Builds the structuredBody sections of one type. */
typedef void (*gen_body_fn)(gen_ctx *c, xmlNodePtr structured_body);

struct gen_type {
    fse_doc_type type;
    const char *template_ext;             /* templateId/@extension of the national template */
    const char *loinc_display;            /* ClinicalDocument/code/@displayName */
    const char *title;                    /* ClinicalDocument/title */
    unsigned header;                      /* GEN_H_* */
    const char *tipologia;                /* requestBody tipologiaStruttura */
    const char *attivita;                 /* requestBody tipoAttivitaClinica */
    const char *subject_role;             /* JWT subject_role */
    const gen_specialty *fixed_specialty; /* NULL: drawn */
    const gen_coded *service_code;        /* documentationOf/serviceEvent/code, or NULL */
    const gen_coded *encounter_code;      /* encompassingEncounter/code, or NULL */
    int min_age, max_age;                 /* patient ages */
    gen_body_fn body;
};

const gen_type *fse_gen__type(fse_doc_type type);

/* The header up to (not including) the body component. */
void fse_gen__header(gen_ctx *c, const gen_type *t);

/* Bodies, one per type (gen_body_<type>.c). */
void fse_gen__body_lab(gen_ctx *c, xmlNodePtr sb);
void fse_gen__body_rad(gen_ctx *c, xmlNodePtr sb);
void fse_gen__body_rsa(gen_ctx *c, xmlNodePtr sb);
void fse_gen__body_ldo(gen_ctx *c, xmlNodePtr sb);
void fse_gen__body_sing_vacc(gen_ctx *c, xmlNodePtr sb);
void fse_gen__body_cert_vacc(gen_ctx *c, xmlNodePtr sb);
void fse_gen__body_pss(gen_ctx *c, xmlNodePtr sb);
void fse_gen__body_rap(gen_ctx *c, xmlNodePtr sb);
void fse_gen__body_vps(gen_ctx *c, xmlNodePtr sb);

/* entry/observation with a LOINC code and an ICD-9-CM CD value (originalText
 * pointing at ref when not NULL; effectiveTime/low when low >= 0). */
xmlNodePtr fse_gen__dx_observation(gen_ctx *c, xmlNodePtr section, const char *code,
                                   const char *display, const gen_concept *dx, const char *ref,
                                   int64_t low);
/* entry/substanceAdministration of a medicine: ATC code with the AIC package
 * as translation, IVL_TS effectiveTime (high < 0: open, status active). */
xmlNodePtr fse_gen__drug(gen_ctx *c, xmlNodePtr section, const gen_drug *d, const char *mood,
                         int64_t low, int64_t high);

/* One vaccination (template 2.16.840.1.113883.2.9.10.1.11.4.1): AIC product
 * with ATC translation, route, site, dose, dose number, target diseases and,
 * when next > 0, the date the next dose is due. */
void fse_gen__vaccination(gen_ctx *c, xmlNodePtr section, const gen_vaccine *v, int dose,
                          int64_t when, int64_t next);
/* Add the vaccine's ATC to attiCliniciRegoleAccesso and its AIC to descriptions. */
void fse_gen__meta_vaccine(gen_ctx *c, const gen_vaccine *v);

/* A section: <component><section><code/><title/>...; returns the section. */
xmlNodePtr fse_gen__section(gen_ctx *c, xmlNodePtr parent, const char *template_root,
                            const char *loinc, const char *display, const char *title);

#endif /* FSE_GEN_INT_H */
