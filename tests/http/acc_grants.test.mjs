// acc_grants.test.mjs: one grant is the one truth of a permission (issue 9).
// An access request approved with "เจ้าหน้าที่ OSS 31" gives the officer's
// pages at once, the matrix and the OSS officers page show the same grant,
// and the area admin edits the permissions from the user's matrix (each
// change audited with the cell before and after); a revoked grant ends the
// role in open sessions on the very next request. The header's role
// switcher follows every change of the user's grants on the very next page,
// whoever makes it (another process on the same database, as another
// instance or `khet user grant` is), though an instance keeps the
// switcher's labels between requests.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, files, khet } from './lib.mjs';

const DEMO_PW = 'khet-demo-2567';
let server, area1, area2;
const sql = (q) => server.sql(q);
const n = (q) => Number(sql(q));
const uid = (username) => n(`SELECT id FROM users WHERE username = '${username}'`);

async function signin(login) {
  const c = server.client();
  await c.get('/signin');
  const r = await c.post('/signin', { login, password: DEMO_PW });
  assert.equal(r.status, 303, `sign in ${login}: ${r.status}`);
  return c;
}

// A Bangkok date offset days from today, as <input type=date> sends it.
function day(offset) {
  return new Date(Date.now() + 7 * 3600e3 + offset * 86400e3).toISOString().slice(0, 10);
}

before(async () => {
  server = await startServer();
  area1 = n("SELECT id FROM areas WHERE code = '3502'");
  area2 = n("SELECT id FROM areas WHERE code = '6201'");
});
after(async () => { await server?.stop(); });

test('approve an access request for OSS 31 → switch to it → /oss/manage lists room bookings; revoke → the next request is refused', async () => {
  const teacher = await signin('teacher');
  await teacher.get(`/access/requests/new?area=${area1}`);
  const req = await teacher.postMultipart('/access/requests', {
    area_id: String(area1), permission: 'officer:31', school_id: '', work_group_id: '', position: 'นักจัดการงานทั่วไป',
    note: 'ดูแลห้องประชุม', confirm: '1',
  }, { file: { data: files.pdf(), filename: 'แบบคำขอ.pdf', type: 'application/pdf' } });
  assert.equal(req.status, 303, req.text.slice(0, 1000));
  const rid = Number(req.headers.get('location').match(/(\d+)$/)[1]);
  const admin = await signin('areaadmin1');
  const ok = await admin.post(`/access/requests/${rid}/approve`, { grant: ['officer:31'], note: '' });
  assert.equal(ok.status, 303, ok.text.slice(0, 1000));
  const gid = n(`SELECT id FROM grants WHERE user_id = ${uid('teacher')} AND role = 'officer' AND service = '31' AND revoked_at IS NULL`);

  // the matrix and the OSS officers page show the same grant
  const mx = await admin.get(`/areas/${area1}/users/${uid('teacher')}/permissions`, { json: true });
  assert.equal(mx.json.columns.find((x) => x.key === 'officer:31').status, 'Enabled');
  const officers = await admin.get('/oss/admin/officers', { json: true });
  assert.ok(officers.json.rows.some((x) => x.id === gid && x.service === '31'), JSON.stringify(officers.json.rows));

  // a citizen books a room
  const citizen = await signin('citizen');
  const roomId = n(`SELECT id FROM oss_rooms WHERE area_id = ${area1} AND active = 1 ORDER BY id LIMIT 1`);
  await citizen.get('/oss/new/31');
  const b = await citizen.postMultipart('/oss/new/31', {
    area_id: String(area1), title: 'นาย', first_name: 'ประชา', last_name: 'ชาวบ้าน', phone: '0812345678',
    agency: 'กลุ่มนิเทศ', attendees: '5', room_id: String(roomId), purpose: 'ประชุมครู',
    start_date: day(30), end_date: day(30), start_time: '09:00', end_time: '11:00',
  }, { letter: { data: files.pdf(), filename: 'letter.pdf', type: 'application/pdf' } }, { json: true });
  assert.equal(b.status, 200, b.text.slice(0, 1000));
  const bid = Number(b.json.location.match(/(\d+)$/)[1]);

  // before the switch the teacher's active role is his school role
  assert.equal((await teacher.get('/oss/manage')).status, 403);
  const sw = await teacher.post('/session/role', { role: String(gid), next: '/oss/manage' });
  assert.equal(sw.status, 303);
  const dash = await teacher.get('/oss/manage', { json: true });
  assert.equal(dash.status, 200);
  const list = await teacher.get('/oss/manage/list?service=31', { json: true });
  assert.equal(list.status, 200);
  assert.ok(list.json.rows.some((x) => x.id === bid), 'the booking is in the officer\'s list');
  assert.equal((await teacher.get(`/oss/manage/requests/${bid}`)).status, 200);
  // a service he was not given stays closed
  assert.equal((await teacher.get('/oss/manage/list?service=12')).status, 403);

  // the area admin revokes it from the user's permissions: the next request is refused
  const rv = await admin.post(`/areas/${area1}/users/${uid('teacher')}/grants/${gid}/revoke`, { note: 'ย้ายงาน' });
  assert.equal(rv.status, 303, rv.text.slice(0, 1000));
  const next = await teacher.get('/oss/manage');
  assert.equal(next.status, 403);
  // he is told, and is the teacher he still is — not a visitor without a role
  assert.match(next.text, /สิทธิ์เจ้าหน้าที่ OSS 31 จองห้องประชุมของท่านถูกยกเลิกแล้ว ระบบเปลี่ยนบทบาทเป็นครูให้ท่าน/);
  assert.equal((await teacher.get('/account', { json: true })).json.active_grant.role, 'teacher');
  assert.equal((await teacher.get(`/oss/manage/requests/${bid}`)).status, 403);
  const after = await admin.get(`/areas/${area1}/users/${uid('teacher')}/permissions`, { json: true });
  assert.equal(after.json.columns.find((x) => x.key === 'officer:31').status, 'Disabled');
  assert.ok(!(await admin.get('/oss/admin/officers', { json: true })).json.rows.some((x) => x.id === gid));
  const audit = sql(`SELECT detail FROM audit WHERE action = 'grant.revoke' AND target_id = ${uid('teacher')} ORDER BY id DESC LIMIT 1`);
  assert.match(audit, /"before":\s*"Enabled"/);
  assert.match(audit, /"after":\s*"Disabled"/);
  assert.match(audit, /officer:31/);
});

