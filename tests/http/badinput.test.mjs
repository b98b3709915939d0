// badinput.test.mjs: every bad input the platform issue names gets a clear
// answer — a Thai page, or a JSON error for API clients — the server keeps
// serving (/healthz after each), and nothing stored changes: malformed HTTP,
// oversized header, URL and body, a cut-off multipart body, a disguised
// executable, a file one byte over its limit (and one exactly at it),
// invalid UTF-8, a missing or wrong CSRF token, an unknown route, and a
// database URL that is unknown or cannot be opened.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, files, rawHttp as rawHttpAt } from './lib.mjs';

const BIN = process.env.KHET_BIN || 'bin/khet';
const THAI = /[\u0E00-\u0E7F]/;
const MiB = 1024 * 1024;

let s, c, snapshot;

// What is stored, as the pages show it.
async function stored() {
  const areas = await c.get('/areas', { json: true });
  const schools = [];
  for (const a of areas.json.areas) schools.push((await c.get(`/areas/${a.id}/schools?per_page=100`, { json: true })).json.rows);
  return { areas: areas.json, schools };
}

before(async () => {
  s = await startServer({ args: ['--max-body-mb', '32'] }); // the limits below are for 32 MB
  c = s.client();
  await c.get('/');
  snapshot = await stored();
});
after(async () => { await s?.stop(); });

// After every bad input the server still answers.
afterEach(async () => {
  const r = await fetch(s.base + '/healthz');
  assert.equal(r.status, 200, 'the server still serves');
  assert.equal((await r.json()).status, 'ok');
});

function h1(html) {
  const m = html.match(/<h1[^>]*>([\s\S]*?)<\/h1>/);
  return m ? m[1].replace(/<[^>]+>/g, '').trim() : '';
}
function errorMessage(html) {
  const m = html.match(/<\/h1>\s*<p>([^<]*)<\/p>/);
  return m ? m[1] : '';
}
function assertThaiError(status, ctype, text, want, msg) {
  assert.equal(status, want, `${msg || ''} ${text.slice(0, 200)}`);
  assert.match(ctype || '', /^text\/html; charset=utf-8/);
  assert.match(text, /<html lang="th">/);
  assert.match(h1(text), THAI);
  assert.match(errorMessage(text), THAI, 'a Thai sentence says what to do');
}

const rawHttp = (data, { base = s.base, ...opts } = {}) => rawHttpAt(base, data, opts);

const host = () => new URL(s.base).host;

/* --- malformed HTTP ---------------------------------------------------------- */

test('malformed HTTP: a garbage request line → 400, and the server keeps serving', async () => {
  for (const line of ['HELLO WORLD FOO\r\n\r\n', 'GET /\r\n\r\n', '\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 x\r\n\r\n',
    `GET / HTTP/1.1\r\nHost: ${host()}\r\nthis is not a header\r\n\r\n`]) {
    const r = await rawHttp(Buffer.from(line, 'latin1'));
    assert.equal(r.status, 400, `${JSON.stringify(line)} → ${JSON.stringify(r)}`);
  }
});

test('malformed HTTP: a one-word request line is not left hanging', async () => {
  // libmicrohttpd closes such a connection without an answer; what matters
  // is that it neither hangs nor stops the server.
  for (const line of ['GARBAGE\r\n\r\n', '\x01\x02\xff\r\n\r\n', '\xff\xfe\r\n\r\n']) {
    const r = await rawHttp(Buffer.from(line, 'latin1'), { timeout: 3000 });
    assert.ok(!r.timedOut, `${JSON.stringify(line)}: closed or answered within 3 s`);
    assert.ok(r.status === 0 || r.status === 400, `${JSON.stringify(line)}: ${r.status}`);
  }
});

/* --- limits -------------------------------------------------------------------- */

