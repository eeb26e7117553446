/*
 * lib/eds/eds_export.c - the pseudonymised store (UD-P, eds-fhir §1.3,
 * domain-rules §7.1): the resources of the current, visible bundles of the
 * regional store rewritten with a keyed pseudonym for the patient and
 * without direct identifiers, for one purpose; and aggregate counts over
 * them with small cells refused.
 *
 * Owns the pseudonym keys (HMAC-SHA256(node secret, "eds-pseudonym:" +
 * purpose), then HMAC-SHA256(purpose key, "patient:" + CF) for a patient
 * and HMAC-SHA256(purpose key, "id:" + id) for every other resource id),
 * the rewriting of one resource (yajl's tree keeps each number's text, the
 * util writer writes it back unchanged) and the last check of every line
 * for the identifiers it must not carry. The counts are eds_count.c's. Does not
 * own where the lines go (the caller's callback: `fse eds export` writes
 * NDJSON files), the bundles (fse/store_eds.h) or the conversion.
 */
#include "eds_export.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "fse/store.h"
#include "fse/store_eds.h"

#define KEY_LEN 32u
#define PSEUDO_LEN EDS_PSEUDO_LEN
/* Longest original id or reference rewritten (FHIR ids are 64; absolute
 * references carry a base). */
#define MAX_REF 1024u
/* Longest uniqueId a page ends with (the store's limit is 256). */
#define MAX_UID 260u

/* The text of a string node (checked by the caller). */
static const char *str_of(yajl_val v)
{
    return v->u.string;
}

/* Whether needle occurs in (hay, len). */
static bool contains(const char *hay, size_t len, const char *needle)
{
    size_t n = strlen(needle);
    size_t i;

    if (n == 0 || n > len) {
        return false;
    }
    for (i = 0; i + n <= len; i++) {
        if (hay[i] == needle[0] && memcmp(hay + i, needle, n) == 0) {
            return true;
        }
    }
    return false;
}

/* ---- A set of strings (open addressing) ---------------------------------- */

typedef struct strset {
    char **slots;
    size_t cap; /* power of two, 0 when empty */
    size_t n;
} strset;

static size_t slot_of(const strset *t, const char *k)
{
    size_t i = (size_t)fse_eds__fnv(k, 0) & (t->cap - 1);

    while (t->slots[i] != NULL && strcmp(t->slots[i], k) != 0) {
        i = (i + 1) & (t->cap - 1);
    }
    return i;
}

static bool set_has(const strset *t, const char *k)
{
    return t->cap > 0 && t->slots[slot_of(t, k)] != NULL;
}

static fse_err set_grow(strset *t)
{
    strset g = {NULL, t->cap == 0 ? 64 : t->cap * 2, 0};
    size_t i;

    g.slots = fse_calloc(g.cap, sizeof(char *));
    if (g.slots == NULL) {
        return fse_error_set(FSE_E_NOMEM, FSE_EDS_MODULE, "export set");
    }
    for (i = 0; i < t->cap; i++) {
        if (t->slots[i] != NULL) {
            g.slots[slot_of(&g, t->slots[i])] = t->slots[i];
        }
    }
    g.n = t->n;
    fse_free(t->slots);
    *t = g;
    return FSE_OK;
}

/* Add k; *added (optional) tells whether it was new. */
static fse_err set_add(strset *t, const char *k, bool *added)
{
    size_t i;

    if (added != NULL) {
        *added = false;
    }
    if (set_has(t, k)) {
        return FSE_OK;
    }
    if ((t->n + 1) * 2 > t->cap && set_grow(t) != FSE_OK) {
        return FSE_E_NOMEM;
    }
    i = slot_of(t, k);
    t->slots[i] = fse_strdup(k);
    if (t->slots[i] == NULL) {
        return fse_error_set(FSE_E_NOMEM, FSE_EDS_MODULE, "export set");
    }
    t->n++;
    if (added != NULL) {
        *added = true;
    }
    return FSE_OK;
}

static void set_free(strset *t)
{
    size_t i;

    for (i = 0; i < t->cap; i++) {
        fse_free(t->slots[i]);
    }
    fse_free(t->slots);
    memset(t, 0, sizeof(*t));
}

/* ---- The run ------------------------------------------------------------- */

