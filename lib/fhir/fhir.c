/*
 * lib/fhir/fhir.c - the public entry points of the CDA -> FHIR conversion:
 * input detection (XML or PDF), the conversion run (header, then the body of
 * the type, then the DocumentReference enrichment) and the Bundle JSON.
 *
 * Owns the order of the run and the Bundle envelope (eds-fhir §2.3, §2.5).
 * Does not own the mappings (fhir_header.c, fhir_body.c, fhir_map_*.c) or the
 * checks (fhir_check.c, fhir_reach.c).
 */
#include "fse/fhir.h"

#include <string.h>

#include "fhir_int.h"
#include "fse/json.h"
#include "fse/pdf.h"
#include "fse/xml.h"

/* A CodeableConcept with one coding of the XDS value sets 2.16.840.1.113883.2.9.3.3.6.1.<n>. */
static void coded(fhir_ctx *c, fhir_node *cc, const char *n, const char *code)
{
    fhir_node *coding = fhir_push(FA(c), cc, "coding");

    fhir_put_str(FA(c), coding, "system",
                 fhir_arena_printf(FA(c), "urn:oid:2.16.840.1.113883.2.9.3.3.6.1.%s", n));
    fhir_put_str(FA(c), coding, "code", code);
}

/* yyyyMMddHHmmss -> FHIR dateTime at the given offset (NULL: "Z"). */
static const char *compact_datetime(fhir_ctx *c, const char *v, const char *tz)
{
    if (v == NULL || strlen(v) != 14) {
        return NULL;
    }
    return fhir_arena_printf(FA(c), "%.4s-%.2s-%.2sT%.2s:%.2s:%.2s%s", v, v + 4, v + 6, v + 8,
                             v + 10, v + 12, tz != NULL ? tz : "Z");
}

/* Standard base64 of len bytes, in the arena. */
static const char *base64(fhir_ctx *c, const char *data, size_t len)
{
    static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char *out = fhir_arena_alloc(FA(c), (len + 2) / 3 * 4 + 1);
    const unsigned char *s = (const unsigned char *)data;
    size_t i;
    size_t o = 0;

    if (out == NULL) {
        return NULL;
    }
    for (i = 0; i + 2 < len; i += 3) {
        out[o++] = tab[s[i] >> 2];
        out[o++] = tab[((s[i] & 3) << 4) | (s[i + 1] >> 4)];
        out[o++] = tab[((s[i + 1] & 15) << 2) | (s[i + 2] >> 6)];
        out[o++] = tab[s[i + 2] & 63];
    }
    if (i < len) {
        out[o++] = tab[s[i] >> 2];
        if (i + 1 < len) {
            out[o++] = tab[((s[i] & 3) << 4) | (s[i + 1] >> 4)];
            out[o++] = tab[(s[i + 1] & 15) << 2];
        } else {
            out[o++] = tab[(s[i] & 3) << 4];
            out[o++] = '=';
        }
        out[o++] = '=';
    }
    out[o] = '\0';
    return out;
}

/* DocumentReference enrichment from the publication metadata (eds-fhir §2.5,
 * ENG DocumentReferenceHelper.createDocumentReference). */
