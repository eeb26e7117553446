/*
 * tests/schematron/sch_test_robust.c - hostile schematrons and allocation
 * faults: malformed files, deep nesting, megabyte expressions, let cycles,
 * and fse_alloc_fail_at loops over compile and run.
 *
 * Cases that could crash run in a child process, so that one crash is
 * reported as a failed case instead of ending the whole test program; the
 * child exits normally, so the leak checker of a sanitizer build still runs.
 */
#include "sch_harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fse/util.h"
#include "fse/xml.h"
#include "sch_tests.h"

/* Child exit codes: CHILD_BASE + outcome. Anything else is a crash or a leak. */
#define CHILD_BASE 64
enum outcome {
    OUT_RUN_OK = 0,       /* compiled and ran without a dynamic error */
    OUT_RUN_FIRED = 1,    /* compiled and ran, a report fired or an assert failed */
    OUT_DYNAMIC = 2,      /* compiled, the run stopped on a dynamic error */
    OUT_COMPILE_FAIL = 3, /* compile failed with a message (code in FSE_E_*) */
    OUT_BAD = 4           /* compile failed without a message or with an odd code */
};

typedef struct hostile {
    const char *name;
    const uint8_t *data;
    size_t len;
    const char *doc; /* document to run over when it compiles */
} hostile;

static char child_error[256];

/* In the child: compile and run, return an outcome. */
static int try_case(const hostile *h, fse_err *rc_out)
{
    fse_sch_schema *schema = NULL;
    xmlDocPtr doc = NULL;
    fse_sch_result *r = NULL;
    fse_err rc;
    int out;

    child_error[0] = '\0';
    fse_error_clear();
    rc = fse_sch_compile(&schema, h->data, h->len, "hostile.sch");
    *rc_out = rc;
    if (rc != FSE_OK) {
        snprintf(child_error, sizeof(child_error), "%s", fse_error_last()->message);
        return schema == NULL && fse_error_last()->message[0] != '\0' &&
                       (rc == FSE_E_PARSE || rc == FSE_E_UNSUPPORTED || rc == FSE_E_LIMIT)
                   ? OUT_COMPILE_FAIL
                   : OUT_BAD;
    }
    if (fse_xml_parse(&doc, NULL, (const uint8_t *)h->doc, strlen(h->doc), NULL) != FSE_OK ||
        fse_sch_run(schema, doc, &r) != FSE_OK) {
        out = OUT_BAD;
    } else if (r->dynamic_error) {
        snprintf(child_error, sizeof(child_error), "%s", r->error_message);
        out = OUT_DYNAMIC;
    } else {
        out = r->n_findings > 0 ? OUT_RUN_FIRED : OUT_RUN_OK;
    }
    fse_sch_result_free(r);
    xmlFreeDoc(doc);
    fse_sch_free(schema);
    return out;
}

/*
 * Run one case in a child. Returns the outcome, or -1 after a crash, a leak
 * or a timeout. The child's message goes to msg.
 */
static int run_in_child(const hostile *h, fse_err *rc_out, char *msg, size_t msg_len)
{
    int fds[2];
    pid_t pid;
    int status = 0;
    struct {
        fse_err rc;
        char text[256];
    } report;
    ssize_t got;

    memset(&report, 0, sizeof(report));
    assert_int_equal(pipe(fds), 0);
    fflush(stdout);
    fflush(stderr);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int out;

        close(fds[0]);
        alarm(120);
        out = try_case(h, &report.rc);
        snprintf(report.text, sizeof(report.text), "%s", child_error);
        if (write(fds[1], &report, sizeof(report)) != (ssize_t)sizeof(report)) {
            _exit(1);
        }
        close(fds[1]);
        /* _exit: the parent's heap (and its leaks) is not the child's business */
        _exit(CHILD_BASE + out);
    }
    close(fds[1]);
    got = read(fds[0], &report, sizeof(report));
    close(fds[0]);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    *rc_out = report.rc;
    snprintf(msg, msg_len, "%s", got == (ssize_t)sizeof(report) ? report.text : "(no report)");
    if (!WIFEXITED(status) || WEXITSTATUS(status) < CHILD_BASE) {
        print_error("%s: child %s %d\n", h->name, WIFEXITED(status) ? "exited" : "killed by signal",
                    WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
        return -1;
    }
    return WEXITSTATUS(status) - CHILD_BASE;
}

