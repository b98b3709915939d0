// dmc_dashboard: the area and national dashboards (DMC-5) through the real
// binary — every school's learners by grade × sex equal its active
// learners, the area's kept counts (dmc_area_counts, by triggers) follow
// an add and a move between schools, the change since the last round
// comes from what was certified in the two rounds, learners recorded in
// two places are listed for the area to resolve (same names and birth
// date at two schools; one learner certified by two schools in a round)
// and resolved with a note (an empty note refused, nothing changed), the
// exports (CSV, XLSX) hold the same numbers, the national page sums the
// areas, and a school role is refused. The test clock (X-Khet-Test-Now)
// walks the rounds' windows.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, AddressClient, ipSequence, citizenId, unzip, parseCsv } from './lib.mjs';

const PW = 'khet-demo-2567';
let server, area, s1, s2, admin1, admin2, director, director2, areaOfficer, obec, r1, r2;
const nextIp = ipSequence('10.67');
async function as(login) {
  const c = new AddressClient(server.base, nextIp());
  await c.get('/signin');
  const r = await c.post('/signin', { login, password: PW });
  assert.equal(r.status, 303, `sign in ${login}: ${r.status}`);
  return c;
}
const sql = (q) => server.sql(q);
const count = (q) => Number(sql(q));
const at = (t) => ({ headers: { 'x-khet-test-now': String(t) } });
let seq = 0;
const newId = () => citizenId('17' + String(Date.now() % 1e6).padStart(6, '0') + String(++seq).padStart(4, '0'));
const learner = (over = {}) => ({
  citizen_id: newId(), gcode: '', title: 'girl', first_name: 'แดชบอร์ด', last_name: 'ทดสอบ', sex: 'F',
  birth_date: '2017-05-06', nationality: 'TH', grade: 'p3', room: '1', weight: '', height: '',
  disadvantaged: 'none', disability: 'none', guardian_name: '', guardian_phone: '', address: '', ...over,
});
async function add(c, school, over = {}) {
  const f = learner(over);
  const r = await c.post(`/dmc/schools/${school}/learners/new`, f);
  assert.equal(r.status, 303, `add: ${r.status} ${r.text.slice(0, 300)}`);
  return { id: Number(r.headers.get('location').split('/').pop()), ...f };
}
const active = (school) => count(`SELECT COUNT(*) FROM dmc_learners WHERE school_id = ${school} AND status = 'active'`);
async function fetchBytes(c, path) {
  const res = await fetch(`${server.base}${path}`, { headers: { cookie: c.cookieHeader(), 'x-forwarded-for': c.ip } });
  return { status: res.status, type: res.headers.get('content-type'), bytes: Buffer.from(await res.arrayBuffer()) };
}
// The area's kept counts equal the sum of its schools' counts, and those
// the active learners, grade by grade and sex by sex.
function assertKept() {
  const bad = count(`SELECT COUNT(*) FROM (SELECT s.area_id, l.grade, l.sex, COUNT(*) AS n FROM dmc_learners l
    JOIN schools s ON s.id = l.school_id WHERE l.status = 'active' GROUP BY s.area_id, l.grade, l.sex) x
    LEFT JOIN dmc_area_counts a ON a.area_id = x.area_id AND a.grade = x.grade AND a.sex = x.sex
    WHERE a.n IS NULL OR a.n <> x.n`);
  assert.equal(bad, 0, 'dmc_area_counts follows the learners');
  assert.equal(count('SELECT COALESCE(SUM(n), 0) FROM dmc_area_counts'), count("SELECT COUNT(*) FROM dmc_learners WHERE status = 'active'"));
}

before(async () => {
  server = await startServer({ args: ['--trust-proxy'] });
  area = Number(sql("SELECT id FROM areas WHERE code = '3502'"));
  s1 = Number(sql(`SELECT id FROM schools WHERE area_id = ${area} ORDER BY obec_code LIMIT 1`));
  s2 = Number(sql(`SELECT id FROM schools WHERE area_id = ${area} ORDER BY obec_code LIMIT 1 OFFSET 1`));
  // the second school's director, to certify there
  sql(`INSERT INTO grants (user_id, role, school_id, area_id, granted_at) SELECT id, 'director', ${s2}, ${area}, 0 FROM users WHERE username = 'teacher'`);
  sql(`INSERT INTO grants (user_id, role, granted_at) SELECT id, 'dmc_viewer', 0 FROM users WHERE username = 'citizen'`);
  admin1 = await as('schooladmin');
  admin2 = await as('schooladmin2');
  director = await as('schooldirector');
  director2 = await as('teacher');
  areaOfficer = await as('dmcarea');
  obec = await as('citizen');
  // the last two rounds laid out, in order
  const rows = sql('SELECT id, open_at FROM dmc_rounds ORDER BY academic_year DESC, round_no DESC LIMIT 2').split('\n').map((l) => l.split('|').map(Number));
  r2 = { id: rows[0][0], open_at: rows[0][1] };
  r1 = { id: rows[1][0], open_at: rows[1][1] };
});
after(async () => { await server?.stop(); });

// s1 confirmed and certified in a round at its window (once: each test may run alone)
async function certifyS1(rd) {
  if (count(`SELECT COUNT(*) FROM dmc_round_schools WHERE round_id = ${rd.id} AND school_id = ${s1} AND certified_at IS NOT NULL`)) return;
  assert.equal((await admin1.post(`/dmc/schools/${s1}/rounds/${rd.id}/confirm`, {}, at(rd.open_at))).status, 303);
  assert.equal((await director.post(`/dmc/schools/${s1}/rounds/${rd.id}/certify`, {}, at(rd.open_at + 60))).status, 303);
}

