/*
 * tests/http/http_client.c - raw HTTP/1.1 and TLS client, throwaway PKI.
 *
 * Owns socket and TLS connections to the server under test, reading one
 * response at a time (so pipelined and keep-alive cases can be checked), and
 * certificates built with libcrypto for the TLS tests.
 */
#include "http_client.h"

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

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

bool tc_open(tc_conn *c, uint16_t port)
{
    struct sockaddr_in sa;
    struct timeval tv = {10, 0};

    memset(c, 0, sizeof *c);
    c->fd = socket(AF_INET, SOCK_STREAM, 0);
    if (c->fd < 0) {
        return false;
    }
    setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons(port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(c->fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        close(c->fd);
        c->fd = -1;
        return false;
    }
    return true;
}

bool tc_open_tls(tc_conn *c, uint16_t port, SSL_CTX *ctx)
{
    if (!tc_open(c, port)) {
        return false;
    }
    c->ssl = SSL_new(ctx);
    if (c->ssl == NULL || SSL_set_fd(c->ssl, c->fd) != 1 || SSL_connect(c->ssl) != 1) {
        ERR_clear_error();
        tc_close(c);
        return false;
    }
    return true;
}

bool tc_send(tc_conn *c, const void *data, size_t len)
{
    const uint8_t *p = data;

    while (len > 0) {
        ssize_t n;

        if (c->ssl != NULL) {
            int w = SSL_write(c->ssl, p, (int)len);

            n = w > 0 ? w : -1;
        } else {
            n = send(c->fd, p, len, MSG_NOSIGNAL);
        }
        if (n <= 0) {
            if (n < 0 && errno == EINTR) {
                continue;
            }
            return false;
        }
        p += n;
        len -= (size_t)n;
    }
    return true;
}

bool tc_send_str(tc_conn *c, const char *s)
{
    return tc_send(c, s, strlen(s));
}

static bool fill(tc_conn *c)
{
    ssize_t n;

    if (c->have == sizeof c->buf) {
        return false;
    }
    if (c->ssl != NULL) {
        int r = SSL_read(c->ssl, c->buf + c->have, (int)(sizeof c->buf - c->have));

        n = r > 0 ? r : -1;
        if (r <= 0) {
            ERR_clear_error();
        }
    } else {
        do {
            n = recv(c->fd, c->buf + c->have, sizeof c->buf - c->have, 0);
        } while (n < 0 && errno == EINTR);
    }
    if (n <= 0) {
        return false;
    }
    c->have += (size_t)n;
    return true;
}

static void consume(tc_conn *c, size_t n)
{
    memmove(c->buf, c->buf + n, c->have - n);
    c->have -= n;
}

static bool ensure(tc_conn *c, size_t n)
{
    while (c->have < n) {
        if (!fill(c)) {
            return false;
        }
    }
    return true;
}

static bool body_take(tc_conn *c, tc_response *r, size_t n)
{
    uint8_t *grown = realloc(r->body, r->body_len + n + 1);

    if (grown == NULL) {
        return false;
    }
    r->body = grown;
    while (n > 0) {
        size_t k;

        if (c->have == 0 && !fill(c)) {
            return false;
        }
        k = c->have < n ? c->have : n;
        memcpy(r->body + r->body_len, c->buf, k);
        r->body_len += k;
        consume(c, k);
        n -= k;
    }
    r->body[r->body_len] = '\0';
    return true;
}

/* Index just past the first CRLF in the buffer, or 0. */
static size_t line_end(const tc_conn *c)
{
    size_t i;

    for (i = 0; i + 1 < c->have; i++) {
        if (c->buf[i] == '\r' && c->buf[i + 1] == '\n') {
            return i + 2;
        }
    }
    return 0;
}

static bool read_chunked(tc_conn *c, tc_response *r)
{
    for (;;) {
        size_t end = line_end(c);
        unsigned long size;

        while (end == 0) {
            if (!fill(c)) {
                return false;
            }
            end = line_end(c);
        }
        size = strtoul((const char *)c->buf, NULL, 16);
        consume(c, end);
        if (size == 0) {
            return ensure(c, 2) && (consume(c, 2), true);
        }
        if (!body_take(c, r, size) || !ensure(c, 2)) {
            return false;
        }
        consume(c, 2);
    }
}

static bool parse_head(tc_response *r, char *head)
{
    char *line = strstr(head, "\r\n");
    char *next;

    if (line == NULL || strncmp(head, "HTTP/1.", 7) != 0) {
        return false;
    }
    r->status = (int)strtol(head + 9, NULL, 10);
    for (line += 2; *line != '\0' && r->n_headers < TC_MAX_HEADERS; line = next + 2) {
        char *colon;

        next = strstr(line, "\r\n");
        if (next == NULL || next == line) {
            break;
        }
        *next = '\0';
        colon = strchr(line, ':');
        if (colon != NULL) {
            *colon = '\0';
            for (colon++; *colon == ' '; colon++) {
            }
            r->names[r->n_headers] = strdup(line);
            r->values[r->n_headers] = strdup(colon);
            r->n_headers++;
        }
    }
    return true;
}

bool tc_read(tc_conn *c, tc_response *r, bool head_only)
{
    char *head;
    size_t head_len = 0;
    const char *te;
    const char *cl;
    size_t i;
    bool ok;

    memset(r, 0, sizeof *r);
    for (;;) {
        for (i = 0; i + 3 < c->have; i++) {
            if (memcmp(c->buf + i, "\r\n\r\n", 4) == 0) {
                head_len = i + 4;
                break;
            }
        }
        if (head_len > 0) {
            break;
        }
        if (!fill(c)) {
            return false;
        }
    }
    head = strndup((const char *)c->buf, head_len);
    ok = head != NULL && parse_head(r, head);
    free(head);
    consume(c, head_len);
    if (!ok) {
        return false;
    }
    te = tc_header(r, "Transfer-Encoding");
    cl = tc_header(r, "Content-Length");
    if (head_only || r->status == 304 || r->status == 204) {
        ok = body_take(c, r, 0);
    } else if (te != NULL && strcasecmp(te, "chunked") == 0) {
        ok = body_take(c, r, 0) && read_chunked(c, r);
    } else if (cl != NULL) {
        ok = body_take(c, r, strtoul(cl, NULL, 10));
    } else {
        ok = body_take(c, r, 0);
        while (ok && (c->have > 0 || fill(c))) {
            ok = body_take(c, r, c->have);
        }
    }
    return ok;
}

bool tc_wait_closed(tc_conn *c, int ms)
{
    struct pollfd pfd = {c->fd, POLLIN, 0};
    uint8_t b[4096];

    for (;;) {
        int n = poll(&pfd, 1, ms);

        if (n <= 0) {
            return false;
        }
        n = (int)recv(c->fd, b, sizeof b, 0);
        if (n <= 0) {
            return true;
        }
    }
}

void tc_close(tc_conn *c)
{
    if (c->ssl != NULL) {
        SSL_free(c->ssl);
        c->ssl = NULL;
    }
    if (c->fd >= 0) {
        close(c->fd);
        c->fd = -1;
    }
}

bool tc_request_len(uint16_t port, const void *raw, size_t len, tc_response *r)
{
    tc_conn c;
    bool ok;

    memset(r, 0, sizeof *r);
    if (!tc_open(&c, port)) {
        return false;
    }
    ok = tc_send(&c, raw, len) && tc_read(&c, r, strncmp((const char *)raw, "HEAD ", 5) == 0);
    tc_close(&c);
    return ok;
}

bool tc_request(uint16_t port, const char *raw, tc_response *r)
{
    return tc_request_len(port, raw, strlen(raw), r);
}

const char *tc_header(const tc_response *r, const char *name)
{
    size_t i;

    for (i = 0; i < r->n_headers; i++) {
        if (strcasecmp(r->names[i], name) == 0) {
            return r->values[i];
        }
    }
    return NULL;
}

void tc_response_free(tc_response *r)
{
    size_t i;

    for (i = 0; i < r->n_headers; i++) {
        free(r->names[i]);
        free(r->values[i]);
    }
    free(r->body);
    memset(r, 0, sizeof *r);
}

/* ---- Throwaway PKI ------------------------------------------------------ */

static char *pem_of(int (*write)(BIO *, void *), void *obj)
{
    BIO *bio = BIO_new(BIO_s_mem());
    char *data = NULL;
    char *copy = NULL;
    long n;

    if (bio != NULL && write(bio, obj) == 1) {
        n = BIO_get_mem_data(bio, &data);
        copy = n > 0 ? strndup(data, (size_t)n) : NULL;
    }
    BIO_free(bio);
    return copy;
}

static int write_cert(BIO *bio, void *x)
{
    return PEM_write_bio_X509(bio, x);
}

static int write_key(BIO *bio, void *k)
{
    return PEM_write_bio_PrivateKey(bio, k, NULL, NULL, 0, NULL, NULL);
}

static bool add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
    X509V3_CTX ctx;
    X509_EXTENSION *ext;
    bool ok;

    X509V3_set_ctx(&ctx, issuer != NULL ? issuer : x, x, NULL, NULL, 0);
    ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
    ok = ext != NULL && X509_add_ext(x, ext, -1) == 1;
    X509_EXTENSION_free(ext);
    return ok;
}

