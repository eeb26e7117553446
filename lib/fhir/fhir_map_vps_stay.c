/*
 * lib/fhir/fhir_map_vps_stay.c - the sections of the Verbale di Pronto
 * Soccorso about the stay and its end, as the official verbalePS map builds
 * them: the phases of the visit (46240-8: Encounters part of the emergency
 * one, with participants, locations and reasons), the therapy given in the
 * department (29549-3: MedicationAdministration with its request and
 * Medication), the discharge (28574-2: the discharge Encounter with the
 * encounters and transfers after it, outcome and observations) and the
 * therapy at discharge (75311-1: one MedicationRequest for the section).
 *
 * Owns these tables and the discharge function (the encounters after the
 * discharge are part of the discharge Encounter and entries of the section).
 * The section dispatch is in fhir_map_vps.c.
 */
#include "fhir_map_common.h"

#define SUBJECT                                                                                    \
    {                                                                                              \
        NULL, "subject", FHIR_OP_REF, "Patient", NULL                                              \
    }
#define ENCOUNTER                                                                                  \
    {                                                                                              \
        NULL, "encounter", FHIR_OP_REF, "Encounter", NULL                                          \
    }
#define BODY "ClinicalDocument/body/"
#define TEXT                                                                                       \
    {"text", "text.status", FHIR_OP_CONST, "generated", NULL},                                     \
    {                                                                                              \
        "text", "text.div", FHIR_OP_NARRATIVE, NULL, NULL                                          \
    }
#define HEAD                                                                                       \
    {"title", "title", FHIR_OP_TEXT, NULL, NULL},                                                  \
    {                                                                                              \
        "code", "code", FHIR_OP_CC, NULL, NULL                                                     \
    }
/* the map's class of these encounters: no system */
#define AMBULATORY                                                                                 \
    {NULL, "status", FHIR_OP_CONST, "finished", NULL},                                             \
        {NULL, "class.code", FHIR_OP_CONST, "AMB", NULL},                                          \
    {                                                                                              \
        NULL, "class.display", FHIR_OP_CONST, "ambulatory", NULL                                   \
    }
/* period from low/high, else a start from effectiveTime/@value */
#define PERIOD_OF_EFFECTIVE                                                                        \
    {".[effectiveTime/low]/effectiveTime | .[effectiveTime/high]/effectiveTime", "period",         \
     FHIR_OP_PERIOD, NULL, NULL},                                                                  \
    {                                                                                              \
        ".[!effectiveTime/low]/effectiveTime | .[!effectiveTime/high]/effectiveTime",              \
            "period.start", FHIR_OP_FN, NULL, fhir_set_datetime                                    \
    }

/* A location of an encounter (src: a participant of type LOC with a time). */
#define LOCATION(tag)                                                                              \
    {"time/low", "period.start", FHIR_OP_DATETIME, NULL, NULL},                                    \
        {"time/high", "period.end", FHIR_OP_DATETIME, NULL, NULL},                                 \
        {"time", "period.start", FHIR_OP_FN, NULL, fhir_set_datetime},                             \
    {                                                                                              \
        "participantRole", "location", FHIR_OP_FN, (tag), fhir_body_location                       \
    }

/* ------------------------------------------------------------------------ */
/* Phases of the visit (46240-8)                                            */
/* ------------------------------------------------------------------------ */

static const fhir_rule reason_note_rules[] = {
    {"text/reference", "text", FHIR_OP_ATTR, "value", NULL},
    {"author/time", "time", FHIR_OP_DATETIME, NULL, NULL},
    {"author/assignedAuthor", "authorReference", FHIR_OP_FN, BODY "Encounter/author",
     fhir_body_practitioner},
};
static const fhir_rules reason_note = FHIR_RULES(reason_note_rules);

/* The reason of a phase (src: its entryRelationship). */
static const fhir_rule reason_rules[] = {
    {"act/code", "code", FHIR_OP_CC, NULL, NULL},
    {"act", "subject", FHIR_OP_REF, "Patient", NULL},
    {"act", "encounter", FHIR_OP_REF, "Encounter", NULL},
    {"act", "status", FHIR_OP_CONST, "final", NULL},
    {"act", "note[]", FHIR_OP_NEST, &reason_note, NULL},
};
static const fhir_res_desc reason = {"Observation", FHIR_RULES(reason_rules)};

