/*
 * lib/cda/cda_doctype.c - the document-type descriptor table, the XDS
 * classCode names and the Gateway's static LOINC -> classCode map.
 *
 * Owns the single table every module uses to route a CDA (templateId root,
 * as in fixtures/validation/MANIFEST.md), name its schematron directory,
 * check its LOINC code and pick its tipoDocumentoLivAlto. Does not own the
 * schematron files or their loading (lib/schematron) nor the FHIR maps.
 */
#include "fse/cda.h"

#include <string.h>

#define TPL "2.16.840.1.113883.2.9.10.1."

/*
 * One row per type. template_root: MANIFEST routing table (catalogs
 * mongo-dump schematron.json); loinc: the code each current schematron
 * asserts on ClinicalDocument/code; xds_class: gateway-api §6.1;
 * fhir_mapping: eds-fhir §2.2 (maps exist for these templateIds).
 */
static const fse_cda_doc_desc doc_table[FSE_CDA_DOC_COUNT] = {
    {FSE_CDA_DOC_UNKNOWN, "", "Documento sconosciuto", "", {NULL}, FSE_CDA_CLASS_NONE, false},
    {FSE_CDA_DOC_LAB,
     "LAB",
     "Referto di Laboratorio",
     TPL "1",
     {"11502-2"},
     FSE_CDA_CLASS_REF,
     true},
    {FSE_CDA_DOC_RAD,
     "RAD",
     "Referto di Radiologia",
     TPL "7.1",
     {"68604-8"},
     FSE_CDA_CLASS_REF,
     true},
    {FSE_CDA_DOC_RAP,
     "RAP",
     "Referto di Anatomia Patologica",
     TPL "8.1",
     {"11526-1"},
     FSE_CDA_CLASS_REF,
     true},
    {FSE_CDA_DOC_RSA,
     "RSA",
     "Referto di Specialistica Ambulatoriale",
     TPL "9.1",
     {"11488-4"},
     FSE_CDA_CLASS_REF,
     true},
    {FSE_CDA_DOC_LDO,
     "LDO",
     "Lettera di Dimissione Ospedaliera",
     TPL "5",
     {"34105-7"},
     FSE_CDA_CLASS_LDO,
     true},
    {FSE_CDA_DOC_VPS,
     "VPS",
     "Verbale di Pronto Soccorso",
     TPL "6.1",
     {"59258-4"},
     FSE_CDA_CLASS_VRB,
     true},
    {FSE_CDA_DOC_PSS,
     "PSS",
     "Profilo Sanitario Sintetico",
     TPL "4.1.1",
     {"60591-5"},
     FSE_CDA_CLASS_SUM,
     true},
    {FSE_CDA_DOC_SING_VACC,
     "SING_VACC",
     "Scheda della Singola Vaccinazione",
     TPL "11.1.1",
     {"87273-9"},
     FSE_CDA_CLASS_VAC,
     true},
    {FSE_CDA_DOC_CERT_VACC,
     "CERT_VACC",
     "Certificato Vaccinale",
     TPL "11.1.2",
     {"82593-5"},
     FSE_CDA_CLASS_VAC,
     true},
    {FSE_CDA_DOC_PRF,
     "PrF",
     "Prescrizione Farmaceutica",
     TPL "2.1",
     {"57833-6"},
     FSE_CDA_CLASS_PRS,
     true},
    {FSE_CDA_DOC_PRF_NOSSN,
     "PrF_NoSSN",
     "Prescrizione Farmaceutica non a carico del SSN",
     TPL "3.1",
     {"57833-6"},
     FSE_CDA_CLASS_PRS,
     false},
    {FSE_CDA_DOC_PRS,
     "PrS",
     "Prescrizione Specialistica",
     TPL "2.2",
     {"57832-8"},
     FSE_CDA_CLASS_PRS,
     true},
    {FSE_CDA_DOC_ERF,
     "ErF",
     "Erogazione Farmaceutica",
     TPL "13.1.1",
     {"60593-1"},
     FSE_CDA_CLASS_PRE,
     false},
    {FSE_CDA_DOC_ERF_NOSSN,
     "ErF_NoSSN",
     "Erogazione Farmaceutica non a carico del SSN",
     TPL "13.2.1",
     {"60593-1"},
     FSE_CDA_CLASS_PRE,
     false},
    {FSE_CDA_DOC_ERS,
     "ErS",
     "Erogazione Specialistica",
     TPL "13.1.2",
     {"81223-0"},
     FSE_CDA_CLASS_PRE,
     false},
    {FSE_CDA_DOC_CC, "CC", "Cartella Clinica", TPL "18.1", {"100971-1"}, FSE_CDA_CLASS_COL, false},
    {FSE_CDA_DOC_TPI,
     "TPI",
     "Tessera Portatore di Impianto",
     TPL "17.1",
     {"101881-1"},
     FSE_CDA_CLASS_SUM,
     false},
    {FSE_CDA_DOC_LETTERA_SCREENING,
     "Lettera_Screening",
     "Lettera di Invito allo Screening",
     TPL "14.1",
     {"108276-7"},
     FSE_CDA_CLASS_LET,
     false},
    {FSE_CDA_DOC_LETTERA_VACC,
     "Lettera_VACC",
     "Lettera di Invito alla Vaccinazione",
     TPL "15.1",
     {"111490-9"},
     FSE_CDA_CLASS_LET,
     false},
    {FSE_CDA_DOC_TELEVISITA,
     "Televisita",
     "Referto di Televisita",
     TPL "16.1.1",
     {"75496-0"},
     FSE_CDA_CLASS_REF,
     false},
    {FSE_CDA_DOC_TELEASSISTENZA,
     "Teleassistenza",
     "Relazione Finale di Teleassistenza",
     TPL "16.4.1",
     {"75496-0"},
     FSE_CDA_CLASS_REF,
     false},
    {FSE_CDA_DOC_TELECONSULTO,
     "Teleconsulto",
     "Relazione di Teleconsulto",
     TPL "16.2.1",
     {"85208-7"},
     FSE_CDA_CLASS_REF,
     false},
};

