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

// ---- KPI reports (issue 10.6): the school's save, confirm and unconfirm
// and the reviewer's review carry the report's version. The demo: areaadmin1
// (area 3502), schooladmin (its first school; two sessions = two staff of
// the school), kpireviewer (the area's reviewer).
const KPI_FY = 2566;
const kpiRow = (rid) => server.sql(`SELECT status || '|' || version || '|' || COALESCE(self_x100, -1) || '|' ||
  COALESCE(review_x100, -1) || '|' || (SELECT COUNT(*) FROM kpi_report_files f WHERE f.report_id = r.id) || '|' ||
  (SELECT COUNT(*) FROM kpi_report_events ev WHERE ev.report_id = r.id) FROM kpi_reports r WHERE r.id = ${rid}`);

async function kpiReport() {
  const area = server.sql("SELECT id FROM areas WHERE code = '3502'");
  const wg = server.sql(`SELECT id FROM work_groups WHERE area_id = ${area} ORDER BY sort, id LIMIT 1`);
  let r = await admin.post(`/kpi/${KPI_FY}/new`, {
    number: `S${Date.now() % 100000}`, name: 'ร้อยละของโรงเรียนที่ส่งแผนปฏิบัติการตามกำหนด', description: '', d1: '1',
    type: 'level5', weight: '1', criteria: '2, 3, 4, 5', period_kind: 'half', status: 'open', work_group_id: wg,
  }, { json: true });
  assert.equal(r.status, 200, r.text);
  const ind = Number(r.json.location.split('/').pop());
  const period = server.sql(`SELECT id FROM kpi_periods WHERE indicator_id = ${ind} AND seq = 1`);
  assert.equal((await admin.post(`/kpi/periods/${period}/open`, {})).status, 303);
  assert.equal((await admin.post(`/kpi/periods/${period}/units`, { all_schools: '1', area_unit: '1' })).status, 303);
  return Number(server.sql(`SELECT r.id FROM kpi_reports r JOIN grants g ON g.school_id = r.school_id
    JOIN users u ON u.id = g.user_id WHERE r.period_id = ${period} AND u.username = 'schooladmin' AND g.role = 'school_admin'`));
}

test('KPI: two staff open one report, one saves, the other saves on the old copy → 409, nothing changed', async () => {
  const rid = await kpiReport();
  const [staffA, staffB] = await Promise.all([signedIn('schooladmin'), signedIn('schooladmin')]);
  const url = `/kpi/reports/${rid}`;
  const v0 = versionOf((await staffA.get(url)).text);
  assert.equal(versionOf((await staffB.get(url)).text), v0);
  // B saves a draft with a file and a score
  const b = await staffB.postMultipart(url, { self_score: '3', confirm: '0', new_desc_1: 'หลักฐานฉบับแรก', _version: String(v0) },
    { new_file_1: { ...pdf(), filename: 'first.pdf' } });
  assert.equal(b.status, 303, b.text.slice(0, 300));
  const before = kpiRow(rid);
  assert.match(before, /^draft\|/);
  assert.notEqual(Number(before.split('|')[1]), v0);
  // A confirms from the page opened before B's save
  const stale = await staffA.postMultipart(url, { self_score: '5', confirm: '1', new_desc_1: 'หลักฐานของ A', _version: String(v0) },
    { new_file_1: { ...pdf(), filename: 'second.pdf' } });
  assert.equal(stale.status, 409);
  assert.match(stale.text, /รายงานนี้ถูกแก้ไขโดยผู้อื่นหลังจากท่านเปิดหน้านี้ \(เวลา \d+ [^\s]+ \d{4}, \d\d:\d\d น\.\)/);
  assert.match(stale.text, /หลักฐานฉบับแรก/); // the current data is shown
  assert.match(stale.text, /คะแนนประเมินตนเอง<\/strong>/); // what differs from what A sent
  assert.equal(versionOf(stale.text), Number(before.split('|')[1])); // ready to save again
  assert.equal(kpiRow(rid), before);
  const js = await staffA.postMultipart(url, { self_score: '5', confirm: '1', _version: String(v0) }, {}, { json: true });
  assert.equal(js.status, 409);
  assert.match(js.json.form.form_error, /รายงานนี้ถูกแก้ไขโดยผู้อื่น/);
  assert.ok(js.json.form.stale_changed.includes('คะแนนประเมินตนเอง')); // 3 now, 5 sent
  assert.equal(kpiRow(rid), before);
  // the same save on the current version goes through
  const ok = await staffA.postMultipart(url, { self_score: '5', confirm: '1', new_desc_1: 'หลักฐานของ A', _version: before.split('|')[1] },
    { new_file_1: { ...pdf(), filename: 'second.pdf' } });
  assert.equal(ok.status, 303, ok.text.slice(0, 300));
  assert.match(kpiRow(rid), /^confirmed\|\d+\|500\|-1\|2\|/);
});

