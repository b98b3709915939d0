// api_dmc_dpa: the census (DMC) and personnel (DPA) writes under /api/v1
// (issue 15.1) through the real binary, on SQLite and (KHET_TEST_PG)
// PostgreSQL, with tokens only: each write is the page's own handler (the
// same declared fields, domain functions, transaction and audit). A school
// token adds a learner; a wrong check digit is 422 with the field; an ID
// active at another school is 422 with the code move_in_offered, and the
// move in works; an edit with a stale _version is 409; a read-only token is
// 403; a school token on another school's learner is 404; a drop-out asked
// by the school and approved by the area's token; weights and heights; a
// round confirmed outside its window (409 round_window_closed), inside it,
// certified by the director's token and not by the data officer's; the
// area's dashboard; a G-code asked with its documents (multipart) and
// certified. The same for personnel: add (another school's person: 409
// transfer_offered), edit (409), transfer asked, read by both schools,
// approved by the other school, refused without a reason (422 at the
// field), removal.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, files, citizenId, assertApiError, tokenFromPage } from './lib.mjs';

const PW = 'khet-demo-2567';
let server, admin, area, s1, s2;
const sql = (q) => server.sql(q);
const count = (q) => Number(sql(q));

let seq = 0;
const newId = (p) => citizenId(p + String(Date.now() % 1e6).padStart(6, '0') + String(++seq).padStart(4, '0'));

function beDate(days) {
  const d = new Date(Date.now() + 7 * 3600e3 + days * 86400e3);
  return `${String(d.getUTCDate()).padStart(2, '0')}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${d.getUTCFullYear() + 543}`;
}

async function token(login, scopes, role = '') {
  // the round in progress may be months ahead
  return (await tokenFromPage(admin, `/areas/${area}/tokens`, { name: `${login} ${scopes} ${++seq}`, kind: 'personal', login, role, scopes, expires: beDate(360) })).token;
}

async function call(t, method, path, { json, form, now } = {}) {
  const headers = { authorization: `Bearer ${t}` };
  let body;
  if (json) { headers['content-type'] = 'application/json'; body = JSON.stringify(json); }
  if (form) body = form;
  if (now) headers['x-khet-test-now'] = String(now);
  const res = await fetch(server.base + path, { method, headers, body });
  const text = await res.text();
  let data;
  try { data = JSON.parse(text); } catch {}
  return { status: res.status, headers: res.headers, json: data, text };
}

const errorShape = assertApiError;
// A birth date n years and a month before today (Bangkok), "YYYY-MM-DD":
// n whole years old, whatever the day the test runs.
const yearsAgo = (n) => {
  const d = new Date(Date.now() + 7 * 3600e3);
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() - 1);
  d.setUTCFullYear(d.getUTCFullYear() - n);
  return d.toISOString().slice(0, 10);
};

const learner = (over = {}) => ({
  citizen_id: newId('18'), gcode: '', title: 'boy', first_name: 'เอพีไอ', last_name: 'สำมะโน', sex: 'M',
  birth_date: '2018-03-04', nationality: 'TH', grade: 'p2', room: 1, weight: '24.5', height: '123',
  disadvantaged: 'none', disability: 'none', guardian_name: 'นายผู้ปกครอง สำมะโน', guardian_phone: '0812345678',
  address: '1 หมู่ 2', ...over,
});

const person = (over = {}) => ({
  citizen_id: newId('28'), title: 'นาง', first_name: 'เอพีไอ', last_name: 'ทะเบียนดี', birth_date: '1975-03-04',
  type: 'teacher', position: 'teacher', position_no: '4411', standing: 'senior', salary: '45120.50',
  appointed_on: '1999-05-17', arrived_on: '2015-05-16', education: 'ค.บ.', subject: 'ภาษาไทย', phone: '0812345678',
  email: '', ...over,
});

let tSchool1, tSchool2, tRead, tArea, tDirector, tDpa1, tDpa2, tDpaRead;

