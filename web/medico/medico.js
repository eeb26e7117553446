// web/medico/medico.js - the clinician view: login as a professional (role,
// organisation, facility), search a patient by codice fiscale with a
// purpose (the session's context changes: PUT /web/session/context), the
// documents the policy allows, one document, the patient summary, the
// declaration of ongoing care when it is needed, and emergency access with
// a reason, flagged in red. Routes are the URL fragment (#/cerca,
// #/assistito, #/profilo, #/documento/ID).

import { ApiError, api, demoPeople, findPatient, login, logout, session, setContext } from '/assets/api.js?v=1';
import { documentView, errorBox, filterForm, loadDocuments, summaryPage } from '/assets/documents.js?v=1';
import { PURPOSES, ROLES, facilityName, label } from '/assets/labels.js?v=1';
import { actionButton, alertBox, announce, cfLooksValid, el, fmtDate, normCf, show } from '/assets/ui.js?v=1';

const CITIZEN_ROLES = ['ASS', 'TUT', 'GEN', 'ING'];
const PRO_ROLES = ['APR', 'AAS', 'DRS', 'RSA', 'MRP', 'INF', 'FAR'];
const main = document.getElementById('contenuto');
let me = null;
let people = null;
let filters = { type: '', from: '', to: '' };

function wrap(...children) {
  return el('div', { class: 'wrap' }, ...children);
}

function nameOf(cf) {
  const p = (people || []).find((x) => x.cf === cf);
  return p ? p.name : cf;
}

// The session names a patient once one was searched (at login it names
// the professional, which means "none yet").
function patient() {
  return me && me.patient && me.patient !== me.cf ? me.patient : null;
}

function emergency() {
  return me && me.purpose === 'EMERGENCY';
}

function userBox() {
  const box = document.getElementById('utente');
  if (!me || !me.logged_in) {
    box.replaceChildren();
    return;
  }
  box.replaceChildren(
    el('span', { class: 'who', id: 'utente-nome' }, `${nameOf(me.cf)} (${label(ROLES, me.role)})`),
    actionButton('Esci', 'btn btn-secondary btn-small', async () => {
      await logout();
      me = null;
      window.location.hash = '';
      await start();
    }, { id: 'esci' }));
}

async function failed(e, what) {
  if (e instanceof ApiError && e.status === 401) {
    me = null;
    await loginView('La sessione è scaduta: accedi di nuovo.');
    return null;
  }
  return errorBox(e, what);
}

// ---- Login ----

async function doLogin(identity) {
  const msg = document.getElementById('login-esito');
  try {
    me = await login(identity);
    window.location.hash = '#/cerca';
    await start();
  } catch (e) {
    if (msg) msg.replaceChildren(errorBox(e, 'Accesso non riuscito.'));
  }
}

function proButton(p) {
  return el('li', {}, actionButton([el('span', {}, p.name),
    el('span', { class: 'sub' }, `${label(ROLES, p.role)}${p.locality ? ` - ${facilityName(p.locality)}` : ''}`)],
  'btn btn-secondary', async () => {
    await doLogin({ cf: p.cf, role: p.role, patient: p.cf, purpose: 'TREATMENT', organization: p.organization || '120' });
  }, { 'data-cf': p.cf, 'data-ruolo': p.role }));
}

