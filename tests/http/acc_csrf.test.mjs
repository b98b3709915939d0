// acc_csrf: the CSRF token is the session's (issue 11.7). Signed in, a form
// must carry the token derived from the session's own secret, so a token
// from before the sign-in or role switch, or from another session, is
// refused, whatever the csrf cookie says; over an https base URL the
// cookies are __Host- and every answer carries Strict-Transport-Security.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, AddressClient, ipSequence } from './lib.mjs';

const DEMO_PW = 'khet-demo-2567';
const nextIp = ipSequence('10.77');
let server;

before(async () => { server = await startServer({ args: ['--trust-proxy'] }); });
after(async () => { await server?.stop(); });

const client = (s = server) => new AddressClient(s.base, nextIp());

async function signin(c, login) {
  await c.get('/signin');
  const r = await c.post('/signin', { login, password: DEMO_PW });
  assert.equal(r.status, 303, r.text.slice(0, 800));
  return r;
}

const expired = /แบบฟอร์มหมดอายุ/;

test('the token a visitor had is refused after sign-in; the new one is on the pages and works', async () => {
  const c = client();
  await c.get('/signin');
  const old = c.csrf;
  assert.ok(old);
  await signin(c, 'schooladmin');
  assert.notEqual(c.csrf, old, 'a new token came with the sign-in');
  const page = await c.get('/account');
  assert.ok(page.text.includes(`name="_csrf" value="${c.csrf}"`), 'the page\'s forms carry the session\'s token');
  assert.ok(!page.text.includes(old));
  const grants = (await c.get('/account', { json: true })).json.grants;
  const homeroom = grants.find((g) => g.role === 'homeroom');
  // the old token, in the form and in the cookie both: refused
  const jar = c.cookies.get('khet_csrf');
  c.cookies.set('khet_csrf', old);
  const r = await c.post('/session/role', { role: homeroom.id }, { csrf: old });
  assert.equal(r.status, 403);
  assert.match(r.text, expired);
  c.cookies.set('khet_csrf', jar);
  assert.equal((await c.get('/account', { json: true })).json.active_grant.role, 'school_admin', 'nothing changed');
  // the session's token: accepted
  const ok = await c.post('/session/role', { role: homeroom.id });
  assert.equal(ok.status, 303, ok.text.slice(0, 800));
});

test('the role switch rotates the token: the one from before it is refused', async () => {
  const c = client();
  await signin(c, 'schooladmin');
  const grants = (await c.get('/account', { json: true })).json.grants;
  const before = c.csrf;
  const sw = await c.post('/session/role', { role: grants.find((g) => g.role === 'homeroom').id });
  assert.equal(sw.status, 303);
  assert.ok(c.csrf && c.csrf !== before, 'a new token after the switch');
  const back = grants.find((g) => g.role === 'school_admin').id;
  const r = await c.post('/session/role', { role: back }, { csrf: before, json: true });
  assert.equal(r.status, 403);
  assert.equal((await c.get('/account', { json: true })).json.active_grant.role, 'homeroom');
  assert.equal((await c.post('/session/role', { role: back })).status, 303);
});

test('a token from another session is refused, even with that session\'s csrf cookie', async () => {
  const a = client(), b = client();
  await signin(a, 'teacher');
  await signin(b, 'teacher');
  assert.notEqual(a.csrf, b.csrf, 'each session has its own token');
  const r = await a.post('/session/role', { role: '1' }, { csrf: b.csrf });
  assert.equal(r.status, 403);
  a.cookies.set('khet_csrf', b.csrf);
  const r2 = await a.post('/session/role', { role: '1' }, { csrf: b.csrf });
  assert.equal(r2.status, 403);
  assert.equal((await a.get('/account')).status, 200, 'still signed in');
  // the header form (X-CSRF-Token) is held to the same rule
  const h = await a.request('POST', '/session/role', { headers: { 'x-csrf-token': b.csrf, 'content-type': 'application/x-www-form-urlencoded' }, body: 'role=1' });
  assert.equal(h.status, 403);
  // the token of a's own session (which a's pages carry) works
  const mine = (await a.get('/account')).text.match(/name="_csrf" value="([\w-]{43})"/)[1];
  const out = await a.post('/signout', {}, { csrf: mine });
  assert.equal(out.status, 303);
  assert.equal((await a.get('/account')).status, 303, 'signed out');
  // and after the sign-out, the session's token is no visitor's token either
  const v = await a.post('/signin', { login: 'teacher', password: DEMO_PW }, { csrf: mine });
  assert.equal(v.status, 403);
  assert.notEqual(a.csrf, mine, 'a fresh visitor token came with the sign-out');
});

