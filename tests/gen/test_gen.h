/*
 * tests/gen/test_gen.h - what the files of the test_gen executable share:
 * the group of Gateway-token and `fse gen --pki` tests (test_gen_tokens.c),
 * run by main in test_gen.c after the document tests.
 */
#ifndef FSE_TEST_GEN_H
#define FSE_TEST_GEN_H

/* Run the token tests as their own cmocka group; the number of failures. */
int gen_token_tests(void);

#endif /* FSE_TEST_GEN_H */
