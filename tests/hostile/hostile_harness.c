/*
 * tests/hostile/hostile_harness.c - helpers shared by the hostile-input
 * tests (see hostile_harness.h): the catalog and validator loaded once,
 * validation with cmocka assertions on the refusal, inputs derived from the
 * samples, the time-boxed child run, and PDFs rewritten with qpdf.
 */
#include "hostile_harness.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#if defined(__SANITIZE_ADDRESS__)
#define HAVE_LSAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HAVE_LSAN 1
#endif
#endif
#ifdef HAVE_LSAN
#include <sanitizer/lsan_interface.h>
#endif

h_state g;

const char *const h_official_pdfs[] = {
    SAMPLES "/CERT_VACC/valid/testcontainer_CERT_VACC.pdf",
    SAMPLES "/LAB/valid/testcontainer_LAB.pdf",
    SAMPLES "/LDO/valid/testcontainer_LDO.pdf",
    SAMPLES "/RSA/valid/testcontainer_RSA.pdf",
    SAMPLES "/SING_VACC/valid/testcontainer_SING_VACC.pdf",
};
const size_t h_n_official_pdfs = sizeof(h_official_pdfs) / sizeof(h_official_pdfs[0]);

/* ---- setup -------------------------------------------------------------- */

int h_group_setup(void **state)
{
    FILE *f = fopen("/etc/passwd", "r");

    (void)state;
    snprintf(g.passwd_line, sizeof(g.passwd_line), "root:x:0:0");
    if (f != NULL) {
        if (fgets(g.passwd_line, sizeof(g.passwd_line), f) != NULL) {
            g.passwd_line[strcspn(g.passwd_line, "\n")] = '\0';
        }
        fclose(f);
    }
    if (fse_catalog_load(&g.catalog, FSE_RULES_DIR, NULL) != FSE_OK) {
        print_error("catalog: %s\n", fse_error_last()->message);
        return -1;
    }
    if (fse_validator_new(&g.validator, g.catalog) != FSE_OK) {
        print_error("validator: %s\n", fse_error_last()->message);
        return -1;
    }
    return 0;
}

int h_group_teardown(void **state)
{
    (void)state;
    fse_validator_free(g.validator);
    fse_catalog_free(g.catalog);
    return 0;
}

/* ---- validation and checks ---------------------------------------------- */

uint8_t *h_read(const char *path, size_t *len)
{
    uint8_t *data = NULL;

    if (fse_file_read(path, MAX_READ, &data, len) != FSE_OK) {
        fail_msg("cannot read %s: %s", path, fse_error_last()->message);
    }
    return data;
}

/* Offset of the first occurrence of needle in data, or len when absent. */
size_t h_find(const uint8_t *data, size_t len, const char *needle)
{
    size_t n = strlen(needle);
    size_t i;

    for (i = 0; n <= len && i <= len - n; i++) {
        if (memcmp(data + i, needle, n) == 0) {
            return i;
        }
    }
    return len;
}

uint64_t h_now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* xorshift64*: a fixed, portable stream of bytes for the random inputs. */
uint64_t h_rng(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 2685821657736338717u;
}

fse_report *h_validate(const uint8_t *data, size_t len)
{
    fse_report *r = NULL;
    fse_err rc = fse_validator_run(g.validator, data, len, NULL, &r);

    if (rc != FSE_OK) {
        fail_msg("fse_validator_run: %s: %s", fse_strerror(rc), fse_error_last()->message);
    }
    assert_non_null(r);
    return r;
}

/* Validate with a validator of its own, which has seen no other document. */
fse_report *h_validate_fresh(const uint8_t *data, size_t len)
{
    fse_validator *v = NULL;
    fse_report *r = NULL;

    assert_int_equal(fse_validator_new(&v, g.catalog), FSE_OK);
    assert_int_equal(fse_validator_run(v, data, len, NULL, &r), FSE_OK);
    fse_validator_free(v);
    assert_non_null(r);
    return r;
}

void h_print_report(const char *what, const fse_report *r)
{
    size_t i;

    print_error("%s: got %s %s, %zu failure(s)\n", what, fse_outcome_code(r->outcome),
                fse_outcome_name(r->outcome), r->n_failures);
    for (i = 0; i < r->n_failures && i < 8; i++) {
        print_error("  %-10s %s %.300s\n", fse_failure_kind_name(r->failures[i].kind),
                    r->failures[i].rule, r->failures[i].message);
    }
}

