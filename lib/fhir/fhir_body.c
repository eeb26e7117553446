/*
 * lib/fhir/fhir_body.c - the structured body: one Composition.section per
 * top-level CDA section, filled by the section rules of the document type,
 * and the registry of the per-type maps.
 *
 * Owns the walk over structuredBody and the rules every type shares for a
 * section (title, code, narrative). Does not own the per-type entries
 * (fhir_map_*.c).
 */
#include "fhir_int.h"

#include <stddef.h>

/* Section title, code and narrative (the official ClinicalDocumentSection). */
static const fhir_rule section_common_rules[] = {
    {"title", "title", FHIR_OP_TEXT, NULL, NULL},
    {"code", "code", FHIR_OP_CC, NULL, NULL},
    {"text", "text.status", FHIR_OP_CONST, "generated", NULL},
    {"text", "text.div", FHIR_OP_NARRATIVE, NULL, NULL},
};
const fhir_rules fhir_section_common = FHIR_RULES(section_common_rules);

extern const fhir_doc_map fhir_map_lab;
extern const fhir_doc_map fhir_map_sing_vacc;
extern const fhir_doc_map fhir_map_cert_vacc;
extern const fhir_doc_map fhir_map_ldo;
extern const fhir_doc_map fhir_map_rad;
extern const fhir_doc_map fhir_map_rsa;
extern const fhir_doc_map fhir_map_pss;
extern const fhir_doc_map fhir_map_vps;
extern const fhir_doc_map fhir_map_rap;

static const fhir_doc_map *const maps[] = {
    &fhir_map_lab, &fhir_map_sing_vacc, &fhir_map_cert_vacc, &fhir_map_ldo, &fhir_map_rad,
    &fhir_map_rsa, &fhir_map_pss,       &fhir_map_vps,       &fhir_map_rap,
};

const fhir_doc_map *fhir_doc_map_get(fse_doc_type type)
{
    size_t i;

    for (i = 0; i < sizeof(maps) / sizeof(maps[0]); i++) {
        if (maps[i]->type == type) {
            return maps[i];
        }
    }
    return NULL;
}

void fhir_body_map(fhir_ctx *c, const fhir_doc_map *map)
{
    fhir_nodes secs = fhir_cda_select(c, c->cda, "component/structuredBody/component/section");
    size_t i;

    for (i = 0; i < secs.n && c->arena.err == FSE_OK; i++) {
        fhir_node *sec = fhir_push(FA(c), c->composition->res, "section");
        fhir_rules_apply(c, &map->section, secs.items[i], sec);
    }
}