async function switchTo(c, role, school) {
  const g = Number(sql(`SELECT g.id FROM grants g JOIN users u ON u.id = g.user_id WHERE u.username = 'teacher' AND g.role = '${role}' AND g.school_id = ${school}`));
  const r = await c.post('/session/role', { role: String(g), next: `/dmc/schools/${school}` });
  assert.equal(r.status, 303, `switch role: ${r.status}`);
}

// The area's HTML page shows 25 schools a page: every page of it as one
// text (a school's row is checked on the page it is on).
async function areaHtmlAll(c, query = '', opts = {}) {
  const first = await c.get(`/dmc/areas/${area}${query}`, opts);
  assert.equal(first.status, 200, first.text.slice(0, 300));
  const pages = Number(/หน้า \d+ จาก (\d+)/.exec(first.text)[1]);
  let text = first.text;
  for (let p = 2; p <= pages; p++) {
    const r = await c.get(`/dmc/areas/${area}${query}${query ? '&' : '?'}page=${p}`, opts);
    assert.equal(r.status, 200);
    text += r.text;
  }
  return { status: first.status, text, pages };
}
const rowIds = (text) => [...text.matchAll(/<tr><th scope="row"><a href="\/dmc\/schools\/(\d+)">/g)].map((m) => Number(m[1]));

test('the area dashboard: each school\'s learners by grade × sex are its active learners; the kept counts follow changes', async () => {
  assertKept();
  const before = await areaOfficer.get(`/dmc/areas/${area}`, { json: true });
  assert.equal(before.status, 200);
  const row = (d, sid) => d.json.schools.find((x) => x.school_id === sid);
  assert.equal(row(before, s1).total, active(s1));
  // one recount for every grade (a psql per cell took long enough on a
  // busy machine for the server to close the clients' idle connections)
  const recount = new Map(sql(`SELECT grade || sex, COUNT(*) FROM dmc_learners WHERE school_id = ${s1} AND status = 'active' GROUP BY grade, sex`)
    .split('\n').filter(Boolean).map((l) => l.split('|')).map(([k, n]) => [k, Number(n)]));
  for (const c of row(before, s1).all_grades) {
    assert.equal(c.male, recount.get(c.grade + 'M') ?? 0, `${c.grade} boys`);
    assert.equal(c.female, recount.get(c.grade + 'F') ?? 0, `${c.grade} girls`);
  }
  assert.equal(before.json.total, count(`SELECT COUNT(*) FROM dmc_learners l JOIN schools s ON s.id = l.school_id WHERE s.area_id = ${area} AND l.status = 'active'`));
  // add at s1, move one from s1 to s2: both schools' rows and the area's counts follow
  const l = await add(admin1, s1, { first_name: 'นับใหม่' });
  const mv = await admin2.post(`/dmc/schools/${s2}/move-in`, { citizen_id: l.citizen_id, grade: '', room: '1' });
  assert.equal(mv.status, 303, mv.text.slice(0, 300));
  assertKept();
  const after = await areaOfficer.get(`/dmc/areas/${area}`, { json: true });
  assert.equal(row(after, s1).total, row(before, s1).total);
  assert.equal(row(after, s2).total, row(before, s2).total + 1);
  assert.equal(row(after, s2).all_grades.find((c) => c.grade === 'p3').female, row(before, s2).all_grades.find((c) => c.grade === 'p3').female + 1);
  assert.equal(after.json.total, before.json.total + 1);
  const html = await areaHtmlAll(areaOfficer);
  assert.match(html.text, /<svg[^>]*role="img"/, 'the chart');
  assert.match(html.text, /ป\.3/);
  // the page's table: every school's row holds its own counts (each count
  // row is matched to its school by id, whatever order they come in), the
  // same as the JSON's shown grades and as its learners in the database
  const cellsOf = (sid) => {
    const m = new RegExp(`<a href="/dmc/schools/${sid}">[\\s\\S]*?</tr>`).exec(html.text);
    assert.ok(m, `the row of school ${sid}`);
    return [...m[0].matchAll(/<td class="num">(\d+)\/(\d+)<\/td>/g)].map((x) => `${x[1]}/${x[2]}`);
  };
  assert.ok(after.json.schools.length >= 2);
  for (const s of after.json.schools) {
    assert.deepEqual(cellsOf(s.school_id), s.grades.map((c) => `${c.male}/${c.female}`), `school ${s.school_id}`);
    assert.equal(s.grades.reduce((a, c) => a + c.total, 0), active(s.school_id), `school ${s.school_id}'s learners`);
  }
  assert.deepEqual(cellsOf(s2).length, after.json.grade_heads.length);
  // a school role sees its school, not the area
  assert.equal((await admin1.get(`/dmc/areas/${area}`)).status, 403);
});

