/*
 * tests/cda/test_cda.c - unit tests of lib/cda on the real FSE samples:
 * header extraction on every sample, routing against expected.tsv, known
 * header values, codice fiscale check characters, the Gateway cross-checks,
 * the request body rules, the link hash and the workflowInstanceId. The
 * maggior tutela detector is tested in test_cda_tutela.c and
 * test_cda_tutela_corpus.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "fse/cda.h"
#include "fse/util.h"
#include "fse/xml.h"

#include "test_cda.h"

#define VALIDATION_DIR FSE_SHARED_DIR "/fixtures/validation"
#define SUPPORT_CDA_DIR FSE_SHARED_DIR "/fixtures/fhir-mapping/support-examples/cda"
#define LDO_XML SUPPORT_CDA_DIR "/LDO.xml"
#define LAB_XML SUPPORT_CDA_DIR "/LAB.xml"

static const char *const sample_types[] = {"CERT_VACC", "LAB", "LDO",       "PSS", "RAD",
                                           "RAP",       "RSA", "SING_VACC", "VPS", NULL};

/* ---- helpers ----------------------------------------------------------- */

static uint8_t *read_file(const char *path, size_t *len)
{
    uint8_t *data = NULL;

    assert_int_equal(fse_file_read(path, 16u * 1024u * 1024u, &data, len), FSE_OK);
    return data;
}

static xmlDocPtr parse_bytes(const uint8_t *data, size_t len)
{
    xmlDocPtr doc = NULL;

    if (fse_xml_parse(&doc, NULL, data, len, NULL) != FSE_OK) {
        return NULL;
    }
    return doc;
}

static xmlDocPtr parse_file(const char *path)
{
    size_t len = 0;
    uint8_t *data = read_file(path, &len);
    xmlDocPtr doc = parse_bytes(data, len);

    fse_free(data);
    return doc;
}

/* Copy of text with the first occurrence of from replaced by to. */
static char *replace_once(const char *text, const char *from, const char *to)
{
    const char *at = strstr(text, from);
    size_t head;
    size_t total;
    char *out;

    assert_non_null(at);
    head = (size_t)(at - text);
    total = strlen(text) - strlen(from) + strlen(to);
    out = fse_malloc(total + 1);
    assert_non_null(out);
    memcpy(out, text, head);
    memcpy(out + head, to, strlen(to));
    memcpy(out + head + strlen(to), at + strlen(from), strlen(at + strlen(from)) + 1);
    return out;
}

static void link_hash_of_text(char out[FSE_CDA_LINK_HASH_LEN], const char *text)
{
    xmlDocPtr doc = parse_bytes((const uint8_t *)text, strlen(text));

    assert_non_null(doc);
    assert_int_equal(fse_cda_link_hash(out, doc), FSE_OK);
    xmlFreeDoc(doc);
}

static fse_cda_header *header_of(const char *path)
{
    xmlDocPtr doc = parse_file(path);
    fse_cda_header *h = NULL;

    assert_non_null(doc);
    assert_int_equal(fse_cda_header_extract(&h, doc), FSE_OK);
    xmlFreeDoc(doc);
    return h;
}

/* ---- document-type table ----------------------------------------------- */

static void table_rows_are_consistent(void **state)
{
    int t;

    (void)state;
    for (t = 1; t < FSE_CDA_DOC_COUNT; t++) {
        const fse_cda_doc_desc *d = fse_cda_doc_desc_get((fse_doc_type)t);

        assert_int_equal(d->type, t);
        assert_int_equal(fse_cda_doc_by_name(d->name), t);
        assert_int_equal(fse_cda_doc_by_template(d->template_root), t);
        assert_non_null(d->loinc[0]);
        assert_int_not_equal(d->xds_class, FSE_CDA_CLASS_NONE);
    }
    assert_int_equal(fse_cda_doc_desc_get((fse_doc_type)999)->type, FSE_CDA_DOC_UNKNOWN);
    assert_int_equal(fse_cda_doc_by_template("2.16.840.1.113883.2.9.10.1.11.1.2"),
                     FSE_CDA_DOC_CERT_VACC);
    assert_int_equal(fse_cda_doc_by_name("ErF_NoSSN"), FSE_CDA_DOC_ERF_NOSSN);
    assert_int_equal(fse_cda_doc_by_name("erf_nossn"), FSE_CDA_DOC_UNKNOWN);
    assert_int_equal(fse_cda_doc_by_loinc("59258-4"), FSE_CDA_DOC_VPS);
    assert_int_equal(fse_cda_doc_by_loinc("75496-0"), FSE_CDA_DOC_TELEVISITA);
    assert_int_equal(fse_cda_doc_by_loinc(NULL), FSE_CDA_DOC_UNKNOWN);
    assert_string_equal(fse_cda_class_name(FSE_CDA_CLASS_VRB), "VRB");
    assert_int_equal(fse_cda_class_parse("COL"), FSE_CDA_CLASS_COL);
    assert_int_equal(fse_cda_class_parse("col"), FSE_CDA_CLASS_NONE);
    assert_int_equal(fse_cda_class_for_loinc("18842-5"), FSE_CDA_CLASS_LDO);
    assert_int_equal(fse_cda_class_for_loinc("102033-8"), FSE_CDA_CLASS_NONE);
    assert_true(fse_cda_doc_desc_get(FSE_CDA_DOC_LAB)->fhir_mapping);
    assert_false(fse_cda_doc_desc_get(FSE_CDA_DOC_TPI)->fhir_mapping);
}

