/*
 * lib/eds/eds_export.h - what the two files of the pseudonymised store
 * share (a narrower header than eds_int.h, docs/style.md): the run that
 * walks the current, visible bundles and pseudonymises their resources
 * (eds_export.c), and the hook the aggregate counts (eds_count.c) see each
 * written resource through.
 */
#ifndef FSE_EDS_EXPORT_H
#define FSE_EDS_EXPORT_H

#include "eds_int.h"

#include <yajl/yajl_tree.h>

/* A pseudonym or keyed id: hex of HMAC-SHA256, the longest FHIR id. */
#define EDS_PSEUDO_LEN 64u

/* Sees each written resource as stored (before rewriting) with the
 * patient's pseudonym; any code but FSE_OK stops the run. */
typedef fse_err (*eds_tree_fn)(void *ud, const char *type, yajl_val res, const char *patient);

/* fse_eds_export with fn and tfn both optional. */
fse_err fse_eds__export_run(fse_eds_export_stats *stats_out, fse_store *s,
                            const fse_eds_export_opts *o, fse_eds_export_fn fn, eds_tree_fn tfn,
                            void *ud);

#endif /* FSE_EDS_EXPORT_H */
