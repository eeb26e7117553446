/*
 * lib/gen/gen_body_rsa.c - body of the outpatient specialist report (RSA,
 * template 2.16.840.1.113883.2.9.10.1.9.1): reason for the visit with an
 * ICD-9-CM question (29299-5, ERRORE-b21/b22), the service performed as an
 * act (62387-6, ERRORE-b1..b3, b78..b80), physical findings (29545-1), the
 * report (47045-0, ERRORE-b4/b5), the diagnosis (29548-5, ERRORE-b84..b86)
 * and, in most visits, a recommended medicine (93341-6, ERRORE-b89..b93).
 *
 * Owns the narrative of a visit; the code lists are gen_codes.c.
 */
#include "gen_int.h"

#include <stdio.h>

void fse_gen__body_rsa(gen_ctx *c, xmlNodePtr sb)
{
    const gen_concept *dx = GEN_PICK(c, fse_gen__diagnoses, fse_gen__n_diagnoses);
    const gen_drug *drug = GEN_PICK(c, fse_gen__drugs, fse_gen__n_drugs);
    int pa_max = fse_gen__rng_range(&c->rng, 110, 160);
    int pa_min = fse_gen__rng_range(&c->rng, 65, 95);
    int fc = fse_gen__rng_range(&c->rng, 55, 98);
    xmlNodePtr s;
    xmlNodePtr act;
    char text[512];
    char ref[40];

    s = fse_gen__section(c, sb, NULL, "29299-5", "Motivo della visita", "Quesito diagnostico");
    (void)snprintf(text, sizeof(text), "Visita %s per sospetto di: %s.", c->specialty->name,
                   dx->display);
    fse_gen__narrative(c, s, text, ref, sizeof(ref));
    fse_gen__dx_observation(c, s, "29298-7", "Motivo della visita", dx, ref, -1);

    s = fse_gen__section(c, sb, NULL, "62387-6", "Interventi", "Prestazioni");
    (void)snprintf(text, sizeof(text), "Visita specialistica di %s.", c->specialty->name);
    fse_gen__narrative(c, s, text, ref, sizeof(ref));
    act = fse_gen__el(c, fse_gen__el(c, s, "entry"), "act");
    fse_gen__attr(c, act, "classCode", "ACT");
    fse_gen__attr(c, act, "moodCode", "EVN");
    fse_gen__code(c, act, "code", "11488-4", GEN_OID_LOINC, "LOINC", "Visita specialistica");
    fse_gen__attr(c, fse_gen__el(c, act, "statusCode"), "code", "completed");
    fse_gen__ts(c, act, "effectiveTime", c->t_start);

    s = fse_gen__section(c, sb, NULL, "29545-1", "Esame obiettivo", "Esame obiettivo");
    (void)snprintf(text, sizeof(text),
                   "Paziente vigile, orientato e collaborante. PA %d/%d mmHg, FC %d bpm, ritmico. "
                   "Eupnoico a riposo.",
                   pa_max, pa_min, fc);
    fse_gen__narrative(c, s, text, NULL, 0);

    s = fse_gen__section(c, sb, NULL, "47045-0", "Referto", "Referto");
    (void)snprintf(text, sizeof(text),
                   "Il quadro clinico e anamnestico è compatibile con: %s. Si prosegue con il "
                   "monitoraggio clinico e si rivaluta al controllo.",
                   dx->display);
    fse_gen__narrative(c, s, text, NULL, 0);

    s = fse_gen__section(c, sb, NULL, "29548-5", "Diagnosi", "Diagnosi");
    fse_gen__narrative(c, s, dx->display, ref, sizeof(ref));
    fse_gen__dx_observation(c, s, "29308-4", "Diagnosi", dx, ref, -1);

    if (fse_gen__rng_chance(&c->rng, 70)) {
        s = fse_gen__section(c, sb, NULL, "93341-6", "Terapia farmacologica consigliata",
                             "Terapia farmacologica consigliata");
        (void)snprintf(text, sizeof(text), "%s: %s.", drug->name, drug->dose);
        fse_gen__narrative(c, s, text, NULL, 0);
        fse_gen__drug(c, s, drug, "PRP", c->t_doc, -1);
    }
}
