/*
 * lib/fhir/fhir_map_common.c - body tables shared by several document types
 * (fhir_map_common.h): status maps, observation values, body practitioners,
 * clinical status, allergies, medications, prescriptions and dosages, as the
 * official LDO, PSS, RSA and VPS maps write them.
 *
 * Owns these shared tables. Does not own the per-type section dispatch.
 */
#include "fhir_map_common.h"

#include <string.h>

const fhir_code_map fhir_obs_status[] = {{"completed", "final"},
                                         {"active", "registered"},
                                         {"aborted", "cancelled"},
                                         {"suspended", "partial"},
                                         {NULL, NULL}};

const fhir_code_map fhir_procedure_status[] = {
    {"completed", "completed"}, {"active", "in-progress"},
    {"aborted", "stopped"},     {"suspended", "on-hold"},
    {"cancelled", "not-done"},  {"held", "on-hold"},
    {"new", "preparation"},     {"obsolete", "entered-in-error"},
    {"nullified", "unknown"},   {NULL, NULL}};

const fhir_value_kind fhir_obs_values[] = {{"INT", "Integer", FHIR_OP_NUM},
                                           {"BL", "Boolean", FHIR_OP_CONST},
                                           {"CD", "CodeableConcept", FHIR_OP_CC},
                                           {"CE", "CodeableConcept", FHIR_OP_CC},
                                           {"PQ", "Quantity", FHIR_OP_QTY},
                                           {"ST", "String", FHIR_OP_TEXT},
                                           {NULL, NULL, FHIR_OP_CONST}};

void fhir_body_practitioner(fhir_ctx *c, const xmlNode *entity, fhir_node *tgt, const fhir_rule *r)
{
    fhir_entry *p = fhir_party_practitioner(c, entity, NULL, r->arg, FHIR_PARTY_ANY_ROOT);
    const char *key;
    fhir_node *obj;

    if (p == NULL || fhir_cda_first(c, entity, "id[@root][@extension]") == NULL) {
        return;
    }
    obj = fhir_rules_dst(c, tgt, r->dst, &key);
    fhir_ref(c, obj, key, p);
}

/* clinicalStatus with or without the text of the status observation. */
static void clinical_status(fhir_ctx *c, const xmlNode *obs, fhir_node *tgt, const fhir_rule *r,
                            bool with_text)
{
    const char *key = NULL;
    fhir_node *parent = fhir_rules_dst(c, tgt, r->dst, &key);
    fhir_node *cc = fhir_obj(FA(c), parent, key);
    const xmlNode *v = fhir_cda_first(c, obs, "value");
    const char *code = fhir_cda_attr(c, v, "code");
    fhir_node *coding = fhir_node_new(FA(c), FHIR_NODE_OBJECT, NULL);

    if (code != NULL && strcmp(code, "LA9041-0") == 0) {
        fhir_put_str(FA(c), coding, "code", "resolved");
    } else if (code != NULL && strcmp(code, "LA16666-2") == 0) {
        fhir_put_str(FA(c), coding, "code", "active");
    } else if (code != NULL && strcmp(code, "LA18632-2") == 0) {
        fhir_put_str(FA(c), coding, "code", "inactive");
    }
    if (fhir_cda_attr(c, v, "codeSystem") != NULL) {
        fhir_put_str(FA(c), coding, "system", r->arg);
    }
    fhir_put_str(FA(c), coding, "display", fhir_cda_attr(c, v, "displayName"));
    if (!fhir_empty(coding)) {
        fhir_append(fhir_arr(FA(c), cc, "coding"), coding);
    }
    if (with_text) {
        fhir_put_str(FA(c), cc, "text", fhir_cda_path_attr(c, obs, "text/reference", "value"));
    }
}

void fhir_clinical_status(fhir_ctx *c, const xmlNode *obs, fhir_node *tgt, const fhir_rule *r)
{
    clinical_status(c, obs, tgt, r, true);
}

/* The allergy maps write no text. */
void fhir_allergy_status(fhir_ctx *c, const xmlNode *obs, fhir_node *tgt, const fhir_rule *r)
{
    clinical_status(c, obs, tgt, r, false);
}

