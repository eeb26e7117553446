/*
 * tests/store/store_fixture.h - helpers shared by the store and audit
 * suites: a fresh directory under the build tree with a master key file and
 * a store, a raw SQLite connection for tampering, sample document metadata,
 * and a byte search over files.
 */
#ifndef FSE_TEST_STORE_FIXTURE_H
#define FSE_TEST_STORE_FIXTURE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include <sqlite3.h>

#include "fse/store.h"

/* A test patient, an operator, and text that appears only in the CDA. */
#define FX_PATIENT_CF "RSSMRA85T10A562S"
#define FX_PATIENT_XDS FX_PATIENT_CF "^^^&2.16.840.1.113883.2.9.4.3.2&ISO"
#define FX_OTHER_CF "BNCLRA90A41F205Z"
#define FX_DOCTOR_CF "VRDGPP70C15H501K"
#define FX_CDA_MARKER "Emocromo-referto-marcatore-7f3a9c"

typedef struct fx {
    char dir[PATH_MAX];
    char db[PATH_MAX];
    char key[PATH_MAX];  /* master key, created by fx_setup */
    char key2[PATH_MAX]; /* a second key, created by fx_setup */
    fse_store *s;        /* opened with key */
} fx;

/* Create the directory, two key files and open the store. 0 on success. */
int fx_setup(fx *f, const char *name);
/* Close the store and remove the directory. */
void fx_teardown(fx *f);
/* Open options for this fixture with the given key path (NULL: keyless). */
fse_store_opts fx_opts(const fx *f, const char *key_path);
/* Close and reopen f->s with key_path; returns the open code. */
fse_err fx_reopen(fx *f, const char *key_path);

/* A raw connection to the database (for tampering); sqlite3_close it. */
sqlite3 *fx_raw(const fx *f);
/* Run SQL on a raw connection; SQLITE_OK expected by callers. */
int fx_exec(sqlite3 *db, const char *sql);
/* Flip one bit in byte `at` (from the end when negative) of a blob cell. */
int fx_flip_blob(sqlite3 *db, const char *table, const char *column, const char *where, long at);

/* Sample metadata for uniqueId uid and patient id pid (strings static or
 * owned by the caller; event codes static). */
void fx_meta(fse_store_doc_meta *m, const char *uid, const char *pid);
/* Deterministic sample PDF / CDA bytes for uid into buf (NUL-terminated). */
size_t fx_pdf(char *buf, size_t cap, const char *uid);
size_t fx_cda(char *buf, size_t cap, const char *uid, const char *cf);

/* Whether the file at path contains needle (a missing file contains nothing). */
bool fx_file_contains(const char *path, const void *needle, size_t len);

#endif /* FSE_TEST_STORE_FIXTURE_H */
