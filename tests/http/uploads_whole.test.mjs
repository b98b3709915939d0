// uploads_whole: an upload is read whole, not judged by its first bytes
// (core/filecheck, through form.c's one check of every FT_FILE field): a PNG
// cut off in transfer, a PNG with a damaged chunk, a text that starts
// "%PDF-1.4", a PDF cut before its end are refused at their field with the
// Thai "ไฟล์ … ไม่สมบูรณ์" and what to do, the rest of the form kept, and
// nothing stored — on the test form, a One Stop Service request's page, the
// API's upload and a building's photo.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, files, testState } from './lib.mjs';

const DEMO_PW = 'khet-demo-2567';
let server, areaId;

async function signedIn(login) {
  const c = server.client();
  await c.get('/signin');
  const r = await c.post('/signin', { login, password: DEMO_PW });
  assert.equal(r.status, 303, `sign in ${login}: ${r.status}`);
  return c;
}

// a PNG's IDAT byte changed: its CRC no longer matches
function damagedPng() {
  const b = Buffer.from(files.png());
  const at = b.indexOf('IDAT') + 6;
  b[at] ^= 0xff;
  return b;
}

const broken = {
  'a PNG cut off': () => ({ data: files.png().subarray(0, 45), filename: 'slip.png', type: 'image/png' }),
  'a PNG with a damaged chunk': () => ({ data: damagedPng(), filename: 'slip.png', type: 'image/png' }),
  'a text that starts %PDF-1.4': () => ({ data: Buffer.from('%PDF-1.4 junk\n' + 'x'.repeat(300)), filename: 'a.pdf', type: 'application/pdf' }),
  'a PDF cut before its end': () => ({ data: files.pdf(200).subarray(0, 260), filename: 'a.pdf', type: 'application/pdf' }),
};

before(async () => {
  server = await startServer();
  areaId = Number(server.sql("SELECT a.id FROM areas a JOIN grants g ON g.area_id = a.id JOIN users u ON u.id = g.user_id WHERE u.username = 'areaadmin1' AND g.role = 'area_admin'"));
});

after(async () => { await server?.stop(); });

test('the test form: whole files pass; cut-off, damaged or fake ones → 422 "ไม่สมบูรณ์" at the field, the rest kept', async () => {
  const c = server.client();
  for (const ok of [{ data: files.png(), filename: 'a.png', type: 'image/png' }, { data: files.pdf(), filename: 'a.pdf', type: 'application/pdf' }]) {
    const r = await c.postMultipart('/_test/form', { name: 'x' }, { doc: ok }, { json: true });
    assert.equal(r.status, 200, `${ok.filename}: ${JSON.stringify(r.json?.form?.errors)}`);
  }
  for (const [what, file] of Object.entries(broken)) {
    const j = await c.postMultipart('/_test/form', { name: 'สมชาย', email: 'somchai@example.org', code: '1234' }, { doc: file() }, { json: true });
    assert.equal(j.status, 422, what);
    assert.deepEqual(Object.keys(j.json.form.errors), ['doc'], what);
    assert.match(j.json.form.errors.doc, /^ไฟล์ เอกสารแนบ ไม่สมบูรณ์ .*แนบใหม่อีกครั้ง$/, what);
    const html = await c.postMultipart('/_test/form', { name: 'สมชาย', email: 'somchai@example.org', code: '1234' }, { doc: file() });
    assert.equal(html.status, 422, what);
    assert.match(html.text, /id="f-doc-error">[\s\S]*?ไม่สมบูรณ์/, what);
    assert.ok(html.text.includes('value="สมชาย"'), `${what}: the name typed is kept`);
    assert.ok(html.text.includes('value="somchai@example.org"'), `${what}: the e-mail typed is kept`);
    assert.ok(html.text.includes('value="1234"'), `${what}: the code typed is kept`);
  }
});

test('a One Stop Service request (page and API) with a broken file: 422 at the file\'s field, typed fields kept, nothing stored', async () => {
  const citizen = await signedIn('teacher');
  const fields = {
    area_id: String(areaId), title: 'นาย', first_name: 'ผดุงสิทธิ์', last_name: 'ลาวรรณ', phone: '0812345678', birth_date: '1985-05-12',
    nationality: 'ไทย', blood_group: 'O', address_registered: '382 หมู่ 8 ตำบลกุดชุม อำเภอกุดชุม จังหวัดยโสธร',
    address_contact: 'เดียวกับทะเบียนบ้าน', work_unit: 'กลุ่มส่งเสริมการศึกษาทางไกล', position: 'นักวิชาการคอมพิวเตอร์',
    rank: 'ชำนาญการ', official_type: 'teacher',
  };
  const before = await testState(citizen);
  for (const [what, file] of Object.entries(broken)) {
    const r = await citizen.postMultipart('/oss/new/11', fields, { id_card: file() });
    assert.equal(r.status, 422, `${what}: ${r.status}`);
    assert.match(r.text, /id="f-id_card-error">[\s\S]*?ไม่สมบูรณ์/, what);
    assert.ok(r.text.includes('value="ผดุงสิทธิ์"'), `${what}: the first name typed is kept`);
    assert.ok(r.text.includes('ตำบลกุดชุม'), `${what}: the address typed is kept`);
    const j = await citizen.postMultipart('/oss/new/11', fields, { id_card: file() }, { json: true });
    assert.equal(j.status, 422, what);
    assert.match(j.json.form.errors.id_card, /ไม่สมบูรณ์/, what);
    // the API's upload goes through the same check
    const api = await citizen.postMultipart('/api/v1/oss/services/11/requests', fields, { id_card: file() }, { json: true });
    assert.equal(api.status, 422, `${what}: ${api.text.slice(0, 300)}`);
    assert.match(api.json.error.fields.id_card, /ไม่สมบูรณ์/, what);
  }
  assert.deepEqual(await testState(citizen), before, 'nothing stored: no row, no file');
  // the same form with a whole file is taken
  const ok = await citizen.postMultipart('/oss/new/11', fields, { id_card: { data: files.pdf(), filename: 'บัตร.pdf', type: 'application/pdf' } }, { json: true });
  assert.ok(ok.status === 201 || ok.status === 200 || ok.status === 303, `${ok.status}: ${ok.text.slice(0, 300)}`);
});

