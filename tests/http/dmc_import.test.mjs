// dmc_import: `khet import students FILE` (issue 12 item 8) on the demo's
// census data — a school's file loads with the checks of the pages, a second
// run of the same file adds nothing, counts and history follow, and a file
// with any bad row (check digit, unknown school or grade, the same learner
// twice, a learner active at another school, weight 500 kg, a birth date in
// the future, a ป.1 learner of 40) stores nothing and names every bad line.
// A first import into an empty census (on SQLite the census table's indexes
// are dropped and built again after the load) stores the same: rows,
// history, counts, duplicates, the indexes and the one-active rule.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { khet, startServer, citizenId, engine } from './lib.mjs';

const tmp = mkdtempSync(join(tmpdir(), 'khet-dmc-import-'));
let s, school1, school2, obec1, obec2;
const num = (q) => Number(s.sql(q));
function file(name, text) {
  const p = join(tmp, name);
  writeFileSync(p, text);
  return p;
}
let seq = 4000;
const newCid = () => citizenId(`19901${String(seq++).padStart(7, '0')}`);
const HEAD = '\ufeffรหัสโรงเรียน,เลขประจำตัวประชาชน,รหัส G,คำนำหน้า,ชื่อ,นามสกุล,เพศ,วันเกิด,ชั้น,ห้อง,น้ำหนัก,ส่วนสูง,สัญชาติ,ความพิการ\r\n';
const learners = () => num('SELECT COUNT(*) FROM dmc_learners');
// The BE year n years before this one (Bangkok): born 1 January of it, a
// learner is n years old today.
const be = (n) => new Date(Date.now() + 7 * 3600e3).getUTCFullYear() - n + 543;
const countsRight = (sid) => num(`SELECT COALESCE(SUM(n), 0) FROM dmc_counts WHERE school_id = ${sid}`) ===
  num(`SELECT COUNT(*) FROM dmc_learners WHERE school_id = ${sid} AND status = 'active'`);

before(async () => {
  s = await startServer();
  [school1, school2] = s.sql('SELECT id FROM schools ORDER BY id LIMIT 2').split('\n').map(Number);
  obec1 = s.sql(`SELECT obec_code FROM schools WHERE id = ${school1}`);
  obec2 = s.sql(`SELECT obec_code FROM schools WHERE id = ${school2}`);
});
after(async () => { await s?.stop(); });

test('a school\'s file loads; a second run updates and adds nothing; counts, history and audit follow', async () => {
  const a = newCid(), b = newCid();
  const csv = HEAD +
    `${obec1},${a},,ด.ช.,สมชาย,ใจดี,ชาย,12/05/2560,ป.1,1,22.5,120,ไทย,\r\n` +
    `${obec1},${b},,ด.ญ.,"สมหญิง, ณ",รักเรียน,,2016-01-02,ป.2,2,,,,ออทิสติก\r\n` +
    `${obec2},,G671000000077,ด.ช.,ไม่มี,บัตร,M,01/01/2559,ป.3,,,,เมียนมา,\r\n`;
  const before = learners();
  let r = khet(['import', 'students', file('good.csv', csv)], s.env);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /3 learners added, 0 updated/);
  assert.match(r.stdout, /นักเรียนใหม่ 3 คน/);
  assert.equal(learners(), before + 3);
  assert.equal(s.sql(`SELECT school_id || '|' || grade || '|' || sex || '|' || birth_date || '|' || weight_x10 || '|' || room FROM dmc_learners WHERE ident = '${a}'`),
    `${school1}|p1|M|2017-05-12|225|1`);
  assert.equal(s.sql(`SELECT first_name || '|' || disability FROM dmc_learners WHERE ident = '${b}'`), 'สมหญิง, ณ|autism');
  assert.equal(s.sql("SELECT nationality || '|' || school_id FROM dmc_learners WHERE ident = 'G671000000077'"), `MM|${school2}`);
  assert.ok(countsRight(school1) && countsRight(school2), 'dmc_counts match the learners');
  assert.equal(num(`SELECT COUNT(*) FROM dmc_learner_events e JOIN dmc_learners l ON l.id = e.learner_id WHERE l.ident = '${a}' AND e.kind = 'import'`), 1);
  assert.ok(num("SELECT COUNT(*) FROM audit WHERE action = 'dmc.import'") >= 1);

  // the same file again, with a grade changed: updated, nothing added
  r = khet(['import', 'students', file('again.csv', csv.replace(',ป.1,1,', ',ป.2,3,'))], s.env);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /0 learners added, 3 updated/);
  assert.equal(learners(), before + 3);
  assert.equal(s.sql(`SELECT grade || '|' || room FROM dmc_learners WHERE ident = '${a}'`), 'p2|3');
  assert.ok(countsRight(school1));
});

