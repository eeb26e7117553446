/*
 * src/demo_node.c - the node of `fse demo`: its directory and its start.
 *
 * Owns the directory layout (master.key, node.db, pki/ laid out as `fse gen
 * --pki` writes and reuses it, fse.conf, node.log, demo-next-index, curl/,
 * demo-people.json), the test PKI, the options the demo sets (loopback
 * bind, no rate limit, PAdES check off, audience = the bound base URL), the
 * log file, and the in-process gateway, consultation service, demo
 * identity provider and server. Does not own the options parsing, the
 * documents or the publishing (src/cmd_demo.c), the seeded consultation
 * state (src/demo_consult.c), the endpoints (lib/gateway, lib/consult,
 * src/demo_idp.c) or the transport (lib/http).
 */
#include "demo.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fse/store.h"
#include "tool.h"

/* The test PKI, as `fse gen --pki DIR` writes it (so gen can reuse it). */
#define PKI_CA_CN "FSE GEN TEST CA"
#define PKI_SIG_CN "S1#120#FSEGEN"
#define PKI_AUTH_CN "A1#120#FSEGEN"
#define PKI_RSA_BITS 2048
#define PKI_BACKDATE (24 * 3600)
#define PKI_LIFETIME (10 * 366 * 24 * 3600LL)

enum { PKI_CA, PKI_SIG_CERT, PKI_SIG_KEY, PKI_AUTH_CERT, PKI_AUTH_KEY, PKI_N_FILES };
static const char *const pki_files[PKI_N_FILES] = {"ca.pem", "sig.pem", "sig.key", "auth.pem",
                                                   "auth.key"};

static const char *const node_files[DEMO_P_N] = {"master.key", "node.db",         "fse.conf",
                                                 "pki",        "node.log",        "demo-next-index",
                                                 "curl",       "demo-people.json"};

/* ---- The node directory ------------------------------------------------- */

static bool make_dir(const char *path)
{
    if (mkdir(path, 0700) != 0 && errno != EEXIST) {
        fprintf(stderr, "fse demo: %s: %s\n", path, strerror(errno));
        return false;
    }
    return true;
}

/* The signature credential of the test PKI in dir: loaded when the five
 * files are there, created when none is. */
static fse_jwt_cred *pki_open(const char *dir, int64_t now)
{
    char paths[PKI_N_FILES][PATH_MAX + 32];
    fse_jwt_cert_opts o = {PKI_CA_CN, PKI_RSA_BITS, now - PKI_BACKDATE, now + PKI_LIFETIME};
    fse_jwt_testca *ca = NULL;
    fse_jwt_cred *signer = NULL;
    fse_jwt_cred *auth = NULL;
    size_t present = 0;
    fse_err rc;
    size_t i;

    for (i = 0; i < PKI_N_FILES; i++) {
        (void)snprintf(paths[i], sizeof(paths[i]), "%s/%s", dir, pki_files[i]);
        present += access(paths[i], F_OK) == 0;
    }
    if (present == PKI_N_FILES) {
        rc = fse_jwt_cred_load_pem(&signer, paths[PKI_SIG_CERT], paths[PKI_SIG_KEY]);
    } else if (present != 0) {
        fprintf(stderr, "fse demo: %s holds only part of a test PKI; remove it\n", dir);
        return NULL;
    } else if (!make_dir(dir)) {
        return NULL;
    } else {
        rc = fse_jwt_testca_new(&ca, &o);
        if (rc == FSE_OK) {
            rc = fse_jwt_testca_write_pem(ca, paths[PKI_CA]);
        }
        o.cn = PKI_SIG_CN;
        if (rc == FSE_OK) {
            rc = fse_jwt_testca_issue(&signer, ca, &o);
        }
        if (rc == FSE_OK) {
            rc = fse_jwt_cred_write_pem(signer, paths[PKI_SIG_CERT], paths[PKI_SIG_KEY]);
        }
        o.cn = PKI_AUTH_CN;
        if (rc == FSE_OK) {
            rc = fse_jwt_testca_issue(&auth, ca, &o);
        }
        if (rc == FSE_OK) {
            rc = fse_jwt_cred_write_pem(auth, paths[PKI_AUTH_CERT], paths[PKI_AUTH_KEY]);
        }
        fse_jwt_cred_free(auth);
        fse_jwt_testca_free(ca);
    }
    if (rc != FSE_OK) {
        fprintf(stderr, "fse demo: test PKI: %s\n", fse_error_last()->message);
        fse_jwt_cred_free(signer);
        return NULL;
    }
    return signer;
}

