/*
 * tests/fhir/test_fhir.c - tests of the fhir module: unit tests of the
 * conversion pieces and, with "pair NAME", one official CDA -> FHIR pair of
 * ../shared/fixtures/fhir-mapping compared after normalisation
 * (fhir_compare.c), with the structural and reachability checks run on the
 * converted Bundle.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fhir_compare.h"
#include "fse/fhir.h"
#include "fse/gen.h"
#include "fse/pdf.h"
#include "fse/util.h"

#define FIXTURES FSE_SHARED_DIR "/fixtures/fhir-mapping/"
#define MAX_FILE (16u * 1024u * 1024u)

/* One official pair: CDA, expected Bundle, engine behaviour to reproduce,
 * and the reachability issues the official mapping is known to leave
 * (FSE_FHIR_ISSUE_KNOWN_MAPPING, "Src^Target^path" without ids, sorted). */
typedef struct pair_desc {
    const char *name;
    const char *cda;
    const char *bundle;
    fse_fhir_compat compat;
    const char *const *known;
} pair_desc;

/* RAP: the approach BodyStructure of the procedure and the authors of the
 * notes of the three history Lists (docs/fhir.md, known issues). */
static const char *const rap_known[] = {"BodyStructure^Patient^BodyStructure.patient",
                                        "List^Practitioner^List.note.author",
                                        "List^Practitioner^List.note.author",
                                        "List^Practitioner^List.note.author",
                                        "Procedure^BodyStructure^Procedure.extension.value",
                                        NULL};

static const pair_desc pairs[] = {
    {"LAB", "support-examples/cda/LAB.xml", "support-examples/fhir/LAB.json",
     FSE_FHIR_COMPAT_GATEWAY, NULL},
    {"LDO", "support-examples/cda/LDO.xml", "support-examples/fhir/LDO.json",
     FSE_FHIR_COMPAT_GATEWAY, NULL},
    {"PSS", "support-examples/cda/PSS.xml", "support-examples/fhir/PSS.json",
     FSE_FHIR_COMPAT_GATEWAY, NULL},
    {"RAD", "support-examples/cda/RAD.xml", "support-examples/fhir/RAD.json",
     FSE_FHIR_COMPAT_GATEWAY, NULL},
    {"RAP", "support-examples/cda/RAP.xml", "support-examples/fhir/RAP.json",
     FSE_FHIR_COMPAT_GATEWAY, rap_known},
    {"RSA", "support-examples/cda/RSA.xml", "support-examples/fhir/RSA.json",
     FSE_FHIR_COMPAT_GATEWAY, NULL},
    {"CERT_VACC", "support-examples/cda/CERT_VACC.xml", "support-examples/fhir/CERT_VACC.json",
     FSE_FHIR_COMPAT_GATEWAY, NULL},
    {"SING_VACC", "support-examples/cda/SING_VACC.xml", "support-examples/fhir/SING_VACC.json",
     FSE_FHIR_COMPAT_GATEWAY, NULL},
    {"VPS", "support-examples/cda/VPS.xml", "support-examples/fhir/VPS.json",
     FSE_FHIR_COMPAT_GATEWAY, NULL},
    {"LDO_BENCH", "engine-benchmark-ldo/LDO_benchmark_cda.xml",
     "engine-benchmark-ldo/LDO_benchmark_bundle.json", FSE_FHIR_COMPAT_ENGINE_2023, NULL},
};

static const pair_desc *selected;

static char *read_fixture(const char *rel, size_t *len)
{
    char path[1024];
    uint8_t *data = NULL;

    snprintf(path, sizeof(path), FIXTURES "%s", rel);
    assert_int_equal(fse_file_read(path, MAX_FILE, &data, len), FSE_OK);
    return (char *)data;
}

