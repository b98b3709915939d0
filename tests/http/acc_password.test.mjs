// acc_password: set-password links and OTP codes (ACC-8), the user's own
// password change and the password-change request with the area admin's
// queue (ACC-9), through the real binary with a real SMTP server
// (aiosmtpd). Every link is followed from the message really received and
// every OTP read from it. Expiry is tested by ageing the token row in the
// database, not the clock. The server runs with --trust-proxy and each
// scenario speaks from an address of its own (X-Forwarded-For), so the
// per-address limits of one scenario never block another.
// Demo sign-ins (acc_demo): areaadmin1 (area 3502), areaadmin2 (6201),
// schooladmin, schooladmin2 (schools of 3502), teacher, officer, citizen.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { startServer, engine, AddressClient, ipSequence, citizenId } from './lib.mjs';
import { startSmtp } from './smtp.mjs';

const DEMO_PW = 'khet-demo-2567';
const NEW_PW = 'ม้าลายกินหญ้า-2567';
let server, smtp;

const nextIp = ipSequence('10.77');
class IpClient extends AddressClient {
  constructor(base) { super(base, nextIp()); }
}
const client = () => new IpClient(server.base);

const sql = (q) => server.sql(q);
const uid = (username) => Number(sql(`SELECT id FROM users WHERE username = '${username}'`));
const hashOf = (username) => sql(`SELECT password_hash FROM users WHERE username = '${username}'`);
const count = (q) => Number(sql(q));
// Gives these accounts the demo password (areaadmin1's, which no test here
// changes) whatever an earlier test set, so a test that only needs them
// signed in does not depend on the tests before it.
const demoPassword = (...names) => sql(`UPDATE users SET password_hash = (SELECT password_hash FROM users WHERE username = 'areaadmin1') WHERE username IN (${names.map((x) => `'${x}'`).join(', ')})`);

before(async () => {
  smtp = await startSmtp();
  server = await startServer({ args: ['--trust-proxy'], env: { KHET_SMTP_URL: smtp.url, KHET_BASE_URL: 'https://khet.example.go.th' } });
});
after(async () => {
  await server?.stop();
  await smtp?.stop();
  // under the sanitizer build (KHET_BIN=build/san/khet) a report fails the file
  assert.doesNotMatch(server?.log() ?? '', /Sanitizer|runtime error:/);
});

async function signin(c, login, password) {
  await c.get('/signin');
  return c.post('/signin', { login, password });
}

// Mails to addr received after the first `seen` of them.
async function nextMail(addr, seen, what) {
  return smtp.waitFor((m) => m.to.includes(addr) && (what ? what.test(m.subject) : true) &&
    !seen.includes(m), 15000);
}
const mailsTo = async (addr) => (await smtp.messages()).filter((m) => m.to.includes(addr));

// The path of the set-password link in a received message.
function linkOf(m) {
  const found = m.text.match(/https:\/\/khet\.example\.go\.th(\/password\/set\?t=[A-Za-z0-9_-]{43})\s/);
  assert.ok(found, 'a set-password link in: ' + m.text);
  return found[1];
}
function otpOf(m) {
  const found = m.text.match(/^(\d{6})$/m);
  assert.ok(found, 'a 6-digit code in: ' + m.text);
  return found[1];
}

// Asks for a reset link by e-mail and returns the received link's path.
async function forgotLink(c, email) {
  const before = await mailsTo(email);
  await c.get('/password/forgot');
  const r = await c.post('/password/forgot', { login: email });
  assert.equal(r.status, 303, r.text);
  assert.equal(r.headers.get('location'), '/password/forgot/sent');
  const m = await nextMail(email, before, /ตั้งรหัสผ่าน/);
  return linkOf(m);
}

