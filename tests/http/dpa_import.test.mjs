// dpa_import: `khet import personnel FILE` (issue 13 item 6) on the demo's
// data — a file of two schools loads with the checks of the pages (labels
// or codes of types, positions and standings; BE or CE dates; "45,120.00"
// salaries), what a row leaves empty counts as missing, a second run of the
// same file changes nothing and a changed row updates only that person,
// history and audit follow; a file with any bad row (check digit, unknown
// school or type, the same person twice, a person recorded at another
// school, a salary over 200,000 or negative, arrival before appointment)
// stores nothing and names every bad line.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { khet, startServer, citizenId } from './lib.mjs';

const tmp = mkdtempSync(join(tmpdir(), 'khet-dpa-import-'));
let s, school1, school2, obec1, obec2;
const num = (q) => Number(s.sql(q));
function file(name, text) {
  const p = join(tmp, name);
  writeFileSync(p, text);
  return p;
}
let seq = 5000;
const newCid = () => citizenId(`39902${String(seq++).padStart(7, '0')}`);
const HEAD = '\ufeffรหัสโรงเรียน,เลขประจำตัวประชาชน,คำนำหน้า,ชื่อ,นามสกุล,วันเกิด,ประเภทบุคลากร,ตำแหน่ง,เลขที่ตำแหน่ง,วิทยฐานะ,เงินเดือน,วันบรรจุ,วันที่มาปฏิบัติงาน,วุฒิการศึกษา,วิชาเอก,โทรศัพท์\r\n';
const staff = () => num('SELECT COUNT(*) FROM dpa_staff');
// the kept counts (dpa_counts, dpa_type_counts: migration 0610) against a
// recount of dpa_staff: the rows either side lacks
const RECOUNT = "SELECT COALESCE(school_id, 0), area_id, COUNT(*), SUM(CASE WHEN missing > 0 THEN 1 ELSE 0 END) FROM dpa_staff WHERE status = 'active' GROUP BY COALESCE(school_id, 0), area_id";
const KEPT = 'SELECT school_id, area_id, recorded, incomplete FROM dpa_counts WHERE recorded > 0';
const RETYPE = "SELECT COALESCE(school_id, 0), area_id, COALESCE(type, ''), COUNT(*), SUM(CASE WHEN missing > 0 THEN 1 ELSE 0 END) FROM dpa_staff WHERE status = 'active' GROUP BY COALESCE(school_id, 0), area_id, COALESCE(type, '')";
const KEPT_TYPE = 'SELECT school_id, area_id, type, recorded, incomplete FROM dpa_type_counts';
const drift = () => [[RECOUNT, KEPT], [KEPT, RECOUNT], [RETYPE, KEPT_TYPE], [KEPT_TYPE, RETYPE]]
  .reduce((n, [a, b]) => n + num(`SELECT COUNT(*) FROM (${a} EXCEPT ${b}) d`), 0);
const kept = (school) => s.sql(`SELECT recorded || '/' || incomplete FROM dpa_counts WHERE school_id = ${school}`);

before(async () => {
  s = await startServer();
  [school1, school2] = s.sql('SELECT id FROM schools ORDER BY id LIMIT 2').split('\n').map(Number);
  obec1 = s.sql(`SELECT obec_code FROM schools WHERE id = ${school1}`);
  obec2 = s.sql(`SELECT obec_code FROM schools WHERE id = ${school2}`);
});
after(async () => { await s?.stop(); });

