/*
 * tests/eds/test_eds.c - the regional clinical store (lib/eds, the store's
 * bundle rows) end to end: generated documents of every type published
 * through the Gateway API, the outbox run, the bundles compared with
 * fse_fhir_convert, a job run twice, replace, delete, a conversion the
 * converter refuses, and sealed rows whose plain columns were changed.
 */
#include "et.h"

#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "fse/cda.h"
#include "fse/fhir.h"
#include "fse/util.h"

/* ---- Helpers ------------------------------------------------------------ */

static const fse_store_doc_meta *stored_meta(const et_doc *d, fse_store_doc_meta **keep)
{
    assert_int_equal(fse_store_doc_get(keep, et.node.store, d->meta.identificativo_doc), FSE_OK);
    return *keep;
}

/* A replacement's kept bundle: the converter's with relatesTo (replaces,
 * the old uniqueId's root and extension) on its Composition and
 * DocumentReference, nothing else changed. */
static void check_replacement(const char *want, size_t want_len, const char *kept,
                              size_t kept_len, const char *old_uid)
{
    json_t *w = json_loadb(want, want_len, JSON_DECODE_ANY, NULL);
    json_t *k = json_loadb(kept, kept_len, JSON_DECODE_ANY, NULL);
    const char *caret = strchr(old_uid, '^');
    char system[300];
    size_t i, n_rel = 0;

    assert_non_null(w);
    assert_non_null(k);
    assert_non_null(caret);
    snprintf(system, sizeof(system), "urn:oid:%.*s", (int)(caret - old_uid), old_uid);
    for (i = 0; i < json_array_size(json_object_get(w, "entry")); i++) {
        json_t *res = json_object_get(json_array_get(json_object_get(w, "entry"), i), "resource");
        const char *type = json_string_value(json_object_get(res, "resourceType"));
        json_t *rel;
        json_t *ident = json_pack("{s:s, s:s}", "system", system, "value", caret + 1);

        if (strcmp(type, "DocumentReference") == 0) {
            rel = json_pack("{s:s, s:{s:s, s:o}}", "code", "replaces", "target", "type",
                            "DocumentReference", "identifier", ident);
        } else if (strcmp(type, "Composition") == 0) {
            rel = json_pack("{s:s, s:o}", "code", "replaces", "targetIdentifier", ident);
        } else {
            json_decref(ident);
            continue;
        }
        if (json_object_get(res, "relatesTo") == NULL) {
            json_object_set_new(res, "relatesTo", json_array());
        }
        json_array_append_new(json_object_get(res, "relatesTo"), rel);
        n_rel++;
    }
    assert_int_equal(n_rel, 2);
    if (!json_equal(w, k)) {
        fail_msg("the replacement's bundle is not the converter's with relatesTo");
    }
    json_decref(w);
    json_decref(k);
}

/* The bundle kept for d must be what fse_fhir_convert makes of the stored
 * CDA with the hook's options (seed from the uniqueId, the publication
 * metadata, the clock), and its resources the bundle's entries. */
