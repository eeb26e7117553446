/*
 * lib/fhir/fhir_map_ldo.c - the sections of the Lettera di Dimissione
 * Ospedaliera (templateId 2.16.840.1.113883.2.9.10.1.5, LOINC 34105-7) as the
 * Gateway's LetteraDimissioneOspedaliera map builds them: narrative-only
 * sections become an Observation (or Procedure, AllergyIntolerance,
 * MedicationAdministration, MedicationRequest, CarePlan) carrying the text as
 * a note; coded entries become Observations, Conditions with their clinical
 * status and course, Procedures with their reasons, allergies with reactions,
 * administrations and prescriptions with Medication and dosage.
 *
 * Owns the LDO tables. Shared body pieces (observation values, body
 * practitioners, medications) are in fhir_map_common.c.
 */
#include "fhir_map_common.h"

#define ER_OBS "entryRelationship/observation"

/* ------------------------------------------------------------------------ */
/* Observations of entries (groups Observation, ObservationConsulenza,      */
/* ObservationEsamiDuranteRicovero)                                         */
/* ------------------------------------------------------------------------ */

static const fhir_rule range_rules[] = {
    {"observationRange/value[@xsi:type='IVL_PQ']/low", "low", FHIR_OP_QTY, NULL, NULL},
};
static const fhir_rules range = FHIR_RULES(range_rules);

#define OBS_COMMON                                                                                 \
    {NULL, "subject", FHIR_OP_REF, "Patient", NULL},                                               \
        {NULL, "encounter", FHIR_OP_REF, "Encounter", NULL},                                       \
        {"code", "code", FHIR_OP_CC, NULL, NULL},                                                  \
        {"statusCode", "status", FHIR_OP_MAP, fhir_obs_status, NULL},                              \
        {".[!statusCode]", "status", FHIR_OP_CONST, "final", NULL},                                \
        {"effectiveTime", "effective", FHIR_OP_EFFECTIVE, NULL, NULL},                             \
        {"value", "value", FHIR_OP_VALUE, fhir_obs_values, NULL},                                  \
        {"interpretationCode", "interpretation[]", FHIR_OP_CC, NULL, NULL},                        \
        {"methodCode", "method", FHIR_OP_CC, NULL, NULL},                                          \
    {                                                                                              \
        "referenceRange", "referenceRange[]", FHIR_OP_NEST, &range, NULL                           \
    }

static const fhir_rule entry_obs_rules[] = {OBS_COMMON};
static const fhir_res_desc entry_obs = {"Observation", FHIR_RULES(entry_obs_rules)};

/* The request of a consult or exam (participant -> ServiceRequest). */
static const fhir_rule request_rules[] = {
    {"time", "authoredOn", FHIR_OP_DATETIME, NULL, NULL},
    {NULL, "subject", FHIR_OP_REF, "Patient", NULL},
    {NULL, "encounter", FHIR_OP_REF, "Encounter", NULL},
    {NULL, "status", FHIR_OP_CONST, "active", NULL},
    {NULL, "intent", FHIR_OP_CONST, "order", NULL},
    {"participantRole", "performer[]", FHIR_OP_FN, "ClinicalDocument/body/Consulenza/participant",
     fhir_body_practitioner},
};
static const fhir_res_desc request = {"ServiceRequest", FHIR_RULES(request_rules)};

static const fhir_rule consult_rules[] = {
    OBS_COMMON,
    {"performer/assignedEntity", "performer[]", FHIR_OP_FN,
     "ClinicalDocument/body/Consulenza/performer", fhir_body_practitioner},
    {"participant", "basedOn[]", FHIR_OP_NEW, &request, NULL},
};
static const fhir_res_desc consult = {"Observation", FHIR_RULES(consult_rules)};

/* ------------------------------------------------------------------------ */
/* Narrative sections                                                       */
/* ------------------------------------------------------------------------ */

/* An Observation holding the section text (src: the section). */
static const fhir_rule narrative_obs_rules[] = {
    {NULL, "subject", FHIR_OP_REF, "Patient", NULL},
    {NULL, "encounter", FHIR_OP_REF, "Encounter", NULL},
    {"code", "code", FHIR_OP_CC, NULL, NULL},
    {NULL, "status", FHIR_OP_CONST, "final", NULL},
    {"text", "note[].text", FHIR_OP_NARRATIVE, NULL, NULL},
};
static const fhir_res_desc narrative_obs = {"Observation", FHIR_RULES(narrative_obs_rules)};

