/*
 * tests/mutation/test_mutation.c - one fault at a time in the official valid
 * samples, and the same samples carried inside a PDF.
 *
 * Each row of the mutation table names a valid sample, an XPath and one edit
 * (remove, set an attribute, append a fragment, reverse an interval, move the
 * default namespace). The sample is parsed, edited with libxml2, serialised
 * and validated as bytes with fse_validator_run; the row then checks the
 * exact outcome and that the expected failure is in the report: a schematron
 * label matched exactly (the text before '|' in the official .sch under
 * fixtures/validation/schematron/<TYPE>/), or a message fragment for the XSD,
 * routing and vocabulary steps. The unmutated sample is checked valid first,
 * so the verdict is caused by the edit. Every valid sample, and a few
 * mutated ones, are also embedded with fse_pdf_embed_cda as a cda.xml
 * attachment and as XFA datasets: the PDF must give the XML's verdict. The
 * samples are read in place from the shared fixtures and never copied into
 * the repository.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "fse/pdf.h"
#include "fse/util.h"
#include "fse/validate.h"
#include "fse/xml.h"

#include "mutation.h"

#define SAMPLES_DIR FSE_RULES_DIR "/samples"
#define HL7_NS "urn:hl7-org:v3"
#define XSI_NS "http://www.w3.org/2001/XMLSchema-instance"
#define MAX_SAMPLE_BYTES (16u * 1024u * 1024u)

/* Interval written by MUT_REVERSE_INTERVAL: high is a month before low. */
#define REVERSED_LOW "20240301000000+0100"
#define REVERSED_HIGH "20240201000000+0100"

/* Catalog and validator shared by every test, loaded once in the group setup. */
static struct {
    fse_catalog *catalog;
    fse_validator *validator;
} g;

/* ---- helpers ----------------------------------------------------------- */

static uint8_t *read_sample(const char *type, const char *file, size_t *len)
{
    char path[1024];
    uint8_t *data = NULL;

    snprintf(path, sizeof(path), "%s/%s/valid/%s", SAMPLES_DIR, type, file);
    if (fse_file_read(path, MAX_SAMPLE_BYTES, &data, len) != FSE_OK) {
        print_error("cannot read %s: %s\n", path, fse_error_last()->message);
        return NULL;
    }
    return data;
}

/* Validate bytes; the report belongs to the caller. */
static fse_report *validate(const uint8_t *data, size_t len)
{
    fse_report *report = NULL;
    fse_err rc = fse_validator_run(g.validator, data, len, NULL, &report);

    if (rc != FSE_OK) {
        print_error("fse_validator_run: %s: %s\n", fse_strerror(rc), fse_error_last()->message);
        return NULL;
    }
    return report;
}

static void print_report(const fse_report *r)
{
    size_t i;

    print_error("    got %s %s (%s), %zu failure(s), %zu warning(s)\n",
                fse_outcome_code(r->outcome), fse_outcome_name(r->outcome), r->doc_type,
                r->n_failures, r->n_warnings);
    for (i = 0; i < r->n_failures && i < 12; i++) {
        print_error("      %-10s %-12s %.200s\n", fse_failure_kind_name(r->failures[i].kind),
                    r->failures[i].rule, r->failures[i].message);
    }
}

static const char *op_name(mut_op op)
{
    static const char *const names[] = {"remove", "set-attr", "append-xml", "reverse-interval",
                                        "default-ns"};

    return names[op];
}

static void describe_row(const mutation *m)
{
    print_error("[%s/%s] %s %s%s%s%s%s: expected %s with a %s failure%s%s%s%s%s\n", m->type,
                m->sample, op_name(m->op), m->xpath, m->name != NULL ? " @" : "",
                m->name != NULL ? m->name : "", m->value != NULL ? " = " : "",
                m->value != NULL ? m->value : "", fse_outcome_code(m->outcome),
                fse_failure_kind_name(m->kind), m->label != NULL ? " labelled " : "",
                m->label != NULL ? m->label : "", m->message != NULL ? " saying '" : "",
                m->message != NULL ? m->message : "", m->message != NULL ? "'" : "");
}

static bool failure_matches(const fse_failure *f, const mutation *m)
{
    if (f->kind != m->kind) {
        return false;
    }
    if (m->label != NULL && strcmp(f->rule, m->label) != 0) {
        return false;
    }
    if (m->message != NULL && strstr(f->message, m->message) == NULL) {
        return false;
    }
    return m->detail == NULL || strstr(f->message, m->detail) != NULL;
}

