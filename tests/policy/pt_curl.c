/*
 * tests/policy/pt_curl.c - `fse serve` as a child on an ephemeral port and
 * /usr/bin/curl as its client (see pt_curl.h).
 */
#include "pt_curl.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fse/util.h"

#define CURL "/usr/bin/curl"

void pt_serve_init(pt_serve *s, const char *name)
{
    memset(s, 0, sizeof(*s));
    pt_make_dir(s->dir, sizeof(s->dir), name);
    snprintf(s->conf, sizeof(s->conf), "%s/node.conf", s->dir);
    snprintf(s->db, sizeof(s->db), "%s/node.db", s->dir);
    snprintf(s->key, sizeof(s->key), "%s/master.key", s->dir);
    snprintf(s->log, sizeof(s->log), "%s/server.log", s->dir);
    assert_int_equal(fse_store_keyfile_create(s->key), FSE_OK);
}

void pt_serve_stop(pt_serve *s)
{
    if (s->pid > 0) {
        kill(s->pid, SIGTERM);
        waitpid(s->pid, NULL, 0);
        s->pid = 0;
    }
    fse_free(s->auth);
    fse_free(s->sig);
    s->auth = NULL;
    s->sig = NULL;
    pt_remove_dir(s->dir);
}

static char *slurp(const char *path, size_t *len_out)
{
    uint8_t *data = NULL;
    size_t len = 0;

    if (fse_file_read(path, 64u << 20, &data, &len) != FSE_OK) {
        data = (uint8_t *)fse_strdup("");
        len = 0;
    }
    if (len_out != NULL) {
        *len_out = len;
    }
    return (char *)data;
}

void pt_curl(pt_serve *s, pt_curl_out *o, const char *method, const char *path, bool token,
             const char *const *headers)
{
    char url[4096], hdr_file[PATH_MAX + 32], body_file[PATH_MAX + 32], code_file[PATH_MAX + 32];
    char auth_h[8192], sig_h[8192];
    const char *argv[64];
    size_t n = 0;
    int status = 0;
    char *code;
    char *last;
    pid_t pid;

    memset(o, 0, sizeof(*o));
    snprintf(url, sizeof(url), "http://127.0.0.1:%u%s", (unsigned)s->port, path);
    snprintf(hdr_file, sizeof(hdr_file), "%s/curl.headers", s->dir);
    snprintf(body_file, sizeof(body_file), "%s/curl.body", s->dir);
    snprintf(code_file, sizeof(code_file), "%s/curl.code", s->dir);
    argv[n++] = CURL;
    argv[n++] = "-sS";
    argv[n++] = "-g";
    argv[n++] = "--max-time";
    argv[n++] = "60";
    argv[n++] = "-X";
    argv[n++] = method;
    argv[n++] = "-D";
    argv[n++] = hdr_file;
    argv[n++] = "-o";
    argv[n++] = body_file;
    argv[n++] = "-w";
    argv[n++] = "%{http_code}";
    if (token) {
        snprintf(auth_h, sizeof(auth_h), "Authorization: Bearer %s", s->auth);
        snprintf(sig_h, sizeof(sig_h), "FSE-JWT-Signature: %s", s->sig);
        argv[n++] = "-H";
        argv[n++] = auth_h;
        argv[n++] = "-H";
        argv[n++] = sig_h;
    }
    while (headers != NULL && *headers != NULL && n < 60) {
        argv[n++] = "-H";
        argv[n++] = *headers++;
    }
    argv[n++] = url;
    argv[n] = NULL;
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int f = open(code_file, O_WRONLY | O_CREAT | O_TRUNC, 0600);

        if (f >= 0) {
            dup2(f, 1);
            close(f);
        }
        execv(CURL, (char *const *)argv);
        _exit(127);
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fail_msg("curl %s %s exited with %d", method, path,
                 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    }
    s->curls++;
    code = slurp(code_file, NULL);
    o->status = (int)strtol(code, NULL, 10);
    fse_free(code);
    o->headers = slurp(hdr_file, NULL);
    /* With redirects or 100-continue there may be several blocks. */
    last = strstr(o->headers, "\r\n\r\nHTTP/");
    while (last != NULL) {
        memmove(o->headers, last + 4, strlen(last + 4) + 1);
        last = strstr(o->headers, "\r\n\r\nHTTP/");
    }
    o->body = slurp(body_file, &o->body_len);
    o->json = json_loadb(o->body, o->body_len, 0, NULL);
}

