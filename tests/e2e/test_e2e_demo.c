/*
 * tests/e2e/test_e2e_demo.c - `fse demo --no-wait` as the README runs it:
 * a new node directory, documents of every type published over HTTP with
 * none refused, a second run in the same directory publishing new
 * documents into the same store, the files the printed commands use, the
 * consultation state seeded once (registry, consents, the delegate and the
 * parent not duplicated by the rerun), and `fse audit verify` on the node's
 * config file.
 */
#include "e2e.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "fse/util.h"

/* The "total <published> <refused>" line of the summary in the log. */
static void expect_total(const char *log, unsigned long want)
{
    size_t len = 0;
    uint8_t *text = e2e_read_file(log, &len);
    const char *at;
    const char *last = NULL;
    unsigned long published = 0;
    unsigned long refused = 0;

    assert_non_null(text);
    for (at = strstr((const char *)text, "  total "); at != NULL; at = strstr(at + 1, "  total ")) {
        last = at;
    }
    if (last == NULL || sscanf(last, " total %lu %lu", &published, &refused) != 2) {
        fail_msg("no summary in %s", log);
    }
    assert_int_equal(published, want);
    assert_int_equal(refused, 0);
    fse_free(text);
}

/* The representative of kind in the people list and whom they act for:
 * one relation in force, the only relation of that patient. */
static void expect_one_relation(fse_store *s, json_t *people, const char *kind,
                                fse_store_relation_kind rk, char patient_out[17])
{
    json_t *list = json_object_get(people, "people");
    fse_store_actor_relation_list *mine = NULL;
    fse_store_relation_list *theirs = NULL;
    fse_store_relation_query q = {NULL, 0, NULL, 0};
    size_t i;

    patient_out[0] = '\0';
    for (i = 0; i < json_array_size(list); i++) {
        json_t *p = json_array_get(list, i);

        if (strcmp(json_string_value(json_object_get(p, "kind")), kind) != 0) {
            continue;
        }
        snprintf(patient_out, 17, "%s", json_string_value(json_object_get(p, "patient")));
        assert_int_equal(fse_store_relation_of_actor(&mine, s,
                                                     json_string_value(json_object_get(p, "cf")),
                                                     FSE_STORE_REL_BIT(rk), fse_store_now_ms()),
                         FSE_OK);
        assert_int_equal(mine->n, 1);
        assert_int_equal(strncmp(mine->items[0].patient_id, patient_out, 16), 0);
        q.patient_id = patient_out;
        assert_int_equal(fse_store_relation_list_get(&theirs, s, &q), FSE_OK);
        assert_int_equal(theirs->n_relations, 1);
        fse_store_actor_relation_list_free(mine);
        fse_store_relation_list_free(theirs);
        return;
    }
    print_message("demo: no %s in the people list\n", kind);
}

/* After two runs in one node: every listed patient has one registry
 * record with the demo GP and at most one consent act; the delegate and
 * the parent have one relation each. patients_out: the delegate's and the
 * parent's patient. */
