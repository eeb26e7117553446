/*
 * lib/validate/report.c - the validation report: outcome names, grouping of
 * findings by kind and rule, and its JSON form.
 */
#include "validate_int.h"

#include <string.h>

#include "fse/json.h"
#include "fse/limits.h"

static const char *const outcome_names[] = {
    "OK",
    "SYNTAX_ERROR",
    "VOCABULARY_ERROR",
    "SEMANTIC_ERROR",
    "SCHEMATRON_NOT_FOUND",
    "SEMANTIC_WARNING",
};
static const char *const outcome_codes[] = {"00", "01", "02", "03", "04", "05"};
static const char *const kind_names[] = {"input", "xsd", "routing", "schematron", "vocabulary"};

const char *fse_outcome_code(fse_outcome outcome)
{
    return (unsigned)outcome < 6 ? outcome_codes[outcome] : "??";
}

const char *fse_outcome_name(fse_outcome outcome)
{
    return (unsigned)outcome < 6 ? outcome_names[outcome] : "UNKNOWN";
}

const char *fse_failure_kind_name(fse_failure_kind kind)
{
    return (unsigned)kind < 5 ? kind_names[kind] : "unknown";
}

static void free_failures(fse_failure *list, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        fse_free(list[i].rule);
        fse_free(list[i].location);
        fse_free(list[i].message);
    }
    fse_free(list);
}

void fse_report_free(fse_report *report)
{
    if (report == NULL) {
        return;
    }
    free_failures(report->failures, report->n_failures);
    free_failures(report->warnings, report->n_warnings);
    fse_free(report->message);
    fse_free(report);
}

fse_err fse_validate__set_message(fse_report *r, const char *message)
{
    char *copy = fse_strdup(message);

    if (copy == NULL) {
        return fse_error_set(FSE_E_NOMEM, "validate", "report message");
    }
    fse_free(r->message);
    r->message = copy;
    return FSE_OK;
}

fse_err fse_validate__add_failure(fse_report *r, bool warning, fse_failure_kind kind,
                                  const char *rule, const char *location, const char *message)
{
    fse_failure **list = warning ? &r->warnings : &r->failures;
    size_t *n = warning ? &r->n_warnings : &r->n_failures;
    fse_failure *f;
    size_t i;

    rule = rule != NULL ? rule : "";
    /* Same kind and rule (a labelled schematron check) fired again: count it. */
    for (i = 0; rule[0] != '\0' && i < *n; i++) {
        if ((*list)[i].kind == kind && strcmp((*list)[i].rule, rule) == 0) {
            (*list)[i].count++;
            return FSE_OK;
        }
    }
    if (*n >= FSE_MAX_REPORT_FAILURES) {
        return FSE_OK;
    }
    if ((*n & (*n - 1)) == 0) {
        fse_failure *grown = fse_realloc(*list, (*n == 0 ? 4 : *n * 2) * sizeof(**list));

        if (grown == NULL) {
            return fse_error_set(FSE_E_NOMEM, "validate", "report");
        }
        *list = grown;
    }
    f = &(*list)[*n];
    f->kind = kind;
    f->count = 1;
    f->rule = fse_strdup(rule);
    f->location = fse_strdup(location != NULL ? location : "");
    f->message = fse_strdup(message != NULL ? message : "");
    if (f->rule == NULL || f->location == NULL || f->message == NULL) {
        fse_free(f->rule);
        fse_free(f->location);
        fse_free(f->message);
        return fse_error_set(FSE_E_NOMEM, "validate", "report");
    }
    (*n)++;
    return FSE_OK;
}

static void write_failures(fse_json *w, const char *key, const fse_failure *list, size_t n)
{
    size_t i;

    fse_json_key(w, key);
    fse_json_array_begin(w);
    for (i = 0; i < n; i++) {
        fse_json_object_begin(w);
        fse_json_kv_string(w, "kind", fse_failure_kind_name(list[i].kind));
        fse_json_kv_string(w, "rule", list[i].rule);
        fse_json_kv_int(w, "count", (long long)list[i].count);
        fse_json_kv_string(w, "location", list[i].location);
        fse_json_kv_string(w, "message", list[i].message);
        fse_json_object_end(w);
    }
    fse_json_array_end(w);
}

fse_err fse_report_write_json(fse_buf *out, const fse_report *r, const char *file)
{
    fse_json w;

    fse_json_init(&w, out);
    fse_json_object_begin(&w);
    if (file != NULL) {
        fse_json_kv_string(&w, "file", file);
    }
    fse_json_kv_string(&w, "outcome", fse_outcome_code(r->outcome));
    fse_json_kv_string(&w, "outcome_name", fse_outcome_name(r->outcome));
    fse_json_kv_bool(&w, "valid", r->valid);
    fse_json_kv_string(&w, "message", r->message != NULL ? r->message : "");
    fse_json_kv_string(&w, "doctype", r->doc_type);
    fse_json_kv_string(&w, "schematron", r->schematron);
    fse_json_kv_string(&w, "type_id", r->type_id);
    fse_json_kv_string(&w, "template_id", r->template_root);
    fse_json_kv_bool(&w, "pdf", r->from_pdf);
    write_failures(&w, "failures", r->failures, r->n_failures);
    write_failures(&w, "warnings", r->warnings, r->n_warnings);
    fse_json_object_end(&w);
    return fse_json_status(&w);
}