before(async () => {
  server = await startServer();
  area = Number(sql("SELECT id FROM areas WHERE code = '3502'"));
  s1 = Number(sql(`SELECT id FROM schools WHERE area_id = ${area} ORDER BY obec_code LIMIT 1`));
  s2 = Number(sql(`SELECT id FROM schools WHERE area_id = ${area} ORDER BY obec_code LIMIT 1 OFFSET 1`));
  admin = server.client();
  await admin.get('/signin');
  assert.equal((await admin.post('/signin', { login: 'areaadmin1', password: PW })).status, 303);
  tSchool1 = await token('schooladmin', ['dmc:write']);
  tSchool2 = await token('schooladmin2', ['dmc:write']);
  tRead = await token('schooladmin', ['dmc:read']);
  tArea = await token('dmcarea', ['dmc:write']);
  tDirector = await token('schooldirector', ['dmc:write']);
  tDpa1 = await token('schooladmin', ['dpa:write']);
  tDpa2 = await token('schooladmin2', ['dpa:write']);
  tDpaRead = await token('schooladmin', ['dpa:read']);
});
after(async () => { await server?.stop(); });

test('dmc: a school token adds a learner; bad check digit, read-only, another school', async () => {
  const n = count('SELECT COUNT(*) FROM dmc_learners');
  const bad = await call(tSchool1, 'POST', `/api/v1/dmc/schools/${s1}/learners`, { json: learner({ citizen_id: '1234567890123' }) });
  errorShape(bad, 422, 'validation_failed');
  assert.ok(bad.json.error.fields.citizen_id, bad.text);
  assert.equal(count('SELECT COUNT(*) FROM dmc_learners'), n, 'nothing stored');
  // the grade's ages (the same rule as the pages and the import): an 8-year-old in ม.1, a 9-year-old in อ.1
  const young = await call(tSchool1, 'POST', `/api/v1/dmc/schools/${s1}/learners`, { json: learner({ grade: 'm1', birth_date: yearsAgo(8) }) });
  errorShape(young, 422, 'validation_failed');
  assert.match(young.json.error.fields.birth_date || '', /ชั้น ม\.1 รับนักเรียนอายุ 11–21 ปี.*อายุ 8 ปี ยังไม่ถึง 11 ปี/, young.text);
  const old = await call(tSchool1, 'POST', `/api/v1/dmc/schools/${s1}/learners`, { json: learner({ grade: 'k1', birth_date: yearsAgo(9) }) });
  errorShape(old, 422, 'validation_failed');
  assert.match(old.json.error.fields.birth_date || '', /ชั้น อ\.1 รับนักเรียนอายุ 2–6 ปี.*เกิน 6 ปี/, old.text);
  assert.equal(count('SELECT COUNT(*) FROM dmc_learners'), n, 'nothing stored');
  const ro = await call(tRead, 'POST', `/api/v1/dmc/schools/${s1}/learners`, { json: learner() });
  errorShape(ro, 403, 'insufficient_scope');
  const f = learner({ first_name: 'กานต์เอพีไอ' });
  const r = await call(tSchool1, 'POST', `/api/v1/dmc/schools/${s1}/learners`, { json: f });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.headers.get('location'), `/api/v1/dmc/learners/${r.json.id}`);
  assert.equal(r.json.school_id, s1);
  assert.equal(r.json.ident_masked, `${f.citizen_id[0]}-xxxx-xxxxx-xx-${f.citizen_id[12]}`);
  assert.ok(!r.text.includes(f.citizen_id), 'the ID masked');
  assert.deepEqual(r.json.grade.code, 'p2');
  assert.equal(r.json.weight, '24.5');
  assert.equal(r.json.status.code, 'active');
  assert.equal(count(`SELECT COUNT(*) FROM dmc_learners WHERE id = ${r.json.id} AND school_id = ${s1}`), 1);
  assert.equal(count(`SELECT COUNT(*) FROM audit WHERE action = 'dmc.learner.add' AND target_id = ${r.json.id}`), 1);
  // the read-only token reads it; another school's token does not find it
  const got = await call(tRead, 'GET', `/api/v1/dmc/learners/${r.json.id}`);
  assert.equal(got.status, 200, got.text);
  assert.equal(got.json.version, r.json.version);
  errorShape(await call(tSchool2, 'GET', `/api/v1/dmc/learners/${r.json.id}`), 404, 'not_found');
  const other = await call(tSchool2, 'PATCH', `/api/v1/dmc/learners/${r.json.id}`, { json: { title: 'boy', first_name: 'ไม่ใช่', last_name: 'ของเรา' } });
  errorShape(other, 404, 'not_found');
  assert.equal(sql(`SELECT first_name FROM dmc_learners WHERE id = ${r.json.id}`), 'กานต์เอพีไอ');
  // nor adds to its school: 404, as for any school it may not see (dpa, bld)
  errorShape(await call(tSchool2, 'POST', `/api/v1/dmc/schools/${s1}/learners`, { json: learner() }), 404, 'not_found');
  errorShape(await call(tSchool2, 'POST', `/api/v1/dmc/schools/${s1}/move-in`, { json: { citizen_id: f.citizen_id, grade: 'p2', room: 1 } }), 404, 'not_found');
});

