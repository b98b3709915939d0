// acc_found.test.mjs: what users found in the accounts module (issue 10.10–
// 10.12), each through the real binary: the approval note in the mail, the
// blank access-request form, guessable passwords, the sign-in page, the
// audit page in Thai, past rosters, a registration's e-mail, and
// registration at a meeting from one office address.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { startServer, citizenId, AddressClient, ipSequence, solve, altcha } from './lib.mjs';
import { startSmtp } from './smtp.mjs';

const DEMO_PW = 'khet-demo-2567';
let server, smtp, area1, schools, schoolCodes;

const nextIp = ipSequence('10.77');
class IpClient extends AddressClient {
  constructor(base, ip) { super(base, ip ?? nextIp()); }
}
const client = (ip) => new IpClient(server.base, ip);

const sql = (q) => server.sql(q);
const n = (q) => Number(sql(q));

async function signin(login, c = client(), password = DEMO_PW) {
  await c.get('/signin');
  const r = await c.post('/signin', { login, password });
  assert.equal(r.status, 303, `sign in ${login}: ${r.status}`);
  return c;
}

let idSeq = randomInt(1e6, 9e6);
const newCid = () => citizenId('5' + String(idSeq++).padStart(7, '0') + String(randomInt(1000, 9999)));


const mailsTo = async (addr) => (await smtp.messages()).filter((m) => m.to.includes(addr));
const nextMail = (addr, seen, what) => smtp.waitFor((m) => m.to.includes(addr) && (what ? what.test(m.subject) : true) && !seen.includes(m), 15000);

before(async () => {
  smtp = await startSmtp();
  server = await startServer({ args: ['--trust-proxy'], env: { KHET_SMTP_URL: smtp.url, KHET_BASE_URL: 'https://khet.example.go.th' } });
  area1 = n("SELECT id FROM areas WHERE code = '3502'");
  // schools of the area without an admin, for registrations
  const rows = sql(`SELECT id || '|' || obec_code FROM schools WHERE area_id = ${area1} AND id NOT IN (SELECT school_id FROM grants WHERE role = 'school_admin' AND revoked_at IS NULL AND school_id IS NOT NULL) ORDER BY obec_code DESC`).split('\n');
  schools = rows.map((x) => Number(x.split('|')[0]));
  schoolCodes = rows.map((x) => x.split('|')[1]);
});
after(async () => {
  await server?.stop();
  await smtp?.stop();
  assert.doesNotMatch(server?.log() ?? '', /Sanitizer|runtime error:/);
});

let nextSchool = 0;
function regFields(over = {}) {
  const cid = newCid();
  const s = nextSchool++;
  return {
    school_code: schoolCodes[s], registrant: 'director', delegated_by: '', citizen_id: cid, title: 'นาย',
    first_name: 'อำนวย', last_name: 'การศึกษา', position: 'ผู้อำนวยการโรงเรียน', phone: '0812345678',
    email: `found${cid}@example.net`, ...over,
  };
}
async function register(c, fields) {
  await c.get('/school-admin/register');
  const payload = fields.altcha ?? await altcha(c);
  return c.postMultipart('/school-admin/register', { ...fields, altcha: payload }, {});
}
const regs = () => n('SELECT COUNT(*) FROM school_admin_regs');
const regId = (cid) => n(`SELECT id FROM school_admin_regs WHERE citizen_id = '${cid}'`);

test('10.12 approval note: the area admin\'s note is in the set-password mail of a new school admin', async () => {
  const f = regFields();
  const r = await register(client(), f);
  assert.equal(r.status, 303, r.text.slice(0, 1500));
  const id = regId(f.citizen_id);
  const a = await signin('areaadmin1');
  const seen = await mailsTo(f.email);
  const note = 'กรุณาส่งหนังสือแต่งตั้งฉบับจริงที่กลุ่มส่งเสริมฯ ภายใน 7 วัน';
  const ok = await a.post(`/school-admin/regs/${id}/approve`, { note });
  assert.equal(ok.status, 303, ok.text.slice(0, 1500));
  assert.equal(sql(`SELECT decision_note FROM school_admin_regs WHERE id = ${id}`), note);
  const m = await nextMail(f.email, seen, /ตั้งรหัสผ่าน/);
  assert.match(m.text, /หมายเหตุจากแอดมินเขต: กรุณาส่งหนังสือแต่งตั้งฉบับจริง/);
  assert.match(m.text, /\/password\/set\?t=/);
});