/* ---- header extraction on the real samples ------------------------------ */

/* Extract the header (and link hash) of every XML file in dir. */
static size_t extract_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    size_t n = 0;

    if (d == NULL) {
        return 0;
    }
    while ((e = readdir(d)) != NULL) {
        char path[1024];
        size_t nl = strlen(e->d_name);
        xmlDocPtr doc;
        fse_cda_header *h = NULL;
        char hash[FSE_CDA_LINK_HASH_LEN];

        if (nl < 5 || strcmp(e->d_name + nl - 4, ".xml") != 0) {
            continue;
        }
        assert_true((size_t)snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) < sizeof(path));
        doc = parse_file(path);
        if (doc == NULL) {
            continue;
        }
        assert_int_equal(fse_cda_header_extract(&h, doc), FSE_OK);
        assert_int_equal(fse_cda_link_hash(hash, doc), FSE_OK);
        assert_int_equal(strlen(hash), FSE_CDA_LINK_HASH_LEN - 1);
        fse_cda_header_free(h);
        xmlFreeDoc(doc);
        n++;
    }
    closedir(d);
    return n;
}

static void every_sample_header_parses(void **state)
{
    size_t n = 0;
    size_t i;

    (void)state;
    for (i = 0; sample_types[i] != NULL; i++) {
        char dir[512];

        snprintf(dir, sizeof(dir), "%s/samples/%s/valid", VALIDATION_DIR, sample_types[i]);
        n += extract_dir(dir);
        snprintf(dir, sizeof(dir), "%s/samples/%s/invalid", VALIDATION_DIR, sample_types[i]);
        n += extract_dir(dir);
    }
    n += extract_dir(SUPPORT_CDA_DIR);
    /* 378 sample XML files in expected.tsv plus 9 support examples. */
    assert_true(n >= 380);
}

static void header_of_odd_trees_is_empty_not_crash(void **state)
{
    static const char *const docs[] = {
        "<a/>",
        "<ClinicalDocument xmlns='urn:hl7-org:v3'/>",
        "<ClinicalDocument><recordTarget/><recordTarget><patientRole><id/></patientRole>"
        "</recordTarget><author/><legalAuthenticator a='1'>x<b>y</b></legalAuthenticator>"
        "<inFulfillmentOf><order><id root='2.16.840.1.113883.2.9.4.3.9'/></order>"
        "</inFulfillmentOf><code/><title/></ClinicalDocument>",
        "<x><y><templateId root='2.16.840.1.113883.2.9.10.1.1'/></y></x>",
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
        xmlDocPtr doc = parse_bytes((const uint8_t *)docs[i], strlen(docs[i]));
        fse_cda_header *h = NULL;
        char hash[FSE_CDA_LINK_HASH_LEN];

        assert_non_null(doc);
        assert_int_equal(fse_cda_header_extract(&h, doc), FSE_OK);
        assert_int_equal(fse_cda_link_hash(hash, doc), FSE_OK);
        assert_null(h->id.root);
        assert_null(h->code);
        if (i == 2) {
            assert_int_equal(h->n_patient_ids, 1);
            assert_null(h->patient_ids[0].root);
            assert_null(h->nre);
            assert_string_equal(h->title, "");
        }
        if (i == 3) {
            assert_int_equal(h->doc_type, FSE_CDA_DOC_LAB);
        } else {
            assert_int_equal(h->doc_type, FSE_CDA_DOC_UNKNOWN);
        }
        fse_cda_header_free(h);
        xmlFreeDoc(doc);
    }
    fse_cda_header_free(NULL);
    assert_int_equal(fse_cda_header_extract(NULL, NULL), FSE_E_ARG);
}

static void ldo_header_known_values(void **state)
{
    fse_cda_header *h = header_of(LDO_XML);

    (void)state;
    assert_string_equal(h->type_id_extension, "POCD_MT000040UV02");
    assert_string_equal(h->template_root, "2.16.840.1.113883.2.9.10.1.5");
    assert_int_equal(h->doc_type, FSE_CDA_DOC_LDO);
    assert_string_equal(h->id.root, "2.16.840.1.113883.2.9.2.120.4.4");
    assert_string_equal(h->id.extension, "030702.LCNLDE90L47H501Q.20220420112426.Q123E456");
    assert_string_equal(h->set_id.root, "2.16.840.1.113883.2.9.2.99.4.4");
    assert_string_equal(h->version_number, "1");
    assert_string_equal(h->code, "34105-7");
    assert_string_equal(h->code_system, "2.16.840.1.113883.6.1");
    assert_string_equal(h->code_display, "Lettera di dimissione ospedaliera");
    assert_string_equal(h->effective_time, "20220417100000+0100");
    assert_string_equal(h->confidentiality, "N");
    assert_string_equal(h->language, "it-IT");
    assert_string_equal(h->patient_id.root, FSE_CDA_OID_CF);
    assert_string_equal(h->patient_id.extension, "GTWGWY82B42G920M");
    assert_int_equal(h->n_patient_ids, 1);
    assert_string_equal(h->patient_family, "Rossi");
    assert_string_equal(h->patient_given, "Guido");
    assert_string_equal(h->patient_gender, "M");
    assert_string_equal(h->patient_birth_time, "19800329");
    assert_string_equal(h->author_id.extension, "PROVAX00X00X000Y");
    assert_string_equal(h->author_family, "Cervone");
    assert_string_equal(h->author_given, "Matteo");
    assert_null(h->author_org_id.root);
    assert_string_equal(h->custodian_id.root, "2.16.840.1.113883.2.9.4.1.2");
    assert_string_equal(h->custodian_id.extension, "130106");
    assert_string_equal(h->custodian_name, "ASL Roma1");
    assert_string_equal(h->legal_auth_time, "20220417093500+0100");
    assert_string_equal(h->legal_auth_signature, "S");
    assert_string_equal(h->legal_auth_id.extension, "PROVAX00X00X000Y");
    assert_string_equal(h->order_id.root, FSE_CDA_OID_NRE);
    assert_string_equal(h->nre, "[NRE]");
    /* relatedDocument is commented out in this sample */
    assert_null(h->related_type);
    assert_null(h->parent_id.root);
    fse_cda_header_free(h);
}

