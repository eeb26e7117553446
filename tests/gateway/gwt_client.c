/*
 * tests/gateway/gwt_client.c - the raw HTTP/1.1 client of the gateway
 * suite: one request per connection (Connection: close), multipart bodies
 * written by hand, the response read to the end and parsed (status line,
 * Content-Length body, JSON), and the callback listener that plays a
 * client's X-Callback-Url endpoint.
 */
#define _GNU_SOURCE /* strcasestr */
#include "gwt.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "fse/util.h"

#define BOUNDARY "gwtBoundary7f3a9c2e"

/* ---- Building requests -------------------------------------------------- */

void gwt_call_init(gwt_call *c, const char *method, const char *path_fmt, ...)
{
    va_list ap;

    memset(c, 0, sizeof(*c));
    c->method = method;
    va_start(ap, path_fmt);
    vsnprintf(c->path, sizeof(c->path), path_fmt, ap);
    va_end(ap);
}

void gwt_call_free(gwt_call *c)
{
    fse_free(c->auth);
    fse_free(c->sig);
    free(c->body);
    memset(c, 0, sizeof(*c));
}

void gwt_call_body(gwt_call *c, const json_t *body)
{
    free(c->body);
    c->body = json_dumps(body, JSON_COMPACT);
    assert_non_null(c->body);
}

void gwt_encode(char *out, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t o = 0;

    for (; *s != '\0'; s++) {
        unsigned char ch = (unsigned char)*s;

        if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
            ch == '.' || ch == '-' || ch == '_' || ch == '~') {
            out[o++] = (char)ch;
        } else {
            out[o++] = '%';
            out[o++] = hex[ch >> 4];
            out[o++] = hex[ch & 15];
        }
    }
    out[o] = '\0';
}

static void append(fse_buf *b, const void *data, size_t len)
{
    assert_int_equal(fse_buf_append(b, data, len), FSE_OK);
}

static void appendf(fse_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void appendf(fse_buf *b, const char *fmt, ...)
{
    char tmp[8192];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    assert_true(n >= 0 && (size_t)n < sizeof(tmp));
    append(b, tmp, (size_t)n);
}

/* The body of c: multipart parts or the JSON text. */
static void build_body(fse_buf *b, const gwt_call *c)
{
    if (c->json_body) {
        if (c->body != NULL) {
            append(b, c->body, strlen(c->body));
        }
        return;
    }
    if (c->with_file) {
        appendf(b, "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"file\"; "
                   "filename=\"doc.pdf\"\r\nContent-Type: application/pdf\r\n\r\n");
        append(b, c->file, c->file_len);
        appendf(b, "\r\n");
    }
    if (c->body != NULL) {
        appendf(b, "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"requestBody\"\r\n"
                   "Content-Type: application/json\r\n\r\n");
        append(b, c->body, strlen(c->body));
        appendf(b, "\r\n");
    }
    appendf(b, "--" BOUNDARY "--\r\n");
}

static void build_request(fse_buf *req, const gwt_call *c)
{
    fse_buf body;
    const char *ctype = c->content_type;

    fse_buf_init(&body, 16u << 20);
    if (strcmp(c->method, "GET") != 0 && strcmp(c->method, "DELETE") != 0) {
        build_body(&body, c);
        if (ctype == NULL) {
            ctype = c->json_body ? "application/json" : "multipart/form-data; boundary=" BOUNDARY;
        }
    }
    appendf(req, "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n", c->method, c->path);
    appendf(req, "Accept: application/json\r\n");
    if (c->auth != NULL) {
        append(req, "Authorization: Bearer ", 22);
        append(req, c->auth, strlen(c->auth));
        append(req, "\r\n", 2);
    }
    if (c->sig != NULL) {
        append(req, "FSE-JWT-Signature: ", 19);
        append(req, c->sig, strlen(c->sig));
        append(req, "\r\n", 2);
    }
    if (c->extra_header[0] != '\0') {
        appendf(req, "%s\r\n", c->extra_header);
    }
    if (ctype != NULL) {
        appendf(req, "Content-Type: %s\r\n", ctype);
    }
    appendf(req, "Content-Length: %zu\r\n\r\n", body.len);
    if (body.len > 0) {
        append(req, body.data, body.len);
    }
    fse_buf_free(&body);
}

/* ---- Sending and reading ------------------------------------------------ */

static int connect_local(uint16_t port)
{
    struct sockaddr_in a;
    struct timeval tv = {60, 0};
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    assert_true(fd >= 0);
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
    return fd;
}

static void parse_response(gwt_resp *r, char *data, size_t len)
{
    char *end = strstr(data, "\r\n\r\n");
    const char *cl;
    size_t head_len;

    assert_non_null(end);
    head_len = (size_t)(end - data);
    r->head = fse_strndup(data, head_len);
    assert_int_equal(sscanf(data, "HTTP/1.1 %d", &r->status), 1);
    r->body = fse_strndup(end + 4, len - head_len - 4);
    r->body_len = len - head_len - 4;
    cl = strcasestr(r->head, "\r\nContent-Length:");
    if (cl != NULL) {
        size_t want = (size_t)strtoul(cl + 17, NULL, 10);

        assert_true(want <= r->body_len);
        r->body_len = want;
        r->body[want] = '\0';
    }
    r->json = json_loadb(r->body, r->body_len, 0, NULL);
}

void gwt_send_raw(uint16_t port, const void *data, size_t len, gwt_resp *r)
{
    int fd = connect_local(port);
    const uint8_t *p = data;
    fse_buf in;
    char buf[65536];

    memset(r, 0, sizeof(*r));
    while (len > 0) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);

        if (n <= 0) {
            break; /* the server may answer early (413) and close */
        }
        p += n;
        len -= (size_t)n;
    }
    fse_buf_init(&in, 64u << 20);
    for (;;) {
        ssize_t n = recv(fd, buf, sizeof(buf), 0);

        if (n <= 0) {
            break;
        }
        append(&in, buf, (size_t)n);
    }
    close(fd);
    assert_true(in.len > 0);
    parse_response(r, in.data, in.len);
    fse_buf_free(&in);
}