void fhir_choice_period(fhir_ctx *c, const xmlNode *ivl, fhir_node *tgt, const fhir_rule *r)
{
    const char *key = NULL;
    fhir_node *obj = fhir_rules_dst(c, tgt, r->dst, &key);

    fhir_remove(obj, fhir_arena_printf(FA(c), "%sDateTime", key));
    fhir_conv_period(c, fhir_obj(FA(c), obj, fhir_arena_printf(FA(c), "%sPeriod", key)), ivl);
}

void fhir_set_datetime(fhir_ctx *c, const xmlNode *ts, fhir_node *tgt, const fhir_rule *r)
{
    const char *key = NULL;
    fhir_node *obj = fhir_rules_dst(c, tgt, r->dst, &key);
    const char *v = fhir_cda_attr(c, ts, "value");

    if (v == NULL) {
        fhir_remove(obj, key);
    } else {
        fhir_put_str(FA(c), obj, key, fhir_ts_datetime(c, v));
    }
}

void fhir_body_role(fhir_ctx *c, const xmlNode *entity, fhir_node *tgt, const fhir_rule *r)
{
    fhir_entry *role = fhir_entry_post(c, "PractitionerRole");
    fhir_nodes codes = fhir_cda_select(c, entity, "code");
    fhir_entry *p;
    const char *key = NULL;
    fhir_node *obj;
    size_t i;

    if (role == NULL) {
        return;
    }
    for (i = 0; i < codes.n; i++) {
        fhir_conv_cc(c, fhir_push(FA(c), role->res, "code"), codes.items[i]);
    }
    p = fhir_party_practitioner(c, entity, fhir_cda_first(c, entity, "assignedPerson"), r->arg,
                                FHIR_PARTY_ANY_ROOT);
    if (p != NULL && fhir_cda_first(c, entity, "id[@root][@extension]") != NULL) {
        fhir_ref(c, role->res, "practitioner", p);
    }
    obj = fhir_rules_dst(c, tgt, r->dst, &key);
    fhir_ref(c, obj, key, role);
}

void fhir_body_location(fhir_ctx *c, const xmlNode *role, fhir_node *tgt, const fhir_rule *r)
{
    fhir_entry *loc = fhir_entry_candidate(c, "Location", fhir_tag_weight(r->arg));
    fhir_nodes ids = fhir_cda_select(c, role, "id");
    fhir_nodes codes = fhir_cda_select(c, role, "code");
    const char *key = NULL;
    fhir_node *obj;
    size_t i;

    if (loc == NULL) {
        return;
    }
    for (i = 0; i < ids.n; i++) {
        const char *root = fhir_cda_attr(c, ids.items[i], "root");
        const char *ext = fhir_cda_attr(c, ids.items[i], "extension");
        fhir_conv_identifier(c, fhir_push(FA(c), loc->res, "identifier"), ids.items[i]);
        if (ext != NULL) {
            loc->cond = c->opts->cond_url == FSE_FHIR_COND_SYSTEM_VALUE && root != NULL
                            ? fhir_arena_printf(FA(c), "%s|%s", fhir_id_system(c, root), ext)
                            : ext;
        }
        if (root != NULL && ext != NULL) {
            fhir_entry_set_id(c, loc, fhir_arena_printf(FA(c), "%s-%s", root, ext));
            obj = fhir_rules_dst(c, tgt, r->dst, &key);
            fhir_ref(c, obj, key, loc);
        }
    }
    for (i = 0; i < codes.n; i++) {
        fhir_conv_cc(c, fhir_push(FA(c), loc->res, "type"), codes.items[i]);
    }
    fhir_entry_commit(c, loc);
}

void fhir_body_party_role(fhir_ctx *c, const xmlNode *participation, fhir_node *tgt,
                          const fhir_rule *r)
{
    fhir_entry *role = fhir_party_role(c, r->arg, participation);
    const char *key = NULL;
    fhir_node *obj;

    if (role != NULL) {
        obj = fhir_rules_dst(c, tgt, r->dst, &key);
        fhir_ref(c, obj, key, role);
    }
}

