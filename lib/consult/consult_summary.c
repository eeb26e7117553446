/*
 * lib/consult/consult_summary.c - the views derived from the regional
 * clinical store: GET /fhir/Patient/{id}/$summary (the Profilo Sanitario
 * Sintetico view) and GET /fhir/{type}?patient.identifier= (clinical
 * resources of one type).
 *
 * Owns the rule that a derived view is built only from the documents the
 * subject may see, each decided on its own by the policy exactly as a
 * DocumentReference search decides it (DM23 art.4 c.3 and art.15 c.2: an
 * obscured document feeds no derived view of anyone it is hidden from;
 * domain-rules §3), the parameters of the two requests, their Bundles
 * (collection with a Composition; searchset with total and self link), and
 * their audit record and notification (one per request, with the number of
 * source documents and resources). The views themselves (sections, what
 * each holds, the resources as stored with their source document) are
 * lib/eds's (fse/eds.h); the decisions lib/policy's.
 */
#include "consult_int.h"

#include <stdio.h>
#include <string.h>

#include "fse/eds.h"

/* The tag of a document shown to the patient although hidden from others:
 * the same as its DocumentReference's (consult_fhir.c). */
#define SYS_VISIBILITY "https://fse.example.it/CodeSystem/visibilita"
/* Resources of one search written at most, and by default. */
#define SUMMARY_DEFAULT_COUNT 50u
#define SUMMARY_MAX_COUNT 500u

static const fse_eds_tag obscured_tag = {SYS_VISIBILITY, "oscurato", "Documento oscurato"};

/* The documents the subject may see, as view sources. */
typedef struct view_sources {
    fse_store_doc_list *list;
    fse_eds_source *items;
    size_t n;
    fse_policy_decision scope;
    const fse_store_doc_meta *pss; /* an allowed PSS among the sources, or NULL */
} view_sources;

static void sources_free(view_sources *vs)
{
    fse_free(vs->items);
    fse_store_doc_list_free(vs->list);
    memset(vs, 0, sizeof(*vs));
}

/*
 * Record scope, then every current document through the policy: only the
 * allowed ones become sources. Answers (403, 500) itself and returns false
 * when the request ends here.
 */
static bool visible_sources(cs_ctx *ctx, view_sources *vs)
{
    size_t i;

    memset(vs, 0, sizeof(*vs));
    if (fse_consult__scope(ctx, &vs->scope) == FSE_POLICY_SCOPE_NONE) {
        return false;
    }
    if (!fse_consult__load_docs(ctx, FSE_STORE_STATUS_BIT(FSE_STORE_DOC_APPROVED), &vs->list)) {
        return false;
    }
    vs->items = fse_calloc(vs->list->n_docs + 1, sizeof(*vs->items));
    if (vs->items == NULL) {
        sources_free(vs);
        (void)fse_consult__internal(ctx, "view sources");
        return false;
    }
    for (i = 0; i < vs->list->n_docs; i++) {
        const fse_store_doc_meta *m = vs->list->docs[i];
        fse_policy_decision d;

        /* IMPLEMENTATION-OF: DM23 art.15 c.2, art.4 c.3: a derived view is
         * fed only by documents this subject may see. */
        fse_consult__decide(ctx, m, &d);
        if (!d.allow) {
            continue;
        }
        vs->items[vs->n].unique_id = m->unique_id;
        vs->items[vs->n].doc_id = m->doc_id;
        vs->items[vs->n].type_code = m->type_code;
        vs->items[vs->n].tag = d.shown_obscured ? &obscured_tag : NULL;
        vs->n++;
        if (m->type_code != NULL && strcmp(m->type_code, FSE_POLICY_LOINC_PSS) == 0) {
            vs->pss = m;
        }
    }
    return true;
}

/* Audit the view (and the pending notification), then answer it. */
static fse_err answer(cs_ctx *ctx, const view_sources *vs, const fse_eds_result *res, fse_buf *out)
{
    char reason[128];

    snprintf(reason, sizeof(reason), "%s documents=%zu resources=%zu",
             fse_policy_reason_name(vs->scope.reason), fse_eds_result_documents(res),
             fse_eds_result_total(res));
    fse_consult__notify_access(ctx);
    if (!fse_consult__audit(ctx, NULL, FSE_AUDIT_SUCCESS, reason)) {
        return fse_consult__internal(ctx, "audit");
    }
    /* A summary built from the PSS reads it: under an emergency grant the
     * rest of the record may follow (docs/policy.md). */
    if (vs->pss != NULL) {
        fse_consult__mark_pss_read(ctx, vs->pss);
    }
    return fse_consult__respond_fhir(ctx, 200, out);
}

