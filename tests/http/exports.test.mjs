// exports.test.mjs: every list's CSV and XLSX (X-3, issue 15.6), read as a
// spreadsheet reads them (sheets.mjs): the CSV has the BOM, CRLF, codes and
// phone numbers kept as text (="0812345678"), the same rows and filters as
// the page; the XLSX has one sheet named on a word boundary, a bold frozen
// header, codes as text cells, numbers as numbers, dates as date cells in
// the Thai Buddhist-calendar format; the file name is ASCII with the ISO
// date and the Thai name beside it; personal data exported is audited.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, AddressClient, ipSequence, files } from './lib.mjs';
import { download, readCsv, readXlsx, assertWorkbook, assertSheetName, assertFileName } from './sheets.mjs';

const PW = 'khet-demo-2567';
let server, area, area2;
const nextIp = ipSequence('10.71');
async function as(login) {
  const c = new AddressClient(server.base, nextIp());
  await c.get('/signin');
  const r = await c.post('/signin', { login, password: PW });
  assert.equal(r.status, 303, `sign in ${login}: ${r.status}`);
  return c;
}
const sql = (q) => server.sql(q);
const THAI_DATE_FMT = '[$-107041E]d mmm yyyy';
const THAI_DATETIME_FMT = '[$-107041E]d mmm yyyy hh:mm';

before(async () => {
  server = await startServer({ args: ['--trust-proxy'], demoArgs: ['--requests', '60', '--students', '6000'] });
  area = Number(sql("SELECT id FROM areas WHERE code = '3502'"));
  area2 = Number(sql("SELECT id FROM areas WHERE code = '6201'"));
});
after(async () => { await server?.stop(); });

test('schools: CSV and XLSX of the area list with its search, codes as text, the page links both', async () => {
  const c = new AddressClient(server.base, nextIp());
  const page = await c.get(`/areas/${area}/schools?q=&per_page=10&page=2`);
  assert.match(page.text, new RegExp(`href="/areas/${area}/schools\\?q=&amp;per_page=10&amp;format=xlsx"`));
  assert.match(page.text, new RegExp(`href="/areas/${area}/schools\\?q=&amp;per_page=10&amp;format=csv"`));
  const want = sql(`SELECT obec_code || '|' || smis_code || '|' || name FROM schools WHERE area_id = ${area}`).split('\n').sort();

  const csv = await download(c, `/areas/${area}/schools?format=csv`);
  assert.equal(csv.status, 200);
  assert.match(csv.headers.get('content-type'), /^text\/csv; charset=utf-8/);
  const thaiName = assertFileName(csv, 'schools', 'csv');
  assert.match(thaiName, /^โรงเรียนในสังกัด สพป\.ยโสธร เขต 2-\d{4}-\d{2}-\d{2}\.csv$/);
  const { text, rows } = readCsv(csv.buf);
  assert.deepEqual(rows[0], ['รหัสโรงเรียน', 'รหัส SMIS', 'ชื่อโรงเรียน', 'อำเภอ', 'จังหวัด']);
  assert.equal(rows.length, 31, 'every school, not one page');
  assert.deepEqual(rows.slice(1).map((r) => `${r[0]}|${r[1]}|${r[2]}`).sort(), want);
  // each code is written ="…" so Excel and LibreOffice keep it as text
  const first = rows[1][0];
  assert.ok(text.includes(`"=""${first}"""`), 'OBEC code kept as text');

  // the page's search is the file's filter
  const name = rows[1][2];
  const one = readCsv((await download(c, `/areas/${area}/schools?q=${encodeURIComponent(first)}&format=csv`)).buf).rows;
  assert.deepEqual(one.slice(1).map((r) => r[2]), [name]);

  const x = await download(c, `/areas/${area}/schools?format=xlsx`);
  assert.equal(x.status, 200);
  assert.match(x.headers.get('content-type'), /spreadsheetml/);
  assertFileName(x, 'schools', 'xlsx');
  const wb = readXlsx(x.buf);
  assertWorkbook(wb, ['รหัสโรงเรียน', 'รหัส SMIS', 'ชื่อโรงเรียน', 'อำเภอ', 'จังหวัด']);
  assertSheetName(wb.sheets[0], 'โรงเรียนในสังกัด สพป.ยโสธร เขต 2', ['สังกัด']);
  assert.equal(wb.rows.length, 31);
  for (const r of wb.rows.slice(1)) {
    assert.equal(r[0].type, 's', 'OBEC code is a text cell');
    assert.match(r[0].value, /^\d{10}$/);
    assert.equal(r[1].type, 's');
  }
  // an unknown format is a Thai 404
  const bad = await c.get(`/areas/${area}/schools?format=pdf`);
  assert.equal(bad.status, 404);
  assert.match(bad.text, /csv หรือ xlsx/);
});

