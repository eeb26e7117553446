/*
 * tests/e2e/e2e_fixture.c - the end-to-end fixture (see e2e.h): test PKI,
 * node directories and config files, the `fse serve` child process, base
 * documents and their re-identification, and file helpers.
 */
#define _GNU_SOURCE /* memmem */
#include "e2e.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fse/util.h"

/* Issue time of every token: a minute ago, so clock skew never matters. */
#define E2E_IAT_BACKDATE_S 60

/* ---- Directories -------------------------------------------------------- */

static void make_tmp_dir(char *out, size_t cap, const char *name)
{
    char base[PATH_MAX];

    snprintf(base, sizeof(base), "%s/test-tmp", FSE_BUILD_DIR);
    if (mkdir(base, 0700) != 0 && errno != EEXIST) {
        fail_msg("mkdir %s: %s", base, strerror(errno));
    }
    snprintf(out, cap, "%s/%s-XXXXXX", base, name);
    assert_non_null(mkdtemp(out));
}

static void remove_tree(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;

    if (d == NULL) {
        return;
    }
    for (e = readdir(d); e != NULL; e = readdir(d)) {
        char p[PATH_MAX + 256];
        struct stat st;

        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) {
            continue;
        }
        snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
        if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
            remove_tree(p);
        } else {
            unlink(p);
        }
    }
    closedir(d);
    rmdir(dir);
}

/* ---- PKI ---------------------------------------------------------------- */

void e2e_pki_make(e2e_pki *p)
{
    int64_t now = (int64_t)time(NULL);
    fse_jwt_cert_opts ca = {"FSE E2E TEST CA", 2048, now - 86400, now + 3650 * 86400LL};
    fse_jwt_cert_opts sig = {E2E_SIGNER_CN, 2048, now - 86400, now + 3650 * 86400LL};

    memset(p, 0, sizeof(*p));
    make_tmp_dir(p->dir, sizeof(p->dir), "e2e-pki");
    snprintf(p->ca_pem, sizeof(p->ca_pem), "%s/ca.pem", p->dir);
    assert_int_equal(fse_jwt_testca_new(&p->ca, &ca), FSE_OK);
    assert_int_equal(fse_jwt_testca_write_pem(p->ca, p->ca_pem), FSE_OK);
    assert_int_equal(fse_jwt_testca_issue(&p->signer, p->ca, &sig), FSE_OK);
}

void e2e_pki_free(e2e_pki *p)
{
    fse_jwt_cred_free(p->signer);
    fse_jwt_testca_free(p->ca);
    remove_tree(p->dir);
    memset(p, 0, sizeof(*p));
}

/* ---- The fse binary ----------------------------------------------------- */

const char *e2e_fse_binary(void)
{
    static char path[PATH_MAX];
    const char *env = getenv("FSE_E2E_FSE");

    if (env != NULL && env[0] != '\0') {
        return env;
    }
    snprintf(path, sizeof(path), "%s/fse", FSE_BUILD_DIR);
    return path;
}

unsigned long e2e_env_ulong(const char *name, unsigned long def)
{
    const char *v = getenv(name);
    char *end = NULL;
    unsigned long n;

    if (v == NULL || v[0] == '\0') {
        return def;
    }
    n = strtoul(v, &end, 10);
    if (end == v || *end != '\0') {
        fail_msg("%s: not a number: %s", name, v);
    }
    return n;
}

/* Redirect fd to path (appended), or to /dev/null when path is NULL. */
static void redirect(int fd, const char *path)
{
    int f = open(path != NULL ? path : "/dev/null", O_WRONLY | O_CREAT | O_APPEND, 0600);

    if (f >= 0) {
        dup2(f, fd);
        close(f);
    }
}

