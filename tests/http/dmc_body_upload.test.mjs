// dmc_body_upload: weights and heights of a school's learners from a CSV or
// XLSX file through the page (DMC-2) — a good CSV (Thai headers, IDs with
// dashes, other columns ignored) and a good XLSX store every row with a
// history line; a file with any bad row (weight 0 or 500, height 20 or
// 300, a learner not at this school or of another school, the same
// learner twice, a wrong check digit, a missing value) is refused whole
// with every bad line and its reason, nothing stored; a wrong header, a
// picture, a 21 MB file (over the field's 20 MB), a 100 MB body (over the
// server's limit: 413) and an XLSX zip bomb (honest or lying about its
// size) are refused; another school's admin cannot upload here.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { deflateRawSync } from 'node:zlib';
import { startServer, AddressClient, ipSequence, citizenId, files, rawHttp } from './lib.mjs';

const PW = 'khet-demo-2567';
let server, s1, s2, admin1, admin2;
const nextIp = ipSequence('10.62');
async function as(login) {
  const c = new AddressClient(server.base, nextIp());
  await c.get('/signin');
  const r = await c.post('/signin', { login, password: PW });
  assert.equal(r.status, 303, `sign in ${login}: ${r.status}`);
  return c;
}
const sql = (q) => server.sql(q);
const count = (q) => Number(sql(q));
let seq = 0;
const newId = () => citizenId('17' + String(Date.now() % 1e6).padStart(6, '0') + String(++seq).padStart(4, '0'));

async function add(c, school) {
  const cid = newId();
  const r = await c.post(`/dmc/schools/${school}/learners/new`, {
    citizen_id: cid, gcode: '', title: 'boy', first_name: 'ชั่ง', last_name: 'วัดตัว', sex: 'M', birth_date: '2016-02-03',
    nationality: 'TH', grade: 'p4', room: '1', weight: '', height: '', disadvantaged: 'none', disability: 'none',
    guardian_name: '', guardian_phone: '', address: '',
  });
  assert.equal(r.status, 303, r.text.slice(0, 300));
  return { id: Number(r.headers.get('location').split('/').pop()), cid };
}
const dashed = (c) => `${c[0]}-${c.slice(1, 5)}-${c.slice(5, 10)}-${c.slice(10, 12)}-${c[12]}`;
const body = (id) => sql(`SELECT COALESCE(weight_x10, -1) || '/' || COALESCE(height_x10, -1) FROM dmc_learners WHERE id = ${id}`);
const events = (id) => count(`SELECT COUNT(*) FROM dmc_learner_events WHERE learner_id = ${id} AND kind = 'body'`);
const csv = (text, name = 'body.csv') => ({ file: { data: Buffer.from(text), filename: name, type: 'text/csv' } });
const upload = (c, school, f) => c.postMultipart(`/dmc/schools/${school}/body-upload`, {}, f, { json: true });
// as a browser posts it: the answer to a stored file is a redirect
const uploadPage = (c, school, f) => c.postMultipart(`/dmc/schools/${school}/body-upload`, {}, f);

