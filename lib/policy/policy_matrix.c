/*
 * lib/policy/policy_matrix.c - the roles x document types matrix.
 *
 * Owns the shipped defaults (domain-rules.md §4.5, the Ministry's UA-R
 * table for DM 7/9/2023 Allegato A, which matches the decree better than the
 * shipped UA-R code where the two disagree), the reader of a replacement
 * matrix file, and the lookup. A type not in the matrix is denied to every
 * professional: default deny.
 */
#include "policy_int.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fse/util.h"

#define M POLICY_CLASS_BIT(FSE_POLICY_ROLE_DOCTOR)
#define I POLICY_CLASS_BIT(FSE_POLICY_ROLE_NURSE)
#define F POLICY_CLASS_BIT(FSE_POLICY_ROLE_PHARMACIST)

/* IMPLEMENTATION-OF: domain-rules §4.5, column "UARDOC M/I/F". Rows marked
 * "(fse)" are types of §1.2 the table does not list, given the row of the
 * closest listed type; see docs/policy.md. */
static const policy_row shipped[] = {
    {"11502-2", M | I},     /* referto di laboratorio */
    {"68604-8", M | I},     /* referto di radiologia */
    {"11488-4", M | I},     /* referto specialistico */
    {"11526-1", M},         /* referto di anatomia patologica */
    {"59258-4", M | I},     /* verbale di pronto soccorso */
    {"34105-7", M | I},     /* lettera di dimissione ospedaliera */
    {"18842-5", M | I},     /* (fse) lettera di dimissione non ospedaliera, as 34105-7 */
    {"60591-5", M | I},     /* profilo sanitario sintetico */
    {"100971-1", M | I},    /* cartella clinica */
    {"57833-6", M | F},     /* prescrizione farmaceutica */
    {"57832-8", M | I},     /* prescrizione specialistica */
    {"60593-1", M | I | F}, /* erogazione farmaci */
    {"29304-3", M | I | F}, /* (fse) erogazione farmaceutica TS, as 60593-1 */
    {"87273-9", M | I},     /* scheda della singola vaccinazione */
    {"82593-5", M | I},     /* certificato vaccinale */
    {"81223-0", M | I},     /* erogazione specialistica */
    {"101881-1", M},        /* tessera portatori di impianto */
    {"108278-7", M | I},    /* invito screening (code of the UA-R document) */
    {"108276-7", M | I},    /* invito screening (code of the Gateway) */
    {"75496-0", M | I},     /* (fse) referto di televisita, as 11488-4 */
    {"85208-7", M | I},     /* (fse) referto di teleconsulto, as 11488-4 */
};

#undef M
#undef I
#undef F

static int row_cmp(const void *a, const void *b)
{
    return strcmp(((const policy_row *)a)->loinc, ((const policy_row *)b)->loinc);
}

/* Class letters ("MIF", "-") to bits; false on any other character. */
static bool parse_classes(const char *s, unsigned *out)
{
    *out = 0;
    if (strcmp(s, "-") == 0) {
        return true;
    }
    for (; *s != '\0'; s++) {
        switch (*s) {
        case 'M':
            *out |= POLICY_CLASS_BIT(FSE_POLICY_ROLE_DOCTOR);
            break;
        case 'I':
            *out |= POLICY_CLASS_BIT(FSE_POLICY_ROLE_NURSE);
            break;
        case 'F':
            *out |= POLICY_CLASS_BIT(FSE_POLICY_ROLE_PHARMACIST);
            break;
        default:
            return false;
        }
    }
    return true;
}

/* A LOINC code: digits, one '-', one check digit. */
static bool loinc_ok(const char *s)
{
    size_t n = strlen(s);
    size_t i;

    if (n < 3 || n > POLICY_MAX_LOINC || s[n - 2] != '-' || !isdigit((unsigned char)s[n - 1])) {
        return false;
    }
    for (i = 0; i + 2 < n; i++) {
        if (!isdigit((unsigned char)s[i])) {
            return false;
        }
    }
    return true;
}

/* Parse one non-comment line "<LOINC> <classes>" into row. */
static fse_err parse_line(policy_row *row, char *line, const char *path, size_t lineno)
{
    char *save = NULL;
    char *loinc = strtok_r(line, " \t", &save);
    char *classes = strtok_r(NULL, " \t", &save);
    char *extra = strtok_r(NULL, " \t", &save);

    if (loinc == NULL || classes == NULL || extra != NULL || !loinc_ok(loinc) ||
        !parse_classes(classes, &row->classes)) {
        return fse_error_set(FSE_E_PARSE, FSE_POLICY_MODULE,
                             "%s:%zu: expected \"<LOINC> <M|I|F letters or ->\"", path, lineno);
    }
    memcpy(row->loinc, loinc, strlen(loinc) + 1);
    return FSE_OK;
}

/* Strip a comment and surrounding blanks in place; the trimmed start. */
static char *trim_line(char *line)
{
    char *hash = strchr(line, '#');
    size_t n;

    if (hash != NULL) {
        *hash = '\0';
    }
    while (*line == ' ' || *line == '\t') {
        line++;
    }
    n = strlen(line);
    while (n > 0 && isspace((unsigned char)line[n - 1])) {
        line[--n] = '\0';
    }
    return line;
}

