/*
 * tests/schematron/sch_test_rules.c - schematron semantics of the engine:
 * first matching rule per pattern, rule contexts as XSLT match patterns,
 * independent patterns, rule and pattern lets, the foreign xsl:for-each let
 * and the RAP if/then/else let, messages (<name/>, value-of, labels,
 * whitespace), locations, report versus assert, and compile errors.
 */
#include "sch_harness.h"

#include <stdio.h>
#include <string.h>

#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "fse/util.h"
#include "sch_tests.h"

#define REPORT(label) "<report test=\"true()\">" label "|</report>"
#define RULE(context, body) "<rule context=\"" context "\">" body "</rule>"

/* --------------------------------------------------------------- rules -- */

#define TWO_OBS                                                                                    \
    CDA("<observation><code code=\"X\"/></observation>"                                            \
        "<observation><code code=\"Y\"/></observation>")

void first_matching_rule_wins(void **state)
{
    sch_case c;
    const fse_sch_result *r;
    char buf[256];

    (void)state;
    /* the first observation is handled by R1 only, the second by R2 */
    r = h_run(&c,
              SCH(RULE("hl7:observation[hl7:code/@code='X']", REPORT("R1")) RULE(
                  "hl7:observation", REPORT("R2")) RULE("//hl7:observation", REPORT("R3"))),
              TWO_OBS);
    assert_string_equal(h_labels(r, buf, sizeof(buf)), "R1,R2");
    assert_int_equal(r->n_rules_fired, 2);
    h_case_free(&c);
    /* a rule shadows later ones even when none of its checks fire */
    r = h_run(
        &c,
        SCH(RULE("hl7:observation[hl7:code/@code='X']", "<report test=\"false()\">R1|</report>")
                RULE("hl7:observation", REPORT("R2"))),
        TWO_OBS);
    assert_string_equal(h_labels(r, buf, sizeof(buf)), "R2");
    assert_int_equal(r->n_rules_fired, 2);
    h_case_free(&c);
    /* a rule whose predicate fails lets the node fall through */
    h_expect(SCH(RULE("hl7:observation[hl7:code/@code='Z']", REPORT("R1"))
                     RULE("hl7:observation", REPORT("R2"))),
             TWO_OBS, "R2,R2");
    /* rules with different element names do not shadow each other */
    h_expect(SCH(RULE("hl7:observation", REPORT("O")) RULE("hl7:code", REPORT("C"))), TWO_OBS,
             "O,C,O,C");
}

#define ORGS                                                                                       \
    CDA("<author><assignedAuthor><representedOrganization/></assignedAuthor></author>"             \
        "<custodian><assignedCustodian><representedCustodianOrganization/>"                        \
        "</assignedCustodian></custodian>")

void first_rule_across_wildcard_and_named_contexts(void **state)
{
    (void)state;
    /* a wildcard context before a named one: the wildcard wins */
    h_expect(SCH(RULE("//*[contains(local-name(), 'Organization')]", REPORT("W"))
                     RULE("hl7:representedOrganization", REPORT("N"))),
             ORGS, "W,W");
    /* named before wildcard: file order still decides */
    h_expect(SCH(RULE("hl7:representedOrganization", REPORT("N"))
                     RULE("//*[contains(local-name(), 'Organization')]", REPORT("W"))),
             ORGS, "N,W");
    h_expect(SCH(RULE("hl7:*[@classCode='X']", REPORT("W")) RULE("hl7:observation", REPORT("N"))),
             CDA("<observation classCode=\"X\"/><observation/>"), "W,N");
}

/* Numbered x elements: 1 top-level, 2-3 under a, 4 under a/b, 5 in another namespace. */
#define XS                                                                                         \
    CDA("<x k=\"1\"/><a><x k=\"2\"/><x k=\"3\"/><b><x k=\"4\"/></b></a>"                           \
        "<x xmlns=\"urn:other\" k=\"5\"/>")
#define KRULE(context)                                                                             \
    SCH(RULE(context, "<report test=\"true()\">X| <value-of select=\"@k\"/></report>"))

