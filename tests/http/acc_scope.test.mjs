// acc_scope.test.mjs: whose account an area admin may change (ACC-2, ACC-6)
// and the bot check of the public forms (ACC-3, ACC-5), through the real
// binary with mail sent to a real SMTP server (aiosmtpd).
//
// The chain this file guards against: an anonymous visitor registers area
// 2's admin's citizen ID as school admin of a school in area 1; area 1's
// admin approves (the person's one account gets the role); then area 1's
// admin would edit that account's e-mail and reset its password — and the
// visitor would own area 2's admin. An area admin may change an account
// only when every role it holds is a school role in his area's schools.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { startServer, citizenId, engine, AddressClient, ipSequence, solve, altcha } from './lib.mjs';
import { startSmtp } from './smtp.mjs';

const DEMO_PW = 'khet-demo-2567';
let server, smtp, area1, area2, schools, schoolCodes;

const nextIp = ipSequence('10.66');
class IpClient extends AddressClient {
  constructor(base) { super(base, nextIp()); }
}
const client = () => new IpClient(server.base);

const sql = (q) => server.sql(q);
const n = (q) => Number(sql(q));
const uid = (username) => n(`SELECT id FROM users WHERE username = '${username}'`);

async function signin(login, c = client(), password = DEMO_PW) {
  await c.get('/signin');
  const r = await c.post('/signin', { login, password });
  assert.equal(r.status, 303, `sign in ${login}: ${r.status}`);
  return c;
}

let idSeq = randomInt(1e6, 9e6);
const newCid = () => citizenId('4' + String(idSeq++).padStart(7, '0') + String(randomInt(1000, 9999)));


const mailsTo = async (addr) => (await smtp.messages()).filter((m) => m.to.includes(addr));
const nextMail = (addr, seen, what) => smtp.waitFor((m) => m.to.includes(addr) && (what ? what.test(m.subject) : true) && !seen.includes(m), 15000);
const linksQueuedTo = (addr) => n(`SELECT COUNT(*) FROM outbox WHERE to_addr = '${addr}' AND body LIKE '%/password/set?t=%'`);
const denied = () => n("SELECT COUNT(*) FROM audit WHERE action = 'auth.denied'");

function regFields(school, over = {}) {
  const cid = newCid();
  return {
    school_code: schoolCodes[school], registrant: 'director', delegated_by: '', citizen_id: cid, title: 'นาย',
    first_name: 'อำนวย', last_name: 'การศึกษา', position: 'ผู้อำนวยการโรงเรียน', phone: '0812345678',
    email: `school${cid}@example.net`, ...over,
  };
}
async function registerAdmin(c, fields) {
  await c.get('/school-admin/register');
  const payload = fields.altcha ?? await altcha(c);
  return c.postMultipart('/school-admin/register', { ...fields, altcha: payload }, {});
}

before(async () => {
  smtp = await startSmtp();
  server = await startServer({ args: ['--trust-proxy'], env: { KHET_SMTP_URL: smtp.url, KHET_BASE_URL: 'https://khet.example.go.th' } });
  area1 = n("SELECT id FROM areas WHERE code = '3502'");
  area2 = n("SELECT id FROM areas WHERE code = '6201'");
  const rows = sql(`SELECT id || '|' || obec_code FROM schools WHERE area_id = ${area1} ORDER BY obec_code`).split('\n');
  schools = rows.map((x) => Number(x.split('|')[0]));
  schoolCodes = rows.map((x) => x.split('|')[1]);
});
after(async () => {
  await server?.stop();
  await smtp?.stop();
  assert.doesNotMatch(server?.log() ?? '', /Sanitizer|runtime error:/);
});

