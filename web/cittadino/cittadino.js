// web/cittadino/cittadino.js - the citizen portal (Il mio Fascicolo): login
// through the identity provider (as the patient, a delegate, a guardian or
// the parent of a minor), the documents with their filters, one document,
// the patient summary, the privacy centre (consents, obscured documents,
// delegates, access log, notifications) and the taccuino. Routes are the
// URL fragment (#/documenti, #/documento/ID, #/profilo, #/privacy,
// #/taccuino). Every read and act goes through the session (lib/web).

import { ApiError, citizen, demoPeople, login, logout, searchDocuments, session } from '/assets/api.js?v=1';
import { documentTable, documentView, errorBox, filterForm, loadDocuments, summaryPage } from '/assets/documents.js?v=1';
import { ACTIONS, CONSENTS, PURPOSES, ROLES, label, personId } from '/assets/labels.js?v=1';
import { actionButton, alertBox, announce, cfLooksValid, el, fmtDate, fmtDateTime, normCf, show } from '/assets/ui.js?v=1';

const CITIZEN_ROLES = ['ASS', 'TUT', 'GEN', 'ING'];
const main = document.getElementById('contenuto');
let me = null;
let people = null;
let filters = { type: '', from: '', to: '' };

// ---- Session and frame ----

function nameOf(cf) {
  const p = (people || []).find((x) => x.cf === cf);
  return p ? p.name : cf;
}

function canManage() {
  return me && me.role !== 'ING'; // a delegate may not obscure nor manage delegates (docs/policy.md)
}

function userBox() {
  const box = document.getElementById('utente');
  if (!me || !me.logged_in) {
    box.replaceChildren();
    return;
  }
  const who = me.role === 'ASS' ? nameOf(me.cf)
    : `${nameOf(me.cf)}, ${label(ROLES, me.role).toLowerCase()} di ${nameOf(me.patient)}`;
  box.replaceChildren(
    el('span', { class: 'who', id: 'utente-nome' }, who),
    actionButton('Esci', 'btn btn-secondary btn-small', async () => {
      await logout();
      me = null;
      window.location.hash = '';
      await start();
    }, { id: 'esci' }));
}

function wrap(...children) {
  return el('div', { class: 'wrap' }, ...children);
}

