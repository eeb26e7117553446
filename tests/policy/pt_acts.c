/*
 * tests/policy/pt_acts.c - the citizen's acts of docs/policy.md ("Citizen's
 * acts") asked of the server by every kind of subject of the access-matrix
 * world: giving a consent, changing a document's visibility, adding and
 * ending a delegate, reading the access log, reading the notifications.
 * Allowed acts must succeed (2xx), the others must be refused (403);
 * pt_oracle_act says which is which. Runs after the access matrix, on its
 * world; the acts leave the policy's inputs as they were (the consent is
 * prevenzione-regione, the visibility change sets a bit that is already
 * clear, the delegate added is ended). Then the professionals' acts and
 * the registry of docs/consult.md, by the roles that may and may not.
 */
#include "pt.h"

#include <stdio.h>
#include <string.h>

typedef struct act_subject {
    pt_relship rel;
    const char *role;
    const char *purpose;
} act_subject;

static const act_subject subjects[] = {
    {PT_RS_SELF, "ASS", "PERSONAL"},     {PT_RS_GUARDIAN, "TUT", "PERSONAL"},
    {PT_RS_PARENT, "GEN", "PERSONAL"},   {PT_RS_DELEGATE, "ING", "PERSONAL"},
    {PT_RS_GP, "APR", "PERSONAL"},       {PT_RS_GP, "APR", "TREATMENT"},
    {PT_RS_CARE, "INF", "TREATMENT"},    {PT_RS_NONE, "ASS", "PERSONAL"},
    {PT_RS_DELEGATE, "TUT", "PERSONAL"}, {PT_RS_GUARDIAN, "ING", "PERSONAL"},
    {PT_RS_SELF, "ASS", "TREATMENT"},    {PT_RS_PRODUCER, "FAR", "PERSONAL"},
    {PT_RS_NONE, "OAM", "PERSONAL"},     {PT_RS_PARENT, "ING", "PERSONAL"},
};

static const char *const act_names[PT_ACT_COUNT] = {"give a consent", "change a visibility",
                                                    "add and end a delegate", "read the access log",
                                                    "read notifications"};

/* A document every citizen with the record sees: visible, nobody's. */
static const pt_wdoc *plain_doc(const pt_patient *p)
{
    size_t i;

    for (i = 0; i < p->n_docs; i++) {
        if (p->docs[i].vis == 0 && p->docs[i].fac == PT_FAC_Q) {
            return &p->docs[i];
        }
    }
    fail_msg("no visible document");
    return NULL;
}

/* Do the act; the status of its (first) request. */
static int act(pt_world *w, pt_conn *k, const pt_patient *p, const pt_who *who, pt_act a,
               const char *new_delegate)
{
    char path[256];
    char body[256];
    pt_resp r;
    int status;

    switch (a) {
    case PT_ACT_CONSENT:
        snprintf(path, sizeof(path), "/citizen/v1/patients/%s/consents/prevenzione-regione", p->cf);
        pt_call(k, &r, "PUT", path, who, "{\"given\":true,\"channel\":\"app\"}");
        break;
    case PT_ACT_VISIBILITY:
        snprintf(path, sizeof(path), "/citizen/v1/patients/%s/documents/%s/visibility", p->cf,
                 plain_doc(p)->id);
        pt_call(k, &r, "PUT", path, who, "{\"hidden_from_parents\":false}");
        break;
    case PT_ACT_DELEGATES:
        snprintf(path, sizeof(path), "/citizen/v1/patients/%s/delegates", p->cf);
        snprintf(body, sizeof(body),
                 "{\"delegate\":\"%s\",\"kind\":\"delegate\",\"valid_from\":\"2025-01-01\","
                 "\"valid_to\":\"2030-12-31\"}",
                 new_delegate);
        pt_call(k, &r, "POST", path, who, body);
        if (r.status == 201) {
            json_t *id = json_object_get(r.json, "id");
            pt_resp end;

            assert_true(json_is_integer(id));
            snprintf(path, sizeof(path), "/citizen/v1/patients/%s/delegates/%lld", p->cf,
                     (long long)json_integer_value(id));
            pt_call(k, &end, "DELETE", path, who, NULL);
            if (end.status < 200 || end.status > 299) {
                pt_report(w, "%s (%s as %s): ending the delegate it added answered %d", p->cf,
                          who->role, who->purpose, end.status);
            }
            atomic_fetch_add(&w->requests, 1);
            pt_resp_free(&end);
        }
        break;
    case PT_ACT_LOG:
        snprintf(path, sizeof(path), "/citizen/v1/patients/%s/access-log?limit=1", p->cf);
        pt_call(k, &r, "GET", path, who, NULL);
        break;
    default:
        snprintf(path, sizeof(path), "/citizen/v1/patients/%s/notifications", p->cf);
        pt_call(k, &r, "GET", path, who, NULL);
        break;
    }
    atomic_fetch_add(&w->requests, 1);
    status = r.status;
    pt_resp_free(&r);
    return status;
}

