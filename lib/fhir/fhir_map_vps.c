/*
 * lib/fhir/fhir_map_vps.c - the sections of the Verbale di Pronto Soccorso
 * (templateId 2.16.840.1.113883.2.9.10.1.6.1, LOINC 59258-4) as the official
 * verbalePS map (v2.4, and the Gateway's outputs where its deployed version
 * differs) builds them. Only the sections the map knows become
 * Composition.sections: transport (the mode of arrival and the participants
 * of the emergency Encounter), reason for the visit and triage
 * (Observations), hospital course and complications (Observations), consults
 * (ServiceRequests), tests and vital signs (Observations with their members
 * and requests), the care plan (CarePlan with ServiceRequests); the other
 * sections are in fhir_map_vps_framing.c (initial assessment) and
 * fhir_map_vps_stay.c (phases, therapies, discharge).
 *
 * Owns the VPS section dispatch and these tables, and the pieces the VPS
 * files share (declared in fhir_map_common.h).
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
#define BODY "ClinicalDocument/body/"
#define OBS_STATUS                                                                                 \
    {"statusCode", "status", FHIR_OP_MAP, fhir_obs_status, NULL},                                  \
    {                                                                                              \
        ".[!statusCode]", "status", FHIR_OP_CONST, "final", NULL                                   \
    }

/* ------------------------------------------------------------------------ */
/* Shared pieces of the VPS files                                           */
/* ------------------------------------------------------------------------ */

/* The author of a narrative: time and Practitioner of the note. */
static const fhir_rule note_author_rules[] = {
    {"time", "time", FHIR_OP_DATETIME, NULL, NULL},
    {"assignedAuthor", "authorReference", FHIR_OP_FN, BODY "author", fhir_body_practitioner},
};
static const fhir_rules note_author = FHIR_RULES(note_author_rules);

/* src: a section text; the note has its narrative and the section author. */
static const fhir_rule authored_note_rules[] = {
    {"../author", NULL, FHIR_OP_NEST, &note_author, NULL},
    {NULL, "text", FHIR_OP_NARRATIVE, NULL, NULL},
};
const fhir_rules fhir_vps_authored_note = FHIR_RULES(authored_note_rules);

static const fhir_rules range_low;
static const fhir_rules vitals_head;

/* group Observation (src: an observation) */
static const fhir_rule observation_rules[] = {
    SUBJECT,
    ENCOUNTER,
    {"code", "code", FHIR_OP_CC, NULL, NULL},
    OBS_STATUS,
    {"effectiveTime", "effectiveDateTime", FHIR_OP_DATETIME, NULL, NULL},
    {".[effectiveTime/low]/effectiveTime | .[effectiveTime/high]/effectiveTime", "effective",
     FHIR_OP_FN, NULL, fhir_choice_period},
    {"value", "value", FHIR_OP_VALUE, fhir_obs_values, NULL},
    {"interpretationCode", "interpretation[]", FHIR_OP_CC, NULL, NULL},
    {"methodCode", "method", FHIR_OP_CC, NULL, NULL},
    {"performer/assignedEntity", "performer[]", FHIR_OP_FN, BODY "observation/performer",
     fhir_body_practitioner},
    {"referenceRange", "referenceRange[]", FHIR_OP_NEST, &range_low, NULL},
};
const fhir_rules fhir_vps_observation_rules = FHIR_RULES(observation_rules);

static const fhir_rule range_low_rules[] = {
    {"observationRange/value[@xsi:type='IVL_PQ']/low", "low.value", FHIR_OP_NUM, "value", NULL},
    {"observationRange/value[@xsi:type='IVL_PQ']/low", "low.unit", FHIR_OP_ATTR, "unit", NULL},
};
static const fhir_rules range_low = FHIR_RULES(range_low_rules);

/* An Observation per entry (created even when the entry holds none). */
static const fhir_rule entry_obs_rules[] = {
    {"observation", NULL, FHIR_OP_NEST, &fhir_vps_observation_rules, NULL},
};
const fhir_res_desc fhir_vps_entry_observation = {"Observation", FHIR_RULES(entry_obs_rules)};

/* ------------------------------------------------------------------------ */
/* Transport (11459-5): the emergency Encounter                             */
/* ------------------------------------------------------------------------ */

static const fhir_rule coding_rules[] = {
    {NULL, "code", FHIR_OP_ATTR, "code", NULL},
    {NULL, "system", FHIR_OP_OID, "codeSystem", NULL},
    {NULL, "display", FHIR_OP_ATTR, "displayName", NULL},
    {NULL, "version", FHIR_OP_ATTR, "codeSystemVersion", NULL},
};
static const fhir_rules coding = FHIR_RULES(coding_rules);

