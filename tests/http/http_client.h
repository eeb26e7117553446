/*
 * tests/http/http_client.h - the raw HTTP/1.1 client of the http tests.
 *
 * Owns what the tests need to talk to a server on 127.0.0.1: plain sockets
 * carrying hand-written (also malformed) requests, an OpenSSL client for TLS
 * and mutual TLS, the parsing of one response (status, headers, body by
 * Content-Length or chunked), and throwaway certificates made with libcrypto.
 * It does not own the server set-up of each test (test_http.c).
 */
#ifndef FSE_TEST_HTTP_CLIENT_H
#define FSE_TEST_HTTP_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/ssl.h>

#define TC_MAX_HEADERS 64

typedef struct tc_response {
    int status;
    size_t n_headers;
    char *names[TC_MAX_HEADERS];
    char *values[TC_MAX_HEADERS];
    uint8_t *body;
    size_t body_len;
} tc_response;

/* A connection: a socket, optionally with TLS on it. */
typedef struct tc_conn {
    int fd;
    SSL *ssl;
    uint8_t buf[65536];
    size_t have;
} tc_conn;

/* Connect to 127.0.0.1:port (receive timeout 10 s); false on failure. */
bool tc_open(tc_conn *c, uint16_t port);
/* Connect and run a TLS handshake with ctx; false when refused. */
bool tc_open_tls(tc_conn *c, uint16_t port, SSL_CTX *ctx);
bool tc_send(tc_conn *c, const void *data, size_t len);
bool tc_send_str(tc_conn *c, const char *s);
/* Read one response; head_only for HEAD requests (no body). false when the
 * connection ended (or timed out) before a whole response came. */
bool tc_read(tc_conn *c, tc_response *r, bool head_only);
/* true when the peer closes the connection within ms milliseconds. */
bool tc_wait_closed(tc_conn *c, int ms);
void tc_close(tc_conn *c);

/* One request on a new connection: send raw, read one response. */
bool tc_request(uint16_t port, const char *raw, tc_response *r);
bool tc_request_len(uint16_t port, const void *raw, size_t len, tc_response *r);

/* Header value (case-insensitive name) or NULL. */
const char *tc_header(const tc_response *r, const char *name);
void tc_response_free(tc_response *r);

/* Throwaway PKI: a CA, a server certificate for 127.0.0.1 signed by it, a
 * client certificate (CN as given) signed by it, and a client certificate
 * from another, untrusted CA. PEM strings, freed by tc_pki_free. */
typedef struct tc_pki {
    char *ca_pem;
    char *server_cert_pem;
    char *server_key_pem;
    char *client_cert_pem;
    char *client_key_pem;
    char *rogue_cert_pem;
    char *rogue_key_pem;
} tc_pki;

bool tc_pki_make(tc_pki *pki, const char *client_cn);
void tc_pki_free(tc_pki *pki);
/* A client context trusting pki's CA, with a client certificate when
 * cert_pem is not NULL. */
SSL_CTX *tc_ssl_ctx(const tc_pki *pki, const char *cert_pem, const char *key_pem);

#endif /* FSE_TEST_HTTP_CLIENT_H */
