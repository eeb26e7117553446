/*
 * tests/http/http_test_body.c - request bodies: size limit (413, also for
 * chunked bodies and announced lengths), lying or ambiguous framing,
 * multipart/form-data (byte-exact binary parts, malformed bodies, part
 * limits) and JSON bodies (duplicate keys, depth, encoding).
 */
#include "http_tests.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#define SMALL_LIMIT (64u * 1024u)

static fse_http_server *start_small(uint16_t *port)
{
    fse_http_opts o;

    memset(&o, 0, sizeof o);
    o.max_body_bytes = SMALL_LIMIT;
    o.connection_timeout_s = 2;
    return ts_start(&o, NULL, port);
}

/* Raw request: head (without the blank line) then body, on one connection. */
static bool send_with_body(uint16_t port, const char *head, const void *body, size_t len,
                           tc_response *r)
{
    size_t hlen = strlen(head);
    uint8_t *raw = malloc(hlen + 4 + len);
    bool ok;

    assert_non_null(raw);
    memcpy(raw, head, hlen);
    memcpy(raw + hlen, "\r\n\r\n", 4);
    memcpy(raw + hlen + 4, body, len);
    ok = tc_request_len(port, raw, hlen + 4 + len, r);
    free(raw);
    return ok;
}

static void expect_type(const tc_response *r, int status, const char *type)
{
    char v[128];

    assert_int_equal(r->status, status);
    assert_true(ts_json_string(r, "type", v, sizeof v));
    assert_string_equal(v, type);
}

static bool send_chunked(tc_conn *c, const char *head, size_t total, size_t chunk)
{
    char line[32];
    uint8_t *data = malloc(chunk);
    bool ok;

    assert_non_null(data);
    memset(data, 'z', chunk);
    ok = tc_send_str(c, head) && tc_send_str(c, "\r\nTransfer-Encoding: chunked\r\n\r\n");
    while (ok && total > 0) {
        size_t n = total < chunk ? total : chunk;

        snprintf(line, sizeof line, "%zx\r\n", n);
        ok = tc_send_str(c, line) && tc_send(c, data, n) && tc_send_str(c, "\r\n");
        total -= n;
    }
    ok = ok && tc_send_str(c, "0\r\n\r\n");
    free(data);
    return ok;
}

