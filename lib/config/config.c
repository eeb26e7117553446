/*
 * lib/config/config.c - the option table and its three sources (file,
 * environment, flags).
 *
 * Owns the table: one row per option with its type, default, bounds,
 * environment variable and help; parsing and range checks happen here and
 * only here. Does not own where values come from (the tool decides the
 * order: defaults, file, environment, flags).
 */
#include "fse/config.h"

#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum opt_type { OPT_STRING, OPT_LONG, OPT_BOOL, OPT_ENUM } opt_type;

typedef struct opt_def {
    const char *name;
    opt_type type;
    size_t offset;
    size_t size; /* OPT_STRING/OPT_ENUM: buffer size */
    const char *deflt;
    long min;
    long max;
    const char *env;
    const char *choices; /* OPT_ENUM: '|'-separated */
    const char *help;
} opt_def;

#define FIELD(f) offsetof(fse_config, f), sizeof(((fse_config *)0)->f)

/* Every option of the node. Keep rows sorted by name. */
static const opt_def options[] = {
    {"jwt.audience", OPT_STRING, FIELD(jwt.audience), "http://127.0.0.1:8080/v1", 0, 0,
     "FSE_JWT_AUDIENCE", NULL, "aud the tokens must carry: the node's base URL with /v1"},
    {"jwt.ca_file", OPT_STRING, FIELD(jwt.ca_file), "fse-ca.pem", 0, 0, "FSE_JWT_CA", NULL,
     "PEM file of the CA certificates the token signers chain to"},
    {"jwt.clock_skew_s", OPT_LONG, FIELD(jwt.clock_skew_s), "60", 0, 300, "FSE_JWT_SKEW", NULL,
     "seconds tolerated on exp/iat/nbf"},
    {"log.level", OPT_ENUM, FIELD(log_level), "info", 0, 0, "FSE_LOG_LEVEL",
     "debug|info|warn|error", "least severe log events written"},
    {"policy.emergency_minutes", OPT_LONG, FIELD(policy.emergency_minutes), "60", 1, 1440, NULL,
     NULL, "length of a break-the-glass grant (DM23 art.20)"},
    {"policy.matrix_file", OPT_STRING, FIELD(policy.matrix_file), NULL, 0, 0, "FSE_POLICY_MATRIX",
     NULL, "roles x document types matrix (docs/policy.md); empty: shipped defaults"},
    {"policy.public_url", OPT_STRING, FIELD(policy.public_url), NULL, 0, 0, "FSE_PUBLIC_URL", NULL,
     "public base URL of FHIR links (https://host); empty: from the Host header"},
    {"server.bind", OPT_STRING, FIELD(server.bind), "127.0.0.1", 0, 0, "FSE_BIND", NULL,
     "address the server listens on (IP literal)"},
    {"server.callback_hosts", OPT_STRING, FIELD(server.callback_hosts), NULL, 0, 0,
     "FSE_CALLBACK_HOSTS", NULL, "hosts allowed in X-Callback-Url (host[:port],...; empty: any)"},
    {"server.connection_timeout_s", OPT_LONG, FIELD(server.connection_timeout_s), "30", 1, 3600,
     NULL, NULL, "idle connection timeout"},
    {"server.max_body_bytes", OPT_LONG, FIELD(server.max_body_bytes), "5242880", 1024, 5505024,
     NULL, NULL, "largest request body (413 above it; the Gateway's 5 MB)"},
    {"server.max_connections_per_ip", OPT_LONG, FIELD(server.max_connections_per_ip), "32", 1,
     65536, NULL, NULL, "open connections allowed from one client address"},
    {"server.outbox_poll_ms", OPT_LONG, FIELD(server.outbox_poll_ms), "1000", 10, 600000, NULL,
     NULL, "idle wait of the outbox worker between polls"},
    {"server.pades_check", OPT_BOOL, FIELD(server.pades_check), "true", 0, 0, "FSE_PADES_CHECK",
     NULL, "publication requires a PAdES-signed PDF"},
    {"server.port", OPT_LONG, FIELD(server.port), "8080", 0, 65535, "FSE_PORT", NULL,
     "TCP port (0: any free port)"},
    {"server.rate_limit", OPT_LONG, FIELD(server.rate_limit), "1200", 0, 1000000, NULL, NULL,
     "requests per window per client address (429 above; 0: no limit)"},
    {"server.rate_window_s", OPT_LONG, FIELD(server.rate_window_s), "60", 1, 86400, NULL, NULL,
     "rate limit window"},
    {"server.request_timeout_s", OPT_LONG, FIELD(server.request_timeout_s), "120", 1, 3600, NULL,
     NULL, "deadline for receiving a whole request"},
    {"server.shutdown_timeout_ms", OPT_LONG, FIELD(server.shutdown_timeout_ms), "10000", 1, 600000,
     NULL, NULL, "wait for in-flight requests on SIGTERM"},
    {"server.threads", OPT_LONG, FIELD(server.threads), "4", 1, 256, "FSE_THREADS", NULL,
     "HTTP worker threads (each with a validator and a store handle)"},
    {"server.tls_cert", OPT_STRING, FIELD(server.tls_cert), NULL, 0, 0, "FSE_TLS_CERT", NULL,
     "server certificate chain (PEM); empty: plain HTTP"},
    {"server.tls_client_ca", OPT_STRING, FIELD(server.tls_client_ca), NULL, 0, 0,
     "FSE_TLS_CLIENT_CA", NULL, "CA(s) of client certificates (PEM); set: mutual TLS required"},
    {"server.tls_key", OPT_STRING, FIELD(server.tls_key), NULL, 0, 0, "FSE_TLS_KEY", NULL,
     "private key of the server certificate (PEM)"},
    {"store.busy_timeout_ms", OPT_LONG, FIELD(store.busy_timeout_ms), "5000", 1, 60000, NULL, NULL,
     "wait for another writer"},
    {"store.master_key", OPT_STRING, FIELD(store.master_key), "fse-master.key", 0, 0,
     "FSE_MASTER_KEY", NULL, "master key file (fse keys create); never inside the database"},
    {"store.outbox_backoff_max_ms", OPT_LONG, FIELD(store.outbox_backoff_max_ms), "300000", 1,
     86400000, NULL, NULL, "cap of the outbox retry delay"},
    {"store.outbox_backoff_ms", OPT_LONG, FIELD(store.outbox_backoff_ms), "1000", 1, 3600000, NULL,
     NULL, "first outbox retry delay, doubled per attempt"},
    {"store.outbox_max_attempts", OPT_LONG, FIELD(store.outbox_max_attempts), "8", 1, 30, NULL,
     NULL, "attempts before an outbox job is dead-lettered"},
    {"store.path", OPT_STRING, FIELD(store.path), "fse-node.db", 0, 0, "FSE_STORE", NULL,
     "the node's database (SQLite, WAL, fsync on commit)"},
    {"validate.jobs", OPT_LONG, FIELD(validate.jobs), "0", 0, 1024, "FSE_JOBS", NULL,
     "validation worker threads (0 = one per core)"},
    {"validate.rules_dir", OPT_STRING, FIELD(validate.rules_dir), NULL, 0, 0, "FSE_RULES", NULL,
     "rules catalog: xsd/, schematron/, terminology/"},
    {"validate.skip_vocabulary", OPT_BOOL, FIELD(validate.skip_vocabulary), "false", 0, 0,
     "FSE_SKIP_VOCABULARY", NULL, "skip the terminology step for every document"},
    {"web.dir", OPT_STRING, FIELD(web.dir), NULL, 0, 0, "FSE_WEB_DIR", NULL,
     "the web pages (docs/web.md); empty: the project's web/ when present; -: none"},
    {"web.max_sessions", OPT_LONG, FIELD(web.max_sessions), "4096", 1, 65536, NULL, NULL,
     "browser sessions kept (the longest idle one goes when full)"},
    {"web.session_hours", OPT_LONG, FIELD(web.session_hours), "8", 1, 24, NULL, NULL,
     "a browser session ends after this long (or when its token pair expires)"},
    {"web.session_idle_minutes", OPT_LONG, FIELD(web.session_idle_minutes), "15", 1, 1440, NULL,
     NULL, "a browser session ends after this long without a request"},
};

