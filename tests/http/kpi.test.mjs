// kpi: KPI-Online (KPI-1 … KPI-8) through the real binary — the year
// picker, an indicator defined by the area admin, its periods opened and
// units assigned, a school's report saved, confirmed, reviewed and
// cancelled, the matrix, the statistics (signed-in and public, with Excel
// and PDF), and every bad input the issue names answered with a clear Thai
// message and nothing stored: scores out of range or not numbers, a report
// to a closed period or a hidden indicator, confirming with a file lacking
// its description, a school reporting for another school, removing a unit
// that has reported, closing a period that has reports, scoring an
// unconfirmed report, an eleventh file.
// Demo sign-ins (acc_demo): areaadmin1 (area 3502), schooladmin and teacher
// (its first school), schooladmin2 (its second school), areaadmin2 (another
// area) — password khet-demo-2567.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, engine, files, AddressClient, ipSequence, khet } from './lib.mjs';

const PW = 'khet-demo-2567';
const FY = 2568;
let server;

const nextIp = ipSequence('10.20');
class IpClient extends AddressClient {
  constructor(base) { super(base, nextIp()); }
}

const sql = (q) => server.sql(q);
const count = (q) => Number(sql(q));

async function as(login) {
  const c = new IpClient(server.base);
  await c.get('/signin');
  const r = await c.post('/signin', { login, password: PW });
  assert.equal(r.status, 303, `sign in ${login}: ${r.status}`);
  return c;
}

const getJson = async (c, path) => {
  const r = await c.get(path, { json: true });
  assert.equal(r.status, 200, `${path}: ${r.status} ${r.text.slice(0, 300)}`);
  return r.json;
};

const pdf = (name = 'report.pdf') => ({ data: files.pdf(), filename: name, type: 'application/pdf' });

let admin, school, school2, other;

before(async () => {
  server = await startServer({ args: ['--trust-proxy'] });
  admin = await as('areaadmin1');
  school = await as('schooladmin');
  school2 = await as('schooladmin2');
  other = await as('areaadmin2');
});
after(async () => { await server?.stop(); });

const indicator = (over = {}) => ({
  number: '1', name: 'ระดับความสำเร็จในการดำเนินงานตามแนวทางบริหารจัดการภาครัฐ', description: 'ดำเนินงานตามคู่มือ 3 หมวด',
  d1: '1', type: 'level5', weight: '2', criteria: '2, 3, 4, 5', period_kind: 'half', status: 'open',
  work_group_id: sql("SELECT MIN(w.id) FROM work_groups w JOIN areas a ON a.id = w.area_id WHERE a.code = '3502'"), ...over,
});

// Every test builds what it needs on an indicator of its own, so each can
// run alone (STYLE.md): these make one and take it a step further each.
let nextNumber = 10; // 1 is the indicators test's

// A new indicator of FY (half-year periods, both not yet open).
async function newIndicator(over = {}) {
  const number = String(nextNumber++);
  const r = await admin.post(`/kpi/${FY}/new`, indicator({ number, ...over }), { json: true });
  assert.equal(r.status, 200, r.text);
  const id = Number(r.json.location.split('/').pop());
  const page = await getJson(admin, `/kpi/indicators/${id}`);
  return { id, number, p1: page.periods[0].id, p2: page.periods[1].id };
}

// The report of the first period of indicator id on school c's list.
async function reportOf(c, id) {
  const ind = (await getJson(c, `/kpi/${FY}`)).indicators.find((i) => i.id === id);
  return Number(ind.periods[0].report_url.split('/').pop());
}

// ... with its first period open and every school of the area and the area
// itself assigned: myReport is schooladmin's report, report2 schooladmin2's.
async function withUnits() {
  const k = await newIndicator();
  let r = await admin.post(`/kpi/periods/${k.p1}/open`, { due_date: '2025-04-15' }, { json: true });
  assert.equal(r.status, 200, r.text);
  r = await admin.post(`/kpi/periods/${k.p1}/units`, { all_schools: '1', area_unit: '1' }, { json: true });
  assert.equal(r.status, 200, r.text);
  k.myReport = await reportOf(school, k.id);
  k.report2 = await reportOf(school2, k.id);
  return k;
}

// ... reported: schooladmin's confirmed with 4 and a file, schooladmin2's a
// draft with 3.
async function withReports() {
  const k = await withUnits();
  let r = await school.postMultipart(`/kpi/reports/${k.myReport}`,
    { self_score: '4', confirm: '1', new_desc_1: 'รายงานผลการดำเนินงานรอบ 6 เดือน' }, { new_file_1: pdf('a.pdf') });
  assert.equal(r.status, 303, r.text);
  r = await school2.postMultipart(`/kpi/reports/${k.report2}`, { self_score: '3', confirm: '0' }, {});
  assert.equal(r.status, 303, r.text);
  return k;
}