function setNav(route) {
  const nav = document.getElementById('menu');
  nav.hidden = !me;
  for (const a of nav.querySelectorAll('a')) {
    const here = route.startsWith(a.getAttribute('href').slice(2))
      || (route.startsWith('documento/') && a.getAttribute('href') === '#/documenti');
    if (here) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

// An API failure: an expired session goes back to the login.
async function failed(e, what) {
  if (e instanceof ApiError && e.status === 401) {
    me = null;
    await loginView('La sessione è scaduta: accedi di nuovo.');
    return null;
  }
  return errorBox(e, what);
}

// ---- Login ----

function loginButton(p, role, patient, text, sub) {
  return el('li', {}, actionButton([el('span', {}, text), el('span', { class: 'sub' }, sub)],
    'btn btn-secondary', async () => {
      await doLogin({ cf: p.cf, role, patient, purpose: 'PERSONAL', organization: p.organization || '120' });
    }, { 'data-cf': p.cf, 'data-ruolo': role }));
}

async function doLogin(identity) {
  const msg = document.getElementById('login-esito');
  try {
    me = await login(identity);
    window.location.hash = '#/documenti';
    await start();
  } catch (e) {
    if (msg) msg.replaceChildren(errorBox(e, 'Accesso non riuscito.'));
  }
}

function manualForm() {
  const cf = el('input', { type: 'text', id: 'login-cf', name: 'cf', autocomplete: 'off', required: true,
    maxlength: 16, spellcheck: 'false', 'aria-describedby': 'login-cf-hint' });
  const role = el('select', { id: 'login-ruolo', name: 'ruolo' },
    el('option', { value: 'ASS' }, 'Per me stesso'),
    el('option', { value: 'ING' }, 'Come delegato di un assistito'),
    el('option', { value: 'GEN' }, 'Come genitore di un minore'),
    el('option', { value: 'TUT' }, 'Come tutore'));
  const patient = el('input', { type: 'text', id: 'login-assistito', name: 'assistito', autocomplete: 'off',
    maxlength: 16, spellcheck: 'false' });
  const patientField = el('div', { class: 'field', hidden: true },
    el('label', { for: 'login-assistito' }, 'Codice fiscale dell\'assistito'), patient);
  const err = el('p', { class: 'error-text', id: 'login-errore', role: 'alert' });
  role.addEventListener('change', () => { patientField.hidden = role.value === 'ASS'; });
  const form = el('form', { id: 'login-form', novalidate: true },
    el('div', { class: 'field' },
      el('label', { for: 'login-cf' }, 'Il tuo codice fiscale',
        el('span', { class: 'hint', id: 'login-cf-hint' }, '16 caratteri, come sulla tessera sanitaria')),
      cf),
    el('div', { class: 'field' }, el('label', { for: 'login-ruolo' }, 'Accedi'), role),
    patientField, err,
    el('div', { class: 'form-actions' }, el('button', { type: 'submit', class: 'btn' }, 'Accedi')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const me_cf = normCf(cf.value);
    const pt = role.value === 'ASS' ? me_cf : normCf(patient.value);
    if (!cfLooksValid(me_cf) || !cfLooksValid(pt)) {
      err.textContent = 'Inserisci un codice fiscale valido.';
      (cfLooksValid(me_cf) ? patient : cf).focus();
      return;
    }
    err.textContent = '';
    await doLogin({ cf: me_cf, role: role.value, patient: pt, purpose: 'PERSONAL', organization: '120' });
  });
  return form;
}

async function loginView(notice) {
  me = null;
  userBox();
  setNav('');
  people = await demoPeople();
  const patients = (people || []).filter((p) => p.kind === 'patient');
  const reps = (people || []).filter((p) => p.kind === 'delegate' || p.kind === 'parent');
  const list = people ? el('section', { 'aria-labelledby': 'demo-titolo' },
    el('h2', { id: 'demo-titolo' }, 'Accesso dimostrativo'),
    el('p', {}, 'Questo nodo usa un identity provider dimostrativo al posto di SPID e CIE: scegli una persona.'),
    el('h3', {}, 'Assistiti'),
    el('ul', { class: 'people', id: 'persone-assistiti' }, patients.map((p) => loginButton(p, 'ASS', p.cf,
      p.name, `${p.minor ? 'minore, ' : ''}${p.age} anni${p.consent_cura ? '' : ', senza consenso alla consultazione'}`))),
    reps.length ? el('h3', {}, 'Delegati e genitori') : null,
    reps.length ? el('ul', { class: 'people', id: 'persone-rappresentanti' }, reps.map((p) => loginButton(p,
      p.role, p.patient, p.name, `${p.kind === 'parent' ? 'genitore' : 'delegato'} di ${nameOf(p.patient)}`))) : null)
    : null;
  show(main, wrap(
    el('h1', {}, 'Accedi al tuo Fascicolo'),
    notice ? alertBox('warning', el('p', {}, notice)) : null,
    el('div', { id: 'login-esito' }),
    list,
    el('section', { 'aria-labelledby': 'manuale-titolo' },
      el('h2', { id: 'manuale-titolo' }, people ? 'Oppure inserisci i dati' : 'Accedi con i tuoi dati'),
      manualForm())));
}

// ---- Documents ----

async function toggleVisibility(d, obscured) {
  try {
    await citizen(me.patient, `documents/${encodeURIComponent(d.id)}/visibility`,
      { method: 'PUT', body: { obscured } });
    announce(obscured ? 'Documento oscurato.' : 'Documento di nuovo visibile.');
    await route();
  } catch (e) {
    const box = await failed(e, 'Operazione non riuscita.');
    if (box) main.querySelector('.wrap').prepend(box);
  }
}

async function documentsPage() {
  const box = el('div', { id: 'documenti' });
  const self = me.patient === me.cf;
  show(main, wrap(
    el('h1', {}, self ? 'I miei documenti' : `Documenti di ${nameOf(me.patient)}`),
    el('p', { class: 'lead' }, 'Referti, lettere di dimissione, verbali e vaccinazioni pubblicati nel tuo Fascicolo.'),
    filterForm(filters, async (f) => {
      filters = f;
      await documentsInto(box);
      announce('Filtri applicati.');
    }),
    box));
  await documentsInto(box);
  document.body.dataset.pronto = 'documenti';
  performance.mark('fse-documenti-pronti');
}

async function documentsInto(box) {
  try {
    await loadDocuments(box, me.patient, filters, {
      docHref: (id) => `#/documento/${id}`,
      onToggle: canManage() ? toggleVisibility : null,
      emptyText: 'Nessun documento corrisponde ai filtri scelti.',
    });
  } catch (e) {
    const b = await failed(e, 'Impossibile caricare i documenti.');
    if (b) box.replaceChildren(b);
  }
}

async function documentPage(id) {
  try {
    const view = await documentView(id, { backHref: '#/documenti', onToggle: canManage() ? toggleVisibility : null });
    show(main, wrap(view));
  } catch (e) {
    const b = await failed(e, 'Documento non disponibile.');
    if (b) show(main, wrap(el('h1', {}, 'Documento'), b, el('a', { href: '#/documenti' }, 'Torna ai documenti')));
  }
}

async function profilePage() {
  show(main, wrap(el('h1', {}, 'Profilo sanitario sintetico'),
    el('p', { class: 'lead' }, 'Allergie, problemi, terapie, vaccinazioni e risultati recenti, dai tuoi documenti.'),
    el('div', { id: 'profilo-box' }, el('p', { role: 'status' }, 'Caricamento...'))));
  const body = await summaryPage(me.patient);
  main.querySelector('#profilo-box').replaceChildren(body);
}

// ---- Privacy centre ----

function sectionBox(id, title, intro) {
  return el('section', { id, 'aria-labelledby': `${id}-titolo` },
    el('h2', { id: `${id}-titolo` }, title), intro ? el('p', {}, intro) : null,
    el('div', { class: 'contenuto-sezione' }, el('p', { role: 'status' }, 'Caricamento...')));
}

function fill(sec, ...children) {
  sec.querySelector('.contenuto-sezione').replaceChildren(...children.filter((c) => c));
}

async function guarded(sec, what, fn) {
  try {
    await fn();
  } catch (e) {
    if (e instanceof ApiError && e.status === 403) {
      fill(sec, el('p', { class: 'empty' }, 'Questa funzione non è disponibile per il tuo ruolo.'));
      return;
    }
    const b = await failed(e, what);
    if (b) fill(sec, b);
  }
}

async function consentsSection(sec) {
  await guarded(sec, 'Impossibile leggere i consensi.', async () => {
    const c = await citizen(me.patient, 'consents');
    const current = new Map((c.current || []).map((x) => [x.purpose, x]));
    const rows = CONSENTS.map((k) => {
      const cur = current.get(k.purpose);
      const given = !!(cur && cur.given && cur.effective);
      const state = cur ? (given ? el('span', { class: 'badge badge-ok' }, 'Espresso')
        : el('span', { class: 'badge badge-warn' }, 'Revocato'))
        : el('span', { class: 'badge' }, 'Non espresso');
      const btn = actionButton(given ? 'Revoca' : 'Dai il consenso', given ? 'btn btn-small btn-danger' : 'btn btn-small',
        async () => {
          try {
            await citizen(me.patient, `consents/${k.purpose}`, { method: 'PUT', body: { given: !given, channel: 'web' } });
            announce(given ? 'Consenso revocato.' : 'Consenso espresso.');
            await consentsSection(sec);
          } catch (e) {
            const b = await failed(e, 'Operazione non riuscita.');
            if (b) sec.prepend(b);
          }
        }, { 'data-consenso': k.purpose, 'aria-label': `${given ? 'Revoca' : 'Dai'} il consenso: ${k.label}` });
      return el('tr', { 'data-consenso': k.purpose },
        el('th', { scope: 'row' }, k.label, el('span', { class: 'hint' }, k.help)),
        el('td', {}, state, cur ? el('span', { class: 'hint' }, `dal ${fmtDate(cur.time)}`) : null),
        el('td', {}, btn));
    });
    fill(sec, el('div', { class: 'table-wrap' }, el('table', { id: 'tabella-consensi' },
      el('caption', { class: 'visually-hidden' }, 'Consensi per finalità'),
      el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Finalità'), el('th', { scope: 'col' }, 'Stato'),
        el('th', { scope: 'col' }, 'Azione'))),
      el('tbody', {}, rows))),
    c.minor ? alertBox('info', el('p', {}, 'L\'assistito è minorenne: al compimento dei 18 anni dovrà confermare i consensi.')) : null);
  });
}

