/*
 * lib/gateway/gw_callback.c - the push of workflow events to the
 * X-Callback-Url a client gave (gateway-api §1: POST {callback}/v1/workflow/
 * status with {workflowInstanceId, events:[...]}).
 *
 * Owns the URL rule (http:// only, a host name or IPv4 literal, an optional
 * port and path, no user info; the host in the optional allow-list) and a
 * minimal HTTP/1.1 client over a socket: bounded in time (one deadline for
 * connect, send and the status line), in bytes read, with no redirects and
 * Connection: close. It runs on the outbox worker only, never on a request
 * thread. Does not own when pushes happen (gw_outbox.c).
 */
#include "gateway_int.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* A parsed http:// URL. */
typedef struct cb_url {
    char host[256];
    char port[6];
    char path[GW_MAX_CALLBACK_URL];
} cb_url;

static bool host_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '-';
}

static bool parse_url(cb_url *u, const char *url)
{
    const char *p;
    size_t n;
    long port = 80;

    memset(u, 0, sizeof(*u));
    if (strnlen(url, GW_MAX_CALLBACK_URL + 1) > GW_MAX_CALLBACK_URL ||
        strncasecmp(url, "http://", 7) != 0) {
        return false;
    }
    p = url + 7;
    for (n = 0; host_char(p[n]); n++) {
    }
    if (n == 0 || n >= sizeof(u->host) || p[0] == '.' || p[0] == '-') {
        return false;
    }
    memcpy(u->host, p, n);
    p += n;
    if (*p == ':') {
        char *end;

        p++;
        errno = 0;
        port = strtol(p, &end, 10);
        if (end == p || end - p > 5 || errno != 0 || port < 1 || port > 65535) {
            return false;
        }
        p = end;
    }
    snprintf(u->port, sizeof(u->port), "%ld", port);
    if (*p != '\0' && *p != '/') {
        return false; /* user info, fragments or junk after the authority */
    }
    for (n = 0; p[n] != '\0'; n++) {
        unsigned char c = (unsigned char)p[n];

        if (c <= 0x20 || c >= 0x7f || c == '#') {
            return false;
        }
    }
    /* Without its trailing '/': the path is the base the API path joins. */
    while (n > 0 && p[n - 1] == '/') {
        n--;
    }
    memcpy(u->path, p, n);
    return true;
}

/* Whether host:port is in the comma-separated allow-list. */
static bool host_allowed(const char *list, const cb_url *u)
{
    const char *p = list;

    while (*p != '\0') {
        const char *end = strchr(p, ',');
        size_t len = end != NULL ? (size_t)(end - p) : strlen(p);
        char entry[300];
        char *colon;

        while (len > 0 && *p == ' ') {
            p++;
            len--;
        }
        while (len > 0 && p[len - 1] == ' ') {
            len--;
        }
        if (len > 0 && len < sizeof(entry)) {
            memcpy(entry, p, len);
            entry[len] = '\0';
            colon = strchr(entry, ':');
            if (colon != NULL) {
                *colon = '\0';
            }
            if (strcasecmp(entry, u->host) == 0 &&
                (colon == NULL || strcmp(colon + 1, u->port) == 0)) {
                return true;
            }
        }
        if (end == NULL) {
            break;
        }
        p = end + 1;
    }
    return false;
}

bool fse_gateway__callback_url_ok(const fse_gateway *gw, const char *url)
{
    cb_url u;

    if (!parse_url(&u, url)) {
        return false;
    }
    return gw->callback_hosts == NULL || host_allowed(gw->callback_hosts, &u);
}

/* ---- Client ------------------------------------------------------------- */

static int64_t mono_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait for events on fd until the deadline; false on timeout or error. */
static bool wait_fd(int fd, short events, int64_t deadline)
{
    struct pollfd pfd;
    int64_t left;
    int n;

    for (;;) {
        left = deadline - mono_ms();
        if (left <= 0) {
            return false;
        }
        pfd.fd = fd;
        pfd.events = events;
        pfd.revents = 0;
        n = poll(&pfd, 1, (int)left);
        if (n > 0) {
            return (pfd.revents & (events | POLLHUP)) != 0;
        }
        if (n == 0 || errno != EINTR) {
            return false;
        }
    }
}