static void lab_header_known_values(void **state)
{
    fse_cda_header *h = header_of(LAB_XML);

    (void)state;
    assert_int_equal(h->doc_type, FSE_CDA_DOC_LAB);
    assert_string_equal(h->title, " REFERTO DI LABORATORIO");
    assert_string_equal(h->code, "11502-2");
    assert_string_equal(h->id.extension, "030702.TSTSMN63A01F205H.20220325112426.OQlvTq1J");
    assert_string_equal(h->patient_family, "Test");
    assert_string_equal(h->patient_birth_time, "19930619");
    assert_string_equal(h->custodian_id.extension, "120148");
    assert_string_equal(h->custodian_name, "SAN RAFFAELE NOMENTANA");
    assert_string_equal(h->legal_auth_time, "20220325110000+0100");
    fse_cda_header_free(h);
}

static void related_document_and_non_nre_order(void **state)
{
    size_t len = 0;
    uint8_t *data = read_file(LDO_XML, &len);
    char *a = replace_once((const char *)data, "<!-- <relatedDocument typeCode=\"RPLC\"> -->",
                           "<relatedDocument typeCode=\"RPLC\"><parentDocument>"
                           "<id root=\"2.16.840.1.113883.2.9.2.120.4.4\" extension=\"OLD.1\"/>"
                           "</parentDocument></relatedDocument>");
    char *b = replace_once(a, "root=\"2.16.840.1.113883.2.9.4.3.9\" extension=\"[NRE]\"",
                           "root=\"2.16.840.1.113883.2.9.2.120.4.9\" extension=\"ORD1\"");
    xmlDocPtr doc = parse_bytes((const uint8_t *)b, strlen(b));
    fse_cda_header *h = NULL;

    (void)state;
    assert_non_null(doc);
    assert_int_equal(fse_cda_header_extract(&h, doc), FSE_OK);
    assert_string_equal(h->related_type, "RPLC");
    assert_string_equal(h->parent_id.extension, "OLD.1");
    assert_string_equal(h->order_id.extension, "ORD1");
    assert_null(h->nre);
    fse_cda_header_free(h);
    xmlFreeDoc(doc);
    fse_free(a);
    fse_free(b);
    fse_free(data);
}

/* ---- routing against expected.tsv --------------------------------------- */

static void routing_matches_expected_tsv(void **state)
{
    size_t len = 0;
    uint8_t *data = read_file(VALIDATION_DIR "/expected.tsv", &len);
    char *line = (char *)data;
    size_t n_checked = 0;
    size_t n_unrouted = 0;

    (void)state;
    line = strchr(line, '\n') + 1; /* header row */
    while (line != NULL && *line != '\0') {
        char *end = strchr(line, '\n');
        char *file = line;
        char *doctype;
        char *tab;
        bool unroutable;

        if (end != NULL) {
            *end = '\0';
        }
        tab = strchr(file, '\t');
        assert_non_null(tab);
        *tab = '\0';
        doctype = tab + 1;
        tab = strchr(doctype, '\t');
        assert_non_null(tab);
        *tab = '\0';
        /* The verdict column says when the validator found no schematron. */
        unroutable = strstr(tab + 1, "Schematron with template id root") != NULL ||
                     strstr(tab + 1, "no templateId at all") != NULL;
        if (strlen(file) > 4 && strcmp(file + strlen(file) - 4, ".xml") == 0) {
            char path[1024];
            fse_cda_header *h;
            fse_doc_type want = unroutable ? FSE_CDA_DOC_UNKNOWN : fse_cda_doc_by_name(doctype);

            assert_int_not_equal(fse_cda_doc_by_name(doctype), FSE_CDA_DOC_UNKNOWN);
            snprintf(path, sizeof(path), "%s/%s", VALIDATION_DIR, file);
            h = header_of(path);
            if (h->doc_type != want) {
                print_error("%s: routed to %s, expected %s\n", file,
                            fse_cda_doc_desc_get(h->doc_type)->name,
                            fse_cda_doc_desc_get(want)->name);
            }
            assert_int_equal(h->doc_type, want);
            fse_cda_header_free(h);
            n_checked++;
            n_unrouted += unroutable;
        }
        line = end != NULL ? end + 1 : NULL;
    }
    assert_int_equal(n_checked, 378);
    assert_int_equal(n_unrouted, 11);
    fse_free(data);
}

