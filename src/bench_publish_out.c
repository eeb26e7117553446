/*
 * src/bench_publish_out.c - the report of `fse bench publish`: the results
 * table, bench/results/publish.md (what was measured, on what, how the
 * store was pre-loaded, why the reference is the validation-only call) and
 * the last line with the goal.
 *
 * Owns the wording and the goal test (documents/s and p99 at
 * BP_GOAL_CLIENTS clients). Does not own the measurements
 * (bench_publish_run.c) or the store (bench_publish_load.c).
 */
#include "bench_publish.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

/* The level measured with BP_GOAL_CLIENTS clients. */
static size_t goal_level(const bp_results *r)
{
    size_t i;

    for (i = 0; i < BP_N_LEVELS; i++) {
        if (r->levels[i] == BP_GOAL_CLIENTS) {
            return i;
        }
    }
    return 0;
}

static double ratio(double a, double b)
{
    return b > 0 ? a / b : 0.0;
}

bool bp_goal_met(const bp_results *r)
{
    const bp_run *p = &r->publish[goal_level(r)];

    return p->done && p->errors == 0 && p->docs_per_s >= BP_GOAL_DOCS_PER_S &&
           p->p99_ms < BP_GOAL_P99_MS;
}

void bp_output_table(FILE *out, const bp_results *r)
{
    size_t i;

    fprintf(out, "| clients | publish docs/s | p50 ms | p99 ms | max ms | CPU ms/doc | CPUs busy "
                 "| errors | outbox after the run | VERIFICA docs/s | p50 ms | p99 ms | publish / "
                 "VERIFICA |\n");
    fprintf(out, "|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|\n");
    for (i = 0; i < BP_N_LEVELS; i++) {
        const bp_run *p = &r->publish[i];
        const bp_run *v = &r->verify[i];

        fprintf(out,
                "| %u | %.0f | %.1f | %.1f | %.1f | %.2f | %.2f of %u | %" PRIu64
                " | %zu queued, drained in %.1f s | %.0f | %.1f | %.1f | %.2fx |\n",
                r->levels[i], p->docs_per_s, p->p50_ms, p->p99_ms, p->max_ms, p->cpu_ms_per_doc,
                p->cpu_ms_per_doc * p->docs_per_s / 1000.0, r->machine.cpus, p->errors,
                p->outbox_left, p->outbox_drain_s, v->docs_per_s, v->p50_ms, v->p99_ms,
                ratio(p->docs_per_s, v->docs_per_s));
    }
    for (i = 0; i < BP_N_LEVELS; i++) {
        if (r->publish[i].errors > 0 || r->verify[i].errors > 0) {
            fprintf(out,
                    "\nErrors at %u clients: publish %" PRIu64 " (first: %s), VERIFICA %" PRIu64
                    " (first: %s)\n",
                    r->levels[i], r->publish[i].errors, r->publish[i].first_error,
                    r->verify[i].errors, r->verify[i].first_error);
        }
    }
}

void bp_output_last_line(FILE *out, const bp_results *r)
{
    size_t g = goal_level(r);

    fprintf(out,
            "bench publish: %.0f docs/s, %.2fx VERIFICA validation-only calls, goal 1000 docs/s "
            "and p99 < 50 ms at 16 clients: %s\n",
            r->publish[g].docs_per_s, ratio(r->publish[g].docs_per_s, r->verify[g].docs_per_s),
            bp_goal_met(r) ? "met" : "not met");
    fflush(out);
}

static void describe(FILE *f, const bp_results *r)
{
    const bp_store *s = r->store;
    const bp_node *n = r->node;

    bench_machine_md(f, &r->machine, r->opts->quick, r->opts->seconds, r->total_seconds,
                     r->load_before, r->load_after);
    fprintf(f,
            "- node: `fse serve`'s gateway and HTTP server in the benchmark's process on "
            "127.0.0.1, %u server threads (and gateway slots), outbox worker running, PAdES check "
            "off (the generated PDFs are unsigned), no rate limit; started in %.1f s (rules "
            "catalog loaded)\n",
            n->threads, n->start_seconds);
    fprintf(f,
            "- store: SQLite (WAL, synchronous=FULL: every 201/202 is fsync'd) holding %" PRIu64
            " documents before the runs, %" PRIu64
            " of them pre-loaded directly through `fse_store_doc_put` in transactions of 2,000 "
            "documents in %.0f s (%.0f documents/s, flush to disk included; %.0f MB)",
            s->n_docs + s->earlier_docs, s->n_docs, s->load_seconds,
            ratio((double)s->n_docs, s->load_seconds), s->load_mb);
    if (s->reused) {
        fprintf(f, " by an earlier run on %s, the other %" PRIu64 " published by earlier runs",
                s->made_on, s->earlier_docs);
    }
    fprintf(f, "\n");
    fprintf(f, "- pre-loaded documents: 900 generated documents (100 of each of the nine types, "
               "about 900 patients) cycled under new identificativoDoc values, each with its real "
               "CDA and PDF and its metadata as the gateway stores it (sealed blobs, keyed patient "
               "reference)\n");
    fprintf(f,
            "- documents sent: %zu new generated documents of the nine types in turn, each with "
            "its PDF, its two token pairs and its three requests built before any timing (%.1f "
            "s); one slice per concurrency level, so every publication is a new document\n",
            n->n_docs, n->build_seconds);
}