async function obscuredSection(sec) {
  await guarded(sec, 'Impossibile leggere i documenti.', async () => {
    const { docs } = await searchDocuments(me.patient);
    const hidden = docs.filter((d) => d.meta && (d.meta.tag || []).some((t) => t.code === 'oscurato'));
    fill(sec, documentTable(hidden, { docHref: (id) => `#/documento/${id}`,
      onToggle: canManage() ? async (d, o) => { await toggleVisibility(d, o); } : null,
      emptyText: 'Nessun documento oscurato. Puoi oscurare un documento dall\'elenco dei tuoi documenti.' }));
  });
}

const DELEGATION_KINDS = { delegate: 'Delegato', guardian: 'Tutore', parent: 'Genitore' };

async function delegatesSection(sec) {
  await guarded(sec, 'Impossibile leggere le deleghe.', async () => {
    const d = await citizen(me.patient, 'delegates');
    const rows = (d.delegates || []).map((x) => el('tr', {},
      el('th', { scope: 'row' }, nameOf(x.delegate)),
      el('td', {}, label(DELEGATION_KINDS, x.kind)),
      el('td', {}, fmtDate(x.valid_from), x.valid_to ? ` - ${fmtDate(x.valid_to)}` : ''),
      el('td', {}, x.in_force ? el('span', { class: 'badge badge-ok' }, 'In vigore') : el('span', { class: 'badge' }, 'Terminata')),
      el('td', {}, x.in_force && canManage() ? actionButton('Termina', 'btn btn-small btn-secondary', async () => {
        try {
          await citizen(me.patient, `delegates/${x.id}`, { method: 'DELETE' });
          announce('Delega terminata.');
          await delegatesSection(sec);
        } catch (e) {
          const b = await failed(e, 'Operazione non riuscita.');
          if (b) sec.prepend(b);
        }
      }, { 'aria-label': `Termina la delega di ${nameOf(x.delegate)}` }) : '')));
    const parts = [rows.length ? el('div', { class: 'table-wrap' }, el('table', { id: 'tabella-deleghe' },
      el('caption', { class: 'visually-hidden' }, 'Deleghe'),
      el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Persona'), el('th', { scope: 'col' }, 'Tipo'),
        el('th', { scope: 'col' }, 'Validità'), el('th', { scope: 'col' }, 'Stato'), el('th', { scope: 'col' }, 'Azione'))),
      el('tbody', {}, rows))) : el('p', { class: 'empty' }, 'Nessuna delega.')];
    if (canManage()) parts.push(delegateForm(sec));
    fill(sec, ...parts);
  });
}

