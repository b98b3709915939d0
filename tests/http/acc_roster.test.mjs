// acc_roster: the annual roster of an area's school admins and its public
// directory with the QR code (ACC-7), through the real binary on a demo
// database, with a real SMTP server (aiosmtpd) receiving the set-password
// e-mail of an added admin. The bad-input scenarios run first and must
// leave nothing stored; then the whole yearly submission of area 3502 by
// areaadmin1: confirm schooladmin, cancel schooladmin2 (retired), add a new
// admin for that school and reuse the teacher's account for a third
// school; the cancelled admin cannot sign in, the new one gets the e-mail,
// and the year is locked — a second submission is refused, naming who
// submitted and when, and changes nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { startServer, citizenId, engine, AddressClient, ipSequence } from './lib.mjs';
import { startSmtp } from './smtp.mjs';

const DEMO_PW = 'khet-demo-2567';
let server, smtp, area, otherArea;

const nextIp = ipSequence('10.7');
class IpClient extends AddressClient {
  constructor(base) { super(base, nextIp()); }
}
const client = () => new IpClient(server.base);

const sql = (q) => server.sql(q);
const num = (q) => Number(sql(q));

async function signin(login) {
  const c = client();
  await c.get('/signin');
  const r = await c.post('/signin', { login, password: DEMO_PW });
  assert.equal(r.status, 303, `${login} signs in: ${r.text.slice(0, 300)}`);
  return c;
}

// The whole state the roster may change, to compare before and after.
function snapshot() {
  return sql('SELECT (SELECT COUNT(*) FROM users) || \'/\' || (SELECT COUNT(*) FROM users WHERE status = \'active\') || \'/\' || ' +
    '(SELECT COUNT(*) FROM grants WHERE revoked_at IS NULL) || \'/\' || (SELECT COUNT(*) FROM rosters) || \'/\' || ' +
    '(SELECT COUNT(*) FROM roster_decisions) || \'/\' || (SELECT COUNT(*) FROM roster_additions) || \'/\' || ' +
    '(SELECT COUNT(*) FROM outbox) || \'/\' || (SELECT COUNT(*) FROM sessions)');
}

let idSeq = randomInt(1e6, 9e6);
const newCitizenId = () => citizenId('2' + String(idSeq++).padStart(7, '0') + String(randomInt(1000, 9999)));

const schoolId = (n) => num(`SELECT id FROM schools WHERE area_id = ${area} ORDER BY id LIMIT 1 OFFSET ${n}`);
const grantOf = (username) => num(`SELECT g.id FROM grants g JOIN users u ON u.id = g.user_id WHERE u.username = '${username}' AND g.role = 'school_admin' AND g.revoked_at IS NULL`);
const audits = (action) => num(`SELECT COUNT(*) FROM audit WHERE action = '${action}'`);

before(async () => {
  smtp = await startSmtp();
  server = await startServer({ args: ['--trust-proxy'], env: { KHET_SMTP_URL: smtp.url, KHET_BASE_URL: 'https://khet.example.go.th' } });
  area = num("SELECT id FROM areas WHERE code = '3502'");
  otherArea = num("SELECT id FROM areas WHERE code = '6201'");
});
after(async () => {
  await server?.stop();
  await smtp?.stop();
  // under the sanitizers (KHET_BIN=build/san/khet) the server reports here
  assert.doesNotMatch(server?.log() || '', /Sanitizer|runtime error:/);
});

function newAdmin(over = {}) {
  const cid = newCitizenId();
  return {
    year: '', citizen_id: cid, title: 'นางสาว', first_name: 'สมทรง', last_name: 'นิษมาดี',
    email: `admin${randomInt(1e9)}.${idSeq}@school.example.org`, staff_id: 'T-0042', personnel_type: 'civil_servant',
    school_id: String(schoolId(1)), ...over,
  };
}

test('the roster page lists the area\'s school admins for the present academic year', async () => {
  const c = await signin('areaadmin1');
  const r = await c.get(`/areas/${area}/roster`, { json: true });
  assert.equal(r.status, 200, r.text);
  const ro = r.json.roster;
  assert.equal(ro.status, 'none');
  assert.equal(ro.locked, false);
  assert.equal(r.json.editable, true);
  const names = ro.admins.rows.map((x) => x.username).sort();
  assert.deepEqual(names, ['schooladmin', 'schooladmin2']);
  assert.equal(ro.counts.undecided, 2);
  for (const x of ro.admins.rows) assert.equal(x.decision, null);
  const h = await c.get(`/areas/${area}/roster`);
  assert.match(h.text, /รายชื่อแอดมินสถานศึกษา ประจำปีการศึกษา \d{4}/);
  assert.match(h.text, /<option value="\d+:moved">ยกเลิก — ย้าย<\/option>/);
});

