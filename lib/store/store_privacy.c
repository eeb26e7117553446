/*
 * lib/store/store_privacy.c - the store front end for a patient's privacy
 * state: the registry record, the consent history and the notifications
 * (the relations are store_relation.c's).
 *
 * Owns the argument checks and enumerations of these records (consent
 * purposes and their names, notification kinds, notification channels,
 * birth date and region formats), the keyed references that stand for the
 * persons in their rows, and the protection of each row: the fields that
 * name a person or carry free text are sealed with the "seal" node key,
 * with associated data that binds every plain column of the row (the
 * patient reference first), so a sealed value moved to another row, or a
 * plain column changed outside the store, fails with FSE_E_CRYPTO on the
 * next read; a write that changes a plain column reseals. Removed rows
 * are not detected (the audit chain is what detects removal). Does not own
 * the sealed-record and list helpers (store_record.c), the statements
 * (store_sqlite_privacy.c) or what the state allows (lib/policy). Error
 * messages never carry a person identifier.
 */
#include "store_int.h"

#include <stddef.h>
#include <string.h>

/* Notification channels (fse_store_patient.notify_channel, notifications). */
static const char *const channels[] = {"app", "email", "both"};
#define N_CHANNELS (sizeof(channels) / sizeof(channels[0]))

/* Notification kinds (fse_store_notification.kind). */
static const char *const notification_kinds[] = {"ACCESS",    "EMERGENCY", "CONSENT",
                                                 "OBSCURING", "DELEGATE",  "PUBLICATION"};
#define N_NOTIFICATION_KINDS (sizeof(notification_kinds) / sizeof(notification_kinds[0]))

/* Consent purposes by fse_store_consent_purpose (domain-rules §2). */
static const char *const purpose_names[FSE_STORE_CONSENT_PURPOSES] = {
    [FSE_STORE_CONSENT_CURA] = "cura",
    [FSE_STORE_CONSENT_PREVENZIONE_REGIONE] = "prevenzione-regione",
    [FSE_STORE_CONSENT_PREVENZIONE_MINISTERO] = "prevenzione-ministero",
    [FSE_STORE_CONSENT_PROFILASSI] = "profilassi",
};

static bool in_set(const char *v, const char *const *set, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (strcmp(v, set[i]) == 0) {
            return true;
        }
    }
    return false;
}

/* ------------------------------------------------------------------------ */
/* Registry                                                                 */
/* ------------------------------------------------------------------------ */

/* The sealed part of a registry record: tags never renumbered. */
static const store_rec_field patient_sealed[] = {
    {1, offsetof(fse_store_patient, patient_id)},
    {2, offsetof(fse_store_patient, birth_date)},
    {3, offsetof(fse_store_patient, gp_id)},
};
#define N_PATIENT_SEALED (sizeof(patient_sealed) / sizeof(patient_sealed[0]))

static void patient_aad(store_aad *a, const store_patient_row *row)
{
    fse_store__aad_init(a, "fse-patient v1");
    fse_store__aad_str(a, row->patient_ref);
    fse_store__aad_str(a, row->region);
    fse_store__aad_str(a, row->gp_ref);
    fse_store__aad_i64(a, row->gp_from_ms);
    fse_store__aad_i64(a, row->gp_to_ms);
    fse_store__aad_i64(a, row->notifications_off ? 1 : 0);
    fse_store__aad_str(a, row->notify_channel);
    fse_store__aad_i64(a, row->created_ms);
    fse_store__aad_i64(a, row->updated_ms);
}

/* Whether v is exactly n ASCII digits. */
static bool digits(const char *v, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (v[i] < '0' || v[i] > '9') {
            return false;
        }
    }
    return v[n] == '\0';
}

