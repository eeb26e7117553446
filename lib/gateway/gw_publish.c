/*
 * lib/gateway/gw_publish.c - publication: POST /v1/documents (create),
 * PUT /v1/documents/{id} (replace), POST /v1/documents/validate-and-create
 * and PUT /v1/documents/validate-and-replace/{idDoc} (gateway-api §1 rows
 * 3, 4, 8, 9).
 *
 * Owns the order of the checks (DISP PublicationCTL: path id, tokens,
 * requestBody, file, PAdES, CDA extraction, claims against the CDA and the
 * file hash, classCode; validation for the v&c/v&r calls), and the
 * publication transaction: the validation link consumed (single use, at most
 * 5 days old), the replaced version checked and deprecated, the document
 * and its XDS metadata stored sealed, the PUBLICATION/REPLACE event, the
 * INI/EDS/callback jobs and the audit record, all committed (fsync'd)
 * before the 202 is sent. Owns the visibility the document is stored with
 * (docs/gateway.md "Default obscuring"): the eventCodeList bits (P99, P97,
 * P98), TUTELA for a maggior tutela document (DM23 art.6), and, on replace,
 * the replaced version's choices. Does not own the individual checks
 * (gw_jwt.c, gw_document.c, gw_request.c), the tutela rules (lib/cda,
 * cda_tutela_rules.c) or the jobs (gw_outbox.c).
 */
#include "gateway_int.h"

#include <stdio.h>
#include <string.h>

/* The XDS-side values built from the CDA header (gateway-api §6.2). */
typedef struct pub_values {
    char patient[GW_MAX_FIELD * 2 + 16]; /* CF^^^&OID&ISO */
    char author[GW_MAX_FIELD * 2 + 24];  /* CF^^^^^^^^&OID&ISO */
    char creation[15];                   /* yyyyMMddHHmmss */
    char reference[GW_MAX_FIELD + 64];   /* NRE^^^&2.16.840.1.113883.2.9.4.3.8&ISO^urn:... */
} pub_values;

/* Event codes of attiCliniciRegoleAccesso and the bit each asks for
 * (domain-rules §3; DISP EventCodeEnum). P00 ("de-obscured at feeding") has
 * none: it is the absence of P99, and it does not release a maggior tutela
 * document (see publication_visibility). */
static const struct {
    const char *code;
    unsigned bit;
} event_bits[] = {
    {"P99", FSE_STORE_VIS_OBSCURED},
    {"P97", FSE_STORE_VIS_NOT_PARENTS},
    {"P98", FSE_STORE_VIS_NOT_PATIENT},
};

/* The bits eventCodeList drives; the others are never derived from it. */
#define EVENT_BITS (FSE_STORE_VIS_OBSCURED | FSE_STORE_VIS_NOT_PARENTS | FSE_STORE_VIS_NOT_PATIENT)

unsigned fse_gateway__event_visibility(const char *const *codes, size_t n)
{
    unsigned bits = 0;
    size_t i;
    size_t k;

    for (i = 0; i < n && codes != NULL; i++) {
        for (k = 0; k < sizeof(event_bits) / sizeof(event_bits[0]); k++) {
            if (codes[i] != NULL && strcmp(codes[i], event_bits[k].code) == 0) {
                bits |= event_bits[k].bit;
            }
        }
    }
    return bits;
}

unsigned fse_gateway__visibility_change(unsigned current, unsigned old_events, unsigned new_events)
{
    unsigned added = new_events & ~old_events & EVENT_BITS;
    unsigned removed = old_events & ~new_events & EVENT_BITS;

    return (current & ~removed) | added;
}

/*
 * The visibility a published document is stored with (docs/gateway.md
 * "Default obscuring").
 * - eventCodeList: P99, P97, P98 set their bits. On replace the replaced
 *   version's bits are the starting point and only a change of the list
 *   moves them, so an obscuring the patient asked for is not lost because a
 *   new version was sent (DPCM178 art.8 c.2, the "catena dell'oscuramento").
 * - IMPLEMENTATION-OF: DM23 art.6 c.1 "documents of maggior tutela are
 *   visible only to the patient unless the patient gives explicit, informed,
 *   specific consent": TUTELA when the CDA reveals a category or carries
 *   confidentialityCode V. P00 does not clear it: P00 only says the patient
 *   did not ask for P99 at feeding, which is not that consent, and art.6 c.2
 *   makes the provider answer for a missing obscuring. The patient releases
 *   the document through the citizen's own function (TUTELA_RELEASED, art.9).
 * - TUTELA and TUTELA_RELEASED of a replaced version are not carried: TUTELA
 *   comes from the new content, and a release is consent for the content
 *   the patient saw.
 */
