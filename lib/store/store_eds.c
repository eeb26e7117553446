/*
 * lib/store/store_eds.c - the store front end of the regional clinical
 * store (fse/store_eds.h): the FHIR bundle of each document and its
 * resources, sealed with the document's data key.
 *
 * Owns the argument checks and limits, the binding of a bundle to its
 * document (the document row is opened and checked by store_doc.c's
 * fse_store__doc_row_meta, then its data key unwrapped: a deleted document
 * has no key, so nothing derived from it opens), the associated data of
 * every sealed value, the status a bundle takes from its document, and the
 * lists. Does not own the rows' SQL (store_sqlite_eds.c), the document
 * protection scheme (store_doc.c, store_keys.c) or JSON: the caller splits
 * a bundle into resources (lib/eds).
 */
#include "store_eds_be.h"

#include <string.h>

/* Longest failure reason kept. */
#define EDS_MAX_REASON 4096u
/* Every bundle status, as a mask. */
#define ALL_STATUSES                                                                               \
    (FSE_STORE_EDS_BIT(FSE_STORE_EDS_CURRENT) | FSE_STORE_EDS_BIT(FSE_STORE_EDS_SUPERSEDED) |     \
     FSE_STORE_EDS_BIT(FSE_STORE_EDS_FAILED))
/* Resources sealed and inserted per backend call (bounds the sealed copies
 * held at once). */
#define EDS_INSERT_BATCH 128u

/* The shared entities (eds-fhir §1.2): PUT by identifier, so the same
 * resource for every document naming it; a replacement never removes them. */
static const char *const shared_types[] = {"Patient", "Practitioner", "Organization", "Location"};
#define N_SHARED_TYPES (sizeof(shared_types) / sizeof(shared_types[0]))

/* What a superseded version's bundle row holds instead of its bundle. */
#define SUPERSEDED_NOTE "superseded: replaced by a newer version, its own resources removed"

static bool shared_type(const char *type)
{
    size_t i;

    for (i = 0; i < N_SHARED_TYPES; i++) {
        if (strcmp(type, shared_types[i]) == 0) {
            return true;
        }
    }
    return false;
}

const store_eds_backend *fse_store__eds_backend(const fse_store *s)
{
    if (s->be == &fse_store__sqlite_backend) {
        return &fse_store__sqlite_eds_backend;
    }
    return NULL;
}

/* The document a bundle belongs to: ids, patient and data key. */
typedef struct eds_doc {
    char doc_id[FSE_STORE_ID_LEN];
    char patient_ref[FSE_STORE_REF_LEN];
    int status; /* fse_store_doc_status */
    uint8_t dk[STORE_KEY_LEN];
    bool found;
} eds_doc;

typedef struct doc_ctx {
    fse_store *s;
    eds_doc *d;
} doc_ctx;

static fse_err on_doc_row(const store_doc_row *row, void *ctx)
{
    doc_ctx *c = ctx;
    eds_doc *d = c->d;
    fse_store_doc_meta *m = NULL;
    fse_err rc;

    if (row->status == FSE_STORE_DOC_DELETED) {
        return FSE_OK; /* found stays false: no key any more */
    }
    /* The same checks as every document read: key, seal, plain columns. */
    rc = fse_store__doc_row_meta(&m, c->s, row);
    fse_store_doc_meta_free(m);
    if (rc != FSE_OK) {
        return rc;
    }
    if (row->patient_ref == NULL || strlen(row->patient_ref) >= sizeof(d->patient_ref) ||
        strlen(row->doc_id) >= sizeof(d->doc_id)) {
        return fse_error_set(FSE_E_CRYPTO, FSE_STORE_MODULE, "document row malformed");
    }
    rc = fse_store__dk_unwrap(d->dk, c->s->kek, row->dk_kid, row->doc_id, row->dk_wrapped,
                              row->dk_wrapped_len);
    if (rc == FSE_OK) {
        memcpy(d->doc_id, row->doc_id, strlen(row->doc_id) + 1);
        memcpy(d->patient_ref, row->patient_ref, strlen(row->patient_ref) + 1);
        d->status = row->status;
        d->found = true;
    }
    return rc;
}

