/*
 * tests/store/test_store_taccuino.c - the patient's taccuino
 * (fse/store_taccuino.h): notes with and without a file added, listed
 * newest first, read back with their file, deleted; another patient's
 * note is not found; bad input and the per-patient cap; nothing in clear
 * at rest, and a changed, moved or flipped value is an integrity error.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "fse/store_taccuino.h"
#include "store_fixture.h"
#include "test_store.h"

#define NOTE_MARKER "Glicemia-a-digiuno-taccuino-4b1d"
#define FILE_MARKER "Scansione-ricetta-privata-99e0"

static fse_store_note note(const char *title, const char *text, int64_t when)
{
    fse_store_note n;

    memset(&n, 0, sizeof(n));
    n.title = title;
    n.text = text;
    n.author_id = FX_PATIENT_CF;
    n.author_role = "ASS";
    n.created_ms = when;
    return n;
}

/* A file with NUL bytes and the marker. */
static size_t sample_file(uint8_t *buf, size_t cap)
{
    size_t n = (size_t)snprintf((char *)buf, cap, "%%PDF-1.4\n%s\n", FILE_MARKER);

    buf[n++] = 0;
    buf[n++] = 0xff;
    buf[n++] = 0;
    return n;
}

void taccuino_round_trip(void **state)
{
    fx *f = *state;
    fse_store_note a = note("Pressione", "130/85 al mattino", T0);
    fse_store_note b = note("Referto privato", NULL, T0 + 1000);
    fse_store_note c = note(NOTE_MARKER, "valori annotati a mano", T0 + 2000);
    char id_a[FSE_STORE_NOTE_ID_LEN];
    char id_b[FSE_STORE_NOTE_ID_LEN];
    char id_c[FSE_STORE_NOTE_ID_LEN];
    fse_store_note_list *l = NULL;
    uint8_t file[256];
    size_t file_len = sample_file(file, sizeof(file));

    b.file_name = "ricetta.pdf";
    b.file_type = "application/pdf";
    b.author_id = FX_OTHER_CF;
    b.author_role = "TUT";
    assert_int_equal(fse_store_note_add(f->s, FX_PATIENT_CF, &a, NULL, 0, id_a), FSE_OK);
    assert_int_equal(fse_store_note_add(f->s, FX_PATIENT_XDS, &b, file, file_len, id_b), FSE_OK);
    assert_int_equal(fse_store_note_add(f->s, FX_PATIENT_CF, &c, NULL, 0, id_c), FSE_OK);
    assert_int_equal(strlen(id_a), 32);
    assert_string_not_equal(id_a, id_b);

    /* newest first, no files in the list */
    assert_int_equal(fse_store_note_list_get(&l, f->s, FX_PATIENT_CF), FSE_OK);
    assert_int_equal(l->n, 3);
    assert_string_equal(l->items[0].id, id_c);
    assert_string_equal(l->items[0].title, NOTE_MARKER);
    assert_string_equal(l->items[0].text, "valori annotati a mano");
    assert_null(l->items[0].file_name);
    assert_int_equal(l->items[0].file_len, 0);
    assert_string_equal(l->items[1].id, id_b);
    assert_null(l->items[1].text);
    assert_string_equal(l->items[1].file_name, "ricetta.pdf");
    assert_string_equal(l->items[1].file_type, "application/pdf");
    assert_int_equal(l->items[1].file_len, file_len);
    assert_null(l->items[1].file);
    assert_string_equal(l->items[1].author_id, FX_OTHER_CF);
    assert_string_equal(l->items[1].author_role, "TUT");
    assert_int_equal(l->items[1].created_ms, T0 + 1000);
    assert_string_equal(l->items[2].id, id_a);
    fse_store_note_list_free(l);

    /* one note with its file */
    assert_int_equal(fse_store_note_get(&l, f->s, FX_PATIENT_CF, id_b, true), FSE_OK);
    assert_int_equal(l->n, 1);
    assert_non_null(l->items[0].file);
    assert_memory_equal(l->items[0].file, file, file_len);
    fse_store_note_list_free(l);
    assert_int_equal(fse_store_note_get(&l, f->s, FX_PATIENT_CF, id_b, false), FSE_OK);
    assert_null(l->items[0].file);
    fse_store_note_list_free(l);

    /* another patient finds nothing, and has nothing */
    assert_int_equal(fse_store_note_get(&l, f->s, FX_OTHER_CF, id_b, true), FSE_E_NOT_FOUND);
    assert_null(l);
    assert_int_equal(fse_store_note_delete(f->s, FX_OTHER_CF, id_b), FSE_E_NOT_FOUND);
    assert_int_equal(fse_store_note_list_get(&l, f->s, FX_OTHER_CF), FSE_OK);
    assert_int_equal(l->n, 0);
    fse_store_note_list_free(l);
    assert_int_equal(fse_store_note_get(&l, f->s, FX_PATIENT_CF, "../../etc", true),
                     FSE_E_NOT_FOUND);
    assert_int_equal(
        fse_store_note_get(&l, f->s, FX_PATIENT_CF, "ABCDEF0123456789ABCDEF0123456789", true),
        FSE_E_NOT_FOUND);

    /* delete */
    assert_int_equal(fse_store_note_delete(f->s, FX_PATIENT_CF, id_b), FSE_OK);
    assert_int_equal(fse_store_note_delete(f->s, FX_PATIENT_CF, id_b), FSE_E_NOT_FOUND);
    assert_int_equal(fse_store_note_list_get(&l, f->s, FX_PATIENT_CF), FSE_OK);
    assert_int_equal(l->n, 2);
    fse_store_note_list_free(l);
    fse_store_note_list_free(NULL);
}