/* Title and code; narrative only when the section has entries. */
static const fhir_rule head_rules[] = {
    {"title", "title", FHIR_OP_TEXT, NULL, NULL},
    {"code", "code", FHIR_OP_CC, NULL, NULL},
    {".[entry]/text", "text.status", FHIR_OP_CONST, "generated", NULL},
    {".[entry]/text", "text.div", FHIR_OP_NARRATIVE, NULL, NULL},
};
static const fhir_rules head = FHIR_RULES(head_rules);

/* Title, code, narrative and one Observation with it (SottoSectionOBS). */
static const fhir_rule text_obs_section_rules[] = {
    {"title", "title", FHIR_OP_TEXT, NULL, NULL},
    {"code", "code", FHIR_OP_CC, NULL, NULL},
    {".[text]", "entry[]", FHIR_OP_NEW, &narrative_obs, NULL},
    {"text", "text.status", FHIR_OP_CONST, "generated", NULL},
    {"text", "text.div", FHIR_OP_NARRATIVE, NULL, NULL},
};
static const fhir_rules text_obs_section = FHIR_RULES(text_obs_section_rules);

/* Sections whose entries are observations, or only narrative. */
static const fhir_rule obs_section_rules[] = {
    {NULL, NULL, FHIR_OP_NEST, &head, NULL},
    {".[!entry][text]", "entry[]", FHIR_OP_NEW, &narrative_obs, NULL},
    {"entry/observation", "entry[]", FHIR_OP_NEW, &entry_obs, NULL},
};
static const fhir_rules obs_section = FHIR_RULES(obs_section_rules);

static const fhir_rule consult_section_rules[] = {
    {NULL, NULL, FHIR_OP_NEST, &head, NULL},
    {".[!entry][text]", "entry[]", FHIR_OP_NEW, &narrative_obs, NULL},
    {"entry/observation", "entry[]", FHIR_OP_NEW, &consult, NULL},
};
static const fhir_rules consult_section = FHIR_RULES(consult_section_rules);

/* ------------------------------------------------------------------------ */
/* Inquadramento clinico iniziale (47039-3) and its sub-sections            */
/* ------------------------------------------------------------------------ */

static const fhir_rule course_rules[] = {
    {"code", "code", FHIR_OP_CC, NULL, NULL},
    {NULL, "status", FHIR_OP_CONST, "final", NULL},
    {"text/reference", "note[].text", FHIR_OP_ATTR, "value", NULL},
    {NULL, "subject", FHIR_OP_REF, "Patient", NULL},
    {NULL, "encounter", FHIR_OP_REF, "Encounter", NULL},
    {"value[@xsi:type='CE']", "valueCodeableConcept", FHIR_OP_CODING_CC, NULL, NULL},
};
static const fhir_res_desc course = {"Observation", FHIR_RULES(course_rules)};

/* A problem (observation 75326-9) becomes a Condition. */
static const fhir_rule problem_rules[] = {
    {"code", "category[]", FHIR_OP_CC, NULL, NULL},
    {NULL, "subject", FHIR_OP_REF, "Patient", NULL},
    {NULL, "encounter", FHIR_OP_REF, "Encounter", NULL},
    {"statusCode[@code='completed']", "verificationStatus.coding[].code", FHIR_OP_CONST,
     "confirmed", NULL},
    {"statusCode[@code='completed']", "verificationStatus.coding.system", FHIR_OP_CONST,
     "http://terminology.hl7.org/CodeSystem/condition-ver-status", NULL},
    {"effectiveTime[low] | effectiveTime[high]", "onsetPeriod", FHIR_OP_PERIOD, NULL, NULL},
    {"value[@xsi:type='CD']", "code", FHIR_OP_CODING_CC, NULL, NULL},
    {ER_OBS "[code/@code='89261-2']", "evidence[].detail[]", FHIR_OP_NEW, &course, NULL},
    {ER_OBS "[code/@code='33999-4']", "clinicalStatus", FHIR_OP_FN,
     "http://terminology.hl7.org/CodeSystem/condition-clinical", fhir_clinical_status},
};
static const fhir_res_desc problem = {"Condition", FHIR_RULES(problem_rules)};