/* Load the live document unique_id: FSE_E_NOT_FOUND when absent or deleted. */
static fse_err load_doc(eds_doc *d, fse_store *s, const char *unique_id)
{
    doc_ctx c = {s, d};
    fse_err rc;

    memset(d, 0, sizeof(*d));
    rc = fse_store__need_keys(s);
    if (rc == FSE_OK) {
        rc = s->be->doc_get(s->conn, unique_id, on_doc_row, &c);
    }
    if (rc == FSE_OK && !d->found) {
        rc = FSE_E_NOT_FOUND;
    }
    if (rc == FSE_E_NOT_FOUND) {
        rc = fse_error_set(FSE_E_NOT_FOUND, FSE_STORE_MODULE, "document %s not found or deleted",
                           unique_id);
    }
    if (rc != FSE_OK) {
        fse_store__wipe(d, sizeof(*d));
    }
    return rc;
}

static void bundle_aad(store_aad *a, const eds_doc *d, const char *unique_id, bool reason)
{
    fse_store__aad_init(a, "fse-eds-bundle v1");
    fse_store__aad_str(a, d->doc_id);
    fse_store__aad_str(a, unique_id);
    fse_store__aad_str(a, d->patient_ref);
    fse_store__aad_i64(a, reason ? 2 : 1);
}

static void res_aad(store_aad *a, const eds_doc *d, const char *unique_id, int64_t seq,
                    const char *type)
{
    fse_store__aad_init(a, "fse-eds-resource v1");
    fse_store__aad_str(a, d->doc_id);
    fse_store__aad_str(a, unique_id);
    fse_store__aad_str(a, d->patient_ref);
    fse_store__aad_i64(a, seq);
    fse_store__aad_str(a, type);
}

static fse_err seal(uint8_t **out, size_t *out_len, const eds_doc *d, const store_aad *aad,
                    const void *data, size_t len)
{
    if (aad->overflow) {
        return fse_error_set(FSE_E_LIMIT, FSE_STORE_MODULE, "associated data too long");
    }
    return fse_store__aead_seal(out, out_len, d->dk, aad->data, aad->len, data, len);
}

static fse_err backend(const store_eds_backend **out, fse_store *s)
{
    *out = fse_store__eds_backend(s);
    if (*out == NULL) {
        return fse_error_set(FSE_E_UNSUPPORTED, FSE_STORE_MODULE,
                             "backend %s has no clinical store", s->be->name);
    }
    return FSE_OK;
}

static fse_err check_resources(const fse_store_eds_resource *res, size_t n)
{
    size_t i;

    if (n > FSE_STORE_EDS_MAX_RESOURCES) {
        return fse_error_set(FSE_E_LIMIT, FSE_STORE_MODULE, "more than %u resources",
                             FSE_STORE_EDS_MAX_RESOURCES);
    }
    if (n > 0 && res == NULL) {
        return fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "resources missing");
    }
    for (i = 0; i < n; i++) {
        fse_err rc =
            fse_store__check_str(res[i].type, "resource type", FSE_STORE_EDS_MAX_TYPE, true);

        if (rc != FSE_OK) {
            return rc;
        }
        if (res[i].json == NULL || res[i].json_len == 0 ||
            res[i].json_len > FSE_STORE_EDS_MAX_BUNDLE_BYTES) {
            return fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "resource %zu: no JSON", i);
        }
    }
    return FSE_OK;
}

/* Seal and insert resources in batches. */
static fse_err insert_resources(const store_eds_backend *be, fse_store *s, const eds_doc *d,
                                const char *unique_id, const fse_store_eds_resource *res, size_t n)
{
    store_eds_res_row rows[EDS_INSERT_BATCH];
    size_t done = 0;
    fse_err rc = FSE_OK;

    while (rc == FSE_OK && done < n) {
        size_t k = n - done < EDS_INSERT_BATCH ? n - done : EDS_INSERT_BATCH;
        size_t sealed = 0;
        size_t i;

        memset(rows, 0, sizeof(rows));
        for (i = 0; i < k && rc == FSE_OK; i++) {
            const fse_store_eds_resource *r = &res[done + i];
            store_aad aad;
            uint8_t *ct = NULL;
            size_t ct_len = 0;

            res_aad(&aad, d, unique_id, (int64_t)(done + i), r->type);
            rc = seal(&ct, &ct_len, d, &aad, r->json, r->json_len);
            if (rc == FSE_OK) {
                rows[i].unique_id = unique_id;
                rows[i].seq = (int64_t)(done + i);
                rows[i].patient_ref = d->patient_ref;
                rows[i].type = r->type;
                rows[i].ct = ct;
                rows[i].ct_len = ct_len;
                sealed++;
            }
        }
        if (rc == FSE_OK) {
            rc = be->res_insert(s->conn, rows, k);
        }
        for (i = 0; i < sealed; i++) {
            fse_free((void *)(uintptr_t)rows[i].ct);
        }
        done += k;
    }
    return rc;
}