/*
 * Run a case in a child; the outcome must be one of the allowed ones (bit set
 * of outcomes). When the child survived, the case runs again in this process
 * so that the sanitizer's leak check at exit covers it.
 */
static bool case_ok(const hostile *h, unsigned allowed)
{
    fse_err rc = FSE_OK;
    fse_err rc2 = FSE_OK;
    char msg[256];
    int out = run_in_child(h, &rc, msg, sizeof(msg));

    print_message("%s: outcome %d (%s) %.160s\n", h->name, out, fse_strerror(rc), msg);
    if (out < 0 || (allowed & (1u << out)) == 0) {
        print_error("%s: outcome %d not allowed (mask %#x): %.200s\n", h->name, out, allowed, msg);
        return false;
    }
    return try_case(h, &rc2) == out && rc2 == rc;
}

static void expect_case(const hostile *h, unsigned allowed)
{
    assert_true(case_ok(h, allowed));
}

#define ALLOW(o) (1u << (o))
#define SMALL_DOC CDA("<x k=\"1\"><a/></x>")

static hostile text_case(const char *name, const char *sch)
{
    hostile h;

    h.name = name;
    h.data = (const uint8_t *)sch;
    h.len = strlen(sch);
    h.doc = SMALL_DOC;
    return h;
}

/* A buffer of n copies of unit between head and tail (caller frees). */
static char *repeat(const char *head, const char *unit, size_t n, const char *mid,
                    const char *unit2, size_t n2, const char *tail)
{
    fse_buf b;
    size_t i;
    char *s;

    fse_buf_init(&b, 64u * 1024u * 1024u);
    assert_int_equal(fse_buf_append_str(&b, head), FSE_OK);
    for (i = 0; i < n; i++) {
        assert_int_equal(fse_buf_append_str(&b, unit), FSE_OK);
    }
    assert_int_equal(fse_buf_append_str(&b, mid), FSE_OK);
    for (i = 0; i < n2; i++) {
        assert_int_equal(fse_buf_append_str(&b, unit2), FSE_OK);
    }
    assert_int_equal(fse_buf_append_str(&b, tail), FSE_OK);
    s = fse_buf_steal(&b, NULL);
    assert_non_null(s);
    return s;
}

/* ------------------------------------------------------ malformed files -- */

#define XXE_RULE "<rule context=\"hl7:x\"><assert test=\"true()\">&e;</assert></rule>"
#define XXE_SCH "<!DOCTYPE schema [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>" SCH(XXE_RULE)

