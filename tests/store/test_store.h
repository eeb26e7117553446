/*
 * tests/store/test_store.h - what the files of the store suite share: the
 * per-test fixture, a sample put, the tests defined outside test_store.c
 * (queue, privacy state) and the crash-safety entry point.
 */
#ifndef FSE_TEST_STORE_H
#define FSE_TEST_STORE_H

#include "fse/store.h"

/* A fixed clock for tests that inject time. */
#define T0 1700000000000LL

/* The schema version of a new store: the number of migrations in
 * lib/store/store_sqlite.c. */
#define STORE_SCHEMA_VERSION 5

/* cmocka setup/teardown: a fresh fx (store_fixture.h) in *state. */
int store_setup(void **state);
int store_teardown(void **state);

/* Put the sample document uid for patient pid at time now. */
fse_err store_put_doc(fse_store *s, const char *uid, const char *pid, int64_t now);

/* test_store_queue.c */
void validation_links(void **state);
void status_events(void **state);
void outbox_lease_backoff_idempotency(void **state);
void outbox_tampered_payload_is_dead_lettered(void **state);
void transactions_group_and_roll_back(void **state);

/* test_store_privacy.c */
void doc_visibility(void **state);
void doc_list_patient(void **state);
void registry_round_trip(void **state);
void registry_rejects_bad_input(void **state);
void consent_history(void **state);
void consent_history_cap(void **state);
void relations_in_force(void **state);
void relations_reject_bad_input(void **state);
void relations_of_actor(void **state);
void notifications_paging(void **state);
void privacy_no_plaintext_at_rest(void **state);
void privacy_tamper_detection(void **state);
void migration_from_schema_1(void **state);
void privacy_allocation_failures(void **state);

/* test_store_taccuino.c */
void taccuino_round_trip(void **state);
void taccuino_rejects_bad_input(void **state);
void taccuino_cap(void **state);
void taccuino_at_rest(void **state);

/* The crash-safety test (test_store_crash.c): cmocka exit status. */
int test_store_crash_run(void);

#endif /* FSE_TEST_STORE_H */