void pt_curl_free(pt_curl_out *o)
{
    fse_free(o->headers);
    fse_free(o->body);
    if (o->json != NULL) {
        json_decref(o->json);
    }
    memset(o, 0, sizeof(*o));
}

const char *pt_curl_header(const pt_curl_out *o, const char *name, char *out, size_t cap)
{
    const char *line = o->headers;

    out[0] = '\0';
    while (line != NULL && *line != '\0') {
        const char *eol = strstr(line, "\r\n");
        size_t n = eol != NULL ? (size_t)(eol - line) : strlen(line);

        if (n > strlen(name) && strncasecmp(line, name, strlen(name)) == 0 &&
            line[strlen(name)] == ':') {
            const char *v = line + strlen(name) + 1;

            while (*v == ' ') {
                v++;
            }
            snprintf(out, cap, "%.*s", (int)(n - (size_t)(v - line)), v);
            return out;
        }
        line = eol != NULL ? eol + 2 : NULL;
    }
    return out;
}

/* Read one line from fd within timeout_ms. */
static bool read_line(int fd, char *line, size_t cap, int timeout_ms)
{
    size_t len = 0;

    while (len + 1 < cap) {
        struct pollfd p = {fd, POLLIN, 0};

        if (poll(&p, 1, timeout_ms) <= 0 || read(fd, line + len, 1) != 1) {
            return false;
        }
        if (line[len] == '\n') {
            break;
        }
        len++;
    }
    line[len] = '\0';
    return true;
}

void pt_serve_start(pt_serve *s)
{
    char bin[PATH_MAX];
    char line[256] = "";
    int out[2];
    FILE *f;

    snprintf(bin, sizeof(bin), "%s/fse", FSE_BUILD_DIR);
    f = fopen(s->conf, "w");
    assert_non_null(f);
    fprintf(f,
            "server.port = 0\nserver.threads = 2\n"
            "server.pades_check = false\nstore.path = %s\nstore.master_key = %s\n"
            "jwt.ca_file = %s\njwt.audience = %s\nvalidate.rules_dir = %s\nlog.level = warn\n%s",
            s->db, s->key, pt.ca_path, PT_AUD, FSE_RULES_DIR,
            s->extra_conf != NULL ? s->extra_conf : "");
    assert_int_equal(fclose(f), 0);
    assert_int_equal(pipe(out), 0);
    s->pid = fork();
    assert_true(s->pid >= 0);
    if (s->pid == 0) {
        int e = open(s->log, O_WRONLY | O_CREAT | O_APPEND, 0600);

        close(out[0]);
        dup2(out[1], 1);
        close(out[1]);
        if (e >= 0) {
            dup2(e, 2);
            close(e);
        }
        execl(bin, bin, "serve", "--config", s->conf, (char *)NULL);
        _exit(127);
    }
    close(out[1]);
    if (!read_line(out[0], line, sizeof(line), 180000) ||
        strncmp(line, "http://127.0.0.1:", 17) != 0) {
        kill(s->pid, SIGKILL);
        waitpid(s->pid, NULL, 0);
        s->pid = 0;
        close(out[0]);
        fail_msg("fse serve did not start (see %s): '%s'", s->log, line);
    }
    close(out[0]);
    s->port = (uint16_t)strtoul(line + 17, NULL, 10);
}
