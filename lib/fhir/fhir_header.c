/*
 * lib/fhir/fhir_header.c - the CDA header -> Composition, Patient, Encounter,
 * DocumentReference, ServiceRequest and the participations, once for every
 * document type, as the official FULLHEADER map (v3.5) does it
 * (eds-fhir §2.3).
 *
 * Owns the role table (which CDA participation becomes which
 * PractitionerRole/Practitioner/Organization, with which scoring tag) and the
 * order in which the header entries are created (it decides dedup ties).
 * Does not own the shared-entity conventions (fhir_party.c), the patient and
 * the participants about the patient (fhir_patient.c) or the body (fhir_body.c
 * and the per-type tables).
 */
#include "fhir_int.h"

#include <string.h>

#define TAG "ClinicalDocument/"
/* Root of the partita IVA (VAT number) of an organization. */
#define FSE_CDA_OID_PIVA "2.16.840.1.113883.2.9.6.3.2"

/* The participations of the header (FULLHEADER ClinicalDocumentComposition). */
static const fhir_party role_author = {TAG "author",
                                       "assignedAuthor",
                                       "assignedPerson",
                                       "representedOrganization",
                                       TAG "author/representedOrganization",
                                       "functionCode | assignedAuthor/code",
                                       FHIR_PARTY_NEED_CF};
static const fhir_party role_data_enterer = {TAG "dataEnterer",
                                             "assignedEntity",
                                             "assignedPerson",
                                             "representedOrganization",
                                             TAG "dataEnterer/representedOrganization",
                                             "assignedEntity/code",
                                             FHIR_PARTY_NEED_CF};
static const fhir_party role_informant = {TAG "informant",
                                          "assignedEntity",
                                          "assignedPerson",
                                          "representedOrganization",
                                          TAG "informant/representedOrganization",
                                          "assignedEntity/code",
                                          FHIR_PARTY_ANY_ROOT};
static const fhir_party role_legal = {TAG "legalAuthenticator",
                                      "assignedEntity",
                                      "assignedPerson",
                                      "representedOrganization",
                                      TAG "legalAuthenticator/representedOrganization",
                                      "assignedEntity/code",
                                      FHIR_PARTY_NEED_CF | FHIR_PARTY_URL_CF_ONLY};
static const fhir_party role_authenticator = {TAG "authenticator",
                                              "assignedEntity",
                                              "assignedPerson",
                                              "representedOrganization",
                                              TAG "authenticator/representedOrganization",
                                              "assignedEntity/code",
                                              0};
static const fhir_party role_participant = {TAG "participant",
                                            "associatedEntity",
                                            "associatedPerson",
                                            "scopingOrganization",
                                            TAG "participant/scopingOrganization",
                                            "functionCode | associatedEntity/code",
                                            FHIR_PARTY_ANY_ROOT};
static const fhir_party role_performer = {
    TAG "documentationOf/serviceEvent/performer",
    "assignedEntity",
    "assignedPerson",
    "representedOrganization",
    TAG "documentationOf/serviceEvent/performer/representedOrganization",
    "functionCode | assignedEntity/code",
    FHIR_PARTY_ANY_ROOT};
static const fhir_party role_responsible = {
    TAG "componentOf/EncompassingEncounter/responsibleParty",
    "assignedEntity",
    "assignedPerson",
    "representedOrganization",
    TAG "componentOf/EncompassingEncounter/responsibleParty/representedOrganization",
    "assignedEntity/code",
    FHIR_PARTY_ANY_ROOT};
static const fhir_party role_enc_participant = {TAG "encounterParticipant",
                                                "assignedEntity",
                                                "associatedPerson",
                                                "representedOrganization",
                                                TAG "encounterParticipant/scopingOrganization",
                                                "functionCode | assignedEntity/code",
                                                FHIR_PARTY_ANY_ROOT};

/* Composition.author for the author and the data enterer. */
/* An author identified by a partita IVA: a Device owned by the Organization
 * of that number. */
