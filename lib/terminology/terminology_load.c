/*
 * lib/terminology/terminology_load.c - loading the catalog's Mongo dumps.
 *
 * Owns fse_terminology_load: the dump paths under the catalog root, the size
 * check, streaming decompression (zlib gzread, one chunk at a time), feeding
 * each chunk to yajl's event parser, and the callbacks that fill one document
 * record at a time from the events (a state machine on the nesting depth and
 * the pending key), then hand it to the tables. No tree is built: memory is
 * one chunk, yajl's buffer for a token split across chunks, and the strings
 * of the current document, all bounded by FSE_TERMINOLOGY_MAX_DOC_BYTES.
 * Owns the meaning of each document's fields (system, version, code,
 * deleted, whitelist, release_date, creation_date). Documents whose
 * `deleted` is not false are skipped, like the validator's `deleted:false`
 * queries. JSON syntax, string escapes and UTF-8 checks are yajl's. Does not
 * own the tables (terminology_index.c) nor date text (terminology_date.c).
 */
#include "terminology_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <yajl/yajl_parse.h>
#include <zlib.h>

#include "fse/limits.h"

#define DUMP_SUBDIR "terminology/mongo-dump/"

/* Decompressed bytes handed to yajl per call. At least twice the gzip input
 * buffer, so zlib inflates straight into it. */
#define READ_CHUNK (256u * 1024u)
#define GZ_INPUT_BUFFER (128u * 1024u)

/* Containers open at once: the outer array, the document, a field's value
 * and up to TERM_JSON_MAX_DEPTH levels inside it. */
#define MAX_LEVELS (TERM_JSON_MAX_DEPTH + 3)

typedef enum dump_kind { DUMP_DICTIONARY, DUMP_TERMINOLOGY } dump_kind;

/* A top-level field of a document, from its key. */
typedef enum field_id {
    FIELD_OTHER,
    FIELD_SYSTEM,
    FIELD_VERSION,
    FIELD_CODE,
    FIELD_RELEASE,
    FIELD_CREATION,
    FIELD_DELETED,
    FIELD_WHITELIST
} field_id;

/* A key inside a Mongo date object. */
enum { DATE_KEY_OTHER, DATE_KEY_DATE, DATE_KEY_NUMBER_LONG };

/* The JSON value an event starts. */
typedef enum value_event {
    EV_NULL,
    EV_FALSE,
    EV_TRUE,
    EV_NUMBER,
    EV_STRING,
    EV_MAP,
    EV_ARRAY
} value_event;

/* What a string or date field held; absent counts as null. */
typedef enum value_kind { VALUE_NULL = 0, VALUE_STRING, VALUE_DATE, VALUE_OTHER } value_kind;

typedef struct doc_value {
    value_kind kind;
    size_t off; /* STRING: bytes [off, off + len) of the reader's scratch */
    size_t len;
    int64_t ms; /* DATE */
} doc_value;

/* The fields of one document the module cares about. */
typedef struct term_doc {
    doc_value system;
    doc_value version;
    doc_value code;
    doc_value release;
    doc_value creation;
    bool deleted_false; /* `deleted` present and exactly false */
    bool whitelist;
} term_doc;

/* One open object or array. */
typedef struct level {
    bool date;     /* an object read as a Mongo date: {"$date": ...} */
    bool has_date; /* date: a $date or $numberLong member was read */
    uint8_t key;   /* pending key: field_id in a document, DATE_KEY_* in a date */
    int64_t ms;
} level;

/* One dump being read; the context of every yajl callback. */
typedef struct dump_reader {
    const char *path;
    dump_kind kind;
    fse_terminology *t;
    yajl_handle h;
    gzFile gz;
    size_t base; /* decompressed bytes given to yajl before the current chunk */
    size_t mark; /* byte where the current document, or the gap before the next, began */
    size_t n_docs;
    unsigned depth;     /* containers open */
    bool started;       /* the outer '[' was read */
    bool closed;        /* the outer ']' was read */
    bool open_date;     /* the object being opened is a Mongo date */
    fse_err rc;         /* a callback stopped the parse and set this error */
    const char *reason; /* or found malformed data: static text */
    term_doc doc;
    fse_buf scratch; /* strings of the current document */
    level levels[MAX_LEVELS + 1];
} dump_reader;

