/*
 * tests/fhir/fhir_compare.c - the normaliser and diff of fhir_compare.h.
 *
 * Entries whose id is a random UUID get a label refined like a
 * Weisfeiler-Lehman graph hash: round 0 hashes the resource with ids and
 * UUIDs blanked, each further round hashes it with references replaced by
 * the previous labels of their targets plus the sorted labels of the
 * resources referring to it. Expected and actual entries are paired by the
 * last round whose labels agree (then by fewest differences within the
 * type); every UUID is then replaced by the expected side's stable name
 * "<Type>#<n>" and the two bundles are compared entry by entry.
 */
#include "fhir_compare.h"

#include <ctype.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ROUNDS 4
#define UUID_LEN 36

typedef struct item {
    char *uuid; /* NULL: the id is not random */
    char *type;
    json_t *res;
    unsigned long long label[ROUNDS];
    long match; /* index on the other side, -1 none */
    char name[96];
} item;

typedef struct side {
    json_t *bundle;
    item *items;
    size_t n;
} side;

static bool is_uuid_at(const char *s)
{
    static const char pat[] = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";
    size_t i;

    for (i = 0; i < UUID_LEN; i++) {
        if (s[i] == '\0') {
            return false;
        }
        if (pat[i] == '-' ? s[i] != '-' : !isxdigit((unsigned char)s[i])) {
            return false;
        }
    }
    return true;
}

static unsigned long long fnv(const char *s, unsigned long long h)
{
    for (; *s != '\0'; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ull;
    }
    return h;
}

static long find_uuid(const side *sd, const char *uuid)
{
    size_t i;

    for (i = 0; i < sd->n; i++) {
        if (sd->items[i].uuid != NULL && strncmp(sd->items[i].uuid, uuid, UUID_LEN) == 0) {
            return (long)i;
        }
    }
    return -1;
}

/* Copy of s with every UUID replaced (by the round label of its entry, or
 * by name when names is true). */
static char *rewrite(const side *sd, const char *s, int round, bool names)
{
    size_t len = strlen(s);
    char *out = malloc(len * 4 + 64);
    size_t o = 0;
    size_t i = 0;

    if (out == NULL) {
        abort();
    }
    while (i < len) {
        if (is_uuid_at(s + i)) {
            long k = find_uuid(sd, s + i);
            char rep[120];
            if (names) {
                snprintf(rep, sizeof(rep), "%s", k >= 0 ? sd->items[k].name : "uuid");
            } else if (k >= 0 && round > 0) {
                snprintf(rep, sizeof(rep), "%llx", sd->items[k].label[round - 1]);
            } else {
                snprintf(rep, sizeof(rep), "?");
            }
            if (o + strlen(rep) + len - i + 1 > len * 4 + 64) {
                break;
            }
            memcpy(out + o, rep, strlen(rep));
            o += strlen(rep);
            i += UUID_LEN;
        } else {
            out[o++] = s[i++];
        }
    }
    out[o] = '\0';
    return out;
}

/* Numbers as reals so that 16.0 and 16.00 and 16 compare equal. */
static void reals(json_t *v)
{
    const char *k;
    json_t *ch;
    size_t i;
    void *tmp;

    if (json_is_object(v)) {
        json_object_foreach_safe(v, tmp, k, ch)
        {
            if (json_is_integer(ch)) {
                json_object_set_new(v, k, json_real((double)json_integer_value(ch)));
            } else {
                reals(ch);
            }
        }
    } else if (json_is_array(v)) {
        json_array_foreach(v, i, ch)
        {
            if (json_is_integer(ch)) {
                json_array_set_new(v, i, json_real((double)json_integer_value(ch)));
            } else {
                reals(ch);
            }
        }
    }
}

/* Sum of hashes of the paths (with array indexes) where v holds uuid. */
static unsigned long long ref_paths(json_t *v, const char *uuid, unsigned long long path_h)
{
    unsigned long long sum = 0;
    const char *k;
    json_t *ch;
    size_t i;
    char idx[32];

    if (json_is_string(v)) {
        return strstr(json_string_value(v), uuid) != NULL ? path_h * 0x2545f4914f6cdd1dull : 0;
    }
    if (json_is_object(v)) {
        json_object_foreach(v, k, ch)
        {
            sum += ref_paths(ch, uuid, fnv(k, fnv(".", path_h)));
        }
    } else if (json_is_array(v)) {
        json_array_foreach(v, i, ch)
        {
            snprintf(idx, sizeof(idx), "[%zu]", i);
            sum += ref_paths(ch, uuid, fnv(idx, path_h));
        }
    }
    return sum;
}