/* Read the rows of a matrix file into p (rows allocated for the maximum). */
static fse_err read_file(fse_policy *p, const char *path)
{
    uint8_t *data = NULL;
    size_t len = 0;
    size_t lineno = 0;
    char *text;
    char *cursor;
    char *line;
    fse_err rc = fse_file_read(path, POLICY_MAX_FILE, &data, &len);

    if (rc != FSE_OK) {
        return rc;
    }
    text = (char *)data;
    p->rows = fse_calloc(FSE_POLICY_MAX_TYPES, sizeof(*p->rows));
    if (p->rows == NULL) {
        fse_free(text);
        return fse_error_set(FSE_E_NOMEM, FSE_POLICY_MODULE, "matrix rows");
    }
    for (cursor = text; rc == FSE_OK && cursor != NULL; cursor = line) {
        char *end = strchr(cursor, '\n');
        char *body;

        line = end != NULL ? end + 1 : NULL;
        if (end != NULL) {
            *end = '\0';
        }
        lineno++;
        if (strlen(cursor) > POLICY_MAX_LINE) {
            rc = fse_error_set(FSE_E_PARSE, FSE_POLICY_MODULE, "%s:%zu: line too long", path,
                               lineno);
            break;
        }
        body = trim_line(cursor);
        if (*body == '\0') {
            continue;
        }
        if (p->n_rows == FSE_POLICY_MAX_TYPES) {
            rc = fse_error_set(FSE_E_LIMIT, FSE_POLICY_MODULE, "%s: more than %u document types",
                               path, FSE_POLICY_MAX_TYPES);
            break;
        }
        rc = parse_line(&p->rows[p->n_rows], body, path, lineno);
        if (rc == FSE_OK) {
            p->n_rows++;
        }
    }
    fse_free(text);
    return rc;
}

/* Copy the shipped rows into p. */
static fse_err load_shipped(fse_policy *p)
{
    p->n_rows = sizeof(shipped) / sizeof(shipped[0]);
    p->rows = fse_calloc(p->n_rows, sizeof(*p->rows));
    if (p->rows == NULL) {
        return fse_error_set(FSE_E_NOMEM, FSE_POLICY_MODULE, "matrix rows");
    }
    memcpy(p->rows, shipped, sizeof(shipped));
    return FSE_OK;
}

/* Refuse a LOINC listed twice (a file that says two things of one type). */
static fse_err check_unique(const fse_policy *p, const char *path)
{
    size_t i;

    for (i = 1; i < p->n_rows; i++) {
        if (strcmp(p->rows[i - 1].loinc, p->rows[i].loinc) == 0) {
            return fse_error_set(FSE_E_PARSE, FSE_POLICY_MODULE, "%s: %s listed twice",
                                 path != NULL ? path : "shipped matrix", p->rows[i].loinc);
        }
    }
    return FSE_OK;
}

fse_err fse_policy_new(fse_policy **out, const char *matrix_path)
{
    fse_policy *p;
    fse_err rc;

    if (out == NULL) {
        return fse_error_set(FSE_E_ARG, FSE_POLICY_MODULE, "out is NULL");
    }
    *out = NULL;
    p = fse_calloc(1, sizeof(*p));
    if (p == NULL) {
        return fse_error_set(FSE_E_NOMEM, FSE_POLICY_MODULE, "policy");
    }
    rc = matrix_path != NULL ? read_file(p, matrix_path) : load_shipped(p);
    if (rc == FSE_OK) {
        qsort(p->rows, p->n_rows, sizeof(*p->rows), row_cmp);
        rc = check_unique(p, matrix_path);
    }
    if (rc != FSE_OK) {
        fse_policy_free(p);
        return rc;
    }
    *out = p;
    return FSE_OK;
}

void fse_policy_free(fse_policy *p)
{
    if (p == NULL) {
        return;
    }
    fse_free(p->rows);
    fse_free(p);
}

bool fse_policy_matrix_allows(const fse_policy *p, fse_policy_role_class cls, const char *type_code)
{
    policy_row key;
    const policy_row *row;

    if (p == NULL || type_code == NULL || strlen(type_code) > POLICY_MAX_LOINC) {
        return false;
    }
    if (cls != FSE_POLICY_ROLE_DOCTOR && cls != FSE_POLICY_ROLE_NURSE &&
        cls != FSE_POLICY_ROLE_PHARMACIST) {
        return false;
    }
    memcpy(key.loinc, type_code, strlen(type_code) + 1);
    row = bsearch(&key, p->rows, p->n_rows, sizeof(*p->rows), row_cmp);
    return row != NULL && (row->classes & POLICY_CLASS_BIT(cls)) != 0;
}

bool fse_policy_matrix_row(const fse_policy *p, size_t i, const char **loinc_out,
                           unsigned *classes_out)
{
    if (p == NULL || i >= p->n_rows) {
        return false;
    }
    if (loinc_out != NULL) {
        *loinc_out = p->rows[i].loinc;
    }
    if (classes_out != NULL) {
        *classes_out = p->rows[i].classes;
    }
    return true;
}
