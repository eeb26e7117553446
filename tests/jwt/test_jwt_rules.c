/*
 * tests/jwt/test_jwt_rules.c - the claim rules per operation
 * (fse_jwt_check_operation): the action_id x purpose_of_use table, the
 * mandatory claims one by one, claim values (locality, fiscal codes, roles,
 * organizations, consent, hash), the pair of tokens, the status call, and
 * the document checks on a real CDA (fse_jwt_check_document).
 */
#include "jwt_test.h"

#include <stdio.h>
#include <string.h>

#include "fse/xml.h"

#define LAB_XML FSE_SHARED_DIR "/fixtures/fhir-mapping/support-examples/cda/LAB.xml"

/* Sign both claim sets, verify them, run the rules of op into f. */
static void run_rules(fse_jwt_findings *f, const json_t *auth_claims, const fse_jwt_cred *auth_by,
                      const json_t *sig_claims, const fse_jwt_cred *sig_by, fse_jwt_op op)
{
    char *auth = jwt_sign_json(auth_by, auth_claims);
    char *sig = sig_claims != NULL ? jwt_sign_json(sig_by, sig_claims) : NULL;
    fse_jwt_claims *ca = NULL;
    fse_jwt_claims *cs = NULL;

    assert_int_equal(jwt_verify_reason(auth, &ca), FSE_JWT_OK);
    if (sig != NULL) {
        assert_int_equal(jwt_verify_reason(sig, &cs), FSE_JWT_OK);
    }
    assert_int_equal(fse_jwt_check_operation(f, ca, cs, op), FSE_OK);
    fse_jwt_claims_free(ca);
    fse_jwt_claims_free(cs);
    fse_free(auth);
    fse_free(sig);
}

/* The first finding for op with these signature claims is (want, claim);
 * FSE_JWT_OK: no finding at all. Takes ownership of sig_claims. */
static void expect_first(fse_jwt_op op, json_t *sig_claims, fse_jwt_reason want, const char *claim)
{
    json_t *auth_claims = jwt_claims_of(op, false);
    fse_jwt_findings f;

    fse_jwt_findings_init(&f);
    run_rules(&f, auth_claims, g.signer, sig_claims, g.signer, op);
    if (want == FSE_JWT_OK) {
        if (f.n_items != 0) {
            fail_msg("op %d: unexpected %s on %s", (int)op, fse_jwt_reason_name(f.items[0].reason),
                     f.items[0].claim);
        }
    } else {
        if (f.n_items == 0) {
            fail_msg("op %d: expected %s on %s, no finding", (int)op, fse_jwt_reason_name(want),
                     claim);
        }
        if (f.items[0].reason != want || strcmp(f.items[0].claim, claim) != 0) {
            fail_msg("op %d: expected %s on %s, got %s on %s (%s)", (int)op,
                     fse_jwt_reason_name(want), claim, fse_jwt_reason_name(f.items[0].reason),
                     f.items[0].claim, f.items[0].detail);
        }
        assert_true(strlen(f.items[0].detail) > 0);
        assert_true(fse_jwt_findings_has(&f, want, claim));
        assert_true(fse_jwt_findings_has(&f, want, NULL));
    }
    fse_jwt_findings_free(&f);
    json_decref(auth_claims);
    json_decref(sig_claims);
}

/* Default signature claims of op with key set to value (NULL: removed). */
static json_t *edit(fse_jwt_op op, const char *key, json_t *value)
{
    json_t *claims = jwt_claims_of(op, true);

    if (value == NULL) {
        json_object_del(claims, key);
    } else {
        json_object_set_new(claims, key, value);
    }
    return claims;
}

static json_t *with_pair(fse_jwt_op op, const char *action, const char *purpose)
{
    json_t *claims = jwt_claims_of(op, true);

    json_object_set_new(claims, "action_id", json_string(action));
    json_object_set_new(claims, "purpose_of_use", json_string(purpose));
    return claims;
}

/* ---- coherence table --------------------------------------------------- */

