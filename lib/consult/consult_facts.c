/*
 * lib/consult/consult_facts.c - the facts a policy decision needs.
 *
 * Owns turning the store's registry record, consent history and relations
 * in force into fse_policy_subject and fse_policy_patient (docs/policy.md
 * "Facts"), the minor test, the producer test of a document, and the
 * emergency "PSS first" state. Decisions are lib/policy's.
 */
#include "consult_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int fse_consult__digits(const char *s, size_t n)
{
    int v = 0;
    size_t i;

    for (i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return -1;
        }
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/* Age 18 reached at now, for a birth date "yyyyMMdd". */
static bool adult_at(const char *birth, int64_t now_ms)
{
    time_t t = (time_t)(now_ms / 1000);
    struct tm tm;
    int by;
    int bmd;
    int age;

    if (birth == NULL || strlen(birth) != 8 || gmtime_r(&t, &tm) == NULL) {
        return true;
    }
    by = fse_consult__digits(birth, 4);
    bmd = fse_consult__digits(birth + 4, 4);
    if (by < 0 || bmd < 0) {
        return true;
    }
    age = tm.tm_year + 1900 - by;
    if ((tm.tm_mon + 1) * 100 + tm.tm_mday < bmd) {
        age--;
    }
    return age >= 18;
}

bool fse_consult__minor(const fse_store_patient *reg, int64_t now_ms)
{
    return reg != NULL && !adult_at(reg->birth_date, now_ms);
}

/* The effective state of the cura and profilassi consents. */
static void consents(cs_ctx *ctx, const fse_store_consent_list *l)
{
    const fse_store_consent *last[FSE_STORE_CONSENT_PURPOSES] = {NULL};
    size_t i;

    for (i = 0; i < l->n_consents; i++) {
        if ((unsigned)l->consents[i].purpose < FSE_STORE_CONSENT_PURPOSES) {
            last[l->consents[i].purpose] = &l->consents[i];
        }
    }
    ctx->pat.consent_cura =
        last[FSE_STORE_CONSENT_CURA] != NULL &&
        fse_policy_consent_effective(last[FSE_STORE_CONSENT_CURA]->given,
                                     last[FSE_STORE_CONSENT_CURA]->patient_minor, ctx->pat.minor);
    ctx->pat.consent_profilassi =
        last[FSE_STORE_CONSENT_PROFILASSI] != NULL &&
        fse_policy_consent_effective(last[FSE_STORE_CONSENT_PROFILASSI]->given,
                                     last[FSE_STORE_CONSENT_PROFILASSI]->patient_minor,
                                     ctx->pat.minor);
}

/* Relation bits of the actor, from the relations in force now. */
static void relations(cs_ctx *ctx, const fse_store_relation_list *l)
{
    size_t i;

    for (i = 0; i < l->n_relations; i++) {
        const fse_store_relation *r = &l->relations[i];

        switch (r->kind) {
        case FSE_STORE_REL_DELEGATE:
            ctx->subject.relations |= FSE_POLICY_REL_DELEGATE;
            break;
        case FSE_STORE_REL_GUARDIAN:
            ctx->subject.relations |= FSE_POLICY_REL_GUARDIAN;
            break;
        case FSE_STORE_REL_PARENT:
            if (ctx->pat.minor) {
                ctx->subject.relations |= FSE_POLICY_REL_PARENT;
            }
            break;
        case FSE_STORE_REL_CARE:
            ctx->subject.relations |= FSE_POLICY_REL_CARE;
            break;
        case FSE_STORE_REL_EMERGENCY:
            ctx->subject.relations |= FSE_POLICY_REL_EMERGENCY;
            ctx->emergency_id = r->id;
            if ((r->flags & FSE_STORE_REL_F_PSS_READ) != 0) {
                ctx->subject.emergency_pss_read = true;
            }
            break;
        }
    }
}

/* The registry's GP assignment of the actor, in force now. */
static fse_err gp_relation(cs_ctx *ctx)
{
    char ref[FSE_STORE_REF_LEN];
    const fse_store_patient *reg = ctx->registry;
    fse_err rc;

    if (reg == NULL || reg->gp_ref[0] == '\0' || ctx->now_ms < reg->gp_from_ms ||
        (reg->gp_to_ms != 0 && ctx->now_ms >= reg->gp_to_ms)) {
        return FSE_OK;
    }
    rc = fse_store_ref(ref, ctx->store, FSE_STORE_REF_ACTOR, ctx->actor);
    if (rc == FSE_OK && strcmp(ref, reg->gp_ref) == 0) {
        ctx->subject.relations |= FSE_POLICY_REL_GP;
    }
    return rc;
}

static fse_err load(cs_ctx *ctx)
{
    fse_store_consent_list *cl = NULL;
    fse_store_relation_list *rl = NULL;
    fse_store_relation_query q = {ctx->patient, 0, ctx->actor, ctx->now_ms};
    fse_err rc = fse_store_patient_get(&ctx->registry, ctx->store, ctx->patient);

    if (rc == FSE_E_NOT_FOUND) {
        ctx->registry = NULL;
        rc = FSE_OK;
    }
    if (rc == FSE_OK) {
        rc = fse_store_ref(ctx->patient_ref, ctx->store, FSE_STORE_REF_PATIENT, ctx->patient);
    }
    ctx->pat.minor = fse_consult__minor(ctx->registry, ctx->now_ms);
    if (rc == FSE_OK) {
        rc = fse_store_consent_list_get(&cl, ctx->store, ctx->patient);
    }
    if (rc == FSE_OK) {
        consents(ctx, cl);
        rc = fse_store_relation_list_get(&rl, ctx->store, &q);
    }
    if (rc == FSE_OK) {
        relations(ctx, rl);
        rc = gp_relation(ctx);
    }
    fse_store_consent_list_free(cl);
    fse_store_relation_list_free(rl);
    return rc;
}

bool fse_consult__facts(cs_ctx *ctx)
{
    if (ctx->facts_loaded) {
        return true;
    }
    ctx->subject.role = ctx->role;
    ctx->subject.purpose = fse_policy_purpose_parse(ctx->purpose);
    if (strcmp(ctx->actor, ctx->patient) == 0) {
        ctx->subject.relations |= FSE_POLICY_REL_SELF;
    }
    if (load(ctx) != FSE_OK) {
        (void)fse_consult__internal(ctx, "facts");
        return false;
    }
    ctx->facts_loaded = true;
    return true;
}

/* The id of an organisation or facility: the last '^' component of an XON,
 * or the whole value. */
static const char *org_id(const char *xon)
{
    const char *last = xon != NULL ? strrchr(xon, '^') : NULL;

    return last != NULL ? last + 1 : xon;
}

/* The subject or its facility produced the document. */
static bool produced_by_subject(const cs_ctx *ctx, const fse_store_doc_meta *m)
{
    char author[CS_MAX_PERSON + 1];
    const char *inst = org_id(m->author_institution);
    const char *mine = org_id(ctx->locality);

    if (fse_consult__person(author, m->author_person) && strcmp(author, ctx->actor) == 0) {
        return true;
    }
    return inst != NULL && mine != NULL && inst[0] != '\0' && strcmp(inst, mine) == 0;
}

void fse_consult__decide(const cs_ctx *ctx, const fse_store_doc_meta *m, fse_policy_decision *out)
{
    fse_policy_doc doc;

    doc.type_code = m->type_code;
    doc.visibility = m->visibility;
    doc.by_subject = produced_by_subject(ctx, m);
    fse_policy_document(ctx->c->policy, &ctx->subject, &ctx->pat, &doc, out);
}

fse_policy_scope fse_consult__scope(cs_ctx *ctx, fse_policy_decision *d)
{
    char detail[200];
    fse_policy_scope scope = fse_policy_record_scope(ctx->c->policy, &ctx->subject, &ctx->pat, d);

    if (scope == FSE_POLICY_SCOPE_NONE) {
        snprintf(detail, sizeof(detail), "Consultazione non consentita: %s",
                 fse_policy_reason_text(d->reason));
        (void)fse_consult__audit(ctx, NULL, FSE_AUDIT_REFUSED, fse_policy_reason_name(d->reason));
        (void)fse_consult__fail(ctx, 403, detail);
    }
    return scope;
}

/* Under an emergency grant the PSS comes first; with no PSS the subject
 * could see, there is nothing to read first (docs/policy.md). */
static void settle_pss_first(cs_ctx *ctx, const fse_store_doc_list *list)
{
    fse_policy_subject probe = ctx->subject;
    size_t i;

    if (ctx->subject.purpose != FSE_POLICY_PURPOSE_EMERGENCY || ctx->subject.emergency_pss_read) {
        return;
    }
    probe.emergency_pss_read = true;
    for (i = 0; i < list->n_docs; i++) {
        const fse_store_doc_meta *m = list->docs[i];
        fse_policy_doc doc = {m->type_code, m->visibility, false};
        fse_policy_decision d;

        if (m->status != FSE_STORE_DOC_APPROVED || m->type_code == NULL ||
            strcmp(m->type_code, FSE_POLICY_LOINC_PSS) != 0) {
            continue;
        }
        fse_policy_document(ctx->c->policy, &probe, &ctx->pat, &doc, &d);
        if (d.allow) {
            return;
        }
    }
    ctx->subject.emergency_pss_read = true;
}

bool fse_consult__load_docs(cs_ctx *ctx, unsigned statuses, fse_store_doc_list **out)
{
    fse_store_doc_list *list = NULL;

    if (fse_store_doc_list_patient(&list, NULL, ctx->store, ctx->patient, statuses, 0) != FSE_OK) {
        (void)fse_consult__internal(ctx, "document list");
        return false;
    }
    settle_pss_first(ctx, list);
    *out = list;
    return true;
}