/* The shared entities of res, copied into *out (caller frees). */
static fse_err shared_only(fse_store_eds_resource **out, size_t *n_out,
                           const fse_store_eds_resource *res, size_t n)
{
    size_t i;

    *n_out = 0;
    *out = fse_calloc(n > 0 ? n : 1, sizeof(**out));
    if (*out == NULL) {
        return fse_error_set(FSE_E_NOMEM, FSE_STORE_MODULE, "resources");
    }
    for (i = 0; i < n; i++) {
        if (shared_type(res[i].type)) {
            (*out)[(*n_out)++] = res[i];
        }
    }
    return FSE_OK;
}

/* Replace what is kept for unique_id by a bundle (reason NULL) or a failure.
 * A document already replaced keeps only the note and its shared entities,
 * as fse_store_eds_supersede leaves it. */
static fse_err put(fse_store *s, const char *unique_id, const char *data, size_t len, bool failed,
                   const fse_store_eds_resource *res, size_t n_res, int64_t now_ms)
{
    const store_eds_backend *be = NULL;
    fse_store_eds_resource *kept = NULL;
    store_eds_row row;
    store_aad aad;
    eds_doc d;
    uint8_t *ct = NULL;
    size_t ct_len = 0;
    bool superseded = false;
    fse_err rc;

    memset(&d, 0, sizeof(d));
    rc = backend(&be, s);
    if (rc == FSE_OK) {
        rc = fse_store__op_begin(s, STORE_TX_WRITE);
    }
    if (rc != FSE_OK) {
        return rc;
    }
    rc = load_doc(&d, s, unique_id);
    if (rc == FSE_OK && !failed && d.status == FSE_STORE_DOC_DEPRECATED) {
        superseded = true;
        data = SUPERSEDED_NOTE;
        len = strlen(SUPERSEDED_NOTE);
        rc = shared_only(&kept, &n_res, res, n_res);
        res = kept;
    }
    if (rc == FSE_OK) {
        bundle_aad(&aad, &d, unique_id, failed || superseded);
        rc = seal(&ct, &ct_len, &d, &aad, data, len);
    }
    if (rc == FSE_OK) {
        rc = be->res_clear(s->conn, unique_id, NULL);
    }
    if (rc == FSE_OK) {
        memset(&row, 0, sizeof(row));
        row.unique_id = unique_id;
        row.doc_id = d.doc_id;
        row.patient_ref = d.patient_ref;
        row.status = failed       ? FSE_STORE_EDS_FAILED
                     : superseded ? FSE_STORE_EDS_SUPERSEDED
                                  : FSE_STORE_EDS_CURRENT;
        row.n_resources = (int64_t)n_res;
        row.created_ms = now_ms;
        row.updated_ms = now_ms;
        row.ct = ct;
        row.ct_len = ct_len;
        rc = be->put(s->conn, &row);
    }
    if (rc == FSE_OK) {
        rc = insert_resources(be, s, &d, unique_id, res, n_res);
    }
    rc = fse_store__op_end(s, rc);
    fse_free(ct);
    fse_free(kept);
    fse_store__wipe(&d, sizeof(d));
    return rc;
}

fse_err fse_store_eds_put(fse_store *s, const char *unique_id, const char *bundle,
                          size_t bundle_len, const fse_store_eds_resource *resources,
                          size_t n_resources, int64_t now_ms)
{
    fse_err rc;

    if (s == NULL || bundle == NULL || bundle_len == 0) {
        return fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "eds put: missing argument");
    }
    rc = fse_store__check_str(unique_id, "uniqueId", STORE_MAX_ID_LEN, true);
    if (rc == FSE_OK && bundle_len > FSE_STORE_EDS_MAX_BUNDLE_BYTES) {
        rc = fse_error_set(FSE_E_LIMIT, FSE_STORE_MODULE, "bundle over %u bytes",
                           FSE_STORE_EDS_MAX_BUNDLE_BYTES);
    }
    if (rc == FSE_OK) {
        rc = check_resources(resources, n_resources);
    }
    if (rc != FSE_OK) {
        return rc;
    }
    return put(s, unique_id, bundle, bundle_len, false, resources, n_resources, now_ms);
}

