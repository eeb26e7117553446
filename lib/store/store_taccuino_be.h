/*
 * lib/store/store_taccuino_be.h - the backend interface of the taccuino
 * rows (fse/store_taccuino.h), shared by store_taccuino.c (the front end)
 * and the backends that implement it (store_sqlite_taccuino.c).
 *
 * Owns the note row structure and its function table, separate from
 * store_backend (store_int.h) as the clinical store's is (store_eds_be.h):
 * a backend provides both, and fse_store__taccuino_backend picks the one
 * that goes with a handle's backend. Rows arrive sealed: a backend never
 * sees a note, a file or a person identifier in clear.
 */
#ifndef FSE_STORE_TACCUINO_BE_H
#define FSE_STORE_TACCUINO_BE_H

#include "fse/store_taccuino.h"
#include "store_int.h"

/* A note row: plain columns, the sealed record and the sealed file. */
typedef struct store_note_row {
    const char *note_id;
    const char *patient_ref;
    int64_t created_ms;
    const char *author_role;
    int64_t file_len;
    const uint8_t *sealed; /* title, text, author, file name and type */
    size_t sealed_len;
    const uint8_t *file_ct; /* NULL: no file, or not asked for */
    size_t file_ct_len;
} store_note_row;

typedef fse_err (*store_note_fn)(const store_note_row *row, void *ctx);

/*
 * Functions return FSE_OK or an fse_err with the message set (FSE_E_DB for
 * backend failures; FSE_E_NOT_FOUND where stated). They run inside the
 * front end's operation scope (fse_store__op_begin).
 */
typedef struct store_taccuino_backend {
    fse_err (*insert)(store_conn *c, const store_note_row *row);
    fse_err (*count)(store_conn *c, const char *patient_ref, int64_t *n_out);
    /* A patient's notes without file_ct, newest first, at most limit. */
    fse_err (*list)(store_conn *c, const char *patient_ref, size_t limit, store_note_fn fn,
                    void *ctx);
    /* One note of the patient, file_ct when with_file; NOT_FOUND when absent. */
    fse_err (*get)(store_conn *c, const char *patient_ref, const char *note_id, bool with_file,
                   store_note_fn fn, void *ctx);
    /* NOT_FOUND when the patient has no such note. */
    fse_err (*remove)(store_conn *c, const char *patient_ref, const char *note_id);
} store_taccuino_backend;

/* The SQLite rows (store_sqlite_taccuino.c). */
extern const store_taccuino_backend fse_store__sqlite_taccuino_backend;

/* The table that goes with s's backend; NULL when it has none. */
const store_taccuino_backend *fse_store__taccuino_backend(const fse_store *s);

#endif /* FSE_STORE_TACCUINO_BE_H */