function delegateForm(sec) {
  const cf = el('input', { type: 'text', id: 'delega-cf', maxlength: 16, autocomplete: 'off', spellcheck: 'false', required: true });
  const kind = el('select', { id: 'delega-tipo' }, Object.entries(DELEGATION_KINDS).map(([v, t]) => el('option', { value: v }, t)));
  const to = el('input', { type: 'date', id: 'delega-fine' });
  const err = el('p', { class: 'error-text', role: 'alert' });
  const form = el('form', { id: 'form-delega', novalidate: true },
    el('fieldset', {}, el('legend', {}, 'Aggiungi una delega'),
      el('div', { class: 'inline-fields' },
        el('div', { class: 'field' }, el('label', { for: 'delega-cf' }, 'Codice fiscale della persona'), cf),
        el('div', { class: 'field' }, el('label', { for: 'delega-tipo' }, 'Tipo'), kind),
        el('div', { class: 'field' }, el('label', { for: 'delega-fine' }, 'Valida fino al', el('span', { class: 'hint' }, 'facoltativo')), to)),
      err,
      el('div', { class: 'form-actions' }, el('button', { type: 'submit', class: 'btn' }, 'Aggiungi delega'))));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const v = normCf(cf.value);
    if (!cfLooksValid(v)) {
      err.textContent = 'Inserisci un codice fiscale valido.';
      cf.focus();
      return;
    }
    const today = new Date().toISOString().slice(0, 10);
    const body = { delegate: v, kind: kind.value, valid_from: today };
    if (to.value) body.valid_to = to.value;
    try {
      await citizen(me.patient, 'delegates', { method: 'POST', body });
      announce('Delega aggiunta.');
      await delegatesSection(sec);
    } catch (ex) {
      err.textContent = ex instanceof ApiError && ex.detail ? ex.detail : 'Operazione non riuscita.';
    }
  });
  return form;
}

