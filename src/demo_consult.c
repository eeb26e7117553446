/*
 * src/demo_consult.c - the consultation side of `fse demo`: the state it
 * seeds once the documents are published, the people of its login list,
 * and the consultation curl files and commands.
 *
 * Owns the demo's professionals (fixed identities with valid codici
 * fiscali), the seeding (a registry record for every patient of the
 * published documents with the demo GP, the cura consent for about 80% of
 * them chosen by seed, a delegate for one patient and a parent for one
 * minor; on a reused node consents and relations are only added to
 * patients that have none, and the delegate and the parent keep the
 * patient they already act for), the choice of the patients listed,
 * demo-people.json, and curl/citizen.* and curl/gp.*. It writes through
 * the public store API on its own handle, in one transaction. Does not own
 * the routes (lib/consult, src/demo_idp.c), the decisions (lib/policy) or
 * the documents (src/cmd_demo.c).
 */
#include "demo.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fse/store.h"
#include "fse/util.h"

/* Patients of the login list. */
#define LISTED_PATIENTS 6
/* Share of the patients given the cura consent, in percent. */
#define CONSENT_PERCENT 80
/* The GP assignment starts this long before the seeding. */
#define GP_SINCE_MS (365LL * 24 * 3600 * 1000)
/* Validity of the consultation tokens in curl/ (as the Gateway ones). */
#define CURL_VALIDITY_S (24 * 3600)
/* Largest demo-people.json read back. */
#define PEOPLE_FILE_MAX (256u * 1024)
/* Who records the seeded consents: an operator at the ASL desk. */
#define OPERATOR_CF "PRTDME80A01H501V"
#define OPERATOR_ROLE "OGC"
#define CONSENT_CHANNEL "sportello"

/* The demo's professionals and representatives. The GP's and the
 * pharmacy's facility ids are outside the generator's 100..899, so they
 * never produced a document; "" locality: chosen from the documents. */
static const struct {
    demo_kind kind;
    const char *cf;
    const char *name;
    const char *locality;
} staff[] = {
    {DEMO_K_GP, "FRRGLI72C54H501K", "Giulia Ferretti",
     "STUDIO MEDICO FERRETTI^^^^^&2.16.840.1.113883.2.9.4.1.2&ISO^^^^120950"},
    {DEMO_K_DELEGATE, "SPSPLA65P02F839E", "Paolo Esposito", NULL},
    {DEMO_K_PARENT, "CLMCHR88S61F205I", "Chiara Colombo", NULL},
    {DEMO_K_SPECIALIST, "BNCMRC70H10H501S", "Marco Bianchi", ""},
    {DEMO_K_NURSE, "GRCSRA90B45L219J", "Sara Greco", ""},
    {DEMO_K_PHARMACIST, "RMNLCU82L30A944J", "Luca Romano",
     "FARMACIA COMUNALE DEMO^^^^^&2.16.840.1.113883.2.9.4.1.2&ISO^^^^120960"},
};
#define N_STAFF (sizeof(staff) / sizeof(staff[0]))

/* What the seeding did, for the summary. */
typedef struct seed_report {
    size_t patients;     /* registry records written */
    size_t consents;     /* cura consents added */
    size_t with_consent; /* patients of the run whose cura consent is in force */
    bool delegate_added;
    bool parent_added;
} seed_report;

/* The seeding's working state. */
typedef struct seed_ctx {
    fse_store *s;
    int64_t now_ms;
    int64_t now_s;
    uint64_t seed;
    const demo_patient **uniq; /* distinct published patients, in document order */
    size_t n_uniq;
    const demo_people *old; /* the login list of an earlier run */
    char delegate_of[17];   /* whom the demo's delegate acts for ("" none) */
    char parent_of[17];
    seed_report *rep;
} seed_ctx;

