// oss: the One Stop Service through the real binary (OSS-1 … OSS-8) — the
// public pages and the status check, the six forms filled from the account,
// every bad input the issue names answered with a clear Thai message while
// nothing is stored, reference codes unique under concurrent submissions,
// meeting-room bookings that never overlap (also when two arrive at once),
// the workflow between applicant and officer with notes and files, the
// applicant's list and the officer's dashboard, list and processing page,
// and who may see what (someone else's request is 404, a service not
// assigned to the officer 403).
//
// The area admin of the demo area (areaadmin1) assigns the demo officer to
// some services and adds a meeting room through the settings pages, so the
// scenario does not depend on demo data of this module.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, files, engine } from './lib.mjs';

const DEMO_PW = 'khet-demo-2567';
const THAI = /[\u0E00-\u0E7F]/;
const MiB = 1024 * 1024;
let server, admin, officer, citizen, teacher, areaId, roomId;

const sql = (q) => server.sql(q);
const count = (table, where = '1=1') => Number(sql(`SELECT COUNT(*) FROM ${table} WHERE ${where}`));

async function signedIn(login) {
  const c = server.client();
  await c.get('/signin');
  const r = await c.post('/signin', { login, password: DEMO_PW });
  assert.equal(r.status, 303, `sign in ${login}: ${r.status}`);
  return c;
}

// A Bangkok date offset days from today, as <input type=date> sends it.
function day(offset) {
  const t = new Date(Date.now() + 7 * 3600e3 + offset * 86400e3);
  return t.toISOString().slice(0, 10);
}

const person = { title: 'นาย', first_name: 'ผดุงสิทธิ์', last_name: 'ลาวรรณ', phone: '0812345678' };
const pdf = () => ({ data: files.pdf(), filename: 'บัตร.pdf', type: 'application/pdf' });
const png = () => ({ data: files.png(), filename: 'slip.png', type: 'image/png' });

function idCardFields(over = {}) {
  return {
    area_id: String(areaId), ...person, birth_date: '1985-05-12', nationality: 'ไทย', blood_group: 'O',
    address_registered: '382 หมู่ 8 ตำบลกุดชุม อำเภอกุดชุม จังหวัดยโสธร', address_contact: 'เดียวกับทะเบียนบ้าน',
    work_unit: 'กลุ่มส่งเสริมการศึกษาทางไกล เทคโนโลยีสารสนเทศและการสื่อสาร', position: 'นักวิชาการคอมพิวเตอร์',
    rank: 'ชำนาญการ', official_type: 'teacher', ...over,
  };
}

function roomFields(over = {}) {
  return {
    area_id: String(areaId), ...person, agency: 'กลุ่มนิเทศ ติดตามและประเมินผล', attendees: '8', room_id: String(roomId),
    purpose: 'ประชุมประจำเดือน', start_date: day(40), end_date: day(40), start_time: '09:00', end_time: '12:00', ...over,
  };
}

function orderFields(over = {}) {
  return {
    area_id: String(areaId), ...person, school: 'โรงเรียนบ้านหนองบัว', pp1_p: '2', pp3_p: '10', pp1_b: '0', pp2_b: '',
    pp3_b: '', ...over,
  };
}

// Submits a service's form as multipart, JSON answer.
function submit(c, service, fields, attach = {}) {
  return c.postMultipart(`/oss/new/${service}`, fields, attach, { json: true });
}

async function submitOk(c, service, fields, attach) {
  const r = await submit(c, service, fields, attach);
  assert.equal(r.status, 200, `submit ${service}: ${r.status} ${r.text.slice(0, 400)}`);
  assert.equal(r.json.ok, true);
  const id = Number(r.json.location.match(/^\/oss\/requests\/(\d+)$/)[1]);
  const v = await c.get(`/oss/requests/${id}`, { json: true });
  assert.equal(v.status, 200);
  return v.json;
}

const myTotal = async (c) => (await c.get('/oss/my', { json: true })).json.total;

