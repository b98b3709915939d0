// dmc_oss_gcode: a G-code is usable where a citizen ID is typed (GC-1) —
// on One Stop Service's certificate request, whose child's citizen-ID
// field is declared F_ALT_ID (core/form.h): OSS never names the census;
// the census registers its checker at start. A G-code some learner holds
// is taken and stored as the code; one of the right shape that no record
// holds, or of the wrong shape, is refused at the field with a Thai
// message and nothing stored; a citizen ID still works, and a wrong check
// digit is still refused.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, files, citizenId } from './lib.mjs';

const PW = 'khet-demo-2567';
let server, areaId, s1, school, applicant, gcode;
const sql = (q) => server.sql(q);
const count = (q) => Number(sql(q));

async function signin(login) {
  const c = server.client();
  await c.get('/signin');
  const r = await c.post('/signin', { login, password: PW });
  assert.equal(r.status, 303, `sign in ${login}: ${r.status}`);
  return c;
}

const fields = (child) => ({
  area_id: String(areaId), title: 'นาย', first_name: 'ประชา', last_name: 'ชาวบ้าน', phone: '0812345678',
  official_type: 'teacher', work_unit: 'โรงเรียนบ้านหนองบัว', position: 'ครู', salary: '25000',
  cert_kind: 'รับรองการเป็นผู้ปกครองนักเรียน', purpose: 'เบิกค่าการศึกษาบุตร', child_citizen_id: child,
});
const attach = () => ({
  id_card: { data: files.pdf(), filename: 'id.pdf', type: 'application/pdf' },
  pay_slip: { data: files.png(), filename: 'slip.png', type: 'image/png' },
});
const requests = () => count("SELECT COUNT(*) FROM oss_requests WHERE service = '12'");

before(async () => {
  server = await startServer();
  areaId = Number(sql("SELECT id FROM areas WHERE code = '3502'"));
  s1 = Number(sql(`SELECT id FROM schools WHERE area_id = ${areaId} ORDER BY obec_code LIMIT 1`));
  school = await signin('schooladmin');
  applicant = await signin('citizen');
  // a learner without civil registration, recorded with his G-code
  gcode = 'G69350000' + String(Date.now() % 10000).padStart(4, '0');
  const r = await school.post(`/dmc/schools/${s1}/learners/new`, {
    citizen_id: '', gcode, title: 'boy', first_name: 'ไร้สัญชาติ', last_name: 'มีรหัสจี', sex: 'M', birth_date: '2016-02-03',
    nationality: 'XX', grade: 'p4', room: '1', weight: '', height: '', disadvantaged: 'minority', disability: 'none',
    guardian_name: '', guardian_phone: '', address: '',
  });
  assert.equal(r.status, 303, r.text.slice(0, 300));
});
after(async () => { await server?.stop(); });

test('the certificate request takes a G-code a learner holds, stores it; the field is not numeric-only', async () => {
  const page = await applicant.get('/oss/new/12', { json: true });
  const f = page.json.form.fields.find((x) => x.name === 'child_citizen_id');
  assert.ok(f, 'the field is on the form');
  assert.notEqual(f.inputmode, 'numeric', 'a G is typed on a text keypad');
  const ok = await applicant.postMultipart('/oss/new/12', fields(gcode.toLowerCase()), attach(), { json: true });
  assert.equal(ok.status, 200, ok.text.slice(0, 500));
  const id = Number(ok.json.location.match(/(\d+)$/)[1]);
  const v = await applicant.get(`/oss/requests/${id}`, { json: true });
  assert.equal(v.json.data.child_citizen_id, gcode, 'stored as the code, G upper case');
});

test('a G-code nobody holds, a wrong shape, a wrong check digit: refused at the field, nothing stored', async () => {
  const before = requests();
  for (const [typed, re] of [
    ['G699900000001', /ไม่พบรหัส G/],
    ['G12345', /รหัส G ต้องเป็นตัว G ตามด้วยตัวเลข 12 หลัก/],
    [citizenId('110370001234').slice(0, 12) + String((Number(citizenId('110370001234')[12]) + 1) % 10), /./],
  ]) {
    const bad = await applicant.postMultipart('/oss/new/12', fields(typed), attach(), { json: true });
    assert.equal(bad.status, 422, `${typed}: ${bad.status}`);
    assert.match(bad.json.form.errors.child_citizen_id ?? '', re, typed);
    assert.equal(bad.json.form.fields.find((x) => x.name === 'child_citizen_id').value, typed, 'shown as typed');
  }
  assert.equal(requests(), before);
  // a citizen ID still works
  const cid = citizenId('110370001234');
  const ok = await applicant.postMultipart('/oss/new/12', fields(cid), attach(), { json: true });
  assert.equal(ok.status, 200, ok.text.slice(0, 500));
  assert.equal(requests(), before + 1);
});
