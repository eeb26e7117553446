/*
 * src/bench_consult_out.c - the report of `fse bench consult`: the results
 * table, bench/results/consult.md (what was measured, on what, how the
 * store was built, the checks, the goal), consult.json (the same figures
 * for machines) and the last line.
 *
 * Owns the wording and the goal test: the search's p99 at BC_GOAL_CLIENTS
 * clients under BC_GOAL_P99_MS and within BC_GOAL_RATIO times the index
 * query's p99 at the same concurrency, with every answer as expected. Does
 * not own the measurements.
 */
#include "bench_consult.h"

#include <errno.h>
#include <string.h>

#include "fse/util.h"

static const char *const scenario_names[BC_N_SCENARIOS] = {
    "SQLite index query (floor)", "search, policy applied", "search, pair cached"};
static const char *const scenario_keys[BC_N_SCENARIOS] = {"index_query", "search",
                                                          "search_pair_cached"};

static size_t goal_level(const bc_results *r)
{
    size_t i;

    for (i = 0; i < BC_N_LEVELS; i++) {
        if (r->levels[i] == BC_GOAL_CLIENTS) {
            return i;
        }
    }
    return BC_N_LEVELS - 1;
}

static double ratio(double a, double b)
{
    return b > 0 ? a / b : 0.0;
}

/* Search p99 over index query p99 at level i. */
static double p99_ratio(const bc_results *r, size_t i)
{
    return ratio(r->runs[BC_SEARCH][i].lat.p99_ms, r->runs[BC_RAW][i].lat.p99_ms);
}

static bool all_answers_ok(const bc_results *r)
{
    size_t s;
    size_t i;

    for (s = 0; s < BC_N_SCENARIOS; s++) {
        if (!r->checks[s].done || r->checks[s].errors > 0) {
            return false;
        }
        for (i = 0; i < BC_N_LEVELS; i++) {
            if (!r->runs[s][i].done || r->runs[s][i].errors > 0) {
                return false;
            }
        }
    }
    return true;
}

bool bc_goal_met(const bc_results *r)
{
    size_t g = goal_level(r);
    const bc_run *s = &r->runs[BC_SEARCH][g];

    return all_answers_ok(r) && s->lat.n > 0 && r->runs[BC_RAW][g].lat.n > 0 &&
           s->lat.p99_ms < BC_GOAL_P99_MS && p99_ratio(r, g) <= BC_GOAL_RATIO;
}