// Opens the link and sets pw; returns the OTP mail's code.
async function setPassword(c, link, email, pw = NEW_PW) {
  const page = await c.get(link);
  assert.equal(page.status, 200, page.text);
  const before = await mailsTo(email);
  const t = new URL(link, 'http://x').searchParams.get('t');
  const r = await c.post('/password/set', { t, password: pw, password2: pw });
  assert.equal(r.status, 303, r.text);
  assert.equal(r.headers.get('location'), '/password/otp');
  const m = await nextMail(email, before, /OTP/);
  assert.match(m.subject, /รหัส OTP/);
  return otpOf(m);
}

test('forgot password: link by e-mail, weak passwords refused, OTP confirms, then only the new password works', async () => {
  const c = client();
  const email = 'teacher@example.org';
  const oldHash = hashOf('teacher');
  const link = await forgotLink(c, email);

  const page = await c.get(link);
  assert.equal(page.status, 200);
  assert.match(page.text, /ตั้งรหัสผ่าน/);
  assert.match(page.text, /teacher/);
  const t = new URL(link, 'http://x').searchParams.get('t');

  // Bad input: each 422 with a Thai message at the field, nothing stored.
  const cid = sql("SELECT citizen_id FROM users WHERE username = 'teacher'");
  const bad = [
    [{ password: 'short-1', password2: 'short-1' }, /อย่างน้อย 10/],
    [{ password: NEW_PW, password2: NEW_PW + 'x' }, /ไม่ตรงกัน/],
    [{ password: cid, password2: cid }, /เลขประจำตัวประชาชน/],
    [{ password: 'password123', password2: 'password123' }, /คาดเดาง่าย|ใช้กันมาก|พบบ่อย/],
  ];
  for (const [f, msg] of bad) {
    const r = await c.post('/password/set', { t, ...f });
    assert.equal(r.status, 422, JSON.stringify(f));
    assert.match(r.text, msg);
    assert.match(r.text, /aria-invalid="true"/);
  }
  assert.equal(count('SELECT COUNT(*) FROM password_pending'), 0);
  assert.equal(hashOf('teacher'), oldHash);

  const before = await mailsTo(email);
  const r = await c.post('/password/set', { t, password: NEW_PW, password2: NEW_PW });
  assert.equal(r.status, 303, r.text);
  assert.equal(r.headers.get('location'), '/password/otp');
  const m = await nextMail(email, before, /OTP/);
  const code = otpOf(m);
  // Stored only hashed: neither the password, nor the code, nor the link.
  const pending = sql(`SELECT password_hash || '|' || flow_hash FROM password_pending WHERE user_id = ${uid('teacher')}`);
  assert.match(pending, /^\$argon2id\$/);
  assert.ok(!pending.includes(NEW_PW));
  assert.equal(count(`SELECT COUNT(*) FROM tokens WHERE hash LIKE '%${code}%' OR hash = '${t}'`), 0);
  // Not yet in effect: the old password still signs in, the new does not.
  assert.equal(hashOf('teacher'), oldHash);
  assert.equal((await signin(client(), 'teacher', NEW_PW)).status, 401);
  assert.equal((await signin(client(), 'teacher', DEMO_PW)).status, 303);

  // The OTP page says where the code went; a wrong code is counted.
  const otpPage = await c.get('/password/otp');
  assert.equal(otpPage.status, 200);
  assert.match(otpPage.text, /te\*\*\*\*@example\.org/);
  const wrong = String((Number(code) + 1) % 1000000).padStart(6, '0');
  const w = await c.post('/password/otp', { code: wrong });
  assert.equal(w.status, 422);
  assert.match(w.text, /ไม่ถูกต้อง \(เหลือโอกาสอีก 4 ครั้ง\)/);
  assert.equal(hashOf('teacher'), oldHash);
  const notDigits = await c.post('/password/otp', { code: 'abc' });
  assert.equal(notDigits.status, 422);
  assert.match(notDigits.text, /ตัวเลข 6 หลัก/);

  // Someone at the owner's own address types wrong passwords for him:
  // that address waits (issue 11.3) ...
  for (let i = 0; i < 5; i++) assert.equal((await signin(c, 'teacher', `not-it-${i}-xxxx`)).status, 401);
  assert.equal((await signin(c, 'teacher', DEMO_PW)).status, 429);

  const ok = await c.post('/password/otp', { code });
  assert.equal(ok.status, 303, ok.text);
  assert.equal(ok.headers.get('location'), '/signin');
  // ... until the owner sets a new password by the e-mailed link: the
  // delays of every address end with it
  assert.equal((await signin(c, 'teacher', NEW_PW)).status, 303, 'signed in from the same address at once');
  await c.post('/signout', {});
  assert.notEqual(hashOf('teacher'), oldHash);
  assert.equal(count('SELECT COUNT(*) FROM password_pending'), 0);
  assert.equal((await signin(client(), 'teacher', DEMO_PW)).status, 401);
  assert.equal((await signin(client(), 'teacher', NEW_PW)).status, 303);
  assert.equal(count(`SELECT COUNT(*) FROM audit WHERE action = 'user.password_set' AND target_id = ${uid('teacher')}`), 1);

  // The link and the code are used up; the flow is finished.
  const again = await c.get(link);
  assert.equal(again.status, 410);
  assert.match(again.text, /ถูกใช้ไปแล้ว/);
  assert.match(again.text, /href="\/password\/forgot"/);
  const reuse = await c.post('/password/set', { t, password: NEW_PW + '!', password2: NEW_PW + '!' });
  assert.equal(reuse.status, 410);
  const otpAgain = await c.post('/password/otp', { code });
  assert.equal(otpAgain.status, 400);
  assert.match(otpAgain.text, /ขอลิงก์ใหม่/);
});

