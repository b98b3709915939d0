// oss_life: the whole life of a request of each of the six services through
// the real binary, on SQLite and (KHET_TEST_PG) PostgreSQL, with the mail
// read from a real SMTP server (aiosmtpd, tests/http/smtp.mjs): submit →
// the officer returns it with a note → the applicant edits → the officer
// sets it in progress → completes it with a file → the applicant downloads
// the file and the PDF; the applicant hears of every status change. A room
// booking's edit that clashes with another booking is refused naming the
// time, one that keeps its own slot is not. Then: the applicant's and an
// officer's cancel, refusals that change nothing (editing a completed or an
// in-progress request, the cancel page of a closed one), the room calendar,
// pager links, the export's row limit, and an officer whose grant is
// revoked (no more mail, no more pages).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { startServer, files, engine } from './lib.mjs';
import { startSmtp } from './smtp.mjs';

const DEMO_PW = 'khet-demo-2567';
let server, smtp, admin, officer, citizen, teacher, areaId, roomId;

const sql = (q) => server.sql(q);

async function signedIn(login) {
  const c = server.client();
  await c.get('/signin');
  const r = await c.post('/signin', { login, password: DEMO_PW });
  assert.equal(r.status, 303, `sign in ${login}: ${r.status}`);
  return c;
}

// GET as bytes (the client's get() decodes text).
async function bytes(c, path) {
  const res = await fetch(server.base + path, { headers: { cookie: c.cookieHeader() }, redirect: 'manual' });
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}

// A Bangkok date offset days from today, as <input type=date> sends it.
function day(offset) {
  return new Date(Date.now() + 7 * 3600e3 + offset * 86400e3).toISOString().slice(0, 10);
}

const pdf = (name = 'เอกสาร.pdf') => ({ data: files.pdf(), filename: name, type: 'application/pdf' });
const png = () => ({ data: files.png(), filename: 'slip.png', type: 'image/png' });
const person = { title: 'นาย', first_name: 'ประชา', last_name: 'ตลอดสาย', phone: '0810000009' };

// Each service: its form, its attachments, an edit (a field changed) and
// how to see that the edit was stored.
const services = () => [
  {
    code: '11',
    fields: {
      area_id: String(areaId), ...person, birth_date: '1985-05-12', nationality: 'ไทย', blood_group: 'O',
      address_registered: '1 หมู่ 2 ตำบลในเมือง', address_contact: 'เดียวกับทะเบียนบ้าน', work_unit: 'โรงเรียนบ้านหนองบัว',
      position: 'ครู', rank: 'ชำนาญการ', official_type: 'teacher',
    },
    files: { id_card: pdf() },
    edit: { position: 'ครูชำนาญการพิเศษ' },
    check: (data) => assert.equal(data.position, 'ครูชำนาญการพิเศษ'),
  },
  {
    code: '12',
    fields: {
      area_id: String(areaId), ...person, official_type: 'teacher', work_unit: 'โรงเรียนบ้านหนองบัว', position: 'ครู',
      salary: '25000', cert_kind: 'รับรองเงินเดือน', purpose: 'กู้เงินธนาคาร',
    },
    files: { id_card: pdf(), pay_slip: png() },
    edit: { salary: '26500.50' },
    check: (data) => assert.equal(data.salary, 2650050),
  },
  {
    code: '21',
    fields: { area_id: String(areaId), ...person, email: 'citizen@example.org', pledged: 'no' },
    files: { id_card: pdf() },
    edit: { pledged: 'yes' },
    check: (data) => assert.equal(data.pledged, 'yes'),
  },
  {
    code: '31',
    fields: {
      area_id: String(areaId), ...person, agency: 'กลุ่มนิเทศ', attendees: '5', room_id: String(roomId),
      purpose: 'ประชุมประจำเดือน', start_date: day(60), end_date: day(60), start_time: '09:00', end_time: '11:00',
    },
    files: { letter: pdf() },
    edit: { purpose: 'ประชุมวางแผนงบประมาณ', attendees: '6' },
    check: (data) => { assert.equal(data.purpose, 'ประชุมวางแผนงบประมาณ'); assert.equal(data.attendees, 6); },
  },
  {
    code: '32',
    fields: { area_id: String(areaId), ...person, visitor: 'คณะครูโรงเรียนบ้านหนองบัว', subject: 'ขอคำปรึกษา', date: day(30), time: '10:00' },
    files: {},
    edit: { subject: 'ขอคำปรึกษาเรื่องหลักสูตร' },
    check: (data) => assert.equal(data.subject, 'ขอคำปรึกษาเรื่องหลักสูตร'),
  },
  {
    code: '41',
    fields: { area_id: String(areaId), ...person, school: 'โรงเรียนบ้านหนองบัว', pp1_p: '2', pp3_p: '10', pp1_b: '0', pp2_b: '', pp3_b: '' },
    files: { purchase_letter: pdf() },
    edit: { pp1_p: '3' },
    // 3 × 160 + 10 × 5 = 530 baht, shipping 3.5 % = 18.55 → at least 25
    check: (data) => { assert.equal(data.subtotal, 53000); assert.equal(data.shipping, 2500); assert.equal(data.total, 55500); },
  },
];

