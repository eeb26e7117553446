// tests/browser/monitor.test.mjs - the adoption dashboard (/monitoraggio/)
// in a real browser against a real node: `fse demo --regions R --quarters Q`
// on 127.0.0.1, driven with Debian's chromium through playwright-core
// (never a downloaded browser).
//
// The dashboard's numbers must equal an independent recomputation from the
// node's SQLite file: this script computes every indicator of every region
// and quarter with its own SQL (the sqlite3 command, read-only), its own
// quarter boundaries (Europe/Rome through Intl, not the C arithmetic), its
// own table of the 16 monitored types and its own suppression, then
// compares them with the numerator and denominator of every cell of the
// page's tables and key figures, the percentages shown, the map's tiles and
// the CSV download. Also: no console errors and no 4xx/5xx, the charts
// drawn, the controls labelled and reachable by keyboard, a narrow
// viewport; screenshots under <artifacts>/; the time to a ready page is
// reported (not asserted).
//
// Usage: node monitor.test.mjs --fse BUILD/fse --dir BUILD/browser-monitor-node
//        --artifacts BUILD/browser-artifacts/monitoraggio
// Exit: 0 passed, 1 failed, 77 skipped (no chromium, playwright-core or sqlite3).

import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => {
  if (a.startsWith('--')) acc.push([a.slice(2), all[i + 1] && !all[i + 1].startsWith('--') ? all[i + 1] : true]);
  return acc;
}, []));
const FSE = args.fse;
const DIR = args.dir;
const ART = args.artifacts;
const REGIONS = String(args.regions || 6);
const QUARTERS = Number(args.quarters || 6);
const CHROMIUM = process.env.FSE_CHROMIUM || '/usr/bin/chromium';
const SKIP = 77;

if (!FSE || !DIR || !ART) {
  console.error('usage: node monitor.test.mjs --fse FSE --dir NODE_DIR --artifacts DIR');
  process.exit(2);
}
if (!existsSync(CHROMIUM)) {
  console.log(`SKIP: ${CHROMIUM} not found (scripts/install-deps installs Debian's chromium)`);
  process.exit(SKIP);
}
try {
  execFileSync('sqlite3', ['-version'], { stdio: 'ignore' });
} catch (e) {
  console.log('SKIP: the sqlite3 command is missing (scripts/packages.txt)');
  process.exit(SKIP);
}
let chromium;
try {
  ({ chromium } = await import('playwright-core'));
} catch (e) {
  console.log('SKIP: playwright-core missing (scripts/install-deps runs npm ci in tests/browser)');
  process.exit(SKIP);
}

const results = [];
let failures = 0;

function check(name, ok, detail = '') {
  results.push({ name, ok, detail });
  if (!ok) failures++;
  console.log(`${ok ? 'ok' : 'FAIL'} - ${name}${detail ? ` (${detail})` : ''}`);
}

// ---- The node ----