test('change since the last round: what a school certified in this round against the last', async () => {
  // the last round: s1 certifies at its window
  assert.equal((await admin1.post(`/dmc/schools/${s1}/rounds/${r1.id}/confirm`, {}, at(r1.open_at))).status, 303);
  assert.equal((await director.post(`/dmc/schools/${s1}/rounds/${r1.id}/certify`, {}, at(r1.open_at + 60))).status, 303);
  const first = active(s1);
  // two more learners, then this round
  await add(admin1, s1, { first_name: 'เพิ่มหนึ่ง' });
  await add(admin1, s1, { first_name: 'เพิ่มสอง' });
  const mid = await areaOfficer.get(`/dmc/areas/${area}?round=${r2.id}`, { json: true, ...at(r2.open_at - 3600) });
  const m1 = mid.json.schools.find((x) => x.school_id === s1);
  assert.equal(m1.prev_total, first);
  assert.equal(m1.certified_total, null);
  assert.equal(m1.change, 2, 'not certified yet: today\'s learners against the last round');
  assert.equal((await admin1.post(`/dmc/schools/${s1}/rounds/${r2.id}/confirm`, {}, at(r2.open_at))).status, 303);
  assert.equal((await director.post(`/dmc/schools/${s1}/rounds/${r2.id}/certify`, {}, at(r2.open_at + 60))).status, 303);
  // a learner added after certifying does not move this round's figure
  await add(admin1, s1, { first_name: 'หลังรับรอง' });
  const d = await areaOfficer.get(`/dmc/areas/${area}?round=${r2.id}`, { json: true, ...at(r2.open_at + 120) });
  assert.equal(d.status, 200);
  const x = d.json.schools.find((y) => y.school_id === s1);
  assert.equal(x.certified_total, first + 2);
  assert.equal(x.prev_total, first);
  assert.equal(x.change, 2);
  assert.equal(d.json.n_certified, 1);
  assert.equal(d.json.prev_round.id, r1.id);
  const other = d.json.schools.find((y) => y.school_id === s2);
  assert.equal(other.change, null, 'a school that did not certify the last round has no change');
  const html = await areaHtmlAll(areaOfficer, `?round=${r2.id}`, at(r2.open_at + 120));
  const row1 = new RegExp(`<a href="/dmc/schools/${s1}">[\\s\\S]*?</tr>`).exec(html.text);
  assert.ok(row1, 's1 on one of the pages');
  assert.match(row1[0], /<td class="num">\+2<\/td><\/tr>/);
  // after the window, the round shows what was certified
  const past = await areaOfficer.get(`/dmc/areas/${area}?round=${r2.id}`, { json: true, ...at(r2.open_at + 86400) });
  assert.equal(past.json.past, true);
  assert.equal(past.json.schools.find((y) => y.school_id === s1).total, first + 2);
  assert.equal(past.json.schools.find((y) => y.school_id === s2).total, 0, 'uncertified: nothing certified to show');
});

test('duplicates: same names and birth date at two schools, one learner certified by two schools; resolved with a note', async () => {
  const twin = { first_name: 'ซ้ำซ้อน', last_name: 'สองที่', birth_date: '2016-01-02', grade: 'p4' };
  const a = await add(admin1, s1, twin);
  const b = await add(admin2, s2, { ...twin, citizen_id: newId() });
  let list = await areaOfficer.get(`/dmc/areas/${area}/duplicates`, { json: true });
  assert.equal(list.status, 200);
  const pair = list.json.duplicates.find((d) => d.kind === 'name' && d.learner_a === Math.min(a.id, b.id));
  assert.ok(pair, 'the pair is listed');
  assert.equal(pair.learner_b, Math.max(a.id, b.id));
  assert.ok(!JSON.stringify(list.json).includes(a.citizen_id), 'codes masked');
  const dash = await areaOfficer.get(`/dmc/areas/${area}`, { json: true });
  assert.ok(dash.json.duplicates >= 1);
  const page = await areaOfficer.get(`/dmc/areas/${area}/duplicates`);
  assert.ok(page.text.includes(`/dmc/learners/${a.id}`) && page.text.includes(`/dmc/learners/${b.id}`), 'a link to each record');
  assert.equal((await admin1.get(`/dmc/areas/${area}/duplicates`)).status, 403);
  // an empty note: refused at the field, nothing stored
  const bad = await areaOfficer.post(`/dmc/areas/${area}/duplicates/${pair.id}/resolve`, { resolution_note: '' }, { json: true });
  assert.equal(bad.status, 422);
  assert.equal(count(`SELECT COUNT(*) FROM dmc_duplicates WHERE id = ${pair.id} AND resolved_at IS NULL`), 1);
  assert.equal((await admin1.post(`/dmc/areas/${area}/duplicates/${pair.id}/resolve`, { resolution_note: 'x' })).status, 403);
  const ok = await areaOfficer.post(`/dmc/areas/${area}/duplicates/${pair.id}/resolve`, { resolution_note: 'เป็นคนละคน ตรวจสอบสูติบัตรแล้ว' });
  assert.equal(ok.status, 303, ok.text.slice(0, 300));
  list = await areaOfficer.get(`/dmc/areas/${area}/duplicates`, { json: true });
  assert.ok(!list.json.duplicates.some((d) => d.id === pair.id), 'resolved: off the list');
  const again = await areaOfficer.post(`/dmc/areas/${area}/duplicates/${pair.id}/resolve`, { resolution_note: 'อีกครั้ง' });
  assert.equal(again.status, 409);
  // a name pair leaves the list by itself when one record is renamed
  const c = await add(admin1, s1, { ...twin, first_name: 'ชื่อพ้อง' });
  const d2 = await add(admin2, s2, { ...twin, first_name: 'ชื่อพ้อง', citizen_id: newId() });
  list = await areaOfficer.get(`/dmc/areas/${area}/duplicates`, { json: true });
  assert.ok(list.json.duplicates.some((d) => d.learner_b === Math.max(c.id, d2.id)));
  assert.equal((await admin2.post(`/dmc/learners/${d2.id}/name`, { title: 'girl', first_name: 'ชื่อจริง', last_name: 'สองที่' })).status, 303);
  list = await areaOfficer.get(`/dmc/areas/${area}/duplicates`, { json: true });
  assert.ok(!list.json.duplicates.some((d) => d.learner_b === Math.max(c.id, d2.id)), 'renamed: no longer a pair');
  // certified twice in one round: s1 certified r2 with this learner, who then moves to s2, which certifies
  await certifyS1(r1);
  await certifyS1(r2);
  const moved = await add(admin1, s1, { first_name: 'ย้ายหลังรับรอง', last_name: 'นับสองครั้ง' });
  sql(`INSERT INTO dmc_snapshot (round_id, school_id, learner_id, ident, title, first_name, last_name, sex, birth_date, nationality, grade, room, disadvantaged, disability)
       SELECT ${r2.id}, school_id, id, ident, title, first_name, last_name, sex, birth_date, nationality, grade, room, disadvantaged, disability FROM dmc_learners WHERE id = ${moved.id}`);
  assert.equal((await admin2.post(`/dmc/schools/${s2}/move-in`, { citizen_id: moved.citizen_id, grade: '', room: '1' })).status, 303);
  assert.equal((await admin2.post(`/dmc/schools/${s2}/rounds/${r2.id}/confirm`, {}, at(r2.open_at + 30))).status, 303);
  await switchTo(director2, 'director', s2);
  const cert = await director2.post(`/dmc/schools/${s2}/rounds/${r2.id}/certify`, {}, at(r2.open_at + 90));
  assert.equal(cert.status, 303, cert.text.slice(0, 300));
  list = await areaOfficer.get(`/dmc/areas/${area}/duplicates`, { json: true });
  const twice = list.json.duplicates.find((d) => d.kind === 'round' && d.learner_a === moved.id);
  assert.ok(twice, 'certified by two schools in one round');
  assert.equal(twice.round_id, r2.id);
  assert.deepEqual([twice.school_a, twice.school_b].sort(), [s1, s2].sort());
  // the national view: the certified totals of the round per area
  const nat = await obec.get(`/dmc/areas?round=${r2.id}`, { json: true, ...at(r2.open_at + 120) });
  assert.equal(nat.status, 200);
  const ar = nat.json.areas.find((x) => x.area_id === area);
  assert.equal(ar.certified, 2);
  assert.equal(ar.certified_total, count(`SELECT SUM(n) FROM dmc_snapshot_counts WHERE round_id = ${r2.id} AND school_id IN (${s1}, ${s2})`));
  assert.equal(ar.prev_total, count(`SELECT SUM(n) FROM dmc_snapshot_counts WHERE round_id = ${r1.id} AND school_id = ${s1}`));
  assert.equal(ar.change, ar.certified_total - ar.prev_total);
});

