/*
 * lib/http/http_server.c - the server lifecycle on libmicrohttpd.
 *
 * Owns option defaults and caps, the MHD daemon set-up (worker thread pool,
 * timeouts, connection limits, strict parsing, TLS material), the MHD
 * callbacks that create and finish requests and connections, the self-pipe
 * used by the signal-safe shutdown request, and the graceful shutdown itself
 * (quiesce, drain in-flight requests up to a deadline, stop). It does not own
 * what happens to a request (http_request.c), routing (http_route.c) or
 * client certificates (http_tls.c).
 */
#include "http_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

uint64_t fse_http__now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

void fse_http__log(const fse_http_server *srv, fse_http_log_level level, const char *fmt, ...)
{
    char line[1024];
    va_list ap;

    if (srv == NULL || srv->opts.log == NULL) {
        return;
    }
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    srv->opts.log(srv->opts.log_ud, level, line);
}

/* ---- Options ------------------------------------------------------------ */

static fse_err copy_pem(char **out, const char *pem, const char *what)
{
    size_t len;

    *out = NULL;
    if (pem == NULL) {
        return FSE_OK;
    }
    len = strnlen(pem, FSE_HTTP_MAX_PEM_BYTES + 1);
    if (len == 0 || len > FSE_HTTP_MAX_PEM_BYTES) {
        return fse_error_set(FSE_E_ARG, FSE_HTTP_MODULE, "%s: empty or over %u bytes", what,
                             FSE_HTTP_MAX_PEM_BYTES);
    }
    *out = fse_strndup(pem, len);
    if (*out == NULL) {
        return fse_error_set(FSE_E_NOMEM, FSE_HTTP_MODULE, "copying %s", what);
    }
    return FSE_OK;
}

static fse_err check_cap(unsigned value, unsigned cap, const char *name)
{
    if (value > cap) {
        return fse_error_set(FSE_E_ARG, FSE_HTTP_MODULE, "%s %u is over the cap %u", name, value,
                             cap);
    }
    return FSE_OK;
}

/* Apply defaults and hard caps to a copy of the caller's options. */
static fse_err opts_apply(fse_http_opts *o)
{
    fse_err rc = FSE_OK;

    if (o->threads == 0) {
        o->threads = 2;
    }
    if (o->connection_timeout_s == 0) {
        o->connection_timeout_s = 30;
    }
    if (o->request_timeout_s == 0) {
        o->request_timeout_s = 120;
    }
    if (o->max_body_bytes == 0) {
        o->max_body_bytes = FSE_MAX_DOCUMENT_BYTES;
    }
    if (o->max_buffered_bytes == 0) {
        o->max_buffered_bytes = FSE_HTTP_BUFFERED_DEFAULT;
    }
    if (o->max_connections == 0) {
        o->max_connections = 256;
    }
    if (o->max_connections_per_ip == 0) {
        o->max_connections_per_ip = 32;
    }
    if (o->rate_limit_window_s == 0) {
        o->rate_limit_window_s = 60;
    }
    if (o->shutdown_timeout_ms == 0) {
        o->shutdown_timeout_ms = 10000;
    }
    if (o->max_body_bytes > FSE_HTTP_MAX_BODY_HARD) {
        return fse_error_set(FSE_E_ARG, FSE_HTTP_MODULE, "max_body_bytes %zu is over the cap %u",
                             o->max_body_bytes, FSE_HTTP_MAX_BODY_HARD);
    }
    if (o->max_buffered_bytes > FSE_HTTP_BUFFERED_HARD ||
        o->max_buffered_bytes < o->max_body_bytes) {
        return fse_error_set(FSE_E_ARG, FSE_HTTP_MODULE,
                             "max_buffered_bytes must be between max_body_bytes and %zu",
                             FSE_HTTP_BUFFERED_HARD);
    }
    rc = check_cap(o->threads, FSE_HTTP_MAX_THREADS, "threads");
    if (rc == FSE_OK) {
        rc = check_cap(o->connection_timeout_s, FSE_HTTP_MAX_TIMEOUT_S, "connection_timeout_s");
    }
    if (rc == FSE_OK) {
        rc = check_cap(o->request_timeout_s, FSE_HTTP_MAX_TIMEOUT_S, "request_timeout_s");
    }
    if (rc == FSE_OK) {
        rc = check_cap(o->max_connections, FSE_HTTP_MAX_CONNECTIONS, "max_connections");
    }
    if (rc == FSE_OK) {
        rc = check_cap(o->max_connections_per_ip, o->max_connections, "max_connections_per_ip");
    }
    if (rc == FSE_OK) {
        rc = check_cap(o->rate_limit_requests, FSE_HTTP_MAX_RATE_REQUESTS, "rate_limit_requests");
    }
    if (rc == FSE_OK) {
        rc = check_cap(o->rate_limit_window_s, FSE_HTTP_MAX_RATE_WINDOW_S, "rate_limit_window_s");
    }
    if (rc == FSE_OK) {
        rc = check_cap(o->shutdown_timeout_ms, FSE_HTTP_MAX_SHUTDOWN_MS, "shutdown_timeout_ms");
    }
    if (rc == FSE_OK && (o->tls_cert_pem == NULL) != (o->tls_key_pem == NULL)) {
        rc = fse_error_set(FSE_E_ARG, FSE_HTTP_MODULE, "TLS needs both a certificate and a key");
    }
    if (rc == FSE_OK && o->tls_client_ca_pem != NULL && o->tls_cert_pem == NULL) {
        rc = fse_error_set(FSE_E_ARG, FSE_HTTP_MODULE, "mutual TLS needs a server certificate");
    }
    return rc;
}