static void check_bundle(const et_doc *d)
{
    fse_store_eds_bundle *b = NULL;
    fse_store_eds_resource_list *rl = NULL;
    fse_store_doc_meta *m = NULL;
    fse_fhir_issues issues;
    fse_eds_conv conv;
    uint8_t *cda = NULL;
    size_t cda_len = 0;
    char *want = NULL;
    size_t want_len = 0;
    json_t *bundle;
    json_t *entries;
    size_t i;

    stored_meta(d, &m);
    if (fse_store_eds_get(&b, et.node.store, d->meta.identificativo_doc) != FSE_OK) {
        fail_msg("%s: no bundle kept: %s", d->meta.type_name, fse_error_last()->message);
    }
    assert_int_equal(b->status, FSE_STORE_EDS_CURRENT);
    assert_string_equal(b->doc_id, m->doc_id);
    assert_int_equal(fse_store_doc_read(&cda, &cda_len, et.node.store, d->meta.identificativo_doc,
                                        FSE_STORE_BLOB_CDA),
                     FSE_OK);
    fse_eds_conv_init(&conv, m, &et.node.eds_opts, atomic_load(&et_now_ms));
    assert_int_equal(fse_fhir_convert(&want, &want_len, cda, cda_len, &conv.opts), FSE_OK);
    if (m->replaces_unique_id != NULL) {
        check_replacement(want, want_len, b->json, b->json_len, m->replaces_unique_id);
    } else if (want_len != b->json_len || memcmp(want, b->json, want_len) != 0) {
        fail_msg("%s: the kept bundle differs from fse_fhir_convert's", d->meta.type_name);
    }
    /* The DocumentReference names the document. */
    assert_non_null(strstr(b->json, "\"masterIdentifier\""));
    memset(&issues, 0, sizeof(issues));
    assert_int_equal(fse_fhir_check_structure(&issues, b->json, b->json_len), FSE_OK);
    for (i = 0; i < issues.n_items; i++) {
        print_error("%s: %s: %s\n", d->meta.type_name, issues.items[i].where,
                    issues.items[i].message);
    }
    assert_int_equal(issues.n_items, 0);
    fse_fhir_issues_free(&issues);

    /* One resource row per entry, in order, with its type. */
    assert_int_equal(
        fse_store_eds_resources(&rl, et.node.store, d->meta.identificativo_doc, NULL, 0, 0),
        FSE_OK);
    bundle = json_loadb(b->json, b->json_len, 0, NULL);
    entries = json_object_get(bundle, "entry");
    assert_int_equal(rl->n, json_array_size(entries));
    assert_int_equal(b->n_resources, rl->n);
    assert_false(rl->truncated);
    for (i = 0; i < rl->n; i++) {
        json_t *res = json_object_get(json_array_get(entries, i), "resource");
        json_t *row = json_loadb(rl->items[i].json, rl->items[i].json_len, 0, NULL);

        assert_int_equal(rl->items[i].seq, i);
        assert_string_equal(rl->items[i].type,
                            json_string_value(json_object_get(res, "resourceType")));
        assert_true(json_equal(row, res));
        json_decref(row);
    }
    json_decref(bundle);
    fse_store_eds_resource_list_free(rl);
    fse_free(want);
    fse_free(cda);
    fse_store_eds_bundle_free(b);
    fse_store_doc_meta_free(m);
}

static size_t count_type(const char *unique_id, const char *type)
{
    fse_store_eds_resource_list *rl = NULL;
    const char *types[1] = {type};
    size_t n;

    assert_int_equal(fse_store_eds_resources(&rl, et.node.store, unique_id, types, 1, 0), FSE_OK);
    n = rl->n;
    fse_store_eds_resource_list_free(rl);
    return n;
}