test('takeover chain: area 2\'s admin registered as a school admin in area 1 stays out of area 1\'s admin\'s hands', async () => {
  const a2 = uid('areaadmin2');
  const a2cid = sql(`SELECT citizen_id FROM users WHERE id = ${a2}`);
  assert.equal(a2cid, '3100100000022');
  const a2mail = sql(`SELECT email FROM users WHERE id = ${a2}`);
  const a2hash = sql(`SELECT password_hash FROM users WHERE id = ${a2}`);
  const attacker = `attacker${randomInt(1e6)}@evil.example`;

  // 1. An anonymous visitor registers that citizen ID for a school of area 1.
  const v = client();
  const f = regFields(2, { citizen_id: a2cid, first_name: 'สุพิศ', last_name: 'กำแพงทอง', email: attacker });
  const r = await registerAdmin(v, f);
  assert.equal(r.status, 303, r.text.slice(0, 2000));
  const rid = n(`SELECT id FROM school_admin_regs WHERE citizen_id = '${a2cid}' AND status = 'pending'`);
  assert.ok(rid > 0);

  // 2. Area 1's admin is told plainly that an existing account, which is an
  // area admin elsewhere, will receive the role; he approves.
  const a = await signin('areaadmin1');
  const view = await a.get(`/school-admin/regs/${rid}`);
  assert.equal(view.status, 200);
  const ok = await a.post(`/school-admin/regs/${rid}/approve`, { note: '' });
  assert.equal(ok.status, 303, ok.text.slice(0, 2000));
  assert.equal(n(`SELECT COUNT(*) FROM grants WHERE user_id = ${a2} AND role = 'school_admin' AND school_id = ${schools[2]} AND revoked_at IS NULL`), 1);
  // No set-password link to anybody; the account keeps its e-mail and password.
  assert.equal(linksQueuedTo(attacker), 0);
  assert.equal(linksQueuedTo(a2mail), 0);
  assert.equal(sql(`SELECT email FROM users WHERE id = ${a2}`), a2mail);
  assert.equal(sql(`SELECT password_hash FROM users WHERE id = ${a2}`), a2hash);

  // 3. Area 1's admin may not open, edit, reset, cancel the account: 403 in
  // Thai, each refusal audited.
  const d0 = denied();
  const page = await a.get(`/areas/${area1}/users/${a2}`);
  assert.equal(page.status, 403);
  assert.match(page.text, /บัญชีนี้มีบทบาทนอกสถานศึกษาในเขตพื้นที่ของคุณ/);
  const edit = await a.post(`/areas/${area1}/users/${a2}`, {
    title: 'นาง', first_name: 'สุพิศ', last_name: 'กำแพงทอง', email: attacker, phone: '', staff_id: '', personnel_type: '',
  });
  assert.equal(edit.status, 403);
  assert.equal((await a.post(`/areas/${area1}/users/${a2}/reset`, {})).status, 403);
  assert.equal((await a.get(`/areas/${area1}/users/${a2}/reset`)).status, 403);
  assert.equal((await a.post(`/areas/${area1}/users/${a2}/cancel`, { reason: 'moved', note: '' })).status, 403);
  assert.equal((await a.post(`/areas/${area1}/users/${a2}/reinstate`, {})).status, 403);
  assert.equal(denied(), d0 + 6);

  // What the approval page said (checked here, so that the steps above
  // are what fails first where they would let the chain through).
  assert.match(view.text, /บัญชีเดิมนี้จะได้รับสิทธิ์แอดมินสถานศึกษาเพิ่ม/);
  assert.match(view.text, /อีเมลและรหัสผ่านของบัญชีเดิมไม่เปลี่ยน และระบบไม่ส่งลิงก์ตั้งรหัสผ่าน/);
  assert.match(view.text, /<li>แอดมินเขต/);

  // 4. A password-change request for the account goes to no area admin:
  // it is stored without an area, for the OBEC super admin to decide.
  const pr0 = n('SELECT COUNT(*) FROM password_requests WHERE area_id IS NOT NULL');
  const anon = client();
  await anon.get('/password/request');
  const req = await anon.post('/password/request', {
    citizen_id: a2cid, first_name: 'สุพิศ', last_name: 'กำแพงทอง', phone: '0810000007', reason: 'forgot', channel: 'email', line_id: '', note: '', pledge: '1',
  });
  assert.equal(req.status, 303);
  assert.equal(n('SELECT COUNT(*) FROM password_requests WHERE area_id IS NOT NULL'), pr0);
  assert.equal(n(`SELECT COUNT(*) FROM password_requests WHERE area_id IS NULL AND user_id = (SELECT id FROM users WHERE citizen_id = '${a2cid}')`), 1);

  // 5. The attacker's address opens nothing; area 2's admin is still himself.
  const f2 = client();
  await f2.get('/password/forgot');
  assert.equal((await f2.post('/password/forgot', { login: attacker })).status, 303);
  assert.equal(linksQueuedTo(attacker), 0);
  const bad = client();
  await bad.get('/signin');
  assert.equal((await bad.post('/signin', { login: attacker, password: DEMO_PW })).status, 401);
  await signin('areaadmin2');
  assert.equal(sql(`SELECT email FROM users WHERE id = ${a2}`), a2mail);
  assert.equal(sql(`SELECT password_hash FROM users WHERE id = ${a2}`), a2hash);
  assert.equal(n(`SELECT COUNT(*) FROM users WHERE email = '${attacker}'`), 0);
});