// ... and schooladmin's report reviewed with score.
async function withReview(score) {
  const k = await withReports();
  const r = await admin.post(`/kpi/reports/${k.myReport}/review`, { review_score: score });
  assert.equal(r.status, 303, r.text);
  return k;
}

test('year picker: /kpi goes to the remembered fiscal year (KPI-1)', async () => {
  const c = await as('teacher');
  let r = await c.get('/kpi');
  assert.equal(r.status, 303);
  assert.match(r.headers.get('location'), /^\/kpi\/25\d\d$/);
  r = await c.get('/kpi/years');
  assert.equal(r.status, 200);
  assert.match(r.text, /เลือกปีงบประมาณ/);
  r = await c.post('/kpi/years', { fiscal_year: '2566' });
  assert.equal(r.status, 303);
  assert.equal(r.headers.get('location'), '/kpi/2566');
  r = await c.get('/kpi');
  assert.equal(r.headers.get('location'), '/kpi/2566');
  r = await c.post('/kpi/years', { fiscal_year: '1999' });
  assert.equal(r.status, 422);
  r = await c.get('/kpi');
  assert.equal(r.headers.get('location'), '/kpi/2566');
  // a visitor is sent to sign in; JSON clients get 401
  const v = new IpClient(server.base);
  r = await v.get(`/kpi/${FY}`);
  assert.equal(r.status, 303);
  assert.match(r.headers.get('location'), /^\/signin/);
  r = await v.get(`/kpi/${FY}`, { json: true });
  assert.equal(r.status, 401);
});

test('indicators: the area admin defines one; bad input is refused and nothing stored (KPI-2)', async () => {
  const before = count('SELECT COUNT(*) FROM kpi_indicators');
  let r = await admin.post(`/kpi/${FY}/new`, indicator({ criteria: '5, 4' }), { json: true });
  assert.equal(r.status, 422);
  assert.equal(r.json.form.errors.criteria, 'ระดับเกณฑ์ต้องเรียงจากน้อยไปมาก และไม่ซ้ำกัน เช่น 2, 3, 4, 5');
  r = await admin.post(`/kpi/${FY}/new`, indicator({ weight: 'สอง' }), { json: true });
  assert.equal(r.status, 422);
  assert.match(r.json.form.errors.weight, /ค่าน้ำหนักต้องเป็นตัวเลข/);
  assert.equal(count('SELECT COUNT(*) FROM kpi_indicators'), before);

  r = await admin.post(`/kpi/${FY}/new`, indicator(), { json: true });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.ok, true);
  const indicatorId = Number(r.json.location.split('/').pop());
  // the same number twice in one year
  r = await admin.post(`/kpi/${FY}/new`, indicator(), { json: true });
  assert.equal(r.status, 422);
  assert.equal(r.json.form.errors.number, `เลขตัวชี้วัด 1 มีอยู่แล้วในปีงบประมาณ ${FY} กรุณาใช้เลขอื่น`);
  // a school may not define indicators
  r = await school.post(`/kpi/${FY}/new`, indicator({ number: '2' }), { json: true });
  assert.equal(r.status, 403);
  assert.equal(count('SELECT COUNT(*) FROM kpi_indicators'), before + 1);

  const page = await getJson(admin, `/kpi/indicators/${indicatorId}`);
  assert.equal(page.indicator.criteria_text, '[2] --> [3] --> [4] --> [5]');
  assert.equal(page.periods.length, 2);
  assert.equal(page.periods[0].label, 'รอบ 6 เดือน');
  assert.equal(page.periods[1].label, 'รอบ 12 เดือน');
  // the HTML page in Thai
  r = await admin.get(`/kpi/indicators/${indicatorId}`);
  assert.match(r.text, /ค่าเฉลี่ยถ่วงน้ำหนัก \(1 - 5\)/);
  // another area does not see it
  r = await other.get(`/kpi/indicators/${indicatorId}`, { json: true });
  assert.equal(r.status, 404);
});

