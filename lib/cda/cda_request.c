/*
 * lib/cda/cda_request.c - the requestBody field rules of the Gateway
 * (gateway-api §2, DISP AbstractCTL.checkPublicationMandatoryElements).
 *
 * Owns one table row per field (JSON name, where it sits in
 * fse_cda_request_metadata, allowed values, operations that require it, the
 * Gateway's Italian message), the identifier formats, the region code list,
 * the practice-setting ranges, the descriptions OID list and the event code
 * rules. Findings come in DISP order, so the first one is the error the
 * Gateway answers with. Does not own JSON decoding (the caller fills the
 * struct) nor the LOINC/classCode coherence (cda_check.c).
 */
#include "cda_int.h"

#include <stddef.h>
#include <string.h>
#include <strings.h>

/* Operation bits for the mandatory mask. */
#define OP_VAL (1u << FSE_CDA_OP_VALIDATION)
#define OP_CRE (1u << FSE_CDA_OP_CREATE)
#define OP_REP (1u << FSE_CDA_OP_REPLACE)
#define OP_MET (1u << FSE_CDA_OP_UPDATE_METADATA)

/* Longest identifiers (gateway-api §1, §2). */
#define MAX_ID_DOC 256
#define MAX_ID_REP 100
#define MAX_ID_SUB 100
#define MAX_WII 256
#define MAX_ATTI 100

static const char *const activity_values[] = {"VALIDATION", "VERIFICA", NULL};
static const char *const format_values[] = {"CDA", NULL};
static const char *const mode_values[] = {"ATTACHMENT", "RESOURCE", NULL};
static const char *const struttura_values[] = {
    "Ospedale", "Prevenzione", "Territorio", "SistemaTS", "Cittadino", "MdsPN_DGC", NULL};
static const char *const class_values[] = {"WOR", "REF", "LDO", "RIC", "SUM", "TAC", "PRS",
                                           "PRE", "ESE", "PDC", "VAC", "CER", "VRB", "CON",
                                           "CNT", "CRT", "LET", "PRO", "COL", NULL};
static const char *const attivita_values[] = {"PHR", "CON",    "DIS", "ERP", "Sistema_TS",
                                              "INI", "PN_DGC", "OBS", NULL};
static const char *const admin_values[] = {"SSN",   "INPATIENT", "NOSSN", "SSR",
                                           "DONOR", "AUTO",      NULL};

/* Region codes of the organisation tables (§2), three digits. */
static const char *const region_codes[] = {"010", "020", "030", "041", "042", "050", "060",
                                           "070", "080", "090", "100", "110", "120", "130",
                                           "140", "150", "160", "170", "180", "190", "200",
                                           "000", "970", "001", "999", "950", NULL};

/* AD_PSC### practice setting codes (§2): inclusive ranges, 89 codes. */
static const struct {
    unsigned lo, hi;
} psc_ranges[] = {
    {1, 15},   {18, 21},   {24, 43},   {46, 52},   {54, 58},   {60, 62},   {64, 78},   {94, 94},
    {96, 104}, {107, 107}, {109, 109}, {121, 122}, {126, 126}, {129, 131}, {199, 199}, {999, 999},
};

/* Event codes outside the ATC and SNOMED vaccine families (§6.3, DISP
 * EventCodeEnum; P00 is in the spec table only). */
static const char *const event_codes[] = {
    "P99",     "P00", "P97",       "P98",        "LP418019-8", "LP417541-2", "96118-5",
    "94503-0", "pay", "PUBLICPOL", "LP267463-0", "LP199190-2", "90768-3",    NULL};

/* One scalar field of the request body. */
typedef struct field_rule {
    const char *name;            /* JSON name */
    size_t offset;               /* const char * member of fse_cda_request_metadata */
    const char *const *values;   /* allowed values, or NULL for free text */
    unsigned mandatory;          /* OP_* bits of the operations requiring it */
    const char *missing_message; /* DISP detail when absent */
} field_rule;

#define FIELD(m) offsetof(fse_cda_request_metadata, m)

/* DISP order: identificativoDoc, identificativoRep, tipoDocumentoLivAlto,
 * assettoOrganizzativo, tipoAttivitaClinica, identificativoSottomissione,
 * tipologiaStruttura. identificativoDoc comes from the path on replace. */
