// api: /api/v1 through the real binary (issue 15), on SQLite and
// (KHET_TEST_PG) PostgreSQL. The script-only scenario: the area admin
// makes tokens on /areas/:id/tokens → a script submits a One Stop Service
// request with a file using only its token → an officer's token processes
// it (and a stale _version is 409) → the applicant sees it in his browser
// session. Revoked and expired tokens are 401 in the error shape, a
// read-only token is 403 on a write, lists page with Link and
// X-Total-Count, unknown parameters are 400, the error shape is the same
// for the pages' JSON, and every page says Vary: Accept.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, files, assertApiError, tokenFromPage } from './lib.mjs';

const DEMO_PW = 'khet-demo-2567';
let server, admin, areaId;

async function signedIn(login) {
  const c = server.client();
  await c.get('/signin');
  const r = await c.post('/signin', { login, password: DEMO_PW });
  assert.equal(r.status, 303, `sign in ${login}: ${r.status}`);
  return c;
}

// A date in BE as the form takes it, days from today (Bangkok).
function beDate(days) {
  const d = new Date(Date.now() + 7 * 3600e3 + days * 86400e3);
  return `${String(d.getUTCDate()).padStart(2, '0')}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${d.getUTCFullYear() + 543}`;
}

// Makes a token on the area admin's page: POST → 303 → the GET that shows it once.
async function makeToken(fields) {
  return (await tokenFromPage(admin, `/areas/${areaId}/tokens`, { kind: 'personal', expires: beDate(30), ...fields })).token;
}

// A script's call: the token alone, no cookie.
async function call(token, method, path, { json, form } = {}) {
  const headers = { authorization: `Bearer ${token}` };
  let body;
  if (json) { headers['content-type'] = 'application/json'; body = JSON.stringify(json); }
  if (form) body = form;
  const res = await fetch(server.base + path, { method, headers, body });
  const text = await res.text();
  let data;
  try { data = JSON.parse(text); } catch {}
  return { status: res.status, headers: res.headers, json: data, text };
}

const errorShape = assertApiError;

before(async () => {
  server = await startServer();
  areaId = Number(server.sql("SELECT a.id FROM areas a JOIN grants g ON g.area_id = a.id JOIN users u ON u.id = g.user_id WHERE u.username = 'areaadmin1' AND g.role = 'area_admin'"));
  admin = await signedIn('areaadmin1');
});

after(async () => { await server?.stop(); });

test('the area admin makes tokens: shown once, stored hashed, listed with their scopes', async () => {
  const token = await makeToken({ name: 'ระบบ MIS', scopes: ['org:read'] });
  assert.equal(server.sql(`SELECT COUNT(*) FROM api_tokens WHERE hash LIKE '%${token.slice(5, 20)}%'`), '0');
  const page = await admin.get(`/areas/${areaId}/tokens`);
  assert.equal(page.status, 200);
  assert.ok(page.text.includes('ระบบ MIS'));
  assert.ok(!page.text.includes(token), 'not shown again');
  assert.ok(page.text.includes('org:read'));
  // every scope's Thai label whole and its own: "…: อ่าน" and "…: บันทึก" of
  // a long module name were cut to the same text in a fixed array
  const labels = [...page.text.matchAll(/: (อ่าน|บันทึก)</g)].length;
  assert.ok(labels >= 2 * 4, `read and write labels of the modules: ${labels}`);
  assert.match(page.text, /ข้อมูลนักเรียนรายบุคคล \(DMC\): อ่าน</);
  assert.match(page.text, /ข้อมูลนักเรียนรายบุคคล \(DMC\): บันทึก</);
  // a write is offered only where the API has writes: the accounts
  // module's API reads only, so no "บันทึก" right that would do nothing
  assert.match(page.text, /บัญชีผู้ใช้[^<]*: อ่าน</);
  assert.doesNotMatch(page.text, /บัญชีผู้ใช้[^<]*: บันทึก</);
  assert.doesNotMatch(page.text, /value="(acc|cal):write"/);
  // the form's refusals: no scope, an expiry over a year, an unknown user
  const bad = await admin.post(`/areas/${areaId}/tokens`, { name: 'x', kind: 'personal', expires: beDate(400), login: 'nobody-here' }, { json: true });
  errorShape({ ...bad, headers: bad.headers }, 422, 'validation_failed');
  assert.ok(bad.json.error.fields.scopes);
  assert.match(bad.json.error.fields.expires, /1 ปี/);
  assert.match(bad.json.error.fields.login, /ไม่พบผู้ใช้/);
  // another area's page is not his
  const other = Number(server.sql(`SELECT id FROM areas WHERE id <> ${areaId} ORDER BY id LIMIT 1`));
  const denied = await admin.get(`/areas/${other}/tokens`);
  assert.equal(denied.status, 403);
});