static const fhir_rule participant_type_rules[] = {
    {NULL, "type[].coding[].code", FHIR_OP_ATTR, "typeCode", NULL},
    {NULL, "type.coding.system", FHIR_OP_CONST,
     "http://terminology.hl7.org/CodeSystem/v3-ParticipationType", NULL},
};
const fhir_rules fhir_participant_type = FHIR_RULES(participant_type_rules);

static const fhir_rule age_rules[] = {
    {NULL, "value", FHIR_OP_NUM, "value", NULL},
    {NULL, "unit", FHIR_OP_ATTR, "unit", NULL},
    {NULL, "system", FHIR_OP_CONST, "http://unitsofmeasure.org", NULL},
    {NULL, "code", FHIR_OP_ATTR, "unit", NULL},
};
const fhir_rules fhir_age = FHIR_RULES(age_rules);

static const fhir_rule range_rules[] = {
    {"low", "low.value", FHIR_OP_NUM, "value", NULL},
    {"low", "low.unit", FHIR_OP_ATTR, "unit", NULL},
    {"high", "high.value", FHIR_OP_NUM, "value", NULL},
    {"high", "high.unit", FHIR_OP_ATTR, "unit", NULL},
};
const fhir_rules fhir_range = FHIR_RULES(range_rules);

static const fhir_rule period_ratio_rules[] = {
    {NULL, "numerator.value", FHIR_OP_NUM, "value", NULL},
    {NULL, "numerator.unit", FHIR_OP_ATTR, "unit", NULL},
    {NULL, "denominator.value", FHIR_OP_NUM_CONST, "1", NULL},
    {NULL, "denominator.unit", FHIR_OP_ATTR, "unit", NULL},
};
const fhir_rules fhir_period_ratio = FHIR_RULES(period_ratio_rules);

/* Medication ------------------------------------------------------------- */

#define MATERIAL "consumable/manufacturedProduct/manufacturedMaterial"

static const fhir_rule strength_rules[] = {
    {"../../" MATERIAL "/code", "itemCodeableConcept", FHIR_OP_CC, NULL, NULL},
    {"value", "strength.numerator.value", FHIR_OP_NUM, "value", NULL},
    {"value", "strength.denominator.value", FHIR_OP_NUM_CONST, "1", NULL},
};
static const fhir_rules strength = FHIR_RULES(strength_rules);

static const fhir_rule amount_rules[] = {
    {NULL, "numerator.value", FHIR_OP_NUM, "value", NULL},
    {NULL, "denominator.value", FHIR_OP_NUM_CONST, "1", NULL},
};
static const fhir_rules amount = FHIR_RULES(amount_rules);

static const fhir_rule medication_amounts_rules[] = {
    {"entryRelationship/observation[code/@displayName='Grammatura']", "ingredient[]", FHIR_OP_NEST,
     &strength, NULL},
    {"entryRelationship/observation[code/@displayName='Quantità nella Confezione']/value", "amount",
     FHIR_OP_NEST, &amount, NULL},
};
const fhir_rules fhir_medication_amounts = FHIR_RULES(medication_amounts_rules);

static const fhir_rule medication_rules[] = {
    {"administrationUnitCode", "form", FHIR_OP_CC, NULL, NULL},
    {MATERIAL "/code", "code", FHIR_OP_CC, NULL, NULL},
    {NULL, NULL, FHIR_OP_NEST, &fhir_medication_amounts, NULL},
};
const fhir_res_desc fhir_medication = {"Medication", FHIR_RULES(medication_rules)};

/* Allergy ---------------------------------------------------------------- */

const fhir_code_map fhir_allergy_type[] = {{"OINT", "intolerance"},
                                           {"ALG", "allergy"},
                                           {"DALG", "allergy"},
                                           {"EALG", "allergy"},
                                           {"FALG", "allergy"},
                                           {"NAINT", "intolerance"},
                                           {"FNAINT", "intolerance"},
                                           {"DNAINT", "intolerance"},
                                           {"ENAINT", "intolerance"},
                                           {"FINT", "intolerance"},
                                           {"DINT", "intolerance"},
                                           {"EINT", "intolerance"},
                                           {NULL, NULL}};

const fhir_code_map fhir_allergy_criticality[] = {
    {"M", "low"}, {"H", "high"}, {"L", "low"}, {NULL, NULL}};

