/*
 * src/bench_publish_load.c - the store `fse bench publish` runs on: a node
 * that already holds many documents (1,000,000 in the full run, 20,000 with
 * --quick), written directly through the store API in bulk transactions.
 *
 * Owns the pre-loaded documents (real generated CDAs and PDFs of the nine
 * types, each stored under a new identificativoDoc with its metadata, so
 * the tables, indexes and blobs have their real sizes), the cache of the
 * full run's store between runs (<cache>/store-<N>/ with preload.txt: how
 * many, how long the load took, where the next run's generator indexes
 * start), and removing the temporary store of --quick. Does not own the
 * node, the timed runs or the report (bench_publish_run.c, _out.c).
 */
#include "bench_publish.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fse/cda.h"
#include "fse/gen.h"
#include "fse/store.h"
#include "tool.h"

/* Base documents the pre-load cycles through: 100 of each type. */
#define BP_N_BASES 900
#define BP_BASE_SEED 424242
/* Patients the base documents are drawn from. */
#define BP_BASE_PATIENTS 5000
/* Documents per pre-load transaction. */
#define BP_LOAD_BATCH 2000
#define OID_CF "2.16.840.1.113883.2.9.4.3.2"

typedef struct bp_base {
    fse_gen_meta meta;
    uint8_t *cda;
    size_t cda_len;
    uint8_t *pdf;
    size_t pdf_len;
} bp_base;

static void remove_store_files(const bp_store *s)
{
    static const char *const suffixes[] = {"", "-wal", "-shm"};
    char path[PATH_MAX + 64];
    size_t i;

    for (i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        (void)snprintf(path, sizeof(path), "%s%s", s->db, suffixes[i]);
        unlink(path);
    }
    unlink(s->meta);
}

/* preload.txt of an earlier full run: true when it holds what we need. */
static bool read_meta(bp_store *s, uint64_t want)
{
    FILE *f = fopen(s->meta, "r");
    char line[256];
    unsigned long long docs = 0;
    unsigned long long next = 0;
    unsigned long long earlier = 0;

    if (f == NULL) {
        return false;
    }
    while (fgets(line, sizeof(line), f) != NULL) {
        (void)sscanf(line, "documents %llu", &docs);
        (void)sscanf(line, "seconds %lf", &s->load_seconds);
        (void)sscanf(line, "megabytes %lf", &s->load_mb);
        (void)sscanf(line, "next_index %llu", &next);
        (void)sscanf(line, "published_by_runs %llu", &earlier);
        if (strncmp(line, "made ", 5) == 0) {
            (void)snprintf(s->made_on, sizeof(s->made_on), "%.*s", (int)strcspn(line + 5, "\n"),
                           line + 5);
        }
    }
    fclose(f);
    s->n_docs = docs;
    s->next_index = next;
    s->earlier_docs = earlier;
    return docs == want && access(s->db, F_OK) == 0 && access(s->key, F_OK) == 0;
}

static void write_meta(const bp_store *s)
{
    FILE *f = fopen(s->meta, "w");

    if (f == NULL) {
        fprintf(stderr, "fse bench publish: %s: %s\n", s->meta, strerror(errno));
        return;
    }
    fprintf(f,
            "documents %" PRIu64 "\nseconds %.1f\nmegabytes %.0f\nmade %s\nnext_index %" PRIu64
            "\npublished_by_runs %" PRIu64 "\n",
            s->n_docs, s->load_seconds, s->load_mb, s->made_on, s->next_index, s->earlier_docs);
    fclose(f);
}

static void free_bases(bp_base *b, size_t n)
{
    size_t i;

    for (i = 0; b != NULL && i < n; i++) {
        fse_free(b[i].cda);
        fse_free(b[i].pdf);
    }
    fse_free(b);
}

