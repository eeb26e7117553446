/*
 * src/bench_reference.c - the reference of `fse bench validate`: the
 * national validator's pipeline (JDK XSD, then the official schematron on
 * Saxon-HE) as bench/reference/run.sh runs it.
 *
 * Owns finding run.sh in the source tree, running it as a child process
 * pinned to one CPU (what `taskset -c CPU` does: the affinity is set in the
 * child before exec, so the JVM's JIT and GC threads share that CPU), reading
 * its JSON lines (one verdict per file, then the summary with docs/s per
 * step) and turning a missing Java, Saxon or script into "unavailable"
 * instead of a failure. Does not own the reference itself (bench/reference/,
 * see its README.md) nor the comparison of verdicts (bench_verdict.c).
 */
#define _GNU_SOURCE
#include "bench.h"

#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

#include "tool.h"

#define REF_OUTPUT_MAX (256u * 1024u * 1024u)

/*
 * Run argv (argv[0] a path) pinned to cpu, stdout into out; the wait status,
 * or -1. *cpu_s_out gets the child's user + system CPU seconds.
 */
static int run_child(fse_buf *out, char *const argv[], int cpu, double *cpu_s_out)
{
    struct rusage ru;
    int fds[2];
    int status = 0;
    pid_t pid;
    char chunk[65536];

    if (pipe(fds) != 0) {
        return -1;
    }
    fflush(stdout);
    fflush(stderr);
    pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    if (pid == 0) {
        cpu_set_t set;

        CPU_ZERO(&set);
        CPU_SET(cpu, &set);
        if (dup2(fds[1], STDOUT_FILENO) < 0 || sched_setaffinity(0, sizeof(set), &set) != 0) {
            _exit(126);
        }
        close(fds[0]);
        close(fds[1]);
        execv(argv[0], argv);
        _exit(127);
    }
    close(fds[1]);
    for (;;) {
        ssize_t got = read(fds[0], chunk, sizeof(chunk));

        if (got < 0 && errno == EINTR) {
            continue;
        }
        if (got <= 0) {
            break;
        }
        /* Past the cap the rest is drained and dropped; the summary check catches it. */
        (void)fse_buf_append(out, chunk, (size_t)got);
    }
    close(fds[0]);
    memset(&ru, 0, sizeof(ru));
    while (wait4(pid, &status, 0, &ru) < 0) {
        if (errno != EINTR) {
            return -1;
        }
    }
    *cpu_s_out = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
                 (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
    return status;
}

static char *labels_of(json_t *array)
{
    size_t n = json_is_array(array) ? json_array_size(array) : 0;
    const char **labels = malloc((n == 0 ? 1 : n) * sizeof(*labels));
    size_t i;
    char *out;

    if (labels == NULL) {
        return NULL;
    }
    for (i = 0; i < n; i++) {
        const char *s = json_string_value(json_array_get(array, i));

        labels[i] = s != NULL ? s : "";
    }
    out = bench_labels_compact(labels, n);
    free(labels);
    return out;
}

static void take_verdict(bench_reference *ref, const bench_corpus *c, json_t *line)
{
    const char *file = json_string_value(json_object_get(line, "file"));
    const char *outcome = json_string_value(json_object_get(line, "outcome"));
    bench_verdict *v = NULL;
    size_t i;

    for (i = 0; file != NULL && i < c->n; i++) {
        if (strcmp(c->docs[i].name, file) == 0) {
            v = &ref->verdicts[i];
            break;
        }
    }
    if (v == NULL || outcome == NULL) {
        ref->n_unknown++;
        return;
    }
    bench_verdict_clear(v);
    snprintf(v->outcome, sizeof(v->outcome), "%s", outcome);
    v->rules = labels_of(json_object_get(line, "rules"));
    v->warnings = labels_of(json_object_get(line, "warnings"));
    v->present = v->rules != NULL && v->warnings != NULL;
}

static double step_rate(json_t *steps, const char *name, long *per_pass)
{
    json_t *step = json_object_get(steps, name);

    *per_pass = (long)json_integer_value(json_object_get(step, "docs_per_pass"));
    return json_number_value(json_object_get(step, "docs_per_s"));
}

static void take_summary(bench_reference *ref, json_t *line)
{
    json_t *steps = json_object_get(line, "steps");
    const char *java = json_string_value(json_object_get(line, "java"));
    const char *saxon = json_string_value(json_object_get(line, "saxon"));

    snprintf(ref->java, sizeof(ref->java), "%s", java != NULL ? java : "?");
    snprintf(ref->saxon, sizeof(ref->saxon), "%s", saxon != NULL ? saxon : "?");
    ref->xsd = step_rate(steps, "xsd", &ref->xsd_pass);
    ref->sch = step_rate(steps, "sch", &ref->sch_pass);
    ref->pipeline = step_rate(steps, "pipeline", &ref->pipeline_pass);
    ref->available = ref->pipeline > 0 && ref->sch > 0 && ref->xsd > 0;
    if (!ref->available) {
        snprintf(ref->why, sizeof(ref->why), "the reference summary has no timed steps");
    }
}

/* Walk the JSON lines of the child's stdout (text is modified). */
static void parse_output(bench_reference *ref, const bench_corpus *c, char *text)
{
    char *line = text;

    while (line != NULL && *line != '\0') {
        char *nl = strchr(line, '\n');
        json_error_t jerr;
        json_t *o;

        if (nl != NULL) {
            *nl = '\0';
        }
        o = line[0] == '{' ? json_loads(line, 0, &jerr) : NULL;
        if (json_is_object(o)) {
            if (json_is_true(json_object_get(o, "summary"))) {
                take_summary(ref, o);
            } else {
                take_verdict(ref, c, o);
            }
        }
        json_decref(o);
        line = nl != NULL ? nl + 1 : NULL;
    }
}

static void explain_status(bench_reference *ref, int status)
{
    if (status < 0) {
        snprintf(ref->why, sizeof(ref->why), "cannot start %s", ref->script);
    } else if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
        snprintf(ref->why, sizeof(ref->why),
                 "%s: java, javac or Saxon-HE missing (see its message above)", ref->script);
    } else if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
        snprintf(ref->why, sizeof(ref->why), "%s exited with status %d", ref->script,
                 WEXITSTATUS(status));
    } else if (WIFSIGNALED(status)) {
        snprintf(ref->why, sizeof(ref->why), "%s killed by signal %d", ref->script,
                 WTERMSIG(status));
    } else if (ref->why[0] == '\0') {
        snprintf(ref->why, sizeof(ref->why), "%s printed no summary line", ref->script);
    }
}

