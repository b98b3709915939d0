// framing.test.mjs: strict HTTP/1.1 framing (RFC 9112, issue 11 item 5).
// A request whose end two parsers could find in different places — two
// Content-Lengths, Content-Length with Transfer-Encoding, an unknown
// transfer coding, folded header lines, bare-LF line ends — or an HTTP/1.1
// request without Host is answered 400 with the Thai page and the
// connection is closed, so nothing the client sent after it is read as a
// second request (request smuggling). Well-formed requests are still
// served, kept alive and pipelined; a 12 KB query string gets the Thai 414
// page on a connection that stays open.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startServer } from './lib.mjs';

const THAI = /[\u0E00-\u0E7F]/;
let s, csrf;

before(async () => {
  s = await startServer({ demo: false });
  const r = await fetch(s.base + '/_test/form', { headers: { accept: 'application/json' } });
  csrf = (r.headers.getSetCookie().join(';').match(/khet_csrf=([^;]+)/) || [])[1];
  assert.ok(csrf, 'a CSRF cookie for the POSTs below');
});
after(async () => { await s?.stop(); });
afterEach(async () => {
  const r = await fetch(s.base + '/healthz');
  assert.equal(r.status, 200, 'the server still serves');
});

// Sends raw bytes and collects everything the server answers until it
// closes the connection (closed: true) or `wait` ms pass with the
// connection still open (closed: false).
function exchange(data, { wait = 1500 } = {}) {
  const u = new URL(s.base);
  return new Promise((resolve) => {
    const sock = net.connect(Number(u.port), u.hostname);
    const chunks = [];
    let done = false;
    const finish = (closed) => {
      if (done) return;
      done = true;
      clearTimeout(t);
      sock.destroy();
      const text = Buffer.concat(chunks).toString('utf8');
      const statuses = [...text.matchAll(/(?:^|\n|>)HTTP\/1\.1 (\d{3}) /g)].map((m) => Number(m[1]));
      resolve({ text, statuses, closed });
    };
    const t = setTimeout(() => finish(false), wait);
    sock.on('data', (d) => chunks.push(d));
    sock.on('end', () => finish(true));
    sock.on('close', () => finish(true));
    sock.on('error', () => finish(true));
    sock.write(data);
  });
}

const host = () => new URL(s.base).host;
const post = (headers, body) => `POST /_test/form HTTP/1.1\r\nHost: ${host()}\r\nCookie: khet_csrf=${csrf}\r\n` +
  `Content-Type: application/x-www-form-urlencoded\r\n${headers}\r\n${body}`;
// what a smuggler hides after the first request's body
const smuggled = () => `GET /healthz HTTP/1.1\r\nHost: ${host()}\r\n\r\n`;

function assertRefused(r, what) {
  assert.deepEqual(r.statuses, [400], `${what}: one answer, 400 — ${r.text.slice(0, 300)}`);
  assert.ok(r.closed, `${what}: the connection is closed after it`);
  assert.match(r.text, /\r\nConnection: close\r\n/i, `${what}: says Connection: close`);
  assert.match(r.text, /<html lang="th">/, `${what}: the Thai page`);
  const body = r.text.slice(r.text.indexOf('\r\n\r\n'));
  assert.match(body, /รูปแบบคำขอไม่ถูกต้อง/, `${what}: says what is wrong`);
}

test('two Content-Length headers (different or equal) → 400 and close; the bytes after are not a second request', async () => {
  const body = `_csrf=${csrf}&name=x`;
  const tail = smuggled();
  const differ = await exchange(post(`Content-Length: ${body.length}\r\nContent-Length: ${body.length + tail.length}\r\n`, body + tail));
  assertRefused(differ, 'different lengths');
  const same = await exchange(post(`Content-Length: ${body.length}\r\nContent-Length: ${body.length}\r\n`, body + tail));
  assertRefused(same, 'equal lengths');
  const notNumber = await exchange(post('Content-Length: +5\r\n', 'a=bcd'));
  assert.equal(notNumber.statuses[0], 400, 'a Content-Length that is not digits');
  assert.ok(notNumber.closed);
});

test('Content-Length with Transfer-Encoding → 400 and close (CL.TE and TE.CL smuggling)', async () => {
  const body = `0\r\n\r\n${smuggled()}`;
  const clte = await exchange(post(`Content-Length: ${body.length}\r\nTransfer-Encoding: chunked\r\n`, body));
  assertRefused(clte, 'CL then TE');
  const tecl = await exchange(post(`Transfer-Encoding: chunked\r\nContent-Length: 4\r\n`, body));
  assertRefused(tecl, 'TE then CL');
});

test('a Transfer-Encoding other than one "chunked", or on HTTP/1.0 → 400 and close', async () => {
  assertRefused(await exchange(post('Transfer-Encoding: gzip, chunked\r\n', '0\r\n\r\n')), 'gzip, chunked');
  assertRefused(await exchange(post('Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n', '0\r\n\r\n')), 'two TE lines');
  assertRefused(await exchange(post('Transfer-Encoding: xchunked\r\n', '0\r\n\r\n')), 'xchunked');
  const v10 = `POST /_test/form HTTP/1.0\r\nHost: ${host()}\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`;
  assertRefused(await exchange(v10), 'chunked on HTTP/1.0');
});

test('HTTP/1.1 without Host, or with two → 400 and close; HTTP/1.0 without Host is served', async () => {
  assertRefused(await exchange('GET /healthz HTTP/1.1\r\nAccept: */*\r\n\r\n'), 'no Host');
  assertRefused(await exchange(`GET /healthz HTTP/1.1\r\nHost: ${host()}\r\nHost: evil.example\r\n\r\n`), 'two Hosts');
  const old = await exchange('GET /healthz HTTP/1.0\r\n\r\n');
  assert.deepEqual(old.statuses, [200], old.text.slice(0, 200));
});