static void free_subtree(xmlNodePtr node)
{
    if (node->type == XML_ATTRIBUTE_NODE) {
        xmlRemoveProp((xmlAttrPtr)node);
        return;
    }
    xmlUnlinkNode(node);
    xmlFreeNode(node);
}

static bool reverse_interval(xmlDocPtr doc, xmlNodePtr node)
{
    xmlNsPtr xsi = xmlSearchNsByHref(doc, node, BAD_CAST XSI_NS);
    xmlNodePtr low;
    xmlNodePtr high;

    while (node->children != NULL) {
        free_subtree(node->children);
    }
    xmlUnsetProp(node, BAD_CAST "value");
    if (xsi == NULL) {
        xsi = xmlNewNs(xmlDocGetRootElement(doc), BAD_CAST XSI_NS, BAD_CAST "xsi");
    }
    low = xmlNewChild(node, node->ns, BAD_CAST "low", NULL);
    high = xmlNewChild(node, node->ns, BAD_CAST "high", NULL);
    return xsi != NULL && low != NULL && high != NULL &&
           xmlSetNsProp(node, xsi, BAD_CAST "type", BAD_CAST "IVL_TS") != NULL &&
           xmlSetProp(low, BAD_CAST "value", BAD_CAST REVERSED_LOW) != NULL &&
           xmlSetProp(high, BAD_CAST "value", BAD_CAST REVERSED_HIGH) != NULL;
}

static bool set_default_ns(xmlNodePtr node, const char *uri)
{
    xmlNsPtr ns;

    for (ns = node->nsDef; ns != NULL; ns = ns->next) {
        if (ns->prefix == NULL) {
            xmlFree((xmlChar *)(uintptr_t)ns->href);
            ns->href = xmlStrdup(BAD_CAST uri);
            return ns->href != NULL;
        }
    }
    return false;
}

static bool append_xml(xmlNodePtr node, const char *fragment)
{
    xmlNodePtr list = NULL;

    if (xmlParseInNodeContext(node, fragment, (int)strlen(fragment), 0, &list) != XML_ERR_OK ||
        list == NULL) {
        xmlFreeNodeList(list);
        return false;
    }
    return xmlAddChildList(node, list) != NULL;
}

/* Apply the row's edit to doc. false (with why filled) when it cannot. */
static bool apply(xmlDocPtr doc, const mutation *m, char *why, size_t why_len)
{
    xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
    xmlXPathObjectPtr res = NULL;
    xmlNodeSetPtr set;
    bool ok = true;
    int i;

    if (ctx == NULL || xmlXPathRegisterNs(ctx, BAD_CAST "hl7", BAD_CAST HL7_NS) != 0) {
        snprintf(why, why_len, "no XPath context");
        xmlXPathFreeContext(ctx);
        return false;
    }
    res = xmlXPathEvalExpression(BAD_CAST m->xpath, ctx);
    set = res != NULL ? res->nodesetval : NULL;
    if (set == NULL || set->nodeNr == 0) {
        snprintf(why, why_len, "the XPath matched no node");
        ok = false;
    }
    /* Backwards: in document order a descendant follows its ancestor, so it
     * is removed before the ancestor is freed. */
    for (i = ok ? set->nodeNr - 1 : -1; i >= 0 && ok; i--) {
        xmlNodePtr node = set->nodeTab[i];

        switch (m->op) {
        case MUT_REMOVE:
            free_subtree(node);
            set->nodeTab[i] = NULL;
            break;
        case MUT_SET_ATTR:
            ok = node->type == XML_ELEMENT_NODE &&
                 xmlSetProp(node, BAD_CAST m->name, BAD_CAST m->value) != NULL;
            break;
        case MUT_APPEND_XML:
            ok = i > 0 || append_xml(node, m->value);
            break;
        case MUT_REVERSE_INTERVAL:
            ok = node->type == XML_ELEMENT_NODE && reverse_interval(doc, node);
            break;
        case MUT_DEFAULT_NS:
            ok = node->type == XML_ELEMENT_NODE && set_default_ns(node, m->value);
            break;
        }
        if (!ok) {
            snprintf(why, why_len, "the %s edit failed on node %d", op_name(m->op), i);
        }
    }
    if (set != NULL && m->op == MUT_REMOVE) {
        set->nodeNr = 0;
    }
    xmlXPathFreeObject(res);
    xmlXPathFreeContext(ctx);
    return ok;
}

