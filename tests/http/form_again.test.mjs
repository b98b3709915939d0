// form_again.test.mjs: a form shown again after an error shows exactly what
// was typed (issue 10: money came back in satang — 35210.50 → 3521050 —
// and a second save stored a hundred times the amount). Checked on the
// certificate request (salary, allowances) and the area admin's ปพ. prices,
// every money field of both, and a form whose second save must store what
// was typed the first time.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startServer, files } from './lib.mjs';

const DEMO_PW = 'khet-demo-2567';
let server, areaId;
const sql = (q) => server.sql(q);

async function signin(login) {
  const c = server.client();
  await c.get('/signin');
  const r = await c.post('/signin', { login, password: DEMO_PW });
  assert.equal(r.status, 303, `sign in ${login}: ${r.status}`);
  return c;
}

before(async () => {
  server = await startServer();
  areaId = Number(sql("SELECT id FROM areas WHERE code = '3502'"));
});
after(async () => { await server?.stop(); });

const valueOf = (form, name) => form.fields.find((f) => f.name === name).value;

test('certificate request: money typed with decimals comes back as typed after an error; the fixed form stores baht × 100 once', async () => {
  const c = await signin('citizen');
  const fields = {
    area_id: String(areaId), title: 'นาย', first_name: 'ประชา', last_name: 'ชาวบ้าน', phone: '12',
    official_type: 'teacher', work_unit: 'โรงเรียนบ้านหนองบัว', position: 'ครู', salary: '35210.50',
    standing_pay: '3500', compensation: '1,000.25', cert_kind: 'รับรองเงินเดือน', purpose: 'กู้เงินธนาคาร',
  };
  const money = Object.keys(fields).filter((k) => ['salary', 'standing_pay', 'compensation'].includes(k));
  const attach = {
    id_card: { data: files.pdf(), filename: 'id.pdf', type: 'application/pdf' },
    pay_slip: { data: files.png(), filename: 'slip.png', type: 'image/png' },
  };
  await c.get('/oss/new/12');
  const bad = await c.postMultipart('/oss/new/12', fields, attach, { json: true });
  assert.equal(bad.status, 422);
  assert.ok(bad.json.form.errors.phone, 'the phone is refused');
  for (const k of money)
    if (bad.json.form.fields.some((f) => f.name === k)) assert.equal(valueOf(bad.json.form, k), fields[k], k);
  // the HTML form too: the input's value is what was typed
  const html = await c.postMultipart('/oss/new/12', fields, attach);
  assert.equal(html.status, 422);
  assert.match(html.text, /value="35210.50"/);
  assert.doesNotMatch(html.text, /value="3521050"/);
  // shown again a second time: still as typed, never multiplied again
  const again = await c.postMultipart('/oss/new/12', { ...fields, salary: valueOf(bad.json.form, 'salary') }, attach, { json: true });
  assert.equal(valueOf(again.json.form, 'salary'), '35210.50');
  // the applicant fixes only the phone: the salary stored is 35,210.50 baht
  const ok = await c.postMultipart('/oss/new/12', { ...fields, phone: '0812345678', salary: valueOf(again.json.form, 'salary'),
    compensation: '1000.25' }, attach, { json: true });
  assert.equal(ok.status, 200, ok.text.slice(0, 500));
  const id = Number(ok.json.location.match(/(\d+)$/)[1]);
  const v = await c.get(`/oss/requests/${id}`, { json: true });
  // stored in satang (the page's JSON carries no number it does not print:
  // a salary is personal, core/personal.h)
  assert.equal(JSON.parse(sql(`SELECT data FROM oss_requests WHERE id = ${id}`)).salary, 3521050);
  assert.equal(v.json.data.salary, undefined);
  // the edit form after an error keeps what was typed too
  const edit = await c.postMultipart(`/oss/edit/12/${id}`, { ...fields, phone: 'x', salary: '40000.75', _version: v.json.version ?? '' }, {}, { json: true });
  assert.ok([409, 422].includes(edit.status));
  if (edit.status === 422) assert.equal(valueOf(edit.json.form, 'salary'), '40000.75');
});

