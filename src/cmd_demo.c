/*
 * src/cmd_demo.c - `fse demo`: a publication and consultation node in one
 * command. Creates (or reuses) a node directory with a master key, a store,
 * a test PKI and a config file, starts the Gateway endpoints (and the
 * consultation ones, src/demo_node.c) in-process on 127.0.0.1, publishes
 * generated documents of every type over HTTP with the real two steps
 * (validation, then publication) from a few keep-alive clients, prints a
 * summary, seeds the consultation state (registry, consents, a delegate
 * and a parent) and prints curl commands to try publication and
 * consultation, and serves until SIGINT or SIGTERM (--no-wait: stops once
 * the documents are published).
 *
 * Owns the options, which documents a run publishes (seed, type and
 * generator index; demo-next-index makes a rerun publish new ones), the
 * building and publishing threads, the progress display, the summary, the
 * curl/ files and commands, the signals and the exit code (0 all published,
 * 1 some refused, failed or interrupted, 2 usage or start-up error). The
 * node directory and start-up are src/demo_node.c's, the seeded
 * consultation state and its curl commands src/demo_consult.c's, the
 * identity provider src/demo_idp.c's, documents and tokens lib/gen's, the
 * endpoints lib/gateway's and lib/consult's, the client src/http_client.c's.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "demo.h"
#include "fse/gen.h"
#include "fse/jwt.h"
#include "http_client.h"
#include "tool.h"

#define DEMO_DEFAULT_DIR "fse-demo"
#define DEMO_DEFAULT_COUNT 3000
/* Every document is built before publishing starts (about 20 KB each). */
#define DEMO_MAX_COUNT 20000
#define DEMO_CLIENTS 4
#define DEMO_CLIENT_TIMEOUT_MS 120000
#define DEMO_MAX_TYPES 16
#define DEMO_MAX_REASONS 6
/* Tokens are issued a minute in the past so clock skew never matters. */
#define DEMO_IAT_BACKDATE_S 60

typedef struct demo_reason {
    char text[96];
    size_t n;
} demo_reason;

typedef struct demo_tally {
    size_t published;
    size_t refused;
    demo_reason reasons[DEMO_MAX_REASONS];
    size_t n_reasons;
} demo_tally;

/* One publishing run shared by the client threads. */
typedef struct demo_run {
    hc_doc *docs;
    demo_patient *patients; /* per document; published set by record() */
    size_t n;
    size_t n_types;
    const demo_node *node;
    _Atomic size_t next;
    _Atomic size_t done;
    _Atomic size_t clients_left;
    pthread_mutex_t lock; /* guards tally, sample_wii, patients[].published */
    demo_tally tally[DEMO_MAX_TYPES];
    uint64_t *latency_us; /* per document: both round trips; 0 unless published */
    char sample_wii[257]; /* a published document's workflow */
} demo_run;

/* Set by SIGINT/SIGTERM; the server the handler asks to stop. */
static atomic_bool demo_interrupted;
static fse_http_server *volatile demo_target;

static void on_signal(int sig)
{
    (void)sig;
    atomic_store(&demo_interrupted, true);
    if (demo_target != NULL) {
        fse_http_server_shutdown_signal(demo_target);
    }
}

