// kpi10: the KPI-Online items of issue 10.15 through the real binary — only
// the school admin, the director and a KPI reporter granted per school save
// a school's report (seed 003), the public statistics found without
// signing in, a school's matrix linking only its own cells, a hidden
// indicator's reports refused to the units, closing an opened period with
// assignments refused, and the statistics workbook's sheet name and numbers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, files, khet, AddressClient, ipSequence, unzip } from './lib.mjs';

const PW = 'khet-demo-2567';
const FY = 2566;
let server, area, wg1, admin, school, school2, teacher;
let ind, period, rSchool, rSchool2;
const nextIp = ipSequence('10.41');
const sql = (q) => server.sql(q);

async function as(login) {
  const c = new AddressClient(server.base, nextIp());
  await c.get('/signin');
  const r = await c.post('/signin', { login, password: PW });
  assert.equal(r.status, 303, `sign in ${login}: ${r.status}`);
  return c;
}
const unitReport = (pid, username) => Number(sql(`SELECT r.id FROM kpi_reports r JOIN grants g ON g.school_id = r.school_id
  JOIN users u ON u.id = g.user_id WHERE r.period_id = ${pid} AND u.username = '${username}' AND g.role = 'school_admin'`));
const indicator = (over = {}) => ({
  number: 'T10', name: 'ร้อยละของโรงเรียนที่ส่งแผนปฏิบัติการตามกำหนด', description: '', d1: '1', type: 'level5',
  weight: '1', criteria: '2, 3, 4, 5', period_kind: 'half', status: 'open', work_group_id: wg1, ...over,
});

before(async () => {
  server = await startServer({ args: ['--trust-proxy'] });
  area = sql("SELECT id FROM areas WHERE code = '3502'");
  wg1 = sql(`SELECT id FROM work_groups WHERE area_id = ${area} ORDER BY sort, id LIMIT 1`);
  [admin, school, school2, teacher] = await Promise.all(['areaadmin1', 'schooladmin', 'schooladmin2', 'teacher'].map(as));
  let r = await admin.post(`/kpi/${FY}/new`, indicator(), { json: true });
  assert.equal(r.status, 200, r.text);
  ind = Number(r.json.location.split('/').pop());
  period = sql(`SELECT id FROM kpi_periods WHERE indicator_id = ${ind} AND seq = 1`);
  assert.equal((await admin.post(`/kpi/periods/${period}/open`, {})).status, 303);
  assert.equal((await admin.post(`/kpi/periods/${period}/units`, { all_schools: '1' })).status, 303);
  rSchool = unitReport(period, 'schooladmin');
  rSchool2 = unitReport(period, 'schooladmin2');
});
after(async () => { await server?.stop(); });

test('report: a teacher may not save the school\'s report; a KPI reporter granted for the school may', async () => {
  const before = sql(`SELECT status FROM kpi_reports WHERE id = ${rSchool}`);
  let r = await teacher.postMultipart(`/kpi/reports/${rSchool}`, { self_score: '4', confirm: '1' }, {}, { json: true });
  assert.equal(r.status, 403, r.text.slice(0, 300));
  assert.equal(sql(`SELECT status FROM kpi_reports WHERE id = ${rSchool}`), before);
  // the role is declared by KPI and can be requested and granted per school
  const help = khet(['user', 'help'], server.env);
  assert.match(help.stdout, /kpi_reporter/);
  const code = sql(`SELECT s.obec_code FROM schools s JOIN grants g ON g.school_id = s.id JOIN users u ON u.id = g.user_id
    WHERE u.username = 'teacher' AND g.role = 'teacher'`);
  const g = khet(['user', 'grant', '--login', 'teacher', '--role', 'kpi_reporter', '--school-code', code], server.env);
  assert.equal(g.code, 0, g.stderr);
  const reporter = await as('teacher');
  const gid = sql(`SELECT g.id FROM grants g JOIN users u ON u.id = g.user_id WHERE u.username = 'teacher' AND g.role = 'kpi_reporter'`);
  assert.equal((await reporter.post('/session/role', { role: gid, next: '/' })).status, 303);
  r = await reporter.postMultipart(`/kpi/reports/${rSchool}`, { self_score: '4', confirm: '1', new_desc_1: 'หลักฐาน' },
    { new_file_1: { data: files.pdf(), filename: 'p.pdf', type: 'application/pdf' } }, { json: true });
  assert.ok([200, 303].includes(r.status), `${r.status} ${r.text.slice(0, 300)}`);
  assert.equal(sql(`SELECT status FROM kpi_reports WHERE id = ${rSchool}`), 'confirmed');
  // and not another school's
  r = await reporter.postMultipart(`/kpi/reports/${rSchool2}`, { self_score: '4', confirm: '1' }, {}, { json: true });
  assert.ok([403, 404].includes(r.status), String(r.status));
});