test('the national dashboard sums the areas; exports hold the numbers; schools and areas are refused', async () => {
  const nat = await obec.get('/dmc/areas', { json: true });
  assert.equal(nat.status, 200);
  for (const a of nat.json.areas) {
    assert.equal(a.total, count(`SELECT COUNT(*) FROM dmc_learners l JOIN schools s ON s.id = l.school_id WHERE s.area_id = ${a.area_id} AND l.status = 'active'`), a.name);
  }
  assert.equal(nat.json.total, count("SELECT COUNT(*) FROM dmc_learners WHERE status = 'active'"));
  const p3 = nat.json.grades.find((g) => g.grade === 'p3');
  assert.equal(p3.female, count("SELECT COUNT(*) FROM dmc_learners WHERE status = 'active' AND grade = 'p3' AND sex = 'F'"));
  const html = await obec.get('/dmc/areas');
  assert.match(html.text, /<svg[^>]*role="img"/);
  // the national export
  const csv = await obec.get('/dmc/areas?format=csv');
  assert.equal(csv.status, 200);
  assert.match(decodeURIComponent(csv.headers.get('content-disposition')), /ข้อมูลนักเรียนรายเขตพื้นที่-\d{4}-\d{2}-\d{2}\.csv/);
  const rows = parseCsv(csv.text.replace(/^\ufeff/, ''));
  assert.equal(rows[0][0], 'เขตพื้นที่');
  const name = sql(`SELECT name FROM areas WHERE id = ${area}`);
  const line = rows.find((r) => r[0] === name);
  assert.equal(Number(line[7]), nat.json.areas.find((x) => x.area_id === area).total);
  assert.equal(rows.at(-1)[0], 'รวมทั้งประเทศ');
  assert.equal(Number(rows.at(-1)[7]), nat.json.total);
  const x = await fetchBytes(obec, '/dmc/areas?format=xlsx');
  assert.equal(x.status, 200);
  assert.match(x.type, /spreadsheetml/);
  assert.ok(Object.values(unzip(x.bytes)).some((t) => t.includes(name)));
  // the area's export: a row per school, learners by grade × sex
  const acsv = await areaOfficer.get(`/dmc/areas/${area}?format=csv`);
  assert.equal(acsv.status, 200);
  assert.match(decodeURIComponent(acsv.headers.get('content-disposition')), /filename="dmc-area-\d{4}-\d{4}-\d{2}-\d{2}\.csv".*ข้อมูลนักเรียน สพป\..+-\d{4}-\d{2}-\d{2}\.csv/);
  const arows = parseCsv(acsv.text.replace(/^\ufeff/, ''));
  const head = arows[0];
  assert.equal(head[0], 'โรงเรียน');
  const sname = sql(`SELECT name FROM schools WHERE id = ${s1}`);
  const srow = arows.find((r) => r[0] === sname);
  assert.equal(Number(srow[head.indexOf('รวม')]), active(s1));
  assert.equal(Number(srow[head.indexOf('ป.3 หญิง')]), count(`SELECT COUNT(*) FROM dmc_learners WHERE school_id = ${s1} AND status = 'active' AND grade = 'p3' AND sex = 'F'`));
  assert.equal(arows.at(-1)[0], 'รวมทั้งเขตพื้นที่');
  const ax = await fetchBytes(areaOfficer, `/dmc/areas/${area}?format=xlsx`);
  assert.equal(ax.status, 200);
  assert.ok(Object.values(unzip(ax.bytes)).some((t) => t.includes(sname)));
  assert.ok(count("SELECT COUNT(*) FROM audit WHERE action = 'dmc.dashboard.export'") >= 4);
  // an area's officer has no national page: he is sent to his area
  const own = await areaOfficer.get('/dmc/areas');
  assert.equal(own.status, 303);
  assert.equal(own.headers.get('location'), `/dmc/areas/${area}`);
  assert.equal((await admin1.get(`/dmc/areas/${area}?format=csv`)).status, 403);
});

