/*
 * src/demo_monitor.c - `fse demo --regions N --quarters Q`: a node whose
 * adoption dashboard (/monitoraggio/, /monitor/v1, docs/monitor.md) shows
 * several regions and quarters, and the dashboard's routes on the demo's
 * server.
 *
 * Owns the generated history: for each of N regions a profile (size,
 * consent adoption, citizens' use, GPs' and specialists' activity, which
 * of the 16 monitored document types it has and from when, one small
 * region to show suppression), then registry patients with their GP,
 * consents given (and a few revoked) over time, documents of the region's
 * types stored directly, enabled professionals, audit records of
 * citizens' and professionals' accesses appended in time order through
 * fse_audit_append with their past times, and for the last 90 days the
 * publication and INI status events and the validation counters (through
 * the gateway's call, fse_monitor_record_validation). Deterministic with
 * --seed; done once per node directory (demo-monitor.done). Does not own
 * the indicators (lib/monitor), the node (src/demo_node.c) or the options
 * (src/cmd_demo.c).
 */
#include "demo.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fse/audit.h"
#include "fse/store.h"
#include "fse/store_monitor.h"
#include "fse/validate.h"
#include "tool.h"

#define DAY_MS 86400000LL
/* Audit records appended per transaction. */
#define AUDIT_BATCH 4000u
/* Regions in the order the demo fills them: large and small, north to
 * south. */
static const char *const region_order[] = {"080", "050", "030", "130", "120", "010", "090",
                                           "190", "150", "160", "042", "041", "100", "110",
                                           "070", "060", "180", "200", "170", "140", "020"};
#define N_REGIONS (sizeof(region_order) / sizeof(region_order[0]))
/* The types every region has (domain-rules §7.2: "only 4 types in every
 * region (LDO, lab, radiology, VPS)"), as indexes of fse_monitor_doc_types. */
static const char *const everywhere[] = {"11502-2", "68604-8", "34105-7", "59258-4"};
/* classCode of each monitored type (GW §15.4.1), in table order. */
static const char *const class_of[FSE_MONITOR_N_DOC_TYPES] = {
    "REF", "REF", "REF", "REF", "VRB", "LDO", "SUM", "PRS",
    "PRS", "COL", "PRE", "VAC", "VAC", "PRE", "SUM", "LET"};
/* Labels of the failing rules of the generated validations. */
static const char *const rule_labels[] = {"ERRORE-b1", "ERRORE-b5", "ERRORE-12",
                                          "ERRORE-21", "ERRORE-45", "WARNING-3"};

typedef struct rng {
    uint64_t s;
} rng;

