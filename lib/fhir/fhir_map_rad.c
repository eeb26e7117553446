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

static const fhir_code_map criticality[] = {
    {"M", "low"}, {"H", "high"}, {"L", "low"}, {NULL, NULL}};
static const fhir_code_map allergy_type[] = {{"OINT", "intolerance"},
                                             {"ALG", "allergy"},
                                             {"DALG", "allergy"},
                                             {"EALG", "allergy"},
                                             {"FALG", "allergy"},
                                             {"NAINT", "intolerance"},
                                             {"FNAINT", "intolerance"},
                                             {"DNAINT", "intolerance"},
                                             {"ENAINT", "intolerance"},
                                             {"FINT", "intolerance"},
                                             {"DINT", "intolerance"},
                                             {"EINT", "intolerance"},
                                             {NULL, NULL}};

/* group Observation: value, effective, note, status from OBSstatus. */
static const fhir_rule observation_rules[] = {
    {NULL, "subject", FHIR_OP_REF, "Patient", NULL},
    {NULL, "encounter", FHIR_OP_REF, "Encounter", NULL},
    {"code", "code", FHIR_OP_CC, NULL, NULL},
    {NULL, "status", FHIR_OP_CONST, "final", NULL},
    {"value", "value", FHIR_OP_VALUE, fhir_obs_values, NULL},
    {"effectiveTime", "effective", FHIR_OP_EFFECTIVE, NULL, NULL},
    {"text/reference", "note[].text", FHIR_OP_ATTR, "value", NULL},
    {"statusCode", "status", FHIR_OP_MAP, fhir_obs_status, NULL},
};
static const fhir_res_desc observation = {"Observation", FHIR_RULES(observation_rules)};

/* group ConditionFunction */
static const fhir_rule condition_rules[] = {
    {"code", "category[]", FHIR_OP_CC, NULL, NULL},
    {NULL, "subject", FHIR_OP_REF, "Patient", NULL},
    {NULL, "encounter", FHIR_OP_REF, "Encounter", NULL},
    {"statusCode", "verificationStatus.coding[].code", FHIR_OP_CONST, "confirmed", NULL},
    {"statusCode", "verificationStatus.coding.system", FHIR_OP_CONST,
     "http://terminology.hl7.org/CodeSystem/condition-ver-status", NULL},
    {"statusCode", "verificationStatus.coding.display", FHIR_OP_CONST, "Confirmed", NULL},
    {"effectiveTime", "onset", FHIR_OP_EFFECTIVE, NULL, NULL},
    {"value", "code", FHIR_OP_CC, NULL, NULL},
    {"entryRelationship/observation[code/@code='89261-2']", "evidence[].detail[]", FHIR_OP_NEW,
     &observation, NULL},
    {"entryRelationship/observation[code/@code='33999-4']", "clinicalStatus", FHIR_OP_FN,
     "http://terminology.hl7.org/CodeSystem/condition-clinical", fhir_clinical_status},
};
static const fhir_res_desc condition = {"Condition", FHIR_RULES(condition_rules)};

/* group allergyFunction (src: the entry act) */
#define ALG_OBS "entryRelationship/observation"

static const fhir_rule reaction_rules[] = {
    {"../entryRelationship[@typeCode='MFST']/observation/value", "manifestation[]", FHIR_OP_CC,
     NULL, NULL},
    {"../entryRelationship[@typeCode='MFST']/observation/effectiveTime/low", "onset",
     FHIR_OP_DATETIME, NULL, NULL},
    {"participantRole/playingEntity/code", "substance", FHIR_OP_CC, NULL, NULL},
};
static const fhir_rules reaction = FHIR_RULES(reaction_rules);

static const fhir_rule allergy_rules[] = {
    {NULL, "patient", FHIR_OP_REF, "Patient", NULL},
    {NULL, "encounter", FHIR_OP_REF, "Encounter", NULL},
    {ALG_OBS "/effectiveTime", "onset", FHIR_OP_EFFECTIVE, NULL, NULL},
    {ALG_OBS "/value", "type", FHIR_OP_MAP, allergy_type, NULL},
    {ALG_OBS "/participant", "reaction[]", FHIR_OP_NEST, &reaction, NULL},
    {ALG_OBS "/entryRelationship[@typeCode='SUBJ']/observation/value", "criticality", FHIR_OP_MAP,
     criticality, NULL},
    {ALG_OBS "/entryRelationship[@typeCode='SUBJ']/act/text/reference", "note[].text", FHIR_OP_ATTR,
     "value", NULL},
    {ALG_OBS "/entryRelationship[@typeCode='REFR']/observation", "clinicalStatus", FHIR_OP_FN,
     "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical", fhir_allergy_status},
};
static const fhir_res_desc allergy = {"AllergyIntolerance", FHIR_RULES(allergy_rules)};

