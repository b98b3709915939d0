// dmc_gcode: G-codes (GC-1) through the real binary — a school asks for a
// code with the learner's data and documents (png/jpg/pdf checked by
// content: a program named .pdf is refused, nothing stored), sees the
// status; the area's census officer reads the documents (audited) and
// certifies, which gives G + BE year + province (35 for area 3502) +
// sequence and adds the learner; a refusal needs a reason and the school
// sees it; six certifications at once give six different codes; the code
// then works as a citizen ID does (search, move out and move in at
// another school); another school's admin gets 404, a school role cannot
// certify. Demo sign-ins: schooladmin, schooladmin2, dmcarea.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, AddressClient, ipSequence, files, citizenId } from './lib.mjs';

const PW = 'khet-demo-2567';
let server, s1, s2, area, admin1, admin2, areaOfficer;

const nextIp = ipSequence('10.61');
async function as(login) {
  const c = new AddressClient(server.base, nextIp());
  await c.get('/signin');
  const r = await c.post('/signin', { login, password: PW });
  assert.equal(r.status, 303, `sign in ${login}: ${r.status}`);
  return c;
}
const sql = (q) => server.sql(q);
const count = (q) => Number(sql(q));

const learner = (over = {}) => ({
  title: 'girl', first_name: 'นาหลิ่ง', last_name: 'ไร้สัญชาติ', sex: 'F', birth_date: '2017-05-06',
  nationality: 'XX', grade: 'p3', room: '1', weight: '25', height: '125', disadvantaged: 'minority',
  disability: 'none', guardian_name: 'นางมะเอ ไร้สัญชาติ', guardian_phone: '0812345678',
  address: '5 หมู่ 1 บ้านชายแดน', note: '', ...over,
});
const docs = () => ({
  student_form: { data: files.pdf(), filename: 'แบบบันทึก.pdf', type: 'application/pdf' },
  guardian_doc: { data: files.png(), filename: 'passport.png', type: 'image/png' },
});

async function ask(c, school, over = {}) {
  const r = await c.postMultipart(`/dmc/schools/${school}/gcode/new`, learner(over), docs());
  assert.equal(r.status, 303, `ask: ${r.status} ${r.text.slice(0, 300)}`);
  return Number(r.headers.get('location').split('/').pop());
}

// the BE year's last two digits in Bangkok now
const be2 = () => {
  const d = new Date(Date.now() + 7 * 3600e3);
  return String((d.getUTCFullYear() + 543) % 100).padStart(2, '0');
};

before(async () => {
  server = await startServer({ args: ['--trust-proxy'] });
  area = Number(sql("SELECT id FROM areas WHERE code = '3502'"));
  s1 = Number(sql(`SELECT id FROM schools WHERE area_id = ${area} ORDER BY obec_code LIMIT 1`));
  s2 = Number(sql(`SELECT id FROM schools WHERE area_id = ${area} ORDER BY obec_code LIMIT 1 OFFSET 1`));
  admin1 = await as('schooladmin');
  admin2 = await as('schooladmin2');
  areaOfficer = await as('dmcarea');
});
after(async () => { await server?.stop(); });

