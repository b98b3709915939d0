// oss_more: the One Stop Service's documents and files through the real
// binary — the request as a PDF (OSS-8) for its applicant and its officer
// only, the officer's list exported as CSV and XLSX with the list's own
// filters, and the manual and blank form of each service that the area
// admin uploads (checked to be a PDF by its bytes) and anyone downloads
// (OSS-2).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, files, engine, unzip, parseCsv } from './lib.mjs';

const DEMO_PW = 'khet-demo-2567';
let server, admin, officer, citizen, teacher, areaId;

const sql = (q) => server.sql(q);
const count = (table, where = '1=1') => Number(sql(`SELECT COUNT(*) FROM ${table} WHERE ${where}`));

async function signedIn(login) {
  const c = server.client();
  await c.get('/signin');
  const r = await c.post('/signin', { login, password: DEMO_PW });
  assert.equal(r.status, 303, `sign in ${login}: ${r.status}`);
  return c;
}

// GET as bytes (the client's get() decodes text).
async function bytes(c, path) {
  const headers = c.cookies.size ? { cookie: c.cookieHeader() } : {};
  const res = await fetch(server.base + path, { headers, redirect: 'manual' });
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}

const person = { title: 'นาง', first_name: 'สมหญิง', last_name: 'ส่งออกได้', phone: '0812345678' };
const pdf = () => ({ data: files.pdf(), filename: 'บัตร.pdf', type: 'application/pdf' });
const png = () => ({ data: files.png(), filename: 'slip.png', type: 'image/png' });

function idCardFields(over = {}) {
  return {
    area_id: String(areaId), ...person, birth_date: '1985-05-12', nationality: 'ไทย', blood_group: 'O',
    address_registered: '382 หมู่ 8 ตำบลกุดชุม อำเภอกุดชุม จังหวัดยโสธร', address_contact: 'เดียวกับทะเบียนบ้าน',
    work_unit: 'กลุ่มส่งเสริมการศึกษาทางไกล', position: 'นักวิชาการคอมพิวเตอร์', rank: 'ชำนาญการ',
    official_type: 'teacher', ...over,
  };
}

async function submitOk(c, service, fields, attach) {
  const r = await c.postMultipart(`/oss/new/${service}`, fields, attach, { json: true });
  assert.equal(r.status, 200, `submit ${service}: ${r.status} ${r.text.slice(0, 400)}`);
  const id = Number(r.json.location.match(/^\/oss\/requests\/(\d+)$/)[1]);
  return (await c.get(`/oss/requests/${id}`, { json: true })).json;
}

// The PDF's /Title (cairo writes it as UTF-16BE hex with a BOM).
function pdfTitle(buf) {
  const m = buf.toString('latin1').match(/\/Title\s*<(?:FEFF|feff)([0-9A-Fa-f]+)>/);
  if (m) return Buffer.from(m[1], 'hex').swap16().toString('utf16le');
  const p = buf.toString('latin1').match(/\/Title\s*\(([^)]*)\)/);
  return p ? p[1] : null;
}
const pdfPages = (buf) => (buf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) || []).length;



let mine, cert;

before(async () => {
  server = await startServer();
  [admin, officer, citizen, teacher] = await Promise.all(['areaadmin1', 'officer', 'citizen', 'teacher'].map(signedIn));
  areaId = (await admin.get('/oss/admin', { json: true })).json.area.id;
  // the demo officer serves only 11 and 41 in this scenario
  for (const row of (await admin.get('/oss/admin/officers', { json: true })).json.rows)
    assert.equal((await admin.post(row.remove_url, {})).status, 303);
  for (const service of ['11', '41'])
    assert.equal((await admin.post('/oss/admin/officers', { login: 'officer', service })).status, 303);
  mine = await submitOk(citizen, '11', idCardFields(), { id_card: pdf(), other1: png() });
  cert = await submitOk(citizen, '12', {
    area_id: String(areaId), ...person, official_type: 'teacher', work_unit: 'โรงเรียนบ้านหนองบัว', position: 'ครู',
    salary: '25000', cert_kind: 'รับรองเงินเดือน', purpose: 'กู้เงินธนาคาร',
  }, { id_card: pdf(), pay_slip: png() });
});
after(async () => {
  const exit = await server?.stop();
  // under the sanitizers (KHET_BIN=build/san/khet) a report fails the run
  assert.doesNotMatch(server?.log() ?? '', /Sanitizer|runtime error/);
  assert.equal(exit?.code ?? 0, 0);
});

