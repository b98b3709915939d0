// dpa: the personnel registry (DPA-1 … DPA-3) through the real binary — the
// demo's staff (15–60 a school, some incomplete, one pending transfer), a
// school's list with "recorded N / incomplete M" and IDs and salaries
// masked, the full record's read audited, adding by citizen ID (a new
// record; a person of another school offered the transfer instead), the
// transfer asked, approved by the other school and the record moved with
// its history, refused with a reason the requester sees, two decisions at
// once (one wins), the area's queue with the 7-day flag (test clock
// X-Khet-Test-Now), removal with reason and date, the retirement list, a
// stale save, and the bad inputs of issue 13 each refused with nothing
// stored. Each test makes the people it needs.
// Demo sign-ins: schooladmin (first school of area 3502), schooladmin2
// (second school), areaadmin1 (area 3502), areaadmin2 (area 6201).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, AddressClient, ipSequence, citizenId, parseCsv, unzip } from './lib.mjs';

const PW = 'khet-demo-2567';
let server, s1, s2, area, area2, admin1, admin2, areaAdmin, areaAdmin2;

const nextIp = ipSequence('10.60');
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
const newId = () => citizenId('29' + String(Date.now() % 1e6).padStart(6, '0') + String(++seq).padStart(4, '0'));

const person = (over = {}) => ({
  citizen_id: newId(), title: 'นาง', first_name: 'สุภาพร', last_name: 'ทะเบียนดี', birth_date: '04/03/2518',
  type: 'teacher', position: 'teacher', position_no: '4411', standing: 'senior', salary: '45120',
  appointed_on: '17/05/2542', arrived_on: '16/05/2558', education: 'ค.บ. (ภาษาไทย)', subject: 'ภาษาไทย',
  phone: '0812345678', email: '', ...over,
});

async function add(c, school, over = {}) {
  const f = person(over);
  const r = await c.post(`/dpa/schools/${school}/new`, f);
  assert.equal(r.status, 303, `add: ${r.status} ${r.text.slice(0, 600)}`);
  return { id: Number(r.headers.get('location').split('/').pop()), ...f };
}

before(async () => {
  server = await startServer({ args: ['--trust-proxy'] });
  area = Number(sql("SELECT id FROM areas WHERE code = '3502'"));
  area2 = Number(sql("SELECT id FROM areas WHERE code = '6201'"));
  s1 = Number(sql(`SELECT id FROM schools WHERE area_id = ${area} ORDER BY obec_code LIMIT 1`));
  s2 = Number(sql(`SELECT id FROM schools WHERE area_id = ${area} ORDER BY obec_code LIMIT 1 OFFSET 1`));
  admin1 = await as('schooladmin');
  admin2 = await as('schooladmin2');
  areaAdmin = await as('areaadmin1');
  areaAdmin2 = await as('areaadmin2');
});
after(async () => { await server?.stop(); });

test('the demo: 15–60 staff in each demo school, some incomplete, one pending transfer', async () => {
  const per = sql(`SELECT COUNT(*) FROM dpa_staff WHERE status = 'active' GROUP BY school_id`).split('\n').map(Number);
  assert.ok(per.length >= 30, `schools with staff: ${per.length}`);
  assert.ok(per.every((n) => n >= 15 && n <= 60), `per school: ${per.join(',')}`);
  assert.ok(count('SELECT COUNT(*) FROM dpa_staff WHERE missing > 0') > 0, 'some incomplete');
  assert.equal(count("SELECT COUNT(*) FROM dpa_transfers WHERE status = 'pending'"), 1);
});

test('the school list: recorded N / incomplete M, IDs and salaries masked; the full record audited', async () => {
  const home = await admin1.get('/dpa');
  assert.equal(home.status, 303);
  assert.equal(home.headers.get('location'), `/dpa/schools/${s1}`);
  const p = await admin1.post(`/dpa/schools/${s1}/new`, person({ salary: '' }));
  assert.equal(p.status, 303);
  const r = await admin1.get(`/dpa/schools/${s1}`, { json: true });
  assert.equal(r.status, 200);
  assert.equal(r.json.recorded, count(`SELECT COUNT(*) FROM dpa_staff WHERE school_id = ${s1} AND status = 'active'`));
  assert.equal(r.json.incomplete,
    count(`SELECT COUNT(*) FROM dpa_staff WHERE school_id = ${s1} AND status = 'active' AND missing > 0`));
  assert.ok(r.json.incomplete >= 1);
  const text = JSON.stringify(r.json.rows);
  for (const cid of sql(`SELECT citizen_id FROM dpa_staff WHERE school_id = ${s1}`).split('\n'))
    assert.ok(!text.includes(cid), 'no whole citizen ID in the list');
  assert.ok(!/"salary"/.test(text), 'no salary in the list');
  assert.match(r.json.rows[0].cid_masked, /^\d-\d{4}-xxxxx-xx-\d$/);
  const inc = await admin1.get(`/dpa/schools/${s1}?incomplete=1`, { json: true });
  assert.equal(inc.json.total, r.json.incomplete);
  assert.ok(inc.json.rows.every((x) => x.missing > 0));
  const html = await admin1.get(`/dpa/schools/${s1}`);
  assert.match(html.text, new RegExp(`บันทึกแล้ว ${r.json.recorded} คน`));
  assert.match(html.text, new RegExp(`ข้อมูลไม่ครบ ${r.json.incomplete} คน`));
  const l = await add(admin1, s1);
  const before = count(`SELECT COUNT(*) FROM audit WHERE action = 'personal.read' AND target_type = 'dpa_staff' AND target_id = ${l.id}`);
  const full = await admin1.get(`/dpa/staff/${l.id}`, { json: true });
  assert.equal(full.status, 200);
  assert.equal(full.json.staff.citizen_id, l.citizen_id);
  // the salary in satang is personal as a number too (core/personal.c):
  // the page prints only its text, so its JSON carries only that
  assert.equal(full.json.staff.salary, undefined);
  assert.equal(count(`SELECT COUNT(*) FROM audit WHERE action = 'personal.read' AND target_type = 'dpa_staff' AND target_id = ${l.id}`), before + 1);
  // "salary" is a personal key (core/personal.c): the record's page shows it
  // on purpose, so its JSON keeps what the page prints, and the read is audited
  assert.equal(full.json.staff.salary_text, '45,120.00');
  assert.equal(full.json.edit_form.values.salary, '45120', 'the edit form prints it');
  const staffHtml = await admin1.get(`/dpa/staff/${l.id}`);
  assert.ok(staffHtml.text.includes('45,120.00 บาท'), 'the page shows the salary');
  assert.equal(count(`SELECT COUNT(*) FROM audit WHERE action = 'personal.read' AND target_type = 'dpa_staff' AND target_id = ${l.id}`), before + 2);
  const found = await admin1.get(`/dpa/schools/${s1}?q=${l.citizen_id}`, { json: true });
  assert.deepEqual(found.json.rows.map((x) => x.id), [l.id]);
  // a complete record reads "ครบ" in the list and has no "incomplete"
  // notice on its page; an incomplete one says what it lacks ("ขาด 0
  // รายการ" and "ข้อมูลยังไม่ครบ 0 รายการ:" before: the template took
  // the number 0 for true; acceptance walk of issue 13)
  assert.equal(count(`SELECT missing FROM dpa_staff WHERE id = ${l.id}`), 0, 'the added person is complete');
  const row = (await admin1.get(`/dpa/schools/${s1}?q=${l.citizen_id}`)).text;
  assert.doesNotMatch(row, /ขาด 0 รายการ/);
  assert.match(row, /<td>ครบ<\/td>/);
  const page = (await admin1.get(`/dpa/staff/${l.id}`)).text;
  assert.doesNotMatch(page, /ข้อมูลยังไม่ครบ/);
  const lacking = Number(sql(`SELECT id FROM dpa_staff WHERE school_id = ${s1} AND status = 'active' AND missing > 0 ORDER BY id LIMIT 1`));
  const lp = (await admin1.get(`/dpa/staff/${lacking}`)).text;
  assert.match(lp, new RegExp(`ข้อมูลยังไม่ครบ ${count(`SELECT missing FROM dpa_staff WHERE id = ${lacking}`)} รายการ: [^<]+`));
});