static const char *staff_cf(demo_kind k)
{
    size_t i;

    for (i = 0; i < N_STAFF; i++) {
        if (staff[i].kind == k) {
            return staff[i].cf;
        }
    }
    return "";
}

static bool store_fail(const char *what)
{
    fprintf(stderr, "fse demo: consultation state: %s: %s\n", what, fse_error_last()->message);
    return false;
}

/* ---- The people file ---------------------------------------------------- */

void demo_consult_load_people(demo_node *n)
{
    uint8_t *data = NULL;
    size_t len = 0;

    memset(&n->people, 0, sizeof(n->people));
    if (fse_file_read(n->path[DEMO_P_PEOPLE], PEOPLE_FILE_MAX, &data, &len) != FSE_OK) {
        return;
    }
    if (!demo_people_from_json(&n->people, data, len)) {
        fprintf(stderr, "fse demo: %s is not a people list; it will be written again\n",
                n->path[DEMO_P_PEOPLE]);
    }
    fse_free(data);
}

static bool save_people(const demo_node *n, int64_t now_s)
{
    fse_buf b;
    bool ok;

    fse_buf_init(&b, PEOPLE_FILE_MAX);
    ok = demo_people_to_json(&b, &n->people, now_s) == FSE_OK &&
         fse_buf_append(&b, "\n", 1) == FSE_OK;
    ok = ok && demo_write_file(n->path[DEMO_P_PEOPLE], b.data, b.len, 0600);
    fse_buf_free(&b);
    return ok;
}

/* ---- Seeding ------------------------------------------------------------ */

/* FNV-1a of the seed and a fiscal code: the same patient gets the same
 * consent on every run with the same seed. */
static uint64_t pick_hash(uint64_t seed, const char *cf)
{
    uint64_t h = 1469598103934665603ULL ^ seed;

    for (; *cf != '\0'; cf++) {
        h = (h ^ (unsigned char)*cf) * 1099511628211ULL;
    }
    return h;
}

/* Whether the last cura act of the list gave the consent. */
static bool cura_given(const fse_store_consent_list *l)
{
    bool given = false;
    size_t i;

    for (i = 0; i < l->n_consents; i++) {
        if (l->consents[i].purpose == FSE_STORE_CONSENT_CURA) {
            given = l->consents[i].given;
        }
    }
    return given;
}

static bool is_minor(const char *birth_date, int64_t now_s)
{
    int age = demo_age(birth_date, now_s);

    return age >= 0 && age < 18;
}

/* The registry record (the patient's notification choice kept) and, when
 * the patient has no consent act yet, the cura consent for CONSENT_PERCENT
 * of them. */
static fse_err seed_patient(seed_ctx *c, const demo_patient *p)
{
    fse_store_patient rec;
    fse_store_patient *before = NULL;
    fse_store_consent_list *l = NULL;
    fse_err rc = fse_store_patient_get(&before, c->s, p->cf);

    memset(&rec, 0, sizeof(rec));
    rec.patient_id = p->cf;
    rec.birth_date = p->birth_date;
    rec.region = DEMO_REGION;
    rec.gp_id = staff_cf(DEMO_K_GP);
    rec.gp_from_ms = c->now_ms - GP_SINCE_MS;
    rec.notify_channel = "app";
    if (rc == FSE_OK) {
        rec.notifications_off = before->notifications_off;
        rec.notify_channel = before->notify_channel;
    }
    if (rc == FSE_OK || rc == FSE_E_NOT_FOUND) {
        rc = fse_store_patient_put(c->s, &rec, c->now_ms);
    }
    fse_store_patient_free(before);
    if (rc == FSE_OK) {
        rc = fse_store_consent_list_get(&l, c->s, p->cf);
    }
    if (rc == FSE_OK && l->n_consents == 0 && pick_hash(c->seed, p->cf) % 100 < CONSENT_PERCENT) {
        fse_store_consent act;

        memset(&act, 0, sizeof(act));
        act.purpose = FSE_STORE_CONSENT_CURA;
        act.given = true;
        act.time_ms = c->now_ms;
        act.channel = CONSENT_CHANNEL;
        act.actor_id = OPERATOR_CF;
        act.actor_role = OPERATOR_ROLE;
        act.patient_minor = is_minor(p->birth_date, c->now_s);
        rc = fse_store_consent_add(c->s, p->cf, &act, NULL);
        c->rep->consents += rc == FSE_OK;
    }
    fse_store_consent_list_free(l);
    c->rep->patients += rc == FSE_OK;
    return rc;
}

