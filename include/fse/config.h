/*
 * include/fse/config.h - the node's configuration: one table of options.
 *
 * Owns the option table (name, type, default, bounds, environment variable,
 * help), the immutable fse_config value built from it, and the three ways to
 * set options: the config file ("name = value" lines), environment
 * variables and command-line flags, applied in that order by the tool. The
 * library never reads the environment itself: the caller passes a lookup
 * function. Modules receive the sub-struct they need.
 */
#ifndef FSE_CONFIG_H
#define FSE_CONFIG_H

#include "fse/common.h"
#include "fse/error.h"
#include "fse/util.h"

#define FSE_CONFIG_PATH_MAX 1024

/* Validation options. */
typedef struct fse_config_validate {
    char rules_dir[FSE_CONFIG_PATH_MAX]; /* rules catalog */
    long jobs;                           /* worker threads; 0 = all cores */
    bool skip_vocabulary;                /* the Gateway's "system: TS" for every document */
} fse_config_validate;

typedef struct fse_config {
    fse_config_validate validate;
    char log_level[16]; /* debug, info, warn, error */
} fse_config;

/* Fill cfg with the defaults of the table; rules_default is the catalog used
 * when none is configured (the tool passes the one beside its sources). */
FSE_API void fse_config_defaults(fse_config *cfg, const char *rules_default);

/*
 * Set one option by name ("validate.rules_dir") from its text. Returns
 * FSE_E_NOT_FOUND for an unknown name, FSE_E_ARG for a value of the wrong
 * type or outside the bounds (the message names the option and the bounds).
 */
FSE_API fse_err fse_config_set(fse_config *cfg, const char *name, const char *value);

/*
 * Read a config file: one "name = value" per line, '#' starts a comment,
 * blank lines ignored, values may be quoted. Errors name the file and line.
 */
FSE_API fse_err fse_config_load_file(fse_config *cfg, const char *path);

/* Apply the options whose environment variable lookup() returns non-NULL
 * (pass getenv, or a test double). */
FSE_API fse_err fse_config_apply_env(fse_config *cfg, const char *(*lookup)(const char *name));

/* Append "name = value   # help" lines for every option in effect. */
FSE_API fse_err fse_config_dump(const fse_config *cfg, fse_buf *out);

#endif /* FSE_CONFIG_H */