test('edit permissions: add with audit before/after, a duplicate is 409, a revoked one twice is 409, only what the admin may grant', async () => {
  const admin = await signin('areaadmin1');
  const t = uid('teacher');
  const edit = await admin.get(`/areas/${area1}/users/${t}/permissions/edit`);
  assert.equal(edit.status, 200);
  assert.match(edit.text, /ให้สิทธิ์เพิ่ม/);
  // the area admin's own permission is the super admin's to give: not offered, and refused when posted
  const page = await admin.get(`/areas/${area1}/users/${t}/permissions/edit`, { json: true });
  const choices = page.json.form.fields.find((f) => f.name === 'permission').choices.map((c) => c.value);
  assert.ok(choices.includes('director') && choices.includes('officer:11') && !choices.includes('area_admin'));
  const before = n('SELECT COUNT(*) FROM grants');
  const aa = await admin.post(`/areas/${area1}/users/${t}/grants`, { permission: 'area_admin', school_id: '', work_group_id: '' }, { json: true });
  assert.equal(aa.status, 422);
  assert.match(aa.json.form.errors.permission, /ผู้ดูแลระบบ สพฐ/);
  // a school role needs a school; the form comes back with what was typed
  const noSchool = await admin.post(`/areas/${area1}/users/${t}/grants`, { permission: 'director', school_id: '', work_group_id: '', note: 'รักษาการ ผอ.' }, { json: true });
  assert.equal(noSchool.status, 422);
  assert.match(noSchool.json.form.errors.school_id, /เลือกโรงเรียน/);
  assert.equal(noSchool.json.form.values.note, 'รักษาการ ผอ.');
  // a school of another area is refused
  const otherSchool = n(`SELECT id FROM schools WHERE area_id = ${area2} ORDER BY id LIMIT 1`);
  const far = await admin.post(`/areas/${area1}/users/${t}/grants`, { permission: 'director', school_id: String(otherSchool), work_group_id: '' }, { json: true });
  assert.equal(far.status, 422);
  // a KPI owner needs a work group
  const noWg = await admin.post(`/areas/${area1}/users/${t}/grants`, { permission: 'kpi_owner', school_id: '', work_group_id: '' }, { json: true });
  assert.equal(noWg.status, 422);
  assert.equal(n('SELECT COUNT(*) FROM grants'), before, 'nothing stored by refused adds');

  const school = n(`SELECT id FROM schools WHERE area_id = ${area1} ORDER BY obec_code LIMIT 1`);
  const add = await admin.post(`/areas/${area1}/users/${t}/grants`, { permission: 'director', school_id: String(school), work_group_id: '', note: 'แต่งตั้งตามคำสั่ง' });
  assert.equal(add.status, 303, add.text.slice(0, 1000));
  const mx = await admin.get(`/areas/${area1}/users/${t}/permissions`, { json: true });
  assert.equal(mx.json.columns.find((x) => x.key === 'director').status, 'Enabled');
  const a = sql(`SELECT detail FROM audit WHERE action = 'grant.add' AND target_id = ${t} ORDER BY id DESC LIMIT 1`);
  assert.match(a, /"before":\s*"Disabled"/);
  assert.match(a, /"after":\s*"Enabled"/);
  assert.match(a, /แต่งตั้งตามคำสั่ง/);
  // a second admin adds the same at the same moment: told it is held already
  const dup = await admin.post(`/areas/${area1}/users/${t}/grants`, { permission: 'director', school_id: String(school), work_group_id: '' }, { json: true });
  assert.equal(dup.status, 409);
  assert.match(dup.json.form.errors.permission, /มีสิทธิ์นี้/);
  // the teacher now holds the director role: he can switch to it
  const gid = n(`SELECT id FROM grants WHERE user_id = ${t} AND role = 'director' AND revoked_at IS NULL`);
  const teacher = await signin('teacher');
  assert.equal((await teacher.post('/session/role', { role: String(gid) })).status, 303);
  // revoked once is done; twice is 409 and changes nothing
  assert.equal((await admin.post(`/areas/${area1}/users/${t}/grants/${gid}/revoke`, {})).status, 303);
  const again = await admin.post(`/areas/${area1}/users/${t}/grants/${gid}/revoke`, {});
  assert.equal(again.status, 409);
  assert.match(again.text, /ถูกยกเลิกไปแล้ว/);
  assert.equal(n(`SELECT COUNT(*) FROM audit WHERE action = 'grant.revoke' AND target_id = ${t} AND detail LIKE '%director%'`), 1);
  // the session that used it is back on the role he still holds
  const acct = await teacher.get('/account', { json: true });
  assert.notEqual(acct.json.active_grant.role, 'director');
  assert.equal(acct.json.active_grant.role, 'teacher');
});

