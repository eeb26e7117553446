/*
 * lib/fhir/fhir_map_rap_history.c - the clinical history section of the
 * Referto di Anatomia Patologica (22636-5, "Notizie cliniche") as the
 * official RefertodiAnatomiaPatologica map (v1.1) builds it: one Observation
 * result of the DiagnosticReport with the authored narrative, and for its
 * sub-sections members (history with problems and family history,
 * diagnostic question, previous exams, previous procedures, imaging) or
 * focus Lists (allergies, previous drug and oncology therapies with their
 * MedicationStatements and procedures).
 *
 * Owns these tables and the RAP pieces shared with fhir_map_rap.c (declared
 * in fhir_map_common.h). The section dispatch is in fhir_map_rap.c.
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
#define CF_AUTHOR "assignedAuthor[id/@root='" FSE_CDA_OID_CF "']"
#define CODE(code) "[code/@code='" code "']"

/* ------------------------------------------------------------------------ */
/* Pieces shared with fhir_map_rap.c                                        */
/* ------------------------------------------------------------------------ */

/* The note of a section author with the section narrative (src: author). */
static const fhir_rule author_note_rules[] = {
    {"time", "time", FHIR_OP_DATETIME, NULL, NULL},
    {"../text", "text", FHIR_OP_NARRATIVE, NULL, NULL},
    {CF_AUTHOR, "authorReference", FHIR_OP_FN, "ClinicalDocument/body/observation/author",
     fhir_body_practitioner},
};
const fhir_rules fhir_rap_author_note = FHIR_RULES(author_note_rules);

/* The same with the narrative of the enclosing section (the map's
 * "section.text" in some sub-sections). */
static const fhir_rule outer_author_note_rules[] = {
    {"time", "time", FHIR_OP_DATETIME, NULL, NULL},
    {"../../../text", "text", FHIR_OP_NARRATIVE, NULL, NULL},
    {CF_AUTHOR, "authorReference", FHIR_OP_FN, "ClinicalDocument/body/observation/author",
     fhir_body_practitioner},
};
static const fhir_rules outer_author_note = FHIR_RULES(outer_author_note_rules);

/* The note of an annotation act: only a text reference gives a text. */
static const fhir_rule act_note_rules[] = {
    {"text/reference", "text", FHIR_OP_ATTR, "value", NULL},
};
const fhir_rules fhir_rap_act_note = FHIR_RULES(act_note_rules);

#define AUTHOR_NOTE                                                                                \
    {                                                                                              \
        "author", "note[]", FHIR_OP_NEST, &fhir_rap_author_note, NULL                              \
    }
#define OUTER_AUTHOR_NOTE                                                                          \
    {                                                                                              \
        "author", "note[]", FHIR_OP_NEST, &outer_author_note, NULL                                 \
    }
#define ACT_NOTES                                                                                  \
    {                                                                                              \
        "entry/act", "note[]", FHIR_OP_NEST, &fhir_rap_act_note, NULL                              \
    }

/* value:INT, BL, CE, CD, PQ; the map's ST rule reads a missing element */
static const fhir_value_kind qd_values[] = {
    {"INT", "Integer", FHIR_OP_NUM},       {"BL", "Boolean", FHIR_OP_CONST},
    {"CD", "CodeableConcept", FHIR_OP_CC}, {"CE", "CodeableConcept", FHIR_OP_CC},
    {"PQ", "Quantity", FHIR_OP_QTY},       {NULL, NULL, FHIR_OP_CONST}};

/* group ObservationQD (src: an observation) */
static const fhir_rule qd_rules[] = {
    SUBJECT,
    ENCOUNTER,
    {"code", "code", FHIR_OP_CC, NULL, NULL},
    {NULL, "status", FHIR_OP_CONST, "final", NULL},
    {"value", "value", FHIR_OP_VALUE, qd_values, NULL},
    {"effectiveTime[@value]", "effectiveDateTime", FHIR_OP_DATETIME, NULL, NULL},
    {"effectiveTime[low]", "effectivePeriod", FHIR_OP_PERIOD, NULL, NULL},
    {"text/reference", "note[].text", FHIR_OP_ATTR, "value", NULL},
    {"statusCode", "status", FHIR_OP_MAP, fhir_obs_status, NULL},
};
const fhir_rules fhir_rap_qd_rules = FHIR_RULES(qd_rules);
static const fhir_res_desc qd = {"Observation", FHIR_RULES(qd_rules)};

/* A procedure of the history (src: procedure); the oncology therapy's have
 * the encounter. */