static void piva_author(fhir_ctx *c, const xmlNode *assigned)
{
    fhir_entry *dev = fhir_entry_post(c, "Device");
    fhir_entry *org =
        fhir_entry_candidate(c, "Organization", fhir_tag_weight(TAG "AuthorPartitaIVA"));
    fhir_nodes ids = fhir_cda_select(c, assigned, "id");
    size_t i;

    if (dev == NULL || org == NULL) {
        return;
    }
    fhir_ref(c, c->composition->res, "author[]", dev);
    for (i = 0; i < ids.n; i++) {
        const char *root = fhir_cda_attr(c, ids.items[i], "root");
        const char *ext = fhir_cda_attr(c, ids.items[i], "extension");
        fhir_conv_identifier(c, fhir_push(FA(c), org->res, "identifier"), ids.items[i]);
        if (ext != NULL) {
            org->cond = c->opts->cond_url == FSE_FHIR_COND_SYSTEM_VALUE && root != NULL
                            ? fhir_arena_printf(FA(c), "%s|%s", fhir_id_system(c, root), ext)
                            : ext;
        }
        if (root != NULL && ext != NULL) {
            fhir_entry_set_id(c, org, fhir_arena_printf(FA(c), "%s-%s", root, ext));
            fhir_ref(c, dev->res, "owner", org);
        }
    }
    fhir_entry_commit(c, org);
}

static void authors(fhir_ctx *c)
{
    fhir_nodes v = fhir_cda_select(c, c->cda, "author");
    fhir_node *comp = c->composition->res;
    size_t i;
    size_t k;

    for (i = 0; i < v.n; i++) {
        fhir_entry *role = fhir_party_role(c, &role_author, v.items[i]);
        const xmlNode *id =
            fhir_cda_first(c, v.items[i], "assignedAuthor/id[@root='" FSE_CDA_OID_CF "']");
        fhir_nodes x =
            fhir_cda_select(c, v.items[i], "assignedAuthor/id[@root='" FSE_CDA_OID_PIVA "']");
        if (role != NULL) {
            fhir_ref(c, comp, "author[]", role);
            fhir_ref_id(c, c->docref->res, "author[]", "Practitioner",
                        fhir_arena_printf(FA(c), "%s-%s", FSE_CDA_OID_CF,
                                          fhir_cda_attr(c, id, "extension")));
        }
        for (k = 0; k < x.n; k++) {
            piva_author(c, fhir_cda_first(c, v.items[i], "assignedAuthor"));
        }
        /* a software author: its id is a nullFlavor */
        x = fhir_cda_select(c, v.items[i],
                            "assignedAuthor[id/@nullFlavor]/assignedAuthoringDevice");
        for (k = 0; k < x.n; k++) {
            fhir_ref(c, comp, "author[]", fhir_rules_new(c, &fhir_party_device, x.items[k]));
        }
    }
    v = fhir_cda_select(c, c->cda, "dataEnterer");
    for (i = 0; i < v.n; i++) {
        fhir_entry *role = fhir_party_role(c, &role_data_enterer, v.items[i]);
        if (role != NULL) {
            fhir_ref(c, comp, "author[]", role);
        }
    }
}

static void informants(fhir_ctx *c)
{
    fhir_nodes v = fhir_cda_select(c, c->cda, "informant");
    size_t i;

    for (i = 0; i < v.n; i++) {
        fhir_entry *role = fhir_party_role(c, &role_informant, v.items[i]);
        if (role != NULL) {
            fhir_node *att = fhir_push(FA(c), c->composition->res, "attester");
            fhir_put_str(FA(c), att, "mode", "professional");
            fhir_ref(c, att, "party", role);
        }
    }
    for (i = 0; i < v.n; i++) {
        const xmlNode *rel = fhir_cda_first(c, v.items[i], "relatedEntity");
        fhir_entry *rp;
        fhir_nodes x;
        size_t k;
        fhir_node *att;
        if (rel == NULL) {
            continue;
        }
        rp = fhir_entry_post(c, "RelatedPerson");
        att = fhir_push(FA(c), c->composition->res, "attester");
        fhir_put_str(FA(c), att, "mode", "professional");
        fhir_ref(c, att, "party", rp);
        if (rp == NULL || fhir_cda_first(c, rel, "relatedPerson") == NULL) {
            continue;
        }
        x = fhir_cda_select(c, rel, "code");
        for (k = 0; k < x.n; k++) {
            fhir_conv_cc(c, fhir_push(FA(c), rp->res, "relationship"), x.items[k]);
        }
        x = fhir_cda_select(c, rel, "telecom");
        for (k = 0; k < x.n; k++) {
            fhir_conv_telecom(c, fhir_push(FA(c), rp->res, "telecom"), x.items[k]);
        }
        x = fhir_cda_select(c, rel, "addr");
        for (k = 0; k < x.n; k++) {
            fhir_conv_address(c, fhir_push(FA(c), rp->res, "address"), x.items[k]);
        }
        fhir_ref(c, rp->res, "patient", c->patient);
    }
}

