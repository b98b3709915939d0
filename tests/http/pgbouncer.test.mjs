// pgbouncer: Khet behind PgBouncer in transaction mode (issue 16 item 5), so
// many instances share a bounded number of server connections. Debian's
// PgBouncer (1.18) has no protocol-level prepared statements, so Khet runs
// with --db-pooler (KHET_DB_POOLER=1): every statement is sent as it is. A
// throw-away PostgreSQL (scripts/pg-test.sh) and a PgBouncer with a pool of
// 3 server connections in front of it; Khet with 4 workers and its jobs
// signs in, submits, lists and searches through it, and the server never
// sees more than the pool's connections from it. Without --db-pooler the
// second use of a statement fails on another server connection — the
// setting is what makes it work.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, chmodSync, chownSync } from 'node:fs';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { startServer, files } from './lib.mjs';

const PG = join(process.cwd(), 'scripts/pg-test.sh');
let pgDir, bouncerDir, bouncer, pgUrl, url, server, area;
const pg = (...a) => execFileSync(PG, a, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
const psql = (q) => execFileSync('psql', [pgUrl, '-qAtX', '-c', q], { encoding: 'utf8' }).trim();

function freePort() {
  return new Promise((res) => { const s = createServer(); s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => res(p)); }); });
}

before(async () => {
  pgDir = mkdtempSync('/tmp/khet-pgb-pg-');
  rmSync(pgDir, { recursive: true });
  pgUrl = pg('start', pgDir);
  bouncerDir = mkdtempSync('/tmp/khet-pgb-');
  const port = await freePort();
  writeFileSync(join(bouncerDir, 'userlist.txt'), '"postgres" ""\n');
  writeFileSync(join(bouncerDir, 'pgbouncer.ini'), `[databases]
khet = host=127.0.0.1 port=${new URL(pgUrl).port} dbname=khet
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = ${port}
unix_socket_dir =
auth_type = trust
auth_file = ${bouncerDir}/userlist.txt
pool_mode = transaction
default_pool_size = 3
max_client_conn = 200
ignore_startup_parameters = extra_float_digits
logfile = ${bouncerDir}/pgbouncer.log
pidfile = ${bouncerDir}/pgbouncer.pid
`);
  // PgBouncer refuses to run as root: as the postgres user then, like the server
  const asRoot = process.getuid() === 0;
  if (asRoot) {
    chmodSync(bouncerDir, 0o755);
    const [uid, gid] = execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim().split('\n').map(Number)
      .concat(Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim()));
    chownSync(bouncerDir, uid, gid);
  }
  const cmd = asRoot ? ['runuser', ['-u', 'postgres', '--', '/usr/sbin/pgbouncer', join(bouncerDir, 'pgbouncer.ini')]]
    : ['/usr/sbin/pgbouncer', [join(bouncerDir, 'pgbouncer.ini')]];
  bouncer = spawn(cmd[0], cmd[1], { stdio: 'ignore' });
  url = `postgres://postgres@127.0.0.1:${port}/khet`;
  for (let i = 0; i < 50; i++) {
    try { execFileSync('psql', [url, '-qAtX', '-c', 'SELECT 1'], { stdio: 'pipe' }); break; } catch { await new Promise((r) => setTimeout(r, 100)); }
  }
  server = await startServer({ env: { KHET_DB: url, KHET_DB_POOLER: '1', KHET_WORKERS: '4' } });
  area = Number(psql("SELECT id FROM areas WHERE code = '3502'"));
});
after(async () => {
  await server?.stop();
  bouncer?.kill('SIGTERM');
  try { pg('stop', pgDir); } catch {}
  rmSync(bouncerDir, { recursive: true, force: true });
});

test('through PgBouncer in transaction mode: sign-in, submissions, lists and search work on a pool of 3 connections', async () => {
  const c = server.client();
  await c.get('/signin');
  const s = await c.post('/signin', { login: 'citizen', password: 'khet-demo-2567' });
  assert.equal(s.status, 303, s.text.slice(0, 300));
  const fields = (n) => ({ area_id: String(area), title: 'นาย', first_name: 'ผดุงสิทธิ์', last_name: 'ลาวรรณ',
    phone: `08${String(20000000 + n)}`, school: 'โรงเรียนบ้านหนองบัว', pp1_p: '2', pp3_p: '10', pp1_b: '0', pp2_b: '', pp3_b: '' });
  const letter = () => ({ purchase_letter: { data: files.pdf(), filename: 'letter.pdf', type: 'application/pdf' } });
  const before = Number(psql('SELECT COUNT(*) FROM oss_requests'));
  const results = await Promise.all(Array.from({ length: 20 }, (_, i) => c.postMultipart('/oss/new/41', fields(i), letter(), { json: true })));
  assert.deepEqual(results.map((r) => r.status), Array(20).fill(200));
  assert.equal(Number(psql('SELECT COUNT(*) FROM oss_requests')), before + 20);
  const pages = await Promise.all(Array.from({ length: 30 }, (_, i) =>
    c.get(i % 2 ? `/areas/${area}/schools?q=${encodeURIComponent('บ้าน')}` : '/oss/my')));
  assert.deepEqual(pages.map((p) => p.status), Array(30).fill(200));
  // the server saw no more than the pool's connections from PgBouncer
  const conns = Number(psql("SELECT COUNT(*) FROM pg_stat_activity WHERE datname = 'khet' AND application_name <> 'psql' AND pid <> pg_backend_pid()"));
  assert.ok(conns <= 3, `${conns} server connections`);
});

test('without --db-pooler, named statements meet other server connections and fail: the setting is needed', async () => {
  let plain;
  try {
    plain = await startServer({ demo: false, env: { KHET_DB: url, KHET_DB_POOLER: '0', KHET_WORKERS: '4' } });
  } catch (e) {
    // its start (the migrations' check) may already meet the problem
    assert.match(String(e), /prepared statement|does not exist|exited/);
    return;
  }
  try {
    const c = plain.client();
    const rs = await Promise.all(Array.from({ length: 40 }, () => c.get(`/areas/${area}/schools?q=${encodeURIComponent('บ้าน')}`)));
    assert.ok(rs.some((r) => r.status === 500), 'some page met a statement prepared on another connection');
  } finally {
    await plain?.stop();
  }
});
