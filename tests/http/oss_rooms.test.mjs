// oss_rooms: room booking beside AMSS++ (issue 10.14b) through the real
// binary — the demo's room requests as real bookings that never overlap;
// the chairman and coordinator of a booking on its form, its page, the
// room calendar (staff of the area only) and the officers' export; the
// free-room search over all of an area's rooms; the approvers' pending
// count in the menu of every page; bulk approval (a stale tick answered
// 409, an overlap with an approved booking refused per booking, the rest
// approved); the yearly per-room usage report by month with its CSV and
// XLSX.
//
// The area admin (areaadmin1) adds two rooms of this file's own, so the
// bookings here do not meet the demo's in the demo rooms.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, files, khet, parseCsv, unzip, faultWalk, testState } from './lib.mjs';

const DEMO_PW = 'khet-demo-2567';
let server, admin, officer, citizen, teacher, areaId, small, big;

const sql = (q) => server.sql(q);
const num = (q) => Number(sql(q));

async function signedIn(login) {
  const c = server.client();
  await c.get('/signin');
  const r = await c.post('/signin', { login, password: DEMO_PW });
  assert.equal(r.status, 303, `sign in ${login}: ${r.status}`);
  return c;
}

// A Bangkok date offset days from today, ISO (as the date picker sends it).
function day(offset) {
  return new Date(Date.now() + 7 * 3600e3 + offset * 86400e3).toISOString().slice(0, 10);
}
// The same day typed in BE: "25/06/2567".
function be(iso) {
  const [y, m, d] = iso.split('-');
  return `${d}/${m}/${Number(y) + 543}`;
}

const person = { title: 'นาย', first_name: 'ผดุงสิทธิ์', last_name: 'ลาวรรณ', phone: '0812345678' };
const pdf = () => ({ data: files.pdf(), filename: 'หนังสือ.pdf', type: 'application/pdf' });

// this year in Bangkok, and 25 June of last year typed with its CE year
const ceYear = Number(new Date(Date.now() + 7 * 3600e3).toISOString().slice(0, 4));
const lastYearCe = `25/06/${ceYear - 1}`;

function roomFields(over = {}) {
  return {
    area_id: String(areaId), ...person, agency: 'กลุ่มนิเทศ ติดตามและประเมินผล', attendees: '8', room_id: String(small),
    purpose: 'ประชุมประจำเดือน', chairman: 'นายประเสริฐ บุญมา รอง ผอ.สพป.', coordinator: 'นางสาวพรทิพย์ มีสุข โทร 0812345678',
    start_date: day(40), end_date: day(40), start_time: '09:00', end_time: '12:00', ...over,
  };
}

async function book(c, over = {}) {
  const r = await c.postMultipart('/oss/new/31', roomFields(over), { letter: pdf() }, { json: true });
  assert.equal(r.status, 200, `book: ${r.status} ${r.text.slice(0, 400)}`);
  return Number(r.json.location.match(/^\/oss\/requests\/(\d+)$/)[1]);
}

const pendingSql = () => num(`SELECT COUNT(*) FROM oss_requests WHERE area_id = ${areaId} AND service = '31' ` +
  `AND status IN ('submitted', 'in_progress', 'resubmitted')`);