/* One professional act or registry write and the status docs/consult.md
 * gives it (0: any 2xx). */
typedef struct pro_case {
    const char *what;
    const char *method;
    const char *path; /* NULL: the registry path of the patient */
    const char *role;
    const char *purpose;
    const char *body_tpl; /* @P@ is the patient; NULL: the registry body */
    int want;
} pro_case;

static const pro_case pro_cases[] = {
    {"care declaration by a doctor", "POST", "/consult/v1/care-declarations", "APR", "TREATMENT",
     "{\"patient\":\"@P@\",\"declaration\":\"Presa in carico\",\"days\":30}", 0},
    {"care declaration by a nurse", "POST", "/consult/v1/care-declarations", "INF", "TREATMENT",
     "{\"patient\":\"@P@\",\"declaration\":\"Presa in carico\",\"days\":365}", 0},
    {"care declaration of 0 days", "POST", "/consult/v1/care-declarations", "APR", "TREATMENT",
     "{\"patient\":\"@P@\",\"declaration\":\"Presa in carico\",\"days\":0}", 400},
    {"care declaration of 366 days", "POST", "/consult/v1/care-declarations", "APR", "TREATMENT",
     "{\"patient\":\"@P@\",\"declaration\":\"Presa in carico\",\"days\":366}", 400},
    {"care declaration by the patient", "POST", "/consult/v1/care-declarations", "ASS", "PERSONAL",
     "{\"patient\":\"@P@\",\"declaration\":\"Presa in carico\",\"days\":30}", 403},
    {"care declaration by an administrator", "POST", "/consult/v1/care-declarations", "OAM",
     "TREATMENT", "{\"patient\":\"@P@\",\"declaration\":\"Presa in carico\",\"days\":30}", 403},
    {"emergency access by a doctor", "POST", "/consult/v1/emergency-access", "AAS", "EMERGENCY",
     "{\"patient\":\"@P@\",\"reason\":\"Paziente incosciente in pronto soccorso\"}", 0},
    {"emergency access by a nurse", "POST", "/consult/v1/emergency-access", "INF", "EMERGENCY",
     "{\"patient\":\"@P@\",\"reason\":\"Paziente incosciente in pronto soccorso\"}", 0},
    {"emergency access by a pharmacist", "POST", "/consult/v1/emergency-access", "FAR", "EMERGENCY",
     "{\"patient\":\"@P@\",\"reason\":\"Paziente incosciente in farmacia\"}", 403},
    {"emergency access by the patient", "POST", "/consult/v1/emergency-access", "ASS", "PERSONAL",
     "{\"patient\":\"@P@\",\"reason\":\"Paziente incosciente in pronto soccorso\"}", 403},
    {"emergency access with purpose TREATMENT", "POST", "/consult/v1/emergency-access", "AAS",
     "TREATMENT", "{\"patient\":\"@P@\",\"reason\":\"Paziente incosciente in pronto soccorso\"}",
     403},
    {"registry by OAM", "PUT", NULL, "OAM", "ADMINISTRATIVE", NULL, 0},
    {"registry by NOR", "PUT", NULL, "NOR", "ADMINISTRATIVE", NULL, 0},
    {"registry by a doctor", "PUT", NULL, "APR", "ADMINISTRATIVE", NULL, 403},
    {"registry by OAM for TREATMENT", "PUT", NULL, "OAM", "TREATMENT", NULL, 403},
    {"registry by the patient", "PUT", NULL, "ASS", "PERSONAL", NULL, 403},
};