typedef enum cert_kind { CERT_CA, CERT_SERVER, CERT_CLIENT } cert_kind;

static X509 *make_cert(EVP_PKEY *key, const char *cn, X509 *issuer, EVP_PKEY *issuer_key,
                       cert_kind kind)
{
    static long serial = 1;
    X509 *x = X509_new();
    X509_NAME *name;
    bool ok;

    if (x == NULL) {
        return NULL;
    }
    name = X509_get_subject_name(x);
    ok = X509_set_version(x, 2) == 1 && ASN1_INTEGER_set(X509_get_serialNumber(x), serial++) == 1 &&
         X509_gmtime_adj(X509_getm_notBefore(x), -3600) != NULL &&
         X509_gmtime_adj(X509_getm_notAfter(x), 86400) != NULL && X509_set_pubkey(x, key) == 1 &&
         X509_NAME_add_entry_by_txt(name, "C", MBSTRING_ASC, (const unsigned char *)"IT", -1, -1,
                                    0) == 1 &&
         X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, (const unsigned char *)"fse test", -1,
                                    -1, 0) == 1 &&
         X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1,
                                    0) == 1 &&
         X509_set_issuer_name(x, issuer != NULL ? X509_get_subject_name(issuer) : name) == 1;
    ok = ok && add_ext(x, issuer, NID_basic_constraints,
                       kind == CERT_CA ? "critical,CA:TRUE" : "critical,CA:FALSE");
    ok = ok &&
         add_ext(x, issuer, NID_key_usage,
                 kind == CERT_CA ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature");
    ok = ok && add_ext(x, issuer, NID_subject_key_identifier, "hash");
    if (kind != CERT_CA) {
        ok = ok && add_ext(x, issuer, NID_ext_key_usage,
                           kind == CERT_SERVER ? "serverAuth" : "clientAuth");
        ok = ok && add_ext(x, issuer, NID_authority_key_identifier, "keyid");
    }
    if (kind == CERT_SERVER) {
        ok = ok && add_ext(x, issuer, NID_subject_alt_name, "IP:127.0.0.1,DNS:localhost");
    }
    ok = ok && X509_sign(x, issuer_key != NULL ? issuer_key : key, EVP_sha256()) > 0;
    if (!ok) {
        X509_free(x);
        return NULL;
    }
    return x;
}

