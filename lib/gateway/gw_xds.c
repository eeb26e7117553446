/*
 * lib/gateway/gw_xds.c - the XDS metadata the node sends to INI for a
 * document (gateway-api §6.2, SUP doc/mapping-metadati), as one JSON
 * object: "assertion" (the SAML/XACML attributes from the JWT),
 * "documentEntry" (with its ITA slots) and "submissionSet".
 *
 * Owns the field mapping of §6.2 from the stored metadata (fse/store.h)
 * plus what the store does not keep, taken from the job payload: the
 * assertion claims, descriptions, administrativeRequest and the application
 * id. Does not own where the result goes (gw_outbox.c records it; a real
 * INI client would turn it into ebXML).
 */
#include "gateway_int.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "fse/json.h"

/* Static values of §6.2. */
#define XDS_MIME "application/pdf+text/x-cda-r2+xml"
#define XDS_LANGUAGE "it-IT"
#define XDS_APPROVED "urn:oasis:names:tc:ebxml-regrep:StatusType:Approved"
#define XDS_AUTHENTICATOR "GTW_950"
#define XDS_SOURCE_PREFIX "2.16.840.1.113883.2.9.2."

static const char *pstr(const json_t *payload, const char *key)
{
    return json_string_value(json_object_get(payload, key));
}

static void kv(fse_json *w, const char *key, const char *value)
{
    fse_json_key(w, key);
    if (value != NULL) {
        fse_json_string(w, value);
    } else {
        fse_json_null(w);
    }
}

static void payload_list(fse_json *w, const char *key, const json_t *payload, const char *name)
{
    const json_t *arr = json_object_get(payload, name);
    size_t i;

    fse_json_key(w, key);
    fse_json_array_begin(w);
    for (i = 0; i < json_array_size(arr); i++) {
        const char *v = json_string_value(json_array_get(arr, i));

        if (v != NULL) {
            fse_json_string(w, v);
        }
    }
    fse_json_array_end(w);
}

/* An entryUUID derived from the internal document id (RFC 4122 layout). */
static void entry_uuid(char out[46], const char *doc_id)
{
    char hex[33];
    size_t n = doc_id != NULL ? strnlen(doc_id, 32) : 0;

    memset(hex, '0', 32);
    memcpy(hex, doc_id != NULL ? doc_id : "", n);
    hex[32] = '\0';
    snprintf(out, 46, "urn:uuid:%.8s-%.4s-4%.3s-8%.3s-%.12s", hex, hex + 8, hex + 13, hex + 17,
             hex + 20);
}

static void assertion(fse_json *w, const json_t *p)
{
    fse_json_key(w, "assertion");
    fse_json_object_begin(w);
    /* subject-id goes to indirect ITI-18 queries only with use_subject_as_author. */
    kv(w, "subject-id", pstr(p, "sub"));
    fse_json_kv_bool(w, "use-subject-as-author",
                     json_is_true(json_object_get(p, "subjectAsAuthor")));
    kv(w, "organization-id", pstr(p, "orgId"));
    kv(w, "organization", pstr(p, "org"));
    kv(w, "locality", pstr(p, "locality"));
    kv(w, "role", pstr(p, "role"));
    kv(w, "purposeofuse", pstr(p, "purpose"));
    kv(w, "resource-hl7-type", pstr(p, "hl7Type"));
    kv(w, "resource-id", pstr(p, "personId"));
    fse_json_kv_bool(w, "patient-consent", json_is_true(json_object_get(p, "consent")));
    kv(w, "action-id", pstr(p, "action"));
    kv(w, "SubjectApplicationId", pstr(p, "appId"));
    kv(w, "SubjectApplicationVendor", pstr(p, "appVendor"));
    kv(w, "SubjectApplicationVersion", pstr(p, "appVersion"));
    fse_json_kv_string(w, "SubjectAuthenticator", XDS_AUTHENTICATOR);
    fse_json_object_end(w);
}

static void slots(fse_json *w, const fse_store_doc_meta *m, const json_t *p)
{
    char app[GW_MAX_FIELD * 3 + 4];

    snprintf(app, sizeof(app), "%.256s^%.256s^%.256s",
             pstr(p, "appId") != NULL ? pstr(p, "appId") : "",
             pstr(p, "appVendor") != NULL ? pstr(p, "appVendor") : "",
             pstr(p, "appVersion") != NULL ? pstr(p, "appVersion") : "");
    fse_json_key(w, "slots");
    fse_json_object_begin(w);
    kv(w, "urn:ita:2017:repository-type", m->repository_type);
    fse_json_kv_string(w, "urn:ita:2022:documentSigned",
                       json_is_true(json_object_get(p, "signed")) ? "true^Documento firmato"
                                                                  : "false^Documento non firmato");
    payload_list(w, "urn:ita:2022:description", p, "descriptions");
    payload_list(w, "urn:ita:2022:administrativeRequest", p, "administrativeRequest");
    fse_json_kv_string(w, "urn:ita:2022:applicationId", app);
    fse_json_object_end(w);
}

