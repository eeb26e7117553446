/*
 * lib/gen/gen_body_vps.c - body of the emergency department report (VPS,
 * template 2.16.840.1.113883.2.9.10.1.6.1): the four mandatory sections -
 * arrival mode and who sent the patient (11459-5, ERRORE-b1..b3, b76..b79),
 * reason for the visit with the main problem and the cause of access
 * (46239-0, ERRORE-b4..b15), triage with its code and nurse (54094-8,
 * ERRORE-b16..b18, b80..b84) and discharge with outcome and ICD-9-CM
 * diagnosis (28574-2, ERRORE-b19..b37, b237..b239) - plus the initial
 * assessment with the physical examination (78337-3 / 29545-1), vital signs
 * (8716-3, ERRORE-b188..b196), the course in the department (8648-8) and
 * the care plan (18776-5).
 *
 * Owns the story of one visit; the presentations are gen_codes_vps.c and
 * the visit times (arrival, discharge) gen.c. Every person is an
 * assignedEntity with only the codice fiscale id (ERRORE-54/55) and no addr
 * (ERRORE-56).
 */
#include "gen_int.h"

#include <stdio.h>

#define TPL "2.16.840.1.113883.2.9.10.1.6."
#define OID_PROBLEM "2.16.840.1.113883.2.9.6.1.54.2"
#define OID_TRIAGE "2.16.840.1.113883.2.9.6.1.54.4"
#define OID_OUTCOME "2.16.840.1.113883.2.9.6.1.54.5"
#define OID_TRANSPORT "2.16.840.1.113883.2.9.6.1.54.6"
#define OID_SENDER "2.16.840.1.113883.2.9.6.1.54.1"
#define OID_ACT_CODE_IT "2.16.840.1.113883.2.9.5.1.4"

/* CodiceTriage_VPS, the five-colour scale of 2019. */
static const gen_concept triage_codes[] = {
    {"1", "Rosso - EMERGENZA"},
    {"2", "Arancione - URGENZA"},
    {"3", "Azzurro - URGENZA DIFFERIBILE"},
    {"4", "Verde - URGENZA MINORE"},
    {"5", "Bianco - NON URGENZA"},
};

/* What one visit drew. */
typedef struct visit {
    const gen_er_case *ec;
    const gen_concept *triage;
    int64_t t_triage;
    bool admitted;
    const gen_concept *outcome;
} visit;

static xmlNodePtr observation(gen_ctx *c, xmlNodePtr parent, const char *tpl, const char *loinc,
                              const char *display)
{
    xmlNodePtr obs = fse_gen__el(c, parent, "observation");

    fse_gen__attr(c, obs, "classCode", "OBS");
    fse_gen__attr(c, obs, "moodCode", "EVN");
    fse_gen__attr(c, fse_gen__el(c, obs, "templateId"), "root", tpl);
    fse_gen__code(c, obs, "code", loinc, GEN_OID_LOINC, "LOINC", display);
    fse_gen__attr(c, fse_gen__el(c, obs, "statusCode"), "code", "completed");
    return obs;
}

static void cd_value(gen_ctx *c, xmlNodePtr obs, const char *system, const char *system_name,
                     const gen_concept *v)
{
    xmlNodePtr n = fse_gen__code(c, obs, "value", v->code, system, system_name, v->display);

    fse_gen__xsi_type(c, n, "CD");
}

/* performer/assignedEntity with the codice fiscale and the name. */
static void performer(gen_ctx *c, xmlNodePtr parent, const gen_person *p)
{
    xmlNodePtr perf = fse_gen__el(c, parent, "performer");
    xmlNodePtr ae;

    fse_gen__attr(c, perf, "typeCode", "PRF");
    ae = fse_gen__el(c, perf, "assignedEntity");
    fse_gen__ii(c, ae, "id", GEN_OID_CF, p->cf, "MEF");
    fse_gen__person_name(c, fse_gen__el(c, ae, "assignedPerson"), p, false);
}