test('the request form is multipart; missing or disguised documents and bad fields refused, nothing stored', async () => {
  const page = await admin1.get(`/dmc/schools/${s1}/gcode/new`);
  assert.equal(page.status, 200);
  assert.match(page.text, /enctype="multipart\/form-data"/);
  const n = count('SELECT COUNT(*) FROM dmc_gcode_requests'), nd = count('SELECT COUNT(*) FROM dmc_gcode_docs');
  const none = await admin1.postMultipart(`/dmc/schools/${s1}/gcode/new`, learner(), {}, { json: true });
  assert.equal(none.status, 422);
  assert.match(none.json.form.errors.student_form, /กรุณาแนบไฟล์/);
  assert.match(none.json.form.errors.guardian_doc, /กรุณาแนบไฟล์/);
  const elf = await admin1.postMultipart(`/dmc/schools/${s1}/gcode/new`, learner(), {
    ...docs(), guardian_doc: { data: files.elf(), filename: 'passport.pdf', type: 'application/pdf' },
  }, { json: true });
  assert.equal(elf.status, 422);
  assert.match(elf.json.form.errors.guardian_doc, /PDF, PNG หรือ JPG/);
  assert.equal(elf.json.form.values.first_name, 'นาหลิ่ง', 'what was typed comes back');
  const heavy = await admin1.postMultipart(`/dmc/schools/${s1}/gcode/new`, learner({ weight: '500' }), docs(), { json: true });
  assert.equal(heavy.status, 422);
  assert.match(heavy.json.form.errors.weight, /200/);
  const boy = await admin1.postMultipart(`/dmc/schools/${s1}/gcode/new`, learner({ title: 'boy' }), docs(), { json: true });
  assert.equal(boy.status, 422);
  assert.ok(boy.json.form.errors.title);
  assert.equal(count('SELECT COUNT(*) FROM dmc_gcode_requests'), n, 'nothing stored');
  assert.equal(count('SELECT COUNT(*) FROM dmc_gcode_docs'), nd);
});

test('asked → the school sees it pending → the area reads the documents (audited) and certifies → learner with the code', async () => {
  const id = await ask(admin1, s1, { first_name: 'ใบเตย' });
  assert.equal(count(`SELECT COUNT(*) FROM dmc_gcode_docs WHERE request_id = ${id}`), 2);
  const mine = await admin1.get(`/dmc/schools/${s1}/gcode`, { json: true });
  const row = mine.json.requests.find((x) => x.id === id);
  assert.equal(row.status_label, 'รอเขตพื้นที่รับรอง');
  assert.equal(row.can_withdraw, true);
  // another school's admin: as if it did not exist
  assert.equal((await admin2.get(`/dmc/gcode/${id}`)).status, 404);
  assert.equal((await admin2.get(`/dmc/gcode/${id}/docs/student_form`)).status, 404);
  // a school role cannot certify
  const self = await admin1.post(`/dmc/areas/${area}/gcode/${id}/approve`, {});
  assert.equal(self.status, 403);
  const list = await areaOfficer.get(`/dmc/areas/${area}/gcode`, { json: true });
  assert.ok(list.json.pending.some((x) => x.id === id));
  const reads = count(`SELECT COUNT(*) FROM audit WHERE action = 'personal.read' AND target_type = 'dmc_gcode_doc' AND target_id = ${id}`);
  const doc = await areaOfficer.get(`/dmc/gcode/${id}/docs/guardian_doc`);
  assert.equal(doc.status, 200);
  assert.equal(doc.headers.get('content-type'), 'image/png');
  assert.equal(count(`SELECT COUNT(*) FROM audit WHERE action = 'personal.read' AND target_type = 'dmc_gcode_doc' AND target_id = ${id}`), reads + 1);
  // the pages as a browser sees them
  const schoolHtml = await admin1.get(`/dmc/schools/${s1}/gcode`);
  assert.equal(schoolHtml.status, 200);
  assert.match(schoolHtml.text, /รอเขตพื้นที่รับรอง/);
  const areaHtml = await areaOfficer.get(`/dmc/areas/${area}/gcode`);
  assert.equal(areaHtml.status, 200);
  assert.ok(areaHtml.text.includes('ใบเตย'));
  const reqHtml = await areaOfficer.get(`/dmc/gcode/${id}`);
  assert.equal(reqHtml.status, 200);
  assert.match(reqHtml.text, /รับรองและออกรหัส G/);
  // the birth date in BE as every page shows it, not the stored CE ISO date
  assert.match(reqHtml.text, /6 พ\.ค\. 2560/);
  assert.ok(!reqHtml.text.includes('2017-05-06') && !reqHtml.text.includes('ค.ศ.'), 'no CE date on the page');
  assert.ok(reqHtml.text.includes(`/dmc/gcode/${id}/docs/student_form`));
  const view = await areaOfficer.get(`/dmc/gcode/${id}`, { json: true });
  assert.equal(view.json.can_decide, true);
  assert.equal(view.json.req.data.birth_date_text, '6 พ.ค. 2560');
  const before = Number(sql(`SELECT COALESCE(SUM(n), 0) FROM dmc_counts WHERE school_id = ${s1} AND grade = 'p3' AND sex = 'F'`));
  const ok = await areaOfficer.post(`/dmc/areas/${area}/gcode/${id}/approve`, { decision_note: '' });
  assert.equal(ok.status, 303);
  const code = sql(`SELECT gcode FROM dmc_gcode_requests WHERE id = ${id}`);
  assert.match(code, new RegExp(`^G${be2()}35\\d{8}$`));
  const lid = Number(sql(`SELECT learner_id FROM dmc_gcode_requests WHERE id = ${id}`));
  assert.equal(sql(`SELECT ident FROM dmc_learners WHERE id = ${lid}`), code);
  assert.equal(sql(`SELECT school_id FROM dmc_learners WHERE id = ${lid}`), String(s1));
  assert.equal(Number(sql(`SELECT COALESCE(SUM(n), 0) FROM dmc_counts WHERE school_id = ${s1} AND grade = 'p3' AND sex = 'F'`)), before + 1);
  // decided once only
  const again = await areaOfficer.post(`/dmc/areas/${area}/gcode/${id}/approve`, {});
  assert.equal(again.status, 409);
  const after = await admin1.get(`/dmc/schools/${s1}/gcode`, { json: true });
  const done = after.json.requests.find((x) => x.id === id);
  assert.equal(done.status_label, 'รับรองแล้ว');
  assert.equal(done.gcode, code);
  // the code is a citizen ID's equal: search, move out, move in elsewhere
  const found = await admin1.get(`/dmc/schools/${s1}/learners?q=${code}`, { json: true });
  assert.deepEqual(found.json.rows.map((x) => x.id), [lid]);
  assert.equal((await admin1.post(`/dmc/learners/${lid}/move-out`, { destination: 'โรงเรียนบ้านสอง' })).status, 303);
  const moved = await admin2.post(`/dmc/schools/${s2}/move-in`, { citizen_id: code, grade: '', room: '2' });
  assert.equal(moved.status, 303, moved.text.slice(0, 300));
  assert.equal(sql(`SELECT school_id FROM dmc_learners WHERE id = ${lid}`), String(s2));
});

