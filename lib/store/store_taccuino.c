/*
 * lib/store/store_taccuino.c - the patient's taccuino (fse/store_taccuino.h):
 * notes and documents entered by the patient, not certified (DM23 art.5).
 *
 * Owns the checks of a note, its random id, the keyed patient reference,
 * the sealing of its record (title, text, author, file name and type) and
 * of its file under associated data that binds the note id, the patient
 * and the plain columns, the cap of notes per patient, and the lists
 * returned. Does not own the rows (store_taccuino_be.h and its backends),
 * the AEAD and the record codec (store_crypto.c, store_record.c) nor who
 * may call it (lib/consult, lib/policy).
 */
#include "store_taccuino_be.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

/* Tags of the sealed record's fields (never renumbered). */
static const store_rec_field note_sealed[] = {
    {1, offsetof(fse_store_note, title)},     {2, offsetof(fse_store_note, text)},
    {3, offsetof(fse_store_note, author_id)}, {4, offsetof(fse_store_note, file_name)},
    {5, offsetof(fse_store_note, file_type)},
};
#define N_NOTE_SEALED (sizeof(note_sealed) / sizeof(note_sealed[0]))

const store_taccuino_backend *fse_store__taccuino_backend(const fse_store *s)
{
    if (s->be == &fse_store__sqlite_backend) {
        return &fse_store__sqlite_taccuino_backend;
    }
    return NULL;
}

static fse_err backend(const store_taccuino_backend **out, const fse_store *s)
{
    *out = fse_store__taccuino_backend(s);
    if (*out == NULL) {
        return fse_error_set(FSE_E_UNSUPPORTED, FSE_STORE_MODULE, "backend %s has no taccuino",
                             s->be->name);
    }
    return FSE_OK;
}

static void note_aad(store_aad *a, const store_note_row *row)
{
    fse_store__aad_init(a, "fse-taccuino v1");
    fse_store__aad_str(a, row->note_id);
    fse_store__aad_str(a, row->patient_ref);
    fse_store__aad_i64(a, row->created_ms);
    fse_store__aad_str(a, row->author_role);
    fse_store__aad_i64(a, row->file_len);
}

static void file_aad(store_aad *a, const store_note_row *row)
{
    fse_store__aad_init(a, "fse-taccuino-file v1");
    fse_store__aad_str(a, row->note_id);
    fse_store__aad_str(a, row->patient_ref);
    fse_store__aad_i64(a, row->file_len);
}

/* A note id as we make them: 32 lowercase hex digits. */
static bool note_id_ok(const char *id)
{
    size_t i;

    if (id == NULL || strlen(id) != FSE_STORE_NOTE_ID_LEN - 1) {
        return false;
    }
    for (i = 0; id[i] != '\0'; i++) {
        if (!((id[i] >= '0' && id[i] <= '9') || (id[i] >= 'a' && id[i] <= 'f'))) {
            return false;
        }
    }
    return true;
}

static fse_err note_check(const fse_store_note *n, const uint8_t *file, size_t file_len)
{
    fse_err rc = fse_store__check_str(n->title, "note title", FSE_STORE_NOTE_MAX_TITLE, true);

    if (rc == FSE_OK) {
        rc = fse_store__check_str(n->text, "note text", FSE_STORE_NOTE_MAX_TEXT, false);
    }
    if (rc == FSE_OK) {
        rc = fse_store__check_str(n->author_id, "note author", STORE_MAX_ID_LEN, true);
    }
    if (rc == FSE_OK) {
        rc = fse_store__check_str(n->author_role, "note author role", 16, true);
    }
    if (rc != FSE_OK) {
        return rc;
    }
    if (file_len > FSE_STORE_NOTE_MAX_FILE) {
        return fse_error_set(FSE_E_LIMIT, FSE_STORE_MODULE, "note file over %u bytes",
                             FSE_STORE_NOTE_MAX_FILE);
    }
    if (file_len > 0 && file == NULL) {
        return fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "note file missing");
    }
    if (file_len == 0) {
        return FSE_OK;
    }
    rc = fse_store__check_str(n->file_name, "note file name", FSE_STORE_NOTE_MAX_FILE_NAME, true);
    if (rc == FSE_OK) {
        rc = fse_store__check_str(n->file_type, "note file type", 128, true);
    }
    return rc;
}