test('periods and units: open, assign all schools, refusals (KPI-3, KPI-4)', async () => {
  const { id: indicatorId, p1, p2 } = await newIndicator();
  // units only in an open period
  let r = await admin.post(`/kpi/periods/${p1}/units`, { all_schools: '1' }, { json: true });
  assert.equal(r.status, 409);
  assert.match(r.json.error, /รอบรายงานนี้ยังไม่ได้เปิด/);
  r = await admin.post(`/kpi/periods/${p1}/open`, { due_date: '2020-01-01' }, { json: true });
  assert.equal(r.status, 422);
  assert.match(r.json.error, /วันครบกำหนดส่งต้องไม่ก่อนวันเริ่มรอบรายงาน/);
  r = await admin.post(`/kpi/periods/${p1}/open`, { due_date: '2025-04-15' }, { json: true });
  assert.equal(r.status, 200, r.text);
  // a school may not open periods
  r = await school.post(`/kpi/periods/${p2}/open`, {}, { json: true });
  assert.equal(r.status, 403);
  assert.equal(count(`SELECT COUNT(*) FROM kpi_periods WHERE id = ${p2} AND opened_at IS NOT NULL`), 0);
  // a school of another area: refused, nothing stored
  const foreign = sql("SELECT MIN(s.id) FROM schools s JOIN areas a ON a.id = s.area_id WHERE a.code <> '3502'");
  r = await admin.post(`/kpi/periods/${p1}/units`, { school_id: [foreign] }, { json: true });
  assert.equal(r.status, 422);
  assert.equal(count(`SELECT COUNT(*) FROM kpi_reports WHERE period_id = ${p1}`), 0);
  // select all schools
  r = await admin.post(`/kpi/periods/${p1}/units`, { all_schools: '1', area_unit: '1' }, { json: true });
  assert.equal(r.status, 200, r.text);
  const schools = count("SELECT COUNT(*) FROM schools s JOIN areas a ON a.id = s.area_id WHERE a.code = '3502'");
  const units = await getJson(admin, `/kpi/periods/${p1}/units`);
  assert.equal(units.units.length, schools + 1);
  assert.equal(units.units[0].is_area, true);
  assert.equal(units.free_schools.length, 0);

  // the school finds its report button on the list
  const list = await getJson(school, `/kpi/${FY}`);
  const ind = list.indicators.find((i) => i.id === indicatorId);
  assert.ok(ind, 'the school sees the indicator');
  assert.equal(ind.periods.length, 1);
  assert.match(ind.periods[0].report_url, /^\/kpi\/reports\/\d+$/);
  const myReport = Number(ind.periods[0].report_url.split('/').pop());
  const list2 = await getJson(school2, `/kpi/${FY}`);
  const report2 = Number(list2.indicators.find((i) => i.id === indicatorId).periods[0].report_url.split('/').pop());
  assert.notEqual(myReport, report2);
});

test('reports: bad scores, a missing description and another school are refused; nothing stored (KPI-5)', async () => {
  const { myReport } = await withUnits();
  const storedPdfs = () => execFileSync('sh', ['-c', `ls -R ${server.dir}/kpi 2>/dev/null | grep -c pdf || true`], { encoding: 'utf8' }).trim();
  const pdfsBefore = storedPdfs();
  const events = () => count(`SELECT COUNT(*) FROM kpi_report_events WHERE report_id = ${myReport}`);
  const filesOf = (id) => count(`SELECT COUNT(*) FROM kpi_report_files WHERE report_id = ${id}`);
  let r = await school.postMultipart(`/kpi/reports/${myReport}`, { self_score: '6', confirm: '0' }, {}, { json: true });
  assert.equal(r.status, 422);
  assert.equal(r.json.form.errors.self_score, 'คะแนนประเมินตนเองต้องอยู่ระหว่าง 1 ถึง 5 ตามประเภทตัวชี้วัด ค่าเฉลี่ยถ่วงน้ำหนัก (1 - 5)');
  r = await school.postMultipart(`/kpi/reports/${myReport}`, { self_score: 'ดีมาก', confirm: '1' }, {}, { json: true });
  assert.equal(r.status, 422);
  assert.equal(r.json.form.errors.self_score, 'คะแนนประเมินตนเองต้องเป็นตัวเลข เช่น 4 หรือ 3.50');
  // confirming with a file lacking its description
  r = await school.postMultipart(`/kpi/reports/${myReport}`, { self_score: '4', confirm: '1', new_desc_1: '' },
    { new_file_1: pdf() }, { json: true });
  assert.equal(r.status, 422);
  assert.equal(r.json.form.errors.new_desc_1, 'กรุณาพิมพ์รายละเอียดคำอธิบายประกอบไฟล์ลำดับที่ 1 (บังคับกรอก)');
  // confirming without a score
  r = await school.postMultipart(`/kpi/reports/${myReport}`, { confirm: '1' }, {}, { json: true });
  assert.equal(r.status, 422);
  assert.equal(r.json.form.errors.self_score, 'กรุณากรอกคะแนนประเมินตนเองก่อนยืนยันผลตัวชี้วัด');
  // a school reporting for another school: it does not even see that report
  r = await school2.postMultipart(`/kpi/reports/${myReport}`, { self_score: '5', confirm: '1', new_desc_1: 'x' },
    { new_file_1: pdf() }, { json: true });
  assert.equal(r.status, 404);
  assert.equal(r.json.error.message, 'ไม่พบรายงานที่ระบุ');
  // another area's admin does not even see it
  r = await other.postMultipart(`/kpi/reports/${myReport}`, { self_score: '5' }, {}, { json: true });
  assert.equal(r.status, 404);
  assert.equal(sql(`SELECT status FROM kpi_reports WHERE id = ${myReport}`), 'assigned');
  assert.equal(events(), 0);
  assert.equal(filesOf(myReport), 0);
  // no upload was kept on disk either
  assert.equal(storedPdfs(), pdfsBefore);
});

