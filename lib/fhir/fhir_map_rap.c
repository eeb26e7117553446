/*
 * lib/fhir/fhir_map_rap.c - the sections of the Referto di Anatomia
 * Patologica (templateId 2.16.840.1.113883.2.9.10.1.8.1, LOINC 11526-1) as
 * the official RefertodiAnatomiaPatologica map (v1.1) builds them: one
 * DiagnosticReport for the document referenced by every section; each
 * section of the map becomes one of its results with the authored narrative
 * and the annotations: the clinical history (fhir_map_rap_history.c), the
 * procedure (an Observation part of the Procedure, with its specimen,
 * container, approach body structure, findings and media), the gross and
 * microscopic observations, the margin status, supplemental analyses,
 * epicrisis, diagnosis and further tests.
 *
 * Owns the RAP section dispatch and these tables.
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
#define RESULT "@DiagnosticReport.result[]"
#define OBS_STATUS                                                                                 \
    {"statusCode", "status", FHIR_OP_MAP, fhir_obs_status, NULL},                                  \
    {                                                                                              \
        ".[!statusCode]", "status", FHIR_OP_CONST, "final", NULL                                   \
    }
#define EFFECTIVE                                                                                  \
    {"effectiveTime", "effectiveDateTime", FHIR_OP_DATETIME, NULL, NULL},                          \
    {                                                                                              \
        ".[effectiveTime/low]/effectiveTime | .[effectiveTime/high]/effectiveTime", "effective",   \
            FHIR_OP_FN, NULL, fhir_choice_period                                                   \
    }
#define ER_NOTES                                                                                   \
    {                                                                                              \
        "entryRelationship/act", "note[]", FHIR_OP_NEST, &fhir_rap_act_note, NULL                  \
    }

/* value:INT, BL, CE, CD, IVL_PQ and PQ (as a Quantity), ST */
static const fhir_value_kind ap_values[] = {
    {"INT", "Integer", FHIR_OP_NUM},       {"BL", "Boolean", FHIR_OP_CONST},
    {"CD", "CodeableConcept", FHIR_OP_CC}, {"CE", "CodeableConcept", FHIR_OP_CC},
    {"IVL_PQ", "Quantity", FHIR_OP_QTY},   {"PQ", "Quantity", FHIR_OP_QTY},
    {"ST", "String", FHIR_OP_TEXT},        {NULL, NULL, FHIR_OP_CONST}};

/* The margin's values: its ST rule reads a missing element. */
static const fhir_value_kind margin_values[] = {{"INT", "Integer", FHIR_OP_NUM},
                                                {"BL", "Boolean", FHIR_OP_CONST},
                                                {"CD", "CodeableConcept", FHIR_OP_CC},
                                                {"CE", "CodeableConcept", FHIR_OP_CC},
                                                {"IVL_PQ", "Quantity", FHIR_OP_QTY},
                                                {"PQ", "Quantity", FHIR_OP_QTY},
                                                {NULL, NULL, FHIR_OP_CONST}};

/* ------------------------------------------------------------------------ */
/* APObservation, its specimen and media                                    */
/* ------------------------------------------------------------------------ */

static const fhir_rule media_rules[] = {
    {NULL, "status", FHIR_OP_CONST, "unknown", NULL},
    {"value", "content.contentType", FHIR_OP_ATTR, "mediaType", NULL},
};
static const fhir_res_desc media = {"Media", FHIR_RULES(media_rules)};

static const fhir_rule ap_specimen_rules[] = {
    {"specimenRole/id", "identifier[]", FHIR_OP_IDENT, NULL, NULL},
    {"specimenRole/specimenPlayingEntity/code", "type", FHIR_OP_CC, NULL, NULL},
};
static const fhir_res_desc ap_specimen = {"Specimen", FHIR_RULES(ap_specimen_rules)};

static const fhir_res_desc ap_obs;

static const fhir_rule ap_obs_rules[] = {
    SUBJECT,
    ENCOUNTER,
    {"code", "code", FHIR_OP_CC, NULL, NULL},
    OBS_STATUS,
    EFFECTIVE,
    {"interpretationCode", "interpretation[]", FHIR_OP_CC, NULL, NULL},
    {"methodCode", "method", FHIR_OP_CC, NULL, NULL},
    {"value", "value", FHIR_OP_VALUE, ap_values, NULL},
    {"targetSiteCode", "bodySite", FHIR_OP_CC, NULL, NULL},
    {"specimen", "specimen", FHIR_OP_NEW, &ap_specimen, NULL},
    ER_NOTES,
    {"entryRelationship/observationMedia", "derivedFrom[]", FHIR_OP_NEW, &media, NULL},
    {"entryRelationship/observation", "hasMember[]", FHIR_OP_NEW, &ap_obs, NULL},
};
static const fhir_res_desc ap_obs = {"Observation", FHIR_RULES(ap_obs_rules)};