test('areas: the public list of area offices as CSV and XLSX, area codes as text, school counts as numbers', async () => {
  const c = new AddressClient(server.base, nextIp());
  assert.match((await c.get('/areas')).text, /href="\/areas\?format=xlsx"/);
  const csv = await download(c, '/areas?format=csv');
  assert.equal(csv.status, 200);
  assertFileName(csv, 'areas', 'csv');
  const { rows, text } = readCsv(csv.buf);
  assert.deepEqual(rows.slice(1).map((r) => r[0]), ['3502', '6201']);
  assert.ok(text.includes('"=""3502"""'));
  const wb = readXlsx((await download(c, '/areas?format=xlsx')).buf);
  assertWorkbook(wb, rows[0]);
  assert.equal(wb.sheets[0], 'สำนักงานเขตพื้นที่การศึกษา');
  assert.deepEqual(wb.rows.slice(1).map((r) => [r[0].type, r[5].type, r[5].value]), [['s', 'n', 30], ['s', 'n', 30]]);
});

test('users: the area admin list as CSV and XLSX with its filters, citizen IDs masked as on the page, the export audited', async () => {
  const admin = await as('areaadmin1');
  const page = await admin.get(`/areas/${area}/users?status=all`);
  assert.equal(page.status, 200);
  assert.match(page.text, /format=xlsx/);
  const total = Number(page.text.match(/ทั้งหมด (\d+) รายการ/)[1]);
  assert.ok(total > 0);
  const before = Number(sql("SELECT COUNT(*) FROM audit WHERE action = 'personal.read' AND detail LIKE '%\"export\"%'"));
  const csv = await download(admin, `/areas/${area}/users?status=all&format=csv`);
  assert.equal(csv.status, 200);
  assertFileName(csv, 'users', 'csv');
  const { rows } = readCsv(csv.buf);
  assert.equal(rows[0][0], 'ชื่อผู้ใช้ (user)');
  assert.equal(rows.length - 1, total, 'every row of every page');
  const ci = rows[0].indexOf('เลขประจำตัวประชาชน');
  for (const r of rows.slice(1)) assert.ok(!/\d{13}/.test(r.join(',')), `no whole citizen ID: ${r}`);
  assert.ok(rows.slice(1).some((r) => /x/i.test(r[ci])), 'masked IDs');
  // codes as text
  const oi = rows[0].indexOf('รหัสสถานศึกษา');
  assert.ok(csv.buf.toString().includes(`"=""${rows[1][oi]}"""`));
  const after = Number(sql("SELECT COUNT(*) FROM audit WHERE action = 'personal.read' AND detail LIKE '%\"export\"%'"));
  assert.equal(after, before + 1, 'the export is audited');

  // a filter of the page filters the file
  const school = Number(sql(`SELECT id FROM schools WHERE area_id = ${area} ORDER BY obec_code LIMIT 1`));
  const one = readCsv((await download(admin, `/areas/${area}/users?status=all&school=${school}&format=csv`)).buf).rows;
  assert.ok(one.length - 1 >= 1 && one.length - 1 <= total);
  assert.ok(one.slice(1).every((r) => r[oi] === sql(`SELECT obec_code FROM schools WHERE id = ${school}`)), 'only that school');

  const x = await download(admin, `/areas/${area}/users?status=all&format=xlsx`);
  assert.equal(x.status, 200);
  const wb = readXlsx(x.buf);
  assertWorkbook(wb, rows[0]);
  assert.equal(wb.rows.length, rows.length);
  assertSheetName(wb.sheets[0], 'ผู้ใช้งาน สพป.ยโสธร เขต 2');
  assert.ok(wb.rows.slice(1).every((r) => r[oi].type === 's'));
  // another area's admin cannot export this area's users
  const other = await as('areaadmin2');
  const no = await download(other, `/areas/${area}/users?format=csv`);
  assert.equal(no.status, 403);
});

test('admin directory (public) and the yearly roster: CSV and XLSX of every admin, no personal data', async () => {
  const anon = new AddressClient(server.base, nextIp());
  const page = await anon.get(`/areas/${area}/directory`);
  assert.match(page.text, new RegExp(`href="/areas/${area}/directory\\?format=csv"`));
  const total = Number(sql(`SELECT COUNT(*) FROM grants g JOIN users u ON u.id = g.user_id WHERE g.area_id = ${area} AND g.role = 'school_admin' AND g.revoked_at IS NULL AND u.status = 'active'`));
  const csv = await download(anon, `/areas/${area}/directory?format=csv`);
  assert.equal(csv.status, 200);
  assertFileName(csv, 'admin-directory', 'csv');
  const { rows } = readCsv(csv.buf);
  assert.deepEqual(rows[0], ['สถานศึกษา', 'รหัสโรงเรียน', 'คำนำหน้า', 'ชื่อ', 'นามสกุล', 'บทบาท']);
  assert.equal(rows.length - 1, total);
  assert.ok(!/@|\d{13}/.test(csv.buf.toString()), 'no e-mail or citizen ID');
  const x = readXlsx((await download(anon, `/areas/${area}/directory?format=xlsx`)).buf);
  assertWorkbook(x, rows[0]);
  assert.equal(x.rows.length, rows.length);
  assertSheetName(x.sheets[0], 'ทำเนียบแอดมินสถานศึกษา สพป.ยโสธร เขต 2');
  assert.ok(x.rows.slice(1).every((r) => r[1].type === 's' && /^\d{10}$/.test(r[1].value)));

  const admin = await as('areaadmin1');
  const rp = await admin.get(`/areas/${area}/roster`);
  assert.equal(rp.status, 200);
  assert.match(rp.text, /format=xlsx/);
  const rc = await download(admin, `/areas/${area}/roster?format=csv`);
  assert.equal(rc.status, 200);
  assert.match(rc.headers.get('content-disposition'), /filename="admin-roster-\d{4}-\d{4}-\d{2}-\d{2}\.csv"/);
  const rr = readCsv(rc.buf).rows;
  assert.equal(rr[0][6], 'สถานะในปีการศึกษา');
  assert.equal(rr.length - 1, total + Number(sql(`SELECT COUNT(*) FROM roster_additions a JOIN rosters r ON r.id = a.roster_id WHERE r.area_id = ${area} AND r.status = 'draft'`)), 'all admins, not one page of 50');
  const rx = readXlsx((await download(admin, `/areas/${area}/roster?format=xlsx`)).buf);
  assertWorkbook(rx, rr[0]);
  // only the area's own admins may export its roster
  assert.equal((await download(await as('areaadmin2'), `/areas/${area}/roster?format=csv`)).status, 403);
});