static void custodian(fhir_ctx *c)
{
    const xmlNode *org =
        fhir_cda_first(c, c->cda, "custodian/assignedCustodian/representedCustodianOrganization");
    fhir_entry *e;

    if (org == NULL) {
        return;
    }
    e = fhir_party_org(c, org, TAG "custodian", FHIR_PARTY_NO_CHAIN);
    fhir_ref(c, c->docref->res, "custodian", e);
    fhir_ref(c, c->composition->res, "custodian", e);
}

static void recipients(fhir_ctx *c)
{
    fhir_nodes v = fhir_cda_select(c, c->cda, "informationRecipient/intendedRecipient");
    size_t i;

    for (i = 0; i < v.n; i++) {
        const xmlNode *person = fhir_cda_first(c, v.items[i], "informationRecipient");
        const xmlNode *org = fhir_cda_first(c, v.items[i], "receivedOrganization");
        if (person != NULL) {
            fhir_node *att = fhir_push(FA(c), c->composition->res, "attester");
            fhir_entry *p = fhir_party_practitioner(
                c, v.items[i], person, TAG "informationRecipient", FHIR_PARTY_ANY_ROOT);
            fhir_put_str(FA(c), att, "mode", "professional");
            if (fhir_cda_first(c, v.items[i], "id[@root][@extension]") != NULL) {
                fhir_ref(c, att, "party", p);
            }
        }
        if (org != NULL) {
            fhir_node *att = fhir_push(FA(c), c->composition->res, "attester");
            fhir_entry *o =
                fhir_party_org(c, org, TAG "informationRecipient/receivedOrganization", 0);
            fhir_put_str(FA(c), att, "mode", "official");
            if (fhir_cda_first(c, org, "id[@root][@extension]") != NULL) {
                fhir_ref(c, att, "party", o);
            }
        }
    }
}

static void authenticators(fhir_ctx *c)
{
    fhir_nodes v = fhir_cda_select(c, c->cda, "legalAuthenticator");
    size_t i;

    for (i = 0; i < v.n; i++) {
        fhir_entry *role = fhir_party_role(c, &role_legal, v.items[i]);
        if (role != NULL) {
            fhir_node *att = fhir_push(FA(c), c->composition->res, "attester");
            fhir_put_str(FA(c), att, "mode", "legal");
            fhir_put_str(FA(c), att, "time",
                         fhir_ts_datetime(c, fhir_cda_path_attr(c, v.items[i], "time", "value")));
            fhir_ref(c, att, "party", role);
        }
    }
    v = fhir_cda_select(c, c->cda, "authenticator");
    for (i = 0; i < v.n; i++) {
        fhir_node *att = fhir_push(FA(c), c->composition->res, "attester");
        fhir_entry *role = fhir_party_role(c, &role_authenticator, v.items[i]);
        fhir_put_str(FA(c), att, "mode", "professional");
        fhir_put_str(FA(c), att, "time",
                     fhir_ts_datetime(c, fhir_cda_path_attr(c, v.items[i], "time", "value")));
        fhir_ref(c, att, "party", role);
    }
}

/* Encounter.participant for a participation with a PractitionerRole. */
static void enc_participant(fhir_ctx *c, const fhir_party *p, const xmlNode *part)
{
    fhir_entry *role = fhir_party_role(c, p, part);
    fhir_node *ep;
    const char *type = fhir_cda_attr(c, part, "typeCode");

    if (role == NULL) {
        return;
    }
    ep = fhir_push(FA(c), c->encounter->res, "participant");
    if (type != NULL) {
        fhir_node *coding = fhir_push(FA(c), fhir_push(FA(c), ep, "type"), "coding");
        fhir_put_str(FA(c), coding, "system",
                     "http://terminology.hl7.org/CodeSystem/v3-ParticipationType");
        fhir_put_str(FA(c), coding, "code", type);
    }
    fhir_put_str(FA(c), fhir_obj(FA(c), ep, "period"), "start",
                 fhir_ts_datetime(c, fhir_cda_path_attr(c, part, "time", "value")));
    fhir_ref(c, ep, "individual", role);
}

