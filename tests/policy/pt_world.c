/*
 * tests/policy/pt_world.c - the world of the access-matrix test: eight
 * patients (consent never / given / revoked / given while minor and now
 * adult / cura only, minors and adults), the subjects of every
 * relationship, the documents of every LOINC and visibility from three
 * facilities, and the emergency epochs (no grant, grant in force, grant
 * with the PSS read).
 *
 * Everything the documented HTTP APIs can set is set through them
 * (docs/consult.md): the registry, consents, delegates, guardians and
 * parents, care declarations, emergency grants, obscuring, releasing
 * tutela and hiding from parents. Documents are stored directly with
 * fse_store_doc_put (metadata, fake PDF and CDA bytes) with the bits no
 * API sets (tutela, P98).
 */
#include "pt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fse/util.h"

/* Adult patients turn 18 on 2026-01-02: minors at T0 (when parents are
 * recorded and the "given while minor" consent is given), adults from T1. */
#define ADULT_BIRTH "2008-01-02"
#define MINOR_BIRTH "2016-03-03"
#define T1_MS (PT_T0_MS + 2 * PT_DAY_MS)

static const char *const facility_xon[] = {
    "OSPEDALE DI PROVA P^^^^^&2.16.840.1.113883.2.9.4.1.3&ISO^^^^120201",
    "CASA DI CURA Q^^^^^&2.16.840.1.113883.2.9.4.1.3&ISO^^^^120202",
    "LABORATORIO R^^^^^&2.16.840.1.113883.2.9.4.1.3&ISO^^^^120203",
    "AMBULATORIO Z^^^^^&2.16.840.1.113883.2.9.4.1.3&ISO^^^^120299",
};

const char *pt_locality(int fac)
{
    return facility_xon[fac >= 0 && fac <= 3 ? fac : 3];
}

const char *pt_relship_name(pt_relship r, bool minor)
{
    static const char *const names[] = {"self", "guardian", "parent", "delegate",
                                        "GP",   "care",     "none",   "producer"};

    if (r == PT_RS_PARENT) {
        return minor ? "parent of minor" : "parent of adult";
    }
    return (unsigned)r < PT_RS_COUNT ? names[r] : "?";
}

const char *pt_consent_name(pt_consent c)
{
    static const char *const names[] = {"never", "given", "revoked", "given while minor, now adult",
                                        "cura only"};

    return (unsigned)c <= PT_CONSENT_CURA_ONLY ? names[c] : "?";
}