#define N_OPTIONS (sizeof(options) / sizeof(options[0]))

static const opt_def *find_option(const char *name)
{
    size_t i;

    for (i = 0; i < N_OPTIONS; i++) {
        if (strcmp(options[i].name, name) == 0) {
            return &options[i];
        }
    }
    return NULL;
}

static bool parse_bool(const char *s, bool *out)
{
    static const char *const yes[] = {"true", "yes", "on", "1"};
    static const char *const no[] = {"false", "no", "off", "0"};
    size_t i;

    for (i = 0; i < 4; i++) {
        if (strcmp(s, yes[i]) == 0 || strcmp(s, no[i]) == 0) {
            *out = strcmp(s, yes[i]) == 0;
            return true;
        }
    }
    return false;
}

static bool enum_allows(const char *choices, const char *value)
{
    size_t n = strlen(value);
    const char *p = choices;

    while (p != NULL && *p != '\0') {
        const char *bar = strchr(p, '|');
        size_t len = bar != NULL ? (size_t)(bar - p) : strlen(p);

        if (len == n && strncmp(p, value, n) == 0) {
            return true;
        }
        p = bar != NULL ? bar + 1 : NULL;
    }
    return false;
}

static fse_err set_value(fse_config *cfg, const opt_def *o, const char *value)
{
    char *field = (char *)cfg + o->offset;
    char *end;
    long v;

    switch (o->type) {
    case OPT_ENUM:
        if (!enum_allows(o->choices, value)) {
            return fse_error_set(FSE_E_ARG, "config", "%s: '%s' is not one of %s", o->name, value,
                                 o->choices);
        }
        /* fall through */
    case OPT_STRING:
        if (strlen(value) >= o->size) {
            return fse_error_set(FSE_E_ARG, "config", "%s: value longer than %zu characters",
                                 o->name, o->size - 1);
        }
        memcpy(field, value, strlen(value) + 1);
        return FSE_OK;
    case OPT_LONG:
        errno = 0;
        v = strtol(value, &end, 10);
        if (errno != 0 || end == value || *end != '\0' || v < o->min || v > o->max) {
            return fse_error_set(FSE_E_ARG, "config", "%s: '%s' is not a number from %ld to %ld",
                                 o->name, value, o->min, o->max);
        }
        memcpy(field, &v, sizeof(v));
        return FSE_OK;
    case OPT_BOOL: {
        bool b;

        if (!parse_bool(value, &b)) {
            return fse_error_set(FSE_E_ARG, "config", "%s: '%s' is not true or false", o->name,
                                 value);
        }
        memcpy(field, &b, sizeof(b));
        return FSE_OK;
    }
    }
    return fse_error_set(FSE_E_INTERNAL, "config", "%s: unknown option type", o->name);
}

