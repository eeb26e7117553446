/*
 * tests/store/store_fixture.c - the helpers of store_fixture.h: temporary
 * store directories under the build tree, raw SQLite tampering and sample
 * documents.
 */
#include "store_fixture.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fse/util.h"

int fx_setup(fx *f, const char *name)
{
    char base[PATH_MAX];
    fse_store_opts o;

    memset(f, 0, sizeof(*f));
    snprintf(base, sizeof(base), "%s/test-tmp", FSE_BUILD_DIR);
    if (mkdir(base, 0700) != 0 && errno != EEXIST) {
        return -1;
    }
    snprintf(f->dir, sizeof(f->dir), "%s/%s-XXXXXX", base, name);
    if (mkdtemp(f->dir) == NULL) {
        return -1;
    }
    snprintf(f->db, sizeof(f->db), "%s/node.db", f->dir);
    snprintf(f->key, sizeof(f->key), "%s/master.key", f->dir);
    snprintf(f->key2, sizeof(f->key2), "%s/master2.key", f->dir);
    if (fse_store_keyfile_create(f->key) != FSE_OK || fse_store_keyfile_create(f->key2) != FSE_OK) {
        return -1;
    }
    o = fx_opts(f, f->key);
    return fse_store_open(&f->s, &o) == FSE_OK ? 0 : -1;
}

void fx_teardown(fx *f)
{
    DIR *d;
    struct dirent *e;

    fse_store_free(f->s);
    f->s = NULL;
    d = opendir(f->dir);
    if (d == NULL) {
        return;
    }
    for (e = readdir(d); e != NULL; e = readdir(d)) {
        char p[PATH_MAX + 256];

        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) {
            continue;
        }
        snprintf(p, sizeof(p), "%s/%s", f->dir, e->d_name);
        unlink(p);
    }
    closedir(d);
    rmdir(f->dir);
}

fse_store_opts fx_opts(const fx *f, const char *key_path)
{
    fse_store_opts o = FSE_STORE_OPTS_INIT;

    o.path = f->db;
    o.master_key_path = key_path;
    o.busy_timeout_ms = 10000;
    return o;
}

fse_err fx_reopen(fx *f, const char *key_path)
{
    fse_store_opts o = fx_opts(f, key_path);

    fse_store_free(f->s);
    f->s = NULL;
    return fse_store_open(&f->s, &o);
}

sqlite3 *fx_raw(const fx *f)
{
    sqlite3 *db = NULL;

    if (sqlite3_open_v2(f->db, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        sqlite3_close(db);
        return NULL;
    }
    sqlite3_busy_timeout(db, 10000);
    return db;
}

int fx_exec(sqlite3 *db, const char *sql)
{
    return sqlite3_exec(db, sql, NULL, NULL, NULL);
}

int fx_flip_blob(sqlite3 *db, const char *table, const char *column, const char *where, long at)
{
    char sql[512];
    sqlite3_stmt *st = NULL;
    unsigned char *copy = NULL;
    int n = 0;
    int rc = SQLITE_ERROR;
    long i;

    snprintf(sql, sizeof(sql), "SELECT %s FROM %s WHERE %s", column, table, where);
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW) {
        goto done;
    }
    n = sqlite3_column_bytes(st, 0);
    copy = malloc((size_t)n + 1);
    if (copy == NULL || n == 0) {
        goto done;
    }
    memcpy(copy, sqlite3_column_blob(st, 0), (size_t)n);
    sqlite3_finalize(st);
    st = NULL;
    i = at >= 0 ? at : n + at;
    if (i < 0 || i >= n) {
        goto done;
    }
    copy[i] ^= 0x01;
    snprintf(sql, sizeof(sql), "UPDATE %s SET %s = ?1 WHERE %s", table, column, where);
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        goto done;
    }
    sqlite3_bind_blob(st, 1, copy, n, SQLITE_STATIC);
    rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
done:
    sqlite3_finalize(st);
    free(copy);
    return rc;
}

void fx_meta(fse_store_doc_meta *m, const char *uid, const char *pid)
{
    static const char *const codes[] = {"P99", "LP418019-8"};

    memset(m, 0, sizeof(*m));
    m->unique_id = uid;
    m->repository_id = "2.16.840.1.113883.2.9.2.80.4.5.1";
    m->patient_id = pid;
    m->class_code = "REF";
    m->type_code = "11502-2";
    m->format_code = "2.16.840.1.113883.2.9.10.1.1";
    m->practice_setting_code = "AD_PSC001";
    m->facility_type_code = "Ospedale";
    m->content_type_code = "PHR";
    m->event_codes = codes;
    m->n_event_codes = 2;
    m->author_person = FX_DOCTOR_CF "^^^^^^^^&2.16.840.1.113883.2.9.4.3.2&ISO";
    m->author_role = "AAS";
    m->author_institution = "080105";
    m->confidentiality_code = "N";
    m->title = "Referto di laboratorio di " FX_PATIENT_CF;
    m->creation_time = "20240301103000";
    m->service_start_time = "20240301090000";
    m->service_stop_time = "20240301100000";
    m->reference_id = "NRE123456^^^&2.16.840.1.113883.2.9.4.3.8&ISO^urn:ihe:iti:xds:2013:order";
    m->repository_type = "CONS^^^&2.16.840.1.113883.2.9.3.3.6.1.7&ISO";
    m->submission_set_id = "2.16.840.1.113883.2.9.2.80.4.3.77";
    m->workflow_instance_id = "2.16.840.1.113883.2.9.2.80.4.4.abc.0123456789^^^^urn:ihe:iti:"
                              "xdw:2013:workflowInstanceId";
}

size_t fx_pdf(char *buf, size_t cap, const char *uid)
{
    int n = snprintf(buf, cap,
                     "%%PDF-1.7\n%% fixture for %s\n1 0 obj << /Type /Catalog >> endobj\n"
                     "%%%%EOF\n",
                     uid);

    return n < 0 ? 0 : (size_t)n;
}

size_t fx_cda(char *buf, size_t cap, const char *uid, const char *cf)
{
    int n = snprintf(buf, cap,
                     "<ClinicalDocument xmlns=\"urn:hl7-org:v3\"><id extension=\"%s\"/>"
                     "<recordTarget><patientRole><id root=\"2.16.840.1.113883.2.9.4.3.2\" "
                     "extension=\"%s\"/></patientRole></recordTarget>"
                     "<component><section><text>%s</text></section></component>"
                     "</ClinicalDocument>",
                     uid, cf, FX_CDA_MARKER);

    return n < 0 ? 0 : (size_t)n;
}

bool fx_file_contains(const char *path, const void *needle, size_t len)
{
    uint8_t *data = NULL;
    size_t n = 0;
    bool found = false;
    size_t i;

    if (fse_file_read(path, 1u << 30, &data, &n) != FSE_OK) {
        return false;
    }
    for (i = 0; i + len <= n && !found; i++) {
        found = memcmp(data + i, needle, len) == 0;
    }
    fse_free(data);
    return found;
}
