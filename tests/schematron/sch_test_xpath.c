/*
 * tests/schematron/sch_test_xpath.c - XPath 2.0 behaviour of the schematron
 * engine where it differs from XPath 1.0 or where the official files depend
 * on it (survey §2-§3): general comparisons, effective boolean values,
 * matches() as a regex search, exists(), substring-after(), axes, positional
 * predicates on reverse axes, filter steps, union, and XPTY0004/FORG0001
 * dynamic errors that stop the run.
 */
#include "sch_harness.h"

#include <stdio.h>
#include <string.h>

#include "sch_tests.h"

#define ROOT "/hl7:ClinicalDocument"

/* Expect the report with test under context to fire want times. */
static void check(const char *lets, const char *context, const char *test, const char *xml,
                  int want)
{
    int got = h_test(lets, context, test, xml);

    if (got != want) {
        print_error("test \"%s\" (context %s) on %s: fired %d, want %d %s\n", test, context, xml,
                    got, want, h_last_error());
    }
    assert_int_equal(got, want);
}

/* Expect a dynamic error whose text starts with code. */
static void check_error(const char *lets, const char *context, const char *test, const char *xml,
                        const char *code)
{
    int got = h_test(lets, context, test, xml);

    if (got != H_DYNAMIC_ERROR || strncmp(h_last_error(), code, strlen(code)) != 0) {
        print_error("test \"%s\" on %s: fired %d (%s), want dynamic error %s\n", test, xml, got,
                    h_last_error(), code);
    }
    assert_int_equal(got, H_DYNAMIC_ERROR);
    assert_true(strncmp(h_last_error(), code, strlen(code)) == 0);
}

/* ------------------------------------------------- general comparisons -- */

#define TS_LETS                                                                                    \
    "<let name=\"l\" value=\"string(hl7:low/@value)\"/>"                                           \
    "<let name=\"h\" value=\"string(hl7:high/@value)\"/>"
#define TS_CTX "//hl7:effectiveTime[hl7:low/@value]"
#define TS_TEST "count(hl7:high/@value)=0 or ($h >= $l)"
#define TS(low, high)                                                                              \
    CDA("<effectiveTime><low value=\"" low "\"/><high value=\"" high "\"/></effectiveTime>")

void string_lets_compare_by_codepoint(void **state)
{
    (void)state;
    /* XPath 1.0 would convert both to NaN and answer false. */
    check(TS_LETS, TS_CTX, TS_TEST, TS("20210707101010+0100", "20210707221122+0100"), 1);
    check(TS_LETS, TS_CTX, TS_TEST, TS("20210707221122+0100", "20210707101010+0100"), 0);
    check(TS_LETS, TS_CTX, TS_TEST, TS("20210707221122+0100", "20210707221122+0100"), 1);
    check(TS_LETS, TS_CTX, "$h > $l", TS("20210707221122+0100", "20210707221122+0100"), 0);
    check(TS_LETS, TS_CTX, "$h <= $l", TS("20210707221122+0100", "20210707221122+0100"), 1);
    /* codepoint order, not numeric: "9" >= "10" and "20210707" > "2021" */
    check(TS_LETS, TS_CTX, "$h >= $l", TS("10", "9"), 1);
    check(TS_LETS, TS_CTX, "number($h) >= number($l)", TS("10", "9"), 0);
    check(TS_LETS, TS_CTX, "$h > $l", TS("2021", "20210707"), 1);
    check(TS_LETS, TS_CTX, "$h < $l", TS("20210707", "2021"), 1);
    /* no high: the first operand of the or decides */
    check(TS_LETS, TS_CTX, TS_TEST, CDA("<effectiveTime><low value=\"2021\"/></effectiveTime>"), 1);
    /* empty string against a string: an ordinary comparison */
    check(TS_LETS, TS_CTX, "$h >= $l", CDA("<effectiveTime><low value=\"2021\"/></effectiveTime>"),
          0);
    /* xs:string against a number is a type error in XPath 2.0 */
    check_error(TS_LETS, TS_CTX, "$h >= 1", TS("1", "2"), "XPTY0004");
}

void untyped_nodes_compare_as_strings(void **state)
{
    (void)state;
    /* two untyped values (attribute nodes or lets bound to them): strings */
    check(NULL, TS_CTX, "hl7:high/@value >= hl7:low/@value",
          TS("20210707101010+0100", "20210707221122+0100"), 1);
    check(NULL, TS_CTX, "hl7:high/@value >= hl7:low/@value", TS("10", "9"), 1);
    check("<let name=\"l\" value=\"hl7:low/@value\"/><let name=\"h\" value=\"hl7:high/@value\"/>",
          TS_CTX, "$h >= $l", TS("10", "9"), 1);
    /* untyped against a number: numeric, and FORG0001 when not a number */
    check(NULL, TS_CTX, "hl7:high/@value > 1", TS("1", "2"), 1);
    check(NULL, TS_CTX, "hl7:high/@value > 10", TS("1", "9"), 0);
    check_error(NULL, TS_CTX, "hl7:high/@value > 1",
                TS("20210707101010+0100", "20210707221122+0100"), "FORG0001");
}

