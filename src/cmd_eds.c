/*
 * src/cmd_eds.c - `fse eds export` and `fse eds count`: the pseudonymised
 * store (UD-P) of the node for one purpose, as FHIR Bulk Data NDJSON files
 * (one per resource type, plus manifest.json), and aggregate counts over it
 * with cells under k = FSE_EDS_MIN_CELL refused ("<10").
 *
 * Owns argument parsing, the node secret file (read, or created with 32
 * random bytes beside the master key when the default path is used and the
 * file is absent), the output files and the manifest, and the exit code
 * (0 done, 1 the export failed, 2 usage or I/O error). The
 * pseudonymisation and the counts are lib/eds's (fse/eds.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "cmd.h"
#include "fse/config.h"
#include "fse/eds.h"
#include "fse/json.h"
#include "fse/store.h"
#include "fse/store_eds.h"
#include "fse/util.h"
#include "tool.h"

#define SECRET_NAME "eds-pseudonym.secret"
#define SECRET_MAX 4096u
/* Resource types written (the converter produces about twenty). */
#define MAX_TYPES 64u

typedef struct eds_args {
    const char *sub;
    const char *config_file;
    const char *purpose;
    const char *out_dir;
    const char *secret_file;
    const char *by;
} eds_args;

static void usage(FILE *out)
{
    fprintf(out,
            "usage: fse eds export --purpose NAME --out DIR [--config FILE] [--secret-file F]\n"
            "       fse eds count --purpose NAME --by type|code [--config FILE] [--secret-file F]\n"
            "\n"
            "export: every current, visible bundle of the regional store, pseudonymised for\n"
            "  the purpose (the patient as a keyed pseudonym, direct identifiers removed,\n"
            "  birth date cut to the year), as FHIR Bulk Data NDJSON in DIR: one\n"
            "  <Type>.ndjson per resource type and manifest.json.\n"
            "count: resources per type, or per type and code, over the same data; cells\n"
            "  under %u resources or patients are printed as \"<%u\".\n"
            "  --secret-file F  the node secret (>= %u bytes); default: " SECRET_NAME " beside\n"
            "                   store.master_key, created when absent\n"
            "\n"
            "Exit status: 0 done, 1 the export failed, 2 usage or I/O error.\n",
            FSE_EDS_MIN_CELL, FSE_EDS_MIN_CELL, FSE_EDS_SECRET_MIN);
}

static bool parse_args(eds_args *a, int argc, char **argv)
{
    int i;

    memset(a, 0, sizeof(*a));
    if (argc < 2) {
        return false;
    }
    a->sub = argv[1];
    for (i = 2; i < argc; i++) {
        const char **slot = NULL;

        if (strcmp(argv[i], "--config") == 0) {
            slot = &a->config_file;
        } else if (strcmp(argv[i], "--purpose") == 0) {
            slot = &a->purpose;
        } else if (strcmp(argv[i], "--out") == 0) {
            slot = &a->out_dir;
        } else if (strcmp(argv[i], "--secret-file") == 0) {
            slot = &a->secret_file;
        } else if (strcmp(argv[i], "--by") == 0) {
            slot = &a->by;
        }
        if (slot == NULL || i + 1 >= argc) {
            return false;
        }
        *slot = argv[++i];
    }
    if (a->purpose == NULL) {
        return false;
    }
    if (strcmp(a->sub, "export") == 0) {
        return a->out_dir != NULL && a->by == NULL;
    }
    return strcmp(a->sub, "count") == 0 && a->out_dir == NULL && a->by != NULL &&
           (strcmp(a->by, "type") == 0 || strcmp(a->by, "code") == 0);
}

/* ---- The node secret ----------------------------------------------------- */

static bool secret_create(const char *path)
{
    uint8_t secret[32];
    FILE *r = fopen("/dev/urandom", "rb");
    int fd;
    bool ok;

    if (r == NULL || fread(secret, 1, sizeof(secret), r) != sizeof(secret)) {
        if (r != NULL) {
            fclose(r);
        }
        return false;
    }
    fclose(r);
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    ok = fd >= 0 && write(fd, secret, sizeof(secret)) == (ssize_t)sizeof(secret);
    if (fd >= 0) {
        ok = close(fd) == 0 && ok;
    }
    OPENSSL_cleanse(secret, sizeof(secret));
    return ok;
}

