/*
 * lib/fhir/fhir_party.c - the shared entities of a Bundle built from the CDA
 * roles (author, legalAuthenticator, participant, performer, ...):
 * Practitioner, Organization (with its asOrganizationPartOf and
 * wholeOrganization chain), Location, and the PractitionerRole that links a
 * practitioner to the organization of one participation.
 *
 * Owns the FULLHEADER conventions for these (and the Device of an authoring
 * or participating device): ids "<root>-<extension>",
 * conditional PUT "Type?identifier=<extension>", identifiers with the
 * assigning authority, the scoring tag of each candidate and its dedup
 * (fhir_bundle.c), names only in the ENGINE_2023 compatibility mode.
 * Does not own where the references to them go (fhir_header.c and the maps).
 */
#include "fhir_int.h"

#include <string.h>

/* Whether names of people and organizations are written (fse/fhir.h). */
static bool with_names(const fhir_ctx *c)
{
    return c->opts->compat == FSE_FHIR_COMPAT_ENGINE_2023;
}

/* identifier[] of an entity from its II element, as the header writes it. */
static void header_identifier(fhir_ctx *c, fhir_node *res, const xmlNode *id)
{
    fhir_node *ident = fhir_push(FA(c), res, "identifier");
    const char *root = fhir_cda_attr(c, id, "root");
    const char *aan = fhir_cda_attr(c, id, "assigningAuthorityName");

    if (root != NULL) {
        fhir_put_str(FA(c), ident, "system", fhir_id_system(c, root));
    }
    fhir_put_str(FA(c), ident, "value", fhir_cda_attr(c, id, "extension"));
    if (aan != NULL) {
        fhir_put_str(FA(c), fhir_obj(FA(c), ident, "assigner"), "display", aan);
    }
}

/* "<root>-<extension>" of an II, or NULL. */
static const char *entity_id(fhir_ctx *c, const xmlNode *id)
{
    const char *root = fhir_cda_attr(c, id, "root");
    const char *ext = fhir_cda_attr(c, id, "extension");

    if (root == NULL || ext == NULL) {
        return NULL;
    }
    return fhir_arena_printf(FA(c), "%s-%s", root, ext);
}

/* The conditional-PUT identifier value (with its system when configured). */
static const char *cond_value(fhir_ctx *c, const xmlNode *id)
{
    const char *ext = fhir_cda_attr(c, id, "extension");
    const char *root = fhir_cda_attr(c, id, "root");

    if (ext == NULL) {
        return NULL;
    }
    if (c->opts->cond_url == FSE_FHIR_COND_SYSTEM_VALUE && root != NULL) {
        return fhir_arena_printf(FA(c), "%s|%s", fhir_id_system(c, root), ext);
    }
    return ext;
}

/* The scoring tag is dedup input only: the Gateway removes it before output. */
static void scoring_tag(fhir_entry *e, const char *tag)
{
    e->weight = fhir_tag_weight(tag);
}

static void contacts(fhir_ctx *c, fhir_node *res, const xmlNode *n)
{
    fhir_nodes v = fhir_cda_select(c, n, "addr");
    size_t i;

    for (i = 0; i < v.n; i++) {
        fhir_conv_address(c, fhir_push(FA(c), res, "address"), v.items[i]);
    }
    v = fhir_cda_select(c, n, "telecom");
    for (i = 0; i < v.n; i++) {
        fhir_conv_telecom(c, fhir_push(FA(c), res, "telecom"), v.items[i]);
    }
}

fhir_entry *fhir_party_practitioner(fhir_ctx *c, const xmlNode *entity, const xmlNode *person,
                                    const char *tag, unsigned flags)
{
    fhir_entry *e;
    fhir_nodes ids;
    size_t i;
    const char *birth;

    if (entity == NULL) {
        return NULL;
    }
    e = fhir_entry_candidate(c, "Practitioner", 0.0f);
    if (e == NULL) {
        return NULL;
    }
    scoring_tag(e, tag);
    ids = fhir_cda_select(c, entity, "id");
    for (i = 0; i < ids.n; i++) {
        const char *root = fhir_cda_attr(c, ids.items[i], "root");
        bool cf = root != NULL && strcmp(root, FSE_CDA_OID_CF) == 0;
        header_identifier(c, e->res, ids.items[i]);
        if ((cf || (flags & FHIR_PARTY_ANY_ROOT) != 0) && entity_id(c, ids.items[i]) != NULL) {
            fhir_entry_set_id(c, e, entity_id(c, ids.items[i]));
        }
        if ((cf || (flags & FHIR_PARTY_URL_CF_ONLY) == 0) && cond_value(c, ids.items[i]) != NULL) {
            e->cond = cond_value(c, ids.items[i]);
        }
    }
    contacts(c, e->res, entity);
    if (person != NULL) {
        if (with_names(c)) {
            fhir_nodes names = fhir_cda_select(c, person, "name");
            for (i = 0; i < names.n; i++) {
                fhir_conv_name(c, fhir_push(FA(c), e->res, "name"), names.items[i]);
            }
        }
        birth = fhir_cda_path_attr(c, person, "birthTime", "value");
        fhir_put_str(FA(c), e->res, "birthDate", fhir_ts_date(c, birth));
    }
    return fhir_entry_commit(c, e);
}