static unsigned publication_visibility(const gw_ctx *ctx, const fse_store_doc_meta *replaced)
{
    const fse_cda_request_metadata *b = &ctx->body.meta;
    unsigned events = fse_gateway__event_visibility(b->atti_clinici, b->n_atti_clinici);
    unsigned vis = events;

    if (replaced != NULL) {
        vis = fse_gateway__visibility_change(
            replaced->visibility & EVENT_BITS,
            fse_gateway__event_visibility(replaced->event_codes, replaced->n_event_codes), events);
    }
    if (ctx->doc.tutela != 0) {
        vis |= FSE_STORE_VIS_TUTELA;
    }
    return vis;
}

/* The maggior tutela categories of the CDA, read before the transaction. */
static bool detect_tutela(gw_ctx *ctx)
{
    fse_cda_tutela_result res;

    if (fse_cda_tutela_detect(&res, ctx->doc.xml) != FSE_OK) {
        return fse_gateway__fail(ctx, "tutela detection");
    }
    ctx->doc.tutela = res.categories;
    return true;
}

/* The steps before the transaction, in the Gateway's order. */
static bool prepare(gw_ctx *ctx)
{
    const gw_op_info *info = ctx->info;
    bool replace = ctx->op == GW_OP_REPLACE || ctx->op == GW_OP_VALIDATE_AND_REPLACE;

    if (replace && !fse_gateway__read_path_id(ctx, ctx->op == GW_OP_REPLACE ? "id" : "idDoc")) {
        return false;
    }
    if (!fse_gateway__jwt_step(ctx) || !fse_gateway__read_multipart(ctx) ||
        !fse_gateway__check_body(ctx) || !fse_gateway__read_callback(ctx) ||
        !fse_gateway__check_file(ctx) || !fse_gateway__check_signature(ctx) ||
        !fse_gateway__load_document(ctx)) {
        return false;
    }
    if (info->validates) {
        ctx->event_type = replace ? GW_EV_VALIDATION_FOR_REPLACE : GW_EV_VALIDATION_FOR_PUBLICATION;
        if (!fse_gateway__new_wii(ctx)) {
            return false;
        }
    }
    if (!fse_gateway__jwt_document(ctx) || !fse_gateway__check_class(ctx)) {
        return false;
    }
    if (info->validates && !fse_gateway__validate(ctx)) {
        return false;
    }
    ctx->event_type = info->event_type;
    return detect_tutela(ctx);
}

/* The validation link: consumed now, in the publication's transaction. */
static bool consume_link(gw_ctx *ctx)
{
    fse_store *s = ctx->slot->store;
    const char *want_wii = ctx->info->validates ? ctx->wii : ctx->body.meta.workflow_instance_id;
    fse_store_link_result res = FSE_STORE_LINK_NOT_FOUND;
    char *link_wii = NULL;
    fse_err rc;

    if (ctx->info->validates) {
        /* v&c / v&r: the validation just made is recorded and consumed at
         * once, so an earlier validation of the same CDA cannot be published
         * again afterwards. */
        rc = fse_store_link_put(s, ctx->doc.link_hash, ctx->wii, ctx->now_ms);
        if (rc == FSE_OK) {
            rc = fse_gateway__event(ctx,
                                    ctx->op == GW_OP_VALIDATE_AND_REPLACE
                                        ? GW_EV_VALIDATION_FOR_REPLACE
                                        : GW_EV_VALIDATION_FOR_PUBLICATION,
                                    GW_ST_SUCCESS, NULL, NULL);
        }
        if (rc != FSE_OK) {
            return fse_gateway__fail(ctx, "validation link");
        }
    }
    rc = fse_store_link_consume(&res, &link_wii, s, ctx->doc.link_hash, want_wii, ctx->now_ms);
    if (rc != FSE_OK) {
        return fse_gateway__fail(ctx, "validation link");
    }
    /* IMPLEMENTATION-OF: gateway-api §0 "The validation is consumed by one
     * publication and expires after 5 days"; §4 /msg/cda-match "Il CDA non
     * risulta validato", /msg/max-day-limit-exceed. */
    switch (res) {
    case FSE_STORE_LINK_OK:
        break;
    case FSE_STORE_LINK_USED:
        fse_free(link_wii);
        return fse_gateway__refuse(ctx, FSE_HTTP_PROBLEM_CDA_MATCH, NULL,
                                   "Il CDA non risulta validato: la validazione è già stata "
                                   "usata per una pubblicazione");
    case FSE_STORE_LINK_EXPIRED:
        fse_free(link_wii);
        return fse_gateway__refuse(ctx, FSE_HTTP_PROBLEM_MAX_DAY_LIMIT_EXCEED, NULL,
                                   "Error: document older than 5 days: validate it again");
    case FSE_STORE_LINK_NOT_FOUND:
    default:
        fse_free(link_wii);
        return fse_gateway__refuse(ctx, FSE_HTTP_PROBLEM_CDA_MATCH, NULL,
                                   "Il CDA non risulta validato");
    }
    if (!ctx->info->validates) {
        fse_free(ctx->wii);
        ctx->wii = link_wii;
    } else {
        fse_free(link_wii);
    }
    return true;
}