void bc_output_table(FILE *out, const bc_results *r)
{
    size_t i;
    size_t s;

    fprintf(out, "| scenario | clients | requests | errors | p50 ms | p99 ms | max ms | req/s | "
                 "CPU ms/req | p99 / floor |\n");
    fprintf(out, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (i = 0; i < BC_N_LEVELS; i++) {
        for (s = 0; s < BC_N_SCENARIOS; s++) {
            const bc_run *x = &r->runs[s][i];

            char vs_floor[32] = "-";

            if (s != BC_RAW) {
                (void)snprintf(vs_floor, sizeof(vs_floor), "%.1fx",
                               ratio(x->lat.p99_ms, r->runs[BC_RAW][i].lat.p99_ms));
            }
            fprintf(out, "| %s | %u | %llu | %llu | %.3f | %.3f | %.2f | %.0f | %.3f | %s |\n",
                    scenario_names[s], r->levels[i], (unsigned long long)x->requests,
                    (unsigned long long)x->errors, x->lat.p50_ms, x->lat.p99_ms, x->lat.max_ms,
                    x->per_s, x->cpu_ms_per_req, vs_floor);
        }
    }
    for (s = 0; s < BC_N_SCENARIOS; s++) {
        for (i = 0; i < BC_N_LEVELS; i++) {
            if (r->runs[s][i].errors > 0) {
                fprintf(out, "\nErrors, %s at %u clients: %llu (first: %s)\n", scenario_names[s],
                        r->levels[i], (unsigned long long)r->runs[s][i].errors,
                        r->runs[s][i].first_error);
            }
        }
    }
}

void bc_output_last_line(FILE *out, const bc_results *r)
{
    size_t g = goal_level(r);

    fprintf(out,
            "bench consult: %.2f ms, %.1fx raw SQLite index query p99, goal p99 < %.0f ms at %d "
            "clients and <= %.0fx raw: %s\n",
            r->runs[BC_SEARCH][g].lat.p99_ms, p99_ratio(r, g), BC_GOAL_P99_MS, BC_GOAL_CLIENTS,
            BC_GOAL_RATIO, bc_goal_met(r) ? "met" : "not met");
    fflush(out);
}

static void describe(FILE *f, const bc_results *r)
{
    const bc_store *s = r->store;
    const bc_node *n = r->node;

    bench_machine_md(f, &r->machine, r->opts->quick, r->opts->seconds, r->total_seconds,
                     r->load_before, r->load_after);
    fprintf(f,
            "- node: `fse serve`'s consultation service and HTTP server in the benchmark's "
            "process on 127.0.0.1, %u server threads and consultation slots, the shipped policy "
            "matrix, a test CA as trust store, no rate limit; clients in the same process (one "
            "thread and one keep-alive connection each)\n",
            n->threads);
    fprintf(f,
            "- store: SQLite (WAL, synchronous=FULL) with %llu patients and %llu documents, "
            "loaded through the store API in transactions of 2,000 documents in %.0f s (%.0f "
            "documents/s, %.0f MB)%s%s\n",
            (unsigned long long)s->patients, (unsigned long long)s->docs, s->load_seconds,
            ratio((double)s->docs, s->load_seconds), s->load_mb,
            s->reused ? " by an earlier run on " : "", s->reused ? s->made_on : "");
    fprintf(f,
            "- searches: %zu patients spread over the store, searched in turn, each with its "
            "GP's READ token pair (role APR, purpose TREATMENT, locality the GP's practice) "
            "signed before any timing (%.1f s for %zu pairs); the cached scenario uses %zu of "
            "them\n",
            n->n_fresh, n->sign_seconds, n->n_fresh + n->n_cached, n->n_cached);
    fprintf(f, "- index query plan: `%s`\n", r->plan[0] != '\0' ? r->plan : "unknown");
}

static void checks(FILE *f, const bc_results *r)
{
    size_t s;

    fprintf(f,
            "\n## Checks\n\nBefore the timed runs, every pooled query once, untimed, %d "
            "clients; every answer parsed whole:\n\n",
            BC_CHECK_CLIENTS);
    fprintf(f, "| scenario | queries | as expected | errors | first error |\n"
               "|---|---:|---:|---:|---|\n");
    for (s = 0; s < BC_N_SCENARIOS; s++) {
        const bc_run *c = &r->checks[s];

        fprintf(f, "| %s | %llu | %llu | %llu | %s |\n", scenario_names[s],
                (unsigned long long)(c->requests + c->errors), (unsigned long long)c->requests,
                (unsigned long long)c->errors, c->first_error[0] != '\0' ? c->first_error : "-");
    }
    fprintf(f, "\nDuring the timed runs every search answer is checked for status 200 and the "
               "`total` the model expects, and one in 64 is parsed whole; every index query "
               "must return the patient's current documents.\n");
}

static void explain(FILE *f, const bc_results *r)
{
    fprintf(f,
            "\n## What is measured\n\n"
            "**search, policy applied**: `GET /fhir/DocumentReference?patient.identifier=CF` with "
            "the GP's token pair, on one keep-alive connection per client. The node verifies the "
            "pair (RS256 signatures and the x5c chain, the READ claim rules; a verified pair is "
            "remembered until it expires, in a cache of 1,024 entries, so with %zu pairs searched "
            "in turn most searches verify theirs), gathers the facts (registry record, consent "
            "history, relations, GP assignment, each sealed and checked), lists the patient's "
            "documents through the `documents_patient_time` index (each record's data key "
            "unwrapped and its sealed copy opened and compared), decides every document with the "
            "policy, writes the audit record and the patient's notification (group commit, "
            "fsync'd before the answer) and answers the FHIR Bundle. Latency is the client's round "
            "trip.\n\n"
            "**search, pair cached**: the same with a small pool of pairs that stay in the node's "
            "cache: the search without its token verification.\n\n"
            "**Floor: the SQLite index query.** The statement the store runs for that list (the "
            "same columns, WHERE and ORDER BY), on the same database, from the same number of "
            "threads, each with its own read-only connection, every column of every row read. It "
            "is what any search of a patient's documents on this store must pay; the ratio says "
            "what the policy, the protection at rest, the audit and HTTP add.\n\n"
            "CPU ms/req is the process's CPU time (server threads, journal, clients) per answered "
            "request.\n",
            r->node->n_fresh);
}

static void goal(FILE *f, const bc_results *r)
{
    size_t g = goal_level(r);
    const bc_run *s = &r->runs[BC_SEARCH][g];

    fprintf(f,
            "\n## Goal\n\n| goal | target | measured | met |\n|---|---|---:|---|\n"
            "| search p99 at %d clients | < %.0f ms | %.2f ms | %s |\n"
            "| search p99 / index query p99 at %d clients | <= %.0fx | %.1fx | %s |\n"
            "| every answer as expected | 0 errors | %s | %s |\n\n",
            BC_GOAL_CLIENTS, BC_GOAL_P99_MS, s->lat.p99_ms,
            s->lat.p99_ms < BC_GOAL_P99_MS ? "yes" : "no", BC_GOAL_CLIENTS, BC_GOAL_RATIO,
            p99_ratio(r, g), p99_ratio(r, g) <= BC_GOAL_RATIO ? "yes" : "no",
            all_answers_ok(r) ? "0 errors" : "errors", all_answers_ok(r) ? "yes" : "no");
}

static bool write_md(const bc_results *r)
{
    FILE *f = fopen(r->opts->out_md, "w");

    if (f == NULL) {
        fprintf(stderr, "fse bench consult: %s: %s\n", r->opts->out_md, strerror(errno));
        return false;
    }
    fprintf(f, "# fse bench consult\n\n");
    describe(f, r);
    fprintf(f, "\n## Results\n\n");
    bc_output_table(f, r);
    checks(f, r);
    explain(f, r);
    goal(f, r);
    bc_output_last_line(f, r);
    if (fclose(f) != 0) {
        fprintf(stderr, "fse bench consult: %s: write failed\n", r->opts->out_md);
        return false;
    }
    return true;
}

static void json_run(fse_json *w, const bc_run *x)
{
    fse_json_object_begin(w);
    fse_json_kv_int(w, "clients", x->clients);
    fse_json_kv_bool(w, "ok", x->done && x->errors == 0);
    fse_json_kv_int(w, "requests", (long long)x->requests);
    fse_json_kv_int(w, "errors", (long long)x->errors);
    fse_json_kv_int(w, "full_checks", (long long)x->full_checks);
    bench_json_num(w, "seconds", x->seconds, 3);
    bench_json_num(w, "per_s", x->per_s, 1);
    bench_json_num(w, "p50_ms", x->lat.p50_ms, 3);
    bench_json_num(w, "p99_ms", x->lat.p99_ms, 3);
    bench_json_num(w, "max_ms", x->lat.max_ms, 3);
    bench_json_num(w, "mean_ms", x->lat.mean_ms, 3);
    bench_json_num(w, "cpu_ms_per_req", x->cpu_ms_per_req, 3);
    if (x->first_error[0] != '\0') {
        fse_json_kv_string(w, "first_error", x->first_error);
    }
    fse_json_object_end(w);
}

static void json_setup(fse_json *w, const bc_results *r)
{
    const bc_store *s = r->store;
    const bc_node *n = r->node;

    fse_json_key(w, "machine");
    fse_json_object_begin(w);
    fse_json_kv_string(w, "cpu_model", r->machine.cpu_model);
    fse_json_kv_int(w, "cpus", r->machine.cpus);
    fse_json_kv_string(w, "kernel", r->machine.kernel);
    fse_json_kv_string(w, "load_before", r->load_before);
    fse_json_kv_string(w, "load_after", r->load_after);
    fse_json_object_end(w);
    fse_json_key(w, "store");
    fse_json_object_begin(w);
    fse_json_kv_int(w, "patients", (long long)s->patients);
    fse_json_kv_int(w, "documents", (long long)s->docs);
    fse_json_kv_bool(w, "reused", s->reused);
    fse_json_kv_string(w, "made", s->made_on);
    bench_json_num(w, "load_seconds", s->load_seconds, 1);
    bench_json_num(w, "megabytes", s->load_mb, 0);
    fse_json_kv_string(w, "index_query", bc_raw_sql());
    fse_json_kv_string(w, "plan", r->plan);
    fse_json_object_end(w);
    fse_json_key(w, "node");
    fse_json_object_begin(w);
    fse_json_kv_int(w, "threads", n->threads);
    fse_json_kv_int(w, "tokens", (long long)n->n_fresh);
    fse_json_kv_int(w, "cached_tokens", (long long)n->n_cached);
    bench_json_num(w, "sign_seconds", n->sign_seconds, 1);
    fse_json_object_end(w);
}

static void json_runs(fse_json *w, const bc_results *r)
{
    size_t s;
    size_t i;

    fse_json_key(w, "checks");
    fse_json_object_begin(w);
    for (s = 0; s < BC_N_SCENARIOS; s++) {
        fse_json_key(w, scenario_keys[s]);
        json_run(w, &r->checks[s]);
    }
    fse_json_object_end(w);
    fse_json_key(w, "runs");
    fse_json_object_begin(w);
    for (s = 0; s < BC_N_SCENARIOS; s++) {
        fse_json_key(w, scenario_keys[s]);
        fse_json_array_begin(w);
        for (i = 0; i < BC_N_LEVELS; i++) {
            json_run(w, &r->runs[s][i]);
        }
        fse_json_array_end(w);
    }
    fse_json_object_end(w);
}

static void json_goal(fse_json *w, const bc_results *r)
{
    size_t g = goal_level(r);

    fse_json_key(w, "goal");
    fse_json_object_begin(w);
    fse_json_kv_int(w, "clients", BC_GOAL_CLIENTS);
    bench_json_num(w, "p99_ms_below", BC_GOAL_P99_MS, 1);
    bench_json_num(w, "ratio_at_most", BC_GOAL_RATIO, 1);
    bench_json_num(w, "p99_ms", r->runs[BC_SEARCH][g].lat.p99_ms, 3);
    bench_json_num(w, "ratio", p99_ratio(r, g), 2);
    fse_json_kv_bool(w, "answers_ok", all_answers_ok(r));
    fse_json_kv_bool(w, "met", bc_goal_met(r));
    fse_json_object_end(w);
}

static bool write_json(const bc_results *r)
{
    fse_buf b;
    fse_json w;
    FILE *f;
    bool ok;

    fse_buf_init(&b, 1u << 20);
    fse_json_init(&w, &b);
    fse_json_object_begin(&w);
    fse_json_kv_string(&w, "benchmark", "consult");
    fse_json_kv_string(&w, "date", r->machine.date);
    fse_json_kv_bool(&w, "quick", r->opts->quick);
    bench_json_num(&w, "seconds_per_run", r->opts->seconds, 1);
    json_setup(&w, r);
    json_runs(&w, r);
    json_goal(&w, r);
    fse_json_object_end(&w);
    f = fse_json_status(&w) == FSE_OK ? fopen(r->opts->out_json, "w") : NULL;
    ok = f != NULL && fwrite(b.data, 1, b.len, f) == b.len && fputc('\n', f) != EOF;
    if (f != NULL && fclose(f) != 0) {
        ok = false;
    }
    if (!ok) {
        fprintf(stderr, "fse bench consult: %s: write failed\n", r->opts->out_json);
    }
    fse_buf_free(&b);
    return ok;
}

bool bc_output_files(const bc_results *r)
{
    bool md;
    bool json;

    if (!bench_make_dirs(r->opts->results_dir, "consult")) {
        return false;
    }
    md = write_md(r);
    json = write_json(r);
    return md && json;
}