static void explain(FILE *f)
{
    fprintf(f, "\n## What is measured\n\n"
               "**publish**: per document, the Gateway's two calls on one keep-alive connection "
               "per client: `POST /v1/documents/validation` (multipart PDF + requestBody, activity "
               "VALIDATION, two JWTs; answered 201 after the JWT checks, CDA extraction, XSD, "
               "schematron, terminology and the commit of the validation link, event and audit "
               "record) then `POST /v1/documents` (answered 202 after the JWT and document checks "
               "and the publication transaction: link consumed, document sealed and stored, "
               "events, two outbox jobs, audit record, fsync). Latency is the sum of both round "
               "trips; documents/s counts documents that got 201 then 202. The outbox worker runs "
               "the INI and EDS jobs at the same time; what it had not done when the run ended is "
               "in the outbox column.\n\n"
               "**Reference: VERIFICA.** The same documents sent to the validation endpoint with "
               "activity VERIFICA, by the same clients over the same server stack: the full "
               "validation (JWTs, extraction, XSD, schematron, terminology) and its audit record, "
               "but no validation link and no publication. It is the part of the work every "
               "Gateway client pays anyway; publish / VERIFICA says what the second call, the "
               "publication transaction and the fsyncs add. An HTTP echo would only measure the "
               "transport, which is not where a publication spends its time.\n\n"
               "**Where the time goes.** A published document costs six write transactions, "
               "each fsync'd before its answer or its next step, and SQLite lets one writer at a "
               "time: the validation (link, event, audit record), the publication (document, "
               "events, jobs, audit record), and for each of the two outbox jobs its claim and its "
               "completion. Adding clients cannot go past that serial part, and the CPUs are not "
               "the limit (CPUs busy = CPU ms/doc x docs/s). A request that finds the write lock "
               "taken waits in SQLite's busy handler, which sleeps 1, 2, 5, 10 ms and more between "
               "tries: that waiting, on top of queueing, stretches the p99 at 16 and 64 clients. "
               "VERIFICA commits one small transaction (its audit record).\n\n"
               "CPU ms/doc is the process's CPU time (server threads, outbox worker and the "
               "clients, which only write prepared requests and read answers) per document "
               "completed.\n");
}

bool bp_output_md(const bp_results *r)
{
    FILE *f = fopen(r->opts->out_path, "w");
    size_t g = goal_level(r);

    if (f == NULL) {
        fprintf(stderr, "fse bench publish: %s: %s\n", r->opts->out_path, strerror(errno));
        return false;
    }
    fprintf(f, "# fse bench publish\n\n");
    describe(f, r);
    fprintf(f, "\n## Results\n\n");
    bp_output_table(f, r);
    explain(f);
    fprintf(f,
            "\n## Goal\n\n| goal | target | measured | met |\n|---|---|---:|---|\n"
            "| documents/s at %d clients | >= %.0f | %.0f | %s |\n"
            "| p99 latency at %d clients | < %.0f ms | %.1f ms | %s |\n\n",
            BP_GOAL_CLIENTS, BP_GOAL_DOCS_PER_S, r->publish[g].docs_per_s,
            r->publish[g].docs_per_s >= BP_GOAL_DOCS_PER_S ? "yes" : "no", BP_GOAL_CLIENTS,
            BP_GOAL_P99_MS, r->publish[g].p99_ms,
            r->publish[g].p99_ms < BP_GOAL_P99_MS ? "yes" : "no");
    bp_output_last_line(f, r);
    if (fclose(f) != 0) {
        fprintf(stderr, "fse bench publish: %s: write failed\n", r->opts->out_path);
        return false;
    }
    return true;
}