static void body_over_the_limit_is_413(void **state)
{
    uint16_t port;
    fse_http_server *srv = start_small(&port);
    tc_response r;
    tc_conn c;
    uint8_t *big = calloc(1, SMALL_LIMIT + 1);
    char v[64];

    (void)state;
    assert_non_null(big);
    /* Announced too big: refused before the body is read. */
    assert_true(
        tc_request(port, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 70000\r\n\r\n", &r));
    expect_type(&r, 413, "/msg/payload-too-large");
    tc_response_free(&r);
    assert_true(tc_request(port,
                           "POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
                           "Content-Length: 70000\r\n\r\n",
                           &r));
    assert_int_equal(r.status, 413);
    tc_response_free(&r);

    /* Exactly at the limit is fine; one byte more is not. */
    assert_true(send_with_body(port, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 65536", big,
                               SMALL_LIMIT, &r));
    assert_int_equal(r.status, 200);
    assert_non_null(strstr((const char *)r.body, "\"len\":65536"));
    tc_response_free(&r);
    assert_true(send_with_body(port, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 65537", big,
                               SMALL_LIMIT + 1, &r));
    assert_int_equal(r.status, 413);
    tc_response_free(&r);

    /* Chunked: the size is only known while reading. */
    assert_true(tc_open(&c, port));
    assert_true(send_chunked(&c, "POST /echo HTTP/1.1\r\nHost: x", 100000, 4096));
    assert_true(tc_read(&c, &r, false));
    expect_type(&r, 413, "/msg/payload-too-large");
    assert_true(ts_json_string(&r, "traceID", v, sizeof v));
    tc_response_free(&r);
    tc_close(&c);

    /* Chunked far past the limit: the connection is cut, never a 200. */
    assert_true(tc_open(&c, port));
    send_chunked(&c, "POST /echo HTTP/1.1\r\nHost: x", 3u * 1024u * 1024u, 65536);
    if (tc_read(&c, &r, false)) {
        assert_int_equal(r.status, 413);
        tc_response_free(&r);
    }
    tc_close(&c);

    /* The server still works. */
    assert_true(tc_request(port, "GET /v1/status HTTP/1.1\r\nHost: x\r\n\r\n", &r));
    assert_int_equal(r.status, 200);
    tc_response_free(&r);
    free(big);
    ts_stop(srv);
}

static void default_limit_is_5mb(void **state)
{
    uint16_t port;
    fse_http_server *srv = ts_start(NULL, NULL, &port);
    tc_response r;

    (void)state;
    assert_true(
        tc_request(port, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5242881\r\n\r\n", &r));
    expect_type(&r, 413, "/msg/payload-too-large");
    tc_response_free(&r);
    assert_true(tc_request(
        port, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999\r\n\r\n", &r));
    assert_int_equal(r.status, 413);
    tc_response_free(&r);
    /* Beyond 64 bits: refused as malformed by the parser. */
    assert_true(tc_request(port,
                           "POST /echo HTTP/1.1\r\nHost: x\r\n"
                           "Content-Length: 99999999999999999999999999\r\n\r\n",
                           &r));
    assert_true(r.status == 400 || r.status == 413);
    tc_response_free(&r);
    ts_stop(srv);
}

static void lying_or_ambiguous_framing(void **state)
{
    uint16_t port;
    fse_http_server *srv = start_small(&port);
    tc_response r;
    tc_conn c;

    (void)state;
    /* Content-Length shorter than what follows: the handler gets exactly the
     * announced bytes; the rest is a (malformed) next request. */
    assert_true(tc_open(&c, port));
    assert_true(tc_send_str(&c, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n"
                                "helloGARBAGE-NOT-HTTP\r\n\r\n"));
    assert_true(tc_read(&c, &r, false));
    assert_int_equal(r.status, 200);
    assert_non_null(strstr((const char *)r.body, "\"len\":5"));
    tc_response_free(&r);
    if (tc_read(&c, &r, false)) {
        assert_int_equal(r.status, 400);
        tc_response_free(&r);
    }
    tc_close(&c);

    /* Content-Length longer than what comes: no request reaches a handler,
     * the idle timeout closes the connection. */
    assert_true(tc_open(&c, port));
    assert_true(tc_send_str(&c, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n"
                                "only-ten!!"));
    assert_false(tc_read(&c, &r, false));
    tc_response_free(&r);
    tc_close(&c);

    assert_true(tc_request(port,
                           "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n"
                           "Transfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n0\r\n\r\n",
                           &r));
    assert_int_equal(r.status, 400);
    tc_response_free(&r);
    assert_true(tc_request(port,
                           "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n"
                           "Content-Length: 6\r\n\r\nabcdef",
                           &r));
    assert_int_equal(r.status, 400);
    tc_response_free(&r);
    assert_true(
        tc_request(port, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 12abc\r\n\r\n", &r));
    assert_int_equal(r.status, 400);
    tc_response_free(&r);
    assert_true(tc_request(port,
                           "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n"
                           "\r\n4\r\nabcd\r\n0\r\n\r\n",
                           &r));
    assert_int_equal(r.status, 400);
    tc_response_free(&r);
    ts_stop(srv);
}

/* ---- multipart ---------------------------------------------------------- */

#define BOUNDARY "XyZboundary42"

/* A PDF-looking file with every byte value, CRLFs, "--", boundary
 * prefixes and a boundary not preceded by CRLF (so not a delimiter). */
static uint8_t *make_pdf(size_t *len_out)
{
    static const char *const pieces[] = {
        "%PDF-1.7\n%\xe2\xe3\xcf\xd3\r\n",
        "\r\n--",
        "\r\n--XyZbound",
        "\r\n\r\n",
        "--" BOUNDARY,
        "\r--" BOUNDARY,
        "\n--" BOUNDARY "--",
        "\r\n-" BOUNDARY,
        "\r\n--xyzboundary42\r\n",
    };
    fse_buf b;
    size_t i;
    int k;

    fse_buf_init(&b, 1u << 20);
    for (i = 0; i < sizeof pieces / sizeof pieces[0]; i++) {
        for (k = 0; k < 256; k++) {
            uint8_t byte = (uint8_t)k;

            assert_int_equal(fse_buf_append(&b, &byte, 1), FSE_OK);
        }
        assert_int_equal(fse_buf_append_str(&b, pieces[i]), FSE_OK);
    }
    assert_int_equal(fse_buf_append(&b, "\0\0\0", 3), FSE_OK);
    assert_int_equal(fse_buf_append_str(&b, "\r\n%%EOF\r\n"), FSE_OK);
    return (uint8_t *)fse_buf_steal(&b, len_out);
}

static uint8_t *multipart_body(const uint8_t *pdf, size_t pdf_len, size_t *len_out)
{
    fse_buf b;

    fse_buf_init(&b, 1u << 21);
    assert_int_equal(
        fse_buf_append_str(&b, "preamble to ignore\r\n--" BOUNDARY "\r\n"
                               "Content-Disposition: form-data; name=\"requestBody\""
                               "\r\n\r\n{\"activity\":\"VERIFICA\",\"mode\":\"ATTACHMENT\"}"
                               "\r\n--" BOUNDARY "\r\n"
                               "Content-Disposition: form-data; name=\"file\"; "
                               "filename=\"referto.pdf\"\r\n"
                               "Content-Type: application/pdf\r\n\r\n"),
        FSE_OK);
    assert_int_equal(fse_buf_append(&b, pdf, pdf_len), FSE_OK);
    assert_int_equal(fse_buf_append_str(&b, "\r\n--" BOUNDARY "--\r\nepilogue"), FSE_OK);
    return (uint8_t *)fse_buf_steal(&b, len_out);
}

static void multipart_pdf_part_is_byte_exact(void **state)
{
    uint16_t port;
    fse_http_server *srv = ts_start(NULL, NULL, &port);
    size_t pdf_len;
    size_t body_len;
    uint8_t *pdf = make_pdf(&pdf_len);
    uint8_t *body = multipart_body(pdf, pdf_len, &body_len);
    char head[256];
    tc_response r;
    tc_conn c;
    size_t off;

    (void)state;
    snprintf(head, sizeof head,
             "POST /v1/documents/validation HTTP/1.1\r\nHost: x\r\n"
             "Content-Type: multipart/form-data; boundary=" BOUNDARY "\r\nContent-Length: %zu",
             body_len);
    assert_true(send_with_body(port, head, body, body_len, &r));
    assert_int_equal(r.status, 201);
    assert_int_equal(r.body_len, pdf_len);
    assert_memory_equal(r.body, pdf, pdf_len);
    assert_string_equal(tc_header(&r, "X-Filename"), "referto.pdf");
    assert_string_equal(tc_header(&r, "X-File-Type"), "application/pdf");
    assert_string_equal(tc_header(&r, "X-Parts"), "2");
    assert_string_equal(tc_header(&r, "X-Body-Len"), "43");
    tc_response_free(&r);

    /* The same body sent chunked, with a quoted boundary parameter. */
    assert_true(tc_open(&c, port));
    assert_true(tc_send_str(&c, "POST /v1/documents/validation HTTP/1.1\r\nHost: x\r\n"
                                "Content-Type: multipart/form-data; charset=utf-8; "
                                "boundary=\"" BOUNDARY "\"\r\n"
                                "Transfer-Encoding: chunked\r\n\r\n"));
    for (off = 0; off < body_len; off += 777) {
        size_t n = body_len - off < 777 ? body_len - off : 777;
        char line[16];

        snprintf(line, sizeof line, "%zx\r\n", n);
        assert_true(tc_send_str(&c, line) && tc_send(&c, body + off, n) && tc_send_str(&c, "\r\n"));
    }
    assert_true(tc_send_str(&c, "0\r\n\r\n"));
    assert_true(tc_read(&c, &r, false));
    assert_int_equal(r.status, 201);
    assert_int_equal(r.body_len, pdf_len);
    assert_memory_equal(r.body, pdf, pdf_len);
    tc_response_free(&r);
    tc_close(&c);
    fse_free(body);
    fse_free(pdf);
    ts_stop(srv);
}

static void post_upload(uint16_t port, const char *ctype, const char *body, int want)
{
    char head[512];
    tc_response r;

    snprintf(head, sizeof head,
             "POST /v1/documents/validation HTTP/1.1\r\nHost: x\r\nContent-Type: %s\r\n"
             "Content-Length: %zu",
             ctype, strlen(body));
    assert_true(send_with_body(port, head, body, strlen(body), &r));
    if (r.status != want) {
        print_error("upload %s gave %d: %s\n", ctype, r.status, (const char *)r.body);
    }
    assert_int_equal(r.status, want);
    tc_response_free(&r);
}

static void multipart_malformed_bodies_are_refused(void **state)
{
    static const char ok_parts[] = "--b\r\nContent-Disposition: form-data; name=\"requestBody\"\r\n"
                                   "\r\n{}\r\n--b\r\nContent-Disposition: form-data; name=\"file\";"
                                   " filename=\"a.pdf\"\r\n\r\n%PDF\r\n--b--\r\n";
    uint16_t port;
    fse_http_server *srv = ts_start(NULL, NULL, &port);
    fse_buf many;
    int i;

    (void)state;
    post_upload(port, "multipart/form-data; boundary=b", ok_parts, 201);
    post_upload(port, "multipart/form-data", ok_parts, 400);
    post_upload(port, "multipart/form-data; boundary=", ok_parts, 400);
    post_upload(port, "application/json", ok_parts, 400);
    post_upload(port, "multipart/form-data; boundary=other", ok_parts, 400);
    /* Unterminated: no closing delimiter. */
    post_upload(port, "multipart/form-data; boundary=b",
                "--b\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\n%PDF-1.7 ...", 400);
    /* Unterminated part headers. */
    post_upload(port, "multipart/form-data; boundary=b",
                "--b\r\nContent-Disposition: form-data; name=\"file\"\r\n", 400);
    /* Duplicate part name (parameter pollution). */
    post_upload(port, "multipart/form-data; boundary=b",
                "--b\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nA\r\n"
                "--b\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nB\r\n--b--",
                400);
    /* Part without a name, and not form-data. */
    post_upload(port, "multipart/form-data; boundary=b",
                "--b\r\nContent-Disposition: form-data\r\n\r\nA\r\n--b--", 400);
    post_upload(port, "multipart/form-data; boundary=b",
                "--b\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\nA\r\n--b--", 400);
    /* Missing part the handler needs. */
    post_upload(port, "multipart/form-data; boundary=b",
                "--b\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nA\r\n--b--", 400);
    /* A huge number of parts. */
    fse_buf_init(&many, 1u << 20);
    for (i = 0; i < 5000; i++) {
        assert_int_equal(fse_buf_printf(&many,
                                        "--b\r\nContent-Disposition: form-data; name=\"p%d\"\r\n"
                                        "\r\nx\r\n",
                                        i),
                         FSE_OK);
    }
    assert_int_equal(fse_buf_append_str(&many, "--b--\r\n"), FSE_OK);
    post_upload(port, "multipart/form-data; boundary=b", many.data, 413);
    fse_buf_free(&many);
    ts_stop(srv);
}

static void multipart_parser_edge_cases(void **state)
{
    static const char nul_header[] = "--z\r\nA: \0b\r\n\r\nv\r\n--z--";
    fse_http_multipart *mp = NULL;
    const fse_http_part *p;
    char long_boundary[100];
    char ctype[160];
    char huge_header[10000];

    (void)state;
    /* Parts without headers other than the disposition, empty data,
     * transport padding after a delimiter. */
    assert_int_equal(fse_http_multipart_parse(&mp, "Multipart/Form-Data; boundary=\"a b\"",
                                              (const uint8_t *)"--a b \t\r\ncontent-disposition: "
                                                               "form-data; name=e\r\n\r\n\r\n"
                                                               "--a b\r\nContent-Disposition: "
                                                               "form-data; name=\"q\\\"x\"; "
                                                               "filename=\"\xc3\xa8.pdf\"\r\n\r\n"
                                                               "v\r\n--a b--",
                                              strlen("--a b \t\r\ncontent-disposition: "
                                                     "form-data; name=e\r\n\r\n\r\n"
                                                     "--a b\r\nContent-Disposition: "
                                                     "form-data; name=\"q\\\"x\"; "
                                                     "filename=\"\xc3\xa8.pdf\"\r\n\r\n"
                                                     "v\r\n--a b--")),
                     FSE_OK);
    assert_int_equal(fse_http_multipart_count(mp), 2);
    p = fse_http_multipart_get(mp, "e");
    assert_non_null(p);
    assert_int_equal(p->len, 0);
    assert_null(p->filename);
    p = fse_http_multipart_at(mp, 1);
    assert_string_equal(p->name, "q\"x");
    assert_string_equal(p->filename, "\xc3\xa8.pdf");
    assert_int_equal(p->len, 1);
    assert_null(fse_http_multipart_at(mp, 2));
    fse_http_multipart_free(mp);

    /* Zero parts is a valid (empty) form. */
    assert_int_equal(fse_http_multipart_parse(&mp, "multipart/form-data; boundary=z",
                                              (const uint8_t *)"--z--", 5),
                     FSE_OK);
    assert_int_equal(fse_http_multipart_count(mp), 0);
    fse_http_multipart_free(mp);

    memset(long_boundary, 'k', 71);
    long_boundary[71] = '\0';
    snprintf(ctype, sizeof ctype, "multipart/form-data; boundary=%s", long_boundary);
    assert_int_equal(fse_http_multipart_parse(&mp, ctype, (const uint8_t *)"x", 1), FSE_E_PARSE);
    assert_int_equal(
        fse_http_multipart_parse(&mp, "multipart/form-data; boundary=a<b", (const uint8_t *)"x", 1),
        FSE_E_PARSE);
    assert_int_equal(fse_http_multipart_parse(&mp, "multipart/form-data; boundary=z", NULL, 0),
                     FSE_E_PARSE);
    /* Invalid UTF-8 in a name, NUL in the headers, bare LF line. */
    assert_int_equal(fse_http_multipart_parse(
                         &mp, "multipart/form-data; boundary=z",
                         (const uint8_t *)"--z\r\nContent-Disposition: form-data; name=\"\xff\"\r\n"
                                          "\r\nv\r\n--z--",
                         strlen("--z\r\nContent-Disposition: form-data; name=\"\xff\"\r\n"
                                "\r\nv\r\n--z--")),
                     FSE_E_PARSE);
    assert_int_equal(fse_http_multipart_parse(&mp, "multipart/form-data; boundary=z",
                                              (const uint8_t *)nul_header, sizeof nul_header - 1),
                     FSE_E_PARSE);
    assert_int_equal(fse_http_multipart_parse(
                         &mp, "multipart/form-data; boundary=z",
                         (const uint8_t *)"--z\r\nContent-Disposition: form-data; name=a\nX: y"
                                          "\r\n\r\nv\r\n--z--",
                         strlen("--z\r\nContent-Disposition: form-data; name=a\nX: y"
                                "\r\n\r\nv\r\n--z--")),
                     FSE_E_PARSE);
    /* Part headers over the limit. */
    memcpy(huge_header, "--z\r\nX: ", 8);
    memset(huge_header + 8, 'h', sizeof huge_header - 8);
    assert_int_equal(fse_http_multipart_parse(&mp, "multipart/form-data; boundary=z",
                                              (const uint8_t *)huge_header, sizeof huge_header),
                     FSE_E_LIMIT);
    assert_null(mp);
}

/* ---- JSON --------------------------------------------------------------- */

static int put_json(uint16_t port, const char *ctype, const char *json)
{
    char head[256];
    tc_response r;
    int status;

    snprintf(head, sizeof head,
             "PUT /v1/documents/D1/metadata HTTP/1.1\r\nHost: x\r\nContent-Type: %s\r\n"
             "Content-Length: %zu",
             ctype, strlen(json));
    assert_true(send_with_body(port, head, json, strlen(json), &r));
    status = r.status;
    tc_response_free(&r);
    return status;
}

static void json_bodies_are_checked(void **state)
{
    uint16_t port;
    fse_http_server *srv = ts_start(NULL, NULL, &port);
    char deep[200];
    json_t *doc = NULL;
    int i;

    (void)state;
    assert_int_equal(put_json(port, "application/json", "{\"tipologiaStruttura\":\"Ospedale\"}"),
                     200);
    assert_int_equal(put_json(port, "application/json; charset=utf-8", "{\"a\":[1,{\"b\":2}]}"),
                     200);
    assert_int_equal(put_json(port, "application/json", "{\"a\":1,\"a\":2}"), 400);
    assert_int_equal(put_json(port, "application/json", "{\"a\":\"x\\u0000y\"}"), 400);
    assert_int_equal(put_json(port, "application/json", "{\"a\":\"\xc3\x28\"}"), 400);
    assert_int_equal(put_json(port, "application/json", "{\"a\":1"), 400);
    assert_int_equal(put_json(port, "text/plain", "{\"a\":1}"), 400);
    assert_int_equal(put_json(port, "application/jsonx", "{\"a\":1}"), 400);
    for (i = 0; i < 40; i++) {
        deep[i] = '[';
        deep[40 + i] = ']';
    }
    deep[80] = '\0';
    assert_int_equal(put_json(port, "application/json", deep), 400);
    /* Brackets inside strings do not count as depth. */
    assert_int_equal(fse_http_json_parse(&doc,
                                         (const uint8_t *)"{\"k\":\"[[[[[[[[[[[[[[[[[[[[[[[[[["
                                                          "[[[[[[[[[[[[[[[[[[[[\\\"[[\"}",
                                         strlen("{\"k\":\"[[[[[[[[[[[[[[[[[[[[[[[[[["
                                                "[[[[[[[[[[[[[[[[[[[[\\\"[[\"}")),
                     FSE_OK);
    json_decref(doc);
    assert_int_equal(fse_http_json_parse(&doc, (const uint8_t *)"{\"a\":1,\"a\":1}", 13),
                     FSE_E_PARSE);
    assert_non_null(strstr(fse_error_last()->message, "duplicate"));
    assert_int_equal(fse_http_json_parse(&doc, NULL, 0), FSE_E_PARSE);
    ts_stop(srv);
}

const struct CMUnitTest ts_body_tests[] = {
    cmocka_unit_test(body_over_the_limit_is_413),
    cmocka_unit_test(default_limit_is_5mb),
    cmocka_unit_test(lying_or_ambiguous_framing),
    cmocka_unit_test(multipart_pdf_part_is_byte_exact),
    cmocka_unit_test(multipart_malformed_bodies_are_refused),
    cmocka_unit_test(multipart_parser_edge_cases),
    cmocka_unit_test(json_bodies_are_checked),
};
const size_t ts_n_body_tests = sizeof ts_body_tests / sizeof ts_body_tests[0];