test('a file with bad rows stores nothing and names every bad line', async () => {
  const elsewhere = s.sql(`SELECT ident FROM dmc_learners WHERE school_id = ${school2} AND status = 'active' AND citizen_id IS NOT NULL LIMIT 1`);
  assert.ok(elsewhere);
  const good = newCid(), twice = newCid();
  const badDigit = good.slice(0, 12) + String((Number(good[12]) + 1) % 10);
  const csv = HEAD +
    `${obec1},${good},,ด.ช.,ดี,มาก,,12/05/2560,ป.1,,,,,\n` +            // 2: good, not stored either
    `${obec1},${badDigit},,ด.ช.,ผิด,หลัก,,12/05/2560,ป.1,,,,,\n` +       // 3
    `9999999999,${newCid()},,ด.ช.,ไม่มี,โรงเรียน,,12/05/2560,ป.1,,,,,\n` + // 4
    `${obec1},${twice},,ด.ญ.,ซ้ำ,หนึ่ง,,12/05/2560,ป.1,,,,,\n` +        // 5
    `${obec1},${twice},,ด.ญ.,ซ้ำ,สอง,,12/05/2560,ป.1,,,,,\n` +          // 6
    `${obec1},${newCid()},,ด.ช.,ชั้น,ผิด,,12/05/2560,ป.9,,,,,\n` +       // 7
    `${obec1},${newCid()},,ด.ช.,หนัก,มาก,,12/05/2560,ป.1,,500,120,,\n` + // 8
    `${obec1},${newCid()},,ด.ช.,เกิด,อนาคต,,12/05/2599,ป.1,,,,,\n` +     // 9
    `${obec1},${newCid()},,ด.ช.,อายุ,สี่สิบ,,12/05/2528,ป.1,,,,,\n` +    // 10
    `${obec1},${newCid()},,ด.ญ.,เพศ,ไม่ตรง,ชาย,12/05/2560,ป.1,,,,,\n` +  // 11
    `${obec1},,G67100000001,ด.ช.,จี,สั้น,,12/05/2560,ป.1,,,,,\n` +        // 12
    `${obec1},${newCid()},,ด.ช.,เล็ก,เกินไป,,01/01/${be(2)},ป.1,,,,,\n`;    // 13: about 2 in ป.1
  const before = learners();
  let r = khet(['import', 'students', file('bad.csv', csv)], s.env);
  assert.equal(r.code, 1);
  for (let line = 3; line <= 13; line++) {
    if (line === 5) continue;
    assert.match(r.stderr, new RegExp(`line ${line} / บรรทัด ${line}:`), `line ${line}`);
  }
  assert.doesNotMatch(r.stderr, /line 2 \//);
  assert.doesNotMatch(r.stderr, /line 5 \//);
  assert.match(r.stderr, /ไม่พบโรงเรียนรหัส 9999999999/);
  assert.match(r.stderr, /นักเรียนคนเดียวกับบรรทัด 5/);
  assert.match(r.stderr, /ชั้น "ป.9" ไม่มีในรายการ/);
  assert.match(r.stderr, /คำนำหน้าไม่ตรงกับเพศ/);
  assert.match(r.stderr, /line 13 \/ บรรทัด 13:.*ชั้น ป\.1 รับนักเรียนอายุ 5–15 ปี.*ยังไม่ถึง 5 ปี/, 'the same age rule as the forms');
  assert.match(r.stderr, /10 bad rows of 12; nothing was stored/);
  assert.equal(learners(), before);
  assert.equal(num(`SELECT COUNT(*) FROM dmc_learners WHERE ident = '${good}'`), 0);

  // every row good, but one learner is active at another school: a move in
  const csv2 = HEAD + `${obec1},${good},,ด.ช.,ดี,มาก,,12/05/2560,ป.1,,,,,\n` +
    `${obec1},${elsewhere},,ด.ช.,ย้าย,มา,,12/05/2560,ป.1,,,,,\n`;
  r = khet(['import', 'students', file('elsewhere.csv', csv2)], s.env);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /line 3 \/ บรรทัด 3: .*ยังเรียนอยู่ที่.*ให้ใช้เมนูย้ายเข้า/);
  assert.equal(learners(), before);

  // the header must name the columns; without an ID column nothing is read
  r = khet(['import', 'students', file('nohead.csv', 'รหัสโรงเรียน,คำนำหน้า,ชื่อ,นามสกุล,วันเกิด,ชั้น\n1,2,3,4,5,6\n')], s.env);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /ไม่มีคอลัมน์ เลขประจำตัวประชาชน \(citizen_id\) or\/หรือ รหัส G \(gcode\)/);
  r = khet(['import', 'students', file('wrong.csv', 'a,b,c\n1,2,3\n')], s.env);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /ไม่มีคอลัมน์ รหัสโรงเรียน \(obec_code\)/);
  assert.equal(learners(), before);
});