#define PROCEDURE_RULES                                                                            \
    {"code", "code", FHIR_OP_CC, NULL, NULL},                                                      \
        {"text/reference", "note[].text", FHIR_OP_ATTR, "value", NULL},                            \
        {".[!statusCode]", "status", FHIR_OP_CONST, "unknown", NULL}, SUBJECT,                     \
        {"statusCode", "status", FHIR_OP_MAP, fhir_procedure_status, NULL},                        \
        {"effectiveTime", "performedDateTime", FHIR_OP_DATETIME, NULL, NULL},                      \
    {                                                                                              \
        ".[effectiveTime/low]/effectiveTime | .[effectiveTime/high]/effectiveTime", "performed",   \
            FHIR_OP_FN, NULL, fhir_choice_period                                                   \
    }

static const fhir_rule procedure_rules[] = {PROCEDURE_RULES};
static const fhir_res_desc procedure = {"Procedure", FHIR_RULES(procedure_rules)};

static const fhir_rule oncology_procedure_rules[] = {PROCEDURE_RULES, ENCOUNTER};
static const fhir_res_desc oncology_procedure = {"Procedure", FHIR_RULES(oncology_procedure_rules)};

/* ------------------------------------------------------------------------ */
/* History (11329-0): problems and family history                           */
/* ------------------------------------------------------------------------ */

static const fhir_rule problem_rules[] = {
    {"code", "category[]", FHIR_OP_CC, NULL, NULL},
    SUBJECT,
    {"statusCode", "verificationStatus.coding[].system", FHIR_OP_CONST,
     "http://terminology.hl7.org/CodeSystem/condition-ver-status", NULL},
    {"statusCode[@code]", "verificationStatus.coding.code", FHIR_OP_CONST, "confirmed", NULL},
    {"statusCode", "verificationStatus.coding.display", FHIR_OP_CONST, "Confirmed", NULL},
    {"effectiveTime", "onsetPeriod", FHIR_OP_PERIOD, NULL, NULL},
    {"value", "code", FHIR_OP_CC, NULL, NULL},
    {"entryRelationship/observation[code/@code='89261-2']", "evidence[].detail[]", FHIR_OP_NEW, &qd,
     NULL},
    {"entryRelationship/observation[code/@code='33999-4'][value]", "clinicalStatus", FHIR_OP_FN,
     "http://terminology.hl7.org/CodeSystem/condition-clinical", fhir_clinical_status},
};
static const fhir_res_desc problem = {"Condition", FHIR_RULES(problem_rules)};

#define FMH "^FamilyMemberHistory."

static const fhir_rule family_dated_rules[] = {
    {"../code", "code", FHIR_OP_CC, NULL, NULL},
    {"../value", "outcome", FHIR_OP_CC, NULL, NULL},
    {NULL, "onsetPeriod.start", FHIR_OP_DATETIME, NULL, NULL},
};
static const fhir_rules family_dated = FHIR_RULES(family_dated_rules);

static const fhir_rule family_condition_rules[] = {
    {"observation/code", "code", FHIR_OP_CC, NULL, NULL},
    {"observation/text/reference", FMH "note[].text", FHIR_OP_ATTR, "value", NULL},
    {"observation/statusCode", FMH "status", FHIR_OP_CODE, NULL, NULL},
    {"observation/effectiveTime", FMH "condition[]", FHIR_OP_NEST, &family_dated, NULL},
    {"observation/value", "outcome", FHIR_OP_CC, NULL, NULL},
    {"observation/entryRelationship/observation[code/@code='35267-4']/value", "onsetAge",
     FHIR_OP_NEST, &fhir_age, NULL},
    {"observation/entryRelationship/observation[code/@code='39016-1']/value", FMH "deceasedAge",
     FHIR_OP_NEST, &fhir_age, NULL},
};
static const fhir_rules family_condition = FHIR_RULES(family_condition_rules);

#define GENDER "subject/relatedSubject/subject/administrativeGenderCode"

static const fhir_rule family_rules[] = {
    {NULL, "patient", FHIR_OP_REF, "Patient", NULL},
    {"statusCode", "status", FHIR_OP_CODE, NULL, NULL},
    {"effectiveTime", "date", FHIR_OP_DATETIME, NULL, NULL},
    {"subject/relatedSubject/code", "relationship", FHIR_OP_CC, NULL, NULL},
    {GENDER, "sex.coding[].code", FHIR_OP_MAP, fhir_cm_gender, NULL},
    {GENDER, "sex.coding.system", FHIR_OP_CONST, "http://hl7.org/fhir/administrative-gender", NULL},
    {"component", "condition[]", FHIR_OP_NEST, &family_condition, NULL},
};
static const fhir_res_desc family = {"FamilyMemberHistory", FHIR_RULES(family_rules)};

