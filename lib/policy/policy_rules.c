/*
 * lib/policy/policy_rules.c - the decisions of consultation.
 *
 * Owns purposes and role classes, the record scope (may this subject look
 * at this patient at all), the document decision (visibility first, then
 * the producer exception, consent, relation, matrix and the emergency
 * order), the citizen's self-service acts, and the names and Italian texts
 * of every reason. docs/policy.md states the same rules in prose; the
 * access-matrix test derives its expectations from that text, not from
 * this file.
 */
#include "policy_int.h"

#include <string.h>

#include "fse/store.h"

/* ---- Names -------------------------------------------------------------- */

typedef struct purpose_name {
    const char *name;
    fse_policy_purpose purpose;
} purpose_name;

static const purpose_name purposes[] = {
    {"TREATMENT", FSE_POLICY_PURPOSE_TREATMENT},
    {"EMERGENCY", FSE_POLICY_PURPOSE_EMERGENCY},
    {"PUBEMERGENCY", FSE_POLICY_PURPOSE_PUBEMERGENCY},
    {"PERSONAL", FSE_POLICY_PURPOSE_PERSONAL},
    {"UPDATE", FSE_POLICY_PURPOSE_UPDATE},
};

fse_policy_purpose fse_policy_purpose_parse(const char *purpose_of_use)
{
    size_t i;

    for (i = 0; purpose_of_use != NULL && i < sizeof(purposes) / sizeof(purposes[0]); i++) {
        if (strcmp(purposes[i].name, purpose_of_use) == 0) {
            return purposes[i].purpose;
        }
    }
    return FSE_POLICY_PURPOSE_UNKNOWN;
}

typedef struct role_name {
    const char *role;
    fse_policy_role_class cls;
} role_name;

/* IMPLEMENTATION-OF: domain-rules §4.5 "M = medico (APR, DRS, RSA, MRP; the
 * code adds AAS). I = INF. F = FAR. ASS/TUT/ING/GEN get the patient's whole
 * own FSE" (the visibility rules below restrict the last sentence). */
static const role_name roles[] = {
    {"APR", FSE_POLICY_ROLE_DOCTOR},     {"AAS", FSE_POLICY_ROLE_DOCTOR},
    {"DRS", FSE_POLICY_ROLE_DOCTOR},     {"RSA", FSE_POLICY_ROLE_DOCTOR},
    {"MRP", FSE_POLICY_ROLE_DOCTOR},     {"INF", FSE_POLICY_ROLE_NURSE},
    {"FAR", FSE_POLICY_ROLE_PHARMACIST}, {"ASS", FSE_POLICY_ROLE_PATIENT},
    {"TUT", FSE_POLICY_ROLE_GUARDIAN},   {"GEN", FSE_POLICY_ROLE_PARENT},
    {"ING", FSE_POLICY_ROLE_DELEGATE},
};

fse_policy_role_class fse_policy_role_class_of(const char *subject_role)
{
    size_t i;

    for (i = 0; subject_role != NULL && i < sizeof(roles) / sizeof(roles[0]); i++) {
        if (strcmp(roles[i].role, subject_role) == 0) {
            return roles[i].cls;
        }
    }
    return FSE_POLICY_ROLE_NONE;
}

typedef struct reason_info {
    const char *name;
    const char *text;
} reason_info;