/* The unmutated sample must be valid, or no row on it proves anything. */
static bool sample_is_valid(const mutation *m)
{
    static struct {
        const char *sample;
        bool valid;
    } seen[32];
    static size_t n_seen;
    size_t len = 0;
    uint8_t *data;
    fse_report *r;
    bool valid = false;
    size_t i;

    for (i = 0; i < n_seen; i++) {
        if (seen[i].sample == m->sample) {
            return seen[i].valid;
        }
    }
    data = read_sample(m->type, m->sample, &len);
    r = data != NULL ? validate(data, len) : NULL;
    if (r != NULL) {
        valid = r->valid && r->n_failures == 0;
        if (!valid) {
            print_error("[%s/%s] the unmutated sample is not valid\n", m->type, m->sample);
            print_report(r);
        }
    }
    fse_report_free(r);
    fse_free(data);
    if (n_seen < sizeof(seen) / sizeof(seen[0])) {
        seen[n_seen].sample = m->sample;
        seen[n_seen].valid = valid;
        n_seen++;
    }
    return valid;
}

/* Run one row; prints what went wrong and returns false on a mismatch. */
static bool check_row(const mutation *m)
{
    size_t len = 0;
    uint8_t *data = NULL;
    xmlDocPtr doc = NULL;
    xmlChar *mutated = NULL;
    int mutated_len = 0;
    fse_report *r = NULL;
    char why[256] = "";
    bool ok = false;
    size_t i;

    if (!sample_is_valid(m)) {
        describe_row(m);
        return false;
    }
    data = read_sample(m->type, m->sample, &len);
    if (data == NULL || fse_xml_parse(&doc, NULL, data, len, NULL) != FSE_OK) {
        snprintf(why, sizeof(why), "the sample does not parse");
        goto done;
    }
    if (!apply(doc, m, why, sizeof(why))) {
        goto done;
    }
    xmlDocDumpMemoryEnc(doc, &mutated, &mutated_len, "UTF-8");
    if (mutated == NULL) {
        snprintf(why, sizeof(why), "the mutated tree does not serialise");
        goto done;
    }
    r = validate(mutated, (size_t)mutated_len);
    if (r == NULL) {
        snprintf(why, sizeof(why), "no report");
        goto done;
    }
    if (r->outcome != m->outcome || r->valid) {
        snprintf(why, sizeof(why), "wrong outcome");
        goto done;
    }
    for (i = 0; i < r->n_failures && !ok; i++) {
        ok = failure_matches(&r->failures[i], m);
    }
    if (!ok) {
        snprintf(why, sizeof(why), "the expected failure is missing");
    }
done:
    if (!ok) {
        describe_row(m);
        print_error("    %s\n", why);
        if (r != NULL) {
            print_report(r);
        }
    }
    fse_report_free(r);
    xmlFree(mutated);
    xmlFreeDoc(doc);
    fse_free(data);
    return ok;
}

/* ---- tests -------------------------------------------------------------- */

static int group_setup(void **state)
{
    (void)state;
    if (fse_catalog_load(&g.catalog, FSE_RULES_DIR, NULL) != FSE_OK) {
        print_error("catalog: %s\n", fse_error_last()->message);
        return -1;
    }
    if (fse_validator_new(&g.validator, g.catalog) != FSE_OK) {
        print_error("validator: %s\n", fse_error_last()->message);
        return -1;
    }
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    fse_validator_free(g.validator);
    fse_catalog_free(g.catalog);
    return 0;
}

/* Every row of one group (the test state); all rows run, then the count of
 * mismatches decides. */
static void check_group(void **state)
{
    const mut_group *group = *state;
    size_t n = 0;
    size_t bad = 0;
    size_t i;

    for (i = 0; i < mut_n_rows; i++) {
        if (mut_rows[i].group != *group) {
            continue;
        }
        n++;
        if (!check_row(&mut_rows[i])) {
            bad++;
        }
    }
    assert_true(n > 0);
    if (bad > 0) {
        fail_msg("%zu of %zu mutation(s) did not give the expected verdict", bad, n);
    }
}

/* Every document type with a valid XML sample has at least one row in every
 * group of the table. */