static void document_entry(fse_json *w, const fse_store_doc_meta *m, const json_t *p)
{
    char uuid[46];
    size_t i;

    entry_uuid(uuid, m->doc_id);
    fse_json_key(w, "documentEntry");
    fse_json_object_begin(w);
    fse_json_kv_string(w, "entryUUID", uuid);
    kv(w, "uniqueId", m->unique_id);
    kv(w, "repositoryUniqueId", m->repository_id);
    kv(w, "patientId", m->patient_id);
    kv(w, "sourcePatientId", m->patient_id);
    /* tipologiaStruttura MdsPN_DGC is sent to INI as MdsPN-DGC (§2). */
    kv(w, "healthcareFacilityTypeCode",
       m->facility_type_code != NULL && strcmp(m->facility_type_code, "MdsPN_DGC") == 0
           ? "MdsPN-DGC"
           : m->facility_type_code);
    fse_json_kv_string(w, "mimeType", XDS_MIME);
    kv(w, "confidentialityCode", m->confidentiality_code);
    fse_json_key(w, "eventCodeList");
    fse_json_array_begin(w);
    for (i = 0; i < m->n_event_codes; i++) {
        fse_json_string(w, m->event_codes[i]);
    }
    fse_json_array_end(w);
    kv(w, "classCode", m->class_code);
    kv(w, "typeCode", m->type_code);
    kv(w, "formatCode", m->format_code);
    kv(w, "creationTime", m->creation_time);
    kv(w, "authorRole", m->author_role);
    kv(w, "authorInstitution", m->author_institution);
    kv(w, "authorPerson", m->author_person);
    kv(w, "hash", m->hash_sha1);
    fse_json_key(w, "size");
    fse_json_int(w, (long long)m->size);
    kv(w, "practiceSettingCode", m->practice_setting_code);
    fse_json_kv_string(w, "languageCode", XDS_LANGUAGE);
    kv(w, "serviceStartTime", m->service_start_time);
    kv(w, "serviceStopTime", m->service_stop_time);
    fse_json_kv_string(w, "availabilityStatus", XDS_APPROVED);
    fse_json_key(w, "referenceIdList");
    fse_json_array_begin(w);
    if (m->reference_id != NULL) {
        fse_json_string(w, m->reference_id);
    }
    fse_json_array_end(w);
    kv(w, "title", m->title);
    kv(w, "replaces", m->replaces_unique_id);
    slots(w, m, p);
    fse_json_object_end(w);
}

/* sourceId: the region OID without the leading zeros of the code (§6.2). */
static void source_id(char out[64], const char *org_id)
{
    const char *p = org_id != NULL ? org_id : "";

    while (p[0] == '0' && p[1] != '\0') {
        p++;
    }
    snprintf(out, 64, "%s%.8s", XDS_SOURCE_PREFIX, p);
}

static void submission_set(fse_json *w, const fse_store_doc_meta *m, const json_t *p,
                           int64_t now_ms)
{
    time_t secs = (time_t)(now_ms / 1000);
    struct tm tm;
    char when[16] = "";
    char source[64];

    if (gmtime_r(&secs, &tm) != NULL) {
        snprintf(when, sizeof(when), "%04d%02d%02d%02d%02d%02d", tm.tm_year + 1900, tm.tm_mon + 1,
                 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    }
    source_id(source, pstr(p, "orgId"));
    fse_json_key(w, "submissionSet");
    fse_json_object_begin(w);
    fse_json_kv_string(w, "sourceId", source);
    kv(w, "patientId", m->patient_id);
    kv(w, "contentTypeCode", m->content_type_code);
    fse_json_kv_string(w, "submissionTime", when);
    kv(w, "uniqueId", m->submission_set_id);
    fse_json_object_end(w);
}

fse_err fse_gateway__xds_entry(fse_buf *out, const fse_store_doc_meta *m, const json_t *payload,
                               int64_t now_ms)
{
    fse_json w;

    fse_json_init(&w, out);
    fse_json_object_begin(&w);
    assertion(&w, payload);
    document_entry(&w, m, payload);
    submission_set(&w, m, payload, now_ms);
    fse_json_object_end(&w);
    return fse_json_status(&w);
}
