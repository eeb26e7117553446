/*
 * include/fse/fhir.h - CDA R2 -> FHIR R4 conversion as the Gateway FSE 2.0
 * does it (eds-fhir §2), and the checks of the EDS data-quality step (§4).
 *
 * Owns: the transaction Bundle built from a CDA of the ten mapped document
 * types (shared header once, per-type section tables), its JSON (written by
 * the util JSON writer, decimal text kept as in the CDA), the DocumentReference
 * enrichment from the publication metadata (§2.5), the identifier-system
 * choices where the official mappings disagree (§2.6), the structural R4
 * check and the reachability check from the DocumentReference.
 * Does not own: XML parsing (fse/xml.h), PDF extraction (fse/pdf.h),
 * validation of the CDA (fse/validate.h), storing or serving FHIR resources.
 *
 * Threading: every function is reentrant; nothing is shared between calls.
 */
#ifndef FSE_FHIR_H
#define FSE_FHIR_H

#include <libxml/tree.h>

#include "fse/common.h"
#include "fse/error.h"

/* Largest Bundle JSON produced (the biggest official example is ~100 KB). */
#define FSE_FHIR_MAX_BUNDLE_BYTES (16u * 1024u * 1024u)
/* Most memory one conversion may use for its working tree. */
#define FSE_FHIR_MAX_WORK_BYTES (64u * 1024u * 1024u)
/* Most Bundle entries (the biggest official example has 75). */
#define FSE_FHIR_MAX_ENTRIES 20000u

/*
 * Where two official engine versions produce different Bundles from the same
 * CDA, which one to reproduce (lib/fhir/README.md lists the differences).
 */
typedef enum fse_fhir_compat {
    /* The Gateway's engine as of the published examples (2025-10): no names
     * of people or organizations, the census-tract line first. Default. */
    FSE_FHIR_COMPAT_GATEWAY = 0,
    /* The mapping engine's develop benchmark bundle: names of patients,
     * practitioners, organizations and locations, street lines first. */
    FSE_FHIR_COMPAT_ENGINE_2023 = 1
} fse_fhir_compat;

/* System of codice fiscale identifiers (eds-fhir §2.6). */
typedef enum fse_fhir_cf_system {
    FSE_FHIR_CF_OID = 0,  /* urn:oid:2.16.840.1.113883.2.9.4.3.2, the Gateway maps; default */
    FSE_FHIR_CF_HL7IT = 1 /* http://hl7.it/sid/codiceFiscale, the HL7 Italia IGs */
} fse_fhir_cf_system;

/* The conditional URL of shared entities (Patient, Practitioner, ...). */
typedef enum fse_fhir_cond_url {
    FSE_FHIR_COND_VALUE = 0,       /* Type?identifier=<value>, the Gateway; default */
    FSE_FHIR_COND_SYSTEM_VALUE = 1 /* Type?identifier=<system>|<value>, unambiguous */
} fse_fhir_cond_url;

/*
 * Publication metadata the Gateway adds to the DocumentReference (eds-fhir
 * §2.5, ENG DocumentReferenceHelper). All strings are borrowed; NULL: absent.
 */
typedef struct fse_fhir_publication {
    const char *identificativo_doc;      /* masterIdentifier.value: part after '^' */
    const char *tipo_documento_liv_alto; /* category (…2.9.3.3.6.1.5) */
    const char *tipologia_struttura;     /* context.facilityType (…6.1.1) */
    const char *const *atti_clinici;     /* context.event[] (…6.1.3) */
    size_t n_atti_clinici;
    const char *assetto_organizzativo;   /* context.practiceSetting (…6.1.2) */
    const char *data_inizio_prestazione; /* context.period.start, yyyyMMddHHmmss */
    const char *data_fine_prestazione;   /* context.period.end, yyyyMMddHHmmss */
    const char *repository_unique_id;    /* content.attachment.url */
    const char *hash;                    /* hex SHA-256 of the document */
    size_t size;                         /* bytes of the document */
    const char *date;                    /* DocumentReference.date: a FHIR instant */
    const char *tz_offset;               /* offset of the period times, "+01:00"; NULL "Z" */
} fse_fhir_publication;