test('making a token: POST → 303 → the GET shows it once; a reload shows it no more and makes no second token', async () => {
  const path = `/areas/${areaId}/tokens`;
  const count = () => server.sql("SELECT COUNT(*) FROM api_tokens WHERE name = 'ระบบรายงานผลครั้งเดียว'");
  const post = await admin.post(path, { name: 'ระบบรายงานผลครั้งเดียว', kind: 'personal', expires: beDate(30), scopes: ['org:read'] });
  assert.equal(post.status, 303, post.text.slice(0, 500));
  assert.equal(new URL(post.headers.get('location'), server.base).pathname, path);
  assert.doesNotMatch(post.text + post.headers.get('location') + (post.headers.get('set-cookie') || ''), /khet_[A-Za-z0-9_-]{43}/, 'not in the answer, the URL or a cookie');
  assert.equal(count(), '1');
  // kept for the showing, sealed: the database alone does not hold it readable
  const kept = server.sql(`SELECT reveal FROM sessions WHERE user_id = (SELECT id FROM users WHERE username = 'areaadmin1') AND reveal <> ''`);
  assert.ok(kept.length > 40, 'kept in the session');
  assert.doesNotMatch(kept, /khet_/);
  // another session of the same admin does not see it
  const other = await signedIn('areaadmin1');
  assert.doesNotMatch((await other.get(path)).text, /data-token>/);
  const shown = await admin.get(path);
  assert.equal(shown.status, 200);
  const m = shown.text.match(/data-token>(khet_[A-Za-z0-9_-]{43})</);
  assert.ok(m, 'shown on the GET after the redirect');
  assert.equal((await fetch(server.base + '/api/v1/areas', { headers: { authorization: `Bearer ${m[1]}` } })).status, 200, 'the token shown works');
  assert.equal(server.sql(`SELECT COUNT(*) FROM sessions WHERE reveal <> ''`), '0', 'taken: the session keeps it no more');
  // a reload of the page: a GET, no second token, the secret not shown again
  const again = await admin.get(path);
  assert.equal(again.status, 200);
  assert.doesNotMatch(again.text, /data-token>/);
  assert.ok(!again.text.includes(m[1]));
  assert.equal(count(), '1', 'no second token');
  // a script asking JSON still gets the token in the answer itself, 201
  const j = await admin.post(path, { name: 'ระบบสคริปต์ JSON', kind: 'personal', expires: beDate(30), scopes: ['org:read'] }, { json: true });
  assert.equal(j.status, 201);
  assert.match(j.json.new_token, /^khet_[A-Za-z0-9_-]{43}$/);
  assert.equal(server.sql(`SELECT COUNT(*) FROM sessions WHERE reveal <> ''`), '0', 'nothing kept for a JSON answer');
  // signing out before the GET: the kept token goes with the session
  const gone = await signedIn('areaadmin1');
  assert.equal((await gone.post(path, { name: 'ระบบที่ไม่ได้ดู', kind: 'personal', expires: beDate(30), scopes: ['org:read'] })).status, 303);
  assert.equal(server.sql(`SELECT COUNT(*) FROM sessions WHERE reveal <> ''`), '1');
  assert.equal((await gone.post('/signout', {})).status, 303);
  assert.equal(server.sql(`SELECT COUNT(*) FROM sessions WHERE reveal <> ''`), '0');
});

