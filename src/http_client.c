/*
 * src/http_client.c - the loopback HTTP/1.1 client of the fse tool and the
 * Gateway calls of a generated document (see http_client.h).
 *
 * Owns the socket handling, request framing, response parsing, the
 * multipart bodies and requestBody JSON of the validation and publication
 * calls, the two-step flow and the parallel building of document sets.
 * Does not own the documents, PDFs and tokens (lib/gen) nor the JSON parser
 * (lib/http).
 */
#define _GNU_SOURCE /* memmem, strcasestr */
#include "http_client.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "fse/http.h"
#include "fse/json.h"

#define HC_MODULE "client"
/* Largest requestBody JSON of a generated document. */
#define HC_MAX_BODY_JSON (64u * 1024u)
/* Largest head (status line and headers) of a response. */
#define HC_MAX_HEAD (64u * 1024u)

/* ---- Connection --------------------------------------------------------- */

void hc_conn_init(hc_conn *c, const char *host, uint16_t port, unsigned timeout_ms)
{
    memset(c, 0, sizeof(*c));
    c->fd = -1;
    (void)snprintf(c->host, sizeof(c->host), "%s", host);
    c->port = port;
    c->timeout_ms = timeout_ms;
    fse_buf_init(&c->in, HC_MAX_RESPONSE + HC_MAX_HEAD);
}

static void disconnect(hc_conn *c)
{
    if (c->fd >= 0) {
        close(c->fd);
        c->fd = -1;
    }
    fse_buf_reset(&c->in);
}

void hc_conn_set_port(hc_conn *c, uint16_t port)
{
    disconnect(c);
    c->port = port;
}

void hc_conn_close(hc_conn *c)
{
    disconnect(c);
    fse_buf_free(&c->in);
}

static fse_err io_error(const hc_conn *c, const char *what, int err)
{
    return fse_error_set(FSE_E_IO, HC_MODULE, "%s %s:%u: %s", what, c->host, (unsigned)c->port,
                         err != 0 ? strerror(err) : "connection closed");
}

static fse_err connect_now(hc_conn *c)
{
    struct sockaddr_in a;
    struct timeval tv;
    int one = 1;
    int fd;

    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_port = htons(c->port);
    if (inet_pton(AF_INET, c->host, &a.sin_addr) != 1) {
        return fse_error_set(FSE_E_ARG, HC_MODULE, "not an IPv4 address: %s", c->host);
    }
    fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return io_error(c, "socket", errno);
    }
    tv.tv_sec = (time_t)(c->timeout_ms / 1000);
    tv.tv_usec = (suseconds_t)(c->timeout_ms % 1000) * 1000;
    (void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    (void)setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    if (connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
        int err = errno;

        close(fd);
        return io_error(c, "connect", err);
    }
    c->fd = fd;
    fse_buf_reset(&c->in);
    return FSE_OK;
}

/* Whether the server closed (or broke) a kept-alive connection while it
 * was idle: readable with nothing to read, or an error. */
static bool closed_while_idle(const hc_conn *c)
{
    struct pollfd p = {c->fd, POLLIN, 0};
    char b;

    if (poll(&p, 1, 0) <= 0) {
        return false;
    }
    return recv(c->fd, &b, 1, MSG_PEEK | MSG_DONTWAIT) <= 0;
}

static fse_err send_all(hc_conn *c, const uint8_t *p, size_t len)
{
    while (len > 0) {
        ssize_t n = send(c->fd, p, len, MSG_NOSIGNAL);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return io_error(c, "send to", n < 0 ? errno : 0);
        }
        p += n;
        len -= (size_t)n;
    }
    return FSE_OK;
}

/* Read more bytes into c->in; FSE_E_IO on end of stream or error. */
static fse_err read_more(hc_conn *c)
{
    char buf[65536];
    ssize_t n;

    do {
        n = recv(c->fd, buf, sizeof(buf), 0);
    } while (n < 0 && errno == EINTR);
    if (n <= 0) {
        return io_error(c, "receive from", n < 0 ? errno : 0);
    }
    return fse_buf_append(&c->in, buf, (size_t)n);
}

/* The value of a header in head (NUL-terminated), or NULL. */
static const char *header_value(const char *head, const char *name)
{
    char key[64];
    const char *at;

    (void)snprintf(key, sizeof(key), "\r\n%s:", name);
    at = strcasestr(head, key);
    if (at == NULL) {
        return NULL;
    }
    at += strlen(key);
    while (*at == ' ' || *at == '\t') {
        at++;
    }
    return at;
}

