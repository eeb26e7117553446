/*
 * src/cmd_serve.c - `fse serve`: run the node's Gateway FSE 2.0 compatible
 * endpoints over HTTP/1.1 (TLS and mutual TLS optional) with the outbox
 * worker, until SIGTERM or SIGINT, then shut down gracefully.
 *
 * Owns the mapping of the configuration (server.*, store.*, jwt.*,
 * validate.*) to fse_http_opts, fse_gateway_opts (its FHIR hook: the
 * regional clinical store, fse/eds.h) and fse_consult_opts, the reading of
 * the TLS files, the signal handlers, the log and access-log lines on stderr, and
 * the exit code (0 clean shutdown, 1 shutdown with requests cut, 2 usage,
 * configuration or start-up error). The endpoints are lib/gateway's and
 * lib/consult's, the web pages and their sessions lib/web's (web.*, without
 * an identity provider), the transport lib/http's.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "fse/config.h"
#include "fse/consult.h"
#include "fse/eds.h"
#include "fse/gateway.h"
#include "fse/http.h"
#include "fse/monitor.h"
#include "fse/web.h"
#include "tool.h"

/* Largest PEM file read for TLS. */
#define SERVE_MAX_PEM (256u * 1024u)

/* The server the signal handler asks to stop (async-signal-safe call). */
static fse_http_server *volatile serve_target;

static void on_signal(int sig)
{
    (void)sig;
    if (serve_target != NULL) {
        fse_http_server_shutdown_signal(serve_target);
    }
}

typedef struct serve_log {
    fse_http_log_level min;
} serve_log;

static fse_http_log_level level_of(const char *name)
{
    if (strcmp(name, "debug") == 0) {
        return FSE_HTTP_LOG_DEBUG;
    }
    if (strcmp(name, "warn") == 0) {
        return FSE_HTTP_LOG_WARN;
    }
    if (strcmp(name, "error") == 0) {
        return FSE_HTTP_LOG_ERROR;
    }
    return FSE_HTTP_LOG_INFO;
}

static void log_line(void *ud, fse_http_log_level level, const char *line)
{
    static const char *const names[] = {"debug", "info", "warn", "error"};
    const serve_log *l = ud;

    if (level >= l->min) {
        fprintf(stderr, "level=%s %s\n", names[level], line);
    }
}

static void access_line(void *ud, const fse_http_access_entry *e)
{
    const serve_log *l = ud;

    if (l->min <= FSE_HTTP_LOG_INFO) {
        fprintf(stderr,
                "level=info module=http event=access method=%s path=%s client=%s status=%u "
                "bytes_in=%zu bytes_out=%zu us=%llu trace=%s completed=%s\n",
                e->method, e->path, e->client_ip, e->status, e->bytes_in, e->bytes_out,
                (unsigned long long)e->duration_us, e->trace_id, e->completed ? "yes" : "no");
    }
}

static void usage(FILE *out)
{
    fprintf(out, "usage: fse serve [--config FILE] [--port N] [--bind ADDR] [--rules DIR]\n"
                 "\n"
                 "Serve the Gateway FSE 2.0 endpoints under /v1 (validation, publication,\n"
                 "replace, delete, metadata update, validate-and-create/-replace, status) with\n"
                 "the node's store and the outbox worker, and consultation: the FHIR R4\n"
                 "document API under /fhir, the citizen's rights under /citizen/v1, care\n"
                 "declarations and emergency access under /consult/v1 (docs/consult.md),\n"
                 "and the web pages of web.dir at / (docs/web.md).\n"
                 "Options come from the config file (server.*, store.*, jwt.*, validate.*,\n"
                 "policy.*; see fse config dump); the flags\n"
                 "override server.port, server.bind and validate.rules_dir.\n"
                 "Create the master key first: fse keys create --config FILE.\n"
                 "Once listening, the base URL (http://ADDR:PORT/v1) is printed on stdout.\n"
                 "SIGTERM or SIGINT stops accepting, drains in-flight requests, then exits.\n"
                 "\n"
                 "Exit status: 0 clean shutdown, 1 requests cut at shutdown, 2 error.\n");
}

