/*
 * lib/gen/gen_body_ldo.c - body of the hospital discharge letter (LDO,
 * template 2.16.840.1.113883.2.9.10.1.5): reason for admission with an
 * ICD-9-CM diagnosis (46241-6, ERRORE-b1/b2, b18..b20), hospital course
 * (8648-8, ERRORE-b3/b4), therapy during the stay (10160-0, ERRORE-b77..b81),
 * condition and discharge diagnosis (11535-2 with its entry, ERRORE-b5/b6,
 * b88..b90, so W003 does not fire), discharge medicines (10183-2,
 * ERRORE-b91..b95) and follow-up instructions (18776-5).
 *
 * Owns the story of a stay; the encounter dates (admission, discharge) are
 * drawn in gen.c and written in the header (componentOf, ERRORE-39..41).
 */
#include "gen_int.h"

#include <stdio.h>

void fse_gen__body_ldo(gen_ctx *c, xmlNodePtr sb)
{
    const gen_concept *adm = GEN_PICK(c, fse_gen__diagnoses, fse_gen__n_diagnoses);
    const gen_concept *dis = fse_gen__rng_chance(&c->rng, 60)
                                 ? adm
                                 : GEN_PICK(c, fse_gen__diagnoses, fse_gen__n_diagnoses);
    const gen_drug *during = GEN_PICK(c, fse_gen__drugs, fse_gen__n_drugs);
    const gen_drug *home = GEN_PICK(c, fse_gen__drugs, fse_gen__n_drugs);
    int days = (int)((c->t_end - c->t_start) / 86400);
    int control = fse_gen__rng_range(&c->rng, 2, 8);
    xmlNodePtr s;
    char text[640];
    char ref[40];

    s = fse_gen__section(c, sb, NULL, "46241-6", "Diagnosi di accettazione", "Motivo del ricovero");
    (void)snprintf(text, sizeof(text), "Ricovero in %s per %s.", c->specialty->name, adm->display);
    fse_gen__narrative(c, s, text, ref, sizeof(ref));
    fse_gen__dx_observation(c, s, "8646-2", "Diagnosi di accettazione", adm, ref, c->t_start);

    s = fse_gen__section(c, sb, NULL, "8648-8", "Decorso ospedaliero", "Decorso ospedaliero");
    (void)snprintf(text, sizeof(text),
                   "Il paziente è stato ricoverato per %d giorni. Durante la degenza è stato "
                   "sottoposto agli accertamenti del caso e ha ricevuto terapia con %s, con "
                   "progressivo miglioramento del quadro clinico. Decorso regolare, senza "
                   "complicanze.",
                   days, during->active);
    fse_gen__narrative(c, s, text, NULL, 0);

    s = fse_gen__section(c, sb, NULL, "10160-0", "Uso di farmaci",
                         "Terapia farmacologica effettuata durante il ricovero");
    (void)snprintf(text, sizeof(text), "%s: %s.", during->name, during->dose);
    fse_gen__narrative(c, s, text, NULL, 0);
    fse_gen__drug(c, s, during, "EVN", c->t_start, c->t_end);

    s = fse_gen__section(c, sb, NULL, "11535-2", "Diagnosi di dimissione",
                         "Condizioni del paziente e diagnosi alla dimissione");
    (void)snprintf(text, sizeof(text),
                   "Paziente dimesso in buone condizioni generali, apiretico, emodinamicamente "
                   "stabile. Diagnosi di dimissione: %s.",
                   dis->display);
    fse_gen__narrative(c, s, text, ref, sizeof(ref));
    fse_gen__dx_observation(c, s, "8651-2", "Diagnosi di dimissione", dis, ref, c->t_end);

    s = fse_gen__section(c, sb, NULL, "10183-2", "Terapia farmacologica alla dimissione",
                         "Terapia farmacologica alla dimissione");
    (void)snprintf(text, sizeof(text), "%s: %s.", home->name, home->dose);
    fse_gen__narrative(c, s, text, NULL, 0);
    fse_gen__drug(c, s, home, "INT", c->t_end, -1);

    s = fse_gen__section(c, sb, NULL, "18776-5", "Piano di cura", "Istruzioni di follow-up");
    (void)snprintf(text, sizeof(text),
                   "Controllo clinico presso l'ambulatorio di %s tra %d settimane. Rivolgersi al "
                   "medico curante in caso di peggioramento dei sintomi.",
                   c->specialty->name, control);
    fse_gen__narrative(c, s, text, NULL, 0);
}
