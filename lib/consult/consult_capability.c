/*
 * lib/consult/consult_capability.c - GET /fhir/metadata: the
 * CapabilityStatement of the consultation API (FHIR R4 4.0.1), listing
 * exactly the interactions and search parameters the node implements.
 */
#include "consult_int.h"

#include <string.h>

typedef struct cap_param {
    const char *name;
    const char *type;
} cap_param;

static const cap_param docref_params[] = {
    {"patient.identifier", "token"}, {"patient", "reference"}, {"type", "token"},
    {"category", "token"},           {"date", "date"},         {"author.identifier", "token"},
    {"facility", "token"},           {"status", "token"},      {NULL, NULL},
};

static const cap_param patient_params[] = {{"identifier", "token"}, {NULL, NULL}};
static const cap_param audit_params[] = {{"patient.identifier", "token"}, {NULL, NULL}};

static const cap_param clinical_params[] = {
    {"patient.identifier", "token"}, {"code", "token"}, {"date", "date"}, {NULL, NULL}};

/* The clinical resource types of the regional store (lib/eds). */
static const char *const clinical_types[] = {
    "AllergyIntolerance",  "Condition",         "Immunization", "Observation",
    "MedicationStatement", "MedicationRequest", "Procedure",    "DiagnosticReport",
};

static void summary_operation(fse_json *w)
{
    fse_json_key(w, "operation");
    fse_json_array_begin(w);
    fse_json_object_begin(w);
    fse_json_kv_string(w, "name", "summary");
    fse_json_kv_string(w, "definition", "http://hl7.org/fhir/uv/ips/OperationDefinition/summary");
    fse_json_object_end(w);
    fse_json_array_end(w);
}

static void resource(fse_json *w, const char *type, bool read, bool search, const cap_param *params)
{
    fse_json_object_begin(w);
    fse_json_kv_string(w, "type", type);
    fse_json_key(w, "interaction");
    fse_json_array_begin(w);
    if (read) {
        fse_json_object_begin(w);
        fse_json_kv_string(w, "code", "read");
        fse_json_object_end(w);
    }
    if (search) {
        fse_json_object_begin(w);
        fse_json_kv_string(w, "code", "search-type");
        fse_json_object_end(w);
    }
    fse_json_array_end(w);
    if (params != NULL) {
        fse_json_key(w, "searchParam");
        fse_json_array_begin(w);
        for (; params->name != NULL; params++) {
            fse_json_object_begin(w);
            fse_json_kv_string(w, "name", params->name);
            fse_json_kv_string(w, "type", params->type);
            fse_json_object_end(w);
        }
        fse_json_array_end(w);
    }
    if (strcmp(type, "Patient") == 0) {
        summary_operation(w);
    }
    fse_json_object_end(w);
}

fse_err fse_consult__metadata(cs_ctx *ctx)
{
    fse_buf out;
    fse_json w;
    char when[32];
    fse_err rc;

    fse_consult__json_begin(&out, &w);
    fse_consult__iso_ms(when, ctx->now_ms);
    fse_json_object_begin(&w);
    fse_json_kv_string(&w, "resourceType", "CapabilityStatement");
    fse_json_kv_string(&w, "status", "active");
    fse_json_kv_string(&w, "date", when);
    fse_json_kv_string(&w, "kind", "instance");
    fse_json_kv_string(&w, "fhirVersion", "4.0.1");
    fse_json_key(&w, "format");
    fse_json_array_begin(&w);
    fse_json_string(&w, "application/fhir+json");
    fse_json_array_end(&w);
    fse_json_key(&w, "software");
    fse_json_object_begin(&w);
    fse_json_kv_string(&w, "name", "fse");
    fse_json_object_end(&w);
    fse_json_key(&w, "rest");
    fse_json_array_begin(&w);
    fse_json_object_begin(&w);
    fse_json_kv_string(&w, "mode", "server");
    fse_json_key(&w, "security");
    fse_json_object_begin(&w);
    fse_json_kv_string(&w, "description",
                       "Coppia di JWT come il Gateway FSE 2.0 (Authorization: Bearer e "
                       "FSE-JWT-Signature), action_id READ");
    fse_json_object_end(&w);
    fse_json_key(&w, "resource");
    fse_json_array_begin(&w);
    resource(&w, "DocumentReference", true, true, docref_params);
    resource(&w, "Binary", true, false, NULL);
    resource(&w, "Patient", true, true, patient_params);
    resource(&w, "AuditEvent", false, true, audit_params);
    for (size_t i = 0; i < sizeof(clinical_types) / sizeof(clinical_types[0]); i++) {
        resource(&w, clinical_types[i], false, true, clinical_params);
    }
    fse_json_array_end(&w);
    fse_json_object_end(&w);
    fse_json_array_end(&w);
    fse_json_object_end(&w);
    rc = fse_consult__send(ctx, &w, &out, 200);
    return rc;
}