test('ปพ. prices: a refused save shows every price as typed; saving again stores them once', async () => {
  const admin = await signin('areaadmin1');
  const page = await admin.get('/oss/admin/prices', { json: true });
  assert.equal(page.status, 200);
  const names = page.json.form.fields.filter((f) => f.inputmode === 'decimal').map((f) => f.name);
  assert.ok(names.length >= 5, JSON.stringify(page.json.form.fields.map((f) => f.name)));
  const typed = Object.fromEntries(names.map((n, i) => [n, `${170 + i}.50`]));
  typed[names[0]] = 'abc';
  const bad = await admin.post('/oss/admin/prices', typed, { json: true });
  assert.equal(bad.status, 422);
  for (const n of names) assert.equal(valueOf(bad.json.form, n), typed[n], n);
  typed[names[0]] = '170.00';
  const ok = await admin.post('/oss/admin/prices', typed);
  assert.equal(ok.status, 303, ok.text.slice(0, 500));
  const shown = await admin.get('/oss/admin/prices', { json: true });
  assert.equal(valueOf(shown.json.form, names[1]), '171.50');
});

test('an over-long optional field is an error at the field, however far over; nothing is saved', async () => {
  const admin = await signin('areaadmin1');
  const uid = Number(sql("SELECT id FROM users WHERE username = 'schooladmin'"));
  const before = sql(`SELECT staff_id || '|' || updated_at FROM users WHERE id = ${uid}`);
  const page = await admin.get(`/areas/${areaId}/users/${uid}`, { json: true });
  const vals = Object.fromEntries(page.json.form.fields.filter((f) => !f.is_checkbox).map((f) => [f.name, f.value ?? '']));
  for (const long of ['A'.repeat(33), 'A'.repeat(200), 'ก'.repeat(200), 'x'.repeat(5000)]) {
    const r = await admin.post(`/areas/${areaId}/users/${uid}`, { ...vals, staff_id: long }, { json: true });
    assert.equal(r.status, 422, `${long.length} characters`);
    assert.match(r.json.form.errors.staff_id, /ยาวได้ไม่เกิน 32 ตัวอักษร/);
    assert.equal(sql(`SELECT staff_id || '|' || updated_at FROM users WHERE id = ${uid}`), before);
  }
});

test('absolute links come from the base URL only: a forged Host header changes neither the directory link nor its QR code', async () => {
  const c = server.client();
  const plain = await c.get(`/areas/${areaId}/directory`, { json: true });
  assert.equal(plain.status, 200);
  assert.match(plain.json.directory_url, /^http:\/\/127\.0\.0\.1:\d+\/areas\/\d+\/directory$/);
  const forged = await c.get(`/areas/${areaId}/directory`, { json: true, headers: { host: 'evil.example' } });
  assert.equal(forged.json.directory_url, plain.json.directory_url);
  const q1 = await c.get(`/areas/${areaId}/directory/qr.svg`);
  const q2 = await c.get(`/areas/${areaId}/directory/qr.svg`, { headers: { host: 'evil.example' } });
  assert.equal(q1.status, 200);
  assert.equal(q2.text, q1.text, 'the QR code is the same whatever the Host header says');
  assert.doesNotMatch(q2.headers.get('vary') || '', /host/i);
});

test('serve refuses a non-loopback address without --base-url, in Thai and English', () => {
  const r = spawnSync(process.env.KHET_BIN || 'bin/khet', ['serve', '--listen', '0.0.0.0:0'],
    { env: { ...process.env, ...server.env }, encoding: 'utf8', timeout: 10000 });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /needs --base-url/);
  assert.match(r.stderr, /ต้องกำหนด --base-url/);
});
