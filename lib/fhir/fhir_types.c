/*
 * lib/fhir/fhir_types.c - CDA data types -> FHIR data types, as the official
 * CdaToFhirDataTypes map (v2.3) writes them: II -> Identifier, CD/CE ->
 * CodeableConcept or Coding, TS -> dateTime/date, IVL_TS -> Period, PQ ->
 * Quantity (decimal text kept), AD -> Address (census tract as an ADXP
 * extension of a line), TEL -> ContactPoint, EN/PN -> HumanName.
 *
 * Owns these conversions. Does not own the code-system table (fhir_terms.c)
 * or the narrative (fhir_narrative.c).
 */
#include "fhir_int.h"

#include <ctype.h>
#include <string.h>

#include "fse/xml.h"

#define CENSUS_URL "http://hl7.org/fhir/StructureDefinition/iso21090-ADXP-censusTract"

/* Whether the first n characters of s are digits. */
static bool digits(const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i])) {
            return false;
        }
    }
    return true;
}

/*
 * HL7 v3 TS: YYYY[MM[DD[HH[MM[SS[.F+]]]]]][(+|-)ZZZZ]. Time parts missing
 * after the hour are zero; a time without zone gets "Z" (the official
 * TSDateTime rule); anything else is passed through as given.
 */
const char *fhir_ts_datetime(fhir_ctx *c, const char *ts)
{
    size_t len;
    size_t ndig = 0;
    const char *zone;
    char out[64];
    size_t o = 0;

    if (ts == NULL) {
        return NULL;
    }
    len = strlen(ts);
    while (ndig < len && (isdigit((unsigned char)ts[ndig]) || ts[ndig] == '.')) {
        ndig++;
    }
    zone = ts + ndig;
    if (ndig < 4 || !digits(ts, 4) || len > 40 ||
        (*zone != '\0' &&
         !((*zone == '+' || *zone == '-') && strlen(zone) == 5 && digits(zone + 1, 4)))) {
        return fhir_arena_strdup(FA(c), ts);
    }
    memcpy(out, ts, 4);
    o = 4;
    if (ndig >= 6) {
        out[o++] = '-';
        memcpy(out + o, ts + 4, 2);
        o += 2;
    }
    if (ndig >= 8) {
        out[o++] = '-';
        memcpy(out + o, ts + 6, 2);
        o += 2;
    }
    if (ndig >= 10) {
        const char *hh = ts + 8;
        const char *mm = ndig >= 12 ? ts + 10 : "00";
        const char *ss = ndig >= 14 ? ts + 12 : "00";
        out[o++] = 'T';
        memcpy(out + o, hh, 2);
        o += 2;
        out[o++] = ':';
        memcpy(out + o, mm, 2);
        o += 2;
        out[o++] = ':';
        memcpy(out + o, ss, 2);
        o += 2;
        if (ndig > 14 && ts[14] == '.') {
            memcpy(out + o, ts + 14, ndig - 14);
            o += ndig - 14;
        }
        if (*zone == '\0') {
            out[o++] = 'Z';
        } else {
            out[o++] = zone[0];
            memcpy(out + o, zone + 1, 2);
            o += 2;
            out[o++] = ':';
            memcpy(out + o, zone + 3, 2);
            o += 2;
        }
    }
    out[o] = '\0';
    return fhir_arena_strdup(FA(c), out);
}

const char *fhir_ts_date(fhir_ctx *c, const char *ts)
{
    const char *dt = fhir_ts_datetime(c, ts);

    if (dt == NULL) {
        return NULL;
    }
    return fhir_arena_strndup(FA(c), dt, strlen(dt) > 10 ? 10 : strlen(dt));
}

void fhir_conv_identifier(fhir_ctx *c, fhir_node *tgt, const xmlNode *ii)
{
    const char *root = fhir_cda_attr(c, ii, "root");
    const char *ext = fhir_cda_attr(c, ii, "extension");
    const char *aan = fhir_cda_attr(c, ii, "assigningAuthorityName");

    if (tgt == NULL || ii == NULL) {
        return;
    }
    if (root != NULL && ext != NULL) {
        fhir_put_str(FA(c), tgt, "system", fhir_id_system(c, root));
    } else if (root != NULL && strlen(root) == 36 && root[8] == '-' && root[13] == '-') {
        char lower[37];
        size_t i;
        for (i = 0; i < 36; i++) {
            lower[i] = (char)tolower((unsigned char)root[i]);
        }
        lower[36] = '\0';
        fhir_put_str(FA(c), tgt, "system", "urn:ietf:rfc:3986");
        fhir_put_str(FA(c), tgt, "value", fhir_arena_printf(FA(c), "urn:uuid:%s", lower));
    } else if (root != NULL && strchr(root, '.') != NULL) {
        fhir_put_str(FA(c), tgt, "system", "urn:ietf:rfc:3986");
        fhir_put_str(FA(c), tgt, "value", fhir_arena_printf(FA(c), "urn:oid:%s", root));
    }
    if (ext != NULL) {
        fhir_put_str(FA(c), tgt, "value", ext);
    }
    if (aan != NULL) {
        fhir_put_str(FA(c), fhir_obj(FA(c), tgt, "assigner"), "display", aan);
    }
}