/* yyyyMMdd with a month 01-12 and a day 01-31. */
static bool birth_date_ok(const char *v)
{
    int month;
    int day;

    if (v == NULL || !digits(v, 8)) {
        return false;
    }
    month = (v[4] - '0') * 10 + (v[5] - '0');
    day = (v[6] - '0') * 10 + (v[7] - '0');
    return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

static fse_err patient_check(const fse_store_patient *p)
{
    fse_err rc = fse_store__check_str(p->patient_id, "patient_id", STORE_MAX_ID_LEN, true);
    const char *region = fse_store__nonempty(p->region);
    const char *channel = fse_store__nonempty(p->notify_channel);

    if (rc == FSE_OK) {
        rc = fse_store__check_str(p->gp_id, "gp_id", STORE_MAX_ID_LEN, false);
    }
    if (rc != FSE_OK) {
        return rc;
    }
    if (!birth_date_ok(p->birth_date)) {
        return fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "birth_date must be yyyyMMdd");
    }
    if (region != NULL && !digits(region, 3)) {
        return fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "region must be 3 digits");
    }
    if (p->gp_to_ms != 0 && p->gp_to_ms < p->gp_from_ms) {
        return fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "GP assignment ends before it starts");
    }
    if (channel != NULL && !in_set(channel, channels, N_CHANNELS)) {
        return fse_error_set(FSE_E_ARG, FSE_STORE_MODULE,
                             "notification channel must be app, email or both");
    }
    return FSE_OK;
}

/* Seal and write p (already checked) as the record of ref. */
static fse_err patient_write(fse_store *s, const fse_store_patient *p, const char *ref,
                             int64_t created_ms, int64_t now_ms)
{
    const char *gp_id = fse_store__nonempty(p->gp_id);
    char gp_ref[FSE_STORE_REF_LEN];
    store_patient_row row;
    store_aad aad;
    uint8_t *sealed = NULL;
    size_t sealed_len = 0;
    fse_err rc = FSE_OK;

    memset(&row, 0, sizeof(row));
    if (gp_id != NULL) {
        rc = fse_store_ref(gp_ref, s, FSE_STORE_REF_ACTOR, gp_id);
        row.gp_ref = gp_ref;
    }
    row.patient_ref = ref;
    row.region = fse_store__nonempty(p->region);
    row.gp_from_ms = p->gp_from_ms;
    row.gp_to_ms = p->gp_to_ms;
    row.notifications_off = p->notifications_off;
    row.notify_channel = fse_store__nonempty(p->notify_channel);
    if (row.notify_channel == NULL) {
        row.notify_channel = channels[0];
    }
    row.created_ms = created_ms;
    row.updated_ms = now_ms;
    if (rc == FSE_OK) {
        patient_aad(&aad, &row);
        rc =
            fse_store__rec_seal(&sealed, &sealed_len, s, &aad, p, patient_sealed, N_PATIENT_SEALED);
    }
    if (rc == FSE_OK) {
        row.sealed = sealed;
        row.sealed_len = sealed_len;
        rc = s->be->patient_put(s->conn, &row);
    }
    fse_free(sealed);
    return rc;
}

typedef struct patient_ctx {
    fse_store *s;
    fse_store_patient *p;
} patient_ctx;

/* Open and check a registry row into a new record. */
static fse_err on_patient(const store_patient_row *row, void *ctx)
{
    patient_ctx *c = ctx;
    store_arena *a = fse_store__arena_new();
    fse_store_patient *p = NULL;
    store_aad aad;
    fse_err rc;

    if (a != NULL) {
        p = fse_store__arena_alloc(a, sizeof(*p));
    }
    if (p == NULL) {
        fse_store__arena_free(a);
        return fse_error_set(FSE_E_NOMEM, FSE_STORE_MODULE, "registry record");
    }
    p->arena_ = a;
    patient_aad(&aad, row);
    rc = fse_store__rec_open(c->s, &aad, row->sealed, row->sealed_len, a, p, patient_sealed,
                             N_PATIENT_SEALED, "registry record", 0);
    if (rc == FSE_OK && (!fse_store__arena_set(a, &p->region, row->region) ||
                         !fse_store__arena_set(a, &p->notify_channel, row->notify_channel))) {
        rc = fse_error_set(FSE_E_NOMEM, FSE_STORE_MODULE, "registry record");
    }
    if (rc == FSE_OK && (p->patient_id == NULL || p->birth_date == NULL ||
                         (row->gp_ref == NULL) != (p->gp_id == NULL) ||
                         (row->gp_ref != NULL && strlen(row->gp_ref) != FSE_STORE_REF_LEN - 1))) {
        rc = fse_error_set(FSE_E_CRYPTO, FSE_STORE_MODULE, "registry record malformed");
    }
    if (rc != FSE_OK) {
        fse_store__arena_free(a);
        return rc;
    }
    if (row->gp_ref != NULL) {
        memcpy(p->gp_ref, row->gp_ref, FSE_STORE_REF_LEN);
    }
    p->gp_from_ms = row->gp_from_ms;
    p->gp_to_ms = row->gp_to_ms;
    p->notifications_off = row->notifications_off;
    p->created_ms = row->created_ms;
    p->updated_ms = row->updated_ms;
    c->p = p;
    return FSE_OK;
}