static void expect_consult_state(const char *node, char delegate_of[17], char parent_of[17])
{
    fse_store_opts so = FSE_STORE_OPTS_INIT;
    char db[PATH_MAX + 32];
    char key[PATH_MAX + 32];
    char file[PATH_MAX + 32];
    json_t *people;
    json_t *list;
    fse_store *s = NULL;
    const char *gp = NULL;
    size_t n_patients = 0;
    size_t i;

    snprintf(db, sizeof(db), "%s/node.db", node);
    snprintf(key, sizeof(key), "%s/master.key", node);
    snprintf(file, sizeof(file), "%s/demo-people.json", node);
    people = json_load_file(file, 0, NULL);
    assert_non_null(people);
    list = json_object_get(people, "people");
    so.path = db;
    so.master_key_path = key;
    assert_int_equal(fse_store_open(&s, &so), FSE_OK);
    for (i = 0; i < json_array_size(list); i++) {
        json_t *p = json_array_get(list, i);

        if (strcmp(json_string_value(json_object_get(p, "kind")), "gp") == 0) {
            gp = json_string_value(json_object_get(p, "cf"));
        }
    }
    assert_non_null(gp);
    for (i = 0; i < json_array_size(list); i++) {
        json_t *p = json_array_get(list, i);
        const char *cf = json_string_value(json_object_get(p, "cf"));
        fse_store_patient *rec = NULL;
        fse_store_consent_list *cl = NULL;

        if (strcmp(json_string_value(json_object_get(p, "kind")), "patient") != 0) {
            continue;
        }
        n_patients++;
        assert_int_equal(fse_store_patient_get(&rec, s, cf), FSE_OK);
        assert_string_equal(rec->gp_id, gp);
        assert_string_equal(rec->region, "120");
        assert_int_equal(fse_store_consent_list_get(&cl, s, cf), FSE_OK);
        assert_true(cl->n_consents <= 1);
        assert_int_equal(cl->n_consents == 1, json_is_true(json_object_get(p, "consent_cura")));
        fse_store_consent_list_free(cl);
        fse_store_patient_free(rec);
    }
    assert_true(n_patients >= 3);
    expect_one_relation(s, people, "delegate", FSE_STORE_REL_DELEGATE, delegate_of);
    expect_one_relation(s, people, "parent", FSE_STORE_REL_PARENT, parent_of);
    assert_true(delegate_of[0] != '\0');
    fse_store_free(s);
    json_decref(people);
}

static void demo_no_wait(void **state)
{
    const char *first[] = {"demo", "--dir",  NULL, "--count",   "45", "--port",
                           "0",    "--seed", "7",  "--no-wait", NULL};
    const char *second[] = {"demo",   "--dir", NULL,        "--count", "18",        "--port", "0",
                            "--seed", "7",     "--clients", "2",       "--no-wait", NULL};
    const char *audit[] = {"audit", "verify", "--config", NULL, NULL};
    char dir[PATH_MAX];
    char node[PATH_MAX + 16];
    char log[PATH_MAX + 16];
    char conf[PATH_MAX + 32];
    char path[PATH_MAX + 64];
    char delegate_of[2][17];
    char parent_of[2][17];
    e2e_node holder;
    e2e_pki pki;

    (void)state;
    /* A node directory under test-tmp, with nothing in it yet. */
    e2e_pki_make(&pki);
    e2e_node_init(&holder, "e2e-demo", &pki, 1, "");
    snprintf(dir, sizeof(dir), "%s", holder.dir);
    snprintf(node, sizeof(node), "%s/node", dir);
    snprintf(log, sizeof(log), "%s/demo.log", dir);
    snprintf(conf, sizeof(conf), "%s/fse.conf", node);
    first[2] = node;
    second[2] = node;
    audit[3] = conf;

    assert_int_equal(e2e_run_fse(log, first), 0);
    expect_total(log, 45);
    assert_true(e2e_file_contains(log, "(created)", 9));
    snprintf(path, sizeof(path), "%s/curl/publication.sig", node);
    assert_int_equal(access(path, R_OK), 0);
    snprintf(path, sizeof(path), "%s/pki/sig.key", node);
    assert_int_equal(access(path, R_OK), 0);
    snprintf(path, sizeof(path), "%s/curl/gp.sig", node);
    assert_int_equal(access(path, R_OK), 0);
    expect_consult_state(node, delegate_of[0], parent_of[0]);

    assert_int_equal(e2e_run_fse(log, second), 0);
    expect_total(log, 18);
    assert_true(e2e_file_contains(log, "(reused", 7));
    expect_consult_state(node, delegate_of[1], parent_of[1]);
    assert_string_equal(delegate_of[0], delegate_of[1]);
    assert_string_equal(parent_of[0], parent_of[1]);
    assert_int_equal(e2e_run_fse(log, audit), 0);
    print_message("demo: 45 then 18 documents published in the same node, audit chain intact\n");
    e2e_node_remove(&holder);
    e2e_pki_free(&pki);
}

int test_e2e_demo_run(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(demo_no_wait),
    };

    return cmocka_run_group_tests_name("e2e_demo", tests, NULL, NULL);
}
