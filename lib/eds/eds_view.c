/*
 * lib/eds/eds_view.c - the views derived from the clinical store: the
 * patient summary (Profilo Sanitario Sintetico sections) and the search of
 * one resource type, both over the documents the caller allows.
 *
 * Owns the section table (title, LOINC section code, resource types), the
 * rules of what goes into a section (the newest PSS first, older PSS left
 * out, entered-in-error left out, active problems only, the Medication
 * resources the therapies reference, recent results newest first and
 * bounded), the code match of the search, the summary Composition and the
 * entries, each resource tagged with its source document (meta.source).
 * Does not own the choice of documents (the caller's policy: lib/consult)
 * nor the rows (fse/store_eds.h); reading a resource's fields uses
 * jansson, writing it again eds_json.c (decimal text kept).
 */
#include "eds_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

/* The LOINC of the Profilo Sanitario Sintetico. */
#define LOINC_PSS "60591-5"
#define SYS_LOINC "http://loinc.org"
/* Default bounds of a summary. */
#define DEFAULT_MAX_RESULTS 50u
#define DEFAULT_MAX_PER_SECTION 200u

typedef enum section {
    SEC_ALLERGIES = 0,
    SEC_PROBLEMS,
    SEC_THERAPIES,
    SEC_VACCINATIONS,
    SEC_RESULTS,
    SEC_COUNT,
    SEC_NONE = -1
} section;

/* The summary's sections, in the order of the PSS (Allegato al DPCM 178/2015). */
static const struct {
    const char *title;
    const char *code;
    const char *display;
} sections[SEC_COUNT] = {
    {"Allergie e intolleranze", "48765-2", "Allergies and adverse reactions Document"},
    {"Lista dei problemi", "11450-4", "Problem list - Reported"},
    {"Terapie farmacologiche", "10160-0", "History of Medication use Narrative"},
    {"Vaccinazioni", "11369-6", "History of Immunization Narrative"},
    {"Risultati recenti", "30954-2", "Relevant diagnostic tests/laboratory data Narrative"},
};

/* Resource types a summary reads. */
static const char *const summary_types[] = {
    "AllergyIntolerance", "Condition",    "MedicationStatement", "MedicationRequest",
    "Medication",         "Immunization", "Observation",
};
#define N_SUMMARY_TYPES (sizeof(summary_types) / sizeof(summary_types[0]))

/* Resource types the search serves, and the element holding their code. */
static const struct {
    const char *type;
    const char *code_element;
} search_types[] = {
    {"AllergyIntolerance", "code"},
    {"Condition", "code"},
    {"Immunization", "vaccineCode"},
    {"Observation", "code"},
    {"MedicationStatement", "medicationCodeableConcept"},
    {"MedicationRequest", "medicationCodeableConcept"},
    {"Procedure", "code"},
    {"DiagnosticReport", "code"},
};
#define N_SEARCH_TYPES (sizeof(search_types) / sizeof(search_types[0]))

typedef struct view_item {
    const fse_store_eds_resource *res; /* borrowed from a list of the result */
    size_t src;                        /* index in docs */
    int section;                       /* SEC_*; SEC_NONE in a search */
    bool in_section;                   /* listed in the Composition section */
    size_t order;                      /* insertion order: ties keep it */
    char date[40];                     /* Observation sort key, "" unknown */
    char id[72];
    char type[EDS_MAX_NAME];
} view_item;

struct fse_eds_result {
    bool summary;
    fse_eds_view v;
    const fse_eds_source *docs;
    size_t n_docs;
    fse_store_eds_resource_list **lists;
    size_t n_lists;
    view_item *items;
    size_t n_items, cap_items;
    size_t total;
    size_t count; /* search: entries written */
    size_t n_contributing;
    bool truncated;
    char comp_id[40];
};

/* ---- Small helpers ------------------------------------------------------ */