async function submitOk(c, service, fields, attach) {
  const r = await c.postMultipart(`/oss/new/${service}`, fields, attach, { json: true });
  assert.equal(r.status, 200, `submit ${service}: ${r.status} ${r.text.slice(0, 400)}`);
  const id = Number(r.json.location.match(/^\/oss\/requests\/(\d+)$/)[1]);
  return (await c.get(`/oss/requests/${id}`, { json: true })).json;
}

// The stored row and history of a request, to show a refusal changed nothing.
const snapshot = (id) => sql(`SELECT status || '|' || data || '|' || note || '|' || status_at || '|' || updated_at || '|' ||
  (SELECT COUNT(*) FROM oss_history WHERE request_id = ${id}) || '|' || (SELECT COUNT(*) FROM oss_files WHERE request_id = ${id})
  FROM oss_requests WHERE id = ${id}`);

const mailFor = (to, code, what) => (m) => m.to.includes(to) && m.subject.includes(code) && m.subject.includes(what);

before(async () => {
  smtp = await startSmtp();
  server = await startServer({ env: { KHET_SMTP_URL: smtp.url, KHET_BASE_URL: 'https://khet.example.go.th' } });
  [admin, officer, citizen, teacher] = await Promise.all(['areaadmin1', 'officer', 'citizen', 'teacher'].map(signedIn));
  areaId = (await admin.get('/oss/admin', { json: true })).json.area.id;
  // khet demo assigns the demo officer to every service
  const assigned = (await admin.get('/oss/admin/officers', { json: true })).json.rows;
  for (const s of ['11', '12', '21', '31', '32', '41'])
    assert.ok(assigned.some((r) => r.service === s && /@/.test(r.email ?? '')), `officer of ${s}`);
  assert.equal((await admin.post('/oss/admin/rooms', { name: 'ห้องประชุมใหญ่ชั้นสอง', capacity: '20', active: '1' })).status, 303);
  roomId = (await admin.get('/oss/admin/rooms', { json: true })).json.rows.find((x) => x.name === 'ห้องประชุมใหญ่ชั้นสอง').id;
});
after(async () => {
  const exit = await server?.stop();
  await smtp?.stop();
  assert.doesNotMatch(server?.log() ?? '', /Sanitizer|runtime error/);
  assert.equal(exit?.code ?? 0, 0);
});

