// web/monitoraggio/monitoraggio.js - the adoption dashboard: the indicators
// of /monitor/v1/indicators (per region and quarter, with the national
// aggregate) as key figures, a time series, a tile map of Italy, per-region
// bars and tables of the same numbers, the CSV download, and the node's
// volumes of /monitor/v1/volumes (docs/monitor.md). Public aggregate data:
// no session, no token. Charts: the vendored Chart.js (window.Chart, from
// /vendor/chartjs/). Text from the node is set as text, never as HTML.

import { el, clear, announce } from '/assets/ui.js?v=1';

const PALETTE = ['#0066cc', '#00703c', '#b71918', '#a66300', '#5c2d91', '#17324d', '#007a7a',
  '#8a4f00'];
const OUTCOME_COLORS = { '00': '#00703c', '05': '#7a9a01', '01': '#b71918', '02': '#a66300',
  '03': '#5c2d91', altro: '#5c6f82' };
// The tile map: [row, column] of each region on a 5-column grid shaped like
// Italy; the classes are in monitoraggio.css.
const TILES = {
  '041': [1, 3], '020': [2, 1], '030': [2, 2], '042': [2, 3], '050': [2, 4], '060': [2, 5],
  '010': [3, 1], '070': [3, 2], '080': [3, 3], '090': [4, 2], '100': [4, 3], '110': [4, 4],
  '120': [5, 3], '130': [5, 4], '140': [5, 5], '200': [6, 1], '150': [6, 4], '160': [6, 5],
  '170': [7, 5], '180': [8, 5], '190': [9, 4],
};
const SHORT = {
  '010': 'PIE', '020': 'VDA', '030': 'LOM', '041': 'BZ', '042': 'TN', '050': 'VEN', '060': 'FVG',
  '070': 'LIG', '080': 'EMR', '090': 'TOS', '100': 'UMB', '110': 'MAR', '120': 'LAZ', '130': 'ABR',
  '140': 'MOL', '150': 'CAM', '160': 'PUG', '170': 'BAS', '180': 'CAL', '190': 'SIC', '200': 'SAR',
};

// Short names of the indicators for the charts' legends (the tables and
// key figures give the full labels).
const SHORT_IND = { consenso: 'Consenso', utilizzo: 'Utilizzo (90 giorni)', mmg_pls: 'MMG e PLS attivi',
  specialisti: 'Specialisti attivi', tipologie: 'Tipologie disponibili' };

