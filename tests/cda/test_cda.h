/*
 * tests/cda/test_cda.h - what the files of the test_cda executable share:
 * the group of maggior tutela detector tests (test_cda_tutela.c), run by
 * main in test_cda.c after the header and cross-check tests.
 */
#ifndef FSE_TEST_CDA_H
#define FSE_TEST_CDA_H

/* Run the tutela tests as their own cmocka group; the number of failures. */
int cda_tutela_tests(void);

#endif /* FSE_TEST_CDA_H */
