/*
 * tests/policy/pt_oracle.c - docs/policy.md as code, for the tests.
 *
 * Each function quotes the paragraph it implements. The matrix is the
 * table of the page, typed in again. Nothing here comes from lib/policy.
 */
#include "pt_oracle.h"

#include <string.h>

/* "## Matrix (shipped defaults)". Rows with two LOINCs are two rows. */
const pt_matrix_row pt_matrix[] = {
    {"11502-2", "referto di laboratorio", true, true, false},
    {"68604-8", "referto di radiologia", true, true, false},
    {"11488-4", "referto specialistico", true, true, false},
    {"11526-1", "referto di anatomia patologica", true, false, false},
    {"59258-4", "verbale di pronto soccorso", true, true, false},
    {"34105-7", "lettera di dimissione ospedaliera", true, true, false},
    {"18842-5", "lettera di dimissione non ospedaliera", true, true, false},
    {"60591-5", "profilo sanitario sintetico", true, true, false},
    {"100971-1", "cartella clinica", true, true, false},
    {"57833-6", "prescrizione farmaceutica", true, false, true},
    {"57832-8", "prescrizione specialistica", true, true, false},
    {"60593-1", "erogazione farmaci", true, true, true},
    {"29304-3", "erogazione farmaceutica TS", true, true, true},
    {"87273-9", "singola vaccinazione", true, true, false},
    {"82593-5", "certificato vaccinale", true, true, false},
    {"81223-0", "erogazione specialistica", true, true, false},
    {"101881-1", "tessera portatori di impianto", true, false, false},
    {"108278-7", "invito screening", true, true, false},
    {"108276-7", "invito screening", true, true, false},
    {"75496-0", "televisita", true, true, false},
    {"85208-7", "teleconsulto", true, true, false},
};

const size_t pt_matrix_len = sizeof(pt_matrix) / sizeof(pt_matrix[0]);

/* "## Role classes". */
pt_class pt_class_of(const char *role)
{
    static const struct {
        const char *role;
        pt_class c;
    } table[] = {
        {"APR", PT_CLASS_DOCTOR},     {"AAS", PT_CLASS_DOCTOR},   {"DRS", PT_CLASS_DOCTOR},
        {"RSA", PT_CLASS_DOCTOR},     {"MRP", PT_CLASS_DOCTOR},   {"INF", PT_CLASS_NURSE},
        {"FAR", PT_CLASS_PHARMACIST}, {"ASS", PT_CLASS_PATIENT},  {"TUT", PT_CLASS_GUARDIAN},
        {"GEN", PT_CLASS_PARENT},     {"ING", PT_CLASS_DELEGATE},
    };
    size_t i;

    for (i = 0; role != NULL && i < sizeof(table) / sizeof(table[0]); i++) {
        if (strcmp(table[i].role, role) == 0) {
            return table[i].c;
        }
    }
    return PT_CLASS_NONE; /* "every other role: never consults" */
}

bool pt_class_professional(pt_class c)
{
    return c == PT_CLASS_DOCTOR || c == PT_CLASS_NURSE || c == PT_CLASS_PHARMACIST;
}

bool pt_class_citizen(pt_class c)
{
    return c == PT_CLASS_PATIENT || c == PT_CLASS_GUARDIAN || c == PT_CLASS_PARENT ||
           c == PT_CLASS_DELEGATE;
}

bool pt_matrix_allows(pt_class c, const char *loinc)
{
    size_t i;

    for (i = 0; loinc != NULL && i < pt_matrix_len; i++) {
        if (strcmp(pt_matrix[i].loinc, loinc) == 0) {
            return (c == PT_CLASS_DOCTOR && pt_matrix[i].m) ||
                   (c == PT_CLASS_NURSE && pt_matrix[i].i) ||
                   (c == PT_CLASS_PHARMACIST && pt_matrix[i].f);
        }
    }
    return false; /* "Any other LOINC: denied to every professional" */
}

static bool is(const char *a, const char *b)
{
    return a != NULL && strcmp(a, b) == 0;
}

/* "Citizen side (purpose must be PERSONAL, else refused): ASS needs self;
 * TUT needs guardian; GEN needs parent and a minor patient; ING needs
 * delegate. Without it: refused." A parent record "counts only while the
 * patient is a minor". */
static pt_scope citizen_scope(pt_class c, const pt_facts *f)
{
    bool ok = false;

    if (!is(f->purpose, "PERSONAL")) {
        return PT_SCOPE_NONE;
    }
    switch (c) {
    case PT_CLASS_PATIENT:
        ok = (f->rel & PT_REL_SELF) != 0;
        break;
    case PT_CLASS_GUARDIAN:
        ok = (f->rel & PT_REL_GUARDIAN) != 0;
        break;
    case PT_CLASS_PARENT:
        ok = (f->rel & PT_REL_PARENT) != 0 && f->minor;
        break;
    default:
        ok = (f->rel & PT_REL_DELEGATE) != 0;
        break;
    }
    return ok ? PT_SCOPE_RECORD : PT_SCOPE_NONE;
}

