/*
 * lib/jwt/jwt_rules.c - the claim rules of the Gateway per operation
 * (gateway-api §3, DISP JwtSRV, domain-rules §4).
 *
 * Owns the coherence table (one row per operation: allowed action_id and
 * purpose_of_use, which op-dependent claims are due, whether the locality
 * XON is enforced), the enums of action_id, purpose_of_use and
 * subject_role, the subject_organization region table, the CX fiscal-code
 * rule for sub and person_id, the findings list, and the dispatch of the
 * document checks to fse/cda.h. Findings carry the Gateway's Italian
 * details. Does not own token verification (jwt_verify.c), the reason ->
 * problem table (jwt_reason.c), or the CDA-side checks themselves
 * (lib/cda/cda_check.c).
 */
#include "jwt_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* ---- tables ------------------------------------------------------------ */

/* action_id values (§3; DISP ActionEnum, compared ignoring case). */
static const char *const action_values[] = {"CREATE", "READ", "UPDATE", "DELETE", NULL};

/* purpose_of_use values (§3, domain-rules §4.2; DISP PurposeOfUseEnum,
 * compared ignoring case). */
static const char *const purpose_values[] = {
    "TREATMENT", "EMERGENCY",     "PUBEMERGENCY", "SYSADMIN",       "PERSONAL",
    "UPDATE",    "ACCESS UPDATE", "CONSENT",      "ADMINISTRATIVE", NULL};

/* subject_role values (§3, domain-rules §4.1; DISP RoleEnum compares
 * exactly). */
static const char *const role_values[] = {"AAS", "APR", "PSS", "INF", "FAR", "DSA", "DAM", "OAM",
                                          "ASS", "TUT", "ING", "GEN", "NOR", "DRS", "RSA", "MRP",
                                          "INI", "OGC", "OPI", "MDS", "GTW", "DAP", NULL};

/* subject_organization_id -> subject_organization (§2 region codes; names
 * as DISP SubjectOrganizationEnum, which has MDS at 999 and no GTW row, see
 * §9). */
static const struct {
    const char *code;
    const char *name;
} organizations[] = {
    {"010", "Regione Piemonte"},
    {"020", "Regione Valle d'Aosta"},
    {"030", "Regione Lombardia"},
    {"041", "P.A. Bolzano"},
    {"042", "P.A. Trento"},
    {"050", "Regione Veneto"},
    {"060", "Regione Friuli Venezia Giulia"},
    {"070", "Regione Liguria"},
    {"080", "Regione Emilia-Romagna"},
    {"090", "Regione Toscana"},
    {"100", "Regione Umbria"},
    {"110", "Regione Marche"},
    {"120", "Regione Lazio"},
    {"130", "Regione Abruzzo"},
    {"140", "Regione Molise"},
    {"150", "Regione Campania"},
    {"160", "Regione Puglia"},
    {"170", "Regione Basilicata"},
    {"180", "Regione Calabria"},
    {"190", "Regione Sicilia"},
    {"200", "Regione Sardegna"},
    {"000", "INI"},
    {"970", "Sistema TS"},
    {"001", "SASN"},
    {"999", "MDS"},
};

#define N_ORGANIZATIONS (sizeof(organizations) / sizeof(organizations[0]))

/* Most values of one row's allowed lists, NULL-terminated. */
#define MAX_ALLOWED 6

/* One row of the coherence table. */
typedef struct op_rule {
    const char *actions[MAX_ALLOWED];  /* allowed action_id, first = canonical */
    const char *purposes[MAX_ALLOWED]; /* allowed purpose_of_use, first = canonical */
    bool needs_hl7_type;               /* resource_hl7_type mandatory */
    bool needs_hash;                   /* attachment_hash mandatory */
    bool locality_xon;                 /* blocking locality pattern */
    bool document;                     /* the call carries a CDA */
} op_rule;

/* IMPLEMENTATION-OF: gateway-api §3 per-operation coherence table and
 * "attachment_hash ... required for create, replace, validate-and-*";
 * READ follows domain-rules §4.3 (INI read: TREATMENT or UPDATE) plus the
 * consultation purposes of §4.2. */