/* Byte offset, in the decompressed dump, just after the current token. */
static size_t offset_now(const dump_reader *r)
{
    return r->base + yajl_get_bytes_consumed(r->h);
}

/* Stop the parse on malformed data: the loader adds the path and offset. */
static int bad(dump_reader *r, const char *reason)
{
    r->reason = reason;
    return 0;
}

/* Stop the parse with an error already set. */
static int fail(dump_reader *r, fse_err rc)
{
    r->rc = rc;
    return 0;
}

static fse_err too_large(const dump_reader *r)
{
    return fse_error_set(FSE_E_LIMIT, TERM_MODULE,
                         "%s: a document is larger than %u bytes (near byte %zu)", r->path,
                         FSE_TERMINOLOGY_MAX_DOC_BYTES, r->mark);
}

static field_id field_of(const unsigned char *key, size_t len)
{
    switch (len) {
    case 4:
        return memcmp(key, "code", 4) == 0 ? FIELD_CODE : FIELD_OTHER;
    case 6:
        return memcmp(key, "system", 6) == 0 ? FIELD_SYSTEM : FIELD_OTHER;
    case 7:
        if (memcmp(key, "version", 7) == 0) {
            return FIELD_VERSION;
        }
        return memcmp(key, "deleted", 7) == 0 ? FIELD_DELETED : FIELD_OTHER;
    case 9:
        return memcmp(key, "whitelist", 9) == 0 ? FIELD_WHITELIST : FIELD_OTHER;
    case 12:
        return memcmp(key, "release_date", 12) == 0 ? FIELD_RELEASE : FIELD_OTHER;
    case 13:
        return memcmp(key, "creation_date", 13) == 0 ? FIELD_CREATION : FIELD_OTHER;
    default:
        return FIELD_OTHER;
    }
}

/* system, version, code: keep a string (yajl has decoded its escapes). */
static int text_value(dump_reader *r, doc_value *v, value_event ev, const char *s, size_t len)
{
    if (ev == EV_NULL) {
        v->kind = VALUE_NULL;
        return 1;
    }
    if (ev != EV_STRING) {
        v->kind = VALUE_OTHER;
        return 1;
    }
    if (memchr(s, '\0', len) != NULL) {
        return bad(r, "NUL character in a string");
    }
    if (len > FSE_TERMINOLOGY_MAX_DOC_BYTES - r->scratch.len) {
        return fail(r, too_large(r));
    }
    v->kind = VALUE_STRING;
    v->off = r->scratch.len;
    v->len = len;
    if (fse_buf_append(&r->scratch, s, len) != FSE_OK) {
        return fail(r, fse_error_set(FSE_E_NOMEM, TERM_MODULE, "%s: document strings", r->path));
    }
    return 1;
}

/* release_date, creation_date: null, or an object read as a Mongo date. */
static int date_field_value(dump_reader *r, doc_value *v, value_event ev)
{
    v->kind = ev == EV_NULL ? VALUE_NULL : VALUE_OTHER;
    if (ev == EV_MAP) {
        r->open_date = true; /* becomes VALUE_DATE when it closes with a date */
    }
    return 1;
}

/* A value directly inside a document: the value of the pending key. */
static int field_value(dump_reader *r, value_event ev, const char *s, size_t len)
{
    term_doc *doc = &r->doc;

    switch ((field_id)r->levels[2].key) {
    case FIELD_SYSTEM:
        return text_value(r, &doc->system, ev, s, len);
    case FIELD_VERSION:
        return text_value(r, &doc->version, ev, s, len);
    case FIELD_CODE:
        return text_value(r, &doc->code, ev, s, len);
    case FIELD_RELEASE:
        return date_field_value(r, &doc->release, ev);
    case FIELD_CREATION:
        return date_field_value(r, &doc->creation, ev);
    case FIELD_DELETED:
        doc->deleted_false = ev == EV_FALSE;
        return 1;
    case FIELD_WHITELIST:
        doc->whitelist = ev == EV_TRUE;
        return 1;
    case FIELD_OTHER:
        break;
    }
    return 1;
}