void context_pattern_forms(void **state)
{
    (void)state;
    h_expect_messages(KRULE("hl7:x"), XS, "X| 1\nX| 2\nX| 3\nX| 4");
    h_expect_messages(KRULE("//hl7:x[@k > 2]"), XS, "X| 3\nX| 4");
    h_expect_messages(KRULE("/hl7:ClinicalDocument/hl7:x"), XS, "X| 1");
    h_expect_messages(KRULE("/hl7:x"), XS, "");
    h_expect_messages(KRULE("hl7:a/hl7:x"), XS, "X| 2\nX| 3");
    h_expect_messages(KRULE("hl7:a//hl7:x"), XS, "X| 2\nX| 3\nX| 4");
    h_expect_messages(KRULE("/hl7:ClinicalDocument//hl7:b/hl7:x"), XS, "X| 4");
    h_expect_messages(KRULE("hl7:a/hl7:x[2]"), XS, "X| 3");
    h_expect_messages(KRULE("hl7:x[1]"), XS, "X| 1\nX| 2\nX| 4");
    h_expect_messages(KRULE("hl7:b/*"), XS, "X| 4");
    h_expect_messages(KRULE("*[@k='5']"), XS, "X| 5");
    h_expect_messages(KRULE("hl7:*[@k='5']"), XS, "");
    h_expect_messages(KRULE("hl7:x[not(@k='1')][not(@k='4')]"), XS, "X| 2\nX| 3");
    h_expect(SCH(RULE("/hl7:ClinicalDocument", REPORT("D"))), XS, "D");
    h_expect(SCH(RULE("hl7:ClinicalDocument", REPORT("D"))), XS, "D");
}

#define SB "hl7:ClinicalDocument/hl7:component/hl7:structuredBody/hl7:component/"
#define NRULE(label, context)                                                                      \
    RULE(context, "<report test=\"true()\">" label "| <value-of select=\"@n\"/></report>")
#define PREFIX_DOC                                                                                 \
    CDA("<component><structuredBody><component><section><code code=\"A\"/><entry n=\"1\"/>"        \
        "<entry xmlns=\"urn:u\" n=\"5\"/></section></component><component><section><code "         \
        "code=\"B\"/><entry n=\"2\"/><entry n=\"3\"/></section></component><component><section>"   \
        "<code code=\"A\"/><entry n=\"4\"/></section></component></structuredBody></component>")

/*
 * Official files repeat long context prefixes with different predicates: rules
 * that share all but one predicate, position or namespace stay distinct.
 */
void shared_context_prefixes_are_distinguished(void **state)
{
    (void)state;
    h_expect_messages(
        SCH_OPEN "<ns prefix=\"u\" uri=\"urn:u\"/><pattern>" NRULE(
            "R1", "/" SB "hl7:section[hl7:code[@code='B']]/hl7:entry[2]")
            NRULE("R2", SB "hl7:section[hl7:code[@code='A']]/hl7:entry")
                NRULE("R3", SB "hl7:section[hl7:code[@code='B']]/hl7:entry")
                    NRULE("R4", "hl7:component[2]/hl7:section/hl7:entry") NRULE("R5", "//hl7:entry")
                        NRULE("R6", SB "hl7:section/u:entry") "</pattern>" SCH_CLOSE,
        PREFIX_DOC, "R2| 1\nR6| 5\nR3| 2\nR1| 3\nR2| 4");
    h_expect_messages(SCH(NRULE("R4", "hl7:component[2]/hl7:section/hl7:entry")
                              NRULE("R2", SB "hl7:section[hl7:code[@code='A']]/hl7:entry")
                                  NRULE("R3", SB "hl7:section[hl7:code[@code='B']]/hl7:entry")
                                      NRULE("R7", "hl7:component[3]/hl7:section/hl7:entry")),
                      PREFIX_DOC, "R2| 1\nR4| 2\nR4| 3\nR2| 4");
    h_expect_messages(SCH(NRULE("R8", "/" SB "hl7:section[hl7:code/@code='A']/hl7:entry")
                              NRULE("R9", "//" SB "hl7:section/hl7:entry")),
                      PREFIX_DOC, "R8| 1\nR9| 2\nR9| 3\nR8| 4");
}

#define PATTERN(id, rules) "<pattern id=\"" id "\">" rules "</pattern>"
#define THREE_PATTERNS                                                                             \
    SCH_OPEN PATTERN("a", RULE("hl7:x", REPORT("A1")) RULE("hl7:x", REPORT("A2")))                 \
        PATTERN("b", RULE("hl7:x", REPORT("B"))) PATTERN("c", RULE("hl7:y", REPORT("C")))          \
            SCH_CLOSE

