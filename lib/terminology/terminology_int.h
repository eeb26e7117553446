/*
 * lib/terminology/terminology_int.h - internals of the terminology module.
 *
 * Owns the layout of the loaded tables (one string arena, the dictionary of
 * managed code systems, the terminology entries and their open-addressing
 * hash), the internal limits of the loader and the functions shared between
 * the module's files. The public API is in include/fse/terminology.h; the
 * dumps are read with yajl in terminology_load.c; the vocabulary rules live
 * in terminology_check.c and terminology_message.c.
 */
#ifndef FSE_TERMINOLOGY_INT_H
#define FSE_TERMINOLOGY_INT_H

#include "fse/terminology.h"

#include <stdint.h>

#include "fse/util.h"

/* Module name used in fse_error_set. */
#define TERM_MODULE "terminology"

/* "No string": an absent or null value in place of an arena offset. */
#define TERM_NONE UINT32_MAX

/* Largest single Mongo document accepted in a dump, counted in decompressed
 * bytes from its '{' to its '}' (and largest run of bytes between two
 * documents). Real documents are < 1 KiB. yajl buffers a token that spans
 * two input chunks without bound; checking this before every chunk keeps
 * its buffer, and the copies of one document's strings, under about this
 * size. Candidate for fse/limits.h. */
#define FSE_TERMINOLOGY_MAX_DOC_BYTES (1u << 20)

/* Most terminology entries accepted: hash slots and entry indexes are
 * 32-bit. The 2026-02-24 dump has 162,301. Candidate for fse/limits.h. */
#define FSE_TERMINOLOGY_MAX_CODES (1u << 24)

/* Largest string arena: offsets are 32-bit (TERM_NONE reserved).
 * Candidate for fse/limits.h. */
#define FSE_TERMINOLOGY_MAX_STRING_BYTES ((size_t)1 << 30)

/* Deepest nesting of objects and arrays inside the value of one document
 * field: Mongo extended JSON goes one level down at most
 * ({"$date": {"$numberLong": ...}}). yajl's state stack grows with nesting;
 * the loader stops the parse past this depth. */
#define TERM_JSON_MAX_DEPTH 32

/* A managed code system: the distinct `system` values of the dictionary. */
typedef struct term_system {
    uint32_t name;        /* arena offset */
    uint32_t max_version; /* rule 5e: arena offset, or TERM_NONE (null) */
    bool whitelist;       /* rule 5b: some entry has whitelist:true */
} term_system;

/* One non-deleted dictionary document. */
typedef struct term_dict_entry {
    uint32_t system;  /* index into systems */
    uint32_t version; /* arena offset or TERM_NONE */
    int64_t release_ms;
    int64_t creation_ms;
    bool has_release;
    bool has_creation;
} term_dict_entry;

/* A (system, version) pair used by terminology entries. */
typedef struct term_pair {
    uint32_t system;  /* arena offset */
    uint32_t version; /* arena offset or TERM_NONE */
} term_pair;

/* One non-deleted terminology document. */
typedef struct term_code {
    uint32_t code; /* arena offset */
    uint32_t pair; /* index into pairs */
    uint32_t hash; /* of (pair, code) */
} term_code;

struct fse_terminology {
    fse_buf strings; /* arena of NUL-terminated strings, addressed by offset */
    term_system *systems;
    size_t n_systems;
    size_t cap_systems;
    term_dict_entry *dict;
    size_t n_dict;
    size_t cap_dict;
    term_pair *pairs;
    size_t n_pairs;
    size_t cap_pairs;
    term_code *codes;
    size_t n_codes;
    size_t cap_codes;
    uint32_t *slots; /* power-of-two table: 0 empty, else code index + 1 */
    size_t n_slots;
};

/* Arena string at offset off (off != TERM_NONE). */
static inline const char *term_str(const fse_terminology *t, uint32_t off)
{
    return t->strings.data + off;
}

/* --- tables (terminology_index.c) --- */

/* Copy s[0..len) into the arena; *off_out receives its offset. */
fse_err fse_terminology__intern(fse_terminology *t, const char *s, size_t len, uint32_t *off_out);
/* Add one terminology entry; version may be NULL. */
fse_err fse_terminology__add_code(fse_terminology *t, const char *system, size_t system_len,
                                  const char *version, size_t version_len, const char *code,
                                  size_t code_len);
/* Add one dictionary entry; version may be NULL. */
fse_err fse_terminology__add_dict(fse_terminology *t, const char *system, size_t system_len,
                                  const char *version, size_t version_len, bool whitelist,
                                  const int64_t *release_ms, const int64_t *creation_ms);
/* Compute the per-system max versions (rule 5e) once every entry is in. */
void fse_terminology__finish_dict(fse_terminology *t);
/* Build the hash over the terminology entries. */
fse_err fse_terminology__build_index(fse_terminology *t);
/* Index of the managed system named name, or -1. */
long fse_terminology__find_system(const fse_terminology *t, const char *name);
/* Is (system, version) a dictionary pair? NULL equals only NULL (rule 5f). */
bool fse_terminology__dict_has_pair(const fse_terminology *t, const char *system,
                                    const char *version);

/* --- dates (terminology_date.c) --- */

/* Parse an ISO-8601 timestamp into milliseconds since the epoch. */
bool fse_terminology__parse_iso_date(const char *s, size_t len, int64_t *ms_out);
/* Parse plain decimal milliseconds (optionally negative, at most 18 digits). */
bool fse_terminology__parse_ms(const char *s, size_t len, int64_t *ms_out);

/* --- vocabulary messages (terminology_message.c) --- */

/* One coded element as the validator sees it; NULL stands for Java null. */
typedef struct term_item {
    const char *code;
    const char *system;
    const char *version;
} term_item;

/* Java's String.hashCode of a UTF-8 string (UTF-16 code units, int32 wrap). */
int32_t fse_terminology__java_hash(const char *s);
/*
 * Build the rule 5h message for the codes left unfound, grouped by
 * (system, version) in the iteration order of Java's HashMap, as the
 * validator's getGroupedMessage does. *out is caller-owned (fse_free).
 */
fse_err fse_terminology__unfound_message(char **out, const term_item *items, size_t n_items);
/* "[a, b]" of a list of strings, as Java's List.toString, after prefix. */
fse_err fse_terminology__list_message(char **out, const char *prefix, const char *const *parts,
                                      size_t n_parts);

#endif /* FSE_TERMINOLOGY_INT_H */
