/*
 * lib/http/http_tls.c - client certificates for mutual TLS (GnuTLS via MHD).
 *
 * Owns the per-connection TLS policy when a client CA is configured (a
 * certificate is required and verified against that CA during the handshake,
 * so a client without one, or with an untrusted one, never gets a request
 * through), the second check made before the first request of a connection,
 * and the subject DN (RFC 4514) and DER of the verified certificate kept for
 * handlers. The server certificate and key are loaded by MHD
 * (http_server.c); identity rules on the subject belong to the gateway module.
 */
#include "http_int.h"

#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

/* Longest client certificate kept for handlers. */
#define CLIENT_CERT_MAX (64u * 1024u)

static gnutls_session_t session_of(struct MHD_Connection *conn)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_GNUTLS_SESSION);

    return ci != NULL ? (gnutls_session_t)ci->tls_session : NULL;
}

void fse_http__tls_require_client(const fse_http_server *srv, struct MHD_Connection *conn)
{
    gnutls_session_t session = session_of(conn);

    if (session == NULL) {
        fse_http__log(srv, FSE_HTTP_LOG_ERROR, "module=http event=tls_session_missing");
        return; /* fse_http__tls_client still refuses the requests */
    }
    /* MHD asks for a certificate (GNUTLS_CERT_REQUEST); require it, and let
     * GnuTLS verify it against the trusted CAs in the handshake. */
    gnutls_certificate_server_set_request(session, GNUTLS_CERT_REQUIRE);
    gnutls_session_set_verify_cert(session, NULL, 0);
}

static bool read_subject(http_conn *cconn, const gnutls_datum_t *der)
{
    gnutls_x509_crt_t crt = NULL;
    gnutls_datum_t dn = {NULL, 0};
    bool ok = false;

    if (der->size == 0 || der->size > CLIENT_CERT_MAX || gnutls_x509_crt_init(&crt) < 0) {
        return false;
    }
    if (gnutls_x509_crt_import(crt, der, GNUTLS_X509_FMT_DER) >= 0 &&
        gnutls_x509_crt_get_dn3(crt, &dn, 0) >= 0) {
        cconn->subject = fse_strndup((const char *)dn.data, dn.size);
        cconn->cert_der = fse_malloc(der->size);
        if (cconn->subject != NULL && cconn->cert_der != NULL) {
            memcpy(cconn->cert_der, der->data, der->size);
            cconn->cert_len = der->size;
            ok = true;
        }
    }
    gnutls_free(dn.data);
    gnutls_x509_crt_deinit(crt);
    return ok;
}

bool fse_http__tls_client(const fse_http_server *srv, struct MHD_Connection *conn, http_conn *cconn)
{
    gnutls_session_t session;
    const gnutls_datum_t *certs;
    unsigned int n_certs = 0;
    unsigned int status = 0;

    if (cconn->tls_checked) {
        return cconn->tls_ok;
    }
    cconn->tls_checked = true;
    session = session_of(conn);
    if (session == NULL) {
        return false;
    }
    if (gnutls_certificate_verify_peers2(session, &status) < 0 || status != 0) {
        fse_http__log(srv, FSE_HTTP_LOG_WARN, "module=http event=client_cert_refused status=%u",
                      status);
        return false;
    }
    certs = gnutls_certificate_get_peers(session, &n_certs);
    if (certs == NULL || n_certs == 0 || !read_subject(cconn, &certs[0])) {
        return false;
    }
    cconn->tls_ok = true;
    return true;
}

void fse_http__conn_free(http_conn *cconn)
{
    if (cconn == NULL) {
        return;
    }
    fse_free(cconn->subject);
    fse_free(cconn->cert_der);
    fse_free(cconn);
}
