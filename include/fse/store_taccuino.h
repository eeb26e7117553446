/*
 * include/fse/store_taccuino.h - the patient's taccuino in the node's store:
 * notes and documents the patient (or a legal representative) enters,
 * manages and deletes, never certified and always told apart from the
 * published documents (DM23 art.5; domain-rules §1.1 k, §5).
 *
 * Owns the interface of the note rows: add (title, text, an optional file),
 * list a patient's notes (newest first, without the files), get one (with
 * its file) and delete one. Kept in its own header beside fse/store.h: the
 * same handle, the same transaction rules, the same at-rest model. Does not
 * own who may read or write a taccuino (lib/consult with lib/policy: the
 * patient, a guardian, the parent of a minor) nor the audit of those acts.
 *
 * At rest: the patient is a keyed reference; title, text, file name and
 * type and the author's code are one value sealed (AES-256-GCM) with the
 * node's "seal" key, the file another, each under associated data naming
 * the note id, the patient reference and the plain columns (creation time,
 * author role, file size), so a value moved to another row or a changed
 * plain column fails to open (FSE_E_CRYPTO). Deleting a note removes its
 * row (secure_delete overwrites the pages).
 *
 * Threading: as fse/store.h (one handle per thread).
 */
#ifndef FSE_STORE_TACCUINO_H
#define FSE_STORE_TACCUINO_H

#include "fse/common.h"
#include "fse/error.h"
#include "fse/store.h"

/* A note id: 32 lowercase hex digits (128 random bits) and a NUL. */
#define FSE_STORE_NOTE_ID_LEN 33u
/* Limits of one note: what a person writes by hand, and a scan or photo. */
#define FSE_STORE_NOTE_MAX_TITLE 200u
#define FSE_STORE_NOTE_MAX_TEXT (16u * 1024u)
#define FSE_STORE_NOTE_MAX_FILE_NAME 200u
#define FSE_STORE_NOTE_MAX_FILE (2u * 1024u * 1024u)
/* Notes one patient may keep: the list is read whole. */
#define FSE_STORE_NOTES_MAX 200u

/* One note, as input of fse_store_note_add (id and file ignored, strings
 * borrowed) and as output (owned by the list). */
typedef struct fse_store_note {
    char id[FSE_STORE_NOTE_ID_LEN]; /* [plain] set by the store */
    int64_t created_ms;             /* [plain] */
    const char *title;              /* [sealed] required, <= FSE_STORE_NOTE_MAX_TITLE bytes */
    const char *text;               /* [sealed] may be NULL or "" */
    const char *author_id;          /* [sealed] who wrote it (CF); required */
    const char *author_role;        /* [plain] ASS, TUT or GEN; required */
    const char *file_name;          /* [sealed] NULL: no file */
    const char *file_type;          /* [sealed] the file's media type; with a file, required */
    size_t file_len;                /* [plain] 0: no file */
    const uint8_t *file;            /* output of fse_store_note_get with the file only */
} fse_store_note;

typedef struct fse_store_note_list {
    size_t n;
    fse_store_note *items; /* newest first */
    struct fse_store_arena *arena_;
} fse_store_note_list;

/*
 * Add a note to the taccuino of patient_id (CF or CX form) at time
 * note->created_ms, with file (file_len bytes; NULL/0: none) named by
 * note->file_name and note->file_type. id_out gets the new note's id.
 * @return FSE_OK; FSE_E_ARG (missing title, author or role, a file without
 *         name or type, text with NUL bytes); FSE_E_LIMIT (a field over its
 *         limit, or FSE_STORE_NOTES_MAX notes already kept); FSE_E_CRYPTO
 *         (keyless store); FSE_E_DB.
 */
FSE_API fse_err fse_store_note_add(fse_store *s, const char *patient_id, const fse_store_note *note,
                                   const uint8_t *file, size_t file_len,
                                   char id_out[FSE_STORE_NOTE_ID_LEN]);

/*
 * The notes of patient_id, newest first, without their files.
 * @param[out] out  caller frees with fse_store_note_list_free
 * @return FSE_OK (possibly empty), FSE_E_ARG, FSE_E_CRYPTO (keyless, or a
 *         changed row), FSE_E_DB.
 */
FSE_API fse_err fse_store_note_list_get(fse_store_note_list **out, fse_store *s,
                                        const char *patient_id);

/*
 * One note of patient_id, with its file when with_file (items[0].file).
 * @param[out] out  a list of one note; caller frees with fse_store_note_list_free
 * @return FSE_OK; FSE_E_NOT_FOUND (no such note for this patient: a note of
 *         another patient is not found either); FSE_E_ARG; FSE_E_CRYPTO;
 *         FSE_E_DB.
 */
FSE_API fse_err fse_store_note_get(fse_store_note_list **out, fse_store *s, const char *patient_id,
                                   const char *note_id, bool with_file);

/*
 * Delete a note of patient_id.
 * @return FSE_OK; FSE_E_NOT_FOUND (no such note for this patient);
 *         FSE_E_ARG; FSE_E_CRYPTO (keyless); FSE_E_DB.
 */
FSE_API fse_err fse_store_note_delete(fse_store *s, const char *patient_id, const char *note_id);

/* NULL: no-op. */
FSE_API void fse_store_note_list_free(fse_store_note_list *l);

#endif /* FSE_STORE_TACCUINO_H */
