/*
 * lib/gen/gen_codes_vps.c - the emergency presentations of the generator:
 * main problem (ProblemaPrincipale_VPS, 2.16.840.1.113883.2.9.6.1.54.2), the
 * reason in the patient's words, the ICD-9-CM discharge diagnosis (every
 * code present in the catalog's terminology), the triage codes the case gets,
 * the findings, the course in the emergency department and the chance of
 * admission.
 *
 * Owns this table only; the report built from it is gen_body_vps.c.
 */
#include "gen_int.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

const gen_er_case fse_gen__er_cases[] = {
    {{"05", "Dolore toracico"},
     "Dolore toracico oppressivo insorto a riposo.",
     {"786.59", "Altro dolore toracico"},
     2,
     3,
     "Paziente vigile e orientato. Toni cardiaci validi, ritmici, pause libere. Murmure "
     "vescicolare presente su tutto l'ambito. Polsi periferici presenti e simmetrici.",
     "ECG seriati senza alterazioni ischemiche acute, troponina ad alta sensibilita' negativa "
     "ai due prelievi. Remissione del dolore dopo terapia.",
     20},
    {{"04", "Dolore addominale"},
     "Dolore addominale diffuso con nausea.",
     {"789.00", "Dolore addominale di sede non specificata"},
     3,
     4,
     "Addome trattabile, dolente alla palpazione profonda in sede periombelicale, Blumberg "
     "negativo, peristalsi presente.",
     "Esami ematochimici nei limiti, ecografia addominale senza reperti patologici. "
     "Miglioramento della sintomatologia dopo terapia.",
     10},
    {{"10", "Trauma"},
     "Caduta accidentale in casa con trauma cranico minore.",
     {"959.01", "Traumatismo della testa, non specificato"},
     3,
     4,
     "Paziente vigile, GCS 15. Escoriazione in regione frontale. Non deficit neurologici "
     "focali, pupille isocoriche e isocicliche.",
     "TC del cranio senza evidenza di lesioni emorragiche acute. Osservazione clinica senza "
     "eventi.",
     5},
    {{"10", "Trauma"},
     "Ferita lacero-contusa della fronte dopo urto accidentale.",
     {"873.42", "Altre ferite della fronte, senza menzione di complicazioni"},
     4,
     5,
     "Ferita lacero-contusa frontale di circa 3 cm a margini regolari, non sanguinante. "
     "Esame neurologico negativo.",
     "Detersione e sutura della ferita con 4 punti. Verificata la copertura antitetanica.",
     0},
    {{"10", "Trauma"},
     "Distorsione della caviglia destra durante attivita' sportiva.",
     {"845.00", "Distorsione e distrazione di sito non specificato della caviglia"},
     4,
     5,
     "Tumefazione ed ecchimosi perimalleolare esterna, dolore alla digitopressione del "
     "legamento peroneo-astragalico anteriore. Carico possibile.",
     "Radiografia della caviglia negativa per fratture. Bendaggio funzionale e ghiaccio.",
     0},
    {{"10", "Trauma"},
     "Caduta sulla mano destra in iperestensione.",
     {"813.41", "Frattura di Colles"},
     3,
     4,
     "Deformita' a dorso di forchetta del polso destro, dolore e impotenza funzionale. "
     "Polso radiale presente, sensibilita' conservata.",
     "Radiografia del polso: frattura dell'epifisi distale del radio. Riduzione e "
     "apparecchio gessato antibrachiometacarpale.",
     15},
    {{"06", "Dispnea"},
     "Affanno ingravescente da alcuni giorni.",
     {"786.05", "Affanno"},
     2,
     3,
     "Paziente tachipnoico, SpO2 in aria ambiente ridotta. Rantoli crepitanti bibasali, "
     "edemi declivi agli arti inferiori.",
     "Emogasanalisi, radiografia del torace ed ecocardiogramma eseguiti. Ossigenoterapia e "
     "diuretico endovena con miglioramento della dispnea.",
     60},
    {{"12", "Febbre"},
     "Febbre con brividi e bruciore minzionale.",
     {"599.0", "Infezione del sistema urinario, sito non specificato"},
     3,
     4,
     "Paziente febbrile, Giordano positivo a destra, addome trattabile.",
     "Esame urine e urinocoltura eseguiti, indici di flogosi aumentati. Avviata terapia "
     "antibiotica.",
     25},
    {{"14", "Alterazioni del ritmo"},
     "Cardiopalmo insorto da alcune ore.",
     {"427.31", "Fibrillazione atriale"},
     2,
     3,
     "Toni cardiaci aritmici, tachicardici. Non segni di scompenso.",
     "ECG: fibrillazione atriale ad elevata risposta ventricolare. Controllo della frequenza "
     "con terapia endovena e avvio della terapia anticoagulante.",
     40},
    {{"15", "Ipertensione arteriosa"},
     "Cefalea e valori pressori elevati misurati a domicilio.",
     {"401.9", "Ipertensione essenziale non specificata"},
     3,
     4,
     "Paziente vigile, non deficit neurologici. Valori pressori elevati alla misurazione "
     "ripetuta, toni cardiaci validi.",
     "Terapia antipertensiva per os con progressiva riduzione dei valori pressori. ECG nei "
     "limiti.",
     5},
    {{"03", "Altri sintomi sistema nervoso"},
     "Perdita di coscienza transitoria in posizione eretta.",
     {"780.2", "Sincope e collasso"},
     2,
     3,
     "Paziente vigile e orientato, non deficit neurologici focali. Non segni di trauma. "
     "Ipotensione ortostatica alla prova attiva.",
     "ECG e monitoraggio telemetrico senza aritmie, esami ematochimici nei limiti. Idratazione "
     "endovena.",
     20},
    {{"29", "Pneumologia/ Patologia Respiratoria"},
     "Crisi asmatica non responsiva alla terapia domiciliare.",
     {"493.92", "Asma, tipo non specificato; con riacutizzazione"},
     2,
     3,
     "Sibili espiratori diffusi, espirio prolungato, uso dei muscoli accessori.",
     "Aerosol con broncodilatatori e corticosteroide sistemico con risoluzione del "
     "broncospasmo.",
     15},
};
const size_t fse_gen__n_er_cases = COUNT(fse_gen__er_cases);
