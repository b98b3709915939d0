// bld: school buildings, B-OBEC (BLD-1, issue 14 items 1–4) through the
// real binary — a school's whole October on the test clock (X-Khet-Test-Now):
// refused before 1 October with when it opens; buildings added (a CE year,
// a future year, floors 0 and 100, a negative area refused at their
// fields with nothing stored), photos checked by content (a PDF and an
// ELF refused; 5 at most), an edit on a stale copy refused (409) and a good
// one kept in the history; submitting with data missing names each item;
// after submission edits are refused until the area reopens (audited);
// after 16:30 on 30 October refused with when the next opens, until the
// area extends the window; another school's building is 404; the area's
// budget request list (only submitted schools, classrooms lacking, old
// ทรุดโทรม buildings to replace, the others apart) and its XLSX and PDF;
// the overview; the census's rooms through the school_rooms hook.
// Demo sign-ins: schooladmin (first school of 3502, census learners),
// schooladmin2 (second school), areaadmin1 (area 3502), teacher (granted
// bld_officer here for a school without demo buildings or census data).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, AddressClient, ipSequence, files, unzip, khet, faultWalk } from './lib.mjs';

const PW = 'khet-demo-2567';
let server, area, s1, s2, sx, admin1, admin2, areaAdmin, officer;

// Bangkok wall time → UTC seconds
const T = (y, mo, d, h = 9, mi = 0) => Date.UTC(y, mo - 1, d, h - 7, mi) / 1000;
let now = T(2027, 10, 2);

class Clocked extends AddressClient {
  request(method, path, opts = {}) {
    return super.request(method, path, { ...opts, headers: { 'x-khet-test-now': String(now), ...(opts.headers || {}) } });
  }
}
const nextIp = ipSequence('10.71');
async function as(login) {
  const c = new Clocked(server.base, nextIp());
  await c.get('/signin');
  const r = await c.post('/signin', { login, password: PW });
  assert.equal(r.status, 303, `sign in ${login}: ${r.status}`);
  return c;
}
const sql = (q) => server.sql(q);
const count = (q) => Number(sql(q));

const building = (over = {}) => ({
  name: 'อาคารเรียน 1', type: 'classroom', plan: 'spc105_29', year_built: '2538', floors: '2', area_m2: '640',
  condition: 'good', budget_source: 'obec', lat: '15.7944', lng: '104.1453',
  room_use_1: 'classroom', room_n_1: '6', room_use_2: 'library', room_n_2: '1', ...over,
});
const png = () => ({ data: files.png(), filename: 'front.png', type: 'image/png' });

async function add(c, school, over = {}) {
  const r = await c.post(`/bld/schools/${school}/new`, building(over));
  assert.equal(r.status, 303, `add: ${r.status} ${r.text.slice(0, 800)}`);
  return Number(r.headers.get('location').split('/').pop());
}

before(async () => {
  server = await startServer({ args: ['--trust-proxy'] });
  area = Number(sql("SELECT id FROM areas WHERE code = '3502'"));
  s1 = Number(sql(`SELECT id FROM schools WHERE area_id = ${area} ORDER BY obec_code LIMIT 1`));
  s2 = Number(sql(`SELECT id FROM schools WHERE area_id = ${area} ORDER BY obec_code LIMIT 1 OFFSET 1`));
  // sx: a school the census knows nothing of (every demo school has its
  // census learners, whose rooms the page would take): one added to the
  // area from the official school list, as a real area adds one
  const list = join(server.dir, 'new-school.csv');
  writeFileSync(list, 'รหัสโรงเรียน,รหัส SMIS,ชื่อโรงเรียน,รหัสเขตพื้นที่,อำเภอ\n1035299015,35299015,โรงเรียนบ้านโนนใหม่,3502,ค้อวัง\n');
  const imp = khet(['import', 'org', list], server.env);
  assert.equal(imp.code, 0, imp.stderr);
  sx = Number(sql(`SELECT id FROM schools WHERE obec_code = '1035299015'`));
  const code = sql(`SELECT obec_code FROM schools WHERE id = ${sx}`);
  const g = khet(['user', 'grant', '--login', 'teacher', '--role', 'bld_officer', '--school-code', code], server.env);
  assert.equal(g.code, 0, g.stderr);
  officer = await as('teacher');
  const gid = Number(sql(`SELECT id FROM grants WHERE role = 'bld_officer' AND school_id = ${sx} AND revoked_at IS NULL`));
  const sw = await officer.post('/session/role', { role: gid, next: '/bld' });
  assert.equal(sw.status, 303, `switch: ${sw.status}`);
  admin1 = await as('schooladmin');
  admin2 = await as('schooladmin2');
  areaAdmin = await as('areaadmin1');
});
after(async () => { await server?.stop(); });