test('dmc: an ID active at another school is move_in_offered; the move in; edits with _version (409)', async () => {
  const f = learner({ grade: 'p3', birth_date: yearsAgo(9) }); // old enough for ป.5 below
  const a = await call(tSchool1, 'POST', `/api/v1/dmc/schools/${s1}/learners`, { json: f });
  assert.equal(a.status, 201, a.text);
  const dup = await call(tSchool2, 'POST', `/api/v1/dmc/schools/${s2}/learners`, { json: learner({ citizen_id: f.citizen_id }) });
  errorShape(dup, 422, 'move_in_offered');
  assert.ok(dup.json.error.fields.citizen_id, dup.text);
  assert.equal(count(`SELECT COUNT(*) FROM dmc_learners WHERE ident = '${f.citizen_id}'`), 1);
  const mi = await call(tSchool2, 'POST', `/api/v1/dmc/schools/${s2}/move-in`, { json: { citizen_id: f.citizen_id, grade: 'p4', room: 2 } });
  assert.equal(mi.status, 200, mi.text);
  assert.equal(mi.json.id, a.json.id, 'the same record');
  assert.equal(mi.json.school_id, s2);
  assert.equal(mi.json.grade.code, 'p4');
  errorShape(await call(tSchool1, 'GET', `/api/v1/dmc/learners/${a.json.id}`), 404);
  // a name edit with the version read; then one made from the old copy
  const v = mi.json.version;
  const ok = await call(tSchool2, 'PATCH', `/api/v1/dmc/learners/${a.json.id}`, { json: { title: 'boy', first_name: 'ใหม่', last_name: 'ชื่อ', _version: v } });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.first_name, 'ใหม่');
  assert.ok(ok.json.version > v);
  const stale = await call(tSchool2, 'PATCH', `/api/v1/dmc/learners/${a.json.id}`, { json: { title: 'boy', first_name: 'ทับ', last_name: 'ชื่อ', _version: v } });
  errorShape(stale, 409, 'stale_version');
  assert.equal(sql(`SELECT first_name FROM dmc_learners WHERE id = ${a.json.id}`), 'ใหม่');
  // weights and heights: a bad one at its field, then stored
  const heavy = await call(tSchool2, 'POST', `/api/v1/dmc/learners/${a.json.id}/body`, { json: { weight: '500', height: '130', _version: ok.json.version } });
  errorShape(heavy, 422);
  assert.ok(heavy.json.error.fields.weight, heavy.text);
  const body = await call(tSchool2, 'POST', `/api/v1/dmc/learners/${a.json.id}/body`, { json: { weight: '30.5', height: '131', _version: ok.json.version } });
  assert.equal(body.status, 200, body.text);
  assert.equal(body.json.weight, '30.5');
  assert.equal(body.json.height, '131.0');
  const grade = await call(tSchool2, 'POST', `/api/v1/dmc/learners/${a.json.id}/grade`, { json: { grade: 'p5', room: 3 } });
  assert.equal(grade.status, 200, grade.text);
  assert.equal(grade.json.room, 3);
  const out = await call(tSchool2, 'POST', `/api/v1/dmc/learners/${a.json.id}/move-out`, { json: { destination: 'โรงเรียนในกรุงเทพฯ' } });
  assert.equal(out.status, 200, out.text);
  assert.equal(out.json.status.code, 'moved_out');
  assert.equal(out.json.moved_to, 'โรงเรียนในกรุงเทพฯ');
});