bool tc_pki_make(tc_pki *pki, const char *client_cn)
{
    EVP_PKEY *ca_key = EVP_EC_gen("P-256");
    EVP_PKEY *srv_key = EVP_EC_gen("P-256");
    EVP_PKEY *cli_key = EVP_EC_gen("P-256");
    EVP_PKEY *rogue_ca_key = EVP_EC_gen("P-256");
    EVP_PKEY *rogue_key = EVP_EC_gen("P-256");
    X509 *ca = NULL;
    X509 *srv = NULL;
    X509 *cli = NULL;
    X509 *rogue_ca = NULL;
    X509 *rogue = NULL;
    bool ok = false;

    memset(pki, 0, sizeof *pki);
    if (ca_key == NULL || srv_key == NULL || cli_key == NULL || rogue_ca_key == NULL ||
        rogue_key == NULL) {
        goto done;
    }
    ca = make_cert(ca_key, "fse test CA", NULL, NULL, CERT_CA);
    srv = ca != NULL ? make_cert(srv_key, "localhost", ca, ca_key, CERT_SERVER) : NULL;
    cli = ca != NULL ? make_cert(cli_key, client_cn, ca, ca_key, CERT_CLIENT) : NULL;
    rogue_ca = make_cert(rogue_ca_key, "rogue CA", NULL, NULL, CERT_CA);
    rogue = rogue_ca != NULL ? make_cert(rogue_key, client_cn, rogue_ca, rogue_ca_key, CERT_CLIENT)
                             : NULL;
    if (srv == NULL || cli == NULL || rogue == NULL) {
        goto done;
    }
    pki->ca_pem = pem_of(write_cert, ca);
    pki->server_cert_pem = pem_of(write_cert, srv);
    pki->server_key_pem = pem_of(write_key, srv_key);
    pki->client_cert_pem = pem_of(write_cert, cli);
    pki->client_key_pem = pem_of(write_key, cli_key);
    pki->rogue_cert_pem = pem_of(write_cert, rogue);
    pki->rogue_key_pem = pem_of(write_key, rogue_key);
    ok = pki->ca_pem != NULL && pki->server_cert_pem != NULL && pki->server_key_pem != NULL &&
         pki->client_cert_pem != NULL && pki->client_key_pem != NULL &&
         pki->rogue_cert_pem != NULL && pki->rogue_key_pem != NULL;
done:
    X509_free(ca);
    X509_free(srv);
    X509_free(cli);
    X509_free(rogue_ca);
    X509_free(rogue);
    EVP_PKEY_free(ca_key);
    EVP_PKEY_free(srv_key);
    EVP_PKEY_free(cli_key);
    EVP_PKEY_free(rogue_ca_key);
    EVP_PKEY_free(rogue_key);
    return ok;
}