static void usage(FILE *out)
{
    fprintf(out,
            "usage: fse demo [--dir DIR] [--count N] [--port P] [--seed S] [--clients N]\n"
            "                [--rules DIR] [--no-wait] [--regions N [--quarters Q]]\n"
            "\n"
            "Create a publication node in DIR with a test CA, start it on 127.0.0.1, publish\n"
            "generated documents of the nine types over HTTP (validation, then publication,\n"
            "as a Gateway client does), print a summary and curl commands, and keep serving\n"
            "until Ctrl-C. A second run in the same DIR reuses its key, store and CA and\n"
            "publishes new documents. The PAdES check is off: generated PDFs are unsigned.\n"
            "\n"
            "The node also answers consultation (/fhir, /citizen/v1, /consult/v1): the\n"
            "patients of the published documents get a registry record with a demo GP,\n"
            "most the consent for cura, one a delegate and a minor a parent, and a demo\n"
            "identity provider standing in for SPID/CIE issues token pairs\n"
            "(POST /demo/idp/token; the demo's people: GET /demo/idp/people).\n"
            "\n"
            "  --dir DIR      node directory (default " DEMO_DEFAULT_DIR ")\n"
            "  --count N      documents to publish (default %d, at most %d)\n"
            "  --port P       TCP port on 127.0.0.1 (default 8080; 0: any free port)\n"
            "  --seed S       generator seed (default 1): same seed, same documents\n"
            "  --clients N    concurrent HTTP clients, one keep-alive connection each\n"
            "                 (default %d)\n"
            "  --rules DIR    rules catalog (default: as fse validate)\n"
            "  --no-wait      stop once the documents are published\n"
            "  --regions N    also fill N regions (1-21) with a history for the adoption\n"
            "                 dashboard (/monitoraggio/, docs/monitor.md), once per DIR\n"
            "  --quarters Q   that history's quarters up to the current one (default 8)\n"
            "\n"
            "Exit status: 0 all documents published, 1 some refused or failed (or\n"
            "interrupted), 2 usage or start-up error.\n",
            DEMO_DEFAULT_COUNT, DEMO_MAX_COUNT, DEMO_CLIENTS);
}

static int parse_args(demo_args *a, int argc, char **argv)
{
    long v;
    int i;

    memset(a, 0, sizeof(*a));
    a->dir = DEMO_DEFAULT_DIR;
    a->count = DEMO_DEFAULT_COUNT;
    a->port = 8080;
    a->seed = 1;
    a->clients = DEMO_CLIENTS;
    a->quarters = 8;
    for (i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        bool ok = true;

        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            usage(stdout);
            return 0;
        }
        if (strcmp(arg, "--no-wait") == 0) {
            a->no_wait = true;
            continue;
        }
        if (val == NULL) {
            ok = false;
        } else if (strcmp(arg, "--dir") == 0) {
            a->dir = val;
        } else if (strcmp(arg, "--rules") == 0) {
            a->rules = val;
        } else if (strcmp(arg, "--count") == 0) {
            ok = tool_parse_long(val, 1, DEMO_MAX_COUNT, &a->count);
        } else if (strcmp(arg, "--port") == 0) {
            ok = tool_parse_long(val, 0, 65535, &a->port);
        } else if (strcmp(arg, "--clients") == 0) {
            ok = tool_parse_long(val, 1, 64, &a->clients);
        } else if (strcmp(arg, "--regions") == 0) {
            ok = tool_parse_long(val, 1, 21, &a->regions);
        } else if (strcmp(arg, "--quarters") == 0) {
            ok = tool_parse_long(val, 1, FSE_MONITOR_MAX_QUARTERS, &a->quarters);
        } else if (strcmp(arg, "--seed") == 0) {
            ok = tool_parse_long(val, 0, LONG_MAX, &v);
            a->seed = (uint64_t)v;
        } else {
            ok = false;
        }
        if (!ok) {
            fprintf(stderr, "fse demo: unknown option or bad value: %s\n", arg);
            usage(stderr);
            return 2;
        }
        i++;
    }
    return -1;
}

/* ---- Progress ----------------------------------------------------------- */

typedef struct demo_progress {
    const char *what;
    size_t total;
    bool tty;
    uint64_t t0;
    size_t last_tenth;
    bool ended; /* the final line was shown */
} demo_progress;

static void progress_init(demo_progress *p, const char *what, size_t total)
{
    memset(p, 0, sizeof(*p));
    p->what = what;
    p->total = total;
    p->tty = isatty(STDOUT_FILENO) == 1;
    p->t0 = tool_now_ns();
}

