/*
 * lib/terminology/terminology_load.c - loading the catalog's Mongo dumps.
 *
 * Owns fse_terminology_load: the dump paths under the catalog root, the size
 * check, streaming decompression (zlib gzread into a bounded window), the
 * outer JSON array walked one document at a time, and the meaning of each
 * document's fields (system, version, code, deleted, whitelist, release_date,
 * creation_date). Documents whose `deleted` is not false are skipped, like
 * the validator's `deleted:false` queries. Does not own the tables
 * (terminology_index.c) nor JSON tokenising (terminology_json.c).
 */
#include "terminology_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "fse/limits.h"

#define DUMP_SUBDIR "terminology/mongo-dump/"

/* The fields of one document the module cares about. */
typedef struct term_doc {
    term_json_value system;
    term_json_value version;
    term_json_value code;
    term_json_value release;
    term_json_value creation;
    bool deleted_false; /* `deleted` present and exactly false */
    bool whitelist;
} term_doc;

typedef enum dump_kind { DUMP_DICTIONARY, DUMP_TERMINOLOGY } dump_kind;

/* One dump being read. */
typedef struct dump_reader {
    const char *path;
    gzFile gz;
    char *window; /* decompressed bytes [0, filled) */
    size_t filled;
    size_t pos;      /* next unread byte */
    size_t consumed; /* bytes dropped from the window so far */
    bool eof;
    bool started; /* '[' seen */
    bool first;   /* no document read yet */
    size_t n_docs;
} dump_reader;

static bool key_is(const char *key, size_t len, const char *want)
{
    return strlen(want) == len && memcmp(key, want, len) == 0;
}

static int read_field(term_json *j, term_json_value *v, bool want_date)
{
    return fse_terminology__json_value(j, v, want_date);
}

/* Parse one document object (cursor on '{') into *doc. */
static int parse_doc(term_json *j, term_doc *doc)
{
    bool first = true;
    bool done = false;
    const char *key;
    size_t len;
    term_json_value v;
    int st;

    memset(doc, 0, sizeof(*doc));
    doc->system.type = TERM_JSON_NULL;
    doc->version.type = TERM_JSON_NULL;
    doc->code.type = TERM_JSON_NULL;
    doc->release.type = TERM_JSON_NULL;
    doc->creation.type = TERM_JSON_NULL;
    if (*j->p != '{') {
        j->reason = "array element is not an object";
        return TERM_JSON_BAD;
    }
    j->p++;
    for (;;) {
        st = fse_terminology__json_member(j, &first, &key, &len, &done);
        if (st != TERM_JSON_OK || done) {
            return st;
        }
        if (key_is(key, len, "system")) {
            st = read_field(j, &doc->system, false);
        } else if (key_is(key, len, "version")) {
            st = read_field(j, &doc->version, false);
        } else if (key_is(key, len, "code")) {
            st = read_field(j, &doc->code, false);
        } else if (key_is(key, len, "release_date")) {
            st = read_field(j, &doc->release, true);
        } else if (key_is(key, len, "creation_date")) {
            st = read_field(j, &doc->creation, true);
        } else if (key_is(key, len, "deleted")) {
            st = read_field(j, &v, false);
            doc->deleted_false = v.type == TERM_JSON_FALSE;
        } else if (key_is(key, len, "whitelist")) {
            st = read_field(j, &v, false);
            doc->whitelist = v.type == TERM_JSON_TRUE;
        } else {
            st = read_field(j, &v, false);
        }
        if (st != TERM_JSON_OK) {
            return st;
        }
    }
}

/* A string-or-null field: *s is NULL for null/absent. */
static fse_err text_field(const dump_reader *r, const term_json_value *v, const char *name,
                          const char **s, size_t *len)
{
    if (v->type == TERM_JSON_NULL) {
        *s = NULL;
        *len = 0;
        return FSE_OK;
    }
    if (v->type != TERM_JSON_STRING) {
        return fse_error_set(FSE_E_PARSE, TERM_MODULE, "%s: document %zu: `%s` is not a string",
                             r->path, r->n_docs, name);
    }
    *s = v->str;
    *len = v->len;
    return FSE_OK;
}