void patterns_fire_independently(void **state)
{
    sch_case c;
    const fse_sch_result *r;
    char buf[256];

    (void)state;
    r = h_run(&c, THREE_PATTERNS, CDA("<x/><y/><x/>"));
    assert_string_equal(h_labels(r, buf, sizeof(buf)), "A1,A1,B,B,C");
    assert_int_equal(r->n_rules_fired, 5);
    h_case_free(&c);
}

void contains_local_name_context(void **state)
{
    static const char *const sch = SCH(
        RULE("//*[contains(local-name(), 'Organization')]",
             "<report test=\"true()\">ORG| <name/> <value-of select=\"local-name()\"/></report>"));
    char buf[1024];
    sch_case c;
    const fse_sch_result *r;

    (void)state;
    r = h_run(&c, sch, ORGS);
    assert_string_equal(h_messages(r, buf, sizeof(buf)),
                        "ORG| representedOrganization representedOrganization\n"
                        "ORG| representedCustodianOrganization representedCustodianOrganization");
    assert_string_equal(h_locations(r, buf, sizeof(buf)),
                        "/hl7:ClinicalDocument[1]/hl7:author[1]/hl7:assignedAuthor[1]/"
                        "hl7:representedOrganization[1]\n"
                        "/hl7:ClinicalDocument[1]/hl7:custodian[1]/hl7:assignedCustodian[1]/"
                        "hl7:representedCustodianOrganization[1]");
    h_case_free(&c);
    /* case-sensitive, and 'organizer' does not contain 'Organization' */
    h_expect(SCH(RULE("//*[contains(local-name(), 'Organization')]", REPORT("O"))),
             CDA("<organizer/><organization/><serviceProviderOrganization/>"), "O");
}

/* ---------------------------------------------------------------- lets -- */

void rule_lets_per_context_node(void **state)
{
    (void)state;
    h_expect_messages(
        SCH(RULE("hl7:code", "<let name=\"v\" value=\"@code\"/>"
                             "<let name=\"n\" value=\"count(../hl7:code)\"/>"
                             "<report test=\"$v != 'b'\">V| <value-of select=\"$v\"/> of "
                             "<value-of select=\"$n\"/></report>")),
        CDA("<p><code code=\"a\"/><code code=\"b\"/><code code=\"c\"/></p><code code=\"d\"/>"),
        "V| a of 3\nV| c of 3\nV| d of 1");
    /* the same let name in two rules: each rule sees its own */
    h_expect_messages(SCH(RULE("hl7:a", "<let name=\"v\" value=\"'A'\"/>"
                                        "<report test=\"true()\">L| <value-of select=\"$v\"/>"
                                        "</report>")
                              RULE("hl7:b", "<let name=\"v\" value=\"'B'\"/>"
                                            "<report test=\"true()\">L| <value-of select=\"$v\"/>"
                                            "</report>")),
                      CDA("<a/><b/><a/>"), "L| A\nL| B\nL| A");
}

#define V_REPORT "<report test=\"true()\">P| <value-of select=\"$v\"/></report>"
#define PATTERN_V(id, value)                                                                       \
    "<pattern id=\"" id "\"><let name=\"v\" value=\"" value "\"/>"                                 \
    "<rule context=\"hl7:ClinicalDocument\">" V_REPORT "</rule></pattern>"
#define TWO_PATTERNS SCH_OPEN PATTERN_V("p1", "'one'") PATTERN_V("p2", "'two'") SCH_CLOSE

void pattern_lets_use_the_document(void **state)
{
    (void)state;
    h_expect_messages(SCH_OPEN
                      "<let name=\"schema_level\" value=\"'S'\"/><pattern id=\"all\">"
                      "<let name=\"docid\" value=\"hl7:ClinicalDocument/hl7:id/@root\"/>"
                      "<let name=\"nobs\" value=\"count(//hl7:observation)\"/>"
                      "<let name=\"top\" value=\"not(..) and count(hl7:ClinicalDocument)=1\"/>"
                      "<let name=\"tag\" value=\"concat($schema_level, '-', $docid)\"/>" RULE(
                          "hl7:observation",
                          "<let name=\"mine\" value=\"concat($tag, '/', @classCode)\"/>"
                          "<report test=\"$top\">P| <value-of select=\"$mine\"/> of "
                          "<value-of select=\"$nobs\"/></report>") "</pattern>" SCH_CLOSE,
                      CDA("<id root=\"DOC1\"/><observation classCode=\"A\"/>"
                          "<component><observation classCode=\"B\"/></component>"),
                      "P| S-DOC1/A of 2\nP| S-DOC1/B of 2");
    /* a second pattern has its own lets */
    h_expect_messages(TWO_PATTERNS, CDA(""), "P| one\nP| two");
}