/* A member of a Mongo date object: "$date" (ISO text, milliseconds, or a
 * nested date object) or "$numberLong" (milliseconds as text). */
static int date_member(dump_reader *r, level *date, value_event ev, const char *s, size_t len)
{
    if (date->key == DATE_KEY_NUMBER_LONG) {
        if (ev != EV_STRING || !fse_terminology__parse_ms(s, len, &date->ms)) {
            return bad(r, "invalid $numberLong");
        }
        date->has_date = true;
        return 1;
    }
    if (date->key != DATE_KEY_DATE) {
        return 1;
    }
    switch (ev) {
    case EV_STRING:
        if (!fse_terminology__parse_iso_date(s, len, &date->ms)) {
            return bad(r, "invalid $date text");
        }
        break;
    case EV_NUMBER:
        if (!fse_terminology__parse_ms(s, len, &date->ms)) {
            return bad(r, "invalid $date number");
        }
        break;
    case EV_MAP:
        r->open_date = true; /* its date is copied here when it closes */
        return 1;
    default:
        return bad(r, "invalid $date value");
    }
    date->has_date = true;
    return 1;
}

/* Any value, or the opening of a container, at the current depth. */
static int on_value(dump_reader *r, value_event ev, const char *s, size_t len)
{
    level *parent;

    switch (r->depth) {
    case 0:
        if (ev != EV_ARRAY) {
            return bad(r, "the dump is not a JSON array");
        }
        r->started = true;
        r->mark = offset_now(r);
        return 1;
    case 1:
        if (ev != EV_MAP) {
            return bad(r, "array element is not an object");
        }
        memset(&r->doc, 0, sizeof(r->doc));
        fse_buf_reset(&r->scratch);
        r->mark = offset_now(r) - 1; /* the '{' */
        return 1;
    case 2:
        return field_value(r, ev, s, len);
    default:
        parent = &r->levels[r->depth];
        return parent->date ? date_member(r, parent, ev, s, len) : 1;
    }
}

/* A string-or-null field: *s is NULL for null/absent. */
static fse_err text_field(const dump_reader *r, const doc_value *v, const char *name,
                          const char **s, size_t *len)
{
    *s = NULL;
    *len = 0;
    if (v->kind == VALUE_NULL) {
        return FSE_OK;
    }
    if (v->kind != VALUE_STRING) {
        return fse_error_set(FSE_E_PARSE, TERM_MODULE,
                             "%s: document %zu (near byte %zu): `%s` is not a string", r->path,
                             r->n_docs, r->mark, name);
    }
    *s = r->scratch.data + v->off;
    *len = v->len;
    return FSE_OK;
}

static fse_err date_field(const dump_reader *r, const doc_value *v, const char *name,
                          const int64_t **ms)
{
    *ms = NULL;
    if (v->kind == VALUE_NULL) {
        return FSE_OK;
    }
    if (v->kind != VALUE_DATE) {
        return fse_error_set(FSE_E_PARSE, TERM_MODULE,
                             "%s: document %zu (near byte %zu): `%s` is not a date", r->path,
                             r->n_docs, r->mark, name);
    }
    *ms = &v->ms;
    return FSE_OK;
}