fse_err fse_store_eds_put_failed(fse_store *s, const char *unique_id, const char *reason,
                                 int64_t now_ms)
{
    fse_err rc;

    if (s == NULL) {
        return fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "eds put: missing argument");
    }
    rc = fse_store__check_str(unique_id, "uniqueId", STORE_MAX_ID_LEN, true);
    if (rc == FSE_OK) {
        rc = fse_store__check_str(reason, "reason", EDS_MAX_REASON, true);
    }
    if (rc != FSE_OK) {
        return rc;
    }
    return put(s, unique_id, reason, strlen(reason), true, NULL, 0, now_ms);
}

typedef struct status_ctx {
    int status;
} status_ctx;

static fse_err on_status(const store_eds_row *row, void *ctx)
{
    ((status_ctx *)ctx)->status = row->status;
    return FSE_OK;
}

/* Remove the resources of a replaced version but its shared entities, and
 * keep the note in place of its bundle. */
static fse_err retire(const store_eds_backend *be, fse_store *s, const char *unique_id,
                      const char *by_unique_id, int64_t now_ms)
{
    store_eds_row row;
    store_aad aad;
    eds_doc d;
    uint8_t *ct = NULL;
    size_t ct_len = 0;
    int64_t left = 0;
    fse_err rc = load_doc(&d, s, unique_id);

    if (rc == FSE_OK) {
        rc = be->res_prune(s->conn, unique_id, shared_types, N_SHARED_TYPES, &left);
    }
    if (rc == FSE_OK) {
        bundle_aad(&aad, &d, unique_id, true);
        rc = seal(&ct, &ct_len, &d, &aad, SUPERSEDED_NOTE, strlen(SUPERSEDED_NOTE));
    }
    if (rc == FSE_OK) {
        memset(&row, 0, sizeof(row));
        row.unique_id = unique_id;
        row.doc_id = d.doc_id;
        row.patient_ref = d.patient_ref;
        row.status = FSE_STORE_EDS_SUPERSEDED;
        row.replaced_by = by_unique_id;
        row.n_resources = left;
        row.created_ms = now_ms; /* kept by the backend: the row exists */
        row.updated_ms = now_ms;
        row.ct = ct;
        row.ct_len = ct_len;
        rc = be->put(s->conn, &row);
    }
    fse_free(ct);
    fse_store__wipe(&d, sizeof(d));
    return rc;
}

fse_err fse_store_eds_supersede(fse_store *s, const char *unique_id, const char *by_unique_id,
                                int64_t now_ms)
{
    const store_eds_backend *be = NULL;
    status_ctx st = {0};
    fse_err rc;

    if (s == NULL || unique_id == NULL) {
        return fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "eds supersede: missing argument");
    }
    rc = fse_store__check_str(by_unique_id, "uniqueId", STORE_MAX_ID_LEN, false);
    if (rc == FSE_OK) {
        rc = backend(&be, s);
    }
    if (rc == FSE_OK) {
        rc = fse_store__op_begin(s, STORE_TX_WRITE);
    }
    if (rc != FSE_OK) {
        return rc;
    }
    rc = be->get(s->conn, unique_id, false, on_status, &st);
    if (rc == FSE_OK && st.status == FSE_STORE_EDS_FAILED) {
        /* A failed conversion stays failed; it only learns its successor. */
        rc = be->set_status(s->conn, unique_id, FSE_STORE_EDS_FAILED, by_unique_id, now_ms);
    } else if (rc == FSE_OK) {
        rc = retire(be, s, unique_id, by_unique_id, now_ms);
    }
    if (rc == FSE_E_NOT_FOUND) {
        rc = fse_error_set(FSE_E_NOT_FOUND, FSE_STORE_MODULE, "no bundle kept for %s", unique_id);
    }
    return fse_store__op_end(s, rc);
}