test('the demo: buildings in the first 10 schools of each area, some ทรุดโทรม and old, half of them submitted this year', async () => {
  assert.equal(count(`SELECT COUNT(DISTINCT school_id) FROM bld_buildings WHERE area_id = ${area}`), 10);
  assert.ok(count("SELECT COUNT(*) FROM bld_buildings WHERE condition = 'dilapidated' AND year_built <= 2529") > 0);
  assert.equal(count(`SELECT COUNT(*) FROM bld_school_years WHERE area_id = ${area} AND submitted_at IS NOT NULL`), 5);
  // every demo building has a photo (a drawing made by the demo), so a
  // submitted demo school has all that submitting asks for
  assert.equal(count('SELECT COUNT(*) FROM bld_buildings b WHERE NOT EXISTS (SELECT 1 FROM bld_photos p WHERE p.building_id = b.id)'), 0);
  assert.equal(count(`SELECT COUNT(*) FROM bld_buildings WHERE school_id = ${sx}`), 0);
  const home = await officer.get('/bld');
  assert.equal(home.headers.get('location'), `/bld/schools/${sx}`);
});

test('before 1 October: the page says when it opens; adding and submitting are refused, nothing stored', async () => {
  now = T(2027, 9, 20);
  const page = await officer.get(`/bld/schools/${sx}`, { json: true });
  assert.equal(page.status, 200);
  assert.equal(page.json.window.open, false);
  assert.match(page.json.window.message, /1 ตุลาคม 2570 เวลา 00:00 น\..*30 ตุลาคม 2570 เวลา 16:30 น\./);
  assert.equal(page.json.can_change, false);
  // said once, on the window's line, not a second time below it
  const html = await officer.get(`/bld/schools/${sx}`);
  assert.equal(html.text.match(/ยังไม่เปิดรับข้อมูลอาคารเรียน ปี 2570/g)?.length, 1);
  const r = await officer.post(`/bld/schools/${sx}/new`, building(), { json: true });
  assert.equal(r.status, 409);
  assert.match(r.text, /ยังไม่เปิดรับข้อมูล.*1 ตุลาคม 2570/);
  const s = await officer.post(`/bld/schools/${sx}/submit`, { rooms_taught: '5' }, { json: true });
  assert.equal(s.status, 409);
  assert.equal(count(`SELECT COUNT(*) FROM bld_buildings WHERE school_id = ${sx}`), 0);
  assert.equal(count(`SELECT COUNT(*) FROM bld_school_years WHERE school_id = ${sx}`), 0);
});

