/*
 * lib/fhir/fhir_map_pss_groups.c - the groups of the official
 * ProfiloSanitarioSinteticoBody map (v1.9) that several of its sections
 * call: Observation, ObservationOrganizer, DiagnosticReportFunction,
 * Procedure (with the Device of an implant), EncounterFunction, the care
 * plan (CarePlanFunction with its MedicationRequest, Procedure and
 * Encounter), the dosage and the resources of sections without entries.
 *
 * Owns these tables (declared in fhir_map_common.h). The section dispatch
 * and the other groups are in fhir_map_pss.c.
 */
#include "fhir_map_common.h"

#define SUBJECT                                                                                    \
    {                                                                                              \
        NULL, "subject", FHIR_OP_REF, "Patient", NULL                                              \
    }
#define TPL(root) ".[templateId/@root='2.16.840.1.113883.2.9.10.1.4.3." root "']"

static const fhir_code_map event_status[] = {{"completed", "completed"},
                                             {"active", "in-progress"},
                                             {"aborted", "stopped"},
                                             {"suspended", "on-hold"},
                                             {NULL, NULL}};

static const fhir_code_map medication_status[] = {{"completed", "completed"},
                                                  {"active", "active"},
                                                  {"aborted", "cancelled"},
                                                  {"suspended", "on-hold"},
                                                  {NULL, NULL}};

/* ------------------------------------------------------------------------ */
/* Observation, ObservationOrganizer, DiagnosticReportFunction              */
/* ------------------------------------------------------------------------ */

#define EFFECTIVE                                                                                  \
    {"effectiveTime[@value]", "effectiveDateTime", FHIR_OP_DATETIME, NULL, NULL},                  \
    {                                                                                              \
        "effectiveTime[low]", "effectivePeriod", FHIR_OP_PERIOD, NULL, NULL                        \
    }

static const fhir_rule observation_rules[] = {
    SUBJECT,
    {"id", "identifier[]", FHIR_OP_IDENT, NULL, NULL},
    {"code", "code", FHIR_OP_CC, NULL, NULL},
    {NULL, "status", FHIR_OP_CONST, "final", NULL},
    {"value", "value", FHIR_OP_VALUE, fhir_obs_values, NULL},
    EFFECTIVE,
    {"text/reference", "note[].text", FHIR_OP_ATTR, "value", NULL},
    {"statusCode", "status", FHIR_OP_MAP, fhir_obs_status, NULL},
    {"methodCode", "method", FHIR_OP_CC, NULL, NULL},
    {"interpretationCode", "interpretation[]", FHIR_OP_CC, NULL, NULL},
    {"targetSiteCode", "bodySite", FHIR_OP_CC, NULL, NULL},
    {"referenceRange/observationRange/value", "referenceRange[]", FHIR_OP_NEST, &fhir_range, NULL},
};
const fhir_res_desc fhir_pss_observation = {"Observation", FHIR_RULES(observation_rules)};

/* src: an organizer (or an observation) of a section; the code is the
 * section's. */
static const fhir_rule organizer_rules[] = {
    SUBJECT,
    {"id", "identifier[]", FHIR_OP_IDENT, NULL, NULL},
    {"../../code", "code", FHIR_OP_CC, NULL, NULL},
    {NULL, "status", FHIR_OP_CONST, "final", NULL},
    EFFECTIVE,
    {"text/reference", "note[].text", FHIR_OP_ATTR, "value", NULL},
    {"statusCode", "status", FHIR_OP_MAP, fhir_obs_status, NULL},
    {"component/observation", "hasMember[]", FHIR_OP_NEW, &fhir_pss_observation, NULL},
};
const fhir_res_desc fhir_pss_organizer = {"Observation", FHIR_RULES(organizer_rules)};

static const fhir_rule report_rules[] = {
    SUBJECT,
    {"code", "code", FHIR_OP_CC, NULL, NULL},
    {"statusCode[@code='completed']", "status", FHIR_OP_CONST, "final", NULL},
    EFFECTIVE,
    {"component/observation", "result[]", FHIR_OP_NEW, &fhir_pss_observation, NULL},
};
const fhir_res_desc fhir_pss_report = {"DiagnosticReport", FHIR_RULES(report_rules)};

