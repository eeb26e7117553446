/*
 * src/tool.h - helpers shared by the subcommands of the fse tool: file
 * lists, number parsing, clocks and the rules-catalog lookup.
 */
#ifndef FSE_TOOL_H
#define FSE_TOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct tool_paths {
    char **items;
    size_t n;
    size_t cap;
} tool_paths;

/* Add path, or the files under it (recursively, sorted) ending in ext1/ext2.
 * Prints the error and returns -1 when path does not exist. */
int tool_paths_collect(tool_paths *paths, const char *path, const char *ext1, const char *ext2);
void tool_paths_free(tool_paths *paths);

/* Parse a decimal integer in [min, max]; false on anything else. */
bool tool_parse_long(const char *s, long min, long max, long *out);

uint64_t tool_now_ns(void);

#include "fse/config.h"

/*
 * Build the configuration in effect: defaults, then the config file (the
 * --config flag, else $FSE_CONFIG when set), then the environment. Flags are
 * applied by the caller afterwards. Prints the error and returns false on a
 * bad file or value.
 */
bool tool_config_load(fse_config *cfg, const char *config_file);

#include "fse/web.h"

/*
 * The web module's options from web.*: the pages of web.dir ("" the
 * project's web/ when it is there, "-" none), the session bounds. The
 * identity provider and the log are the caller's.
 */
void tool_web_opts(fse_web_opts *o, const fse_config *cfg);

#endif /* FSE_TOOL_H */
