// web/assets/documents.js - the views of a patient's documents shared by
// the citizen portal and the clinician view: the list with its filters
// (type, period), one document (the PDF inline, the CDA's sections, the
// download) and the patient summary (Profilo Sanitario Sintetico).

import { ApiError, apiText, findPatient, patientSummary, readDocument, searchDocuments } from './api.js?v=1';
import { renderCda } from './cda.js?v=1';
import { DOC_TYPES, docAuthor, docFacility, docObscured, docType, docTypeName, label } from './labels.js?v=1';
import { alertBox, el, fmtDate } from './ui.js?v=1';

function typeOptions(selected) {
  const opts = [el('option', { value: '' }, 'Tutti i tipi')];
  const seen = new Set();
  for (const [code, name] of Object.entries(DOC_TYPES)) {
    if (seen.has(name)) continue;
    seen.add(name);
    opts.push(el('option', { value: code, selected: code === selected }, name));
  }
  return opts;
}

// The filter form; onApply({type, from, to}).
export function filterForm(current, onApply) {
  const type = el('select', { id: 'filtro-tipo', name: 'tipo' }, typeOptions(current.type));
  const from = el('input', { type: 'date', id: 'filtro-dal', name: 'dal', value: current.from || '' });
  const to = el('input', { type: 'date', id: 'filtro-al', name: 'al', value: current.to || '' });
  const form = el('form', { class: 'filters', 'aria-label': 'Filtra i documenti' },
    el('div', { class: 'field' }, el('label', { for: 'filtro-tipo' }, 'Tipo di documento'), type),
    el('div', { class: 'field' }, el('label', { for: 'filtro-dal' }, 'Dal'), from),
    el('div', { class: 'field' }, el('label', { for: 'filtro-al' }, 'Al'), to),
    el('div', { class: 'form-actions' },
      el('button', { type: 'submit', class: 'btn' }, 'Applica filtri'),
      el('button', { type: 'reset', class: 'btn btn-secondary' }, 'Azzera')));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    onApply({ type: type.value, from: from.value, to: to.value });
  });
  form.addEventListener('reset', () => {
    window.setTimeout(() => onApply({ type: '', from: '', to: '' }), 0);
  });
  return form;
}

// The table of documents. opts: {docHref(id), onToggle(doc) (obscure or
// show again; absent: no button)}.
export function documentTable(docs, opts) {
  if (docs.length === 0) {
    return el('p', { class: 'empty', id: 'nessun-documento' }, opts.emptyText || 'Nessun documento.');
  }
  const rows = docs.map((d) => {
    const obscured = docObscured(d);
    const actions = el('div', { class: 'row-actions' },
      el('a', { class: 'btn btn-small', href: opts.docHref(d.id),
        'aria-label': `Apri ${docTypeName(d)} del ${fmtDate(d.date)}` }, 'Apri'),
      el('a', { class: 'btn btn-small btn-secondary', href: `/fhir/Binary/${d.id}`,
        download: `${docType(d) || 'documento'}-${d.id.slice(0, 8)}.pdf`,
        'aria-label': `Scarica il PDF di ${docTypeName(d)} del ${fmtDate(d.date)}` }, 'Scarica'));
    if (opts.onToggle) {
      const b = el('button', { type: 'button', class: 'btn btn-small btn-secondary',
        'data-azione': obscured ? 'mostra' : 'oscura',
        'aria-label': `${obscured ? 'Rendi di nuovo visibile' : 'Oscura'} ${docTypeName(d)} del ${fmtDate(d.date)}` },
      obscured ? 'Rendi visibile' : 'Oscura');
      b.addEventListener('click', async () => {
        b.disabled = true;
        try { await opts.onToggle(d, !obscured); } finally { if (b.isConnected) b.disabled = false; }
      });
      actions.appendChild(b);
    }
    return el('tr', { 'data-id': d.id, 'data-tipo': docType(d) },
      el('th', { scope: 'row' }, docTypeName(d)),
      el('td', {}, el('time', { datetime: d.date || '' }, fmtDate(d.date))),
      el('td', { class: 'hide-small' }, docAuthor(d)),
      el('td', {}, docFacility(d)),
      el('td', {}, obscured ? el('span', { class: 'badge badge-warn' }, 'Oscurato')
        : el('span', { class: 'badge badge-ok' }, 'Visibile')),
      el('td', {}, actions));
  });
  return el('div', { class: 'table-wrap' },
    el('table', { id: 'tabella-documenti' },
      el('caption', {}, `${docs.length} ${docs.length === 1 ? 'documento' : 'documenti'}`),
      el('thead', {}, el('tr', {},
        el('th', { scope: 'col' }, 'Tipo'), el('th', { scope: 'col' }, 'Data'),
        el('th', { scope: 'col', class: 'hide-small' }, 'Autore'), el('th', { scope: 'col' }, 'Struttura'),
        el('th', { scope: 'col' }, 'Stato'), el('th', { scope: 'col' }, 'Azioni'))),
      el('tbody', {}, rows)));
}

