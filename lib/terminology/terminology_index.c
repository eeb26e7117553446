/*
 * lib/terminology/terminology_index.c - the in-memory tables of the
 * terminology module.
 *
 * Owns the string arena, the dictionary (managed systems, their allow-list
 * flag and "max" version of rule 5e), the (system, version) pairs of the
 * terminology entries, the open-addressing hash on (pair, code), exact
 * membership queries and freeing. Does not own reading the dumps
 * (terminology_load.c) nor the vocabulary rules (terminology_check.c).
 */
#include "terminology_int.h"

#include <string.h>

/* Grow *arr (of elem bytes each) so that one more element fits. */
static fse_err grow(void **arr, size_t *cap, size_t n, size_t elem, size_t max)
{
    size_t new_cap;
    size_t bytes;
    void *grown;

    if (n < *cap) {
        return FSE_OK;
    }
    if (n >= max) {
        return fse_error_set(FSE_E_LIMIT, TERM_MODULE, "more than %zu entries", max);
    }
    new_cap = *cap < 16 ? 16 : *cap * 2;
    if (new_cap > max) {
        new_cap = max;
    }
    if (__builtin_mul_overflow(new_cap, elem, &bytes)) {
        return fse_error_set(FSE_E_LIMIT, TERM_MODULE, "table too large");
    }
    grown = fse_realloc(*arr, bytes);
    if (grown == NULL) {
        return fse_error_set(FSE_E_NOMEM, TERM_MODULE, "table of %zu bytes", bytes);
    }
    *arr = grown;
    *cap = new_cap;
    return FSE_OK;
}

fse_err fse_terminology__intern(fse_terminology *t, const char *s, size_t len, uint32_t *off_out)
{
    size_t off = t->strings.len;
    fse_err rc;

    if (memchr(s, '\0', len) != NULL) {
        return fse_error_set(FSE_E_PARSE, TERM_MODULE, "NUL byte inside a string");
    }
    rc = fse_buf_append(&t->strings, s, len);
    if (rc == FSE_OK) {
        rc = fse_buf_append(&t->strings, "", 1);
    }
    if (rc == FSE_OK) {
        *off_out = (uint32_t)off;
    }
    return rc;
}

static bool str_eq(const fse_terminology *t, uint32_t off, const char *s, size_t len)
{
    const char *a = term_str(t, off);

    return strncmp(a, s, len) == 0 && a[len] == '\0';
}

static bool opt_eq(const fse_terminology *t, uint32_t off, const char *s, size_t len)
{
    if (off == TERM_NONE || s == NULL) {
        return off == TERM_NONE && s == NULL;
    }
    return str_eq(t, off, s, len);
}

static fse_err intern_opt(fse_terminology *t, const char *s, size_t len, uint32_t *off_out)
{
    if (s == NULL) {
        *off_out = TERM_NONE;
        return FSE_OK;
    }
    return fse_terminology__intern(t, s, len, off_out);
}

static fse_err find_or_add_pair(fse_terminology *t, const char *system, size_t system_len,
                                const char *version, size_t version_len, uint32_t *pair_out)
{
    term_pair p;
    size_t i;
    fse_err rc;

    /* Dumps are grouped by system: the last pair is the usual hit. */
    for (i = t->n_pairs; i > 0; i--) {
        const term_pair *q = &t->pairs[i - 1];

        if (str_eq(t, q->system, system, system_len) &&
            opt_eq(t, q->version, version, version_len)) {
            *pair_out = (uint32_t)(i - 1);
            return FSE_OK;
        }
    }
    rc = grow((void **)&t->pairs, &t->cap_pairs, t->n_pairs, sizeof(*t->pairs),
              FSE_TERMINOLOGY_MAX_CODES);
    if (rc == FSE_OK) {
        rc = fse_terminology__intern(t, system, system_len, &p.system);
    }
    if (rc == FSE_OK) {
        rc = intern_opt(t, version, version_len, &p.version);
    }
    if (rc == FSE_OK) {
        t->pairs[t->n_pairs] = p;
        *pair_out = (uint32_t)t->n_pairs++;
    }
    return rc;
}