static void transport(gen_ctx *c, xmlNodePtr sb, const visit *vi)
{
    static const gen_concept ambulance = {"1", "Ambulanza 118"};
    static const gen_concept own = {"3", "Autonomo (arrivato con mezzi propri)"};
    static const gen_concept by_118 = {"5", "intervento C.O. 118"};
    static const gen_concept by_gp = {"1", "medico di medicina generale/ pediatra libera scelta"};
    static const gen_concept by_self = {"6", "decisione propria"};
    bool by_ambulance = vi->triage->code[0] <= '2' || fse_gen__rng_chance(&c->rng, 20);
    const gen_concept *mode = by_ambulance ? &ambulance : &own;
    const gen_concept *sender =
        by_ambulance ? &by_118 : (fse_gen__rng_chance(&c->rng, 30) ? &by_gp : &by_self);
    xmlNodePtr s = fse_gen__section(c, sb, TPL "20", "11459-5", "Modalita' di trasporto",
                                    "Modalita' di trasporto");
    xmlNodePtr act;
    xmlNodePtr part;
    char text[192];

    (void)snprintf(text, sizeof(text), "Arrivo: %s. Inviato da: %s.", mode->display,
                   sender->display);
    fse_gen__narrative(c, s, text, NULL, 0);
    act = fse_gen__el(c, fse_gen__el(c, s, "entry"), "act");
    fse_gen__attr(c, act, "classCode", "TRNS");
    fse_gen__attr(c, act, "moodCode", "EVN");
    fse_gen__attr(c, fse_gen__el(c, act, "templateId"), "root", TPL "40");
    fse_gen__code(c, act, "code", mode->code, OID_TRANSPORT, "ModalitaTrasporto_VPS",
                  mode->display);
    fse_gen__attr(c, fse_gen__el(c, act, "statusCode"), "code", "completed");
    fse_gen__ts(c, act, "effectiveTime", c->t_start);
    part = fse_gen__el(c, act, "participant");
    fse_gen__attr(c, part, "typeCode", "REFB");
    fse_gen__code(c, fse_gen__el(c, part, "participantRole"), "code", sender->code, OID_SENDER,
                  "ResponsabileInvio_VPS", sender->display);
}

static void visit_reason(gen_ctx *c, xmlNodePtr sb, const visit *vi)
{
    xmlNodePtr s =
        fse_gen__section(c, sb, TPL "42", "46239-0", "Motivo della visita", "Motivo della visita");
    xmlNodePtr obs;
    xmlNodePtr v;
    char text[256];

    (void)snprintf(text, sizeof(text), "Problema principale: %s. %s", vi->ec->problem.display,
                   vi->ec->reason);
    fse_gen__narrative(c, s, text, NULL, 0);
    obs = observation(c, fse_gen__el(c, s, "entry"), TPL "37", "56817-0", "Problema principale");
    cd_value(c, obs, OID_PROBLEM, "ProblemaPrincipale_VPS", &vi->ec->problem);
    obs = observation(c, fse_gen__el(c, s, "entry"), TPL "87", "29298-7", "Causa di accesso");
    v = fse_gen__text(c, obs, "value", vi->ec->reason);
    fse_gen__xsi_type(c, v, "ST");
}

static void triage(gen_ctx *c, xmlNodePtr sb, const visit *vi)
{
    xmlNodePtr s = fse_gen__section(c, sb, TPL "21", "54094-8", "Triage", "Triage");
    xmlNodePtr obs;
    char ts[24];
    char text[160];

    fse_gen__format_ts(ts, vi->t_triage);
    (void)snprintf(text, sizeof(text), "Codice di triage %s - %s, assegnato alle ore %.2s:%.2s.",
                   vi->triage->code, vi->triage->display, ts + 8, ts + 10);
    fse_gen__narrative(c, s, text, NULL, 0);
    obs = observation(c, fse_gen__el(c, s, "entry"), TPL "39", "11283-9", "Valutazione di acuzie");
    fse_gen__ts(c, obs, "effectiveTime", vi->t_triage);
    cd_value(c, obs, OID_TRIAGE, "CodiceTriage_VPS", vi->triage);
    performer(c, obs, &c->other);
}

static void assessment(gen_ctx *c, xmlNodePtr sb, const visit *vi)
{
    xmlNodePtr s = fse_gen__section(c, sb, TPL "56", "78337-3", "Inquadramento clinico iniziale",
                                    "Inquadramento clinico iniziale");
    xmlNodePtr sub;

    fse_gen__narrative(c, s, vi->ec->reason, NULL, 0);
    sub = fse_gen__section(c, s, TPL "58", "29545-1", "Esame obiettivo", "Esame obiettivo");
    fse_gen__narrative(c, sub, vi->ec->findings, NULL, 0);
}