static const char *const class_names[FSE_CDA_CLASS_COUNT] = {
    "",    "WOR", "REF", "LDO", "RIC", "SUM", "TAC", "PRS", "PRE", "ESE",
    "PDC", "VAC", "CER", "VRB", "CON", "CNT", "CRT", "LET", "PRO", "COL",
};

/* The static LOINC -> classCode map of gateway-api §6.1 (spec §15.4.1). */
static const struct {
    const char *loinc;
    fse_cda_class cls;
} class_map[] = {
    {"11502-2", FSE_CDA_CLASS_REF},  {"68604-8", FSE_CDA_CLASS_REF},
    {"11526-1", FSE_CDA_CLASS_REF},  {"11488-4", FSE_CDA_CLASS_REF},
    {"75496-0", FSE_CDA_CLASS_REF},  {"85208-7", FSE_CDA_CLASS_REF},
    {"34105-7", FSE_CDA_CLASS_LDO},  {"18842-5", FSE_CDA_CLASS_LDO},
    {"59258-4", FSE_CDA_CLASS_VRB},  {"60591-5", FSE_CDA_CLASS_SUM},
    {"55750-4", FSE_CDA_CLASS_SUM},  {"101881-1", FSE_CDA_CLASS_SUM},
    {"87273-9", FSE_CDA_CLASS_VAC},  {"82593-5", FSE_CDA_CLASS_VAC},
    {"97500-3", FSE_CDA_CLASS_CER},  {"97499-8", FSE_CDA_CLASS_CER},
    {"57833-6", FSE_CDA_CLASS_PRS},  {"57829-4", FSE_CDA_CLASS_PRS},
    {"57832-8", FSE_CDA_CLASS_PRS},  {"29304-3", FSE_CDA_CLASS_PRE},
    {"81223-0", FSE_CDA_CLASS_PRE},  {"103144-2", FSE_CDA_CLASS_PRE},
    {"103145-9", FSE_CDA_CLASS_PRE}, {"103146-7", FSE_CDA_CLASS_PRE},
    {"103147-5", FSE_CDA_CLASS_PRE}, {"57827-8", FSE_CDA_CLASS_ESE},
    {"18776-5", FSE_CDA_CLASS_PDC},  {"59284-0", FSE_CDA_CLASS_CON},
    {"101133-7", FSE_CDA_CLASS_CON}, {"68814-3", FSE_CDA_CLASS_CNT},
    {"104531-9", FSE_CDA_CLASS_CRT}, {"103140-0", FSE_CDA_CLASS_TAC},
    {"53576-5", FSE_CDA_CLASS_TAC},  {"101136-0", FSE_CDA_CLASS_LET},
    {"108276-7", FSE_CDA_CLASS_LET}, {"101134-5", FSE_CDA_CLASS_PRO},
    {"100971-1", FSE_CDA_CLASS_COL},
};

