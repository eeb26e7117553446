/*
 * src/cmd_config.c - `fse config dump`: print every option in effect (after
 * the config file, the environment and the defaults), one per line.
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "fse/config.h"
#include "tool.h"

int cmd_config(int argc, char **argv)
{
    const char *config_file = NULL;
    fse_config cfg;
    fse_buf out;
    int i;

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
            config_file = argv[++i];
        } else if (strcmp(argv[i], "dump") != 0) {
            fprintf(stderr, "usage: fse config dump [--config FILE]\n");
            return 2;
        }
    }
    if (!tool_config_load(&cfg, config_file)) {
        return 2;
    }
    fse_buf_init(&out, 1u << 20);
    if (fse_config_dump(&cfg, &out) != FSE_OK) {
        fprintf(stderr, "fse config: %s\n", fse_error_last()->message);
        fse_buf_free(&out);
        return 2;
    }
    fputs(out.data != NULL ? out.data : "", stdout);
    fse_buf_free(&out);
    return 0;
}