void test_rules_coherence(void **state)
{
    static const struct {
        fse_jwt_op op;
        const char *action;
        const char *purpose;
        fse_jwt_reason want;
        const char *claim;
    } rows[] = {
        {FSE_JWT_OP_VALIDATION, "CREATE", "TREATMENT", FSE_JWT_OK, ""},
        {FSE_JWT_OP_VALIDATION, "UPDATE", "TREATMENT", FSE_JWT_OK, ""},
        {FSE_JWT_OP_VALIDATION, "DELETE", "TREATMENT", FSE_JWT_E_OPERATION, "action_id"},
        {FSE_JWT_OP_VALIDATION, "READ", "TREATMENT", FSE_JWT_E_OPERATION, "action_id"},
        {FSE_JWT_OP_VALIDATION, "CREATE", "UPDATE", FSE_JWT_E_OPERATION, "purpose_of_use"},
        {FSE_JWT_OP_CREATE, "CREATE", "TREATMENT", FSE_JWT_OK, ""},
        {FSE_JWT_OP_CREATE, "create", "treatment", FSE_JWT_OK, ""},
        {FSE_JWT_OP_CREATE, "UPDATE", "TREATMENT", FSE_JWT_E_OPERATION, "action_id"},
        {FSE_JWT_OP_CREATE, "CREATE", "UPDATE", FSE_JWT_E_OPERATION, "purpose_of_use"},
        {FSE_JWT_OP_CREATE, "CREATE", "EMERGENCY", FSE_JWT_E_OPERATION, "purpose_of_use"},
        {FSE_JWT_OP_REPLACE, "UPDATE", "UPDATE", FSE_JWT_OK, ""},
        {FSE_JWT_OP_REPLACE, "UPDATE", "TREATMENT", FSE_JWT_OK, ""},
        {FSE_JWT_OP_REPLACE, "CREATE", "TREATMENT", FSE_JWT_E_OPERATION, "action_id"},
        {FSE_JWT_OP_REPLACE, "UPDATE", "ACCESS UPDATE", FSE_JWT_E_OPERATION, "purpose_of_use"},
        {FSE_JWT_OP_METADATA_UPDATE, "UPDATE", "UPDATE", FSE_JWT_OK, ""},
        {FSE_JWT_OP_METADATA_UPDATE, "UPDATE", "ACCESS UPDATE", FSE_JWT_OK, ""},
        {FSE_JWT_OP_METADATA_UPDATE, "UPDATE", "TREATMENT", FSE_JWT_E_OPERATION, "purpose_of_use"},
        {FSE_JWT_OP_METADATA_UPDATE, "DELETE", "UPDATE", FSE_JWT_E_OPERATION, "action_id"},
        {FSE_JWT_OP_DELETE, "DELETE", "UPDATE", FSE_JWT_OK, ""},
        {FSE_JWT_OP_DELETE, "DELETE", "TREATMENT", FSE_JWT_E_OPERATION, "purpose_of_use"},
        {FSE_JWT_OP_DELETE, "DELETE", "SYSADMIN", FSE_JWT_E_OPERATION, "purpose_of_use"},
        {FSE_JWT_OP_DELETE, "UPDATE", "UPDATE", FSE_JWT_E_OPERATION, "action_id"},
        {FSE_JWT_OP_READ, "READ", "TREATMENT", FSE_JWT_OK, ""},
        {FSE_JWT_OP_READ, "READ", "PERSONAL", FSE_JWT_OK, ""},
        {FSE_JWT_OP_READ, "READ", "EMERGENCY", FSE_JWT_OK, ""},
        {FSE_JWT_OP_READ, "CREATE", "TREATMENT", FSE_JWT_E_OPERATION, "action_id"},
        {FSE_JWT_OP_READ, "READ", "CONSENT", FSE_JWT_E_OPERATION, "purpose_of_use"},
        /* Values outside the enums are malformed, not incoherent. */
        {FSE_JWT_OP_CREATE, "PUBLISH", "TREATMENT", FSE_JWT_E_CLAIM_VALUE, "action_id"},
        {FSE_JWT_OP_CREATE, "CREATE", "RESEARCH", FSE_JWT_E_CLAIM_VALUE, "purpose_of_use"},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        expect_first(rows[i].op, with_pair(rows[i].op, rows[i].action, rows[i].purpose),
                     rows[i].want, rows[i].claim);
    }
}

/* ---- mandatory claims -------------------------------------------------- */