void hostile_schematrons_do_not_crash(void **state)
{
    static const uint8_t garbage[] = {0x3c, 0x00, 0xff, 0xfe, 0x3c, 0x73, 0x00, 0x3e, 0x01};
    static const char *const fails[][2] = {
        {"empty", ""},
        {"truncated", "<schema xmlns=\"" SCH_NS "\"><pattern>"},
        {"not xml", "schema { pattern }"},
        {"wrong root", "<foo/>"},
        {"schema in no namespace", "<schema><pattern/></schema>"},
        {"schema in another namespace", "<schema xmlns=\"urn:x\"><pattern/></schema>"},
        {"no pattern", SCH_OPEN SCH_CLOSE},
        {"doctype with entity", XXE_SCH},
        {"ns without uri", "<schema xmlns=\"" SCH_NS "\"><ns prefix=\"a\"/><pattern/></schema>"},
        {"value-of without select",
         SCH("<rule context=\"hl7:x\"><assert test=\"true()\"><value-of/></assert></rule>")},
        {"for-each without select",
         SCH("<rule context=\"hl7:x\"><let name=\"p\"><xsl:for-each/></let></rule>")},
        {"unterminated literal", SCH("<rule context=\"hl7:x\"><assert test=\"'a\"/></rule>")},
        {"xpath comment", SCH("<rule context=\"hl7:x\"><assert test=\"(: c :) 1\"/></rule>")},
        {"empty sequence", SCH("<rule context=\"hl7:x\"><assert test=\"count(())=0\"/></rule>")},
        {"sequence", SCH("<rule context=\"hl7:x\"><assert test=\"'a', 'b'\"/></rule>")},
        {"lone dollar", SCH("<rule context=\"hl7:x\"><assert test=\"$ = 1\"/></rule>")},
        {"bad character", SCH("<rule context=\"hl7:x\"><assert test=\"1 # 2\"/></rule>")},
        {"bad axis", SCH("<rule context=\"hl7:x\"><assert test=\"namespace::*\"/></rule>")},
        {"empty test", SCH("<rule context=\"hl7:x\"><assert test=\"\"/></rule>")},
        {"empty context", SCH("<rule context=\"\"><assert test=\"true()\"/></rule>")},
        {"long prefix",
         SCH("<rule context=\"hl7:x\"><assert test=\"count(abcdefghijabcdefghijabcdefghijabcdef"
             "ghijabcdefghijabcdefghijabcdefghij:x)\"/></rule>")},
        {"trailing slash", SCH("<rule context=\"hl7:x/\"><assert test=\"true()\"/></rule>")},
        {"dangling or", SCH("<rule context=\"hl7:x\"><assert test=\"1 or\"/></rule>")},
        {"if without else", SCH("<rule context=\"hl7:x\"><assert test=\"if (1) then 2\"/></rule>")},
    };
    static const char *const compiles[][2] = {
        {"pattern without rules", SCH("")},
        {"rule without checks", SCH("<rule context=\"hl7:x\"/>")},
        {"unused namespace", SCH_OPEN "<ns prefix=\"u\" uri=\"urn:u\"/><pattern>"
                                      "<rule context=\"u:x\"><report test=\"true()\">U|</report>"
                                      "</rule></pattern>" SCH_CLOSE},
        {"comments and pis", SCH("<!-- c --><?pi x?><rule context=\"hl7:x\"><!-- c --><report "
                                 "test=\"true()\">C|<!-- c --></report></rule>")},
        {"empty message", SCH("<rule context=\"hl7:x\"><report test=\"true()\"/></rule>")},
        {"unicode names", SCH("<rule context=\"hl7:città\"><report test=\"@perché\">U|</report>"
                              "</rule>")},
    };
    hostile h;
    size_t i;
    char *many_ns;
    char *deep_xml;
    char *many_rules;
    char with_nul[sizeof(SCH("<rule context=\"hl7:x\"><assert test=\"true()\"/></rule>"))];

    (void)state;
    for (i = 0; i < sizeof(fails) / sizeof(fails[0]); i++) {
        h = text_case(fails[i][0], fails[i][1]);
        expect_case(&h, ALLOW(OUT_COMPILE_FAIL));
    }
    for (i = 0; i < sizeof(compiles) / sizeof(compiles[0]); i++) {
        h = text_case(compiles[i][0], compiles[i][1]);
        expect_case(&h, ALLOW(OUT_RUN_OK) | ALLOW(OUT_RUN_FIRED));
    }
    h.name = "binary garbage";
    h.data = garbage;
    h.len = sizeof(garbage);
    h.doc = SMALL_DOC;
    expect_case(&h, ALLOW(OUT_COMPILE_FAIL));
    /* a NUL byte inside an otherwise valid file */
    memcpy(with_nul, SCH("<rule context=\"hl7:x\"><assert test=\"true()\"/></rule>"),
           sizeof(with_nul));
    with_nul[sizeof(SCH_OPEN) + 4] = '\0';
    h = text_case("embedded NUL", "");
    h.data = (const uint8_t *)with_nul;
    h.len = sizeof(with_nul) - 1;
    expect_case(&h, ALLOW(OUT_COMPILE_FAIL));
    /* more namespace declarations than the engine keeps */
    many_ns = repeat(SCH_OPEN, "<ns prefix=\"p\" uri=\"urn:p\"/>", 100, "", "", 0,
                     "<pattern/>" SCH_CLOSE);
    h = text_case("100 ns", many_ns);
    expect_case(&h, ALLOW(OUT_COMPILE_FAIL) | ALLOW(OUT_RUN_OK));
    fse_free(many_ns);
    /* message markup nested past the XML depth limit */
    deep_xml = repeat(SCH_OPEN "<pattern><rule context=\"hl7:x\"><report test=\"true()\">",
                      "<emph>", 300, "D|", "</emph>", 300, "</report></rule></pattern>" SCH_CLOSE);
    h = text_case("300 nested emph", deep_xml);
    expect_case(&h, ALLOW(OUT_COMPILE_FAIL));
    fse_free(deep_xml);
    deep_xml = repeat(SCH_OPEN "<pattern><rule context=\"hl7:x\"><report test=\"true()\">",
                      "<emph>", 200, "D|", "</emph>", 200, "</report></rule></pattern>" SCH_CLOSE);
    h = text_case("200 nested emph", deep_xml);
    expect_case(&h, ALLOW(OUT_RUN_FIRED));
    fse_free(deep_xml);
    /* many rules, all shadowed by the first */
    many_rules = repeat(SCH_OPEN "<pattern>",
                        "<rule context=\"hl7:x\"><report test=\"true()\">R|</report></rule>", 20000,
                        "", "", 0, "</pattern>" SCH_CLOSE);
    h = text_case("20000 rules", many_rules);
    expect_case(&h, ALLOW(OUT_RUN_FIRED));
    fse_free(many_rules);
}