static void participants(fhir_ctx *c)
{
    fhir_nodes v =
        fhir_cda_select(c, c->cda, "participant[@typeCode!='IND'] | participant[!@typeCode]");
    size_t i;

    for (i = 0; i < v.n; i++) {
        enc_participant(c, &role_participant, v.items[i]);
    }
    v = fhir_cda_select(c, c->cda,
                        "participant[@typeCode='IND'][associatedEntity/@classCode='PROV']");
    for (i = 0; i < v.n; i++) {
        enc_participant(c, &role_participant, v.items[i]);
    }
}

static void orders(fhir_ctx *c)
{
    fhir_nodes v = fhir_cda_select(c, c->cda, "inFulfillmentOf/order");
    size_t i;
    size_t k;

    for (i = 0; i < v.n; i++) {
        fhir_entry *sr = fhir_entry_post(c, "ServiceRequest");
        fhir_nodes x;
        if (sr == NULL) {
            return;
        }
        fhir_ref(c, c->encounter->res, "basedOn[]", sr);
        x = fhir_cda_select(c, v.items[i], "id");
        for (k = 0; k < x.n; k++) {
            fhir_conv_identifier(c, fhir_push(FA(c), sr->res, "identifier"), x.items[k]);
        }
        fhir_put_str(FA(c), sr->res, "status", "active");
        fhir_put_str(FA(c), sr->res, "intent", "order");
        x = fhir_cda_select(c, v.items[i], "code");
        for (k = 0; k < x.n; k++) {
            fhir_conv_cc(c, fhir_obj(FA(c), sr->res, "code"), x.items[k]);
        }
        fhir_put_str(FA(c), sr->res, "priority",
                     fhir_map_code(fhir_cm_priority,
                                   fhir_cda_path_attr(c, v.items[i], "priorityCode", "code")));
        fhir_ref(c, sr->res, "subject", c->patient);
        fhir_ref(c, sr->res, "encounter", c->encounter);
    }
}

/* Composition.event: the official rules leave start = TS(@value) (or none)
 * and end = high. */
static void service_events(fhir_ctx *c)
{
    fhir_nodes v = fhir_cda_select(c, c->cda, "documentationOf/serviceEvent");
    size_t i;
    size_t k;

    for (i = 0; i < v.n; i++) {
        fhir_node *ev = fhir_push(FA(c), c->composition->res, "event");
        const xmlNode *eff = fhir_cda_first(c, v.items[i], "effectiveTime");
        fhir_nodes x = fhir_cda_select(c, v.items[i], "code");
        for (k = 0; k < x.n; k++) {
            fhir_conv_cc(c, fhir_push(FA(c), ev, "code"), x.items[k]);
        }
        if (eff != NULL) {
            fhir_node *period = fhir_obj(FA(c), ev, "period");
            fhir_put_str(FA(c), period, "start",
                         fhir_ts_datetime(c, fhir_cda_attr(c, eff, "value")));
            fhir_put_str(FA(c), period, "end",
                         fhir_ts_datetime(c, fhir_cda_path_attr(c, eff, "high", "value")));
        }
        x = fhir_cda_select(c, v.items[i], "performer");
        for (k = 0; k < x.n; k++) {
            fhir_entry *role = fhir_party_role(c, &role_performer, x.items[k]);
            fhir_ref(c, ev, "detail[]", role);
        }
    }
}