test('10.12 sign-in page: "account cancelled" only after a failed attempt, the same words for an unknown and a cancelled login', async () => {
  const v = client();
  const page = await v.get('/signin');
  assert.equal(page.status, 200);
  assert.doesNotMatch(page.text, /ถูกยกเลิก/);
  // a cancelled account (made here) and a login nobody has
  const cid = newCid();
  // (its password is the demo password: right password, cancelled account)
  sql(`INSERT INTO users (citizen_id, email, username, title, first_name, last_name, status, password_hash, created_at, updated_at) SELECT '${cid}', 'gone${cid}@example.net', 'gone${cid}', 'นาย', 'พ้น', 'วาระ', 'cancelled', password_hash, 0, 0 FROM users WHERE username = 'teacher'`);
  const text = (html) => html.replace(/<input[^>]*>/g, '').replace(/\s+/g, ' ');
  const cancelled = await client().post('/signin', { login: `gone${cid}`, password: DEMO_PW });
  const unknown = await client().post('/signin', { login: `nobody${cid}`, password: 'whatever-123456' });
  assert.equal(cancelled.status, 401);
  assert.equal(unknown.status, 401);
  assert.match(cancelled.text, /หากบัญชีถูกยกเลิกโปรดติดต่อแอดมินเขต/);
  const msg = (r) => text(r.text).match(/เข้าสู่ระบบไม่สำเร็จ[^<]*/)[0];
  assert.equal(msg(cancelled), msg(unknown));
});

