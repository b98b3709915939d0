// The operator's command line (issue 9): a real area starts without
// `khet demo` or SQL. `khet import org` of a CSV and of an XLSX (the
// fixture tests/fixtures/org.xlsx has shared strings and OBEC codes stored
// as numbers), a bad file that stores nothing and reports every bad line;
// `khet user add` of the first super admin with a printed set-password
// link, which he follows (password, then the OTP mailed to him) and signs
// in with; an area admin; `khet user grant/revoke/list`; and the super
// admin adding and editing a school in the web pages. Each test makes its
// own server on an empty database (no demo).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { khet, startServer, citizenId } from './lib.mjs';

const tmp = mkdtempSync(join(tmpdir(), 'khet-cli-'));
function file(name, text) {
  const p = join(tmp, name);
  writeFileSync(p, text);
  return p;
}

const GOOD_CSV = '\ufeffรหัสโรงเรียน,รหัส SMIS,ชื่อโรงเรียน,รหัสเขตพื้นที่,สำนักงานเขตพื้นที่,อำเภอ,จังหวัด,กลุ่มงาน\r\n' +
  '3501000001,35010001,"โรงเรียนบ้านหนึ่ง, สาขา",3501,สำนักงานเขตพื้นที่การศึกษาประถมศึกษายโสธร เขต 1,เมือง,ยโสธร,กลุ่มอำนวยการ\r\n' +
  '3501000002,35010002,โรงเรียนบ้านสอง,3501,,คำเขื่อนแก้ว,ยโสธร,\r\n';

function count(s, q) { return Number(s.sql(q)); }