static const reason_info reasons[] = {
    [FSE_POLICY_OK_SELF] = {"self", "Consultazione da parte dell'assistito"},
    [FSE_POLICY_OK_REPRESENTATIVE] = {"representative",
                                      "Consultazione da parte del tutore o del genitore"},
    [FSE_POLICY_OK_DELEGATE] = {"delegate", "Consultazione da parte di un delegato"},
    [FSE_POLICY_OK_PRODUCER] = {"producer",
                                "Consultazione da parte della struttura che ha prodotto il "
                                "documento"},
    [FSE_POLICY_OK_CARE] = {"care", "Consultazione per finalita' di cura"},
    [FSE_POLICY_OK_EMERGENCY] = {"emergency", "Consultazione in emergenza"},
    [FSE_POLICY_OK_PROFILASSI] = {"profilassi", "Consultazione per profilassi internazionale"},
    [FSE_POLICY_DENY_ROLE] = {"deny-role", "Ruolo non abilitato alla consultazione"},
    [FSE_POLICY_DENY_PURPOSE] = {"deny-purpose", "Finalita' non ammessa per il ruolo"},
    [FSE_POLICY_DENY_RELATION] = {"deny-relation",
                                  "Nessuna presa in carico, delega o accesso in emergenza "
                                  "in corso"},
    [FSE_POLICY_DENY_CONSENT] = {"deny-consent",
                                 "Consenso alla consultazione non espresso o revocato"},
    [FSE_POLICY_DENY_MATRIX] = {"deny-matrix",
                                "Tipo di documento non consultabile con questo ruolo"},
    [FSE_POLICY_DENY_HIDDEN] = {"deny-hidden", "Documento non visibile"},
    [FSE_POLICY_DENY_PSS_FIRST] = {"deny-pss-first",
                                   "In emergenza si consulta prima il Profilo Sanitario "
                                   "Sintetico"},
    [FSE_POLICY_DENY_ACT] = {"deny-act", "Operazione non consentita per il ruolo"},
};

static const reason_info *reason_get(fse_policy_reason reason)
{
    if ((size_t)reason >= sizeof(reasons) / sizeof(reasons[0]) || reasons[reason].name == NULL) {
        return NULL;
    }
    return &reasons[reason];
}

const char *fse_policy_reason_name(fse_policy_reason reason)
{
    const reason_info *r = reason_get(reason);

    return r != NULL ? r->name : "";
}

const char *fse_policy_reason_text(fse_policy_reason reason)
{
    const reason_info *r = reason_get(reason);

    return r != NULL ? r->text : "Motivo sconosciuto";
}

/* ---- Decisions ---------------------------------------------------------- */

bool fse_policy_consent_effective(bool given, bool given_while_minor, bool minor_now)
{
    return given && (!given_while_minor || minor_now);
}

static void allow(fse_policy_decision *d, fse_policy_reason reason, bool shown_obscured)
{
    d->allow = true;
    d->reason = reason;
    d->as_absent = false;
    d->shown_obscured = shown_obscured;
}

static void deny(fse_policy_decision *d, fse_policy_reason reason, bool as_absent)
{
    d->allow = false;
    d->reason = reason;
    d->as_absent = as_absent;
    d->shown_obscured = false;
}

static bool is_professional(fse_policy_role_class cls)
{
    return cls == FSE_POLICY_ROLE_DOCTOR || cls == FSE_POLICY_ROLE_NURSE ||
           cls == FSE_POLICY_ROLE_PHARMACIST;
}

static bool is_citizen(fse_policy_role_class cls)
{
    return cls == FSE_POLICY_ROLE_PATIENT || cls == FSE_POLICY_ROLE_GUARDIAN ||
           cls == FSE_POLICY_ROLE_PARENT || cls == FSE_POLICY_ROLE_DELEGATE;
}

