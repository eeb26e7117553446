/*
 * lib/gen/gen_header.c - the ClinicalDocument header shared by every
 * generated type, in the order of the CDA R2 schema: realmCode, typeId,
 * templateId, id, code, title, effectiveTime, confidentialityCode,
 * languageCode, setId/versionNumber, recordTarget, author, dataEnterer,
 * custodian, legalAuthenticator, authenticator, participant, inFulfillmentOf,
 * documentationOf, componentOf.
 *
 * Owns which header parts exist (the type's GEN_H_* flags) and how people and
 * organisations are written. Does not own the body (gen_body_*.c) or the
 * choice of people, facility and dates (gen.c).
 */
#include "gen_int.h"

#include <stdio.h>
#include <string.h>

#define OID_TYPEID "2.16.840.1.113883.1.3"

static void organization(gen_ctx *c, xmlNodePtr parent, const char *name, bool with_contacts)
{
    const gen_facility *f = &c->facility;
    xmlNodePtr o = fse_gen__el(c, parent, name);

    fse_gen__ii(c, o, "id", GEN_OID_HSP, f->hsp, "Ministero della Salute");
    fse_gen__text(c, o, "name", f->name);
    if (with_contacts) {
        xmlNodePtr tel = fse_gen__el(c, o, "telecom");

        fse_gen__attr(c, tel, "use", "WP");
        fse_gen__attrf(c, tel, "value", "tel:%s", f->phone);
        fse_gen__addr(c, o, "WP", f->city, f->street);
    }
}

static void telecom(gen_ctx *c, xmlNodePtr parent, const char *use, const char *scheme,
                    const char *value)
{
    xmlNodePtr t = fse_gen__el(c, parent, "telecom");

    fse_gen__attr(c, t, "use", use);
    fse_gen__attrf(c, t, "value", "%s:%s", scheme, value);
}

static void record_target(gen_ctx *c, const gen_type *t)
{
    const gen_person *p = &c->patient;
    xmlNodePtr rt = fse_gen__el(c, c->root, "recordTarget");
    xmlNodePtr role = fse_gen__el(c, rt, "patientRole");
    xmlNodePtr pat;
    xmlNodePtr place;
    char birth[9];

    fse_gen__ii(c, role, "id", GEN_OID_CF, p->cf, "MEF");
    if (t->header & GEN_H_LOCAL_ID) {
        char root[64];
        char ext[32];

        const char *arc = c->facility.hsp;

        /* OID arcs carry no leading zero. */
        while (arc[0] == '0' && arc[1] != '\0') {
            arc++;
        }
        (void)snprintf(root, sizeof(root), "2.16.840.1.113883.2.9.2.%s.4.2.%s",
                       c->facility.region->oid_arc, arc);
        (void)snprintf(ext, sizeof(ext), "%07u", fse_gen__rng_below(&c->rng, 10000000));
        fse_gen__ii(c, role, "id", root, ext, c->facility.name);
    }
    fse_gen__addr(c, role, "H", p->residence, p->street);
    telecom(c, role, "HP", "tel", p->phone);
    pat = fse_gen__el(c, role, "patient");
    fse_gen__person_name(c, pat, p, false);
    fse_gen__code(c, pat, "administrativeGenderCode", p->gender == 'F' ? "F" : "M", GEN_OID_GENDER,
                  "HL7 AdministrativeGender", p->gender == 'F' ? "Femmina" : "Maschio");
    fse_gen__format_date(birth, p->birth_day);
    fse_gen__attr(c, fse_gen__el(c, pat, "birthTime"), "value", birth);
    place = fse_gen__el(c, fse_gen__el(c, pat, "birthplace"), "place");
    fse_gen__addr(c, place, NULL, p->birthplace, NULL);
}