test('headers and a URL each just under their limits, together, are served (the connection\'s memory pool holds them)', async () => {
  // 16,384 bytes of headers (name + value + 4 each, as server.c counts
  // them) and a 4,096-byte URL: the pool (MHD_OPTION_CONNECTION_MEMORY_LIMIT)
  // was cut from 68 KB to 28 KB, because MHD zeroes all of it per request
  const path = '/areas?x=' + 'a'.repeat(4096 - '/areas?x='.length);
  const head = `Host: ${host()}\r\nAccept: application/json\r\nConnection: close\r\n`;
  const used = `Host${host()}`.length + 4 + 'Acceptapplication/json'.length + 4 + 'Connectionclose'.length + 4;
  const pad = 'X-Pad: ' + 'p'.repeat(16384 - used - 'X-Pad'.length - 4);
  const r = await rawHttp(`GET ${path} HTTP/1.1\r\n${head}${pad}\r\n\r\n`);
  assert.equal(r.status, 200, r.text.slice(0, 300));
  assert.ok(JSON.parse(r.text), 'the JSON of the areas page');
  // one byte more of either is refused by Khet, in Thai
  const over = await rawHttp(`GET ${path} HTTP/1.1\r\n${head}${pad}p\r\n\r\n`);
  assert.equal(over.status, 431);
  assert.match(JSON.parse(over.text).error.message, THAI);
  const long = await rawHttp(`GET ${path}a HTTP/1.1\r\n${head}${pad}\r\n\r\n`);
  assert.equal(long.status, 414);
  assert.match(JSON.parse(long.text).error.message, THAI);
});

test('a header over the limit (20 KB) → 431 Thai page; JSON for API clients', async () => {
  const big = 'X-Big: ' + 'a'.repeat(20000);
  const r = await rawHttp(`GET / HTTP/1.1\r\nHost: ${host()}\r\n${big}\r\nConnection: close\r\n\r\n`);
  assertThaiError(r.status, r.headers['content-type'], r.text, 431);
  assert.match(errorMessage(r.text), /คุกกี้|header/);
  const j = await rawHttp(`GET /areas HTTP/1.1\r\nHost: ${host()}\r\nAccept: application/json\r\n${big}\r\nConnection: close\r\n\r\n`);
  assert.equal(j.status, 431);
  const e = JSON.parse(j.text);
  assert.equal(e.error.status, 431);
  assert.match(e.error.message, THAI);
  // a big cookie, the usual way this happens
  const cookie = await rawHttp(`GET /areas HTTP/1.1\r\nHost: ${host()}\r\nCookie: junk=${'c'.repeat(20000)}\r\nConnection: close\r\n\r\n`);
  assert.equal(cookie.status, 431);
});

test('a URL over the limit (5000 characters) → 414 Thai page', async () => {
  const r = await c.get('/' + 'a'.repeat(5000));
  assertThaiError(r.status, r.headers.get('content-type'), r.text, 414);
  assert.match(errorMessage(r.text), /URL|ที่อยู่/);
  const j = await c.get('/areas/' + '1'.repeat(5000), { json: true });
  assert.equal(j.status, 414);
  assert.equal(j.json.error.status, 414);
});

test('a URL over the limit in its query string (5000 characters) → 414 Thai page', async () => {
  const r = await c.get('/areas?x=' + 'a'.repeat(5000));
  assertThaiError(r.status, r.headers.get('content-type'), r.text, 414, 'the limit counts the whole URL, query included');
});

