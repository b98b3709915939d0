// acc_admin: the area admin's management of his school admins (ACC-6) and
// the area's audit trail (ACC-10), through the real binary with mail sent to
// a real SMTP server (aiosmtpd). areaadmin1 manages area 3502 (schooladmin,
// schooladmin2 and whoever the tests add); areaadmin2 is the admin of 6201,
// who must be refused everything of 3502 — and the refusal kept in 3502's
// trail. Each scenario speaks from its own address (X-Forwarded-For with
// --trust-proxy), which the audit rows must show.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { startServer, citizenId, engine, AddressClient, ipSequence } from './lib.mjs';
import { startSmtp } from './smtp.mjs';

const DEMO_PW = 'khet-demo-2567';
let server, smtp, area1, area2, schools;

const nextIp = ipSequence('10.77');
class IpClient extends AddressClient {
  constructor(base) { super(base, nextIp()); }
}
const client = () => new IpClient(server.base);

const sql = (q) => server.sql(q);
const n = (q) => Number(sql(q));

async function signin(login, c = client()) {
  await c.get('/signin');
  const r = await c.post('/signin', { login, password: DEMO_PW });
  assert.equal(r.status, 303, `sign in ${login}: ${r.status}`);
  return c;
}

let idSeq = randomInt(1e6, 9e6);
const newCid = () => citizenId('2' + String(idSeq++).padStart(7, '0') + String(randomInt(1000, 9999)));
let schoolNext = 2; // schools 0 and 1 of the area have the demo admins

function admin(over = {}) {
  const cid = newCid();
  return {
    school_id: schools[schoolNext++], citizen_id: cid, title: 'นาง', first_name: 'ทดสอบ', last_name: 'แอดมินใหม่',
    email: `sa${cid}@example.net`, phone: '0899999999', staff_id: 'T' + cid.slice(0, 6), personnel_type: 'civil_servant', ...over,
  };
}

// Adds a school admin as areaadmin1; returns { id, fields }.
async function addAdmin(c, over) {
  const f = admin(over);
  const r = await c.post(`/areas/${area1}/users`, f);
  assert.equal(r.status, 303, r.text.slice(0, 3000));
  const m = r.headers.get('location').match(/\/users\/(\d+)$/);
  return { id: Number(m[1]), f };
}

const linkIn = (m) => m.text.match(/https?:\/\/\S+\/password\/set\?t=[A-Za-z0-9_-]+/)?.[0];

before(async () => {
  smtp = await startSmtp();
  server = await startServer({ args: ['--trust-proxy'], env: { KHET_SMTP_URL: smtp.url, KHET_BASE_URL: 'https://khet.example.go.th' } });
  area1 = n("SELECT id FROM areas WHERE code = '3502'");
  area2 = n("SELECT id FROM areas WHERE code = '6201'");
  schools = sql(`SELECT id FROM schools WHERE area_id = ${area1} ORDER BY obec_code`).split('\n').map(Number);
});
after(async () => {
  await server?.stop();
  await smtp?.stop();
  // under the sanitizers (make SAN=1), nothing may have been reported
  assert.doesNotMatch(server?.log() ?? '', /Sanitizer|runtime error:/);
});

