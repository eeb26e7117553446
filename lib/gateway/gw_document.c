/*
 * lib/gateway/gw_document.c - the document steps of an endpoint: the CDA
 * out of the PDF (mode ATTACHMENT / RESOURCE), its parse and header, the
 * workflowInstanceId, the validation -> publication link hash, the
 * validation pipeline and its answer (outcome -> problem type, semantic
 * warnings), tipoDocumentoLivAlto against the LOINC code, and the PAdES
 * requirement of publications.
 *
 * Owns the mapping of the validator's outcomes to the Gateway's problems
 * (§4: 01 /msg/syntax 400, 02 /msg/vocabulary 400, 03 /msg/semantic 422)
 * and of extraction failures to /msg/cda-element. Does not own the
 * validator (fse/validate.h), the extraction (fse/pdf.h), the hash and id
 * formats (fse/cda.h) or the signature scan (gw_sign.c).
 */
#include "gateway_int.h"

#include <stdio.h>
#include <string.h>
#include <sys/random.h>

/* gateway-api §4 known warnings. */
#define WARN_EXTRACT                                                                               \
    "[WARNING_EXTRACT]Attenzione, non è stata selezionata la modalità di "                       \
    "estrazione del CDA"
#define WARN_SIGNED "[SIGN_WARN - Attenzione il documento risulta firmato in validazione]"

/* The issuer exempt from the PAdES check (gateway-api §3). */
#define ISSUER_SISTEMA_TS "integrity:S1#TS"

void fse_gateway__doc_free(gw_doc *doc)
{
    fse_free(doc->cda);
    if (doc->xml != NULL) {
        xmlFreeDoc(doc->xml);
    }
    fse_cda_header_free(doc->header);
    fse_report_free(doc->report);
    memset(doc, 0, sizeof(*doc));
}

static bool extract(gw_ctx *ctx)
{
    const char *mode = ctx->body.meta.mode;
    gw_doc *d = &ctx->doc;
    fse_err rc = fse_pdf_extract_cda(&d->cda, &d->cda_len, &d->how, ctx->pdf, ctx->pdf_len);

    if (rc == FSE_E_NOMEM) {
        return fse_gateway__fail(ctx, "CDA extraction");
    }
    if (rc != FSE_OK) {
        return fse_gateway__refuse(ctx, FSE_HTTP_PROBLEM_CDA_ELEMENT, NULL,
                                   "Errore in fase di estrazione del CDA: %s",
                                   fse_error_last()->message);
    }
    /* IMPLEMENTATION-OF: gateway-api §2 mode "if missing, both extractions
     * are tried and a warning is returned". */
    if (mode == NULL || mode[0] == '\0') {
        fse_gateway__warn(ctx, WARN_EXTRACT);
    } else if ((strcmp(mode, "ATTACHMENT") == 0 && d->how != FSE_PDF_EMBED_ATTACHMENT) ||
               (strcmp(mode, "RESOURCE") == 0 && d->how != FSE_PDF_EMBED_XFA)) {
        return fse_gateway__refuse(ctx, FSE_HTTP_PROBLEM_CDA_ELEMENT, NULL,
                                   "Nessun CDA estratto con la modalità %s", mode);
    }
    return true;
}

bool fse_gateway__load_document(gw_ctx *ctx)
{
    fse_xml_parse_opts po;
    gw_doc *d = &ctx->doc;
    fse_err rc;

    if (!extract(ctx)) {
        return false;
    }
    memset(&po, 0, sizeof(po));
    po.parser = ctx->slot->parser;
    rc = fse_xml_parse(&d->xml, NULL, d->cda, d->cda_len, &po);
    if (rc == FSE_E_NOMEM) {
        return fse_gateway__fail(ctx, "CDA parse");
    }
    if (rc != FSE_OK) {
        d->xml = NULL;
        return fse_gateway__refuse(ctx, FSE_HTTP_PROBLEM_SYNTAX, NULL, "%s",
                                   fse_error_last()->message);
    }
    rc = fse_cda_header_extract(&d->header, d->xml);
    if (rc == FSE_OK) {
        rc = fse_cda_link_hash(d->link_hash, d->xml);
    }
    if (rc != FSE_OK) {
        return fse_gateway__fail(ctx, "CDA header");
    }
    return true;
}