static const op_rule op_rules[FSE_JWT_OP_COUNT] = {
    [FSE_JWT_OP_VALIDATION] = {{"CREATE", "UPDATE"}, {"TREATMENT"}, true, false, false, true},
    [FSE_JWT_OP_CREATE] = {{"CREATE"}, {"TREATMENT"}, true, true, true, true},
    [FSE_JWT_OP_REPLACE] = {{"UPDATE"}, {"UPDATE", "TREATMENT"}, true, true, true, true},
    [FSE_JWT_OP_METADATA_UPDATE] =
        {{"UPDATE"}, {"UPDATE", "ACCESS UPDATE"}, true, false, true, false},
    [FSE_JWT_OP_DELETE] = {{"DELETE"}, {"UPDATE"}, false, false, true, false},
    [FSE_JWT_OP_STATUS] = {{NULL}, {NULL}, false, false, false, false},
    [FSE_JWT_OP_READ] = {{"READ"},
                         {"TREATMENT", "UPDATE", "EMERGENCY", "PUBEMERGENCY", "PERSONAL"},
                         false,
                         false,
                         false,
                         false},
};

static bool op_valid(fse_jwt_op op)
{
    return (unsigned)op < (unsigned)FSE_JWT_OP_COUNT;
}

const char *fse_jwt__op_action(fse_jwt_op op)
{
    return op_valid(op) ? op_rules[op].actions[0] : NULL;
}

const char *fse_jwt__op_purpose(fse_jwt_op op)
{
    return op_valid(op) ? op_rules[op].purposes[0] : NULL;
}

bool fse_jwt__op_needs_hl7_type(fse_jwt_op op)
{
    return op_valid(op) && op_rules[op].needs_hl7_type;
}

bool fse_jwt__op_needs_hash(fse_jwt_op op)
{
    return op_valid(op) && op_rules[op].needs_hash;
}

const char *fse_jwt_organization_name(const char *subject_organization_id)
{
    size_t i;

    if (subject_organization_id == NULL) {
        return NULL;
    }
    for (i = 0; i < N_ORGANIZATIONS; i++) {
        if (strcmp(organizations[i].code, subject_organization_id) == 0) {
            return organizations[i].name;
        }
    }
    return NULL;
}

/* Index of an organization by name ignoring case, or -1. */
static int organization_by_name(const char *name)
{
    size_t i;

    for (i = 0; i < N_ORGANIZATIONS; i++) {
        if (strcasecmp(organizations[i].name, name) == 0) {
            return (int)i;
        }
    }
    return -1;
}

static int organization_by_code(const char *code)
{
    size_t i;

    for (i = 0; i < N_ORGANIZATIONS; i++) {
        if (strcasecmp(organizations[i].code, code) == 0) {
            return (int)i;
        }
    }
    return -1;
}

static bool in_list(const char *const *list, const char *value, bool ignore_case)
{
    size_t i;

    for (i = 0; list[i] != NULL; i++) {
        if ((ignore_case ? strcasecmp(list[i], value) : strcmp(list[i], value)) == 0) {
            return true;
        }
    }
    return false;
}

/* ---- findings ---------------------------------------------------------- */

void fse_jwt_findings_init(fse_jwt_findings *list)
{
    memset(list, 0, sizeof(*list));
}

void fse_jwt_findings_free(fse_jwt_findings *list)
{
    size_t i;

    if (list == NULL) {
        return;
    }
    for (i = 0; i < list->n_items; i++) {
        fse_free(list->items[i].detail);
    }
    fse_free(list->items);
    memset(list, 0, sizeof(*list));
}

bool fse_jwt_findings_has(const fse_jwt_findings *list, fse_jwt_reason reason, const char *claim)
{
    size_t i;

    for (i = 0; list != NULL && i < list->n_items; i++) {
        if (list->items[i].reason == reason &&
            (claim == NULL || strcmp(list->items[i].claim, claim) == 0)) {
            return true;
        }
    }
    return false;
}

static fse_err add(fse_jwt_findings *list, fse_jwt_reason reason, const char *claim,
                   const char *fmt, ...) FSE_PRINTF(4, 5);