static void table_covers_every_type(void **state)
{
    static const char *const types[] = {"LAB",       "LDO",       "RAD", "RSA",
                                        "CERT_VACC", "SING_VACC", "PSS", "RAP"};
    static const mut_group per_type[] = {G_SECTION,     G_DOC_LOINC,   G_VOCAB_CODE, G_VOCAB_VER,
                                         G_INTERVAL,    G_CF,          G_NAMESPACE,  G_TYPE_ID,
                                         G_TEMPLATE_ID, G_NO_TEMPLATE, G_XSD};
    size_t t;
    size_t k;
    size_t i;

    (void)state;
    for (t = 0; t < sizeof(types) / sizeof(types[0]); t++) {
        for (k = 0; k < sizeof(per_type) / sizeof(per_type[0]); k++) {
            bool found = false;

            for (i = 0; i < mut_n_rows && !found; i++) {
                found = mut_rows[i].group == per_type[k] && strcmp(mut_rows[i].type, types[t]) == 0;
            }
            if (!found) {
                fail_msg("no row of group %zu for %s", k, types[t]);
            }
        }
    }
}

static bool same_failures(const fse_failure *a, size_t n_a, const fse_failure *b, size_t n_b)
{
    size_t i;

    if (n_a != n_b) {
        return false;
    }
    for (i = 0; i < n_a; i++) {
        if (a[i].kind != b[i].kind || a[i].count != b[i].count ||
            strcmp(a[i].rule, b[i].rule) != 0 || strcmp(a[i].message, b[i].message) != 0) {
            return false;
        }
    }
    return true;
}

/* Embed one sample in mode and compare the verdict with the XML's. */
static bool embedded_verdict_matches(const char *path, const uint8_t *xml, size_t xml_len,
                                     const fse_report *want, fse_pdf_embedding mode)
{
    fse_pdf_embed_opts opts = {mode, NULL};
    uint8_t *pdf = NULL;
    size_t pdf_len = 0;
    fse_report *got = NULL;
    bool ok = false;
    const char *mode_name = mode == FSE_PDF_EMBED_XFA ? "XFA" : "attachment";
    fse_err rc = fse_pdf_embed_cda(&pdf, &pdf_len, xml, xml_len, &opts);

    if (rc != FSE_OK) {
        print_error("%s (%s): fse_pdf_embed_cda: %s: %s\n", path, mode_name, fse_strerror(rc),
                    fse_error_last()->message);
        return false;
    }
    got = validate(pdf, pdf_len);
    if (got != NULL) {
        ok = got->from_pdf && got->pdf_embedding == (int)mode && got->outcome == want->outcome &&
             got->valid == want->valid && strcmp(got->doc_type, want->doc_type) == 0 &&
             strcmp(got->schematron, want->schematron) == 0 &&
             same_failures(got->failures, got->n_failures, want->failures, want->n_failures) &&
             same_failures(got->warnings, got->n_warnings, want->warnings, want->n_warnings);
        if (!ok) {
            print_error("%s (%s): the PDF verdict differs from the XML's\n", path, mode_name);
            print_error("  XML:\n");
            print_report(want);
            print_error("  PDF (from_pdf %d, embedding %d):\n", got->from_pdf, got->pdf_embedding);
            print_report(got);
        }
    }
    fse_report_free(got);
    fse_free(pdf);
    return ok;
}

static bool has_suffix(const char *name, const char *suffix)
{
    size_t n = strlen(name);
    size_t s = strlen(suffix);

    return n > s && strcmp(name + n - s, suffix) == 0;
}

/* Every valid XML sample, carried as a cda.xml attachment and as XFA
 * datasets, gives exactly the verdict of the bare XML. */
static void embedded_samples_keep_their_verdict(void **state)
{
    DIR *types = opendir(SAMPLES_DIR);
    struct dirent *t;
    size_t n = 0;
    size_t bad = 0;

    (void)state;
    assert_non_null(types);
    while ((t = readdir(types)) != NULL) {
        char dir[1024];
        DIR *files;
        struct dirent *f;

        if (t->d_name[0] == '.') {
            continue;
        }
        snprintf(dir, sizeof(dir), "%s/%s/valid", SAMPLES_DIR, t->d_name);
        files = opendir(dir);
        if (files == NULL) {
            continue; /* a type with invalid samples only */
        }
        while ((f = readdir(files)) != NULL) {
            size_t len = 0;
            uint8_t *xml;
            fse_report *want;

            if (!has_suffix(f->d_name, ".xml")) {
                continue;
            }
            n++;
            xml = read_sample(t->d_name, f->d_name, &len);
            want = xml != NULL ? validate(xml, len) : NULL;
            if (want == NULL || !want->valid ||
                !embedded_verdict_matches(f->d_name, xml, len, want, FSE_PDF_EMBED_ATTACHMENT) ||
                !embedded_verdict_matches(f->d_name, xml, len, want, FSE_PDF_EMBED_XFA)) {
                bad++;
            }
            fse_report_free(want);
            fse_free(xml);
        }
        closedir(files);
    }
    closedir(types);
    assert_true(n >= 20);
    if (bad > 0) {
        fail_msg("%zu of %zu embedded sample(s) changed verdict", bad, n);
    }
}

