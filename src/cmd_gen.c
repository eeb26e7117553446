/*
 * src/cmd_gen.c - `fse gen`: write synthetic FSE 2.0 documents (CDA, optional
 * PDF, JSON metadata) for every supported type, deterministic from --seed,
 * and optionally validate each one as the national Gateway would (--check).
 *
 * With --pki DIR it also writes, per document, the Gateway token pairs of
 * the validation and the publication call, signed by a test signature
 * certificate kept in DIR.
 *
 * Owns argument parsing, file names (<TYPE>_<n>.xml|.pdf|.json|.jwt.json
 * under --out), the test PKI directory (ca.pem, sig.pem + sig.key,
 * auth.pem + auth.key: created when absent, reused when complete), reading
 * the clock for the tokens' iat when --now is not given, the outcome table
 * of --check and the exit code (0 all written and, with --check, all 00/05;
 * 1 some document not 00/05; 2 usage or I/O error). The documents, metadata
 * and token claims are lib/gen's; certificates and signing lib/jwt's;
 * validation lib/validate's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "fse/gen.h"
#include "fse/json.h"
#include "fse/jwt.h"
#include "fse/validate.h"
#include "tool.h"

#define MAX_META_JSON (1u << 20)
#define MAX_TOKENS_JSON (1u << 20)
#define DEFAULT_AUDIENCE "https://localhost/v1"

/* Test PKI of --pki: subjects are fixed, so a directory is recognisable. */
#define PKI_CA_CN "FSE GEN TEST CA"
#define PKI_SIG_CN "S1#120#FSEGEN"
#define PKI_AUTH_CN "A1#120#FSEGEN"
#define PKI_RSA_BITS 2048
/* Certificates are valid from a day before --now for ten years. */
#define PKI_BACKDATE (24 * 3600)
#define PKI_LIFETIME (10 * 366 * 24 * 3600LL)

typedef struct gen_args {
    uint64_t seed;
    long count;
    const char *type; /* NULL or "all": every supported type */
    bool pdf;
    bool check;
    const char *out_dir;
    const char *rules;
    const char *config_file;
    const char *base_date;
    long pool;
    const char *pki_dir;  /* NULL: no tokens */
    const char *audience; /* aud of the tokens */
    int64_t now;          /* iat of the tokens and start of new certificates */
    bool has_now;         /* --now given; otherwise the clock is read */
} gen_args;

/* Per type: documents written and outcome counts (index = fse_outcome). */
typedef struct gen_tally {
    size_t total;
    size_t by_outcome[6];
} gen_tally;

static void usage(FILE *out)
{
    size_t n_types;
    const fse_doc_type *types = fse_gen_types(&n_types);
    size_t i;

    fprintf(out, "usage: fse gen [--seed N] [--count N] [--type TYPE|all] [--pdf] [--out DIR]\n"
                 "               [--check] [--rules DIR] [--config FILE] [--base-date YYYYMMDD]\n"
                 "               [--pool N] [--pki DIR [--audience URL] [--now EPOCH]]\n"
                 "\n"
                 "Write synthetic documents of each type: <TYPE>_<n>.xml (CDA), <TYPE>_<n>.pdf\n"
                 "with --pdf (the CDA attached as cda.xml) and <TYPE>_<n>.json (patient, document\n"
                 "ids, requestBody and the claims a JWT for the document needs).\n"
                 "Types:");
    for (i = 0; i < n_types; i++) {
        fprintf(out, "%s %s", i > 0 ? "," : "", fse_cda_doc_desc_get(types[i])->name);
    }
    fprintf(out, "\n"
                 "\n"
                 "  --seed N          seed (default 1): same seed, same bytes\n"
                 "  --count N         documents per type (default 1)\n"
                 "  --type TYPE|all   one type or all supported types (default all)\n"
                 "  --pdf             also write the PDF carrying the CDA\n"
                 "  --out DIR         output directory (default fse-gen; created)\n"
                 "  --check           validate each document (and PDF) and print the outcomes\n"
                 "  --rules DIR       rules catalog for --check (default: as fse validate)\n"
                 "  --base-date D     latest date a document may carry (default 20250601)\n"
                 "  --pool N          patients per seed (default 50)\n"
                 "  --pki DIR         also write <TYPE>_<n>.jwt.json: the Gateway token pairs\n"
                 "                    (Authorization bearer and FSE-JWT-Signature) of the\n"
                 "                    validation and the create call, signed with DIR/sig.pem;\n"
                 "                    implies --pdf (attachment_hash is the PDF's SHA-256).\n"
                 "                    DIR is created with a test CA (ca.pem), a signature\n"
                 "                    credential (sig.pem, sig.key, CN " PKI_SIG_CN ") and an\n"
                 "                    authentication credential (auth.pem, auth.key, CN\n"
                 "                    " PKI_AUTH_CN "), or reused when it holds all five files\n"
                 "  --audience URL    aud of the tokens (default " DEFAULT_AUDIENCE ")\n"
                 "  --now EPOCH       iat of the tokens, seconds since 1970 (default: now);\n"
                 "                    exp is iat + 24 hours\n"
                 "\n"
                 "Exit status: 0 done (with --check: all 00 or 05), 1 some document not valid,\n"
                 "2 usage or I/O error.\n");
}

