/*
 * lib/fhir/fhir_map_vps_framing.c - the initial assessment section of the
 * Verbale di Pronto Soccorso (78337-3, group InquadramentoClinicoIniziale of
 * the official verbalePS map): an Observation with the narrative and its
 * author, and the sub-sections: history (problems as Conditions with course
 * and status, family history; an Observation when narrative only), physical
 * examination (Observation), therapy at admission (MedicationStatement),
 * allergies (AllergyIntolerance) and open problems (Condition), each with the
 * sub-section narrative and author as a note.
 *
 * Owns these tables. The section dispatch is in fhir_map_vps.c.
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
#define CODE(code) "[code/@code='" code "']"
#define AUTHORED_NOTE                                                                              \
    {                                                                                              \
        "text", "note[]", FHIR_OP_NEST, &fhir_vps_authored_note, NULL                              \
    }

/* An Observation with a (sub-)section narrative (src: the section). */
static const fhir_rule text_obs_rules[] = {
    {"code", "code", FHIR_OP_CC, NULL, NULL},
    {NULL, "status", FHIR_OP_CONST, "final", NULL},
    SUBJECT,
    ENCOUNTER,
    AUTHORED_NOTE,
};
static const fhir_res_desc text_obs = {"Observation", FHIR_RULES(text_obs_rules)};

/* ------------------------------------------------------------------------ */
/* History (11329-0): problems and family history                           */
/* ------------------------------------------------------------------------ */

#define EFFECTIVE_PERIOD ".[effectiveTime/low]/effectiveTime | .[effectiveTime/high]/effectiveTime"

/* The clinical course of a problem (89261-2). */
static const fhir_rule course_rules[] = {
    {"code", "code", FHIR_OP_CC, NULL, NULL},
    {NULL, "status", FHIR_OP_CONST, "final", NULL},
    {"text/reference", "note[].text", FHIR_OP_ATTR, "value", NULL},
    SUBJECT,
    ENCOUNTER,
    {"value", "value", FHIR_OP_VALUE, fhir_obs_values, NULL},
    {"effectiveTime", "effectiveDateTime", FHIR_OP_DATETIME, NULL, NULL},
    {EFFECTIVE_PERIOD, "effective", FHIR_OP_FN, NULL, fhir_choice_period},
};
static const fhir_res_desc course = {"Observation", FHIR_RULES(course_rules)};

static const fhir_rule evidence_rules[] = {
    {"observation[code/@code='89261-2']", "detail[]", FHIR_OP_NEW, &course, NULL},
};
static const fhir_rules evidence = FHIR_RULES(evidence_rules);

/* A problem (observation 75326-9) of the history (src: the observation). */
static const fhir_rule problem_rules[] = {
    {"code", "category[]", FHIR_OP_CC, NULL, NULL},
    SUBJECT,
    ENCOUNTER,
    {"statusCode[@code='completed']", "verificationStatus.coding[].code", FHIR_OP_CONST,
     "confirmed", NULL},
    {"statusCode[@code='completed']", "verificationStatus.coding.system", FHIR_OP_CONST,
     "http://terminology.hl7.org/CodeSystem/condition-ver-status", NULL},
    {"../../text", "note[]", FHIR_OP_NEST, &fhir_vps_authored_note, NULL},
    {EFFECTIVE_PERIOD, "onsetPeriod", FHIR_OP_PERIOD, NULL, NULL},
    {"effectiveTime[@value]", "onsetDateTime", FHIR_OP_DATETIME, NULL, NULL},
    {"value[@xsi:type='CD']", "code", FHIR_OP_CODING_CC, NULL, NULL},
    {"entryRelationship", "evidence[]", FHIR_OP_NEST, &evidence, NULL},
    {"entryRelationship/observation[code/@code='33999-4']", "clinicalStatus", FHIR_OP_FN,
     "http://terminology.hl7.org/CodeSystem/condition-clinical", fhir_clinical_status},
};
static const fhir_res_desc problem = {"Condition", FHIR_RULES(problem_rules)};

#define FMH "^FamilyMemberHistory."

/* A condition with the time of the component (src: its effectiveTime). */
static const fhir_rule family_dated_rules[] = {
    {NULL, "onsetPeriod.start", FHIR_OP_DATETIME, NULL, NULL},
    {"../code", "code", FHIR_OP_CC, NULL, NULL},
    {"../value", "outcome", FHIR_OP_CC, NULL, NULL},
};
static const fhir_rules family_dated = FHIR_RULES(family_dated_rules);

static const fhir_rule family_condition_rules[] = {
    {"observation/code", "code", FHIR_OP_CC, NULL, NULL},
    {"observation/text/reference", FMH "note[].text", FHIR_OP_ATTR, "value", NULL},
    {"observation/statusCode", FMH "status", FHIR_OP_CODE, NULL, NULL},
    {"observation/value", "outcome", FHIR_OP_CC, NULL, NULL},
    {"observation/entryRelationship/observation[code/@code='35267-4']/value", "onsetAge",
     FHIR_OP_NEST, &fhir_age, NULL},
    {"observation/entryRelationship/observation[code/@code='39016-1']/value", FMH "deceasedAge",
     FHIR_OP_NEST, &fhir_age, NULL},
    {"observation/effectiveTime", FMH "condition[]", FHIR_OP_NEST, &family_dated, NULL},
};
static const fhir_rules family_condition = FHIR_RULES(family_condition_rules);

#define GENDER "subject/relatedSubject/subject/administrativeGenderCode"