static const fhir_rule transport_role_rules[] = {
    {"code", "code[]", FHIR_OP_CC, NULL, NULL},
};
static const fhir_res_desc transport_role = {"PractitionerRole", FHIR_RULES(transport_role_rules)};

static const fhir_rule transport_rules[] = {
    {"code", "$Encounter.extension[].url", FHIR_OP_CONST,
     "http://hl7.org/fhir/StructureDefinition/encounter-modeOfArrival", NULL},
    {"code", "$Encounter.extension.valueCoding", FHIR_OP_NEST, &coding, NULL},
    {"participant", "$Encounter.participant[]", FHIR_OP_NEST, &fhir_participant_type, NULL},
    {"participant/participantRole", "$Encounter.participant[].individual", FHIR_OP_NEW,
     &transport_role, NULL},
};
static const fhir_rules transport = FHIR_RULES(transport_rules);

/* ------------------------------------------------------------------------ */
/* Narrative sections: hospital course, sections without entries            */
/* ------------------------------------------------------------------------ */

/* src: the section; an Observation with the narrative and its author. */
static const fhir_rule course_rules[] = {
    {"code", "code", FHIR_OP_CC, NULL, NULL},
    {NULL, "status", FHIR_OP_CONST, "final", NULL},
    SUBJECT,
    ENCOUNTER,
    {"text", "note[]", FHIR_OP_NEST, &fhir_vps_authored_note, NULL},
};
static const fhir_res_desc course = {"Observation", FHIR_RULES(course_rules)};

static const fhir_rule text_obs_rules[] = {
    SUBJECT,
    ENCOUNTER,
    {"code", "code", FHIR_OP_CC, NULL, NULL},
    {NULL, "status", FHIR_OP_CONST, "final", NULL},
    {"text", "note[].text", FHIR_OP_NARRATIVE, NULL, NULL},
};
static const fhir_res_desc text_obs = {"Observation", FHIR_RULES(text_obs_rules)};

static const fhir_rule text_request_rules[] = {
    SUBJECT,
    ENCOUNTER,
    {NULL, "status", FHIR_OP_CONST, "active", NULL},
    {NULL, "intent", FHIR_OP_CONST, "order", NULL},
    {"text", "note[].text", FHIR_OP_NARRATIVE, NULL, NULL},
};
static const fhir_res_desc text_request = {"ServiceRequest", FHIR_RULES(text_request_rules)};

/* ------------------------------------------------------------------------ */
/* Consults (62387-6), tests (30954-2), vital signs (8716-3)                */
/* ------------------------------------------------------------------------ */

#define REQUEST_HEAD                                                                               \
    SUBJECT, ENCOUNTER, {NULL, "status", FHIR_OP_CONST, "active", NULL},                           \
    {                                                                                              \
        NULL, "intent", FHIR_OP_CONST, "order", NULL                                               \
    }

static const fhir_rule consult_rules[] = {
    REQUEST_HEAD,
    {"act/code", "code", FHIR_OP_CC, NULL, NULL},
    {"act/text", "note[].text", FHIR_OP_TEXT, NULL, NULL},
    {"act/statusCode", "status", FHIR_OP_CODE, NULL, NULL},
    {"act/performer/time", "occurrenceDateTime", FHIR_OP_DATETIME, NULL, NULL},
    {"act/performer/assignedEntity", "performer[]", FHIR_OP_FN, BODY "Consulenze/performer",
     fhir_body_practitioner},
    {"act/participant/time", "authoredOn", FHIR_OP_DATETIME, NULL, NULL},
    {"act/participant/participantRole", "requester", FHIR_OP_FN, BODY "Consulenze/participant",
     fhir_body_practitioner},
};
static const fhir_res_desc consult = {"ServiceRequest", FHIR_RULES(consult_rules)};

/* The request of a test or a measure (src: its participant). */
static const fhir_rule request_rules[] = {
    {"time", "authoredOn", FHIR_OP_DATETIME, NULL, NULL},
    REQUEST_HEAD,
    {"participantRole", "requester", FHIR_OP_FN, BODY "participant", fhir_body_practitioner},
};
static const fhir_res_desc request = {"ServiceRequest", FHIR_RULES(request_rules)};

/* A member of a test: its time is written on the test (the map's ob). */
static const fhir_rule test_member_rules[] = {
    {"code", "code", FHIR_OP_CC, NULL, NULL},
    OBS_STATUS,
    SUBJECT,
    ENCOUNTER,
    {"effectiveTime", "^.effectiveDateTime", FHIR_OP_DATETIME, NULL, NULL},
    {"value[@xsi:type='ST']", "valueString", FHIR_OP_TEXT, NULL, NULL},
};
static const fhir_res_desc test_member = {"Observation", FHIR_RULES(test_member_rules)};