/* group FamilyMemberFunction (src: the organizer) */
static const fhir_rule age_rules[] = {
    {NULL, "value", FHIR_OP_NUM, "value", NULL},
    {NULL, "unit", FHIR_OP_ATTR, "unit", NULL},
    {NULL, "system", FHIR_OP_CONST, "http://unitsofmeasure.org", NULL},
    {NULL, "code", FHIR_OP_ATTR, "unit", NULL},
};
static const fhir_rules age = FHIR_RULES(age_rules);

static const fhir_rule family_condition_rules[] = {
    {"code", "code", FHIR_OP_CC, NULL, NULL},
    {"value", "outcome", FHIR_OP_CC, NULL, NULL},
    {"entryRelationship/observation[code/@code='35267-4']/value", "onsetAge", FHIR_OP_NEST, &age,
     NULL},
};
static const fhir_rules family_condition = FHIR_RULES(family_condition_rules);

static const fhir_rule family_dated_rules[] = {
    {"code", "code", FHIR_OP_CC, NULL, NULL},
    {"value", "outcome", FHIR_OP_CC, NULL, NULL},
    {"effectiveTime", "onsetPeriod.start", FHIR_OP_DATETIME, NULL, NULL},
};
static const fhir_rules family_dated = FHIR_RULES(family_dated_rules);

static const fhir_code_map gender[] = {{"M", "male"}, {"F", "female"}, {NULL, NULL}};

static const fhir_rule family_rules[] = {
    {NULL, "patient", FHIR_OP_REF, "Patient", NULL},
    {"statusCode", "status", FHIR_OP_CODE, NULL, NULL},
    {"effectiveTime", "date", FHIR_OP_DATETIME, NULL, NULL},
    {"subject/relatedSubject/code", "relationship", FHIR_OP_CC, NULL, NULL},
    {"subject/relatedSubject/subject/administrativeGenderCode", "sex.coding[].code", FHIR_OP_MAP,
     gender, NULL},
    {"component/observation", "condition[]", FHIR_OP_NEST, &family_condition, NULL},
    {"component/observation/text/reference", "note[].text", FHIR_OP_ATTR, "value", NULL},
    {"component/observation/statusCode", "status", FHIR_OP_CODE, NULL, NULL},
    {"component/observation[effectiveTime]", "condition[]", FHIR_OP_NEST, &family_dated, NULL},
    {"component/observation/entryRelationship/observation[code/@code='39016-1']/value",
     "deceasedAge", FHIR_OP_NEST, &age, NULL},
};
static const fhir_res_desc family = {"FamilyMemberHistory", FHIR_RULES(family_rules)};

/* Lists that carry the history and the allergies. */
#define LIST_HEAD                                                                                  \
    {NULL, "subject", FHIR_OP_REF, "Patient", NULL},                                               \
        {NULL, "status", FHIR_OP_CONST, "current", NULL},                                          \
        {NULL, "mode", FHIR_OP_CONST, "working", NULL},                                            \
    {                                                                                              \
        NULL, "encounter", FHIR_OP_REF, "Encounter", NULL                                          \
    }

static const fhir_rule family_list_rules[] = {
    LIST_HEAD,
    {NULL, "entry[].item", FHIR_OP_NEW, &family, NULL},
};
static const fhir_res_desc family_list = {"List", FHIR_RULES(family_list_rules)};

static const fhir_rule allergy_list_rules[] = {
    LIST_HEAD,
    {NULL, "entry[].item", FHIR_OP_NEW, &allergy, NULL},
};
static const fhir_res_desc allergy_list = {"List", FHIR_RULES(allergy_list_rules)};

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
    {NULL, "focus[]", FHIR_OP_NEW, &condition, NULL},
};
static const fhir_res_desc history_obs = {"Observation", FHIR_RULES(history_obs_rules)};

static const fhir_rule family_obs_rules[] = {
    SECTION_OBS,
    {NULL, "focus[]", FHIR_OP_NEW, &family_list, NULL},
};
static const fhir_res_desc family_obs = {"Observation", FHIR_RULES(family_obs_rules)};