static void label_round(side *sd, int round)
{
    size_t i;
    size_t k;

    for (i = 0; i < sd->n; i++) {
        item *it = &sd->items[i];
        json_t *copy = json_deep_copy(it->res);
        char *dump;
        char *canon;
        unsigned long long h;
        unsigned long long in = 0;
        json_object_del(copy, "id");
        dump = json_dumps(copy, JSON_SORT_KEYS | JSON_COMPACT | JSON_REAL_PRECISION(12));
        canon = rewrite(sd, dump, round, false);
        h = fnv(canon, 1469598103934665603ull);
        if (round > 0 && it->uuid != NULL) {
            /* resources referring to this one (order-independent sum) */
            for (k = 0; k < sd->n; k++) {
                if (k != i) {
                    unsigned long long p =
                        ref_paths(sd->items[k].res, it->uuid, 1469598103934665603ull);
                    if (p != 0) {
                        in += (sd->items[k].label[round - 1] ^ p) * 0x9e3779b97f4a7c15ull;
                    }
                }
            }
        }
        it->label[round] = h ^ in;
        free(canon);
        free(dump);
        json_decref(copy);
    }
}

static int load_side(side *sd, const char *text, size_t len, fse_buf *diff, const char *what)
{
    json_error_t err;
    json_t *entries;
    json_t *e;
    size_t i;
    int r;

    memset(sd, 0, sizeof(*sd));
    sd->bundle = json_loadb(text, len, 0, &err);
    entries = json_object_get(sd->bundle, "entry");
    if (!json_is_array(entries)) {
        fse_buf_printf(diff, "%s: not a Bundle (%s)\n", what, err.text);
        return -1;
    }
    json_object_del(sd->bundle, "timestamp");
    json_object_set_new(sd->bundle, "id", json_string("Bundle"));
    reals(sd->bundle);
    sd->n = json_array_size(entries);
    sd->items = calloc(sd->n + 1, sizeof(*sd->items));
    json_array_foreach(entries, i, e)
    {
        json_t *res = json_object_get(e, "resource");
        const char *id = json_string_value(json_object_get(res, "id"));
        const char *type = json_string_value(json_object_get(res, "resourceType"));
        item *it = &sd->items[i];
        it->res = res;
        it->type = strdup(type != NULL ? type : "?");
        it->match = -1;
        if (id != NULL && strlen(id) == UUID_LEN && is_uuid_at(id)) {
            it->uuid = strdup(id);
        } else {
            snprintf(it->name, sizeof(it->name), "%s", id != NULL ? id : "?");
        }
    }
    for (r = 0; r < ROUNDS; r++) {
        label_round(sd, r);
    }
    return 0;
}

static void free_side(side *sd)
{
    size_t i;

    for (i = 0; i < sd->n; i++) {
        free(sd->items[i].uuid);
        free(sd->items[i].type);
    }
    free(sd->items);
    json_decref(sd->bundle);
}

static long count_diffs(json_t *a, json_t *b);

static void pair(side *exp, side *got)
{
    int r;
    size_t i;
    size_t k;

    for (r = ROUNDS - 1; r >= 0; r--) {
        for (i = 0; i < exp->n; i++) {
            if (exp->items[i].uuid == NULL || exp->items[i].match >= 0) {
                continue;
            }
            for (k = 0; k < got->n; k++) {
                if (got->items[k].uuid != NULL && got->items[k].match < 0 &&
                    strcmp(got->items[k].type, exp->items[i].type) == 0 &&
                    got->items[k].label[r] == exp->items[i].label[r]) {
                    exp->items[i].match = (long)k;
                    got->items[k].match = (long)i;
                    break;
                }
            }
        }
    }
    /* what is left: fewest differences within the type */
    for (i = 0; i < exp->n; i++) {
        long best = -1;
        long best_d = 0;
        if (exp->items[i].uuid == NULL || exp->items[i].match >= 0) {
            continue;
        }
        for (k = 0; k < got->n; k++) {
            long d;
            if (got->items[k].uuid == NULL || got->items[k].match >= 0 ||
                strcmp(got->items[k].type, exp->items[i].type) != 0) {
                continue;
            }
            d = count_diffs(exp->items[i].res, got->items[k].res);
            if (best < 0 || d < best_d) {
                best = (long)k;
                best_d = d;
            }
        }
        if (best >= 0) {
            exp->items[i].match = best;
            got->items[best].match = (long)i;
        }
    }
}

static void name_sides(side *exp, side *got)
{
    size_t i;
    unsigned extra = 0;

    for (i = 0; i < exp->n; i++) {
        item *it = &exp->items[i];
        if (it->uuid != NULL) {
            size_t k;
            unsigned n = 1;
            for (k = 0; k < i; k++) {
                n += exp->items[k].uuid != NULL && strcmp(exp->items[k].type, it->type) == 0;
            }
            snprintf(it->name, sizeof(it->name), "%s#%u", it->type, n);
            if (it->match >= 0) {
                snprintf(got->items[it->match].name, sizeof(it->name), "%s", it->name);
            }
        }
    }
    for (i = 0; i < got->n; i++) {
        if (got->items[i].uuid != NULL && got->items[i].match < 0) {
            snprintf(got->items[i].name, sizeof(got->items[i].name), "%s#extra%u",
                     got->items[i].type, ++extra);
        }
    }
}

