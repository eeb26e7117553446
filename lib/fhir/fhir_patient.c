/*
 * lib/fhir/fhir_patient.c - the patient side of the CDA header, as the
 * official FULLHEADER map (v3.5) writes it: Patient from
 * recordTarget/patientRole (identifiers and the conditional url, contacts,
 * gender, birth, death, marital status, birth place), its guardians (a
 * RelatedPerson for a person, an Organization contact for an organization),
 * the provider organization (managingOrganization), and the header
 * participants about the patient: next of kin, emergency contacts and
 * caregivers as RelatedPersons linked from the Patient, the guarantor
 * organization as generalPractitioner.
 *
 * Owns these mappings. Does not own the shared-entity conventions
 * (fhir_party.c) or the practitioner participations (fhir_header.c).
 */
#include "fhir_int.h"

#include <string.h>

#define TAG "ClinicalDocument/"
#define ROOTS_PATIENT_URL                                                                          \
    "2.16.840.1.113883.2.9.4.3.2 2.16.840.1.113883.2.9.4.3.7 2.16.840.1.113883.2.9.4.3.3 "         \
    "2.16.840.1.113883.2.9.4.3.17 2.16.840.1.113883.2.9.4.3.18 2.16.840.1.113883.2.9.4.3.15 "

static void patient_identifiers(fhir_ctx *c, const xmlNode *role)
{
    fhir_nodes ids = fhir_cda_select(c, role, "id");
    size_t i;

    for (i = 0; i < ids.n; i++) {
        const char *root = fhir_cda_attr(c, ids.items[i], "root");
        const char *ext = fhir_cda_attr(c, ids.items[i], "extension");
        fhir_node *ident = fhir_push(FA(c), c->patient->res, "identifier");
        fhir_put_str(FA(c), ident, "system", root != NULL ? fhir_id_system(c, root) : NULL);
        fhir_put_str(FA(c), ident, "value", ext);
        if (fhir_cda_attr(c, ids.items[i], "assigningAuthorityName") != NULL) {
            fhir_put_str(FA(c), fhir_obj(FA(c), ident, "assigner"), "display",
                         fhir_cda_attr(c, ids.items[i], "assigningAuthorityName"));
        }
        /* patient identifiers of the national and regional registries */
        if (root != NULL && ext != NULL &&
            (strstr(ROOTS_PATIENT_URL, fhir_arena_printf(FA(c), "%s ", root)) != NULL ||
             (strncmp(root, "2.16.840.1.113883.2.9.2.", 24) == 0 &&
              (strstr(root, ".4.1.1") != NULL || strstr(root, ".4.1") != NULL)))) {
            c->patient->cond = c->opts->cond_url == FSE_FHIR_COND_SYSTEM_VALUE
                                   ? fhir_arena_printf(FA(c), "%s|%s", fhir_id_system(c, root), ext)
                                   : ext;
        }
    }
}

/* Every match of path below n, converted into a new member of array key. */
typedef void (*conv_fn)(fhir_ctx *c, fhir_node *tgt, const xmlNode *src);
static void each(fhir_ctx *c, fhir_node *res, const char *key, const xmlNode *n, const char *path,
                 conv_fn conv)
{
    fhir_nodes v = fhir_cda_select(c, n, path);
    size_t i;

    for (i = 0; i < v.n; i++) {
        conv(c, fhir_push(FA(c), res, key), v.items[i]);
    }
}

/* A RelatedPerson of the patient, linked from Patient.link (type refer). */
static fhir_entry *related_person(fhir_ctx *c)
{
    fhir_entry *rp = fhir_entry_post(c, "RelatedPerson");
    fhir_node *link;

    if (rp == NULL) {
        return NULL;
    }
    fhir_ref(c, rp->res, "patient", c->patient);
    link = fhir_push(FA(c), c->patient->res, "link");
    fhir_put_str(FA(c), link, "type", "refer");
    fhir_ref(c, link, "other", rp);
    return rp;
}

/* patient/guardian: a person becomes a RelatedPerson, an organization a
 * contact Organization (with its partOf chain). */