/* First row of a group on a type; fails the test when there is none. */
static const mutation *row_of(mut_group group, const char *type)
{
    size_t i;

    for (i = 0; i < mut_n_rows; i++) {
        if (mut_rows[i].group == group && strcmp(mut_rows[i].type, type) == 0) {
            return &mut_rows[i];
        }
    }
    fail_msg("no row of group %d for %s", (int)group, type);
    return NULL;
}

/* An edit inside an embedded CDA changes the PDF's verdict the same way. */
static void embedded_mutation_keeps_its_verdict(void **state)
{
    const mutation *picks[4];
    size_t k;

    (void)state;
    picks[0] = row_of(G_SECTION, "LDO");
    picks[1] = row_of(G_VOCAB_CODE, "RAD");
    picks[2] = row_of(G_CF, "SING_VACC");
    picks[3] = row_of(G_XSD, "PSS");
    for (k = 0; k < sizeof(picks) / sizeof(picks[0]); k++) {
        const mutation *m = picks[k];
        size_t len = 0;
        uint8_t *data = read_sample(m->type, m->sample, &len);
        xmlDocPtr doc = NULL;
        xmlChar *mutated = NULL;
        int mutated_len = 0;
        char why[256] = "";
        fse_report *want;

        assert_non_null(data);
        assert_int_equal(fse_xml_parse(&doc, NULL, data, len, NULL), FSE_OK);
        assert_true(apply(doc, m, why, sizeof(why)));
        xmlDocDumpMemoryEnc(doc, &mutated, &mutated_len, "UTF-8");
        assert_non_null(mutated);
        want = validate(mutated, (size_t)mutated_len);
        assert_non_null(want);
        assert_int_equal(want->outcome, m->outcome);
        assert_true(embedded_verdict_matches(m->sample, mutated, (size_t)mutated_len, want,
                                             FSE_PDF_EMBED_ATTACHMENT));
        assert_true(embedded_verdict_matches(m->sample, mutated, (size_t)mutated_len, want,
                                             FSE_PDF_EMBED_XFA));
        fse_report_free(want);
        xmlFree(mutated);
        xmlFreeDoc(doc);
        fse_free(data);
    }
}

static mut_group group_ids[] = {G_SECTION,     G_DOC_LOINC,   G_VOCAB_CODE, G_VOCAB_VER,
                                G_INTERVAL,    G_CF,          G_NAMESPACE,  G_TYPE_ID,
                                G_TEMPLATE_ID, G_NO_TEMPLATE, G_XSD};

#define ROWS_TEST(name, group)                                                                     \
    {                                                                                              \
        name, check_group, NULL, NULL, &group_ids[group]                                           \
    }

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(table_covers_every_type),
        ROWS_TEST("mandatory_section_missing", G_SECTION),
        ROWS_TEST("wrong_document_loinc", G_DOC_LOINC),
        ROWS_TEST("unknown_code_in_managed_system", G_VOCAB_CODE),
        ROWS_TEST("unmanaged_code_system_version", G_VOCAB_VER),
        ROWS_TEST("effective_time_high_before_low", G_INTERVAL),
        ROWS_TEST("bad_codice_fiscale", G_CF),
        ROWS_TEST("wrong_root_namespace", G_NAMESPACE),
        ROWS_TEST("unknown_type_id_extension", G_TYPE_ID),
        ROWS_TEST("unknown_template_id_root", G_TEMPLATE_ID),
        ROWS_TEST("missing_template_id", G_NO_TEMPLATE),
        ROWS_TEST("element_not_allowed_by_xsd", G_XSD),
        cmocka_unit_test(embedded_samples_keep_their_verdict),
        cmocka_unit_test(embedded_mutation_keeps_its_verdict),
    };

    return cmocka_run_group_tests_name("mutation", tests, group_setup, group_teardown);
}
