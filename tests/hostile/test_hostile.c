/*
 * tests/hostile/test_hostile.c - hostile input to the validator and to the
 * `fse validate` tool: entity attacks (XXE, billion laughs, parameter
 * entities, any DOCTYPE), nesting, size and node limits, damaged, encrypted
 * and empty PDFs, hostile XFA packets, foreign encodings, empty, NUL and
 * random bytes, attribute and namespace floods, huge text and values,
 * allocation failures at every step, and the tool's exit codes and JSON
 * lines.
 *
 * Every input must end in a clear verdict (outcome 01 with a failure saying
 * what was wrong) or an fse_err with a message, never in a crash or a leak:
 * the suite runs under ASan and UBSan. Inputs are generated in memory or
 * derived from the official samples, which are read in place; files for the
 * tool are written under FSE_BUILD_DIR/hostile/. Tests marked BUG fail on
 * purpose until the library is fixed; their comment says what is wrong.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include <jansson.h>
#include <qpdf/qpdf-c.h>

#include "fse/limits.h"
#include "fse/pdf.h"
#include "fse/util.h"
#include "fse/validate.h"

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

extern char **environ;

#define SAMPLES FSE_RULES_DIR "/samples"
#define WORK_DIR FSE_BUILD_DIR "/hostile"
#define TOOL_PATH FSE_BUILD_DIR "/fse"
#define MAX_READ (16u * 1024u * 1024u)
#define MIB (1024u * 1024u)

/* Small valid samples used as the base of several inputs. */
#define LDO_1 SAMPLES "/LDO/valid/accr_CasiOK_LDO_-_Caso_di_Test_1.xml"
#define CERT_2 SAMPLES "/CERT_VACC/valid/accr_CasiOK_CERT_VACC_-_Caso_di_Test_2.xml"
#define CERT_4 SAMPLES "/CERT_VACC/valid/accr_CasiOK_CERT_VACC_-_Caso_di_Test_4.xml"

/* Wall-clock budget for one hostile document of up to 5 MB (ASan build). A
 * valid 5 MB CDA takes well under a second. */
#define BUDGET_SECONDS 5u

static const char *const official_pdfs[] = {
    SAMPLES "/CERT_VACC/valid/testcontainer_CERT_VACC.pdf",
    SAMPLES "/LAB/valid/testcontainer_LAB.pdf",
    SAMPLES "/LDO/valid/testcontainer_LDO.pdf",
    SAMPLES "/RSA/valid/testcontainer_RSA.pdf",
    SAMPLES "/SING_VACC/valid/testcontainer_SING_VACC.pdf",
};
#define N_OFFICIAL_PDFS (sizeof(official_pdfs) / sizeof(official_pdfs[0]))

/* Shared by every test: loaded once in the group setup. */
static struct {
    fse_catalog *catalog;
    fse_validator *validator;
    char passwd_line[256]; /* first line of /etc/passwd, the XXE target */
} g;

/* ---- helpers ------------------------------------------------------------ */

static uint8_t *read_path(const char *path, size_t *len)
{
    uint8_t *data = NULL;

    if (fse_file_read(path, MAX_READ, &data, len) != FSE_OK) {
        fail_msg("cannot read %s: %s", path, fse_error_last()->message);
    }
    return data;
}

/* Offset of the first occurrence of needle in data, or len when absent. */
static size_t find_bytes(const uint8_t *data, size_t len, const char *needle)
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

static uint64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* xorshift64*: a fixed, portable stream of bytes for the random inputs. */
static uint64_t rng_next(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 2685821657736338717u;
}

static fse_report *validate(const uint8_t *data, size_t len)
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
static fse_report *validate_fresh(const uint8_t *data, size_t len)
{
    fse_validator *v = NULL;
    fse_report *r = NULL;

    assert_int_equal(fse_validator_new(&v, g.catalog), FSE_OK);
    assert_int_equal(fse_validator_run(v, data, len, NULL, &r), FSE_OK);
    fse_validator_free(v);
    assert_non_null(r);
    return r;
}

static void print_report(const char *what, const fse_report *r)
{
    size_t i;

    print_error("%s: got %s %s, %zu failure(s)\n", what, fse_outcome_code(r->outcome),
                fse_outcome_name(r->outcome), r->n_failures);
    for (i = 0; i < r->n_failures && i < 8; i++) {
        print_error("  %-10s %s %.300s\n", fse_failure_kind_name(r->failures[i].kind),
                    r->failures[i].rule, r->failures[i].message);
    }
}

static char *report_json(const fse_report *r)
{
    fse_buf b;

    fse_buf_init(&b, 64u * MIB);
    assert_int_equal(fse_report_write_json(&b, r, "hostile"), FSE_OK);
    return fse_buf_steal(&b, NULL);
}

static bool has_failure(const fse_report *r, fse_failure_kind kind, const char *fragment)
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
static void expect_refused(const fse_report *r, fse_failure_kind kind, const char *fragment,
                           const char *what)
{
    char *json;
    json_error_t err;
    json_t *parsed;

    if (r->outcome != FSE_OUTCOME_SYNTAX_ERROR || r->valid || !has_failure(r, kind, fragment)) {
        print_report(what, r);
        fail_msg("%s: expected 01 with a %s failure saying '%s'", what, fse_failure_kind_name(kind),
                 fragment != NULL ? fragment : "");
    }
    json = report_json(r);
    parsed = json_loads(json, 0, &err);
    if (parsed == NULL) {
        fail_msg("%s: the JSON report does not parse: %s", what, err.text);
    }
    json_decref(parsed);
    fse_free(json);
}

/* Validate and expect an input refusal (01, kind input). */
static void expect_input_refusal(const uint8_t *data, size_t len, const char *fragment,
                                 const char *what)
{
    fse_report *r = validate(data, len);

    expect_refused(r, FSE_FAILURE_INPUT, fragment, what);
    fse_report_free(r);
}

static void expect_valid(const uint8_t *data, size_t len, const char *what)
{
    fse_report *r = validate(data, len);

    if (!r->valid) {
        print_report(what, r);
        fail_msg("%s: expected a valid document", what);
    }
    fse_report_free(r);
}

/* Copy of text with doctype in front and, when entity is not NULL, a
 * reference to it as the first content of <title>. */
static uint8_t *with_doctype(size_t *len_out, const uint8_t *cda, size_t cda_len,
                             const char *doctype, const char *entity)
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
static void put(fse_buf *b, const char *s)
{
    assert_int_equal(fse_buf_append_str(b, s), FSE_OK);
}