test('reports: save, confirm, the eleventh file, unconfirm (KPI-5)', async () => {
  const { myReport, report2 } = await withUnits();
  // a draft with two files
  let r = await school.postMultipart(`/kpi/reports/${myReport}`,
    { self_score: '', confirm: '0', new_desc_1: 'รายงานผลการดำเนินงานรอบ 6 เดือน', new_desc_2: 'ภาพกิจกรรม' },
    { new_file_1: pdf('a.pdf'), new_file_2: { data: files.png(), filename: 'b.png', type: 'image/png' } });
  assert.equal(r.status, 303, r.text);
  let rep = await getJson(school, `/kpi/reports/${myReport}`);
  assert.equal(rep.report.status, 'draft');
  assert.equal(rep.files.length, 2);
  assert.equal(rep.new_rows.length, 8); // up to ten files in one save: here the eight still free
  assert.equal(rep.files_room, 8);
  // the file downloads as an attachment
  r = await school.get(rep.files[0].url);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-disposition'), /attachment/);
  assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
  // an eleventh file: 2 kept + 9 new
  const fields = { confirm: '0' }, up = {};
  for (let i = 1; i <= 9; i++) { fields[`new_desc_${i}`] = `ไฟล์ ${i}`; up[`new_file_${i}`] = pdf(`f${i}.pdf`); }
  r = await school.postMultipart(`/kpi/reports/${myReport}`, fields, up, { json: true });
  assert.equal(r.status, 422);
  assert.equal(r.json.form.errors.new_file_1, 'แนบไฟล์ได้ไม่เกิน 10 ไฟล์ต่อรายงาน ขณะนี้มี 2 ไฟล์ แนบเพิ่มได้อีก 8 ไฟล์ (ส่งมา 9 ไฟล์)');
  assert.equal(count(`SELECT COUNT(*) FROM kpi_report_files WHERE report_id = ${myReport}`), 2);
  // eleven new files on an empty report (school2)
  const f11 = { confirm: '0' }, u11 = {};
  for (let i = 1; i <= 11; i++) { f11[`new_desc_${i}`] = `ไฟล์ ${i}`; u11[`new_file_${i}`] = pdf(`g${i}.pdf`); }
  r = await school2.postMultipart(`/kpi/reports/${report2}`, f11, u11, { json: true });
  assert.equal(r.status, 422);
  assert.match(r.json.form.errors.new_file_1, /แนบไฟล์ได้ไม่เกิน 10 ไฟล์ต่อรายงาน/);
  assert.equal(count(`SELECT COUNT(*) FROM kpi_report_files WHERE report_id = ${report2}`), 0);
  // confirm with a score
  r = await school.postMultipart(`/kpi/reports/${myReport}`, { self_score: '4', confirm: '1' }, {});
  assert.equal(r.status, 303);
  rep = await getJson(school, `/kpi/reports/${myReport}`);
  assert.equal(rep.report.status, 'confirmed');
  assert.equal(rep.report.self, '4');
  r = await school.get(`/kpi/reports/${myReport}`);
  assert.match(r.text, /ยืนยันข้อมูลแล้ว รอการตรวจสอบ/);
  assert.match(r.text, /ยกเลิกผลการยืนยัน/);
  // confirmed: saving again is refused
  r = await school.postMultipart(`/kpi/reports/${myReport}`, { self_score: '5', confirm: '1' }, {}, { json: true });
  assert.equal(r.status, 409);
  assert.equal(sql(`SELECT self_x100 FROM kpi_reports WHERE id = ${myReport}`), '400');
  // cancel the confirmation, then confirm again
  r = await school.post(`/kpi/reports/${myReport}/unconfirm`, {});
  assert.equal(r.status, 303);
  assert.equal(sql(`SELECT status FROM kpi_reports WHERE id = ${myReport}`), 'draft');
  r = await school.postMultipart(`/kpi/reports/${myReport}`, { self_score: '4', confirm: '1' }, {});
  assert.equal(r.status, 303);
  // school2 saves a draft only
  r = await school2.postMultipart(`/kpi/reports/${report2}`, { self_score: '3', confirm: '0' }, {});
  assert.equal(r.status, 303);
});

