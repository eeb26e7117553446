/*
 * src/cmd_fhir.c - `fse fhir FILE.xml|pdf`: print the FHIR R4 transaction
 * Bundle the Gateway would build from a CDA (eds-fhir §2).
 *
 * Owns argument parsing, reading the file, the clock (Bundle.timestamp) and
 * the random seed of the resource ids, --pretty indentation (whitespace only:
 * the numbers stay as the library wrote them), --check (structural and
 * data-quality reachability issues on stderr) and the exit code (0 done,
 * 1 --check found issues, 2 usage, I/O or conversion error). The conversion
 * and the checks are lib/fhir's.
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "fse/fhir.h"
#include "fse/limits.h"
#include "fse/util.h"
#include "tool.h"

static void usage(FILE *out)
{
    fprintf(
        out,
        "usage: fse fhir [--pretty] [--check] [--seed N] [--compat gateway|engine-2023]\n"
        "                [--cf-system oid|hl7it] [--cond-url value|system] FILE\n"
        "\n"
        "Convert a CDA R2 document (XML, or PDF carrying it) into the FHIR R4 transaction\n"
        "Bundle of the Gateway FSE 2.0 and print it.\n"
        "\n"
        "  --pretty          indent the JSON\n"
        "  --check           report structural R4 and data-quality reachability issues\n"
        "                    on stderr (exit 1 when there are any beyond the known issues\n"
        "                    of the official mapping, see docs/fhir.md)\n"
        "  --seed N          seed of the resource UUIDs (default: random)\n"
        "  --compat MODE     gateway: as the Gateway's published examples (default);\n"
        "                    engine-2023: as the mapping engine's benchmark bundle\n"
        "                    (names of people and organizations, street lines first)\n"
        "  --cf-system S     system of codice fiscale identifiers: oid (urn:oid:…4.3.2,\n"
        "                    default) or hl7it (http://hl7.it/sid/codiceFiscale)\n"
        "  --cond-url U      conditional PUT urls: value (Type?identifier=<value>, default)\n"
        "                    or system (Type?identifier=<system>|<value>)\n"
        "\n"
        "Exit status: 0 converted, 1 --check found issues, 2 usage, I/O or conversion error.\n");
}

/* Write compact JSON indented by two spaces; strings are copied untouched. */
static void print_pretty(FILE *out, const char *s)
{
    int depth = 0;
    bool in_str = false;
    int i;

    for (; *s != '\0'; s++) {
        char ch = *s;
        if (in_str) {
            fputc(ch, out);
            if (ch == '\\' && s[1] != '\0') {
                fputc(*++s, out);
            } else if (ch == '"') {
                in_str = false;
            }
            continue;
        }
        switch (ch) {
        case '"':
            in_str = true;
            fputc(ch, out);
            break;
        case '{':
        case '[':
            fputc(ch, out);
            if (s[1] == '}' || s[1] == ']') {
                fputc(*++s, out);
                break;
            }
            depth++;
            fputc('\n', out);
            for (i = 0; i < depth; i++) {
                fputs("  ", out);
            }
            break;
        case '}':
        case ']':
            depth--;
            fputc('\n', out);
            for (i = 0; i < depth; i++) {
                fputs("  ", out);
            }
            fputc(ch, out);
            break;
        case ',':
            fputc(ch, out);
            fputc('\n', out);
            for (i = 0; i < depth; i++) {
                fputs("  ", out);
            }
            break;
        case ':':
            fputs(": ", out);
            break;
        default:
            fputc(ch, out);
        }
    }
    fputc('\n', out);
}

/* Local time as a FHIR instant with its offset ("2025-10-10T16:07:36+02:00"). */
static void now_instant(char out[32])
{
    time_t t = time(NULL);
    struct tm tm;
    char buf[32];
    size_t n;

    out[0] = '\0';
    if (localtime_r(&t, &tm) == NULL ||
        strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S%z", &tm) == 0) {
        return;
    }
    n = strlen(buf);
    if (n < 5) {
        return;
    }
    /* +0200 -> +02:00 */
    snprintf(out, 32, "%.*s:%s", (int)(n - 2), buf, buf + n - 2);
}

