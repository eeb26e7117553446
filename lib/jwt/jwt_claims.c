/*
 * lib/jwt/jwt_claims.c - the typed claims of the two Gateway tokens.
 *
 * Owns one table row per claim of gateway-api §3 (JSON name, JSON type,
 * field of fse_jwt_claims, whether the verifier requires it), the copy of a
 * verified payload into the typed fields, and fse_jwt_claims_free. A known
 * claim with the wrong JSON type refuses the token; JSON null counts as
 * absent. Does not own the time, audience and issuer checks (jwt_verify.c)
 * nor the per-operation rules (jwt_rules.c).
 */
#include "jwt_int.h"

#include <stddef.h>
#include <string.h>

#include <openssl/crypto.h>

/* JSON type a claim must have. */
typedef enum claim_kind {
    KIND_STRING, /* char * field */
    KIND_BOOL,   /* fse_jwt_bool field */
    KIND_TIME,   /* int64_t field, JSON integer */
    KIND_AUD     /* aud / n_aud: string or array of strings */
} claim_kind;

typedef struct claim_field {
    const char *name;
    claim_kind kind;
    size_t offset;
    bool registered_required; /* the verifier refuses a token without it */
} claim_field;

#define FIELD(m) offsetof(fse_jwt_claims, m)

/* Registered claims first (RFC 7519 §4.1), then the FSE-JWT-Signature ones
 * in §3 order. nbf is read separately (it has a presence flag). */
static const claim_field claim_fields[] = {
    {"iss", KIND_STRING, FIELD(iss), true},
    {"sub", KIND_STRING, FIELD(sub), true},
    {"aud", KIND_AUD, 0, true},
    {"iat", KIND_TIME, FIELD(iat), true},
    {"exp", KIND_TIME, FIELD(exp), true},
    {"jti", KIND_STRING, FIELD(jti), true},
    {"subject_organization_id", KIND_STRING, FIELD(subject_organization_id), false},
    {"subject_organization", KIND_STRING, FIELD(subject_organization), false},
    {"locality", KIND_STRING, FIELD(locality), false},
    {"subject_role", KIND_STRING, FIELD(subject_role), false},
    {"person_id", KIND_STRING, FIELD(person_id), false},
    {"patient_consent", KIND_BOOL, FIELD(patient_consent), false},
    {"purpose_of_use", KIND_STRING, FIELD(purpose_of_use), false},
    {"action_id", KIND_STRING, FIELD(action_id), false},
    {"resource_hl7_type", KIND_STRING, FIELD(resource_hl7_type), false},
    {"attachment_hash", KIND_STRING, FIELD(attachment_hash), false},
    {"subject_application_id", KIND_STRING, FIELD(subject_application_id), false},
    {"subject_application_vendor", KIND_STRING, FIELD(subject_application_vendor), false},
    {"subject_application_version", KIND_STRING, FIELD(subject_application_version), false},
    {"use_subject_as_author", KIND_BOOL, FIELD(use_subject_as_author), false},
};

#define N_FIELDS (sizeof(claim_fields) / sizeof(claim_fields[0]))

static char **string_field(fse_jwt_claims *c, const claim_field *f)
{
    return (char **)(void *)((char *)c + f->offset);
}

static fse_err refuse(fse_jwt_reason *reason_out, fse_jwt_reason reason, const char *what,
                      const char *name)
{
    *reason_out = reason;
    return fse_error_set(FSE_E_AUTH, FSE_JWT_MODULE, "%s: claim %s %s", fse_jwt_reason_name(reason),
                         name, what);
}

static fse_err read_aud(fse_jwt_claims *c, const json_t *value, fse_jwt_reason *reason_out)
{
    size_t n = 1;
    size_t i;

    if (json_is_array(value)) {
        n = json_array_size(value);
        if (n == 0 || n > FSE_JWT_MAX_AUD) {
            return refuse(reason_out, FSE_JWT_E_CLAIM_VALUE, "has no or too many values", "aud");
        }
    } else if (!json_is_string(value)) {
        return refuse(reason_out, FSE_JWT_E_CLAIM_VALUE, "is not a string or array", "aud");
    }
    c->aud = fse_calloc(n, sizeof(*c->aud));
    if (c->aud == NULL) {
        return fse_error_set(FSE_E_NOMEM, FSE_JWT_MODULE, "out of memory");
    }
    for (i = 0; i < n; i++) {
        const json_t *item = json_is_array(value) ? json_array_get(value, i) : value;

        if (!json_is_string(item)) {
            return refuse(reason_out, FSE_JWT_E_CLAIM_VALUE, "holds a non-string", "aud");
        }
        c->aud[i] = fse_strdup(json_string_value(item));
        if (c->aud[i] == NULL) {
            return fse_error_set(FSE_E_NOMEM, FSE_JWT_MODULE, "out of memory");
        }
        c->n_aud = i + 1;
    }
    return FSE_OK;
}

