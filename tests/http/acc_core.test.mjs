// acc_core: accounts, sign-in, sessions and roles (ACC-1 … ACC-3) through
// the real binary. The server runs with --trust-proxy, and each scenario
// speaks from an address of its own (X-Forwarded-For), so the per-address
// sign-in limit of one scenario never blocks another. Registrations carry a
// real ALTCHA solution: the test fetches /altcha/challenge and finds the
// number by brute force with node:crypto, as the widget does in a browser.
// Demo sign-ins (acc_demo): areaadmin1/2, schooladmin (+ homeroom),
// schooladmin2, teacher, officer, citizen — password khet-demo-2567.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac, randomInt } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { startServer, citizenId, engine, AddressClient, ipSequence, solve, altcha } from './lib.mjs';

const DEMO_PW = 'khet-demo-2567';
let server;

const nextIp = ipSequence('10.9');
class IpClient extends AddressClient {
  constructor(base) { super(base, nextIp()); }
}
const client = () => new IpClient(server.base);

// Runs SQL on the server's database (sqlite3 CLI, or psql on PostgreSQL).
const sql = (q) => server.sql(q);

before(async () => { server = await startServer({ args: ['--trust-proxy'] }); });
after(async () => { await server?.stop(); });

// Solves a challenge the way the ALTCHA widget does; returns the payload.


let idSeq = randomInt(1e6, 9e6);
const newCitizenId = () => citizenId('1' + String(idSeq++).padStart(7, '0') + String(randomInt(1000, 9999)));

function person(over = {}) {
  const cid = newCitizenId();
  return {
    citizen_id: cid, title: 'นาย', first_name: 'ทดสอบ', last_name: 'ระบบบัญชี', phone: '0812345678',
    email: `u${cid}@example.net`, password: 'ม้าลายกินหญ้า-2567', password2: 'ม้าลายกินหญ้า-2567', ...over,
  };
}

async function register(c, fields, opts) {
  await c.get('/register');
  const payload = fields.altcha ?? await altcha(c);
  return c.post('/register', { ...fields, altcha: payload }, opts);
}

async function signin(c, login, password, opts) {
  await c.get('/signin');
  return c.post('/signin', { login, password }, opts);
}

// Registers and then signs in (a registration itself signs nobody in: it
// answers the same whether it made an account or found one, issue 11.6).
async function registerSignedIn(c, p) {
  const r = await register(c, p);
  assert.equal(r.status, 303, r.text.slice(0, 800));
  assert.equal(r.headers.get('location'), '/signin');
  const s = await signin(c, p.email, p.password);
  assert.equal(s.status, 303, s.text.slice(0, 800));
  return s;
}

// The mails queued to addr, newest first.
const mailsTo = (addr) => {
  // a newline in the SQL text itself: char(10) is SQLite's, chr(10) PostgreSQL's
  const out = sql(`SELECT subject || '|' || replace(body, '\n', ' ') FROM outbox WHERE to_addr = '${addr}' ORDER BY id DESC`);
  return out ? out.split('\n') : [];
};

test('register: a citizen registers with a real proof of work, is mailed his username, signs in and sees the profile', async () => {
  const c = client();
  const p = person({ email: 'Somchai.Dee+1@Example.NET' });
  const r = await register(c, p);
  assert.equal(r.status, 303, r.text);
  assert.equal(r.headers.get('location'), '/signin');
  assert.ok(!c.cookies.get('khet_session'), 'not signed in by the registration (an existing account could not be)');
  const page = await c.get('/signin');
  assert.match(page.text, /ส่งการลงทะเบียนแล้ว/);
  const mails = mailsTo('somchai.dee+1@example.net');
  assert.equal(mails.length, 1);
  assert.match(mails[0], /^ลงทะเบียนบัญชีผู้ใช้ระบบ Khet เรียบร้อยแล้ว\|/);
  assert.match(mails[0], /ชื่อผู้ใช้ของท่าน: somchai\.dee1/);
  assert.equal((await signin(c, p.email, p.password)).status, 303);
  const a = await c.get('/account', { json: true });
  assert.equal(a.status, 200);
  assert.equal(a.json.profile.citizen_id, p.citizen_id);
  assert.equal(a.json.profile.email, 'somchai.dee+1@example.net', 'e-mail stored lower-case');
  assert.equal(a.json.profile.username, 'somchai.dee1', 'username from the e-mail local part');
  assert.equal(a.json.active_grant, null, 'a citizen has no staff role');
  assert.deepEqual(a.json.grants, []);
  const h = await c.get('/account');
  assert.match(h.text, /ผู้ใช้ทั่วไป/);
  assert.match(h.text, /somchai\.dee1/);
});

