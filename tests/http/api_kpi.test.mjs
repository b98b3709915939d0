// api_kpi: KPI-Online under /api/v1 (issue 15.1) through the real binary,
// on SQLite and (KHET_TEST_PG) PostgreSQL: a school admin's token saves
// and confirms its report with a JSON body (the page's own fields and
// checks), a reviewer's token reviews it, a stale _version is 409, a
// bad score is 422 at its field, and the reads (years, indicators,
// periods, reports) show a school only its own report.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, assertApiError, tokenFromPage } from './lib.mjs';

const PW = 'khet-demo-2567';
const FY = 2565;
let server, area, wg1, admin, ind, period, rSchool, rSchool2;
const sql = (q) => server.sql(q);

async function as(login) {
  const c = server.client();
  await c.get('/signin');
  const r = await c.post('/signin', { login, password: PW });
  assert.equal(r.status, 303, `sign in ${login}: ${r.status}`);
  return c;
}

function beDate(days) {
  const d = new Date(Date.now() + 7 * 3600e3 + days * 86400e3);
  return `${String(d.getUTCDate()).padStart(2, '0')}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${d.getUTCFullYear() + 543}`;
}

async function token(login, scopes, role) {
  return (await tokenFromPage(admin, `/areas/${area}/tokens`, { name: `${login} ${scopes}`, kind: 'personal', login, role: role || '', scopes, expires: beDate(30) })).token;
}

const errorShape = assertApiError;

async function call(t, method, path, json) {
  const headers = { authorization: `Bearer ${t}` };
  if (json) headers['content-type'] = 'application/json';
  const res = await fetch(server.base + path, { method, headers, body: json ? JSON.stringify(json) : undefined });
  const text = await res.text();
  let data;
  try { data = JSON.parse(text); } catch {}
  return { status: res.status, json: data, text };
}

const unitReport = (pid, username) => Number(sql(`SELECT r.id FROM kpi_reports r JOIN grants g ON g.school_id = r.school_id
  JOIN users u ON u.id = g.user_id WHERE r.period_id = ${pid} AND u.username = '${username}' AND g.role = 'school_admin'`));

before(async () => {
  server = await startServer();
  area = sql("SELECT id FROM areas WHERE code = '3502'");
  wg1 = sql(`SELECT id FROM work_groups WHERE area_id = ${area} ORDER BY sort, id LIMIT 1`);
  admin = await as('areaadmin1');
  let r = await admin.post(`/kpi/${FY}/new`, {
    number: 'A1', name: 'ร้อยละของโรงเรียนที่ส่งแผนปฏิบัติการตามกำหนด', description: '', d1: '1', type: 'level5',
    weight: '1', criteria: '2, 3, 4, 5', period_kind: 'half', status: 'open', work_group_id: wg1,
  }, { json: true });
  assert.equal(r.status, 200, r.text);
  ind = Number(r.json.location.split('/').pop());
  period = sql(`SELECT id FROM kpi_periods WHERE indicator_id = ${ind} AND seq = 1`);
  assert.equal((await admin.post(`/kpi/periods/${period}/open`, {})).status, 303);
  assert.equal((await admin.post(`/kpi/periods/${period}/units`, { all_schools: '1', area_unit: '1' })).status, 303);
  rSchool = unitReport(period, 'schooladmin');
  rSchool2 = unitReport(period, 'schooladmin2');
});
after(async () => { await server?.stop(); });

test('reads: years, indicators, periods, reports; a school sees only its own report', async () => {
  const t = await token('kpiowner', ['kpi:read']);
  const years = await call(t, 'GET', '/api/v1/kpi/years');
  assert.equal(years.status, 200, years.text);
  assert.ok(years.json.items.some((y) => y.fiscal_year === FY));
  const inds = await call(t, 'GET', `/api/v1/kpi/years/${FY}/indicators`);
  assert.equal(inds.status, 200);
  const mine = inds.json.items.find((x) => x.id === ind);
  assert.equal(mine.type.code, 'level5');
  assert.equal(mine.weight, '1.00');
  assert.equal(mine.period_kind.code, 'half');
  const periods = await call(t, 'GET', `/api/v1/kpi/indicators/${ind}/periods`);
  assert.equal(periods.json.total, 2);
  assert.match(periods.json.items[0].start_date, /^\d{4}-\d\d-\d\d$/);
  const reps = await call(t, 'GET', `/api/v1/kpi/periods/${period}/reports?per_page=200`);
  assert.ok(reps.json.total > 2);
  const s2 = await token('schooladmin2', ['kpi:read']);
  const own = await call(s2, 'GET', `/api/v1/kpi/periods/${period}/reports`);
  assert.equal(own.status, 200);
  assert.deepEqual(own.json.items.map((x) => x.id), [rSchool2]);
  assert.equal((await call(s2, 'GET', `/api/v1/kpi/reports/${rSchool}`)).status, 404);
  const bad = await call(t, 'GET', `/api/v1/kpi/years/${FY}/indicators?work_group_id=x`);
  assert.equal(bad.status, 400);
  assert.equal(bad.json.error.code, 'invalid_parameter');
});