test('a super admin\'s national token: shown once on /admin/tokens after the redirect, and only there', async () => {
  server.sql(`INSERT INTO grants (user_id, role, granted_at) SELECT id, 'super_admin', 0 FROM users WHERE username = 'citizen'
    AND NOT EXISTS (SELECT 1 FROM grants g JOIN users u ON u.id = g.user_id WHERE u.username = 'citizen' AND g.role = 'super_admin')`);
  const sa = await signedIn('citizen');
  const post = await sa.post('/admin/tokens', { name: 'ระบบรายงาน สพฐ.', kind: 'personal', expires: beDate(30), scopes: ['org:read'] });
  assert.equal(post.status, 303, post.text.slice(0, 500));
  assert.equal(new URL(post.headers.get('location'), server.base).pathname, '/admin/tokens');
  // another token page of the same session neither shows it nor takes it
  const area = await sa.get(`/areas/${areaId}/tokens`);
  assert.equal(area.status, 200);
  assert.doesNotMatch(area.text, /data-token>/);
  const shown = await sa.get('/admin/tokens');
  const m = shown.text.match(/data-token>(khet_[A-Za-z0-9_-]{43})</);
  assert.ok(m, 'shown on its own page');
  assert.doesNotMatch((await sa.get('/admin/tokens')).text, /data-token>/, 'once');
  assert.equal(server.sql("SELECT COUNT(*) FROM api_tokens WHERE name = 'ระบบรายงาน สพฐ.' AND area_id IS NULL"), '1');
});

