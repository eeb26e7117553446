/*
 * lib/gen/gen_codes_rap.c - the pathology cases of the generator: specimen,
 * sampling procedure and body site (SNOMED CT), clinical question and final
 * diagnosis (ICD-9-CM, every code present in the catalog's terminology),
 * gross and microscopic findings in Italian, the ICD-O-3 morphology of
 * tumours and whether the margins are reported.
 *
 * Owns this table only; the report built from it is gen_body_rap.c.
 */
#include "gen_int.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

const gen_path_case fse_gen__path_cases[] = {
    {"Agobiopsia mammaria (core biopsy)",
     {"86273004", "Biopsia"},
     {"76752008", "Mammella"},
     'F',
     {"611.72", "Gonfiore o massa nella mammella"},
     {"217", "Tumori benigni della mammella"},
     "Tre frustoli cilindrici di tessuto biancastro, di lunghezza compresa tra 0,8 e 1,5 cm. "
     "Inclusi in toto.",
     "Proliferazione bifasica con componente stromale fibrosa e strutture duttali compresse, "
     "prive di atipie. Quadro di fibroadenoma.",
     NULL,
     false},
    {"Polipo del colon asportato in corso di colonscopia",
     {"65801008", "Escissione"},
     {"71854001", "Colon"},
     0,
     {"211.3", "Tumori benigni del colon"},
     {"211.3", "Tumori benigni del colon"},
     "Formazione polipoide peduncolata di 1,2 cm di diametro massimo. Sezionata e inclusa in toto.",
     "Adenoma tubulare con displasia epiteliale di basso grado. Peduncolo indenne.",
     NULL,
     true},
    {"Escissione di lesione cutanea pigmentata del dorso",
     {"65801008", "Escissione"},
     {"39937001", "Cute"},
     0,
     {"238.2", "Tumori di comportamento incerto della cute"},
     {"216.5", "Tumori benigni della cute del tronco, eccetto lo scroto"},
     "Losanga cutanea di 1,8 x 0,7 cm con lesione pigmentata centrale di 0,5 cm.",
     "Nevo melanocitico composto, senza atipie citologiche ne' architetturali.",
     NULL,
     true},
    {"Escissione di lesione cutanea ulcerata del tronco",
     {"65801008", "Escissione"},
     {"39937001", "Cute"},
     0,
     {"238.2", "Tumori di comportamento incerto della cute"},
     {"173.5", "Altri tumori maligni della cute del tronco, eccetto lo scroto"},
     "Losanga cutanea di 2,1 x 1,0 cm con lesione perlacea, ulcerata al centro, di 0,8 cm.",
     "Proliferazione di nidi di cellule basaloidi con palizzata periferica e retrazione "
     "stromale. Carcinoma basocellulare di tipo nodulare.",
     "Carcinoma basocellulare nodulare (ICD-O-3 8097/3)",
     true},
    {"Biopsie gastriche in corso di esofagogastroduodenoscopia",
     {"86273004", "Biopsia"},
     {"69695003", "Stomaco"},
     0,
     {"536.8", "Dispepsia e altri disturbi specificati della funzione gastrica"},
     {"535.10", "Gastrite atrofica senza menzione di emorragia"},
     "Quattro frammenti di mucosa gastrica di 0,2-0,4 cm. Inclusi in toto.",
     "Mucosa antrale con atrofia ghiandolare e metaplasia intestinale focale, infiltrato "
     "linfoplasmacellulare moderato della lamina propria.",
     NULL,
     false},
    {"Appendice vermiforme (appendicectomia)",
     {"80146002", "Appendicectomia"},
     {"66754008", "Appendice"},
     0,
     {"789.03", "Dolore addominale del quadrante inferiore destro"},
     {"540.9", "Appendicite acuta senza menzione di peritonite, perforazione o rottura"},
     "Appendice di 6,5 cm di lunghezza e 0,9 cm di diametro, sierosa opaca e iperemica.",
     "Infiltrato neutrofilo transmurale con ulcerazioni della mucosa. Appendicite acuta "
     "flemmonosa.",
     NULL,
     false},
    {"Colecisti (colecistectomia)",
     {"38102005", "Colecistectomia"},
     {"28231008", "Colecisti"},
     0,
     {"574.20", "Calcolosi della colecisti senza menzione di colecistite"},
     {"574.10", "Calcolosi della colecisti con altra colecistite, senza menzione di ostruzione"},
     "Colecisti di 8 x 3 cm, parete ispessita fino a 0,4 cm. Nel lume numerosi calcoli "
     "giallo-verdastri.",
     "Parete colecistica con fibrosi, infiltrato infiammatorio cronico e seni di "
     "Rokitansky-Aschoff. Colecistite cronica litiasica.",
     NULL,
     false},
    {"Agobiopsie prostatiche ecoguidate",
     {"86273004", "Biopsia"},
     {"41216001", "Prostata"},
     'M',
     {"790.93", "Valori elevati degli antigeni prostatici specifici (PSA)"},
     {"600.00", "Ipertrofia prostatica benigna senza ostruzione urinaria"},
     "Dodici frustoli cilindrici di tessuto biancastro, inviati in contenitori separati per "
     "sede, di lunghezza compresa tra 0,9 e 1,6 cm.",
     "Tessuto prostatico con iperplasia ghiandolare e stromale e focolai di prostatite cronica. "
     "Assenza di neoplasia nei frustoli esaminati.",
     NULL,
     false},
};
const size_t fse_gen__n_path_cases = COUNT(fse_gen__path_cases);