// Every area's kept progress in every round (dmc_round_area_progress, by
// triggers on dmc_round_schools, migration 0513) equals a GROUP BY of the
// schools' round rows, and the national page's per-area figures of a round
// equal what the old per-view sum over dmc_round_schools gave.
function assertProgress() {
  const bad = count(`SELECT COUNT(*) FROM (SELECT rs.round_id, s.area_id, COUNT(rs.confirmed_at) AS confirmed,
    COUNT(rs.certified_at) AS certified, COUNT(rs.acknowledged_at) AS acknowledged,
    COALESCE(SUM(CASE WHEN rs.certified_at IS NOT NULL THEN rs.certified_male ELSE 0 END), 0) AS m,
    COALESCE(SUM(CASE WHEN rs.certified_at IS NOT NULL THEN rs.certified_female ELSE 0 END), 0) AS f
    FROM dmc_round_schools rs JOIN schools s ON s.id = rs.school_id GROUP BY rs.round_id, s.area_id) x
    LEFT JOIN dmc_round_area_progress p ON p.round_id = x.round_id AND p.area_id = x.area_id
    WHERE p.round_id IS NULL OR p.confirmed <> x.confirmed OR p.certified <> x.certified
    OR p.acknowledged <> x.acknowledged OR p.certified_male <> x.m OR p.certified_female <> x.f`);
  assert.equal(bad, 0, 'dmc_round_area_progress follows dmc_round_schools');
  assert.equal(count(`SELECT COUNT(*) FROM dmc_round_area_progress p WHERE (p.confirmed <> 0 OR p.certified <> 0
    OR p.acknowledged <> 0 OR p.certified_male <> 0 OR p.certified_female <> 0) AND NOT EXISTS (SELECT 1
    FROM dmc_round_schools rs JOIN schools s ON s.id = rs.school_id WHERE rs.round_id = p.round_id AND s.area_id = p.area_id)`), 0,
  'no progress left where no school has a row');
}
async function nationalAgrees(rd, t) {
  const nat = await obec.get(`/dmc/areas?round=${rd.id}`, { json: true, ...at(t) });
  assert.equal(nat.status, 200);
  assert.equal(nat.json.round.id, rd.id);
  const prev = nat.json.prev_round;
  if (rd.id === r2.id) assert.equal(prev.id, r1.id);
  let conf = 0, cert = 0;
  for (const a of nat.json.areas) {
    const [c, k, tot] = sql(`SELECT COUNT(rs.confirmed_at), COUNT(rs.certified_at), COALESCE(SUM(rs.certified_male), 0) + COALESCE(SUM(rs.certified_female), 0)
      FROM dmc_round_schools rs JOIN schools s ON s.id = rs.school_id WHERE rs.round_id = ${rd.id} AND s.area_id = ${a.area_id}`).split('|').map(Number);
    assert.equal(a.confirmed, c, `${a.name}: confirmed`);
    assert.equal(a.certified, k, `${a.name}: certified`);
    assert.equal(a.certified_total, tot, `${a.name}: certified learners`);
    const [pk, pt] = sql(`SELECT COUNT(rs.certified_at), COALESCE(SUM(rs.certified_male), 0) + COALESCE(SUM(rs.certified_female), 0)
      FROM dmc_round_schools rs JOIN schools s ON s.id = rs.school_id WHERE rs.round_id = ${prev ? prev.id : 0} AND s.area_id = ${a.area_id}
      AND rs.certified_at IS NOT NULL`).split('|').map(Number);
    assert.equal(a.prev_total, pk ? pt : null, `${a.name}: the last round`);
    assert.equal(a.change, pk ? tot - pt : null, `${a.name}: change`);
    conf += c;
    cert += k;
  }
  assert.equal(nat.json.confirmed, conf);
  assert.equal(nat.json.certified, cert);
  return nat.json.areas.find((x) => x.area_id === area);
}