test('dmc: the learner page\'s forms carry the record\'s version: a save from an older copy is 409, nothing changed', async () => {
  const a = await call(tSchool1, 'POST', `/api/v1/dmc/schools/${s1}/learners`, { json: learner() });
  assert.equal(a.status, 201, a.text);
  const page = server.client();
  await page.get('/signin');
  assert.equal((await page.post('/signin', { login: 'schooladmin', password: PW })).status, 303);
  const html = await page.get(`/dmc/learners/${a.json.id}`);
  assert.ok(html.text.includes(`name="_version" value="${a.json.version}"`), 'the forms carry _version');
  const edit = await call(tSchool1, 'PATCH', `/api/v1/dmc/learners/${a.json.id}`, { json: { title: 'boy', first_name: 'สคริปต์', last_name: 'แก้ก่อน' } });
  assert.equal(edit.status, 200, edit.text);
  assert.equal(edit.json.version, a.json.version + 1, 'one save, one version');
  const stale = await page.post(`/dmc/learners/${a.json.id}/name`, { title: 'boy', first_name: 'หน้าเว็บ', last_name: 'แก้ทีหลัง', _version: String(a.json.version) });
  assert.equal(stale.status, 409, stale.text.slice(0, 300));
  assert.match(stale.text, /ข้อมูลนักเรียนนี้ถูกแก้ไขโดยผู้อื่นหลังจากท่านเปิดหน้านี้/);
  assert.equal(sql(`SELECT first_name FROM dmc_learners WHERE id = ${a.json.id}`), 'สคริปต์');
  // the page shows what is stored now, ready to save again on its version,
  // and keeps what the second person typed in the message
  assert.match(stale.text, /ข้อมูลล่าสุดที่ต่างจากที่ท่านส่ง: <strong>ชื่อ<\/strong> <strong>นามสกุล<\/strong>/);
  assert.match(stale.text, /ที่ท่านกรอกไว้ \(ยังไม่ได้บันทึก\): ชื่อ “<span class="stale-sent">หน้าเว็บ<\/span>” นามสกุล “<span class="stale-sent">แก้ทีหลัง<\/span>”/);
  assert.match(stale.text, /name="first_name"[^>]*value="สคริปต์"/);
  assert.ok(stale.text.includes(`name="_version" value="${edit.json.version}"`), 'the forms carry the version stored now');
  const again = await page.post(`/dmc/learners/${a.json.id}/name`, { title: 'boy', first_name: 'หน้าเว็บ', last_name: 'แก้ทีหลัง', _version: String(edit.json.version) });
  assert.equal(again.status, 303, again.text.slice(0, 300));
  assert.equal(sql(`SELECT first_name || ' ' || last_name || ' ' || version FROM dmc_learners WHERE id = ${a.json.id}`),
    `หน้าเว็บ แก้ทีหลัง ${edit.json.version + 1}`);
});

test('dmc: one save moves a learner\'s version on by one (API and page); a PATCH keeps the names it leaves out', async () => {
  const a = await call(tSchool1, 'POST', `/api/v1/dmc/schools/${s1}/learners`, { json: learner({ first_name: 'รุ่นหนึ่ง', last_name: 'ทีละขั้น' }) });
  assert.equal(a.status, 201, a.text);
  const id = a.json.id;
  const stored = () => sql(`SELECT title || '|' || first_name || '|' || last_name || '|' || version FROM dmc_learners WHERE id = ${id}`);
  let v = a.json.version;
  // only the first name: the title and last name stay as stored
  const p1 = await call(tSchool1, 'PATCH', `/api/v1/dmc/learners/${id}`, { json: { first_name: 'เฉพาะชื่อ', _version: v } });
  assert.equal(p1.status, 200, p1.text);
  assert.equal(p1.json.version, v + 1, 'one save, one version');
  assert.equal(p1.json.title.code, 'boy');
  assert.equal(p1.json.last_name, 'ทีละขั้น');
  assert.equal(stored(), `boy|เฉพาะชื่อ|ทีละขั้น|${v + 1}`);
  v = p1.json.version;
  // only the last name, without _version (not checked)
  const p2 = await call(tSchool1, 'PATCH', `/api/v1/dmc/learners/${id}`, { json: { last_name: 'นามสกุลใหม่' } });
  assert.equal(p2.status, 200, p2.text);
  assert.equal(stored(), `boy|เฉพาะชื่อ|นามสกุลใหม่|${v + 1}`);
  v = p2.json.version;
  // a required field sent empty is still refused, in the one error shape
  const empty = await call(tSchool1, 'PATCH', `/api/v1/dmc/learners/${id}`, { json: { first_name: '', _version: v } });
  errorShape(empty, 422, 'validation_failed');
  assert.match(empty.json.error.fields.first_name || '', /กรุณากรอก/, empty.text);
  assert.deepEqual(Object.keys(empty.json.error.fields), ['first_name']);
  // a title alone is checked against the stored sex
  const girl = await call(tSchool1, 'PATCH', `/api/v1/dmc/learners/${id}`, { json: { title: 'girl', _version: v } });
  errorShape(girl, 422);
  assert.ok(girl.json.error.fields.title, girl.text);
  // a partial PATCH from an older copy is 409 like a whole one
  errorShape(await call(tSchool1, 'PATCH', `/api/v1/dmc/learners/${id}`, { json: { first_name: 'ทับ', _version: v - 1 } }), 409, 'stale_version');
  assert.equal(stored(), `boy|เฉพาะชื่อ|นามสกุลใหม่|${v}`, 'nothing stored by the refusals');
  // weights and heights, grade and room, a drop-out asked: one each
  const body = await call(tSchool1, 'POST', `/api/v1/dmc/learners/${id}/body`, { json: { weight: '25', height: '124', _version: v } });
  assert.equal(body.status, 200, body.text);
  assert.equal(body.json.version, v + 1);
  const grade = await call(tSchool1, 'POST', `/api/v1/dmc/learners/${id}/grade`, { json: { grade: 'p2', room: 2, _version: v + 1 } });
  assert.equal(grade.status, 200, grade.text);
  assert.equal(grade.json.version, v + 2);
  // the page's forms: one save, one version
  const page = server.client();
  await page.get('/signin');
  assert.equal((await page.post('/signin', { login: 'schooladmin', password: PW })).status, 303);
  const nm = await page.post(`/dmc/learners/${id}/name`, { title: 'boy', first_name: 'จากหน้าเว็บ', last_name: 'นามสกุลใหม่', _version: String(v + 2) });
  assert.equal(nm.status, 303, nm.text.slice(0, 300));
  assert.equal(stored(), `boy|จากหน้าเว็บ|นามสกุลใหม่|${v + 3}`);
  const reason = sql('SELECT code FROM dmc_dropout_reasons WHERE code <> \'other\' ORDER BY sort LIMIT 1');
  const q = await page.post(`/dmc/learners/${id}/dropout`, { reason, dropout_note: '', _version: String(v + 3) });
  assert.equal(q.status, 303, q.text.slice(0, 300));
  assert.equal(stored(), `boy|จากหน้าเว็บ|นามสกุลใหม่|${v + 4}`);
});

