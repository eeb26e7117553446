/*
 * lib/fhir/fhir_check.c - the structural R4 check of a transaction Bundle
 * (fse_fhir_check_structure) and the issue list shared with the
 * reachability check (fhir_reach.c).
 *
 * Owns: the required elements of the resource types the maps create
 * (min cardinality 1 in R4), primitive formats (id, dateTime, date), the
 * fullUrl/request rules of the Gateway's bundles and reference resolution
 * inside the bundle. Does not own conversion or the data-quality graph.
 */
#include "fhir_check_int.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "fse/util.h"

void fse_fhir_issues_free(fse_fhir_issues *list)
{
    size_t i;

    if (list == NULL) {
        return;
    }
    for (i = 0; i < list->n_items; i++) {
        fse_free(list->items[i].where);
        fse_free(list->items[i].message);
    }
    fse_free(list->items);
    list->items = NULL;
    list->n_items = 0;
    list->cap = 0;
}

fse_err fhir_issue_add(fse_fhir_issues *list, fse_fhir_issue_kind kind, const char *where,
                       const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    fse_fhir_issue *it;

    if (list->n_items == list->cap) {
        size_t cap = list->cap == 0 ? 16 : list->cap * 2;
        fse_fhir_issue *items = fse_realloc(list->items, cap * sizeof(*items));
        if (items == NULL) {
            return fse_error_set(FSE_E_NOMEM, "fhir", "out of memory");
        }
        list->items = items;
        list->cap = cap;
    }
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    it = &list->items[list->n_items];
    it->kind = kind;
    it->where = fse_strdup(where);
    it->message = fse_strdup(msg);
    if (it->where == NULL || it->message == NULL) {
        fse_free(it->where);
        fse_free(it->message);
        return fse_error_set(FSE_E_NOMEM, "fhir", "out of memory");
    }
    list->n_items++;
    return FSE_OK;
}

fse_err fhir_check_load(json_t **out, const char *json, size_t len)
{
    json_error_t jerr;
    json_t *b;

    *out = NULL;
    if (json == NULL) {
        return fse_error_set(FSE_E_ARG, "fhir", "NULL bundle");
    }
    b = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
    if (b == NULL) {
        return fse_error_set(FSE_E_PARSE, "fhir", "bundle JSON: %s (line %d)", jerr.text,
                             jerr.line);
    }
    if (!json_is_object(b) || !json_is_string(json_object_get(b, "resourceType")) ||
        strcmp(json_string_value(json_object_get(b, "resourceType")), "Bundle") != 0 ||
        !json_is_array(json_object_get(b, "entry"))) {
        json_decref(b);
        return fse_error_set(FSE_E_PARSE, "fhir", "not a Bundle with entries");
    }
    *out = b;
    return FSE_OK;
}

/*
 * Elements with min cardinality 1 in R4 for the types the maps create
 * ("x[x]": any choice of x). Backbone requirements use a dotted path whose
 * first steps are arrays or objects.
 */
static const struct {
    const char *type;
    const char *required;
} required[] = {
    {"Composition", "status type date author title attester.mode"},
    {"DocumentReference", "status content content.attachment"},
    {"Observation", "status code"},
    {"DiagnosticReport", "status code"},
    {"Encounter", "status class"},
    {"Condition", "subject"},
    {"AllergyIntolerance", "patient"},
    {"MedicationStatement", "status medication[x] subject"},
    {"MedicationRequest", "status intent medication[x] subject"},
    {"MedicationAdministration", "status medication[x] subject effective[x]"},
    {"Procedure", "status subject"},
    {"Immunization", "status vaccineCode patient occurrence[x]"},
    {"ServiceRequest", "status intent subject"},
    {"CarePlan", "status intent subject"},
    {"ImagingStudy", "status subject"},
    {"Media", "status content"},
    {"List", "status mode"},
    {"FamilyMemberHistory", "status patient relationship"},
    {"RelatedPerson", "patient"},
    {"Coverage", "status beneficiary payor"},
    {"BodyStructure", "patient"},
};

/* Whether obj has the element name (or any choice when it ends in [x]). */
static bool has_element(json_t *obj, const char *name, size_t len)
{
    const char *key;
    json_t *v;

    if (len > 3 && memcmp(name + len - 3, "[x]", 3) == 0) {
        json_object_foreach(obj, key, v)
        {
            if (strncmp(key, name, len - 3) == 0 && isupper((unsigned char)key[len - 3])) {
                return true;
            }
        }
        return false;
    }
    json_object_foreach(obj, key, v)
    {
        if (strlen(key) == len && memcmp(key, name, len) == 0 && !json_is_null(v)) {
            return true;
        }
    }
    return false;
}