test('public statistics: linked from the home page and the menu; /kpi/stats goes to this fiscal year', async () => {
  const anon = server.client();
  const home = await anon.get('/');
  assert.match(home.text, /href="\/kpi\/stats"/);
  const r = await anon.get('/kpi/stats');
  assert.equal(r.status, 303);
  const now = new Date(Date.now() + 7 * 3600e3);
  const fy = now.getUTCFullYear() + 543 + (now.getUTCMonth() >= 9 ? 1 : 0);
  assert.equal(r.headers.get('location'), `/kpi/stats/${fy}`);
  assert.equal((await anon.get(`/kpi/stats?area=${area}`)).headers.get('location'), `/kpi/stats/${fy}?area=${area}`);
  assert.equal((await anon.get(r.headers.get('location'))).status, 200);
  // the menu of a signed-in user
  assert.match((await school.get(`/kpi/${FY}`)).text, /href="\/kpi\/stats"/);
});

test('matrix: a school sees other schools\' cells as text, its own as links', async () => {
  const html = (await school.get(`/kpi/indicators/${ind}/matrix?per_page=100`)).text;
  assert.match(html, new RegExp(`href="/kpi/reports/${rSchool}"`));
  assert.doesNotMatch(html, new RegExp(`href="/kpi/reports/${rSchool2}"`));
  assert.equal((await school.get(`/kpi/reports/${rSchool2}`)).status, 404);
  // the area admin still gets every link (and the kept table is not the school's)
  const all = (await admin.get(`/kpi/indicators/${ind}/matrix?per_page=100`)).text;
  assert.match(all, new RegExp(`href="/kpi/reports/${rSchool2}"`));
  const again = (await school.get(`/kpi/indicators/${ind}/matrix?per_page=100`)).text;
  assert.doesNotMatch(again, new RegExp(`href="/kpi/reports/${rSchool2}"`));
});

test('hidden: a hidden indicator\'s reports are 404 to the units, still open to the area', async () => {
  const r0 = await admin.post(`/kpi/${FY}/new`, indicator({ number: 'T10H' }), { json: true });
  const hid = Number(r0.json.location.split('/').pop());
  const p = sql(`SELECT id FROM kpi_periods WHERE indicator_id = ${hid} AND seq = 1`);
  assert.equal((await admin.post(`/kpi/periods/${p}/open`, {})).status, 303);
  assert.equal((await admin.post(`/kpi/periods/${p}/units`, { all_schools: '1' })).status, 303);
  const rid = unitReport(p, 'schooladmin');
  assert.equal((await school.get(`/kpi/reports/${rid}`)).status, 200);
  assert.equal((await admin.post(`/kpi/indicators/${hid}/status`, { status: 'hidden' })).status, 303);
  assert.equal((await school.get(`/kpi/indicators/${hid}`)).status, 404);
  assert.equal((await school.get(`/kpi/reports/${rid}`)).status, 404);
  assert.equal((await admin.get(`/kpi/reports/${rid}`)).status, 200);
});

test('statistics workbook: the sheet name is cut on a word, averages have 2 decimals', async () => {
  const r = await fetch(`${server.base}/kpi/${FY}/stats/xlsx?area=${area}`, { headers: { cookie: admin.cookieHeader(), 'x-forwarded-for': admin.ip } });
  assert.equal(r.status, 200);
  const z = unzip(Buffer.from(await r.arrayBuffer()));
  // "สรุปผลการรายงานตัวชี้วัด ปีงบประมาณ 2566" is 38 characters: cut on a
  // word, the year kept after the words that fit
  const name = z['xl/workbook.xml'].match(/<sheet name="([^"]*)"/)[1];
  assert.ok([...name].length <= 31, name);
  assert.match(name, new RegExp(`^สรุปผลการรายงานตัวชี้วัด( ปี| ปีงบ)? ${FY}$`), name);
  assert.match(z['xl/styles.xml'], /formatCode="0\.00"/);
});