static const field_rule field_rules[] = {
    {"activity", FIELD(activity), activity_values, OP_VAL,
     "Il campo activity deve essere valorizzato."},
    {"identificativoDoc", FIELD(identificativo_doc), NULL, OP_CRE,
     "Il campo identificativo documento deve essere valorizzato."},
    {"identificativoRep", FIELD(identificativo_rep), NULL, OP_CRE | OP_REP,
     "Il campo identificativo rep deve essere valorizzato."},
    {"tipoDocumentoLivAlto", FIELD(tipo_documento_liv_alto), class_values, OP_CRE | OP_REP | OP_MET,
     "Il campo tipo documento liv alto deve essere valorizzato."},
    {"assettoOrganizzativo", FIELD(assetto_organizzativo), NULL, OP_CRE | OP_REP | OP_MET,
     "Il campo assetto organizzativo deve essere valorizzato."},
    {"tipoAttivitaClinica", FIELD(tipo_attivita_clinica), attivita_values, OP_CRE | OP_REP | OP_MET,
     "Il campo tipo attivita clinica deve essere valorizzato."},
    {"identificativoSottomissione", FIELD(identificativo_sottomissione), NULL,
     OP_CRE | OP_REP | OP_MET, "Il campo identificativo sottomissione deve essere valorizzato."},
    {"tipologiaStruttura", FIELD(tipologia_struttura), struttura_values, OP_CRE | OP_REP | OP_MET,
     "Il campo tipologia struttura deve essere valorizzato."},
    {"healthDataFormat", FIELD(health_data_format), format_values, 0, NULL},
    {"mode", FIELD(mode), mode_values, 0, NULL},
};

static const char *field_value(const fse_cda_request_metadata *req, const field_rule *rule)
{
    const char *const *slot = (const char *const *)((const char *)req + rule->offset);

    return *slot;
}

static bool in_list(const char *const *list, const char *value)
{
    size_t i;

    for (i = 0; list[i] != NULL; i++) {
        if (strcmp(list[i], value) == 0) {
            return true;
        }
    }
    return false;
}

static bool all_digits(const char *s, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return false;
        }
    }
    return len > 0;
}

static bool psc_valid(const char *s)
{
    unsigned n;
    size_t i;

    if (strncmp(s, "AD_PSC", 6) != 0 || strlen(s) != 9 || !all_digits(s + 6, 3)) {
        return false;
    }
    n = (unsigned)((s[6] - '0') * 100 + (s[7] - '0') * 10 + (s[8] - '0'));
    for (i = 0; i < sizeof(psc_ranges) / sizeof(psc_ranges[0]); i++) {
        if (n >= psc_ranges[i].lo && n <= psc_ranges[i].hi) {
            return true;
        }
    }
    return false;
}

/* A region code as written inside an OID (leading zeros dropped), n chars. */
static bool region_valid(const char *s, size_t n)
{
    char code[4] = "000";

    if (n == 0 || n > 3 || !all_digits(s, n)) {
        return false;
    }
    memcpy(code + 3 - n, s, n);
    return in_list(region_codes, code);
}

/* 2.16.840.1.113883.2.9.2.<region>.<suffix><anything> (DISP
 * REPOSITORY_UNIQUE_ID_REGEX, the same shape for the submission set). */
static bool regional_oid_valid(const char *s, const char *suffix)
{
    static const char prefix[] = "2.16.840.1.113883.2.9.2.";
    const char *region = s + sizeof(prefix) - 1;
    size_t n;

    if (strncmp(s, prefix, sizeof(prefix) - 1) != 0) {
        return false;
    }
    n = strspn(region, "0123456789");
    return region_valid(region, n) && strncmp(region + n, suffix, strlen(suffix)) == 0;
}

/* DISP CdaUtility.isValidMasterId, with the '^' the spec makes mandatory. */
static bool master_id_valid(const char *s)
{
    const char *caret = strchr(s, '^');

    return caret != NULL && caret != s && caret[1] != '\0' && strchr(caret + 1, '^') == NULL;
}

/* yyyyMMddHHmmss with calendar ranges (DISP parses with SimpleDateFormat). */
static bool date_valid(const char *s)
{
    static const unsigned lo[] = {1, 1, 0, 0, 0};
    static const unsigned hi[] = {12, 31, 23, 59, 59};
    size_t i;

    if (strlen(s) != 14 || !all_digits(s, 14)) {
        return false;
    }
    for (i = 0; i < 5; i++) {
        unsigned v = (unsigned)((s[4 + 2 * i] - '0') * 10 + (s[5 + 2 * i] - '0'));

        if (v < lo[i] || v > hi[i]) {
            return false;
        }
    }
    return true;
}

