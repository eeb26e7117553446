/*
 * lib/gateway/gw_jwt.c - the JWT step of every endpoint (gateway-api §3).
 *
 * Owns reading the two headers (Authorization: Bearer, FSE-JWT-Signature),
 * calling the verifier at the node's time, the per-operation claim rules
 * and the claims-against-document checks, and turning the first finding
 * into the Gateway's problem through the jwt and cda tables. Also the
 * person_id check against a stored document's patient (delete, metadata
 * update, replace) and the region of a token for the status endpoints.
 * Does not own the rules themselves (fse/jwt.h, fse/cda.h).
 */
#include "gateway_int.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Refuse with the jwt table's answer for reason. */
static bool refuse_reason(gw_ctx *ctx, fse_jwt_reason reason, const char *detail)
{
    const char *type = NULL;
    const char *instance = NULL;

    (void)fse_jwt_reason_problem(NULL, &type, &instance, NULL, reason);
    return fse_gateway__refuse_type(ctx, type, instance, detail);
}

/* Verify one token; *out gets the claims on success. */
static bool verify(gw_ctx *ctx, const char *which, const char *token, fse_jwt_claims **out)
{
    fse_jwt_reason reason = FSE_JWT_OK;
    char detail[256];
    fse_err rc =
        fse_jwt_verify(out, &reason, ctx->gw->verifier, token, strlen(token), ctx->now_ms / 1000);

    if (rc == FSE_OK) {
        return true;
    }
    if (reason == FSE_JWT_E_INTERNAL) {
        return fse_gateway__fail(ctx, "token verification");
    }
    snprintf(detail, sizeof(detail), "Token %s non valido: %s", which, fse_jwt_reason_text(reason));
    return refuse_reason(ctx, reason, detail);
}

bool fse_gateway__jwt_step(gw_ctx *ctx)
{
    const char *auth = fse_http_req_bearer(ctx->req);
    const char *sig = fse_http_req_header(ctx->req, "FSE-JWT-Signature");
    bool needs_sig = ctx->op != GW_OP_STATUS;
    fse_jwt_findings findings;
    bool ok = true;
    fse_err rc;

    /* IMPLEMENTATION-OF: gateway-api §4 "/msg/missing-token | Token non
     * fornito. | 403 | /missing-jwt"; status GETs need only Authorization. */
    if (auth == NULL || (needs_sig && (sig == NULL || sig[0] == '\0'))) {
        return refuse_reason(ctx, FSE_JWT_E_MISSING,
                             auth == NULL ? "Token Authorization non fornito"
                                          : "Token FSE-JWT-Signature non fornito");
    }
    if (!verify(ctx, "Authorization", auth, &ctx->auth)) {
        return false;
    }
    if (needs_sig && !verify(ctx, "FSE-JWT-Signature", sig, &ctx->sig)) {
        return false;
    }
    fse_jwt_findings_init(&findings);
    rc = fse_jwt_check_operation(&findings, ctx->auth, ctx->sig, ctx->info->jwt_op);
    if (rc != FSE_OK) {
        ok = fse_gateway__fail(ctx, "claim rules");
    } else if (findings.n_items > 0) {
        ok = refuse_reason(ctx, findings.items[0].reason, findings.items[0].detail);
    }
    fse_jwt_findings_free(&findings);
    return ok;
}

bool fse_gateway__jwt_document(gw_ctx *ctx)
{
    fse_cda_findings findings;
    bool ok = true;
    fse_err rc;

    fse_cda_findings_init(&findings);
    rc = fse_jwt_check_document(&findings, ctx->sig, ctx->info->jwt_op, ctx->doc.header, ctx->pdf,
                                ctx->pdf_len);
    if (rc != FSE_OK) {
        ok = fse_gateway__fail(ctx, "document claims");
    } else if (findings.n_items > 0) {
        const fse_cda_rule_info *r = fse_cda_rule_get(findings.items[0].rule);

        ok = fse_gateway__refuse_type(ctx, r->type, r->instance, findings.items[0].detail);
    }
    fse_cda_findings_free(&findings);
    return ok;
}

/* Length of the identifier part of a CX value ("CF^^^&OID&ISO" -> "CF"). */
static size_t cx_id_len(const char *cx)
{
    return strcspn(cx, "^");
}

bool fse_gateway__jwt_patient(gw_ctx *ctx, const char *stored_patient_id)
{
    const char *person = ctx->sig != NULL ? ctx->sig->person_id : NULL;
    size_t a;
    size_t b;

    if (person == NULL || stored_patient_id == NULL) {
        return fse_gateway__refuse(ctx, FSE_HTTP_PROBLEM_JWT_VALIDATION, "/jwt-person-id",
                                   "Il campo person_id non corrisponde al paziente del documento");
    }
    a = cx_id_len(person);
    b = cx_id_len(stored_patient_id);
    if (a == 0 || a != b || strncasecmp(person, stored_patient_id, a) != 0) {
        return fse_gateway__refuse(ctx, FSE_HTTP_PROBLEM_JWT_VALIDATION, "/jwt-person-id",
                                   "Il campo person_id non corrisponde al paziente del documento");
    }
    return true;
}

/* Three digits after the first '#' of s (region of "S1#120#..."). */
static void region_after_hash(char out[4], const char *s)
{
    const char *hash = s != NULL ? strchr(s, '#') : NULL;

    out[0] = '\0';
    if (hash == NULL || !isdigit((unsigned char)hash[1]) || !isdigit((unsigned char)hash[2]) ||
        !isdigit((unsigned char)hash[3])) {
        return;
    }
    memcpy(out, hash + 1, 3);
    out[3] = '\0';
}

void fse_gateway__issuer_region(char out[4], const char *iss)
{
    region_after_hash(out, iss);
}

void fse_gateway__jwt_region(char out[4], const fse_jwt_claims *claims)
{
    /* gateway-api §3: "the 3 characters after # in sub"; a sub in CX form
     * carries no '#', so the CN of the token's certificate (in iss) is used
     * then (docs/gateway.md). */
    region_after_hash(out, claims->sub);
    if (out[0] == '\0') {
        region_after_hash(out, claims->iss);
    }
}