test('list: the area\'s school admins, masked IDs, search, filters, paging; the read is audited', async () => {
  const c = await signin('areaadmin1');
  const r = await c.get(`/areas/${area1}/users`, { json: true });
  assert.equal(r.status, 200);
  const names = r.json.rows.map((x) => x.username);
  assert.ok(names.includes('schooladmin') && names.includes('schooladmin2'), names.join());
  assert.ok(!names.includes('teacher'), 'only school admins');
  assert.ok(r.json.rows.every((x) => !('citizen_id' in x) && /x/.test(x.citizen_id_masked)));
  const html = await c.get(`/areas/${area1}/users`);
  assert.equal(html.status, 200);
  assert.ok(!html.text.includes('3100100000031'), 'no whole citizen ID in the list');
  assert.match(html.text, /เพิ่มแอดมิน SS\./);
  // search by name, e-mail, whole citizen ID (with dashes), school
  const cid = sql("SELECT citizen_id FROM users WHERE username = 'schooladmin'");
  const dashed = `${cid[0]}-${cid.slice(1, 5)}-${cid.slice(5, 10)}-${cid.slice(10, 12)}-${cid[12]}`;
  const school0 = sql(`SELECT name FROM schools WHERE id = ${schools[0]}`);
  for (const q of ['สมทรง', 'นิษมาดี สมทรง', 'schooladmin@example.org', dashed, school0]) {
    const s = await c.get(`/areas/${area1}/users?q=${encodeURIComponent(q)}`, { json: true });
    assert.equal(s.status, 200);
    assert.deepEqual(s.json.rows.map((x) => x.username), ['schooladmin'], q);
  }
  const none = await c.get(`/areas/${area1}/users?q=${encodeURIComponent('ไม่มีใครชื่อนี้')}`, { json: true });
  assert.equal(none.json.total, 0);
  // filters
  const bySchool = await c.get(`/areas/${area1}/users?school=${schools[1]}`, { json: true });
  assert.deepEqual(bySchool.json.rows.map((x) => x.username), ['schooladmin2']);
  const byType = await c.get(`/areas/${area1}/users?type=government_employee`, { json: true });
  assert.equal(byType.json.total, 0);
  const bad = await c.get(`/areas/${area1}/users?type=nonsense&school=${schools.at(-1) + 100000}&status=x`, { json: true });
  assert.equal(bad.status, 422);
  assert.ok(bad.json.errors.type && bad.json.errors.school && bad.json.errors.status);
  const longQ = await c.get(`/areas/${area1}/users?q=${encodeURIComponent('ก'.repeat(101))}`, { json: true });
  assert.equal(longQ.status, 422);
  assert.match(longQ.json.errors.q, /ไม่เกิน 100 ตัวอักษร/);
  const hostile = await c.get(`/areas/${area1}/users?q=${encodeURIComponent("<script>alert(1)</script>' OR 1=1 --")}`);
  assert.equal(hostile.status, 200);
  assert.ok(!hostile.text.includes('<script>alert(1)'));
  assert.match(hostile.text, /ทั้งหมด 0 รายการ/);
  // paging: 11 more admins, 10 a page
  for (let i = 0; i < 11; i++) await addAdmin(c, { first_name: 'หน้า' + 'กขคงจฉชซฌญฎ'[i] });
  const p1 = await c.get(`/areas/${area1}/users?q=${encodeURIComponent('หน้า')}&per_page=10`, { json: true });
  assert.equal(p1.json.total, 11);
  assert.equal(p1.json.pages, 2);
  assert.equal(p1.json.rows.length, 10);
  assert.ok(p1.json.next_url.includes('page=2'));
  const p2 = await c.get(p1.json.next_url, { json: true });
  assert.equal(p2.json.rows.length, 1);
  assert.ok(n(`SELECT COUNT(*) FROM audit WHERE action = 'personal.read' AND area_id = ${area1} AND ip = '${c.ip}'`) >= 1);
});