test('audit: CSV and XLSX of the filtered trail, times as date-time cells in BE, ids as numbers, the export itself audited', async () => {
  const admin = await as('areaadmin1');
  await admin.get(`/areas/${area}/users`); // a personal.read row to find
  const page = await admin.get(`/areas/${area}/audit?action=personal.`, { json: true });
  assert.equal(page.status, 200);
  const total = page.json.total;
  assert.ok(total >= 1);
  assert.match(page.json.xlsx_url, new RegExp(`^/areas/${area}/audit\\.xlsx\\?action=personal\\.`));
  const csv = await download(admin, page.json.csv_url);
  assert.equal(csv.status, 200);
  assertFileName(csv, 'audit-3502', 'csv');
  const { rows } = readCsv(csv.buf);
  assert.equal(rows.length - 1, total);
  assert.match(rows[1][1], /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/, 'ISO Bangkok time in CSV');
  const x = await download(admin, page.json.xlsx_url);
  assert.equal(x.status, 200);
  assertFileName(x, 'audit-3502', 'xlsx');
  const wb = readXlsx(x.buf);
  assertWorkbook(wb, rows[0]);
  assert.equal(wb.rows.length, rows.length);
  const r1 = wb.rows[1];
  assert.equal(r1[0].type, 'n');
  assert.equal(r1[1].type, 'd', 'the time is a date cell');
  assert.equal(r1[1].format, THAI_DATETIME_FMT);
  // the cell is Bangkok wall time: the same minute the CSV says
  assert.equal(r1[1].value.toISOString().slice(0, 16).replace('T', ' '), rows[1][1]);
  assert.equal(r1[6].type, 's');
  assert.equal(Number(sql(`SELECT COUNT(*) FROM audit WHERE action = 'audit.export' AND area_id = ${area} AND detail LIKE '%xlsx%'`)), 1);
});

test('KPI statistics: public and staff CSV beside the XLSX, numbers as numbers rounded to 2 decimals', async () => {
  const fy = Number(sql(`SELECT MAX(fiscal_year) FROM kpi_indicators WHERE area_id = ${area}`));
  assert.ok(fy > 2500);
  const anon = new AddressClient(server.base, nextIp());
  const pg = await anon.get(`/kpi/stats/${fy}?area=${area}`);
  assert.equal(pg.status, 200);
  assert.match(pg.text, new RegExp(`href="/kpi/stats/${fy}/csv\\?area=${area}"`));
  const st = (await anon.get(`/kpi/stats/${fy}?area=${area}`, { json: true })).json;
  const csv = await download(anon, `/kpi/stats/${fy}/csv?area=${area}`);
  assert.equal(csv.status, 200);
  assertFileName(csv, `kpi-stats-${fy}-${area}`, 'csv');
  const { rows } = readCsv(csv.buf);
  assert.equal(rows[0][2], 'ชื่อตัวชี้วัด');
  assert.deepEqual(rows.slice(1, 1 + st.indicators.length).map((r) => r[2]), st.indicators.map((i) => i.name));
  const x = await download(anon, `/kpi/stats/${fy}/xlsx?area=${area}`);
  assertFileName(x, `kpi-stats-${fy}-${area}`, 'xlsx');
  const wb = readXlsx(x.buf);
  assertWorkbook(wb, rows[0]);
  assertSheetName(wb.sheets[0], `สรุปผลการรายงานตัวชี้วัด ปีงบประมาณ ${fy}`);
  for (const [k, ind] of st.indicators.entries()) {
    const r = wb.rows[1 + k];
    assert.equal(r[0].type, 'n');
    assert.equal(r[7].type, 'n', 'units assigned is a number');
    assert.equal(r[7].value, ind.assigned);
    if (ind.percent_submitted !== '') {
      assert.equal(r[10].type, 'n');
      assert.equal(r[10].value, Math.round(Number(ind.percent_submitted) * 100) / 100, 'rounded to its 2 decimals');
      assert.equal(r[10].format, '0.00');
    }
  }
  // the staff's CSV lists units too
  const admin = await as('areaadmin1');
  const sc = await download(admin, `/kpi/${fy}/stats/csv`);
  assert.equal(sc.status, 200);
  assert.ok(readCsv(sc.buf).rows.some((r) => r[2] === 'สรุปรายหน่วยงาน'));
});