test('script-only scenario: submit with a file by token, an officer token processes it, the applicant sees it', async () => {
  const applicant = await makeToken({ name: 'สคริปต์ของครู', login: 'teacher', scopes: ['oss:write'] });
  const officerToken = await makeToken({ name: 'ระบบงานเจ้าหน้าที่', login: 'officer', role: 'officer', scopes: ['oss:write'] });
  const fd = new FormData();
  for (const [k, v] of Object.entries({ area_id: String(areaId), title: 'นาย', first_name: 'สมหมาย', last_name: 'ใจงาม', phone: '0810000001', email: 'teacher@example.org', pledged: 'no' }))
    fd.append(k, v);
  fd.append('id_card', new Blob([files.pdf()], { type: 'application/pdf' }), 'บัตร.pdf');
  const sub = await call(applicant, 'POST', '/api/v1/oss/services/21/requests', { form: fd });
  assert.equal(sub.status, 201, sub.text);
  const item = sub.json;
  assert.equal(sub.headers.get('location'), `/api/v1/oss/requests/${item.id}`);
  assert.equal(typeof item.id, 'number');
  assert.deepEqual(item.service, { code: '21', label_th: item.service.label_th });
  assert.equal(item.status.code, 'submitted');
  assert.match(item.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00$/);
  assert.equal(item.files.length, 1);
  assert.equal(item.files[0].href, `/api/v1/oss/requests/${item.id}/files/${item.files[0].id}`);
  assert.equal(item.history[0].to_status.code, 'submitted');
  // the file by its link, with the token
  const f = await fetch(server.base + item.files[0].href, { headers: { authorization: `Bearer ${applicant}` } });
  assert.equal(f.status, 200);
  assert.equal(f.headers.get('content-type'), 'application/pdf');
  // a JSON body is checked by the same fields as the form: every error at its field
  const bad = await call(applicant, 'POST', '/api/v1/oss/services/21/requests', { json: { area_id: areaId, title: 'นาย', email: 'not-mail' } });
  errorShape(bad, 422, 'validation_failed');
  assert.ok(bad.json.error.fields.first_name);
  assert.ok(bad.json.error.fields.email);
  assert.ok(bad.json.error.fields.id_card, 'the missing attachment is named');
  // the officer's token: the officer's list of service 21, then the status change
  const list = await call(officerToken, 'GET', '/api/v1/oss/requests?service=21&status=submitted');
  assert.equal(list.status, 200, list.text);
  assert.ok(list.json.items.some((x) => x.id === item.id));
  const moved = await call(officerToken, 'POST', `/api/v1/oss/requests/${item.id}/status`, { json: { status: 'in_progress', _version: item.version } });
  assert.equal(moved.status, 200, moved.text);
  assert.equal(moved.json.status.code, 'in_progress');
  assert.equal(moved.json.history.at(-1).to_status.code, 'in_progress');
  // the same decision from the stale copy: 409 stale_version, nothing stored
  const stale = await call(officerToken, 'POST', `/api/v1/oss/requests/${item.id}/status`, { json: { status: 'completed', _version: item.version } });
  errorShape(stale, 409, 'stale_version');
  assert.equal(server.sql(`SELECT status FROM oss_requests WHERE id = ${item.id}`), 'in_progress');
  // the officer writes to the applicant without a status change: a letter and a file, in the history and the mail
  const mails = Number(server.sql('SELECT COUNT(*) FROM outbox'));
  const noLetter = await call(officerToken, 'POST', `/api/v1/oss/requests/${item.id}/messages`, { json: {} });
  errorShape(noLetter, 422, 'validation_failed');
  assert.ok(noLetter.json.error.fields.letter);
  const lf = new FormData();
  lf.append('letter', 'กรุณาส่งสำเนาทะเบียนบ้านเพิ่มเติม');
  lf.append('letter_file', new Blob([files.pdf()], { type: 'application/pdf' }), 'แบบฟอร์ม.pdf');
  const reads = () => Number(server.sql(`SELECT COUNT(*) FROM audit WHERE action = 'personal.read' AND target_id = ${item.id}`));
  const readsBefore = reads();
  const said = await call(officerToken, 'POST', `/api/v1/oss/requests/${item.id}/messages`, { form: lf });
  assert.equal(said.status, 200, said.text);
  // its answer carries the applicant's form, as a GET does: the same audit
  assert.ok(said.json.data, 'the form in the answer');
  assert.equal(reads(), readsBefore + 1, 'the officer\'s read of the form is audited');
  assert.equal(said.json.status.code, 'in_progress', 'the status is unchanged');
  const last = said.json.history.at(-1);
  assert.equal(last.message, 'กรุณาส่งสำเนาทะเบียนบ้านเพิ่มเติม');
  assert.ok(said.json.files.some((x) => x.id === last.file_id), 'the file is the request\'s, as a link');
  assert.ok(Number(server.sql('SELECT COUNT(*) FROM outbox')) > mails, 'the applicant is mailed');
  // the applicant's own token may not write as an officer
  errorShape(await call(applicant, 'POST', `/api/v1/oss/requests/${item.id}/messages`, { json: { letter: 'x' } }), 403);
  // the applicant, in his browser session, sees the officer's step
  const teacher = await signedIn('teacher');
  const seen = await teacher.get(`/oss/requests/${item.id}`, { json: true });
  assert.equal(seen.status, 200);
  assert.equal(seen.json.request?.status ?? seen.json.status, 'in_progress');
  // every use of a token is in the audit trail (one row per token per minute)
  assert.ok(Number(server.sql(`SELECT COUNT(*) FROM audit WHERE action = 'api.token.use'`)) >= 2);
  const used = server.sql(`SELECT COUNT(*) FROM api_tokens WHERE name = 'สคริปต์ของครู' AND last_used_at IS NOT NULL`);
  assert.equal(used, '1');
});