test('a sign-out from an old tab (its token from before a role switch) still signs out', async () => {
  const c = client();
  await signin(c, 'schooladmin');
  const stale = (await c.get('/account')).text.match(/name="_csrf" value="([\w-]{43})"/)[1];
  const grants = (await c.get('/account', { json: true })).json.grants;
  assert.equal((await c.post('/session/role', { role: grants.find((g) => g.role === 'homeroom').id })).status, 303);
  assert.notEqual(c.csrf, stale);
  const out = await c.post('/signout', {}, { csrf: stale });
  assert.equal(out.status, 303);
  assert.equal((await c.get('/account')).status, 303, 'signed out');
});

test('over plain http: plain cookie names, no Strict-Transport-Security', async () => {
  const c = client();
  const r = await c.get('/signin');
  assert.equal(r.headers.get('strict-transport-security'), null);
  assert.ok(r.headers.getSetCookie().some((x) => x.startsWith('khet_csrf=')));
});

test('an https base URL: __Host- cookies (Secure, Path=/, no Domain) and Strict-Transport-Security', async () => {
  const s = await startServer({ args: ['--trust-proxy', '--base-url', 'https://khet.example.test'] });
  try {
    const c = client(s);
    const g = await c.get('/signin');
    assert.equal(g.headers.get('strict-transport-security'), 'max-age=31536000');
    const set = g.headers.getSetCookie();
    const csrf = set.find((x) => x.startsWith('__Host-khet_csrf='));
    assert.ok(csrf, set.join('\n'));
    assert.match(csrf, /; Secure/);
    assert.match(csrf, /Path=\//);
    assert.doesNotMatch(csrf, /Domain=/i);
    assert.ok(!set.some((x) => x.startsWith('khet_csrf=')));
    const r = await c.post('/signin', { login: 'teacher', password: DEMO_PW });
    assert.equal(r.status, 303, r.text.slice(0, 800));
    assert.equal(r.headers.get('strict-transport-security'), 'max-age=31536000');
    const sess = r.headers.getSetCookie().find((x) => x.startsWith('__Host-khet_session='));
    assert.ok(sess, r.headers.getSetCookie().join('\n'));
    assert.match(sess, /; Secure/);
    assert.match(sess, /HttpOnly/);
    const acct = await c.get('/account', { json: true });
    assert.equal(acct.status, 200);
    assert.equal(acct.json.profile.username, 'teacher');
    // a cookie without the prefix (what a sibling sub-domain could set) is not the session
    const raw = (cookie) => client(s).request('GET', '/account', { headers: { cookie } });
    assert.equal((await raw(`khet_session=${c.cookies.get('khet_session')}`)).status, 303);
    assert.equal((await raw(`__Host-khet_session=${c.cookies.get('khet_session')}`)).status, 200);
    // errors and static files carry HSTS too
    assert.equal((await c.get('/no/such/page')).headers.get('strict-transport-security'), 'max-age=31536000');
    // the flash after a sign-out rides in a __Host- cookie as well
    const out = await c.post('/signout', {});
    assert.equal(out.status, 303);
    assert.ok(out.headers.getSetCookie().some((x) => x.startsWith('__Host-khet_flash=')), out.headers.getSetCookie().join('\n'));
  } finally {
    await s.stop();
  }
});