test('pdf: the applicant and the assigned officer get the request as a PDF in the Thai font', async () => {
  // a step with a message, so the history has more than the submission
  assert.equal((await officer.postMultipart(`/oss/manage/requests/${mine.id}`, { status: 'in_progress', message: 'รับเรื่องแล้ว' }, {})).status, 303);
  const view = await citizen.get(`/oss/requests/${mine.id}`);
  assert.match(view.text, new RegExp(`href="/oss/requests/${mine.id}/pdf"`));
  const print = await citizen.get(`/oss/requests/${mine.id}/print`);
  assert.match(print.text, new RegExp(`href="/oss/requests/${mine.id}/pdf"`));

  const r = await bytes(citizen, `/oss/requests/${mine.id}/pdf`);
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'application/pdf');
  assert.match(r.headers.get('content-disposition'), /attachment/);
  assert.match(decodeURIComponent(r.headers.get('content-disposition')), new RegExp(mine.code));
  // named like every export: ASCII with the BE date, and the Thai name with the same date (no "______-")
  assert.match(r.headers.get('content-disposition'), new RegExp(`filename="oss-request-${mine.code}-25\\d{2}-\\d{2}-\\d{2}\\.pdf"`));
  assert.match(decodeURIComponent(r.headers.get('content-disposition').split("UTF-8''")[1]), new RegExp(`^คำร้อง ${mine.code}-25\\d{2}-\\d{2}-\\d{2}\\.pdf$`));
  assert.equal(r.body.subarray(0, 5).toString('latin1'), '%PDF-');
  assert.match(r.body.subarray(-8).toString('latin1'), /%%EOF/);
  assert.ok(r.body.includes('+Laksaman'), 'the Laksaman font is embedded');
  assert.equal(pdfTitle(r.body), 'แบบ' + mine.request_title);
  assert.ok(pdfPages(r.body) >= 1);

  const o = await bytes(officer, `/oss/requests/${mine.id}/pdf`);
  assert.equal(o.status, 200);
  assert.equal(o.body.subarray(0, 4).toString('latin1'), '%PDF');
  // the officer's read of personal data is audited
  assert.ok(count('audit', `action = 'personal.read' AND target_id = ${mine.id} AND detail LIKE '%pdf%'`) >= 1);
});

test('pdf: someone else\'s request is 404, an officer of another service 403, a visitor signs in', async () => {
  assert.equal((await bytes(teacher, `/oss/requests/${mine.id}/pdf`)).status, 404);
  assert.equal((await bytes(teacher, '/oss/requests/999999/pdf')).status, 404);
  assert.equal((await bytes(citizen, '/oss/requests/abc/pdf')).status, 404);
  const denied = await officer.get(`/oss/requests/${cert.id}/pdf`);
  assert.equal(denied.status, 403);
  assert.match(denied.text, /ไม่ได้รับมอบหมายให้ดูแลบริการ หนังสือรับรอง/);
  // the officer of another area (areaadmin2 is no officer of area 1's services)
  const other = await signedIn('areaadmin2');
  assert.equal((await bytes(other, `/oss/requests/${mine.id}/pdf`)).status, 404);
  const anon = await bytes(server.client(), `/oss/requests/${mine.id}/pdf`);
  assert.equal(anon.status, 303);
  // the applicant still gets the request of the service the officer lacks
  assert.equal((await bytes(citizen, `/oss/requests/${cert.id}/pdf`)).status, 200);
});

test('pdf: a long request flows onto more pages', async () => {
  const long = await submitOk(citizen, '11', idCardFields({
    address_contact: 'บ้านเลขที่ 99 '.repeat(30),
  }), { id_card: pdf() });
  // many steps make a long history table
  for (let i = 0; i < 12; i++) {
    const url = `/oss/manage/requests/${long.id}`;
    assert.equal((await officer.postMultipart(url, { status: 'returned', message: `รอบที่ ${i + 1}: กรุณาแนบสำเนาบัตรที่ชัดเจนกว่านี้ และตรวจสอบที่อยู่ตามทะเบียนบ้านอีกครั้ง` }, {})).status, 303);
    const e = await citizen.postMultipart(`/oss/edit/11/${long.id}`, idCardFields({ address_contact: 'บ้านเลขที่ 99 '.repeat(30) }), {}, { json: true });
    assert.equal(e.status, 200, e.text.slice(0, 200));
  }
  const short = await bytes(citizen, `/oss/requests/${cert.id}/pdf`);
  const r = await bytes(citizen, `/oss/requests/${long.id}/pdf`);
  assert.equal(r.status, 200);
  assert.ok(pdfPages(r.body) > pdfPages(short.body), `${pdfPages(r.body)} pages vs ${pdfPages(short.body)}`);
});