/* The record of ref, opened and checked. */
static fse_err load_patient(fse_store *s, const char *ref, fse_store_patient **out)
{
    patient_ctx c = {s, NULL};
    fse_err rc = s->be->patient_get(s->conn, ref, on_patient, &c);

    if (rc == FSE_E_NOT_FOUND) {
        rc = fse_error_set(FSE_E_NOT_FOUND, FSE_STORE_MODULE, "patient not in the registry");
    }
    *out = c.p;
    return rc;
}

static fse_err on_created(const store_patient_row *row, void *ctx)
{
    *(int64_t *)ctx = row->created_ms;
    return FSE_OK;
}

fse_err fse_store_patient_put(fse_store *s, const fse_store_patient *p, int64_t now_ms)
{
    char ref[FSE_STORE_REF_LEN];
    int64_t created_ms = now_ms;
    fse_err rc;

    if (s == NULL || p == NULL) {
        return fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "patient put: missing argument");
    }
    rc = patient_check(p);
    if (rc == FSE_OK) {
        rc = fse_store_ref(ref, s, FSE_STORE_REF_PATIENT, p->patient_id);
    }
    if (rc == FSE_OK) {
        rc = fse_store__op_begin(s, STORE_TX_WRITE);
    }
    if (rc != FSE_OK) {
        return rc;
    }
    /* A replaced record keeps its creation time. */
    rc = s->be->patient_get(s->conn, ref, on_created, &created_ms);
    if (rc == FSE_E_NOT_FOUND) {
        rc = FSE_OK;
    }
    if (rc == FSE_OK) {
        rc = patient_write(s, p, ref, created_ms, now_ms);
    }
    return fse_store__op_end(s, rc);
}

fse_err fse_store_patient_get(fse_store_patient **out, fse_store *s, const char *patient_id)
{
    char ref[FSE_STORE_REF_LEN];
    fse_err rc;

    if (out != NULL) {
        *out = NULL;
    }
    if (out == NULL || s == NULL || patient_id == NULL) {
        return fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "patient get: missing argument");
    }
    rc = fse_store_ref(ref, s, FSE_STORE_REF_PATIENT, patient_id);
    if (rc == FSE_OK) {
        rc = load_patient(s, ref, out);
    }
    return rc;
}

fse_err fse_store_patient_notify_set(fse_store *s, const char *patient_id, bool on,
                                     const char *channel, int64_t now_ms)
{
    char ref[FSE_STORE_REF_LEN];
    fse_store_patient *p = NULL;
    fse_err rc;

    if (s == NULL || patient_id == NULL) {
        return fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "notify set: missing argument");
    }
    channel = fse_store__nonempty(channel);
    if (channel != NULL && !in_set(channel, channels, N_CHANNELS)) {
        return fse_error_set(FSE_E_ARG, FSE_STORE_MODULE,
                             "notification channel must be app, email or both");
    }
    rc = fse_store_ref(ref, s, FSE_STORE_REF_PATIENT, patient_id);
    if (rc == FSE_OK) {
        rc = fse_store__op_begin(s, STORE_TX_WRITE);
    }
    if (rc != FSE_OK) {
        return rc;
    }
    rc = load_patient(s, ref, &p);
    if (rc == FSE_OK) {
        p->notifications_off = !on;
        if (channel != NULL) {
            p->notify_channel = channel;
        }
        rc = patient_write(s, p, ref, p->created_ms, now_ms);
    }
    rc = fse_store__op_end(s, rc);
    fse_store_patient_free(p);
    return rc;
}