/* A bar redrawn in place on a terminal; a line per tenth otherwise. */
static void progress_show(demo_progress *p, size_t done)
{
    double s = (double)(tool_now_ns() - p->t0) / 1e9;
    double rate = s > 0 ? (double)done / s : 0;
    size_t tenth = p->total > 0 ? done * 10 / p->total : 10;

    if (p->ended) {
        return;
    }
    p->ended = done == p->total;
    if (p->tty) {
        char bar[31];
        size_t fill = p->total > 0 ? done * 30 / p->total : 30;
        size_t i;

        for (i = 0; i < 30; i++) {
            bar[i] = i < fill ? '#' : '.';
        }
        bar[30] = '\0';
        printf("\r  %-10s [%s] %zu/%zu %3zu%% %6.0f docs/s", p->what, bar, done, p->total,
               p->total > 0 ? done * 100 / p->total : 100, rate);
        if (done == p->total) {
            printf("\n");
        }
    } else if (tenth > p->last_tenth) {
        printf("  %s: %zu/%zu (%zu%%), %.0f docs/s\n", p->what, done, p->total, tenth * 10, rate);
        p->last_tenth = tenth;
    }
    fflush(stdout);
}

/* ---- Building the documents --------------------------------------------- */

typedef struct demo_build {
    uint64_t seed;
    uint64_t first_index;
    const fse_doc_type *types;
    size_t n_types;
    hc_doc_opts opts;
    hc_doc *docs;
    demo_patient *patients; /* the patient of each document */
    size_t n;
    _Atomic size_t done;
    atomic_bool finished;
    fse_err rc;
    char message[FSE_ERROR_MSG_MAX];
} demo_build;

/* Document i: type i mod 9, generator index first_index + i / 9 + 1; its
 * patient is kept for the consultation state. */
static fse_err make_doc(hc_doc *d, size_t i, void *ud)
{
    const demo_build *b = ud;
    fse_gen_opts go = FSE_GEN_OPTS_INIT;
    fse_gen_meta *m = fse_calloc(1, sizeof(*m));
    demo_patient *p = &b->patients[i];
    uint8_t *cda = NULL;
    size_t cda_len = 0;
    fse_err rc;

    memset(d, 0, sizeof(*d));
    if (m == NULL) {
        return fse_error_set(FSE_E_NOMEM, "demo", "out of memory");
    }
    go.seed = b->seed;
    go.doc_type = b->types[i % b->n_types];
    rc = fse_gen_document(&cda, &cda_len, m, &go, b->first_index + i / b->n_types + 1);
    if (rc == FSE_OK) {
        rc = hc_doc_build(d, m, cda, cda_len, &b->opts);
    }
    if (rc == FSE_OK) {
        (void)snprintf(p->cf, sizeof(p->cf), "%s", m->patient_cf);
        (void)snprintf(p->name, sizeof(p->name), "%s %s", m->patient_given, m->patient_family);
        (void)snprintf(p->gender, sizeof(p->gender), "%s", m->patient_gender);
        (void)snprintf(p->birth_date, sizeof(p->birth_date), "%s", m->patient_birth_date);
        (void)snprintf(p->locality, sizeof(p->locality), "%s", m->locality);
    }
    fse_free(cda);
    fse_free(m);
    return rc;
}

static void *build_main(void *arg)
{
    demo_build *b = arg;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);

    b->rc = hc_build_all(b->docs, b->n, cpus > 0 ? (unsigned)cpus : 1, make_doc, b, &b->done);
    if (b->rc != FSE_OK) {
        (void)snprintf(b->message, sizeof(b->message), "%s", fse_error_last()->message);
    }
    atomic_store(&b->finished, true);
    return NULL;
}

/* Generate, embed and sign every document, showing progress. */
static bool build_docs(demo_build *b)
{
    demo_progress p;
    pthread_t t;

    progress_init(&p, "generating", b->n);
    if (pthread_create(&t, NULL, build_main, b) != 0) {
        fprintf(stderr, "fse demo: cannot start a thread\n");
        return false;
    }
    while (!atomic_load(&b->finished)) {
        usleep(100000);
        progress_show(&p, atomic_load(&b->done));
    }
    pthread_join(t, NULL);
    if (b->rc != FSE_OK) {
        fprintf(stderr, "\nfse demo: generating documents: %s\n", b->message);
        return false;
    }
    progress_show(&p, b->n);
    return true;
}

/* ---- Publishing --------------------------------------------------------- */