int e2e_run_fse(const char *log, const char *const *args)
{
    const char *argv[16];
    size_t n = 0;
    int status = 0;
    pid_t pid;

    argv[n++] = e2e_fse_binary();
    while (*args != NULL && n < sizeof(argv) / sizeof(argv[0]) - 1) {
        argv[n++] = *args++;
    }
    argv[n] = NULL;
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        redirect(1, log);
        redirect(2, log);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* ---- Nodes -------------------------------------------------------------- */

void e2e_node_init(e2e_node *n, const char *name, const e2e_pki *pki, unsigned threads,
                   const char *extra)
{
    FILE *f;

    memset(n, 0, sizeof(*n));
    make_tmp_dir(n->dir, sizeof(n->dir), name);
    snprintf(n->conf, sizeof(n->conf), "%s/node.conf", n->dir);
    snprintf(n->db, sizeof(n->db), "%s/node.db", n->dir);
    snprintf(n->key, sizeof(n->key), "%s/master.key", n->dir);
    snprintf(n->log, sizeof(n->log), "%s/server.log", n->dir);
    assert_int_equal(fse_store_keyfile_create(n->key), FSE_OK);
    f = fopen(n->conf, "w");
    assert_non_null(f);
    fprintf(f,
            "server.port = 0\nserver.threads = %u\nserver.rate_limit = 0\n"
            "server.pades_check = false\nserver.outbox_poll_ms = 50\n"
            "store.path = %s\nstore.master_key = %s\nstore.outbox_backoff_ms = 200\n"
            "jwt.ca_file = %s\njwt.audience = %s\nvalidate.rules_dir = %s\n"
            "log.level = warn\n%s",
            threads, n->db, n->key, pki->ca_pem, E2E_AUD, FSE_RULES_DIR, extra);
    assert_int_equal(fclose(f), 0);
}

/* Read one line from fd within timeout_ms; false on timeout or end. */
static bool read_line(int fd, char *line, size_t cap, int timeout_ms)
{
    size_t len = 0;

    while (len + 1 < cap) {
        struct pollfd p = {fd, POLLIN, 0};
        ssize_t r;

        if (poll(&p, 1, timeout_ms) <= 0) {
            return false;
        }
        r = read(fd, line + len, 1);
        if (r <= 0) {
            return false;
        }
        if (line[len] == '\n') {
            break;
        }
        len++;
    }
    line[len] = '\0';
    return true;
}

void e2e_node_start(e2e_node *n)
{
    const char *bin = e2e_fse_binary();
    char line[256] = "";
    const char *colon;
    int out[2];
    pid_t pid;

    assert_int_equal(n->pid, 0);
    assert_int_equal(pipe(out), 0);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(out[0]);
        dup2(out[1], 1);
        close(out[1]);
        redirect(2, n->log);
        execl(bin, bin, "serve", "--config", n->conf, (char *)NULL);
        _exit(127);
    }
    close(out[1]);
    if (!read_line(out[0], line, sizeof(line), 120000) ||
        strncmp(line, "http://127.0.0.1:", 17) != 0) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        close(out[0]);
        fail_msg("fse serve did not start (see %s): '%s'", n->log, line);
    }
    close(out[0]);
    colon = line + 16;
    n->port = (uint16_t)strtoul(colon + 1, NULL, 10);
    n->pid = pid;
    n->starts++;
}

void e2e_node_kill(e2e_node *n)
{
    assert_true(n->pid > 0);
    assert_int_equal(kill(n->pid, SIGKILL), 0);
    assert_int_equal(waitpid(n->pid, NULL, 0), n->pid);
    n->pid = 0;
    n->port = 0;
}

