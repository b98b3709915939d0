// dmc_demo: what `khet demo` gives the census (issue 12 item 9), so a new
// user sees it at work — every school of both demo areas has a few hundred
// learners with valid citizen IDs; the round before the last is certified
// and acknowledged by every school, the last one by most (some only
// confirmed, some not at all), learners joined and left between and since
// (each with its history line), so the dashboards show a change since the
// last round and the subsidy has figures; the round in progress has every
// school's basic data. Everything kept is what a recount gives: dmc_counts
// against the learners, dmc_area_counts against dmc_counts, the snapshot's
// counts and the certified totals against the snapshot, the duplicates
// flagged against the pairs there are. Running the demo again adds nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, AddressClient, ipSequence, khet } from './lib.mjs';

const PW = 'khet-demo-2567';
let server, areaOfficer, area, area2;
const nextIp = ipSequence('10.71');
async function as(login) {
  const c = new AddressClient(server.base, nextIp());
  await c.get('/signin');
  const r = await c.post('/signin', { login, password: PW });
  assert.equal(r.status, 303, `sign in ${login}: ${r.status}`);
  return c;
}
const sql = (q) => server.sql(q);
const count = (q) => Number(sql(q));
const rows = (q) => sql(q).split('\n').filter(Boolean).map((l) => l.split('|'));
const now = () => Math.floor(Date.now() / 1000);
let last, prev; // the last two rounds whose window has closed

before(async () => {
  server = await startServer({ args: ['--trust-proxy'], censusDefault: true }); // `khet demo` as a new user runs it
  area = count("SELECT id FROM areas WHERE code = '3502'");
  area2 = count("SELECT id FROM areas WHERE code = '6201'");
  const past = rows(`SELECT id, open_at, close_at FROM dmc_rounds WHERE close_at + 60 <= ${now()} ORDER BY close_at DESC LIMIT 2`)
    .map(([id, open, close]) => ({ id: Number(id), open: Number(open), close: Number(close) }));
  [last, prev] = past;
  areaOfficer = await as('dmcarea');
});
after(async () => { await server?.stop(); });

// rows one query has and the other lacks, either way (portable SQL)
const minus = (a, b) => count(`SELECT COUNT(*) FROM (SELECT * FROM (${a}) p EXCEPT SELECT * FROM (${b}) q) x`);
const differ = (a, b) => minus(a, b) + minus(b, a);

test('every school of both demo areas has a few hundred learners, each citizen ID valid and held once', () => {
  const per = rows(`SELECT s.id, s.area_id, (SELECT COUNT(*) FROM dmc_learners l WHERE l.school_id = s.id AND l.status = 'active')
    FROM schools s WHERE s.area_id IN (${area}, ${area2})`);
  assert.ok(per.length >= 60, `${per.length} schools`);
  for (const [sid, , n] of per) assert.ok(Number(n) >= 100 && Number(n) <= 400, `school ${sid}: ${n} learners`);
  // a secondary area's schools teach ม.1–ม.6 only
  assert.equal(count(`SELECT COUNT(*) FROM dmc_learners l JOIN schools s ON s.id = l.school_id WHERE s.area_id = ${area2} AND l.grade NOT LIKE 'm%'`), 0);
  assert.ok(count(`SELECT COUNT(*) FROM dmc_learners l JOIN schools s ON s.id = l.school_id WHERE s.area_id = ${area2} AND l.grade IN ('m4', 'm5', 'm6')`) > 0);
  const ids = sql('SELECT citizen_id FROM dmc_learners WHERE citizen_id IS NOT NULL').split('\n');
  for (const id of ids) {
    assert.match(id, /^\d{13}$/);
    let s = 0;
    for (let i = 0; i < 12; i++) s += Number(id[i]) * (13 - i);
    assert.equal(Number(id[12]), (11 - (s % 11)) % 10, `check digit of ${id}`);
    assert.notEqual(id.slice(1, 5), '0000', `registry office of ${id}`);
  }
  assert.equal(new Set(ids).size, ids.length, 'each learner once');
});

test('the kept counts are what a recount gives: schools, areas, snapshots, certified totals', () => {
  assert.equal(differ(
    "SELECT school_id, grade, sex, COUNT(*) AS n FROM dmc_learners WHERE status = 'active' GROUP BY school_id, grade, sex",
    'SELECT school_id, grade, sex, n FROM dmc_counts WHERE n > 0'), 0, 'dmc_counts');
  assert.equal(differ(
    'SELECT s.area_id, c.grade, c.sex, SUM(c.n) AS n FROM dmc_counts c JOIN schools s ON s.id = c.school_id WHERE c.n > 0 GROUP BY s.area_id, c.grade, c.sex',
    'SELECT area_id, grade, sex, n FROM dmc_area_counts WHERE n > 0'), 0, 'dmc_area_counts');
  assert.equal(differ(
    'SELECT round_id, school_id, grade, sex, COUNT(*) AS n FROM dmc_snapshot GROUP BY round_id, school_id, grade, sex',
    'SELECT round_id, school_id, grade, sex, n FROM dmc_snapshot_counts'), 0, 'dmc_snapshot_counts');
  assert.equal(differ(
    "SELECT round_id, school_id, SUM(CASE WHEN sex = 'M' THEN 1 ELSE 0 END) AS m, SUM(CASE WHEN sex = 'F' THEN 1 ELSE 0 END) AS f FROM dmc_snapshot GROUP BY round_id, school_id",
    'SELECT round_id, school_id, certified_male, certified_female FROM dmc_round_schools WHERE certified_at IS NOT NULL'), 0, 'certified totals');
  // every learner's history: one add; every one who left: one move out
  assert.equal(count("SELECT COUNT(*) FROM dmc_learners l WHERE (SELECT COUNT(*) FROM dmc_learner_events e WHERE e.learner_id = l.id AND e.kind IN ('add', 'gcode')) <> 1 AND NOT EXISTS (SELECT 1 FROM dmc_gcode_requests r WHERE r.learner_id = l.id)"), 0);
  assert.ok(count("SELECT COUNT(*) FROM dmc_learners WHERE status = 'moved_out'") > 0, 'some learners left');
  assert.equal(count("SELECT COUNT(*) FROM dmc_learners l WHERE l.status = 'moved_out' AND (SELECT COUNT(*) FROM dmc_learner_events e WHERE e.learner_id = l.id AND e.kind = 'move_out') <> 1"), 0);
  // the duplicates flagged are the pairs there are (same names and birth date, active at two schools)
  assert.equal(differ(
    "SELECT a.id, b.id FROM dmc_learners a JOIN dmc_learners b ON b.first_name = a.first_name AND b.last_name = a.last_name AND b.birth_date = a.birth_date AND b.school_id <> a.school_id AND b.id > a.id WHERE a.status = 'active' AND b.status = 'active'",
    "SELECT learner_a, learner_b FROM dmc_duplicates WHERE kind = 'name'"), 0, 'duplicates');
});

