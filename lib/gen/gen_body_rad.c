/*
 * lib/gen/gen_body_rad.c - body of the radiology report (RAD, template
 * 2.16.840.1.113883.2.9.10.1.7.1): reason for study with an ICD-9-CM coded
 * question (18785-6, ERRORE-b9..b11), the exam performed as an act with its
 * LOINC code (55111-9, ERRORE-b1..b3, b65..b67), the findings (18782-3,
 * ERRORE-b4/b5) and the conclusions (55110-1, ERRORE-b14).
 *
 * Owns the choice of exam and question; the exam list is gen_codes.c.
 */
#include "gen_int.h"

#include <stdio.h>

static void question(gen_ctx *c, xmlNodePtr sb, const gen_concept *dx)
{
    xmlNodePtr s =
        fse_gen__section(c, sb, NULL, "18785-6", "Quesito diagnostico", "Quesito diagnostico");
    xmlNodePtr obs;
    xmlNodePtr v;
    char text[192];
    char ref[40];

    (void)snprintf(text, sizeof(text), "Sospetto clinico: %s.", dx->display);
    fse_gen__narrative(c, s, text, ref, sizeof(ref));
    obs = fse_gen__el(c, fse_gen__el(c, s, "entry"), "observation");
    fse_gen__attr(c, obs, "classCode", "OBS");
    fse_gen__attr(c, obs, "moodCode", "EVN");
    fse_gen__code(c, obs, "code", "29308-4", GEN_OID_LOINC, "LOINC", "Diagnosi");
    fse_gen__attr(c, fse_gen__el(c, obs, "statusCode"), "code", "completed");
    v = fse_gen__code(c, obs, "value", dx->code, GEN_OID_ICD9, "ICD-9-CM", dx->display);
    fse_gen__xsi_type(c, v, "CD");
    fse_gen__orig_ref(c, v, ref);
}

static void exam_performed(gen_ctx *c, xmlNodePtr sb, const gen_rad_exam *e)
{
    xmlNodePtr s = fse_gen__section(c, sb, NULL, "55111-9", "Esame eseguito", "Esame eseguito");
    xmlNodePtr act;
    char ref[40];

    fse_gen__narrative(c, s, e->name, ref, sizeof(ref));
    act = fse_gen__el(c, fse_gen__el(c, s, "entry"), "act");
    fse_gen__attr(c, act, "classCode", "ACT");
    fse_gen__attr(c, act, "moodCode", "EVN");
    fse_gen__code(c, act, "code", e->loinc, GEN_OID_LOINC, "LOINC", e->name);
    fse_gen__attr(c, fse_gen__el(c, act, "statusCode"), "code", "completed");
    fse_gen__ivl(c, act, "effectiveTime", c->t_start, c->t_end);
}

void fse_gen__body_rad(gen_ctx *c, xmlNodePtr sb)
{
    const gen_rad_exam *e = GEN_PICK(c, fse_gen__rad_exams, fse_gen__n_rad_exams);
    const gen_concept *dx = GEN_PICK(c, fse_gen__diagnoses, fse_gen__n_diagnoses);
    xmlNodePtr s;

    question(c, sb, dx);
    exam_performed(c, sb, e);
    s = fse_gen__section(c, sb, NULL, "18782-3", "Referto", "Referto");
    fse_gen__narrative(c, s, e->findings, NULL, 0);
    s = fse_gen__section(c, sb, NULL, "55110-1", "Conclusioni", "Conclusioni");
    fse_gen__narrative(c, s, e->conclusion, NULL, 0);
}
