/*
 * lib/gen/gen_codes_lab.c - the laboratory catalogue of the generator:
 * specialty sections (LOINC codes of LAB schematron ERRORE-b1) and their
 * tests, each with its LOINC code (all present in LOINC 2.80 of the catalog's
 * terminology), UCUM unit, plausible range and adult reference interval, and
 * the HL7 SpecimenType of the sample.
 *
 * Owns these tables only; the LAB body builder is gen_body_lab.c.
 */
#include "gen_int.h"

#include <string.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const gen_lab_test chemistry[] = {
    {"2345-7", "Glucosio", "mg/dL", 65, 160, 70, 100, 0, "SER"},
    {"2160-0", "Creatinina", "mg/dL", 0.5, 1.8, 0.6, 1.2, 2, "SER"},
    {"3091-6", "Urea", "mg/dL", 12, 70, 15, 50, 0, "SER"},
    {"2093-3", "Colesterolo totale", "mg/dL", 130, 290, 0, 200, 0, "SER"},
    {"2085-9", "Colesterolo HDL", "mg/dL", 30, 90, 40, 90, 0, "SER"},
    {"2571-8", "Trigliceridi", "mg/dL", 45, 280, 0, 150, 0, "SER"},
    {"1742-6", "Alanina aminotransferasi (ALT)", "U/L", 8, 90, 7, 56, 0, "SER"},
    {"1920-8", "Aspartato aminotransferasi (AST)", "U/L", 8, 80, 5, 40, 0, "SER"},
    {"2324-2", "Gamma-glutamiltransferasi (GGT)", "U/L", 6, 110, 8, 61, 0, "SER"},
    {"1975-2", "Bilirubina totale", "mg/dL", 0.2, 2.0, 0.3, 1.2, 2, "SER"},
    {"2951-2", "Sodio", "mmol/L", 131, 149, 135, 145, 0, "SER"},
    {"2823-3", "Potassio", "mmol/L", 3.2, 5.6, 3.5, 5.1, 1, "SER"},
    {"17861-6", "Calcio", "mg/dL", 8.1, 10.9, 8.5, 10.5, 1, "SER"},
    {"1988-5", "Proteina C reattiva", "mg/L", 0.2, 35, 0, 5, 1, "SER"},
    {"3016-3", "Tireotropina (TSH)", "m[IU]/L", 0.2, 6.5, 0.4, 4.0, 2, "SER"},
    {"4548-4", "Emoglobina glicata (HbA1c)", "%", 4.2, 9.5, 4.0, 5.6, 1, "BLD"},
};

static const gen_lab_test hematology[] = {
    {"718-7", "Emoglobina", "g/dL", 10.5, 17.5, 12.0, 17.0, 1, "BLD"},
    {"6690-2", "Leucociti", "10*3/uL", 3.2, 13.5, 4.0, 10.0, 2, "BLD"},
    {"789-8", "Eritrociti", "10*6/uL", 3.8, 6.1, 4.2, 5.9, 2, "BLD"},
    {"777-3", "Piastrine", "10*3/uL", 120, 460, 150, 400, 0, "BLD"},
    {"4544-3", "Ematocrito", "%", 33, 52, 36, 50, 1, "BLD"},
    {"787-2", "Volume corpuscolare medio (MCV)", "fL", 76, 104, 80, 100, 1, "BLD"},
};

static const gen_lab_test coagulation[] = {
    {"5902-2", "Tempo di protrombina (PT)", "s", 10.5, 16, 11, 13.5, 1, "PLAS"},
    {"6301-6", "INR", "{INR}", 0.8, 3.2, 0.8, 1.2, 2, "PLAS"},
    {"3173-2", "Tempo di tromboplastina parziale attivata (aPTT)", "s", 23, 42, 25, 35, 1, "PLAS"},
    {"3255-7", "Fibrinogeno", "mg/dL", 170, 480, 200, 400, 0, "PLAS"},
};

static const gen_lab_test urinalysis[] = {
    {"5811-5", "Peso specifico urinario", "1", 1.003, 1.032, 1.005, 1.030, 3, "UR"},
    {"2756-5", "pH urinario", "[pH]", 4.8, 8.2, 5.0, 8.0, 1, "UR"},
    {"14957-5", "Microalbuminuria", "mg/L", 2, 45, 0, 20, 1, "UR"},
};

const gen_lab_section fse_gen__lab_sections[] = {
    {"18719-5", "Chimica clinica", chemistry, COUNT(chemistry)},
    {"18723-7", "Ematologia", hematology, COUNT(hematology)},
    {"18720-3", "Coagulazione", coagulation, COUNT(coagulation)},
    {"18729-4", "Esami delle urine", urinalysis, COUNT(urinalysis)},
};
const size_t fse_gen__n_lab_sections = COUNT(fse_gen__lab_sections);

static const gen_concept specimens[] = {
    {"SER", "Siero"},
    {"BLD", "Sangue intero"},
    {"PLAS", "Plasma"},
    {"UR", "Urine"},
};

const char *fse_gen__specimen_display(const char *code)
{
    size_t i;

    for (i = 0; i < COUNT(specimens); i++) {
        if (strcmp(specimens[i].code, code) == 0) {
            return specimens[i].display;
        }
    }
    return code;
}