static int parse_args(gen_args *a, int argc, char **argv)
{
    long v;
    int i;

    for (i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;

        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(arg, "--pdf") == 0) {
            a->pdf = true;
        } else if (strcmp(arg, "--check") == 0) {
            a->check = true;
        } else if (next == NULL) {
            fprintf(stderr, "fse gen: unknown option or missing value: %s\n", arg);
            return 2;
        } else if (strcmp(arg, "--seed") == 0) {
            char *end = NULL;
            unsigned long long s;

            errno = 0;
            s = strtoull(next, &end, 10);
            if (errno != 0 || end == next || *end != '\0' || next[0] == '-') {
                fprintf(stderr, "fse gen: --seed wants a non-negative integer\n");
                return 2;
            }
            a->seed = (uint64_t)s;
            i++;
        } else if (strcmp(arg, "--count") == 0 || strcmp(arg, "--pool") == 0) {
            if (!tool_parse_long(next, 1, 1000000, &v)) {
                fprintf(stderr, "fse gen: %s wants a number from 1 to 1000000\n", arg);
                return 2;
            }
            *(strcmp(arg, "--count") == 0 ? &a->count : &a->pool) = v;
            i++;
        } else if (strcmp(arg, "--type") == 0) {
            a->type = argv[++i];
        } else if (strcmp(arg, "--out") == 0) {
            a->out_dir = argv[++i];
        } else if (strcmp(arg, "--rules") == 0) {
            a->rules = argv[++i];
        } else if (strcmp(arg, "--config") == 0) {
            a->config_file = argv[++i];
        } else if (strcmp(arg, "--base-date") == 0) {
            a->base_date = argv[++i];
        } else if (strcmp(arg, "--pki") == 0) {
            a->pki_dir = argv[++i];
            a->pdf = true;
        } else if (strcmp(arg, "--audience") == 0) {
            a->audience = argv[++i];
        } else if (strcmp(arg, "--now") == 0) {
            char *end = NULL;
            long long t;

            errno = 0;
            t = strtoll(next, &end, 10);
            if (errno != 0 || end == next || *end != '\0' || t < 0 || t > 253402300799LL) {
                fprintf(stderr, "fse gen: --now wants seconds since 1970\n");
                return 2;
            }
            a->now = (int64_t)t;
            a->has_now = true;
            i++;
        } else {
            fprintf(stderr, "fse gen: unknown option %s\n", arg);
            usage(stderr);
            return 2;
        }
    }
    return -1;
}

static bool write_file(const char *dir, const char *name, const char *ext, const void *data,
                       size_t len)
{
    char path[4096];
    FILE *f;
    bool ok;

    if ((size_t)snprintf(path, sizeof(path), "%s/%s%s", dir, name, ext) >= sizeof(path)) {
        fprintf(stderr, "fse gen: output path too long\n");
        return false;
    }
    f = fopen(path, "wb");
    if (f == NULL) {
        fprintf(stderr, "fse gen: %s: %s\n", path, strerror(errno));
        return false;
    }
    ok = fwrite(data, 1, len, f) == len;
    if (fclose(f) != 0) {
        ok = false;
    }
    if (!ok) {
        fprintf(stderr, "fse gen: %s: write failed\n", path);
    }
    return ok;
}

/* DIR/name into path; false (message printed) when it does not fit. */
static bool pki_path(char *path, size_t size, const char *dir, const char *name)
{
    if ((size_t)snprintf(path, size, "%s/%s", dir, name) >= size) {
        fprintf(stderr, "fse gen: %s: path too long\n", dir);
        return false;
    }
    return true;
}

