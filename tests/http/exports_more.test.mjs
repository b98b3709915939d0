// exports_more.test.mjs: the lists that had no download (issue 15 item 6,
// X-3) — the OSS officer assignments, the KPI roles of an area, the
// school-admin registration queue, the password-request queue, the G-code
// requests (the area's queue and a school's list) and a school's data
// calendar — each as CSV and XLSX read as a spreadsheet reads them
// (sheets.mjs), with the page's filters and masking, the page's download
// links, and the export of personal data audited.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, AddressClient, ipSequence, citizenId, altcha, files } from './lib.mjs';
import { download, readCsv, readXlsx, assertWorkbook, assertSheetName, assertFileName } from './sheets.mjs';

const PW = 'khet-demo-2567';
const THAI_DATE_FMT = '[$-107041E]d mmm yyyy';
const THAI_DATETIME_FMT = '[$-107041E]d mmm yyyy hh:mm';
let server, area, area2, school;
const nextIp = ipSequence('10.73');
const sql = (q) => server.sql(q);
const n = (q) => Number(sql(q));
async function as(login) {
  const c = new AddressClient(server.base, nextIp());
  await c.get('/signin');
  const r = await c.post('/signin', { login, password: PW });
  assert.equal(r.status, 303, `sign in ${login}: ${r.status}`);
  return c;
}
const personalReads = (what) => n(`SELECT COUNT(*) FROM audit WHERE action = 'personal.read' AND detail LIKE '%export:${what}%'`);
// The Bangkok calendar day (ISO) of UTC epoch seconds.
const bangkokDay = (t) => new Date((t + 7 * 3600) * 1000).toISOString().slice(0, 10);

before(async () => {
  server = await startServer({ args: ['--trust-proxy'] });
  area = n("SELECT id FROM areas WHERE code = '3502'");
  area2 = n("SELECT id FROM areas WHERE code = '6201'");
  school = n("SELECT g.school_id FROM grants g JOIN users u ON u.id = g.user_id WHERE u.username = 'schooladmin' AND g.role = 'school_admin'");
});
after(async () => {
  await server?.stop();
  assert.doesNotMatch(server?.log() ?? '', /Sanitizer|runtime error:/);
});

test('OSS officers: the area\'s assignments as CSV and XLSX, service codes as text, the day assigned as a Thai date cell, audited', async () => {
  const admin = await as('areaadmin1');
  const page = await admin.get('/oss/admin/officers');
  assert.equal(page.status, 200);
  assert.match(page.text, /href="\/oss\/admin\/officers\?format=xlsx"/);
  assert.match(page.text, /href="\/oss\/admin\/officers\?format=csv"/);
  const want = sql(`SELECT g.service || '|' || u.email || '|' || g.granted_at FROM grants g JOIN users u ON u.id = g.user_id WHERE g.area_id = ${area} AND g.role = 'officer' AND g.revoked_at IS NULL AND u.status = 'active'`).split('\n').filter(Boolean).sort();
  assert.ok(want.length >= 6, 'the demo officer serves six services');
  const before = personalReads('oss-officers-3502');
  const csv = await download(admin, '/oss/admin/officers?format=csv');
  assert.equal(csv.status, 200);
  assert.match(csv.headers.get('content-type'), /^text\/csv; charset=utf-8/);
  assert.match(assertFileName(csv, 'oss-officers-3502', 'csv'), /^เจ้าหน้าที่ผู้ให้บริการ สพป\.ยโสธร เขต 2-/);
  const { rows, text } = readCsv(csv.buf);
  assert.deepEqual(rows[0], ['รหัสบริการ', 'บริการ', 'เจ้าหน้าที่', 'อีเมล', 'มอบหมายเมื่อ']);
  assert.equal(rows.length - 1, want.length);
  assert.deepEqual(rows.slice(1).map((r) => `${r[0]}|${r[3]}`).sort(), want.map((w) => w.split('|').slice(0, 2).join('|')).sort());
  assert.ok(text.includes('"=""31"""'), 'the service code is kept as text');
  const granted = Object.fromEntries(want.map((w) => { const [s, e, t] = w.split('|'); return [`${s}|${e}`, Number(t)]; }));
  for (const r of rows.slice(1)) assert.equal(r[4], bangkokDay(granted[`${r[0]}|${r[3]}`]), 'the Bangkok day, ISO');
  assert.equal(personalReads('oss-officers-3502'), before + 1, 'the e-mails exported are a read of personal data');

  const x = await download(admin, '/oss/admin/officers?format=xlsx');
  assert.equal(x.status, 200);
  assert.match(x.headers.get('content-type'), /spreadsheetml/);
  assertFileName(x, 'oss-officers-3502', 'xlsx');
  const wb = readXlsx(x.buf);
  assertWorkbook(wb, rows[0]);
  assertSheetName(wb.sheets[0], 'เจ้าหน้าที่ผู้ให้บริการ สพป.ยโสธร เขต 2', ['บริการ']);
  assert.equal(wb.rows.length, rows.length);
  wb.rows.slice(1).forEach((r, k) => {
    assert.equal(r[0].type, 's');
    assert.equal(r[0].value, rows[1 + k][0]);
    assert.equal(r[4].type, 'd', 'a date cell');
    assert.equal(r[4].format, THAI_DATE_FMT);
    assert.equal(r[4].value.toISOString().slice(0, 10), rows[1 + k][4]);
  });
  // an unknown format is a Thai 404; an officer has no admin page to export
  const bad = await admin.get('/oss/admin/officers?format=ods');
  assert.equal(bad.status, 404);
  assert.match(bad.text, /csv หรือ xlsx/);
  assert.equal((await download(await as('officer'), '/oss/admin/officers?format=csv')).status, 403);
  // the other area's admin gets his own area's (none of these)
  const other = readCsv((await download(await as('areaadmin2'), '/oss/admin/officers?format=csv')).buf).rows;
  assert.ok(!other.slice(1).some((r) => rows.slice(1).some((m) => m[3] === r[3] && m[0] === r[0])));
});

