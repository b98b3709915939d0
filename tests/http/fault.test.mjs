// fault: fault injection (core/fault.h), SQLite's way of testing. A server
// with KHET_TEST_ROUTES=1 makes the N-th database call or file write of a
// request fail when the request says X-Khet-Fault: db=N (or write=N). Each
// walk below sends the same write with N = 1, 2, 3 … until it succeeds: every
// earlier failure must be answered with a clear Thai error (not a dropped
// connection, not a crash) and leave what is stored exactly as it was —
// every table's row count and every file in the data folder (/_test/state).
// The writes: an OSS submission with files, a KPI report with a file, the
// roster's yearly submission.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, files, AddressClient, ipSequence, testState, faultWalk } from './lib.mjs';

const PW = 'khet-demo-2567';
const THAI = /[\u0E00-\u0E7F]/;
const FY = 2568;
let server, area;

const nextIp = ipSequence('10.66');
const client = () => new AddressClient(server.base, nextIp());
const num = (q) => Number(server.sql(q));

async function signin(login) {
  const c = client();
  await c.get('/signin');
  const r = await c.post('/signin', { login, password: PW });
  assert.equal(r.status, 303, `${login} signs in: ${r.status}`);
  return c;
}

const state = testState;
const walk = faultWalk;

before(async () => {
  server = await startServer({ args: ['--trust-proxy'], env: { KHET_TEST_ROUTES: '1' } });
  area = num("SELECT id FROM areas WHERE code = '3502'");
});
after(async () => {
  await server?.stop();
  assert.doesNotMatch(server?.log() || '', /Sanitizer|runtime error:/);
});

test('a bad X-Khet-Fault is refused, and a production server ignores the header', async () => {
  const c = client();
  for (const bad of ['db', 'db=0', 'db=x', 'disk=3', 'db=1,,']) {
    const r = await c.get('/', { headers: { 'x-khet-fault': bad } });
    assert.equal(r.status, 400, bad);
    assert.match(r.text, /X-Khet-Fault ไม่ถูกต้อง/);
  }
  // a GET whose first database call fails answers a Thai error page
  const r = await c.get(`/areas/${area}/schools`, { headers: { 'x-khet-fault': 'db=1' } });
  assert.ok(r.status >= 500, `status ${r.status}`);
  assert.match(r.text, THAI);
  const plain = await startServer({ demo: false, env: { KHET_TEST_ROUTES: '0' } });
  try {
    const p = await plain.client().get('/healthz', { headers: { 'x-khet-fault': 'db=1' } });
    assert.equal(p.status, 200);
    assert.equal((await plain.client().get('/_test/state')).status, 404);
  } finally {
    await plain.stop();
  }
});

test('an OSS submission with files: every failed database call or file write stores nothing', async () => {
  const c = await signin('citizen');
  const fields = {
    area_id: String(area), title: 'นาย', first_name: 'ผดุงสิทธิ์', last_name: 'ลาวรรณ', phone: '0812345678',
    birth_date: '1985-05-12', nationality: 'ไทย', blood_group: 'O',
    address_registered: '382 หมู่ 8 ตำบลกุดชุม อำเภอกุดชุม จังหวัดยโสธร', address_contact: 'เดียวกับทะเบียนบ้าน',
    work_unit: 'กลุ่มส่งเสริมการศึกษาทางไกล', position: 'นักวิชาการคอมพิวเตอร์', rank: 'ชำนาญการ', official_type: 'teacher',
  };
  const attach = () => ({
    id_card: { data: files.pdf(), filename: 'บัตร.pdf', type: 'application/pdf' },
    other1: { data: files.png(), filename: 'slip.png', type: 'image/png' },
  });
  // each try a request of its own (the same form sent twice is one request)
  let k = 0;
  const send = (headers) => c.postMultipart('/oss/new/11', { ...fields, phone: `08123456${String(++k % 100).padStart(2, '0')}` },
    attach(), { headers });
  const before = await state(c);
  const dbFaults = await walk(c, 'db', send);
  assert.ok(dbFaults >= 5, `only ${dbFaults} database calls in a submission?`);
  const after1 = await state(c);
  assert.equal(after1.tables.oss_requests, before.tables.oss_requests + 1);
  assert.equal(after1.files.length, before.files.length + 2);
  const writeFaults = await walk(c, 'write', send);
  assert.ok(writeFaults >= 2, `only ${writeFaults} file writes for two files?`);
  const after2 = await state(c);
  assert.equal(after2.tables.oss_requests, before.tables.oss_requests + 2);
  assert.equal(after2.files.length, before.files.length + 4);
});

