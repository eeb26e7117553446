/*
 * lib/gen/gen.c - the public entry points of the generator: one document
 * from (seed, type, index), its PDF, and its metadata as a requestBody view
 * and as JSON.
 *
 * Owns the derivation of everything random from the seed (the patient comes
 * from a per-seed pool, the facility from the patient's region, the dates
 * from the base date), the document identifiers, and the metadata fields of
 * gateway-api §2 (requestBody) and §3 (JWT claims). Does not own the XML
 * shapes (gen_header.c, gen_body_*.c) or the data lists (gen_data.c,
 * gen_codes*.c). Signing tokens is the jwt module's: it reads fse_gen_meta.
 */
#include "gen_int.h"

#include <stdio.h>
#include <string.h>

#include <libxml/xmlsave.h>

#include "fse/limits.h"
#include "fse/pdf.h"

#define DEFAULT_POOL 50u

/* Stream tags of the seeds derived from the run seed. */
enum { STREAM_DOC = 1, STREAM_PATIENT = 2 };

static void seed_stream(gen_rng *r, const fse_gen_opts *o, uint64_t stream, uint64_t a, uint64_t b)
{
    uint64_t words[4] = {o->seed, stream, a, b};

    fse_gen__rng_seed(r, words, 4);
}

static void pick_facility(gen_ctx *c)
{
    gen_facility *f = &c->facility;
    const gen_comune *city = c->patient.residence;
    const char *kind = fse_gen__facility_kinds
                           .items[fse_gen__rng_below(&c->rng, (uint32_t)fse_gen__facility_kinds.n)];
    const char *saint =
        fse_gen__saints.items[fse_gen__rng_below(&c->rng, (uint32_t)fse_gen__saints.n)];
    const char *street =
        fse_gen__streets.items[fse_gen__rng_below(&c->rng, (uint32_t)fse_gen__streets.n)];

    memset(f, 0, sizeof(*f));
    f->region = &fse_gen__regions[city->region];
    f->city = city;
    (void)snprintf(f->hsp, sizeof(f->hsp), "%s%03u", f->region->code,
                   100 + fse_gen__rng_below(&c->rng, 800));
    (void)snprintf(f->asl, sizeof(f->asl), "%s2%02u", f->region->code,
                   1 + fse_gen__rng_below(&c->rng, 20));
    (void)snprintf(f->name, sizeof(f->name), "%s %s - %s", kind, saint, city->name);
    (void)snprintf(f->asl_name, sizeof(f->asl_name), "Azienda Sanitaria Locale di %s", city->name);
    (void)snprintf(f->street, sizeof(f->street), "%s %u", street,
                   1 + fse_gen__rng_below(&c->rng, 120));
    (void)snprintf(f->phone, sizeof(f->phone), "+39%02u%07u", 10 + fse_gen__rng_below(&c->rng, 89),
                   fse_gen__rng_below(&c->rng, 10000000));
}

static void pick_times(gen_ctx *c, const gen_type *t)
{
    int64_t day = c->today - (int64_t)fse_gen__rng_below(&c->rng, 365);
    int64_t doc = day * 86400 + (int64_t)fse_gen__rng_range(&c->rng, 8 * 3600, 18 * 3600);

    if (t->header & GEN_H_INPATIENT) {
        c->t_end = doc - (int64_t)fse_gen__rng_range(&c->rng, 600, 7200);
        c->t_start = c->t_end - (int64_t)fse_gen__rng_range(&c->rng, 2, 14) * 86400 -
                     (int64_t)fse_gen__rng_range(&c->rng, 0, 8 * 3600);
    } else if (t->header & GEN_H_EMERGENCY) {
        /* Arrival at any hour, a visit of one to ten hours, the report
         * closed at discharge. */
        doc = day * 86400 + (int64_t)fse_gen__rng_range(&c->rng, 0, 86399);
        c->t_end = doc - (int64_t)fse_gen__rng_range(&c->rng, 300, 1800);
        c->t_start = c->t_end - (int64_t)fse_gen__rng_range(&c->rng, 3600, 10 * 3600);
    } else {
        c->t_start = doc - (int64_t)fse_gen__rng_range(&c->rng, 1, 4) * 86400 -
                     (int64_t)fse_gen__rng_range(&c->rng, 0, 3 * 3600);
        c->t_end = c->t_start + (int64_t)fse_gen__rng_range(&c->rng, 10, 90) * 60;
    }
    /* Whole seconds at minute granularity read more like real systems. */
    c->t_doc = doc - doc % 60;
    c->t_start -= c->t_start % 60;
    c->t_end -= c->t_end % 60;
}

#define SET(field, ...) (void)snprintf(m->field, sizeof(m->field), __VA_ARGS__)