static void guardians(fhir_ctx *c, const xmlNode *pat)
{
    fhir_nodes v = fhir_cda_select(c, pat, "guardian");
    size_t i;

    for (i = 0; i < v.n; i++) {
        const xmlNode *g = v.items[i];
        const xmlNode *person = fhir_cda_first(c, g, "guardianPerson");
        const xmlNode *org = fhir_cda_first(c, g, "guardianOrganization");
        if (person != NULL) {
            fhir_entry *rp = related_person(c);
            if (rp == NULL) {
                return;
            }
            if (c->opts->compat == FSE_FHIR_COMPAT_ENGINE_2023) {
                each(c, rp->res, "name", person, "name", fhir_conv_name);
            }
            fhir_put_str(FA(c), rp->res, "birthDate",
                         fhir_ts_date(c, fhir_cda_path_attr(c, person, "birthTime", "value")));
            each(c, rp->res, "address", g, "addr", fhir_conv_address);
            each(c, rp->res, "telecom", g, "telecom", fhir_conv_telecom);
            each(c, rp->res, "identifier", g, "id", fhir_conv_identifier);
            each(c, rp->res, "relationship", g, "code", fhir_conv_cc);
        }
        if (org != NULL) {
            fhir_entry *o = fhir_party_org(
                c, org, TAG "recordTarget/PatientRole/patient/guardian/guardianOrganization", 0);
            fhir_ref(c, fhir_push(FA(c), c->patient->res, "contact"), "organization", o);
        }
    }
}

/* patientRole/providerOrganization: Patient.managingOrganization. */
static void provider(fhir_ctx *c, const xmlNode *role)
{
    const xmlNode *org = fhir_cda_first(c, role, "providerOrganization");
    fhir_entry *o;

    if (org == NULL) {
        return;
    }
    o = fhir_party_org(c, org, TAG "recordTarget/PatientRole/patient/providerOrganization", 0);
    if (fhir_cda_first(c, org, "id[@root][@extension]") != NULL) {
        fhir_ref(c, c->patient->res, "managingOrganization", o);
    }
}

/* ClinicalDocumentPatientRole. */
static void patient(fhir_ctx *c, const xmlNode *role)
{
    fhir_node *res = c->patient->res;
    const xmlNode *pat = fhir_cda_first(c, role, "patient");
    fhir_nodes v;
    size_t i;

    patient_identifiers(c, role);
    v = fhir_cda_select(c, role, "addr");
    for (i = 0; i < v.n; i++) {
        fhir_conv_address(c, fhir_push(FA(c), res, "address"), v.items[i]);
    }
    v = fhir_cda_select(c, role, "telecom");
    for (i = 0; i < v.n; i++) {
        fhir_conv_telecom(c, fhir_push(FA(c), res, "telecom"), v.items[i]);
    }
    if (pat == NULL) {
        return;
    }
    if (c->opts->compat == FSE_FHIR_COMPAT_ENGINE_2023) {
        v = fhir_cda_select(c, pat, "name");
        for (i = 0; i < v.n; i++) {
            fhir_conv_name(c, fhir_push(FA(c), res, "name"), v.items[i]);
        }
    }
    fhir_put_str(FA(c), res, "gender",
                 fhir_map_code(fhir_cm_gender,
                               fhir_cda_path_attr(c, pat, "administrativeGenderCode", "code")));
    fhir_put_str(FA(c), res, "birthDate",
                 fhir_ts_date(c, fhir_cda_path_attr(c, pat, "birthTime", "value")));
    if (fhir_cda_first(c, pat, "deceasedInd[@value='false']") != NULL) {
        fhir_put_bool(FA(c), res, "deceasedBoolean", false);
    }
    if (fhir_cda_first(c, pat, "deceasedInd[@value='true']") != NULL) {
        const char *t = fhir_cda_path_attr(c, pat, "deceasedTime", "value");
        if (t != NULL) {
            fhir_put_str(FA(c), res, "deceasedDateTime", fhir_ts_datetime(c, t));
        } else {
            fhir_put_bool(FA(c), res, "deceasedBoolean", true);
        }
    }
    v = fhir_cda_select(c, pat, "maritalStatusCode");
    for (i = 0; i < v.n; i++) {
        fhir_conv_cc(c, fhir_obj(FA(c), res, "maritalStatus"), v.items[i]);
    }
    v = fhir_cda_select(c, pat, "birthplace/place/addr");
    for (i = 0; i < v.n; i++) {
        fhir_node *ext = fhir_push(FA(c), res, "extension");
        fhir_put_str(FA(c), ext, "url",
                     "http://hl7.org/fhir/StructureDefinition/patient-birthPlace");
        fhir_conv_address(c, fhir_obj(FA(c), ext, "valueAddress"), v.items[i]);
    }
    guardians(c, pat);
}