test('forged, expired and superseded links get clear Thai pages and change nothing', async () => {
  const c = client();
  const forged = await c.get('/password/set?t=' + 'A'.repeat(43));
  assert.equal(forged.status, 400);
  assert.match(forged.text, /ลิงก์ไม่ถูกต้อง/);
  const none = await c.get('/password/set');
  assert.equal(none.status, 400);
  const forgedPost = await c.post('/password/set', { t: 'x'.repeat(43), password: NEW_PW, password2: NEW_PW });
  assert.equal(forgedPost.status, 400);
  const json = await c.get('/password/set?t=' + 'B'.repeat(43), { json: true });
  assert.equal(json.status, 400);
  assert.ok(json.json.form === undefined);

  const email = 'officer@example.org';
  const oldHash = hashOf('officer');
  const first = await forgotLink(c, email);
  const second = await forgotLink(c, email);
  const sup = await c.get(first);
  assert.equal(sup.status, 410);
  assert.match(sup.text, /อีเมลฉบับล่าสุด/);
  // Age the live link past its hour.
  const now = Math.floor(Date.now() / 1000);
  sql(`UPDATE tokens SET expires_at = ${now - 1} WHERE user_id = ${uid('officer')} AND kind = 'link' AND used_at IS NULL AND superseded_at IS NULL`);
  const exp = await c.get(second);
  assert.equal(exp.status, 410);
  assert.match(exp.text, /หมดอายุ/);
  const t = new URL(second, 'http://x').searchParams.get('t');
  const expPost = await c.post('/password/set', { t, password: NEW_PW, password2: NEW_PW });
  assert.equal(expPost.status, 410);
  assert.equal(count(`SELECT COUNT(*) FROM password_pending WHERE user_id = ${uid('officer')}`), 0);
  assert.equal(hashOf('officer'), oldHash);
  // The OTP page without a flow of this browser.
  const noFlow = await client().get('/password/otp');
  assert.equal(noFlow.status, 400);
  assert.match(noFlow.text, /ลืมรหัสผ่าน/);
});