test('edit permissions: another area\'s admin is refused and audited; the area admin\'s own grant is not his to revoke', async () => {
  const other = await signin('areaadmin2');
  const t = uid('teacher');
  const r = await other.get(`/areas/${area1}/users/${t}/permissions/edit`);
  assert.equal(r.status, 403);
  const p = await other.post(`/areas/${area1}/users/${t}/grants`, { permission: 'teacher', school_id: '', work_group_id: '' });
  assert.equal(p.status, 403);
  assert.ok(n(`SELECT COUNT(*) FROM audit WHERE action = 'auth.denied' AND actor_user_id = ${uid('areaadmin2')}`) >= 2);
  // his own area: a user who never was there is not his
  assert.equal((await other.get(`/areas/${area2}/users/${t}/permissions/edit`)).status, 403);
  const admin = await signin('areaadmin1');
  const own = n(`SELECT id FROM grants WHERE user_id = ${uid('areaadmin1')} AND role = 'area_admin' AND revoked_at IS NULL`);
  const page = await admin.get(`/areas/${area1}/users/${uid('areaadmin1')}/permissions/edit`, { json: true });
  assert.equal(page.json.grants.find((g) => g.id === own).can_revoke, false);
  const rv = await admin.post(`/areas/${area1}/users/${uid('areaadmin1')}/grants/${own}/revoke`, {});
  assert.equal(rv.status, 403);
  assert.equal(n(`SELECT COUNT(*) FROM grants WHERE id = ${own} AND revoked_at IS NULL`), 1);
});

test('the role switcher shows a grant added or revoked by another process, and an area renamed, on the next page', async () => {
  const t = uid('teacher');
  const teacher = await signin('teacher');
  const options = async () => {
    const r = await teacher.get('/');
    assert.equal(r.status, 200);
    return [...r.text.matchAll(/<option value="(\d+)"[^>]*>([^<]*)<\/option>/g)].map((m) => ({ id: Number(m[1]), label: m[2] }));
  };
  const before = await options();
  // twice: the second page comes from the instance's cache
  assert.deepEqual(await options(), before);
  assert.ok(!before.some((o) => /หนังสือรับรอง/.test(o.label)), JSON.stringify(before));
  // another process grants OSS 12 and OSS 11 in the teacher's area: one entry naming both
  let r = khet(['user', 'grant', '--login', 'teacher', '--permission', 'officer:12', '--area-code', '3502'], server.env);
  assert.equal(r.code, 0, r.stderr);
  const g12 = n(`SELECT id FROM grants WHERE user_id = ${t} AND role = 'officer' AND service = '12' AND revoked_at IS NULL`);
  let now = await options();
  assert.ok(now.some((o) => o.id === g12 && /\(หนังสือรับรอง\)/.test(o.label)), JSON.stringify(now));
  r = khet(['user', 'grant', '--login', 'teacher', '--permission', 'officer:11', '--area-code', '3502'], server.env);
  assert.equal(r.code, 0, r.stderr);
  now = await options();
  const merged = now.find((o) => o.id === g12);
  assert.match(merged.label, /\(หนังสือรับรอง, บัตรประจำตัว\)/, JSON.stringify(now));
  // the area those roles name is renamed (straight in the database)
  sql(`UPDATE areas SET short_name = short_name || ' (ชื่อใหม่)' WHERE id = ${area1}`);
  assert.match((await options()).find((o) => o.id === g12).label, /\(หนังสือรับรอง, บัตรประจำตัว\) · .*\(ชื่อใหม่\)/);
  sql(`UPDATE areas SET short_name = replace(short_name, ' (ชื่อใหม่)', '') WHERE id = ${area1}`);
  // revoked by another process: gone on the next page
  sql(`UPDATE grants SET revoked_at = 1, revoked_by = NULL WHERE user_id = ${t} AND role = 'officer' AND revoked_at IS NULL`);
  now = await options();
  assert.ok(!now.some((o) => o.id === g12 || /หนังสือรับรอง|บัตรประจำตัว/.test(o.label)), JSON.stringify(now));
  assert.deepEqual(now.map((o) => o.id), before.map((o) => o.id));
});