test('register: every error at once — a guessable password or a mismatch shown beside a bad phone and e-mail (issue 10 f)', async () => {
  const c = client();
  const p = person({ phone: '12', email: 'not-an-email', password: 'password1234', password2: 'password1234' });
  const r = await register(c, p, { json: true });
  assert.equal(r.status, 422);
  const errs = r.json.form.errors;
  assert.ok(errs.phone && errs.email, JSON.stringify(errs));
  assert.match(errs.password, /คาดเดาได้ง่าย|ใช้กันมาก/);
  assert.equal(r.json.form.values.phone, '12', 'shown as typed');
  const m = await register(c, person({ phone: '12', password: 'ม้าลายกินหญ้า-2567', password2: 'ม้าลายกินหญ้า-2568' }), { json: true });
  assert.equal(m.status, 422);
  assert.ok(m.json.form.errors.phone);
  assert.match(m.json.form.errors.password2, /ไม่ตรงกัน/);
  const short = await register(c, person({ first_name: '', password: 'สั้น', password2: 'สั้น' }), { json: true });
  assert.ok(short.json.form.errors.first_name);
  assert.match(short.json.form.errors.password, /อย่างน้อย 10 ตัวอักษร/);
});

test('register: JSON clients get the form model and {ok, location}', async () => {
  const c = client();
  const g = await c.get('/register', { json: true });
  assert.equal(g.status, 200);
  assert.deepEqual(g.json.form.fields.map((f) => f.name),
    ['citizen_id', 'title', 'first_name', 'last_name', 'phone', 'email', 'username', 'password', 'password2']);
  assert.equal(g.json.altcha_challenge_url, '/altcha/challenge');
  const r = await register(c, person({ username: 'json.user-' + idSeq }), { json: true });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual({ ok: r.json.ok, location: r.json.location }, { ok: true, location: '/signin' });
});

// Issue 11.6: a registration used to answer 409 "อีเมลนี้ลงทะเบียนแล้ว", so
// anyone could test whether an e-mail or citizen ID had an account.
test('register: a registered e-mail or citizen ID gets the same answer as a new one, and its owner is mailed', async () => {
  const owner = person();
  await registerSignedIn(client(), owner);
  const hashBefore = sql(`SELECT password_hash FROM users WHERE citizen_id = '${owner.citizen_id}'`);
  const answers = {};
  const norm = (r) => JSON.stringify({ status: r.status, location: r.headers.get('location'), json: r.json ?? null,
    cookies: r.headers.getSetCookie().map((x) => x.replace(/=[^;]*/, '=V')).sort() });
  for (const json of [false, true]) {
    const fresh = person();
    const cases = {
      new: fresh,
      email: person({ email: owner.email.toUpperCase() }),
      citizen_id: person({ citizen_id: owner.citizen_id }),
      both: person({ citizen_id: owner.citizen_id, email: owner.email }),
    };
    for (const [k, p] of Object.entries(cases)) {
      const r = await register(client(), p, { json });
      answers[`${k}/${json}`] = norm(r);
      assert.equal(r.status, json ? 200 : 303, `${k}: ${r.text.slice(0, 500)}`);
    }
    for (const k of ['email', 'citizen_id', 'both'])
      assert.equal(answers[`${k}/${json}`], answers[`new/${json}`], `${k} (json ${json}): the same answer as a new person`);
    // the page after the redirect is the same too
    const flash = async (p) => { const c = client(); await register(c, p); return (await c.get('/signin')).text.replace(/[\w-]{43}/g, 'T'); };
    if (!json) assert.equal(await flash(person({ citizen_id: owner.citizen_id })), await flash(person()));
  }
  // nothing was made or changed for the known person; his owner was told by e-mail
  assert.equal(sql(`SELECT COUNT(*) FROM users WHERE citizen_id = '${owner.citizen_id}'`), '1');
  assert.equal(sql(`SELECT COUNT(*) FROM users WHERE email = '${owner.email}'`), '1');
  assert.equal(sql(`SELECT password_hash FROM users WHERE citizen_id = '${owner.citizen_id}'`), hashBefore);
  const told = mailsTo(owner.email).filter((m) => m.startsWith('มีการลงทะเบียนด้วยข้อมูลบัญชีของท่าน'));
  assert.equal(told.length, 7, 'one mail to the owner per attempt (and none to the typed addresses of others)');
  assert.ok(told.some((m) => /ด้วยเลขประจำตัวประชาชนของท่าน/.test(m)));
  assert.ok(told.some((m) => /ด้วยอีเมลของท่าน/.test(m)));
  assert.ok(told.some((m) => /ด้วยเลขประจำตัวประชาชนและอีเมลของท่าน/.test(m)));
  assert.match(told[0], /\/password\/forgot/);
  // the registrant with the owner's citizen ID and his own e-mail got nothing (it would tell him)
  const q = person({ citizen_id: owner.citizen_id });
  await register(client(), q);
  assert.equal(mailsTo(q.email).length, 0);
  assert.equal((await signin(client(), q.email, q.password)).status, 401);
  // the owner still signs in with his own password
  assert.equal((await signin(client(), owner.email, owner.password)).status, 303);
  assert.ok(Number(sql("SELECT COUNT(*) FROM audit WHERE action = 'user.register_existing'")) >= 7);
});