const fse_cda_doc_desc *fse_cda_doc_desc_get(fse_doc_type type)
{
    if ((int)type < 0 || type >= FSE_CDA_DOC_COUNT) {
        return &doc_table[FSE_CDA_DOC_UNKNOWN];
    }
    return &doc_table[type];
}

fse_doc_type fse_cda_doc_by_template(const char *template_root)
{
    size_t i;

    if (template_root == NULL) {
        return FSE_CDA_DOC_UNKNOWN;
    }
    for (i = 1; i < FSE_CDA_DOC_COUNT; i++) {
        if (strcmp(doc_table[i].template_root, template_root) == 0) {
            return doc_table[i].type;
        }
    }
    return FSE_CDA_DOC_UNKNOWN;
}

fse_doc_type fse_cda_doc_by_name(const char *name)
{
    size_t i;

    if (name == NULL) {
        return FSE_CDA_DOC_UNKNOWN;
    }
    for (i = 1; i < FSE_CDA_DOC_COUNT; i++) {
        if (strcmp(doc_table[i].name, name) == 0) {
            return doc_table[i].type;
        }
    }
    return FSE_CDA_DOC_UNKNOWN;
}

fse_doc_type fse_cda_doc_by_loinc(const char *loinc)
{
    size_t i;
    size_t j;

    if (loinc == NULL) {
        return FSE_CDA_DOC_UNKNOWN;
    }
    for (i = 1; i < FSE_CDA_DOC_COUNT; i++) {
        for (j = 0; j < FSE_CDA_MAX_DOC_LOINC && doc_table[i].loinc[j] != NULL; j++) {
            if (strcmp(doc_table[i].loinc[j], loinc) == 0) {
                return doc_table[i].type;
            }
        }
    }
    return FSE_CDA_DOC_UNKNOWN;
}

const char *fse_cda_class_name(fse_cda_class cls)
{
    if ((int)cls < 0 || cls >= FSE_CDA_CLASS_COUNT) {
        return "";
    }
    return class_names[cls];
}

fse_cda_class fse_cda_class_parse(const char *name)
{
    size_t i;

    if (name == NULL) {
        return FSE_CDA_CLASS_NONE;
    }
    for (i = 1; i < FSE_CDA_CLASS_COUNT; i++) {
        if (strcmp(class_names[i], name) == 0) {
            return (fse_cda_class)i;
        }
    }
    return FSE_CDA_CLASS_NONE;
}

fse_cda_class fse_cda_class_for_loinc(const char *loinc)
{
    size_t i;

    if (loinc == NULL) {
        return FSE_CDA_CLASS_NONE;
    }
    for (i = 0; i < sizeof(class_map) / sizeof(class_map[0]); i++) {
        if (strcmp(class_map[i].loinc, loinc) == 0) {
            return class_map[i].cls;
        }
    }
    return FSE_CDA_CLASS_NONE;
}