test('units and periods once reported: no removal, no close (KPI-3, KPI-4)', async () => {
  const { p1, myReport } = await withReports();
  const units = await getJson(admin, `/kpi/periods/${p1}/units`);
  const mine = units.units.find((u) => u.report_id === myReport);
  assert.equal(mine.removable, false);
  let r = await admin.post(`/kpi/periods/${p1}/units/${myReport}/delete`, {}, { json: true });
  assert.equal(r.status, 409);
  assert.match(r.json.error, /ออกไม่ได้ เพราะมีการรายงานแล้ว/);
  assert.equal(count(`SELECT COUNT(*) FROM kpi_reports WHERE id = ${myReport}`), 1);
  // one that has not reported can go
  const idle = units.units.find((u) => u.removable && !u.is_area);
  r = await admin.post(`/kpi/periods/${p1}/units/${idle.report_id}/delete`, {});
  assert.equal(r.status, 303);
  assert.equal(count(`SELECT COUNT(*) FROM kpi_reports WHERE id = ${idle.report_id}`), 0);
  // closing a period that has reports
  r = await admin.post(`/kpi/periods/${p1}/close`, {}, { json: true });
  assert.equal(r.status, 409);
  assert.match(r.json.error, /ปิดรอบรายงานนี้ไม่ได้ เพราะมีหน่วยงานรายงานเข้ามาแล้ว 2 หน่วยงาน/);
  assert.equal(count(`SELECT COUNT(*) FROM kpi_periods WHERE id = ${p1} AND opened_at IS NOT NULL`), 1);
});

test('a report to a closed period is refused (KPI-3)', async () => {
  const { p2 } = await newIndicator();
  let r = await admin.post(`/kpi/periods/${p2}/open`, {});
  assert.equal(r.status, 303);
  r = await admin.post(`/kpi/periods/${p2}/units`, { all_schools: '1' });
  assert.equal(r.status, 303);
  const ridSql = `SELECT r.id FROM kpi_reports r JOIN grants g ON g.school_id = r.school_id JOIN users u ON u.id = g.user_id WHERE r.period_id = ${p2} AND u.username = 'schooladmin' AND g.role = 'school_admin'`;
  const rid = Number(sql(ridSql));
  assert.ok(rid > 0);
  // nothing reported yet, but units are assigned: an opened period is not
  // closed again, and its assignments are kept (KPI-3)
  const assigned = count(`SELECT COUNT(*) FROM kpi_reports WHERE period_id = ${p2}`);
  r = await admin.post(`/kpi/periods/${p2}/close`, {}, { json: true });
  assert.equal(r.status, 409);
  assert.match(r.json.error, new RegExp(`ปิดรอบรายงานนี้ไม่ได้ เพราะกำหนดหน่วยงานผู้รายงานไว้แล้ว ${assigned} หน่วยงาน`));
  assert.equal(count(`SELECT COUNT(*) FROM kpi_reports WHERE period_id = ${p2}`), assigned);
  assert.equal(count(`SELECT COUNT(*) FROM kpi_periods WHERE id = ${p2} AND opened_at IS NOT NULL`), 1);
  // a report left in a closed period (closed before closing was refused)
  // is refused as closed, not as "not yet open"
  const rid2 = rid;
  sql(`UPDATE kpi_periods SET opened_at = NULL, closed_at = 1700000000 WHERE id = ${p2}`);
  r = await school.postMultipart(`/kpi/reports/${rid2}`, { self_score: '4', confirm: '1' }, {}, { json: true });
  assert.equal(r.status, 409);
  assert.match(r.json.form.errors._form, /รอบรายงานนี้ปิดรับรายงานแล้ว/);
  r = await school.get(`/kpi/reports/${rid2}`);
  assert.match(r.text, /รอบรายงานนี้ปิดรับรายงานแล้ว/);
  assert.doesNotMatch(r.text, /ยังไม่เปิดรับรายงาน/);
  assert.equal(sql(`SELECT status FROM kpi_reports WHERE id = ${rid2}`), 'assigned');
  // opened again: "ยังไม่เปิด" no more, and it takes reports; then closed for good
  r = await admin.post(`/kpi/periods/${p2}/open`, {});
  assert.equal(r.status, 303);
  assert.equal(count(`SELECT COUNT(*) FROM kpi_periods WHERE id = ${p2} AND closed_at IS NULL`), 1);
  // with every unit removed it may be closed
  for (const u of (await admin.get(`/kpi/periods/${p2}/units`, { json: true })).json.units.filter((x) => x.removable))
    assert.equal((await admin.post(`/kpi/periods/${p2}/units/${u.report_id}/delete`, {})).status, 303);
  assert.equal(count(`SELECT COUNT(*) FROM kpi_reports WHERE period_id = ${p2}`), 0);
  r = await admin.post(`/kpi/periods/${p2}/close`, {});
  assert.equal(r.status, 303);
});

