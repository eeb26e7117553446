/*
 * lib/eds/eds_json.c - FHIR JSON read and written again without losing a
 * character: the resources of a bundle cut out of it, and a stored
 * resource written into a view with its source document added.
 *
 * Owns two small event machines over yajl's parser (the only JSON parser
 * of the project that hands numbers over as their text, so a decimal
 * "16.00" stays "16.00", as the converter wrote it: docs/fhir.md) feeding
 * the util JSON writer. Does not own what a bundle means (eds.c) or which
 * resources a view shows (eds_view.c).
 */
#include "eds_int.h"

#include <string.h>

#include <yajl/yajl_parse.h>

/* ---- Forwarding one event to a writer ----------------------------------- */

/* A NUL-terminated copy of (s, n) into out; false when it does not fit. */
static bool text_copy(char *out, size_t cap, const void *s, size_t n)
{
    if (n >= cap) {
        return false;
    }
    memcpy(out, s, n);
    out[n] = '\0';
    return true;
}

static bool fwd_number(fse_json *w, const char *s, size_t n)
{
    char text[EDS_MAX_NUMBER];

    if (!text_copy(text, sizeof(text), s, n)) {
        return false;
    }
    fse_json_number_text(w, text);
    return true;
}

static bool fwd_key(fse_json *w, const unsigned char *s, size_t n)
{
    char key[EDS_MAX_NAME];

    if (!text_copy(key, sizeof(key), s, n)) {
        return false;
    }
    fse_json_key(w, key);
    return true;
}

static bool is_key(const unsigned char *s, size_t n, const char *want)
{
    return n == strlen(want) && memcmp(s, want, n) == 0;
}

/* Run yajl over json with callbacks cb and context ctx. */
static fse_err parse(const char *json, size_t len, const yajl_callbacks *cb, void *ctx,
                     fse_err *cb_rc)
{
    yajl_handle h = yajl_alloc(cb, NULL, ctx);
    yajl_status st;

    if (h == NULL) {
        return fse_error_set(FSE_E_NOMEM, FSE_EDS_MODULE, "JSON parser");
    }
    st = yajl_parse(h, (const unsigned char *)json, len);
    if (st == yajl_status_ok) {
        st = yajl_complete_parse(h);
    }
    yajl_free(h);
    if (*cb_rc != FSE_OK) {
        return *cb_rc;
    }
    if (st != yajl_status_ok) {
        return fse_error_set(FSE_E_PARSE, FSE_EDS_MODULE, "malformed FHIR JSON");
    }
    return FSE_OK;
}

/* ---- Splitting a bundle ------------------------------------------------- */

/* Depths outside a resource: 1 the Bundle, 2 its entry array, 3 an entry,
 * 4 the entry's resource. */
#define DEPTH_RESOURCE 4

typedef struct split_ctx {
    eds_resource_fn fn;
    void *ctx;
    fse_err rc;
    int depth;
    bool key_entry;    /* the last key of the Bundle was "entry" */
    bool in_entries;   /* inside Bundle.entry */
    bool key_resource; /* the last key of an entry was "resource" */
    /* the resource being cut out */
    bool in_res;
    fse_buf buf;
    fse_json w;
    bool type_next; /* the next string is the resourceType */
    char type[EDS_MAX_NAME];
    /* the edited bundle (NULL: only cut) and the relatesTo it adds */
    fse_json *whole;
    const eds_relates *rel;
    bool rel_key_next; /* the last key of the resource was "relatesTo" */
    bool rel_seen;     /* the resource has a relatesTo */
    int rel_depth;     /* depth of its array while inside it, else 0 */
} split_ctx;

/* The writers an event goes to: the resource's, the edited bundle's. */
static size_t writers(split_ctx *c, fse_json *out[2])
{
    size_t n = 0;

    if (c->in_res) {
        out[n++] = &c->w;
    }
    if (c->whole != NULL) {
        out[n++] = c->whole;
    }
    return n;
}