typedef struct exp_run {
    fse_store *s;
    uint8_t key[KEY_LEN]; /* the purpose key */
    fse_eds_export_fn fn;
    eds_tree_fn tfn; /* sees each written resource (the count); NULL: none */
    void *ud;
    fse_eds_export_stats st;
    strset written; /* "Type/pseudo" of shared entities written */
    strset patients;
    /* The document being exported */
    const char *unique_id;
    char cf[32];
    char pseudo[PSEUDO_LEN + 1]; /* the patient's */
    strset patient_ids;          /* ids of its Patient resources */
    char birth[16];              /* full birth date seen ("" none) */
    fse_buf out;
    fse_json w;
    fse_err err;
} exp_run;

static void hmac_hex(char out[PSEUDO_LEN + 1], const uint8_t key[KEY_LEN], const char *label,
                     const char *value)
{
    uint8_t mac[32];
    unsigned int mac_len = 0;
    size_t ll = strlen(label);
    size_t vl = strlen(value);
    uint8_t msg[MAX_REF + 64];

    if (ll + vl > sizeof(msg)) {
        vl = sizeof(msg) - ll; /* callers bound value to MAX_REF */
    }
    memcpy(msg, label, ll);
    memcpy(msg + ll, value, vl);
    HMAC(EVP_sha256(), key, (int)KEY_LEN, msg, ll + vl, mac, &mac_len);
    fse_hex_encode(out, mac, sizeof(mac));
    out[PSEUDO_LEN] = '\0';
}

/* The pseudonymous id of an original resource id. */
static void pseudo_id(exp_run *r, char out[PSEUDO_LEN + 1], const char *id)
{
    if (set_has(&r->patient_ids, id)) {
        memcpy(out, r->pseudo, PSEUDO_LEN + 1);
        return;
    }
    hmac_hex(out, r->key, "id:", id);
}

/* "https://base/Type/id", "Type/id", "urn:uuid:id" -> "Type/pseudo" or
 * "urn:uuid:pseudo"; "#local" stays. */
static void write_reference(exp_run *r, const char *ref)
{
    char p[PSEUDO_LEN + 1];
    char text[MAX_REF + 8];
    const char *slash;
    const char *type;
    size_t tl;

    if (ref[0] == '#') {
        fse_json_string(&r->w, ref);
        return;
    }
    if (strlen(ref) > MAX_REF) {
        r->err = fse_error_set(FSE_E_LIMIT, FSE_EDS_MODULE, "export: reference too long");
        return;
    }
    if (strncmp(ref, "urn:uuid:", 9) == 0) {
        pseudo_id(r, p, ref + 9);
        snprintf(text, sizeof(text), "urn:uuid:%s", p);
        fse_json_string(&r->w, text);
        return;
    }
    slash = strrchr(ref, '/');
    if (slash == NULL) {
        pseudo_id(r, p, ref);
        fse_json_string(&r->w, p);
        return;
    }
    type = slash;
    while (type > ref && type[-1] != '/') {
        type--;
    }
    tl = (size_t)(slash - type);
    pseudo_id(r, p, slash + 1);
    snprintf(text, sizeof(text), "%.*s/%s", (int)tl, type, p);
    fse_json_string(&r->w, text);
}

/* Members removed wherever they are: direct identifiers and free text that
 * may name the person (eds-fhir §1.3 names identifier and name as PII). */
static bool dropped_anywhere(const char *key)
{
    static const char *const names[] = {
        "identifier",      "masterIdentifier",  "telecom",         "address",
        "photo",           "contact",           "valueAddress",    "valueHumanName",
        "valueIdentifier", "valueContactPoint", "valueAttachment", "sourcePatientInfo",
    };
    size_t i;

    if (key[0] == '_') {
        key++;
    }
    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (strcmp(key, names[i]) == 0) {
            return true;
        }
    }
    return false;
}

static bool is_reference_object(yajl_val v)
{
    size_t i;

    for (i = 0; i < v->u.object.len; i++) {
        if (strcmp(v->u.object.keys[i], "reference") == 0 &&
            YAJL_IS_STRING(v->u.object.values[i])) {
            return true;
        }
    }
    return false;
}