/* ------------------------------------------------------------ nesting -- */

#define TEST_HEAD SCH_OPEN "<pattern><rule context=\"hl7:x\"><report test=\""
#define TEST_TAIL "\">N|</report></rule></pattern>" SCH_CLOSE

void nested_parentheses(void **state)
{
    static const struct {
        const char *name;
        const char *head;
        const char *open;
        const char *mid;
        const char *close;
        const char *tail;
    } shapes[] = {
        {"parentheses in a test", TEST_HEAD, "(", "1", ")", "=1" TEST_TAIL},
        {"not() in a test", TEST_HEAD, "not(", "false()", ")", TEST_TAIL},
        {"predicates in a test", TEST_HEAD, "hl7:a[", "1", "]", TEST_TAIL},
        {"unary minus in a test", TEST_HEAD, "-", "1", "", TEST_TAIL},
        {"parentheses in a context", SCH_OPEN "<pattern><rule context=\"hl7:x[", "(", "1", ")",
         "]\"><report test=\"true()\">N|</report></rule></pattern>" SCH_CLOSE},
        {"parentheses in a let",
         SCH_OPEN "<pattern><rule context=\"hl7:x\"><let name=\"v\" value=\"", "(", "1", ")",
         "\"/><report test=\"$v\">N|</report></rule></pattern>" SCH_CLOSE},
        {"parentheses in a value-of",
         SCH_OPEN "<pattern><rule context=\"hl7:x\"><report test=\"true()\">N|<value-of "
                  "select=\"",
         "(", "1", ")", "\"/></report></rule></pattern>" SCH_CLOSE},
        {"if in a let", SCH_OPEN "<pattern><rule context=\"hl7:x\"><let name=\"v\" value=\"",
         "if (1) then ", "1", " else 0",
         "\"/><report test=\"$v\">N|</report></rule></pattern>" SCH_CLOSE},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
        char *deep = repeat(shapes[i].head, shapes[i].open, 10000, shapes[i].mid, shapes[i].close,
                            10000, shapes[i].tail);
        char *shallow = repeat(shapes[i].head, shapes[i].open, 20, shapes[i].mid, shapes[i].close,
                               20, shapes[i].tail);
        char name[128];
        hostile h;

        snprintf(name, sizeof(name), "10000 %s", shapes[i].name);
        h = text_case(name, deep);
        expect_case(&h, ALLOW(OUT_COMPILE_FAIL));
        /* a modest depth compiles and runs */
        snprintf(name, sizeof(name), "20 %s", shapes[i].name);
        h = text_case(name, shallow);
        expect_case(&h, ALLOW(OUT_RUN_OK) | ALLOW(OUT_RUN_FIRED));
        fse_free(deep);
        fse_free(shallow);
    }
}

