/*
 * lib/consult/consult_fhir.c - FHIR R4 JSON of the consultation resources.
 *
 * Owns the DocumentReference of a stored document (the XDS DocumentEntry
 * of gateway-api §6.2 in FHIR terms: masterIdentifier = uniqueId, type =
 * typeCode, category = classCode, context = facility, practice setting,
 * event codes and service period), the Patient of the token's patient, the
 * date conversions and the base URL of links.
 */
#include "consult_int.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#define SYS_LOINC "http://loinc.org"
#define SYS_CF "http://hl7.it/sid/codiceFiscale"
#define SYS_CONF "http://terminology.hl7.org/CodeSystem/v3-Confidentiality"
/* Italian value sets of the XDS metadata (Affinity Domain Italia). */
#define SYS_CLASS "urn:oid:2.16.840.1.113883.2.9.3.3.6.1.5"
#define SYS_FACILITY "urn:oid:2.16.840.1.113883.2.9.3.3.6.1.1"
#define SYS_PRACTICE "urn:oid:2.16.840.1.113883.2.9.3.3.6.1.2"
#define SYS_EVENT "urn:oid:2.16.840.1.113883.2.9.3.3.6.1.4"
#define SYS_VISIBILITY "https://fse.example.it/CodeSystem/visibilita"

void fse_consult__iso_ms(char out[32], int64_t ms)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;

    if (gmtime_r(&t, &tm) == NULL) {
        out[0] = '\0';
        return;
    }
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void fse_consult__iso_hl7(char out[32], const char *hl7)
{
    size_t n = hl7 != NULL ? strspn(hl7, "0123456789") : 0;

    out[0] = '\0';
    if (n >= 14) {
        snprintf(out, 32, "%.4s-%.2s-%.2sT%.2s:%.2s:%.2sZ", hl7, hl7 + 4, hl7 + 6, hl7 + 8,
                 hl7 + 10, hl7 + 12);
    } else if (n >= 8) {
        snprintf(out, 32, "%.4s-%.2s-%.2s", hl7, hl7 + 4, hl7 + 6);
    }
}

void fse_consult__base_url(const cs_ctx *ctx, char *out, size_t cap)
{
    const char *host = fse_http_req_header(ctx->req, "Host");

    if (ctx->c->base_url != NULL) {
        snprintf(out, cap, "%s", ctx->c->base_url);
    } else {
        snprintf(out, cap, "http://%s", host != NULL ? host : "localhost");
    }
}

bool fse_consult__lenient(const cs_ctx *ctx)
{
    const char *prefer = fse_http_req_header(ctx->req, "Prefer");

    return prefer != NULL && strstr(prefer, "handling=lenient") != NULL;
}

/* Append s percent-encoded as a query component (RFC 3986 unreserved and
 * ':' kept). */
static void append_encoded(fse_buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";

    for (; *s != '\0'; s++) {
        unsigned char ch = (unsigned char)*s;

        if (isalnum(ch) || ch == '-' || ch == '.' || ch == '_' || ch == '~' || ch == ':') {
            (void)fse_buf_append(b, s, 1);
        } else {
            char esc[3] = {'%', hex[ch >> 4], hex[ch & 15]};

            (void)fse_buf_append(b, esc, 3);
        }
    }
}

static bool skipped(const char *name, const char *const *skip)
{
    for (; skip != NULL && *skip != NULL; skip++) {
        if (strcmp(name, *skip) == 0) {
            return true;
        }
    }
    return false;
}

size_t fse_consult__query_url(fse_buf *b, const cs_ctx *ctx, const char *path,
                              const char *const *skip)
{
    char base[512];
    const char *name;
    const char *value;
    size_t n = 0;
    size_t i;

    fse_consult__base_url(ctx, base, sizeof(base));
    (void)fse_buf_printf(b, "%s%s", base, path);
    for (i = 0; fse_http_req_query_at(ctx->req, i, &name, &value); i++) {
        if (skipped(name, skip)) {
            continue;
        }
        (void)fse_buf_append_str(b, n == 0 ? "?" : "&");
        append_encoded(b, name);
        (void)fse_buf_append_str(b, "=");
        append_encoded(b, value);
        n++;
    }
    return n;
}

void fse_consult__bundle_begin(fse_json *w, const cs_ctx *ctx, const char *type)
{
    char when[32];

    fse_consult__iso_ms(when, ctx->now_ms);
    fse_json_object_begin(w);
    fse_json_kv_string(w, "resourceType", "Bundle");
    fse_json_key(w, "meta");
    fse_json_object_begin(w);
    fse_json_kv_string(w, "lastUpdated", when);
    fse_json_object_end(w);
    fse_json_kv_string(w, "type", type);
}

void fse_consult__patient_id(char out[33], const cs_ctx *ctx)
{
    memcpy(out, ctx->patient_ref, 32);
    out[32] = '\0';
}