const navBadge = (html) => {
  const m = html.match(/href="\/oss\/rooms\/approve"[^>]*>อนุมัติห้องประชุม(?: <span class="badge[^"]*">(\d+)<span class="visually-hidden"> รายการรอดำเนินการ<\/span><\/span>)?<\/a>/);
  return m ? Number(m[1] ?? 0) : null;
};

before(async () => {
  server = await startServer();
  // the demo's room requests (a sixth of 1,200) as a bigger demo makes them
  const d = khet(['demo', '--requests', '1200'], server.env);
  assert.equal(d.code, 0, d.stderr);
  [admin, officer, citizen, teacher] = await Promise.all(['areaadmin1', 'officer', 'citizen', 'teacher'].map(signedIn));
  areaId = (await admin.get('/oss/admin', { json: true })).json.area.id;
  for (const [name, capacity] of [['ห้องทดสอบเล็ก', '10'], ['ห้องทดสอบใหญ่', '50']])
    assert.equal((await admin.post('/oss/admin/rooms', { name, capacity, active: '1' })).status, 303);
  const rooms = (await admin.get('/oss/admin/rooms', { json: true })).json.rows;
  small = rooms.find((x) => x.name === 'ห้องทดสอบเล็ก').id;
  big = rooms.find((x) => x.name === 'ห้องทดสอบใหญ่').id;
});
after(async () => { await server?.stop(); });

test('demo: every room request not cancelled is a real booking, and no two bookings of a room overlap', async () => {
  const requests = num(`SELECT COUNT(*) FROM oss_requests WHERE service = '31' AND status <> 'cancelled'`);
  assert.ok(requests > 150, `room requests ${requests}`);
  assert.equal(num(`SELECT COUNT(DISTINCT request_id) FROM oss_bookings`), requests);
  assert.equal(num(`SELECT COUNT(*) FROM oss_bookings a JOIN oss_bookings b ON a.room_id = b.room_id AND a.id < b.id ` +
    `AND a.start_at < b.end_at AND b.start_at < a.end_at`), 0);
  assert.equal(num(`SELECT COUNT(*) FROM oss_bookings b JOIN oss_requests r ON r.id = b.request_id ` +
    `WHERE b.status <> r.status OR b.applicant_id <> r.applicant_id`), 0);
  // no demo request changed its status after now (the officer's list and
  // its export showed "status changed 9 Dec" on 7 Dec)
  const now = Math.floor(Date.now() / 1000) + 5;
  assert.equal(num(`SELECT COUNT(*) FROM oss_requests WHERE status_at > ${now} OR updated_at > ${now} OR created_at > ${now}`), 0);
  // every demo room of the area is used (the usage report showed ห้องประชุมพุทธรักษา at 0 all year)
  assert.equal(num(`SELECT COUNT(*) FROM oss_rooms r WHERE r.area_id IN (SELECT area_id FROM oss_requests WHERE service = '31') ` +
    `AND r.name LIKE 'ห้องประชุม%' AND NOT EXISTS (SELECT 1 FROM oss_bookings b WHERE b.room_id = r.id)`), 0);
  // the request's data names the same room and day as its booking
  const [id, room, start] = sql(`SELECT request_id, room_id, start_at FROM oss_bookings ORDER BY id DESC LIMIT 1`).split('|').map(Number);
  const v = await officer.get(`/oss/requests/${id}`, { json: true });
  assert.equal(v.status, 200);
  assert.equal(v.json.data.room_id, room);
  const date = new Date((start + 7 * 3600) * 1000).toISOString().slice(0, 10);
  assert.equal(v.json.data.start_date, date);
  assert.ok(v.json.details.some((x) => x.label === 'ประธานการประชุม' && x.value.length > 0));
  // so the room's calendar of that month is not empty
  const cal = await officer.get(`/oss/rooms/${room}/calendar?month=${date.slice(0, 7)}`, { json: true });
  assert.ok(cal.json.rows.some((x) => x.date === date));
  // running the demo again adds nothing
  const before = num('SELECT COUNT(*) FROM oss_bookings');
  assert.equal(khet(['demo', '--requests', '1200'], server.env).code, 0);
  assert.equal(num('SELECT COUNT(*) FROM oss_bookings'), before);
});

test('chairman and coordinator: on the form, the request, the calendar\'s day for staff, and the export', async () => {
  const d = day(41);
  // bad input at the field, what was typed shown again, nothing stored
  const n0 = num('SELECT COUNT(*) FROM oss_requests');
  const long = await citizen.postMultipart('/oss/new/31', roomFields({ start_date: d, end_date: d, chairman: 'ก'.repeat(201) }), { letter: pdf() });
  assert.equal(long.status, 422);
  assert.match(long.text, /ประธานการประชุม[^<]*ยาวเกิน|ประธานการประชุม.{0,80}200/);
  const emoji = await citizen.postMultipart('/oss/new/31', roomFields({ start_date: d, end_date: d, coordinator: 'สมชาย 😀' }), { letter: pdf() }, { json: true });
  assert.equal(emoji.status, 422);
  assert.match(JSON.stringify(emoji.json), /อีโมจิ/);
  // "25/06/<last year CE>" on the booking form: refused with พ.ศ./ค.ศ., kept as typed
  const ce = await citizen.postMultipart('/oss/new/31', roomFields({ start_date: lastYearCe, end_date: lastYearCe }), { letter: pdf() }, { json: true });
  assert.equal(ce.status, 422);
  assert.match(ce.json.form.errors.start_date, new RegExp(`^วันที่เริ่มต้นใช้ห้อง 25 มิ\\.ย\\. ${ceYear - 1 + 543} \\(ค\\.ศ\\. ${ceYear - 1}\\) เป็นวันที่ผ่านมาแล้ว กรุณาตรวจสอบปีที่กรอก: ปีนี้คือ พ\\.ศ\\. ${ceYear + 543}`));
  assert.equal(ce.json.form.values.start_date, lastYearCe);
  // beside another field's error and a missing letter, at once: the day is
  // not left for a second try (acceptance walk of issue 10: it was)
  const both = await citizen.postMultipart('/oss/new/31', roomFields({ phone: '12', start_date: lastYearCe, end_date: lastYearCe }), {}, { json: true });
  assert.equal(both.status, 422);
  assert.ok(both.json.form.errors.phone, JSON.stringify(both.json.form.errors));
  assert.ok(both.json.form.errors.letter, JSON.stringify(both.json.form.errors));
  assert.match(both.json.form.errors.start_date || '', /เป็นวันที่ผ่านมาแล้ว กรุณาตรวจสอบปีที่กรอก/);
  assert.equal(num('SELECT COUNT(*) FROM oss_requests'), n0);
  assert.equal(num('SELECT COUNT(*) FROM oss_requests'), n0);
  const id = await book(citizen, { start_date: d, end_date: d, chairman: 'นายประธาน ทดสอบ', coordinator: 'นางประสาน งานดี โทร 0899999999' });
  const v = await citizen.get(`/oss/requests/${id}`, { json: true });
  const detail = Object.fromEntries(v.json.details.map((x) => [x.label, x.value]));
  assert.equal(detail['ประธานการประชุม'], 'นายประธาน ทดสอบ');
  assert.equal(detail['ผู้ประสานงาน'], 'นางประสาน งานดี โทร 0899999999');
  // its edit form says the day at once with another field's error too
  const before = sql(`SELECT MIN(start_at) FROM oss_bookings WHERE request_id = ${id}`);
  const bad = await citizen.postMultipart(`/oss/edit/31/${id}`, roomFields({ phone: '12', start_date: lastYearCe, end_date: lastYearCe }), {}, { json: true });
  assert.equal(bad.status, 422);
  assert.ok(bad.json.form.errors.phone, JSON.stringify(bad.json.form.errors));
  assert.match(bad.json.form.errors.start_date || '', /เป็นวันที่ผ่านมาแล้ว กรุณาตรวจสอบปีที่กรอก/);
  assert.equal(sql(`SELECT MIN(start_at) FROM oss_bookings WHERE request_id = ${id}`), before);
  assert.match((await citizen.get(`/oss/requests/${id}`)).text, /นายประธาน ทดสอบ/);
  assert.equal(sql(`SELECT chairman || '|' || coordinator FROM oss_bookings WHERE request_id = ${id}`), 'นายประธาน ทดสอบ|นางประสาน งานดี โทร 0899999999');
  // the calendar: the area's staff see them, on the day's detail page too
  const staff = await officer.get(`/oss/rooms/${small}/calendar?month=${d.slice(0, 7)}`, { json: true });
  const row = staff.json.rows.find((x) => x.date === d);
  assert.equal(row.chairman, 'นายประธาน ทดสอบ');
  assert.equal(row.coordinator, 'นางประสาน งานดี โทร 0899999999');
  const dayPage = await officer.get(`/oss/rooms/${small}/calendar?day=${be(d)}`);
  assert.equal(dayPage.status, 200);
  assert.match(dayPage.text, /ประธาน: นายประธาน ทดสอบ/);
  assert.match(dayPage.text, /ผู้ประสานงาน: นางประสาน งานดี/);
  const badDay = await officer.get(`/oss/rooms/${small}/calendar?day=30/02/2570`, { json: true });
  assert.equal(badDay.status, 400);
  assert.match(badDay.json.error.message, /วว\/ดด\/ปปปป \(พ\.ศ\.\)/);
  const month = await officer.get(`/oss/rooms/${small}/calendar?month=${d.slice(0, 7)}`);
  assert.match(month.text, new RegExp(`href="/oss/rooms/${small}/calendar\\?day=${d}"`));
  // someone with no role in the area sees only that the time is taken …
  const cit = await citizen.get(`/oss/rooms/${small}/calendar?month=${d.slice(0, 7)}`, { json: true });
  const own = cit.json.rows.find((x) => x.date === d);
  assert.equal(own.mine, true); // … and his own booking in full
  assert.equal(own.chairman, 'นายประธาน ทดสอบ');
  const id2 = await book(teacher, { start_date: d, end_date: d, start_time: '13:00', end_time: '15:00', chairman: 'นายลับ เฉพาะ' });
  const cit2 = await citizen.get(`/oss/rooms/${small}/calendar?month=${d.slice(0, 7)}`, { json: true });
  const theirs = cit2.json.rows.find((x) => x.date === d && x.time_text.startsWith('13:00'));
  assert.equal(theirs.mine, false);
  assert.equal(theirs.chairman, undefined);
  assert.ok(!JSON.stringify(cit2.json).includes('นายลับ'));
  assert.ok(!(await citizen.get(`/oss/rooms/${small}/calendar?day=${d}`)).text.includes('นายลับ'));
  // the officers' export of room bookings carries them
  const csv = await officer.get('/oss/manage/list?service=31&format=csv');
  assert.equal(csv.status, 200);
  const rows = parseCsv(csv.text);
  const head = rows[0];
  for (const h of ['ห้องประชุม', 'วันที่ใช้ห้อง', 'เวลา', 'ประธานการประชุม', 'ผู้ประสานงาน']) assert.ok(head.includes(h), h);
  const mine = rows.find((r) => r.includes('นายลับ เฉพาะ'));
  assert.ok(mine, 'the teacher\'s booking is in the export');
  assert.equal(mine[head.indexOf('ห้องประชุม')], 'ห้องทดสอบเล็ก');
  assert.equal(mine[head.indexOf('เวลา')], '13:00–15:00 น.');
  // another service's export has no booking columns
  const ids = parseCsv((await officer.get('/oss/manage/list?service=11&format=csv')).text)[0];
  assert.ok(!ids.includes('ประธานการประชุม'));
  assert.ok(id2 > 0);
});

test('free rooms: a date range searched over all of the area\'s rooms, page and JSON, each free room linked to a filled form', async () => {
  const d0 = day(50), d1 = day(52);
  await book(citizen, { room_id: String(small), start_date: day(51), end_date: day(51), start_time: '10:00', end_time: '11:00' });
  const q = (over = {}) => '/oss/rooms/free?' + new URLSearchParams({ area: String(areaId), start_date: be(d0), end_date: be(d1),
    start_time: '09:00', end_time: '12:00', attendees: '5', ...over });
  const r = await citizen.get(q(), { json: true });
  assert.equal(r.status, 200);
  const s = r.json.rooms.find((x) => x.id === small), b = r.json.rooms.find((x) => x.id === big);
  assert.equal(s.free, false);
  assert.match(s.taken_text, /10:00–11:00 น\./);
  assert.equal(b.free, true);
  assert.equal(r.json.free_count, r.json.rooms.filter((x) => x.free).length);
  assert.match(r.json.when_text, /3 วัน/);
  // every active room of the area, and no other area's
  const active = num(`SELECT COUNT(*) FROM oss_rooms WHERE area_id = ${areaId} AND active = 1`);
  assert.equal(r.json.rooms.length, active);
  // the free room's link opens the booking form with the search filled in
  const form = await citizen.get(b.book_url, { json: true });
  assert.equal(form.status, 200);
  assert.equal(form.json.form.values.room_id, String(big));
  assert.equal(form.json.form.values.start_date, be(d0));
  assert.equal(form.json.form.values.end_time, '12:00');
  // too many for the small room: not free, though no booking is in the way
  const many = await citizen.get(q({ start_date: be(d1), end_date: be(d1), attendees: '20' }), { json: true });
  const s2 = many.json.rooms.find((x) => x.id === small);
  assert.equal(s2.free, false);
  assert.equal(s2.fits, false);
  assert.equal(s2.taken_text, null);
  // hours that miss the booking: free
  const after = await citizen.get(q({ start_time: '11:00', end_time: '12:00' }), { json: true });
  assert.equal(after.json.rooms.find((x) => x.id === small).free, true);
  // the page
  const html = await citizen.get(q());
  assert.equal(html.status, 200);
  assert.match(html.text, /ห้องทดสอบใหญ่[\s\S]*?ว่าง[\s\S]*?จองห้องนี้/);
  assert.match(html.text, /value="5"/);
  // bad input: a clear Thai message naming what to fix, what was typed kept
  for (const [over, re] of [
    [{ end_date: be(day(49)) }, /วันที่สิ้นสุด.*ต้องไม่ก่อน/],
    [{ start_time: '12:00', end_time: '09:00' }, /เวลาสิ้นสุดต้องหลังเวลาเริ่มต้น/],
    [{ start_date: '31/02/2570' }, /วว\/ดด\/ปปปป/],
    [{ start_date: be(day(-3)), end_date: be(day(-3)) }, /ผ่านมาแล้ว/],
    // a CE year typed (read as CE, a past year): the message says how it
    // was read, in พ.ศ. and ค.ศ., and this year's (computed, not fixed)
    [{ start_date: lastYearCe, end_date: lastYearCe }, new RegExp(`ค\\.ศ\\. ${ceYear - 1}\\) เป็นวันที่ผ่านมาแล้ว.*ปีนี้คือ พ\\.ศ\\. ${ceYear + 543} \\(ค\\.ศ\\. ${ceYear}\\)`)],
    [{ attendees: 'สิบ' }, /จำนวนผู้เข้าร่วมประชุม/],
    [{ area: '999999' }, /สำนักงานเขตพื้นที่/],
  ]) {
    const bad = await citizen.get(q(over), { json: true });
    assert.equal(bad.status, 400, JSON.stringify(over));
    assert.match(bad.json.error, re);
  }
  const badHtml = await citizen.get(q({ attendees: 'สิบ' }));
  assert.match(badHtml.text, /value="สิบ"/);
  // signed-in users only; a first visit asks, without an error
  assert.equal((await server.client().get(q())).status, 303);
  const blank = await citizen.get('/oss/rooms/free', { json: true });
  assert.equal(blank.status, 200);
  assert.equal(blank.json.asked, false);
});

test('badge: an approver sees the waiting room requests on every page; anyone else sees no entry', async () => {
  const home = await officer.get('/');
  assert.equal(navBadge(home.text), pendingSql());
  assert.equal(navBadge((await officer.get('/account')).text), pendingSql());
  await book(citizen, { start_date: day(60), end_date: day(60) });
  assert.equal(navBadge((await officer.get('/oss')).text), pendingSql());
  for (const c of [citizen, teacher, admin]) assert.equal(navBadge((await c.get('/oss')).text), null);
  // an officer without the room service is no approver: no entry
  const grants = (await admin.get('/oss/admin/officers', { json: true })).json.rows;
  const g31 = grants.find((x) => x.service === '31' && x.email && x.email.startsWith('officer'));
  assert.equal((await admin.post(g31.remove_url, {})).status, 303);
  assert.equal(navBadge((await officer.get('/oss')).text), null);
  assert.equal((await officer.get('/oss/rooms/approve')).status, 403);
  assert.equal((await admin.post('/oss/admin/officers', { login: 'officer', service: '31' })).status, 303);
  assert.equal(navBadge((await officer.get('/oss')).text), pendingSql());
});

test('bulk approval: ticked requests approved at once; a stale tick 409, an overlap with an approved booking refused, the rest kept', async () => {
  const d = day(70);
  const a = await book(citizen, { room_id: String(big), start_date: d, end_date: d, start_time: '08:00', end_time: '09:00' });
  const b = await book(teacher, { room_id: String(big), start_date: d, end_date: d, start_time: '09:00', end_time: '10:00' });
  const c = await book(citizen, { room_id: String(big), start_date: d, end_date: d, start_time: '13:00', end_time: '14:00' });
  const page = await officer.get('/oss/rooms/approve', { json: true });
  assert.equal(page.status, 200);
  const pick = (id) => page.json.rows.find((x) => x.id === id).pick;
  const row = page.json.rows.find((x) => x.id === a);
  assert.equal(row.room_name, 'ห้องทดสอบใหญ่');
  assert.match(row.when_text, /08:00–09:00 น\./);
  assert.equal(row.chairman, 'นายประเสริฐ บุญมา รอง ผอ.สพป.');
  const html = await officer.get('/oss/rooms/approve');
  assert.match(html.text, new RegExp(`name="pick" value="${a}:\\d+"`));
  const badge0 = navBadge(html.text);
  // nothing ticked: the list again with the reason, nothing stored
  const none = await officer.post('/oss/rooms/approve', {}, { json: true });
  assert.equal(none.status, 422);
  assert.match(JSON.stringify(none.json), /กรุณาเลือกคำขอที่จะอนุมัติ/);
  // two approved at once, with their history and the applicant's mail
  const ok = await officer.post('/oss/rooms/approve', { pick: [pick(a), pick(b), pick(a)], message: 'อนุมัติแล้ว เชิญใช้ห้องได้' });
  assert.equal(ok.status, 303);
  assert.equal(num(`SELECT COUNT(*) FROM oss_requests WHERE id IN (${a}, ${b}) AND status = 'completed'`), 2);
  assert.equal(num(`SELECT COUNT(*) FROM oss_bookings WHERE request_id IN (${a}, ${b}) AND status = 'completed'`), 2);
  assert.equal(num(`SELECT COUNT(*) FROM oss_history WHERE request_id IN (${a}, ${b}) AND to_status = 'completed' AND message = 'อนุมัติแล้ว เชิญใช้ห้องได้'`), 2);
  assert.equal(navBadge((await officer.get('/oss')).text), badge0 - 2);
  // c is edited by its applicant after the officer's page was shown: its
  // old tick is refused (409), while another good tick is approved
  const e = await book(teacher, { room_id: String(big), start_date: d, end_date: d, start_time: '15:00', end_time: '16:00' });
  const page2 = await officer.get('/oss/rooms/approve', { json: true });
  const pick2 = (id) => page2.json.rows.find((x) => x.id === id).pick;
  const edit = await citizen.postMultipart(`/oss/edit/31/${c}`, roomFields({ room_id: String(big), start_date: d, end_date: d, start_time: '13:00', end_time: '14:30' }), {}, { json: true });
  assert.equal(edit.status, 200, edit.text.slice(0, 300));
  const stale = await officer.post('/oss/rooms/approve', { pick: [pick2(c), pick2(e)] }, { json: true });
  assert.equal(stale.status, 409);
  assert.match(stale.json.refused[String(c)], /ถูกแก้ไขเมื่อ .* หลังจากที่คุณเปิดหน้านี้/);
  assert.deepEqual(stale.json.approved, [e]);
  assert.equal(sql(`SELECT status FROM oss_requests WHERE id = ${c}`), 'submitted');
  assert.equal(sql(`SELECT status FROM oss_requests WHERE id = ${e}`), 'completed');
  const again = stale.json.rows.find((x) => x.id === c);
  assert.match(again.refused, /ถูกแก้ไข/);
  const staleHtml = await officer.post('/oss/rooms/approve', { pick: [pick2(c)] });
  assert.equal(staleHtml.status, 409);
  assert.match(staleHtml.text, /ไม่อนุมัติ/);
  // a booking whose time overlaps an approved one (rows that came another
  // way than the form, which never lets them clash) is refused, named
  const [s0, e0] = sql(`SELECT start_at || '|' || end_at FROM oss_bookings WHERE request_id = ${a}`).split('|');
  sql(`UPDATE oss_bookings SET start_at = ${Number(s0) + 1800}, end_at = ${Number(e0) + 1800} WHERE request_id = ${c}`);
  const fresh = (await officer.get('/oss/rooms/approve', { json: true })).json.rows.find((x) => x.id === c).pick;
  const clash = await officer.post('/oss/rooms/approve', { pick: fresh }, { json: true });
  assert.equal(clash.status, 409);
  const code = sql(`SELECT code FROM oss_requests WHERE id = ${a}`);
  assert.match(clash.json.refused[String(c)], new RegExp(`ช่วงเวลาทับกับการจองที่อนุมัติแล้ว \\(รหัส ${code} .*08:00–09:00 น\\.\\)`));
  assert.equal(sql(`SELECT status FROM oss_requests WHERE id = ${c}`), 'submitted');
  // only approvers of the room service
  assert.equal((await teacher.get('/oss/rooms/approve')).status, 403);
  assert.equal((await citizen.post('/oss/rooms/approve', { pick: fresh })).status, 403);
  assert.equal(sql(`SELECT status FROM oss_requests WHERE id = ${c}`), 'submitted');
  // a made-up tick is refused at the field
  const bad = await officer.post('/oss/rooms/approve', { pick: 'abc' }, { json: true });
  assert.equal(bad.status, 422);
});

test('usage report: a BE year per room and month, page, CSV and XLSX', async () => {
  const d = day(45);
  const id = await book(citizen, { room_id: String(big), start_date: d, end_date: day(46), start_time: '13:00', end_time: '15:30' });
  assert.ok(id > 0);
  const y = Number(d.slice(0, 4)), m = Number(d.slice(5, 7));
  const expect = num(`SELECT COUNT(*) FROM oss_bookings WHERE room_id = ${big} AND start_at >= ${Date.UTC(y, m - 1, 1) / 1000 - 7 * 3600} ` +
    `AND start_at < ${Date.UTC(y, m, 1) / 1000 - 7 * 3600}`);
  const r = await officer.get(`/oss/rooms/usage?year=${y + 543}`, { json: true });
  assert.equal(r.status, 200);
  assert.equal(r.json.year, y + 543);
  const room = r.json.rows.find((x) => x.id === big);
  assert.equal(room.months[m - 1].count, expect);
  assert.ok(expect >= 1);
  assert.equal(room.total, room.months.reduce((s, x) => s + x.count, 0));
  assert.equal(r.json.total, r.json.rows.reduce((s, x) => s + x.total, 0));
  const html = await officer.get(`/oss/rooms/usage?year=${y + 543}`);
  assert.match(html.text, /ห้องทดสอบใหญ่/);
  assert.match(html.text, /ชม\. 30 นาที|ชม\./);
  // the CSV: a row per room, a column per month
  const csv = await officer.get(`/oss/rooms/usage?year=${y + 543}&format=csv`);
  assert.equal(csv.status, 200);
  assert.match(csv.headers.get('content-disposition'), /attachment/);
  const rows = parseCsv(csv.text);
  assert.equal(rows[0].length, 16);
  const line = rows.find((x) => x[0] === 'ห้องทดสอบใหญ่');
  assert.equal(Number(line[2 + m - 1]), expect);
  assert.equal(rows.length - 1, r.json.rows.length);
  const xlsx = await officer.get(`/oss/rooms/usage?year=${y + 543}&format=xlsx`);
  assert.equal(xlsx.status, 200);
  const zip = unzip(Buffer.from(await (await fetch(server.base + `/oss/rooms/usage?year=${y + 543}&format=xlsx`, { headers: { cookie: officer.cookieHeader() } })).arrayBuffer()));
  const shared = Object.entries(zip).filter(([k]) => k.startsWith('xl/')).map(([, v]) => v).join('\n');
  assert.match(shared, /ห้องทดสอบใหญ่/);
  // linked from the officers' dashboard and the area admin's rooms page
  assert.match((await officer.get('/oss/manage')).text, /href="\/oss\/rooms\/usage"/);
  assert.match((await admin.get('/oss/admin/rooms')).text, /href="\/oss\/rooms\/usage"/);
  // the area admin runs it too; a school's staff and the public may not
  assert.equal((await admin.get(`/oss/rooms/usage?year=${y + 543}`)).status, 200);
  assert.equal((await teacher.get('/oss/rooms/usage')).status, 403);
  // a CE year, a bad one, a bad format: a Thai message saying what to give
  for (const [q, re] of [['year=2026', /พ\.ศ\./], ['year=25x9', /พ\.ศ\./], ['year=2569&format=pdf', /csv หรือ xlsx/]]) {
    const bad = await officer.get(`/oss/rooms/usage?${q}`, { json: true });
    assert.equal(bad.status, 400, q);
    assert.match(bad.json.error.message, re);
  }
});

test('faults: bulk approval with its N-th database call failing is answered in Thai and stores nothing, until it succeeds', async () => {
  const d = day(80);
  const a = await book(citizen, { room_id: String(big), start_date: d, end_date: d, start_time: '08:00', end_time: '09:00' });
  const b = await book(teacher, { room_id: String(big), start_date: d, end_date: d, start_time: '10:00', end_time: '11:00' });
  const rows = (await officer.get('/oss/rooms/approve', { json: true })).json.rows;
  const picks = [a, b].map((id) => rows.find((x) => x.id === id).pick);
  const before = await testState(officer);
  const faults = await faultWalk(officer, 'db', (headers) => officer.post('/oss/rooms/approve', { pick: picks }, { headers }));
  assert.ok(faults >= 6, `only ${faults} database calls`);
  assert.equal(num(`SELECT COUNT(*) FROM oss_requests WHERE id IN (${a}, ${b}) AND status = 'completed'`), 2);
  assert.notDeepEqual(await testState(officer), before);
});