test('an open password request is not approved once the account holds a role outside the area', async () => {
  const sa2 = uid('schooladmin2');
  const cid = sql(`SELECT citizen_id FROM users WHERE id = ${sa2}`);
  const anon = client();
  await anon.get('/password/request');
  const req = await anon.post('/password/request', {
    citizen_id: cid, first_name: 'วีระ', last_name: 'ผู้ดูแล', phone: '0810000007', reason: 'forgot', channel: 'email', line_id: '', note: '', pledge: '1',
  });
  assert.equal(req.status, 303);
  const id = n(`SELECT id FROM password_requests WHERE user_id = ${sa2} AND status = 'open'`);
  assert.ok(id > 0);
  assert.equal(n(`SELECT area_id FROM password_requests WHERE id = ${id}`), area1);
  // Meanwhile he became a teacher in area 2 too.
  const s2 = n(`SELECT MIN(id) FROM schools WHERE area_id = ${area2}`);
  sql(`INSERT INTO grants (user_id, role, area_id, school_id, module, service, granted_at) VALUES (${sa2}, 'teacher', ${area2}, ${s2}, '', '', 1)`);
  const hash = sql(`SELECT password_hash FROM users WHERE id = ${sa2}`);
  const a = await signin('areaadmin1');
  const d0 = denied();
  const r = await a.post(`/password/requests/${id}/approve`, {});
  assert.equal(r.status, 403);
  assert.match(r.text, /บทบาทนอกสถานศึกษาในเขตพื้นที่ของคุณ/);
  assert.equal(denied(), d0 + 1);
  assert.equal(sql(`SELECT status FROM password_requests WHERE id = ${id}`), 'open');
  assert.equal(sql(`SELECT password_hash FROM users WHERE id = ${sa2}`), hash);
  sql(`DELETE FROM grants WHERE user_id = ${sa2} AND role = 'teacher'`);
});

test('school-admin form: the bot check comes first, no e-mail conflict is told, attempts per address are limited', async () => {
  // A forged solution for a school that has an admin: the bot check answers,
  // not the school lookup.
  const regs0 = n('SELECT COUNT(*) FROM school_admin_regs');
  const forged = await registerAdmin(client(), regFields(0, { altcha: 'forged' }));
  assert.equal(forged.status, 422);
  assert.match(forged.text, /บอท/);
  assert.doesNotMatch(forged.text, /มีแอดมินสถานศึกษาแล้ว/);

  // An e-mail that another account takes after the registration (one of
  // another person is refused at the form, acc_found.test.mjs): the area
  // admin sees the conflict and the approval is refused.
  const f = regFields(4);
  const r = await registerAdmin(client(), f);
  assert.equal(r.status, 303, r.text.slice(0, 2000));
  assert.equal(r.headers.get('location'), '/school-admin/register/sent');
  assert.equal(n('SELECT COUNT(*) FROM school_admin_regs'), regs0 + 1);
  const id = n(`SELECT id FROM school_admin_regs WHERE citizen_id = '${f.citizen_id}'`);
  const other = newCid();
  sql(`INSERT INTO users (citizen_id, email, username, title, first_name, last_name, created_at, updated_at) VALUES ('${other}', '${f.email.toLowerCase()}', 'took${other}', 'นาย', 'มา', 'ทีหลัง', 0, 0)`);
  const a = await signin('areaadmin1');
  const view = await a.get(`/school-admin/regs/${id}`);
  assert.match(view.text, /เป็นอีเมลของบัญชีผู้ใช้อื่นในระบบแล้ว/);
  const ap = await a.post(`/school-admin/regs/${id}/approve`, { note: '' });
  assert.equal(ap.status, 422);
  assert.match(ap.text, /ถูกใช้กับบัญชีผู้ใช้อื่นแล้ว/);
  assert.equal(n(`SELECT COUNT(*) FROM users WHERE citizen_id = '${f.citizen_id}'`), 0);
  assert.equal(sql(`SELECT status FROM school_admin_regs WHERE id = ${id}`), 'pending');

  // One solution passes once, also when the school was refused (409).
  const c = client();
  const payload = await altcha(c);
  const dup = await registerAdmin(c, regFields(0, { altcha: payload }));
  assert.equal(dup.status, 409, dup.text.slice(0, 3000));
  const again = await registerAdmin(c, regFields(6, { altcha: payload }));
  assert.equal(again.status, 422);
  assert.match(again.text, /ถูกใช้ไปแล้ว/);

  // Per address: 20 submissions in 15 minutes, then 429 in Thai.
  const lim = client();
  for (let i = 0; i < 20; i++) {
    const x = await registerAdmin(lim, regFields(7, { altcha: 'x' }));
    assert.equal(x.status, 422, `try ${i}`);
  }
  const over = await registerAdmin(lim, regFields(7));
  assert.equal(over.status, 429);
  assert.match(over.text, /บ่อยเกินไป/);
  assert.ok(Number(over.headers.get('retry-after')) > 0);
  assert.equal(n(`SELECT COUNT(*) FROM school_admin_regs WHERE school_id = ${schools[7]}`), 0);
});