test("a school's whole October: add, bad input, photos, stale edit, submit, refused edit, reopen, budget list, exports", async () => {
  now = T(2027, 10, 2);
  const n0 = count('SELECT COUNT(*) FROM bld_buildings');
  // bad input, each at its field, nothing stored, what was typed shown again
  for (const [over, field, re] of [
    [{ year_built: '1995' }, 'year_built', /ค\.ศ\..*พ\.ศ\. 2538/],
    [{ year_built: '2575' }, 'year_built', /อนาคต/],
    [{ floors: '0' }, 'floors', /1 ถึง 20/],
    [{ floors: '100' }, 'floors', /1 ถึง 20/],
    [{ area_m2: '-5' }, 'area_m2', /มากกว่า 0/],
    [{ room_use_2: 'classroom' }, 'room_use_2', /แถวที่ 1/],
    [{ lat: '15.7', lng: '' }, 'lng', /ละติจูดและลองจิจูด/],
  ]) {
    const r = await officer.post(`/bld/schools/${sx}/new`, building(over), { json: true });
    assert.equal(r.status, 422, `${field}: ${r.status}`);
    assert.match(r.json.form.errors[field] ?? '', re, `${field}: ${JSON.stringify(r.json.form.errors)}`);
    const k = Object.keys(over)[0];
    const shown = [...r.json.form.fields, ...r.json.room_rows.flatMap((x) => [x.use, x.n])].find((f) => f.name === k);
    assert.equal(shown.value, over[k], `${k} shown as typed`);
  }
  // several bad fields at once: each named at its field in one answer, not one per try
  const all = await officer.post(`/bld/schools/${sx}/new`, building({ year_built: '1995', floors: '0', area_m2: '-5', room_n_1: '0' }), { json: true });
  assert.equal(all.status, 422);
  assert.deepEqual(Object.keys(all.json.form.errors).sort(), ['area_m2', 'floors', 'room_n_1', 'year_built'], JSON.stringify(all.json.form.errors));
  assert.match(all.json.form.errors.year_built, /ค\.ศ\./);
  const allHtml = await officer.post(`/bld/schools/${sx}/new`, building({ year_built: '1995', floors: '0', area_m2: '-5' }));
  assert.match(allHtml.text, /กรุณาแก้ไขข้อมูล 3 รายการ/);
  const html = await officer.post(`/bld/schools/${sx}/new`, building({ year_built: '1995' }));
  assert.equal(html.status, 422);
  assert.match(html.text, /value="1995"/);
  const rooms = await officer.post(`/bld/schools/${sx}/new`, building({ room_use_2: 'classroom' }));
  assert.match(rooms.text, /<a href="#f-room_use_2">/, 'the error of a room row is in the summary at the top');
  assert.equal(count('SELECT COUNT(*) FROM bld_buildings'), n0);

  const b1 = await add(officer, sx);
  const b2 = await add(officer, sx, { name: 'อาคารไม้เก่า', plan: 'spc102_26', year_built: '2520', floors: '1', area_m2: '200',
    condition: 'dilapidated', room_use_1: 'classroom', room_n_1: '3', room_use_2: '', room_n_2: '', lat: '', lng: '' });
  assert.equal(count(`SELECT COUNT(*) FROM bld_rooms WHERE building_id = ${b1}`), 2);
  assert.equal(count(`SELECT COUNT(*) FROM bld_history WHERE building_id = ${b1} AND kind = 'add'`), 1);

  // submitting with data missing names each item, and stores nothing
  let s = await officer.post(`/bld/schools/${sx}/submit`, {}, { json: true });
  assert.equal(s.status, 422);
  assert.match(s.json.error, /อาคารเรียน 1: ยังไม่มีรูปถ่าย/);
  assert.match(s.json.error, /อาคารไม้เก่า: ยังไม่มีรูปถ่าย/);
  assert.match(s.json.error, /จำนวนห้องเรียนที่โรงเรียนจัดการเรียนการสอน/);
  assert.equal(count(`SELECT COUNT(*) FROM bld_school_years WHERE school_id = ${sx} AND submitted_at IS NOT NULL`), 0);

  // photos: not an image refused at the field, nothing stored
  for (const f of [{ data: files.pdf(), filename: 'a.pdf', type: 'application/pdf' },
    { data: files.elf(), filename: 'x.png', type: 'image/png' }]) {
    const r = await officer.postMultipart(`/bld/buildings/${b1}/photos`, {}, { photo: f }, { json: true });
    assert.equal(r.status, 422, f.filename);
    assert.ok(r.json.photo_form.errors.photo, JSON.stringify(r.json.photo_form.errors));
  }
  assert.equal(count(`SELECT COUNT(*) FROM bld_photos WHERE building_id = ${b1}`), 0);
  // a phone's JPEG: 85 KB of EXIF and XMP segments before its frame header (640 × 480) is a photo like any other
  const seg = (marker, n) => { const b = Buffer.alloc(4 + n); b[0] = 0xff; b[1] = marker; b.writeUInt16BE(n + 2, 2); b.write(marker === 0xe1 ? 'Exif\0\0' : 'ICC', 4); return b; };
  // (a whole JPEG after them: an upload is read whole, core/filecheck)
  const photo = readFileSync(new URL('../fixtures/photo-640x480.jpg', import.meta.url));
  const phone = Buffer.concat([Buffer.from('ffd8', 'hex'), seg(0xe1, 65533), seg(0xe2, 20000), photo.subarray(2)]);
  const big = await officer.postMultipart(`/bld/buildings/${b1}/photos`, {}, { photo: { data: phone, filename: 'IMG_2001.jpg', type: 'image/jpeg' } });
  assert.equal(big.status, 303, `phone JPEG: ${big.status} ${big.text.slice(0, 300)}`);
  assert.equal(sql(`SELECT width || 'x' || height FROM bld_photos WHERE building_id = ${b1} AND filename = 'IMG_2001.jpg'`), '640x480');
  const bigId = sql(`SELECT id FROM bld_photos WHERE building_id = ${b1} AND filename = 'IMG_2001.jpg'`);
  assert.equal((await officer.post(`/bld/photos/${bigId}/delete`, {})).status, 303);
  // the page has two forms: only the photo form says what to fix, the edit form below it no count of nothing
  const pdfPage = await officer.postMultipart(`/bld/buildings/${b1}/photos`, {}, { photo: { data: files.pdf(), filename: 'a.pdf', type: 'application/pdf' } });
  assert.equal(pdfPage.status, 422);
  assert.equal(pdfPage.text.match(/กรุณาแก้ไขข้อมูล \d+ รายการ/g)?.length, 1, 'one error summary, at the photo form');
  assert.match(pdfPage.text, /<a href="#f-photo">/);
  // and a refused edit leaves the photo form without a summary
  const editPage = await officer.post(`/bld/buildings/${b1}/edit`, building({ floors: '0' }));
  assert.equal(editPage.status, 422);
  assert.equal(editPage.text.match(/กรุณาแก้ไขข้อมูล \d+ รายการ/g)?.length, 1, 'one error summary, at the edit form');
  assert.match(editPage.text, /<a href="#f-floors">/);
  for (const b of [b1, b2]) {
    const r = await officer.postMultipart(`/bld/buildings/${b}/photos`, {}, { photo: png() });
    assert.equal(r.status, 303, `photo: ${r.status} ${r.text.slice(0, 400)}`);
  }
  const path = sql(`SELECT path FROM bld_photos WHERE building_id = ${b1}`);
  assert.ok(existsSync(`${server.dir}/${path}`), path);
  const pid = Number(sql(`SELECT id FROM bld_photos WHERE building_id = ${b1}`));
  const img = await officer.get(`/bld/buildings/${b1}/files/${pid}`);
  assert.equal(img.status, 200);
  assert.equal(img.headers.get('content-type'), 'image/png');
  const page = await officer.get(`/bld/buildings/${b1}`);
  assert.match(page.text, new RegExp(`<img src="/bld/buildings/${b1}/files/${pid}" width="1" height="1"`));
  // at most 5 photos
  for (let i = 0; i < 4; i++)
    assert.equal((await officer.postMultipart(`/bld/buildings/${b1}/photos`, {}, { photo: png() })).status, 303);
  const sixth = await officer.postMultipart(`/bld/buildings/${b1}/photos`, {}, { photo: png() }, { json: true });
  assert.equal(sixth.status, 409);
  assert.match(sixth.json.photo_form.errors.photo, /ไม่เกิน 5 รูป/);
  assert.equal(count(`SELECT COUNT(*) FROM bld_photos WHERE building_id = ${b1}`), 5);
  const del = await officer.post(`/bld/photos/${pid}/delete`, {});
  assert.equal(del.status, 303);
  assert.equal(count(`SELECT COUNT(*) FROM bld_photos WHERE id = ${pid}`), 0);
  assert.match(sql(`SELECT changes FROM bld_history WHERE building_id = ${b1} AND kind = 'photo_remove'`), /ลบรูปถ่าย front\.png/);

  // another school's building: 404, nothing changed
  assert.equal((await admin2.get(`/bld/buildings/${b1}`)).status, 404);
  assert.equal((await admin2.post(`/bld/buildings/${b1}/edit`, building({ floors: '4' }))).status, 404);
  assert.equal((await admin2.get(`/bld/buildings/${b1}/files/${pid + 1}`)).status, 404);
  assert.equal((await officer.get(`/bld/buildings/${b1}/files/${pid + 1}`)).status, 404, 'a photo under another building');
  assert.equal((await admin2.get(`/bld/schools/${sx}`)).status, 404);

  // edit: a stale copy 409, a good one kept in the history
  const v = count(`SELECT version FROM bld_buildings WHERE id = ${b1}`);
  const stale = await officer.post(`/bld/buildings/${b1}/edit`, { ...building({ floors: '4' }), _version: String(v + 5) }, { json: true });
  assert.equal(stale.status, 409);
  assert.equal(count(`SELECT floors FROM bld_buildings WHERE id = ${b1}`), 2);
  // an edit without the version it was made from is refused, not saved unchecked (found in review)
  const unversioned = await officer.post(`/bld/buildings/${b1}/edit`, building({ floors: '4' }), { json: true });
  assert.equal(unversioned.status, 422, unversioned.text.slice(0, 300));
  assert.match(unversioned.json.error, /ยังไม่ได้บันทึก/);
  assert.equal(count(`SELECT floors FROM bld_buildings WHERE id = ${b1}`), 2);
  assert.equal(count(`SELECT version FROM bld_buildings WHERE id = ${b1}`), v);
  const unversionedPage = await officer.post(`/bld/buildings/${b1}/edit`, building({ floors: '4' }));
  assert.equal(unversionedPage.status, 422);
  assert.match(unversionedPage.text, /ไม่ได้ส่งเลขรุ่นของข้อมูลอาคาร/);
  const ok = await officer.post(`/bld/buildings/${b1}/edit`, { ...building({ condition: 'fair', floors: '3' }), _version: String(v) });
  assert.equal(ok.status, 303, ok.text.slice(0, 500));
  const hist = sql(`SELECT changes FROM bld_history WHERE building_id = ${b1} AND kind = 'edit'`);
  assert.match(hist, /สภาพอาคาร: ดี → พอใช้/);
  assert.match(hist, /จำนวนชั้น: 2 → 3/);
  const shown = await officer.get(`/bld/buildings/${b1}`);
  assert.match(shown.text, /สภาพอาคาร: ดี → พอใช้/);

  // submit: the number of rooms taught (no census data here)
  s = await officer.post(`/bld/schools/${sx}/submit`, { rooms_taught: '12' });
  assert.equal(s.status, 303, s.text.slice(0, 600));
  assert.equal(sql(`SELECT rooms_taught || ' ' || rooms_source FROM bld_school_years WHERE school_id = ${sx} AND year = 2570`), '12 school');
  // after submission: edits refused, nothing changed
  const v2 = count(`SELECT version FROM bld_buildings WHERE id = ${b1}`);
  let r = await officer.post(`/bld/buildings/${b1}/edit`, { ...building({ floors: '4' }), _version: String(v2) }, { json: true });
  assert.equal(r.status, 409);
  assert.match(r.json.error, /ส่งข้อมูลอาคารเรียนปี 2570 แล้ว/);
  assert.equal((await officer.post(`/bld/schools/${sx}/new`, building())).status, 409);
  assert.equal((await officer.postMultipart(`/bld/buildings/${b2}/photos`, {}, { photo: png() })).status, 409);
  assert.equal(count(`SELECT version FROM bld_buildings WHERE id = ${b1}`), v2);
  // only the area reopens it (audited)
  assert.equal((await officer.post(`/bld/schools/${sx}/reopen`, {})).status, 403);
  r = await areaAdmin.post(`/bld/schools/${sx}/reopen`, {});
  assert.equal(r.status, 303);
  assert.equal(count(`SELECT COUNT(*) FROM audit WHERE action = 'bld.reopen' AND target_id = ${sx}`), 1);
  r = await officer.post(`/bld/buildings/${b1}/edit`, { ...building({ condition: 'fair', floors: '3', area_m2: '700' }), _version: String(v2) });
  assert.equal(r.status, 303);
  assert.equal((await officer.post(`/bld/schools/${sx}/submit`, {})).status, 303, 'the number typed before is kept');

  // the budget request list of the next fiscal year (2572)
  const list = await areaAdmin.get(`/bld/areas/${area}/budget?year=2570`, { json: true });
  assert.equal(list.status, 200);
  assert.equal(list.json.fiscal_year, 2572);
  const mine = list.json.schools.find((x) => x.school_id === sx);
  assert.ok(mine, JSON.stringify(list.json.schools.map((x) => x.school_id)));
  assert.equal(mine.taught, 12);
  assert.equal(mine.usable, 6); // อาคารเรียน 1, พอใช้: 6 classrooms; the ทรุดโทรม one does not count
  assert.equal(mine.lacking, 6);
  assert.deepEqual(mine.replace.map((x) => [x.name, x.age]), [['อาคารไม้เก่า', 50]]);
  assert.equal(list.json.schools.length, 1, 'only the school that submitted in 2570');
  const not = list.json.not_submitted.find((x) => x.school_id === s1);
  // the window is still open: the school has missed nothing yet, it is told until when it can send
  assert.match(not.reason, /ยังไม่ได้ส่งข้อมูลอาคารเรียน \(ยังส่งได้ถึง 30 ต\.ค\. 2570, 16:30 น\.\)/);
  assert.doesNotMatch(not.reason, /ภายในกำหนด/);
  assert.equal(list.json.schools.length + list.json.not_submitted.length,
    count(`SELECT COUNT(*) FROM schools WHERE area_id = ${area}`));
  const x = await areaAdmin.get(`/bld/areas/${area}/budget?year=2570&format=xlsx`);
  assert.equal(x.status, 200);
  assert.match(x.headers.get('content-type'), /spreadsheetml/);
  const resx = await fetch(`${server.base}/bld/areas/${area}/budget?year=2570&format=xlsx`, { headers: { cookie: areaAdmin.cookieHeader(), 'x-forwarded-for': areaAdmin.ip } });
  const sheet = Object.entries(unzip(Buffer.from(await resx.arrayBuffer()))).map(([, t]) => t).join('\n');
  const name = sql(`SELECT name FROM schools WHERE id = ${sx}`);
  assert.ok(sheet.includes(name), 'the school in the workbook');
  assert.ok(sheet.includes('อาคารไม้เก่า'), 'the building to replace in the workbook');
  const pdf = await fetch(`${server.base}/bld/areas/${area}/budget.pdf?year=2570`, { headers: { cookie: areaAdmin.cookieHeader(), 'x-forwarded-for': areaAdmin.ip } });
  assert.equal(pdf.status, 200);
  assert.equal((await pdf.arrayBuffer()).byteLength > 1000, true);
  assert.equal(pdf.headers.get('content-type'), 'application/pdf');
  // named like every export, with a BE date (walk5)
  assert.match(pdf.headers.get('content-disposition'), /filename="bld-budget-\d+-25\d{2}-\d{2}-\d{2}\.pdf"/);
  assert.match(decodeURIComponent(pdf.headers.get('content-disposition')), /คำขอตั้งงบประมาณสิ่งก่อสร้าง .+-25\d{2}-\d{2}-\d{2}\.pdf$/);
  // a school's roles do not read the area's list
  assert.equal((await officer.get(`/bld/areas/${area}/budget?year=2570`)).status, 404);

  // the area's overview: who submitted and when, conditions, ages, photos of ทรุดโทรม buildings
  const ov = await areaAdmin.get(`/bld/areas/${area}?year=2570`, { json: true });
  assert.equal(ov.status, 200);
  assert.equal(ov.json.submitted, 1);
  assert.equal(ov.json.schools.find((y) => y.school_id === sx).submitted, true);
  const dil = ov.json.by_condition.find((y) => y.condition === 'dilapidated').n;
  assert.equal(dil, count(`SELECT COUNT(*) FROM bld_buildings WHERE area_id = ${area} AND condition = 'dilapidated'`));
  assert.equal(ov.json.by_age.reduce((a, y) => a + y.n, 0), count(`SELECT COUNT(*) FROM bld_buildings WHERE area_id = ${area}`));
  assert.ok(ov.json.dilapidated_photos.some((p) => p.building_id === b2));
});