test('export: the officer\'s list as CSV with the list\'s filters, only his services', async () => {
  // requests of its own: one the officer has taken in hand, one waiting
  const ours = await submitOk(citizen, '11', idCardFields(), { id_card: pdf() });
  assert.equal((await officer.postMultipart(`/oss/manage/requests/${ours.id}`, { status: 'in_progress', message: 'รับเรื่องแล้ว' }, {})).status, 303);
  const waiting = await submitOk(citizen, '11', idCardFields(), { id_card: pdf() });
  const list = await officer.get('/oss/manage/list?service=11', { json: true });
  assert.equal(list.status, 200);
  assert.match(list.json.csv_url, /^\/oss\/manage\/list\?service=11&format=csv$/);
  assert.match(list.json.xlsx_url, /format=xlsx/);
  const r = await bytes(officer, list.json.csv_url);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/csv; charset=utf-8/);
  assert.match(r.headers.get('content-disposition'), /attachment/);
  assert.deepEqual([...r.body.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  const rows = parseCsv(r.body.subarray(3).toString('utf8'));
  assert.deepEqual(rows[0].slice(0, 3), ['ที่', 'รหัสอ้างอิง', 'ผู้ยื่นคำร้อง']);
  // every request of the list, none of another service, in the list's order
  assert.equal(rows.length - 1, list.json.total);
  assert.deepEqual(rows.slice(1, 1 + list.json.rows.length).map((x) => x[1]), list.json.rows.map((x) => x.code));
  const row = rows.find((x) => x[1] === ours.code);
  assert.equal(row[2], 'นางสมหญิง ส่งออกได้');
  assert.equal(row[6], 'เจ้าหน้าที่กำลังดำเนินการ');
  assert.ok(!rows.some((x) => x[1] === cert.code));
  // a status filter: only that status
  const sub = parseCsv((await bytes(officer, '/oss/manage/list?service=11&status=submitted&format=csv')).body.subarray(3).toString('utf8'));
  assert.ok(sub.some((x) => x[1] === waiting.code));
  assert.ok(sub.slice(1).every((x) => x[6] === 'ส่งคำร้องไปยังเจ้าหน้าที่'), JSON.stringify(sub.slice(1, 3)));
  assert.ok(!sub.some((x) => x[1] === ours.code));
  // a search by code: that one row
  const one = parseCsv((await bytes(officer, `/oss/manage/list?service=11&q=${ours.code}&format=csv`)).body.subarray(3).toString('utf8'));
  assert.deepEqual(one.slice(1).map((x) => x[1]), [ours.code]);
  // a service not assigned: 403; a made-up format: 404
  assert.equal((await bytes(officer, '/oss/manage/list?service=12&format=csv')).status, 403);
  assert.equal((await bytes(officer, '/oss/manage/list?service=11&format=exe')).status, 404);
  assert.equal((await bytes(citizen, '/oss/manage/list?service=11&format=csv')).status, 403);
  // the export is audited
  assert.ok(count('audit', `action = 'personal.export'`) >= 1);
});

test('export: the officer\'s list as XLSX, a real workbook with the rows', async () => {
  const r = await bytes(officer, '/oss/manage/list?service=11&format=xlsx');
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  assert.match(decodeURIComponent(r.headers.get('content-disposition')), /\.xlsx/);
  assert.equal(r.body.subarray(0, 4).toString('latin1'), 'PK\x03\x04');
  const z = unzip(r.body);
  const sheet = z['xl/worksheets/sheet1.xml'];
  assert.ok(sheet, Object.keys(z).join(' '));
  assert.ok(sheet.includes(mine.code));
  assert.ok(sheet.includes('สมหญิง'));
  assert.ok(!sheet.includes(cert.code));
  assert.match(z['xl/workbook.xml'], /name="คำร้อง /);
});

test('documents: the area admin uploads a manual and a blank form; anyone downloads them', async () => {
  const page = await admin.get('/oss/admin/documents', { json: true });
  assert.equal(page.status, 200);
  assert.equal(page.json.rows.length, 6);
  const manual = Buffer.concat([files.pdf(64), Buffer.from('% คู่มือ 11\n')]);
  const up = await admin.postMultipart('/oss/admin/documents', { service: '11', kind: 'manual' },
    { file: { data: manual, filename: 'คู่มือบัตร.pdf', type: 'application/pdf' } });
  assert.equal(up.status, 303, up.text.slice(0, 300));
  assert.equal((await admin.postMultipart('/oss/admin/documents', { service: '11', kind: 'form' },
    { file: { data: files.pdf(), filename: 'แบบฟอร์ม.pdf', type: 'application/pdf' } })).status, 303);
  // bad input: a PNG, an executable named .pdf, no file, an unknown service; nothing stored
  const before = count('oss_documents');
  const img = await admin.postMultipart('/oss/admin/documents', { service: '12', kind: 'manual' }, { file: png() }, { json: true });
  assert.equal(img.status, 422);
  assert.match(img.json.form.errors.file, /ไม่ใช่ PDF/);
  const exe = await admin.postMultipart('/oss/admin/documents', { service: '12', kind: 'manual' },
    { file: { data: files.elf(), filename: 'manual.pdf', type: 'application/pdf' } }, { json: true });
  assert.equal(exe.status, 422);
  assert.ok(exe.json.form.errors.file);
  const none = await admin.postMultipart('/oss/admin/documents', { service: '12', kind: 'manual' }, {}, { json: true });
  assert.equal(none.status, 422);
  assert.ok(none.json.form.errors.file);
  const svc = await admin.postMultipart('/oss/admin/documents', { service: '99', kind: 'manual' }, { file: pdf() }, { json: true });
  assert.equal(svc.status, 422);
  assert.ok(svc.json.form.errors.service);
  const big = await admin.postMultipart('/oss/admin/documents', { service: '12', kind: 'manual' },
    { file: { data: files.pdf(10 * 1024 * 1024), filename: 'big.pdf', type: 'application/pdf' } }, { json: true });
  assert.equal(big.status, 422);
  assert.equal(count('oss_documents'), before);
  // only the area admin uploads
  assert.equal((await officer.postMultipart('/oss/admin/documents', { service: '11', kind: 'manual' }, { file: pdf() })).status, 403);

  // the public home lists them for the chosen area, without signing in
  const anon = server.client();
  const home = await anon.get(`/oss?area=${areaId}`, { json: true });
  const docs = home.json.services.find((s) => s.code === '11').docs;
  assert.deepEqual(docs.map((d) => d.kind).sort(), ['form', 'manual']);
  assert.deepEqual(home.json.services.find((s) => s.code === '12').docs, []);
  const html = await anon.get(`/oss?area=${areaId}`);
  assert.match(html.text, /ดาวน์โหลดคู่มือ \(PDF\)/);
  const got = await bytes(anon, docs.find((d) => d.kind === 'manual').url);
  assert.equal(got.status, 200);
  assert.equal(got.headers.get('content-type'), 'application/pdf');
  assert.ok(got.body.equals(manual));
  assert.match(decodeURIComponent(got.headers.get('content-disposition')), /คู่มือบัตร\.pdf/);
  // and the service's form page
  const form = await citizen.get(`/oss/new/11?area=${areaId}`, { json: true });
  assert.equal(form.json.docs.length, 2);
  assert.match((await citizen.get(`/oss/new/11?area=${areaId}`)).text, /ดาวน์โหลดแบบฟอร์ม \(PDF\)/);
  // unknown documents are 404
  assert.equal((await bytes(anon, `/oss/docs/${areaId}/12/manual`)).status, 404);
  assert.equal((await bytes(anon, `/oss/docs/${areaId}/11/other`)).status, 404);
  assert.equal((await bytes(anon, '/oss/docs/999/11/manual')).status, 404);

  // a new upload replaces the manual; removing it takes it off the pages
  const v2 = Buffer.concat([files.pdf(), Buffer.from('% v2\n')]);
  assert.equal((await admin.postMultipart('/oss/admin/documents', { service: '11', kind: 'manual' },
    { file: { data: v2, filename: 'v2.pdf', type: 'application/pdf' } })).status, 303);
  assert.ok((await bytes(anon, `/oss/docs/${areaId}/11/manual`)).body.equals(v2));
  assert.equal(count('oss_documents', `service = '11'`), 2);
  assert.equal((await admin.post(`/oss/admin/documents/11/manual/remove`, {})).status, 303);
  assert.equal((await bytes(anon, `/oss/docs/${areaId}/11/manual`)).status, 404);
  assert.equal((await admin.post(`/oss/admin/documents/11/manual/remove`, {})).status, 404);
  assert.ok(count('audit', `action = 'oss.document.upload'`) >= 3);
});

test('message: the officer writes to the applicant without changing the status', async () => {
  const req = await submitOk(citizen, '11', idCardFields(), { id_card: pdf() });
  const url = `/oss/manage/requests/${req.id}/message`;
  const page = await officer.get(`/oss/manage/requests/${req.id}`);
  assert.match(page.text, new RegExp(`action="${url}"`));
  const mailsBefore = count('outbox', `subject LIKE '%ข้อความจากเจ้าหน้าที่%${req.code}%'`);
  // bad input: empty, blank, too long; nothing stored
  const historyBefore = count('oss_history', `request_id = ${req.id}`);
  for (const letter of ['', '   ']) {
    const r = await officer.postMultipart(url, { letter }, {}, { json: true });
    assert.equal(r.status, 422);
    assert.match(r.json.message_form.errors.letter, /กรุณา/);
  }
  const long = await officer.postMultipart(url, { letter: 'ก'.repeat(1001) }, {}, { json: true });
  assert.equal(long.status, 422);
  assert.match(long.json.message_form.errors.letter, /1,?000/);
  const exe = await officer.postMultipart(url, { letter: 'ดูไฟล์' }, { letter_file: { data: files.elf(), filename: 'a.pdf', type: 'application/pdf' } }, { json: true });
  assert.equal(exe.status, 422);
  assert.ok(exe.json.message_form.errors.letter_file);
  assert.equal(count('oss_history', `request_id = ${req.id}`), historyBefore);
  // not his service, not his request: refused
  assert.equal((await officer.postMultipart(`/oss/manage/requests/${cert.id}/message`, { letter: 'x' }, {})).status, 403);
  assert.equal((await citizen.postMultipart(url, { letter: 'x' }, {})).status, 403);
  // a message with a file: in the history, e-mailed, the status unchanged
  const ok = await officer.postMultipart(url, { letter: 'กรุณานำบัตรตัวจริงมาแสดงในวันรับบัตร' }, { letter_file: pdf() });
  assert.equal(ok.status, 303);
  const v = (await citizen.get(`/oss/requests/${req.id}`, { json: true })).json;
  assert.equal(v.status, 'submitted');
  const last = v.history.at(-1);
  assert.equal(last.action, 'message');
  assert.equal(last.is_message, true);
  assert.equal(last.message, 'กรุณานำบัตรตัวจริงมาแสดงในวันรับบัตร');
  assert.equal(last.from_status, 'submitted');
  assert.equal(last.to_status, 'submitted');
  assert.ok(last.file_url);
  assert.equal((await citizen.get(last.file_url)).status, 200);
  assert.match((await citizen.get(`/oss/requests/${req.id}`)).text, /ข้อความถึงผู้ยื่น \(สถานะคงเดิม\)/);
  assert.equal(count('outbox', `subject LIKE '%ข้อความจากเจ้าหน้าที่%${req.code}%'`), mailsBefore + 1);
  // the workflow goes on as before; a cancelled request takes no message
  assert.equal((await officer.postMultipart(`/oss/manage/requests/${req.id}`, { status: 'cancelled', message: 'ผู้ยื่นขอยกเลิก' }, {})).status, 303);
  const late = await officer.postMultipart(url, { letter: 'x' }, {}, { json: true });
  assert.equal(late.status, 409);
  assert.match(late.json.error.message, /ยกเลิกแล้ว/);
});

test('ปพ. order: the form shows the total live from the server; the submission computes it again', async () => {
  const form = await citizen.get(`/oss/new/41?area=${areaId}`);
  assert.equal(form.status, 200);
  assert.match(form.text, /id="order-total"[^>]*hx-get="\/oss\/quote"/);
  assert.match(form.text, /hx-include="\[name='area_id'\],\[name='pp1_p'\]/);
  // 2 × 160 + 10 × 5 = 370; shipping 3.5 % = 12.95 → at least 25; 395 in all (default prices)
  const q = await citizen.get(`/oss/quote?area_id=${areaId}&pp1_p=2&pp3_p=10&pp1_b=&pp2_b=0&pp3_b=`, { json: true });
  assert.equal(q.status, 200);
  assert.equal(q.json.ok, true);
  assert.equal(q.json.subtotal_text, '370.00');
  assert.equal(q.json.shipping_text, '25.00');
  assert.equal(q.json.total_text, '395.00');
  assert.equal(q.json.total_words, 'สามร้อยเก้าสิบห้าบาทถ้วน');
  // 100 books: 16,000 + 3.5 % = 560 → 16,560
  const big = await citizen.get(`/oss/quote?area_id=${areaId}&pp1_p=100`, { json: true });
  assert.equal(big.json.total_text, '16,560.00');
  // the fragment htmx swaps in
  const html = await citizen.get(`/oss/quote?area_id=${areaId}&pp1_p=2&pp3_p=10`, { headers: { 'HX-Request': 'true' } });
  assert.match(html.headers.get('content-type'), /^text\/html/);
  assert.match(html.text, /รวมทั้งสิ้น 395\.00 บาท/);
  assert.doesNotMatch(html.text, /<html/);
  // bad quantities: a Thai message instead of a total
  for (const [qs, re] of [['pp1_p=-1', /จำนวนเต็ม/], ['pp3_p=1.5', /จำนวนเต็ม/], ['pp1_p=0', /อย่างน้อย 1 รายการ/], ['pp1_p=20000', /ไม่เกิน/]]) {
    const bad = await citizen.get(`/oss/quote?area_id=${areaId}&${qs}`, { json: true });
    assert.equal(bad.status, 200);
    assert.equal(bad.json.ok, false);
    assert.match(bad.json.message, re, qs);
  }
  // the area's own price is used
  assert.equal((await admin.post('/oss/admin/prices', { pp1_p: '200', pp3_p: '5', pp1_b: '160', pp2_b: '5', pp3_b: '5' })).status, 303);
  assert.equal((await citizen.get(`/oss/quote?area_id=${areaId}&pp1_p=1`, { json: true })).json.subtotal_text, '200.00');
  // a visitor gets no quote
  assert.equal((await server.client().get('/oss/quote?pp1_p=1')).status, 303);
});

test('dashboard: counts by month as a bar chart (inline SVG) beside the table', async () => {
  const d = await officer.get('/oss/manage', { json: true });
  assert.equal(d.status, 200);
  assert.equal(d.json.chart_bars.length, 12);
  const totals = d.json.months.map((m) => m.total);
  assert.deepEqual(d.json.chart_bars.map((b) => b.total), totals);
  const peak = Math.max(...totals);
  assert.ok(peak >= 1);
  // the tallest bar fills the plot (160), the others in proportion
  for (const b of d.json.chart_bars) assert.ok(Math.abs(Number(b.h) - 160 * b.total / peak) < 0.1, JSON.stringify(b));
  const html = await officer.get('/oss/manage');
  assert.match(html.text, /<svg[^>]*role="img"/);
  assert.equal((html.text.match(/<rect /g) || []).length, 12);
  assert.doesNotMatch(html.text, /style=/);
});

test('list: sorted newest or oldest first; the export follows the same order', async () => {
  // three requests of its own at least, so there is an order to see
  for (let i = 0; i < 3; i++) await submitOk(citizen, '11', idCardFields(), { id_card: pdf() });
  const newest = await officer.get('/oss/manage/list?service=11&per_page=100', { json: true });
  const oldest = await officer.get('/oss/manage/list?service=11&per_page=100&sort=oldest', { json: true });
  assert.equal(oldest.status, 200);
  assert.ok(newest.json.rows.length >= 3);
  assert.deepEqual(oldest.json.rows.map((r) => r.id), newest.json.rows.map((r) => r.id).reverse());
  assert.equal(oldest.json.rows[0].no, 1);
  assert.match(oldest.json.csv_url, /sort=oldest/);
  const csv = parseCsv((await bytes(officer, oldest.json.csv_url)).body.subarray(3).toString('utf8'));
  assert.deepEqual(csv.slice(1).map((x) => x[1]), oldest.json.rows.map((r) => r.code));
  const html = await officer.get('/oss/manage/list?service=11&sort=oldest');
  assert.match(html.text, /<option value="oldest" selected>/);
});

test('my requests: an unknown service is said in Thai (422) and every request listed, not passed over in silence', async () => {
  await submitOk(citizen, '11', idCardFields(), { id_card: pdf() });
  const all = await citizen.get('/oss/my?per_page=100', { json: true });
  const bad = await citizen.get('/oss/my?per_page=100&service=99', { json: true });
  assert.equal(bad.status, 422);
  assert.match(bad.json.filter_error, /ไม่มีบริการนี้/);
  assert.ok(all.json.rows.length > 0);
  assert.deepEqual(bad.json.rows.map((r) => r.id), all.json.rows.map((r) => r.id));
  const html = await citizen.get('/oss/my?service=99');
  assert.equal(html.status, 422);
  assert.match(html.text, /role="alert"><p>ไม่มีบริการนี้/);
  for (const q of ['', '?service=', '?service=11']) {
    const ok = await citizen.get(`/oss/my${q}`);
    assert.equal(ok.status, 200, q);
    assert.doesNotMatch(ok.text, /ไม่มีบริการนี้/, q);
  }
  const csv = await citizen.get('/oss/my?service=99&format=csv');
  assert.equal(csv.status, 422);
});

test('list: an unknown status is said in Thai (422) and every request of the service listed, not passed over in silence', async () => {
  await submitOk(citizen, '11', idCardFields(), { id_card: pdf() });
  const all = await officer.get('/oss/manage/list?service=11&per_page=100', { json: true });
  const bad = await officer.get('/oss/manage/list?service=11&per_page=100&status=bogus', { json: true });
  assert.equal(bad.status, 422);
  assert.match(bad.json.filter_error, /ไม่มีสถานะนี้/);
  assert.deepEqual(bad.json.rows.map((r) => r.id), all.json.rows.map((r) => r.id));
  const html = await officer.get('/oss/manage/list?service=11&status=bogus');
  assert.equal(html.status, 422);
  assert.match(html.text, /role="alert"><p>ไม่มีสถานะนี้/);
  assert.match(html.text, /<option value="" selected>ทุกสถานะ<\/option>/);
  // "ทุกสถานะ" (an empty status) and a real one stay quiet
  for (const q of ['&status=', '&status=submitted']) {
    const ok = await officer.get(`/oss/manage/list?service=11${q}`);
    assert.equal(ok.status, 200, q);
    assert.doesNotMatch(ok.text, /ไม่มีสถานะนี้/, q);
  }
  // the export refuses it the same way, rather than exporting every row under a wrong name
  const csv = await officer.get('/oss/manage/list?service=11&status=bogus&format=csv');
  assert.equal(csv.status, 422);
});

test('booking: 50 requests for the same room and time at once leave exactly one booking', async () => {
  assert.equal((await admin.post('/oss/admin/rooms', { name: 'ห้องประชุมพร้อมกัน', capacity: '30', active: '1' })).status, 303);
  const roomId = (await admin.get('/oss/admin/rooms', { json: true })).json.rows.find((x) => x.name === 'ห้องประชุมพร้อมกัน').id;
  const t = new Date(Date.now() + 7 * 3600e3 + 70 * 86400e3).toISOString().slice(0, 10);
  const fields = {
    area_id: String(areaId), ...person, agency: 'กลุ่มนิเทศ ติดตามและประเมินผล', attendees: '12', room_id: String(roomId),
    purpose: 'ประชุมพร้อมกัน', start_date: t, end_date: t, start_time: '09:00', end_time: '11:00',
  };
  const before = count('oss_requests', `service = '31'`);
  const rs = await Promise.all(Array.from({ length: 50 }, (_, i) =>
    (i % 2 ? citizen : teacher).postMultipart('/oss/new/31', fields, { letter: pdf() }, { json: true })));
  const statuses = rs.map((r) => r.status);
  assert.equal(statuses.filter((s) => s === 200).length, 1, statuses.join(' '));
  assert.equal(statuses.filter((s) => s === 409).length, 49, statuses.join(' '));
  for (const r of rs.filter((x) => x.status === 409))
    assert.match(r.json.form.errors.start_date, /^ห้องนี้ถูกจองแล้วในช่วง .* 09:00–11:00 น\./);
  assert.equal(count('oss_bookings', `room_id = ${roomId}`), 1);
  assert.equal(count('oss_requests', `service = '31'`), before + 1);
});

test('message: a file sent with a message after completion leaves the result file in place', async () => {
  const req = await submitOk(citizen, '11', idCardFields(), { id_card: pdf() });
  const url = `/oss/manage/requests/${req.id}`;
  const result = { data: files.pdf(7), filename: 'ผลการพิจารณา.pdf', type: 'application/pdf' };
  assert.equal((await officer.postMultipart(url, { status: 'completed', message: 'เสร็จแล้ว' }, { file: result })).status, 303);
  const note = { data: files.pdf(9), filename: 'แผนที่.pdf', type: 'application/pdf' };
  assert.equal((await officer.postMultipart(`${url}/message`, { letter: 'รับบัตรได้ที่ชั้น 2' }, { letter_file: note })).status, 303);
  const v = (await citizen.get(`/oss/requests/${req.id}`, { json: true })).json;
  assert.equal(v.status, 'completed');
  assert.equal(v.result_file.name, 'ผลการพิจารณา.pdf');
  assert.deepEqual(v.files.map((f) => f.slot), ['id_card']);
  const last = v.history.at(-1);
  assert.equal(last.action, 'message');
  const got = await bytes(citizen, last.file_url);
  assert.equal(got.status, 200);
  assert.ok(got.body.equals(note.data));
});

test('reference codes: 50 requests of one service at once get unique codes that keep their submission second', async () => {
  const d = new Date(Date.now() + 7 * 3600e3 + 20 * 86400e3).toISOString().slice(0, 10);
  const fields = { area_id: String(areaId), ...person, visitor: 'คณะครูพร้อมกัน', subject: 'ขอเข้าพบพร้อมกัน', date: d, time: '10:00' };
  const before = Number(sql(`SELECT COALESCE(MAX(id), 0) FROM oss_requests`));
  const rs = await Promise.all(Array.from({ length: 50 }, (_, i) =>
    (i % 2 ? citizen : teacher).postMultipart('/oss/new/32', fields, {}, { json: true })));
  for (const r of rs) assert.equal(r.status, 200, r.text.slice(0, 300));
  const told = rs.map((r) => r.json.message.match(/รหัสอ้างอิง (\d+)/)[1]);
  assert.equal(new Set(told).size, 50);
  const rows = sql(`SELECT code || '|' || created_at FROM oss_requests WHERE id > ${before} AND service = '32'`)
    .split('\n').filter(Boolean).map((l) => l.split('|'));
  assert.equal(rows.length, 50);
  assert.deepEqual(rows.map((x) => x[0]).sort(), [...told].sort());
  for (const [code, created] of rows) {
    // 32 + YYYYMMDDhhmmss (Bangkok) + a sequence 1…9 or 10…99 after a clash
    assert.match(code, /^32\d{14}(?:[1-9]|[1-9]\d)?$/, code);
    const c = code.slice(2, 16);
    const at = Date.parse(`${c.slice(0, 4)}-${c.slice(4, 6)}-${c.slice(6, 8)}T${c.slice(8, 10)}:${c.slice(10, 12)}:${c.slice(12, 14)}+07:00`) / 1000;
    assert.ok(Math.abs(at - Number(created)) <= 1, `${code} names ${at}, created ${created}`);
  }
  // the public status check finds a longer code too
  const long = told.find((x) => x.length > 16);
  assert.ok(long, `a burst of 50 in ${new Set(told.map((x) => x.slice(0, 16))).size} seconds gave no sequence`);
  const st = await server.client().get(`/oss/status?code=${long}`, { json: true });
  assert.equal(st.status, 200, st.text.slice(0, 300));
  const bad = await server.client().get(`/oss/status?code=${long.slice(0, 16)}0`, { json: true });
  assert.equal(bad.status, 404);
});
