/*
 * tests/terminology/test_terminology.h - the groups of the test_terminology
 * executable. test_terminology.c runs the real catalog's group and then the
 * ones declared here.
 */
#ifndef FSE_TEST_TERMINOLOGY_H
#define FSE_TEST_TERMINOLOGY_H

/* The dump loader on scratch catalogs (test_terminology_dump.c); returns the
 * number of failed tests. */
int fse_test_terminology_dump(void);

#endif /* FSE_TEST_TERMINOLOGY_H */