const pctFmt = new Intl.NumberFormat('it-IT', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const intFmt = new Intl.NumberFormat('it-IT');
const dayFmt = new Intl.DateTimeFormat('it-IT', { day: '2-digit', month: '2-digit', timeZone: 'UTC' });

const state = { data: null, volumes: null, charts: {}, quarter: null, indicator: 'consenso' };

function $(id) {
  return document.getElementById(id);
}

async function getJson(path) {
  const resp = await fetch(path, { cache: 'no-store', headers: { Accept: 'application/json' } });
  if (!resp.ok) {
    let detail = '';
    try {
      const body = await resp.json();
      detail = body.detail || body.title || '';
    } catch (e) {
      detail = '';
    }
    throw new Error(detail || `errore ${resp.status}`);
  }
  return resp.json();
}

// ---- Values ---------------------------------------------------------------

// The text of a ratio: "41,2%", "<10" (suppressed) or "n.d." (no denominator).
function pctText(r) {
  if (!r || r.suppressed) return '<10';
  if (r.pct === null || r.pct === undefined) return 'n.d.';
  return `${pctFmt.format(r.pct)}%`;
}

function ratioText(r) {
  if (!r || r.suppressed || !r.den) return '';
  return `${intFmt.format(r.num)} su ${intFmt.format(r.den)}`;
}

function pctValue(r) {
  return r && !r.suppressed && r.pct !== null && r.pct !== undefined ? r.pct : null;
}

function quarterLabel(q) {
  return `T${q.slice(5)} ${q.slice(0, 4)}`; // "T1 2025": primo trimestre
}

function regionName(code) {
  const r = (state.data.regions || []).find((x) => x.code === code);
  if (r) return r.name;
  if (code === 'ITA') return 'Italia';
  return code === '' ? 'Regione non indicata' : code;
}

function indicatorLabel(id) {
  const i = state.data.indicators.find((x) => x.id === id);
  return i ? i.label : id;
}

function period(q) {
  return state.data.quarters.find((p) => p.quarter === q) || state.data.quarters[state.data.quarters.length - 1];
}

function national(p) {
  return p.cells.find((c) => c.region === 'ITA');
}

function cellData(td, quarter, region, id, r) {
  td.dataset.quarter = quarter;
  td.dataset.region = region;
  td.dataset.indicator = id;
  if (r && r.suppressed) {
    td.dataset.suppressed = '1';
  } else if (r) {
    td.dataset.num = String(r.num);
    td.dataset.den = String(r.den);
  }
}

// ---- Charts ---------------------------------------------------------------

function chart(id, config) {
  if (state.charts[id]) state.charts[id].destroy();
  if (!window.Chart) return;
  config.options = Object.assign({
    animation: false,
    responsive: true,
    maintainAspectRatio: false,
    plugins: { legend: { position: 'bottom', labels: { boxWidth: 14 } } },
  }, config.options || {});
  state.charts[id] = new window.Chart($(id), config);
}

const pctScale = { min: 0, max: 100, ticks: { callback: (v) => `${v}%` } };

// ---- Rendering of the indicators --------------------------------------------

function renderKpi(p) {
  const nat = national(p);
  const box = clear($('kpi'));
  for (const ind of state.data.indicators) {
    const r = nat[ind.id];
    const fig = el('p', { class: 'kpi-value' }, pctText(r));
    cellData(fig, p.quarter, 'ITA', ind.id, r);
    box.appendChild(el('div', { class: 'kpi' }, fig,
      el('p', { class: 'kpi-label' }, ind.label),
      el('p', { class: 'kpi-sub' }, ratioText(r) || '\u00a0')));
  }
  box.appendChild(el('p', { class: 'hint kpi-note' },
    `${quarterLabel(p.quarter)}${p.partial ? ' (in corso, aggiornato a oggi)' : ''}.`));
}

function renderTrend() {
  const qs = state.data.quarters;
  chart('grafico-andamento', {
    type: 'line',
    data: {
      labels: qs.map((p) => quarterLabel(p.quarter)),
      datasets: state.data.indicators.map((ind, i) => ({
        label: SHORT_IND[ind.id] || ind.label,
        data: qs.map((p) => pctValue(national(p)[ind.id])),
        borderColor: PALETTE[i],
        backgroundColor: PALETTE[i],
        spanGaps: true,
        tension: 0.2,
      })),
    },
    options: { scales: { y: pctScale } },
  });
}

function level(v) {
  if (v === null) return 'lvl-na';
  return `lvl-${Math.min(4, Math.floor(v / 20))}`;
}

function renderMap(p) {
  const box = clear($('mappa'));
  const id = state.indicator;
  for (const reg of state.data.regions) {
    const c = p.cells.find((x) => x.region === reg.code);
    const r = c ? c[id] : null;
    const text = c ? pctText(r) : 'n.d.';
    const cls = r && r.suppressed ? 'lvl-s' : level(c ? pctValue(r) : null);
    const tile = el('div', {
      class: `tile tile-${reg.code} ${cls}`, role: 'listitem', tabindex: '0',
      'aria-label': `${reg.name}: ${text}`, title: `${reg.name}: ${text}`,
    }, el('span', { class: 'tile-code', 'aria-hidden': 'true' }, SHORT[reg.code] || reg.code),
    el('span', { class: 'tile-value', 'aria-hidden': 'true' }, text));
    box.appendChild(tile);
  }
  const legend = clear($('legenda'));
  const steps = [['lvl-0', '0-20%'], ['lvl-1', '20-40%'], ['lvl-2', '40-60%'], ['lvl-3', '60-80%'],
    ['lvl-4', '80-100%'], ['lvl-s', '<10 cittadini'], ['lvl-na', 'n.d.']];
  for (const [cls, text] of steps) {
    legend.appendChild(el('li', {}, el('span', { class: `swatch ${cls}`, 'aria-hidden': 'true' }), text));
  }
}

function renderBars(p) {
  const id = state.indicator;
  const rows = p.cells.filter((c) => c.region !== 'ITA' && pctValue(c[id]) !== null)
    .sort((a, b) => pctValue(b[id]) - pctValue(a[id]));
  const hidden = p.cells.filter((c) => c.region !== 'ITA' && c[id] && c[id].suppressed).length;
  $('didascalia-regioni').textContent = `${indicatorLabel(id)}, ${quarterLabel(p.quarter)}: `
    + `Regioni in ordine decrescente${hidden ? `; ${hidden} oscurate (<10)` : ''}. `
    + `Italia: ${pctText(national(p)[id])}.`;
  chart('grafico-regioni', {
    type: 'bar',
    data: {
      labels: rows.map((c) => regionName(c.region)),
      datasets: [{ label: indicatorLabel(id), data: rows.map((c) => pctValue(c[id])), backgroundColor: PALETTE[0] }],
    },
    options: { indexAxis: 'y', scales: { x: pctScale }, plugins: { legend: { display: false } } },
  });
}

function headRow(first, labels) {
  return el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, first),
    labels.map((l) => el('th', { scope: 'col' }, l))));
}

