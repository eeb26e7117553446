/*
 * tests/policy/pt_fhir.h - what the files of the FHIR conformance suite
 * (test_policy_fhir.c, test_policy_fhir_params.c) share: the node's
 * documents, the fixture, the checks of FHIR answers and the search
 * helpers.
 */
#ifndef FSE_TEST_PT_FHIR_H
#define FSE_TEST_PT_FHIR_H

#include "pt_curl.h"

#define FHIR_JSON "application/fhir+json; charset=utf-8"
/* 25 documents, then a new version of document 0 (which it supersedes). */
#define N_ORIG 25
#define N_DOCS (N_ORIG + 1)
#define N_CURRENT (N_DOCS - 1)

typedef struct fdoc {
    char id[FSE_STORE_ID_LEN];
    char unique[96];
    char created[15];
    const char *loinc;
    const char *category;
    const char *facility;
    const char *author; /* CF */
    int institution;    /* pt_locality */
    bool current;
} fdoc;

typedef struct fh_fixture {
    pt_serve s;
    char cf[17];
    char author_a[17];
    char author_b[17];
    fdoc docs[N_DOCS];
} fh_fixture;

extern fh_fixture f;

/* The content type of FHIR answers, and a JSON body. */
void fh_expect_json(const pt_curl_out *o, const char *what);
/* An OperationOutcome with this status and issue code (NULL: any). */
void fh_expect_outcome(const pt_curl_out *o, int status, const char *code, const char *what);
/* GET path with the patient's tokens. */
void fh_get(pt_curl_out *o, const char *path);
/* The search path of the patient with a query suffix ("&..." or ""). */
void fh_search_path(char *out, size_t cap, const char *query);
/* Follow a search through its next links; the documents in order into
 * order[] (returns how many; total must equal it). */
int fh_search_all(const char *first, int *order, int cap, int *pages_out);

typedef bool (*fh_doc_pred)(const fdoc *d, const void *arg);
/* The search with query gives exactly the documents pred selects. */
void fh_expect_set(const char *query, fh_doc_pred pred, const void *arg);

/* test_policy_fhir_params.c */
void fh_test_date_prefixes(void **state);
void fh_test_parameters(void **state);
void fh_test_strict_and_lenient(void **state);

#endif /* FSE_TEST_PT_FHIR_H */