function startNode() {
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
  const log = createWriteStream(join(ART, 'node.log'));
  const child = spawn(FSE, ['demo', '--dir', DIR, '--count', '20', '--port', '0', '--seed', '20260801',
    '--regions', REGIONS, '--quarters', String(QUARTERS)], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr.pipe(log);
  return new Promise((resolve, reject) => {
    let port = 0;
    const timer = setTimeout(() => reject(new Error('fse demo did not get ready in 240 s')), 240000);
    const rl = createInterface({ input: child.stdout });
    rl.on('line', (line) => {
      log.write(`${line}\n`);
      const m = line.match(/http:\/\/127\.0\.0\.1:(\d+)/);
      if (m && !port) port = Number(m[1]);
      if (line.includes('until Ctrl-C') && port) {
        clearTimeout(timer);
        resolve({ child, port });
      }
    });
    child.on('exit', (code) => reject(new Error(`fse demo exited (${code}) before it was ready`)));
  });
}

function stopNode(node) {
  return new Promise((resolve) => {
    if (node.child.exitCode !== null) {
      resolve(node.child.exitCode);
      return;
    }
    node.child.on('exit', (code) => resolve(code));
    node.child.kill('SIGTERM');
    setTimeout(() => node.child.kill('SIGKILL'), 30000).unref();
  });
}

// ---- The independent recomputation ----

// The 16 monitored types by LOINC code (docs/monitor.md, this test's copy).
const MONITORED = {
  '11502-2': 'LAB', '68604-8': 'RAD', '11526-1': 'RAP', '11488-4': 'RSA', '75496-0': 'RSA',
  '85208-7': 'RSA', '59258-4': 'VPS', '34105-7': 'LDO', '18842-5': 'LDO', '60591-5': 'PSS',
  '57833-6': 'PRF', '57832-8': 'PRS', '100971-1': 'CCL', '29304-3': 'EFA', '87273-9': 'SING_VACC',
  '82593-5': 'CERT_VACC', '81223-0': 'ESP', '101881-1': 'TPI', '108276-7': 'INV',
};
const DAY = 86400000;

function sql(db, text) {
  const out = execFileSync('sqlite3', ['-readonly', '-json', db, text], { encoding: 'utf8', maxBuffer: 64 << 20 });
  return out.trim() ? JSON.parse(out) : [];
}

// UTC ms of 00:00 in Rome of a date, through the platform's time zone data.
function romeMidnight(y, m, d) {
  const guess = Date.UTC(y, m - 1, d);
  for (const off of [1, 2]) {
    const t = guess - off * 3600000;
    const parts = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Rome', hour12: false,
      year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }).formatToParts(new Date(t));
    const get = (k) => parts.find((p) => p.type === k).value;
    if (Number(get('day')) === d && get('hour') === '00' && get('minute') === '00') return t;
  }
  throw new Error(`no Rome midnight for ${y}-${m}-${d}`);
}

function quarterStart(q) {
  const y = Number(q.slice(0, 4));
  const n = Number(q.slice(5));
  return romeMidnight(y, (n - 1) * 3 + 1, 1);
}

function nextQuarter(q) {
  const y = Number(q.slice(0, 4));
  const n = Number(q.slice(5));
  return n === 4 ? `${y + 1}Q1` : `${y}Q${n + 1}`;
}

function add(map, region, id, num, den) {
  if (!map.has(region)) map.set(region, {});
  const c = map.get(region);
  c[id] = { num: (c[id]?.num || 0) + num, den: (c[id]?.den || 0) + den };
}

