/*
 * tests/terminology/test_terminology_dump.c - the dump loader of
 * lib/terminology on small catalogs written to a scratch directory: records,
 * `deleted`, dates and escapes of well-formed dumps, then malformed ones
 * (truncated gzip, invalid JSON at a known offset, wrong types, missing
 * fields, oversized strings and documents, deep nesting, bad strings) and
 * allocation failures. Each must give a clear error naming the file, without
 * a crash or a leak (run under ASan). The real catalog is covered by
 * test_terminology.c.
 */
#include "test_terminology.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include <zlib.h>

#include "fse/error.h"
#include "fse/terminology.h"
#include "fse/util.h"
#include "terminology/terminology_int.h"

#define DUMP_DIR "/terminology/mongo-dump"
#define TERM_FILE DUMP_DIR "/terminology.json.gzip"
#define DICT_FILE DUMP_DIR "/dictionary.json.gzip"

/* A well-formed dictionary with one managed system "S" version "1". */
static const char dict_ok[] =
    "[{\"_id\": {\"$oid\": \"699d8aee5ffa28573091f5bb\"}, \"system\": \"S\", \"version\": \"1\", "
    "\"creation_date\": {\"$date\": \"2023-10-09T14:03:35.325Z\"}, \"release_date\": null, "
    "\"whitelist\": false, \"deleted\": false}]";

/* One terminology document of system "S" version "1" with the given code
 * text (a JSON value) and extra members appended. */
#define TERM_DOC(code, extra)                                                                      \
    "{\"_id\": {\"$oid\": \"652408385c50e71782dd4405\"}, \"system\": \"S\", \"version\": \"1\", "  \
    "\"code\": " code ", \"release_date\": null, \"deleted\": false" extra "}"

/* The scratch catalog of the current test. */
static char g_dir[64];

static void write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");

    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

