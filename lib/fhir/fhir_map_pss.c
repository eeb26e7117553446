/*
 * lib/fhir/fhir_map_pss.c - the sections of the Profilo Sanitario Sintetico
 * (templateId 2.16.840.1.113883.2.9.10.1.4.1.1, LOINC 60591-5) as the
 * official ProfiloSanitarioSinteticoBody map (v1.9) builds them: every
 * section entry becomes the clinical resource its section code names
 * (allergies, medicines, vaccinations, problems, family history, social
 * history and pregnancies, vital signs and functional status, devices,
 * procedures, visits, diagnostic tests, exemptions, disease networks), the
 * care plan one CarePlan for the section; sections without entries become a
 * resource holding the narrative. The section narrative is written only
 * when the section has entries.
 *
 * Owns the PSS section dispatch and its clinical groups; the observation,
 * procedure and request groups of the map are in fhir_map_pss_groups.c.
 * Does not own the header (fhir_header.c).
 */
#include "fhir_map_common.h"

#define CODE(code) "[code/@code='" code "']"
#define ER_OBS "entryRelationship/observation"
#define MATERIAL "consumable/manufacturedProduct/manufacturedMaterial"
#define SUBJECT                                                                                    \
    {                                                                                              \
        NULL, "subject", FHIR_OP_REF, "Patient", NULL                                              \
    }

static const fhir_code_map imm_status[] = {{"completed", "completed"},
                                           {"aborted", "final"},
                                           {"suspended", "enterer-in-error"},
                                           {"cancelled", "not-done"},
                                           {NULL, NULL}};

static const fhir_code_map financial_status[] = {
    {"active", "active"}, {"aborted", "cancelled"}, {"suspended", "draft"}, {NULL, NULL}};

/* ------------------------------------------------------------------------ */
/* allergyFunction (src: the entry act)                                     */
/* ------------------------------------------------------------------------ */

/* One manifestation observation (typeCode MFST) of a reaction. */
static const fhir_rule manifestation_rules[] = {
    {"value", "manifestation[]", FHIR_OP_CC, NULL, NULL},
    {"code", "manifestation[]", FHIR_OP_CC, NULL, NULL},
    {"text/reference", "description", FHIR_OP_ATTR, "value", NULL},
    {"effectiveTime/low", "onset", FHIR_OP_DATETIME, NULL, NULL},
    {"effectiveTime/high", "^AllergyIntolerance.lastOccurrence", FHIR_OP_DATETIME, NULL, NULL},
};
static const fhir_rules manifestation = FHIR_RULES(manifestation_rules);

/* A reaction per participant (the agent), with the manifestations. */
static const fhir_rule reaction_rules[] = {
    {"../entryRelationship[@typeCode='MFST']/observation", NULL, FHIR_OP_NEST, &manifestation,
     NULL},
    {"participantRole/playingEntity/code", "substance", FHIR_OP_CC, NULL, NULL},
};
static const fhir_rules reaction = FHIR_RULES(reaction_rules);

/* A reaction without an agent. */
static const fhir_rule reaction_alone_rules[] = {
    {"value", "manifestation[]", FHIR_OP_CC, NULL, NULL},
    {"text/reference", "description", FHIR_OP_ATTR, "value", NULL},
    {"effectiveTime/low", "onset", FHIR_OP_DATETIME, NULL, NULL},
};
static const fhir_rules reaction_alone = FHIR_RULES(reaction_alone_rules);

#define NO_ALLERGY ".[templateId/@root='2.16.840.1.113883.2.9.10.1.4.3.1.4']"

static const fhir_rule allergy_obs_rules[] = {
    {"id", "identifier[]", FHIR_OP_IDENT, NULL, NULL},
    {NO_ALLERGY, "code.coding[].code", FHIR_OP_CONST, "No known allergy", NULL},
    {NO_ALLERGY "/../../effectiveTime[@value]", "onsetDateTime", FHIR_OP_DATETIME, NULL, NULL},
    {NO_ALLERGY "/../../effectiveTime", "onset", FHIR_OP_FN, NULL, fhir_choice_period},
    {"effectiveTime[@value]", "onsetDateTime", FHIR_OP_DATETIME, NULL, NULL},
    {"effectiveTime", "onset", FHIR_OP_FN, NULL, fhir_choice_period},
    {"value", "type", FHIR_OP_MAP, fhir_allergy_type, NULL},
    {"value", "category[]", FHIR_OP_MAP, fhir_allergy_category_as_map, NULL},
    {"value", "code", FHIR_OP_CC, NULL, NULL},
    {"participant", "reaction[]", FHIR_OP_NEST, &reaction, NULL},
    {".[!participant]/entryRelationship[@typeCode='MFST']/observation", "reaction[]", FHIR_OP_NEST,
     &reaction_alone, NULL},
    {"entryRelationship[@typeCode='SUBJ']/observation/value", "criticality", FHIR_OP_MAP,
     fhir_allergy_criticality, NULL},
    {"entryRelationship[@typeCode='SUBJ']/act/text/reference", "note[].text", FHIR_OP_ATTR, "value",
     NULL},
    {"entryRelationship[@typeCode='REFR']/observation[value]", "clinicalStatus", FHIR_OP_FN,
     "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical", fhir_clinical_status},
};
static const fhir_rules allergy_obs = FHIR_RULES(allergy_obs_rules);