void lets_referencing_lets(void **state)
{
    (void)state;
    h_expect_messages(SCH("<let name=\"sep\" value=\"'-'\"/>" RULE(
                          "hl7:x", "<let name=\"a\" value=\"@k\"/>"
                                   "<let name=\"b\" value=\"concat($a, $sep, $a)\"/>"
                                   "<let name=\"c\" value=\"string-length($b)\"/>"
                                   "<report test=\"$c = 3\">L| <value-of select=\"$b\"/> "
                                   "<value-of select=\"$c\"/></report>")),
                      CDA("<x k=\"1\"/><x k=\"22\"/><x k=\"3\"/>"), "L| 1-1 3\nL| 3-3 3");
}

/* RAP style: the section label chosen by if/then/else, used only in messages. */
#define RAP_LETS                                                                                   \
    "<let name=\"section_code\" value=\"(ancestor::hl7:section[1]/hl7:code/@code)\"/>"             \
    "<let name=\"section_value\" value=\"if ($section_code = '22636-5') then 'Sezione Notizie "    \
    "Cliniche' else if ($section_code = '42349-1') then 'Sotto-sezione Quesito Diagnostico' "      \
    "else 'Sezione'\"/>"

void if_then_else_let_in_message(void **state)
{
    (void)state;
    h_expect_messages(
        SCH(RULE("//hl7:entryRelationship[hl7:act]",
                 RAP_LETS "<assert test=\"false()\">ERRORE-50| <value-of "
                          "select=\"$section_value\"/>: act</assert>")),
        CDA("<section><code code=\"22636-5\"/><entry><act><entryRelationship><act/>"
            "</entryRelationship></act></entry><component><section><code code=\"42349-1\"/>"
            "<entry><act><entryRelationship><act/></entryRelationship></act></entry></section>"
            "</component></section><section><code code=\"x\"/><entryRelationship><act/>"
            "</entryRelationship></section><entryRelationship><act/></entryRelationship>"),
        "ERRORE-50| Sezione Notizie Cliniche : act\n"
        "ERRORE-50| Sotto-sezione Quesito Diagnostico : act\n"
        "ERRORE-50| Sezione : act\n"
        "ERRORE-50| Sezione : act");
}

/*
 * Messages are written as the ISO skeleton writes them into SVRL: <name/> and
 * <value-of/> get a space on each side (process-name, process-value-of), and
 * whitespace-only text between elements is stripped as in any XSLT
 * stylesheet; the finding's message is then whitespace-normalised.
 */

/* The ErF/RAP let: a path built with foreign XSLT, indented as in the files. */
#define ERROR_PATH_LET                                                                             \
    "<let name=\"errorPath\">\n\t\t\t\t<xsl:for-each "                                             \
    "select=\"ancestor::*[not(self::hl7:ClinicalDocument)]\">\n\t\t\t\t\t<xsl:value-of "           \
    "select=\"concat('/', name())\"/>\n\t\t\t\t</xsl:for-each>\n\t\t\t</let>"