static const fhir_rule phase_participant_rules[] = {
    {NULL, NULL, FHIR_OP_NEST, &fhir_participant_type, NULL},
    {"time", "period.start", FHIR_OP_FN, NULL, fhir_set_datetime},
    {"time/low", "period.start", FHIR_OP_DATETIME, NULL, NULL},
    {"time/high", "period.end", FHIR_OP_DATETIME, NULL, NULL},
    {"participantRole", "individual", FHIR_OP_FN, BODY "Encounter/participant",
     fhir_body_practitioner},
};
static const fhir_rules phase_participant = FHIR_RULES(phase_participant_rules);

static const fhir_rule phase_location_rules[] = {
    LOCATION(BODY "Encounter/participant"),
};
static const fhir_rules phase_location = FHIR_RULES(phase_location_rules);

static const fhir_rule phase_details_rules[] = {
    {"code", "type[]", FHIR_OP_CC, NULL, NULL},
    PERIOD_OF_EFFECTIVE,
    {"participant[@typeCode!='LOC']", "participant[]", FHIR_OP_NEST, &phase_participant, NULL},
    {"participant[@typeCode='LOC'][time]", "location[]", FHIR_OP_NEST, &phase_location, NULL},
    {"entryRelationship", "reasonReference[]", FHIR_OP_NEW, &reason, NULL},
};
static const fhir_rules phase_details = FHIR_RULES(phase_details_rules);

/* A phase (src: the entry). */
static const fhir_rule phase_rules[] = {
    {NULL, "partOf", FHIR_OP_REF, "Encounter", NULL},
    SUBJECT,
    AMBULATORY,
    {"encounter", NULL, FHIR_OP_NEST, &phase_details, NULL},
};
static const fhir_res_desc phase = {"Encounter", FHIR_RULES(phase_rules)};

static const fhir_rule phases_rules[] = {
    HEAD,
    TEXT,
    {"entry", "entry[]", FHIR_OP_NEW, &phase, NULL},
};
const fhir_rules fhir_vps_phases = FHIR_RULES(phases_rules);

/* ------------------------------------------------------------------------ */
/* Therapy in the emergency department (29549-3)                            */
/* ------------------------------------------------------------------------ */

#define SA "substanceAdministration"

/* The request of an administration (src: the substanceAdministration). */
static const fhir_rule admin_request_rules[] = {
    {"entryRelationship/supply/quantity", "dispenseRequest.quantity.value", FHIR_OP_NUM, "value",
     NULL},
    SUBJECT,
    ENCOUNTER,
    {NULL, "status", FHIR_OP_CONST, "active", NULL},
    {NULL, "intent", FHIR_OP_CONST, "order", NULL},
    {NULL, "medicationCodeableConcept.text", FHIR_OP_CONST, "medication", NULL},
    /* the map writes both quantities as a dose range */
    {"doseQuantity", "dosageInstruction[].doseAndRate[].doseRange", FHIR_OP_NEST, &fhir_range,
     NULL},
    {"rateQuantity", "dosageInstruction[].doseAndRate[].doseRange", FHIR_OP_NEST, &fhir_range,
     NULL},
    {"participant/time", "authoredOn", FHIR_OP_DATETIME, NULL, NULL},
    {"participant/participantRole", "requester", FHIR_OP_FN,
     BODY "TerapiaFarmacologicaPS/participant", fhir_body_practitioner},
};
static const fhir_res_desc admin_request = {"MedicationRequest", FHIR_RULES(admin_request_rules)};

/* The map's Medication: the code only with an administration unit. */
static const fhir_rule admin_medication_rules[] = {
    {"administrationUnitCode", "form", FHIR_OP_CC, NULL, NULL},
    {".[administrationUnitCode]/consumable/manufacturedProduct/manufacturedMaterial/code", "code",
     FHIR_OP_CC, NULL, NULL},
    {NULL, NULL, FHIR_OP_NEST, &fhir_medication_amounts, NULL},
};
static const fhir_res_desc admin_medication = {"Medication", FHIR_RULES(admin_medication_rules)};

static const fhir_rule performer_note_rules[] = {
    {NULL, "text", FHIR_OP_CONST, "performertime", NULL},
    {"time", "time", FHIR_OP_DATETIME, NULL, NULL},
};
static const fhir_rules performer_note = FHIR_RULES(performer_note_rules);