/* ---- GET /fhir/Patient/{id}/$summary ------------------------------------ */

static fse_err summary_bundle(cs_ctx *ctx, const fse_eds_result *res, fse_buf *out)
{
    char base[512];
    char url[600];
    char when[32];
    char pid[33];
    fse_json w;

    fse_consult__base_url(ctx, base, sizeof(base));
    fse_consult__patient_id(pid, ctx);
    fse_consult__iso_ms(when, ctx->now_ms);
    fse_json_init(&w, out);
    fse_consult__bundle_begin(&w, ctx, "collection");
    fse_json_kv_string(&w, "timestamp", when);
    fse_json_key(&w, "entry");
    fse_json_array_begin(&w);
    if (fse_eds_result_write(&w, res) != FSE_OK) {
        return fse_json_status(&w) != FSE_OK ? fse_json_status(&w) : FSE_E_INTERNAL;
    }
    snprintf(url, sizeof(url), "%s/fhir/Patient/%s", base, pid);
    fse_json_object_begin(&w);
    fse_json_kv_string(&w, "fullUrl", url);
    fse_json_key(&w, "resource");
    fse_consult__patient_json(&w, ctx);
    fse_json_object_end(&w);
    fse_json_array_end(&w);
    fse_json_object_end(&w);
    return fse_json_status(&w);
}

fse_err fse_consult__summary(cs_ctx *ctx)
{
    const char *name;
    const char *value;
    char base[512];
    char patient_url[600];
    char when[32];
    char pid[33];
    view_sources vs;
    fse_eds_view v;
    fse_eds_result *res = NULL;
    fse_buf out;
    size_t i;
    fse_err rc;

    for (i = 0; fse_http_req_query_at(ctx->req, i, &name, &value); i++) {
        if (strcmp(name, "_format") != 0 && !fse_consult__lenient(ctx)) {
            return fse_consult__fail(ctx, 400, "Parametro non supportato da $summary");
        }
    }
    if (!fse_consult__facts(ctx)) {
        return FSE_OK;
    }
    fse_consult__patient_id(pid, ctx);
    if (strcmp(pid, fse_http_req_param(ctx->req, "id")) != 0) {
        (void)fse_consult__audit(ctx, NULL, FSE_AUDIT_REFUSED, "not-found");
        return fse_consult__not_found(ctx);
    }
    if (!visible_sources(ctx, &vs)) {
        return FSE_OK;
    }
    fse_consult__base_url(ctx, base, sizeof(base));
    fse_consult__iso_ms(when, ctx->now_ms);
    snprintf(patient_url, sizeof(patient_url), "%s/fhir/Patient/%s", base, pid);
    memset(&v, 0, sizeof(v));
    v.base_url = base;
    v.patient_url = patient_url;
    v.date = when;
    rc = fse_eds_summary(&res, ctx->store, &v, vs.items, vs.n);
    fse_buf_init(&out, CS_MAX_OUTPUT);
    if (rc == FSE_OK) {
        rc = summary_bundle(ctx, res, &out);
    }
    if (rc == FSE_OK) {
        rc = answer(ctx, &vs, res, &out);
    }
    fse_buf_free(&out);
    fse_eds_result_free(res);
    sources_free(&vs);
    return rc;
}

/* ---- GET /fhir/{type}?patient.identifier= ------------------------------- */

typedef struct res_params {
    const char *patient_identifier;
    const char *patient_ref;
    const char *code; /* [system|]code as sent */
    size_t count;
    fse_eds_date dates[FSE_EDS_MAX_DATES];
    size_t n_dates;
} res_params;

static bool parse_count(size_t *out, const char *v)
{
    size_t n = 0;

    if (*v == '\0' || strlen(v) > 6) {
        return false;
    }
    for (; *v != '\0'; v++) {
        if (*v < '0' || *v > '9') {
            return false;
        }
        n = n * 10 + (size_t)(*v - '0');
    }
    *out = n > SUMMARY_MAX_COUNT ? SUMMARY_MAX_COUNT : n;
    return true;
}