/* The Observation of a sub-section when the parent section has no entries. */
static const fhir_rule sub_narrative_rules[] = {
    {"code", "code", FHIR_OP_CC, NULL, NULL},
    {NULL, "status", FHIR_OP_CONST, "final", NULL},
    {NULL, "subject", FHIR_OP_REF, "Patient", NULL},
    {NULL, "encounter", FHIR_OP_REF, "Encounter", NULL},
    {"text", "note[].text", FHIR_OP_NARRATIVE, NULL, NULL},
};
static const fhir_res_desc sub_narrative = {"Observation", FHIR_RULES(sub_narrative_rules)};

/* The MedicationStatement of the therapy at admission (SottoSectionMS). */
static const fhir_rule statement_rules[] = {
    {"text", "note[].text", FHIR_OP_NARRATIVE, NULL, NULL},
    {"text", "medicationCodeableConcept.text", FHIR_OP_NARRATIVE, NULL, NULL},
    {NULL, "subject", FHIR_OP_REF, "Patient", NULL},
    {NULL, "status", FHIR_OP_CONST, "unknown", NULL},
};
static const fhir_res_desc statement = {"MedicationStatement", FHIR_RULES(statement_rules)};

static const fhir_rule sub_section_rules[] = {
    {".[code/@code='11329-0']/code", "code", FHIR_OP_CC, NULL, NULL},
    {"title", "title", FHIR_OP_TEXT, NULL, NULL},
    {".[../../entry]/text", "text.status", FHIR_OP_CONST, "generated", NULL},
    {".[../../entry]/text", "text.div", FHIR_OP_NARRATIVE, NULL, NULL},
    {".[!../../entry][text]", "entry[]", FHIR_OP_NEW, &sub_narrative, NULL},
    {"entry/observation[code/@code='75326-9']", "entry[]", FHIR_OP_NEW, &problem, NULL},
    {".[code/@code='29545-1']", NULL, FHIR_OP_NEST, &text_obs_section, NULL},
    {".[code/@code='42346-7']/title", "title", FHIR_OP_TEXT, NULL, NULL},
    {".[code/@code='42346-7']/code", "code", FHIR_OP_CC, NULL, NULL},
    {".[code/@code='42346-7'][text]", "entry[]", FHIR_OP_NEW, &statement, NULL},
};
static const fhir_rules sub_section = FHIR_RULES(sub_section_rules);

static const fhir_rule framing_rules[] = {
    {"title", "title", FHIR_OP_TEXT, NULL, NULL},
    {"code", "code", FHIR_OP_CC, NULL, NULL},
    {".[text]", "entry[]", FHIR_OP_NEW, &narrative_obs, NULL},
    {"text", "text.status", FHIR_OP_CONST, "generated", NULL},
    {"text", "text.div", FHIR_OP_NARRATIVE, NULL, NULL},
    {"component/section", "section[]", FHIR_OP_NEST, &sub_section, NULL},
};
static const fhir_rules framing = FHIR_RULES(framing_rules);

/* Decorso ospedaliero, riscontri: text Observation, sub-sections likewise. */
static const fhir_rule course_section_rules[] = {
    {"title", "title", FHIR_OP_TEXT, NULL, NULL},
    {"code", "code", FHIR_OP_CC, NULL, NULL},
    {".[text]", "entry[]", FHIR_OP_NEW, &narrative_obs, NULL},
    {"text", "text.status", FHIR_OP_CONST, "generated", NULL},
    {"text", "text.div", FHIR_OP_NARRATIVE, NULL, NULL},
    {"component/section", NULL, FHIR_OP_NEST, &text_obs_section, NULL},
};
static const fhir_rules course_section = FHIR_RULES(course_section_rules);

/* ------------------------------------------------------------------------ */
/* Procedures, allergies, follow-up                                         */
/* ------------------------------------------------------------------------ */