/* Add the document just read to the tables. */
static fse_err commit_doc(dump_reader *r)
{
    const term_doc *doc = &r->doc;
    const char *system = NULL;
    const char *version = NULL;
    const char *code = NULL;
    size_t system_len = 0;
    size_t version_len = 0;
    size_t code_len = 0;
    const int64_t *release = NULL;
    const int64_t *creation = NULL;
    fse_err rc;

    if (!doc->deleted_false) {
        return FSE_OK;
    }
    rc = text_field(r, &doc->system, "system", &system, &system_len);
    if (rc == FSE_OK) {
        rc = text_field(r, &doc->version, "version", &version, &version_len);
    }
    if (rc != FSE_OK || system == NULL) {
        /* A document without a system can match no query. */
        return rc;
    }
    if (r->kind == DUMP_TERMINOLOGY) {
        rc = text_field(r, &doc->code, "code", &code, &code_len);
        if (rc != FSE_OK || code == NULL) {
            return rc;
        }
        return fse_terminology__add_code(r->t, system, system_len, version, version_len, code,
                                         code_len);
    }
    rc = date_field(r, &doc->release, "release_date", &release);
    if (rc == FSE_OK) {
        rc = date_field(r, &doc->creation, "creation_date", &creation);
    }
    if (rc != FSE_OK) {
        return rc;
    }
    return fse_terminology__add_dict(r->t, system, system_len, version, version_len, doc->whitelist,
                                     release, creation);
}

/* Open a container; r->open_date says whether it is a Mongo date. */
static int push(dump_reader *r)
{
    level *lv;

    if (r->depth >= MAX_LEVELS) {
        return bad(r, "nesting too deep");
    }
    r->depth++;
    lv = &r->levels[r->depth];
    lv->date = r->open_date;
    lv->has_date = false;
    lv->key = 0;
    lv->ms = 0;
    return 1;
}

/* --- yajl callbacks: ctx is the dump_reader --- */

static int on_null(void *ctx)
{
    return on_value(ctx, EV_NULL, NULL, 0);
}

static int on_boolean(void *ctx, int value)
{
    return on_value(ctx, value ? EV_TRUE : EV_FALSE, NULL, 0);
}

static int on_number(void *ctx, const char *s, size_t len)
{
    return on_value(ctx, EV_NUMBER, s, len);
}

static int on_string(void *ctx, const unsigned char *s, size_t len)
{
    return on_value(ctx, EV_STRING, (const char *)s, len);
}

static int on_start_map(void *ctx)
{
    dump_reader *r = ctx;

    r->open_date = false;
    if (!on_value(r, EV_MAP, NULL, 0)) {
        return 0;
    }
    return push(r);
}

static int on_map_key(void *ctx, const unsigned char *key, size_t len)
{
    dump_reader *r = ctx;
    level *lv = &r->levels[r->depth];

    if (r->depth == 2) {
        lv->key = (uint8_t)field_of(key, len);
    } else if (lv->date) {
        if (len == 5 && memcmp(key, "$date", 5) == 0) {
            lv->key = DATE_KEY_DATE;
        } else if (len == 11 && memcmp(key, "$numberLong", 11) == 0) {
            lv->key = DATE_KEY_NUMBER_LONG;
        } else {
            lv->key = DATE_KEY_OTHER;
        }
    }
    return 1;
}

static int on_end_map(void *ctx)
{
    dump_reader *r = ctx;
    const level *lv = &r->levels[r->depth];
    size_t end;
    fse_err rc;

    r->depth--;
    if (r->depth == 1) {
        /* The end of a document. */
        end = offset_now(r);
        r->n_docs++;
        if (end - r->mark > FSE_TERMINOLOGY_MAX_DOC_BYTES) {
            return fail(r, too_large(r));
        }
        rc = commit_doc(r);
        r->mark = end;
        return rc == FSE_OK ? 1 : fail(r, rc);
    }
    if (!lv->date) {
        return 1;
    }
    if (r->depth == 2) {
        doc_value *v = r->levels[2].key == FIELD_RELEASE ? &r->doc.release : &r->doc.creation;

        if (lv->has_date) {
            v->kind = VALUE_DATE;
            v->ms = lv->ms;
        }
        return 1;
    }
    /* The value of "$date" in the enclosing date object. */
    if (!lv->has_date) {
        return bad(r, "invalid $date value");
    }
    r->levels[r->depth].has_date = true;
    r->levels[r->depth].ms = lv->ms;
    return 1;
}

static int on_start_array(void *ctx)
{
    dump_reader *r = ctx;

    r->open_date = false;
    if (!on_value(r, EV_ARRAY, NULL, 0)) {
        return 0;
    }
    return push(r);
}