test('sign in by username, citizen ID (with dashes) and e-mail (any case); JSON gets {ok, location}', async () => {
  const cid = '3100100000065';
  for (const login of ['citizen', 'CITIZEN', cid, '3-1001-00000-06-5', 'Citizen@Example.org']) {
    const c = client();
    const r = await signin(c, login, DEMO_PW);
    assert.equal(r.status, 303, `${login}: ${r.text}`);
    const a = await c.get('/account', { json: true });
    assert.equal(a.status, 200);
    assert.equal(a.json.profile.username, 'citizen');
  }
  const c = client();
  await c.get('/signin');
  const j = await c.post('/signin', { login: 'citizen', password: DEMO_PW, next: '/account' }, { json: true });
  assert.equal(j.status, 200);
  assert.deepEqual(j.json, { ok: true, location: '/account' });
  // next must be a local path
  const c2 = client();
  await c2.get('/signin');
  const ev = await c2.post('/signin', { login: 'citizen', password: DEMO_PW, next: '//evil.example/x' });
  assert.equal(ev.headers.get('location'), '/');
});

test('sign-in failures say the same for a wrong password and an unknown account', async () => {
  const c = client();
  const a = await signin(c, 'citizen', 'wrong-password-1');
  const b = await signin(c, 'nobody-here', 'wrong-password-1');
  const d = await signin(c, '1111111111119', 'wrong-password-1');
  assert.equal(a.status, 401);
  assert.equal(b.status, 401);
  const msg = (r) => r.text.match(/<li>(เข้าสู่ระบบไม่สำเร็จ[^<]*)<\/li>/)?.[1];
  assert.ok(msg(a));
  assert.equal(msg(a), msg(b));
  assert.equal(msg(a), msg(d));
  assert.ok(!c.cookies.get('khet_session'));
  // the failure against a real account is kept although the answer was 401
  const uid = sql("SELECT id FROM users WHERE username = 'citizen'");
  assert.ok(Number(sql(`SELECT COUNT(*) FROM audit WHERE action = 'auth.signin_failed' AND target_id = ${uid}`)) >= 1);
  assert.ok(Number(sql(`SELECT COUNT(*) FROM ratelimit`)) >= 3);
});

// Issue 11.3: five wrong passwords for teacher from one address used to
// lock the teacher out everywhere for 15 minutes, and the lock told
// whether a login was an account. Now they delay that address only, more
// with every further failure, and the owner from elsewhere gets in.
test('wrong passwords for teacher from address A delay A only, more each time; the owner from B gets in', async () => {
  const a = client(), b = client();
  const ipA = a.ip;
  for (let i = 0; i < 5; i++) assert.equal((await signin(a, 'teacher', 'not-the-password-' + i)).status, 401, `attempt ${i + 1}`);
  // A waits a minute, even with the right password
  const w = await signin(a, 'teacher', DEMO_PW);
  assert.equal(w.status, 429, w.text.slice(0, 500));
  assert.match(w.text, /กรุณารออีก 1 นาที/);
  const after = Number(w.headers.get('retry-after'));
  assert.ok(after >= 1 && after <= 60, String(after));
  const wj = await signin(a, 'teacher', DEMO_PW, { json: true });
  assert.equal(wj.status, 429);
  assert.match(wj.json.form.form_error, /รออีก/);
  // the owner, from another address, is not touched
  const ok = await signin(b, 'teacher', DEMO_PW);
  assert.equal(ok.status, 303, ok.text.slice(0, 500));
  assert.equal((await b.get('/account', { json: true })).json.profile.username, 'teacher');
  // A's minute passes (moved back in the table): one more wrong password, then two minutes
  const back = (s) => sql(`UPDATE ratelimit SET at = at - ${s} WHERE key LIKE 'signin:pair:%:${ipA}'`);
  back(61);
  assert.equal((await signin(a, 'teacher', 'not-the-password-6')).status, 401);
  const w2 = await signin(a, 'teacher', DEMO_PW);
  assert.equal(w2.status, 429);
  assert.match(w2.text, /กรุณารออีก 2 นาที/);
  assert.ok(Number(w2.headers.get('retry-after')) > 60);
  back(121);
  // the wait over, the right password from A works, and A starts afresh
  assert.equal((await signin(a, 'teacher', DEMO_PW)).status, 303);
  assert.equal(sql(`SELECT COUNT(*) FROM ratelimit WHERE key LIKE 'signin:pair:user:%:${ipA}'`), '0');
});