/* Citizen side: the relation the role needs, and the reason it gives. */
static fse_policy_scope citizen_scope(fse_policy_role_class cls, const fse_policy_subject *sub,
                                      const fse_policy_patient *pat, fse_policy_decision *d)
{
    unsigned need = 0;
    fse_policy_reason ok = FSE_POLICY_OK_SELF;

    if (sub->purpose != FSE_POLICY_PURPOSE_PERSONAL) {
        deny(d, FSE_POLICY_DENY_PURPOSE, false);
        return FSE_POLICY_SCOPE_NONE;
    }
    switch (cls) {
    case FSE_POLICY_ROLE_PATIENT:
        need = FSE_POLICY_REL_SELF;
        break;
    case FSE_POLICY_ROLE_GUARDIAN:
        need = FSE_POLICY_REL_GUARDIAN;
        ok = FSE_POLICY_OK_REPRESENTATIVE;
        break;
    case FSE_POLICY_ROLE_PARENT:
        /* IMPLEMENTATION-OF: DM23 art.8 c.2 and art.11 c.6: parents act
         * for a minor only. */
        need = pat->minor ? FSE_POLICY_REL_PARENT : 0;
        ok = FSE_POLICY_OK_REPRESENTATIVE;
        break;
    default:
        need = FSE_POLICY_REL_DELEGATE;
        ok = FSE_POLICY_OK_DELEGATE;
        break;
    }
    if (need == 0 || (sub->relations & need) == 0) {
        deny(d, FSE_POLICY_DENY_RELATION, false);
        return FSE_POLICY_SCOPE_NONE;
    }
    allow(d, ok, false);
    return FSE_POLICY_SCOPE_RECORD;
}

/* Professionals, purpose TREATMENT: consent, then GP or declared care. */
static fse_policy_scope treatment_scope(fse_policy_role_class cls, const fse_policy_subject *sub,
                                        const fse_policy_patient *pat, fse_policy_decision *d)
{
    /* IMPLEMENTATION-OF: DM23 art.15 (a) the MMG/PLS while the assistance
     * lasts, (b) other professionals after declaring ongoing care; always
     * with the art.8 consent for cura. */
    bool gp = cls == FSE_POLICY_ROLE_DOCTOR && (sub->relations & FSE_POLICY_REL_GP) != 0;
    bool care = (sub->relations & FSE_POLICY_REL_CARE) != 0;

    if (!pat->consent_cura) {
        deny(d, FSE_POLICY_DENY_CONSENT, false);
        return FSE_POLICY_SCOPE_PRODUCED;
    }
    if (!gp && !care) {
        deny(d, FSE_POLICY_DENY_RELATION, false);
        return FSE_POLICY_SCOPE_PRODUCED;
    }
    allow(d, FSE_POLICY_OK_CARE, false);
    return FSE_POLICY_SCOPE_RECORD;
}

/* Professionals: the purpose decides what they need. */
static fse_policy_scope professional_scope(fse_policy_role_class cls, const fse_policy_subject *sub,
                                           const fse_policy_patient *pat, fse_policy_decision *d)
{
    switch (sub->purpose) {
    case FSE_POLICY_PURPOSE_TREATMENT:
        return treatment_scope(cls, sub, pat, d);
    case FSE_POLICY_PURPOSE_EMERGENCY:
        /* IMPLEMENTATION-OF: DM23 art.20: a doctor or nurse with a recorded
         * break-the-glass grant (reason, time limit), consent not needed. */
        if (cls == FSE_POLICY_ROLE_PHARMACIST) {
            deny(d, FSE_POLICY_DENY_PURPOSE, false);
            return FSE_POLICY_SCOPE_NONE;
        }
        if ((sub->relations & FSE_POLICY_REL_EMERGENCY) == 0) {
            deny(d, FSE_POLICY_DENY_RELATION, false);
            return FSE_POLICY_SCOPE_PRODUCED;
        }
        allow(d, FSE_POLICY_OK_EMERGENCY, false);
        return FSE_POLICY_SCOPE_RECORD;
    case FSE_POLICY_PURPOSE_PUBEMERGENCY:
        /* IMPLEMENTATION-OF: DM23 art.8 c.1 a-ter: profilassi internazionale
         * with its own consent; doctors only. */
        if (cls != FSE_POLICY_ROLE_DOCTOR) {
            deny(d, FSE_POLICY_DENY_PURPOSE, false);
            return FSE_POLICY_SCOPE_NONE;
        }
        if (!pat->consent_profilassi) {
            deny(d, FSE_POLICY_DENY_CONSENT, false);
            return FSE_POLICY_SCOPE_PRODUCED;
        }
        allow(d, FSE_POLICY_OK_PROFILASSI, false);
        return FSE_POLICY_SCOPE_RECORD;
    case FSE_POLICY_PURPOSE_UPDATE:
        /* The producer's own lookups (domain-rules §4.3, INI read). */
        deny(d, FSE_POLICY_DENY_PURPOSE, false);
        return FSE_POLICY_SCOPE_PRODUCED;
    default:
        deny(d, FSE_POLICY_DENY_PURPOSE, false);
        return FSE_POLICY_SCOPE_NONE;
    }
}