test('review: an unconfirmed report cannot be scored; score, cancel (KPI-6)', async () => {
  const { id: indicatorId, myReport, report2 } = await withReports();
  let r = await admin.post(`/kpi/reports/${report2}/review`, { review_score: '4' }, { json: true });
  assert.equal(r.status, 409);
  assert.match(r.json.form.errors._form, /หน่วยงานยังไม่ได้ยืนยันผลรายงานนี้ จึงยังตรวจไม่ได้/);
  assert.equal(sql(`SELECT COUNT(*) FROM kpi_reports WHERE id = ${report2} AND review_x100 IS NULL`), '1');
  // a school cannot review (another school's report it does not even see)
  r = await school2.post(`/kpi/reports/${myReport}/review`, { review_score: '5' }, { json: true });
  assert.equal(r.status, 404);
  r = await school2.post(`/kpi/reports/${report2}/review`, { review_score: '5' }, { json: true });
  assert.equal(r.status, 403);
  // out of range
  r = await admin.post(`/kpi/reports/${myReport}/review`, { review_score: '9' }, { json: true });
  assert.equal(r.status, 422);
  assert.equal(r.json.form.errors.review_score, 'คะแนนผลการประเมินต้องอยู่ระหว่าง 1 ถึง 5 ตามประเภทตัวชี้วัด ค่าเฉลี่ยถ่วงน้ำหนัก (1 - 5)');
  r = await admin.post(`/kpi/reports/${myReport}/review`, { review_score: '3' });
  assert.equal(r.status, 303);
  r = await school.get(`/kpi/reports/${myReport}`);
  assert.match(r.text, /ตรวจสอบข้อมูลแล้ว ผลการประเมิน : 3 คะแนน/);
  // the unit can no longer cancel its confirmation
  r = await school.post(`/kpi/reports/${myReport}/unconfirm`, {}, { json: true });
  assert.equal(r.status, 409);
  assert.match(r.json.form.errors._form, /ตรวจสอบข้อมูลแล้ว จึงยกเลิกผลการยืนยันไม่ได้/);
  // the list: [submitted/checked/total] and the averages
  const list = await getJson(admin, `/kpi/${FY}`);
  const per = list.indicators.find((i) => i.id === indicatorId).periods[0];
  assert.equal(per.n_submitted, 1);
  assert.equal(per.n_reviewed, 1);
  assert.equal(per.avg_self, '4');
  assert.equal(per.avg_review, '3');
  r = await admin.get(`/kpi/${FY}`);
  assert.match(r.text, /รอบ 6 เดือน -- \[1\/1\/\d+\] --- \[4, 3\]/);
  // the matrix
  const m = await getJson(admin, `/kpi/indicators/${indicatorId}/matrix?per_page=100`);
  assert.equal(m.periods.length, 1);
  const cells = m.units.flatMap((u) => u.cells);
  const reviewed = cells.find((c) => c.report_id === myReport);
  assert.equal(reviewed.state, 'reviewed');
  assert.equal(reviewed.self, '4.00');
  assert.equal(reviewed.review, '3.00');
  assert.equal(cells.find((c) => c.report_id === report2).state, 'draft');
  r = await admin.get(`/kpi/indicators/${indicatorId}/matrix?per_page=100`);
  assert.match(r.text, /★ - 4.00 - /);
  assert.match(r.text, /✓ - 3.00 - /);
  assert.match(r.text, /รอส่ง/);
  // the reviewer cancels the review
  r = await admin.post(`/kpi/reports/${myReport}/unreview`, {});
  assert.equal(r.status, 303);
  assert.equal(sql(`SELECT status FROM kpi_reports WHERE id = ${myReport}`), 'confirmed');
  r = await admin.post(`/kpi/reports/${myReport}/review`, { review_score: '4.5' });
  assert.equal(r.status, 303);
});

