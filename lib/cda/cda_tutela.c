/*
 * lib/cda/cda_tutela.c - the maggior tutela detector: which categories of
 * DM 7/9/2023 art.6 c.1 a parsed CDA reveals (domain-rules §3).
 *
 * Owns the walk over every element of the tree, the normalisation of a
 * code and its system, the lookup in a per-call sorted index of the rule
 * table (exact codes, ICD-9-CM families, ATC groups), the count condition,
 * and the first hit kept per category for diagnostics. Does not own the
 * rule table or the reasons behind it (cda_tutela_rules.c), parsing
 * (lib/xml), nor the visibility the node derives from the result
 * (lib/gateway, fse/store.h).
 */
#include "cda_int.h"

#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "fse/xml.h"

/* Code system of a confidentialityCode written without @codeSystem: the
 * only one CDA R2 allows there (x_BasicConfidentialityKind). */
#define OID_CONFIDENTIALITY "2.16.840.1.113883.5.25"

/* Longest WHO ATC code (5th level): an ATC group covers codes up to it. */
#define ATC_CODE_LEN 7u

/* The table sorted by (system, code), built once per call. */
typedef struct tutela_index {
    const fse_cda_tutela_rule *rows[FSE_CDA__TUTELA_MAX_RULES];
    size_t n;
    size_t max_family_len; /* longest code of a FAMILY or PREFIX row */
} tutela_index;

/* A code or system as found: trimmed, bounded, NUL-terminated. */
typedef struct tutela_key {
    const char *system;
    const char *code;
    size_t code_len;
} tutela_key;

static const char *const category_names[FSE_CDA_TUTELA_N_CATEGORIES] = {
    "hiv",
    "ivg",
    "sexual_violence",
    "substance",
    "anonymous_birth",
    "consultorio",
    "very_restricted",
};

const char *fse_cda_tutela_category_name(unsigned category)
{
    unsigned i;

    for (i = 0; i < FSE_CDA_TUTELA_N_CATEGORIES; i++) {
        if (category == (1u << i)) {
            return category_names[i];
        }
    }
    return "";
}

static int cmp_rows(const void *a, const void *b)
{
    const fse_cda_tutela_rule *ra = *(const fse_cda_tutela_rule *const *)a;
    const fse_cda_tutela_rule *rb = *(const fse_cda_tutela_rule *const *)b;
    int c = strcmp(ra->system, rb->system);

    return c != 0 ? c : strcmp(ra->code, rb->code);
}

static void index_build(tutela_index *ix)
{
    size_t n = 0;
    const fse_cda_tutela_rule *rules = fse_cda_tutela_rules(&n);
    size_t i;

    /* cda_tutela_rules.c asserts at compile time that the table fits. */
    n = n < FSE_CDA__TUTELA_MAX_RULES ? n : FSE_CDA__TUTELA_MAX_RULES;
    ix->n = n;
    ix->max_family_len = 0;
    for (i = 0; i < n; i++) {
        ix->rows[i] = &rules[i];
        if (rules[i].match != FSE_CDA_TUTELA_MATCH_EXACT) {
            size_t len = strlen(rules[i].code);

            ix->max_family_len = len > ix->max_family_len ? len : ix->max_family_len;
        }
    }
    qsort(ix->rows, n, sizeof(ix->rows[0]), cmp_rows);
}

