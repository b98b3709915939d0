// kpi_review: the rules a review of KPI-Online asked for, through the real
// binary on the default 64 MB request limit — nobody checks his own report
// and only the area admin and the indicator's owners report for the area
// office; a school opens only its own reports and files; a missing file
// description is named at its own row, and a description without a file is
// refused; a save without a score keeps the stored one; ten 5 MB files go
// in one save; the review message shows the stored score; an owner copies
// his own work group's indicators into a year that has some already; a
// school's "ต้องส่ง" box; a super admin's links keep the chosen area; the
// public page hides averages of fewer than three reporting units and shows
// a change at once.
// Demo sign-ins (acc_demo, kpi_demo): areaadmin1 (area 3502), schooladmin
// and teacher (its first school), schooladmin2 (its second school),
// kpiowner (owner of its first work group), kpireviewer (the area's
// reviewer), citizen (made super admin here) — password khet-demo-2567.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, engine, files, AddressClient, ipSequence } from './lib.mjs';

const PW = 'khet-demo-2567';
const FY = 2566;
let server;

const nextIp = ipSequence('10.40');
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

const pdf = (name = 'report.pdf', pad = 0) => ({ data: files.pdf(pad), filename: name, type: 'application/pdf' });

let area, wg1, wg2;
let admin, school, school2, teacher, owner, reviewer;
let ind1, period1, rArea, rSchool, rSchool2;

const indicator = (over = {}) => ({
  number: 'R1', name: 'ร้อยละของโรงเรียนที่ส่งแผนปฏิบัติการตามกำหนด', description: '', d1: '1', type: 'level5',
  weight: '1', criteria: '2, 3, 4, 5', period_kind: 'half', status: 'open', work_group_id: wg1, ...over,
});

const unitReport = (pid, username) => Number(sql(`SELECT r.id FROM kpi_reports r JOIN grants g ON g.school_id = r.school_id
  JOIN users u ON u.id = g.user_id WHERE r.period_id = ${pid} AND u.username = '${username}' AND g.role = 'school_admin'`));

before(async () => {
  server = await startServer({ args: ['--trust-proxy'] });
  area = sql("SELECT id FROM areas WHERE code = '3502'");
  wg1 = sql(`SELECT id FROM work_groups WHERE area_id = ${area} ORDER BY sort, id LIMIT 1`);
  wg2 = sql(`SELECT MAX(id) FROM work_groups WHERE area_id = ${area}`);
  admin = await as('areaadmin1');
  school = await as('schooladmin');
  school2 = await as('schooladmin2');
  teacher = await as('teacher');
  owner = await as('kpiowner');
  reviewer = await as('kpireviewer');
  let r = await admin.post(`/kpi/${FY}/new`, indicator(), { json: true });
  assert.equal(r.status, 200, r.text);
  ind1 = Number(r.json.location.split('/').pop());
  r = await admin.post(`/kpi/${FY}/new`, indicator({ number: 'R2', work_group_id: wg2 }), { json: true });
  assert.equal(r.status, 200, r.text);
  period1 = sql(`SELECT id FROM kpi_periods WHERE indicator_id = ${ind1} AND seq = 1`);
  r = await admin.post(`/kpi/periods/${period1}/open`, {});
  assert.equal(r.status, 303);
  r = await admin.post(`/kpi/periods/${period1}/units`, { all_schools: '1', area_unit: '1' });
  assert.equal(r.status, 303);
  rArea = Number(sql(`SELECT id FROM kpi_reports WHERE period_id = ${period1} AND unit_key = 0`));
  rSchool = unitReport(period1, 'schooladmin');
  rSchool2 = unitReport(period1, 'schooladmin2');
});
after(async () => { await server?.stop(); });

