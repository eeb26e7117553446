/*
 * lib/consult/consult_search.c - GET /fhir/DocumentReference.
 *
 * Owns the search parameters (docs/consult.md: patient, type, category,
 * date with prefixes, author, facility, status, _count, _sort, _total,
 * _offset; unknown ones refused unless Prefer: handling=lenient), the
 * filter, the policy pass over every candidate, the sort and the page,
 * the Bundle with its self/next/previous links, and the audit record and
 * notification of the search. The total counts only what the policy lets
 * the subject see, so a hidden document changes nothing in the answer.
 */
#include "consult_int.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* Most values of a comma-separated token list. */
#define MAX_TOKENS 16u
/* Longest token value compared. */
#define MAX_TOKEN 128u

typedef struct token_list {
    char values[MAX_TOKENS][MAX_TOKEN + 1];
    size_t n;
    bool present;
} token_list;

typedef struct search_params {
    const char *patient_identifier;
    const char *patient_ref; /* "Patient/{id}" */
    token_list types, categories, authors, facilities;
    char date_lo[15]; /* inclusive, "" none */
    char date_hi[15]; /* exclusive, "" none */
    unsigned statuses;
    size_t count;
    size_t offset;
    bool ascending;
    bool total_none;
} search_params;

/* ---- Parameter parsing -------------------------------------------------- */

/* Split "a,b,c" (each "system|code" or "code") keeping the codes; a system
 * other than want_system (when given) makes the value match nothing. */
static bool parse_tokens(token_list *t, const char *value, const char *want_system)
{
    const char *p = value;

    t->present = true;
    while (*p != '\0') {
        size_t n = strcspn(p, ",");
        const char *bar = memchr(p, '|', n);
        const char *code = bar != NULL ? bar + 1 : p;
        size_t code_len = n - (size_t)(code - p);

        if (t->n == MAX_TOKENS || code_len == 0 || code_len > MAX_TOKEN) {
            return false;
        }
        if (bar != NULL && bar != p && want_system != NULL &&
            ((size_t)(bar - p) != strlen(want_system) ||
             strncmp(p, want_system, (size_t)(bar - p)) != 0)) {
            memcpy(t->values[t->n], "\x01", 2); /* matches nothing */
        } else {
            memcpy(t->values[t->n], code, code_len);
            t->values[t->n][code_len] = '\0';
        }
        t->n++;
        p += n;
        if (*p == ',') {
            p++;
        }
    }
    return t->n > 0;
}

static bool token_match(const token_list *t, const char *value)
{
    size_t i;

    if (!t->present) {
        return true;
    }
    for (i = 0; value != NULL && i < t->n; i++) {
        if (strcmp(t->values[i], value) == 0) {
            return true;
        }
    }
    return false;
}

/* Read n digits at *p into *out. */
static bool digits(const char **p, int n, int *out)
{
    int v = 0;
    int i;

    for (i = 0; i < n; i++) {
        if (!isdigit((unsigned char)(*p)[i])) {
            return false;
        }
        v = v * 10 + ((*p)[i] - '0');
    }
    *p += n;
    *out = v;
    return true;
}

/* Format a struct tm (normalised by timegm) as yyyyMMddHHmmss. */
static void tm_text(char out[15], struct tm *tm)
{
    time_t t = timegm(tm);
    struct tm n;

    gmtime_r(&t, &n);
    snprintf(out, 15, "%04d%02d%02d%02d%02d%02d", n.tm_year + 1900, n.tm_mon + 1, n.tm_mday,
             n.tm_hour, n.tm_min, n.tm_sec);
}

/*
 * A FHIR date or dateTime as the range [start, end) of 14-digit local
 * timestamps it covers at its precision (the zone, when given, is not
 * applied: creation times are stored as the document states them).
 */
static bool date_range(const char *v, char start[15], char end[15])
{
    struct tm tm;
    int unit = 0; /* 0 year, 1 month, 2 day, 3 minute, 4 second */
    int y;
    int mo = 1;
    int d = 1;
    int h = 0;
    int mi = 0;
    int s = 0;

    memset(&tm, 0, sizeof(tm));
    if (!digits(&v, 4, &y)) {
        return false;
    }
    if (*v == '-' && (v++, digits(&v, 2, &mo))) {
        unit = 1;
        if (*v == '-' && (v++, digits(&v, 2, &d))) {
            unit = 2;
            if (*v == 'T' && (v++, digits(&v, 2, &h)) && *v == ':' && (v++, digits(&v, 2, &mi))) {
                unit = 3;
                if (*v == ':' && (v++, digits(&v, 2, &s))) {
                    unit = 4;
                    v += strspn(v, ".0123456789");
                }
                if (*v == 'Z') {
                    v++;
                } else if (*v == '+' || *v == '-') {
                    v += strspn(v + 1, "0123456789:") + 1;
                }
            }
        }
    }
    if (*v != '\0' || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) {
        return false;
    }
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = s;
    tm_text(start, &tm);
    switch (unit) {
    case 0:
        tm.tm_year++;
        break;
    case 1:
        tm.tm_mon++;
        break;
    case 2:
        tm.tm_mday++;
        break;
    case 3:
        tm.tm_min++;
        break;
    default:
        tm.tm_sec++;
        break;
    }
    tm_text(end, &tm);
    return true;
}

