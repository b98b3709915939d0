// oss10: the One Stop Service items of issue 10.14 through the real binary —
// the export's overdue column and its codes kept as text, the documents on a
// form reached from the home page, a title without "คำขอขอ", amounts with
// their words, an empty file said to be empty, files to attach again after an
// error, and sign-in that brings the user back to the OSS page he was on.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, files, unzip, parseCsv } from './lib.mjs';

const DEMO_PW = 'khet-demo-2567';
let server, admin, officer, citizen, areaId;
const sql = (q) => server.sql(q);

async function signedIn(login) {
  const c = server.client();
  await c.get('/signin');
  const r = await c.post('/signin', { login, password: DEMO_PW });
  assert.equal(r.status, 303, `sign in ${login}: ${r.status}`);
  return c;
}
async function bytes(c, path) {
  const headers = c.cookies.size ? { cookie: c.cookieHeader() } : {};
  const res = await fetch(server.base + path, { headers, redirect: 'manual' });
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}

const person = { title: 'นาง', first_name: 'สมหญิง', last_name: 'สิบสิบสี่', phone: '0812345678' };
const pdf = () => ({ data: files.pdf(), filename: 'บัตร.pdf', type: 'application/pdf' });
const empty = (name = 'ว่าง.pdf') => ({ data: Buffer.alloc(0), filename: name, type: 'application/pdf' });
const idCard = (over = {}) => ({
  area_id: String(areaId), ...person, birth_date: '1985-05-12', nationality: 'ไทย', blood_group: 'O',
  address_registered: '382 หมู่ 8 ตำบลกุดชุม อำเภอกุดชุม จังหวัดยโสธร', address_contact: 'เดียวกับทะเบียนบ้าน',
  work_unit: 'กลุ่มส่งเสริมการศึกษาทางไกล', position: 'นักวิชาการคอมพิวเตอร์', rank: 'ชำนาญการ',
  official_type: 'teacher', ...over,
});
async function submitOk(c, service, fields, attach) {
  const r = await c.postMultipart(`/oss/new/${service}`, fields, attach, { json: true });
  assert.equal(r.status, 200, `submit ${service}: ${r.status} ${r.text.slice(0, 400)}`);
  const id = Number(r.json.location.match(/^\/oss\/requests\/(\d+)$/)[1]);
  return (await c.get(`/oss/requests/${id}`, { json: true })).json;
}

before(async () => {
  server = await startServer();
  [admin, officer, citizen] = await Promise.all(['areaadmin1', 'officer', 'citizen'].map(signedIn));
  areaId = (await admin.get('/oss/admin', { json: true })).json.area.id;
});
after(async () => { await server?.stop(); });

test('export: the overdue column is filled for every row, not only under the overdue filter', async () => {
  const late = await submitOk(citizen, '11', idCard(), { id_card: pdf() });
  const fresh = await submitOk(citizen, '11', idCard(), { id_card: pdf() });
  const old = Math.floor(Date.now() / 1000) - 40 * 86400;
  sql(`UPDATE oss_requests SET queued_at = ${old}, created_at = ${old} WHERE id = ${late.id}`);
  const csv = parseCsv((await bytes(officer, '/oss/manage/list?service=11&format=csv')).body.subarray(3).toString('utf8'));
  assert.equal(csv[0][10], 'เกินกำหนด');
  assert.equal(csv.find((x) => x[1] === late.code)[10], 'เกินกำหนด');
  assert.equal(csv.find((x) => x[1] === fresh.code)[10], '');
  const z = unzip((await bytes(officer, '/oss/manage/list?service=11&format=xlsx')).body);
  assert.match(z['xl/worksheets/sheet1.xml'], /เกินกำหนด<\/t>.*เกินกำหนด<\/t>/s, 'the header and the late row');
});