/* Whether the patient's cura consent is in force (as the demo sees it). */
static fse_err consent_of(bool *out, seed_ctx *c, const char *cf)
{
    fse_store_consent_list *l = NULL;
    fse_err rc = fse_store_consent_list_get(&l, c->s, cf);

    *out = rc == FSE_OK && cura_given(l);
    fse_store_consent_list_free(l);
    return rc;
}

/* How many relations (any kind, also ended) the patient has. */
static fse_err relation_count(size_t *out, seed_ctx *c, const char *cf)
{
    fse_store_relation_list *l = NULL;
    fse_store_relation_query q = {cf, 0, NULL, 0};
    fse_err rc = fse_store_relation_list_get(&l, c->s, &q);

    *out = rc == FSE_OK ? l->n_relations : 0;
    fse_store_relation_list_free(l);
    return rc;
}

/* The patient the demo's delegate or parent acts for now, if any. */
static fse_err acting_for(char out[17], seed_ctx *c, demo_kind k, fse_store_relation_kind rk)
{
    fse_store_actor_relation_list *l = NULL;
    fse_err rc =
        fse_store_relation_of_actor(&l, c->s, staff_cf(k), FSE_STORE_REL_BIT(rk), c->now_ms);

    out[0] = '\0';
    if (rc == FSE_OK && l->n > 0 && l->items[0].patient_id != NULL) {
        (void)snprintf(out, 17, "%.*s", (int)strcspn(l->items[0].patient_id, "^"),
                       l->items[0].patient_id);
    }
    fse_store_actor_relation_list_free(l);
    return rc;
}

/* A patient of the run for a new relation: adult with the consent (the
 * delegate) or the youngest minor (the parent), without any relation. */
static fse_err pick_for(const demo_patient **out, seed_ctx *c, bool minor)
{
    size_t i;
    fse_err rc = FSE_OK;

    *out = NULL;
    for (i = 0; rc == FSE_OK && i < c->n_uniq; i++) {
        const demo_patient *p = c->uniq[i];
        bool consent = false;
        size_t n_rel = 0;

        if (is_minor(p->birth_date, c->now_s) != minor ||
            (minor && *out != NULL && strcmp(p->birth_date, (*out)->birth_date) <= 0)) {
            continue;
        }
        rc = consent_of(&consent, c, p->cf);
        if (rc == FSE_OK && (consent || minor)) {
            rc = relation_count(&n_rel, c, p->cf);
        }
        if (rc == FSE_OK && (consent || minor) && n_rel == 0) {
            *out = p;
            if (!minor) {
                break;
            }
        }
    }
    return rc;
}

/* The delegate and the parent: kept when they act for someone already,
 * else a relation with a patient of this run. */