static int split_fail(split_ctx *c, fse_err rc, const char *what)
{
    if (c->rc == FSE_OK) {
        c->rc = rc == FSE_E_PARSE ? fse_error_set(rc, FSE_EDS_MODULE, "bundle: %s", what) : rc;
    }
    return 0;
}

static int split_null(void *ud)
{
    split_ctx *c = ud;
    fse_json *w[2];
    size_t i, n = writers(c, w);

    for (i = 0; i < n; i++) {
        fse_json_null(w[i]);
    }
    return 1;
}

static int split_bool(void *ud, int v)
{
    split_ctx *c = ud;
    fse_json *w[2];
    size_t i, n = writers(c, w);

    for (i = 0; i < n; i++) {
        fse_json_bool(w[i], v != 0);
    }
    return 1;
}

static int split_number(void *ud, const char *s, size_t n)
{
    split_ctx *c = ud;
    fse_json *w[2];
    size_t i, nw = writers(c, w);

    for (i = 0; i < nw; i++) {
        if (!fwd_number(w[i], s, n)) {
            return split_fail(c, FSE_E_PARSE, "number too long");
        }
    }
    return 1;
}

static int split_string(void *ud, const unsigned char *s, size_t n)
{
    split_ctx *c = ud;
    fse_json *w[2];
    size_t i, nw = writers(c, w);

    if (c->in_res && c->type_next && !text_copy(c->type, sizeof(c->type), s, n)) {
        return split_fail(c, FSE_E_PARSE, "resourceType too long");
    }
    c->type_next = false;
    for (i = 0; i < nw; i++) {
        fse_json_string_len(w[i], (const char *)s, n);
    }
    return 1;
}

static int split_key(void *ud, const unsigned char *s, size_t n)
{
    split_ctx *c = ud;
    fse_json *w[2];
    size_t i, nw = writers(c, w);

    for (i = 0; i < nw; i++) {
        if (!fwd_key(w[i], s, n)) {
            return split_fail(c, FSE_E_PARSE, "member name too long");
        }
    }
    if (c->in_res) {
        c->type_next = c->depth == DEPTH_RESOURCE && is_key(s, n, "resourceType");
        if (c->depth == DEPTH_RESOURCE) {
            c->rel_key_next = is_key(s, n, "relatesTo");
            c->rel_seen = c->rel_seen || c->rel_key_next;
        }
    } else if (c->depth == 1) {
        c->key_entry = is_key(s, n, "entry");
    } else if (c->depth == 3) {
        c->key_resource = is_key(s, n, "resource");
    }
    return 1;
}

/* The relatesTo element of a replacement (eds-fhir §1.2), in the shape of
 * resource type: DocumentReference.relatesTo.target is a Reference,
 * Composition.relatesTo has target[x]; both name the replaced document by
 * its identifier (its resources are gone). */
static void write_relates(fse_json *w, const char *type, const eds_relates *rel)
{
    bool docref = strcmp(type, "DocumentReference") == 0;

    fse_json_object_begin(w);
    fse_json_kv_string(w, "code", "replaces");
    fse_json_key(w, docref ? "target" : "targetIdentifier");
    fse_json_object_begin(w);
    if (docref) {
        fse_json_kv_string(w, "type", "DocumentReference");
        fse_json_key(w, "identifier");
        fse_json_object_begin(w);
    }
    fse_json_kv_string(w, "system", rel->system);
    fse_json_kv_string(w, "value", rel->value);
    if (docref) {
        fse_json_object_end(w);
    }
    fse_json_object_end(w);
    fse_json_object_end(w);
}

/* Whether the resource being cut gets the relatesTo. */
static bool relates_here(const split_ctx *c)
{
    return c->rel != NULL && c->in_res &&
           (strcmp(c->type, "DocumentReference") == 0 || strcmp(c->type, "Composition") == 0);
}

