/*
 * lib/store/store_eds_be.h - the backend interface of the regional clinical
 * store rows (fse/store_eds.h), shared by store_eds.c (the front end) and
 * the backends that implement it (store_sqlite_eds.c).
 *
 * Owns the bundle and resource row structures and their function table.
 * The table is separate from store_backend (store_int.h) so the clinical
 * store can grow without changing the document backend's; a backend
 * provides both, and fse_store__eds_backend picks the one that goes with a
 * handle's backend. As for every backend, rows arrive sealed: a backend
 * never sees a bundle, a resource or a person identifier in clear.
 */
#ifndef FSE_STORE_EDS_BE_H
#define FSE_STORE_EDS_BE_H

#include "fse/store_eds.h"
#include "store_int.h"

/* Most resource types one query may name. */
#define STORE_EDS_MAX_QUERY_TYPES 16u

/* A bundle row: plain columns and the sealed bundle (or failure reason). */
typedef struct store_eds_row {
    const char *unique_id;
    const char *doc_id;
    const char *patient_ref;
    int status; /* fse_store_eds_status */
    const char *replaced_by;
    int64_t n_resources;
    int64_t created_ms, updated_ms;
    const uint8_t *ct; /* NULL when not asked for */
    size_t ct_len;
} store_eds_row;

/* A resource row. */
typedef struct store_eds_res_row {
    const char *unique_id;
    int64_t seq;
    const char *patient_ref;
    const char *type;
    const uint8_t *ct;
    size_t ct_len;
} store_eds_res_row;

typedef fse_err (*store_eds_fn)(const store_eds_row *row, void *ctx);
typedef fse_err (*store_eds_res_fn)(const store_eds_res_row *row, void *ctx);

/*
 * Functions return FSE_OK or an fse_err with the message set (FSE_E_DB for
 * backend failures; FSE_E_NOT_FOUND where stated). They run inside the
 * front end's operation scope (fse_store__op_begin).
 */
typedef struct store_eds_backend {
    /* Insert or replace the bundle row of row->unique_id (keeping its
     * created_ms when it existed). */
    fse_err (*put)(store_conn *c, const store_eds_row *row);
    /* Insert resource rows (one statement, reused). */
    fse_err (*res_insert)(store_conn *c, const store_eds_res_row *rows, size_t n);
    /* Remove the resource rows of a document; *n_out how many. */
    fse_err (*res_clear)(store_conn *c, const char *unique_id, int64_t *n_out);
    /* Remove the resource rows of a document whose type is not one of
     * keep (n_keep <= STORE_EDS_MAX_QUERY_TYPES); *n_left how many stay. */
    fse_err (*res_prune)(store_conn *c, const char *unique_id, const char *const *keep,
                         size_t n_keep, int64_t *n_left);
    /* Remove the bundle row (FSE_OK when absent). */
    fse_err (*remove)(store_conn *c, const char *unique_id);
    /* The bundle row, with ct when with_ct; NOT_FOUND when absent. */
    fse_err (*get)(store_conn *c, const char *unique_id, bool with_ct, store_eds_fn fn, void *ctx);
    /* Set status and replaced_by (NULL keeps it); NOT_FOUND when absent. */
    fse_err (*set_status)(store_conn *c, const char *unique_id, int status, const char *replaced_by,
                          int64_t now_ms);
    /* Bundle rows of a patient (without ct) with a status in the mask
     * (FSE_STORE_EDS_BIT), newest created first, at most limit. */
    fse_err (*list_patient)(store_conn *c, const char *patient_ref, unsigned statuses, size_t limit,
                            store_eds_fn fn, void *ctx);
    /* Bundle rows (without ct) with a status in the mask, unique_id
     * after `after` ("" from the first) in unique_id order, at most limit. */
    fse_err (*list_all)(store_conn *c, unsigned statuses, const char *after, size_t limit,
                        store_eds_fn fn, void *ctx);
    /* Resource rows of a document, of the given types (n_types 0: all,
     * at most STORE_EDS_MAX_QUERY_TYPES), by seq, at most limit. */
    fse_err (*res_list)(store_conn *c, const char *unique_id, const char *const *types,
                        size_t n_types, size_t limit, store_eds_res_fn fn, void *ctx);
} store_eds_backend;

/* The SQLite rows (store_sqlite_eds.c). */
extern const store_eds_backend fse_store__sqlite_eds_backend;

/* The table that goes with s's backend; NULL when it has none. */
const store_eds_backend *fse_store__eds_backend(const fse_store *s);

#endif /* FSE_STORE_EDS_BE_H */