static const fhir_rule allergy_rules[] = {
    {NULL, "patient", FHIR_OP_REF, "Patient", NULL},
    {"effectiveTime/low", "recordedDate", FHIR_OP_DATETIME, NULL, NULL},
    {ER_OBS, NULL, FHIR_OP_NEST, &allergy_obs, NULL},
};
static const fhir_res_desc allergy = {"AllergyIntolerance", FHIR_RULES(allergy_rules)};

/* ------------------------------------------------------------------------ */
/* MedicationStatement (src: substanceAdministration)                       */
/* ------------------------------------------------------------------------ */

static const fhir_rule statement_rules[] = {
    SUBJECT,
    {"statusCode", "status", FHIR_OP_CODE, NULL, NULL},
    {"id", "identifier[]", FHIR_OP_IDENT, NULL, NULL},
    {"text/reference", "note[].text", FHIR_OP_ATTR, "value", NULL},
    {"effectiveTime[@value]", "effectiveDateTime", FHIR_OP_DATETIME, NULL, NULL},
    {"effectiveTime[@xsi:type='IVL_TS']", "effectivePeriod", FHIR_OP_PERIOD, NULL, NULL},
    {NULL, "dosage[]", FHIR_OP_NEST, &fhir_pss_dosage, NULL},
    {".[consumable/manufacturedProduct]", "medicationReference", FHIR_OP_NEW, &fhir_medication,
     NULL},
};
static const fhir_res_desc statement = {"MedicationStatement", FHIR_RULES(statement_rules)};

/* ------------------------------------------------------------------------ */
/* Immunization (src: substanceAdministration)                              */
/* ------------------------------------------------------------------------ */

#define REACTION_OBS ER_OBS "[code/@code='75321-0'] | " ER_OBS "[code/@code='5321-0']"

static const fhir_rule immunization_rules[] = {
    {NULL, "patient", FHIR_OP_REF, "Patient", NULL},
    {"id", "identifier[].system", FHIR_OP_OID, "root", NULL},
    {"text/reference", "note[].text", FHIR_OP_ATTR, "value", NULL},
    {"statusCode", "status", FHIR_OP_MAP, imm_status, NULL},
    {"effectiveTime", "occurrenceDateTime", FHIR_OP_DATETIME, NULL, NULL},
    {"routeCode", "route", FHIR_OP_CC, NULL, NULL},
    {"approachSiteCode", "site", FHIR_OP_CC, NULL, NULL},
    {"doseQuantity", "doseQuantity.value", FHIR_OP_NUM, "value", NULL},
    {"doseQuantity", "doseQuantity.unit", FHIR_OP_ATTR, "unit", NULL},
    {MATERIAL "/code", "vaccineCode", FHIR_OP_CC, NULL, NULL},
    {MATERIAL "/lotNumberText", "lotNumber", FHIR_OP_TEXT, NULL, NULL},
    {"consumable/manufacturedProduct/manufacturerOrganization", NULL, FHIR_OP_FN, NULL,
     fhir_vacc_manufacturer},
    {"participant", NULL, FHIR_OP_FN, NULL, fhir_vacc_place},
    {ER_OBS "[code/@code='30973-2']/value", "protocolApplied[].doseNumberString", FHIR_OP_ATTR,
     "value", NULL},
    {ER_OBS "[code/@code='59781-5']/value/high", "expirationDate", FHIR_OP_DATE, NULL, NULL},
    {REACTION_OBS, "reaction[].detail", FHIR_OP_NEW, &fhir_pss_observation, NULL},
    {"entryRelationship/act/text/reference", "note[].text", FHIR_OP_ATTR, "value", NULL},
};
static const fhir_res_desc immunization = {"Immunization", FHIR_RULES(immunization_rules)};

/* ------------------------------------------------------------------------ */
/* ConditionFunction (src: the entry act of a problem)                      */
/* ------------------------------------------------------------------------ */