test('KPI: the reviewer\'s review and the school\'s unconfirm on a copy older than the other\'s step → 409', async () => {
  const rid = await kpiReport();
  const [school, reviewer] = await Promise.all([signedIn('schooladmin'), signedIn('kpireviewer')]);
  const url = `/kpi/reports/${rid}`;
  let v = versionOf((await school.get(url)).text);
  assert.equal((await school.postMultipart(url, { self_score: '4', confirm: '1', new_desc_1: 'แผน', _version: String(v) },
    { new_file_1: pdf() })).status, 303);
  // the reviewer opens the confirmed report; the school takes it back and confirms another score
  const vR = versionOf((await reviewer.get(url)).text);
  assert.equal((await school.post(`${url}/unconfirm`, { _version: String(vR) })).status, 303);
  v = versionOf((await school.get(url)).text);
  assert.equal((await school.postMultipart(url, { self_score: '2', confirm: '1', _version: String(v) }, {})).status, 303);
  let before = kpiRow(rid);
  assert.match(before, /^confirmed\|\d+\|200\|-1\|/);
  // the reviewer scores what he saw before: refused, nothing changed
  const stale = await reviewer.post(`${url}/review`, { review_score: '4', _version: String(vR) });
  assert.equal(stale.status, 409);
  assert.match(stale.text, /รายงานนี้ถูกแก้ไขโดยผู้อื่นหลังจากท่านเปิดหน้านี้/);
  assert.equal(versionOf(stale.text), Number(before.split('|')[1]));
  assert.equal(kpiRow(rid), before);
  // the school opens the page, the reviewer reviews the current version
  const vS = versionOf((await school.get(url)).text);
  assert.equal((await reviewer.post(`${url}/review`, { review_score: '3', _version: before.split('|')[1] })).status, 303);
  before = kpiRow(rid);
  assert.match(before, /^reviewed\|\d+\|200\|300\|/);
  // the school takes back (or saves) from the page opened before the review
  const un = await school.post(`${url}/unconfirm`, { _version: String(vS) });
  assert.equal(un.status, 409);
  assert.match(un.text, /รายงานนี้ถูกแก้ไขโดยผู้อื่นหลังจากท่านเปิดหน้านี้/);
  const sv = await school.postMultipart(url, { self_score: '5', confirm: '1', _version: String(vS) }, {}, { json: true });
  assert.equal(sv.status, 409);
  assert.match(sv.json.form.form_error, /รายงานนี้ถูกแก้ไขโดยผู้อื่น/);
  assert.equal(kpiRow(rid), before);
});

// ---- the area admin's account edit (issue 10.6): areaadmin1 and a second
// area admin of the same area (citizen, given the role here) edit the same
// account.
test('account edit: two area admins edit one account, the second saves on the old copy → 409, nothing changed', async () => {
  const area = server.sql("SELECT id FROM areas WHERE code = '3502'");
  server.sql(`INSERT INTO grants (user_id, role, area_id, granted_at) SELECT id, 'area_admin', ${area}, 0 FROM users WHERE username = 'citizen'`);
  const [admin1, admin2] = await Promise.all([signedIn('areaadmin1'), signedIn('citizen')]);
  const uid = server.sql("SELECT id FROM users WHERE username = 'schooladmin2'");
  const url = `/areas/${area}/users/${uid}`;
  const names = ['title', 'first_name', 'last_name', 'email', 'phone', 'staff_id', 'personnel_type'];
  const fields = () => {
    const v = server.sql(`SELECT ${names.map((n) => `COALESCE(${n}, '')`).join(" || '|' || ")} FROM users WHERE id = ${uid}`).split('|');
    return Object.fromEntries(names.map((n, i) => [n, v[i]]));
  };
  const row = () => server.sql(`SELECT version || '|' || title || first_name || ' ' || last_name || '|' || email || '|' ||
    COALESCE(phone, '') || '|' || updated_at FROM users WHERE id = ${uid}`);
  const p1 = await admin1.get(url), p2 = await admin2.get(url);
  assert.equal(p1.status, 200);
  assert.equal(p2.status, 200, p2.text.slice(0, 300));
  const v0 = versionOf(p1.text);
  assert.equal(versionOf(p2.text), v0);
  const orig = fields();
  // the first admin saves a new phone number
  const first = await admin1.post(url, { ...orig, phone: '0891234567', _version: String(v0) });
  assert.equal(first.status, 303, first.text.slice(0, 300));
  const before = row();
  assert.notEqual(Number(before.split('|')[0]), v0);
  const audits = server.sql(`SELECT COUNT(*) FROM audit WHERE action = 'user.update'`);
  // the second saves a new first name from the page opened before
  const stale = await admin2.post(url, { ...orig, first_name: 'สมชาย', _version: String(v0) });
  assert.equal(stale.status, 409);
  assert.match(stale.text, /บัญชีผู้ใช้นี้ถูกแก้ไขโดยผู้อื่นหลังจากท่านเปิดหน้านี้ \(เวลา \d+ [^\s]+ \d{4}, \d\d:\d\d น\.\)/);
  assert.match(stale.text, /value="089-?123-?4567"|value="0891234567"/); // the current data is shown
  assert.equal(versionOf(stale.text), Number(before.split('|')[0]));
  assert.equal(row(), before);
  assert.equal(server.sql(`SELECT COUNT(*) FROM audit WHERE action = 'user.update'`), audits);
  const js = await admin2.post(url, { ...orig, first_name: 'สมชาย', _version: String(v0) }, { json: true });
  assert.equal(js.status, 409);
  assert.match(js.json.form.form_error, /บัญชีผู้ใช้นี้ถูกแก้ไขโดยผู้อื่น/);
  assert.ok(js.json.form.stale_changed.includes('หมายเลขโทรศัพท์'));
  assert.equal(row(), before);
  // the same edit on the current version goes through, keeping the phone
  const ok = await admin2.post(url, { ...fields(), first_name: 'สมชาย', _version: before.split('|')[0] });
  assert.equal(ok.status, 303, ok.text.slice(0, 300));
  assert.match(row(), /สมชาย/);
  assert.match(row(), /0891234567/);
});