test('life: each of the six services from submission to a completed request with a file, mail at every step', async () => {
  // another person's booking the same day, 13:00–15:00, for the clash below
  const other = await submitOk(teacher, '31', { ...services()[3].fields, start_time: '13:00', end_time: '15:00' }, { letter: pdf() });
  assert.equal(other.status, 'submitted');
  for (const svc of services()) {
    const req = await submitOk(citizen, svc.code, svc.fields, svc.files);
    const { id, code } = req;
    assert.equal(req.status, 'submitted', svc.code);
    await smtp.waitFor(mailFor('citizen@example.org', code, 'ได้รับคำร้อง'));
    await smtp.waitFor(mailFor('officer@example.org', code, 'คำร้องใหม่'));
    const url = `/oss/manage/requests/${id}`;

    // the officer returns it with a note
    assert.equal((await officer.postMultipart(url, { status: 'returned', message: `แก้ไขข้อมูลบริการ ${svc.code}` }, {})).status, 303);
    const ret = await smtp.waitFor(mailFor('citizen@example.org', code, 'เจ้าหน้าที่ส่งให้แก้ไขข้อมูล'));
    assert.match(ret.text, new RegExp(`ข้อความจากเจ้าหน้าที่: แก้ไขข้อมูลบริการ ${svc.code}`));

    if (svc.code === '31') {
      // an edit onto the other booking's time: 409 naming its time, nothing changed
      const before = snapshot(id);
      const clash = await citizen.postMultipart(`/oss/edit/31/${id}`, { ...svc.fields, start_time: '12:00', end_time: '14:00' }, {}, { json: true });
      assert.equal(clash.status, 409, clash.text.slice(0, 300));
      assert.match(clash.json.form.errors.start_date, /ห้องนี้ถูกจองแล้วในช่วง .*13:00–15:00 น\./);
      assert.equal(snapshot(id), before);
      // keeping its own slot is no clash with itself
    }
    const edit = await citizen.postMultipart(`/oss/edit/${svc.code}/${id}`, { ...svc.fields, ...svc.edit }, {}, { json: true });
    assert.equal(edit.status, 200, `${svc.code}: ${edit.text.slice(0, 300)}`);
    let v = (await citizen.get(`/oss/requests/${id}`, { json: true })).json;
    assert.equal(v.status, 'resubmitted', svc.code);
    // what is stored (the page's JSON keeps only what its HTML prints: a
    // salary in satang is personal, core/personal.h, and the page prints its text)
    svc.check(JSON.parse(sql(`SELECT data FROM oss_requests WHERE id = ${id}`)));
    // the officers hear of it, the applicant gets a confirmation
    await smtp.waitFor(mailFor('officer@example.org', code, 'ส่งข้อมูลแก้ไขไปยังเจ้าหน้าที่'));
    const conf = await smtp.waitFor(mailFor('citizen@example.org', code, 'ส่งข้อมูลแก้ไขไปยังเจ้าหน้าที่'));
    assert.match(conf.text, /ท่านได้ส่งข้อมูลที่แก้ไขแล้วไปยังเจ้าหน้าที่/);

    assert.equal((await officer.postMultipart(url, { status: 'in_progress' }, {})).status, 303);
    await smtp.waitFor(mailFor('citizen@example.org', code, 'เจ้าหน้าที่กำลังดำเนินการ'));

    assert.equal((await officer.postMultipart(url, { status: 'completed', message: 'เรียบร้อยแล้ว' }, { file: pdf(`ผล-${svc.code}.pdf`) })).status, 303);
    const done = await smtp.waitFor(mailFor('citizen@example.org', code, 'ดำเนินการเรียบร้อย'));
    assert.match(done.text, /เจ้าหน้าที่แนบไฟล์ให้ท่าน/);
    assert.ok(done.text.includes(`https://khet.example.go.th/oss/requests/${id}`));

    // the applicant downloads the officer's file and the PDF
    v = (await citizen.get(`/oss/requests/${id}`, { json: true })).json;
    assert.equal(v.status, 'completed');
    assert.equal(v.result_file.name, `ผล-${svc.code}.pdf`);
    const file = await bytes(citizen, v.result_file.url);
    assert.equal(file.status, 200);
    assert.equal(file.headers.get('content-type'), 'application/pdf');
    assert.equal(file.body.toString('latin1', 0, 5), '%PDF-');
    const doc = await bytes(citizen, v.pdf_url);
    assert.equal(doc.status, 200, svc.code);
    assert.equal(doc.headers.get('content-type'), 'application/pdf');
    assert.equal(doc.body.toString('latin1', 0, 5), '%PDF-');
    assert.deepEqual(v.history.map((h) => h.to_status), ['submitted', 'returned', 'resubmitted', 'in_progress', 'completed'], svc.code);
    assert.equal(v.history[1].message, `แก้ไขข้อมูลบริการ ${svc.code}`);

    // one mail to the applicant per step: receipt, returned, his resubmission, in progress, completed
    const mine = (await smtp.messages()).filter((m) => m.to.includes('citizen@example.org') && m.subject.includes(code));
    assert.equal(mine.length, 5, `${svc.code}: ${mine.map((m) => m.subject).join(' / ')}`);
    assert.ok(mine.every((m) => m.defects === 0));
  }
  // a completed booking keeps its slot: the other booking is still there too
  assert.equal(Number(sql(`SELECT COUNT(*) FROM oss_bookings WHERE room_id = ${roomId}`)), 2);
});