test('a KPI report with a file: every failed database call or file write stores nothing', async () => {
  const admin = await signin('areaadmin1');
  const school = await signin('schooladmin');
  const wg = num("SELECT MIN(w.id) FROM work_groups w JOIN areas a ON a.id = w.area_id WHERE a.code = '3502'");
  let r = await admin.post(`/kpi/${FY}/new`, {
    number: '61', name: 'ร้อยละของนักเรียนที่อ่านออกเขียนได้', description: 'ทดสอบความล้มเหลว', d1: '1', type: 'level5',
    weight: '1', criteria: '2, 3, 4, 5', period_kind: 'half', status: 'open', work_group_id: String(wg),
  }, { json: true });
  assert.equal(r.status, 200, r.text);
  const id = Number(r.json.location.split('/').pop());
  const p1 = (await admin.get(`/kpi/indicators/${id}`, { json: true })).json.periods[0].id;
  r = await admin.post(`/kpi/periods/${p1}/open`, { due_date: '2025-04-15' }, { json: true });
  assert.equal(r.status, 200, r.text);
  r = await admin.post(`/kpi/periods/${p1}/units`, { all_schools: '1', area_unit: '1' }, { json: true });
  assert.equal(r.status, 200, r.text);
  const ind = (await school.get(`/kpi/${FY}`, { json: true })).json.indicators.find((i) => i.id === id);
  const report = Number(ind.periods[0].report_url.split('/').pop());
  let k = 0;
  const send = (headers) => school.postMultipart(`/kpi/reports/${report}`,
    { self_score: '4', confirm: '0', new_desc_1: `รายงานผลการดำเนินงาน ${++k}` },
    { new_file_1: { data: files.pdf(), filename: 'a.pdf', type: 'application/pdf' } }, { headers });
  const before = await state(school);
  assert.ok(await walk(school, 'db', send) >= 3);
  assert.ok(await walk(school, 'write', send) >= 1);
  const after = await state(school);
  assert.equal(after.files.length, before.files.length + 2);
  const rep = (await school.get(`/kpi/reports/${report}`, { json: true })).json;
  assert.equal(rep.files.length, 2);
});

test('the roster\'s yearly submission: every failed database call stores nothing', async () => {
  const c = await signin('areaadmin1');
  const year = (await c.get(`/areas/${area}/roster`, { json: true })).json.year;
  const grants = server.sql(`SELECT g.id FROM grants g JOIN schools s ON s.id = g.school_id
    WHERE g.role = 'school_admin' AND g.revoked_at IS NULL AND s.area_id = ${area} ORDER BY g.id`)
    .split('\n').filter(Boolean);
  assert.ok(grants.length >= 2);
  let r = await c.post(`/areas/${area}/roster/decisions`, { year, choice: grants.map((g) => `${g}:confirm`) });
  assert.equal(r.status, 303, r.text.slice(0, 500));
  const faults = await walk(c, 'db', (headers) => c.post(`/areas/${area}/roster/submit`, { year, confirm: '1' }, { headers }));
  assert.ok(faults >= 3);
  const j = (await c.get(`/areas/${area}/roster`, { json: true })).json.roster;
  assert.equal(j.status, 'submitted');
});

