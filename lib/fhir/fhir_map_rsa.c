/*
 * lib/fhir/fhir_map_rsa.c - the sections of the Referto di Specialistica
 * Ambulatoriale (templateId 2.16.840.1.113883.2.9.10.1.9.1, LOINC 11488-4) as
 * the official RefertodiSpecialisticaAmbulatorialeBody map builds them: one
 * DiagnosticReport for the document referenced by every section; results by
 * section code (reason, history with problems, family history, allergies and
 * medicines, exams, diagnosis, follow-up), the performed services as
 * Procedures of the Encounter, recommended medicines as MedicationRequests
 * the report is based on, narrative-only sections as Observations.
 *
 * Owns the RSA tables. Shared report pieces are in fhir_map_report.c.
 */
#include "fhir_map_common.h"

#define SEC(code) ".[../../code/@code='" code "']"
#define RESULT "@DiagnosticReport.result[]"
#define SUB(code) "../../component/section[code/@code='" code "']"

static const fhir_code_map statement_status[] = {
    {"completed", "completed"}, {"active", "active"},
    {"aborted", "stopped"},     {"suspended", "on-hold"},
    {"cancelled", "not-taken"}, {"held", "on-hold"},
    {"new", "intended"},        {"obsolete", "entered-in-error"},
    {"nullified", "unknown"},   {NULL, NULL}};

static const fhir_code_map request_status[] = {{"completed", "completed"},
                                               {"active", "active"},
                                               {"aborted", "cancelled"},
                                               {"suspended", "on-hold"},
                                               {NULL, NULL}};

/* The procedure statuses of this map ("active" is misspelled there). */
static const fhir_code_map procedure_status[] = {
    {"completed", "completed"},       {"aborted", "stopped"},   {"suspended", "on-hold"},
    {"cancelled", "not-done"},        {"held", "on-hold"},      {"new", "preparation"},
    {"obsolete", "entered-in-error"}, {"nullified", "unknown"}, {NULL, NULL}};

#define MATERIAL "consumable/manufacturedProduct/manufacturedMaterial"

/* group MedicationStatement (src: substanceAdministration) */
static const fhir_rule statement_rules[] = {
    {NULL, "subject", FHIR_OP_REF, "Patient", NULL},
    {".[!statusCode]", "status", FHIR_OP_CONST, "unknown", NULL},
    {"statusCode", "status", FHIR_OP_MAP, statement_status, NULL},
    {MATERIAL "/code", "medicationCodeableConcept", FHIR_OP_CC, NULL, NULL},
};
static const fhir_res_desc statement = {"MedicationStatement", FHIR_RULES(statement_rules)};

/* The clinical history observation (11329-0) and what it points at. */
static const fhir_rule history_obs_rules[] = {
    {NULL, "subject", FHIR_OP_REF, "Patient", NULL},
    {NULL, "encounter", FHIR_OP_REF, "Encounter", NULL},
    {NULL, "status", FHIR_OP_CONST, "final", NULL},
    {"../../code", "code", FHIR_OP_CC, NULL, NULL},
    {"statusCode", "status", FHIR_OP_MAP, fhir_obs_status, NULL},
    {SUB("10160-0") "/entry/substanceAdministration", "partOf[]", FHIR_OP_NEW, &statement, NULL},
    {SUB("48765-2"), "focus[]", FHIR_OP_NEW, &fhir_report_allergy_list_section, NULL},
    {"../../entry/observation", "focus[]", FHIR_OP_NEW, &fhir_report_condition, NULL},
    {"../../entry/organizer", "focus[]", FHIR_OP_NEW, &fhir_report_family_list_rsa, NULL},
};
static const fhir_res_desc history_obs = {"Observation", FHIR_RULES(history_obs_rules)};

/* group Procedure */
static const fhir_rule procedure_rules[] = {
    {NULL, "subject", FHIR_OP_REF, "Patient", NULL},
    {NULL, "encounter", FHIR_OP_REF, "Encounter", NULL},
    {".[!statusCode]", "status", FHIR_OP_CONST, "unknown", NULL},
    {"statusCode", "status", FHIR_OP_MAP, procedure_status, NULL},
    {"id", "identifier[]", FHIR_OP_IDENT, NULL, NULL},
    {"code", "code", FHIR_OP_CC, NULL, NULL},
    {"effectiveTime[@value]", "performedDateTime", FHIR_OP_DATETIME, NULL, NULL},
    {"effectiveTime[low]", "performedPeriod", FHIR_OP_PERIOD, NULL, NULL},
    {"methodCode", "extension[].url", FHIR_OP_CONST,
     "http://hl7.org/fhir/StructureDefinition/procedure-method", NULL},
    {"methodCode", "extension.valueCodeableConcept", FHIR_OP_CC, NULL, NULL},
    {"entryRelationship/observation", "partOf[]", FHIR_OP_NEW, &fhir_report_observation, NULL},
    {"entryRelationship/act/text/reference", "note[].text", FHIR_OP_ATTR, "value", NULL},
};
static const fhir_res_desc procedure = {"Procedure", FHIR_RULES(procedure_rules)};