/* One organization of a chain; partOf levels follow (tag gets the suffix). */
fhir_entry *fhir_party_org(fhir_ctx *c, const xmlNode *org, const char *tag, unsigned flags)
{
    fhir_entry *e;
    fhir_nodes ids;
    size_t i;
    const xmlNode *part;

    if (org == NULL) {
        return NULL;
    }
    e = fhir_entry_candidate(c, "Organization", 0.0f);
    if (e == NULL) {
        return NULL;
    }
    scoring_tag(e, tag);
    ids = fhir_cda_select(c, org, "id");
    for (i = 0; i < ids.n; i++) {
        header_identifier(c, e->res, ids.items[i]);
        if (cond_value(c, ids.items[i]) != NULL) {
            e->cond = cond_value(c, ids.items[i]);
        }
        if (entity_id(c, ids.items[i]) != NULL) {
            fhir_entry_set_id(c, e, entity_id(c, ids.items[i]));
        }
    }
    if ((flags & FHIR_PARTY_PART_OF) != 0) {
        fhir_nodes code = fhir_cda_select(c, org, "code");
        for (i = 0; i < code.n; i++) {
            fhir_conv_cc(c, fhir_push(FA(c), e->res, "type"), code.items[i]);
        }
        if (fhir_cda_first(c, org, "statusCode[@code='active']") != NULL) {
            fhir_put_bool(FA(c), e->res, "active", true);
        }
    }
    if (with_names(c)) {
        fhir_nodes names = fhir_cda_select(c, org, "name");
        for (i = 0; i < names.n; i++) {
            fhir_put_str(FA(c), e->res, "name", fhir_cda_text(c, names.items[i]));
        }
    }
    contacts(c, e->res, org);
    part = fhir_cda_first(
        c, org, (flags & FHIR_PARTY_PART_OF) != 0 ? "wholeOrganization" : "asOrganizationPartOf");
    if (part != NULL && (flags & FHIR_PARTY_NO_CHAIN) == 0) {
        const char *sub =
            (flags & FHIR_PARTY_PART_OF) != 0 ? "/wholeOrganization" : "/asOrganizationPartOf";
        fhir_entry *p = fhir_party_org(
            c, part, fhir_arena_printf(FA(c), "%s%s", tag, sub),
            FHIR_PARTY_PART_OF | ((flags & FHIR_PARTY_PART_OF) != 0 ? FHIR_PARTY_NO_CHAIN : 0));
        if (p != NULL && fhir_get(fhir_get(e->res, "partOf"), "reference") == NULL) {
            fhir_ref(c, e->res, "partOf", p);
        }
    }
    return fhir_entry_commit(c, e);
}

fhir_entry *fhir_party_role(fhir_ctx *c, const fhir_party *p, const xmlNode *participation)
{
    const xmlNode *entity = fhir_cda_first(c, participation, p->entity);
    const xmlNode *person;
    const xmlNode *org;
    fhir_entry *role;
    fhir_entry *pract;
    fhir_nodes codes;
    size_t i;

    if (entity == NULL) {
        return NULL;
    }
    if ((p->flags & FHIR_PARTY_NEED_CF) != 0 &&
        fhir_cda_first(c, entity, "id[@root='" FSE_CDA_OID_CF "']") == NULL) {
        return NULL;
    }
    role = fhir_entry_post(c, "PractitionerRole");
    person = p->person != NULL ? fhir_cda_first(c, entity, p->person) : NULL;
    pract = fhir_party_practitioner(c, entity, person, p->tag, p->flags);
    if (pract != NULL && role != NULL &&
        ((p->flags & FHIR_PARTY_ANY_ROOT) != 0 ||
         fhir_cda_first(c, entity, "id[@root='" FSE_CDA_OID_CF "'][@extension]") != NULL)) {
        fhir_ref(c, role->res, "practitioner", pract);
    }
    if (p->role_code != NULL) {
        codes = fhir_cda_select(c, participation, p->role_code);
        for (i = 0; i < codes.n && role != NULL; i++) {
            fhir_conv_cc(c, fhir_push(FA(c), role->res, "code"), codes.items[i]);
        }
    }
    org = p->org != NULL ? fhir_cda_first(c, entity, p->org) : NULL;
    if (org != NULL) {
        fhir_entry *o = fhir_party_org(c, org, p->org_tag, 0);
        if (o != NULL && role != NULL && fhir_cda_first(c, org, "id[@root][@extension]") != NULL) {
            fhir_ref(c, role->res, "organization", o);
        }
    }
    return role;
}

static const fhir_rule device_name_rules[] = {
    {NULL, "type", FHIR_OP_CONST, "other", NULL},
    {NULL, "name", FHIR_OP_ATTR, "displayName", NULL},
};
static const fhir_rules device_name = FHIR_RULES(device_name_rules);

static const fhir_rule device_rules[] = {
    {"code", "type", FHIR_OP_CC, NULL, NULL},
    {"manufacturerModelName", "manufacturer", FHIR_OP_ATTR, "displayName", NULL},
    {"softwareName", "deviceName[]", FHIR_OP_NEST, &device_name, NULL},
};
const fhir_res_desc fhir_party_device = {"Device", FHIR_RULES(device_rules)};
