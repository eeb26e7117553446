/*
 * tests/eds/test_eds_export.c - the pseudonymised store (UD-P, issue 6
 * acceptance 3): generated documents published through the Gateway API,
 * the outbox run, then fse_eds_export for a purpose. Every byte of the
 * export is scanned for each patient's codice fiscale, given and family
 * name, full birth date, address lines and postal codes, and every
 * document uniqueId; the same patient's documents share one pseudonym; two
 * purposes give unrelated pseudonyms; obscured and unreleased tutela
 * documents contribute nothing; aggregate cells under k are refused; the
 * same through the built `fse eds export` (every file written scanned) and
 * `fse eds count` ("<10").
 */
#include "et.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "fse/util.h"

/* 11 patients with one LAB each (a cell of 10 or more patients), patient 0
 * with a RAD too, patient 20 with an obscured VPS, patient 21 with a PSS. */
#define N_LAB 11
#define N_DOCS (N_LAB + 3)
#define I_RAD N_LAB
#define I_VPS (N_LAB + 1)
#define I_PSS (N_LAB + 2)

static const uint8_t secret[32] = "0123456789abcdef0123456789abcdef";
static et_doc docs[N_DOCS];
static bool published;

/* ---- Helpers ------------------------------------------------------------ */

static void publish_all(void)
{
    char cf[17];
    size_t i;

    if (published) {
        return;
    }
    for (i = 0; i < N_LAB; i++) {
        et_cf(cf, (unsigned)i);
        et_doc_new(&docs[i], FSE_CDA_DOC_LAB, cf);
    }
    et_cf(cf, 0);
    et_doc_new(&docs[I_RAD], FSE_CDA_DOC_RAD, cf);
    et_cf(cf, 20);
    et_doc_new(&docs[I_VPS], FSE_CDA_DOC_VPS, cf);
    et_cf(cf, 21);
    et_doc_new(&docs[I_PSS], FSE_CDA_DOC_PSS, cf);
    for (i = 0; i < N_DOCS; i++) {
        et_publish(&docs[i]);
    }
    assert_true(et_outbox() >= N_DOCS);
    assert_int_equal(fse_store_doc_visibility_set(et.node.store,
                                                  docs[I_VPS].meta.identificativo_doc,
                                                  FSE_STORE_VIS_OBSCURED, et_clock(NULL)),
                     FSE_OK);
    published = true;
}

typedef struct sink {
    fse_buf all; /* every line, newline-terminated */
} sink;

static fse_err collect(void *ud, const char *type, const char *line, size_t len)
{
    sink *k = ud;

    assert_non_null(type);
    assert_int_equal(fse_buf_append(&k->all, line, len), FSE_OK);
    assert_int_equal(fse_buf_append(&k->all, "\n", 1), FSE_OK);
    return FSE_OK;
}

static void export_for(sink *k, const char *purpose, fse_eds_export_stats *st)
{
    fse_eds_export_opts o;

    memset(&o, 0, sizeof(o));
    o.node_secret = secret;
    o.node_secret_len = sizeof(secret);
    o.purpose = purpose;
    fse_buf_init(&k->all, 64u << 20);
    if (fse_eds_export(st, et.node.store, &o, collect, k) != FSE_OK) {
        fail_msg("export: %s", fse_error_last()->message);
    }
}

/* The pseudonym docs/fhir.md describes: HMAC(HMAC(secret, "eds-pseudonym:"
 * + purpose), "patient:" + CF), in hex. */
static void pseudonym(char out[65], const char *purpose, const char *cf)
{
    uint8_t key[32];
    uint8_t mac[32];
    unsigned int n = 0;
    char label[128];

    snprintf(label, sizeof(label), "eds-pseudonym:%s", purpose);
    HMAC(EVP_sha256(), secret, sizeof(secret), (const uint8_t *)label, strlen(label), key, &n);
    snprintf(label, sizeof(label), "patient:%s", cf);
    HMAC(EVP_sha256(), key, sizeof(key), (const uint8_t *)label, strlen(label), mac, &n);
    fse_hex_encode(out, mac, sizeof(mac));
    out[64] = '\0';
}

