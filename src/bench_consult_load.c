/*
 * src/bench_consult_load.c - the store `fse bench consult` searches: the
 * model's patients (bench_consult_model.c) written through the public
 * store API in large transactions: the registry record, the consent acts
 * and the documents of each patient, with small generated PDF and CDA
 * bytes (the search never opens them; their sealed rows give the table
 * its real shape).
 *
 * Owns the bulk load, its progress display, and the cache between runs:
 * <cache>/store-<patients>/ with node.db, master.key and store.txt (the
 * stamp: what was loaded, the model's base time, how long it took),
 * reused when the stamp matches; a store without a stamp (an interrupted
 * load) is built again. Does not own the node or the runs.
 */
#include "bench_consult.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fse/cda.h"
#include "tool.h"

/* Bumped whenever the model or the load changes what the store holds. */
#define BC_STORE_VERSION 1
/* Documents per load transaction (whole patients). */
#define BC_LOAD_BATCH 2000
#define OID_CF "2.16.840.1.113883.2.9.4.3.2"
#define DOC_ROOT "2.16.840.1.113883.2.9.2.120.4.4"
#define REPOSITORY "2.16.840.1.113883.2.9.2.120.4.5.1"

static void remove_files(const bc_store *s)
{
    static const char *const suffixes[] = {"", "-wal", "-shm"};
    char path[PATH_MAX + 64];
    size_t i;

    unlink(s->stamp);
    for (i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        (void)snprintf(path, sizeof(path), "%s%s", s->db, suffixes[i]);
        unlink(path);
    }
    unlink(s->key);
}

/* The stamp of an earlier load: true when it holds what we need. */
static bool read_stamp(bc_store *s, uint64_t patients)
{
    FILE *f = fopen(s->stamp, "r");
    char line[256];
    int version = 0;
    unsigned long long n = 0;
    unsigned long long docs = 0;
    long long base = 0;

    if (f == NULL) {
        return false;
    }
    while (fgets(line, sizeof(line), f) != NULL) {
        (void)sscanf(line, "version %d", &version);
        (void)sscanf(line, "patients %llu", &n);
        (void)sscanf(line, "documents %llu", &docs);
        (void)sscanf(line, "base_ms %lld", &base);
        (void)sscanf(line, "seconds %lf", &s->load_seconds);
        (void)sscanf(line, "megabytes %lf", &s->load_mb);
        if (strncmp(line, "made ", 5) == 0) {
            (void)snprintf(s->made_on, sizeof(s->made_on), "%.*s", (int)strcspn(line + 5, "\n"),
                           line + 5);
        }
    }
    fclose(f);
    s->patients = n;
    s->docs = docs;
    s->base_ms = base;
    return version == BC_STORE_VERSION && n == patients && base > 0 && access(s->db, F_OK) == 0 &&
           access(s->key, F_OK) == 0;
}

static bool write_stamp(const bc_store *s)
{
    FILE *f = fopen(s->stamp, "w");

    if (f == NULL) {
        fprintf(stderr, "fse bench consult: %s: cannot write\n", s->stamp);
        return false;
    }
    fprintf(f,
            "version %d\npatients %" PRIu64 "\ndocuments %" PRIu64 "\nbase_ms %" PRId64
            "\nseconds %.1f\nmegabytes %.0f\nmade %s\n",
            BC_STORE_VERSION, s->patients, s->docs, s->base_ms, s->load_seconds, s->load_mb,
            s->made_on);
    return fclose(f) == 0;
}

/* Registry record and consent acts of a patient. */
static fse_err put_patient(fse_store *st, const bc_patient *p, int64_t now_ms)
{
    fse_store_patient rec;
    fse_err rc;
    size_t i;

    memset(&rec, 0, sizeof(rec));
    rec.patient_id = p->cf;
    rec.birth_date = p->birth;
    rec.region = "120";
    rec.gp_id = p->gp_cf;
    rec.gp_from_ms = p->gp_from_ms;
    rc = fse_store_patient_put(st, &rec, now_ms);
    for (i = 0; rc == FSE_OK && i < p->n_consents; i++) {
        fse_store_consent c;
        bool minor = bc_model_minor(p->birth, p->consent_ms[i]);

        memset(&c, 0, sizeof(c));
        c.purpose = FSE_STORE_CONSENT_CURA;
        c.given = i == 0;
        c.time_ms = p->consent_ms[i];
        c.channel = "web";
        c.actor_id = p->cf;
        c.actor_role = minor ? "GEN" : "ASS";
        c.patient_minor = minor;
        rc = fse_store_consent_add(st, p->cf, &c, NULL);
    }
    return rc;
}

/* Strings of one document's metadata. */
typedef struct doc_strings {
    char uid[96];
    char replaces[96];
    char wii[160];
    char patient[64];
    char author[64];
    char institution[128];
    const char *events[2];
} doc_strings;