/* ------------------------------------------------------ large expressions -- */

/*
 * Flat chains (a or b or ...) are not nesting in the source: the engine may
 * refuse them at compile time, but once compiled they must evaluate to the
 * right value rather than fail at run time on every document.
 */
void megabyte_expressions(void **state)
{
    static const struct {
        const char *name;
        const char *head;
        const char *unit;
        size_t n;
        const char *tail;
        int want; /* outcome when it compiles */
    } shapes[] = {
        {"300-term or-chain", TEST_HEAD "@k='0'", " or @k='0'", 300, " or @k='1'" TEST_TAIL,
         OUT_RUN_FIRED},
        {"300-term and-chain", TEST_HEAD "@k='1'", " and @k='1'", 300, "" TEST_TAIL, OUT_RUN_FIRED},
        {"1 MB string literal", TEST_HEAD "'", "abcdefgh", 131072, "' = 'b'" TEST_TAIL, OUT_RUN_OK},
        {"1 MB path", TEST_HEAD "hl7:a", "/hl7:a", 174763, "" TEST_TAIL, OUT_RUN_OK},
        {"1 MB predicates", TEST_HEAD "hl7:a", "[1]", 349525, "" TEST_TAIL, OUT_RUN_FIRED},
        {"1 MB or-chain", TEST_HEAD "hl7:n", " or hl7:n", 116508, " or hl7:a" TEST_TAIL,
         OUT_RUN_FIRED},
        {"1 MB and-chain", TEST_HEAD "hl7:a", " and hl7:a", 104857, "" TEST_TAIL, OUT_RUN_FIRED},
        {"1 MB sum", TEST_HEAD "1", " + 1", 262144, " = 262145" TEST_TAIL, OUT_RUN_FIRED},
        {"1 MB union", TEST_HEAD "count(hl7:a", " | hl7:a", 116508, ") = 1" TEST_TAIL,
         OUT_RUN_FIRED},
        {"1 MB union context", SCH_OPEN "<pattern><rule context=\"hl7:n", " | hl7:n", 116508,
         " | hl7:x\"><report test=\"true()\">N|</report></rule></pattern>" SCH_CLOSE,
         OUT_RUN_FIRED},
        {"3 MB union context", SCH_OPEN "<pattern><rule context=\"hl7:n", " | hl7:n", 400000,
         " | hl7:x\"><report test=\"true()\">N|</report></rule></pattern>" SCH_CLOSE,
         OUT_RUN_FIRED},
        {"3 MB or-chain", TEST_HEAD "hl7:n", " or hl7:n", 350000, " or hl7:a" TEST_TAIL,
         OUT_RUN_FIRED},
        {"3 MB union", TEST_HEAD "count(hl7:a", " | hl7:a", 400000, ") = 1" TEST_TAIL,
         OUT_RUN_FIRED},
    };
    size_t i;
    size_t n_bad = 0;

    (void)state;
    for (i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
        char *big = repeat(shapes[i].head, shapes[i].unit, shapes[i].n, "", "", 0, shapes[i].tail);
        hostile h = text_case(shapes[i].name, big);

        n_bad += !case_ok(&h, ALLOW(OUT_COMPILE_FAIL) | ALLOW(shapes[i].want));
        fse_free(big);
    }
    assert_int_equal(n_bad, 0);
}

/* ---------------------------------------------------------- let cycles -- */

