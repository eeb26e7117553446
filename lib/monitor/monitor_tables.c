/*
 * lib/monitor/monitor_tables.c - the data the indicators are defined by:
 * the 16 monitored document types with their LOINC codes, the regions,
 * the indicators' ids and labels, and the roles of a citizen's access and
 * of a specialist.
 *
 * Owns these tables only; the computation is monitor_compute.c's.
 */
#include "monitor_int.h"

#include <string.h>

/*
 * The 16 document types of the "document availability" indicator
 * (domain-rules §7.2: "document types available in the regional FSE ÷ the
 * 16 types monitored (the DM23 list)"). No official list was found; this
 * one is rebuilt from the contents of the FSE in DM 7/9/2023 art.3 c.1
 * (domain-rules §1.1), taking every letter b-m that is a published
 * document (k, the taccuino, is written by the patient; a, the
 * administrative data, is not a document type), split where the Gateway
 * has distinct document types for one letter, with the typeCodes of
 * GW §15.3.3 (domain-rules §1.2). Never reordered: a bit of
 * fse_monitor_cell.types_available is an index in this table.
 */
static const fse_monitor_doc_type doc_types[FSE_MONITOR_N_DOC_TYPES] = {
    {"LAB", "Referto di laboratorio", "b", {"11502-2", NULL}},
    {"RAD", "Referto di radiologia", "b", {"68604-8", NULL}},
    {"RAP", "Referto di anatomia patologica", "b", {"11526-1", NULL}},
    /* Referto specialistico, televisita and teleconsulto reports. */
    {"RSA", "Referto specialistico", "b", {"11488-4", "75496-0", "85208-7", NULL}},
    {"VPS", "Verbale di pronto soccorso", "c", {"59258-4", NULL}},
    /* Lettere di dimissione: ospedaliera and non ospedaliera. */
    {"LDO", "Lettera di dimissione", "d", {"34105-7", "18842-5", NULL}},
    {"PSS", "Profilo sanitario sintetico", "e", {"60591-5", NULL}},
    {"PRF", "Prescrizione farmaceutica", "f", {"57833-6", NULL}},
    {"PRS", "Prescrizione specialistica", "f", {"57832-8", NULL}},
    {"CCL", "Cartella clinica", "g", {"100971-1", NULL}},
    {"EFA", "Erogazione farmaceutica", "h", {"29304-3", NULL}},
    {"SING_VACC", "Scheda della singola vaccinazione", "i", {"87273-9", NULL}},
    {"CERT_VACC", "Certificato vaccinale", "i", {"82593-5", NULL}},
    {"ESP", "Erogazione di prestazioni specialistiche", "j", {"81223-0", NULL}},
    {"TPI", "Tessera portatore di impianto", "l", {"101881-1", NULL}},
    {"INV", "Lettera di invito a screening", "m", {"108276-7", NULL}},
};

const fse_monitor_doc_type *fse_monitor_doc_types(size_t *n_out)
{
    if (n_out != NULL) {
        *n_out = FSE_MONITOR_N_DOC_TYPES;
    }
    return doc_types;
}

int fse_monitor_doc_type_of(const char *loinc)
{
    size_t i;
    size_t j;

    if (loinc == NULL) {
        return -1;
    }
    for (i = 0; i < FSE_MONITOR_N_DOC_TYPES; i++) {
        for (j = 0; doc_types[i].loinc[j] != NULL; j++) {
            if (strcmp(doc_types[i].loinc[j], loinc) == 0) {
                return (int)i;
            }
        }
    }
    return -1;
}

/* Region codes of the FSE (codice regione, 3 digits; the two autonomous
 * provinces have their own). */
static const struct {
    const char *code;
    const char *name;
} regions[] = {
    {"010", "Piemonte"},
    {"020", "Valle d'Aosta"},
    {"030", "Lombardia"},
    {"041", "P.A. Bolzano"},
    {"042", "P.A. Trento"},
    {"050", "Veneto"},
    {"060", "Friuli-Venezia Giulia"},
    {"070", "Liguria"},
    {"080", "Emilia-Romagna"},
    {"090", "Toscana"},
    {"100", "Umbria"},
    {"110", "Marche"},
    {"120", "Lazio"},
    {"130", "Abruzzo"},
    {"140", "Molise"},
    {"150", "Campania"},
    {"160", "Puglia"},
    {"170", "Basilicata"},
    {"180", "Calabria"},
    {"190", "Sicilia"},
    {"200", "Sardegna"},
};

const char *fse_monitor_region_name(const char *code)
{
    size_t i;

    if (code == NULL) {
        return NULL;
    }
    if (strcmp(code, FSE_MONITOR_NATIONAL) == 0) {
        return "Italia";
    }
    for (i = 0; i < sizeof(regions) / sizeof(regions[0]); i++) {
        if (strcmp(regions[i].code, code) == 0) {
            return regions[i].name;
        }
    }
    return NULL;
}

static const struct {
    const char *id;
    const char *label;
} indicators[FSE_MONITOR_N_INDICATORS] = {
    [FSE_MONITOR_CONSENT] = {"consenso", "Cittadini con consenso alla consultazione"},
    [FSE_MONITOR_USAGE] = {"utilizzo", "Cittadini che hanno consultato il FSE negli ultimi 90 "
                                       "giorni"},
    [FSE_MONITOR_GP] = {"mmg_pls", "Medici di base e pediatri che hanno operato nel trimestre"},
    [FSE_MONITOR_SPECIALISTS] = {"specialisti", "Medici specialisti abilitati che hanno operato "
                                                "nel trimestre"},
    [FSE_MONITOR_DOC_TYPES] = {"tipologie", "Tipologie di documento disponibili (su 16)"},
};

const char *fse_monitor_indicator_id(fse_monitor_indicator i)
{
    return (unsigned)i < FSE_MONITOR_N_INDICATORS ? indicators[i].id : NULL;
}

const char *fse_monitor_indicator_label(fse_monitor_indicator i)
{
    return (unsigned)i < FSE_MONITOR_N_INDICATORS ? indicators[i].label : NULL;
}

/* A citizen consulting the FSE: the patient, a guardian, a parent or a
 * delegate (domain-rules §4.1 ASS/TUT/GEN/ING) with purpose PERSONAL. */
const char *const fse_monitor__citizen_roles[] = {"ASS", "TUT", "GEN", "ING"};
const size_t fse_monitor__n_citizen_roles =
    sizeof(fse_monitor__citizen_roles) / sizeof(fse_monitor__citizen_roles[0]);

/* Specialists: the doctors of ASL and hospitals (domain-rules §4.1: AAS
 * alta specializzazione, DRS dirigente sanitario, MRP rete di patologia,
 * RSA medico RSA); GPs (APR) have their own indicator. */
const char *const fse_monitor__specialist_roles[] = {"AAS", "DRS", "MRP", "RSA"};
const size_t fse_monitor__n_specialist_roles =
    sizeof(fse_monitor__specialist_roles) / sizeof(fse_monitor__specialist_roles[0]);
