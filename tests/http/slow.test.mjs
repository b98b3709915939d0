// slow.test.mjs: slow clients do not exhaust the server (issue 11 item 2).
// Many sockets from one address trickle a request's headers a byte at a
// time: the address holds at most --max-conn-per-ip of them (the rest are
// closed at once), the headers of each must arrive whole within
// --header-timeout however the bytes trickle (the deadline does not start
// again with each byte), and all the while a client from another address
// is answered. The slow sockets come from 127.0.0.2 (all of 127/8 is this
// machine), the normal client from 127.0.0.1.
import { test, describe, before, after } from 'node:test';
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

// Slow clients from many addresses, each within its per-address limit,
// fill the connection cap (--max-conns): near it the oldest incomplete
// connections are shed, so a client with a whole request is still served.
// And a request body has a pace of its own (--body-timeout,
// --body-min-rate): a body that trickles, or stops, gets the Thai 408 and
// its connection is closed. Their own server: a small cap, a header
// deadline long enough that it does not end the slow sockets first.
describe('the connection cap and the body pace', () => {
  let t;
  const CAP = 64, PER_IP = 16;
  before(async () => {
    t = await startServer({ demo: false, args: ['--max-conns', String(CAP), '--max-conn-per-ip', String(PER_IP),
      '--header-timeout', '60', '--body-timeout', '2', '--body-min-rate', '1'] });
  });
  after(async () => { await t?.stop(); });

  function slowSocket(from, every = 400) {
    const u = new URL(t.base);
    const st = { closedAt: 0, data: '' };
    const sock = net.connect({ port: Number(u.port), host: u.hostname, localAddress: from });
    let timer;
    st.done = new Promise((resolve) => {
      const end = () => { if (!st.closedAt) st.closedAt = Date.now(); clearInterval(timer); resolve(); };
      sock.on('close', end);
      sock.on('error', end);
    });
    sock.on('data', (d) => { st.data += d; });
    sock.on('connect', () => {
      sock.write(`GET /healthz HTTP/1.1\r\nHost: ${u.host}\r\nX-Slow: `);
      timer = setInterval(() => { if (!sock.destroyed) sock.write('x'); }, every);
    });
    st.destroy = () => { clearInterval(timer); sock.destroy(); };
    return st;
  }

  test(`8 addresses × ${PER_IP} trickling sockets against a cap of ${CAP}: the oldest incomplete ones are shed and whole requests are served`, async () => {
    const slow = [], first = [];
    try {
      // two waves, the first one older by half a second
      for (let a = 2; a <= 5; a++)
        for (let i = 0; i < PER_IP; i++) first.push(slowSocket(`127.0.0.${a}`));
      slow.push(...first);
      await new Promise((r) => setTimeout(r, 500));
      for (let a = 6; a <= 9; a++)
        for (let i = 0; i < PER_IP; i++) slow.push(slowSocket(`127.0.0.${a}`));
      await new Promise((r) => setTimeout(r, 1000));
      // whole requests from another address are answered meanwhile, again and again
      for (let i = 0; i < 5; i++) {
        for (const path of ['/healthz', '/_test/form']) {
          const r = await withTimeout(fetch(t.base + path, { headers: { connection: 'close' } }), 5000, path);
          assert.equal(r.status, 200, path);
          await r.text();
        }
        slow.push(slowSocket(`127.0.0.${2 + i}`)); // and more slow ones keep coming
      }
      const m = await (await fetch(t.base + '/metrics')).text();
      const shed = Number((m.match(/^khet_connections_shed_total (\d+)$/m) || [])[1]);
      const open = Number((m.match(/^khet_connections_open (\d+)$/m) || [])[1]);
      assert.ok(shed >= 128 - CAP, `khet_connections_shed_total ${shed}`);
      assert.ok(open < CAP, `khet_connections_open ${open} under the cap`);
      // the shed ones are the oldest: the last ones opened are still open
      assert.ok(slow.slice(-3).every((x) => !x.closedAt), 'the newest slow sockets are kept');
      assert.ok(first.every((x) => x.closedAt), 'the older wave was shed whole');
      assert.ok(!slow.some((x) => x.data.length), 'nothing is written to a shed socket that had asked nothing');
    } finally {
      for (const x of slow) x.destroy();
    }
  });

  // A POST whose body comes as `send` says; resolves with what the server
  // wrote and how long until it closed.
  function bodyRequest({ length, send, json = false }) {
    const u = new URL(t.base);
    return new Promise((resolve) => {
      const t0 = Date.now();
      const sock = net.connect(Number(u.port), u.hostname);
      let out = '';
      sock.on('data', (d) => { out += d; });
      const timers = [];
      const end = () => { timers.forEach(clearInterval); resolve({ out, ms: Date.now() - t0 }); };
      sock.on('close', end);
      sock.on('error', () => {});
      sock.on('connect', () => {
        sock.write(`POST /_test/form HTTP/1.1\r\nHost: ${u.host}\r\n${json ? 'Accept: application/json\r\n' : ''}` +
          `Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ${length}\r\n\r\n`);
        send(sock, timers);
      });
    });
  }

  test('a body trickling slower than --body-min-rate after --body-timeout → the Thai 408, and the connection closed', async () => {
    // 5 bytes a second of a 100,000-byte body: behind 1 KB/s once 2 s have gone
    const r = await withTimeout(bodyRequest({ length: 100000, send: (sock, timers) => {
      timers.push(setInterval(() => { if (!sock.destroyed) sock.write('a'); }, 200));
    } }), 10000, 'the 408');
    assert.match(r.out, /^HTTP\/1\.1 408 /, r.out.slice(0, 200));
    assert.match(r.out, /<html lang="th">/);
    assert.match(r.out, /ช้าเกินกำหนด/);
    assert.ok(r.ms >= 2000 && r.ms < 6000, `closed after ${r.ms} ms`);
    // JSON clients get the JSON error
    const j = await withTimeout(bodyRequest({ length: 100000, json: true, send: (sock, timers) => {
      timers.push(setInterval(() => { if (!sock.destroyed) sock.write('a'); }, 200));
    } }), 10000, 'the JSON 408');
    assert.match(j.out, /^HTTP\/1\.1 408 /);
    assert.match(j.out, /"status":408/);
  });

  test('a body that stops coming → the Thai 408 all the same, and the connection closed', async () => {
    const r = await withTimeout(bodyRequest({ length: 100000, send: (sock) => sock.write('name=a&') }), 10000, 'the 408');
    assert.match(r.out, /^HTTP\/1\.1 408 /, r.out.slice(0, 200));
    assert.match(r.out, /หมดเวลารอข้อมูล/);
    assert.ok(r.ms >= 2000 && r.ms < 7000, `closed after ${r.ms} ms`);
    const m = await (await fetch(t.base + '/metrics')).text();
    assert.ok(Number((m.match(/^khet_body_timeouts_total (\d+)$/m) || [])[1]) >= 3);
  });

  test('a slow body that keeps the pace is served', async () => {
    // 24 KB over about 3 s (8 KB/s, above 1 KB/s): past the 2 s grace, never behind
    const body = 'name=' + 'a'.repeat(24 * 1024 - 5);
    const r = await withTimeout(bodyRequest({ length: body.length, send: (sock, timers) => {
      let i = 0;
      timers.push(setInterval(() => {
        if (sock.destroyed) return;
        sock.write(body.slice(i, i + 2048));
        i += 2048;
        if (i >= body.length) clearInterval(timers[0]);
      }, 250));
      setTimeout(() => sock.end(), 8000);
    } }), 12000, 'the answer');
    assert.match(r.out, /^HTTP\/1\.1 (\d+) /);
    assert.doesNotMatch(r.out, /^HTTP\/1\.1 408/, r.out.slice(0, 200));
  });
});
