/*
 * lib/gen/gen_people.c - synthetic people: name, sex, birth date and place,
 * residence, contacts and the codice fiscale.
 *
 * Owns the codice fiscale computation (DM 23/12/1976: surname and name
 * letters, year, month letter, day +40 for women, Belfiore code, check
 * character over odd and even positions). Checking a code is lib/cda's
 * fse_cf_check; the lists drawn from are gen_data.c.
 */
#include "gen_int.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static bool is_vowel(char c)
{
    return c == 'A' || c == 'E' || c == 'I' || c == 'O' || c == 'U';
}

/* Upper-case ASCII letters of s, others dropped. */
static size_t letters(char *out, size_t cap, const char *s)
{
    size_t n = 0;

    for (; *s != '\0' && n + 1 < cap; s++) {
        char ch = (char)toupper((unsigned char)*s);

        if (ch >= 'A' && ch <= 'Z') {
            out[n++] = ch;
        }
    }
    out[n] = '\0';
    return n;
}

/* Three letters of a surname (name == false) or first name (name == true). */
static void three(char out[3], const char *s, bool name)
{
    char buf[64];
    char cons[64];
    char vow[64];
    size_t nc = 0;
    size_t nv = 0;
    size_t n = letters(buf, sizeof(buf), s);
    size_t i;
    size_t k = 0;

    for (i = 0; i < n; i++) {
        if (is_vowel(buf[i])) {
            vow[nv++] = buf[i];
        } else {
            cons[nc++] = buf[i];
        }
    }
    if (name && nc >= 4) {
        out[0] = cons[0];
        out[1] = cons[2];
        out[2] = cons[3];
        return;
    }
    for (i = 0; i < nc && k < 3; i++) {
        out[k++] = cons[i];
    }
    for (i = 0; i < nv && k < 3; i++) {
        out[k++] = vow[i];
    }
    while (k < 3) {
        out[k++] = 'X';
    }
}

/* Check character: odd positions (1st, 3rd, ...) through this table. */
static const unsigned char odd_value[26] = {1,  0,  5, 7, 9, 13, 15, 17, 19, 21, 2,  4,  18,
                                            20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23};

static char check_char(const char cf[15])
{
    unsigned sum = 0;
    int i;

    for (i = 0; i < 15; i++) {
        char ch = cf[i];
        unsigned v = ch >= '0' && ch <= '9' ? (unsigned)(ch - '0') : (unsigned)(ch - 'A');

        sum += (i % 2 == 0) ? odd_value[v] : v;
    }
    return (char)('A' + sum % 26);
}

void fse_gen__cf(char out[17], const char *family, const char *given, char gender,
                 int64_t birth_day, const char *belfiore)
{
    static const char months[] = "ABCDEHLMPRST";
    int y;
    int m;
    int d;

    fse_gen__civil_from_days(birth_day, &y, &m, &d);
    three(out, family, false);
    three(out + 3, given, true);
    out[6] = (char)('0' + (y / 10) % 10);
    out[7] = (char)('0' + y % 10);
    out[8] = months[m - 1];
    if (gender == 'F') {
        d += 40;
    }
    out[9] = (char)('0' + d / 10);
    out[10] = (char)('0' + d % 10);
    memcpy(out + 11, belfiore, 4);
    out[15] = check_char(out);
    out[16] = '\0';
}

/* Lower-case ASCII letters of s (for e-mail addresses). */
static void mail_part(char *out, size_t cap, const char *s)
{
    size_t n = 0;

    for (; *s != '\0' && n + 1 < cap; s++) {
        char ch = (char)tolower((unsigned char)*s);

        if (ch >= 'a' && ch <= 'z') {
            out[n++] = ch;
        }
    }
    out[n] = '\0';
}

void fse_gen__person(gen_person *p, gen_rng *r, int64_t today, int min_age, int max_age,
                     size_t region)
{
    const gen_name *g =
        &fse_gen__first_names[fse_gen__rng_below(r, (uint32_t)fse_gen__n_first_names)];
    const char *family =
        fse_gen__surnames.items[fse_gen__rng_below(r, (uint32_t)fse_gen__surnames.n)];
    const char *street =
        fse_gen__streets.items[fse_gen__rng_below(r, (uint32_t)fse_gen__streets.n)];
    int age = fse_gen__rng_range(r, min_age, max_age);
    char a[32];
    char b[48];
    size_t i;
    size_t n_in_region = 0;

    memset(p, 0, sizeof(*p));
    (void)snprintf(p->given, sizeof(p->given), "%s", g->name);
    (void)snprintf(p->family, sizeof(p->family), "%s", family);
    p->gender = g->gender;
    p->birth_day = today - (int64_t)age * 365 - fse_gen__rng_range(r, 1, 364);
    p->birthplace = &fse_gen__comuni[fse_gen__rng_below(r, (uint32_t)fse_gen__n_comuni)];
    /* Most people live in the region of the facility, a few elsewhere. */
    for (i = 0; i < fse_gen__n_comuni; i++) {
        n_in_region += fse_gen__comuni[i].region == region;
    }
    if (n_in_region > 0 && fse_gen__rng_chance(r, 85)) {
        size_t pick = fse_gen__rng_below(r, (uint32_t)n_in_region);

        for (i = 0; i < fse_gen__n_comuni; i++) {
            if (fse_gen__comuni[i].region == region && pick-- == 0) {
                p->residence = &fse_gen__comuni[i];
                break;
            }
        }
    } else {
        p->residence = &fse_gen__comuni[fse_gen__rng_below(r, (uint32_t)fse_gen__n_comuni)];
    }
    (void)snprintf(p->street, sizeof(p->street), "%s %d", street, fse_gen__rng_range(r, 1, 180));
    fse_gen__cf(p->cf, p->family, p->given, p->gender, p->birth_day, p->birthplace->belfiore);
    (void)snprintf(p->phone, sizeof(p->phone), "+393%02d%07d", fse_gen__rng_range(r, 20, 99),
                   fse_gen__rng_range(r, 1000000, 9999999));
    mail_part(a, sizeof(a), p->given);
    mail_part(b, sizeof(b), p->family);
    (void)snprintf(p->email, sizeof(p->email), "%s.%s%d@example.it", a, b,
                   fse_gen__rng_range(r, 1, 99));
}