/* An administration (src: the entry). */
static const fhir_rule admin_rules[] = {
    {SA "/text/reference", "note[].text", FHIR_OP_ATTR, "value", NULL},
    SUBJECT,
    {NULL, "context", FHIR_OP_REF, "Encounter", NULL},
    {SA "/statusCode", "status", FHIR_OP_CODE, NULL, NULL},
    {SA "/effectiveTime[@xsi:type='IVL_TS']", "effectivePeriod", FHIR_OP_PERIOD, NULL, NULL},
    {SA "/effectiveTime[@xsi:type='PIVL_TS']/period", "dosage.rateRatio", FHIR_OP_NEST,
     &fhir_period_ratio, NULL},
    {SA "/routeCode", "dosage.route", FHIR_OP_CC, NULL, NULL},
    {SA "/approachSiteCode", "dosage.site", FHIR_OP_CC, NULL, NULL},
    {SA, "request", FHIR_OP_NEW, &admin_request, NULL},
    {SA, "medicationReference", FHIR_OP_NEW, &admin_medication, NULL},
    {SA "/performer", "note[]", FHIR_OP_NEST, &performer_note, NULL},
    {SA "/performer/assignedEntity", "performer[].actor", FHIR_OP_FN,
     BODY "TerapiaFarmacologicaPS/performer", fhir_body_practitioner},
};
static const fhir_res_desc admin = {"MedicationAdministration", FHIR_RULES(admin_rules)};

/* Without entries: the period is the time of the conversion (Bundle.timestamp). */
static void now_period(fhir_ctx *c, const xmlNode *src, fhir_node *tgt, const fhir_rule *r)
{
    fhir_node *period = fhir_obj(FA(c), tgt, r->dst);

    (void)src;
    fhir_put_str(FA(c), period, "start", c->opts->timestamp);
    fhir_put_str(FA(c), period, "end", c->opts->timestamp);
}

static const fhir_rule admin_text_rules[] = {
    SUBJECT,
    {NULL, "context", FHIR_OP_REF, "Encounter", NULL},
    {NULL, "effectivePeriod", FHIR_OP_FN, NULL, now_period},
    {NULL, "status", FHIR_OP_CONST, "completed", NULL},
    {"text", "note[].text", FHIR_OP_NARRATIVE, NULL, NULL},
    {"text", "medicationCodeableConcept.text", FHIR_OP_NARRATIVE, NULL, NULL},
};
static const fhir_res_desc admin_text = {"MedicationAdministration", FHIR_RULES(admin_text_rules)};

static const fhir_rule therapy_rules[] = {
    HEAD,
    {".[entry]/text", "text.status", FHIR_OP_CONST, "generated", NULL},
    {".[entry]/text", "text.div", FHIR_OP_NARRATIVE, NULL, NULL},
    {".[!entry][text]", "entry[]", FHIR_OP_NEW, &admin_text, NULL},
    {"entry", "entry[]", FHIR_OP_NEW, &admin, NULL},
};
const fhir_rules fhir_vps_therapy = FHIR_RULES(therapy_rules);

/* ------------------------------------------------------------------------ */
/* Discharge (28574-2)                                                      */
/* ------------------------------------------------------------------------ */

/* The reason of an encounter after the discharge (src: entryRelationship). */
static const fhir_rule after_reason_rules[] = {
    {"observation", "subject", FHIR_OP_REF, "Patient", NULL},
    {"observation", "encounter", FHIR_OP_REF, "^Encounter", NULL},
    {"observation/code", "code", FHIR_OP_CC, NULL, NULL},
    {"observation", "status", FHIR_OP_CONST, "final", NULL},
    {"observation/effectiveTime", "effectiveDateTime", FHIR_OP_DATETIME, NULL, NULL},
    {"observation[effectiveTime/low]/effectiveTime | observation[effectiveTime/high]/effectiveTime",
     "effective", FHIR_OP_FN, NULL, fhir_choice_period},
    {"observation/value", "value", FHIR_OP_VALUE, fhir_obs_values, NULL},
};
static const fhir_res_desc after_reason = {"Observation", FHIR_RULES(after_reason_rules)};

static const fhir_rule after_location_rules[] = {
    LOCATION(BODY "Dimissione/participant"),
};
static const fhir_rules after_location = FHIR_RULES(after_location_rules);

static const fhir_rule type_coding_rules[] = {
    {NULL, "code", FHIR_OP_ATTR, "code", NULL},
    {NULL, "system", FHIR_OP_OID, "codeSystem", NULL},
    {NULL, "display", FHIR_OP_ATTR, "displayName", NULL},
};
static const fhir_rules type_coding = FHIR_RULES(type_coding_rules);