/* ---- codice fiscale ------------------------------------------------------- */

static void cf_check_characters(void **state)
{
    char why[128];

    (void)state;
    /* Check characters computed by hand with the DM 23/12/1976 tables. */
    assert_int_equal(fse_cf_classify("RSSMRA85T10A562S", why, sizeof(why)), FSE_CF_PERSON);
    assert_true(fse_cf_check("GTWGWY82B42G920M", NULL, 0));
    assert_true(fse_cf_check("PROVAX00X00X000Y", NULL, 0));
    assert_true(fse_cf_check("MRTMTT91D08F205J", NULL, 0));
    assert_true(fse_cf_check("rssmra85t10a562s", NULL, 0));
    /* Omocodia: 2 -> N in position 15 changes the check character to H. */
    assert_true(fse_cf_check("RSSMRA85T10A56NH", NULL, 0));
    /* Every numeric position substituted: 85->UR, 10->ML, 562->RSN. */
    assert_true(fse_cf_check("RSSMRAURTMLARSNL", NULL, 0));
    /* A 17th character is ignored, as DISP does. */
    assert_true(fse_cf_check("RSSMRA85T10A562SX", NULL, 0));

    /* The LDO sample's id carries this code with a wrong check character. */
    assert_false(fse_cf_check("LCNLDE90L47H501Q", why, sizeof(why)));
    assert_non_null(strstr(why, "controllo"));
    assert_false(fse_cf_check("RSSMRA85T10A562T", NULL, 0));
    assert_false(fse_cf_check("RSSMRA85T10A56NS", NULL, 0));
    /* Non-omocodia letter in a numeric position. */
    assert_false(fse_cf_check("RSSMRA8AT10A562S", why, sizeof(why)));
    assert_non_null(strstr(why, "carattere 8"));
    assert_false(fse_cf_check("RSSMR185T10A562S", NULL, 0));
    assert_false(fse_cf_check("RSSMRA85T10A562", why, sizeof(why)));
    assert_non_null(strstr(why, "lunghezza"));
    assert_false(fse_cf_check("", NULL, 0));
    assert_false(fse_cf_check(NULL, why, sizeof(why)));

    /* Numeric codes. */
    assert_int_equal(fse_cf_classify("12345678903", NULL, 0), FSE_CF_NUMERIC);
    assert_false(fse_cf_check("12345678901", NULL, 0));
    assert_false(fse_cf_check("1234567890A", NULL, 0));

    /* Temporary codes: no check character. */
    assert_int_equal(fse_cf_classify("STP1201010000001", NULL, 0), FSE_CF_STP);
    assert_int_equal(fse_cf_classify("ENI1201010000001", NULL, 0), FSE_CF_ENI);
    assert_false(fse_cf_check("STP12010100000X1", NULL, 0));

    assert_int_equal(fse_cda_id_kind_of(FSE_CDA_OID_ENI), FSE_CDA_ID_ENI);
    assert_int_equal(fse_cda_id_kind_of("2.16.840.1.113883.2.9.4.3.17"), FSE_CDA_ID_STP);
    assert_int_equal(fse_cda_id_kind_of("2.16.840.1.113883.2.9.4.3.15"), FSE_CDA_ID_ANA);
    assert_int_equal(fse_cda_id_kind_of("2.16.840.1.113883.2.9.2.120.4.1.1"), FSE_CDA_ID_OTHER);
}

/* ---- cross-checks --------------------------------------------------------- */

static void class_check(void **state)
{
    fse_cda_findings f;

    (void)state;
    fse_cda_findings_init(&f);
    assert_int_equal(fse_cda_check_class(&f, "REF", "11502-2"), FSE_OK);
    assert_int_equal(fse_cda_check_class(&f, "LDO", "18842-5"), FSE_OK);
    assert_int_equal(fse_cda_check_class(&f, "PRE", "60593-1"), FSE_OK);
    assert_int_equal(f.n_items, 0);
    assert_int_equal(fse_cda_check_class(&f, "LDO", "11502-2"), FSE_OK);
    assert_int_equal(f.n_items, 1);
    assert_int_equal(f.items[0].rule, FSE_CDA_RULE_CLASS_MISMATCH);
    assert_non_null(strstr(f.items[0].detail, "atteso REF"));
    assert_int_equal(fse_cda_check_class(&f, "REF", "00000-0"), FSE_OK);
    assert_true(fse_cda_findings_has(&f, FSE_CDA_RULE_CLASS_UNMAPPED));
    assert_int_equal(fse_cda_check_class(&f, NULL, "59258-4"), FSE_OK);
    assert_int_equal(f.n_items, 3);
    assert_string_equal(fse_cda_rule_get(FSE_CDA_RULE_CLASS_MISMATCH)->code, "CDA-CLASS-MISMATCH");
    fse_cda_findings_free(&f);
}