static size_t count_of(const char *hay, const char *needle)
{
    size_t n = 0;
    const char *p = hay;

    for (p = strstr(p, needle); p != NULL; p = strstr(p + 1, needle)) {
        n++;
    }
    return n;
}

static void assert_absent(const char *all, const char *what, const char *needle)
{
    if (needle[0] != '\0' && strstr(all, needle) != NULL) {
        fail_msg("the export carries %s \"%s\"", what, needle);
    }
}

/* The strings of the stored Patient resources of d that must not leave the
 * node: names, address lines, postal codes, identifiers (the store before
 * pseudonymisation says what the person's data are). */
static void assert_patient_absent(const char *all, const et_doc *d)
{
    static const char *const types[] = {"Patient"};
    fse_store_eds_resource_list *l = NULL;
    size_t i;

    assert_int_equal(
        fse_store_eds_resources(&l, et.node.store, d->meta.identificativo_doc, types, 1, 0),
        FSE_OK);
    for (i = 0; i < l->n; i++) {
        json_t *p = json_loads(l->items[i].json, JSON_DECODE_ANY, NULL);
        json_t *v;
        json_t *x;
        size_t a;
        size_t b;

        assert_non_null(p);
        json_array_foreach(json_object_get(p, "name"), a, v)
        {
            if (json_is_string(json_object_get(v, "family"))) {
                assert_absent(all, "a family name",
                              json_string_value(json_object_get(v, "family")));
            }
            json_array_foreach(json_object_get(v, "given"), b, x)
            {
                assert_absent(all, "a given name", json_is_string(x) ? json_string_value(x) : "");
            }
        }
        json_array_foreach(json_object_get(p, "address"), a, v)
        {
            json_array_foreach(json_object_get(v, "line"), b, x)
            {
                assert_absent(all, "an address line",
                              json_is_string(x) ? json_string_value(x) : "");
            }
            x = json_object_get(v, "postalCode");
            assert_absent(all, "a postal code", json_is_string(x) ? json_string_value(x) : "");
        }
        json_array_foreach(json_object_get(p, "identifier"), a, v)
        {
            x = json_object_get(v, "value");
            assert_absent(all, "a patient identifier",
                          json_is_string(x) ? json_string_value(x) : "");
        }
        x = json_object_get(p, "birthDate");
        assert_absent(all, "a birth date", json_is_string(x) ? json_string_value(x) : "");
        json_decref(p);
    }
    fse_store_eds_resource_list_free(l);
}

static void assert_doc_absent(const char *all, const et_doc *d)
{
    char iso[16];
    const char *ext = strchr(d->meta.identificativo_doc, '^');
    const char *bd = d->meta.patient_birth_date;

    assert_absent(all, "a codice fiscale", d->meta.patient_cf);
    assert_absent(all, "a given name", d->meta.patient_given);
    assert_absent(all, "a family name", d->meta.patient_family);
    assert_absent(all, "a birth date", bd);
    snprintf(iso, sizeof(iso), "%.4s-%.2s-%.2s", bd, bd + 4, bd + 6);
    assert_absent(all, "a birth date", iso);
    assert_absent(all, "a uniqueId", d->meta.identificativo_doc);
    assert_absent(all, "a uniqueId extension", ext != NULL ? ext + 1 : "");
    assert_absent(all, "an author's codice fiscale", d->meta.author_cf);
    assert_absent(all, "an author's name", d->meta.author_family);
    assert_patient_absent(all, d);
}

/* ---- Tests -------------------------------------------------------------- */

