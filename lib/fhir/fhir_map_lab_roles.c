/*
 * lib/fhir/fhir_map_lab_roles.c - the people, devices and media of the
 * Referto di Laboratorio body and its organizers, as the official
 * RefertodilaboratorioFULLBODY map (v2.2) writes them: performers and
 * authors of the report act, of its observations and organizers as
 * PractitionerRoles (with Practitioner and Organization chain, each with its
 * scoring tag) the resource's performer refers to; participants as
 * participants of the Encounter (a Practitioner for the act's, a
 * PractitionerRole for the observation's and organizer's), device
 * participants as the Device of the Observation, observationMedia as Media
 * the Observation derives from; the group Organizer (an Observation with its
 * members, nested organizers, specimen and media).
 *
 * Owns these tables. The report and observation tables are in
 * fhir_map_lab.c; the party conventions in fhir_party.c.
 *
 * Differences from the map, on purpose: an observation participant's
 * Encounter.participant.individual refers to its PractitionerRole (the map
 * writes a Practitioner URL with the role's id, which resolves to nothing);
 * the author's assignedAuthoringDevice is not mapped (the map writes it to a
 * target the group does not have).
 */
#include "fhir_map_common.h"

#define BODY "ClinicalDocument/body/"

/* The participations of the body (role table, as fhir_header.c's). */
#define PERFORMER(where)                                                                           \
    {                                                                                              \
        BODY where "/performer", "assignedEntity", "assignedPerson", "representedOrganization",    \
            BODY where "/performer/representedOrganization", "assignedEntity/code",                \
            FHIR_PARTY_ANY_ROOT                                                                    \
    }
#define AUTHOR(where)                                                                              \
    {                                                                                              \
        BODY where "/author", "assignedAuthor", "assignedPerson", "representedOrganization",       \
            BODY where "/author/representedOrganization", "assignedAuthor/code | functionCode",    \
            FHIR_PARTY_ANY_ROOT                                                                    \
    }
#define PARTICIPANT(where)                                                                         \
    {                                                                                              \
        BODY where "/participant", "participantRole", "playingEntity", NULL, NULL,                 \
            "functionCode | participantRole/code", FHIR_PARTY_ANY_ROOT                             \
    }

static const fhir_party obs_performer = PERFORMER("observation");
static const fhir_party obs_author = AUTHOR("observation");
static const fhir_party obs_participant = PARTICIPANT("observation");
static const fhir_party org_performer = PERFORMER("organizer");
static const fhir_party org_author = AUTHOR("organizer");
static const fhir_party org_participant = PARTICIPANT("organizer");
/* the act's performer organization has no "performer" step in its tag */
static const fhir_party act_performer = {BODY "act/performer",
                                         "assignedEntity",
                                         "assignedPerson",
                                         "representedOrganization",
                                         BODY "act/representedOrganization",
                                         "assignedEntity/code",
                                         FHIR_PARTY_ANY_ROOT};
static const fhir_party act_author = AUTHOR("act");

/* ------------------------------------------------------------------------ */
/* Participants, devices, media                                             */
/* ------------------------------------------------------------------------ */

/* The period of a participant: @value, then low and high. */
#define PARTICIPANT_PERIOD                                                                         \
    {"time", "period.start", FHIR_OP_FN, NULL, fhir_set_datetime},                                 \
        {"time/low", "period.start", FHIR_OP_DATETIME, NULL, NULL},                                \
    {                                                                                              \
        "time/high", "period.end", FHIR_OP_DATETIME, NULL, NULL                                    \
    }

/* An Encounter participant with the PractitionerRole of an observation's
 * (or organizer's) participant (src: the participant). */
static const fhir_rule obs_role_participant_rules[] = {
    PARTICIPANT_PERIOD,
    {NULL, "individual", FHIR_OP_FN, &obs_participant, fhir_body_party_role},
};
static const fhir_rules obs_role_participant = FHIR_RULES(obs_role_participant_rules);

static const fhir_rule org_role_participant_rules[] = {
    PARTICIPANT_PERIOD,
    {NULL, "individual", FHIR_OP_FN, &org_participant, fhir_body_party_role},
};
static const fhir_rules org_role_participant = FHIR_RULES(org_role_participant_rules);

/* An Encounter participant with the Practitioner of the act's participant. */
static const fhir_rule act_participant_rules[] = {
    {NULL, NULL, FHIR_OP_NEST, &fhir_participant_type, NULL},
    PARTICIPANT_PERIOD,
    {"participantRole", "individual", FHIR_OP_FN, BODY "act/participant", fhir_body_practitioner},
};
static const fhir_rules act_participant = FHIR_RULES(act_participant_rules);

/* An observationMedia (src) as Media: content type and base64 data. */
static const fhir_rule media_rules[] = {
    {NULL, "status", FHIR_OP_CONST, "unknown", NULL},
    {"value", "content.contentType", FHIR_OP_ATTR, "mediaType", NULL},
    {"value[@representation='B64']", "content.data", FHIR_OP_TEXT, NULL, NULL},
};
static const fhir_res_desc media = {"Media", FHIR_RULES(media_rules)};