static void add_reason(demo_tally *t, const char *text)
{
    size_t i;

    for (i = 0; i < t->n_reasons; i++) {
        if (strcmp(t->reasons[i].text, text) == 0) {
            t->reasons[i].n++;
            return;
        }
    }
    if (t->n_reasons == DEMO_MAX_REASONS) {
        i = DEMO_MAX_REASONS - 1;
        (void)snprintf(t->reasons[i].text, sizeof(t->reasons[i].text), "other");
        t->reasons[i].n++;
        return;
    }
    (void)snprintf(t->reasons[t->n_reasons].text, sizeof(t->reasons[0].text), "%s", text);
    t->reasons[t->n_reasons++].n = 1;
}

static void record(demo_run *r, size_t i, const hc_outcome *o)
{
    demo_tally *t = &r->tally[i % r->n_types];
    char reason[96];

    pthread_mutex_lock(&r->lock);
    if (o->published) {
        t->published++;
        r->patients[i].published = true;
        r->latency_us[i] = o->validation_us + o->publication_us;
        if (r->sample_wii[0] == '\0') {
            (void)snprintf(r->sample_wii, sizeof(r->sample_wii), "%s", o->wii);
        }
    } else {
        t->refused++;
        if (!o->answered) {
            (void)snprintf(reason, sizeof(reason), "no answer to the %s call",
                           o->failed_step == 0 ? "validation" : "publication");
        } else {
            (void)snprintf(reason, sizeof(reason), "%s %u %s",
                           o->publication_us > 0 ? "publication" : "validation", o->status,
                           o->problem[0] != '\0' ? o->problem : "");
        }
        add_reason(t, reason);
    }
    pthread_mutex_unlock(&r->lock);
}

static void *client_main(void *arg)
{
    demo_run *r = arg;
    hc_conn c;

    hc_conn_init(&c, "127.0.0.1", r->node->port, DEMO_CLIENT_TIMEOUT_MS);
    for (;;) {
        size_t i = atomic_fetch_add(&r->next, 1);
        hc_outcome o;

        if (i >= r->n || atomic_load(&demo_interrupted)) {
            break;
        }
        (void)hc_publish(&c, &r->docs[i], &o);
        record(r, i, &o);
        atomic_fetch_add(&r->done, 1);
    }
    hc_conn_close(&c);
    atomic_fetch_sub(&r->clients_left, 1);
    return NULL;
}

/* Run the clients until every document was sent (or a signal came). */
static double publish_docs(demo_run *r, long clients)
{
    pthread_t tids[64];
    demo_progress p;
    long started = 0;
    long t;

    progress_init(&p, "publishing", r->n);
    atomic_store(&r->clients_left, (size_t)clients);
    for (t = 0; t < clients; t++) {
        if (pthread_create(&tids[started], NULL, client_main, r) == 0) {
            started++;
        } else {
            atomic_fetch_sub(&r->clients_left, 1);
        }
    }
    while (atomic_load(&r->clients_left) > 0) {
        usleep(100000);
        if (atomic_load(&r->done) < r->n) {
            progress_show(&p, atomic_load(&r->done));
        }
    }
    for (t = 0; t < started; t++) {
        pthread_join(tids[t], NULL);
    }
    progress_show(&p, atomic_load(&r->done));
    if (p.tty && atomic_load(&r->done) < r->n) {
        printf("\n");
    }
    return (double)(tool_now_ns() - p.t0) / 1e9;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a;
    uint64_t y = *(const uint64_t *)b;

    return x < y ? -1 : x > y;
}