test('the national progress is kept per area and round: confirm, certify, acknowledge and a removed row', async () => {
  assertProgress();
  // s2 in the last round, step by step (once: each test may run alone)
  const t = r1.open_at + 200;
  const base = await nationalAgrees(r1, t);
  const state = () => sql(`SELECT COALESCE(confirmed_at, 0), COALESCE(certified_at, 0), COALESCE(acknowledged_at, 0) FROM dmc_round_schools WHERE round_id = ${r1.id} AND school_id = ${s2}`).split('|').map(Number);
  let [c0, k0, a0] = state();
  if (!c0) {
    assert.equal((await admin2.post(`/dmc/schools/${s2}/rounds/${r1.id}/confirm`, {}, at(r1.open_at + 30))).status, 303);
    assertProgress();
    const x = await nationalAgrees(r1, t);
    assert.equal(x.confirmed, base.confirmed + 1, 'confirmed: one more');
    assert.equal(x.certified, base.certified);
  }
  if (!k0) {
    const before = await nationalAgrees(r1, t);
    const next = await nationalAgrees(r2, r2.open_at + 120);
    await switchTo(director2, 'director', s2);
    const cert = await director2.post(`/dmc/schools/${s2}/rounds/${r1.id}/certify`, {}, at(r1.open_at + 90));
    assert.equal(cert.status, 303, cert.text.slice(0, 300));
    assertProgress();
    const x = await nationalAgrees(r1, t);
    assert.equal(x.certified, before.certified + 1, 'certified: one more');
    assert.equal(x.certified_total, before.certified_total + count(`SELECT COALESCE(SUM(n), 0) FROM dmc_snapshot_counts WHERE round_id = ${r1.id} AND school_id = ${s2}`));
    // the next round's page: its "last round" figure took s2's certification in
    const y = await nationalAgrees(r2, r2.open_at + 120);
    assert.equal(y.prev_total, (next.prev_total ?? 0) + count(`SELECT COALESCE(SUM(n), 0) FROM dmc_snapshot_counts WHERE round_id = ${r1.id} AND school_id = ${s2}`));
  }
  if (!a0) {
    const before = count(`SELECT acknowledged FROM dmc_round_area_progress WHERE round_id = ${r1.id} AND area_id = ${area}`);
    const ack = await areaOfficer.post(`/dmc/areas/${area}/rounds/${r1.id}/schools/${s2}/acknowledge`, {});
    assert.equal(ack.status, 303, ack.text.slice(0, 300));
    assertProgress();
    assert.equal(count(`SELECT acknowledged FROM dmc_round_area_progress WHERE round_id = ${r1.id} AND area_id = ${area}`), before + 1);
    await nationalAgrees(r1, t);
  }
  // the area's HTML pages (25 schools a page, dmc_area_page) show what its JSON (every school, every field) says, school by school
  const areaJson = await areaOfficer.get(`/dmc/areas/${area}?round=${r2.id}`, { json: true, ...at(r2.open_at + 120) });
  const areaHtml = await areaHtmlAll(areaOfficer, `?round=${r2.id}`, at(r2.open_at + 120));
  assert.deepEqual(rowIds(areaHtml.text), areaJson.json.schools.map((x) => x.school_id), 'every school once, in the same order');
  for (const sc of areaJson.json.schools) {
    const m = new RegExp(`<a href="/dmc/schools/${sc.school_id}">[\\s\\S]*?</tr>`).exec(areaHtml.text);
    assert.ok(m, `the row of school ${sc.school_id}`);
    const nums = [...m[0].matchAll(/<td class="num">([^<]*)<\/td>/g)].map((x) => x[1]);
    const change = sc.change === null ? '-' : `${sc.change > 0 ? '+' : ''}${sc.change}`;
    assert.deepEqual(nums.slice(-5), [String(sc.male), String(sc.female), String(sc.total), sc.prev_total === null ? '-' : String(sc.prev_total), change], `school ${sc.school_id}`);
    const [conf, cert] = [...m[0].matchAll(/<td>([^<]*)/g)].map((x) => x[1]);
    assert.equal(conf === '-', !sc.confirmed_at, `school ${sc.school_id}: confirmed or not`);
    assert.equal(cert === '-', !sc.certified_at, `school ${sc.school_id}: certified or not`);
  }
  // a refused step (certified already) changes nothing
  const kept = sql(`SELECT confirmed, certified, acknowledged, certified_male, certified_female FROM dmc_round_area_progress WHERE round_id = ${r1.id} AND area_id = ${area}`);
  assert.equal((await admin2.post(`/dmc/schools/${s2}/rounds/${r1.id}/confirm`, {}, at(r1.open_at + 100))).status, 409);
  assert.equal(sql(`SELECT confirmed, certified, acknowledged, certified_male, certified_female FROM dmc_round_area_progress WHERE round_id = ${r1.id} AND area_id = ${area}`), kept);
  // (a school moved to another area takes its rows along: tests/unit/test_dmc.c, both engines —
  // the sqlite3 shell cannot write schools, whose indexes use the server's Thai collation)
  // a round row removed (a round's data cleared by hand): its area's progress drops it
  const row = sql(`SELECT round_id, school_id, confirmed_at, confirmed_by, certified_at, certified_by, acknowledged_at, acknowledged_by, certified_male, certified_female FROM dmc_round_schools WHERE round_id = ${r1.id} AND school_id = ${s2}`).split('|');
  const v = (x) => (x === '' ? 'NULL' : x);
  sql(`DELETE FROM dmc_round_schools WHERE round_id = ${r1.id} AND school_id = ${s2}`);
  try {
    assertProgress();
    await nationalAgrees(r1, t);
  } finally {
    sql(`INSERT INTO dmc_round_schools (round_id, school_id, confirmed_at, confirmed_by, certified_at, certified_by, acknowledged_at, acknowledged_by, certified_male, certified_female) VALUES (${row.map(v).join(', ')})`);
  }
  assertProgress();
  await nationalAgrees(r1, t);
});