// Every cell of one quarter [start, end): Map region -> {indicator: {num, den}}.
function recompute(db, start, end) {
  const cells = new Map();
  const cit = `('ASS','TUT','GEN','ING')`;
  for (const r of sql(db, `
      WITH last AS (SELECT patient_ref, given, row_number() OVER (PARTITION BY patient_ref
                      ORDER BY time_ms DESC, id DESC) AS rn
                    FROM consents WHERE purpose = 0 AND time_ms < ${end})
      SELECT coalesce(p.region, '') AS region, count(*) AS den, sum(coalesce(l.given, 0)) AS num
      FROM patients p LEFT JOIN last l ON l.patient_ref = p.patient_ref AND l.rn = 1
      WHERE p.created_ms < ${end} GROUP BY 1`)) {
    add(cells, r.region, 'consenso', r.num, r.den);
  }
  for (const r of sql(db, `
      SELECT coalesce(p.region, '') AS region, count(DISTINCT p.patient_ref) AS den,
             count(DISTINCT a.patient_ref) AS num
      FROM patients p JOIN documents d ON d.patient_ref = p.patient_ref AND d.created_ms < ${end}
      LEFT JOIN audit_log a ON a.patient_ref = p.patient_ref AND a.outcome = 0
           AND a.purpose = 'PERSONAL' AND a.role IN ${cit}
           AND a.time_ms >= ${end - 90 * DAY} AND a.time_ms < ${end}
      WHERE p.created_ms < ${end} GROUP BY 1`)) {
    add(cells, r.region, 'utilizzo', r.num, r.den);
  }
  for (const r of sql(db, `
      SELECT region, count(*) AS den, sum(active) AS num FROM (
        SELECT coalesce(p.region, '') AS region, p.gp_ref,
               max(a.seq IS NOT NULL) AS active
        FROM patients p LEFT JOIN audit_log a ON a.actor_ref = p.gp_ref AND a.role = 'APR'
             AND a.outcome = 0 AND a.time_ms >= ${start} AND a.time_ms < ${end}
        WHERE p.gp_ref IS NOT NULL AND p.created_ms < ${end} AND p.gp_from_ms < ${end}
          AND (p.gp_to_ms IS NULL OR p.gp_to_ms > ${start})
        GROUP BY 1, 2) GROUP BY region`)) {
    add(cells, r.region, 'mmg_pls', r.num, r.den);
  }
  for (const r of sql(db, `
      SELECT region, count(*) AS den, sum(active) AS num FROM (
        SELECT pr.region, pr.actor_ref, max(a.seq IS NOT NULL) AS active
        FROM professionals pr LEFT JOIN audit_log a ON a.actor_ref = pr.actor_ref
             AND a.outcome = 0 AND a.time_ms >= ${start} AND a.time_ms < ${end}
        WHERE pr.role IN ('AAS','DRS','MRP','RSA') AND pr.enabled_from_ms < ${end}
          AND (pr.enabled_to_ms IS NULL OR pr.enabled_to_ms > ${start})
        GROUP BY 1, 2) GROUP BY region`)) {
    add(cells, r.region, 'specialisti', r.num, r.den);
  }
  const types = new Map();
  for (const r of sql(db, `
      SELECT DISTINCT coalesce(p.region, '') AS region, d.type_code AS type
      FROM documents d JOIN patients p ON p.patient_ref = d.patient_ref
      WHERE d.created_ms < ${end} AND d.type_code IS NOT NULL`)) {
    if (!MONITORED[r.type]) continue;
    if (!types.has(r.region)) types.set(r.region, new Set());
    types.get(r.region).add(MONITORED[r.type]);
  }
  for (const [region, c] of cells) {
    for (const id of ['consenso', 'utilizzo', 'mmg_pls', 'specialisti']) c[id] ||= { num: 0, den: 0 };
    c.tipologie = { num: types.has(region) ? types.get(region).size : 0, den: 16 };
  }
  // The national aggregate: the sums; document types over 3-digit regions.
  const nat = {};
  for (const id of ['consenso', 'utilizzo', 'mmg_pls', 'specialisti', 'tipologie']) {
    nat[id] = { num: 0, den: 0 };
    for (const [region, c] of cells) {
      if (id === 'tipologie' && region.length !== 3) continue;
      nat[id].num += c[id].num;
      nat[id].den += c[id].den;
    }
  }
  // Suppression: a citizens' count of 1-9; one region alone takes the
  // smallest other (or the national figure) with it.
  const small = (v) => v > 0 && v < 10;
  for (const id of ['consenso', 'utilizzo']) {
    const regs = [...cells.values()];
    for (const c of [...regs, nat]) c[id].suppressed = small(c[id].num) || small(c[id].den);
    if (regs.filter((c) => c[id].suppressed).length === 1 && !nat[id].suppressed) {
      const pick = regs.filter((c) => !c[id].suppressed && c[id].den > 0)
        .sort((a, b) => a[id].den - b[id].den)[0];
      (pick || nat)[id].suppressed = true;
    }
  }
  cells.set('ITA', nat);
  return cells;
}

function pctText(r) {
  if (r.suppressed) return '<10';
  if (!r.den) return 'n.d.';
  const tenths = Math.floor((r.num * 2000 + r.den) / (2 * r.den));
  return `${Math.floor(tenths / 10)},${tenths % 10}%`;
}

// ---- The page ----

const problems = [];

function watch(page) {
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`${r.status()} ${new URL(r.url()).pathname}`); });
}

async function tableCells(page, selector) {
  return page.$$eval(`${selector} td[data-indicator]`, (tds) => tds.map((td) => ({
    quarter: td.dataset.quarter, region: td.dataset.region, id: td.dataset.indicator,
    num: td.dataset.num === undefined ? null : Number(td.dataset.num),
    den: td.dataset.den === undefined ? null : Number(td.dataset.den),
    suppressed: td.dataset.suppressed === '1', text: td.querySelector('.value').textContent,
  })));
}