void test_rules_mandatory(void **state)
{
    /* DISP JwtSRV.validateMandatoryFields order. */
    static const char *const always[] = {"patient_consent",
                                         "action_id",
                                         "locality",
                                         "person_id",
                                         "purpose_of_use",
                                         "subject_organization",
                                         "subject_organization_id",
                                         "subject_role",
                                         "subject_application_id",
                                         "subject_application_vendor",
                                         "subject_application_version"};
    size_t i;
    int op;

    (void)state;
    for (op = 0; op < FSE_JWT_OP_COUNT; op++) {
        if (op == FSE_JWT_OP_STATUS) {
            continue;
        }
        for (i = 0; i < sizeof(always) / sizeof(always[0]); i++) {
            expect_first((fse_jwt_op)op, edit((fse_jwt_op)op, always[i], NULL),
                         FSE_JWT_E_MISSING_CLAIM, always[i]);
            if (strcmp(always[i], "patient_consent") != 0) {
                expect_first((fse_jwt_op)op, edit((fse_jwt_op)op, always[i], json_string("")),
                             FSE_JWT_E_MISSING_CLAIM, always[i]);
            }
        }
    }
    /* Operation-dependent claims (§3 table). */
    expect_first(FSE_JWT_OP_VALIDATION, edit(FSE_JWT_OP_VALIDATION, "resource_hl7_type", NULL),
                 FSE_JWT_E_MISSING_CLAIM, "resource_hl7_type");
    expect_first(FSE_JWT_OP_VALIDATION, edit(FSE_JWT_OP_VALIDATION, "attachment_hash", NULL),
                 FSE_JWT_OK, "");
    expect_first(FSE_JWT_OP_CREATE, edit(FSE_JWT_OP_CREATE, "resource_hl7_type", NULL),
                 FSE_JWT_E_MISSING_CLAIM, "resource_hl7_type");
    expect_first(FSE_JWT_OP_CREATE, edit(FSE_JWT_OP_CREATE, "attachment_hash", NULL),
                 FSE_JWT_E_MISSING_CLAIM, "attachment_hash");
    expect_first(FSE_JWT_OP_REPLACE, edit(FSE_JWT_OP_REPLACE, "attachment_hash", NULL),
                 FSE_JWT_E_MISSING_CLAIM, "attachment_hash");
    expect_first(FSE_JWT_OP_METADATA_UPDATE,
                 edit(FSE_JWT_OP_METADATA_UPDATE, "resource_hl7_type", NULL),
                 FSE_JWT_E_MISSING_CLAIM, "resource_hl7_type");
    expect_first(FSE_JWT_OP_METADATA_UPDATE,
                 edit(FSE_JWT_OP_METADATA_UPDATE, "attachment_hash", NULL), FSE_JWT_OK, "");
    expect_first(FSE_JWT_OP_DELETE, edit(FSE_JWT_OP_DELETE, "resource_hl7_type", NULL), FSE_JWT_OK,
                 "");
    expect_first(FSE_JWT_OP_READ, edit(FSE_JWT_OP_READ, "resource_hl7_type", NULL), FSE_JWT_OK, "");
}

/* ---- claim values ------------------------------------------------------ */