/* Read the secret (default path: beside the master key, created if absent). */
static bool secret_load(uint8_t **out, size_t *len, const eds_args *a, const fse_config *cfg)
{
    char path[FSE_CONFIG_PATH_MAX + sizeof(SECRET_NAME) + 1];
    const char *slash;

    if (a->secret_file != NULL) {
        snprintf(path, sizeof(path), "%s", a->secret_file);
    } else {
        slash = strrchr(cfg->store.master_key, '/');
        snprintf(path, sizeof(path), "%.*s%s",
                 slash == NULL ? 0 : (int)(slash - cfg->store.master_key + 1),
                 cfg->store.master_key, SECRET_NAME);
        if (access(path, F_OK) != 0 && !secret_create(path)) {
            fprintf(stderr, "fse eds: cannot create the node secret %s: %s\n", path,
                    strerror(errno));
            return false;
        }
    }
    if (fse_file_read(path, SECRET_MAX, out, len) != FSE_OK) {
        fprintf(stderr, "fse eds: node secret %s: %s\n", path, fse_error_last()->message);
        return false;
    }
    return true;
}

/* ---- Export files -------------------------------------------------------- */

typedef struct out_file {
    char type[FSE_STORE_EDS_MAX_TYPE];
    FILE *f;
    size_t count;
} out_file;

typedef struct export_sink {
    const char *dir;
    out_file files[MAX_TYPES];
    size_t n;
} export_sink;

static bool type_ok(const char *t)
{
    size_t i;

    for (i = 0; t[i] != '\0'; i++) {
        if (!((t[i] >= 'A' && t[i] <= 'Z') || (t[i] >= 'a' && t[i] <= 'z'))) {
            return false;
        }
    }
    return i > 0 && i < FSE_STORE_EDS_MAX_TYPE;
}

static fse_err sink_line(void *ud, const char *type, const char *line, size_t len)
{
    export_sink *k = ud;
    out_file *o = NULL;
    size_t i;

    for (i = 0; i < k->n && o == NULL; i++) {
        if (strcmp(k->files[i].type, type) == 0) {
            o = &k->files[i];
        }
    }
    if (o == NULL) {
        char path[4096];
        int fd;

        if (!type_ok(type) || k->n == MAX_TYPES) {
            return fse_error_set(FSE_E_LIMIT, "eds", "export: resource type %.64s", type);
        }
        o = &k->files[k->n];
        snprintf(o->type, sizeof(o->type), "%s", type);
        snprintf(path, sizeof(path), "%s/%s.ndjson", k->dir, type);
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        o->f = fd < 0 ? NULL : fdopen(fd, "wb");
        if (o->f == NULL) {
            if (fd >= 0) {
                close(fd);
            }
            return fse_error_set(FSE_E_IO, "eds", "%s: %s", path, strerror(errno));
        }
        k->n++;
    }
    if (fwrite(line, 1, len, o->f) != len || fputc('\n', o->f) == EOF) {
        return fse_error_set(FSE_E_IO, "eds", "write %s.ndjson", type);
    }
    o->count++;
    return FSE_OK;
}

/* Close the files; on failure remove them too (no partial export). */
static bool sink_close(export_sink *k, bool keep)
{
    bool ok = true;
    size_t i;

    for (i = 0; i < k->n; i++) {
        ok = fclose(k->files[i].f) == 0 && ok;
        if (!keep) {
            char path[4096];

            snprintf(path, sizeof(path), "%s/%s.ndjson", k->dir, k->files[i].type);
            unlink(path);
        }
    }
    return ok;
}

/* manifest.json: the Bulk Data export manifest, with what was left out. */
static bool write_manifest(const export_sink *k, const eds_args *a, const fse_eds_export_stats *st)
{
    char path[4096];
    char when[32];
    time_t now = time(NULL);
    struct tm tm;
    fse_buf b;
    fse_json w;
    FILE *f;
    size_t i;
    bool ok;

    gmtime_r(&now, &tm);
    strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
    fse_buf_init(&b, 1u << 20);
    fse_json_init(&w, &b);
    fse_json_object_begin(&w);
    fse_json_kv_string(&w, "transactionTime", when);
    fse_json_kv_string(&w, "request", "fse eds export");
    fse_json_kv_bool(&w, "requiresAccessToken", false);
    fse_json_key(&w, "output");
    fse_json_array_begin(&w);
    for (i = 0; i < k->n; i++) {
        snprintf(path, sizeof(path), "%s.ndjson", k->files[i].type);
        fse_json_object_begin(&w);
        fse_json_kv_string(&w, "type", k->files[i].type);
        fse_json_kv_string(&w, "url", path);
        fse_json_kv_int(&w, "count", (long long)k->files[i].count);
        fse_json_object_end(&w);
    }
    fse_json_array_end(&w);
    fse_json_key(&w, "error");
    fse_json_array_begin(&w);
    fse_json_array_end(&w);
    fse_json_key(&w, "extension");
    fse_json_object_begin(&w);
    fse_json_kv_string(&w, "purpose", a->purpose);
    fse_json_kv_string(&w, "pseudonym", "HMAC-SHA256");
    fse_json_kv_int(&w, "documents", (long long)st->n_documents);
    fse_json_kv_int(&w, "hiddenDocumentsExcluded", (long long)st->n_hidden);
    fse_json_kv_int(&w, "patients", (long long)st->n_patients);
    fse_json_kv_int(&w, "resources", (long long)st->n_resources);
    fse_json_object_end(&w);
    fse_json_object_end(&w);
    snprintf(path, sizeof(path), "%s/manifest.json", k->dir);
    f = fse_json_status(&w) == FSE_OK ? fopen(path, "wb") : NULL;
    ok = f != NULL && fwrite(b.data, 1, b.len, f) == b.len && fputc('\n', f) != EOF;
    if (f != NULL) {
        ok = fclose(f) == 0 && ok;
    }
    fse_buf_free(&b);
    return ok;
}