static fse_err seed_relations(seed_ctx *c)
{
    static const struct {
        demo_kind kind;
        fse_store_relation_kind rel;
        bool minor;
    } reps[2] = {{DEMO_K_DELEGATE, FSE_STORE_REL_DELEGATE, false},
                 {DEMO_K_PARENT, FSE_STORE_REL_PARENT, true}};
    char *acting[2] = {c->delegate_of, c->parent_of};
    bool *added[2] = {&c->rep->delegate_added, &c->rep->parent_added};
    size_t i;
    fse_err rc = FSE_OK;

    for (i = 0; rc == FSE_OK && i < 2; i++) {
        const demo_patient *p = NULL;
        fse_store_relation r;

        rc = acting_for(acting[i], c, reps[i].kind, reps[i].rel);
        if (rc != FSE_OK || acting[i][0] != '\0') {
            continue;
        }
        rc = pick_for(&p, c, reps[i].minor);
        if (rc != FSE_OK || p == NULL) {
            continue;
        }
        memset(&r, 0, sizeof(r));
        r.kind = reps[i].rel;
        r.actor_id = staff_cf(reps[i].kind);
        r.actor_role = demo_kind_role(reps[i].kind);
        r.valid_from_ms = c->now_ms;
        rc = fse_store_relation_add(c->s, p->cf, &r, NULL);
        if (rc == FSE_OK) {
            (void)snprintf(acting[i], 17, "%s", p->cf);
            *added[i] = true;
        }
    }
    return rc;
}

/* ---- The login list ----------------------------------------------------- */

static bool listed(const demo_people *p, const char *cf)
{
    size_t i;

    for (i = 0; i < p->n; i++) {
        if (p->items[i].kind == DEMO_K_PATIENT && strcmp(p->items[i].cf, cf) == 0) {
            return true;
        }
    }
    return false;
}

/* Add patient cf to the list with what the run or the earlier list knows
 * of them (the registry's birth date otherwise). */
static fse_err list_patient(seed_ctx *c, demo_people *out, const char *cf)
{
    demo_person *d;
    fse_store_patient *rec = NULL;
    size_t i;
    fse_err rc;

    if (cf[0] == '\0' || listed(out, cf) || out->n == DEMO_MAX_PEOPLE) {
        return FSE_OK;
    }
    d = &out->items[out->n];
    memset(d, 0, sizeof(*d));
    d->kind = DEMO_K_PATIENT;
    (void)snprintf(d->cf, sizeof(d->cf), "%s", cf);
    for (i = 0; i < c->n_uniq && d->name[0] == '\0'; i++) {
        if (strcmp(c->uniq[i]->cf, cf) == 0) {
            (void)snprintf(d->name, sizeof(d->name), "%s", c->uniq[i]->name);
            (void)snprintf(d->gender, sizeof(d->gender), "%s", c->uniq[i]->gender);
            (void)snprintf(d->birth_date, sizeof(d->birth_date), "%s", c->uniq[i]->birth_date);
        }
    }
    for (i = 0; i < c->old->n && d->name[0] == '\0'; i++) {
        if (c->old->items[i].kind == DEMO_K_PATIENT && strcmp(c->old->items[i].cf, cf) == 0) {
            *d = c->old->items[i];
        }
    }
    if (d->birth_date[0] == '\0') {
        rc = fse_store_patient_get(&rec, c->s, cf);
        if (rc == FSE_E_NOT_FOUND) {
            return FSE_OK; /* not one of the demo's patients any more */
        }
        if (rc != FSE_OK) {
            return rc;
        }
        (void)snprintf(d->birth_date, sizeof(d->birth_date), "%s", rec->birth_date);
        fse_store_patient_free(rec);
    }
    rc = consent_of(&d->consent_cura, c, cf);
    out->n += rc == FSE_OK;
    return rc;
}

/* A facility that produced a document of a listed patient, the first
 * listed if they have one in this run (the specialist's and the nurse's):
 * the earlier list's, else this run's. */
static const char *producer_locality(const seed_ctx *c, const demo_people *list)
{
    size_t i;
    size_t k;

    for (i = 0; i < c->old->n; i++) {
        if (c->old->items[i].kind == DEMO_K_SPECIALIST && c->old->items[i].locality[0] != '\0') {
            return c->old->items[i].locality;
        }
    }
    for (k = 0; k < list->n; k++) {
        for (i = 0; i < c->n_uniq; i++) {
            if (strcmp(list->items[k].cf, c->uniq[i]->cf) == 0) {
                return c->uniq[i]->locality;
            }
        }
    }
    return c->n_uniq > 0 ? c->uniq[0]->locality : "";
}