test('dmc: a drop-out asked by the school token, approved by the area token', async () => {
  const a = await call(tSchool1, 'POST', `/api/v1/dmc/schools/${s1}/learners`, { json: learner() });
  assert.equal(a.status, 201, a.text);
  const reason = sql('SELECT code FROM dmc_dropout_reasons WHERE code <> \'other\' ORDER BY sort LIMIT 1');
  const q = await call(tSchool1, 'POST', `/api/v1/dmc/learners/${a.json.id}/dropout`, { json: { reason } });
  assert.equal(q.status, 201, q.text);
  assert.equal(q.json.kind.code, 'dropout');
  assert.equal(q.json.status.code, 'pending');
  assert.equal(q.headers.get('location'), `/api/v1/dmc/requests/${q.json.id}`);
  // the school cannot decide; the area's officer can
  errorShape(await call(tSchool1, 'POST', `/api/v1/dmc/areas/${area}/requests/${q.json.id}/approve`, { json: {} }), 403);
  const noNote = await call(tArea, 'POST', `/api/v1/dmc/areas/${area}/requests/${q.json.id}/reject`, { json: {} });
  errorShape(noNote, 422);
  assert.ok(noNote.json.error.fields.decision_note, noNote.text);
  const ok = await call(tArea, 'POST', `/api/v1/dmc/areas/${area}/requests/${q.json.id}/approve`, { json: { decision_note: 'ตรวจแล้ว' } });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.status.code, 'approved');
  assert.equal(sql(`SELECT status FROM dmc_learners WHERE id = ${a.json.id}`), 'removed');
  const again = await call(tArea, 'POST', `/api/v1/dmc/areas/${area}/requests/${q.json.id}/approve`, { json: {} });
  errorShape(again, 409);
});