void let_cycles_are_dynamic_errors(void **state)
{
    static const char *const cycles[][2] = {
        {"rule lets a <-> b",
         SCH("<rule context=\"hl7:x\"><let name=\"a\" value=\"$b\"/><let name=\"b\" "
             "value=\"$a\"/><report test=\"$a\">C|</report></rule>")},
        {"rule let a -> a",
         SCH("<rule context=\"hl7:x\"><let name=\"a\" value=\"concat($a, 'x')\"/>"
             "<report test=\"$a\">C|</report></rule>")},
        {"pattern lets a <-> b",
         SCH("<let name=\"a\" value=\"$b\"/><let name=\"b\" value=\"$a\"/>"
             "<rule context=\"hl7:x\"><report test=\"$a\">C|</report></rule>")},
        {"three lets in a message",
         SCH("<rule context=\"hl7:x\"><let name=\"a\" value=\"$b\"/><let name=\"b\" "
             "value=\"$c\"/><let name=\"c\" value=\"$a\"/><report test=\"true()\">C| <value-of "
             "select=\"$c\"/></report></rule>")},
        {"for-each let through itself",
         SCH("<rule context=\"hl7:x\"><let name=\"p\"><xsl:for-each select=\"hl7:a\">"
             "<xsl:value-of select=\"$p\"/></xsl:for-each></let><report test=\"$p\">C|"
             "</report></rule>")},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cycles) / sizeof(cycles[0]); i++) {
        hostile h = text_case(cycles[i][0], cycles[i][1]);

        expect_case(&h, ALLOW(OUT_DYNAMIC));
        h_expect_dynamic_error(cycles[i][1], SMALL_DOC, "XTDE0640");
    }
}

/* ---------------------------------------------------- allocation faults -- */

/* A schematron using every compiled structure: lets of all levels, a regex,
 * for-each, value-of, name, several rules and patterns. */
#define FAULT_SCH                                                                                  \
    SCH_OPEN "<let name=\"s\" value=\"'S'\"/><pattern id=\"p1\">"                                  \
             "<let name=\"docid\" value=\"hl7:ClinicalDocument/hl7:id/@root\"/>"                   \
             "<rule context=\"//hl7:id[@root='2.16.840.1.113883.2.9.4.3.2']\">"                    \
             "<let name=\"CF\" value=\"@extension\"/>"                                             \
             "<assert test=\"matches(@extension, '[A-Z0-9]{16}') and string-length($CF)=16\">"     \
             "Errore-47| codice fiscale '<value-of select=\"$CF\"/>' in <value-of "                \
             "select=\"$docid\"/></assert></rule>"                                                 \
             "<rule context=\"hl7:observation[hl7:code/@code='X']\">"                              \
             "<let name=\"errorPath\"><xsl:for-each "                                              \
             "select=\"ancestor::*[not(self::hl7:ClinicalDocument)]\"><xsl:value-of "              \
             "select=\"concat('/', name())\"/></xsl:for-each></let>"                               \
             "<report test=\"true()\">W001| <name/> at <value-of select=\"$errorPath\"/> "         \
             "<value-of select=\"hl7:value/@v\"/> <value-of select=\"concat($s, '-', "             \
             "count(hl7:value))\"/></report></rule>"                                               \
             "<rule context=\"hl7:observation\"><assert test=\"hl7:value/@v >= '2'\">E2| "         \
             "<value-of select=\"hl7:value/@v\"/></assert></rule></pattern>"                       \
             "<pattern id=\"p2\"><rule context=\"//*[contains(local-name(), 'Organization')]\">"   \
             "<report test=\"true()\">W002| <name/></report></rule></pattern>" SCH_CLOSE
#define FAULT_DOC                                                                                  \
    CDA("<id root=\"DOC\"/><recordTarget><patientRole><id root=\"2.16.840.1.113883.2.9.4.3.2\" "   \
        "extension=\"rssmra80a01h501u\"/></patientRole></recordTarget><component><section>"        \
        "<entry><observation><code code=\"X\"/><value v=\"1\"/><value v=\"2\"/></observation>"     \
        "</entry><entry><observation><code code=\"Y\"/><value v=\"1\"/></observation></entry>"     \
        "</section></component><custodian><representedCustodianOrganization/></custodian>")

static void render_result(const fse_sch_result *r, char *buf, size_t len)
{
    size_t used = 0;
    size_t i;

    buf[0] = '\0';
    for (i = 0; i < r->n_findings; i++) {
        int n = snprintf(buf + used, len - used, "%d|%s|%s|%s\n", (int)r->findings[i].kind,
                         r->findings[i].label, r->findings[i].message, r->findings[i].location);

        assert_true(n >= 0 && (size_t)n < len - used);
        used += (size_t)n;
    }
}