/* "Professionals (doctor, nurse, pharmacist)": the purpose decides. */
static pt_scope professional_scope(pt_class c, const pt_facts *f)
{
    if (is(f->purpose, "TREATMENT")) {
        /* "without the cura consent -> produced only; with it, a doctor with
         * GP, or anyone with care -> record; otherwise produced only." */
        if (!f->cura) {
            return PT_SCOPE_PRODUCED;
        }
        if ((c == PT_CLASS_DOCTOR && (f->rel & PT_REL_GP) != 0) || (f->rel & PT_REL_CARE) != 0) {
            return PT_SCOPE_RECORD;
        }
        return PT_SCOPE_PRODUCED;
    }
    if (is(f->purpose, "EMERGENCY")) {
        /* "doctors and nurses; with emergency -> record (consent not
         * needed), otherwise produced only. Pharmacists: refused." */
        if (c == PT_CLASS_PHARMACIST) {
            return PT_SCOPE_NONE;
        }
        return (f->rel & PT_REL_EMERGENCY) != 0 ? PT_SCOPE_RECORD : PT_SCOPE_PRODUCED;
    }
    if (is(f->purpose, "PUBEMERGENCY")) {
        /* "doctors only; with the profilassi consent -> record, otherwise
         * produced only. Others: refused." */
        if (c != PT_CLASS_DOCTOR) {
            return PT_SCOPE_NONE;
        }
        return f->profilassi ? PT_SCOPE_RECORD : PT_SCOPE_PRODUCED;
    }
    if (is(f->purpose, "UPDATE")) {
        return PT_SCOPE_PRODUCED; /* "UPDATE: produced only." */
    }
    return PT_SCOPE_NONE; /* "PERSONAL or anything else: refused." */
}

pt_scope pt_oracle_scope(const pt_facts *f)
{
    pt_class c = pt_class_of(f->role);

    if (pt_class_citizen(c)) {
        return citizen_scope(c, f);
    }
    if (pt_class_professional(c)) {
        return professional_scope(c, f);
    }
    return PT_SCOPE_NONE; /* "Other roles: refused." */
}

/* "A document is hidden when it is obscured, or tutela and not released." */
bool pt_hidden(unsigned vis)
{
    return (vis & FSE_STORE_VIS_OBSCURED) != 0 ||
           ((vis & FSE_STORE_VIS_TUTELA) != 0 && (vis & FSE_STORE_VIS_TUTELA_RELEASED) == 0);
}

static bool unreleased_tutela(unsigned vis)
{
    return (vis & FSE_STORE_VIS_TUTELA) != 0 && (vis & FSE_STORE_VIS_TUTELA_RELEASED) == 0;
}

/* "Citizen side (scope must be record)". */
static bool citizen_doc(pt_class c, const pt_doc *d, bool *marked)
{
    bool not_patient = (d->vis & FSE_STORE_VIS_NOT_PATIENT) != 0;
    bool not_parents = (d->vis & FSE_STORE_VIS_NOT_PARENTS) != 0;
    bool ok;

    switch (c) {
    case PT_CLASS_PATIENT:
        /* "sees everything except not-patient (P98); hidden documents are
         * shown and marked as obscured" */
        ok = !not_patient;
        break;
    case PT_CLASS_GUARDIAN:
        /* "as the patient, except unreleased tutela" */
        ok = !not_patient && !unreleased_tutela(d->vis);
        break;
    case PT_CLASS_PARENT:
        /* "as the guardian, and not not-parents (P97)" */
        ok = !not_patient && !unreleased_tutela(d->vis) && !not_parents;
        break;
    default:
        /* delegate: "nothing hidden, nothing not-patient" */
        ok = !not_patient && !pt_hidden(d->vis);
        return ok;
    }
    *marked = ok && pt_hidden(d->vis);
    return ok;
}

/* "Professionals:" the numbered steps. */
static bool professional_doc(pt_class c, pt_scope scope, const pt_facts *f, const pt_doc *d)
{
    if (scope == PT_SCOPE_NONE) {
        return false; /* a refused record shows nothing */
    }
    if (d->produced) {
        return true; /* 1. "allowed (also when hidden), whatever the consent, relation or matrix" */
    }
    if (scope != PT_SCOPE_RECORD) {
        return false; /* 2. */
    }
    if (pt_hidden(d->vis)) {
        return false; /* 3. */
    }
    if (!pt_matrix_allows(c, d->loinc)) {
        return false; /* 4. */
    }
    /* 5. "EMERGENCY and the PSS (60591-5) not yet read under the grant (and
     * the patient has one): only the PSS is visible." */
    if (is(f->purpose, "EMERGENCY") && !f->pss_read && f->has_pss && !is(d->loinc, PT_LOINC_PSS)) {
        return false;
    }
    return true; /* 6. */
}

bool pt_oracle_doc(const pt_facts *f, const pt_doc *d, bool *marked_out)
{
    pt_class c = pt_class_of(f->role);
    pt_scope scope = pt_oracle_scope(f);
    bool marked = false;
    bool ok = false;

    if (pt_class_citizen(c)) {
        ok = scope == PT_SCOPE_RECORD && citizen_doc(c, d, &marked);
    } else if (pt_class_professional(c)) {
        ok = professional_doc(c, scope, f, d);
    }
    if (marked_out != NULL) {
        *marked_out = ok && marked;
    }
    return ok;
}

/* "A consent is effective when the last act for its purpose gave it, and,
 * if that act was made while the patient was a minor, the patient still is
 * one." */
bool pt_oracle_consent(bool given, bool given_while_minor, bool minor_now)
{
    if (!given) {
        return false;
    }
    return !given_while_minor || minor_now;
}

/* "## Citizen's acts": purpose PERSONAL, scope record; the patient, the
 * guardian and the parent of a minor may do every act; a delegate may give
 * or revoke consents, read the access log and set notifications, not change
 * visibility nor delegates; professionals: none. */
bool pt_oracle_act(const pt_facts *f, pt_act act)
{
    pt_class c = pt_class_of(f->role);

    if (!pt_class_citizen(c) || pt_oracle_scope(f) != PT_SCOPE_RECORD) {
        return false;
    }
    if (c == PT_CLASS_DELEGATE) {
        return act == PT_ACT_CONSENT || act == PT_ACT_LOG || act == PT_ACT_NOTIFY;
    }
    return true;
}