static int connect_to(const cb_url *u, int64_t deadline)
{
    struct addrinfo hints;
    struct addrinfo *res = NULL;
    struct addrinfo *ai;
    int fd = -1;

    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo(u->host, u->port, &hints, &res) != 0) {
        return -1;
    }
    for (ai = res; ai != NULL && fd < 0; ai = ai->ai_next) {
        int err = 0;
        socklen_t len = sizeof(err);

        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
        if (fd < 0) {
            continue;
        }
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0 &&
            (errno != EINPROGRESS || !wait_fd(fd, POLLOUT, deadline) ||
             getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err != 0)) {
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(res);
    return fd;
}

static bool send_all(int fd, const char *data, size_t len, int64_t deadline)
{
    while (len > 0) {
        ssize_t n = send(fd, data, len, MSG_NOSIGNAL);

        if (n > 0) {
            data += n;
            len -= (size_t)n;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
            if (!wait_fd(fd, POLLOUT, deadline)) {
                return false;
            }
        } else {
            return false;
        }
    }
    return true;
}

/* Read until the status line is complete; its code, or -1. */
static int read_status(int fd, int64_t deadline)
{
    char buf[GW_MAX_CALLBACK_REPLY + 1];
    size_t have = 0;
    int major = 0;
    int minor = 0;
    int code = -1;

    while (have < GW_MAX_CALLBACK_REPLY) {
        ssize_t n;

        if (!wait_fd(fd, POLLIN, deadline)) {
            return -1;
        }
        n = recv(fd, buf + have, GW_MAX_CALLBACK_REPLY - have, 0);
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
            continue;
        }
        if (n <= 0) {
            break;
        }
        have += (size_t)n;
        buf[have] = '\0';
        if (strstr(buf, "\r\n") != NULL) {
            break;
        }
    }
    buf[have] = '\0';
    if (sscanf(buf, "HTTP/%d.%d %3d", &major, &minor, &code) != 3 || major != 1) {
        return -1;
    }
    return code;
}

fse_err fse_gateway__callback_post(const fse_gateway *gw, const char *url, const char *body,
                                   size_t len)
{
    int64_t deadline = mono_ms() + (int64_t)gw->callback_timeout_ms;
    char head[GW_MAX_CALLBACK_URL + 512];
    cb_url u;
    int fd;
    int code;
    int n;

    if (!parse_url(&u, url)) {
        return fse_error_set(FSE_E_ARG, FSE_GW_MODULE, "callback URL refused");
    }
    n = snprintf(head, sizeof(head),
                 "POST %s/v1/workflow/status HTTP/1.1\r\nHost: %s:%s\r\n"
                 "Content-Type: application/json\r\nContent-Length: %zu\r\n"
                 "Connection: close\r\nUser-Agent: fse-gateway\r\n\r\n",
                 u.path, u.host, u.port, len);
    if (n < 0 || (size_t)n >= sizeof(head)) {
        return fse_error_set(FSE_E_LIMIT, FSE_GW_MODULE, "callback request head too long");
    }
    fd = connect_to(&u, deadline);
    if (fd < 0) {
        return fse_error_set(FSE_E_IO, FSE_GW_MODULE, "callback: cannot connect to %s:%s", u.host,
                             u.port);
    }
    if (!send_all(fd, head, (size_t)n, deadline) || !send_all(fd, body, len, deadline)) {
        close(fd);
        return fse_error_set(FSE_E_IO, FSE_GW_MODULE, "callback: sending to %s:%s failed", u.host,
                             u.port);
    }
    code = read_status(fd, deadline);
    close(fd);
    if (code < 0) {
        return fse_error_set(FSE_E_IO, FSE_GW_MODULE, "callback: no valid reply from %s:%s", u.host,
                             u.port);
    }
    if (code < 200 || code > 299) {
        return fse_error_set(FSE_E_DENIED, FSE_GW_MODULE, "callback: %s:%s answered %d", u.host,
                             u.port, code);
    }
    return FSE_OK;
}
