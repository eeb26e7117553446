/*
 * lib/fhir/fhir_check_int.h - helpers shared by the two bundle checks
 * (fhir_check.c, fhir_reach.c): loading the JSON with jansson and appending
 * issues. No other module includes this header.
 */
#ifndef FSE_FHIR_CHECK_INT_H
#define FSE_FHIR_CHECK_INT_H

#include <jansson.h>

#include "fse/fhir.h"

/* Parse a Bundle (object with resourceType Bundle and an entry array).
 * FSE_OK, FSE_E_PARSE, FSE_E_ARG. */
fse_err fhir_check_load(json_t **out, const char *json, size_t len);
/* Append an issue with a printf-built message. FSE_OK or FSE_E_NOMEM. */
fse_err fhir_issue_add(fse_fhir_issues *list, fse_fhir_issue_kind kind, const char *where,
                       const char *fmt, ...) FSE_PRINTF(4, 5);

#endif /* FSE_FHIR_CHECK_INT_H */