void test_rules_values(void **state)
{
    const char *bad_locality = "LABORATORIO DI PROVA^^^^&2.16.840.1.113883.2.9.4.1.3&ISO^^^^1";
    int op;

    (void)state;
    /* Locality XON: blocking on CREATE, REPLACE, METADATA_UPDATE, DELETE. */
    for (op = 0; op < FSE_JWT_OP_COUNT; op++) {
        bool enforced = op == FSE_JWT_OP_CREATE || op == FSE_JWT_OP_REPLACE ||
                        op == FSE_JWT_OP_METADATA_UPDATE || op == FSE_JWT_OP_DELETE;

        if (op == FSE_JWT_OP_STATUS) {
            continue;
        }
        expect_first((fse_jwt_op)op, edit((fse_jwt_op)op, "locality", json_string(bad_locality)),
                     enforced ? FSE_JWT_E_CLAIM_VALUE : FSE_JWT_OK, enforced ? "locality" : "");
    }
    expect_first(FSE_JWT_OP_CREATE,
                 edit(FSE_JWT_OP_CREATE, "locality",
                      json_string("OSPEDALE^^^^^&2.16.840.1.113883.2.9.4.1.2&ISO^^^^010030")),
                 FSE_JWT_OK, "");
    /* person_id: check character, bare CF, TEAM and other authorities. */
    expect_first(FSE_JWT_OP_CREATE,
                 edit(FSE_JWT_OP_CREATE, "person_id",
                      json_string("RSSMRA85T10A562T^^^&2.16.840.1.113883.2.9.4.3.2&ISO")),
                 FSE_JWT_E_CLAIM_VALUE, "person_id");
    expect_first(FSE_JWT_OP_CREATE,
                 edit(FSE_JWT_OP_CREATE, "person_id", json_string("RSSMRA85T10A562T")),
                 FSE_JWT_E_CLAIM_VALUE, "person_id");
    expect_first(FSE_JWT_OP_CREATE,
                 edit(FSE_JWT_OP_CREATE, "person_id", json_string("RSSMRA85T10A562S^^^")),
                 FSE_JWT_OK, "");
    expect_first(FSE_JWT_OP_CREATE,
                 edit(FSE_JWT_OP_CREATE, "person_id",
                      json_string("80380000500000000001^^^&2.16.840.1.113883.2.9.4.3.7&ISO")),
                 FSE_JWT_OK, "");
    expect_first(FSE_JWT_OP_CREATE,
                 edit(FSE_JWT_OP_CREATE, "person_id",
                      json_string("STP1201010000001^^^&2.16.840.1.113883.2.9.4.3.17&ISO")),
                 FSE_JWT_OK, "");
    /* Roles compare exactly; organizations by code and by name. */
    expect_first(FSE_JWT_OP_CREATE, edit(FSE_JWT_OP_CREATE, "subject_role", json_string("XXX")),
                 FSE_JWT_E_CLAIM_VALUE, "subject_role");
    expect_first(FSE_JWT_OP_CREATE, edit(FSE_JWT_OP_CREATE, "subject_role", json_string("aas")),
                 FSE_JWT_E_CLAIM_VALUE, "subject_role");
    expect_first(FSE_JWT_OP_CREATE, edit(FSE_JWT_OP_CREATE, "subject_role", json_string("DAP")),
                 FSE_JWT_OK, "");
    expect_first(FSE_JWT_OP_CREATE,
                 edit(FSE_JWT_OP_CREATE, "subject_organization", json_string("Regione Lombardia")),
                 FSE_JWT_E_CLAIM_VALUE, "subject_organization");
    expect_first(FSE_JWT_OP_CREATE,
                 edit(FSE_JWT_OP_CREATE, "subject_organization", json_string("regione lazio")),
                 FSE_JWT_OK, "");
    expect_first(FSE_JWT_OP_CREATE,
                 edit(FSE_JWT_OP_CREATE, "subject_organization", json_string("Regione Atlantide")),
                 FSE_JWT_E_CLAIM_VALUE, "subject_organization");
    expect_first(FSE_JWT_OP_CREATE,
                 edit(FSE_JWT_OP_CREATE, "subject_organization_id", json_string("998")),
                 FSE_JWT_E_CLAIM_VALUE, "subject_organization_id");
    assert_string_equal(fse_jwt_organization_name("041"), "P.A. Bolzano");
    assert_string_equal(fse_jwt_organization_name("999"), "MDS");
    assert_null(fse_jwt_organization_name("12"));
    assert_null(fse_jwt_organization_name(NULL));
    /* Consent and hash. */
    expect_first(FSE_JWT_OP_CREATE, edit(FSE_JWT_OP_CREATE, "patient_consent", json_false()),
                 FSE_JWT_E_CLAIM_VALUE, "patient_consent");
    expect_first(FSE_JWT_OP_CREATE, edit(FSE_JWT_OP_CREATE, "attachment_hash", json_string("xyz")),
                 FSE_JWT_E_CLAIM_VALUE, "attachment_hash");
    expect_first(
        FSE_JWT_OP_CREATE,
        edit(FSE_JWT_OP_CREATE, "attachment_hash",
             json_string("0F343B0931126A20F133D67C2B018A3B5B2E2E5F5D1E6C1C5C8A1E1D2C3B4A59")),
        FSE_JWT_OK, "");
}

/* ---- the pair ---------------------------------------------------------- */

static void expect_pair(const json_t *auth_claims, const fse_jwt_cred *auth_by,
                        const json_t *sig_claims, const fse_jwt_cred *sig_by, fse_jwt_reason want,
                        const char *claim)
{
    fse_jwt_findings f;

    fse_jwt_findings_init(&f);
    run_rules(&f, auth_claims, auth_by, sig_claims, sig_by, FSE_JWT_OP_CREATE);
    if (want == FSE_JWT_OK) {
        assert_int_equal(f.n_items, 0);
    } else {
        assert_true(f.n_items > 0);
        if (f.items[0].reason != want || strcmp(f.items[0].claim, claim) != 0) {
            fail_msg("expected %s on %s, got %s on %s", fse_jwt_reason_name(want), claim,
                     fse_jwt_reason_name(f.items[0].reason), f.items[0].claim);
        }
    }
    fse_jwt_findings_free(&f);
}