test('OTP: the sixth guess is refused even when right, a re-issued code works, re-issue is rate-limited, an expired code and flow are refused', async () => {
  const c = client();
  const email = 'citizen@example.org';
  const oldHash = hashOf('citizen');
  const code = await setPassword(c, await forgotLink(c, email), email);
  const wrong = String((Number(code) + 7) % 1000000).padStart(6, '0');
  for (let i = 1; i <= 4; i++) {
    const r = await c.post('/password/otp', { code: wrong });
    assert.equal(r.status, 422);
    assert.match(r.text, new RegExp(`เหลือโอกาสอีก ${5 - i} ครั้ง`));
  }
  const fifth = await c.post('/password/otp', { code: wrong });
  assert.equal(fifth.status, 429);
  assert.match(fifth.text, /ครบ 5 ครั้ง/);
  const sixth = await c.post('/password/otp', { code });
  assert.equal(sixth.status, 429);
  assert.equal(hashOf('citizen'), oldHash);

  // ส่งรหัสใหม่: a fresh code by e-mail; the old one stays dead.
  let before = await mailsTo(email);
  const re = await c.post('/password/otp/resend', {});
  assert.equal(re.status, 303);
  const m = await nextMail(email, before, /OTP/);
  const fresh = otpOf(m);
  const old = await c.post('/password/otp', { code });
  if (fresh !== code) assert.notEqual(old.status, 303);
  assert.equal(hashOf('citizen'), oldHash);
  // An expired code is refused.
  const now = Math.floor(Date.now() / 1000);
  before = await mailsTo(email);
  assert.equal((await c.post('/password/otp/resend', {})).status, 303);
  const fresh2 = otpOf(await nextMail(email, before, /OTP/));
  sql(`UPDATE tokens SET expires_at = ${now - 1} WHERE user_id = ${uid('citizen')} AND kind = 'otp' AND used_at IS NULL AND superseded_at IS NULL`);
  const exp = await c.post('/password/otp', { code: fresh2 });
  assert.equal(exp.status, 410);
  assert.match(exp.text, /หมดอายุ/);
  // A third re-issue in the window is allowed, the fourth waits.
  before = await mailsTo(email);
  assert.equal((await c.post('/password/otp/resend', {})).status, 303);
  const fresh3 = otpOf(await nextMail(email, before, /OTP/));
  const limited = await c.post('/password/otp/resend', {});
  assert.equal(limited.status, 429);
  assert.match(limited.text, /บ่อยเกินไป/);
  assert.ok(limited.headers.get('retry-after'));
  // The latest code confirms.
  const ok = await c.post('/password/otp', { code: fresh3 });
  assert.equal(ok.status, 303, ok.text);
  assert.equal((await signin(client(), 'citizen', NEW_PW)).status, 303);

  // A flow older than its hour is refused, and the password is not applied.
  const c2 = client();
  const code2 = await setPassword(c2, await forgotLink(c2, email), email, NEW_PW + '-2');
  const h = hashOf('citizen');
  sql(`UPDATE password_pending SET expires_at = ${now - 1} WHERE user_id = ${uid('citizen')}`);
  const late = await c2.post('/password/otp', { code: code2 });
  assert.equal(late.status, 410);
  assert.match(late.text, /หมดเวลา/);
  assert.equal(hashOf('citizen'), h);
});