char *h_report_json(const fse_report *r)
{
    fse_buf b;

    fse_buf_init(&b, 64u * MIB);
    assert_int_equal(fse_report_write_json(&b, r, "hostile"), FSE_OK);
    return fse_buf_steal(&b, NULL);
}

bool h_has_failure(const fse_report *r, fse_failure_kind kind, const char *fragment)
{
    size_t i;

    for (i = 0; i < r->n_failures; i++) {
        if (r->failures[i].kind == kind &&
            (fragment == NULL || strstr(r->failures[i].message, fragment) != NULL)) {
            return true;
        }
    }
    return false;
}

/* Outcome 01, not valid, and a failure of this kind whose message holds
 * fragment; the JSON form of the report must also be well formed. */
void h_expect_refused(const fse_report *r, fse_failure_kind kind, const char *fragment,
                      const char *what)
{
    char *json;
    json_error_t err;
    json_t *parsed;

    if (r->outcome != FSE_OUTCOME_SYNTAX_ERROR || r->valid || !h_has_failure(r, kind, fragment)) {
        h_print_report(what, r);
        fail_msg("%s: expected 01 with a %s failure saying '%s'", what, fse_failure_kind_name(kind),
                 fragment != NULL ? fragment : "");
    }
    json = h_report_json(r);
    parsed = json_loads(json, 0, &err);
    if (parsed == NULL) {
        fail_msg("%s: the JSON report does not parse: %s", what, err.text);
    }
    json_decref(parsed);
    fse_free(json);
}

/* Validate and expect an input refusal (01, kind input). */
void h_expect_input_refusal(const uint8_t *data, size_t len, const char *fragment, const char *what)
{
    fse_report *r = h_validate(data, len);

    h_expect_refused(r, FSE_FAILURE_INPUT, fragment, what);
    fse_report_free(r);
}

void h_expect_valid(const uint8_t *data, size_t len, const char *what)
{
    fse_report *r = h_validate(data, len);

    if (!r->valid) {
        h_print_report(what, r);
        fail_msg("%s: expected a valid document", what);
    }
    fse_report_free(r);
}

/* Copy of text with doctype in front and, when entity is not NULL, a
 * reference to it as the first content of <title>. */
uint8_t *h_with_doctype(size_t *len_out, const uint8_t *cda, size_t cda_len, const char *doctype,
                        const char *entity)
{
    const char *title = strstr((const char *)cda, "<title>");
    size_t head = strlen(doctype);
    size_t ref = entity != NULL ? strlen(entity) + 2 : 0;
    size_t at;
    uint8_t *out;

    assert_non_null(title);
    at = (size_t)(title - (const char *)cda) + strlen("<title>");
    out = fse_malloc(head + cda_len + ref + 1);
    assert_non_null(out);
    memcpy(out, doctype, head);
    memcpy(out + head, cda, at);
    if (entity != NULL) {
        out[head + at] = '&';
        memcpy(out + head + at + 1, entity, ref - 2);
        out[head + at + ref - 1] = ';';
    }
    memcpy(out + head + at + ref, cda + at, cda_len - at);
    *len_out = head + cda_len + ref;
    out[*len_out] = '\0';
    return out;
}

/* Append s to a test input; its buffer cap is part of the test. */
void h_put(fse_buf *b, const char *s)
{
    assert_int_equal(fse_buf_append_str(b, s), FSE_OK);
}