test('export: codes and phones stay text in CSV (="…") and are string cells in XLSX', async () => {
  const req = await submitOk(citizen, '11', idCard(), { id_card: pdf() });
  const raw = (await bytes(officer, '/oss/manage/list?service=11&format=csv')).body.toString('utf8');
  assert.ok(raw.includes(`"=""${req.code}"""`), raw.slice(0, 400));
  assert.ok(raw.includes('"=""0812345678"""'));
  assert.ok(!new RegExp(`(^|,)${req.code}(,|\\r)`, 'm').test(raw), 'no bare number');
  // a name stays plain text, and the formula guard is unchanged
  assert.ok(raw.includes('นางสมหญิง สิบสิบสี่'));
  const sheet = unzip((await bytes(officer, '/oss/manage/list?service=11&format=xlsx')).body)['xl/worksheets/sheet1.xml'];
  assert.match(sheet, new RegExp(`t="inlineStr"><is><t>${req.code}</t>`));
  assert.match(sheet, /t="inlineStr"><is><t>0812345678<\/t>/);
  assert.doesNotMatch(sheet, new RegExp(`<v>${req.code}</v>`));
});

test('documents: a service reached from the home page shows the area\'s manual and blank form', async () => {
  for (const kind of ['manual', 'form'])
    assert.equal((await admin.postMultipart('/oss/admin/documents', { service: '12', kind },
      { file: { data: files.pdf(), filename: `${kind}.pdf`, type: 'application/pdf' } })).status, 303);
  const home = await citizen.get(`/oss?area=${areaId}`, { json: true });
  const svc = home.json.services.find((s) => s.code === '12');
  assert.equal(svc.docs.length, 2);
  assert.equal(svc.url, `/oss/new/12?area=${areaId}`);
  const form = await citizen.get(svc.url, { json: true });
  assert.equal(form.json.docs.length, 2);
  assert.match((await citizen.get(svc.url)).text, /ดาวน์โหลดคู่มือ \(PDF\)/);
  // the home page's links carry the area in the HTML too
  assert.match((await citizen.get(`/oss?area=${areaId}`)).text, new RegExp(`href="/oss/new/12\\?area=${areaId}"`));
});

test('titles: never "คำขอขอ…"; the certificate shows amounts right-aligned with baht in words', async () => {
  const cert = await submitOk(citizen, '12', {
    area_id: String(areaId), ...person, official_type: 'teacher', work_unit: 'โรงเรียนบ้านหนองบัว', position: 'ครู',
    salary: '25000', standing_pay: '3500.50', cert_kind: 'รับรองเงินเดือน', purpose: 'กู้เงินธนาคาร',
  }, { id_card: pdf(), pay_slip: { data: files.png(), filename: 'slip.png', type: 'image/png' } });
  assert.equal(cert.request_title, 'คำขอหนังสือรับรอง');
  const id11 = await submitOk(citizen, '11', idCard(), { id_card: pdf() });
  assert.equal(id11.request_title, 'คำขอมีบัตรหรือขอบัตรประจำตัวเจ้าหน้าที่ของรัฐ');
  for (const r of [cert, id11]) {
    const print = await citizen.get(`/oss/requests/${r.id}/print`);
    assert.doesNotMatch(print.text, /คำขอขอ/);
    assert.match(print.text, new RegExp(`แบบ${r.request_title}`));
  }
  const salary = cert.details.find((d) => d.label.startsWith('อัตราเงินเดือน'));
  assert.equal(salary.value, '25,000.00 บาท');
  assert.equal(salary.words, 'สองหมื่นห้าพันบาทถ้วน');
  assert.equal(salary.is_amount, true);
  const standing = cert.details.find((d) => d.label.startsWith('เงินวิทยฐานะ'));
  assert.equal(standing.words, 'สามพันห้าร้อยบาทห้าสิบสตางค์');
  assert.equal(cert.details.find((d) => d.label === 'วัตถุประสงค์' || d.label.includes('วัตถุประสงค์'))?.is_amount ?? false, false);
  const print = await citizen.get(`/oss/requests/${cert.id}/print`);
  assert.match(print.text, /<span class="num">25,000\.00 บาท<\/span> \(สองหมื่นห้าพันบาทถ้วน\)/);
  const doc = await bytes(citizen, `/oss/requests/${cert.id}/pdf`);
  assert.equal(doc.status, 200);
  const m = doc.body.toString('latin1').match(/\/Title\s*<(?:FEFF|feff)([0-9A-Fa-f]+)>/);
  assert.equal(Buffer.from(m[1], 'hex').swap16().toString('utf16le'), 'แบบคำขอหนังสือรับรอง');
  // in the PDF the salary and the standing pay end at the same x (right-aligned, lined up)
  const words = [...execFileSync('pdftotext', ['-bbox', '-', '-'], { input: doc.body, encoding: 'utf8' })
    .matchAll(/<word xMin="[\d.]+" yMin="[\d.]+" xMax="([\d.]+)"[^>]*>([^<]*)<\/word>/g)];
  const end = (t) => Number(words.find((w) => w[2] === t)?.[1]);
  assert.ok(end('25,000.00') > 0 && Math.abs(end('25,000.00') - end('3,500.50')) < 0.5, `${end('25,000.00')} ${end('3,500.50')}`);
});