static fse_err sync_init(fse_http_server *srv)
{
    pthread_condattr_t attr;
    int fds[2];

    if (pipe(fds) != 0) {
        return fse_error_set(FSE_E_IO, FSE_HTTP_MODULE, "pipe: %s", strerror(errno));
    }
    /* The write end never blocks: the signal handler must return at once. */
    fcntl(fds[0], F_SETFD, FD_CLOEXEC);
    fcntl(fds[1], F_SETFD, FD_CLOEXEC);
    fcntl(fds[1], F_SETFL, O_NONBLOCK);
    srv->pipe_rd = fds[0];
    srv->pipe_wr = fds[1];
    pthread_mutex_init(&srv->lock, NULL);
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&srv->idle, &attr);
    pthread_condattr_destroy(&attr);
    return FSE_OK;
}

fse_err fse_http_server_new(fse_http_server **out, const fse_http_opts *opts)
{
    fse_http_server *srv = NULL;
    static const fse_http_opts zero;
    fse_err rc;

    *out = NULL;
    srv = fse_calloc(1, sizeof *srv);
    if (srv == NULL) {
        return fse_error_set(FSE_E_NOMEM, FSE_HTTP_MODULE, "server");
    }
    srv->pipe_rd = -1;
    srv->pipe_wr = -1;
    srv->opts = opts != NULL ? *opts : zero;
    atomic_init(&srv->shutting_down, false);
    atomic_init(&srv->buffered, 0);
    rc = opts_apply(&srv->opts);
    if (rc == FSE_OK) {
        srv->bind_address =
            fse_strdup(srv->opts.bind_address != NULL ? srv->opts.bind_address : "127.0.0.1");
        if (srv->bind_address == NULL) {
            rc = fse_error_set(FSE_E_NOMEM, FSE_HTTP_MODULE, "bind address");
        }
    }
    if (rc == FSE_OK) {
        rc = copy_pem(&srv->tls_cert, srv->opts.tls_cert_pem, "TLS certificate");
    }
    if (rc == FSE_OK) {
        rc = copy_pem(&srv->tls_key, srv->opts.tls_key_pem, "TLS key");
    }
    if (rc == FSE_OK) {
        rc = copy_pem(&srv->tls_ca, srv->opts.tls_client_ca_pem, "TLS client CA");
    }
    /* The caller's pointers are not kept. */
    srv->opts.bind_address = NULL;
    srv->opts.tls_cert_pem = NULL;
    srv->opts.tls_key_pem = NULL;
    srv->opts.tls_client_ca_pem = NULL;
    if (rc == FSE_OK && srv->opts.rate_limit_requests > 0) {
        rc = fse_http__rate_new(&srv->rate, srv->opts.rate_limit_requests,
                                srv->opts.rate_limit_window_s);
    }
    if (rc == FSE_OK) {
        rc = sync_init(srv);
    }
    if (rc != FSE_OK) {
        fse_http_server_free(srv);
        return rc;
    }
    *out = srv;
    return FSE_OK;
}