static void person_id_check(void **state)
{
    fse_cda_header *h = header_of(LDO_XML);
    fse_cda_findings f;

    (void)state;
    fse_cda_findings_init(&f);
    assert_int_equal(
        fse_cda_check_person_id(&f, "GTWGWY82B42G920M^^^&2.16.840.1.113883.2.9.4.3.2&ISO", h),
        FSE_OK);
    assert_int_equal(fse_cda_check_person_id(&f, "GTWGWY82B42G920M", h), FSE_OK);
    assert_int_equal(f.n_items, 0);

    assert_int_equal(
        fse_cda_check_person_id(&f, "RSSMRA85T10A562S^^^&2.16.840.1.113883.2.9.4.3.2&ISO", h),
        FSE_OK);
    assert_int_equal(f.n_items, 1);
    assert_int_equal(f.items[0].rule, FSE_CDA_RULE_PERSON_ID_MISMATCH);
    assert_string_equal(f.items[0].detail, "JWT payload: Person id presente nel JWT differente "
                                           "dal codice fiscale del paziente previsto sul CDA");
    assert_string_equal(fse_cda_rule_get(f.items[0].rule)->instance, "/jwt-person-id");
    fse_cda_findings_free(&f);

    /* A patient whose CF has a wrong check character. */
    fse_free(h->patient_ids[0].extension);
    h->patient_ids[0].extension = fse_strdup("LCNLDE90L47H501Q");
    fse_cda_findings_init(&f);
    assert_int_equal(
        fse_cda_check_person_id(&f, "LCNLDE90L47H501Q^^^&2.16.840.1.113883.2.9.4.3.2&ISO", h),
        FSE_OK);
    assert_true(fse_cda_findings_has(&f, FSE_CDA_RULE_PERSON_ID_CF));
    /* Another assigning authority: no CF check (DISP isValidOid). */
    fse_cda_findings_free(&f);
    assert_int_equal(fse_cda_check_person_id(&f,
                                             "LCNLDE90L47H501Q^^^&2.16.840.1.113883.2.9."
                                             "2.120.4.1.1&ISO",
                                             h),
                     FSE_OK);
    assert_int_equal(f.n_items, 0);
    /* TEAM root: no CF check. */
    fse_free(h->patient_ids[0].root);
    h->patient_ids[0].root = fse_strdup(FSE_CDA_OID_TEAM);
    assert_int_equal(
        fse_cda_check_person_id(&f, "LCNLDE90L47H501Q^^^&2.16.840.1.113883.2.9.4.3.2&ISO", h),
        FSE_OK);
    assert_int_equal(f.n_items, 0);
    fse_cda_findings_free(&f);
    fse_cda_header_free(h);
}

static void person_id_without_patient(void **state)
{
    static const char doc_text[] = "<ClinicalDocument/>";
    xmlDocPtr doc = parse_bytes((const uint8_t *)doc_text, strlen(doc_text));
    fse_cda_header *h = NULL;
    fse_cda_findings f;

    (void)state;
    fse_cda_findings_init(&f);
    assert_int_equal(fse_cda_header_extract(&h, doc), FSE_OK);
    assert_int_equal(fse_cda_check_person_id(&f, "GTWGWY82B42G920M", h), FSE_OK);
    assert_int_equal(fse_cda_check_hl7_type(&f, "('11502-2^^2.16.840.1.113883.6.1')", h), FSE_OK);
    assert_int_equal(f.n_items, 2);
    assert_int_equal(f.items[0].rule, FSE_CDA_RULE_PERSON_ID_MISSING);
    assert_int_equal(f.items[1].rule, FSE_CDA_RULE_HL7_TYPE_MISSING);
    fse_cda_findings_free(&f);
    fse_cda_header_free(h);
    xmlFreeDoc(doc);
}

static void hl7_type_check(void **state)
{
    fse_cda_header *h = header_of(LAB_XML);
    fse_cda_findings f;

    (void)state;
    fse_cda_findings_init(&f);
    assert_int_equal(fse_cda_check_hl7_type(&f, "('11502-2^^2.16.840.1.113883.6.1')", h), FSE_OK);
    assert_int_equal(f.n_items, 0);
    assert_int_equal(fse_cda_check_hl7_type(&f, "('34105-7^^2.16.840.1.113883.6.1')", h), FSE_OK);
    assert_int_equal(fse_cda_check_hl7_type(&f, "11502-2^^2.16.840.1.113883.6.1", h), FSE_OK);
    assert_int_equal(fse_cda_check_hl7_type(&f, "('11502-2^^2.16.840.1.113883.6.1') ", h), FSE_OK);
    assert_int_equal(fse_cda_check_hl7_type(&f, NULL, h), FSE_OK);
    assert_int_equal(f.n_items, 4);
    assert_int_equal(f.items[3].rule, FSE_CDA_RULE_HL7_TYPE_MISMATCH);
    assert_string_equal(fse_cda_rule_get(f.items[3].rule)->type, "/msg/jwt-validation");
    fse_cda_findings_free(&f);
    fse_cda_header_free(h);
}