void fse_store_patient_free(fse_store_patient *p)
{
    if (p != NULL) {
        fse_store__arena_free(p->arena_);
    }
}

/* ------------------------------------------------------------------------ */
/* Consents                                                                 */
/* ------------------------------------------------------------------------ */

const char *fse_store_consent_purpose_name(fse_store_consent_purpose p)
{
    return (unsigned)p < FSE_STORE_CONSENT_PURPOSES ? purpose_names[p] : NULL;
}

bool fse_store_consent_purpose_parse(fse_store_consent_purpose *out, const char *name)
{
    size_t i;

    if (out == NULL || name == NULL) {
        return false;
    }
    for (i = 0; i < FSE_STORE_CONSENT_PURPOSES; i++) {
        if (strcmp(name, purpose_names[i]) == 0) {
            *out = (fse_store_consent_purpose)i;
            return true;
        }
    }
    return false;
}

/* The sealed part of a consent act: tags never renumbered. */
static const store_rec_field consent_sealed[] = {{1, offsetof(fse_store_consent, actor_id)}};

static void consent_aad(store_aad *a, const store_consent_row *row)
{
    fse_store__aad_init(a, "fse-consent v1");
    fse_store__aad_str(a, row->patient_ref);
    fse_store__aad_i64(a, row->purpose);
    fse_store__aad_i64(a, row->given ? 1 : 0);
    fse_store__aad_i64(a, row->time_ms);
    fse_store__aad_str(a, row->channel);
    fse_store__aad_str(a, row->actor_role);
    fse_store__aad_i64(a, row->patient_minor ? 1 : 0);
}

static fse_err consent_check(const fse_store_consent *c)
{
    fse_err rc = fse_store__check_str(c->channel, "channel", STORE_MAX_ID_LEN, false);

    if (rc == FSE_OK) {
        rc = fse_store__check_str(c->actor_id, "actor_id", STORE_MAX_ID_LEN, false);
    }
    if (rc == FSE_OK) {
        rc = fse_store__check_str(c->actor_role, "actor_role", STORE_MAX_ID_LEN, false);
    }
    if (rc == FSE_OK && (unsigned)c->purpose >= FSE_STORE_CONSENT_PURPOSES) {
        rc = fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "unknown consent purpose %d",
                           (int)c->purpose);
    }
    return rc;
}

fse_err fse_store_consent_add(fse_store *s, const char *patient_id, const fse_store_consent *c,
                              int64_t *id_out)
{
    char ref[FSE_STORE_REF_LEN];
    store_consent_row row;
    store_aad aad;
    uint8_t *sealed = NULL;
    size_t sealed_len = 0;
    int64_t n = 0;
    fse_err rc;

    if (s == NULL || patient_id == NULL || c == NULL) {
        return fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "consent add: missing argument");
    }
    rc = consent_check(c);
    if (rc == FSE_OK) {
        rc = fse_store_ref(ref, s, FSE_STORE_REF_PATIENT, patient_id);
    }
    if (rc != FSE_OK) {
        return rc;
    }
    memset(&row, 0, sizeof(row));
    row.patient_ref = ref;
    row.purpose = (int)c->purpose;
    row.given = c->given;
    row.time_ms = c->time_ms;
    row.channel = fse_store__nonempty(c->channel);
    row.actor_role = fse_store__nonempty(c->actor_role);
    row.patient_minor = c->patient_minor;
    consent_aad(&aad, &row);
    rc = fse_store__rec_seal(&sealed, &sealed_len, s, &aad, c, consent_sealed, 1);
    if (rc == FSE_OK) {
        row.sealed = sealed;
        row.sealed_len = sealed_len;
        rc = fse_store__op_begin(s, STORE_TX_WRITE);
        if (rc == FSE_OK) {
            /* The history is read whole on every decision: it has a cap. */
            rc = s->be->consent_count(s->conn, ref, &n);
            if (rc == FSE_OK && n >= (int64_t)STORE_MAX_PRIVACY_ROWS) {
                rc = fse_error_set(FSE_E_LIMIT, FSE_STORE_MODULE,
                                   "the consent history of this patient is full (%u acts)",
                                   STORE_MAX_PRIVACY_ROWS);
            }
            if (rc == FSE_OK) {
                rc = s->be->consent_insert(s->conn, &row, id_out);
            }
            rc = fse_store__op_end(s, rc);
        }
    }
    fse_free(sealed);
    return rc;
}