/* Per type: published and refused with reasons; totals and latency. */
static size_t print_summary(const demo_run *r, const fse_doc_type *types, double secs)
{
    uint64_t *lat = fse_calloc(r->n > 0 ? r->n : 1, sizeof(*lat));
    size_t published = 0;
    size_t refused = 0;
    size_t n_lat = 0;
    size_t i;
    size_t k;

    printf("\n  %-10s %9s %8s  %s\n", "type", "published", "refused", "reasons");
    for (i = 0; i < r->n_types; i++) {
        const demo_tally *t = &r->tally[i];

        printf("  %-10s %9zu %8zu  ", fse_cda_doc_desc_get(types[i])->name, t->published,
               t->refused);
        for (k = 0; k < t->n_reasons; k++) {
            printf("%s%s: %zu", k > 0 ? "; " : "", t->reasons[k].text, t->reasons[k].n);
        }
        printf("%s\n", t->n_reasons == 0 ? "-" : "");
        published += t->published;
        refused += t->refused;
    }
    printf("  %-10s %9zu %8zu\n\n", "total", published, refused);
    for (i = 0; lat != NULL && i < r->n; i++) {
        if (r->latency_us[i] > 0) {
            lat[n_lat++] = r->latency_us[i];
        }
    }
    printf("fse demo: %zu documents published in %.1f s: %.0f documents/s (%zu requests, "
           "validation + publication each)\n",
           published, secs, secs > 0 ? (double)published / secs : 0.0, 2 * published);
    if (n_lat > 0) {
        qsort(lat, n_lat, sizeof(*lat), cmp_u64);
        printf("fse demo: per document (both calls): p50 %.1f ms, p99 %.1f ms\n",
               (double)lat[n_lat / 2] / 1000.0, (double)lat[(n_lat * 99) / 100] / 1000.0);
    }
    fse_free(lat);
    return refused;
}

/* ---- Trying the node with curl ------------------------------------------ */

/* Write curl/<name> in the node directory. */
static bool curl_file(const demo_node *n, const char *name, const void *data, size_t len)
{
    char path[PATH_MAX + 128];

    (void)snprintf(path, sizeof(path), "%s/%s", n->path[DEMO_P_CURL], name);
    return demo_write_file(path, data, len, 0600);
}

static bool curl_token(const demo_node *n, const char *name, const char *token)
{
    return curl_file(n, name, token, strlen(token));
}

/* A document not yet published (generator index `index`), its request
 * bodies, its tokens and a status token, in curl/. */
static bool write_curl_files(const demo_node *n, uint64_t seed, uint64_t index, int64_t iat)
{
    fse_gen_opts go = FSE_GEN_OPTS_INIT;
    fse_gen_token_opts to = FSE_GEN_TOKEN_OPTS_INIT;
    fse_jwt_pair_opts so = FSE_JWT_PAIR_OPTS_INIT;
    fse_gen_meta *m = fse_calloc(1, sizeof(*m));
    fse_gen_tokens tokens;
    uint8_t *cda = NULL;
    uint8_t *pdf = NULL;
    size_t cda_len = 0;
    size_t pdf_len = 0;
    char *status_auth = NULL;
    char *status_sig = NULL; /* none for STATUS */
    fse_buf vbody;
    fse_buf pbody;
    bool ok;

    memset(&tokens, 0, sizeof(tokens));
    fse_buf_init(&vbody, 1u << 16);
    fse_buf_init(&pbody, 1u << 16);
    go.seed = seed;
    to.audience = n->base_url;
    to.iat = iat;
    so.op = FSE_JWT_OP_STATUS;
    so.audience = n->base_url;
    so.iat = iat;
    so.validity = 24 * 3600;
    ok = m != NULL && fse_gen_document(&cda, &cda_len, m, &go, index) == FSE_OK &&
         fse_gen_pdf(&pdf, &pdf_len, m, cda, cda_len) == FSE_OK &&
         fse_gen_tokens_make(&tokens, m, n->signer, &to) == FSE_OK &&
         hc_request_body(&vbody, m, "VALIDATION") == FSE_OK &&
         hc_request_body(&pbody, m, NULL) == FSE_OK;
    if (ok) {
        so.sub_cf = m->author_cf;
        ok = fse_jwt_make_pair(&status_auth, &status_sig, n->signer, &so) == FSE_OK;
    }
    if (!ok) {
        fprintf(stderr, "fse demo: curl example: %s\n", fse_error_last()->message);
    }
    ok = ok && (mkdir(n->path[DEMO_P_CURL], 0700) == 0 || errno == EEXIST) &&
         curl_file(n, "document.pdf", pdf, pdf_len) &&
         curl_file(n, "validation.json", vbody.data, vbody.len) &&
         curl_file(n, "publication.json", pbody.data, pbody.len) &&
         curl_token(n, "validation.auth", tokens.validation.authorization) &&
         curl_token(n, "validation.sig", tokens.validation.signature) &&
         curl_token(n, "publication.auth", tokens.create.authorization) &&
         curl_token(n, "publication.sig", tokens.create.signature) &&
         curl_token(n, "status.auth", status_auth);
    fse_gen_tokens_free(&tokens);
    fse_free(status_auth);
    fse_free(status_sig);
    fse_buf_free(&vbody);
    fse_buf_free(&pbody);
    fse_free(cda);
    fse_free(pdf);
    fse_free(m);
    return ok;
}