function person(over = {}) {
  const cid = newCid();
  return {
    citizen_id: cid, title: 'นาย', first_name: 'ทดลอง', last_name: 'สมัครใหม่', phone: '0812345678',
    email: `p${cid}@example.net`, username: '', password: 'ช้างเผือกบินได้-2569', password2: 'ช้างเผือกบินได้-2569', ...over,
  };
}
async function register(c, fields) {
  await c.get('/register');
  return c.post('/register', fields, { json: true });
}

test('register: a solution stays used after a registered e-mail, a replay is refused in Thai, attempts per address are limited', async () => {
  const c = client();
  const payload = await altcha(c);
  // A registered e-mail: the answer of a new one (issue 11.6), no account
  // made, and the solution is spent all the same.
  const users = n('SELECT COUNT(*) FROM users');
  const taken = await register(c, person({ email: 'teacher@example.org', altcha: payload }));
  assert.equal(taken.status, 200);
  assert.equal(taken.json.location, '/signin');
  assert.equal(n('SELECT COUNT(*) FROM users'), users);
  const chal = JSON.parse(Buffer.from(payload, 'base64').toString()).challenge;
  assert.equal(n(`SELECT COUNT(*) FROM altcha_used WHERE challenge = '${chal}'`), 1);
  const users0 = n('SELECT COUNT(*) FROM users');
  const replay = await register(c, person({ altcha: payload }));
  assert.equal(replay.status, 422);
  assert.match(replay.json.form.errors.altcha, /การตรวจสอบว่าไม่ใช่บอทนี้ถูกใช้ไปแล้ว/);
  assert.equal(n('SELECT COUNT(*) FROM users'), users0);
  // A fresh one works.
  const p = person();
  const good = await register(c, { ...p, altcha: await altcha(c) });
  assert.equal(good.json?.ok, true, JSON.stringify(good.json ?? {}).slice(0, 1000));
  assert.equal(n(`SELECT COUNT(*) FROM users WHERE citizen_id = '${p.citizen_id}'`), 1);

  // Per address: 20 attempts in 15 minutes, then 429 in Thai, no account.
  const lim = client();
  for (let i = 0; i < 20; i++) {
    const x = await register(lim, person({ altcha: 'x' }));
    assert.equal(x.status, 422, `try ${i}`);
  }
  const q = person();
  const over = await register(lim, { ...q, altcha: await altcha(lim) });
  assert.equal(over.status, 429);
  assert.match(over.json.form.errors._form, /บ่อยเกินไป/);
  assert.equal(n(`SELECT COUNT(*) FROM users WHERE citizen_id = '${q.citizen_id}'`), 0);
});

