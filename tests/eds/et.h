/*
 * tests/eds/et.h - the fixture of the regional clinical store suite: a node
 * in-process on 127.0.0.1 (port 0) with the gateway (its outbox run by the
 * tests, not by a worker) and the clinical store service as its FHIR hook,
 * on one server and one store, plus what a suite adds (consultation); a
 * test PKI and token pairs; generated documents published through the
 * Gateway API over HTTP.
 *
 * Owns the global fixture `et` and the helper prototypes shared by
 * eds_fixture.c and the suites (test_eds.c: the store and the hook;
 * test_eds_summary.c: the derived views through consultation, which adds
 * its service to the node with et_extra_start).
 */
#ifndef FSE_TEST_ET_H
#define FSE_TEST_ET_H

#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>

#include "fse/eds.h"
#include "fse/gateway.h"
#include "fse/gen.h"
#include "fse/http.h"
#include "fse/jwt.h"
#include "fse/store.h"
#include "fse/store_eds.h"
#include "fse/validate.h"

/* The tokens' audience. */
#define ET_AUD "https://fse-node.test/v1"
/* The clock: 2026-01-01T00:00:00Z. */
#define ET_T0_MS ((int64_t)1767225600000)
/* A facility that produced nothing (tokens of consultation). */
#define ET_NOWHERE "Struttura di prova^^^^^&2.16.840.1.113883.2.9.4.1.3&ISO^^^^999999"

typedef struct et_node {
    char dir[PATH_MAX];
    char db[PATH_MAX + 16];
    char key[PATH_MAX + 16];
    fse_gateway *gw;
    fse_eds *eds;
    void *extra;           /* what et_extra_start added */
    fse_eds_opts eds_opts; /* as given to fse_eds_new (strings are the node's) */
    fse_http_server *srv;
    uint16_t port;
    fse_store *store; /* the test's own handle on the same database */
} et_node;

typedef struct et_fixture {
    char dir[PATH_MAX];
    char ca_path[PATH_MAX + 16];
    fse_jwt_testca *ca;
    fse_jwt_cred *signer;
    fse_catalog *catalog;
    et_node node;
    /* The hook wrapper hands this document's jobs a CDA whose first
     * templateId names no mapped type ("" none). */
    char break_unique_id[200];
    uint64_t next_index;
} et_fixture;

extern et_fixture et;
extern _Atomic int64_t et_now_ms;

/* Set before et_setup to add services and routes to the node before its
 * server starts, and to free them after it stopped. */
extern void (*et_extra_start)(et_node *n, const char *ca_path);
extern void (*et_extra_stop)(et_node *n);

int et_setup(void **state);
int et_teardown(void **state);
/* The clock of the node, for services added to it. */
int64_t et_clock(void *ud);

/* ---- Documents ---------------------------------------------------------- */

typedef struct et_doc {
    fse_gen_meta meta;
    uint8_t *cda;
    size_t cda_len;
    uint8_t *pdf;
    size_t pdf_len;
    char wii[300]; /* of its publication */
} et_doc;

/* A generated document of type; with patient_cf, the document is about
 * that patient instead (its codice fiscale replaced everywhere). */
void et_doc_new(et_doc *d, fse_doc_type type, const char *patient_cf);
void et_doc_free(et_doc *d);

/* POST /v1/documents/validate-and-create; 201/202 expected; d->wii set. */
void et_publish(et_doc *d);
/* PUT /v1/documents/validate-and-replace/{old}: d replaces old. */
void et_replace(et_doc *d, const et_doc *old);
/* PUT /v1/documents/{id}/metadata with a JSON body; d->wii set. */
void et_update(et_doc *d, const char *json_body);
/* DELETE /v1/documents/{id}. */
void et_delete(const et_doc *d);
/* Run every due outbox job on this thread; how many ran. */
size_t et_outbox(void);
/* The status of the first event of type in the workflow wii (NULL: none;
 * static buffer). */
const char *et_event_status(const char *wii, const char *type);

/* ---- Consultation (READ token pairs; a facility that produced nothing) --- */

typedef struct et_who {
    const char *sub;
    const char *role;
    const char *purpose;
    const char *patient;
} et_who;

/* GET path with who's READ pair; the status, and the parsed body in *json
 * (caller decrefs; NULL when not JSON). */
int et_get(const et_who *who, const char *path, json_t **json);
/* PUT path with body (JSON text) as who; the status. */
int et_put(const et_who *who, const char *path, const char *body);

/* A valid codice fiscale for test person i. */
void et_cf(char out[17], unsigned i);

#endif /* FSE_TEST_ET_H */
