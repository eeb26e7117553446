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
static const gen_specialty rap_specialty = {"AD_PSC003", "Anatomia e istologia patologica"};
static const gen_specialty vps_specialty = {"AD_PSC051",
                                            "Medicina e chirurgia d'accettazione e d'urgenza"};

static const gen_coded rad_access = {"RAD_PROG", "2.16.840.1.113883.2.9.5.1.4", NULL,
                                     "Accesso Programmato (Radiologia)"};

static const gen_coded scheduled_access = {"PROG", "2.16.840.1.113883.2.9.5.1.4", NULL,
                                           "Accesso Programmato"};

static const gen_coded inpatient_encounter = {"IMP", GEN_OID_ACTCODE, "HL7 ActCode",
                                              "Ricovero ospedaliero"};

static const gen_coded emergency_encounter = {"EMER", GEN_OID_ACTCODE, "HL7 ActCode",
                                              "Accesso in pronto soccorso"};

static const gen_type types[] = {
    {
        .type = FSE_CDA_DOC_LAB,
        .template_ext = "1.3",
        .loinc_display = "Referto di laboratorio",
        .title = "Referto di Laboratorio",
        .header = GEN_H_ORDER | GEN_H_SERVICE | GEN_H_ENCOUNTER | GEN_H_REFERRER,
        .tipologia = "Ospedale",
        .attivita = "ERP",
        .subject_role = "AAS",
        .fixed_specialty = &lab_specialty,
        .min_age = 1,
        .max_age = 95,
        .body = fse_gen__body_lab,
    },
    {
        .type = FSE_CDA_DOC_RAD,
        .template_ext = "1.2",
        .loinc_display = "Referto radiologico",
        .title = "Referto di Radiologia",
        .header = GEN_H_ORDER | GEN_H_SERVICE | GEN_H_ENCOUNTER | GEN_H_REFERRER | GEN_H_LOCAL_ID,
        .tipologia = "Ospedale",
        .attivita = "ERP",
        .subject_role = "AAS",
        .fixed_specialty = &rad_specialty,
        .service_code = &rad_access,
        .min_age = 5,
        .max_age = 95,
        .body = fse_gen__body_rad,
    },
    {
        .type = FSE_CDA_DOC_RSA,
        .template_ext = "1.2",
        .loinc_display = "Nota di consulto",
        .title = "Referto di Specialistica Ambulatoriale",
        .header = GEN_H_ORDER | GEN_H_SERVICE | GEN_H_ENCOUNTER | GEN_H_REFERRER,
        .tipologia = "Ospedale",
        .attivita = "ERP",
        .subject_role = "AAS",
        .service_code = &scheduled_access,
        .min_age = 18,
        .max_age = 95,
        .body = fse_gen__body_rsa,
    },
    {
        .type = FSE_CDA_DOC_LDO,
        .template_ext = "2.2",
        .loinc_display = "Lettera di dimissione ospedaliera",
        .title = "Lettera di Dimissione Ospedaliera",
        .header = GEN_H_ENCOUNTER | GEN_H_INPATIENT | GEN_H_AUTHOR_ORG,
        .tipologia = "Ospedale",
        .attivita = "DIS",
        .subject_role = "AAS",
        .encounter_code = &inpatient_encounter,
        .min_age = 18,
        .max_age = 95,
        .body = fse_gen__body_ldo,
    },
    {
        .type = FSE_CDA_DOC_SING_VACC,
        .template_ext = "1.0",
        .loinc_display = "Immunization note",
        .title = "Scheda della singola vaccinazione",
        .header = GEN_H_AUTHOR_ORG,
        .tipologia = "Prevenzione",
        .attivita = "ERP",
        .subject_role = "AAS",
        .fixed_specialty = &vacc_specialty,
        .min_age = 0,
        .max_age = 90,
        .body = fse_gen__body_sing_vacc,
    },
    {
        .type = FSE_CDA_DOC_CERT_VACC,
        .template_ext = "1.0",
        .loinc_display = "Immunization summary report",
        .title = "Certificato Vaccinale",
        .header = GEN_H_AUTHOR_ORG,
        .tipologia = "Prevenzione",
        .attivita = "ERP",
        .subject_role = "AAS",
        .fixed_specialty = &vacc_specialty,
        .min_age = 2,
        .max_age = 90,
        .body = fse_gen__body_cert_vacc,
    },
    {
        .type = FSE_CDA_DOC_PSS,
        .template_ext = "1.1",
        .loinc_display = "Profilo Sanitario Sintetico",
        .title = "Profilo Sanitario Sintetico",
        .header = GEN_H_SERVICE | GEN_H_AUTHOR_ORG,
        .tipologia = "Territorio",
        .attivita = "PHR",
        .subject_role = "APR",
        .fixed_specialty = &pss_specialty,
        .min_age = 1,
        .max_age = 95,
        .body = fse_gen__body_pss,
    },
    {
        /* RAP W001: displayName 'Pathology study'. */
        .type = FSE_CDA_DOC_RAP,
        .template_ext = "1.3",
        .loinc_display = "Pathology study",
        .title = "Referto di Anatomia Patologica",
        .header = GEN_H_ORDER | GEN_H_SERVICE | GEN_H_ENCOUNTER | GEN_H_REFERRER,
        .tipologia = "Ospedale",
        .attivita = "ERP",
        .subject_role = "AAS",
        .fixed_specialty = &rap_specialty,
        .min_age = 18,
        .max_age = 90,
        .body = fse_gen__body_rap,
    },
    {
        /* VPS W001: displayName 'Verbale di Pronto Soccorso'. */
        .type = FSE_CDA_DOC_VPS,
        .template_ext = "1.1",
        .loinc_display = "Verbale di Pronto Soccorso",
        .title = "Verbale di Pronto Soccorso",
        .header = GEN_H_ENCOUNTER | GEN_H_EMERGENCY | GEN_H_AUTHOR_ORG,
        .tipologia = "Ospedale",
        .attivita = "ERP",
        .subject_role = "AAS",
        .fixed_specialty = &vps_specialty,
        .encounter_code = &emergency_encounter,
        .min_age = 1,
        .max_age = 95,
        .body = fse_gen__body_vps,
    },
};

static const fse_doc_type order[] = {
    FSE_CDA_DOC_LAB,       FSE_CDA_DOC_RAD, FSE_CDA_DOC_RSA, FSE_CDA_DOC_LDO, FSE_CDA_DOC_SING_VACC,
    FSE_CDA_DOC_CERT_VACC, FSE_CDA_DOC_PSS, FSE_CDA_DOC_RAP, FSE_CDA_DOC_VPS,
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
