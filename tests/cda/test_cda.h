/*
 * tests/cda/test_cda.h - what the files of the test_cda executable share:
 * the groups of maggior tutela detector tests (test_cda_tutela.c and
 * test_cda_tutela_corpus.c), run by main in test_cda.c after the header and
 * cross-check tests, and the helpers they share.
 */
#ifndef FSE_TEST_CDA_H
#define FSE_TEST_CDA_H

#include <libxml/tree.h>

#include "fse/cda.h"

/* Run the tutela tests as their own cmocka groups; the number of failures. */
int cda_tutela_tests(void);
int cda_tutela_corpus_tests(void);

/* Parse len bytes of text (the test fails if they do not parse). */
xmlDocPtr cda_parse_text(const char *text, size_t len);
/* fse_cda_tutela_detect on a NUL-terminated document. */
fse_cda_tutela_result cda_tutela_detect_text(const char *text);
/* The first hit of one category bit. */
const fse_cda_tutela_hit *cda_tutela_hit_of(const fse_cda_tutela_result *r, unsigned category);

#endif /* FSE_TEST_CDA_H */