static bool keep_member(const char *key, yajl_val val, const char *parent, bool reference)
{
    if (reference) {
        /* display may name the person referenced */
        return strcmp(key, "reference") == 0 || strcmp(key, "type") == 0;
    }
    if (dropped_anywhere(key)) {
        return false;
    }
    if (strcmp(key, "text") == 0 && YAJL_IS_OBJECT(val)) {
        return false; /* a Narrative */
    }
    if (parent != NULL && strcmp(parent, "attachment") == 0) {
        /* the PDF's url, bytes and hash name the node's document */
        return strcmp(key, "url") != 0 && strcmp(key, "data") != 0 && strcmp(key, "hash") != 0 &&
               strcmp(key, "_url") != 0 && strcmp(key, "_data") != 0;
    }
    return true;
}

static void write_value(exp_run *r, yajl_val v, const char *key, int depth);

static void write_object(exp_run *r, yajl_val v, const char *key, int depth)
{
    bool ref = is_reference_object(v);
    size_t i;

    fse_json_object_begin(&r->w);
    for (i = 0; i < v->u.object.len && r->err == FSE_OK; i++) {
        const char *k = v->u.object.keys[i];
        yajl_val x = v->u.object.values[i];

        if (!keep_member(k, x, key, ref)) {
            continue;
        }
        fse_json_key(&r->w, k);
        if (strcmp(k, "reference") == 0 && YAJL_IS_STRING(x)) {
            write_reference(r, str_of(x));
        } else {
            write_value(r, x, k, depth + 1);
        }
    }
    fse_json_object_end(&r->w);
}

static void write_value(exp_run *r, yajl_val v, const char *key, int depth)
{
    size_t i;

    if (depth > EDS_MAX_DEPTH) {
        r->err = fse_error_set(FSE_E_LIMIT, FSE_EDS_MODULE, "export: resource nested too deep");
        return;
    }
    if (YAJL_IS_STRING(v)) {
        fse_json_string(&r->w, str_of(v));
    } else if (YAJL_IS_NUMBER(v)) {
        fse_json_number_text(&r->w, v->u.number.r);
    } else if (YAJL_IS_TRUE(v)) {
        fse_json_bool(&r->w, true);
    } else if (YAJL_IS_FALSE(v)) {
        fse_json_bool(&r->w, false);
    } else if (YAJL_IS_OBJECT(v)) {
        write_object(r, v, key, depth);
    } else if (YAJL_IS_ARRAY(v)) {
        fse_json_array_begin(&r->w);
        for (i = 0; i < v->u.array.len && r->err == FSE_OK; i++) {
            write_value(r, v->u.array.values[i], key, depth + 1);
        }
        fse_json_array_end(&r->w);
    } else {
        fse_json_null(&r->w);
    }
}

/* The members kept of a resource about a person (allow-list): nothing that
 * names, locates or identifies them. */
static bool person_member(const char *type, const char *key)
{
    if (strcmp(key, "resourceType") == 0 || strcmp(key, "id") == 0 || strcmp(key, "gender") == 0) {
        return true;
    }
    if (strcmp(type, "Patient") == 0) {
        return strcmp(key, "birthDate") == 0 || strcmp(key, "deceasedBoolean") == 0;
    }
    if (strcmp(type, "Practitioner") == 0) {
        return strcmp(key, "qualification") == 0 || strcmp(key, "active") == 0;
    }
    return strcmp(key, "patient") == 0 || strcmp(key, "relationship") == 0; /* RelatedPerson */
}

static bool is_person(const char *type)
{
    return strcmp(type, "Patient") == 0 || strcmp(type, "Practitioner") == 0 ||
           strcmp(type, "RelatedPerson") == 0;
}

/* Write resource res of type into r->out (reset first). *pid_out: its
 * pseudonymous id ("" none). */