/* Parse the query; answers 400 itself. */
static bool res_parse(cs_ctx *ctx, res_params *p)
{
    char detail[160];
    const char *name;
    const char *value;
    size_t i;

    memset(p, 0, sizeof(*p));
    p->count = SUMMARY_DEFAULT_COUNT;
    for (i = 0; fse_http_req_query_at(ctx->req, i, &name, &value); i++) {
        bool ok = true;

        if (strcmp(name, "patient.identifier") == 0) {
            p->patient_identifier = value;
        } else if (strcmp(name, "patient") == 0 || strcmp(name, "subject") == 0) {
            p->patient_ref = value;
        } else if (strcmp(name, "code") == 0 || strcmp(name, "vaccine-code") == 0) {
            p->code = value;
            ok = value[0] != '\0' && value[strlen(value) - 1] != '|';
        } else if (strcmp(name, "_count") == 0) {
            ok = parse_count(&p->count, value);
        } else if (strcmp(name, "date") == 0) {
            ok = p->n_dates < FSE_EDS_MAX_DATES &&
                 fse_eds_date_parse(&p->dates[p->n_dates], value) == FSE_OK;
            p->n_dates += ok ? 1 : 0;
        } else if (strcmp(name, "_format") != 0 && !fse_consult__lenient(ctx)) {
            snprintf(detail, sizeof(detail), "Parametro di ricerca non supportato: %.64s", name);
            (void)fse_consult__fail(ctx, 400, detail);
            return false;
        }
        if (!ok) {
            snprintf(detail, sizeof(detail), "Valore non valido per il parametro %.64s", name);
            (void)fse_consult__fail(ctx, 400, detail);
            return false;
        }
    }
    if (p->patient_identifier == NULL && p->patient_ref == NULL) {
        (void)fse_consult__fail(ctx, 400, "Parametro obbligatorio mancante: patient.identifier");
        return false;
    }
    return true;
}

static fse_err search_bundle(cs_ctx *ctx, const char *type, const fse_eds_result *res, fse_buf *out)
{
    char path[64];
    fse_buf self;
    fse_json w;

    snprintf(path, sizeof(path), "/fhir/%s", type);
    fse_buf_init(&self, 16384);
    (void)fse_consult__query_url(&self, ctx, path, NULL);
    fse_json_init(&w, out);
    fse_consult__bundle_begin(&w, ctx, "searchset");
    fse_json_kv_int(&w, "total", (long long)fse_eds_result_total(res));
    fse_json_key(&w, "link");
    fse_json_array_begin(&w);
    fse_json_object_begin(&w);
    fse_json_kv_string(&w, "relation", "self");
    fse_json_key(&w, "url");
    fse_json_string_len(&w, self.data != NULL ? self.data : "", self.len);
    fse_json_object_end(&w);
    fse_json_array_end(&w);
    fse_buf_free(&self);
    fse_json_key(&w, "entry");
    fse_json_array_begin(&w);
    if (fse_eds_result_write(&w, res) != FSE_OK) {
        return fse_json_status(&w) != FSE_OK ? fse_json_status(&w) : FSE_E_INTERNAL;
    }
    fse_json_array_end(&w);
    fse_json_object_end(&w);
    return fse_json_status(&w);
}

fse_err fse_consult__search_resources(cs_ctx *ctx)
{
    const char *type = fse_http_req_param(ctx->req, "type");
    char system[256] = "";
    char base[512];
    res_params p;
    view_sources vs;
    fse_eds_view v;
    fse_eds_query q;
    fse_eds_result *res = NULL;
    fse_buf out;
    fse_err rc;

    if (!fse_eds_search_type(type)) {
        return fse_consult__fail(ctx, 404, "Tipo di risorsa non supportato");
    }
    if (!res_parse(ctx, &p) || !fse_consult__facts(ctx) ||
        !fse_consult__named_patient(ctx, p.patient_identifier, p.patient_ref) ||
        !visible_sources(ctx, &vs)) {
        return FSE_OK;
    }
    memset(&q, 0, sizeof(q));
    q.type = type;
    q.count = p.count;
    memcpy(q.dates, p.dates, sizeof(q.dates));
    q.n_dates = p.n_dates;
    if (p.code != NULL) {
        const char *bar = strchr(p.code, '|');

        q.code = bar != NULL ? bar + 1 : p.code;
        if (bar != NULL && bar != p.code) {
            snprintf(system, sizeof(system), "%.*s", (int)(bar - p.code), p.code);
            q.code_system = system;
        }
    }
    fse_consult__base_url(ctx, base, sizeof(base));
    memset(&v, 0, sizeof(v));
    v.base_url = base;
    rc = fse_eds_search(&res, ctx->store, &v, &q, vs.items, vs.n);
    fse_buf_init(&out, CS_MAX_OUTPUT);
    if (rc == FSE_OK) {
        rc = search_bundle(ctx, type, res, &out);
    }
    if (rc == FSE_OK) {
        rc = answer(ctx, &vs, res, &out);
    }
    fse_buf_free(&out);
    fse_eds_result_free(res);
    sources_free(&vs);
    return rc;
}