static char *convert(const char *rel, fse_fhir_compat compat, size_t *len)
{
    size_t cda_len = 0;
    char *cda = read_fixture(rel, &cda_len);
    fse_fhir_opts opts = {0};
    char *json = NULL;
    fse_err rc;

    opts.compat = compat;
    opts.seed = 42;
    rc = fse_fhir_convert(&json, len, (const uint8_t *)cda, cda_len, &opts);
    if (rc != FSE_OK) {
        print_error("convert %s: %s\n", rel, fse_error_last()->message);
    }
    assert_int_equal(rc, FSE_OK);
    fse_free(cda);
    return json;
}

/* Issues of a check as one line each (for messages). */
static size_t count_issues(const char *json, size_t len, bool reach, fse_buf *text)
{
    fse_fhir_issues issues = {0};
    size_t i;
    size_t n;

    if (reach) {
        assert_int_equal(fse_fhir_check_reachability(&issues, json, len), FSE_OK);
    } else {
        assert_int_equal(fse_fhir_check_structure(&issues, json, len), FSE_OK);
    }
    for (i = 0; i < issues.n_items && text != NULL; i++) {
        fse_buf_printf(text, "  %s: %s\n", issues.items[i].where, issues.items[i].message);
    }
    n = issues.n_items;
    fse_fhir_issues_free(&issues);
    return n;
}

