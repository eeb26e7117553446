/*
 * include/fse/terminology.h - the code-system tables of the national FSE
 * validator and its vocabulary step (outcome 02 VOCABULARY_ERROR).
 *
 * Owns loading the catalog's Mongo dump (terminology/mongo-dump/
 * dictionary.json.gzip and terminology.json.gzip under the rules catalog
 * root) into an immutable in-memory index, exact code membership, and the
 * vocabulary check of a parsed CDA as specs/vocabulary-rules.md describes it.
 * Does not own XML parsing (fse/xml.h), the decision whether the step runs at
 * all (rule 1: only after an OK or SEMANTIC_WARNING outcome, never for the
 * `TS` system; that is the validator's job) nor the report built from the
 * result.
 */
#ifndef FSE_TERMINOLOGY_H
#define FSE_TERMINOLOGY_H

#include <libxml/tree.h>

#include "fse/common.h"
#include "fse/error.h"

/*
 * The loaded tables. Immutable after fse_terminology_load: one instance may
 * be shared read-only by any number of threads.
 */
typedef struct fse_terminology fse_terminology;

/*
 * Load the dictionary and terminology dumps found under
 * <catalog_dir>/terminology/mongo-dump/. Documents with `deleted` other than
 * false are skipped, as the validator's Mongo queries do.
 *
 * @param[out] out       the tables; free with fse_terminology_free.
 * @param catalog_dir    the rules catalog root (e.g. fixtures/validation).
 * @return FSE_OK, FSE_E_ARG (NULL argument), FSE_E_IO (a dump is missing or
 *         unreadable; the message names the path), FSE_E_PARSE (malformed
 *         gzip or JSON), FSE_E_LIMIT (a dump over FSE_MAX_TERMINOLOGY_BYTES
 *         or an oversized document), FSE_E_NOMEM.
 * Call it once at start-up, before worker threads start.
 */
FSE_API fse_err fse_terminology_load(fse_terminology **out, const char *catalog_dir);

/* Free the tables. NULL: no-op. */
FSE_API void fse_terminology_free(fse_terminology *t);

/*
 * Exact membership: is code listed for system (and version, when version is
 * not NULL; NULL matches any version, including entries without one)?
 * Strings are compared byte for byte. Thread-safe.
 */
FSE_API bool fse_terminology_has_code(const fse_terminology *t, const char *system,
                                      const char *version, const char *code);

/* Number of terminology entries (codes) loaded. */
FSE_API size_t fse_terminology_count(const fse_terminology *t);

/* Number of dictionary entries (managed system/version pairs) loaded. */
FSE_API size_t fse_terminology_dictionary_count(const fse_terminology *t);

/* Bytes of heap held by the tables (index, strings, dictionary). */
FSE_API size_t fse_terminology_memory_bytes(const fse_terminology *t);

/* Outcome of the vocabulary step. */
typedef struct fse_vocab_result {
    bool ok;
    /* NULL when ok; otherwise the Italian message the Gateway returns.
     * Owned by the caller: free with fse_free. */
    char *message;
} fse_vocab_result;

/*
 * Run the vocabulary step (rules 2-5 of specs/vocabulary-rules.md) on a
 * parsed CDA. Pure: no I/O, the document is not modified. Thread-safe for
 * concurrent calls on one fse_terminology (each call with its own doc/out).
 *
 * @param t      loaded tables.
 * @param doc    the CDA (libxml2 tree, e.g. from fse_xml_parse).
 * @param[out] out  verdict and message; out->message is NULL on failure too.
 * @return FSE_OK (the verdict is in *out), FSE_E_ARG, FSE_E_NOMEM,
 *         FSE_E_LIMIT (document nesting over FSE_MAX_XML_DEPTH).
 */
FSE_API fse_err fse_terminology_check(const fse_terminology *t, const xmlDoc *doc,
                                      fse_vocab_result *out);

#endif /* FSE_TERMINOLOGY_H */