static void list_staff(seed_ctx *c, demo_people *out)
{
    const char *producer = producer_locality(c, out);
    size_t i;

    for (i = 0; i < N_STAFF && out->n < DEMO_MAX_PEOPLE; i++) {
        demo_person *d = &out->items[out->n];
        const char *patient = staff[i].kind == DEMO_K_DELEGATE ? c->delegate_of
                              : staff[i].kind == DEMO_K_PARENT ? c->parent_of
                                                               : NULL;

        if (patient != NULL && patient[0] == '\0') {
            continue; /* nobody to act for */
        }
        memset(d, 0, sizeof(*d));
        d->kind = staff[i].kind;
        (void)snprintf(d->cf, sizeof(d->cf), "%s", staff[i].cf);
        (void)snprintf(d->name, sizeof(d->name), "%s", staff[i].name);
        (void)snprintf(d->patient, sizeof(d->patient), "%s", patient != NULL ? patient : "");
        (void)snprintf(d->locality, sizeof(d->locality), "%s",
                       staff[i].locality == NULL      ? ""
                       : staff[i].locality[0] != '\0' ? staff[i].locality
                                                      : producer);
        out->n++;
    }
}

/* The patients listed: the delegate's, the minor, one without the
 * consent, then the earlier list's and this run's, LISTED_PATIENTS in all;
 * then the professionals. */
static fse_err make_list(seed_ctx *c, demo_people *out)
{
    size_t i;
    fse_err rc;

    memset(out, 0, sizeof(*out));
    rc = list_patient(c, out, c->delegate_of);
    if (rc == FSE_OK) {
        rc = list_patient(c, out, c->parent_of);
    }
    for (i = 0; rc == FSE_OK && i < c->n_uniq; i++) {
        bool consent = true;

        rc = consent_of(&consent, c, c->uniq[i]->cf);
        if (rc == FSE_OK && !consent) {
            rc = list_patient(c, out, c->uniq[i]->cf);
            break;
        }
    }
    for (i = 0; rc == FSE_OK && i < c->old->n && out->n < LISTED_PATIENTS; i++) {
        if (c->old->items[i].kind == DEMO_K_PATIENT) {
            rc = list_patient(c, out, c->old->items[i].cf);
        }
    }
    for (i = 0; rc == FSE_OK && i < c->n_uniq && out->n < LISTED_PATIENTS; i++) {
        rc = list_patient(c, out, c->uniq[i]->cf);
    }
    if (rc == FSE_OK) {
        list_staff(c, out);
    }
    return rc;
}

/* ---- The whole seeding -------------------------------------------------- */

/* Distinct patients of the published documents, in document order. */
static size_t distinct(const demo_patient **out, const demo_patient *docs, size_t n_docs)
{
    size_t n = 0;
    size_t i;
    size_t k;

    for (i = 0; i < n_docs; i++) {
        if (!docs[i].published || docs[i].cf[0] == '\0') {
            continue;
        }
        for (k = 0; k < n && strcmp(out[k]->cf, docs[i].cf) != 0; k++) {
        }
        if (k == n) {
            out[n++] = &docs[i];
        }
    }
    return n;
}

static fse_err seed_all(seed_ctx *c, demo_people *list)
{
    size_t i;
    fse_err rc = fse_store_tx_begin(c->s);

    for (i = 0; rc == FSE_OK && i < c->n_uniq; i++) {
        rc = seed_patient(c, c->uniq[i]);
    }
    if (rc == FSE_OK) {
        rc = seed_relations(c);
    }
    for (i = 0; rc == FSE_OK && i < c->n_uniq; i++) {
        bool consent = false;

        rc = consent_of(&consent, c, c->uniq[i]->cf);
        c->rep->with_consent += consent;
    }
    if (rc == FSE_OK) {
        rc = make_list(c, list);
    }
    if (rc == FSE_OK) {
        rc = fse_store_tx_commit(c->s);
    } else {
        (void)fse_store_tx_rollback(c->s);
    }
    return rc;
}

