// dbloss: PostgreSQL goes away under a running Khet (issue 16 item 1). The
// test runs a throw-away PostgreSQL of its own (scripts/pg-test.sh), whatever
// engine the other tests use, so it can restart and stop it:
//   - after a restart every worker's dead connection is replaced without an
//     error page: reads and a whole submission go through;
//   - while the server is down, pages answer a Thai 503 with Retry-After
//     (JSON for API clients) and /healthz says "degraded"; within seconds of
//     its return Khet serves again by itself;
//   - a connection cut before each database call of a submission in turn
//     (X-Khet-Fault: dblost=N): the submission is run again when nothing was
//     written yet, answered 503 when it had written — and never stored twice.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, files } from './lib.mjs';

const PG = join(process.cwd(), 'scripts/pg-test.sh');
const THAI = /[\u0E00-\u0E7F]/;
let dir, url, server, area;
const pg = (cmd) => execFileSync(PG, [cmd, dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

before(async () => {
  dir = mkdtempSync('/tmp/khet-dbloss-');
  rmSync(dir, { recursive: true });
  url = pg('start');
  server = await startServer({ env: { KHET_DB: url, KHET_WORKERS: '4' } });
  area = Number(server.sql("SELECT id FROM areas WHERE code = '3502'"));
});
after(async () => {
  await server?.stop();
  try { pg('stop'); } catch {}
  assert.doesNotMatch(server?.log() || '', /Sanitizer|runtime error:/);
});

async function signin(login) {
  const c = server.client();
  await c.get('/signin');
  const r = await c.post('/signin', { login, password: 'khet-demo-2567' });
  assert.equal(r.status, 303);
  return c;
}

const person = (n) => ({ area_id: String(area), title: 'นาย', first_name: 'ผดุงสิทธิ์', last_name: 'ลาวรรณ',
  phone: `08123456${String(n % 100).padStart(2, '0')}`, school: 'โรงเรียนบ้านหนองบัว', pp1_p: '2', pp3_p: '10',
  pp1_b: '0', pp2_b: '', pp3_b: '' });
const letter = () => ({ purchase_letter: { data: files.pdf(), filename: 'letter.pdf', type: 'application/pdf' } });
const requests = () => Number(server.sql('SELECT COUNT(*) FROM oss_requests'));

test('a restart of PostgreSQL: every worker reconnects, no request sees an error', async () => {
  const citizen = await signin('citizen');
  const anon = server.client();
  for (let i = 0; i < 8; i++) assert.equal((await anon.get(`/areas/${area}/schools`)).status, 200);
  pg('down');
  pg('up');
  // more requests than workers, so every worker meets its dead connection
  const pages = await Promise.all(Array.from({ length: 12 }, () => anon.get(`/areas/${area}/schools`)));
  assert.deepEqual(pages.map((p) => p.status), Array(12).fill(200));
  assert.equal((await anon.get('/healthz')).status, 200);
  pg('down');
  pg('up');
  const before = requests();
  const r = await citizen.postMultipart('/oss/new/41', person(1), letter(), { json: true });
  assert.equal(r.status, 200, r.text.slice(0, 300));
  assert.equal(requests(), before + 1);
});

test('PostgreSQL down: a Thai 503 with Retry-After, /healthz degraded; back by itself when it returns', async () => {
  const c = server.client();
  pg('down');
  try {
    const page = await c.get(`/areas/${area}/schools`);
    assert.equal(page.status, 503);
    assert.equal(page.headers.get('retry-after'), '5');
    assert.match(page.text, /ระบบฐานข้อมูลไม่พร้อมใช้งานชั่วคราว/);
    const json = await c.get(`/areas/${area}/schools`, { json: true });
    assert.equal(json.status, 503);
    assert.equal(json.json.error.status, 503);
    assert.match(json.json.error.message, THAI);
    const h = await c.get('/healthz');
    assert.equal(h.status, 503);
    assert.match(h.text, /"status":"(degraded|error)"/);
  } finally {
    pg('up');
  }
  const t0 = Date.now();
  let status = 0;
  while (Date.now() - t0 < 15000) {
    const rs = await Promise.all(Array.from({ length: 8 }, () => c.get(`/areas/${area}/schools`)));
    if (rs.every((x) => x.status === 200)) { status = 200; break; }
    await sleep(250);
  }
  assert.equal(status, 200, 'serving again within 15 s of the server\'s return');
  assert.ok(Date.now() - t0 < 10000, `took ${Date.now() - t0} ms`);
  assert.match((await c.get('/healthz')).text, /"status":"ok"/);
});

test('a connection cut before each database call of a submission: run again or 503, never stored twice', async () => {
  const citizen = await signin('citizen');
  const send = (n, fault) => citizen.postMultipart('/oss/new/41', person(n), letter(), { json: true, headers: { 'x-khet-fault': fault } });
  // how many database calls a submission makes: the first db=N that succeeds
  let calls = 0;
  for (let n = 1; n <= 300 && !calls; n++) if ((await send(n, `db=${n}`)).status === 200) calls = n - 1;
  assert.ok(calls > 3, `a submission makes ${calls} database calls?`);
  let retried = 0, refused = 0;
  for (let n = 1; n <= calls; n++) {
    const before = requests();
    const r = await send(n + 50, `dblost=${n}`);
    const after = requests();
    if (r.status === 200) {
      assert.equal(r.json?.ok, true, r.text.slice(0, 200));
      assert.equal(after, before + 1, `dblost=${n}: stored once`);
      retried++;
    } else {
      assert.equal(r.status, 503, `dblost=${n}: ${r.status} ${r.text.slice(0, 200)}`);
      assert.equal(r.headers.get('retry-after'), '5');
      assert.match(r.json.error.message, THAI);
      assert.equal(after, before, `dblost=${n}: a refused submission left nothing`);
      refused++;
    }
  }
  assert.ok(refused >= 1, 'a cut after the first write is answered 503');
  assert.ok(retried >= 2, 'a cut before any write is run again');
});