test('dmc: rounds — outside the window 409 round_window_closed, confirm, certify by the director only; dashboard', async () => {
  const rounds = await call(tRead, 'GET', '/api/v1/dmc/rounds');
  assert.equal(rounds.status, 200, rounds.text);
  assert.equal(rounds.json.items.length, 3);
  // the demo's census certified the rounds that have closed: the test
  // walks the round in progress (its window within the tokens' year)
  const r2 = rounds.json.items.find((x) => Date.parse(x.close_at) / 1000 + 60 > Date.now() / 1000)
    ?? (await call(tRead, 'GET', `/api/v1/dmc/rounds?year=${rounds.json.items[0].academic_year + 1}`)).json.items[0];
  const open = Date.parse(r2.open_at) / 1000, close = Date.parse(r2.close_at) / 1000;
  const early = await call(tSchool1, 'POST', `/api/v1/dmc/schools/${s1}/rounds/${r2.id}/confirm`, { json: {}, now: open - 60 });
  errorShape(early, 409, 'round_window_closed');
  assert.equal(count(`SELECT COUNT(*) FROM dmc_round_schools WHERE round_id = ${r2.id} AND school_id = ${s1} AND confirmed_at IS NOT NULL`), 0);
  const early2 = await call(tDirector, 'POST', `/api/v1/dmc/schools/${s1}/rounds/${r2.id}/certify`, { json: {}, now: open + 60 });
  errorShape(early2, 409, 'round_step_refused');
  // a field the confirmation does not take is refused at the field, not dropped
  const extra = await call(tSchool1, 'POST', `/api/v1/dmc/schools/${s1}/rounds/${r2.id}/confirm`, { json: { note: 'x' }, now: open + 60 });
  errorShape(extra, 422, 'validation_failed');
  assert.ok(extra.json.error.fields.note, extra.text);
  const c = await call(tSchool1, 'POST', `/api/v1/dmc/schools/${s1}/rounds/${r2.id}/confirm`, { json: {}, now: open + 60 });
  assert.equal(c.status, 200, c.text);
  assert.ok(c.json.confirmed_at);
  assert.equal(c.json.certified_at, null);
  assert.equal(c.json.window_open, true);
  errorShape(await call(tSchool1, 'POST', `/api/v1/dmc/schools/${s1}/rounds/${r2.id}/certify`, { json: {}, now: open + 120 }), 403);
  const d = await call(tDirector, 'POST', `/api/v1/dmc/schools/${s1}/rounds/${r2.id}/certify`, { json: {}, now: open + 120 });
  assert.equal(d.status, 200, d.text);
  assert.ok(d.json.certified_at);
  assert.equal(count(`SELECT COUNT(*) FROM audit WHERE action = 'dmc.round.certify' AND target_id = ${s1}`), 1);
  const got = await call(tRead, 'GET', `/api/v1/dmc/schools/${s1}/rounds/${r2.id}`, { now: close + 3600 });
  assert.equal(got.status, 200);
  assert.equal(got.json.window_open, false);
  const dash = await call(tArea, 'GET', `/api/v1/dmc/areas/${area}/dashboard?round=${r2.id}`);
  assert.equal(dash.status, 200, dash.text);
  const mine = dash.json.schools.find((s) => s.school_id === s1);
  assert.ok(mine && mine.certified_at, dash.text.slice(0, 500));
  assert.ok(dash.json.n_certified >= 1);
  errorShape(await call(tRead, 'GET', `/api/v1/dmc/areas/${area}/dashboard`), 403);
});

test('dmc: a G-code asked with its documents (multipart), certified by the area', async () => {
  const fd = new FormData();
  const f = learner({ title: 'girl', sex: 'F', nationality: 'XX', disadvantaged: 'minority', note: '' });
  delete f.citizen_id; delete f.gcode;
  for (const [k, v] of Object.entries(f)) fd.append(k, String(v));
  fd.append('student_form', new Blob([files.pdf()], { type: 'application/pdf' }), 'แบบบันทึก.pdf');
  fd.append('guardian_doc', new Blob([files.png()], { type: 'image/png' }), 'passport.png');
  const g = await call(tSchool1, 'POST', `/api/v1/dmc/schools/${s1}/gcode`, { form: fd });
  assert.equal(g.status, 201, g.text);
  assert.equal(g.headers.get('location'), `/api/v1/dmc/gcode/${g.json.id}`);
  assert.equal(g.json.status.code, 'pending');
  assert.equal(g.json.docs.length, 2);
  assert.equal(g.json.gcode, null);
  // a document by its link, with the token; each read audited
  const doc = g.json.docs.find((d) => d.kind === 'student_form');
  assert.equal(doc.href, `/api/v1/dmc/gcode/${g.json.id}/docs/student_form`);
  const reads = count(`SELECT COUNT(*) FROM audit WHERE action = 'personal.read' AND target_type = 'dmc_gcode_doc' AND target_id = ${g.json.id}`);
  const file = await fetch(server.base + doc.href, { headers: { authorization: `Bearer ${tRead}` } });
  assert.equal(file.status, 200);
  assert.equal(file.headers.get('content-type'), 'application/pdf');
  assert.equal(count(`SELECT COUNT(*) FROM audit WHERE action = 'personal.read' AND target_type = 'dmc_gcode_doc' AND target_id = ${g.json.id}`), reads + 1);
  errorShape(await call(tSchool2, 'GET', doc.href), 404);
  // documented with its kinds as the path parameter's schema, not as a numeric id
  const oa = await (await fetch(server.base + '/api/v1/openapi.json')).json();
  const kindParam = oa.paths['/api/v1/dmc/gcode/{gid}/docs/{kind}'].get.parameters.find((x) => x.name === 'kind');
  assert.equal(kindParam.in, 'path');
  assert.deepEqual(kindParam.schema.enum, ['student_form', 'guardian_doc', 'other_doc']);
  assert.equal(oa.paths['/api/v1/dmc/gcode/{gid}/docs/{kind}'].get.parameters.filter((x) => x.name === 'kind').length, 1);
  errorShape(await call(tRead, 'GET', `/api/v1/dmc/gcode/${g.json.id}/docs/other_doc`), 404);
  const ok = await call(tArea, 'POST', `/api/v1/dmc/areas/${area}/gcode/${g.json.id}/approve`, { json: {} });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.status.code, 'approved');
  assert.match(ok.json.gcode, /^G\d{12}$/);
  const l = await call(tSchool1, 'GET', `/api/v1/dmc/learners/${ok.json.learner_id}`);
  assert.equal(l.status, 200);
  assert.equal(l.json.school_id, s1);
  errorShape(await call(tSchool2, 'GET', `/api/v1/dmc/gcode/${g.json.id}`), 404);
});

