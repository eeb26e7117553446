/*
 * lib/fhir/fhir_map_rad.c - the sections of the Referto di Radiologia
 * (templateId 2.16.840.1.113883.2.9.10.1.7.1, LOINC 68604-8) as the official
 * RefertodiRadiologiaBody map builds them: one DiagnosticReport for the
 * document, referenced by every section; entries become its results
 * (observations, the clinical history as Observation -> Condition or List ->
 * FamilyMemberHistory, allergies as Observation -> List -> AllergyIntolerance)
 * or its ImagingStudy (DICOM object catalog); narrative-only sections become
 * Observations with the text, the conclusions also DiagnosticReport.conclusion.
 *
 * Owns the RAD tables.
 */
#include "fhir_map_common.h"

#define SEC(code) ".[../../code/@code='" code "']"
#define RESULT "@DiagnosticReport.result[]"

/* Observations of the section that point at the history or the allergies. */
#define SECTION_OBS                                                                                \
    {NULL, "subject", FHIR_OP_REF, "Patient", NULL},                                               \
        {NULL, "encounter", FHIR_OP_REF, "Encounter", NULL},                                       \
        {NULL, "status", FHIR_OP_CONST, "final", NULL},                                            \
    {                                                                                              \
        "../../code", "code", FHIR_OP_CC, NULL, NULL                                               \
    }

static const fhir_rule history_obs_rules[] = {
    SECTION_OBS,
    {NULL, "focus[]", FHIR_OP_NEW, &fhir_report_condition, NULL},
};
static const fhir_res_desc history_obs = {"Observation", FHIR_RULES(history_obs_rules)};

static const fhir_rule family_obs_rules[] = {
    SECTION_OBS,
    {NULL, "focus[]", FHIR_OP_NEW, &fhir_report_family_list, NULL},
};
static const fhir_res_desc family_obs = {"Observation", FHIR_RULES(family_obs_rules)};

static const fhir_rule allergy_obs_rules[] = {
    SECTION_OBS,
    {"statusCode", "status", FHIR_OP_MAP, fhir_obs_status, NULL},
    {NULL, "focus[]", FHIR_OP_NEW, &fhir_report_allergy_list, NULL},
};
static const fhir_res_desc allergy_obs = {"Observation", FHIR_RULES(allergy_obs_rules)};

/* group ImagingStudy (src: the act of the DICOM object catalog) */
static const fhir_rule instance_rules[] = {
    {"id", "uid", FHIR_OP_ATTR, "root", NULL},
    {"code", "sopClass", FHIR_OP_CODING, NULL, NULL},
};
static const fhir_rules instance = FHIR_RULES(instance_rules);

static const fhir_rule series_rules[] = {
    {"id", "uid", FHIR_OP_ATTR, "root", NULL},
    {"../../../../code", "modality", FHIR_OP_CODING, NULL, NULL},
    {"entryRelationship/observation", "instance[]", FHIR_OP_NEST, &instance, NULL},
};
static const fhir_rules series = FHIR_RULES(series_rules);

static const fhir_rule imaging_rules[] = {
    {"id", "identifier[]", FHIR_OP_IDENT, NULL, NULL},
    {NULL, "subject", FHIR_OP_REF, "Patient", NULL},
    {NULL, "encounter", FHIR_OP_REF, "Encounter", NULL},
    {NULL, "status", FHIR_OP_CONST, "available", NULL},
    {"entryRelationship/act", "series[]", FHIR_OP_NEST, &series, NULL},
};
static const fhir_res_desc imaging = {"ImagingStudy", FHIR_RULES(imaging_rules)};

/* DiagnosticReportFunction, dispatched on the code of the section. */
static const fhir_rule act_rules[] = {
    {SEC("121181"), "@DiagnosticReport.imagingStudy[]", FHIR_OP_NEW, &imaging, NULL},
    {SEC("48765-2"), RESULT, FHIR_OP_NEW, &allergy_obs, NULL},
    {SEC("55111-9"), RESULT, FHIR_OP_NEW, &fhir_report_observation, NULL},
};
static const fhir_rules act = FHIR_RULES(act_rules);

static const fhir_rule observation_dispatch_rules[] = {
    {SEC("11329-0"), RESULT, FHIR_OP_NEW, &history_obs, NULL},
    {SEC("55114-3"), RESULT, FHIR_OP_NEW, &fhir_report_observation, NULL},
    {SEC("55109-3"), RESULT, FHIR_OP_NEW, &fhir_report_observation, NULL},
    {SEC("18785-6"), RESULT, FHIR_OP_NEW, &fhir_report_observation, NULL},
};
static const fhir_rules observation_dispatch = FHIR_RULES(observation_dispatch_rules);

static const fhir_rules section;

static const fhir_rule section_rules[] = {
    {"title", "title", FHIR_OP_TEXT, NULL, NULL},
    {"code", "code", FHIR_OP_CC, NULL, NULL},
    {NULL, "entry[]", FHIR_OP_REF, "@DiagnosticReport", NULL},
    {".[entry]/text", "text.status", FHIR_OP_CONST, "generated", NULL},
    {".[entry]/text", "text.div", FHIR_OP_NARRATIVE, NULL, NULL},
    {"entry/act", NULL, FHIR_OP_NEST, &act, NULL},
    {"entry/observation", NULL, FHIR_OP_NEST, &observation_dispatch, NULL},
    {"entry/organizer", RESULT, FHIR_OP_NEW, &family_obs, NULL},
    {".[!entry][code/@code='48765-2']", RESULT, FHIR_OP_NEW, &fhir_report_allergy_text_obs, NULL},
    {".[!entry][text]", RESULT, FHIR_OP_NEW, &fhir_report_text_obs, NULL},
    {".[!entry][code/@code='55110-1']/text", "@DiagnosticReport.conclusion", FHIR_OP_NARRATIVE,
     NULL, NULL},
    {"component/section", "section[]", FHIR_OP_NEST, &section, NULL},
};
static const fhir_rules section = FHIR_RULES(section_rules);

const fhir_doc_map fhir_map_rad = {FSE_CDA_DOC_RAD, FHIR_RULES(section_rules), fhir_report_create};
