// api_walk: what an acceptance walk of issue 15 found, as a new area
// admin and an integrator with only curl and the docs would meet it, on
// SQLite and (KHET_TEST_PG) PostgreSQL. Each test failed before its fix.
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

// POST → 303 → the GET that shows the token once: { token, page }
function makeToken(fields) {
  return tokenFromPage(admin, `/areas/${areaId}/tokens`, { kind: 'personal', expires: beDate(30), ...fields });
}

// A script's call: the token alone, no cookie.
async function call(token, method, path, { json, raw, type, form } = {}) {
  const headers = { authorization: `Bearer ${token}` };
  let body;
  if (json !== undefined) { headers['content-type'] = 'application/json'; body = JSON.stringify(json); }
  if (raw !== undefined) { headers['content-type'] = type || 'application/json'; body = raw; }
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

test('the token page shows an empty form after a token is made: the next token does not inherit its scopes', async () => {
  const { page } = await makeToken({ name: 'ระบบงานเจ้าหน้าที่', login: 'officer', role: 'officer', scopes: ['oss:write', 'kpi:read'] });
  // the page that shows the token once: its form is the empty one again
  const form = page.slice(page.indexOf('สร้างโทเคนใหม่'));
  assert.doesNotMatch(form, /name="scopes" value="[^"]*" checked/, 'no scope is ticked for the next token');
  assert.match(form, /id="f-name"[^>]*value=""/, 'the name is empty');
  assert.match(form, /id="f-login"[^>]*value=""/, 'the user is empty');
  assert.doesNotMatch(form, /<option value="officer" selected/, 'no role is chosen');
  // a form refused keeps what was typed, as every form does
  const bad = await admin.post(`/areas/${areaId}/tokens`, { name: 'ผิด', kind: 'personal', expires: beDate(30) });
  assert.equal(bad.status, 422);
  assert.match(bad.text.slice(bad.text.indexOf('สร้างโทเคนใหม่')), /id="f-name"[^>]*value="ผิด"/);
});

// The applicant's token (oss:write) and a request body that is right but
// for what each case changes.
let applicant, officer;
const good = () => ({ area_id: areaId, title: 'นาย', first_name: 'สมหมาย', last_name: 'ใจงาม', phone: '0810000001', email: 'a@example.org', pledged: 'no' });

test('a JSON body: an unknown field, an array, an object or true where a single value belongs are each named at their field', async () => {
  applicant ??= (await makeToken({ name: 'สคริปต์ของครู', login: 'teacher', scopes: ['oss:write'] })).token;
  const before = server.sql('SELECT COUNT(*) FROM oss_requests');
  const r = await call(applicant, 'POST', '/api/v1/oss/services/21/requests', {
    json: { ...good(), fist_name: 'สมหมาย', last_name: ['ใจ', 'งาม'], title: { th: 'นาย' }, first_name: true },
  });
  const e = errorShape(r, 422, 'validation_failed');
  assert.match(e.fields.fist_name, /ไม่รู้จักช่องนี้/, 'a misspelt field is named, not dropped');
  assert.match(e.fields.last_name, /^นามสกุล รับได้ค่าเดียว/);
  assert.match(e.fields.title, /^คำนำหน้าชื่อ ต้องเป็นข้อความหรือตัวเลข ไม่ใช่ออบเจ็กต์/);
  assert.match(e.fields.first_name, /^ชื่อ ต้องเป็นข้อความหรือตัวเลข ไม่ใช่ true/);
  assert.equal(server.sql('SELECT COUNT(*) FROM oss_requests'), before, 'nothing stored');
  // a multipart body's unknown field too
  const fd = new FormData();
  for (const [k, v] of Object.entries({ ...good(), colour: 'แดง' })) fd.append(k, String(v));
  fd.append('id_card', new Blob([files.pdf()], { type: 'application/pdf' }), 'id.pdf');
  const m = await call(applicant, 'POST', '/api/v1/oss/services/21/requests', { form: fd });
  assert.match(errorShape(m, 422, 'validation_failed').fields.colour, /ไม่รู้จักช่องนี้/);
  assert.equal(server.sql('SELECT COUNT(*) FROM oss_requests'), before, 'nothing stored');
  // a choice names the codes it takes (there is no select to pick from)
  const c = await call(applicant, 'POST', '/api/v1/oss/services/21/requests', { json: { ...good(), pledged: 'maybe' } });
  assert.match(errorShape(c, 422, 'validation_failed').fields.pledged, /ต้องเป็นหนึ่งใน: no, yes/);
});

test('a body that is no JSON says so and where, not "send the form again"; a wrong Content-Type names the ones taken', async () => {
  applicant ??= (await makeToken({ name: 'สคริปต์ของครู', login: 'teacher', scopes: ['oss:write'] })).token;
  const r = await call(applicant, 'POST', '/api/v1/oss/services/21/requests', { raw: '{"area_id": 1,\n "title": นาย}' });
  const e = errorShape(r, 400, 'invalid_json');
  assert.match(e.message, /JSON/);
  assert.match(e.message, /บรรทัด 2/);
  assert.doesNotMatch(e.message, /แบบฟอร์ม/);
  const arr = await call(applicant, 'POST', '/api/v1/oss/services/21/requests', { raw: '[1, 2]' });
  assert.match(errorShape(arr, 400, 'invalid_json').message, /ออบเจ็กต์/);
  const t = await call(applicant, 'POST', '/api/v1/oss/services/21/requests', { raw: 'area_id=1', type: 'text/plain' });
  const te = errorShape(t, 415);
  assert.match(te.message, /application\/json/);
  assert.doesNotMatch(te.message, /แบบฟอร์มของระบบ/);
  // a page still answers its own words to a browser's broken form
  const page = await admin.request('POST', `/areas/${areaId}/tokens`, { body: 'x', headers: { 'content-type': 'text/plain' } });
  assert.equal(page.status, 415);
});

test('a _version that is no number is refused at _version, never taken for none (which saved without the stale-copy check)', async () => {
  applicant ??= (await makeToken({ name: 'สคริปต์ของครู', login: 'teacher', scopes: ['oss:write'] })).token;
  officer ??= (await makeToken({ name: 'ระบบเจ้าหน้าที่', login: 'officer', role: 'officer', scopes: ['oss:write'] })).token;
  const fd = new FormData();
  for (const [k, v] of Object.entries(good())) fd.append(k, String(v));
  fd.append('id_card', new Blob([files.pdf()], { type: 'application/pdf' }), 'id.pdf');
  const sub = await call(applicant, 'POST', '/api/v1/oss/services/21/requests', { form: fd });
  assert.equal(sub.status, 201, sub.text);
  const id = sub.json.id;
  const r = await call(officer, 'POST', `/api/v1/oss/requests/${id}/status`, { json: { status: 'in_progress', _version: 'abc' } });
  assert.match(errorShape(r, 422, 'validation_failed').fields._version, /_version ต้องเป็นเลขรุ่น/);
  assert.equal(server.sql(`SELECT status FROM oss_requests WHERE id = ${id}`), 'submitted', 'nothing stored');
  // a status that is none names the ones taken
  const s = await call(officer, 'POST', `/api/v1/oss/requests/${id}/status`, { json: { status: 'done', _version: sub.json.version } });
  assert.match(errorShape(s, 422, 'validation_failed').fields.status, /ต้องเป็นหนึ่งใน: .*in_progress/);
  // and the right one still goes through
  const ok = await call(officer, 'POST', `/api/v1/oss/requests/${id}/status`, { json: { status: 'in_progress', _version: sub.json.version } });
  assert.equal(ok.status, 200, ok.text);
});

test('query parameters: a list without sort says it takes none; a choice names the codes it takes', async () => {
  const t = (await makeToken({ name: 'อ่านทั้งหมด', scopes: ['acc:read', 'oss:read'] })).token;
  const a = await call(t, 'GET', '/api/v1/audit-events?sort=-id');
  const e = errorShape(a, 400, 'invalid_parameter');
  assert.match(e.fields.sort, /ไม่รับพารามิเตอร์ sort/);
  assert.doesNotMatch(e.fields.sort, /: - /);
  const s = await call(t, 'GET', '/api/v1/oss/requests?service=21&status=done');
  assert.match(errorShape(s, 400, 'invalid_parameter').fields.status, /ต้องเป็นหนึ่งใน: submitted, in_progress/);
});

test('the docs say what the server takes: sort keys, parameter codes, body types and the files a submission needs', async () => {
  const doc = await (await fetch(server.base + '/api/v1/openapi.json')).json();
  const body = doc.paths['/api/v1/oss/services/21/requests'].post.requestBody.content['multipart/form-data'].schema;
  assert.ok(body.required.includes('id_card'), 'the server refuses a submission without id_card: the document says it is required');
  assert.ok(!body.required.includes('other1'));
  const b12 = doc.paths['/api/v1/oss/services/12/requests'].post.requestBody.content['multipart/form-data'].schema;
  assert.ok(b12.required.includes('pay_slip'));
  const html = await (await fetch(server.base + '/api/v1/docs')).text();
  const op = (path) => {
    const i = html.indexOf(`<code>${path}</code></h3>`);
    assert.ok(i > 0, path);
    return html.slice(i, html.indexOf('</article>', i));
  };
  assert.match(op('GET /api/v1/areas'), /sort: <code>name, code<\/code>/);
  assert.match(op('GET /api/v1/areas'), /primary, secondary/, 'a choice parameter lists its codes');
  assert.doesNotMatch(op('GET /api/v1/audit-events'), /sort/, 'a list without sort keys offers none');
  const sub = op('POST /api/v1/oss/services/21/requests');
  assert.match(sub, /<code>id_card<\/code><\/td><td>[^<]*<\/td><td>ไฟล์ png, jpg หรือ pdf[^<]*<\/td><td>✓/);
  assert.match(sub, /<code>pledged<\/code><\/td><td>[^<]*<\/td><td>หนึ่งใน \/ one of: no, yes/);
  // every table scrolls in its own region; the examples are there
  assert.equal((html.match(/<table>/g) || []).length, (html.match(/<div class="table-scroll" role="region"/g) || []).length);
  assert.match(html, /curl -H &quot;Authorization: Bearer khet_…&quot;|curl -H "Authorization: Bearer khet_…"/);
});

test('a script with no token, or another scheme, is told to send a bearer token, not to sign in', async () => {
  for (const headers of [{}, { authorization: 'Basic YWRtaW46eA==' }]) {
    const res = await fetch(server.base + '/api/v1/areas', { headers });
    const text = await res.text();
    const e = errorShape({ status: res.status, headers: res.headers, json: JSON.parse(text), text }, 401, 'unauthorized');
    assert.match(e.message, /Authorization: Bearer/);
    assert.match(res.headers.get('www-authenticate'), /^Bearer/);
  }
});

test('enums carry their Thai label: a user\'s personnel type and the role an audit event was done in', async () => {
  const t = (await makeToken({ name: 'อ่านบัญชี', scopes: ['acc:read'] })).token;
  const u = await call(t, 'GET', '/api/v1/users?per_page=200');
  assert.equal(u.status, 200, u.text);
  const me = u.json.items.find((x) => x.username === 'areaadmin1');
  assert.deepEqual(me.personnel_type, { code: 'civil_servant', label_th: 'ข้าราชการครูและบุคลากรทางการศึกษา' });
  const a = await call(t, 'GET', '/api/v1/audit-events?per_page=200');
  assert.equal(a.status, 200, a.text);
  const done = a.json.items.find((x) => x.action.code === 'api.token.create');
  assert.deepEqual(done.actor_role, { code: 'area_admin', label_th: 'แอดมินเขต' });
  const signin = a.json.items.find((x) => x.action.code === 'auth.signin');
  assert.equal(signin.actor_role, null, 'no role: null, not ""');
});

test('the token list names each scope in Thai beside its code', async () => {
  await makeToken({ name: 'ระบบรายงานจังหวัด', scopes: ['kpi:read', 'oss:write'] });
  const page = await admin.get(`/areas/${areaId}/tokens`);
  const i = page.text.indexOf('ระบบรายงานจังหวัด');
  const row = page.text.slice(i, page.text.indexOf('</tr>', i));
  assert.match(row, /KPI-Online: อ่าน <code class="small">kpi:read<\/code>/);
  assert.match(row, /One Stop Service: บันทึก <code class="small">oss:write<\/code>/);
});

test('a bad year or date range is refused at its parameter, not answered with an empty list or an unnamed error', async () => {
  const t = (await makeToken({ name: 'อ่าน KPI และบันทึก', scopes: ['kpi:read', 'acc:read'] })).token;
  for (const y of ['abc', '2026', '0']) {
    const r = await call(t, 'GET', `/api/v1/kpi/years/${y}/indicators`);
    assert.match(errorShape(r, 400, 'invalid_parameter').fields.year, /พ\.ศ\./, y);
  }
  const years = await call(t, 'GET', '/api/v1/kpi/years');
  const fy = years.json.items[0].fiscal_year;
  assert.equal((await call(t, 'GET', `/api/v1/kpi/years/${fy}/indicators`)).status, 200);
  const a = await call(t, 'GET', '/api/v1/audit-events?from=2026-12-31&to=2026-01-01');
  assert.match(errorShape(a, 400, 'invalid_parameter').fields.to, /ต้องไม่ก่อนวันที่เริ่มต้น/);
});

test('an area\'s token page offers the area\'s and schools\' roles, not OBEC\'s national ones it would refuse', async () => {
  const page = await admin.get(`/areas/${areaId}/tokens`);
  const sel = page.text.slice(page.text.indexOf('id="f-role"'), page.text.indexOf('</select>', page.text.indexOf('id="f-role"')));
  assert.match(sel, /<option value="area_admin"/);
  assert.match(sel, /<option value="officer"/);
  assert.match(sel, /<option value="teacher"/);
  assert.doesNotMatch(sel, /value="super_admin"/);
  // and a refused form still shows the role chosen
  const bad = await admin.post(`/areas/${areaId}/tokens`, { name: 'x', kind: 'service', role: 'area_admin', expires: beDate(10) });
  assert.equal(bad.status, 422);
  assert.match(bad.text, /<option value="area_admin" selected/);
});

test('the document\'s patterns are anchored as the server checks them, and an ID typed as digits may be a JSON number', async () => {
  const doc = await (await fetch(server.base + '/api/v1/openapi.json')).json();
  const area = doc.paths['/api/v1/oss/services/21/requests'].post.requestBody.content['application/json'].schema.properties.area_id;
  assert.equal(area.pattern, '^([0-9]+)$', 'unanchored, "abc1" matched the document but not the server');
  assert.deepEqual(area.type, ['string', 'integer']);
  applicant ??= (await makeToken({ name: 'สคริปต์ของครู', login: 'teacher', scopes: ['oss:write'] })).token;
  const r = await call(applicant, 'POST', '/api/v1/oss/services/21/requests', { json: { ...good(), area_id: 'abc1' } });
  assert.ok(errorShape(r, 422, 'validation_failed').fields.area_id);
});