static void doc_meta(fse_store_doc_meta *m, doc_strings *v, const bc_patient *p, size_t j)
{
    const bc_doc *d = &p->docs[j];
    char author_cf[17];
    size_t n_events = 0;

    memset(m, 0, sizeof(*m));
    (void)snprintf(v->uid, sizeof(v->uid), DOC_ROOT "^BC%010" PRIu64 ".%zu", p->index, j);
    (void)snprintf(v->replaces, sizeof(v->replaces), DOC_ROOT "^BC%010" PRIu64 ".%zu", p->index,
                   j > 0 ? j - 1 : 0);
    (void)snprintf(v->wii, sizeof(v->wii),
                   DOC_ROOT ".BC%010" PRIu64 ".%zu^^^^urn:ihe:iti:xdw:2013:workflowInstanceId",
                   p->index, j);
    (void)snprintf(v->patient, sizeof(v->patient), "%s^^^&" OID_CF "&ISO", p->cf);
    if (d->by_gp) {
        memcpy(author_cf, p->gp_cf, sizeof(author_cf));
        bc_model_practice(v->institution, sizeof(v->institution), p->gp);
    } else {
        bc_model_hospital_doctor(author_cf, d->facility);
        bc_model_facility(v->institution, sizeof(v->institution), d->facility);
    }
    (void)snprintf(v->author, sizeof(v->author), "%s^^^^^^^^&" OID_CF "&ISO", author_cf);
    if ((d->visibility & FSE_STORE_VIS_OBSCURED) != 0) {
        v->events[n_events++] = "P99";
    }
    if ((d->visibility & FSE_STORE_VIS_NOT_PARENTS) != 0) {
        v->events[n_events++] = "P97";
    }
    m->unique_id = v->uid;
    m->repository_id = REPOSITORY;
    m->patient_id = v->patient;
    m->class_code = d->class_code;
    m->type_code = d->loinc;
    m->format_code = d->format_code;
    m->practice_setting_code = d->by_gp ? "AD_PSC131" : "AD_PSC009";
    m->facility_type_code = d->by_gp ? "Territorio" : "Ospedale";
    m->content_type_code = "CON";
    m->event_codes = n_events > 0 ? v->events : NULL;
    m->n_event_codes = n_events;
    m->author_person = v->author;
    m->author_role = d->by_gp ? "APR" : "AAS";
    m->author_institution = v->institution;
    m->confidentiality_code = (d->visibility & FSE_STORE_VIS_TUTELA) != 0 ? "V" : "N";
    m->title = fse_cda_doc_desc_get(fse_cda_doc_by_loinc(d->loinc))->title;
    m->creation_time = d->creation;
    m->service_start_time = d->creation;
    m->service_stop_time = d->creation;
    m->workflow_instance_id = v->wii;
    m->replaces_unique_id = d->replaces ? v->replaces : NULL;
    m->visibility = d->visibility;
}

/* Small PDF and CDA bytes naming the document (a few hundred bytes each). */
static void doc_bytes(char *pdf, size_t pdf_cap, size_t *pdf_len, char *cda, size_t cda_cap,
                      size_t *cda_len, const fse_store_doc_meta *m, const bc_patient *p)
{
    int n = snprintf(pdf, pdf_cap,
                     "%%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
                     "2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
                     "%% fse bench consult: %s, %s, %s\ntrailer\n<< /Root 1 0 R >>\n%%%%EOF\n",
                     m->unique_id, m->type_code, m->creation_time);

    *pdf_len = n > 0 && (size_t)n < pdf_cap ? (size_t)n : pdf_cap - 1;
    n = snprintf(cda, cda_cap,
                 "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                 "<ClinicalDocument xmlns=\"urn:hl7-org:v3\">"
                 "<typeId root=\"2.16.840.1.113883.1.3\" extension=\"POCD_HD000040\"/>"
                 "<templateId root=\"%s\"/><id root=\"" DOC_ROOT "\" extension=\"%s\"/>"
                 "<code code=\"%s\" codeSystem=\"2.16.840.1.113883.6.1\"/>"
                 "<effectiveTime value=\"%s\"/><confidentialityCode code=\"%s\"/>"
                 "<recordTarget><patientRole><id root=\"" OID_CF "\" extension=\"%s\"/>"
                 "</patientRole></recordTarget></ClinicalDocument>\n",
                 m->format_code != NULL ? m->format_code : "", m->unique_id, m->type_code,
                 m->creation_time, m->confidentiality_code, p->cf);
    *cda_len = n > 0 && (size_t)n < cda_cap ? (size_t)n : cda_cap - 1;
}