function valueCell(quarter, region, id, r) {
  const td = el('td', {}, el('span', { class: 'value' }, pctText(r)),
    ratioText(r) ? el('span', { class: 'ratio' }, ratioText(r)) : null);
  cellData(td, quarter, region, id, r);
  return td;
}

function renderTables(p) {
  const inds = state.data.indicators;
  const t1 = clear($('tabella-regioni'));
  t1.appendChild(el('caption', {}, `Valori per Regione, ${quarterLabel(p.quarter)}`));
  t1.appendChild(headRow('Regione', inds.map((i) => i.label)));
  const b1 = el('tbody');
  for (const c of p.cells) {
    b1.appendChild(el('tr', { class: c.region === 'ITA' ? 'row-total' : '' },
      el('th', { scope: 'row' }, regionName(c.region)),
      inds.map((i) => valueCell(p.quarter, c.region, i.id, c[i.id]))));
  }
  t1.appendChild(b1);

  const t2 = clear($('tabella-andamento'));
  t2.appendChild(el('caption', {}, 'Andamento nazionale per trimestre'));
  t2.appendChild(headRow('Trimestre', inds.map((i) => i.label)));
  const b2 = el('tbody');
  for (const q of state.data.quarters) {
    b2.appendChild(el('tr', {}, el('th', { scope: 'row' }, quarterLabel(q.quarter) + (q.partial ? ' (in corso)' : '')),
      inds.map((i) => valueCell(q.quarter, 'ITA', i.id, national(q)[i.id]))));
  }
  t2.appendChild(b2);
}

function renderIndicators() {
  const p = period(state.quarter);
  renderKpi(p);
  renderTrend();
  renderMap(p);
  renderBars(p);
  renderTables(p);
}

// ---- Rendering of the volumes ------------------------------------------------

function kpi(box, value, label) {
  box.appendChild(el('div', { class: 'kpi' }, el('p', { class: 'kpi-value' }, value),
    el('p', { class: 'kpi-label' }, label)));
}

function seconds(ms) {
  return ms === undefined ? 'n.d.' : `${pctFmt.format(ms / 1000)} s`;
}

function renderVolumes() {
  const v = state.volumes;
  const days = v.days.map((d) => dayFmt.format(new Date(`${d}T00:00:00Z`)));
  const box = clear($('volumi-kpi'));
  const valid = v.validation.outcomes.filter((o) => o.outcome === '00' || o.outcome === '05')
    .reduce((s, o) => s + o.total, 0);
  kpi(box, intFmt.format(v.published.total), 'Documenti pubblicati');
  kpi(box, intFmt.format(v.validation.total), 'Validazioni');
  kpi(box, v.validation.total ? `${pctFmt.format((100 * valid) / v.validation.total)}%` : 'n.d.',
    'Validazioni superate');
  kpi(box, seconds(v.latency.p50_ms), 'Latenza mediana di pubblicazione');
  kpi(box, seconds(v.latency.p95_ms), 'Latenza al 95° percentile');

  const top = v.published.types.slice(0, 6);
  const rest = v.published.types.slice(6);
  const datasets = top.map((t, i) => ({ label: t.label, data: t.counts, backgroundColor: PALETTE[i] }));
  if (rest.length) {
    datasets.push({ label: 'Altre tipologie', backgroundColor: '#5c6f82',
      data: v.days.map((_, d) => rest.reduce((s, t) => s + t.counts[d], 0)) });
  }
  chart('grafico-pubblicati', { type: 'bar', data: { labels: days, datasets },
    options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } } } });
  chart('grafico-validazioni', { type: 'bar', data: { labels: days,
    datasets: v.validation.outcomes.map((o) => ({ label: `${o.outcome} ${o.label}`, data: o.counts,
      backgroundColor: OUTCOME_COLORS[o.outcome] || '#5c6f82' })) },
  options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } } } });
  const byDay = new Map(v.latency.daily.map((d) => [d.day, d]));
  chart('grafico-latenza', { type: 'line', data: { labels: days, datasets: [
    { label: 'Mediana', data: v.days.map((d) => (byDay.has(d) ? byDay.get(d).p50_ms / 1000 : null)),
      borderColor: PALETTE[0], backgroundColor: PALETTE[0], spanGaps: true },
    { label: '95° percentile', data: v.days.map((d) => (byDay.has(d) ? byDay.get(d).p95_ms / 1000 : null)),
      borderColor: PALETTE[2], backgroundColor: PALETTE[2], spanGaps: true },
  ] }, options: { scales: { y: { beginAtZero: true, ticks: { callback: (s) => `${s} s` } } } } });

  const rules = clear($('tabella-regole'));
  rules.appendChild(el('caption', {}, 'Regole di validazione più spesso non superate'));
  rules.appendChild(headRow('Regola', ['Validazioni non superate']));
  rules.appendChild(el('tbody', {}, v.top_rules.length
    ? v.top_rules.map((r) => el('tr', {}, el('th', { scope: 'row' }, r.rule), el('td', {}, intFmt.format(r.count))))
    : el('tr', {}, el('td', { colspan: '2', class: 'empty' }, 'Nessuna validazione non superata nel periodo.'))));

  const types = clear($('tabella-tipi'));
  types.appendChild(el('caption', {}, 'Documenti pubblicati per tipologia nel periodo'));
  types.appendChild(headRow('Tipologia', ['Codice LOINC', 'Documenti']));
  types.appendChild(el('tbody', {}, v.published.types.map((t) => el('tr', {},
    el('th', { scope: 'row' }, t.label), el('td', {}, t.type_code || '-'),
    el('td', { dataset: { type: t.type_code } }, intFmt.format(t.total))))));
}

