/*
 * src/bench_consult_model.c - the population of the node `fse bench
 * consult` searches: 100,000 patients (5,000 with --quick), each with a
 * registry record (birth date, region 120, a GP), most with the cura
 * consent, and BC_DOCS_PER_PATIENT documents of the types of the policy
 * matrix, written over ten years by hospitals or by the GP, some obscured
 * or maggior tutela, a few replaced by a newer version.
 *
 * Owns the model (a pure function of the patient's index and the store's
 * base time: the loader writes it, every later run recomputes what the
 * store holds without reading it back) and the expected answers: how many
 * documents the patient's GP must see (docs/policy.md applied by hand, the
 * matrix asked through fse_policy_matrix_allows) and how many current rows
 * the index holds. Does not own the store, the tokens or the runs.
 */
#include "bench_consult.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "fse/cda.h"

#define MS_PER_DAY (24LL * 60 * 60 * 1000)
#define MS_PER_YEAR (365LL * MS_PER_DAY)
/* Patients per GP (MMG ceiling 1,500). */
#define PATIENTS_PER_GP 1500u
/* Hospitals producing documents. */
#define N_FACILITIES 40u
/* Person codes: patients from 0, GPs and hospital doctors in their own ranges. */
#define CODE_GP 100000000ull
#define CODE_HOSPITAL 200000000ull
#define MODEL_SEED 0x5eedc0de2026ull
#define OID_FACILITY "2.16.840.1.113883.2.9.4.1.3"

/* Document types (all in the shipped matrix), per mille of documents, and
 * whether the GP writes them. */
typedef struct bc_type {
    const char *loinc;
    unsigned weight;
    bool by_gp;
} bc_type;

static const bc_type types[] = {
    {"11502-2", 310, false}, /* referto di laboratorio */
    {"68604-8", 100, false}, /* referto di radiologia */
    {"11488-4", 120, false}, /* referto specialistico */
    {"57833-6", 150, true},  /* prescrizione farmaceutica */
    {"57832-8", 80, true},   /* prescrizione specialistica */
    {"29304-3", 50, false},  /* erogazione farmaceutica */
    {"81223-0", 40, false},  /* erogazione specialistica */
    {"34105-7", 30, false},  /* lettera di dimissione ospedaliera */
    {"59258-4", 40, false},  /* verbale di pronto soccorso */
    {"60591-5", 20, true},   /* profilo sanitario sintetico */
    {"87273-9", 40, false},  /* singola vaccinazione */
    {"11526-1", 10, false},  /* referto di anatomia patologica */
    {"82593-5", 10, false},  /* certificato vaccinale */
};

#define N_TYPES (sizeof(types) / sizeof(types[0]))