static int do_export(fse_store *s, const eds_args *a, const fse_eds_export_opts *o)
{
    export_sink k;
    fse_eds_export_stats st;
    fse_err rc;

    memset(&k, 0, sizeof(k));
    k.dir = a->out_dir;
    if (mkdir(a->out_dir, 0700) != 0 && errno != EEXIST) {
        fprintf(stderr, "fse eds: %s: %s\n", a->out_dir, strerror(errno));
        return 2;
    }
    rc = fse_eds_export(&st, s, o, sink_line, &k);
    if (!sink_close(&k, rc == FSE_OK) && rc == FSE_OK) {
        fprintf(stderr, "fse eds: writing %s failed\n", a->out_dir);
        return 2;
    }
    if (rc != FSE_OK) {
        fprintf(stderr, "fse eds export: %s\n", fse_error_last()->message);
        return 1;
    }
    if (!write_manifest(&k, a, &st)) {
        fprintf(stderr, "fse eds: cannot write %s/manifest.json\n", a->out_dir);
        return 2;
    }
    printf("exported %zu resources of %zu documents (%zu patients) for purpose %s to %s; %zu "
           "hidden documents left out\n",
           st.n_resources, st.n_documents, st.n_patients, a->purpose, a->out_dir, st.n_hidden);
    return 0;
}

static int do_count(fse_store *s, const eds_args *a, const fse_eds_export_opts *o)
{
    fse_eds_cells *cells = NULL;
    size_t i;
    fse_err rc = fse_eds_count(
        &cells, s, o, strcmp(a->by, "type") == 0 ? FSE_EDS_COUNT_BY_TYPE : FSE_EDS_COUNT_BY_CODE);

    if (rc != FSE_OK) {
        fprintf(stderr, "fse eds count: %s\n", fse_error_last()->message);
        return 1;
    }
    for (i = 0; i < cells->n; i++) {
        if (cells->items[i].suppressed) {
            printf("%s\t<%u\n", cells->items[i].key, FSE_EDS_MIN_CELL);
        } else {
            printf("%s\t%zu\n", cells->items[i].key, cells->items[i].count);
        }
    }
    fse_eds_cells_free(cells);
    return 0;
}

int cmd_eds(int argc, char **argv)
{
    fse_eds_export_opts o;
    fse_store_opts so = FSE_STORE_OPTS_INIT;
    fse_store *s = NULL;
    fse_config cfg;
    eds_args a;
    uint8_t *secret = NULL;
    size_t secret_len = 0;
    int status;

    if (argc >= 2 && strcmp(argv[1], "--help") == 0) {
        usage(stdout);
        return 0;
    }
    if (!parse_args(&a, argc, argv)) {
        usage(stderr);
        return 2;
    }
    if (!tool_config_load(&cfg, a.config_file)) {
        return 2;
    }
    if (access(cfg.store.path, R_OK) != 0) {
        fprintf(stderr, "fse eds: no store at %s\n", cfg.store.path);
        return 2;
    }
    if (!secret_load(&secret, &secret_len, &a, &cfg)) {
        return 2;
    }
    so.path = cfg.store.path;
    so.master_key_path = cfg.store.master_key;
    if (fse_store_open(&s, &so) != FSE_OK) {
        fprintf(stderr, "fse eds: %s\n", fse_error_last()->message);
        OPENSSL_cleanse(secret, secret_len);
        fse_free(secret);
        return 2;
    }
    memset(&o, 0, sizeof(o));
    o.node_secret = secret;
    o.node_secret_len = secret_len;
    o.purpose = a.purpose;
    status = strcmp(a.sub, "export") == 0 ? do_export(s, &a, &o) : do_count(s, &a, &o);
    fse_store_free(s);
    OPENSSL_cleanse(secret, secret_len);
    fse_free(secret);
    return status;
}