test('KPI matrix: every unit and open period as CSV and XLSX, scores as numbers', async () => {
  const admin = await as('areaadmin1');
  const id = Number(sql(`SELECT i.id FROM kpi_indicators i WHERE i.area_id = ${area} AND EXISTS (SELECT 1 FROM kpi_periods p WHERE p.indicator_id = i.id AND p.opened_at IS NOT NULL) AND EXISTS (SELECT 1 FROM kpi_reports r WHERE r.indicator_id = i.id AND r.self_x100 IS NOT NULL) ORDER BY i.id LIMIT 1`));
  assert.ok(id > 0, 'a demo indicator with reports');
  const m = (await admin.get(`/kpi/indicators/${id}/matrix?per_page=100`, { json: true })).json;
  const page = await admin.get(`/kpi/indicators/${id}/matrix`);
  assert.match(page.text, new RegExp(`href="/kpi/indicators/${id}/matrix\\?format=xlsx"`));
  const csv = await download(admin, `/kpi/indicators/${id}/matrix?format=csv`);
  assert.equal(csv.status, 200);
  assertFileName(csv, `kpi-matrix-${id}`, 'csv');
  const { rows } = readCsv(csv.buf);
  assert.equal(rows[0].length, 2 + 3 * m.periods.length);
  assert.equal(rows[0][2], `${m.periods[0].label} สถานะ`);
  assert.equal(rows.length - 1, m.total_units, 'every unit, not a page of 25');
  assert.deepEqual(rows.slice(1).map((r) => r[1]), m.units.map((u) => u.unit_name));
  const wb = readXlsx((await download(admin, `/kpi/indicators/${id}/matrix?format=xlsx`)).buf);
  assertWorkbook(wb, rows[0]);
  let scores = 0;
  m.units.forEach((u, k) => u.cells.forEach((c, p) => {
    const cell = wb.rows[1 + k][2 + 3 * p + 1];
    if (c.self) { scores++; assert.equal(cell.type, 'n'); assert.equal(cell.value, Number(c.self)); }
    const label = wb.rows[1 + k][2 + 3 * p].value;
    assert.equal(label, { none: '-', pending: 'รอส่ง', draft: 'รอส่ง', waiting: 'รอตรวจ', reviewed: 'ตรวจแล้ว' }[c.state]);
  }));
  assert.ok(scores > 0, 'some self-assessment scores');
});