test('the 414 page does not echo the long URL (not in its sign-in link, nowhere)', async () => {
  const long = 'q'.repeat(12000);
  for (const url of ['/areas?x=' + long, '/' + long]) {
    const r = await c.get(url);
    assert.equal(r.status, 414);
    assert.ok(!r.text.includes('q'.repeat(100)), 'no part of the URL in the page');
    assert.ok(r.text.length < 20000, `a small page (${r.text.length} bytes)`);
    assert.doesNotMatch(r.text, /\/signin\?next=[^"]/, 'the sign-in link carries no next');
  }
  // a page under the limit still links back to itself
  const ok = await fetch(s.base + '/areas?x=1');
  assert.match(await ok.text(), /\/signin\?next=%2Fareas%3Fx%3D1/);
});

test('/favicon.ico is the site\'s icon, cached long', async () => {
  const r = await fetch(s.base + '/favicon.ico');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^image\/svg\+xml/);
  assert.match(r.headers.get('cache-control'), /max-age=31536000/);
  const body = await r.text();
  assert.match(body, /<svg/);
});

test('a path parameter is percent-decoded once: %2541 is "%41", %E0%B8%81 is "ก"', async () => {
  const one = await fetch(s.base + '/_test/param/%2541', { headers: { accept: 'application/json' } });
  assert.equal(one.status, 200);
  assert.equal((await one.json()).p, '%41');
  const thai = await fetch(s.base + '/_test/param/%E0%B8%81x', { headers: { accept: 'application/json' } });
  assert.equal((await thai.json()).p, 'กx');
  // an ID route: /areas/%2531 is not area 1
  const id = await fetch(s.base + '/areas/%2531', { headers: { accept: 'application/json' } });
  assert.equal(id.status, 404);
});

test('a body over the limit (Content-Length 33 MB) with Expect: 100-continue → 413 Thai page before the body is sent', async () => {
  await c.ensureCsrf();
  const head = (accept, size = 33 * MiB) => `POST /_test/form HTTP/1.1\r\nHost: ${host()}\r\nCookie: khet_csrf=${c.csrf}\r\n${accept}` +
    `Expect: 100-continue\r\nContent-Type: multipart/form-data; boundary=xyz\r\nContent-Length: ${size}\r\n\r\n`;
  const r = await rawHttp(head(''), { timeout: 3000 });
  assert.ok(!r.timedOut, 'answered without waiting for the body');
  assertThaiError(r.status, r.headers['content-type'], r.text, 413);
  assert.match(errorMessage(r.text), /ขนาด/);
  const j = await rawHttp(head('Accept: application/json\r\n'), { timeout: 3000 });
  assert.equal(j.status, 413);
  assert.equal(JSON.parse(j.text).error.status, 413);
});

test('a body over the limit sent whole, as browsers do → the 413 Thai page is read, not a connection reset', async () => {
  await c.ensureCsrf();
  // 10 files of 5 MB: over the 32 MB limit; the server reads and drops
  // the body, then answers, so fetch gets the page
  const form = new FormData();
  form.append('_csrf', c.csrf);
  form.append('name', 'ใหญ่เกิน');
  for (let i = 0; i < 10; i++) form.append('doc', new Blob([Buffer.alloc(5 * MiB, 0x61)]), `f${i}.pdf`);
  const r = await fetch(`${s.base}/_test/form`, { method: 'POST', body: form, headers: { cookie: `khet_csrf=${c.csrf}` } });
  assert.equal(r.status, 413);
  assert.match(await r.text(), /ขนาดใหญ่เกินกำหนด/);
  // a body announced as far over the limit (over 4×) is not waited for
  const huge = await rawHttp(`POST /_test/form HTTP/1.1\r\nHost: ${host()}\r\nCookie: khet_csrf=${c.csrf}\r\n` +
    `Content-Type: multipart/form-data; boundary=xyz\r\nContent-Length: ${200 * MiB}\r\n\r\n`, { timeout: 3000 });
  assert.ok(!huge.timedOut, 'answered at once');
  assert.equal(huge.status, 413);
});

test('a chunked body that grows over the limit → 413', async () => {
  await c.ensureCsrf();
  const u = new URL(s.base);
  const sock = net.connect(Number(u.port), u.hostname);
  let out = '';
  sock.on('data', (d) => { out += d; });
  sock.on('error', () => {});
  await new Promise((r) => sock.on('connect', r));
  sock.write(`POST /_test/form HTTP/1.1\r\nHost: ${u.host}\r\nCookie: khet_csrf=${c.csrf}\r\n` +
    'Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n');
  const chunk = Buffer.alloc(MiB, 0x61);
  const head = Buffer.from(MiB.toString(16) + '\r\n');
  for (let i = 0; i < 34 && !sock.destroyed && !out; i++) {
    if (!sock.write(Buffer.concat([head, chunk, Buffer.from('\r\n')]))) await new Promise((r) => sock.once('drain', r));
  }
  if (!sock.destroyed && !out) sock.write('0\r\n\r\n');
  await new Promise((r) => {
    if (sock.destroyed) return r();
    const t = setTimeout(r, 5000);
    sock.on('close', () => { clearTimeout(t); r(); });
  });
  sock.destroy();
  assert.match(out, /^HTTP\/1\.1 413 /, out.slice(0, 200));
});

/* --- bodies that are broken or wrong ----------------------------------------- */

function truncatedMultipart(json) {
  const b = 'cutOffBoundary';
  const body = `--${b}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${c.csrf}\r\n` +
    `--${b}\r\nContent-Disposition: form-data; name="name"\r\n\r\nตัดกลางทาง\r\n` +
    `--${b}\r\nContent-Disposition: form-data; name="doc"; filename="a.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\n` + 'x'.repeat(3000);
  return `POST /_test/form HTTP/1.1\r\nHost: ${host()}\r\nCookie: khet_csrf=${c.csrf}\r\n${json ? 'Accept: application/json\r\n' : ''}` +
    `Content-Type: multipart/form-data; boundary=${b}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
}

test('a multipart body cut off in the middle → 400 Thai "ข้อมูลที่ส่งมาไม่สมบูรณ์…"', async () => {
  await c.ensureCsrf();
  const r = await rawHttp(truncatedMultipart(false));
  assertThaiError(r.status, r.headers['content-type'], r.text, 400);
  assert.match(errorMessage(r.text), /^ข้อมูลที่ส่งมาไม่สมบูรณ์/);
  const j = await rawHttp(truncatedMultipart(true));
  assert.equal(j.status, 400);
  const e = JSON.parse(j.text);
  assert.equal(e.error.status, 400);
  assert.match(e.error.message, /^ข้อมูลที่ส่งมาไม่สมบูรณ์/);
});

test('a body whose type is not a form → 415 Thai page', async () => {
  const r = await c.request('POST', '/_test/form', { body: '{"name":"x"}', headers: { 'content-type': 'application/json', 'x-csrf-token': await c.ensureCsrf() } });
  assertThaiError(r.status, r.headers.get('content-type'), r.text, 415);
});

test('a file named x.pdf whose bytes are an ELF executable → 422 with the Thai type error at doc', async () => {
  const r = await c.postMultipart('/_test/form', { name: 'x' }, { doc: { data: files.elf(), filename: 'x.pdf', type: 'application/pdf' } });
  assert.equal(r.status, 422);
  assert.match(r.text, /<html lang="th">/);
  const m = r.text.match(/id="f-doc-error">(?:<span[^>]*>[^<]*<\/span>)?([^<]+)</);
  assert.ok(m, 'an error at the doc field');
  assert.match(m[1], /PDF, PNG หรือ JPG/);
  const j = await c.postMultipart('/_test/form', { name: 'x' }, { doc: { data: files.elf(), filename: 'x.pdf', type: 'application/pdf' } }, { json: true });
  assert.equal(j.status, 422);
  assert.deepEqual(Object.keys(j.json.form.errors), ['doc']);
  assert.match(j.json.form.errors.doc, /PDF, PNG หรือ JPG/);
});

test('a file one byte over its limit (1 MiB + 1) → 422 size error; exactly 1 MiB → accepted', async () => {
  const base = files.pdf().length;
  const over = files.pdf(MiB - base + 1);
  assert.equal(over.length, MiB + 1);
  const r = await c.postMultipart('/_test/form', { name: 'x' }, { doc: { data: over, filename: 'big.pdf', type: 'application/pdf' } }, { json: true });
  assert.equal(r.status, 422);
  assert.match(r.json.form.errors.doc, /ขนาดใหญ่เกิน 1(\.0)? MB/);
  const html = await c.postMultipart('/_test/form', { name: 'x' }, { doc: { data: over, filename: 'big.pdf', type: 'application/pdf' } });
  assert.equal(html.status, 422);
  assert.match(html.text, /id="f-doc-error">[\s\S]*?ขนาดใหญ่เกิน/);
  assert.ok(html.text.includes('id="f-name" name="name" value="x"'), 'the rest of the input is kept');
  const exact = files.pdf(MiB - base);
  assert.equal(exact.length, MiB);
  const ok = await c.postMultipart('/_test/form', { name: 'x' }, { doc: { data: exact, filename: 'exact.pdf', type: 'application/pdf' } }, { json: true });
  assert.equal(ok.status, 200, JSON.stringify(ok.json?.form?.errors));
  assert.equal(ok.json.doc.size, MiB);
  assert.equal(ok.json.doc.mime, 'application/pdf');
});

test('invalid UTF-8 in a field → 422 with the Thai message at that field', async () => {
  await c.ensureCsrf();
  const post = (body, json) => c.request('POST', '/_test/form', { body, json, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  const j = await post(`_csrf=${c.csrf}&name=%FF%FE`, true);
  assert.equal(j.status, 422);
  assert.match(j.json.form.errors.name, /อักขระที่ระบบอ่านไม่ได้/);
  const h = await post(`_csrf=${c.csrf}&name=ok&code=%FF%FE`, false);
  assert.equal(h.status, 422);
  assert.match(h.text, /id="f-code-error">[\s\S]*?อักขระที่ระบบอ่านไม่ได้/);
  assert.doesNotMatch(h.text, /\uFFFD/, 'the broken bytes are not echoed');
  // raw bytes in a multipart field, and a NUL byte
  const b = 'utf8Boundary';
  const mpBody = Buffer.concat([
    Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${c.csrf}\r\n--${b}\r\nContent-Disposition: form-data; name="name"\r\n\r\na`),
    Buffer.from([0xff, 0xfe]), Buffer.from(`\r\n--${b}--\r\n`)]);
  const mp = await c.request('POST', '/_test/form', { body: mpBody, json: true, headers: { 'content-type': `multipart/form-data; boundary=${b}` } });
  assert.equal(mp.status, 422);
  assert.match(mp.json.form.errors.name, /อักขระที่ระบบอ่านไม่ได้/);
  const nul = await post(`_csrf=${c.csrf}&name=a%00b`, true);
  assert.equal(nul.status, 422);
  assert.match(nul.json.form.errors.name, /อักขระ/);
});