static const fhir_rule reason_rules[] = {
    {NULL, "subject", FHIR_OP_REF, "Patient", NULL},
    {NULL, "encounter", FHIR_OP_REF, "Encounter", NULL},
    {"observation/code", "code", FHIR_OP_CC, NULL, NULL},
    {"observation", "status", FHIR_OP_CONST, "final", NULL},
};
static const fhir_res_desc reason = {"Observation", FHIR_RULES(reason_rules)};

static const fhir_rule procedure_rules[] = {
    {NULL, "subject", FHIR_OP_REF, "Patient", NULL},
    {NULL, "encounter", FHIR_OP_REF, "Encounter", NULL},
    {"procedure/code", "code", FHIR_OP_CC, NULL, NULL},
    {"procedure/text/reference", "note[].text", FHIR_OP_ATTR, "value", NULL},
    {"procedure[!statusCode]", "status", FHIR_OP_CONST, "unknown", NULL},
    {"procedure/statusCode", "status", FHIR_OP_MAP, fhir_procedure_status, NULL},
    {"procedure/effectiveTime", "performedPeriod", FHIR_OP_PERIOD, NULL, NULL},
    {"procedure/entryRelationship", "reasonReference[]", FHIR_OP_NEW, &reason, NULL},
};
static const fhir_res_desc procedure = {"Procedure", FHIR_RULES(procedure_rules)};

static const fhir_rule narrative_procedure_rules[] = {
    {NULL, "subject", FHIR_OP_REF, "Patient", NULL},
    {NULL, "encounter", FHIR_OP_REF, "Encounter", NULL},
    {NULL, "status", FHIR_OP_CONST, "unknown", NULL},
    {"text", "note[].text", FHIR_OP_NARRATIVE, NULL, NULL},
};
static const fhir_res_desc narrative_procedure = {"Procedure",
                                                  FHIR_RULES(narrative_procedure_rules)};

static const fhir_rule procedure_section_rules[] = {
    {NULL, NULL, FHIR_OP_NEST, &head, NULL},
    {".[!entry][text]", "entry[]", FHIR_OP_NEW, &narrative_procedure, NULL},
    {"entry", "entry[]", FHIR_OP_NEW, &procedure, NULL},
};
static const fhir_rules procedure_section = FHIR_RULES(procedure_section_rules);

static const fhir_rule careplan_rules[] = {
    {"text", "note[].text", FHIR_OP_NARRATIVE, NULL, NULL},
    {NULL, "subject", FHIR_OP_REF, "Patient", NULL},
    {NULL, "encounter", FHIR_OP_REF, "Encounter", NULL},
    {NULL, "status", FHIR_OP_CONST, "active", NULL},
    {NULL, "intent", FHIR_OP_CONST, "order", NULL},
};
static const fhir_res_desc careplan = {"CarePlan", FHIR_RULES(careplan_rules)};

static const fhir_rule followup_section_rules[] = {
    {"title", "title", FHIR_OP_TEXT, NULL, NULL},
    {"code", "code", FHIR_OP_CC, NULL, NULL},
    {"text", "text.status", FHIR_OP_CONST, "generated", NULL},
    {"text", "text.div", FHIR_OP_NARRATIVE, NULL, NULL},
    {".[text]", "entry[]", FHIR_OP_NEW, &careplan, NULL},
};
static const fhir_rules followup_section = FHIR_RULES(followup_section_rules);

static const fhir_rule allergy_section_rules[] = {
    {NULL, NULL, FHIR_OP_NEST, &head, NULL},
    {".[!entry][text]", "entry[]", FHIR_OP_NEW, &fhir_allergy_narrative, NULL},
    {"entry", "entry[]", FHIR_OP_NEW, &fhir_allergy, NULL},
};
static const fhir_rules allergy_section = FHIR_RULES(allergy_section_rules);

/* ------------------------------------------------------------------------ */
/* Therapy during the stay (10160-0) and at discharge (10183-2)             */
/* ------------------------------------------------------------------------ */