async function accessLog(limit = 1000) {
  const out = [];
  let after = 0;
  for (;;) {
    const page = await citizen(me.patient, `access-log?after=${after}&limit=500`);
    out.push(...(page.entries || []));
    if (!page.entries || page.entries.length === 0 || !page.next_after || out.length >= limit) break;
    after = page.next_after;
  }
  return out.reverse();
}

async function logSection(sec) {
  await guarded(sec, 'Impossibile leggere il registro degli accessi.', async () => {
    const entries = await accessLog();
    const rows = entries.slice(0, 200).map((x) => el('tr', { 'data-azione': x.action || '', 'data-ruolo': x.role || '' },
      el('td', {}, el('time', { datetime: x.time }, fmtDateTime(x.time))),
      el('th', { scope: 'row' }, nameOf(personId(x.actor)) || 'Sistema',
        el('span', { class: 'hint' }, label(ROLES, x.role))),
      el('td', {}, label(ACTIONS, x.action)),
      el('td', {}, label(PURPOSES, x.purpose)),
      el('td', {}, x.outcome === 'success' ? el('span', { class: 'badge badge-ok' }, 'Consentito')
        : el('span', { class: 'badge badge-danger' }, 'Negato'))));
    fill(sec, rows.length ? el('div', { class: 'table-wrap' }, el('table', { id: 'registro-accessi' },
      el('caption', {}, `Ultime ${rows.length} operazioni, dalla più recente`),
      el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Quando'), el('th', { scope: 'col' }, 'Chi'),
        el('th', { scope: 'col' }, 'Operazione'), el('th', { scope: 'col' }, 'Finalità'), el('th', { scope: 'col' }, 'Esito'))),
      el('tbody', {}, rows))) : el('p', { class: 'empty' }, 'Nessun accesso registrato.'));
  });
}