test('add: a new school admin gets the set-password link by e-mail; one admin per school; bad input changes nothing', async () => {
  const c = await signin('areaadmin1');
  const form = await c.get(`/areas/${area1}/users/new`, { json: true });
  assert.equal(form.status, 200);
  const choices = form.json.form.fields.find((f) => f.name === 'school_id').choices;
  assert.ok(choices.length > 20, 'the area\'s schools to choose from');
  const { id, f } = await addAdmin(c, { email: 'New.Admin.' + idSeq + '@Example.NET' });
  const email = f.email.toLowerCase();
  assert.equal(sql(`SELECT email FROM users WHERE id = ${id}`), email, 'stored lower-case');
  assert.equal(sql(`SELECT password_hash FROM users WHERE id = ${id}`), '', 'no password until the link');
  assert.equal(n(`SELECT COUNT(*) FROM grants WHERE user_id = ${id} AND role = 'school_admin' AND school_id = ${f.school_id} AND revoked_at IS NULL`), 1);
  const m = await smtp.waitFor((x) => x.to.includes(email));
  assert.ok(linkIn(m), m.text);
  assert.ok(linkIn(m).startsWith('https://khet.example.go.th/password/set?t='));
  const a = sql(`SELECT actor_user_id || '|' || area_id || '|' || ip FROM audit WHERE action = 'user.add' AND target_id = ${id}`);
  assert.equal(a, `${n("SELECT id FROM users WHERE username = 'areaadmin1'")}|${area1}|${c.ip}`);

  const users = () => n('SELECT COUNT(*) FROM users');
  const before = users();
  // a second admin for the same school
  const second = await c.post(`/areas/${area1}/users`, admin({ school_id: f.school_id }));
  assert.equal(second.status, 409);
  assert.match(second.text, /สถานศึกษานี้มีแอดมินสถานศึกษาแล้ว/);
  // a wrong check digit
  const wrong = admin();
  wrong.citizen_id = wrong.citizen_id.slice(0, 12) + ((Number(wrong.citizen_id[12]) + 1) % 10);
  const w = await c.post(`/areas/${area1}/users`, wrong, { json: true });
  assert.equal(w.status, 422);
  assert.match(w.json.form.errors.citizen_id, /เลขประจำตัวประชาชน/);
  // a citizen ID or e-mail that is registered (any letter case); the
  // citizen's account holds no role of the area (a teacher of the area
  // would get the role on his account: acc_scope.test.mjs)
  const dupCid = await c.post(`/areas/${area1}/users`, admin({ citizen_id: sql("SELECT citizen_id FROM users WHERE username = 'citizen'") }), { json: true });
  assert.equal(dupCid.status, 409);
  assert.match(dupCid.json.form.errors.citizen_id, /มีบัญชีผู้ใช้ในระบบแล้ว/);
  const dupMail = await c.post(`/areas/${area1}/users`, admin({ email: 'SchoolAdmin2@Example.ORG' }), { json: true });
  assert.equal(dupMail.status, 409);
  assert.match(dupMail.json.form.errors.email, /อีเมลนี้เป็นอีเมลของบัญชีผู้ใช้อื่น/);
  // over-long names
  const long = await c.post(`/areas/${area1}/users`, admin({ first_name: 'ก'.repeat(101) }), { json: true });
  assert.equal(long.status, 422);
  assert.ok(long.json.form.errors.first_name);
  // a school of another area
  const other = n(`SELECT id FROM schools WHERE area_id = ${area2} ORDER BY id LIMIT 1`);
  const oa = await c.post(`/areas/${area1}/users`, admin({ school_id: other }), { json: true });
  assert.equal(oa.status, 422);
  assert.ok(oa.json.form.errors.school_id);
  assert.equal(users(), before, 'nothing stored');
  assert.equal(n("SELECT COUNT(*) FROM audit WHERE action = 'user.add'"), n(`SELECT COUNT(*) FROM grants WHERE role = 'school_admin' AND granted_by IS NOT NULL AND area_id = ${area1}`));
});