/* assignedAuthor / assignedEntity body for a clinician. */
static void clinician(gen_ctx *c, xmlNodePtr entity, const gen_person *p, bool contacts)
{
    fse_gen__ii(c, entity, "id", GEN_OID_CF, p->cf, "MEF");
    if (contacts) {
        telecom(c, entity, "WP", "tel", c->facility.phone);
        telecom(c, entity, "WP", "mailto", p->email);
    }
    fse_gen__person_name(c, fse_gen__el(c, entity, "assignedPerson"), p, false);
}

static void author(gen_ctx *c, const gen_type *t)
{
    xmlNodePtr a = fse_gen__el(c, c->root, "author");
    xmlNodePtr aa;

    fse_gen__ts(c, a, "time", c->t_doc);
    aa = fse_gen__el(c, a, "assignedAuthor");
    clinician(c, aa, &c->author, true);
    if (t->header & GEN_H_AUTHOR_ORG) {
        organization(c, aa, "representedOrganization", false);
    }
}

static void custodian(gen_ctx *c)
{
    xmlNodePtr ac = fse_gen__el(c, fse_gen__el(c, c->root, "custodian"), "assignedCustodian");

    organization(c, ac, "representedCustodianOrganization", true);
}

static void authenticator(gen_ctx *c, const char *element)
{
    xmlNodePtr la = fse_gen__el(c, c->root, element);
    xmlNodePtr ae;

    fse_gen__ts(c, la, "time", c->t_doc);
    fse_gen__attr(c, fse_gen__el(c, la, "signatureCode"), "code", "S");
    ae = fse_gen__el(c, la, "assignedEntity");
    clinician(c, ae, &c->author, false);
}

static void referrer(gen_ctx *c)
{
    xmlNodePtr p = fse_gen__el(c, c->root, "participant");
    xmlNodePtr ae;

    fse_gen__attr(c, p, "typeCode", "REF");
    fse_gen__code(c, p, "functionCode", "PRE", GEN_OID_PARTFUNC, NULL, "Prescrittore");
    fse_gen__ts(c, p, "time", c->t_start - 86400 * 3);
    ae = fse_gen__el(c, p, "associatedEntity");
    fse_gen__attr(c, ae, "classCode", "PROV");
    fse_gen__ii(c, ae, "id", GEN_OID_CF, c->other.cf, "MEF");
    fse_gen__person_name(c, fse_gen__el(c, ae, "associatedPerson"), &c->other, false);
}

static void order(gen_ctx *c)
{
    xmlNodePtr o = fse_gen__el(c, fse_gen__el(c, c->root, "inFulfillmentOf"), "order");
    char nre[24];

    fse_gen__attr(c, o, "classCode", "ACT");
    fse_gen__attr(c, o, "moodCode", "RQO");
    (void)snprintf(nre, sizeof(nre), "%sA%05u%06u", c->facility.region->code,
                   fse_gen__rng_below(&c->rng, 100000), fse_gen__rng_below(&c->rng, 1000000));
    fse_gen__ii(c, o, "id", GEN_OID_NRE, nre, "Ministero dell'Economia e delle Finanze");
    fse_gen__code(c, o, "priorityCode", "R", GEN_OID_PRIORITY, "HL7 ActPriority", "Routine");
}

static void service_event(gen_ctx *c, const gen_type *t)
{
    xmlNodePtr se = fse_gen__el(c, fse_gen__el(c, c->root, "documentationOf"), "serviceEvent");
    const gen_coded *sc = t->service_code;

    fse_gen__attr(c, se, "moodCode", "EVN");
    if (sc != NULL) {
        fse_gen__code(c, se, "code", sc->code, sc->system, sc->system_name, sc->display);
    }
    fse_gen__ivl(c, se, "effectiveTime", c->t_start, c->t_end);
}

