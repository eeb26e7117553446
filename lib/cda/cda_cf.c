/*
 * lib/cda/cda_cf.c - codice fiscale checking and patient identifier roots.
 *
 * Owns the check-character algorithm of the 16-character personal code
 * (DM 23/12/1976, with the omocodia letters allowed in the numeric
 * positions), the 11-digit numeric code, the STP/ENI temporary codes the
 * Gateway accepts without a check character (DISP CfUtility.validaCF), and the
 * table of patient id roots of schematron ERRORE-10a. Does not own the JWT
 * cross-check that uses it (cda_check.c).
 */
#include "cda_int.h"

#include <stdio.h>
#include <string.h>

/* Values of A..Z (and 0..9, same as A..J) in odd positions (1st, 3rd, ...). */
static const unsigned char odd_value[26] = {1,  0,  5, 7, 9, 13, 15, 17, 19, 21, 2,  4,  18,
                                            20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23};

/* Letters that replace the digits 0..9 in an omocodic code. */
static const char omocodia[] = "LMNPQRSTUV";

/* Positions (0-based) that hold digits, or omocodia letters. */
static const bool numeric_pos[16] = {false, false, false, false, false, false, true, true,
                                     false, true,  true,  false, true,  true,  true, false};

static const struct {
    const char *root;
    fse_cda_id_kind kind;
} id_roots[] = {
    {FSE_CDA_OID_CF, FSE_CDA_ID_CF},
    {FSE_CDA_OID_TEAM, FSE_CDA_ID_TEAM},
    {FSE_CDA_OID_TEAM_PERS, FSE_CDA_ID_TEAM_PERS},
    {FSE_CDA_OID_ANA, FSE_CDA_ID_ANA},
    {FSE_CDA_OID_STP, FSE_CDA_ID_STP},
    {FSE_CDA_OID_ENI, FSE_CDA_ID_ENI},
};

fse_cda_id_kind fse_cda_id_kind_of(const char *root)
{
    size_t i;

    for (i = 0; root != NULL && i < sizeof(id_roots) / sizeof(id_roots[0]); i++) {
        if (strcmp(id_roots[i].root, root) == 0) {
            return id_roots[i].kind;
        }
    }
    return FSE_CDA_ID_OTHER;
}

static char upper(char c)
{
    return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

static bool is_upper(char c)
{
    return c >= 'A' && c <= 'Z';
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Write a reason, with the 1-based character position when pos > 0. */
static void say(char *why, size_t why_len, const char *msg, size_t pos)
{
    if (why == NULL || why_len == 0) {
        return;
    }
    /* Truncation of a reason is harmless. */
    if (pos > 0) {
        (void)snprintf(why, why_len, "%s (carattere %zu)", msg, pos);
    } else {
        (void)snprintf(why, why_len, "%s", msg);
    }
}

/* Value of character c at 0-based position i for the check character. */
static unsigned value_at(char c, size_t i)
{
    unsigned idx = is_digit(c) ? (unsigned)(c - '0') : (unsigned)(c - 'A');

    return i % 2 == 0 ? odd_value[idx] : idx;
}

/* "STP"/"ENI" followed by 13 digits. */
static fse_cf_kind temporary_code(const char *cf)
{
    size_t i;

    for (i = 3; i < 16; i++) {
        if (!is_digit(cf[i])) {
            return FSE_CF_INVALID;
        }
    }
    if (strncmp(cf, "STP", 3) == 0) {
        return FSE_CF_STP;
    }
    if (strncmp(cf, "ENI", 3) == 0) {
        return FSE_CF_ENI;
    }
    return FSE_CF_INVALID;
}

static fse_cf_kind check_person(const char *cf, char *why, size_t why_len)
{
    unsigned sum = 0;
    size_t i;

    for (i = 0; i < 16; i++) {
        char c = cf[i];

        if (numeric_pos[i]) {
            if (!is_digit(c) && (c == '\0' || strchr(omocodia, c) == NULL)) {
                say(why, why_len, "attesa una cifra o una lettera di omocodia", i + 1);
                return FSE_CF_INVALID;
            }
        } else if (!is_upper(c)) {
            say(why, why_len, "attesa una lettera", i + 1);
            return FSE_CF_INVALID;
        }
        if (i < 15) {
            sum += value_at(c, i);
        }
    }
    if ((char)('A' + sum % 26) != cf[15]) {
        say(why, why_len, "carattere di controllo errato", 16);
        return FSE_CF_INVALID;
    }
    return FSE_CF_PERSON;
}

static fse_cf_kind check_numeric(const char *cf, char *why, size_t why_len)
{
    unsigned sum = 0;
    size_t i;

    for (i = 0; i < 11; i++) {
        if (!is_digit(cf[i])) {
            say(why, why_len, "attesa una cifra", i + 1);
            return FSE_CF_INVALID;
        }
    }
    for (i = 0; i < 10; i++) {
        unsigned d = (unsigned)(cf[i] - '0');

        if (i % 2 == 1) {
            d *= 2;
            d = d > 9 ? d - 9 : d;
        }
        sum += d;
    }
    if ((10 - sum % 10) % 10 != (unsigned)(cf[10] - '0')) {
        say(why, why_len, "cifra di controllo errata", 11);
        return FSE_CF_INVALID;
    }
    return FSE_CF_NUMERIC;
}

fse_cf_kind fse_cf_classify(const char *cf, char *why, size_t why_len)
{
    char buf[17];
    size_t len;
    size_t i;
    fse_cf_kind kind;

    if (why != NULL && why_len > 0) {
        why[0] = '\0';
    }
    if (cf == NULL || cf[0] == '\0') {
        say(why, why_len, "codice fiscale assente", 0);
        return FSE_CF_INVALID;
    }
    len = strnlen(cf, 18);
    /* DISP ignores a 17th character (CfUtility.validaCF). */
    if (len == 17) {
        len = 16;
    }
    if (len != 16 && len != 11) {
        say(why, why_len, "lunghezza errata: attesi 16 o 11 caratteri", 0);
        return FSE_CF_INVALID;
    }
    for (i = 0; i < len; i++) {
        buf[i] = upper(cf[i]);
    }
    buf[len] = '\0';
    if (len == 11) {
        return check_numeric(buf, why, why_len);
    }
    kind = temporary_code(buf);
    if (kind != FSE_CF_INVALID) {
        return kind;
    }
    return check_person(buf, why, why_len);
}

bool fse_cf_check(const char *cf, char *why, size_t why_len)
{
    return fse_cf_classify(cf, why, why_len) != FSE_CF_INVALID;
}