/* Options of a conversion. Zero-initialised options are the defaults. */
typedef struct fse_fhir_opts {
    fse_fhir_compat compat;
    fse_fhir_cf_system cf_system;
    fse_fhir_cond_url cond_url;
    /* Bundle.timestamp, a FHIR instant; NULL: the element is left out. The
     * library reads no clock. */
    const char *timestamp;
    /* Resource ids are version-4 UUIDs drawn from a generator seeded with
     * this; the same seed and document give the same Bundle. */
    uint64_t seed;
    /* NULL: the stateless transform (as the official examples). */
    const fse_fhir_publication *publication;
} fse_fhir_opts;

/*
 * Convert a CDA into a FHIR R4 transaction Bundle (eds-fhir §2).
 *
 * @param[out] json_out  the Bundle as compact JSON, NUL-terminated; caller
 *                       frees with fse_free
 * @param[out] len_out   its length (may be NULL)
 * @param data, len      CDA XML, or a PDF carrying one (detected by content)
 * @param opts           may be NULL (defaults)
 * @return FSE_OK; FSE_E_PARSE (not XML, not a ClinicalDocument, damaged PDF);
 *         FSE_E_NOT_FOUND (a PDF without a CDA); FSE_E_UNSUPPORTED (a
 *         document type without a mapping); FSE_E_LIMIT; FSE_E_NOMEM;
 *         FSE_E_ARG. The detail is in fse_error_last().
 */
FSE_API fse_err fse_fhir_convert(char **json_out, size_t *len_out, const uint8_t *data, size_t len,
                                 const fse_fhir_opts *opts);

/* The same from a parsed CDA (not modified). */
FSE_API fse_err fse_fhir_convert_doc(char **json_out, size_t *len_out, const xmlDoc *doc,
                                     const fse_fhir_opts *opts);

/* What a check found. */
typedef enum fse_fhir_issue_kind {
    FSE_FHIR_ISSUE_STRUCTURE = 1,     /* R4 structure: required element, type, id, request */
    FSE_FHIR_ISSUE_REFERENCE = 2,     /* a reference whose target is not in the bundle */
    FSE_FHIR_ISSUE_NOT_TRAVERSED = 3, /* data quality: edge or resource not reached */
    /* data quality: not reached because the official mapping writes the
     * reference on a path that is no search parameter (docs/fhir.md, known
     * issues); the Gateway's bundle of the same document has it too */
    FSE_FHIR_ISSUE_KNOWN_MAPPING = 4
} fse_fhir_issue_kind;

typedef struct fse_fhir_issue {
    fse_fhir_issue_kind kind;
    char *where;   /* "Observation/<id>.code", or DQ's "src^target^path" */
    char *message; /* English text */
} fse_fhir_issue;

/* A growable list of issues. Zero-initialise it. */
typedef struct fse_fhir_issues {
    fse_fhir_issue *items;
    size_t n_items;
    size_t cap;
} fse_fhir_issues;

/* Free the items; the list may be reused after zeroing. NULL: no-op. */
FSE_API void fse_fhir_issues_free(fse_fhir_issues *list);

/*
 * Structural R4 check of a transaction Bundle: required elements of every
 * resource type the maps create, primitive formats (id, dateTime, code),
 * fullUrl = https://example/<type>/<id>, request POST <type> or conditional
 * PUT <type>?identifier=..., references resolving to entries of the bundle.
 * Appends to out. Returns FSE_OK (issues are data), FSE_E_PARSE (not JSON or
 * not a Bundle), FSE_E_NOMEM.
 */
FSE_API fse_err fse_fhir_check_structure(fse_fhir_issues *out, const char *json, size_t len);

/*
 * The reachability check of the EDS data-quality step (eds-fhir §4, DQ
 * GraphSRV): a depth-first walk from the DocumentReference following only
 * references whose path is a search-parameter path of the source type; every
 * edge not traversed ("src^target^path") and every resource not reached is an
 * issue: FSE_FHIR_ISSUE_KNOWN_MAPPING when a walk that also follows the paths
 * the official maps are known to use outside the search parameters reaches
 * it (the RAP approach BodyStructure, the authors of RAP List notes),
 * FSE_FHIR_ISSUE_NOT_TRAVERSED otherwise. Appends to out. Returns FSE_OK,
 * FSE_E_PARSE, FSE_E_NOMEM.
 */
FSE_API fse_err fse_fhir_check_reachability(fse_fhir_issues *out, const char *json, size_t len);

#endif /* FSE_FHIR_H */
