/*
 * lib/fhir/fhir_map_vacc.c - the sections of the Scheda della Singola
 * Vaccinazione (templateId …10.1.11.1.1, LOINC 87273-9) and of the
 * Certificato Vaccinale (…10.1.11.1.2, 82593-5), as the official
 * Vaccinazioni map (v2.0) builds them: each substanceAdministration of a
 * vaccination (…11.4.1) or of an exemption/omission (…11.4.2) becomes an
 * Immunization with its product, manufacturer, place (Location), protocol
 * (target disease, dose number), expiry and reason observations.
 *
 * Owns the vaccination tables. Does not own the header (fhir_header.c).
 */
#include "fhir_map_common.h"

#include <string.h>

#define TPL_VACC "2.16.840.1.113883.2.9.10.1.11.4.1"
#define TPL_EXEMPT "2.16.840.1.113883.2.9.10.1.11.4.2"
#define ER_OBS "entryRelationship/observation"

static const fhir_code_map imm_status[] = {{"completed", "completed"},
                                           {"aborted", "final"},
                                           {"suspended", "enterer-in-error"},
                                           {"cancelled", "not-done"},
                                           {NULL, NULL}};

static const fhir_code_map obs_status[] = {{"completed", "final"},
                                           {"active", "registered"},
                                           {"aborted", "cancelled"},
                                           {"suspended", "partial"},
                                           {NULL, NULL}};

/* Observation group: risk category as referenceRange.appliesTo. */
static const fhir_rule risk_rules[] = {
    {"code", "code", FHIR_OP_CC, NULL, NULL},
    {"statusCode", "status", FHIR_OP_MAP, obs_status, NULL},
    {NULL, "subject", FHIR_OP_REF, "Patient", NULL},
    {NULL, "encounter", FHIR_OP_REF, "Encounter", NULL},
    {"value", "referenceRange[].appliesTo[]", FHIR_OP_CC, NULL, NULL},
    {NULL, "referenceRange.text", FHIR_OP_CONST, "string", NULL},
};
static const fhir_res_desc risk = {"Observation", FHIR_RULES(risk_rules)};

/* Observation1 group: value as one coding plus its original text; the
 * effective Period rule runs last and empties a plain time (official map). */
static void obs1_value(fhir_ctx *c, const xmlNode *v, fhir_node *obs, const fhir_rule *r)
{
    fhir_node *cc = fhir_obj(FA(c), obs, "valueCodeableConcept");
    fhir_node *coding = fhir_node_new(FA(c), FHIR_NODE_OBJECT, NULL);

    (void)r;
    fhir_put_str(FA(c), coding, "system", fhir_oid_uri(c, fhir_cda_attr(c, v, "codeSystem")));
    fhir_put_str(FA(c), coding, "code", fhir_cda_attr(c, v, "code"));
    fhir_put_str(FA(c), coding, "display", fhir_cda_attr(c, v, "displayName"));
    if (!fhir_empty(coding)) {
        fhir_append(fhir_arr(FA(c), cc, "coding"), coding);
    }
    fhir_put_str(FA(c), cc, "text", fhir_cda_path_attr(c, v, "originalText/reference", "value"));
}

static const fhir_rule indication_rules[] = {
    {"code", "code", FHIR_OP_CC, NULL, NULL},
    {"statusCode", "status", FHIR_OP_MAP, obs_status, NULL},
    {NULL, "subject", FHIR_OP_REF, "Patient", NULL},
    {NULL, "encounter", FHIR_OP_REF, "Encounter", NULL},
    {"effectiveTime", "effectivePeriod", FHIR_OP_PERIOD, NULL, NULL},
    {"value", NULL, FHIR_OP_FN, NULL, obs1_value},
};
static const fhir_res_desc indication = {"Observation", FHIR_RULES(indication_rules)};

/* The shared entities of an administration: manufacturer and place. */
void fhir_vacc_manufacturer(fhir_ctx *c, const xmlNode *org, fhir_node *imm, const fhir_rule *r)
{
    fhir_entry *e = fhir_party_org(c, org, "ClinicalDocument/body/manufacturerOrganization",
                                   FHIR_PARTY_NO_CHAIN);

    if (r->arg == NULL && e != NULL && fhir_cda_first(c, org, "id[@root][@extension]") != NULL) {
        fhir_ref(c, imm, "manufacturer", e);
    }
}

void fhir_vacc_place(fhir_ctx *c, const xmlNode *part, fhir_node *imm, const fhir_rule *r)
{
    fhir_entry *loc =
        fhir_entry_candidate(c, "Location", fhir_tag_weight("ClinicalDocument/body/participant"));
    fhir_nodes ids = fhir_cda_select(c, part, "participantRole/id");
    size_t i;

    (void)r;
    if (loc == NULL) {
        return;
    }
    for (i = 0; i < ids.n; i++) {
        fhir_conv_identifier(c, fhir_push(FA(c), loc->res, "identifier"), ids.items[i]);
        if (fhir_cda_attr(c, ids.items[i], "extension") != NULL) {
            loc->cond = fhir_cda_attr(c, ids.items[i], "extension");
        }
        if (fhir_cda_attr(c, ids.items[i], "root") != NULL &&
            fhir_cda_attr(c, ids.items[i], "extension") != NULL) {
            fhir_entry_set_id(c, loc,
                              fhir_arena_printf(FA(c), "%s-%s",
                                                fhir_cda_attr(c, ids.items[i], "root"),
                                                fhir_cda_attr(c, ids.items[i], "extension")));
            fhir_ref(c, imm, "location", loc);
        }
    }
    fhir_entry_commit(c, loc);
}

