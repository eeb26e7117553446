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

/* ICD-9-CM (Italian 2007 edition) diagnoses with their Italian descriptions. */
const gen_concept fse_gen__diagnoses[] = {
    {"401.9", "Ipertensione essenziale non specificata"},
    {"250.00", "Diabete mellito tipo II senza menzione di complicazioni"},
    {"486", "Polmonite, agente non specificato"},
    {"428.0", "Insufficienza cardiaca congestizia non specificata"},
    {"496", "Ostruzioni croniche delle vie respiratorie"},
    {"272.4", "Altre e non specificate iperlipidemie"},
    {"427.31", "Fibrillazione atriale"},
    {"414.01", "Aterosclerosi coronarica di arteria coronarica nativa"},
    {"786.05", "Affanno"},
    {"786.2", "Tosse"},
    {"789.00", "Dolore addominale di sede non specificata"},
    {"784.0", "Cefalea"},
    {"715.96", "Artrosi del ginocchio"},
    {"724.2", "Lombalgia"},
    {"599.0", "Infezione del sistema urinario, sito non specificato"},
    {"585.3", "Malattia renale cronica, stadio III"},
    {"493.90", "Asma, tipo non specificato"},
    {"244.9", "Ipotiroidismo non specificato"},
    {"530.81", "Reflusso esofageo"},
};
const size_t fse_gen__n_diagnoses = COUNT(fse_gen__diagnoses);

/* Imaging procedures (LOINC 2.80 radiology codes) with a normal report. */
const gen_rad_exam fse_gen__rad_exams[] = {
    {"36643-5", "RX del torace in due proiezioni",
     "Non lesioni pleuroparenchimali in atto. Seni costofrenici liberi. Ombra cardiaca nei "
     "limiti per dimensioni. Ili vascolari regolari.",
     "Quadro radiografico del torace nei limiti della norma."},
    {"24648-8", "RX del torace PA in ortostatismo",
     "Campi polmonari normoespansi e normotrasparenti. Non versamento pleurico. Mediastino in asse.",
     "Non segni radiografici di patologia pleuroparenchimale in atto."},
    {"24627-2", "TC del torace",
     "Esame eseguito senza mezzo di contrasto. Non noduli polmonari sospetti. Non linfoadenopatie "
     "mediastiniche di significato patologico. Non versamento pleurico né pericardico.",
     "Non evidenza di lesioni polmonari focali."},
    {"24725-4", "TC del cranio",
     "Esame eseguito senza mezzo di contrasto. Sistema ventricolare in asse, di ampiezza regolare. "
     "Non aree di alterata densità parenchimale in atto. Strutture della linea mediana in asse.",
     "Non evidenza di lesioni emorragiche o ischemiche acute."},
    {"24590-2", "RM dell'encefalo",
     "Regolare il segnale della sostanza bianca e della sostanza grigia. Sistema ventricolare di "
     "normale morfologia e ampiezza. Non alterazioni di segnale in diffusione.",
     "Esame RM dell'encefalo nei limiti della norma per l'età."},
    {"24606-6", "Mammografia bilaterale di screening",
     "Mammelle a prevalente componente fibroghiandolare. Non opacità nodulari né "
     "microcalcificazioni sospette. Non distorsioni architetturali.",
     "Reperto mammografico negativo (BI-RADS 1)."},
    {"24605-8", "Mammografia diagnostica",
     "Struttura ghiandolare simmetrica. Non lesioni focali di natura sospetta. Cute e complesso "
     "areola-capezzolo nella norma.",
     "Non reperti mammografici di significato patologico (BI-RADS 1)."},
};
const size_t fse_gen__n_rad_exams = COUNT(fse_gen__rad_exams);
