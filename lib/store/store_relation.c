/*
 * lib/store/store_relation.c - the store front end for the relations
 * between persons and a patient: delegates, guardians, parents, declared
 * care and emergency grants; recording, ending, flagging, and the two
 * listings (a patient's relations, and the relations of one actor over all
 * patients).
 *
 * Owns the checks of a relation (kind, flags, validity interval), when a
 * relation is in force (valid_from <= at < valid_to or open, and not ended:
 * an ended relation is out of force at once, whatever the clocks say), and
 * its protection: the patient and the actor are keyed references in the
 * row; the patient id, the actor id and the reason are sealed with the
 * "seal" node key under associated data binding every plain column, so
 * ending or flagging reseals, and the patient id can be given back to the
 * actor listing their relations. Does not own the sealed-record helpers
 * (store_privacy.c), the statements (store_sqlite_privacy.c) or what a
 * relation allows (lib/policy).
 */
#include "store_int.h"

#include <stddef.h>
#include <string.h>

/* The sealed part of a relation, in the record that carries the patient
 * too: tags never renumbered. */
static const store_rec_field relation_sealed[] = {
    {1, offsetof(fse_store_actor_relation, patient_id)},
    {2, offsetof(fse_store_actor_relation, rel.actor_id)},
    {3, offsetof(fse_store_actor_relation, rel.reason)},
};
#define N_RELATION_SEALED (sizeof(relation_sealed) / sizeof(relation_sealed[0]))

#define KNOWN_KINDS                                                                                \
    (FSE_STORE_REL_BIT(FSE_STORE_REL_DELEGATE) | FSE_STORE_REL_BIT(FSE_STORE_REL_GUARDIAN) |       \
     FSE_STORE_REL_BIT(FSE_STORE_REL_PARENT) | FSE_STORE_REL_BIT(FSE_STORE_REL_CARE) |             \
     FSE_STORE_REL_BIT(FSE_STORE_REL_EMERGENCY))
#define KNOWN_FLAGS FSE_STORE_REL_F_PSS_READ

static bool kind_ok(fse_store_relation_kind k)
{
    return k >= FSE_STORE_REL_DELEGATE && k <= FSE_STORE_REL_EMERGENCY;
}

static void relation_aad(store_aad *a, const store_relation_row *row)
{
    fse_store__aad_init(a, "fse-relation v1");
    fse_store__aad_str(a, row->patient_ref);
    fse_store__aad_i64(a, row->kind);
    fse_store__aad_str(a, row->actor_ref);
    fse_store__aad_str(a, row->actor_role);
    fse_store__aad_str(a, row->organisation);
    fse_store__aad_i64(a, row->valid_from_ms);
    fse_store__aad_i64(a, row->valid_to_ms);
    fse_store__aad_i64(a, row->ended_ms);
    fse_store__aad_i64(a, (int64_t)row->flags);
    fse_store__aad_i64(a, row->created_ms);
}

/* The plain columns of r for the patient and actor references. */
static void relation_row(store_relation_row *row, const fse_store_relation *r,
                         const char *patient_ref, const char *actor_ref)
{
    memset(row, 0, sizeof(*row));
    row->id = r->id;
    row->patient_ref = patient_ref;
    row->kind = (int)r->kind;
    row->actor_ref = actor_ref;
    row->actor_role = fse_store__nonempty(r->actor_role);
    row->organisation = fse_store__nonempty(r->organisation);
    row->valid_from_ms = r->valid_from_ms;
    row->valid_to_ms = r->valid_to_ms;
    row->ended_ms = r->ended_ms;
    row->flags = r->flags;
    row->created_ms = r->created_ms;
}

/* Seal the person fields of r into row (bound to its columns); *sealed is
 * the caller's to free. */
static fse_err relation_seal(uint8_t **sealed, store_relation_row *row, fse_store *s,
                             const fse_store_actor_relation *r)
{
    store_aad aad;
    fse_err rc;

    relation_aad(&aad, row);
    rc = fse_store__rec_seal(sealed, &row->sealed_len, s, &aad, r, relation_sealed,
                             N_RELATION_SEALED);
    row->sealed = *sealed;
    return rc;
}