void bench_reference_run(bench_reference *ref, const bench_corpus *corpus, const char *catalog,
                         int cpu, double seconds, double warmup)
{
    char secs[32];
    char warm[32];
    char *argv[16];
    int k = 0;
    int status;
    fse_buf out;
    double cpu_s = 0;
    uint64_t t0 = tool_now_ns();

    memset(ref, 0, sizeof(*ref));
    ref->seconds = seconds;
    ref->warmup = warmup;
    snprintf(ref->script, sizeof(ref->script), "%s/bench/reference/run.sh", FSE_SOURCE_DIR);
    ref->verdicts = calloc(corpus->n == 0 ? 1 : corpus->n, sizeof(*ref->verdicts));
    if (ref->verdicts == NULL) {
        snprintf(ref->why, sizeof(ref->why), "out of memory");
        return;
    }
    if (access(ref->script, R_OK) != 0) {
        snprintf(ref->why, sizeof(ref->why), "%s not found (source tree not present)", ref->script);
        return;
    }
    snprintf(secs, sizeof(secs), "%.2f", seconds);
    snprintf(warm, sizeof(warm), "%.2f", warmup);
    argv[k++] = "/bin/sh";
    argv[k++] = ref->script;
    argv[k++] = "--catalog";
    argv[k++] = (char *)(uintptr_t)catalog;
    argv[k++] = "--mode";
    argv[k++] = "pipeline";
    argv[k++] = "--json";
    argv[k++] = "--seconds";
    argv[k++] = secs;
    argv[k++] = "--warmup";
    argv[k++] = warm;
    if (corpus->from_tsv) {
        argv[k++] = "--expected";
    }
    argv[k++] = (char *)(uintptr_t)corpus->source;
    argv[k] = NULL;
    fse_buf_init(&out, REF_OUTPUT_MAX);
    status = run_child(&out, argv, cpu, &cpu_s);
    ref->wall_s = (double)(tool_now_ns() - t0) / 1e9;
    ref->cpu_share = ref->wall_s > 0 ? cpu_s / ref->wall_s : 0.0;
    if (out.data != NULL) {
        parse_output(ref, corpus, out.data);
    }
    fse_buf_free(&out);
    if (status != 0) {
        ref->available = false;
    }
    if (!ref->available) {
        explain_status(ref, status);
    }
}

void bench_reference_free(bench_reference *ref, size_t n_docs)
{
    size_t i;

    for (i = 0; ref->verdicts != NULL && i < n_docs; i++) {
        bench_verdict_clear(&ref->verdicts[i]);
    }
    free(ref->verdicts);
    ref->verdicts = NULL;
}