test('a file loads; a second run changes nothing; a changed row updates that person only', async () => {
  const a = newCid(), b = newCid(), c = newCid();
  const csv = HEAD +
    `${obec1},${a},นาง,สุภาพร,นำเข้าดี,04/03/2518,ข้าราชการครู,ครู,4411,ชำนาญการพิเศษ,"45,120.00",17/05/2542,16/05/2558,ค.บ.,ภาษาไทย,0812345678\r\n` +
    `${obec1},${b},นาย,สมชาย,อัตราจ้าง,1995-01-02,contract,hired_teacher,,none,15000,2020-05-16,2020-05-16,วท.บ.,คณิตศาสตร์,0899999999\r\n` +
    `${obec2},${c.slice(0, 1)}-${c.slice(1, 5)}-${c.slice(5, 10)}-${c.slice(10, 12)}-${c[12]},นางสาว,ข้อมูล,ยังไม่ครบ,,,,,,,,,,,\r\n`;
  const before = staff();
  assert.equal(drift(), 0, 'the demo\'s counts are kept');
  const [rec2, inc2] = (kept(school2) || '0/0').split('/').map(Number);
  let r = khet(['import', 'personnel', file('good.csv', csv)], s.env);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  // the import keeps the counts of each school it names
  assert.equal(drift(), 0, 'the counts follow the import');
  assert.equal(kept(school2), `${rec2 + 1}/${inc2 + 1}`);
  assert.match(r.stdout, /3 people added, 0 updated/);
  assert.match(r.stdout, /บุคลากรใหม่ 3 คน/);
  assert.equal(staff(), before + 3);
  assert.equal(s.sql(`SELECT school_id || '|' || type || '|' || standing || '|' || salary || '|' || birth_date || '|' || missing || '|' || retire_fy FROM dpa_staff WHERE citizen_id = '${a}'`),
    `${school1}|teacher|senior|4512000|1975-03-04|0|2035`);
  // a contract teacher holds no position number: nothing missing
  assert.equal(num(`SELECT missing FROM dpa_staff WHERE citizen_id = '${b}'`), 0);
  assert.equal(num(`SELECT missing FROM dpa_staff WHERE citizen_id = '${c}'`), 11);
  assert.equal(num(`SELECT school_id FROM dpa_staff WHERE citizen_id = '${c}'`), school2);
  assert.equal(num(`SELECT COUNT(*) FROM dpa_staff_events e JOIN dpa_staff p ON p.id = e.staff_id WHERE p.citizen_id = '${a}' AND e.kind = 'import'`), 1);
  assert.equal(s.sql("SELECT detail FROM audit WHERE action = 'dpa.import' ORDER BY id DESC LIMIT 1"), '{"staff":3,"schools":2}');
  const version = num(`SELECT version FROM dpa_staff WHERE citizen_id = '${a}'`);

  r = khet(['import', 'personnel', file('again.csv', csv)], s.env);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /0 people added, 0 updated, 3 unchanged/);
  assert.equal(staff(), before + 3);
  assert.equal(num(`SELECT version FROM dpa_staff WHERE citizen_id = '${a}'`), version);
  assert.equal(num(`SELECT COUNT(*) FROM dpa_staff_events e JOIN dpa_staff p ON p.id = e.staff_id WHERE p.citizen_id = '${a}'`), 1);

  r = khet(['import', 'personnel', file('changed.csv', csv.replace('0812345678', '0811112222'))], s.env);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /0 people added, 1 updated, 2 unchanged/);
  assert.equal(s.sql(`SELECT phone FROM dpa_staff WHERE citizen_id = '${a}'`), '0811112222');
  assert.equal(drift(), 0);
  assert.equal(num(`SELECT COUNT(*) FROM dpa_staff_events e JOIN dpa_staff p ON p.id = e.staff_id WHERE p.citizen_id = '${a}'`), 2);
});

test('one bad row stores nothing; every bad line is reported with its reason', async () => {
  const elsewhere = s.sql(`SELECT citizen_id FROM dpa_staff WHERE school_id = ${school2} AND status = 'active' LIMIT 1`);
  const dup = newCid();
  const good = newCid();
  const bad = good.slice(0, 12) + String((Number(good[12]) + 1) % 10);
  const csv = HEAD +
    `${obec1},${good},นาย,ดี,ถูกต้อง,,,,,,,,,,,\r\n` +
    `${obec1},${bad},นาย,เลข,ผิด,,,,,,,,,,,\r\n` +
    `9999999999,${newCid()},นาย,ไม่มี,โรงเรียน,,,,,,,,,,,\r\n` +
    `${obec1},${newCid()},นาย,ประเภท,แปลก,,นักบินอวกาศ,,,,,,,,,\r\n` +
    `${obec1},${dup},นาย,ซ้ำ,หนึ่ง,,,,,,,,,,,\r\n` +
    `${obec1},${dup},นาย,ซ้ำ,สอง,,,,,,,,,,,\r\n` +
    `${obec1},${elsewhere},นาย,อยู่,ที่อื่น,,,,,,,,,,,\r\n` +
    `${obec1},${newCid()},นาย,เงิน,เกิน,,,,,,200000.01,,,,,\r\n` +
    `${obec1},${newCid()},นาย,เงิน,ติดลบ,,,,,,-5,,,,,\r\n` +
    `${obec1},${newCid()},นาย,มา,ก่อนบรรจุ,,,,,,,16/05/2560,16/05/2550,,,\r\n`;
  const before = staff();
  const r = khet(['import', 'personnel', file('bad.csv', csv)], s.env);
  assert.equal(r.code, 1, r.stdout);
  const out = r.stdout + r.stderr;
  for (const [line, re] of [[3, /check digit|หลักตรวจสอบ|ไม่ถูกต้อง/], [4, /ไม่พบโรงเรียน/], [5, /ไม่มีในรายการ/],
    [7, /บรรทัด 6/], [8, /ขอย้ายข้อมูล/], [9, /200,000/], [10, /ติดลบ/], [11, /ไม่ก่อนวันบรรจุ/]])
    assert.match(out, new RegExp(`บรรทัด ${line}: .*${re.source}`), `line ${line}`);
  assert.doesNotMatch(out, /บรรทัด 2:/);
  assert.match(out, /ยังไม่ได้บันทึกข้อมูลใดเลย/);
  assert.equal(staff(), before);
  assert.equal(num(`SELECT COUNT(*) FROM dpa_staff WHERE citizen_id = '${good}'`), 0);
});

test('a file without the required columns is refused naming them', async () => {
  const r = khet(['import', 'personnel', file('cols.csv', 'ชื่อ,นามสกุล\r\nก,ข\r\n')], s.env);
  assert.equal(r.code, 1);
  assert.match(r.stdout + r.stderr, /เลขประจำตัวประชาชน/);
});