static void attachment_hash_check(void **state)
{
    static const char sha_abc[] =
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    fse_cda_findings f;
    char hex[65];

    (void)state;
    fse_cda_findings_init(&f);
    assert_int_equal(fse_cda_sha256_hex(hex, (const uint8_t *)"abc", 3), FSE_OK);
    assert_string_equal(hex, sha_abc);
    assert_int_equal(fse_cda_check_attachment_hash(&f, sha_abc, (const uint8_t *)"abc", 3), FSE_OK);
    assert_int_equal(fse_cda_check_attachment_hash(
                         &f, "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD",
                         (const uint8_t *)"abc", 3),
                     FSE_OK);
    assert_int_equal(f.n_items, 0);
    assert_int_equal(fse_cda_check_attachment_hash(&f, sha_abc, (const uint8_t *)"abd", 3), FSE_OK);
    assert_int_equal(fse_cda_check_attachment_hash(&f, NULL, (const uint8_t *)"abc", 3), FSE_OK);
    assert_int_equal(f.n_items, 2);
    assert_string_equal(f.items[0].detail, "Verifica hash fallita.");
    assert_string_equal(fse_cda_rule_get(FSE_CDA_RULE_HASH_MISMATCH)->instance, "/jwt-hash-match");
    fse_cda_findings_free(&f);
}

static void locality_check(void **state)
{
    fse_cda_findings f;

    (void)state;
    assert_true(fse_cda_locality_valid("LABORATORIO DI PROVA^^^^^&2.16.840.1.113883.2.9.4.1.3&"
                                       "ISO^^^^111101123456"));
    assert_true(fse_cda_locality_valid("OSPEDALE^^^^^&2.16.840.1.113883.2.9.4.1.2&ISO^^^^010030"));
    assert_true(fse_cda_locality_valid("^^^^^&&ISO^^^^"));
    assert_false(fse_cda_locality_valid("OSPEDALE^^^^&2.16.840.1.113883.2.9.4.1.2&ISO^^^^01"));
    assert_false(fse_cda_locality_valid("OSPEDALE^^^^^^&1.2&ISO^^^^01"));
    assert_false(fse_cda_locality_valid("OSPEDALE^^^^^&1.2&ISO^^^01"));
    assert_false(fse_cda_locality_valid("OSPEDALE^^^^^&1.2&ISO^^^^01^"));
    assert_false(fse_cda_locality_valid("OSPEDALE^^^^^&1.2&IS0^^^^01"));
    assert_false(fse_cda_locality_valid("120"));
    assert_false(fse_cda_locality_valid(NULL));
    fse_cda_findings_init(&f);
    assert_int_equal(fse_cda_check_locality(&f, "Regione Lazio"), FSE_OK);
    assert_int_equal(f.n_items, 1);
    assert_string_equal(f.items[0].detail, "Il campo Locality non è valorizzato correttamente");
    fse_cda_findings_free(&f);
}

/* ---- request body ---------------------------------------------------------- */

static fse_cda_request_metadata good_create_request(void)
{
    static const char *const atti[] = {"P99", "J07BN01", "1119349007", "pay"};
    static const char *const desc[] = {"012345678^TACHIPIRINA^2.16.840.1.113883.2.9.6.1.5",
                                       "89.7^VISITA^2.16.840.1.113883.2.9.2.120.6.1.11"};
    static const char *const admin[] = {"SSN"};
    fse_cda_request_metadata r;

    memset(&r, 0, sizeof(r));
    r.health_data_format = "CDA";
    r.mode = "ATTACHMENT";
    r.tipologia_struttura = "Ospedale";
    r.atti_clinici = atti;
    r.n_atti_clinici = 4;
    r.identificativo_doc = "2.16.840.1.113883.2.9.2.120.4.4^030702.ABC";
    r.identificativo_rep = "2.16.840.1.113883.2.9.2.120.4.5.1";
    r.tipo_documento_liv_alto = "REF";
    r.assetto_organizzativo = "AD_PSC001";
    r.data_inizio_prestazione = "20240101120000";
    r.data_fine_prestazione = "20240101123000";
    r.tipo_attivita_clinica = "CON";
    r.identificativo_sottomissione = "2.16.840.1.113883.2.9.2.120.4.3.489592";
    r.descriptions = desc;
    r.n_descriptions = 2;
    r.administrative_request = admin;
    r.n_administrative_request = 1;
    return r;
}

static void request_rules(void **state)
{
    fse_cda_request_metadata r = good_create_request();
    fse_cda_findings f;

    (void)state;
    fse_cda_findings_init(&f);
    assert_int_equal(fse_cda_check_request(&f, &r, FSE_CDA_OP_CREATE), FSE_OK);
    assert_int_equal(f.n_items, 0);
    /* Validation needs activity only. */
    assert_int_equal(fse_cda_check_request(&f, &r, FSE_CDA_OP_VALIDATION), FSE_OK);
    assert_int_equal(f.n_items, 1);
    assert_int_equal(f.items[0].rule, FSE_CDA_RULE_MISSING_FIELD);
    assert_string_equal(f.items[0].detail, "Il campo activity deve essere valorizzato.");
    fse_cda_findings_free(&f);

    /* Missing fields come in DISP order. */
    r.identificativo_rep = NULL;
    r.tipo_documento_liv_alto = "";
    r.tipologia_struttura = NULL;
    assert_int_equal(fse_cda_check_request(&f, &r, FSE_CDA_OP_CREATE), FSE_OK);
    assert_int_equal(f.n_items, 3);
    assert_string_equal(f.items[0].detail, "Il campo identificativo rep deve essere valorizzato.");
    assert_string_equal(f.items[1].detail,
                        "Il campo tipo documento liv alto deve essere valorizzato.");
    assert_string_equal(f.items[2].detail, "Il campo tipologia struttura deve essere valorizzato.");
    fse_cda_findings_free(&f);
    /* Replace takes identificativoDoc from the path. */
    r = good_create_request();
    r.identificativo_doc = NULL;
    assert_int_equal(fse_cda_check_request(&f, &r, FSE_CDA_OP_REPLACE), FSE_OK);
    assert_int_equal(f.n_items, 0);
    assert_int_equal(fse_cda_check_request(&f, &r, FSE_CDA_OP_CREATE), FSE_OK);
    assert_int_equal(f.n_items, 1);
    fse_cda_findings_free(&f);
}