test('the owner delayed on his own network signs in by an e-mailed one-time link, which ends the delays', async () => {
  const c = client();
  const p = person();
  await registerSignedIn(c, p);
  await c.post('/signout', {});
  for (let i = 0; i < 5; i++) assert.equal((await signin(c, p.email, 'not-the-password-' + i)).status, 401);
  const w = await signin(c, p.email, p.password);
  assert.equal(w.status, 429);
  assert.match(w.text, /href="\/signin\/link"/, 'the sign-in page offers the link');
  assert.match(w.text, /ลิงก์ทางอีเมล/);
  // asking: the same answer for the account, an unknown login and a cancelled one
  const ask = async (login) => { await c.get('/signin/link'); return c.post('/signin/link', { login }); };
  const before = mailsTo(p.email).length;
  const a = await ask(p.citizen_id);
  assert.equal(a.status, 303);
  assert.equal(a.headers.get('location'), '/signin');
  const u = await ask('nobody-such@example.net');
  assert.deepEqual([u.status, u.headers.get('location')], [a.status, a.headers.get('location')]);
  const sent = (await c.get('/signin')).text;
  assert.match(sent, /ลิงก์เข้าสู่ระบบ/);
  assert.equal(mailsTo('nobody-such@example.net').length, 0);
  const mails = mailsTo(p.email);
  assert.equal(mails.length, before + 1);
  const link = mails[0].match(/\/signin\/link\/use\?t=[\w-]{43}/)[0];
  // opening the link signs in nobody (mail scanners open links); the button does
  const open = await c.get(link);
  assert.equal(open.status, 200);
  assert.match(open.text, /action="\/signin\/link\/use"/);
  assert.equal((await c.get('/account')).status, 303, 'not signed in by opening the link');
  const t = new URL(link, 'http://x').searchParams.get('t');
  const go = await c.post('/signin/link/use', { t });
  assert.equal(go.status, 303, go.text.slice(0, 800));
  assert.equal((await c.get('/account', { json: true })).json.profile.citizen_id, p.citizen_id);
  // single use
  const again = await client().get(link);
  assert.equal(again.status, 410);
  assert.match(again.text, /ถูกใช้ไปแล้ว/);
  assert.equal((await client().post('/signin/link/use', { t })).status, 410);
  assert.equal((await client().post('/signin/link/use', { t: 'x'.repeat(43) })).status, 400);
  // the delays of the owner's network ended with it
  await c.post('/signout', {});
  assert.equal((await signin(c, p.email, p.password)).status, 303);
  assert.ok(Number(sql("SELECT COUNT(*) FROM audit WHERE action = 'auth.signin_link'")) >= 1);
});

test('sign-in links: at most 3 mails an hour to one account (quietly the same answer), 10 asks an hour from one network', async () => {
  const c = client();
  const ask = async (login) => { await c.get('/signin/link'); return c.post('/signin/link', { login }); };
  const before = mailsTo('teacher@example.org').filter((m) => m.startsWith('ลิงก์เข้าสู่ระบบ')).length;
  for (let i = 0; i < 4; i++) assert.equal((await ask('teacher')).status, 303);
  assert.equal(mailsTo('teacher@example.org').filter((m) => m.startsWith('ลิงก์เข้าสู่ระบบ')).length, before + 3);
  for (let i = 0; i < 6; i++) assert.equal((await ask(`ghost${i}`)).status, 303);
  const over = await ask('teacher');
  assert.equal(over.status, 429);
  assert.match(over.text, /บ่อยเกินไป/);
  assert.ok(Number(over.headers.get('retry-after')) > 0);
  // an empty login: the form again, with what to fix
  const empty = await c.post('/signin/link', { login: '' }, { json: true });
  assert.equal(empty.status, 422);
  assert.ok(empty.json.form.errors.login);
});