static fse_err add(fse_jwt_findings *list, fse_jwt_reason reason, const char *claim,
                   const char *fmt, ...)
{
    char detail[FSE_JWT_DETAIL_MAX];
    fse_jwt_finding *items;
    char *copy;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(detail, sizeof(detail), fmt, ap);
    va_end(ap);
    if (list->n_items == list->cap) {
        size_t cap = list->cap == 0 ? 8 : list->cap * 2;

        items = fse_realloc(list->items, cap * sizeof(*items));
        if (items == NULL) {
            return fse_error_set(FSE_E_NOMEM, FSE_JWT_MODULE, "out of memory");
        }
        list->items = items;
        list->cap = cap;
    }
    copy = fse_strdup(detail);
    if (copy == NULL) {
        return fse_error_set(FSE_E_NOMEM, FSE_JWT_MODULE, "out of memory");
    }
    list->items[list->n_items].reason = reason;
    list->items[list->n_items].claim = claim;
    list->items[list->n_items].detail = copy;
    list->n_items++;
    return FSE_OK;
}

/* ---- fiscal codes ------------------------------------------------------ */

/*
 * The CF rule DISP applies to a CX value (JwtSRV.isValidOid): the identifier
 * is the text before "^^^" (the whole value without one); it must pass the
 * CF check when there is no assigning authority, or when the authority's
 * universal id (second '&' field) is the MEF OID. Any other authority (TEAM,
 * ENI, STP, regional) is not checked here.
 */
static bool cx_cf_ok(const char *cx)
{
    const char *sep = strstr(cx, "^^^");
    const char *auth;
    const char *auth_end;
    const char *oid;
    size_t oid_len;
    char cf[32];
    size_t cf_len;

    cf_len = sep != NULL ? (size_t)(sep - cx) : strlen(cx);
    if (cf_len >= sizeof(cf)) {
        return false;
    }
    memcpy(cf, cx, cf_len);
    cf[cf_len] = '\0';
    if (sep == NULL) {
        return fse_cf_check(cf, NULL, 0);
    }
    auth = sep + 3;
    auth_end = strstr(auth, "^^^");
    if (auth_end == NULL) {
        auth_end = auth + strlen(auth);
    }
    if (auth == auth_end) {
        return fse_cf_check(cf, NULL, 0);
    }
    oid = memchr(auth, '&', (size_t)(auth_end - auth));
    if (oid == NULL) {
        return true;
    }
    oid++;
    oid_len = strcspn(oid, "&");
    if (oid + oid_len > auth_end) {
        oid_len = (size_t)(auth_end - oid);
    }
    if (oid_len == strlen(FSE_CDA_OID_CF) && strncmp(oid, FSE_CDA_OID_CF, oid_len) == 0) {
        return fse_cf_check(cf, NULL, 0);
    }
    return true;
}

/* ---- the rules --------------------------------------------------------- */

static bool empty(const char *s)
{
    return s == NULL || s[0] == '\0';
}

/* The pair: right issuer prefix for each header, one signer, one subject. */
static fse_err check_pair(fse_jwt_findings *out, const fse_jwt_claims *a, const fse_jwt_claims *s)
{
    fse_err rc = FSE_OK;

    if (a->issuer_kind != FSE_JWT_ISSUER_AUTH) {
        rc = add(out, FSE_JWT_E_ISSUER, "iss",
                 "Il campo iss del token Authorization deve essere auth:<CN del certificato>");
    }
    if (rc == FSE_OK && s != NULL && s->issuer_kind != FSE_JWT_ISSUER_INTEGRITY) {
        rc = add(out, FSE_JWT_E_ISSUER, "iss",
                 "Il campo iss del token FSE-JWT-Signature deve essere integrity:<CN del "
                 "certificato>");
    }
    if (rc == FSE_OK && s != NULL && strcmp(a->cert_sha256, s->cert_sha256) != 0) {
        rc = add(out, FSE_JWT_E_SUBJECT, "",
                 "I due token non sono firmati con lo stesso certificato");
    }
    if (rc == FSE_OK && s != NULL &&
        (a->sub == NULL || s->sub == NULL || strcmp(a->sub, s->sub) != 0)) {
        rc = add(out, FSE_JWT_E_SUBJECT, "sub", "Il campo sub non coincide nei due token");
    }
    return rc;
}