static void fill_meta(gen_ctx *c, const gen_type *t, uint64_t index)
{
    const fse_cda_doc_desc *d = fse_cda_doc_desc_get(t->type);
    fse_gen_meta *m = c->meta;
    const gen_person *p = &c->patient;
    const gen_facility *f = &c->facility;
    char day[9];

    m->doc_type = t->type;
    SET(type_name, "%s", d->name);
    SET(index, "%llu", (unsigned long long)index);
    SET(patient_cf, "%s", p->cf);
    SET(patient_given, "%s", p->given);
    SET(patient_family, "%s", p->family);
    SET(patient_gender, "%c", p->gender);
    fse_gen__format_date(m->patient_birth_date, p->birth_day);
    SET(patient_birth_place, "%s", p->birthplace->name);
    SET(loinc, "%s", d->loinc[0]);
    SET(loinc_display, "%s", t->loinc_display);
    SET(title, "%s", t->title);
    SET(id_root, "2.16.840.1.113883.2.9.2.%s.4.4", f->region->oid_arc);
    fse_gen__format_date(day, c->t_doc / 86400);
    SET(id_extension, "%s.%s.%08llX", f->hsp, day,
        (unsigned long long)(fse_gen__rng_next(&c->rng) & 0xFFFFFFFFull));
    SET(set_id_extension, "%s", m->id_extension);
    fse_gen__format_ts(m->effective_time, c->t_doc);
    SET(region_code, "%s", f->region->code);
    SET(region_name, "%s", f->region->name);
    SET(facility_id, "%s", f->hsp);
    SET(facility_name, "%s", f->name);
    SET(author_cf, "%s", c->author.cf);
    SET(author_given, "%s", c->author.given);
    SET(author_family, "%s", c->author.family);

    SET(tipologia_struttura, "%s", t->tipologia);
    SET(identificativo_doc, "%s^%s", m->id_root, m->id_extension);
    SET(identificativo_rep, "2.16.840.1.113883.2.9.2.%s.4.5.1", f->region->oid_arc);
    SET(tipo_documento_liv_alto, "%s", fse_cda_class_name(d->xds_class));
    SET(assetto_organizzativo, "%s", c->specialty->psc);
    fse_gen__format_plain(m->data_inizio_prestazione, c->t_start);
    fse_gen__format_plain(m->data_fine_prestazione, c->t_end);
    SET(tipo_attivita_clinica, "%s", t->attivita);
    SET(identificativo_sottomissione, "2.16.840.1.113883.2.9.2.%s.4.3.%llu", f->region->oid_arc,
        (unsigned long long)(fse_gen__rng_next(&c->rng) % 1000000000ull));

    SET(person_id, "%s^^^&%s&ISO", p->cf, GEN_OID_CF);
    SET(resource_hl7_type, "('%s^^%s')", d->loinc[0], GEN_OID_LOINC);
    SET(subject_role, "%s", t->subject_role);
    SET(subject_organization_id, "%s", f->region->code);
    SET(subject_organization, "%s", f->region->name);
    SET(locality, "%s^^^^^&%s&ISO^^^^%s", f->name, GEN_OID_HSP, f->hsp);
}

static fse_err serialize(gen_ctx *c, uint8_t **out, size_t *len_out)
{
    xmlChar *mem = NULL;
    int size = 0;
    uint8_t *copy;

    xmlDocDumpFormatMemoryEnc(c->doc, &mem, &size, "UTF-8", 1);
    if (mem == NULL || size <= 0) {
        xmlFree(mem);
        return fse_error_set(FSE_E_NOMEM, "gen", "out of memory serialising a document");
    }
    copy = fse_malloc((size_t)size + 1);
    if (copy == NULL) {
        xmlFree(mem);
        return fse_error_set(FSE_E_NOMEM, "gen", "out of memory serialising a document");
    }
    memcpy(copy, mem, (size_t)size);
    copy[size] = '\0';
    xmlFree(mem);
    *out = copy;
    *len_out = (size_t)size;
    return FSE_OK;
}