// The tests below that need reports in a given state build them on an
// indicator of their own, in a fiscal year of their own (so no other
// test's reports change what they count), and so can run alone: R1 of
// work group 1 with its first period open and every school and the area
// office assigned.
async function ownIndicator(fy) {
  let r = await admin.post(`/kpi/${fy}/new`, indicator(), { json: true });
  assert.equal(r.status, 200, r.text);
  const ind = Number(r.json.location.split('/').pop());
  const period = sql(`SELECT id FROM kpi_periods WHERE indicator_id = ${ind} AND seq = 1`);
  r = await admin.post(`/kpi/periods/${period}/open`, {});
  assert.equal(r.status, 303);
  r = await admin.post(`/kpi/periods/${period}/units`, { all_schools: '1', area_unit: '1' });
  assert.equal(r.status, 303);
  return {
    fy, ind, rArea: Number(sql(`SELECT id FROM kpi_reports WHERE period_id = ${period} AND unit_key = 0`)),
    rSchool: unitReport(period, 'schooladmin'), rSchool2: unitReport(period, 'schooladmin2'),
  };
}
// c saves report rid: confirmed with score, or (score null) a draft with a file.
async function save(c, rid, score) {
  const r = score === null
    ? await c.postMultipart(`/kpi/reports/${rid}`, { confirm: '0', new_desc_1: 'หลักฐาน' }, { new_file_1: pdf('proof.pdf') })
    : await c.postMultipart(`/kpi/reports/${rid}`, { self_score: score, confirm: '1', new_desc_1: 'แผนปฏิบัติการ' }, { new_file_1: pdf('plan.pdf') });
  assert.equal(r.status, 303, r.text.slice(0, 300));
}
async function review(rid, score) {
  const r = await reviewer.post(`/kpi/reports/${rid}/review`, { review_score: score });
  assert.equal(r.status, 303, r.text.slice(0, 300));
}

test('nobody checks his own report; only the area admin and the owners report for the area office', async () => {
  // the reviewer may not report for the area office
  let r = await reviewer.postMultipart(`/kpi/reports/${rArea}`, { self_score: '4', confirm: '1' }, {}, { json: true });
  assert.equal(r.status, 403);
  assert.equal(r.json.error.message, 'รายงานในนามสำนักงานเขตพื้นที่ได้เฉพาะแอดมินเขตและเจ้าของตัวชี้วัดนี้');
  assert.equal(sql(`SELECT status FROM kpi_reports WHERE id = ${rArea}`), 'assigned');
  // the area admin reports for it, then may not check what he sent
  r = await admin.postMultipart(`/kpi/reports/${rArea}`, { self_score: '4', confirm: '1' }, {});
  assert.equal(r.status, 303);
  const page = await getJson(admin, `/kpi/reports/${rArea}`);
  assert.equal(page.can_review, false);
  r = await admin.post(`/kpi/reports/${rArea}/review`, { review_score: '5' }, { json: true });
  assert.equal(r.status, 409);
  assert.equal(r.json.form.errors._form,
    'ท่านเป็นผู้รายงานผลของรายงานนี้เอง จึงตรวจรายงานนี้ไม่ได้ กรุณาให้ผู้ตรวจคนอื่นเป็นผู้ตรวจและให้คะแนน');
  assert.equal(sql(`SELECT status FROM kpi_reports WHERE id = ${rArea}`), 'confirmed');
  assert.equal(count(`SELECT COUNT(*) FROM kpi_report_events WHERE report_id = ${rArea} AND action = 'review'`), 0);
  // the reviewer checks it; the score typed in Thai digits is said as stored
  assert.equal((await getJson(reviewer, `/kpi/reports/${rArea}`)).can_review, true);
  r = await reviewer.post(`/kpi/reports/${rArea}/review`, { review_score: '๔' });
  assert.equal(r.status, 303);
  r = await reviewer.get(`/kpi/reports/${rArea}`);
  assert.match(r.text, /ตรวจสอบข้อมูลแล้ว ผลการประเมิน : 4 คะแนน/);
  assert.doesNotMatch(r.text, /ผลการประเมิน : ๔/);
  assert.equal(sql(`SELECT review_x100 FROM kpi_reports WHERE id = ${rArea}`), '400');
});