function manualForm() {
  const cf = el('input', { type: 'text', id: 'login-cf', maxlength: 16, autocomplete: 'off', spellcheck: 'false', required: true });
  const role = el('select', { id: 'login-ruolo' }, PRO_ROLES.map((r) => el('option', { value: r }, label(ROLES, r))));
  const org = el('input', { type: 'text', id: 'login-regione', value: '120', maxlength: 3, inputmode: 'numeric',
    'aria-describedby': 'login-regione-hint' });
  const loc = el('input', { type: 'text', id: 'login-struttura', maxlength: 255, autocomplete: 'off' });
  const err = el('p', { class: 'error-text', role: 'alert' });
  const form = el('form', { id: 'login-form', novalidate: true },
    el('div', { class: 'field' }, el('label', { for: 'login-cf' }, 'Il tuo codice fiscale'), cf),
    el('div', { class: 'field' }, el('label', { for: 'login-ruolo' }, 'Ruolo'), role),
    el('div', { class: 'field' }, el('label', { for: 'login-regione' }, 'Organizzazione (codice regione)',
      el('span', { class: 'hint', id: 'login-regione-hint' }, 'ad esempio 120 per il Lazio')), org),
    el('div', { class: 'field' }, el('label', { for: 'login-struttura' }, 'Struttura', el('span', { class: 'hint' }, 'facoltativo')), loc),
    err,
    el('div', { class: 'form-actions' }, el('button', { type: 'submit', class: 'btn' }, 'Accedi')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const v = normCf(cf.value);
    if (!cfLooksValid(v) || !/^[0-9]{3}$/.test(org.value)) {
      err.textContent = 'Inserisci un codice fiscale valido e il codice a tre cifre della regione.';
      cf.focus();
      return;
    }
    const id = { cf: v, role: role.value, patient: v, purpose: 'TREATMENT', organization: org.value };
    if (loc.value.trim()) id.locality = loc.value.trim();
    await doLogin(id);
  });
  return form;
}

async function loginView(notice) {
  me = null;
  userBox();
  people = await demoPeople();
  const pros = (people || []).filter((p) => PRO_ROLES.includes(p.role));
  show(main, wrap(
    el('h1', {}, 'Accesso professionisti'),
    notice ? alertBox('warning', el('p', {}, notice)) : null,
    el('div', { id: 'login-esito' }),
    pros.length ? el('section', { 'aria-labelledby': 'demo-titolo' },
      el('h2', { id: 'demo-titolo' }, 'Accesso dimostrativo'),
      el('p', {}, 'Identity provider dimostrativo al posto dell\'accesso regionale degli operatori: scegli chi sei.'),
      el('ul', { class: 'people', id: 'persone-professionisti' }, pros.map(proButton))) : null,
    el('section', { 'aria-labelledby': 'manuale-titolo' },
      el('h2', { id: 'manuale-titolo' }, pros.length ? 'Oppure inserisci i dati' : 'Accedi con i tuoi dati'),
      manualForm())));
}

// ---- Search ----

function searchPage(notice) {
  const cf = el('input', { type: 'text', id: 'cerca-cf', maxlength: 16, autocomplete: 'off', spellcheck: 'false',
    required: true, value: patient() || '' });
  const purpose = el('select', { id: 'cerca-finalita' },
    el('option', { value: 'TREATMENT' }, 'Cura'),
    el('option', { value: 'PUBEMERGENCY' }, 'Profilassi internazionale'));
  const err = el('p', { class: 'error-text', role: 'alert' });
  const form = el('form', { id: 'form-cerca', novalidate: true, role: 'search' },
    el('div', { class: 'inline-fields' },
      el('div', { class: 'field' }, el('label', { for: 'cerca-cf' }, 'Codice fiscale dell\'assistito'), cf),
      el('div', { class: 'field' }, el('label', { for: 'cerca-finalita' }, 'Finalità'), purpose),
      el('div', { class: 'form-actions' }, el('button', { type: 'submit', class: 'btn' }, 'Cerca'))),
    err);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const v = normCf(cf.value);
    if (!cfLooksValid(v)) {
      err.textContent = 'Inserisci un codice fiscale valido.';
      cf.focus();
      return;
    }
    try {
      me = await setContext(v, purpose.value);
      filters = { type: '', from: '', to: '' };
      if (window.location.hash === '#/assistito') await route();
      else window.location.hash = '#/assistito';
    } catch (ex) {
      const b = await failed(ex, 'Ricerca non riuscita.');
      if (b) err.replaceChildren(b);
    }
  });
  show(main, wrap(el('h1', {}, 'Cerca un assistito'),
    notice ? alertBox('info', el('p', {}, notice)) : null,
    el('p', { class: 'lead' }, 'Vedrai solo i documenti che la normativa, i consensi dell\'assistito e il tuo '
      + 'ruolo ti permettono di consultare. Ogni accesso è registrato e visibile all\'assistito.'),
    form));
}

// ---- A patient ----