test('forgot password answers the same for unknown, cancelled and real accounts, and mails only the real one', async () => {
  sql("UPDATE users SET status = 'cancelled' WHERE username = 'kpireviewer' OR username = 'schooladmin'");
  const c = client();
  const answers = [];
  const before = (await smtp.messages()).length;
  for (const login of ['nobody@example.org', 'schooladmin@example.org', '3-1001-00000-03-x', "x' OR '1'='1'; DROP TABLE users; --", '<script>alert(1)</script>']) {
    await c.get('/password/forgot');
    const r = await c.post('/password/forgot', { login });
    assert.equal(r.status, 303);
    const page = await c.get(r.headers.get('location'));
    answers.push(page.text.replace(/<input[^>]*csrf[^>]*>/g, ''));
  }
  assert.ok(answers.every((a) => a === answers[0]));
  assert.match(answers[0], /หากข้อมูลที่กรอกตรงกับบัญชีผู้ใช้ที่ใช้งานอยู่/);
  await new Promise((r) => setTimeout(r, 2500));
  assert.equal((await smtp.messages()).length, before);
  // by citizen ID, typed with dashes
  const cid = sql("SELECT citizen_id FROM users WHERE username = 'schooladmin2'");
  const dashed = `${cid[0]}-${cid.slice(1, 5)}-${cid.slice(5, 10)}-${cid.slice(10, 12)}-${cid[12]}`;
  const prev = await mailsTo('schooladmin2@example.org');
  assert.equal((await c.post('/password/forgot', { login: dashed })).status, 303);
  linkOf(await nextMail('schooladmin2@example.org', prev, /ตั้งรหัสผ่าน/));
  // An empty field is a form error.
  const empty = await c.post('/password/forgot', { login: '' });
  assert.equal(empty.status, 422);
  sql("UPDATE users SET status = 'active' WHERE username = 'schooladmin'");
});

test('forgot password: over 3 links an hour for one account, quietly no more mail, the same answer', async () => {
  const email = 'kpireviewer@example.org';
  sql("UPDATE users SET status = 'active' WHERE username = 'kpireviewer'");
  const c = client();
  for (let i = 0; i < 3; i++) await forgotLink(c, email);
  const n = (await mailsTo(email)).length;
  const r = await c.post('/password/forgot', { login: email });
  assert.equal(r.status, 303);
  assert.equal(r.headers.get('location'), '/password/forgot/sent');
  await new Promise((res) => setTimeout(res, 2500));
  assert.equal((await mailsTo(email)).length, n);
  assert.equal(count(`SELECT COUNT(*) FROM audit WHERE action = 'user.password_forgot' AND target_id = ${uid('kpireviewer')}`), 3);
});

test('forgot password is rate-limited per address', async () => {
  const c = client();
  await c.get('/password/forgot');
  for (let i = 0; i < 10; i++) assert.equal((await c.post('/password/forgot', { login: `x${i}@example.org` })).status, 303);
  const r = await c.post('/password/forgot', { login: 'x@example.org' });
  assert.equal(r.status, 429);
  assert.match(r.text, /บ่อยเกินไป/);
});

test('change password: current password and rules checked, other sessions end, this one gets a new token', async () => {
  const a = client(), b = client();
  assert.equal((await signin(a, 'areaadmin2', DEMO_PW)).status, 303);
  assert.equal((await signin(b, 'areaadmin2', DEMO_PW)).status, 303);
  const page = await a.get('/account/password');
  assert.equal(page.status, 200);
  assert.match(page.text, /รหัสผ่านปัจจุบัน/);
  const account = await a.get('/account');
  assert.match(account.text, /href="\/account\/password"/);
  const oldHash = hashOf('areaadmin2');
  const bad = [
    [{ current: 'wrong-password-1', password: NEW_PW, password2: NEW_PW }, /รหัสผ่านปัจจุบันไม่ถูกต้อง/],
    [{ current: DEMO_PW, password: NEW_PW, password2: NEW_PW + '1' }, /ไม่ตรงกัน/],
    [{ current: DEMO_PW, password: 'short', password2: 'short' }, /อย่างน้อย 10/],
    [{ current: DEMO_PW, password: DEMO_PW, password2: DEMO_PW }, /ต้องไม่ซ้ำ/],
  ];
  for (const [f, msg] of bad) {
    const r = await a.post('/account/password', f);
    assert.equal(r.status, 422, JSON.stringify(f));
    assert.match(r.text, msg);
    assert.ok(!r.text.includes(f.current) && !r.text.includes(`value="${f.password}"`), 'passwords are not echoed');
  }
  assert.equal(hashOf('areaadmin2'), oldHash);
  const before = a.cookies.get('khet_session');
  const r = await a.post('/account/password', { current: DEMO_PW, password: NEW_PW, password2: NEW_PW });
  assert.equal(r.status, 303, r.text);
  assert.equal(r.headers.get('location'), '/account');
  assert.notEqual(a.cookies.get('khet_session'), before);
  assert.equal((await a.get('/account')).status, 200);
  assert.equal((await b.get('/account')).status, 303); // the other session ended
  assert.equal((await signin(client(), 'areaadmin2', NEW_PW)).status, 303);
  assert.equal((await signin(client(), 'areaadmin2', DEMO_PW)).status, 401);
  assert.equal(count(`SELECT COUNT(*) FROM audit WHERE action = 'user.password_change' AND target_id = ${uid('areaadmin2')}`), 1);
  // visitors are sent to sign in
  assert.equal((await client().get('/account/password')).status, 303);
});