test('a save without a score keeps the stored one; a description is required at its own row', async () => {
  let r = await school.postMultipart(`/kpi/reports/${rSchool}`, { self_score: '3.5', confirm: '0' }, {});
  assert.equal(r.status, 303);
  assert.equal(sql(`SELECT self_x100 FROM kpi_reports WHERE id = ${rSchool}`), '350');
  // files only, no self_score field at all: the score stays
  r = await school.postMultipart(`/kpi/reports/${rSchool}`, { confirm: '0', new_desc_1: 'แผนปฏิบัติการ' },
    { new_file_1: pdf('plan.pdf') });
  assert.equal(r.status, 303);
  assert.equal(sql(`SELECT self_x100 FROM kpi_reports WHERE id = ${rSchool}`), '350');
  const stored = () => count(`SELECT COUNT(*) FROM kpi_report_files WHERE report_id = ${rSchool}`);
  assert.equal(stored(), 1);
  // a file in the third new row without its description: the error is at
  // that row (numbered after the one file on the report), not the first
  r = await school.postMultipart(`/kpi/reports/${rSchool}`, { confirm: '0', new_desc_3: '' },
    { new_file_3: pdf('c.pdf') }, { json: true });
  assert.equal(r.status, 422);
  assert.equal(r.json.form.errors.new_desc_3, 'กรุณาพิมพ์รายละเอียดคำอธิบายประกอบไฟล์ลำดับที่ 4 (บังคับกรอก)');
  assert.equal(r.json.form.errors.new_desc_1, undefined);
  // a description typed in a row without a file
  r = await school.postMultipart(`/kpi/reports/${rSchool}`, { confirm: '0', new_desc_1: 'ภาพกิจกรรม', new_desc_2: 'คำสั่ง' },
    { new_file_1: pdf('d.pdf') }, { json: true });
  assert.equal(r.status, 422);
  assert.equal(r.json.form.errors.new_desc_2,
    'มีคำอธิบายไฟล์ลำดับที่ 3 แต่ยังไม่ได้เลือกไฟล์ กรุณาเลือกไฟล์ที่จะแนบ หรือลบคำอธิบายนี้ออก');
  assert.equal(stored(), 1);
  // confirming without a score field: the stored 3.5 is the self score
  r = await school.postMultipart(`/kpi/reports/${rSchool}`, { confirm: '1' }, {});
  assert.equal(r.status, 303);
  assert.equal(sql(`SELECT status || ' ' || self_x100 FROM kpi_reports WHERE id = ${rSchool}`), 'confirmed 350');
  // a review typed "4.0" is said "4"
  r = await reviewer.post(`/kpi/reports/${rSchool}/review`, { review_score: '4.0' });
  assert.equal(r.status, 303);
  r = await reviewer.get(`/kpi/reports/${rSchool}`);
  assert.match(r.text, /ผลการประเมิน : 4 คะแนน/);
});

test('a school opens only its own reports and files; the matrix still shows every unit', async () => {
  // the first school's report confirmed with a file and reviewed
  const k = await ownIndicator(2580);
  await save(school, k.rSchool, '3.5');
  await review(k.rSchool, '4.0');
  const fileUrl = (await getJson(school, `/kpi/reports/${k.rSchool}`)).files[0].url;
  let r = await school.get(fileUrl);
  assert.equal(r.status, 200);
  r = await teacher.get(fileUrl);
  assert.equal(r.status, 200);
  assert.equal((await teacher.get(`/kpi/reports/${k.rSchool}`)).status, 200);
  // another school: not found, page and file alike
  r = await school2.get(`/kpi/reports/${k.rSchool}`, { json: true });
  assert.equal(r.status, 404);
  assert.equal(r.json.error.message, 'ไม่พบรายงานที่ระบุ');
  r = await school2.get(fileUrl);
  assert.equal(r.status, 404);
  // nor the area office's
  assert.equal((await school2.get(`/kpi/reports/${k.rArea}`)).status, 404);
  // the reviewer, the owner and the area admin open any
  for (const c of [reviewer, owner, admin]) {
    assert.equal((await c.get(`/kpi/reports/${k.rSchool}`)).status, 200);
    assert.equal((await c.get(fileUrl)).status, 200);
  }
  const m = await getJson(school2, `/kpi/indicators/${k.ind}/matrix?per_page=100`);
  assert.equal(m.units.length, Number(sql(`SELECT n_units FROM kpi_indicators WHERE id = ${k.ind}`)));
  assert.ok(m.units.flatMap((u) => u.cells).some((c) => c.report_id === k.rSchool && c.state === 'reviewed'));
});