static void location(fhir_ctx *c, const xmlNode *enc)
{
    fhir_nodes v = fhir_cda_select(c, enc, "location/healthCareFacility");
    size_t i;

    for (i = 0; i < v.n; i++) {
        const xmlNode *hcf = v.items[i];
        fhir_entry *loc = fhir_entry_candidate(
            c, "Location",
            fhir_tag_weight(TAG "componentOf/EncompassingEncounter/location/healthCareFacility"));
        fhir_nodes x = fhir_cda_select(c, hcf, "id");
        const xmlNode *spo = fhir_cda_first(c, hcf, "serviceProviderOrganization");
        fhir_node *el = fhir_push(FA(c), c->encounter->res, "location");
        size_t k;
        if (loc == NULL) {
            return;
        }
        for (k = 0; k < x.n; k++) {
            fhir_node *ident = fhir_push(FA(c), loc->res, "identifier");
            const char *root = fhir_cda_attr(c, x.items[k], "root");
            const char *ext = fhir_cda_attr(c, x.items[k], "extension");
            fhir_put_str(FA(c), ident, "system", root != NULL ? fhir_id_system(c, root) : NULL);
            fhir_put_str(FA(c), ident, "value", ext);
            if (fhir_cda_attr(c, x.items[k], "assigningAuthorityName") != NULL) {
                fhir_put_str(FA(c), fhir_obj(FA(c), ident, "assigner"), "display",
                             fhir_cda_attr(c, x.items[k], "assigningAuthorityName"));
            }
            if (ext != NULL) {
                loc->cond = c->opts->cond_url == FSE_FHIR_COND_SYSTEM_VALUE && root != NULL
                                ? fhir_arena_printf(FA(c), "%s|%s", fhir_id_system(c, root), ext)
                                : ext;
            }
            if (root != NULL && ext != NULL) {
                fhir_entry_set_id(c, loc, fhir_arena_printf(FA(c), "%s-%s", root, ext));
                fhir_ref(c, el, "location", loc);
            }
        }
        x = fhir_cda_select(c, hcf, "code");
        for (k = 0; k < x.n; k++) {
            fhir_conv_cc(c, fhir_push(FA(c), loc->res, "type"), x.items[k]);
        }
        if (c->opts->compat == FSE_FHIR_COMPAT_ENGINE_2023) {
            fhir_put_str(FA(c), loc->res, "name",
                         fhir_cda_text(c, fhir_cda_first(c, hcf, "location/name")));
        }
        x = fhir_cda_select(c, hcf, "location/addr");
        for (k = 0; k < x.n; k++) {
            fhir_conv_address(c, fhir_obj(FA(c), loc->res, "address"), x.items[k]);
        }
        if (spo != NULL) {
            fhir_entry *o =
                fhir_party_org(c, spo,
                               TAG "componentOf/EncompassingEncounter/location/healthCareFacility/"
                                   "serviceProviderOrganization",
                               0);
            if (fhir_cda_first(c, spo, "id[@root][@extension]") != NULL) {
                fhir_ref(c, loc->res, "managingOrganization", o);
            }
        }
        fhir_entry_commit(c, loc);
    }
}

/* ClinicalDocumentEncounter, from encompassingEncounter or (without a
 * componentOf) from the ClinicalDocument itself, as the official map does. */
static void encounter(fhir_ctx *c, const xmlNode *src)
{
    fhir_node *res = c->encounter->res;
    const xmlNode *code = fhir_cda_first(c, src, "code");
    const xmlNode *eff = fhir_cda_first(c, src, "effectiveTime");
    fhir_nodes v;
    size_t i;

    v = fhir_cda_select(c, src, "id");
    for (i = 0; i < v.n; i++) {
        fhir_conv_identifier(c, fhir_push(FA(c), res, "identifier"), v.items[i]);
    }
    fhir_put_str(FA(c), res, "status", "finished");
    if (code != NULL) {
        fhir_node *cl = fhir_obj(FA(c), res, "class");
        fhir_put_str(FA(c), cl, "system", fhir_oid_uri(c, fhir_cda_attr(c, code, "codeSystem")));
        fhir_put_str(FA(c), cl, "code", fhir_cda_attr(c, code, "code"));
        fhir_put_str(FA(c), cl, "display", fhir_cda_attr(c, code, "displayName"));
    } else {
        fhir_node *cl = fhir_obj(FA(c), res, "class");
        fhir_put_str(FA(c), cl, "system", "http://terminology.hl7.org/CodeSystem/v3-ActCode");
        fhir_put_str(FA(c), cl, "code", "AMB");
        fhir_put_str(FA(c), cl, "display", "ambulatory");
    }
    fhir_ref(c, res, "subject", c->patient);
    if (eff != NULL) {
        bool low = fhir_cda_first(c, eff, "low") != NULL;
        bool high = fhir_cda_first(c, eff, "high") != NULL;
        fhir_node *period = fhir_obj(FA(c), res, "period");
        if (low || high) {
            fhir_conv_period(c, period, eff);
        }
        if (!low || !high) {
            fhir_remove(period, "start");
            fhir_put_str(FA(c), period, "start",
                         fhir_ts_datetime(c, fhir_cda_attr(c, eff, "value")));
        }
    }
    v = fhir_cda_select(c, src, "dischargeDispositionCode");
    for (i = 0; i < v.n; i++) {
        fhir_conv_cc(
            c, fhir_obj(FA(c), fhir_obj(FA(c), res, "hospitalization"), "dischargeDisposition"),
            v.items[i]);
    }
    v = fhir_cda_select(c, src, "responsibleParty");
    for (i = 0; i < v.n; i++) {
        fhir_entry *role = fhir_party_role(c, &role_responsible, v.items[i]);
        fhir_ref(c, fhir_push(FA(c), res, "participant"), "individual", role);
    }
    v = fhir_cda_select(c, src, "encounterParticipant");
    for (i = 0; i < v.n; i++) {
        enc_participant(c, &role_enc_participant, v.items[i]);
    }
    location(c, src);
}

