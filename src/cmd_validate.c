/* src/cmd_validate.c - `fse validate`: placeholder until the validator lands. */
#include <stdio.h>

#include "cmd.h"

int cmd_validate(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "fse validate: not available yet\n");
    return 2;
}
