/*
 * lib/jwt/jwt_reason.c - the reason table of the jwt module.
 *
 * Owns one row per fse_jwt_reason: stable id, English text, and the
 * Gateway's answer (HTTP status, problem type, instance, Italian title) from
 * gateway-api §4 (DISP RestExecutionResultEnum, ErrorInstanceEnum,
 * AbstractCTL.extractJWT, JwtSRV). Does not own writing the problem+json
 * body nor mapping fse_err codes to HTTP (lib/http).
 */
#include "jwt_int.h"

typedef struct reason_row {
    const char *name;
    const char *text;
    int status;
    const char *type;
    const char *instance;
    const char *title;
} reason_row;

/* §4 row "/msg/missing-token | Token non fornito. | 403 | /missing-jwt". */
#define MISSING_TOKEN 403, "/msg/missing-token", "/missing-jwt", "Token non fornito."

/* §4 row "/msg/mandatory-element-token | Token JWT non valido. | 403 |
 * /jwt-mandatory-field-missing": DISP answers it for a token it cannot read.
 * Signature, certificate, time, audience and issuer failures are answered by
 * GovWay in front of the national Gateway (§3: 401 TokenAuthenticationFailed,
 * §9); a node without GovWay answers them here with the same 403 row. */
#define BAD_TOKEN                                                                                  \
    403, "/msg/mandatory-element-token", "/jwt-mandatory-field-missing", "Token JWT non valido."

/* §4 row "/msg/jwt-validation | Campo token JWT non valido. | 403" with
 * instance /jwt-mandatory-field-missing (JwtSRV.checkNull) or
 * /jwt-mandatory-field-malformed (checkEnumValue, checkFiscalCode,
 * validateActionCoherence, validatePurposeOfUseCoherence, isValidLocality). */
#define FIELD_MISSING                                                                              \
    403, "/msg/jwt-validation", "/jwt-mandatory-field-missing", "Campo token JWT non valido."
#define FIELD_MALFORMED                                                                            \
    403, "/msg/jwt-validation", "/jwt-mandatory-field-malformed", "Campo token JWT non valido."

/* §4 row "/msg/generic-error | Errore generico. | 500 | """. */
#define GENERIC_ERROR 500, "/msg/generic-error", "", "Errore generico."

static const reason_row reason_rows[FSE_JWT_E_COUNT] = {
    [FSE_JWT_OK] = {"JWT-OK", "token accepted", GENERIC_ERROR},
    [FSE_JWT_E_MISSING] = {"JWT-MISSING", "no token", MISSING_TOKEN},
    [FSE_JWT_E_TOO_LARGE] = {"JWT-TOO-LARGE", "token too large", BAD_TOKEN},
    [FSE_JWT_E_MALFORMED] = {"JWT-MALFORMED", "token is not a compact JWS of JSON objects",
                             BAD_TOKEN},
    [FSE_JWT_E_HEADER] = {"JWT-HEADER", "token header typ or crit refused", BAD_TOKEN},
    [FSE_JWT_E_ALG] = {"JWT-ALG", "signature algorithm not allowed", BAD_TOKEN},
    [FSE_JWT_E_X5C] = {"JWT-X5C", "x5c certificate absent or unreadable", BAD_TOKEN},
    [FSE_JWT_E_CERT_CHAIN] = {"JWT-CERT-CHAIN", "signing certificate not trusted", BAD_TOKEN},
    [FSE_JWT_E_KEY] = {"JWT-KEY", "signing key not RSA of an accepted size", BAD_TOKEN},
    [FSE_JWT_E_SIGNATURE] = {"JWT-SIGNATURE", "signature does not verify", BAD_TOKEN},
    [FSE_JWT_E_EXPIRED] = {"JWT-EXPIRED", "token expired", BAD_TOKEN},
    [FSE_JWT_E_NOT_YET_VALID] = {"JWT-NOT-YET-VALID", "token not yet valid", BAD_TOKEN},
    [FSE_JWT_E_AUDIENCE] = {"JWT-AUDIENCE", "token audience refused", BAD_TOKEN},
    [FSE_JWT_E_ISSUER] = {"JWT-ISSUER", "token issuer refused", BAD_TOKEN},
    [FSE_JWT_E_MISSING_CLAIM] = {"JWT-MISSING-CLAIM", "mandatory claim missing", FIELD_MISSING},
    [FSE_JWT_E_CLAIM_VALUE] = {"JWT-CLAIM-VALUE", "claim value refused", FIELD_MALFORMED},
    [FSE_JWT_E_OPERATION] = {"JWT-OPERATION", "action_id or purpose_of_use not coherent",
                             FIELD_MALFORMED},
    [FSE_JWT_E_SUBJECT] = {"JWT-SUBJECT", "the two tokens differ in signer or subject",
                           FIELD_MALFORMED},
    [FSE_JWT_E_INTERNAL] = {"JWT-INTERNAL", "internal failure while checking the token",
                            GENERIC_ERROR},
};

static const reason_row *row_of(fse_jwt_reason reason)
{
    if ((unsigned)reason >= (unsigned)FSE_JWT_E_COUNT) {
        return NULL;
    }
    return &reason_rows[reason];
}

const char *fse_jwt_reason_name(fse_jwt_reason reason)
{
    const reason_row *row = row_of(reason);

    return row != NULL ? row->name : "";
}

const char *fse_jwt_reason_text(fse_jwt_reason reason)
{
    const reason_row *row = row_of(reason);

    return row != NULL ? row->text : "unknown reason";
}

bool fse_jwt_reason_problem(int *status_out, const char **type_out, const char **instance_out,
                            const char **title_out, fse_jwt_reason reason)
{
    const reason_row *row = row_of(reason);
    bool known = row != NULL && reason != FSE_JWT_OK;

    if (!known) {
        row = &reason_rows[FSE_JWT_E_INTERNAL];
    }
    if (status_out != NULL) {
        *status_out = row->status;
    }
    if (type_out != NULL) {
        *type_out = row->type;
    }
    if (instance_out != NULL) {
        *instance_out = row->instance;
    }
    if (title_out != NULL) {
        *title_out = row->title;
    }
    return known;
}