void taccuino_rejects_bad_input(void **state)
{
    fx *f = *state;
    static char long_title[FSE_STORE_NOTE_MAX_TITLE + 2];
    static uint8_t big[FSE_STORE_NOTE_MAX_FILE + 1];
    fse_store_note n = note("ok", NULL, T0);
    char id[FSE_STORE_NOTE_ID_LEN];
    uint8_t file[4] = {1, 2, 3, 4};

    memset(long_title, 'x', sizeof(long_title) - 1);
    n.title = NULL;
    assert_int_equal(fse_store_note_add(f->s, FX_PATIENT_CF, &n, NULL, 0, id), FSE_E_ARG);
    assert_string_equal(id, "");
    n.title = long_title;
    assert_int_equal(fse_store_note_add(f->s, FX_PATIENT_CF, &n, NULL, 0, id), FSE_E_LIMIT);
    n = note("ok", NULL, T0);
    n.author_id = NULL;
    assert_int_equal(fse_store_note_add(f->s, FX_PATIENT_CF, &n, NULL, 0, id), FSE_E_ARG);
    n = note("ok", NULL, T0);
    n.author_role = "";
    assert_int_equal(fse_store_note_add(f->s, FX_PATIENT_CF, &n, NULL, 0, id), FSE_E_ARG);
    n = note("ok", NULL, T0);
    assert_int_equal(fse_store_note_add(f->s, FX_PATIENT_CF, &n, file, sizeof(file), id),
                     FSE_E_ARG); /* no file name */
    n.file_name = "a.bin";
    assert_int_equal(fse_store_note_add(f->s, FX_PATIENT_CF, &n, file, sizeof(file), id),
                     FSE_E_ARG); /* no type */
    n.file_type = "application/octet-stream";
    assert_int_equal(fse_store_note_add(f->s, FX_PATIENT_CF, &n, NULL, 4, id), FSE_E_ARG);
    assert_int_equal(fse_store_note_add(f->s, FX_PATIENT_CF, &n, big, sizeof(big), id),
                     FSE_E_LIMIT);
    assert_int_equal(fse_store_note_add(NULL, FX_PATIENT_CF, &n, NULL, 0, id), FSE_E_ARG);
    assert_int_equal(fse_store_note_add(f->s, FX_PATIENT_CF, &n, file, sizeof(file), id), FSE_OK);
}

void taccuino_cap(void **state)
{
    fx *f = *state;
    fse_store_note n = note("nota", "testo", T0);
    char id[FSE_STORE_NOTE_ID_LEN];
    unsigned i;

    assert_int_equal(fse_store_tx_begin(f->s), FSE_OK);
    for (i = 0; i < FSE_STORE_NOTES_MAX; i++) {
        n.created_ms = T0 + i;
        assert_int_equal(fse_store_note_add(f->s, FX_PATIENT_CF, &n, NULL, 0, id), FSE_OK);
    }
    assert_int_equal(fse_store_tx_commit(f->s), FSE_OK);
    assert_int_equal(fse_store_note_add(f->s, FX_PATIENT_CF, &n, NULL, 0, id), FSE_E_LIMIT);
    assert_int_equal(fse_store_note_add(f->s, FX_OTHER_CF, &n, NULL, 0, id), FSE_OK);
}

/* Run sql on the raw database. */
static void raw(fx *f, const char *sql)
{
    sqlite3 *db = fx_raw(f);

    assert_non_null(db);
    if (fx_exec(db, sql) != SQLITE_OK) {
        fail_msg("%s: %s", sql, sqlite3_errmsg(db));
    }
    sqlite3_close(db);
}