/* Parse the head at the start of c->in (head_len bytes, "\r\n\r\n"
 * included) into status, body length and keep-alive. */
static fse_err parse_head(hc_conn *c, size_t head_len, hc_resp *out, size_t *body_len,
                          bool *close_after)
{
    char *head = fse_strndup(c->in.data, head_len);
    const char *cl;
    const char *conn;
    unsigned major = 0;
    unsigned minor = 0;
    unsigned status = 0;
    fse_err rc = FSE_OK;

    if (head == NULL) {
        return fse_error_set(FSE_E_NOMEM, HC_MODULE, "out of memory");
    }
    if (sscanf(head, "HTTP/%u.%u %u", &major, &minor, &status) != 3 || major != 1 || status < 100 ||
        status > 599) {
        rc = fse_error_set(FSE_E_PARSE, HC_MODULE, "not an HTTP/1.x response");
        goto done;
    }
    if (header_value(head, "Transfer-Encoding") != NULL) {
        rc = fse_error_set(FSE_E_PARSE, HC_MODULE, "chunked responses are not read");
        goto done;
    }
    cl = header_value(head, "Content-Length");
    *body_len = 0;
    if (cl != NULL) {
        char *end = NULL;
        unsigned long long v = strtoull(cl, &end, 10);

        if (end == cl || v > HC_MAX_RESPONSE) {
            rc = fse_error_set(FSE_E_LIMIT, HC_MODULE, "response body over %u bytes",
                               HC_MAX_RESPONSE);
            goto done;
        }
        *body_len = (size_t)v;
    }
    conn = header_value(head, "Connection");
    *close_after = minor == 0 || (conn != NULL && strncasecmp(conn, "close", 5) == 0);
    out->status = status;
done:
    fse_free(head);
    return rc;
}

/* Read one whole response from c into out. */
static fse_err read_response(hc_conn *c, hc_resp *out)
{
    char *end;
    size_t head_len;
    size_t body_len = 0;
    bool close_after = false;
    fse_err rc;

    for (;;) {
        end = c->in.len > 0 ? memmem(c->in.data, c->in.len, "\r\n\r\n", 4) : NULL;
        if (end != NULL) {
            break;
        }
        if (c->in.len > HC_MAX_HEAD) {
            return fse_error_set(FSE_E_LIMIT, HC_MODULE, "response head over %u bytes",
                                 HC_MAX_HEAD);
        }
        rc = read_more(c);
        if (rc != FSE_OK) {
            return rc;
        }
    }
    head_len = (size_t)(end - c->in.data) + 4;
    rc = parse_head(c, head_len, out, &body_len, &close_after);
    while (rc == FSE_OK && c->in.len < head_len + body_len) {
        rc = read_more(c);
    }
    if (rc != FSE_OK) {
        return rc;
    }
    out->body = fse_strndup(c->in.data + head_len, body_len);
    if (out->body == NULL) {
        return fse_error_set(FSE_E_NOMEM, HC_MODULE, "out of memory");
    }
    out->body_len = body_len;
    /* Keep whatever follows (nothing, without pipelining). */
    memmove(c->in.data, c->in.data + head_len + body_len, c->in.len - head_len - body_len);
    c->in.len -= head_len + body_len;
    c->in.data[c->in.len] = '\0';
    if (close_after) {
        disconnect(c);
    }
    return FSE_OK;
}

fse_err hc_roundtrip(hc_conn *c, const void *req, size_t len, hc_resp *out)
{
    fse_err rc;

    memset(out, 0, sizeof(*out));
    if (c->fd >= 0 && closed_while_idle(c)) {
        disconnect(c);
    }
    if (c->fd < 0) {
        rc = connect_now(c);
        if (rc != FSE_OK) {
            return rc;
        }
    }
    rc = send_all(c, req, len);
    if (rc == FSE_OK) {
        rc = read_response(c, out);
    }
    if (rc != FSE_OK) {
        disconnect(c);
    }
    return rc;
}

void hc_resp_free(hc_resp *r)
{
    fse_free(r->body);
    memset(r, 0, sizeof(*r));
}