static void write_resource(exp_run *r, const char *type, yajl_val res, char pid_out[PSEUDO_LEN + 1])
{
    bool person = is_person(type);
    size_t i;

    pid_out[0] = '\0';
    fse_buf_reset(&r->out);
    fse_json_init(&r->w, &r->out);
    fse_json_object_begin(&r->w);
    for (i = 0; i < res->u.object.len && r->err == FSE_OK; i++) {
        const char *k = res->u.object.keys[i];
        yajl_val x = res->u.object.values[i];

        if (person ? !person_member(type, k) : !keep_member(k, x, NULL, false)) {
            continue;
        }
        if (strcmp(k, "meta") == 0) {
            continue; /* source and tags may name the node's documents */
        }
        fse_json_key(&r->w, k);
        if (strcmp(k, "id") == 0 && YAJL_IS_STRING(x)) {
            pseudo_id(r, pid_out, str_of(x));
            fse_json_string(&r->w, pid_out);
        } else if (strcmp(k, "birthDate") == 0 && YAJL_IS_STRING(x)) {
            fse_json_string_len(&r->w, str_of(x), strnlen(str_of(x), 4));
        } else {
            write_value(r, x, k, 1);
        }
    }
    fse_json_object_end(&r->w);
    if (r->err == FSE_OK && fse_json_status(&r->w) != FSE_OK) {
        r->err = fse_json_status(&r->w);
    }
}

/* The identifiers no line may carry (the rewriting is also checked). */
static bool leaks(const exp_run *r, const char *line, size_t len)
{
    const char *needles[5];
    char compact[16] = "";
    const char *ext = strchr(r->unique_id, '^');
    size_t n = 0;
    size_t i;

    needles[n++] = r->unique_id;
    if (r->cf[0] != '\0') {
        needles[n++] = r->cf;
    }
    if (ext != NULL && strlen(ext + 1) >= 6) {
        needles[n++] = ext + 1;
    }
    if (strlen(r->birth) == 10) {
        snprintf(compact, sizeof(compact), "%.4s%.2s%.2s", r->birth, r->birth + 5, r->birth + 8);
        needles[n++] = r->birth;
        needles[n++] = compact;
    }
    for (i = 0; i < n; i++) {
        if (contains(line, len, needles[i])) {
            return true;
        }
    }
    return false;
}

/* ---- One document -------------------------------------------------------- */

/* Shared entities (persons, organisations, places) are the same in many
 * bundles: written once per export. */
static bool shared_type(const char *type)
{
    return is_person(type) || strcmp(type, "Organization") == 0 || strcmp(type, "Location") == 0 ||
           strcmp(type, "PractitionerRole") == 0;
}

static fse_err emit(exp_run *r, const char *type, yajl_val res)
{
    char pid[PSEUDO_LEN + 1];
    char key[FSE_STORE_EDS_MAX_TYPE + PSEUDO_LEN + 2];
    bool added = true;
    fse_err rc;

    write_resource(r, type, res, pid);
    if (r->err != FSE_OK) {
        return r->err;
    }
    if (leaks(r, r->out.data, r->out.len)) {
        return fse_error_set(FSE_E_INTERNAL, FSE_EDS_MODULE,
                             "export: an identifier survived in a %s of document %zu", type,
                             r->st.n_documents);
    }
    if (shared_type(type) && pid[0] != '\0') {
        snprintf(key, sizeof(key), "%s/%s", type, pid);
        rc = set_add(&r->written, key, &added);
        if (rc != FSE_OK) {
            return rc;
        }
    }
    if (!added) {
        return FSE_OK;
    }
    if (r->tfn != NULL) {
        rc = r->tfn(r->ud, type, res, r->pseudo);
        if (rc != FSE_OK) {
            return rc;
        }
    }
    if (r->fn != NULL) {
        rc = r->fn(r->ud, type, r->out.data, r->out.len);
        if (rc != FSE_OK) {
            return rc;
        }
    }
    r->st.n_resources++;
    return FSE_OK;
}

/* Parse the resources of a bundle; collect the ids and birth date of its
 * Patient resources. */