/* Mandatory claims in DISP JwtSRV.validateMandatoryFields order. */
static fse_err check_mandatory(fse_jwt_findings *out, const fse_jwt_claims *s, fse_jwt_op op)
{
    const struct {
        const char *name;
        bool absent;
        bool due;
    } claims[] = {
        {"patient_consent", s->patient_consent == FSE_JWT_BOOL_ABSENT, true},
        {"action_id", empty(s->action_id), true},
        {"locality", empty(s->locality), true},
        {"person_id", empty(s->person_id), true},
        {"purpose_of_use", empty(s->purpose_of_use), true},
        {"subject_organization", empty(s->subject_organization), true},
        {"subject_organization_id", empty(s->subject_organization_id), true},
        {"subject_role", empty(s->subject_role), true},
        {"subject_application_id", empty(s->subject_application_id), true},
        {"subject_application_vendor", empty(s->subject_application_vendor), true},
        {"subject_application_version", empty(s->subject_application_version), true},
        {"resource_hl7_type", empty(s->resource_hl7_type), op_rules[op].needs_hl7_type},
        {"attachment_hash", empty(s->attachment_hash), op_rules[op].needs_hash},
    };
    size_t i;
    fse_err rc = FSE_OK;

    for (i = 0; i < sizeof(claims) / sizeof(claims[0]) && rc == FSE_OK; i++) {
        if (claims[i].due && claims[i].absent) {
            rc = add(out, FSE_JWT_E_MISSING_CLAIM, claims[i].name, "Il campo %s non è valorizzato",
                     claims[i].name);
        }
    }
    return rc;
}

/* "Il campo <claim> non è corretto" (DISP JwtSRV.checkEnumValue). */
#define MALFORMED "Il campo %s non è corretto"

/* Enum values and the organization pair (DISP JwtSRV.validateFieldsValue). */
static fse_err check_values(fse_jwt_findings *out, const fse_jwt_claims *s)
{
    int by_code = -1;
    int by_name = -1;
    fse_err rc = FSE_OK;

    if (!empty(s->action_id) && !in_list(action_values, s->action_id, true)) {
        rc = add(out, FSE_JWT_E_CLAIM_VALUE, "action_id", MALFORMED, "action_id");
    }
    if (rc == FSE_OK && !empty(s->purpose_of_use) &&
        !in_list(purpose_values, s->purpose_of_use, true)) {
        rc = add(out, FSE_JWT_E_CLAIM_VALUE, "purpose_of_use", MALFORMED, "purpose_of_use");
    }
    if (rc == FSE_OK && !empty(s->subject_role) && !in_list(role_values, s->subject_role, false)) {
        rc = add(out, FSE_JWT_E_CLAIM_VALUE, "subject_role", MALFORMED, "subject_role");
    }
    if (rc == FSE_OK && !empty(s->subject_organization_id)) {
        by_code = organization_by_code(s->subject_organization_id);
        if (by_code < 0) {
            rc = add(out, FSE_JWT_E_CLAIM_VALUE, "subject_organization_id", MALFORMED,
                     "subject_organization_id");
        }
    }
    if (rc == FSE_OK && !empty(s->subject_organization)) {
        by_name = organization_by_name(s->subject_organization);
        if (by_name < 0) {
            rc = add(out, FSE_JWT_E_CLAIM_VALUE, "subject_organization", MALFORMED,
                     "subject_organization");
        }
    }
    /* IMPLEMENTATION-OF: §3 subject_organization_id "must be consistent with
     * subject_organization". */
    if (rc == FSE_OK && by_code >= 0 && by_name >= 0 && by_code != by_name) {
        rc = add(out, FSE_JWT_E_CLAIM_VALUE, "subject_organization",
                 "I campi subject_organization_id e subject_organization non sono coerenti");
    }
    return rc;
}

/* action_id x purpose_of_use against the operation's row. */
static fse_err check_coherence(fse_jwt_findings *out, const fse_jwt_claims *s, fse_jwt_op op)
{
    const op_rule *row = &op_rules[op];
    fse_err rc = FSE_OK;

    if (!empty(s->action_id) && in_list(action_values, s->action_id, true) &&
        !in_list(row->actions, s->action_id, true)) {
        rc = add(out, FSE_JWT_E_OPERATION, "action_id",
                 "Il campo action_id non coerente con operazione richiesta");
    }
    if (rc == FSE_OK && !empty(s->purpose_of_use) &&
        in_list(purpose_values, s->purpose_of_use, true) &&
        !in_list(row->purposes, s->purpose_of_use, true)) {
        rc = add(out, FSE_JWT_E_OPERATION, "purpose_of_use",
                 "Il campo purpose_of_use non coerente con operazione richiesta");
    }
    return rc;
}

static bool hex64(const char *s)
{
    return strlen(s) == 64 && strspn(s, "0123456789abcdefABCDEF") == 64;
}