test('change password: wrong current passwords are limited', async () => {
  const a = client();
  assert.equal((await signin(a, 'kpiowner', DEMO_PW)).status, 303);
  for (let i = 0; i < 5; i++)
    assert.equal((await a.post('/account/password', { current: 'not-it-' + i + 'xxxx', password: NEW_PW, password2: NEW_PW })).status, 422);
  const r = await a.post('/account/password', { current: DEMO_PW, password: NEW_PW, password2: NEW_PW });
  assert.equal(r.status, 429);
  assert.match(r.text, /ผิดหลายครั้งเกินไป/);
  assert.equal((await signin(client(), 'kpiowner', DEMO_PW)).status, 303);
});

test('password-change request: same answer for anyone, stored for the real account, approved by its area admin only, link followed', async () => {
  const cid = sql("SELECT citizen_id FROM users WHERE username = 'schooladmin2'");
  const email = 'schooladmin2@example.org';
  const anon = client();
  const form = await anon.get('/password/request');
  assert.equal(form.status, 200);
  for (const s of ['ลืมรหัสผ่าน', 'พบเหตุต้องสงสัยว่ามีบุคคลอื่นล่วงรู้รหัสผ่าน', 'ต้องการยกเลิกการใช้รหัสผ่านร่วมกับบุคคลอื่น', 'Line ID'])
    assert.ok(form.text.includes(s), s);
  const base = { citizen_id: cid, first_name: 'วีระ', last_name: 'ผู้ดูแล', phone: '0810000007', reason: 'disclosed', channel: 'line', line_id: 'Weera.K', note: '<b>ด่วน</b>', pledge: '1' };

  // Bad input: 422 and nothing stored.
  for (const [f, field] of [[{ line_id: '' }, 'line_id'], [{ line_id: 'ab' }, 'line_id'], [{ reason: 'other' }, 'reason'], [{ pledge: '' }, 'pledge'], [{ citizen_id: '1234567890123' }, 'citizen_id'], [{ first_name: 'ก'.repeat(101) }, 'first_name'], [{ channel: 'sms' }, 'channel']]) {
    const r = await anon.post('/password/request', { ...base, ...f });
    assert.equal(r.status, 422, field);
    assert.match(r.text, new RegExp(`href="#f-${field}"`));
  }
  assert.equal(count('SELECT COUNT(*) FROM password_requests'), 0);

  const mailsBefore = await mailsTo(email);
  const wrongName = await anon.post('/password/request', { ...base, first_name: 'สมชาย' });
  assert.equal(wrongName.status, 303);
  const r = await anon.post('/password/request', base);
  assert.equal(r.status, 303);
  assert.equal(r.headers.get('location'), wrongName.headers.get('location'));
  assert.equal(count('SELECT COUNT(*) FROM password_requests'), 1);
  const notice = await nextMail(email, mailsBefore, /คำขอเปลี่ยนรหัสผ่าน/);
  assert.match(notice.text, /ล่วงรู้รหัสผ่าน/);
  // A second open request for the account is not stored.
  assert.equal((await anon.post('/password/request', { ...base, channel: 'email' })).status, 303);
  assert.equal(count('SELECT COUNT(*) FROM password_requests'), 1);
  const id = Number(sql('SELECT id FROM password_requests'));

  // The area admin of another area neither sees nor decides it.
  demoPassword('areaadmin2', 'teacher');
  const other = client();
  assert.equal((await signin(other, 'areaadmin2', DEMO_PW)).status, 303);
  const otherList = await other.get('/password/requests', { json: true });
  assert.equal(otherList.status, 200);
  assert.equal(otherList.json.total, 0);
  const denied = await other.post(`/password/requests/${id}/approve`, {});
  assert.equal(denied.status, 403);
  assert.equal(sql(`SELECT status FROM password_requests WHERE id = ${id}`), 'open');
  // Nor does a teacher.
  const t = client();
  assert.equal((await signin(t, 'teacher', DEMO_PW)).status, 303);
  assert.equal((await t.get('/password/requests')).status, 403);

  const admin = client();
  assert.equal((await signin(admin, 'areaadmin1', DEMO_PW)).status, 303);
  const list = await admin.get('/password/requests', { json: true });
  assert.equal(list.json.total, 1);
  const row = list.json.rows[0];
  assert.equal(row.reason_label, 'พบเหตุต้องสงสัยว่ามีบุคคลอื่นล่วงรู้รหัสผ่าน');
  assert.equal(row.line_id, 'weera.k');
  assert.equal(row.username, 'schooladmin2');
  const html = await admin.get('/password/requests');
  assert.match(html.text, /&lt;b&gt;ด่วน&lt;\/b&gt;/);

  const before = await mailsTo(email);
  const ok = await admin.post(`/password/requests/${id}/approve`, {});
  assert.equal(ok.status, 303, ok.text);
  assert.equal(sql(`SELECT status FROM password_requests WHERE id = ${id}`), 'approved');
  assert.equal(hashOf('schooladmin2'), '');
  const twice = await admin.post(`/password/requests/${id}/approve`, {});
  assert.equal(twice.status, 409);
  assert.equal(count(`SELECT COUNT(*) FROM audit WHERE action = 'password_request.approve' AND target_id = ${id}`), 1);

  // The owner follows the link from the received mail and sets a password.
  const m = await nextMail(email, before, /ตั้งรหัสผ่านใหม่/);
  const owner = client();
  const code = await setPassword(owner, linkOf(m), email);
  assert.equal((await owner.post('/password/otp', { code })).status, 303);
  assert.equal((await signin(client(), 'schooladmin2', NEW_PW)).status, 303);
});

