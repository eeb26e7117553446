// web/assets/cda.js - a readable rendering of an HL7 CDA R2 document: the
// header (title, date, author, custodian) and every section's title and
// narrative block. The document is parsed as XML (DOMParser) and rebuilt
// element by element with DOM APIs: only the narrative elements of the CDA
// schema become HTML (paragraph, list, table, content, br, sub, sup), every
// other node contributes its text, and no attribute is copied except
// numeric colspan/rowspan. Nothing from the document is ever parsed as HTML.

import { el, fmtDate, hl7Iso } from './ui.js?v=1';

const NS = 'urn:hl7-org:v3';

function kids(node, name) {
  const out = [];
  for (const c of node ? node.children : []) {
    if (c.namespaceURI === NS && c.localName === name) out.push(c);
  }
  return out;
}

function kid(node, name) {
  return kids(node, name)[0] || null;
}

function path(node, ...names) {
  let n = node;
  for (const name of names) {
    n = kid(n, name);
    if (!n) return null;
  }
  return n;
}

function personName(nameNode) {
  if (!nameNode) return '';
  const parts = [];
  for (const p of ['prefix', 'given', 'family']) {
    for (const n of kids(nameNode, p)) parts.push(n.textContent.trim());
  }
  return parts.filter(Boolean).join(' ') || nameNode.textContent.trim();
}

const BLOCKS = {
  paragraph: 'p',
  list: null, // ul or ol by listType
  item: 'li',
  table: 'table',
  caption: 'caption',
  thead: 'thead',
  tbody: 'tbody',
  tfoot: 'tfoot',
  tr: 'tr',
  th: 'th',
  td: 'td',
  content: 'span',
  sub: 'sub',
  sup: 'sup',
  footnote: 'small',
};

function narrative(node, depth = 0) {
  if (node.nodeType === Node.TEXT_NODE || node.nodeType === Node.CDATA_SECTION_NODE) {
    return document.createTextNode(node.nodeValue);
  }
  if (node.nodeType !== Node.ELEMENT_NODE || depth > 64) return null;
  const name = node.namespaceURI === NS ? node.localName : '';
  if (name === 'br') return el('br');
  let tag = Object.prototype.hasOwnProperty.call(BLOCKS, name) ? BLOCKS[name] : 'span';
  if (name === 'list') tag = node.getAttribute('listType') === 'ordered' ? 'ol' : 'ul';
  const out = document.createElement(tag);
  if (tag === 'table') {
    const wrap = el('div', { class: 'table-wrap' }, out);
    fill(out, node, depth);
    return wrap;
  }
  if (tag === 'td' || tag === 'th') {
    for (const a of ['colspan', 'rowspan']) {
      const v = node.getAttribute(a);
      if (v && /^[1-9][0-9]?$/.test(v)) out.setAttribute(a, v);
    }
  }
  if (name === 'caption' && tag !== 'caption') out.className = 'cda-caption';
  fill(out, node, depth);
  return out;
}

function fill(out, node, depth) {
  for (const c of node.childNodes) {
    const r = narrative(c, depth + 1);
    if (r) out.appendChild(r);
  }
}

function renderSection(sec, level) {
  const title = kid(sec, 'title');
  const text = kid(sec, 'text');
  const heading = el(level <= 3 ? 'h3' : 'h4', {},
    title ? title.textContent.trim() : 'Sezione senza titolo');
  const box = el('section', {}, heading);
  if (text) {
    const body = el('div', { class: 'cda-text' });
    fill(body, text, 0);
    box.appendChild(body);
  }
  for (const comp of kids(sec, 'component')) {
    const sub = kid(comp, 'section');
    if (sub) box.appendChild(renderSection(sub, level + 1));
  }
  return box;
}

// A DOM rendering of the CDA text; throws when it is not a CDA document.
export function renderCda(xmlText) {
  const doc = new DOMParser().parseFromString(xmlText, 'application/xml');
  const root = doc.documentElement;
  if (!root || root.getElementsByTagName('parsererror').length > 0 || root.localName !== 'ClinicalDocument'
      || root.namespaceURI !== NS) {
    throw new Error('Il documento clinico non è leggibile.');
  }
  const title = kid(root, 'title');
  const eff = kid(root, 'effectiveTime');
  const author = path(root, 'author', 'assignedAuthor', 'assignedPerson', 'name');
  const authorOrg = path(root, 'author', 'assignedAuthor', 'representedOrganization', 'name');
  const custodian = path(root, 'custodian', 'assignedCustodian', 'representedCustodianOrganization', 'name');
  const patient = path(root, 'recordTarget', 'patientRole', 'patient', 'name');
  const meta = el('dl', { class: 'meta' });
  const add = (k, v) => { if (v) meta.append(el('dt', {}, k), el('dd', {}, v)); };
  add('Assistito', personName(patient));
  add('Data', eff ? fmtDate(hl7Iso(eff.getAttribute('value') || '')) : '');
  add('Autore', personName(author));
  add('Struttura', (authorOrg || custodian) ? (authorOrg || custodian).textContent.trim() : '');
  const box = el('div', { class: 'cda' },
    el('h2', {}, title ? title.textContent.trim() : 'Documento clinico'), meta);
  const body = path(root, 'component', 'structuredBody');
  let n = 0;
  for (const comp of kids(body, 'component')) {
    const sec = kid(comp, 'section');
    if (sec) {
      box.appendChild(renderSection(sec, 3));
      n++;
    }
  }
  if (n === 0) box.appendChild(el('p', { class: 'empty' }, 'Il documento non contiene sezioni leggibili.'));
  return box;
}