test('a service account acts in its own grant; a personal token ends with its grant', async () => {
  const bad = await admin.post(`/areas/${areaId}/tokens`, { name: 'x', kind: 'service', role: 'officer', scopes: ['oss:read'], expires: beDate(10) }, { json: true });
  assert.equal(bad.status, 422);
  assert.ok(bad.json.error.fields.role);
  const none = await admin.post(`/areas/${areaId}/tokens`, { name: 'x', kind: 'service', scopes: ['oss:read'], expires: beDate(10) }, { json: true });
  assert.ok(none.json.error.fields.role);
  const svc = await makeToken({ name: 'แดชบอร์ดจังหวัด', kind: 'service', role: 'area_admin', scopes: ['oss:read', 'org:read'] });
  // (the test's own request, so it runs alone too: the area's count as the
  // database has it, whatever earlier tests submitted)
  const list = await call(svc, 'GET', '/api/v1/oss/requests?service=21');
  assert.equal(list.status, 200, list.text);
  assert.equal(list.json.total, Number(server.sql(`SELECT COUNT(*) FROM oss_requests WHERE area_id = ${areaId} AND service = '21'`)));
  const row = server.sql("SELECT actor_role || ' ' || actor_user_id FROM audit WHERE action = 'api.token.use' ORDER BY id DESC LIMIT 1");
  assert.equal(row, `area_admin ${server.sql("SELECT id FROM users WHERE username = 'areaadmin1'")}`);
  // another area's requests are not its area's
  const other = Number(server.sql(`SELECT id FROM areas WHERE id <> ${areaId} ORDER BY id LIMIT 1`));
  const o = await call(svc, 'GET', `/api/v1/areas/${other}`);
  assert.equal(o.status, 200); /* the organisation is public */
  // a personal token acts in its owner's grant, and not once it is revoked
  const t = await makeToken({ name: 'ครูชั่วคราว', login: 'teacher', scopes: ['acc:read'] });
  const gid = server.sql("SELECT grant_id FROM api_tokens WHERE name = 'ครูชั่วคราว'");
  assert.equal((await call(t, 'GET', '/api/v1/grants')).json.items.some((g) => String(g.id) === gid), true);
  server.sql(`UPDATE grants SET revoked_at = 1 WHERE id = ${gid}`);
  const after = await call(t, 'GET', '/api/v1/grants');
  assert.ok(!after.json.items.some((g) => String(g.id) === gid));
  server.sql(`UPDATE grants SET revoked_at = NULL WHERE id = ${gid}`);
});

test('revoked and expired tokens are 401, a read-only token is 403 on a write, no token is 401', async () => {
  const ro = await makeToken({ name: 'อ่านอย่างเดียว', login: 'teacher', scopes: ['oss:read', 'org:read'] });
  assert.equal((await call(ro, 'GET', '/api/v1/oss/requests')).status, 200);
  const w = await call(ro, 'POST', '/api/v1/oss/services/21/requests', { json: { area_id: areaId } });
  errorShape(w, 403, 'insufficient_scope');
  const gone = await makeToken({ name: 'จะเพิกถอน', scopes: ['org:read'] });
  assert.equal((await call(gone, 'GET', '/api/v1/areas')).status, 200);
  const tid = server.sql(`SELECT id FROM api_tokens WHERE name = 'จะเพิกถอน'`);
  const rv = await admin.post(`/areas/${areaId}/tokens/${tid}/revoke`, {});
  assert.equal(rv.status, 303);
  errorShape(await call(gone, 'GET', '/api/v1/areas'), 401, 'token_revoked');
  const old = await makeToken({ name: 'หมดอายุ', scopes: ['org:read'] });
  server.sql(`UPDATE api_tokens SET expires_at = 1000 WHERE name = 'หมดอายุ'`);
  errorShape(await call(old, 'GET', '/api/v1/areas'), 401, 'token_expired');
  errorShape(await call('khet_' + 'A'.repeat(43), 'GET', '/api/v1/areas'), 401, 'invalid_token');
  const anon = await fetch(server.base + '/api/v1/areas');
  assert.equal(anon.status, 401);
  assert.match(anon.headers.get('www-authenticate'), /^Bearer/);
  // a token is for the API only: a page ignores it
  const page = await fetch(server.base + '/oss/my', { headers: { authorization: `Bearer ${ro}`, accept: 'application/json' } });
  assert.equal(page.status, 401);
});