#define CODE(v) CDA("<code code=\"" v "\"/>")

void node_versus_string_and_number(void **state)
{
    static const char *const guard = "(string(number(@code))='NaN') or (@code=1)";
    static const char *const version_let = "<let name=\"versionNumber\" "
                                           "value=\"hl7:versionNumber/@value\"/>";

    (void)state;
    check(NULL, "hl7:code", "@code = '01'", CODE("01"), 1);
    check(NULL, "hl7:code", "@code = '1'", CODE("01"), 0);
    check(NULL, "hl7:code", "'01' = @code", CODE("01"), 1);
    check(NULL, "hl7:code", "@code = 1", CODE("01"), 1);
    check(NULL, "hl7:code", "@code = 1.0", CODE("01"), 1);
    check(NULL, "hl7:code", "@code != 1", CODE("01"), 0);
    check(NULL, "hl7:code", "@code = 1", CODE(" 1 "), 1);
    check(NULL, "hl7:code", "@code = 1", CODE("1e0"), 1);
    check(NULL, "hl7:code", "@missing = 1", CODE("abc"), 0);
    check(NULL, "hl7:code", "@missing != 1", CODE("abc"), 0);
    check_error(NULL, "hl7:code", "@code = 1", CODE("abc"), "FORG0001");
    check_error(NULL, "hl7:code", "@code != 1", CODE(""), "FORG0001");
    /* the official guard short-circuits before the failing comparison */
    check(NULL, "hl7:code", guard, CODE("abc"), 1);
    check(NULL, "hl7:code", guard, CODE("1"), 1);
    check(NULL, "hl7:code", guard, CODE("2"), 0);
    check(NULL, "hl7:code", "number(@code) = 1", CODE("abc"), 0);
    /* untyped against a boolean: cast to xs:boolean */
    check(NULL, "hl7:code", "@code = true()", CODE("true"), 1);
    check(NULL, "hl7:code", "@code = true()", CODE("1"), 1);
    check(NULL, "hl7:code", "@code = true()", CODE("0"), 0);
    check_error(NULL, "hl7:code", "@code = true()", CODE("yes"), "FORG0001");
    /* namespaced attributes in the @attr = 'literal' idiom */
    check(NULL, "hl7:value", "@xsi:type = 'CD'",
          CDA("<value xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"CD\"/>"),
          1);
    check(NULL, "hl7:value", "'CD' = @xsi:type",
          CDA("<value xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"CD\"/>"),
          1);
    check(NULL, "hl7:value", "@xsi:type = 'CD'", CDA("<value type=\"CD\"/>"), 0);
    check(NULL, "hl7:value", "@type = 'CD'",
          CDA("<value xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"CD\"/>"),
          0);
    /* survey §3.3: $versionNumber > 1 */
    check(version_let, ROOT, "$versionNumber > 1", CDA("<versionNumber value=\"2\"/>"), 1);
    check(version_let, ROOT, "$versionNumber > 1", CDA("<versionNumber value=\"1\"/>"), 0);
    check(version_let, ROOT, "$versionNumber > 1", CDA(""), 0);
    check_error(version_let, ROOT, "$versionNumber > 1", CDA("<versionNumber value=\"v2\"/>"),
                "FORG0001");
}

#define ABX CDA("<a x=\"1\"/><a x=\"2\"/><b x=\"1\"/>")

void node_sets_compare_existentially(void **state)
{
    (void)state;
    check(NULL, ROOT, "hl7:a/@x != hl7:b/@x", ABX, 1);
    check(NULL, ROOT, "hl7:a/@x = hl7:b/@x", ABX, 1);
    check(NULL, ROOT, "hl7:b/@x != hl7:b/@x", ABX, 0);
    check(NULL, ROOT, "hl7:a/@x != hl7:a/@x", ABX, 1);
    check(NULL, ROOT, "hl7:a/@x != hl7:c/@x", ABX, 0);
    check(NULL, ROOT, "hl7:a/@x = hl7:c/@x", ABX, 0);
    check(NULL, ROOT, "not(hl7:a/@x = hl7:c/@x)", ABX, 1);
    check(NULL, ROOT, "hl7:a/@x = 2", ABX, 1);
    check(NULL, ROOT, "hl7:a/@x != 1", ABX, 1);
    check(NULL, ROOT, "hl7:a/@x > hl7:b/@x", ABX, 1);
    check(NULL, ROOT, "hl7:b/@x > hl7:a/@x", ABX, 0);
    check(NULL, ROOT, "hl7:a/@x = ('3')", ABX, 0);
    /* untyped against untyped: "1.0" and "1" differ as strings */
    check(NULL, ROOT, "hl7:a/@x = hl7:b/@x", CDA("<a x=\"1.0\"/><b x=\"1\"/>"), 0);
    check(NULL, ROOT, "hl7:a/@x = number(hl7:b/@x)", CDA("<a x=\"1.0\"/><b x=\"1\"/>"), 1);
    /* element string values are the concatenated descendant text */
    check(NULL, ROOT, "hl7:a = 'xy'", CDA("<a>x<i>y</i></a>"), 1);
}