test('add by citizen ID: not found goes to the form, the form stores the record', async () => {
  const cid = newId();
  const r = await admin1.post(`/dpa/schools/${s1}/add`, { citizen_id: cid });
  assert.equal(r.status, 303);
  assert.equal(r.headers.get('location'), `/dpa/schools/${s1}/new?citizen_id=${cid}`);
  const form = await admin1.get(r.headers.get('location'));
  assert.equal(form.status, 200);
  assert.match(form.text, new RegExp(`value="${cid}"`));
  const l = await add(admin1, s1, { citizen_id: cid });
  assert.equal(count(`SELECT COUNT(*) FROM dpa_staff WHERE citizen_id = '${cid}' AND school_id = ${s1}`), 1);
  assert.equal(count(`SELECT COUNT(*) FROM dpa_staff_events WHERE staff_id = ${l.id} AND kind = 'add'`), 1);
  const again = await admin1.post(`/dpa/schools/${s1}/add`, { citizen_id: cid }, { json: true });
  assert.equal(again.status, 409);
  assert.match(again.json.form.errors.citizen_id, /อยู่ในหน่วยงานนี้แล้ว/);
});

test('bad input: check digit, salary negative or over 200,000, dates, nothing stored', async () => {
  const n = count('SELECT COUNT(*) FROM dpa_staff');
  const cases = [
    [{ citizen_id: '1234567890123' }, 'citizen_id', /เลขประจำตัวประชาชน|ตรวจสอบ/],
    [{ salary: '-100' }, 'salary', /ติดลบ/],
    [{ salary: '200000.01' }, 'salary', /200,000/],
    [{ arrived_on: '01/01/2530' }, 'arrived_on', /ไม่ก่อนวันบรรจุ/],
    [{ birth_date: '01/01/2570' }, 'birth_date', /อนาคต|18 ปี/],
    [{ type: 'astronaut' }, 'type', /ไม่มีในรายการ/],
  ];
  for (const [over, field, re] of cases) {
    const f = person(over);
    const r = await admin1.post(`/dpa/schools/${s1}/new`, f, { json: true });
    assert.equal(r.status, 422, `${field}: ${r.status}`);
    assert.match(r.json.form.errors[field], re, field);
    assert.equal(r.json.form.values[field], f[field], `${field} shown as typed`);
    const page = await admin1.post(`/dpa/schools/${s1}/new`, f);
    assert.match(page.text, /role="alert"|field-error|aria-invalid/);
  }
  const bad = await admin1.post(`/dpa/schools/${s1}/add`, { citizen_id: '1234567890123' }, { json: true });
  assert.equal(bad.status, 422);
  assert.equal(count('SELECT COUNT(*) FROM dpa_staff'), n);
});

test('a school admin acting on another school\'s staff is answered 404, nothing changes', async () => {
  const l = await add(admin2, s2);
  for (const [path, body] of [[`/dpa/staff/${l.id}/edit`, person({ citizen_id: undefined, first_name: 'แฮก' })],
    [`/dpa/staff/${l.id}/remove`, { reason: 'resigned', removed_on: '01/11/2569' }]]) {
    const r = await admin1.post(path, body);
    assert.equal(r.status, 404, path);
  }
  assert.equal((await admin1.get(`/dpa/staff/${l.id}`)).status, 404);
  assert.equal((await admin1.get(`/dpa/schools/${s2}`)).status, 404);
  assert.equal((await admin1.post(`/dpa/schools/${s2}/new`, person())).status, 404);
  assert.equal(sql(`SELECT first_name || status FROM dpa_staff WHERE id = ${l.id}`), 'สุภาพรactive');
});