// Load the documents with filters into box (a container). Returns the docs.
export async function loadDocuments(box, cf, filters, opts) {
  box.replaceChildren(el('p', { role: 'status' }, 'Caricamento dei documenti...'));
  try {
    const { docs } = await searchDocuments(cf, filters);
    box.replaceChildren(documentTable(docs, opts));
    return docs;
  } catch (e) {
    box.replaceChildren(errorBox(e, 'Impossibile caricare i documenti.'));
    throw e;
  }
}

export function errorBox(e, what) {
  const detail = e instanceof ApiError ? e.detail : '';
  return alertBox('error', el('p', {}, el('strong', {}, what)), detail ? el('p', {}, detail) : null);
}

// One document: metadata, download, obscure (opts.onToggle), the PDF and
// the CDA's sections.
export async function documentView(id, opts) {
  const d = await readDocument(id);
  const obscured = docObscured(d);
  const head = el('div', {},
    el('h1', {}, docTypeName(d)),
    obscured ? alertBox('warning', el('p', {}, 'Questo documento è oscurato: lo vedi solo tu '
      + '(e chi lo ha prodotto).')) : null,
    el('dl', { class: 'meta' },
      el('dt', {}, 'Data'), el('dd', {}, fmtDate(d.date)),
      el('dt', {}, 'Autore'), el('dd', {}, docAuthor(d) || '-'),
      el('dt', {}, 'Struttura'), el('dd', {}, docFacility(d) || '-'),
      el('dt', {}, 'Descrizione'), el('dd', {}, d.description || '-')));
  const actions = el('div', { class: 'form-actions' },
    el('a', { class: 'btn', href: `/fhir/Binary/${d.id}`, download: `${docType(d) || 'documento'}-${d.id.slice(0, 8)}.pdf` },
      'Scarica il PDF'),
    el('a', { class: 'btn btn-secondary', href: opts.backHref }, 'Torna ai documenti'));
  if (opts.onToggle) {
    const b = el('button', { type: 'button', class: 'btn btn-secondary', id: 'azione-visibilita' },
      obscured ? 'Rendi di nuovo visibile' : 'Oscura questo documento');
    b.addEventListener('click', async () => {
      b.disabled = true;
      try { await opts.onToggle(d, !obscured); } finally { if (b.isConnected) b.disabled = false; }
    });
    actions.appendChild(b);
  }
  const cdaBox = el('div', { id: 'cda', 'aria-live': 'polite' }, el('p', {}, 'Caricamento del contenuto...'));
  const layout = el('div', { class: 'doc-layout' },
    el('div', {}, el('h2', {}, 'Documento originale (PDF)'),
      el('iframe', { class: 'pdf-frame', src: `/fhir/Binary/${d.id}`, title: `PDF: ${docTypeName(d)}` })),
    el('div', {}, el('h2', {}, 'Contenuto del documento'), cdaBox));
  apiText(`/fhir/Binary/${d.id}-cda`).then((xml) => {
    cdaBox.replaceChildren(renderCda(xml));
  }).catch((e) => {
    cdaBox.replaceChildren(errorBox(e, 'Il contenuto strutturato non è disponibile.'));
  });
  return el('div', {}, head, actions, layout);
}

// ---- Patient summary ----

