/*
 * lib/gen/gen_codes.c - clinical code lists of the generator other than the
 * laboratory catalogue: medical specialties (AD_PSC codes of requestBody
 * assettoOrganizzativo), ICD-9-CM diagnoses, medicines (ATC and AIC) and
 * vaccines. Every LOINC, ICD-9-CM and AIC code here is present in the
 * catalog's terminology; ATC codes are in the catalog's ATC list (the
 * terminology allow-lists ATC).
 *
 * Owns these tables only.
 */
#include "gen_int.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

const gen_specialty fse_gen__specialties[] = {
    {"AD_PSC008", "Cardiologia"},      {"AD_PSC009", "Chirurgia generale"},
    {"AD_PSC019", "Malattie endocrine, del ricambio e della nutrizione"},
    {"AD_PSC021", "Geriatria"},        {"AD_PSC026", "Medicina generale"},
    {"AD_PSC029", "Nefrologia"},       {"AD_PSC032", "Neurologia"},
    {"AD_PSC036", "Ortopedia e traumatologia"},
    {"AD_PSC043", "Urologia"},         {"AD_PSC052", "Dermatologia"},
    {"AD_PSC058", "Gastroenterologia"}, {"AD_PSC068", "Pneumologia"},
};
const size_t fse_gen__n_specialties = COUNT(fse_gen__specialties);
