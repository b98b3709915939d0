// serve.test.mjs: how `khet serve` starts (issue 11.1): a second server on
// a port that is taken refuses to start, saying so in Thai and English,
// instead of silently taking half the traffic with its own database and
// uploads; --share-port lets several processes share a port on purpose.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, utimesSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from './lib.mjs';

const BIN = process.env.KHET_BIN || 'bin/khet';
let server;
before(async () => { server = await startServer({ demo: false }); });
after(async () => { await server?.stop(); });

test('a second khet serve on a taken port refuses to start', () => {
  const port = new URL(server.base).port;
  const r = spawnSync(BIN, ['serve', '--listen', `127.0.0.1:${port}`], { env: { ...process.env, ...server.env }, encoding: 'utf8', timeout: 10000 });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /port is in use/);
  assert.match(r.stderr, /พอร์ตนี้มีโปรแกรมอื่นใช้อยู่/);
});

// Found by the acceptance check: every failure to listen was reported as
// "the port is in use"; an address that is not the machine's says so.
test('an address that is not one of the machine\'s is named as such, not as a taken port', () => {
  const r = spawnSync(BIN, ['serve', '--listen', '203.0.113.77:18000', '--base-url', 'https://khet.example.go.th'],
    { env: { ...process.env, ...server.env }, encoding: 'utf8', timeout: 10000 });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /the address is not one of this machine's/);
  assert.match(r.stderr, /ที่อยู่ IP นี้ไม่ใช่ของเครื่องนี้/);
  assert.doesNotMatch(r.stderr, /port is in use/);
});

test('--share-port starts a second one on purpose', async () => {
  const port = new URL(server.base).port;
  // the first must have asked too: a shared port needs every listener to agree
  const a = spawn(BIN, ['serve', '--listen', '127.0.0.1:0', '--share-port'], { env: { ...process.env, ...server.env } });
  const aUrl = await new Promise((res, rej) => {
    let out = '';
    a.stdout.on('data', (d) => { out += d; const m = out.match(/ready at (http:\/\/\S+?)\/?\s/); if (m) res(m[1]); });
    a.on('exit', (c) => rej(new Error('exited ' + c)));
  });
  const p2 = new URL(aUrl).port;
  const b = spawnSync(BIN, ['serve', '--listen', `127.0.0.1:${p2}`, '--share-port'], { env: { ...process.env, ...server.env }, encoding: 'utf8', timeout: 3000 });
  // it started (and was killed by the timeout), or stopped for another reason than the port
  assert.doesNotMatch(b.stderr || '', /port is in use/);
  a.kill('SIGTERM');
  assert.ok(port);
});

test('serve clears upload temp files a crash left (older than an hour) and keeps fresh ones', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'khet-sweep-'));
  try {
    mkdirSync(dir + '/tmp');
    writeFileSync(dir + '/tmp/upload-old111', 'x'.repeat(100));
    const old = Date.now() / 1000 - 7200;
    utimesSync(dir + '/tmp/upload-old111', old, old);
    writeFileSync(dir + '/tmp/upload-new222', 'y');
    writeFileSync(dir + '/tmp/other-old', 'z');
    utimesSync(dir + '/tmp/other-old', old, old);
    const env = { ...process.env, KHET_DATA: dir, KHET_DB: `sqlite:${dir}/khet.db` };
    const p = spawn(BIN, ['serve', '--listen', '127.0.0.1:0'], { env });
    let err = '';
    p.stderr.on('data', (d) => { err += d; });
    await new Promise((res, rej) => {
      let out = '';
      p.stdout.on('data', (d) => { out += d; if (/ready at/.test(out)) res(); });
      p.on('exit', (c) => rej(new Error('exited ' + c + ': ' + err)));
    });
    assert.ok(!existsSync(dir + '/tmp/upload-old111'), 'the old upload temp file is removed');
    assert.ok(existsSync(dir + '/tmp/upload-new222'), 'a fresh one may still be in use by another instance');
    assert.ok(existsSync(dir + '/tmp/other-old'), 'only upload temp files are touched');
    assert.match(err, /removed 1 upload temp file/);
    const done = new Promise((res) => p.on('exit', res));
    p.kill('SIGTERM');
    await done;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('/metrics answers loopback clients, and with KHET_METRICS_TOKEN only the bearer of the token', async () => {
  const c = server.client();
  assert.equal((await c.get('/metrics')).status, 200);
  const s = await startServer({ demo: false, env: { KHET_METRICS_TOKEN: 'm3tr1cs-t0ken' }, args: ['--trust-proxy'] });
  try {
    const d = s.client();
    assert.equal((await d.get('/metrics')).status, 403);
    assert.equal((await d.get('/metrics', { headers: { authorization: 'Bearer wrong' } })).status, 403);
    assert.equal((await d.get('/metrics', { headers: { authorization: 'Bearer m3tr1cs-t0ken' } })).status, 200);
  } finally { await s.stop(); }
  // behind a proxy, a client from outside is refused
  const p = await startServer({ demo: false, args: ['--trust-proxy'] });
  try {
    const outside = await p.client().get('/metrics', { headers: { 'x-forwarded-for': '203.0.113.9' } });
    assert.equal(outside.status, 403);
    assert.equal((await p.client().get('/metrics')).status, 200);
  } finally { await p.stop(); }
});