static void random_bytes(uint8_t *out, size_t n)
{
    if (getrandom(out, n, 0) != (ssize_t)n) {
        /* The random part only keeps workflow ids of equal documents apart. */
        uint64_t x = (uint64_t)fse_store_now_ms() * 0x9e3779b97f4a7c15u;
        size_t i;

        for (i = 0; i < n; i++) {
            x ^= x >> 29;
            out[i] = (uint8_t)(x >> (8 * (i % 8)));
        }
    }
}

bool fse_gateway__new_wii(gw_ctx *ctx)
{
    const fse_cda_header *h = ctx->doc.header;
    uint8_t rnd[FSE_CDA_WII_RANDOM_BYTES];
    fse_err rc;

    random_bytes(rnd, sizeof(rnd));
    fse_free(ctx->wii);
    ctx->wii = NULL;
    rc = fse_cda_workflow_instance_id(&ctx->wii, h->id.root, h->id.extension, rnd);
    if (rc == FSE_E_NOMEM || rc == FSE_E_CRYPTO) {
        return fse_gateway__fail(ctx, "workflowInstanceId");
    }
    if (rc != FSE_OK) {
        return fse_gateway__refuse(ctx, FSE_HTTP_PROBLEM_WORKFLOW_ID_EXTRACTION, NULL,
                                   "Errore in fase di estrazione del workflow id: %s",
                                   fse_error_last()->message);
    }
    return true;
}

bool fse_gateway__new_wii_for_id(gw_ctx *ctx, const char *id_doc)
{
    uint8_t rnd[FSE_CDA_WII_RANDOM_BYTES];
    char digest[65];
    char hex[2 * FSE_CDA_WII_RANDOM_BYTES + 1];
    fse_buf b;

    /* IMPLEMENTATION-OF: gateway-api §5 "Delete and update use a gateway-made
     * wii: sha256hex(idDoc) + "." + 10 random hex + suffix". */
    if (fse_cda_sha256_hex(digest, (const uint8_t *)id_doc, strlen(id_doc)) != FSE_OK) {
        return fse_gateway__fail(ctx, "workflowInstanceId");
    }
    random_bytes(rnd, sizeof(rnd));
    fse_hex_encode(hex, rnd, sizeof(rnd));
    fse_buf_init(&b, GW_MAX_WII + 1);
    if (fse_buf_printf(&b, "%s.%s%s", digest, hex, FSE_CDA_WII_SUFFIX) != FSE_OK) {
        fse_buf_free(&b);
        return fse_gateway__fail(ctx, "workflowInstanceId");
    }
    fse_free(ctx->wii);
    ctx->wii = fse_buf_steal(&b, NULL);
    return true;
}

/* "rule: message; rule: message" of the report's failures, cut. */
static char *failure_detail(const fse_report *r)
{
    fse_buf b;
    size_t i;

    fse_buf_init(&b, GW_MAX_DETAIL);
    for (i = 0; i < r->n_failures; i++) {
        const fse_failure *f = &r->failures[i];

        if (b.len > 0 && fse_buf_append_str(&b, "; ") != FSE_OK) {
            break;
        }
        if (f->rule[0] != '\0' && fse_buf_printf(&b, "%s: ", f->rule) != FSE_OK) {
            break;
        }
        if (fse_buf_append_str(&b, f->message) != FSE_OK) {
            break;
        }
    }
    if (b.len == 0 && r->message != NULL) {
        (void)fse_buf_append_str(&b, r->message);
    }
    return fse_buf_steal(&b, NULL);
}

static void add_warnings(gw_ctx *ctx, const fse_report *r)
{
    size_t i;

    for (i = 0; i < r->n_warnings; i++) {
        const fse_failure *w = &r->warnings[i];
        char line[2048];

        snprintf(line, sizeof(line), "[%s | %s]", w->rule[0] != '\0' ? w->rule : "W", w->message);
        fse_gateway__warn(ctx, line);
    }
}

