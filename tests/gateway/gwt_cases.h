/*
 * tests/gateway/gwt_cases.h - the table-driven endpoint tests' shared part:
 * the case row, the runner and the edits and checks used by more than one
 * endpoint table (gwt_test_endpoints.c, gwt_test_manage.c).
 */
#ifndef FSE_TEST_GWT_CASES_H
#define FSE_TEST_GWT_CASES_H

#include "gwt.h"

/* Another valid codice fiscale: never the patient of the documents. */
#define OTHER_CF GWT_USER_CF
#define OTHER_ID "2.16.840.1.113883.2.9.2.120.4.4^NON-ESISTE-42"

typedef struct ep_case {
    const char *name;
    void (*doc)(gwt_doc *d);                 /* edit the document first */
    bool no_pre;                             /* skip the baseline's preconditions */
    void (*mutate)(gwt_call *c, gwt_doc *d); /* edit the call */
    int status;
    const char *type; /* NULL: a success body */
    void (*check)(const gwt_resp *r, const gwt_doc *d);
} ep_case;

/* The baseline of an endpoint: build the standard call for d. */
typedef void (*baseline_fn)(gwt_call *c, gwt_doc *d, const ep_case *k);

/* Run the cases of one endpoint: fresh document, baseline call, edits,
 * expected status and type, audit record with the right outcome. */
void gwt_run_cases(const char *endpoint, const ep_case *cases, size_t n, baseline_fn base);

/* Edit one member of the call's requestBody (value NULL: removed). */
void gwt_body_set(gwt_call *c, const char *key, json_t *value);
/* Re-sign the signature token of op for d with claim key set (NULL: removed). */
void gwt_sig_set(gwt_call *c, fse_jwt_op op, const gwt_doc *d, const char *key, json_t *value);

/* Claims edits per operation, for the validation, create and replace calls. */
#define SIG_EDIT(fn, op, key, value)                                                               \
    static void fn(gwt_call *c, gwt_doc *d)                                                        \
    {                                                                                              \
        gwt_sig_set(c, op, d, key, value);                                                         \
    }

/* Call edits. */
void gwt_no_auth(gwt_call *c, gwt_doc *d);
void gwt_no_tokens(gwt_call *c, gwt_doc *d);
void gwt_path_absent(gwt_call *c, gwt_doc *d);
void gwt_path_no_caret(gwt_call *c, gwt_doc *d);
void gwt_class_mismatch(gwt_call *c, gwt_doc *d);
void gwt_struttura_missing(gwt_call *c, gwt_doc *d);
void gwt_date_malformed(gwt_call *c, gwt_doc *d);

/* Answer checks. */
void gwt_check_wii(const gwt_resp *r, const gwt_doc *d);
void gwt_check_person_instance(const gwt_resp *r, const gwt_doc *d);
void gwt_check_type_instance(const gwt_resp *r, const gwt_doc *d);
void gwt_check_req_id_instance(const gwt_resp *r, const gwt_doc *d);

/* The standard validation call of d (the validation table's baseline). */
void gwt_base_validation(gwt_call *c, gwt_doc *d, const ep_case *k);

#endif /* FSE_TEST_GWT_CASES_H */