static const char *jstr(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* The first coding code of a CodeableConcept member. */
static const char *concept_code(json_t *res, const char *key)
{
    json_t *coding = json_object_get(json_object_get(res, key), "coding");

    return jstr(json_array_get(coding, 0), "code");
}

static bool one_of(const char *v, const char *const *set, size_t n)
{
    size_t i;

    for (i = 0; v != NULL && i < n; i++) {
        if (strcmp(v, set[i]) == 0) {
            return true;
        }
    }
    return false;
}

static fse_err push_item(fse_eds_result *r, view_item **out)
{
    if (r->n_items == r->cap_items) {
        size_t cap = r->cap_items == 0 ? 64 : r->cap_items * 2;
        view_item *items = fse_realloc(r->items, cap * sizeof(*items));

        if (items == NULL) {
            return fse_error_set(FSE_E_NOMEM, FSE_EDS_MODULE, "view items");
        }
        r->items = items;
        r->cap_items = cap;
    }
    *out = &r->items[r->n_items];
    memset(*out, 0, sizeof(**out));
    (*out)->order = r->n_items;
    r->n_items++;
    return FSE_OK;
}

static void set_text(char *out, size_t cap, const char *v)
{
    snprintf(out, cap, "%s", v != NULL ? v : "");
}

static fse_err result_new(fse_eds_result **out, bool summary, const fse_eds_view *v,
                          const fse_eds_source *docs, size_t n_docs)
{
    fse_eds_result *r = fse_calloc(1, sizeof(*r));

    if (r == NULL) {
        return fse_error_set(FSE_E_NOMEM, FSE_EDS_MODULE, "view");
    }
    r->summary = summary;
    r->v = *v;
    r->docs = docs;
    r->n_docs = n_docs;
    r->lists = fse_calloc(n_docs + 1, sizeof(*r->lists));
    if (r->lists == NULL) {
        fse_free(r);
        return fse_error_set(FSE_E_NOMEM, FSE_EDS_MODULE, "view");
    }
    *out = r;
    return FSE_OK;
}

/* The resources of one source document of the given types: NULL (and
 * FSE_OK) when the document went away meanwhile. The list is the result's. */
static fse_err read_doc(fse_eds_result *r, fse_store *s, size_t src, const char *const *types,
                        size_t n_types, fse_store_eds_resource_list **out)
{
    fse_err rc = fse_store_eds_resources(out, s, r->docs[src].unique_id, types, n_types, 0);

    if (rc == FSE_E_NOT_FOUND) {
        *out = NULL;
        return FSE_OK;
    }
    if (rc == FSE_OK) {
        r->lists[r->n_lists++] = *out;
        if ((*out)->truncated) {
            r->truncated = true;
        }
    }
    return rc;
}

/* ---- Summary ------------------------------------------------------------- */

/* Where a resource goes in the summary (SEC_NONE: left out). */
static int summary_section(const char *type, json_t *res)
{
    static const char *const erroneous[] = {"entered-in-error", "refuted"};
    static const char *const not_active[] = {"inactive", "resolved", "remission"};
    static const char *const not_taken[] = {"entered-in-error", "not-taken", "cancelled",
                                            "not-done"};

    if (strcmp(type, "AllergyIntolerance") == 0) {
        return one_of(concept_code(res, "verificationStatus"), erroneous, 2) ? SEC_NONE
                                                                             : SEC_ALLERGIES;
    }
    if (strcmp(type, "Condition") == 0) {
        if (one_of(concept_code(res, "verificationStatus"), erroneous, 2) ||
            one_of(concept_code(res, "clinicalStatus"), not_active, 3)) {
            return SEC_NONE;
        }
        return SEC_PROBLEMS;
    }
    if (strcmp(type, "MedicationStatement") == 0 || strcmp(type, "MedicationRequest") == 0) {
        return one_of(jstr(res, "status"), not_taken, 4) ? SEC_NONE : SEC_THERAPIES;
    }
    if (strcmp(type, "Immunization") == 0) {
        return one_of(jstr(res, "status"), not_taken, 4) ? SEC_NONE : SEC_VACCINATIONS;
    }
    if (strcmp(type, "Observation") == 0) {
        return one_of(jstr(res, "status"), not_taken, 4) ? SEC_NONE : SEC_RESULTS;
    }
    return SEC_NONE;
}

/* When an Observation was made: the sort key of the recent results. */
static const char *observation_date(json_t *res)
{
    const char *v = jstr(res, "effectiveDateTime");

    if (v == NULL) {
        v = jstr(res, "effectiveInstant");
    }
    if (v == NULL) {
        v = jstr(json_object_get(res, "effectivePeriod"), "start");
    }
    if (v == NULL) {
        v = jstr(res, "issued");
    }
    return v;
}

/* The id a reference names ("https://example/Medication/<id>" -> "<id>"). */
static const char *ref_id(const char *ref)
{
    const char *slash = ref != NULL ? strrchr(ref, '/') : NULL;

    return slash != NULL ? slash + 1 : ref;
}

/* Whether a therapy item of document src references Medication id. */
static bool medication_used(const fse_eds_result *r, size_t src, const char *id)
{
    size_t i;

    for (i = 0; i < r->n_items; i++) {
        const view_item *it = &r->items[i];

        if (it->src == src && it->section == SEC_THERAPIES && it->in_section && it->res != NULL) {
            json_t *res = json_loadb(it->res->json, it->res->json_len, 0, NULL);
            const char *ref = jstr(json_object_get(res, "medicationReference"), "reference");
            bool used = ref != NULL && strcmp(ref_id(ref), id) == 0;

            json_decref(res);
            if (used) {
                return true;
            }
        }
    }
    return false;
}

/* Add the summary items of one document's resources. */
static fse_err summary_doc(fse_eds_result *r, size_t src, const fse_store_eds_resource_list *l,
                           size_t counts[SEC_COUNT], size_t max_per_section)
{
    size_t i;
    fse_err rc = FSE_OK;

    for (i = 0; i < l->n && rc == FSE_OK; i++) {
        const fse_store_eds_resource *res = &l->items[i];
        json_t *o;
        int sec;
        view_item *it;

        if (strcmp(res->type, "Medication") == 0) {
            continue; /* second pass */
        }
        o = json_loadb(res->json, res->json_len, 0, NULL);
        sec = o != NULL ? summary_section(res->type, o) : SEC_NONE;
        if (sec != SEC_NONE && sec != SEC_RESULTS && counts[sec] >= max_per_section) {
            r->truncated = true;
            sec = SEC_NONE;
        }
        if (sec != SEC_NONE) {
            rc = push_item(r, &it);
            if (rc == FSE_OK) {
                it->res = res;
                it->src = src;
                it->section = sec;
                it->in_section = true;
                set_text(it->id, sizeof(it->id), jstr(o, "id"));
                set_text(it->type, sizeof(it->type), res->type);
                set_text(it->date, sizeof(it->date), sec == SEC_RESULTS ? observation_date(o) : "");
                counts[sec]++;
            }
        }
        json_decref(o);
    }
    /* The Medication resources the therapies of this document name. */
    for (i = 0; i < l->n && rc == FSE_OK; i++) {
        const fse_store_eds_resource *res = &l->items[i];
        json_t *o;
        view_item *it;

        if (strcmp(res->type, "Medication") != 0) {
            continue;
        }
        o = json_loadb(res->json, res->json_len, 0, NULL);
        if (jstr(o, "id") != NULL && medication_used(r, src, jstr(o, "id"))) {
            rc = push_item(r, &it);
            if (rc == FSE_OK) {
                it->res = res;
                it->src = src;
                it->section = SEC_THERAPIES;
                set_text(it->id, sizeof(it->id), jstr(o, "id"));
                set_text(it->type, sizeof(it->type), res->type);
            }
        }
        json_decref(o);
    }
    return rc;
}

static int cmp_results(const void *a, const void *b)
{
    const view_item *x = a;
    const view_item *y = b;

    if (x->section != y->section) {
        return x->section < y->section ? -1 : 1;
    }
    if (x->section == SEC_RESULTS) {
        /* Newest first; undated last. */
        int c = strcmp(y->date, x->date);

        if (c != 0) {
            return c;
        }
    }
    return x->order < y->order ? -1 : x->order > y->order ? 1 : 0;
}

/* Sections in order, results sorted and cut at max_results. */
static void summary_finish(fse_eds_result *r, size_t max_results)
{
    size_t kept = 0;
    size_t n_results = 0;
    size_t i;

    qsort(r->items, r->n_items, sizeof(*r->items), cmp_results);
    for (i = 0; i < r->n_items; i++) {
        if (r->items[i].section == SEC_RESULTS && n_results++ >= max_results) {
            r->truncated = true;
            continue;
        }
        r->items[kept++] = r->items[i];
    }
    r->n_items = kept;
}

/* The newest PSS first, the other PSS left out, the rest in the caller's order. */
static void summary_order(const fse_eds_source *docs, size_t n, size_t *order, size_t *n_out)
{
    size_t pss = n;
    size_t k = 0;
    size_t i;

    for (i = 0; i < n && pss == n; i++) {
        if (docs[i].type_code != NULL && strcmp(docs[i].type_code, LOINC_PSS) == 0) {
            pss = i;
        }
    }
    if (pss < n) {
        order[k++] = pss;
    }
    for (i = 0; i < n; i++) {
        if (docs[i].type_code == NULL || strcmp(docs[i].type_code, LOINC_PSS) != 0) {
            order[k++] = i;
        }
    }
    *n_out = k;
}

static void count_sources(fse_eds_result *r)
{
    size_t i;
    size_t j;

    r->n_contributing = 0;
    for (i = 0; i < r->n_docs; i++) {
        for (j = 0; j < r->n_items; j++) {
            if (r->items[j].src == i) {
                r->n_contributing++;
                break;
            }
        }
    }
}

/* A version-4-shaped UUID from two hashes of the view (no randomness). */
static void view_uuid(char out[40], const fse_eds_view *v)
{
    uint64_t a = fse_eds__fnv(v->patient_url, 0);
    uint64_t b = fse_eds__fnv(v->date, a);

    a = (a & 0xffffffffffff0fffULL) | 0x4000ULL;
    b = (b & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;
    snprintf(out, 40, "%08llx-%04llx-%04llx-%04llx-%012llx", (unsigned long long)(a >> 32),
             (unsigned long long)((a >> 16) & 0xffff), (unsigned long long)(a & 0xffff),
             (unsigned long long)(b >> 48), (unsigned long long)(b & 0xffffffffffffULL));
}

fse_err fse_eds_summary(fse_eds_result **out, fse_store *s, const fse_eds_view *v,
                        const fse_eds_source *docs, size_t n_docs)
{
    size_t counts[SEC_COUNT] = {0};
    size_t *order = NULL;
    size_t n_order = 0;
    fse_eds_result *r = NULL;
    size_t i;
    fse_err rc;

    if (out == NULL || s == NULL || v == NULL || (n_docs > 0 && docs == NULL)) {
        return fse_error_set(FSE_E_ARG, FSE_EDS_MODULE, "summary: missing argument");
    }
    *out = NULL;
    rc = result_new(&r, true, v, docs, n_docs);
    if (rc != FSE_OK) {
        return rc;
    }
    order = fse_calloc(n_docs + 1, sizeof(*order));
    if (order == NULL) {
        fse_eds_result_free(r);
        return fse_error_set(FSE_E_NOMEM, FSE_EDS_MODULE, "summary");
    }
    summary_order(docs, n_docs, order, &n_order);
    for (i = 0; i < n_order && rc == FSE_OK; i++) {
        fse_store_eds_resource_list *l = NULL;

        rc = read_doc(r, s, order[i], summary_types, N_SUMMARY_TYPES, &l);
        if (rc == FSE_OK && l != NULL) {
            rc =
                summary_doc(r, order[i], l, counts,
                            v->max_per_section != 0 ? v->max_per_section : DEFAULT_MAX_PER_SECTION);
        }
    }
    fse_free(order);
    if (rc != FSE_OK) {
        fse_eds_result_free(r);
        return rc;
    }
    summary_finish(r, v->max_results != 0 ? v->max_results : DEFAULT_MAX_RESULTS);
    count_sources(r);
    r->total = r->n_items;
    view_uuid(r->comp_id, v);
    *out = r;
    return FSE_OK;
}

/* ---- Search -------------------------------------------------------------- */

bool fse_eds_search_type(const char *type)
{
    size_t i;

    for (i = 0; type != NULL && i < N_SEARCH_TYPES; i++) {
        if (strcmp(type, search_types[i].type) == 0) {
            return true;
        }
    }
    return false;
}

static const char *code_element(const char *type)
{
    size_t i;

    for (i = 0; i < N_SEARCH_TYPES; i++) {
        if (strcmp(type, search_types[i].type) == 0) {
            return search_types[i].code_element;
        }
    }
    return "code";
}

/* The elements holding a resource's clinical date, first present wins. */
static const char *const date_elements[] = {
    "effectiveDateTime", "effectiveInstant",   "effectivePeriod", "onsetDateTime",
    "onsetPeriod",       "occurrenceDateTime", "performedDateTime", "performedPeriod",
    "authoredOn",        "recordedDate",
};

/* The resource's clinical date (a period: its start); NULL: none. */
static const char *clinical_date(json_t *res)
{
    size_t i;

    for (i = 0; i < sizeof(date_elements) / sizeof(date_elements[0]); i++) {
        json_t *v = json_object_get(res, date_elements[i]);

        if (json_is_object(v)) {
            v = json_object_get(v, "start");
        }
        if (json_is_string(v)) {
            return json_string_value(v);
        }
    }
    return NULL;
}

fse_err fse_eds_date_parse(fse_eds_date *out, const char *param)
{
    static const char *const prefixes[] = {"eq", "lt", "le", "gt", "ge"};
    const char *v = param;
    size_t i, n;

    if (out == NULL || param == NULL) {
        return fse_error_set(FSE_E_ARG, FSE_EDS_MODULE, "date: missing argument");
    }
    out->op = FSE_EDS_DATE_EQ;
    for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
        if (strncmp(param, prefixes[i], 2) == 0) {
            out->op = (fse_eds_date_op)i;
            v = param + 2;
        }
    }
    n = strlen(v);
    if (n < 4 || n > 35 || strspn(v, "0123456789") < 4 ||
        strspn(v, "0123456789-T:.+Z") != n || (n > 4 && v[4] != '-') ||
        (n > 7 && (n < 10 || v[7] != '-')) || (n > 10 && v[10] != 'T')) {
        return fse_error_set(FSE_E_ARG, FSE_EDS_MODULE, "date: not a FHIR date: %.40s", param);
    }
    out->value = v;
    return FSE_OK;
}

/* Whether the resource's date d meets c, compared at c's precision (text
 * of the same shape: offsets are not normalised). */
static bool date_meets(const char *d, const fse_eds_date *c)
{
    size_t n = strlen(c->value);
    size_t m = strlen(d) < n ? strlen(d) : n;
    int cmp = strncmp(d, c->value, m);

    switch (c->op) {
    case FSE_EDS_DATE_EQ:
        return cmp == 0;
    case FSE_EDS_DATE_LT:
        return cmp < 0;
    case FSE_EDS_DATE_LE:
        return cmp <= 0;
    case FSE_EDS_DATE_GT:
        return cmp > 0;
    case FSE_EDS_DATE_GE:
        return cmp >= 0;
    }
    return false;
}

static bool dates_match(const fse_eds_query *q, json_t *res)
{
    const char *d = q->n_dates > 0 ? clinical_date(res) : NULL;
    size_t i;

    for (i = 0; i < q->n_dates && i < FSE_EDS_MAX_DATES; i++) {
        if (d == NULL || !date_meets(d, &q->dates[i])) {
            return false;
        }
    }
    return true;
}

/* Whether a coding of the resource's code element matches q. */
static bool code_match(const fse_eds_query *q, json_t *res)
{
    json_t *coding = json_object_get(json_object_get(res, code_element(q->type)), "coding");
    size_t i;

    for (i = 0; i < json_array_size(coding); i++) {
        json_t *c = json_array_get(coding, i);
        const char *code = jstr(c, "code");
        const char *system = jstr(c, "system");

        if (code != NULL && strcmp(code, q->code) == 0 &&
            (q->code_system == NULL || (system != NULL && strcmp(system, q->code_system) == 0))) {
            return true;
        }
    }
    return false;
}

static fse_err search_doc(fse_eds_result *r, const fse_eds_query *q, size_t src,
                          const fse_store_eds_resource_list *l)
{
    size_t i;
    fse_err rc = FSE_OK;

    for (i = 0; i < l->n && rc == FSE_OK; i++) {
        const fse_store_eds_resource *res = &l->items[i];
        json_t *o = json_loadb(res->json, res->json_len, 0, NULL);
        view_item *it;

        if (o != NULL && (q->code == NULL || code_match(q, o)) && dates_match(q, o)) {
            r->total++;
            if (r->n_items < q->count) {
                rc = push_item(r, &it);
                if (rc == FSE_OK) {
                    it->res = res;
                    it->src = src;
                    it->section = SEC_NONE;
                    set_text(it->id, sizeof(it->id), jstr(o, "id"));
                    set_text(it->type, sizeof(it->type), res->type);
                }
            }
        }
        json_decref(o);
    }
    return rc;
}

fse_err fse_eds_search(fse_eds_result **out, fse_store *s, const fse_eds_view *v,
                       const fse_eds_query *q, const fse_eds_source *docs, size_t n_docs)
{
    fse_eds_result *r = NULL;
    const char *types[1];
    size_t i;
    fse_err rc;

    if (out == NULL || s == NULL || v == NULL || q == NULL || (n_docs > 0 && docs == NULL)) {
        return fse_error_set(FSE_E_ARG, FSE_EDS_MODULE, "search: missing argument");
    }
    *out = NULL;
    if (!fse_eds_search_type(q->type)) {
        return fse_error_set(FSE_E_ARG, FSE_EDS_MODULE, "search: unsupported resource type");
    }
    rc = result_new(&r, false, v, docs, n_docs);
    if (rc != FSE_OK) {
        return rc;
    }
    r->count = q->count;
    types[0] = q->type;
    for (i = 0; i < n_docs && rc == FSE_OK; i++) {
        fse_store_eds_resource_list *l = NULL;

        rc = read_doc(r, s, i, types, 1, &l);
        if (rc == FSE_OK && l != NULL) {
            rc = search_doc(r, q, i, l);
        }
    }
    if (rc != FSE_OK) {
        fse_eds_result_free(r);
        return rc;
    }
    count_sources(r);
    *out = r;
    return FSE_OK;
}

/* ---- Writing ------------------------------------------------------------- */

static bool is_uuid(const char *id)
{
    size_t i;

    if (strlen(id) != 36) {
        return false;
    }
    for (i = 0; i < 36; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;

        if (dash ? id[i] != '-' : strchr("0123456789abcdefABCDEF", id[i]) == NULL) {
            return false;
        }
    }
    return true;
}

static void full_url(char *out, size_t cap, const fse_eds_result *r, const view_item *it)
{
    if (is_uuid(it->id)) {
        snprintf(out, cap, "urn:uuid:%s", it->id);
    } else {
        snprintf(out, cap, "%s/fhir/%s/%s", r->v.base_url != NULL ? r->v.base_url : "", it->type,
                 it->id);
    }
}

static void empty_section_text(fse_json *w)
{
    fse_json_key(w, "text");
    fse_json_object_begin(w);
    fse_json_kv_string(w, "status", "generated");
    fse_json_kv_string(w, "div",
                       "<div xmlns=\"http://www.w3.org/1999/xhtml\">"
                       "Nessuna informazione disponibile</div>");
    fse_json_object_end(w);
    fse_json_key(w, "emptyReason");
    fse_json_object_begin(w);
    fse_json_key(w, "coding");
    fse_json_array_begin(w);
    fse_json_object_begin(w);
    fse_json_kv_string(w, "system", "http://terminology.hl7.org/CodeSystem/list-empty-reason");
    fse_json_kv_string(w, "code", "unavailable");
    fse_json_object_end(w);
    fse_json_array_end(w);
    fse_json_object_end(w);
}

static void coded(fse_json *w, const char *key, const char *system, const char *code,
                  const char *display)
{
    fse_json_key(w, key);
    fse_json_object_begin(w);
    fse_json_key(w, "coding");
    fse_json_array_begin(w);
    fse_json_object_begin(w);
    fse_json_kv_string(w, "system", system);
    fse_json_kv_string(w, "code", code);
    fse_json_kv_string(w, "display", display);
    fse_json_object_end(w);
    fse_json_array_end(w);
    fse_json_object_end(w);
}

static void section_json(fse_json *w, const fse_eds_result *r, int sec)
{
    char url[256];
    size_t n = 0;
    size_t i;

    fse_json_object_begin(w);
    fse_json_kv_string(w, "title", sections[sec].title);
    coded(w, "code", SYS_LOINC, sections[sec].code, sections[sec].display);
    for (i = 0; i < r->n_items; i++) {
        const view_item *it = &r->items[i];

        if (it->section != sec || !it->in_section) {
            continue;
        }
        if (n++ == 0) {
            fse_json_key(w, "entry");
            fse_json_array_begin(w);
        }
        full_url(url, sizeof(url), r, it);
        fse_json_object_begin(w);
        fse_json_kv_string(w, "reference", url);
        fse_json_object_end(w);
    }
    if (n > 0) {
        fse_json_array_end(w);
    } else {
        empty_section_text(w);
    }
    fse_json_object_end(w);
}

static void composition_entry(fse_json *w, const fse_eds_result *r)
{
    char url[64];
    int sec;

    snprintf(url, sizeof(url), "urn:uuid:%s", r->comp_id);
    fse_json_object_begin(w);
    fse_json_kv_string(w, "fullUrl", url);
    fse_json_key(w, "resource");
    fse_json_object_begin(w);
    fse_json_kv_string(w, "resourceType", "Composition");
    fse_json_kv_string(w, "id", r->comp_id);
    fse_json_kv_string(w, "status", "final");
    coded(w, "type", SYS_LOINC, LOINC_PSS, "Patient summary Document");
    fse_json_key(w, "subject");
    fse_json_object_begin(w);
    fse_json_kv_string(w, "reference", r->v.patient_url != NULL ? r->v.patient_url : "");
    fse_json_object_end(w);
    if (r->v.date != NULL) {
        fse_json_kv_string(w, "date", r->v.date);
    }
    fse_json_key(w, "author");
    fse_json_array_begin(w);
    fse_json_object_begin(w);
    fse_json_kv_string(w, "display", "Nodo FSE regionale (vista derivata dai documenti)");
    fse_json_object_end(w);
    fse_json_array_end(w);
    fse_json_kv_string(w, "title", "Profilo Sanitario Sintetico");
    fse_json_key(w, "section");
    fse_json_array_begin(w);
    for (sec = 0; sec < SEC_COUNT; sec++) {
        section_json(w, r, sec);
    }
    fse_json_array_end(w);
    fse_json_object_end(w);
    fse_json_object_end(w);
}

fse_err fse_eds_result_write(fse_json *w, const fse_eds_result *r)
{
    char url[256];
    char source[512];
    size_t i;
    fse_err rc = FSE_OK;

    if (w == NULL || r == NULL) {
        return fse_error_set(FSE_E_ARG, FSE_EDS_MODULE, "write: missing argument");
    }
    if (r->summary) {
        composition_entry(w, r);
    }
    for (i = 0; i < r->n_items && rc == FSE_OK; i++) {
        const view_item *it = &r->items[i];
        const fse_eds_source *src = &r->docs[it->src];

        full_url(url, sizeof(url), r, it);
        snprintf(source, sizeof(source), "%s/fhir/DocumentReference/%s",
                 r->v.base_url != NULL ? r->v.base_url : "", src->doc_id);
        fse_json_object_begin(w);
        fse_json_kv_string(w, "fullUrl", url);
        fse_json_key(w, "resource");
        rc = fse_eds__write_resource(w, it->res->json, it->res->json_len, source, src->tag);
        if (!r->summary) {
            fse_json_key(w, "search");
            fse_json_object_begin(w);
            fse_json_kv_string(w, "mode", "match");
            fse_json_object_end(w);
        }
        fse_json_object_end(w);
    }
    return rc != FSE_OK ? rc : fse_json_status(w);
}

size_t fse_eds_result_total(const fse_eds_result *r)
{
    return r != NULL ? r->total : 0;
}

size_t fse_eds_result_documents(const fse_eds_result *r)
{
    return r != NULL ? r->n_contributing : 0;
}

bool fse_eds_result_truncated(const fse_eds_result *r)
{
    return r != NULL && r->truncated;
}

void fse_eds_result_free(fse_eds_result *r)
{
    size_t i;

    if (r == NULL) {
        return;
    }
    for (i = 0; i < r->n_lists; i++) {
        fse_store_eds_resource_list_free(r->lists[i]);
    }
    fse_free(r->lists);
    fse_free(r->items);
    fse_free(r);
}