static fse_err on_consent(const store_consent_row *row, void *ctx)
{
    store_list *l = ctx;
    fse_store_consent *c;
    store_aad aad;
    fse_err rc = FSE_OK;

    consent_aad(&aad, row);
    c = fse_store__list_open(l, &rc, &aad, row->sealed, row->sealed_len, consent_sealed, 1,
                             "consent", row->id);
    if (c == NULL) {
        return rc;
    }
    if (!fse_store__arena_set(l->a, &c->channel, row->channel) ||
        !fse_store__arena_set(l->a, &c->actor_role, row->actor_role)) {
        rc = fse_error_set(FSE_E_NOMEM, FSE_STORE_MODULE, "consents");
    }
    c->id = row->id;
    c->purpose = (fse_store_consent_purpose)row->purpose;
    c->given = row->given;
    c->time_ms = row->time_ms;
    c->patient_minor = row->patient_minor;
    return rc;
}

fse_err fse_store_consent_list_get(fse_store_consent_list **out, fse_store *s,
                                   const char *patient_id)
{
    char ref[FSE_STORE_REF_LEN];
    fse_store_consent_list *list;
    store_list l;
    fse_err rc;

    if (out != NULL) {
        *out = NULL;
    }
    if (out == NULL || s == NULL || patient_id == NULL) {
        return fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "consent list: missing argument");
    }
    rc = fse_store_ref(ref, s, FSE_STORE_REF_PATIENT, patient_id);
    if (rc == FSE_OK) {
        rc = fse_store__list_begin(&l, s, sizeof(fse_store_consent), STORE_MAX_PRIVACY_ROWS);
    }
    if (rc != FSE_OK) {
        return rc;
    }
    rc = s->be->consent_list(s->conn, ref, STORE_MAX_PRIVACY_ROWS + 1, on_consent, &l);
    list = fse_store__list_end(&l, &rc, sizeof(*list), "consent acts");
    if (list != NULL) {
        list->n_consents = l.n;
        list->consents = l.items;
        list->arena_ = l.a;
        *out = list;
    }
    return rc;
}

void fse_store_consent_list_free(fse_store_consent_list *l)
{
    if (l != NULL) {
        fse_store__arena_free(l->arena_);
    }
}

/* ------------------------------------------------------------------------ */
/* Notifications                                                            */
/* ------------------------------------------------------------------------ */

/* The sealed part of a notification: tags never renumbered. */
static const store_rec_field notification_sealed[] = {{1, offsetof(fse_store_notification, text)}};

static void notification_aad(store_aad *a, const store_notification_row *row)
{
    fse_store__aad_init(a, "fse-notification v1");
    fse_store__aad_str(a, row->patient_ref);
    fse_store__aad_i64(a, row->time_ms);
    fse_store__aad_str(a, row->kind);
    fse_store__aad_str(a, row->channel);
}

static fse_err notification_check(const fse_store_notification *n)
{
    const char *channel = fse_store__nonempty(n->channel);
    fse_err rc = fse_store__check_str(n->text, "notification text", STORE_MAX_TEXT_LEN, true);

    if (rc != FSE_OK) {
        return rc;
    }
    if (n->kind == NULL || !in_set(n->kind, notification_kinds, N_NOTIFICATION_KINDS)) {
        return fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "unknown notification kind");
    }
    if (channel != NULL && !in_set(channel, channels, N_CHANNELS)) {
        return fse_error_set(FSE_E_ARG, FSE_STORE_MODULE,
                             "notification channel must be app, email or both");
    }
    return FSE_OK;
}