/* A NumericDate as a JSON integer (fractional seconds are not used by the
 * Gateway's tokens and are refused). */
static fse_err read_time(int64_t *out, const json_t *value, const char *name,
                         fse_jwt_reason *reason_out)
{
    if (!json_is_integer(value)) {
        return refuse(reason_out, FSE_JWT_E_CLAIM_VALUE, "is not an integer", name);
    }
    *out = (int64_t)json_integer_value(value);
    return FSE_OK;
}

static fse_err read_field(fse_jwt_claims *c, const claim_field *f, const json_t *value,
                          fse_jwt_reason *reason_out)
{
    switch (f->kind) {
    case KIND_STRING:
        if (!json_is_string(value)) {
            return refuse(reason_out, FSE_JWT_E_CLAIM_VALUE, "is not a string", f->name);
        }
        *string_field(c, f) = fse_strdup(json_string_value(value));
        if (*string_field(c, f) == NULL) {
            return fse_error_set(FSE_E_NOMEM, FSE_JWT_MODULE, "out of memory");
        }
        return FSE_OK;
    case KIND_BOOL:
        if (!json_is_boolean(value)) {
            return refuse(reason_out, FSE_JWT_E_CLAIM_VALUE, "is not a boolean", f->name);
        }
        *(fse_jwt_bool *)(void *)((char *)c + f->offset) =
            json_is_true(value) ? FSE_JWT_BOOL_TRUE : FSE_JWT_BOOL_FALSE;
        return FSE_OK;
    case KIND_TIME:
        return read_time((int64_t *)(void *)((char *)c + f->offset), value, f->name, reason_out);
    case KIND_AUD:
        return read_aud(c, value, reason_out);
    }
    return fse_error_set(FSE_E_INTERNAL, FSE_JWT_MODULE, "unknown claim kind");
}

fse_err fse_jwt__claims_fill(fse_jwt_claims *c, fse_jwt_reason *reason_out)
{
    const json_t *nbf = json_object_get(c->payload, "nbf");
    size_t i;
    fse_err rc;

    for (i = 0; i < N_FIELDS; i++) {
        const claim_field *f = &claim_fields[i];
        const json_t *value = json_object_get(c->payload, f->name);

        if (value == NULL || json_is_null(value)) {
            if (f->registered_required) {
                return refuse(reason_out, FSE_JWT_E_MISSING_CLAIM, "is absent", f->name);
            }
            continue;
        }
        rc = read_field(c, f, value, reason_out);
        if (rc != FSE_OK) {
            return rc;
        }
        if (f->registered_required && f->kind == KIND_STRING && (*string_field(c, f))[0] == '\0') {
            return refuse(reason_out, FSE_JWT_E_MISSING_CLAIM, "is empty", f->name);
        }
    }
    if (nbf != NULL && !json_is_null(nbf)) {
        rc = read_time(&c->nbf, nbf, "nbf", reason_out);
        if (rc != FSE_OK) {
            return rc;
        }
        c->has_nbf = true;
    }
    return FSE_OK;
}

/* Wipe and free one owned string. */
static void free_string(char *s)
{
    if (s != NULL) {
        OPENSSL_cleanse(s, strlen(s));
        fse_free(s);
    }
}

void fse_jwt_claims_free(fse_jwt_claims *claims)
{
    size_t i;

    if (claims == NULL) {
        return;
    }
    for (i = 0; i < N_FIELDS; i++) {
        if (claim_fields[i].kind == KIND_STRING) {
            free_string(*string_field(claims, &claim_fields[i]));
        }
    }
    for (i = 0; i < claims->n_aud; i++) {
        fse_free(claims->aud[i]);
    }
    fse_free(claims->aud);
    fse_free(claims->cert_cn);
    json_decref(claims->payload);
    fse_free(claims);
}