void fhir_patient_map(fhir_ctx *c, const xmlNode *role)
{
    patient(c, role);
    provider(c, role);
}

/* associatedEntity of class NOK, ECON or CAREGIVER: a RelatedPerson. */
static void next_of_kin(fhir_ctx *c, const xmlNode *ent)
{
    fhir_entry *rp = related_person(c);

    if (rp == NULL) {
        return;
    }
    each(c, rp->res, "identifier", ent, "id", fhir_conv_identifier);
    each(c, rp->res, "relationship", ent, "code", fhir_conv_cc);
    each(c, rp->res, "telecom", ent, "telecom", fhir_conv_telecom);
    if (c->opts->compat == FSE_FHIR_COMPAT_ENGINE_2023) {
        each(c, rp->res, "name", ent, "associatedPerson/name", fhir_conv_name);
    }
}

/* associatedEntity of class GUAR: the guarantor organization (ids of the
 * entity, the rest from its scopingOrganization) as generalPractitioner. */
static void guarantor(fhir_ctx *c, const xmlNode *part, const xmlNode *ent)
{
    const xmlNode *scoping = fhir_cda_first(c, ent, "scopingOrganization");
    const char *tag = TAG "participant/scopingOrganization";
    fhir_nodes ids = fhir_cda_select(c, ent, "id");
    fhir_entry *o;
    size_t i;

    if (scoping == NULL) {
        return;
    }
    o = fhir_entry_candidate(c, "Organization", fhir_tag_weight(tag));
    if (o == NULL) {
        return;
    }
    each(c, o->res, "type", ent, "code", fhir_conv_cc);
    for (i = 0; i < ids.n; i++) {
        const char *root = fhir_cda_attr(c, ids.items[i], "root");
        const char *ext = fhir_cda_attr(c, ids.items[i], "extension");
        fhir_node *ident = fhir_push(FA(c), o->res, "identifier");
        fhir_put_str(FA(c), fhir_obj(FA(c), ident, "period"), "end",
                     fhir_ts_datetime(c, fhir_cda_path_attr(c, part, "time/high", "value")));
        fhir_put_str(FA(c), ident, "system", root != NULL ? fhir_id_system(c, root) : NULL);
        fhir_put_str(FA(c), ident, "value", ext);
        if (fhir_cda_attr(c, ids.items[i], "assigningAuthorityName") != NULL) {
            fhir_put_str(FA(c), fhir_obj(FA(c), ident, "assigner"), "display",
                         fhir_cda_attr(c, ids.items[i], "assigningAuthorityName"));
        }
        if (ext != NULL) {
            o->cond = c->opts->cond_url == FSE_FHIR_COND_SYSTEM_VALUE && root != NULL
                          ? fhir_arena_printf(FA(c), "%s|%s", fhir_id_system(c, root), ext)
                          : ext;
        }
        if (root != NULL && ext != NULL) {
            fhir_entry_set_id(c, o, fhir_arena_printf(FA(c), "%s-%s", root, ext));
            fhir_ref(c, c->patient->res, "generalPractitioner[]", o);
        }
    }
    if (c->opts->compat == FSE_FHIR_COMPAT_ENGINE_2023) {
        fhir_put_str(FA(c), o->res, "name", fhir_cda_text(c, fhir_cda_first(c, scoping, "name")));
    }
    each(c, o->res, "telecom", scoping, "telecom", fhir_conv_telecom);
    each(c, o->res, "address", scoping, "addr", fhir_conv_address);
    fhir_ref(c, o->res, "partOf",
             fhir_party_org(c, fhir_cda_first(c, scoping, "asOrganizationPartOf"),
                            fhir_arena_printf(FA(c), "%s/asOrganizationPartOf", tag),
                            FHIR_PARTY_PART_OF));
    fhir_entry_commit(c, o);
}

void fhir_patient_participants(fhir_ctx *c)
{
    fhir_nodes v = fhir_cda_select(c, c->cda, "participant[@typeCode='IND']/associatedEntity");
    size_t i;

    for (i = 0; i < v.n; i++) {
        const char *cls = fhir_cda_attr(c, v.items[i], "classCode");
        if (cls == NULL) {
            continue;
        }
        if (strcmp(cls, "NOK") == 0 || strcmp(cls, "ECON") == 0 || strcmp(cls, "CAREGIVER") == 0) {
            next_of_kin(c, v.items[i]);
        } else if (strcmp(cls, "GUAR") == 0) {
            guarantor(c, v.items[i]->parent, v.items[i]);
        }
    }
}