/* ------------------------------------------------------------------------ */
/* The procedure (29300-1)                                                  */
/* ------------------------------------------------------------------------ */

static const fhir_rule location_coding_rules[] = {
    {NULL, "code", FHIR_OP_ATTR, "code", NULL},
    {NULL, "system", FHIR_OP_OID, "codeSystem", NULL},
    {NULL, "display", FHIR_OP_ATTR, "displayName", NULL},
};
static const fhir_rules location_coding = FHIR_RULES(location_coding_rules);

/* group approachBodyStructure (src: targetSiteCode) */
static const fhir_rule body_structure_rules[] = {
    {NULL, "patient", FHIR_OP_REF, "Patient", NULL},
    {NULL, "location.coding[]", FHIR_OP_NEST, &location_coding, NULL},
};
static const fhir_res_desc body_structure = {"BodyStructure", FHIR_RULES(body_structure_rules)};

static const fhir_rule approach_rules[] = {
    {NULL, "url", FHIR_OP_CONST,
     "http://hl7.org/fhir/StructureDefinition/procedure-approachBodyStructure", NULL},
    {NULL, "valueReference", FHIR_OP_NEW, &body_structure, NULL},
};
static const fhir_rules approach = FHIR_RULES(approach_rules);

/* The Procedure (src: procedure); no status without a statusCode. */
static const fhir_rule procedure_rules[] = {
    SUBJECT,
    ENCOUNTER,
    {"code", "code", FHIR_OP_CC, NULL, NULL},
    {"statusCode", "status", FHIR_OP_MAP, fhir_procedure_status, NULL},
    {"effectiveTime", "performedDateTime", FHIR_OP_DATETIME, NULL, NULL},
    {".[effectiveTime/low]/effectiveTime | .[effectiveTime/high]/effectiveTime", "performed",
     FHIR_OP_FN, NULL, fhir_choice_period},
    {"methodCode", "category", FHIR_OP_CC, NULL, NULL},
    {"approachSiteCode", "bodySite[]", FHIR_OP_CC, NULL, NULL},
    {"targetSiteCode", "extension[]", FHIR_OP_NEST, &approach, NULL},
};
static const fhir_res_desc procedure = {"Procedure", FHIR_RULES(procedure_rules)};

static const fhir_rule container_rules[] = {
    {"id", "identifier[]", FHIR_OP_IDENT, NULL, NULL},
    {"code", "type", FHIR_OP_CC, NULL, NULL},
};
static const fhir_rules container = FHIR_RULES(container_rules);

/* The specimen of the procedure with the containers of its supplies. */
static const fhir_rule procedure_specimen_rules[] = {
    {"specimenRole/id", "identifier[]", FHIR_OP_IDENT, NULL, NULL},
    {"../entryRelationship/supply", "container[]", FHIR_OP_NEST, &container, NULL},
};
static const fhir_res_desc procedure_specimen = {"Specimen", FHIR_RULES(procedure_specimen_rules)};

/* The Observation of a procedure (src: procedure), part of its Procedure. */
static const fhir_rule procedure_obs_rules[] = {
    SUBJECT,
    ENCOUNTER,
    {"code", "code", FHIR_OP_CC, NULL, NULL},
    {"statusCode", "status", FHIR_OP_MAP, fhir_obs_status, NULL},
    {NULL, "partOf[]", FHIR_OP_NEW, &procedure, NULL},
    {"specimen", "specimen", FHIR_OP_NEW, &procedure_specimen, NULL},
    {"entryRelationship/observation", "hasMember[]", FHIR_OP_NEW, &ap_obs, NULL},
    {"entryRelationship/observationMedia", "derivedFrom[]", FHIR_OP_NEW, &media, NULL},
    ER_NOTES,
};
static const fhir_res_desc procedure_obs = {"Observation", FHIR_RULES(procedure_obs_rules)};

/* ------------------------------------------------------------------------ */
/* The other results                                                        */
/* ------------------------------------------------------------------------ */

/* Code, subject, encounter, status and the author's note with the narrative. */
#define HEAD                                                                                       \
    {"code", "code", FHIR_OP_CC, NULL, NULL}, SUBJECT, ENCOUNTER,                                  \
        {NULL, "status", FHIR_OP_CONST, "final", NULL},                                            \
    {                                                                                              \
        "author", "note[]", FHIR_OP_NEST, &fhir_rap_author_note, NULL                              \
    }
#define ACT_NOTES                                                                                  \
    {                                                                                              \
        "entry/act", "note[]", FHIR_OP_NEST, &fhir_rap_act_note, NULL                              \
    }

static const fhir_rule procedure_result_rules[] = {
    HEAD,
    ACT_NOTES,
    {"entry/procedure", "hasMember[]", FHIR_OP_NEW, &procedure_obs, NULL},
};
static const fhir_res_desc procedure_result = {"Observation", FHIR_RULES(procedure_result_rules)};