/* ------------------------------------------------------------------------ */
/* Procedure (src: supply, procedure), Device                               */
/* ------------------------------------------------------------------------ */

static const fhir_rule device_rules[] = {
    {NULL, "patient", FHIR_OP_REF, "Patient", NULL},
    {"code", "type", FHIR_OP_CC, NULL, NULL},
};
static const fhir_res_desc device = {"Device", FHIR_RULES(device_rules)};

#define PERFORMED(tpl)                                                                             \
    {TPL(tpl) "/effectiveTime[@value]", "performedDateTime", FHIR_OP_DATETIME, NULL, NULL},        \
    {                                                                                              \
        TPL(tpl) "/effectiveTime[low]", "performedPeriod", FHIR_OP_PERIOD, NULL, NULL              \
    }

static const fhir_rule procedure_rules[] = {
    {"text/reference", "note[].text", FHIR_OP_ATTR, "value", NULL},
    {TPL("10.3") "/effectiveTime", "performedDateTime", FHIR_OP_DATETIME, NULL, NULL},
    {TPL("10.3") "/code", "code", FHIR_OP_CC, NULL, NULL},
    SUBJECT,
    {"statusCode", "status", FHIR_OP_MAP, event_status, NULL},
    {".[!statusCode]", "status", FHIR_OP_CONST, "unknown", NULL},
    /* presence of an implant or aid: the Device used */
    {TPL("9.1"), "usedReference[]", FHIR_OP_NEW, &device, NULL},
    PERFORMED("9.1"),
    /* its absence: the code's name as a note */
    {TPL("9.2") "/code", "note[].text", FHIR_OP_ATTR, "displayName", NULL},
    {TPL("11.1") "/id", "identifier[]", FHIR_OP_IDENT, NULL, NULL},
    {TPL("11.1") "/code", "code", FHIR_OP_CC, NULL, NULL},
    PERFORMED("11.1"),
    {TPL("11.1") "/entryRelationship/observation", "reasonReference[]", FHIR_OP_NEW,
     &fhir_pss_observation, NULL},
};
const fhir_res_desc fhir_pss_procedure = {"Procedure", FHIR_RULES(procedure_rules)};

/* ------------------------------------------------------------------------ */
/* EncounterFunction (visits and stays, src: encounter)                     */
/* ------------------------------------------------------------------------ */

static const fhir_rule class_rules[] = {
    {NULL, "code", FHIR_OP_ATTR, "code", NULL},
    {NULL, "display", FHIR_OP_ATTR, "displayName", NULL},
    {NULL, "system", FHIR_OP_OID, "codeSystem", NULL},
};
static const fhir_rules enc_class = FHIR_RULES(class_rules);

static const fhir_rule participant_period_rules[] = {
    {"time", "period.start", FHIR_OP_DATETIME, NULL, NULL},
};
static const fhir_rules participant_period = FHIR_RULES(participant_period_rules);

/* One performer: a participant with the time, another with the role. */
static const fhir_rule performer_rules[] = {
    {NULL, "participant[]", FHIR_OP_NEST, &participant_period, NULL},
    {"assignedEntity", "participant[].individual", FHIR_OP_FN,
     "ClinicalDocument/body/encounter/performer", fhir_body_role},
};
static const fhir_rules performer = FHIR_RULES(performer_rules);

static const fhir_rule encounter_rules[] = {
    {"id", "identifier[]", FHIR_OP_IDENT, NULL, NULL},
    {"statusCode", "status", FHIR_OP_CODE, NULL, NULL},
    {".[!statusCode]", "status", FHIR_OP_CONST, "unknown", NULL},
    {"code", "class", FHIR_OP_NEST, &enc_class, NULL},
    {".[effectiveTime/low]/effectiveTime | .[effectiveTime/high]/effectiveTime", "period",
     FHIR_OP_PERIOD, NULL, NULL},
    /* without both bounds the map sets the start from effectiveTime/@value */
    {".[!effectiveTime/low]/effectiveTime | .[!effectiveTime/high]/effectiveTime", "period.start",
     FHIR_OP_FN, NULL, fhir_set_datetime},
    {"text/reference", "type[].text", FHIR_OP_ATTR, "value", NULL},
    {"performer", NULL, FHIR_OP_NEST, &performer, NULL},
};
const fhir_res_desc fhir_pss_encounter = {"Encounter", FHIR_RULES(encounter_rules)};