test('a person of another school: offered the transfer; asked, approved by that school, moved with history', async () => {
  const l = await add(admin2, s2, { first_name: 'ย้ายได้' });
  const offer = await admin1.post(`/dpa/schools/${s1}/add`, { citizen_id: l.citizen_id }, { json: true });
  assert.equal(offer.status, 200);
  assert.equal(offer.json.offer_transfer, true);
  assert.match(offer.json.found_at, /\S/);
  // the page names the unit, then a space ("…เขต 2แล้ว" before), and its
  // note goes to the unit of origin, a school or the area office
  const offerPage = await admin1.post(`/dpa/schools/${s1}/add`, { citizen_id: l.citizen_id });
  assert.match(offerPage.text, new RegExp(`มีข้อมูลอยู่ที่${offer.json.found_at} แล้ว`));
  assert.match(offerPage.text, /หมายเหตุถึงหน่วยงานต้นทาง/);
  const asNew = await admin1.post(`/dpa/schools/${s1}/new`, person({ citizen_id: l.citizen_id }), { json: true });
  assert.equal(asNew.status, 409);
  assert.equal(asNew.json.offer_transfer, true);
  assert.match(asNew.json.form.errors.citizen_id, /ขอย้าย/);
  assert.equal(count(`SELECT COUNT(*) FROM dpa_staff WHERE citizen_id = '${l.citizen_id}'`), 1);
  const req = await admin1.post(`/dpa/schools/${s1}/transfers`, { citizen_id: l.citizen_id, note: 'ย้ายตามคำสั่ง' });
  assert.equal(req.status, 303);
  const tid = Number(sql(`SELECT id FROM dpa_transfers WHERE staff_id = ${l.id} AND status = 'pending'`));
  // a second request for a person being transferred
  const twice = await admin1.post(`/dpa/schools/${s1}/transfers`, { citizen_id: l.citizen_id }, { json: true });
  assert.equal(twice.status, 409);
  assert.match(twice.json.form.errors.citizen_id, /ระหว่างการขอย้าย/);
  // the other school sees it in its queue, the requester cannot decide it
  const q = await admin2.get(`/dpa/schools/${s2}/transfers`, { json: true });
  assert.ok(q.json.incoming.some((t) => t.id === tid));
  assert.equal((await admin1.post(`/dpa/transfers/${tid}/approve`, {})).status, 404);
  // an area admin of another area may not approve it
  assert.equal((await areaAdmin2.post(`/dpa/transfers/${tid}/approve`, {})).status, 404);
  assert.equal(sql(`SELECT status FROM dpa_transfers WHERE id = ${tid}`), 'pending');
  const ok = await admin2.post(`/dpa/transfers/${tid}/approve`, {});
  assert.equal(ok.status, 303);
  assert.equal(count(`SELECT school_id FROM dpa_staff WHERE id = ${l.id}`), s1);
  assert.equal(count(`SELECT COUNT(*) FROM dpa_staff_events WHERE staff_id = ${l.id}`), 2);
  const rec = await admin1.get(`/dpa/staff/${l.id}`, { json: true });
  assert.equal(rec.status, 200);
  assert.deepEqual(rec.json.events.map((e) => e.kind), ['add', 'transfer']);
  assert.equal((await admin2.get(`/dpa/staff/${l.id}`)).status, 404, 'the old school no longer sees him');
  assert.match(sql(`SELECT subject FROM outbox WHERE to_addr = (SELECT email FROM users WHERE username = 'schooladmin') ORDER BY id DESC LIMIT 1`), /ย้ายได้.*อนุมัติ/);
  assert.ok(count(`SELECT COUNT(*) FROM audit WHERE action = 'dpa.transfer.approve' AND target_id = ${tid}`) === 1);
});

test('refused with a reason the requester sees; a refusal without one is refused', async () => {
  const l = await add(admin2, s2);
  await admin1.post(`/dpa/schools/${s1}/transfers`, { citizen_id: l.citizen_id });
  const tid = Number(sql(`SELECT id FROM dpa_transfers WHERE staff_id = ${l.id} AND status = 'pending'`));
  const noReason = await admin2.post(`/dpa/transfers/${tid}/refuse`, { decision_note: '' }, { json: true });
  assert.equal(noReason.status, 422);
  assert.match(noReason.json.error.message, /เหตุผล/);
  assert.equal(sql(`SELECT status FROM dpa_transfers WHERE id = ${tid}`), 'pending');
  const r = await areaAdmin.post(`/dpa/transfers/${tid}/refuse`, { decision_note: 'ยังไม่ครบวาระ 2 ปี' });
  assert.equal(r.status, 303);
  const mine = await admin1.get(`/dpa/schools/${s1}/transfers`, { json: true });
  const t = mine.json.outgoing.find((x) => x.id === tid);
  assert.equal(t.status, 'refused');
  assert.equal(t.decision_note, 'ยังไม่ครบวาระ 2 ปี');
  // and by e-mail, with the reason
  const mail = sql(`SELECT subject || '|' || body FROM outbox WHERE to_addr = (SELECT email FROM users WHERE username = 'schooladmin') ORDER BY id DESC LIMIT 1`);
  assert.match(mail, /ไม่อนุมัติ/);
  assert.match(mail, /ยังไม่ครบวาระ 2 ปี/);
  assert.equal(count(`SELECT school_id FROM dpa_staff WHERE id = ${l.id}`), s2);
});

test('two decisions at once: one wins, the other is 409', async () => {
  const l = await add(admin2, s2);
  await admin1.post(`/dpa/schools/${s1}/transfers`, { citizen_id: l.citizen_id });
  const tid = Number(sql(`SELECT id FROM dpa_transfers WHERE staff_id = ${l.id} AND status = 'pending'`));
  const [a, b] = await Promise.all([
    admin2.post(`/dpa/transfers/${tid}/approve`, {}),
    areaAdmin.post(`/dpa/transfers/${tid}/refuse`, { decision_note: 'ไม่อนุมัติ' }),
  ]);
  assert.deepEqual([a.status, b.status].sort(), [303, 409]);
  const st = sql(`SELECT status FROM dpa_transfers WHERE id = ${tid}`);
  assert.equal(count(`SELECT school_id FROM dpa_staff WHERE id = ${l.id}`), st === 'approved' ? s1 : s2);
});

test('the area queue flags a request unanswered for 7 days', async () => {
  const l = await add(admin2, s2);
  await admin1.post(`/dpa/schools/${s1}/transfers`, { citizen_id: l.citizen_id });
  const tid = Number(sql(`SELECT id FROM dpa_transfers WHERE staff_id = ${l.id} AND status = 'pending'`));
  const at = Number(sql(`SELECT requested_at FROM dpa_transfers WHERE id = ${tid}`));
  const now = await areaAdmin.get(`/dpa/areas/${area}/transfers`, { json: true, headers: { 'X-Khet-Test-Now': String(at + 6 * 86400) } });
  assert.equal(now.json.pending.find((t) => t.id === tid).flagged, false);
  // none flagged: no "there are requests waiting over 7 days: 0" warning (a 0 count is not an empty section)
  const fresh = await areaAdmin.get(`/dpa/areas/${area}/transfers`, { json: true, headers: { 'X-Khet-Test-Now': String(at) } });
  assert.equal(fresh.json.flagged, 0);
  const calm = await areaAdmin.get(`/dpa/areas/${area}/transfers`, { headers: { 'X-Khet-Test-Now': String(at) } });
  assert.doesNotMatch(calm.text, /ยังไม่พิจารณาเกิน 7 วัน/);
  const later = await areaAdmin.get(`/dpa/areas/${area}/transfers`, { json: true, headers: { 'X-Khet-Test-Now': String(at + 7 * 86400) } });
  assert.equal(later.json.pending.find((t) => t.id === tid).flagged, true);
  assert.ok(later.json.flagged >= 1);
  const page = await areaAdmin.get(`/dpa/areas/${area}/transfers`, { headers: { 'X-Khet-Test-Now': String(at + 8 * 86400) } });
  assert.match(page.text, /รอเกิน 7 วัน/);
  assert.match(page.text, /ยังไม่พิจารณาเกิน 7 วัน [1-9]\d* รายการ/);
  assert.equal((await areaAdmin2.get(`/dpa/areas/${area}/transfers`)).status, 404);
  assert.equal((await admin1.get(`/dpa/areas/${area}/transfers`)).status, 404);
  await admin1.post(`/dpa/transfers/${tid}/withdraw`, {});
  assert.equal(sql(`SELECT status FROM dpa_transfers WHERE id = ${tid}`), 'withdrawn');
});