/* group ObservationPrest */
static const fhir_rule service_obs_rules[] = {
    {NULL, "subject", FHIR_OP_REF, "Patient", NULL},
    {NULL, "encounter", FHIR_OP_REF, "Encounter", NULL},
    {".[!statusCode]", "status", FHIR_OP_CONST, "final", NULL},
    {"statusCode", "status", FHIR_OP_MAP, fhir_obs_status, NULL},
    {"id", "identifier[]", FHIR_OP_IDENT, NULL, NULL},
    {"code", "code", FHIR_OP_CC, NULL, NULL},
    {"effectiveTime[@value]", "effectiveDateTime", FHIR_OP_DATETIME, NULL, NULL},
    {"effectiveTime[low]", "effectivePeriod", FHIR_OP_PERIOD, NULL, NULL},
    {"methodCode", "method", FHIR_OP_CC, NULL, NULL},
    {"entryRelationship/observation", "hasMember[]", FHIR_OP_NEW, &fhir_report_observation, NULL},
    {"entryRelationship/act/text/reference", "note[].text", FHIR_OP_ATTR, "value", NULL},
};
static const fhir_res_desc service_obs = {"Observation", FHIR_RULES(service_obs_rules)};

/* The performed service (62387-6): a Procedure the Encounter is for. */
static const fhir_rule service_rules[] = {
    {NULL, "subject", FHIR_OP_REF, "Patient", NULL},
    {NULL, "encounter", FHIR_OP_REF, "Encounter", NULL},
    {".[!statusCode]", "status", FHIR_OP_CONST, "unknown", NULL},
    {"statusCode", "status", FHIR_OP_MAP, fhir_procedure_status, NULL},
    {"entryRelationship/procedure", "partOf[]", FHIR_OP_NEW, &procedure, NULL},
    {"entryRelationship/observation", "partOf[]", FHIR_OP_NEW, &service_obs, NULL},
    {"entryRelationship/act", "partOf[]", FHIR_OP_NEW, &procedure, NULL},
};
static const fhir_res_desc service = {"Procedure", FHIR_RULES(service_rules)};

/* group MedicationRequest (recommended medicines, 93341-6) */
static const fhir_rule dosage_rules[] = {
    {"doseQuantity/originalText/reference | rateQuantity/originalText/reference", "text",
     FHIR_OP_ATTR, "value", NULL},
    {"doseQuantity", "doseAndRate[].doseRange", FHIR_OP_NEST, &fhir_range, NULL},
    {"rateQuantity", "doseAndRate[].rateRange", FHIR_OP_NEST, &fhir_range, NULL},
    {"routeCode", "route", FHIR_OP_CC, NULL, NULL},
    {"approachSiteCode | targetSiteCode", "site", FHIR_OP_CC, NULL, NULL},
};
static const fhir_rules dosage = FHIR_RULES(dosage_rules);

static const fhir_rule period_timing_rules[] = {
    {"period", "repeat.period", FHIR_OP_NUM, "value", NULL},
    {"period", "repeat.periodUnit", FHIR_OP_ATTR, "unit", NULL},
};
static const fhir_rules period_timing = FHIR_RULES(period_timing_rules);

static const fhir_rule request_rules[] = {
    {NULL, "subject", FHIR_OP_REF, "Patient", NULL},
    {NULL, "encounter", FHIR_OP_REF, "Encounter", NULL},
    {NULL, "intent", FHIR_OP_CONST, "order", NULL},
    {".[!statusCode]", "status", FHIR_OP_CONST, "unknown", NULL},
    {"statusCode", "status", FHIR_OP_MAP, request_status, NULL},
    {"text/reference", "note[].text", FHIR_OP_ATTR, "value", NULL},
    {"effectiveTime[@xsi:type='IVL_TS'][@value]",
     "dosageInstruction[].timing.repeat.boundsDateTime", FHIR_OP_DATETIME, NULL, NULL},
    {"effectiveTime[@xsi:type='IVL_TS'][low]", "dosageInstruction[].timing.repeat.boundsPeriod",
     FHIR_OP_PERIOD, NULL, NULL},
    {"effectiveTime[@xsi:type='EIVL_TS']/eventCode", "dosageInstruction[].timing.repeat.when[]",
     FHIR_OP_CODE, NULL, NULL},
    {"effectiveTime[@xsi:type='PIVL_TS']", "dosageInstruction[].timing", FHIR_OP_NEST,
     &period_timing, NULL},
    {".[doseQuantity] | .[rateQuantity]", "dosageInstruction[]", FHIR_OP_NEST, &dosage, NULL},
    {".[consumable]", "medicationReference", FHIR_OP_NEW, &fhir_medication, NULL},
    {"entryRelationship/supply/quantity", "dispenseRequest.quantity.value", FHIR_OP_NUM, "value",
     NULL},
    {"participant/participantRole", "requester", FHIR_OP_FN,
     "ClinicalDocument/body/TerapiaFarmacologicaConsigliata/participant", fhir_body_practitioner},
};
static const fhir_res_desc request = {"MedicationRequest", FHIR_RULES(request_rules)};