void test_rules_pair(void **state)
{
    json_t *auth = jwt_claims_of(FSE_JWT_OP_CREATE, false);
    json_t *sig = jwt_claims_of(FSE_JWT_OP_CREATE, true);
    json_t *auth2 = json_deep_copy(auth);
    json_t *sig2 = json_deep_copy(sig);
    fse_jwt_claims *c = NULL;
    fse_jwt_findings f;
    char *token;

    (void)state;
    expect_pair(auth, g.signer, sig, g.signer, FSE_JWT_OK, "");
    /* Each token in the other's header. */
    expect_pair(sig, g.signer, sig, g.signer, FSE_JWT_E_ISSUER, "iss");
    expect_pair(auth, g.signer, auth, g.signer, FSE_JWT_E_ISSUER, "iss");
    /* Two certificates (each token is valid on its own). */
    json_object_set_new(auth2, "iss", json_string("auth:S1#120#OTHERVENDOR"));
    expect_pair(auth2, g.signer2, sig, g.signer, FSE_JWT_E_SUBJECT, "");
    /* Two subjects. */
    json_object_set_new(sig2, "sub",
                        json_string("GTWGWY82B42G920M^^^&2.16.840.1.113883.2.9.4.3.2&ISO"));
    expect_pair(auth, g.signer, sig2, g.signer, FSE_JWT_E_SUBJECT, "sub");
    /* A bad fiscal code in sub (the same in both tokens). */
    json_object_set_new(auth2, "iss", json_string("auth:S1#120#TESTVENDOR"));
    json_object_set_new(auth2, "sub",
                        json_string("RSSMRA85T10A562T^^^&2.16.840.1.113883.2.9.4.3.2&ISO"));
    json_object_set_new(sig2, "sub",
                        json_string("RSSMRA85T10A562T^^^&2.16.840.1.113883.2.9.4.3.2&ISO"));
    expect_pair(auth2, g.signer, sig2, g.signer, FSE_JWT_E_CLAIM_VALUE, "sub");
    /* A sub with another authority is not a fiscal code to check. */
    json_object_set_new(auth2, "sub", json_string("X123^^^&2.16.840.1.113883.2.9.2.120&ISO"));
    json_object_set_new(sig2, "sub", json_string("X123^^^&2.16.840.1.113883.2.9.2.120&ISO"));
    expect_pair(auth2, g.signer, sig2, g.signer, FSE_JWT_OK, "");
    /* Arguments. */
    token = jwt_sign_json(g.signer, auth);
    assert_int_equal(jwt_verify_reason(token, &c), FSE_JWT_OK);
    fse_jwt_findings_init(&f);
    assert_int_equal(fse_jwt_check_operation(&f, c, NULL, FSE_JWT_OP_CREATE), FSE_E_ARG);
    assert_int_equal(fse_jwt_check_operation(&f, c, c, FSE_JWT_OP_COUNT), FSE_E_ARG);
    assert_int_equal(fse_jwt_check_operation(NULL, c, c, FSE_JWT_OP_CREATE), FSE_E_ARG);
    assert_int_equal(fse_jwt_check_operation(&f, NULL, c, FSE_JWT_OP_CREATE), FSE_E_ARG);
    assert_int_equal(f.n_items, 0);
    fse_jwt_findings_free(&f);
    fse_jwt_findings_free(NULL);
    fse_jwt_claims_free(c);
    fse_free(token);
    json_decref(auth);
    json_decref(sig);
    json_decref(auth2);
    json_decref(sig2);
}

void test_rules_status(void **state)
{
    json_t *auth = jwt_claims_of(FSE_JWT_OP_STATUS, false);
    json_t *sig = jwt_claims_of(FSE_JWT_OP_CREATE, true);
    fse_jwt_findings f;

    (void)state;
    fse_jwt_findings_init(&f);
    run_rules(&f, auth, g.signer, NULL, NULL, FSE_JWT_OP_STATUS);
    assert_int_equal(f.n_items, 0);
    /* The FSE-JWT-Signature token is not a Bearer token. */
    run_rules(&f, sig, g.signer, NULL, NULL, FSE_JWT_OP_STATUS);
    assert_int_equal(f.n_items, 1);
    assert_int_equal(f.items[0].reason, FSE_JWT_E_ISSUER);
    fse_jwt_findings_free(&f);
    json_object_set_new(auth, "sub", json_string("RSSMRA85T10A562T"));
    run_rules(&f, auth, g.signer, NULL, NULL, FSE_JWT_OP_STATUS);
    assert_int_equal(f.n_items, 1);
    assert_int_equal(f.items[0].reason, FSE_JWT_E_CLAIM_VALUE);
    assert_string_equal(f.items[0].claim, "sub");
    fse_jwt_findings_free(&f);
    json_decref(auth);
    json_decref(sig);
}