test('10.12 past roster years: read-only history of what was decided, no "closed"/"not open" message and no undecided admins', async () => {
  const a = await signin('areaadmin1');
  const cur = (await a.get(`/areas/${area1}/roster`, { json: true })).json.current_year;
  assert.ok(cur > 2500);
  // a year gone by without a roster: says so, lists nobody as undecided
  const none = await a.get(`/areas/${area1}/roster?year=${cur - 1}`);
  assert.equal(none.status, 200);
  assert.match(none.text, new RegExp(`ปีการศึกษา ${cur - 1} ไม่มีการส่งรายชื่อแอดมินประจำปี`));
  assert.doesNotMatch(none.text, /ยังไม่เลือก|ยังไม่เปิด|ถูกล็อก|กดส่งรายชื่อ|ส่งรายชื่อได้เฉพาะ/);
  const nj = await a.get(`/areas/${area1}/roster?year=${cur - 1}`, { json: true });
  assert.equal(nj.json.past, true);
  assert.equal(nj.json.roster.admins, undefined);
  const addNone = await a.get(`/areas/${area1}/roster/additions/new?year=${cur - 1}`);
  assert.doesNotMatch(addNone.text, /ยังไม่เปิด/);
  assert.match(addNone.text, /ปีที่ผ่านมาแล้ว/);
  // a year gone by with a submitted roster: its decisions, read-only
  const admin = n(`SELECT id FROM users WHERE username = 'areaadmin1'`);
  const g = n(`SELECT g.id FROM grants g JOIN users u ON u.id = g.user_id WHERE u.username = 'schooladmin' AND g.role = 'school_admin' AND g.revoked_at IS NULL`);
  const rid = n(`INSERT INTO rosters (area_id, academic_year, status, created_at, updated_at, submitted_at, submitted_by, confirmed_count) VALUES (${area1}, ${cur - 2}, 'submitted', 1000, 1000, 1000, ${admin}, 1) RETURNING id`);
  sql(`INSERT INTO roster_decisions (roster_id, grant_id, user_id, school_id, decision, decided_at, decided_by) SELECT ${rid}, id, user_id, school_id, 'confirm', 1000, ${admin} FROM grants WHERE id = ${g}`);
  const old = await a.get(`/areas/${area1}/roster?year=${cur - 2}`);
  assert.equal(old.status, 200);
  assert.match(old.text, /ปีที่ผ่านมา แสดงผลที่ตัดสินไว้/);
  assert.match(old.text, /badge-ok">ยืนยัน/);
  assert.doesNotMatch(old.text, /ยังไม่เลือก|ยังไม่เปิด|ถูกล็อก|<select|roster\/submit|บันทึกร่าง/);
});

test('10.11 school-admin registration: an e-mail of another person\'s account is refused at the field, naming no one; the registrant\'s own account\'s e-mail passes', async () => {
  const before = regs();
  const f = regFields({ email: 'Teacher@Example.org' });
  const r = await register(client(), f);
  assert.equal(r.status, 422, r.text.slice(0, 1500));
  assert.match(r.text, /อีเมลนี้ใช้กับบัญชีอื่นอยู่แล้ว กรุณาใช้อีเมลกลางของโรงเรียนที่ยังไม่เคยลงทะเบียน หรือติดต่อแอดมินเขต/);
  assert.ok(!r.text.includes(sql("SELECT last_name FROM users WHERE username = 'teacher'")));
  const j = await (async () => { const c = client(); await c.get('/school-admin/register'); return c.postMultipart('/school-admin/register', { ...regFields({ email: 'teacher@example.org' }), altcha: await altcha(c) }, {}, { json: true }); })();
  assert.equal(j.status, 422);
  assert.match(j.json.form.errors.email, /อีเมลนี้ใช้กับบัญชีอื่นอยู่แล้ว/);
  assert.equal(regs(), before);
  // the teacher registers with his own account's e-mail: taken (his account is reused)
  const mine = regFields({ citizen_id: sql("SELECT citizen_id FROM users WHERE username = 'teacher'"), email: 'teacher@example.org' });
  const ok = await register(client(), mine);
  assert.equal(ok.status, 303, ok.text.slice(0, 1500));
  assert.equal(regs(), before + 1);
  sql(`DELETE FROM school_admin_regs WHERE citizen_id = '${mine.citizen_id}' AND status = 'pending'`);
});

test('10.12 blank access-request form: a PDF (Thai font, the seed\'s title) linked from the form page', async () => {
  const c = await signin('teacher');
  const page = await c.get(`/access/requests/new?area=${area1}`);
  assert.equal(page.status, 200);
  assert.match(page.text, new RegExp(`href="/access/request-form\\.pdf\\?area=${area1}"`));
  assert.match((await c.get('/access/requests/new')).text, /href="\/access\/request-form\.pdf"/);
  const res = await fetch(`${server.base}/access/request-form.pdf?area=${area1}`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/pdf');
  assert.match(res.headers.get('content-disposition'), /attachment/);
  // named like every export: ASCII with the BE date, and the Thai name with the same date
  assert.match(res.headers.get('content-disposition'), /filename="access-request-form-25\d{2}-\d{2}-\d{2}\.pdf"/);
  assert.match(decodeURIComponent(res.headers.get('content-disposition').split("UTF-8''")[1]), /^แบบคำขอรับสิทธิ์การใช้งานระบบสารสนเทศ-25\d{2}-\d{2}-\d{2}\.pdf$/);
  const body = Buffer.from(await res.arrayBuffer());
  assert.equal(body.subarray(0, 5).toString('latin1'), '%PDF-');
  assert.ok(body.includes('+Laksaman'), 'the Laksaman font is embedded');
  const m = body.toString('latin1').match(/\/Title\s*<(?:FEFF|feff)([0-9A-Fa-f]+)>/);
  assert.ok(m);
  assert.equal(Buffer.from(m[1], 'hex').swap16().toString('utf16le'), 'แบบคำขอรับสิทธิ์การใช้งานระบบสารสนเทศ');
  // no label broken across lines by its dotted blank ("เบอร์/โทรศัพท์มือถือ")
  const lines = execFileSync('pdftotext', ['-', '-'], { input: body, encoding: 'utf8' }).split('\n');
  for (const label of ['เบอร์โทรศัพท์มือถือ', 'อีเมล (ที่ลงทะเบียนในระบบ)', 'เบอร์โทรศัพท์ (ที่ทำงาน)'])
    assert.ok(lines.some((l) => l.includes(label)), `${label} on one line`);
});

test('10.10 registration at a meeting: an area admin\'s session lets one address register 25 schools; without one the 21st is refused', async () => {
  const free = (areaCode) => sql(`SELECT s.obec_code FROM schools s JOIN areas a ON a.id = s.area_id WHERE a.code = '${areaCode}' AND s.id NOT IN (SELECT school_id FROM grants WHERE role = 'school_admin' AND revoked_at IS NULL AND school_id IS NOT NULL) AND s.id NOT IN (SELECT school_id FROM school_admin_regs WHERE status = 'pending') ORDER BY s.obec_code`).split('\n').filter(Boolean);
  const one = (code) => ({ ...regFields(), school_code: code });

  // Without a session: 20 from one address, then 429 and nothing stored.
  const other = free('6201');
  assert.ok(other.length >= 21);
  const ipB = '10.99.2.1';
  for (let i = 0; i < 20; i++) {
    const r = await register(client(ipB), one(other[i]));
    assert.equal(r.status, 303, `registration ${i + 1}: ${r.status}`);
  }
  const before = regs();
  const over = await register(client(ipB), one(other[20]));
  assert.equal(over.status, 429);
  assert.match(over.text, /บ่อยเกินไป/);
  assert.equal(regs(), before);

  // The area admin, at the meeting's network, opens a session.
  const ipA = '10.99.1.1';
  const a = await signin('areaadmin1', client(ipA));
  const page = await a.get(`/areas/${area1}/registration-session`);
  assert.equal(page.status, 200);
  assert.match(page.text, /10\.99\.1\.1/);
  const bad = await a.post(`/areas/${area1}/registration-session`, { hours: '99' });
  assert.equal(bad.status, 422);
  assert.equal(n(`SELECT COUNT(*) FROM registration_sessions WHERE ip = '${ipA}'`), 0);
  const start = await a.post(`/areas/${area1}/registration-session`, { hours: '3' });
  assert.equal(start.status, 303, start.text.slice(0, 1500));
  const sid = n(`SELECT id FROM registration_sessions WHERE ip = '${ipA}' AND area_id = ${area1} AND stopped_at IS NULL`);
  assert.ok(sid > 0);
  const span = n(`SELECT ends_at - started_at FROM registration_sessions WHERE id = ${sid}`);
  assert.equal(span, 3 * 3600);
  assert.equal(n(`SELECT COUNT(*) FROM audit WHERE action = 'registration_session.start' AND target_id = ${sid} AND area_id = ${area1}`), 1);
  const shown = await a.get(`/areas/${area1}/registration-session`, { json: true });
  assert.equal(shown.json.client_ip, ipA);
  assert.equal(shown.json.sessions[0].ip, ipA);
  assert.ok(shown.json.sessions[0].ends_at_text);
  // another area's admin may not open one for area 1
  const b = await signin('areaadmin2', client(ipA));
  assert.equal((await b.post(`/areas/${area1}/registration-session`, { hours: '2' })).status, 403);

  // 25 schools of the area register from that one address.
  const mine = free('3502');
  assert.ok(mine.length >= 25, `free schools: ${mine.length}`);
  const r0 = regs();
  for (let i = 0; i < 25; i++) {
    const r = await register(client(ipA), one(mine[i]));
    assert.equal(r.status, 303, `registration ${i + 1} in the session: ${r.status} ${r.text.slice(0, 300)}`);
  }
  assert.equal(regs(), r0 + 25);
  // the bot check still applies in the session
  const forged = await register(client(ipA), { ...one(mine[25] ?? mine[0]), altcha: 'forged' });
  assert.equal(forged.status, 422);

  // Stopped: audited, no longer listed.
  const stop = await a.post(`/areas/${area1}/registration-session/${sid}/stop`, {});
  assert.equal(stop.status, 303);
  assert.equal(n(`SELECT COUNT(*) FROM audit WHERE action = 'registration_session.stop' AND target_id = ${sid}`), 1);
  assert.equal((await a.get(`/areas/${area1}/registration-session`, { json: true })).json.sessions.length, 0);
});

test('10.12 audit page: Thai labels for every action, every action in the filter, details as Thai lines, an ASCII CSV name', async () => {
  const a = await signin('areaadmin1');
  // something with a permission in its detail: a grant by the area admin
  const aid = n("SELECT id FROM users WHERE username = 'areaadmin1'");
  sql(`INSERT INTO audit (at, actor_user_id, actor_role, area_id, ip, action, target_type, target_id, detail) VALUES (${Math.floor(Date.now() / 1000)}, ${aid}, 'area_admin', ${area1}, '10.0.0.1', 'access_request.approve', 'access_request', 1, '{"granted":"officer:12,officer:31","note":"ใช้งานได้ทันที","before":"ครู","after":"ครูประจำชั้น"}')`);
  const r = await a.get(`/areas/${area1}/audit?per_page=50`, { json: true });
  assert.equal(r.status, 200);
  assert.ok(r.json.rows.length > 0);
  for (const x of r.json.rows) {
    assert.notEqual(x.action_label, x.action, `no Thai label for ${x.action}`);
    assert.doesNotMatch(x.detail_text ?? '', /^[{[]|":/, `raw JSON for ${x.action}`);
  }
  const row = r.json.rows.find((x) => x.action === 'access_request.approve' && /officer/.test(JSON.stringify(x.detail)));
  assert.ok(row);
  assert.match(row.detail_text, /สิทธิ์ที่ให้: [^;]*,/);
  assert.doesNotMatch(row.detail_text, /officer:/);
  assert.match(row.detail_text, /หมายเหตุ: ใช้งานได้ทันที/);
  assert.match(row.detail_text, /ก่อนแก้ไข: ครู; หลังแก้ไข: ครูประจำชั้น/);
  const html = await a.get(`/areas/${area1}/audit?per_page=50`);
  assert.doesNotMatch(html.text, /<code class="small">\{/);
  assert.doesNotMatch(html.text, /&quot;[a-z_]+&quot;:/);
  assert.match(html.text, /<li>สิทธิ์ที่ให้: /);
  // every action the code writes is a filter choice, with a Thai label
  const values = r.json.actions.map((o) => o.value);
  for (const act of ['roster.confirm', 'roster.cancel', 'roster.submit', 'grant.add', 'grant.revoke', 'schooladmin_reg.approve', 'password_request.create', 'registration_session.start', 'user.password_set', 'kpi.period.open', 'oss.officer.assign', 'dmc.round.certify', 'org.import', 'school.add']) {
    assert.ok(values.includes(act), `${act} missing from the filter`);
    const o = r.json.actions.find((x) => x.value === act);
    assert.match(o.label, /[\u0E00-\u0E7F]/, `${act} label is not Thai`);
  }
  const f = await a.get(`/areas/${area1}/audit?action=roster.confirm`);
  assert.equal(f.status, 200);
  // the CSV: an ASCII name with the area code and the date; the labels inside
  const csv = await a.get(`/areas/${area1}/audit.csv?action=access_request.`);
  assert.equal(csv.status, 200);
  const cd = csv.headers.get('content-disposition');
  assert.match(cd, /filename="?audit-3502-\d{4}-\d{2}-\d{2}\.csv/);
  assert.doesNotMatch(cd.replace(/filename\*=[^;]*/, ''), /[^\x20-\x7e]/);
  assert.match(csv.text, /อนุมัติคำขอรับสิทธิ์/);
  assert.match(csv.text, /สิทธิ์ที่ให้: /);
});
