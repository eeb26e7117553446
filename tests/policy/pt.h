/*
 * tests/policy/pt.h - the fixture of the consultation acceptance suites: a
 * test PKI and token pairs (fse_jwt_make_pair, op READ, any purpose), a
 * node (store, fse_consult and optionally fse_gateway on one
 * fse_http_server on 127.0.0.1, port 0) with a controllable clock, valid
 * codici fiscali, keep-alive HTTP over tests/http/http_client.c with the
 * normalisation used to compare "not found" answers, and the world of the
 * access-matrix test (patients, subjects, documents) built through the
 * documented HTTP APIs.
 *
 * Owns the global fixture `pt` and the prototypes shared by pt_*.c and
 * test_policy_matrix.c. The expected answers are pt_oracle.h's.
 */
#ifndef FSE_TEST_PT_H
#define FSE_TEST_PT_H

#include <limits.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>

#include "fse/consult.h"
#include "fse/eds.h"
#include "fse/gateway.h"
#include "fse/http.h"
#include "fse/jwt.h"
#include "fse/store.h"
#include "fse/validate.h"
#include "http_client.h"
#include "pt_oracle.h"

/* The tokens' audience. */
#define PT_AUD "https://fse-node.test/v1"
/* The clock starts at 2026-01-01T00:00:00Z. */
#define PT_T0_MS ((int64_t)1767225600000)
#define PT_DAY_MS (24LL * 60 * 60 * 1000)

/* ---- Fixture ------------------------------------------------------------ */

typedef struct pt_node {
    char dir[PATH_MAX];
    char db[PATH_MAX + 16];
    char key[PATH_MAX + 16];
    fse_consult *consult;
    fse_gateway *gw; /* NULL unless started with a gateway */
    fse_eds *eds;    /* the gateway's FHIR hook: the regional clinical store */
    fse_http_server *srv;
    uint16_t port;
    fse_store *store; /* the test's own handle on the same database */
} pt_node;

typedef struct pt_fixture {
    char dir[PATH_MAX];
    char ca_path[PATH_MAX + 16];
    fse_jwt_testca *ca;
    fse_jwt_cred *signer; /* S1#120#TESTVENDOR */
    fse_catalog *catalog; /* loaded by the cases that publish */
} pt_fixture;

extern pt_fixture pt;
extern _Atomic int64_t pt_now_ms;

/* PKI only (the node is started by each case). */
int pt_setup(void **state);
int pt_teardown(void **state);

/* A directory under the test temporary root; fails the test on error. */
void pt_make_dir(char *out, size_t cap, const char *name);
void pt_remove_dir(const char *dir);

/* Start a node: consultation routes, plus the gateway when with_gateway
 * (then pt.catalog must be loaded) with the regional clinical store as its
 * FHIR hook; no outbox worker: the case runs fse_gateway_outbox_run. */
void pt_node_start(pt_node *n, const char *name, bool with_gateway);
void pt_node_stop(pt_node *n);

void pt_clock_set(int64_t ms);

/* A valid codice fiscale for test person i (distinct per i), born in year
 * (two digits as in a CF) on month/day: out has 17 bytes. */
void pt_cf(char out[17], unsigned i, int year, int month, int day);

/* Store a small document of patient cf (fake PDF and CDA) by facility
 * (an XON) with visibility bits; its node id in id_out. */
void pt_put_doc(fse_store *s, const char *cf, const char *loinc, const char *unique_id,
                const char *facility, unsigned vis, char id_out[FSE_STORE_ID_LEN]);

/* ---- Tokens ------------------------------------------------------------- */

/* Who acts: the token's claims. */
typedef struct pt_who {
    const char *sub;      /* CF */
    const char *role;     /* subject_role */
    const char *purpose;  /* purpose_of_use */
    const char *patient;  /* person_id CF */
    const char *locality; /* NULL: the default XON */
} pt_who;

/* A READ pair for who at the current clock; caller frees both (fse_free). */
void pt_tokens(char **auth, char **sig, const pt_who *who);

/* ---- HTTP --------------------------------------------------------------- */

typedef struct pt_resp {
    int status;
    tc_response raw;
    json_t *json; /* parsed body, NULL when not JSON */
} pt_resp;

/* A keep-alive connection to a node (reopened when the server closes it). */
typedef struct pt_conn {
    tc_conn c;
    uint16_t port;
    bool open;
    size_t requests;
} pt_conn;

void pt_conn_init(pt_conn *k, uint16_t port);
void pt_conn_close(pt_conn *k);

/* One request. who NULL: no token; auth/sig given: those tokens (who
 * ignored). body: JSON text or NULL. extra: further header lines
 * ("Name: value\r\n...") or NULL. Fails the test when no answer came. */
void pt_request(pt_conn *k, pt_resp *r, const char *method, const char *path, const char *auth,
                const char *sig, const char *body, const char *extra);
/* The same, false instead of failing (for worker threads). */
bool pt_try_request(pt_conn *k, pt_resp *r, const char *method, const char *path, const char *auth,
                    const char *sig, const char *body, const char *extra);