/* Files of the test PKI, in the order they are written. */
enum { PKI_CA, PKI_SIG_CERT, PKI_SIG_KEY, PKI_AUTH_CERT, PKI_AUTH_KEY, PKI_N_FILES };

static const char *const pki_files[PKI_N_FILES] = {"ca.pem", "sig.pem", "sig.key", "auth.pem",
                                                   "auth.key"};

/* Issue an end-entity credential and write it (key mode 0600). */
static fse_err pki_issue(fse_jwt_testca *ca, const fse_jwt_cert_opts *base, const char *cn,
                         const char *cert_path, const char *key_path, fse_jwt_cred **out)
{
    fse_jwt_cert_opts o = *base;
    fse_jwt_cred *cred = NULL;
    fse_err rc;

    o.cn = cn;
    rc = fse_jwt_testca_issue(&cred, ca, &o);
    if (rc == FSE_OK) {
        rc = fse_jwt_cred_write_pem(cred, cert_path, key_path);
    }
    if (rc == FSE_OK && out != NULL) {
        *out = cred;
        cred = NULL;
    }
    fse_jwt_cred_free(cred);
    return rc;
}

/* Create the test PKI in dir: CA, signature and authentication credentials. */
static fse_err pki_create(fse_jwt_cred **signer, char paths[PKI_N_FILES][4096], int64_t now)
{
    fse_jwt_cert_opts o = {PKI_CA_CN, PKI_RSA_BITS, now - PKI_BACKDATE, now + PKI_LIFETIME};
    fse_jwt_testca *ca = NULL;
    fse_err rc;

    rc = fse_jwt_testca_new(&ca, &o);
    if (rc == FSE_OK) {
        rc = fse_jwt_testca_write_pem(ca, paths[PKI_CA]);
    }
    if (rc == FSE_OK) {
        rc = pki_issue(ca, &o, PKI_SIG_CN, paths[PKI_SIG_CERT], paths[PKI_SIG_KEY], signer);
    }
    if (rc == FSE_OK) {
        rc = pki_issue(ca, &o, PKI_AUTH_CN, paths[PKI_AUTH_CERT], paths[PKI_AUTH_KEY], NULL);
    }
    fse_jwt_testca_free(ca);
    return rc;
}

/*
 * The signature credential of --pki DIR: loaded when DIR holds the five
 * files, created (with DIR) when it holds none of them. NULL (message
 * printed) otherwise.
 */
static fse_jwt_cred *pki_open(const char *dir, int64_t now)
{
    char paths[PKI_N_FILES][4096];
    fse_jwt_cred *signer = NULL;
    size_t present = 0;
    size_t i;
    fse_err rc;

    for (i = 0; i < PKI_N_FILES; i++) {
        if (!pki_path(paths[i], sizeof(paths[i]), dir, pki_files[i])) {
            return NULL;
        }
        present += access(paths[i], F_OK) == 0;
    }
    if (present == PKI_N_FILES) {
        rc = fse_jwt_cred_load_pem(&signer, paths[PKI_SIG_CERT], paths[PKI_SIG_KEY]);
    } else if (present == 0) {
        if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
            fprintf(stderr, "fse gen: %s: %s\n", dir, strerror(errno));
            return NULL;
        }
        rc = pki_create(&signer, paths, now);
    } else {
        fprintf(stderr,
                "fse gen: %s holds only part of a test PKI (ca.pem, sig.pem, sig.key, auth.pem, "
                "auth.key); remove it or point --pki elsewhere\n",
                dir);
        return NULL;
    }
    if (rc != FSE_OK) {
        fprintf(stderr, "fse gen: %s\n", fse_error_last()->message);
        fse_jwt_cred_free(signer);
        return NULL;
    }
    return signer;
}

/* Make, write and free the token pairs of one document; false on failure
 * (message printed). */