/* ObservationAccertamenti (src: the organizer). */
static const fhir_rule test_rules[] = {
    {"../../code", "code", FHIR_OP_CC, NULL, NULL},
    {"code", "code", FHIR_OP_CC, NULL, NULL},
    OBS_STATUS,
    {"effectiveTime", "effectiveDateTime", FHIR_OP_DATETIME, NULL, NULL},
    {".[effectiveTime/low]/effectiveTime | .[effectiveTime/high]/effectiveTime", "effective",
     FHIR_OP_FN, NULL, fhir_choice_period},
    {"value", "value", FHIR_OP_VALUE, fhir_obs_values, NULL},
    SUBJECT,
    ENCOUNTER,
    {"interpretationCode", "interpretation[]", FHIR_OP_CC, NULL, NULL},
    {"methodCode", "method", FHIR_OP_CC, NULL, NULL},
    {"referenceRange", "referenceRange[]", FHIR_OP_NEST, &range_low, NULL},
    {"performer/assignedEntity", "performer[]", FHIR_OP_FN, BODY "Accertamenti/performer",
     fhir_body_practitioner},
    {"participant", "basedOn[]", FHIR_OP_NEW, &request, NULL},
    {"component/observation", "hasMember[]", FHIR_OP_NEW, &test_member, NULL},
};
static const fhir_res_desc test = {"Observation", FHIR_RULES(test_rules)};

static const fhir_rule test_entry_rules[] = {
    {"organizer", NULL, FHIR_OP_NEST, &test.rules, NULL},
};
static const fhir_res_desc test_entry = {"Observation", FHIR_RULES(test_entry_rules)};

/* A vital sign measure (src: the component observation). */
static const fhir_rule vital_rules[] = {
    SUBJECT,
    ENCOUNTER,
    {"code", "code", FHIR_OP_CC, NULL, NULL},
    OBS_STATUS,
    /* the map writes every value as a Quantity of its value and unit */
    {"value", "valueQuantity.value", FHIR_OP_NUM, "value", NULL},
    {"value", "valueQuantity.unit", FHIR_OP_ATTR, "unit", NULL},
    {"interpretationCode", "interpretation[]", FHIR_OP_CC, NULL, NULL},
    {"methodCode", "method", FHIR_OP_CC, NULL, NULL},
    {"targetSiteCode", "bodySite", FHIR_OP_CC, NULL, NULL},
    {"performer/time", "issued", FHIR_OP_DATETIME, NULL, NULL},
    {"performer/assignedEntity", "performer[]", FHIR_OP_FN, BODY "ParametriVitali/performer",
     fhir_body_practitioner},
    {"participant", "basedOn[]", FHIR_OP_NEW, &request, NULL},
};
static const fhir_res_desc vital = {"Observation", FHIR_RULES(vital_rules)};

/* The vital signs organizer: one Observation of category vital-signs. */
static const fhir_rule vitals_rules[] = {
    {"organizer", "category[].coding[].system", FHIR_OP_CONST,
     "http://terminology.hl7.org/CodeSystem/observation-category", NULL},
    {"organizer", "category.coding.code", FHIR_OP_CONST, "vital-signs", NULL},
    {"organizer", NULL, FHIR_OP_NEST, &vitals_head, NULL},
    {"organizer/component/observation", "hasMember[]", FHIR_OP_NEW, &vital, NULL},
};
static const fhir_res_desc vitals = {"Observation", FHIR_RULES(vitals_rules)};

static const fhir_rule vitals_head_rules[] = {
    SUBJECT,
    ENCOUNTER,
    OBS_STATUS,
    {".[!code]/../../code", "code", FHIR_OP_CC, NULL, NULL},
    {"code", "code", FHIR_OP_CC, NULL, NULL},
    {"component/observation/performer/time", "effectiveDateTime", FHIR_OP_DATETIME, NULL, NULL},
};
static const fhir_rules vitals_head = FHIR_RULES(vitals_head_rules);

/* ------------------------------------------------------------------------ */
/* Care plan (18776-5, src: the section)                                    */
/* ------------------------------------------------------------------------ */

static const fhir_rule plan_request_rules[] = {
    REQUEST_HEAD,
    {"reference/externalAct/id", "identifier[]", FHIR_OP_IDENT, NULL, NULL},
    {"code", "code", FHIR_OP_CC, NULL, NULL},
    {"statusCode", "status", FHIR_OP_CODE, NULL, NULL},
    {"author/time", "authoredOn", FHIR_OP_DATETIME, NULL, NULL},
    {"author/assignedAuthor", "requester", FHIR_OP_FN, BODY "PianoCuraDimissione/author",
     fhir_body_practitioner},
};
static const fhir_res_desc plan_request = {"ServiceRequest", FHIR_RULES(plan_request_rules)};