static void encounter(gen_ctx *c, const gen_type *t)
{
    xmlNodePtr ee = fse_gen__el(c, fse_gen__el(c, c->root, "componentOf"), "encompassingEncounter");
    xmlNodePtr rp;
    xmlNodePtr hf;
    char ext[48];
    char root[48];

    (void)snprintf(ext, sizeof(ext), "%s.%u", c->facility.hsp,
                   fse_gen__rng_below(&c->rng, 1000000));
    (void)snprintf(root, sizeof(root), "2.16.840.1.113883.2.9.2.%s.4.6",
                   c->facility.region->oid_arc);
    fse_gen__ii(c, ee, "id", root, ext, c->facility.name);
    if (t->encounter_code != NULL) {
        const gen_coded *ec = t->encounter_code;

        fse_gen__code(c, ee, "code", ec->code, ec->system, ec->system_name, ec->display);
    }
    /* A stay or an emergency visit is closed when its document is written
     * (VPS ERRORE-32: low and high). */
    fse_gen__ivl(c, ee, "effectiveTime", c->t_start,
                 (t->header & (GEN_H_INPATIENT | GEN_H_EMERGENCY)) ? c->t_end : -1);
    rp = fse_gen__el(c, fse_gen__el(c, ee, "responsibleParty"), "assignedEntity");
    clinician(c, rp, &c->author, false);
    hf = fse_gen__el(c, fse_gen__el(c, ee, "location"), "healthCareFacility");
    fse_gen__ii(c, hf, "id", "2.16.840.1.113883.2.9.4.1.6", c->facility.hsp,
                "Ministero della Salute");
    organization(c, hf, "serviceProviderOrganization", false);
}

void fse_gen__header(gen_ctx *c, const gen_type *t)
{
    const fse_cda_doc_desc *d = fse_cda_doc_desc_get(t->type);
    fse_gen_meta *m = c->meta;
    xmlNodePtr tid;

    fse_gen__attr(c, fse_gen__el(c, c->root, "realmCode"), "code", "IT");
    tid = fse_gen__el(c, c->root, "typeId");
    fse_gen__attr(c, tid, "root", OID_TYPEID);
    fse_gen__attr(c, tid, "extension", "POCD_MT000040UV02");
    tid = fse_gen__el(c, c->root, "templateId");
    fse_gen__attr(c, tid, "root", d->template_root);
    fse_gen__attr(c, tid, "extension", t->template_ext);
    fse_gen__ii(c, c->root, "id", m->id_root, m->id_extension, m->region_name);
    fse_gen__code(c, c->root, "code", d->loinc[0], GEN_OID_LOINC, "LOINC", t->loinc_display);
    fse_gen__text(c, c->root, "title", t->title);
    fse_gen__ts(c, c->root, "effectiveTime", c->t_doc);
    fse_gen__code(c, c->root, "confidentialityCode", "N", GEN_OID_CONF, "HL7 Confidentiality",
                  "Normal");
    fse_gen__attr(c, fse_gen__el(c, c->root, "languageCode"), "code", "it-IT");
    fse_gen__ii(c, c->root, "setId", m->id_root, m->set_id_extension, m->region_name);
    fse_gen__attr(c, fse_gen__el(c, c->root, "versionNumber"), "value", "1");
    record_target(c, t);
    author(c, t);
    if (t->header & GEN_H_DATAENTERER) {
        xmlNodePtr de = fse_gen__el(c, c->root, "dataEnterer");

        fse_gen__ts(c, de, "time", c->t_doc);
        clinician(c, fse_gen__el(c, de, "assignedEntity"), &c->other, false);
    }
    custodian(c);
    authenticator(c, "legalAuthenticator");
    if (t->header & GEN_H_AUTHENTICATOR) {
        authenticator(c, "authenticator");
    }
    if (t->header & GEN_H_REFERRER) {
        referrer(c);
    }
    if (t->header & GEN_H_ORDER) {
        order(c);
    }
    if (t->header & GEN_H_SERVICE) {
        service_event(c, t);
    }
    if (t->header & GEN_H_ENCOUNTER) {
        encounter(c, t);
    }
}