static fse_err date_field(const dump_reader *r, const term_json_value *v, const char *name,
                          const int64_t **ms)
{
    *ms = NULL;
    if (v->type == TERM_JSON_NULL) {
        return FSE_OK;
    }
    if (v->type != TERM_JSON_OBJECT || !v->has_date) {
        return fse_error_set(FSE_E_PARSE, TERM_MODULE, "%s: document %zu: `%s` is not a date",
                             r->path, r->n_docs, name);
    }
    *ms = &v->date_ms;
    return FSE_OK;
}

/* Add a parsed document to the tables. */
static fse_err commit_doc(fse_terminology *t, const dump_reader *r, dump_kind kind,
                          const term_doc *doc)
{
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
    if (kind == DUMP_TERMINOLOGY) {
        rc = text_field(r, &doc->code, "code", &code, &code_len);
        if (rc != FSE_OK || code == NULL) {
            return rc;
        }
        return fse_terminology__add_code(t, system, system_len, version, version_len, code,
                                         code_len);
    }
    rc = date_field(r, &doc->release, "release_date", &release);
    if (rc == FSE_OK) {
        rc = date_field(r, &doc->creation, "creation_date", &creation);
    }
    if (rc != FSE_OK) {
        return rc;
    }
    return fse_terminology__add_dict(t, system, system_len, version, version_len, doc->whitelist,
                                     release, creation);
}

/*
 * One step of the outer array: '[' at the start, then one document (with its
 * leading ',') or the closing ']'. *doc_read says whether doc was filled.
 */
static int array_step(dump_reader *r, term_json *j, term_doc *doc, bool *doc_read, bool *closed)
{
    int st = fse_terminology__json_ws(j);

    *doc_read = false;
    *closed = false;
    if (st != TERM_JSON_OK) {
        return st;
    }
    if (!r->started) {
        if (*j->p != '[') {
            j->reason = "the dump is not a JSON array";
            return TERM_JSON_BAD;
        }
        j->p++;
        r->started = true;
        return TERM_JSON_OK;
    }
    if (*j->p == ']') {
        j->p++;
        *closed = true;
        return TERM_JSON_OK;
    }
    if (!r->first) {
        if (*j->p != ',') {
            j->reason = "expected ',' or ']' between documents";
            return TERM_JSON_BAD;
        }
        j->p++;
        st = fse_terminology__json_ws(j);
        if (st != TERM_JSON_OK) {
            return st;
        }
    }
    st = parse_doc(j, doc);
    if (st == TERM_JSON_OK) {
        *doc_read = true;
    }
    return st;
}

/* Drop consumed bytes and decompress more into the window. */
static fse_err refill(dump_reader *r)
{
    int n;
    int errnum = 0;
    const char *msg;

    if (r->pos > 0) {
        memmove(r->window, r->window + r->pos, r->filled - r->pos);
        r->filled -= r->pos;
        r->consumed += r->pos;
        r->pos = 0;
    }
    if (r->filled == FSE_TERMINOLOGY_MAX_DOC_BYTES) {
        return fse_error_set(FSE_E_LIMIT, TERM_MODULE,
                             "%s: a document is larger than %u bytes (near byte %zu)", r->path,
                             FSE_TERMINOLOGY_MAX_DOC_BYTES, r->consumed);
    }
    n = gzread(r->gz, r->window + r->filled, (unsigned)(FSE_TERMINOLOGY_MAX_DOC_BYTES - r->filled));
    if (n < 0) {
        msg = gzerror(r->gz, &errnum);
        return fse_error_set(errnum == Z_ERRNO ? FSE_E_IO : FSE_E_PARSE, TERM_MODULE,
                             "%s: cannot decompress: %s", r->path,
                             errnum == Z_ERRNO ? strerror(errno) : msg);
    }
    if (n == 0) {
        r->eof = true;
    }
    r->filled += (size_t)n;
    return FSE_OK;
}