static int parse_args(fse_config *cfg, int argc, char **argv)
{
    const char *config_file = NULL;
    int i;

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return 0;
        }
        if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
            config_file = argv[++i];
        }
    }
    if (!tool_config_load(cfg, config_file)) {
        return 2;
    }
    for (i = 1; i < argc; i++) {
        const char *name = NULL;

        if (strcmp(argv[i], "--config") == 0) {
            i++;
            continue;
        }
        if (strcmp(argv[i], "--port") == 0) {
            name = "server.port";
        } else if (strcmp(argv[i], "--bind") == 0) {
            name = "server.bind";
        } else if (strcmp(argv[i], "--rules") == 0) {
            name = "validate.rules_dir";
        }
        if (name == NULL || i + 1 >= argc) {
            fprintf(stderr, "fse serve: unknown option or missing value: %s\n", argv[i]);
            usage(stderr);
            return 2;
        }
        if (fse_config_set(cfg, name, argv[++i]) != FSE_OK) {
            fprintf(stderr, "fse serve: %s\n", fse_error_last()->message);
            return 2;
        }
    }
    return -1;
}

/* The TLS material named by the configuration (NULL when not set). */
typedef struct serve_tls {
    uint8_t *cert;
    uint8_t *key;
    uint8_t *ca;
} serve_tls;

static bool read_pem(uint8_t **out, const char *path)
{
    size_t len = 0;

    *out = NULL;
    if (path[0] == '\0') {
        return true;
    }
    if (fse_file_read(path, SERVE_MAX_PEM, out, &len) != FSE_OK) {
        fprintf(stderr, "fse serve: %s\n", fse_error_last()->message);
        return false;
    }
    return true;
}

static void tls_free(serve_tls *t)
{
    if (t->key != NULL) {
        memset(t->key, 0, strlen((const char *)t->key));
    }
    fse_free(t->cert);
    fse_free(t->key);
    fse_free(t->ca);
}

static void http_opts(fse_http_opts *o, const fse_config *cfg, const serve_tls *tls, serve_log *log)
{
    memset(o, 0, sizeof(*o));
    o->bind_address = cfg->server.bind;
    o->port = (uint16_t)cfg->server.port;
    o->threads = (unsigned)cfg->server.threads;
    o->connection_timeout_s = (unsigned)cfg->server.connection_timeout_s;
    o->request_timeout_s = (unsigned)cfg->server.request_timeout_s;
    o->max_body_bytes = (size_t)cfg->server.max_body_bytes;
    o->rate_limit_requests = (unsigned)cfg->server.rate_limit;
    o->max_connections_per_ip = (unsigned)cfg->server.max_connections_per_ip;
    o->rate_limit_window_s = (unsigned)cfg->server.rate_window_s;
    o->shutdown_timeout_ms = (unsigned)cfg->server.shutdown_timeout_ms;
    o->tls_cert_pem = (const char *)tls->cert;
    o->tls_key_pem = (const char *)tls->key;
    o->tls_client_ca_pem = (const char *)tls->ca;
    o->access_log = access_line;
    o->log = log_line;
    o->log_ud = log;
}