void fse_config_defaults(fse_config *cfg, const char *rules_default)
{
    size_t i;

    memset(cfg, 0, sizeof(*cfg));
    for (i = 0; i < N_OPTIONS; i++) {
        const char *d = options[i].deflt;

        if (strcmp(options[i].name, "validate.rules_dir") == 0) {
            d = rules_default;
        }
        if (d != NULL) {
            (void)set_value(cfg, &options[i], d);
        }
    }
}

fse_err fse_config_set(fse_config *cfg, const char *name, const char *value)
{
    const opt_def *o = find_option(name);

    if (o == NULL) {
        return fse_error_set(FSE_E_NOT_FOUND, "config", "unknown option '%s'", name);
    }
    return set_value(cfg, o, value);
}

/* Trim spaces in place; returns the start. */
static char *trim(char *s)
{
    char *end;

    while (isspace((unsigned char)*s)) {
        s++;
    }
    end = s + strlen(s);
    while (end > s && isspace((unsigned char)end[-1])) {
        *--end = '\0';
    }
    return s;
}

static fse_err parse_line(fse_config *cfg, char *line, const char *path, unsigned lineno)
{
    char *hash = strchr(line, '#');
    char *eq;
    char *name;
    char *value;
    size_t n;
    fse_err rc;

    if (hash != NULL) {
        *hash = '\0';
    }
    line = trim(line);
    if (*line == '\0') {
        return FSE_OK;
    }
    eq = strchr(line, '=');
    if (eq == NULL) {
        return fse_error_set(FSE_E_PARSE, "config", "%s:%u: expected 'name = value'", path, lineno);
    }
    *eq = '\0';
    name = trim(line);
    value = trim(eq + 1);
    n = strlen(value);
    if (n >= 2 && (value[0] == '"' || value[0] == '\'') && value[n - 1] == value[0]) {
        value[n - 1] = '\0';
        value++;
    }
    rc = fse_config_set(cfg, name, value);
    if (rc != FSE_OK) {
        char detail[FSE_ERROR_MSG_MAX];

        snprintf(detail, sizeof(detail), "%s", fse_error_last()->message);
        return fse_error_set(rc, "config", "%s:%u: %s", path, lineno, detail);
    }
    return FSE_OK;
}