test('ten files of 5 MB go in one save under the default 64 MB limit', async () => {
  const page = await getJson(school2, `/kpi/reports/${rSchool2}`);
  assert.equal(page.new_rows.length, 10);
  const MB = 1024 * 1024;
  const f = { confirm: '0' }, u = {};
  for (let i = 1; i <= 10; i++) { f[`new_desc_${i}`] = `หลักฐานที่ ${i}`; u[`new_file_${i}`] = pdf(`e${i}.pdf`, 5 * MB - 4096); }
  const r = await school2.postMultipart(`/kpi/reports/${rSchool2}`, f, u, { json: true });
  assert.equal(r.status, 200, r.text.slice(0, 300));
  assert.equal(count(`SELECT COUNT(*) FROM kpi_report_files WHERE report_id = ${rSchool2}`), 10);
  assert.equal((await getJson(school2, `/kpi/reports/${rSchool2}`)).new_rows.length, 0);
});

test('a school sees what it still owes in its "ต้องส่ง" box', async () => {
  // the first school has confirmed, the second saved a draft
  const k = await ownIndicator(2581);
  await save(school, k.rSchool, '3.5');
  await save(school2, k.rSchool2, null);
  const list = await getJson(school2, `/kpi/${k.fy}`);
  assert.equal(list.show_due, true);
  const owed = list.due.find((d) => d.report_id === k.rSchool2);
  assert.ok(owed, 'the draft is still owed');
  assert.equal(owed.report_url, `/kpi/reports/${k.rSchool2}`);
  assert.equal(owed.period_label, 'รอบ 6 เดือน');
  assert.match(owed.due_text, /^\d+ มี\.ค\. \d{4}$/);
  // the first school has confirmed: not owed
  assert.equal((await getJson(school, `/kpi/${k.fy}`)).due.find((d) => d.report_id === k.rSchool), undefined);
  const r = await school2.get(`/kpi/${k.fy}`);
  assert.match(r.text, /<h2 id="due-title">ต้องส่ง<\/h2>/);
  assert.match(r.text, new RegExp(`href="/kpi/reports/${k.rSchool2}"`));
  // the area staff have no such box
  assert.equal((await getJson(admin, `/kpi/${k.fy}`)).show_due, undefined);
});