static const fhir_rule careplan_rules[] = {
    SUBJECT,
    ENCOUNTER,
    {NULL, "status", FHIR_OP_CONST, "active", NULL},
    {NULL, "intent", FHIR_OP_CONST, "order", NULL},
    {"text", "note[]", FHIR_OP_NEST, &fhir_vps_authored_note, NULL},
    {".[text]/entry/act", "activity[].reference", FHIR_OP_NEW, &plan_request, NULL},
};
static const fhir_res_desc careplan = {"CarePlan", FHIR_RULES(careplan_rules)};

/* ------------------------------------------------------------------------ */
/* Sections by code                                                         */
/* ------------------------------------------------------------------------ */

#define CODE(code) "[code/@code='" code "']"
#define HEAD(code)                                                                                 \
    {"." CODE(code) "/title", "title", FHIR_OP_TEXT, NULL, NULL},                                  \
    {                                                                                              \
        "." CODE(code) "/code", "code", FHIR_OP_CC, NULL, NULL                                     \
    }
/* the narrative of a section, only when it has entries (ENTRIES) or always */
#define TEXT(pred)                                                                                 \
    {"." pred "/text", "text.status", FHIR_OP_CONST, "generated", NULL},                           \
    {                                                                                              \
        "." pred "/text", "text.div", FHIR_OP_NARRATIVE, NULL, NULL                                \
    }
#define WITH_ENTRIES(code) CODE(code) "[entry]"

static const fhir_rule section_rules[] = {
    /* transport: every entry refers to the emergency Encounter */
    HEAD("11459-5"),
    TEXT(CODE("11459-5")),
    {"." CODE("11459-5") "/entry", "entry[]", FHIR_OP_REF, "Encounter", NULL},
    {"." CODE("11459-5") "/entry/act", NULL, FHIR_OP_NEST, &transport, NULL},
    /* reason for the visit, triage */
    HEAD("46239-0"),
    TEXT(CODE("46239-0")),
    {"." CODE("46239-0") "/entry", "entry[]", FHIR_OP_NEW, &fhir_vps_entry_observation, NULL},
    HEAD("54094-8"),
    TEXT(CODE("54094-8")),
    {"." CODE("54094-8") "/entry", "entry[]", FHIR_OP_NEW, &fhir_vps_entry_observation, NULL},
    /* initial assessment */
    {"." CODE("78337-3"), NULL, FHIR_OP_NEST, &fhir_vps_framing, NULL},
    /* phases of the visit */
    {"." CODE("46240-8"), NULL, FHIR_OP_NEST, &fhir_vps_phases, NULL},
    /* hospital course */
    HEAD("8648-8"),
    {"." CODE("8648-8"), "entry[]", FHIR_OP_NEW, &course, NULL},
    /* complications */
    HEAD("55109-3"),
    TEXT(WITH_ENTRIES("55109-3")),
    {"." CODE("55109-3") "/entry", "entry[]", FHIR_OP_NEW, &fhir_vps_entry_observation, NULL},
    {".[!entry]" CODE("55109-3") "[text]", "entry[]", FHIR_OP_NEW, &text_obs, NULL},
    /* consults */
    HEAD("62387-6"),
    TEXT(WITH_ENTRIES("62387-6")),
    {".[!entry]" CODE("62387-6") "[text]", "entry[]", FHIR_OP_NEW, &text_request, NULL},
    {"." CODE("62387-6") "/entry", "entry[]", FHIR_OP_NEW, &consult, NULL},
    /* tests */
    HEAD("30954-2"),
    TEXT(WITH_ENTRIES("30954-2")),
    {"." CODE("30954-2") "/entry", "entry[]", FHIR_OP_NEW, &test_entry, NULL},
    {".[!entry]" CODE("30954-2") "[text]", "entry[]", FHIR_OP_NEW, &text_obs, NULL},
    /* vital signs */
    HEAD("8716-3"),
    TEXT(WITH_ENTRIES("8716-3")),
    {".[!entry]" CODE("8716-3") "[text]", "entry[]", FHIR_OP_NEW, &text_obs, NULL},
    {"." CODE("8716-3") "/entry", "entry[]", FHIR_OP_NEW, &vitals, NULL},
    /* therapy in the emergency department, discharge, therapy at discharge */
    {"." CODE("29549-3"), NULL, FHIR_OP_NEST, &fhir_vps_therapy, NULL},
    {"." CODE("28574-2"), NULL, FHIR_OP_NEST, &fhir_vps_discharge, NULL},
    {"." CODE("75311-1"), NULL, FHIR_OP_NEST, &fhir_vps_discharge_therapy, NULL},
    /* care plan */
    HEAD("18776-5"),
    {"." CODE("18776-5"), "entry[]", FHIR_OP_NEW, &careplan, NULL},
};

const fhir_doc_map fhir_map_vps = {FSE_CDA_DOC_VPS, FHIR_RULES(section_rules), NULL};