test('password-change request: rejected with a reason, which the owner receives', async () => {
  const cid = sql("SELECT citizen_id FROM users WHERE username = 'schooladmin2'");
  const anon = client();
  await anon.get('/password/request');
  const r = await anon.post('/password/request', { citizen_id: cid, first_name: 'วีระ', last_name: 'ผู้ดูแล', phone: '0810000007', reason: 'forgot', channel: 'email', pledge: '1' });
  assert.equal(r.status, 303);
  const id = Number(sql("SELECT id FROM password_requests WHERE status = 'open'"));
  assert.ok(id > 0);
  const admin = client();
  assert.equal((await signin(admin, 'areaadmin1', DEMO_PW)).status, 303);
  const noReason = await admin.post(`/password/requests/${id}/reject`, { reject_reason: '' });
  assert.equal(noReason.status, 422);
  assert.match(noReason.text, /เหตุผลที่ไม่อนุมัติ/);
  assert.equal(sql(`SELECT status FROM password_requests WHERE id = ${id}`), 'open');
  const h = hashOf('schooladmin2');
  const before = await mailsTo('schooladmin2@example.org');
  const ok = await admin.post(`/password/requests/${id}/reject`, { reject_reason: 'ชื่อไม่ตรงกับหนังสือรับรองของผู้อำนวยการ' });
  assert.equal(ok.status, 303);
  assert.equal(sql(`SELECT status FROM password_requests WHERE id = ${id}`), 'rejected');
  assert.equal(hashOf('schooladmin2'), h);
  const m = await nextMail('schooladmin2@example.org', before, /ผลการพิจารณา/);
  assert.match(m.text, /ชื่อไม่ตรงกับหนังสือรับรอง/);
  const rejected = await admin.get('/password/requests?status=rejected', { json: true });
  assert.equal(rejected.json.total, 1);
  assert.equal(rejected.json.rows[0].reject_reason, 'ชื่อไม่ตรงกับหนังสือรับรองของผู้อำนวยการ');
});

