// gen-students.mjs: the census file of the import bench (bench/import.sh):
//   node bench/gen-students.mjs ROWS SCHOOLS_FILE OUT.csv
// ROWS learners spread evenly over the schools of SCHOOLS_FILE (one OBEC
// code a line), every row one that `khet import students` takes: a valid,
// unique citizen ID (check digit), a title that fits the sex and age, a
// birth date that fits the grade, weight and height in range, choice-list
// labels in Thai. Deterministic (the same ROWS and schools give the same
// bytes), so two runs import the same file. Written in 1 MB chunks.
import { openSync, writeSync, closeSync, readFileSync } from 'node:fs';

const [rowsArg, schoolsFile, out] = process.argv.slice(2);
const rows = Number(rowsArg);
if (!(rows > 0) || !schoolsFile || !out) {
  console.error('usage: node bench/gen-students.mjs ROWS SCHOOLS_FILE OUT.csv');
  process.exit(2);
}
const schools = readFileSync(schoolsFile, 'utf8').split('\n').map((s) => s.trim()).filter(Boolean);
if (!schools.length) { console.error('no schools in ' + schoolsFile); process.exit(1); }

let seed = 0x2545f491;
const rand = () => { seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5; return (seed >>> 0); };
const pick = (a) => a[rand() % a.length];
const boys = ['ธนากร', 'ณัฐวุฒิ', 'กิตติพัฒน์', 'ภูริภัทร', 'วรเมธ', 'ศุภกร', 'อนุชา', 'ธีรภัทร', 'พีรพล', 'ชยพล', 'ปิยะพงษ์', 'สุรเชษฐ์'];
const girls = ['ณัฐธิดา', 'พิมพ์ชนก', 'กัญญารัตน์', 'ศิริพร', 'อรอุมา', 'ธิดารัตน์', 'ปวีณา', 'สุภาวดี', 'เบญจวรรณ', 'ชนิดา', 'วราภรณ์', 'แพรวา'];
const lasts = ['ศรีสุข', 'บุญมา', 'แก้วมณี', 'ทองดี', 'พรหมวงศ์', 'สายบุญ', 'จันทร์เพ็ง', 'ภูมิพันธ์', 'วงศ์ใหญ่', 'คำภา', 'ไชยสิทธิ์', 'อินทร์แก้ว'];
const disadv = ['ไม่ด้อยโอกาส', 'ไม่ด้อยโอกาส', 'ไม่ด้อยโอกาส', 'เด็กยากจน'];
// grade label, age on the academic year's first day, typical weight and height
const grades = [['อ.2', 4, 17, 103], ['อ.3', 5, 19, 110], ['ป.1', 6, 21, 117], ['ป.2', 7, 24, 123], ['ป.3', 8, 27, 129],
  ['ป.4', 9, 30, 134], ['ป.5', 10, 34, 140], ['ป.6', 11, 38, 146], ['ม.1', 12, 42, 152], ['ม.2', 13, 46, 157], ['ม.3', 14, 50, 162]];
// the academic year that began last May (Bangkok's calendar is close enough for a birth year)
const now = new Date();
const startYear = now.getUTCMonth() >= 5 ? now.getUTCFullYear() : now.getUTCFullYear() - 1;

function citizenId(n) {
  const d12 = '18' + String(n).padStart(10, '0');
  let s = 0;
  for (let i = 0; i < 12; i++) s += Number(d12[i]) * (13 - i);
  return d12 + ((11 - (s % 11)) % 10);
}

const fd = openSync(out, 'w');
let chunk = 'รหัสโรงเรียน,เลขประจำตัวประชาชน,คำนำหน้า,ชื่อ,นามสกุล,เพศ,วันเกิด,ชั้น,ห้อง,น้ำหนัก,ส่วนสูง,สัญชาติ,ความด้อยโอกาส,ผู้ปกครอง,โทรศัพท์ผู้ปกครอง,ที่อยู่\n';
for (let i = 0; i < rows; i++) {
  const school = schools[i % schools.length];
  const g = grades[rand() % grades.length];
  const boy = rand() % 2 === 0;
  const last = pick(lasts);
  const by = startYear - g[1] - 1 + 543; // BE
  const birth = `${String(1 + (rand() % 28)).padStart(2, '0')}/${String(6 + (rand() % 7)).padStart(2, '0')}/${by}`;
  const w = (g[2] + (rand() % 80) / 10 - 3).toFixed(1), h = (g[3] + (rand() % 100) / 10 - 5).toFixed(1);
  chunk += `${school},${citizenId(i + 1)},${boy ? 'ด.ช.' : 'ด.ญ.'},${boy ? pick(boys) : pick(girls)},${last},${boy ? 'ชาย' : 'หญิง'},` +
    `${birth},${g[0]},${1 + (rand() % 3)},${w},${h},ไทย,${pick(disadv)},นายสมศักดิ์ ${last},08${String(rand() % 1e8).padStart(8, '0')},` +
    `"${1 + (rand() % 200)} หมู่ ${1 + (rand() % 12)} บ้านหนองบัว"\n`;
  if (chunk.length > 1 << 19) { writeSync(fd, chunk); chunk = ''; }
}
writeSync(fd, chunk);
closeSync(fd);
