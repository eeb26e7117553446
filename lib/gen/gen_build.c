/*
 * lib/gen/gen_build.c - the libxml2 tree helpers every document builder uses.
 *
 * Owns the sticky error of a build (the first allocation failure is kept and
 * every later helper does nothing, so builders read as straight lines), the
 * HL7 data-type shapes (II, CD, TS, IVL_TS, AD, PN), narrative references and
 * the list of codes a document carries. Text always goes into text nodes, so
 * libxml2 escapes it on output. Does not own what goes where (gen_header.c,
 * gen_body_*.c).
 */
#include "gen_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static bool fail(gen_ctx *c)
{
    if (c->err == FSE_OK) {
        c->err = fse_error_set(FSE_E_NOMEM, "gen", "out of memory building a document");
    }
    return false;
}

xmlNodePtr fse_gen__el(gen_ctx *c, xmlNodePtr parent, const char *name)
{
    xmlNodePtr n;

    if (c->err != FSE_OK || parent == NULL) {
        return NULL;
    }
    n = xmlNewChild(parent, c->ns, (const xmlChar *)name, NULL);
    if (n == NULL) {
        fail(c);
    }
    return n;
}

void fse_gen__attr(gen_ctx *c, xmlNodePtr node, const char *name, const char *value)
{
    if (c->err != FSE_OK || node == NULL || value == NULL) {
        return;
    }
    if (xmlNewProp(node, (const xmlChar *)name, (const xmlChar *)value) == NULL) {
        fail(c);
    }
}

void fse_gen__attrf(gen_ctx *c, xmlNodePtr node, const char *name, const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof(buf)) {
        if (c->err == FSE_OK) {
            c->err = fse_error_set(FSE_E_INTERNAL, "gen", "attribute %s too long", name);
        }
        return;
    }
    fse_gen__attr(c, node, name, buf);
}

void fse_gen__xsi_type(gen_ctx *c, xmlNodePtr node, const char *type)
{
    if (c->err != FSE_OK || node == NULL) {
        return;
    }
    if (xmlNewNsProp(node, c->xsi, (const xmlChar *)"type", (const xmlChar *)type) == NULL) {
        fail(c);
    }
}

void fse_gen__add_text(gen_ctx *c, xmlNodePtr node, const char *text)
{
    xmlNodePtr t;

    if (c->err != FSE_OK || node == NULL || text == NULL) {
        return;
    }
    t = xmlNewText((const xmlChar *)text);
    if (t == NULL || xmlAddChild(node, t) == NULL) {
        xmlFreeNode(t);
        fail(c);
    }
}

xmlNodePtr fse_gen__text(gen_ctx *c, xmlNodePtr parent, const char *name, const char *text)
{
    xmlNodePtr n = fse_gen__el(c, parent, name);

    fse_gen__add_text(c, n, text);
    return n;
}

void fse_gen__note_code(gen_ctx *c, const char *system, const char *code)
{
    fse_gen_meta *m = c->meta;
    size_t i;

    if (system == NULL || code == NULL) {
        return;
    }
    for (i = 0; i < m->n_codes; i++) {
        if (strcmp(m->codes[i].system, system) == 0 && strcmp(m->codes[i].code, code) == 0) {
            return;
        }
    }
    if (m->n_codes < FSE_GEN_MAX_CODES) {
        m->codes[m->n_codes].system = system;
        m->codes[m->n_codes].code = code;
        m->n_codes++;
    }
}

xmlNodePtr fse_gen__code(gen_ctx *c, xmlNodePtr parent, const char *name, const char *code,
                         const char *system, const char *system_name, const char *display)
{
    xmlNodePtr n = fse_gen__el(c, parent, name);

    fse_gen__attr(c, n, "code", code);
    fse_gen__attr(c, n, "codeSystem", system);
    fse_gen__attr(c, n, "codeSystemName", system_name);
    fse_gen__attr(c, n, "displayName", display);
    fse_gen__note_code(c, system, code);
    return n;
}

xmlNodePtr fse_gen__ii(gen_ctx *c, xmlNodePtr parent, const char *name, const char *root,
                       const char *extension, const char *authority)
{
    xmlNodePtr n = fse_gen__el(c, parent, name);

    fse_gen__attr(c, n, "root", root);
    fse_gen__attr(c, n, "extension", extension);
    fse_gen__attr(c, n, "assigningAuthorityName", authority);
    return n;
}

xmlNodePtr fse_gen__ts(gen_ctx *c, xmlNodePtr parent, const char *name, int64_t t)
{
    char ts[24];
    xmlNodePtr n = fse_gen__el(c, parent, name);

    fse_gen__format_ts(ts, t);
    fse_gen__attr(c, n, "value", ts);
    return n;
}

xmlNodePtr fse_gen__ivl(gen_ctx *c, xmlNodePtr parent, const char *name, int64_t low, int64_t high)
{
    xmlNodePtr n = fse_gen__el(c, parent, name);

    fse_gen__ts(c, n, "low", low);
    if (high >= 0) {
        fse_gen__ts(c, n, "high", high);
    }
    return n;
}