test('the public page hides averages of fewer than three units and shows a change at once', async () => {
  // the area office (4) and the first school (3.5) confirmed, both reviewed
  // 4; the second school's a draft
  const k = await ownIndicator(2582);
  const a = await admin.postMultipart(`/kpi/reports/${k.rArea}`, { self_score: '4', confirm: '1' }, {});
  assert.equal(a.status, 303);
  await review(k.rArea, '4');
  await save(school, k.rSchool, '3.5');
  await review(k.rSchool, '4');
  await save(school2, k.rSchool2, null);
  const v = new IpClient(server.base);
  const pub = async () => (await getJson(v, `/kpi/stats/${k.fy}?area=${area}`)).indicators.find((i) => i.id === k.ind);
  let row = await pub();
  assert.equal(row.submitted, 2); // the area office and the first school
  assert.equal(row.avg_hidden, true);
  assert.equal(row.avg_review, '');
  let r = await v.get(`/kpi/stats/${k.fy}?area=${area}`);
  assert.match(r.text, /ไม่แสดง\*/);
  // signed in, the yearly summary shows them (it lists every unit anyway)
  const st = await getJson(admin, `/kpi/${k.fy}/stats`);
  assert.equal(st.indicators.find((i) => i.id === k.ind).avg_review, '4');
  // the matrix page (kept a moment like the public table) before…
  const cell = (html) => html.match(new RegExp(`<a href="/kpi/reports/${k.rSchool2}">([^<]*)</a>`))[1];
  r = await admin.get(`/kpi/indicators/${k.ind}/matrix?per_page=100`);
  assert.equal(cell(r.text), 'รอส่ง');
  // a third unit confirms: the averages show, on the very next view
  r = await school2.postMultipart(`/kpi/reports/${k.rSchool2}`, { self_score: '5', confirm: '1' }, {});
  assert.equal(r.status, 303);
  r = await admin.get(`/kpi/indicators/${k.ind}/matrix?per_page=100`);
  assert.match(cell(r.text), /^★ - 5\.00 - /);
  row = await pub();
  assert.equal(row.avg_hidden, false);
  assert.equal(row.avg_self, '4.17'); // (4 + 3.5 + 5) / 3
  r = await v.get(`/kpi/stats/${k.fy}?area=${area}`);
  assert.match(r.text, />4\.17</);
  assert.doesNotMatch(r.text, /ไม่แสดง\*/);
});

test('an owner copies his own work group\'s indicators into a year that has some already', async () => {
  const to = FY + 1;
  let r = await admin.post(`/kpi/${to}/new`, indicator({ number: 'R9' }), { json: true });
  assert.equal(r.status, 200, r.text);
  // the copy form is offered although the year has an indicator
  const list = await getJson(owner, `/kpi/${to}`);
  assert.equal(list.has_indicators, true);
  assert.equal(list.can_copy, true);
  r = await owner.get(`/kpi/${to}`);
  assert.match(r.text, new RegExp(`action="/kpi/${to}/copy`));
  assert.match(r.text, /และเฉพาะของกลุ่มงานของท่าน/);
  // the owner's copy: his group's R1 only, not R2 of another group
  r = await owner.post(`/kpi/${to}/copy`, { from_year: String(FY) });
  assert.equal(r.status, 303);
  const numbers = () => sql(`SELECT number FROM kpi_indicators WHERE area_id = ${area} AND fiscal_year = ${to} ORDER BY number`)
    .split('\n').join(',');
  assert.equal(numbers(), 'R1,R9');
  // the area admin's copy fills in the rest; again, nothing more
  r = await admin.post(`/kpi/${to}/copy`, { from_year: String(FY) });
  assert.equal(r.status, 303);
  assert.equal(numbers(), 'R1,R2,R9');
  r = await admin.post(`/kpi/${to}/copy`, { from_year: String(FY) });
  assert.equal(r.status, 303);
  assert.equal(numbers(), 'R1,R2,R9');
  // a school may not copy; the reviewer neither
  assert.equal((await school.post(`/kpi/${to}/copy`, { from_year: String(FY) }, { json: true })).status, 403);
  assert.equal((await reviewer.post(`/kpi/${to}/copy`, { from_year: String(FY) }, { json: true })).status, 403);
});