static bp_base *make_bases(void)
{
    size_t n_types;
    const fse_doc_type *types = fse_gen_types(&n_types);
    bp_base *b = fse_calloc(BP_N_BASES, sizeof(*b));
    size_t i;

    for (i = 0; b != NULL && i < BP_N_BASES; i++) {
        fse_gen_opts o = FSE_GEN_OPTS_INIT;

        o.seed = BP_BASE_SEED;
        o.doc_type = types[i % n_types];
        o.patient_pool_size = BP_BASE_PATIENTS;
        if (fse_gen_document(&b[i].cda, &b[i].cda_len, &b[i].meta, &o, i / n_types + 1) != FSE_OK ||
            fse_gen_pdf(&b[i].pdf, &b[i].pdf_len, &b[i].meta, b[i].cda, b[i].cda_len) != FSE_OK) {
            fprintf(stderr, "fse bench publish: base documents: %s\n", fse_error_last()->message);
            free_bases(b, BP_N_BASES);
            return NULL;
        }
    }
    return b;
}

/* Strings of one pre-loaded document's metadata. */
typedef struct load_strings {
    char uid[200];
    char wii[300];
    char patient[64];
    char author[64];
    char creation[16];
    const char *events[FSE_GEN_MAX_LIST];
} load_strings;

/* The metadata of pre-loaded document k, made from base b as the gateway
 * makes it from a request (gw_publish.c), under a new identificativoDoc. */
static void load_meta(fse_store_doc_meta *m, load_strings *v, const bp_base *b, uint64_t k)
{
    const fse_gen_meta *g = &b->meta;
    size_t ext_len = strlen(g->id_extension);
    size_t i;

    memset(m, 0, sizeof(*m));
    (void)snprintf(v->uid, sizeof(v->uid), "%s^%.*sP%07" PRIu64, g->id_root,
                   (int)(ext_len > 8 ? ext_len - 8 : 0), g->id_extension, k);
    (void)snprintf(v->wii, sizeof(v->wii),
                   "%s.preload%" PRIu64 "^^^^urn:ihe:iti:xdw:2013:workflowInstanceId", g->id_root,
                   k);
    (void)snprintf(v->patient, sizeof(v->patient), "%s^^^&" OID_CF "&ISO", g->patient_cf);
    (void)snprintf(v->author, sizeof(v->author), "%s^^^^^^^^&" OID_CF "&ISO", g->author_cf);
    (void)snprintf(v->creation, sizeof(v->creation), "%.14s", g->effective_time);
    for (i = 0; i < g->n_atti_clinici && i < FSE_GEN_MAX_LIST; i++) {
        v->events[i] = g->atti_clinici[i];
    }
    m->unique_id = v->uid;
    m->repository_id = g->identificativo_rep;
    m->patient_id = v->patient;
    m->class_code = g->tipo_documento_liv_alto;
    m->type_code = g->loinc;
    m->format_code = fse_cda_doc_desc_get(g->doc_type)->template_root;
    m->practice_setting_code = g->assetto_organizzativo;
    m->facility_type_code = g->tipologia_struttura;
    m->content_type_code = g->tipo_attivita_clinica;
    m->event_codes = v->events;
    m->n_event_codes = i;
    m->author_person = v->author;
    m->author_role = g->subject_role;
    m->author_institution = g->locality;
    m->confidentiality_code = "N";
    m->title = g->title;
    m->creation_time = v->creation;
    m->service_start_time = g->data_inizio_prestazione;
    m->service_stop_time = g->data_fine_prestazione;
    m->submission_set_id = g->identificativo_sottomissione;
    m->workflow_instance_id = v->wii;
}

/* Put documents [0, n) in transactions of BP_LOAD_BATCH. */
static bool load(fse_store *st, const bp_base *bases, uint64_t n)
{
    int64_t now = fse_store_now_ms();
    uint64_t t0 = tool_now_ns();
    uint64_t k = 0;
    unsigned shown = 0;
    fse_err rc = FSE_OK;

    while (k < n && rc == FSE_OK) {
        uint64_t end = k + BP_LOAD_BATCH < n ? k + BP_LOAD_BATCH : n;

        rc = fse_store_tx_begin(st);
        for (; k < end && rc == FSE_OK; k++) {
            const bp_base *b = &bases[k % BP_N_BASES];
            fse_store_doc_meta m;
            load_strings v;

            load_meta(&m, &v, b, k);
            rc = fse_store_doc_put(st, &m, b->pdf, b->pdf_len, b->cda, b->cda_len, now, NULL);
        }
        rc = rc == FSE_OK ? fse_store_tx_commit(st) : rc;
        if (k * 20 / n > shown) {
            double s = (double)(tool_now_ns() - t0) / 1e9;

            shown = (unsigned)(k * 20 / n);
            fprintf(stderr, "  pre-load: %" PRIu64 "/%" PRIu64 " documents, %.0f s, %.0f docs/s\n",
                    k, n, s, s > 0 ? (double)k / s : 0.0);
        }
    }
    if (rc != FSE_OK) {
        (void)fse_store_tx_rollback(st);
        fprintf(stderr, "fse bench publish: pre-load: %s\n", fse_error_last()->message);
        return false;
    }
    return true;
}