static fse_err read_documents(fse_terminology *t, dump_reader *r, dump_kind kind, term_json *j)
{
    term_doc doc;
    bool doc_read;
    bool closed = false;
    fse_err rc = FSE_OK;
    int st;

    while (rc == FSE_OK && !closed) {
        j->p = r->window + r->pos;
        j->end = r->window + r->filled;
        j->scratch_len = 0;
        st = array_step(r, j, &doc, &doc_read, &closed);
        if (st == TERM_JSON_MORE) {
            if (r->eof) {
                rc = fse_error_set(FSE_E_PARSE, TERM_MODULE, "%s: truncated JSON after byte %zu",
                                   r->path, r->consumed + r->filled);
            } else {
                rc = refill(r);
            }
            continue;
        }
        if (st == TERM_JSON_BAD) {
            rc = fse_error_set(FSE_E_PARSE, TERM_MODULE, "%s: malformed JSON near byte %zu: %s",
                               r->path, r->consumed + (size_t)(j->p - r->window), j->reason);
            continue;
        }
        r->pos = (size_t)(j->p - r->window);
        if (doc_read) {
            r->n_docs++;
            r->first = false;
            rc = commit_doc(t, r, kind, &doc);
        }
    }
    /* Only whitespace may follow the array. */
    while (rc == FSE_OK) {
        j->p = r->window + r->pos;
        j->end = r->window + r->filled;
        if (fse_terminology__json_ws(j) == TERM_JSON_OK) {
            rc = fse_error_set(FSE_E_PARSE, TERM_MODULE, "%s: data after the JSON array", r->path);
        } else if (r->eof) {
            break;
        } else {
            r->pos = r->filled;
            rc = refill(r);
        }
    }
    return rc;
}

/* Open, check and stream one dump. */
static fse_err load_dump(fse_terminology *t, const char *catalog_dir, const char *file,
                         dump_kind kind, char *window, char *scratch)
{
    char path[4096];
    dump_reader r;
    term_json j;
    struct stat sb;
    int fd = -1;
    int n;
    fse_err rc = FSE_OK;

    memset(&r, 0, sizeof(r));
    n = snprintf(path, sizeof(path), "%s/%s%s", catalog_dir, DUMP_SUBDIR, file);
    if (n < 0 || (size_t)n >= sizeof(path)) {
        return fse_error_set(FSE_E_ARG, TERM_MODULE, "catalog path too long");
    }
    r.path = path;
    r.window = window;
    r.first = true;
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
    r.gz = gzdopen(fd, "rb");
    if (r.gz == NULL) {
        rc = fse_error_set(FSE_E_NOMEM, TERM_MODULE, "cannot start decompressing %s", path);
        goto done;
    }
    fd = -1; /* owned by r.gz now */
    gzbuffer(r.gz, 256u * 1024u);
    memset(&j, 0, sizeof(j));
    j.scratch = scratch;
    j.scratch_cap = FSE_TERMINOLOGY_MAX_DOC_BYTES;
    rc = read_documents(t, &r, kind, &j);
done:
    if (r.gz != NULL) {
        gzclose_r(r.gz);
    }
    if (fd >= 0) {
        close(fd);
    }
    return rc;
}

fse_err fse_terminology_load(fse_terminology **out, const char *catalog_dir)
{
    fse_terminology *t = NULL;
    char *window = NULL;
    char *scratch = NULL;
    fse_err rc = FSE_OK;

    if (out == NULL || catalog_dir == NULL || catalog_dir[0] == '\0') {
        return fse_error_set(FSE_E_ARG, TERM_MODULE, "no catalog directory given");
    }
    *out = NULL;
    t = fse_calloc(1, sizeof(*t));
    window = fse_malloc(FSE_TERMINOLOGY_MAX_DOC_BYTES);
    scratch = fse_malloc(FSE_TERMINOLOGY_MAX_DOC_BYTES);
    if (t == NULL || window == NULL || scratch == NULL) {
        rc = fse_error_set(FSE_E_NOMEM, TERM_MODULE, "loader buffers");
        goto done;
    }
    fse_buf_init(&t->strings, FSE_TERMINOLOGY_MAX_STRING_BYTES);
    rc = load_dump(t, catalog_dir, "dictionary.json.gzip", DUMP_DICTIONARY, window, scratch);
    if (rc != FSE_OK) {
        goto done;
    }
    fse_terminology__finish_dict(t);
    rc = load_dump(t, catalog_dir, "terminology.json.gzip", DUMP_TERMINOLOGY, window, scratch);
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
    fse_free(window);
    fse_free(scratch);
    return rc;
}