/* ---- Routes ------------------------------------------------------------- */

static fse_err add_route(fse_http_server *srv, http_route *route)
{
    if (srv->started) {
        fse_http__route_free(route);
        return fse_error_set(FSE_E_ARG, FSE_HTTP_MODULE, "routes are added before start");
    }
    if (srv->n_routes == FSE_HTTP_MAX_ROUTES) {
        fse_http__route_free(route);
        return fse_error_set(FSE_E_LIMIT, FSE_HTTP_MODULE, "more than %u routes",
                             FSE_HTTP_MAX_ROUTES);
    }
    srv->routes[srv->n_routes++] = route;
    return FSE_OK;
}

fse_err fse_http_server_route(fse_http_server *srv, const char *method, const char *pattern,
                              fse_http_handler handler, void *ud)
{
    http_route *route = NULL;
    fse_err rc;

    if (srv == NULL || handler == NULL) {
        return fse_error_set(FSE_E_ARG, FSE_HTTP_MODULE, "route without server or handler");
    }
    rc = fse_http__route_new(&route, method, pattern);
    if (rc != FSE_OK) {
        return rc;
    }
    route->handler = handler;
    route->ud = ud;
    return add_route(srv, route);
}

fse_err fse_http_server_error_style(fse_http_server *srv, const char *prefix,
                                    fse_http_error_fn fn, void *ud)
{
    char *copy;

    if (srv == NULL || prefix == NULL || prefix[0] != '/' || fn == NULL || srv->started) {
        return fse_error_set(FSE_E_ARG, FSE_HTTP_MODULE, "bad error style");
    }
    if (srv->n_error_styles == FSE_HTTP_MAX_ERROR_STYLES) {
        return fse_error_set(FSE_E_LIMIT, FSE_HTTP_MODULE, "too many error styles");
    }
    copy = fse_strdup(prefix);
    if (copy == NULL) {
        return fse_error_set(FSE_E_NOMEM, FSE_HTTP_MODULE, "error style");
    }
    srv->error_styles[srv->n_error_styles].prefix = copy;
    srv->error_styles[srv->n_error_styles].fn = fn;
    srv->error_styles[srv->n_error_styles].ud = ud;
    srv->n_error_styles++;
    return FSE_OK;
}

fse_err fse_http_server_static(fse_http_server *srv, const char *prefix, const char *dir)
{
    return fse_http_server_static_opts(srv, prefix, dir, NULL);
}

/* Copy an optional header value of a static route; NULL stays NULL. */
static fse_err static_header(char **out, const char *value, const char *what)
{
    size_t i;

    *out = NULL;
    if (value == NULL) {
        return FSE_OK;
    }
    for (i = 0; value[i] != '\0'; i++) {
        unsigned char c = (unsigned char)value[i];

        if ((c < 0x20 && c != '\t') || c == 0x7f) {
            return fse_error_set(FSE_E_ARG, FSE_HTTP_MODULE, "bad %s value", what);
        }
    }
    *out = fse_strdup(value);
    return *out != NULL ? FSE_OK : fse_error_set(FSE_E_NOMEM, FSE_HTTP_MODULE, "static route");
}

fse_err fse_http_server_static_opts(fse_http_server *srv, const char *prefix, const char *dir,
                                    const fse_http_static_opts *opts)
{
    http_route *route = NULL;
    fse_buf pattern;
    size_t plen;
    int fd = -1;
    fse_err rc;

    if (srv == NULL || prefix == NULL || dir == NULL) {
        return fse_error_set(FSE_E_ARG, FSE_HTTP_MODULE, "static route without prefix or dir");
    }
    if (opts != NULL && opts->versioned_max_age_s > FSE_HTTP_MAX_STATIC_AGE_S) {
        return fse_error_set(FSE_E_ARG, FSE_HTTP_MODULE, "versioned_max_age_s over %u",
                             FSE_HTTP_MAX_STATIC_AGE_S);
    }
    fse_buf_init(&pattern, FSE_HTTP_MAX_PATTERN_BYTES);
    plen = strlen(prefix);
    while (plen > 0 && prefix[plen - 1] == '/') {
        plen--;
    }
    rc = fse_buf_append(&pattern, prefix, plen);
    if (rc == FSE_OK) {
        rc = fse_buf_append_str(&pattern, "/*");
    }
    if (rc == FSE_OK) {
        fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0) {
            rc = fse_error_set(FSE_E_IO, FSE_HTTP_MODULE, "cannot open %s: %s", dir,
                               strerror(errno));
        }
    }
    if (rc == FSE_OK) {
        rc = fse_http__route_new(&route, "GET", pattern.data);
    }
    if (rc == FSE_OK) {
        route->kind = HTTP_ROUTE_STATIC;
        route->dir_fd = fd;
        fd = -1;
        if (opts != NULL) {
            route->versioned_max_age_s = opts->versioned_max_age_s;
            rc = static_header(&route->csp, opts->csp, "Content-Security-Policy");
            if (rc == FSE_OK) {
                rc = static_header(&route->frame_options, opts->frame_options, "X-Frame-Options");
            }
        }
        if (rc == FSE_OK) {
            rc = add_route(srv, route);
        } else {
            fse_http__route_free(route);
        }
    }
    if (fd >= 0) {
        close(fd);
    }
    fse_buf_free(&pattern);
    return rc;
}

