/*
 * lib/gen/gen_data.c - the Italian test identities of the generator: regions
 * with their Gateway codes, comuni with Belfiore (cadastral) and ISTAT codes,
 * first names with their gender, surnames, street names and the words
 * hospital names are made of.
 *
 * Owns these lists only. Clinical codes are in gen_codes.c; how they are
 * combined into people and facilities is gen_people.c and gen_build.c.
 */
#include "gen_int.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Region codes of gateway-api §2; inside OIDs the leading 0 is dropped. */
const gen_region fse_gen__regions[] = {
    {"010", "10", "Regione Piemonte"},
    {"020", "20", "Regione Valle d'Aosta"},
    {"030", "30", "Regione Lombardia"},
    {"041", "41", "P.A. Bolzano"},
    {"042", "42", "P.A. Trento"},
    {"050", "50", "Regione Veneto"},
    {"060", "60", "Regione Friuli Venezia Giulia"},
    {"070", "70", "Regione Liguria"},
    {"080", "80", "Regione Emilia-Romagna"},
    {"090", "90", "Regione Toscana"},
    {"100", "100", "Regione Umbria"},
    {"110", "110", "Regione Marche"},
    {"120", "120", "Regione Lazio"},
    {"130", "130", "Regione Abruzzo"},
    {"140", "140", "Regione Molise"},
    {"150", "150", "Regione Campania"},
    {"160", "160", "Regione Puglia"},
    {"170", "170", "Regione Basilicata"},
    {"180", "180", "Regione Calabria"},
    {"190", "190", "Regione Sicilia"},
    {"200", "200", "Regione Sardegna"},
};
const size_t fse_gen__n_regions = COUNT(fse_gen__regions);

/* Every region has at least one comune; region is an index into the table above. */
const gen_comune fse_gen__comuni[] = {
    {"Torino", "L219", "001272", "TO", "10121", 0},
    {"Novara", "F952", "003106", "NO", "28100", 0},
    {"Aosta", "A326", "007003", "AO", "11100", 1},
    {"Milano", "F205", "015146", "MI", "20121", 2},
    {"Bergamo", "A794", "016024", "BG", "24121", 2},
    {"Brescia", "B157", "017029", "BS", "25121", 2},
    {"Bolzano", "A952", "021008", "BZ", "39100", 3},
    {"Trento", "L378", "022205", "TN", "38122", 4},
    {"Venezia", "L736", "027042", "VE", "30121", 5},
    {"Verona", "L781", "023091", "VR", "37121", 5},
    {"Padova", "G224", "028060", "PD", "35121", 5},
    {"Trieste", "L424", "032006", "TS", "34121", 6},
    {"Udine", "L483", "030129", "UD", "33100", 6},
    {"Genova", "D969", "010025", "GE", "16121", 7},
    {"Bologna", "A944", "037006", "BO", "40121", 8},
    {"Modena", "F257", "036023", "MO", "41121", 8},
    {"Parma", "G337", "034027", "PR", "43121", 8},
    {"Firenze", "D612", "048017", "FI", "50122", 9},
    {"Pisa", "G702", "050026", "PI", "56121", 9},
    {"Perugia", "G478", "054039", "PG", "06121", 10},
    {"Ancona", "A271", "042002", "AN", "60121", 11},
    {"Roma", "H501", "058091", "RM", "00185", 12},
    {"Latina", "E472", "059011", "LT", "04100", 12},
    {"L'Aquila", "A345", "066049", "AQ", "67100", 13},
    {"Pescara", "G482", "068028", "PE", "65121", 13},
    {"Campobasso", "B519", "070006", "CB", "86100", 14},
    {"Napoli", "F839", "063049", "NA", "80133", 15},
    {"Salerno", "H703", "065116", "SA", "84121", 15},
    {"Bari", "A662", "072006", "BA", "70121", 16},
    {"Lecce", "E506", "075035", "LE", "73100", 16},
    {"Potenza", "G942", "076063", "PZ", "85100", 17},
    {"Catanzaro", "C352", "079023", "CZ", "88100", 18},
    {"Palermo", "G273", "082053", "PA", "90133", 19},
    {"Catania", "C351", "087015", "CT", "95121", 19},
    {"Cagliari", "B354", "092009", "CA", "09121", 20},
    {"Sassari", "I452", "090064", "SS", "07100", 20},
};
const size_t fse_gen__n_comuni = COUNT(fse_gen__comuni);

