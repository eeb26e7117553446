/*
 * lib/monitor/monitor_record.c - what the gateway records for the volumes:
 * the outcome and failing rules of each validation, counted per Italian
 * day and document type in the transaction of its status event
 * (fse_monitor_record_validation, the gateway's one call).
 *
 * Owns which events are validations and which labels a report's failures
 * are counted under (the schematron or vocabulary rule, else the kind of
 * failure: "xsd", "input", "routing"). Does not own the counter rows
 * (fse/store_monitor.h) nor the report (fse/validate.h).
 */
#include "monitor_int.h"

#include <string.h>

#include "fse/validate.h"

/* Longest label counted (the store's limit). */
#define LABEL_MAX 128u

fse_err fse_monitor_record_validation(fse_store *s, const char *event_type,
                                      const struct fse_report *report, int64_t now_ms)
{
    char labels[FSE_STORE_MON_MAX_RULES][LABEL_MAX + 1];
    const char *rules[FSE_STORE_MON_MAX_RULES];
    size_t n = 0;
    size_t i;
    size_t j;

    /* VALIDATION, VALIDATION_FOR_PUBLICATION, VALIDATION_FOR_REPLACE. */
    if (s == NULL || event_type == NULL || report == NULL ||
        strncmp(event_type, "VALIDATION", 10) != 0) {
        return FSE_OK;
    }
    for (i = 0; i < report->n_failures && n < FSE_STORE_MON_MAX_RULES; i++) {
        const fse_failure *f = &report->failures[i];
        const char *label =
            f->rule != NULL && f->rule[0] != '\0' ? f->rule : fse_failure_kind_name(f->kind);
        size_t len = strnlen(label, LABEL_MAX);
        bool seen = false;

        memcpy(labels[n], label, len);
        labels[n][len] = '\0';
        for (j = 0; j < n && !seen; j++) {
            seen = strcmp(rules[j], labels[n]) == 0;
        }
        if (!seen) {
            rules[n] = labels[n];
            n++;
        }
    }
    return fse_store_mon_validation_add(s, fse_monitor_day_of(now_ms), report->doc_type,
                                        fse_outcome_code(report->outcome), rules, n);
}