static void test_no_identifier_in_export(void **state)
{
    fse_eds_export_stats st;
    sink k;
    size_t i;

    (void)state;
    publish_all();
    export_for(&k, "research", &st);
    assert_int_equal(st.n_documents, N_DOCS - 1);
    assert_int_equal(st.n_hidden, 1);
    assert_true(st.n_resources > 0);
    for (i = 0; i < N_DOCS; i++) {
        assert_doc_absent(k.all.data, &docs[i]);
    }
    /* Patient keeps the year of birth and the gender only. */
    assert_non_null(strstr(k.all.data, "\"resourceType\":\"Patient\""));
    fse_buf_free(&k.all);
}

static void test_same_patient_one_pseudonym(void **state)
{
    char p0[65];
    char ref[80];
    char id[80];
    fse_eds_export_stats st;
    sink k;

    (void)state;
    publish_all();
    export_for(&k, "research", &st);
    pseudonym(p0, "research", docs[0].meta.patient_cf);
    snprintf(ref, sizeof(ref), "Patient/%s\"", p0);
    snprintf(id, sizeof(id), "\"resourceType\":\"Patient\",\"id\":\"%s\"", p0);
    /* One Patient line for the person, and both documents' Compositions
     * (LAB and RAD) about that pseudonym. */
    assert_int_equal(count_of(k.all.data, id), 1);
    assert_true(count_of(k.all.data, ref) >= 2);
    {
        const char *p;
        size_t n = 0;

        for (p = strstr(k.all.data, "{\"resourceType\":\"Composition\""); p != NULL;
             p = strstr(p + 1, "{\"resourceType\":\"Composition\"")) {
            const char *eol = strchr(p, '\n');
            const char *hit = strstr(p, ref);

            n += hit != NULL && hit < eol;
        }
        assert_int_equal(n, 2);
    }
    assert_int_equal(st.n_patients, N_LAB + 1); /* 0..10 and 21; 20 only obscured */
    fse_buf_free(&k.all);
}

static void test_purposes_unrelated(void **state)
{
    char a[65];
    char b[65];
    fse_eds_export_stats st;
    sink ka;
    sink kb;
    const char *p;

    (void)state;
    publish_all();
    export_for(&ka, "research", &st);
    export_for(&kb, "planning", &st);
    pseudonym(a, "research", docs[0].meta.patient_cf);
    pseudonym(b, "planning", docs[0].meta.patient_cf);
    assert_string_not_equal(a, b);
    assert_non_null(strstr(ka.all.data, a));
    assert_null(strstr(ka.all.data, b));
    assert_non_null(strstr(kb.all.data, b));
    assert_null(strstr(kb.all.data, a));
    /* No resource id of one export appears in the other. */
    for (p = strstr(ka.all.data, "\"id\":\""); p != NULL; p = strstr(p + 1, "\"id\":\"")) {
        char idv[80];
        size_t n = strcspn(p + 6, "\"");

        if (n < sizeof(idv) && n >= 32) {
            memcpy(idv, p + 6, n);
            idv[n] = '\0';
            assert_null(strstr(kb.all.data, idv));
        }
    }
    fse_buf_free(&ka.all);
    fse_buf_free(&kb.all);
}

static void test_hidden_documents_excluded(void **state)
{
    char p20[65];
    char p21[65];
    fse_eds_export_stats st;
    sink k;
    const char *pss = docs[I_PSS].meta.identificativo_doc;
    int64_t now = et_clock(NULL);

    (void)state;
    publish_all();
    pseudonym(p20, "research", docs[I_VPS].meta.patient_cf);
    pseudonym(p21, "research", docs[I_PSS].meta.patient_cf);
    export_for(&k, "research", &st);
    assert_null(strstr(k.all.data, p20)); /* obscured: nothing of it */
    assert_non_null(strstr(k.all.data, p21));
    fse_buf_free(&k.all);

    /* Tutela not released: hidden; released: exported. */
    assert_int_equal(fse_store_doc_visibility_set(et.node.store, pss, FSE_STORE_VIS_TUTELA, now),
                     FSE_OK);
    export_for(&k, "research", &st);
    assert_null(strstr(k.all.data, p21));
    assert_int_equal(st.n_hidden, 2);
    fse_buf_free(&k.all);
    assert_int_equal(
        fse_store_doc_visibility_set(et.node.store, pss,
                                     FSE_STORE_VIS_TUTELA | FSE_STORE_VIS_TUTELA_RELEASED, now),
        FSE_OK);
    export_for(&k, "research", &st);
    assert_non_null(strstr(k.all.data, p21));
    assert_int_equal(st.n_hidden, 1);
    fse_buf_free(&k.all);
    assert_int_equal(fse_store_doc_visibility_set(et.node.store, pss, 0, now), FSE_OK);
}

