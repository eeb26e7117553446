/*
 * lib/validate/validate_int.h - internal view of the rules catalog shared by
 * catalog.c (loading) and validator.c (running the pipeline).
 */
#ifndef FSE_VALIDATE_INT_H
#define FSE_VALIDATE_INT_H

#include "fse/cda.h"
#include "fse/schematron.h"
#include "fse/terminology.h"
#include "fse/validate.h"
#include "fse/xml.h"

/* The CDA schemas the Gateway knows, by typeId/@extension. */
#define FSE_CATALOG_N_XSD 2
extern const char *const fse_validate__xsd_extensions[FSE_CATALOG_N_XSD];

struct fse_catalog {
    char *dir;
    fse_xml_schema *xsd[FSE_CATALOG_N_XSD];
    fse_sch_schema *sch[FSE_CDA_DOC_COUNT];
    char *sch_file[FSE_CDA_DOC_COUNT]; /* file name, for reports */
    size_t n_sch;
    fse_terminology *terminology; /* NULL when skipped */
    double ms_xsd;
    double ms_schematron;
    double ms_terminology;
};

uint64_t fse_validate__now_ns(void);

/* Report building (report.c). */
fse_err fse_validate__add_failure(fse_report *r, bool warning, fse_failure_kind kind,
                                  const char *rule, const char *location, const char *message);
fse_err fse_validate__set_message(fse_report *r, const char *message);

#endif /* FSE_VALIDATE_INT_H */