#define PERSON_PARTICIPANT "participant[@typeCode!='DEV'] | participant[!@typeCode]"

/* Each person participant: an Encounter participant with its type, another
 * with its role. */
static const fhir_rule obs_participants_rules[] = {
    {NULL, "$Encounter.participant[]", FHIR_OP_NEST, &fhir_participant_type, NULL},
    {".[participantRole]", "$Encounter.participant[]", FHIR_OP_NEST, &obs_role_participant, NULL},
};
static const fhir_rules obs_participants = FHIR_RULES(obs_participants_rules);

static const fhir_rule org_participants_rules[] = {
    {NULL, "$Encounter.participant[]", FHIR_OP_NEST, &fhir_participant_type, NULL},
    {".[participantRole]", "$Encounter.participant[]", FHIR_OP_NEST, &org_role_participant, NULL},
};
static const fhir_rules org_participants = FHIR_RULES(org_participants_rules);

/* Roles of an observation (src: the observation). */
static const fhir_rule obs_roles_rules[] = {
    {"performer", "performer[]", FHIR_OP_FN, &obs_performer, fhir_body_party_role},
    {"author", "performer[]", FHIR_OP_FN, &obs_author, fhir_body_party_role},
    {PERSON_PARTICIPANT, NULL, FHIR_OP_NEST, &obs_participants, NULL},
    {"participant[@typeCode='DEV']/participantRole/playingDevice", "device", FHIR_OP_NEW,
     &fhir_party_device, NULL},
    {"entryRelationship/observationMedia", "derivedFrom[]", FHIR_OP_NEW, &media, NULL},
};
const fhir_rules fhir_lab_obs_roles = FHIR_RULES(obs_roles_rules);

/* Roles of the report act (src: the act). */
static const fhir_rule act_roles_rules[] = {
    {PERSON_PARTICIPANT, "$Encounter.participant[]", FHIR_OP_NEST, &act_participant, NULL},
    {"performer", "performer[]", FHIR_OP_FN, &act_performer, fhir_body_party_role},
    {"author", "performer[]", FHIR_OP_FN, &act_author, fhir_body_party_role},
};
const fhir_rules fhir_lab_act_roles = FHIR_RULES(act_roles_rules);

/* ------------------------------------------------------------------------ */
/* group Organizer (src: an organizer)                                      */
/* ------------------------------------------------------------------------ */

static const fhir_code_map obs_status[] = {{"completed", "final"},
                                           {"active", "registered"},
                                           {"aborted", "cancelled"},
                                           {"suspended", "partial"},
                                           {NULL, NULL}};

static const fhir_rule member_rules[] = {
    {NULL, NULL, FHIR_OP_NEST, &fhir_lab_observation_rules, NULL},
};
static const fhir_res_desc member = {"Observation", FHIR_RULES(member_rules)};

static const fhir_rule specimen_rules[] = {
    {"specimenRole/id", "identifier[]", FHIR_OP_IDENT, NULL, NULL},
    {"specimenRole/specimenPlayingEntity/code", "type", FHIR_OP_CC, NULL, NULL},
};
static const fhir_res_desc specimen = {"Specimen", FHIR_RULES(specimen_rules)};

static const fhir_rule organizer_rules[] = {
    {NULL, "subject", FHIR_OP_REF, "Patient", NULL},
    {NULL, "encounter", FHIR_OP_REF, "Encounter", NULL},
    {"code", "code", FHIR_OP_CC, NULL, NULL},
    /* without a code the organizer takes the code of the act above it */
    {".[!code]/../../code", "code", FHIR_OP_CC, NULL, NULL},
    {"statusCode", "status", FHIR_OP_MAP, obs_status, NULL},
    {"effectiveTime", "effectiveDateTime", FHIR_OP_DATETIME, NULL, NULL},
    {".[effectiveTime/low]/effectiveTime | .[effectiveTime/high]/effectiveTime", "effective",
     FHIR_OP_FN, NULL, fhir_choice_period},
    {"specimen", "specimen", FHIR_OP_NEW, &specimen, NULL},
    {"performer", "performer[]", FHIR_OP_FN, &org_performer, fhir_body_party_role},
    {"author", "performer[]", FHIR_OP_FN, &org_author, fhir_body_party_role},
    {PERSON_PARTICIPANT, NULL, FHIR_OP_NEST, &org_participants, NULL},
    {"participant[@typeCode='DEV']/participantRole/playingDevice", "device", FHIR_OP_NEW,
     &fhir_party_device, NULL},
    {"component/observation", "hasMember[]", FHIR_OP_NEW, &member, NULL},
    {"component/organizer", "hasMember[]", FHIR_OP_NEW, &fhir_lab_organizer, NULL},
    {"component/observationMedia", "derivedFrom[]", FHIR_OP_NEW, &media, NULL},
};
const fhir_res_desc fhir_lab_organizer = {"Observation", FHIR_RULES(organizer_rules)};
