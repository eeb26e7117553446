/*
 * include/fse/store_eds.h - the regional clinical store (UA-R) part of the
 * node's store: the FHIR R4 Bundle converted from each published document,
 * and its resources indexed by type, kept beside the document and sealed
 * with the document's own data key (eds-fhir §1.2, §7).
 *
 * Owns the interface of the bundle rows (one per document uniqueId: put,
 * supersede, delete, get, list a patient's) and of the resource rows (the
 * entries of a bundle, one row each, found by document and resource type).
 * Kept in its own header beside fse/store.h: the same handle, the same
 * transaction rules, the same at-rest model. Does not own the conversion
 * (fse/fhir.h), when it runs (fse/eds.h, the gateway's outbox) or who may
 * read what (lib/consult: every derived view is filtered per source
 * document by the consultation policy before these rows are read).
 *
 * At rest: a bundle, its resources and the reason a conversion failed are
 * sealed (AES-256-GCM) with the data key of their document; the associated
 * data names the document id, the uniqueId, the patient's keyed reference
 * and, for a resource, its position and type, so a value moved to another
 * row or a changed plain column fails to open (FSE_E_CRYPTO). The plain
 * columns are the uniqueId, the document id, the patient's keyed reference,
 * the status and the resource types. Deleting the document wipes its data
 * key, so what was derived from it cannot be opened any more even before
 * fse_store_eds_delete removes the rows (secure_delete overwrites them).
 *
 * Threading: as fse/store.h (one handle per thread).
 */
#ifndef FSE_STORE_EDS_H
#define FSE_STORE_EDS_H

#include "fse/common.h"
#include "fse/error.h"
#include "fse/store.h"

/* State of a document's bundle. Never renumbered. */
typedef enum fse_store_eds_status {
    FSE_STORE_EDS_CURRENT = 1,    /* the document is the current version */
    FSE_STORE_EDS_SUPERSEDED = 2, /* the document was replaced: only shared entities kept */
    FSE_STORE_EDS_FAILED = 3      /* not converted: the reason is kept instead of a bundle */
} fse_store_eds_status;

/* Bit of a status in a status mask. */
#define FSE_STORE_EDS_BIT(s) (1u << (unsigned)(s))

/* Largest bundle kept (fse/fhir.h FSE_FHIR_MAX_BUNDLE_BYTES). */
#define FSE_STORE_EDS_MAX_BUNDLE_BYTES (16u * 1024u * 1024u)
/* Most resources one bundle may hold (fse/fhir.h FSE_FHIR_MAX_ENTRIES). */
#define FSE_STORE_EDS_MAX_RESOURCES 20000u
/* Longest resource type name ("MedicationAdministration" is 24). */
#define FSE_STORE_EDS_MAX_TYPE 64u

/* One resource of a bundle, as input of fse_store_eds_put (borrowed) and as
 * output of fse_store_eds_resources (owned by the list). */
typedef struct fse_store_eds_resource {
    size_t seq;       /* position in the bundle (0-based); set by the store on input */
    const char *type; /* resourceType [plain] */
    const char *json; /* the resource as JSON [sealed]; NUL-terminated on output */
    size_t json_len;
} fse_store_eds_resource;

/*
 * Keep the bundle of document unique_id, replacing whatever was kept for it
 * (a job that runs twice leaves one bundle). The document must exist and
 * not be deleted; the bundle takes the patient of the document and a status
 * from the document's: approved -> CURRENT, deprecated -> SUPERSEDED.
 * resources are the bundle's entries split by the caller (the store does
 * not parse JSON); bundle and resources are sealed with the document's key.
 * @return FSE_OK; FSE_E_ARG; FSE_E_LIMIT (over FSE_STORE_EDS_MAX_BUNDLE_BYTES or
 *         FSE_STORE_EDS_MAX_RESOURCES, a type over FSE_STORE_EDS_MAX_TYPE);
 *         FSE_E_NOT_FOUND (no such document, or deleted); FSE_E_CRYPTO;
 *         FSE_E_DB.
 */
FSE_API fse_err fse_store_eds_put(fse_store *s, const char *unique_id, const char *bundle,
                                  size_t bundle_len, const fse_store_eds_resource *resources,
                                  size_t n_resources, int64_t now_ms);

/*
 * Record that document unique_id could not be converted (a type without a
 * mapping, a CDA the converter refuses): status FAILED with reason (<= 4096
 * bytes, sealed) instead of a bundle; any bundle kept before is removed.
 * Same errors as fse_store_eds_put.
 */
FSE_API fse_err fse_store_eds_put_failed(fse_store *s, const char *unique_id, const char *reason,
                                         int64_t now_ms);

/*
 * The bundle of unique_id was superseded by the newer document by_unique_id
 * (a replacement, eds-fhir §1.2): its resource rows are removed except the
 * shared entities (Patient, Practitioner, Organization, Location), the
 * bundle row becomes SUPERSEDED, n_resources counts what stayed, and its
 * sealed content is a short note instead of the bundle (fse_store_eds_get
 * returns that note as json). A FAILED row stays FAILED and only learns its
 * successor. fse_store_eds_put of a document already deprecated stores it
 * the same way.
 * @return FSE_OK (also when it already was); FSE_E_NOT_FOUND (nothing kept
 *         for unique_id, or its document deleted); FSE_E_ARG; FSE_E_CRYPTO;
 *         FSE_E_DB.
 */
