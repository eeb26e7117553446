/*
 * lib/eds/eds_int.h - internals shared by the files of the regional
 * clinical store module.
 *
 * Owns the fse_eds structure and the prototypes tying the files together:
 *   eds.c       lifecycle, conversion options, the gateway hook
 *   eds_json.c  JSON without losing decimal text: a bundle split into its
 *               resources, a resource written with its source added
 *   eds_view.c  the derived views: patient summary and resource search
 * The public API is fse/eds.h; docs/fhir.md "Regional store".
 */
#ifndef FSE_EDS_INT_H
#define FSE_EDS_INT_H

#include <pthread.h>

#include "fse/eds.h"
#include "fse/store_eds.h"
#include "fse/util.h"

#define FSE_EDS_MODULE "eds"

struct fse_eds {
    fse_eds_opts opts; /* strings below are the copies */
    char *store_path;
    char *master_key_path;
    char *tz_offset;
    /* The hook's store handle: one, lent to one caller at a time. */
    fse_store *store;
    pthread_mutex_t store_lock;
};

/* Longest resource type or JSON member name handled. */
#define EDS_MAX_NAME 64u
/* Longest number text copied (a FHIR decimal has at most 18 digits, plus
 * sign, point and exponent). */
#define EDS_MAX_NUMBER 64u
/* Most nesting of a resource (fse/json.h's writer goes to 64). */
#define EDS_MAX_DEPTH 60

/* One resource of a bundle: its type and exact JSON (borrowed). */
typedef fse_err (*eds_resource_fn)(void *ctx, const char *type, const char *json, size_t len);

/* Call fn for every entry.resource of a Bundle, in order, with the JSON of
 * the resource as the converter wrote it (compact, numbers as their text).
 * FSE_E_PARSE for malformed JSON or a resource without a resourceType. */
fse_err fse_eds__split(const char *bundle, size_t len, eds_resource_fn fn, void *ctx);

/* The replaced document a new version's Composition and DocumentReference
 * name in relatesTo (code replaces): its identifier, system and value. */
typedef struct eds_relates {
    const char *system; /* "urn:oid:<root>" */
    const char *value;  /* the extension of the uniqueId */
} eds_relates;

/* fse_eds__split, and the bundle written again into edited with rel added
 * to the relatesTo of its Composition and DocumentReference (appended to
 * the converter's own relatesTo when there is one); fn sees the resources
 * as edited. */
fse_err fse_eds__split_relates(const char *bundle, size_t len, eds_resource_fn fn, void *ctx,
                               const eds_relates *rel, fse_buf *edited);

/* Write the resource json into w with meta.source = source and, when tag is
 * given, that tag added to meta.tag (other members kept as they are). */
fse_err fse_eds__write_resource(fse_json *w, const char *json, size_t len, const char *source,
                                const fse_eds_tag *tag);

/* FNV-1a 64 of a string: conversion seeds and view ids. */
uint64_t fse_eds__fnv(const char *s, uint64_t basis);

#endif /* FSE_EDS_INT_H */