test('a refusal needs a reason, the school sees it; the school withdraws a pending one', async () => {
  const id = await ask(admin1, s1);
  const bare = await areaOfficer.post(`/dmc/areas/${area}/gcode/${id}/reject`, { decision_note: '' }, { json: true });
  assert.equal(bare.status, 422);
  assert.equal(sql(`SELECT status FROM dmc_gcode_requests WHERE id = ${id}`), 'pending');
  const no = await areaOfficer.post(`/dmc/areas/${area}/gcode/${id}/reject`, { decision_note: 'รูปถ่ายไม่ชัด กรุณาแนบใหม่' });
  assert.equal(no.status, 303);
  const mine = await admin1.get(`/dmc/schools/${s1}/gcode`, { json: true });
  const row = mine.json.requests.find((x) => x.id === id);
  assert.equal(row.status_label, 'ไม่รับรอง');
  assert.equal(row.decision_note, 'รูปถ่ายไม่ชัด กรุณาแนบใหม่');
  assert.equal(row.gcode, null);
  const id2 = await ask(admin1, s1);
  // the same child again while that one is pending: refused, nothing stored
  const n = count('SELECT COUNT(*) FROM dmc_gcode_requests');
  const again = await admin1.postMultipart(`/dmc/schools/${s1}/gcode/new`, learner(), docs(), { json: true });
  assert.equal(again.status, 422);
  assert.match(again.json.form.errors.first_name, /รอเขตพื้นที่รับรองอยู่แล้ว/);
  assert.equal(count('SELECT COUNT(*) FROM dmc_gcode_requests'), n);
  assert.equal((await admin2.post(`/dmc/schools/${s2}/gcode/${id2}/withdraw`, {})).status, 409, 'not its request');
  assert.equal((await admin1.post(`/dmc/schools/${s1}/gcode/${id2}/withdraw`, {})).status, 303);
  assert.equal(sql(`SELECT status FROM dmc_gcode_requests WHERE id = ${id2}`), 'withdrawn');
  const late = await areaOfficer.post(`/dmc/areas/${area}/gcode/${id2}/approve`, {});
  assert.equal(late.status, 409);
});