static void request_values_and_formats(void **state)
{
    static const char *const bad_atti[] = {"P99", "XYZ"};
    static const char *const bad_desc[] = {"A^B^1.2.3"};
    static const char *const bad_desc_form[] = {"A^B"};
    static const char *const bad_admin[] = {"ssn"};
    fse_cda_request_metadata r = good_create_request();
    fse_cda_findings f;

    (void)state;
    fse_cda_findings_init(&f);
    r.tipologia_struttura = "MdsPN-DGC";
    r.assetto_organizzativo = "AD_PSC016";
    r.tipo_attivita_clinica = "XYZ";
    r.identificativo_doc = "2.16.840.1.113883.2.9.2.120.4.4";
    r.identificativo_rep = "2.16.840.1.113883.2.9.2.123.4.5.1";
    r.identificativo_sottomissione = "SUB_ID";
    r.atti_clinici = bad_atti;
    r.n_atti_clinici = 2;
    r.descriptions = bad_desc;
    r.n_descriptions = 1;
    r.administrative_request = bad_admin;
    r.data_inizio_prestazione = "20241301000000";
    r.data_fine_prestazione = "2024-01-01";
    assert_int_equal(fse_cda_check_request(&f, &r, FSE_CDA_OP_CREATE), FSE_OK);
    assert_true(fse_cda_findings_has(&f, FSE_CDA_RULE_BAD_VALUE));
    assert_true(fse_cda_findings_has(&f, FSE_CDA_RULE_BAD_FORMAT));
    assert_true(fse_cda_findings_has(&f, FSE_CDA_RULE_BAD_DATE));
    /* tipoAttivitaClinica, tipologiaStruttura, 3 formats, PSC, description,
     * atti clinici, administrativeRequest, two dates. */
    assert_int_equal(f.n_items, 11);
    assert_string_equal(f.items[7].detail, "Il campo atti clinici XYZ non è consentito");
    assert_string_equal(f.items[6].detail, "Valorizzare correttamente il campo descriptions "
                                           "rispettando i valori di riferimento per gli OID");
    assert_string_equal(f.items[9].detail,
                        "Il campo data inizio deve essere valorizzato correttamente");
    fse_cda_findings_free(&f);

    r = good_create_request();
    r.descriptions = bad_desc_form;
    r.n_descriptions = 1;
    assert_int_equal(fse_cda_check_request(&f, &r, FSE_CDA_OP_UPDATE_METADATA), FSE_OK);
    assert_int_equal(f.n_items, 1);
    assert_non_null(strstr(f.items[0].detail, "[CODICE]^[Descrizione]^[OID]"));
    fse_cda_findings_free(&f);

    /* Sistema TS and INI region codes; AD_PSC999. */
    r = good_create_request();
    r.identificativo_rep = "2.16.840.1.113883.2.9.2.0.4.5.77";
    r.identificativo_sottomissione = "2.16.840.1.113883.2.9.2.970.4.3.1";
    r.assetto_organizzativo = "AD_PSC999";
    r.activity = "VERIFICA";
    assert_int_equal(fse_cda_check_request(&f, &r, FSE_CDA_OP_CREATE), FSE_OK);
    assert_int_equal(f.n_items, 0);
    assert_int_equal(fse_cda_check_request(NULL, &r, FSE_CDA_OP_CREATE), FSE_E_ARG);
    fse_cda_findings_free(&f);
}

/* ---- hashes and identifiers ------------------------------------------------ */