test('KPI roles of an area: every owner and reviewer (not one page of 50) as CSV and XLSX', async () => {
  const admin = await as('areaadmin1');
  // more roles than one page holds: reviewers of the whole area (grants
  // as the page makes them, straight into the table)
  // (of one work group and of the whole area), revoked again at the end
  // so that no other test sees these users holding an area role
  const users = sql(`SELECT id FROM users WHERE status = 'active' AND id NOT IN (SELECT user_id FROM grants WHERE role IN ('kpi_owner', 'kpi_reviewer') AND revoked_at IS NULL) ORDER BY id LIMIT 40`).split('\n').map(Number);
  const wg = n(`SELECT MIN(id) FROM work_groups WHERE area_id = ${area}`);
  const now = Math.floor(Date.now() / 1000);
  const first = n('SELECT COALESCE(MAX(id), 0) FROM grants') + 1;
  sql(`INSERT INTO grants (user_id, role, area_id, work_group_id, granted_at) VALUES ${users.flatMap((u) => [`(${u}, 'kpi_reviewer', ${area}, NULL, ${now})`, `(${u}, 'kpi_reviewer', ${area}, ${wg}, ${now})`]).join(', ')}`);
  try {
    const total = n(`SELECT COUNT(*) FROM grants WHERE area_id = ${area} AND role IN ('kpi_owner', 'kpi_reviewer') AND revoked_at IS NULL`);
    assert.ok(total > 50, `${total} roles: more than one page`);
    const page = await admin.get('/kpi/admin/people?page=2');
    assert.equal(page.status, 200);
    assert.match(page.text, /href="\/kpi\/admin\/people\?format=xlsx"/, 'the links drop page=');
    const csv = await download(admin, '/kpi/admin/people?page=2&format=csv');
    assert.equal(csv.status, 200);
    assertFileName(csv, 'kpi-people-3502', 'csv');
    const { rows } = readCsv(csv.buf);
    assert.deepEqual(rows[0], ['ที่', 'ชื่อ', 'ชื่อผู้ใช้ (user)', 'อีเมล', 'บทบาท', 'กลุ่มงาน']);
    assert.equal(rows.length - 1, total, 'every role, whatever the page');
    assert.deepEqual(rows.slice(1).map((r) => Number(r[0])), [...Array(total).keys()].map((k) => k + 1));
    const owner = rows.find((r) => r[2] === 'kpiowner');
    assert.ok(owner, 'the demo owner');
    assert.equal(owner[3], sql("SELECT email FROM users WHERE username = 'kpiowner'"));
    assert.equal(owner[5], sql(`SELECT w.name FROM grants g JOIN work_groups w ON w.id = g.work_group_id JOIN users u ON u.id = g.user_id WHERE u.username = 'kpiowner' AND g.role = 'kpi_owner' AND g.revoked_at IS NULL LIMIT 1`));
    assert.ok(rows.slice(1).some((r) => r[5] === 'ทุกกลุ่มงานของเขต'));
    const wb = readXlsx((await download(admin, '/kpi/admin/people?format=xlsx')).buf);
    assertWorkbook(wb, rows[0]);
    assertSheetName(wb.sheets[0], 'เจ้าของตัวชี้วัดและผู้ตรวจ สพป.ยโสธร เขต 2', ['ตัวชี้วัด']);
    assert.equal(wb.rows.length, rows.length);
    assert.ok(wb.rows.slice(1).every((r, k) => r[0].type === 'n' && r[0].value === k + 1), 'the row number is a number');
    // only an area admin: the owner himself may not
    assert.equal((await download(await as('kpiowner'), '/kpi/admin/people?format=csv')).status, 403);
  } finally {
    sql(`UPDATE grants SET revoked_at = ${now} WHERE id >= ${first} AND role = 'kpi_reviewer' AND granted_at = ${now}`);
  }
});