/* gzip data[0, len) in memory; *out is malloc'd. */
static size_t gzip_bytes(unsigned char **out, const void *data, size_t len)
{
    z_stream zs;
    size_t cap = len + len / 100 + 64;
    unsigned char *buf = malloc(cap);

    assert_non_null(buf);
    memset(&zs, 0, sizeof(zs));
    assert_int_equal(deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
    zs.next_in = (unsigned char *)(uintptr_t)data;
    zs.avail_in = (uInt)len;
    zs.next_out = buf;
    zs.avail_out = (uInt)cap;
    assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
    cap = zs.total_out;
    deflateEnd(&zs);
    *out = buf;
    return cap;
}

static void write_gz(const char *file, const void *data, size_t len)
{
    char path[256];
    unsigned char *gz = NULL;
    size_t gz_len = gzip_bytes(&gz, data, len);

    snprintf(path, sizeof(path), "%s%s", g_dir, file);
    write_file(path, gz, gz_len);
    free(gz);
}

/* A scratch catalog holding the two dumps (NULL: the well-formed default). */
static void make_catalog(const char *dict, const char *term)
{
    char path[256];

    snprintf(g_dir, sizeof(g_dir), "/tmp/fse-term-XXXXXX");
    assert_non_null(mkdtemp(g_dir));
    snprintf(path, sizeof(path), "%s/terminology", g_dir);
    assert_int_equal(mkdir(path, 0700), 0);
    snprintf(path, sizeof(path), "%s%s", g_dir, DUMP_DIR);
    assert_int_equal(mkdir(path, 0700), 0);
    dict = dict != NULL ? dict : dict_ok;
    term = term != NULL ? term : "[" TERM_DOC("\"c1\"", "") "]";
    write_gz(DICT_FILE, dict, strlen(dict));
    write_gz(TERM_FILE, term, strlen(term));
}

static void remove_catalog(void)
{
    char path[256];

    snprintf(path, sizeof(path), "%s%s", g_dir, DICT_FILE);
    unlink(path);
    snprintf(path, sizeof(path), "%s%s", g_dir, TERM_FILE);
    unlink(path);
    snprintf(path, sizeof(path), "%s%s", g_dir, DUMP_DIR);
    rmdir(path);
    snprintf(path, sizeof(path), "%s/terminology", g_dir);
    rmdir(path);
    rmdir(g_dir);
}

static fse_terminology *load_ok(void)
{
    fse_terminology *t = NULL;
    fse_err rc = fse_terminology_load(&t, g_dir);

    if (rc != FSE_OK) {
        print_error("load failed: %s\n", fse_error_last()->message);
    }
    assert_int_equal(rc, FSE_OK);
    assert_non_null(t);
    return t;
}

/* Load must fail with code, naming file and containing each of the parts. */
static void expect_load_error(fse_err code, const char *file, ...)
{
    fse_terminology *t = (fse_terminology *)1;
    char path[256];
    const char *msg;
    const char *part;
    va_list ap;

    assert_int_equal(fse_terminology_load(&t, g_dir), code);
    assert_null(t);
    msg = fse_error_last()->message;
    snprintf(path, sizeof(path), "%s%s: ", g_dir, file);
    if (strncmp(msg, path, strlen(path)) != 0) {
        print_error("message does not start with the path: %s\n", msg);
        fail();
    }
    va_start(ap, file);
    for (part = va_arg(ap, const char *); part != NULL; part = va_arg(ap, const char *)) {
        if (strstr(msg, part) == NULL) {
            print_error("\"%s\" not in: %s\n", part, msg);
            va_end(ap);
            fail();
        }
    }
    va_end(ap);
}

/* Catalog with the default dictionary and this terminology dump; the load
 * must fail as expect_load_error says. */
#define TERM_FAILS(json, code, ...)                                                                \
    do {                                                                                           \
        make_catalog(NULL, json);                                                                  \
        expect_load_error(code, TERM_FILE, __VA_ARGS__, NULL);                                     \
        remove_catalog();                                                                          \
    } while (0)

#define DICT_FAILS(json, code, ...)                                                                \
    do {                                                                                           \
        make_catalog(json, NULL);                                                                  \
        expect_load_error(code, DICT_FILE, __VA_ARGS__, NULL);                                     \
        remove_catalog();                                                                          \
    } while (0)

static const term_dict_entry *dict_entry(const fse_terminology *t, const char *system,
                                         const char *version)
{
    size_t i;

    for (i = 0; i < t->n_dict; i++) {
        const term_dict_entry *e = &t->dict[i];

        if (strcmp(term_str(t, t->systems[e->system].name), system) == 0 &&
            (version == NULL
                 ? e->version == TERM_NONE
                 : e->version != TERM_NONE && strcmp(term_str(t, e->version), version) == 0)) {
            return e;
        }
    }
    return NULL;
}

static void records_dates_and_deleted(void **state)
{
    static const char dict[] =
        "[{\"system\": \"A\", \"version\": \"1\", \"deleted\": false, \"whitelist\": false, "
        "\"release_date\": {\"$date\": \"2022-04-04T00:00:00Z\"}, "
        "\"creation_date\": {\"$date\": \"2023-10-09T14:03:35.325Z\"}},\n"
        " {\"system\": \"A\", \"version\": \"2\", \"deleted\": false, "
        "\"release_date\": {\"$date\": {\"$numberLong\": \"1553040000000\"}}, "
        "\"creation_date\": {\"$date\": 1649030400000}},\n"
        " {\"system\": \"A\", \"version\": \"3\", \"deleted\": true, "
        "\"release_date\": {\"$date\": \"2030-01-01T00:00:00Z\"}},\n"
        " {\"system\": \"W\", \"version\": null, \"deleted\": false, \"whitelist\": true, "
        "\"release_date\": null, \"creation_date\": null},\n"
        " {\"system\": \"A\", \"version\": \"4\"},\n"
        " {\"version\": \"5\", \"deleted\": false}]";
    static const char term[] = "[" TERM_DOC("\"c1\"", "") ",\n" TERM_DOC(
        "\"a\\\"b\\u00e8\\ud834\\udd1e\\/\\n\"",
        ", \"description\": \"x\", \"extra\": [1, 2.5e3, {\"k\": [true, "
        "null]}]") ",\n"
                   " {\"system\": \"S\", \"code\": \"no-version\", "
                   "\"version\": null, \"deleted\": false},\n"
                   " {\"system\": \"S\", \"version\": \"1\", \"code\": "
                   "\"gone\", \"deleted\": true},\n"
                   " {\"system\": \"S\", \"version\": \"1\", \"code\": "
                   "\"no-deleted\"},\n"
                   " {\"system\": \"S\", \"version\": \"1\", \"code\": "
                   "\"deleted-null\", \"deleted\": null},\n"
                   " {\"system\": \"S\", \"version\": \"1\", \"deleted\": "
                   "false},\n"
                   " {\"version\": \"1\", \"code\": \"no-system\", "
                   "\"deleted\": false},\n"
                   " {\"system\": \"S\", \"version\": \"1\", \"code\": "
                   "\"first\", \"code\": \"last\", "
                   "\"deleted\": false},\n"
                   " {\"system\": \"S\", \"version\": \"1\", \"code\": 7, "
                   "\"deleted\": true}\n]\n";
    fse_terminology *t;
    const term_dict_entry *e;
    long s;

    (void)state;
    make_catalog(dict, term);
    t = load_ok();
    /* Deleted, `deleted` absent or not false, and system-less documents are
     * skipped; a skipped document's types are not checked. */
    assert_int_equal(fse_terminology_dictionary_count(t), 3);
    assert_int_equal(fse_terminology_count(t), 4);
    assert_true(fse_terminology_has_code(t, "S", "1", "c1"));
    /* yajl decodes the escapes, surrogate pairs included. */
    assert_true(fse_terminology_has_code(t, "S", "1", "a\"b\xc3\xa8\xf0\x9d\x84\x9e/\n"));
    assert_true(fse_terminology_has_code(t, "S", NULL, "no-version"));
    assert_false(fse_terminology_has_code(t, "S", "1", "no-version"));
    assert_true(fse_terminology_has_code(t, "S", "1", "last"));
    assert_false(fse_terminology_has_code(t, "S", "1", "first"));
    assert_false(fse_terminology_has_code(t, "S", "1", "gone"));
    assert_false(fse_terminology_has_code(t, "S", "1", "no-deleted"));
    assert_false(fse_terminology_has_code(t, "S", "1", "deleted-null"));
    assert_false(fse_terminology_has_code(t, "S", "1", "no-system"));
    /* Dates in milliseconds: ISO text, $numberLong, plain number, null. */
    e = dict_entry(t, "A", "1");
    assert_non_null(e);
    assert_true(e->has_release && e->has_creation);
    assert_true(e->release_ms == 1649030400000LL);
    assert_true(e->creation_ms == 1696860215325LL);
    e = dict_entry(t, "A", "2");
    assert_non_null(e);
    assert_true(e->release_ms == 1553040000000LL);
    assert_true(e->creation_ms == 1649030400000LL);
    assert_null(dict_entry(t, "A", "3"));
    e = dict_entry(t, "W", NULL);
    assert_non_null(e);
    assert_false(e->has_release || e->has_creation);
    /* Rule 5e: the newest release_date wins, the deleted 2030 one is out. */
    s = fse_terminology__find_system(t, "A");
    assert_true(s >= 0);
    assert_string_equal(term_str(t, t->systems[s].max_version), "1");
    s = fse_terminology__find_system(t, "W");
    assert_true(s >= 0 && t->systems[s].whitelist);
    fse_terminology_free(t);
    remove_catalog();
}

static void empty_arrays_and_whitespace(void **state)
{
    fse_terminology *t;

    (void)state;
    make_catalog(" \n[ ]\n", "\t[\n]  \n\n");
    t = load_ok();
    assert_int_equal(fse_terminology_count(t), 0);
    assert_int_equal(fse_terminology_dictionary_count(t), 0);
    assert_false(fse_terminology_has_code(t, "S", NULL, "c1"));
    fse_terminology_free(t);
    remove_catalog();
}

static void truncated_gzip_is_refused(void **state)
{
    char doc[] = "[" TERM_DOC("\"c1\"", "") "]";
    char path[256];
    unsigned char *gz = NULL;
    size_t gz_len;
    char *big;
    size_t n;
    size_t i;

    (void)state;
    /* Cut in the middle of the deflate data: 4000 documents, half the file. */
    big = malloc(4000 * sizeof(doc) + 2);
    assert_non_null(big);
    n = 0;
    big[n++] = '[';
    for (i = 0; i < 4000; i++) {
        memcpy(big + n, doc + 1, sizeof(doc) - 3);
        n += sizeof(doc) - 3;
        big[n++] = i + 1 < 4000 ? ',' : ']';
    }
    gz_len = gzip_bytes(&gz, big, n);
    free(big);
    make_catalog(NULL, NULL);
    snprintf(path, sizeof(path), "%s%s", g_dir, TERM_FILE);
    write_file(path, gz, gz_len / 2);
    expect_load_error(FSE_E_PARSE, TERM_FILE, "cannot decompress after byte ",
                      "unexpected end of file", NULL);
    /* Only the 8-byte trailer (CRC, length) missing: the JSON is whole, the
     * gzip stream is not. */
    write_file(path, gz, gz_len - 8);
    expect_load_error(FSE_E_PARSE, TERM_FILE, "cannot decompress after byte ",
                      "unexpected end of file", NULL);
    /* A wrong CRC. */
    gz[gz_len - 8] ^= 0xFF;
    write_file(path, gz, gz_len);
    expect_load_error(FSE_E_PARSE, TERM_FILE, "cannot decompress", "incorrect data check", NULL);
    /* An empty file is no JSON at all. */
    write_file(path, "", 0);
    expect_load_error(FSE_E_PARSE, TERM_FILE, "truncated JSON after byte 0", NULL);
    free(gz);
    remove_catalog();
}

static void invalid_json_reports_the_offset(void **state)
{
    static const char first[] = "[" TERM_DOC("\"c1\"", "") ",\n {\"system\": ";
    char json[512];
    char want[64];

    (void)state;
    /* The stray `x` is byte sizeof(first) - 1 (0-based); yajl reports the
     * bytes consumed, the bad one included. */
    snprintf(json, sizeof(json), "%sx}]", first);
    snprintf(want, sizeof(want), "malformed JSON near byte %zu: ", sizeof(first));
    TERM_FAILS(json, FSE_E_PARSE, want, "invalid char");
    /* A missing ':' in the dictionary: yajl stops after the token found in
     * its place (`[{"system" "S"` is 14 bytes). */
    DICT_FAILS("[{\"system\" \"S\"}]", FSE_E_PARSE, "malformed JSON near byte 14: ");
    TERM_FAILS("[" TERM_DOC("\"c1\"", "") ",]", FSE_E_PARSE, "malformed JSON near byte ");
    TERM_FAILS("[" TERM_DOC("\"c1\"", ", \"n\": 1-2") "]", FSE_E_PARSE,
               "malformed JSON near byte ");
    TERM_FAILS("[" TERM_DOC("\"c1\"", ", \"t\": tru") "]", FSE_E_PARSE,
               "malformed JSON near byte ");
    TERM_FAILS("[" TERM_DOC("\"c1\"", "") "", FSE_E_PARSE, "truncated JSON after byte ");
    TERM_FAILS("[" TERM_DOC("\"c1\"", "") "] x", FSE_E_PARSE, "data after the JSON array");
    TERM_FAILS("[" TERM_DOC("\"c1\"", "") "][]", FSE_E_PARSE, "data after the JSON array");
    TERM_FAILS("{\"system\": \"S\"}", FSE_E_PARSE,
               "malformed JSON near byte 1: the dump is not a JSON array");
    TERM_FAILS("\"S\"", FSE_E_PARSE, "the dump is not a JSON array");
    TERM_FAILS("[" TERM_DOC("\"c1\"", "") ", 1]", FSE_E_PARSE, "array element is not an object");
    TERM_FAILS("[[" TERM_DOC("\"c1\"", "") "]]", FSE_E_PARSE, "array element is not an object");
    TERM_FAILS("[" TERM_DOC("\"c1\"", "") "] /* c */", FSE_E_PARSE, "data after the JSON array");
}

static void wrong_types_are_refused(void **state)
{
    (void)state;
    TERM_FAILS("[" TERM_DOC("\"c1\"", "") ",\n" TERM_DOC("12", "") "]", FSE_E_PARSE,
               "document 2 (near byte ", "`code` is not a string");
    TERM_FAILS("[" TERM_DOC("{\"a\": \"b\"}", "") "]", FSE_E_PARSE,
               "document 1 (near byte 1): `code` is not a string");
    TERM_FAILS("[" TERM_DOC("[\"c1\"]", "") "]", FSE_E_PARSE, "`code` is not a string");
    TERM_FAILS("[{\"system\": 1, \"code\": \"c\", \"deleted\": false}]", FSE_E_PARSE,
               "`system` is not a string");
    TERM_FAILS("[{\"system\": \"S\", \"version\": true, \"code\": \"c\", \"deleted\": false}]",
               FSE_E_PARSE, "`version` is not a string");
    DICT_FAILS("[{\"system\": \"S\", \"release_date\": \"2022-04-04\", \"deleted\": false}]",
               FSE_E_PARSE, "`release_date` is not a date");
    DICT_FAILS("[{\"system\": \"S\", \"creation_date\": {\"a\": 1}, \"deleted\": false}]",
               FSE_E_PARSE, "`creation_date` is not a date");
    DICT_FAILS("[{\"system\": \"S\", \"release_date\": {\"$date\": \"yesterday\"}}]", FSE_E_PARSE,
               "malformed JSON near byte ", "invalid $date text");
    DICT_FAILS("[{\"system\": \"S\", \"release_date\": {\"$date\": true}}]", FSE_E_PARSE,
               "invalid $date value");
    DICT_FAILS("[{\"system\": \"S\", \"release_date\": {\"$date\": {\"x\": \"1\"}}}]", FSE_E_PARSE,
               "invalid $date value");
    DICT_FAILS("[{\"system\": \"S\", \"release_date\": {\"$date\": 1.5}}]", FSE_E_PARSE,
               "invalid $date number");
    DICT_FAILS("[{\"system\": \"S\", \"release_date\": {\"$date\": {\"$numberLong\": 5}}}]",
               FSE_E_PARSE, "invalid $numberLong");
}

static void missing_fields_skip_the_document(void **state)
{
    fse_terminology *t;

    (void)state;
    /* No code, no system, no `deleted`: the validator's queries never see
     * such documents, so neither does the index. */
    make_catalog("[{\"version\": \"1\", \"deleted\": false}, {\"system\": \"S\"}, {}]",
                 "[{}, {\"system\": \"S\", \"deleted\": false}, {\"code\": \"c\", "
                 "\"deleted\": false}, {\"system\": \"S\", \"code\": \"c\"}]");
    t = load_ok();
    assert_int_equal(fse_terminology_count(t), 0);
    assert_int_equal(fse_terminology_dictionary_count(t), 0);
    fse_terminology_free(t);
    remove_catalog();
}

/* A terminology dump of one document with `before`, n bytes of `fill`, then
 * `after` inside it. Caller frees. */
static char *doc_with_fill(const char *before, char fill, size_t n, const char *after)
{
    size_t lb = strlen(before);
    size_t la = strlen(after);
    char *s = malloc(lb + n + la + 1);

    assert_non_null(s);
    memcpy(s, before, lb);
    memset(s + lb, fill, n);
    memcpy(s + lb + n, after, la + 1);
    return s;
}

static void oversized_documents_are_refused(void **state)
{
    const size_t max = FSE_TERMINOLOGY_MAX_DOC_BYTES;
    fse_terminology *t;
    char *json;

    (void)state;
    /* A 2 MiB description: the document is over the limit. */
    json = doc_with_fill("[" TERM_DOC("\"c1\"", ", \"description\": \""), 'a', 2 * max, "\"}]");
    TERM_FAILS(json, FSE_E_LIMIT, "a document is larger than 1048576 bytes (near byte 1)");
    free(json);
    /* A code string of exactly the limit. */
    json = doc_with_fill("[{\"system\": \"S\", \"deleted\": false, \"code\": \"", 'c', max, "\"}]");
    TERM_FAILS(json, FSE_E_LIMIT, "a document is larger than 1048576 bytes");
    free(json);
    /* A huge string where the array should be: refused before it ends. */
    json = doc_with_fill("\"", 'a', 8 * max, "\"");
    TERM_FAILS(json, FSE_E_LIMIT, "a document is larger than 1048576 bytes (near byte 0)");
    free(json);
    /* A megabyte of blanks between two documents. */
    json = doc_with_fill("[" TERM_DOC("\"c1\"", "") ",", ' ', 2 * max, TERM_DOC("\"c2\"", "") "]");
    TERM_FAILS(json, FSE_E_LIMIT, "a document is larger than 1048576 bytes");
    free(json);
    /* Just under the limit loads. */
    json = doc_with_fill("[{\"system\": \"S\", \"deleted\": false, \"code\": \"", 'c', max - 64,
                         "\"}]");
    make_catalog(NULL, json);
    t = load_ok();
    assert_int_equal(fse_terminology_count(t), 1);
    fse_terminology_free(t);
    remove_catalog();
    free(json);
}

/* A document whose last member "x" gets the nested value. */
#define DEEP_HEAD "[{\"system\": \"S\", \"code\": \"c1\", \"deleted\": false, \"x\": "

static void deep_nesting_is_refused(void **state)
{
    char *open;
    char *json;
    size_t n;
    fse_terminology *t;

    (void)state;
    /* A field value with TERM_JSON_MAX_DEPTH levels inside it is accepted. */
    n = TERM_JSON_MAX_DEPTH + 1;
    open = doc_with_fill(DEEP_HEAD, '[', n, "");
    json = doc_with_fill(open, ']', n, "}]");
    make_catalog(NULL, json);
    t = load_ok();
    assert_int_equal(fse_terminology_count(t), 1);
    fse_terminology_free(t);
    remove_catalog();
    free(json);
    free(open);
    /* One more is refused, arrays or objects, in either dump. */
    n = TERM_JSON_MAX_DEPTH + 2;
    open = doc_with_fill(DEEP_HEAD, '[', n, "");
    json = doc_with_fill(open, ']', n, "}]");
    TERM_FAILS(json, FSE_E_PARSE, "malformed JSON near byte ", "nesting too deep");
    free(json);
    free(open);
    DICT_FAILS(
        "[{\"release_date\": {\"$date\": {\"$date\": {\"a\": {\"b\": {\"c\": {\"d\": {\"e\": "
        "{\"f\": {\"g\": {\"h\": {\"i\": {\"j\": {\"k\": {\"l\": {\"m\": {\"n\": {\"o\": "
        "{\"p\": {\"q\": {\"r\": {\"s\": {\"t\": {\"u\": {\"v\": {\"w\": {\"x\": {\"y\": "
        "{\"z\": {\"0\": {\"1\": {\"2\": {\"3\": {\"4\": {}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}]",
        FSE_E_PARSE, "nesting too deep");
    /* Half a million levels: stopped at the limit, no deep recursion. */
    json = doc_with_fill(DEEP_HEAD, '[', 500000, "");
    TERM_FAILS(json, FSE_E_PARSE, "nesting too deep");
    free(json);
}

static void bad_strings_are_refused(void **state)
{
    (void)state;
    /* Raw bytes that are not UTF-8. */
    TERM_FAILS("[" TERM_DOC("\"a\xff\"", "") "]", FSE_E_PARSE, "malformed JSON near byte ", "UTF8");
    TERM_FAILS("[" TERM_DOC("\"c\"", ", \"description\": \"\xc3\x28\"") "]", FSE_E_PARSE, "UTF8");
    /* A control character inside a string. */
    TERM_FAILS("[" TERM_DOC("\"a\tb\"", "") "]", FSE_E_PARSE, "malformed JSON near byte ");
    /* Bad escapes. */
    TERM_FAILS("[" TERM_DOC("\"a\\qb\"", "") "]", FSE_E_PARSE, "malformed JSON near byte ");
    TERM_FAILS("[" TERM_DOC("\"a\\u12G4\"", "") "]", FSE_E_PARSE, "malformed JSON near byte ");
    /* NUL in a string the index keeps. */
    TERM_FAILS("[" TERM_DOC("\"a\\u0000b\"", "") "]", FSE_E_PARSE, "malformed JSON near byte ",
               "NUL character in a string");
    DICT_FAILS("[{\"system\": \"S\\u0000\", \"deleted\": false}]", FSE_E_PARSE,
               "NUL character in a string");
}

static void allocation_failures_are_clean(void **state)
{
    static const char term[] = "[" TERM_DOC("\"c1\"", "") ", " TERM_DOC("\"c2\"", "") ", " TERM_DOC(
        "\"c3\"", ", \"description\": \"a\\\"b\"") "]";
    fse_terminology *t = NULL;
    unsigned long n;
    fse_err rc = FSE_E_NOMEM;

    (void)state;
    make_catalog(NULL, term);
    for (n = 1; n < 1000 && rc != FSE_OK; n++) {
        t = (fse_terminology *)1;
        fse_alloc_fail_at(n);
        rc = fse_terminology_load(&t, g_dir);
        fse_alloc_fail_at(0);
        if (rc != FSE_OK) {
            assert_int_equal(rc, FSE_E_NOMEM);
            assert_null(t);
        }
    }
    assert_int_equal(rc, FSE_OK);
    assert_true(n > 3);
    assert_int_equal(fse_terminology_count(t), 3);
    fse_terminology_free(t);
    remove_catalog();
}

int fse_test_terminology_dump(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(records_dates_and_deleted),
        cmocka_unit_test(empty_arrays_and_whitespace),
        cmocka_unit_test(truncated_gzip_is_refused),
        cmocka_unit_test(invalid_json_reports_the_offset),
        cmocka_unit_test(wrong_types_are_refused),
        cmocka_unit_test(missing_fields_skip_the_document),
        cmocka_unit_test(oversized_documents_are_refused),
        cmocka_unit_test(deep_nesting_is_refused),
        cmocka_unit_test(bad_strings_are_refused),
        cmocka_unit_test(allocation_failures_are_clean),
    };

    return cmocka_run_group_tests_name("terminology dumps", tests, NULL, NULL);
}
