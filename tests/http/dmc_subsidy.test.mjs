// dmc_subsidy: the per-head subsidy (DMC-4) through the real binary — a
// school certifies a round, its snapshot page shows learners by level ×
// rate = amount from the certified counts; the area's page lists the
// certified schools only, with totals, exported as XLSX and CSV and printed as PDF; the rates
// page: the area reads it, OBEC's super admin sets a year's own rates
// (a bad amount refused at its field) and the figures follow; a school
// role cannot see the area's figures; later edits do not move them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, AddressClient, ipSequence, citizenId, unzip, parseCsv } from './lib.mjs';
import { readXlsx } from './sheets.mjs';

const PW = 'khet-demo-2567';
let server, s1, area, admin1, director, areaOfficer, sa, round, year;
const nextIp = ipSequence('10.65');
async function as(login) {
  const c = new AddressClient(server.base, nextIp());
  await c.get('/signin');
  const r = await c.post('/signin', { login, password: PW });
  assert.equal(r.status, 303, `sign in ${login}: ${r.status}`);
  return c;
}
const sql = (q) => server.sql(q);
const count = (q) => Number(sql(q));
const at = (t) => ({ headers: { 'x-khet-test-now': String(t) } });
const STD = { kinder: 170000, primary: 190000, lower: 350000, upper: 380000 };
const heads = (level) => count(`SELECT COALESCE(SUM(c.n), 0) FROM dmc_snapshot_counts c JOIN dmc_grades g ON g.code = c.grade WHERE c.round_id = ${round.id} AND c.school_id = ${s1} AND g.level = '${level}'`);
const expected = (rates) => Object.keys(rates).reduce((a, l) => a + heads(l) * rates[l], 0);
const baht = (satang) => (satang / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

before(async () => {
  server = await startServer({ args: ['--trust-proxy'] });
  area = Number(sql("SELECT id FROM areas WHERE code = '3502'"));
  s1 = Number(sql(`SELECT id FROM schools WHERE area_id = ${area} ORDER BY obec_code LIMIT 1`));
  sql(`INSERT INTO grants (user_id, role, granted_at) SELECT id, 'super_admin', 0 FROM users WHERE username = 'citizen'`);
  admin1 = await as('schooladmin');
  director = await as('schooldirector');
  areaOfficer = await as('dmcarea');
  sa = await as('citizen');
  const id = Number(sql('SELECT id FROM dmc_rounds ORDER BY close_at DESC LIMIT 1'));
  round = { id, open_at: Number(sql(`SELECT open_at FROM dmc_rounds WHERE id = ${id}`)) };
  year = Number(sql(`SELECT academic_year FROM dmc_rounds WHERE id = ${id}`));
  assert.equal((await admin1.post(`/dmc/schools/${s1}/rounds/${id}/confirm`, {}, at(round.open_at))).status, 303);
  assert.equal((await director.post(`/dmc/schools/${s1}/rounds/${id}/certify`, {}, at(round.open_at + 60))).status, 303);
});
after(async () => { await server?.stop(); });

test('the school\'s snapshot shows its subsidy from the certified counts at the standing rates', async () => {
  const snap = await admin1.get(`/dmc/schools/${s1}/rounds/${round.id}`, { json: true });
  assert.equal(snap.status, 200);
  const row = snap.json.subsidy.schools[0];
  assert.ok(row.heads > 0, 'the demo school has learners');
  assert.equal(row.heads, count(`SELECT SUM(n) FROM dmc_snapshot_counts WHERE round_id = ${round.id} AND school_id = ${s1}`));
  assert.equal(row.amount_satang, expected(STD));
  assert.equal(row.levels.find((l) => l.level === 'primary').amount_satang, heads('primary') * STD.primary);
  assert.equal(row.amount_text, baht(expected(STD)));
  const html = await admin1.get(`/dmc/schools/${s1}/rounds/${round.id}`);
  assert.match(html.text, /เงินอุดหนุนรายหัวจากข้อมูลที่รับรอง/);
});

test('the area: certified schools only, totals, XLSX and CSV; a school role is refused', async () => {
  const r = await areaOfficer.get(`/dmc/areas/${area}/rounds/${round.id}/subsidy`, { json: true });
  assert.equal(r.status, 200);
  assert.deepEqual(r.json.schools.map((x) => x.school_id), [s1], 'only the certified school');
  assert.equal(r.json.totals.amount_satang, expected(STD));
  assert.equal(r.json.own_rates, false);
  const csv = await areaOfficer.get(`/dmc/areas/${area}/rounds/${round.id}/subsidy?format=csv`);
  assert.equal(csv.status, 200);
  const rows = parseCsv(csv.text.replace(/^\ufeff/, ''));
  assert.equal(rows[0][0], 'โรงเรียน');
  const name = sql(`SELECT name FROM schools WHERE id = ${s1}`);
  assert.equal(rows[1][0], name);
  assert.equal(Number(rows[1][10]), expected(STD) / 100);
  assert.equal(rows[2][0], 'รวมทั้งเขตพื้นที่');
  const res = await fetch(`${server.base}/dmc/areas/${area}/rounds/${round.id}/subsidy?format=xlsx`, {
    headers: { cookie: areaOfficer.cookieHeader(), 'x-forwarded-for': areaOfficer.ip },
  });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /spreadsheetml/);
  const xbuf = Buffer.from(await res.arrayBuffer());
  const parts = unzip(xbuf);
  assert.ok(Object.values(parts).some((x) => x.includes(name)), 'the school is in the workbook');
  // money as numbers in baht with #,##0.00 (core/export), heads as numbers
  const wb = readXlsx(xbuf);
  assert.equal(wb.rows[1][10].type, 'n');
  assert.equal(wb.rows[1][10].value, expected(STD) / 100);
  assert.equal(wb.rows[1][10].format, '#,##0.00');
  assert.equal(wb.rows[1][5].type, 'n');
  assert.match(res.headers.get('content-disposition'), /filename="dmc-subsidy-\d{4}-\d{4}-\d{2}-\d{2}\.xlsx"/);
  const pdf = await fetch(`${server.base}/dmc/areas/${area}/rounds/${round.id}/subsidy?format=pdf`, {
    headers: { cookie: areaOfficer.cookieHeader(), 'x-forwarded-for': areaOfficer.ip },
  });
  assert.equal(pdf.status, 200);
  assert.equal(pdf.headers.get('content-type'), 'application/pdf');
  // named like every export: the area's code and a BE date (25xx), in ASCII and in Thai
  assert.match(pdf.headers.get('content-disposition'), /filename="dmc-subsidy-[\w-]+-25\d{2}-\d{2}-\d{2}\.pdf"/);
  assert.match(decodeURIComponent(pdf.headers.get('content-disposition').split("UTF-8''")[1]), /^เงินอุดหนุนรายหัว .+-25\d{2}-\d{2}-\d{2}\.pdf$/);
  const bytes = Buffer.from(await pdf.arrayBuffer());
  assert.equal(bytes.subarray(0, 5).toString(), '%PDF-');
  assert.ok(bytes.length > 1000);
  // each column header in one piece, never "อนุบา/ล" (acceptance walk of issue 10)
  const heads = execFileSync('pdftotext', ['-layout', '-', '-'], { input: bytes, encoding: 'utf8' }).split('\n').find((l) => l.includes('โรงเรียน') && l.includes('ประถม')) ?? '';
  for (const h of ['อนุบาล', 'ประถม', 'ม.ต้น', 'ม.ปลาย']) assert.ok(heads.includes(h), `header ${h} whole in: ${heads}`);
  // money and counts right-aligned in their columns (acceptance walk of
  // issue 10): the amount ends at the table's right edge (A4 595.28 pt,
  // right margin 20 mm, cell padding 3 pt), not where a left-aligned
  // figure of its width would
  const words = [...execFileSync('pdftotext', ['-bbox', '-', '-'], { input: bytes, encoding: 'utf8' })
    .matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)"[^>]*>([^<]*)<\/word>/g)]
    .map((m) => ({ x0: Number(m[1]), y: Number(m[2]), x1: Number(m[3]), text: m[4] }));
  const edge = 595.28 - 20 * 72 / 25.4 - 3;
  const amountText = baht(expected(STD)); // once: each figure is a few queries
  const amounts = words.filter((w) => w.text === amountText);
  assert.ok(amounts.length >= 2, 'the school\'s and the total\'s amounts');
  const inTable = amounts.filter((w) => Math.abs(w.x1 - edge) < 1.5);
  assert.equal(inTable.length, 2, `amounts right-aligned at ${edge}: ${JSON.stringify(amounts)}`);
  // the title and its subtitles wrap between phrases: the area's name and
  // the note each whole on a line
  const lines = execFileSync('pdftotext', ['-layout', '-', '-'], { input: bytes, encoding: 'utf8' }).split('\n').map((l) => l.trim());
  assert.ok(lines.includes(sql(`SELECT name FROM areas WHERE id = ${area}`)), 'the area\'s name on a line of its own');
  assert.ok(lines.includes('(จากข้อมูลที่ผู้อำนวยการสถานศึกษารับรองแล้ว)'), lines.slice(0, 6).join('\n'));
  assert.equal(count("SELECT COUNT(*) FROM audit WHERE action = 'dmc.subsidy.export'"), 3);
  assert.equal((await admin1.get(`/dmc/areas/${area}/rounds/${round.id}/subsidy`)).status, 403);
  const html = await areaOfficer.get(`/dmc/areas/${area}/rounds/${round.id}/subsidy`);
  assert.equal(html.status, 200);
  assert.ok(html.text.includes(name));
  assert.match(html.text, /รวมทั้งเขตพื้นที่/);
  const dash = await areaOfficer.get(`/dmc/areas/${area}`);
  assert.ok(dash.text.includes(`/dmc/areas/${area}/rounds/`) && dash.text.includes('/subsidy'), 'linked from the area page');
});