void count_comparisons(void **state)
{
    static const char *const ids = CDA("<id root=\"a\"/><id root=\"b\"/><x><id root=\"c\"/></x>");

    (void)state;
    check(NULL, ROOT, "count(hl7:id)=1", ids, 0);
    check(NULL, ROOT, "count(hl7:id)=2", ids, 1);
    check(NULL, ROOT, "count(hl7:id[@root='a'])=1", ids, 1);
    check(NULL, ROOT, "count(hl7:id[@root='c'])=0", ids, 1);
    check(NULL, ROOT, "count(.//hl7:id)=3", ids, 1);
    check(NULL, ROOT, "count(//hl7:id[@root='c'])=1", ids, 1);
    check(NULL, ROOT, "count(hl7:id/@root)=2", ids, 1);
    check(NULL, ROOT, "count(hl7:nope)=0", ids, 1);
    check(NULL, ROOT, "count(hl7:id) > 1.5", ids, 1);
    check(NULL, ROOT, "count(hl7:id[@root='a'][@root='b'])=0", ids, 1);
    check(NULL, ROOT, "count(hl7:id)=1 or count(hl7:x)=1", ids, 1);
    check(NULL, ROOT, "count(hl7:id)=1 and count(hl7:x)=1", ids, 0);
    /* errors inside counted predicates are raised, from relative and root paths */
    check_error(NULL, ROOT, "count(hl7:x[@v > 1]) = 1", CDA("<x v=\"a\"/>"), "FORG0001");
    check_error(NULL, ROOT, "exists(//hl7:x[@v > 1])", CDA("<x v=\"a\"/>"), "FORG0001");
    check_error(NULL, "hl7:x", "count(//hl7:x[@v > 1]) = 0", CDA("<x v=\"a\"/>"), "FORG0001");
}

/* Children with the same local name in two namespaces, interleaved. */
#define MIXED                                                                                      \
    CDA("<x k=\"1\"/><u:x xmlns:u=\"urn:u\" k=\"u1\"/><y/><x k=\"2\"/>"                            \
        "<u:x xmlns:u=\"urn:u\" k=\"u2\"/><x k=\"3\"/>")

void child_steps_with_mixed_namespaces(void **state)
{
    (void)state;
    check(NULL, ROOT, "count(hl7:x)=3", MIXED, 1);
    check(NULL, ROOT, "hl7:x[2]/@k='2'", MIXED, 1);
    check(NULL, ROOT, "hl7:x[last()]/@k='3'", MIXED, 1);
    check(NULL, ROOT, "hl7:x[position() > 1][1]/@k='2'", MIXED, 1);
    check(NULL, ROOT, "count(*)=6", MIXED, 1);
    check(NULL, ROOT, "*[2]/@k='u1'", MIXED, 1);
    check(NULL, ROOT, "*[local-name()='x'][namespace-uri()='urn:u'][2]/@k='u2'", MIXED, 1);
    check(NULL, ROOT, "hl7:y/following-sibling::hl7:x[1]/@k='2'", MIXED, 1);
    check(NULL, ROOT, "hl7:y/preceding-sibling::hl7:x[1]/@k='1'", MIXED, 1);
    check(NULL, ROOT, "string-join(hl7:x/@k, ',')='1,2,3'", MIXED, 1);
    check(NULL, "hl7:x[2]", "@k='2'", MIXED, 1);
    check(NULL, "hl7:x[3]", "true()", MIXED, 1);
    check(NULL, "hl7:x[4]", "true()", MIXED, 0);
}

#define EBV CDA("<a x=\"\" y=\"0\" z=\"abc\" w=\"3\"/>")

