// api_fix: the API defects a review found, each through the real binary on
// SQLite and (KHET_TEST_PG) PostgreSQL, with tokens only.
// 1. A G-code request read through the API is audited as its page is
//    (personal.read dmc_gcode_request), and any API answer carrying a
//    personal field (the approval's gcode) writes a personal.read row by
//    itself (core/api.c), not by each handler's care.
// 2. Every API route's query parameters are checked against its declared
//    list before its handler: an item, the area dashboard, a write; a bad
//    value, an unknown name, page/sort on an item, and a number past 64 bits
//    are 400 in the one error shape.
// 3. PATCH /dpa/staff/:id with one field keeps the rest; a required field
//    sent empty is still 422.
// 4. The staff item's retire_fy (it gives the birth year away, as the
//    record's page shows it) is audited as the page's read is.
// 5. A write refused 404 (another school's record) carries no field errors.
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
  return (await tokenFromPage(admin, `/areas/${area}/tokens`, { name: `${login} ${scopes} ${++seq}`, kind: 'personal', login, role, scopes, expires: beDate(360) })).token;
}

async function call(t, method, path, { json, form } = {}) {
  const headers = { authorization: `Bearer ${t}` };
  let body;
  if (json) { headers['content-type'] = 'application/json'; body = JSON.stringify(json); }
  if (form) body = form;
  const res = await fetch(server.base + path, { method, headers, body });
  const text = await res.text();
  let data;
  try { data = JSON.parse(text); } catch {}
  return { status: res.status, headers: res.headers, json: data, text };
}

const person = (over = {}) => ({
  citizen_id: newId('38'), title: 'นาง', first_name: 'แก้ไข', last_name: 'บางช่อง', birth_date: '1975-03-04',
  type: 'teacher', position: 'teacher', position_no: '4412', standing: 'senior', salary: '45120.50',
  appointed_on: '1999-05-17', arrived_on: '2015-05-16', education: 'ค.บ.', subject: 'ภาษาไทย', phone: '0812345678',
  email: '', ...over,
});

let tSchool1, tSchool2, tRead, tArea, tDpa1, tDpa2;

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
  tDpa1 = await token('schooladmin', ['dpa:write']);
  tDpa2 = await token('schooladmin2', ['dpa:write']);
});
after(async () => { await server?.stop(); });

test('a G-code request read through the API is audited as its page is; an answer with a personal field audits itself', async () => {
  const fd = new FormData();
  const f = {
    title: 'girl', first_name: 'รหัสจี', last_name: 'ตรวจสอบ', sex: 'F', birth_date: '2018-03-04', nationality: 'XX',
    grade: 'p2', room: 1, weight: '24.5', height: '123', disadvantaged: 'minority', disability: 'none',
    guardian_name: 'นายผู้ปกครอง ตรวจสอบ', guardian_phone: '0812345678', address: '1 หมู่ 2', note: '',
  };
  for (const [k, v] of Object.entries(f)) fd.append(k, String(v));
  fd.append('student_form', new Blob([files.pdf()], { type: 'application/pdf' }), 'form.pdf');
  fd.append('guardian_doc', new Blob([files.png()], { type: 'image/png' }), 'passport.png');
  const g = await call(tSchool1, 'POST', `/api/v1/dmc/schools/${s1}/gcode`, { form: fd });
  assert.equal(g.status, 201, g.text);
  const gid = g.json.id;
  const pageRows = () => count(`SELECT COUNT(*) FROM audit WHERE action = 'personal.read' AND target_type = 'dmc_gcode_request' AND target_id = ${gid}`);
  const apiRows = (what) => count(`SELECT COUNT(*) FROM audit WHERE action = 'personal.read' AND target_type = 'page' AND detail LIKE '%${what}%'`);
  // the area certifies: its answer carries the new G-code, a personal
  // value, and the read of it is audited with no line of the handler's
  const approveRows = apiRows('api:POST /dmc/areas/:aid/gcode/:gid/approve');
  const ok = await call(tArea, 'POST', `/api/v1/dmc/areas/${area}/gcode/${gid}/approve`, { json: {} });
  assert.equal(ok.status, 200, ok.text);
  assert.match(ok.json.gcode, /^G\d{12}$/);
  assert.equal(apiRows('api:POST /dmc/areas/:aid/gcode/:gid/approve'), approveRows + 1, 'the answer\'s gcode audited');
  const row = JSON.parse(sql(`SELECT detail FROM audit WHERE action = 'personal.read' AND target_type = 'page' AND detail LIKE '%gcode/:gid/approve%' ORDER BY id DESC LIMIT 1`));
  assert.deepEqual(row.fields, ['gcode']);
  assert.ok(!JSON.stringify(row).includes(ok.json.gcode), 'the value itself is not in the trail');
  // a read of the request: the page's own row, once (no second by the walk)
  const before = pageRows();
  const anyBefore = count("SELECT COUNT(*) FROM audit WHERE action = 'personal.read'");
  const got = await call(tRead, 'GET', `/api/v1/dmc/gcode/${gid}`);
  assert.equal(got.status, 200, got.text);
  assert.equal(got.json.gcode, ok.json.gcode, 'shown as the page shows it');
  assert.equal(pageRows(), before + 1, 'the read audited as the page\'s');
  assert.equal(count("SELECT COUNT(*) FROM audit WHERE action = 'personal.read'"), anyBefore + 1, 'one row, not two');
  // the page itself writes the same row
  const web = server.client();
  await web.get('/signin');
  assert.equal((await web.post('/signin', { login: 'schooladmin', password: PW })).status, 303);
  assert.equal((await web.get(`/dmc/gcode/${gid}`)).status, 200);
  assert.equal(pageRows(), before + 2);
  // another school's token: 404, nothing audited
  assertApiError(await call(tSchool2, 'GET', `/api/v1/dmc/gcode/${gid}`), 404);
  assert.equal(pageRows(), before + 2);
  // lists mask it: the learner the approval made shows ident_masked only
  const l = await call(tRead, 'GET', `/api/v1/dmc/schools/${s1}/learners?per_page=200`);
  assert.equal(l.status, 200);
  assert.ok(!l.text.includes(ok.json.gcode), 'no list carries the G-code whole');
});