test('rates: the area reads, OBEC sets a year\'s own (a bad amount refused), the figures follow; later edits move nothing', async () => {
  const view = await areaOfficer.get(`/dmc/subsidy-rates?year=${year}`, { json: true });
  assert.equal(view.status, 200);
  assert.equal(view.json.can_edit, false);
  assert.equal(view.json.own_rates, false);
  const mine = { kinder: '2000', primary: '2100.50', lower: '3800', upper: '4000' };
  assert.equal((await areaOfficer.post(`/dmc/subsidy-rates/${year}`, mine)).status, 403);
  const bad = await sa.post(`/dmc/subsidy-rates/${year}`, { ...mine, lower: 'สามพัน' }, { json: true });
  assert.equal(bad.status, 422);
  assert.ok(bad.json.form.errors.lower);
  assert.equal(bad.json.form.values.lower, 'สามพัน');
  assert.equal(count(`SELECT COUNT(*) FROM dmc_subsidy_rates WHERE academic_year = ${year}`), 0);
  const ok = await sa.post(`/dmc/subsidy-rates/${year}`, mine);
  assert.equal(ok.status, 303, ok.text.slice(0, 300));
  const own = { kinder: 200000, primary: 210050, lower: 380000, upper: 400000 };
  const r = await areaOfficer.get(`/dmc/areas/${area}/rounds/${round.id}/subsidy`, { json: true });
  assert.equal(r.json.own_rates, true);
  assert.equal(r.json.totals.amount_satang, expected(own));
  // a learner added after certification: the figures stay
  const before = r.json.totals.heads;
  const add = await admin1.post(`/dmc/schools/${s1}/learners/new`, {
    citizen_id: citizenId('15' + String(Date.now() % 1e10).padStart(10, '0')), gcode: '', title: 'boy', first_name: 'มาใหม่',
    last_name: 'หลังรับรอง', sex: 'M', birth_date: '2018-03-04', nationality: 'TH', grade: 'p2', room: '1', weight: '', height: '',
    disadvantaged: 'none', disability: 'none', guardian_name: '', guardian_phone: '', address: '',
  });
  assert.equal(add.status, 303);
  const after = await areaOfficer.get(`/dmc/areas/${area}/rounds/${round.id}/subsidy`, { json: true });
  assert.equal(after.json.totals.heads, before);
  assert.equal((await admin1.get(`/dmc/subsidy-rates?year=${year}`)).status, 403);
  const page = await sa.get(`/dmc/subsidy-rates?year=${year}`);
  assert.equal(page.status, 200);
  assert.match(page.text, /2,100\.50 บาท/);
  assert.match(page.text, new RegExp(`บันทึกอัตราของปีการศึกษา ${year}`));
});