test('lists: page, per_page, Link, X-Total-Count and total; unknown or bad parameters are 400', async () => {
  const t = await makeToken({ name: 'หน้า', scopes: ['org:read'] });
  const total = Number(server.sql(`SELECT COUNT(*) FROM schools WHERE area_id = ${areaId}`));
  const r = await call(t, 'GET', `/api/v1/areas/${areaId}/schools?per_page=7&page=2`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.items.length, 7);
  assert.equal(r.json.total, total);
  assert.equal(r.json.page, 2);
  assert.equal(r.json.per_page, 7);
  assert.equal(r.headers.get('x-total-count'), String(total));
  const link = r.headers.get('link');
  const last = Math.ceil(total / 7);
  assert.ok(link.includes(`</api/v1/areas/${areaId}/schools?per_page=7&page=3>; rel="next"`), link);
  assert.ok(link.includes(`page=1>; rel="prev"`), link);
  assert.ok(link.includes(`page=1>; rel="first"`), link);
  assert.ok(link.includes(`page=${last}>; rel="last"`), link);
  const p1 = await call(t, 'GET', `/api/v1/areas/${areaId}/schools?per_page=7`);
  assert.ok(!p1.headers.get('link').includes('rel="prev"'));
  assert.notEqual(p1.json.items[0].id, r.json.items[0].id);
  const s = p1.json.items[0];
  assert.match(s.obec_code, /^\d{10}$/);
  assert.equal(typeof s.id, 'number');
  for (const q of ['per_page=201', 'per_page=0', 'page=0', 'page=x', 'sort=district', 'foo=1']) {
    const b = await call(t, 'GET', `/api/v1/areas/${areaId}/schools?${q}`);
    errorShape(b, 400, 'invalid_parameter');
    assert.equal(Object.keys(b.json.error.fields).length, 1, q);
  }
  // an unknown parameter with a long Thai name: named in the error, cut on a whole letter
  const thaiKey = 'ตัวกรอง'.repeat(8);
  const tb = await call(t, 'GET', `/api/v1/areas/${areaId}/schools?${encodeURIComponent(thaiKey)}=1`);
  errorShape(tb, 400, 'invalid_parameter');
  const named = Object.keys(tb.json.error.fields);
  assert.equal(named.length, 1);
  assert.ok(named[0].length > 0 && thaiKey.startsWith(named[0]), named[0]);
  const kinds = await call(t, 'GET', '/api/v1/areas?kind=primary&sort=-code');
  assert.equal(kinds.status, 200);
  assert.ok(kinds.json.items.every((a) => a.kind.code === 'primary' && a.kind.label_th));
  errorShape(await call(t, 'GET', '/api/v1/areas?kind=other'), 400, 'invalid_parameter');
  errorShape(await call(t, 'GET', '/api/v1/areas/999999'), 404, 'not_found');
});

test('meeting rooms and bookings: who chairs a meeting only to the area staff and the booker', async () => {
  const t = await makeToken({ name: 'ครูจองห้อง', login: 'teacher', scopes: ['oss:write'] });
  const rooms = await call(t, 'GET', `/api/v1/oss/areas/${areaId}/rooms`);
  assert.equal(rooms.status, 200, rooms.text);
  assert.ok(rooms.json.items.length > 0);
  const room = rooms.json.items[0];
  const day = new Date(Date.now() + 7 * 3600e3 + 45 * 86400e3).toISOString().slice(0, 10);
  const fd = new FormData();
  for (const [k, v] of Object.entries({ area_id: String(areaId), title: 'นาย', first_name: 'สมหมาย', last_name: 'ใจงาม', phone: '0810000001',
    agency: 'กลุ่มนิเทศ', attendees: '5', room_id: String(room.id), purpose: 'ประชุมประจำเดือน', start_date: day, end_date: day,
    start_time: '09:00', end_time: '11:00', chairman: 'นายประธาน ทดสอบ' })) fd.append(k, v);
  fd.append('letter', new Blob([files.pdf()], { type: 'application/pdf' }), 'letter.pdf');
  const sub = await call(t, 'POST', '/api/v1/oss/services/31/requests', { form: fd });
  assert.equal(sub.status, 201, sub.text);
  const q = `/api/v1/oss/rooms/${room.id}/bookings?from=${day}&to=${day}`;
  const mine = await call(t, 'GET', q);
  assert.equal(mine.status, 200, mine.text);
  assert.equal(mine.json.total, 1);
  assert.equal(mine.json.items[0].request_id, sub.json.id);
  assert.equal(mine.json.items[0].chairman, 'นายประธาน ทดสอบ');
  assert.match(mine.json.items[0].start_at, /T09:00:00\+07:00$/);
  const other = await makeToken({ name: 'โรงเรียนอื่นดูห้อง', login: 'schooladmin2', scopes: ['oss:read'] });
  const theirs = await call(other, 'GET', q);
  assert.equal(theirs.json.total, 1);
  assert.ok(!('chairman' in theirs.json.items[0]));
  errorShape(await call(t, 'GET', `/api/v1/oss/rooms/${room.id}/bookings?from=2020-01-01&to=2024-01-01`), 400, 'invalid_parameter');
});