static void reference_result(char *buf, size_t len)
{
    sch_case c;
    const fse_sch_result *r = h_run(&c, FAULT_SCH, FAULT_DOC);

    assert_false(r->dynamic_error);
    assert_int_equal(r->n_findings, 4);
    render_result(r, buf, len);
    h_case_free(&c);
}

void compile_survives_allocation_failures(void **state)
{
    char want[8192];
    char got[8192];
    xmlDocPtr doc = h_parse(FAULT_DOC);
    unsigned long nth;
    unsigned long failures = 0;
    unsigned successes_in_a_row = 0;

    (void)state;
    reference_result(want, sizeof(want));
    for (nth = 1; nth < 100000 && successes_in_a_row < 50; nth++) {
        fse_sch_schema *schema = NULL;
        fse_sch_result *r = NULL;
        fse_err rc;

        fse_alloc_fail_at(nth);
        rc = fse_sch_compile(&schema, (const uint8_t *)FAULT_SCH, strlen(FAULT_SCH), "f.sch");
        fse_alloc_fail_at(0);
        if (rc != FSE_OK) {
            if (rc != FSE_E_NOMEM) {
                print_error("allocation %lu: %s: %s\n", nth, fse_strerror(rc),
                            fse_error_last()->message);
            }
            assert_int_equal(rc, FSE_E_NOMEM);
            assert_null(schema);
            failures++;
            successes_in_a_row = 0;
            continue;
        }
        successes_in_a_row++;
        /* a schema compiled despite a failed allocation must be the same schema */
        rc = fse_sch_run(schema, doc, &r);
        if (rc == FSE_OK) {
            render_result(r, got, sizeof(got));
        }
        fse_sch_result_free(r);
        fse_sch_free(schema);
        assert_int_equal(rc, FSE_OK);
        if (strcmp(got, want) != 0) {
            print_error("allocation %lu failed, compile succeeded, findings differ:\n%s---\n%s",
                        nth, got, want);
            xmlFreeDoc(doc);
        }
        assert_string_equal(got, want);
    }
    print_message("compile: %lu allocation failures handled\n", failures);
    assert_true(failures >= 5);
    assert_int_equal(successes_in_a_row, 50);
    xmlFreeDoc(doc);
}

void run_survives_allocation_failures(void **state)
{
    char want[8192];
    char got[8192];
    fse_sch_schema *schema = h_compile(FAULT_SCH);
    xmlDocPtr doc = h_parse(FAULT_DOC);
    unsigned long nth;
    unsigned long failures = 0;
    unsigned successes_in_a_row = 0;

    (void)state;
    reference_result(want, sizeof(want));
    for (nth = 1; nth < 100000 && successes_in_a_row < 50; nth++) {
        fse_sch_result *r = NULL;
        fse_err rc;

        fse_alloc_fail_at(nth);
        rc = fse_sch_run(schema, doc, &r);
        fse_alloc_fail_at(0);
        if (rc != FSE_OK) {
            assert_int_equal(rc, FSE_E_NOMEM);
            assert_null(r);
            failures++;
            successes_in_a_row = 0;
            continue;
        }
        if (r->dynamic_error) {
            /* out of memory while evaluating: reported, not hidden */
            if (strncmp(r->error_message, "FSE0001", 7) != 0) {
                print_error("allocation %lu: dynamic error %s\n", nth, r->error_message);
            }
            assert_true(strncmp(r->error_message, "FSE0001", 7) == 0);
            failures++;
            successes_in_a_row = 0;
        } else {
            /* no error reported: the findings must be the right ones */
            render_result(r, got, sizeof(got));
            if (strcmp(got, want) != 0) {
                print_error("allocation %lu failed, run reported no error, findings "
                            "differ:\n%s---\n%s",
                            nth, got, want);
                fse_sch_result_free(r);
                r = NULL;
                xmlFreeDoc(doc);
                fse_sch_free(schema);
            }
            assert_string_equal(got, want);
            successes_in_a_row++;
        }
        fse_sch_result_free(r);
    }
    print_message("run: %lu allocation failures handled\n", failures);
    assert_true(failures > 10);
    assert_int_equal(successes_in_a_row, 50);
    xmlFreeDoc(doc);
    fse_sch_free(schema);
}