fse_err fse_store_notification_add(fse_store *s, const char *patient_id,
                                   const fse_store_notification *n, int64_t *id_out)
{
    char ref[FSE_STORE_REF_LEN];
    store_notification_row row;
    store_aad aad;
    uint8_t *sealed = NULL;
    size_t sealed_len = 0;
    fse_err rc;

    if (s == NULL || patient_id == NULL || n == NULL) {
        return fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "notification add: missing argument");
    }
    rc = notification_check(n);
    if (rc == FSE_OK) {
        rc = fse_store_ref(ref, s, FSE_STORE_REF_PATIENT, patient_id);
    }
    if (rc != FSE_OK) {
        return rc;
    }
    memset(&row, 0, sizeof(row));
    row.patient_ref = ref;
    row.time_ms = n->time_ms;
    row.kind = n->kind;
    row.channel = fse_store__nonempty(n->channel);
    notification_aad(&aad, &row);
    rc = fse_store__rec_seal(&sealed, &sealed_len, s, &aad, n, notification_sealed, 1);
    if (rc == FSE_OK) {
        row.sealed = sealed;
        row.sealed_len = sealed_len;
        rc = fse_store__op_begin(s, STORE_TX_WRITE);
        if (rc == FSE_OK) {
            rc = fse_store__op_end(s, s->be->notification_insert(s->conn, &row, id_out));
        }
    }
    fse_free(sealed);
    return rc;
}

static fse_err on_notification(const store_notification_row *row, void *ctx)
{
    store_list *l = ctx;
    fse_store_notification *n;
    store_aad aad;
    fse_err rc = FSE_OK;

    notification_aad(&aad, row);
    n = fse_store__list_open(l, &rc, &aad, row->sealed, row->sealed_len, notification_sealed, 1,
                             "notification", row->id);
    if (n == NULL) {
        return rc;
    }
    if (!fse_store__arena_set(l->a, &n->kind, row->kind) ||
        !fse_store__arena_set(l->a, &n->channel, row->channel)) {
        rc = fse_error_set(FSE_E_NOMEM, FSE_STORE_MODULE, "notifications");
    }
    n->id = row->id;
    n->time_ms = row->time_ms;
    return rc;
}

fse_err fse_store_notification_list_get(fse_store_notification_list **out, fse_store *s,
                                        const char *patient_id, int64_t before_id, size_t limit)
{
    char ref[FSE_STORE_REF_LEN];
    fse_store_notification_list *list;
    store_list l;
    fse_err rc;

    if (out != NULL) {
        *out = NULL;
    }
    if (out == NULL || s == NULL || patient_id == NULL || before_id < 0) {
        return fse_error_set(FSE_E_ARG, FSE_STORE_MODULE, "notification list: bad argument");
    }
    if (limit > STORE_MAX_NOTIFICATIONS) {
        return fse_error_set(FSE_E_LIMIT, FSE_STORE_MODULE, "more than %u notifications asked",
                             STORE_MAX_NOTIFICATIONS);
    }
    limit = limit != 0 ? limit : STORE_DEFAULT_NOTIFICATIONS;
    rc = fse_store_ref(ref, s, FSE_STORE_REF_PATIENT, patient_id);
    if (rc == FSE_OK) {
        rc = fse_store__list_begin(&l, s, sizeof(fse_store_notification), limit);
    }
    if (rc != FSE_OK) {
        return rc;
    }
    rc = s->be->notification_list(s->conn, ref, before_id, limit, on_notification, &l);
    list = fse_store__list_end(&l, &rc, sizeof(*list), "notifications");
    if (list != NULL) {
        list->n = l.n;
        list->items = l.items;
        list->arena_ = l.a;
        *out = list;
    }
    return rc;
}

void fse_store_notification_list_free(fse_store_notification_list *l)
{
    if (l != NULL) {
        fse_store__arena_free(l->arena_);
    }
}