static json_t *renamed(const side *sd)
{
    char *dump = json_dumps(sd->bundle, JSON_COMPACT | JSON_REAL_PRECISION(17));
    char *text = rewrite(sd, dump, 0, true);
    json_t *r = json_loads(text, 0, NULL);

    free(text);
    free(dump);
    return r;
}

static bool leaf_equal(json_t *a, json_t *b)
{
    if (json_is_number(a) && json_is_number(b)) {
        return fabs(json_number_value(a) - json_number_value(b)) < 1e-9;
    }
    return json_equal(a, b);
}

static long diff_values(fse_buf *out, const char *path, json_t *a, json_t *b)
{
    long n = 0;
    char sub[1024];

    if (json_is_object(a) && json_is_object(b)) {
        const char *k;
        json_t *v;
        json_object_foreach(a, k, v)
        {
            snprintf(sub, sizeof(sub), "%s.%s", path, k);
            n += diff_values(out, sub, v, json_object_get(b, k));
        }
        json_object_foreach(b, k, v)
        {
            if (json_object_get(a, k) == NULL) {
                snprintf(sub, sizeof(sub), "%s.%s", path, k);
                n += diff_values(out, sub, NULL, v);
            }
        }
        return n;
    }
    if (json_is_array(a) && json_is_array(b)) {
        size_t i;
        size_t na = json_array_size(a);
        size_t nb = json_array_size(b);
        for (i = 0; i < (na > nb ? na : nb); i++) {
            snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
            n += diff_values(out, sub, json_array_get(a, i), json_array_get(b, i));
        }
        return n;
    }
    if (a != NULL && b != NULL && leaf_equal(a, b)) {
        return 0;
    }
    if (out != NULL) {
        char *da = a != NULL ? json_dumps(a, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;
        char *db = b != NULL ? json_dumps(b, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;
        fse_buf_printf(out, "  %s: expected %.300s, got %.300s\n", path,
                       da != NULL ? da : "(absent)", db != NULL ? db : "(absent)");
        free(da);
        free(db);
    }
    return 1;
}

static long count_diffs(json_t *a, json_t *b)
{
    return diff_values(NULL, "", a, b);
}

static json_t *entry_by_url(json_t *bundle, const char *url)
{
    size_t i;
    json_t *e;

    json_array_foreach(json_object_get(bundle, "entry"), i, e)
    {
        const char *u = json_string_value(json_object_get(e, "fullUrl"));
        if (u != NULL && strcmp(u, url) == 0) {
            return e;
        }
    }
    return NULL;
}

long fhir_compare_bundles(const char *expected, size_t expected_len, const char *got,
                          size_t got_len, fse_buf *diff)
{
    side exp;
    side act;
    json_t *a = NULL;
    json_t *b = NULL;
    long n = 0;
    size_t i;
    json_t *e;
    const char *k;
    json_t *v;

    if (load_side(&exp, expected, expected_len, diff, "expected") != 0 ||
        load_side(&act, got, got_len, diff, "got") != 0) {
        free_side(&exp);
        free_side(&act);
        return -1;
    }
    pair(&exp, &act);
    name_sides(&exp, &act);
    a = renamed(&exp);
    b = renamed(&act);
    json_object_foreach(a, k, v)
    {
        if (strcmp(k, "entry") != 0) {
            n += diff_values(diff, k, v, json_object_get(b, k));
        }
    }
    json_array_foreach(json_object_get(a, "entry"), i, e)
    {
        const char *url = json_string_value(json_object_get(e, "fullUrl"));
        json_t *other = url != NULL ? entry_by_url(b, url) : NULL;
        if (other == NULL) {
            fse_buf_printf(diff, "  entry %s: only in expected\n", url != NULL ? url : "?");
            n++;
            continue;
        }
        n += diff_values(diff, url + strlen("https://example/"), e, other);
    }
    json_array_foreach(json_object_get(b, "entry"), i, e)
    {
        const char *url = json_string_value(json_object_get(e, "fullUrl"));
        if (url == NULL || entry_by_url(a, url) == NULL) {
            char *d = json_dumps(json_object_get(e, "resource"), JSON_COMPACT);
            fse_buf_printf(diff, "  entry %s: only in got: %.400s\n", url != NULL ? url : "?",
                           d != NULL ? d : "");
            free(d);
            n++;
        }
    }
    json_decref(a);
    json_decref(b);
    free_side(&exp);
    free_side(&act);
    return n;
}