before(async () => {
  server = await startServer();
  [admin, officer, citizen, teacher] = await Promise.all(['areaadmin1', 'officer', 'citizen', 'teacher'].map(signedIn));
  const a = await admin.get('/oss/admin', { json: true });
  assert.equal(a.status, 200);
  areaId = a.json.area.id;
  // khet demo assigns the demo officer to every service; take them all away
  // and assign four again through the page, as an area admin would
  const services = ['11', '31', '41', '32'];
  const assigned = (await admin.get('/oss/admin/officers', { json: true })).json.rows;
  for (const row of assigned)
    assert.equal((await admin.post(row.remove_url, {})).status, 303);
  for (const service of services)
    assert.equal((await admin.post('/oss/admin/officers', { login: 'officer', service })).status, 303);
  assert.equal((await admin.post('/oss/admin/rooms', { name: 'ห้องประชุมทดสอบ', capacity: '10', active: '1' })).status, 303);
  const rooms = await admin.get('/oss/admin/rooms', { json: true });
  roomId = rooms.json.rows.find((x) => x.name === 'ห้องประชุมทดสอบ').id;
});
after(async () => { await server?.stop(); });

test('public: home lists the six services, the status check and the privacy notice need no sign-in', async () => {
  const c = server.client();
  const home = await c.get('/oss', { json: true });
  assert.equal(home.status, 200);
  assert.deepEqual(home.json.services.map((s) => s.code), ['11', '12', '21', '31', '32', '41']);
  const html = await c.get('/oss');
  assert.match(html.text, /บัตรข้าราชการ/);
  assert.match(html.text, /ซื้อ ปพ\.1-3/);
  assert.match(html.text, /action="\/oss\/status"/);
  assert.equal((await c.get('/privacy')).status, 200);
  // a made-up code: a clear Thai "not found"
  const made = await c.get('/oss/status?code=1120240625131152');
  assert.equal(made.status, 404);
  assert.match(made.text, /ไม่พบคำร้องรหัสนี้/);
  const shape = await c.get('/oss/status?code=12ab', { json: true });
  assert.equal(shape.status, 400);
  assert.match(shape.json.error, /ตัวเลข/);
  // forms and lists need an account
  const f = await c.get('/oss/new/11');
  assert.equal(f.status, 303);
  assert.match(f.headers.get('location'), /^\/signin/);
  assert.equal((await c.get('/oss/new/99')).status, 303);
});

test('form: the applicant\'s own data is filled in from the account (OSS-3)', async () => {
  const r = await citizen.get('/oss/new/12', { json: true });
  assert.equal(r.status, 200);
  const v = r.json.form.values;
  assert.ok(v.first_name.length > 0 && v.last_name.length > 0);
  assert.match(r.json.citizen_id, /^\d{13}$/);
  const area = r.json.form.fields.find((f) => f.name === 'area_id');
  assert.equal(area.is_select, true);
  assert.ok(area.choices.some((c) => c.value === String(areaId)));
  const slip = r.json.form.fields.find((f) => f.name === 'pay_slip');
  assert.equal(slip.required, true);
  assert.equal((await citizen.get('/oss/new/99', { json: true })).status, 404);
  // a booking asks for the area first (rooms are the area's), then offers its rooms
  const pick = await citizen.get('/oss/new/31', { json: true });
  assert.equal(pick.json.pick_first, true);
  assert.ok(pick.json.pick_area.some((a) => a.value === String(areaId)));
  const rooms = await citizen.get(`/oss/new/31?area=${areaId}`, { json: true });
  assert.equal(rooms.json.pick_first, false);
  const room = rooms.json.form.fields.find((f) => f.name === 'room_id');
  assert.ok(room.choices.some((c) => c.value === String(roomId) && /จุได้ 10 คน/.test(c.label)));
});