test('after 16:30 on 30 October: refused with when the next opens, until the area extends the window', async () => {
  now = T(2027, 10, 30, 16, 29);
  const b = await add(admin1, s1, { name: 'อาคารทดสอบเวลา' });
  now = T(2027, 10, 30, 16, 30);
  let r = await admin1.post(`/bld/schools/${s1}/new`, building({ name: 'สายไปหนึ่งนาที' }), { json: true });
  assert.equal(r.status, 409);
  assert.match(r.text, /ปิดรับข้อมูลอาคารเรียน ปี 2570 แล้ว.*1 ตุลาคม 2571/);
  now = T(2027, 10, 31, 10, 0);
  r = await admin1.post(`/bld/buildings/${b}/edit`, building({ floors: '3' }), { json: true });
  assert.equal(r.status, 409);
  // closed: a school that did not submit is off the budget list "ภายในกำหนด"; a year not yet open says when it opens
  const closedList = await areaAdmin.get(`/bld/areas/${area}/budget?year=2570`, { json: true });
  assert.ok(closedList.json.not_submitted.length > 0);
  assert.ok(closedList.json.not_submitted.every((x) => /ภายในกำหนด/.test(x.reason)), JSON.stringify(closedList.json.not_submitted[0]));
  const nextList = await areaAdmin.get(`/bld/areas/${area}/budget?year=2571`, { json: true });
  assert.match(nextList.json.not_submitted[0].reason, /ยังไม่ถึงช่วงส่งข้อมูลอาคารเรียน \(เปิดรับ 1 ต\.ค\. 2571/);
  assert.equal(count(`SELECT COUNT(*) FROM bld_buildings WHERE name = 'สายไปหนึ่งนาที'`), 0);
  // an extension earlier than the close is refused; a later one opens it for the area's schools
  r = await areaAdmin.post(`/bld/areas/${area}/extend`, { closes_on: '29/10/2570', closes_time: '16:30' }, { json: true });
  assert.equal(r.status, 422);
  assert.match(r.json.extend_form.errors.closes_on, /หลังกำหนดเดิม/);
  r = await areaAdmin.post(`/bld/areas/${area}/extend`, { closes_on: '06/11/2570', closes_time: '16:30' });
  assert.equal(r.status, 303);
  r = await admin1.post(`/bld/buildings/${b}/edit`, { ...building({ floors: '3' }), _version: sql(`SELECT version FROM bld_buildings WHERE id = ${b}`) });
  assert.equal(r.status, 303);
  // not for another area's schools
  assert.equal(count(`SELECT COUNT(*) FROM bld_area_windows WHERE area_id = ${area} AND year = 2570`), 1);
  now = T(2027, 11, 6, 16, 30);
  assert.equal((await admin1.post(`/bld/buildings/${b}/edit`, building({ floors: '2' }))).status, 409);
});

test("the census's rooms reach the school page through the school_rooms hook", async () => {
  now = T(2027, 10, 2);
  const learners = count(`SELECT COUNT(*) FROM dmc_learners WHERE school_id = ${s1} AND status = 'active'`);
  const p = await admin1.get(`/bld/schools/${s1}`, { json: true });
  assert.equal(p.status, 200);
  assert.ok(learners > 0, 'the census demo has learners at the first school');
  assert.ok(p.json.census_rooms > 0, JSON.stringify(p.json.census_rooms));
  assert.equal(p.json.ask_rooms, false);
  // rooms per grade saved for the year's rounds: the latest round's count
  const r1 = Number(sql('SELECT id FROM dmc_rounds WHERE academic_year = 2570 AND round_no = 1'));
  const r2 = Number(sql('SELECT id FROM dmc_rounds WHERE academic_year = 2570 AND round_no = 2'));
  sql(`INSERT INTO dmc_school_basic (round_id, school_id, updated_at) VALUES (${r1}, ${s1}, 1), (${r2}, ${s1}, 1)`);
  sql(`INSERT INTO dmc_school_grades (round_id, school_id, grade, rooms) VALUES (${r1}, ${s1}, 'p1', 9),
    (${r2}, ${s1}, 'p1', 2), (${r2}, ${s1}, 'p2', 3)`);
  const saved = await admin1.get(`/bld/schools/${s1}`, { json: true });
  assert.equal(saved.json.census_rooms, 5);
  const other = await admin1.get(`/bld/schools/${s1}?year=2569`, { json: true });
  assert.notEqual(other.json.census_rooms, 5, 'another year: not those rounds');
  const q = await officer.get(`/bld/schools/${sx}`, { json: true });
  assert.equal(q.json.census_rooms, null);
  assert.equal(q.json.ask_rooms, true);
});

test('the demo year: its budget list holds the submitted demo schools only', async () => {
  const y = 2569;
  const list = await areaAdmin.get(`/bld/areas/${area}/budget?year=${y}`, { json: true });
  assert.equal(list.status, 200);
  assert.equal(list.json.schools.length, count(`SELECT COUNT(*) FROM bld_school_years WHERE area_id = ${area} AND year = ${y} AND submitted_at IS NOT NULL`));
  assert.ok(list.json.replace_total > 0);
  const html = await areaAdmin.get(`/bld/areas/${area}?year=${y}`);
  assert.equal(html.status, 200);
  assert.match(html.text, /ส่งข้อมูลแล้ว 5 จาก/);
});

test('adding a building, a photo and submitting: every failed database call or file write stores nothing', async () => {
  now = T(2027, 10, 3);
  // the officer's school again, reopened by hand (an earlier test submitted it)
  const c = officer;
  const school = sx;
  sql(`UPDATE bld_school_years SET submitted_at = NULL, submitted_by = NULL WHERE school_id = ${school}`);
  let k = 0;
  const addFaults = await faultWalk(c, 'db', (headers) =>
    c.post(`/bld/schools/${school}/new`, building({ name: `อาคารทดสอบความผิดพลาด ${++k}` }), { headers }));
  assert.ok(addFaults >= 3, `database calls of an add: ${addFaults}`);
  const b = Number(sql(`SELECT MAX(id) FROM bld_buildings WHERE school_id = ${school}`));
  const photoDb = await faultWalk(c, 'db', (headers) => c.postMultipart(`/bld/buildings/${b}/photos`, {}, { photo: png() }, { headers }));
  assert.ok(photoDb >= 3, `database calls of a photo: ${photoDb}`);
  const photoWrite = await faultWalk(c, 'write', (headers) => c.postMultipart(`/bld/buildings/${b}/photos`, {}, { photo: png() }, { headers }));
  assert.ok(photoWrite >= 1, `file writes of a photo: ${photoWrite}`);
  // the rest of the school's buildings get their photo, then the submission is walked
  for (const id of sql(`SELECT b.id FROM bld_buildings b WHERE b.school_id = ${school} AND NOT EXISTS (SELECT 1 FROM bld_photos p WHERE p.building_id = b.id)`).split('\n').filter(Boolean))
    assert.equal((await c.postMultipart(`/bld/buildings/${id}/photos`, {}, { photo: png() })).status, 303);
  const submitFaults = await faultWalk(c, 'db', (headers) => c.post(`/bld/schools/${school}/submit`, { rooms_taught: '9' }, { headers }));
  assert.ok(submitFaults >= 3, `database calls of a submission: ${submitFaults}`);
  assert.equal(count(`SELECT COUNT(*) FROM bld_school_years WHERE school_id = ${school} AND year = 2570 AND submitted_at IS NOT NULL`), 1);
});

test("OBEC's settings of a year's window: a later year opens and closes when set; a close before the opening refused", async () => {
  sql(`INSERT INTO grants (user_id, role, granted_at) SELECT id, 'super_admin', 0 FROM users WHERE username = 'citizen'
    AND NOT EXISTS (SELECT 1 FROM grants g JOIN users u ON u.id = g.user_id WHERE u.username = 'citizen' AND g.role = 'super_admin')`);
  now = T(2028, 9, 1);
  const sa = await as('citizen');
  assert.equal((await sa.get('/bld/windows')).status, 200);
  assert.equal((await areaAdmin.get('/bld/windows')).status, 403);
  let r = await sa.post('/bld/windows', { year: '2571', opens_on: '05/10/2571', closes_on: '04/10/2571', closes_time: '16:30' }, { json: true });
  assert.equal(r.status, 422);
  assert.match(r.json.form.errors.closes_on, /หลังวันเปิดรับข้อมูล/);
  assert.equal(count('SELECT COUNT(*) FROM bld_windows'), 0);
  // dates of another year than the one chosen: refused at the field, no year's window replaced
  r = await sa.post('/bld/windows', { year: '2571', opens_on: '05/10/2572', closes_on: '05/11/2572', closes_time: '16:30' }, { json: true });
  assert.equal(r.status, 422);
  assert.match(r.json.form.errors.opens_on, /ปี พ\.ศ\. 2571 ที่เลือก/);
  assert.equal(r.json.form.values.opens_on, '05/10/2572');
  assert.equal(count('SELECT COUNT(*) FROM bld_windows'), 0);
  r = await sa.post('/bld/windows', { year: '2571', opens_on: '05/10/2571', closes_on: '05/11/2571', closes_time: '12:00' });
  assert.equal(r.status, 303);
  now = T(2028, 10, 2);
  let p = await officer.get(`/bld/schools/${sx}`, { json: true });
  assert.equal(p.json.window.open, false);
  assert.match(p.json.window.message, /5 ตุลาคม 2571 เวลา 00:00 น\..*5 พฤศจิกายน 2571 เวลา 12:00 น\./);
  now = T(2028, 11, 5, 11, 59);
  p = await officer.get(`/bld/schools/${sx}`, { json: true });
  assert.equal(p.json.window.open, true);
  now = T(2028, 11, 5, 12, 0);
  p = await officer.get(`/bld/schools/${sx}`, { json: true });
  assert.equal(p.json.window.open, false);
  const areas = await sa.get('/bld/areas', { json: true });
  assert.ok(areas.json.areas.length >= 2);
});