test('removal with reason and date: out of the list, history stays; a date beyond this fiscal year refused', async () => {
  const l = await add(admin1, s1);
  const far = await admin1.post(`/dpa/staff/${l.id}/remove`, { reason: 'resigned', removed_on: '01/10/2600' }, { json: true });
  assert.equal(far.status, 422);
  assert.match(far.json.remove_form.errors.removed_on, /ปีงบประมาณ/);
  const noReason = await admin1.post(`/dpa/staff/${l.id}/remove`, { reason: '', removed_on: '01/11/2569' }, { json: true });
  assert.equal(noReason.status, 422);
  assert.equal(sql(`SELECT status FROM dpa_staff WHERE id = ${l.id}`), 'active');
  const before = (await admin1.get(`/dpa/schools/${s1}`, { json: true })).json.recorded;
  const r = await admin1.post(`/dpa/staff/${l.id}/remove`, { reason: 'resigned', removed_on: '01/11/2569' });
  assert.equal(r.status, 303);
  const after = await admin1.get(`/dpa/schools/${s1}?q=${l.citizen_id}`, { json: true });
  assert.equal(after.json.rows.length, 0);
  assert.equal(after.json.recorded, before - 1);
  const rec = await admin1.get(`/dpa/staff/${l.id}`, { json: true });
  assert.equal(rec.json.staff.status, 'removed');
  assert.equal(rec.json.staff.removed_reason_label, 'ลาออก');
  assert.equal(rec.json.staff.removed_on, '2026-11-01');
  assert.deepEqual(rec.json.events.map((e) => e.kind), ['add', 'remove']);
  // a removed person is added again, not asked for: the same record comes back
  const tr = await admin2.post(`/dpa/schools/${s2}/transfers`, { citizen_id: l.citizen_id }, { json: true });
  assert.equal(tr.status, 409);
  const back = await add(admin2, s2, { citizen_id: l.citizen_id });
  assert.equal(back.id, l.id);
});

test('retiring this fiscal year: the people who turn 60 in it (1 October and 2 October birthdays)', async () => {
  const now = Date.now() / 1000;
  const bkk = new Date((now + 7 * 3600) * 1000);
  const fy = bkk.getUTCMonth() >= 9 ? bkk.getUTCFullYear() + 1 : bkk.getUTCFullYear(); // CE year the fiscal year ends in
  const be = (y, m, d) => `${String(d).padStart(2, '0')}/${String(m).padStart(2, '0')}/${y + 543}`;
  const inYear = await add(admin1, s1, { birth_date: be(fy - 60, 5, 15), appointed_on: be(fy - 35, 5, 17), arrived_on: be(fy - 10, 5, 16), first_name: 'เกษียณปีนี้' });
  const dates = { appointed_on: be(fy - 35, 5, 17), arrived_on: be(fy - 10, 5, 16) };
  // 1 October (fy - 60): 60 complete on 30 September fy, this fiscal year's last day
  const oct1 = await add(admin1, s1, { birth_date: be(fy - 60, 10, 1), ...dates, first_name: 'หนึ่งตุลา' });
  // 2 October (fy - 61): 60 complete on 1 October (fy - 1), this fiscal year's first day
  const oct2 = await add(admin1, s1, { birth_date: be(fy - 61, 10, 2), ...dates, first_name: 'สองตุลา' });
  // 1 October (fy - 61): 60 complete on 30 September (fy - 1): retired last year
  const oct1prev = await add(admin1, s1, { birth_date: be(fy - 61, 10, 1), ...dates, first_name: 'หนึ่งตุลาปีก่อน' });
  const r = await admin1.get(`/dpa/schools/${s1}/retiring`, { json: true });
  assert.equal(r.status, 200);
  const ids = r.json.rows.map((x) => x.id);
  assert.ok(ids.includes(inYear.id));
  assert.ok(ids.includes(oct1.id), 'born 1 October: retires on 30 September of the year he turns 60');
  assert.ok(ids.includes(oct2.id), 'born 2 October a year earlier: turns 60 on 1 October, this fiscal year');
  assert.ok(!ids.includes(oct1prev.id), 'born 1 October a year earlier: retired last fiscal year');
  assert.equal(r.json.fiscal_year, fy + 543);
  const html = await admin1.get(`/dpa/schools/${s1}/retiring`);
  assert.match(html.text, new RegExp(`30 กันยายน ${fy + 543}`));
});

test('a save made from a stale copy is 409 with the form shown again', async () => {
  const l = await add(admin1, s1);
  const v = Number(sql(`SELECT version FROM dpa_staff WHERE id = ${l.id}`));
  const f = { ...person(), _version: String(v) };
  delete f.citizen_id;
  const one = await admin1.post(`/dpa/staff/${l.id}/edit`, { ...f, phone: '0811111111' });
  assert.equal(one.status, 303);
  const two = await areaAdmin.post(`/dpa/staff/${l.id}/edit`, { ...f, phone: '0822222222' }, { json: true });
  assert.equal(two.status, 409);
  assert.equal(sql(`SELECT phone FROM dpa_staff WHERE id = ${l.id}`), '0811111111');
});

test('the area: recorded and incomplete by school', async () => {
  const r = await areaAdmin.get(`/dpa/areas/${area}`, { json: true });
  assert.equal(r.status, 200);
  const row = r.json.schools.find((x) => x.school_id === s1);
  assert.equal(row.recorded, count(`SELECT COUNT(*) FROM dpa_staff WHERE school_id = ${s1} AND status = 'active'`));
  assert.equal(r.json.recorded, count(`SELECT COUNT(*) FROM dpa_staff WHERE area_id = ${area} AND status = 'active' AND school_id IS NOT NULL`));
  const types = r.json.types.map((t) => t.value);
  const teachers = row.by_type[types.indexOf('teacher')];
  assert.equal(teachers, count(`SELECT COUNT(*) FROM dpa_staff WHERE school_id = ${s1} AND status = 'active' AND type = 'teacher'`));
  assert.equal(row.by_type.reduce((a, n) => a + n, 0) + row.untyped, row.recorded);
  assert.equal((await areaAdmin2.get(`/dpa/areas/${area}`)).status, 404);
  const menu = await admin1.get('/');
  assert.match(menu.text, /ทะเบียนบุคลากร \(DPA\)/);
});

