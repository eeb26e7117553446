/*
 * tests/cda/test_cda_tutela.c - the maggior tutela detector (DM 7/9/2023
 * art.6, fse_cda_tutela_detect): the rule table's shape, every code of the
 * table present in the rules catalog and the HIV LOINC list complete
 * against it, generated documents of every type unflagged and flagged once
 * codes are injected, confidentialityCode V, translations nested at any
 * depth, the count condition and odd inputs. The official examples and the
 * hostile trees are in test_cda_tutela_corpus.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <zlib.h>

#include "fse/cda.h"
#include "fse/gen.h"
#include "fse/util.h"
#include "fse/xml.h"

#include "test_cda.h"

#define FIXTURES_DIR FSE_SHARED_DIR "/fixtures"
#define TERMINOLOGY_DIR FIXTURES_DIR "/validation/terminology"
#define OID_ICD9 "2.16.840.1.113883.6.103"
#define OID_LOINC "2.16.840.1.113883.6.1"
#define OID_ATC "2.16.840.1.113883.6.73"

#define HIV FSE_CDA_TUTELA_HIV
#define IVG FSE_CDA_TUTELA_IVG
#define SEXV FSE_CDA_TUTELA_SEXUAL_VIOLENCE
#define SUBST FSE_CDA_TUTELA_SUBSTANCE
#define VERYR FSE_CDA_TUTELA_VERY_RESTRICTED

/* ---- helpers (shared with test_cda_tutela_corpus.c) --------------------- */

xmlDocPtr cda_parse_text(const char *text, size_t len)
{
    xmlDocPtr doc = NULL;

    assert_int_equal(fse_xml_parse(&doc, NULL, (const uint8_t *)text, len, NULL), FSE_OK);
    return doc;
}

/* Detect on a text document; the result is returned by value. */
fse_cda_tutela_result cda_tutela_detect_text(const char *text)
{
    fse_cda_tutela_result r;
    xmlDocPtr doc = cda_parse_text(text, strlen(text));

    assert_int_equal(fse_cda_tutela_detect(&r, doc), FSE_OK);
    xmlFreeDoc(doc);
    return r;
}

const fse_cda_tutela_hit *cda_tutela_hit_of(const fse_cda_tutela_result *r, unsigned category)
{
    unsigned i;

    for (i = 0; i < FSE_CDA_TUTELA_N_CATEGORIES; i++) {
        if (category == (1u << i)) {
            return &r->first[i];
        }
    }
    fail_msg("not a category bit: %u", category);
    return NULL;
}

/* Generated document `index` of a type, NUL-terminated. */
static char *gen_doc(fse_doc_type type, uint64_t index)
{
    fse_gen_opts opts = FSE_GEN_OPTS_INIT;
    uint8_t *cda = NULL;
    size_t len = 0;
    char *text;

    opts.doc_type = type;
    assert_int_equal(fse_gen_document(&cda, &len, NULL, &opts, index), FSE_OK);
    text = fse_strndup((const char *)cda, len);
    assert_non_null(text);
    fse_free(cda);
    return text;
}

/* Copy of text with [at, at + n) replaced by repl. */
static char *splice(const char *text, size_t at, size_t n, const char *repl)
{
    size_t len = strlen(text);
    size_t rl = strlen(repl);
    char *out = fse_malloc(len - n + rl + 1);

    assert_non_null(out);
    memcpy(out, text, at);
    memcpy(out + at, repl, rl);
    memcpy(out + at + rl, text + at + n, len - at - n + 1);
    return out;
}

/* Position of the nth (0-based; -1: the last) occurrence of needle. */
static size_t find_nth(const char *text, const char *needle, int nth)
{
    const char *p = text;
    const char *found = NULL;
    int k = 0;

    while ((p = strstr(p, needle)) != NULL) {
        if (k == nth) {
            return (size_t)(p - text);
        }
        found = p;
        k++;
        p++;
    }
    assert_true(nth < 0 && found != NULL);
    return (size_t)(found - text);
}

/* Copy of text where the element carrying the nth codeSystem="system"
 * (-1: the last) gets code new_code. */
