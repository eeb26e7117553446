/*
 * lib/cda/cda_int.h - internal helpers shared by the files of the cda module.
 *
 * Owns the NULL-tolerant tree accessors used by header extraction, the
 * link hash and the maggior tutela detector, the findings append helper, the
 * SHA-256 wrapper and the bound of the tutela rule table. The public
 * API is in include/fse/cda.h; no other module includes this header.
 */
#ifndef FSE_CDA_INT_H
#define FSE_CDA_INT_H

#include <libxml/tree.h>

#include "fse/cda.h"

/* Module name for fse_error_set. */
#define FSE_CDA_MODULE "cda"

/* Longest detail message built for one finding. */
#define FSE_CDA_DETAIL_MAX 512

/* First child element named local (any namespace); NULL when n is NULL. */
xmlNode *fse_cda__child(const xmlNode *n, const char *local);
/* Attribute without namespace; NULL when n is NULL or it is absent. */
const char *fse_cda__attr(const xmlNode *n, const char *name);
/* First element named local in document order below and including root,
 * walked without recursion; NULL if none. */
xmlNode *fse_cda__find_first(const xmlNode *root, const char *local);
/* Next element after cur in document order within root (pre-order), or NULL. */
xmlNode *fse_cda__next_in_order(const xmlNode *cur, const xmlNode *root);

/* Append a finding with a printf-built Italian detail. FSE_OK or FSE_E_NOMEM. */
fse_err fse_cda__add(fse_cda_findings *list, fse_cda_rule rule, const char *fmt, ...)
    FSE_PRINTF(3, 4);

/* Most rows of the maggior tutela rule table: the detector sorts an index
 * of the table on the stack per call (cda_tutela.c), so it allocates
 * nothing; cda_tutela_rules.c checks the bound at compile time. */
#define FSE_CDA__TUTELA_MAX_RULES 1024u

/* Raw SHA-256 of len bytes. FSE_OK or FSE_E_CRYPTO. */
fse_err fse_cda__sha256(uint8_t digest[32], const uint8_t *data, size_t len);

#endif /* FSE_CDA_INT_H */
