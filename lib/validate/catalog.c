/*
 * lib/validate/catalog.c - loading the rules catalog: the CDA XSDs, one
 * schematron per document type of the type table, and the terminology.
 *
 * Owns the catalog layout on disk and its completeness check: every missing
 * part is named in the error. Does not own compiling (lib/xml, lib/schematron,
 * lib/terminology) or running (validator.c).
 */
#include "validate_int.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "fse/limits.h"

const char *const fse_validate__xsd_extensions[FSE_CATALOG_N_XSD] = {
    "POCD_MT000040UV02",
    "POCD_HD000040",
};

uint64_t fse_validate__now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static bool is_directory(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The one .sch file directly inside dir (legacy/ and other folders ignored). */
static fse_err find_schematron(char *out, size_t out_len, const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *ent;
    size_t found = 0;

    if (d == NULL) {
        return fse_error_set(FSE_E_NOT_FOUND, "catalog", "missing directory %s", dir);
    }
    while ((ent = readdir(d)) != NULL) {
        size_t n = strlen(ent->d_name);
        char path[4096];
        struct stat st;

        if (n < 5 || strcmp(ent->d_name + n - 4, ".sch") != 0) {
            continue;
        }
        snprintf(path, sizeof(path), "%s/%s", dir, ent->d_name);
        if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
            continue;
        }
        if (found == 0 || strcmp(ent->d_name, out) < 0) {
            snprintf(out, out_len, "%s", ent->d_name);
        }
        found++;
    }
    closedir(d);
    if (found == 0) {
        return fse_error_set(FSE_E_NOT_FOUND, "catalog", "no .sch file in %s", dir);
    }
    if (found > 1) {
        return fse_error_set(FSE_E_CONFLICT, "catalog",
                             "%zu .sch files in %s: keep only the current one there "
                             "(older versions go under legacy/)",
                             found, dir);
    }
    return FSE_OK;
}

static fse_err load_xsds(fse_catalog *c)
{
    size_t i;
    uint64_t t0 = fse_validate__now_ns();

    for (i = 0; i < FSE_CATALOG_N_XSD; i++) {
        char path[4096];
        struct stat st;
        fse_err rc;

        snprintf(path, sizeof(path), "%s/xsd/%s/CDA.xsd", c->dir, fse_validate__xsd_extensions[i]);
        if (stat(path, &st) != 0) {
            return fse_error_set(FSE_E_NOT_FOUND, "catalog", "incomplete rules catalog: missing %s",
                                 path);
        }
        rc = fse_xml_schema_load(&c->xsd[i], path);
        if (rc != FSE_OK) {
            return fse_error_prefix("catalog");
        }
    }
    c->ms_xsd = (double)(fse_validate__now_ns() - t0) / 1e6;
    return FSE_OK;
}

static fse_err load_schematron(fse_catalog *c, fse_doc_type type)
{
    const fse_cda_doc_desc *desc = fse_cda_doc_desc_get(type);
    char dir[4096];
    char file[256];
    char path[4400];
    uint8_t *data = NULL;
    size_t len = 0;
    fse_err rc;

    snprintf(dir, sizeof(dir), "%s/schematron/%s", c->dir, desc->name);
    if (!is_directory(dir)) {
        return fse_error_set(FSE_E_NOT_FOUND, "catalog",
                             "incomplete rules catalog: no schematron for %s (missing %s)",
                             desc->name, dir);
    }
    rc = find_schematron(file, sizeof(file), dir);
    if (rc != FSE_OK) {
        return rc;
    }
    snprintf(path, sizeof(path), "%s/%s", dir, file);
    rc = fse_file_read(path, FSE_MAX_RULES_FILE_BYTES, &data, &len);
    if (rc == FSE_OK) {
        rc = fse_sch_compile(&c->sch[type], data, len, file);
    }
    fse_free(data);
    if (rc != FSE_OK) {
        return fse_error_prefix("catalog");
    }
    c->sch_file[type] = fse_strdup(file);
    if (c->sch_file[type] == NULL) {
        return fse_error_set(FSE_E_NOMEM, "catalog", "file name");
    }
    c->n_sch++;
    return FSE_OK;
}

fse_err fse_catalog_load(fse_catalog **out, const char *dir, const fse_catalog_opts *opts)
{
    fse_catalog *c;
    fse_err rc = FSE_OK;
    int t;
    uint64_t t0;

    *out = NULL;
    if (dir == NULL || !is_directory(dir)) {
        return fse_error_set(FSE_E_NOT_FOUND, "catalog", "rules catalog directory %s not found",
                             dir != NULL ? dir : "(none)");
    }
    fse_xml_init();
    c = fse_calloc(1, sizeof(*c));
    if (c == NULL || (c->dir = fse_strdup(dir)) == NULL) {
        fse_free(c);
        return fse_error_set(FSE_E_NOMEM, "catalog", "catalog");
    }
    rc = load_xsds(c);
    t0 = fse_validate__now_ns();
    for (t = 1; t < FSE_CDA_DOC_COUNT && rc == FSE_OK; t++) {
        rc = load_schematron(c, (fse_doc_type)t);
    }
    c->ms_schematron = (double)(fse_validate__now_ns() - t0) / 1e6;
    if (rc == FSE_OK && (opts == NULL || !opts->skip_terminology)) {
        t0 = fse_validate__now_ns();
        rc = fse_terminology_load(&c->terminology, dir);
        if (rc != FSE_OK) {
            fse_error_prefix("catalog");
        }
        c->ms_terminology = (double)(fse_validate__now_ns() - t0) / 1e6;
    }
    if (rc != FSE_OK) {
        fse_catalog_free(c);
        return rc;
    }
    *out = c;
    return FSE_OK;
}

void fse_catalog_free(fse_catalog *catalog)
{
    size_t i;

    if (catalog == NULL) {
        return;
    }
    for (i = 0; i < FSE_CATALOG_N_XSD; i++) {
        fse_xml_schema_free(catalog->xsd[i]);
    }
    for (i = 0; i < FSE_CDA_DOC_COUNT; i++) {
        fse_sch_free(catalog->sch[i]);
        fse_free(catalog->sch_file[i]);
    }
    fse_terminology_free(catalog->terminology);
    fse_free(catalog->dir);
    fse_free(catalog);
}

size_t fse_catalog_schematron_count(const fse_catalog *catalog)
{
    return catalog->n_sch;
}

double fse_catalog_load_ms(const fse_catalog *catalog, const char *part)
{
    if (strcmp(part, "xsd") == 0) {
        return catalog->ms_xsd;
    }
    if (strcmp(part, "schematron") == 0) {
        return catalog->ms_schematron;
    }
    if (strcmp(part, "terminology") == 0) {
        return catalog->ms_terminology;
    }
    return 0;
}