/* The version being replaced: approved, same patient. *old_out (caller
 * frees) keeps it for the new version's visibility. */
static bool check_replaced(gw_ctx *ctx, fse_store_doc_meta **old_out)
{
    fse_store_doc_meta *old = NULL;
    fse_err rc = fse_store_doc_get(&old, ctx->slot->store, ctx->path_id);
    bool ok = true;

    if (rc == FSE_E_NOT_FOUND) {
        return fse_gateway__refuse(ctx, FSE_HTTP_PROBLEM_RECORD_NOT_FOUND, NULL,
                                   "Il documento da sostituire non è presente");
    }
    if (rc != FSE_OK) {
        return fse_gateway__fail(ctx, "replaced document");
    }
    if (old->status != FSE_STORE_DOC_APPROVED) {
        ok = fse_gateway__refuse(ctx, FSE_HTTP_PROBLEM_CONFLICT, NULL,
                                 "Il documento da sostituire non è nello stato Approved");
    } else {
        ok = fse_gateway__jwt_patient(ctx, old->patient_id);
    }
    *old_out = old;
    return ok;
}

static void cx_value(char *out, size_t cap, const fse_cda_ii *id, const char *carets)
{
    snprintf(out, cap, "%s%s&%s&ISO", id->extension != NULL ? id->extension : "", carets,
             id->root != NULL ? id->root : "");
}

/* The document's metadata: request fields, CDA header, claims (§6.2),
 * and its visibility. */
static void build_meta(gw_ctx *ctx, fse_store_doc_meta *m, pub_values *v,
                       const fse_store_doc_meta *replaced)
{
    const fse_cda_request_metadata *b = &ctx->body.meta;
    const fse_cda_header *h = ctx->doc.header;
    size_t n;

    memset(m, 0, sizeof(*m));
    cx_value(v->patient, sizeof(v->patient), &h->patient_id, "^^^");
    cx_value(v->author, sizeof(v->author), &h->author_id, "^^^^^^^^");
    n = h->effective_time != NULL ? strnlen(h->effective_time, 14) : 0;
    memcpy(v->creation, h->effective_time != NULL ? h->effective_time : "", n);
    v->creation[n] = '\0';
    m->unique_id = b->identificativo_doc;
    m->repository_id = b->identificativo_rep;
    m->patient_id = v->patient;
    m->class_code = b->tipo_documento_liv_alto;
    m->type_code = h->code;
    m->format_code = h->template_root;
    m->practice_setting_code = b->assetto_organizzativo;
    m->facility_type_code = b->tipologia_struttura;
    m->content_type_code = b->tipo_attivita_clinica;
    m->event_codes = b->atti_clinici;
    m->n_event_codes = b->n_atti_clinici;
    m->author_person = h->author_id.extension != NULL ? v->author : NULL;
    m->author_role = ctx->sig->subject_role;
    m->author_institution = ctx->sig->locality;
    m->confidentiality_code = h->confidentiality;
    m->title = h->title;
    m->creation_time = n > 0 ? v->creation : NULL;
    m->service_start_time = b->data_inizio_prestazione;
    m->service_stop_time = b->data_fine_prestazione;
    /* IMPLEMENTATION-OF: gateway-api §6.2 referenceIdList from the NRE. */
    if (h->nre != NULL) {
        snprintf(v->reference, sizeof(v->reference),
                 "%s^^^&2.16.840.1.113883.2.9.4.3.8&ISO^urn:ihe:iti:xds:2013:order", h->nre);
        m->reference_id = v->reference;
    }
    m->repository_type = b->conservazione_a_norma;
    m->submission_set_id = b->identificativo_sottomissione;
    m->workflow_instance_id = ctx->wii;
    if (ctx->path_id != NULL) {
        m->replaces_unique_id = ctx->path_id;
    }
    m->visibility = publication_visibility(ctx, replaced);
}

