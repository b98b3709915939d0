// replica: --db-read sends the pages that may lag (public lists,
// statistics, dashboards: ROUTE_MAY_LAG) to a read replica (issue 16 item
// 3). A throw-away primary and a streaming standby (scripts/pg-test.sh);
// the standby's replay is paused, so what the primary gains after that is
// visible only there: an anonymous visitor's school list comes from the
// replica; a browser that has just written (any committed form) reads the
// primary for 30 s and sees its own world; a page that is not marked reads
// the primary; a replica that goes away leaves the primary serving.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer } from './lib.mjs';

const PG = join(process.cwd(), 'scripts/pg-test.sh');
let primary, standby, pUrl, sUrl, server, area;
const pg = (...a) => execFileSync(PG, a, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
const psql = (url, q) => execFileSync('psql', [url, '-qAtX', '-c', q], { encoding: 'utf8' }).trim();

before(async () => {
  const base = mkdtempSync('/tmp/khet-replica-');
  rmSync(base, { recursive: true });
  primary = base + '-p';
  standby = base + '-s';
  pUrl = pg('start', primary);
  sUrl = pg('standby', standby, primary);
  server = await startServer({ env: { KHET_DB: pUrl, KHET_DB_READ: sUrl } });
  area = Number(psql(pUrl, "SELECT id FROM areas WHERE code = '3502'"));
  // the demo is on the standby too; from now on it stays where it is
  for (let i = 0; i < 100 && psql(sUrl, `SELECT COUNT(*) FROM schools`) !== psql(pUrl, `SELECT COUNT(*) FROM schools`); i++)
    await new Promise((r) => setTimeout(r, 100));
  // the primary no longer waits for it: its replay is about to be paused
  psql(pUrl, "ALTER SYSTEM SET synchronous_standby_names = ''");
  psql(pUrl, 'SELECT pg_reload_conf()');
  psql(sUrl, 'SELECT pg_wal_replay_pause()');
});
after(async () => {
  await server?.stop();
  for (const d of [standby, primary]) try { pg('stop', d); } catch {}
});

const total = async (c) => (await c.get(`/areas/${area}/schools`, { json: true })).json;

test('lagging pages read the replica; a browser that just wrote reads the primary; a replica gone, the primary serves', async () => {
  const visitor = server.client();
  const before = await total(visitor);
  assert.ok(before, 'the school list answers');
  const count = (j) => j.total ?? j.schools?.total ?? j.pager?.total;
  const n0 = count(before);
  assert.ok(Number.isInteger(n0), JSON.stringify(before).slice(0, 200));
  // a school the replica has not seen
  psql(pUrl, `INSERT INTO schools (area_id, obec_code, smis_code, name, district, province, search, created_at)
    SELECT area_id, '1099999999', '99999999', 'โรงเรียนใหม่บนต้นฉบับ', district, province, 'ใหม่', 0 FROM schools WHERE area_id = ${area} LIMIT 1`);
  psql(pUrl, `UPDATE areas SET school_count = school_count + 1 WHERE id = ${area}`);
  assert.equal(count(await total(visitor)), n0, 'an anonymous visitor reads the replica');
  // a page not marked as lagging (the admin's school editing) reads the primary
  const writer = server.client();
  await writer.get('/signin');
  const s = await writer.post('/signin', { login: 'citizen', password: 'khet-demo-2567' });
  assert.equal(s.status, 303);
  assert.match(s.headers.get('set-cookie') || '', /khet_wrote=\d+/);
  assert.equal(count(await total(writer)), n0 + 1, 'a browser that just wrote reads the primary');
  assert.equal(count(await total(visitor)), n0, 'the visitor still reads the replica');
  // the replica goes away: the primary serves the visitor
  pg('down', standby);
  const after = await visitor.get(`/areas/${area}/schools`, { json: true });
  assert.equal(after.status, 200);
  assert.equal(count(after.json), n0 + 1);
  assert.match(server.log(), /read replica.*reading the primary/);
});
