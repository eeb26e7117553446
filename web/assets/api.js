// web/assets/api.js - the pages' only way to the node: the browser session
// (/web/session) and the JSON APIs (/fhir, /citizen/v1, /consult/v1). The
// session cookie is HttpOnly: the pages never see a token. Every method but
// GET and HEAD carries the session's CSRF token (docs/web.md).

let csrf = null;

export class ApiError extends Error {
  constructor(status, detail) {
    super(detail || `Errore ${status}`);
    this.status = status;
    this.detail = detail || '';
  }
}

// The readable reason of an error answer (problem+json or OperationOutcome).
async function reason(resp) {
  try {
    const body = await resp.json();
    if (body && body.resourceType === 'OperationOutcome' && body.issue && body.issue[0]) {
      return body.issue[0].diagnostics || body.issue[0].code || '';
    }
    return (body && (body.detail || body.title)) || '';
  } catch (e) {
    return '';
  }
}

async function send(path, { method = 'GET', body, accept } = {}) {
  const headers = {};
  if (accept) headers.Accept = accept;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD' && csrf) headers['X-CSRF-Token'] = csrf;
  const resp = await fetch(path, {
    method,
    headers,
    body: body !== undefined ? JSON.stringify(body) : undefined,
    credentials: 'same-origin',
    cache: 'no-store',
  });
  if (!resp.ok) {
    throw new ApiError(resp.status, await reason(resp));
  }
  return resp;
}

// JSON of a request (null for 204).
export async function api(path, opts = {}) {
  const resp = await send(path, opts);
  if (resp.status === 204) return null;
  return resp.json();
}

// Text of a request (the CDA as XML).
export async function apiText(path) {
  const resp = await send(path, { accept: 'application/xml' });
  return resp.text();
}

// The session: {logged_in, cf, role, patient, purpose, organization, csrf, ...}.
export async function session() {
  const s = await api('/web/session');
  csrf = s.logged_in ? s.csrf : null;
  return s;
}

export async function login(identity) {
  const s = await api('/web/session', { method: 'POST', body: identity });
  csrf = s.csrf;
  return s;
}

export async function setContext(patient, purpose) {
  const s = await api('/web/session/context', { method: 'PUT', body: { patient, purpose } });
  csrf = s.csrf;
  return s;
}

export async function logout() {
  try {
    await api('/web/session', { method: 'DELETE' });
  } finally {
    csrf = null;
  }
}

// The demo identity provider's people (fse demo only): null when absent.
export async function demoPeople() {
  try {
    const resp = await fetch('/demo/idp/people', { credentials: 'same-origin' });
    if (!resp.ok) return null;
    const j = await resp.json();
    return Array.isArray(j.people) ? j.people : null;
  } catch (e) {
    return null;
  }
}

const CF_SYSTEM = 'http://hl7.it/sid/codiceFiscale';

// The documents of a patient the session may see (FHIR searchset, all pages
// up to max), each a DocumentReference.
export async function searchDocuments(cf, { type, from, to, max = 200 } = {}) {
  const q = new URLSearchParams();
  q.set('patient.identifier', `${CF_SYSTEM}|${cf}`);
  if (type) q.set('type', `http://loinc.org|${type}`);
  if (from) q.append('date', `ge${from}`);
  if (to) q.append('date', `le${to}`);
  q.set('_count', '100');
  const docs = [];
  let offset = 0;
  let total = 0;
  do {
    q.set('_offset', String(offset));
    const b = await api(`/fhir/DocumentReference?${q}`, { accept: 'application/fhir+json' });
    total = typeof b.total === 'number' ? b.total : 0;
    for (const e of b.entry || []) docs.push(e.resource);
    if (!b.entry || b.entry.length === 0) break;
    offset += b.entry.length;
  } while (offset < total && docs.length < max);
  return { docs, total };
}

export async function readDocument(id) {
  return api(`/fhir/DocumentReference/${encodeURIComponent(id)}`, { accept: 'application/fhir+json' });
}

// The FHIR Patient of a codice fiscale, or null.
export async function findPatient(cf) {
  const b = await api(`/fhir/Patient?identifier=${encodeURIComponent(`${CF_SYSTEM}|${cf}`)}`,
    { accept: 'application/fhir+json' });
  return b.entry && b.entry[0] ? b.entry[0].resource : null;
}

export async function patientSummary(patientId) {
  return api(`/fhir/Patient/${encodeURIComponent(patientId)}/$summary`,
    { accept: 'application/fhir+json' });
}

// /citizen/v1/patients/{cf}/<rest>
export function citizen(cf, rest, opts) {
  return api(`/citizen/v1/patients/${encodeURIComponent(cf)}/${rest}`, opts);
}