test('a search of only punctuation or spaces: a Thai notice at the box, which keeps what was typed, and the whole list under it', async () => {
  const all = await areaAdmin.get(`/dpa/areas/${area}`, { json: true });
  assert.equal(all.json.q_note, null, 'no search asked, no notice');
  for (const q of ['--', '...', ' - . ']) {
    const r = await areaAdmin.get(`/dpa/areas/${area}?q=${encodeURIComponent(q)}`);
    assert.equal(r.status, 200);
    // the notice at the search field, the field described by it, what was typed kept
    const field = r.text.slice(r.text.indexOf('<label for="q">'), r.text.indexOf('</div>', r.text.indexOf('<label for="q">')));
    assert.match(field, /<p class="field-note" id="q-note" role="status">คำค้นไม่มีตัวอักษรหรือตัวเลขให้ค้นหา/, q);
    assert.match(field, /aria-describedby="q-hint q-note"/);
    const esc = q.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    assert.match(field, new RegExp(`<input type="search" id="q" name="q" value="${esc}"`));
    // the whole list under it, the same as no search
    const j = await areaAdmin.get(`/dpa/areas/${area}?q=${encodeURIComponent(q)}`, { json: true });
    assert.match(j.json.q_note, /ไม่มีตัวอักษรหรือตัวเลข/);
    assert.equal(j.json.total, all.json.total);
    assert.deepEqual(j.json.schools.map((x) => x.school_id), all.json.schools.map((x) => x.school_id));
  }
  // a search with a letter or digit in it is a search: no notice
  const name = all.json.schools[0].name;
  const found = await areaAdmin.get(`/dpa/areas/${area}?q=${encodeURIComponent('-' + name + '-')}`, { json: true });
  assert.equal(found.json.q_note, null);
  assert.ok(found.json.schools.some((x) => x.name === name));
  assert.doesNotMatch((await areaAdmin.get(`/dpa/areas/${area}?q=${encodeURIComponent(name)}`)).text, /q-note/);
  // the school's staff list says the same
  const staff = await admin1.get(`/dpa/schools/${s1}`, { json: true });
  const st = await admin1.get(`/dpa/schools/${s1}?q=--`);
  assert.equal(st.status, 200);
  assert.match(st.text, /id="q-note" role="status">คำค้นไม่มีตัวอักษรหรือตัวเลขให้ค้นหา/);
  assert.equal((await admin1.get(`/dpa/schools/${s1}?q=--`, { json: true })).json.total, staff.json.total);
});

const bytes = async (c, path) => {
  const r = await fetch(server.base + path, { headers: { cookie: c.cookieHeader(), 'x-forwarded-for': c.ip } });
  return {
    status: r.status,
    type: r.headers.get('content-type'),
    file: decodeURIComponent(r.headers.get('content-disposition') || ''),
    body: Buffer.from(await r.arrayBuffer()),
  };
};

test('exports: the area table as CSV and XLSX, a school roster without IDs or salaries, the PDF roster for signing', async () => {
  const csv = await bytes(areaAdmin, `/dpa/areas/${area}/export?format=csv`);
  assert.equal(csv.status, 200);
  const rows = parseCsv(csv.body.toString('utf8').replace(/^\ufeff/, ''));
  assert.equal(rows[0][0], 'รหัสโรงเรียน');
  assert.ok(rows[0].includes('ข้าราชการครู'));
  const obec = sql(`SELECT obec_code FROM schools WHERE id = ${s1}`);
  const line = rows.find((x) => x[0] === obec);
  assert.equal(Number(line[2]), count(`SELECT COUNT(*) FROM dpa_staff WHERE school_id = ${s1} AND status = 'active'`));
  assert.match(csv.file, /บุคลากร .+\.csv/);
  const xlsx = await bytes(areaAdmin, `/dpa/areas/${area}/export?format=xlsx`);
  assert.equal(xlsx.status, 200);
  assert.match(xlsx.file, /บุคลากร .+\.xlsx/);
  assert.match(Object.values(unzip(xlsx.body)).join(''), /ข้าราชการครู/);
  assert.equal((await bytes(areaAdmin, `/dpa/areas/${area}/export?format=doc`)).status, 404);
  assert.equal((await bytes(areaAdmin2, `/dpa/areas/${area}/export?format=csv`)).status, 404);
  const roster = await bytes(admin1, `/dpa/schools/${s1}/export?format=csv`);
  assert.equal(roster.status, 200);
  const text = roster.body.toString('utf8');
  const people = sql(`SELECT citizen_id || '|' || COALESCE(salary, 0) FROM dpa_staff WHERE school_id = ${s1} AND status = 'active'`).split('\n');
  assert.equal(parseCsv(text.replace(/^\ufeff/, '')).length, people.length + 1);
  for (const p of people) assert.ok(!text.includes(p.split('|')[0]), 'no citizen ID in the export');
  assert.equal((await bytes(admin2, `/dpa/schools/${s1}/export?format=csv`)).status, 404);
  const pdf = await bytes(admin1, `/dpa/schools/${s1}/roster.pdf`);
  assert.equal(pdf.status, 200);
  // named like every export, with a BE date (walk5): never a bare Thai name with no date
  assert.match(pdf.file, /filename="dpa-roster-\d+-25\d{2}-\d{2}-\d{2}\.pdf"/);
  assert.match(pdf.file, /บัญชีรายชื่อบุคลากร .+-25\d{2}-\d{2}-\d{2}\.pdf$/);
  const schoolText = execFileSync('pdftotext', ['-', '-'], { input: pdf.body, encoding: 'utf8' }).replace(/\s+/g, '');
  // every surname whole on its line, never "แก้ว/มณี" or "อินทร์/แก้ว" (the
  // dictionary sees two words in it): a names column breaks only at spaces
  // (acceptance walk of issue 10); pdftotext puts a space before a
  // thanthakhat after a vowel above ("สิทธิ ์"), which is taken out
  const layoutText = execFileSync('pdftotext', ['-layout', '-', '-'], { input: pdf.body, encoding: 'utf8' })
    .replace(/ (?=[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e])/g, '');
  const surnames = sql(`SELECT last_name FROM dpa_staff WHERE school_id = ${s1} AND status = 'active'`).split('\n');
  assert.ok(surnames.some((n) => n === 'แก้วมณี' || n === 'อินทร์แก้ว' || n.length >= 7), 'a long surname to check');
  for (const n of surnames) assert.ok(layoutText.includes(n), `surname ${n} whole in the roster PDF`);
  assert.ok(schoolText.includes('ปฏิบัติงานจริงในสถานศึกษา') && schoolText.includes('ผู้อำนวยการสถานศึกษา'));
  assert.equal(pdf.type, 'application/pdf');
  assert.equal(pdf.body.subarray(0, 5).toString('latin1'), '%PDF-');
  assert.equal((await bytes(admin2, `/dpa/schools/${s1}/roster.pdf`)).status, 404);
});