fse_err fse_store_eds_delete(fse_store *s, const char *unique_id, size_t *n_out)
{
    const store_eds_backend *be = NULL;
    int64_t n = 0;
    fse_err rc;

    if (n_out != NULL) {
        *n_out = 0;
    }
    if (s == NULL || unique_id == NULL) {
        return fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "eds delete: missing argument");
    }
    rc = backend(&be, s);
    if (rc == FSE_OK) {
        rc = fse_store__op_begin(s, STORE_TX_WRITE);
    }
    if (rc != FSE_OK) {
        return rc;
    }
    rc = be->res_clear(s->conn, unique_id, &n);
    if (rc == FSE_OK) {
        rc = be->remove(s->conn, unique_id);
    }
    rc = fse_store__op_end(s, rc);
    if (rc == FSE_OK && n_out != NULL) {
        *n_out = (size_t)n;
    }
    return rc;
}

/* ---- Reading ------------------------------------------------------------ */

/* Copy a row's plain columns into b (strings into a). */
static bool row_copy(fse_store_eds_bundle *b, store_arena *a, const store_eds_row *row)
{
    b->status = (fse_store_eds_status)row->status;
    b->n_resources = row->n_resources > 0 ? (size_t)row->n_resources : 0;
    b->created_ms = row->created_ms;
    b->updated_ms = row->updated_ms;
    return fse_store__arena_set(a, &b->unique_id, row->unique_id) &&
           fse_store__arena_set(a, &b->doc_id, row->doc_id) &&
           fse_store__arena_set(a, &b->replaced_by, row->replaced_by);
}

typedef struct get_ctx {
    fse_store *s;
    const eds_doc *d;
    fse_store_eds_bundle *b;
    store_arena *a;
} get_ctx;

static fse_err on_get(const store_eds_row *row, void *ctx)
{
    get_ctx *g = ctx;
    store_aad aad;
    uint8_t *plain = NULL;
    size_t plain_len = 0;
    fse_err rc;

    if (row->doc_id == NULL || row->patient_ref == NULL || strcmp(row->doc_id, g->d->doc_id) != 0 ||
        strcmp(row->patient_ref, g->d->patient_ref) != 0) {
        return fse_error_set(FSE_E_CRYPTO, FSE_STORE_MODULE,
                             "bundle of %s does not belong to its document", row->unique_id);
    }
    bundle_aad(&aad, g->d, row->unique_id, row->status != FSE_STORE_EDS_CURRENT);
    rc =
        fse_store__aead_open(&plain, &plain_len, g->d->dk, aad.data, aad.len, row->ct, row->ct_len);
    if (rc != FSE_OK) {
        return fse_error_set(FSE_E_CRYPTO, FSE_STORE_MODULE,
                             "bundle of %s fails the integrity check", row->unique_id);
    }
    g->b->json = fse_store__arena_strndup(g->a, (const char *)plain, plain_len);
    g->b->json_len = plain_len;
    if (g->b->json == NULL || !row_copy(g->b, g->a, row)) {
        rc = fse_error_set(FSE_E_NOMEM, FSE_STORE_MODULE, "bundle");
    }
    fse_store__wipe(plain, plain_len);
    fse_free(plain);
    return rc;
}

fse_err fse_store_eds_get(fse_store_eds_bundle **out, fse_store *s, const char *unique_id)
{
    const store_eds_backend *be = NULL;
    get_ctx g;
    eds_doc d;
    fse_err rc;

    if (out != NULL) {
        *out = NULL;
    }
    if (out == NULL || s == NULL || unique_id == NULL) {
        return fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "eds get: missing argument");
    }
    memset(&d, 0, sizeof(d));
    memset(&g, 0, sizeof(g));
    rc = backend(&be, s);
    if (rc == FSE_OK) {
        rc = fse_store__op_begin(s, STORE_TX_READ);
    }
    if (rc != FSE_OK) {
        return rc;
    }
    rc = load_doc(&d, s, unique_id);
    if (rc == FSE_OK) {
        g.s = s;
        g.d = &d;
        g.a = fse_store__arena_new();
        g.b = g.a != NULL ? fse_store__arena_alloc(g.a, sizeof(*g.b)) : NULL;
        if (g.b == NULL) {
            rc = fse_error_set(FSE_E_NOMEM, FSE_STORE_MODULE, "bundle");
        }
    }
    if (rc == FSE_OK) {
        rc = be->get(s->conn, unique_id, true, on_get, &g);
        if (rc == FSE_E_NOT_FOUND) {
            rc = fse_error_set(FSE_E_NOT_FOUND, FSE_STORE_MODULE, "no bundle kept for %s",
                               unique_id);
        }
    }
    rc = fse_store__op_end(s, rc);
    fse_store__wipe(&d, sizeof(d));
    if (rc != FSE_OK) {
        fse_store__arena_free(g.a);
        return rc;
    }
    g.b->arena_ = g.a;
    *out = g.b;
    return FSE_OK;
}