fse_err fse_store_note_add(fse_store *s, const char *patient_id, const fse_store_note *note,
                           const uint8_t *file, size_t file_len, char id_out[FSE_STORE_NOTE_ID_LEN])
{
    const store_taccuino_backend *be = NULL;
    char ref[FSE_STORE_REF_LEN];
    uint8_t rnd[16];
    fse_store_note rec;
    store_note_row row;
    store_aad aad;
    uint8_t *sealed = NULL;
    uint8_t *file_ct = NULL;
    size_t sealed_len = 0;
    size_t file_ct_len = 0;
    int64_t n = 0;
    fse_err rc;

    if (id_out != NULL) {
        id_out[0] = '\0';
    }
    if (s == NULL || patient_id == NULL || note == NULL || id_out == NULL) {
        return fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "note add: missing argument");
    }
    rc = backend(&be, s);
    if (rc == FSE_OK) {
        rc = note_check(note, file, file_len);
    }
    if (rc == FSE_OK) {
        rc = fse_store_ref(ref, s, FSE_STORE_REF_PATIENT, patient_id);
    }
    if (rc == FSE_OK) {
        rc = fse_store__random(rnd, sizeof(rnd));
    }
    if (rc != FSE_OK) {
        return rc;
    }
    fse_hex_encode(id_out, rnd, sizeof(rnd));
    rec = *note;
    if (file_len == 0) {
        rec.file_name = NULL;
        rec.file_type = NULL;
    }
    memset(&row, 0, sizeof(row));
    row.note_id = id_out;
    row.patient_ref = ref;
    row.created_ms = note->created_ms;
    row.author_role = note->author_role;
    row.file_len = (int64_t)file_len;
    note_aad(&aad, &row);
    rc = fse_store__rec_seal(&sealed, &sealed_len, s, &aad, &rec, note_sealed, N_NOTE_SEALED);
    if (rc == FSE_OK && file_len > 0) {
        file_aad(&aad, &row);
        rc = fse_store__aead_seal(&file_ct, &file_ct_len, s->node_keys[STORE_NK_SEAL], aad.data,
                                  aad.len, file, file_len);
    }
    if (rc == FSE_OK) {
        row.sealed = sealed;
        row.sealed_len = sealed_len;
        row.file_ct = file_ct;
        row.file_ct_len = file_ct_len;
        rc = fse_store__op_begin(s, STORE_TX_WRITE);
        if (rc == FSE_OK) {
            rc = be->count(s->conn, ref, &n);
            if (rc == FSE_OK && n >= (int64_t)FSE_STORE_NOTES_MAX) {
                rc = fse_error_set(FSE_E_LIMIT, FSE_STORE_MODULE,
                                   "the taccuino of this patient is full (%u notes)",
                                   FSE_STORE_NOTES_MAX);
            }
            if (rc == FSE_OK) {
                rc = be->insert(s->conn, &row);
            }
            rc = fse_store__op_end(s, rc);
        }
    }
    fse_free(sealed);
    fse_free(file_ct);
    if (rc != FSE_OK) {
        id_out[0] = '\0';
    }
    return rc;
}

/* A row read back into a list item; the file opened when the row has it. */
static fse_err on_note(const store_note_row *row, void *ctx)
{
    store_list *l = ctx;
    fse_store_note *n;
    store_aad aad;
    uint8_t *plain = NULL;
    size_t plain_len = 0;
    fse_err rc = FSE_OK;

    note_aad(&aad, row);
    n = fse_store__list_open(l, &rc, &aad, row->sealed, row->sealed_len, note_sealed, N_NOTE_SEALED,
                             "note", 0);
    if (n == NULL) {
        return rc;
    }
    if (row->note_id == NULL || strlen(row->note_id) != FSE_STORE_NOTE_ID_LEN - 1 ||
        row->file_len < 0 || row->file_len > (int64_t)FSE_STORE_NOTE_MAX_FILE) {
        return fse_error_set(FSE_E_CRYPTO, FSE_STORE_MODULE, "a note row was changed");
    }
    memcpy(n->id, row->note_id, FSE_STORE_NOTE_ID_LEN);
    n->created_ms = row->created_ms;
    n->file_len = (size_t)row->file_len;
    if (!fse_store__arena_set(l->a, &n->author_role, row->author_role)) {
        return fse_error_set(FSE_E_NOMEM, FSE_STORE_MODULE, "notes");
    }
    if (row->file_ct == NULL) {
        return FSE_OK;
    }
    file_aad(&aad, row);
    rc = fse_store__aead_open(&plain, &plain_len, l->s->node_keys[STORE_NK_SEAL], aad.data, aad.len,
                              row->file_ct, row->file_ct_len);
    if (rc != FSE_OK) {
        return fse_error_set(FSE_E_CRYPTO, FSE_STORE_MODULE, "the file of a note does not open");
    }
    if (plain_len != n->file_len) {
        rc = fse_error_set(FSE_E_CRYPTO, FSE_STORE_MODULE, "the file of a note was changed");
    } else {
        uint8_t *copy = fse_store__arena_alloc(l->a, plain_len + 1);

        if (copy == NULL) {
            rc = fse_error_set(FSE_E_NOMEM, FSE_STORE_MODULE, "note file");
        } else {
            memcpy(copy, plain, plain_len);
            n->file = copy;
        }
    }
    fse_store__wipe(plain, plain_len);
    fse_free(plain);
    return rc;
}