void effective_boolean_values(void **state)
{
    (void)state;
    check(NULL, "hl7:a", "@x", EBV, 1); /* a node, even with an empty value */
    check(NULL, "hl7:a", "@nope", EBV, 0);
    check(NULL, "hl7:a", "string(@x)", EBV, 0);
    check(NULL, "hl7:a", "string(@y)", EBV, 1); /* "0" is a non-empty string */
    check(NULL, "hl7:a", "'false'", EBV, 1);
    check(NULL, "hl7:a", "''", EBV, 0);
    check(NULL, "hl7:a", "number(@y)", EBV, 0);
    check(NULL, "hl7:a", "number(@w)", EBV, 1);
    check(NULL, "hl7:a", "number(@z)", EBV, 0); /* NaN */
    check(NULL, "hl7:a", "0", EBV, 0);
    check(NULL, "hl7:a", "1", EBV, 1);
    check(NULL, "hl7:a", "-0.5", EBV, 1);
    check(NULL, "hl7:a", "@w * 0", EBV, 0);
    check(NULL, "hl7:a", "count(@*)", EBV, 1);
    check(NULL, "hl7:a", "false()", EBV, 0);
    check(NULL, "hl7:a", "true()", EBV, 1);
    check(NULL, "hl7:a", "boolean('')", EBV, 0);
    check(NULL, "hl7:a", "not('')", EBV, 1);
    check(NULL, "hl7:a", "not(@nope)", EBV, 1);
    check(NULL, "hl7:a", "(1 = 1) = true()", EBV, 1);
    /* one atomic value from a path: its own EBV; several: FORG0006 */
    check(NULL, ROOT, "hl7:a/string(@x)", CDA("<a x=\"1\"/>"), 1);
    check(NULL, ROOT, "hl7:a/string(@x)", CDA("<a x=\"\"/>"), 0);
    check_error(NULL, ROOT, "hl7:a/string(@x)", CDA("<a x=\"1\"/><a x=\"2\"/>"), "FORG0006");
}

/* ------------------------------------------------------------ matches -- */

#define CF_TEST "matches(@extension, '[A-Z0-9]{16}')"
#define ID(ext) CDA("<id extension=\"" ext "\"/>")

void matches_searches_unanchored(void **state)
{
    (void)state;
    check(NULL, "hl7:id", CF_TEST, ID("RSSMRA80A01H501U"), 1);
    check(NULL, "hl7:id", CF_TEST, ID("IT-RSSMRA80A01H501U-X"), 1); /* found inside */
    check(NULL, "hl7:id", CF_TEST, ID("RSSMRA80A01H501"), 0);
    check(NULL, "hl7:id", CF_TEST, ID("rssmra80a01h501u"), 0);
    check(NULL, "hl7:id", CF_TEST, ID(""), 0);
    check(NULL, "hl7:id", "matches(@nope, 'a')", ID("a"), 0); /* empty input: "" */
    /* the official CF rule: 16 characters exactly */
    check("<let name=\"CF\" value=\"@extension\"/>", "hl7:id", CF_TEST " and string-length($CF)=16",
          ID("IT-RSSMRA80A01H501U-X"), 0);
    check("<let name=\"CF\" value=\"@extension\"/>", "hl7:id", CF_TEST " and string-length($CF)=16",
          ID("RSSMRA80A01H501U"), 1);
    /* flags, and a pattern that is not a literal */
    check(NULL, "hl7:id", "matches(@extension, 'rss', 'i')", ID("RSSMRA80A01H501U"), 1);
    check(NULL, "hl7:id", "matches(@extension, @p)", CDA("<id extension=\"aaa\" p=\"^a+$\"/>"), 1);
    check(NULL, "hl7:id", "matches(@extension, @p)", CDA("<id extension=\"aab\" p=\"^a+$\"/>"), 0);
    check_error(NULL, "hl7:id", "matches(@extension, @p)", CDA("<id extension=\"a\" p=\"(\"/>"),
                "FORX0002");
}

#define OID_PREFIX                                                                                 \
    "^2\\.16\\.840\\.1\\.113883\\.2\\.9\\.2\\."                                                    \
    "(10|20|30|41|42|50|60|70|80|90|100|110|120|130|140|150|160|170|180|190|200)"
#define RE_42 "matches(@root, '" OID_PREFIX "\\.4\\.2$')"
#define RE_411 "matches(@root, '" OID_PREFIX "\\.4\\.1\\.1$')"
#define RE_41 "matches(@root, '" OID_PREFIX "\\.4\\.1$')"
#define RE_622 "matches(@root, '^\\d{2,3}\\.6\\.22$')"
#define ROOT_ID(r) CDA("<id root=\"" r "\"/>")

void matches_survey_regexes(void **state)
{
    (void)state;
    check(NULL, "hl7:id", RE_42, ROOT_ID("2.16.840.1.113883.2.9.2.30.4.2"), 1);
    check(NULL, "hl7:id", RE_42, ROOT_ID("2.16.840.1.113883.2.9.2.200.4.2"), 1);
    check(NULL, "hl7:id", RE_42, ROOT_ID("2.16.840.1.113883.2.9.2.25.4.2"), 0);
    check(NULL, "hl7:id", RE_42, ROOT_ID("2.16.840.1.113883.2.9.2.30.4.2.1"), 0);
    check(NULL, "hl7:id", RE_42, ROOT_ID("1.2.16.840.1.113883.2.9.2.30.4.2"), 0);
    check(NULL, "hl7:id", RE_42, ROOT_ID("2x16.840.1.113883.2.9.2.30.4.2"), 0);
    check(NULL, "hl7:id", RE_411, ROOT_ID("2.16.840.1.113883.2.9.2.120.4.1.1"), 1);
    check(NULL, "hl7:id", RE_411, ROOT_ID("2.16.840.1.113883.2.9.2.120.4.1"), 0);
    check(NULL, "hl7:id", RE_41, ROOT_ID("2.16.840.1.113883.2.9.2.120.4.1"), 1);
    check(NULL, "hl7:id", RE_41, ROOT_ID("2.16.840.1.113883.2.9.2.120.4.1.1"), 0);
    check(NULL, "hl7:id", RE_622, ROOT_ID("12.6.22"), 1);
    check(NULL, "hl7:id", RE_622, ROOT_ID("123.6.22"), 1);
    check(NULL, "hl7:id", RE_622, ROOT_ID("1.6.22"), 0);
    check(NULL, "hl7:id", RE_622, ROOT_ID("1234.6.22"), 0);
    check(NULL, "hl7:id", RE_622, ROOT_ID("ab.6.22"), 0);
    check(NULL, "hl7:id", RE_622, ROOT_ID("12x6.22"), 0);
}