/* Bijective base-52 name of n: a, b, ..., Z, aa, ab, ... */
static void name_of(char *out, size_t n)
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
static bool validate_within(const uint8_t *data, size_t len, unsigned budget,
                            fse_outcome *outcome_out, int *kind_out, double *seconds_out)
{
    uint64_t t0 = now_ns();
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
    *seconds_out = (double)(now_ns() - t0) / 1e9;
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

static void ensure_work_dir(void)
{
    if (mkdir(WORK_DIR, 0755) != 0 && errno != EEXIST) {
        fail_msg("mkdir %s: %s", WORK_DIR, strerror(errno));
    }
}

static void write_file(const char *path, const uint8_t *data, size_t len)
{
    FILE *f = fopen(path, "wb");

    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

/* ---- qpdf: PDFs derived from real ones ----------------------------------- */

typedef void (*pdf_edit_fn)(qpdf_data q, void *arg);

/*
 * Read pdf with qpdf, apply edit (may be NULL), write it back, encrypted
 * with R6/AES-256 when user_password is not NULL ("" = owner password only).
 * Streams are left uncompressed when compress is false.
 */
static uint8_t *pdf_rewrite(size_t *len_out, const uint8_t *pdf, size_t len, pdf_edit_fn edit,
                            void *arg, const char *user_password, bool compress)
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
static void drop_cda(qpdf_data q, void *arg)
{
    qpdf_oh root = qpdf_get_root(q);

    (void)arg;
    qpdf_oh_remove_key(q, root, "/Names");
    qpdf_oh_remove_key(q, root, "/AF");
    qpdf_oh_remove_key(q, root, "/AcroForm");
}

typedef struct bytes {
    const uint8_t *data;
    size_t len;
} bytes;

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
static uint8_t *pdf_with_cda_bytes(size_t *len_out, const uint8_t *data, size_t len, bool compress)
{
    size_t base_len = 0;
    uint8_t *cda = read_path(LDO_1, &base_len);
    uint8_t *plain = NULL;
    size_t plain_len = 0;
    bytes b = {data, len};
    uint8_t *out;

    assert_int_equal(fse_pdf_embed_cda(&plain, &plain_len, cda, base_len, NULL), FSE_OK);
    out = pdf_rewrite(len_out, plain, plain_len, replace_cda, &b, NULL, compress);
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
static uint8_t *pdf_with_datasets(size_t *len_out, const uint8_t *data, size_t len)
{
    size_t base_len = 0;
    uint8_t *cda = read_path(LDO_1, &base_len);
    fse_pdf_embed_opts opts = {FSE_PDF_EMBED_XFA, NULL};
    uint8_t *plain = NULL;
    size_t plain_len = 0;
    bytes b = {data, len};
    uint8_t *out;

    assert_int_equal(fse_pdf_embed_cda(&plain, &plain_len, cda, base_len, &opts), FSE_OK);
    out = pdf_rewrite(len_out, plain, plain_len, replace_datasets, &b, NULL, true);
    fse_free(plain);
    fse_free(cda);
    return out;
}

/* ---- setup -------------------------------------------------------------- */

static int group_setup(void **state)
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

static int group_teardown(void **state)
{
    (void)state;
    fse_validator_free(g.validator);
    fse_catalog_free(g.catalog);
    return 0;
}

/* ---- entities and DOCTYPE ----------------------------------------------- */

/* An external entity to /etc/passwd, alone and inside a real CDA (in text
 * and in an attribute): refused for its DOCTYPE, and no byte of the file
 * reaches the report. */
static void xxe_is_refused_and_never_read(void **state)
{
    static const char *const bare[] = {
        "<?xml version=\"1.0\"?>\n<!DOCTYPE ClinicalDocument [\n"
        "  <!ENTITY xxe SYSTEM \"file:///etc/passwd\">\n]>\n"
        "<ClinicalDocument xmlns=\"urn:hl7-org:v3\"><title>&xxe;</title></ClinicalDocument>\n",
        "<!DOCTYPE r [<!ENTITY xxe SYSTEM \"/etc/passwd\">]><r a=\"&xxe;\"/>",
        "<!DOCTYPE r [<!ENTITY xxe SYSTEM \"http://127.0.0.1:9/x\">]><r>&xxe;</r>",
    };
    size_t len = 0;
    uint8_t *cda = read_path(LDO_1, &len);
    size_t evil_len = 0;
    uint8_t *evil = with_doctype(&evil_len, cda, len,
                                 "<!DOCTYPE ClinicalDocument [<!ENTITY xxe SYSTEM "
                                 "\"file:///etc/passwd\">]>\n",
                                 "xxe");
    uint8_t *pdf;
    size_t pdf_len = 0;
    size_t i;

    (void)state;
    for (i = 0; i <= sizeof(bare) / sizeof(bare[0]); i++) {
        const uint8_t *data = i < 3 ? (const uint8_t *)bare[i] : evil;
        size_t data_len = i < 3 ? strlen(bare[i]) : evil_len;
        fse_report *r = validate(data, data_len);
        char *json = report_json(r);

        expect_refused(r, FSE_FAILURE_INPUT, "DOCTYPE", "XXE");
        assert_null(strstr(json, g.passwd_line));
        assert_null(strstr(json, ":/bin/"));
        fse_free(json);
        fse_report_free(r);
    }
    /* The same CDA carried by a PDF. */
    pdf = pdf_with_cda_bytes(&pdf_len, evil, evil_len, true);
    {
        fse_report *r = validate(pdf, pdf_len);
        char *json = report_json(r);

        assert_true(r->from_pdf);
        expect_refused(r, FSE_FAILURE_INPUT, "DOCTYPE", "XXE in a PDF");
        assert_null(strstr(json, g.passwd_line));
        fse_free(json);
        fse_report_free(r);
    }
    fse_free(pdf);
    fse_free(evil);
    fse_free(cda);
}

/* Ten levels of ten-fold expansion: refused at the DOCTYPE, at once. */
static void billion_laughs_is_refused_quickly(void **state)
{
    fse_buf b;
    uint64_t t0;
    int i;
    int k;

    (void)state;
    fse_buf_init(&b, MIB);
    put(&b, "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n");
    for (i = 1; i <= 9; i++) {
        assert_int_equal(fse_buf_printf(&b, " <!ENTITY lol%d \"", i), FSE_OK);
        for (k = 0; k < 10; k++) {
            if (i == 1) {
                put(&b, "&lol;");
            } else {
                assert_int_equal(fse_buf_printf(&b, "&lol%d;", i - 1), FSE_OK);
            }
        }
        put(&b, "\">\n");
    }
    put(&b, "]>\n<ClinicalDocument xmlns=\"urn:hl7-org:v3\"><title>&lol9;</title>"
            "</ClinicalDocument>\n");
    t0 = now_ns();
    expect_input_refusal((const uint8_t *)b.data, b.len, "DOCTYPE", "billion laughs");
    assert_true(now_ns() - t0 < 2000000000u);
    /* Quadratic blowup: one big entity referenced many times. */
    fse_buf_reset(&b);
    put(&b, "<!DOCTYPE r [<!ENTITY a \"");
    for (i = 0; i < 50000; i++) {
        put(&b, "a");
    }
    put(&b, "\">]><r>");
    for (i = 0; i < 50000; i++) {
        put(&b, "&a;");
    }
    put(&b, "</r>");
    expect_input_refusal((const uint8_t *)b.data, b.len, "DOCTYPE", "quadratic blowup");
    fse_buf_free(&b);
}

/* Parameter entities: the classic out-of-band exfiltration set-up, and an
 * external DTD (which would need the network). */
static void parameter_entity_dtd_is_refused(void **state)
{
    static const char *const docs[] = {
        "<?xml version=\"1.0\"?>\n<!DOCTYPE r [\n"
        "  <!ENTITY % file SYSTEM \"file:///etc/passwd\">\n"
        "  <!ENTITY % wrap \"<!ENTITY &#x25; send SYSTEM 'http://127.0.0.1:9/?%file;'>\">\n"
        "  %wrap;\n  %send;\n]>\n<r/>",
        "<!DOCTYPE r [<!ENTITY % ext SYSTEM \"http://127.0.0.1:9/evil.dtd\"> %ext;]><r/>",
        "<!DOCTYPE ClinicalDocument SYSTEM \"http://127.0.0.1:9/CDA.dtd\">"
        "<ClinicalDocument xmlns=\"urn:hl7-org:v3\"/>",
        "<!DOCTYPE r PUBLIC \"-//X//DTD X//EN\" \"file:///etc/passwd\"><r/>",
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
        fse_report *r = validate((const uint8_t *)docs[i], strlen(docs[i]));
        char *json = report_json(r);

        expect_refused(r, FSE_FAILURE_INPUT, "DOCTYPE", "parameter entity");
        assert_null(strstr(json, g.passwd_line));
        fse_free(json);
        fse_report_free(r);
    }
}

/* A DOCTYPE is refused even when harmless and even on a valid CDA. */
static void any_doctype_is_refused(void **state)
{
    static const char *const doctypes[] = {
        "<!DOCTYPE ClinicalDocument [<!ATTLIST ClinicalDocument classCode CDATA \"DOCCLIN\">]>\n",
        "<!DOCTYPE ClinicalDocument [<!ELEMENT ClinicalDocument ANY>]>\n",
        "<!DOCTYPE ClinicalDocument>\n",
        "<!DOCTYPE ClinicalDocument [<!ENTITY name \"Mario\">]>\n",
    };
    size_t len = 0;
    uint8_t *cda = read_path(CERT_2, &len);
    size_t i;

    (void)state;
    expect_valid(cda, len, "the unmodified sample");
    for (i = 0; i < sizeof(doctypes) / sizeof(doctypes[0]); i++) {
        size_t evil_len = 0;
        uint8_t *evil = with_doctype(&evil_len, cda, len, doctypes[i], i == 3 ? "name" : NULL);

        expect_input_refusal(evil, evil_len, "DOCTYPE", doctypes[i]);
        fse_free(evil);
    }
    fse_free(cda);
}

/* ---- structure and size limits ------------------------------------------ */

static void deep_nesting_is_refused(void **state)
{
    const size_t depth = 100000;
    fse_buf b;
    size_t i;

    (void)state;
    fse_buf_init(&b, 2u * MIB);
    put(&b, "<ClinicalDocument xmlns=\"urn:hl7-org:v3\">");
    for (i = 0; i < depth; i++) {
        put(&b, "<a>");
    }
    /* Unclosed first, then closed. */
    expect_input_refusal((const uint8_t *)b.data, b.len, "deeper than", "100k open elements");
    for (i = 0; i < depth; i++) {
        put(&b, "</a>");
    }
    put(&b, "</ClinicalDocument>");
    expect_input_refusal((const uint8_t *)b.data, b.len, "deeper than", "100k nested elements");
    /* Just over the limit. */
    fse_buf_reset(&b);
    for (i = 0; i <= FSE_MAX_XML_DEPTH; i++) {
        put(&b, "<a>");
    }
    for (i = 0; i <= FSE_MAX_XML_DEPTH; i++) {
        put(&b, "</a>");
    }
    expect_input_refusal((const uint8_t *)b.data, b.len, "deeper than", "limit + 1 levels");
    fse_buf_free(&b);
}

/* 50 MB, as XML and as PDF: refused for its size before any parsing. */
static void fifty_megabytes_are_refused_by_size_quickly(void **state)
{
    const size_t len = 50u * MIB;
    uint8_t *big = fse_malloc(len);
    uint64_t t0;
    uint64_t elapsed;
    int k;

    (void)state;
    assert_non_null(big);
    for (k = 0; k < 2; k++) {
        const char *head = k == 0 ? "<ClinicalDocument xmlns=\"urn:hl7-org:v3\">" : "%PDF-1.7\n";

        memset(big, k == 0 ? 'x' : ' ', len);
        memcpy(big, head, strlen(head));
        t0 = now_ns();
        expect_input_refusal(big, len, "troppo grande", k == 0 ? "50 MB XML" : "50 MB PDF");
        elapsed = now_ns() - t0;
        if (elapsed > 100000000u) {
            fail_msg("a 50 MB input took %.3f s to refuse", (double)elapsed / 1e9);
        }
    }
    fse_free(big);
}

/* A valid CDA padded with a comment to exactly the limit is validated (and
 * valid); one byte more is refused for its size. */
static void size_limit_is_exact(void **state)
{
    size_t len = 0;
    uint8_t *cda = read_path(CERT_2, &len);
    uint8_t *padded = fse_malloc(FSE_MAX_DOCUMENT_BYTES + 1);
    size_t total;

    (void)state;
    assert_non_null(padded);
    for (total = FSE_MAX_DOCUMENT_BYTES; total <= FSE_MAX_DOCUMENT_BYTES + 1; total++) {
        memcpy(padded, cda, len);
        memcpy(padded + len, "<!--", 4);
        memset(padded + len + 4, 'c', total - len - 7);
        memcpy(padded + total - 3, "-->", 3);
        if (total == FSE_MAX_DOCUMENT_BYTES) {
            expect_valid(padded, total, "a valid CDA of exactly 5 MB");
        } else {
            expect_input_refusal(padded, total, "troppo grande", "5 MB + 1 byte");
        }
    }
    fse_free(padded);
    fse_free(cda);
}

/* Just under the limit, well-formed, not a CDA. */
static void just_under_the_limit_not_cda(void **state)
{
    const size_t target = FSE_MAX_DOCUMENT_BYTES - 64;
    fse_buf b;
    fse_report *r;
    size_t i;

    (void)state;
    fse_buf_init(&b, FSE_MAX_DOCUMENT_BYTES);
    /* One big text node: no typeId, so no schema: the Gateway's own answer. */
    put(&b, "<notCda>");
    while (b.len < target) {
        put(&b, "lorem ipsum dolor sit amet ");
    }
    put(&b, "</notCda>");
    r = validate((const uint8_t *)b.data, b.len);
    expect_refused(r, FSE_FAILURE_ROUTING, "Schema with version  not found on database.",
                   "5 MB of text");
    fse_report_free(r);
    /* A CDA typeId on a foreign root: the schema refuses the root. */
    fse_buf_reset(&b);
    put(&b, "<notCda xmlns=\"urn:hl7-org:v3\"><typeId root=\"2.16.840.1.113883.1.3\" "
            "extension=\"POCD_MT000040UV02\"/>");
    while (b.len < target) {
        put(&b, "<p>lorem ipsum dolor sit amet</p>");
    }
    put(&b, "</notCda>");
    r = validate((const uint8_t *)b.data, b.len);
    expect_refused(r, FSE_FAILURE_XSD, "notCda", "5 MB foreign root");
    fse_report_free(r);
    /* 1.3 million empty elements: over the node limit. */
    fse_buf_reset(&b);
    put(&b, "<r>");
    for (i = 0; b.len < target; i++) {
        put(&b, "<x/>");
    }
    put(&b, "</r>");
    expect_input_refusal((const uint8_t *)b.data, b.len, "XML nodes", "1.3M elements");
    fse_buf_free(&b);
}

/* One attribute per name for a million names does not fit in 5 MB: refused
 * for its size. */
static void million_attributes_are_refused_by_size(void **state)
{
    fse_buf b;
    char name[16];
    size_t i;
    uint64_t t0;

    (void)state;
    fse_buf_init(&b, 16u * MIB);
    put(&b, "<ClinicalDocument xmlns=\"urn:hl7-org:v3\"");
    for (i = 0; i < 1000000; i++) {
        name_of(name, i);
        assert_int_equal(fse_buf_printf(&b, " %s=\"\"", name), FSE_OK);
    }
    put(&b, "/>");
    assert_true(b.len > FSE_MAX_DOCUMENT_BYTES);
    t0 = now_ns();
    expect_input_refusal((const uint8_t *)b.data, b.len, "troppo grande", "1M attributes");
    assert_true(now_ns() - t0 < 1000000000u);
    fse_buf_free(&b);
}

/*
 * BUG: attributes filling the 5 MB limit (about 600 000 on one element) keep
 * the validator busy for many minutes. lib/xml/xml_parse.c fse_xml_parse
 * hands the bytes to libxml2 2.9 (xmlCtxtReadMemory), whose
 * xmlParseStartTag2 checks each attribute for duplicates against all the
 * previous ones: quadratic (50 000 attributes: 3 s, 150 000: 65 s). The
 * depth and node limits run only after the start tag has been parsed. A
 * limit on attributes per element, checked before libxml2 sees the tag, is
 * missing.
 */
static void bug_attribute_flood_within_the_size_limit(void **state)
{
    fse_buf b;
    char name[16];
    size_t i;
    fse_outcome outcome = FSE_OUTCOME_OK;
    int kind = -1;
    double seconds = 0;

    (void)state;
    fse_buf_init(&b, FSE_MAX_DOCUMENT_BYTES);
    put(&b, "<ClinicalDocument xmlns=\"urn:hl7-org:v3\"");
    for (i = 0; b.len < FSE_MAX_DOCUMENT_BYTES - 64; i++) {
        name_of(name, i);
        assert_int_equal(fse_buf_printf(&b, " %s=\"\"", name), FSE_OK);
    }
    put(&b, "/>");
    if (!validate_within((const uint8_t *)b.data, b.len, BUDGET_SECONDS, &outcome, &kind,
                         &seconds)) {
        size_t total = b.len;

        fse_buf_free(&b);
        fail_msg("BUG: %zu attributes on one element (%zu bytes) still running after %u s", i,
                 total, BUDGET_SECONDS);
    }
    assert_int_equal(outcome, FSE_OUTCOME_SYNTAX_ERROR);
    fse_buf_free(&b);
}

/* Two thousand namespace declarations on a valid CDA change nothing. */
static void many_namespace_declarations_on_a_valid_cda(void **state)
{
    size_t len = 0;
    uint8_t *cda = read_path(CERT_2, &len);
    const char *root = strstr((const char *)cda, "<ClinicalDocument");
    size_t at;
    fse_buf b;
    char name[16];
    size_t i;

    (void)state;
    assert_non_null(root);
    at = (size_t)(root - (const char *)cda) + strlen("<ClinicalDocument");
    fse_buf_init(&b, FSE_MAX_DOCUMENT_BYTES);
    assert_int_equal(fse_buf_append(&b, cda, at), FSE_OK);
    for (i = 0; i < 2000; i++) {
        name_of(name, i);
        assert_int_equal(fse_buf_printf(&b, " xmlns:n%s=\"urn:x:%zu\"", name, i), FSE_OK);
    }
    assert_int_equal(fse_buf_append(&b, cda + at, len - at), FSE_OK);
    expect_valid((const uint8_t *)b.data, b.len, "2000 namespace declarations");
    fse_buf_free(&b);
    fse_free(cda);
}

/*
 * BUG: a namespace bomb within the 5 MB limit: the default namespace, then
 * 150 000 prefixed declarations on the root, then 600 000 empty children.
 * libxml2 2.9 resolves each element's namespace by scanning the declaration
 * stack (xmlGetNamespace) and the root's nsDef list (xmlSearchNs) linearly,
 * and checks each new declaration against the previous ones: 100 000
 * declarations and 200 000 children (2.2 MB) take 8 s, the full 5 MB far
 * longer. As for attributes, fse_xml_parse (lib/xml/xml_parse.c) has no
 * limit on namespace declarations per element or in scope.
 */
static void bug_namespace_flood_within_the_size_limit(void **state)
{
    fse_buf b;
    char name[16];
    size_t i;
    fse_outcome outcome = FSE_OUTCOME_OK;
    int kind = -1;
    double seconds = 0;

    (void)state;
    fse_buf_init(&b, FSE_MAX_DOCUMENT_BYTES);
    put(&b, "<r xmlns=\"urn:hl7-org:v3\"");
    for (i = 0; i < 150000; i++) {
        name_of(name, i);
        assert_int_equal(fse_buf_printf(&b, " xmlns:n%s=\"u\"", name), FSE_OK);
    }
    put(&b, ">");
    while (b.len < FSE_MAX_DOCUMENT_BYTES - 64) {
        put(&b, "<a/>");
    }
    put(&b, "</r>");
    if (!validate_within((const uint8_t *)b.data, b.len, BUDGET_SECONDS, &outcome, &kind,
                         &seconds)) {
        size_t total = b.len;

        fse_buf_free(&b);
        fail_msg("BUG: 150000 namespace declarations in %zu bytes still running after %u s", total,
                 BUDGET_SECONDS);
    }
    assert_int_equal(outcome, FSE_OUTCOME_SYNTAX_ERROR);
    fse_buf_free(&b);
}

/* A 4.5 MB title in a valid CDA: validated as usual, within the budget. */
static void huge_text_node_keeps_the_verdict(void **state)
{
    size_t len = 0;
    uint8_t *cda = read_path(CERT_2, &len);
    const char *title = strstr((const char *)cda, "<title>");
    size_t at;
    fse_buf b;
    size_t i;
    fse_outcome outcome = FSE_OUTCOME_SYNTAX_ERROR;
    int kind = 0;
    double seconds = 0;

    (void)state;
    assert_non_null(title);
    at = (size_t)(title - (const char *)cda) + strlen("<title>");
    fse_buf_init(&b, FSE_MAX_DOCUMENT_BYTES);
    assert_int_equal(fse_buf_append(&b, cda, at), FSE_OK);
    for (i = 0; i < 450000; i++) {
        put(&b, "Certifica ");
    }
    assert_int_equal(fse_buf_append(&b, cda + at, len - at), FSE_OK);
    assert_true(
        validate_within((const uint8_t *)b.data, b.len, BUDGET_SECONDS, &outcome, &kind, &seconds));
    print_message("4.5 MB title: %.2f s\n", seconds);
    assert_int_equal(outcome, FSE_OUTCOME_OK);
    expect_valid((const uint8_t *)b.data, b.len, "4.5 MB title");
    fse_buf_free(&b);
    fse_free(cda);
}

/*
 * BUG (minor): an over-long attribute value (a 4.5 MB codice fiscale) must
 * still give the rule's own failure, ERRORE-33, as the Gateway does, with a
 * message of at most FSE_MAX_MESSAGE_BYTES that shows the start of the
 * value. The schematron engine instead stops the whole run on any string
 * value over FSE_MAX_MESSAGE_BYTES (FSE0007, raised by fse_sch__buf_ok in
 * lib/schematron/xpath_eval.c, also from render_item in sch_run.c for
 * value-of): the document gets 03 with "Error while executing validation on
 * sch schematron" and no rule label. (Before that check the value was
 * silently dropped: "Il codice fiscale '' ...".)
 */
static void bug_huge_value_in_a_message_is_cut_not_dropped(void **state)
{
    static const char cf[] = "extension=\"RSSMRA22A01A399Z\"";
    size_t len = 0;
    uint8_t *cda = read_path(CERT_2, &len);
    const char *at = strstr((const char *)cda, cf);
    size_t head;
    fse_buf b;
    fse_report *r;
    size_t i;
    const fse_failure *f = NULL;
    bool cut = false;

    (void)state;
    assert_non_null(at);
    head = (size_t)(at - (const char *)cda);
    fse_buf_init(&b, FSE_MAX_DOCUMENT_BYTES);
    assert_int_equal(fse_buf_append(&b, cda, head), FSE_OK);
    put(&b, "extension=\"");
    for (i = 0; i < 4500000 / 16; i++) {
        put(&b, "ABCDEFGHIJKLMNOP");
    }
    put(&b, "\"");
    assert_int_equal(fse_buf_append(&b, at + strlen(cf), len - head - strlen(cf)), FSE_OK);
    r = validate((const uint8_t *)b.data, b.len);
    fse_buf_free(&b);
    fse_free(cda);
    for (i = 0; i < r->n_failures; i++) {
        if (strcmp(r->failures[i].rule, "ERRORE-33") == 0) {
            f = &r->failures[i];
        }
    }
    if (f != NULL) {
        assert_true(strlen(f->message) <= FSE_MAX_MESSAGE_BYTES);
        cut = strstr(f->message, "'ABCDEFGHIJKLMNOP") != NULL;
    }
    if (r->outcome != FSE_OUTCOME_SEMANTIC_ERROR || !cut) {
        print_report("4.5 MB codice fiscale", r);
        fse_report_free(r);
        fail_msg("BUG: expected 03 with ERRORE-33 showing the start of the value");
    }
    fse_report_free(r);
}

/* ---- PDFs --------------------------------------------------------------- */

static bool same_verdict(const fse_report *a, const fse_report *b)
{
    return a->outcome == b->outcome && a->n_failures == b->n_failures &&
           a->n_warnings == b->n_warnings && strcmp(a->doc_type, b->doc_type) == 0;
}

/* Cut official PDFs at many offsets: each cut is refused as a damaged PDF,
 * or - when it falls after the complete first revision of a signed file -
 * gives the verdict of the whole file. A cut before the first %%EOF is
 * always refused. */
static void truncated_pdfs_are_refused(void **state)
{
    size_t k;

    (void)state;
    for (k = 0; k < N_OFFICIAL_PDFS; k++) {
        size_t len = 0;
        uint8_t *pdf = read_path(official_pdfs[k], &len);
        fse_report *whole = validate(pdf, len);
        size_t first_eof = find_bytes(pdf, len, "%%EOF");
        size_t n_refused = 0;
        size_t n_cuts = 0;
        size_t at;

        assert_true(first_eof < len);
        assert_true(whole->valid && whole->from_pdf);
        for (at = 16; at < len; at += len / 23 + 1) {
            fse_report *r = validate(pdf, at);

            n_cuts++;
            if (r->outcome == FSE_OUTCOME_SYNTAX_ERROR) {
                expect_refused(r, FSE_FAILURE_INPUT, "Error while extracting CDA from PDF document",
                               official_pdfs[k]);
                assert_true(r->from_pdf);
                n_refused++;
            } else if (at < first_eof || !same_verdict(r, whole)) {
                print_report(official_pdfs[k], r);
                fail_msg("%s cut at %zu of %zu was not refused", official_pdfs[k], at, len);
            }
            fse_report_free(r);
        }
        assert_true(n_refused * 2 >= n_cuts);
        /* Cut inside the final %%EOF marker. */
        expect_input_refusal(pdf, len - 4, "Error while extracting CDA", "last %%EOF cut");
        fse_report_free(whole);
        fse_free(pdf);
    }
}

/* Encrypted with a user password: refused, saying so. With an owner
 * password only the PDF opens without one, and the verdict is the plain
 * file's. The encrypted file is also written for the tool test. */
static void encrypted_pdf(void **state)
{
    size_t len = 0;
    uint8_t *pdf = read_path(official_pdfs[1], &len);
    size_t locked_len = 0;
    uint8_t *locked = pdf_rewrite(&locked_len, pdf, len, NULL, NULL, "user-secret", true);
    fse_report *plain;
    fse_report *r;

    (void)state;
    ensure_work_dir();
    write_file(WORK_DIR "/encrypted.pdf", locked, locked_len);
    r = validate(locked, locked_len);
    assert_true(r->from_pdf);
    expect_refused(r, FSE_FAILURE_INPUT, "password", "user password");
    fse_report_free(r);
    fse_free(locked);

    locked = pdf_rewrite(&locked_len, pdf, len, NULL, NULL, "", true);
    plain = validate(pdf, len);
    r = validate(locked, locked_len);
    assert_true(plain->valid);
    assert_true(same_verdict(r, plain));
    fse_report_free(r);
    fse_report_free(plain);
    fse_free(locked);
    fse_free(pdf);
}

static void pdf_without_cda_is_refused(void **state)
{
    size_t k;

    (void)state;
    for (k = 0; k < N_OFFICIAL_PDFS; k++) {
        size_t len = 0;
        uint8_t *pdf = read_path(official_pdfs[k], &len);
        size_t bare_len = 0;
        uint8_t *bare = pdf_rewrite(&bare_len, pdf, len, drop_cda, NULL, NULL, true);
        fse_report *r = validate(bare, bare_len);

        assert_true(r->from_pdf);
        expect_refused(r, FSE_FAILURE_INPUT, "cda.xml", official_pdfs[k]);
        assert_int_equal(r->pdf_embedding, FSE_PDF_EMBED_NONE);
        fse_report_free(r);
        fse_free(bare);
        fse_free(pdf);
    }
}

/* A cda.xml attachment that is not a readable CDA. */
static void pdf_whose_cda_is_not_xml_is_refused(void **state)
{
    static const struct {
        const char *data;
        size_t len;
        bool compress;
        const char *fragment;
    } cases[] = {
        {"this is not XML at all", 22, true, "XML non leggibile"},
        {"this is not XML at all", 22, false, "XML non leggibile"},
        {"\0\0\0\0\0\0\0\0", 8, true, "XML non leggibile"},
        {"<ClinicalDocument xmlns=\"urn:hl7-org:v3\"><title>", 48, true, "XML non leggibile"},
        {"%PDF-1.7\n%%EOF\n", 15, true, "XML non leggibile"},
        {"\xff\xfe<\0", 4, true, "XML non leggibile"},
        {"", 0, false, "is empty"},
        /* qpdf writes an empty stream as /FlateDecode with no data at all. */
        {"", 0, true, "Flate"},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        size_t pdf_len = 0;
        uint8_t *pdf = pdf_with_cda_bytes(&pdf_len, (const uint8_t *)cases[i].data, cases[i].len,
                                          cases[i].compress);
        fse_report *r = validate(pdf, pdf_len);

        assert_true(r->from_pdf);
        expect_refused(r, FSE_FAILURE_INPUT, cases[i].fragment, cases[i].data);
        fse_report_free(r);
        fse_free(pdf);
    }
}

#define XFA_OPEN "<xfa:datasets xmlns:xfa=\"http://www.xfa.org/schema/xfa-data/1.0/\"><xfa:data>"
#define XFA_CLOSE "</xfa:data></xfa:datasets>"

/* The XFA datasets packet is parsed as hostile input too. */
static void hostile_xfa_datasets_are_refused(void **state)
{
    static const struct {
        const char *head;
        const char *fragment;
    } cases[] = {
        {"<!DOCTYPE xdp [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>" XFA_OPEN
         "<ClinicalDocument "
         "xmlns=\"urn:hl7-org:v3\"><title>&xxe;</title></ClinicalDocument>" XFA_CLOSE,
         "DOCTYPE"},
        {XFA_OPEN "<somethingElse/>" XFA_CLOSE, "ClinicalDocument"},
        {XFA_OPEN "<ClinicalDocument xmlns=\"urn:hl7-org:v3\"><title>" XFA_CLOSE,
         "not well-formed"},
        {"<<< not XML >>>", "not well-formed"},
    };
    fse_buf b;
    size_t i;

    (void)state;
    fse_buf_init(&b, 2u * MIB);
    for (i = 0; i <= sizeof(cases) / sizeof(cases[0]); i++) {
        size_t pdf_len = 0;
        uint8_t *pdf;
        fse_report *r;
        char *json;

        fse_buf_reset(&b);
        if (i < sizeof(cases) / sizeof(cases[0])) {
            put(&b, cases[i].head);
        } else {
            size_t k;

            /* 100k nested elements around the CDA. */
            put(&b, XFA_OPEN);
            for (k = 0; k < 100000; k++) {
                put(&b, "<a>");
            }
            for (k = 0; k < 100000; k++) {
                put(&b, "</a>");
            }
            put(&b, XFA_CLOSE);
        }
        pdf = pdf_with_datasets(&pdf_len, (const uint8_t *)b.data, b.len);
        r = validate(pdf, pdf_len);
        json = report_json(r);
        assert_true(r->from_pdf);
        expect_refused(r, FSE_FAILURE_INPUT,
                       i < sizeof(cases) / sizeof(cases[0]) ? cases[i].fragment : "deeper than",
                       "XFA datasets");
        assert_null(strstr(json, g.passwd_line));
        fse_free(json);
        fse_report_free(r);
        fse_free(pdf);
    }
    fse_buf_free(&b);
}

/* The CDA inside an XFA packet whose root declares a thousand namespaces:
 * the declarations in scope travel with the CDA, and it stays valid. */
static void xfa_namespaces_in_scope_keep_the_verdict(void **state)
{
    size_t len = 0;
    uint8_t *cda = read_path(CERT_2, &len);
    const char *root = strstr((const char *)cda, "<ClinicalDocument");
    fse_buf b;
    char name[16];
    size_t pdf_len = 0;
    uint8_t *pdf;
    size_t i;

    (void)state;
    assert_non_null(root);
    fse_buf_init(&b, 2u * MIB);
    put(&b, "<xfa:datasets xmlns:xfa=\"http://www.xfa.org/schema/xfa-data/1.0/\"");
    for (i = 0; i < 1000; i++) {
        name_of(name, i);
        assert_int_equal(fse_buf_printf(&b, " xmlns:n%s=\"urn:x:%zu\"", name, i), FSE_OK);
    }
    put(&b, "><xfa:data>");
    assert_int_equal(fse_buf_append(&b, root, len - (size_t)(root - (const char *)cda)), FSE_OK);
    put(&b, XFA_CLOSE);
    pdf = pdf_with_datasets(&pdf_len, (const uint8_t *)b.data, b.len);
    expect_valid(pdf, pdf_len, "CDA under 1000 XFA namespace declarations");
    fse_free(pdf);
    fse_buf_free(&b);
    fse_free(cda);
}

/*
 * BUG: an XFA packet of 3 MB (a 500 KB PDF, the stream being compressed)
 * that nests the CDA in 200 elements declaring 1000 namespaces each takes
 * minutes, though libxml2 parses it in under a second: lib/pdf/pdf_xfa.c
 * keep_namespaces calls xmlGetNsList on the CDA, which compares each of the
 * 200 000 declarations in scope with all the ones collected before it, then
 * xmlSearchNs on the copy for each one: quadratic, with no limit on the
 * declarations copied onto the extracted CDA.
 */
static void bug_xfa_namespace_flood(void **state)
{
    fse_buf b;
    char name[16];
    size_t pdf_len = 0;
    uint8_t *pdf;
    size_t level;
    size_t i;
    fse_outcome outcome = FSE_OUTCOME_OK;
    int kind = -1;
    double seconds = 0;
    bool finished;

    (void)state;
    fse_buf_init(&b, FSE_MAX_EMBEDDED_CDA_BYTES);
    put(&b, XFA_OPEN);
    for (level = 0; level < 200; level++) {
        put(&b, "<d");
        for (i = 0; i < 1000; i++) {
            name_of(name, level * 1000 + i);
            assert_int_equal(fse_buf_printf(&b, " xmlns:n%s=\"u\"", name), FSE_OK);
        }
        put(&b, ">");
    }
    put(&b, "<ClinicalDocument xmlns=\"urn:hl7-org:v3\"/>");
    for (level = 0; level < 200; level++) {
        put(&b, "</d>");
    }
    put(&b, XFA_CLOSE);
    pdf = pdf_with_datasets(&pdf_len, (const uint8_t *)b.data, b.len);
    fse_buf_free(&b);
    finished = validate_within(pdf, pdf_len, BUDGET_SECONDS, &outcome, &kind, &seconds);
    fse_free(pdf);
    if (!finished) {
        fail_msg("BUG: an XFA packet with 200 x 1000 nested namespace declarations (%zu-byte "
                 "PDF) still running after %u s",
                 pdf_len, BUDGET_SECONDS);
    }
    print_message("%.2f s, outcome %s, kind %d\n", seconds, fse_outcome_code(outcome), kind);
    assert_int_not_equal(outcome, FSE_OUTCOME_OK);
}

/* ---- encodings and junk -------------------------------------------------- */

/* UTF-8 to Latin-1 (every character of the sample is below U+0100). */
static uint8_t *to_latin1(size_t *len_out, const uint8_t *in, size_t len)
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
static uint8_t *to_utf16(size_t *len_out, const uint8_t *in, size_t len, bool big_endian)
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

/*
 * Latin-1 bytes without an encoding declaration are not UTF-8: refused,
 * naming the problem. With the declaration the document is read correctly
 * and valid. UTF-16 (LE or BE) with a byte order mark is decoded by the
 * parser and validates exactly like the UTF-8 original: that is the
 * behaviour asserted here, with and without an encoding declaration. Each
 * UTF-16 run uses a fresh validator: on a validator that has already
 * streamed a document the same input gets false XSD errors (see
 * bug_xsd_tree_fallback_after_streaming).
 */
static void foreign_encodings(void **state)
{
    static const char decl_latin1[] = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n";
    static const char decl_utf16[] = "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n";
    size_t len = 0;
    uint8_t *cda = read_path(CERT_4, &len);
    size_t l1_len = 0;
    uint8_t *latin1 = to_latin1(&l1_len, cda, len);
    fse_buf b;
    fse_report *base = validate(cda, len);
    int be;

    (void)state;
    assert_true(base->valid);
    assert_true(l1_len < len); /* the sample does have non-ASCII characters */
    expect_input_refusal(latin1, l1_len, "not proper UTF-8", "Latin-1 without declaration");
    fse_buf_init(&b, 2u * MIB);
    put(&b, decl_latin1);
    assert_int_equal(fse_buf_append(&b, latin1, l1_len), FSE_OK);
    expect_valid((const uint8_t *)b.data, b.len, "Latin-1 with its declaration");
    for (be = 0; be <= 1; be++) {
        int with_decl;

        for (with_decl = 0; with_decl <= 1; with_decl++) {
            size_t u16_len = 0;
            uint8_t *u16;
            fse_report *r;

            fse_buf_reset(&b);
            if (with_decl) {
                put(&b, decl_utf16);
            }
            assert_int_equal(fse_buf_append(&b, cda, len), FSE_OK);
            u16 = to_utf16(&u16_len, (const uint8_t *)b.data, b.len, be);
            r = validate_fresh(u16, u16_len);
            if (!same_verdict(r, base) || !r->valid) {
                print_report("UTF-16", r);
                fail_msg("UTF-16%s%s: verdict differs from UTF-8", be ? "BE" : "LE",
                         with_decl ? " with declaration" : "");
            }
            fse_report_free(r);
            fse_free(u16);
        }
    }
    fse_buf_free(&b);
    fse_report_free(base);
    fse_free(latin1);
    fse_free(cda);
}

/*
 * BUG: the verdict depends on what the validator saw before. When the XSD
 * cannot be guessed from the first 64 KB of bytes (UTF-16 input, or a
 * typeId after 64 KB of comments or namespace declarations),
 * lib/validate/validator.c parse_and_validate_xsd validates the parsed tree
 * with xmlSchemaValidateDoc on the same xmlSchemaValidCtxt that earlier runs
 * plugged into the SAX stream (fse_xml_parse, xmlSchemaSAXPlug). With
 * libxml2 2.9 that context then resolves QNames through the SAX namespace
 * bindings, which a tree walk does not fill, so every xsi:type ("CD", "TS",
 * "IVL_TS", ...) "does not resolve to a type definition": a valid CDA gets
 * 01. On a fresh validator the same bytes are valid (00). A context that is
 * never plugged, kept for tree validation, would avoid it.
 */
static void bug_xsd_tree_fallback_after_streaming(void **state)
{
    size_t len = 0;
    uint8_t *cda = read_path(CERT_4, &len);
    size_t u16_len = 0;
    uint8_t *u16 = to_utf16(&u16_len, cda, len, false);
    fse_buf b;
    fse_validator *v = NULL;
    const uint8_t *inputs[2];
    size_t lens[2];
    size_t bad = 0;
    size_t k;

    (void)state;
    fse_buf_init(&b, FSE_MAX_DOCUMENT_BYTES);
    put(&b, "<!--");
    while (b.len < 70000) {
        put(&b, " padding padding padding padding");
    }
    put(&b, " -->\n");
    assert_int_equal(fse_buf_append(&b, cda, len), FSE_OK);
    inputs[0] = u16;
    lens[0] = u16_len;
    inputs[1] = (const uint8_t *)b.data;
    lens[1] = b.len;
    for (k = 0; k < 2; k++) {
        fse_report *first = NULL;
        fse_report *streamed = NULL;
        fse_report *again = NULL;

        assert_int_equal(fse_validator_new(&v, g.catalog), FSE_OK);
        assert_int_equal(fse_validator_run(v, inputs[k], lens[k], NULL, &first), FSE_OK);
        assert_int_equal(fse_validator_run(v, cda, len, NULL, &streamed), FSE_OK);
        assert_int_equal(fse_validator_run(v, inputs[k], lens[k], NULL, &again), FSE_OK);
        assert_true(first->valid);
        assert_true(streamed->valid);
        if (!again->valid) {
            print_report(k == 0 ? "UTF-16 after a streamed run"
                                : "typeId past 64 KB after a "
                                  "streamed run",
                         again);
            bad++;
        }
        fse_report_free(first);
        fse_report_free(streamed);
        fse_report_free(again);
        fse_validator_free(v);
    }
    fse_buf_free(&b);
    fse_free(u16);
    fse_free(cda);
    if (bad > 0) {
        fail_msg("BUG: %zu input(s) valid on a fresh validator get 01 after another run", bad);
    }
}

static void empty_and_nul_input(void **state)
{
    static const uint8_t one = 0;
    uint8_t *zeros = fse_calloc(1, 64u * 1024u);

    (void)state;
    assert_non_null(zeros);
    expect_input_refusal(&one, 0, "vuoto", "empty");
    expect_input_refusal(&one, 1, "XML non leggibile", "one NUL");
    expect_input_refusal(zeros, 4096, "XML non leggibile", "4 KB of NUL");
    expect_input_refusal(zeros, 64u * 1024u, "XML non leggibile", "64 KB of NUL");
    memcpy(zeros, "%PDF-1.7\n", 9);
    expect_input_refusal(zeros, 4096, "Error while extracting CDA", "PDF header then NUL");
    fse_free(zeros);
}

/* Random bytes, alone and after an XML or PDF start (fixed seed). */
static void random_bytes_are_refused(void **state)
{
    static const char *const heads[] = {"",
                                        "<?xml version=\"1.0\"?>\n<ClinicalDocument "
                                        "xmlns=\"urn:hl7-org:v3\">",
                                        "%PDF-1.7\n"};
    uint64_t seed = 0x5eed5eed5eedULL;
    uint8_t *buf = fse_malloc(64u * 1024u);
    size_t round;

    (void)state;
    assert_non_null(buf);
    for (round = 0; round < 96; round++) {
        const char *head = heads[round % 3];
        size_t len = 1 + (size_t)(rng_next(&seed) % (64u * 1024u - 1));
        size_t i;
        fse_report *r;

        for (i = 0; i < len; i++) {
            buf[i] = (uint8_t)(rng_next(&seed) >> 56);
        }
        if (strlen(head) < len) {
            memcpy(buf, head, strlen(head));
        }
        r = validate(buf, len);
        expect_refused(r, FSE_FAILURE_INPUT,
                       round % 3 == 2 ? "Error while extracting CDA from PDF document"
                                      : "XML non leggibile",
                       "random bytes");
        fse_report_free(r);
    }
    fse_free(buf);
}

/* ---- allocation failures ------------------------------------------------- */

static int leak_check(void)
{
#ifdef HAVE_LSAN
    return __lsan_do_recoverable_leak_check();
#else
    return 0;
#endif
}

/*
 * Fail the Nth allocation made through fse_malloc during one validation, for
 * N = 1, 2, ... until the run succeeds (and 16 more N, in case a failure was
 * absorbed): every run must either succeed with the verdict of a clean run
 * or return FSE_E_NOMEM with no report; no crash, and no leak (checked by
 * LeakSanitizer as the loop goes). Every N is tried even after a wrong
 * answer; returns how many were wrong.
 */
static size_t fault_loop(const char *name, const uint8_t *data, size_t len, bool check_leaks)
{
    fse_report *base = validate(data, len);
    unsigned long n;
    unsigned long last_checked = 0;
    unsigned long n_nomem = 0;
    unsigned streak = 0;
    size_t n_wrong = 0;

    for (n = 1; streak < 16; n++) {
        fse_report *r = NULL;
        fse_err rc;

        fse_alloc_fail_at(n);
        rc = fse_validator_run(g.validator, data, len, NULL, &r);
        fse_alloc_fail_at(0);
        if (rc == FSE_OK && r != NULL && same_verdict(r, base)) {
            streak++;
        } else if (rc == FSE_OK && r != NULL) {
            if (n_wrong++ < 4) {
                print_error("%s, allocation %lu failed: FSE_OK with verdict %s instead of %s\n",
                            name, n, fse_outcome_code(r->outcome), fse_outcome_code(base->outcome));
                print_report("  report", r);
            }
            streak = 0;
        } else if (rc == FSE_E_NOMEM && r == NULL) {
            n_nomem++;
            streak = 0;
        } else {
            if (n_wrong++ < 4) {
                print_error("%s, allocation %lu failed: %s (%s), report %p\n", name, n,
                            fse_strerror(rc), fse_error_last()->message, (void *)r);
            }
            streak = 0;
        }
        fse_report_free(r);
        if (check_leaks && (n % 64 == 0 || streak == 16)) {
            if (leak_check() != 0) {
                fail_msg("%s: leak with a failed allocation between %lu and %lu", name,
                         last_checked + 1, n);
            }
            last_checked = n;
        }
    }
    print_message("%-22s %s: %3lu allocation failure points, %3lu gave FSE_E_NOMEM\n", name,
                  fse_outcome_code(base->outcome), n - 17, n_nomem);
    assert_true(n_nomem > 0);
    fse_report_free(base);
    return n_wrong;
}

/* The fault loop over one input of each verdict and over the PDF path. */
static void allocation_failures_are_clean(void **state)
{
    static const struct {
        const char *name;
        const char *path;
    } files[] = {
        {"LDO valid", LDO_1},
        {"LAB warnings", SAMPLES "/LAB/valid/accr_CasiOK_LAB_-_Caso_di_Test_5.xml"},
        {"CERT_VACC schematron", SAMPLES "/CERT_VACC/invalid/"
                                         "gtwval_Files_schematronVACC_KO_CDA2_Certificato_"
                                         "Vaccinale_Errore_1.xml"},
        {"RAD vocabulary", SAMPLES "/RAD/invalid/testcontainer_RAD.xml"},
        {"LAB xsd", SAMPLES "/LAB/invalid/gtwval_Files_cda1.xml"},
        {"LAB no schema", SAMPLES "/LAB/invalid/gtwval_Files_cda_ok_Esempio_CDA_002.xml"},
    };
    static const char doctype[] = "<!DOCTYPE r [<!ENTITY e \"x\">]><r>&e;</r>";
    size_t len = 0;
    uint8_t *data;
    uint8_t *pdf = NULL;
    size_t pdf_len = 0;
    size_t n_wrong = 0;
    bool check_leaks = true;
    size_t i;

    (void)state;
    if (leak_check() != 0) {
        print_message("leaks from earlier tests: the loop relies on the report at exit\n");
        check_leaks = false;
    }
    for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        data = read_path(files[i].path, &len);
        n_wrong += fault_loop(files[i].name, data, len, check_leaks);
        if (i == 0) {
            assert_int_equal(fse_pdf_embed_cda(&pdf, &pdf_len, data, len, NULL), FSE_OK);
            n_wrong += fault_loop("LDO valid, in a PDF", pdf, pdf_len, check_leaks);
            fse_free(pdf);
        }
        fse_free(data);
    }
    n_wrong +=
        fault_loop("DOCTYPE refused", (const uint8_t *)doctype, strlen(doctype), check_leaks);
    if (n_wrong > 0) {
        fail_msg("BUG: %zu failed allocation(s) gave a verdict or error other than a clean "
                 "run's or FSE_E_NOMEM",
                 n_wrong);
    }
}

/* ---- the tool ------------------------------------------------------------ */

/* Run `fse validate --rules RULES args...`; stdout goes to out_path. */
static int run_tool(const char *const *args, size_t n_args, const char *out_path)
{
    const char *argv[16];
    posix_spawn_file_actions_t fa;
    pid_t pid;
    int status = 0;
    size_t i;
    size_t n = 0;

    assert_true(n_args + 5 < sizeof(argv) / sizeof(argv[0]));
    argv[n++] = TOOL_PATH;
    argv[n++] = "validate";
    argv[n++] = "--rules";
    argv[n++] = FSE_RULES_DIR;
    for (i = 0; i < n_args; i++) {
        argv[n++] = args[i];
    }
    argv[n] = NULL;
    assert_int_equal(posix_spawn_file_actions_init(&fa), 0);
    assert_int_equal(posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, out_path,
                                                      O_WRONLY | O_CREAT | O_TRUNC, 0644),
                     0);
    assert_int_equal(posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, WORK_DIR "/stderr.txt",
                                                      O_WRONLY | O_CREAT | O_TRUNC, 0644),
                     0);
    fflush(stdout);
    fflush(stderr);
    assert_int_equal(
        posix_spawn(&pid, TOOL_PATH, &fa, NULL, (char *const *)(uintptr_t)argv, environ), 0);
    posix_spawn_file_actions_destroy(&fa);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (!WIFEXITED(status)) {
        fail_msg("fse validate died (status %d)", status);
    }
    return WEXITSTATUS(status);
}

