/*
 * src/cmd_keys.c - `fse keys create` and `fse keys rotate`: the node's
 * master key file (store.master_key), which wraps every key kept in the
 * database and never enters it.
 *
 * Owns argument parsing, the messages and the exit code (0 done, 1 refused
 * or failed, 2 usage). Creating the file (32 random bytes, mode 0600,
 * fsync'd, never overwritten) and rewrapping the keys are lib/store's.
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "fse/config.h"
#include "fse/store.h"
#include "tool.h"

static void usage(FILE *out)
{
    fprintf(out, "usage: fse keys create [--config FILE] [--key PATH]\n"
                 "       fse keys rotate --new PATH [--config FILE]\n"
                 "\n"
                 "create  write a new master key file (default store.master_key); an existing\n"
                 "        file is never overwritten\n"
                 "rotate  rewrap every key of the store (store.path) with the master key in\n"
                 "        PATH (create it first with 'fse keys create --key PATH'), then point\n"
                 "        store.master_key to PATH; run it while the node is stopped\n"
                 "\n"
                 "Exit status: 0 done, 1 refused or failed, 2 usage error.\n");
}

static int create(const fse_config *cfg, const char *key)
{
    const char *path = key != NULL ? key : cfg->store.master_key;

    if (fse_store_keyfile_create(path) != FSE_OK) {
        fprintf(stderr, "fse keys: %s\n", fse_error_last()->message);
        return 1;
    }
    printf("master key written to %s (mode 0600); keep a copy outside the node\n", path);
    return 0;
}

static int rotate(const fse_config *cfg, const char *new_key)
{
    fse_store_opts so = FSE_STORE_OPTS_INIT;
    fse_store *s = NULL;
    fse_err rc;

    so.path = cfg->store.path;
    so.master_key_path = cfg->store.master_key;
    rc = fse_store_open(&s, &so);
    if (rc == FSE_OK) {
        rc = fse_store_rotate_master_key(s, new_key);
    }
    if (rc != FSE_OK) {
        fprintf(stderr, "fse keys: %s\n", fse_error_last()->message);
        fse_store_free(s);
        return 1;
    }
    printf("keys rewrapped with the master key %s (kid %s)\n"
           "now set store.master_key = %s and keep the old key file until a backup is taken\n",
           new_key, fse_store_master_kid(s), new_key);
    fse_store_free(s);
    return 0;
}

int cmd_keys(int argc, char **argv)
{
    const char *config_file = NULL;
    const char *key = NULL;
    const char *new_key = NULL;
    fse_config cfg;
    int i;

    if (argc < 2 || (strcmp(argv[1], "create") != 0 && strcmp(argv[1], "rotate") != 0)) {
        bool help = argc >= 2 && strcmp(argv[1], "--help") == 0;

        usage(help ? stdout : stderr);
        return help ? 0 : 2;
    }
    for (i = 2; i < argc; i++) {
        if (i + 1 >= argc) {
            usage(stderr);
            return 2;
        }
        if (strcmp(argv[i], "--config") == 0) {
            config_file = argv[++i];
        } else if (strcmp(argv[i], "--key") == 0) {
            key = argv[++i];
        } else if (strcmp(argv[i], "--new") == 0) {
            new_key = argv[++i];
        } else {
            usage(stderr);
            return 2;
        }
    }
    if (!tool_config_load(&cfg, config_file)) {
        return 2;
    }
    if (strcmp(argv[1], "create") == 0) {
        return create(&cfg, key);
    }
    if (new_key == NULL) {
        usage(stderr);
        return 2;
    }
    return rotate(&cfg, new_key);
}