static fse_err health(fse_http_req *req, void *ud)
{
    static const char body[] = "{\"status\":\"UP\"}";

    (void)ud;
    return fse_http_respond(req, 200, "application/json", body, sizeof body - 1);
}

static bool has_route(const fse_http_server *srv, const char *method, const char *pattern)
{
    http_route *probe = NULL;
    bool found = false;
    size_t i;
    size_t k;

    if (fse_http__route_new(&probe, method, pattern) != FSE_OK) {
        return false;
    }
    for (i = 0; i < srv->n_routes && !found; i++) {
        const http_route *r = srv->routes[i];

        if (strcmp(r->method, method) != 0 || r->n_segs != probe->n_segs || r->tail) {
            continue;
        }
        found = true;
        for (k = 0; k < r->n_segs; k++) {
            if (strcmp(r->segs[k], probe->segs[k]) != 0) {
                found = false;
            }
        }
    }
    fse_http__route_free(probe);
    return found;
}

/* ---- MHD callbacks ------------------------------------------------------ */

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
    return fse_http__req_new(cls, conn, uri);
}

static enum MHD_Result on_access(void *cls, struct MHD_Connection *conn, const char *url,
                                 const char *method, const char *version, const char *upload_data,
                                 size_t *upload_data_size, void **req_cls)
{
    (void)cls;
    (void)conn;
    (void)url;
    (void)version;
    if (*req_cls == NULL) {
        return MHD_NO; /* the request could not be allocated: drop the connection */
    }
    return fse_http__req_access(*req_cls, method, upload_data, upload_data_size);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **req_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)conn;
    if (*req_cls != NULL) {
        fse_http__req_done(*req_cls, toe == MHD_REQUEST_TERMINATED_COMPLETED_OK);
        *req_cls = NULL;
    }
}

static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                          enum MHD_ConnectionNotificationCode toe)
{
    fse_http_server *srv = cls;

    if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
        *socket_context = fse_calloc(1, sizeof(http_conn));
        if (srv->tls_ca != NULL) {
            fse_http__tls_require_client(srv, conn);
        }
    } else if (toe == MHD_CONNECTION_NOTIFY_CLOSED) {
        fse_http__conn_free(*socket_context);
        *socket_context = NULL;
    }
}

/* MHD decodes the path and query in place unless told otherwise; this layer
 * decodes them itself from the raw target, so MHD's copy is left as sent. */
static size_t on_unescape(void *cls, struct MHD_Connection *conn, char *s)
{
    (void)cls;
    (void)conn;
    return strlen(s);
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap) FSE_PRINTF(2, 0);

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
    const fse_http_server *srv = cls;
    char msg[512];
    size_t n;

    vsnprintf(msg, sizeof msg, fmt, ap);
    n = strlen(msg);
    while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == '\r')) {
        msg[--n] = '\0';
    }
    fse_http__log(srv, FSE_HTTP_LOG_WARN, "module=http event=mhd msg=\"%s\"", msg);
}

/* ---- Start -------------------------------------------------------------- */