test('cancel: by the applicant (he gets a confirmation) and by an officer (the applicant gets the reason)', async () => {
  const fields = services()[4].fields;
  const a = await submitOk(citizen, '32', fields, {});
  assert.equal((await citizen.post(`/oss/requests/${a.id}/cancel`, { reason: 'ติดภารกิจ' })).status, 303);
  const conf = await smtp.waitFor(mailFor('citizen@example.org', a.code, 'ยกเลิกคำร้อง'));
  assert.match(conf.text, /ท่านได้ยกเลิกคำร้องนี้แล้ว/);
  assert.match(conf.text, /เหตุผลที่ท่านแจ้ง: ติดภารกิจ/);
  assert.doesNotMatch(conf.text, /ข้อความจากเจ้าหน้าที่/);
  const toOfficer = await smtp.waitFor(mailFor('officer@example.org', a.code, 'ยกเลิกคำร้อง'));
  assert.match(toOfficer.text, /ผู้ยื่นยกเลิกคำร้อง/);
  // the cancel page of a cancelled request: 409 with the reason, GET as POST
  const again = await citizen.get(`/oss/requests/${a.id}/cancel`, { json: true });
  assert.equal(again.status, 409);
  assert.match(again.json.error.message, /ยกเลิกคำร้องไม่ได้/);

  const b = await submitOk(citizen, '32', fields, {});
  const noReason = await officer.postMultipart(`/oss/manage/requests/${b.id}`, { status: 'cancelled', message: '' }, {}, { json: true });
  assert.equal(noReason.status, 422);
  assert.equal((await officer.postMultipart(`/oss/manage/requests/${b.id}`, { status: 'cancelled', message: 'ผู้บริหารติดราชการต่างจังหวัด' }, {})).status, 303);
  const told = await smtp.waitFor(mailFor('citizen@example.org', b.code, 'ยกเลิกคำร้อง'));
  assert.match(told.text, /ข้อความจากเจ้าหน้าที่: ผู้บริหารติดราชการต่างจังหวัด/);
  assert.doesNotMatch(told.text, /ท่านได้ยกเลิก/);
});

test('refusals change nothing: editing in progress or completed, the cancel page of a completed request', async () => {
  const svc = services()[0];
  const r = await submitOk(citizen, '11', svc.fields, svc.files);
  const url = `/oss/manage/requests/${r.id}`;
  // while still submitted an edit keeps when the status was set
  const at = sql(`SELECT status_at FROM oss_requests WHERE id = ${r.id}`);
  await new Promise((res) => setTimeout(res, 1100));
  assert.equal((await citizen.postMultipart(`/oss/edit/11/${r.id}`, { ...svc.fields, position: 'ครูผู้ช่วย' }, {}, { json: true })).status, 200);
  assert.equal(sql(`SELECT status || ' ' || status_at FROM oss_requests WHERE id = ${r.id}`), `submitted ${at}`);

  assert.equal((await officer.postMultipart(url, { status: 'in_progress' }, {})).status, 303);
  let before = snapshot(r.id);
  const late = await citizen.postMultipart(`/oss/edit/11/${r.id}`, { ...svc.fields, position: 'ผู้อำนวยการ' }, { id_card: pdf() }, { json: true });
  assert.equal(late.status, 409);
  assert.match(late.json.error.message, /แก้ไขคำร้องไม่ได้ เพราะเจ้าหน้าที่กำลังดำเนินการ/);
  assert.equal(snapshot(r.id), before);
  const v = (await citizen.get(`/oss/requests/${r.id}`, { json: true })).json;
  assert.equal(v.data.position, 'ครูผู้ช่วย');
  assert.deepEqual(v.history.map((h) => h.to_status), ['submitted', 'submitted', 'in_progress']);

  assert.equal((await officer.postMultipart(url, { status: 'completed' }, {})).status, 303);
  before = snapshot(r.id);
  const closed = await citizen.postMultipart(`/oss/edit/11/${r.id}`, { ...svc.fields, position: 'ผู้อำนวยการ' }, { id_card: pdf() }, { json: true });
  assert.equal(closed.status, 409);
  assert.match(closed.json.error.message, /แก้ไขคำร้องไม่ได้ เพราะคำร้องนี้ดำเนินการเรียบร้อยแล้ว/);
  assert.equal((await citizen.get(`/oss/requests/${r.id}/edit`)).status, 409);
  const cancelPage = await citizen.get(`/oss/requests/${r.id}/cancel`, { json: true });
  assert.equal(cancelPage.status, 409);
  assert.match(cancelPage.json.error.message, /ดำเนินการเรียบร้อยแล้ว/);
  assert.equal(snapshot(r.id), before);
});

