/*
 * lib/monitor/monitor_output.c - the indicators as the public JSON and CSV
 * of /monitor/v1/indicators (docs/monitor.md).
 *
 * Owns the shape of both outputs: the definitions and tables the
 * dashboard needs (indicators, the 16 types, the regions), one object (or
 * line) per quarter, region and indicator, percentages with one decimal
 * computed in integers (round half up), suppressed cells without numbers.
 * JSON through the util writer; the CSV's fields are our own codes,
 * numbers and names of the region table (no quoting needed: no ';', '"'
 * or line breaks in them).
 */
#include "monitor_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "fse/json.h"

void fse_monitor__pct(char out[16], const fse_monitor_ratio *r, char decimal_point)
{
    int64_t tenths;

    out[0] = '\0';
    if (r->suppressed || r->den <= 0 || r->num < 0) {
        return;
    }
    /* num / den * 1000, rounded half up; num <= den * 16 in every indicator,
     * far from overflowing. */
    tenths = (r->num * 2000 + r->den) / (2 * r->den);
    snprintf(out, 16, "%" PRId64 "%c%" PRId64, tenths / 10, decimal_point, tenths % 10);
}

static const char *region_label(const char *code)
{
    const char *name = fse_monitor_region_name(code);

    if (name != NULL) {
        return name;
    }
    return code[0] == '\0' ? "Regione non indicata" : code;
}

static void json_ratio(fse_json *w, const fse_monitor_ratio *r)
{
    char pct[16];

    fse_json_object_begin(w);
    if (r->suppressed) {
        fse_json_kv_bool(w, "suppressed", true);
    } else {
        fse_json_kv_int(w, "num", r->num);
        fse_json_kv_int(w, "den", r->den);
        fse_monitor__pct(pct, r, '.');
        fse_json_key(w, "pct");
        if (pct[0] != '\0') {
            fse_json_number_text(w, pct);
        } else {
            fse_json_null(w);
        }
    }
    fse_json_object_end(w);
}

static void json_tables(fse_json *w)
{
    size_t n_types = 0;
    const fse_monitor_doc_type *t = fse_monitor_doc_types(&n_types);
    static const char *const codes[] = {"010", "020", "030", "041", "042", "050", "060",
                                        "070", "080", "090", "100", "110", "120", "130",
                                        "140", "150", "160", "170", "180", "190", "200"};
    size_t i;
    size_t j;

    fse_json_key(w, "indicators");
    fse_json_array_begin(w);
    for (i = 0; i < FSE_MONITOR_N_INDICATORS; i++) {
        fse_json_object_begin(w);
        fse_json_kv_string(w, "id", fse_monitor_indicator_id((fse_monitor_indicator)i));
        fse_json_kv_string(w, "label", fse_monitor_indicator_label((fse_monitor_indicator)i));
        fse_json_kv_bool(w, "citizens", i == FSE_MONITOR_CONSENT || i == FSE_MONITOR_USAGE);
        fse_json_object_end(w);
    }
    fse_json_array_end(w);
    fse_json_key(w, "doc_types");
    fse_json_array_begin(w);
    for (i = 0; i < n_types; i++) {
        fse_json_object_begin(w);
        fse_json_kv_string(w, "code", t[i].code);
        fse_json_kv_string(w, "label", t[i].label);
        fse_json_kv_string(w, "dm23", t[i].dm23);
        fse_json_key(w, "loinc");
        fse_json_array_begin(w);
        for (j = 0; t[i].loinc[j] != NULL; j++) {
            fse_json_string(w, t[i].loinc[j]);
        }
        fse_json_array_end(w);
        fse_json_object_end(w);
    }
    fse_json_array_end(w);
    fse_json_key(w, "regions");
    fse_json_array_begin(w);
    for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
        fse_json_object_begin(w);
        fse_json_kv_string(w, "code", codes[i]);
        fse_json_kv_string(w, "name", fse_monitor_region_name(codes[i]));
        fse_json_object_end(w);
    }
    fse_json_array_end(w);
}

