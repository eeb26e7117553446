/*
 * lib/fhir/fhir_map_report.c - body tables the report maps share (RAD, RSA,
 * RAP: RefertodiRadiologiaBody, RefertodiSpecialisticaAmbulatorialeBody,
 * RefertodiAnatomiaPatologica): the report Observation, the problem as
 * Condition with course and clinical status, the allergy, the family history
 * and the Lists that carry them.
 *
 * Owns these tables; the section dispatch is in each fhir_map_<type>.c.
 */
#include "fhir_map_common.h"

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
const fhir_res_desc fhir_report_observation = {"Observation", FHIR_RULES(observation_rules)};

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
     &fhir_report_observation, NULL},
    {"entryRelationship/observation[code/@code='33999-4']", "clinicalStatus", FHIR_OP_FN,
     "http://terminology.hl7.org/CodeSystem/condition-clinical", fhir_clinical_status},
};
const fhir_res_desc fhir_report_condition = {"Condition", FHIR_RULES(condition_rules)};

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
    {ALG_OBS "/value", "type", FHIR_OP_MAP, fhir_allergy_type, NULL},
    {ALG_OBS "/participant", "reaction[]", FHIR_OP_NEST, &reaction, NULL},
    {ALG_OBS "/entryRelationship[@typeCode='SUBJ']/observation/value", "criticality", FHIR_OP_MAP,
     fhir_allergy_criticality, NULL},
    {ALG_OBS "/entryRelationship[@typeCode='SUBJ']/act/text/reference", "note[].text", FHIR_OP_ATTR,
     "value", NULL},
    {ALG_OBS "/entryRelationship[@typeCode='REFR']/observation", "clinicalStatus", FHIR_OP_FN,
     "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical", fhir_allergy_status},
};
const fhir_res_desc fhir_report_allergy = {"AllergyIntolerance", FHIR_RULES(allergy_rules)};

/* group FamilyMemberFunction (src: the organizer) */

static const fhir_rule family_condition_rules[] = {
    {"code", "code", FHIR_OP_CC, NULL, NULL},
    {"value", "outcome", FHIR_OP_CC, NULL, NULL},
    {"entryRelationship/observation[code/@code='35267-4']/value", "onsetAge", FHIR_OP_NEST,
     &fhir_age, NULL},
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
     "deceasedAge", FHIR_OP_NEST, &fhir_age, NULL},
};
const fhir_res_desc fhir_report_family = {"FamilyMemberHistory", FHIR_RULES(family_rules)};

/* The specialist report's variant: status table, sex system, no status from
 * the components. */
static const fhir_code_map family_status[] = {{"completed", "completed"},
                                              {"active", "completed"},
                                              {"aborted", "entered-in-error"},
                                              {"suspended", "entered-in-error"},
                                              {"cancelled", "entered-in-error"},
                                              {"held", "entered-in-error"},
                                              {"new", "completed"},
                                              {"obsolete", "entered-in-error"},
                                              {"nullified", "health-unknown"},
                                              {NULL, NULL}};

static const fhir_rule family_rsa_rules[] = {
    {NULL, "patient", FHIR_OP_REF, "Patient", NULL},
    {".[!statusCode]", "status", FHIR_OP_CONST, "health-unknown", NULL},
    {"statusCode", "status", FHIR_OP_MAP, family_status, NULL},
    {"effectiveTime", "date", FHIR_OP_DATETIME, NULL, NULL},
    {"subject/relatedSubject/code", "relationship", FHIR_OP_CC, NULL, NULL},
    {"subject/relatedSubject/subject/administrativeGenderCode", "sex.coding[].code", FHIR_OP_MAP,
     gender, NULL},
    {"subject/relatedSubject/subject/administrativeGenderCode", "sex.coding.system", FHIR_OP_CONST,
     "http://hl7.org/fhir/administrative-gender", NULL},
    {"component/observation", "condition[]", FHIR_OP_NEST, &family_condition, NULL},
    {"component/observation/text/reference", "note[].text", FHIR_OP_ATTR, "value", NULL},
    {"component/observation[effectiveTime]", "condition[]", FHIR_OP_NEST, &family_dated, NULL},
    {"component/observation/entryRelationship/observation[code/@code='39016-1']/value",
     "deceasedAge", FHIR_OP_NEST, &fhir_age, NULL},
};
static const fhir_res_desc family_rsa = {"FamilyMemberHistory", FHIR_RULES(family_rsa_rules)};

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
    {NULL, "entry[].item", FHIR_OP_NEW, &fhir_report_family, NULL},
};
const fhir_res_desc fhir_report_family_list = {"List", FHIR_RULES(family_list_rules)};

static const fhir_rule family_list_rsa_rules[] = {
    LIST_HEAD,
    {NULL, "entry[].item", FHIR_OP_NEW, &family_rsa, NULL},
};
const fhir_res_desc fhir_report_family_list_rsa = {"List", FHIR_RULES(family_list_rsa_rules)};

static const fhir_rule allergy_list_rules[] = {
    LIST_HEAD,
    {NULL, "entry[].item", FHIR_OP_NEW, &fhir_report_allergy, NULL},
};
const fhir_res_desc fhir_report_allergy_list = {"List", FHIR_RULES(allergy_list_rules)};

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
const fhir_res_desc fhir_report_allergy_text_obs = {"Observation",
                                                    FHIR_RULES(allergy_text_obs_rules)};

static const fhir_rule text_obs_rules[] = {
    {NULL, "subject", FHIR_OP_REF, "Patient", NULL},
    {NULL, "encounter", FHIR_OP_REF, "Encounter", NULL},
    {"code", "code", FHIR_OP_CC, NULL, NULL},
    {NULL, "status", FHIR_OP_CONST, "final", NULL},
    {"text", "note[].text", FHIR_OP_NARRATIVE, NULL, NULL},
};
const fhir_res_desc fhir_report_text_obs = {"Observation", FHIR_RULES(text_obs_rules)};

/* The DiagnosticReport of the document, created after the header. */
static const fhir_rule report_rules[] = {
    {"code", "code", FHIR_OP_CC, NULL, NULL},
    {NULL, "status", FHIR_OP_CONST, "registered", NULL},
};
static const fhir_res_desc report = {"DiagnosticReport", FHIR_RULES(report_rules)};

void fhir_report_create(fhir_ctx *c)
{
    fhir_rules_new(c, &report, c->cda);
}

/* The allergies of a sub-section as one List (RSA: src is the sub-section). */
static const fhir_rule allergy_list_section_rules[] = {
    LIST_HEAD,
    {"entry/act", "entry[].item", FHIR_OP_NEW, &fhir_report_allergy, NULL},
};
const fhir_res_desc fhir_report_allergy_list_section = {"List",
                                                        FHIR_RULES(allergy_list_section_rules)};