static uint64_t random_seed(void)
{
    uint64_t seed = (uint64_t)time(NULL) ^ ((uint64_t)clock() << 32);
    FILE *f = fopen("/dev/urandom", "rb");

    if (f != NULL) {
        if (fread(&seed, sizeof(seed), 1, f) != 1) {
            seed ^= (uint64_t)(uintptr_t)&seed;
        }
        fclose(f);
    }
    return seed;
}

static int report_issues(const char *json, size_t len)
{
    fse_fhir_issues issues = {0};
    size_t i;
    int rc = 0;

    if (fse_fhir_check_structure(&issues, json, len) != FSE_OK ||
        fse_fhir_check_reachability(&issues, json, len) != FSE_OK) {
        fprintf(stderr, "fse fhir: check: %s\n", fse_error_last()->message);
        fse_fhir_issues_free(&issues);
        return 2;
    }
    for (i = 0; i < issues.n_items; i++) {
        bool known = issues.items[i].kind == FSE_FHIR_ISSUE_KNOWN_MAPPING;

        /* Paths the official maps themselves leave unreachable are reported, not failed. */
        fprintf(stderr, "%s: %s\n", issues.items[i].where, issues.items[i].message);
        if (!known) {
            rc = 1;
        }
    }
    fse_fhir_issues_free(&issues);
    return rc;
}

int cmd_fhir(int argc, char **argv)
{
    fse_fhir_opts opts = {0};
    const char *path = NULL;
    bool pretty = false;
    bool check = false;
    bool seeded = false;
    char stamp[32];
    uint8_t *data = NULL;
    size_t len = 0;
    char *json = NULL;
    size_t json_len = 0;
    int i;
    int rc;

    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        long n;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(a, "--pretty") == 0) {
            pretty = true;
        } else if (strcmp(a, "--check") == 0) {
            check = true;
        } else if (strcmp(a, "--seed") == 0 && v != NULL && tool_parse_long(v, 0, LONG_MAX, &n)) {
            opts.seed = (uint64_t)n;
            seeded = true;
            i++;
        } else if (strcmp(a, "--compat") == 0 && v != NULL &&
                   (strcmp(v, "gateway") == 0 || strcmp(v, "engine-2023") == 0)) {
            opts.compat =
                strcmp(v, "gateway") == 0 ? FSE_FHIR_COMPAT_GATEWAY : FSE_FHIR_COMPAT_ENGINE_2023;
            i++;
        } else if (strcmp(a, "--cf-system") == 0 && v != NULL &&
                   (strcmp(v, "oid") == 0 || strcmp(v, "hl7it") == 0)) {
            opts.cf_system = strcmp(v, "oid") == 0 ? FSE_FHIR_CF_OID : FSE_FHIR_CF_HL7IT;
            i++;
        } else if (strcmp(a, "--cond-url") == 0 && v != NULL &&
                   (strcmp(v, "value") == 0 || strcmp(v, "system") == 0)) {
            opts.cond_url =
                strcmp(v, "value") == 0 ? FSE_FHIR_COND_VALUE : FSE_FHIR_COND_SYSTEM_VALUE;
            i++;
        } else if (a[0] == '-' || path != NULL) {
            fprintf(stderr, "fse fhir: bad argument '%s'\n", a);
            usage(stderr);
            return 2;
        } else {
            path = a;
        }
    }
    if (path == NULL) {
        usage(stderr);
        return 2;
    }
    if (!seeded) {
        opts.seed = random_seed();
    }
    now_instant(stamp);
    opts.timestamp = stamp[0] != '\0' ? stamp : NULL;
    if (fse_file_read(path, FSE_MAX_DOCUMENT_BYTES, &data, &len) != FSE_OK) {
        fprintf(stderr, "fse fhir: %s: %s\n", path, fse_error_last()->message);
        return 2;
    }
    if (fse_fhir_convert(&json, &json_len, data, len, &opts) != FSE_OK) {
        fprintf(stderr, "fse fhir: %s: %s\n", path, fse_error_last()->message);
        fse_free(data);
        return 2;
    }
    if (pretty) {
        print_pretty(stdout, json);
    } else {
        fwrite(json, 1, json_len, stdout);
        fputc('\n', stdout);
    }
    rc = check ? report_issues(json, json_len) : 0;
    fse_free(json);
    fse_free(data);
    return rc;
}
