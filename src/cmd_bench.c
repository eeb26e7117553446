/* src/cmd_bench.c - `fse bench NAME`: benchmarks against a reference measured in the same run. */
#include <stdio.h>

#include "cmd.h"

int cmd_bench(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "fse bench: no benchmark available yet\n");
    return 2;
}