test('dpa: a school token adds a staff record; bad check digit, read-only, another school; edit with _version', async () => {
  const n = count('SELECT COUNT(*) FROM dpa_staff');
  const bad = await call(tDpa1, 'POST', `/api/v1/dpa/schools/${s1}/staff`, { json: person({ citizen_id: '1234567890123' }) });
  errorShape(bad, 422, 'validation_failed');
  assert.ok(bad.json.error.fields.citizen_id, bad.text);
  assert.equal(count('SELECT COUNT(*) FROM dpa_staff'), n);
  errorShape(await call(tDpaRead, 'POST', `/api/v1/dpa/schools/${s1}/staff`, { json: person() }), 403, 'insufficient_scope');
  const p = person();
  const r = await call(tDpa1, 'POST', `/api/v1/dpa/schools/${s1}/staff`, { json: p });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.headers.get('location'), `/api/v1/dpa/staff/${r.json.id}`);
  assert.equal(r.json.school_id, s1);
  assert.ok(!r.text.includes(p.citizen_id) && !r.text.includes('45120'), 'ID masked, no salary');
  assert.equal(sql(`SELECT salary FROM dpa_staff WHERE id = ${r.json.id}`), '4512050');
  assert.equal(count(`SELECT COUNT(*) FROM audit WHERE action = 'dpa.staff.add' AND target_id = ${r.json.id}`), 1);
  errorShape(await call(tDpa2, 'GET', `/api/v1/dpa/staff/${r.json.id}`), 404, 'not_found');
  errorShape(await call(tDpa2, 'PATCH', `/api/v1/dpa/staff/${r.json.id}`, { json: { ...person(), _version: r.json.version } }), 404);
  const { citizen_id, ...rest } = p;
  const ok = await call(tDpa1, 'PATCH', `/api/v1/dpa/staff/${r.json.id}`, { json: { ...rest, position_no: '5522', _version: r.json.version } });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.position_no, '5522');
  assert.ok(ok.json.version > r.json.version);
  const stale = await call(tDpa1, 'PATCH', `/api/v1/dpa/staff/${r.json.id}`, { json: { ...rest, position_no: '9999', _version: r.json.version } });
  errorShape(stale, 409, 'stale_version');
  assert.equal(sql(`SELECT position_no FROM dpa_staff WHERE id = ${r.json.id}`), '5522');
  // a PATCH carries only what changes: the fields it leaves out keep their
  // stored values (the API's reads never give back the salary, birth date
  // or phone a client could send again, so an absent field taken as empty
  // erased them)
  const stored = () => sql(`SELECT salary || '|' || birth_date || '|' || phone || '|' || standing || '|' || subject FROM dpa_staff WHERE id = ${r.json.id}`);
  const was = stored();
  assert.equal(was, '4512050|1975-03-04|0812345678|senior|ภาษาไทย');
  const part = await call(tDpa1, 'PATCH', `/api/v1/dpa/staff/${r.json.id}`, { json: { title: 'นาง', first_name: 'เอพีไอ', last_name: 'ทะเบียนใหม่', _version: ok.json.version } });
  assert.equal(part.status, 200, part.text);
  assert.equal(sql(`SELECT last_name FROM dpa_staff WHERE id = ${r.json.id}`), 'ทะเบียนใหม่');
  assert.equal(stored(), was);
  assert.equal(part.json.version, ok.json.version + 1, 'one save, one version');
  // a required field sent empty is still refused, at that field alone
  const empty = await call(tDpa1, 'PATCH', `/api/v1/dpa/staff/${r.json.id}`, { json: { last_name: '', _version: part.json.version } });
  errorShape(empty, 422, 'validation_failed');
  assert.deepEqual(Object.keys(empty.json.error.fields), ['last_name'], empty.text);
  assert.equal(sql(`SELECT last_name FROM dpa_staff WHERE id = ${r.json.id}`), 'ทะเบียนใหม่');
  ok.json.version = part.json.version;
  // the area office's own staff, by the area admin's token; a school's token may not
  const office = await call(await token('areaadmin1', ['dpa:write']), 'POST', `/api/v1/dpa/areas/${area}/staff`, { json: person() });
  assert.equal(office.status, 201, office.text);
  assert.equal(office.json.school_id, null);
  assert.equal(office.json.area_id, area);
  errorShape(await call(tDpa1, 'POST', `/api/v1/dpa/areas/${area}/staff`, { json: person() }), 403);
  errorShape(await call(tDpa1, 'GET', `/api/v1/dpa/staff/${office.json.id}`), 404);
  const reason = sql('SELECT code FROM dpa_remove_reasons ORDER BY code LIMIT 1');
  const rm = await call(tDpa1, 'POST', `/api/v1/dpa/staff/${r.json.id}/remove`, { json: { reason, removed_on: '2026-01-15', _version: ok.json.version } });
  assert.equal(rm.status, 200, rm.text);
  assert.equal(rm.json.status.code, 'removed');
  assert.equal(rm.json.removed_on, '2026-01-15');
});