FSE_API fse_err fse_store_eds_supersede(fse_store *s, const char *unique_id,
                                        const char *by_unique_id, int64_t now_ms);

/*
 * Remove the bundle and every resource of unique_id (the document was
 * deleted). FSE_OK also when nothing was kept. *n_out (optional): how many
 * resource rows were removed.
 * @return FSE_OK, FSE_E_ARG, FSE_E_DB.
 */
FSE_API fse_err fse_store_eds_delete(fse_store *s, const char *unique_id, size_t *n_out);

/* A bundle as read back; the record and its strings are one block. */
typedef struct fse_store_eds_bundle {
    const char *unique_id;
    const char *doc_id; /* the document's node id */
    fse_store_eds_status status;
    const char *replaced_by; /* SUPERSEDED: the newer uniqueId, when known */
    size_t n_resources;
    int64_t created_ms, updated_ms;
    /* fse_store_eds_get only (NULL in lists): the bundle JSON, the reason
     * when FAILED, a note when SUPERSEDED; NUL-terminated */
    const char *json;
    size_t json_len;
    struct fse_store_arena *arena_;
} fse_store_eds_bundle;

/*
 * The bundle kept for unique_id, opened and checked.
 * @param[out] out  caller frees with fse_store_eds_bundle_free
 * @return FSE_OK; FSE_E_NOT_FOUND (nothing kept, or the document was
 *         deleted); FSE_E_CRYPTO (changed bytes or columns, wrong key); FSE_E_DB.
 */
FSE_API fse_err fse_store_eds_get(fse_store_eds_bundle **out, fse_store *s, const char *unique_id);

FSE_API void fse_store_eds_bundle_free(fse_store_eds_bundle *b);

/* The bundles of a patient (without content), newest first. */
typedef struct fse_store_eds_list {
    size_t n;
    fse_store_eds_bundle *items; /* json NULL */
    struct fse_store_arena *arena_;
} fse_store_eds_list;

/*
 * Bundles kept for a patient (CF or CX form) with a status in statuses (0:
 * CURRENT only), newest first, at most FSE_STORE_MAX_PATIENT_DOCS.
 * @param[out] out  caller frees with fse_store_eds_list_free
 * @return FSE_OK (possibly empty), FSE_E_ARG, FSE_E_LIMIT, FSE_E_CRYPTO (keyless), FSE_E_DB.
 */
FSE_API fse_err fse_store_eds_list_patient(fse_store_eds_list **out, fse_store *s,
                                           const char *patient_id, unsigned statuses);

/* Default and largest page of fse_store_eds_list_all. */
#define FSE_STORE_EDS_PAGE 1000u
#define FSE_STORE_EDS_MAX_PAGE 10000u

/*
 * One page of every bundle kept with a status in statuses (0: CURRENT
 * only), in uniqueId order (byte order), starting after the uniqueId
 * `after` (NULL or "": from the first), at most max (0: FSE_STORE_EDS_PAGE;
 * over FSE_STORE_EDS_MAX_PAGE is FSE_E_ARG). The next page starts after
 * the last item's unique_id; a page shorter than max is the last. Plain
 * columns only: works on a keyless handle.
 * @param[out] out  caller frees with fse_store_eds_list_free
 * @return FSE_OK (possibly empty), FSE_E_ARG, FSE_E_UNSUPPORTED, FSE_E_DB.
 */
FSE_API fse_err fse_store_eds_list_all(fse_store_eds_list **out, fse_store *s, unsigned statuses,
                                       const char *after, size_t max);

FSE_API void fse_store_eds_list_free(fse_store_eds_list *l);

/* Resources read back, in bundle order. */
typedef struct fse_store_eds_resource_list {
    size_t n;
    fse_store_eds_resource *items;
    bool truncated; /* more matched than max */
    struct fse_store_arena *arena_;
} fse_store_eds_resource_list;

/*
 * The resources of document unique_id whose type is one of types (n_types 0:
 * every type), in bundle order, at most max (0: FSE_STORE_EDS_MAX_RESOURCES),
 * each opened and checked. The document must not be deleted.
 * @param[out] out  caller frees with fse_store_eds_resource_list_free; an
 *                  empty list when nothing was converted for the document
 * @return FSE_OK; FSE_E_ARG; FSE_E_NOT_FOUND (no such document, or deleted);
 *         FSE_E_CRYPTO; FSE_E_DB.
 */
FSE_API fse_err fse_store_eds_resources(fse_store_eds_resource_list **out, fse_store *s,
                                        const char *unique_id, const char *const *types,
                                        size_t n_types, size_t max);

FSE_API void fse_store_eds_resource_list_free(fse_store_eds_resource_list *l);

#endif /* FSE_STORE_EDS_H */