static void composition(fhir_ctx *c)
{
    fhir_node *res = c->composition->res;
    const xmlNode *cda = c->cda;
    const xmlNode *n;
    const char *version = fhir_cda_path_attr(c, cda, "versionNumber", "value");

    fhir_put_str(FA(c), res, "language", fhir_cda_path_attr(c, cda, "languageCode", "code"));
    if (version != NULL && strtol(version, NULL, 10) > 1) {
        fhir_node *ext = fhir_push(FA(c), res, "extension");
        fhir_put_str(FA(c), ext, "url",
                     "http://hl7.org/fhir/StructureDefinition/"
                     "composition-clinicaldocument-versionNumber");
        fhir_put_str(FA(c), ext, "valueString", version);
    }
    n = fhir_cda_first(c, cda, "setId");
    fhir_conv_identifier(c, fhir_obj(FA(c), res, "identifier"),
                         n != NULL ? n : fhir_cda_first(c, cda, "id"));
    fhir_put_str(FA(c), res, "status", "final");
    fhir_conv_cc(c, fhir_obj(FA(c), res, "type"), fhir_cda_first(c, cda, "code"));
    fhir_ref(c, res, "subject", c->patient);
    fhir_ref(c, res, "encounter", c->encounter);
    fhir_put_str(FA(c), res, "date",
                 fhir_ts_datetime(c, fhir_cda_path_attr(c, cda, "effectiveTime", "value")));
    n = fhir_cda_first(c, cda, "title");
    if (n != NULL) {
        /* the official map trims the title (FHIR strings have no edge spaces) */
        fhir_put_str(FA(c), res, "title", fhir_trim(c, fhir_cda_text(c, n)));
    } else {
        fhir_put_str(FA(c), res, "title", fhir_cda_path_attr(c, cda, "code", "displayName"));
    }
    fhir_put_str(FA(c), res, "confidentiality",
                 fhir_cda_path_attr(c, cda, "confidentialityCode", "code"));
}

void fhir_header_map(fhir_ctx *c)
{
    const xmlNode *role = fhir_cda_first(c, c->cda, "recordTarget/patientRole");
    fhir_node *content;

    composition(c);
    /* DocumentReference of the stateless transform (eds-fhir §2.3) */
    fhir_put_str(FA(c), c->docref->res, "status", "current");
    fhir_ref(c, c->docref->res, "subject", c->patient);
    content = fhir_push(FA(c), c->docref->res, "content");
    fhir_put_str(FA(c), fhir_obj(FA(c), content, "attachment"), "title", "string");
    fhir_ref(c, fhir_obj(FA(c), c->docref->res, "context"), "related[]", c->composition);
    if (role != NULL) {
        fhir_patient_map(c, role);
    }
    authors(c);
    informants(c);
    custodian(c);
    recipients(c);
    authenticators(c);
    participants(c);
    fhir_patient_participants(c);
    orders(c);
    service_events(c);
    if (fhir_cda_first(c, c->cda, "componentOf") == NULL) {
        encounter(c, c->cda);
    } else if (fhir_cda_first(c, c->cda, "componentOf/encompassingEncounter") != NULL) {
        encounter(c, fhir_cda_first(c, c->cda, "componentOf/encompassingEncounter"));
    }
}
