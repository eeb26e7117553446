/*
 * tests/hostile/hostile_tool.c - `fse validate` on hostile files written
 * under FSE_BUILD_DIR/hostile/: exit codes and one JSON object per file.
 */
#include "hostile_harness.h"

#include <fcntl.h>
#include <spawn.h>
#include <stdint.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

#include "fse/limits.h"

extern char **environ;

/* Run `fse validate --rules RULES args...`; stdout goes to out_path. */
static int run_tool(const char *const *args, size_t n_args, const char *out_path)
{
    const char *argv[16];
    posix_spawn_file_actions_t fa;
    pid_t pid;
    int status = 0;
    size_t i;
    size_t n = 0;

    assert_true(n_args + 5 < sizeof(argv) / sizeof(argv[0]));
    argv[n++] = TOOL_PATH;
    argv[n++] = "validate";
    argv[n++] = "--rules";
    argv[n++] = FSE_RULES_DIR;
    for (i = 0; i < n_args; i++) {
        argv[n++] = args[i];
    }
    argv[n] = NULL;
    assert_int_equal(posix_spawn_file_actions_init(&fa), 0);
    assert_int_equal(posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, out_path,
                                                      O_WRONLY | O_CREAT | O_TRUNC, 0644),
                     0);
    assert_int_equal(posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, WORK_DIR "/stderr.txt",
                                                      O_WRONLY | O_CREAT | O_TRUNC, 0644),
                     0);
    fflush(stdout);
    fflush(stderr);
    assert_int_equal(
        posix_spawn(&pid, TOOL_PATH, &fa, NULL, (char *const *)(uintptr_t)argv, environ), 0);
    posix_spawn_file_actions_destroy(&fa);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (!WIFEXITED(status)) {
        fail_msg("fse validate died (status %d)", status);
    }
    return WEXITSTATUS(status);
}

/* Check the tool's JSON output: one object per line, one line per file in
 * input order, with the expected outcome. */
static void expect_json_lines(const char *out_path, const char *const *files, size_t n_files,
                              const char *const *outcomes)
{
    size_t len = 0;
    uint8_t *out = h_read(out_path, &len);
    char *line = (char *)out;
    size_t i;

    for (i = 0; i < n_files; i++) {
        char *end = strchr(line, '\n');
        json_error_t err;
        json_t *obj;
        const char *file;
        const char *outcome;

        if (end == NULL) {
            fail_msg("line %zu missing in the output of fse validate --json", i + 1);
        }
        *end = '\0';
        obj = json_loads(line, 0, &err);
        if (obj == NULL || !json_is_object(obj)) {
            fail_msg("line %zu is not a JSON object: %s (%.120s)", i + 1, err.text, line);
        }
        file = json_string_value(json_object_get(obj, "file"));
        outcome = json_string_value(json_object_get(obj, "outcome"));
        assert_non_null(file);
        assert_non_null(outcome);
        assert_string_equal(file, files[i]);
        if (strcmp(outcome, outcomes[i]) != 0) {
            fail_msg("%s: outcome %s, expected %s", files[i], outcome, outcomes[i]);
        }
        assert_int_equal(json_is_true(json_object_get(obj, "valid")),
                         strcmp(outcomes[i], "00") == 0 || strcmp(outcomes[i], "05") == 0);
        assert_null(strstr(line, g.passwd_line));
        json_decref(obj);
        line = end + 1;
    }
    assert_int_equal(*line, '\0');
    fse_free(out);
}

/* Exit status 1 with invalid documents (one JSON line each), 2 for a file
 * that does not exist, 0 when all are valid. */
void tool_exit_codes_and_json(void **state)
{
    static const char *const files[] = {
        WORK_DIR "/xxe.xml",    WORK_DIR "/empty.xml",     WORK_DIR "/random.xml",
        WORK_DIR "/nul.xml",    WORK_DIR "/truncated.pdf", WORK_DIR "/oversized.xml",
        WORK_DIR "/latin1.xml", WORK_DIR "/encrypted.pdf",
    };
    static const char *const outcomes[] = {"01", "01", "01", "01", "01", "01", "01", "01"};
    static const char *const valid[] = {CERT_2, SAMPLES "/LAB/valid/testcontainer_LAB.pdf"};
    static const char *const valid_outcomes[] = {"00", "00"};
    const char *args[16];
    size_t len = 0;
    uint8_t *cda = h_read(LDO_1, &len);
    uint8_t *data;
    size_t data_len = 0;
    uint64_t seed = 42;
    size_t i;

    (void)state;
    h_ensure_work_dir();
    data = h_with_doctype(&data_len, cda, len,
                          "<!DOCTYPE ClinicalDocument [<!ENTITY xxe SYSTEM "
                          "\"file:///etc/passwd\">]>\n",
                          "xxe");
    h_write_file(files[0], data, data_len);
    fse_free(data);
    h_write_file(files[1], cda, 0);
    data = fse_malloc(FSE_MAX_DOCUMENT_BYTES + 1);
    assert_non_null(data);
    for (i = 0; i < 8192; i++) {
        data[i] = (uint8_t)(h_rng(&seed) >> 56);
    }
    h_write_file(files[2], data, 8192);
    memset(data, 0, 4096);
    h_write_file(files[3], data, 4096);
    fse_free(data);
    data = h_read(h_official_pdfs[2], &data_len);
    h_write_file(files[4], data, h_find(data, data_len, "%%EOF") - 16);
    fse_free(data);
    data = fse_malloc(FSE_MAX_DOCUMENT_BYTES + 1);
    assert_non_null(data);
    memcpy(data, cda, len);
    memset(data + len, ' ', FSE_MAX_DOCUMENT_BYTES + 1 - len);
    h_write_file(files[5], data, FSE_MAX_DOCUMENT_BYTES + 1);
    fse_free(data);
    {
        size_t c4_len = 0;
        uint8_t *c4 = h_read(CERT_4, &c4_len);

        data = h_to_latin1(&data_len, c4, c4_len);
        h_write_file(files[6], data, data_len);
        fse_free(data);
        fse_free(c4);
    }
    if (access(files[7], R_OK) != 0) {
        size_t pdf_len = 0;
        uint8_t *pdf = h_read(h_official_pdfs[1], &pdf_len);

        data = h_pdf_rewrite(&data_len, pdf, pdf_len, NULL, NULL, "user-secret", true);
        h_write_file(files[7], data, data_len);
        fse_free(data);
        fse_free(pdf);
    }

    args[0] = "--json";
    for (i = 0; i < 8; i++) {
        args[i + 1] = files[i];
    }
    assert_int_equal(run_tool(args, 9, WORK_DIR "/out.jsonl"), 1);
    expect_json_lines(WORK_DIR "/out.jsonl", files, 8, outcomes);

    /* Text output: still exit 1. */
    assert_int_equal(run_tool(files, 2, WORK_DIR "/out.txt"), 1);

    /* All valid: 0. */
    args[1] = valid[0];
    args[2] = valid[1];
    assert_int_equal(run_tool(args, 3, WORK_DIR "/valid.jsonl"), 0);
    expect_json_lines(WORK_DIR "/valid.jsonl", valid, 2, valid_outcomes);

    /* A file that does not exist, alone or with others: 2. */
    args[1] = WORK_DIR "/does-not-exist.xml";
    assert_int_equal(run_tool(args, 2, WORK_DIR "/missing.jsonl"), 2);
    args[2] = files[0];
    assert_int_equal(run_tool(args, 3, WORK_DIR "/missing.jsonl"), 2);
    fse_free(cda);
}