void pt_report(pt_world *w, const char *fmt, ...)
{
    va_list ap;
    size_t n = atomic_fetch_add(&w->failures, 1);

    if (n >= 60) {
        return;
    }
    pthread_mutex_lock(&w->lock);
    va_start(ap, fmt);
    fprintf(stderr, "DISCREPANCY: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    pthread_mutex_unlock(&w->lock);
}

/* ---- Subjects ----------------------------------------------------------- */

const char *pt_world_sub(const pt_world *w, const pt_patient *p, pt_relship r)
{
    return r == PT_RS_SELF ? p->cf : w->cf[r];
}

static bool consent_cura(const pt_patient *p)
{
    switch (p->consent) {
    case PT_CONSENT_GIVEN:
    case PT_CONSENT_CURA_ONLY:
        /* given by the patient as they are now */
        return pt_oracle_consent(true, p->minor, p->minor);
    case PT_CONSENT_GIVEN_AS_MINOR:
        return pt_oracle_consent(true, true, p->minor);
    case PT_CONSENT_REVOKED:
        return pt_oracle_consent(false, p->minor, p->minor);
    default:
        return false;
    }
}

static bool consent_profilassi(const pt_patient *p)
{
    return p->consent != PT_CONSENT_CURA_ONLY && consent_cura(p);
}

void pt_world_facts(const pt_world *w, const pt_patient *p, pt_relship r, const char *role,
                    const char *purpose, pt_facts *out)
{
    static const unsigned rel_bits[PT_RS_COUNT] = {
        [PT_RS_SELF] = PT_REL_SELF,     [PT_RS_GUARDIAN] = PT_REL_GUARDIAN,
        [PT_RS_PARENT] = PT_REL_PARENT, [PT_RS_DELEGATE] = PT_REL_DELEGATE,
        [PT_RS_GP] = PT_REL_GP,         [PT_RS_CARE] = PT_REL_CARE,
    };

    memset(out, 0, sizeof(*out));
    out->role = role;
    out->purpose = purpose;
    out->rel = rel_bits[r] | (w->epoch >= 1 ? PT_REL_EMERGENCY : 0);
    out->pss_read = w->epoch >= 2;
    out->has_pss = true;
    out->minor = p->minor;
    out->cura = consent_cura(p);
    out->profilassi = consent_profilassi(p);
}

bool pt_world_produced(const pt_world *w, const pt_patient *p, pt_relship r, const pt_wdoc *d)
{
    (void)w;
    (void)p;
    /* P: the producer's locality is the author institution; R: the
     * producer is the author person. */
    return r == PT_RS_PRODUCER && (d->fac == PT_FAC_P || d->fac == PT_FAC_R);
}

/* ---- HTTP set-up calls -------------------------------------------------- */

static void expect_2xx(pt_world *w, const pt_resp *r, const char *what)
{
    if (r->status < 200 || r->status > 299) {
        fail_msg("%s: HTTP %d %.*s", what, r->status, (int)r->raw.body_len,
                 r->raw.body != NULL ? (const char *)r->raw.body : "");
    }
    atomic_fetch_add(&w->requests, 1);
}

static void call(pt_world *w, pt_conn *k, const char *method, const char *path, const pt_who *who,
                 const char *body, const char *what)
{
    pt_resp r;

    pt_call(k, &r, method, path, who, body);
    expect_2xx(w, &r, what);
    pt_resp_free(&r);
}

static void registry(pt_world *w, pt_conn *k, const pt_patient *p, const char *birth)
{
    pt_who who = {w->admin_cf, "OAM", "ADMINISTRATIVE", p->cf, NULL};
    char path[128];
    char body[256];

    snprintf(path, sizeof(path), "/admin/v1/patients/%s", p->cf);
    snprintf(body, sizeof(body),
             "{\"birth_date\":\"%s\",\"region\":\"120\",\"gp\":\"%s\",\"gp_from\":\"2020-01-01\"}",
             birth, w->cf[PT_RS_GP]);
    call(w, k, "PUT", path, &who, body, "registry PUT");
}

static void consent(pt_world *w, pt_conn *k, const pt_patient *p, const char *purpose, bool given)
{
    pt_who who = {p->cf, "ASS", "PERSONAL", p->cf, NULL};
    char path[128];

    snprintf(path, sizeof(path), "/citizen/v1/patients/%s/consents/%s", p->cf, purpose);
    call(w, k, "PUT", path, &who,
         given ? "{\"given\":true,\"channel\":\"web\"}" : "{\"given\":false,\"channel\":\"web\"}",
         "consent PUT");
}

static void consents(pt_world *w, pt_conn *k, const pt_patient *p, bool at_t0)
{
    bool minor_act = p->consent == PT_CONSENT_GIVEN_AS_MINOR;

    if (p->consent == PT_CONSENT_NEVER || minor_act != at_t0) {
        return;
    }
    consent(w, k, p, "cura", true);
    if (p->consent != PT_CONSENT_CURA_ONLY) {
        consent(w, k, p, "profilassi", true);
    }
    if (p->consent == PT_CONSENT_REVOKED) {
        consent(w, k, p, "cura", false);
        consent(w, k, p, "profilassi", false);
    }
}

static void delegate(pt_world *w, pt_conn *k, const pt_patient *p, pt_relship r, const char *kind)
{
    pt_who who = {p->cf, "ASS", "PERSONAL", p->cf, NULL};
    char path[128];
    char body[256];

    snprintf(path, sizeof(path), "/citizen/v1/patients/%s/delegates", p->cf);
    snprintf(body, sizeof(body),
             "{\"delegate\":\"%s\",\"kind\":\"%s\",\"valid_from\":\"2025-01-01\","
             "\"valid_to\":\"2030-12-31\"}",
             w->cf[r], kind);
    call(w, k, "POST", path, &who, body, "delegates POST");
}

static void care(pt_world *w, pt_conn *k, const pt_patient *p)
{
    pt_who who = {w->cf[PT_RS_CARE], "AAS", "TREATMENT", p->cf, pt_locality(3)};
    char body[256];

    snprintf(body, sizeof(body),
             "{\"patient\":\"%s\",\"declaration\":\"Dichiaro la presa in carico del paziente "
             "(DPR 445/2000 art.47)\",\"days\":30}",
             p->cf);
    call(w, k, "POST", "/consult/v1/care-declarations", &who, body, "care declaration POST");
}

/* ---- Documents ---------------------------------------------------------- */

static pt_wdoc *add_doc(pt_patient *p, const char *loinc, unsigned vis, pt_facility fac)
{
    char cf[sizeof(p->cf)];
    pt_wdoc *d;

    assert_true(p->n_docs < PT_MAX_DOCS);
    d = &p->docs[p->n_docs];
    memset(d, 0, sizeof(*d));
    d->loinc = loinc;
    d->vis = vis;
    d->fac = fac;
    /* The document lives inside the patient: format from a copy of the code. */
    memcpy(cf, p->cf, sizeof(cf));
    snprintf(d->unique_id, sizeof(d->unique_id), "2.16.840.1.113883.2.9.2.120.4.4^%s.%zu", cf,
             p->n_docs);
    p->n_docs++;
    return d;
}

/* Every LOINC of the matrix plus one outside it. */
static const char *loinc_at(size_t i)
{
    return i < pt_matrix_len ? pt_matrix[i].loinc : PT_LOINC_UNKNOWN;
}

static const unsigned visibilities[] = {
    0,
    FSE_STORE_VIS_OBSCURED,
    FSE_STORE_VIS_TUTELA,
    FSE_STORE_VIS_TUTELA | FSE_STORE_VIS_TUTELA_RELEASED,
    FSE_STORE_VIS_NOT_PARENTS,
    FSE_STORE_VIS_NOT_PATIENT,
};

#define N_VIS (sizeof(visibilities) / sizeof(visibilities[0]))

/* The document list of one patient. */
static void plan_docs(pt_patient *p)
{
    size_t i, v;

    p->n_docs = 0;
    /* P: every type in every visibility. */
    for (i = 0; i <= pt_matrix_len; i++) {
        for (v = 0; v < N_VIS; v++) {
            add_doc(p, loinc_at(i), visibilities[v], PT_FAC_P);
        }
    }
    /* Q: the PSS and a laboratory report in every visibility, a
     * pharmaceutical prescription and the unknown type, visible. */
    for (v = 0; v < N_VIS; v++) {
        add_doc(p, PT_LOINC_PSS, visibilities[v], PT_FAC_Q);
        if (v == 0) {
            p->pss_index = p->n_docs - 1;
        }
        add_doc(p, "11502-2", visibilities[v], PT_FAC_Q);
    }
    add_doc(p, "57833-6", 0, PT_FAC_Q);
    add_doc(p, PT_LOINC_UNKNOWN, 0, PT_FAC_Q);
    /* R: written by the producer subject in person. */
    add_doc(p, PT_LOINC_UNKNOWN, FSE_STORE_VIS_OBSCURED, PT_FAC_R);
    add_doc(p, "11502-2", FSE_STORE_VIS_TUTELA, PT_FAC_R);
    add_doc(p, PT_LOINC_PSS, 0, PT_FAC_R);
}

/* The bits stored at insertion: what no API sets. The rest is set over
 * HTTP by set_visibility. */
static unsigned stored_bits(unsigned vis)
{
    return vis & (FSE_STORE_VIS_TUTELA | FSE_STORE_VIS_NOT_PATIENT);
}

void pt_world_pdf(char *out, size_t cap, const pt_wdoc *d)
{
    snprintf(out, cap,
             "%%PDF-1.4\n%% fse policy test document %s type %s\n1 0 obj << /Type /Catalog >> "
             "endobj\ntrailer << /Root 1 0 R >>\n%%%%EOF\n",
             d->unique_id, d->loinc);
}

void pt_world_cda(char *out, size_t cap, const pt_wdoc *d)
{
    snprintf(out, cap,
             "<ClinicalDocument><code code=\"%s\"/><id extension=\"%s\"/></ClinicalDocument>",
             d->loinc, d->unique_id);
}

static void store_docs(pt_world *w, pt_patient *p, size_t first_index)
{
    fse_store *s = w->node.store;
    char patient_id[64];
    char author[96];
    char producer[96];
    size_t i;

    snprintf(patient_id, sizeof(patient_id), "%s^^^&2.16.840.1.113883.2.9.4.3.2&ISO", p->cf);
    snprintf(author, sizeof(author), "%s^^^^^^^^&2.16.840.1.113883.2.9.4.3.2&ISO", w->author_cf);
    snprintf(producer, sizeof(producer), "%s^^^^^^^^&2.16.840.1.113883.2.9.4.3.2&ISO",
             w->cf[PT_RS_PRODUCER]);
    assert_int_equal(fse_store_tx_begin(s), FSE_OK);
    for (i = 0; i < p->n_docs; i++) {
        pt_wdoc *d = &p->docs[i];
        fse_store_doc_meta m;
        char pdf[512];
        char cda[256];
        char created[16];
        size_t n = first_index + i;

        memset(&m, 0, sizeof(m));
        pt_world_pdf(pdf, sizeof(pdf), d);
        snprintf(cda, sizeof(cda),
                 "<ClinicalDocument><code code=\"%s\"/><id extension=\"%s\"/>"
                 "</ClinicalDocument>",
                 d->loinc, d->unique_id);
        /* One hour apart, all distinct. */
        snprintf(created, sizeof(created), "2025%02zu%02zu%02zu0000", 1 + (n / 600) % 12,
                 1 + (n / 24) % 25, n % 24);
        m.unique_id = d->unique_id;
        m.repository_id = "2.16.840.1.113883.2.9.2.120.4.5.1";
        m.patient_id = patient_id;
        m.class_code = "REF";
        m.type_code = d->loinc;
        m.format_code = "2.16.840.1.113883.2.9.10.1.1";
        m.practice_setting_code = "AD_PSC001";
        m.facility_type_code = "Ospedale";
        m.content_type_code = "PHR";
        m.author_person = d->fac == PT_FAC_R ? producer : author;
        m.author_role = "APR";
        m.author_institution = pt_locality((int)d->fac);
        m.confidentiality_code = "N";
        m.title = "Documento di prova";
        m.creation_time = created;
        m.visibility = stored_bits(d->vis);
        if (fse_store_doc_put(s, &m, (const uint8_t *)pdf, strlen(pdf), (const uint8_t *)cda,
                              strlen(cda), atomic_load(&pt_now_ms), d->id) != FSE_OK) {
            fail_msg("doc put: %s", fse_error_last()->message);
        }
    }
    assert_int_equal(fse_store_tx_commit(s), FSE_OK);
}

/* Obscure, release tutela, hide from parents: through the citizen API. */
static void set_visibility(pt_world *w, pt_conn *k, const pt_patient *p)
{
    pt_who who = {p->cf, "ASS", "PERSONAL", p->cf, NULL};
    char path[160];
    size_t i;

    for (i = 0; i < p->n_docs; i++) {
        const pt_wdoc *d = &p->docs[i];
        const char *body = NULL;

        if ((d->vis & FSE_STORE_VIS_OBSCURED) != 0) {
            body = "{\"obscured\":true}";
        } else if ((d->vis & FSE_STORE_VIS_TUTELA_RELEASED) != 0) {
            body = "{\"tutela_released\":true}";
        } else if ((d->vis & FSE_STORE_VIS_NOT_PARENTS) != 0) {
            body = "{\"hidden_from_parents\":true}";
        }
        if (body != NULL) {
            snprintf(path, sizeof(path), "/citizen/v1/patients/%s/documents/%s/visibility", p->cf,
                     d->id);
            call(w, k, "PUT", path, &who, body, "visibility PUT");
        }
    }
}

static const pt_patient *sort_patient;

static int by_id_cmp(const void *a, const void *b)
{
    return strcmp(sort_patient->docs[*(const uint16_t *)a].id,
                  sort_patient->docs[*(const uint16_t *)b].id);
}

/* The index of the documents by node id. */
static void index_docs(pt_patient *p)
{
    size_t i;

    for (i = 0; i < p->n_docs; i++) {
        p->by_id[i] = (uint16_t)i;
    }
    sort_patient = p;
    qsort(p->by_id, p->n_docs, sizeof(p->by_id[0]), by_id_cmp);
}

/* The stored bits are the planned ones (the API did what it says). */
static void check_bits(pt_world *w, const pt_patient *p)
{
    size_t i;

    for (i = 0; i < p->n_docs; i++) {
        fse_store_doc_meta *m = NULL;

        assert_int_equal(fse_store_doc_get(&m, w->node.store, p->docs[i].unique_id), FSE_OK);
        if (m->visibility != p->docs[i].vis) {
            fail_msg("document %s: visibility 0x%x after the API calls, planned 0x%x",
                     p->docs[i].id, m->visibility, p->docs[i].vis);
        }
        fse_store_doc_meta_free(m);
    }
}

/* ---- The world ---------------------------------------------------------- */

static const struct {
    bool minor;
    pt_consent consent;
} patient_plan[PT_N_PATIENTS] = {
    {false, PT_CONSENT_NEVER},          {false, PT_CONSENT_GIVEN},     {false, PT_CONSENT_REVOKED},
    {false, PT_CONSENT_GIVEN_AS_MINOR}, {true, PT_CONSENT_NEVER},      {true, PT_CONSENT_GIVEN},
    {true, PT_CONSENT_REVOKED},         {false, PT_CONSENT_CURA_ONLY},
};

void pt_world_build(pt_world *w, pt_conn *k)
{
    size_t i;
    int r;

    pthread_mutex_init(&w->lock, NULL);
    for (r = 0; r < PT_RS_COUNT; r++) {
        pt_cf(w->cf[r], 1000u + (unsigned)r, 75, 3, 15);
    }
    pt_cf(w->admin_cf, 2000, 70, 1, 1);
    pt_cf(w->author_cf, 2001, 66, 6, 6);
    w->n_patients = PT_N_PATIENTS;
    w->epoch = 0;
    /* At T0 every patient is a minor: registry, parents, consents given
     * while minor. */
    pt_clock_set(PT_T0_MS);
    for (i = 0; i < w->n_patients; i++) {
        pt_patient *p = &w->patients[i];

        memset(p, 0, sizeof(*p));
        p->minor = patient_plan[i].minor;
        p->consent = patient_plan[i].consent;
        if (p->minor) {
            pt_cf(p->cf, (unsigned)i, 16, 3, 3);
        } else {
            pt_cf(p->cf, (unsigned)i, 8, 1, 2);
        }
        p->birth = p->minor ? MINOR_BIRTH : ADULT_BIRTH;
        registry(w, k, p, p->birth);
        delegate(w, k, p, PT_RS_PARENT, "parent");
        consents(w, k, p, true);
    }
    /* From T1 the adults are adults. */
    pt_clock_set(T1_MS);
    for (i = 0; i < w->n_patients; i++) {
        pt_patient *p = &w->patients[i];

        consents(w, k, p, false);
        delegate(w, k, p, PT_RS_GUARDIAN, "guardian");
        delegate(w, k, p, PT_RS_DELEGATE, "delegate");
        care(w, k, p);
        plan_docs(p);
        store_docs(w, p, i * PT_MAX_DOCS);
        index_docs(p);
        set_visibility(w, k, p);
        check_bits(w, p);
    }
}

void pt_world_next_epoch(pt_world *w, pt_conn *k)
{
    size_t i;
    int r;

    assert_true(w->epoch < 2);
    for (i = 0; i < w->n_patients; i++) {
        const pt_patient *p = &w->patients[i];

        for (r = 0; r < PT_RS_COUNT; r++) {
            pt_who who = {pt_world_sub(w, p, (pt_relship)r), "APR", "EMERGENCY", p->cf,
                          pt_locality(r == PT_RS_PRODUCER ? PT_FAC_P : 3)};
            char path[128];
            char body[256];

            if (w->epoch == 0) {
                snprintf(body, sizeof(body),
                         "{\"patient\":\"%s\",\"reason\":\"Paziente incosciente in pronto "
                         "soccorso\"}",
                         p->cf);
                call(w, k, "POST", "/consult/v1/emergency-access", &who, body,
                     "emergency-access POST");
            } else {
                /* Read the PSS under the grant: its entry, then its PDF. */
                snprintf(path, sizeof(path), "/fhir/DocumentReference/%s",
                         p->docs[p->pss_index].id);
                call(w, k, "GET", path, &who, NULL, "PSS read under the emergency grant");
                snprintf(path, sizeof(path), "/fhir/Binary/%s", p->docs[p->pss_index].id);
                call(w, k, "GET", path, &who, NULL, "PSS download under the emergency grant");
            }
        }
    }
    w->epoch++;
}
