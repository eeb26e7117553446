/*
 * lib/store/store_meta.c - the document metadata record: argument checks,
 * its sealed serialisation, and the plain columns derived from it.
 *
 * Owns the TLV tags of the sealed record (never renumbered), the field
 * limits, the derivation of the plain (searchable) columns from a record and
 * their comparison with what the database returned (a mismatch means the
 * plain copy was changed outside the store). The visibility bits are such a
 * column too: the policy reads them, so they are sealed and compared like
 * the others, and changing them reseals the record (store_doc.c). Does not own encryption or the
 * document operations (store_doc.c).
 */
#include "store_int.h"

#include <stddef.h>
#include <string.h>

#include "fse/json.h"

/* Tags of the sealed metadata record. Never renumbered. */
enum {
    TAG_UNIQUE_ID = 1,
    TAG_REPOSITORY_ID = 2,
    TAG_PATIENT_ID = 3,
    TAG_CLASS_CODE = 4,
    TAG_TYPE_CODE = 5,
    TAG_FORMAT_CODE = 6,
    TAG_PRACTICE_SETTING = 7,
    TAG_FACILITY_TYPE = 8,
    TAG_CONTENT_TYPE = 9,
    TAG_EVENT_CODE = 10, /* repeated */
    TAG_AUTHOR_PERSON = 11,
    TAG_AUTHOR_ROLE = 12,
    TAG_AUTHOR_INSTITUTION = 13,
    TAG_CONFIDENTIALITY = 14,
    TAG_TITLE = 15,
    TAG_CREATION_TIME = 16,
    TAG_SERVICE_START = 17,
    TAG_SERVICE_STOP = 18,
    TAG_REFERENCE_ID = 19,
    TAG_REPOSITORY_TYPE = 20,
    TAG_SUBMISSION_SET = 21,
    TAG_WII = 22,
    TAG_REPLACES = 23,
    TAG_DOC_ID = 24,
    TAG_STATUS = 25,
    TAG_VERSION = 26,
    TAG_REPLACED_BY = 27,
    TAG_HASH_SHA1 = 28,
    TAG_HASH_SHA256 = 29,
    TAG_CDA_SHA256 = 30,
    TAG_SIZE = 31,
    TAG_CDA_SIZE = 32,
    TAG_CREATED = 33,
    TAG_UPDATED = 34,
    TAG_DELETED = 35,
    TAG_VISIBILITY = 36 /* absent in records sealed before schema 2: 0 */
};

/* The string fields: tag, offset, limit, required on input. */
typedef struct str_field {
    uint8_t tag;
    size_t off;
    size_t max;
    bool required;
    const char *name;
} str_field;

#define F(tag, field, max, req)                                                                    \
    {                                                                                              \
        tag, offsetof(fse_store_doc_meta, field), max, req, #field                                 \
    }

static const str_field str_fields[] = {
    F(TAG_UNIQUE_ID, unique_id, STORE_MAX_ID_LEN, true),
    F(TAG_REPOSITORY_ID, repository_id, STORE_MAX_ID_LEN, true),
    F(TAG_PATIENT_ID, patient_id, STORE_MAX_ID_LEN, true),
    F(TAG_CLASS_CODE, class_code, STORE_MAX_TEXT_LEN, false),
    F(TAG_TYPE_CODE, type_code, STORE_MAX_TEXT_LEN, false),
    F(TAG_FORMAT_CODE, format_code, STORE_MAX_TEXT_LEN, false),
    F(TAG_PRACTICE_SETTING, practice_setting_code, STORE_MAX_TEXT_LEN, false),
    F(TAG_FACILITY_TYPE, facility_type_code, STORE_MAX_TEXT_LEN, false),
    F(TAG_CONTENT_TYPE, content_type_code, STORE_MAX_TEXT_LEN, false),
    F(TAG_AUTHOR_PERSON, author_person, STORE_MAX_TEXT_LEN, false),
    F(TAG_AUTHOR_ROLE, author_role, STORE_MAX_TEXT_LEN, false),
    F(TAG_AUTHOR_INSTITUTION, author_institution, STORE_MAX_TEXT_LEN, false),
    F(TAG_CONFIDENTIALITY, confidentiality_code, STORE_MAX_TEXT_LEN, false),
    F(TAG_TITLE, title, STORE_MAX_TEXT_LEN, false),
    F(TAG_CREATION_TIME, creation_time, STORE_MAX_TEXT_LEN, false),
    F(TAG_SERVICE_START, service_start_time, STORE_MAX_TEXT_LEN, false),
    F(TAG_SERVICE_STOP, service_stop_time, STORE_MAX_TEXT_LEN, false),
    F(TAG_REFERENCE_ID, reference_id, STORE_MAX_TEXT_LEN, false),
    F(TAG_REPOSITORY_TYPE, repository_type, STORE_MAX_TEXT_LEN, false),
    F(TAG_SUBMISSION_SET, submission_set_id, STORE_MAX_TEXT_LEN, false),
    F(TAG_WII, workflow_instance_id, STORE_MAX_ID_LEN, false),
    F(TAG_REPLACES, replaces_unique_id, STORE_MAX_ID_LEN, false),
    /* Set by the store: not checked on input. */
    F(TAG_DOC_ID, doc_id, 0, false),
    F(TAG_REPLACED_BY, replaced_by_unique_id, 0, false),
    F(TAG_HASH_SHA1, hash_sha1, 0, false),
    F(TAG_HASH_SHA256, hash_sha256, 0, false),
    F(TAG_CDA_SHA256, cda_sha256, 0, false),
};
#undef F
#define N_STR_FIELDS (sizeof(str_fields) / sizeof(str_fields[0]))