void fse_store_eds_bundle_free(fse_store_eds_bundle *b)
{
    if (b != NULL) {
        fse_store__arena_free(b->arena_);
    }
}

static fse_err on_list_row(const store_eds_row *row, void *ctx)
{
    store_list *l = ctx;
    fse_err rc;
    fse_store_eds_bundle *b = fse_store__list_push(l, &rc);

    if (b == NULL) {
        return rc;
    }
    if (!row_copy(b, l->a, row)) {
        return fse_error_set(FSE_E_NOMEM, FSE_STORE_MODULE, "bundle list");
    }
    return FSE_OK;
}

/* A list filled by a backend call (store_list l begun by the caller). */
static fse_err list_finish(fse_store_eds_list **out, store_list *l, fse_err rc)
{
    fse_store_eds_list *list = fse_store__list_end(l, &rc, sizeof(*list), "bundles");

    if (list != NULL) {
        list->n = l->n;
        list->items = l->items;
        list->arena_ = l->a;
        *out = list;
    }
    return rc;
}

fse_err fse_store_eds_list_patient(fse_store_eds_list **out, fse_store *s, const char *patient_id,
                                   unsigned statuses)
{
    const store_eds_backend *be = NULL;
    char ref[FSE_STORE_REF_LEN];
    store_list l;
    fse_err rc;

    if (out != NULL) {
        *out = NULL;
    }
    if (out == NULL || s == NULL || patient_id == NULL || (statuses & ~ALL_STATUSES) != 0) {
        return fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "eds list: bad argument");
    }
    rc = backend(&be, s);
    if (rc == FSE_OK) {
        rc = fse_store_ref(ref, s, FSE_STORE_REF_PATIENT, patient_id);
    }
    if (rc == FSE_OK) {
        rc = fse_store__list_begin(&l, s, sizeof(fse_store_eds_bundle), FSE_STORE_MAX_PATIENT_DOCS);
    }
    if (rc != FSE_OK) {
        return rc;
    }
    rc = be->list_patient(s->conn, ref,
                          statuses != 0 ? statuses : FSE_STORE_EDS_BIT(FSE_STORE_EDS_CURRENT),
                          FSE_STORE_MAX_PATIENT_DOCS + 1, on_list_row, &l);
    return list_finish(out, &l, rc);
}

fse_err fse_store_eds_list_all(fse_store_eds_list **out, fse_store *s, unsigned statuses,
                               const char *after, size_t max)
{
    const store_eds_backend *be = NULL;
    store_list l;
    fse_err rc;

    if (out != NULL) {
        *out = NULL;
    }
    if (out == NULL || s == NULL || (statuses & ~ALL_STATUSES) != 0 ||
        max > FSE_STORE_EDS_MAX_PAGE) {
        return fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "eds list: bad argument");
    }
    rc = fse_store__check_str(after, "uniqueId", STORE_MAX_ID_LEN, false);
    if (rc == FSE_OK) {
        rc = backend(&be, s);
    }
    if (max == 0) {
        max = FSE_STORE_EDS_PAGE;
    }
    if (rc == FSE_OK) {
        rc = fse_store__list_begin(&l, s, sizeof(fse_store_eds_bundle), max);
    }
    if (rc != FSE_OK) {
        return rc;
    }
    rc = be->list_all(s->conn, statuses != 0 ? statuses : FSE_STORE_EDS_BIT(FSE_STORE_EDS_CURRENT),
                      after, max, on_list_row, &l);
    return list_finish(out, &l, rc);
}

void fse_store_eds_list_free(fse_store_eds_list *l)
{
    if (l != NULL) {
        fse_store__arena_free(l->arena_);
    }
}

