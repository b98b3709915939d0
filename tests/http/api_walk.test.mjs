// api_walk: what an acceptance walk of issue 15 found, as a new area
// admin and an integrator with only curl and the docs would meet it, on
// SQLite and (KHET_TEST_PG) PostgreSQL. Each test failed before its fix.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, files } from './lib.mjs';

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

async function makeToken(fields) {
  const r = await admin.post(`/areas/${areaId}/tokens`, { kind: 'personal', expires: beDate(30), ...fields });
  assert.equal(r.status, 201, r.text.slice(0, 2000));
  const m = r.text.match(/data-token>(khet_[A-Za-z0-9_-]{43})</);
  assert.ok(m, 'the new token is shown once');
  return { token: m[1], page: r.text };
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

function errorShape(r, status, code) {
  assert.equal(r.status, status, r.text);
  const e = r.json?.error;
  assert.ok(e, 'an error body: ' + r.text);
  assert.equal(e.status, status);
  if (code) assert.equal(e.code, code, r.text);
  assert.ok(/[\u0E00-\u0E7F]/.test(e.message), 'the message is Thai: ' + e.message);
  assert.equal(typeof e.fields, 'object');
  assert.equal(e.request_id, r.headers.get('x-request-id'));
  return e;
}

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