async function notificationsSection(sec) {
  await guarded(sec, 'Impossibile leggere le notifiche.', async () => {
    const n = await citizen(me.patient, 'notifications');
    const enabled = el('input', { type: 'checkbox', id: 'notifiche-attive', checked: !!n.enabled });
    const channel = el('select', { id: 'notifiche-canale' },
      el('option', { value: 'app', selected: n.channel === 'app' }, 'App'),
      el('option', { value: 'email', selected: n.channel === 'email' }, 'E-mail'),
      el('option', { value: 'both', selected: n.channel === 'both' }, 'App ed e-mail'));
    const form = el('form', { id: 'form-notifiche' },
      el('div', { class: 'field' }, el('label', { class: 'check', for: 'notifiche-attive' }, enabled,
        'Avvisami quando qualcuno accede al mio Fascicolo')),
      el('div', { class: 'field' }, el('label', { for: 'notifiche-canale' }, 'Canale'), channel),
      el('div', { class: 'form-actions' }, el('button', { type: 'submit', class: 'btn' }, 'Salva')));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      try {
        await citizen(me.patient, 'notifications', { method: 'PUT', body: { enabled: enabled.checked, channel: channel.value } });
        announce('Impostazioni salvate.');
        form.append(alertBox('success', el('p', {}, 'Impostazioni delle notifiche salvate.')));
      } catch (ex) {
        const b = await failed(ex, 'Operazione non riuscita.');
        if (b) form.append(b);
      }
    });
    const items = (n.items || []).slice(0, 10).map((x) => el('li', {}, el('time', { datetime: x.time }, fmtDateTime(x.time)), ' - ', x.text));
    fill(sec, form, el('h3', {}, 'Ultime notifiche'),
      items.length ? el('ul', { id: 'lista-notifiche' }, items) : el('p', { class: 'empty' }, 'Nessuna notifica.'));
  });
}

async function privacyPage() {
  const consents = sectionBox('consensi', 'Consensi', 'Decidi chi può consultare il tuo Fascicolo. Puoi cambiare idea in ogni momento.');
  const obscured = sectionBox('oscurati', 'Documenti oscurati', 'Un documento oscurato non è visibile ai professionisti (salvo chi lo ha prodotto).');
  const delegates = sectionBox('deleghe', 'Deleghe', 'Le persone che possono accedere al Fascicolo per tuo conto.');
  const log = sectionBox('accessi', 'Registro degli accessi', 'Chi ha consultato i tuoi dati, quando e perché.');
  const notes = sectionBox('notifiche', 'Notifiche', null);
  show(main, wrap(el('h1', {}, 'Privacy e consensi'), consents, obscured, delegates, log, notes));
  await Promise.all([consentsSection(consents), obscuredSection(obscured), delegatesSection(delegates),
    logSection(log), notificationsSection(notes)]);
  document.body.dataset.pronto = 'privacy';
}

// ---- Taccuino ----

function readFile(file) {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result).replace(/^data:[^,]*,/, ''));
    r.onerror = () => reject(new Error('File non leggibile'));
    r.readAsDataURL(file);
  });
}