/* A new store with n pre-loaded documents; its load time and size. */
static bool build_store(bp_store *s, uint64_t n)
{
    fse_store_opts so = FSE_STORE_OPTS_INIT;
    fse_store *st = NULL;
    bp_base *bases = NULL;
    struct stat sb;
    uint64_t t0 = tool_now_ns();
    time_t now = time(NULL);
    struct tm tm;
    bool ok = false;

    remove_store_files(s);
    unlink(s->key);
    if (fse_store_keyfile_create(s->key) != FSE_OK) {
        fprintf(stderr, "fse bench publish: %s\n", fse_error_last()->message);
        return false;
    }
    fprintf(stderr, "fse bench publish: pre-loading %" PRIu64 " documents into %s\n", n, s->db);
    bases = make_bases();
    so.path = s->db;
    so.master_key_path = s->key;
    if (bases != NULL && fse_store_open(&st, &so) != FSE_OK) {
        fprintf(stderr, "fse bench publish: %s\n", fse_error_last()->message);
    } else if (bases != NULL) {
        ok = load(st, bases, n);
    }
    fse_store_free(st);
    free_bases(bases, BP_N_BASES);
    if (!ok) {
        return false;
    }
    /* Part of the load: the timed runs must not wait behind the kernel
     * writing gigabytes of dirty pages back (it slows every fsync). */
    sync();
    s->n_docs = n;
    s->load_seconds = (double)(tool_now_ns() - t0) / 1e9;
    s->load_mb = stat(s->db, &sb) == 0 ? (double)sb.st_size / 1e6 : 0.0;
    gmtime_r(&now, &tm);
    (void)strftime(s->made_on, sizeof(s->made_on), "%Y-%m-%d %H:%M UTC", &tm);
    s->next_index = 0;
    return true;
}

bool bp_store_prepare(bp_store *s, const bp_opts *opts)
{
    memset(s, 0, sizeof(*s));
    if (opts->quick) {
        (void)snprintf(s->dir, sizeof(s->dir), "%s/quick-%ld", opts->cache_dir, (long)getpid());
        s->temporary = true;
    } else {
        (void)snprintf(s->dir, sizeof(s->dir), "%s/store-%" PRIu64, opts->cache_dir, opts->preload);
    }
    (void)snprintf(s->db, sizeof(s->db), "%s/node.db", s->dir);
    (void)snprintf(s->key, sizeof(s->key), "%s/master.key", s->dir);
    (void)snprintf(s->meta, sizeof(s->meta), "%s/preload.txt", s->dir);
    if (!bench_make_dirs(s->dir, "publish")) {
        return false;
    }
    if (!s->temporary && read_meta(s, opts->preload)) {
        s->reused = true;
        fprintf(stderr,
                "fse bench publish: reusing the store of %s (%" PRIu64
                " documents pre-loaded in %.0f s)\n",
                s->made_on, s->n_docs, s->load_seconds);
        return true;
    }
    if (!build_store(s, opts->preload)) {
        return false;
    }
    if (!s->temporary) {
        write_meta(s);
    }
    return true;
}

void bp_store_finish(bp_store *s, uint64_t used_indexes, uint64_t published)
{
    if (s->temporary) {
        remove_store_files(s);
        unlink(s->key);
        rmdir(s->dir);
        return;
    }
    s->next_index += used_indexes;
    s->earlier_docs += published;
    write_meta(s);
}