/* One number from SQL over the node's SQLite file (read-only). */
static long long sql_count(const char *sql, const char *unique_id)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    long long n = -1;

    assert_int_equal(sqlite3_open_v2(et.node.db, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    if (unique_id != NULL) {
        sqlite3_bind_text(st, 1, unique_id, -1, SQLITE_STATIC);
    }
    if (sqlite3_step(st) == SQLITE_ROW) {
        n = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

/* Rows of a table about a document, read with SQLite itself. */
static long long rows_of(const char *table, const char *unique_id)
{
    char sql[128];

    snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s WHERE unique_id = ?1", table);
    return sql_count(sql, unique_id);
}

#define SHARED_TYPES "('Patient', 'Practitioner', 'Organization', 'Location')"

/* Resource rows of a document that are not shared entities. */
static long long unshared_rows(const char *unique_id)
{
    return sql_count("SELECT count(*) FROM eds_resources WHERE unique_id = ?1"
                     " AND type NOT IN " SHARED_TYPES,
                     unique_id);
}

/* Orphans in the whole store: resource rows without a bundle row, rows of
 * a bundle that is not current other than its shared entities, resource
 * rows of documents deleted, and bundles whose count is not their rows'. */
static long long orphans(void)
{
    return sql_count("SELECT (SELECT count(*) FROM eds_resources r"
                     "   WHERE NOT EXISTS (SELECT 1 FROM eds_bundles b"
                     "     WHERE b.unique_id = r.unique_id))"
                     " + (SELECT count(*) FROM eds_resources r JOIN eds_bundles b"
                     "   USING (unique_id) WHERE b.status != 1 AND r.type NOT IN " SHARED_TYPES ")"
                     " + (SELECT count(*) FROM eds_bundles b JOIN documents d"
                     "   USING (unique_id) WHERE d.status = 3)"
                     " + (SELECT count(*) FROM eds_bundles b WHERE b.n_resources !="
                     "   (SELECT count(*) FROM eds_resources r WHERE r.unique_id = b.unique_id))",
                     NULL);
}

static void no_job_left(void)
{
    size_t n = 0;

    assert_int_equal(fse_store_outbox_count(&n, et.node.store, FSE_STORE_JOB_PENDING), FSE_OK);
    assert_int_equal(n, 0);
    assert_int_equal(fse_store_outbox_count(&n, et.node.store, FSE_STORE_JOB_DEAD), FSE_OK);
    assert_int_equal(n, 0);
}

/* ---- Publication of every type ----------------------------------------- */

static void test_publish_every_type(void **state)
{
    static const fse_doc_type types[] = {
        FSE_CDA_DOC_LAB,       FSE_CDA_DOC_RAD, FSE_CDA_DOC_RSA,
        FSE_CDA_DOC_LDO,       FSE_CDA_DOC_PSS, FSE_CDA_DOC_SING_VACC,
        FSE_CDA_DOC_CERT_VACC, FSE_CDA_DOC_RAP, FSE_CDA_DOC_VPS,
    };
    enum { N = sizeof(types) / sizeof(types[0]) };
    et_doc docs[N];
    fse_store_eds_bundle *before = NULL;
    fse_store_eds_bundle *after = NULL;
    fse_store_eds_list *list = NULL;
    fse_gateway_fhir_job job;
    size_t i;
    size_t k;

    (void)state;
    for (i = 0; i < N; i++) {
        et_doc_new(&docs[i], types[i], NULL);
        et_publish(&docs[i]);
    }
    assert_true(et_outbox() >= 2 * N);
    no_job_left();
    for (i = 0; i < N; i++) {
        const char *st = et_event_status(docs[i].wii, "SEND_TO_EDS");

        assert_non_null(st);
        assert_string_equal(st, "SUCCESS");
        check_bundle(&docs[i]);
    }
    /* Resources found by type. */
    assert_true(count_type(docs[5].meta.identificativo_doc, "Immunization") >= 1);
    assert_true(count_type(docs[4].meta.identificativo_doc, "AllergyIntolerance") >= 1);
    assert_int_equal(count_type(docs[5].meta.identificativo_doc, "AllergyIntolerance"), 0);

    /* A job run twice leaves the same bundle and the same rows. */
    assert_int_equal(fse_store_eds_get(&before, et.node.store, docs[0].meta.identificativo_doc),
                     FSE_OK);
    memset(&job, 0, sizeof(job));
    job.op = FSE_GATEWAY_FHIR_CREATE;
    job.unique_id = docs[0].meta.identificativo_doc;
    job.cda = docs[0].cda;
    job.cda_len = docs[0].cda_len;
    assert_int_equal(fse_eds_gateway_hook(et.node.eds, &job), FSE_OK);
    assert_int_equal(fse_eds_gateway_hook(et.node.eds, &job), FSE_OK);
    assert_int_equal(fse_store_eds_get(&after, et.node.store, docs[0].meta.identificativo_doc),
                     FSE_OK);
    assert_string_equal(before->json, after->json);
    assert_int_equal(before->created_ms, after->created_ms);
    assert_int_equal(rows_of("eds_resources", docs[0].meta.identificativo_doc),
                     (long long)before->n_resources);
    fse_store_eds_bundle_free(before);
    fse_store_eds_bundle_free(after);

    /* The patient's bundles list the patient's documents. */
    assert_int_equal(fse_store_eds_list_patient(&list, et.node.store, docs[0].meta.patient_cf, 0),
                     FSE_OK);
    for (i = 0; i < N; i++) {
        bool found = false;

        if (strcmp(docs[i].meta.patient_cf, docs[0].meta.patient_cf) != 0) {
            continue;
        }
        for (k = 0; k < list->n; k++) {
            found = found || strcmp(list->items[k].unique_id, docs[i].meta.identificativo_doc) == 0;
        }
        assert_true(found);
    }
    fse_store_eds_list_free(list);
    for (i = 0; i < N; i++) {
        et_doc_free(&docs[i]);
    }
}

/* ---- Acceptance 2: every type round trips, no orphans -------------------- */

/* A searchable resource of document uid with its code: the first found of
 * the types the search serves (false: the document has none). */
static bool coded_resource(const char *uid, char type[64], char code[128])
{
    static const struct {
        const char *type, *element;
    } coded[] = {
        {"Observation", "code"},        {"Condition", "code"},
        {"AllergyIntolerance", "code"}, {"Immunization", "vaccineCode"},
        {"Procedure", "code"},          {"DiagnosticReport", "code"},
    };
    size_t i, k;
    bool found = false;

    for (i = 0; i < sizeof(coded) / sizeof(coded[0]) && !found; i++) {
        fse_store_eds_resource_list *rl = NULL;
        const char *types[1] = {coded[i].type};

        assert_int_equal(fse_store_eds_resources(&rl, et.node.store, uid, types, 1, 0), FSE_OK);
        for (k = 0; k < rl->n && !found; k++) {
            json_t *r = json_loadb(rl->items[k].json, rl->items[k].json_len, 0, NULL);
            json_t *c = json_array_get(
                json_object_get(json_object_get(r, coded[i].element), "coding"), 0);
            const char *v = json_string_value(json_object_get(c, "code"));

            if (v != NULL && strlen(v) < 128 && strspn(v, "0123456789-.ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                          "abcdefghijklmnopqrstuvwxyz") ==
                                                    strlen(v)) {
                snprintf(type, 64, "%s", coded[i].type);
                snprintf(code, 128, "%s", v);
                found = true;
            }
            json_decref(r);
        }
        fse_store_eds_resource_list_free(rl);
    }
    return found;
}

/* Resources of type with code in document uid, through the store's
 * search by document and type. */
static size_t found_code(const char *uid, const char *type, const char *code)
{
    fse_store_eds_resource_list *rl = NULL;
    const char *types[1] = {type};
    size_t k, n = 0;

    if (fse_store_eds_resources(&rl, et.node.store, uid, types, 1, 0) != FSE_OK) {
        return 0;
    }
    for (k = 0; k < rl->n; k++) {
        n += strstr(rl->items[k].json, code) != NULL;
    }
    fse_store_eds_resource_list_free(rl);
    return n;
}

/* The node id of a stored document (a static buffer). */
static const char *doc_id_of(const et_doc *d)
{
    static char id[FSE_STORE_ID_LEN];
    fse_store_doc_meta *m = NULL;

    stored_meta(d, &m);
    snprintf(id, sizeof(id), "%s", m->doc_id);
    fse_store_doc_meta_free(m);
    return id;
}

static void test_every_type_round_trip(void **state)
{
    static const fse_doc_type types[] = {
        FSE_CDA_DOC_LAB,       FSE_CDA_DOC_RAD, FSE_CDA_DOC_RSA,
        FSE_CDA_DOC_LDO,       FSE_CDA_DOC_PSS, FSE_CDA_DOC_SING_VACC,
        FSE_CDA_DOC_CERT_VACC, FSE_CDA_DOC_RAP, FSE_CDA_DOC_VPS,
    };
    size_t i, searched = 0;

    (void)state;
    for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        et_doc old, next;
        char type[64], code[128];
        bool coded;

        et_doc_new(&old, types[i], NULL);
        et_publish(&old);
        et_outbox();
        check_bundle(&old);
        coded = coded_resource(old.meta.identificativo_doc, type, code);
        if (coded) {
            assert_true(found_code(old.meta.identificativo_doc, type, code) >= 1);
            searched++;
        }
        /* Replace: the new version in full with relatesTo, the old one
         * reduced to its shared entities and no longer found. */
        et_doc_new(&next, types[i], old.meta.patient_cf);
        et_replace(&next, &old);
        et_outbox();
        no_job_left();
        check_bundle(&next);
        assert_int_equal(unshared_rows(old.meta.identificativo_doc), 0);
        assert_true(rows_of("eds_resources", old.meta.identificativo_doc) >= 1);
        if (coded) {
            assert_int_equal(found_code(old.meta.identificativo_doc, type, code), 0);
        }
        assert_int_equal(orphans(), 0);
        /* Delete the current version: nothing of it stays. */
        et_delete(&next);
        et_outbox();
        no_job_left();
        assert_int_equal(rows_of("eds_resources", next.meta.identificativo_doc), 0);
        assert_int_equal(rows_of("eds_bundles", next.meta.identificativo_doc), 0);
        assert_int_equal(orphans(), 0);
        et_doc_free(&old);
        et_doc_free(&next);
    }
    assert_true(searched >= 6);
}

/* Every current bundle, paged by keyset: the pages of 1, 2 and 1000 give
 * the same uniqueIds, in order, as SQL over the file. */
static void test_list_all_pages(void **state)
{
    static const size_t sizes[] = {1, 2, 0};
    long long want = sql_count("SELECT count(*) FROM eds_bundles WHERE status = 1", NULL);
    fse_store_eds_list *page = NULL;
    size_t k;

    (void)state;
    assert_true(want >= 2);
    for (k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
        char after[300] = "";
        long long seen = 0;
        bool more = true;

        while (more) {
            size_t i;

            assert_int_equal(fse_store_eds_list_all(&page, et.node.store, 0, after, sizes[k]),
                             FSE_OK);
            for (i = 0; i < page->n; i++) {
                assert_int_equal(page->items[i].status, FSE_STORE_EDS_CURRENT);
                assert_true(strcmp(page->items[i].unique_id, after) > 0);
                snprintf(after, sizeof(after), "%s", page->items[i].unique_id);
            }
            seen += (long long)page->n;
            more = page->n == (sizes[k] != 0 ? sizes[k] : FSE_STORE_EDS_PAGE);
            fse_store_eds_list_free(page);
        }
        assert_int_equal(seen, want);
    }
    assert_int_equal(fse_store_eds_list_all(&page, et.node.store, 1u << 9, NULL, 0), FSE_E_ARG);
    assert_int_equal(
        fse_store_eds_list_all(&page, et.node.store, 0, NULL, FSE_STORE_EDS_MAX_PAGE + 1),
        FSE_E_ARG);
}

/* Observations of src found with the given date conditions ("" none). */
static size_t dated(const fse_eds_source *src, const char *d1, const char *d2)
{
    fse_eds_view v = {"https://node.test", NULL, NULL, 0, 0};
    fse_eds_result *r = NULL;
    fse_eds_query q;
    size_t n;

    memset(&q, 0, sizeof(q));
    q.type = "Observation";
    if (d1 != NULL) {
        assert_int_equal(fse_eds_date_parse(&q.dates[q.n_dates++], d1), FSE_OK);
    }
    if (d2 != NULL) {
        assert_int_equal(fse_eds_date_parse(&q.dates[q.n_dates++], d2), FSE_OK);
    }
    assert_int_equal(fse_eds_search(&r, et.node.store, &v, &q, src, 1), FSE_OK);
    n = fse_eds_result_total(r);
    fse_eds_result_free(r);
    return n;
}

/* date with the FHIR prefixes over a LAB's Observations: at a day's
 * precision eq, lt and gt split the dated ones, le and ge are their
 * unions, a range selects the day, and a bad value is refused. */
static void test_date_search(void **state)
{
    fse_store_eds_resource_list *rl = NULL;
    const char *types[1] = {"Observation"};
    fse_eds_date bad;
    char day[16] = "", eq[20], lt[20], le[20], gt[20], ge[20];
    size_t i, n_dated = 0;
    et_doc d;
    fse_eds_source src;

    (void)state;
    et_doc_new(&d, FSE_CDA_DOC_LAB, NULL);
    et_publish(&d);
    et_outbox();
    src.unique_id = d.meta.identificativo_doc;
    src.doc_id = doc_id_of(&d);
    src.type_code = NULL;
    src.tag = NULL;
    assert_int_equal(fse_store_eds_resources(&rl, et.node.store, src.unique_id, types, 1, 0),
                     FSE_OK);
    for (i = 0; i < rl->n; i++) {
        json_t *o = json_loadb(rl->items[i].json, rl->items[i].json_len, 0, NULL);
        const char *t = json_string_value(json_object_get(o, "effectiveDateTime"));

        if (t == NULL) {
            t = json_string_value(
                json_object_get(json_object_get(o, "effectivePeriod"), "start"));
        }
        if (t != NULL && strlen(t) >= 10) {
            n_dated++;
            if (day[0] == '\0') {
                snprintf(day, sizeof(day), "%.10s", t);
            }
        }
        json_decref(o);
    }
    fse_store_eds_resource_list_free(rl);
    assert_true(n_dated >= 1);
    snprintf(eq, sizeof(eq), "eq%s", day);
    snprintf(lt, sizeof(lt), "lt%s", day);
    snprintf(le, sizeof(le), "le%s", day);
    snprintf(gt, sizeof(gt), "gt%s", day);
    snprintf(ge, sizeof(ge), "ge%s", day);
    assert_true(dated(&src, eq, NULL) >= 1);
    assert_int_equal(dated(&src, day, NULL), dated(&src, eq, NULL));
    assert_int_equal(dated(&src, eq, NULL) + dated(&src, lt, NULL) + dated(&src, gt, NULL),
                     n_dated);
    assert_int_equal(dated(&src, le, NULL), dated(&src, eq, NULL) + dated(&src, lt, NULL));
    assert_int_equal(dated(&src, ge, NULL), dated(&src, eq, NULL) + dated(&src, gt, NULL));
    assert_int_equal(dated(&src, ge, le), dated(&src, eq, NULL));
    assert_int_equal(dated(&src, "gt9999", NULL), 0);
    assert_int_equal(dated(&src, "ge1900-01", NULL), n_dated);
    assert_int_equal(fse_eds_date_parse(&bad, "ne2020-01-01"), FSE_E_ARG);
    assert_int_equal(fse_eds_date_parse(&bad, "2020/01/01"), FSE_E_ARG);
    assert_int_equal(fse_eds_date_parse(&bad, "20"), FSE_E_ARG);
    et_doc_free(&d);
}

/* ---- Replace, delete, refusal ------------------------------------------- */

static void test_replace_supersedes(void **state)
{
    fse_store_eds_bundle *b = NULL;
    fse_store_eds_list *list = NULL;
    et_doc old;
    et_doc next;
    size_t i;

    (void)state;
    et_doc_new(&old, FSE_CDA_DOC_LAB, NULL);
    et_publish(&old);
    et_outbox();
    et_doc_new(&next, FSE_CDA_DOC_LAB, old.meta.patient_cf);
    et_replace(&next, &old);
    et_outbox();
    no_job_left();
    assert_string_equal(et_event_status(next.wii, "SEND_TO_EDS"), "SUCCESS");
    check_bundle(&next);
    assert_int_equal(fse_store_eds_get(&b, et.node.store, old.meta.identificativo_doc), FSE_OK);
    assert_int_equal(b->status, FSE_STORE_EDS_SUPERSEDED);
    assert_non_null(b->replaced_by);
    assert_string_equal(b->replaced_by, next.meta.identificativo_doc);
    /* Only the shared entities of the old version stay. */
    assert_null(strstr(b->json, "\"resourceType\""));
    assert_int_equal(rows_of("eds_resources", old.meta.identificativo_doc),
                     (long long)b->n_resources);
    assert_int_equal(unshared_rows(old.meta.identificativo_doc), 0);
    assert_true(count_type(old.meta.identificativo_doc, "Patient") >= 1);
    assert_int_equal(count_type(old.meta.identificativo_doc, "Observation"), 0);
    assert_true(count_type(next.meta.identificativo_doc, "Observation") >= 1);
    fse_store_eds_bundle_free(b);
    /* A metadata update of the new version keeps its relatesTo. */
    atomic_fetch_add(&et_now_ms, 60000);
    et_update(&next, "{\"tipologiaStruttura\":\"Prevenzione\",\"tipoDocumentoLivAlto\":"
                     "\"REF\",\"assettoOrganizzativo\":\"AD_PSC010\","
                     "\"tipoAttivitaClinica\":\"PHR\",\"identificativoSottomissione\":"
                     "\"2.16.840.1.113883.2.9.2.120.4.3.77\"}");
    et_outbox();
    no_job_left();
    check_bundle(&next);
    /* Current bundles: the new version, not the old one. */
    assert_int_equal(fse_store_eds_list_patient(&list, et.node.store, old.meta.patient_cf, 0),
                     FSE_OK);
    for (i = 0; i < list->n; i++) {
        assert_string_not_equal(list->items[i].unique_id, old.meta.identificativo_doc);
    }
    fse_store_eds_list_free(list);
    assert_int_equal(fse_store_eds_list_patient(&list, et.node.store, old.meta.patient_cf,
                                                FSE_STORE_EDS_BIT(FSE_STORE_EDS_SUPERSEDED)),
                     FSE_OK);
    assert_true(list->n >= 1);
    fse_store_eds_list_free(list);
    et_doc_free(&old);
    et_doc_free(&next);
}

static void test_metadata_update(void **state)
{
    fse_store_eds_bundle *before = NULL;
    fse_store_eds_bundle *after = NULL;
    et_doc d;

    (void)state;
    et_doc_new(&d, FSE_CDA_DOC_RAD, NULL);
    et_publish(&d);
    et_outbox();
    assert_int_equal(fse_store_eds_get(&before, et.node.store, d.meta.identificativo_doc), FSE_OK);
    assert_null(strstr(before->json, "\"AD_PSC010\""));
    atomic_fetch_add(&et_now_ms, 60000);
    et_update(&d, "{\"tipologiaStruttura\":\"Prevenzione\",\"tipoDocumentoLivAlto\":\"REF\","
                  "\"assettoOrganizzativo\":\"AD_PSC010\",\"tipoAttivitaClinica\":\"PHR\","
                  "\"identificativoSottomissione\":\"2.16.840.1.113883.2.9.2.120.4.3.77\","
                  "\"attiCliniciRegoleAccesso\":[\"P99\"]}");
    et_outbox();
    no_job_left();
    assert_string_equal(et_event_status(d.wii, "EDS_UPDATE"), "SUCCESS");
    /* Converted again with the new metadata: the same resource ids. */
    check_bundle(&d);
    assert_int_equal(fse_store_eds_get(&after, et.node.store, d.meta.identificativo_doc), FSE_OK);
    assert_non_null(strstr(after->json, "\"AD_PSC010\""));
    assert_non_null(strstr(after->json, "\"Prevenzione\""));
    assert_int_equal(after->created_ms, before->created_ms);
    assert_true(after->updated_ms > before->updated_ms);
    assert_int_equal(after->n_resources, before->n_resources);
    fse_store_eds_bundle_free(before);
    fse_store_eds_bundle_free(after);
    et_doc_free(&d);
}

static void test_delete_wipes(void **state)
{
    fse_store_eds_bundle *b = NULL;
    fse_store_eds_resource_list *rl = NULL;
    et_doc d;
    fse_gateway_fhir_job job;

    (void)state;
    et_doc_new(&d, FSE_CDA_DOC_RAD, NULL);
    et_publish(&d);
    et_outbox();
    assert_true(rows_of("eds_resources", d.meta.identificativo_doc) > 0);
    assert_int_equal(rows_of("eds_bundles", d.meta.identificativo_doc), 1);
    et_delete(&d);
    et_outbox();
    no_job_left();
    assert_int_equal(rows_of("eds_resources", d.meta.identificativo_doc), 0);
    assert_int_equal(rows_of("eds_bundles", d.meta.identificativo_doc), 0);
    assert_int_equal(fse_store_eds_get(&b, et.node.store, d.meta.identificativo_doc),
                     FSE_E_NOT_FOUND);
    assert_int_equal(
        fse_store_eds_resources(&rl, et.node.store, d.meta.identificativo_doc, NULL, 0, 0),
        FSE_E_NOT_FOUND);
    /* A late CREATE job of the deleted document keeps nothing. */
    memset(&job, 0, sizeof(job));
    job.op = FSE_GATEWAY_FHIR_CREATE;
    job.unique_id = d.meta.identificativo_doc;
    job.cda = d.cda;
    job.cda_len = d.cda_len;
    assert_int_equal(fse_eds_gateway_hook(et.node.eds, &job), FSE_OK);
    assert_int_equal(rows_of("eds_bundles", d.meta.identificativo_doc), 0);
    et_doc_free(&d);
}

static void test_refused_conversion_not_retried(void **state)
{
    fse_store_eds_bundle *b = NULL;
    const char *st;
    et_doc d;

    (void)state;
    et_doc_new(&d, FSE_CDA_DOC_LAB, NULL);
    snprintf(et.break_unique_id, sizeof(et.break_unique_id), "%s", d.meta.identificativo_doc);
    et_publish(&d);
    et_outbox();
    et.break_unique_id[0] = '\0';
    no_job_left();
    st = et_event_status(d.wii, "SEND_TO_EDS");
    assert_non_null(st);
    assert_string_equal(st, "NON_BLOCKING_ERROR");
    assert_null(et_event_status(d.wii, "ASYNC_RETRY"));
    assert_int_equal(fse_store_eds_get(&b, et.node.store, d.meta.identificativo_doc), FSE_OK);
    assert_int_equal(b->status, FSE_STORE_EDS_FAILED);
    assert_non_null(strstr(b->json, "1.3.6.1.4.1.99999.1"));
    assert_int_equal(b->n_resources, 0);
    fse_store_eds_bundle_free(b);
    et_doc_free(&d);
}

/* ---- At rest ------------------------------------------------------------ */

static void exec_sql(const char *sql, const char *unique_id)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;

    assert_int_equal(sqlite3_open(et.node.db, &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 10000);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    sqlite3_bind_text(st, 1, unique_id, -1, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
    sqlite3_close(db);
}

/* Whether a file holds needle. */
static bool file_has(const char *path, const char *needle)
{
    uint8_t *data = NULL;
    size_t len = 0;
    size_t n = strlen(needle);
    size_t i;
    bool found = false;

    if (fse_file_read(path, 1u << 30, &data, &len) != FSE_OK) {
        return false;
    }
    for (i = 0; i + n <= len && !found; i++) {
        found = memcmp(data + i, needle, n) == 0;
    }
    fse_free(data);
    return found;
}

static void test_sealed_at_rest(void **state)
{
    fse_store_eds_bundle *b = NULL;
    fse_store_eds_resource_list *rl = NULL;
    char wal[PATH_MAX + 32];
    et_doc d;

    (void)state;
    et_doc_new(&d, FSE_CDA_DOC_PSS, NULL);
    et_publish(&d);
    et_outbox();
    assert_int_equal(fse_store_eds_get(&b, et.node.store, d.meta.identificativo_doc), FSE_OK);
    fse_store_eds_bundle_free(b);
    /* No bundle or resource text in the files. */
    snprintf(wal, sizeof(wal), "%s-wal", et.node.db);
    assert_false(file_has(et.node.db, "\"masterIdentifier\""));
    assert_false(file_has(wal, "\"masterIdentifier\""));
    assert_false(file_has(et.node.db, "\"resourceType\":\"AllergyIntolerance\""));
    assert_false(file_has(wal, "\"resourceType\":\"AllergyIntolerance\""));

    /* A resource row given another type does not open. */
    exec_sql("UPDATE eds_resources SET type = 'Condition' WHERE unique_id = ?1 AND seq = 1",
             d.meta.identificativo_doc);
    assert_int_equal(
        fse_store_eds_resources(&rl, et.node.store, d.meta.identificativo_doc, NULL, 0, 0),
        FSE_E_CRYPTO);
    /* Nor does a bundle moved to another patient. */
    exec_sql("UPDATE eds_bundles SET patient_ref = 'ff' || substr(patient_ref, 3)"
             " WHERE unique_id = ?1",
             d.meta.identificativo_doc);
    assert_int_equal(fse_store_eds_get(&b, et.node.store, d.meta.identificativo_doc), FSE_E_CRYPTO);
    et_doc_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_publish_every_type),
        cmocka_unit_test(test_replace_supersedes),
        cmocka_unit_test(test_every_type_round_trip),
        cmocka_unit_test(test_list_all_pages),
        cmocka_unit_test(test_date_search),
        cmocka_unit_test(test_metadata_update),
        cmocka_unit_test(test_delete_wipes),
        cmocka_unit_test(test_refused_conversion_not_retried),
        cmocka_unit_test(test_sealed_at_rest),
    };

    return cmocka_run_group_tests(tests, et_setup, et_teardown);
}