test('a missing or wrong CSRF token → 403; an unknown route → 404', async () => {
  const none = await c.post('/_test/form', { name: 'x' }, { csrf: false });
  assertThaiError(none.status, none.headers.get('content-type'), none.text, 403);
  const wrong = await c.post('/_test/form', { name: 'x' }, { csrf: 'x'.repeat(43), json: true });
  assert.equal(wrong.status, 403);
  assert.match(wrong.json.error.message, THAI);
  const nf = await c.get('/does/not/exist');
  assertThaiError(nf.status, nf.headers.get('content-type'), nf.text, 404);
  // the heading names the problem; the paragraph says what to do, not the heading again
  const main = nf.text.slice(nf.text.indexOf('<h1>'));
  assert.equal(main.split('ไม่พบหน้าที่ต้องการ').length - 1, 1, main.slice(0, 300));
  assert.match(main, /กรุณาตรวจสอบที่อยู่อีกครั้ง/);
  const nfj = await c.get('/does/not/exist', { json: true });
  assert.equal(nfj.json.error.status, 404);
});

/* --- the command line ------------------------------------------------------- */

function serve(args) {
  const data = mkdtempSync(join(tmpdir(), 'khet-bad-'));
  try {
    const env = { ...process.env, KHET_DATA: data, KHET_DB: '', KHET_LISTEN: '127.0.0.1:0' };
    const r = spawnSync(BIN, ['serve', ...args], { env, encoding: 'utf8', timeout: 10000 });
    return { code: r.status, signal: r.signal, stderr: r.stderr, stdout: r.stdout };
  } finally {
    rmSync(data, { recursive: true, force: true });
  }
}

