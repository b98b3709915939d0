// serve.test.mjs: how `khet serve` starts (issue 11.1): a second server on
// a port that is taken refuses to start, saying so in Thai and English,
// instead of silently taking half the traffic with its own database and
// uploads; --share-port lets several processes share a port on purpose.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
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
