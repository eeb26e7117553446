/*
 * lib/terminology/terminology_message.c - the Italian messages of the
 * vocabulary step, worded and ordered as the Gateway's validator builds them.
 *
 * Owns Java's String.hashCode, the iteration order of a default Java HashMap
 * (which fixes the order of the groups in the "non è censito" message), the
 * List.toString form "[a, b]" and the cap on message length
 * (FSE_MAX_MESSAGE_BYTES, cut with "..."). Does not own the rules deciding
 * which codes fail (terminology_check.c).
 */
#include "terminology_int.h"

#include <string.h>

#include "fse/limits.h"

/* Message under construction: pieces past the cap are dropped. */
typedef struct msg {
    fse_buf b;
    bool truncated;
    fse_err rc;
} msg;

static void msg_init(msg *m)
{
    /* Room is kept for the "..." appended when the cap is reached. */
    fse_buf_init(&m->b, FSE_MAX_MESSAGE_BYTES - 4);
    m->truncated = false;
    m->rc = FSE_OK;
}

static void msg_add(msg *m, const char *s)
{
    fse_err rc;

    if (m->truncated || m->rc != FSE_OK) {
        return;
    }
    rc = fse_buf_append_str(&m->b, s);
    if (rc == FSE_E_LIMIT) {
        m->truncated = true;
    } else {
        m->rc = rc;
    }
}

static fse_err msg_finish(msg *m, char **out)
{
    fse_err rc = m->rc;

    if (rc == FSE_OK && m->truncated) {
        m->b.max = FSE_MAX_MESSAGE_BYTES - 1;
        rc = fse_buf_append_str(&m->b, "...");
    }
    if (rc == FSE_OK && m->b.data == NULL) {
        rc = fse_buf_append(&m->b, "", 0);
    }
    if (rc == FSE_OK) {
        *out = fse_buf_steal(&m->b, NULL);
    }
    fse_buf_free(&m->b);
    return rc;
}

int32_t fse_terminology__java_hash(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    uint32_t h = 0;

    while (*p != '\0') {
        uint32_t cp;
        int extra;

        if (*p < 0x80) {
            cp = *p;
            extra = 0;
        } else if ((*p & 0xE0) == 0xC0) {
            cp = *p & 0x1F;
            extra = 1;
        } else if ((*p & 0xF0) == 0xE0) {
            cp = *p & 0x0F;
            extra = 2;
        } else {
            cp = *p & 0x07;
            extra = 3;
        }
        p++;
        while (extra-- > 0 && (*p & 0xC0) == 0x80) {
            cp = (cp << 6) | (*p & 0x3F);
            p++;
        }
        if (cp >= 0x10000) {
            cp -= 0x10000;
            h = h * 31u + (0xD800u + (cp >> 10));
            h = h * 31u + (0xDC00u + (cp & 0x3FF));
        } else {
            h = h * 31u + cp;
        }
    }
    return (int32_t)h;
}

/* CodeSystemVersionDTO.toString: "S" or "S vV". */
static void add_system_version(msg *m, const char *system, const char *version)
{
    msg_add(m, system != NULL ? system : "null");
    if (version != NULL) {
        msg_add(m, " v");
        msg_add(m, version);
    }
}

fse_err fse_terminology__list_message(char **out, const char *prefix, const char *const *parts,
                                      size_t n_parts)
{
    msg m;
    size_t i;

    *out = NULL;
    msg_init(&m);
    msg_add(&m, prefix);
    msg_add(&m, "[");
    for (i = 0; i < n_parts; i++) {
        if (i > 0) {
            msg_add(&m, ", ");
        }
        msg_add(&m, parts[i]);
    }
    msg_add(&m, "]");
    return msg_finish(&m, out);
}

static bool opt_eq(const char *a, const char *b)
{
    if (a == NULL || b == NULL) {
        return a == b;
    }
    return strcmp(a, b) == 0;
}