/* Open one row into out; strings in a. */
static fse_err relation_decode(fse_store *s, const store_relation_row *row, store_arena *a,
                               fse_store_actor_relation *out)
{
    fse_store_relation *r = &out->rel;
    store_aad aad;
    fse_err rc;

    relation_aad(&aad, row);
    rc = fse_store__rec_open(s, &aad, row->sealed, row->sealed_len, a, out, relation_sealed,
                             N_RELATION_SEALED, "relation", row->id);
    if (rc == FSE_OK && (!fse_store__arena_set(a, &r->actor_role, row->actor_role) ||
                         !fse_store__arena_set(a, &r->organisation, row->organisation))) {
        rc = fse_error_set(FSE_E_NOMEM, FSE_STORE_MODULE, "relations");
    }
    if (rc == FSE_OK && (out->patient_id == NULL || r->actor_id == NULL || row->actor_ref == NULL ||
                         strlen(row->actor_ref) != FSE_STORE_REF_LEN - 1)) {
        rc = fse_error_set(FSE_E_CRYPTO, FSE_STORE_MODULE, "relation %lld malformed",
                           (long long)row->id);
    }
    if (rc != FSE_OK) {
        return rc;
    }
    memcpy(r->actor_ref, row->actor_ref, FSE_STORE_REF_LEN);
    r->id = row->id;
    r->kind = (fse_store_relation_kind)row->kind;
    r->valid_from_ms = row->valid_from_ms;
    r->valid_to_ms = row->valid_to_ms;
    r->ended_ms = row->ended_ms;
    r->flags = row->flags;
    r->created_ms = row->created_ms;
    return FSE_OK;
}

static fse_err relation_check(const fse_store_relation *r)
{
    fse_err rc = fse_store__check_str(r->actor_id, "actor_id", STORE_MAX_ID_LEN, true);

    if (rc == FSE_OK) {
        rc = fse_store__check_str(r->actor_role, "actor_role", STORE_MAX_ID_LEN, false);
    }
    if (rc == FSE_OK) {
        rc = fse_store__check_str(r->organisation, "organisation", STORE_MAX_ID_LEN, false);
    }
    if (rc == FSE_OK) {
        rc = fse_store__check_str(r->reason, "reason", STORE_MAX_TEXT_LEN, false);
    }
    if (rc != FSE_OK) {
        return rc;
    }
    if (!kind_ok(r->kind)) {
        return fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "unknown relation kind %d", (int)r->kind);
    }
    if ((r->flags & ~KNOWN_FLAGS) != 0) {
        return fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "unknown relation flags 0x%x",
                             r->flags & ~KNOWN_FLAGS);
    }
    if (r->valid_to_ms != 0 && r->valid_to_ms <= r->valid_from_ms) {
        return fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "relation ends before it starts");
    }
    return FSE_OK;
}

fse_err fse_store_relation_add(fse_store *s, const char *patient_id, const fse_store_relation *r,
                               int64_t *id_out)
{
    char patient_ref[FSE_STORE_REF_LEN];
    char actor_ref[FSE_STORE_REF_LEN];
    fse_store_actor_relation rel;
    store_relation_row row;
    uint8_t *sealed = NULL;
    fse_err rc;

    if (s == NULL || patient_id == NULL || r == NULL) {
        return fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "relation add: missing argument");
    }
    rc = relation_check(r);
    if (rc == FSE_OK) {
        rc = fse_store_ref(patient_ref, s, FSE_STORE_REF_PATIENT, patient_id);
    }
    if (rc == FSE_OK) {
        rc = fse_store_ref(actor_ref, s, FSE_STORE_REF_ACTOR, r->actor_id);
    }
    if (rc != FSE_OK) {
        return rc;
    }
    rel.rel = *r;
    rel.rel.id = 0;
    rel.rel.ended_ms = 0;
    rel.rel.created_ms = fse_store_now_ms();
    rel.patient_id = patient_id;
    relation_row(&row, &rel.rel, patient_ref, actor_ref);
    rc = relation_seal(&sealed, &row, s, &rel);
    if (rc == FSE_OK) {
        rc = fse_store__op_begin(s, STORE_TX_WRITE);
        if (rc == FSE_OK) {
            rc = fse_store__op_end(s, s->be->relation_insert(s->conn, &row, id_out));
        }
    }
    fse_free(sealed);
    return rc;
}