/* Say what the consultation state holds. */
static void print_seeded(const demo_people *people, const seed_report *rep)
{
    const char *parent = NULL;
    const char *gp = "-";
    size_t i;

    for (i = 0; i < people->n; i++) {
        if (people->items[i].kind == DEMO_K_PARENT) {
            parent = people->items[i].patient;
        } else if (people->items[i].kind == DEMO_K_GP) {
            gp = people->items[i].name;
        }
    }
    printf("fse demo: consultation: %zu patients in the registry (GP %s), %zu of them with the "
           "cura consent (%zu given now)\n",
           rep->patients, gp, rep->with_consent, rep->consents);
    printf("fse demo: %s; %s\n",
           rep->delegate_added ? "a delegate added for one patient"
                               : "the delegate keeps the patient of an earlier run",
           parent == NULL      ? "no minor among the patients: no parent in the login list"
           : rep->parent_added ? "a parent added for a minor patient"
                               : "the parent keeps the minor of an earlier run");
}

bool demo_consult_seed(demo_node *n, const demo_patient *docs, size_t n_docs, uint64_t seed,
                       int64_t now_s)
{
    seed_report rep;
    fse_store_opts so = FSE_STORE_OPTS_INIT;
    demo_people *old = fse_malloc(sizeof(*old));
    demo_people *list = fse_malloc(sizeof(*list));
    seed_ctx c;
    fse_err rc;

    memset(&rep, 0, sizeof(rep));
    memset(&c, 0, sizeof(c));
    c.now_s = now_s;
    c.now_ms = now_s * 1000;
    c.seed = seed;
    c.rep = &rep;
    c.old = old;
    c.uniq = fse_calloc(n_docs > 0 ? n_docs : 1, sizeof(*c.uniq));
    if (c.uniq == NULL || old == NULL || list == NULL) {
        fse_free(c.uniq);
        fse_free(old);
        fse_free(list);
        fprintf(stderr, "fse demo: consultation state: out of memory\n");
        return false;
    }
    *old = n->people;
    c.n_uniq = distinct(c.uniq, docs, n_docs);
    so.path = n->cfg.store.path;
    so.master_key_path = n->cfg.store.master_key;
    so.busy_timeout_ms = (int)n->cfg.store.busy_timeout_ms;
    rc = fse_store_open(&c.s, &so);
    if (rc == FSE_OK) {
        rc = seed_all(&c, list);
    }
    fse_store_free(c.s);
    if (rc == FSE_OK) {
        n->people = *list;
        if (n->idp != NULL) {
            demo_idp_set_people(n->idp, list);
        }
        print_seeded(list, &rep);
    }
    fse_free(c.uniq);
    fse_free(old);
    fse_free(list);
    if (rc != FSE_OK) {
        return store_fail("seeding");
    }
    return save_people(n, now_s);
}

/* ---- Trying consultation with curl -------------------------------------- */

/* The patient of the curl example: listed, adult, with the consent. */
static const demo_person *example_patient(const demo_people *p, int64_t now_s)
{
    const demo_person *any = NULL;
    size_t i;

    for (i = 0; i < p->n; i++) {
        const demo_person *d = &p->items[i];

        if (d->kind != DEMO_K_PATIENT) {
            continue;
        }
        if (d->consent_cura && !is_minor(d->birth_date, now_s)) {
            return d;
        }
        any = any != NULL ? any : d;
    }
    return any;
}

