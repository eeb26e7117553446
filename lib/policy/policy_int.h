/*
 * lib/policy/policy_int.h - internals shared by the files of the policy
 * module: the matrix layout and the limits of its file format.
 *   policy_matrix.c  the shipped roles x document types table, the matrix
 *                    file reader and the lookup
 *   policy_rules.c   purposes, role classes, record scope, document and
 *                    self-service decisions, reason names and texts
 * The public API is fse/policy.h.
 */
#ifndef FSE_POLICY_INT_H
#define FSE_POLICY_INT_H

#include "fse/policy.h"

#define FSE_POLICY_MODULE "policy"

/* A LOINC code is "nnnnn-n" at most 10 characters in practice; 16 leaves room. */
#define POLICY_MAX_LOINC 16u
/* Longest line of a matrix file. */
#define POLICY_MAX_LINE 256u
/* Largest matrix file read. */
#define POLICY_MAX_FILE (64u * 1024u)

/* Bit of a role class in a row's class set. */
#define POLICY_CLASS_BIT(c) (1u << (unsigned)(c))

typedef struct policy_row {
    char loinc[POLICY_MAX_LOINC + 1];
    unsigned classes; /* POLICY_CLASS_BIT of DOCTOR, NURSE, PHARMACIST */
} policy_row;

struct fse_policy {
    policy_row *rows; /* sorted by loinc for bsearch */
    size_t n_rows;
};

#endif /* FSE_POLICY_INT_H */