test('users: what the caller may see, citizen IDs masked, reads of others audited (X-5)', async () => {
  const mine = await makeToken({ name: 'ครูอ่านบัญชี', login: 'teacher', scopes: ['acc:read'] });
  const teacherId = Number(server.sql("SELECT id FROM users WHERE username = 'teacher'"));
  const cid = server.sql("SELECT citizen_id FROM users WHERE username = 'teacher'");
  const self = await call(mine, 'GET', '/api/v1/users');
  assert.equal(self.status, 200, self.text);
  assert.equal(self.json.total, 1);
  assert.equal(self.json.items[0].id, teacherId);
  assert.ok(self.json.items[0].email, 'his own e-mail');
  assert.ok(!self.text.includes(cid), 'the citizen ID is never whole');
  assert.ok(self.json.items[0].citizen_id_masked.length > 0);
  const adminId = Number(server.sql("SELECT id FROM users WHERE username = 'areaadmin1'"));
  errorShape(await call(mine, 'GET', `/api/v1/users/${adminId}`), 404, 'not_found');
  const before = Number(server.sql("SELECT COUNT(*) FROM audit WHERE action = 'personal.read'"));
  const adm = await makeToken({ name: 'แอดมินอ่านบัญชี', scopes: ['acc:read'] });
  const list = await call(adm, 'GET', '/api/v1/users?per_page=200');
  assert.equal(list.status, 200);
  assert.ok(list.json.items.some((u) => u.id === teacherId && u.email));
  for (const u of list.json.items) assert.ok(!('citizen_id' in u));
  const inArea = Number(server.sql(`SELECT COUNT(DISTINCT user_id) FROM grants WHERE area_id = ${areaId} AND revoked_at IS NULL`));
  assert.equal(list.json.total, inArea);
  assert.ok(Number(server.sql("SELECT COUNT(*) FROM audit WHERE action = 'personal.read'")) > before, 'the read is audited');
  const detail = server.sql("SELECT detail FROM audit WHERE action = 'personal.read' ORDER BY id DESC LIMIT 1");
  assert.ok(!detail.includes('@'), 'the trail names fields, never values');
  // grants and the audit trail
  const grants = await call(adm, 'GET', '/api/v1/grants');
  assert.equal(grants.status, 200);
  assert.ok(grants.json.items.every((g) => g.area_id === areaId && g.role.code && g.role.label_th));
  const events = await call(adm, 'GET', '/api/v1/audit-events?action=api.token&per_page=5');
  assert.equal(events.status, 200, events.text);
  assert.ok(events.json.items.length > 0 && events.json.items.every((x) => x.action.code.startsWith('api.token')));
  errorShape(await call(mine, 'GET', '/api/v1/audit-events'), 403);
});