/* The first generator index of this run (documents of earlier runs used
 * the ones below it). */
static uint64_t read_next_index(const char *path)
{
    unsigned long long v = 0;
    FILE *f = fopen(path, "r");

    if (f != NULL) {
        if (fscanf(f, "%llu", &v) != 1) {
            v = 0;
        }
        fclose(f);
    }
    return (uint64_t)v;
}

bool demo_write_file(const char *path, const void *data, size_t len, unsigned mode)
{
    FILE *f = fopen(path, "w");
    bool ok;

    if (f == NULL) {
        fprintf(stderr, "fse demo: %s: %s\n", path, strerror(errno));
        return false;
    }
    (void)fchmod(fileno(f), (mode_t)mode);
    ok = fwrite(data, 1, len, f) == len;
    ok = fclose(f) == 0 && ok;
    if (!ok) {
        fprintf(stderr, "fse demo: %s: write failed\n", path);
    }
    return ok;
}

bool demo_node_prepare(demo_node *n, const demo_args *a, int64_t now)
{
    static const char *const opts[][2] = {{"server.bind", "127.0.0.1"},
                                          {"server.rate_limit", "0"},
                                          {"server.pades_check", "false"},
                                          {"server.outbox_poll_ms", "200"},
                                          {"log.level", "info"}};
    size_t i;
    fse_err rc;

    if (!make_dir(a->dir) || realpath(a->dir, n->dir) == NULL) {
        fprintf(stderr, "fse demo: %s: %s\n", a->dir, strerror(errno));
        return false;
    }
    for (i = 0; i < DEMO_P_N; i++) {
        (void)snprintf(n->path[i], sizeof(n->path[i]), "%s/%s", n->dir, node_files[i]);
    }
    n->reused = access(n->path[DEMO_P_DB], F_OK) == 0;
    n->first_index = read_next_index(n->path[DEMO_P_NEXT]);
    rc = fse_store_keyfile_create(n->path[DEMO_P_KEY]);
    if (rc != FSE_OK && rc != FSE_E_CONFLICT) {
        fprintf(stderr, "fse demo: %s\n", fse_error_last()->message);
        return false;
    }
    n->signer = pki_open(n->path[DEMO_P_PKI], now);
    if (n->signer == NULL || !tool_config_load(&n->cfg, NULL)) {
        return false;
    }
    for (i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
        rc = fse_config_set(&n->cfg, opts[i][0], opts[i][1]);
        if (rc != FSE_OK) {
            break;
        }
    }
    if (rc == FSE_OK && a->rules != NULL) {
        rc = fse_config_set(&n->cfg, "validate.rules_dir", a->rules);
    }
    if (rc == FSE_OK) {
        rc = fse_config_set(&n->cfg, "store.path", n->path[DEMO_P_DB]);
    }
    if (rc == FSE_OK) {
        rc = fse_config_set(&n->cfg, "store.master_key", n->path[DEMO_P_KEY]);
    }
    if (rc == FSE_OK) {
        char ca[PATH_MAX + 80];

        (void)snprintf(ca, sizeof(ca), "%s/%s", n->path[DEMO_P_PKI], pki_files[PKI_CA]);
        rc = fse_config_set(&n->cfg, "jwt.ca_file", ca);
    }
    if (rc != FSE_OK) {
        fprintf(stderr, "fse demo: %s\n", fse_error_last()->message);
        return false;
    }
    n->log = fopen(n->path[DEMO_P_LOG], "a");
    if (n->log == NULL) {
        fprintf(stderr, "fse demo: %s: %s\n", n->path[DEMO_P_LOG], strerror(errno));
        return false;
    }
    demo_consult_load_people(n);
    return true;
}

/* fse.conf: the options in effect, for `fse serve --config` later. */
static bool write_config(const demo_node *n)
{
    fse_buf b;
    bool ok;

    fse_buf_init(&b, 1u << 20);
    ok = fse_buf_printf(&b, "# The fse demo node. Serve it again with: fse serve --config %s\n",
                        n->path[DEMO_P_CONF]) == FSE_OK &&
         fse_config_dump(&n->cfg, &b) == FSE_OK;
    ok = ok && demo_write_file(n->path[DEMO_P_CONF], b.data, b.len, 0600);
    fse_buf_free(&b);
    return ok;
}