void gwt_send(const gwt_node *n, const gwt_call *c, gwt_resp *r)
{
    fse_buf req;

    fse_buf_init(&req, 32u << 20);
    build_request(&req, c);
    gwt_send_raw(n->port, req.data, req.len, r);
    fse_buf_free(&req);
}

void gwt_resp_free(gwt_resp *r)
{
    fse_free(r->head);
    fse_free(r->body);
    json_decref(r->json);
    memset(r, 0, sizeof(*r));
}

const char *gwt_str(const gwt_resp *r, const char *key)
{
    return json_string_value(json_object_get(r->json, key));
}

void gwt_expect(const gwt_resp *r, int status, const char *type, const char *what)
{
    const char *got = gwt_str(r, "type");

    if (r->status != status || (type != NULL && (got == NULL || strcmp(got, type) != 0))) {
        fail_msg("%s: expected %d %s, got %d: %.600s", what, status, type != NULL ? type : "",
                 r->status, r->body != NULL ? r->body : "");
    }
    if (type != NULL) {
        /* Every problem carries the Gateway's fields (gateway-api §4). */
        const char *fields[] = {"traceID", "spanID", "type", "title", "instance"};
        size_t i;

        for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
            if (json_object_get(r->json, fields[i]) == NULL) {
                fail_msg("%s: problem without %s: %s", what, fields[i], r->body);
            }
        }
        assert_int_equal(json_integer_value(json_object_get(r->json, "status")), status);
        assert_non_null(strstr(r->head, "application/problem+json"));
    }
}

/* ---- Callback listener -------------------------------------------------- */

static void serve_one(gwt_listener *l, int fd)
{
    static const char reply[] = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    struct timeval tv = {5, 0};
    fse_buf in;
    char buf[16384];
    char *end = NULL;
    size_t want = 0;
    char path[512] = "";

    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    fse_buf_init(&in, 8u << 20);
    for (;;) {
        ssize_t n = recv(fd, buf, sizeof(buf), 0);

        if (n <= 0) {
            break;
        }
        append(&in, buf, (size_t)n);
        end = strstr(in.data, "\r\n\r\n");
        if (end != NULL) {
            const char *cl = strcasestr(in.data, "\r\nContent-Length:");

            want = cl != NULL ? (size_t)strtoul(cl + 17, NULL, 10) : 0;
            if (in.len >= (size_t)(end - in.data) + 4 + want) {
                break;
            }
        }
    }
    if (end != NULL) {
        sscanf(in.data, "POST %511s", path);
        pthread_mutex_lock(&l->lock);
        if (l->n < GWT_MAX_PUSHES) {
            l->paths[l->n] = fse_strdup(path);
            l->bodies[l->n] = fse_strndup(end + 4, want);
            l->n++;
        }
        pthread_mutex_unlock(&l->lock);
        (void)send(fd, reply, sizeof(reply) - 1, MSG_NOSIGNAL);
    }
    fse_buf_free(&in);
    close(fd);
}

static void *listener_main(void *arg)
{
    gwt_listener *l = arg;

    while (!atomic_load(&l->stop)) {
        struct pollfd pfd = {l->fd, POLLIN, 0};
        int fd;

        if (poll(&pfd, 1, 100) <= 0) {
            continue;
        }
        fd = accept(l->fd, NULL, NULL);
        if (fd >= 0) {
            serve_one(l, fd);
        }
    }
    return NULL;
}

void gwt_listener_start(gwt_listener *l)
{
    struct sockaddr_in a;
    socklen_t alen = sizeof(a);

    memset(l, 0, sizeof(*l));
    pthread_mutex_init(&l->lock, NULL);
    l->fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(l->fd >= 0);
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(l->fd, (struct sockaddr *)&a, sizeof(a)), 0);
    assert_int_equal(listen(l->fd, 16), 0);
    assert_int_equal(getsockname(l->fd, (struct sockaddr *)&a, &alen), 0);
    l->port = ntohs(a.sin_port);
    assert_int_equal(pthread_create(&l->thread, NULL, listener_main, l), 0);
}

void gwt_listener_stop(gwt_listener *l)
{
    int i;

    atomic_store(&l->stop, true);
    pthread_join(l->thread, NULL);
    close(l->fd);
    for (i = 0; i < l->n; i++) {
        fse_free(l->paths[i]);
        fse_free(l->bodies[i]);
    }
    pthread_mutex_destroy(&l->lock);
}

int gwt_listener_wait(gwt_listener *l, const char *needle, int timeout_ms)
{
    int waited;

    for (waited = 0; waited <= timeout_ms; waited += 20) {
        int i;
        int found = -1;

        pthread_mutex_lock(&l->lock);
        for (i = 0; i < l->n && found < 0; i++) {
            if (strstr(l->bodies[i], needle) != NULL) {
                found = i;
            }
        }
        pthread_mutex_unlock(&l->lock);
        if (found >= 0) {
            return found;
        }
        usleep(20000);
    }
    return -1;
}