test('khet import org: a CSV and an XLSX load, a second run adds nothing, a bad file stores nothing and lists every bad line', async () => {
  const s = await startServer({ demo: false });
  try {
    const env = s.env;
    let r = khet(['import', 'org', file('good.csv', GOOD_CSV)], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /areas 1 added.*schools 2 added/);
    r = khet(['import', 'org', join(tmp, 'good.csv')], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /schools 0 added, 0 updated, 2 unchanged/);
    assert.equal(count(s, 'SELECT COUNT(*) FROM schools'), 2);
    assert.equal(count(s, "SELECT school_count FROM areas WHERE code = '3501'"), 2);
    assert.equal(count(s, 'SELECT COUNT(*) FROM work_groups'), 1);

    r = khet(['import', 'org', new URL('../fixtures/org.xlsx', import.meta.url).pathname], env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(s.sql("SELECT name FROM schools WHERE obec_code = '1097700001'"), 'โรงเรียนเอ็กซ์เซลหนึ่ง');
    assert.equal(count(s, "SELECT school_count FROM areas WHERE code = '9770'"), 2);

    const bad = 'obec_code,smis_code,school_name,area_code\n' +
      '3501000009,35010009,ดี,3501\n' +       // 2: good, but not stored either
      '350100000,35010010,สั้น,3501\n' +       // 3
      '3501000011,35010011,,3501\n' +         // 4
      '3501000001,35010012,ซ้ำ,9999\n' +       // 5: unknown area, no name
      '3501000009,35010013,ซ้ำในไฟล์,3501\n';  // 6
    r = khet(['import', 'org', file('bad.csv', bad)], env);
    assert.equal(r.code, 1);
    for (const line of [3, 4, 5, 6]) assert.match(r.stderr, new RegExp(`line ${line} / บรรทัด ${line}:`));
    assert.doesNotMatch(r.stderr, /line 2 \//);
    assert.match(r.stderr, /รหัสโรงเรียนต้องมี 10 หลัก \(กรอกมา 9 หลัก\)/);
    assert.match(r.stderr, /รหัสโรงเรียน 3501000009 ซ้ำกับบรรทัด 2/);
    assert.match(r.stderr, /nothing was stored/);
    assert.equal(count(s, 'SELECT COUNT(*) FROM schools'), 4);
    assert.equal(count(s, "SELECT COUNT(*) FROM schools WHERE obec_code = '3501000009'"), 0);

    r = khet(['import', 'org', file('x.xls', Buffer.from('d0cf11e0a1b11ae1' + '00'.repeat(64), 'hex'))], env);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /\.xls/);
  } finally {
    await s.stop();
  }
});

test('khet import of a file with only its header row: every kind says in Thai that it has no rows, exits 1, stores nothing', async () => {
  const s = await startServer({ demo: false });
  try {
    const env = s.env;
    const heads = {
      org: 'รหัสโรงเรียน,รหัส SMIS,ชื่อโรงเรียน,รหัสเขตพื้นที่,สำนักงานเขตพื้นที่\r\n',
      students: 'รหัสโรงเรียน,เลขประจำตัวประชาชน,คำนำหน้า,ชื่อ,นามสกุล,วันเกิด,ชั้น\n',
      personnel: '\ufeffรหัสโรงเรียน,เลขประจำตัวประชาชน,คำนำหน้า,ชื่อ,นามสกุล\n,,,,\n\n',
    };
    const before = s.sql("SELECT (SELECT COUNT(*) FROM schools) || '|' || (SELECT COUNT(*) FROM dmc_learners) || '|' || (SELECT COUNT(*) FROM dpa_staff) || '|' || (SELECT COUNT(*) FROM audit)");
    for (const [kind, text] of Object.entries(heads)) {
      const r = khet(['import', kind, file(`head-${kind}.csv`, text)], env);
      assert.equal(r.code, 1, `${kind}: ${r.stdout} ${r.stderr}`);
      assert.match(r.stderr, /ไฟล์มีแต่แถวชื่อคอลัมน์ ไม่มีข้อมูลสักแถว/, kind);
      assert.doesNotMatch(r.stdout + r.stderr, /\b0 added|นำเข้าแล้ว/, kind);
      // as an empty file is refused
      const empty = khet(['import', kind, file(`empty-${kind}.csv`, '')], env);
      assert.equal(empty.code, 1);
      assert.match(empty.stderr, /ไฟล์ว่างเปล่า/);
    }
    assert.equal(s.sql("SELECT (SELECT COUNT(*) FROM schools) || '|' || (SELECT COUNT(*) FROM dmc_learners) || '|' || (SELECT COUNT(*) FROM dpa_staff) || '|' || (SELECT COUNT(*) FROM audit)"), before);
  } finally {
    await s.stop();
  }
});

test('khet user: the first super admin sets his password through the printed link and signs in; area admin, grant, revoke, list', async () => {
  const s = await startServer({ demo: false });
  try {
    const env = { ...s.env, KHET_BASE_URL: s.base };
    assert.equal(khet(['import', 'org', file('good2.csv', GOOD_CSV)], env).code, 0);
    const superCid = citizenId('110370009999');
    let r = khet(['user', 'add', '--citizen-id', superCid, '--email', 'Super@OBEC.example', '--title', 'นาย',
      '--first-name', 'สมชาย', '--last-name', 'ผู้ดูแล', '--role', 'super_admin'], env);
    assert.equal(r.code, 0, r.stderr);
    const m = r.stdout.match(/(\/password\/set\?t=[A-Za-z0-9_-]{43})/);
    assert.ok(m, r.stdout);
    assert.ok(r.stdout.includes(s.base + m[1]), 'the whole link with the base URL');
    assert.equal(count(s, "SELECT COUNT(*) FROM outbox WHERE to_addr = 'super@obec.example'"), 1);
    assert.equal(count(s, "SELECT COUNT(*) FROM audit WHERE actor_role = 'cli' AND action IN ('user.create', 'grant.add')"), 2);

    // the same citizen ID again: refused, nothing stored
    r = khet(['user', 'add', '--citizen-id', superCid, '--email', 'other@obec.example', '--title', 'นาย',
      '--first-name', 'ก', '--last-name', 'ข', '--role', 'super_admin'], env);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /--citizen-id/);
    assert.equal(count(s, 'SELECT COUNT(*) FROM users'), 1);
    // usage errors
    assert.equal(khet(['user', 'add', '--citizen-id', superCid], env).code, 2);
    assert.equal(khet(['user', 'frobnicate'], env).code, 2);

    // he follows the link: a password, then the OTP from his mail
    const c = s.client();
    const page = await c.get(m[1]);
    assert.equal(page.status, 200);
    const t = new URL(m[1], 'http://x').searchParams.get('t');
    const PW = 'super-admin-pass-2567';
    let p = await c.post('/password/set', { t, password: PW, password2: PW });
    assert.equal(p.status, 303, p.text);
    const body = s.sql("SELECT body FROM outbox WHERE to_addr = 'super@obec.example' ORDER BY id DESC LIMIT 1");
    const code = body.match(/^(\d{6})\r?$/m);
    assert.ok(code, body);
    p = await c.post('/password/otp', { code: code[1] });
    assert.equal(p.status, 303, p.text);
    const sc = s.client();
    await sc.get('/signin');
    p = await sc.post('/signin', { login: 'super@obec.example', password: PW });
    assert.equal(p.status, 303, p.text);

    // an area admin with a password from stdin
    const areaCid = citizenId('310060009999');
    r = khet(['user', 'add', '--citizen-id', areaCid, '--email', 'areaadmin@yasothon.example', '--title', 'นาง',
      '--first-name', 'สมหญิง', '--last-name', 'ดูแลเขต', '--role', 'area_admin', '--area-code', '3501', '--password-stdin'],
      env);
    // an empty stdin: no password, refused, nothing stored
    assert.equal(r.code, 1);
    assert.equal(count(s, 'SELECT COUNT(*) FROM users'), 1);
    r = khet(['user', 'add', '--citizen-id', areaCid, '--email', 'areaadmin@yasothon.example', '--title', 'นาง',
      '--first-name', 'สมหญิง', '--last-name', 'ดูแลเขต', '--role', 'area_admin', '--area-code', '3501'], env);
    assert.equal(r.code, 0, r.stderr);
    r = khet(['user', 'add', '--citizen-id', citizenId('310060009998'), '--email', 'x@yasothon.example', '--title', 'นาง',
      '--first-name', 'ก', '--last-name', 'ข', '--role', 'area_admin'], env);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /--area-code/);

    // grant, list, revoke
    r = khet(['user', 'grant', '--login', 'areaadmin', '--permission', 'officer:31', '--area-code', '3501'], env);
    assert.equal(r.code, 0, r.stderr);
    r = khet(['user', 'grant', '--login', areaCid, '--role', 'teacher', '--school-code', '3501000001'], env);
    assert.equal(r.code, 0, r.stderr);
    r = khet(['user', 'grant', '--login', 'nobody', '--role', 'teacher', '--school-code', '3501000001'], env);
    assert.equal(r.code, 1);
    r = khet(['user', 'list', '--area-code', '3501'], env);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines[0].split('\t')[0], 'user_id');
    assert.equal(lines.length, 4, r.stdout); // header + area_admin, officer:31, teacher
    assert.ok(lines.some((l) => l.split('\t')[6] === 'officer' && l.split('\t')[7] === '31'));
    r = khet(['user', 'revoke', '--login', 'areaadmin', '--role', 'teacher', '--school-code', '3501000001'], env);
    assert.equal(r.code, 0, r.stderr);
    const gid = s.sql("SELECT g.id FROM grants g JOIN users u ON u.id = g.user_id WHERE u.username = 'areaadmin' AND g.role = 'officer'");
    r = khet(['user', 'revoke', '--grant', gid], env);
    assert.equal(r.code, 0, r.stderr);
    r = khet(['user', 'revoke', '--grant', gid], env);
    assert.equal(r.code, 1);
    r = khet(['user', 'list', '--role', 'area_admin'], env);
    assert.equal(r.stdout.trim().split('\n').length, 2);
    assert.equal(count(s, "SELECT COUNT(*) FROM audit WHERE actor_role = 'cli' AND action = 'grant.revoke'"), 2);
  } finally {
    await s.stop();
  }
});