static const char *get_str(const fse_store_doc_meta *m, const str_field *f)
{
    const char *const *p = (const char *const *)(const void *)((const char *)m + f->off);

    return *p;
}

static void set_str(fse_store_doc_meta *m, const str_field *f, const char *v)
{
    const char **p = (const char **)(void *)((char *)m + f->off);

    *p = v;
}

fse_err fse_store__meta_check(const fse_store_doc_meta *m)
{
    fse_err rc = FSE_OK;
    size_t i;

    for (i = 0; i < N_STR_FIELDS && rc == FSE_OK; i++) {
        if (str_fields[i].max > 0) {
            rc = fse_store__check_str(get_str(m, &str_fields[i]), str_fields[i].name,
                                      str_fields[i].max, str_fields[i].required);
        }
    }
    if (rc != FSE_OK) {
        return rc;
    }
    if (m->n_event_codes > STORE_MAX_EVENT_CODES) {
        return fse_error_set(FSE_E_LIMIT, FSE_STORE_MODULE, "more than %u event codes",
                             STORE_MAX_EVENT_CODES);
    }
    if (m->n_event_codes > 0 && m->event_codes == NULL) {
        return fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "event_codes missing");
    }
    if ((m->visibility & ~FSE_STORE_VIS_ALL) != 0) {
        return fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "unknown visibility bits 0x%x",
                             m->visibility & ~FSE_STORE_VIS_ALL);
    }
    for (i = 0; i < m->n_event_codes && rc == FSE_OK; i++) {
        rc = fse_store__check_str(m->event_codes[i], "event code", STORE_MAX_TEXT_LEN, true);
    }
    return rc;
}

fse_err fse_store__meta_encode(fse_buf *out, const fse_store_doc_meta *m)
{
    fse_err rc = FSE_OK;
    size_t i;

    for (i = 0; i < N_STR_FIELDS && rc == FSE_OK; i++) {
        rc = fse_store__tlv_str(out, str_fields[i].tag, get_str(m, &str_fields[i]));
    }
    for (i = 0; i < m->n_event_codes && rc == FSE_OK; i++) {
        rc = fse_store__tlv_str(out, TAG_EVENT_CODE, m->event_codes[i]);
    }
    if (rc == FSE_OK) {
        rc = fse_store__tlv_i64(out, TAG_STATUS, m->status);
    }
    if (rc == FSE_OK) {
        rc = fse_store__tlv_i64(out, TAG_VERSION, m->version);
    }
    if (rc == FSE_OK) {
        rc = fse_store__tlv_i64(out, TAG_SIZE, (int64_t)m->size);
    }
    if (rc == FSE_OK) {
        rc = fse_store__tlv_i64(out, TAG_CDA_SIZE, (int64_t)m->cda_size);
    }
    if (rc == FSE_OK) {
        rc = fse_store__tlv_i64(out, TAG_CREATED, m->created_ms);
    }
    if (rc == FSE_OK) {
        rc = fse_store__tlv_i64(out, TAG_UPDATED, m->updated_ms);
    }
    if (rc == FSE_OK) {
        rc = fse_store__tlv_i64(out, TAG_DELETED, m->deleted_ms);
    }
    if (rc == FSE_OK) {
        rc = fse_store__tlv_i64(out, TAG_VISIBILITY, (int64_t)m->visibility);
    }
    return rc;
}