static void print_curl(const demo_node *n, const char *wii)
{
    const char *c = n->path[DEMO_P_CURL];
    char *enc = fse_malloc(3 * strlen(wii) + 1);
    static const char *const calls[2][2] = {{"documents/validation", "validation"},
                                            {"documents", "publication"}};
    size_t i;

    printf("\nTry it (tokens in %s, valid for 24 hours):\n\n", c);
    printf("  curl -s %s/status\n", n->base_url);
    if (enc != NULL && wii[0] != '\0') {
        hc_encode_segment(enc, wii);
        printf("  curl -s -H \"Authorization: Bearer $(cat %s/status.auth)\" \\\n"
               "       %s/status/%s\n",
               c, n->base_url, enc);
    }
    printf("\n  # publish a new document: validation, then publication\n");
    for (i = 0; i < 2; i++) {
        printf("  curl -s %s/%s \\\n"
               "       -H \"Authorization: Bearer $(cat %s/%s.auth)\" \\\n"
               "       -H \"FSE-JWT-Signature: $(cat %s/%s.sig)\" \\\n"
               "       -F \"file=@%s/document.pdf;type=application/pdf\" \\\n"
               "       -F \"requestBody=<%s/%s.json;type=application/json\"\n",
               n->base_url, calls[i][0], c, calls[i][1], c, calls[i][1], c, c, calls[i][1]);
    }
    fse_free(enc);
}

static void print_more(const demo_node *n)
{
    printf("\n  More documents and tokens: fse gen --pki %s --audience %s --count 5\n",
           n->path[DEMO_P_PKI], n->base_url);
    printf("  Serve this node again later: fse serve --config %s (consultation too, without\n"
           "  the demo identity provider)\n",
           n->path[DEMO_P_CONF]);
}

/* ---- The command -------------------------------------------------------- */

static void install_signals(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, NULL);
}

static void print_node(const demo_node *n)
{
    printf("fse demo: node directory %s (%s)\n", n->dir,
           n->reused ? "reused: its store keeps earlier documents" : "created");
    printf("  master key  %s\n  store       %s\n  test PKI    %s (CA ca.pem, signer sig.pem)\n"
           "  config      %s\n  log         %s\n",
           n->path[DEMO_P_KEY], n->path[DEMO_P_DB], n->path[DEMO_P_PKI], n->path[DEMO_P_CONF],
           n->path[DEMO_P_LOG]);
    printf("fse demo: loading the rules catalog %s and starting the node...\n",
           n->cfg.validate.rules_dir);
    fflush(stdout);
}

/* Build the documents of the run, publish them, print the summary. The
 * number of documents not published; SIZE_MAX on a start-up failure. */