test('a super admin adds and edits a school in the web pages; others cannot', async () => {
  const s = await startServer({ demo: false });
  try {
    const env = s.env;
    assert.equal(khet(['import', 'org', file('good3.csv', GOOD_CSV)], env).code, 0);
    const PW = 'super-admin-pass-2567';
    // --password-stdin through a shell pipe
    const { execFileSync } = await import('node:child_process');
    const add = (cid, email, role, extra = []) => execFileSync(process.env.KHET_BIN || 'bin/khet',
      ['user', 'add', '--citizen-id', cid, '--email', email, '--title', 'นาย', '--first-name', 'ทดสอบ', '--last-name', 'ระบบ',
        '--role', role, ...extra, '--password-stdin'], { env: { ...process.env, ...env }, input: PW + '\n', encoding: 'utf8' });
    add(citizenId('110370008888'), 'super2@obec.example', 'super_admin');
    add(citizenId('110370008877'), 'area2@obec.example', 'area_admin', ['--area-code', '3501']);
    const aid = s.sql("SELECT id FROM areas WHERE code = '3501'");
    const signin = async (login) => {
      const c = s.client();
      await c.get('/signin');
      const r = await c.post('/signin', { login, password: PW });
      assert.equal(r.status, 303, r.text);
      return c;
    };
    const sa = await signin('super2');
    let r = await sa.get(`/areas/${aid}/schools`);
    assert.match(r.text, new RegExp(`href="/areas/${aid}/schools/new"`));
    assert.match(r.text, /href="\/schools\/\d+\/edit"/);
    r = await sa.get(`/areas/${aid}/schools/new`);
    assert.equal(r.status, 200);
    // a bad code: 422, what was typed kept, the Thai message at the field
    r = await sa.post(`/areas/${aid}/schools/new`, { obec_code: '35010003', smis_code: '35010003', name: 'โรงเรียนใหม่', district: 'เมือง', province: 'ยโสธร' });
    assert.equal(r.status, 422);
    assert.match(r.text, /value="35010003"/);
    assert.match(r.text, /โรงเรียนใหม่/);
    assert.match(r.text, /ต้องมี 10 หลัก/);
    // both codes wrong: both said at once
    r = await sa.post(`/areas/${aid}/schools/new`, { obec_code: '350100003', smis_code: '3501003', name: 'โรงเรียนใหม่', district: 'เมือง', province: 'ยโสธร' }, { json: true });
    assert.equal(r.status, 422);
    assert.ok(r.json.form.errors.obec_code && r.json.form.errors.smis_code, JSON.stringify(r.json.form.errors));
    // a code another school has
    r = await sa.post(`/areas/${aid}/schools/new`, { obec_code: '3501000001', smis_code: '35010003', name: 'โรงเรียนใหม่' });
    assert.equal(r.status, 422);
    assert.match(r.text, /มีอยู่แล้ว/);
    assert.equal(count(s, 'SELECT COUNT(*) FROM schools'), 2);
    r = await sa.post(`/areas/${aid}/schools/new`, { obec_code: '3501000003', smis_code: '35010003', name: 'โรงเรียนใหม่', district: 'เมือง', province: 'ยโสธร' });
    assert.equal(r.status, 303, r.text);
    assert.equal(count(s, `SELECT school_count FROM areas WHERE id = ${aid}`), 3);
    const sid = s.sql("SELECT id FROM schools WHERE obec_code = '3501000003'");
    r = await sa.get(`/schools/${sid}/edit`);
    assert.equal(r.status, 200);
    assert.match(r.text, /value="3501000003"/);
    r = await sa.post(`/schools/${sid}/edit`, { obec_code: '3501000003', smis_code: '35010002', name: 'โรงเรียนใหม่' });
    assert.equal(r.status, 422);
    assert.match(r.text, /รหัส SMIS 35010002 เป็นของโรงเรียนอื่นแล้ว/);
    r = await sa.post(`/schools/${sid}/edit`, { obec_code: '3501000003', smis_code: '35010003', name: 'โรงเรียนใหม่วิทยา', district: 'ป่าติ้ว', province: 'ยโสธร' });
    assert.equal(r.status, 303, r.text);
    assert.equal(s.sql(`SELECT name || '|' || district FROM schools WHERE id = ${sid}`), 'โรงเรียนใหม่วิทยา|ป่าติ้ว');
    assert.equal(count(s, "SELECT COUNT(*) FROM audit WHERE action IN ('school.add', 'school.update')"), 2);

    // an area admin sees no links and is refused
    const aa = await signin('area2');
    r = await aa.get(`/areas/${aid}/schools`);
    assert.doesNotMatch(r.text, /schools\/new/);
    r = await aa.post(`/schools/${sid}/edit`, { obec_code: '3501000003', smis_code: '35010003', name: 'ชื่ออื่น' });
    assert.equal(r.status, 403);
    assert.equal(s.sql(`SELECT name FROM schools WHERE id = ${sid}`), 'โรงเรียนใหม่วิทยา');
  } finally {
    await s.stop();
  }
});