function patientBanner(p) {
  const parts = [el('p', {}, el('strong', {}, 'Assistito: '), nameOf(patient()), ' ', el('span', { class: 'hint' }, patient())),
    p && p.birthDate ? el('p', {}, `Nato/a il ${fmtDate(p.birthDate)}`) : null,
    el('p', {}, el('strong', {}, 'Finalità: '), label(PURPOSES, me.purpose))];
  const box = el('div', { class: 'panel', id: 'assistito' }, parts,
    el('div', { class: 'row-actions' },
      el('a', { class: 'btn btn-small btn-secondary', href: '#/assistito' }, 'Documenti'),
      el('a', { class: 'btn btn-small btn-secondary', href: '#/profilo' }, 'Profilo sanitario'),
      el('a', { class: 'btn btn-small btn-secondary', href: '#/cerca' }, 'Cambia assistito')));
  return [emergency() ? el('div', { class: 'emergency-banner', id: 'emergenza-attiva', role: 'alert' },
    'ACCESSO IN EMERGENZA: consultazione senza consenso, registrata e notificata all\'assistito.') : null, box];
}

function careForm(after) {
  const text = el('textarea', { id: 'presa-testo' },
    'Dichiaro, ai sensi dell\'art. 47 del DPR 445/2000, di avere in cura l\'assistito.');
  const days = el('input', { type: 'text', id: 'presa-giorni', value: '30', inputmode: 'numeric', maxlength: 3 });
  const err = el('p', { class: 'error-text', role: 'alert' });
  const form = el('form', { id: 'form-presa-in-carico', novalidate: true },
    el('fieldset', {}, el('legend', {}, 'Dichiarazione di presa in carico'),
      el('p', {}, 'Se hai in cura l\'assistito e lui ha dato il consenso alla consultazione, puoi dichiararlo per '
        + 'vedere i documenti del suo Fascicolo.'),
      el('div', { class: 'field' }, el('label', { for: 'presa-testo' }, 'Dichiarazione'), text),
      el('div', { class: 'field' }, el('label', { for: 'presa-giorni' }, 'Durata in giorni'), days),
      err,
      el('div', { class: 'form-actions' }, el('button', { type: 'submit', class: 'btn' }, 'Registra la dichiarazione'))));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const n = Number.parseInt(days.value, 10);
    if (!(n >= 1 && n <= 365)) {
      err.textContent = 'La durata va da 1 a 365 giorni.';
      days.focus();
      return;
    }
    try {
      if (me.purpose !== 'TREATMENT') me = await setContext(patient(), 'TREATMENT');
      await api('/consult/v1/care-declarations', { method: 'POST', body: { patient: patient(), declaration: text.value, days: n } });
      announce('Dichiarazione registrata.');
      await after();
    } catch (ex) {
      err.textContent = ex instanceof ApiError && ex.detail ? ex.detail : 'Registrazione non riuscita.';
    }
  });
  return form;
}

function emergencyForm(after) {
  const reason = el('textarea', { id: 'emergenza-motivo', required: true, 'aria-describedby': 'emergenza-hint' });
  const err = el('p', { class: 'error-text', role: 'alert' });
  const form = el('form', { id: 'form-emergenza', novalidate: true },
    el('fieldset', {}, el('legend', {}, 'Accesso in emergenza'),
      alertBox('error', el('p', {}, el('strong', {}, 'Solo per un pericolo grave e imminente per la salute dell\'assistito. '),
        'L\'accesso dura 60 minuti, è registrato con il motivo e notificato all\'assistito.')),
      el('div', { class: 'field' }, el('label', { for: 'emergenza-motivo' }, 'Motivo dell\'accesso',
        el('span', { class: 'hint', id: 'emergenza-hint' }, 'almeno 10 caratteri')), reason),
      err,
      el('div', { class: 'form-actions' }, el('button', { type: 'submit', class: 'btn btn-danger' }, 'Attiva l\'accesso in emergenza'))));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (reason.value.trim().length < 10) {
      err.textContent = 'Scrivi il motivo (almeno 10 caratteri).';
      reason.focus();
      return;
    }
    try {
      me = await setContext(patient(), 'EMERGENCY');
      await api('/consult/v1/emergency-access', { method: 'POST', body: { patient: patient(), reason: reason.value.trim() } });
      announce('Accesso in emergenza attivo.');
      await after();
    } catch (ex) {
      err.textContent = ex instanceof ApiError && ex.detail ? ex.detail : 'Attivazione non riuscita.';
    }
  });
  return form;
}