static void raise_lo(char lo[15], const char *v)
{
    if (lo[0] == '\0' || strcmp(v, lo) > 0) {
        memcpy(lo, v, 15);
    }
}

static void lower_hi(char hi[15], const char *v)
{
    if (hi[0] == '\0' || strcmp(v, hi) < 0) {
        memcpy(hi, v, 15);
    }
}

/* date=[prefix]value narrows [lo, hi). */
static bool parse_date(search_params *sp, const char *value)
{
    static const char *const prefixes[] = {"eq", "ge", "gt", "le", "lt"};
    char start[15];
    char end[15];
    size_t which = 0;
    size_t i;

    for (i = 0; i < 5; i++) {
        if (strncmp(value, prefixes[i], 2) == 0) {
            which = i;
            value += 2;
            break;
        }
    }
    if (!date_range(value, start, end)) {
        return false;
    }
    if (which == 0 || which == 1) {
        raise_lo(sp->date_lo, start);
    }
    if (which == 2) {
        raise_lo(sp->date_lo, end);
    }
    if (which == 0 || which == 3) {
        lower_hi(sp->date_hi, end);
    }
    if (which == 4) {
        lower_hi(sp->date_hi, start);
    }
    return true;
}

static bool parse_status(search_params *sp, const char *value)
{
    token_list t;
    size_t i;

    memset(&t, 0, sizeof(t));
    if (!parse_tokens(&t, value, NULL)) {
        return false;
    }
    sp->statuses = 0;
    for (i = 0; i < t.n; i++) {
        if (strcmp(t.values[i], "current") == 0) {
            sp->statuses |= FSE_STORE_STATUS_BIT(FSE_STORE_DOC_APPROVED);
        } else if (strcmp(t.values[i], "superseded") == 0) {
            sp->statuses |= FSE_STORE_STATUS_BIT(FSE_STORE_DOC_DEPRECATED);
        } else if (strcmp(t.values[i], "entered-in-error") != 0) {
            return false;
        }
    }
    /* entered-in-error alone: deleted documents are tombstones, never shown. */
    return true;
}

static bool parse_size(size_t *out, const char *value, size_t max)
{
    char *end = NULL;
    unsigned long long v;

    if (value[0] == '\0' || !isdigit((unsigned char)value[0])) {
        return false;
    }
    v = strtoull(value, &end, 10);
    if (*end != '\0') {
        return false;
    }
    *out = v > max ? max : (size_t)v;
    return true;
}

/* One parameter; false when its value is malformed. *known tells whether
 * the name is one of ours. */
static bool parse_one(search_params *sp, const char *name, const char *value, bool *known)
{
    *known = true;
    if (strcmp(name, "patient.identifier") == 0) {
        sp->patient_identifier = value;
        return true;
    }
    if (strcmp(name, "patient") == 0) {
        sp->patient_ref = value;
        return true;
    }
    if (strcmp(name, "type") == 0) {
        return parse_tokens(&sp->types, value, "http://loinc.org");
    }
    if (strcmp(name, "category") == 0) {
        return parse_tokens(&sp->categories, value, NULL);
    }
    if (strcmp(name, "author.identifier") == 0) {
        return parse_tokens(&sp->authors, value, NULL);
    }
    if (strcmp(name, "facility") == 0) {
        return parse_tokens(&sp->facilities, value, NULL);
    }
    if (strcmp(name, "date") == 0) {
        return parse_date(sp, value);
    }
    if (strcmp(name, "status") == 0) {
        return parse_status(sp, value);
    }
    if (strcmp(name, "_count") == 0) {
        return parse_size(&sp->count, value, CS_MAX_COUNT);
    }
    if (strcmp(name, "_offset") == 0) {
        return parse_size(&sp->offset, value, (size_t)FSE_STORE_MAX_PATIENT_DOCS);
    }
    if (strcmp(name, "_sort") == 0) {
        sp->ascending = strcmp(value, "date") == 0;
        return sp->ascending || strcmp(value, "-date") == 0;
    }
    if (strcmp(name, "_total") == 0) {
        sp->total_none = strcmp(value, "none") == 0;
        return sp->total_none || strcmp(value, "accurate") == 0 || strcmp(value, "estimate") == 0;
    }
    if (strcmp(name, "_format") == 0) {
        return strstr(value, "json") != NULL;
    }
    *known = false;
    return true;
}