test('calendar: a room\'s bookings of a month, no one else\'s data, the own booking marked', async () => {
  const d = day(75);
  const month = d.slice(0, 7);
  const f = services()[3].fields;
  const mine = await submitOk(citizen, '31', { ...f, start_date: d, end_date: d, start_time: '08:30', end_time: '10:00', purpose: 'ลับเฉพาะ' }, { letter: pdf() });
  await submitOk(teacher, '31', { ...f, start_date: d, end_date: d, start_time: '13:00', end_time: '16:00', agency: 'หน่วยงานลับ' }, { letter: pdf() });
  const cal = await citizen.get(`/oss/rooms/${roomId}/calendar?month=${month}`, { json: true });
  assert.equal(cal.status, 200);
  const rows = cal.json.rows.filter((x) => x.date === d);
  assert.equal(rows.length, 2);
  assert.deepEqual(rows.map((x) => x.time_text), ['08:30–10:00 น.', '13:00–16:00 น.']);
  assert.ok(rows.every((x) => x.service_name === 'จองห้องประชุม' && x.status_label === 'ส่งคำร้องไปยังเจ้าหน้าที่'));
  assert.equal(rows[0].mine, true);
  assert.equal(rows[0].url, `/oss/requests/${mine.id}`);
  assert.equal(rows[1].mine, false);
  assert.equal(rows[1].url ?? null, null);
  // no applicant data at all, in the JSON or the page
  const text = JSON.stringify(cal.json);
  for (const secret of ['ประชา', 'ตลอดสาย', 'ลับเฉพาะ', 'หน่วยงานลับ', '0810000009']) assert.ok(!text.includes(secret), secret);
  const html = await teacher.get(`/oss/rooms/${roomId}/calendar?month=${month}`);
  assert.equal(html.status, 200);
  assert.match(html.text, /การจองของคุณ/);
  assert.match(html.text, /มีผู้จองแล้ว/);
  assert.ok(!html.text.includes(`/oss/requests/${mine.id}"`));
  // the month picker: previous and next months, also across a year
  assert.match(cal.json.prev_url, new RegExp(`/oss/rooms/${roomId}/calendar\\?month=\\d{4}-\\d{2}`));
  const jan = await citizen.get(`/oss/rooms/${roomId}/calendar?month=2027-01`, { json: true });
  assert.equal(jan.json.prev_url, `/oss/rooms/${roomId}/calendar?month=2026-12`);
  assert.equal(jan.json.next_url, `/oss/rooms/${roomId}/calendar?month=2027-02`);
  assert.equal(jan.json.month_text, 'มกราคม 2570');
  // the other month shows nothing of this day
  const next = await citizen.get(cal.json.next_url, { json: true });
  assert.ok(!next.json.rows.some((x) => x.date === d));
  // a cancelled booking leaves the calendar
  assert.equal((await citizen.post(`/oss/requests/${mine.id}/cancel`, {})).status, 303);
  const after = await citizen.get(`/oss/rooms/${roomId}/calendar?month=${month}`, { json: true });
  assert.equal(after.json.rows.filter((x) => x.date === d).length, 1);
  // bad input: a made-up month, an unknown room, a visitor
  const bad = await citizen.get(`/oss/rooms/${roomId}/calendar?month=2024-13`, { json: true });
  assert.equal(bad.status, 400);
  assert.match(bad.json.error.message, /เดือนไม่ถูกต้อง/);
  assert.equal((await citizen.get('/oss/rooms/999999/calendar')).status, 404);
  assert.notEqual((await server.client().get(`/oss/rooms/${roomId}/calendar`)).status, 200);
  // linked from the rooms settings and from the booking form
  assert.match((await admin.get('/oss/admin/rooms')).text, new RegExp(`href="/oss/rooms/${roomId}/calendar"`));
  assert.match((await citizen.get(`/oss/new/31?area=${areaId}`)).text, new RegExp(`href="/oss/rooms/${roomId}/calendar"`));
});