/* Store an integer field of the record. */
static bool set_int(fse_store_doc_meta *m, uint8_t tag, int64_t v)
{
    switch (tag) {
    case TAG_STATUS:
        m->status = (fse_store_doc_status)v;
        return true;
    case TAG_VERSION:
        m->version = (int)v;
        return true;
    case TAG_SIZE:
        m->size = (uint64_t)v;
        return true;
    case TAG_CDA_SIZE:
        m->cda_size = (uint64_t)v;
        return true;
    case TAG_CREATED:
        m->created_ms = v;
        return true;
    case TAG_UPDATED:
        m->updated_ms = v;
        return true;
    case TAG_DELETED:
        m->deleted_ms = v;
        return true;
    case TAG_VISIBILITY:
        m->visibility = (unsigned)v;
        return true;
    default:
        return false;
    }
}

/* Decode one field into m (strings copied into a). */
static fse_err decode_field(fse_store_doc_meta *m, store_arena *a, const char **codes,
                            size_t *n_codes, uint8_t tag, const uint8_t *val, size_t len)
{
    int64_t v = 0;
    size_t i;

    if (tag == TAG_EVENT_CODE) {
        if (*n_codes == STORE_MAX_EVENT_CODES) {
            return fse_error_set(FSE_E_PARSE, FSE_STORE_MODULE, "too many event codes");
        }
        codes[*n_codes] = fse_store__arena_strndup(a, (const char *)val, len);
        if (codes[*n_codes] == NULL) {
            return fse_error_set(FSE_E_NOMEM, FSE_STORE_MODULE, "metadata");
        }
        (*n_codes)++;
        return FSE_OK;
    }
    for (i = 0; i < N_STR_FIELDS; i++) {
        if (str_fields[i].tag == tag) {
            char *s = fse_store__arena_strndup(a, (const char *)val, len);

            if (s == NULL) {
                return fse_error_set(FSE_E_NOMEM, FSE_STORE_MODULE, "metadata");
            }
            set_str(m, &str_fields[i], s);
            return FSE_OK;
        }
    }
    if (fse_store__tlv_get_i64(val, len, &v)) {
        (void)set_int(m, tag, v); /* unknown tags are skipped */
    }
    return FSE_OK;
}

fse_err fse_store__meta_decode(fse_store_doc_meta **out, const uint8_t *p, size_t len)
{
    store_arena *a = fse_store__arena_new();
    fse_store_doc_meta *m = NULL;
    const char *codes[STORE_MAX_EVENT_CODES];
    size_t n_codes = 0;
    store_tlv_reader r = {p, len, 0};
    fse_err rc = FSE_OK;

    *out = NULL;
    if (a == NULL) {
        return fse_error_set(FSE_E_NOMEM, FSE_STORE_MODULE, "metadata");
    }
    m = fse_store__arena_alloc(a, sizeof(*m));
    if (m == NULL) {
        rc = fse_error_set(FSE_E_NOMEM, FSE_STORE_MODULE, "metadata");
        goto done;
    }
    m->arena_ = a;
    for (;;) {
        uint8_t tag = 0;
        const uint8_t *val = NULL;
        size_t val_len = 0;

        rc = fse_store__tlv_next(&r, &tag, &val, &val_len);
        if (rc == FSE_E_NOT_FOUND) {
            rc = FSE_OK;
            break;
        }
        if (rc == FSE_OK) {
            rc = decode_field(m, a, codes, &n_codes, tag, val, val_len);
        }
        if (rc != FSE_OK) {
            goto done;
        }
    }
    if (n_codes > 0) {
        const char **arr = fse_store__arena_alloc(a, n_codes * sizeof(*arr));

        if (arr == NULL) {
            rc = fse_error_set(FSE_E_NOMEM, FSE_STORE_MODULE, "metadata");
            goto done;
        }
        memcpy(arr, codes, n_codes * sizeof(*arr));
        m->event_codes = arr;
        m->n_event_codes = n_codes;
    }
    if (m->unique_id == NULL || m->doc_id == NULL || m->patient_id == NULL) {
        rc = fse_error_set(FSE_E_PARSE, FSE_STORE_MODULE, "metadata record incomplete");
    }
done:
    if (rc != FSE_OK) {
        fse_store__arena_free(a);
        return rc;
    }
    *out = m;
    return FSE_OK;
}

