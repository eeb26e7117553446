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
    {"AD_PSC008", "Cardiologia"},
    {"AD_PSC009", "Chirurgia generale"},
    {"AD_PSC019", "Malattie endocrine, del ricambio e della nutrizione"},
    {"AD_PSC021", "Geriatria"},
    {"AD_PSC026", "Medicina generale"},
    {"AD_PSC029", "Nefrologia"},
    {"AD_PSC032", "Neurologia"},
    {"AD_PSC036", "Ortopedia e traumatologia"},
    {"AD_PSC043", "Urologia"},
    {"AD_PSC052", "Dermatologia"},
    {"AD_PSC058", "Gastroenterologia"},
    {"AD_PSC068", "Pneumologia"},
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
     "Campi polmonari normoespansi e normotrasparenti. Non versamento pleurico. Mediastino in "
     "asse.",
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

/* Medicines: ATC (WHO), AIC package code, name as prescribed, substance, dose. */
const gen_drug fse_gen__drugs[] = {
    {"N02BE01", "012745028", "Tachipirina 500 mg compresse", "paracetamolo",
     "1 compressa al bisogno, fino a 3 volte al giorno"},
    {"B01AC06", "024840074", "Cardioaspirin 100 mg compresse", "acido acetilsalicilico",
     "1 compressa al giorno dopo pranzo"},
    {"C09AA05", "036905040", "Ramipril 2,5 mg compresse", "ramipril", "1 compressa al mattino"},
    {"C10AA05", "039996032", "Atorvastatina 10 mg compresse", "atorvastatina",
     "1 compressa la sera"},
    {"A10BA02", "035195205", "Metformina 500 mg compresse", "metformina",
     "1 compressa due volte al giorno ai pasti"},
    {"A02BC01", "037176029", "Omeprazolo 20 mg capsule", "omeprazolo",
     "1 capsula al mattino a digiuno"},
    {"C08CA01", "037319011", "Amlodipina 5 mg compresse", "amlodipina", "1 compressa al giorno"},
    {"C07AB07", "037130046", "Bisoprololo 5 mg compresse", "bisoprololo", "1 compressa al mattino"},
    {"H03AA01", "040619049", "Levotiroxina 25 mcg compresse", "levotiroxina sodica",
     "1 compressa al mattino a digiuno"},
    {"A02BC02", "038139034", "Pantoprazolo 20 mg compresse", "pantoprazolo",
     "1 compressa al giorno prima di colazione"},
    {"J01CA04", "028964043", "Amoxicillina 1 g compresse", "amoxicillina",
     "1 compressa ogni 12 ore per 6 giorni"},
    {"R03AC02", "039221015", "Salbutamolo 100 mcg sospensione pressurizzata per inalazione",
     "salbutamolo", "2 inalazioni al bisogno"},
};
const size_t fse_gen__n_drugs = COUNT(fse_gen__drugs);

/* Vaccines: ATC, its Italian display, AIC of the product, target disease,
 * doses of the primary cycle, ages (years) the product is given at. */
const gen_vaccine fse_gen__vaccines[] = {
    {"J07CA09", "Difterite-Hemophilus influenzae B-pertosse-poliomielite-tetano-epatite B",
     "034960056", "Infanrix Hexa", "Difterite, tetano, pertosse, poliomielite, Hib, epatite B", 3,
     0, 1, "02 37 29 33 10 06"},
    {"J07BD52", "Morbillo, associazioni con parotite e rosolia, vivo attenuato", "034199075",
     "Priorix", "Morbillo, parotite, rosolia", 2, 1, 12, "23 28 35"},
    {"J07BD54", "Vaccino morbillo, parotite, rosolia e varicella, vivo attenuato", "036893105",
     "ProQuad", "Morbillo, parotite, rosolia, varicella", 2, 1, 12, "23 28 35 40"},
    {"J07AJ52", "Pertosse, antigene purificato, associazioni con tossoidi", "034813117", "Boostrix",
     "Difterite, tetano, pertosse", 1, 6, 90, "02 37 29"},
    {"J07BM01", "Papillomavirus (umano tipi 6, 11, 16, 18)", "037311077", "Gardasil",
     "Papillomavirus umano", 2, 11, 26, "27"},
    {"J07BC01", "Vaccino epatitico B, antigene purificato", "026653042", "Engerix-B", "Epatite B",
     3, 16, 70, "06"},
    {"J07BN01", "COVID-19, vaccino a RNA", "049269018", "Comirnaty", "COVID-19", 1, 12, 95, "44"},
    {"J07AL02", "Vaccino pneumococcico", "039550025", "Prevenar 13", "Infezioni da pneumococco", 1,
     65, 95, "31"},
    {"J07BB02", "Influenza, antigene purificato", "026032375", "Vaxigrip", "Influenza", 1, 3, 95,
     "13"},
    {"J07AH08", "Vaccino antimeningococcico (A, C, Y e W135)", "042040016", "Nimenrix",
     "Meningite da meningococco A, C, Y, W135", 1, 1, 60, "17"},
};
const size_t fse_gen__n_vaccines = COUNT(fse_gen__vaccines);

static const gen_concept vaccine_targets[] = {
    {"02", "Difterite"},
    {"06", "Epatite B"},
    {"10", "Haemophilus Influenzae B Coniugato"},
    {"13", "Influenza Trivalente Inattivato"},
    {"17", "Meningococco Gruppi ACW135Y Coniugati"},
    {"23", "Morbillo"},
    {"27", "Papillomavirus Umano (Tipi 6, 11, 16, 18)"},
    {"28", "Parotite"},
    {"29", "Pertosse"},
    {"31", "Pneumococco Polisaccarido Coniugato"},
    {"33", "Poliomielite IPV"},
    {"35", "Rosolia"},
    {"37", "Tetano"},
    {"40", "Varicella"},
    {"44", "Covid 19"},
};

const char *fse_gen__vaccine_target(const char *code)
{
    size_t i;

    for (i = 0; i < COUNT(vaccine_targets); i++) {
        if (vaccine_targets[i].code[0] == code[0] && vaccine_targets[i].code[1] == code[1]) {
            return vaccine_targets[i].code;
        }
    }
    return NULL;
}

const char *fse_gen__vaccine_target_name(const char *code)
{
    size_t i;

    for (i = 0; i < COUNT(vaccine_targets); i++) {
        if (vaccine_targets[i].code[0] == code[0] && vaccine_targets[i].code[1] == code[1]) {
            return vaccine_targets[i].display;
        }
    }
    return code;
}