test('query parameters are checked on every API route before its handler', async () => {
  const bad = async (path, name, method = 'GET', json) => {
    const r = await call(method === 'GET' ? tArea : tSchool1, method, path, json ? { json } : {});
    const e = assertApiError(r, 400, 'invalid_parameter');
    assert.ok(e.fields[name], `${path}: ${r.text}`);
  };
  await bad(`/api/v1/dmc/areas/${area}/dashboard?round=abc`, 'round');
  await bad(`/api/v1/dmc/areas/${area}/dashboard?foo=1`, 'foo');
  await bad(`/api/v1/dmc/areas/${area}/dashboard?round=99999999999999999999`, 'round');
  await bad('/api/v1/dmc/rounds?year=99999999999999999999', 'year');
  await bad(`/api/v1/dmc/schools/${s1}/learners?status=nope`, 'status');
  // an item takes no parameter it does not declare, nor a list's paging
  const lid = Number(sql(`SELECT id FROM dmc_learners WHERE school_id = ${s1} ORDER BY id LIMIT 1`));
  await bad(`/api/v1/dmc/learners/${lid}?foo=1`, 'foo');
  await bad(`/api/v1/dmc/learners/${lid}?page=2`, 'page');
  await bad(`/api/v1/dmc/learners/${lid}?sort=name`, 'sort');
  // a path parameter is no query's
  const gid = Number(sql(`SELECT id FROM dmc_gcode_requests WHERE school_id = ${s1} ORDER BY id LIMIT 1`) || 0);
  if (gid) await bad(`/api/v1/dmc/gcode/${gid}/docs/student_form?kind=other_doc`, 'kind');
  // a write too, and nothing of it is stored
  const name = sql(`SELECT first_name FROM dmc_learners WHERE id = ${lid}`);
  await bad(`/api/v1/dmc/learners/${lid}?x=1`, 'x', 'PATCH', { title: 'boy', first_name: 'ไม่ควรบันทึก', last_name: 'ไม่ควร' });
  assert.equal(sql(`SELECT first_name FROM dmc_learners WHERE id = ${lid}`), name);
  // the declared ones still work
  const ok = await call(tArea, 'GET', `/api/v1/dmc/areas/${area}/dashboard`);
  assert.equal(ok.status, 200, ok.text);
  const rid = ok.json.round?.id;
  if (rid) assert.equal((await call(tArea, 'GET', `/api/v1/dmc/areas/${area}/dashboard?round=${rid}`)).status, 200);
  assert.equal((await call(tRead, 'GET', `/api/v1/dmc/learners/${lid}`)).status, 200);
  assert.equal((await call(tRead, 'GET', `/api/v1/dmc/schools/${s1}/learners?page=1&per_page=5&sort=name`)).status, 200);
});