void matches_dollar_and_newlines(void **state)
{
    (void)state;
    /* '$' matches at the very end only, not before a final newline */
    check(NULL, "hl7:t", "matches(., '^\\d{2,3}\\.6\\.22$')", CDA("<t>12.6.22</t>"), 1);
    check(NULL, "hl7:t", "matches(., '^\\d{2,3}\\.6\\.22$')", CDA("<t>12.6.22&#10;</t>"), 0);
    check(NULL, "hl7:t", "matches(., '^\\d{2,3}\\.6\\.22')", CDA("<t>12.6.22&#10;</t>"), 1);
    check(NULL, "hl7:t", "matches(., '" OID_PREFIX "\\.4\\.2$')",
          CDA("<t>2.16.840.1.113883.2.9.2.30.4.2&#10;</t>"), 0);
    /* '^' anchors at the start of the string, not of a line */
    check(NULL, "hl7:t", "matches(., '^b')", CDA("<t>a&#10;b</t>"), 0);
    check(NULL, "hl7:t", "matches(., '^b', 'm')", CDA("<t>a&#10;b</t>"), 1);
    /* '.' does not match a newline without the s flag */
    check(NULL, "hl7:t", "matches(., 'a.b')", CDA("<t>a&#10;b</t>"), 0);
    check(NULL, "hl7:t", "matches(., 'a.b', 's')", CDA("<t>a&#10;b</t>"), 1);
}

void matches_unicode_digit_class(void **state)
{
    (void)state;
    /* XSD \d is \p{Nd}: ARABIC-INDIC DIGIT ONE and TWO are digits */
    check(NULL, "hl7:t", "matches(., '^\\d{2,3}\\.6\\.22$')", CDA("<t>&#x661;&#x662;.6.22</t>"), 1);
}

/* ------------------------------------------------------------ others -- */

void exists_and_empty(void **state)
{
    static const char *const obs = CDA("<observation><id/></observation>"
                                       "<observation classCode=\"OBS\"/>");

    (void)state;
    check(NULL, "hl7:observation[not(exists(hl7:id))]", "true()", obs, 1);
    check(NULL, "hl7:observation", "exists(hl7:id)", obs, 1);
    check(NULL, "hl7:observation", "exists(@classCode)", obs, 1);
    check(NULL, "hl7:observation", "empty(@classCode)", obs, 1);
    check(NULL, "hl7:observation", "exists(hl7:id) or exists(@classCode)", obs, 2);
    check(NULL, ROOT, "exists(hl7:nope)", obs, 0);
}

void substring_after_values(void **state)
{
    static const char *const cs_let =
        "<let name=\"cs\" value=\"substring-after(@codeSystem, '2.16.840.1.113883.')\"/>";
    static const char *const code = CDA("<code codeSystem=\"2.16.840.1.113883.6.1\"/>");

    (void)state;
    check(cs_let, "hl7:code", "$cs = '6.1'", code, 1);
    check(cs_let, "hl7:code", "$cs = 6.1", code, H_DYNAMIC_ERROR); /* xs:string vs number */
    check(NULL, "hl7:code", "substring-after(@codeSystem, 'zzz') = ''", code, 1);
    check(NULL, "hl7:code", "substring-after(@codeSystem, '') = @codeSystem", code, 1);
    check(NULL, "hl7:code", "substring-after(@nope, '2') = ''", code, 1);
    check(NULL, "hl7:code", "substring-after(@codeSystem, '.') = '16.840.1.113883.6.1'", code, 1);
    h_expect_messages(SCH("<rule context=\"hl7:code\"><let name=\"p\" value=\"'/section/entry/"
                          "observation'\"/><report test=\"true()\">P| <value-of "
                          "select=\"substring-after($p, '/entry')\"/></report></rule>"),
                      code, "P| /observation");
}

/*
 * outer section > component > inner section > entry[DRIV] > observation,
 * nearest ancestor first: entry, section(inner), component, section(outer).
 */