/* One coding from the attributes of a CD-like element. */
static void coding_from(fhir_ctx *c, fhir_node *coding, const xmlNode *cd)
{
    const char *cs = fhir_cda_attr(c, cd, "codeSystem");

    if (cs != NULL) {
        fhir_put_str(FA(c), coding, "system", fhir_oid_uri(c, cs));
    }
    fhir_put_str(FA(c), coding, "version", fhir_cda_attr(c, cd, "codeSystemVersion"));
    fhir_put_str(FA(c), coding, "code", fhir_cda_attr(c, cd, "code"));
    fhir_put_str(FA(c), coding, "display", fhir_cda_attr(c, cd, "displayName"));
}

void fhir_conv_coding(fhir_ctx *c, fhir_node *tgt, const xmlNode *cd)
{
    if (tgt != NULL && cd != NULL) {
        coding_from(c, tgt, cd);
    }
}

void fhir_conv_cc(fhir_ctx *c, fhir_node *tgt, const xmlNode *cd)
{
    fhir_node *codings;
    const xmlNode *ch;
    fhir_nodes quals;
    size_t i;

    if (tgt == NULL || cd == NULL) {
        return;
    }
    codings = fhir_arr(FA(c), tgt, "coding");
    coding_from(c, fhir_append(codings, fhir_node_new(FA(c), FHIR_NODE_OBJECT, NULL)), cd);
    for (ch = fse_xml_first_element(cd); ch != NULL; ch = fse_xml_next_element(ch)) {
        if (strcmp((const char *)ch->name, "translation") != 0) {
            continue;
        }
        coding_from(c, fhir_append(codings, fhir_node_new(FA(c), FHIR_NODE_OBJECT, NULL)), ch);
        quals = fhir_cda_select(c, ch, "qualifier/*[@code]");
        for (i = 0; i < quals.n; i++) {
            coding_from(c, fhir_append(codings, fhir_node_new(FA(c), FHIR_NODE_OBJECT, NULL)),
                        quals.items[i]);
        }
    }
    /* empty codings (a CD with only a nullFlavor) are not written */
    fhir_prune(codings);
    fhir_put_str(FA(c), tgt, "text", fhir_cda_path_attr(c, cd, "originalText/reference", "value"));
}

void fhir_conv_period(fhir_ctx *c, fhir_node *tgt, const xmlNode *ivl)
{
    if (tgt == NULL || ivl == NULL) {
        return;
    }
    fhir_put_str(FA(c), tgt, "start",
                 fhir_ts_datetime(c, fhir_cda_path_attr(c, ivl, "low", "value")));
    fhir_put_str(FA(c), tgt, "end",
                 fhir_ts_datetime(c, fhir_cda_path_attr(c, ivl, "high", "value")));
}

/* FHIR (JSON) decimal text for a PQ value; NULL when it is not a number. */
static const char *decimal_text(fhir_ctx *c, const char *v)
{
    const char *p = v;
    bool dig = false;

    if (v == NULL) {
        return NULL;
    }
    if (*p == '+') {
        p++;
    } else if (*p == '-') {
        p++;
    }
    while (isdigit((unsigned char)*p)) {
        p++;
        dig = true;
    }
    if (*p == '.') {
        p++;
        while (isdigit((unsigned char)*p)) {
            p++;
            dig = true;
        }
    }
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-') {
            p++;
        }
        while (isdigit((unsigned char)*p)) {
            p++;
        }
    }
    if (!dig || *p != '\0') {
        return NULL;
    }
    if (v[0] == '+') {
        v++;
    }
    /* JSON has no ".5" or "5.": give those a zero */
    if (v[0] == '.' || (v[0] == '-' && v[1] == '.')) {
        return fhir_arena_printf(FA(c), "%s0%s", v[0] == '-' ? "-" : "", v[0] == '-' ? v + 1 : v);
    }
    if (v[strlen(v) - 1] == '.') {
        return fhir_arena_printf(FA(c), "%s0", v);
    }
    return fhir_arena_strdup(FA(c), v);
}

void fhir_conv_quantity(fhir_ctx *c, fhir_node *tgt, const xmlNode *pq)
{
    if (tgt == NULL || pq == NULL) {
        return;
    }
    fhir_put_num(FA(c), tgt, "value", decimal_text(c, fhir_cda_attr(c, pq, "value")));
    fhir_put_str(FA(c), tgt, "unit", fhir_cda_attr(c, pq, "unit"));
}