test('files: a 0-byte file is said to be empty, for a required and an optional slot; nothing stored', async () => {
  const before = Number(sql('SELECT COUNT(*) FROM oss_requests'));
  const r = await citizen.postMultipart('/oss/new/11', idCard(), { id_card: empty('บัตรว่าง.pdf'), other1: empty() }, { json: true });
  assert.equal(r.status, 422);
  assert.match(r.json.form.errors.id_card, /ไฟล์ บัตรว่าง\.pdf .*ว่างเปล่า \(0 ไบต์\) กรุณาเลือกไฟล์ใหม่/);
  assert.doesNotMatch(r.json.form.errors.id_card, /กรุณาแนบไฟล์/);
  assert.match(r.json.form.errors.other1, /ว่างเปล่า \(0 ไบต์\)/);
  assert.equal(Number(sql('SELECT COUNT(*) FROM oss_requests')), before);
  // no file chosen at all is still "attach a file"
  const none = await citizen.postMultipart('/oss/new/11', idCard(), {}, { json: true });
  assert.match(none.json.form.errors.id_card, /กรุณาแนบไฟล์/);
});

test('files: after a form error each file sent must be attached again, and the form says so', async () => {
  const r = await citizen.postMultipart('/oss/new/11', idCard({ phone: '12' }), { id_card: pdf(), other1: pdf() }, { json: true });
  assert.equal(r.status, 422);
  assert.ok(r.json.form.errors.phone);
  const field = (n) => r.json.form.fields.find((f) => f.name === n);
  for (const n of ['id_card', 'other1']) assert.equal(field(n).again, 'กรุณาแนบไฟล์อีกครั้ง: ระบบไม่เก็บไฟล์จากการส่งที่ไม่สำเร็จ');
  assert.equal(field('other2').again, null);
  const html = await citizen.postMultipart('/oss/new/11', idCard({ phone: '12' }), { id_card: pdf() });
  assert.equal(html.status, 422);
  assert.match(html.text, /id="f-id_card-again">กรุณาแนบไฟล์อีกครั้ง: ระบบไม่เก็บไฟล์จากการส่งที่ไม่สำเร็จ/);
});

test('sign-in from an OSS page brings the user back to it, query and all', async () => {
  const anon = server.client();
  const page = `/oss/new/12?area=${areaId}`;
  const r = await anon.get(page);
  assert.equal(r.status, 303);
  const loc = r.headers.get('location');
  assert.equal(loc, `/signin?next=${encodeURIComponent(page)}`);
  // the header's sign-in link of a public OSS page keeps the page too
  const home = await anon.get(`/oss/status?code=1120240625131152`);
  assert.match(home.text, /href="\/signin\?next=%2Foss%2Fstatus%3Fcode%3D1120240625131152"/);
  const form = await anon.get(loc);
  assert.match(form.text, new RegExp(`name="next" value="${page.replace('?', '\\?')}"`));
  const s = await anon.post('/signin', { login: 'citizen', password: DEMO_PW, next: page });
  assert.equal(s.status, 303);
  assert.equal(s.headers.get('location'), page);
});

