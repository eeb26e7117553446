/*
 * src/cmd_bench.c - `fse bench NAME`: benchmarks against a reference
 * measured in the same run.
 *
 * Owns the table of benchmarks, the listing (`fse bench`, `fse bench --help`)
 * and the exit code for an unknown name (2). Each benchmark lives in its own
 * src/bench_<name>.c (see src/bench.h); every one writes its results under
 * bench/results/ and ends its output with the line
 * "bench NAME: <figure> <unit>, <ratio>x <reference>, goal <goal>: met|not met".
 */
#include <stdio.h>
#include <string.h>

#include "bench.h"
#include "bench_consult.h"
#include "cmd.h"

typedef struct bench_entry {
    const char *name;
    const char *help;
    int (*run)(int argc, char **argv);
} bench_entry;

static const bench_entry benchmarks[] = {
    {"validate",
     "documents/s of parse, parse + XSD and full validation on 1 and all cores, against the "
     "Java/Saxon reference pipeline; verdict agreement",
     bench_validate},
    {"publish",
     "documents/s and p50/p99 of validation + publication over HTTP at 1, 16 and 64 clients on "
     "a node holding 1M documents, against validation-only (VERIFICA) calls",
     cmd_bench_publish},
    {"consult",
     "p50/p99 of a patient's document search with the policy applied over HTTP at 1 and 64 "
     "clients on a node holding 1M documents of 100,000 patients, against the raw SQLite index "
     "query",
     bench_consult},
};

#define N_BENCHMARKS (sizeof(benchmarks) / sizeof(benchmarks[0]))

static void usage(FILE *out)
{
    size_t i;

    fprintf(out,
            "usage: fse bench NAME [--quick] [options]\n"
            "\n"
            "Benchmarks (not tests): each writes bench/results/NAME.md and NAME.json and\n"
            "ends with 'bench NAME: <figure>, <ratio>x <reference>, goal <goal>: met|not met'.\n"
            "--quick runs a reduced version in under a minute.\n"
            "\n"
            "benchmarks:\n");
    for (i = 0; i < N_BENCHMARKS; i++) {
        fprintf(out, "  %-10s %s\n", benchmarks[i].name, benchmarks[i].help);
    }
    fprintf(out, "\nRun 'fse bench NAME --help' for the options of a benchmark.\n");
}

int cmd_bench(int argc, char **argv)
{
    size_t i;

    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(stdout);
        return 0;
    }
    for (i = 0; i < N_BENCHMARKS; i++) {
        if (strcmp(argv[1], benchmarks[i].name) == 0) {
            return benchmarks[i].run(argc - 1, argv + 1);
        }
    }
    fprintf(stderr, "fse bench: unknown benchmark '%s'\n", argv[1]);
    usage(stderr);
    return 2;
}