test('a school token saves and confirms its report, a reviewer token reviews it; stale is 409', async () => {
  const school = await token('schooladmin', ['kpi:write']);
  const before = (await call(school, 'GET', `/api/v1/kpi/reports/${rSchool}`)).json;
  assert.equal(before.status.code, 'assigned');
  const badScore = await call(school, 'POST', `/api/v1/kpi/reports/${rSchool}`, { self_score: '9', confirm: '1', _version: before.version });
  assert.equal(badScore.status, 422, badScore.text);
  assert.ok(badScore.json.error.fields.self_score, badScore.text);
  assert.equal(sql(`SELECT status FROM kpi_reports WHERE id = ${rSchool}`), 'assigned');
  const saved = await call(school, 'POST', `/api/v1/kpi/reports/${rSchool}`, { self_score: '3.5', confirm: '1', _version: before.version });
  assert.equal(saved.status, 200, saved.text);
  assert.equal(saved.json.status.code, 'confirmed');
  assert.equal(saved.json.self_score, '3.50');
  assert.ok(saved.json.history.some((h) => h.action === 'confirm'));
  // another school's report is not this token's to save
  const other = await call(school, 'POST', `/api/v1/kpi/reports/${rSchool2}`, { self_score: '3', confirm: '0' });
  assert.ok(other.status === 403 || other.status === 404, other.text);
  const rev = await token('kpireviewer', ['kpi:write']);
  const stale = await call(rev, 'POST', `/api/v1/kpi/reports/${rSchool}/review`, { review_score: '4', _version: before.version });
  assert.equal(stale.status, 409, stale.text);
  assert.equal(stale.json.error.status, 409);
  const ok = await call(rev, 'POST', `/api/v1/kpi/reports/${rSchool}/review`, { review_score: '4', _version: saved.json.version });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.status.code, 'reviewed');
  assert.equal(ok.json.review_score, '4.00');
  assert.equal(sql(`SELECT status || ' ' || review_x100 FROM kpi_reports WHERE id = ${rSchool}`), 'reviewed 400');
  // the reviewer takes the review back (a stale copy 409), then the school its confirmation
  errorShape(await call(rev, 'POST', `/api/v1/kpi/reports/${rSchool}/unreview`, { _version: saved.json.version }), 409, 'stale_version');
  assert.equal(sql(`SELECT status FROM kpi_reports WHERE id = ${rSchool}`), 'reviewed');
  errorShape(await call(school, 'POST', `/api/v1/kpi/reports/${rSchool}/unreview`, { _version: ok.json.version }), 403);
  // a _version that is no number, or a misspelt field, is refused at the
  // field, never taken as "no version" (the write would skip the 409 check)
  const badv = await call(rev, 'POST', `/api/v1/kpi/reports/${rSchool}/unreview`, { _version: 'v3' });
  errorShape(badv, 422, 'validation_failed');
  assert.ok(badv.json.error.fields._version, badv.text);
  errorShape(await call(rev, 'POST', `/api/v1/kpi/reports/${rSchool}/unreview`, { _versoin: ok.json.version }), 422, 'validation_failed');
  const unrev = await call(rev, 'POST', `/api/v1/kpi/reports/${rSchool}/unreview`, { _version: ok.json.version });
  assert.equal(unrev.status, 200, unrev.text);
  assert.equal(unrev.json.status.code, 'confirmed');
  assert.equal(unrev.json.review_score, null);
  assert.ok(unrev.json.history.some((h) => h.action === 'unreview'), JSON.stringify(unrev.json.history));
  assert.equal(Number(sql(`SELECT COUNT(*) FROM audit WHERE action = 'kpi.report.unreview' AND target_id = ${rSchool}`)), 1);
  errorShape(await call(school, 'POST', `/api/v1/kpi/reports/${rSchool}/unconfirm`, { _version: ok.json.version }), 409, 'stale_version');
  const ro2 = await token('schooladmin', ['kpi:read']);
  errorShape(await call(ro2, 'POST', `/api/v1/kpi/reports/${rSchool}/unconfirm`, { _version: unrev.json.version }), 403, 'insufficient_scope');
  errorShape(await call(school, 'POST', `/api/v1/kpi/reports/${rSchool}/unconfirm`, { _version: 'v3' }), 422, 'validation_failed');
  const unconf = await call(school, 'POST', `/api/v1/kpi/reports/${rSchool}/unconfirm`, { _version: unrev.json.version });
  assert.equal(unconf.status, 200, unconf.text);
  assert.notEqual(unconf.json.status.code, 'confirmed');
  assert.equal(unconf.json.self_score, '3.50', 'the score typed stays, to edit');
  assert.equal(unconf.json.confirmed_at, null);
  // and confirms again with the current version
  const again = await call(school, 'POST', `/api/v1/kpi/reports/${rSchool}`, { self_score: '4', confirm: '1', _version: unconf.json.version });
  assert.equal(again.status, 200, again.text);
  assert.equal(again.json.status.code, 'confirmed');
  // a read-only token writes nothing
  const ro = await token('kpireviewer', ['kpi:read']);
  const w = await call(ro, 'POST', `/api/v1/kpi/reports/${rSchool}/review`, { review_score: '5' });
  assert.equal(w.status, 403);
  assert.equal(w.json.error.code, 'insufficient_scope');
});