test('bad input is refused with a clear Thai message and stores nothing', async () => {
  const c = await signin('areaadmin1');
  const year = (await c.get(`/areas/${area}/roster`, { json: true })).json.year;
  const before = snapshot();
  const g1 = grantOf('schooladmin');

  // unknown choices
  for (const choice of [`${g1}:fired`, 'abc', `${g1}:confirm;DROP TABLE grants`]) {
    const r = await c.post(`/areas/${area}/roster/decisions`, { year, choice });
    assert.equal(r.status, 422, choice);
    assert.match(r.text, /สถานะที่เลือกไม่ถูกต้อง/);
  }
  // a grant that is not a school admin of this area (the area admin's own)
  const own = num("SELECT g.id FROM grants g JOIN users u ON u.id = g.user_id WHERE u.username = 'areaadmin1'");
  let r = await c.post(`/areas/${area}/roster/decisions`, { year, choice: `${own}:retired` });
  assert.equal(r.status, 422);
  assert.match(r.text, /ไม่พบแอดมินสถานศึกษารหัส/);
  // a year that is not open
  r = await c.post(`/areas/${area}/roster/decisions`, { year: String(year - 3), choice: `${g1}:confirm` });
  assert.equal(r.status, 422);
  assert.match(r.text, /ส่งรายชื่อแอดมินได้เฉพาะปีการศึกษา/);
  r = await c.post(`/areas/${area}/roster/decisions`, { year: '1999', choice: `${g1}:confirm` });
  assert.equal(r.status, 422);

  // wrong citizen ID: bad check digit, and too short
  const good = newAdmin({ year });
  const badCid = good.citizen_id.slice(0, 12) + String((Number(good.citizen_id[12]) + 1) % 10);
  r = await c.post(`/areas/${area}/roster/additions`, { ...good, citizen_id: badCid });
  assert.equal(r.status, 422);
  assert.match(r.text, /เลขประจำตัวประชาชน/);
  r = await c.post(`/areas/${area}/roster/additions`, { ...good, citizen_id: '12345' });
  assert.equal(r.status, 422);
  // over-long names
  r = await c.post(`/areas/${area}/roster/additions`, { ...good, first_name: 'ก'.repeat(101) });
  assert.equal(r.status, 422);
  assert.match(r.text, /ยาวได้ไม่เกิน 100 ตัวอักษร/);
  // a school of another area
  const far = num(`SELECT id FROM schools WHERE area_id = ${otherArea} ORDER BY id LIMIT 1`);
  r = await c.post(`/areas/${area}/roster/additions`, { ...good, school_id: String(far) });
  assert.equal(r.status, 422);
  assert.match(r.text, /ไม่พบสถานศึกษาที่เลือกในเขตพื้นที่นี้/);
  // a school whose admin is not cancelled in the draft: one admin per school
  r = await c.post(`/areas/${area}/roster/additions`, { ...good, school_id: String(schoolId(0)) });
  assert.equal(r.status, 409);
  assert.match(r.text, /สถานศึกษานี้มีแอดมินอยู่แล้ว/);
  // an e-mail another account holds
  r = await c.post(`/areas/${area}/roster/additions`, { ...good, school_id: String(schoolId(5)), email: 'Citizen@Example.org' });
  assert.equal(r.status, 409);
  assert.match(r.text, /อีเมลนี้ใช้กับบัญชีอื่นแล้ว/);
  // an unknown personnel type and title
  r = await c.post(`/areas/${area}/roster/additions`, { ...good, school_id: String(schoolId(5)), personnel_type: 'pirate', title: 'Captain' });
  assert.equal(r.status, 422);
  // HTML is shown escaped when the form comes back
  r = await c.post(`/areas/${area}/roster/additions`, { ...good, first_name: '<script>alert(1)</script>', last_name: 'ก'.repeat(101) });
  assert.equal(r.status, 422);
  assert.ok(!r.text.includes('<script>alert(1)</script>'), 'raw HTML echoed');
  assert.ok(r.text.includes('&lt;script&gt;alert(1)&lt;/script&gt;'), 'escaped value kept in the form');
  // submitting with admins not yet decided
  r = await c.post(`/areas/${area}/roster/submit`, { year, confirm: '1' });
  assert.equal(r.status, 422);
  assert.match(r.text, /ยังไม่ได้เลือกสถานะของแอดมิน 2 คน/);
  // submitting without ticking the confirmation
  r = await c.post(`/areas/${area}/roster/submit`, { year });
  assert.equal(r.status, 422);
  assert.match(r.text, /ยืนยันการตรวจสอบข้อมูล/);
  assert.equal(snapshot(), before);

  // another area's admin: refused and audited, nothing stored
  const denied = audits('auth.denied');
  const other = await signin('areaadmin2');
  r = await other.get(`/areas/${area}/roster`);
  assert.equal(r.status, 403);
  r = await other.post(`/areas/${area}/roster/decisions`, { year, choice: `${g1}:retired` });
  assert.equal(r.status, 403);
  assert.match(r.text, /เฉพาะเขตพื้นที่ของตน/);
  r = await other.post(`/areas/${area}/roster/submit`, { year, confirm: '1' });
  assert.equal(r.status, 403);
  assert.equal(audits('auth.denied'), denied + 3);
  // a school admin is no area admin at all
  const sa = await signin('schooladmin');
  r = await sa.post(`/areas/${area}/roster/submit`, { year, confirm: '1' });
  assert.equal(r.status, 403);
  const beforeNoAudit = snapshot();
  assert.equal(beforeNoAudit.split('/').slice(0, 7).join('/'), before.split('/').slice(0, 7).join('/'));
});