static void link_hash_ignores_only_legal_authenticator(void **state)
{
    size_t len = 0;
    uint8_t *data = read_file(LDO_XML, &len);
    const char *orig = (const char *)data;
    char h0[FSE_CDA_LINK_HASH_LEN];
    char h1[FSE_CDA_LINK_HASH_LEN];
    char *v;
    size_t i;
    /* Changes inside legalAuthenticator: the hash must not move. */
    static const char *const same[][2] = {
        {"<family>Silviani</family>", "<family>Bianchi</family>"},
        {"<time value=\"20220417093500+0100\"/>\r\n\t\t<signatureCode code=\"S\"/>",
         "<time value=\"20230101000000+0100\"/>\r\n\t\t<signatureCode code=\"S\"/>"},
        {"<signatureCode code=\"S\"/>",
         "<signatureCode code=\"S\"/><signature><value>MIIB</value></signature>"},
        {"<!-- telecom e addr-->", "<!-- altro -->"},
        {"<given>Paola</given>\t", "<given>Paola</given>\n  "},
    };
    /* Changes anywhere else: the hash must move. */
    static const char *const differ[][2] = {
        {"<family>Rossi</family>", "<family>Rossa</family>"},
        {"extension=\"130106\"", "extension=\"130107\""},
        {"<versionNumber value=\"1\"/>", "<versionNumber value=\"2\"/>"},
        {"<given>Guido</given>", "<given>Guido </given>"},
    };

    (void)state;
    link_hash_of_text(h0, orig);
    link_hash_of_text(h1, orig);
    assert_string_equal(h0, h1);
    assert_int_equal(strlen(h0), 44);
    for (i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
        v = replace_once(orig, same[i][0], same[i][1]);
        link_hash_of_text(h1, v);
        assert_string_equal(h0, h1);
        fse_free(v);
    }
    for (i = 0; i < sizeof(differ) / sizeof(differ[0]); i++) {
        v = replace_once(orig, differ[i][0], differ[i][1]);
        link_hash_of_text(h1, v);
        assert_string_not_equal(h0, h1);
        fse_free(v);
    }
    fse_free(data);
}

static void link_hash_does_not_modify_input(void **state)
{
    xmlDocPtr doc = parse_file(LDO_XML);
    fse_cda_header *before = NULL;
    fse_cda_header *after = NULL;
    char h[FSE_CDA_LINK_HASH_LEN];

    (void)state;
    assert_int_equal(fse_cda_header_extract(&before, doc), FSE_OK);
    assert_int_equal(fse_cda_link_hash(h, doc), FSE_OK);
    assert_int_equal(fse_cda_header_extract(&after, doc), FSE_OK);
    assert_string_equal(before->legal_auth_time, after->legal_auth_time);
    assert_string_equal(after->legal_auth_signature, "S");
    fse_cda_header_free(before);
    fse_cda_header_free(after);
    xmlFreeDoc(doc);
}

static void workflow_instance_id_format(void **state)
{
    static const uint8_t rnd[FSE_CDA_WII_RANDOM_BYTES] = {0x01, 0x23, 0x45, 0x67, 0x89};
    char *wii = NULL;
    char long_root[300];

    (void)state;
    assert_int_equal(
        fse_cda_workflow_instance_id(&wii, "2.16.840.1.113883.2.9.2.120.4.4", "abc", rnd), FSE_OK);
    assert_string_equal(wii, "2.16.840.1.113883.2.9.2.120.4.4."
                             "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad."
                             "0123456789^^^^urn:ihe:iti:xdw:2013:workflowInstanceId");
    fse_free(wii);
    assert_int_equal(fse_cda_workflow_instance_id(&wii, NULL, "abc", rnd), FSE_E_ARG);
    memset(long_root, '1', sizeof(long_root) - 1);
    long_root[sizeof(long_root) - 1] = '\0';
    assert_int_equal(fse_cda_workflow_instance_id(&wii, long_root, "abc", rnd), FSE_E_LIMIT);
    assert_null(wii);
}

/* Every allocation in header extraction may fail: no leak, no crash. */
static void header_extract_survives_allocation_failures(void **state)
{
    xmlDocPtr doc = parse_file(LDO_XML);
    unsigned long nth;
    bool succeeded = false;

    (void)state;
    for (nth = 1; nth < 200 && !succeeded; nth++) {
        fse_cda_header *h = NULL;
        fse_err rc;

        fse_alloc_fail_at(nth);
        rc = fse_cda_header_extract(&h, doc);
        fse_alloc_fail_at(0);
        if (rc == FSE_OK) {
            succeeded = true;
        } else {
            assert_int_equal(rc, FSE_E_NOMEM);
            assert_null(h);
        }
        fse_cda_header_free(h);
    }
    assert_true(succeeded);
    xmlFreeDoc(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(table_rows_are_consistent),
        cmocka_unit_test(every_sample_header_parses),
        cmocka_unit_test(header_of_odd_trees_is_empty_not_crash),
        cmocka_unit_test(ldo_header_known_values),
        cmocka_unit_test(lab_header_known_values),
        cmocka_unit_test(related_document_and_non_nre_order),
        cmocka_unit_test(routing_matches_expected_tsv),
        cmocka_unit_test(cf_check_characters),
        cmocka_unit_test(class_check),
        cmocka_unit_test(person_id_check),
        cmocka_unit_test(person_id_without_patient),
        cmocka_unit_test(hl7_type_check),
        cmocka_unit_test(attachment_hash_check),
        cmocka_unit_test(locality_check),
        cmocka_unit_test(request_rules),
        cmocka_unit_test(request_values_and_formats),
        cmocka_unit_test(link_hash_ignores_only_legal_authenticator),
        cmocka_unit_test(link_hash_does_not_modify_input),
        cmocka_unit_test(workflow_instance_id_format),
        cmocka_unit_test(header_extract_survives_allocation_failures),
    };

    int failed;

    fse_xml_init();
    failed = cmocka_run_group_tests(tests, NULL, NULL);
    return failed + cda_tutela_tests() + cda_tutela_corpus_tests();
}