static int split_start_map(void *ud)
{
    split_ctx *c = ud;

    c->depth++;
    if (c->depth > EDS_MAX_DEPTH) {
        return split_fail(c, FSE_E_PARSE, "nested too deep");
    }
    if (!c->in_res && c->in_entries && c->depth == DEPTH_RESOURCE && c->key_resource) {
        c->in_res = true;
        c->type[0] = '\0';
        c->rel_seen = false;
        c->rel_key_next = false;
        c->rel_depth = 0;
        fse_buf_reset(&c->buf);
        fse_json_init(&c->w, &c->buf);
    }
    {
        fse_json *w[2];
        size_t i, n = writers(c, w);

        for (i = 0; i < n; i++) {
            fse_json_object_begin(w[i]);
        }
    }
    return 1;
}

static int split_end_map(void *ud)
{
    split_ctx *c = ud;
    fse_json *w[2];
    size_t i, n = writers(c, w);
    fse_err rc;

    if (c->in_res && c->depth == DEPTH_RESOURCE && !c->rel_seen && relates_here(c)) {
        for (i = 0; i < n; i++) {
            fse_json_key(w[i], "relatesTo");
            fse_json_array_begin(w[i]);
            write_relates(w[i], c->type, c->rel);
            fse_json_array_end(w[i]);
        }
    }
    for (i = 0; i < n; i++) {
        fse_json_object_end(w[i]);
    }
    if (c->in_res && c->depth == DEPTH_RESOURCE) {
        c->in_res = false;
        rc = fse_json_status(&c->w);
        if (rc == FSE_OK && c->type[0] == '\0') {
            return split_fail(c, FSE_E_PARSE, "a resource without resourceType");
        }
        if (rc == FSE_OK) {
            rc = c->fn(c->ctx, c->type, c->buf.data, c->buf.len);
        }
        if (rc != FSE_OK) {
            return split_fail(c, rc, "resource");
        }
    }
    if (c->depth == 3) {
        c->key_resource = false;
    }
    c->depth--;
    return 1;
}

static int split_start_array(void *ud)
{
    split_ctx *c = ud;
    fse_json *w[2];
    size_t i, n = writers(c, w);

    c->depth++;
    if (c->depth > EDS_MAX_DEPTH) {
        return split_fail(c, FSE_E_PARSE, "nested too deep");
    }
    for (i = 0; i < n; i++) {
        fse_json_array_begin(w[i]);
    }
    if (c->in_res && c->rel_key_next && c->depth == DEPTH_RESOURCE + 1) {
        c->rel_depth = c->depth;
    } else if (!c->in_res && c->depth == 2 && c->key_entry) {
        c->in_entries = true;
    }
    return 1;
}

static int split_end_array(void *ud)
{
    split_ctx *c = ud;
    fse_json *w[2];
    size_t i, n = writers(c, w);

    if (c->in_res && c->depth == c->rel_depth) {
        /* The converter's relatesTo (from relatedDocument): ours is added. */
        c->rel_depth = 0;
        for (i = 0; i < n && relates_here(c); i++) {
            write_relates(w[i], c->type, c->rel);
        }
    }
    for (i = 0; i < n; i++) {
        fse_json_array_end(w[i]);
    }
    if (!c->in_res && c->depth == 2) {
        c->in_entries = false;
    }
    c->depth--;
    return 1;
}

static fse_err split(const char *bundle, size_t len, eds_resource_fn fn, void *ctx,
                     const eds_relates *rel, fse_buf *edited)
{
    static const yajl_callbacks cb = {
        .yajl_null = split_null,
        .yajl_boolean = split_bool,
        .yajl_number = split_number,
        .yajl_string = split_string,
        .yajl_start_map = split_start_map,
        .yajl_map_key = split_key,
        .yajl_end_map = split_end_map,
        .yajl_start_array = split_start_array,
        .yajl_end_array = split_end_array,
    };
    fse_json whole;
    split_ctx c;
    fse_err rc;

    memset(&c, 0, sizeof(c));
    c.fn = fn;
    c.ctx = ctx;
    c.rel = rel;
    if (edited != NULL) {
        fse_json_init(&whole, edited);
        c.whole = &whole;
    }
    fse_buf_init(&c.buf, FSE_STORE_EDS_MAX_BUNDLE_BYTES);
    rc = parse(bundle, len, &cb, &c, &c.rc);
    if (rc == FSE_OK && edited != NULL) {
        rc = fse_json_status(&whole);
    }
    fse_buf_free(&c.buf);
    return rc;
}