/* Locality, consent, person_id and attachment_hash values. */
static fse_err check_claim_forms(fse_jwt_findings *out, const fse_jwt_claims *s, fse_jwt_op op)
{
    fse_err rc = FSE_OK;

    /* IMPLEMENTATION-OF: §3 locality "blocking regex on
     * CREATE/REPLACE/UPDATE/DELETE" (the pattern is fse_cda_locality_valid). */
    if (op_rules[op].locality_xon && !empty(s->locality) && !fse_cda_locality_valid(s->locality)) {
        rc = add(out, FSE_JWT_E_CLAIM_VALUE, "locality",
                 "Il campo Locality non è valorizzato correttamente");
    }
    /* IMPLEMENTATION-OF: §3 patient_consent "boolean true, mandatory". */
    if (rc == FSE_OK && s->patient_consent == FSE_JWT_BOOL_FALSE) {
        rc = add(out, FSE_JWT_E_CLAIM_VALUE, "patient_consent",
                 "Il campo patient_consent deve essere true");
    }
    /* IMPLEMENTATION-OF: §3 person_id: "The CF check-digit is validated
     * unless the root is the TEAM OID". */
    if (rc == FSE_OK && !empty(s->person_id) && !cx_cf_ok(s->person_id)) {
        rc = add(out, FSE_JWT_E_CLAIM_VALUE, "person_id",
                 "Il codice fiscale nel campo person_id non è corretto");
    }
    if (rc == FSE_OK && op_rules[op].needs_hash && !empty(s->attachment_hash) &&
        !hex64(s->attachment_hash)) {
        rc = add(out, FSE_JWT_E_CLAIM_VALUE, "attachment_hash",
                 "Il campo attachment_hash non è uno SHA-256 esadecimale");
    }
    return rc;
}

fse_err fse_jwt_check_operation(fse_jwt_findings *out, const fse_jwt_claims *claims_auth,
                                const fse_jwt_claims *claims_sig, fse_jwt_op op)
{
    fse_err rc;

    if (out == NULL || claims_auth == NULL || !op_valid(op) ||
        (claims_sig == NULL && op != FSE_JWT_OP_STATUS)) {
        return fse_error_set(FSE_E_ARG, FSE_JWT_MODULE, "check_operation: bad argument");
    }
    rc = check_pair(out, claims_auth, claims_sig);
    /* IMPLEMENTATION-OF: §3 "The sub check-digit is validated when it uses
     * the MEF OID or has no OID". */
    if (rc == FSE_OK && !empty(claims_auth->sub) && !cx_cf_ok(claims_auth->sub)) {
        rc = add(out, FSE_JWT_E_CLAIM_VALUE, "sub",
                 "Il codice fiscale nel campo sub non è corretto");
    }
    if (op == FSE_JWT_OP_STATUS || rc != FSE_OK) {
        return rc;
    }
    rc = check_mandatory(out, claims_sig, op);
    if (rc == FSE_OK) {
        rc = check_values(out, claims_sig);
    }
    if (rc == FSE_OK) {
        rc = check_coherence(out, claims_sig, op);
    }
    if (rc == FSE_OK) {
        rc = check_claim_forms(out, claims_sig, op);
    }
    return rc;
}

fse_err fse_jwt_check_document(fse_cda_findings *out, const fse_jwt_claims *claims_sig,
                               fse_jwt_op op, const fse_cda_header *header, const uint8_t *data,
                               size_t len)
{
    fse_err rc = FSE_OK;

    if (out == NULL || claims_sig == NULL || !op_valid(op) ||
        (op_rules[op].document && header == NULL)) {
        return fse_error_set(FSE_E_ARG, FSE_JWT_MODULE, "check_document: bad argument");
    }
    if (!op_rules[op].document) {
        return FSE_OK;
    }
    rc = fse_cda_check_person_id(out, claims_sig->person_id, header);
    if (rc == FSE_OK) {
        rc = fse_cda_check_hl7_type(out, claims_sig->resource_hl7_type, header);
    }
    if (rc == FSE_OK && op_rules[op].needs_hash) {
        rc = fse_cda_check_attachment_hash(out, claims_sig->attachment_hash, data, len);
    }
    if (rc != FSE_OK) {
        fse_error_prefix(FSE_JWT_MODULE);
    }
    return rc;
}