test('khet serve --db mysql://x → exits non-zero naming the scheme', () => {
  const r = serve(['--db', 'mysql://x']);
  assert.equal(r.signal, null, 'it stopped by itself');
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /mysql/);
  assert.match(r.stderr, /sqlite:/, 'and says what is accepted');
  assert.doesNotMatch(r.stdout, /ready at/);
});

test('a database that cannot be opened → exits non-zero saying why', () => {
  const r = serve(['--db', 'sqlite:/nonexistent-dir/x.db']);
  assert.equal(r.signal, null);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /\/nonexistent-dir\/x\.db/);
  assert.match(r.stderr, /cannot open|ไม่ได้/);
  assert.doesNotMatch(r.stdout, /ready at/);
  const pg = serve(['--db', 'postgres://nobody@127.0.0.1:1/none']);
  assert.equal(pg.signal, null);
  assert.notEqual(pg.code, 0);
  assert.match(pg.stderr, /database|ฐานข้อมูล/);
});

/* --- and nothing changed ------------------------------------------------------ */

test('after all of it nothing stored has changed and no upload is left behind', async () => {
  assert.deepEqual(await stored(), snapshot);
  const tmp = join(s.dir, 'tmp');
  const left = existsSync(tmp) ? readdirSync(tmp) : [];
  assert.deepEqual(left, [], 'no temp upload files remain');
});