fse_err fse_eds__split(const char *bundle, size_t len, eds_resource_fn fn, void *ctx)
{
    return split(bundle, len, fn, ctx, NULL, NULL);
}

fse_err fse_eds__split_relates(const char *bundle, size_t len, eds_resource_fn fn, void *ctx,
                               const eds_relates *rel, fse_buf *edited)
{
    if (rel == NULL || edited == NULL) {
        return fse_error_set(FSE_E_ARG, FSE_EDS_MODULE, "split: missing argument");
    }
    return split(bundle, len, fn, ctx, rel, edited);
}

/* ---- Writing a resource with its source --------------------------------- */

typedef struct tag_ctx {
    fse_json *w;
    const char *source;
    const fse_eds_tag *tag;
    fse_err rc;
    int depth;
    bool meta_next;  /* the last top-level key was "meta" */
    bool in_meta;    /* inside the resource's meta (depth 2) */
    bool meta_seen;  /* the resource had a meta */
    bool tag_next;   /* the last meta key was "tag" */
    bool tag_seen;   /* meta had a tag array: ours is appended to it */
    int tag_depth;   /* depth of that array while inside it, else 0 */
    int skip;        /* > 0: inside a skipped value (meta.source), its depth */
    bool skip_value; /* the next value is skipped */
} tag_ctx;

static int tag_fail(tag_ctx *c, const char *what)
{
    if (c->rc == FSE_OK) {
        c->rc = fse_error_set(FSE_E_PARSE, FSE_EDS_MODULE, "resource: %s", what);
    }
    return 0;
}

static void write_tag(fse_json *w, const fse_eds_tag *t)
{
    fse_json_object_begin(w);
    if (t->system != NULL) {
        fse_json_kv_string(w, "system", t->system);
    }
    fse_json_kv_string(w, "code", t->code != NULL ? t->code : "");
    if (t->display != NULL) {
        fse_json_kv_string(w, "display", t->display);
    }
    fse_json_object_end(w);
}

/* Our members of meta: source, and the tag array unless meta had one. */
static void meta_members(tag_ctx *c)
{
    fse_json_kv_string(c->w, "source", c->source);
    if (c->tag != NULL && !c->tag_seen) {
        fse_json_key(c->w, "tag");
        fse_json_array_begin(c->w);
        write_tag(c->w, c->tag);
        fse_json_array_end(c->w);
    }
}

/* A scalar value: written unless skipped. */
static bool scalar_skipped(tag_ctx *c)
{
    if (c->skip > 0) {
        return true;
    }
    if (c->skip_value) {
        c->skip_value = false;
        return true;
    }
    c->meta_next = false;
    c->tag_next = false;
    return false;
}

static int tag_null(void *ud)
{
    tag_ctx *c = ud;

    if (!scalar_skipped(c)) {
        fse_json_null(c->w);
    }
    return 1;
}

static int tag_bool(void *ud, int v)
{
    tag_ctx *c = ud;

    if (!scalar_skipped(c)) {
        fse_json_bool(c->w, v != 0);
    }
    return 1;
}

static int tag_number(void *ud, const char *s, size_t n)
{
    tag_ctx *c = ud;

    if (!scalar_skipped(c) && !fwd_number(c->w, s, n)) {
        return tag_fail(c, "number too long");
    }
    return 1;
}

static int tag_string(void *ud, const unsigned char *s, size_t n)
{
    tag_ctx *c = ud;

    if (!scalar_skipped(c)) {
        fse_json_string_len(c->w, (const char *)s, n);
    }
    return 1;
}