static int on_end_array(void *ctx)
{
    dump_reader *r = ctx;

    r->depth--;
    if (r->depth == 0) {
        r->closed = true;
    }
    return 1;
}

static const yajl_callbacks callbacks = {
    .yajl_null = on_null,
    .yajl_boolean = on_boolean,
    .yajl_number = on_number,
    .yajl_string = on_string,
    .yajl_start_map = on_start_map,
    .yajl_map_key = on_map_key,
    .yajl_end_map = on_end_map,
    .yajl_start_array = on_start_array,
    .yajl_end_array = on_end_array,
};

/* Translate a failed yajl_parse / yajl_complete_parse into an fse_err. */
static fse_err parse_error(dump_reader *r, yajl_status st)
{
    size_t at = offset_now(r);
    unsigned char *text;
    size_t len;
    fse_err rc;

    if (st == yajl_status_client_canceled) {
        if (r->rc != FSE_OK) {
            return r->rc;
        }
        return fse_error_set(FSE_E_PARSE, TERM_MODULE, "%s: malformed JSON near byte %zu: %s",
                             r->path, at, r->reason);
    }
    if (r->closed) {
        return fse_error_set(FSE_E_PARSE, TERM_MODULE, "%s: data after the JSON array (byte %zu)",
                             r->path, at);
    }
    text = yajl_get_error(r->h, 0, NULL, 0);
    if (text == NULL) {
        return fse_error_set(FSE_E_PARSE, TERM_MODULE, "%s: malformed JSON near byte %zu", r->path,
                             at);
    }
    len = strlen((const char *)text);
    while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == ' ')) {
        len--;
    }
    rc = fse_error_set(FSE_E_PARSE, TERM_MODULE, "%s: malformed JSON near byte %zu: %.*s", r->path,
                       at, (int)len, (const char *)text);
    yajl_free_error(r->h, text);
    return rc;
}

/* zlib's message for the last gzread failure, without its "<fd:N>: " prefix;
 * NULL when there was none. */
static const char *gz_failure(gzFile gz, int *errnum)
{
    const char *msg = gzerror(gz, errnum);
    const char *sep;

    if (*errnum == Z_OK) {
        return NULL;
    }
    if (*errnum == Z_ERRNO) {
        return strerror(errno);
    }
    sep = strstr(msg, ">: ");
    return msg[0] == '<' && sep != NULL ? sep + 3 : msg;
}

/* Decompress the dump chunk by chunk and feed yajl until the end. */
static fse_err read_documents(dump_reader *r, unsigned char *chunk)
{
    yajl_status st;
    const char *msg;
    int errnum = 0;
    int n;

    for (;;) {
        /* Bounds what yajl may hold of a token split across chunks. */
        if (!r->closed && r->base - r->mark > FSE_TERMINOLOGY_MAX_DOC_BYTES) {
            return too_large(r);
        }
        n = gzread(r->gz, chunk, READ_CHUNK);
        /* A gzip stream cut short ends with n == 0 and Z_BUF_ERROR. */
        msg = n <= 0 ? gz_failure(r->gz, &errnum) : NULL;
        if (msg != NULL) {
            return fse_error_set(errnum == Z_ERRNO ? FSE_E_IO : FSE_E_PARSE, TERM_MODULE,
                                 "%s: cannot decompress after byte %zu: %s", r->path, r->base, msg);
        }
        if (n <= 0) {
            break;
        }
        st = yajl_parse(r->h, chunk, (size_t)n);
        if (st != yajl_status_ok) {
            return parse_error(r, st);
        }
        r->base += (size_t)n;
    }
    if (!r->closed) {
        return fse_error_set(FSE_E_PARSE, TERM_MODULE, "%s: truncated JSON after byte %zu", r->path,
                             r->base);
    }
    st = yajl_complete_parse(r->h);
    return st == yajl_status_ok ? FSE_OK : parse_error(r, st);
}