/* The same with fresh tokens for who (NULL: none). */
void pt_call(pt_conn *k, pt_resp *r, const char *method, const char *path, const pt_who *who,
             const char *body);
void pt_resp_free(pt_resp *r);

/* The answer as text that does not depend on the request: status line,
 * headers sorted (Date, Content-Length and per-request trace ids left
 * out), body with `id` and every 32/16-hex trace id replaced. Caller
 * frees (free). */
char *pt_normalise(const pt_resp *r, const char *id);

/* A 32-hex id no document has (counter-based, deterministic). */
void pt_unknown_id(char out[33], unsigned n);

/* ---- The access-matrix world ------------------------------------------- */

/* Relationships of a subject with a patient (the brief's list; parent of
 * a minor or of an adult depends on the patient). */
typedef enum pt_relship {
    PT_RS_SELF = 0,
    PT_RS_GUARDIAN,
    PT_RS_PARENT,
    PT_RS_DELEGATE,
    PT_RS_GP,
    PT_RS_CARE,
    PT_RS_NONE,
    PT_RS_PRODUCER,
    PT_RS_COUNT
} pt_relship;

const char *pt_relship_name(pt_relship r, bool minor);

/* Consent states of a patient. */
typedef enum pt_consent {
    PT_CONSENT_NEVER = 0,
    PT_CONSENT_GIVEN,
    PT_CONSENT_REVOKED,
    PT_CONSENT_GIVEN_AS_MINOR, /* given while minor, now adult */
    PT_CONSENT_CURA_ONLY       /* cura given, profilassi never (extra) */
} pt_consent;

const char *pt_consent_name(pt_consent c);

/* Facilities of the documents. */
typedef enum pt_facility {
    PT_FAC_P = 0, /* the producer subject's locality */
    PT_FAC_Q,     /* nobody's */
    PT_FAC_R      /* nobody's, but the author person is the producer subject */
} pt_facility;

typedef struct pt_wdoc {
    char id[FSE_STORE_ID_LEN];
    char unique_id[96];
    const char *loinc;
    unsigned vis;
    pt_facility fac;
    bool hidden_checked; /* a denied read of it was compared with an unknown id */
} pt_wdoc;

#define PT_MAX_DOCS 200

typedef struct pt_patient {
    char cf[17];
    const char *birth; /* yyyy-mm-dd, as registered */
    bool minor;
    pt_consent consent;
    pt_wdoc docs[PT_MAX_DOCS];
    size_t n_docs;
    uint16_t by_id[PT_MAX_DOCS]; /* indices of docs sorted by id */
    size_t pss_index;            /* a visible PSS nobody produced, read to open the emergency */
} pt_patient;

#define PT_N_PATIENTS 8

typedef struct pt_world {
    pt_node node;
    pt_patient patients[PT_N_PATIENTS];
    size_t n_patients;
    /* subjects other than self (same CF for every patient) */
    char cf[PT_RS_COUNT][17];
    char admin_cf[17];
    char author_cf[17];
    int epoch; /* 0 no grant, 1 grant in force, 2 grant with the PSS read */
    /* counters */
    atomic_size_t requests;
    atomic_size_t combinations;
    atomic_size_t reads;
    atomic_size_t failures;
    pthread_mutex_t lock;
} pt_world;

/* Locality XON of a facility, and of no facility (PT_FAC_R + 1). */
const char *pt_locality(int fac);
/* The LOINC that is in no matrix row. */
#define PT_LOINC_UNKNOWN "34133-9"

/* Build the world on w->node (started by the caller). */
void pt_world_build(pt_world *w, pt_conn *k);
/* The subject's CF for a relationship with patient p. */
const char *pt_world_sub(const pt_world *w, const pt_patient *p, pt_relship r);
/* Move every subject of every patient to the next emergency epoch. */
void pt_world_next_epoch(pt_world *w, pt_conn *k);
/* The oracle's facts for a subject. */
void pt_world_facts(const pt_world *w, const pt_patient *p, pt_relship r, const char *role,
                    const char *purpose, pt_facts *out);
/* Whether the subject produced document d. */
bool pt_world_produced(const pt_world *w, const pt_patient *p, pt_relship r, const pt_wdoc *d);

/* The fake PDF stored for a document (also what Binary must answer). */
void pt_world_pdf(char *out, size_t cap, const pt_wdoc *d);
/* The fake CDA stored for it (what Binary/{id}-cda must answer). */
void pt_world_cda(char *out, size_t cap, const pt_wdoc *d);

/* The citizen's acts of docs/policy.md by every kind of subject; counts
 * the checks into *n_checked (pt_acts.c). */
void pt_acts_check(pt_world *w, pt_conn *k, size_t *n_checked);

/* Record a discrepancy (printed, counted; the test fails at the end). */
void pt_report(pt_world *w, const char *fmt, ...) FSE_PRINTF(2, 3);

/* ---- Test cases --------------------------------------------------------- */

void pt_test_access_matrix(void **state);
void pt_test_consent_revocation(void **state);
void pt_test_tutela_publication(void **state);
void pt_test_relations_in_time(void **state);
void pt_test_access_log_names_no_hidden_document(void **state);

#endif /* FSE_TEST_PT_H */