static fse_err bind_addr(const fse_http_server *srv, struct sockaddr_storage *ss, bool *v6)
{
    struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;

    memset(ss, 0, sizeof *ss);
    *v6 = false;
    if (inet_pton(AF_INET, srv->bind_address, &a4->sin_addr) == 1) {
        a4->sin_family = AF_INET;
        a4->sin_port = htons(srv->opts.port);
        return FSE_OK;
    }
    if (inet_pton(AF_INET6, srv->bind_address, &a6->sin6_addr) == 1) {
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons(srv->opts.port);
        *v6 = true;
        return FSE_OK;
    }
    return fse_error_set(FSE_E_ARG, FSE_HTTP_MODULE, "bind address %s is not an IP literal",
                         srv->bind_address);
}

fse_err fse_http_server_start(fse_http_server *srv)
{
    struct sockaddr_storage ss;
    struct MHD_OptionItem items[16];
    const union MHD_DaemonInfo *info;
    http_route *health_route;
    unsigned int flags;
    size_t n = 0;
    bool v6 = false;
    fse_err rc;

    if (srv == NULL || srv->started) {
        return fse_error_set(FSE_E_ARG, FSE_HTTP_MODULE, "server missing or already started");
    }
    if (!has_route(srv, "GET", "/v1/status")) {
        rc = fse_http_server_route(srv, "GET", "/v1/status", health, NULL);
        if (rc != FSE_OK) {
            return rc;
        }
        /* First, so that a prefix route on "/" cannot shadow it. */
        health_route = srv->routes[srv->n_routes - 1];
        memmove(&srv->routes[1], &srv->routes[0], (srv->n_routes - 1) * sizeof srv->routes[0]);
        srv->routes[0] = health_route;
    }
    rc = bind_addr(srv, &ss, &v6);
    if (rc != FSE_OK) {
        return rc;
    }
    flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_USE_ITC;
    if (v6) {
        flags |= MHD_USE_IPv6;
    }
    if (srv->tls_cert != NULL) {
        flags |= MHD_USE_TLS;
    }
    if (srv->opts.log != NULL) {
        flags |= MHD_USE_ERROR_LOG;
    }
    items[n++] = (struct MHD_OptionItem){MHD_OPTION_SOCK_ADDR, 0, &ss};
    items[n++] = (struct MHD_OptionItem){MHD_OPTION_THREAD_POOL_SIZE, srv->opts.threads, NULL};
    items[n++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_TIMEOUT,
                                         srv->opts.connection_timeout_s, NULL};
    items[n++] =
        (struct MHD_OptionItem){MHD_OPTION_CONNECTION_LIMIT, srv->opts.max_connections, NULL};
    items[n++] = (struct MHD_OptionItem){MHD_OPTION_PER_IP_CONNECTION_LIMIT,
                                         srv->opts.max_connections_per_ip, NULL};
    items[n++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_MEMORY_LIMIT,
                                         FSE_HTTP_CONNECTION_MEMORY, NULL};
    items[n++] = (struct MHD_OptionItem){MHD_OPTION_STRICT_FOR_CLIENT, 1, NULL};
    items[n++] = (struct MHD_OptionItem){MHD_OPTION_LISTENING_ADDRESS_REUSE, 1, NULL};
    if (srv->tls_cert != NULL) {
        items[n++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_CERT, 0, srv->tls_cert};
        items[n++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_KEY, 0, srv->tls_key};
        items[n++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_PRIORITIES, 0,
                                             "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2"};
        if (srv->tls_ca != NULL) {
            items[n++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_TRUST, 0, srv->tls_ca};
        }
    }
    items[n] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};

    /* The logger goes first so that MHD never prints while parsing options. */
    srv->daemon = MHD_start_daemon(
        flags, 0, NULL, NULL, on_access, srv, MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, srv,
        MHD_OPTION_URI_LOG_CALLBACK, on_uri, srv, MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
        MHD_OPTION_NOTIFY_CONNECTION, on_connection, srv, MHD_OPTION_UNESCAPE_CALLBACK, on_unescape,
        srv, MHD_OPTION_ARRAY, items, MHD_OPTION_END);
    if (srv->daemon == NULL) {
        return fse_error_set(srv->tls_cert != NULL ? FSE_E_CRYPTO : FSE_E_IO, FSE_HTTP_MODULE,
                             "cannot start the server on %s port %u%s", srv->bind_address,
                             (unsigned)srv->opts.port,
                             srv->tls_cert != NULL ? " (or its TLS material was refused)" : "");
    }
    info = MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
    srv->port = info != NULL ? info->port : srv->opts.port;
    srv->started = true;
    fse_http__log(srv, FSE_HTTP_LOG_INFO, "module=http event=listen address=%s port=%u tls=%s",
                  srv->bind_address, (unsigned)srv->port,
                  srv->tls_ca != NULL ? "mutual" : (srv->tls_cert != NULL ? "on" : "off"));
    return FSE_OK;
}