/* The group of each item (by system and version) and its first item. */
typedef struct group {
    size_t first;  /* index of the item that opened the group */
    uint32_t slot; /* Java HashMap bucket */
    size_t rank;   /* position in the message */
} group;

/*
 * IMPLEMENTATION-OF: rule 5h message (CodeSystemUtility.getGroupedMessage):
 * "Almeno uno dei seguenti vocaboli non è censito: " then, for each
 * (system, version) key of a HashMap filled in list order, "[CodeSystem: K,
 * Codes: a, b]" with the distinct codes in list order, joined by ", ".
 * The groups come out in HashMap bucket order (bucket = spread hash masked
 * by the final capacity; insertion order within a bucket).
 */
fse_err fse_terminology__unfound_message(char **out, const term_item *items, size_t n_items)
{
    group *groups = NULL;
    size_t *group_of = NULL;
    size_t *order = NULL;
    size_t n_groups = 0;
    size_t cap = 16;
    size_t i, k, g;
    msg m;
    fse_err rc = FSE_OK;

    *out = NULL;
    msg_init(&m);
    groups = fse_calloc(n_items, sizeof(*groups));
    group_of = fse_calloc(n_items, sizeof(*group_of));
    order = fse_calloc(n_items, sizeof(*order));
    if (groups == NULL || group_of == NULL || order == NULL) {
        rc = fse_error_set(FSE_E_NOMEM, TERM_MODULE, "message of %zu codes", n_items);
        goto done;
    }
    for (i = 0; i < n_items; i++) {
        for (g = 0; g < n_groups; g++) {
            const term_item *f = &items[groups[g].first];

            if (opt_eq(f->system, items[i].system) && opt_eq(f->version, items[i].version)) {
                break;
            }
        }
        if (g == n_groups) {
            uint32_t h = (uint32_t)fse_terminology__java_hash(
                items[i].system != NULL ? items[i].system : "");
            if (items[i].version != NULL) {
                h += (uint32_t)fse_terminology__java_hash(items[i].version);
            }
            groups[g].first = i;
            groups[g].slot = h ^ (h >> 16);
            n_groups++;
        }
        group_of[i] = g;
    }
    while (n_groups > cap / 4 * 3) {
        cap *= 2;
    }
    /* Stable order of the groups by bucket. */
    for (g = 0; g < n_groups; g++) {
        size_t rank = 0;

        for (k = 0; k < n_groups; k++) {
            uint32_t bk = groups[k].slot & (uint32_t)(cap - 1);
            uint32_t bg = groups[g].slot & (uint32_t)(cap - 1);

            if (bk < bg || (bk == bg && k < g)) {
                rank++;
            }
        }
        groups[g].rank = rank;
        order[rank] = g;
    }
    msg_add(&m, "Almeno uno dei seguenti vocaboli non \xc3\xa8 censito: ");
    for (k = 0; k < n_groups && !m.truncated; k++) {
        const term_item *f;
        bool first_code = true;

        g = order[k];
        f = &items[groups[g].first];
        if (k > 0) {
            msg_add(&m, ", ");
        }
        msg_add(&m, "[CodeSystem: ");
        add_system_version(&m, f->system, f->version);
        msg_add(&m, ", Codes: ");
        for (i = groups[g].first; i < n_items && !m.truncated; i++) {
            size_t prev;

            if (group_of[i] != g) {
                continue;
            }
            for (prev = groups[g].first; prev < i; prev++) {
                if (group_of[prev] == g && opt_eq(items[prev].code, items[i].code)) {
                    break;
                }
            }
            if (prev < i) {
                continue;
            }
            if (!first_code) {
                msg_add(&m, ", ");
            }
            first_code = false;
            msg_add(&m, items[i].code != NULL ? items[i].code : "null");
        }
        msg_add(&m, "]");
    }
    rc = msg_finish(&m, out);
    m.b.data = NULL;
done:
    fse_buf_free(&m.b);
    fse_free(groups);
    fse_free(group_of);
    fse_free(order);
    return rc;
}