test('school-admin registrations: the queue with its status tab as CSV and XLSX, the citizen ID masked as on the page', async () => {
  const code = sql(`SELECT obec_code FROM schools WHERE area_id = ${area} ORDER BY obec_code LIMIT 1 OFFSET 5`);
  const cid = citizenId('31' + String(Date.now()).slice(-10));
  const anon = new AddressClient(server.base, nextIp());
  await anon.get('/school-admin/register');
  const sent = await anon.postMultipart('/school-admin/register', {
    school_code: code, registrant: 'director', delegated_by: '', citizen_id: cid, title: 'นาย', first_name: 'ส่งออก',
    last_name: 'ทดสอบ', position: 'ผู้อำนวยการโรงเรียน', phone: '0812345678', email: `reg${cid.slice(-6)}@example.net`,
    altcha: await altcha(anon),
  }, {});
  assert.equal(sent.status, 303, sent.text.slice(0, 500));
  const id = n(`SELECT id FROM school_admin_regs WHERE citizen_id = '${cid}'`);
  const admin = await as('areaadmin1');
  const page = await admin.get(`/areas/${area}/school-admin-regs?status=all`);
  assert.equal(page.status, 200);
  assert.match(page.text, new RegExp(`href="/areas/${area}/school-admin-regs\\?status=all&amp;format=xlsx"`));
  const total = n(`SELECT COUNT(*) FROM school_admin_regs WHERE area_id = ${area}`);
  const before = personalReads('school-admin-regs-3502');
  const csv = await download(admin, `/areas/${area}/school-admin-regs?status=all&format=csv`);
  assert.equal(csv.status, 200);
  assertFileName(csv, 'school-admin-regs-3502', 'csv');
  const { rows, text } = readCsv(csv.buf);
  assert.equal(rows[0][0], 'เลขที่');
  assert.equal(rows.length - 1, total);
  const mine = rows.find((r) => Number(r[0]) === id);
  assert.ok(mine, 'the registration is in the file');
  assert.equal(mine[1], code);
  assert.ok(text.includes(`"=""${code}"""`), 'the OBEC code kept as text');
  assert.equal(mine[3], 'นายส่งออก ทดสอบ');
  assert.equal(mine[6], `reg${cid.slice(-6)}@example.net`);
  assert.equal(mine[8], 'รออนุมัติ');
  assert.ok(!text.includes(cid), 'no whole citizen ID');
  assert.ok(!/\d{13}/.test(text), 'no whole citizen ID at all');
  assert.match(mine[5], /x/i, 'masked as on the page');
  assert.match(mine[7], /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
  assert.equal(personalReads('school-admin-regs-3502'), before + 1, 'the e-mails exported are audited');
  // the status tab filters the file
  const approved = readCsv((await download(admin, `/areas/${area}/school-admin-regs?status=approved&format=csv`)).buf).rows;
  assert.equal(approved.length - 1, n(`SELECT COUNT(*) FROM school_admin_regs WHERE area_id = ${area} AND status = 'approved'`));
  assert.ok(!approved.slice(1).some((r) => Number(r[0]) === id));
  const x = await download(admin, `/areas/${area}/school-admin-regs?status=all&format=xlsx`);
  assertFileName(x, 'school-admin-regs-3502', 'xlsx');
  const wb = readXlsx(x.buf);
  assertWorkbook(wb, rows[0]);
  assertSheetName(wb.sheets[0], 'การลงทะเบียนแอดมินสถานศึกษา สพป.ยโสธร เขต 2', ['แอดมิน', 'สถานศึกษา']);
  const xr = wb.rows.find((r) => r[0]?.value === id);
  assert.equal(xr[0].type, 'n');
  assert.equal(xr[1].type, 's');
  assert.equal(xr[7].type, 'd');
  assert.equal(xr[7].format, THAI_DATETIME_FMT);
  assert.equal(xr[7].value.toISOString().slice(0, 16).replace('T', ' '), mine[7]);
  assert.equal(xr[9], undefined, 'not decided: an empty cell');
  assert.equal((await download(await as('areaadmin2'), `/areas/${area}/school-admin-regs?format=csv`)).status, 403);
});

test('password requests: the area admin\'s queue as CSV and XLSX, the phone kept as text with its 0, the tab\'s requests only', async () => {
  const t = sql("SELECT citizen_id || '|' || first_name || '|' || last_name || '|' || email FROM users WHERE username = 'teacher'").split('|');
  const anon = new AddressClient(server.base, nextIp());
  await anon.get('/password/request');
  const r = await anon.post('/password/request', { citizen_id: t[0], first_name: t[1], last_name: t[2], phone: '0810000007', reason: 'forgot', channel: 'line', line_id: 'teacher.line', note: '=ลืม', pledge: '1' });
  assert.equal(r.status, 303);
  const row = sql("SELECT pr.id || '|' || COALESCE(pr.area_id, 0) FROM password_requests pr JOIN users u ON u.id = pr.user_id WHERE u.username = 'teacher'").split('|').map(Number);
  assert.equal(row[1], area, 'a school account: the area admin decides');
  const admin = await as('areaadmin1');
  const page = await admin.get('/password/requests');
  assert.match(page.text, /href="\/password\/requests\?format=xlsx"/);
  const before = personalReads('password-requests-3502');
  const csv = await download(admin, '/password/requests?format=csv');
  assert.equal(csv.status, 200);
  assertFileName(csv, 'password-requests-3502', 'csv');
  const { rows, text } = readCsv(csv.buf);
  assert.deepEqual(rows[0].slice(0, 4), ['เลขที่', 'ยื่นเมื่อ', 'ผู้ขอ', 'ชื่อผู้ใช้ (user)']);
  assert.equal(rows.length - 1, n(`SELECT COUNT(*) FROM password_requests WHERE area_id = ${area} AND status = 'open'`));
  const mine = rows.find((x) => Number(x[0]) === row[0]);
  assert.ok(mine);
  assert.equal(mine[3], 'teacher');
  assert.equal(mine[4], 'ลืมรหัสผ่าน');
  assert.equal(mine[6], 'teacher.line');
  assert.equal(mine[7], t[3]);
  assert.equal(mine[8], '0810000007');
  assert.ok(text.includes('"=""0810000007"""'), 'the phone kept as text');
  assert.equal(mine[9], "'=ลืม", 'a formula-like note is defused');
  assert.equal(mine[10], 'รอพิจารณา');
  assert.equal(personalReads('password-requests-3502'), before + 1);
  const x = await download(admin, '/password/requests?format=xlsx');
  assertFileName(x, 'password-requests-3502', 'xlsx');
  const wb = readXlsx(x.buf);
  assertWorkbook(wb, rows[0]);
  assertSheetName(wb.sheets[0], 'คำขอเปลี่ยนรหัสผ่าน สพป.ยโสธร เขต 2', ['รหัสผ่าน']);
  const xr = wb.rows.find((c) => c[0]?.value === row[0]);
  assert.equal(xr[1].type, 'd');
  assert.equal(xr[1].format, THAI_DATETIME_FMT);
  assert.equal(xr[8].type, 's');
  assert.equal(xr[8].value, '0810000007');
  assert.equal(xr[9].type, 's');
  // another tab, another area: not this request
  const appr = readCsv((await download(admin, '/password/requests?status=approved&format=csv')).buf).rows;
  assert.ok(!appr.slice(1).some((c) => Number(c[0]) === row[0]));
  const other = readCsv((await download(await as('areaadmin2'), '/password/requests?format=csv')).buf).rows;
  assert.ok(!other.slice(1).some((c) => Number(c[0]) === row[0]));
  assert.equal((await download(await as('teacher'), '/password/requests?format=csv')).status, 403);
});

test('G-code requests: the area\'s queue (pending, then decided) and a school\'s list as CSV and XLSX', async () => {
  const dmcArea = await as('dmcarea');
  const page = (await dmcArea.get(`/dmc/areas/${area}/gcode`, { json: true })).json;
  assert.ok(page.pending.length >= 1 && page.decided.length >= 1, 'the demo has a pending and a certified request');
  assert.match((await dmcArea.get(`/dmc/areas/${area}/gcode`)).text, new RegExp(`href="/dmc/areas/${area}/gcode\\?format=xlsx"`));
  const csv = await download(dmcArea, `/dmc/areas/${area}/gcode?format=csv`);
  assert.equal(csv.status, 200);
  assertFileName(csv, 'gcode-requests-3502', 'csv');
  const { rows } = readCsv(csv.buf);
  assert.deepEqual(rows[0], ['โรงเรียน', 'คำนำหน้า', 'ชื่อ', 'นามสกุล', 'ชั้น', 'ยื่นเมื่อ', 'สถานะ', 'พิจารณาเมื่อ', 'รหัส G', 'หมายเหตุการพิจารณา']);
  const all = [...page.pending, ...page.decided];
  assert.equal(rows.length - 1, all.length);
  assert.deepEqual(rows.slice(1).map((r) => `${r[2]} ${r[3]}`), all.map((g) => `${g.first_name} ${g.last_name}`));
  const gcode = sql("SELECT gcode FROM dmc_gcode_requests WHERE status = 'approved' AND gcode IS NOT NULL LIMIT 1");
  assert.ok(rows.some((r) => r[8] === gcode), 'the certified code as the page shows it');
  const x = await download(dmcArea, `/dmc/areas/${area}/gcode?format=xlsx`);
  assertFileName(x, 'gcode-requests-3502', 'xlsx');
  const wb = readXlsx(x.buf);
  assertWorkbook(wb, rows[0]);
  assertSheetName(wb.sheets[0], 'คำขอรหัส G สพป.ยโสธร เขต 2');
  wb.rows.slice(1).forEach((r, k) => {
    assert.equal(r[5].type, 'd');
    assert.equal(r[5].format, THAI_DATETIME_FMT);
    assert.equal(r[5].value.toISOString().slice(0, 16).replace('T', ' '), rows[1 + k][5]);
    if (rows[1 + k][8]) assert.equal(r[8].type, 's');
  });
  assert.equal((await download(await as('schooladmin'), `/dmc/areas/${area}/gcode?format=csv`)).status, 403);

  // the school's own list: its requests, without the school column
  const admin = await as('schooladmin');
  assert.match((await admin.get(`/dmc/schools/${school}/gcode`)).text, new RegExp(`href="/dmc/schools/${school}/gcode\\?format=csv"`));
  const obec = sql(`SELECT obec_code FROM schools WHERE id = ${school}`);
  const sc = await download(admin, `/dmc/schools/${school}/gcode?format=csv`);
  assert.equal(sc.status, 200);
  assertFileName(sc, `gcode-requests-${obec}`, 'csv');
  const sr = readCsv(sc.buf).rows;
  assert.deepEqual(sr[0], rows[0].slice(1));
  assert.equal(sr.length - 1, n(`SELECT COUNT(*) FROM dmc_gcode_requests WHERE school_id = ${school}`));
  const sx = readXlsx((await download(admin, `/dmc/schools/${school}/gcode?format=xlsx`)).buf);
  assertWorkbook(sx, sr[0]);
  assert.equal((await download(await as('schooladmin2'), `/dmc/schools/${school}/gcode?format=csv`)).status, 404);
});

test('a school\'s data calendar: what it owes, is late with and has done, as CSV and XLSX with date-time cells', async () => {
  const admin = await as('schooladmin');
  const page = (await admin.get(`/cal/schools/${school}`, { json: true })).json;
  const total = page.n_owed + page.n_late + page.n_done;
  assert.ok(total > 0, 'the demo calendar has deadlines');
  assert.match((await admin.get(`/cal/schools/${school}`)).text, new RegExp(`href="/cal/schools/${school}\\?format=xlsx"`));
  const obec = sql(`SELECT obec_code FROM schools WHERE id = ${school}`);
  const csv = await download(admin, `/cal/schools/${school}?format=csv`);
  assert.equal(csv.status, 200);
  assertFileName(csv, `calendar-${obec}`, 'csv');
  const { rows } = readCsv(csv.buf);
  assert.deepEqual(rows[0], ['กำหนดการ', 'เริ่ม', 'ครบกำหนด', 'สถานะ', 'สิ่งที่ยังค้าง', 'หมายเหตุ']);
  assert.equal(rows.length - 1, total);
  // the page's order: owed, late, done
  assert.deepEqual(rows.slice(1).map((r) => r[0]), [...page.owed, ...page.late, ...page.done].map((d) => d.title));
  assert.deepEqual(rows.slice(1).map((r) => r[3]), [
    ...page.owed.map(() => 'ยังค้าง'), ...page.late.map(() => 'เลยกำหนดแล้วและยังค้าง'), ...page.done.map(() => 'ดำเนินการแล้ว')]);
  page.owed.forEach((d, k) => assert.equal(rows[1 + k][4], d.what.map((w) => w.detail).join('; ')));
  for (const r of rows.slice(1)) assert.match(r[2], /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
  const wb = readXlsx((await download(admin, `/cal/schools/${school}?format=xlsx`)).buf);
  assertWorkbook(wb, rows[0]);
  wb.rows.slice(1).forEach((r, k) => {
    assert.equal(r[2].type, 'd');
    assert.equal(r[2].format, THAI_DATETIME_FMT);
    assert.equal(r[2].value.toISOString().slice(0, 16).replace('T', ' '), rows[1 + k][2]);
  });
  // the area admin sees it; another area's admin does not
  assert.equal((await download(await as('areaadmin1'), `/cal/schools/${school}?format=csv`)).status, 200);
  assert.equal((await download(await as('areaadmin2'), `/cal/schools/${school}?format=csv`)).status, 403);
});

test('DMC duplicates of an area: the pairs as CSV and XLSX, codes masked as on the page, birth dates as date cells, audited', async () => {
  const s2 = n(`SELECT id FROM schools WHERE area_id = ${area} ORDER BY obec_code LIMIT 1 OFFSET 1`);
  assert.notEqual(s2, school);
  let seq = 0;
  const learner = (over) => ({
    citizen_id: citizenId('18' + String(Date.now() % 1e6).padStart(6, '0') + String(++seq).padStart(4, '0')), gcode: '', title: 'girl',
    first_name: 'ส่งออกซ้ำ', last_name: 'สองโรงเรียน', sex: 'F', birth_date: '2016-01-02', nationality: 'TH', grade: 'p4', room: '1',
    weight: '', height: '', disadvantaged: 'none', disability: 'none', guardian_name: '', guardian_phone: '', address: '', ...over,
  });
  const a = learner(), b = learner();
  for (const [login, sid, f] of [['schooladmin', school, a], ['schooladmin2', s2, b]]) {
    const r = await (await as(login)).post(`/dmc/schools/${sid}/learners/new`, f);
    assert.equal(r.status, 303, `add: ${r.status} ${r.text.slice(0, 300)}`);
  }
  const officer = await as('dmcarea');
  const page = (await officer.get(`/dmc/areas/${area}/duplicates`, { json: true })).json;
  assert.ok(page.duplicates.some((d) => d.a_first_name === 'ส่งออกซ้ำ'), 'the pair is listed');
  assert.match((await officer.get(`/dmc/areas/${area}/duplicates`)).text, new RegExp(`href="/dmc/areas/${area}/duplicates\\?format=xlsx"`));
  const before = personalReads('dmc-duplicates-3502');
  const csv = await download(officer, `/dmc/areas/${area}/duplicates?format=csv`);
  assert.equal(csv.status, 200);
  assertFileName(csv, 'dmc-duplicates-3502', 'csv');
  const { rows, text } = readCsv(csv.buf);
  assert.equal(rows[0][0], 'พบเมื่อ');
  assert.equal(rows.length - 1, page.duplicates.length);
  const mine = rows.find((r) => r[5] === 'ส่งออกซ้ำ');
  assert.equal(mine[8], '2016-01-02');
  assert.equal(mine[14], '2016-01-02');
  assert.equal(mine[7], page.duplicates.find((d) => d.a_first_name === 'ส่งออกซ้ำ').a_ident_masked);
  assert.ok(!text.includes(a.citizen_id) && !text.includes(b.citizen_id), 'no whole citizen ID');
  assert.equal(personalReads('dmc-duplicates-3502'), before + 1, 'birth dates exported: audited');
  const wb = readXlsx((await download(officer, `/dmc/areas/${area}/duplicates?format=xlsx`)).buf);
  assertWorkbook(wb, rows[0]);
  assertSheetName(wb.sheets[0], 'นักเรียนที่มีข้อมูลซ้ำซ้อน สพป.ยโสธร เขต 2', ['ซ้ำซ้อน']);
  const xr = wb.rows.find((r) => r[5]?.value === 'ส่งออกซ้ำ');
  assert.equal(xr[0].type, 'd');
  assert.equal(xr[0].format, THAI_DATETIME_FMT);
  assert.equal(xr[8].type, 'd');
  assert.equal(xr[8].format, THAI_DATE_FMT);
  assert.equal(xr[8].value.toISOString().slice(0, 10), '2016-01-02');
  assert.equal((await download(await as('schooladmin'), `/dmc/areas/${area}/duplicates?format=csv`)).status, 403);
});

test('OSS settings lists: the area\'s meeting rooms (capacity as a number) and public holidays (date cells) as CSV and XLSX', async () => {
  const admin = await as('areaadmin1');
  const rooms = sql(`SELECT name || '|' || capacity || '|' || active FROM oss_rooms WHERE area_id = ${area}`).split('\n').filter(Boolean);
  assert.ok(rooms.length >= 1, 'the demo has rooms');
  assert.match((await admin.get('/oss/admin/rooms')).text, /href="\/oss\/admin\/rooms\?format=xlsx"/);
  const rc = await download(admin, '/oss/admin/rooms?format=csv');
  assert.equal(rc.status, 200);
  assertFileName(rc, 'oss-rooms-3502', 'csv');
  const rr = readCsv(rc.buf).rows;
  assert.deepEqual(rr[0], ['ห้องประชุม', 'ความจุ (คน)', 'การจอง']);
  assert.deepEqual(rr.slice(1).map((r) => `${r[0]}|${r[1]}|${r[2] === 'เปิดให้จอง' ? 1 : 0}`).sort(), rooms.sort());
  const rx = readXlsx((await download(admin, '/oss/admin/rooms?format=xlsx')).buf);
  assertWorkbook(rx, rr[0]);
  assert.ok(rx.rows.slice(1).every((r) => r[1].type === 'n'), 'capacities are numbers');

  const days = sql(`SELECT day FROM oss_holidays WHERE area_id = ${area} ORDER BY day`).split('\n').filter(Boolean);
  assert.ok(days.length >= 1, 'the demo has holidays');
  assert.match((await admin.get('/oss/admin/holidays')).text, /href="\/oss\/admin\/holidays\?format=csv"/);
  const hc = await download(admin, '/oss/admin/holidays?format=csv');
  assertFileName(hc, 'oss-holidays-3502', 'csv');
  const hr = readCsv(hc.buf).rows;
  assert.deepEqual(hr.slice(1).map((r) => r[0]), days, 'ISO days in date order');
  const hx = readXlsx((await download(admin, '/oss/admin/holidays?format=xlsx')).buf);
  assertWorkbook(hx, hr[0]);
  hx.rows.slice(1).forEach((r, k) => {
    assert.equal(r[0].type, 'd');
    assert.equal(r[0].format, THAI_DATE_FMT);
    assert.equal(r[0].value.toISOString().slice(0, 10), days[k]);
  });
  assert.equal((await download(await as('officer'), '/oss/admin/holidays?format=csv')).status, 403);
});

test('a user\'s own access requests and a school\'s teacher accounts as CSV and XLSX', async () => {
  const teacher = await as('teacher');
  await teacher.get(`/access/requests/new?area=${area}`);
  const sent = await teacher.postMultipart('/access/requests', { area_id: String(area), permission: 'officer:21', school_id: '', work_group_id: '', position: 'ครู', note: 'ส่งออกของฉัน', confirm: '1' },
    { file: { data: files.pdf(), filename: 'form.pdf', type: 'application/pdf' } });
  assert.equal(sent.status, 303, sent.text.slice(0, 300));
  const mine = n("SELECT COUNT(*) FROM access_requests r JOIN users u ON u.id = r.user_id WHERE u.username = 'teacher'");
  assert.match((await teacher.get('/access/requests')).text, /href="\/access\/requests\?format=xlsx"/);
  const csv = await download(teacher, '/access/requests?format=csv');
  assert.equal(csv.status, 200);
  assertFileName(csv, 'my-access-requests', 'csv');
  const { rows } = readCsv(csv.buf);
  assert.equal(rows[0][0], 'เลขที่คำขอ');
  assert.equal(rows.length - 1, mine);
  assert.ok(rows.slice(1).some((r) => r[4] === 'รอพิจารณา'));
  const wb = readXlsx((await download(teacher, '/access/requests?format=xlsx')).buf);
  assertWorkbook(wb, rows[0]);
  assert.equal(wb.rows[1][0].type, 'n');
  assert.equal(wb.rows[1][3].type, 'd');
  // another user's file holds none of them
  const other = readCsv((await download(await as('citizen'), '/access/requests?format=csv')).buf).rows;
  assert.ok(!other.slice(1).some((r) => rows.slice(1).some((x) => x[0] === r[0])));

  const admin = await as('schooladmin');
  const page = await admin.get('/teachers?citizen_id=1103700012346');
  assert.match(page.text, /href="\/teachers\?format=xlsx"/, 'the links carry no citizen ID');
  const obec = sql(`SELECT obec_code FROM schools WHERE id = ${school}`);
  const tc = await download(admin, '/teachers?format=csv');
  assert.equal(tc.status, 200);
  assertFileName(tc, `teachers-${obec}`, 'csv');
  const tr = readCsv(tc.buf).rows;
  assert.deepEqual(tr[0], ['ชื่อ-นามสกุล', 'ชื่อผู้ใช้ (user)', 'ได้รับสิทธิ์เมื่อ']);
  assert.equal(tr.length - 1, n(`SELECT COUNT(*) FROM grants g JOIN users u ON u.id = g.user_id WHERE g.school_id = ${school} AND g.role = 'teacher' AND g.revoked_at IS NULL AND u.status = 'active'`));
  assert.ok(tr.some((r) => r[1] === 'teacher'));
  const tx = readXlsx((await download(admin, '/teachers?format=xlsx')).buf);
  assertWorkbook(tx, tr[0]);
  assert.ok(tx.rows.slice(1).every((r) => r[2].type === 'd'));
  assert.equal((await download(teacher, '/teachers?format=csv')).status, 403);
});

test('DPA transfer requests of a school: both lists as CSV and XLSX, the citizen ID masked and only where the page shows it', async () => {
  const t = sql("SELECT id || '|' || from_school_id || '|' || to_school_id || '|' || note FROM dpa_transfers WHERE status = 'pending' ORDER BY id LIMIT 1").split('|');
  assert.equal(t.length, 4, 'the demo has a pending transfer');
  const [, from, to, note] = t;
  const login = (sid) => sql(`SELECT u.username FROM grants g JOIN users u ON u.id = g.user_id WHERE g.school_id = ${sid} AND g.role = 'school_admin' AND g.revoked_at IS NULL LIMIT 1`);
  // the school the person would leave: a request for its staff
  const fromAdmin = await as(login(from));
  const page = (await fromAdmin.get(`/dpa/schools/${from}/transfers`, { json: true })).json;
  assert.match((await fromAdmin.get(`/dpa/schools/${from}/transfers`)).text, new RegExp(`href="/dpa/schools/${from}/transfers\\?format=xlsx"`));
  const obec = sql(`SELECT obec_code FROM schools WHERE id = ${from}`);
  const csv = await download(fromAdmin, `/dpa/schools/${from}/transfers?format=csv`);
  assert.equal(csv.status, 200);
  assertFileName(csv, `dpa-transfers-${obec}`, 'csv');
  const { rows, text } = readCsv(csv.buf);
  assert.equal(rows[0][0], 'รายการ');
  assert.equal(rows.length - 1, page.incoming.length + page.outgoing.length);
  const inc = rows.find((r) => r[0] === 'โรงเรียนอื่นขอย้ายบุคลากรของเรา');
  assert.ok(inc, 'the request for its staff');
  assert.equal(inc[5], page.incoming[0].cid_masked);
  assert.equal(inc[10], note);
  assert.equal(inc[8], 'รอพิจารณา');
  assert.ok(!/\d{13}/.test(text), 'no whole citizen ID');
  const wb = readXlsx((await download(fromAdmin, `/dpa/schools/${from}/transfers?format=xlsx`)).buf);
  assertWorkbook(wb, rows[0]);
  assert.equal(wb.rows[1][1].type, 'd');
  assert.equal(wb.rows[1][1].format, THAI_DATETIME_FMT);
  // the school that asked: its own request, without the ID the page leaves out
  const toAdmin = await as(login(to));
  const out = readCsv((await download(toAdmin, `/dpa/schools/${to}/transfers?format=csv`)).buf).rows;
  const mine = out.find((r) => r[0] === 'คำขอของโรงเรียนเรา');
  assert.ok(mine, 'its own request');
  assert.equal(mine[5], '');
  assert.equal(mine[6], sql(`SELECT name FROM schools WHERE id = ${from}`));
  // a school of another area sees neither
  const s3 = n(`SELECT id FROM schools WHERE area_id = ${area2} ORDER BY id LIMIT 1`);
  assert.notEqual((await download(fromAdmin, `/dpa/schools/${s3}/transfers?format=csv`)).status, 200);
});

test('a school\'s buildings (bld) as CSV and XLSX: the page\'s table, figures as numbers', async () => {
  const admin = await as('schooladmin');
  const page = (await admin.get(`/bld/schools/${school}`, { json: true })).json;
  assert.ok(page.buildings.length >= 1, 'the demo school has buildings');
  assert.match((await admin.get(`/bld/schools/${school}`)).text, new RegExp(`href="/bld/schools/${school}\\?format=xlsx"`));
  const obec = sql(`SELECT obec_code FROM schools WHERE id = ${school}`);
  const csv = await download(admin, `/bld/schools/${school}?format=csv`);
  assert.equal(csv.status, 200);
  assertFileName(csv, `bld-buildings-${obec}`, 'csv');
  const { rows } = readCsv(csv.buf);
  assert.deepEqual(rows[0], ['อาคาร', 'ประเภท', 'แบบ', 'ปีที่สร้าง (พ.ศ.)', 'ชั้น', 'ห้องเรียน', 'ห้องทั้งหมด', 'พื้นที่ (ตร.ม.)', 'สภาพ']);
  assert.deepEqual(rows.slice(1).map((r) => r[0]), page.buildings.map((b) => b.name));
  assert.deepEqual(rows.slice(1).map((r) => Number(r[6])), page.buildings.map((b) => b.room_count));
  const wb = readXlsx((await download(admin, `/bld/schools/${school}?format=xlsx`)).buf);
  assertWorkbook(wb, rows[0]);
  page.buildings.forEach((b, k) => {
    const r = wb.rows[1 + k];
    assert.equal(r[3].type, 'n');
    assert.equal(r[3].value, Number(b.year_built));
    assert.equal(r[7].type, 'n');
    assert.equal(r[7].value, Number(b.area_m2));
    assert.equal(r[7].format, '0.00');
  });
  const other = n(`SELECT id FROM schools WHERE area_id = ${area2} ORDER BY id LIMIT 1`);
  assert.notEqual((await download(admin, `/bld/schools/${other}?format=csv`)).status, 200);
});