/* ATC vaccine codes J07 + group letters (+ 2 digits), SNOMED product ids,
 * or one of event_codes; case-insensitive like EventCodeEnum.fromValue. */
static bool event_code_valid(const char *code)
{
    size_t len = strlen(code);
    size_t i;

    for (i = 0; event_codes[i] != NULL; i++) {
        if (strcasecmp(event_codes[i], code) == 0) {
            return true;
        }
    }
    if ((len == 5 || len == 7) && strncasecmp(code, "J07", 3) == 0 &&
        strchr("ABCXabcx", code[3]) != NULL && code[3] != '\0' &&
        ((code[4] >= 'A' && code[4] <= 'Z') || (code[4] >= 'a' && code[4] <= 'z'))) {
        return len == 5 || all_digits(code + 5, 2);
    }
    return len >= 6 && len <= 18 && all_digits(code, len);
}

/* CODE^Description^OID with an OID of DISP DescriptionEnum. */
static const char *description_problem(const char *d)
{
    static const char *const oids[] = {"2.16.840.1.113883.2.9.6.1.5",
                                       "2.16.840.1.113883.2.9.6.1.51", "2.16.840.1.113883.6.73",
                                       "2.16.840.1.113883.2.9.6.1.11", NULL};
    const char *c1 = strchr(d, '^');
    const char *c2 = c1 != NULL ? strchr(c1 + 1, '^') : NULL;
    const char *oid;

    if (c1 == NULL || c2 == NULL || strchr(c2 + 1, '^') != NULL || c1 == d || c2[1] == '\0') {
        return "Valorizzare correttamente il campo descriptions rispettando la forma: "
               "[CODICE]^[Descrizione]^[OID]";
    }
    oid = c2 + 1;
    if (in_list(oids, oid)) {
        return NULL;
    }
    if (regional_oid_valid(oid, ".6.1.11") && strlen(strstr(oid + 24, ".6.1.11")) == 7) {
        return NULL;
    }
    return "Valorizzare correttamente il campo descriptions rispettando i valori di "
           "riferimento per gli OID";
}

static fse_err check_fields(fse_cda_findings *out, const fse_cda_request_metadata *req,
                            unsigned op_bit)
{
    fse_err rc = FSE_OK;
    size_t i;

    for (i = 0; i < sizeof(field_rules) / sizeof(field_rules[0]) && rc == FSE_OK; i++) {
        const field_rule *r = &field_rules[i];
        const char *v = field_value(req, r);

        if (v == NULL || v[0] == '\0') {
            if ((r->mandatory & op_bit) != 0) {
                rc = fse_cda__add(out, FSE_CDA_RULE_MISSING_FIELD, "%s", r->missing_message);
            }
        } else if (r->values != NULL && !in_list(r->values, v)) {
            rc = fse_cda__add(out, FSE_CDA_RULE_BAD_VALUE, "Il campo %s non ammette il valore %s",
                              r->name, v);
        }
    }
    return rc;
}

static fse_err check_formats(fse_cda_findings *out, const fse_cda_request_metadata *req)
{
    fse_err rc = FSE_OK;
    const char *v;

    v = req->identificativo_doc;
    if (v != NULL && v[0] != '\0' && (strlen(v) > MAX_ID_DOC || !master_id_valid(v))) {
        rc = fse_cda__add(out, FSE_CDA_RULE_BAD_FORMAT,
                          "Il campo identificativoDoc deve avere la forma <OID>^<id> "
                          "(al massimo %d caratteri)",
                          MAX_ID_DOC);
    }
    v = req->identificativo_rep;
    if (rc == FSE_OK && v != NULL && v[0] != '\0' &&
        (strlen(v) > MAX_ID_REP || !regional_oid_valid(v, ".4.5."))) {
        rc = fse_cda__add(out, FSE_CDA_RULE_BAD_FORMAT,
                          "Error: Invalid format for repositoryUniqueId");
    }
    v = req->identificativo_sottomissione;
    if (rc == FSE_OK && v != NULL && v[0] != '\0' &&
        (strlen(v) > MAX_ID_SUB || !regional_oid_valid(v, ".4.3."))) {
        rc = fse_cda__add(out, FSE_CDA_RULE_BAD_FORMAT,
                          "Il campo identificativoSottomissione deve avere la forma "
                          "2.16.840.1.113883.2.9.2.[REGIONE].4.3.<id>");
    }
    v = req->assetto_organizzativo;
    if (rc == FSE_OK && v != NULL && v[0] != '\0' && !psc_valid(v)) {
        rc = fse_cda__add(out, FSE_CDA_RULE_BAD_VALUE,
                          "Il campo assettoOrganizzativo non ammette il valore %s", v);
    }
    v = req->workflow_instance_id;
    if (rc == FSE_OK && v != NULL && strlen(v) > MAX_WII) {
        rc = fse_cda__add(out, FSE_CDA_RULE_BAD_FORMAT,
                          "Il campo workflowInstanceId supera i %d caratteri", MAX_WII);
    }
    return rc;
}