void tc_pki_free(tc_pki *pki)
{
    free(pki->ca_pem);
    free(pki->server_cert_pem);
    free(pki->server_key_pem);
    free(pki->client_cert_pem);
    free(pki->client_key_pem);
    free(pki->rogue_cert_pem);
    free(pki->rogue_key_pem);
    memset(pki, 0, sizeof *pki);
}

static X509 *cert_from_pem(const char *pem)
{
    BIO *bio = BIO_new_mem_buf(pem, -1);
    X509 *x = bio != NULL ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;

    BIO_free(bio);
    return x;
}

static EVP_PKEY *key_from_pem(const char *pem)
{
    BIO *bio = BIO_new_mem_buf(pem, -1);
    EVP_PKEY *k = bio != NULL ? PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL) : NULL;

    BIO_free(bio);
    return k;
}

SSL_CTX *tc_ssl_ctx(const tc_pki *pki, const char *cert_pem, const char *key_pem)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    X509 *ca = cert_from_pem(pki->ca_pem);
    X509 *cert = cert_pem != NULL ? cert_from_pem(cert_pem) : NULL;
    EVP_PKEY *key = key_pem != NULL ? key_from_pem(key_pem) : NULL;
    bool ok = ctx != NULL && ca != NULL;

    ok = ok && X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx), ca) == 1;
    if (ok) {
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    }
    if (ok && cert_pem != NULL) {
        ok = cert != NULL && key != NULL && SSL_CTX_use_certificate(ctx, cert) == 1 &&
             SSL_CTX_use_PrivateKey(ctx, key) == 1;
    }
    X509_free(ca);
    X509_free(cert);
    EVP_PKEY_free(key);
    if (!ok) {
        SSL_CTX_free(ctx);
        return NULL;
    }
    return ctx;
}