typedef struct one_ctx {
    fse_store *s;
    store_arena *a;
    fse_store_actor_relation r;
    bool found;
} one_ctx;

static fse_err on_one(const store_relation_row *row, void *ctx)
{
    one_ctx *o = ctx;
    fse_err rc = relation_decode(o->s, row, o->a, &o->r);

    o->found = rc == FSE_OK;
    return rc;
}

/* Load relation id of the patient, end it (ended_ms != 0: NOT_FOUND when
 * already ended) and/or OR flags into it, and reseal it. */
static fse_err relation_change(fse_store *s, const char *patient_id, int64_t id, int64_t ended_ms,
                               unsigned flags)
{
    char ref[FSE_STORE_REF_LEN];
    store_relation_filter f;
    store_relation_row row;
    one_ctx o;
    uint8_t *sealed = NULL;
    fse_err rc;

    memset(&o, 0, sizeof(o));
    o.s = s;
    rc = fse_store_ref(ref, s, FSE_STORE_REF_PATIENT, patient_id);
    if (rc == FSE_OK) {
        o.a = fse_store__arena_new();
        rc = o.a != NULL ? FSE_OK : fse_error_set(FSE_E_NOMEM, FSE_STORE_MODULE, "relation");
    }
    if (rc == FSE_OK) {
        rc = fse_store__op_begin(s, STORE_TX_WRITE);
    }
    if (rc != FSE_OK) {
        fse_store__arena_free(o.a);
        return rc;
    }
    memset(&f, 0, sizeof(f));
    f.patient_ref = ref;
    f.id = id;
    f.limit = 1;
    rc = s->be->relation_list(s->conn, &f, on_one, &o);
    if (rc == FSE_OK && (!o.found || (ended_ms != 0 && o.r.rel.ended_ms != 0))) {
        rc = fse_error_set(FSE_E_NOT_FOUND, FSE_STORE_MODULE, "relation %lld %s", (long long)id,
                           o.found ? "already ended" : "not found for this patient");
    }
    if (rc == FSE_OK) {
        if (ended_ms != 0) {
            o.r.rel.ended_ms = ended_ms;
        }
        o.r.rel.flags |= flags;
        relation_row(&row, &o.r.rel, ref, o.r.rel.actor_ref);
        rc = relation_seal(&sealed, &row, s, &o.r);
    }
    if (rc == FSE_OK) {
        rc = s->be->relation_update(s->conn, &row);
        if (rc == FSE_E_NOT_FOUND) {
            rc = fse_error_set(FSE_E_NOT_FOUND, FSE_STORE_MODULE, "relation %lld vanished",
                               (long long)id);
        }
    }
    rc = fse_store__op_end(s, rc);
    fse_free(sealed);
    fse_store__arena_free(o.a);
    return rc;
}

fse_err fse_store_relation_end(fse_store *s, const char *patient_id, int64_t id, int64_t now_ms)
{
    if (s == NULL || patient_id == NULL || now_ms <= 0) {
        return fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "relation end: bad argument");
    }
    return relation_change(s, patient_id, id, now_ms, 0);
}

fse_err fse_store_relation_flag(fse_store *s, const char *patient_id, int64_t id, unsigned flags)
{
    if (s == NULL || patient_id == NULL || (flags & ~KNOWN_FLAGS) != 0) {
        return fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "relation flag: bad argument");
    }
    return relation_change(s, patient_id, id, 0, flags);
}

static fse_err on_relation(const store_relation_row *row, void *ctx)
{
    store_list *l = ctx;
    fse_store_actor_relation full;
    fse_store_relation *r;
    fse_err rc = FSE_OK;

    r = fse_store__list_push(l, &rc);
    if (r == NULL) {
        return rc;
    }
    memset(&full, 0, sizeof(full));
    rc = relation_decode(l->s, row, l->a, &full);
    *r = full.rel;
    return rc;
}

