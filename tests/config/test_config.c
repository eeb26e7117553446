/*
 * tests/config/test_config.c - the option table: defaults, file parsing with
 * line numbers, environment through a lookup function, bounds and types.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "fse/config.h"

static const char *fake_env_value;
static const char *fake_env_name;

static const char *fake_lookup(const char *name)
{
    return fake_env_name != NULL && strcmp(name, fake_env_name) == 0 ? fake_env_value : NULL;
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");

    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void defaults_come_from_the_table(void **state)
{
    fse_config cfg;

    (void)state;
    fse_config_defaults(&cfg, "/catalog");
    assert_string_equal(cfg.validate.rules_dir, "/catalog");
    assert_int_equal(cfg.validate.jobs, 0);
    assert_false(cfg.validate.skip_vocabulary);
    assert_string_equal(cfg.log_level, "info");
}

static void set_checks_types_and_bounds(void **state)
{
    fse_config cfg;

    (void)state;
    fse_config_defaults(&cfg, "/c");
    assert_int_equal(fse_config_set(&cfg, "validate.jobs", "8"), FSE_OK);
    assert_int_equal(cfg.validate.jobs, 8);
    assert_int_equal(fse_config_set(&cfg, "validate.jobs", "5000"), FSE_E_ARG);
    assert_non_null(strstr(fse_error_last()->message, "from 0 to 1024"));
    assert_int_equal(fse_config_set(&cfg, "validate.jobs", "8x"), FSE_E_ARG);
    assert_int_equal(cfg.validate.jobs, 8);
    assert_int_equal(fse_config_set(&cfg, "validate.skip_vocabulary", "yes"), FSE_OK);
    assert_true(cfg.validate.skip_vocabulary);
    assert_int_equal(fse_config_set(&cfg, "validate.skip_vocabulary", "maybe"), FSE_E_ARG);
    assert_int_equal(fse_config_set(&cfg, "log.level", "verbose"), FSE_E_ARG);
    assert_int_equal(fse_config_set(&cfg, "no.such", "1"), FSE_E_NOT_FOUND);
}

static void file_lines_comments_quotes_and_errors(void **state)
{
    char path[512];
    fse_config cfg;

    (void)state;
    snprintf(path, sizeof(path), "%s/test_config.conf", FSE_BUILD_DIR);
    write_file(path, "# node\n\nvalidate.jobs = 2   # two workers\n"
                     "validate.rules_dir = \"/srv/fse rules\"\nlog.level='debug'\n");
    fse_config_defaults(&cfg, "/c");
    assert_int_equal(fse_config_load_file(&cfg, path), FSE_OK);
    assert_int_equal(cfg.validate.jobs, 2);
    assert_string_equal(cfg.validate.rules_dir, "/srv/fse rules");
    assert_string_equal(cfg.log_level, "debug");

    write_file(path, "validate.jobs = 1\nvalidate.jobs 3\n");
    assert_int_equal(fse_config_load_file(&cfg, path), FSE_E_PARSE);
    assert_non_null(strstr(fse_error_last()->message, ":2:"));
    write_file(path, "validate.jobs = -1\n");
    assert_int_equal(fse_config_load_file(&cfg, path), FSE_E_ARG);
    assert_non_null(strstr(fse_error_last()->message, ":1:"));
    remove(path);
    assert_int_equal(fse_config_load_file(&cfg, path), FSE_E_IO);
}

static void environment_goes_through_the_lookup(void **state)
{
    fse_config cfg;

    (void)state;
    fse_config_defaults(&cfg, "/c");
    fake_env_name = "FSE_RULES";
    fake_env_value = "/from/env";
    assert_int_equal(fse_config_apply_env(&cfg, fake_lookup), FSE_OK);
    assert_string_equal(cfg.validate.rules_dir, "/from/env");
    fake_env_name = "FSE_JOBS";
    fake_env_value = "many";
    assert_int_equal(fse_config_apply_env(&cfg, fake_lookup), FSE_E_ARG);
    assert_non_null(strstr(fse_error_last()->message, "FSE_JOBS"));
}

static void dump_lists_every_option(void **state)
{
    fse_config cfg;
    fse_buf b;

    (void)state;
    fse_config_defaults(&cfg, "/c");
    fse_buf_init(&b, 1u << 16);
    assert_int_equal(fse_config_dump(&cfg, &b), FSE_OK);
    assert_non_null(strstr(b.data, "validate.rules_dir = \"/c\""));
    assert_non_null(strstr(b.data, "validate.jobs = 0"));
    assert_non_null(strstr(b.data, "(env FSE_RULES)"));
    fse_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(defaults_come_from_the_table),
        cmocka_unit_test(set_checks_types_and_bounds),
        cmocka_unit_test(file_lines_comments_quotes_and_errors),
        cmocka_unit_test(environment_goes_through_the_lookup),
        cmocka_unit_test(dump_lists_every_option),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