test('a super admin\'s links keep the area he chose', async () => {
  sql(`INSERT INTO grants (user_id, role, granted_at) SELECT id, 'super_admin', 0 FROM users WHERE username = 'citizen'`);
  const sa = await as('citizen');
  const other = sql("SELECT MIN(id) FROM areas WHERE code <> '3502'");
  let r = await sa.get(`/kpi/${FY}?area=${other}`);
  assert.equal(r.status, 200);
  assert.match(r.text, new RegExp(`href="/kpi/${FY}/stats\\?area=${other}"`));
  assert.match(r.text, new RegExp(`href="/kpi/${FY - 1}\\?area=${other}"`));
  assert.match(r.text, new RegExp(`href="/kpi/${FY + 1}\\?area=${other}"`));
  assert.match(r.text, new RegExp(`href="/kpi/years\\?area=${other}"`));
  r = await sa.get(`/kpi/${FY}/stats?area=${other}`);
  assert.equal(r.status, 200);
  assert.match(r.text, new RegExp(`href="/kpi/${FY}/stats/xlsx\\?area=${other}"`));
  assert.match(r.text, new RegExp(`href="/kpi/${FY}/stats/pdf\\?area=${other}"`));
  // and the export is that area's
  r = await sa.get(`/kpi/${FY}/stats/xlsx?area=${other}`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-disposition'), new RegExp(`filename="kpi-stats-${FY}-${other}-\\d{4}-\\d{2}-\\d{2}\\.xlsx"`));
});

test('the "รอตรวจ" queue lists the confirmed reports the grant may review, oldest first', async () => {
  const fy = 2583;
  const k = await ownIndicator(fy);
  // a second indicator, of work group 2
  let r = await admin.post(`/kpi/${fy}/new`, indicator({ number: 'Q2', work_group_id: wg2 }), { json: true });
  assert.equal(r.status, 200, r.text);
  const ind2 = Number(r.json.location.split('/').pop());
  const p2 = sql(`SELECT id FROM kpi_periods WHERE indicator_id = ${ind2} AND seq = 1`);
  assert.equal((await admin.post(`/kpi/periods/${p2}/open`, {})).status, 303);
  assert.equal((await admin.post(`/kpi/periods/${p2}/units`, { all_schools: '1', area_unit: '1' })).status, 303);
  const r2 = unitReport(p2, 'schooladmin');
  await save(school, k.rSchool, '3');
  await save(school2, k.rSchool2, '4');
  await save(school, r2, '5');
  await save(owner, k.rArea, '2');
  // confirmation times, oldest first: r2, the second school, the first school, the area office
  const t0 = Math.floor(Date.now() / 1000) - 86400;
  sql(`UPDATE kpi_reports SET confirmed_at = ${t0} WHERE id = ${r2}`);
  sql(`UPDATE kpi_reports SET confirmed_at = ${t0 + 60} WHERE id = ${k.rSchool2}`);
  sql(`UPDATE kpi_reports SET confirmed_at = ${t0 + 120} WHERE id = ${k.rSchool}`);
  sql(`UPDATE kpi_reports SET confirmed_at = ${t0 + 180} WHERE id = ${k.rArea}`);
  const ids = async (c) => (await getJson(c, `/kpi/${fy}/review-queue`)).rows.map((x) => x.report_id);
  // the area's reviewer: every work group's, oldest first
  assert.deepEqual(await ids(reviewer), [r2, k.rSchool2, k.rSchool, k.rArea]);
  const q = await getJson(reviewer, `/kpi/${fy}/review-queue`);
  const first = q.rows[0];
  assert.equal(first.number, 'Q2');
  assert.equal(first.url, `/kpi/reports/${r2}`);
  assert.ok(first.unit_name && first.period_label, JSON.stringify(first));
  assert.equal(first.self, '5');
  // the owner of work group 1: its indicator only, and not his own report
  assert.deepEqual(await ids(owner), [k.rSchool2, k.rSchool]);
  // the area admin: all of them
  assert.deepEqual(await ids(admin), [r2, k.rSchool2, k.rSchool, k.rArea]);
  // schools and teachers have no queue
  assert.equal((await school.get(`/kpi/${fy}/review-queue`)).status, 403);
  assert.equal((await teacher.get(`/kpi/${fy}/review-queue`)).status, 403);
  // a reviewed report leaves the queue; a draft is never in it
  await review(r2, '4');
  assert.deepEqual(await ids(reviewer), [k.rSchool2, k.rSchool, k.rArea]);
  // the HTML page links each report
  const html = await reviewer.get(`/kpi/${fy}/review-queue`);
  assert.equal(html.status, 200);
  assert.match(html.text, /รายงานรอตรวจ/);
  assert.ok(html.text.includes(`href="/kpi/reports/${k.rSchool2}"`));
  // the menu: reviewers, owners and the area admin; not a school
  for (const c of [reviewer, owner, admin]) assert.match((await c.get(`/kpi/${fy}`)).text, /href="\/kpi\/review-queue"/);
  assert.doesNotMatch((await school.get(`/kpi/${fy}`)).text, /href="\/kpi\/review-queue"/);
  const go = await reviewer.get('/kpi/review-queue');
  assert.equal(go.status, 303);
  assert.match(go.headers.get ? go.headers.get('location') : go.headers.location, /^\/kpi\/\d{4}\/review-queue$/);
});

test('a report form tells every error at once; an emptied score or file description is an error, not kept', async () => {
  const k = await ownIndicator(2584);
  const rid = k.rSchool;
  let r = await school.postMultipart(`/kpi/reports/${rid}`, { self_score: '3', confirm: '0', new_desc_1: 'หลักฐาน' },
    { new_file_1: pdf('proof.pdf') });
  assert.equal(r.status, 303, r.text.slice(0, 300));
  const state = () => sql(`SELECT r.status || ' ' || r.self_x100 || ' ' || f.description FROM kpi_reports r
    JOIN kpi_report_files f ON f.report_id = r.id WHERE r.id = ${rid}`);
  assert.equal(state(), 'draft 300 หลักฐาน');
  // the description and the score wiped, a description without its file,
  // a file without its description: four errors in one answer
  r = await school.postMultipart(`/kpi/reports/${rid}`,
    { desc_1: '', self_score: '', confirm: '1', new_desc_2: 'คำสั่งแต่งตั้ง', new_desc_3: '' },
    { new_file_3: pdf('c.pdf') }, { json: true });
  assert.equal(r.status, 422, r.text.slice(0, 300));
  const errs = r.json.form.errors;
  assert.equal(errs.desc_1, 'กรุณาพิมพ์รายละเอียดคำอธิบายประกอบไฟล์ลำดับที่ 1 (บังคับกรอก)');
  assert.match(errs.self_score, /^กรุณากรอกคะแนนประเมินตนเอง/);
  assert.match(errs.new_desc_2, /^มีคำอธิบายไฟล์ลำดับที่ 3 แต่ยังไม่ได้เลือกไฟล์/);
  assert.equal(errs.new_desc_3, 'กรุณาพิมพ์รายละเอียดคำอธิบายประกอบไฟล์ลำดับที่ 4 (บังคับกรอก)');
  // nothing stored
  assert.equal(state(), 'draft 300 หลักฐาน');
  assert.equal(count(`SELECT COUNT(*) FROM kpi_report_files WHERE report_id = ${rid}`), 1);
  // the page shows them together, with the emptied fields empty
  r = await school.postMultipart(`/kpi/reports/${rid}`, { desc_1: '', self_score: '', confirm: '0' }, {});
  assert.equal(r.status, 422);
  assert.match(r.text, /กรุณาพิมพ์รายละเอียดคำอธิบายประกอบไฟล์ลำดับที่ 1/);
  assert.match(r.text, /กรุณากรอกคะแนนประเมินตนเอง/);
  assert.equal(state(), 'draft 300 หลักฐาน');
  // a new score and description are taken
  r = await school.postMultipart(`/kpi/reports/${rid}`, { desc_1: 'หลักฐานใหม่', self_score: '4', confirm: '1' }, {});
  assert.equal(r.status, 303, r.text.slice(0, 300));
  assert.equal(state(), 'confirmed 400 หลักฐานใหม่');
});