/* One vital sign: LOINC, name, UCUM unit, unit in the narrative and range
 * of the drawn value. */
typedef struct vital {
    const char *loinc;
    const char *name;
    const char *unit;
    const char *text_unit;
    int lo, hi;
    int scale; /* value = drawn / scale */
} vital;

static void vital_signs(gen_ctx *c, xmlNodePtr sb, const visit *vi)
{
    static const vital vitals[] = {
        {"8480-6", "Pressione arteriosa sistolica", "mm[Hg]", "mmHg", 110, 175, 1},
        {"8462-4", "Pressione arteriosa diastolica", "mm[Hg]", "mmHg", 55, 90, 1},
        {"8867-4", "Frequenza cardiaca", "/min", "bpm", 55, 120, 1},
        {"59408-5", "Saturazione di ossigeno", "%", "%", 90, 100, 1},
        {"8310-5", "Temperatura corporea", "Cel", "°C", 360, 389, 10},
    };
    enum { N_VITALS = sizeof(vitals) / sizeof(vitals[0]) };
    xmlNodePtr s =
        fse_gen__section(c, sb, TPL "28", "8716-3", "Parametri vitali", "Parametri vitali");
    xmlNodePtr org;
    char nums[N_VITALS][16];
    char text[512];
    size_t used = 0;
    size_t i;
    int64_t when = vi->t_triage + 300;

    text[0] = '\0';
    for (i = 0; i < N_VITALS; i++) {
        const vital *vt = &vitals[i];
        int raw = fse_gen__rng_range(&c->rng, vt->lo, vt->hi);
        int n;

        if (vt->scale == 10) {
            (void)snprintf(nums[i], sizeof(nums[i]), "%d.%d", raw / 10, raw % 10);
        } else {
            (void)snprintf(nums[i], sizeof(nums[i]), "%d", raw);
        }
        n = snprintf(text + used, sizeof(text) - used, "%s%s %s %s", i > 0 ? "; " : "", vt->name,
                     nums[i], vt->text_unit);
        if (n > 0 && (size_t)n < sizeof(text) - used) {
            used += (size_t)n;
        }
    }
    fse_gen__narrative(c, s, text, NULL, 0);
    org = fse_gen__el(c, fse_gen__el(c, s, "entry"), "organizer");
    fse_gen__attr(c, org, "classCode", "CLUSTER");
    fse_gen__attr(c, org, "moodCode", "EVN");
    fse_gen__attr(c, fse_gen__el(c, org, "templateId"), "root", TPL "90");
    fse_gen__code(c, org, "code", "85353-1", GEN_OID_LOINC, "LOINC", "Parametri vitali");
    fse_gen__attr(c, fse_gen__el(c, org, "statusCode"), "code", "completed");
    fse_gen__ts(c, org, "effectiveTime", when);
    for (i = 0; i < N_VITALS; i++) {
        xmlNodePtr obs = observation(c, fse_gen__el(c, org, "component"), TPL "91", vitals[i].loinc,
                                     vitals[i].name);
        xmlNodePtr v;

        fse_gen__ts(c, obs, "effectiveTime", when);
        v = fse_gen__el(c, obs, "value");
        fse_gen__xsi_type(c, v, "PQ");
        fse_gen__attr(c, v, "value", nums[i]);
        fse_gen__attr(c, v, "unit", vitals[i].unit);
    }
}

