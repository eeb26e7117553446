/*
 * src/tool.c - helpers shared by the subcommands (see tool.h).
 */
#include "tool.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int push_path(tool_paths *paths, const char *path)
{
    if (paths->n == paths->cap) {
        size_t cap = paths->cap == 0 ? 64 : paths->cap * 2;
        char **grown = realloc(paths->items, cap * sizeof(*grown));

        if (grown == NULL) {
            return -1;
        }
        paths->items = grown;
        paths->cap = cap;
    }
    paths->items[paths->n] = strdup(path);
    if (paths->items[paths->n] == NULL) {
        return -1;
    }
    paths->n++;
    return 0;
}

static bool has_ext(const char *name, const char *ext)
{
    size_t n = strlen(name);
    size_t e = strlen(ext);

    return ext[0] != '\0' && n > e && strcmp(name + n - e, ext) == 0;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int collect_dir(tool_paths *paths, const char *dir, const char *ext1, const char *ext2)
{
    DIR *d = opendir(dir);
    struct dirent *ent;
    tool_paths names = {0};
    size_t i;
    int rc = 0;

    if (d == NULL) {
        fprintf(stderr, "fse: %s: %s\n", dir, strerror(errno));
        return -1;
    }
    while ((ent = readdir(d)) != NULL) {
        if (ent->d_name[0] != '.' && push_path(&names, ent->d_name) != 0) {
            rc = -1;
            break;
        }
    }
    closedir(d);
    qsort(names.items, names.n, sizeof(char *), cmp_names);
    for (i = 0; i < names.n && rc == 0; i++) {
        char path[4096];
        struct stat st;

        snprintf(path, sizeof(path), "%s/%s", dir, names.items[i]);
        if (stat(path, &st) != 0) {
            continue;
        }
        if (S_ISDIR(st.st_mode)) {
            rc = collect_dir(paths, path, ext1, ext2);
        } else if (has_ext(path, ext1) || has_ext(path, ext2)) {
            rc = push_path(paths, path);
        }
    }
    tool_paths_free(&names);
    return rc;
}

int tool_paths_collect(tool_paths *paths, const char *path, const char *ext1, const char *ext2)
{
    struct stat st;

    if (stat(path, &st) != 0) {
        fprintf(stderr, "fse: %s: %s\n", path, strerror(errno));
        return -1;
    }
    if (S_ISDIR(st.st_mode)) {
        return collect_dir(paths, path, ext1, ext2);
    }
    return push_path(paths, path);
}

void tool_paths_free(tool_paths *paths)
{
    size_t i;

    for (i = 0; i < paths->n; i++) {
        free(paths->items[i]);
    }
    free(paths->items);
    memset(paths, 0, sizeof(*paths));
}

bool tool_parse_long(const char *s, long min, long max, long *out)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < min || v > max) {
        return false;
    }
    *out = v;
    return true;
}

uint64_t tool_now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static const char *env_lookup(const char *name)
{
    return getenv(name);
}

bool tool_config_load(fse_config *cfg, const char *config_file)
{
    const char *file = config_file != NULL ? config_file : getenv("FSE_CONFIG");

    fse_config_defaults(cfg, FSE_DEFAULT_RULES_DIR);
    if ((file != NULL && file[0] != '\0' && fse_config_load_file(cfg, file) != FSE_OK) ||
        fse_config_apply_env(cfg, env_lookup) != FSE_OK) {
        fprintf(stderr, "fse: %s\n", fse_error_last()->message);
        return false;
    }
    return true;
}

void tool_web_opts(fse_web_opts *o, const fse_config *cfg)
{
    fse_web_opts init = FSE_WEB_OPTS_INIT;

    *o = init;
    if (cfg->web.dir[0] == '\0') {
        o->static_dir =
            access(FSE_SOURCE_DIR "/web/index.html", R_OK) == 0 ? FSE_SOURCE_DIR "/web" : NULL;
    } else if (strcmp(cfg->web.dir, "-") != 0) {
        o->static_dir = cfg->web.dir;
    }
    o->max_sessions = (unsigned)cfg->web.max_sessions;
    o->idle_timeout_s = (unsigned)cfg->web.session_idle_minutes * 60u;
    o->lifetime_s = (unsigned)cfg->web.session_hours * 3600u;
}