/* splitmix64: a small deterministic generator per patient. */
static uint64_t next(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static uint64_t below(uint64_t *state, uint64_t n)
{
    return n > 0 ? next(state) % n : 0;
}

/* A time as yyyyMMdd (date_only) or yyyyMMddHHmmss, UTC. */
static void ms_text(char *out, size_t cap, int64_t ms, bool date_only)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;

    memset(&tm, 0, sizeof(tm));
    gmtime_r(&t, &tm);
    if (date_only) {
        (void)snprintf(out, cap, "%04d%02d%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
    } else {
        (void)snprintf(out, cap, "%04d%02d%02d%02d%02d%02d", tm.tm_year + 1900, tm.tm_mon + 1,
                       tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    }
}

/* Check character of a codice fiscale: odd positions through this table. */
static const unsigned char odd_value[26] = {1,  0,  5, 7, 9, 13, 15, 17, 19, 21, 2,  4,  18,
                                            20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23};

static char check_char(const char cf[15])
{
    unsigned sum = 0;
    int i;

    for (i = 0; i < 15; i++) {
        char ch = cf[i];
        unsigned v = ch >= '0' && ch <= '9' ? (unsigned)(ch - '0') : (unsigned)(ch - 'A');

        sum += (i % 2 == 0) ? odd_value[v] : v;
    }
    return (char)('A' + sum % 26);
}

void bc_model_cf(char out[17], uint64_t code, const char *birth, bool female)
{
    static const char months[] = "ABCDEHLMPRST";
    unsigned month = (unsigned)(birth[4] - '0') * 10 + (unsigned)(birth[5] - '0');
    unsigned day = (unsigned)(birth[6] - '0') * 10 + (unsigned)(birth[7] - '0');
    int i;

    /* The six name letters spell the code in base 26: unique per person. */
    for (i = 5; i >= 0; i--) {
        out[i] = (char)('A' + code % 26);
        code /= 26;
    }
    out[6] = birth[2];
    out[7] = birth[3];
    out[8] = months[(month >= 1 && month <= 12 ? month : 1) - 1];
    day += female ? 40 : 0;
    out[9] = (char)('0' + day / 10);
    out[10] = (char)('0' + day % 10);
    memcpy(out + 11, "H501", 4);
    out[15] = check_char(out);
    out[16] = '\0';
}

unsigned bc_model_n_gps(uint64_t n_patients)
{
    uint64_t n = (n_patients + PATIENTS_PER_GP - 1) / PATIENTS_PER_GP;

    return n < 4 ? 4 : (unsigned)n;
}

static void gp_cf(char out[17], unsigned gp)
{
    char birth[9];

    (void)snprintf(birth, sizeof(birth), "19%02u%02u%02u", 55 + gp % 20, 1 + gp % 12, 1 + gp % 28);
    bc_model_cf(out, CODE_GP + gp, birth, gp % 2 == 1);
}

void bc_model_hospital_doctor(char out[17], unsigned facility)
{
    char birth[9];

    (void)snprintf(birth, sizeof(birth), "19%02u%02u%02u", 60 + facility % 25, 1 + facility % 12,
                   1 + facility % 28);
    bc_model_cf(out, CODE_HOSPITAL + facility, birth, facility % 3 == 0);
}

void bc_model_practice(char *out, size_t cap, unsigned gp)
{
    (void)snprintf(out, cap, "Studio MMG %04u^^^^^&" OID_FACILITY "&ISO^^^^MMG120%04u", gp, gp);
}

void bc_model_facility(char *out, size_t cap, unsigned facility)
{
    (void)snprintf(out, cap, "Presidio Ospedaliero %02u^^^^^&" OID_FACILITY "&ISO^^^^1209010%02u",
                   facility, facility);
}

static const bc_type *pick_type(uint64_t *rng)
{
    uint64_t r = below(rng, 1000);
    size_t i;

    for (i = 0; i < N_TYPES; i++) {
        if (r < types[i].weight) {
            return &types[i];
        }
        r -= types[i].weight;
    }
    return &types[0];
}

/* 4% obscured by the patient, 2% maggior tutela (a quarter of them
 * released by the patient), 1% hidden from the parents. */
static unsigned pick_visibility(uint64_t *rng)
{
    uint64_t r = below(rng, 1000);

    if (r < 40) {
        return FSE_STORE_VIS_OBSCURED;
    }
    if (r < 55) {
        return FSE_STORE_VIS_TUTELA;
    }
    if (r < 60) {
        return FSE_STORE_VIS_TUTELA | FSE_STORE_VIS_TUTELA_RELEASED;
    }
    return r < 70 ? FSE_STORE_VIS_NOT_PARENTS : 0;
}

static void set_type(bc_doc *d, const bc_type *t)
{
    const fse_cda_doc_desc *desc = fse_cda_doc_desc_get(fse_cda_doc_by_loinc(t->loinc));

    d->loinc = t->loinc;
    d->class_code = fse_cda_class_name(fse_cda_class_for_loinc(t->loinc));
    d->format_code =
        desc->template_root != NULL && desc->template_root[0] != '\0' ? desc->template_root : NULL;
    d->by_gp = t->by_gp;
}

static void model_docs(bc_patient *p, uint64_t *rng, int64_t base_ms)
{
    size_t j;

    p->n_docs = BC_DOCS_PER_PATIENT;
    for (j = 0; j < p->n_docs; j++) {
        bc_doc *d = &p->docs[j];
        int64_t when = base_ms - (int64_t)below(rng, (uint64_t)(10 * MS_PER_YEAR));

        memset(d, 0, sizeof(*d));
        set_type(d, pick_type(rng));
        d->visibility = pick_visibility(rng);
        d->facility = (unsigned)below(rng, N_FACILITIES);
        ms_text(d->creation, sizeof(d->creation), when, false);
    }
    /* 3% of patients: the last document is a new version of the one before. */
    if (below(rng, 100) < 3) {
        bc_doc *old = &p->docs[p->n_docs - 2];
        bc_doc *d = &p->docs[p->n_docs - 1];

        d->loinc = old->loinc;
        d->class_code = old->class_code;
        d->format_code = old->format_code;
        d->by_gp = old->by_gp;
        d->facility = old->facility;
        memcpy(d->creation, old->creation, sizeof(d->creation));
        d->creation[13] = d->creation[13] == '9' ? '8' : (char)(d->creation[13] + 1);
        d->replaces = true;
        old->replaced = true;
    }
}

void bc_model_patient(bc_patient *p, uint64_t index, uint64_t n_patients, int64_t base_ms)
{
    uint64_t rng = MODEL_SEED ^ (index * 0x2545f4914f6cdd1dull);
    int64_t born = base_ms - (int64_t)below(&rng, (uint64_t)(95 * MS_PER_YEAR));
    uint64_t consent = below(&rng, 100);

    memset(p, 0, sizeof(*p));
    p->index = index;
    ms_text(p->birth, sizeof(p->birth), born, true);
    bc_model_cf(p->cf, index, p->birth, index % 2 == 1);
    p->gp = (unsigned)below(&rng, bc_model_n_gps(n_patients));
    gp_cf(p->gp_cf, p->gp);
    p->gp_from_ms = base_ms - (int64_t)below(&rng, (uint64_t)(10 * MS_PER_YEAR)) - MS_PER_DAY;
    /* 80% gave the cura consent, 5% gave it then revoked it, 15% never did. */
    if (consent < 85) {
        p->n_consents = consent < 80 ? 1 : 2;
        p->consent_ms[0] = base_ms - MS_PER_DAY - (int64_t)below(&rng, (uint64_t)(3 * MS_PER_YEAR));
        p->consent_ms[1] = p->consent_ms[0] + 1000 +
                           (int64_t)below(&rng, (uint64_t)(base_ms - p->consent_ms[0]) / 2);
    }
    model_docs(p, &rng, base_ms);
}

bool bc_model_minor(const char *birth, int64_t at_ms)
{
    time_t t = (time_t)(at_ms / 1000);
    struct tm tm;
    int by = 0;
    int bmd = 0;
    int age;
    int i;

    if (birth == NULL || strlen(birth) != 8 || gmtime_r(&t, &tm) == NULL) {
        return false;
    }
    for (i = 0; i < 4; i++) {
        by = by * 10 + (birth[i] - '0');
    }
    for (i = 4; i < 8; i++) {
        bmd = bmd * 10 + (birth[i] - '0');
    }
    age = tm.tm_year + 1900 - by;
    if ((tm.tm_mon + 1) * 100 + tm.tm_mday < bmd) {
        age--;
    }
    return age < 18;
}

bool bc_model_consent_effective(const bc_patient *p, int64_t now_ms)
{
    /* The last act decides: a revocation, or the consent given then. */
    if (p->n_consents != 1) {
        return false;
    }
    return fse_policy_consent_effective(true, bc_model_minor(p->birth, p->consent_ms[0]),
                                        bc_model_minor(p->birth, now_ms));
}

size_t bc_model_visible(const bc_patient *p, const fse_policy *pol, int64_t now_ms)
{
    bool record = bc_model_consent_effective(p, now_ms);
    size_t n = 0;
    size_t j;

    for (j = 0; j < p->n_docs; j++) {
        const bc_doc *d = &p->docs[j];
        unsigned v = d->visibility;
        bool hidden = (v & FSE_STORE_VIS_OBSCURED) != 0 ||
                      ((v & FSE_STORE_VIS_TUTELA) != 0 && (v & FSE_STORE_VIS_TUTELA_RELEASED) == 0);

        if (d->replaced) {
            continue;
        }
        /* The producer reads its own documents whatever the consent; the
         * GP with the consent reads the record but hidden documents and
         * types the matrix denies to doctors. */
        if (d->by_gp || (record && !hidden &&
                         fse_policy_matrix_allows(pol, FSE_POLICY_ROLE_DOCTOR, d->loinc))) {
            n++;
        }
    }
    return n;
}

size_t bc_model_current(const bc_patient *p)
{
    size_t n = 0;
    size_t j;

    for (j = 0; j < p->n_docs; j++) {
        n += p->docs[j].replaced ? 0 : 1;
    }
    return n;
}

uint64_t bc_model_pool_patient(size_t k, size_t n, uint64_t n_patients)
{
    uint64_t step = n > 0 && n_patients > n ? n_patients / n : 1;

    return ((uint64_t)k * step + step / 2) % n_patients;
}