static void discharge(gen_ctx *c, xmlNodePtr sb, const visit *vi)
{
    xmlNodePtr s = fse_gen__section(c, sb, TPL "24", "28574-2", "Dimissione", "Dimissione");
    xmlNodePtr act;
    xmlNodePtr er;
    xmlNodePtr obs;
    xmlNodePtr v;
    int days = fse_gen__rng_range(&c->rng, 3, 15);
    char text[320];
    char prognosis[64];
    char ref[40];

    (void)snprintf(prognosis, sizeof(prognosis), "Prognosi di %d giorni salvo complicanze", days);
    (void)snprintf(text, sizeof(text), "Esito: %s. Diagnosi: %s. %s.", vi->outcome->display,
                   vi->ec->diagnosis.display, prognosis);
    fse_gen__narrative(c, s, text, ref, sizeof(ref));
    act = fse_gen__el(c, fse_gen__el(c, s, "entry"), "act");
    fse_gen__attr(c, act, "classCode", "ACT");
    fse_gen__attr(c, act, "moodCode", "EVN");
    fse_gen__attr(c, fse_gen__el(c, act, "templateId"), "root", TPL "66");
    fse_gen__code(c, act, "code", "dimissione", OID_ACT_CODE_IT, NULL, "Dimissione");
    fse_gen__attr(c, fse_gen__el(c, act, "statusCode"), "code", "completed");
    fse_gen__ts(c, act, "effectiveTime", c->t_end);
    performer(c, act, &c->author);

    /* ERRORE-b29: a diagnosis unless the patient left (outcomes 6, 7). */
    er = fse_gen__el(c, act, "entryRelationship");
    fse_gen__attr(c, er, "typeCode", "COMP");
    obs = observation(c, er, TPL "70", "29308-4", "Diagnosi di dimissione");
    fse_gen__ts(c, obs, "effectiveTime", c->t_end);
    v = fse_gen__code(c, obs, "value", vi->ec->diagnosis.code, GEN_OID_ICD9, "ICD-9-CM",
                      vi->ec->diagnosis.display);
    fse_gen__xsi_type(c, v, "CD");
    fse_gen__orig_ref(c, v, ref);

    er = fse_gen__el(c, act, "entryRelationship");
    fse_gen__attr(c, er, "typeCode", "COMP");
    obs = observation(c, er, TPL "69", "11302-7", "Esito del trattamento");
    cd_value(c, obs, OID_OUTCOME, "EsitoTrattamento_VPS", vi->outcome);

    if (!vi->admitted) {
        obs = observation(c, fse_gen__el(c, s, "entry"), TPL "66", "75328-5", "Prognosi");
        fse_gen__ts(c, obs, "effectiveTime", c->t_end);
        v = fse_gen__text(c, obs, "value", prognosis);
        fse_gen__xsi_type(c, v, "ST");
    }
}

void fse_gen__body_vps(gen_ctx *c, xmlNodePtr sb)
{
    static const gen_concept home = {"1", "dimissione a domicilio"};
    static const gen_concept ward = {"2", "ricovero in reparto di degenza"};
    static const gen_concept clinic = {"8", "dimissione con rinvio a strutture ambulatoriali"};
    visit vi;
    xmlNodePtr s;
    char text[320];

    vi.ec = GEN_PICK(c, fse_gen__er_cases, fse_gen__n_er_cases);
    vi.triage =
        &triage_codes[fse_gen__rng_range(&c->rng, vi.ec->triage_min, vi.ec->triage_max) - 1];
    vi.t_triage = c->t_start + (int64_t)fse_gen__rng_range(&c->rng, 2, 15) * 60;
    vi.admitted = fse_gen__rng_chance(&c->rng, vi.ec->admit_percent);
    vi.outcome = vi.admitted ? &ward : (fse_gen__rng_chance(&c->rng, 25) ? &clinic : &home);

    transport(c, sb, &vi);
    visit_reason(c, sb, &vi);
    triage(c, sb, &vi);
    assessment(c, sb, &vi);
    vital_signs(c, sb, &vi);
    s = fse_gen__section(c, sb, TPL "23", "8648-8", "Decorso in pronto soccorso",
                         "Decorso in pronto soccorso");
    fse_gen__narrative(c, s, vi.ec->course, NULL, 0);
    discharge(c, sb, &vi);
    s = fse_gen__section(c, sb, TPL "34", "18776-5", "Piano di cura alla dimissione",
                         "Piano di cura alla dimissione");
    if (vi.admitted) {
        (void)snprintf(text, sizeof(text),
                       "Ricovero disposto presso il reparto di competenza per il proseguimento "
                       "delle cure.");
    } else {
        (void)snprintf(text, sizeof(text),
                       "Rivalutazione da parte del medico curante. Ritornare in pronto soccorso in "
                       "caso di peggioramento dei sintomi.");
    }
    fse_gen__narrative(c, s, text, NULL, 0);
}