test('demo requests: every history row names its actor; a completed one shows the officer\'s steps, also in its PDF', async () => {
  const demo = await startServer({ demoArgs: ['--requests', '120'] });
  const sql = (q) => demo.sql(q);
  try {
  const officer = demo.client();
  await officer.get('/signin');
  assert.equal((await officer.post('/signin', { login: 'officer', password: DEMO_PW })).status, 303);
  assert.equal(Number(sql("SELECT COUNT(*) FROM oss_history WHERE actor_name = ''")), 0, 'no history row without an actor');
  // a woman's name never has the title นาย ("นายพรทิพย์", acceptance walk of issue 10)
  for (const woman of ['สมหญิง', 'วิไลวรรณ', 'กาญจนา', 'สุดารัตน์', 'พรทิพย์'])
    assert.equal(Number(sql(`SELECT COUNT(*) FROM oss_requests WHERE data LIKE '%"first_name":"${woman}"%' AND data LIKE '%"title":"นาย"%'`)), 0, `no นาย${woman}`);
  assert.ok(Number(sql(`SELECT COUNT(*) FROM oss_requests WHERE data LIKE '%"title":"นาง"%'`)) > 0, 'some applicants are นาง');
  const id = Number(sql("SELECT r.id FROM oss_requests r JOIN users u ON u.id = r.applicant_id WHERE r.status = 'completed' ORDER BY r.id LIMIT 1"));
  assert.ok(id > 0, 'the demo has a completed request');
  const req = (await officer.get(`/oss/requests/${id}`, { json: true })).json;
  const steps = req.history.map((h) => h.actor_name);
  assert.ok(req.history.length >= 3, `submit, start, complete: ${JSON.stringify(steps)}`);
  const officerName = sql("SELECT title || first_name || ' ' || last_name FROM users WHERE username = 'officer'");
  assert.equal(steps.filter((n) => n === officerName).length, 2, 'the officer took it and completed it');
  assert.equal(steps[0], req.applicant_name);
  for (const st of ['returned', 'resubmitted', 'in_progress']) {
    const n = Number(sql(`SELECT COUNT(*) FROM oss_requests r WHERE r.status = '${st}' AND NOT EXISTS (SELECT 1 FROM oss_history h WHERE h.request_id = r.id AND h.to_status = '${st}')`));
    assert.equal(n, 0, `every ${st} request has the step that made it so`);
  }
  const res = await fetch(`${demo.base}/oss/requests/${id}/pdf`, { headers: { cookie: officer.cookieHeader() } });
  const doc = { body: Buffer.from(await res.arrayBuffer()) };
  const text = execFileSync('pdftotext', ['-layout', '-', '-'], { input: doc.body, encoding: 'utf8' });
  assert.ok(text.includes(officerName), `the print names the officer on one line: ${text}`);
  } finally { await demo.stop(); }
});

test('money typed with thousands separators or Thai digits is accepted; shown again as typed after an error (issue 10 i)', async () => {
  const fields = {
    area_id: String(areaId), ...person, official_type: 'teacher', work_unit: 'โรงเรียนบ้านหนองบัว', position: 'ครู',
    salary: '25,000.50', standing_pay: '๓,๕๐๐', cert_kind: 'รับรองเงินเดือน', purpose: 'กู้เงินธนาคาร',
  };
  const attach = () => ({ id_card: pdf(), pay_slip: { data: files.png(), filename: 'slip.png', type: 'image/png' } });
  // another field wrong: the amounts are no error and come back exactly as typed
  const bad = await citizen.postMultipart('/oss/new/12', { ...fields, phone: '12' }, attach(), { json: true });
  assert.equal(bad.status, 422);
  assert.ok(bad.json.form.errors.phone);
  assert.equal(bad.json.form.errors.salary, undefined, JSON.stringify(bad.json.form.errors));
  assert.equal(bad.json.form.errors.standing_pay, undefined);
  assert.equal(bad.json.form.values.salary, '25,000.50');
  assert.equal(bad.json.form.values.standing_pay, '๓,๕๐๐');
  const html = await citizen.postMultipart('/oss/new/12', { ...fields, phone: '12' }, attach());
  assert.match(html.text, /value="25,000\.50"/);
  // fixed: stored in satang, shown as baht
  const cert = await submitOk(citizen, '12', fields, attach());
  const salary = process.env.KHET_TEST_PG ? "data::jsonb->>'salary'" : "json_extract(data, '$.salary')";
  assert.equal(Number(sql(`SELECT ${salary} FROM oss_requests WHERE id = ${cert.id}`)), 2500050);
  assert.equal(cert.details.find((d) => d.label.startsWith('อัตราเงินเดือน')).value, '25,000.50 บาท');
  assert.equal(cert.details.find((d) => d.label.startsWith('เงินวิทยฐานะ')).value, '3,500.00 บาท');
  // a separator in the wrong place is still refused, at the field
  const wrong = await citizen.postMultipart('/oss/new/12', { ...fields, salary: '25,00' }, attach(), { json: true });
  assert.equal(wrong.status, 422);
  assert.match(wrong.json.form.errors.salary, /1,500\.50/);
  assert.equal(wrong.json.form.values.salary, '25,00');
});
