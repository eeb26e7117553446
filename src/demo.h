/*
 * src/demo.h - the parts of `fse demo` shared between its files: the
 * options, and the node with its directory.
 *
 * src/cmd_demo.c owns the options, the documents, the publishing clients,
 * the summary and the waiting; src/demo_node.c owns the node directory
 * (key, store, test PKI, config file, log) and starting and stopping the
 * gateway and server in-process.
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
#include "fse/gateway.h"
#include "fse/http.h"
#include "fse/jwt.h"

typedef struct demo_args {
    const char *dir;
    long count;
    long port;
    uint64_t seed;
    long clients;
    bool no_wait;
    const char *rules;
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
    DEMO_P_N
};

/* The node and its directory. */
typedef struct demo_node {
    char dir[PATH_MAX]; /* absolute */
    char path[DEMO_P_N][PATH_MAX + 64];
    fse_config cfg;
    fse_jwt_cred *signer;
    FILE *log;
    fse_gateway *gw;
    fse_eds *eds; /* the regional clinical store: the gateway's FHIR hook */
    fse_http_server *srv;
    uint16_t port;
    char base_url[64]; /* http://127.0.0.1:<port>/v1 */
    char host[32];     /* 127.0.0.1:<port> */
    uint64_t first_index;
    bool reused;
} demo_node;

/*
 * Create (or reuse) the node directory of a->dir: the master key, the test
 * PKI (signer loaded into n->signer), the log file, and the configuration
 * in effect (n->cfg). false after printing the error.
 */
bool demo_node_prepare(demo_node *n, const demo_args *a, int64_t now);

/* Start the gateway (with its outbox worker) and the server on 127.0.0.1
 * and port (0: a free one), the audience being the bound base URL, and
 * write fse.conf. false after printing the error. */
bool demo_node_listen(demo_node *n, long port);

/* Stop the worker and the server and free them (and the signer, log).
 * The server is stopped immediately: shut it down gracefully first. */
void demo_node_free(demo_node *n);

/* Write len bytes of text to path with mode; false after printing the error. */
bool demo_write_file(const char *path, const void *data, size_t len, unsigned mode);

#endif /* FSE_TOOL_DEMO_H */