async function patientPage() {
  if (!patient()) {
    searchPage();
    return;
  }
  let p = null;
  const box = el('div', { id: 'documenti' });
  const help = el('div', { id: 'aiuto' });
  show(main, wrap(el('h1', {}, `Documenti di ${nameOf(patient())}`), ...patientBanner(null),
    filterForm(filters, async (f) => {
      filters = f;
      await documentsInto(box, help);
    }), box, help));
  try {
    p = await findPatient(patient());
    if (p) main.querySelector('#assistito').replaceWith(...patientBanner(p).filter((x) => x && x.id === 'assistito'));
  } catch (e) {
    // a refused record answers 403 here too; the documents say why
  }
  await documentsInto(box, help);
  document.body.dataset.pronto = 'assistito';
  performance.mark('fse-assistito-pronto');
}

async function documentsInto(box, help) {
  help.replaceChildren();
  let docs = null;
  try {
    docs = await loadDocuments(box, patient(), filters, {
      docHref: (id) => `#/documento/${id}`,
      emptyText: 'Nessun documento consultabile.',
    });
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      await failed(e, '');
      return;
    }
    box.replaceChildren(el('div', { id: 'accesso-negato' }, alertBox('error',
      el('p', {}, el('strong', {}, 'Accesso non consentito.')),
      el('p', {}, e instanceof ApiError && e.detail ? e.detail : 'Il tuo ruolo o la finalità scelta non permettono la consultazione.'))));
  }
  const again = async () => { await route(); };
  if (docs && docs.length > 0) return;
  if (docs) {
    box.prepend(el('div', { id: 'accesso-negato' }, alertBox('warning',
      el('p', {}, el('strong', {}, 'Nessun documento consultabile per questo assistito.')),
      el('p', {}, 'Possibili motivi: l\'assistito non ha espresso o ha revocato il consenso alla consultazione, '
        + 'ha oscurato i documenti, oppure non risulti suo medico e non hai dichiarato la presa in carico.'))));
  }
  if (!emergency() && !filters.type && !filters.from && !filters.to) {
    if (me.purpose === 'TREATMENT') help.append(careForm(again));
    if (me.role !== 'FAR') help.append(emergencyForm(again));
  }
}

async function documentPage(id) {
  try {
    const view = await documentView(id, { backHref: '#/assistito' });
    show(main, wrap(...patientBanner(null), view));
  } catch (e) {
    const b = await failed(e, e instanceof ApiError && e.status === 404
      ? 'Documento non trovato o non consultabile.' : 'Documento non disponibile.');
    if (b) show(main, wrap(el('h1', {}, 'Documento'), b, el('a', { href: '#/assistito' }, 'Torna ai documenti')));
  }
}

async function profilePage() {
  if (!patient()) {
    searchPage();
    return;
  }
  show(main, wrap(el('h1', {}, `Profilo sanitario di ${nameOf(patient())}`), ...patientBanner(null),
    el('div', { id: 'profilo-box' }, el('p', { role: 'status' }, 'Caricamento...'))));
  const body = await summaryPage(patient());
  main.querySelector('#profilo-box').replaceChildren(body);
}

// ---- Router ----

async function route() {
  if (!me) return;
  const r = (window.location.hash || '#/cerca').replace(/^#\//, '');
  delete document.body.dataset.pronto;
  if (r.startsWith('documento/')) await documentPage(decodeURIComponent(r.slice('documento/'.length)));
  else if (r === 'assistito') await patientPage();
  else if (r === 'profilo') await profilePage();
  else searchPage();
}

async function start() {
  try {
    me = await session();
  } catch (e) {
    show(main, wrap(el('h1', {}, 'Servizio non disponibile'), errorBox(e, 'Il nodo non risponde.')));
    return;
  }
  if (!me.logged_in || CITIZEN_ROLES.includes(me.role)) {
    await loginView(me.logged_in ? 'Sei collegato come cittadino: accedi come professionista.' : null);
    return;
  }
  if (people === null) people = await demoPeople();
  userBox();
  await route();
}

window.addEventListener('hashchange', () => { route(); });
start();