static const fhir_rule allergy_obs_rules[] = {
    SECTION_OBS,
    {"statusCode", "status", FHIR_OP_MAP, fhir_obs_status, NULL},
    {NULL, "focus[]", FHIR_OP_NEW, &allergy_list, NULL},
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

/* Narrative-only sections. */
static const fhir_rule allergy_text_rules[] = {
    {NULL, "patient", FHIR_OP_REF, "Patient", NULL},
    {NULL, "encounter", FHIR_OP_REF, "Encounter", NULL},
    {NULL, "clinicalStatus.coding[].code", FHIR_OP_CONST, "active", NULL},
    {NULL, "clinicalStatus.coding.system", FHIR_OP_CONST,
     "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical", NULL},
    {"text", "note[].text", FHIR_OP_NARRATIVE, NULL, NULL},
};
static const fhir_res_desc allergy_text = {"AllergyIntolerance", FHIR_RULES(allergy_text_rules)};

static const fhir_rule allergy_text_obs_rules[] = {
    {NULL, "subject", FHIR_OP_REF, "Patient", NULL},
    {NULL, "encounter", FHIR_OP_REF, "Encounter", NULL},
    {NULL, "status", FHIR_OP_CONST, "final", NULL},
    {"code", "code", FHIR_OP_CC, NULL, NULL},
    {"statusCode", "status", FHIR_OP_MAP, fhir_obs_status, NULL},
    {".[text]", "focus[]", FHIR_OP_NEW, &allergy_text, NULL},
};
static const fhir_res_desc allergy_text_obs = {"Observation", FHIR_RULES(allergy_text_obs_rules)};

static const fhir_rule text_obs_rules[] = {
    {NULL, "subject", FHIR_OP_REF, "Patient", NULL},
    {NULL, "encounter", FHIR_OP_REF, "Encounter", NULL},
    {"code", "code", FHIR_OP_CC, NULL, NULL},
    {NULL, "status", FHIR_OP_CONST, "final", NULL},
    {"text", "note[].text", FHIR_OP_NARRATIVE, NULL, NULL},
};
static const fhir_res_desc text_obs = {"Observation", FHIR_RULES(text_obs_rules)};

/* DiagnosticReportFunction, dispatched on the code of the section. */
static const fhir_rule act_rules[] = {
    {SEC("121181"), "@DiagnosticReport.imagingStudy[]", FHIR_OP_NEW, &imaging, NULL},
    {SEC("48765-2"), RESULT, FHIR_OP_NEW, &allergy_obs, NULL},
    {SEC("55111-9"), RESULT, FHIR_OP_NEW, &observation, NULL},
};
static const fhir_rules act = FHIR_RULES(act_rules);

static const fhir_rule observation_dispatch_rules[] = {
    {SEC("11329-0"), RESULT, FHIR_OP_NEW, &history_obs, NULL},
    {SEC("55114-3"), RESULT, FHIR_OP_NEW, &observation, NULL},
    {SEC("55109-3"), RESULT, FHIR_OP_NEW, &observation, NULL},
    {SEC("18785-6"), RESULT, FHIR_OP_NEW, &observation, NULL},
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
    {".[!entry][code/@code='48765-2']", RESULT, FHIR_OP_NEW, &allergy_text_obs, NULL},
    {".[!entry][text]", RESULT, FHIR_OP_NEW, &text_obs, NULL},
    {".[!entry][code/@code='55110-1']/text", "@DiagnosticReport.conclusion", FHIR_OP_NARRATIVE,
     NULL, NULL},
    {"component/section", "section[]", FHIR_OP_NEST, &section, NULL},
};
static const fhir_rules section = FHIR_RULES(section_rules);

/* The DiagnosticReport of the document, created after the header. */
static const fhir_rule report_rules[] = {
    {"code", "code", FHIR_OP_CC, NULL, NULL},
    {NULL, "status", FHIR_OP_CONST, "registered", NULL},
};
static const fhir_res_desc report = {"DiagnosticReport", FHIR_RULES(report_rules)};

static void create_report(fhir_ctx *c)
{
    fhir_rules_new(c, &report, c->cda);
}

const fhir_doc_map fhir_map_rad = {FSE_CDA_DOC_RAD, FHIR_RULES(section_rules), create_report};
