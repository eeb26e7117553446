/*
 * lib/cda/cda_check.c - the Gateway's cross-checks between the uploaded
 * document, its CDA header and the FSE-JWT-Signature claims.
 *
 * Owns: tipoDocumentoLivAlto vs LOINC (gateway-api §6.1), person_id vs the
 * CDA patient (§3, DISP AbstractCTL.validatePersonId), resource_hl7_type vs
 * ClinicalDocument/code (DISP validateResourceHl7Type), attachment_hash vs
 * the uploaded bytes (DISP validateDocumentHash) and the locality XON pattern
 * (§3). Messages are the Gateway's Italian details. Does not own JWT decoding,
 * signature checks or the claim enums (lib/jwt), nor the request body rules
 * (cda_request.c).
 */
#include "cda_int.h"

#include <string.h>
#include <strings.h>

#include "fse/util.h"

fse_err fse_cda_check_class(fse_cda_findings *out, const char *tipo_documento_liv_alto,
                            const char *loinc)
{
    fse_cda_class allowed;
    fse_cda_class given;

    if (out == NULL) {
        return fse_error_set(FSE_E_ARG, FSE_CDA_MODULE, "check_class: NULL list");
    }
    /* IMPLEMENTATION-OF: gateway-api §6.1 static map; types whose LOINC has
     * no row there (ErF 60593-1, Lettera_VACC 111490-9) use the class of
     * their row in the document-type table. */
    allowed = fse_cda_class_for_loinc(loinc);
    if (allowed == FSE_CDA_CLASS_NONE) {
        allowed = fse_cda_doc_desc_get(fse_cda_doc_by_loinc(loinc))->xds_class;
    }
    if (allowed == FSE_CDA_CLASS_NONE) {
        return fse_cda__add(out, FSE_CDA_RULE_CLASS_UNMAPPED,
                            "Il codice LOINC %s del documento non corrisponde ad alcun "
                            "tipoDocumentoLivAlto",
                            loinc != NULL ? loinc : "(assente)");
    }
    given = fse_cda_class_parse(tipo_documento_liv_alto);
    if (given != allowed) {
        return fse_cda__add(out, FSE_CDA_RULE_CLASS_MISMATCH,
                            "Il campo tipoDocumentoLivAlto %s non è coerente con la tipologia "
                            "di documento %s: atteso %s",
                            tipo_documento_liv_alto != NULL ? tipo_documento_liv_alto : "(assente)",
                            loinc, fse_cda_class_name(allowed));
    }
    return FSE_OK;
}

/*
 * The CF test DISP applies to a CX value (JwtSRV.isValidOid): no "^^^" ->
 * the whole value is a CF; otherwise the part before "^^^" is checked only
 * when the assigning authority (second '&' field) is the MEF OID or the
 * authority part is empty.
 */
static bool cx_fiscal_code_ok(const char *cx)
{
    const char *sep = strstr(cx, "^^^");
    const char *auth;
    const char *amp;
    const char *end;
    char cf[32];
    size_t cf_len;

    if (sep == NULL) {
        return fse_cf_check(cx, NULL, 0);
    }
    cf_len = (size_t)(sep - cx);
    if (cf_len >= sizeof(cf)) {
        return false;
    }
    memcpy(cf, cx, cf_len);
    cf[cf_len] = '\0';
    auth = sep + 3;
    end = strstr(auth, "^^^");
    if (end == NULL) {
        end = auth + strlen(auth);
    }
    if (auth == end) {
        return fse_cf_check(cf, NULL, 0);
    }
    amp = memchr(auth, '&', (size_t)(end - auth));
    if (amp != NULL) {
        const char *oid = amp + 1;
        const char *oid_end = memchr(oid, '&', (size_t)(end - oid));
        size_t oid_len = (size_t)((oid_end != NULL ? oid_end : end) - oid);

        if (oid_len == strlen(FSE_CDA_OID_CF) && strncmp(oid, FSE_CDA_OID_CF, oid_len) == 0) {
            return fse_cf_check(cf, NULL, 0);
        }
    }
    return true;
}

