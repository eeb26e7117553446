/*
 * tests/mutation/mutation.h - the mutation table: one row per single-fault
 * edit of an official valid sample and the verdict it must produce. The
 * rows are in mutation_rows.c; test_mutation.c applies and checks them.
 */
#ifndef MUTATION_H
#define MUTATION_H

#include <stddef.h>

#include "fse/validate.h"

typedef enum mut_op {
    MUT_REMOVE,           /* unlink every matched node (element or attribute) */
    MUT_SET_ATTR,         /* set attribute name = value on every matched element */
    MUT_APPEND_XML,       /* parse value in the context of the first match, append it */
    MUT_REVERSE_INTERVAL, /* replace the matched time by an IVL_TS whose high < low */
    MUT_DEFAULT_NS        /* point the default namespace declared on the match at value */
} mut_op;

/* What a row breaks; each group is one named test. */
typedef enum mut_group {
    G_SECTION,     /* mandatory section (or section content) missing */
    G_DOC_LOINC,   /* ClinicalDocument/code of another document type */
    G_VOCAB_CODE,  /* a code not in a managed code system */
    G_VOCAB_VER,   /* a codeSystemVersion the dictionary does not manage */
    G_INTERVAL,    /* effectiveTime high before low */
    G_CF,          /* malformed codice fiscale of the patient */
    G_NAMESPACE,   /* wrong namespace on the root */
    G_TYPE_ID,     /* typeId/@extension without a schema */
    G_TEMPLATE_ID, /* first templateId/@root without a schematron */
    G_NO_TEMPLATE, /* templateId removed */
    G_XSD          /* element, attribute or value the CDA schema refuses */
} mut_group;

typedef struct mutation {
    mut_group group;
    const char *type;   /* samples/<type>/valid/ */
    const char *sample; /* file name in that directory */
    const char *xpath;  /* nodes to edit; prefix hl7 = urn:hl7-org:v3 */
    mut_op op;
    const char *name;      /* attribute name for MUT_SET_ATTR */
    const char *value;     /* value, XML fragment or namespace URI */
    fse_outcome outcome;   /* expected outcome */
    fse_failure_kind kind; /* kind of the expected failure */
    const char *label;     /* schematron label, compared exactly; NULL: any rule */
    const char *message;   /* fragment of the failure message, or NULL */
    const char *detail;    /* second fragment of the same message, or NULL */
} mutation;

/* The table and its length. */
extern const mutation mut_rows[];
extern const size_t mut_n_rows;

#endif /* MUTATION_H */