/* Common start of the readers: arguments, backend, patient reference. */
static fse_err reader(const store_taccuino_backend **be, char ref[FSE_STORE_REF_LEN],
                      fse_store_note_list **out, fse_store *s, const char *patient_id)
{
    fse_err rc;

    if (out != NULL) {
        *out = NULL;
    }
    if (out == NULL || s == NULL || patient_id == NULL) {
        return fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "notes: missing argument");
    }
    rc = backend(be, s);
    if (rc == FSE_OK) {
        rc = fse_store__need_keys(s);
    }
    if (rc == FSE_OK) {
        rc = fse_store_ref(ref, s, FSE_STORE_REF_PATIENT, patient_id);
    }
    return rc;
}

static fse_err finish(fse_store_note_list **out, store_list *l, fse_err rc)
{
    fse_store_note_list *list = fse_store__list_end(l, &rc, sizeof(*list), "notes");

    if (list != NULL) {
        list->n = l->n;
        list->items = l->items;
        list->arena_ = l->a;
        *out = list;
    }
    return rc;
}

fse_err fse_store_note_list_get(fse_store_note_list **out, fse_store *s, const char *patient_id)
{
    const store_taccuino_backend *be = NULL;
    char ref[FSE_STORE_REF_LEN];
    store_list l;
    fse_err rc = reader(&be, ref, out, s, patient_id);

    if (rc == FSE_OK) {
        rc = fse_store__list_begin(&l, s, sizeof(fse_store_note), FSE_STORE_NOTES_MAX);
    }
    if (rc != FSE_OK) {
        return rc;
    }
    rc = fse_store__op_begin(s, STORE_TX_READ);
    if (rc == FSE_OK) {
        rc = fse_store__op_end(s, be->list(s->conn, ref, FSE_STORE_NOTES_MAX, on_note, &l));
    }
    return finish(out, &l, rc);
}

fse_err fse_store_note_get(fse_store_note_list **out, fse_store *s, const char *patient_id,
                           const char *note_id, bool with_file)
{
    const store_taccuino_backend *be = NULL;
    char ref[FSE_STORE_REF_LEN];
    store_list l;
    fse_err rc = reader(&be, ref, out, s, patient_id);

    if (rc != FSE_OK) {
        return rc;
    }
    if (!note_id_ok(note_id)) {
        return fse_error_set(FSE_E_NOT_FOUND, FSE_STORE_MODULE, "no such note");
    }
    rc = fse_store__list_begin(&l, s, sizeof(fse_store_note), 1);
    if (rc != FSE_OK) {
        return rc;
    }
    rc = fse_store__op_begin(s, STORE_TX_READ);
    if (rc == FSE_OK) {
        rc = fse_store__op_end(s, be->get(s->conn, ref, note_id, with_file, on_note, &l));
    }
    if (rc == FSE_E_NOT_FOUND) {
        rc = fse_error_set(FSE_E_NOT_FOUND, FSE_STORE_MODULE, "no such note");
    }
    return finish(out, &l, rc);
}

fse_err fse_store_note_delete(fse_store *s, const char *patient_id, const char *note_id)
{
    const store_taccuino_backend *be = NULL;
    char ref[FSE_STORE_REF_LEN];
    fse_err rc;

    if (s == NULL || patient_id == NULL) {
        return fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "note delete: missing argument");
    }
    rc = backend(&be, s);
    if (rc == FSE_OK) {
        rc = fse_store_ref(ref, s, FSE_STORE_REF_PATIENT, patient_id);
    }
    if (rc != FSE_OK) {
        return rc;
    }
    if (!note_id_ok(note_id)) {
        return fse_error_set(FSE_E_NOT_FOUND, FSE_STORE_MODULE, "no such note");
    }
    rc = fse_store__op_begin(s, STORE_TX_WRITE);
    if (rc == FSE_OK) {
        rc = fse_store__op_end(s, be->remove(s->conn, ref, note_id));
    }
    if (rc == FSE_E_NOT_FOUND) {
        rc = fse_error_set(FSE_E_NOT_FOUND, FSE_STORE_MODULE, "no such note");
    }
    return rc;
}

void fse_store_note_list_free(fse_store_note_list *l)
{
    if (l != NULL) {
        fse_store__arena_free(l->arena_);
    }
}