static void enrich_docref(fhir_ctx *c, const fse_fhir_publication *p)
{
    fhir_node *dr = c->docref->res;
    fhir_node *ctx = fhir_obj(FA(c), dr, "context");
    fhir_node *att;
    fhir_node *period;
    const char *caret;
    size_t i;

    /* context: facilityType, event[], practiceSetting, period */
    coded(c, fhir_obj(FA(c), ctx, "facilityType"), "1", p->tipologia_struttura);
    for (i = 0; i < p->n_atti_clinici; i++) {
        coded(c, fhir_push(FA(c), ctx, "event"), "3", p->atti_clinici[i]);
    }
    coded(c, fhir_obj(FA(c), ctx, "practiceSetting"), "2", p->assetto_organizzativo);
    period = fhir_obj(FA(c), ctx, "period");
    fhir_put_str(FA(c), period, "start",
                 compact_datetime(c, p->data_inizio_prestazione, p->tz_offset));
    fhir_put_str(FA(c), period, "end", compact_datetime(c, p->data_fine_prestazione, p->tz_offset));
    /* content[0].attachment */
    att = fhir_obj(FA(c), fhir_get(dr, "content")->first, "attachment");
    fhir_remove(att, "title");
    fhir_put_str(FA(c), att, "contentType", "application/pdf");
    fhir_put_str(FA(c), att, "language", "it-IT");
    fhir_put_str(FA(c), att, "url", p->repository_unique_id);
    if (p->hash != NULL) {
        fhir_put_str(FA(c), att, "hash", base64(c, p->hash, strlen(p->hash)));
    }
    fhir_put_num(FA(c), att, "size", fhir_arena_printf(FA(c), "%zu", p->size));
    /* category, identifier, date, masterIdentifier */
    if (p->tipo_documento_liv_alto != NULL) {
        coded(c, fhir_push(FA(c), dr, "category"), "5", p->tipo_documento_liv_alto);
    }
    fhir_put_str(FA(c), fhir_push(FA(c), dr, "identifier"), "id", "Document00");
    fhir_put_str(FA(c), dr, "date", p->date);
    if (p->identificativo_doc != NULL) {
        fhir_node *mid = fhir_obj(FA(c), dr, "masterIdentifier");
        caret = strchr(p->identificativo_doc, '^');
        fhir_put_str(FA(c), mid, "system", fhir_arena_printf(FA(c), "urn:uuid:%s", fhir_uuid(c)));
        fhir_put_str(FA(c), mid, "value", caret != NULL ? caret + 1 : p->identificativo_doc);
    }
}

static void write_bundle(fhir_ctx *c, fse_json *w)
{
    const fhir_entry *e;

    fse_json_object_begin(w);
    fse_json_kv_string(w, "resourceType", "Bundle");
    fse_json_kv_string(w, "id", fhir_uuid(c));
    if (c->bundle_identifier != NULL && !fhir_empty(c->bundle_identifier)) {
        fse_json_key(w, "identifier");
        fhir_write(w, c->bundle_identifier);
    }
    fse_json_kv_string(w, "type", "transaction");
    if (c->opts->timestamp != NULL) {
        fse_json_kv_string(w, "timestamp", c->opts->timestamp);
    }
    fse_json_key(w, "entry");
    fse_json_array_begin(w);
    for (e = c->entries; e != NULL; e = e->next) {
        fhir_prune(e->res);
        fse_json_object_begin(w);
        fse_json_kv_string(w, "fullUrl", fhir_full_url(c, e->type, e->id));
        fse_json_key(w, "resource");
        fhir_write(w, e->res);
        fse_json_key(w, "request");
        fse_json_object_begin(w);
        fse_json_kv_string(w, "method", e->put ? "PUT" : "POST");
        if (!e->put) {
            fse_json_kv_string(w, "url", e->type);
        } else if (e->cond != NULL) {
            fse_json_kv_string(w, "url",
                               fhir_arena_printf(FA(c), "%s?identifier=%s", e->type, e->cond));
        }
        fse_json_object_end(w);
        fse_json_object_end(w);
    }
    fse_json_array_end(w);
    fse_json_object_end(w);
}