const FILE_TYPES = { pdf: 'application/pdf', png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', txt: 'text/plain' };

function noteItem(n) {
  const del = actionButton('Elimina', 'btn btn-small btn-secondary', async () => {
    if (!window.confirm(`Eliminare la nota "${n.title}"?`)) return;
    try {
      await citizen(me.patient, `taccuino/${n.id}`, { method: 'DELETE' });
      announce('Nota eliminata.');
      await taccuinoPage();
    } catch (e) {
      const b = await failed(e, 'Operazione non riuscita.');
      if (b) main.querySelector('.wrap').prepend(b);
    }
  }, { 'aria-label': `Elimina la nota ${n.title}` });
  return el('li', { 'data-id': n.id },
    el('h3', {}, n.title), el('p', {}, el('span', { class: 'badge badge-warn' }, 'Non certificato'), ' ',
      el('span', { class: 'hint' }, `Inserito il ${fmtDateTime(n.created)} (${label(ROLES, n.author_role).toLowerCase()})`)),
    n.text ? el('p', { class: 'note-text' }, n.text) : null,
    n.file ? el('p', {}, el('a', { href: `/citizen/v1/patients/${encodeURIComponent(me.patient)}/taccuino/${n.id}/file`,
      download: n.file.name }, `Scarica ${n.file.name}`), el('span', { class: 'hint' }, `${Math.ceil(n.file.size / 1024)} KB`)) : null,
    el('div', { class: 'row-actions' }, del));
}

async function taccuinoPage() {
  const list = el('div', { id: 'note' }, el('p', { role: 'status' }, 'Caricamento...'));
  const title = el('input', { type: 'text', id: 'nota-titolo', maxlength: 200, required: true });
  const text = el('textarea', { id: 'nota-testo', maxlength: 16000 });
  const file = el('input', { type: 'file', id: 'nota-file', accept: '.pdf,.png,.jpg,.jpeg,.txt' });
  const err = el('p', { class: 'error-text', role: 'alert' });
  const form = el('form', { id: 'form-nota', novalidate: true },
    el('fieldset', {}, el('legend', {}, 'Nuova nota'),
      el('div', { class: 'field' }, el('label', { for: 'nota-titolo' }, 'Titolo'), title),
      el('div', { class: 'field' }, el('label', { for: 'nota-testo' }, 'Testo', el('span', { class: 'hint' }, 'facoltativo')), text),
      el('div', { class: 'field' }, el('label', { for: 'nota-file' }, 'Allegato',
        el('span', { class: 'hint' }, 'facoltativo: PDF, PNG, JPEG o testo, al massimo 2 MB')), file),
      err,
      el('div', { class: 'form-actions' }, el('button', { type: 'submit', class: 'btn' }, 'Salva nel taccuino'))));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!title.value.trim()) {
      err.textContent = 'Il titolo è obbligatorio.';
      title.focus();
      return;
    }
    const body = { title: title.value.trim(), text: text.value };
    const f = file.files && file.files[0];
    if (f) {
      const ext = (f.name.split('.').pop() || '').toLowerCase();
      if (!FILE_TYPES[ext] || f.size > 2 * 1024 * 1024) {
        err.textContent = 'Allegato non ammesso: PDF, PNG, JPEG o testo, al massimo 2 MB.';
        file.focus();
        return;
      }
      body.file = { name: f.name, content_type: FILE_TYPES[ext], data: await readFile(f) };
    }
    try {
      await citizen(me.patient, 'taccuino', { method: 'POST', body });
      announce('Nota salvata nel taccuino.');
      await taccuinoPage();
    } catch (ex) {
      err.textContent = ex instanceof ApiError && ex.detail ? ex.detail : 'Salvataggio non riuscito.';
    }
  });
  show(main, wrap(el('h1', {}, 'Taccuino personale'),
    alertBox('warning', el('p', {}, el('strong', {}, 'Contenuti non certificati. '),
      'Le note e i documenti del taccuino sono inseriti da te (o da chi ti rappresenta) e restano distinti '
      + 'dai documenti sanitari ufficiali. Li vedi solo tu.')),
    form, el('h2', {}, 'Le tue note'), list));
  try {
    const t = await citizen(me.patient, 'taccuino');
    list.replaceChildren((t.notes || []).length ? el('ul', { class: 'notes' }, t.notes.map(noteItem))
      : el('p', { class: 'empty' }, 'Il taccuino è vuoto.'));
  } catch (e) {
    if (e instanceof ApiError && e.status === 403) {
      list.replaceChildren(el('p', { class: 'empty' }, 'Il taccuino è riservato all\'assistito e ai suoi rappresentanti legali.'));
    } else {
      const b = await failed(e, 'Impossibile leggere il taccuino.');
      if (b) list.replaceChildren(b);
    }
  }
  document.body.dataset.pronto = 'taccuino';
}

// ---- Router ----

async function route() {
  if (!me) return;
  const r = (window.location.hash || '#/documenti').replace(/^#\//, '');
  setNav(r);
  delete document.body.dataset.pronto;
  if (r.startsWith('documento/')) await documentPage(decodeURIComponent(r.slice('documento/'.length)));
  else if (r === 'profilo') await profilePage();
  else if (r === 'privacy') await privacyPage();
  else if (r === 'taccuino') await taccuinoPage();
  else await documentsPage();
}

async function start() {
  try {
    me = await session();
  } catch (e) {
    show(main, wrap(el('h1', {}, 'Servizio non disponibile'), errorBox(e, 'Il nodo non risponde.')));
    return;
  }
  if (!me.logged_in || !CITIZEN_ROLES.includes(me.role)) {
    await loginView(me.logged_in ? 'Sei collegato come professionista: accedi come cittadino.' : null);
    return;
  }
  if (people === null) people = await demoPeople();
  userBox();
  await route();
}

window.addEventListener('hashchange', () => { route(); });
start();
