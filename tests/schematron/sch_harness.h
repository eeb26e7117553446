/*
 * tests/schematron/sch_harness.h - helpers shared by the schematron engine
 * tests: inline schematrons and documents, compile/parse/run with cmocka
 * assertions, and findings rendered as strings for exact comparison.
 *
 * Owns nothing of the engine; the tests themselves live in sch_test_*.c and
 * are listed in test_schematron.c.
 */
#ifndef SCH_HARNESS_H
#define SCH_HARNESS_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "fse/schematron.h"

#define SCH_NS "http://purl.oclc.org/dsdl/schematron"
#define SCH_OPEN                                                                                   \
    "<schema xmlns=\"" SCH_NS "\" xmlns:xsl=\"http://www.w3.org/1999/XSL/Transform\""              \
    " queryBinding=\"xslt2\"><ns prefix=\"hl7\" uri=\"urn:hl7-org:v3\"/>"                          \
    "<ns prefix=\"xsi\" uri=\"http://www.w3.org/2001/XMLSchema-instance\"/>"
#define SCH_CLOSE "</schema>"
/* A schematron with one pattern holding body (rules, pattern lets). */
#define SCH(body) SCH_OPEN "<pattern id=\"all\">" body "</pattern>" SCH_CLOSE
/* A CDA root in the HL7 v3 default namespace around body. */
#define CDA(body) "<ClinicalDocument xmlns=\"urn:hl7-org:v3\">" body "</ClinicalDocument>"

/* Outcome of h_test when the run stopped on a dynamic error. */
#define H_DYNAMIC_ERROR (-1)

typedef struct sch_case {
    fse_sch_schema *schema;
    xmlDocPtr doc;
    fse_sch_result *result;
} sch_case;

/* Compile sch (NUL-terminated) and assert success. */
fse_sch_schema *h_compile(const char *sch);
/* Compile sch, assert it fails, return the code; the message goes to msg. */
fse_err h_compile_fail(const char *sch, char *msg, size_t msg_len);
/* Parse xml with the project's parser and assert success. */
xmlDocPtr h_parse(const char *xml);
/* Compile sch, parse xml and run: asserts every step returns FSE_OK. */
const fse_sch_result *h_run(sch_case *c, const char *sch, const char *xml);
void h_case_free(sch_case *c);

/* Labels of the findings joined with ",". */
const char *h_labels(const fse_sch_result *r, char *buf, size_t len);
/* Messages joined with '\n'. */
const char *h_messages(const fse_sch_result *r, char *buf, size_t len);
/* Locations joined with '\n'. */
const char *h_locations(const fse_sch_result *r, char *buf, size_t len);

/* Run sch over xml, assert no dynamic error and the exact label list. */
void h_expect(const char *sch, const char *xml, const char *labels);
/* Run sch over xml, assert no dynamic error and the exact message list. */
void h_expect_messages(const char *sch, const char *xml, const char *messages);
/* Run sch over xml, assert a dynamic error whose message starts with code. */
void h_expect_dynamic_error(const char *sch, const char *xml, const char *code);

/*
 * One report with test (escaped here) under a rule with context and the given
 * raw let elements: returns how many times it fired, or H_DYNAMIC_ERROR (the
 * error text is then in h_last_error()).
 */
int h_test(const char *lets, const char *context, const char *test, const char *xml);
const char *h_last_error(void);

/* A heap copy of the printf result (free with fse_free). */
char *h_printf(const char *fmt, ...) FSE_PRINTF(1, 2);
/* Attribute-value escaping of s (free with fse_free). */
char *h_escape(const char *s);

#endif /* SCH_HARNESS_H */
