/*
 * lib/fhir/fhir_terms.c - the code tables of the mapping: code-system OID ->
 * FHIR URI (what the official maps get from special-oid2uri), the small
 * concept maps of the maps (gender, priority, relatesTo, address use), the
 * dedup weights of the scoring tags (ENG WeightFhirResEnum) and the
 * identifier-system choice for the codice fiscale (eds-fhir §2.6).
 *
 * Owns these tables. Does not own how they are applied (fhir_types.c,
 * fhir_bundle.c).
 */
#include "fhir_int.h"

#include <string.h>
#include <strings.h>

/*
 * OIDs with a FHIR URI. Every other OID becomes "urn:oid:<oid>", as the
 * official outputs show for the Italian code systems.
 */
static const fhir_code_map oid_uri[] = {
    {"2.16.840.1.113883.6.1", "http://loinc.org"},
    {"2.16.840.1.113883.6.96", "http://snomed.info/sct"},
    {"2.16.840.1.113883.6.103", "http://hl7.org/fhir/sid/icd-9"},
    {"2.16.840.1.113883.6.73", "http://www.whocc.no/atc"},
    {"2.16.840.1.113883.6.8", "http://unitsofmeasure.org"},
    {"2.16.840.1.113883.6.3", "http://hl7.org/fhir/sid/icd-10"},
    {"2.16.840.1.113883.6.88", "http://www.nlm.nih.gov/research/umls/rxnorm"},
    {"2.16.840.1.113883.5.1", "http://terminology.hl7.org/CodeSystem/v3-AdministrativeGender"},
    {"2.16.840.1.113883.5.2", "http://terminology.hl7.org/CodeSystem/v3-MaritalStatus"},
    {"2.16.840.1.113883.5.4", "http://terminology.hl7.org/CodeSystem/v3-ActCode"},
    {"2.16.840.1.113883.5.6", "http://terminology.hl7.org/CodeSystem/v3-ActClass"},
    {"2.16.840.1.113883.5.7", "http://terminology.hl7.org/CodeSystem/v3-ActPriority"},
    {"2.16.840.1.113883.5.8", "http://terminology.hl7.org/CodeSystem/v3-ActReason"},
    {"2.16.840.1.113883.5.14", "http://terminology.hl7.org/CodeSystem/v3-ActStatus"},
    {"2.16.840.1.113883.5.25", "http://terminology.hl7.org/CodeSystem/v3-Confidentiality"},
    {"2.16.840.1.113883.5.83",
     "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"},
    {"2.16.840.1.113883.5.88", "http://terminology.hl7.org/CodeSystem/v3-ParticipationFunction"},
    {"2.16.840.1.113883.5.90", "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"},
    {"2.16.840.1.113883.5.110", "http://terminology.hl7.org/CodeSystem/v3-RoleClass"},
    {"2.16.840.1.113883.5.111", "http://terminology.hl7.org/CodeSystem/v3-RoleCode"},
    {"2.16.840.1.113883.5.112", "http://terminology.hl7.org/CodeSystem/v3-RouteOfAdministration"},
    {"2.16.840.1.113883.5.129", "http://terminology.hl7.org/CodeSystem/v3-SpecimenType"},
    {"2.16.840.1.113883.5.1001", "http://terminology.hl7.org/CodeSystem/v3-ActMood"},
    {"2.16.840.1.113883.5.1008", "http://terminology.hl7.org/CodeSystem/v3-NullFlavor"},
    {"2.16.840.1.113883.5.1052", "http://terminology.hl7.org/CodeSystem/v3-ActSite"},
    {"2.16.840.1.113883.5.1063", "http://terminology.hl7.org/CodeSystem/v3-ObservationValue"},
    {"2.16.840.1.113883.5.1076", "http://terminology.hl7.org/CodeSystem/v3-ReligiousAffiliation"},
    {"2.16.840.1.113883.5.1119", "http://terminology.hl7.org/CodeSystem/v3-AddressUse"},
    {NULL, NULL}};

const fhir_code_map fhir_cm_gender[] = {{"M", "male"}, {"F", "female"}, {NULL, NULL}};

const fhir_code_map fhir_cm_priority[] = {
    {"R", "routine"}, {"P", "asap"}, {"UR", "urgent"}, {"EM", "stat"}, {NULL, NULL}};

const fhir_code_map fhir_cm_relates_to[] = {
    {"APND", "appends"}, {"XFRM", "transforms"}, {"RPLC", "replaces"}, {NULL, NULL}};

const fhir_code_map fhir_cm_address_use[] = {
    {"H", "home"},   {"HP", "home"},  {"HV", "home"}, {"WP", "work"}, {"DIR", "work"},
    {"PUB", "work"}, {"TMP", "temp"}, {"OLD", "old"}, {"BAD", "old"}, {NULL, NULL}};

const char *fhir_map_code(const fhir_code_map *map, const char *code)
{
    size_t i;

    if (code == NULL) {
        return NULL;
    }
    for (i = 0; map[i].from != NULL; i++) {
        if (strcmp(map[i].from, code) == 0) {
            return map[i].to;
        }
    }
    return NULL;
}

const char *fhir_oid_uri(fhir_ctx *c, const char *oid)
{
    const char *uri = fhir_map_code(oid_uri, oid);

    if (oid == NULL) {
        return NULL;
    }
    if (uri != NULL) {
        return uri;
    }
    return fhir_arena_printf(FA(c), "urn:oid:%s", oid);
}