/* Write the pair of sub as role/purpose about patient to curl/<name>.{auth,sig}. */
static bool curl_pair(const demo_node *n, const char *name, const char *sub, demo_kind kind,
                      const char *locality, const char *patient, int64_t iat)
{
    fse_jwt_pair_opts o = FSE_JWT_PAIR_OPTS_INIT;
    char path[PATH_MAX + 128];
    char *auth = NULL;
    char *sig = NULL;
    bool ok;

    o.op = FSE_JWT_OP_READ;
    o.audience = n->base_url;
    o.patient_cf = patient;
    o.sub_cf = sub;
    o.subject_organization_id = DEMO_REGION;
    o.subject_role = demo_kind_role(kind);
    o.purpose_of_use = demo_kind_purpose(kind);
    o.locality = locality[0] != '\0' ? locality : NULL;
    o.iat = iat;
    o.validity = CURL_VALIDITY_S;
    ok = fse_jwt_make_pair(&auth, &sig, n->signer, &o) == FSE_OK;
    if (!ok) {
        fprintf(stderr, "fse demo: consultation tokens: %s\n", fse_error_last()->message);
    }
    (void)snprintf(path, sizeof(path), "%s/%s.auth", n->path[DEMO_P_CURL], name);
    ok = ok && demo_write_file(path, auth, strlen(auth), 0600);
    (void)snprintf(path, sizeof(path), "%s/%s.sig", n->path[DEMO_P_CURL], name);
    ok = ok && demo_write_file(path, sig, strlen(sig), 0600);
    fse_free(auth);
    fse_free(sig);
    return ok;
}

bool demo_consult_curl(const demo_node *n, int64_t iat)
{
    const demo_person *p = example_patient(&n->people, iat);
    const demo_person *gp = NULL;
    const char *c = n->path[DEMO_P_CURL];
    static const char *const who[2][2] = {{"citizen", "the patient (ASS, PERSONAL)"},
                                          {"gp", "their GP (APR, TREATMENT)"}};
    size_t i;

    for (i = 0; i < n->people.n; i++) {
        gp = n->people.items[i].kind == DEMO_K_GP ? &n->people.items[i] : gp;
    }
    if (p == NULL || gp == NULL) {
        printf("\n  No patient to consult: nothing was published.\n");
        return true;
    }
    if ((mkdir(c, 0700) != 0 && errno != EEXIST) ||
        !curl_pair(n, who[0][0], p->cf, DEMO_K_PATIENT, "", p->cf, iat) ||
        !curl_pair(n, who[1][0], gp->cf, DEMO_K_GP, gp->locality, p->cf, iat)) {
        return false;
    }
    printf("\n  # consult %s's documents (FHIR R4): as %s, then as %s\n", p->name, who[0][1],
           who[1][1]);
    for (i = 0; i < 2; i++) {
        printf("  curl -s \"http://%s/fhir/DocumentReference?patient.identifier=%s\" \\\n"
               "       -H \"Authorization: Bearer $(cat %s/%s.auth)\" \\\n"
               "       -H \"FSE-JWT-Signature: $(cat %s/%s.sig)\"\n",
               n->host, p->cf, c, who[i][0], c, who[i][0]);
    }
    printf("\n  # the demo's people, and a token pair for anyone (demo identity provider)\n"
           "  curl -s http://%s/demo/idp/people\n"
           "  curl -s http://%s/demo/idp/token -H 'Content-Type: application/json' \\\n"
           "       -d '{\"cf\": \"%s\", \"role\": \"APR\", \"patient\": \"%s\", "
           "\"purpose\": \"TREATMENT\", \"organization\": \"%s\"}'\n",
           n->host, n->host, gp->cf, p->cf, DEMO_REGION);
    if (n->web_pages) {
        printf("\n  # the web pages (log in with the demo identity provider)\n"
               "  citizen portal  http://%s/cittadino/\n"
               "  clinician view  http://%s/medico/\n"
               "  adoption dashboard  http://%s/monitoraggio/ (fse demo --regions N adds "
               "several regions and quarters)\n",
               n->host, n->host, n->host);
    }
    return true;
}