/* Open, check and stream one dump. */
static fse_err load_dump(fse_terminology *t, const char *catalog_dir, const char *file,
                         dump_kind kind, unsigned char *chunk)
{
    char path[4096];
    dump_reader *r;
    struct stat sb;
    int fd = -1;
    int n;
    fse_err rc = FSE_OK;

    n = snprintf(path, sizeof(path), "%s/%s%s", catalog_dir, DUMP_SUBDIR, file);
    if (n < 0 || (size_t)n >= sizeof(path)) {
        return fse_error_set(FSE_E_ARG, TERM_MODULE, "catalog path too long");
    }
    r = fse_calloc(1, sizeof(*r));
    if (r == NULL) {
        return fse_error_set(FSE_E_NOMEM, TERM_MODULE, "reader for %s", path);
    }
    r->path = path;
    r->kind = kind;
    r->t = t;
    fse_buf_init(&r->scratch, FSE_TERMINOLOGY_MAX_DOC_BYTES);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        rc = fse_error_set(FSE_E_IO, TERM_MODULE, "cannot open %s: %s", path, strerror(errno));
        goto done;
    }
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        rc = fse_error_set(FSE_E_IO, TERM_MODULE, "%s is not a regular file", path);
        goto done;
    }
    if ((unsigned long long)sb.st_size > FSE_MAX_TERMINOLOGY_BYTES) {
        rc = fse_error_set(FSE_E_LIMIT, TERM_MODULE, "%s is %lld bytes, over the limit of %u", path,
                           (long long)sb.st_size, FSE_MAX_TERMINOLOGY_BYTES);
        goto done;
    }
    r->gz = gzdopen(fd, "rb");
    if (r->gz == NULL) {
        rc = fse_error_set(FSE_E_NOMEM, TERM_MODULE, "cannot start decompressing %s", path);
        goto done;
    }
    fd = -1; /* owned by r->gz now */
    gzbuffer(r->gz, GZ_INPUT_BUFFER);
    /* yajl keeps the C allocator: it does not check its own allocations, so
     * the test hook's injected failures must not reach it. Strings are
     * UTF-8 checked (yajl's default). */
    r->h = yajl_alloc(&callbacks, NULL, r);
    if (r->h == NULL) {
        rc = fse_error_set(FSE_E_NOMEM, TERM_MODULE, "JSON parser for %s", path);
        goto done;
    }
    rc = read_documents(r, chunk);
done:
    if (r->h != NULL) {
        yajl_free(r->h);
    }
    if (r->gz != NULL) {
        gzclose_r(r->gz);
    }
    if (fd >= 0) {
        close(fd);
    }
    fse_buf_free(&r->scratch);
    fse_free(r);
    return rc;
}

fse_err fse_terminology_load(fse_terminology **out, const char *catalog_dir)
{
    fse_terminology *t = NULL;
    unsigned char *chunk = NULL;
    fse_err rc = FSE_OK;

    if (out == NULL || catalog_dir == NULL || catalog_dir[0] == '\0') {
        return fse_error_set(FSE_E_ARG, TERM_MODULE, "no catalog directory given");
    }
    *out = NULL;
    t = fse_calloc(1, sizeof(*t));
    chunk = fse_malloc(READ_CHUNK);
    if (t == NULL || chunk == NULL) {
        rc = fse_error_set(FSE_E_NOMEM, TERM_MODULE, "loader buffers");
        goto done;
    }
    fse_buf_init(&t->strings, FSE_TERMINOLOGY_MAX_STRING_BYTES);
    rc = load_dump(t, catalog_dir, "dictionary.json.gzip", DUMP_DICTIONARY, chunk);
    if (rc != FSE_OK) {
        goto done;
    }
    fse_terminology__finish_dict(t);
    rc = load_dump(t, catalog_dir, "terminology.json.gzip", DUMP_TERMINOLOGY, chunk);
    if (rc != FSE_OK) {
        goto done;
    }
    rc = fse_terminology__build_index(t);
    if (rc != FSE_OK) {
        goto done;
    }
    *out = t;
    t = NULL;
done:
    fse_terminology_free(t);
    fse_free(chunk);
    return rc;
}