test('PATCH /dpa/staff/:id with one field keeps the rest; a required field sent empty is 422', async () => {
  const p = person();
  const a = await call(tDpa1, 'POST', `/api/v1/dpa/schools/${s1}/staff`, { json: p });
  assert.equal(a.status, 201, a.text);
  const id = a.json.id;
  const stored = () => sql(`SELECT title || '|' || last_name || '|' || salary || '|' || birth_date || '|' || phone || '|' || position_no FROM dpa_staff WHERE id = ${id}`);
  const was = stored();
  const one = await call(tDpa1, 'PATCH', `/api/v1/dpa/staff/${id}`, { json: { first_name: 'เปลี่ยนชื่อ', _version: a.json.version } });
  assert.equal(one.status, 200, one.text);
  assert.equal(one.json.first_name, 'เปลี่ยนชื่อ');
  assert.equal(one.json.last_name, p.last_name);
  assert.equal(sql(`SELECT first_name FROM dpa_staff WHERE id = ${id}`), 'เปลี่ยนชื่อ');
  assert.equal(stored(), was, 'the fields left out keep their values');
  // sent empty: still required, nothing changed
  const empty = await call(tDpa1, 'PATCH', `/api/v1/dpa/staff/${id}`, { json: { first_name: '', _version: one.json.version } });
  const e = assertApiError(empty, 422, 'validation_failed');
  assert.ok(e.fields.first_name, empty.text);
  assert.equal(sql(`SELECT first_name FROM dpa_staff WHERE id = ${id}`), 'เปลี่ยนชื่อ');
  // the page's form still requires every field it shows
  const web = server.client();
  await web.get('/signin');
  assert.equal((await web.post('/signin', { login: 'schooladmin', password: PW })).status, 303);
  const page = await web.post(`/dpa/staff/${id}/edit`, { first_name: 'หน้าเว็บ', _version: String(one.json.version) });
  assert.equal(page.status, 422, page.text.slice(0, 500));
  assert.equal(sql(`SELECT first_name FROM dpa_staff WHERE id = ${id}`), 'เปลี่ยนชื่อ');
});

test('the staff item\'s retire_fy is audited as the record page\'s read', async () => {
  const a = await call(tDpa1, 'POST', `/api/v1/dpa/schools/${s1}/staff`, { json: person() });
  assert.equal(a.status, 201, a.text);
  const id = a.json.id;
  const rows = () => count(`SELECT COUNT(*) FROM audit WHERE action = 'personal.read' AND target_type = 'dpa_staff' AND target_id = ${id}`);
  const n = rows();
  const got = await call(tDpa1, 'GET', `/api/v1/dpa/staff/${id}`);
  assert.equal(got.status, 200, got.text);
  assert.equal(typeof got.json.retire_fy, 'number');
  assert.equal(rows(), n + 1, 'the read of the retirement year audited');
  const d = JSON.parse(sql(`SELECT detail FROM audit WHERE action = 'personal.read' AND target_type = 'dpa_staff' AND target_id = ${id} ORDER BY id DESC LIMIT 1`));
  assert.deepEqual(d.fields, ['retire_fy']);
  assertApiError(await call(tDpa2, 'GET', `/api/v1/dpa/staff/${id}`), 404);
  assert.equal(rows(), n + 1, 'a refused read is none');
});

test('a write refused 404 (another school\'s record) says nothing of its body', async () => {
  const a = await call(tDpa1, 'POST', `/api/v1/dpa/schools/${s1}/staff`, { json: person() });
  assert.equal(a.status, 201, a.text);
  const id = a.json.id;
  const got = { json: a.json };
  // another school's token: 404, no read audited, and nothing of the body
  // (a bad e-mail, an unknown field) answered about the record
  const other = await call(tDpa2, 'PATCH', `/api/v1/dpa/staff/${id}`, { json: { email: 'not-an-email', first_name: '', _version: got.json.version } });
  const e = assertApiError(other, 404, 'not_found');
  assert.deepEqual(e.fields, {}, other.text);
  assert.doesNotMatch(e.message, /ช่อง/, 'no word of the fields');
  // the learner's edit too (the census's page handler)
  const lid = Number(sql(`SELECT id FROM dmc_learners WHERE school_id = ${s1} AND status = 'active' ORDER BY id LIMIT 1`));
  const l = await call(tSchool2, 'PATCH', `/api/v1/dmc/learners/${lid}`, { json: { title: 'nope', first_name: '', last_name: '' } });
  assert.deepEqual(assertApiError(l, 404).fields, {}, l.text);
  // the owner's same bad body: 422 at the fields
  const mine = await call(tDpa1, 'PATCH', `/api/v1/dpa/staff/${id}`, { json: { email: 'not-an-email', _version: got.json.version } });
  const e2 = assertApiError(mine, 422, 'validation_failed');
  assert.ok(e2.fields.email, mine.text);
});