static const fse_eds_cell *cell(const fse_eds_cells *c, const char *key)
{
    size_t i;

    for (i = 0; i < c->n; i++) {
        if (strcmp(c->items[i].key, key) == 0) {
            return &c->items[i];
        }
    }
    return NULL;
}

static void test_small_cells_refused(void **state)
{
    fse_eds_export_opts o;
    fse_eds_cells *c = NULL;
    const fse_eds_cell *e;
    size_t i;

    (void)state;
    publish_all();
    memset(&o, 0, sizeof(o));
    o.node_secret = secret;
    o.node_secret_len = sizeof(secret);
    o.purpose = "research";
    assert_int_equal(fse_eds_count(&c, et.node.store, &o, FSE_EDS_COUNT_BY_TYPE), FSE_OK);
    /* 12 patients with a Composition each (13 documents): shown. */
    e = cell(c, "Composition");
    assert_non_null(e);
    assert_false(e->suppressed);
    assert_int_equal(e->count, N_DOCS - 1);
    /* Allergies come from one PSS only: refused, and no number given. */
    e = cell(c, "AllergyIntolerance");
    assert_non_null(e);
    assert_true(e->suppressed);
    assert_int_equal(e->count, 0);
    /* The obscured VPS contributes no cell of its own. */
    for (i = 0; i < c->n; i++) {
        assert_true(c->items[i].suppressed || c->items[i].count >= FSE_EDS_MIN_CELL);
    }
    fse_eds_cells_free(c);

    assert_int_equal(fse_eds_count(&c, et.node.store, &o, FSE_EDS_COUNT_BY_CODE), FSE_OK);
    assert_true(c->n > 0);
    for (i = 0; i < c->n; i++) {
        assert_true(c->items[i].suppressed || c->items[i].count >= FSE_EDS_MIN_CELL);
    }
    fse_eds_cells_free(c);

    /* Bad options. */
    o.purpose = "re search";
    assert_int_equal(fse_eds_count(&c, et.node.store, &o, FSE_EDS_COUNT_BY_TYPE), FSE_E_ARG);
    o.purpose = "research";
    o.node_secret_len = 16;
    assert_int_equal(fse_eds_count(&c, et.node.store, &o, FSE_EDS_COUNT_BY_TYPE), FSE_E_ARG);
}

/* ---- The tool ----------------------------------------------------------- */