/* "Type/id^Type/id^path" -> "Type^Type^path", "Type/id" -> "Type". */
static void strip_ids(char *out, size_t size, const char *where)
{
    size_t o = 0;
    bool skip = false;

    for (; *where != '\0' && o + 1 < size; where++) {
        if (*where == '/') {
            skip = true;
        } else if (*where == '^') {
            skip = false;
        }
        if (!skip) {
            out[o++] = *where;
        }
    }
    out[o] = '\0';
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The reachability issues of a bundle as sorted "Src^Target^path" lines, one
 * per issue, into text; every issue must be of kind want (others fail).
 */
static void reach_lines(const char *json, size_t len, fse_fhir_issue_kind want, fse_buf *text)
{
    fse_fhir_issues issues = {0};
    char **lines;
    size_t i;

    assert_int_equal(fse_fhir_check_reachability(&issues, json, len), FSE_OK);
    lines = calloc(issues.n_items + 1, sizeof(*lines));
    assert_non_null(lines);
    for (i = 0; i < issues.n_items; i++) {
        if (issues.items[i].kind != want) {
            print_error("unexpected issue %s: %s\n", issues.items[i].where,
                        issues.items[i].message);
        }
        assert_int_equal(issues.items[i].kind, want);
        lines[i] = malloc(strlen(issues.items[i].where) + 1);
        assert_non_null(lines[i]);
        strip_ids(lines[i], strlen(issues.items[i].where) + 1, issues.items[i].where);
    }
    qsort(lines, issues.n_items, sizeof(*lines), cmp_str);
    for (i = 0; i < issues.n_items; i++) {
        fse_buf_printf(text, "%s\n", lines[i]);
        free(lines[i]);
    }
    free(lines);
    fse_fhir_issues_free(&issues);
}

/* Ours and the official bundle leave exactly the pair's known issues. */
static void check_known_issues(const pair_desc *p, const char *exp, size_t exp_len, const char *got,
                               size_t got_len)
{
    fse_buf want;
    fse_buf ours;
    fse_buf official;
    size_t i;

    fse_buf_init(&want, MAX_FILE);
    fse_buf_init(&ours, MAX_FILE);
    fse_buf_init(&official, MAX_FILE);
    fse_buf_append_str(&want, "");
    for (i = 0; p->known != NULL && p->known[i] != NULL; i++) {
        fse_buf_printf(&want, "%s\n", p->known[i]);
    }
    fse_buf_append_str(&ours, "");
    fse_buf_append_str(&official, "");
    reach_lines(got, got_len, FSE_FHIR_ISSUE_KNOWN_MAPPING, &ours);
    reach_lines(exp, exp_len, FSE_FHIR_ISSUE_KNOWN_MAPPING, &official);
    if (strcmp(ours.data, want.data) != 0 || strcmp(official.data, want.data) != 0) {
        print_error("%s: known issues\nexpected:\n%sours:\n%sofficial:\n%s", p->name, want.data,
                    ours.data, official.data);
    }
    assert_string_equal(ours.data, want.data);
    assert_string_equal(official.data, want.data);
    fse_buf_free(&want);
    fse_buf_free(&ours);
    fse_buf_free(&official);
}

static void test_pair(void **state)
{
    const pair_desc *p = selected;
    size_t exp_len = 0;
    size_t got_len = 0;
    char *exp = read_fixture(p->bundle, &exp_len);
    char *got = convert(p->cda, p->compat, &got_len);
    fse_buf diff;
    long n;

    (void)state;
    fse_buf_init(&diff, MAX_FILE);
    n = fhir_compare_bundles(exp, exp_len, got, got_len, &diff);
    if (n != 0) {
        /* the diff can be long: cmocka's print_error truncates */
        fprintf(stderr, "%s: %ld difference(s) from the official bundle:\n", p->name, n);
        fputs(diff.data != NULL ? diff.data : "", stderr);
    }
    assert_int_equal(n, 0);
    fse_buf_reset(&diff);
    if (count_issues(got, got_len, false, &diff) != 0) {
        print_error("%s: structural issues:\n%s", p->name, diff.data);
        fail();
    }
    assert_int_equal(count_issues(exp, exp_len, false, NULL), 0);
    check_known_issues(p, exp, exp_len, got, got_len);
    fse_buf_free(&diff);
    fse_free(exp);
    fse_free(got);
}

/* Same seed, same bundle; another seed, other UUIDs, equal after normalisation. */
static void test_deterministic(void **state)
{
    size_t la = 0;
    size_t lb = 0;
    size_t lc = 0;
    char *a = convert("support-examples/cda/LAB.xml", FSE_FHIR_COMPAT_GATEWAY, &la);
    char *b = convert("support-examples/cda/LAB.xml", FSE_FHIR_COMPAT_GATEWAY, &lb);
    size_t cda_len = 0;
    char *cda = read_fixture("support-examples/cda/LAB.xml", &cda_len);
    fse_fhir_opts opts = {0};
    char *c = NULL;
    fse_buf diff;

    (void)state;
    assert_int_equal(la, lb);
    assert_memory_equal(a, b, la);
    opts.seed = 7;
    opts.timestamp = "2025-10-10T16:07:36+02:00";
    assert_int_equal(fse_fhir_convert(&c, &lc, (const uint8_t *)cda, cda_len, &opts), FSE_OK);
    assert_true(strcmp(a, c) != 0);
    assert_non_null(strstr(c, "\"timestamp\":\"2025-10-10T16:07:36+02:00\""));
    fse_buf_init(&diff, MAX_FILE);
    assert_int_equal(fhir_compare_bundles(a, la, c, lc, &diff), 0);
    fse_buf_free(&diff);
    fse_free(a);
    fse_free(b);
    fse_free(c);
    fse_free(cda);
}

/* Decimal text of the CDA is kept ("16.00"), not rewritten as a double. */
static void test_decimal_text(void **state)
{
    size_t len = 0;
    char *json = convert("support-examples/cda/LAB.xml", FSE_FHIR_COMPAT_GATEWAY, &len);

    (void)state;
    assert_non_null(strstr(json, "\"valueQuantity\":{\"value\":16.00,\"unit\":\"mg/L\"}"));
    assert_non_null(strstr(json, "\"low\":{\"value\":0.00,\"unit\":\"mg/L\"}"));
    fse_free(json);
}

/* eds-fhir §2.6: the codice fiscale system and the conditional url are options. */
static void test_identifier_choices(void **state)
{
    size_t cda_len = 0;
    char *cda = read_fixture("support-examples/cda/LAB.xml", &cda_len);
    fse_fhir_opts opts = {0};
    char *json = NULL;

    (void)state;
    assert_int_equal(fse_fhir_convert(&json, NULL, (const uint8_t *)cda, cda_len, &opts), FSE_OK);
    assert_non_null(strstr(json, "\"system\":\"urn:oid:2.16.840.1.113883.2.9.4.3.2\""));
    assert_non_null(strstr(json, "\"url\":\"Patient?identifier=GTWGWY82B42G920M\""));
    fse_free(json);
    opts.cf_system = FSE_FHIR_CF_HL7IT;
    opts.cond_url = FSE_FHIR_COND_SYSTEM_VALUE;
    assert_int_equal(fse_fhir_convert(&json, NULL, (const uint8_t *)cda, cda_len, &opts), FSE_OK);
    assert_null(strstr(json, "urn:oid:2.16.840.1.113883.2.9.4.3.2\""));
    assert_non_null(strstr(json, "\"system\":\"http://hl7.it/sid/codiceFiscale\""));
    assert_non_null(strstr(
        json, "\"url\":\"Patient?identifier=http://hl7.it/sid/codiceFiscale|GTWGWY82B42G920M\""));
    assert_non_null(strstr(json, "\"url\":\"Organization?identifier=urn:oid:"
                                 "2.16.840.1.113883.2.9.4.1.2|120148\""));
    fse_free(json);
    fse_free(cda);
}

/* eds-fhir §2.5: the DocumentReference gets the publication metadata. */
static void test_docref_enrichment(void **state)
{
    static const char *const events[] = {"J07BX03", "P99"};
    size_t cda_len = 0;
    char *cda = read_fixture("support-examples/cda/LAB.xml", &cda_len);
    fse_fhir_publication pub = {0};
    fse_fhir_opts opts = {0};
    char *json = NULL;
    size_t len = 0;

    (void)state;
    pub.identificativo_doc = "2.16.840.1.113883.2.9.2.120.4.4^030702.TSTSMN63A01F205H";
    pub.tipo_documento_liv_alto = "REF";
    pub.tipologia_struttura = "Ospedale";
    pub.atti_clinici = events;
    pub.n_atti_clinici = 2;
    pub.assetto_organizzativo = "AD_PSC001";
    pub.data_inizio_prestazione = "20220324112426";
    pub.data_fine_prestazione = "20220330112426";
    pub.repository_unique_id = "2.16.840.1.113883.2.9.2.120.4.5.1";
    pub.hash = "ab";
    pub.size = 1234;
    pub.date = "2025-10-10T16:07:36+02:00";
    pub.tz_offset = "+01:00";
    opts.publication = &pub;
    assert_int_equal(fse_fhir_convert(&json, &len, (const uint8_t *)cda, cda_len, &opts), FSE_OK);
    assert_non_null(strstr(json, "\"value\":\"030702.TSTSMN63A01F205H\""));
    assert_non_null(strstr(json, "\"system\":\"urn:oid:2.16.840.1.113883.2.9.3.3.6.1.5\","
                                 "\"code\":\"REF\""));
    assert_non_null(strstr(json, "\"code\":\"P99\""));
    assert_non_null(strstr(json, "\"start\":\"2022-03-24T11:24:26+01:00\""));
    assert_non_null(strstr(json, "\"hash\":\"YWI=\""));
    assert_non_null(strstr(json, "\"size\":1234"));
    assert_non_null(strstr(json, "\"contentType\":\"application/pdf\""));
    assert_non_null(strstr(json, "\"identifier\":[{\"id\":\"Document00\"}]"));
    assert_int_equal(count_issues(json, len, false, NULL), 0);
    fse_free(json);
    fse_free(cda);
}

/* A PDF carrying the CDA gives the same bundle as the CDA itself. */
static void test_pdf_input(void **state)
{
    size_t cda_len = 0;
    char *cda = read_fixture("support-examples/cda/LAB.xml", &cda_len);
    uint8_t *pdf = NULL;
    size_t pdf_len = 0;
    fse_fhir_opts opts = {0};
    char *a = NULL;
    char *b = NULL;

    (void)state;
    assert_int_equal(fse_pdf_embed_cda(&pdf, &pdf_len, (const uint8_t *)cda, cda_len, NULL),
                     FSE_OK);
    opts.seed = 3;
    assert_int_equal(fse_fhir_convert(&a, NULL, (const uint8_t *)cda, cda_len, &opts), FSE_OK);
    assert_int_equal(fse_fhir_convert(&b, NULL, pdf, pdf_len, &opts), FSE_OK);
    assert_string_equal(a, b);
    fse_free(a);
    fse_free(b);
    fse_free(pdf);
    fse_free(cda);
}

static void test_refused_input(void **state)
{
    static const char not_cda[] = "<root xmlns=\"urn:hl7-org:v3\"/>";
    static const char no_map[] = "<ClinicalDocument xmlns=\"urn:hl7-org:v3\"><templateId "
                                 "root=\"1.2.3\"/></ClinicalDocument>";
    static const char broken[] = "<ClinicalDocument";
    char *json = NULL;

    (void)state;
    assert_int_equal(fse_fhir_convert(&json, NULL, (const uint8_t *)not_cda, strlen(not_cda), NULL),
                     FSE_E_PARSE);
    assert_int_equal(fse_fhir_convert(&json, NULL, (const uint8_t *)no_map, strlen(no_map), NULL),
                     FSE_E_UNSUPPORTED);
    assert_int_equal(fse_fhir_convert(&json, NULL, (const uint8_t *)broken, strlen(broken), NULL),
                     FSE_E_PARSE);
    assert_int_equal(fse_fhir_convert(NULL, NULL, (const uint8_t *)broken, 1, NULL), FSE_E_ARG);
    assert_null(json);
}

/* Whether every line of text is one of the RAP known issues. */
static bool only_rap_known(const char *text)
{
    while (*text != '\0') {
        const char *nl = strchr(text, '\n');
        size_t n = nl != NULL ? (size_t)(nl - text) : strlen(text);
        bool ok = false;
        size_t i;
        for (i = 0; rap_known[i] != NULL && !ok; i++) {
            ok = strlen(rap_known[i]) == n && memcmp(rap_known[i], text, n) == 0;
        }
        if (!ok) {
            return false;
        }
        text += nl != NULL ? n + 1 : n;
    }
    return true;
}

/* Every document fse gen makes converts, with no structural issue and no
 * reachability issue but the known ones of the official RAP mapping. */
static void test_generated_documents(void **state)
{
    size_t n_types = 0;
    const fse_doc_type *types = fse_gen_types(&n_types);
    size_t t;
    uint64_t seed;
    uint64_t index;

    (void)state;
    assert_true(n_types >= 9);
    for (t = 0; t < n_types; t++) {
        for (seed = 1; seed <= 3; seed++) {
            for (index = 0; index < 3; index++) {
                fse_gen_opts gen = FSE_GEN_OPTS_INIT;
                fse_fhir_opts opts = {0};
                uint8_t *cda = NULL;
                size_t cda_len = 0;
                char *json = NULL;
                size_t len = 0;
                fse_buf text;
                gen.seed = seed;
                gen.doc_type = types[t];
                assert_int_equal(fse_gen_document(&cda, &cda_len, NULL, &gen, index), FSE_OK);
                opts.seed = seed * 16 + index;
                if (fse_fhir_convert(&json, &len, cda, cda_len, &opts) != FSE_OK) {
                    print_error("type %d seed %llu index %llu: %s\n", (int)types[t],
                                (unsigned long long)seed, (unsigned long long)index,
                                fse_error_last()->message);
                    fail();
                }
                fse_buf_init(&text, MAX_FILE);
                fse_buf_append_str(&text, "");
                assert_int_equal(count_issues(json, len, false, &text), 0);
                reach_lines(json, len, FSE_FHIR_ISSUE_KNOWN_MAPPING, &text);
                if (types[t] == FSE_CDA_DOC_RAP) {
                    assert_true(only_rap_known(text.data));
                } else {
                    assert_string_equal(text.data, "");
                }
                fse_buf_free(&text);
                fse_free(json);
                fse_free(cda);
            }
        }
    }
}

/* Insert text before the first occurrence of anchor in *doc (reallocated). */
static void insert_before(char **doc, const char *anchor, const char *text)
{
    char *at = strstr(*doc, anchor);
    size_t head;
    char *out;

    assert_non_null(at);
    head = (size_t)(at - *doc);
    out = malloc(strlen(*doc) + strlen(text) + 1);
    assert_non_null(out);
    memcpy(out, *doc, head);
    memcpy(out + head, text, strlen(text));
    memcpy(out + head + strlen(text), at, strlen(at) + 1);
    free(*doc);
    *doc = out;
}

#define LAB_PERSON "<id root=\"2.16.840.1.113883.2.9.4.3.2\" extension=\"RSSMRA70A01H501S\"/>"
#define LAB_ORG                                                                                    \
    "<representedOrganization><id root=\"2.16.840.1.113883.2.9.4.1.2\" extension=\"120999\"/>"     \
    "<asOrganizationPartOf><id root=\"2.16.840.1.113883.2.9.4.1.1\" extension=\"120109\"/>"        \
    "</asOrganizationPartOf></representedOrganization>"

/* The LAB body roles: performers, authors, participants (people and
 * devices), observationMedia and organizers, added to the official LAB CDA. */
static void test_lab_roles(void **state)
{
    static const char act_roles[] =
        "<performer><assignedEntity>" LAB_PERSON "<code code=\"LAB\" "
        "codeSystem=\"2.16.840.1.113883.2.9.6.2.7\"/>" LAB_ORG "</assignedEntity></performer>"
        "<author><time value=\"20220330112426+0100\"/><assignedAuthor>" LAB_PERSON
        "</assignedAuthor></author>"
        "<participant typeCode=\"AUTHEN\"><time value=\"20220330112426+0100\"/>"
        "<participantRole>" LAB_PERSON "</participantRole></participant>"
        "<entryRelationship typeCode=\"COMP\"><organizer classCode=\"BATTERY\" moodCode=\"EVN\">"
        "<code code=\"24356-8\" codeSystem=\"2.16.840.1.113883.6.1\"/>"
        "<statusCode code=\"completed\"/><component><observation classCode=\"OBS\" "
        "moodCode=\"EVN\"><code code=\"5811-5\" codeSystem=\"2.16.840.1.113883.6.1\"/>"
        "<statusCode code=\"completed\"/><value xsi:type=\"PQ\" value=\"1.020\" unit=\"1\"/>"
        "</observation></component><component><organizer classCode=\"CLUSTER\" "
        "moodCode=\"EVN\"><statusCode code=\"completed\"/></organizer></component>"
        "</organizer></entryRelationship>";
    static const char obs_roles[] =
        "<performer><time value=\"20220330112426+0100\"/><assignedEntity>" LAB_PERSON LAB_ORG
        "</assignedEntity></performer>"
        "<participant typeCode=\"VRF\"><participantRole>" LAB_PERSON "</participantRole>"
        "</participant><participant typeCode=\"DEV\"><participantRole><playingDevice>"
        "<manufacturerModelName displayName=\"Analyzer 9\"/><softwareName "
        "displayName=\"LabSoft\"/></playingDevice></participantRole></participant>"
        "<entryRelationship typeCode=\"COMP\"><observationMedia classCode=\"OBS\" "
        "moodCode=\"EVN\"><value xsi:type=\"ED\" mediaType=\"image/png\" "
        "representation=\"B64\">iVBORw0KGgo=</value></observationMedia></entryRelationship>";
    size_t len = 0;
    char *cda = read_fixture("support-examples/cda/LAB.xml", &len);
    char *doc = malloc(len + 1);
    fse_fhir_opts opts = {0};
    char *json = NULL;
    size_t json_len = 0;
    fse_buf text;

    (void)state;
    assert_non_null(doc);
    memcpy(doc, cda, len);
    doc[len] = '\0';
    insert_before(&doc, "<entryRelationship typeCode=\"SUBJ\">", act_roles);
    insert_before(&doc, "</observation>", obs_roles);
    assert_int_equal(fse_fhir_convert(&json, &json_len, (const uint8_t *)doc, strlen(doc), &opts),
                     FSE_OK);
    fse_buf_init(&text, MAX_FILE);
    fse_buf_append_str(&text, "");
    assert_int_equal(count_issues(json, json_len, false, &text), 0);
    assert_int_equal(count_issues(json, json_len, true, &text), 0);
    assert_non_null(strstr(json, "\"deviceName\":[{\"type\":\"other\",\"name\":\"LabSoft\"}]"));
    assert_non_null(strstr(json, "\"manufacturer\":\"Analyzer 9\""));
    assert_non_null(
        strstr(json, "\"content\":{\"contentType\":\"image/png\",\"data\":\"iVBORw0KGgo=\"}"));
    assert_non_null(strstr(json, "\"code\":\"5811-5\""));
    assert_non_null(strstr(json, "\"code\":\"24356-8\""));
    assert_non_null(strstr(json, "\"code\":\"VRF\""));
    assert_non_null(strstr(json, "\"code\":\"AUTHEN\""));
    assert_non_null(strstr(json, "\"id\":\"2.16.840.1.113883.2.9.4.1.2-120999\""));
    assert_non_null(strstr(json, "\"id\":\"2.16.840.1.113883.2.9.4.3.2-RSSMRA70A01H501S\""));
    fse_buf_free(&text);
    fse_free(json);
    free(doc);
    fse_free(cda);
}

/* The header parties about the patient and the device authors, added to the
 * official PSS CDA (which has a next of kin already). */
static void test_header_parties(void **state)
{
    static const char guardian[] =
        "<guardian><id root=\"2.16.840.1.113883.2.9.4.3.2\" extension=\"VRDLGU60A01H501X\"/>"
        "<code code=\"MTH\" codeSystem=\"2.16.840.1.113883.5.111\"/><guardianPerson><name>"
        "<family>Verdi</family></name></guardianPerson></guardian><guardian>"
        "<guardianOrganization><id root=\"2.16.840.1.113883.2.9.4.1.2\" extension=\"120555\"/>"
        "</guardianOrganization></guardian>";
    static const char provider[] = "<providerOrganization><id root=\"2.16.840.1.113883.2.9.4.1.2\" "
                                   "extension=\"120666\"/></providerOrganization>";
    static const char authors[] =
        "<author><time value=\"20220510100000+0100\"/><assignedAuthor><id "
        "root=\"2.16.840.1.113883.2.9.6.3.2\" extension=\"01234567890\"/></assignedAuthor></author>"
        "<author><time value=\"20220510100000+0100\"/><assignedAuthor><id nullFlavor=\"NA\"/>"
        "<assignedAuthoringDevice><softwareName displayName=\"CartellaSW\"/>"
        "</assignedAuthoringDevice></assignedAuthor></author>";
    static const char guarantor[] =
        "<participant typeCode=\"IND\"><associatedEntity classCode=\"GUAR\"><id "
        "root=\"2.16.840.1.113883.2.9.4.1.2\" extension=\"120777\"/><scopingOrganization>"
        "<id root=\"2.16.840.1.113883.2.9.4.1.2\" extension=\"120777\"/></scopingOrganization>"
        "</associatedEntity></participant>";
    size_t len = 0;
    char *cda = read_fixture("support-examples/cda/PSS.xml", &len);
    char *doc = malloc(len + 1);
    fse_fhir_opts opts = {0};
    char *json = NULL;
    size_t json_len = 0;
    fse_buf text;

    (void)state;
    assert_non_null(doc);
    memcpy(doc, cda, len);
    doc[len] = '\0';
    insert_before(&doc, "<birthplace>", guardian);
    insert_before(&doc, "</patientRole>", provider);
    insert_before(&doc, "<dataEnterer", authors);
    insert_before(&doc, "<participant typeCode=\"IND\">", guarantor);
    assert_int_equal(fse_fhir_convert(&json, &json_len, (const uint8_t *)doc, strlen(doc), &opts),
                     FSE_OK);
    fse_buf_init(&text, MAX_FILE);
    fse_buf_append_str(&text, "");
    assert_int_equal(count_issues(json, json_len, false, &text), 0);
    /* the guardian organization is a Patient.contact: a known issue */
    reach_lines(json, json_len, FSE_FHIR_ISSUE_KNOWN_MAPPING, &text);
    assert_string_equal(text.data, "Patient^Organization^Patient.contact.organization\n");
    assert_non_null(strstr(json, "\"managingOrganization\":{\"reference\":\"https://example/"
                                 "Organization/2.16.840.1.113883.2.9.4.1.2-120666\"}"));
    assert_non_null(strstr(json, "\"generalPractitioner\":[{\"reference\":\"https://example/"
                                 "Organization/2.16.840.1.113883.2.9.4.1.2-120777\"}]"));
    assert_non_null(strstr(json, "\"contact\":[{\"organization\":{\"reference\":\"https://"
                                 "example/Organization/2.16.840.1.113883.2.9.4.1.2-120555\"}}]"));
    assert_non_null(strstr(json, "\"owner\":{\"reference\":\"https://example/Organization/"
                                 "2.16.840.1.113883.2.9.6.3.2-01234567890\"}"));
    assert_non_null(strstr(json, "\"deviceName\":[{\"type\":\"other\",\"name\":\"CartellaSW\"}]"));
    assert_non_null(strstr(json, "\"value\":\"VRDLGU60A01H501X\""));
    fse_buf_free(&text);
    fse_free(json);
    free(doc);
    fse_free(cda);
}

/* The checks find what a broken bundle lacks. */
static void test_checks(void **state)
{
    static const char bad[] =
        "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":["
        "{\"fullUrl\":\"https://example/DocumentReference/d1\",\"resource\":{\"resourceType\":"
        "\"DocumentReference\",\"id\":\"d1\",\"status\":\"current\",\"content\":[{}],"
        "\"subject\":{\"reference\":\"https://example/Patient/p9\"}},"
        "\"request\":{\"method\":\"POST\",\"url\":\"DocumentReference\"}},"
        "{\"fullUrl\":\"https://example/Observation/o1\",\"resource\":{\"resourceType\":"
        "\"Observation\",\"id\":\"o1\",\"effectiveDateTime\":\"2022-13\"},"
        "\"request\":{\"method\":\"PUT\",\"url\":\"Observation\"}}]}";
    fse_buf text;
    size_t n;

    (void)state;
    fse_buf_init(&text, MAX_FILE);
    n = count_issues(bad, strlen(bad), false, &text);
    assert_non_null(strstr(text.data, "content.attachment"));
    assert_non_null(strstr(text.data, "reference https://example/Patient/p9"));
    assert_non_null(strstr(text.data, "required element status"));
    assert_non_null(strstr(text.data, "PUT url"));
    assert_true(n >= 4);
    fse_buf_reset(&text);
    n = count_issues(bad, strlen(bad), true, &text);
    assert_non_null(strstr(text.data, "Observation/o1: resource not reachable"));
    assert_true(n >= 1);
    fse_buf_free(&text);
}

int main(int argc, char **argv)
{
    size_t i;

    if (argc == 3 && strcmp(argv[1], "pair") == 0) {
        const struct CMUnitTest t[] = {cmocka_unit_test(test_pair)};
        for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
            if (strcmp(pairs[i].name, argv[2]) == 0) {
                selected = &pairs[i];
            }
        }
        if (selected == NULL) {
            fprintf(stderr, "unknown pair %s\n", argv[2]);
            return 2;
        }
        return cmocka_run_group_tests_name(argv[2], t, NULL, NULL);
    }
    {
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_deterministic),
            cmocka_unit_test(test_decimal_text),
            cmocka_unit_test(test_identifier_choices),
            cmocka_unit_test(test_docref_enrichment),
            cmocka_unit_test(test_pdf_input),
            cmocka_unit_test(test_refused_input),
            cmocka_unit_test(test_checks),
            cmocka_unit_test(test_generated_documents),
            cmocka_unit_test(test_lab_roles),
            cmocka_unit_test(test_header_parties),
        };
        selected = &pairs[0];
        return cmocka_run_group_tests(tests, NULL, NULL);
    }
}