/* Street lines and the census tract (an extension on an empty line). */
static void address_lines(fhir_ctx *c, fhir_node *tgt, const xmlNode *ad, bool census_first)
{
    fhir_node *line = fhir_node_new(FA(c), FHIR_NODE_ARRAY, NULL);
    fhir_node *ext_line = fhir_node_new(FA(c), FHIR_NODE_ARRAY, NULL);
    fhir_nodes streets = fhir_cda_select(c, ad, "streetAddressLine");
    fhir_nodes census = fhir_cda_select(c, ad, "censusTract");
    size_t i;
    int pass;

    for (pass = 0; pass < 2; pass++) {
        bool census_pass = (pass == 0) == census_first;
        if (census_pass && census.n > 0) {
            fhir_node *e = fhir_node_new(FA(c), FHIR_NODE_OBJECT, NULL);
            fhir_node *x = fhir_push(FA(c), e, "extension");
            fhir_put_str(FA(c), x, "url", CENSUS_URL);
            fhir_put_str(FA(c), x, "valueString", fhir_cda_text(c, census.items[0]));
            fhir_append(line, fhir_node_new(FA(c), FHIR_NODE_NULL, NULL));
            fhir_append(ext_line, e);
        } else if (!census_pass) {
            for (i = 0; i < streets.n; i++) {
                fhir_append(line, fhir_node_new(FA(c), FHIR_NODE_STRING,
                                                fhir_cda_text(c, streets.items[i])));
                fhir_append(ext_line, fhir_node_new(FA(c), FHIR_NODE_NULL, NULL));
            }
        }
    }
    if (line != NULL && line->n > 0) {
        fhir_put(FA(c), tgt, "line", line);
        if (census.n > 0) {
            fhir_put(FA(c), tgt, "_line", ext_line);
        }
    }
}

void fhir_conv_address(fhir_ctx *c, fhir_node *tgt, const xmlNode *ad)
{
    static const struct {
        const char *cda;
        const char *fhir;
    } parts[] = {{"city", "city"},
                 {"county", "district"},
                 {"state", "state"},
                 {"postalCode", "postalCode"},
                 {"country", "country"}};
    size_t i;
    const char *use;

    if (tgt == NULL || ad == NULL) {
        return;
    }
    use = fhir_map_code(fhir_cm_address_use, fhir_cda_attr(c, ad, "use"));
    fhir_put_str(FA(c), tgt, "use", use);
    address_lines(c, tgt, ad, c->opts->compat == FSE_FHIR_COMPAT_GATEWAY);
    for (i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
        const xmlNode *n = fhir_cda_first(c, ad, parts[i].cda);
        if (n != NULL) {
            fhir_put_str(FA(c), tgt, parts[i].fhir, fhir_cda_text(c, n));
        }
    }
}

void fhir_conv_telecom(fhir_ctx *c, fhir_node *tgt, const xmlNode *tel)
{
    static const struct {
        const char *prefix;
        const char *system;
    } schemes[] = {{"tel:", "phone"}, {"fax:", "fax"}, {"mailto:", "email"}, {"http:", "url"}};
    const char *v = fhir_cda_attr(c, tel, "value");
    const char *use = fhir_cda_attr(c, tel, "use");
    size_t i;

    if (tgt == NULL || tel == NULL) {
        return;
    }
    for (i = 0; v != NULL && i < sizeof(schemes) / sizeof(schemes[0]); i++) {
        size_t n = strlen(schemes[i].prefix);
        if (strncmp(v, schemes[i].prefix, n) == 0) {
            fhir_put_str(FA(c), tgt, "system", schemes[i].system);
            fhir_put_str(FA(c), tgt, "value", v + n);
        }
    }
    if (use == NULL) {
        return;
    }
    if (use[0] == 'H') {
        fhir_put_str(FA(c), tgt, "use", "home");
    } else if (strcmp(use, "WP") == 0 || strcmp(use, "DIR") == 0 || strcmp(use, "PUB") == 0) {
        fhir_put_str(FA(c), tgt, "use", "work");
    } else if (strcmp(use, "BAD") == 0) {
        fhir_put_str(FA(c), tgt, "use", "old");
    } else if (strcmp(use, "TMP") == 0) {
        fhir_put_str(FA(c), tgt, "use", "temp");
    } else if (strcmp(use, "MC") == 0) {
        fhir_put_str(FA(c), tgt, "use", "mobile");
    }
}

void fhir_conv_name(fhir_ctx *c, fhir_node *tgt, const xmlNode *en)
{
    static const char *const parts[] = {"given", "prefix", "suffix"};
    fhir_nodes v;
    size_t i;
    size_t k;

    if (tgt == NULL || en == NULL) {
        return;
    }
    fhir_put_str(FA(c), tgt, "family", fhir_cda_text(c, fhir_cda_first(c, en, "family")));
    for (k = 0; k < sizeof(parts) / sizeof(parts[0]); k++) {
        v = fhir_cda_select(c, en, parts[k]);
        for (i = 0; i < v.n; i++) {
            fhir_append(fhir_arr(FA(c), tgt, parts[k]),
                        fhir_node_new(FA(c), FHIR_NODE_STRING, fhir_cda_text(c, v.items[i])));
        }
    }
}