static const fhir_rule protocol_rules[] = {
    {ER_OBS "[code/@code='75323-6']/value", "targetDisease[]", FHIR_OP_CC, NULL, NULL},
    {ER_OBS "[code/@code='30973-2']/value", "doseNumberString", FHIR_OP_ATTR, "value", NULL},
};
static const fhir_rules protocol = FHIR_RULES(protocol_rules);

static const fhir_rule dose_rules[] = {
    {NULL, "value", FHIR_OP_NUM, "value", NULL},
    {NULL, "unit", FHIR_OP_ATTR, "unit", NULL},
};
static const fhir_rules dose = FHIR_RULES(dose_rules);

#define MATERIAL "consumable/manufacturedProduct/manufacturedMaterial"

/* A vaccination (…11.4.1). */
static const fhir_rule vaccination_rules[] = {
    {NULL, "patient", FHIR_OP_REF, "Patient", NULL},
    {"statusCode", "status", FHIR_OP_MAP, imm_status, NULL},
    {"effectiveTime[@value]", "occurrenceDateTime", FHIR_OP_DATETIME, NULL, NULL},
    {"effectiveTime[low]", "occurrencePeriod", FHIR_OP_PERIOD, NULL, NULL},
    {"routeCode", "route", FHIR_OP_CC, NULL, NULL},
    {"approachSiteCode", "site", FHIR_OP_CC, NULL, NULL},
    {"doseQuantity", "doseQuantity", FHIR_OP_NEST, &dose, NULL},
    {MATERIAL "/code", "vaccineCode", FHIR_OP_CC, NULL, NULL},
    {MATERIAL "/lotNumberText", "lotNumber", FHIR_OP_TEXT, NULL, NULL},
    {"consumable/manufacturedProduct/manufacturerOrganization", NULL, FHIR_OP_FN, NULL,
     fhir_vacc_manufacturer},
    {"participant", NULL, FHIR_OP_FN, NULL, fhir_vacc_place},
    {NULL, "protocolApplied[]", FHIR_OP_NEST, &protocol, NULL},
    {ER_OBS "[code/@code='59778-1']/value/high | " ER_OBS
            "[code/@code='30981-5']/value/high | " ER_OBS
            "[code/@code='30980-7']/value/high | " ER_OBS "[code/@code='59777-3']/value/high",
     "expirationDate", FHIR_OP_DATE, NULL, NULL},
    {ER_OBS "[code/@code='95715-9']", "reasonReference[]", FHIR_OP_NEW, &risk, NULL},
    {ER_OBS "[code/@code='59785-6']", "reasonReference[]", FHIR_OP_NEW, &indication, NULL},
    {ER_OBS "[code/@code='31044-1']", "reasonReference[]", FHIR_OP_NEW, &indication, NULL},
};
static const fhir_res_desc vaccination = {"Immunization", FHIR_RULES(vaccination_rules)};

/* An exemption, omission or deferral (…11.4.2). The official map writes the
 * manufacturer Organization without identifier or reference. */
static const fhir_rule exemption_rules[] = {
    {NULL, "patient", FHIR_OP_REF, "Patient", NULL},
    {"statusCode", "status", FHIR_OP_MAP, imm_status, NULL},
    {"effectiveTime[@value]", "occurrenceDateTime", FHIR_OP_DATETIME, NULL, NULL},
    {"effectiveTime[low]", "occurrencePeriod", FHIR_OP_PERIOD, NULL, NULL},
    {MATERIAL "/code", "vaccineCode", FHIR_OP_CC, NULL, NULL},
    {MATERIAL "/lotNumberText", "lotNumber", FHIR_OP_TEXT, NULL, NULL},
    {NULL, "protocolApplied[]", FHIR_OP_NEST, &protocol, NULL},
    {ER_OBS "[code/@code='85714-4']/code", "statusReason", FHIR_OP_CC, NULL, NULL},
    {ER_OBS "[code/@code='59784-9']/value/originalText/reference", "statusReason.text",
     FHIR_OP_ATTR, "value", NULL},
    {"participant", NULL, FHIR_OP_FN, NULL, fhir_vacc_place},
};
static const fhir_res_desc exemption = {"Immunization", FHIR_RULES(exemption_rules)};

static const fhir_rule admin_rules[] = {
    {".[templateId/@root='" TPL_VACC "']", "entry[]", FHIR_OP_NEW, &vaccination, NULL},
    {".[templateId/@root='" TPL_EXEMPT "']", "entry[]", FHIR_OP_NEW, &exemption, NULL},
};
static const fhir_rules admin = FHIR_RULES(admin_rules);

static const fhir_rule section_rules[] = {
    {NULL, NULL, FHIR_OP_NEST, &fhir_section_common, NULL},
    {"entry/substanceAdministration", NULL, FHIR_OP_NEST, &admin, NULL},
};

const fhir_doc_map fhir_map_sing_vacc = {FSE_CDA_DOC_SING_VACC, FHIR_RULES(section_rules), NULL};
const fhir_doc_map fhir_map_cert_vacc = {FSE_CDA_DOC_CERT_VACC, FHIR_RULES(section_rules), NULL};