/* ---- Starting the node -------------------------------------------------- */

static void log_line(void *ud, fse_http_log_level level, const char *line)
{
    static const char *const names[] = {"debug", "info", "warn", "error"};

    fprintf(ud, "level=%s %s\n", names[level], line);
}

static void access_line(void *ud, const fse_http_access_entry *e)
{
    fprintf(ud,
            "level=info module=http event=access method=%s path=%s status=%u us=%llu "
            "trace=%s\n",
            e->method, e->path, e->status, (unsigned long long)e->duration_us, e->trace_id);
}

/* A free port on 127.0.0.1 (for --port 0: the audience names the port, so
 * it must be known before the gateway is built). 0 on failure. */
static uint16_t free_port(void)
{
    struct sockaddr_in a;
    socklen_t len = sizeof(a);
    uint16_t port = 0;
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    if (fd < 0) {
        return 0;
    }
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
        getsockname(fd, (struct sockaddr *)&a, &len) == 0) {
        port = ntohs(a.sin_port);
    }
    close(fd);
    return port;
}

/* The consultation service on the node's store, trust store and audience
 * (the shipped policy matrix, 60-minute emergency grants). */
static fse_err consult_new(demo_node *n, const char *const *ca_files)
{
    fse_consult_opts co = FSE_CONSULT_OPTS_INIT;

    co.store_path = n->cfg.store.path;
    co.master_key_path = n->cfg.store.master_key;
    co.store_busy_timeout_ms = (int)n->cfg.store.busy_timeout_ms;
    co.ca_files = ca_files;
    co.n_ca_files = 1;
    co.audience = n->cfg.jwt.audience;
    co.clock_skew_s = (unsigned)n->cfg.jwt.clock_skew_s;
    co.n_slots = (unsigned)n->cfg.server.threads;
    co.log = log_line;
    co.log_ud = n->log;
    co.session = fse_web_consult_session;
    co.session_ud = n->web;
    return fse_consult_new(&n->cs, &co);
}

/* The web pages (web.*: the project's web/ by default) with the demo
 * identity provider as their login. */
static fse_err web_new(demo_node *n)
{
    fse_web_opts wo;

    tool_web_opts(&wo, &n->cfg);
    n->web_pages = wo.static_dir != NULL;
    wo.idp = demo_idp_web_login;
    wo.idp_ud = n->idp;
    wo.log = log_line;
    wo.log_ud = n->log;
    return fse_web_new(&n->web, &wo);
}

/* Build the gateway, the consultation service, the identity provider and
 * the server on n->port and start them. */