/* ---- document checks --------------------------------------------------- */

void test_rules_document(void **state)
{
    uint8_t *data = NULL;
    size_t len = 0;
    xmlDocPtr doc = NULL;
    fse_cda_header *header = NULL;
    fse_jwt_pair_opts o = jwt_pair_opts(FSE_JWT_OP_CREATE);
    fse_jwt_claims *cs = NULL;
    fse_cda_findings f;
    char hash[65];
    char *auth = NULL;
    char *sig = NULL;

    (void)state;
    assert_int_equal(fse_file_read(LAB_XML, 16u * 1024u * 1024u, &data, &len), FSE_OK);
    assert_int_equal(fse_xml_parse(&doc, NULL, data, len, NULL), FSE_OK);
    assert_int_equal(fse_cda_header_extract(&header, doc), FSE_OK);
    assert_int_equal(fse_cda_sha256_hex(hash, data, len), FSE_OK);
    o.patient_cf = header->patient_id.extension;
    o.loinc = header->code;
    o.pdf_sha256 = hash;
    assert_int_equal(fse_jwt_make_pair(&auth, &sig, g.signer, &o), FSE_OK);
    assert_int_equal(jwt_verify_reason(sig, &cs), FSE_JWT_OK);

    fse_cda_findings_init(&f);
    assert_int_equal(fse_jwt_check_document(&f, cs, FSE_JWT_OP_CREATE, header, data, len), FSE_OK);
    assert_int_equal(f.n_items, 0);
    assert_int_equal(fse_jwt_check_document(&f, cs, FSE_JWT_OP_VALIDATION, header, NULL, 0),
                     FSE_OK);
    assert_int_equal(f.n_items, 0);
    /* Other bytes than the ones hashed in the token. */
    assert_int_equal(fse_jwt_check_document(&f, cs, FSE_JWT_OP_REPLACE, header, data, len - 1),
                     FSE_OK);
    assert_true(fse_cda_findings_has(&f, FSE_CDA_RULE_HASH_MISMATCH));
    fse_cda_findings_free(&f);
    /* No document on delete and metadata update. */
    fse_cda_findings_init(&f);
    assert_int_equal(fse_jwt_check_document(&f, cs, FSE_JWT_OP_DELETE, NULL, NULL, 0), FSE_OK);
    assert_int_equal(fse_jwt_check_document(&f, cs, FSE_JWT_OP_METADATA_UPDATE, NULL, NULL, 0),
                     FSE_OK);
    assert_int_equal(f.n_items, 0);
    assert_int_equal(fse_jwt_check_document(&f, cs, FSE_JWT_OP_CREATE, NULL, data, len), FSE_E_ARG);
    fse_jwt_claims_free(cs);
    cs = NULL;
    fse_free(auth);
    fse_free(sig);

    /* Another patient and another document type than the CDA's. */
    o.patient_cf = PATIENT_CF;
    o.loinc = "68604-8";
    assert_int_equal(fse_jwt_make_pair(&auth, &sig, g.signer, &o), FSE_OK);
    assert_int_equal(jwt_verify_reason(sig, &cs), FSE_JWT_OK);
    assert_int_equal(fse_jwt_check_document(&f, cs, FSE_JWT_OP_CREATE, header, data, len), FSE_OK);
    assert_true(fse_cda_findings_has(&f, FSE_CDA_RULE_PERSON_ID_MISMATCH));
    assert_true(fse_cda_findings_has(&f, FSE_CDA_RULE_HL7_TYPE_MISMATCH));
    assert_false(fse_cda_findings_has(&f, FSE_CDA_RULE_HASH_MISMATCH));
    fse_cda_findings_free(&f);
    fse_jwt_claims_free(cs);
    fse_free(auth);
    fse_free(sig);
    fse_cda_header_free(header);
    xmlFreeDoc(doc);
    fse_free(data);
}