test('an unknown login is delayed exactly as a known one, with the same answers', async () => {
  const known = client(), unknown = client();
  for (let i = 0; i < 6; i++) {
    const k = await signin(known, 'citizen', 'x-password-' + i);
    const u = await signin(unknown, 'ghost.account', 'x-password-' + i);
    assert.equal(k.status, i < 5 ? 401 : 429, `known, attempt ${i + 1}`);
    assert.equal(u.status, k.status, `unknown, attempt ${i + 1}`);
    const same = (r, login) => r.text.replaceAll(login, 'LOGIN').replace(/[\w-]{43}/g, 'TOKEN');
    assert.equal(same(u, 'ghost.account'), same(k, 'citizen'), `attempt ${i + 1}: the same page`);
    assert.equal(u.headers.get('retry-after') === null, k.headers.get('retry-after') === null);
  }
});

test('unknown names, accounts without a password and wrong passwords answer alike (status, body, JSON)', async () => {
  const c = client();
  const p = person();
  await registerSignedIn(c, p);
  await c.post('/signout', {});
  // an account whose password is not set yet (a new admin before his link)
  sql(`UPDATE users SET password_hash = '' WHERE citizen_id = '${p.citizen_id}'`);
  const logins = { known: 'teacher', nopassword: p.citizen_id, unknown: '1111111111119', name: 'nobody-at-all' };
  const html = {}, json = {};
  for (const [k, login] of Object.entries(logins)) {
    const h = await signin(client(), login, 'wrong-password-1');
    const j = await signin(client(), login, 'wrong-password-1', { json: true });
    assert.equal(h.status, 401, k);
    assert.equal(j.status, 401, k);
    html[k] = h.text.replaceAll(login, 'LOGIN').replace(/[\w-]{43}/g, 'TOKEN');
    // the error's request_id is each request's own (as its X-Request-Id)
    json[k] = JSON.stringify(j.json).replaceAll(login, 'LOGIN').replace(/"request_id":"[0-9a-f]{16}"/, '"request_id":"ID"');
  }
  for (const k of ['nopassword', 'unknown', 'name']) {
    assert.equal(html[k], html.known, `${k}: the same page as a wrong password`);
    assert.equal(json[k], json.known, `${k}: the same JSON as a wrong password`);
  }
});

test('20 failures from one address: that address waits, whatever the account', async () => {
  const c = client();
  for (let i = 0; i < 20; i++) assert.equal((await signin(c, `nobody${i}`, 'wrong-password')).status, 401);
  const r = await signin(c, 'citizen', DEMO_PW);
  assert.equal(r.status, 429);
  assert.match(r.text, /เครือข่ายนี้/);
  assert.equal((await signin(client(), 'citizen', DEMO_PW)).status, 303, 'another address is not blocked');
});

test('a cancelled user cannot sign in, and the open session is refused at once', async () => {
  const c = client();
  const p = person();
  await registerSignedIn(c, p);
  assert.equal((await c.get('/account')).status, 200);
  sql(`UPDATE users SET status = 'cancelled' WHERE citizen_id = '${p.citizen_id}'`);
  const a = await c.get('/account');
  assert.equal(a.status, 303);
  assert.match(a.headers.get('location'), /^\/signin\?next=/);
  const r = await signin(client(), p.email, p.password);
  assert.equal(r.status, 401, 'refused with the right password');
  const w = await signin(client(), p.email, 'wrong-password-x');
  assert.equal(r.text.match(/เข้าสู่ระบบไม่สำเร็จ[^<]*/)[0], w.text.match(/เข้าสู่ระบบไม่สำเร็จ[^<]*/)[0],
    'no hint whether the password was right');
});

test('sign out ends the session', async () => {
  const c = client();
  assert.equal((await signin(c, 'teacher', DEMO_PW)).status, 303);
  const token = c.cookies.get('khet_session');
  const o = await c.post('/signout', {});
  assert.equal(o.status, 303);
  assert.equal(c.cookies.get('khet_session'), undefined);
  const a = await c.get('/account');
  assert.equal(a.status, 303);
  // the old token is dead even if a copy was kept
  const copy = client();
  copy.cookies.set('khet_session', token);
  assert.equal((await copy.get('/account')).status, 303);
});