// A zip of { name: Buffer } (deflated); lie: declare this uncompressed size instead.
const CRC = Array.from({ length: 256 }, (_, n) => { let c = n; for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; return c >>> 0; });
const crc32 = (b) => { let c = 0xffffffff; for (const x of b) c = CRC[(c ^ x) & 0xff] ^ (c >>> 8); return (c ^ 0xffffffff) >>> 0; };
function zip(entries, lie = {}) {
  const locals = [], centrals = [];
  let off = 0;
  for (const [name, data] of Object.entries(entries)) {
    const nm = Buffer.from(name), comp = deflateRawSync(data), crc = crc32(data), size = lie[name] ?? data.length;
    const lh = Buffer.alloc(30); lh.writeUInt32LE(0x04034b50, 0); lh.writeUInt16LE(20, 4); lh.writeUInt16LE(8, 8);
    lh.writeUInt32LE(crc, 14); lh.writeUInt32LE(comp.length, 18); lh.writeUInt32LE(size, 22); lh.writeUInt16LE(nm.length, 26);
    const ch = Buffer.alloc(46); ch.writeUInt32LE(0x02014b50, 0); ch.writeUInt16LE(20, 4); ch.writeUInt16LE(20, 6); ch.writeUInt16LE(8, 10);
    ch.writeUInt32LE(crc, 16); ch.writeUInt32LE(comp.length, 20); ch.writeUInt32LE(size, 24); ch.writeUInt16LE(nm.length, 28); ch.writeUInt32LE(off, 42);
    locals.push(lh, nm, comp); centrals.push(ch, nm);
    off += 30 + nm.length + comp.length;
  }
  const cd = Buffer.concat(centrals), end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(centrals.length / 2, 8); end.writeUInt16LE(centrals.length / 2, 10);
  end.writeUInt32LE(cd.length, 12); end.writeUInt32LE(off, 16);
  return Buffer.concat([...locals, cd, end]);
}
const cellXml = (v, ref) => typeof v === 'number' ? `<c r="${ref}"><v>${v}</v></c>` : `<c r="${ref}" t="inlineStr"><is><t>${v}</t></is></c>`;
function xlsx(rows, sheet = null, lie = {}) {
  const body = sheet ?? Buffer.from('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>' +
    rows.map((r, i) => `<row r="${i + 1}">${r.map((v, j) => cellXml(v, String.fromCharCode(65 + j) + (i + 1))).join('')}</row>`).join('') +
    '</sheetData></worksheet>');
  return zip({
    '[Content_Types].xml': Buffer.from('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'),
    'xl/workbook.xml': Buffer.from('<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets/></workbook>'),
    'xl/worksheets/sheet1.xml': body,
  }, lie);
}
const xfile = (buf) => ({ file: { data: buf, filename: 'body.xlsx', type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' } });

// The zip bombs are made before the server starts: deflating 120 MB takes
// seconds (tens on a loaded machine), and a client idle that long in the
// middle of a test finds its kept-alive connection closed by the server
// (a write EPIPE, not the server's answer).
let bombs;

before(async () => {
  // 120 MB of XML that deflates to about 120 KB
  const bomb = Buffer.concat([Buffer.from('<?xml version="1.0"?><worksheet><sheetData><row r="1"><c t="inlineStr"><is><t>'),
    Buffer.alloc(120 * 1024 * 1024, 0x61), Buffer.from('</t></is></c></row></sheetData></worksheet>')]);
  bombs = { honest: xlsx(null, bomb), liar: xlsx(null, bomb, { 'xl/worksheets/sheet1.xml': 1000 }) };
  server = await startServer({ args: ['--trust-proxy'] });
  const area = Number(sql("SELECT id FROM areas WHERE code = '3502'"));
  s1 = Number(sql(`SELECT id FROM schools WHERE area_id = ${area} ORDER BY obec_code LIMIT 1`));
  s2 = Number(sql(`SELECT id FROM schools WHERE area_id = ${area} ORDER BY obec_code LIMIT 1 OFFSET 1`));
  admin1 = await as('schooladmin');
  admin2 = await as('schooladmin2');
});
after(async () => { await server?.stop(); });

test('a good CSV: every row stored with a history line; the page says how many', async () => {
  const page = await admin1.get(`/dmc/schools/${s1}/body-upload`);
  assert.equal(page.status, 200);
  assert.match(page.text, /enctype="multipart\/form-data"/);
  assert.match(page.text, /accept="\.csv,\.xlsx/);
  const a = await add(admin1, s1), b = await add(admin1, s1);
  const r = await uploadPage(admin1, s1, csv(`\ufeffลำดับ,เลขประจำตัวประชาชน,ชื่อ,น้ำหนัก (กก.),ส่วนสูง (ซม.)\r\n1,${dashed(a.cid)},ชั่ง,31.5,135\r\n2,${b.cid},"วัด, ตัว",40,150.5\r\n`));
  assert.equal(r.status, 303, r.text.slice(0, 500));
  assert.equal(body(a.id), '315/1350');
  assert.equal(body(b.id), '400/1505');
  assert.equal(events(a.id), 1);
  assert.equal(events(b.id), 1);
  const audit = count(`SELECT COUNT(*) FROM audit WHERE action = 'dmc.body_upload' AND target_id = ${s1}`);
  assert.ok(audit >= 1);
});

test('a good XLSX (numbers stored as numbers, English headers in another order)', async () => {
  const a = await add(admin1, s1);
  const r = await uploadPage(admin1, s1, xfile(xlsx([['height', 'weight', 'citizen_id'], [128, 27.5, a.cid]])));
  assert.equal(r.status, 303, r.text.slice(0, 500));
  assert.equal(body(a.id), '275/1280');
});

test('any bad row: the whole file refused, every bad line with its reason, nothing stored', async () => {
  const good = await add(admin1, s1), other = await add(admin2, s2);
  const a = [];
  for (let i = 0; i < 4; i++) a.push(await add(admin1, s1));
  const stranger = newId();
  const wrongDigit = good.cid.slice(0, 12) + String((Number(good.cid[12]) + 1) % 10);
  const lines = [
    'เลขประจำตัวประชาชน,น้ำหนัก,ส่วนสูง',
    `${good.cid},30,130`,        // 2 good
    `${a[0].cid},0,130`,         // 3 weight 0
    `${a[1].cid},500,130`,       // 4 weight 500
    `${a[2].cid},30,20`,         // 5 height 20
    `${a[3].cid},30,300`,        // 6 height 300
    `${stranger},30,130`,        // 7 nowhere
    `${other.cid},30,130`,       // 8 another school's
    `${good.cid},31,131`,        // 9 twice
    `${wrongDigit},30,130`,      // 10 check digit
    `${a[0].cid.slice(0, 12)}x,30,130`, // 11 not 13 digits
  ];
  const before = [good, ...a].map((x) => body(x.id)), ev = events(good.id);
  const r = await upload(admin1, s1, csv(lines.join('\n') + '\n'));
  assert.equal(r.status, 422);
  const bad = r.json.bad_lines;
  assert.match(r.json.form.errors.file, /มี 9 แถวที่ไม่ถูกต้องจาก 10 แถว ยังไม่ได้บันทึก/);
  for (const [n, re] of [[3, /น้ำหนัก "0": น้ำหนักต้องมากกว่า 0/], [4, /น้ำหนัก "500": /], [5, /ส่วนสูง "20": ส่วนสูงต้องอยู่ระหว่าง 40 ถึง 250/], [6, /ส่วนสูง "300": /], [7, /ไม่พบนักเรียน/], [8, /ไม่พบนักเรียน/],
    [9, /ซ้ำกับแถวที่ 2/], [10, /เลขตรวจสอบ/], [11, /เลขประจำตัวประชาชน/]])
    assert.ok(bad.some((l) => l.startsWith(`แถวที่ ${n}:`) && re.test(l)), `line ${n}: ${bad.join(' | ')}`);
  assert.ok(!bad.some((l) => l.startsWith('แถวที่ 2:')), 'the good line is not reported');
  assert.deepEqual(bad.map((l) => Number(l.match(/^แถวที่ (\d+)/)[1])), [3, 4, 5, 6, 7, 8, 9, 10, 11], 'in the order of the file');
  assert.deepEqual([good, ...a].map((x) => body(x.id)), before, 'nothing stored');
  assert.equal(events(good.id), ev);
  // the page shows them too
  const html = await admin1.postMultipart(`/dmc/schools/${s1}/body-upload`, {}, csv(lines.join('\n')));
  assert.equal(html.status, 422);
  assert.match(html.text, /แถวที่ 4: /);
});

test('every bad field of every row: a row with three wrong fields has the three reasons on its one line', async () => {
  const a = await add(admin1, s1), b = await add(admin1, s1), c = await add(admin1, s1), other = await add(admin2, s2);
  const wrongDigit = a.cid.slice(0, 12) + String((Number(a.cid[12]) + 1) % 10);
  const lines = [
    'เลขประจำตัวประชาชน,น้ำหนัก,ส่วนสูง',
    `${wrongDigit},0,300`,       // 2: check digit, weight 0, height 300
    `${a.cid},500,20`,           // 3: weight 500 and height 20
    `${b.cid},หนัก,`,            // 4: weight not a number, no height
    `${other.cid},0,130`,        // 5: another school's learner and weight 0
    `,,`,                        // 6 is empty: skipped as a blank row
    `${c.cid},31,131`,           // 7: good
  ];
  const before = [a, b, c].map((x) => body(x.id));
  const r = await upload(admin1, s1, csv(lines.join('\n') + '\n'));
  assert.equal(r.status, 422);
  const bad = r.json.bad_lines;
  const line = (n) => bad.find((l) => l.startsWith(`แถวที่ ${n}:`)) ?? '';
  assert.deepEqual(bad.map((l) => Number(l.match(/^แถวที่ (\d+)/)[1])), [2, 3, 4, 5], bad.join(' | '));
  const has = (n, res) => { for (const re of res) assert.match(line(n), re, `line ${n}: ${line(n)}`); };
  has(2, [/เลขตรวจสอบ/, /น้ำหนักต้องมากกว่า 0/, /ส่วนสูงต้องอยู่ระหว่าง 40 ถึง 250/]);
  has(3, [/น้ำหนัก "500": น้ำหนักต้องมากกว่า 0 และไม่เกิน 200/, /ส่วนสูง "20": ส่วนสูงต้องอยู่ระหว่าง 40 ถึง 250/]);
  has(4, [/น้ำหนัก "หนัก" ต้องเป็นตัวเลข/, /ไม่มีส่วนสูง/]);
  has(5, [/ไม่พบนักเรียน/, /น้ำหนักต้องมากกว่า 0/]);
  assert.equal(line(2).split('; ').length, 3, line(2));
  assert.equal(line(3).split('; ').length, 2, line(3));
  assert.match(r.json.form.errors.file, /มี 4 แถวที่ไม่ถูกต้องจาก 5 แถว/);
  assert.deepEqual([a, b, c].map((x) => body(x.id)), before, 'nothing stored');
  // the page lists them the same way
  const html = await admin1.postMultipart(`/dmc/schools/${s1}/body-upload`, {}, csv(lines.join('\n')));
  assert.equal(html.status, 422);
  assert.match(html.text, /แถวที่ 3: น้ำหนัก (&quot;|&#34;|")500(&quot;|&#34;|"): น้ำหนักต้องมากกว่า 0 และไม่เกิน 200 กิโลกรัม[^<]*; ส่วนสูง (&quot;|&#34;|")20(&quot;|&#34;|"): ส่วนสูงต้องอยู่ระหว่าง/);
});

test('a wrong header, a picture, an empty file: refused at the field', async () => {
  const a = await add(admin1, s1);
  const h = await upload(admin1, s1, csv(`เลขประจำตัวประชาชน,น้ำหนัก\n${a.cid},30\n`));
  assert.equal(h.status, 422);
  assert.match(h.json.form.errors.file, /ส่วนสูง/);
  const twice = await upload(admin1, s1, csv(`เลขประจำตัวประชาชน,น้ำหนัก,weight,ส่วนสูง\n${a.cid},30,30,130\n`));
  assert.equal(twice.status, 422);
  const png = await upload(admin1, s1, { file: { data: files.png(), filename: 'body.csv', type: 'text/csv' } });
  assert.equal(png.status, 422);
  assert.match(png.json.form.errors.file, /ไม่ใช่ CSV หรือ XLSX/);
  const empty = await upload(admin1, s1, csv('เลขประจำตัวประชาชน,น้ำหนัก,ส่วนสูง\n'));
  assert.equal(empty.status, 422);
  assert.match(empty.json.form.errors.file, /ไม่มีข้อมูล/);
  assert.equal(body(a.id), '-1/-1');
});

test('too large: 21 MB over the field, 100 MB over the server (413); a zip bomb, honest or lying', async () => {
  const a = await add(admin1, s1);
  const big = Buffer.alloc(21 * 1024 * 1024, 0x20);
  Buffer.from(`เลขประจำตัวประชาชน,น้ำหนัก,ส่วนสูง\n${a.cid},30,130\n`).copy(big);
  const r21 = await upload(admin1, s1, { file: { data: big, filename: 'big.csv', type: 'text/csv' } });
  assert.equal(r21.status, 422);
  assert.match(r21.json.form.errors.file, /ใหญ่เกิน 20\.0 MB/);
  // 100 MB is over the server's whole-body limit: it says so before the
  // body comes (Expect: 100-continue, as curl asks), so the test does not
  // depend on pushing 100 MB through a busy machine before a deadline
  const host = new URL(server.base).host;
  const r100 = await rawHttp(server.base, `POST /dmc/schools/${s1}/body-upload HTTP/1.1\r\nHost: ${host}\r\n` +
    `Cookie: ${admin1.cookieHeader()}\r\nX-Forwarded-For: ${admin1.ip}\r\nAccept: application/json\r\nExpect: 100-continue\r\n` +
    `Content-Type: multipart/form-data; boundary=xyz\r\nContent-Length: ${100 * 1024 * 1024}\r\n\r\n`, { timeout: 5000 });
  assert.ok(!r100.timedOut, 'answered without waiting for the body');
  assert.equal(r100.status, 413);
  assert.equal(JSON.parse(r100.text).error.status, 413);
  const { honest, liar } = bombs;
  assert.ok(honest.length < 1024 * 1024);
  const rb = await upload(admin1, s1, xfile(honest));
  assert.equal(rb.status, 422);
  assert.match(rb.json.form.errors.file, /XLSX เมื่อแตกออกมีขนาดเกิน 100 MB/);
  const rl = await upload(admin1, s1, xfile(liar));
  assert.equal(rl.status, 422);
  assert.ok(rl.json.form.errors.file);
  assert.equal(body(a.id), '-1/-1');
});

test('another school\'s admin cannot upload to this school (404: as if it did not exist)', async () => {
  const a = await add(admin1, s1);
  const r = await admin2.postMultipart(`/dmc/schools/${s1}/body-upload`, {}, csv(`เลขประจำตัวประชาชน,น้ำหนัก,ส่วนสูง\n${a.cid},30,130\n`));
  assert.equal(r.status, 404);
  assert.equal(body(a.id), '-1/-1');
});

test('a file with only its header row (or blank rows under it) is refused at the field in Thai, nothing stored', async () => {
  const a = await add(admin1, s1);
  for (const text of ['เลขประจำตัวประชาชน,น้ำหนัก,ส่วนสูง\n', 'เลขประจำตัวประชาชน,น้ำหนัก,ส่วนสูง\r\n,,\r\n\r\n']) {
    const r = await upload(admin1, s1, csv(text));
    assert.equal(r.status, 422, r.text.slice(0, 300));
    assert.match(r.json.form.errors.file, /ไฟล์ไม่มีข้อมูล/);
  }
  assert.equal(body(a.id), '-1/-1');
  assert.equal(events(a.id), 0);
});