static void gateway_opts(fse_gateway_opts *o, const fse_config *cfg, const char *const *ca_files,
                         serve_log *log)
{
    fse_gateway_opts init = FSE_GATEWAY_OPTS_INIT;

    *o = init;
    o->rules_dir = cfg->validate.rules_dir;
    o->skip_vocabulary = cfg->validate.skip_vocabulary;
    o->store_path = cfg->store.path;
    o->master_key_path = cfg->store.master_key;
    o->store_busy_timeout_ms = (int)cfg->store.busy_timeout_ms;
    o->outbox_max_attempts = (unsigned)cfg->store.outbox_max_attempts;
    o->outbox_backoff_base_ms = cfg->store.outbox_backoff_ms;
    o->outbox_backoff_max_ms = cfg->store.outbox_backoff_max_ms;
    o->ca_files = ca_files;
    o->n_ca_files = 1;
    o->audience = cfg->jwt.audience;
    o->clock_skew_s = (unsigned)cfg->jwt.clock_skew_s;
    o->pades_check_off = !cfg->server.pades_check;
    o->n_slots = (unsigned)cfg->server.threads;
    o->outbox_poll_ms = (unsigned)cfg->server.outbox_poll_ms;
    o->callback_hosts = cfg->server.callback_hosts;
    o->log = log_line;
    o->log_ud = log;
}

static void consult_opts(fse_consult_opts *o, const fse_config *cfg, const char *const *ca_files,
                         serve_log *log)
{
    fse_consult_opts init = FSE_CONSULT_OPTS_INIT;

    *o = init;
    o->store_path = cfg->store.path;
    o->master_key_path = cfg->store.master_key;
    o->store_busy_timeout_ms = (int)cfg->store.busy_timeout_ms;
    o->ca_files = ca_files;
    o->n_ca_files = 1;
    o->audience = cfg->jwt.audience;
    o->clock_skew_s = (unsigned)cfg->jwt.clock_skew_s;
    o->base_url = cfg->policy.public_url[0] != '\0' ? cfg->policy.public_url : NULL;
    o->policy_matrix_path = cfg->policy.matrix_file[0] != '\0' ? cfg->policy.matrix_file : NULL;
    o->emergency_ms = cfg->policy.emergency_minutes * 60 * 1000;
    o->n_slots = (unsigned)cfg->server.threads;
    o->log = log_line;
    o->log_ud = log;
}

/* The regional clinical store the gateway's outbox feeds (docs/fhir.md). */
static void eds_opts(fse_eds_opts *o, const fse_config *cfg, serve_log *log)
{
    fse_eds_opts init = FSE_EDS_OPTS_INIT;

    *o = init;
    o->store_path = cfg->store.path;
    o->master_key_path = cfg->store.master_key;
    o->store_busy_timeout_ms = (int)cfg->store.busy_timeout_ms;
    o->log = log_line;
    o->log_ud = log;
}

/* The web pages of web.* and their sessions; no identity provider: a
 * deployment plugs in its own (the login answers 501 meanwhile). */
static void web_opts(fse_web_opts *o, const fse_config *cfg, const serve_tls *tls, serve_log *log)
{
    tool_web_opts(o, cfg);
    o->secure_cookie = tls->cert != NULL;
    o->log = log_line;
    o->log_ud = log;
}

/* The adoption indicators under /monitor/v1 (docs/monitor.md), keyless on
 * the node's store. */
static fse_err monitor_start(fse_monitor **out, const fse_config *cfg, fse_http_server *srv,
                             serve_log *log)
{
    fse_monitor_opts mo = FSE_MONITOR_OPTS_INIT;
    fse_err rc;

    mo.store_path = cfg->store.path;
    mo.store_busy_timeout_ms = (int)cfg->store.busy_timeout_ms;
    mo.log = log_line;
    mo.log_ud = log;
    rc = fse_monitor_new(out, &mo);
    return rc == FSE_OK ? fse_monitor_routes(*out, srv) : rc;
}

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