test('SQL and HTML in fields are stored as text and shown escaped', async () => {
  const c = await signin('areaadmin1');
  const first = 'สมใจ<script>alert(1)</script>';
  const last = "ทดลอง'); DROP TABLE users;--";
  const { id } = await addAdmin(c, { first_name: first, last_name: last, staff_id: '<b>x</b>' });
  assert.equal(sql(`SELECT first_name FROM users WHERE id = ${id}`), first);
  assert.equal(sql(`SELECT last_name FROM users WHERE id = ${id}`), last);
  const page = await c.get(`/areas/${area1}/users?status=all&per_page=100`);
  assert.ok(!page.text.includes('<script>alert(1)'));
  assert.ok(page.text.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
  const one = await c.get(`/areas/${area1}/users/${id}`);
  assert.equal(one.status, 200);
  assert.ok(!one.text.includes('<b>x</b>'));
  assert.ok(n('SELECT COUNT(*) FROM users') > 5, 'the table is still there');
});

test('edit: names and the e-mail switch, both addresses told; an e-mail of someone else is refused clearly', async () => {
  const c = await signin('areaadmin1');
  const { id, f } = await addAdmin(c);
  const page = await c.get(`/areas/${area1}/users/${id}`, { json: true });
  assert.equal(page.status, 200);
  assert.equal(page.json.account.citizen_id, f.citizen_id);
  const newMail = `switched.${id}@example.net`;
  const r = await c.post(`/areas/${area1}/users/${id}`, {
    title: 'นางสาว', first_name: 'เปลี่ยนชื่อ', last_name: 'แล้ว', email: newMail.toUpperCase(), phone: '0811111111', staff_id: 'S-1', personnel_type: 'government_employee',
  });
  assert.equal(r.status, 303, r.text.slice(0, 2000));
  const row = sql(`SELECT title || '|' || first_name || '|' || last_name || '|' || email || '|' || phone || '|' || staff_id || '|' || personnel_type FROM users WHERE id = ${id}`);
  assert.equal(row, `นางสาว|เปลี่ยนชื่อ|แล้ว|${newMail}|0811111111|S-1|government_employee`);
  await smtp.waitFor((m) => m.to.includes(f.email) && m.text.includes(newMail));
  await smtp.waitFor((m) => m.to.includes(newMail) && m.subject.includes('เปลี่ยนอีเมล'));
  const detail = JSON.parse(sql(`SELECT detail FROM audit WHERE action = 'user.update' AND target_id = ${id}`));
  assert.deepEqual(detail.email, [f.email, newMail]);
  assert.deepEqual(detail.first_name, ['ทดสอบ', 'เปลี่ยนชื่อ']);
  // the user signs in with the new e-mail? (no password yet) — the account's unique e-mail is what matters:
  const before = sql(`SELECT email || first_name FROM users WHERE id = ${id}`);
  const taken = await c.post(`/areas/${area1}/users/${id}`, {
    title: 'นาย', first_name: 'อื่น', last_name: 'อีก', email: 'SchoolAdmin@example.org', personnel_type: 'civil_servant',
  }, { json: true });
  assert.equal(taken.status, 409);
  assert.match(taken.json.form.errors.email, /อีเมลนี้เป็นอีเมลของบัญชีผู้ใช้อื่นในระบบแล้ว/);
  const longName = await c.post(`/areas/${area1}/users/${id}`, { title: 'นาย', first_name: 'ก'.repeat(101), last_name: 'ข', email: newMail }, { json: true });
  assert.equal(longName.status, 422);
  const badTitle = await c.post(`/areas/${area1}/users/${id}`, { title: 'King', first_name: 'ก', last_name: 'ข', email: newMail }, { json: true });
  assert.equal(badTitle.status, 422);
  assert.match(badTitle.json.form.errors.title, /คำนำหน้า/);
  assert.equal(sql(`SELECT email || first_name FROM users WHERE id = ${id}`), before, 'nothing changed');
});

test('another area\'s admin is refused everything, and the refusal is in the target area\'s trail', async () => {
  const own = await signin('areaadmin1');
  const { id } = await addAdmin(own);
  const before = sql(`SELECT email || first_name || status FROM users WHERE id = ${id}`);
  const c = await signin('areaadmin2');
  const deniedBefore = n(`SELECT COUNT(*) FROM audit WHERE action = 'auth.denied' AND area_id = ${area1}`);
  // through the other area's path
  for (const path of [`/areas/${area1}/users`, `/areas/${area1}/users/${id}`, `/areas/${area1}/audit`, `/areas/${area1}/audit.csv`]) {
    const r = await c.get(path);
    assert.equal(r.status, 403, path);
    assert.match(r.text, /ไม่มีสิทธิ์/);
  }
  // through his own area's path, naming a user of 3502
  const g = await c.get(`/areas/${area2}/users/${id}`);
  assert.equal(g.status, 403);
  const p = await c.post(`/areas/${area2}/users/${id}`, { title: 'นาย', first_name: 'แฮก', last_name: 'ข้ามเขต', email: 'x@example.net' });
  assert.equal(p.status, 403);
  const k = await c.post(`/areas/${area2}/users/${id}/cancel`, { reason: 'moved' });
  assert.equal(k.status, 403);
  const rs = await c.post(`/areas/${area1}/users/${id}/reset`, {});
  assert.equal(rs.status, 403);
  assert.equal(sql(`SELECT email || first_name || status FROM users WHERE id = ${id}`), before, 'nothing changed');
  const after = n(`SELECT COUNT(*) FROM audit WHERE action = 'auth.denied' AND area_id = ${area1} AND ip = '${c.ip}'`);
  assert.ok(after >= 8 && after > deniedBefore, `denials kept in 3502's trail: ${after}`);
  // a school admin has no business here at all
  const s = await signin('schooladmin2');
  assert.equal((await s.get(`/areas/${area1}/users`)).status, 403);
  // a user that does not exist
  assert.equal((await own.get(`/areas/${area1}/users/999999`)).status, 404);
});

test('cancel: sign-in refused at once, the open session ended, the school free; reinstate respects one admin per school', async () => {
  const c = await signin('areaadmin1');
  const { id, f } = await addAdmin(c);
  // give him a password and an open session (as if he had used the link)
  sql(`UPDATE users SET password_hash = (SELECT password_hash FROM users WHERE username = 'teacher') WHERE id = ${id}`);
  const u = await signin(f.email);
  assert.equal((await u.get('/account')).status, 200);
  const confirm = await c.get(`/areas/${area1}/users/${id}/cancel`);
  assert.equal(confirm.status, 200);
  assert.match(confirm.text, /<dialog open/);
  assert.match(confirm.text, /ใช่หรือไม่/);
  const noReason = await c.post(`/areas/${area1}/users/${id}/cancel`, {});
  assert.equal(noReason.status, 422);
  assert.equal(sql(`SELECT status FROM users WHERE id = ${id}`), 'active');
  const r = await c.post(`/areas/${area1}/users/${id}/cancel`, { reason: 'retired', note: 'เกษียณ 30 ก.ย.' });
  assert.equal(r.status, 303);
  assert.equal(sql(`SELECT status FROM users WHERE id = ${id}`), 'cancelled');
  assert.equal(n(`SELECT COUNT(*) FROM sessions WHERE user_id = ${id}`), 0, 'open sessions ended');
  const again = await u.get('/account');
  assert.equal(again.status, 303, 'the open session is refused');
  const s = client();
  await s.get('/signin');
  assert.equal((await s.post('/signin', { login: f.email, password: DEMO_PW })).status, 401, 'sign-in refused');
  // the ended-terms list
  const ended = await c.get(`/areas/${area1}/users?status=cancelled`, { json: true });
  assert.ok(ended.json.rows.some((x) => x.id === id && x.cancelled));
  const active = await c.get(`/areas/${area1}/users`, { json: true });
  assert.ok(!active.json.rows.some((x) => x.id === id));
  const html = await c.get(`/areas/${area1}/users?status=cancelled`);
  assert.match(html.text, /หมดวาระการใช้งาน \(ถูกยกเลิก\)/);
  const a = JSON.parse(sql(`SELECT detail FROM audit WHERE action = 'user.cancel' AND target_id = ${id}`));
  assert.equal(a.reason, 'retired');
  // the school is free: a new admin may be added
  schoolNext--; // reuse the school
  const next = await addAdmin(c, { school_id: f.school_id });
  // so reinstating the old one is refused, nothing changes
  const re = await c.post(`/areas/${area1}/users/${id}/reinstate`, {});
  assert.equal(re.status, 409);
  assert.match(re.text, /มีแอดมินสถานศึกษาคนใหม่แล้ว/);
  assert.equal(sql(`SELECT status FROM users WHERE id = ${id}`), 'cancelled');
  // cancelling twice says so
  assert.equal((await c.post(`/areas/${area1}/users/${id}/cancel`, { reason: 'moved' })).status, 409);
  // the new one goes, the old one comes back with a fresh link and no old password
  assert.equal((await c.post(`/areas/${area1}/users/${next.id}/cancel`, { reason: 'moved' })).status, 303);
  const ok = await c.post(`/areas/${area1}/users/${id}/reinstate`, {});
  assert.equal(ok.status, 303);
  assert.equal(sql(`SELECT status || '|' || password_hash FROM users WHERE id = ${id}`), 'active|');
  assert.equal(n(`SELECT COUNT(*) FROM grants WHERE user_id = ${id} AND school_id = ${f.school_id} AND revoked_at IS NULL`), 1);
  const links = async () => (await smtp.messages()).filter((m) => m.to.includes(f.email) && linkIn(m)).length;
  for (let i = 0; i < 100 && await links() < 2; i++) await new Promise((res) => setTimeout(res, 100));
  assert.equal(await links(), 2, 'a link at adding and at reinstating');
  assert.equal(n(`SELECT COUNT(*) FROM audit WHERE action = 'user.reinstate' AND target_id = ${id} AND area_id = ${area1}`), 1);
});

test('reset password: a confirm dialog, then the old password and sessions end and a link is e-mailed', async () => {
  const c = await signin('areaadmin1');
  const { id, f } = await addAdmin(c);
  sql(`UPDATE users SET password_hash = (SELECT password_hash FROM users WHERE username = 'teacher') WHERE id = ${id}`);
  const u = await signin(f.email);
  const page = await c.get(`/areas/${area1}/users/${id}/reset`);
  assert.equal(page.status, 200);
  assert.match(page.text, /ท่านต้องการที่จะ: Reset password ของ นางทดสอบ แอดมินใหม่/);
  assert.match(page.text, /ตกลง/);
  const before = (await smtp.messages()).length;
  const r = await c.post(`/areas/${area1}/users/${id}/reset`, {});
  assert.equal(r.status, 303);
  const m = await smtp.waitFor((x) => x.to.includes(f.email) && x.subject.includes('ตั้งรหัสผ่านใหม่'));
  assert.ok(linkIn(m));
  assert.ok((await smtp.messages()).length > before);
  assert.equal((await u.get('/account')).status, 303, 'signed out');
  const s = client();
  await s.get('/signin');
  assert.equal((await s.post('/signin', { login: f.email, password: DEMO_PW })).status, 401, 'old password void');
  assert.equal(n(`SELECT COUNT(*) FROM audit WHERE action = 'user.reset_password' AND target_id = ${id} AND area_id = ${area1}`), 1);
  assert.equal(n(`SELECT COUNT(*) FROM tokens WHERE user_id = ${id} AND used_at IS NULL AND superseded_at IS NULL`), 1);
});

test('audit page: filters, paging, names; CSV of the same filter; bad filters said clearly', async () => {
  const c = await signin('areaadmin1');
  // a trail of its own, more than a page of 10: sign-ins of the area's
  // admin and three user.* actions by him (add, reset, add and cancel)
  for (let i = 0; i < 8; i++) await signin('areaadmin1');
  const other = await addAdmin(c);
  assert.equal((await c.post(`/areas/${area1}/users/${other.id}/reset`, {})).status, 303);
  const { id, f } = await addAdmin(c);
  assert.equal((await c.post(`/areas/${area1}/users/${id}/cancel`, { reason: 'moved' })).status, 303);
  const username = sql(`SELECT username FROM users WHERE id = ${id}`);
  const all = await c.get(`/areas/${area1}/audit`, { json: true });
  assert.equal(all.status, 200);
  assert.ok(all.json.total >= 5);
  assert.ok(all.json.rows.every((x) => x.area_id === area1), 'only the area\'s rows');
  const cancel = await c.get(`/areas/${area1}/audit?action=user.cancel&user=${username}`, { json: true });
  assert.equal(cancel.json.total, 1);
  const row = cancel.json.rows[0];
  assert.equal(row.target_id, id);
  assert.equal(row.actor.username, 'areaadmin1');
  assert.equal(row.target_user.username, username);
  assert.equal(row.ip, c.ip);
  assert.equal(row.actor_role, 'area_admin');
  assert.match(row.at_text, /25\d\d/);
  // by actor (citizen ID typed with dashes) and by family of actions
  const cid = sql("SELECT citizen_id FROM users WHERE username = 'areaadmin1'");
  const byActor = await c.get(`/areas/${area1}/audit?actor=${cid}&action=user.&per_page=10`, { json: true });
  assert.ok(byActor.json.total >= 3);
  assert.ok(byActor.json.rows.every((x) => x.action.startsWith('user.') && x.actor.username === 'areaadmin1'));
  // paging
  const p = await c.get(`/areas/${area1}/audit?per_page=10`, { json: true });
  assert.ok(p.json.pages >= 2);
  const p2 = await c.get(p.json.next_url, { json: true });
  assert.equal(p2.json.page, 2);
  assert.notEqual(p2.json.rows[0].id, p.json.rows[0].id);
  // date range: today in Bangkok has the rows, last year none
  const today = new Date(Date.now() + 7 * 3600e3).toISOString().slice(0, 10);
  const t = await c.get(`/areas/${area1}/audit?action=user.cancel&user=${username}&from=${today}&to=${today}`, { json: true });
  assert.equal(t.json.total, 1);
  const old = await c.get(`/areas/${area1}/audit?from=2020-01-01&to=2020-12-31`, { json: true });
  assert.equal(old.json.total, 0);
  // bad filters
  for (const [q, field, msg] of [
    ['from=2026-05-10&to=2026-05-01', 'to', /ต้องไม่ก่อนวันที่เริ่มต้น/],
    ['from=2026-02-30', 'from', /ไม่ถูกต้อง/],
    ['actor=nobody-at-all', 'actor', /ไม่พบผู้ใช้นี้/],
    ['user=1234567890123', 'user', /เลขประจำตัวประชาชน/],
    ['action=drop.table', 'action', /จากรายการ/],
  ]) {
    const r = await c.get(`/areas/${area1}/audit?${q}`, { json: true });
    assert.equal(r.status, 422, q);
    assert.match(r.json.errors[field], msg, q);
  }
  const badHtml = await c.get(`/areas/${area1}/audit?actor=${encodeURIComponent('<script>x</script>')}`);
  assert.equal(badHtml.status, 422);
  assert.ok(!badHtml.text.includes('<script>x'));
  // CSV: the same filter as the page
  const exportsBefore = n(`SELECT COUNT(*) FROM audit WHERE action = 'audit.export' AND area_id = ${area1}`);
  const csv = await c.get(`/areas/${area1}/audit.csv?action=user.cancel&user=${username}`);
  assert.equal(csv.status, 200);
  assert.match(csv.headers.get('content-type'), /text\/csv/);
  assert.match(csv.headers.get('content-disposition'), /attachment/);
  assert.ok(csv.text.startsWith('\uFEFF') || csv.text.startsWith('ลำดับที่'));
  const lines = csv.text.replace(/^\uFEFF/, '').trim().split('\r\n');
  assert.match(lines[0], /^ลำดับที่,วันเวลา,/);
  assert.equal(lines.length, 2);
  assert.match(lines[1], /,user\.cancel,user,/);
  assert.ok(lines[1].includes(String(id)));
  assert.ok(lines[1].includes(c.ip));
  // names and Thai labels as on the page, not only ids and codes
  assert.match(lines[0], /ผู้ดำเนินการ,ชื่อผู้ใช้ผู้ดำเนินการ,บทบาท,/);
  assert.ok(lines[1].includes('areaadmin1') && lines[1].includes('แอดมินเขต'), lines[1]);
  const full = await c.get(`/areas/${area1}/audit.csv?action=user.`);
  const count = await c.get(`/areas/${area1}/audit?action=user.`, { json: true });
  assert.equal(full.text.trim().split('\r\n').length - 1, count.json.total);
  assert.equal(n(`SELECT COUNT(*) FROM audit WHERE action = 'audit.export' AND area_id = ${area1}`), exportsBefore + 2);
  assert.equal((await c.get(`/areas/${area1}/audit.csv?from=2026-13-01`)).status, 422);
  // the trail stays append-only
  assert.throws(() => sql(`UPDATE audit SET action = 'x' WHERE target_id = ${id}`));
  assert.throws(() => sql(`DELETE FROM audit WHERE target_id = ${id}`));
  void f;
});

test('sign-in rows land in the signed-in user\'s area (the target\'s), not nowhere', async () => {
  const c = await signin('schooladmin2');
  void c;
  const uid = n("SELECT id FROM users WHERE username = 'schooladmin2'");
  assert.ok(n(`SELECT COUNT(*) FROM audit WHERE action = 'auth.signin' AND target_id = ${uid} AND area_id = ${area1}`) >= 1);
  const a2 = await signin('areaadmin2');
  const r = await a2.get(`/areas/${area2}/audit?action=auth.`, { json: true });
  assert.equal(r.status, 200);
  assert.ok(r.json.rows.every((x) => x.area_id === area2));
  assert.ok(!r.json.rows.some((x) => x.target_id === uid && x.action === 'auth.signin'), 'not in another area');
});

test('the new admin follows the e-mailed link, sets a password, confirms the OTP and signs in as school admin', async () => {
  const c = await signin('areaadmin1');
  const { f } = await addAdmin(c);
  const m = await smtp.waitFor((x) => x.to.includes(f.email) && linkIn(x));
  const link = new URL(linkIn(m));
  const u = client();
  const page = await u.get(link.pathname + link.search);
  assert.equal(page.status, 200);
  const pw = 'ม้าลายกินหญ้า-แอดมิน';
  const set = await u.post('/password/set', { t: link.searchParams.get('t'), password: pw, password2: pw });
  assert.equal(set.status, 303, set.text.slice(0, 2000));
  const otpMail = await smtp.waitFor((x) => x.to.includes(f.email) && !linkIn(x) && /\b\d{6}\b/.test(x.text));
  const code = otpMail.text.match(/\b(\d{6})\b/)[1];
  const otp = await u.post('/password/otp', { code });
  assert.equal(otp.status, 303, otp.text.slice(0, 2000));
  const s = client();
  await s.get('/signin');
  assert.equal((await s.post('/signin', { login: f.email, password: pw })).status, 303);
  const a = await s.get('/account', { json: true });
  assert.equal(a.json.active_grant.role, 'school_admin');
  assert.equal(a.json.active_grant.school_id, f.school_id);
  // the link is single-use
  assert.notEqual((await client().post('/password/set', { t: link.searchParams.get('t'), password: pw + '2', password2: pw + '2' })).status, 303);
});