/* Bijective base-52 name of n: a, b, ..., Z, aa, ab, ... */
void h_name_of(char *out, size_t n)
{
    static const char letters[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    char tmp[16];
    size_t k = 0;
    size_t i;

    n++;
    while (n > 0 && k < sizeof(tmp)) {
        n--;
        tmp[k++] = letters[n % 52];
        n /= 52;
    }
    for (i = 0; i < k; i++) {
        out[i] = tmp[k - 1 - i];
    }
    out[k] = '\0';
}

/*
 * Validate in a child process that is killed after budget seconds. Returns
 * false on a timeout; otherwise *outcome_out holds the outcome and
 * *kind_out the kind of the first failure (-1 without failures). The child
 * leaves with _exit, so no leak report runs there.
 */
bool h_validate_within(const uint8_t *data, size_t len, unsigned budget, fse_outcome *outcome_out,
                       int *kind_out, double *seconds_out)
{
    uint64_t t0 = h_now_ns();
    int status = 0;
    pid_t pid;

    fflush(stdout);
    fflush(stderr);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        fse_report *r = NULL;
        int code;

        alarm(budget);
        if (fse_validator_run(g.validator, data, len, NULL, &r) != FSE_OK) {
            _exit(100);
        }
        code = (int)r->outcome * 10 + (r->n_failures > 0 ? (int)r->failures[0].kind + 1 : 0);
        _exit(code);
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    *seconds_out = (double)(h_now_ns() - t0) / 1e9;
    if (WIFSIGNALED(status)) {
        if (WTERMSIG(status) != SIGALRM) {
            fail_msg("the validator died with signal %d", WTERMSIG(status));
        }
        return false;
    }
    assert_true(WIFEXITED(status));
    assert_int_not_equal(WEXITSTATUS(status), 100);
    *outcome_out = (fse_outcome)(WEXITSTATUS(status) / 10);
    *kind_out = WEXITSTATUS(status) % 10 - 1;
    return true;
}

void h_ensure_work_dir(void)
{
    if (mkdir(WORK_DIR, 0755) != 0 && errno != EEXIST) {
        fail_msg("mkdir %s: %s", WORK_DIR, strerror(errno));
    }
}

void h_write_file(const char *path, const uint8_t *data, size_t len)
{
    FILE *f = fopen(path, "wb");

    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

bool h_same_verdict(const fse_report *a, const fse_report *b)
{
    return a->outcome == b->outcome && a->n_failures == b->n_failures &&
           a->n_warnings == b->n_warnings && strcmp(a->doc_type, b->doc_type) == 0;
}

/* UTF-8 to Latin-1 (every character of the sample is below U+0100). */
uint8_t *h_to_latin1(size_t *len_out, const uint8_t *in, size_t len)
{
    uint8_t *out = fse_malloc(len + 1);
    size_t i;
    size_t n = 0;

    assert_non_null(out);
    for (i = 0; i < len; i++) {
        if (in[i] >= 0xc2 && in[i] <= 0xc3 && i + 1 < len) {
            out[n++] = (uint8_t)(((in[i] & 0x03) << 6) | (in[i + 1] & 0x3f));
            i++;
        } else {
            assert_true(in[i] < 0x80);
            out[n++] = in[i];
        }
    }
    *len_out = n;
    return out;
}

/* UTF-8 to UTF-16 with a byte order mark (BMP only, as in the samples). */
uint8_t *h_to_utf16(size_t *len_out, const uint8_t *in, size_t len, bool big_endian)
{
    uint8_t *out = fse_malloc(2 * len + 3);
    size_t i = 0;
    size_t n = 2;

    assert_non_null(out);
    out[0] = big_endian ? 0xfe : 0xff;
    out[1] = big_endian ? 0xff : 0xfe;
    while (i < len) {
        unsigned c = in[i];

        if (c < 0x80) {
            i += 1;
        } else if ((c & 0xe0) == 0xc0) {
            c = ((c & 0x1fu) << 6) | (in[i + 1] & 0x3fu);
            i += 2;
        } else {
            assert_int_equal(c & 0xf0, 0xe0);
            c = ((c & 0x0fu) << 12) | ((in[i + 1] & 0x3fu) << 6) | (in[i + 2] & 0x3fu);
            i += 3;
        }
        out[n + (big_endian ? 0 : 1)] = (uint8_t)(c >> 8);
        out[n + (big_endian ? 1 : 0)] = (uint8_t)(c & 0xff);
        n += 2;
    }
    *len_out = n;
    return out;
}

int h_leak_check(void)
{
#ifdef HAVE_LSAN
    return __lsan_do_recoverable_leak_check();
#else
    return 0;
#endif
}

/* ---- qpdf: PDFs derived from real ones ----------------------------------- */

typedef struct bytes {
    const uint8_t *data;
    size_t len;
} bytes;

/*
 * Read pdf with qpdf, apply edit (may be NULL), write it back, encrypted
 * with R6/AES-256 when user_password is not NULL ("" = owner password only).
 * Streams are left uncompressed when compress is false.
 */
uint8_t *h_pdf_rewrite(size_t *len_out, const uint8_t *pdf, size_t len, pdf_edit_fn edit, void *arg,
                       const char *user_password, bool compress)
{
    qpdf_data q = qpdf_init();
    uint8_t *out;

    qpdf_silence_errors(q);
    qpdf_set_suppress_warnings(q, QPDF_TRUE);
    assert_int_equal(qpdf_read_memory(q, "in", (const char *)pdf, len, NULL) & QPDF_ERRORS, 0);
    if (edit != NULL) {
        edit(q, arg);
    }
    assert_int_equal(qpdf_init_write_memory(q) & QPDF_ERRORS, 0);
    qpdf_set_compress_streams(q, compress ? QPDF_TRUE : QPDF_FALSE);
    if (user_password != NULL) {
        qpdf_set_r6_encryption_parameters2(q, user_password, "owner-secret", QPDF_TRUE, QPDF_TRUE,
                                           QPDF_TRUE, QPDF_TRUE, QPDF_TRUE, QPDF_TRUE,
                                           qpdf_r3p_full, QPDF_TRUE);
    }
    assert_int_equal(qpdf_write(q) & QPDF_ERRORS, 0);
    *len_out = qpdf_get_buffer_length(q);
    out = fse_malloc(*len_out + 1);
    assert_non_null(out);
    memcpy(out, qpdf_get_buffer(q), *len_out);
    qpdf_cleanup(&q);
    return out;
}

/* Drop everything that can carry a CDA: the name trees and the AcroForm. */
void h_drop_cda(qpdf_data q, void *arg)
{
    qpdf_oh root = qpdf_get_root(q);

    (void)arg;
    qpdf_oh_remove_key(q, root, "/Names");
    qpdf_oh_remove_key(q, root, "/AF");
    qpdf_oh_remove_key(q, root, "/AcroForm");
}

/* Replace the data of the cda.xml attachment of a PDF made by
 * fse_pdf_embed_cda (flat /EmbeddedFiles /Names array). */
static void replace_cda(qpdf_data q, void *arg)
{
    const bytes *b = arg;
    qpdf_oh names =
        qpdf_oh_get_key(q, qpdf_oh_get_key(q, qpdf_get_root(q), "/Names"), "/EmbeddedFiles");
    qpdf_oh spec = qpdf_oh_get_array_item(q, qpdf_oh_get_key(q, names, "/Names"), 1);
    qpdf_oh file = qpdf_oh_get_key(q, qpdf_oh_get_key(q, spec, "/EF"), "/F");

    assert_true(qpdf_oh_is_stream(q, file));
    qpdf_oh_replace_stream_data(q, file, b->data, b->len, qpdf_oh_new_null(q), qpdf_oh_new_null(q));
}

/* A PDF whose cda.xml attachment holds exactly these bytes (stored
 * uncompressed unless compress). */
uint8_t *h_pdf_with_cda(size_t *len_out, const uint8_t *data, size_t len, bool compress)
{
    size_t base_len = 0;
    uint8_t *cda = h_read(LDO_1, &base_len);
    uint8_t *plain = NULL;
    size_t plain_len = 0;
    bytes b = {data, len};
    uint8_t *out;

    assert_int_equal(fse_pdf_embed_cda(&plain, &plain_len, cda, base_len, NULL), FSE_OK);
    out = h_pdf_rewrite(len_out, plain, plain_len, replace_cda, &b, NULL, compress);
    fse_free(plain);
    fse_free(cda);
    return out;
}

/* Replace the data of the XFA "datasets" resource of a PDF made by
 * fse_pdf_embed_cda in XFA mode (/Names /XFAResources /Names array). */
static void replace_datasets(qpdf_data q, void *arg)
{
    const bytes *b = arg;
    qpdf_oh tree =
        qpdf_oh_get_key(q, qpdf_oh_get_key(q, qpdf_get_root(q), "/Names"), "/XFAResources");
    qpdf_oh stream = qpdf_oh_get_array_item(q, qpdf_oh_get_key(q, tree, "/Names"), 1);

    assert_true(qpdf_oh_is_stream(q, stream));
    qpdf_oh_replace_stream_data(q, stream, b->data, b->len, qpdf_oh_new_null(q),
                                qpdf_oh_new_null(q));
}

/* An XFA PDF whose datasets packet holds exactly these bytes (compressed). */
uint8_t *h_pdf_with_datasets(size_t *len_out, const uint8_t *data, size_t len)
{
    size_t base_len = 0;
    uint8_t *cda = h_read(LDO_1, &base_len);
    fse_pdf_embed_opts opts = {FSE_PDF_EMBED_XFA, NULL};
    uint8_t *plain = NULL;
    size_t plain_len = 0;
    bytes b = {data, len};
    uint8_t *out;

    assert_int_equal(fse_pdf_embed_cda(&plain, &plain_len, cda, base_len, &opts), FSE_OK);
    out = h_pdf_rewrite(len_out, plain, plain_len, replace_datasets, &b, NULL, true);
    fse_free(plain);
    fse_free(cda);
    return out;
}