const gen_name fse_gen__first_names[] = {
    {"Marco", 'M'},     {"Giuseppe", 'M'},   {"Giovanni", 'M'},  {"Antonio", 'M'},
    {"Francesco", 'M'}, {"Alessandro", 'M'}, {"Luca", 'M'},      {"Andrea", 'M'},
    {"Matteo", 'M'},    {"Lorenzo", 'M'},    {"Davide", 'M'},    {"Stefano", 'M'},
    {"Paolo", 'M'},     {"Roberto", 'M'},    {"Salvatore", 'M'}, {"Vincenzo", 'M'},
    {"Pietro", 'M'},    {"Riccardo", 'M'},   {"Fabio", 'M'},     {"Emanuele", 'M'},
    {"Nicola", 'M'},    {"Federico", 'M'},   {"Tommaso", 'M'},   {"Carlo", 'M'},
    {"Maria", 'F'},     {"Anna", 'F'},       {"Giulia", 'F'},    {"Francesca", 'F'},
    {"Chiara", 'F'},    {"Sara", 'F'},       {"Laura", 'F'},     {"Valentina", 'F'},
    {"Elena", 'F'},     {"Alessia", 'F'},    {"Martina", 'F'},   {"Federica", 'F'},
    {"Silvia", 'F'},    {"Paola", 'F'},      {"Roberta", 'F'},   {"Giovanna", 'F'},
    {"Rosa", 'F'},      {"Angela", 'F'},     {"Teresa", 'F'},    {"Lucia", 'F'},
    {"Beatrice", 'F'},  {"Aurora", 'F'},     {"Serena", 'F'},    {"Ilaria", 'F'},
};
const size_t fse_gen__n_first_names = COUNT(fse_gen__first_names);

static const char *const surnames[] = {
    "Rossi",     "Russo",   "Ferrari",   "Esposito",   "Bianchi",    "Romano",     "Colombo",
    "Ricci",     "Marino",  "Greco",     "Bruno",      "Gallo",      "Conti",      "De Luca",
    "Mancini",   "Costa",   "Giordano",  "Rizzo",      "Lombardi",   "Moretti",    "Barbieri",
    "Fontana",   "Santoro", "Mariani",   "Rinaldi",    "Caruso",     "Ferrara",    "Galli",
    "Martini",   "Leone",   "Longo",     "Gentile",    "Martinelli", "Vitale",     "Lombardo",
    "Serra",     "Coppola", "De Santis", "D'Angelo",   "Marchetti",  "Parisi",     "Villa",
    "Conte",     "Ferraro", "Ferri",     "Fabbri",     "Bianco",     "Marini",     "Grasso",
    "Valentini", "Messina", "Sala",      "De Angelis", "Gatti",      "Pellegrini", "Palumbo",
    "Sanna",     "Farina",  "Rizzi",     "Monti",      "Cattaneo",   "Morelli",    "Amato",
    "Silvestri", "Mazza",   "Testa",     "Grassi",     "Pellegrino", "Carbone",    "Giuliani",
    "D'Amico",   "Orlando", "Piras",     "Fumagalli",  "Bernardi",   "Melis",      "Zanetti",
};
const gen_string_list fse_gen__surnames = {surnames, COUNT(surnames)};

static const char *const streets[] = {
    "Via Roma",
    "Via Garibaldi",
    "Via Mazzini",
    "Corso Italia",
    "Via Dante Alighieri",
    "Via Cavour",
    "Via Verdi",
    "Viale della Repubblica",
    "Via Marconi",
    "Via XX Settembre",
    "Piazza della Libertà",
    "Via Manzoni",
    "Via Leopardi",
    "Corso Vittorio Emanuele",
    "Via San Francesco",
    "Via dei Mille",
    "Via Gramsci",
    "Via Matteotti",
    "Viale Europa",
    "Via Carducci",
};
const gen_string_list fse_gen__streets = {streets, COUNT(streets)};

static const char *const saints[] = {
    "San Giovanni", "Santa Maria",   "San Camillo", "Sant'Anna",    "San Luca",
    "San Martino",  "Santo Spirito", "San Paolo",   "Santa Chiara", "San Raffaele",
    "San Giuseppe", "Sant'Andrea",   "San Carlo",   "Santa Croce",  "San Donato",
};
const gen_string_list fse_gen__saints = {saints, COUNT(saints)};

static const char *const facility_kinds[] = {
    "Ospedale",
    "Presidio Ospedaliero",
    "Azienda Ospedaliera",
    "Ospedale Civile",
};
const gen_string_list fse_gen__facility_kinds = {facility_kinds, COUNT(facility_kinds)};