static bool write_tokens(const gen_args *a, const fse_jwt_cred *signer, const fse_gen_meta *meta,
                         const char *name)
{
    fse_gen_token_opts o = FSE_GEN_TOKEN_OPTS_INIT;
    fse_gen_tokens tokens;
    fse_buf json;
    bool ok;

    o.audience = a->audience;
    o.iat = a->now;
    fse_buf_init(&json, MAX_TOKENS_JSON);
    ok = fse_gen_tokens_make(&tokens, meta, signer, &o) == FSE_OK &&
         fse_gen_tokens_to_json(&json, &tokens) == FSE_OK &&
         fse_buf_append_str(&json, "\n") == FSE_OK;
    if (!ok) {
        fprintf(stderr, "fse gen: %s: %s\n", name, fse_error_last()->message);
    } else {
        ok = write_file(a->out_dir, name, ".jwt.json", json.data, json.len);
    }
    fse_gen_tokens_free(&tokens);
    fse_buf_free(&json);
    return ok;
}

static void print_failures(const char *name, const char *what, const fse_report *r)
{
    size_t i;

    printf("%s%s: %s %s\n", name, what, fse_outcome_code(r->outcome), fse_outcome_name(r->outcome));
    for (i = 0; i < r->n_failures; i++) {
        const fse_failure *f = &r->failures[i];

        printf("  %-10s %s %s%s%s\n", fse_failure_kind_name(f->kind), f->rule, f->location,
               f->location[0] ? ": " : "", f->message);
    }
}

/* Validate data; false when it is not 00/05 or the validator failed. */
static bool check_one(fse_validator *v, const char *name, const char *what, const uint8_t *data,
                      size_t len, gen_tally *tally)
{
    fse_report *r = NULL;
    bool ok;

    if (fse_validator_run(v, data, len, NULL, &r) != FSE_OK) {
        fprintf(stderr, "fse gen: %s: %s\n", name, fse_error_last()->message);
        return false;
    }
    tally->by_outcome[r->outcome]++;
    ok = r->valid;
    if (!ok || r->n_warnings > 0) {
        print_failures(name, what, r);
        for (size_t i = 0; i < r->n_warnings; i++) {
            printf("  warning    %s %s\n", r->warnings[i].rule, r->warnings[i].location);
        }
    }
    fse_report_free(r);
    return ok;
}

/* Generate, write and optionally check one document (and sign its tokens
 * when signer is not NULL). -1 I/O error, 0 ok, 1 invalid. */
static int one(const gen_args *a, fse_gen_opts *o, uint64_t n, fse_validator *v,
               const fse_jwt_cred *signer, gen_tally *tally)
{
    uint8_t *cda = NULL;
    uint8_t *pdf = NULL;
    size_t cda_len = 0;
    size_t pdf_len = 0;
    fse_gen_meta *meta = calloc(1, sizeof(*meta));
    fse_buf json;
    char name[64];
    int status = 0;

    fse_buf_init(&json, MAX_META_JSON);
    if (meta == NULL || fse_gen_document(&cda, &cda_len, meta, o, n) != FSE_OK ||
        (a->pdf && fse_gen_pdf(&pdf, &pdf_len, meta, cda, cda_len) != FSE_OK) ||
        fse_gen_meta_to_json(&json, meta) != FSE_OK || fse_buf_append_str(&json, "\n") != FSE_OK) {
        fprintf(stderr, "fse gen: %s\n",
                meta == NULL ? "out of memory" : fse_error_last()->message);
        status = -1;
        goto done;
    }
    (void)snprintf(name, sizeof(name), "%s_%llu", meta->type_name, (unsigned long long)n);
    if (!write_file(a->out_dir, name, ".xml", cda, cda_len) ||
        (pdf != NULL && !write_file(a->out_dir, name, ".pdf", pdf, pdf_len)) ||
        !write_file(a->out_dir, name, ".json", json.data, json.len) ||
        (signer != NULL && !write_tokens(a, signer, meta, name))) {
        status = -1;
        goto done;
    }
    tally->total++;
    if (v != NULL) {
        if (!check_one(v, name, ".xml", cda, cda_len, tally)) {
            status = 1;
        }
        if (pdf != NULL) {
            gen_tally scratch = {0};

            if (!check_one(v, name, ".pdf", pdf, pdf_len, &scratch)) {
                status = 1;
            }
        }
    }
done:
    fse_free(cda);
    fse_free(pdf);
    fse_buf_free(&json);
    free(meta);
    return status;
}

