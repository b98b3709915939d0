// stale: a decision or an edit made on a copy older than the record is
// refused (issue 10.6). Every edit form carries the version it was made from
// (_version); a save on an older version answers 409 with a Thai message
// naming when the record changed, shows the record as it is now, and
// changes nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, files } from './lib.mjs';

const DEMO_PW = 'khet-demo-2567';
let server, admin, officer, citizen, areaId;

async function signedIn(login) {
  const c = server.client();
  await c.get('/signin');
  const r = await c.post('/signin', { login, password: DEMO_PW });
  assert.equal(r.status, 303, `sign in ${login}: ${r.status}`);
  return c;
}

const pdf = () => ({ data: files.pdf(), filename: 'บัตร.pdf', type: 'application/pdf' });
const versionOf = (html) => Number(html.match(/name="_version" value="(\d+)"/)[1]);

function idCardFields(over = {}) {
  return {
    area_id: String(areaId), title: 'นาย', first_name: 'ผดุงสิทธิ์', last_name: 'ลาวรรณ', phone: '0812345678',
    birth_date: '12/05/2528', nationality: 'ไทย', blood_group: 'O',
    address_registered: '382 หมู่ 8 ตำบลกุดชุม อำเภอกุดชุม จังหวัดยโสธร', address_contact: 'เดียวกับทะเบียนบ้าน',
    work_unit: 'กลุ่มนิเทศ', position: 'ครู', rank: 'ชำนาญการ', official_type: 'teacher', ...over,
  };
}

before(async () => {
  server = await startServer();
  [admin, officer, citizen] = await Promise.all(['areaadmin1', 'officer', 'citizen'].map(signedIn));
  areaId = (await admin.get('/oss/admin', { json: true })).json.area.id;
});
after(async () => { await server?.stop(); });

test('OSS: open as officer, the applicant edits, the officer completes → 409, nothing changed', async () => {
  const made = await citizen.postMultipart('/oss/new/11', idCardFields(), { id_card: pdf() }, { json: true });
  assert.equal(made.status, 200);
  const id = Number(made.json.location.match(/(\d+)$/)[1]);
  const url = `/oss/manage/requests/${id}`;
  // the officer opens the processing page: its forms carry the version
  const opened = await officer.get(url);
  assert.equal(opened.status, 200);
  const v0 = versionOf(opened.text);
  // the applicant opens the edit form and saves a change
  const form = await citizen.get(`/oss/requests/${id}/edit`);
  assert.equal(versionOf(form.text), v0);
  const edit = await citizen.postMultipart(`/oss/edit/11/${id}`, { ...idCardFields({ position: 'ครูชำนาญการพิเศษ' }), _version: String(v0) }, {});
  assert.equal(edit.status, 303);
  const row = () => server.sql(`SELECT status || '|' || version || '|' || data FROM oss_requests WHERE id = ${id}`);
  const history = () => server.sql(`SELECT COUNT(*) FROM oss_history WHERE request_id = ${id}`);
  const files0 = server.sql(`SELECT COUNT(*) FROM oss_files WHERE request_id = ${id}`);
  const before = row(), h0 = history();
  assert.match(before, /^submitted\|/);
  assert.notEqual(Number(before.split('|')[1]), v0);
  // the officer completes from the page opened before the edit
  const stale = await officer.postMultipart(url, { status: 'completed', message: 'ออกบัตรแล้ว', _version: String(v0) }, { file: pdf() });
  assert.equal(stale.status, 409);
  assert.match(stale.text, /ถูกแก้ไขโดยผู้อื่นหลังจากท่านเปิดหน้านี้ \(เวลา \d+ [^\s]+ \d{4}, \d\d:\d\d น\.\)/);
  assert.match(stale.text, /ครูชำนาญการพิเศษ/); // the current data is shown
  assert.equal(versionOf(stale.text), Number(before.split('|')[1])); // ready to decide again
  assert.equal(row(), before);
  assert.equal(history(), h0);
  assert.equal(server.sql(`SELECT COUNT(*) FROM oss_files WHERE request_id = ${id}`), files0);
  // JSON says the same
  const js = await officer.postMultipart(url, { status: 'completed', message: 'ออกบัตรแล้ว', _version: String(v0) }, { file: pdf() }, { json: true });
  assert.equal(js.status, 409);
  assert.match(js.json.form.form_error, /ถูกแก้ไขโดยผู้อื่น/);
  // the same decision on the current version goes through
  const ok = await officer.postMultipart(url, { status: 'completed', message: 'ออกบัตรแล้ว', _version: before.split('|')[1] }, { file: pdf() });
  assert.equal(ok.status, 303);
  assert.match(row(), /^completed\|/);
});

test('OSS: the applicant\'s edit on a copy older than the officer\'s step → 409 showing the current data', async () => {
  const made = await citizen.postMultipart('/oss/new/11', idCardFields(), { id_card: pdf() }, { json: true });
  const id = Number(made.json.location.match(/(\d+)$/)[1]);
  const v0 = versionOf((await citizen.get(`/oss/requests/${id}/edit`)).text);
  // meanwhile the applicant saved from another tab
  assert.equal((await citizen.postMultipart(`/oss/edit/11/${id}`, { ...idCardFields({ position: 'ครูผู้ช่วย' }), _version: String(v0) }, {})).status, 303);
  const before = server.sql(`SELECT version || '|' || data FROM oss_requests WHERE id = ${id}`);
  const r = await citizen.postMultipart(`/oss/edit/11/${id}`, { ...idCardFields({ position: 'ผู้อำนวยการ' }), _version: String(v0) }, {}, { json: true });
  assert.equal(r.status, 409);
  assert.match(r.json.form.form_error, /คำร้องนี้ถูกแก้ไขโดยผู้อื่น/);
  assert.ok(r.json.form.stale_changed.includes('ตำแหน่ง') || r.json.form.stale_changed.length > 0);
  assert.equal(r.json.form.fields.find((f) => f.name === 'position').value, 'ครูผู้ช่วย');
  assert.equal(server.sql(`SELECT version || '|' || data FROM oss_requests WHERE id = ${id}`), before);
});