fse_err fse_cda_check_person_id(fse_cda_findings *out, const char *person_id,
                                const fse_cda_header *header)
{
    const fse_cda_ii *match = NULL;
    size_t id_len;
    size_t i;

    if (out == NULL || header == NULL) {
        return fse_error_set(FSE_E_ARG, FSE_CDA_MODULE, "check_person_id: NULL argument");
    }
    if (header->n_patient_ids == 0) {
        return fse_cda__add(out, FSE_CDA_RULE_PERSON_ID_MISSING,
                            "JWT payload: non è stato possibile verificare il codice fiscale "
                            "del paziente presente nel CDA");
    }
    if (person_id == NULL || person_id[0] == '\0') {
        return fse_cda__add(out, FSE_CDA_RULE_PERSON_ID_MISMATCH,
                            "Il campo person_id non è valorizzato");
    }
    /* IMPLEMENTATION-OF: §3 person_id: its first CX component must equal a
     * recordTarget/patientRole/id@extension. */
    id_len = strcspn(person_id, "^");
    for (i = 0; i < header->n_patient_ids && match == NULL; i++) {
        const char *ext = header->patient_ids[i].extension;

        if (ext != NULL && strlen(ext) == id_len && strncmp(ext, person_id, id_len) == 0) {
            match = &header->patient_ids[i];
        }
    }
    if (match == NULL) {
        return fse_cda__add(out, FSE_CDA_RULE_PERSON_ID_MISMATCH,
                            "JWT payload: Person id presente nel JWT differente dal codice "
                            "fiscale del paziente previsto sul CDA");
    }
    /* The CF check is skipped for TEAM card numbers (DISP TEAM_OID). */
    if ((match->root == NULL || strcmp(match->root, FSE_CDA_OID_TEAM) != 0) &&
        !cx_fiscal_code_ok(person_id)) {
        return fse_cda__add(out, FSE_CDA_RULE_PERSON_ID_CF,
                            "Il codice fiscale nel campo person_id non è corretto");
    }
    return FSE_OK;
}

fse_err fse_cda_check_hl7_type(fse_cda_findings *out, const char *resource_hl7_type,
                               const fse_cda_header *header)
{
    const char *cs;
    size_t code_len;
    size_t cs_len;

    if (out == NULL || header == NULL) {
        return fse_error_set(FSE_E_ARG, FSE_CDA_MODULE, "check_hl7_type: NULL argument");
    }
    if (header->code == NULL) {
        return fse_cda__add(out, FSE_CDA_RULE_HL7_TYPE_MISSING,
                            "JWT payload: non è stato possibile verificare la tipologia del CDA");
    }
    /* Expected text: ('<code>^^<codeSystem>') */
    cs = header->code_system != NULL ? header->code_system : "";
    code_len = strlen(header->code);
    cs_len = strlen(cs);
    if (resource_hl7_type == NULL || strlen(resource_hl7_type) != code_len + cs_len + 6 ||
        strncmp(resource_hl7_type, "('", 2) != 0 ||
        strncmp(resource_hl7_type + 2, header->code, code_len) != 0 ||
        strncmp(resource_hl7_type + 2 + code_len, "^^", 2) != 0 ||
        strncmp(resource_hl7_type + 4 + code_len, cs, cs_len) != 0 ||
        strcmp(resource_hl7_type + 4 + code_len + cs_len, "')") != 0) {
        return fse_cda__add(out, FSE_CDA_RULE_HL7_TYPE_MISMATCH,
                            "JWT payload: Tipologia documento diversa dalla tipologia di CDA "
                            "(code - codesystem)");
    }
    return FSE_OK;
}

fse_err fse_cda_check_attachment_hash(fse_cda_findings *out, const char *attachment_hash,
                                      const uint8_t *data, size_t len)
{
    char hex[65];
    fse_err rc;

    if (out == NULL || (data == NULL && len > 0)) {
        return fse_error_set(FSE_E_ARG, FSE_CDA_MODULE, "check_attachment_hash: bad argument");
    }
    rc = fse_cda_sha256_hex(hex, data, len);
    if (rc != FSE_OK) {
        return rc;
    }
    if (attachment_hash == NULL || strcasecmp(attachment_hash, hex) != 0) {
        return fse_cda__add(out, FSE_CDA_RULE_HASH_MISMATCH, "Verifica hash fallita.");
    }
    return FSE_OK;
}

bool fse_cda_locality_valid(const char *locality)
{
    const char *p = locality;
    int i;

    if (p == NULL) {
        return false;
    }
    /* ^[^^]*\^{5}&[^&]*&ISO\^{4}[^^&]*$ */
    p += strcspn(p, "^");
    for (i = 0; i < 5; i++) {
        if (*p++ != '^') {
            return false;
        }
    }
    if (*p++ != '&') {
        return false;
    }
    p += strcspn(p, "&");
    if (strncmp(p, "&ISO^^^^", 8) != 0) {
        return false;
    }
    p += 8;
    return p[strcspn(p, "^&")] == '\0';
}

fse_err fse_cda_check_locality(fse_cda_findings *out, const char *locality)
{
    if (out == NULL) {
        return fse_error_set(FSE_E_ARG, FSE_CDA_MODULE, "check_locality: NULL list");
    }
    if (!fse_cda_locality_valid(locality)) {
        return fse_cda__add(out, FSE_CDA_RULE_LOCALITY,
                            "Il campo Locality non è valorizzato correttamente");
    }
    return FSE_OK;
}