static fse_err put_docs(fse_store *st, const bc_patient *p, int64_t now_ms)
{
    fse_err rc = FSE_OK;
    size_t j;

    for (j = 0; rc == FSE_OK && j < p->n_docs; j++) {
        fse_store_doc_meta m;
        doc_strings v;
        char pdf[768];
        char cda[1024];
        size_t pdf_len;
        size_t cda_len;

        doc_meta(&m, &v, p, j);
        doc_bytes(pdf, sizeof(pdf), &pdf_len, cda, sizeof(cda), &cda_len, &m, p);
        rc = fse_store_doc_put(st, &m, (const uint8_t *)pdf, pdf_len, (const uint8_t *)cda, cda_len,
                               now_ms, NULL);
    }
    return rc;
}

static void progress(uint64_t done, uint64_t total, uint64_t t0, unsigned *shown)
{
    double s = (double)(tool_now_ns() - t0) / 1e9;

    if (done * 20 / total <= *shown) {
        return;
    }
    *shown = (unsigned)(done * 20 / total);
    fprintf(stderr, "  load: %" PRIu64 "/%" PRIu64 " patients, %.0f s, %.0f documents/s\n", done,
            total, s, s > 0 ? (double)(done * BC_DOCS_PER_PATIENT) / s : 0.0);
}

/* Every patient, in transactions of about BC_LOAD_BATCH documents. */
static bool load(fse_store *st, const bc_store *s)
{
    uint64_t per_tx = BC_LOAD_BATCH / BC_DOCS_PER_PATIENT;
    uint64_t t0 = tool_now_ns();
    uint64_t i = 0;
    unsigned shown = 0;
    fse_err rc = FSE_OK;

    while (i < s->patients && rc == FSE_OK) {
        uint64_t end = i + per_tx < s->patients ? i + per_tx : s->patients;

        rc = fse_store_tx_begin(st);
        for (; i < end && rc == FSE_OK; i++) {
            bc_patient p;

            bc_model_patient(&p, i, s->patients, s->base_ms);
            rc = put_patient(st, &p, s->base_ms);
            if (rc == FSE_OK) {
                rc = put_docs(st, &p, s->base_ms);
            }
        }
        rc = rc == FSE_OK ? fse_store_tx_commit(st) : rc;
        progress(i, s->patients, t0, &shown);
    }
    if (rc != FSE_OK) {
        fprintf(stderr, "fse bench consult: load: %s\n", fse_error_last()->message);
        (void)fse_store_tx_rollback(st);
        return false;
    }
    return true;
}

static bool build(bc_store *s, uint64_t patients)
{
    fse_store_opts so = FSE_STORE_OPTS_INIT;
    fse_store *st = NULL;
    struct stat sb;
    uint64_t t0 = tool_now_ns();
    time_t now = time(NULL);
    struct tm tm;
    bool ok = false;

    remove_files(s);
    s->patients = patients;
    s->docs = patients * BC_DOCS_PER_PATIENT;
    s->base_ms = fse_store_now_ms();
    fprintf(stderr,
            "fse bench consult: loading %" PRIu64 " patients and %" PRIu64
            " documents into %s (once; later runs reuse it)\n",
            s->patients, s->docs, s->db);
    so.path = s->db;
    so.master_key_path = s->key;
    if (fse_store_keyfile_create(s->key) != FSE_OK || fse_store_open(&st, &so) != FSE_OK) {
        fprintf(stderr, "fse bench consult: %s\n", fse_error_last()->message);
    } else {
        ok = load(st, s);
    }
    fse_store_free(st);
    if (!ok) {
        return false;
    }
    /* Part of the load: the runs must not wait for the kernel to write
     * the dirty pages back. */
    sync();
    s->load_seconds = (double)(tool_now_ns() - t0) / 1e9;
    s->load_mb = stat(s->db, &sb) == 0 ? (double)sb.st_size / 1e6 : 0.0;
    gmtime_r(&now, &tm);
    (void)strftime(s->made_on, sizeof(s->made_on), "%Y-%m-%d %H:%M UTC", &tm);
    return write_stamp(s);
}

bool bc_store_prepare(bc_store *s, const bc_opts *opts)
{
    memset(s, 0, sizeof(*s));
    (void)snprintf(s->dir, sizeof(s->dir), "%s/store-%" PRIu64, opts->cache_dir, opts->patients);
    (void)snprintf(s->db, sizeof(s->db), "%s/node.db", s->dir);
    (void)snprintf(s->key, sizeof(s->key), "%s/master.key", s->dir);
    (void)snprintf(s->stamp, sizeof(s->stamp), "%s/store.txt", s->dir);
    if (!bench_make_dirs(s->dir, "consult")) {
        return false;
    }
    if (read_stamp(s, opts->patients)) {
        s->reused = true;
        fprintf(stderr,
                "fse bench consult: reusing the store of %s (%" PRIu64 " patients, %" PRIu64
                " documents, loaded in %.0f s)\n",
                s->made_on, s->patients, s->docs, s->load_seconds);
        return true;
    }
    return build(s, opts->patients);
}