void for_each_let_builds_a_path(void **state)
{
    (void)state;
    h_expect_messages(
        SCH(RULE("//*[contains(local-name(), 'Person')]/hl7:name",
                 ERROR_PATH_LET "<assert test=\"count(hl7:delimiter)=0 and count(hl7:given)=1 "
                                "and count(hl7:family)=1\">ERRORE-43| L'elemento 'name' di un "
                                "soggetto deve contenere i tag 'given' e 'family'.\n\t\t\tPath: "
                                "ClinicalDocument<value-of select=\"$errorPath\"/>.</assert>")),
        CDA("<author><assignedAuthor><assignedPerson><name><given/></name></assignedPerson>"
            "</assignedAuthor></author><legalAuthenticator><assignedEntity><assignedPerson>"
            "<name><given/><family/></name></assignedPerson></assignedEntity>"
            "</legalAuthenticator>"),
        "ERRORE-43| L'elemento 'name' di un soggetto deve contenere i tag 'given' e 'family'. "
        "Path: ClinicalDocument /author/assignedAuthor/assignedPerson .");
    /* RAP: substring-after of the built path in the message */
    h_expect_messages(
        SCH(RULE("//hl7:entryRelationship[hl7:act]",
                 "<let name=\"errorPathObs\">\n\t\t\t  <xsl:for-each "
                 "select=\"ancestor::*[not(self::hl7:ClinicalDocument)]\">\n\t\t\t\t"
                 "<xsl:value-of select=\"concat('/', name())\"/>\n\t\t\t  </xsl:for-each>\n\t\t\t"
                 "</let><report test=\"true()\">W| <value-of select=\"substring-after("
                 "$errorPathObs, '/entry')\"/></report>")),
        CDA("<component><section><entry><act><entryRelationship><act/></entryRelationship>"
            "</act></entry></section></component>"),
        "W| /act");
}

/* ------------------------------------------------------------ messages -- */

void official_effective_time_assert(void **state)
{
    static const char *const sch = SCH(
        RULE("//hl7:effectiveTime[hl7:low/@value]",
             "<let name=\"effective_time_low\" value=\"string(hl7:low/@value)\"/>"
             "<let name=\"effective_time_high\" value=\"string(hl7:high/@value)\"/>"
             "<assert test=\"count(hl7:high/@value)=0 or ($effective_time_high >= "
             "$effective_time_low)\">ERRORE-44| Il valore dell'elemento effectiveTime/high : "
             "'<value-of select=\"$effective_time_high\"/>' deve essere maggiore o uguale "
             "dell'effectiveTime/low : '<value-of select=\"$effective_time_low\"/>'.</assert>"));

    (void)state;
    h_expect(sch,
             CDA("<effectiveTime><low value=\"20210707101010+0100\"/>"
                 "<high value=\"20210707221122+0100\"/></effectiveTime>"),
             "");
    h_expect_messages(sch,
                      CDA("<effectiveTime><low value=\"20210707221122+0100\"/>"
                          "<high value=\"20210707101010+0100\"/></effectiveTime>"),
                      "ERRORE-44| Il valore dell'elemento effectiveTime/high : "
                      "' 20210707101010+0100 ' deve essere maggiore o uguale dell'effectiveTime/low "
                      ": ' 20210707221122+0100 '.");
}

void name_is_the_qname_as_written(void **state)
{
    static const char *const sch =
        SCH(RULE("hl7:observation", "<report test=\"true()\">N| <name/> <name path=\"hl7:code\"/> "
                                    "<name path=\"@classCode\"/></report>")
                RULE("*[local-name()='raceCode']", "<report test=\"true()\">N| <name/></report>"));

    (void)state;
    h_expect_messages(sch, CDA("<observation classCode=\"OBS\"><code/></observation>"),
                      "N| observation code classCode");
    h_expect_messages(sch,
                      "<h:ClinicalDocument xmlns:h=\"urn:hl7-org:v3\"><h:observation "
                      "classCode=\"OBS\"><h:code/></h:observation></h:ClinicalDocument>",
                      "N| h:observation h:code classCode");
    h_expect_messages(sch,
                      "<ClinicalDocument xmlns=\"urn:hl7-org:v3\" xmlns:sdtc=\"urn:hl7-org:sdtc\">"
                      "<raceCode/><sdtc:raceCode/></ClinicalDocument>",
                      "N| raceCode\nN| sdtc:raceCode");
}

void value_of_joins_sequences(void **state)
{
    (void)state;
    h_expect_messages(
        SCH(RULE("hl7:ClinicalDocument",
                 "<report test=\"true()\">V| [<value-of select=\"hl7:id/@extension\"/>] "
                 "[<value-of select=\"hl7:t\"/>] [<value-of select=\"count(hl7:id)\"/>] "
                 "[<value-of select=\"count(hl7:id) div 2\"/>] "
                 "[<value-of select=\"count(hl7:id) = 3\"/>] [<value-of select=\"hl7:nope\"/>] "
                 "[<value-of select=\"hl7:a/count(hl7:b)\"/>] "
                 "[<value-of select=\"hl7:a/string(@n)\"/>]</report>")),
        CDA("<id extension=\"A\"/><id extension=\"B\"/><id extension=\"C\"/><t>x</t><t>y z</t>"
            "<a n=\"p\"><b/></a><a n=\"q\"><b/><b/></a>"),
        "V| [ A B C ] [ x y z ] [ 3 ] [ 1.5 ] [ true ] [ ] [ 1 2 ] [ p q ]");
}