static fse_err check_lists(fse_cda_findings *out, const fse_cda_request_metadata *req)
{
    fse_err rc = FSE_OK;
    size_t i;

    for (i = 0; i < req->n_descriptions && rc == FSE_OK; i++) {
        const char *problem =
            req->descriptions[i] != NULL ? description_problem(req->descriptions[i]) : NULL;

        if (problem != NULL) {
            rc = fse_cda__add(out, FSE_CDA_RULE_BAD_VALUE, "%s", problem);
        }
    }
    if (rc == FSE_OK && req->n_atti_clinici > MAX_ATTI) {
        rc = fse_cda__add(out, FSE_CDA_RULE_BAD_VALUE,
                          "Il campo attiCliniciRegoleAccesso ammette al massimo %d valori",
                          MAX_ATTI);
    }
    for (i = 0; i < req->n_atti_clinici && rc == FSE_OK; i++) {
        const char *code = req->atti_clinici[i];

        if (code == NULL || !event_code_valid(code)) {
            rc = fse_cda__add(out, FSE_CDA_RULE_BAD_VALUE,
                              "Il campo atti clinici %s non è consentito",
                              code != NULL ? code : "null");
        }
    }
    for (i = 0; i < req->n_administrative_request && rc == FSE_OK; i++) {
        const char *v = req->administrative_request[i];

        if (v == NULL || !in_list(admin_values, v)) {
            rc = fse_cda__add(out, FSE_CDA_RULE_BAD_VALUE,
                              "Il campo administrativeRequest non ammette il valore %s",
                              v != NULL ? v : "null");
        }
    }
    return rc;
}

static fse_err check_dates(fse_cda_findings *out, const fse_cda_request_metadata *req)
{
    fse_err rc = FSE_OK;

    if (req->data_inizio_prestazione != NULL && !date_valid(req->data_inizio_prestazione)) {
        rc = fse_cda__add(out, FSE_CDA_RULE_BAD_DATE,
                          "Il campo data inizio deve essere valorizzato correttamente");
    }
    if (rc == FSE_OK && req->data_fine_prestazione != NULL &&
        !date_valid(req->data_fine_prestazione)) {
        rc = fse_cda__add(out, FSE_CDA_RULE_BAD_DATE,
                          "Il campo data fine deve essere valorizzato correttamente");
    }
    return rc;
}

fse_err fse_cda_check_request(fse_cda_findings *out, const fse_cda_request_metadata *req,
                              fse_cda_operation op)
{
    fse_err rc;

    if (out == NULL || req == NULL || (int)op < 0 || op > FSE_CDA_OP_UPDATE_METADATA) {
        return fse_error_set(FSE_E_ARG, FSE_CDA_MODULE, "check_request: bad argument");
    }
    if ((req->n_atti_clinici > 0 && req->atti_clinici == NULL) ||
        (req->n_descriptions > 0 && req->descriptions == NULL) ||
        (req->n_administrative_request > 0 && req->administrative_request == NULL)) {
        return fse_error_set(FSE_E_ARG, FSE_CDA_MODULE, "check_request: list without items");
    }
    rc = check_fields(out, req, 1u << op);
    if (rc == FSE_OK) {
        rc = check_formats(out, req);
    }
    if (rc == FSE_OK) {
        rc = check_lists(out, req);
    }
    if (rc == FSE_OK) {
        rc = check_dates(out, req);
    }
    return rc;
}
