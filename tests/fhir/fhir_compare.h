/*
 * tests/fhir/fhir_compare.h - structural comparison of two FHIR transaction
 * Bundles for the official-pair tests: random UUIDs renamed to stable names
 * (matched between the two bundles by content and reference structure, so
 * entry order does not matter), Bundle.timestamp ignored, numbers compared
 * by value, and a readable diff ("path: expected X, got Y").
 */
#ifndef FSE_TEST_FHIR_COMPARE_H
#define FSE_TEST_FHIR_COMPARE_H

#include <stdbool.h>
#include <stddef.h>

#include "fse/util.h"

/*
 * Compare expected and got (JSON text). Returns the number of differences
 * (0: equal after normalisation) and appends the readable diff to diff;
 * -1 when either text is not a Bundle (reason in diff).
 */
long fhir_compare_bundles(const char *expected, size_t expected_len, const char *got,
                          size_t got_len, fse_buf *diff);

#endif /* FSE_TEST_FHIR_COMPARE_H */