test('a learner imported with the names and birth date of one active at another school is flagged for the area (DMC-5)', async () => {
  const [first, last, birth] = s.sql(`SELECT first_name || '|' || last_name || '|' || birth_date FROM dmc_learners
    WHERE school_id = ${school2} AND status = 'active' AND citizen_id IS NOT NULL ORDER BY id LIMIT 1`).split('|');
  const other = num(`SELECT id FROM dmc_learners WHERE school_id = ${school2} AND status = 'active' AND first_name = '${first}' AND last_name = '${last}' AND birth_date = '${birth}' ORDER BY id LIMIT 1`);
  const cid = newCid();
  const grade = s.sql(`SELECT g.label FROM dmc_learners l JOIN dmc_grades g ON g.code = l.grade WHERE l.id = ${other}`);
  const title = s.sql(`SELECT t.label FROM dmc_learners l JOIN dmc_titles t ON t.code = l.title WHERE l.id = ${other}`);
  const r = khet(['import', 'students', file('twin.csv', HEAD + `${obec1},${cid},,${title},${first},${last},,${birth},${grade},,,,,\r\n`)], s.env);
  assert.equal(r.code, 0, r.stderr);
  const mine = num(`SELECT id FROM dmc_learners WHERE ident = '${cid}'`);
  assert.equal(num(`SELECT COUNT(*) FROM dmc_duplicates WHERE kind = 'name' AND learner_a = ${Math.min(mine, other)} AND learner_b = ${Math.max(mine, other)} AND resolved_at IS NULL`), 1);
});