test('a closed or hidden indicator takes no report (KPI-2)', async () => {
  const { id: indicatorId, report2 } = await withReports();
  let r = await admin.post(`/kpi/indicators/${indicatorId}/status`, { status: 'close' });
  assert.equal(r.status, 303);
  r = await school2.postMultipart(`/kpi/reports/${report2}`, { self_score: '4', confirm: '1' }, {}, { json: true });
  assert.equal(r.status, 409);
  assert.match(r.json.form.errors._form, /ปิดรับรายงานแล้ว \(สถานะ Close\)/);
  r = await admin.post(`/kpi/indicators/${indicatorId}/status`, { status: 'hidden' });
  assert.equal(r.status, 303);
  // a hidden indicator's report is "not found" to its unit, as the indicator is
  r = await school2.postMultipart(`/kpi/reports/${report2}`, { self_score: '4', confirm: '1' }, {}, { json: true });
  assert.equal(r.status, 404);
  assert.equal((await school2.get(`/kpi/reports/${report2}`)).status, 404);
  assert.equal(sql(`SELECT status FROM kpi_reports WHERE id = ${report2}`), 'draft');
  // hidden from the schools' list, not from the admin's
  const list = await getJson(school, `/kpi/${FY}`);
  assert.equal(list.indicators.find((i) => i.id === indicatorId), undefined);
  const alist = await getJson(admin, `/kpi/${FY}`);
  assert.ok(alist.indicators.find((i) => i.id === indicatorId));
  r = await admin.post(`/kpi/indicators/${indicatorId}/status`, { status: 'open' });
  assert.equal(r.status, 303);
});

test('statistics: signed-in with units, public without, Excel and PDF (KPI-8)', async () => {
  const { id: indicatorId } = await withReview('4.5');
  const st = await getJson(admin, `/kpi/${FY}/stats`);
  const row = st.indicators.find((i) => i.id === indicatorId);
  assert.equal(row.submitted, 1);
  assert.equal(row.reviewed, 1);
  assert.equal(row.avg_review, '4.5');
  assert.ok(st.units.length > 1);
  let r = await admin.get(`/kpi/${FY}/stats/xlsx`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /spreadsheetml/);
  r = await admin.get(`/kpi/${FY}/stats/pdf`);
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'application/pdf');
  // the public page: no sign-in, aggregates only
  const v = new IpClient(server.base);
  const area = sql("SELECT id FROM areas WHERE code = '3502'");
  r = await v.get(`/kpi/stats/${FY}?area=${area}`, { json: true });
  assert.equal(r.status, 200);
  assert.equal(r.json.units, undefined);
  // one school has submitted: its score is not shown as "the average"
  const pub = r.json.indicators.find((i) => i.id === indicatorId);
  assert.equal(pub.avg_hidden, true);
  assert.equal(pub.avg_review, '');
  assert.equal(pub.avg_self, '');
  assert.equal(pub.submitted, 1);
  assert.doesNotMatch(JSON.stringify(r.json), /schooladmin|สมทรง/);
  r = await v.get(`/kpi/stats/${FY}?area=${area}`);
  assert.equal(r.status, 200);
  assert.match(r.text, /สถิติตัวชี้วัด ปีงบประมาณ/);
  assert.match(r.text, /ไม่แสดงค่าเฉลี่ยคะแนนของตัวชี้วัดที่มีหน่วยงานรายงานผลน้อยกว่า 3 หน่วยงาน/);
  assert.doesNotMatch(r.text, />4\.5</);
  r = await v.get(`/kpi/stats/${FY}`);
  assert.equal(r.status, 200);
  assert.match(r.text, /เลือกสำนักงานเขตพื้นที่การศึกษา/);
  // the PDF says why an average is missing, as the page does
  const pdfRes = await fetch(`${server.base}/kpi/stats/${FY}/pdf?area=${area}`);
  assert.equal(pdfRes.status, 200);
  const pdfBytes = Buffer.from(await pdfRes.arrayBuffer());
  assert.equal(pdfBytes.subarray(0, 4).toString(), '%PDF');
  const pdfText = execFileSync('pdftotext', ['-layout', '-', '-'], { input: pdfBytes, encoding: 'utf8' });
  // (pdftotext may put a tone mark after the vowel above: match around it)
  const flat = pdfText.replace(/\s+/g, '');
  assert.match(flat, /\*ไม่แสดงค่าเฉลี่ยคะแนนของ/);
  // a header is never broken inside a word ("หมายเ/ลข")
  assert.match(flat, /หมายเลข/);
  // nor "จำนวนตัวชี้/วัด" in the table by indicator type (acceptance walk of issue 10)
  assert.match(flat, /จำนวนตัวชี(้ว|ว้)ัด/);
  assert.match(flat, /หน่วยงานรายงานผลน้อยกว่า3หน่วยงานเพราะค่าเฉลี่ยจะเปิดเผยคะแนน/);
  r = await v.get(`/kpi/stats/${FY}/xlsx?area=${area}`);
  assert.equal(r.status, 200);
  r = await v.get('/kpi/stats/1999');
  assert.equal(r.status, 404);
});

