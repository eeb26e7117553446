/*
 * src/cmd_audit.c - `fse audit verify`: walk the node's hash-chained audit
 * log and report the first changed, removed, inserted or reordered record.
 *
 * Owns argument parsing, opening the store (with the master key when its
 * file exists, so the MACs are checked too; without it only the hashes),
 * the one-line report and the exit code (0 intact, 1 defect found, 2 usage
 * or I/O error). The verification itself is lib/audit's.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "fse/audit.h"
#include "fse/config.h"
#include "fse/store.h"
#include "tool.h"

static const char *defect_name(fse_audit_defect d)
{
    switch (d) {
    case FSE_AUDIT_INTACT:
        return "intact";
    case FSE_AUDIT_CHANGED:
        return "changed record";
    case FSE_AUDIT_BROKEN_LINK:
        return "broken link (record removed, inserted or moved)";
    case FSE_AUDIT_GAP:
        return "gap in sequence numbers (records removed)";
    case FSE_AUDIT_BAD_MAC:
        return "bad MAC (chain recomputed without the node key)";
    case FSE_AUDIT_HEAD:
        return "head mismatch (records cut from the tail or added)";
    case FSE_AUDIT_MALFORMED:
        return "malformed hash or MAC";
    }
    return "unknown defect";
}

static void usage(FILE *out)
{
    fprintf(out, "usage: fse audit verify [--config FILE] [--no-key]\n"
                 "\n"
                 "Verify the audit chain of the store (store.path): every record's hash, the\n"
                 "links between records, the sequence, the chain head and, with the master key\n"
                 "(store.master_key, used when the file exists), every MAC.\n"
                 "  --no-key   verify hashes and links only, without the master key\n"
                 "\n"
                 "Exit status: 0 intact, 1 a defect was found, 2 usage or I/O error.\n");
}

int cmd_audit(int argc, char **argv)
{
    const char *config_file = NULL;
    bool no_key = false;
    fse_store_opts so = FSE_STORE_OPTS_INIT;
    fse_audit_report report;
    fse_store *s = NULL;
    fse_config cfg;
    int i;

    if (argc < 2 || strcmp(argv[1], "verify") != 0) {
        usage(argc >= 2 && strcmp(argv[1], "--help") == 0 ? stdout : stderr);
        return argc >= 2 && strcmp(argv[1], "--help") == 0 ? 0 : 2;
    }
    for (i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
            config_file = argv[++i];
        } else if (strcmp(argv[i], "--no-key") == 0) {
            no_key = true;
        } else {
            usage(stderr);
            return 2;
        }
    }
    if (!tool_config_load(&cfg, config_file)) {
        return 2;
    }
    if (access(cfg.store.path, R_OK) != 0) {
        fprintf(stderr, "fse audit: no store at %s\n", cfg.store.path);
        return 2;
    }
    so.path = cfg.store.path;
    so.master_key_path =
        !no_key && access(cfg.store.master_key, R_OK) == 0 ? cfg.store.master_key : NULL;
    if (fse_store_open(&s, &so) != FSE_OK || fse_audit_verify(&report, s) != FSE_OK) {
        fprintf(stderr, "fse audit: %s\n", fse_error_last()->message);
        fse_store_free(s);
        return 2;
    }
    fse_store_free(s);
    if (report.intact) {
        printf("audit chain intact: %lld records, last seq %lld, MACs %s\n",
               (long long)report.n_records, (long long)report.last_seq,
               report.macs_checked ? "checked" : "not checked (no master key)");
        return 0;
    }
    printf("audit chain DEFECT: %s at record %lld (%lld records walked): %s\n",
           defect_name(report.defect), (long long)report.first_bad_seq, (long long)report.n_records,
           report.detail);
    return 1;
}