typedef struct res_ctx {
    store_list l;
    const eds_doc *d;
} res_ctx;

static fse_err on_res_row(const store_eds_res_row *row, void *ctx)
{
    res_ctx *r = ctx;
    store_aad aad;
    uint8_t *plain = NULL;
    size_t plain_len = 0;
    fse_store_eds_resource *item;
    fse_err rc;

    if (row->patient_ref == NULL || strcmp(row->patient_ref, r->d->patient_ref) != 0 ||
        row->type == NULL || row->seq < 0) {
        return fse_error_set(FSE_E_CRYPTO, FSE_STORE_MODULE,
                             "resource of %s does not belong to its document", row->unique_id);
    }
    item = fse_store__list_push(&r->l, &rc);
    if (item == NULL) {
        return rc;
    }
    res_aad(&aad, r->d, row->unique_id, row->seq, row->type);
    rc =
        fse_store__aead_open(&plain, &plain_len, r->d->dk, aad.data, aad.len, row->ct, row->ct_len);
    if (rc != FSE_OK) {
        return fse_error_set(FSE_E_CRYPTO, FSE_STORE_MODULE,
                             "resource %lld of %s fails the integrity check", (long long)row->seq,
                             row->unique_id);
    }
    item->seq = (size_t)row->seq;
    item->json = fse_store__arena_strndup(r->l.a, (const char *)plain, plain_len);
    item->json_len = plain_len;
    if (item->json == NULL || !fse_store__arena_set(r->l.a, &item->type, row->type)) {
        rc = fse_error_set(FSE_E_NOMEM, FSE_STORE_MODULE, "resources");
    }
    fse_store__wipe(plain, plain_len);
    fse_free(plain);
    return rc;
}

fse_err fse_store_eds_resources(fse_store_eds_resource_list **out, fse_store *s,
                                const char *unique_id, const char *const *types, size_t n_types,
                                size_t max)
{
    const store_eds_backend *be = NULL;
    fse_store_eds_resource_list *list;
    eds_doc d;
    res_ctx r;
    size_t i;
    fse_err rc;

    if (out != NULL) {
        *out = NULL;
    }
    if (out == NULL || s == NULL || unique_id == NULL || (n_types > 0 && types == NULL)) {
        return fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "eds resources: missing argument");
    }
    if (n_types > STORE_EDS_MAX_QUERY_TYPES) {
        return fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "more than %u resource types",
                             STORE_EDS_MAX_QUERY_TYPES);
    }
    for (i = 0; i < n_types; i++) {
        rc = fse_store__check_str(types[i], "resource type", FSE_STORE_EDS_MAX_TYPE, true);
        if (rc != FSE_OK) {
            return rc;
        }
    }
    if (max == 0 || max > FSE_STORE_EDS_MAX_RESOURCES) {
        max = FSE_STORE_EDS_MAX_RESOURCES;
    }
    memset(&d, 0, sizeof(d));
    rc = backend(&be, s);
    if (rc == FSE_OK) {
        rc = fse_store__op_begin(s, STORE_TX_READ);
    }
    if (rc != FSE_OK) {
        return rc;
    }
    rc = load_doc(&d, s, unique_id);
    if (rc == FSE_OK) {
        rc = fse_store__list_begin(&r.l, s, sizeof(fse_store_eds_resource), max);
        if (rc == FSE_OK) {
            bool over;

            r.d = &d;
            rc = be->res_list(s->conn, unique_id, types, n_types, max + 1, on_res_row, &r);
            /* More than max: the list says so instead of failing. */
            over = r.l.over;
            r.l.over = false;
            list = fse_store__list_end(&r.l, &rc, sizeof(*list), "resources");
            if (list != NULL) {
                list->n = r.l.n;
                list->items = r.l.items;
                list->truncated = over;
                list->arena_ = r.l.a;
                *out = list;
            }
        }
    }
    rc = fse_store__op_end(s, rc);
    if (rc != FSE_OK && *out != NULL) {
        fse_store_eds_resource_list_free(*out);
        *out = NULL;
    }
    fse_store__wipe(&d, sizeof(d));
    return rc;
}

void fse_store_eds_resource_list_free(fse_store_eds_resource_list *l)
{
    if (l != NULL) {
        fse_store__arena_free(l->arena_);
    }
}