static char *set_code(const char *text, const char *system, int nth, const char *new_code)
{
    char needle[128];
    size_t sys_at;
    size_t tag;
    const char *code_at;
    const char *end;

    snprintf(needle, sizeof(needle), "codeSystem=\"%s\"", system);
    sys_at = find_nth(text, needle, nth);
    for (tag = sys_at; tag > 0 && text[tag] != '<'; tag--) {
    }
    code_at = strstr(text + tag, " code=\"");
    assert_non_null(code_at);
    assert_true((size_t)(code_at - text) < sys_at);
    code_at += strlen(" code=\"");
    end = strchr(code_at, '"');
    return splice(text, (size_t)(code_at - text), (size_t)(end - code_at), new_code);
}

/* Copy of text with the first occurrence of from replaced by to. */
static char *replace_once(const char *text, const char *from, const char *to)
{
    return splice(text, find_nth(text, from, 0), strlen(from), to);
}

/* ---- the table ---------------------------------------------------------- */

static void rules_table_is_consistent(void **state)
{
    size_t n = 0;
    const fse_cda_tutela_rule *rules = fse_cda_tutela_rules(&n);
    size_t i;
    size_t j;

    (void)state;
    assert_true(n > 100 && n <= 1024);
    assert_non_null(fse_cda_tutela_rules(NULL));
    for (i = 0; i < n; i++) {
        const fse_cda_tutela_rule *r = &rules[i];
        unsigned c = (unsigned)r->category;

        assert_true(r->system[0] != '\0' && r->code[0] != '\0' && r->reason[0] != '\0');
        assert_true(strlen(r->code) < FSE_CDA_TUTELA_CODE_MAX);
        assert_true(c != 0 && (c & (c - 1)) == 0 && (c & FSE_CDA_TUTELA_ALL) == c);
        /* No code says anonymous birth or consultorio (cda_tutela_rules.c). */
        assert_true(c != FSE_CDA_TUTELA_ANONYMOUS_BIRTH && c != FSE_CDA_TUTELA_CONSULTORIO);
        if (r->match == FSE_CDA_TUTELA_MATCH_ICD9_FAMILY) {
            assert_string_equal(r->system, OID_ICD9);
        }
        if (r->match == FSE_CDA_TUTELA_MATCH_PREFIX) {
            assert_string_equal(r->system, OID_ATC);
        }
        if (r->when == FSE_CDA_TUTELA_WHEN_COUNT_POSITIVE) {
            assert_int_equal(r->match, FSE_CDA_TUTELA_MATCH_EXACT);
        }
        for (j = i + 1; j < n; j++) {
            if (strcmp(r->system, rules[j].system) == 0 && strcmp(r->code, rules[j].code) == 0) {
                fail_msg("rule %s %s listed twice", r->system, r->code);
            }
        }
    }
    assert_string_equal(fse_cda_tutela_category_name(FSE_CDA_TUTELA_HIV), "hiv");
    assert_string_equal(fse_cda_tutela_category_name(FSE_CDA_TUTELA_SEXUAL_VIOLENCE),
                        "sexual_violence");
    assert_string_equal(fse_cda_tutela_category_name(FSE_CDA_TUTELA_VERY_RESTRICTED),
                        "very_restricted");
    assert_string_equal(fse_cda_tutela_category_name(0), "");
    assert_string_equal(fse_cda_tutela_category_name(HIV | IVG), "");
    assert_string_equal(fse_cda_tutela_category_name(1u << 7), "");
}

/* Whether code is the second field of a line of a catalog CSV
 * (version,code,description,release_date). */
static bool csv_has_code(const char *csv, const char *code)
{
    const char *line = csv;

    while (line != NULL && *line != '\0') {
        const char *comma = strchr(line, ',');
        const char *nl = strchr(line, '\n');
        const char *end;

        if (comma == NULL) {
            break;
        }
        if (nl != NULL && nl < comma) {
            line = nl + 1;
            continue;
        }
        end = strchr(comma + 1, ',');
        if (end != NULL && (size_t)(end - comma - 1) == strlen(code) &&
            memcmp(comma + 1, code, strlen(code)) == 0) {
            return true;
        }
        line = nl != NULL ? nl + 1 : NULL;
    }
    return false;
}