static const fhir_rule problem_rules[] = {
    {"value", "code", FHIR_OP_CC, NULL, NULL},
    {"code", "category[]", FHIR_OP_CC, NULL, NULL},
    {"effectiveTime[@value]", "onsetDateTime", FHIR_OP_DATETIME, NULL, NULL},
    {"effectiveTime", "onset", FHIR_OP_FN, NULL, fhir_choice_period},
    {"text/reference", "note[].text", FHIR_OP_ATTR, "value", NULL},
    {ER_OBS "[code/@code='89261-2']", "evidence[].detail[]", FHIR_OP_NEW, &fhir_pss_observation,
     NULL},
    {ER_OBS "[code/@code='33999-4'][value]", "clinicalStatus", FHIR_OP_FN,
     "http://terminology.hl7.org/CodeSystem/condition-clinical", fhir_clinical_status},
    {ER_OBS "[code/@code='SEV']/value", "severity", FHIR_OP_CC, NULL, NULL},
    {"entryRelationship/act/text/reference", "note[].text", FHIR_OP_ATTR, "value", NULL},
};
static const fhir_rules problem = FHIR_RULES(problem_rules);

static const fhir_rule condition_rules[] = {
    {"id", "identifier[]", FHIR_OP_IDENT, NULL, NULL},
    SUBJECT,
    {"statusCode", "verificationStatus.coding[].system", FHIR_OP_CONST,
     "http://terminology.hl7.org/CodeSystem/condition-ver-status", NULL},
    {"statusCode[@code]", "verificationStatus.coding.code", FHIR_OP_CONST, "confirmed", NULL},
    {"statusCode", "verificationStatus.coding.display", FHIR_OP_CONST, "Confirmed", NULL},
    {".[!entryRelationship]/effectiveTime[@value]", "onsetDateTime", FHIR_OP_DATETIME, NULL, NULL},
    {".[!entryRelationship]/effectiveTime", "onset", FHIR_OP_FN, NULL, fhir_choice_period},
    {ER_OBS, NULL, FHIR_OP_NEST, &problem, NULL},
};
static const fhir_res_desc condition = {"Condition", FHIR_RULES(condition_rules)};

/* ------------------------------------------------------------------------ */
/* FamilyMemberFunction (src: organizer)                                    */
/* ------------------------------------------------------------------------ */

#define FMH "^FamilyMemberHistory."

static const fhir_rule family_condition_rules[] = {
    {"observation/code", "code", FHIR_OP_CC, NULL, NULL},
    {"observation/text/reference", FMH "note[].text", FHIR_OP_ATTR, "value", NULL},
    {"observation/statusCode", FMH "status", FHIR_OP_CODE, NULL, NULL},
    {"observation/value", "outcome", FHIR_OP_CC, NULL, NULL},
    {"observation/" ER_OBS "[code/@code='35267-4']/value", "onsetAge", FHIR_OP_NEST, &fhir_age,
     NULL},
    {"observation/" ER_OBS "[code/@code='39016-1']/value", FMH "deceasedAge", FHIR_OP_NEST,
     &fhir_age, NULL},
};
static const fhir_rules family_condition = FHIR_RULES(family_condition_rules);

#define GENDER "subject/relatedSubject/subject/administrativeGenderCode"

static const fhir_rule family_rules[] = {
    {NULL, "patient", FHIR_OP_REF, "Patient", NULL},
    {"id", "identifier[]", FHIR_OP_IDENT, NULL, NULL},
    {"statusCode", "status", FHIR_OP_CODE, NULL, NULL},
    {"effectiveTime", "date", FHIR_OP_DATE, NULL, NULL},
    {"subject/relatedSubject/code", "relationship", FHIR_OP_CC, NULL, NULL},
    {GENDER, "sex.coding[].system", FHIR_OP_CONST, "http://hl7.org/fhir/administrative-gender",
     NULL},
    {GENDER, "sex.coding.code", FHIR_OP_MAP, fhir_cm_gender, NULL},
    {"component", "condition[]", FHIR_OP_NEST, &family_condition, NULL},
};
static const fhir_res_desc family = {"FamilyMemberHistory", FHIR_RULES(family_rules)};

/* ------------------------------------------------------------------------ */
/* Coverage (exemptions) and OrganizationAffiliation (disease networks)     */
/* ------------------------------------------------------------------------ */

static const fhir_rule coverage_class_rules[] = {
    {"text/reference", "type.text", FHIR_OP_ATTR, "value", NULL},
    {NULL, "value", FHIR_OP_CONST, "commenti", NULL},
};
static const fhir_rules coverage_class = FHIR_RULES(coverage_class_rules);