test('the demo: G-code requests (one pending, one certified with its learner) and the schools\' basic data of the round', async () => {
  const g = await admin1.get(`/dmc/schools/${s1}/gcode`, { json: true });
  assert.equal(g.status, 200);
  const statuses = g.json.requests.map((x) => x.status).sort();
  assert.deepEqual(statuses, ['approved', 'pending']);
  const done = g.json.requests.find((x) => x.status === 'approved');
  assert.match(done.gcode ?? sql(`SELECT gcode FROM dmc_gcode_requests WHERE id = ${done.id}`), /^G\d{12}$/);
  assert.equal(count(`SELECT COUNT(*) FROM dmc_learners l JOIN dmc_gcode_requests r ON r.learner_id = l.id WHERE r.id = ${done.id} AND l.school_id = ${s1} AND l.status = 'active'`), 1);
  const pend = g.json.requests.find((x) => x.status === 'pending');
  const area1 = await areaOfficer.get(`/dmc/areas/${area}/gcode`, { json: true });
  assert.ok(area1.json.pending.some((x) => x.id === pend.id), 'waiting for the area');
  // its documents are files the area can open
  const doc = await fetchBytes(areaOfficer, `/dmc/gcode/${pend.id}/docs/student_form`);
  assert.equal(doc.status, 200);
  assert.equal(doc.bytes.subarray(0, 5).toString(), '%PDF-');
  // every demo school with learners has the round's basic data saved
  // (the third demo school: no test here touches it)
  const s3 = Number(sql(`SELECT id FROM schools WHERE area_id = ${area} ORDER BY obec_code LIMIT 1 OFFSET 2`));
  const rid = Number(sql(`SELECT id FROM dmc_rounds WHERE close_at + 60 > ${Math.floor(Date.now() / 1000)} ORDER BY close_at LIMIT 1`));
  assert.equal(count(`SELECT COUNT(*) FROM dmc_school_basic WHERE school_id = ${s3} AND round_id = ${rid}`), 1);
  assert.ok(rid > 0);
  const basic = await areaOfficer.get(`/dmc/schools/${s3}/rounds/${rid}/basic`, { json: true });
  assert.equal(basic.status, 200);
  assert.equal(basic.json.basic.saved, true);
  assert.ok(basic.json.basic.rows.some((r) => r.rooms === 2 && r.total > 0), 'the grades taught, two rooms each');
});