static const fhir_rule anamnesis_rules[] = {
    SUBJECT,
    {NULL, "status", FHIR_OP_CONST, "final", NULL},
    {"code", "code", FHIR_OP_CC, NULL, NULL},
    {"text", "note[].text", FHIR_OP_NARRATIVE, NULL, NULL},
    ACT_NOTES,
    {"entry/observation", "focus[]", FHIR_OP_NEW, &problem, NULL},
    {"entry/organizer", "focus[]", FHIR_OP_NEW, &family, NULL},
};
static const fhir_res_desc anamnesis = {"Observation", FHIR_RULES(anamnesis_rules)};

/* ------------------------------------------------------------------------ */
/* Question (42349-1), previous exams (67803-7), procedures (47519-4),      */
/* imaging (55114-3)                                                        */
/* ------------------------------------------------------------------------ */

/* The diagnostic question: its observation entries fill the same resource. */
static const fhir_rule question_rules[] = {
    SUBJECT,
    {NULL, "status", FHIR_OP_CONST, "final", NULL},
    {".[!entry]/code", "code", FHIR_OP_CC, NULL, NULL},
    OUTER_AUTHOR_NOTE,
    ACT_NOTES,
    {"entry/observation", NULL, FHIR_OP_NEST, &fhir_rap_qd_rules, NULL},
};
static const fhir_res_desc question = {"Observation", FHIR_RULES(question_rules)};

#define SUB_HEAD                                                                                   \
    SUBJECT, {"code", "code", FHIR_OP_CC, NULL, NULL},                                             \
    {                                                                                              \
        NULL, "status", FHIR_OP_CONST, "final", NULL                                               \
    }

static const fhir_rule exams_rules[] = {
    SUB_HEAD,
    AUTHOR_NOTE,
    ACT_NOTES,
    {"entry/observation", "hasMember[]", FHIR_OP_NEW, &qd, NULL},
};
static const fhir_res_desc exams = {"Observation", FHIR_RULES(exams_rules)};

static const fhir_rule procedures_rules[] = {
    SUB_HEAD,
    AUTHOR_NOTE,
    ACT_NOTES,
    {"entry/procedure", "partOf[]", FHIR_OP_NEW, &procedure, NULL},
};
static const fhir_res_desc procedures = {"Observation", FHIR_RULES(procedures_rules)};

static const fhir_code_map imaging_status[] = {{"completed", "registered"},
                                               {"active", "available"},
                                               {"aborted", "cancelled"},
                                               {"suspended", "entered-in-error"},
                                               {NULL, NULL}};

static const fhir_rule modality_rules[] = {
    {NULL, "code", FHIR_OP_ATTR, "code", NULL},
    {NULL, "system", FHIR_OP_OID, "codeSystem", NULL},
    {NULL, "display", FHIR_OP_ATTR, "displayName", NULL},
    {NULL, "version", FHIR_OP_ATTR, "codeSystemVersion", NULL},
};
static const fhir_rules modality = FHIR_RULES(modality_rules);

static const fhir_rule imaging_rules[] = {
    SUBJECT,
    {"code", "modality[]", FHIR_OP_NEST, &modality, NULL},
    {".[!statusCode]", "status", FHIR_OP_CONST, "unknown", NULL},
    {"statusCode", "status", FHIR_OP_MAP, imaging_status, NULL},
    {"effectiveTime", "started", FHIR_OP_DATETIME, NULL, NULL},
    {"value[@xsi:type='ST']", "description", FHIR_OP_TEXT, NULL, NULL},
    {"text/reference", "note[].text", FHIR_OP_ATTR, "value", NULL},
};
static const fhir_res_desc imaging = {"ImagingStudy", FHIR_RULES(imaging_rules)};

static const fhir_rule imaging_obs_rules[] = {
    SUB_HEAD,
    OUTER_AUTHOR_NOTE,
    ACT_NOTES,
    {"entry/observation", "partOf[]", FHIR_OP_NEW, &imaging, NULL},
};
static const fhir_res_desc imaging_obs = {"Observation", FHIR_RULES(imaging_obs_rules)};

/* ------------------------------------------------------------------------ */
/* Lists: allergies (48765-2), drug (8677-7) and oncology (103567-4) therapy */
/* ------------------------------------------------------------------------ */

#define MFST "entryRelationship[@typeCode='MFST']/observation"

static const fhir_rule manifestation_rules[] = {
    {"value", "manifestation[]", FHIR_OP_CC, NULL, NULL},
    {"effectiveTime/low", "onset", FHIR_OP_DATETIME, NULL, NULL},
};
static const fhir_rules manifestation = FHIR_RULES(manifestation_rules);

