/*
 * lib/gen/gen_json.c - the metadata of a generated document as JSON, through
 * the lib/util writer (escaping is the writer's).
 *
 * Owns the layout of the .json file `fse gen` writes next to each document:
 * patient, document, the requestBody to send (gateway-api §2) and the
 * document-dependent claims of the FSE-JWT-Signature token (gateway-api §3),
 * which a signer completes with iss/sub/aud/iat/exp/jti.
 */
#include "gen_int.h"

#include "fse/json.h"

static void kv(fse_json *w, const char *key, const char *value)
{
    if (value[0] != '\0') {
        fse_json_kv_string(w, key, value);
    }
}

static void list(fse_json *w, const char *key, const char (*items)[16], size_t n)
{
    size_t i;

    if (n == 0) {
        return;
    }
    fse_json_key(w, key);
    fse_json_array_begin(w);
    for (i = 0; i < n; i++) {
        fse_json_string(w, items[i]);
    }
    fse_json_array_end(w);
}

static void request_body(fse_json *w, const fse_gen_meta *m)
{
    size_t i;

    fse_json_key(w, "requestBody");
    fse_json_object_begin(w);
    fse_json_kv_string(w, "activity", "VALIDATION");
    fse_json_kv_string(w, "healthDataFormat", "CDA");
    fse_json_kv_string(w, "mode", "ATTACHMENT");
    kv(w, "tipologiaStruttura", m->tipologia_struttura);
    list(w, "attiCliniciRegoleAccesso", m->atti_clinici, m->n_atti_clinici);
    kv(w, "identificativoDoc", m->identificativo_doc);
    kv(w, "identificativoRep", m->identificativo_rep);
    kv(w, "tipoDocumentoLivAlto", m->tipo_documento_liv_alto);
    kv(w, "assettoOrganizzativo", m->assetto_organizzativo);
    kv(w, "dataInizioPrestazione", m->data_inizio_prestazione);
    kv(w, "dataFinePrestazione", m->data_fine_prestazione);
    kv(w, "tipoAttivitaClinica", m->tipo_attivita_clinica);
    kv(w, "identificativoSottomissione", m->identificativo_sottomissione);
    if (m->n_descriptions > 0) {
        fse_json_key(w, "descriptions");
        fse_json_array_begin(w);
        for (i = 0; i < m->n_descriptions; i++) {
            fse_json_string(w, m->descriptions[i]);
        }
        fse_json_array_end(w);
    }
    fse_json_object_end(w);
}

static void jwt_claims(fse_json *w, const fse_gen_meta *m)
{
    fse_json_key(w, "jwtClaims");
    fse_json_object_begin(w);
    fse_json_kv_string(w, "person_id", m->person_id);
    fse_json_kv_string(w, "resource_hl7_type", m->resource_hl7_type);
    kv(w, "attachment_hash", m->pdf_sha256);
    fse_json_kv_string(w, "subject_role", m->subject_role);
    fse_json_kv_string(w, "subject_organization_id", m->subject_organization_id);
    fse_json_kv_string(w, "subject_organization", m->subject_organization);
    fse_json_kv_string(w, "locality", m->locality);
    fse_json_kv_bool(w, "patient_consent", true);
    fse_json_kv_string(w, "purpose_of_use", "TREATMENT");
    fse_json_kv_string(w, "action_id", "CREATE");
    fse_json_object_end(w);
}

fse_err fse_gen_meta_to_json(fse_buf *out, const fse_gen_meta *m)
{
    fse_json w;
    size_t i;

    if (out == NULL || m == NULL) {
        return fse_error_set(FSE_E_ARG, "gen", "NULL argument");
    }
    fse_json_init(&w, out);
    fse_json_object_begin(&w);
    fse_json_kv_string(&w, "type", m->type_name);
    fse_json_key(&w, "index");
    fse_json_number_text(&w, m->index);

    fse_json_key(&w, "patient");
    fse_json_object_begin(&w);
    fse_json_kv_string(&w, "codiceFiscale", m->patient_cf);
    fse_json_kv_string(&w, "given", m->patient_given);
    fse_json_kv_string(&w, "family", m->patient_family);
    fse_json_kv_string(&w, "gender", m->patient_gender);
    fse_json_kv_string(&w, "birthDate", m->patient_birth_date);
    fse_json_kv_string(&w, "birthPlace", m->patient_birth_place);
    fse_json_object_end(&w);

    fse_json_key(&w, "document");
    fse_json_object_begin(&w);
    fse_json_kv_string(&w, "loinc", m->loinc);
    fse_json_kv_string(&w, "loincDisplay", m->loinc_display);
    fse_json_kv_string(&w, "title", m->title);
    fse_json_kv_string(&w, "idRoot", m->id_root);
    fse_json_kv_string(&w, "idExtension", m->id_extension);
    fse_json_kv_string(&w, "setIdExtension", m->set_id_extension);
    fse_json_kv_string(&w, "versionNumber", "1");
    fse_json_kv_string(&w, "effectiveTime", m->effective_time);
    fse_json_kv_string(&w, "regionCode", m->region_code);
    fse_json_kv_string(&w, "regionName", m->region_name);
    fse_json_kv_string(&w, "facilityId", m->facility_id);
    fse_json_kv_string(&w, "facilityName", m->facility_name);
    fse_json_kv_string(&w, "authorCodiceFiscale", m->author_cf);
    fse_json_kv_string(&w, "authorGiven", m->author_given);
    fse_json_kv_string(&w, "authorFamily", m->author_family);
    kv(&w, "pdfSha256", m->pdf_sha256);
    fse_json_object_end(&w);

    request_body(&w, m);
    jwt_claims(&w, m);

    fse_json_key(&w, "codes");
    fse_json_array_begin(&w);
    for (i = 0; i < m->n_codes; i++) {
        fse_json_object_begin(&w);
        fse_json_kv_string(&w, "system", m->codes[i].system);
        fse_json_kv_string(&w, "code", m->codes[i].code);
        fse_json_object_end(&w);
    }
    fse_json_array_end(&w);
    fse_json_object_end(&w);
    return fse_json_status(&w);
}