test('pager: links keep the filters and leave out the default page size', async () => {
  const f = services()[4].fields;
  for (let i = 0; i < 11; i++) await submitOk(teacher, '32', { ...f, subject: `นัดหมายที่ ${i}` }, {});
  const my = await teacher.get('/oss/my?service=32', { json: true });
  assert.ok(my.json.pages >= 2);
  assert.equal(my.json.next_url, '/oss/my?service=32&page=2');
  for (const p of my.json.pager.filter((x) => x.url)) assert.doesNotMatch(p.url, /per_page/);
  const sized = await teacher.get('/oss/my?service=32&per_page=25', { json: true });
  assert.ok(sized.json.pager.every((p) => !p.url || /per_page=25/.test(p.url)));
  const list = await officer.get('/oss/manage/list?service=32', { json: true });
  assert.equal(list.status, 200);
  assert.ok(list.json.next_url);
  assert.doesNotMatch(list.json.next_url, /per_page/);
  assert.doesNotMatch(list.json.csv_url, /per_page/);
  // the list shows each applicant's name without reading the data
  assert.ok(list.json.rows.some((x) => x.applicant_name === 'นายประชา ตลอดสาย'));
  assert.equal(list.json.export_cut, null);
});

test('export: more rows than a file holds — the page says so and the file ends saying where it stopped', async () => {
  // 100,001 requests of service 21 straight into the table (and its counter)
  const uid = sql("SELECT id FROM users WHERE username = 'teacher'");
  const n = 100001, t = 1700000000;
  if (engine === 'postgres') {
    sql(`INSERT INTO oss_requests (code, area_id, service, applicant_id, status, data, note, created_at, updated_at, status_at, queued_at, search, applicant_name)
      SELECT '21' || lpad(CAST(g AS TEXT), 14, '0'), ${areaId}, '21', ${uid}, 'completed', '{}', '', ${t} + g, ${t} + g, ${t} + g, ${t} + g, '', 'นายส่งออก มากมาย'
      FROM generate_series(1, ${n}) AS g`);
  } else {
    sql(`WITH RECURSIVE g(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM g WHERE x < ${n})
      INSERT INTO oss_requests (code, area_id, service, applicant_id, status, data, note, created_at, updated_at, status_at, queued_at, search, applicant_name)
      SELECT '21' || printf('%014d', x), ${areaId}, '21', ${uid}, 'completed', '{}', '', ${t} + x, ${t} + x, ${t} + x, ${t} + x, '', 'นายส่งออก มากมาย' FROM g`);
  }
  sql(`INSERT INTO oss_counts (area_id, service, ym, status, n) VALUES (${areaId}, '21', 202311, 'completed', ${n})`);
  const page = await officer.get('/oss/manage/list?service=21', { json: true });
  assert.equal(page.status, 200);
  assert.match(page.json.export_cut, /ไม่เกิน 100,000 รายการแรก/);
  assert.match((await officer.get('/oss/manage/list?service=21')).text, /ไม่เกิน 100,000 รายการแรก/);
  const csv = await officer.get('/oss/manage/list?service=21&format=csv');
  assert.equal(csv.status, 200);
  const lines = csv.text.trim().split(/\r?\n/);
  assert.equal(lines.length, 1 + 100000 + 1); // header, rows, the note
  assert.match(lines.at(-1), /ไฟล์นี้มีเพียง 100,000 รายการแรกตามตัวกรอง/);
  // a filter that fits: no note
  const few = await officer.get('/oss/manage/list?service=21&status=resubmitted&format=csv');
  assert.doesNotMatch(few.text, /ไฟล์นี้มีเพียง/);
  sql("DELETE FROM oss_requests WHERE service = '21' AND data = '{}'");
  sql(`DELETE FROM oss_counts WHERE area_id = ${areaId} AND service = '21' AND ym = 202311`);
});