int e2e_node_stop(e2e_node *n)
{
    int status = 0;

    assert_true(n->pid > 0);
    assert_int_equal(kill(n->pid, SIGTERM), 0);
    assert_int_equal(waitpid(n->pid, &status, 0), n->pid);
    n->pid = 0;
    n->port = 0;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void e2e_node_remove(e2e_node *n)
{
    assert_int_equal(n->pid, 0);
    remove_tree(n->dir);
}

fse_store *e2e_node_store(const e2e_node *n)
{
    fse_store_opts o = FSE_STORE_OPTS_INIT;
    fse_store *s = NULL;

    o.path = n->db;
    o.master_key_path = n->key;
    o.busy_timeout_ms = 30000;
    if (fse_store_open(&s, &o) != FSE_OK) {
        fail_msg("store: %s", fse_error_last()->message);
    }
    return s;
}

/* ---- Documents ---------------------------------------------------------- */

e2e_base *e2e_bases_make(size_t n, uint64_t seed)
{
    size_t n_types;
    const fse_doc_type *types = fse_gen_types(&n_types);
    e2e_base *b = fse_calloc(n, sizeof(*b));
    size_t i;

    assert_non_null(b);
    for (i = 0; i < n; i++) {
        fse_gen_opts o = FSE_GEN_OPTS_INIT;

        o.seed = seed;
        o.doc_type = types[i % n_types];
        if (fse_gen_document(&b[i].cda, &b[i].cda_len, &b[i].meta, &o, i / n_types + 1) != FSE_OK) {
            fail_msg("gen: %s", fse_error_last()->message);
        }
    }
    return b;
}

void e2e_bases_free(e2e_base *b, size_t n)
{
    size_t i;

    for (i = 0; b != NULL && i < n; i++) {
        fse_free(b[i].cda);
    }
    fse_free(b);
}

hc_doc_opts e2e_doc_opts(const e2e_pki *pki)
{
    hc_doc_opts o;

    memset(&o, 0, sizeof(o));
    o.signer = pki->signer;
    o.audience = E2E_AUD;
    o.iat = (int64_t)time(NULL) - E2E_IAT_BACKDATE_S;
    o.host = "127.0.0.1";
    return o;
}

fse_err e2e_doc_reidentified(hc_doc *d, const e2e_base *b, uint64_t k, const e2e_pki *pki)
{
    const char *old = b->meta.id_extension;
    size_t ext_len = strlen(old);
    fse_gen_meta *m = fse_malloc(sizeof(*m));
    uint8_t *cda = fse_malloc(b->cda_len + 1);
    char quoted_old[128];
    char quoted_new[128];
    char tail[9];
    size_t q_len;
    size_t hits = 0;
    uint8_t *at;
    hc_doc_opts o = e2e_doc_opts(pki);
    fse_err rc;

    memset(d, 0, sizeof(*d));
    if (m == NULL || cda == NULL || ext_len <= 8 || ext_len + 3 >= sizeof(quoted_old)) {
        fse_free(m);
        fse_free(cda);
        return fse_error_set(FSE_E_ARG, "e2e", "cannot re-identify document %llu",
                             (unsigned long long)k);
    }
    *m = b->meta;
    snprintf(tail, sizeof(tail), "%08llX", (unsigned long long)(0xE0000000u + k));
    memcpy(m->id_extension + ext_len - 8, tail, 8);
    snprintf(m->set_id_extension, sizeof(m->set_id_extension), "%s", m->id_extension);
    snprintf(m->identificativo_doc, sizeof(m->identificativo_doc), "%s^%s", m->id_root,
             m->id_extension);
    snprintf(quoted_old, sizeof(quoted_old), "\"%s\"", old);
    snprintf(quoted_new, sizeof(quoted_new), "\"%s\"", m->id_extension);
    q_len = strlen(quoted_old);
    memcpy(cda, b->cda, b->cda_len);
    cda[b->cda_len] = '\0';
    for (at = memmem(cda, b->cda_len, quoted_old, q_len); at != NULL;
         at = memmem(at + q_len, b->cda_len - (size_t)(at + q_len - cda), quoted_old, q_len)) {
        memcpy(at, quoted_new, q_len);
        hits++;
    }
    if (hits != 2) { /* id and setId */
        rc = fse_error_set(FSE_E_ARG, "e2e", "document %llu: %zu ids replaced, not 2",
                           (unsigned long long)k, hits);
    } else {
        rc = hc_doc_build(d, m, cda, b->cda_len, &o);
    }
    fse_free(cda);
    fse_free(m);
    return rc;
}

char *e2e_status_token(const e2e_pki *pki)
{
    fse_jwt_pair_opts o = FSE_JWT_PAIR_OPTS_INIT;
    char *auth = NULL;
    char *sig = NULL;

    o.op = FSE_JWT_OP_STATUS;
    o.audience = E2E_AUD;
    o.sub_cf = "MRTMTT91D08F205J";
    o.iat = (int64_t)time(NULL) - E2E_IAT_BACKDATE_S;
    o.validity = 24 * 3600;
    if (fse_jwt_make_pair(&auth, &sig, pki->signer, &o) != FSE_OK) {
        fail_msg("status token: %s", fse_error_last()->message);
    }
    fse_free(sig);
    return auth;
}

/* ---- Files -------------------------------------------------------------- */

uint8_t *e2e_read_file(const char *path, size_t *len_out)
{
    uint8_t *data = NULL;

    *len_out = 0;
    if (access(path, F_OK) != 0) {
        return NULL;
    }
    if (fse_file_read(path, (size_t)4 << 30, &data, len_out) != FSE_OK) {
        fail_msg("read %s: %s", path, fse_error_last()->message);
    }
    return data;
}

bool e2e_file_contains(const char *path, const void *needle, size_t len)
{
    size_t n = 0;
    uint8_t *data = e2e_read_file(path, &n);
    bool found = data != NULL && len > 0 && memmem(data, n, needle, len) != NULL;

    fse_free(data);
    return found;
}
