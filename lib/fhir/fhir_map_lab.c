/*
 * lib/fhir/fhir_map_lab.c - the sections of the Referto di Laboratorio
 * (templateId 2.16.840.1.113883.2.9.10.1.1, LOINC 11502-2) as the official
 * RefertodilaboratorioFULLBODY map (v2.2) builds them: every section entry
 * becomes a DiagnosticReport referenced by the section; its act gives the
 * code, status, specimen and the Observations of the results (reference
 * ranges, interpretation, notes) and organizers in document order, nested
 * sections recurse. The roles, media and organizers of the body are in
 * fhir_map_lab_roles.c.
 *
 * Owns the LAB tables. Does not own the header (fhir_header.c) or the rule
 * semantics (fhir_rules.c).
 */
#include "fhir_map_common.h"

/* act/observation statusCode -> DiagnosticReport/Observation status. */
static const fhir_code_map report_status[] = {{"completed", "final"},
                                              {"active", "registered"},
                                              {"aborted", "cancelled"},
                                              {"suspended", "partial"},
                                              {NULL, NULL}};

static const fhir_code_map procedure_status[] = {
    {"completed", "completed"}, {"active", "in-progress"},
    {"aborted", "stopped"},     {"suspended", "on-hold"},
    {"cancelled", "not-done"},  {"held", "on-hold"},
    {"new", "preparation"},     {"obsolete", "entered-in-error"},
    {"nullified", "unknown"},   {NULL, NULL}};

/* obs.value:INT / BL / CE / PQ / ST */
static const fhir_value_kind obs_values[] = {
    {"INT", "Integer", FHIR_OP_NUM},       {"BL", "Boolean", FHIR_OP_CONST},
    {"CE", "CodeableConcept", FHIR_OP_CC}, {"PQ", "Quantity", FHIR_OP_QTY},
    {"ST", "String", FHIR_OP_TEXT},        {NULL, NULL, FHIR_OP_CONST}};

/* Observation.referenceRange from referenceRange/observationRange. */
static const fhir_rule range_rules[] = {
    {"observationRange/value[@xsi:type='ST']", "text", FHIR_OP_TEXT, NULL, NULL},
    {"observationRange/value[@xsi:type='IVL_PQ']/low", "low", FHIR_OP_QTY, NULL, NULL},
    {"observationRange/value[@xsi:type='IVL_PQ']/high", "high", FHIR_OP_QTY, NULL, NULL},
    {"observationRange/interpretationCode", "type", FHIR_OP_CC, NULL, NULL},
    {"observationRange/precondition/criterion/code", "appliesTo[]", FHIR_OP_CC, NULL, NULL},
    {"observationRange/precondition/criterion/value[@xsi:type='IVL_PQ']/high", "age.high",
     FHIR_OP_QTY, NULL, NULL},
};
static const fhir_rules range = FHIR_RULES(range_rules);

/* Procedure of an act, part of each of its observations. */
static const fhir_rule procedure_rules[] = {
    {NULL, "subject", FHIR_OP_REF, "Patient", NULL},
    {NULL, "encounter", FHIR_OP_REF, "Encounter", NULL},
    {".[!statusCode]", "status", FHIR_OP_CONST, "unknown", NULL},
    {"statusCode", "status", FHIR_OP_MAP, procedure_status, NULL},
    {"effectiveTime", "performed", FHIR_OP_EFFECTIVE, NULL, NULL},
    {"targetSiteCode", "bodySite[]", FHIR_OP_CC, NULL, NULL},
};
static const fhir_res_desc procedure = {"Procedure", FHIR_RULES(procedure_rules)};