test('data entered once (DPA-5): account and record linked by citizen ID; One Stop Service forms filled from the record', async () => {
  const teacher = await as('teacher');
  const cid = sql("SELECT citizen_id FROM users WHERE username = 'teacher'");
  const id = Number(sql(`SELECT id FROM dpa_staff WHERE citizen_id = '${cid}'`));
  assert.ok(id > 0, 'the demo teacher has a personnel record');
  const school = sql(`SELECT sc.name FROM dpa_staff s JOIN schools sc ON sc.id = s.school_id WHERE s.id = ${id}`);
  const acct = await teacher.get('/account', { json: true });
  assert.equal(acct.status, 200);
  const link = acct.json.person_links.find((l) => /DPA/.test(l.label));
  assert.ok(link, 'the account page names the record');
  assert.match(link.text, /ครู ชำนาญการ/);
  assert.ok(link.text.includes(school));
  const html = await teacher.get('/account');
  assert.match(html.text, /ทะเบียนบุคลากร \(DPA\)/);
  // the ID card's and the certificate's forms come filled from the record
  const card = await teacher.get('/oss/new/11', { json: true });
  assert.equal(card.status, 200);
  const v11 = card.json.form.values;
  assert.equal(v11.work_unit, school);
  assert.equal(v11.position, 'ครู');
  assert.equal(v11.rank, 'ชำนาญการ');
  const cert = await teacher.get('/oss/new/12', { json: true });
  const v12 = cert.json.form.values;
  assert.equal(v12.salary, '32530.00');
  assert.equal(v12.academic_standing, 'ชำนาญการ');
  assert.equal(v12.work_unit, school);
  // an edit of the record is what the next form shows
  const v = Number(sql(`SELECT version FROM dpa_staff WHERE id = ${id}`));
  const rec = (await admin1.get(`/dpa/staff/${id}`, { json: true })).json.staff;
  assert.equal(rec.account.username, 'teacher');
  const f = { ...person(), _version: String(v), title: rec.title, first_name: rec.first_name, last_name: rec.last_name,
    birth_date: sql(`SELECT birth_date FROM dpa_staff WHERE id = ${id}`), standing: 'senior', salary: '41000' };
  delete f.citizen_id;
  assert.equal((await admin1.post(`/dpa/staff/${id}/edit`, f)).status, 303);
  const again = (await teacher.get('/oss/new/12', { json: true })).json.form.values;
  assert.equal(again.salary, '41000.00');
  assert.equal(again.academic_standing, 'ชำนาญการพิเศษ');
  // a person without a record: nothing filled, no link
  const citizen = await as('citizen');
  assert.equal((await citizen.get('/account', { json: true })).json.person_links.length, 0);
  assert.ok(!(await citizen.get('/oss/new/11', { json: true })).json.form.values.work_unit);
  // a removed record no longer speaks for the person
  assert.equal((await admin1.post(`/dpa/staff/${id}/remove`, { reason: 'moved', removed_on: '01/11/2569' })).status, 303);
  assert.ok(!(await teacher.get('/oss/new/12', { json: true })).json.form.values.salary);
});

test('the area office keeps its own staff (no school); a school asks for one, the area approves', async () => {
  const r0 = await areaAdmin.post(`/dpa/areas/${area}/office/add`, { citizen_id: newId() });
  assert.equal(r0.status, 303);
  assert.match(r0.headers.get('location'), new RegExp(`^/dpa/areas/${area}/office/new\\?citizen_id=`));
  const f = person({ type: 'support', position: 'supervisor', first_name: 'นิเทศ' });
  const r = await areaAdmin.post(`/dpa/areas/${area}/office/new`, f);
  assert.equal(r.status, 303, r.text.slice(0, 300));
  const id = Number(r.headers.get('location').split('/').pop());
  assert.equal(sql(`SELECT COALESCE(school_id, 0) || '|' || area_id FROM dpa_staff WHERE id = ${id}`), `0|${area}`);
  const list = await areaAdmin.get(`/dpa/areas/${area}/office`, { json: true });
  assert.equal(list.status, 200);
  assert.ok(list.json.rows.some((x) => x.id === id));
  assert.equal(list.json.recorded, count(`SELECT COUNT(*) FROM dpa_staff WHERE school_id IS NULL AND area_id = ${area} AND status = 'active'`));
  assert.equal(list.json.school.office, true);
  // school roles do not see the office; another area's admin neither
  assert.equal((await admin1.get(`/dpa/areas/${area}/office`)).status, 404);
  assert.equal((await admin1.get(`/dpa/staff/${id}`)).status, 404);
  assert.equal((await areaAdmin2.get(`/dpa/areas/${area}/office`)).status, 404);
  assert.equal((await areaAdmin2.post(`/dpa/areas/${area}/office/new`, person())).status, 404);
  // the office cannot take a person another area's school holds: told to have him removed first
  const held = sql(`SELECT citizen_id FROM dpa_staff WHERE area_id = ${area2} AND school_id IS NOT NULL AND status = 'active' LIMIT 1`);
  const taken = await areaAdmin.post(`/dpa/areas/${area}/office/add`, { citizen_id: held }, { json: true });
  assert.equal(taken.status, 409);
  assert.match(taken.json.form.errors.citizen_id, /จำหน่าย/);
  // one of its own schools' people: offered the move into the office (issue 13)
  const own = sql(`SELECT citizen_id FROM dpa_staff WHERE school_id = ${s2} AND status = 'active' LIMIT 1`);
  const offered = await areaAdmin.post(`/dpa/areas/${area}/office/add`, { citizen_id: own }, { json: true });
  assert.equal(offered.status, 200);
  assert.equal(offered.json.offer_transfer, true);
  // a school asks for the office's person; the area decides, the record moves
  const offer = await admin1.post(`/dpa/schools/${s1}/add`, { citizen_id: f.citizen_id }, { json: true });
  assert.equal(offer.json.offer_transfer, true);
  assert.equal((await admin1.post(`/dpa/schools/${s1}/transfers`, { citizen_id: f.citizen_id })).status, 303);
  const tid = Number(sql(`SELECT id FROM dpa_transfers WHERE staff_id = ${id} AND status = 'pending'`));
  assert.ok((await areaAdmin.get(`/dpa/areas/${area}/transfers`, { json: true })).json.pending.some((t) => t.id === tid));
  assert.equal((await admin2.post(`/dpa/transfers/${tid}/approve`, {})).status, 404, 'no school holds him: the area decides');
  assert.equal((await areaAdmin.post(`/dpa/transfers/${tid}/approve`, {})).status, 303);
  assert.equal(count(`SELECT school_id FROM dpa_staff WHERE id = ${id}`), s1);
  const pdf = await bytes(areaAdmin, `/dpa/areas/${area}/office/roster.pdf`);
  assert.equal(pdf.status, 200);
  // named after the area (the office has no school id: not "dpa-roster-0"), BE-dated, with its Thai name
  assert.match(pdf.file, new RegExp(`filename="dpa-roster-office-${area}-25\\d{2}-\\d{2}-\\d{2}\\.pdf"`));
  assert.match(pdf.file, /UTF-8''บัญชีรายชื่อบุคลากร .+-25\d{2}-\d{2}-\d{2}\.pdf$/);
  // the office's roster names the office once and is certified by the
  // area's director, not "ผู้อำนวยการสถานศึกษา" (acceptance walk of issue 10)
  const officeText = execFileSync('pdftotext', ['-', '-'], { input: pdf.body, encoding: 'utf8' }).replace(/\s+/g, '');
  const areaName = sql(`SELECT name FROM areas WHERE id = ${area}`).replace(/\s+/g, '');
  assert.equal(officeText.split(areaName).length - 1, 1, 'the area office named once');
  assert.ok(officeText.includes('ปฏิบัติงานจริงในสำนักงานเขตพื้นที่การศึกษา'));
  assert.ok(!officeText.includes('สถานศึกษา'), 'no school wording on the office roster');
});

