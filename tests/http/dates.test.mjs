// dates: every date field of Khet is a BE date typed as วว/ดด/ปปปป (issue
// 10.8) — no native CE picker anywhere, the server reads 25/06/2567 (and
// ISO, and a CE year by its size) into the ISO date it stores, the form
// shown again shows what was typed, a stored date is shown in BE, and a year
// far off gets a message naming พ.ศ. and ค.ศ. Covered through an OSS form
// (an ID card's birth date, a room booking) and the audit filter.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, files } from './lib.mjs';

const DEMO_PW = 'khet-demo-2567';
let server, admin, citizen, areaId;

async function signedIn(login) {
  const c = server.client();
  await c.get('/signin');
  const r = await c.post('/signin', { login, password: DEMO_PW });
  assert.equal(r.status, 303, `sign in ${login}: ${r.status}`);
  return c;
}

// A Bangkok date offset days from today: [ISO, the same in BE dd/mm/yyyy].
function day(offset) {
  const iso = new Date(Date.now() + 7 * 3600e3 + offset * 86400e3).toISOString().slice(0, 10);
  const [y, m, d] = iso.split('-');
  return [iso, `${d}/${m}/${Number(y) + 543}`];
}

const person = { title: 'นาย', first_name: 'ผดุงสิทธิ์', last_name: 'ลาวรรณ', phone: '0812345678' };
const pdf = () => ({ data: files.pdf(), filename: 'บัตร.pdf', type: 'application/pdf' });

function idCardFields(over = {}) {
  return {
    area_id: String(areaId), ...person, birth_date: '12/05/2528', nationality: 'ไทย', blood_group: 'O',
    address_registered: '382 หมู่ 8 ตำบลกุดชุม อำเภอกุดชุม จังหวัดยโสธร', address_contact: 'เดียวกับทะเบียนบ้าน',
    work_unit: 'กลุ่มนิเทศ', position: 'ครู', rank: 'ชำนาญการ', official_type: 'teacher', ...over,
  };
}

before(async () => {
  server = await startServer();
  [admin, citizen] = await Promise.all(['areaadmin1', 'citizen'].map(signedIn));
  areaId = (await admin.get('/oss/admin', { json: true })).json.area.id;
});
after(async () => { await server?.stop(); });

test('an OSS form renders its date as a BE text field, never the native CE picker', async () => {
  const html = (await citizen.get('/oss/new/11')).text;
  assert.doesNotMatch(html, /type="date"/);
  const input = html.match(/<input[^>]*name="birth_date"[^>]*>/)[0];
  assert.match(input, /type="text"/);
  assert.match(input, /inputmode="decimal"/);
  assert.match(input, /data-date-be/);
  assert.match(html, /วว\/ดด\/ปปปป \(พ\.ศ\.\)/);
});

test('a BE date typed in an OSS form is stored as ISO; CE by size and ISO also accepted', async () => {
  for (const [typed, label] of [['12/05/2528', 'BE'], ['12 พฤษภาคม 2528', 'Thai month'], ['12/05/1985', 'CE'], ['1985-05-12', 'ISO']]) {
    const r = await citizen.postMultipart('/oss/new/11', idCardFields({ birth_date: typed }), { id_card: pdf() }, { json: true });
    assert.equal(r.status, 200, `${label}: ${r.status} ${r.text.slice(0, 300)}`);
    const id = Number(r.json.location.match(/(\d+)$/)[1]);
    const stored = server.sql(`SELECT data FROM oss_requests WHERE id = ${id}`);
    assert.match(stored, /"birth_date":\s*"1985-05-12"/, label);
    const page = (await citizen.get(`/oss/requests/${id}`)).text;
    assert.match(page, /12 พฤษภาคม 2528/, label);
  }
  // a room booking with its dates in BE
  assert.equal((await admin.post('/oss/admin/rooms', { name: 'ห้องวันที่ พ.ศ.', capacity: '10', active: '1' })).status, 303);
  const roomId = (await admin.get('/oss/admin/rooms', { json: true })).json.rows.find((x) => x.name === 'ห้องวันที่ พ.ศ.').id;
  const [iso, be] = day(45);
  const b = await citizen.postMultipart('/oss/new/31', {
    area_id: String(areaId), ...person, agency: 'กลุ่มนิเทศ', attendees: '5', room_id: String(roomId), purpose: 'ประชุม',
    start_date: be, end_date: be, start_time: '09:00', end_time: '10:00',
  }, { letter: pdf() }, { json: true });
  assert.equal(b.status, 200, JSON.stringify([b.json?.form?.errors, b.json?.error, b.json?.form?.form_error]));
  const id = Number(b.json.location.match(/(\d+)$/)[1]);
  assert.match(server.sql(`SELECT data FROM oss_requests WHERE id = ${id}`), new RegExp(`"start_date":\\s*"${iso}"`));
});

test('a bad or far-off date: a Thai message naming พ.ศ./ค.ศ., the form shows what was typed, nothing stored', async () => {
  const n = () => Number(server.sql('SELECT COUNT(*) FROM oss_requests'));
  const before = n();
  for (const [typed, msg] of [['12/05/3528', /พ\.ศ\..*ค\.ศ\./], ['31/02/2528', /วว\/ดด\/ปปปป|วัน\/เดือน\/ปี พ\.ศ\./], ['12/05/28', /พ\.ศ\./]]) {
    const r = await citizen.postMultipart('/oss/new/11', idCardFields({ birth_date: typed }), { id_card: pdf() }, { json: true });
    assert.equal(r.status, 422, typed);
    assert.match(r.json.form.errors.birth_date, msg, typed);
    const html = await citizen.postMultipart('/oss/new/11', idCardFields({ birth_date: typed }), { id_card: pdf() });
    assert.equal(html.status, 422);
    assert.match(html.text.match(/<input[^>]*name="birth_date"[^>]*>/)[0], new RegExp(`value="${typed.replaceAll('/', '\\/')}"`));
  }
  assert.equal(n(), before);
});

test('the audit filter takes BE dates (and ISO), and refuses a far-off year naming พ.ศ./ค.ศ.', async () => {
  const [iso, be] = day(0);
  const a = await admin.get(`/areas/${areaId}/audit?from=${iso}&to=${iso}`, { json: true });
  const b = await admin.get(`/areas/${areaId}/audit?from=${encodeURIComponent(be)}&to=${encodeURIComponent(be)}`, { json: true });
  assert.equal(a.status, 200);
  assert.equal(b.status, 200);
  assert.ok(a.json.total > 0);
  assert.equal(b.json.total, a.json.total);
  const html = await admin.get(`/areas/${areaId}/audit?from=${encodeURIComponent(be)}`);
  assert.doesNotMatch(html.text, /type="date"/);
  assert.match(html.text, new RegExp(`name="from" value="${be.replaceAll('/', '\\/')}"`));
  const far = await admin.get(`/areas/${areaId}/audit?from=${encodeURIComponent('25/06/3567')}`, { json: true });
  assert.equal(far.status, 422);
  assert.match(far.json.errors.from, /พ\.ศ\..*ค\.ศ\./);
});