uint16_t fse_http_server_port(const fse_http_server *srv)
{
    return srv != NULL && srv->started ? srv->port : 0;
}

/* ---- Shutdown ----------------------------------------------------------- */

void fse_http_server_shutdown_signal(fse_http_server *srv)
{
    int saved = errno;
    ssize_t n;

    if (srv != NULL && srv->pipe_wr >= 0) {
        n = write(srv->pipe_wr, "x", 1);
        (void)n; /* a full pipe already holds a request */
    }
    errno = saved;
}

static void wait_for_signal(const fse_http_server *srv)
{
    struct pollfd pfd;

    pfd.fd = srv->pipe_rd;
    pfd.events = POLLIN;
    pfd.revents = 0;
    while (poll(&pfd, 1, -1) < 0 && errno == EINTR) {
        pfd.revents = 0;
    }
}

/* Wait until no request is in flight or the deadline passes; true if drained. */
static bool drain(fse_http_server *srv)
{
    struct timespec deadline;
    bool drained;

    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += (time_t)(srv->opts.shutdown_timeout_ms / 1000u);
    deadline.tv_nsec += (long)(srv->opts.shutdown_timeout_ms % 1000u) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&srv->lock);
    while (srv->in_flight > 0) {
        if (pthread_cond_timedwait(&srv->idle, &srv->lock, &deadline) == ETIMEDOUT) {
            break;
        }
    }
    drained = srv->in_flight == 0;
    pthread_mutex_unlock(&srv->lock);
    return drained;
}

static void stop(fse_http_server *srv)
{
    if (srv->daemon != NULL) {
        MHD_stop_daemon(srv->daemon);
        srv->daemon = NULL;
    }
    srv->stopped = true;
}

fse_err fse_http_server_wait(fse_http_server *srv)
{
    MHD_socket listen_fd;
    bool drained;

    if (srv == NULL || !srv->started || srv->stopped) {
        return fse_error_set(FSE_E_ARG, FSE_HTTP_MODULE, "server not running");
    }
    wait_for_signal(srv);
    atomic_store(&srv->shutting_down, true);
    listen_fd = MHD_quiesce_daemon(srv->daemon);
    if (listen_fd != MHD_INVALID_SOCKET) {
        close(listen_fd);
    }
    fse_http__log(srv, FSE_HTTP_LOG_INFO, "module=http event=shutdown phase=drain");
    drained = drain(srv);
    stop(srv);
    fse_http__log(srv, FSE_HTTP_LOG_INFO, "module=http event=shutdown phase=stopped drained=%s",
                  drained ? "yes" : "no");
    if (!drained) {
        return fse_error_set(FSE_E_LIMIT, FSE_HTTP_MODULE,
                             "requests still running after %u ms were cut",
                             srv->opts.shutdown_timeout_ms);
    }
    return FSE_OK;
}

void fse_http_server_free(fse_http_server *srv)
{
    size_t i;

    if (srv == NULL) {
        return;
    }
    if (srv->started && !srv->stopped) {
        atomic_store(&srv->shutting_down, true);
        stop(srv);
    }
    for (i = 0; i < srv->n_routes; i++) {
        fse_http__route_free(srv->routes[i]);
    }
    fse_http__rate_free(srv->rate);
    for (i = 0; i < srv->n_error_styles; i++) {
        fse_free(srv->error_styles[i].prefix);
    }
    if (srv->tls_key != NULL) {
        explicit_bzero(srv->tls_key, strlen(srv->tls_key));
    }
    fse_free(srv->tls_key);
    fse_free(srv->tls_cert);
    fse_free(srv->tls_ca);
    fse_free(srv->bind_address);
    if (srv->pipe_rd >= 0) {
        close(srv->pipe_rd);
        close(srv->pipe_wr);
        pthread_cond_destroy(&srv->idle);
        pthread_mutex_destroy(&srv->lock);
    }
    fse_free(srv);
}