static const fhir_rule reaction_rules[] = {
    {"../" MFST, NULL, FHIR_OP_NEST, &manifestation, NULL},
    {"participantRole/playingEntity/code", "substance", FHIR_OP_CC, NULL, NULL},
};
static const fhir_rules reaction = FHIR_RULES(reaction_rules);

static const fhir_rule allergy_obs_rules[] = {
    {"effectiveTime", "onsetPeriod", FHIR_OP_PERIOD, NULL, NULL},
    {"value", "type", FHIR_OP_MAP, fhir_allergy_type, NULL},
    {"value", "category[]", FHIR_OP_MAP, fhir_allergy_category_as_map, NULL},
    {"participant", "reaction[]", FHIR_OP_NEST, &reaction, NULL},
    {".[!participant]/" MFST, "reaction[]", FHIR_OP_NEST, &manifestation, NULL},
    {"entryRelationship[@typeCode='SUBJ']/observation/value", "criticality", FHIR_OP_MAP,
     fhir_allergy_criticality, NULL},
    {"entryRelationship[@typeCode='SUBJ']/act", "note[]", FHIR_OP_NEST, &fhir_rap_act_note, NULL},
    {"entryRelationship[@typeCode='REFR']/observation[value]", "clinicalStatus", FHIR_OP_FN,
     "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical", fhir_allergy_status},
};
static const fhir_rules allergy_obs = FHIR_RULES(allergy_obs_rules);

static const fhir_rule allergy_rules[] = {
    {NULL, "patient", FHIR_OP_REF, "Patient", NULL},
    {NULL, "verificationStatus.coding[].code", FHIR_OP_CONST, "confirmed", NULL},
    {NULL, "verificationStatus.coding.system", FHIR_OP_CONST,
     "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification", NULL},
    {NULL, "verificationStatus.coding.display", FHIR_OP_CONST, "Confirmed", NULL},
    {"entryRelationship/observation", NULL, FHIR_OP_NEST, &allergy_obs, NULL},
};
static const fhir_res_desc allergy = {"AllergyIntolerance", FHIR_RULES(allergy_rules)};

#define LIST_HEAD                                                                                  \
    SUBJECT, {NULL, "status", FHIR_OP_CONST, "current", NULL},                                     \
    {                                                                                              \
        NULL, "mode", FHIR_OP_CONST, "working", NULL                                               \
    }

static const fhir_rule allergy_item_rules[] = {
    {"act[templateId/@root='2.16.840.1.113883.3.1937.777.63.10.156']", "item", FHIR_OP_NEW,
     &allergy, NULL},
};
static const fhir_rules allergy_item = FHIR_RULES(allergy_item_rules);

static const fhir_rule allergy_list_rules[] = {
    LIST_HEAD,
    OUTER_AUTHOR_NOTE,
    {"entry", "entry[]", FHIR_OP_NEST, &allergy_item, NULL},
};
static const fhir_res_desc allergy_list = {"List", FHIR_RULES(allergy_list_rules)};

static const fhir_rule batch_rules[] = {
    {"code", "code", FHIR_OP_CC, NULL, NULL},
    {"lotNumberText", "batch.lotNumber", FHIR_OP_TEXT, NULL, NULL},
};
static const fhir_res_desc batch = {"Medication", FHIR_RULES(batch_rules)};

static const fhir_code_map statement_status[] = {{"completed", "completed"},
                                                 {"active", "active"},
                                                 {"aborted", "cancelled"},
                                                 {"suspended", "on-hold"},
                                                 {NULL, NULL}};

static const fhir_rule bounds_rules[] = {
    {".[@value]", "timing.repeat.boundsDateTime", FHIR_OP_DATETIME, NULL, NULL},
    {".[low]", "timing.repeat.boundsPeriod", FHIR_OP_PERIOD, NULL, NULL},
};
static const fhir_rules bounds = FHIR_RULES(bounds_rules);

static const fhir_rule dose_rules[] = {
    {"routeCode", "route", FHIR_OP_CC, NULL, NULL},
    {"approachSiteCode", "site", FHIR_OP_CC, NULL, NULL},
    {"doseQuantity/originalText/reference", "text", FHIR_OP_ATTR, "value", NULL},
    {"doseQuantity", "doseAndRate[].doseRange", FHIR_OP_NEST, &fhir_range, NULL},
    {"rateQuantity/originalText/reference", "text", FHIR_OP_ATTR, "value", NULL},
    {"rateQuantity", "doseAndRate[].rateRange", FHIR_OP_NEST, &fhir_range, NULL},
};
static const fhir_rules dose = FHIR_RULES(dose_rules);