test('the area page: 25 schools a page in Thai order, filtered by status in the round, searched; bad page numbers, filters and searches', async () => {
  // s1 certified and s2 confirmed in this round (once: each test may run alone)
  await certifyS1(r2);
  if (!count(`SELECT COUNT(*) FROM dmc_round_schools WHERE round_id = ${r2.id} AND school_id = ${s2} AND confirmed_at IS NOT NULL`)) {
    assert.equal((await admin2.post(`/dmc/schools/${s2}/rounds/${r2.id}/confirm`, {}, at(r2.open_at + 10))).status, 303);
  }
  const t = at(r2.open_at + 120), q = `?round=${r2.id}`;
  const all = await areaOfficer.get(`/dmc/areas/${area}${q}`, { json: true, ...t });
  const order = all.json.schools.map((x) => x.school_id); // every school, Thai name order
  const n = count(`SELECT COUNT(*) FROM schools WHERE area_id = ${area}`);
  assert.equal(order.length, n);
  assert.ok(n > 25, 'the demo area has more than a page of schools');
  const pages = Math.ceil(n / 25);
  const p1 = await areaOfficer.get(`/dmc/areas/${area}${q}`, t);
  assert.equal(p1.status, 200);
  assert.deepEqual(rowIds(p1.text), order.slice(0, 25));
  assert.match(p1.text, new RegExp(`หน้า 1 จาก ${pages} ทั้งหมด ${n} โรงเรียน`));
  assert.match(p1.text, new RegExp(`href="/dmc/areas/${area}\\?round=${r2.id}&amp;q=&amp;page=2"`), 'the pager keeps the round');
  const p2 = await areaOfficer.get(`/dmc/areas/${area}${q}&page=2`, t);
  assert.deepEqual(rowIds(p2.text), order.slice(25, 50));
  // the summary: every school by status, from the kept counts, whatever page
  const state = new Map(sql(`SELECT school_id, CASE WHEN certified_at IS NOT NULL THEN 'certified' WHEN confirmed_at IS NOT NULL THEN 'confirmed' ELSE 'pending' END
    FROM dmc_round_schools WHERE round_id = ${r2.id}`).split('\n').filter(Boolean).map((l) => l.split('|')).map(([id, st]) => [Number(id), st]));
  const of = (st) => order.filter((id) => (state.get(id) ?? 'pending') === st);
  assert.equal(state.get(s1), 'certified');
  assert.match(p1.text, new RegExp(`ยังไม่ยืนยัน ${of('pending').length}</strong> · ยืนยันแล้ว รอรับรอง ${of('confirmed').length} · รับรองแล้ว ${of('certified').length} `));
  assert.match(p2.text, new RegExp(`ยังไม่ยืนยัน ${of('pending').length}</strong>`));
  // each filter lists exactly its schools, in order, over its pages; its tab shows how many
  for (const st of ['pending', 'confirmed', 'certified']) {
    const want = of(st);
    const label = { pending: 'ยังไม่ยืนยัน', confirmed: 'ยืนยันแล้ว รอรับรอง', certified: 'รับรองแล้ว' }[st];
    assert.ok(p1.text.includes(`href="/dmc/areas/${area}?round=${r2.id}&amp;status=${st}">${label} (${want.length})</a>`), `the tab ${st}: ${/<ul class="tabs">[\s\S]*?<\/ul>/.exec(p1.text)}`);
    const got = await areaHtmlAll(areaOfficer, `${q}&status=${st}`, t);
    assert.deepEqual(rowIds(got.text), want, st);
    assert.match(got.text, new RegExp(`ทั้งหมด ${want.length} โรงเรียน`));
    assert.match(got.text, new RegExp(`href="/dmc/areas/${area}\\?round=${r2.id}&amp;status=${st}" aria-current="page"`));
  }
  // s1's row on the certified list holds its figures, as the JSON says
  const cert = await areaOfficer.get(`/dmc/areas/${area}${q}&status=certified`, t);
  const j1 = all.json.schools.find((x) => x.school_id === s1);
  const row = new RegExp(`<a href="/dmc/schools/${s1}">[\\s\\S]*?</tr>`).exec(cert.text)[0];
  assert.deepEqual([...row.matchAll(/<td class="num">(\d+)\/(\d+)<\/td>/g)].map((x) => `${x[1]}/${x[2]}`), j1.grades.map((c) => `${c.male}/${c.female}`));
  assert.deepEqual([...row.matchAll(/<td class="num">([^<]*)<\/td>/g)].map((x) => x[1]).slice(-5, -2), [String(j1.male), String(j1.female), String(j1.total)]);
  assert.match(row, /<td>\d{1,2} [^<]*25\d\d/, 'certified when, in BE');
  // a closed round shows what was certified (the snapshot's counts): s1's row, the area's totals
  const late = at(r2.open_at + 86400);
  const pastJson = await areaOfficer.get(`/dmc/areas/${area}${q}`, { json: true, ...late });
  assert.equal(pastJson.json.past, true);
  const closed = await areaOfficer.get(`/dmc/areas/${area}${q}&status=certified`, late);
  const pj = pastJson.json.schools.find((x) => x.school_id === s1);
  const prow = new RegExp(`<a href="/dmc/schools/${s1}">[\\s\\S]*?</tr>`).exec(closed.text)[0];
  assert.deepEqual([...prow.matchAll(/<td class="num">(\d+)\/(\d+)<\/td>/g)].map((x) => `${x[1]}/${x[2]}`), pj.grades.map((c) => `${c.male}/${c.female}`));
  assert.match(closed.text, new RegExp(`นักเรียนที่รับรอง ชาย ${pastJson.json.male} หญิง ${pastJson.json.female} รวม ${pastJson.json.total} คน`));
  // the search (name, district or code) within a filter, the filter kept in the form
  const code = sql(`SELECT obec_code FROM schools WHERE id = ${s1}`);
  const found = await areaOfficer.get(`/dmc/areas/${area}${q}&status=certified&q=${code}`, t);
  assert.equal(found.status, 200);
  assert.deepEqual(rowIds(found.text), [s1]);
  assert.match(found.text, /ทั้งหมด 1 โรงเรียน/);
  assert.match(found.text, /<input type="hidden" name="status" value="certified">/);
  assert.match(found.text, new RegExp(`<input type="search" id="q" name="q" value="${code}"`));
  const none = await areaOfficer.get(`/dmc/areas/${area}${q}&status=pending&q=${code}`, t);
  assert.deepEqual(rowIds(none.text), []);
  assert.match(none.text, /ไม่พบโรงเรียน/);
  const byName = await areaHtmlAll(areaOfficer, `${q}&q=${encodeURIComponent(sql(`SELECT name FROM schools WHERE id = ${s2}`))}`, t);
  assert.ok(rowIds(byName.text).includes(s2));
  // a page past the last shows the last; a page that is not a page number, the first
  const past = await areaOfficer.get(`/dmc/areas/${area}${q}&page=99`, t);
  assert.equal(past.status, 200);
  assert.deepEqual(rowIds(past.text), order.slice((pages - 1) * 25));
  assert.match(past.text, new RegExp(`หน้า ${pages} จาก ${pages}`));
  const pastSearch = await areaOfficer.get(`/dmc/areas/${area}${q}&status=certified&q=${code}&page=7`, t);
  assert.deepEqual(rowIds(pastSearch.text), [s1]);
  for (const bad of ['abc', '0', '-3', '2.5', '1e9', '99999999999999999999']) {
    const r = await areaOfficer.get(`/dmc/areas/${area}${q}&page=${encodeURIComponent(bad)}`, t);
    assert.equal(r.status, 200, bad);
    assert.deepEqual(rowIds(r.text), order.slice(0, 25), bad);
  }
  // an unknown status and a search too long: said in Thai, every school listed
  const badSt = await areaOfficer.get(`/dmc/areas/${area}${q}&status=bogus`, t);
  assert.equal(badSt.status, 422);
  assert.match(badSt.text, /ไม่มีสถานะนี้/);
  assert.deepEqual(rowIds(badSt.text), order.slice(0, 25));
  // a file format the dashboard does not make: said, as every export says it, not the page in its place
  for (const fmt of ['pdf', 'docx']) {
    const r = await areaOfficer.get(`/dmc/areas/${area}${q}&format=${fmt}`, t);
    assert.equal(r.status, 404, fmt);
    assert.match(r.text, /ไม่มีรูปแบบไฟล์นี้ เลือกได้เฉพาะ csv หรือ xlsx/, fmt);
  }
  const long = await areaOfficer.get(`/dmc/areas/${area}${q}&q=${'ก'.repeat(101)}`, t);
  assert.equal(long.status, 422);
  assert.match(long.text, /role="alert"/);
  assert.deepEqual(rowIds(long.text), order.slice(0, 25));
  // the whole area is still in the exports: every school, every grade × sex cell
  const csv = parseCsv((await areaOfficer.get(`/dmc/areas/${area}${q}&format=csv`, t)).text.replace(/^\ufeff/, ''));
  assert.equal(csv.length, n + 2, 'a header, a row per school, the area\'s total');
  const grades = count('SELECT COUNT(*) FROM dmc_grades');
  assert.equal(csv[0].filter((h) => / (ชาย|หญิง)$/.test(h)).length, grades * 2);
});