/* Parse the query; answers 400 itself. */
static bool parse_params(cs_ctx *ctx, search_params *sp)
{
    char detail[200];
    const char *name;
    const char *value;
    size_t i;

    memset(sp, 0, sizeof(*sp));
    sp->statuses = FSE_STORE_STATUS_BIT(FSE_STORE_DOC_APPROVED);
    sp->count = CS_DEFAULT_COUNT;
    for (i = 0; fse_http_req_query_at(ctx->req, i, &name, &value); i++) {
        bool known = true;

        if (!parse_one(sp, name, value, &known)) {
            snprintf(detail, sizeof(detail), "Valore non valido per il parametro %.64s", name);
            (void)fse_consult__fail(ctx, 400, detail);
            return false;
        }
        if (!known && !fse_consult__lenient(ctx)) {
            snprintf(detail, sizeof(detail), "Parametro di ricerca non supportato: %.64s", name);
            (void)fse_consult__fail(ctx, 400, detail);
            return false;
        }
    }
    if (sp->patient_identifier == NULL && sp->patient_ref == NULL) {
        (void)fse_consult__fail(ctx, 400, "Parametro obbligatorio mancante: patient.identifier");
        return false;
    }
    return true;
}

/* ---- Filter, policy, page ----------------------------------------------- */

static bool author_match(const token_list *t, const fse_store_doc_meta *m)
{
    char cf[CS_MAX_PERSON + 1];
    const char *inst = m->author_institution;
    const char *last = inst != NULL ? strrchr(inst, '^') : NULL;

    if (!t->present) {
        return true;
    }
    if (fse_consult__person(cf, m->author_person) && token_match(t, cf)) {
        return true;
    }
    return token_match(t, inst) || (last != NULL && token_match(t, last + 1));
}

static bool filter_match(const search_params *sp, const fse_store_doc_meta *m)
{
    const char *when = m->creation_time != NULL ? m->creation_time : "";

    if (sp->date_lo[0] != '\0' && strncmp(when, sp->date_lo, 14) < 0) {
        return false;
    }
    if (sp->date_hi[0] != '\0' && strncmp(when, sp->date_hi, 14) >= 0) {
        return false;
    }
    return token_match(&sp->types, m->type_code) && token_match(&sp->categories, m->class_code) &&
           token_match(&sp->facilities, m->facility_type_code) && author_match(&sp->authors, m);
}

typedef struct hit {
    const fse_store_doc_meta *m;
    bool shown_obscured;
} hit;

/* ---- Links --------------------------------------------------------------- */

/* The request's URL with _offset (and _count) set for a page. */
static void page_url(fse_buf *b, const cs_ctx *ctx, size_t offset, size_t count)
{
    static const char *const paging[] = {"_offset", "_count", NULL};
    size_t n = fse_consult__query_url(b, ctx, "/fhir/DocumentReference", paging);

    (void)fse_buf_printf(b, "%s_count=%zu&_offset=%zu", n == 0 ? "?" : "&", count, offset);
}

static void link_json(fse_json *w, const cs_ctx *ctx, const char *relation, size_t offset,
                      size_t count)
{
    fse_buf url;

    fse_buf_init(&url, 16384);
    page_url(&url, ctx, offset, count);
    fse_json_object_begin(w);
    fse_json_kv_string(w, "relation", relation);
    fse_json_key(w, "url");
    fse_json_string_len(w, url.data != NULL ? url.data : "", url.len);
    fse_json_object_end(w);
    fse_buf_free(&url);
}

static void links_json(fse_json *w, const cs_ctx *ctx, const search_params *sp, size_t total)
{
    fse_json_key(w, "link");
    fse_json_array_begin(w);
    link_json(w, ctx, "self", sp->offset, sp->count);
    if (sp->count > 0 && sp->offset + sp->count < total) {
        link_json(w, ctx, "next", sp->offset + sp->count, sp->count);
    }
    if (sp->count > 0 && sp->offset > 0) {
        link_json(w, ctx, "previous", sp->offset > sp->count ? sp->offset - sp->count : 0,
                  sp->count);
    }
    fse_json_array_end(w);
}