#define IVL "effectiveTime[@xsi:type='IVL_TS']"
#define STATEMENT_RULES                                                                            \
    SUBJECT, {".[!statusCode]", "status", FHIR_OP_CONST, "unknown", NULL},                         \
        {"statusCode", "status", FHIR_OP_MAP, statement_status, NULL},                             \
        {"text/reference", "note[].text", FHIR_OP_ATTR, "value", NULL},                            \
        {"effectiveTime", "effectiveDateTime", FHIR_OP_DATETIME, NULL, NULL},                      \
        {".[effectiveTime/low]/effectiveTime | .[effectiveTime/high]/effectiveTime", "effective",  \
         FHIR_OP_FN, NULL, fhir_choice_period},                                                    \
        {IVL, "dosage[]", FHIR_OP_NEST, &bounds, NULL},                                            \
        {"effectiveTime[@xsi:type='EIVL_TS']/eventCode", "dosage[].timing.repeat.when[]",          \
         FHIR_OP_CODE, NULL, NULL},                                                                \
        {IVL "[@value]", "dosage[].timing.event[]", FHIR_OP_DATETIME, NULL, NULL},                 \
        {NULL, "dosage[]", FHIR_OP_NEST, &dose, NULL},                                             \
    {                                                                                              \
        "consumable/manufacturedProduct/manufacturedMaterial", "medicationReference", FHIR_OP_NEW, \
            &batch, NULL                                                                           \
    }

static const fhir_rule statement_rules[] = {STATEMENT_RULES};
static const fhir_res_desc statement = {"MedicationStatement", FHIR_RULES(statement_rules)};

/* The oncology therapy: every procedure of the section is part of it. */
static const fhir_rule oncology_statement_rules[] = {
    STATEMENT_RULES,
    {"../../entry/procedure", "partOf[]", FHIR_OP_NEW, &oncology_procedure, NULL},
};
static const fhir_res_desc oncology_statement = {"MedicationStatement",
                                                 FHIR_RULES(oncology_statement_rules)};

static const fhir_rule therapy_list_rules[] = {
    LIST_HEAD,
    {"entry/substanceAdministration", "entry[].item", FHIR_OP_NEW, &statement, NULL},
    {"code", "code", FHIR_OP_CC, NULL, NULL},
    AUTHOR_NOTE,
    ACT_NOTES,
};
static const fhir_res_desc therapy_list = {"List", FHIR_RULES(therapy_list_rules)};

static const fhir_rule oncology_list_rules[] = {
    LIST_HEAD,
    {"entry/substanceAdministration", "entry[].item", FHIR_OP_NEW, &oncology_statement, NULL},
    {"code", "code", FHIR_OP_CC, NULL, NULL},
    AUTHOR_NOTE,
    ACT_NOTES,
};
static const fhir_res_desc oncology_list = {"List", FHIR_RULES(oncology_list_rules)};

/* ------------------------------------------------------------------------ */
/* The clinical history Observation (src: the section)                      */
/* ------------------------------------------------------------------------ */

#define SUB(code) "." CODE(code)

/* One sub-section (src), in document order. */
static const fhir_rule sub_section_rules[] = {
    {SUB("11329-0"), "hasMember[]", FHIR_OP_NEW, &anamnesis, NULL},
    {SUB("42349-1"), "hasMember[]", FHIR_OP_NEW, &question, NULL},
    {SUB("67803-7"), "hasMember[]", FHIR_OP_NEW, &exams, NULL},
    {SUB("48765-2"), "focus[]", FHIR_OP_NEW, &allergy_list, NULL},
    {SUB("8677-7"), "focus[]", FHIR_OP_NEW, &therapy_list, NULL},
    {SUB("103567-4"), "focus[]", FHIR_OP_NEW, &oncology_list, NULL},
    {SUB("47519-4"), "hasMember[]", FHIR_OP_NEW, &procedures, NULL},
    {SUB("55114-3"), "hasMember[]", FHIR_OP_NEW, &imaging_obs, NULL},
};
static const fhir_rules sub_section = FHIR_RULES(sub_section_rules);

static const fhir_rule history_rules[] = {
    {"code", "code", FHIR_OP_CC, NULL, NULL},
    SUBJECT,
    {NULL, "status", FHIR_OP_CONST, "final", NULL},
    AUTHOR_NOTE,
    {"component/section", NULL, FHIR_OP_NEST, &sub_section, NULL},
};
const fhir_res_desc fhir_rap_history = {"Observation", FHIR_RULES(history_rules)};