test('census learners and personnel per school: masked, and only for who may see the school', async () => {
  const t = await makeToken({ name: 'ระบบ MIS โรงเรียน', login: 'schooladmin', scopes: ['dmc:read', 'dpa:read'] });
  const sid = Number(server.sql("SELECT school_id FROM grants g JOIN users u ON u.id = g.user_id WHERE u.username = 'schooladmin' AND g.role = 'school_admin'"));
  const l = await call(t, 'GET', `/api/v1/dmc/schools/${sid}/learners?per_page=200`);
  assert.equal(l.status, 200, l.text);
  assert.equal(l.json.total, Number(server.sql(`SELECT COUNT(*) FROM dmc_learners WHERE school_id = ${sid} AND status = 'active'`)));
  assert.ok(l.json.items.length > 0);
  for (const id of server.sql(`SELECT ident FROM dmc_learners WHERE school_id = ${sid}`).split('\n'))
    assert.ok(!l.text.includes(id), 'no whole citizen ID or G-code');
  assert.ok(l.json.items.every((x) => x.ident_masked && x.grade.code && x.grade.label_th && !('birth_date' in x)));
  const s = await call(t, 'GET', `/api/v1/dpa/schools/${sid}/staff`);
  assert.equal(s.status, 200, s.text);
  assert.ok(s.json.items.length > 0);
  for (const id of server.sql(`SELECT citizen_id FROM dpa_staff WHERE school_id = ${sid}`).split('\n'))
    assert.ok(!s.text.includes(id), 'no whole citizen ID');
  assert.ok(s.json.items.every((x) => !('salary' in x) && !('phone' in x) && x.citizen_id_masked));
  // nor the retirement year, which gives the birth year away
  assert.ok(s.json.items.every((x) => !('retire_fy' in x) && !('birth_date' in x)));
  const other = await makeToken({ name: 'โรงเรียนที่สอง', login: 'schooladmin2', scopes: ['dmc:read', 'dpa:read'] });
  errorShape(await call(other, 'GET', `/api/v1/dmc/schools/${sid}/learners`), 404, 'not_found');
  errorShape(await call(other, 'GET', `/api/v1/dpa/schools/${sid}/staff`), 404, 'not_found');
});

test('one error shape for the pages JSON too, and Vary: Accept on every page', async () => {
  const c = server.client();
  const r = await c.get('/no/such/page', { json: true });
  errorShape(r, 404, 'not_found');
  const home = await c.get('/');
  assert.match(home.headers.get('vary'), /\bAccept\b/);
  const areas = await c.get('/areas', { json: true });
  assert.match(areas.headers.get('vary'), /\bAccept\b/);
  // a page's form shown again with its errors carries the same error object
  const bad = await admin.post(`/areas/${areaId}/tokens`, { name: '', kind: 'personal', expires: beDate(10), scopes: ['org:read'] }, { json: true });
  assert.equal(bad.status, 422);
  assert.ok(bad.json.error.fields.name);
});

test('each token has its own rate (KHET_API_RATE calls a minute): 429 with Retry-After, then the others still pass', async () => {
  const s = await startServer({ env: { KHET_API_RATE: '3' } });
  try {
    const a = s.client();
    await a.get('/signin');
    assert.equal((await a.post('/signin', { login: 'areaadmin1', password: DEMO_PW })).status, 303);
    const aid = Number(s.sql("SELECT area_id FROM grants g JOIN users u ON u.id = g.user_id WHERE u.username = 'areaadmin1' AND g.role = 'area_admin'"));
    const mk = async (name) => {
      return (await tokenFromPage(a, `/areas/${aid}/tokens`, { name, kind: 'personal', scopes: ['org:read'], expires: beDate(5) })).token;
    };
    const t1 = await mk('หนึ่ง'), t2 = await mk('สอง');
    const get = (t) => fetch(s.base + '/api/v1/areas', { headers: { authorization: `Bearer ${t}` } });
    for (let i = 0; i < 3; i++) assert.equal((await get(t1)).status, 200);
    const over = await get(t1);
    assert.equal(over.status, 429);
    assert.ok(Number(over.headers.get('retry-after')) >= 1);
    const body = await over.json();
    assert.equal(body.error.code, 'rate_limited');
    assert.equal((await get(t2)).status, 200, 'another token is not slowed');
  } finally {
    await s.stop();
  }
});
