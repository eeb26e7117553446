/*
 * lib/http/http_problem.c - the problem catalogue and the fse_err table.
 *
 * Owns the one place where an fse_err becomes an HTTP status and a
 * problem+json type (STYLE.md: only lib/http does this, with one table), and
 * the catalogue of problem types: the Gateway's application errors
 * (gateway-api.md §4, DISP RestExecutionResultEnum, with their Italian titles
 * and typical instances) followed by this layer's transport problems (titles
 * are the HTTP reason phrases, as Spring sends for 413). It does not own the
 * body layout (http_response.c).
 */
#include "http_int.h"

typedef struct problem_row {
    unsigned status;
    const char *type;
    const char *title;
    const char *instance;
} problem_row;

/* Indexed by fse_http_problem; gateway-api.md §4 "Application error catalogue". */
static const problem_row catalogue[FSE_HTTP_PROBLEM_COUNT_] = {
    [FSE_HTTP_PROBLEM_GENERIC_ERROR] = {500, "/msg/generic-error", "Errore generico.", ""},
    [FSE_HTTP_PROBLEM_CDA_ELEMENT] = {400, "/msg/cda-element",
                                      "Errore in fase di estrazione del CDA.", "/cda-extraction"},
    [FSE_HTTP_PROBLEM_SYNTAX] = {400, "/msg/syntax", "Errore di sintassi.", "/validation/error"},
    [FSE_HTTP_PROBLEM_SEMANTIC] = {422, "/msg/semantic", "Errore semantico.", "/validation/error"},
    [FSE_HTTP_PROBLEM_VOCABULARY] = {400, "/msg/vocabulary", "Errore vocabolario.",
                                     "/validation/error"},
    [FSE_HTTP_PROBLEM_VALIDATOR] = {400, "/msg/validator", "Errore di validazione",
                                    "/validation/error"},
    [FSE_HTTP_PROBLEM_CDA_MATCH] = {400, "/msg/cda-match",
                                    "Errore in fase di recupero dell'esito della verifica.",
                                    "/cda-validation"},
    [FSE_HTTP_PROBLEM_EMPTY_FILE] = {400, "/msg/empty-file", "File vuoto.",
                                     "/empty-multipart-file"},
    [FSE_HTTP_PROBLEM_DOCUMENT_TYPE] = {415, "/msg/document-type", "Il documento non \xc3\xa8 pdf.",
                                        "/multipart-file"},
    [FSE_HTTP_PROBLEM_DOCUMENT_HASH] = {400, "/msg/document-hash", "Verifica hash fallita.",
                                        "/jwt-hash-match"},
    [FSE_HTTP_PROBLEM_MANDATORY_ELEMENT] = {400, "/msg/mandatory-element",
                                            "Campo obbligatorio non presente.",
                                            "/request-missing-field"},
    [FSE_HTTP_PROBLEM_INVALID_FORMAT] = {400, "/msg/invalid-format", "Formato campo non valido.",
                                         "/request-invalid-date-format"},
    [FSE_HTTP_PROBLEM_MANDATORY_ELEMENT_TOKEN] = {403, "/msg/mandatory-element-token",
                                                  "Token JWT non valido.",
                                                  "/jwt-mandatory-field-missing"},
    [FSE_HTTP_PROBLEM_JWT_VALIDATION] = {403, "/msg/jwt-validation", "Campo token JWT non valido.",
                                         "/jwt-mandatory-field-malformed"},
    [FSE_HTTP_PROBLEM_MISSING_TOKEN] = {403, "/msg/missing-token", "Token non fornito.",
                                        "/missing-jwt"},
    [FSE_HTTP_PROBLEM_ID_DOC] = {400, "/msg/id-doc", "Campo id documento non valido",
                                 "/invalid-id"},
    [FSE_HTTP_PROBLEM_WII] = {400, "/msg/wii", "Campo workflow instance id non valido",
                              "/invalid-req-id"},
    [FSE_HTTP_PROBLEM_WORKFLOW_ID_EXTRACTION] = {400, "/msg/workflow-id-error-extraction",
                                                 "Errore in fase di estrazione del workflow id.",
                                                 ""},
    [FSE_HTTP_PROBLEM_FHIR_MAPPING_TYPE] = {400, "/msg/fhir-mapping-type", "Mapping fhir fallito.",
                                            "/fhir-resource"},
    [FSE_HTTP_PROBLEM_FHIR_MAPPING_TIMEOUT] = {400, "/msg/fhir-mapping-timeout",
                                               "Mapping fhir timeout.", "/fhir-resource"},
    [FSE_HTTP_PROBLEM_GENERIC_TIMEOUT] = {504, "/msg/generic-timeout", "Generic timeout.", ""},
    [FSE_HTTP_PROBLEM_RECORD_NOT_FOUND] = {404, "/msg/record-not-found", "Record non trovato.",
                                           "/record-not-found"},
    [FSE_HTTP_PROBLEM_INI_ERROR] = {502, "/msg/ini-error", "Ini error.", "/msg/service-error/ini"},
    [FSE_HTTP_PROBLEM_EDS_ERROR] = {404, "/msg/eds-error", "Eds error.",
                                    "/msg/eds-document-missing"},
    [FSE_HTTP_PROBLEM_MAX_DAY_LIMIT_EXCEED] =
        {400, "/msg/max-day-limit-exceed",
         "Error: document exceeded the maximum period to be published.",
         "/msg/max-day-limit-exceed"},
    [FSE_HTTP_PROBLEM_SIGN_ERROR] = {400, "/msg/sign-error", "/msg/sign-error", "/msg/sign-error"},
    [FSE_HTTP_PROBLEM_SIMULATION_ERROR] = {400, "/msg/simulation-error", "Simulation Error.", ""},
    [FSE_HTTP_PROBLEM_UNAUTHORIZED] = {401, "/msg/unauthorized", "Unauthorized access",
                                       "/msg/invalid-issuer-sub"},
    [FSE_HTTP_PROBLEM_SERVICE_ERROR] = {500, "/msg/service-error", "Service error.", ""},
    [FSE_HTTP_PROBLEM_NOT_IMPLEMENTED] = {503, "/msg/not-implemented", "Not implemented.", ""},
    /* Transport problems of this layer. */
    [FSE_HTTP_PROBLEM_ACCESS_DENIED] = {403, "/msg/access-denied", "Forbidden", ""},
    [FSE_HTTP_PROBLEM_CONFLICT] = {409, "/msg/conflict", "Conflict", ""},
    [FSE_HTTP_PROBLEM_NOT_FOUND] = {404, "/msg/not-found", "Not Found", ""},
    [FSE_HTTP_PROBLEM_METHOD_NOT_ALLOWED] = {405, "/msg/method-not-allowed", "Method Not Allowed",
                                             ""},
    [FSE_HTTP_PROBLEM_PAYLOAD_TOO_LARGE] = {413, "/msg/payload-too-large", "Payload Too Large", ""},
    [FSE_HTTP_PROBLEM_TOO_MANY_REQUESTS] = {429, "/msg/too-many-requests", "Too Many Requests", ""},
    [FSE_HTTP_PROBLEM_SERVICE_UNAVAILABLE] = {503, "/msg/service-unavailable",
                                              "Service Unavailable", ""},
    [FSE_HTTP_PROBLEM_URI_TOO_LONG] = {414, "/msg/uri-too-long", "URI Too Long", ""},
};