test('sessions end after 30 idle minutes and after 12 hours in all', async () => {
  const c = client();
  const p = person();
  await registerSignedIn(c, p);
  assert.equal((await c.get('/account')).status, 200);
  const uid = sql(`SELECT id FROM users WHERE citizen_id = '${p.citizen_id}'`);
  sql(`UPDATE sessions SET last_seen = last_seen - 1801 WHERE user_id = ${uid}`);
  assert.equal((await c.get('/account')).status, 303, 'idle 30 min');
  assert.equal(sql(`SELECT COUNT(*) FROM sessions WHERE user_id = ${uid}`), '0', 'the row is gone');

  assert.equal((await signin(c, p.email, p.password)).status, 303);
  assert.equal((await c.get('/account')).status, 200);
  sql(`UPDATE sessions SET created_at = created_at - 43201 WHERE user_id = ${uid}`);
  assert.equal((await c.get('/account')).status, 303, '12 hours');
});

test('role switch: a new token, the old one dead, the new role active', async () => {
  const c = client();
  assert.equal((await signin(c, 'schooladmin', DEMO_PW)).status, 303);
  const a = await c.get('/account', { json: true });
  assert.equal(a.json.active_grant.role, 'school_admin');
  assert.equal(a.json.grants.length, Number(sql(`SELECT COUNT(*) FROM grants WHERE user_id = (SELECT id FROM users WHERE username = 'schooladmin') AND revoked_at IS NULL`)));
  assert.ok(a.json.grants.length >= 2);
  const homeroom = a.json.grants.find((g) => g.role === 'homeroom');
  const page = await c.get('/account');
  assert.match(page.text, /<select id="role-switch" name="role">/);
  const before = c.cookies.get('khet_session');
  const r = await c.post('/session/role', { role: homeroom.id, next: '/areas' });
  assert.equal(r.status, 303);
  assert.equal(r.headers.get('location'), '/areas');
  const after = c.cookies.get('khet_session');
  assert.ok(after && after !== before, 'the session token rotates');
  const b = await c.get('/account', { json: true });
  assert.equal(b.json.active_grant.role, 'homeroom');
  const h = await c.get('/account');
  assert.match(h.text, /\(ครูประจำชั้น · /);
  const old = client();
  old.cookies.set('khet_session', before);
  assert.equal((await old.get('/account')).status, 303, 'the old token no longer works');
  // someone else's grant, or nonsense, is refused
  const other = sql("SELECT g.id FROM grants g JOIN users u ON u.id = g.user_id WHERE u.username = 'teacher'");
  const bad = await c.post('/session/role', { role: other });
  assert.equal(bad.status, 422);
  assert.equal((await c.post('/session/role', { role: 'abc' })).status, 422);
  // JSON
  const j = await c.post('/session/role', { grant_id: a.json.active_grant.id }, { json: true });
  assert.equal(j.status, 200);
  assert.equal(j.json.ok, true);
  assert.equal((await c.get('/account', { json: true })).json.active_grant.role, 'school_admin');
  // the page that lists the roles
  assert.ok(Number(sql("SELECT COUNT(*) FROM audit WHERE action = 'auth.role_switch'")) >= 2);
  const rp = await c.get('/session/role');
  assert.equal(rp.status, 200);
  assert.match(rp.text, /ครูประจำชั้น · /);
});

test('access: visitors go to sign in (JSON: 401); roles and areas are enforced with 403', async () => {
  const v = client();
  const a = await v.get('/account');
  assert.equal(a.status, 303);
  assert.equal(a.headers.get('location'), '/signin?next=%2Faccount');
  const j = await v.get('/account', { json: true });
  assert.equal(j.status, 401);
  assert.equal(j.json.error.status, 401);
  const sp = await v.get('/signin?next=%2Fareas%2F1%2Fusers');
  assert.match(sp.text, /name="next" value="\/areas\/1\/users"/);

  const admin1 = client();
  assert.equal((await signin(admin1, 'areaadmin1', DEMO_PW)).status, 303);
  const ok = await admin1.get('/areas/1/users', { json: true });
  assert.equal(ok.status, 200);
  const sa = ok.json.rows.find((x) => x.username === 'schooladmin' && x.role === 'school_admin');
  assert.ok(sa);
  assert.equal(sa.citizen_id, undefined, 'no whole citizen ID in a list (X-5)');
  assert.match(sa.citizen_id_masked, /x/);
  assert.equal((await admin1.get('/areas/2/users')).status, 403, 'an area admin acts only in his area');

  const admin2 = client();
  assert.equal((await signin(admin2, 'areaadmin2', DEMO_PW)).status, 303);
  const no = await admin2.get('/areas/1/users');
  assert.equal(no.status, 403);
  assert.match(no.text, /คุณ/);

  for (const who of ['schooladmin', 'teacher', 'citizen']) {
    const c = client();
    assert.equal((await signin(c, who, DEMO_PW)).status, 303);
    const r = await c.get('/areas/1/users');
    assert.equal(r.status, 403, who);
    assert.match(r.text, /คุณไม่มีสิทธิ์/);
  }
  // refusals and reads of personal data are in the audit trail
  const teacherId = sql("SELECT id FROM users WHERE username = 'teacher'");
  assert.match(sql(`SELECT action || ' ' || actor_role || ' ' || ip FROM audit WHERE action = 'auth.denied' AND actor_user_id = ${teacherId}`),
    /^auth\.denied teacher 10\.9\.\d+\.\d+$/);
  assert.ok(Number(sql("SELECT COUNT(*) FROM audit WHERE action = 'auth.denied'")) >= 4);
  assert.ok(Number(sql("SELECT COUNT(*) FROM audit WHERE action = 'personal.read' AND target_type = 'area' AND target_id = 1")) >= 1);
});

test('the page header: user, active role and a menu for the role', async () => {
  const c = client();
  assert.equal((await signin(c, 'areaadmin1', DEMO_PW)).status, 303);
  const h = await c.get('/');
  assert.match(h.text, /นายสมชาย รักษ์เขต/);
  assert.match(h.text, /\(แอดมินเขต · สพป\.ยโสธร เขต 2\)/);
  assert.match(h.text, /href="\/areas\/1\/users"/);
  assert.doesNotMatch(h.text, /role-switch/, 'one role: no switch');
  assert.match(h.text, /action="\/signout"/);
  const v = await client().get('/');
  assert.match(v.text, /href="\/register"/);
});

test('bad input: check digit, duplicates that reveal nobody, long names, password rules', async () => {
  const c = client();
  const base = person();
  const wrong = base.citizen_id.slice(0, 12) + ((Number(base.citizen_id[12]) + 1) % 10);
  let r = await register(c, { ...base, citizen_id: wrong });
  assert.equal(r.status, 422);
  assert.match(r.text, /หลักสุดท้าย|ตรวจสอบ/);

  assert.equal((await register(c, base)).status, 303);
  // the same citizen ID again, with another e-mail: the answer of a new one, nothing made
  const d = client();
  r = await register(d, { ...person(), citizen_id: base.citizen_id }, { json: true });
  assert.equal(r.status, 200);
  assert.deepEqual([r.json.ok, r.json.location], [true, '/signin']);
  assert.ok(!r.text.includes(base.email) && !r.text.includes('ทดสอบ ระบบบัญชี'), 'who holds it is not shown');
  // the same e-mail in other letters
  r = await register(d, { ...person(), email: base.email.toUpperCase() }, { json: true });
  assert.equal(r.status, 200);
  assert.equal(sql(`SELECT COUNT(*) FROM users WHERE email = '${base.email}'`), '1');
  assert.equal(sql(`SELECT COUNT(*) FROM users WHERE citizen_id = '${base.citizen_id}'`), '1');

  r = await register(d, person({ first_name: 'ก'.repeat(101) }), { json: true });
  assert.equal(r.status, 422);
  assert.match(r.json.form.errors.first_name, /100/);
  r = await register(d, person({ first_name: 'John' }), { json: true });
  assert.equal(r.status, 422);
  assert.match(r.json.form.errors.first_name, /ภาษาไทย/);

  const pw = async (password, re, p = person()) => {
    const x = await register(d, { ...p, password, password2: password }, { json: true });
    assert.equal(x.status, 422, password);
    assert.match(x.json.form.errors.password, re);
  };
  await pw('abcdefgh9', /อย่างน้อย 10/);
  const p2 = person();
  await pw('pw' + p2.citizen_id, /เลขประจำตัวประชาชน/, p2);
  await pw('QwertyUIOP', /คาดเดาได้ง่าย/);
  await pw('1234567890', /คาดเดาได้ง่าย/);
  r = await register(d, person({ password2: 'something-else-12' }), { json: true });
  assert.equal(r.status, 422);
  assert.match(r.json.form.errors.password2, /ไม่ตรงกัน/);
  r = await register(d, person({ username: 'Bad Name!' }), { json: true });
  assert.equal(r.status, 422);
  r = await register(d, person({ username: 'citizen' }), { json: true });
  assert.equal(r.status, 409);
  assert.match(r.json.form.errors.username, /มีผู้ใช้แล้ว/);
  // a taken username is said whoever registers: it tells nothing of the citizen ID or e-mail
  r = await register(d, { ...person({ username: 'citizen' }), citizen_id: base.citizen_id }, { json: true });
  assert.equal(r.status, 409);
  assert.match(r.json.form.errors.username, /มีผู้ใช้แล้ว/);
  assert.equal(r.json.form.errors.citizen_id, undefined);
  // a 10-character password that is not common is fine
  assert.equal((await register(client(), person({ password: 'kh3t!zq9wp', password2: 'kh3t!zq9wp' }))).status, 303);
});

test('SQL and HTML in fields are stored as text and shown escaped', async () => {
  const c = client();
  const p = person({ first_name: 'สมชาย<script>alert(1)</script>', last_name: "ใจดี'); DROP TABLE users;--" });
  await registerSignedIn(c, p);
  const h = await c.get('/account');
  assert.ok(!h.text.includes('<script>alert(1)'));
  assert.ok(h.text.includes('สมชาย&lt;script&gt;alert(1)&lt;/script&gt;'));
  assert.ok(h.text.includes('ใจดี&#39;); DROP TABLE users;--') || h.text.includes('ใจดี&#x27;); DROP TABLE users;--'));
  const j = await c.get('/account', { json: true });
  assert.equal(j.json.profile.first_name, p.first_name);
  assert.equal(j.json.profile.last_name, p.last_name);
  assert.equal((await signin(client(), 'citizen', DEMO_PW)).status, 303, 'the users table is still there');
});

test('ALTCHA: missing, forged, tampered and replayed solutions are refused', async () => {
  const c = client();
  let r = await register(c, { ...person(), altcha: '' }, { json: true });
  assert.equal(r.status, 422);
  assert.match(r.json.form.errors.altcha, /ไม่ใช่บอท/);
  const h = await register(c, { ...person(), altcha: '' });
  assert.match(h.text, /href="#f-altcha"/);
  assert.match(h.text, /<altcha-widget challengeurl="\/altcha\/challenge"/);

  const ch = JSON.parse((await c.get('/altcha/challenge')).text);
  assert.equal(ch.algorithm, 'SHA-256');
  assert.match(ch.salt, /\?expires=\d+$/);
  assert.equal(ch.maxnumber, 100000);
  const good = solve(ch);
  const dec = JSON.parse(Buffer.from(good, 'base64').toString());
  const enc = (o) => Buffer.from(JSON.stringify(o)).toString('base64');
  // a wrong number
  r = await register(c, { ...person(), altcha: enc({ ...dec, number: dec.number + 1 }) }, { json: true });
  assert.equal(r.status, 422);
  // a challenge we did not sign (our own key)
  const salt = 'aa?expires=' + (Math.floor(Date.now() / 1000) + 600);
  const chal = createHash('sha256').update(salt + '5').digest('hex');
  const forged = enc({ algorithm: 'SHA-256', challenge: chal, number: 5, salt, signature: createHmac('sha256', 'guess').update(chal).digest('hex') });
  r = await register(c, { ...person(), altcha: forged }, { json: true });
  assert.equal(r.status, 422);
  // a later expiry written into the salt breaks the hash
  r = await register(c, { ...person(), altcha: enc({ ...dec, salt: dec.salt.replace(/\d+$/, '9999999999') }) }, { json: true });
  assert.equal(r.status, 422);
  // the widget's test mode is not a solution
  r = await register(c, { ...person(), altcha: enc({ ...dec, test: true }) }, { json: true });
  assert.equal(r.status, 422);
  r = await register(c, { ...person(), altcha: 'not base64 at all' }, { json: true });
  assert.equal(r.status, 422);
  // the real one works once
  assert.equal((await register(client(), { ...person(), altcha: good })).status, 303);
  r = await register(client(), { ...person(), altcha: good }, { json: true });
  assert.equal(r.status, 422);
  assert.match(r.json.form.errors.altcha, /ถูกใช้ไปแล้ว/);
});