/* The row for (system, the first len bytes of code), or NULL. */
static const fse_cda_tutela_rule *index_find(const tutela_index *ix, const char *system,
                                             const char *code, size_t len)
{
    size_t lo = 0;
    size_t hi = ix->n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const fse_cda_tutela_rule *r = ix->rows[mid];
        int c = strcmp(system, r->system);

        if (c == 0) {
            c = strncmp(code, r->code, len);
            if (c == 0 && r->code[len] != '\0') {
                c = -1; /* the row's code is longer: ours sorts first */
            }
        }
        if (c == 0) {
            return r;
        }
        if (c < 0) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    return NULL;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Whether rest (what follows an ICD-9-CM family's code) is one of its
 * subdivisions: "" always; after a code without a dot, "." and one or two
 * digits; after "NNN.D", one more digit. ICD-9-CM has at most two decimals. */
static bool icd9_subdivision(const char *family, const char *rest)
{
    const char *dot = strchr(family, '.');
    size_t decimals;
    size_t i;

    if (rest[0] == '\0') {
        return true;
    }
    if (dot == NULL) {
        if (rest[0] != '.') {
            return false;
        }
        rest++;
        decimals = 0;
    } else {
        decimals = strlen(dot + 1);
    }
    for (i = 0; rest[i] != '\0'; i++) {
        if (!is_digit(rest[i])) {
            return false;
        }
    }
    return i > 0 && decimals + i <= 2;
}

/* The row a code matches, trying the whole code then its prefixes up to
 * the longest family or group code. */
static const fse_cda_tutela_rule *lookup(const tutela_index *ix, const tutela_key *k)
{
    const fse_cda_tutela_rule *r = index_find(ix, k->system, k->code, k->code_len);
    size_t len;

    if (r != NULL) {
        return r; /* the code itself: every kind of row matches its own code */
    }
    len = k->code_len < ix->max_family_len ? k->code_len : ix->max_family_len + 1;
    while (len > 1) {
        len--;
        r = index_find(ix, k->system, k->code, len);
        if (r == NULL) {
            continue;
        }
        if ((r->match == FSE_CDA_TUTELA_MATCH_PREFIX && k->code_len <= ATC_CODE_LEN) ||
            (r->match == FSE_CDA_TUTELA_MATCH_ICD9_FAMILY &&
             icd9_subdivision(r->code, k->code + len))) {
            return r;
        }
    }
    return NULL;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Copy s trimmed into buf (upper case when upper); false when empty or
 * longer than the buffer. */
static bool normalise(char *buf, size_t cap, const char *s, bool upper, size_t *len_out)
{
    size_t start = 0;
    size_t end = strlen(s);
    size_t i;

    while (start < end && is_space(s[start])) {
        start++;
    }
    while (end > start && is_space(s[end - 1])) {
        end--;
    }
    if (end == start || end - start >= cap) {
        return false;
    }
    for (i = start; i < end; i++) {
        char c = s[i];

        buf[i - start] = upper && c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
    }
    buf[end - start] = '\0';
    *len_out = end - start;
    return true;
}

/* Whether the count a COUNT_POSITIVE code stands for is written as zero:
 * the code element (through any translation) belongs to an act whose
 * value/@value reads as a number equal to 0. */
static bool count_is_zero(const xmlNode *el)
{
    const xmlNode *code = el;
    const char *v;
    bool digit = false;

    while (code != NULL && code->type == XML_ELEMENT_NODE &&
           strcmp((const char *)code->name, "translation") == 0) {
        code = code->parent;
    }
    if (code == NULL || code->type != XML_ELEMENT_NODE ||
        strcmp((const char *)code->name, "code") != 0) {
        return false;
    }
    v = fse_cda__attr(fse_cda__child(code->parent, "value"), "value");
    if (v == NULL) {
        return false;
    }
    while (is_space(*v)) {
        v++;
    }
    v += *v == '+';
    for (; *v == '0' || *v == '.'; v++) {
        digit = digit || *v == '0';
    }
    while (is_space(*v)) {
        v++;
    }
    return digit && *v == '\0';
}

static unsigned bit_index(unsigned category)
{
    unsigned i;

    for (i = 0; i < FSE_CDA_TUTELA_N_CATEGORIES; i++) {
        if (category == (1u << i)) {
            return i;
        }
    }
    return FSE_CDA_TUTELA_N_CATEGORIES;
}

static void record_hit(fse_cda_tutela_result *out, const fse_cda_tutela_rule *r,
                       const tutela_key *k, const xmlNode *el)
{
    unsigned i = bit_index((unsigned)r->category);
    fse_cda_tutela_hit *h;
    size_t n;

    out->n_hits++;
    if (i >= FSE_CDA_TUTELA_N_CATEGORIES || (out->categories & (1u << i)) != 0) {
        return;
    }
    out->categories |= 1u << i;
    h = &out->first[i];
    h->rule = r;
    memcpy(h->code, k->code, k->code_len + 1);
    n = strnlen((const char *)el->name, sizeof(h->element) - 1);
    memcpy(h->element, el->name, n);
    h->element[n] = '\0';
    h->line = xmlGetLineNo(el);
    h->line = h->line > 0 ? h->line : 0;
}

/* Look one element up; a no-op unless it carries a code and a system. */
static void examine(fse_cda_tutela_result *out, const tutela_index *ix, const xmlNode *el)
{
    char code[FSE_CDA_TUTELA_CODE_MAX];
    char system[128];
    const char *raw_code = fse_cda__attr(el, "code");
    const char *raw_system = fse_cda__attr(el, "codeSystem");
    const fse_cda_tutela_rule *r;
    tutela_key k;
    size_t system_len = 0;

    if (raw_code == NULL) {
        return;
    }
    if (raw_system == NULL && strcmp((const char *)el->name, "confidentialityCode") == 0) {
        raw_system = OID_CONFIDENTIALITY;
    }
    if (raw_system == NULL) {
        return;
    }
    out->n_coded++;
    /* A code or system longer than every one in the table cannot match. */
    if (!normalise(code, sizeof(code), raw_code, true, &k.code_len) ||
        !normalise(system, sizeof(system), raw_system, false, &system_len)) {
        return;
    }
    k.code = code;
    k.system = system;
    r = lookup(ix, &k);
    if (r == NULL) {
        return;
    }
    if (r->when == FSE_CDA_TUTELA_WHEN_COUNT_POSITIVE && count_is_zero(el)) {
        return;
    }
    record_hit(out, r, &k, el);
}

fse_err fse_cda_tutela_detect(fse_cda_tutela_result *out, const xmlDoc *doc)
{
    tutela_index ix;
    const xmlNode *root;
    const xmlNode *n;

    if (out == NULL || doc == NULL) {
        return fse_error_set(FSE_E_ARG, FSE_CDA_MODULE, "tutela_detect: NULL argument");
    }
    memset(out, 0, sizeof(*out));
    index_build(&ix);
    root = xmlDocGetRootElement(doc);
    for (n = root; n != NULL; n = fse_cda__next_in_order(n, root)) {
        if (n->type == XML_ELEMENT_NODE) {
            examine(out, &ix, n);
        }
    }
    return FSE_OK;
}