static int run(const fse_config *cfg, serve_log *log)
{
    const char *ca_files[1] = {cfg->jwt.ca_file};
    serve_tls tls = {NULL, NULL, NULL};
    fse_gateway_opts go;
    fse_consult_opts co;
    fse_web_opts wo;
    fse_eds_opts eo;
    fse_http_opts ho;
    fse_eds *eds = NULL;
    fse_gateway *gw = NULL;
    fse_consult *cs = NULL;
    fse_web *web = NULL;
    fse_monitor *mon = NULL;
    fse_http_server *srv = NULL;
    int status = 2;
    fse_err rc = FSE_OK;

    if (!read_pem(&tls.cert, cfg->server.tls_cert) || !read_pem(&tls.key, cfg->server.tls_key) ||
        !read_pem(&tls.ca, cfg->server.tls_client_ca)) {
        goto done;
    }
    gateway_opts(&go, cfg, ca_files, log);
    consult_opts(&co, cfg, ca_files, log);
    eds_opts(&eo, cfg, log);
    web_opts(&wo, cfg, &tls, log);
    http_opts(&ho, cfg, &tls, log);
    rc = fse_eds_new(&eds, &eo);
    if (rc == FSE_OK) {
        go.fhir = fse_eds_gateway_hook;
        go.fhir_ud = eds;
        rc = fse_gateway_new(&gw, &go);
    }
    if (rc == FSE_OK) {
        rc = fse_web_new(&web, &wo);
    }
    if (rc == FSE_OK) {
        co.session = fse_web_consult_session;
        co.session_ud = web;
        rc = fse_consult_new(&cs, &co);
    }
    if (rc == FSE_OK) {
        rc = fse_http_server_new(&srv, &ho);
    }
    if (rc == FSE_OK) {
        rc = fse_gateway_routes(gw, srv);
    }
    if (rc == FSE_OK) {
        rc = fse_consult_routes(cs, srv);
    }
    if (rc == FSE_OK) {
        rc = monitor_start(&mon, cfg, srv, log);
    }
    if (rc == FSE_OK) {
        rc = fse_web_routes(web, srv); /* last: the pages take any other GET */
    }
    if (rc == FSE_OK) {
        rc = fse_gateway_worker_start(gw);
    }
    if (rc == FSE_OK) {
        serve_target = srv;
        install_signals();
        rc = fse_http_server_start(srv);
    }
    if (rc != FSE_OK) {
        fprintf(stderr, "fse serve: %s\n", fse_error_last()->message);
        if (rc == FSE_E_CRYPTO && access(cfg->store.master_key, F_OK) != 0) {
            fprintf(stderr, "fse serve: create the master key with: fse keys create\n");
        }
        goto done;
    }
    fprintf(stderr, "fse serve: listening on %s://%s:%u/v1 (audience %s)\n",
            tls.cert != NULL ? "https" : "http", cfg->server.bind,
            (unsigned)fse_http_server_port(srv), cfg->jwt.audience);
    if (wo.static_dir != NULL) {
        fprintf(stderr,
                "fse serve: web pages from %s at %s://%s:%u/ (no identity provider: "
                "the login answers 501)\n",
                wo.static_dir, tls.cert != NULL ? "https" : "http", cfg->server.bind,
                (unsigned)fse_http_server_port(srv));
    }
    /* The bound base URL alone on stdout, for scripts (server.port = 0). */
    printf("%s://%s%s%s:%u/v1\n", tls.cert != NULL ? "https" : "http",
           strchr(cfg->server.bind, ':') != NULL ? "[" : "", cfg->server.bind,
           strchr(cfg->server.bind, ':') != NULL ? "]" : "", (unsigned)fse_http_server_port(srv));
    fflush(stdout);
    rc = fse_http_server_wait(srv);
    status = rc == FSE_OK ? 0 : 1;
done:
    serve_target = NULL;
    fse_gateway_worker_stop(gw);
    fse_http_server_free(srv);
    fse_monitor_free(mon);
    fse_gateway_free(gw);
    fse_eds_free(eds);
    fse_consult_free(cs);
    fse_web_free(web);
    tls_free(&tls);
    return status;
}

int cmd_serve(int argc, char **argv)
{
    fse_config cfg;
    serve_log log;
    int rc = parse_args(&cfg, argc, argv);

    if (rc >= 0) {
        return rc;
    }
    log.min = level_of(cfg.log_level);
    return run(&cfg, &log);
}
