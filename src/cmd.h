/*
 * src/cmd.h - the subcommand table entry and the subcommands of the fse tool.
 */
#ifndef FSE_CMD_H
#define FSE_CMD_H

#include <stdio.h>

typedef struct fse_cmd {
    const char *name;
    const char *help;
    int (*run)(int argc, char **argv);
} fse_cmd;

int cmd_validate(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_config(int argc, char **argv);
int cmd_gen(int argc, char **argv);
int cmd_fhir(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_keys(int argc, char **argv);
int cmd_eds(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_bench_publish(int argc, char **argv);

#endif /* FSE_CMD_H */