#define NESTED                                                                                     \
    CDA("<component><structuredBody><component><section ID=\"outer\"><code code=\"OUTER\"/>"       \
        "<component><section ID=\"inner\"><code code=\"INNER\"/>"                                  \
        "<entry typeCode=\"DRIV\"><observation classCode=\"OBS\"><value v=\"1\"/></observation>"   \
        "</entry><entry typeCode=\"COMP\"><act/></entry></section></component></section>"          \
        "</component></structuredBody></component>")

void axes_parent_ancestor_self(void **state)
{
    (void)state;
    check(NULL, "hl7:observation", "count(ancestor::hl7:section)=2", NESTED, 1);
    check(NULL, "hl7:observation", "count(ancestor::*)=8", NESTED, 1);
    check(NULL, "hl7:observation", "count(ancestor-or-self::*)=9", NESTED, 1);
    check(NULL, "hl7:observation", "parent::hl7:entry/@typeCode='DRIV'", NESTED, 1);
    check(NULL, "hl7:observation", "count(parent::hl7:section)=0", NESTED, 1);
    check(NULL, "hl7:observation", "../@typeCode='DRIV'", NESTED, 1);
    check(NULL, "hl7:observation", "../../hl7:code/@code='INNER'", NESTED, 1);
    check(NULL, "hl7:observation", "../../@ID='inner' and ../../../../@ID='outer'", NESTED, 1);
    check(NULL, "hl7:observation", "self::hl7:observation", NESTED, 1);
    check(NULL, "hl7:observation", "self::hl7:act", NESTED, 0);
    check(NULL, "hl7:observation", "count(self::node())=1", NESTED, 1);
    check(NULL, "hl7:observation", "./@classCode='OBS'", NESTED, 1);
    check(NULL, "hl7:observation", "hl7:value/../@classCode='OBS'", NESTED, 1);
    check(NULL, "hl7:entry", "following-sibling::hl7:entry/@typeCode='COMP'", NESTED, 1);
    check(NULL, "hl7:entry", "preceding-sibling::hl7:entry/@typeCode='DRIV'", NESTED, 1);
    /* the rule-context form used by LAB: parent:: in a predicate */
    check(NULL, "//hl7:act[not(parent::hl7:entry[@typeCode='DRIV'])]", "true()", NESTED, 1);
    check(NULL, "//hl7:observation[not(parent::hl7:entry[@typeCode='DRIV'])]", "true()", NESTED, 0);
}

void reverse_axis_positional_predicate(void **state)
{
    (void)state;
    /* a predicate on a reverse axis counts from the nearest node */
    check(NULL, "hl7:observation", "ancestor::hl7:section[1]/hl7:code/@code='INNER'", NESTED, 1);
    check(NULL, "hl7:observation", "ancestor::hl7:section[1]/@ID='outer'", NESTED, 0);
    check(NULL, "hl7:observation", "ancestor::hl7:section[2]/hl7:code/@code='OUTER'", NESTED, 1);
    check(NULL, "hl7:observation", "ancestor::hl7:section[last()]/@ID='outer'", NESTED, 1);
    check(NULL, "hl7:observation", "ancestor::*[2]/@ID='inner'", NESTED, 1);
    check(NULL, "hl7:observation", "local-name(ancestor::*[1])='entry'", NESTED, 1);
    check(NULL, "hl7:observation", "local-name(ancestor-or-self::*[1])='observation'", NESTED, 1);
    check(NULL, "hl7:observation", "count(ancestor::hl7:section[3])=0", NESTED, 1);
    check(NULL, "hl7:act", "preceding-sibling::*[1]/../hl7:entry[1]/@typeCode='DRIV'", NESTED,
          0); /* act has no siblings */
    check(NULL, "hl7:entry[@typeCode='COMP']", "preceding-sibling::*[1]/@typeCode='DRIV'", NESTED,
          1);
    check(NULL, "hl7:entry[@typeCode='COMP']", "local-name(preceding-sibling::*[2])='code'", NESTED,
          1);
    /* parenthesised, the sequence is in document order: [1] is the outermost */
    check(NULL, "hl7:observation", "(ancestor::hl7:section)[1]/@ID='outer'", NESTED, 1);
    check(NULL, "hl7:observation", "(ancestor::hl7:section)[last()]/@ID='inner'", NESTED, 1);
    /* positional predicate on a forward axis */
    check(NULL, "hl7:section[@ID='inner']", "hl7:entry[2]/@typeCode='COMP'", NESTED, 1);
    check(NULL, "hl7:section[@ID='inner']", "hl7:entry[position()=1]/@typeCode='DRIV'", NESTED, 1);
}