bool fse_gateway__validate(gw_ctx *ctx)
{
    fse_validate_opts vo = {ctx->gw->skip_vocabulary, false};
    fse_http_problem problem;
    fse_report *r = NULL;
    char *detail;
    fse_err rc;

    rc = fse_validator_run(ctx->slot->validator, ctx->doc.cda, ctx->doc.cda_len, &vo, &r);
    if (rc != FSE_OK) {
        return fse_gateway__fail(ctx, "validation");
    }
    ctx->doc.report = r;
    /* IMPLEMENTATION-OF: gateway-api §6 "A semantic warning (05) does not
     * block"; §4 01 /msg/syntax, 02 /msg/vocabulary, 03 /msg/semantic. */
    if (r->valid) {
        add_warnings(ctx, r);
        return true;
    }
    switch (r->outcome) {
    case FSE_OUTCOME_SYNTAX_ERROR:
        problem = FSE_HTTP_PROBLEM_SYNTAX;
        break;
    case FSE_OUTCOME_VOCABULARY_ERROR:
        problem = FSE_HTTP_PROBLEM_VOCABULARY;
        break;
    case FSE_OUTCOME_SEMANTIC_ERROR:
        problem = FSE_HTTP_PROBLEM_SEMANTIC;
        break;
    default:
        problem = FSE_HTTP_PROBLEM_VALIDATOR;
        break;
    }
    detail = failure_detail(r);
    fse_gateway__refuse(ctx, problem, NULL, "%s", detail != NULL ? detail : "");
    if (detail != NULL && strlen(detail) >= 2047) {
        /* refuse() formats into a bounded buffer: keep the whole list. */
        fse_free(ctx->problem.detail);
        ctx->problem.detail = detail;
        detail = NULL;
    }
    fse_free(detail);
    ctx->problem.with_wii = true;
    return false;
}

bool fse_gateway__check_class(gw_ctx *ctx)
{
    fse_cda_findings findings;
    bool ok = true;

    fse_cda_findings_init(&findings);
    if (fse_cda_check_class(&findings, ctx->body.meta.tipo_documento_liv_alto,
                            ctx->doc.header->code) != FSE_OK) {
        ok = fse_gateway__fail(ctx, "class check");
    } else if (findings.n_items > 0) {
        const fse_cda_rule_info *r = fse_cda_rule_get(findings.items[0].rule);

        ok = fse_gateway__refuse_type(ctx, r->type, r->instance, findings.items[0].detail);
    }
    fse_cda_findings_free(&findings);
    return ok;
}

bool fse_gateway__check_signature(gw_ctx *ctx)
{
    char why[256];
    gw_sign_result res;

    if (ctx->info->validates && !ctx->info->publishes) {
        /* Validation only: a signed PDF is allowed, with a warning (§4). */
        if (fse_gateway__sign_check(ctx->pdf, ctx->pdf_len, why, sizeof(why)) != GW_SIGN_NONE) {
            fse_gateway__warn(ctx, WARN_SIGNED);
        }
        return true;
    }
    /* IMPLEMENTATION-OF: gateway-api §6 "For publication the PDF must carry a
     * PAdES signature ... except for the Sistema TS issuer". */
    res = fse_gateway__sign_check(ctx->pdf, ctx->pdf_len, why, sizeof(why));
    ctx->signed_pdf = res == GW_SIGN_OK;
    if (!ctx->gw->pades_check ||
        (ctx->sig->iss != NULL && strcmp(ctx->sig->iss, ISSUER_SISTEMA_TS) == 0)) {
        return true;
    }
    if (res == GW_SIGN_NONE) {
        return fse_gateway__refuse(ctx, FSE_HTTP_PROBLEM_SIGN_ERROR, NULL,
                                   "Il pdf non risulta firmato");
    }
    if (res == GW_SIGN_INVALID) {
        return fse_gateway__refuse(ctx, FSE_HTTP_PROBLEM_SIGN_ERROR, NULL,
                                   "La firma del pdf non risulta valida: %s", why);
    }
    return true;
}