fse_err fse_gen_document(uint8_t **cda_out, size_t *cda_len_out, fse_gen_meta *meta_out,
                         const fse_gen_opts *opts, uint64_t index)
{
    const gen_type *t;
    gen_ctx c;
    gen_rng prng;
    fse_gen_meta local;
    size_t pool;
    uint64_t patient_no;
    xmlNodePtr body;
    fse_err rc;

    if (cda_out == NULL || cda_len_out == NULL || opts == NULL) {
        return fse_error_set(FSE_E_ARG, "gen", "NULL argument");
    }
    *cda_out = NULL;
    *cda_len_out = 0;
    if (opts->version != FSE_GEN_OPTS_VERSION) {
        return fse_error_set(FSE_E_ARG, "gen", "unknown options version %u", opts->version);
    }
    t = fse_gen__type(opts->doc_type);
    if (t == NULL) {
        return fse_error_set(FSE_E_ARG, "gen", "document type %s is not supported",
                             fse_cda_doc_desc_get(opts->doc_type)->name);
    }
    memset(&c, 0, sizeof(c));
    if (!fse_gen__parse_date(opts->base_date, &c.today)) {
        return fse_error_set(FSE_E_ARG, "gen", "base date '%s' is not YYYYMMDD",
                             opts->base_date != NULL ? opts->base_date : "(null)");
    }
    c.opts = opts;
    c.meta = meta_out != NULL ? meta_out : &local;
    memset(c.meta, 0, sizeof(*c.meta));
    seed_stream(&c.rng, opts, STREAM_DOC, (uint64_t)t->type, index);

    /* The patient comes from the seed's pool, independent of the type. */
    pool = opts->patient_pool_size != 0 ? opts->patient_pool_size : DEFAULT_POOL;
    patient_no = fse_gen__rng_next(&c.rng) % pool;
    seed_stream(&prng, opts, STREAM_PATIENT, patient_no, 0);
    fse_gen__person(&c.patient, &prng, c.today, t->min_age, t->max_age, SIZE_MAX);
    pick_facility(&c);
    fse_gen__person(&c.author, &c.rng, c.today, 32, 66, c.facility.city->region);
    fse_gen__person(&c.other, &c.rng, c.today, 30, 68, c.facility.city->region);
    c.specialty = t->fixed_specialty != NULL
                      ? t->fixed_specialty
                      : GEN_PICK(&c, fse_gen__specialties, fse_gen__n_specialties);
    pick_times(&c, t);
    fill_meta(&c, t, index);

    c.doc = xmlNewDoc((const xmlChar *)"1.0");
    c.root = c.doc != NULL ? xmlNewNode(NULL, (const xmlChar *)"ClinicalDocument") : NULL;
    if (c.root == NULL) {
        xmlFreeDoc(c.doc);
        return fse_error_set(FSE_E_NOMEM, "gen", "out of memory starting a document");
    }
    xmlDocSetRootElement(c.doc, c.root);
    c.ns = xmlNewNs(c.root, (const xmlChar *)"urn:hl7-org:v3", NULL);
    c.xsi = xmlNewNs(c.root, (const xmlChar *)"http://www.w3.org/2001/XMLSchema-instance",
                     (const xmlChar *)"xsi");
    if (c.ns == NULL || c.xsi == NULL) {
        xmlFreeDoc(c.doc);
        return fse_error_set(FSE_E_NOMEM, "gen", "out of memory starting a document");
    }
    xmlSetNs(c.root, c.ns);

    fse_gen__header(&c, t);
    body = fse_gen__el(&c, fse_gen__el(&c, c.root, "component"), "structuredBody");
    t->body(&c, body);
    rc = c.err;
    if (rc == FSE_OK) {
        rc = serialize(&c, cda_out, cda_len_out);
    }
    xmlFreeDoc(c.doc);
    return rc;
}

fse_err fse_gen_pdf(uint8_t **pdf_out, size_t *pdf_len_out, fse_gen_meta *meta, const uint8_t *cda,
                    size_t cda_len)
{
    fse_pdf_embed_opts o = {FSE_PDF_EMBED_ATTACHMENT, NULL};
    fse_err rc;

    if (pdf_out == NULL || pdf_len_out == NULL || cda == NULL) {
        return fse_error_set(FSE_E_ARG, "gen", "NULL argument");
    }
    rc = fse_pdf_embed_cda(pdf_out, pdf_len_out, cda, cda_len, &o);
    if (rc != FSE_OK) {
        return fse_error_prefix("gen");
    }
    if (meta != NULL) {
        rc = fse_cda_sha256_hex(meta->pdf_sha256, *pdf_out, *pdf_len_out);
        if (rc != FSE_OK) {
            fse_free(*pdf_out);
            *pdf_out = NULL;
            *pdf_len_out = 0;
            return fse_error_prefix("gen");
        }
    }
    return FSE_OK;
}

static const char *opt(const char *s)
{
    return s[0] != '\0' ? s : NULL;
}

void fse_gen_meta_request(fse_cda_request_metadata *out, const fse_gen_meta *m,
                          const char *atti[FSE_GEN_MAX_LIST],
                          const char *descriptions[FSE_GEN_MAX_LIST])
{
    size_t i;

    memset(out, 0, sizeof(*out));
    out->activity = "VALIDATION";
    out->health_data_format = "CDA";
    out->mode = "ATTACHMENT";
    out->tipologia_struttura = opt(m->tipologia_struttura);
    out->identificativo_doc = opt(m->identificativo_doc);
    out->identificativo_rep = opt(m->identificativo_rep);
    out->tipo_documento_liv_alto = opt(m->tipo_documento_liv_alto);
    out->assetto_organizzativo = opt(m->assetto_organizzativo);
    out->data_inizio_prestazione = opt(m->data_inizio_prestazione);
    out->data_fine_prestazione = opt(m->data_fine_prestazione);
    out->tipo_attivita_clinica = opt(m->tipo_attivita_clinica);
    out->identificativo_sottomissione = opt(m->identificativo_sottomissione);
    for (i = 0; i < m->n_atti_clinici && i < FSE_GEN_MAX_LIST; i++) {
        atti[i] = m->atti_clinici[i];
    }
    out->atti_clinici = m->n_atti_clinici > 0 ? atti : NULL;
    out->n_atti_clinici = m->n_atti_clinici;
    for (i = 0; i < m->n_descriptions && i < FSE_GEN_MAX_LIST; i++) {
        descriptions[i] = m->descriptions[i];
    }
    out->descriptions = m->n_descriptions > 0 ? descriptions : NULL;
    out->n_descriptions = m->n_descriptions;
}
