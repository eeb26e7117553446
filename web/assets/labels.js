// web/assets/labels.js - Italian names of the codes the node answers with:
// document types (LOINC), roles, purposes, audit actions and consents.

export const DOC_TYPES = {
  '11502-2': 'Referto di laboratorio',
  '68604-8': 'Referto di radiologia',
  '11488-4': 'Referto specialistico',
  '11526-1': 'Referto di anatomia patologica',
  '59258-4': 'Verbale di pronto soccorso',
  '34105-7': 'Lettera di dimissione ospedaliera',
  '18842-5': 'Lettera di dimissione non ospedaliera',
  '60591-5': 'Profilo sanitario sintetico',
  '100971-1': 'Cartella clinica',
  '57833-6': 'Prescrizione farmaceutica',
  '57832-8': 'Prescrizione specialistica',
  '60593-1': 'Erogazione farmaci',
  '29304-3': 'Erogazione farmaceutica',
  '87273-9': 'Scheda della singola vaccinazione',
  '82593-5': 'Certificato vaccinale',
  '81223-0': 'Erogazione specialistica',
  '101881-1': 'Tessera portatore di impianto',
  '108278-7': 'Invito allo screening',
  '108276-7': 'Invito allo screening',
  '75496-0': 'Referto di televisita',
  '85208-7': 'Referto di teleconsulto',
};

export const ROLES = {
  ASS: 'Assistito',
  TUT: 'Tutore',
  GEN: 'Genitore',
  ING: 'Delegato',
  APR: 'Medico di medicina generale / pediatra',
  AAS: 'Medico della struttura',
  DRS: 'Dirigente sanitario',
  RSA: 'Medico RSA',
  MRP: 'Medico',
  INF: 'Infermiere',
  FAR: 'Farmacista',
  OAM: 'Operatore amministrativo',
  OGC: 'Operatore di sportello',
};

export const PURPOSES = {
  PERSONAL: 'Consultazione personale',
  TREATMENT: 'Cura',
  EMERGENCY: 'Emergenza',
  PUBEMERGENCY: 'Profilassi internazionale',
  UPDATE: 'Aggiornamento',
  ADMINISTRATIVE: 'Amministrativa',
};

export const ACTIONS = {
  SEARCH: 'Ricerca dei documenti',
  READ: 'Lettura dei dati di un documento',
  BINARY: 'Apertura di un documento',
  PATIENT_SEARCH: 'Ricerca dell\'assistito',
  PATIENT_READ: 'Lettura dell\'anagrafica',
  SUMMARY: 'Lettura del profilo sanitario',
  LOG_READ: 'Lettura del registro degli accessi',
  CONSENT: 'Modifica di un consenso',
  CONSENT_READ: 'Lettura dei consensi',
  VISIBILITY: 'Oscuramento o visibilità di un documento',
  DELEGATE: 'Nuova delega',
  DELEGATE_END: 'Fine di una delega',
  DELEGATE_READ: 'Lettura delle deleghe',
  NOTIFY_READ: 'Lettura delle notifiche',
  NOTIFY_SET: 'Impostazione delle notifiche',
  CARE_DECLARATION: 'Dichiarazione di presa in carico',
  EMERGENCY_ACCESS: 'Accesso in emergenza',
  REGISTRY: 'Aggiornamento dell\'anagrafe',
  CREATE: 'Pubblicazione di un documento',
  VALIDATION: 'Validazione di un documento',
  REPLACE: 'Sostituzione di un documento',
  UPDATE: 'Aggiornamento dei metadati',
  DELETE: 'Cancellazione di un documento',
  TACCUINO_READ: 'Lettura del taccuino',
  TACCUINO_ADD: 'Nuova nota nel taccuino',
  TACCUINO_FILE: 'Apertura di un allegato del taccuino',
  TACCUINO_DELETE: 'Eliminazione di una nota del taccuino',
};

export const CONSENTS = [
  { purpose: 'cura', label: 'Consultazione per finalità di cura',
    help: 'I professionisti che ti hanno in cura possono consultare i tuoi documenti.' },
  { purpose: 'prevenzione-regione', label: 'Prevenzione (Regione)',
    help: 'Uso dei dati per la prevenzione da parte della Regione.' },
  { purpose: 'prevenzione-ministero', label: 'Prevenzione (Ministero)',
    help: 'Uso dei dati per la prevenzione da parte del Ministero della Salute.' },
  { purpose: 'profilassi', label: 'Profilassi internazionale',
    help: 'Consultazione per la profilassi internazionale.' },
];

export function label(table, code) {
  return (code && table[code]) || code || '';
}

// The facility name of an XON ("Ospedale X^^^^^&oid&ISO^^^^id").
export function facilityName(xon) {
  return xon ? xon.split('^')[0] : '';
}

// The identifier part of a CX person id ("CF^^^&oid&ISO").
export function personId(cx) {
  return cx ? cx.split('^')[0] : '';
}

// The LOINC of a DocumentReference, its author CF and facility.
export function docType(d) {
  const c = d.type && d.type.coding && d.type.coding[0];
  return c ? c.code : '';
}

export function docTypeName(d) {
  return label(DOC_TYPES, docType(d)) || d.description || 'Documento';
}

export function docAuthor(d) {
  for (const a of d.author || []) {
    if (a.type === 'Practitioner' && a.identifier) return a.identifier.value;
  }
  return '';
}

export function docFacility(d) {
  for (const a of d.author || []) {
    if (a.type === 'Organization') return facilityName(a.display || '');
  }
  const f = d.context && d.context.facilityType && d.context.facilityType.coding;
  return f && f[0] ? f[0].code : '';
}

export function docObscured(d) {
  return !!(d.meta && (d.meta.tag || []).some((t) => t.code === 'oscurato'));
}