test('the yearly submission: confirm, cancel, add; then the year is locked', async () => {
  const c = await signin('areaadmin1');
  // the admin about to be cancelled has a session open
  const leaving = await signin('schooladmin2');
  assert.equal((await leaving.get('/account')).status, 200);
  const year = (await c.get(`/areas/${area}/roster`, { json: true })).json.year;
  const g1 = grantOf('schooladmin'), g2 = grantOf('schooladmin2');

  // draft: both decided (then one changed), saved and shown again
  let r = await c.post(`/areas/${area}/roster/decisions`, { year, choice: [`${g1}:confirm`, `${g2}:moved`] });
  assert.equal(r.status, 303, r.text.slice(0, 500));
  r = await c.post(`/areas/${area}/roster/decisions`, { year, choice: [`${g2}:retired`] });
  assert.equal(r.status, 303);
  let j = (await c.get(`/areas/${area}/roster`, { json: true })).json.roster;
  assert.equal(j.status, 'draft');
  assert.deepEqual(Object.fromEntries(j.admins.rows.map((x) => [x.username, x.decision])), { schooladmin: 'confirm', schooladmin2: 'retired' });
  assert.equal(j.counts.undecided, 0);

  // a new admin for schooladmin2's school (cancelled in the draft)
  const fresh = newAdmin({ year, first_name: 'สมทรง<b>', school_id: String(schoolId(1)), phone: '0812345678' });
  r = await c.post(`/areas/${area}/roster/additions`, fresh);
  assert.equal(r.status, 303, r.text.slice(0, 800));
  // confirming schooladmin2 again now clashes with that addition
  r = await c.post(`/areas/${area}/roster/decisions`, { year, choice: [`${g2}:confirm`] });
  assert.equal(r.status, 422);
  assert.match(r.text, /มีรายการขอเพิ่มแอดมินใหม่แล้ว/);
  // the teacher's existing account, for a school without an admin: reused
  const teacherCid = sql("SELECT citizen_id FROM users WHERE username = 'teacher'");
  const teacherEmail = sql("SELECT email FROM users WHERE username = 'teacher'");
  r = await c.post(`/areas/${area}/roster/additions`, newAdmin({ year, citizen_id: teacherCid, email: teacherEmail, school_id: String(schoolId(2)) }));
  assert.equal(r.status, 303, r.text.slice(0, 800));
  // the same person twice is refused
  r = await c.post(`/areas/${area}/roster/additions`, newAdmin({ year, citizen_id: teacherCid, school_id: String(schoolId(3)) }));
  assert.equal(r.status, 409);
  // an addition can be taken out again
  r = await c.post(`/areas/${area}/roster/additions`, newAdmin({ year, school_id: String(schoolId(4)) }));
  assert.equal(r.status, 303);
  const gone = num(`SELECT MAX(id) FROM roster_additions`);
  r = await c.post(`/areas/${area}/roster/additions/${gone}/delete`, { year });
  assert.equal(r.status, 303);
  j = (await c.get(`/areas/${area}/roster`, { json: true })).json.roster;
  assert.equal(j.additions.total, 2);
  const page = await c.get(`/areas/${area}/roster`);
  assert.ok(page.text.includes('สมทรง&lt;b&gt;'), 'names shown escaped');
  assert.ok(!page.text.includes(fresh.citizen_id), 'the whole citizen ID is not listed');
  assert.match(page.text, /ใช้บัญชีเดิม/);

  const usersBefore = num('SELECT COUNT(*) FROM users');
  r = await c.post(`/areas/${area}/roster/submit`, { year, confirm: '1' });
  assert.equal(r.status, 303, r.text.slice(0, 800));
  j = (await c.get(`/areas/${area}/roster`, { json: true })).json.roster;
  assert.equal(j.status, 'submitted');
  assert.equal(j.locked, true);
  assert.deepEqual(j.counts, { admins: 2, undecided: 0, confirm: 1, cancel: 1, added: 2 });
  assert.match(j.submitted_by_name, /\S+ \S+/);

  // the cancelled admin: grant revoked, account cancelled, session ended,
  // sign-in refused
  assert.equal(sql(`SELECT revoked_at IS NOT NULL FROM grants WHERE id = ${g2}`).replace('t', '1'), '1');
  assert.equal(sql("SELECT status FROM users WHERE username = 'schooladmin2'"), 'cancelled');
  assert.notEqual((await leaving.get('/account')).status, 200);
  const again = client();
  await again.get('/signin');
  r = await again.post('/signin', { login: 'schooladmin2', password: DEMO_PW });
  assert.equal(r.status, 401);
  // the confirmed admin still works
  await signin('schooladmin');

  // one new account only (the teacher's was reused), both granted
  assert.equal(num('SELECT COUNT(*) FROM users'), usersBefore + 1);
  assert.equal(num(`SELECT COUNT(*) FROM users WHERE citizen_id = '${teacherCid}'`), 1);
  assert.equal(num(`SELECT COUNT(*) FROM grants g JOIN users u ON u.id = g.user_id WHERE u.citizen_id = '${teacherCid}' AND g.role = 'school_admin' AND g.revoked_at IS NULL`), 1);
  const newId = num(`SELECT id FROM users WHERE citizen_id = '${fresh.citizen_id}'`);
  assert.equal(sql(`SELECT password_hash FROM users WHERE id = ${newId}`), '');
  assert.equal(num(`SELECT school_id FROM grants WHERE user_id = ${newId} AND role = 'school_admin' AND revoked_at IS NULL`), schoolId(1));

  // the new admin gets the set-password e-mail at the address typed
  const m = await smtp.waitFor((x) => x.to.includes(fresh.email));
  assert.match(m.subject, /ตั้งรหัสผ่าน/);
  const link = m.text.match(/https:\/\/khet\.example\.go\.th(\/password\/set\?t=[\w-]+)/);
  assert.ok(link, m.text);
  const follow = await client().get(link[1]);
  assert.equal(follow.status, 200);

  // everything audited
  for (const a of ['roster.submit', 'roster.confirm', 'roster.cancel', 'roster.add', 'grant.revoke', 'user.cancel', 'user.create', 'grant.add', 'roster.draft', 'roster.draft_add', 'roster.draft_remove'])
    assert.ok(audits(a) >= 1, a);
  assert.equal(audits('roster.add'), 2);

  // the lock: a second submission, by another area admin of the area too,
  // is refused with who and when, and nothing changes
  const before = snapshot();
  const refusedAudits = audits('roster.submit_refused');
  r = await c.post(`/areas/${area}/roster/submit`, { year, confirm: '1' });
  assert.equal(r.status, 409);
  assert.match(r.text, new RegExp(`รายชื่อแอดมินประจำปีการศึกษา ${year} ของเขตพื้นที่นี้ส่งแล้วโดย \\S+ \\S+ เมื่อ \\d+ \\S+ \\d{4}`));
  r = await c.post(`/areas/${area}/roster/submit`, { year, confirm: '1' }, { json: true });
  assert.equal(r.status, 409);
  assert.match(r.json.errors.join(' '), /ถูกล็อกไว้/);
  r = await c.post(`/areas/${area}/roster/decisions`, { year, choice: `${g1}:moved` });
  assert.equal(r.status, 409);
  r = await c.post(`/areas/${area}/roster/additions`, newAdmin({ year, school_id: String(schoolId(6)) }));
  assert.equal(r.status, 409);
  assert.equal(snapshot(), before);
  assert.equal(audits('roster.submit_refused'), refusedAudits + 2);
  // the locked page shows the record, not the form
  const locked = await c.get(`/areas/${area}/roster`);
  assert.match(locked.text, /ถูกล็อกไว้/);
  assert.ok(!locked.text.includes('name="choice"'));
});

