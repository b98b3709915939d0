// dmc_basic: a school's basic data for a round (DMC-2 menu 2.2 and 2.8)
// through the real binary — the grades taught and rooms of each beside
// the learners by grade × sex (from dmc_counts); before any save the rooms
// are those the learners are in; a grade with learners cannot have 0
// rooms nor fewer rooms than the highest room a learner is in; a missing
// value is refused; two saves from the same page version: the second is
// told (409) and shown the data as it is; certification freezes it (the
// school page and the snapshot show it, a save after is refused).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, AddressClient, ipSequence, citizenId } from './lib.mjs';

const PW = 'khet-demo-2567';
let server, s1, admin1, director, round;
const nextIp = ipSequence('10.63');
async function as(login) {
  const c = new AddressClient(server.base, nextIp());
  await c.get('/signin');
  const r = await c.post('/signin', { login, password: PW });
  assert.equal(r.status, 303, `sign in ${login}: ${r.status}`);
  return c;
}
const sql = (q) => server.sql(q);
const count = (q) => Number(sql(q));
let seq = 0;
const newId = () => citizenId('16' + String(Date.now() % 1e6).padStart(6, '0') + String(++seq).padStart(4, '0'));
const at = (t) => ({ headers: { 'x-khet-test-now': String(t) } });
const url = () => `/dmc/schools/${s1}/rounds/${round.id}/basic`;

// the form as the page would post it: every grade with its rooms
function fields(basic, over = {}) {
  const grade = [], rooms = [];
  for (const r of basic.rows) { grade.push(r.grade); rooms.push(String(over[r.grade] ?? r.rooms)); }
  return { grade, rooms };
}

before(async () => {
  server = await startServer({ args: ['--trust-proxy'] });
  const area = Number(sql("SELECT id FROM areas WHERE code = '3502'"));
  s1 = Number(sql(`SELECT id FROM schools WHERE area_id = ${area} ORDER BY obec_code LIMIT 1`));
  admin1 = await as('schooladmin');
  director = await as('schooldirector');
  const id = Number(sql('SELECT id FROM dmc_rounds ORDER BY close_at DESC LIMIT 1'));
  round = { id, open_at: Number(sql(`SELECT open_at FROM dmc_rounds WHERE id = ${id}`)), close_at: Number(sql(`SELECT close_at FROM dmc_rounds WHERE id = ${id}`)) };
  // `khet demo` saves the demo schools' basic data of the round in progress: start from a school that never saved
  sql(`DELETE FROM dmc_school_grades WHERE school_id = ${s1}`);
  sql(`DELETE FROM dmc_school_basic WHERE school_id = ${s1}`);
  // a learner in ป.2 room 3
  const r = await admin1.post(`/dmc/schools/${s1}/learners/new`, {
    citizen_id: newId(), gcode: '', title: 'girl', first_name: 'ห้อง', last_name: 'สาม', sex: 'F', birth_date: '2018-03-04',
    nationality: 'TH', grade: 'p2', room: '3', weight: '', height: '', disadvantaged: 'none', disability: 'none',
    guardian_name: '', guardian_phone: '', address: '',
  });
  assert.equal(r.status, 303);
});
after(async () => { await server?.stop(); });

test('before any save: every grade, rooms from where the learners are, counts from dmc_counts', async () => {
  const r = await admin1.get(url(), { json: true });
  assert.equal(r.status, 200);
  const b = r.json.basic;
  assert.equal(b.saved, false);
  assert.equal(b.rows.length, count('SELECT COUNT(*) FROM dmc_grades'));
  const p2 = b.rows.find((x) => x.grade === 'p2');
  assert.equal(p2.rooms, count(`SELECT MAX(room) FROM dmc_learners WHERE school_id = ${s1} AND grade = 'p2' AND status = 'active'`));
  assert.ok(p2.rooms >= 3);
  assert.equal(p2.female, count(`SELECT COALESCE(SUM(n), 0) FROM dmc_counts WHERE school_id = ${s1} AND grade = 'p2' AND sex = 'F'`));
  assert.equal(b.total, count(`SELECT COALESCE(SUM(n), 0) FROM dmc_counts WHERE school_id = ${s1}`));
  const html = await admin1.get(url());
  assert.match(html.text, /name="rooms"/);
  const school = await admin1.get(`/dmc/schools/${s1}`, { json: true });
  assert.equal(school.json.basic.saved, false);
});

