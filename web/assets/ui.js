// web/assets/ui.js - small DOM helpers shared by the pages. Content from
// the node is always set as text (textContent, attributes), never as HTML.

// el('a', {href: '/x', class: 'btn'}, 'text', child...)
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k === 'dataset') Object.assign(node.dataset, v);
    else if (k.startsWith('on') && typeof v === 'function') node.addEventListener(k.slice(2), v);
    else if (v === true) node.setAttribute(k, '');
    else node.setAttribute(k, String(v));
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    if (Array.isArray(c)) append(node, c);
    else if (c instanceof Node) node.appendChild(c);
    else node.appendChild(document.createTextNode(String(c)));
  }
}

export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}

// Replace the content of the main region and move focus to its heading.
export function show(main, ...children) {
  clear(main);
  append(main, children);
  const h = main.querySelector('h1');
  if (h) {
    h.setAttribute('tabindex', '-1');
    h.focus({ preventScroll: false });
    document.title = `${h.textContent} - Fascicolo Sanitario Elettronico`;
  }
}

// A message for screen readers (the page's aria-live region).
export function announce(text) {
  const live = document.getElementById('annunci');
  if (live) {
    live.textContent = '';
    window.setTimeout(() => { live.textContent = text; }, 50);
  }
}

export function alertBox(kind, ...children) {
  return el('div', { class: `alert alert-${kind}`, role: kind === 'error' ? 'alert' : 'status' },
    ...children);
}

const dateFmt = new Intl.DateTimeFormat('it-IT', { day: '2-digit', month: '2-digit', year: 'numeric' });
const timeFmt = new Intl.DateTimeFormat('it-IT', {
  day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit',
});

export function fmtDate(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : dateFmt.format(d);
}

export function fmtDateTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : timeFmt.format(d);
}

// An HL7 date "yyyyMMdd[HHmm...]" as an ISO string.
export function hl7Iso(v) {
  if (!v || v.length < 8) return '';
  const t = v.length >= 12 ? `T${v.slice(8, 10)}:${v.slice(10, 12)}:00` : '';
  return `${v.slice(0, 4)}-${v.slice(4, 6)}-${v.slice(6, 8)}${t}`;
}

// A button that runs an async action once at a time, with an error shown
// next to it.
export function actionButton(label, cls, action, attrs = {}) {
  const b = el('button', { type: 'button', class: cls, ...attrs }, label);
  b.addEventListener('click', async () => {
    b.disabled = true;
    try {
      await action(b);
    } finally {
      if (b.isConnected) b.disabled = false;
    }
  });
  return b;
}

// A codice fiscale as typed: upper case, no spaces.
export function normCf(v) {
  return (v || '').replace(/\s+/g, '').toUpperCase();
}

export function cfLooksValid(v) {
  return /^[A-Z]{6}[0-9LMNPQRSTUV]{2}[A-EHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]$/.test(v)
    || /^[0-9]{11}$/.test(v);
}