test('files: officers completing one request at once — one wins, and only its file is kept', async () => {
  const f = services()[4].fields;
  const r = await submitOk(citizen, '32', f, {});
  const url = `/oss/manage/requests/${r.id}`;
  assert.equal((await officer.postMultipart(url, { status: 'in_progress' }, {})).status, 303);
  const tries = await Promise.all(Array.from({ length: 8 }, (_, i) =>
    officer.postMultipart(url, { status: 'completed', message: `ผลครั้งที่ ${i}` }, { file: pdf(`ผล-${i}.pdf`) }, { json: true })));
  const ok = tries.filter((t) => t.status === 200);
  assert.equal(ok.length, 1, tries.map((t) => t.status).join(','));
  assert.ok(tries.every((t) => t.status === 200 || t.status === 409), tries.map((t) => t.status).join(','));
  // one result row, and in the data folder exactly the one file it names
  const rows = sql(`SELECT path FROM oss_files WHERE request_id = ${r.id} AND slot = 'result'`).split('\n').filter(Boolean);
  assert.equal(rows.length, 1);
  const dir = `${server.dir}/files/oss/${r.id}`;
  const onDisk = existsSync(dir) ? readdirSync(dir).filter((x) => x.startsWith('result-')) : [];
  assert.deepEqual(onDisk.map((x) => `files/oss/${r.id}/${x}`), rows);
  // the refused step of a cancelled request keeps no file either
  const c = await submitOk(citizen, '32', f, {});
  assert.equal((await citizen.post(`/oss/requests/${c.id}/cancel`, {})).status, 303);
  const late = await officer.postMultipart(`/oss/manage/requests/${c.id}/message`, { letter: 'แนบผล' }, { letter_file: pdf() }, { json: true });
  assert.equal(late.status, 409);
  assert.ok(!existsSync(`${server.dir}/files/oss/${c.id}`));
  assert.equal(sql(`SELECT COUNT(*) FROM oss_files WHERE request_id = ${c.id}`), '0');
});

// last: it takes the demo officer's role away
test('revoked: an officer whose grant is revoked gets no more mail and no more pages', async () => {
  const svc = services()[4];
  const r = await submitOk(citizen, '32', svc.fields, {});
  await smtp.waitFor(mailFor('officer@example.org', r.code, 'คำร้องใหม่'));
  assert.equal((await officer.get(`/oss/manage/requests/${r.id}`)).status, 200);
  sql("UPDATE grants SET revoked_at = 1 WHERE role = 'officer' AND user_id = (SELECT id FROM users WHERE username = 'officer')");
  const s = await submitOk(citizen, '32', svc.fields, {});
  await smtp.waitFor(mailFor('citizen@example.org', s.code, 'ได้รับคำร้อง'));
  await new Promise((res) => setTimeout(res, 1500));
  const toOfficer = (await smtp.messages()).filter((m) => m.to.includes('officer@example.org') && m.subject.includes(s.code));
  assert.equal(toOfficer.length, 0);
  for (const p of [`/oss/manage/requests/${s.id}`, '/oss/manage/list?service=32', `/oss/requests/${s.id}`, `/oss/requests/${s.id}/pdf`])
    assert.ok([403, 404].includes((await officer.get(p)).status), p);
  const act = await officer.postMultipart(`/oss/manage/requests/${s.id}`, { status: 'in_progress' }, {}, { json: true });
  assert.ok([403, 404].includes(act.status));
  assert.equal(sql(`SELECT status FROM oss_requests WHERE id = ${s.id}`), 'submitted');
  // the revoked grant was the assignment: the officers page shows the same truth
  const rows = (await admin.get('/oss/admin/officers', { json: true })).json.rows;
  assert.ok(!rows.some((x) => x.service === '32' && x.name.includes('บริการ')));
});