void filter_step_in_path(void **state)
{
    static const char *const one_two = CDA("<a><b/></a><a><b/><b/></a>");
    static const char *const zero_two = CDA("<a/><a><b/><b/></a>");

    (void)state;
    /* XPath 2.0: a/count(b) is the sequence of counts, compared existentially */
    check(NULL, ROOT, "hl7:a/count(hl7:b)=1", one_two, 1);
    check(NULL, ROOT, "hl7:a/count(hl7:b)=2", one_two, 1);
    check(NULL, ROOT, "hl7:a/count(hl7:b)=3", one_two, 0);
    check(NULL, ROOT, "hl7:a/count(hl7:b)=1", zero_two, 0);
    check(NULL, ROOT, "hl7:a/count(hl7:b)=0", zero_two, 1);
    check(NULL, ROOT, "hl7:a/count(hl7:b) > 1", one_two, 1);
    check(NULL, ROOT, "hl7:nope/count(hl7:b)=0", one_two, 0); /* empty sequence */
    check(NULL, ROOT, "count(hl7:a/count(hl7:b))=2", one_two, 1);
    check(NULL, ROOT, "hl7:a[2]/count(hl7:b)=2", one_two, 1);
    check(NULL, ROOT, "hl7:a/local-name()='a'", one_two, 1);
    check(NULL, ROOT, "hl7:a/string(@x)='q'", CDA("<a x=\"p\"/><a x=\"q\"/>"), 1);
}

void union_of_paths(void **state)
{
    static const char *const doc = CDA("<a/><b/><a/><c/>");

    (void)state;
    check(NULL, ROOT, "count(hl7:a | hl7:b)=3", doc, 1);
    check(NULL, ROOT, "count(hl7:a | hl7:a)=2", doc, 1);
    check(NULL, ROOT, "count(hl7:a | hl7:b | hl7:c)=4", doc, 1);
    check(NULL, ROOT, "local-name((hl7:c | hl7:b)[1])='b'", doc, 1); /* document order */
    check(NULL, ROOT, "count(hl7:nope | hl7:c)=1", doc, 1);
    /* a union as a rule context */
    h_expect_messages(SCH("<rule context=\"hl7:b | hl7:c\"><report test=\"true()\">U| <name/>"
                          "</report></rule>"),
                      doc, "U| b\nU| c");
}

/* ----------------------------------------------------- dynamic errors -- */

/*
 * A rule whose first assert raises a dynamic error on two x; a second
 * assert in the same rule, a later rule and a second pattern would all fire
 * if the run went on.
 */
#define STOP_SCH(test)                                                                             \
    SCH_OPEN "<pattern id=\"p1\"><rule context=\"hl7:ClinicalDocument\"><assert test=\"" test      \
             "\">E1| first</assert><assert test=\"false()\">E2| second</assert></rule>"            \
             "<rule context=\"hl7:z\"><report test=\"true()\">W1| later</report></rule></pattern>" \
             "<pattern id=\"p2\"><rule context=\"hl7:ClinicalDocument\"><report "                  \
             "test=\"true()\">W2| other pattern</report></rule></pattern>" SCH_CLOSE
#define TWO_X CDA("<x>a</x><x>b</x><z/>")
#define ONE_X CDA("<x>a</x><z/>")

static void expect_stop(const char *sch, const char *fn)
{
    sch_case c;
    const fse_sch_result *r = h_run(&c, sch, TWO_X);

    assert_true(r->dynamic_error);
    if (strstr(r->error_message, "XPTY0004") != r->error_message ||
        strstr(r->error_message, fn) == NULL) {
        print_error("%s: error message '%s'\n", fn, r->error_message);
    }
    assert_true(strstr(r->error_message, "XPTY0004") == r->error_message);
    assert_non_null(strstr(r->error_message, fn));
    assert_int_equal(r->n_findings, 0);
    h_case_free(&c);
}

void sequence_argument_errors_stop_the_run(void **state)
{
    char buf[512];
    sch_case c;
    const fse_sch_result *r;

    (void)state;
    expect_stop(STOP_SCH("string(hl7:x)='a'"), "string");
    expect_stop(STOP_SCH("number(hl7:x)=1"), "number");
    expect_stop(STOP_SCH("substring-after(hl7:x, 'a')=''"), "substring-after");
    expect_stop(STOP_SCH("string-length(hl7:x)=1"), "string-length");
    expect_stop(STOP_SCH("contains(hl7:x, 'a')"), "contains");
    expect_stop(STOP_SCH("matches(hl7:x, 'a')"), "matches");
    /* with a single x the same schema runs to the end */
    r = h_run(&c, STOP_SCH("string(hl7:x)='a'"), ONE_X);
    assert_false(r->dynamic_error);
    assert_string_equal(h_labels(r, buf, sizeof(buf)), "E2,W1,W2");
    h_case_free(&c);
    /* a let holding two nodes is fine until string() is applied to it */
    check("<let name=\"v\" value=\"hl7:x\"/>", ROOT, "count($v)=2", TWO_X, 1);
    check_error("<let name=\"v\" value=\"hl7:x\"/>", ROOT, "string($v)='a'", TWO_X, "XPTY0004");
    check_error(NULL, ROOT, "name(hl7:x)='x'", TWO_X, "XPTY0004");
}