/* Observation (groups Observation, Observation2 and Observation3). */
static const fhir_rule lab_observation_rules[] = {
    {NULL, "subject", FHIR_OP_REF, "Patient", NULL},
    {NULL, "encounter", FHIR_OP_REF, "Encounter", NULL},
    {"code", "code", FHIR_OP_CC, NULL, NULL},
    {"statusCode", "status", FHIR_OP_MAP, report_status, NULL},
    {"effectiveTime", "effective", FHIR_OP_EFFECTIVE, NULL, NULL},
    {"interpretationCode", "interpretation[]", FHIR_OP_CC, NULL, NULL},
    {"methodCode", "method", FHIR_OP_CC, NULL, NULL},
    {"value", "value", FHIR_OP_VALUE, obs_values, NULL},
    {"entryRelationship/act/text/reference", "note[].text", FHIR_OP_ATTR, "value", NULL},
    {"referenceRange", "referenceRange[]", FHIR_OP_NEST, &range, NULL},
    {NULL, NULL, FHIR_OP_NEST, &fhir_lab_obs_roles, NULL},
};
const fhir_rules fhir_lab_observation_rules = FHIR_RULES(lab_observation_rules);

/* A result of the act: its procedures are what it is part of. */
static const fhir_rule observation_rules[] = {
    {NULL, NULL, FHIR_OP_NEST, &fhir_lab_observation_rules, NULL},
    {"../../entryRelationship/procedure", "partOf[]", FHIR_OP_NEW, &procedure, NULL},
};
static const fhir_res_desc observation = {"Observation", FHIR_RULES(observation_rules)};

static const fhir_rule organizer_rules[] = {
    {NULL, NULL, FHIR_OP_NEST, &fhir_lab_organizer.rules, NULL},
    {"../../entryRelationship/procedure", "partOf[]", FHIR_OP_NEW, &procedure, NULL},
};
static const fhir_res_desc organizer = {"Observation", FHIR_RULES(organizer_rules)};

/* The results of the act, in document order. */
static const fhir_rule result_rules[] = {
    {"observation", "result[]", FHIR_OP_NEW, &observation, NULL},
    {"organizer", "result[]", FHIR_OP_NEW, &organizer, NULL},
};
static const fhir_rules result = FHIR_RULES(result_rules);

static const fhir_rule specimen_rules[] = {
    {"specimenRole/id", "identifier[]", FHIR_OP_IDENT, NULL, NULL},
    {"specimenRole/specimenPlayingEntity/code", "type", FHIR_OP_CC, NULL, NULL},
};
static const fhir_res_desc specimen = {"Specimen", FHIR_RULES(specimen_rules)};

/* DiagnosticReport of a section entry (group Act). */
static const fhir_rule report_rules[] = {
    {"act/code", "code", FHIR_OP_CC, NULL, NULL},
    {"act[!statusCode]", "status", FHIR_OP_CONST, "final", NULL},
    {"act/statusCode", "status", FHIR_OP_MAP, report_status, NULL},
    {"act/effectiveTime", "effective", FHIR_OP_EFFECTIVE, NULL, NULL},
    {NULL, "subject", FHIR_OP_REF, "Patient", NULL},
    {NULL, "encounter", FHIR_OP_REF, "Encounter", NULL},
    {"act/specimen", "specimen[]", FHIR_OP_NEW, &specimen, NULL},
    {"act[specimen]/entryRelationship", NULL, FHIR_OP_NEST, &result, NULL},
    {"act[!specimen]/entryRelationship", NULL, FHIR_OP_NEST, &result, NULL},
    {"act", NULL, FHIR_OP_NEST, &fhir_lab_act_roles, NULL},
    {"act/entryRelationship/act/text/reference", "conclusion", FHIR_OP_ATTR, "value", NULL},
};
static const fhir_res_desc report = {"DiagnosticReport", FHIR_RULES(report_rules)};

static const fhir_rules section;

static const fhir_rule section_rules[] = {
    {NULL, NULL, FHIR_OP_NEST, &fhir_section_common, NULL},
    {"entry", "entry[]", FHIR_OP_NEW, &report, NULL},
    {"component/section", "section[]", FHIR_OP_NEST, &section, NULL},
};
static const fhir_rules section = FHIR_RULES(section_rules);

const fhir_doc_map fhir_map_lab = {FSE_CDA_DOC_LAB, FHIR_RULES(section_rules), NULL};