void labels_and_whitespace(void **state)
{
    sch_case c;
    const fse_sch_result *r;
    char buf[1024];

    (void)state;
    r = h_run(&c,
              SCH(RULE("hl7:ClinicalDocument",
                       "<assert test=\"false()\">\n\t\t\tERRORE-7|  La   sezione\n\t <emph>deve"
                       "</emph>  </assert>"
                       "<assert test=\"false()\">  W001 |x</assert>"
                       "<assert test=\"false()\">A|B|C</assert>"
                       "<assert test=\"false()\">Missing thing here</assert>"
                       "<assert test=\"false()\"><emph>E1</emph>| in emph</assert>"
                       "<assert test=\"false()\">Errore-47| codice '<value-of "
                       "select=\"@x\"/>' &lt;16&gt;</assert>")),
              "<ClinicalDocument xmlns=\"urn:hl7-org:v3\" x=\"  a  b \"/>");
    assert_string_equal(h_labels(r, buf, sizeof(buf)), "ERRORE-7,W001,A,Missing,E1,Errore-47");
    assert_string_equal(h_messages(r, buf, sizeof(buf)),
                        "ERRORE-7| La sezione deve\nW001 |x\nA|B|C\nMissing thing here\n"
                        "E1| in emph\nErrore-47| codice ' a b ' <16>");
    h_case_free(&c);
}

#define LOC_DOC                                                                                    \
    CDA("<component><structuredBody><component><section/></component><component><section>"         \
        "<entry/><!-- c -->text<entry><observation/></entry></section></component>"                \
        "</structuredBody></component>")

void locations_with_positions(void **state)
{
    char buf[1024];
    sch_case c;
    const fse_sch_result *r;

    (void)state;
    r = h_run(&c,
              SCH(RULE("hl7:observation", REPORT("L")) RULE("/hl7:ClinicalDocument", REPORT("D"))),
              LOC_DOC);
    assert_string_equal(h_locations(r, buf, sizeof(buf)),
                        "/hl7:ClinicalDocument[1]\n"
                        "/hl7:ClinicalDocument[1]/hl7:component[1]/hl7:structuredBody[1]/"
                        "hl7:component[2]/hl7:section[1]/hl7:entry[2]/hl7:observation[1]");
    h_case_free(&c);
    r = h_run(&c, SCH(RULE("x", REPORT("L"))), "<root><x/><y/><x/></root>");
    assert_string_equal(h_locations(r, buf, sizeof(buf)), "/root[1]/x[1]\n/root[1]/x[2]");
    h_case_free(&c);
}

/*
 * Each location, evaluated by libxml2 (XPath 1.0, prefixes hl7 and sdtc),
 * must select exactly the context node: the message carries its @n.
 */