static int tag_key(void *ud, const unsigned char *s, size_t n)
{
    tag_ctx *c = ud;

    if (c->skip > 0) {
        return 1;
    }
    if (c->depth == 1) {
        c->meta_next = is_key(s, n, "meta");
    } else if (c->in_meta && c->depth == 2) {
        if (is_key(s, n, "source")) {
            c->skip_value = true; /* ours replaces it */
            return 1;
        }
        c->tag_next = is_key(s, n, "tag");
    }
    return fwd_key(c->w, s, n) ? 1 : tag_fail(c, "member name too long");
}

/* Start a container: skipped, or written. */
static bool container_skipped(tag_ctx *c)
{
    if (c->skip > 0) {
        c->skip++;
        return true;
    }
    if (c->skip_value) {
        c->skip_value = false;
        c->skip = 1;
        return true;
    }
    return false;
}

static int tag_start_map(void *ud)
{
    tag_ctx *c = ud;

    c->depth++;
    if (c->depth > EDS_MAX_DEPTH) {
        return tag_fail(c, "nested too deep");
    }
    if (container_skipped(c)) {
        return 1;
    }
    if (c->depth == 2 && c->meta_next) {
        c->in_meta = true;
        c->meta_seen = true;
    }
    c->meta_next = false;
    c->tag_next = false;
    fse_json_object_begin(c->w);
    return 1;
}

static int tag_end_map(void *ud)
{
    tag_ctx *c = ud;

    c->depth--;
    if (c->skip > 0) {
        c->skip--;
        return 1;
    }
    if (c->in_meta && c->depth == 1) {
        meta_members(c);
        c->in_meta = false;
    }
    if (c->depth == 0 && !c->meta_seen) {
        fse_json_key(c->w, "meta");
        fse_json_object_begin(c->w);
        meta_members(c);
        fse_json_object_end(c->w);
    }
    fse_json_object_end(c->w);
    return 1;
}

static int tag_start_array(void *ud)
{
    tag_ctx *c = ud;

    c->depth++;
    if (c->depth > EDS_MAX_DEPTH) {
        return tag_fail(c, "nested too deep");
    }
    if (container_skipped(c)) {
        return 1;
    }
    if (c->in_meta && c->depth == 3 && c->tag_next && c->tag != NULL) {
        c->tag_seen = true;
        c->tag_depth = c->depth;
    }
    c->meta_next = false;
    c->tag_next = false;
    fse_json_array_begin(c->w);
    return 1;
}

static int tag_end_array(void *ud)
{
    tag_ctx *c = ud;

    if (c->skip > 0) {
        c->skip--;
        c->depth--;
        return 1;
    }
    if (c->tag_depth != 0 && c->depth == c->tag_depth) {
        write_tag(c->w, c->tag);
        c->tag_depth = 0;
    }
    c->depth--;
    fse_json_array_end(c->w);
    return 1;
}

fse_err fse_eds__write_resource(fse_json *w, const char *json, size_t len, const char *source,
                                const fse_eds_tag *tag)
{
    static const yajl_callbacks cb = {
        .yajl_null = tag_null,
        .yajl_boolean = tag_bool,
        .yajl_number = tag_number,
        .yajl_string = tag_string,
        .yajl_start_map = tag_start_map,
        .yajl_map_key = tag_key,
        .yajl_end_map = tag_end_map,
        .yajl_start_array = tag_start_array,
        .yajl_end_array = tag_end_array,
    };
    tag_ctx c;

    memset(&c, 0, sizeof(c));
    c.w = w;
    c.source = source;
    c.tag = tag;
    if (len == 0 || json[0] != '{') {
        return fse_error_set(FSE_E_PARSE, FSE_EDS_MODULE, "resource: not a JSON object");
    }
    return parse(json, len, &cb, &c, &c.rc);
}

uint64_t fse_eds__fnv(const char *s, uint64_t basis)
{
    uint64_t h = basis != 0 ? basis : 14695981039346656037ULL;

    for (; s != NULL && *s != '\0'; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}