/* Narrative-only recommended medicines. */
static const fhir_rule request_text_rules[] = {
    {NULL, "subject", FHIR_OP_REF, "Patient", NULL},
    {NULL, "encounter", FHIR_OP_REF, "Encounter", NULL},
    {NULL, "intent", FHIR_OP_CONST, "order", NULL},
    {NULL, "status", FHIR_OP_CONST, "unknown", NULL},
    {"text", "note[].text", FHIR_OP_NARRATIVE, NULL, NULL},
    {NULL, "medicationCodeableConcept.text", FHIR_OP_CONST, "string", NULL},
};
static const fhir_res_desc request_text = {"MedicationRequest", FHIR_RULES(request_text_rules)};

static const fhir_rule observation_dispatch_rules[] = {
    {SEC("29299-5"), RESULT, FHIR_OP_NEW, &fhir_report_observation, NULL},
    {SEC("11329-0"), RESULT, FHIR_OP_NEW, &history_obs, NULL},
    {SEC("30954-2"), RESULT, FHIR_OP_NEW, &fhir_report_observation, NULL},
    {SEC("29548-5"), RESULT, FHIR_OP_NEW, &fhir_report_observation, NULL},
};
static const fhir_rules observation_dispatch = FHIR_RULES(observation_dispatch_rules);

static const fhir_rule act_dispatch_rules[] = {
    {SEC("62387-6"), "@DiagnosticReport.encounter", FHIR_OP_REF, "Encounter", NULL},
    {SEC("62387-6") "/code", "@Encounter.type[]", FHIR_OP_CC, NULL, NULL},
    {SEC("62387-6") "/effectiveTime", "@Encounter.period.start", FHIR_OP_DATETIME, NULL, NULL},
    {SEC("62387-6"), "@Encounter.reasonReference[]", FHIR_OP_NEW, &service, NULL},
    {SEC("80615-8"), RESULT, FHIR_OP_NEW, &fhir_report_observation, NULL},
};
static const fhir_rules act_dispatch = FHIR_RULES(act_dispatch_rules);

static const fhir_rules section;

static const fhir_rule section_rules[] = {
    {"title", "title", FHIR_OP_TEXT, NULL, NULL},
    {"code", "code", FHIR_OP_CC, NULL, NULL},
    {NULL, "entry[]", FHIR_OP_REF, "@DiagnosticReport", NULL},
    {".[entry]/text", "text.status", FHIR_OP_CONST, "generated", NULL},
    {".[entry]/text", "text.div", FHIR_OP_NARRATIVE, NULL, NULL},
    {"entry/observation", NULL, FHIR_OP_NEST, &observation_dispatch, NULL},
    {"entry/act", NULL, FHIR_OP_NEST, &act_dispatch, NULL},
    {".[code/@code='93341-6']/entry/substanceAdministration", "@DiagnosticReport.basedOn[]",
     FHIR_OP_NEW, &request, NULL},
    {".[!entry][code/@code='48765-2']", RESULT, FHIR_OP_NEW, &fhir_report_allergy_text_obs, NULL},
    {".[!entry][code/@code='93341-6'][text]", "@DiagnosticReport.basedOn[]", FHIR_OP_NEW,
     &request_text, NULL},
    {".[!entry][code/@code!='55110-1'][code/@code!='93341-6'][code/@code!='48765-2'][text]", RESULT,
     FHIR_OP_NEW, &fhir_report_text_obs, NULL},
    {".[!entry][code/@code='55110-1']/text", "@DiagnosticReport.conclusion", FHIR_OP_NARRATIVE,
     NULL, NULL},
    {"component/section", "section[]", FHIR_OP_NEST, &section, NULL},
};
static const fhir_rules section = FHIR_RULES(section_rules);

const fhir_doc_map fhir_map_rsa = {FSE_CDA_DOC_RSA, FHIR_RULES(section_rules), fhir_report_create};
