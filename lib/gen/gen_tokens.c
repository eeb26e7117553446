/*
 * lib/gen/gen_tokens.c - the Gateway tokens of a generated document: the
 * Authorization Bearer token and the FSE-JWT-Signature token (gateway-api
 * §3) for the validation call and for the publication (create) call, and
 * their JSON file.
 *
 * Owns the mapping of a document's metadata to the claims of each call:
 * person_id (patient), sub (the author, who sends it), resource_hl7_type,
 * attachment_hash (the PDF), subject_role, subject_organization_id (the
 * facility's region), locality (the facility's XON), a jti derived from the
 * document id, iat given by the caller and exp = iat + validity. The
 * action_id and purpose_of_use of each call, the claim JSON and the signing
 * are lib/jwt's (fse_jwt_make_pair); certificates are the caller's.
 */
#include "gen_int.h"

#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "fse/json.h"

/* Default validity of a generated pair: one day. */
#define DEFAULT_VALIDITY (24u * 3600u)

static void wipe_free(char *s)
{
    if (s != NULL) {
        OPENSSL_cleanse(s, strlen(s));
        fse_free(s);
    }
}

static fse_err make_pair(fse_gen_token_pair *out, const fse_gen_meta *m, const fse_jwt_cred *signer,
                         const fse_gen_token_opts *o, fse_jwt_op op, const char *jti_suffix)
{
    fse_jwt_pair_opts p = FSE_JWT_PAIR_OPTS_INIT;
    char jti[128];
    fse_err rc;

    (void)snprintf(jti, sizeof(jti), "%s-%s", m->id_extension, jti_suffix);
    p.op = op;
    p.audience = o->audience;
    p.patient_cf = m->patient_cf;
    p.loinc = m->loinc;
    p.pdf_sha256 = m->pdf_sha256;
    p.sub_cf = m->author_cf;
    p.subject_organization_id = m->subject_organization_id;
    p.subject_role = m->subject_role;
    p.locality = m->locality;
    p.application_id = "FSEGEN";
    p.application_vendor = "FSE";
    p.application_version = "1.0";
    p.jti = jti;
    p.iat = o->iat;
    p.validity = o->validity != 0 ? o->validity : DEFAULT_VALIDITY;
    rc = fse_jwt_make_pair(&out->authorization, &out->signature, signer, &p);
    if (rc != FSE_OK) {
        return fse_error_prefix("gen");
    }
    return FSE_OK;
}

fse_err fse_gen_tokens_make(fse_gen_tokens *out, const fse_gen_meta *meta,
                            const fse_jwt_cred *signer, const fse_gen_token_opts *opts)
{
    fse_err rc;

    if (out == NULL) {
        return fse_error_set(FSE_E_ARG, "gen", "NULL argument");
    }
    memset(out, 0, sizeof(*out));
    if (meta == NULL || signer == NULL || opts == NULL) {
        return fse_error_set(FSE_E_ARG, "gen", "NULL argument");
    }
    if (opts->version != FSE_GEN_TOKEN_OPTS_VERSION) {
        return fse_error_set(FSE_E_ARG, "gen", "unknown token options version %u", opts->version);
    }
    if (opts->audience == NULL || opts->audience[0] == '\0') {
        return fse_error_set(FSE_E_ARG, "gen", "tokens need an audience");
    }
    /* gateway-api §3: attachment_hash is the SHA-256 of the uploaded PDF. */
    if (meta->pdf_sha256[0] == '\0') {
        return fse_error_set(FSE_E_ARG, "gen", "tokens need the PDF hash (call fse_gen_pdf first)");
    }
    rc = make_pair(&out->validation, meta, signer, opts, FSE_JWT_OP_VALIDATION, "V");
    if (rc == FSE_OK) {
        rc = make_pair(&out->create, meta, signer, opts, FSE_JWT_OP_CREATE, "C");
    }
    if (rc != FSE_OK) {
        fse_gen_tokens_free(out);
    }
    return rc;
}

void fse_gen_tokens_free(fse_gen_tokens *tokens)
{
    if (tokens == NULL) {
        return;
    }
    wipe_free(tokens->validation.authorization);
    wipe_free(tokens->validation.signature);
    wipe_free(tokens->create.authorization);
    wipe_free(tokens->create.signature);
    memset(tokens, 0, sizeof(*tokens));
}

static void pair_json(fse_json *w, const char *key, const fse_gen_token_pair *p)
{
    fse_json_key(w, key);
    fse_json_object_begin(w);
    fse_json_kv_string(w, "authorization", p->authorization);
    fse_json_kv_string(w, "signature", p->signature);
    fse_json_object_end(w);
}

fse_err fse_gen_tokens_to_json(fse_buf *out, const fse_gen_tokens *tokens)
{
    fse_json w;

    if (out == NULL || tokens == NULL || tokens->validation.authorization == NULL ||
        tokens->validation.signature == NULL || tokens->create.authorization == NULL ||
        tokens->create.signature == NULL) {
        return fse_error_set(FSE_E_ARG, "gen", "NULL argument or tokens not made");
    }
    fse_json_init(&w, out);
    fse_json_object_begin(&w);
    pair_json(&w, "validation", &tokens->validation);
    pair_json(&w, "create", &tokens->create);
    fse_json_object_end(&w);
    return fse_json_status(&w);
}