static fse_err run(fhir_ctx *c, fse_buf *out)
{
    const fhir_doc_map *map;
    const xmlNode *root = xmlDocGetRootElement((xmlDoc *)c->doc);
    fse_json w;
    const xmlNode *tpl;

    if (root == NULL || strcmp((const char *)root->name, "ClinicalDocument") != 0) {
        return fse_error_set(FSE_E_PARSE, FSE_FHIR_MODULE, "not a ClinicalDocument");
    }
    c->cda = root;
    tpl = fhir_cda_first(c, root, "templateId");
    c->doc_type = fse_cda_doc_by_template(fhir_cda_attr(c, tpl, "root"));
    map = fhir_doc_map_get(c->doc_type);
    if (map == NULL) {
        return fse_error_set(
            FSE_E_UNSUPPORTED, FSE_FHIR_MODULE, "no FHIR mapping for templateId %s",
            fhir_cda_attr(c, tpl, "root") != NULL ? fhir_cda_attr(c, tpl, "root") : "-");
    }
    /* entries in the order of the official CdaToBundle */
    c->composition = fhir_entry_post(c, "Composition");
    c->patient = fhir_entry_candidate(c, "Patient", 0.0f);
    c->patient = fhir_entry_commit(c, c->patient);
    c->encounter = fhir_entry_post(c, "Encounter");
    c->docref = fhir_entry_post(c, "DocumentReference");
    if (c->arena.err != FSE_OK) {
        return c->arena.err;
    }
    c->bundle_identifier = fhir_node_new(FA(c), FHIR_NODE_OBJECT, NULL);
    fhir_conv_identifier(c, c->bundle_identifier, fhir_cda_first(c, root, "id"));
    fhir_header_map(c);
    if (map->before_body != NULL) {
        map->before_body(c);
    }
    fhir_body_map(c, map);
    if (c->opts->publication != NULL) {
        enrich_docref(c, c->opts->publication);
    }
    if (c->arena.err != FSE_OK) {
        return c->arena.err;
    }
    fse_json_init(&w, out);
    write_bundle(c, &w);
    if (c->arena.err != FSE_OK) {
        return c->arena.err;
    }
    return fse_json_status(&w);
}

fse_err fse_fhir_convert_doc(char **json_out, size_t *len_out, const xmlDoc *doc,
                             const fse_fhir_opts *opts)
{
    static const fse_fhir_opts defaults;
    fhir_ctx c;
    fse_buf out;
    fse_err rc;

    if (json_out == NULL || doc == NULL) {
        return fse_error_set(FSE_E_ARG, FSE_FHIR_MODULE, "NULL argument");
    }
    *json_out = NULL;
    memset(&c, 0, sizeof(c));
    fhir_arena_init(&c.arena);
    c.opts = opts != NULL ? opts : &defaults;
    c.doc = doc;
    c.rng[0] = c.opts->seed ^ 0x9e3779b97f4a7c15ull;
    c.rng[1] = (c.opts->seed * 0xbf58476d1ce4e5b9ull) | 1u;
    fse_buf_init(&out, FSE_FHIR_MAX_BUNDLE_BYTES);
    rc = run(&c, &out);
    if (rc == FSE_OK) {
        *json_out = fse_buf_steal(&out, len_out);
        if (*json_out == NULL) {
            rc = fse_error_set(FSE_E_NOMEM, FSE_FHIR_MODULE, "out of memory");
        }
    }
    fse_buf_free(&out);
    fhir_arena_free(&c.arena);
    return rc;
}

fse_err fse_fhir_convert(char **json_out, size_t *len_out, const uint8_t *data, size_t len,
                         const fse_fhir_opts *opts)
{
    uint8_t *cda = NULL;
    size_t cda_len = 0;
    xmlDocPtr doc = NULL;
    fse_err rc;

    if (json_out == NULL || data == NULL) {
        return fse_error_set(FSE_E_ARG, FSE_FHIR_MODULE, "NULL argument");
    }
    *json_out = NULL;
    if (fse_pdf_detect(data, len)) {
        rc = fse_pdf_extract_cda(&cda, &cda_len, NULL, data, len);
        if (rc != FSE_OK) {
            return fse_error_prefix(FSE_FHIR_MODULE);
        }
        data = cda;
        len = cda_len;
    }
    rc = fse_xml_parse(&doc, NULL, data, len, NULL);
    if (rc != FSE_OK) {
        fse_error_prefix(FSE_FHIR_MODULE);
        goto done;
    }
    rc = fse_fhir_convert_doc(json_out, len_out, doc, opts);
done:
    xmlFreeDoc(doc);
    fse_free(cda);
    return rc;
}
