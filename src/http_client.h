/*
 * src/http_client.h - the HTTP/1.1 client the fse tool uses to talk to its
 * own node on loopback (fse demo, fse bench publish; tests/e2e compiles it
 * too), and the Gateway calls of a generated document.
 *
 * Owns: the connection (one keep-alive socket per client thread, timeouts,
 * a new connection when the server closed an idle one), request sending and
 * response reading (status line, Content-Length body, Connection: close),
 * the multipart bodies and requestBody JSON of the Gateway calls, and the
 * two-step flow of one document: POST /v1/documents/validation (activity
 * VALIDATION, 201) then POST /v1/documents (202). A document is built once
 * into raw request bytes, so sending it costs no more than a write.
 * Does not own the documents, their PDF or their tokens (fse/gen.h), the
 * JSON parser (fse/http.h), or what callers do with the answers. No TLS:
 * the tool only talks to itself over loopback.
 *
 * Threading: an hc_conn belongs to one thread. A built hc_doc is read-only
 * and may be shared by threads.
 */
#ifndef FSE_TOOL_HTTP_CLIENT_H
#define FSE_TOOL_HTTP_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fse/gen.h"
#include "fse/jwt.h"
#include "fse/util.h"

/* Largest response kept (status answers list many events). */
#define HC_MAX_RESPONSE (8u << 20)
/* Largest request built (the Gateway's 5 MB body plus headers and tokens). */
#define HC_MAX_REQUEST (6u << 20)

/* ---- Connection --------------------------------------------------------- */

typedef struct hc_conn {
    int fd; /* -1 when not connected */
    char host[64];
    uint16_t port;
    unsigned timeout_ms; /* connect, and each send or receive */
    fse_buf in;          /* bytes received and not yet consumed */
} hc_conn;

/* One response. body is NUL-terminated (not counted) and freed by
 * hc_resp_free. */
typedef struct hc_resp {
    unsigned status; /* 0 until a status line was read */
    char *body;
    size_t body_len;
} hc_resp;

/* Prepare a connection to host (an IPv4 literal) and port; nothing is
 * connected until the first request. */
void hc_conn_init(hc_conn *c, const char *host, uint16_t port, unsigned timeout_ms);

/* Point the connection at another port (a restarted server); the current
 * socket is closed. */
void hc_conn_set_port(hc_conn *c, uint16_t port);

/* Close the socket and free the buffer; the struct may be initialised again. */
void hc_conn_close(hc_conn *c);

/*
 * Send len bytes of a whole request and read its response into *out
 * (free with hc_resp_free, also after a failure). Connects first when
 * needed; a kept-alive connection the server has closed meanwhile is
 * replaced before sending. A response with "Connection: close" closes the
 * socket after it is read.
 * @return FSE_OK; FSE_E_IO when connecting failed, or the connection
 *         failed or ended before a whole response came (the server may or
 *         may not have acted on the request); FSE_E_LIMIT (response too
 *         large); FSE_E_PARSE (not an HTTP/1.1 response); FSE_E_NOMEM.
 */
fse_err hc_roundtrip(hc_conn *c, const void *req, size_t len, hc_resp *out);

void hc_resp_free(hc_resp *r);

/* A GET of path with an optional Bearer token (NULL: none). As hc_roundtrip. */
fse_err hc_get(hc_conn *c, const char *path, const char *bearer, hc_resp *out);

/* Percent-encode s as one path segment into out (3 * strlen(s) + 1 bytes). */
void hc_encode_segment(char *out, const char *s);

/* ---- Gateway calls of a document ---------------------------------------- */

/* What a document is built with. */
typedef struct hc_doc_opts {
    const fse_jwt_cred *signer; /* signs both token pairs */
    const char *audience;       /* aud of the tokens: the node's base URL with /v1 */
    int64_t iat;                /* issue time of the tokens (seconds) */
    const char *host;           /* Host header, e.g. "127.0.0.1:8080" */
    bool with_verification;     /* also build the VERIFICA call */
} hc_doc_opts;