test('a building\'s photo cut off in transfer → 422 "ไม่สมบูรณ์" at photo, no photo stored', async () => {
  const admin = await signedIn('schooladmin');
  const bid = Number(server.sql("SELECT b.id FROM bld_buildings b JOIN grants g ON g.school_id = b.school_id JOIN users u ON u.id = g.user_id WHERE u.username = 'schooladmin' AND g.role = 'school_admin' ORDER BY b.id LIMIT 1"));
  assert.ok(bid > 0, 'a demo building of the school');
  const photos = () => Number(server.sql(`SELECT COUNT(*) FROM bld_photos WHERE building_id = ${bid}`));
  const n = photos();
  // inside the collection window of 2570 (the test clock, as api_openapi's photo)
  const clock = { 'x-khet-test-now': String(Date.UTC(2027, 9, 2, 2) / 1000) };
  const r = await admin.postMultipart(`/bld/buildings/${bid}/photos`, {}, { photo: broken['a PNG cut off']() }, { json: true, headers: clock });
  assert.equal(r.status, 422, r.text.slice(0, 300));
  assert.match(JSON.stringify(r.json), /ไม่สมบูรณ์/);
  assert.equal(photos(), n);
});

test('a building\'s photo that is a PDF, whole or only dressed as one: "ไฟล์ภาพ JPG หรือ PNG" at photo, never "save it as a PDF again"; the picker offers images only', async () => {
  const admin = await signedIn('schooladmin');
  const bid = Number(server.sql("SELECT b.id FROM bld_buildings b JOIN grants g ON g.school_id = b.school_id JOIN users u ON u.id = g.user_id WHERE u.username = 'schooladmin' AND g.role = 'school_admin' ORDER BY b.id LIMIT 1"));
  const photos = () => Number(server.sql(`SELECT COUNT(*) FROM bld_photos WHERE building_id = ${bid}`));
  const n = photos();
  const clock = { 'x-khet-test-now': String(Date.UTC(2027, 9, 2, 2) / 1000) };
  const pdfs = {
    'a text that starts %PDF-1.4': broken['a text that starts %PDF-1.4'](),
    'a PDF cut before its end': broken['a PDF cut before its end'](),
    'a whole PDF': { data: files.pdf(), filename: 'อาคาร.pdf', type: 'application/pdf' },
  };
  for (const [what, file] of Object.entries(pdfs)) {
    const r = await admin.postMultipart(`/bld/buildings/${bid}/photos`, {}, { photo: file }, { headers: clock });
    assert.equal(r.status, 422, `${what}: ${r.status}`);
    assert.match(r.text, /id="f-photo-error">[\s\S]*?ไฟล์ภาพ JPG หรือ PNG/, what);
    assert.doesNotMatch(r.text, /บันทึกเป็น PDF ใหม่|ไม่สมบูรณ์/, `${what}: not told to mend a PDF the field would not take`);
    const j = await admin.postMultipart(`/bld/buildings/${bid}/photos`, {}, { photo: file }, { json: true, headers: clock });
    assert.equal(j.status, 422, what);
    assert.match(JSON.stringify(j.json), /ไฟล์ภาพ JPG หรือ PNG/, what);
  }
  assert.equal(photos(), n, 'nothing stored');
  const page = await admin.get(`/bld/buildings/${bid}`, { headers: clock });
  assert.match(page.text, /<input type="file" id="f-photo" name="photo" accept="image\/png,image\/jpeg,\.png,\.jpg,\.jpeg"/);
  // a whole PNG is still taken
  const ok = await admin.postMultipart(`/bld/buildings/${bid}/photos`, {}, { photo: { data: files.png(), filename: 'ด้านหน้า.png', type: 'image/png' } }, { headers: clock });
  assert.ok(ok.status === 303 || ok.status === 200, `${ok.status}: ${ok.text.slice(0, 300)}`);
  assert.equal(photos(), n + 1);
});