/* "a.b": every element of a (array or object) must have b. */
static fse_err check_required(fse_fhir_issues *out, const char *where, json_t *res,
                              const char *path, const char *full)
{
    const char *dot = strchr(path, '.');
    json_t *parent;
    size_t i;
    json_t *el;

    if (dot == NULL) {
        if (!has_element(res, path, strlen(path))) {
            return fhir_issue_add(out, FSE_FHIR_ISSUE_STRUCTURE, where,
                                  "required element %s is missing", full);
        }
        return FSE_OK;
    }
    {
        char head[64];
        size_t hl = (size_t)(dot - path);
        if (hl >= sizeof(head)) {
            return FSE_OK;
        }
        memcpy(head, path, hl);
        head[hl] = '\0';
        parent = json_object_get(res, head);
    }
    if (json_is_object(parent)) {
        return check_required(out, where, parent, dot + 1, full);
    }
    json_array_foreach(parent, i, el)
    {
        if (json_is_object(el)) {
            fse_err rc = check_required(out, where, el, dot + 1, full);
            if (rc != FSE_OK) {
                return rc;
            }
        }
    }
    return FSE_OK;
}

static bool valid_id(const char *id)
{
    size_t n = 0;

    for (; id[n] != '\0'; n++) {
        if (!isalnum((unsigned char)id[n]) && id[n] != '-' && id[n] != '.') {
            return false;
        }
    }
    return n >= 1 && n <= 64;
}

/* R4 dateTime/date: YYYY(-MM(-DD(Thh:mm:ss(.f+)?(Z|(+|-)hh:mm))?)?)? */
static bool valid_datetime(const char *s, bool date_only)
{
    size_t n = strlen(s);
    size_t i;
    static const char pat[] = "dddd-dd-ddTdd:dd:dd";

    if (n < 4) {
        return false;
    }
    for (i = 0; i < n && i < sizeof(pat) - 1; i++) {
        if (pat[i] == 'd' ? !isdigit((unsigned char)s[i]) : s[i] != pat[i]) {
            return false;
        }
    }
    if (n == 4 || n == 7 || n == 10) {
        return true;
    }
    if (date_only || n < 19) {
        return false;
    }
    i = 19;
    if (s[i] == '.') {
        i++;
        while (isdigit((unsigned char)s[i])) {
            i++;
        }
    }
    if (strcmp(s + i, "Z") == 0) {
        return true;
    }
    return strlen(s + i) == 6 && (s[i] == '+' || s[i] == '-') && isdigit((unsigned char)s[i + 1]) &&
           isdigit((unsigned char)s[i + 2]) && s[i + 3] == ':' &&
           isdigit((unsigned char)s[i + 4]) && isdigit((unsigned char)s[i + 5]);
}

static bool is_datetime_key(const char *key, bool *date_only)
{
    size_t n = strlen(key);

    *date_only = strcmp(key, "birthDate") == 0;
    return *date_only || (n > 8 && strcmp(key + n - 8, "DateTime") == 0) ||
           strcmp(key, "date") == 0 || strcmp(key, "start") == 0 || strcmp(key, "end") == 0 ||
           strcmp(key, "authoredOn") == 0 || strcmp(key, "recordedDate") == 0 ||
           strcmp(key, "issued") == 0 || strcmp(key, "time") == 0;
}

/* Walk a resource: formats of dates, and references resolving in the bundle. */
static fse_err walk(fse_fhir_issues *out, json_t *bundle_urls, const char *where, json_t *v)
{
    const char *key;
    json_t *ch;
    size_t i;
    fse_err rc = FSE_OK;
    bool date_only;

    if (json_is_array(v)) {
        json_array_foreach(v, i, ch)
        {
            rc = walk(out, bundle_urls, where, ch);
            if (rc != FSE_OK) {
                return rc;
            }
        }
        return FSE_OK;
    }
    if (!json_is_object(v)) {
        return FSE_OK;
    }
    json_object_foreach(v, key, ch)
    {
        if (json_is_string(ch) && is_datetime_key(key, &date_only) &&
            !valid_datetime(json_string_value(ch), date_only)) {
            rc = fhir_issue_add(out, FSE_FHIR_ISSUE_STRUCTURE, where, "%s: bad %s '%s'", key,
                                date_only ? "date" : "dateTime", json_string_value(ch));
        } else if (strcmp(key, "reference") == 0 && json_is_string(ch) &&
                   json_object_get(bundle_urls, json_string_value(ch)) == NULL) {
            rc =
                fhir_issue_add(out, FSE_FHIR_ISSUE_REFERENCE, where,
                               "reference %s is not an entry of the bundle", json_string_value(ch));
        } else {
            rc = walk(out, bundle_urls, where, ch);
        }
        if (rc != FSE_OK) {
            return rc;
        }
    }
    return FSE_OK;
}

