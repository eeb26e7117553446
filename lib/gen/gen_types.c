/*
 * lib/gen/gen_types.c - one row per generated document type: the national
 * template version, the title, which header parts the type carries, the
 * requestBody and JWT values that depend on the type, the patient ages, and
 * the body builder.
 *
 * Owns the order of fse_gen_types() (the priority order of the generator).
 * templateId roots, LOINC codes and XDS classes come from lib/cda's
 * document-type table (fse_cda_doc_desc_get), not from here.
 */
#include "gen_int.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const gen_specialty lab_specialty = {"AD_PSC999", "Laboratorio di analisi chimico-cliniche"};
static const gen_specialty rad_specialty = {"AD_PSC069", "Radiologia"};
static const gen_specialty pss_specialty = {"AD_PSC026", "Medicina generale"};
static const gen_specialty vacc_specialty = {"AD_PSC026", "Medicina generale"};

static const gen_coded rad_access = {"RAD_PROG", "2.16.840.1.113883.2.9.5.1.4", NULL,
                                     "Accesso Programmato (Radiologia)"};

static const gen_coded scheduled_access = {"PROG", "2.16.840.1.113883.2.9.5.1.4", NULL,
                                           "Accesso Programmato"};

static const gen_type types[] = {
    {FSE_CDA_DOC_LAB, "1.3", "Referto di laboratorio", "Referto di Laboratorio",
     GEN_H_ORDER | GEN_H_SERVICE | GEN_H_ENCOUNTER | GEN_H_REFERRER, "Ospedale", "ERP", "AAS",
     &lab_specialty, NULL, 1, 95, fse_gen__body_lab},
    {FSE_CDA_DOC_RAD, "1.2", "Referto radiologico", "Referto di Radiologia",
     GEN_H_ORDER | GEN_H_SERVICE | GEN_H_ENCOUNTER | GEN_H_REFERRER | GEN_H_LOCAL_ID, "Ospedale",
     "ERP", "AAS", &rad_specialty, &rad_access, 5, 95, fse_gen__body_rad},
    {FSE_CDA_DOC_RSA, "1.2", "Nota di consulto", "Referto di Specialistica Ambulatoriale",
     GEN_H_ORDER | GEN_H_SERVICE | GEN_H_ENCOUNTER | GEN_H_REFERRER, "Ospedale", "ERP", "AAS", NULL,
     &scheduled_access, 18, 95, fse_gen__body_rsa},
    {FSE_CDA_DOC_LDO, "2.2", "Lettera di dimissione ospedaliera",
     "Lettera di Dimissione Ospedaliera",
     GEN_H_ENCOUNTER | GEN_H_INPATIENT | GEN_H_ENC_CODE | GEN_H_AUTHOR_ORG, "Ospedale", "DIS",
     "AAS", NULL, NULL, 18, 95, fse_gen__body_ldo},
    {FSE_CDA_DOC_SING_VACC, "1.0", "Immunization note", "Scheda della singola vaccinazione",
     GEN_H_AUTHOR_ORG, "Prevenzione", "ERP", "AAS", &vacc_specialty, NULL, 0, 90,
     fse_gen__body_sing_vacc},
    {FSE_CDA_DOC_CERT_VACC, "1.0", "Immunization summary report", "Certificato Vaccinale",
     GEN_H_AUTHOR_ORG, "Prevenzione", "ERP", "AAS", &vacc_specialty, NULL, 2, 90,
     fse_gen__body_cert_vacc},
    {FSE_CDA_DOC_PSS, "1.1", "Profilo Sanitario Sintetico", "Profilo Sanitario Sintetico",
     GEN_H_SERVICE | GEN_H_AUTHOR_ORG, "Territorio", "PHR", "APR", &pss_specialty, NULL, 1, 95,
     fse_gen__body_pss},
};

static const fse_doc_type order[] = {
    FSE_CDA_DOC_LAB,       FSE_CDA_DOC_RAD,       FSE_CDA_DOC_RSA, FSE_CDA_DOC_LDO,
    FSE_CDA_DOC_SING_VACC, FSE_CDA_DOC_CERT_VACC, FSE_CDA_DOC_PSS,
};

const gen_type *fse_gen__type(fse_doc_type type)
{
    size_t i;

    for (i = 0; i < COUNT(types); i++) {
        if (types[i].type == type) {
            return &types[i];
        }
    }
    return NULL;
}

const fse_doc_type *fse_gen_types(size_t *n_out)
{
    if (n_out != NULL) {
        *n_out = COUNT(order);
    }
    return order;
}

bool fse_gen_supports(fse_doc_type type)
{
    return fse_gen__type(type) != NULL;
}