fse_policy_scope fse_policy_record_scope(const fse_policy *p, const fse_policy_subject *sub,
                                         const fse_policy_patient *pat,
                                         fse_policy_decision *decision_out)
{
    fse_policy_decision ignored;
    fse_policy_decision *d = decision_out != NULL ? decision_out : &ignored;
    fse_policy_role_class cls;

    (void)p;
    if (sub == NULL || pat == NULL) {
        deny(d, FSE_POLICY_DENY_ROLE, false);
        return FSE_POLICY_SCOPE_NONE;
    }
    cls = fse_policy_role_class_of(sub->role);
    if (is_citizen(cls)) {
        return citizen_scope(cls, sub, pat, d);
    }
    if (is_professional(cls)) {
        return professional_scope(cls, sub, pat, d);
    }
    deny(d, FSE_POLICY_DENY_ROLE, false);
    return FSE_POLICY_SCOPE_NONE;
}

/* Visibility bits of a document, seen by a citizen-side class: whether it
 * stays hidden from that class. */
static bool hidden_from_citizen(fse_policy_role_class cls, unsigned vis)
{
    bool tutela = (vis & FSE_STORE_VIS_TUTELA) != 0 && (vis & FSE_STORE_VIS_TUTELA_RELEASED) == 0;
    bool not_patient = (vis & FSE_STORE_VIS_NOT_PATIENT) != 0;

    switch (cls) {
    case FSE_POLICY_ROLE_PATIENT:
        /* P98: obscured to the patient. */
        return not_patient;
    case FSE_POLICY_ROLE_GUARDIAN:
        /* Acts as the patient, but maggior tutela data are the patient's
         * own until released (DM23 art.6 c.1). */
        return not_patient || tutela;
    case FSE_POLICY_ROLE_PARENT:
        /* P97: obscured to the parent. */
        return not_patient || tutela || (vis & FSE_STORE_VIS_NOT_PARENTS) != 0;
    default:
        /* A voluntary delegate sees nothing obscured. */
        return not_patient || tutela || (vis & FSE_STORE_VIS_OBSCURED) != 0;
    }
}

/* Whether the document is obscured or an unreleased maggior tutela one. */
static bool obscured(unsigned vis)
{
    return (vis & FSE_STORE_VIS_OBSCURED) != 0 ||
           ((vis & FSE_STORE_VIS_TUTELA) != 0 && (vis & FSE_STORE_VIS_TUTELA_RELEASED) == 0);
}

static void citizen_document(fse_policy_role_class cls, const fse_policy_decision *scope,
                             const fse_policy_doc *doc, fse_policy_decision *d)
{
    if (hidden_from_citizen(cls, doc->visibility)) {
        deny(d, FSE_POLICY_DENY_HIDDEN, true);
        return;
    }
    allow(d, scope->reason, obscured(doc->visibility));
}