void locations_resolve_with_libxml2(void **state)
{
    static const char *const doc_text =
        "<ClinicalDocument xmlns=\"urn:hl7-org:v3\" xmlns:sdtc=\"urn:hl7-org:sdtc\" n=\"0\">"
        "<id n=\"1\"/><sdtc:id n=\"2\"/><id n=\"3\"/><recordTarget n=\"4\"><patientRole n=\"5\">"
        "<id n=\"6\"/><sdtc:id n=\"7\"/><sdtc:id n=\"8\"/><id n=\"9\"/></patientRole>"
        "</recordTarget></ClinicalDocument>";
    sch_case c;
    const fse_sch_result *r;
    xmlXPathContextPtr xp;
    size_t i;
    size_t n_wrong = 0;

    (void)state;
    r = h_run(&c, SCH(RULE("*", "<report test=\"true()\">N|<value-of select=\"@n\"/></report>")),
              doc_text);
    assert_int_equal(r->n_findings, 10);
    xp = xmlXPathNewContext(c.doc);
    assert_non_null(xp);
    assert_int_equal(xmlXPathRegisterNs(xp, BAD_CAST "hl7", BAD_CAST "urn:hl7-org:v3"), 0);
    assert_int_equal(xmlXPathRegisterNs(xp, BAD_CAST "sdtc", BAD_CAST "urn:hl7-org:sdtc"), 0);
    for (i = 0; i < r->n_findings; i++) {
        xmlXPathObjectPtr o = xmlXPathEvalExpression(BAD_CAST r->findings[i].location, xp);
        const char *want = r->findings[i].message + strlen("N| ");
        xmlChar *got = NULL;

        if (o != NULL && o->nodesetval != NULL && o->nodesetval->nodeNr == 1) {
            got = xmlGetProp(o->nodesetval->nodeTab[0], BAD_CAST "n");
        }
        if (got == NULL || strcmp((const char *)got, want) != 0) {
            print_error("location %s selects n=%s, the context node has n=%s\n",
                        r->findings[i].location, got != NULL ? (const char *)got : "(none)", want);
            n_wrong++;
        }
        xmlFree(got);
        xmlXPathFreeObject(o);
    }
    xmlXPathFreeContext(xp);
    h_case_free(&c);
    assert_int_equal(n_wrong, 0);
}

void report_versus_assert(void **state)
{
    sch_case c;
    const fse_sch_result *r;
    char buf[256];

    (void)state;
    r = h_run(&c,
              SCH(RULE("hl7:ClinicalDocument", "<assert test=\"true()\">A1|</assert>"
                                               "<assert test=\"false()\">A2|</assert>"
                                               "<report test=\"true()\">R1|</report>"
                                               "<report test=\"false()\">R2|</report>"
                                               "<assert test=\"count(hl7:x)=1\">A3|</assert>"
                                               "<report test=\"count(hl7:x)=1\">R3|</report>")),
              CDA("<x/><x/>"));
    assert_string_equal(h_labels(r, buf, sizeof(buf)), "A2,R1,A3");
    assert_int_equal(r->findings[0].kind, FSE_SCH_FAILED_ASSERT);
    assert_int_equal(r->findings[1].kind, FSE_SCH_REPORT);
    assert_int_equal(r->findings[2].kind, FSE_SCH_FAILED_ASSERT);
    assert_int_equal(r->n_failed_asserts, 2);
    assert_int_equal(r->n_reports, 1);
    assert_int_equal(r->n_rules_fired, 1);
    assert_false(r->dynamic_error);
    h_case_free(&c);
}

/* ------------------------------------------------------ compile errors -- */

typedef struct compile_case {
    const char *sch;
    fse_err rc; /* FSE_OK: PARSE or UNSUPPORTED accepted */
    const char *needle1;
    const char *needle2;
} compile_case;

#define ONE_RULE(context, body) SCH(RULE(context, body))
#define ASSERT_TEST(t) "<assert test=\"" t "\">E|</assert>"