/* AllergyCategoryMap as the deployed map has it (its typos included:
 * "enviroment", FNAINT -> intolerance), used where the official outputs show it. */
const fhir_code_map fhir_allergy_category_as_map[] = {
    {"DALG", "medication"},   {"EALG", "enviroment"},
    {"FALG", "food"},         {"FNAINT", "intolerance"},
    {"DNAINT", "medication"}, {"ENAINT", "enviroment"},
    {"FINT", "food"},         {"DINT", "medication"},
    {"EINT", "enviroment"},   {NULL, NULL}};

static const fhir_code_map allergy_category[] = {
    {"DALG", "medication"},   {"EALG", "environment"},
    {"FALG", "food"},         {"FNAINT", "food"},
    {"DNAINT", "medication"}, {"ENAINT", "environment"},
    {"FINT", "food"},         {"DINT", "medication"},
    {"EINT", "environment"},  {NULL, NULL}};

static const fhir_code_map criticality[] = {
    {"M", "unable-to-assess"}, {"L", "low"}, {"H", "high"}, {NULL, NULL}};

#define ALLERGY_OBS "act/entryRelationship/observation"

static const fhir_rule reaction_rules[] = {
    {"participant/participantRole/playingEntity/code", "substance", FHIR_OP_CC, NULL, NULL},
    {"entryRelationship[@typeCode='MFST']/observation/value", "manifestation[]", FHIR_OP_CC, NULL,
     NULL},
    {"entryRelationship[@typeCode='MFST']/observation/effectiveTime/low", "onset", FHIR_OP_DATETIME,
     NULL, NULL},
};
static const fhir_rules reaction = FHIR_RULES(reaction_rules);

static const fhir_rule allergy_rules[] = {
    {ALLERGY_OBS "/entryRelationship/observation[code/@code='33999-4']", "clinicalStatus",
     FHIR_OP_FN, "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical",
     fhir_allergy_status},
    {ALLERGY_OBS "/statusCode[@code='completed']", "verificationStatus.coding[].system",
     FHIR_OP_CONST, "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification", NULL},
    {ALLERGY_OBS "/statusCode[@code='completed']", "verificationStatus.coding.code", FHIR_OP_CONST,
     "confirmed", NULL},
    {ALLERGY_OBS "/value", "type", FHIR_OP_MAP, fhir_allergy_type, NULL},
    {ALLERGY_OBS "/value", "category[]", FHIR_OP_MAP, allergy_category, NULL},
    {ALLERGY_OBS "/entryRelationship/observation[code/@code='SEV']/value", "criticality",
     FHIR_OP_MAP, criticality, NULL},
    {NULL, "patient", FHIR_OP_REF, "Patient", NULL},
    {NULL, "encounter", FHIR_OP_REF, "Encounter", NULL},
    {"act/effectiveTime", "onsetPeriod", FHIR_OP_PERIOD, NULL, NULL},
    {ALLERGY_OBS "/entryRelationship/act/text/reference", "note[].text", FHIR_OP_ATTR, "value",
     NULL},
    {ALLERGY_OBS "[participant/participantRole/playingEntity]", "reaction[]", FHIR_OP_NEST,
     &reaction, NULL},
};
const fhir_res_desc fhir_allergy = {"AllergyIntolerance", FHIR_RULES(allergy_rules)};

static const fhir_rule allergy_narrative_rules[] = {
    {NULL, "patient", FHIR_OP_REF, "Patient", NULL},
    {NULL, "encounter", FHIR_OP_REF, "Encounter", NULL},
    {NULL, "clinicalStatus.text", FHIR_OP_CONST, "string", NULL},
    {NULL, "clinicalStatus.coding[].code", FHIR_OP_CONST, "active", NULL},
    {NULL, "clinicalStatus.coding.system", FHIR_OP_CONST,
     "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical", NULL},
    {"code", "code", FHIR_OP_CC, NULL, NULL},
    {"text", "note[].text", FHIR_OP_NARRATIVE, NULL, NULL},
};
const fhir_res_desc fhir_allergy_narrative = {"AllergyIntolerance",
                                              FHIR_RULES(allergy_narrative_rules)};