static fse_err parse_all(exp_run *r, const fse_store_eds_resource_list *l, yajl_val *trees)
{
    char msg[128];
    size_t i;
    fse_err rc;

    for (i = 0; i < l->n; i++) {
        yajl_val id;
        yajl_val bd;
        const char *pid_path[] = {"id", NULL};
        const char *bd_path[] = {"birthDate", NULL};

        trees[i] = yajl_tree_parse(l->items[i].json, msg, sizeof(msg));
        if (trees[i] == NULL || !YAJL_IS_OBJECT(trees[i])) {
            return fse_error_set(FSE_E_PARSE, FSE_EDS_MODULE,
                                 "export: a stored resource is not "
                                 "a JSON object");
        }
        if (strcmp(l->items[i].type, "Patient") != 0) {
            continue;
        }
        id = yajl_tree_get(trees[i], pid_path, yajl_t_string);
        bd = yajl_tree_get(trees[i], bd_path, yajl_t_string);
        if (id != NULL && strlen(str_of(id)) <= MAX_REF) {
            rc = set_add(&r->patient_ids, str_of(id), NULL);
            if (rc != FSE_OK) {
                return rc;
            }
        }
        if (bd != NULL && strlen(str_of(bd)) < sizeof(r->birth)) {
            memcpy(r->birth, str_of(bd), strlen(str_of(bd)) + 1);
        }
    }
    return FSE_OK;
}

static fse_err export_resources(exp_run *r, const fse_store_eds_resource_list *l)
{
    yajl_val *trees = fse_calloc(l->n == 0 ? 1 : l->n, sizeof(yajl_val));
    fse_err rc;
    size_t i;

    if (trees == NULL) {
        return fse_error_set(FSE_E_NOMEM, FSE_EDS_MODULE, "export");
    }
    rc = parse_all(r, l, trees);
    for (i = 0; i < l->n && rc == FSE_OK; i++) {
        rc = emit(r, l->items[i].type, trees[i]);
    }
    for (i = 0; i < l->n; i++) {
        yajl_tree_free(trees[i]);
    }
    fse_free(trees);
    return rc;
}

/* Hidden from every reader but the patient: not fed to the EDS (DMEDS
 * art.3 c.2; DM23 art.6 and art.9). */
static bool hidden(unsigned vis)
{
    return (vis & FSE_STORE_VIS_OBSCURED) != 0 ||
           ((vis & FSE_STORE_VIS_TUTELA) != 0 && (vis & FSE_STORE_VIS_TUTELA_RELEASED) == 0);
}

static fse_err export_document(exp_run *r, const char *unique_id)
{
    fse_store_doc_meta *m = NULL;
    fse_store_eds_resource_list *l = NULL;
    size_t cf_len;
    fse_err rc = fse_store_doc_get(&m, r->s, unique_id);

    if (rc == FSE_E_NOT_FOUND) {
        return FSE_OK; /* deleted since the page was read */
    }
    if (rc != FSE_OK) {
        return rc;
    }
    if (m->status != FSE_STORE_DOC_APPROVED || m->patient_id == NULL) {
        goto done; /* replaced: its bundle is superseded, not current */
    }
    if (hidden(m->visibility)) {
        r->st.n_hidden++;
        goto done;
    }
    rc = fse_store_eds_resources(&l, r->s, unique_id, NULL, 0, 0);
    if (rc == FSE_E_NOT_FOUND) {
        rc = FSE_OK;
        goto done;
    }
    if (rc != FSE_OK || l->n == 0) {
        goto done;
    }
    cf_len = strcspn(m->patient_id, "^");
    if (cf_len == 0 || cf_len >= sizeof(r->cf)) {
        rc = fse_error_set(FSE_E_INTERNAL, FSE_EDS_MODULE, "export: a document without patient");
        goto done;
    }
    memcpy(r->cf, m->patient_id, cf_len);
    r->cf[cf_len] = '\0';
    r->unique_id = m->unique_id;
    r->birth[0] = '\0';
    set_free(&r->patient_ids);
    hmac_hex(r->pseudo, r->key, "patient:", r->cf);
    rc = set_add(&r->patients, r->pseudo, NULL);
    if (rc == FSE_OK) {
        rc = export_resources(r, l);
    }
    if (rc == FSE_OK) {
        r->st.n_documents++;
    }
done:
    r->unique_id = NULL;
    fse_store_eds_resource_list_free(l);
    fse_store_doc_meta_free(m);
    return rc;
}

/* ---- Enumeration and the run --------------------------------------------- */