static const compile_case compile_cases[] = {
    {ONE_RULE("hl7:x", ASSERT_TEST("foo(hl7:x)")), FSE_OK, "foo(hl7:x)", "foo"},
    {ONE_RULE("hl7:x", ASSERT_TEST("xs:date(@v) > 1")), FSE_OK, "xs:date(@v) > 1", "xs:date"},
    {ONE_RULE("hl7:x", ASSERT_TEST("doc('a.xml')")), FSE_OK, "doc('a.xml')", "doc"},
    {ONE_RULE("hl7:x", ASSERT_TEST("count(bad:y)=1")), FSE_E_PARSE, "count(bad:y)=1", "bad"},
    {ONE_RULE("bad:x", ASSERT_TEST("true()")), FSE_E_PARSE, "bad:x", "bad"},
    {ONE_RULE("hl7:x", ASSERT_TEST("$nope = 1")), FSE_E_PARSE, "$nope = 1", "nope"},
    {ONE_RULE("hl7:x", "<assert test=\"true()\">E| <value-of select=\"$nope\"/></assert>"),
     FSE_E_PARSE, "$nope", "nope"},
    {ONE_RULE("hl7:x", "<let name=\"a\" value=\"$nope\"/>" ASSERT_TEST("$a")), FSE_E_PARSE, "$nope",
     "nope"},
    {SCH(RULE("hl7:x", "<let name=\"a\" value=\"1\"/>" ASSERT_TEST("$a"))
             RULE("hl7:y", ASSERT_TEST("$a = 1"))),
     FSE_E_PARSE, "$a = 1", "a"},
    {ONE_RULE("hl7:x", ASSERT_TEST("count()")), FSE_E_PARSE, "count()", "count"},
    {ONE_RULE("hl7:x", ASSERT_TEST("contains('a')")), FSE_E_PARSE, "contains('a')", "contains"},
    {ONE_RULE("hl7:x", ASSERT_TEST("count(hl7:x")), FSE_E_PARSE, "count(hl7:x", "count(hl7:x"},
    {ONE_RULE("hl7:x", ASSERT_TEST("1 = ")), FSE_E_PARSE, "1 = ", "1 = "},
    {ONE_RULE("hl7:x", ASSERT_TEST("matches(@x, '[')")), FSE_E_PARSE, "matches(@x, '[')", "["},
    {ONE_RULE("hl7:x", ASSERT_TEST("for $i in hl7:y return $i")), FSE_OK,
     "for $i in hl7:y return $i", "for"},
    {ONE_RULE("count(hl7:x)", ASSERT_TEST("true()")), FSE_OK, "count(hl7:x)", "context"},
    {ONE_RULE("hl7:x", "<assert>E|</assert>"), FSE_E_PARSE, "test", "assert"},
    {ONE_RULE("hl7:x", "<let value=\"1\"/>"), FSE_E_PARSE, "let", "name"},
    {SCH("<rule abstract=\"true\" id=\"r\">" ASSERT_TEST("true()") "</rule>"), FSE_OK, "abstract",
     "rule"},
    {SCH_OPEN "<pattern abstract=\"true\" id=\"p\"/>" SCH_CLOSE, FSE_OK, "abstract", "pattern"},
    {SCH_OPEN "<include href=\"x.sch\"/><pattern/>" SCH_CLOSE, FSE_OK, "include", "include"},
};

void compile_errors_name_the_expression(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(compile_cases) / sizeof(compile_cases[0]); i++) {
        const compile_case *k = &compile_cases[i];
        char msg[FSE_ERROR_MSG_MAX];
        fse_err rc = h_compile_fail(k->sch, msg, sizeof(msg));
        bool rc_ok = k->rc != FSE_OK ? rc == k->rc : rc == FSE_E_PARSE || rc == FSE_E_UNSUPPORTED;

        if (!rc_ok || strstr(msg, k->needle1) == NULL || strstr(msg, k->needle2) == NULL ||
            strstr(msg, "t.sch") == NULL) {
            print_error("case %zu: rc %s, message '%s' (want '%s', '%s' and the file)\n", i,
                        fse_strerror(rc), msg, k->needle1, k->needle2);
        }
        assert_true(rc_ok);
        assert_non_null(strstr(msg, k->needle1));
        assert_non_null(strstr(msg, k->needle2));
        assert_non_null(strstr(msg, "t.sch"));
    }
}

/* The message starts with the file name, given once. */
void compile_error_names_the_file_once(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(compile_cases) / sizeof(compile_cases[0]); i++) {
        char msg[FSE_ERROR_MSG_MAX];

        (void)h_compile_fail(compile_cases[i].sch, msg, sizeof(msg));
        if (strncmp(msg, "t.sch: ", 7) != 0 || strstr(msg, "t.sch: t.sch:") != NULL) {
            print_error("case %zu: message '%s'\n", i, msg);
        }
        assert_true(strncmp(msg, "t.sch: ", 7) == 0);
        assert_null(strstr(msg, "t.sch: t.sch:"));
    }
}

/*
 * A rule's lets are template variables in XSLT: not in scope in the rule's
 * own match pattern (XPST0008 at compile time).
 */
void rule_let_in_own_context_predicate(void **state)
{
    char msg[FSE_ERROR_MSG_MAX];

    (void)state;
    assert_int_equal(
        h_compile_fail(SCH(RULE("hl7:y", REPORT("Y")) RULE(
                           "hl7:x[$v = 'a']", "<let name=\"v\" value=\"@k\"/>" REPORT("X"))),
                       msg, sizeof(msg)),
        FSE_E_PARSE);
    assert_non_null(strstr(msg, "$v"));
}