// alloc=N: the N-th allocation fails, and under the out-of-memory policy
// the process ends right there (abort), like a kill -9 in the middle of
// the request. Restarted on the same data, the server holds exactly what
// it held before: no row and no file of the half-done submission. N runs
// 1 … 12 and then grows by half each time, until a submission goes through
// (a restart per N: every N would take minutes).
test('an allocation that fails ends the process mid-submission; restarted, nothing of it is stored', async () => {
  let s = await startServer({ demo: true, env: { KHET_TEST_ROUTES: '1', KHET_WORKERS: '1' } });
  const { dir, db } = s;
  const drop = () => s.stop();
  try {
    const area1 = Number(s.sql("SELECT id FROM areas WHERE code = '3502'"));
    const signin = async () => {
      const c = s.client();
      await c.get('/signin');
      const r = await c.post('/signin', { login: 'citizen', password: PW });
      assert.equal(r.status, 303);
      return c;
    };
    const fields = { area_id: String(area1), title: 'นาย', first_name: 'ผดุงสิทธิ์', last_name: 'ลาวรรณ', phone: '0812345678',
      school: 'โรงเรียนบ้านหนองบัว', pp1_p: '2', pp3_p: '10', pp1_b: '0', pp2_b: '', pp3_b: '' };
    const letter = { purchase_letter: { data: files.pdf(), filename: 'letter.pdf', type: 'application/pdf' } };
    let c = await signin();
    // One try with alloc=n: 'done' (stored and answered), or 'crash' (the
    // process ended; restarted on the same data, nothing of it is stored),
    // or 'swept' (a crash whose upload was already in place: the restart's
    // sweep of unnamed uploads, core/uploads.h, removed it).
    const attempt = async (n) => {
      const before = await testState(c);
      let r;
      try {
        r = await c.postMultipart('/oss/new/41', { ...fields, phone: `08${String(10000000 + n)}` }, letter,
          { json: true, headers: { 'x-khet-fault': `alloc=${n}` } });
      } catch {
        r = null; // the process ended under the request
      }
      if (r && r.status === 200) {
        // a new process for the next try too: each try starts the same
        // way (a first submission in a fresh process allocates more)
        const exited = new Promise((res) => s.proc.on('exit', res));
        s.proc.kill('SIGTERM');
        await exited;
        s = await startServer({ demo: false, data: dir, db, env: { KHET_TEST_ROUTES: '1', KHET_WORKERS: '1' } });
        c = await signin();
        return 'done';
      }
      assert.equal(r, null, `alloc=${n}: answered ${r?.status} instead of ending`);
      await new Promise((res) => (s.proc.exitCode !== null || s.proc.signalCode ? res() : s.proc.on('exit', res)));
      assert.match(s.log(), /out of memory \(\d+ bytes; injected by X-Khet-Fault\)/);
      // the same data folder and database, a new process
      // (its sweep of unnamed uploads takes files of any age here)
      s = await startServer({ demo: false, data: dir, db, env: { KHET_TEST_ROUTES: '1', KHET_UPLOAD_SWEEP_SECONDS: '0', KHET_WORKERS: '1' } });
      c = await signin();
      const afterState = await testState(c);
      delete before.tables.sessions; delete afterState.tables.sessions; // the new sign-in's
      delete before.tables.audit; delete afterState.tables.audit;
      assert.deepEqual(afterState.tables, before.tables, `alloc=${n}: the half-done submission left a row`);
      // not a file of it either: one put in place before the crash is swept
      assert.deepEqual(afterState.files.filter((x) => !before.files.includes(x)), [],
        `alloc=${n}: a file of the half-done submission is left`);
      return /removed \d+ uploads? no row names/.test(s.log()) ? 'swept' : 'crash';
    };
    let crashes = 0, lastCrash = 0, doneAt = 0, swept = 0;
    for (let n = 1; n < 200000 && !doneAt; n = n < 12 ? n + 1 : Math.ceil(n * 1.5)) {
      const how = await attempt(n);
      if (how === 'done') doneAt = n;
      else { crashes++; lastCrash = n; if (how === 'swept') swept = n; }
    }
    assert.ok(doneAt, 'the walk reached a submission that went through');
    assert.ok(crashes >= 12, `only ${crashes} allocations in a submission?`);
    // The crashes between putting the upload in place and the commit lie
    // between the last crash and the first success: found by bisection
    // (before them a crash leaves no file, after them the request is done).
    for (let lo = lastCrash, hi = doneAt; !swept && hi - lo > 1;) {
      const mid = Math.floor((lo + hi) / 2);
      const how = await attempt(mid);
      if (how === 'done') hi = mid;
      else if (how === 'swept') swept = mid;
      else lo = mid;
    }
    assert.ok(swept, 'a crash fell between putting the upload in place and the commit, and the restart swept its file');
  } finally {
    await drop();
  }
});