test('add: an account the area admin manages gets the role; any other existing account is pointed to the registration', async () => {
  const a = await signin('areaadmin1');
  const add = (cid, school) => a.post(`/areas/${area1}/users`, {
    school_id: school, citizen_id: cid, title: 'นาย', first_name: 'ชื่อ', last_name: 'ใหม่',
    email: `x${randomInt(1e6)}@example.net`, phone: '', staff_id: '', personnel_type: 'civil_servant',
  });
  // Another area's admin and a plain citizen: 409, told where to go.
  for (const who of ['areaadmin2', 'citizen']) {
    const cid = sql(`SELECT citizen_id FROM users WHERE username = '${who}'`);
    const r = await add(cid, schools[8]);
    assert.equal(r.status, 409, who);
    assert.match(r.text, /\/school-admin\/register/);
    assert.doesNotMatch(r.text, /ยื่นคำขอรับสิทธิ์แอดมินสถานศึกษา/);
  }
  assert.equal(n(`SELECT COUNT(*) FROM grants WHERE school_id = ${schools[8]} AND role = 'school_admin'`), 0);
  // The area's teacher: the role goes to his account, nothing else changes.
  const t = uid('teacher');
  const before = sql(`SELECT email || '|' || password_hash || '|' || first_name FROM users WHERE id = ${t}`);
  const links = linksQueuedTo('teacher@example.org');
  const r = await add(sql(`SELECT citizen_id FROM users WHERE id = ${t}`), schools[8]);
  assert.equal(r.status, 303, r.text.slice(0, 1500));
  assert.equal(r.headers.get('location'), `/areas/${area1}/users/${t}`);
  assert.equal(n(`SELECT COUNT(*) FROM grants WHERE user_id = ${t} AND role = 'school_admin' AND school_id = ${schools[8]} AND revoked_at IS NULL`), 1);
  assert.equal(sql(`SELECT email || '|' || password_hash || '|' || first_name FROM users WHERE id = ${t}`), before);
  assert.equal(linksQueuedTo('teacher@example.org'), links);
  assert.equal(n(`SELECT COUNT(*) FROM users WHERE citizen_id = '${sql(`SELECT citizen_id FROM users WHERE id = ${t}`)}'`), 1);
});

test('set-password mails: a reset says the old password is void, a forgotten-password mail says it still works', async () => {
  const a = await signin('areaadmin1');
  const sa2 = uid('schooladmin2');
  const mail2 = sql(`SELECT email FROM users WHERE id = ${sa2}`);
  let seen = await mailsTo(mail2);
  const r = await a.post(`/areas/${area1}/users/${sa2}/reset`, {});
  assert.equal(r.status, 303, r.text.slice(0, 1500));
  const m = await nextMail(mail2, seen, /ตั้งรหัสผ่าน/);
  assert.match(m.text, /รหัสผ่านเดิมของท่านถูกยกเลิกแล้ว/);
  assert.doesNotMatch(m.text, /ยังใช้ได้ตามเดิม|ยังคงเดิม/);

  seen = await mailsTo('teacher@example.org');
  const c = client();
  await c.get('/password/forgot');
  assert.equal((await c.post('/password/forgot', { login: 'teacher@example.org' })).status, 303);
  const f = await nextMail('teacher@example.org', seen, /ตั้งรหัสผ่าน/);
  assert.match(f.text, /รหัสผ่านเดิมของท่านยังใช้ได้ตามเดิม/);
  assert.doesNotMatch(f.text, /ถูกยกเลิกแล้ว/);
});

test('cancel: a school admin who is also a homeroom teacher loses the admin role, not the account', async () => {
  const a = await signin('areaadmin1');
  const sa = uid('schooladmin');
  const confirm = await a.get(`/areas/${area1}/users/${sa}/cancel`);
  assert.equal(confirm.status, 200);
  assert.match(confirm.text, /ไม่ยกเลิกทั้งบัญชี/);
  assert.match(confirm.text, /ครูประจำชั้น/);
  const r = await a.post(`/areas/${area1}/users/${sa}/cancel`, { reason: 'moved', note: '' });
  assert.equal(r.status, 303, r.text.slice(0, 1500));
  assert.equal(sql(`SELECT status FROM users WHERE id = ${sa}`), 'active');
  assert.equal(n(`SELECT COUNT(*) FROM grants WHERE user_id = ${sa} AND role = 'school_admin' AND revoked_at IS NULL`), 0);
  assert.equal(n(`SELECT COUNT(*) FROM grants WHERE user_id = ${sa} AND role = 'homeroom' AND revoked_at IS NULL`), 1);
  assert.ok(n(`SELECT COUNT(*) FROM audit WHERE action = 'grant.revoke' AND target_id = ${sa}`) >= 1);
  // He still signs in, as the homeroom teacher.
  const s = await signin('schooladmin');
  const acct = await s.get('/account', { json: true });
  assert.equal(acct.status, 200);
});