static uint64_t next(rng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static double unit(rng *r)
{
    return (double)(next(r) >> 11) / 9007199254740992.0;
}

static int64_t between(rng *r, int64_t lo, int64_t hi)
{
    return hi <= lo ? lo : lo + (int64_t)(next(r) % (uint64_t)(hi - lo));
}

/* A codice fiscale with a valid check character; prefix (one letter)
 * keeps patients, GPs and specialists apart, idx makes it unique. */
static void make_cf(char out[17], char prefix, uint64_t idx, rng *r)
{
    static const char months[] = "ABCDEHLMPRST";
    static const int odd[36] = {1,  0, 5, 7,  9,  13, 15, 17, 19, 21, 1,  0,
                                5,  7, 9, 13, 15, 17, 19, 21, 2,  4,  18, 20,
                                11, 3, 6, 8,  12, 14, 16, 10, 22, 25, 24, 23};
    int sum = 0;
    int i;

    out[0] = prefix;
    for (i = 5; i >= 1; i--) {
        out[i] = (char)('A' + idx % 26);
        idx /= 26;
    }
    snprintf(out + 6, 11, "%02u%c%02uH%03u", (unsigned)(40 + next(r) % 60), months[next(r) % 12],
             (unsigned)(1 + next(r) % 28 + (next(r) % 2) * 40), (unsigned)(100 + next(r) % 900));
    for (i = 0; i < 15; i++) {
        char c = out[i];
        int v = c >= '0' && c <= '9' ? c - '0' : c - 'A';
        int k = c >= '0' && c <= '9' ? c - '0' : c - 'A' + 10;

        sum += i % 2 == 0 ? odd[k] : v;
    }
    out[15] = (char)('A' + sum % 26);
    out[16] = '\0';
}

/* One region's profile and people. */
typedef struct region {
    const char *code;
    size_t n_patients;
    size_t n_gps;
    size_t n_specs;
    double consent;   /* share with the cura consent by now */
    double usage;     /* share of citizens with documents using it per quarter, at the end */
    double gp_rate;   /* share of GPs operating per quarter */
    double spec_rate; /* share of enabled specialists operating per quarter */
    int64_t type_from[FSE_MONITOR_N_DOC_TYPES]; /* when each type starts (INT64_MAX: never) */
    char (*patients)[17];
    int64_t *first_doc; /* time of each patient's first document (INT64_MAX: none) */
    char (*gps)[17];
    char (*specs)[17];
    int64_t *spec_from;
    int64_t *spec_to;
} region;

/* An audit record to append. */
typedef struct audit_item {
    int64_t t;
    const char *actor;
    const char *role;
    const char *purpose;
    const char *patient;
    fse_audit_outcome outcome;
} audit_item;

typedef struct gen {
    fse_store *s;
    rng r;
    int64_t t0;  /* first quarter's start */
    int64_t now; /* generated times stay before now */
    int quarters;
    region *regions;
    size_t n_regions;
    audit_item *audit;
    size_t n_audit;
    size_t cap_audit;
    size_t n_docs;
    uint64_t n_ids;
} gen;

static void profile(gen *g, region *rg, size_t idx)
{
    size_t n_types = 0;
    int extra;
    size_t i;

    (void)fse_monitor_doc_types(&n_types);
    rg->code = region_order[idx];
    /* The fourth region is small: its citizens' cells are suppressed. */
    rg->n_patients = idx == 3 ? 7 : (size_t)between(&g->r, 150, 600);
    rg->n_gps = rg->n_patients / 30 + 2;
    rg->n_specs = rg->n_patients / 12 + 3;
    rg->consent = 0.03 + 0.9 * unit(&g->r);
    rg->usage = 0.1 + 0.55 * unit(&g->r);
    rg->gp_rate = 0.7 + 0.3 * unit(&g->r);
    rg->spec_rate = 0.3 + 0.6 * unit(&g->r);
    extra = (int)between(&g->r, 2, 13);
    for (i = 0; i < n_types; i++) {
        rg->type_from[i] = INT64_MAX;
    }
    for (i = 0; i < sizeof(everywhere) / sizeof(everywhere[0]); i++) {
        rg->type_from[fse_monitor_doc_type_of(everywhere[i])] = g->t0 - 365 * DAY_MS;
    }
    while (extra-- > 0) {
        size_t t = (size_t)(next(&g->r) % n_types);

        if (rg->type_from[t] == INT64_MAX) {
            rg->type_from[t] = between(&g->r, g->t0 - 90 * DAY_MS, g->now);
        }
    }
}

static bool people(gen *g, region *rg, size_t idx)
{
    size_t i;

    rg->patients = fse_calloc(rg->n_patients, sizeof(*rg->patients));
    rg->first_doc = fse_calloc(rg->n_patients, sizeof(*rg->first_doc));
    rg->gps = fse_calloc(rg->n_gps, sizeof(*rg->gps));
    rg->specs = fse_calloc(rg->n_specs, sizeof(*rg->specs));
    rg->spec_from = fse_calloc(rg->n_specs, sizeof(*rg->spec_from));
    rg->spec_to = fse_calloc(rg->n_specs, sizeof(*rg->spec_to));
    if (rg->patients == NULL || rg->first_doc == NULL || rg->gps == NULL || rg->specs == NULL ||
        rg->spec_from == NULL || rg->spec_to == NULL) {
        return false;
    }
    for (i = 0; i < rg->n_patients; i++) {
        make_cf(rg->patients[i], 'M', ++g->n_ids, &g->r);
        rg->first_doc[i] = INT64_MAX;
    }
    for (i = 0; i < rg->n_gps; i++) {
        make_cf(rg->gps[i], 'G', ++g->n_ids, &g->r);
    }
    for (i = 0; i < rg->n_specs; i++) {
        make_cf(rg->specs[i], 'S', ++g->n_ids, &g->r);
        rg->spec_from[i] = unit(&g->r) < 0.7 ? g->t0 - between(&g->r, DAY_MS, 365 * DAY_MS)
                                             : between(&g->r, g->t0, g->now);
        rg->spec_to[i] = unit(&g->r) < 0.1
                             ? between(&g->r, rg->spec_from[i] + DAY_MS, g->now + 365 * DAY_MS)
                             : 0;
    }
    (void)idx;
    return true;
}

static fse_err push_audit(gen *g, const audit_item *it)
{
    if (g->n_audit == g->cap_audit) {
        size_t cap = g->cap_audit == 0 ? 4096 : g->cap_audit * 2;
        audit_item *grown = fse_realloc(g->audit, cap * sizeof(*grown));

        if (grown == NULL) {
            return fse_error_set(FSE_E_NOMEM, "demo", "audit records");
        }
        g->audit = grown;
        g->cap_audit = cap;
    }
    g->audit[g->n_audit++] = *it;
    return FSE_OK;
}

/* The registry record, the consent history and the GP of each patient. */
static fse_err registry(gen *g, region *rg)
{
    fse_err rc = FSE_OK;
    size_t i;

    for (i = 0; rc == FSE_OK && i < rg->n_patients; i++) {
        fse_store_patient p;
        fse_store_consent c;
        int64_t created = unit(&g->r) < 0.85 ? g->t0 - between(&g->r, DAY_MS, 365 * DAY_MS)
                                             : between(&g->r, g->t0, g->now);

        memset(&p, 0, sizeof(p));
        p.patient_id = rg->patients[i];
        p.birth_date = "19700101";
        p.region = rg->code;
        p.gp_id = rg->gps[i % rg->n_gps];
        p.gp_from_ms = g->t0 - 2 * 365 * DAY_MS;
        rc = fse_store_patient_put(g->s, &p, created);
        if (rc != FSE_OK || unit(&g->r) >= rg->consent) {
            continue;
        }
        memset(&c, 0, sizeof(c));
        c.purpose = FSE_STORE_CONSENT_CURA;
        c.given = true;
        c.time_ms = between(&g->r, created, g->now);
        c.channel = "web";
        c.actor_id = rg->patients[i];
        c.actor_role = "ASS";
        rc = fse_store_consent_add(g->s, rg->patients[i], &c, NULL);
        if (rc == FSE_OK && unit(&g->r) < 0.06) {
            c.given = false;
            c.time_ms = between(&g->r, c.time_ms + 1, g->now);
            rc = fse_store_consent_add(g->s, rg->patients[i], &c, NULL);
        }
    }
    return rc;
}

/* A monitored type the region has at t (the four everywhere at least). */
static size_t type_at(gen *g, const region *rg, int64_t t)
{
    size_t avail[FSE_MONITOR_N_DOC_TYPES];
    size_t n = 0;
    size_t i;

    for (i = 0; i < FSE_MONITOR_N_DOC_TYPES; i++) {
        if (rg->type_from[i] <= t) {
            avail[n++] = i;
        }
    }
    return avail[next(&g->r) % n];
}

static char *wii_of(char out[96], uint64_t id)
{
    snprintf(out, 96,
             "2.16.840.1.113883.2.9.2.120.4.4.%016" PRIx64 "^^^^urn:ihe:iti:xdw:2013:"
             "workflowInstanceId",
             id);
    return out;
}

static fse_err status_event(gen *g, const char *wii, const char *uid, const char *type, int64_t t)
{
    fse_store_event ev;

    memset(&ev, 0, sizeof(ev));
    ev.trace_id = "00000000000000000000000000000000";
    ev.workflow_instance_id = wii;
    ev.event_type = type;
    ev.event_status = "SUCCESS";
    ev.identificativo_documento = uid;
    ev.event_date_ms = t;
    return fse_store_event_append(g->s, &ev, NULL);
}

/* What the gateway would have recorded for a recent document: its
 * validation (and a few refused ones), its publication and the INI
 * registration a moment later. */
static fse_err recent(gen *g, size_t type, const char *uid, int64_t t)
{
    const fse_monitor_doc_type *types = fse_monitor_doc_types(NULL);
    fse_failure fails[2];
    fse_report rep;
    char wii[96];
    fse_err rc;

    memset(&rep, 0, sizeof(rep));
    memset(fails, 0, sizeof(fails));
    snprintf(rep.doc_type, sizeof(rep.doc_type), "%s", types[type].code);
    if (unit(&g->r) < 0.12) {
        static const fse_outcome bad[] = {FSE_OUTCOME_SYNTAX_ERROR, FSE_OUTCOME_VOCABULARY_ERROR,
                                          FSE_OUTCOME_SEMANTIC_ERROR, FSE_OUTCOME_SEMANTIC_ERROR};

        rep.outcome = bad[next(&g->r) % 4];
        fails[0].kind =
            rep.outcome == FSE_OUTCOME_SYNTAX_ERROR ? FSE_FAILURE_XSD : FSE_FAILURE_SCHEMATRON;
        fails[0].rule =
            rep.outcome == FSE_OUTCOME_SYNTAX_ERROR ? "" : (char *)rule_labels[next(&g->r) % 5];
        fails[1].kind = FSE_FAILURE_SCHEMATRON;
        fails[1].rule = (char *)rule_labels[next(&g->r) % 5];
        rep.failures = fails;
        rep.n_failures = rep.outcome == FSE_OUTCOME_SEMANTIC_ERROR ? 2 : 1;
        rc = fse_monitor_record_validation(g->s, "VALIDATION", &rep, t - 120000);
        if (rc != FSE_OK) {
            return rc;
        }
        rep.failures = NULL;
        rep.n_failures = 0;
    }
    rep.outcome = unit(&g->r) < 0.1 ? FSE_OUTCOME_SEMANTIC_WARNING : FSE_OUTCOME_OK;
    rc = fse_monitor_record_validation(g->s, "VALIDATION_FOR_PUBLICATION", &rep, t);
    wii_of(wii, ++g->n_ids);
    if (rc == FSE_OK) {
        rc = status_event(g, wii, uid, "PUBLICATION", t);
    }
    if (rc == FSE_OK) {
        /* INI registration: mostly under a few seconds, a tail of retries. */
        int64_t lat = unit(&g->r) < 0.9 ? between(&g->r, 150, 4000) : between(&g->r, 4000, 90000);

        rc = status_event(g, wii, uid, "SEND_TO_INI", t + lat);
    }
    return rc;
}

static fse_err document(gen *g, region *rg, size_t i, int64_t t)
{
    const fse_monitor_doc_type *types = fse_monitor_doc_types(NULL);
    static const char *const events[] = {"P00"};
    size_t type = type_at(g, rg, t);
    fse_store_doc_meta m;
    char uid[96];
    char cda[256];
    fse_err rc;

    snprintf(uid, sizeof(uid), "2.16.840.1.113883.2.9.2.%s.4.4^MON%08" PRIu64, rg->code,
             ++g->n_ids);
    snprintf(cda, sizeof(cda),
             "<ClinicalDocument xmlns=\"urn:hl7-org:v3\"><title>%s (dati di esempio del "
             "monitoraggio)</title></ClinicalDocument>",
             types[type].label);
    memset(&m, 0, sizeof(m));
    m.unique_id = uid;
    m.repository_id = "2.16.840.1.113883.2.9.2.120.4.5.1";
    m.patient_id = rg->patients[i];
    m.class_code = class_of[type];
    m.type_code = types[type].loinc[0];
    m.event_codes = events;
    m.n_event_codes = 1;
    m.author_role = "AAS";
    m.author_institution = rg->code;
    m.confidentiality_code = "N";
    m.title = types[type].label;
    m.creation_time = "20250101120000";
    if (t < rg->first_doc[i]) {
        rg->first_doc[i] = t;
    }
    g->n_docs++;
    rc = fse_store_doc_put(g->s, &m, (const uint8_t *)"%PDF-1.4\n% demo\n", 16,
                           (const uint8_t *)cda, strlen(cda), t, NULL);
    if (rc == FSE_OK && t >= g->now - 90 * DAY_MS) {
        rc = recent(g, type, uid, t);
    }
    return rc;
}

static fse_err documents(gen *g, region *rg)
{
    fse_err rc = FSE_OK;
    size_t i;

    for (i = 0; rc == FSE_OK && i < rg->n_patients; i++) {
        int n = unit(&g->r) < 0.2 ? 0 : (int)between(&g->r, 1, 6);

        while (rc == FSE_OK && n-- > 0) {
            rc = document(g, rg, i, between(&g->r, g->t0 - 180 * DAY_MS, g->now));
        }
    }
    return rc;
}

static fse_err professionals(gen *g, region *rg)
{
    fse_err rc = FSE_OK;
    size_t i;

    for (i = 0; rc == FSE_OK && i < rg->n_specs; i++) {
        fse_store_professional p = {rg->specs[i], i % 5 == 4 ? "DRS" : "AAS", rg->code,
                                    rg->spec_from[i], rg->spec_to[i]};

        rc = fse_store_professional_put(g->s, &p, rg->spec_from[i]);
    }
    return rc;
}

/* The accesses of one quarter [qs, qe) of a region. */
static fse_err accesses(gen *g, region *rg, int k, int64_t qs, int64_t qe)
{
    double use = rg->usage * (0.35 + 0.65 * (double)(k + 1) / g->quarters);
    fse_err rc = FSE_OK;
    size_t i;

    for (i = 0; rc == FSE_OK && i < rg->n_patients; i++) {
        audit_item it = {between(&g->r, qs, qe), rg->patients[i],  "ASS", "PERSONAL",
                         rg->patients[i],        FSE_AUDIT_SUCCESS};

        if (rg->first_doc[i] >= it.t || unit(&g->r) >= use) {
            continue;
        }
        if (unit(&g->r) < 0.1) {
            it.role = "ING"; /* another citizen, the patient's delegate, reads */
            it.actor = rg->patients[(i + 1) % rg->n_patients];
        }
        it.outcome = unit(&g->r) < 0.04 ? FSE_AUDIT_REFUSED : FSE_AUDIT_SUCCESS;
        rc = push_audit(g, &it);
    }
    for (i = 0; rc == FSE_OK && i < rg->n_gps; i++) {
        int ops = unit(&g->r) < rg->gp_rate ? (int)between(&g->r, 1, 5) : 0;

        while (rc == FSE_OK && ops-- > 0) {
            audit_item it = {between(&g->r, qs, qe),
                             rg->gps[i],
                             "APR",
                             "TREATMENT",
                             rg->patients[(i + (size_t)ops * rg->n_gps) % rg->n_patients],
                             FSE_AUDIT_SUCCESS};

            rc = push_audit(g, &it);
        }
    }
    for (i = 0; rc == FSE_OK && i < rg->n_specs; i++) {
        audit_item it = {between(&g->r, qs, qe),
                         rg->specs[i],
                         i % 5 == 4 ? "DRS" : "AAS",
                         "TREATMENT",
                         rg->patients[next(&g->r) % rg->n_patients],
                         FSE_AUDIT_SUCCESS};

        if (rg->spec_from[i] > it.t || (rg->spec_to[i] != 0 && rg->spec_to[i] <= it.t) ||
            unit(&g->r) >= rg->spec_rate) {
            continue;
        }
        rc = push_audit(g, &it);
    }
    return rc;
}

static int cmp_audit(const void *a, const void *b)
{
    const audit_item *x = a;
    const audit_item *y = b;

    return x->t < y->t ? -1 : x->t > y->t;
}

/* Every audit record, oldest first, in batches of AUDIT_BATCH. */
static fse_err append_audit(gen *g)
{
    fse_err rc = FSE_OK;
    size_t i;

    if (g->n_audit > 0) {
        qsort(g->audit, g->n_audit, sizeof(*g->audit), cmp_audit);
    }
    for (i = 0; rc == FSE_OK && i < g->n_audit; i++) {
        const audit_item *it = &g->audit[i];
        fse_audit_event ev;

        if (i % AUDIT_BATCH == 0) {
            rc = fse_store_tx_begin(g->s);
        }
        memset(&ev, 0, sizeof(ev));
        ev.time_ms = it->t;
        ev.actor = it->actor;
        ev.role = it->role;
        ev.purpose = it->purpose;
        ev.action = "READ";
        ev.patient = it->patient;
        ev.outcome = it->outcome;
        if (rc == FSE_OK) {
            rc = fse_audit_append(g->s, &ev, NULL);
        }
        if (rc == FSE_OK && (i % AUDIT_BATCH == AUDIT_BATCH - 1 || i + 1 == g->n_audit)) {
            rc = fse_store_tx_commit(g->s);
        }
    }
    if (rc != FSE_OK && fse_store_in_tx(g->s)) {
        (void)fse_store_tx_rollback(g->s);
    }
    return rc;
}

/* One region: registry, documents and professionals in one transaction,
 * then its accesses queued. */
static fse_err region_fill(gen *g, region *rg)
{
    fse_err rc = fse_store_tx_begin(g->s);
    int k;

    if (rc == FSE_OK) {
        rc = registry(g, rg);
    }
    if (rc == FSE_OK) {
        rc = documents(g, rg);
    }
    if (rc == FSE_OK) {
        rc = professionals(g, rg);
    }
    if (rc == FSE_OK) {
        rc = fse_store_tx_commit(g->s);
    } else {
        (void)fse_store_tx_rollback(g->s);
    }
    for (k = 0; rc == FSE_OK && k < g->quarters; k++) {
        fse_monitor_quarter q = fse_monitor_quarter_of(g->t0) + k;
        int64_t qe = fse_monitor_quarter_start_ms(q + 1);

        rc = accesses(g, rg, k, fse_monitor_quarter_start_ms(q), qe < g->now ? qe : g->now);
    }
    return rc;
}

static void gen_free(gen *g)
{
    size_t i;

    for (i = 0; g->regions != NULL && i < g->n_regions; i++) {
        region *rg = &g->regions[i];

        fse_free(rg->patients);
        fse_free(rg->first_doc);
        fse_free(rg->gps);
        fse_free(rg->specs);
        fse_free(rg->spec_from);
        fse_free(rg->spec_to);
    }
    fse_free(g->regions);
    fse_free(g->audit);
    fse_store_free(g->s);
}

static fse_err fill(gen *g)
{
    fse_err rc = FSE_OK;
    size_t i;

    for (i = 0; rc == FSE_OK && i < g->n_regions; i++) {
        profile(g, &g->regions[i], i);
        if (!people(g, &g->regions[i], i)) {
            rc = fse_error_set(FSE_E_NOMEM, "demo", "people of a region");
        }
    }
    for (i = 0; rc == FSE_OK && i < g->n_regions; i++) {
        rc = region_fill(g, &g->regions[i]);
    }
    if (rc == FSE_OK) {
        rc = append_audit(g);
    }
    return rc;
}

bool demo_monitor_seed(demo_node *n, const demo_args *a, int64_t now_ms)
{
    fse_store_opts so = FSE_STORE_OPTS_INIT;
    char done[PATH_MAX + 32];
    char line[96];
    size_t n_patients = 0;
    size_t n_specs = 0;
    uint64_t t0 = tool_now_ns();
    gen g;
    fse_err rc;
    size_t i;

    snprintf(done, sizeof(done), "%s/demo-monitor.done", n->dir);
    if (access(done, F_OK) == 0) {
        printf("fse demo: monitoring data already generated in this node (%s)\n", done);
        return true;
    }
    memset(&g, 0, sizeof(g));
    g.r.s = a->seed * 0x2545f4914f6cdd1dULL + 7;
    g.now = now_ms - 60000;
    g.quarters = (int)a->quarters;
    g.t0 = fse_monitor_quarter_start_ms(fse_monitor_quarter_of(now_ms) - (a->quarters - 1));
    g.n_regions = (size_t)a->regions < N_REGIONS ? (size_t)a->regions : N_REGIONS;
    g.regions = fse_calloc(g.n_regions, sizeof(*g.regions));
    so.path = n->cfg.store.path;
    so.master_key_path = n->cfg.store.master_key;
    so.busy_timeout_ms = (int)n->cfg.store.busy_timeout_ms;
    rc = g.regions == NULL ? fse_error_set(FSE_E_NOMEM, "demo", "regions")
                           : fse_store_open(&g.s, &so);
    if (rc == FSE_OK) {
        rc = fill(&g);
    }
    for (i = 0; i < g.n_regions && g.regions != NULL; i++) {
        n_patients += g.regions[i].n_patients;
        n_specs += g.regions[i].n_specs;
    }
    if (rc != FSE_OK) {
        fprintf(stderr, "fse demo: monitoring data: %s\n", fse_error_last()->message);
        gen_free(&g);
        return false;
    }
    printf("fse demo: monitoring data: %zu regions over %d quarters: %zu patients, %zu "
           "documents, %zu audit records, %zu enabled specialists (%.1f s)\n",
           g.n_regions, g.quarters, n_patients, g.n_docs, g.n_audit, n_specs,
           (double)(tool_now_ns() - t0) / 1e9);
    snprintf(line, sizeof(line), "regions %zu quarters %d seed %" PRIu64 "\n", g.n_regions,
             g.quarters, a->seed);
    gen_free(&g);
    return demo_write_file(done, line, strlen(line), 0600);
}

fse_err demo_monitor_routes(demo_node *n)
{
    fse_monitor_opts mo = FSE_MONITOR_OPTS_INIT;
    fse_err rc;

    mo.store_path = n->cfg.store.path;
    mo.store_busy_timeout_ms = (int)n->cfg.store.busy_timeout_ms;
    rc = fse_monitor_new(&n->mon, &mo);
    return rc == FSE_OK ? fse_monitor_routes(n->mon, n->srv) : rc;
}

void demo_monitor_free(demo_node *n)
{
    fse_monitor_free(n->mon);
    n->mon = NULL;
}