/* ------------------------------------------------------------------------ */
/* MedicationRequest of the care plan (src: substanceAdministration)        */
/* ------------------------------------------------------------------------ */

static const fhir_rule period_timing_rules[] = {
    {"period", "repeat.period", FHIR_OP_NUM, "value", NULL},
    {"period", "repeat.periodUnit", FHIR_OP_ATTR, "unit", NULL},
};
static const fhir_rules period_timing = FHIR_RULES(period_timing_rules);

static const fhir_rule dose_rules[] = {
    {"doseQuantity/originalText/reference", "text", FHIR_OP_ATTR, "value", NULL},
    {"doseQuantity", "doseAndRate[].doseRange", FHIR_OP_NEST, &fhir_range, NULL},
    {"rateQuantity/originalText/reference", "text", FHIR_OP_ATTR, "value", NULL},
    {"rateQuantity", "doseAndRate[].rateRange", FHIR_OP_NEST, &fhir_range, NULL},
    {"routeCode", "route", FHIR_OP_CC, NULL, NULL},
    {"approachSiteCode", "site", FHIR_OP_CC, NULL, NULL},
    {"targetSiteCode", "site", FHIR_OP_CC, NULL, NULL},
};
static const fhir_rules dose = FHIR_RULES(dose_rules);

/* The dosage of a MedicationStatement (src: substanceAdministration). */
static const fhir_rule dosage_rules[] = {
    {"effectiveTime[@xsi:type='PIVL_TS']", "timing", FHIR_OP_NEST, &period_timing, NULL},
    {".[doseQuantity] | .[rateQuantity] | .[routeCode] | .[approachSiteCode]", NULL, FHIR_OP_NEST,
     &dose, NULL},
};
const fhir_rules fhir_pss_dosage = FHIR_RULES(dosage_rules);

#define IVL "effectiveTime[@xsi:type='IVL_TS']"

static const fhir_rule request_rules[] = {
    SUBJECT,
    {NULL, "intent", FHIR_OP_CONST, "order", NULL},
    {".[!statusCode]", "status", FHIR_OP_CONST, "unknown", NULL},
    {"statusCode", "status", FHIR_OP_MAP, medication_status, NULL},
    {"id", "identifier[]", FHIR_OP_IDENT, NULL, NULL},
    {"text/reference", "note[].text", FHIR_OP_ATTR, "value", NULL},
    {IVL, "dosageInstruction[].timing.repeat.boundsPeriod", FHIR_OP_PERIOD, NULL, NULL},
    {"effectiveTime[@xsi:type='EIVL_TS']/eventCode", "dosageInstruction[].timing.repeat.when[]",
     FHIR_OP_CODE, NULL, NULL},
    {IVL "[@value]", "dosageInstruction[].timing.event[]", FHIR_OP_DATETIME, NULL, NULL},
    {"effectiveTime[@xsi:type='PIVL_TS']", "dosageInstruction[].timing", FHIR_OP_NEST,
     &period_timing, NULL},
    {".[doseQuantity] | .[rateQuantity]", "dosageInstruction[]", FHIR_OP_NEST, &dose, NULL},
    {".[consumable]", "medicationReference", FHIR_OP_NEW, &fhir_medication, NULL},
    {"entryRelationship/supply/quantity", "dispenseRequest.quantity.value", FHIR_OP_NUM, "value",
     NULL},
};
static const fhir_res_desc request = {"MedicationRequest", FHIR_RULES(request_rules)};

/* ------------------------------------------------------------------------ */
/* CarePlanFunction (src: the care plan section, one CarePlan)              */
/* ------------------------------------------------------------------------ */