/* Check the tool's JSON output: one object per line, one line per file in
 * input order, with the expected outcome. */
static void expect_json_lines(const char *out_path, const char *const *files, size_t n_files,
                              const char *const *outcomes)
{
    size_t len = 0;
    uint8_t *out = read_path(out_path, &len);
    char *line = (char *)out;
    size_t i;

    for (i = 0; i < n_files; i++) {
        char *end = strchr(line, '\n');
        json_error_t err;
        json_t *obj;
        const char *file;
        const char *outcome;

        if (end == NULL) {
            fail_msg("line %zu missing in the output of fse validate --json", i + 1);
        }
        *end = '\0';
        obj = json_loads(line, 0, &err);
        if (obj == NULL || !json_is_object(obj)) {
            fail_msg("line %zu is not a JSON object: %s (%.120s)", i + 1, err.text, line);
        }
        file = json_string_value(json_object_get(obj, "file"));
        outcome = json_string_value(json_object_get(obj, "outcome"));
        assert_non_null(file);
        assert_non_null(outcome);
        assert_string_equal(file, files[i]);
        if (strcmp(outcome, outcomes[i]) != 0) {
            fail_msg("%s: outcome %s, expected %s", files[i], outcome, outcomes[i]);
        }
        assert_int_equal(json_is_true(json_object_get(obj, "valid")),
                         strcmp(outcomes[i], "00") == 0 || strcmp(outcomes[i], "05") == 0);
        assert_null(strstr(line, g.passwd_line));
        json_decref(obj);
        line = end + 1;
    }
    assert_int_equal(*line, '\0');
    fse_free(out);
}