test('a first import into an empty census stores the same and keeps every index and the one-active rule', async () => {
  const e = await startServer({ demoArgs: ['--students', '0'] });
  try {
    const n = (q) => Number(e.sql(q));
    const [s1, s2] = e.sql('SELECT id FROM schools ORDER BY id LIMIT 2').split('\n').map(Number);
    const [o1, o2] = [s1, s2].map((id) => e.sql(`SELECT obec_code FROM schools WHERE id = ${id}`));
    const indexes = () => e.sql(engine === 'sqlite'
      ? "SELECT name || ':' || sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'dmc_learners' AND sql IS NOT NULL ORDER BY name"
      : "SELECT indexname || ':' || indexdef FROM pg_indexes WHERE tablename = 'dmc_learners' ORDER BY indexname");
    const idx = indexes();
    assert.match(idx, /dmc_learners_one_active/);
    const held = n('SELECT COUNT(*) FROM dmc_learners');
    const [a, b, c, d] = [newCid(), newCid(), newCid(), newCid()];
    // a and c: the same names and birth date at two schools (a duplicate to flag)
    const csv = HEAD +
      `${o1},${a},,ด.ช.,ก้องภพ,ศรีสุข,ชาย,12/05/2560,ป.1,1,22.5,120,ไทย,\r\n` +
      `${o1},${b},,ด.ญ.,"พิมพ์ชนก, ณ",บุญมา,,2016-01-02,ป.2,2,,,,ออทิสติก\r\n` +
      `${o2},${c},,ด.ช.,ก้องภพ,ศรีสุข,ชาย,12/05/2560,ป.1,,,,,\r\n` +
      `${o2},${d},,ด.ญ.,อรอุมา,แก้วมณี,หญิง,01/01/2559,ป.3,,,,เมียนมา,\r\n`;
    assert.ok(held < 4, 'the file has more learners than the census holds');
    let r = khet(['import', 'students', file('first.csv', csv)], e.env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /4 learners added, 0 updated/);
    assert.equal(n('SELECT COUNT(*) FROM dmc_learners'), held + 4);
    assert.equal(indexes(), idx, 'the same indexes after the import');
    assert.equal(e.sql(`SELECT school_id || '|' || grade || '|' || sex || '|' || birth_date || '|' || weight_x10 || '|' || height_x10 || '|' || room || '|' || status FROM dmc_learners WHERE ident = '${a}'`),
      `${s1}|p1|M|2017-05-12|225|1200|1|active`);
    assert.equal(e.sql(`SELECT first_name || '|' || disability FROM dmc_learners WHERE ident = '${b}'`), 'พิมพ์ชนก, ณ|autism');
    // the search words: first name's, last name's, then the code (words as the dictionary breaks them)
    assert.match(e.sql(`SELECT search FROM dmc_learners WHERE ident = '${a}'`), new RegExp(`^ก้อง ?ภพ ศรี ?สุข ${a}$`));
    assert.match(e.sql(`SELECT search FROM dmc_learners WHERE ident = '${b}'`), new RegExp(`^พิมพ์ ?ชนก ณ บุญ ?มา ${b}$`));
    assert.equal(n(`SELECT COUNT(*) FROM dmc_learner_events e JOIN dmc_learners l ON l.id = e.learner_id WHERE l.ident IN ('${a}', '${b}', '${c}', '${d}') AND e.kind = 'import'`), 4);
    for (const sid of [s1, s2])
      assert.equal(n(`SELECT COALESCE(SUM(n), 0) FROM dmc_counts WHERE school_id = ${sid}`), n(`SELECT COUNT(*) FROM dmc_learners WHERE school_id = ${sid} AND status = 'active'`));
    const [ia, ic] = [a, c].map((x) => n(`SELECT id FROM dmc_learners WHERE ident = '${x}'`));
    assert.equal(n(`SELECT COUNT(*) FROM dmc_duplicates WHERE kind = 'name' AND learner_a = ${Math.min(ia, ic)} AND learner_b = ${Math.max(ia, ic)} AND resolved_at IS NULL`), 1);
    // the rebuilt indexes are used and hold: a code active elsewhere is refused
    r = khet(['import', 'students', file('again.csv', HEAD + `${o2},${a},,ด.ช.,ก้องภพ,ศรีสุข,ชาย,12/05/2560,ป.1,1,,,,\r\n`)], e.env);
    assert.notEqual(r.code, 0);
    assert.match(r.stdout + r.stderr, /บรรทัด 2: .*ยังเรียนอยู่ที่/);
    assert.throws(() => e.sql(`UPDATE dmc_learners SET ident = '${a}', citizen_id = '${a}' WHERE ident = '${b}'`), /UNIQUE|unique|duplicate/);
    assert.equal(n('SELECT COUNT(*) FROM dmc_learners'), held + 4);
  } finally {
    await e.stop();
  }
});