fse_err hc_get(hc_conn *c, const char *path, const char *bearer, hc_resp *out)
{
    fse_buf req;
    fse_err rc;

    fse_buf_init(&req, HC_MAX_REQUEST);
    rc = fse_buf_printf(&req, "GET %s HTTP/1.1\r\nHost: %s:%u\r\nAccept: application/json\r\n",
                        path, c->host, (unsigned)c->port);
    if (rc == FSE_OK && bearer != NULL) {
        rc = fse_buf_printf(&req, "Authorization: Bearer %s\r\n", bearer);
    }
    if (rc == FSE_OK) {
        rc = fse_buf_append_str(&req, "\r\n");
    }
    if (rc == FSE_OK) {
        rc = hc_roundtrip(c, req.data, req.len, out);
    } else {
        memset(out, 0, sizeof(*out));
    }
    fse_buf_free(&req);
    return rc;
}

void hc_encode_segment(char *out, const char *s)
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

/* ---- Requests of a document --------------------------------------------- */

static void kv_opt(fse_json *w, const char *key, const char *value)
{
    if (value != NULL && value[0] != '\0') {
        fse_json_kv_string(w, key, value);
    }
}

fse_err hc_request_body(fse_buf *out, const fse_gen_meta *m, const char *activity)
{
    fse_json w;
    size_t i;

    fse_json_init(&w, out);
    fse_json_object_begin(&w);
    kv_opt(&w, "activity", activity);
    fse_json_kv_string(&w, "healthDataFormat", "CDA");
    fse_json_kv_string(&w, "mode", "ATTACHMENT");
    kv_opt(&w, "tipologiaStruttura", m->tipologia_struttura);
    fse_json_key(&w, "attiCliniciRegoleAccesso");
    fse_json_array_begin(&w);
    for (i = 0; i < m->n_atti_clinici; i++) {
        fse_json_string(&w, m->atti_clinici[i]);
    }
    fse_json_array_end(&w);
    kv_opt(&w, "identificativoDoc", m->identificativo_doc);
    kv_opt(&w, "identificativoRep", m->identificativo_rep);
    kv_opt(&w, "tipoDocumentoLivAlto", m->tipo_documento_liv_alto);
    kv_opt(&w, "assettoOrganizzativo", m->assetto_organizzativo);
    kv_opt(&w, "dataInizioPrestazione", m->data_inizio_prestazione);
    kv_opt(&w, "dataFinePrestazione", m->data_fine_prestazione);
    kv_opt(&w, "tipoAttivitaClinica", m->tipo_attivita_clinica);
    kv_opt(&w, "identificativoSottomissione", m->identificativo_sottomissione);
    fse_json_key(&w, "descriptions");
    fse_json_array_begin(&w);
    for (i = 0; i < m->n_descriptions; i++) {
        fse_json_string(&w, m->descriptions[i]);
    }
    fse_json_array_end(&w);
    fse_json_object_end(&w);
    return fse_json_status(&w);
}

/* A boundary that occurs in neither part. */
static void pick_boundary(char *out, size_t cap, const uint8_t *pdf, size_t pdf_len,
                          const fse_buf *json)
{
    unsigned n;

    for (n = 0;; n++) {
        (void)snprintf(out, cap, "fseClientBoundary%08x", 0x5eed1u + n * 7919u);
        if (memmem(pdf, pdf_len, out, strlen(out)) == NULL &&
            memmem(json->data, json->len, out, strlen(out)) == NULL) {
            return;
        }
    }
}

/* One multipart call (file + requestBody) with its token pair. */
static fse_err write_call(fse_buf *req, const char *path, const char *host,
                          const fse_gen_token_pair *tokens, const uint8_t *pdf, size_t pdf_len,
                          const fse_buf *json)
{
    char boundary[48];
    fse_buf body;
    fse_err rc;

    pick_boundary(boundary, sizeof(boundary), pdf, pdf_len, json);
    fse_buf_init(&body, HC_MAX_REQUEST);
    rc = fse_buf_printf(&body,
                        "--%s\r\nContent-Disposition: form-data; name=\"file\"; "
                        "filename=\"document.pdf\"\r\nContent-Type: application/pdf\r\n\r\n",
                        boundary);
    if (rc == FSE_OK) {
        rc = fse_buf_append(&body, pdf, pdf_len);
    }
    if (rc == FSE_OK) {
        rc = fse_buf_printf(&body,
                            "\r\n--%s\r\nContent-Disposition: form-data; name=\"requestBody\"\r\n"
                            "Content-Type: application/json\r\n\r\n",
                            boundary);
    }
    if (rc == FSE_OK) {
        rc = fse_buf_append(&body, json->data, json->len);
    }
    if (rc == FSE_OK) {
        rc = fse_buf_printf(&body, "\r\n--%s--\r\n", boundary);
    }
    if (rc == FSE_OK) {
        rc = fse_buf_printf(req,
                            "POST %s HTTP/1.1\r\nHost: %s\r\nAccept: application/json\r\n"
                            "Authorization: Bearer %s\r\nFSE-JWT-Signature: %s\r\n"
                            "Content-Type: multipart/form-data; boundary=%s\r\n"
                            "Content-Length: %zu\r\n\r\n",
                            path, host, tokens->authorization, tokens->signature, boundary,
                            body.len);
    }
    if (rc == FSE_OK) {
        rc = fse_buf_append(req, body.data, body.len);
    }
    fse_buf_free(&body);
    return rc;
}