static const fhir_rule gross_rules[] = {
    HEAD,
    ACT_NOTES,
    {"entry/organizer/component/observation", "hasMember[]", FHIR_OP_NEW, &ap_obs, NULL},
};
static const fhir_res_desc gross = {"Observation", FHIR_RULES(gross_rules)};

static const fhir_rule micro_organizer_rules[] = {
    {"code", "code", FHIR_OP_CC, NULL, NULL},
    SUBJECT,
    ENCOUNTER,
    OBS_STATUS,
    {"component/observation", "hasMember[]", FHIR_OP_NEW, &ap_obs, NULL},
};
static const fhir_res_desc micro_organizer = {"Observation", FHIR_RULES(micro_organizer_rules)};

static const fhir_rule micro_rules[] = {
    HEAD,
    ACT_NOTES,
    {"entry/organizer", "hasMember[]", FHIR_OP_NEW, &micro_organizer, NULL},
};
static const fhir_res_desc micro = {"Observation", FHIR_RULES(micro_rules)};

/* A supplemental analysis: the section's code when the organizer has none,
 * no status without a statusCode. */
static const fhir_rule supplemental_organizer_rules[] = {
    {"code", "code", FHIR_OP_CC, NULL, NULL},
    {".[!code]/../../code", "code", FHIR_OP_CC, NULL, NULL},
    SUBJECT,
    ENCOUNTER,
    {"statusCode", "status", FHIR_OP_MAP, fhir_obs_status, NULL},
    {"component/observation", "hasMember[]", FHIR_OP_NEW, &ap_obs, NULL},
};
static const fhir_res_desc supplemental_organizer = {"Observation",
                                                     FHIR_RULES(supplemental_organizer_rules)};

static const fhir_rule supplemental_rules[] = {
    HEAD,
    ACT_NOTES,
    {"entry/organizer", "hasMember[]", FHIR_OP_NEW, &supplemental_organizer, NULL},
};
static const fhir_res_desc supplemental = {"Observation", FHIR_RULES(supplemental_rules)};

/* group ObservationSdelMargine (src: an observation) */
static const fhir_rule margin_obs_rules[] = {
    SUBJECT,
    ENCOUNTER,
    {"code", "code", FHIR_OP_CC, NULL, NULL},
    OBS_STATUS,
    EFFECTIVE,
    {"interpretationCode", "interpretation[]", FHIR_OP_CC, NULL, NULL},
    {"methodCode", "method", FHIR_OP_CC, NULL, NULL},
    {"value", "value", FHIR_OP_VALUE, margin_values, NULL},
    {"targetSiteCode", "bodySite", FHIR_OP_CC, NULL, NULL},
    ER_NOTES,
};
static const fhir_res_desc margin_obs = {"Observation", FHIR_RULES(margin_obs_rules)};

static const fhir_rule margin_rules[] = {
    HEAD,
    ACT_NOTES,
    {"entry/observation", "hasMember[]", FHIR_OP_NEW, &margin_obs, NULL},
};
static const fhir_res_desc margin = {"Observation", FHIR_RULES(margin_rules)};

/* Epicrisis and diagnosis: the narrative and annotations (the map's
 * diagnosis organizers are never matched: its alias hides the code). */
static const fhir_rule narrative_rules[] = {
    HEAD,
    ACT_NOTES,
};
static const fhir_res_desc narrative = {"Observation", FHIR_RULES(narrative_rules)};

static const fhir_rule further_rules[] = {
    HEAD,
};
static const fhir_res_desc further = {"Observation", FHIR_RULES(further_rules)};

/* ------------------------------------------------------------------------ */
/* Sections                                                                 */
/* ------------------------------------------------------------------------ */

#define DISPATCH(code, desc)                                                                       \
    {                                                                                              \
        "." CODE(code), RESULT, FHIR_OP_NEW, &(desc), NULL                                         \
    }

static const fhir_rules section;

static const fhir_rule section_rules[] = {
    {"title", "title", FHIR_OP_TEXT, NULL, NULL},
    {"code", "code", FHIR_OP_CC, NULL, NULL},
    {NULL, "entry[]", FHIR_OP_REF, "@DiagnosticReport", NULL},
    {"text", "text.status", FHIR_OP_CONST, "generated", NULL},
    {"text", "text.div", FHIR_OP_NARRATIVE, NULL, NULL},
    DISPATCH("22636-5", fhir_rap_history),
    DISPATCH("29300-1", procedure_result),
    DISPATCH("22634-0", gross),
    DISPATCH("22635-7", micro),
    DISPATCH("22639-9", supplemental),
    DISPATCH("33755-0", margin),
    DISPATCH("85691-4", narrative),
    DISPATCH("22637-3", narrative),
    DISPATCH("62385-0", further),
    {"component/section", "section[]", FHIR_OP_NEST, &section, NULL},
};
static const fhir_rules section = FHIR_RULES(section_rules);

const fhir_doc_map fhir_map_rap = {FSE_CDA_DOC_RAP, FHIR_RULES(section_rules), fhir_report_create};