/* Prescriptions ---------------------------------------------------------- */

static const fhir_rule period_timing_rules[] = {
    {"period", "repeat.period", FHIR_OP_NUM, "value", NULL},
    {"period", "repeat.periodUnit", FHIR_OP_ATTR, "unit", NULL},
};
static const fhir_rules period_timing = FHIR_RULES(period_timing_rules);

#define SA "substanceAdministration"

static const fhir_rule prescription_rules[] = {
    {NULL, "subject", FHIR_OP_REF, "Patient", NULL},
    {NULL, "encounter", FHIR_OP_REF, "Encounter", NULL},
    {NULL, "status", FHIR_OP_CONST, "active", NULL},
    {NULL, "intent", FHIR_OP_CONST, "order", NULL},
    {SA "[consumable/manufacturedProduct]", "medicationReference", FHIR_OP_NEW, &fhir_medication,
     NULL},
    {SA "/entryRelationship/supply/quantity", "dispenseRequest.quantity.value", FHIR_OP_NUM,
     "value", NULL},
    {SA "/text/reference", "note[].text", FHIR_OP_ATTR, "value", NULL},
    {SA "/statusCode", "status", FHIR_OP_CODE, NULL, NULL},
    {SA "/effectiveTime[@xsi:type='IVL_TS']", "dosageInstruction[].timing.repeat.boundsPeriod",
     FHIR_OP_PERIOD, NULL, NULL},
    {SA "/effectiveTime[@xsi:type='EIVL_TS']/event", "dosageInstruction[].timing.repeat.when[]",
     FHIR_OP_CODE, NULL, NULL},
    {SA "/effectiveTime[@xsi:type='PIVL_TS']", "dosageInstruction[].timing", FHIR_OP_NEST,
     &period_timing, NULL},
    {SA "/routeCode", "dosageInstruction[].route", FHIR_OP_CC, NULL, NULL},
    {SA "/approachSiteCode", "dosageInstruction[].site", FHIR_OP_CC, NULL, NULL},
    {SA "/doseQuantity/originalText/reference", "dosageInstruction[].text", FHIR_OP_ATTR, "value",
     NULL},
    {SA "/doseQuantity", "dosageInstruction[].doseAndRate[].doseRange", FHIR_OP_NEST, &fhir_range,
     NULL},
    {SA "/rateQuantity", "dosageInstruction[].doseAndRate[].rateRange", FHIR_OP_NEST, &fhir_range,
     NULL},
    {SA "/participant/time", "authoredOn", FHIR_OP_DATETIME, NULL, NULL},
    {SA "/participant/participantRole", "requester", FHIR_OP_FN,
     "ClinicalDocument/body/TerapiaFarmacologicaRicovero/participant", fhir_body_practitioner},
};
const fhir_res_desc fhir_prescription = {"MedicationRequest", FHIR_RULES(prescription_rules)};

static const fhir_rule prescription_narrative_rules[] = {
    {NULL, "subject", FHIR_OP_REF, "Patient", NULL},
    {NULL, "encounter", FHIR_OP_REF, "Encounter", NULL},
    {NULL, "status", FHIR_OP_CONST, "active", NULL},
    {NULL, "intent", FHIR_OP_CONST, "order", NULL},
    {"text", "medicationCodeableConcept.text", FHIR_OP_CONST, "string", NULL},
    {"text", "note[].text", FHIR_OP_NARRATIVE, NULL, NULL},
};
const fhir_res_desc fhir_prescription_narrative = {"MedicationRequest",
                                                   FHIR_RULES(prescription_narrative_rules)};

static const fhir_rule administration_narrative_rules[] = {
    {NULL, "subject", FHIR_OP_REF, "Patient", NULL},
    {NULL, "context", FHIR_OP_REF, "Encounter", NULL},
    {"text", "medicationCodeableConcept.text", FHIR_OP_CONST, "string", NULL},
    {NULL, "status", FHIR_OP_CONST, "completed", NULL},
    {"text", "note[].text", FHIR_OP_NARRATIVE, NULL, NULL},
};
const fhir_res_desc fhir_administration_narrative = {"MedicationAdministration",
                                                     FHIR_RULES(administration_narrative_rules)};