test('an area-wide first import: every school\'s and area\'s counts equal a recount, the area-sum triggers stay; rows after the indexes are dropped still find stored codes', async () => {
  const e = await startServer({ demoArgs: ['--students', '0'] });
  try {
    const n = (q) => Number(e.sql(q));
    const obecs = e.sql('SELECT obec_code FROM schools ORDER BY id').split('\n');
    assert.ok(obecs.length >= 50, 'an area-wide file: 50 schools or more (SQLite sums the areas once)');
    const triggers = () => e.sql(engine === 'sqlite'
      ? "SELECT name || ':' || sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'dmc_counts' ORDER BY name"
      : "SELECT tgname FROM pg_trigger WHERE tgrelid = 'dmc_counts'::regclass AND NOT tgisinternal ORDER BY tgname");
    const indexes = () => e.sql(engine === 'sqlite'
      ? "SELECT name || ':' || sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'dmc_learners' AND sql IS NOT NULL ORDER BY name"
      : "SELECT indexname || ':' || indexdef FROM pg_indexes WHERE tablename = 'dmc_learners' ORDER BY indexname");
    const [trig, idx] = [triggers(), indexes()];
    assert.match(trig, /dmc_area_counts/);
    // the kept counts against a recount of the learners, both ways
    const countsWrong = () =>
      n(`SELECT COUNT(*) FROM (SELECT school_id, grade, sex, COUNT(*) AS n FROM dmc_learners WHERE status = 'active'
        GROUP BY school_id, grade, sex) x LEFT JOIN dmc_counts c ON c.school_id = x.school_id AND c.grade = x.grade
        AND c.sex = x.sex WHERE c.n IS NULL OR c.n <> x.n`) +
      n(`SELECT COUNT(*) FROM (SELECT s.area_id, l.grade, l.sex, COUNT(*) AS n FROM dmc_learners l
        JOIN schools s ON s.id = l.school_id WHERE l.status = 'active' GROUP BY s.area_id, l.grade, l.sex) x
        LEFT JOIN dmc_area_counts a ON a.area_id = x.area_id AND a.grade = x.grade AND a.sex = x.sex
        WHERE a.n IS NULL OR a.n <> x.n`) +
      Math.abs(n('SELECT COALESCE(SUM(n), 0) FROM dmc_counts') - n("SELECT COUNT(*) FROM dmc_learners WHERE status = 'active'")) +
      Math.abs(n('SELECT COALESCE(SUM(n), 0) FROM dmc_area_counts') - n("SELECT COUNT(*) FROM dmc_learners WHERE status = 'active'"));
    assert.equal(countsWrong(), 0);
    const row = (obec, cid, i, room = 1) => i % 2
      ? `${obec},${cid},,ด.ญ.,ทดสอบ${i},นามสกุล${i},,2016-01-02,ป.2,${room},,,,\r\n`
      : `${obec},${cid},,ด.ช.,ทดสอบ${i},นามสกุล${i},ชาย,12/05/2560,ป.1,${room},,,,\r\n`;
    // 1. two learners in every school
    const first = [];
    for (const o of obecs) first.push([o, newCid()], [o, newCid()]);
    let r = khet(['import', 'students', file('area.csv', HEAD + first.map(([o, c], i) => row(o, c, i)).join(''))], e.env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`${first.length} learners added, 0 updated`));
    assert.equal(countsWrong(), 0, 'counts after the area-wide import');
    assert.equal(triggers(), trig, 'the area-sum triggers are back');
    assert.equal(indexes(), idx);
    assert.equal(n(`SELECT COUNT(*) FROM dmc_learner_events WHERE kind = 'import'`), first.length);
    const audited = n("SELECT COUNT(*) FROM audit WHERE action = 'dmc.import'");
    assert.equal(audited, n('SELECT COUNT(DISTINCT area_id) FROM schools'), 'one audit row per area');
    // 2. more new learners than the census holds (on SQLite the indexes are
    // dropped part way), then three of the first file's again: updated
    const more = [];
    for (const o of obecs) for (let k = 0; k < 4; k++) more.push([o, newCid()]);
    const again = first.slice(0, 3);
    r = khet(['import', 'students', file('more.csv', HEAD + more.map(([o, c], i) => row(o, c, 1000 + i)).join('') +
      again.map(([o, c], i) => row(o, c, i, 7)).join(''))], e.env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`${more.length} learners added, 3 updated`));
    for (const [, c] of again) assert.equal(n(`SELECT room FROM dmc_learners WHERE ident = '${c}'`), 7);
    assert.equal(n(`SELECT COUNT(*) FROM dmc_learner_events WHERE kind = 'import'`), first.length + more.length + 3);
    assert.equal(countsWrong(), 0, 'counts after the second import');
    assert.equal(triggers(), trig);
    assert.equal(indexes(), idx, 'the same indexes after the import');
    // 3. a code active at another school after as many new rows: refused, nothing stored
    const held = n('SELECT COUNT(*) FROM dmc_learners');
    const rows = [];
    for (const o of obecs) for (let k = 0; k < 8; k++) rows.push(row(o, newCid(), 5000 + rows.length));
    const [o0, c0] = first[0];
    rows.push(row(obecs.find((o) => o !== o0), c0, 0));
    r = khet(['import', 'students', file('moved.csv', HEAD + rows.join(''))], e.env);
    assert.notEqual(r.code, 0);
    assert.match(r.stdout + r.stderr, new RegExp(`บรรทัด ${rows.length + 1}: .*ยังเรียนอยู่ที่`));
    assert.equal(n('SELECT COUNT(*) FROM dmc_learners'), held);
    assert.equal(triggers(), trig);
    assert.equal(indexes(), idx);
    // 4. a one-school file afterwards: the triggers keep the area's sums
    r = khet(['import', 'students', file('one.csv', HEAD + row(obecs[0], newCid(), 9001))], e.env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(countsWrong(), 0, 'counts after a one-school import');
  } finally {
    await e.stop();
  }
});