static void json_cell(fse_json *w, const fse_monitor_cell *c)
{
    size_t n_types = 0;
    const fse_monitor_doc_type *t = fse_monitor_doc_types(&n_types);
    size_t k;

    fse_json_object_begin(w);
    fse_json_kv_string(w, "region", c->region);
    fse_json_kv_string(w, "name", region_label(c->region));
    for (k = 0; k < FSE_MONITOR_N_INDICATORS; k++) {
        fse_json_key(w, fse_monitor_indicator_id((fse_monitor_indicator)k));
        json_ratio(w, &c->ind[k]);
    }
    fse_json_key(w, "types_available");
    fse_json_array_begin(w);
    for (k = 0; k < n_types; k++) {
        if (c->types_available & (1u << k)) {
            fse_json_string(w, t[k].code);
        }
    }
    fse_json_array_end(w);
    fse_json_object_end(w);
}

fse_err fse_monitor_result_json(fse_buf *out, const fse_monitor_result *r, int64_t now_ms)
{
    char text[25];
    fse_json w;
    size_t i;
    size_t j;

    if (out == NULL || r == NULL) {
        return fse_error_set(FSE_E_ARG, FSE_MONITOR_MODULE, "json: missing argument");
    }
    fse_json_init(&w, out);
    fse_json_object_begin(&w);
    fse_monitor__iso(text, now_ms);
    fse_json_kv_string(&w, "generated", text);
    fse_json_kv_string(&w, "time_zone", "Europe/Rome");
    fse_json_kv_int(&w, "suppress_below", FSE_MONITOR_SUPPRESS_BELOW);
    fse_json_kv_int(&w, "recent_days", FSE_MONITOR_RECENT_DAYS);
    if (r->n_periods > 0) {
        fse_monitor_quarter_text(text, r->periods[0].quarter);
        fse_json_kv_string(&w, "from", text);
        fse_monitor_quarter_text(text, r->periods[r->n_periods - 1].quarter);
        fse_json_kv_string(&w, "to", text);
    }
    json_tables(&w);
    fse_json_key(&w, "quarters");
    fse_json_array_begin(&w);
    for (i = 0; i < r->n_periods; i++) {
        const fse_monitor_period *p = &r->periods[i];

        fse_json_object_begin(&w);
        fse_monitor_quarter_text(text, p->quarter);
        fse_json_kv_string(&w, "quarter", text);
        fse_monitor__iso(text, p->start_ms);
        fse_json_kv_string(&w, "start", text);
        fse_monitor__iso(text, p->end_ms);
        fse_json_kv_string(&w, "end", text);
        fse_json_kv_bool(&w, "partial", p->partial);
        fse_json_key(&w, "cells");
        fse_json_array_begin(&w);
        for (j = 0; j < p->n_cells; j++) {
            json_cell(&w, &p->cells[j]);
        }
        fse_json_array_end(&w);
        fse_json_object_end(&w);
    }
    fse_json_array_end(&w);
    fse_json_object_end(&w);
    return fse_json_status(&w);
}

fse_err fse_monitor_result_csv(fse_buf *out, const fse_monitor_result *r)
{
    fse_err rc;
    size_t i;
    size_t j;
    size_t k;

    if (out == NULL || r == NULL) {
        return fse_error_set(FSE_E_ARG, FSE_MONITOR_MODULE, "csv: missing argument");
    }
    rc = fse_buf_append_str(out, "trimestre;codice_regione;regione;indicatore;numeratore;"
                                 "denominatore;percentuale\r\n");
    for (i = 0; rc == FSE_OK && i < r->n_periods; i++) {
        const fse_monitor_period *p = &r->periods[i];
        char q[7];

        fse_monitor_quarter_text(q, p->quarter);
        for (j = 0; rc == FSE_OK && j < p->n_cells; j++) {
            const fse_monitor_cell *c = &p->cells[j];

            for (k = 0; rc == FSE_OK && k < FSE_MONITOR_N_INDICATORS; k++) {
                const fse_monitor_ratio *v = &c->ind[k];
                const char *id = fse_monitor_indicator_id((fse_monitor_indicator)k);
                char pct[16];

                if (v->suppressed) {
                    rc = fse_buf_printf(out, "%s;%s;%s;%s;<10;<10;<10\r\n", q, c->region,
                                        region_label(c->region), id);
                    continue;
                }
                fse_monitor__pct(pct, v, ',');
                rc = fse_buf_printf(out, "%s;%s;%s;%s;%" PRId64 ";%" PRId64 ";%s\r\n", q, c->region,
                                    region_label(c->region), id, v->num, v->den, pct);
            }
        }
    }
    return rc;
}