static fse_err on_actor_relation(const store_relation_row *row, void *ctx)
{
    store_list *l = ctx;
    fse_store_actor_relation *r;
    fse_err rc = FSE_OK;

    r = fse_store__list_push(l, &rc);
    if (r == NULL) {
        return rc;
    }
    return relation_decode(l->s, row, l->a, r);
}

/* Run a relation query into a list of item_size items; NULL with *rc set on
 * failure. */
static void *relation_query(store_list *l, fse_err *rc, fse_store *s,
                            const store_relation_filter *f, store_relation_fn fn, size_t item_size,
                            size_t list_size)
{
    *rc = fse_store__list_begin(l, s, item_size, STORE_MAX_PRIVACY_ROWS);
    if (*rc != FSE_OK) {
        return NULL;
    }
    *rc = s->be->relation_list(s->conn, f, fn, l);
    return fse_store__list_end(l, rc, list_size, "relations");
}

fse_err fse_store_relation_list_get(fse_store_relation_list **out, fse_store *s,
                                    const fse_store_relation_query *q)
{
    char patient_ref[FSE_STORE_REF_LEN];
    char actor_ref[FSE_STORE_REF_LEN];
    fse_store_relation_list *list;
    store_relation_filter f;
    store_list l;
    fse_err rc;

    if (out != NULL) {
        *out = NULL;
    }
    if (out == NULL || s == NULL || q == NULL || q->patient_id == NULL ||
        (q->kinds & ~KNOWN_KINDS) != 0 || q->at_ms < 0) {
        return fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "relation list: bad argument");
    }
    memset(&f, 0, sizeof(f));
    rc = fse_store_ref(patient_ref, s, FSE_STORE_REF_PATIENT, q->patient_id);
    if (rc == FSE_OK && q->actor_id != NULL) {
        rc = fse_store_ref(actor_ref, s, FSE_STORE_REF_ACTOR, q->actor_id);
        f.actor_ref = actor_ref;
    }
    if (rc != FSE_OK) {
        return rc;
    }
    f.patient_ref = patient_ref;
    f.kinds = q->kinds;
    f.at_ms = q->at_ms;
    f.limit = STORE_MAX_PRIVACY_ROWS + 1;
    list = relation_query(&l, &rc, s, &f, on_relation, sizeof(fse_store_relation), sizeof(*list));
    if (list != NULL) {
        list->n_relations = l.n;
        list->relations = l.items;
        list->arena_ = l.a;
        *out = list;
    }
    return rc;
}

fse_err fse_store_relation_of_actor(fse_store_actor_relation_list **out, fse_store *s,
                                    const char *actor_id, unsigned kinds, int64_t at_ms)
{
    char actor_ref[FSE_STORE_REF_LEN];
    fse_store_actor_relation_list *list;
    store_relation_filter f;
    store_list l;
    fse_err rc;

    if (out != NULL) {
        *out = NULL;
    }
    if (out == NULL || s == NULL || actor_id == NULL || (kinds & ~KNOWN_KINDS) != 0 || at_ms < 0) {
        return fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "relations of actor: bad argument");
    }
    rc = fse_store_ref(actor_ref, s, FSE_STORE_REF_ACTOR, actor_id);
    if (rc != FSE_OK) {
        return rc;
    }
    memset(&f, 0, sizeof(f));
    f.actor_ref = actor_ref;
    f.kinds = kinds;
    f.at_ms = at_ms;
    f.limit = STORE_MAX_PRIVACY_ROWS + 1;
    list = relation_query(&l, &rc, s, &f, on_actor_relation, sizeof(fse_store_actor_relation),
                          sizeof(*list));
    if (list != NULL) {
        list->n = l.n;
        list->items = l.items;
        list->arena_ = l.a;
        *out = list;
    }
    return rc;
}

void fse_store_relation_list_free(fse_store_relation_list *l)
{
    if (l != NULL) {
        fse_store__arena_free(l->arena_);
    }
}

void fse_store_actor_relation_list_free(fse_store_actor_relation_list *l)
{
    if (l != NULL) {
        fse_store__arena_free(l->arena_);
    }
}
