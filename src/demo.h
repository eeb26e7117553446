/*
 * src/demo.h - the parts of `fse demo` shared between its files: the
 * options, the node with its directory, the demo's people and their
 * identity provider.
 *
 * src/cmd_demo.c owns the options, the documents, the publishing clients,
 * the summary and the waiting; src/demo_node.c owns the node directory
 * (key, store, test PKI, config file, log) and starting and stopping the
 * gateway, the consultation service and the server in-process;
 * src/demo_idp.c owns the demo identity provider (/demo/idp/...) and the
 * JSON form of the people; src/demo_consult.c owns the consultation state
 * the demo seeds, the choice of its people and the consultation curl files;
 * src/demo_monitor.c owns the history `--regions N --quarters Q` adds for
 * the adoption dashboard and the dashboard's routes on the demo's server.
 */
#ifndef FSE_TOOL_DEMO_H
#define FSE_TOOL_DEMO_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <stdio.h>

#include "fse/config.h"
#include "fse/eds.h"
#include "fse/consult.h"
#include "fse/gateway.h"
#include "fse/http.h"
#include "fse/jwt.h"
#include "fse/monitor.h"
#include "fse/util.h"
#include "fse/web.h"

typedef struct demo_args {
    const char *dir;
    long count;
    long port;
    uint64_t seed;
    long clients;
    bool no_wait;
    const char *rules;
    long regions;  /* --regions: monitoring data for this many regions (0: none) */
    long quarters; /* --quarters: over this many quarters up to now's */
} demo_args;

/* Paths of the node directory (demo_node.path). */
enum {
    DEMO_P_KEY,
    DEMO_P_DB,
    DEMO_P_CONF,
    DEMO_P_PKI,
    DEMO_P_LOG,
    DEMO_P_NEXT,
    DEMO_P_CURL,
    DEMO_P_PEOPLE,
    DEMO_P_N
};

/* ---- The demo's people ------------------------------------------------- */

/* Who a person of the demo is; each kind logs in with one role and purpose
 * (demo_kind_role, demo_kind_purpose). demo-people.json holds the names
 * (demo_kind_name), never the numbers. */
typedef enum demo_kind {
    DEMO_K_PATIENT = 0, /* ASS, PERSONAL */
    DEMO_K_GP,          /* APR, TREATMENT: MMG of every patient of the demo */
    DEMO_K_DELEGATE,    /* ING, PERSONAL: delegate of one patient */
    DEMO_K_PARENT,      /* GEN, PERSONAL: parent of one minor patient */
    DEMO_K_SPECIALIST,  /* AAS, TREATMENT: works where documents were produced */
    DEMO_K_NURSE,       /* INF, TREATMENT: same facility */
    DEMO_K_PHARMACIST,  /* FAR, TREATMENT: a pharmacy */
    DEMO_K_N
} demo_kind;

/* "patient", "gp", ...; role "ASS", ...; purpose "PERSONAL", ... (static). */
const char *demo_kind_name(demo_kind k);
const char *demo_kind_role(demo_kind k);
const char *demo_kind_purpose(demo_kind k);

/* Most people in the login list: a few patients and the professionals. */
#define DEMO_MAX_PEOPLE 16
/* Region of every person and of the registry records. */
#define DEMO_REGION "120"

/* One person of the login list. Strings are "" when not applicable. */
typedef struct demo_person {
    demo_kind kind;
    char cf[17];
    char name[96];
    char gender[2];     /* patients: "M" or "F" */
    char birth_date[9]; /* patients: yyyyMMdd */
    char locality[160]; /* professionals: facility XON put in their tokens */
    char patient[17];   /* delegate, parent: the patient they act for */
    bool consent_cura;  /* patients: the cura consent as the demo seeded it */
} demo_person;

typedef struct demo_people {
    demo_person items[DEMO_MAX_PEOPLE];
    size_t n;
} demo_people;

/* Age in whole years at now_s (seconds) of a yyyyMMdd birth date; -1 when
 * it is not one. */
int demo_age(const char *birth_date, int64_t now_s);

/* The people as the JSON of GET /demo/idp/people (ages at now_s). */
fse_err demo_people_to_json(fse_buf *out, const demo_people *p, int64_t now_s);

/* Read the JSON of demo_people_to_json back (unknown members ignored, bad
 * entries skipped). false when it is not that JSON. */
bool demo_people_from_json(demo_people *p, const uint8_t *data, size_t len);

/* ---- The demo identity provider (src/demo_idp.c) ------------------------ */

/* Stands in for SPID/CIE: issues the consultation token pair (op READ) of
 * anyone who asks, signed with the demo's signer. Only `fse demo` has it.
 * Thread-safe after demo_idp_routes. */
typedef struct demo_idp demo_idp;