void hc_doc_free(hc_doc *d)
{
    fse_buf_free(&d->validation);
    fse_buf_free(&d->verification);
    fse_buf_free(&d->publication);
    memset(d, 0, sizeof(*d));
}

fse_err hc_doc_build(hc_doc *d, fse_gen_meta *meta, const uint8_t *cda, size_t cda_len,
                     const hc_doc_opts *o)
{
    fse_gen_token_opts to = FSE_GEN_TOKEN_OPTS_INIT;
    fse_gen_tokens tokens;
    uint8_t *pdf = NULL;
    size_t pdf_len = 0;
    fse_buf json;
    fse_err rc;

    memset(d, 0, sizeof(*d));
    memset(&tokens, 0, sizeof(tokens));
    fse_buf_init(&d->validation, HC_MAX_REQUEST);
    fse_buf_init(&d->verification, HC_MAX_REQUEST);
    fse_buf_init(&d->publication, HC_MAX_REQUEST);
    fse_buf_init(&json, HC_MAX_BODY_JSON);
    d->doc_type = meta->doc_type;
    (void)snprintf(d->type_name, sizeof(d->type_name), "%s", meta->type_name);
    (void)snprintf(d->unique_id, sizeof(d->unique_id), "%s", meta->identificativo_doc);
    (void)snprintf(d->patient_cf, sizeof(d->patient_cf), "%s", meta->patient_cf);
    rc = fse_cda_sha256_hex(d->cda_sha256, cda, cda_len);
    if (rc == FSE_OK) {
        rc = fse_gen_pdf(&pdf, &pdf_len, meta, cda, cda_len);
    }
    if (rc == FSE_OK) {
        (void)snprintf(d->pdf_sha256, sizeof(d->pdf_sha256), "%s", meta->pdf_sha256);
        to.audience = o->audience;
        to.iat = o->iat;
        rc = fse_gen_tokens_make(&tokens, meta, o->signer, &to);
    }
    if (rc == FSE_OK) {
        rc = hc_request_body(&json, meta, "VALIDATION");
    }
    if (rc == FSE_OK) {
        rc = write_call(&d->validation, "/v1/documents/validation", o->host, &tokens.validation,
                        pdf, pdf_len, &json);
    }
    if (rc == FSE_OK && o->with_verification) {
        fse_buf_reset(&json);
        rc = hc_request_body(&json, meta, "VERIFICA");
        if (rc == FSE_OK) {
            rc = write_call(&d->verification, "/v1/documents/validation", o->host,
                            &tokens.validation, pdf, pdf_len, &json);
        }
    }
    if (rc == FSE_OK) {
        fse_buf_reset(&json);
        rc = hc_request_body(&json, meta, NULL);
    }
    if (rc == FSE_OK) {
        rc = write_call(&d->publication, "/v1/documents", o->host, &tokens.create, pdf, pdf_len,
                        &json);
    }
    fse_gen_tokens_free(&tokens);
    fse_buf_free(&json);
    fse_free(pdf);
    return rc;
}

fse_err hc_doc_generate(hc_doc *d, uint64_t seed, fse_doc_type type, uint64_t index,
                        const hc_doc_opts *o)
{
    fse_gen_opts go = FSE_GEN_OPTS_INIT;
    fse_gen_meta *meta = fse_calloc(1, sizeof(*meta));
    uint8_t *cda = NULL;
    size_t cda_len = 0;
    fse_err rc;

    memset(d, 0, sizeof(*d));
    if (meta == NULL) {
        return fse_error_set(FSE_E_NOMEM, HC_MODULE, "out of memory");
    }
    go.seed = seed;
    go.doc_type = type;
    rc = fse_gen_document(&cda, &cda_len, meta, &go, index);
    if (rc == FSE_OK) {
        rc = hc_doc_build(d, meta, cda, cda_len, o);
    }
    fse_free(cda);
    fse_free(meta);
    return rc;
}

/* ---- The flow ----------------------------------------------------------- */