/* {"coding":[{"system":..,"code":..}]} */
static void concept_value(fse_json *w, const char *system, const char *code)
{
    fse_json_object_begin(w);
    fse_json_key(w, "coding");
    fse_json_array_begin(w);
    fse_json_object_begin(w);
    fse_json_kv_string(w, "system", system);
    fse_json_kv_string(w, "code", code);
    fse_json_object_end(w);
    fse_json_array_end(w);
    fse_json_object_end(w);
}

/* "key": a CodeableConcept. */
static void concept(fse_json *w, const char *key, const char *system, const char *code)
{
    fse_json_key(w, key);
    concept_value(w, system, code);
}

/* "key": [a CodeableConcept]. */
static void concept_list(fse_json *w, const char *key, const char *system, const char *code)
{
    fse_json_key(w, key);
    fse_json_array_begin(w);
    concept_value(w, system, code);
    fse_json_array_end(w);
}

static const char *status_code(fse_store_doc_status s)
{
    switch (s) {
    case FSE_STORE_DOC_APPROVED:
        return "current";
    case FSE_STORE_DOC_DEPRECATED:
        return "superseded";
    default:
        return "entered-in-error";
    }
}

static void meta_json(fse_json *w, const fse_store_doc_meta *m, bool shown_obscured)
{
    char when[32];

    fse_consult__iso_ms(when, m->updated_ms);
    fse_json_key(w, "meta");
    fse_json_object_begin(w);
    fse_json_kv_string(w, "lastUpdated", when);
    if (shown_obscured) {
        /* Only the patient, a representative or the producer ever see this. */
        fse_json_key(w, "tag");
        fse_json_array_begin(w);
        fse_json_object_begin(w);
        fse_json_kv_string(w, "system", SYS_VISIBILITY);
        fse_json_kv_string(w, "code", "oscurato");
        fse_json_kv_string(w, "display", "Documento oscurato");
        fse_json_object_end(w);
        fse_json_array_end(w);
    }
    fse_json_object_end(w);
}

static void author_json(fse_json *w, const fse_store_doc_meta *m)
{
    char cf[CS_MAX_PERSON + 1];

    fse_json_key(w, "author");
    fse_json_array_begin(w);
    if (fse_consult__person(cf, m->author_person)) {
        fse_json_object_begin(w);
        fse_json_kv_string(w, "type", "Practitioner");
        fse_json_key(w, "identifier");
        fse_json_object_begin(w);
        fse_json_kv_string(w, "system", SYS_CF);
        fse_json_kv_string(w, "value", cf);
        fse_json_object_end(w);
        fse_json_object_end(w);
    }
    if (m->author_institution != NULL) {
        fse_json_object_begin(w);
        fse_json_kv_string(w, "type", "Organization");
        fse_json_kv_string(w, "display", m->author_institution);
        fse_json_object_end(w);
    }
    fse_json_array_end(w);
}

/* base64 of the SHA-1 given in hex (FHIR attachment.hash). */
static void sha1_base64(char out[32], const char *hex)
{
    unsigned char raw[20];
    size_t i;

    out[0] = '\0';
    if (hex == NULL || strlen(hex) != 40) {
        return;
    }
    for (i = 0; i < 20; i++) {
        unsigned v = 0;

        if (sscanf(hex + 2 * i, "%2x", &v) != 1) {
            return;
        }
        raw[i] = (unsigned char)v;
    }
    EVP_EncodeBlock((unsigned char *)out, raw, 20);
}

static void attachment(fse_json *w, const fse_store_doc_meta *m, bool cda)
{
    char url[64];
    char hash[32];

    snprintf(url, sizeof(url), "Binary/%s%s", m->doc_id, cda ? "-cda" : "");
    fse_json_object_begin(w);
    fse_json_key(w, "attachment");
    fse_json_object_begin(w);
    fse_json_kv_string(w, "contentType", cda ? "application/xml" : "application/pdf");
    fse_json_kv_string(w, "url", url);
    fse_json_kv_int(w, "size", (long long)(cda ? m->cda_size : m->size));
    if (!cda) {
        sha1_base64(hash, m->hash_sha1);
        if (hash[0] != '\0') {
            fse_json_kv_string(w, "hash", hash);
        }
        if (m->title != NULL) {
            fse_json_kv_string(w, "title", m->title);
        }
    }
    fse_json_object_end(w);
    if (m->format_code != NULL) {
        fse_json_key(w, "format");
        fse_json_object_begin(w);
        fse_json_kv_string(w, "system", "urn:oid:2.16.840.1.113883.2.9.3.3.6.1.6");
        fse_json_kv_string(w, "code", m->format_code);
        fse_json_object_end(w);
    }
    fse_json_object_end(w);
}