test('OSS: the summary report (counts by service and status, by month) and the officer list with date-time cells', async () => {
  const officer = await as('officer');
  const dash = await officer.get('/oss/manage', { json: true });
  assert.equal(dash.status, 200);
  const fy = dash.json.fiscal_year;
  const html = await officer.get(`/oss/manage?year=${fy}`);
  assert.match(html.text, new RegExp(`href="/oss/manage\\?year=${fy}&amp;format=xlsx"`));
  const csv = await download(officer, `/oss/manage?year=${fy}&format=csv`);
  assert.equal(csv.status, 200);
  assertFileName(csv, `oss-summary-${fy}`, 'csv');
  const { rows } = readCsv(csv.buf);
  assert.equal(rows[0][0], 'บริการ');
  assert.deepEqual(rows[0].slice(1, 1 + dash.json.status_heads.length), dash.json.status_heads.map((h) => h.label));
  dash.json.services.forEach((s, k) => {
    assert.equal(rows[1 + k][0], `${s.code} ${s.name}`);
    assert.deepEqual(rows[1 + k].slice(1, 1 + s.cells.length).map(Number), s.cells.map((c) => c.n));
  });
  const wb = readXlsx((await download(officer, `/oss/manage?year=${fy}&format=xlsx`)).buf);
  assertWorkbook(wb, rows[0]);
  assertSheetName(wb.sheets[0], `สรุปคำขอรับบริการ ปีงบประมาณ ${fy}`);
  const ns = dash.json.services.length;
  assert.ok(wb.rows[1].slice(1).every((c) => c.type === 'n'), 'counts are numbers');
  assert.equal(wb.rows[2 + ns][0].value, 'เดือนที่ยื่น');
  assert.equal(wb.rows.length, 1 + ns + 1 + 1 + 12);
  assert.equal(wb.rows[3 + ns].at(-1).type, 'n');
  // a citizen has no summary
  const citizen = await as('citizen');
  assert.equal((await download(citizen, '/oss/manage?format=csv')).status, 403);

  // the officer's list: times as date-time cells, codes and phones as text
  const svc = dash.json.services.find((s) => s.total > 0 && s.assigned);
  if (svc) {
    const lc = await download(officer, `/oss/manage/list?service=${svc.code}&format=csv`);
    assertFileName(lc, `oss-requests-${svc.code}`, 'csv');
    const lr = readCsv(lc.buf).rows;
    assert.match(lr[1][5], /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    const lx = readXlsx((await download(officer, `/oss/manage/list?service=${svc.code}&format=xlsx`)).buf);
    assertWorkbook(lx, lr[0]);
    assert.equal(lx.rows[1][1].type, 's');
    assert.equal(lx.rows[1][3].type, 's');
    assert.match(lx.rows[1][3].value, /^0/, 'the phone keeps its leading 0');
    assert.equal(lx.rows[1][5].type, 'd');
    assert.equal(lx.rows[1][5].format, THAI_DATETIME_FMT);
    assert.equal(lx.rows[1][5].value.toISOString().slice(0, 16).replace('T', ' '), lr[1][5]);
  }
  assert.ok(svc, 'demo requests to export');
});

test('DMC: a school\'s learners (masked as the page, filters kept, audited) and the area dashboard as CSV and XLSX', async () => {
  const officer = await as('schooladmin');
  const sid = Number(sql("SELECT g.school_id FROM grants g JOIN users u ON u.id = g.user_id WHERE u.username = 'schooladmin' AND g.role = 'school_admin'"));
  const obec = sql(`SELECT obec_code FROM schools WHERE id = ${sid}`);
  const page = (await officer.get(`/dmc/schools/${sid}/learners`, { json: true })).json;
  assert.ok(page.total > 40, 'more than one page of learners');
  const html = await officer.get(`/dmc/schools/${sid}/learners`);
  assert.match(html.text, new RegExp(`href="/dmc/schools/${sid}/learners\\?format=csv"`));
  const before = Number(sql("SELECT COUNT(*) FROM audit WHERE action = 'dmc.learners.export'"));
  const csv = await download(officer, `/dmc/schools/${sid}/learners?format=csv`);
  assert.equal(csv.status, 200);
  assertFileName(csv, `learners-${obec}`, 'csv');
  const { rows } = readCsv(csv.buf);
  assert.deepEqual(rows[0], ['เลขประจำตัว', 'คำนำหน้า', 'ชื่อ', 'นามสกุล', 'เพศ', 'ชั้น', 'ห้อง']);
  assert.equal(rows.length - 1, page.total, 'every learner, not a page of 40');
  assert.equal(rows[1][0], page.rows[0].ident_masked, 'masked as the page masks');
  assert.ok(!/\d{13}/.test(csv.buf.toString()), 'no whole citizen ID');
  assert.equal(Number(sql("SELECT COUNT(*) FROM audit WHERE action = 'dmc.learners.export'")), before + 1);
  // the grade filter of the page
  const grade = page.rows[0].grade;
  const g = (await officer.get(`/dmc/schools/${sid}/learners?grade=${encodeURIComponent(grade)}`, { json: true })).json;
  const gr = readCsv((await download(officer, `/dmc/schools/${sid}/learners?grade=${encodeURIComponent(grade)}&format=csv`)).buf).rows;
  assert.equal(gr.length - 1, g.total);
  assert.ok(gr.slice(1).every((r) => r[5] === page.rows[0].grade_label));
  const wb = readXlsx((await download(officer, `/dmc/schools/${sid}/learners?format=xlsx`)).buf);
  assertWorkbook(wb, rows[0]);
  assert.equal(wb.rows[1][6].type, 'n', 'the room is a number');
  // another school's admin cannot export it: as if it did not exist
  assert.equal((await download(await as('schooladmin2'), `/dmc/schools/${sid}/learners?format=csv`)).status, 404);

  const dmcArea = await as('dmcarea');
  const dash = (await dmcArea.get(`/dmc/areas/${area}`, { json: true })).json;
  const ac = await download(dmcArea, `/dmc/areas/${area}?format=csv`);
  assert.equal(ac.status, 200);
  assertFileName(ac, 'dmc-area-3502', 'csv');
  const ar = readCsv(ac.buf).rows;
  const ti = ar[0].indexOf('รวม');
  assert.equal(ar.length - 1, dash.schools.length + 1, 'a row per school and the area total');
  assert.deepEqual(ar.slice(1, -1).map((r) => Number(r[ti])), dash.schools.map((s) => s.total));
  const ax = readXlsx((await download(dmcArea, `/dmc/areas/${area}?format=xlsx`)).buf);
  assertWorkbook(ax, ar[0]);
  dash.schools.forEach((s, k) => {
    assert.equal(ax.rows[1 + k][1].type, 's', 'the OBEC code is text');
    const c = ax.rows[1 + k][2];
    if (s.confirmed_at > 0) { assert.equal(c.type, 'd'); assert.equal(c.format, THAI_DATETIME_FMT); }
    else assert.equal(c, undefined, 'not confirmed: an empty cell, not 1970');
    assert.equal(ax.rows[1 + k][ti].value, s.total);
  });
});

test('DPA: a school\'s staff list and the area table through the same export path (names, kinds, no IDs or salaries)', async () => {
  const admin = await as('schooladmin');
  const sid = Number(sql("SELECT g.school_id FROM grants g JOIN users u ON u.id = g.user_id WHERE u.username = 'schooladmin' AND g.role = 'school_admin'"));
  const obec = sql(`SELECT obec_code FROM schools WHERE id = ${sid}`);
  const csv = await download(admin, `/dpa/schools/${sid}/export?format=csv`);
  assert.equal(csv.status, 200);
  assertFileName(csv, `staff-${obec}`, 'csv');
  const { rows } = readCsv(csv.buf);
  assert.equal(rows.length - 1, Number(sql(`SELECT COUNT(*) FROM dpa_staff WHERE school_id = ${sid} AND status = 'active'`)));
  const wb = readXlsx((await download(admin, `/dpa/schools/${sid}/export?format=xlsx`)).buf);
  assertWorkbook(wb, rows[0]);
  assert.equal(wb.rows[1][0].type, 'n');
  assert.ok(wb.rows.slice(1).every((r) => !r[6] || r[6].type === 's'), 'position numbers are text');
  const areaAdmin = await as('areaadmin1');
  const ac = await download(areaAdmin, `/dpa/areas/${area}/export?format=xlsx`);
  assertFileName(ac, 'staff-area-3502', 'xlsx');
  const ax = readXlsx(ac.buf);
  assert.equal(ax.rows[0][0].value, 'รหัสโรงเรียน');
  assert.ok(ax.rows.slice(1).every((r) => r[0].type === 's' && r[2].type === 'n'));
  assert.equal((await download(areaAdmin, `/dpa/areas/${area}/export?format=doc`)).status, 404);
});

test('KPI indicator list of a year: the indicators the page shows as CSV and XLSX', async () => {
  const fy = Number(sql(`SELECT MAX(fiscal_year) FROM kpi_indicators WHERE area_id = ${area}`));
  const admin = await as('areaadmin1');
  const page = (await admin.get(`/kpi/${fy}`, { json: true })).json;
  assert.ok(page.indicators.length >= 1);
  assert.match((await admin.get(`/kpi/${fy}`)).text, new RegExp(`href="/kpi/${fy}\\?format=xlsx"`));
  const csv = await download(admin, `/kpi/${fy}?format=csv`);
  assert.equal(csv.status, 200);
  assertFileName(csv, `kpi-indicators-${fy}-${area}`, 'csv');
  const { rows, text } = readCsv(csv.buf);
  assert.deepEqual(rows.slice(1).map((r) => r[2]), page.indicators.map((i) => i.name));
  // an indicator number such as 1.10 stays text (never 1.1 or a date)
  assert.ok(text.includes(`"=""${page.indicators[0].number}"""`) || !/^[\d.]+$/.test(page.indicators[0].number));
  const wb = readXlsx((await download(admin, `/kpi/${fy}?format=xlsx`)).buf);
  assertWorkbook(wb, rows[0]);
  assertSheetName(wb.sheets[0], `รายการตัวชี้วัด ปีงบประมาณ ${fy}`);
  page.indicators.forEach((ind, k) => {
    assert.equal(wb.rows[1 + k][1].type, 's');
    assert.equal(wb.rows[1 + k][10].value, ind.periods.length);
  });
});

test('DPA retiring list: birth dates as date cells in BE, the export audited as a read of personal data', async () => {
  const admin = await as('schooladmin');
  const sid = Number(sql("SELECT g.school_id FROM grants g JOIN users u ON u.id = g.user_id WHERE u.username = 'schooladmin' AND g.role = 'school_admin'"));
  const page = (await admin.get(`/dpa/schools/${sid}/retiring`, { json: true })).json;
  assert.ok(page.rows.length >= 1, 'the demo has people retiring this year');
  const before = Number(sql("SELECT COUNT(*) FROM audit WHERE action = 'personal.read' AND detail LIKE '%export:retiring%'"));
  const csv = await download(admin, `/dpa/schools/${sid}/retiring?format=csv`);
  assert.equal(csv.status, 200);
  const { rows } = readCsv(csv.buf);
  assert.equal(rows.length - 1, page.rows.length);
  assert.match(rows[1][3], /^\d{4}-\d{2}-\d{2}$/);
  assert.equal(Number(sql("SELECT COUNT(*) FROM audit WHERE action = 'personal.read' AND detail LIKE '%export:retiring%'")), before + 1);
  const wb = readXlsx((await download(admin, `/dpa/schools/${sid}/retiring?format=xlsx`)).buf);
  assertWorkbook(wb, rows[0]);
  const c = wb.rows[1][3];
  assert.equal(c.type, 'd');
  assert.equal(c.format, THAI_DATE_FMT);
  assert.equal(c.value.toISOString().slice(0, 10), rows[1][3]);
});

test('OSS: an applicant\'s own list as CSV and XLSX (his requests only, codes as text, times as dates)', async () => {
  const citizen = await as('citizen');
  const page = (await citizen.get('/oss/my?per_page=10', { json: true })).json;
  const csv = await download(citizen, '/oss/my?format=csv');
  assert.equal(csv.status, 200);
  assertFileName(csv, 'my-requests', 'csv');
  const { rows } = readCsv(csv.buf);
  assert.equal(rows.length - 1, page.total, 'every request, not a page of 10');
  if (page.total > 0) {
    assert.equal(rows[1][1], page.rows[0].code);
    const wb = readXlsx((await download(citizen, '/oss/my?format=xlsx')).buf);
    assertWorkbook(wb, rows[0]);
    assert.equal(wb.rows[1][1].type, 's');
    assert.equal(wb.rows[1][3].type, 'd');
  }
  // another person's export holds none of them
  const other = readCsv((await download(await as('teacher'), '/oss/my?format=csv')).buf).rows;
  assert.ok(!other.slice(1).some((r) => rows.slice(1).some((x) => x[1] === r[1])));
  assert.ok(page.total > 0, 'the demo citizen has requests');
});

test('permission matrix of an area: every user, one column per permission, as CSV and XLSX', async () => {
  const admin = await as('areaadmin1');
  const page = (await admin.get(`/areas/${area}/permissions`, { json: true })).json;
  assert.match((await admin.get(`/areas/${area}/permissions`)).text, new RegExp(`href="/areas/${area}/permissions\\?format=xlsx"`));
  const csv = await download(admin, `/areas/${area}/permissions?format=csv`);
  assert.equal(csv.status, 200);
  assertFileName(csv, 'permissions-3502', 'csv');
  const { rows } = readCsv(csv.buf);
  assert.deepEqual(rows[0].slice(3), page.head.map((h) => h.label));
  assert.equal(rows.length - 1, page.total, 'every user, not a page of 50');
  const officer = rows.find((r) => r[0] === 'officer');
  assert.ok(officer && officer.slice(3).filter((v) => v === 'Enabled').length >= 6, 'the officer holds six services');
  const wb = readXlsx((await download(admin, `/areas/${area}/permissions?format=xlsx`)).buf);
  assertWorkbook(wb, rows[0]);
  assert.equal(wb.rows.length, rows.length);
  assert.equal((await download(await as('areaadmin2'), `/areas/${area}/permissions?format=csv`)).status, 403);
});

test('buildings (bld): the area\'s school table and the budget list through the same export path', async () => {
  const admin = await as('areaadmin1');
  const page = (await admin.get(`/bld/areas/${area}`, { json: true })).json;
  assert.equal(page.schools.length, 30);
  assert.match((await admin.get(`/bld/areas/${area}`)).text, /format=xlsx/);
  const csv = await download(admin, `/bld/areas/${area}?format=csv`);
  assert.equal(csv.status, 200);
  assertFileName(csv, `bld-area-${page.year}-3502`, 'csv');
  const { rows } = readCsv(csv.buf);
  assert.equal(rows.length - 1, page.schools.length);
  const wb = readXlsx((await download(admin, `/bld/areas/${area}?format=xlsx`)).buf);
  assertWorkbook(wb, rows[0]);
  page.schools.forEach((s, k) => {
    assert.equal(wb.rows[1 + k][0].type, 's');
    assert.equal(wb.rows[1 + k][2].value, s.buildings);
    if (s.submitted_at > 0) assert.equal(wb.rows[1 + k][3].type, 'd');
    else assert.equal(wb.rows[1 + k][3], undefined);
  });
  const b = await download(admin, `/bld/areas/${area}/budget?format=xlsx`);
  assert.equal(b.status, 200);
  assert.match(b.headers.get('content-disposition'), /filename="bld-budget-\d{4}-3502-\d{4}-\d{2}-\d{2}\.xlsx"/);
  const bw = readXlsx(b.buf);
  assert.equal(bw.rows[0][0].value, 'รหัสโรงเรียน');
  assert.ok(bw.rows.slice(1).every((r) => r[0].type === 's'));
});

test('data calendar (cal) of an area: its deadlines as CSV and XLSX, dates as date cells', async () => {
  const admin = await as('areaadmin1');
  const page = (await admin.get(`/cal/areas/${area}`, { json: true })).json;
  const n = page.upcoming.length + page.past.length;
  assert.ok(n > 0, 'the demo calendar has deadlines');
  assert.match((await admin.get(`/cal/areas/${area}`)).text, /format=xlsx/);
  const csv = await download(admin, `/cal/areas/${area}?format=csv`);
  assert.equal(csv.status, 200);
  assertFileName(csv, 'calendar-3502', 'csv');
  const { rows } = readCsv(csv.buf);
  assert.equal(rows.length - 1, n);
  assert.match(rows[1][2], /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
  const wb = readXlsx((await download(admin, `/cal/areas/${area}?format=xlsx`)).buf);
  assertWorkbook(wb, rows[0]);
  for (const r of wb.rows.slice(1)) {
    assert.equal(r[2].type, 'd');
    assert.equal(r[2].format, THAI_DATETIME_FMT);
    assert.equal(r[4].type, 'n');
  }
  assert.equal((await download(await as('areaadmin2'), `/cal/areas/${area}?format=csv`)).status, 403);
});

test('access requests of an area: the queue with its status filter as CSV and XLSX', async () => {
  // a teacher asks for an officer's permission (with the signed form)
  const teacher = await as('teacher');
  await teacher.get(`/access/requests/new?area=${area}`);
  const sent = await teacher.postMultipart('/access/requests', { area_id: String(area), permission: 'officer:12', school_id: '', work_group_id: '', position: 'นักจัดการงานทั่วไป', note: 'ส่งออก', confirm: '1' },
    { file: { data: files.pdf(), filename: 'form.pdf', type: 'application/pdf' } });
  assert.equal(sent.status, 303, sent.text.slice(0, 300));
  const admin = await as('areaadmin1');
  const page = (await admin.get(`/areas/${area}/access-requests?status=all`, { json: true })).json;
  assert.ok(page.rows.length >= 1);
  const csv = await download(admin, `/areas/${area}/access-requests?status=all&format=csv`);
  assert.equal(csv.status, 200);
  assertFileName(csv, 'access-requests-3502', 'csv');
  const { rows } = readCsv(csv.buf);
  assert.equal(rows[0][0], 'เลขที่คำขอ');
  assert.equal(rows.length - 1, page.total ?? page.rows.length);
  const wb = readXlsx((await download(admin, `/areas/${area}/access-requests?status=all&format=xlsx`)).buf);
  assertWorkbook(wb, rows[0]);
  for (const r of wb.rows.slice(1)) { assert.equal(r[0].type, 'n'); assert.equal(r[6].type, 'd'); }
  assert.equal((await download(await as('areaadmin2'), `/areas/${area}/access-requests?format=csv`)).status, 403);
});

test('KPI review queue: the reports waiting for review as CSV and XLSX', async () => {
  const fy = Number(sql(`SELECT MAX(fiscal_year) FROM kpi_indicators WHERE area_id = ${area}`));
  const admin = await as('areaadmin1');
  const page = (await admin.get(`/kpi/${fy}/review-queue`, { json: true })).json;
  const csv = await download(admin, `/kpi/${fy}/review-queue?format=csv`);
  assert.equal(csv.status, 200);
  assertFileName(csv, `kpi-review-queue-${fy}-${area}`, 'csv');
  const { rows } = readCsv(csv.buf);
  assert.equal(rows.length - 1, page.rows.length);
  const wb = readXlsx((await download(admin, `/kpi/${fy}/review-queue?format=xlsx`)).buf);
  assertWorkbook(wb, rows[0]);
  page.rows.forEach((x, k) => {
    assert.equal(wb.rows[1 + k][6].type, 'd');
    if (x.self) assert.equal(wb.rows[1 + k][8].value, Number(x.self));
  });
  assert.ok(page.rows.length > 0, 'the demo has reports waiting');
});

test('DMC requests of an area (drop-out, ID correction): pending and decided as CSV and XLSX, codes masked', async () => {
  const dmcArea = await as('dmcarea');
  const page = (await dmcArea.get(`/dmc/areas/${area}/requests`, { json: true })).json;
  const csv = await download(dmcArea, `/dmc/areas/${area}/requests?format=csv`);
  assert.equal(csv.status, 200);
  assertFileName(csv, 'dmc-requests-3502', 'csv');
  const { rows } = readCsv(csv.buf);
  assert.equal(rows[0][0], 'คำขอ');
  assert.equal(rows.length - 1, page.pending.length + page.decided.length);
  assert.ok(!/\d{13}/.test(csv.buf.toString()), 'no whole citizen ID');
  const wb = readXlsx((await download(dmcArea, `/dmc/areas/${area}/requests?format=xlsx`)).buf);
  assertWorkbook(wb, rows[0]);
  assert.equal((await download(await as('schooladmin'), `/dmc/areas/${area}/requests?format=csv`)).status, 403);
});

test('DPA transfer requests waiting for the area as CSV and XLSX, citizen IDs masked', async () => {
  const admin = await as('areaadmin1');
  const page = (await admin.get(`/dpa/areas/${area}/transfers`, { json: true })).json;
  assert.ok(page.pending.length >= 1, 'the demo has one pending transfer');
  const csv = await download(admin, `/dpa/areas/${area}/transfers?format=csv`);
  assert.equal(csv.status, 200);
  assertFileName(csv, 'dpa-transfers-3502', 'csv');
  const { rows } = readCsv(csv.buf);
  assert.equal(rows.length - 1, page.pending.length);
  assert.equal(rows[1][5], page.pending[0].cid_masked);
  assert.ok(!/\d{13}/.test(csv.buf.toString()), 'no whole citizen ID');
  const wb = readXlsx((await download(admin, `/dpa/areas/${area}/transfers?format=xlsx`)).buf);
  assertWorkbook(wb, rows[0]);
  assert.equal(wb.rows[1][0].type, 'd');
});