/* A document ready to send: ids, hashes and the raw requests. */
typedef struct hc_doc {
    fse_doc_type doc_type;
    char type_name[24];
    char unique_id[168]; /* identificativoDoc */
    char patient_cf[17];
    char pdf_sha256[65];
    char cda_sha256[65];
    fse_buf validation;   /* POST /v1/documents/validation, activity VALIDATION */
    fse_buf verification; /* the same with activity VERIFICA (when asked for) */
    fse_buf publication;  /* POST /v1/documents */
} hc_doc;

/*
 * Build d from a CDA and its metadata: embed the CDA in a PDF (fse_gen_pdf,
 * which sets meta->pdf_sha256), sign the validation and publication token
 * pairs (fse_gen_tokens_make), and write the requests. Free d with
 * hc_doc_free, also after a failure.
 * @return FSE_OK or the codes of fse_gen_pdf, fse_gen_tokens_make and the
 *         buffers (FSE_E_NOMEM, FSE_E_LIMIT).
 */
fse_err hc_doc_build(hc_doc *d, fse_gen_meta *meta, const uint8_t *cda, size_t cda_len,
                     const hc_doc_opts *o);

/* Generate document `index` of type for seed (fse_gen_document, default
 * patient pool and base date) and build it as hc_doc_build. */
fse_err hc_doc_generate(hc_doc *d, uint64_t seed, fse_doc_type type, uint64_t index,
                        const hc_doc_opts *o);

void hc_doc_free(hc_doc *d);

/* The requestBody JSON of a document's calls (gateway-api §2) appended to
 * out: with "activity" for the validation call, without (NULL) for the
 * publication. @return FSE_OK, FSE_E_NOMEM, FSE_E_LIMIT. */
fse_err hc_request_body(fse_buf *out, const fse_gen_meta *meta, const char *activity);

/* Where a flow stopped and what the node said. */
typedef struct hc_outcome {
    bool answered;          /* false: a transport failure (see failed_step) */
    int failed_step;        /* 0 validation, 1 publication (when not answered) */
    unsigned status;        /* status of the last answered call: 202 when published */
    bool published;         /* 201 then 202 */
    char wii[257];          /* workflowInstanceId of the answers ("" when none) */
    char problem[64];       /* problem type of a refusal ("/msg/conflict"), else "" */
    uint64_t validation_us; /* round trip of each call (0 when not made) */
    uint64_t publication_us;
} hc_outcome;

/*
 * The Gateway's two steps for d: the validation call, and when it answered
 * 201 the publication call.
 * @return FSE_OK when every call made was answered (see out: published, or
 *         the refusal); FSE_E_IO (transport failure: out->failed_step) or
 *         the other codes of hc_roundtrip.
 */
fse_err hc_publish(hc_conn *c, const hc_doc *d, hc_outcome *out);

/* Only the VERIFICA call of d (200 expected; built with with_verification).
 * Returns as hc_publish; out->status is the answer. */
fse_err hc_verify(hc_conn *c, const hc_doc *d, hc_outcome *out);

/* ---- Building many documents ------------------------------------------- */

/* Builds document i of a set into *d. Called from several threads at once. */
typedef fse_err (*hc_make_fn)(hc_doc *d, size_t i, void *ud);

/*
 * Build n documents into docs[0..n) with `threads` threads (0: 1), each
 * calling make for the indexes it takes; *done (optional) counts finished
 * documents, for a progress display. On failure the error of the first
 * failing document is returned (its message in the calling thread's error
 * record) and every document already built is left for the caller to free.
 */
fse_err hc_build_all(hc_doc *docs, size_t n, unsigned threads, hc_make_fn make, void *ud,
                     _Atomic size_t *done);

#endif /* FSE_TOOL_HTTP_CLIENT_H */