static bool store_document(gw_ctx *ctx, const fse_store_doc_meta *replaced)
{
    fse_store_doc_meta m;
    pub_values v;
    fse_err rc;

    build_meta(ctx, &m, &v, replaced);
    rc = fse_store_doc_put(ctx->slot->store, &m, ctx->pdf, ctx->pdf_len, ctx->doc.cda,
                           ctx->doc.cda_len, ctx->now_ms, NULL);
    if (rc == FSE_E_CONFLICT) {
        return fse_gateway__refuse(ctx, FSE_HTTP_PROBLEM_CONFLICT, NULL,
                                   "Documento non pubblicabile: %s", fse_error_last()->message);
    }
    if (rc == FSE_E_NOT_FOUND) {
        return fse_gateway__refuse(ctx, FSE_HTTP_PROBLEM_RECORD_NOT_FOUND, NULL,
                                   "Il documento da sostituire non è presente");
    }
    if (rc == FSE_E_LIMIT || rc == FSE_E_ARG) {
        return fse_gateway__refuse_err(ctx, FSE_E_ARG, "Metadati non memorizzabili: %s",
                                       fse_error_last()->message);
    }
    if (rc != FSE_OK) {
        return fse_gateway__fail(ctx, "document store");
    }
    return true;
}

/* The transaction: all of it commits (and is fsync'd) or none of it. */
static bool commit_publication(gw_ctx *ctx)
{
    fse_store *s = ctx->slot->store;
    bool replace = ctx->path_id != NULL;
    fse_store_doc_meta *replaced = NULL;
    bool stored;
    fse_err rc = fse_store_tx_begin(s);

    if (rc != FSE_OK) {
        return fse_gateway__fail(ctx, "begin");
    }
    stored = consume_link(ctx) && (!replace || check_replaced(ctx, &replaced)) &&
             store_document(ctx, replaced);
    fse_store_doc_meta_free(replaced);
    if (!stored) {
        (void)fse_store_tx_rollback(s);
        return false;
    }
    rc = fse_gateway__event(ctx, ctx->info->event_type, GW_ST_SUCCESS, NULL, NULL);
    if (rc == FSE_OK) {
        rc = fse_gateway__enqueue_jobs(
            ctx, replace ? FSE_GATEWAY_FHIR_REPLACE : FSE_GATEWAY_FHIR_CREATE, ctx->path_id);
    }
    if (rc == FSE_OK) {
        rc = fse_gateway__audit(ctx, FSE_AUDIT_SUCCESS, NULL);
    }
    if (rc == FSE_OK) {
        rc = fse_store_tx_commit(s);
    } else {
        (void)fse_store_tx_rollback(s);
    }
    if (rc != FSE_OK) {
        return fse_gateway__fail(ctx, "publication commit");
    }
    return true;
}

fse_err fse_gateway__publish(gw_ctx *ctx)
{
    if (!prepare(ctx) || !commit_publication(ctx)) {
        return fse_gateway__answer_refusal(ctx);
    }
    fse_gateway__kick(ctx->gw);
    fse_gateway__log(ctx->gw, FSE_HTTP_LOG_INFO, "module=gateway event=%s trace=%s",
                     ctx->info->event_type, ctx->trace_id);
    /* IMPLEMENTATION-OF: gateway-api §9 "create/replace/v&c/v&r return 202". */
    return fse_gateway__answer_ok(ctx, 202);
}