/* An entry with search.mode "outcome": why the result is limited. */
static void outcome_entry(fse_json *w, const char *text)
{
    fse_json_object_begin(w);
    fse_json_key(w, "resource");
    fse_json_object_begin(w);
    fse_json_kv_string(w, "resourceType", "OperationOutcome");
    fse_json_key(w, "issue");
    fse_json_array_begin(w);
    fse_json_object_begin(w);
    fse_json_kv_string(w, "severity", "information");
    fse_json_kv_string(w, "code", "suppressed");
    fse_json_kv_string(w, "diagnostics", text);
    fse_json_object_end(w);
    fse_json_array_end(w);
    fse_json_object_end(w);
    fse_json_key(w, "search");
    fse_json_object_begin(w);
    fse_json_kv_string(w, "mode", "outcome");
    fse_json_object_end(w);
    fse_json_object_end(w);
}

static void entries_json(fse_json *w, const cs_ctx *ctx, const search_params *sp, const hit *hits,
                         size_t n_hits, const char *limited)
{
    char base[512];
    char url[640];
    size_t i;

    fse_consult__base_url(ctx, base, sizeof(base));
    fse_json_key(w, "entry");
    fse_json_array_begin(w);
    for (i = sp->offset; i < n_hits && i < sp->offset + sp->count; i++) {
        const hit *h = sp->ascending ? &hits[n_hits - 1 - i] : &hits[i];

        snprintf(url, sizeof(url), "%s/fhir/DocumentReference/%s", base, h->m->doc_id);
        fse_json_object_begin(w);
        fse_json_kv_string(w, "fullUrl", url);
        fse_json_key(w, "resource");
        fse_consult__docref_json(w, ctx, h->m, h->shown_obscured);
        fse_json_key(w, "search");
        fse_json_object_begin(w);
        fse_json_kv_string(w, "mode", "match");
        fse_json_object_end(w);
        fse_json_object_end(w);
    }
    if (limited != NULL) {
        outcome_entry(w, limited);
    }
    fse_json_array_end(w);
}

static fse_err bundle(cs_ctx *ctx, const search_params *sp, const hit *hits, size_t n_hits,
                      const char *limited)
{
    fse_buf out;
    fse_json w;
    fse_err rc;

    fse_consult__json_begin(&out, &w);
    fse_consult__bundle_begin(&w, ctx, "searchset");
    if (!sp->total_none) {
        fse_json_kv_int(&w, "total", (long long)n_hits);
    }
    links_json(&w, ctx, sp, n_hits);
    entries_json(&w, ctx, sp, hits, n_hits, limited);
    fse_json_object_end(&w);
    rc = fse_consult__send(ctx, &w, &out, 200);
    return rc;
}

/* ---- The endpoint -------------------------------------------------------- */

fse_err fse_consult__search(cs_ctx *ctx)
{
    search_params sp;
    fse_store_doc_list *list = NULL;
    fse_policy_decision scope_d;
    hit *hits = NULL;
    size_t n_hits = 0;
    size_t i;
    char reason[96];
    fse_err rc;

    if (!parse_params(ctx, &sp) || !fse_consult__facts(ctx) ||
        !fse_consult__named_patient(ctx, sp.patient_identifier, sp.patient_ref)) {
        return FSE_OK;
    }
    if (fse_consult__scope(ctx, &scope_d) == FSE_POLICY_SCOPE_NONE) {
        return FSE_OK;
    }
    if (!fse_consult__load_docs(ctx, sp.statuses, &list)) {
        return FSE_OK;
    }
    hits = fse_calloc(list->n_docs + 1, sizeof(*hits));
    if (hits == NULL) {
        fse_store_doc_list_free(list);
        return fse_error_set(FSE_E_NOMEM, FSE_CONSULT_MODULE, "search hits");
    }
    for (i = 0; i < list->n_docs; i++) {
        fse_policy_decision d;

        if (!filter_match(&sp, list->docs[i])) {
            continue;
        }
        fse_consult__decide(ctx, list->docs[i], &d);
        if (d.allow) {
            hits[n_hits].m = list->docs[i];
            hits[n_hits].shown_obscured = d.shown_obscured;
            n_hits++;
        }
    }
    snprintf(reason, sizeof(reason), "%s total=%zu", fse_policy_reason_name(scope_d.reason),
             n_hits);
    fse_consult__notify_access(ctx);
    if (!fse_consult__audit(ctx, NULL, FSE_AUDIT_SUCCESS, reason)) {
        rc = fse_consult__internal(ctx, "audit");
    } else {
        rc = bundle(ctx, &sp, hits, n_hits,
                    scope_d.allow ? NULL : fse_policy_reason_text(scope_d.reason));
    }
    fse_free(hits);
    fse_store_doc_list_free(list);
    return rc;
}