/* ------------------------------------------ per-document evaluation state -- */

#define PER_DOC_SCH                                                                                \
    SCH("<rule context=\"hl7:ClinicalDocument\"><report test=\"true()\">C| <value-of "             \
        "select=\"count(//hl7:x)\"/> <value-of select=\"count(/hl7:ClinicalDocument/hl7:x)\"/> "   \
        "<value-of select=\"//hl7:x/@k\"/> <value-of select=\"exists(//hl7:x[@k='3'])\"/>"         \
        "</report></rule><rule context=\"hl7:x\"><report test=\"count(//hl7:x[@k='2'])=1\">X| "    \
        "<value-of select=\"@k\"/></report></rule>")

static void run_messages(const fse_sch_schema *schema, const char *xml, const char *want)
{
    xmlDocPtr doc = h_parse(xml);
    fse_sch_result *r = NULL;
    char buf[1024];

    assert_int_equal(fse_sch_run(schema, doc, &r), FSE_OK);
    assert_false(r->dynamic_error);
    assert_string_equal(h_messages(r, buf, sizeof(buf)), want);
    fse_sch_result_free(r);
    xmlFreeDoc(doc);
}

void root_paths_are_per_document(void **state)
{
    static const char *const two = CDA("<x k=\"1\"/><x k=\"2\"/>");
    static const char *const three = CDA("<x k=\"1\"/><a><x k=\"3\"/></a><x k=\"4\"/>");
    fse_sch_schema *schema = h_compile(PER_DOC_SCH);

    (void)state;
    run_messages(schema, two, "C| 2 2 1 2 false\nX| 1\nX| 2");
    run_messages(schema, three, "C| 3 2 1 3 4 true");
    run_messages(schema, two, "C| 2 2 1 2 false\nX| 1\nX| 2");
    fse_sch_free(schema);
    /* filtering a cached root path does not change it for later uses */
    check(NULL, ROOT,
          "count((//hl7:x)[@k='3']) = 1 and count(//hl7:x) = 3 and (//hl7:x)[1]/@k = '1' and "
          "count(//hl7:x) = 3 and count(//hl7:x[1]) = 2",
          three, 1);
}

/* Build <ClinicalDocument xmlns="urn:hl7-org:v3"><x k="1"/><x k="2"/></...> by hand. */
static xmlDocPtr doc_without_dictionary(void)
{
    xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
    xmlNodePtr root;
    xmlNsPtr ns;
    int i;

    assert_non_null(doc);
    assert_null(doc->dict);
    root = xmlNewDocNode(doc, NULL, BAD_CAST "ClinicalDocument", NULL);
    assert_non_null(root);
    xmlDocSetRootElement(doc, root);
    ns = xmlNewNs(root, BAD_CAST "urn:hl7-org:v3", NULL);
    assert_non_null(ns);
    xmlSetNs(root, ns);
    for (i = 1; i <= 2; i++) {
        xmlNodePtr x = xmlNewChild(root, ns, BAD_CAST "x", NULL);

        assert_non_null(x);
        assert_non_null(xmlNewProp(x, BAD_CAST "k", i == 1 ? BAD_CAST "1" : BAD_CAST "2"));
    }
    return doc;
}

void documents_without_name_dictionary(void **state)
{
    fse_sch_schema *schema = h_compile(PER_DOC_SCH);
    xmlDocPtr doc;
    xmlNodePtr extra;
    fse_sch_result *r = NULL;
    char buf[1024];

    (void)state;
    /* names not interned in a dictionary: compared as text */
    doc = doc_without_dictionary();
    assert_int_equal(fse_sch_run(schema, doc, &r), FSE_OK);
    assert_false(r->dynamic_error);
    assert_string_equal(h_messages(r, buf, sizeof(buf)), "C| 2 2 1 2 false\nX| 1\nX| 2");
    fse_sch_result_free(r);
    xmlFreeDoc(doc);
    /* a parsed document with a node added later from outside its dictionary */
    doc = h_parse(CDA("<x k=\"1\"/><x k=\"2\"/>"));
    extra = xmlNewNode(xmlDocGetRootElement(doc)->ns, BAD_CAST "x");
    assert_non_null(extra);
    assert_non_null(xmlNewProp(extra, BAD_CAST "k", BAD_CAST "3"));
    assert_non_null(xmlAddChild(xmlDocGetRootElement(doc), extra));
    r = NULL;
    assert_int_equal(fse_sch_run(schema, doc, &r), FSE_OK);
    assert_false(r->dynamic_error);
    assert_string_equal(h_messages(r, buf, sizeof(buf)), "C| 3 3 1 2 3 true\nX| 1\nX| 2\nX| 3");
    fse_sch_result_free(r);
    xmlFreeDoc(doc);
    fse_sch_free(schema);
}