static const fhir_rule plan_encounter_rules[] = {
    SUBJECT,
    {"id", "identifier[]", FHIR_OP_IDENT, NULL, NULL},
    {"statusCode", "status", FHIR_OP_CODE, NULL, NULL},
    {".[!statusCode]", "status", FHIR_OP_CONST, "unknown", NULL},
    {"code", "class", FHIR_OP_NEST, &enc_class, NULL},
    {"text/reference", "type[].text", FHIR_OP_ATTR, "value", NULL},
    {"effectiveTime", "period.start", FHIR_OP_DATETIME, NULL, NULL},
};
static const fhir_res_desc plan_encounter = {"Encounter", FHIR_RULES(plan_encounter_rules)};

/* The activity of one entry. */
static const fhir_rule activity_rules[] = {
    {"observation", "detail.status", FHIR_OP_CONST, "unknown", NULL},
    {"observation", "detail.reasonReference[]", FHIR_OP_NEW, &fhir_pss_observation, NULL},
    {"procedure", "outcomeReference[]", FHIR_OP_NEW, &fhir_pss_procedure, NULL},
    {"act/code", "outcomeCodeableConcept[]", FHIR_OP_CC, NULL, NULL},
    {"act/text/reference", "progress[].text", FHIR_OP_ATTR, "value", NULL},
    {"act/effectiveTime", "detail.scheduledPeriod.start", FHIR_OP_DATETIME, NULL, NULL},
    {"act", "detail.status", FHIR_OP_CONST, "completed", NULL},
};
static const fhir_rules activity = FHIR_RULES(activity_rules);

static const fhir_rule plan_entry_rules[] = {
    SUBJECT,
    {NULL, "status", FHIR_OP_CONST, "unknown", NULL},
    {NULL, "intent", FHIR_OP_CONST, "plan", NULL},
    {NULL, "activity[]", FHIR_OP_NEST, &activity, NULL},
    {"substanceAdministration", "activity[].reference", FHIR_OP_NEW, &request, NULL},
    {"encounter", "encounter", FHIR_OP_NEW, &plan_encounter, NULL},
    {"act/id", "identifier[]", FHIR_OP_IDENT, NULL, NULL},
};
static const fhir_rules plan_entry = FHIR_RULES(plan_entry_rules);

static const fhir_rule careplan_rules[] = {
    {"entry", NULL, FHIR_OP_NEST, &plan_entry, NULL},
};
const fhir_res_desc fhir_pss_careplan = {"CarePlan", FHIR_RULES(careplan_rules)};

/* ------------------------------------------------------------------------ */
/* Sections without entries (src: the section)                              */
/* ------------------------------------------------------------------------ */

static const fhir_rule family_text_rules[] = {
    {NULL, "patient", FHIR_OP_REF, "Patient", NULL},
    {NULL, "status", FHIR_OP_CONST, "health-unknown", NULL},
    {"text", "note[].text", FHIR_OP_NARRATIVE, NULL, NULL},
    {"text", "relationship.text", FHIR_OP_NARRATIVE, NULL, NULL},
};
const fhir_res_desc fhir_pss_family_text = {"FamilyMemberHistory", FHIR_RULES(family_text_rules)};

static const fhir_rule careplan_text_rules[] = {
    SUBJECT,
    {NULL, "status", FHIR_OP_CONST, "active", NULL},
    {NULL, "intent", FHIR_OP_CONST, "order", NULL},
    {"text", "note[].text", FHIR_OP_NARRATIVE, NULL, NULL},
};
const fhir_res_desc fhir_pss_careplan_text = {"CarePlan", FHIR_RULES(careplan_text_rules)};

static const fhir_rule text_obs_rules[] = {
    SUBJECT,
    {"code", "code", FHIR_OP_CC, NULL, NULL},
    {NULL, "status", FHIR_OP_CONST, "final", NULL},
    {"text", "note[].text", FHIR_OP_NARRATIVE, NULL, NULL},
};
const fhir_res_desc fhir_pss_text_obs = {"Observation", FHIR_RULES(text_obs_rules)};