/* eds-fhir §2.6: the codice fiscale system is a choice (docs/fhir.md). */
const char *fhir_id_system(fhir_ctx *c, const char *root)
{
    if (root != NULL && strcmp(root, FSE_CDA_OID_CF) == 0 &&
        c->opts->cf_system == FSE_FHIR_CF_HL7IT) {
        return "http://hl7.it/sid/codiceFiscale";
    }
    return fhir_oid_uri(c, root);
}

/* ENG WeightFhirResEnum (KEEP_PRIOR): scoring tag -> weight. */
static const struct {
    const char *tag;
    float weight;
} weights[] = {
    {"ClinicalDocument/authenticator", 19.0f},
    {"ClinicalDocument/authenticator/representedOrganization", 4.0f},
    {"ClinicalDocument/authenticator/representedOrganization/asOrganizationPartOf", 1.0f},
    {"ClinicalDocument/author", 20.0f},
    {"ClinicalDocument/author/representedOrganization", 13.0f},
    {"ClinicalDocument/author/representedOrganization/asOrganizationPartOf", 3.0f},
    {"ClinicalDocument/author/representedOrganization/asOrganizationPartOf/wholeOrganization",
     3.0f},
    {"ClinicalDocument/informant", 11.0f},
    {"ClinicalDocument/informant/representedOrganization", 5.0f},
    {"ClinicalDocument/informant/representedOrganization/asOrganizationPartOf", 2.0f},
    {"ClinicalDocument/componentOf/EncompassingEncounter/location/healthCareFacility", 8.0f},
    {"ClinicalDocument/componentOf/EncompassingEncounter/location/healthCareFacility/"
     "serviceProviderOrganization",
     6.0f},
    {"ClinicalDocument/componentOf/EncompassingEncounter/location/healthCareFacility/"
     "serviceProviderOrganization/asOrganizationPartOf",
     2.0f},
    {"ClinicalDocument/componentOf/EncompassingEncounter/responsibleParty", 7.0f},
    {"ClinicalDocument/componentOf/EncompassingEncounter/responsibleParty/"
     "representedOrganization",
     5.0f},
    {"ClinicalDocument/componentOf/EncompassingEncounter/responsibleParty/"
     "representedOrganization/asOrganizationPartOf",
     2.0f},
    {"ClinicalDocument/custodian", 14.0f},
    {"ClinicalDocument/dataEnterer", 8.0f},
    {"ClinicalDocument/dataEnterer/representedOrganization", 5.0f},
    {"ClinicalDocument/dataEnterer/representedOrganization/asOrganizationPartOf", 2.0f},
    {"ClinicalDocument/documentationOf/performer/representedOrganization/asOrganizationPartOf",
     5.0f},
    {"ClinicalDocument/documentationOf/serviceEvent/performer/representedOrganization", 5.0f},
    {"ClinicalDocument/documentationOf/serviceEvent/performer/representedOrganization/"
     "asOrganizationPartOf",
     2.0f},
    {"ClinicalDocument/informationRecipient", 7.0f},
    {"ClinicalDocument/informationRecipient/receivedOrganization", 2.0f},
    {"ClinicalDocument/informationRecipient/receivedOrganization/asOrganizationPartOf", 1.0f},
    {"ClinicalDocument/legalAuthenticator", 21.0f},
    {"ClinicalDocument/legalAuthenticator/representedOrganization", 13.0f},
    {"ClinicalDocument/legalAuthenticator/representedOrganization/asOrganizationPartOf", 3.0f},
    {"ClinicalDocument/participant", 31.0f},
    {"ClinicalDocument/participant/scopingOrganization", 6.0f},
    {"ClinicalDocument/participant/scopingOrganization/asOrganizationPartOf", 0.5f},
    {"ClinicalDocument/recordTarget/PatientRole/patient/guardian/guardianOrganization", 0.5f},
    {"ClinicalDocument/recordTarget/PatientRole/patient/providerOrganization", 0.5f},
    {"ClinicalDocument/body/act/author", 6.0f},
    {"ClinicalDocument/body/act/participant", 6.0f},
    {"ClinicalDocument/body/act/performer", 6.0f},
    {"ClinicalDocument/body/encounterParticipant", 0.5f},
    {"ClinicalDocument/body/entry/observation/performer", 8.0f},
    {"ClinicalDocument/body/manufacturerOrganization", 0.5f},
    {"ClinicalDocument/body/observation/author", 0.5f},
    {"ClinicalDocument/body/Observation/participant", 0.5f},
    {"ClinicalDocument/body/Observation/performer", 6.0f},
    {"ClinicalDocument/body/organizer/author", 0.5f},
    {"ClinicalDocument/body/organizer/participant", 0.5f},
    {"ClinicalDocument/body/organizer/performer", 6.0f},
    {"ClinicalDocument/body/participant", 6.0f},
    {"ClinicalDocument/body/vaccinazione/participant", 0.5f},
};

float fhir_tag_weight(const char *tag)
{
    size_t i;

    if (tag == NULL) {
        return 0.0f;
    }
    for (i = 0; i < sizeof(weights) / sizeof(weights[0]); i++) {
        if (strcasecmp(weights[i].tag, tag) == 0) {
            return weights[i].weight;
        }
    }
    return 0.0f;
}