static const fhir_rule family_rules[] = {
    {"effectiveTime", "date", FHIR_OP_DATETIME, NULL, NULL},
    {NULL, "patient", FHIR_OP_REF, "Patient", NULL},
    {"subject/relatedSubject/code", "relationship", FHIR_OP_CC, NULL, NULL},
    {GENDER, "sex.coding[].code", FHIR_OP_MAP, fhir_cm_gender, NULL},
    {GENDER, "sex.coding.system", FHIR_OP_CONST, "http://hl7.org/fhir/administrative-gender", NULL},
    {"../../text", "note[]", FHIR_OP_NEST, &fhir_vps_authored_note, NULL},
    {"component", "condition[]", FHIR_OP_NEST, &family_condition, NULL},
};
static const fhir_res_desc family = {"FamilyMemberHistory", FHIR_RULES(family_rules)};

/* ------------------------------------------------------------------------ */
/* Therapy at admission (42346-7), allergies (48765-2), problems (11450-4)  */
/* ------------------------------------------------------------------------ */

static const fhir_rule statement_rules[] = {
    SUBJECT,
    {NULL, "status", FHIR_OP_CONST, "completed", NULL},
    {"text", "medicationCodeableConcept.text", FHIR_OP_NARRATIVE, NULL, NULL},
    AUTHORED_NOTE,
};
static const fhir_res_desc statement = {"MedicationStatement", FHIR_RULES(statement_rules)};

static const fhir_rule allergy_text_rules[] = {
    {NULL, "patient", FHIR_OP_REF, "Patient", NULL},
    ENCOUNTER,
    {NULL, "clinicalStatus.coding[].code", FHIR_OP_CONST, "active", NULL},
    {NULL, "clinicalStatus.coding.system", FHIR_OP_CONST,
     "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical", NULL},
    {NULL, "clinicalStatus.coding.display", FHIR_OP_CONST, "active", NULL},
    AUTHORED_NOTE,
};
static const fhir_res_desc allergy_text = {"AllergyIntolerance", FHIR_RULES(allergy_text_rules)};

/* An allergy entry: the sub-section note first, then the allergy itself. */
static const fhir_rule allergy_rules[] = {
    {"../text", "note[]", FHIR_OP_NEST, &fhir_vps_authored_note, NULL},
    {NULL, NULL, FHIR_OP_NEST, &fhir_allergy.rules, NULL},
};
static const fhir_res_desc allergy = {"AllergyIntolerance", FHIR_RULES(allergy_rules)};

static const fhir_rule open_problem_rules[] = {
    SUBJECT,
    ENCOUNTER,
    {"code", "code", FHIR_OP_CC, NULL, NULL},
    AUTHORED_NOTE,
};
static const fhir_res_desc open_problem = {"Condition", FHIR_RULES(open_problem_rules)};

/* ------------------------------------------------------------------------ */
/* The section and its sub-sections                                         */
/* ------------------------------------------------------------------------ */

static const fhir_rule sub_section_rules[] = {
    /* history */
    {"." CODE("11329-0") "/code", "code", FHIR_OP_CC, NULL, NULL},
    {".[!entry]" CODE("11329-0") "/title", "title", FHIR_OP_TEXT, NULL, NULL},
    {".[!entry]" CODE("11329-0") "[text]", "entry[]", FHIR_OP_NEW, &text_obs, NULL},
    {"." CODE("11329-0") "/entry/observation[code/@code='75326-9']", "entry[]", FHIR_OP_NEW,
     &problem, NULL},
    {"." CODE("11329-0") "/entry/organizer[code/@code='10157-6']", "entry[]", FHIR_OP_NEW, &family,
     NULL},
    /* physical examination */
    {"." CODE("29545-1") "/code", "code", FHIR_OP_CC, NULL, NULL},
    {"." CODE("29545-1") "/title", "title", FHIR_OP_TEXT, NULL, NULL},
    {"." CODE("29545-1") "[text]", "entry[]", FHIR_OP_NEW, &text_obs, NULL},
    /* therapy at admission */
    {"." CODE("42346-7") "/code", "code", FHIR_OP_CC, NULL, NULL},
    {"." CODE("42346-7") "/title", "title", FHIR_OP_TEXT, NULL, NULL},
    {"." CODE("42346-7") "[text]", "entry[]", FHIR_OP_NEW, &statement, NULL},
    /* allergies */
    {"." CODE("48765-2") "/code", "code", FHIR_OP_CC, NULL, NULL},
    {"." CODE("48765-2") "/title", "title", FHIR_OP_TEXT, NULL, NULL},
    {".[!entry]" CODE("48765-2") "[text]", "entry[]", FHIR_OP_NEW, &allergy_text, NULL},
    {"." CODE("48765-2") "/entry", "entry[]", FHIR_OP_NEW, &allergy, NULL},
    /* open problems */
    {"." CODE("11450-4") "/code", "code", FHIR_OP_CC, NULL, NULL},
    {"." CODE("11450-4") "/title", "title", FHIR_OP_TEXT, NULL, NULL},
    {"." CODE("11450-4") "[text]", "entry[]", FHIR_OP_NEW, &open_problem, NULL},
};
static const fhir_rules sub_section = FHIR_RULES(sub_section_rules);

static const fhir_rule framing_rules[] = {
    {"title", "title", FHIR_OP_TEXT, NULL, NULL},
    {"code", "code", FHIR_OP_CC, NULL, NULL},
    {".[text]", "entry[]", FHIR_OP_NEW, &text_obs, NULL},
    {"component/section", "section[]", FHIR_OP_NEST, &sub_section, NULL},
};
const fhir_rules fhir_vps_framing = FHIR_RULES(framing_rules);