static const fhir_rule coverage_rules[] = {
    {NULL, "beneficiary", FHIR_OP_REF, "Patient", NULL},
    {NULL, "payor[]", FHIR_OP_REF, "Patient", NULL},
    {"id", "identifier[].value", FHIR_OP_ATTR, "root", NULL},
    {"code", "type", FHIR_OP_CC, NULL, NULL},
    {"statusCode", "status", FHIR_OP_MAP, financial_status, NULL},
    {".[!statusCode]", "status", FHIR_OP_CONST, "active", NULL},
    {"effectiveTime[low]", "period", FHIR_OP_PERIOD, NULL, NULL},
    {"entryRelationship/act", "class[]", FHIR_OP_NEST, &coverage_class, NULL},
};
static const fhir_res_desc coverage = {"Coverage", FHIR_RULES(coverage_rules)};

static const fhir_rule specialty_rules[] = {
    {"code", "coding[].code", FHIR_OP_ATTR, "code", NULL},
    {"code", "coding.display", FHIR_OP_ATTR, "displayName", NULL},
    {"code", "coding.system", FHIR_OP_OID, "codeSystem", NULL},
    {"entryRelationship/act/text/reference", "text", FHIR_OP_ATTR, "value", NULL},
};
static const fhir_rules specialty = FHIR_RULES(specialty_rules);

static const fhir_rule affiliation_rules[] = {
    {"id", "identifier[]", FHIR_OP_IDENT, NULL, NULL},
    {"statusCode[@code='active']", "active", FHIR_OP_BOOL, "true", NULL},
    {"statusCode[@code!='active']", "active", FHIR_OP_BOOL, "false", NULL},
    {"effectiveTime", "period", FHIR_OP_PERIOD, NULL, NULL},
    {NULL, "specialty[]", FHIR_OP_NEST, &specialty, NULL},
};
static const fhir_res_desc affiliation = {"OrganizationAffiliation", FHIR_RULES(affiliation_rules)};

/* ------------------------------------------------------------------------ */
/* Sections                                                                 */
/* ------------------------------------------------------------------------ */

/* Entries by the code of their section (src: the entry). */
#define ENTRY(code, path, desc)                                                                    \
    {                                                                                              \
        ".[../code/@code='" code "']/" path, "entry[]", FHIR_OP_NEW, &(desc), NULL                 \
    }

static const fhir_rule entry_rules[] = {
    ENTRY("30954-2", "organizer", fhir_pss_report),
    ENTRY("29762-2", "observation", fhir_pss_observation),
    ENTRY("10162-6", "observation", fhir_pss_observation),
    ENTRY("8716-3", "organizer", fhir_pss_organizer),
    ENTRY("8716-3", "observation", fhir_pss_organizer),
    ENTRY("47420-5", "organizer", fhir_pss_organizer),
    ENTRY("47420-5", "observation", fhir_pss_organizer),
    ENTRY("11450-4", "act", condition),
    ENTRY("48765-2", "act", allergy),
    ENTRY("10160-0", "substanceAdministration", statement),
    ENTRY("11369-6", "substanceAdministration", immunization),
    ENTRY("10157-6", "organizer", family),
    ENTRY("46264-8", "supply", fhir_pss_procedure),
    ENTRY("47519-4", "procedure", fhir_pss_procedure),
    ENTRY("46240-8", "encounter", fhir_pss_encounter),
    ENTRY("57827-8", "act", coverage),
    ENTRY("PSSIT99", "act", affiliation),
};
static const fhir_rules entry = FHIR_RULES(entry_rules);

/* Sections without entries: a resource with the narrative. */
#define NARRATIVE(code, desc)                                                                      \
    {                                                                                              \
        ".[!entry]" CODE(code) "[text]", "entry[]", FHIR_OP_NEW, &(desc), NULL                     \
    }

static const fhir_rules section;

static const fhir_rule section_rules[] = {
    {"title", "title", FHIR_OP_TEXT, NULL, NULL},
    {"code", "code", FHIR_OP_CC, NULL, NULL},
    {".[entry]/text", "text.status", FHIR_OP_CONST, "generated", NULL},
    {".[entry]/text", "text.div", FHIR_OP_NARRATIVE, NULL, NULL},
    {"entry", NULL, FHIR_OP_NEST, &entry, NULL},
    {".[entry]" CODE("18776-5"), "entry[]", FHIR_OP_NEW, &fhir_pss_careplan, NULL},
    NARRATIVE("10157-6", fhir_pss_family_text),
    NARRATIVE("18776-5", fhir_pss_careplan_text),
    NARRATIVE("30954-2", fhir_pss_text_obs),
    NARRATIVE("29762-2", fhir_pss_text_obs),
    NARRATIVE("8716-3", fhir_pss_text_obs),
    NARRATIVE("47420-5", fhir_pss_text_obs),
    NARRATIVE("42348-3", fhir_pss_text_obs),
    {"component/section", "section[]", FHIR_OP_NEST, &section, NULL},
};
static const fhir_rules section = FHIR_RULES(section_rules);

const fhir_doc_map fhir_map_pss = {FSE_CDA_DOC_PSS, FHIR_RULES(section_rules), NULL};