static const fhir_rule after_type_rules[] = {
    {"code", "coding[]", FHIR_OP_NEST, &type_coding, NULL},
    {"text/reference", "text", FHIR_OP_ATTR, "value", NULL},
};
static const fhir_rules after_type = FHIR_RULES(after_type_rules);

/* An encounter after the discharge (src: encounter). */
static const fhir_rule after_rules[] = {
    {NULL, "partOf", FHIR_OP_REF, "^", NULL},
    AMBULATORY,
    SUBJECT,
    {"id", "identifier[]", FHIR_OP_IDENT, NULL, NULL},
    {NULL, "type[]", FHIR_OP_NEST, &after_type, NULL},
    PERIOD_OF_EFFECTIVE,
    {"participant[@typeCode='LOC'][time]", "location[]", FHIR_OP_NEST, &after_location, NULL},
    {"entryRelationship", "reasonReference[]", FHIR_OP_NEW, &after_reason, NULL},
};
static const fhir_res_desc after = {"Encounter", FHIR_RULES(after_rules)};

static const fhir_rule transfer_location_rules[] = {
    LOCATION(BODY "Dimissione/act"),
};
static const fhir_rules transfer_location = FHIR_RULES(transfer_location_rules);

/* A transfer after the discharge (src: act). */
static const fhir_rule transfer_rules[] = {
    {NULL, "partOf", FHIR_OP_REF, "^", NULL},
    AMBULATORY,
    SUBJECT,
    PERIOD_OF_EFFECTIVE,
    {"participant[time]", "location[]", FHIR_OP_NEST, &transfer_location, NULL},
    {"entryRelationship", "reasonReference[]", FHIR_OP_NEW, &after_reason, NULL},
};
static const fhir_res_desc transfer = {"Encounter", FHIR_RULES(transfer_rules)};

static const fhir_rule discharge_performer_rules[] = {
    {"time", "period.start", FHIR_OP_DATETIME, NULL, NULL},
    {"assignedEntity", "individual", FHIR_OP_FN, BODY "Dimissione/performer",
     fhir_body_practitioner},
};
static const fhir_rules discharge_performer = FHIR_RULES(discharge_performer_rules);

/* The discharge Encounter (src: the entry act). */
static const fhir_rule discharge_encounter_rules[] = {
    AMBULATORY,
    {NULL, "partOf", FHIR_OP_REF, "Encounter", NULL},
    SUBJECT,
    {"code", "type[]", FHIR_OP_CC, NULL, NULL},
    PERIOD_OF_EFFECTIVE,
    {"performer[assignedEntity/id[@root][@extension]]", "participant[]", FHIR_OP_NEST,
     &discharge_performer, NULL},
    {"entryRelationship/observation[code/@code='11302-7']/value",
     "hospitalization.dischargeDisposition", FHIR_OP_CC, NULL, NULL},
};
static const fhir_res_desc discharge_encounter = {"Encounter",
                                                  FHIR_RULES(discharge_encounter_rules)};

/*
 * FHIR_OP_FN on the entry act of the discharge: the discharge Encounter and,
 * part of it, the encounters and transfers after it; all are entries of the
 * section (tgt), in this order.
 */
static void discharge_act(fhir_ctx *c, const xmlNode *act, fhir_node *tgt, const fhir_rule *r)
{
    fhir_entry *d = fhir_rules_new(c, &discharge_encounter, act);
    fhir_nodes v;
    size_t i;

    (void)r;
    if (d == NULL) {
        return;
    }
    fhir_ref(c, tgt, "entry[]", d);
    fhir_stack_push(c, d);
    v = fhir_cda_select(c, act, "entryRelationship/encounter");
    for (i = 0; i < v.n; i++) {
        fhir_ref(c, tgt, "entry[]", fhir_rules_new(c, &after, v.items[i]));
    }
    v = fhir_cda_select(c, act, "entryRelationship/act");
    for (i = 0; i < v.n; i++) {
        fhir_ref(c, tgt, "entry[]", fhir_rules_new(c, &transfer, v.items[i]));
    }
    fhir_stack_pop(c);
}

static const fhir_rule entry_observation_rules[] = {
    {NULL, NULL, FHIR_OP_NEST, &fhir_vps_observation_rules, NULL},
};
static const fhir_res_desc entry_observation = {"Observation", FHIR_RULES(entry_observation_rules)};