static fse_err read_all(fx *f, const char *id)
{
    fse_store_note_list *l = NULL;
    fse_err rc = fse_store_note_list_get(&l, f->s, FX_PATIENT_CF);

    fse_store_note_list_free(l);
    if (rc == FSE_OK && id != NULL) {
        rc = fse_store_note_get(&l, f->s, FX_PATIENT_CF, id, true);
        fse_store_note_list_free(l);
    }
    return rc;
}

void taccuino_at_rest(void **state)
{
    fx *f = *state;
    fse_store_note a = note(NOTE_MARKER, "testo " NOTE_MARKER, T0);
    fse_store_note b = note("altra", NULL, T0 + 5);
    char id_a[FSE_STORE_NOTE_ID_LEN];
    char id_b[FSE_STORE_NOTE_ID_LEN];
    char id_c[FSE_STORE_NOTE_ID_LEN];
    char sql[256];
    uint8_t file[256];
    size_t file_len = sample_file(file, sizeof(file));
    sqlite3 *db;

    a.file_name = "scansione.pdf";
    a.file_type = "application/pdf";
    b.file_name = "b.pdf";
    b.file_type = "application/pdf";
    assert_int_equal(fse_store_note_add(f->s, FX_PATIENT_CF, &a, file, file_len, id_a), FSE_OK);
    assert_int_equal(fse_store_note_add(f->s, FX_PATIENT_CF, &b, file, file_len, id_b), FSE_OK);
    fse_store_free(f->s);
    f->s = NULL;
    assert_false(fx_file_contains(f->db, NOTE_MARKER, strlen(NOTE_MARKER)));
    assert_false(fx_file_contains(f->db, FILE_MARKER, strlen(FILE_MARKER)));
    assert_false(fx_file_contains(f->db, FX_PATIENT_CF, strlen(FX_PATIENT_CF)));
    assert_false(fx_file_contains(f->db, "scansione.pdf", strlen("scansione.pdf")));

    /* keyless: nothing opens, nothing is added */
    assert_int_equal(fx_reopen(f, NULL), FSE_OK);
    assert_int_equal(read_all(f, NULL), FSE_E_CRYPTO);
    assert_int_equal(fse_store_note_add(f->s, FX_PATIENT_CF, &b, NULL, 0, id_c), FSE_E_CRYPTO);
    assert_int_equal(fx_reopen(f, f->key), FSE_OK);
    assert_int_equal(read_all(f, id_a), FSE_OK);

    /* a flipped byte of the record, then of the file */
    snprintf(sql, sizeof(sql), "note_id = '%s'", id_a);
    db = fx_raw(f);
    assert_int_equal(fx_flip_blob(db, "taccuino", "sealed", sql, -3), SQLITE_OK);
    sqlite3_close(db);
    assert_int_equal(read_all(f, NULL), FSE_E_CRYPTO);
    db = fx_raw(f);
    assert_int_equal(fx_flip_blob(db, "taccuino", "sealed", sql, -3), SQLITE_OK);
    sqlite3_close(db);
    assert_int_equal(read_all(f, id_a), FSE_OK);
    db = fx_raw(f);
    assert_int_equal(fx_flip_blob(db, "taccuino", "file_ct", sql, 20), SQLITE_OK);
    sqlite3_close(db);
    assert_int_equal(read_all(f, NULL), FSE_OK); /* the list does not read files */
    assert_int_equal(read_all(f, id_a), FSE_E_CRYPTO);
    db = fx_raw(f);
    assert_int_equal(fx_flip_blob(db, "taccuino", "file_ct", sql, 20), SQLITE_OK);
    sqlite3_close(db);
    assert_int_equal(read_all(f, id_a), FSE_OK);

    /* a changed plain column, a file moved to another note */
    snprintf(sql, sizeof(sql),
             "UPDATE taccuino SET created_ms = created_ms + 1 WHERE note_id = '%s'", id_a);
    raw(f, sql);
    assert_int_equal(read_all(f, NULL), FSE_E_CRYPTO);
    snprintf(sql, sizeof(sql),
             "UPDATE taccuino SET created_ms = created_ms - 1 WHERE note_id = '%s'", id_a);
    raw(f, sql);
    assert_int_equal(read_all(f, id_a), FSE_OK);
    snprintf(sql, sizeof(sql),
             "UPDATE taccuino SET file_ct = (SELECT file_ct FROM taccuino WHERE note_id = '%s')"
             " WHERE note_id = '%s'",
             id_a, id_b);
    raw(f, sql);
    assert_int_equal(read_all(f, id_b), FSE_E_CRYPTO);
}