typedef struct err_row {
    fse_err code;
    unsigned status;
    fse_http_problem problem;
} err_row;

/* The one fse_err -> HTTP table. Malformed input is the Gateway's generic
 * error with 400 (as for a missing multipart part, gateway-api.md §4);
 * FSE_E_AUTH is 401 (a refused token; the gateway module sends the
 * 403 /msg/jwt-validation entries itself where the Gateway does). */
static const err_row err_table[] = {
    {FSE_E_NOMEM, 500, FSE_HTTP_PROBLEM_GENERIC_ERROR},
    {FSE_E_ARG, 400, FSE_HTTP_PROBLEM_GENERIC_ERROR},
    {FSE_E_IO, 500, FSE_HTTP_PROBLEM_GENERIC_ERROR},
    {FSE_E_PARSE, 400, FSE_HTTP_PROBLEM_GENERIC_ERROR},
    {FSE_E_NOT_FOUND, 404, FSE_HTTP_PROBLEM_RECORD_NOT_FOUND},
    {FSE_E_CONFLICT, 409, FSE_HTTP_PROBLEM_CONFLICT},
    {FSE_E_DENIED, 403, FSE_HTTP_PROBLEM_ACCESS_DENIED},
    {FSE_E_AUTH, 401, FSE_HTTP_PROBLEM_UNAUTHORIZED},
    {FSE_E_LIMIT, 413, FSE_HTTP_PROBLEM_PAYLOAD_TOO_LARGE},
    {FSE_E_DB, 500, FSE_HTTP_PROBLEM_GENERIC_ERROR},
    {FSE_E_CRYPTO, 500, FSE_HTTP_PROBLEM_GENERIC_ERROR},
    {FSE_E_INTERNAL, 500, FSE_HTTP_PROBLEM_GENERIC_ERROR},
    {FSE_E_UNSUPPORTED, 501, FSE_HTTP_PROBLEM_NOT_IMPLEMENTED},
};

static const problem_row *row(fse_http_problem problem)
{
    if ((unsigned)problem >= (unsigned)FSE_HTTP_PROBLEM_COUNT_) {
        problem = FSE_HTTP_PROBLEM_GENERIC_ERROR;
    }
    return &catalogue[problem];
}

unsigned fse_http_problem_status(fse_http_problem problem)
{
    return row(problem)->status;
}

const char *fse_http_problem_type(fse_http_problem problem)
{
    return row(problem)->type;
}

const char *fse_http_problem_title(fse_http_problem problem)
{
    return row(problem)->title;
}

const char *fse_http_problem_instance(fse_http_problem problem)
{
    return row(problem)->instance;
}

fse_http_problem fse_http_problem_for_err(fse_err code, unsigned *status_out)
{
    size_t i;

    for (i = 0; i < sizeof err_table / sizeof err_table[0]; i++) {
        if (err_table[i].code == code) {
            *status_out = err_table[i].status;
            return err_table[i].problem;
        }
    }
    *status_out = 500;
    return FSE_HTTP_PROBLEM_GENERIC_ERROR;
}