fse_err fse_config_load_file(fse_config *cfg, const char *path)
{
    uint8_t *data = NULL;
    size_t len = 0;
    char *line;
    char *next;
    unsigned lineno = 0;
    fse_err rc = fse_file_read(path, 1u << 20, &data, &len);

    if (rc != FSE_OK) {
        return fse_error_prefix("config");
    }
    if (memchr(data, '\0', len) != NULL) {
        fse_free(data);
        return fse_error_set(FSE_E_PARSE, "config", "%s: NUL byte in the file", path);
    }
    for (line = (char *)data; line != NULL && rc == FSE_OK; line = next) {
        next = strchr(line, '\n');
        if (next != NULL) {
            *next++ = '\0';
        }
        lineno++;
        rc = parse_line(cfg, line, path, lineno);
    }
    fse_free(data);
    return rc;
}

fse_err fse_config_apply_env(fse_config *cfg, const char *(*lookup)(const char *name))
{
    size_t i;

    for (i = 0; i < N_OPTIONS; i++) {
        const char *v = options[i].env != NULL ? lookup(options[i].env) : NULL;
        fse_err rc;

        if (v == NULL || v[0] == '\0') {
            continue;
        }
        rc = set_value(cfg, &options[i], v);
        if (rc != FSE_OK) {
            return fse_error_prefix(options[i].env);
        }
    }
    return FSE_OK;
}

fse_err fse_config_dump(const fse_config *cfg, fse_buf *out)
{
    size_t i;
    fse_err rc = FSE_OK;

    for (i = 0; i < N_OPTIONS && rc == FSE_OK; i++) {
        const opt_def *o = &options[i];
        const char *field = (const char *)cfg + o->offset;
        char value[FSE_CONFIG_PATH_MAX + 32];

        switch (o->type) {
        case OPT_STRING:
        case OPT_ENUM:
            snprintf(value, sizeof(value), "\"%s\"", field);
            break;
        case OPT_LONG: {
            long v;

            memcpy(&v, field, sizeof(v));
            snprintf(value, sizeof(value), "%ld", v);
            break;
        }
        case OPT_BOOL: {
            bool b;

            memcpy(&b, field, sizeof(b));
            snprintf(value, sizeof(value), "%s", b ? "true" : "false");
            break;
        }
        }
        rc = fse_buf_printf(out, "%s = %s    # %s (env %s)\n", o->name, value, o->help,
                            o->env != NULL ? o->env : "-");
    }
    return rc;
}