static size_t run_documents(demo_node *n, const demo_args *a, int64_t iat)
{
    demo_build b;
    demo_run r;
    double secs;
    size_t i;
    size_t failed = SIZE_MAX;

    memset(&b, 0, sizeof(b));
    memset(&r, 0, sizeof(r));
    b.seed = a->seed;
    b.first_index = n->first_index;
    b.types = fse_gen_types(&b.n_types);
    b.opts.signer = n->signer;
    b.opts.audience = n->base_url;
    b.opts.iat = iat;
    b.opts.host = n->host;
    b.n = (size_t)a->count;
    b.docs = fse_calloc(b.n, sizeof(*b.docs));
    b.patients = fse_calloc(b.n, sizeof(*b.patients));
    r.latency_us = fse_calloc(b.n, sizeof(*r.latency_us));
    pthread_mutex_init(&r.lock, NULL);
    printf("fse demo: %zu documents of %zu types (seed %" PRIu64 ", generator indexes from %" PRIu64
           "), each with its PDF and its two token pairs\n",
           b.n, b.n_types, a->seed, n->first_index + 1);
    if (b.docs != NULL && b.patients != NULL && r.latency_us != NULL &&
        b.n_types <= DEMO_MAX_TYPES && build_docs(&b) && !atomic_load(&demo_interrupted)) {
        printf("fse demo: publishing over HTTP with %ld clients (keep-alive): POST "
               "/v1/documents/validation, then POST /v1/documents\n",
               a->clients);
        r.docs = b.docs;
        r.patients = b.patients;
        r.n = b.n;
        r.n_types = b.n_types;
        r.node = n;
        secs = publish_docs(&r, a->clients);
        failed = print_summary(&r, b.types, secs) + (b.n - atomic_load(&r.done));
        if (atomic_load(&demo_interrupted)) {
            printf("fse demo: interrupted: %zu of %zu documents sent\n", atomic_load(&r.done), b.n);
        } else if (!demo_consult_seed(n, b.patients, b.n, a->seed, (int64_t)time(NULL)) ||
                   !write_curl_files(n, a->seed,
                                     n->first_index + (b.n + b.n_types - 1) / b.n_types + 1, iat)) {
            failed = failed == 0 ? 1 : failed;
        } else {
            print_curl(n, r.sample_wii);
            if (!demo_consult_curl(n, iat)) {
                failed = failed == 0 ? 1 : failed;
            }
            print_more(n);
        }
    }
    for (i = 0; b.docs != NULL && i < b.n; i++) {
        hc_doc_free(&b.docs[i]);
    }
    fse_free(b.docs);
    fse_free(b.patients);
    fse_free(r.latency_us);
    pthread_mutex_destroy(&r.lock);
    return failed;
}

/* Remember where the next run's generator indexes start. */
static void save_next_index(const demo_node *n, const demo_args *a)
{
    size_t n_types;
    char text[32];
    uint64_t next;

    (void)fse_gen_types(&n_types);
    next = n->first_index + ((uint64_t)a->count + n_types - 1) / n_types + 1;
    (void)snprintf(text, sizeof(text), "%" PRIu64 "\n", next);
    (void)demo_write_file(n->path[DEMO_P_NEXT], text, strlen(text), 0600);
}

int cmd_demo(int argc, char **argv)
{
    demo_args a;
    demo_node n;
    int64_t now = (int64_t)time(NULL);
    uint64_t t0;
    size_t failed;
    int status = parse_args(&a, argc, argv);

    if (status >= 0) {
        return status;
    }
    status = 2;
    memset(&n, 0, sizeof(n));
    install_signals();
    if (!demo_node_prepare(&n, &a, now)) {
        goto done;
    }
    print_node(&n);
    t0 = tool_now_ns();
    if (!demo_node_listen(&n, a.port)) {
        goto done;
    }
    demo_target = n.srv;
    printf("fse demo: serving %s (%ld threads, outbox worker on), started in %.1f s\n", n.base_url,
           n.cfg.server.threads, (double)(tool_now_ns() - t0) / 1e9);
    printf("fse demo: PAdES check off (server.pades_check = false): the generated PDFs are "
           "not signed\n");
    if (a.regions > 0 && !demo_monitor_seed(&n, &a, now * 1000)) {
        goto done;
    }
    failed = run_documents(&n, &a, now - DEMO_IAT_BACKDATE_S);
    if (failed == SIZE_MAX) {
        goto done;
    }
    save_next_index(&n, &a);
    status = failed > 0 || atomic_load(&demo_interrupted) ? 1 : 0;
    if (!a.no_wait && !atomic_load(&demo_interrupted)) {
        printf("\nfse demo: serving %s until Ctrl-C (SIGINT) or SIGTERM\n", n.base_url);
    }
    fflush(stdout);
    if (a.no_wait) {
        fse_http_server_shutdown_signal(n.srv);
    }
    if (fse_http_server_wait(n.srv) != FSE_OK) {
        fprintf(stderr, "fse demo: requests were cut at shutdown\n");
    }
    printf("fse demo: stopped\n");
done:
    demo_target = NULL;
    demo_node_free(&n);
    return status;
}
