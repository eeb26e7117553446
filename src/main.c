/*
 * src/main.c - entry point of the fse tool: dispatches to one subcommand.
 *
 * Owns the subcommand table and top-level usage. Each subcommand lives in
 * its own src/cmd_<name>.c and uses only the public API.
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"

static const fse_cmd commands[] = {
    {"validate", "validate CDA documents (XML or PDF) as the national Gateway", cmd_validate},
    {"bench", "run a benchmark against its reference (fse bench NAME [--quick])", cmd_bench},
    {"config", "print the configuration in effect (fse config dump [--config FILE])", cmd_config},
    {"gen", "write synthetic documents of every type (fse gen [--seed N] [--check])", cmd_gen},
    {"fhir", "convert a CDA (XML or PDF) to a FHIR R4 Bundle (fse fhir FILE)", cmd_fhir},
    {"serve", "run the Gateway FSE 2.0 endpoints (fse serve [--config FILE])", cmd_serve},
    {"audit", "verify the hash-chained audit log (fse audit verify [--config FILE])", cmd_audit},
    {"eds", "pseudonymised export and counts (fse eds export|count --purpose NAME)", cmd_eds},
    {"keys", "create or rotate the master key (fse keys create|rotate)", cmd_keys},
    {"demo", "start a node, publish generated documents over HTTP (fse demo [--no-wait])",
     cmd_demo},
};

static void usage(FILE *out)
{
    size_t i;

    fprintf(out, "usage: fse <command> [options]\n\ncommands:\n");
    for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].help);
    }
    fprintf(out, "\nRun 'fse <command> --help' for the options of a command.\n");
}

int main(int argc, char **argv)
{
    size_t i;

    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
        if (strcmp(argv[1], commands[i].name) == 0) {
            return commands[i].run(argc - 1, argv + 1);
        }
    }
    fprintf(stderr, "fse: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return 2;
}