void fse_gen__ref_id(gen_ctx *c, char *out, size_t out_len, const char *prefix)
{
    (void)snprintf(out, out_len, "%s-%u", prefix, ++c->next_ref);
}

xmlNodePtr fse_gen__narrative(gen_ctx *c, xmlNodePtr section, const char *text, char *ref,
                              size_t ref_len)
{
    char id[32];
    xmlNodePtr t = fse_gen__el(c, section, "text");
    xmlNodePtr p = fse_gen__el(c, t, "paragraph");

    fse_gen__ref_id(c, id, sizeof(id), "txt");
    fse_gen__attr(c, p, "ID", id);
    fse_gen__add_text(c, p, text);
    if (ref != NULL) {
        (void)snprintf(ref, ref_len, "#%s", id);
    }
    return t;
}

void fse_gen__orig_ref(gen_ctx *c, xmlNodePtr parent, const char *ref)
{
    xmlNodePtr o = fse_gen__el(c, parent, "originalText");

    fse_gen__attr(c, fse_gen__el(c, o, "reference"), "value", ref);
}

void fse_gen__person_name(gen_ctx *c, xmlNodePtr parent, const gen_person *p, bool title)
{
    xmlNodePtr n = fse_gen__el(c, parent, "name");

    fse_gen__text(c, n, "family", p->family);
    fse_gen__text(c, n, "given", p->given);
    if (title) {
        fse_gen__text(c, n, "prefix", "Dott.");
    }
}

void fse_gen__addr(gen_ctx *c, xmlNodePtr parent, const char *use, const gen_comune *city,
                   const char *street)
{
    xmlNodePtr a = fse_gen__el(c, parent, "addr");

    fse_gen__attr(c, a, "use", use);
    fse_gen__text(c, a, "country", "100");
    fse_gen__text(c, a, "state", fse_gen__regions[city->region].code);
    fse_gen__text(c, a, "county", city->province);
    fse_gen__text(c, a, "city", city->name);
    fse_gen__text(c, a, "censusTract", city->istat);
    fse_gen__text(c, a, "postalCode", city->cap);
    if (street != NULL) {
        fse_gen__text(c, a, "streetAddressLine", street);
    }
}

xmlNodePtr fse_gen__section(gen_ctx *c, xmlNodePtr parent, const char *template_root,
                            const char *loinc, const char *display, const char *title)
{
    xmlNodePtr comp = fse_gen__el(c, parent, "component");
    xmlNodePtr s = fse_gen__el(c, comp, "section");

    if (template_root != NULL) {
        fse_gen__attr(c, fse_gen__el(c, s, "templateId"), "root", template_root);
    }
    fse_gen__code(c, s, "code", loinc, GEN_OID_LOINC, "LOINC", display);
    fse_gen__text(c, s, "title", title);
    return s;
}

xmlNodePtr fse_gen__dx_observation(gen_ctx *c, xmlNodePtr section, const char *code,
                                   const char *display, const gen_concept *dx, const char *ref,
                                   int64_t low)
{
    xmlNodePtr obs = fse_gen__el(c, fse_gen__el(c, section, "entry"), "observation");
    xmlNodePtr v;

    fse_gen__attr(c, obs, "classCode", "OBS");
    fse_gen__attr(c, obs, "moodCode", "EVN");
    fse_gen__code(c, obs, "code", code, GEN_OID_LOINC, "LOINC", display);
    fse_gen__attr(c, fse_gen__el(c, obs, "statusCode"), "code", "completed");
    if (low >= 0) {
        fse_gen__ivl(c, obs, "effectiveTime", low, -1);
    }
    v = fse_gen__code(c, obs, "value", dx->code, GEN_OID_ICD9, "ICD-9-CM", dx->display);
    fse_gen__xsi_type(c, v, "CD");
    if (ref != NULL) {
        fse_gen__orig_ref(c, v, ref);
    }
    return obs;
}

xmlNodePtr fse_gen__drug(gen_ctx *c, xmlNodePtr section, const gen_drug *d, const char *mood,
                         int64_t low, int64_t high)
{
    xmlNodePtr sa = fse_gen__el(c, fse_gen__el(c, section, "entry"), "substanceAdministration");
    xmlNodePtr et;
    xmlNodePtr mat;
    xmlNodePtr code;

    fse_gen__attr(c, sa, "classCode", "SBADM");
    fse_gen__attr(c, sa, "moodCode", mood);
    fse_gen__attr(c, fse_gen__el(c, sa, "statusCode"), "code", high >= 0 ? "completed" : "active");
    et = fse_gen__ivl(c, sa, "effectiveTime", low, high);
    fse_gen__xsi_type(c, et, "IVL_TS");
    mat = fse_gen__el(c, fse_gen__el(c, fse_gen__el(c, sa, "consumable"), "manufacturedProduct"),
                      "manufacturedMaterial");
    code = fse_gen__code(c, mat, "code", d->atc, GEN_OID_ATC, "WHO ATC", d->active);
    fse_gen__code(c, code, "translation", d->aic, GEN_OID_AIC, "AIC", d->name);
    fse_gen__text(c, mat, "name", d->name);
    return sa;
}