/* Run the built fse with argv, its stdout into out_path (NULL: dropped). */
static int run_tool(const char *const *argv, const char *out_path)
{
    pid_t pid = fork();
    int status = 0;

    assert_true(pid >= 0);
    if (pid == 0) {
        int fd = out_path != NULL ? open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600)
                                  : open("/dev/null", O_WRONLY);

        dup2(fd, 1);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Every file of dir appended to b (then removed with dir when clean). */
static void read_dir(fse_buf *b, const char *dir, size_t *n_files, bool clean)
{
    DIR *d = opendir(dir);
    struct dirent *e;

    assert_non_null(d);
    *n_files = 0;
    for (e = readdir(d); e != NULL; e = readdir(d)) {
        char p[PATH_MAX + 256];
        uint8_t *data = NULL;
        size_t len = 0;

        if (e->d_name[0] == '.') {
            continue;
        }
        snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
        assert_int_equal(fse_file_read(p, 64u << 20, &data, &len), FSE_OK);
        assert_int_equal(fse_buf_append(b, data, len), FSE_OK);
        fse_free(data);
        (*n_files)++;
        if (clean) {
            unlink(p);
        }
    }
    closedir(d);
    if (clean) {
        rmdir(dir);
    }
}

/* fse eds export and fse eds count as an operator runs them: every byte
 * of every file written (NDJSON and manifest) scanned; small cells printed
 * as "<10". */
static void test_tool_export_and_count(void **state)
{
    char conf[PATH_MAX + 32];
    char sec[PATH_MAX + 32];
    char out[PATH_MAX + 32];
    char counts[PATH_MAX + 32];
    char tool[PATH_MAX];
    const char *argv[12];
    fse_buf b;
    size_t n_files = 0;
    size_t i;
    FILE *f;

    (void)state;
    publish_all();
    snprintf(conf, sizeof(conf), "%s/eds-export.conf", et.node.dir);
    snprintf(sec, sizeof(sec), "%s/eds-export.secret", et.node.dir);
    snprintf(out, sizeof(out), "%s/eds-export-out", et.node.dir);
    snprintf(counts, sizeof(counts), "%s/eds-counts.txt", et.node.dir);
    snprintf(tool, sizeof(tool), "%s/fse", FSE_BUILD_DIR);
    f = fopen(conf, "w");
    assert_non_null(f);
    fprintf(f, "store.path = %s\nstore.master_key = %s\n", et.node.db, et.node.key);
    fclose(f);
    f = fopen(sec, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(secret, 1, sizeof(secret), f), sizeof(secret));
    fclose(f);

    argv[0] = tool;
    argv[1] = "eds";
    argv[2] = "export";
    argv[3] = "--config";
    argv[4] = conf;
    argv[5] = "--purpose";
    argv[6] = "research";
    argv[7] = "--out";
    argv[8] = out;
    argv[9] = "--secret-file";
    argv[10] = sec;
    argv[11] = NULL;
    assert_int_equal(run_tool(argv, NULL), 0);
    fse_buf_init(&b, 64u << 20);
    read_dir(&b, out, &n_files, true);
    assert_true(n_files > 5);
    assert_non_null(b.data);
    assert_non_null(strstr(b.data, "\"url\":\"Patient.ndjson\""));
    assert_non_null(strstr(b.data, "\"hiddenDocumentsExcluded\":1"));
    for (i = 0; i < N_DOCS; i++) {
        assert_doc_absent(b.data, &docs[i]);
    }
    fse_buf_free(&b);

    argv[2] = "count";
    argv[7] = "--by";
    argv[8] = "type";
    assert_int_equal(run_tool(argv, counts), 0);
    {
        uint8_t *data = NULL;
        size_t len = 0;
        char line[64];

        assert_int_equal(fse_file_read(counts, 1u << 20, &data, &len), FSE_OK);
        assert_non_null(strstr((const char *)data, "AllergyIntolerance\t<10\n"));
        snprintf(line, sizeof(line), "Composition\t%d\n", N_DOCS - 1);
        assert_non_null(strstr((const char *)data, line));
        fse_free(data);
    }
    argv[8] = "nothing";
    assert_int_equal(run_tool(argv, NULL), 2);
    unlink(counts);
    unlink(conf);
    unlink(sec);
}

static int teardown(void **state)
{
    size_t i;

    for (i = 0; i < N_DOCS; i++) {
        et_doc_free(&docs[i]);
    }
    return et_teardown(state);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_identifier_in_export),
        cmocka_unit_test(test_same_patient_one_pseudonym),
        cmocka_unit_test(test_purposes_unrelated),
        cmocka_unit_test(test_hidden_documents_excluded),
        cmocka_unit_test(test_small_cells_refused),
        cmocka_unit_test(test_tool_export_and_count),
    };

    return cmocka_run_group_tests(tests, et_setup, teardown);
}
