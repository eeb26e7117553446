/*
 * tests/e2e/test_e2e.c - entry point of the end-to-end suite: one
 * executable, the test named by its argument (crash, encryption, demo,
 * demo-consult), so ctest runs each with its own labels and time limit.
 */
#include "e2e.h"

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    static const struct {
        const char *name;
        int (*run)(void);
    } tests[] = {
        {"crash", test_e2e_crash_run},
        {"encryption", test_e2e_encryption_run},
        {"demo", test_e2e_demo_run},
        {"demo-consult", test_e2e_demo_consult_run},
    };
    size_t i;

    for (i = 0; argc == 2 && i < sizeof(tests) / sizeof(tests[0]); i++) {
        if (strcmp(argv[1], tests[i].name) == 0) {
            return tests[i].run();
        }
    }
    fprintf(stderr, "usage: test_e2e crash|encryption|demo|demo-consult\n");
    return 2;
}