test('add a teacher, one flow (issue 13 item 5): from the personnel record to a new account with the teacher role; from the accounts page through the record to an existing account; another school refused', async () => {
  const teacherGrants = (cid) => count(`SELECT COUNT(*) FROM grants g JOIN users u ON u.id = g.user_id WHERE u.citizen_id = '${cid}' AND g.role = 'teacher' AND g.school_id = ${s1} AND g.revoked_at IS NULL`);
  // 1. from the personnel record: the record's page links to the accounts flow
  const p = await add(admin1, s1, { email: '' });
  const rec = await admin1.get(`/dpa/staff/${p.id}`);
  assert.equal(rec.status, 200);
  const link = rec.text.match(/href="(\/teachers\?citizen_id=\d{13})"/);
  assert.ok(link, 'the record links to "add a teacher"');
  assert.equal(link[1], `/teachers?citizen_id=${p.citizen_id}`);
  assert.doesNotMatch((await admin2.get(`/dpa/staff/${p.id}`)).text, /\/teachers\?citizen_id=/, 'not for another school');
  let page = await admin1.get(link[1], { json: true });
  assert.equal(page.status, 200);
  assert.equal(page.json.recorded, true);
  assert.equal(page.json.no_account, true);
  assert.equal(page.json.person_name, `${p.title}${p.first_name} ${p.last_name}`);
  // the record has no e-mail: one must be typed, at the field, nothing stored
  const users0 = count('SELECT COUNT(*) FROM users');
  let r = await admin1.post('/teachers', { citizen_id: p.citizen_id, email: '' }, { json: true });
  assert.equal(r.status, 422);
  assert.match(r.json.form.errors.email, /อีเมล/);
  // an e-mail of another account: refused at the field
  const taken = sql("SELECT email FROM users WHERE username = 'citizen'");
  r = await admin1.post('/teachers', { citizen_id: p.citizen_id, email: taken }, { json: true });
  assert.equal(r.status, 409);
  assert.match(r.json.form.errors.email, /อีเมลนี้เป็นอีเมลของบัญชีผู้ใช้อื่น/);
  assert.equal(r.json.form.values.email, taken);
  assert.equal(count('SELECT COUNT(*) FROM users'), users0, 'nothing stored');
  const email = `kru${p.citizen_id}@example.net`;
  r = await admin1.post('/teachers', { citizen_id: p.citizen_id, email });
  assert.equal(r.status, 303, r.text.slice(0, 400));
  assert.equal(count(`SELECT COUNT(*) FROM users WHERE citizen_id = '${p.citizen_id}' AND email = '${email}' AND status = 'active'`), 1);
  assert.equal(sql(`SELECT first_name || ' ' || last_name FROM users WHERE citizen_id = '${p.citizen_id}'`), `${p.first_name} ${p.last_name}`, 'the account from the record');
  assert.equal(teacherGrants(p.citizen_id), 1);
  assert.equal(count(`SELECT COUNT(*) FROM audit WHERE action = 'user.add' AND detail LIKE '%teacher%' AND target_id = (SELECT id FROM users WHERE citizen_id = '${p.citizen_id}')`), 1);
  // the record now shows the account, and the flow says the role is there
  assert.match((await admin1.get(`/dpa/staff/${p.id}`)).text, /<code>kru/);
  page = await admin1.get(link[1], { json: true });
  assert.equal(page.json.is_teacher, true);
  r = await admin1.post('/teachers', { citizen_id: p.citizen_id }, { json: true });
  assert.equal(r.status, 409, 'twice: refused');
  assert.equal(teacherGrants(p.citizen_id), 1);
  const list = await admin1.get('/teachers', { json: true });
  assert.ok(list.json.teachers.some((t) => t.name === `${p.title}${p.first_name} ${p.last_name}`), 'listed among the school\'s teachers');

  // 2. from the accounts page: a citizen ID not recorded → record it first
  const cid = sql("SELECT citizen_id FROM users WHERE username = 'citizen'");
  assert.equal(count(`SELECT COUNT(*) FROM dpa_staff WHERE citizen_id = '${cid}'`), 0, 'the demo citizen has no record');
  page = await admin1.get(`/teachers?citizen_id=${cid}`, { json: true });
  assert.equal(page.json.recorded, false);
  assert.match(page.json.not_recorded, /บันทึกข้อมูลบุคลากร/);
  assert.equal(page.json.add_href, `/dpa/schools/${s1}/new?citizen_id=${cid}`);
  r = await admin1.post('/teachers', { citizen_id: cid }, { json: true });
  assert.equal(r.status, 409);
  assert.match(r.json.form.errors.citizen_id, /ไม่พบบุคคลนี้ในทะเบียนบุคลากร/);
  assert.equal(teacherGrants(cid), 0);
  const form = await admin1.get(page.json.add_href);
  assert.equal(form.status, 200);
  assert.match(form.text, new RegExp(`value="${cid}"`), 'the record\'s form has the citizen ID');
  const citizenRec = await add(admin1, s1, { citizen_id: cid, email: '' });
  // a bad citizen ID in the lookup: a Thai message at the field
  const bad = await admin1.get('/teachers?citizen_id=1234567890123', { json: true });
  assert.equal(bad.status, 400);
  assert.ok(bad.json.lookup_error);
  // another school's admin: the person is not his school's, nothing stored
  r = await admin2.post('/teachers', { citizen_id: cid }, { json: true });
  assert.equal(r.status, 409);
  assert.match(r.json.form.errors.citizen_id, /หน่วยงานอื่น/);
  assert.equal(count(`SELECT COUNT(*) FROM grants g JOIN users u ON u.id = g.user_id WHERE u.citizen_id = '${cid}' AND g.role = 'teacher'`), 0);
  // not a school admin: refused
  assert.equal((await areaAdmin.get('/teachers')).status, 403);
  // the existing account gets the role; its e-mail stays
  page = await admin1.get(`/teachers?citizen_id=${cid}`, { json: true });
  assert.equal(page.json.can_grant, true);
  // typed with Thai digits (and dashes) on a Thai keyboard: the same person
  // (acceptance walk of issues 10 item 7 and 13: "ต้องเป็นตัวเลขเท่านั้น" before)
  const thai = [...cid].map((d) => String.fromCodePoint(0x0e50 + Number(d))).join('');
  const typed = await admin1.get(`/teachers?citizen_id=${encodeURIComponent(`${thai.slice(0, 1)}-${thai.slice(1, 5)}-${thai.slice(5)}`)}`, { json: true });
  assert.equal(typed.status, 200, JSON.stringify(typed.json?.lookup_error));
  assert.equal(typed.json.citizen_id, cid);
  assert.equal(typed.json.can_grant, true);
  r = await admin1.post('/teachers', { citizen_id: cid });
  assert.equal(r.status, 303, r.text.slice(0, 400));
  assert.equal(teacherGrants(cid), 1);
  assert.equal(sql(`SELECT email FROM users WHERE citizen_id = '${cid}'`), taken);
  assert.equal(count(`SELECT COUNT(*) FROM users WHERE citizen_id = '${cid}'`), 1, 'one person, one account');
  assert.equal(count(`SELECT COUNT(*) FROM grants g JOIN users u ON u.id = g.user_id WHERE u.citizen_id = '${cid}' AND g.role = 'teacher' AND g.granted_by = (SELECT id FROM users WHERE username = 'schooladmin')`), 1);
  assert.ok(citizenRec.id > 0);
});