static void print_table(const fse_doc_type *types, size_t n_types, const gen_tally *tallies)
{
    gen_tally total = {0};
    size_t i;
    size_t k;

    printf("\n%-12s %6s %6s %6s %6s %6s %6s\n", "tipo", "totale", "00 OK", "01 SIN", "02 VOC",
           "03 SEM", "05 WRN");
    for (i = 0; i < n_types; i++) {
        const gen_tally *t = &tallies[i];

        printf("%-12s %6zu %6zu %6zu %6zu %6zu %6zu\n", fse_cda_doc_desc_get(types[i])->name,
               t->total, t->by_outcome[0], t->by_outcome[1], t->by_outcome[2], t->by_outcome[3],
               t->by_outcome[5]);
        total.total += t->total;
        for (k = 0; k < 6; k++) {
            total.by_outcome[k] += t->by_outcome[k];
        }
    }
    printf("%-12s %6zu %6zu %6zu %6zu %6zu %6zu\n", "totale", total.total, total.by_outcome[0],
           total.by_outcome[1], total.by_outcome[2], total.by_outcome[3], total.by_outcome[5]);
}

static fse_validator *open_validator(const gen_args *a, fse_catalog **catalog)
{
    fse_config cfg;
    fse_validator *v = NULL;

    if (!tool_config_load(&cfg, a->config_file)) {
        return NULL;
    }
    if (a->rules != NULL && fse_config_set(&cfg, "validate.rules_dir", a->rules) != FSE_OK) {
        fprintf(stderr, "fse gen: %s\n", fse_error_last()->message);
        return NULL;
    }
    if (fse_catalog_load(catalog, cfg.validate.rules_dir, NULL) != FSE_OK ||
        fse_validator_new(&v, *catalog) != FSE_OK) {
        fprintf(stderr, "fse gen: %s\n", fse_error_last()->message);
        return NULL;
    }
    return v;
}

int cmd_gen(int argc, char **argv)
{
    gen_args a = {.seed = 1,
                  .count = 1,
                  .out_dir = "fse-gen",
                  .base_date = "20250601",
                  .audience = DEFAULT_AUDIENCE};
    fse_gen_opts o = FSE_GEN_OPTS_INIT;
    const fse_doc_type *types;
    fse_doc_type one_type[1];
    size_t n_types;
    gen_tally *tallies = NULL;
    fse_catalog *catalog = NULL;
    fse_validator *v = NULL;
    fse_jwt_cred *signer = NULL;
    int status;
    size_t i;

    status = parse_args(&a, argc, argv);
    if (status >= 0) {
        return status;
    }
    types = fse_gen_types(&n_types);
    if (a.type != NULL && strcmp(a.type, "all") != 0) {
        one_type[0] = fse_cda_doc_by_name(a.type);
        if (!fse_gen_supports(one_type[0])) {
            fprintf(stderr, "fse gen: unsupported type '%s'; supported:", a.type);
            for (i = 0; i < n_types; i++) {
                fprintf(stderr, " %s", fse_cda_doc_desc_get(types[i])->name);
            }
            fprintf(stderr, "\n");
            return 2;
        }
        types = one_type;
        n_types = 1;
    }
    if (mkdir(a.out_dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "fse gen: %s: %s\n", a.out_dir, strerror(errno));
        return 2;
    }
    if (a.pki_dir != NULL) {
        /* The only clock read of `fse gen`: lib/gen takes the time as an argument. */
        if (!a.has_now) {
            a.now = (int64_t)time(NULL);
        }
        signer = pki_open(a.pki_dir, a.now);
        if (signer == NULL) {
            return 2;
        }
    }
    if (a.check) {
        v = open_validator(&a, &catalog);
        if (v == NULL) {
            fse_catalog_free(catalog);
            fse_jwt_cred_free(signer);
            return 2;
        }
    }
    tallies = calloc(n_types, sizeof(*tallies));
    if (tallies == NULL) {
        fse_validator_free(v);
        fse_catalog_free(catalog);
        fse_jwt_cred_free(signer);
        return 2;
    }
    o.seed = a.seed;
    o.base_date = a.base_date;
    o.patient_pool_size = (size_t)a.pool;
    status = 0;
    for (i = 0; i < n_types && status != 2; i++) {
        o.doc_type = types[i];
        for (long n = 1; n <= a.count; n++) {
            int r = one(&a, &o, (uint64_t)n, v, signer, &tallies[i]);

            if (r < 0) {
                status = 2;
                break;
            }
            if (r > 0) {
                status = 1;
            }
        }
    }
    if (a.check && status != 2) {
        print_table(types, n_types, tallies);
    }
    free(tallies);
    fse_validator_free(v);
    fse_catalog_free(catalog);
    fse_jwt_cred_free(signer);
    return status;
}
