/*
 * tests/schematron/sch_harness.c - implementation of the test helpers
 * declared in sch_harness.h (compile, parse, run, render findings).
 */
#include "sch_harness.h"

#include <stdio.h>
#include <string.h>

#include "fse/util.h"
#include "fse/xml.h"

static char last_error[512];

fse_sch_schema *h_compile(const char *sch)
{
    fse_sch_schema *schema = NULL;
    fse_err rc = fse_sch_compile(&schema, (const uint8_t *)sch, strlen(sch), "t.sch");

    if (rc != FSE_OK) {
        print_error("compile failed (%s): %s\n", fse_strerror(rc), fse_error_last()->message);
    }
    assert_int_equal(rc, FSE_OK);
    assert_non_null(schema);
    return schema;
}

fse_err h_compile_fail(const char *sch, char *msg, size_t msg_len)
{
    fse_sch_schema *schema = NULL;
    fse_err rc;

    fse_error_clear();
    rc = fse_sch_compile(&schema, (const uint8_t *)sch, strlen(sch), "t.sch");
    if (rc == FSE_OK) {
        fse_sch_free(schema);
        schema = NULL;
        print_error("compiled, a failure was expected: %s\n", sch);
    }
    assert_int_not_equal(rc, FSE_OK);
    assert_null(schema);
    snprintf(msg, msg_len, "%s", fse_error_last()->message);
    assert_true(msg[0] != '\0');
    return rc;
}

xmlDocPtr h_parse(const char *xml)
{
    xmlDocPtr doc = NULL;
    fse_err rc = fse_xml_parse(&doc, NULL, (const uint8_t *)xml, strlen(xml), NULL);

    if (rc != FSE_OK) {
        print_error("parse failed: %s\n", fse_error_last()->message);
    }
    assert_int_equal(rc, FSE_OK);
    return doc;
}

const fse_sch_result *h_run(sch_case *c, const char *sch, const char *xml)
{
    memset(c, 0, sizeof(*c));
    c->schema = h_compile(sch);
    c->doc = h_parse(xml);
    assert_int_equal(fse_sch_run(c->schema, c->doc, &c->result), FSE_OK);
    assert_non_null(c->result);
    if (!c->result->dynamic_error) {
        assert_int_equal(c->result->n_findings, c->result->n_failed_asserts + c->result->n_reports);
    }
    return c->result;
}

void h_case_free(sch_case *c)
{
    fse_sch_result_free(c->result);
    xmlFreeDoc(c->doc);
    fse_sch_free(c->schema);
    memset(c, 0, sizeof(*c));
}

typedef enum field { F_LABEL, F_MESSAGE, F_LOCATION } field;

static const char *join(const fse_sch_result *r, field f, const char *sep, char *buf, size_t len)
{
    size_t used = 0;
    size_t i;

    buf[0] = '\0';
    for (i = 0; i < r->n_findings; i++) {
        const fse_sch_finding *x = &r->findings[i];
        const char *s = f == F_LABEL ? x->label : f == F_MESSAGE ? x->message : x->location;
        int n = snprintf(buf + used, len - used, "%s%s", i > 0 ? sep : "", s);

        assert_true(n >= 0 && (size_t)n < len - used);
        used += (size_t)n;
    }
    return buf;
}

const char *h_labels(const fse_sch_result *r, char *buf, size_t len)
{
    return join(r, F_LABEL, ",", buf, len);
}

const char *h_messages(const fse_sch_result *r, char *buf, size_t len)
{
    return join(r, F_MESSAGE, "\n", buf, len);
}

const char *h_locations(const fse_sch_result *r, char *buf, size_t len)
{
    return join(r, F_LOCATION, "\n", buf, len);
}

/* The case is freed before asserting, so that a failed check leaks nothing. */
static void expect_field(const char *sch, const char *xml, field f, const char *want)
{
    sch_case c;
    char buf[8192];
    char err[256];
    const fse_sch_result *r = h_run(&c, sch, xml);
    bool dynamic = r->dynamic_error;

    snprintf(err, sizeof(err), "%s", r->error_message);
    if (f == F_LABEL) {
        h_labels(r, buf, sizeof(buf));
    } else {
        h_messages(r, buf, sizeof(buf));
    }
    h_case_free(&c);
    if (dynamic) {
        print_error("unexpected dynamic error: %s\n", err);
    }
    assert_false(dynamic);
    assert_string_equal(buf, want);
}

void h_expect(const char *sch, const char *xml, const char *labels)
{
    expect_field(sch, xml, F_LABEL, labels);
}

void h_expect_messages(const char *sch, const char *xml, const char *messages)
{
    expect_field(sch, xml, F_MESSAGE, messages);
}

void h_expect_dynamic_error(const char *sch, const char *xml, const char *code)
{
    sch_case c;
    const fse_sch_result *r = h_run(&c, sch, xml);
    bool dynamic = r->dynamic_error;
    char err[256];

    snprintf(err, sizeof(err), "%s", r->error_message);
    h_case_free(&c);
    if (!dynamic || strncmp(err, code, strlen(code)) != 0) {
        print_error("dynamic error %d '%s', want one starting with %s\n", dynamic, err, code);
    }
    assert_true(dynamic);
    assert_true(strncmp(err, code, strlen(code)) == 0);
}

char *h_printf(const char *fmt, ...)
{
    va_list ap;
    fse_buf b;
    char *s;
    char tmp[4096];
    int n;

    va_start(ap, fmt);
    n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    assert_true(n >= 0 && (size_t)n < sizeof(tmp));
    fse_buf_init(&b, sizeof(tmp));
    assert_int_equal(fse_buf_append(&b, tmp, (size_t)n), FSE_OK);
    s = fse_buf_steal(&b, NULL);
    assert_non_null(s);
    return s;
}

char *h_escape(const char *s)
{
    fse_buf b;
    char *out;

    fse_buf_init(&b, 64u * 1024u * 1024u);
    for (; *s != '\0'; s++) {
        const char *rep = *s == '&'   ? "&amp;"
                          : *s == '<' ? "&lt;"
                          : *s == '>' ? "&gt;"
                          : *s == '"' ? "&quot;"
                                      : NULL;

        assert_int_equal(rep != NULL ? fse_buf_append_str(&b, rep) : fse_buf_append(&b, s, 1),
                         FSE_OK);
    }
    out = fse_buf_steal(&b, NULL);
    if (out == NULL) {
        out = fse_strdup("");
    }
    assert_non_null(out);
    return out;
}

int h_test(const char *lets, const char *context, const char *test, const char *xml)
{
    char *ctx = h_escape(context);
    char *tst = h_escape(test);
    char *sch = h_printf(SCH("<rule context=\"%s\">%s<report test=\"%s\">T| fired</report>"
                             "</rule>"),
                         ctx, lets != NULL ? lets : "", tst);
    sch_case c;
    const fse_sch_result *r = h_run(&c, sch, xml);
    int fired;

    last_error[0] = '\0';
    if (r->dynamic_error) {
        snprintf(last_error, sizeof(last_error), "%s", r->error_message);
        fired = H_DYNAMIC_ERROR;
    } else {
        assert_int_equal(r->n_failed_asserts, 0);
        fired = (int)r->n_reports;
    }
    h_case_free(&c);
    fse_free(sch);
    fse_free(tst);
    fse_free(ctx);
    return fired;
}

const char *h_last_error(void)
{
    return last_error;
}