static void professional_document(const fse_policy *p, fse_policy_role_class cls,
                                  const fse_policy_subject *sub, fse_policy_scope scope,
                                  const fse_policy_decision *sd, const fse_policy_doc *doc,
                                  fse_policy_decision *d)
{
    /* IMPLEMENTATION-OF: DPCM178 art.8 c.1 (kept by DM23): obscured data
     * stay visible to the controller that generated them, who also reads
     * its own documents without the consultation consent. */
    if (doc->by_subject) {
        allow(d, FSE_POLICY_OK_PRODUCER, obscured(doc->visibility));
        return;
    }
    if (scope != FSE_POLICY_SCOPE_RECORD) {
        deny(d, sd->reason, true);
        return;
    }
    /* IMPLEMENTATION-OF: DM23 art.15 c.2 and art.20: obscured data are
     * excluded from cura and from emergency access. */
    if (obscured(doc->visibility)) {
        deny(d, FSE_POLICY_DENY_HIDDEN, true);
        return;
    }
    if (!fse_policy_matrix_allows(p, cls, doc->type_code)) {
        deny(d, FSE_POLICY_DENY_MATRIX, true);
        return;
    }
    /* IMPLEMENTATION-OF: DM23 art.20: emergency access goes first to the
     * patient summary. */
    if (sub->purpose == FSE_POLICY_PURPOSE_EMERGENCY && !sub->emergency_pss_read &&
        (doc->type_code == NULL || strcmp(doc->type_code, FSE_POLICY_LOINC_PSS) != 0)) {
        deny(d, FSE_POLICY_DENY_PSS_FIRST, true);
        return;
    }
    allow(d, sd->reason, false);
}

void fse_policy_document(const fse_policy *p, const fse_policy_subject *sub,
                         const fse_policy_patient *pat, const fse_policy_doc *doc,
                         fse_policy_decision *decision_out)
{
    fse_policy_decision sd;
    fse_policy_decision ignored;
    fse_policy_decision *d = decision_out != NULL ? decision_out : &ignored;
    fse_policy_scope scope;
    fse_policy_role_class cls;

    if (doc == NULL) {
        deny(d, FSE_POLICY_DENY_HIDDEN, true);
        return;
    }
    scope = fse_policy_record_scope(p, sub, pat, &sd);
    cls = sub != NULL ? fse_policy_role_class_of(sub->role) : FSE_POLICY_ROLE_NONE;
    if (is_citizen(cls)) {
        if (scope != FSE_POLICY_SCOPE_RECORD) {
            deny(d, sd.reason, true);
            return;
        }
        citizen_document(cls, &sd, doc, d);
        return;
    }
    if (is_professional(cls) && scope != FSE_POLICY_SCOPE_NONE) {
        professional_document(p, cls, sub, scope, &sd, doc, d);
        return;
    }
    deny(d, sd.reason, true);
}

/* Acts a delegate may do for the patient: consents (DM23 art.8 c.5), the
 * log and notifications; not obscuring (it would need to see obscured
 * documents) nor managing delegates. */
static bool delegate_may(fse_policy_act act)
{
    return act == FSE_POLICY_ACT_CONSENT || act == FSE_POLICY_ACT_LOG ||
           act == FSE_POLICY_ACT_NOTIFY;
}

void fse_policy_citizen_act(const fse_policy *p, const fse_policy_subject *sub,
                            const fse_policy_patient *pat, fse_policy_act act,
                            fse_policy_decision *decision_out)
{
    fse_policy_decision ignored;
    fse_policy_decision *d = decision_out != NULL ? decision_out : &ignored;
    fse_policy_role_class cls =
        sub != NULL ? fse_policy_role_class_of(sub->role) : FSE_POLICY_ROLE_NONE;

    if ((unsigned)act >= (unsigned)FSE_POLICY_ACT_COUNT || !is_citizen(cls)) {
        deny(d, FSE_POLICY_DENY_ACT, false);
        return;
    }
    if (fse_policy_record_scope(p, sub, pat, d) != FSE_POLICY_SCOPE_RECORD) {
        return;
    }
    if (cls == FSE_POLICY_ROLE_DELEGATE && !delegate_may(act)) {
        deny(d, FSE_POLICY_DENY_ACT, false);
    }
}