static const fhir_rule stay_request_rules[] = {
    {NULL, "dosageInstruction[].doseAndRate[].doseRange", FHIR_OP_NEST, &fhir_range, NULL},
    {NULL, "medicationReference", FHIR_OP_REF, "@Medication", NULL},
    {NULL, "subject", FHIR_OP_REF, "Patient", NULL},
    {NULL, "encounter", FHIR_OP_REF, "Encounter", NULL},
    {NULL, "status", FHIR_OP_CONST, "active", NULL},
    {NULL, "intent", FHIR_OP_CONST, "order", NULL},
    {"../rateQuantity", "dosageInstruction[].doseAndRate[].rateRange", FHIR_OP_NEST, &fhir_range,
     NULL},
    {"../participant/time", "authoredOn", FHIR_OP_DATETIME, NULL, NULL},
    {"../participant/participantRole", "requester", FHIR_OP_FN,
     "ClinicalDocument/body/TerapiaFarmacologicaRicovero/participant", fhir_body_practitioner},
};
static const fhir_res_desc stay_request = {"MedicationRequest", FHIR_RULES(stay_request_rules)};

static const fhir_rule administration_rules[] = {
    {NULL, "subject", FHIR_OP_REF, "Patient", NULL},
    {NULL, "context", FHIR_OP_REF, "Encounter", NULL},
    {"substanceAdministration/text/reference", "note[].text", FHIR_OP_ATTR, "value", NULL},
    {"substanceAdministration/text/reference/../../performer/time", "note.time", FHIR_OP_DATETIME,
     NULL, NULL},
    {"substanceAdministration[text]/performer/assignedEntity", "performer[].actor", FHIR_OP_FN,
     "ClinicalDocument/body/TerapiaFarmacologicaRicovero/performer", fhir_body_practitioner},
    {"substanceAdministration/statusCode", "status", FHIR_OP_CODE, NULL, NULL},
    {"substanceAdministration/effectiveTime[@xsi:type='IVL_TS']", "effectivePeriod", FHIR_OP_PERIOD,
     NULL, NULL},
    {"substanceAdministration/routeCode", "dosage.route", FHIR_OP_CC, NULL, NULL},
    {"substanceAdministration/approachSiteCode", "dosage.site", FHIR_OP_CC, NULL, NULL},
    {"substanceAdministration", "medicationReference", FHIR_OP_NEW, &fhir_medication, NULL},
    {"substanceAdministration/doseQuantity", "request", FHIR_OP_NEW, &stay_request, NULL},
    {"substanceAdministration/effectiveTime[@xsi:type='PIVL_TS']/period", "dosage.rateRatio",
     FHIR_OP_NEST, &fhir_period_ratio, NULL},
};
static const fhir_res_desc administration = {"MedicationAdministration",
                                             FHIR_RULES(administration_rules)};

static const fhir_rule stay_section_rules[] = {
    {NULL, NULL, FHIR_OP_NEST, &head, NULL},
    {".[!entry][text]", "entry[]", FHIR_OP_NEW, &fhir_administration_narrative, NULL},
    {"entry", "entry[]", FHIR_OP_NEW, &administration, NULL},
};
static const fhir_rules stay_section = FHIR_RULES(stay_section_rules);

static const fhir_rule discharge_section_rules[] = {
    {NULL, NULL, FHIR_OP_NEST, &head, NULL},
    {".[!entry][text]", "entry[]", FHIR_OP_NEW, &fhir_prescription_narrative, NULL},
    {"entry", "entry[]", FHIR_OP_NEW, &fhir_prescription, NULL},
};
static const fhir_rules discharge_section = FHIR_RULES(discharge_section_rules);

/* ------------------------------------------------------------------------ */
/* Sections by code                                                         */
/* ------------------------------------------------------------------------ */

#define SECTION(code, rules)                                                                       \
    {                                                                                              \
        ".[code/@code='" code "']", NULL, FHIR_OP_NEST, &(rules), NULL                             \
    }

static const fhir_rule section_rules[] = {
    SECTION("46241-6", obs_section),       SECTION("47039-3", framing),
    SECTION("8648-8", course_section),     SECTION("55109-3", obs_section),
    SECTION("11493-4", course_section),    SECTION("34104-0", consult_section),
    SECTION("30954-2", consult_section),   SECTION("47519-4", procedure_section),
    SECTION("48765-2", allergy_section),   SECTION("10160-0", stay_section),
    SECTION("11535-2", obs_section),       SECTION("18776-5", followup_section),
    SECTION("10183-2", discharge_section),
};

const fhir_doc_map fhir_map_ldo = {FSE_CDA_DOC_LDO, FHIR_RULES(section_rules), NULL};