function compare(name, shown, expected) {
  let bad = [];
  for (const c of shown) {
    const e = expected.get(c.quarter)?.get(c.region)?.[c.id];
    if (!e) {
      bad.push(`${c.quarter} ${c.region} ${c.id}: not recomputed`);
    } else if (!!e.suppressed !== c.suppressed || (!e.suppressed && (e.num !== c.num || e.den !== c.den))
        || pctText(e) !== c.text) {
      bad.push(`${c.quarter} ${c.region} ${c.id}: page ${c.suppressed ? '<10' : `${c.num}/${c.den}`} "${c.text}", `
        + `database ${e.suppressed ? '<10' : `${e.num}/${e.den}`} "${pctText(e)}"`);
    }
  }
  check(name, shown.length > 0 && bad.length === 0,
    bad.length ? bad.slice(0, 5).join('; ') : `${shown.length} cells`);
}

async function main() {
  mkdirSync(ART, { recursive: true });
  const t0 = Date.now();
  const node = await startNode();
  const base = `http://127.0.0.1:${node.port}`;
  console.log(`node on ${base} after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const db = join(DIR, 'node.db');
  let browser;
  try {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const ctx = await browser.newContext({ baseURL: base, locale: 'it-IT', viewport: { width: 1280, height: 900 } });
    const page = await ctx.newPage();
    watch(page);
    await page.goto('/monitoraggio/');
    await page.waitForSelector('body[data-pronto="monitoraggio"]', { timeout: 60000 });
    const loadMs = await page.evaluate(() => {
      const m = performance.getEntriesByName('fse-monitoraggio-pronto')[0];
      return m ? Math.round(m.startTime) : -1;
    });
    check('the dashboard is ready', loadMs >= 0, `${loadMs} ms from navigation`);

    // The quarters the page shows (the last 8 by default): recompute each.
    const data = await (await fetch(`${base}/monitor/v1/indicators`)).json();
    const expected = new Map();
    for (const q of data.quarters) {
      const start = quarterStart(q.quarter);
      const end = q.partial ? Date.parse(q.end) : quarterStart(nextQuarter(q.quarter));
      check(`${q.quarter} starts at 00:00 in Rome`, Date.parse(q.start) === start, q.start);
      expected.set(q.quarter, recompute(db, start, end));
    }
    const regions = [...expected.get(data.to).keys()].filter((r) => r !== 'ITA');
    check('several regions', regions.length >= Number(REGIONS), regions.join(' '));
    check('several quarters', data.quarters.length === 8 && QUARTERS >= 6);

    compare('regions table equals the database (latest quarter)', await tableCells(page, '#tabella-regioni'), expected);
    compare('national table equals the database (every quarter)', await tableCells(page, '#tabella-andamento'), expected);
    const kpi = await page.$$eval('#kpi .kpi-value', (ps) => ps.map((p) => ({
      quarter: p.dataset.quarter, region: p.dataset.region, id: p.dataset.indicator,
      num: p.dataset.num === undefined ? null : Number(p.dataset.num),
      den: p.dataset.den === undefined ? null : Number(p.dataset.den),
      suppressed: p.dataset.suppressed === '1', text: p.textContent })));
    compare('key figures equal the database', kpi, expected);
    const anySuppressed = [...expected.values()].some((m) => [...m.values()].some((c) => c.consenso.suppressed || c.utilizzo.suppressed));
    check('small cells are suppressed somewhere in the data', anySuppressed);
    const shownSuppressed = await page.$$eval('#tabella-regioni td[data-suppressed="1"] .value', (v) => v.map((x) => x.textContent));
    check('suppressed cells show <10', shownSuppressed.every((t) => t === '<10'), `${shownSuppressed.length} in the latest quarter`);
    await page.screenshot({ path: join(ART, 'monitoraggio.png'), fullPage: true });

    // Another quarter through the controls, by keyboard.
    const older = data.quarters[2].quarter;
    await page.focus('#trimestre');
    await page.selectOption('#trimestre', older);
    await page.selectOption('#indicatore', 'utilizzo');
    await page.waitForFunction((q) => document.querySelector('#tabella-regioni td[data-quarter]')?.dataset.quarter === q, older);
    compare(`regions table equals the database (${older})`, await tableCells(page, '#tabella-regioni'), expected);
    const tiles = await page.$$eval('#mappa .tile', (ts) => ts.map((t) => t.getAttribute('aria-label')));
    const tileBad = [];
    for (const region of regions.filter((r) => r.length === 3)) {
      const e = expected.get(older).get(region).utilizzo;
      const name = data.regions.find((r) => r.code === region).name;
      if (!tiles.includes(`${name}: ${pctText(e)}`)) tileBad.push(`${name}: ${pctText(e)}`);
    }
    check('the map shows each region\'s value', tiles.length === 21 && tileBad.length === 0, tileBad.join('; '));
    check('charts are drawn', await page.$$eval('canvas', (cs) => cs.every((c) => c.width > 0 && c.getAttribute('aria-label'))));
    check('every control has a label', await page.$$eval('select', (ss) => ss.every((s) => s.labels.length === 1)));
    await page.screenshot({ path: join(ART, 'monitoraggio-trimestre.png'), fullPage: true });

    // The CSV download of the range shown.
    const href = await page.getAttribute('#scarica-csv', 'href');
    const csv = await (await fetch(`${base}${href}`)).text();
    const lines = csv.trim().split('\r\n');
    let csvBad = 0;
    for (const line of lines.slice(1)) {
      const [q, region, , id, num, den, pct] = line.split(';');
      const e = expected.get(q)?.get(region)?.[id];
      const want = e && (e.suppressed ? '<10;<10;<10' : `${e.num};${e.den};${e.den ? pctText(e).slice(0, -1) : ''}`);
      if (want !== `${num};${den};${pct}`) csvBad++;
    }
    check('the CSV equals the database', lines.length > 1 && csvBad === 0, `${lines.length - 1} lines, ${csvBad} different`);

    // Volumes: documents per type over the last 30 days, as the database has them.
    const from = romeMidnight(...(() => {
      const d = new Date(Date.now() - 29 * DAY);
      const p = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Rome' }).format(d).split('-').map(Number);
      return p;
    })());
    const vol = sql(db, `SELECT coalesce(type_code, '') AS type, count(*) AS n FROM documents
                         WHERE created_ms >= ${from} GROUP BY 1`);
    const shownTypes = await page.$$eval('#tabella-tipi td[data-type]', (tds) => tds.map((td) => [td.dataset.type, td.textContent]));
    const volBad = vol.filter((v) => !shownTypes.some(([t, n]) => t === v.type && n.replace(/\./g, '') === String(v.n)));
    check('published documents per type equal the database', vol.length > 0 && volBad.length === 0 && shownTypes.length === vol.length,
      volBad.map((v) => `${v.type} ${v.n}`).join('; '));

    // A phone.
    const phone = await browser.newContext({ baseURL: base, locale: 'it-IT', viewport: { width: 375, height: 812 } });
    const small = await phone.newPage();
    watch(small);
    await small.goto('/monitoraggio/');
    await small.waitForSelector('body[data-pronto="monitoraggio"]', { timeout: 60000 });
    check('no horizontal scrolling on a phone', await small.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1));
    await small.screenshot({ path: join(ART, 'monitoraggio-telefono.png'), fullPage: true });
    check('no console errors and no 4xx/5xx', problems.length === 0, problems.slice(0, 5).join('; '));
    writeFileSync(join(ART, 'report.json'), JSON.stringify({ load_ms: loadMs, results }, null, 2));
  } finally {
    if (browser) await browser.close();
    await stopNode(node);
  }
}

try {
  await main();
} catch (e) {
  check('the test ran to the end', false, e.stack || String(e));
}
console.log(`${results.length - failures} passed, ${failures} failed`);
process.exit(failures === 0 ? 0 : 1);