fse_err fse_store__meta_tombstone(fse_store_doc_meta **out, const store_doc_row *row)
{
    store_arena *a = fse_store__arena_new();
    fse_store_doc_meta *m = NULL;

    *out = NULL;
    if (a == NULL) {
        return fse_error_set(FSE_E_NOMEM, FSE_STORE_MODULE, "metadata");
    }
    m = fse_store__arena_alloc(a, sizeof(*m));
    if (m == NULL) {
        fse_store__arena_free(a);
        return fse_error_set(FSE_E_NOMEM, FSE_STORE_MODULE, "metadata");
    }
    m->arena_ = a;
    m->doc_id = fse_store__arena_strdup(a, row->doc_id);
    m->unique_id = fse_store__arena_strdup(a, row->unique_id);
    m->replaces_unique_id = fse_store__arena_strdup(a, row->replaces);
    m->replaced_by_unique_id = fse_store__arena_strdup(a, row->replaced_by);
    m->status = FSE_STORE_DOC_DELETED;
    m->version = row->version;
    m->created_ms = row->created_ms;
    m->updated_ms = row->updated_ms;
    m->deleted_ms = row->deleted_ms;
    if ((row->doc_id != NULL && m->doc_id == NULL) ||
        (row->unique_id != NULL && m->unique_id == NULL) ||
        (row->replaces != NULL && m->replaces_unique_id == NULL) ||
        (row->replaced_by != NULL && m->replaced_by_unique_id == NULL)) {
        fse_store__arena_free(a);
        return fse_error_set(FSE_E_NOMEM, FSE_STORE_MODULE, "metadata");
    }
    *out = m;
    return FSE_OK;
}

fse_err fse_store__meta_plain(store_doc_row *row, fse_buf *codes,
                              char patient_ref[FSE_STORE_REF_LEN], fse_store *s,
                              const fse_store_doc_meta *m)
{
    fse_err rc = fse_store_ref(patient_ref, s, FSE_STORE_REF_PATIENT, m->patient_id);
    size_t i;

    memset(row, 0, sizeof(*row));
    if (rc != FSE_OK) {
        return rc;
    }
    if (m->n_event_codes > 0) {
        fse_json w;

        fse_json_init(&w, codes);
        fse_json_array_begin(&w);
        for (i = 0; i < m->n_event_codes; i++) {
            fse_json_string(&w, m->event_codes[i]);
        }
        fse_json_array_end(&w);
        rc = fse_json_status(&w);
        if (rc != FSE_OK) {
            return fse_error_set(rc, FSE_STORE_MODULE, "event codes do not fit");
        }
        row->event_codes = codes->data;
    }
    row->doc_id = m->doc_id;
    row->unique_id = m->unique_id;
    row->status = (int)m->status;
    row->version = m->version;
    row->repository_id = m->repository_id;
    row->patient_ref = patient_ref;
    row->class_code = m->class_code;
    row->type_code = m->type_code;
    row->practice_setting_code = m->practice_setting_code;
    row->facility_type_code = m->facility_type_code;
    row->confidentiality_code = m->confidentiality_code;
    row->author_institution = m->author_institution;
    row->creation_time = m->creation_time;
    row->workflow_instance_id = m->workflow_instance_id;
    row->replaces = m->replaces_unique_id;
    row->replaced_by = m->replaced_by_unique_id;
    row->created_ms = m->created_ms;
    row->updated_ms = m->updated_ms;
    row->deleted_ms = m->deleted_ms;
    row->visibility = m->visibility;
    return FSE_OK;
}

static bool same(const char *a, const char *b)
{
    if (a == NULL || b == NULL) {
        return a == b;
    }
    return strcmp(a, b) == 0;
}

const char *fse_store__meta_row_diff(const store_doc_row *a, const store_doc_row *b)
{
    static const struct {
        size_t off;
        const char *name;
    } cols[] = {
#define C(f) {offsetof(store_doc_row, f), #f}
        C(doc_id),
        C(unique_id),
        C(repository_id),
        C(patient_ref),
        C(class_code),
        C(type_code),
        C(practice_setting_code),
        C(facility_type_code),
        C(confidentiality_code),
        C(event_codes),
        C(author_institution),
        C(creation_time),
        C(workflow_instance_id),
        C(replaces),
        C(replaced_by),
#undef C
    };
    size_t i;

    for (i = 0; i < sizeof(cols) / sizeof(cols[0]); i++) {
        const char *va = *(const char *const *)(const void *)((const char *)a + cols[i].off);
        const char *vb = *(const char *const *)(const void *)((const char *)b + cols[i].off);

        if (!same(va, vb)) {
            return cols[i].name;
        }
    }
    if (a->status != b->status) {
        return "status";
    }
    if (a->version != b->version) {
        return "version";
    }
    if (a->visibility != b->visibility) {
        return "visibility";
    }
    if (a->created_ms != b->created_ms || a->updated_ms != b->updated_ms ||
        a->deleted_ms != b->deleted_ms) {
        return "times";
    }
    return NULL;
}