test('refused: a grade with learners at 0 rooms, fewer rooms than a learner\'s room, a missing value; nothing stored', async () => {
  const b = (await admin1.get(url(), { json: true })).json.basic;
  const withKids = b.rows.find((x) => x.total > 0 && x.grade !== 'p2');
  const zero = await admin1.post(url(), fields(b, { [withKids.grade]: 0 }), { json: true });
  assert.equal(zero.status, 422);
  assert.match(zero.json.error, new RegExp(`ชั้น ${withKids.label.replace('.', '\\.')} มีนักเรียน \\d+ คน จึงต้องเปิดสอนอย่างน้อย 1 ห้อง`));
  const few = await admin1.post(url(), fields(b, { p2: 2 }), { json: true });
  assert.equal(few.status, 422);
  assert.match(few.json.error, /ป\.2 มีนักเรียนอยู่ห้อง \d+/);
  assert.equal(few.json.basic.rows.find((x) => x.grade === 'p2').rooms_text, '2', 'what was typed comes back');
  const f = fields(b);
  f.rooms[0] = '';
  const gap = await admin1.post(url(), f, { json: true });
  assert.equal(gap.status, 422);
  const neg = await admin1.post(url(), fields(b, { k1: 120 }), { json: true });
  assert.equal(neg.status, 422);
  assert.equal(count(`SELECT COUNT(*) FROM dmc_school_basic WHERE school_id = ${s1}`), 0);
});

test('saved; a second save from the same page version is told (409) and shown the data as it is', async () => {
  const page = await admin1.get(url(), { json: true });
  const b = page.json.basic, v = page.json.record_version;
  const ok = await admin1.post(url(), { ...fields(b, { p2: 4, m6: 0 }), _version: String(v) });
  assert.equal(ok.status, 303, ok.text.slice(0, 300));
  assert.equal(count(`SELECT rooms FROM dmc_school_grades WHERE round_id = ${round.id} AND school_id = ${s1} AND grade = 'p2'`), 4);
  const now = (await admin1.get(url(), { json: true })).json;
  assert.equal(now.basic.saved, true);
  assert.equal(now.record_version, 1);
  const stale = await admin1.post(url(), { ...fields(b, { p2: 5 }), _version: String(v) }, { json: true });
  assert.equal(stale.status, 409);
  assert.match(stale.json.form.errors._form, /ถูกแก้ไขโดยผู้อื่น/);
  assert.equal(stale.json.basic.rows.find((x) => x.grade === 'p2').rooms, 4);
  assert.equal(count(`SELECT rooms FROM dmc_school_grades WHERE round_id = ${round.id} AND school_id = ${s1} AND grade = 'p2'`), 4);
  const next = await admin1.post(url(), { ...fields(now.basic, { p2: 5 }), _version: '1' });
  assert.equal(next.status, 303);
  assert.equal(count(`SELECT version FROM dmc_school_basic WHERE round_id = ${round.id} AND school_id = ${s1}`), 2);
});

test('certification freezes it: shown on the school page and the snapshot, a save after is refused', async () => {
  const c = await admin1.post(`/dmc/schools/${s1}/rounds/${round.id}/confirm`, {}, at(round.open_at));
  assert.equal(c.status, 303, c.text.slice(0, 300));
  const d = await director.post(`/dmc/schools/${s1}/rounds/${round.id}/certify`, {}, at(round.open_at + 60));
  assert.equal(d.status, 303, d.text.slice(0, 300));
  const page = await admin1.get(url(), { json: true });
  assert.equal(page.json.basic.frozen, true);
  assert.equal(page.json.can_edit, false);
  const late = await admin1.post(url(), fields(page.json.basic, { p2: 6 }), { json: true });
  assert.equal(late.status, 409);
  assert.match(late.json.error, /รับรองข้อมูลรอบนี้แล้ว/);
  const snap = await admin1.get(`/dmc/schools/${s1}/rounds/${round.id}`, { json: true });
  assert.equal(snap.json.basic.rows.find((x) => x.grade === 'p2').rooms, 5);
  assert.equal(snap.json.basic.rooms, count(`SELECT SUM(rooms) FROM dmc_school_grades WHERE round_id = ${round.id} AND school_id = ${s1}`));
  const html = await admin1.get(`/dmc/schools/${s1}/rounds/${round.id}`);
  assert.match(html.text, /เปิดสอน \d+ ชั้น รวม \d+ ห้อง/);
});

test('the learner list: a search of only punctuation says so at the box (core search_query_notice) and lists as without it', async () => {
  const all = await admin1.get(`/dmc/schools/${s1}/learners`, { json: true });
  assert.equal(all.json.q_note, null);
  const r = await admin1.get(`/dmc/schools/${s1}/learners?q=${encodeURIComponent('...')}`);
  assert.equal(r.status, 200);
  assert.match(r.text, /<p class="field-note" id="q-note" role="status">คำค้นไม่มีตัวอักษรหรือตัวเลขให้ค้นหา[^<]*<\/p>\n<input type="search" id="q" name="q" value="\.\.\." [^>]*aria-describedby="q-hint q-note"/);
  const j = await admin1.get(`/dmc/schools/${s1}/learners?q=--`, { json: true });
  assert.match(j.json.q_note, /ไม่มีตัวอักษรหรือตัวเลข/);
  assert.equal(j.json.total, all.json.total);
  assert.deepEqual(j.json.rows.map((x) => x.id), all.json.rows.map((x) => x.id));
});