/* signer is borrowed (must outlive the IdP); audience is copied. */
fse_err demo_idp_new(demo_idp **out, const fse_jwt_cred *signer, const char *audience);

/* POST /demo/idp/token and GET /demo/idp/people. idp must outlive srv. */
fse_err demo_idp_routes(demo_idp *idp, fse_http_server *srv);

/* Replace the people listed (copied; safe while the server runs). */
void demo_idp_set_people(demo_idp *idp, const demo_people *p);

/* The provider as the web pages' login (an fse_web_idp_fn; ud is the
 * demo_idp): the same checks and pair as POST /demo/idp/token. */
fse_err demo_idp_web_login(void *ud, fse_http_req *req, const fse_web_login *login, char **auth_out,
                           char **sig_out, int64_t *ttl_s_out);

/* NULL: no-op. The server must have been stopped first. */
void demo_idp_free(demo_idp *idp);

/* The node and its directory. */
typedef struct demo_node {
    char dir[PATH_MAX]; /* absolute */
    char path[DEMO_P_N][PATH_MAX + 64];
    fse_config cfg;
    fse_jwt_cred *signer;
    FILE *log;
    fse_gateway *gw;
    fse_eds *eds; /* the regional clinical store: the gateway's FHIR hook */
    fse_consult *cs;
    demo_idp *idp;
    fse_web *web;     /* the web pages and their sessions (lib/web) */
    bool web_pages;   /* the pages of web/ are served */
    fse_monitor *mon; /* the adoption indicators under /monitor/v1 (lib/monitor) */
    fse_http_server *srv;
    uint16_t port;
    char base_url[64]; /* http://127.0.0.1:<port>/v1 */
    char host[32];     /* 127.0.0.1:<port> */
    uint64_t first_index;
    bool reused;
    demo_people people; /* the login list (demo-people.json of an earlier run, then seeded) */
} demo_node;

/*
 * Create (or reuse) the node directory of a->dir: the master key, the test
 * PKI (signer loaded into n->signer), the log file, and the configuration
 * in effect (n->cfg). false after printing the error.
 */
bool demo_node_prepare(demo_node *n, const demo_args *a, int64_t now);

/* Start the gateway (with its outbox worker), the consultation service,
 * the demo identity provider and the server on 127.0.0.1 and port (0: a
 * free one), the audience being the bound base URL, and write fse.conf.
 * false after printing the error. */
bool demo_node_listen(demo_node *n, long port);

/* Stop the worker and the server and free them, the consultation service
 * and the identity provider (and the signer, log).
 * The server is stopped immediately: shut it down gracefully first. */
void demo_node_free(demo_node *n);

/* Write len bytes of text to path with mode; false after printing the error. */
bool demo_write_file(const char *path, const void *data, size_t len, unsigned mode);

/* ---- Consultation state (src/demo_consult.c) ---------------------------- */

/* A patient of a published document, as the generator made them. */
typedef struct demo_patient {
    char cf[17];
    char name[96];
    char gender[2];
    char birth_date[9]; /* yyyyMMdd */
    char locality[160]; /* XON of the facility that produced the document */
    bool published;     /* the document was published */
} demo_patient;

/*
 * After publishing: a registry record for every patient of docs[0..n)
 * published (birth date, region, the demo GP), the cura consent for about
 * 80% of those without any consent act (chosen by seed), a delegate for one
 * patient and a parent for one minor unless the demo's delegate and parent
 * already act for someone, all in one transaction on a store handle of the
 * node's config; then the login list (n->people, demo-people.json, the
 * IdP), and two lines of summary on stdout. false after printing the error.
 */
bool demo_consult_seed(demo_node *n, const demo_patient *docs, size_t n_docs, uint64_t seed,
                       int64_t now_s);

/* Load demo-people.json of an earlier run into n->people (absent: none). */
void demo_consult_load_people(demo_node *n);

/* curl/citizen.{auth,sig} and curl/gp.{auth,sig}: a patient's and the GP's
 * consultation tokens (24 hours), and print the two searches. */
bool demo_consult_curl(const demo_node *n, int64_t iat);

/* ---- Monitoring data (src/demo_monitor.c) ------------------------------ */

/* With a->regions > 0: a history of a->regions regions over a->quarters
 * quarters up to now_ms's (registry, consents, documents, enabled
 * professionals, backdated audit records, and the last 90 days' status
 * events and validation counters) for the dashboard, once per node
 * directory. false after printing the error. */
bool demo_monitor_seed(demo_node *n, const demo_args *a, int64_t now_ms);

/* The indicators' routes on n->srv (n->mon, keyless on the node's store);
 * freed by demo_monitor_free after the server. */
fse_err demo_monitor_routes(demo_node *n);
void demo_monitor_free(demo_node *n);

#endif /* FSE_TOOL_DEMO_H */