static fse_err node_start(demo_node *n)
{
    const char *ca_files[1] = {n->cfg.jwt.ca_file};
    fse_gateway_opts go = FSE_GATEWAY_OPTS_INIT;
    fse_eds_opts eo = FSE_EDS_OPTS_INIT;
    fse_http_opts ho;
    fse_err rc;

    (void)snprintf(n->host, sizeof(n->host), "127.0.0.1:%u", (unsigned)n->port);
    (void)snprintf(n->base_url, sizeof(n->base_url), "http://%s/v1", n->host);
    rc = fse_config_set(&n->cfg, "jwt.audience", n->base_url);
    if (rc != FSE_OK) {
        return rc;
    }
    (void)snprintf(n->cfg.server.bind, sizeof(n->cfg.server.bind), "127.0.0.1");
    n->cfg.server.port = n->port;
    go.rules_dir = n->cfg.validate.rules_dir;
    go.skip_vocabulary = n->cfg.validate.skip_vocabulary;
    go.store_path = n->cfg.store.path;
    go.master_key_path = n->cfg.store.master_key;
    go.store_busy_timeout_ms = (int)n->cfg.store.busy_timeout_ms;
    go.outbox_max_attempts = (unsigned)n->cfg.store.outbox_max_attempts;
    go.outbox_backoff_base_ms = n->cfg.store.outbox_backoff_ms;
    go.outbox_backoff_max_ms = n->cfg.store.outbox_backoff_max_ms;
    go.ca_files = ca_files;
    go.n_ca_files = 1;
    go.audience = n->cfg.jwt.audience;
    go.clock_skew_s = (unsigned)n->cfg.jwt.clock_skew_s;
    go.pades_check_off = !n->cfg.server.pades_check;
    go.n_slots = (unsigned)n->cfg.server.threads;
    go.outbox_poll_ms = (unsigned)n->cfg.server.outbox_poll_ms;
    go.log = log_line;
    go.log_ud = n->log;
    memset(&ho, 0, sizeof(ho));
    ho.bind_address = n->cfg.server.bind;
    ho.port = n->port;
    ho.threads = (unsigned)n->cfg.server.threads;
    ho.shutdown_timeout_ms = (unsigned)n->cfg.server.shutdown_timeout_ms;
    ho.max_connections_per_ip = 128;
    ho.access_log = access_line;
    ho.log = log_line;
    ho.log_ud = n->log;
    eo.store_path = n->cfg.store.path;
    eo.master_key_path = n->cfg.store.master_key;
    eo.store_busy_timeout_ms = (int)n->cfg.store.busy_timeout_ms;
    rc = fse_eds_new(&n->eds, &eo);
    go.fhir = fse_eds_gateway_hook; /* the regional clinical store (docs/fhir.md) */
    go.fhir_ud = n->eds;
    if (rc == FSE_OK) {
        rc = fse_gateway_new(&n->gw, &go);
    }
    if (rc == FSE_OK) {
        rc = demo_idp_new(&n->idp, n->signer, n->cfg.jwt.audience);
    }
    if (rc == FSE_OK) {
        rc = web_new(n);
    }
    if (rc == FSE_OK) {
        rc = consult_new(n, ca_files);
    }
    if (rc == FSE_OK) {
        demo_idp_set_people(n->idp, &n->people);
        rc = fse_http_server_new(&n->srv, &ho);
    }
    if (rc == FSE_OK) {
        rc = fse_gateway_routes(n->gw, n->srv);
    }
    if (rc == FSE_OK) {
        rc = fse_consult_routes(n->cs, n->srv);
    }
    if (rc == FSE_OK) {
        rc = demo_idp_routes(n->idp, n->srv);
    }
    if (rc == FSE_OK) {
        rc = demo_monitor_routes(n); /* /monitor/v1 (docs/monitor.md) */
    }
    if (rc == FSE_OK) {
        rc = fse_web_routes(n->web, n->srv); /* last: the pages take any other GET */
    }
    if (rc == FSE_OK) {
        rc = fse_gateway_worker_start(n->gw);
    }
    if (rc == FSE_OK) {
        rc = fse_http_server_start(n->srv);
    }
    return rc;
}

/* Stop and free the gateway, the consultation service, the identity
 * provider and the server (none may be running). */
static void node_stop(demo_node *n)
{
    fse_gateway_worker_stop(n->gw);
    fse_http_server_free(n->srv);
    demo_monitor_free(n);
    fse_gateway_free(n->gw);
    fse_eds_free(n->eds);
    n->eds = NULL;
    fse_consult_free(n->cs);
    demo_idp_free(n->idp);
    fse_web_free(n->web);
    n->web = NULL;
    n->srv = NULL;
    n->gw = NULL;
    n->cs = NULL;
    n->idp = NULL;
}

/* A probed free port may be taken by another process before the server
 * binds it: a few tries. */
bool demo_node_listen(demo_node *n, long port)
{
    fse_err rc = FSE_E_IO;
    int attempt;

    for (attempt = 0; attempt < (port == 0 ? 5 : 1) && rc == FSE_E_IO; attempt++) {
        n->port = port != 0 ? (uint16_t)port : free_port();
        node_stop(n);
        rc = n->port != 0 ? node_start(n) : FSE_E_IO;
    }
    if (rc != FSE_OK) {
        fprintf(stderr, "fse demo: %s\n", fse_error_last()->message);
        if (rc == FSE_E_IO && port != 0) {
            fprintf(stderr, "fse demo: port %ld busy? try --port 0 (any free port)\n", port);
        }
        return false;
    }
    return write_config(n);
}

void demo_node_free(demo_node *n)
{
    node_stop(n);
    fse_jwt_cred_free(n->signer);
    n->signer = NULL;
    if (n->log != NULL) {
        fclose(n->log);
        n->log = NULL;
    }
}