/* FNV-1a over the code, mixed with the pair and finalised (murmur3 fmix32). */
static uint32_t code_hash(uint32_t pair, const char *s, size_t len)
{
    uint32_t h = 2166136261u;
    size_t i;

    for (i = 0; i < len; i++) {
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    }
    h ^= pair * 0x9E3779B1u;
    h ^= h >> 16;
    h *= 0x85EBCA6Bu;
    h ^= h >> 13;
    h *= 0xC2B2AE35u;
    h ^= h >> 16;
    return h;
}

fse_err fse_terminology__add_code(fse_terminology *t, const char *system, size_t system_len,
                                  const char *version, size_t version_len, const char *code,
                                  size_t code_len)
{
    term_code c;
    fse_err rc = FSE_OK;

    if (t->n_pairs > 0) {
        const term_pair *last = &t->pairs[t->n_pairs - 1];

        if (str_eq(t, last->system, system, system_len) &&
            opt_eq(t, last->version, version, version_len)) {
            c.pair = (uint32_t)(t->n_pairs - 1);
        } else {
            rc = find_or_add_pair(t, system, system_len, version, version_len, &c.pair);
        }
    } else {
        rc = find_or_add_pair(t, system, system_len, version, version_len, &c.pair);
    }
    if (rc == FSE_OK) {
        rc = grow((void **)&t->codes, &t->cap_codes, t->n_codes, sizeof(*t->codes),
                  FSE_TERMINOLOGY_MAX_CODES);
    }
    if (rc == FSE_OK) {
        rc = fse_terminology__intern(t, code, code_len, &c.code);
    }
    if (rc == FSE_OK) {
        c.hash = code_hash(c.pair, code, code_len);
        t->codes[t->n_codes++] = c;
    }
    return rc;
}

fse_err fse_terminology__add_dict(fse_terminology *t, const char *system, size_t system_len,
                                  const char *version, size_t version_len, bool whitelist,
                                  const int64_t *release_ms, const int64_t *creation_ms)
{
    term_dict_entry e;
    size_t i;
    fse_err rc;

    memset(&e, 0, sizeof(e));
    for (i = 0; i < t->n_systems; i++) {
        if (str_eq(t, t->systems[i].name, system, system_len)) {
            break;
        }
    }
    if (i == t->n_systems) {
        term_system s;

        s.max_version = TERM_NONE;
        s.whitelist = false;
        rc = grow((void **)&t->systems, &t->cap_systems, t->n_systems, sizeof(*t->systems),
                  FSE_TERMINOLOGY_MAX_CODES);
        if (rc == FSE_OK) {
            rc = fse_terminology__intern(t, system, system_len, &s.name);
        }
        if (rc != FSE_OK) {
            return rc;
        }
        t->systems[t->n_systems++] = s;
    }
    /* IMPLEMENTATION-OF: rule 5b - a system is allow-listed when any of its
     * entries has whitelist:true. */
    if (whitelist) {
        t->systems[i].whitelist = true;
    }
    e.system = (uint32_t)i;
    e.has_release = release_ms != NULL;
    e.release_ms = release_ms != NULL ? *release_ms : 0;
    e.has_creation = creation_ms != NULL;
    e.creation_ms = creation_ms != NULL ? *creation_ms : 0;
    rc = grow((void **)&t->dict, &t->cap_dict, t->n_dict, sizeof(*t->dict),
              FSE_TERMINOLOGY_MAX_CODES);
    if (rc == FSE_OK) {
        rc = intern_opt(t, version, version_len, &e.version);
    }
    if (rc == FSE_OK) {
        t->dict[t->n_dict++] = e;
    }
    return rc;
}

/*
 * IMPLEMENTATION-OF: rule 5e (CodeSystemSnapshotDTO.getMax). Among the
 * entries of one system in dump order: if the first has a release_date, the
 * version of the newest release_date (entries without one last, ties to the
 * earliest entry); else if the first has a creation_date, the same on
 * creation_date; else the version of the last entry. May be null.
 */
static uint32_t max_version(const fse_terminology *t, uint32_t system)
{
    const term_dict_entry *first = NULL;
    const term_dict_entry *last = NULL;
    const term_dict_entry *best = NULL;
    size_t i;

    for (i = 0; i < t->n_dict; i++) {
        const term_dict_entry *e = &t->dict[i];

        if (e->system != system) {
            continue;
        }
        if (first == NULL) {
            first = e;
        }
        last = e;
        if (first->has_release) {
            if (e->has_release && (best == NULL || e->release_ms > best->release_ms)) {
                best = e;
            }
        } else if (first->has_creation) {
            if (e->has_creation && (best == NULL || e->creation_ms > best->creation_ms)) {
                best = e;
            }
        }
    }
    if (first == NULL) {
        return TERM_NONE;
    }
    if (best == NULL) {
        best = last;
    }
    return best->version;
}