test('the sign-in page links to the forgotten-password and request pages', async () => {
  const r = await client().get('/signin');
  assert.match(r.text, /href="\/password\/forgot"/);
  assert.match(r.text, /href="\/password\/request"/);
});

test('password-change request of an account no area admin manages (an area officer, a citizen): stored, the super admin is told and decides', async () => {
  // the first super admin, as an operator makes him
  const made = spawnSync(process.env.KHET_BIN || 'bin/khet', ['user', 'add', '--citizen-id', citizenId('110370009999'), '--email', 'obec-admin@example.org',
    '--title', 'นาย', '--first-name', 'สุพจน์', '--last-name', 'ส่วนกลาง', '--role', 'super_admin', '--password-stdin'],
  { env: { ...process.env, ...server.env }, input: NEW_PW + '\n', encoding: 'utf8' });
  assert.equal(made.status, 0, made.stderr);
  const before = count('SELECT COUNT(*) FROM password_requests');
  const seen = await mailsTo('obec-admin@example.org');
  for (const username of ['officer', 'citizen']) {
    const [cid, first, last] = sql(`SELECT citizen_id || '|' || first_name || '|' || last_name FROM users WHERE username = '${username}'`).split('|');
    const u = { cid, first, last };
    const r = await client().post('/password/request', { citizen_id: u.cid, first_name: u.first, last_name: u.last, phone: '0810000000', reason: 'forgot', channel: 'email', line_id: '', note: '', pledge: '1' });
    assert.equal(r.status, 303);
    assert.equal(count(`SELECT COUNT(*) FROM password_requests WHERE user_id = ${uid(username)} AND area_id IS NULL AND status = 'open'`), 1, username);
  }
  assert.equal(count('SELECT COUNT(*) FROM password_requests'), before + 2);
  const told = await nextMail('obec-admin@example.org', seen, /คำขอเปลี่ยนรหัสผ่านใหม่/);
  assert.match(told.text, /\/password\/requests/);
  // an area admin does not see them or decide them
  demoPassword('areaadmin2');
  const area = client();
  assert.equal((await signin(area, 'areaadmin2', DEMO_PW)).status, 303);
  const id = Number(sql(`SELECT id FROM password_requests WHERE user_id = ${uid('officer')}`));
  assert.ok(!(await area.get('/password/requests', { json: true })).json.rows.some((x) => x.id === id));
  assert.equal((await area.post(`/password/requests/${id}/approve`, {})).status, 403);
  // the super admin sees both in his queue and approves: the owner gets the link
  const sup = client();
  assert.equal((await signin(sup, 'obec-admin@example.org', NEW_PW)).status, 303);
  const list = await sup.get('/password/requests', { json: true });
  assert.equal(list.status, 200);
  assert.ok(list.json.rows.some((x) => x.id === id));
  const mails = await mailsTo('officer@example.org');
  assert.equal((await sup.post(`/password/requests/${id}/approve`, {})).status, 303);
  assert.equal(sql(`SELECT status FROM password_requests WHERE id = ${id}`), 'approved');
  await nextMail('officer@example.org', mails, /ตั้งรหัสผ่าน/);
});