/* Every current bundle, a page at a time in uniqueId order. */
static fse_err export_all(exp_run *r)
{
    char after[MAX_UID];
    fse_err rc = FSE_OK;
    bool more = true;

    after[0] = '\0';
    while (rc == FSE_OK && more) {
        fse_store_eds_list *page = NULL;
        size_t i;

        rc = fse_store_eds_list_all(&page, r->s, 0, after, FSE_STORE_EDS_PAGE);
        if (rc != FSE_OK) {
            break;
        }
        for (i = 0; i < page->n && rc == FSE_OK; i++) {
            rc = export_document(r, page->items[i].unique_id);
        }
        more = page->n == FSE_STORE_EDS_PAGE;
        if (page->n > 0) {
            snprintf(after, sizeof(after), "%s", page->items[page->n - 1].unique_id);
        }
        fse_store_eds_list_free(page);
    }
    return rc;
}

static fse_err check_opts(const fse_eds_export_opts *o)
{
    size_t i;
    size_t n;

    if (o == NULL || o->node_secret == NULL || o->node_secret_len < FSE_EDS_SECRET_MIN) {
        return fse_error_set(FSE_E_ARG, FSE_EDS_MODULE,
                             "export: a node secret of at least %u "
                             "bytes is required",
                             FSE_EDS_SECRET_MIN);
    }
    n = o->purpose == NULL ? 0 : strlen(o->purpose);
    if (n == 0 || n > FSE_EDS_PURPOSE_MAX) {
        return fse_error_set(FSE_E_ARG, FSE_EDS_MODULE, "export: purpose of 1 to %u characters",
                             FSE_EDS_PURPOSE_MAX);
    }
    for (i = 0; i < n; i++) {
        char c = o->purpose[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '.' || c == '_' || c == '-';

        if (!ok) {
            return fse_error_set(FSE_E_ARG, FSE_EDS_MODULE,
                                 "export: purpose may hold letters, digits, '.', '_', '-'");
        }
    }
    return FSE_OK;
}

static fse_err run(exp_run *r, const fse_eds_export_opts *o)
{
    unsigned int len = 0;
    char label[32 + FSE_EDS_PURPOSE_MAX];
    fse_err rc = check_opts(o);

    if (rc != FSE_OK) {
        return rc;
    }
    snprintf(label, sizeof(label), "eds-pseudonym:%s", o->purpose);
    if (o->node_secret_len > INT32_MAX ||
        HMAC(EVP_sha256(), o->node_secret, (int)o->node_secret_len, (const uint8_t *)label,
             strlen(label), r->key, &len) == NULL ||
        len != KEY_LEN) {
        return fse_error_set(FSE_E_CRYPTO, FSE_EDS_MODULE, "export: purpose key");
    }
    fse_buf_init(&r->out, FSE_STORE_EDS_MAX_BUNDLE_BYTES);
    rc = export_all(r);
    r->st.n_patients = r->patients.n;
    return rc;
}

static void run_free(exp_run *r)
{
    fse_buf_free(&r->out);
    set_free(&r->written);
    set_free(&r->patients);
    set_free(&r->patient_ids);
    OPENSSL_cleanse(r->key, sizeof(r->key));
}

fse_err fse_eds__export_run(fse_eds_export_stats *stats_out, fse_store *s,
                            const fse_eds_export_opts *o, fse_eds_export_fn fn, eds_tree_fn tfn,
                            void *ud)
{
    exp_run r;
    fse_err rc;

    memset(&r, 0, sizeof(r));
    if (stats_out != NULL) {
        memset(stats_out, 0, sizeof(*stats_out));
    }
    if (s == NULL) {
        return fse_error_set(FSE_E_ARG, FSE_EDS_MODULE, "export: no store");
    }
    r.s = s;
    r.fn = fn;
    r.tfn = tfn;
    r.ud = ud;
    rc = run(&r, o);
    if (stats_out != NULL) {
        *stats_out = r.st;
    }
    run_free(&r);
    return rc;
}

fse_err fse_eds_export(fse_eds_export_stats *stats_out, fse_store *s, const fse_eds_export_opts *o,
                       fse_eds_export_fn fn, void *ud)
{
    if (fn == NULL) {
        if (stats_out != NULL) {
            memset(stats_out, 0, sizeof(*stats_out));
        }
        return fse_error_set(FSE_E_ARG, FSE_EDS_MODULE, "export: no sink");
    }
    return fse_eds__export_run(stats_out, s, o, fn, NULL, ud);
}