test('the public directory and its QR code answer without sign-in and show no citizen IDs', async () => {
  // its own admins to show: area 6201's roster (which no other test here
  // submits), submitted by its admin with two new school admins, one
  // named with HTML
  const a2 = await signin('areaadmin2');
  const year = (await a2.get(`/areas/${otherArea}/roster`, { json: true })).json.year;
  const farSchool = (n) => num(`SELECT id FROM schools WHERE area_id = ${otherArea} ORDER BY id LIMIT 1 OFFSET ${n}`);
  for (const [i, first_name] of ['สมทรง<b>', 'สมศรี'].entries()) {
    const add = await a2.post(`/areas/${otherArea}/roster/additions`, newAdmin({ year, first_name, school_id: String(farSchool(i)) }));
    assert.equal(add.status, 303, add.text.slice(0, 800));
  }
  const sub = await a2.post(`/areas/${otherArea}/roster/submit`, { year, confirm: '1' });
  assert.equal(sub.status, 303, sub.text.slice(0, 800));
  const v = client();
  const r = await v.get(`/areas/${otherArea}/directory`);
  assert.equal(r.status, 200);
  assert.match(r.text, /ทำเนียบแอดมินสถานศึกษา/);
  assert.match(r.text, /นางสาวสมทรง&lt;b&gt; นิษมาดี/);
  assert.ok(!/\b\d{13}\b/.test(r.text), 'no citizen ID');
  assert.ok(!/\d-\d{4}-\d{5}-\d{2}-\d/.test(r.text), 'no formatted citizen ID');
  assert.ok(!r.text.includes('@school.example.org'), 'no e-mail');
  assert.ok(!r.text.includes('schooladmin2'));
  assert.match(r.text, new RegExp(`<img src="/areas/${otherArea}/directory/qr.svg"`));
  assert.match(r.text, new RegExp(`https://khet.example.go.th/areas/${otherArea}/directory`));
  const j = await v.get(`/areas/${otherArea}/directory`, { json: true });
  assert.equal(j.status, 200);
  const rows = j.json.directory.rows;
  assert.ok(rows.length >= 2);
  for (const x of rows) {
    assert.deepEqual(Object.keys(x).sort(), ['display_name', 'first_name', 'last_name', 'obec_code', 'role_label', 'school_name', 'title']);
  }
  assert.ok(!JSON.stringify(j.json).match(/\d{13}/));
  assert.equal(j.json.directory.roster.academic_year, year);

  const q = await v.get(`/areas/${otherArea}/directory/qr.svg`);
  assert.equal(q.status, 200);
  assert.equal(q.headers.get('content-type'), 'image/svg+xml');
  assert.match(q.headers.get('cache-control'), /^public, max-age=\d{6,}$/);
  assert.equal(q.headers.getSetCookie().length, 0);
  assert.match(q.text, /^<\?xml[^>]*>\n<svg xmlns="http:\/\/www.w3.org\/2000\/svg" viewBox="0 0 (\d+) \1"/);
  assert.match(q.text, /<path fill="#000" d="M4 4h7v1h-7z/);
  const q2 = await client().get(`/areas/${otherArea}/directory/qr.svg`);
  assert.equal(q2.text, q.text, 'the same bytes every time');
  const other = await v.get(`/areas/${area}/directory/qr.svg`);
  assert.notEqual(other.text, q.text);
  // unknown areas
  assert.equal((await v.get('/areas/999999/directory')).status, 404);
  assert.equal((await v.get('/areas/999999/directory/qr.svg')).status, 404);
  assert.equal((await v.get('/areas/abc/directory')).status, 404);
});
