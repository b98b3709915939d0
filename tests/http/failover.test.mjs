// failover: a PostgreSQL primary dies and its standby takes over (issue 16
// item 2). A throw-away primary and a streaming standby of it with
// synchronous replication (scripts/pg-test.sh, PG_TEST_SYNC=1 and standby),
// two Khet instances on libpq's multi-host URL with
// target_session_attrs=read-write, 50 OSS submissions at once across both;
// the primary is killed with kill -9 in the middle and the standby promoted.
// Every submission Khet acknowledged is on the new primary, and both
// instances serve again within 10 s, without a restart.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, files } from './lib.mjs';

const PG = join(process.cwd(), 'scripts/pg-test.sh');
let primary, standby, url, a, b, area;
const pg = (...args) => execFileSync(PG, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'],
  env: { ...process.env, PG_TEST_SYNC: '1' } }).trim();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const port = (u) => new URL(u).port;

before(async () => {
  const base = mkdtempSync('/tmp/khet-failover-');
  rmSync(base, { recursive: true });
  primary = base + '-primary';
  standby = base + '-standby';
  const p = pg('start', primary);
  const s = pg('standby', standby, primary);
  url = `postgres://postgres@127.0.0.1:${port(p)},127.0.0.1:${port(s)}/khet?target_session_attrs=read-write`;
  a = await startServer({ env: { KHET_DB: url } });
  b = await startServer({ demo: false, env: { KHET_DB: url } });
  area = Number(a.sql("SELECT id FROM areas WHERE code = '3502'"));
});
after(async () => {
  await a?.stop();
  await b?.stop();
  for (const d of [standby, primary]) try { pg('stop', d); } catch {}
});

async function signin(server) {
  const c = server.client();
  await c.get('/signin');
  const r = await c.post('/signin', { login: 'citizen', password: 'khet-demo-2567' });
  assert.equal(r.status, 303);
  return c;
}

const fields = (n) => ({ area_id: String(area), title: 'นาย', first_name: 'ผดุงสิทธิ์', last_name: 'ลาวรรณ',
  phone: `08${String(10000000 + n)}`, school: 'โรงเรียนบ้านหนองบัว', pp1_p: '2', pp3_p: '10', pp1_b: '0', pp2_b: '', pp3_b: '' });
const letter = () => ({ purchase_letter: { data: files.pdf(), filename: 'letter.pdf', type: 'application/pdf' } });

async function submit(c, n) {
  try {
    const r = await c.postMultipart('/oss/new/41', fields(n), letter(), { json: true });
    return r.status === 200 && r.json?.ok ? Number(r.json.location.split('/').pop()) : -r.status;
  } catch {
    return 0; // the connection itself failed: not acknowledged
  }
}

test('kill -9 of the primary under 50 submissions: every acknowledged one is on the promoted standby, both instances serve again', async () => {
  const ca = await signin(a), cb = await signin(b);
  const acked = [];
  let crashedAt = 0;
  const work = Array.from({ length: 50 }, async (_, i) => {
    await sleep(i * 40);
    const id = await submit(i % 2 ? cb : ca, i);
    if (id > 0) acked.push(id);
    return id;
  });
  // in the middle of them: the primary dies, the standby is promoted
  await sleep(900);
  pg('crash', primary);
  crashedAt = Date.now();
  await sleep(300);
  pg('promote', standby);
  const promotedAt = Date.now();
  const results = await Promise.all(work);
  assert.ok(acked.length >= 5, `acknowledged before the crash: ${acked.length}`);
  assert.ok(results.some((x) => x <= 0), 'some submissions met the dead primary');
  for (const x of results) if (x < 0) assert.ok(x === -503 || x === -507 || x === -500, `answered ${-x}`);

  // both instances serve again, on the new primary, within 10 s
  for (const [server, c] of [[a, ca], [b, cb]]) {
    let ok = false;
    while (!ok && Date.now() - promotedAt < 15000) {
      ok = (await c.get('/healthz')).status === 200 && (await submit(c, 1000 + acked.length)) > 0;
      if (!ok) await sleep(200);
    }
    assert.ok(ok, `${server.base} serves again`);
    assert.ok(Date.now() - promotedAt < 10000, `took ${Date.now() - promotedAt} ms after the promotion`);
  }
  // every acknowledged submission is on the new primary (the standby, promoted)
  const surl = `postgres://postgres@127.0.0.1:${execFileSync('cat', [join(standby, 'port')], { encoding: 'utf8' }).trim()}/khet`;
  const found = execFileSync('psql', [surl, '-qAtX', '-c', `SELECT COUNT(*) FROM oss_requests WHERE id IN (${acked.join(',')})`],
    { encoding: 'utf8' }).trim();
  assert.equal(Number(found), acked.length, `acknowledged ${acked.length}, on the new primary ${found}`);
  assert.equal(execFileSync('psql', [surl, '-qAtX', '-c', 'SELECT pg_is_in_recovery()'], { encoding: 'utf8' }).trim(), 'f');
  assert.ok(crashedAt > 0);
});