// Issue 11.10, checked from outside: a number flag or its environment
// variable that is not exactly a whole number in range stops khet before it
// listens (exit 2), saying so in Thai and English — " 4" and "12abc" were
// read as 4 and 12 by strtoll.
test('khet serve refuses a number flag that is not exactly a whole number in range, in Thai and English', () => {
  const env = { KHET_DATA: mkdtempSync(join(tmp, 'flags-')), KHET_LISTEN: '127.0.0.1:0' };
  for (const [args, extra] of [
    [['--workers', 'abc'], {}], [['--workers', ' 4'], {}], [['--workers', '0'], {}],
    [['--max-body-mb', '12abc'], {}], [['--max-body-mb', '99999999999999999999'], {}],
    [['--header-timeout', '1e3'], {}], [['--max-conn-per-ip', '-1'], {}], [['--min-free-mb', ''], {}],
    [[], { KHET_WORKERS: '4 ' }], [[], { KHET_MAX_BODY_MB: '0x10' }],
  ]) {
    const r = khet(['serve', ...args], { ...env, ...extra });
    const what = JSON.stringify([args, extra]);
    assert.equal(r.code, 2, `${what}: refused before listening\n${r.stderr}`);
    assert.match(r.stderr, /ต้องเป็นจำนวนเต็มตั้งแต่ -?\d+ ถึง \d+/, `${what}: said in Thai`);
    assert.match(r.stderr, /must be a whole number between -?\d+ and \d+/, `${what}: said in English`);
    assert.doesNotMatch(r.stderr + r.stdout, /listening on/, `${what}: never listened`);
  }
});