static void context_json(fse_json *w, const fse_store_doc_meta *m)
{
    char start[32];
    char stop[32];
    size_t i;

    fse_json_key(w, "context");
    fse_json_object_begin(w);
    if (m->n_event_codes > 0) {
        fse_json_key(w, "event");
        fse_json_array_begin(w);
        for (i = 0; i < m->n_event_codes; i++) {
            concept_value(w, SYS_EVENT, m->event_codes[i]);
        }
        fse_json_array_end(w);
    }
    fse_consult__iso_hl7(start, m->service_start_time);
    fse_consult__iso_hl7(stop, m->service_stop_time);
    if (start[0] != '\0' || stop[0] != '\0') {
        fse_json_key(w, "period");
        fse_json_object_begin(w);
        if (start[0] != '\0') {
            fse_json_kv_string(w, "start", start);
        }
        if (stop[0] != '\0') {
            fse_json_kv_string(w, "end", stop);
        }
        fse_json_object_end(w);
    }
    if (m->facility_type_code != NULL) {
        concept(w, "facilityType", SYS_FACILITY, m->facility_type_code);
    }
    if (m->practice_setting_code != NULL) {
        concept(w, "practiceSetting", SYS_PRACTICE, m->practice_setting_code);
    }
    fse_json_object_end(w);
}

static void relates_json(fse_json *w, const fse_store_doc_meta *m)
{
    if (m->replaces_unique_id == NULL) {
        return;
    }
    fse_json_key(w, "relatesTo");
    fse_json_array_begin(w);
    fse_json_object_begin(w);
    fse_json_kv_string(w, "code", "replaces");
    fse_json_key(w, "target");
    fse_json_object_begin(w);
    fse_json_key(w, "identifier");
    fse_json_object_begin(w);
    fse_json_kv_string(w, "value", m->replaces_unique_id);
    fse_json_object_end(w);
    fse_json_object_end(w);
    fse_json_object_end(w);
    fse_json_array_end(w);
}

void fse_consult__docref_json(fse_json *w, const cs_ctx *ctx, const fse_store_doc_meta *m,
                              bool shown_obscured)
{
    char pid[33];
    char ref[48];
    char date[32];

    fse_consult__patient_id(pid, ctx);
    snprintf(ref, sizeof(ref), "Patient/%s", pid);
    fse_consult__iso_hl7(date, m->creation_time);
    fse_json_object_begin(w);
    fse_json_kv_string(w, "resourceType", "DocumentReference");
    fse_json_kv_string(w, "id", m->doc_id);
    meta_json(w, m, shown_obscured);
    fse_json_key(w, "masterIdentifier");
    fse_json_object_begin(w);
    fse_json_kv_string(w, "value", m->unique_id);
    fse_json_object_end(w);
    fse_json_kv_string(w, "status", status_code(m->status));
    if (m->type_code != NULL) {
        concept(w, "type", SYS_LOINC, m->type_code);
    }
    if (m->class_code != NULL) {
        concept_list(w, "category", SYS_CLASS, m->class_code);
    }
    fse_json_key(w, "subject");
    fse_json_object_begin(w);
    fse_json_kv_string(w, "reference", ref);
    fse_json_object_end(w);
    if (date[0] != '\0') {
        fse_json_kv_string(w, "date", date);
    }
    author_json(w, m);
    relates_json(w, m);
    if (m->title != NULL) {
        fse_json_kv_string(w, "description", m->title);
    }
    if (m->confidentiality_code != NULL) {
        concept_list(w, "securityLabel", SYS_CONF, m->confidentiality_code);
    }
    fse_json_key(w, "content");
    fse_json_array_begin(w);
    attachment(w, m, false);
    attachment(w, m, true);
    fse_json_array_end(w);
    context_json(w, m);
    fse_json_object_end(w);
}

void fse_consult__patient_json(fse_json *w, const cs_ctx *ctx)
{
    char pid[33];
    const fse_store_patient *reg = ctx->registry;

    fse_consult__patient_id(pid, ctx);
    fse_json_object_begin(w);
    fse_json_kv_string(w, "resourceType", "Patient");
    fse_json_kv_string(w, "id", pid);
    fse_json_key(w, "identifier");
    fse_json_array_begin(w);
    fse_json_object_begin(w);
    fse_json_kv_string(w, "system", SYS_CF);
    fse_json_kv_string(w, "value", ctx->patient);
    fse_json_object_end(w);
    fse_json_array_end(w);
    if (reg != NULL && reg->birth_date != NULL && strlen(reg->birth_date) == 8) {
        char birth[11];

        snprintf(birth, sizeof(birth), "%.4s-%.2s-%.2s", reg->birth_date, reg->birth_date + 4,
                 reg->birth_date + 6);
        fse_json_kv_string(w, "birthDate", birth);
    }
    if (reg != NULL && reg->gp_id != NULL && reg->gp_id[0] != '\0') {
        fse_json_key(w, "generalPractitioner");
        fse_json_array_begin(w);
        fse_json_object_begin(w);
        fse_json_key(w, "identifier");
        fse_json_object_begin(w);
        fse_json_kv_string(w, "system", SYS_CF);
        fse_json_kv_string(w, "value", reg->gp_id);
        fse_json_object_end(w);
        fse_json_object_end(w);
        fse_json_array_end(w);
    }
    fse_json_object_end(w);
}