test('copy a year: the next year starts from this one', async () => {
  const k = await withUnits(); // one with a period open, at least
  const numbers = (l) => l.indicators.map((i) => i.number).sort();
  const from = await getJson(admin, `/kpi/${FY}`);
  let r = await admin.post(`/kpi/${FY + 1}/copy`, { from_year: String(FY) });
  assert.equal(r.status, 303);
  const list = await getJson(admin, `/kpi/${FY + 1}`);
  assert.deepEqual(numbers(list), numbers(from)); // every indicator of the year
  assert.ok(list.indicators.some((i) => i.number === k.number));
  for (const i of list.indicators) assert.equal(i.periods.length, 0); // nothing open yet
  // a school may not copy
  r = await school.post(`/kpi/${FY + 2}/copy`, { from_year: String(FY) }, { json: true });
  assert.equal(r.status, 403);
});

// issue 10.15: the demo's reports are made by each school's own staff, not
// by one school's admin for every school; running `khet demo` again adds
// nothing.
test('demo: every school reports by its own reporter; khet demo twice adds nothing', () => {
  const demoReports = count(`SELECT COUNT(*) FROM kpi_reports r JOIN kpi_indicators i ON i.id = r.indicator_id
    WHERE r.reporter_id IS NOT NULL AND r.school_id IS NOT NULL AND i.name LIKE '%DMC%'`);
  assert.ok(demoReports > 0, 'the demo has reports');
  const foreign = count(`SELECT COUNT(*) FROM kpi_reports r WHERE r.reporter_id IS NOT NULL AND r.school_id IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM grants g WHERE g.user_id = r.reporter_id AND g.school_id = r.school_id
      AND g.revoked_at IS NULL)`);
  assert.equal(foreign, 0, 'no report is made by a user without a role at its school');
  // each reporting school's reporter is kpi-<obec code>, a kpi_reporter there
  const schools = count(`SELECT COUNT(DISTINCT school_id) FROM kpi_reports WHERE reporter_id IS NOT NULL AND school_id IS NOT NULL`);
  assert.ok(schools > 1, 'more than one school reports');
  const own = count(`SELECT COUNT(DISTINCT r.school_id) FROM kpi_reports r JOIN schools s ON s.id = r.school_id
    JOIN users u ON u.id = r.reporter_id JOIN grants g ON g.user_id = u.id AND g.school_id = s.id
    WHERE u.username = 'kpi-' || s.obec_code AND g.role = 'kpi_reporter' AND g.revoked_at IS NULL`);
  assert.ok(own >= schools - 2, `${own} of ${schools} schools report by their kpi- reporter`); // 2: schooladmin(2)'s tests
  const tally = () => sql(`SELECT (SELECT COUNT(*) FROM users) || ' ' || (SELECT COUNT(*) FROM grants) || ' ' || (SELECT COUNT(*) FROM kpi_reports)`);
  const was = tally();
  const r = khet(['demo'], server.env);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(tally(), was);
});

// issue 10.15: the seed's document column — each indicator row of the list
// links its attached documents (description, assessment tool, others).
test('list: an indicator row links its attached documents', async () => {
  const { id } = await newIndicator();
  let r = await admin.postMultipart(`/kpi/indicators/${id}/files`, { slot: '2', description: 'แบบประเมินระดับคุณภาพ' }, { file: pdf('tool.pdf') });
  assert.equal(r.status, 303);
  const fid = sql(`SELECT id FROM kpi_indicator_files WHERE indicator_id = ${id} AND slot = 2`);
  for (const c of [admin, school]) {
    r = await c.get(`/kpi/${FY}`);
    assert.equal(r.status, 200);
    assert.ok(r.text.includes(`href="/kpi/indicators/${id}/files/${fid}"`), 'the list links the file');
    assert.ok(r.text.includes('เครื่องมือประเมินระดับคุณภาพ'));
    const d = await c.get(`/kpi/indicators/${id}/files/${fid}`);
    assert.equal(d.status, 200);
  }
});
