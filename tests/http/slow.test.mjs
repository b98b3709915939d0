// slow.test.mjs: slow clients do not exhaust the server (issue 11 item 2).
// Many sockets from one address trickle a request's headers a byte at a
// time: the address holds at most --max-conn-per-ip of them (the rest are
// closed at once), the headers of each must arrive whole within
// --header-timeout however the bytes trickle (the deadline does not start
// again with each byte), and all the while a client from another address
// is answered. The slow sockets come from 127.0.0.2 (all of 127/8 is this
// machine), the normal client from 127.0.0.1.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startServer } from './lib.mjs';

const LIMIT = 32, DEADLINE = 3;
let s;
before(async () => {
  s = await startServer({ demo: false, args: ['--max-conn-per-ip', String(LIMIT), '--header-timeout', String(DEADLINE)] });
});
after(async () => { await s?.stop(); });

// A socket from `from` that sends the start of a request and then one more
// header byte every `every` ms, never the blank line. It records when it
// was closed and what the server wrote.
function trickler(from, every = 400) {
  const u = new URL(s.base);
  const st = { closedAt: 0, data: '', opened: false };
  const sock = net.connect({ port: Number(u.port), host: u.hostname, localAddress: from });
  let timer;
  st.done = new Promise((resolve) => {
    const end = () => { if (!st.closedAt) st.closedAt = Date.now(); clearInterval(timer); resolve(); };
    sock.on('close', end);
    sock.on('error', end);
  });
  sock.on('data', (d) => { st.data += d; });
  sock.on('connect', () => {
    st.opened = true;
    sock.write(`GET /healthz HTTP/1.1\r\nHost: ${u.host}\r\nX-Slow: `);
    timer = setInterval(() => { if (!sock.destroyed) sock.write('x'); }, every);
  });
  st.destroy = () => { clearInterval(timer); sock.destroy(); };
  return st;
}

const withTimeout = (p, ms, what) => Promise.race([p, new Promise((_, rej) => setTimeout(() => rej(new Error(`${what}: no answer within ${ms} ms`)), ms))]);

test('300 trickling sockets from one address: at most the per-address limit stay open, the rest are closed at once, and another client is answered meanwhile', async () => {
  const t0 = Date.now();
  const slow = Array.from({ length: 300 }, () => trickler('127.0.0.2'));
  try {
    await new Promise((r) => setTimeout(r, 1000));
    const open = slow.filter((x) => !x.closedAt).length;
    assert.ok(open <= LIMIT, `${open} slow sockets open, limit ${LIMIT}`);
    assert.ok(open >= LIMIT / 2, `the limit still lets one address in (${open} open)`);
    // the server answers others while the slow ones hold their connections
    for (const path of ['/healthz', '/_test/form']) {
      const r = await withTimeout(fetch(s.base + path), 5000, path);
      assert.equal(r.status, 200, path);
      await r.text();
    }
    assert.ok(slow.some((x) => !x.closedAt), 'slow sockets were still open while the others were answered');
    // the header deadline ends the rest, though each keeps sending a byte
    // every 400 ms (an inactivity timeout would never fire)
    await withTimeout(Promise.all(slow.map((x) => x.done)), (DEADLINE + 10) * 1000, 'the slow sockets closing');
    const kept = slow.filter((x) => x.closedAt - t0 > 2000);
    assert.ok(kept.length >= 1, 'some were held until the deadline');
    assert.ok(!slow.some((x) => x.data.length), 'no trickled request was answered');
  } finally {
    for (const x of slow) x.destroy();
  }
  const r = await fetch(s.base + '/healthz');
  assert.equal(r.status, 200);
  // /metrics counts them
  const m = await (await fetch(s.base + '/metrics')).text();
  const closed = Number((m.match(/^khet_header_timeouts_total (\d+)$/m) || [])[1]);
  assert.ok(closed >= 1 && closed <= LIMIT, `khet_header_timeouts_total ${closed}`);
  // once they are gone, that address is served again
  const again = await new Promise((resolve, reject) => {
    const u = new URL(s.base);
    const sock = net.connect({ port: Number(u.port), host: u.hostname, localAddress: '127.0.0.2' });
    let out = '';
    sock.on('data', (d) => { out += d; if (/\r\n\r\n/.test(out)) { sock.destroy(); resolve(out); } });
    sock.on('error', reject);
    sock.write(`GET /healthz HTTP/1.1\r\nHost: ${u.host}\r\n\r\n`);
  });
  assert.match(again, /^HTTP\/1\.1 200 /);
});

test('a kept-alive connection gets a fresh header deadline for each request', async () => {
  const u = new URL(s.base);
  const sock = net.connect(Number(u.port), u.hostname);
  let out = '';
  sock.on('data', (d) => { out += d; });
  const closed = new Promise((r) => sock.on('close', r));
  await new Promise((r) => sock.on('connect', r));
  // one request every second for longer than the deadline: each one's
  // headers come whole at once, so none is refused
  for (let i = 0; i < DEADLINE + 2; i++) {
    sock.write(`GET /healthz HTTP/1.1\r\nHost: ${u.host}\r\n\r\n`);
    await new Promise((r) => setTimeout(r, 1000));
  }
  assert.equal((out.match(/HTTP\/1\.1 200 /g) || []).length, DEADLINE + 2, out.slice(0, 300));
  assert.doesNotMatch(out, /HTTP\/1\.1 408/); // not a request id that holds "408"
  // then idle: closed after the deadline, with nothing more written
  const n = out.length;
  await withTimeout(closed, (DEADLINE + 5) * 1000, 'an idle kept-alive connection closing');
  assert.equal(out.length, n);
});

test('a request whose headers trickle in but arrive whole within the deadline is served', async () => {
  const u = new URL(s.base);
  const sock = net.connect(Number(u.port), u.hostname);
  let out = '';
  sock.on('data', (d) => { out += d; });
  const closed = new Promise((r) => sock.on('close', r));
  await new Promise((r) => sock.on('connect', r));
  const req = `GET /healthz HTTP/1.1\r\nHost: ${u.host}\r\nAccept: application/json\r\nX-Pad: ${'p'.repeat(3000)}\r\nConnection: close\r\n\r\n`;
  // in 20 pieces over about 1 s (well under the 3 s deadline), split inside lines and CRLFs
  const step = Math.ceil(req.length / 20);
  for (let i = 0; i < req.length; i += step) {
    sock.write(req.slice(i, i + step));
    await new Promise((r) => setTimeout(r, 50));
  }
  await withTimeout(closed, 5000, 'the answer');
  assert.match(out, /^HTTP\/1\.1 200 /, out.slice(0, 200));
  assert.match(out, /"status":"ok"/);
});