static fse_err check_entry(fse_fhir_issues *out, json_t *urls, json_t *e, size_t index)
{
    json_t *res = json_object_get(e, "resource");
    json_t *req = json_object_get(e, "request");
    const char *type = json_string_value(json_object_get(res, "resourceType"));
    const char *id = json_string_value(json_object_get(res, "id"));
    const char *full = json_string_value(json_object_get(e, "fullUrl"));
    const char *method = json_string_value(json_object_get(req, "method"));
    const char *url = json_string_value(json_object_get(req, "url"));
    char where[256];
    char expect[256];
    size_t i;
    fse_err rc = FSE_OK;

    snprintf(where, sizeof(where), "%s/%s", type != NULL ? type : "entry", id != NULL ? id : "?");
    if (type == NULL || id == NULL) {
        return fhir_issue_add(out, FSE_FHIR_ISSUE_STRUCTURE, where,
                              "entry %zu: resource without resourceType or id", index);
    }
    if (!valid_id(id)) {
        rc = fhir_issue_add(out, FSE_FHIR_ISSUE_STRUCTURE, where, "invalid id '%s'", id);
    }
    snprintf(expect, sizeof(expect), "https://example/%s/%s", type, id);
    if (rc == FSE_OK && (full == NULL || strcmp(full, expect) != 0)) {
        rc = fhir_issue_add(out, FSE_FHIR_ISSUE_STRUCTURE, where, "fullUrl is not %s", expect);
    }
    if (rc == FSE_OK && method != NULL && strcmp(method, "POST") == 0) {
        if (url == NULL || strcmp(url, type) != 0) {
            rc = fhir_issue_add(out, FSE_FHIR_ISSUE_STRUCTURE, where, "POST url is not %s", type);
        }
    } else if (rc == FSE_OK && method != NULL && strcmp(method, "PUT") == 0) {
        snprintf(expect, sizeof(expect), "%s?identifier=", type);
        if (url == NULL || strncmp(url, expect, strlen(expect)) != 0 ||
            url[strlen(expect)] == '\0') {
            rc = fhir_issue_add(out, FSE_FHIR_ISSUE_STRUCTURE, where,
                                "PUT url is not a conditional %s?identifier=<value>", type);
        }
    } else if (rc == FSE_OK) {
        rc = fhir_issue_add(out, FSE_FHIR_ISSUE_STRUCTURE, where,
                            "request.method is neither POST nor PUT");
    }
    for (i = 0; rc == FSE_OK && i < sizeof(required) / sizeof(required[0]); i++) {
        if (strcmp(required[i].type, type) == 0) {
            const char *p = required[i].required;
            while (rc == FSE_OK && *p != '\0') {
                const char *sp = strchr(p, ' ');
                size_t n = sp != NULL ? (size_t)(sp - p) : strlen(p);
                char tok[64];
                if (n < sizeof(tok)) {
                    memcpy(tok, p, n);
                    tok[n] = '\0';
                    rc = check_required(out, where, res, tok, tok);
                }
                p += n;
                while (*p == ' ') {
                    p++;
                }
            }
        }
    }
    return rc != FSE_OK ? rc : walk(out, urls, where, res);
}

fse_err fse_fhir_check_structure(fse_fhir_issues *out, const char *json, size_t len)
{
    json_t *b = NULL;
    json_t *urls = NULL;
    json_t *e;
    size_t i;
    fse_err rc;

    if (out == NULL) {
        return fse_error_set(FSE_E_ARG, "fhir", "NULL issue list");
    }
    rc = fhir_check_load(&b, json, len);
    if (rc != FSE_OK) {
        return rc;
    }
    if (strcmp(json_string_value(json_object_get(b, "type")) != NULL
                   ? json_string_value(json_object_get(b, "type"))
                   : "",
               "transaction") != 0) {
        rc = fhir_issue_add(out, FSE_FHIR_ISSUE_STRUCTURE, "Bundle", "type is not transaction");
    }
    urls = json_object();
    if (urls == NULL) {
        json_decref(b);
        return fse_error_set(FSE_E_NOMEM, "fhir", "out of memory");
    }
    json_array_foreach(json_object_get(b, "entry"), i, e)
    {
        const char *full = json_string_value(json_object_get(e, "fullUrl"));
        if (full != NULL) {
            if (json_object_get(urls, full) != NULL && rc == FSE_OK) {
                rc = fhir_issue_add(out, FSE_FHIR_ISSUE_STRUCTURE, full, "fullUrl repeated");
            }
            json_object_set_new(urls, full, json_true());
        }
    }
    json_array_foreach(json_object_get(b, "entry"), i, e)
    {
        if (rc == FSE_OK) {
            rc = check_entry(out, urls, e, i);
        }
    }
    json_decref(urls);
    json_decref(b);
    return rc;
}