// ---- Controls -------------------------------------------------------------

function quarterOptions(select, last, count, chosen) {
  clear(select);
  let y = Number(last.slice(0, 4));
  let q = Number(last.slice(5));
  for (let i = 0; i < count; i++) {
    const v = `${y}Q${q}`;
    select.appendChild(el('option', { value: v, selected: v === chosen }, quarterLabel(v)));
    q -= 1;
    if (q === 0) { q = 4; y -= 1; }
  }
}

function fillControls() {
  const d = state.data;
  quarterOptions($('dal'), state.current, 40, d.from);
  quarterOptions($('al'), state.current, 40, d.to);
  const ind = clear($('indicatore'));
  for (const i of d.indicators) ind.appendChild(el('option', { value: i.id, selected: i.id === state.indicator }, i.label));
  const tq = clear($('trimestre'));
  for (const p of [...d.quarters].reverse()) {
    tq.appendChild(el('option', { value: p.quarter, selected: p.quarter === state.quarter },
      quarterLabel(p.quarter) + (p.partial ? ' (in corso)' : '')));
  }
  $('scarica-csv').href = `/monitor/v1/indicators.csv?from=${d.from}&to=${d.to}`;
}

function status(kind, text) {
  const box = clear($('stato'));
  if (kind === 'error') box.appendChild(el('div', { class: 'alert alert-error', role: 'alert' }, el('p', {}, text)));
  else if (text) box.appendChild(el('p', { class: 'hint' }, text));
}

async function loadIndicators(from, to) {
  const q = from && to ? `?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}` : '';
  status('info', 'Caricamento degli indicatori...');
  const data = await getJson(`/monitor/v1/indicators${q}`);
  state.data = data;
  if (!state.current) state.current = data.to;
  if (!data.quarters.some((p) => p.quarter === state.quarter)) state.quarter = data.to;
  fillControls();
  renderIndicators();
  status('info', `Dati aggiornati al ${new Date(data.generated).toLocaleString('it-IT')}.`);
  announce(`Indicatori da ${quarterLabel(data.from)} a ${quarterLabel(data.to)} caricati`);
}

async function loadVolumes(days) {
  state.volumes = await getJson(`/monitor/v1/volumes?days=${days}`);
  renderVolumes();
}

function wire() {
  $('filtri').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    let from = $('dal').value;
    let to = $('al').value;
    if (from > to) [from, to] = [to, from];
    state.indicator = $('indicatore').value;
    state.quarter = $('trimestre').value;
    try {
      await loadIndicators(from, to);
    } catch (e) {
      status('error', `Impossibile caricare gli indicatori: ${e.message}`);
    }
  });
  for (const id of ['indicatore', 'trimestre']) {
    $(id).addEventListener('change', () => {
      state.indicator = $('indicatore').value;
      state.quarter = $('trimestre').value;
      renderIndicators();
    });
  }
  $('filtri-volumi').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      await loadVolumes($('giorni').value);
    } catch (e) {
      status('error', `Impossibile caricare i volumi: ${e.message}`);
    }
  });
}

async function main() {
  wire();
  try {
    // Both at once: the node answers them one after the other, the page
    // renders each as it comes.
    await Promise.all([loadIndicators(), loadVolumes($('giorni').value)]);
    performance.mark('fse-monitoraggio-pronto');
    document.body.dataset.pronto = 'monitoraggio';
  } catch (e) {
    status('error', `Impossibile caricare il cruscotto: ${e.message}`);
    document.body.dataset.pronto = 'errore';
  }
}

main();