static uint64_t now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* Copy the answer's workflowInstanceId and problem type into out. */
static void read_answer(hc_outcome *out, const hc_resp *r)
{
    json_t *j = NULL;
    const char *s;

    out->status = r->status;
    if (r->body_len == 0 ||
        fse_http_json_parse(&j, (const uint8_t *)r->body, r->body_len) != FSE_OK) {
        return;
    }
    s = json_string_value(json_object_get(j, "workflowInstanceId"));
    if (s != NULL) {
        (void)snprintf(out->wii, sizeof(out->wii), "%s", s);
    }
    s = json_string_value(json_object_get(j, "type"));
    if (s != NULL && r->status >= 300) {
        (void)snprintf(out->problem, sizeof(out->problem), "%s", s);
    }
    json_decref(j);
}

/* One call: the round trip, timed, and its answer. */
static fse_err call(hc_conn *c, const fse_buf *req, int step, hc_outcome *out, uint64_t *us)
{
    uint64_t t0 = now_us();
    hc_resp r;
    fse_err rc = hc_roundtrip(c, req->data, req->len, &r);

    *us = now_us() - t0;
    if (rc == FSE_OK) {
        out->answered = true;
        read_answer(out, &r);
    } else {
        out->answered = false;
        out->failed_step = step;
    }
    hc_resp_free(&r);
    return rc;
}

fse_err hc_publish(hc_conn *c, const hc_doc *d, hc_outcome *out)
{
    fse_err rc;

    memset(out, 0, sizeof(*out));
    rc = call(c, &d->validation, 0, out, &out->validation_us);
    if (rc != FSE_OK || out->status != 201) {
        return rc;
    }
    rc = call(c, &d->publication, 1, out, &out->publication_us);
    out->published = rc == FSE_OK && out->status == 202;
    return rc;
}

fse_err hc_verify(hc_conn *c, const hc_doc *d, hc_outcome *out)
{
    memset(out, 0, sizeof(*out));
    if (d->verification.len == 0) {
        return fse_error_set(FSE_E_ARG, HC_MODULE, "document built without its VERIFICA call");
    }
    return call(c, &d->verification, 0, out, &out->validation_us);
}

/* ---- Building many documents -------------------------------------------- */

typedef struct build_job {
    hc_doc *docs;
    size_t n;
    hc_make_fn make;
    void *ud;
    _Atomic size_t next;
    _Atomic size_t *done;
    pthread_mutex_t lock; /* guards the first failure below */
    fse_err rc;
    char message[FSE_ERROR_MSG_MAX];
} build_job;

static void *build_main(void *arg)
{
    build_job *j = arg;

    for (;;) {
        size_t i = atomic_fetch_add(&j->next, 1);
        fse_err rc;

        if (i >= j->n) {
            break;
        }
        rc = j->make(&j->docs[i], i, j->ud);
        if (rc != FSE_OK) {
            pthread_mutex_lock(&j->lock);
            if (j->rc == FSE_OK) {
                j->rc = rc;
                (void)snprintf(j->message, sizeof(j->message), "%s", fse_error_last()->message);
            }
            pthread_mutex_unlock(&j->lock);
            atomic_store(&j->next, j->n);
            break;
        }
        if (j->done != NULL) {
            atomic_fetch_add(j->done, 1);
        }
    }
    return NULL;
}

fse_err hc_build_all(hc_doc *docs, size_t n, unsigned threads, hc_make_fn make, void *ud,
                     _Atomic size_t *done)
{
    pthread_t tids[64];
    build_job j;
    unsigned started = 0;
    unsigned t;

    memset(&j, 0, sizeof(j));
    j.docs = docs;
    j.n = n;
    j.make = make;
    j.ud = ud;
    j.done = done;
    atomic_init(&j.next, 0);
    pthread_mutex_init(&j.lock, NULL);
    if (threads == 0) {
        threads = 1;
    }
    if (threads > sizeof(tids) / sizeof(tids[0])) {
        threads = sizeof(tids) / sizeof(tids[0]);
    }
    for (t = 1; t < threads; t++) {
        if (pthread_create(&tids[started], NULL, build_main, &j) == 0) {
            started++;
        }
    }
    build_main(&j);
    for (t = 0; t < started; t++) {
        pthread_join(tids[t], NULL);
    }
    pthread_mutex_destroy(&j.lock);
    if (j.rc != FSE_OK) {
        return fse_error_set(j.rc, HC_MODULE, "%s", j.message);
    }
    return FSE_OK;
}