function codeText(cc) {
  if (!cc) return '';
  if (cc.text) return cc.text;
  const c = (cc.coding || [])[0];
  return c ? (c.display || c.code || '') : '';
}

// The medicine of a MedicationStatement or MedicationRequest: inline, or the
// Medication resource it references in the bundle.
function medicine(r, resolve) {
  if (r.medicationCodeableConcept) return codeText(r.medicationCodeableConcept);
  const ref = r.medicationReference;
  if (!ref) return '';
  const m = resolve(ref.reference);
  return (m && codeText(m.code)) || ref.display || '';
}

function resourceLine(r, resolve) {
  const what = codeText(r.code) || codeText(r.vaccineCode) || medicine(r, resolve)
    || r.resourceType;
  const when = r.effectiveDateTime || r.occurrenceDateTime || r.recordedDate || r.onsetDateTime
    || r.authoredOn || (r.effectivePeriod && r.effectivePeriod.start) || r.issued || '';
  let value = '';
  if (r.valueQuantity) value = `${r.valueQuantity.value ?? ''} ${r.valueQuantity.unit || ''}`.trim();
  else if (r.valueString && !r.valueString.startsWith('#')) value = r.valueString;
  else if (r.valueCodeableConcept) value = codeText(r.valueCodeableConcept);
  return el('li', {}, el('strong', {}, what), value ? `: ${value}` : '',
    when ? el('span', { class: 'hint' }, fmtDate(when)) : null);
}

const SECTION_TYPES = [
  ['Allergie e intolleranze', ['AllergyIntolerance']],
  ['Lista dei problemi', ['Condition']],
  ['Terapie farmacologiche', ['MedicationStatement', 'MedicationRequest']],
  ['Vaccinazioni', ['Immunization']],
  ['Risultati recenti', ['Observation']],
];

export function summaryView(bundle) {
  const entries = (bundle.entry || []).map((e) => ({ url: e.fullUrl, r: e.resource })).filter((e) => e.r);
  const byUrl = new Map(entries.map((e) => [e.url, e.r]));
  const resolve = (ref) => (ref ? byUrl.get(ref) || entries.find((e) => e.url && e.url.endsWith(ref))?.r : null);
  const comp = entries.find((e) => e.r.resourceType === 'Composition');
  const sections = [];
  if (comp && Array.isArray(comp.r.section)) {
    for (const s of comp.r.section) {
      const items = (s.entry || []).map((ref) => byUrl.get(ref.reference)
        || entries.find((e) => e.url && ref.reference && e.url.endsWith(ref.reference))?.r).filter(Boolean);
      sections.push({ title: s.title || codeText(s.code), items });
    }
  } else {
    for (const [title, types] of SECTION_TYPES) {
      sections.push({ title, items: entries.filter((e) => types.includes(e.r.resourceType)).map((e) => e.r) });
    }
  }
  return el('div', { id: 'profilo' }, sections.map((s) => el('section', { class: 'summary-section card' },
    el('h2', {}, s.title),
    s.items.length ? el('ul', {}, s.items.map((r) => resourceLine(r, resolve))) : el('p', { class: 'empty' }, 'Nessun dato.'))));
}

// The summary page body for a patient (cf): handles "not available yet".
export async function summaryPage(cf) {
  let patient;
  try {
    patient = await findPatient(cf);
  } catch (e) {
    return errorBox(e, 'Impossibile leggere i dati dell\'assistito.');
  }
  if (!patient) return alertBox('info', el('p', {}, 'Assistito non trovato.'));
  try {
    return summaryView(await patientSummary(patient.id));
  } catch (e) {
    if (e instanceof ApiError && (e.status === 404 || e.status === 501)) {
      return el('div', { id: 'profilo-vuoto', class: 'panel' },
        el('p', {}, el('strong', {}, 'Il profilo sanitario sintetico non è ancora disponibile.')),
        el('p', {}, 'Quando i documenti saranno elaborati troverai qui allergie, problemi, terapie, '
          + 'vaccinazioni e risultati recenti. Intanto puoi consultare i singoli documenti.'));
    }
    return errorBox(e, 'Impossibile leggere il profilo sanitario.');
  }
}

export { label };