test('the school\'s subsidy PDF: from the snapshot, read whole by pdftotext; none before certifying; another school refused', async () => {
  const get = (c, path) => fetch(`${server.base}${path}`, { headers: { cookie: c.cookieHeader(), 'x-forwarded-for': c.ip } });
  const res = await get(admin1, `/dmc/schools/${s1}/rounds/${round.id}?format=pdf`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/pdf');
  assert.match(res.headers.get('content-disposition'), /filename="dmc-subsidy-[\w-]+-25\d{2}-\d{2}-\d{2}\.pdf"/);
  const bytes = Buffer.from(await res.arrayBuffer());
  assert.equal(bytes.subarray(0, 5).toString(), '%PDF-');
  const text = execFileSync('pdftotext', ['-layout', '-', '-'], { input: bytes, encoding: 'utf8' });
  const name = sql(`SELECT name FROM schools WHERE id = ${s1}`);
  assert.ok(text.includes(name), 'the school');
  assert.ok(text.includes('เงินอุดหนุนรายหัว'));
  for (const h of ['ประถมศึกษา', 'อนุบาล', 'นักเรียน (คน)']) assert.ok(text.includes(h), `${h} whole`);
  const snap = await admin1.get(`/dmc/schools/${s1}/rounds/${round.id}`, { json: true });
  const row = snap.json.subsidy.schools[0];
  assert.ok(text.includes(row.amount_text), `the total ${row.amount_text}`);
  assert.ok(text.includes(String(row.heads)), 'the learners');
  assert.match(text, /ถ้วน|สตางค์/, 'the total in words');
  // the director who certified, his name whole on one line (a name is not
  // broken between its words as libthai would break "รับรองดี")
  const director = sql("SELECT title || first_name || ' ' || last_name FROM users WHERE username = 'schooldirector'");
  assert.ok(text.split('\n').some((l) => l.includes(director)), `the certifier ${director} on one line:\n${text}`);
  // the snapshot: a later learner does not change the page
  const again = Buffer.from(await (await get(admin1, `/dmc/schools/${s1}/rounds/${round.id}?format=pdf`)).arrayBuffer());
  assert.ok(execFileSync('pdftotext', ['-layout', '-', '-'], { input: again, encoding: 'utf8' }).includes(row.amount_text));
  assert.ok(count(`SELECT COUNT(*) FROM audit WHERE action = 'dmc.subsidy.export' AND target_type = 'school' AND target_id = ${s1}`) >= 2);
  // a school that has not certified: no subsidy to print
  const s2 = Number(sql(`SELECT id FROM schools WHERE area_id = ${area} ORDER BY obec_code LIMIT 1 OFFSET 1`));
  assert.equal((await get(areaOfficer, `/dmc/schools/${s2}/rounds/${round.id}?format=pdf`)).status, 404);
  // another school's staff cannot print it (404: as if it did not exist)
  const other = await as('schooladmin2');
  assert.equal((await get(other, `/dmc/schools/${s1}/rounds/${round.id}?format=pdf`)).status, 404);
  const html = await admin1.get(`/dmc/schools/${s1}/rounds/${round.id}`);
  assert.ok(html.text.includes(`/dmc/schools/${s1}/rounds/${round.id}?format=pdf`), 'linked from the snapshot page');
});

test('the area dashboard\'s subsidy link opens a round that has certified schools, and names it', async () => {
  const round_of = (id) => sql(`SELECT label FROM dmc_rounds WHERE id = ${id}`);
  const certifiedIn = (aid, rid) => count(`SELECT COUNT(*) FROM dmc_round_schools rs JOIN schools s ON s.id = rs.school_id WHERE rs.round_id = ${rid} AND s.area_id = ${aid} AND rs.certified_at IS NOT NULL`);
  // this area's latest round: s1 certified in it (before), so it is the one linked
  const mine = await areaOfficer.get(`/dmc/areas/${area}?round=${round.id}`, { json: true });
  assert.equal(mine.status, 200);
  assert.equal(mine.json.subsidy_round.id, round.id);
  assert.equal(mine.json.subsidy_round.this_round, true);
  const mineHtml = await areaOfficer.get(`/dmc/areas/${area}?round=${round.id}`);
  assert.ok(mineHtml.text.includes(`href="/dmc/areas/${area}/rounds/${round.id}/subsidy">เงินอุดหนุนรายหัวจากข้อมูลที่รับรอง ${round_of(round.id)}</a>`), 'linked to this round, named');
  // the other demo area: nobody certified in the latest round, so the link
  // goes to the latest earlier round with certified schools, and says so
  const area2 = Number(sql("SELECT id FROM areas WHERE code = '6201'"));
  assert.equal(certifiedIn(area2, round.id), 0, 'no certified school of the second area in the latest round');
  const want = sql(`SELECT r.id FROM dmc_rounds r WHERE EXISTS (SELECT 1 FROM dmc_round_schools rs JOIN schools s ON s.id = rs.school_id WHERE rs.round_id = r.id AND s.area_id = ${area2} AND rs.certified_at IS NOT NULL) ORDER BY r.academic_year DESC, r.round_no DESC LIMIT 1`);
  assert.ok(want, 'the demo certified an earlier round of the second area');
  const other = await sa.get(`/dmc/areas/${area2}?round=${round.id}`, { json: true });
  assert.equal(other.status, 200);
  assert.equal(other.json.subsidy_round.id, Number(want));
  assert.notEqual(other.json.subsidy_round.id, round.id);
  assert.equal(other.json.subsidy_round.this_round, false);
  const html = await sa.get(`/dmc/areas/${area2}?round=${round.id}`);
  assert.ok(!html.text.includes(`/dmc/areas/${area2}/rounds/${round.id}/subsidy`), 'not to the uncertified round');
  assert.ok(html.text.includes(`href="/dmc/areas/${area2}/rounds/${want}/subsidy">เงินอุดหนุนรายหัวจากข้อมูลที่รับรอง ${round_of(want)}</a> (รอบนี้ยังไม่มีโรงเรียนรับรองข้อมูล)`), 'the certified round, named');
  const sub = await sa.get(`/dmc/areas/${area2}/rounds/${want}/subsidy`, { json: true });
  assert.ok(sub.json.schools.length > 0, 'the linked page has certified schools');
  // no round up to the one shown has a certified school: no link, a word instead
  const first = sql(`SELECT id FROM dmc_rounds ORDER BY academic_year, round_no LIMIT 1`);
  sql(`UPDATE dmc_round_schools SET certified_at = NULL WHERE round_id = ${first} AND school_id IN (SELECT id FROM schools WHERE area_id = ${area2}) AND certified_at IS NOT NULL`);
  if (Number(first) !== Number(want)) {
    const none = await sa.get(`/dmc/areas/${area2}?round=${first}`);
    assert.equal(none.status, 200);
    assert.ok(!none.text.includes('/subsidy"'), 'no subsidy link');
    assert.match(none.text, /เงินอุดหนุนรายหัว: ยังไม่มีโรงเรียนรับรองข้อมูล/);
  }
});