test('submit: an ID-card request gets a 16-digit code and shows in the status check without personal data', async () => {
  const before = await myTotal(citizen);
  const req = await submitOk(citizen, '11', idCardFields(), { id_card: pdf(), other1: png() });
  assert.match(req.code, /^11\d{14}$/);
  assert.equal(req.status, 'submitted');
  assert.equal(req.status_label, 'ส่งคำร้องไปยังเจ้าหน้าที่');
  assert.equal(req.files.length, 2);
  assert.equal(await myTotal(citizen), before + 1);
  const s = await server.client().get(`/oss/status?code=${req.code}`, { json: true });
  assert.equal(s.status, 200);
  assert.equal(s.json.result.service_name, 'ขอบัตรประจำตัว');
  assert.equal(s.json.result.status_label, 'ส่งคำร้องไปยังเจ้าหน้าที่');
  const text = JSON.stringify(s.json);
  assert.ok(!text.includes('ผดุงสิทธิ์') && !text.includes('0812345678') && !/\d{13}"/.test(text.replaceAll(req.code, '')));
  // the attachment downloads with nosniff, as an attachment
  const f = await citizen.get(req.files[0].url);
  assert.equal(f.status, 200);
  assert.equal(f.headers.get('x-content-type-options'), 'nosniff');
  assert.match(f.headers.get('content-disposition'), /attachment/);
});

test('bad input: missing fields, a wrong file, 5 MB + 1 byte — clear Thai messages, nothing stored', async () => {
  const before = await myTotal(citizen);
  const files0 = count('oss_files');
  const missing = await submit(citizen, '11', { area_id: String(areaId), ...person }, {});
  assert.equal(missing.status, 422);
  const errs = missing.json.form.errors;
  for (const k of ['birth_date', 'nationality', 'blood_group', 'work_unit', 'official_type', 'id_card'])
    assert.match(errs[k], THAI, k);
  assert.match(errs.id_card, /กรุณาแนบไฟล์ สำเนาบัตรประชาชน/);
  const html = await citizen.postMultipart('/oss/new/11', { area_id: String(areaId), ...person }, {});
  assert.equal(html.status, 422);
  assert.match(html.text, /กรุณาแก้ไขข้อมูล/);

  const exe = await submit(citizen, '11', idCardFields(), { id_card: { data: files.elf(), filename: 'scan.pdf', type: 'application/pdf' } });
  assert.equal(exe.status, 422);
  assert.match(exe.json.form.errors.id_card, /PDF, PNG หรือ JPG/);
  const big = await submit(citizen, '11', idCardFields(), { id_card: { data: files.pdf(5 * MiB + 1 - files.pdf().length), filename: 'big.pdf', type: 'application/pdf' } });
  assert.equal(big.status, 422);
  assert.match(big.json.form.errors.id_card, /ใหญ่เกิน 5\.0 MB/);
  const other = await submit(citizen, '11', idCardFields({ official_type: 'other' }), { id_card: pdf() });
  assert.equal(other.status, 422);
  assert.match(other.json.form.errors.official_type_other, /อื่นๆ/);
  const future = await submit(citizen, '11', idCardFields({ birth_date: day(3) }), { id_card: pdf() });
  assert.equal(future.status, 422);
  assert.match(future.json.form.errors.birth_date, /ผ่านมาแล้ว/);
  const noArea = await submit(citizen, '11', idCardFields({ area_id: '999999' }), { id_card: pdf() });
  assert.equal(noArea.status, 422);
  assert.match(noArea.json.form.errors.area_id, /สำนักงานเขตพื้นที่/);
  // exactly 5 MB is fine
  const exact = await submit(citizen, '11', idCardFields(), { id_card: { data: files.pdf(5 * MiB - files.pdf().length), filename: 'ok.pdf', type: 'application/pdf' } });
  assert.equal(exact.status, 200);
  assert.equal(await myTotal(citizen), before + 1);
  assert.equal(count('oss_files'), files0 + 1);
});

test('ปพ. order: quantities checked, totals in satang with 3.5 % shipping (minimum 25 baht) and words', async () => {
  const before = await myTotal(citizen);
  const neg = await submit(citizen, '41', orderFields({ pp1_p: '-1' }), { purchase_letter: pdf() });
  assert.equal(neg.status, 422);
  assert.match(neg.json.form.errors.pp1_p, /ติดลบ/);
  const frac = await submit(citizen, '41', orderFields({ pp3_p: '1.5' }), { purchase_letter: pdf() });
  assert.equal(frac.status, 422);
  assert.match(frac.json.form.errors.pp3_p, /จำนวนเต็ม/);
  const none = await submit(citizen, '41', orderFields({ pp1_p: '0', pp3_p: '0' }), { purchase_letter: pdf() });
  assert.equal(none.status, 422);
  assert.match(none.json.form.errors.pp1_p, /อย่างน้อย 1 รายการ/);
  const noSchool = await submit(citizen, '41', orderFields({ school: '' }), { purchase_letter: pdf() });
  assert.equal(noSchool.status, 422);
  assert.match(noSchool.json.form.errors.school, /โรงเรียน/);
  assert.equal(await myTotal(citizen), before);
  // 2 × 160 + 10 × 5 = 370 baht; 3.5 % = 12.95 → the 25 baht minimum
  const ok = await submitOk(citizen, '41', orderFields(), { purchase_letter: pdf() });
  assert.equal(ok.data.subtotal, 37000);
  assert.equal(ok.data.shipping, 2500);
  assert.equal(ok.data.total, 39500);
  assert.equal(ok.order.total_text, '395.00');
  assert.equal(ok.order.total_words, 'สามร้อยเก้าสิบห้าบาทถ้วน');
  // 10 books: 1,600 baht → shipping 56.00
  const big = await submitOk(citizen, '41', orderFields({ pp1_p: '10', pp3_p: '0' }), { purchase_letter: pdf() });
  assert.equal(big.data.shipping, 5600);
  // the print page: BE dates and the total in words
  const p = await citizen.get(`/oss/requests/${ok.id}/print`);
  assert.equal(p.status, 200);
  assert.match(p.text, /สามร้อยเก้าสิบห้าบาทถ้วน/);
  assert.match(p.text, /25\d\d, \d\d:\d\d น\./);
  // prices are settings: a new price applies to new orders only
  const prices = await admin.post('/oss/admin/prices', { pp1_p: '170', pp3_p: '5', pp1_b: '160', pp2_b: '2', pp3_b: '5' });
  assert.equal(prices.status, 303);
  const dear = await submitOk(citizen, '41', orderFields({ pp1_p: '1', pp3_p: '0' }), { purchase_letter: pdf() });
  assert.equal(dear.data.subtotal, 17000);
  const again = await citizen.get(`/oss/requests/${ok.id}`, { json: true });
  assert.equal(again.json.data.subtotal, 37000);
  assert.equal((await admin.post('/oss/admin/prices', { pp1_p: '-5', pp3_p: '5', pp1_b: '160', pp2_b: '2', pp3_b: '5' })).status, 422);
});

test('booking: dates, times and attendees checked; overlapping bookings refused naming the clash', async () => {
  const before = await myTotal(citizen);
  const cases = [
    [{ attendees: '0' }, 'attendees', /อย่างน้อย 1 คน/],
    [{ attendees: '11' }, 'attendees', /ไม่เกิน 10 คน/],
    [{ attendees: '-2' }, 'attendees', /ติดลบ/],
    [{ end_date: day(39) }, 'end_date', /ไม่ก่อนวันที่เริ่มต้น/],
    [{ start_time: '12:00', end_time: '09:00' }, 'end_time', /หลังเวลาเริ่มต้น/],
    [{ start_date: day(-2), end_date: day(-2) }, 'start_date', /ผ่านมาแล้ว/],
    [{ room_id: '999999' }, 'room_id', /ห้องประชุม/],
    [{ purpose: '' }, 'purpose', /กรุณากรอก/],
  ];
  for (const [over, field, msg] of cases) {
    const r = await submit(citizen, '31', roomFields(over), { letter: pdf() });
    assert.equal(r.status, 422, JSON.stringify(over));
    assert.match(r.json.form.errors[field] || '', msg, JSON.stringify(over));
  }
  assert.equal(await myTotal(citizen), before);
  const first = await submitOk(citizen, '31', roomFields({ start_date: day(41), end_date: day(42) }), { letter: pdf() });
  assert.equal(first.status, 'submitted');
  // another person, overlapping the second day
  const clash = await submit(teacher, '31', roomFields({ start_date: day(42), end_date: day(42), start_time: '11:00', end_time: '13:00' }), { letter: pdf() });
  assert.equal(clash.status, 409);
  assert.match(clash.json.form.errors.start_date, /^ห้องนี้ถูกจองแล้วในช่วง \d+ \S+ 25\d\d 09:00–12:00 น\./);
  // touching is fine
  const after = await submit(teacher, '31', roomFields({ start_date: day(42), end_date: day(42), start_time: '12:00', end_time: '13:00' }), { letter: pdf() });
  assert.equal(after.status, 200);
  // cancelling frees the room
  assert.equal((await citizen.post(`/oss/requests/${first.id}/cancel`, { reason: 'เปลี่ยนกำหนดการ' })).status, 303);
  const freed = await submit(teacher, '31', roomFields({ start_date: day(41), end_date: day(41) }), { letter: pdf() });
  assert.equal(freed.status, 200);
});

test('booking: two requests for the same room and time at once — exactly one is stored', async () => {
  const d = day(50);
  const tries = await Promise.all([citizen, teacher, citizen, teacher].map((c) =>
    submit(c, '31', roomFields({ start_date: d, end_date: d, start_time: '13:00', end_time: '15:00' }), { letter: pdf() })));
  const codes = tries.map((r) => r.status).sort();
  assert.deepEqual(codes, [200, 409, 409, 409]);
  const start = Math.floor(new Date(`${d}T13:00:00+07:00`).getTime() / 1000);
  assert.equal(count('oss_bookings', `room_id = ${roomId} AND start_at = ${start}`), 1);
});

test('reference codes stay unique when many requests arrive in the same second', async () => {
  const fields = { area_id: String(areaId), ...person, visitor: 'คณะครู', subject: 'ขอเข้าพบ', date: day(20), time: '10:00' };
  const rs = await Promise.all(Array.from({ length: 8 }, (_, i) => submit(i % 2 ? citizen : teacher, '32', fields, {})));
  for (const r of rs) assert.equal(r.status, 200, r.text.slice(0, 300));
  const codes = rs.map((r) => r.json.message.match(/(32\d{14,16})/)[1]);
  assert.equal(new Set(codes).size, 8);
  const past = await submit(citizen, '32', { ...fields, date: day(-1) }, {});
  assert.equal(past.status, 422);
  assert.match(past.json.form.errors.date, /ผ่านมาแล้ว/);
});

test('workflow: officer returns with a note, applicant fixes and resubmits, officer completes with a file', async () => {
  const req = await submitOk(citizen, '11', idCardFields(), { id_card: pdf() });
  const url = `/oss/manage/requests/${req.id}`;
  // a return needs a note
  const noNote = await officer.postMultipart(url, { status: 'returned', message: '' }, {}, { json: true });
  assert.equal(noNote.status, 422);
  assert.match(noNote.json.form.errors.message, /กรุณาระบุสิ่งที่ผู้ยื่นคำร้องต้องแก้ไข/);
  const ret = await officer.postMultipart(url, { status: 'returned', message: 'ข้อมูลไม่ชัดเจน' }, {});
  assert.equal(ret.status, 303);
  // the applicant's list shows the status and the note
  const list = await citizen.get('/oss/my?service=11', { json: true });
  const row = list.json.rows.find((x) => x.id === req.id);
  assert.equal(row.status_label, 'เจ้าหน้าที่ส่งให้แก้ไขข้อมูล');
  assert.equal(row.note, 'ข้อมูลไม่ชัดเจน');
  assert.ok(row.edit_url && row.cancel_url);
  // edit without a new file keeps the stored one; returned → resubmitted
  const edit = await citizen.postMultipart(`/oss/edit/11/${req.id}`, idCardFields({ position: 'ครู' }), {}, { json: true });
  assert.equal(edit.status, 200, edit.text.slice(0, 300));
  let v = (await citizen.get(`/oss/requests/${req.id}`, { json: true })).json;
  assert.equal(v.status, 'resubmitted');
  assert.equal(v.data.position, 'ครู');
  assert.equal(v.files.length, 1);
  // officer takes it; now the applicant may not edit
  assert.equal((await officer.postMultipart(url, { status: 'in_progress' }, {})).status, 303);
  const stored = sql(`SELECT data || '|' || status_at || '|' || updated_at FROM oss_requests WHERE id = ${req.id}`);
  const steps = count('oss_history', `request_id = ${req.id}`);
  const late = await citizen.postMultipart(`/oss/edit/11/${req.id}`, idCardFields({ position: 'ผู้อำนวยการ' }), { id_card: pdf() }, { json: true });
  assert.equal(late.status, 409);
  assert.match(late.json.error.message, /แก้ไขคำร้องไม่ได้ เพราะเจ้าหน้าที่กำลังดำเนินการ/);
  assert.equal((await citizen.get(`/oss/requests/${req.id}/edit`)).status, 409);
  // nothing of the refused edit is stored: data, history, files
  assert.equal(sql(`SELECT data || '|' || status_at || '|' || updated_at FROM oss_requests WHERE id = ${req.id}`), stored);
  assert.equal(count('oss_history', `request_id = ${req.id}`), steps);
  assert.equal(count('oss_files', `request_id = ${req.id}`), 1);
  assert.equal((await citizen.get(`/oss/requests/${req.id}`, { json: true })).json.data.position, 'ครู');
  // complete with a file for the applicant
  const done = await officer.postMultipart(url, { status: 'completed', message: 'ออกบัตรแล้ว' }, { file: pdf() });
  assert.equal(done.status, 303);
  v = (await citizen.get(`/oss/requests/${req.id}`, { json: true })).json;
  assert.equal(v.status_label, 'ดำเนินการเรียบร้อย');
  assert.ok(v.result_file);
  assert.equal((await citizen.get(v.result_file.url)).status, 200);
  const l2 = await citizen.get('/oss/my?service=11', { json: true });
  assert.ok(l2.json.rows.find((x) => x.id === req.id).result_url);
  // every step is in the history
  assert.deepEqual(v.history.map((h) => h.to_status), ['submitted', 'returned', 'resubmitted', 'in_progress', 'completed']);
  assert.equal(v.history[1].message, 'ข้อมูลไม่ชัดเจน');
  // completed is final
  const c2 = await citizen.post(`/oss/requests/${req.id}/cancel`, {}, { json: true });
  assert.equal(c2.status, 409);
  assert.match(c2.json.error.message, /ดำเนินการเรียบร้อยแล้ว/);
  const o2 = await officer.postMultipart(url, { status: 'cancelled', message: 'x' }, {}, { json: true });
  assert.equal(o2.status, 409);
  assert.match(o2.json.error.message, /ยกเลิกคำร้องไม่ได้/);
  // mail went to the applicant (development mailbox)
  assert.ok(count('outbox', `subject LIKE '%${req.code}%'`) >= 3);
});

test('access: someone else\'s request is 404; an officer outside his services gets 403', async () => {
  const mine = await submitOk(citizen, '11', idCardFields(), { id_card: pdf() });
  for (const p of ['', '/print', '/edit', '/cancel', `/files/${mine.files[0].id}`])
    assert.equal((await teacher.get(`/oss/requests/${mine.id}${p}`)).status, 404, p);
  const cancel = await teacher.post(`/oss/requests/${mine.id}/cancel`, {}, { json: true });
  assert.equal(cancel.status, 404);
  assert.equal((await citizen.get(`/oss/requests/${mine.id}`, { json: true })).json.status, 'submitted');
  assert.equal((await teacher.postMultipart(`/oss/edit/11/${mine.id}`, idCardFields(), {})).status, 404);
  // a certificate request (12): the officer is not assigned to it
  const cert = await submitOk(citizen, '12', {
    area_id: String(areaId), ...person, official_type: 'teacher', work_unit: 'โรงเรียนบ้านหนองบัว', position: 'ครู',
    salary: '25000', cert_kind: 'รับรองเงินเดือน', purpose: 'กู้เงินธนาคาร',
  }, { id_card: pdf(), pay_slip: png() });
  assert.equal(cert.details.find((d) => d.label === 'อัตราเงินเดือน (บาท)').value, '25,000.00 บาท');
  const denied = await officer.get(`/oss/manage/requests/${cert.id}`);
  assert.equal(denied.status, 403);
  assert.match(denied.text, /ไม่ได้รับมอบหมายให้ดูแลบริการ หนังสือรับรอง/);
  const act = await officer.postMultipart(`/oss/manage/requests/${cert.id}`, { status: 'in_progress' }, {}, { json: true });
  assert.equal(act.status, 403);
  assert.equal((await officer.get('/oss/manage/list?service=12')).status, 403);
  // the same 403 and sentence on every page of the request (view, print,
  // PDF, files), not a 404 on some and a 403 on others
  for (const p of ['', '/print', '/pdf', `/files/${cert.files[0].id}`]) {
    const r = await officer.get(`/oss/requests/${cert.id}${p}`, { json: true });
    assert.equal(r.status, 403, p);
    assert.match(r.json.error.message, /ไม่ได้รับมอบหมายให้ดูแลบริการ หนังสือรับรอง/, p);
  }
  // staff of another area get 404, as anyone else
  const admin2 = await signedIn('areaadmin2');
  assert.equal((await admin2.get(`/oss/requests/${cert.id}`)).status, 404);
  assert.equal((await admin2.get(`/oss/requests/${cert.id}/pdf`)).status, 404);
  assert.equal((await citizen.get(`/oss/requests/${cert.id}`, { json: true })).json.status, 'submitted');
  // a citizen is no officer
  assert.equal((await citizen.get('/oss/manage')).status, 403);
  assert.equal((await citizen.get('/oss/admin')).status, 403);
  // the officer reading personal data is in the audit trail
  await officer.get(`/oss/requests/${mine.id}`);
  assert.ok(count('audit', `action = 'personal.read' AND target_id = ${mine.id}`) >= 1);
});

test('lists: the applicant\'s tabs, search and paging; the officer\'s dashboard and list', async () => {
  // requests of its own: three ID cards and an order at least, and more
  // than a page of 10 in all
  for (let i = 0; i < 3; i++) await submitOk(citizen, '11', idCardFields(), { id_card: pdf() });
  await submitOk(citizen, '41', orderFields(), { purchase_letter: pdf() });
  while (await myTotal(citizen) < 11) await submitOk(citizen, '11', idCardFields(), { id_card: pdf() });
  const all = await citizen.get('/oss/my?per_page=10', { json: true });
  assert.equal(all.status, 200);
  assert.ok(all.json.total >= 10);
  assert.equal(all.json.rows.length, 10);
  assert.equal(all.json.rows[0].no, all.json.total);
  assert.equal(all.json.tabs.length, 7);
  const html = await citizen.get('/oss/my');
  assert.match(html.text, new RegExp(`หน้า 1 ถึงหน้า ${all.json.pages} ทั้งหมด ${all.json.total} ข้อมูล`));
  const p2 = await citizen.get('/oss/my?page=2', { json: true });
  assert.equal(p2.json.page, 2);
  assert.ok(!p2.json.rows.some((r) => all.json.rows.some((x) => x.id === r.id)));
  const only41 = await citizen.get('/oss/my?service=41', { json: true });
  assert.ok(only41.json.rows.every((r) => r.service === '41'));
  const byCode = await citizen.get(`/oss/my?q=${only41.json.rows[0].code}`, { json: true });
  assert.equal(byCode.json.total, 1);
  assert.equal((await citizen.get('/oss/my?q=ไม่มีคำนี้แน่นอน', { json: true })).json.total, 0);
  // no citizen IDs in lists
  assert.ok(!/\b\d{13}\b/.test(JSON.stringify(all.json.rows).replace(/"code":"\d{16}"/g, '')));

  const dash = await officer.get('/oss/manage', { json: true });
  assert.equal(dash.status, 200);
  const s11 = dash.json.services.find((s) => s.code === '11');
  assert.ok(s11.total >= 3);
  assert.equal(dash.json.services.some((s) => s.code === '12'), false);
  assert.equal(dash.json.months.length, 12);
  const list = await officer.get('/oss/manage/list?service=11', { json: true });
  assert.equal(list.status, 200);
  assert.equal(list.json.total, s11.total);
  const open = list.json.rows.find((r) => r.status === 'submitted');
  assert.equal(open.waited, 0);
  assert.equal(open.overdue, false);
  const sub = await officer.get('/oss/manage/list?service=11&status=submitted', { json: true });
  assert.ok(sub.json.rows.every((r) => r.status === 'submitted'));
  assert.equal((await officer.get('/oss/manage/list?service=11&overdue=1', { json: true })).json.total, 0);
  assert.equal((await officer.get('/oss/manage/list?service=11&q=ผดุงสิทธิ์', { json: true })).json.total, list.json.total);
});

test('settings: officers must hold a role in the area; holidays and rooms are checked', async () => {
  const bad = await admin.post('/oss/admin/officers', { login: 'citizen', service: '12' }, { json: true });
  assert.equal(bad.status, 422);
  assert.match(bad.json.form.errors.login, /ยังไม่มีบทบาทในสำนักงานเขตพื้นที่นี้/);
  const ghost = await admin.post('/oss/admin/officers', { login: 'nobody-here', service: '12' }, { json: true });
  assert.equal(ghost.status, 422);
  const dup = await admin.post('/oss/admin/officers', { login: 'officer', service: '11' }, { json: true });
  assert.equal(dup.status, 409);
  assert.equal((await admin.post('/oss/admin/holidays', { day: day(10), name: 'วันหยุดทดสอบ' })).status, 303);
  assert.equal((await admin.post('/oss/admin/holidays', { day: day(10), name: 'ซ้ำ' })).status, 409);
  assert.equal((await admin.post('/oss/admin/holidays', { day: '2025-02-30', name: 'x' })).status, 422);
  assert.equal((await admin.post('/oss/admin/rooms', { name: 'ห้องศูนย์', capacity: '0' })).status, 422);
  assert.equal((await officer.get('/oss/admin')).status, 403);
});

test('rooms: a refused edit of a room shows what was typed in that room\'s own row, errors at its fields, the add form empty', async () => {
  const stored = () => sql(`SELECT name || '|' || capacity || '|' || active FROM oss_rooms WHERE id = ${roomId}`);
  const before = stored();
  const input = (html, id) => {
    const m = html.match(new RegExp(`<input[^>]*id="${id}"[^>]*>`));
    assert.ok(m, `no input #${id}`);
    return m[0];
  };
  const value = (tag) => tag.match(/ value="([^"]*)"/)[1];
  // a capacity that is not a number, with a new name typed beside it
  const bad = await admin.post(`/oss/admin/rooms/${roomId}`, { name: 'ห้องที่พิมพ์ใหม่', capacity: 'abc' });
  assert.equal(bad.status, 422, bad.text.slice(0, 300));
  const name = input(bad.text, `room-${roomId}-name`), cap = input(bad.text, `room-${roomId}-capacity`);
  assert.equal(value(name), 'ห้องที่พิมพ์ใหม่');
  assert.equal(value(cap), 'abc');
  assert.match(cap, /aria-invalid="true"/);
  assert.doesNotMatch(name, /aria-invalid/);
  assert.match(bad.text, new RegExp(`id="room-${roomId}-capacity-error"><span class="visually-hidden">ข้อผิดพลาด: </span>กรุณากรอกเป็นตัวเลข`));
  assert.match(bad.text, new RegExp(`<a href="#room-${roomId}-capacity">ความจุ \\(คน\\): `), 'the summary links to the row\'s field');
  assert.doesNotMatch(input(bad.text, `room-${roomId}-active`), / checked/, 'the box left unticked stays unticked');
  // the add form is empty and has no errors of its own
  assert.equal(value(input(bad.text, 'f-name')), '');
  assert.equal(value(input(bad.text, 'f-capacity')), '');
  assert.doesNotMatch(input(bad.text, 'f-capacity'), /aria-invalid/);
  assert.doesNotMatch(bad.text, /id="f-capacity-error"/);
  assert.equal((bad.text.match(/class="error-summary"/g) || []).length, 1);
  // the summary names the room once: never "ห้อง ห้องประชุม…" (walk5)
  assert.ok(bad.text.includes(`<h2 id="error-summary-title">${before.split('|')[0]}: กรุณาแก้ไขข้อมูล 1 รายการ</h2>`), 'the summary names the stored room');
  assert.doesNotMatch(bad.text, /error-summary-title">ห้อง ห้อง/);
  assert.match(bad.text, /<a href="\/oss\/admin\/rooms\?format=xlsx" download>/, 'the download is the list\'s, not the edit\'s address');
  assert.equal(stored(), before, 'nothing stored changed');
  // an empty name: its error at the row's name, the typed capacity kept there
  const empty = await admin.post(`/oss/admin/rooms/${roomId}`, { name: '', capacity: '12', active: '1' }, { json: true });
  assert.equal(empty.status, 422);
  const row = empty.json.rows.find((x) => x.id === roomId);
  assert.equal(row.editing, true);
  assert.equal(row.name_value, '');
  assert.equal(row.capacity_value, '12');
  assert.equal(row.active_value, true);
  assert.match(row.name_error, /ชื่อห้องประชุม/);
  assert.equal(empty.json.form.has_errors, false);
  assert.equal(empty.json.form.values.name, '');
  assert.equal(empty.json.form.values.capacity, '');
  assert.ok(empty.json.rows.filter((x) => x.id !== roomId).every((x) => !x.editing && x.name_value === x.name));
  assert.equal(stored(), before);
  // a name another room of the area has: 409, said at this row's name, the add form untouched
  const otherName = empty.json.rows.find((x) => x.id !== roomId).name;
  const clash = await admin.post(`/oss/admin/rooms/${roomId}`, { name: otherName, capacity: '15', active: '1' });
  assert.equal(clash.status, 409);
  assert.equal(value(input(clash.text, `room-${roomId}-name`)), otherName);
  assert.match(input(clash.text, `room-${roomId}-name`), /aria-invalid="true"/);
  assert.equal(value(input(clash.text, `room-${roomId}-capacity`)), '15');
  assert.equal(value(input(clash.text, 'f-name')), '');
  assert.equal(stored(), before);
  // a failed add still shows what was typed in the add form
  const add = await admin.post('/oss/admin/rooms', { name: 'ห้องใหม่ผิด', capacity: 'x' });
  assert.equal(add.status, 422);
  assert.equal(value(input(add.text, 'f-name')), 'ห้องใหม่ผิด');
  assert.equal(value(input(add.text, `room-${roomId}-name`)), before.split('|')[0]);
  // a refused edit of a room that is not the area's has no row to show it in
  assert.equal((await admin.post('/oss/admin/rooms/99999999', { name: '', capacity: 'abc' })).status, 404);
});