test('into the area office and back (issue 13): the area takes a person of its school into the office at once; the school asks him back, the area approves; the history shows both', async () => {
  const p = await add(admin2, s2, {});
  const office = `/dpa/areas/${area}/office`;
  // a school role may not move people into the office; another area's admin neither
  assert.equal((await admin2.post(`${office}/transfers`, { citizen_id: p.citizen_id })).status, 404);
  assert.equal((await areaAdmin2.post(`${office}/transfers`, { citizen_id: p.citizen_id })).status, 404);
  // a pending transfer request for him: decided first
  assert.equal((await admin1.post(`/dpa/schools/${s1}/transfers`, { citizen_id: p.citizen_id })).status, 303);
  const tid = Number(sql(`SELECT id FROM dpa_transfers WHERE staff_id = ${p.id} AND status = 'pending'`));
  let r = await areaAdmin.post(`${office}/transfers`, { citizen_id: p.citizen_id }, { json: true });
  assert.equal(r.status, 409);
  assert.match(r.json.form.errors.citizen_id, /ระหว่างการขอย้าย/);
  assert.equal(count(`SELECT school_id FROM dpa_staff WHERE id = ${p.id}`), s2, 'nothing moved');
  assert.equal((await areaAdmin.post(`/dpa/transfers/${tid}/refuse`, { decision_note: 'ยังต้องสอนที่โรงเรียนเดิม' })).status, 303);
  // into the office: at once, with its history
  r = await areaAdmin.post(`${office}/transfers`, { citizen_id: p.citizen_id, note: 'ช่วยราชการ' });
  assert.equal(r.status, 303, r.text.slice(0, 400));
  assert.equal(r.headers.get('location'), `/dpa/staff/${p.id}`);
  assert.equal(sql(`SELECT COALESCE(school_id, 0) || '|' || area_id || '|' || status FROM dpa_staff WHERE id = ${p.id}`), `0|${area}|active`);
  assert.equal(count(`SELECT COUNT(*) FROM dpa_staff_events WHERE staff_id = ${p.id} AND kind = 'transfer' AND from_school_id = ${s2} AND to_school_id IS NULL`), 1);
  assert.equal(count(`SELECT COUNT(*) FROM audit WHERE action = 'dpa.transfer.office' AND target_id = ${p.id}`), 1);
  assert.ok((await areaAdmin.get(office, { json: true })).json.rows.some((x) => x.id === p.id), 'on the office\'s list');
  assert.equal((await admin2.get(`/dpa/staff/${p.id}`)).status, 404, 'no longer the school\'s');
  const again = await areaAdmin.post(`${office}/transfers`, { citizen_id: p.citizen_id }, { json: true });
  assert.equal(again.status, 409);
  // back to the school: the school asks, the area approves
  assert.equal((await admin2.post(`/dpa/schools/${s2}/transfers`, { citizen_id: p.citizen_id })).status, 303);
  const back = Number(sql(`SELECT id FROM dpa_transfers WHERE staff_id = ${p.id} AND status = 'pending'`));
  assert.equal((await areaAdmin.post(`/dpa/transfers/${back}/approve`, {})).status, 303);
  assert.equal(count(`SELECT school_id FROM dpa_staff WHERE id = ${p.id}`), s2);
  const page = await admin2.get(`/dpa/staff/${p.id}`, { json: true });
  const moves = page.json.events.filter((ev) => ev.kind === 'transfer').map((ev) => `${ev.from_name}→${ev.to_name}`);
  const s2name = sql(`SELECT name FROM schools WHERE id = ${s2}`);
  assert.deepEqual(moves, [`${s2name}→สำนักงานเขตพื้นที่`, `สำนักงานเขตพื้นที่→${s2name}`]);
});
