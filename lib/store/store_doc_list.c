/*
 * lib/store/store_doc_list.c - the store front end's document lists: the
 * paged patient search and the listing of all of a patient's documents.
 *
 * Owns the list building (result slots grown up to the page, one extra row
 * asked for to know whether more exist: next_cursor, truncated) and the
 * defaults and caps of both queries. Every row is opened and checked
 * against its sealed record by store_doc.c (fse_store__doc_row_meta); the
 * statements and their indexes are store_sqlite_doc.c's.
 */
#include "store_int.h"

#include <string.h>

/* Every status bit a list may ask for. */
#define ALL_STATUSES                                                                               \
    (FSE_STORE_STATUS_BIT(FSE_STORE_DOC_APPROVED) |                                                \
     FSE_STORE_STATUS_BIT(FSE_STORE_DOC_DEPRECATED) | FSE_STORE_STATUS_BIT(FSE_STORE_DOC_DELETED))
/* Result slots allocated first; the array doubles up to the page size. */
#define LIST_FIRST_CAP 32u

typedef struct search_ctx {
    fse_store *s;
    fse_store_doc_list *list;
    size_t cap; /* slots in list->docs */
    size_t page;
    int64_t last_seq;
    bool more;
} search_ctx;

/* An empty list for at most page documents (page >= 1). */
static fse_err list_start(search_ctx *c, fse_store *s, size_t page)
{
    memset(c, 0, sizeof(*c));
    c->s = s;
    c->page = page;
    c->cap = page < LIST_FIRST_CAP ? page : LIST_FIRST_CAP;
    c->list = fse_calloc(1, sizeof(*c->list));
    if (c->list != NULL) {
        c->list->docs = fse_calloc(c->cap, sizeof(*c->list->docs));
    }
    if (c->list == NULL || c->list->docs == NULL) {
        fse_store_doc_list_free(c->list);
        c->list = NULL;
        return fse_error_set(FSE_E_NOMEM, FSE_STORE_MODULE, "document list");
    }
    return FSE_OK;
}

static fse_err on_search_row(const store_doc_row *row, void *ctx)
{
    search_ctx *c = ctx;
    fse_store_doc_meta *m = NULL;
    fse_err rc;

    if (c->list->n_docs == c->page) {
        c->more = true; /* the one extra row asked for: another page exists */
        return FSE_OK;
    }
    if (c->list->n_docs == c->cap) {
        size_t cap = c->cap * 2 < c->page ? c->cap * 2 : c->page;
        fse_store_doc_meta **docs = fse_realloc(c->list->docs, cap * sizeof(*docs));

        if (docs == NULL) {
            return fse_error_set(FSE_E_NOMEM, FSE_STORE_MODULE, "document list");
        }
        c->list->docs = docs;
        c->cap = cap;
    }
    rc = fse_store__doc_row_meta(&m, c->s, row);
    if (rc != FSE_OK) {
        return rc;
    }
    c->list->docs[c->list->n_docs++] = m;
    c->last_seq = row->seq;
    return FSE_OK;
}

fse_err fse_store_doc_search(fse_store_doc_list **out, fse_store *s, const fse_store_doc_query *q)
{
    char ref[FSE_STORE_REF_LEN];
    store_doc_filter f;
    search_ctx c;
    fse_err rc;

    if (out == NULL || s == NULL || q == NULL || q->patient_id == NULL || q->cursor < 0) {
        return fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "search: missing argument");
    }
    *out = NULL;
    if (q->page_size > STORE_MAX_PAGE) {
        return fse_error_set(FSE_E_LIMIT, FSE_STORE_MODULE, "page size over %u", STORE_MAX_PAGE);
    }
    rc = fse_store_ref(ref, s, FSE_STORE_REF_PATIENT, q->patient_id);
    if (rc == FSE_OK) {
        rc = list_start(&c, s, q->page_size == 0 ? STORE_DEFAULT_PAGE : q->page_size);
    }
    if (rc != FSE_OK) {
        return rc;
    }
    memset(&f, 0, sizeof(f));
    f.patient_ref = ref;
    f.type_code = q->type_code;
    f.class_code = q->class_code;
    f.created_from = q->created_from;
    f.created_to = q->created_to;
    f.statuses = q->statuses != 0 ? q->statuses : FSE_STORE_STATUS_BIT(FSE_STORE_DOC_APPROVED);
    f.before_seq = q->cursor;
    f.limit = c.page + 1;
    rc = s->be->doc_search(s->conn, &f, on_search_row, &c);
    if (rc != FSE_OK) {
        fse_store_doc_list_free(c.list);
        return rc;
    }
    c.list->next_cursor = c.more ? c.last_seq : 0;
    *out = c.list;
    return FSE_OK;
}

fse_err fse_store_doc_list_patient(fse_store_doc_list **out, bool *truncated_out, fse_store *s,
                                   const char *patient_id, unsigned statuses, size_t max_docs)
{
    char ref[FSE_STORE_REF_LEN];
    search_ctx c;
    fse_err rc;

    if (out != NULL) {
        *out = NULL;
    }
    if (truncated_out != NULL) {
        *truncated_out = false;
    }
    if (out == NULL || s == NULL || patient_id == NULL || (statuses & ~ALL_STATUSES) != 0) {
        return fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "list: bad argument");
    }
    /* Tombstones have no patient reference left: they never match. A
     * larger max_docs is capped: the answer says it was truncated. */
    rc = fse_store_ref(ref, s, FSE_STORE_REF_PATIENT, patient_id);
    if (rc == FSE_OK) {
        rc = list_start(&c, s,
                        max_docs == 0 || max_docs > FSE_STORE_MAX_PATIENT_DOCS
                            ? FSE_STORE_MAX_PATIENT_DOCS
                            : max_docs);
    }
    if (rc != FSE_OK) {
        return rc;
    }
    rc = s->be->doc_list_patient(
        s->conn, ref, statuses != 0 ? statuses : FSE_STORE_STATUS_BIT(FSE_STORE_DOC_APPROVED),
        c.page + 1, on_search_row, &c);
    if (rc != FSE_OK) {
        fse_store_doc_list_free(c.list);
        return rc;
    }
    if (truncated_out != NULL) {
        *truncated_out = c.more;
    }
    *out = c.list;
    return FSE_OK;
}

void fse_store_doc_list_free(fse_store_doc_list *l)
{
    size_t i;

    if (l == NULL) {
        return;
    }
    for (i = 0; i < l->n_docs; i++) {
        fse_store_doc_meta_free(l->docs[i]);
    }
    fse_free(l->docs);
    fse_free(l);
}