void fse_terminology__finish_dict(fse_terminology *t)
{
    size_t i;

    for (i = 0; i < t->n_systems; i++) {
        t->systems[i].max_version = max_version(t, (uint32_t)i);
    }
}

fse_err fse_terminology__build_index(fse_terminology *t)
{
    size_t n_slots = 16;
    size_t i;

    while (n_slots < t->n_codes * 2) {
        n_slots *= 2;
    }
    fse_free(t->slots);
    t->slots = fse_calloc(n_slots, sizeof(*t->slots));
    if (t->slots == NULL) {
        return fse_error_set(FSE_E_NOMEM, TERM_MODULE, "hash of %zu slots", n_slots);
    }
    t->n_slots = n_slots;
    for (i = 0; i < t->n_codes; i++) {
        size_t s = t->codes[i].hash & (n_slots - 1);

        while (t->slots[s] != 0) {
            s = (s + 1) & (n_slots - 1);
        }
        t->slots[s] = (uint32_t)(i + 1);
    }
    return FSE_OK;
}

long fse_terminology__find_system(const fse_terminology *t, const char *name)
{
    size_t i;

    if (name == NULL) {
        return -1;
    }
    for (i = 0; i < t->n_systems; i++) {
        if (strcmp(term_str(t, t->systems[i].name), name) == 0) {
            return (long)i;
        }
    }
    return -1;
}

bool fse_terminology__dict_has_pair(const fse_terminology *t, const char *system,
                                    const char *version)
{
    long s = fse_terminology__find_system(t, system);
    size_t i;

    if (s < 0) {
        return false;
    }
    for (i = 0; i < t->n_dict; i++) {
        const term_dict_entry *e = &t->dict[i];

        if (e->system == (uint32_t)s &&
            opt_eq(t, e->version, version, version != NULL ? strlen(version) : 0)) {
            return true;
        }
    }
    return false;
}

static bool pair_has_code(const fse_terminology *t, uint32_t pair, const char *code, size_t len)
{
    uint32_t h = code_hash(pair, code, len);
    size_t s = h & (t->n_slots - 1);

    while (t->slots[s] != 0) {
        const term_code *c = &t->codes[t->slots[s] - 1];

        if (c->hash == h && c->pair == pair && str_eq(t, c->code, code, len)) {
            return true;
        }
        s = (s + 1) & (t->n_slots - 1);
    }
    return false;
}

bool fse_terminology_has_code(const fse_terminology *t, const char *system, const char *version,
                              const char *code)
{
    size_t code_len;
    size_t i;

    if (t == NULL || system == NULL || code == NULL || t->n_slots == 0) {
        return false;
    }
    code_len = strlen(code);
    for (i = 0; i < t->n_pairs; i++) {
        const term_pair *p = &t->pairs[i];

        if (strcmp(term_str(t, p->system), system) != 0) {
            continue;
        }
        if (version != NULL &&
            (p->version == TERM_NONE || strcmp(term_str(t, p->version), version) != 0)) {
            continue;
        }
        if (pair_has_code(t, (uint32_t)i, code, code_len)) {
            return true;
        }
    }
    return false;
}

size_t fse_terminology_count(const fse_terminology *t)
{
    return t != NULL ? t->n_codes : 0;
}

size_t fse_terminology_dictionary_count(const fse_terminology *t)
{
    return t != NULL ? t->n_dict : 0;
}

size_t fse_terminology_memory_bytes(const fse_terminology *t)
{
    if (t == NULL) {
        return 0;
    }
    return sizeof(*t) + t->strings.cap + t->cap_systems * sizeof(*t->systems) +
           t->cap_dict * sizeof(*t->dict) + t->cap_pairs * sizeof(*t->pairs) +
           t->cap_codes * sizeof(*t->codes) + t->n_slots * sizeof(*t->slots);
}

void fse_terminology_free(fse_terminology *t)
{
    if (t == NULL) {
        return;
    }
    fse_buf_free(&t->strings);
    fse_free(t->systems);
    fse_free(t->dict);
    fse_free(t->pairs);
    fse_free(t->codes);
    fse_free(t->slots);
    fse_free(t);
}