test('the rounds: the one before the last all certified and acknowledged, the last mostly; times inside their window', () => {
  assert.ok(last && prev, 'two past rounds');
  const schools = count(`SELECT COUNT(*) FROM schools WHERE area_id IN (${area}, ${area2})`);
  assert.equal(count(`SELECT COUNT(*) FROM dmc_round_schools WHERE round_id = ${prev.id} AND certified_at IS NOT NULL AND acknowledged_at IS NOT NULL`), schools);
  const [conf, cert, ack] = rows(`SELECT COUNT(confirmed_at), COUNT(certified_at), COUNT(acknowledged_at) FROM dmc_round_schools WHERE round_id = ${last.id}`)[0].map(Number);
  assert.ok(cert > schools / 2 && cert < conf && conf < schools, `confirmed ${conf}, certified ${cert} of ${schools}`);
  assert.ok(ack > 0 && ack < cert, `acknowledged ${ack}`);
  for (const r of [prev, last]) {
    assert.equal(count(`SELECT COUNT(*) FROM dmc_round_schools WHERE round_id = ${r.id} AND (confirmed_at < ${r.open} OR confirmed_at > ${r.close + 59} OR certified_at < confirmed_at OR certified_at > ${r.close + 59} OR acknowledged_at < certified_at OR acknowledged_at > ${now()})`), 0);
    // certification froze the basic data
    assert.equal(count(`SELECT COUNT(*) FROM dmc_round_schools rs WHERE rs.round_id = ${r.id} AND rs.certified_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM dmc_school_grades g WHERE g.round_id = rs.round_id AND g.school_id = rs.school_id)`), 0);
  }
  // the snapshots differ: learners came and went between the rounds
  assert.ok(count(`SELECT COUNT(*) FROM dmc_round_schools a JOIN dmc_round_schools b ON b.school_id = a.school_id AND b.round_id = ${last.id}
    WHERE a.round_id = ${prev.id} AND b.certified_at IS NOT NULL AND a.certified_male + a.certified_female <> b.certified_male + b.certified_female`) > 0);
  // the round in progress: every school's basic data saved
  const cur = count(`SELECT id FROM dmc_rounds WHERE close_at + 60 > ${now()} ORDER BY close_at LIMIT 1`);
  assert.equal(count(`SELECT COUNT(*) FROM dmc_school_basic WHERE round_id = ${cur}`), schools);
});

test('a new user sees it at work: the dashboard\'s change since the last round, the subsidy, the national page', async () => {
  const d = await areaOfficer.get(`/dmc/areas/${area}`, { json: true });
  assert.equal(d.status, 200);
  assert.equal(d.json.prev_round?.id, last.id, 'the last round is the one to compare with');
  const changed = d.json.schools.filter((x) => x.change !== null && x.change !== 0);
  assert.ok(changed.length > 0, 'some school changed since the last round');
  for (const x of d.json.schools.filter((y) => y.prev_total !== null))
    assert.equal(x.change, x.total - x.prev_total, `school ${x.school_id}`);
  const past = await areaOfficer.get(`/dmc/areas/${area}?round=${last.id}`, { json: true });
  assert.equal(past.status, 200);
  assert.ok(past.json.n_certified > 0);
  const sub = await areaOfficer.get(`/dmc/areas/${area}/rounds/${last.id}/subsidy`, { json: true });
  assert.equal(sub.status, 200);
  assert.equal(sub.json.schools.length, count(`SELECT COUNT(*) FROM dmc_round_schools rs JOIN schools s ON s.id = rs.school_id WHERE rs.round_id = ${last.id} AND s.area_id = ${area} AND rs.certified_at IS NOT NULL`));
  assert.ok(sub.json.totals.amount_satang > 0);
  const dup = await areaOfficer.get(`/dmc/areas/${area}/duplicates`);
  assert.equal(dup.status, 200);
});

test('the demo run again adds nothing', () => {
  const tables = ['dmc_learners', 'dmc_learner_events', 'dmc_round_schools', 'dmc_snapshot', 'dmc_school_basic', 'dmc_duplicates', 'dmc_counts'];
  const before = tables.map((t) => count(`SELECT COUNT(*) FROM ${t}`));
  const r = khet(['demo'], server.env);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(tables.map((t) => count(`SELECT COUNT(*) FROM ${t}`)), before);
});