/* The whole of a gzip file, NUL-terminated. */
static char *gunzip_file(const char *path, size_t *len_out)
{
    gzFile f = gzopen(path, "rb");
    size_t cap = 64u * 1024u * 1024u;
    size_t len = 0;
    char *buf = fse_malloc(cap + 1);
    int n;

    assert_non_null(f);
    assert_non_null(buf);
    while ((n = gzread(f, buf + len, (unsigned)(cap - len))) > 0) {
        len += (size_t)n;
        if (len == cap) {
            char *bigger = fse_realloc(buf, cap * 2 + 1);

            assert_non_null(bigger);
            buf = bigger;
            cap *= 2;
        }
    }
    assert_int_equal(n, 0);
    gzclose(f);
    buf[len] = '\0';
    *len_out = len;
    return buf;
}

/* The JSON string value that starts at p (just after its opening quote),
 * copied into out (escapes kept as written); the position after it. */
static const char *json_str(const char *p, char *out, size_t cap)
{
    size_t n = 0;

    while (*p != '\0' && *p != '"') {
        if (*p == '\\' && p[1] != '\0') {
            if (n + 1 < cap) {
                out[n++] = *p;
            }
            p++;
        }
        if (n + 1 < cap) {
            out[n++] = *p;
        }
        p++;
    }
    out[n] = '\0';
    return p;
}

/* Whether the word HIV starts somewhere in s (not after a letter, digit or
 * underscore), as the table's LOINC list was selected. */