/* docs/consult.md "Professional acts" and "Registry": who may send them.
 * Acts that succeed are made by people the world does not use. */
static void professional_acts(pt_world *w, pt_conn *k, size_t *n_checked)
{
    const pt_patient *p = &w->patients[1];
    size_t i;

    for (i = 0; i < sizeof(pro_cases) / sizeof(pro_cases[0]); i++) {
        const pro_case *c = &pro_cases[i];
        char sub[17];
        char path[160];
        char body[400];
        pt_who who = {sub, c->role, c->purpose, p->cf, pt_locality(3)};
        pt_resp r;
        bool ok;

        pt_cf(sub, 3100u + (unsigned)i, 71, 3, 3);
        if (strcmp(c->role, "ASS") == 0) {
            who.sub = p->cf;
        }
        if (c->path == NULL) {
            snprintf(path, sizeof(path), "/admin/v1/patients/%s", p->cf);
            snprintf(body, sizeof(body),
                     "{\"birth_date\":\"%s\",\"region\":\"120\",\"gp\":\"%s\","
                     "\"gp_from\":\"2020-01-01\"}",
                     p->birth, w->cf[PT_RS_GP]);
        } else {
            const char *at = strstr(c->body_tpl, "@P@");

            assert_non_null(at);
            snprintf(path, sizeof(path), "%s", c->path);
            snprintf(body, sizeof(body), "%.*s%s%s", (int)(at - c->body_tpl), c->body_tpl, p->cf,
                     at + 3);
        }
        pt_call(k, &r, c->method, path, &who, body);
        atomic_fetch_add(&w->requests, 1);
        (*n_checked)++;
        ok = c->want == 0 ? r.status >= 200 && r.status <= 299 : r.status == c->want;
        if (!ok) {
            pt_report(w, "[patient %s | %s: role %s, purpose %s]: %s %s answered %d (docs: %s%d)",
                      p->cf, c->what, c->role, c->purpose, c->method, path, r.status,
                      c->want == 0 ? "2xx" : "", c->want);
        }
        pt_resp_free(&r);
    }
}

void pt_acts_check(pt_world *w, pt_conn *k, size_t *n_checked)
{
    /* an adult with consents, a minor, the adult whose parent record ended */
    static const size_t patients[] = {1, 5, 3};
    char new_delegate[17];
    size_t pi, s;
    int a;

    pt_cf(new_delegate, 3000, 77, 7, 17);
    for (pi = 0; pi < sizeof(patients) / sizeof(patients[0]); pi++) {
        const pt_patient *p = &w->patients[patients[pi]];

        for (s = 0; s < sizeof(subjects) / sizeof(subjects[0]); s++) {
            const act_subject *sub = &subjects[s];
            pt_who who = {pt_world_sub(w, p, sub->rel), sub->role, sub->purpose, p->cf,
                          pt_locality(sub->rel == PT_RS_PRODUCER ? PT_FAC_P : 3)};
            pt_facts f;

            pt_world_facts(w, p, sub->rel, sub->role, sub->purpose, &f);
            for (a = 0; a < PT_ACT_COUNT; a++) {
                bool want = pt_oracle_act(&f, (pt_act)a);
                int status = act(w, k, p, &who, (pt_act)a, new_delegate);
                bool ok = status >= 200 && status <= 299;

                (*n_checked)++;
                if (ok != want || (!want && status != 403)) {
                    pt_report(w,
                              "[patient %s: %s, consent %s | subject: %s | role %s | purpose %s]: "
                              "%s answered %d (docs/policy.md: %s)",
                              p->cf, p->minor ? "minor" : "adult", pt_consent_name(p->consent),
                              pt_relship_name(sub->rel, p->minor), sub->role, sub->purpose,
                              act_names[a], status, want ? "allowed" : "refused, 403");
                }
            }
        }
    }
    professional_acts(w, k, n_checked);
}