test('folded (obs-fold) header lines → 400 and close', async () => {
  assertRefused(await exchange(`GET /healthz HTTP/1.1\r\nHost: ${host()}\r\nX-A: one\r\n two\r\n\r\n`), 'space fold');
  assertRefused(await exchange(`GET /healthz HTTP/1.1\r\nHost: ${host()}\r\nX-A: one\r\n\ttwo\r\n\r\n`), 'tab fold');
  // a fold that would hide a second Content-Length from one parser
  assertRefused(await exchange(post('X-A: x\r\n Content-Length: 99\r\nContent-Length: 3\r\n', 'a=b')), 'fold before a length');
});

test('bare LF line ends → 400 and close (everywhere: request line, a field, the blank line)', async () => {
  assertRefused(await exchange(`GET /healthz HTTP/1.1\nHost: ${host()}\n\n`), 'all bare LF');
  assertRefused(await exchange(`GET /healthz HTTP/1.1\nHost: ${host()}\r\n\r\n`), 'request line');
  assertRefused(await exchange(`GET /healthz HTTP/1.1\r\nHost: ${host()}\nAccept: */*\r\n\r\n`), 'one field');
  assertRefused(await exchange(`GET /healthz HTTP/1.1\r\nHost: ${host()}\r\n\n`), 'the blank line');
  assertRefused(await exchange(`GET /healthz HTTP/1.1\r\nHost: ${host()}\r\nX-A: a\rb\r\n\r\n`), 'a bare CR in a value');
});

test('a space before the colon, or doubled spaces in the request line → 400 and close', async () => {
  assertRefused(await exchange(`GET /healthz HTTP/1.1\r\nHost : ${host()}\r\n\r\n`), 'space before colon');
  assertRefused(await exchange(`GET  /healthz HTTP/1.1\r\nHost: ${host()}\r\n\r\n`), 'two spaces after the method');
  assertRefused(await exchange(`GET /healthz  HTTP/1.1\r\nHost: ${host()}\r\n\r\n`), 'two spaces before the version');
});

test('the refusal is JSON for an API client', async () => {
  const r = await exchange(`GET /areas HTTP/1.1\r\nHost: ${host()}\r\nAccept: application/json\nX: y\r\n\r\n`);
  assert.deepEqual(r.statuses, [400]);
  assert.ok(r.closed);
  const e = JSON.parse(r.text.slice(r.text.indexOf('\r\n\r\n') + 4));
  assert.equal(e.error.status, 400);
  assert.match(e.error.message, THAI);
});

test('well-formed requests are still served: pipelined on one connection, OWS and empty values, a chunked body', async () => {
  const get = (path, extra = '') => `GET ${path} HTTP/1.1\r\nHost: ${host()}\r\n${extra}\r\n`;
  const two = await exchange(get('/healthz', 'X-Empty:\r\nX-Tabs:\t value with trailing space \t\r\nAccept: */*\r\n') + get('/healthz'));
  assert.deepEqual(two.statuses, [200, 200], two.text.slice(0, 400));
  assert.ok(!two.closed, 'kept alive');
  const body = `_csrf=${csrf}&name=chunked`;
  const chunked = await exchange(post('Accept: application/json\r\nTransfer-Encoding: chunked\r\n',
    `${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`));
  assert.deepEqual(chunked.statuses, [200], chunked.text.slice(0, 400));
  const sized = await exchange(post(`Accept: application/json\r\nContent-Length: ${body.length}\r\n`, body) + get('/healthz'));
  assert.deepEqual(sized.statuses, [200, 200], sized.text.slice(0, 400));
  // what fetch (undici) sends
  const f = await fetch(s.base + '/_test/form', { method: 'POST', headers: { cookie: `khet_csrf=${csrf}`, accept: 'application/json' }, body: new URLSearchParams({ _csrf: csrf, name: 'fetch' }) });
  assert.equal(f.status, 200);
});

test('a 12 KB query string → the Thai 414 page on a connection that stays open', async () => {
  const q = '/areas?q=' + encodeURIComponent('ก').repeat(1366); // a Thai search term, percent-encoded
  assert.ok(q.length > 12 * 1024, `${q.length} bytes`);
  const browser = 'Accept: text/html,application/xhtml+xml\r\nAccept-Language: th,en;q=0.5\r\nUser-Agent: Mozilla/5.0 (X11; Linux x86_64)\r\n' +
    `Cookie: khet_csrf=${csrf}\r\n`;
  const r = await exchange(`GET ${q} HTTP/1.1\r\nHost: ${host()}\r\n${browser}\r\nGET /healthz HTTP/1.1\r\nHost: ${host()}\r\n\r\n`);
  assert.deepEqual(r.statuses, [414, 200], r.text.slice(0, 300));
  assert.ok(!r.closed, 'the connection stays open');
  assert.match(r.text, /<html lang="th">/);
  assert.match(r.text, /ที่อยู่ \(URL\) ยาวเกินกำหนด/);
  const j = await exchange(`GET /areas?x=${'a'.repeat(12 * 1024)} HTTP/1.1\r\nHost: ${host()}\r\nAccept: application/json\r\n\r\n`);
  assert.deepEqual(j.statuses, [414]);
  const e = JSON.parse(j.text.slice(j.text.indexOf('\r\n\r\n') + 4));
  assert.equal(e.error.status, 414);
  assert.match(e.error.message, THAI);
});