static bool names_hiv(const char *s)
{
    const char *p;

    for (p = strstr(s, "HIV"); p != NULL; p = strstr(p + 1, "HIV")) {
        char b = p == s ? ' ' : p[-1];

        if (!((b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') ||
              b == '_')) {
            return true;
        }
    }
    return false;
}

static const fse_cda_tutela_rule *rule_of(const char *system, const char *code)
{
    size_t n = 0;
    const fse_cda_tutela_rule *rules = fse_cda_tutela_rules(&n);
    size_t i;

    for (i = 0; i < n; i++) {
        if (strcmp(rules[i].system, system) == 0 && strcmp(rules[i].code, code) == 0) {
            return &rules[i];
        }
    }
    return NULL;
}

/* First needle in [p, end), or NULL. Not strstr: the sanitizers' strstr
 * measures the whole rest of a 56 MB haystack on every call. */
static const char *find_in(const char *p, const char *end, const char *needle)
{
    size_t n = strlen(needle);

    while (p != NULL && (size_t)(end - p) >= n) {
        p = memchr(p, needle[0], (size_t)(end - p) - n + 1);
        if (p == NULL || memcmp(p, needle, n) == 0) {
            return p;
        }
        p++;
    }
    return NULL;
}

/* LOINC: every table code is in the catalog's LOINC 2.80; every catalog
 * code whose name has the word HIV is an HIV row. */
static void check_loinc(void)
{
    size_t len = 0;
    char *dump = gunzip_file(TERMINOLOGY_DIR "/mongo-dump/terminology.json.gzip", &len);
    const char *end = dump + len;
    size_t n = 0;
    const fse_cda_tutela_rule *rules = fse_cda_tutela_rules(&n);
    size_t loinc_rows = 0;
    size_t hiv_rows = 0;
    size_t seen_rows = 0;
    size_t hiv_named = 0;
    const char *p;
    size_t i;

    for (i = 0; i < n; i++) {
        if (strcmp(rules[i].system, OID_LOINC) == 0) {
            loinc_rows++;
            hiv_rows += rules[i].category == FSE_CDA_TUTELA_HIV;
        }
    }
    for (p = find_in(dump, end, "\"system\": \""); p != NULL;
         p = find_in(p, end, "\"system\": \"")) {
        char system[64];
        char code[64];
        char name[1024];
        const char *c;
        const char *d;
        const fse_cda_tutela_rule *r;

        p = json_str(p + strlen("\"system\": \""), system, sizeof(system));
        if (strcmp(system, OID_LOINC) != 0) {
            continue;
        }
        c = find_in(p, end, "\"code\": \"");
        d = c != NULL ? find_in(c, end, "\"description\": \"") : NULL;
        assert_non_null(d);
        json_str(c + strlen("\"code\": \""), code, sizeof(code));
        json_str(d + strlen("\"description\": \""), name, sizeof(name));
        r = rule_of(OID_LOINC, code);
        seen_rows += r != NULL;
        if (names_hiv(name)) {
            hiv_named++;
            if (r == NULL || r->category != FSE_CDA_TUTELA_HIV) {
                fail_msg("LOINC %s \"%s\" names HIV and is not an HIV rule", code, name);
            }
        }
    }
    fse_free(dump);
    /* Each LOINC code is listed once in the dump (one managed version). */
    assert_int_equal(seen_rows, loinc_rows);
    assert_int_equal(hiv_named, hiv_rows);
    assert_int_equal(hiv_rows, 362);
}

static void rules_codes_are_in_the_catalog(void **state)
{
    static const char *const csv_systems[] = {
        OID_ICD9,
        OID_ATC,
        "2.16.840.1.113883.5.25",
        "2.16.840.1.113883.5.4",
        "2.16.840.1.113883.5.111",
        "2.16.840.1.113883.5.1063",
        "2.16.840.1.113883.2.9.6.1.56.1",
        "2.16.840.1.113883.2.9.6.1.56.2",
    };
    size_t n = 0;
    const fse_cda_tutela_rule *rules = fse_cda_tutela_rules(&n);
    size_t checked = 0;
    size_t s;
    size_t i;

    (void)state;
    for (s = 0; s < sizeof(csv_systems) / sizeof(csv_systems[0]); s++) {
        char path[512];
        uint8_t *csv = NULL;
        size_t len = 0;
        char *text;

        snprintf(path, sizeof(path), "%s/csv/%s.csv", TERMINOLOGY_DIR, csv_systems[s]);
        assert_int_equal(fse_file_read(path, 16u * 1024u * 1024u, &csv, &len), FSE_OK);
        text = fse_strndup((const char *)csv, len);
        assert_non_null(text);
        fse_free(csv);
        for (i = 0; i < n; i++) {
            if (strcmp(rules[i].system, csv_systems[s]) != 0) {
                continue;
            }
            checked++;
            if (!csv_has_code(text, rules[i].code)) {
                fail_msg("%s is not a code of %s", rules[i].code, csv_systems[s]);
            }
        }
        fse_free(text);
    }
    for (i = 0; i < n; i++) {
        checked += strcmp(rules[i].system, OID_LOINC) == 0;
    }
    /* Every row is in a system checked here. */
    assert_int_equal(checked, n);
    check_loinc();
}

/* ---- generated documents ------------------------------------------------ */

static void generated_documents_are_not_flagged(void **state)
{
    size_t n_types = 0;
    const fse_doc_type *types = fse_gen_types(&n_types);
    size_t t;
    uint64_t i;

    (void)state;
    for (t = 0; t < n_types; t++) {
        for (i = 1; i <= 4; i++) {
            char *text = gen_doc(types[t], i);
            fse_cda_tutela_result r = cda_tutela_detect_text(text);

            if (r.categories != 0) {
                fail_msg("%s #%u flagged %#x by %s", fse_cda_doc_desc_get(types[t])->name,
                         (unsigned)i, r.categories, r.first[0].code);
            }
            assert_true(r.n_coded > 5);
            assert_int_equal(r.n_hits, 0);
            fse_free(text);
        }
    }
}

typedef struct inject_case {
    const char *code;
    unsigned want;
} inject_case;

/* Put each case's code on the nth element of system in a generated
 * document and check the categories (and the hit's code) it gets. */
static void run_injections(fse_doc_type type, const char *system, int nth, const inject_case *cases,
                           size_t n, const char *element)
{
    char *base = gen_doc(type, 3);
    size_t i;

    for (i = 0; i < n; i++) {
        char *text = set_code(base, system, nth, cases[i].code);
        fse_cda_tutela_result r = cda_tutela_detect_text(text);

        if (r.categories != cases[i].want) {
            fail_msg("%s %s: categories %#x, want %#x", system, cases[i].code, r.categories,
                     cases[i].want);
        }
        if (cases[i].want != 0) {
            const fse_cda_tutela_hit *h = cda_tutela_hit_of(&r, cases[i].want);

            assert_non_null(h->rule);
            assert_string_equal(h->rule->system, system);
            assert_string_equal(h->element, element);
            assert_true(h->line > 0);
            assert_int_equal(r.n_hits, 1);
        }
        fse_free(text);
    }
    fse_free(base);
}

static void injected_icd9_codes(void **state)
{
    static const inject_case cases[] =
        {
            {"042", HIV},      {"V08", HIV},
            {"v08", HIV},    /* upper-cased */
            {" 042 ", HIV},  /* trimmed */
            {"079.53", HIV}, /* HIV-2 */
            {"795.71", HIV}, /* inconclusive serology */
            {"0420", 0},     /* not ICD-9-CM notation: 042 has no "0420" */
            {"042.123", 0},  /* three decimals */
            {"635.92", IVG},   {"636", IVG},
            {"69.51", IVG},                   /* procedure */
            {"V61.7", IVG},    {"634.91", 0}, /* spontaneous abortion */
            {"637.90", 0},                    /* unspecified abortion */
            {"639.0", 0},                     /* after abortion, ectopic or molar */
            {"6351", 0},       {"995.53", SEXV},
            {"995.83", SEXV},  {"E960.1", SEXV},
            {"V71.5", SEXV},   {"995.54", 0}, /* physical abuse of a child */
            {"302.2", 0},                     /* the perpetrator's diagnosis */
            {"V15.41", 0},     {"303.90", SUBST},
            {"304.21", SUBST}, {"305", SUBST},
            {"305.03", SUBST}, {"305.1", 0}, /* tobacco */
            {"305.10", 0},     {"291.81", SUBST},
            {"965.01", SUBST}, {"965.00", 0}, /* opium alkaloids: mostly prescribed analgesics */
            {"965.09", 0},     {"571.2", SUBST},
            {"571.5", 0}, /* cirrhosis without mention of alcohol */
            {"94.61", SUBST},  {"94.6", SUBST},
            {"V11.3", SUBST},  {"760.71", 0}, /* the newborn's code */
            {"401.9", 0},
        };

    (void)state;
    /* LDO: the first ICD-9-CM code is a diagnosis value. */
    run_injections(FSE_CDA_DOC_LDO, OID_ICD9, 0, cases, sizeof(cases) / sizeof(cases[0]), "value");
}

static void injected_loinc_codes(void **state)
{
    static const inject_case cases[] = {
        {"7917-8", HIV},  /* HIV 1 Ab Ql */
        {"7918-6", HIV},  /* HIV 1+2 Ab Ql */
        {"5221-7", HIV},  /* HIV 1 Ab IB */
        {"56888-1", HIV}, /* HIV 1+2 Ab + p24 Ag */
        {"20447-9", HIV}, /* HIV 1 RNA viral load */
        {"25836-8", HIV},   {"75622-1", HIV}, {"7917-80", 0},
        {"19295-5", SUBST}, /* opiates screen */
        {"3397-7", SUBST},  /* cocaine */
        {"18282-4", SUBST}, /* cannabinoids */
        {"19550-3", SUBST}, /* methadone */
        {"48495-6", SUBST}, /* CDT */
        {"5640-8", 0},      /* blood ethanol */
        {"11331-6", 0},     /* history of alcohol use */
        {"24467-3", 0},     /* CD4 */
        {"100975-2", IVG},  {"1712-9", SEXV}, {"2345-7", 0},
    };

    (void)state;
    /* LAB: the last LOINC code is an observation's. */
    run_injections(FSE_CDA_DOC_LAB, OID_LOINC, -1, cases, sizeof(cases) / sizeof(cases[0]), "code");
}

static void injected_atc_codes(void **state)
{
    static const inject_case cases[] = {
        {"J05AR20", HIV},                   /* emtricitabine, tenofovir alafenamide, bictegravir */
        {"J05AG03", HIV},                   /* efavirenz */
        {"J05AJ", HIV},                     /* the group itself */
        {"J05AE10", HIV},                   /* darunavir */
        {"J05AF09", HIV},   {"J05AF07", 0}, /* tenofovir disoproxil: also hepatitis B */
        {"J05AF05", 0},                     /* lamivudine: also hepatitis B */
        {"J05AE30", 0},                     /* nirmatrelvir and ritonavir: COVID-19 */
        {"J05AE11", 0},                     /* telaprevir: hepatitis C */
        {"N07BC02", SUBST}, {"N07BB04", SUBST}, {"N07BA01", 0}, /* nicotine */
        {"N02AA01", 0},                                         /* morphine */
    };

    (void)state;
    /* LDO: its therapy entries carry ATC codes. */
    run_injections(FSE_CDA_DOC_LDO, OID_ATC, 0, cases, sizeof(cases) / sizeof(cases[0]), "code");
}

/* ---- confidentialityCode, translations, counts ---------------------------- */

static void confidentiality_v(void **state)
{
    char *base = gen_doc(FSE_CDA_DOC_LAB, 2);
    const char *from = "<confidentialityCode code=\"N\" codeSystem=\"2.16.840.1.113883.5.25\"";
    char *text;
    fse_cda_tutela_result r;
    const fse_cda_tutela_hit *h;

    (void)state;
    text = replace_once(base, from,
                        "<confidentialityCode code=\"V\" codeSystem=\"2.16.840.1.113883.5.25\"");
    r = cda_tutela_detect_text(text);
    assert_int_equal(r.categories, VERYR);
    h = cda_tutela_hit_of(&r, VERYR);
    assert_string_equal(h->code, "V");
    assert_string_equal(h->element, "confidentialityCode");
    fse_free(text);

    text = replace_once(base, from,
                        "<confidentialityCode code=\"R\" codeSystem=\"2.16.840.1.113883.5.25\"");
    assert_int_equal(cda_tutela_detect_text(text).categories, 0);
    fse_free(text);

    /* Without its codeSystem, and in lower case. */
    text = replace_once(base, from, "<confidentialityCode code=\"v\"");
    assert_int_equal(cda_tutela_detect_text(text).categories, VERYR);
    fse_free(text);

    /* The HL7 sensitivity codes of Confidentiality. */
    text = replace_once(base, from,
                        "<confidentialityCode code=\"HIV\" codeSystem=\"2.16.840.1.113883.5.25\"");
    assert_int_equal(cda_tutela_detect_text(text).categories, HIV);
    fse_free(text);

    /* V of another system is not the producer's marking. */
    text = replace_once(base, from,
                        "<confidentialityCode code=\"N\" codeSystem=\"2.16.840.1.113883.5.25\"/>"
                        "<x code=\"V\" codeSystem=\"" OID_ICD9 "\"");
    assert_int_equal(cda_tutela_detect_text(text).categories, 0);
    fse_free(text);
    fse_free(base);
}

static void nested_translations(void **state)
{
    char *base = gen_doc(FSE_CDA_DOC_LDO, 5);
    char *text;
    size_t at;
    fse_cda_tutela_result r;
    const fse_cda_tutela_hit *h;

    (void)state;
    /* Inside the first ICD-9-CM value: a regional code translated twice,
     * the innermost translation being an HIV antibody test. */
    at = find_nth(base, "codeSystem=\"" OID_ICD9 "\"", 0);
    at = (size_t)(strchr(base + at, '>') - base) + 1;
    text = splice(base, at, 0,
                  "<translation code=\"L-1\" codeSystem=\"2.16.840.1.113883.2.9.2.120.6.1\">"
                  "<translation code=\"L-2\" codeSystem=\"2.16.840.1.113883.2.9.2.120.6.2\">"
                  "<translation code=\"7917-8\" codeSystem=\"" OID_LOINC "\"/>"
                  "</translation></translation>");
    r = cda_tutela_detect_text(text);
    assert_int_equal(r.categories, HIV);
    h = cda_tutela_hit_of(&r, HIV);
    assert_string_equal(h->code, "7917-8");
    assert_string_equal(h->element, "translation");
    assert_string_equal(h->rule->code, "7917-8");
    fse_free(text);

    /* A translation deep in a made-up tree, and two categories at once:
     * the first hit of each is kept. */
    r = cda_tutela_detect_text(
        "<ClinicalDocument xmlns='urn:hl7-org:v3'><a><b><c><d>"
        "<code code='X' codeSystem='1.2.3'><translation code='Y' codeSystem='1.2.4'>"
        "<translation code='303.90' codeSystem='" OID_ICD9 "'/></translation></code>"
        "<value code='304.00' codeSystem='" OID_ICD9 "'/>"
        "<value code='E960.1' codeSystem=' " OID_ICD9 " '/>"
        "</d></c></b></a></ClinicalDocument>");
    assert_int_equal(r.categories, SUBST | SEXV);
    assert_int_equal(r.n_coded, 5);
    assert_int_equal(r.n_hits, 3);
    assert_string_equal(cda_tutela_hit_of(&r, SUBST)->code, "303.90");
    assert_string_equal(cda_tutela_hit_of(&r, SUBST)->rule->code, "303");
    assert_string_equal(cda_tutela_hit_of(&r, SEXV)->code, "E960.1");
    assert_null(cda_tutela_hit_of(&r, HIV)->rule);
    fse_free(base);
}

static fse_cda_tutela_result count_doc(const char *value)
{
    char text[1024];

    snprintf(text, sizeof(text),
             "<ClinicalDocument xmlns='urn:hl7-org:v3' "
             "xmlns:xsi='http://www.w3.org/2001/XMLSchema-instance'><component><observation>"
             "<code code='11613-7' codeSystem='" OID_LOINC "'/>%s</observation></component>"
             "</ClinicalDocument>",
             value);
    return cda_tutela_detect_text(text);
}

static void count_condition(void **state)
{
    fse_cda_tutela_result r;

    (void)state;
    /* An obstetric history with no induced abortion is not IVG. */
    assert_int_equal(count_doc("<value xsi:type='INT' value='0'/>").categories, 0);
    assert_int_equal(count_doc("<value xsi:type='PQ' value=' 0.0 ' unit='1'/>").categories, 0);
    assert_int_equal(count_doc("<value xsi:type='INT' value='2'/>").categories, IVG);
    assert_int_equal(count_doc("<value xsi:type='INT' value='0.5'/>").categories, IVG);
    /* Missing or unreadable counts are not known to be zero. */
    assert_int_equal(count_doc("").categories, IVG);
    assert_int_equal(count_doc("<value xsi:type='INT' nullFlavor='UNK'/>").categories, IVG);
    assert_int_equal(count_doc("<value xsi:type='ST' value='nessuno'/>").categories, IVG);
    /* Through a translation of a regional code. */
    r = cda_tutela_detect_text("<ClinicalDocument xmlns='urn:hl7-org:v3'><observation>"
                               "<code code='A' codeSystem='2.16.840.1.113883.2.9.2.120.6.1'>"
                               "<translation code='11613-7' codeSystem='" OID_LOINC "'/></code>"
                               "<value value='0'/></observation></ClinicalDocument>");
    assert_int_equal(r.categories, 0);
    assert_int_equal(r.n_coded, 2);
}

static void odd_inputs(void **state)
{
    fse_cda_tutela_result r;
    xmlDocPtr empty = xmlNewDoc((const xmlChar *)"1.0");

    (void)state;
    assert_int_equal(fse_cda_tutela_detect(NULL, empty), FSE_E_ARG);
    assert_int_equal(fse_cda_tutela_detect(&r, NULL), FSE_E_ARG);
    assert_int_equal(fse_cda_tutela_detect(&r, empty), FSE_OK);
    assert_int_equal(r.categories, 0);
    assert_int_equal(r.n_coded, 0);
    xmlFreeDoc(empty);
    /* A code without a system, a system without a code, empty values,
     * attributes in a namespace, codes in narrative text: not coded values. */
    r = cda_tutela_detect_text("<ClinicalDocument xmlns='urn:hl7-org:v3' xmlns:x='urn:x'>"
                               "<a code='042'/><b codeSystem='" OID_ICD9 "'/>"
                               "<c code='' codeSystem='" OID_ICD9 "'/><d code='   ' codeSystem=''/>"
                               "<e x:code='042' x:codeSystem='" OID_ICD9 "'/>"
                               "<text>diagnosi 042 codeSystem " OID_ICD9
                               "</text></ClinicalDocument>");
    assert_int_equal(r.categories, 0);
    assert_int_equal(r.n_coded, 2);
}

int cda_tutela_tests(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rules_table_is_consistent),
        cmocka_unit_test(rules_codes_are_in_the_catalog),
        cmocka_unit_test(generated_documents_are_not_flagged),
        cmocka_unit_test(injected_icd9_codes),
        cmocka_unit_test(injected_loinc_codes),
        cmocka_unit_test(injected_atc_codes),
        cmocka_unit_test(confidentiality_v),
        cmocka_unit_test(nested_translations),
        cmocka_unit_test(count_condition),
        cmocka_unit_test(odd_inputs),
    };

    return cmocka_run_group_tests_name("cda_tutela", tests, NULL, NULL);
}