/* Exit status 1 with invalid documents (one JSON line each), 2 for a file
 * that does not exist, 0 when all are valid. */
static void tool_exit_codes_and_json(void **state)
{
    static const char *const files[] = {
        WORK_DIR "/xxe.xml",    WORK_DIR "/empty.xml",     WORK_DIR "/random.xml",
        WORK_DIR "/nul.xml",    WORK_DIR "/truncated.pdf", WORK_DIR "/oversized.xml",
        WORK_DIR "/latin1.xml", WORK_DIR "/encrypted.pdf",
    };
    static const char *const outcomes[] = {"01", "01", "01", "01", "01", "01", "01", "01"};
    static const char *const valid[] = {CERT_2, SAMPLES "/LAB/valid/testcontainer_LAB.pdf"};
    static const char *const valid_outcomes[] = {"00", "00"};
    const char *args[16];
    size_t len = 0;
    uint8_t *cda = read_path(LDO_1, &len);
    uint8_t *data;
    size_t data_len = 0;
    uint64_t seed = 42;
    size_t i;

    (void)state;
    ensure_work_dir();
    data = with_doctype(&data_len, cda, len,
                        "<!DOCTYPE ClinicalDocument [<!ENTITY xxe SYSTEM "
                        "\"file:///etc/passwd\">]>\n",
                        "xxe");
    write_file(files[0], data, data_len);
    fse_free(data);
    write_file(files[1], cda, 0);
    data = fse_malloc(FSE_MAX_DOCUMENT_BYTES + 1);
    assert_non_null(data);
    for (i = 0; i < 8192; i++) {
        data[i] = (uint8_t)(rng_next(&seed) >> 56);
    }
    write_file(files[2], data, 8192);
    memset(data, 0, 4096);
    write_file(files[3], data, 4096);
    fse_free(data);
    data = read_path(official_pdfs[2], &data_len);
    write_file(files[4], data, find_bytes(data, data_len, "%%EOF") - 16);
    fse_free(data);
    data = fse_malloc(FSE_MAX_DOCUMENT_BYTES + 1);
    assert_non_null(data);
    memcpy(data, cda, len);
    memset(data + len, ' ', FSE_MAX_DOCUMENT_BYTES + 1 - len);
    write_file(files[5], data, FSE_MAX_DOCUMENT_BYTES + 1);
    fse_free(data);
    {
        size_t c4_len = 0;
        uint8_t *c4 = read_path(CERT_4, &c4_len);

        data = to_latin1(&data_len, c4, c4_len);
        write_file(files[6], data, data_len);
        fse_free(data);
        fse_free(c4);
    }
    if (access(files[7], R_OK) != 0) {
        size_t pdf_len = 0;
        uint8_t *pdf = read_path(official_pdfs[1], &pdf_len);

        data = pdf_rewrite(&data_len, pdf, pdf_len, NULL, NULL, "user-secret", true);
        write_file(files[7], data, data_len);
        fse_free(data);
        fse_free(pdf);
    }

    args[0] = "--json";
    for (i = 0; i < 8; i++) {
        args[i + 1] = files[i];
    }
    assert_int_equal(run_tool(args, 9, WORK_DIR "/out.jsonl"), 1);
    expect_json_lines(WORK_DIR "/out.jsonl", files, 8, outcomes);

    /* Text output: still exit 1. */
    assert_int_equal(run_tool(files, 2, WORK_DIR "/out.txt"), 1);

    /* All valid: 0. */
    args[1] = valid[0];
    args[2] = valid[1];
    assert_int_equal(run_tool(args, 3, WORK_DIR "/valid.jsonl"), 0);
    expect_json_lines(WORK_DIR "/valid.jsonl", valid, 2, valid_outcomes);

    /* A file that does not exist, alone or with others: 2. */
    args[1] = WORK_DIR "/does-not-exist.xml";
    assert_int_equal(run_tool(args, 2, WORK_DIR "/missing.jsonl"), 2);
    args[2] = files[0];
    assert_int_equal(run_tool(args, 3, WORK_DIR "/missing.jsonl"), 2);
    fse_free(cda);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        /* First, so that LeakSanitizer sees no leak from a failed test before it. */
        cmocka_unit_test(allocation_failures_are_clean),
        cmocka_unit_test(xxe_is_refused_and_never_read),
        cmocka_unit_test(billion_laughs_is_refused_quickly),
        cmocka_unit_test(parameter_entity_dtd_is_refused),
        cmocka_unit_test(any_doctype_is_refused),
        cmocka_unit_test(deep_nesting_is_refused),
        cmocka_unit_test(fifty_megabytes_are_refused_by_size_quickly),
        cmocka_unit_test(size_limit_is_exact),
        cmocka_unit_test(just_under_the_limit_not_cda),
        cmocka_unit_test(million_attributes_are_refused_by_size),
        cmocka_unit_test(bug_attribute_flood_within_the_size_limit),
        cmocka_unit_test(many_namespace_declarations_on_a_valid_cda),
        cmocka_unit_test(bug_namespace_flood_within_the_size_limit),
        cmocka_unit_test(huge_text_node_keeps_the_verdict),
        cmocka_unit_test(bug_huge_value_in_a_message_is_cut_not_dropped),
        cmocka_unit_test(truncated_pdfs_are_refused),
        cmocka_unit_test(encrypted_pdf),
        cmocka_unit_test(pdf_without_cda_is_refused),
        cmocka_unit_test(pdf_whose_cda_is_not_xml_is_refused),
        cmocka_unit_test(hostile_xfa_datasets_are_refused),
        cmocka_unit_test(xfa_namespaces_in_scope_keep_the_verdict),
        cmocka_unit_test(bug_xfa_namespace_flood),
        cmocka_unit_test(foreign_encodings),
        cmocka_unit_test(bug_xsd_tree_fallback_after_streaming),
        cmocka_unit_test(empty_and_nul_input),
        cmocka_unit_test(random_bytes_are_refused),
        cmocka_unit_test(tool_exit_codes_and_json),
    };

    return cmocka_run_group_tests_name("hostile", tests, group_setup, group_teardown);
}
