/*
 * include/fse/config.h - the node's configuration: one table of options.
 *
 * Owns the option table (name, type, default, bounds, environment variable,
 * help), the immutable fse_config value built from it, and the three ways to
 * set options: the config file ("name = value" lines), environment
 * variables and command-line flags, applied in that order by the tool. The
 * library never reads the environment itself: the caller passes a lookup
 * function. Modules receive the sub-struct they need.
 */
#ifndef FSE_CONFIG_H
#define FSE_CONFIG_H

#include "fse/common.h"
#include "fse/error.h"
#include "fse/util.h"

#define FSE_CONFIG_PATH_MAX 1024

/* Validation options. */
typedef struct fse_config_validate {
    char rules_dir[FSE_CONFIG_PATH_MAX]; /* rules catalog */
    long jobs;                           /* worker threads; 0 = all cores */
    bool skip_vocabulary;                /* the Gateway's "system: TS" for every document */
} fse_config_validate;

/* The HTTP server and the Gateway endpoints (fse serve). */
typedef struct fse_config_server {
    char bind[64]; /* IPv4 or IPv6 literal */
    long port;
    long threads;        /* worker threads (and request slots) */
    long max_body_bytes; /* 413 above it */
    long rate_limit;     /* requests per window per client; 0: off */
    long max_connections_per_ip;
    long rate_window_s;
    long connection_timeout_s;          /* idle connection */
    long request_timeout_s;             /* whole request body */
    long shutdown_timeout_ms;           /* drain on SIGTERM */
    char tls_cert[FSE_CONFIG_PATH_MAX]; /* PEM chain; "" plain HTTP */
    char tls_key[FSE_CONFIG_PATH_MAX];
    char tls_client_ca[FSE_CONFIG_PATH_MAX];  /* "" no mutual TLS */
    bool pades_check;                         /* publication requires a signed PDF */
    char callback_hosts[FSE_CONFIG_PATH_MAX]; /* X-Callback-Url allow-list; "" any */
    long outbox_poll_ms;
} fse_config_server;

/* The node's store (documents, links, events, outbox, audit chain). */
typedef struct fse_config_store {
    char path[FSE_CONFIG_PATH_MAX];       /* SQLite database */
    char master_key[FSE_CONFIG_PATH_MAX]; /* master key file (fse keys create) */
    long busy_timeout_ms;
    long outbox_max_attempts;
    long outbox_backoff_ms; /* first retry delay, doubled per attempt */
    long outbox_backoff_max_ms;
} fse_config_store;

/* The two JWTs of every call (gateway-api §3). */
typedef struct fse_config_jwt {
    char ca_file[FSE_CONFIG_PATH_MAX]; /* PEM with the trusted CA certificates */
    char audience[512];                /* the node's base URL including /v1 */
    long clock_skew_s;
} fse_config_jwt;

/* policy.*: consultation (docs/policy.md). */
typedef struct fse_config_policy {
    char matrix_file[FSE_CONFIG_PATH_MAX]; /* roles x document types; "" shipped */
    long emergency_minutes;                /* length of a break-the-glass grant */
    char public_url[512];                  /* base of FHIR links; "" from the Host header */
} fse_config_policy;

/* web.*: the web pages and their sessions (docs/web.md). */
typedef struct fse_config_web {
    char dir[FSE_CONFIG_PATH_MAX]; /* the pages; "" the project's web/ when present; "-" none */
    long max_sessions;
    long session_idle_minutes;
    long session_hours;
} fse_config_web;

typedef struct fse_config {
    fse_config_validate validate;
    fse_config_policy policy;
    fse_config_server server;
    fse_config_store store;
    fse_config_jwt jwt;
    char log_level[16]; /* debug, info, warn, error */
    fse_config_web web;
} fse_config;

/* Fill cfg with the defaults of the table; rules_default is the catalog used
 * when none is configured (the tool passes the one beside its sources). */
FSE_API void fse_config_defaults(fse_config *cfg, const char *rules_default);

/*
 * Set one option by name ("validate.rules_dir") from its text. Returns
 * FSE_E_NOT_FOUND for an unknown name, FSE_E_ARG for a value of the wrong
 * type or outside the bounds (the message names the option and the bounds).
 */
FSE_API fse_err fse_config_set(fse_config *cfg, const char *name, const char *value);

/*
 * Read a config file: one "name = value" per line, '#' starts a comment,
 * blank lines ignored, values may be quoted. Errors name the file and line.
 */
FSE_API fse_err fse_config_load_file(fse_config *cfg, const char *path);

/* Apply the options whose environment variable lookup() returns non-NULL
 * (pass getenv, or a test double). */
FSE_API fse_err fse_config_apply_env(fse_config *cfg, const char *(*lookup)(const char *name));

/* Append "name = value   # help" lines for every option in effect. */
FSE_API fse_err fse_config_dump(const fse_config *cfg, fse_buf *out);

#endif /* FSE_CONFIG_H */