static const fhir_rule discharge_rules[] = {
    HEAD,
    TEXT,
    {"entry/act", NULL, FHIR_OP_FN, NULL, discharge_act},
    {"entry/observation", "entry[]", FHIR_OP_NEW, &entry_observation, NULL},
};
const fhir_rules fhir_vps_discharge = FHIR_RULES(discharge_rules);

/* ------------------------------------------------------------------------ */
/* Therapy at discharge (75311-1)                                           */
/* ------------------------------------------------------------------------ */

static const fhir_rule period_timing_rules[] = {
    {"period", "repeat.period", FHIR_OP_NUM, "value", NULL},
    {"period", "repeat.periodUnit", FHIR_OP_ATTR, "unit", NULL},
};
static const fhir_rules period_timing = FHIR_RULES(period_timing_rules);

static const fhir_rule dose_rules[] = {
    {"originalText/reference", "text", FHIR_OP_ATTR, "value", NULL},
    {NULL, "doseAndRate[].doseRange", FHIR_OP_NEST, &fhir_range, NULL},
};
static const fhir_rules dose = FHIR_RULES(dose_rules);

static const fhir_rule rate_rules[] = {
    {"originalText/reference", "text", FHIR_OP_ATTR, "value", NULL},
    {NULL, "doseAndRate[].rateRange", FHIR_OP_NEST, &fhir_range, NULL},
};
static const fhir_rules rate = FHIR_RULES(rate_rules);

/* One substanceAdministration, written into the section's request. */
static const fhir_rule prescribed_rules[] = {
    {"statusCode", "status", FHIR_OP_CODE, NULL, NULL},
    {"effectiveTime[@xsi:type='IVL_TS']", "dosageInstruction[].timing.repeat.boundsPeriod",
     FHIR_OP_PERIOD, NULL, NULL},
    {"effectiveTime[@xsi:type='PIVL_TS']", "dosageInstruction[].timing", FHIR_OP_NEST,
     &period_timing, NULL},
    {"routeCode", "dosageInstruction[].route", FHIR_OP_CC, NULL, NULL},
    {"approachSiteCode", "dosageInstruction[].site", FHIR_OP_CC, NULL, NULL},
    {"doseQuantity", "dosageInstruction[]", FHIR_OP_NEST, &dose, NULL},
    {"rateQuantity", "dosageInstruction[]", FHIR_OP_NEST, &rate, NULL},
    {NULL, "medicationReference", FHIR_OP_NEW, &fhir_medication, NULL},
    {"participant/time", "authoredOn", FHIR_OP_DATETIME, NULL, NULL},
    {"participant/participantRole", "requester", FHIR_OP_FN,
     BODY "TerapiaFarmacologicaDimissione/participant", fhir_body_practitioner},
    {"reference/externalAct/id", "identifier[]", FHIR_OP_IDENT, NULL, NULL},
    {"entryRelationship/supply/quantity", "dispenseRequest.quantity.value", FHIR_OP_NUM, "value",
     NULL},
};
static const fhir_rules prescribed = FHIR_RULES(prescribed_rules);

#define REQUEST_HEAD                                                                               \
    SUBJECT, ENCOUNTER, {NULL, "status", FHIR_OP_CONST, "active", NULL},                           \
    {                                                                                              \
        NULL, "intent", FHIR_OP_CONST, "order", NULL                                               \
    }

/* One MedicationRequest for the section (src: the section). */
static const fhir_rule discharge_request_rules[] = {
    {"text", "note[]", FHIR_OP_NEST, &fhir_vps_authored_note, NULL},
    REQUEST_HEAD,
    {"entry/substanceAdministration", NULL, FHIR_OP_NEST, &prescribed, NULL},
};
static const fhir_res_desc discharge_request = {"MedicationRequest",
                                                FHIR_RULES(discharge_request_rules)};

static const fhir_rule discharge_text_rules[] = {
    {"text", "note[]", FHIR_OP_NEST, &fhir_vps_authored_note, NULL},
    REQUEST_HEAD,
    {"text", "medicationCodeableConcept.text", FHIR_OP_NARRATIVE, NULL, NULL},
};
static const fhir_res_desc discharge_text = {"MedicationRequest", FHIR_RULES(discharge_text_rules)};

static const fhir_rule discharge_therapy_rules[] = {
    HEAD,
    {".[!entry][text]", "entry[]", FHIR_OP_NEW, &discharge_text, NULL},
    {".[entry]", "entry[]", FHIR_OP_NEW, &discharge_request, NULL},
};
const fhir_rules fhir_vps_discharge_therapy = FHIR_RULES(discharge_therapy_rules);