test('dpa: another school\'s person is transfer_offered; the transfer asked, read by both sides, a refusal without its reason 422 at the field, approved', async () => {
  const p = person();
  const a = await call(tDpa1, 'POST', `/api/v1/dpa/schools/${s1}/staff`, { json: p });
  assert.equal(a.status, 201, a.text);
  const dup = await call(tDpa2, 'POST', `/api/v1/dpa/schools/${s2}/staff`, { json: person({ citizen_id: p.citizen_id }) });
  errorShape(dup, 409, 'transfer_offered');
  const t = await call(tDpa2, 'POST', `/api/v1/dpa/schools/${s2}/transfers`, { json: { citizen_id: p.citizen_id, note: 'ย้ายตามคำสั่ง' } });
  assert.equal(t.status, 201, t.text);
  assert.equal(t.headers.get('location'), `/api/v1/dpa/transfers/${t.json.id}`);
  assert.equal(t.json.status.code, 'pending');
  assert.equal(t.json.from_school_id, s1);
  assert.equal(t.json.to_school_id, s2);
  const inc = await call(tDpa1, 'GET', `/api/v1/dpa/schools/${s1}/transfers?status=pending`);
  assert.equal(inc.status, 200, inc.text);
  assert.ok(inc.json.items.some((x) => x.id === t.json.id));
  const outg = await call(tDpa2, 'GET', `/api/v1/dpa/schools/${s2}/transfers?direction=outgoing`);
  assert.ok(outg.json.items.some((x) => x.id === t.json.id));
  // the asking school cannot approve its own request
  errorShape(await call(tDpa2, 'POST', `/api/v1/dpa/transfers/${t.json.id}/approve`, { json: {} }), 404);
  const noNote = await call(tDpa1, 'POST', `/api/v1/dpa/transfers/${t.json.id}/refuse`, { json: {} });
  errorShape(noNote, 422);
  assert.ok(noNote.json.error.fields.decision_note, noNote.text);
  const ok = await call(tDpa1, 'POST', `/api/v1/dpa/transfers/${t.json.id}/approve`, { json: { decision_note: '' } });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.status.code, 'approved');
  assert.equal(Number(sql(`SELECT school_id FROM dpa_staff WHERE id = ${a.json.id}`)), s2);
  const moved = await call(tDpa2, 'GET', `/api/v1/dpa/staff/${a.json.id}`);
  assert.equal(moved.status, 200);
  assert.equal(moved.json.school_id, s2);
  errorShape(await call(tDpaRead, 'GET', `/api/v1/dpa/schools/${s1}/transfers?direction=sideways`), 400, 'invalid_parameter');
});