test('six certifications at once give six different codes, one after another', async () => {
  const ids = [];
  for (let i = 0; i < 6; i++) ids.push(await ask(i % 2 ? admin2 : admin1, i % 2 ? s2 : s1, { first_name: `พร้อม${i}` }));
  const officers = await Promise.all(ids.map(() => as('dmcarea')));
  const res = await Promise.all(ids.map((id, i) => officers[i].post(`/dmc/areas/${area}/gcode/${id}/approve`, {})));
  assert.deepEqual(res.map((r) => r.status), ids.map(() => 303));
  const codes = ids.map((id) => sql(`SELECT gcode FROM dmc_gcode_requests WHERE id = ${id}`));
  assert.equal(new Set(codes).size, 6, codes.join(' '));
  const seqs = codes.map((c) => Number(c.slice(5))).sort((a, b) => a - b);
  for (let i = 1; i < 6; i++) assert.equal(seqs[i], seqs[0] + i, 'consecutive numbers');
  assert.equal(count(`SELECT COUNT(*) FROM dmc_learners WHERE ident IN (${codes.map((c) => `'${c}'`).join(',')})`), 6);
});

test('a G-code learner later gets a citizen ID: it replaces the code, the code stays in the history', async () => {
  const id = await ask(admin1, s1, { first_name: 'ได้บัตร' });
  assert.equal((await areaOfficer.post(`/dmc/areas/${area}/gcode/${id}/approve`, {})).status, 303);
  const code = sql(`SELECT gcode FROM dmc_gcode_requests WHERE id = ${id}`);
  const lid = Number(sql(`SELECT learner_id FROM dmc_gcode_requests WHERE id = ${id}`));
  // inside an entry period, when corrections are open
  const t = Number(sql('SELECT entry_from FROM dmc_rounds ORDER BY close_at DESC LIMIT 1')) + 3600;
  const at = { headers: { 'x-khet-test-now': String(t) } };
  const cid = citizenId('14' + String(Date.now() % 1e10).padStart(10, '0'));
  const asked = await admin1.post(`/dmc/learners/${lid}/citizen-id`, { new_citizen_id: cid, fix_note: 'ได้รับเลขประจำตัวประชาชนแล้ว' }, at);
  assert.equal(asked.status, 303, asked.text.slice(0, 300));
  const rid = Number(sql(`SELECT id FROM dmc_requests WHERE learner_id = ${lid} AND kind = 'id_fix' AND status = 'pending'`));
  assert.equal((await areaOfficer.post(`/dmc/areas/${area}/requests/${rid}/approve`, { decision_note: '' }, at)).status, 303);
  assert.equal(sql(`SELECT ident || '|' || COALESCE(gcode, '-') FROM dmc_learners WHERE id = ${lid}`), `${cid}|-`);
  const ev = JSON.parse(sql(`SELECT detail FROM dmc_learner_events WHERE learner_id = ${lid} AND kind = 'id_fix'`));
  assert.equal(ev.from, code);
  assert.equal(ev.to, cid);
  assert.equal(sql(`SELECT gcode FROM dmc_gcode_requests WHERE id = ${id}`), code, 'the request keeps the code it gave');
  const byCode = await admin1.get(`/dmc/schools/${s1}/learners?q=${code}`, { json: true });
  assert.equal(byCode.json.rows.length, 0);
  const byId = await admin1.get(`/dmc/schools/${s1}/learners?q=${cid}`, { json: true });
  assert.deepEqual(byId.json.rows.map((x) => x.id), [lid]);
});
