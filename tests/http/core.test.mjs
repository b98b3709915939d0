// core.test.mjs: the platform core seen from outside, on the real binary —
// `khet serve` flags and their environment variables, the access log,
// /healthz, /metrics, the router (path parameters, 404, 405), every page
// also being JSON, the CSRF check, hashed static assets, the security
// headers, the form layer at /_test/form (valid posts with uploads, 422
// with the input kept and a Thai message at each field) and the graceful
// shutdown on SIGTERM. One server (demo data) for the file; the flag and
// shutdown tests start their own short-lived processes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import http from 'node:http';
import { spawn } from 'node:child_process';
import { gunzipSync } from 'node:zlib';
import { startServer, khet, files, citizenId, engine, rawHttp } from './lib.mjs';

const BIN = process.env.KHET_BIN || 'bin/khet';
const THAI = /[\u0E00-\u0E7F]/;

let s, c;
before(async () => {
  s = await startServer();
  c = s.client();
  await c.get('/');
});
after(async () => { await s?.stop(); });

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// The <h1> of an HTML page, without tags.
function h1(html) {
  const m = html.match(/<h1[^>]*>([\s\S]*?)<\/h1>/);
  return m ? m[1].replace(/<[^>]+>/g, '').trim() : null;
}

// Asserts a Thai HTML page: lang="th", a Thai <h1>.
function assertThaiPage(r, status) {
  assert.equal(r.status, status, r.text.slice(0, 300));
  assert.match(r.headers.get('content-type') || '', /^text\/html; charset=utf-8/);
  assert.match(r.text, /<html lang="th">/);
  assert.match(h1(r.text) || '', THAI, 'the page has a Thai heading');
}

// The error message shown on a Thai error page (the <p> after the <h1>).
function errorMessage(html) {
  const m = html.match(/<\/h1>\s*<p>([^<]*)<\/p>/);
  return m ? m[1] : '';
}

// Waits until the server's stderr has a line containing `needle`.
async function logLine(srv, needle, ms = 3000) {
  const until = Date.now() + ms;
  for (;;) {
    const line = srv.log().split('\n').find((l) => l.includes(needle));
    if (line || Date.now() > until) return line;
    await sleep(20);
  }
}

// Prometheus text → Map of "name{labels}" → number, with labels sorted.
function parseMetrics(text) {
  const out = new Map();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = line.match(/^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([^}]*)\})? (\S+)$/);
    assert.ok(m, `a well-formed sample line: ${line}`);
    const labels = m[3] ? m[3].split(/,(?=[a-z_]+=")/).sort().join(',') : '';
    out.set(`${m[1]}{${labels}}`, Number(m[4]));
  }
  return out;
}
function key(name, labels) {
  return `${name}{${Object.entries(labels).map(([k, v]) => `${k}="${v}"`).sort().join(',')}}`;
}
async function metrics() {
  const r = await c.get('/metrics');
  assert.equal(r.status, 200);
  return { text: r.text, m: parseMetrics(r.text), headers: r.headers };
}

/* --- khet serve: flags, health, log, metrics ------------------------------ */

test('khet --help names every flag with its environment variable', () => {
  const r = khet(['help']);
  assert.equal(r.code, 0);
  for (const [flag, env] of [['--listen', 'KHET_LISTEN'], ['--db', 'KHET_DB'], ['--data', 'KHET_DATA'],
    ['--workers', 'KHET_WORKERS'], ['--base-url', 'KHET_BASE_URL'], ['--smtp-url', 'KHET_SMTP_URL'],
    ['--static', 'KHET_STATIC'], ['--max-body-mb', 'KHET_MAX_BODY_MB'], ['--trust-proxy', 'KHET_TRUST_PROXY'],
    ['--quiet', 'KHET_QUIET'], ['--dev', 'KHET_DEV']]) {
    assert.match(r.stdout, new RegExp(`${flag}\\b.*${env}`), `${flag} with ${env}`);
  }
  const v = khet(['version']);
  assert.equal(v.code, 0);
  assert.match(v.stdout, /^khet \d+\.\d+/);
});

test('settings come from environment variables, and a flag wins over its variable', async () => {
  // A second instance on the same database: KHET_LISTEN picks the port,
  // KHET_QUIET turns the access log off, --max-body-mb 1 beats
  // KHET_MAX_BODY_MB=64.
  const env = { ...process.env, ...s.env, KHET_LISTEN: '127.0.0.1:0', KHET_QUIET: '1', KHET_MAX_BODY_MB: '64' };
  const proc = spawn(BIN, ['serve', '--max-body-mb', '1'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  proc.stderr.on('data', (d) => { err += d; });
  try {
    const base = await new Promise((resolve, reject) => {
      let out = '';
      const t = setTimeout(() => reject(new Error('no ready line:\n' + err)), 15000);
      proc.stdout.on('data', (d) => {
        out += d;
        const m = out.match(/ready at (http:\/\/127\.0\.0\.1:(\d+))\//);
        if (m) { clearTimeout(t); resolve(m[1]); }
      });
      proc.on('exit', (code) => { clearTimeout(t); reject(new Error(`exited ${code}:\n${err}`)); });
    });
    assert.notEqual(new URL(base).port, '8080', 'KHET_LISTEN port 0 picked a free port');
    const hz = await fetch(base + '/healthz');
    assert.equal(hz.status, 200);
    const hj = await hz.json();
    assert.deepEqual({ status: hj.status, db: hj.db }, { status: 'ok', db: engine });
    assert.ok(Number.isInteger(hj.disk_free_mb));
    const page = await fetch(base + '/areas');
    assert.equal(page.status, 200);
    const big = await rawHttp(base, 'POST /_test/form HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n' +
      `Content-Length: ${1536 * 1024}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n`);
    assert.equal(big.status, 413, '--max-body-mb 1 is the limit, not KHET_MAX_BODY_MB=64');
    await sleep(100);
    assert.doesNotMatch(err, /GET \/areas 200/, 'KHET_QUIET: no access log');
  } finally {
    const done = new Promise((r) => proc.on('exit', (code) => r(code)));
    proc.kill('SIGTERM');
    assert.equal(await done, 0);
  }
});

test('/healthz answers ok and names the database engine', async () => {
  const r = await c.get('/healthz');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^application\/json/);
  const j = JSON.parse(r.text);
  assert.deepEqual({ status: j.status, db: j.db }, { status: 'ok', db: engine });
  // the data folder's free space, for the operator (diskfull.test.mjs: low)
  assert.ok(Number.isInteger(j.disk_free_mb) && j.disk_free_mb > 0, r.text);
});

test('one access-log line per request: client, method, path, status, bytes, duration, request id, user', async () => {
  const reqs = [
    ['GET', '/areas/2', 200],
    ['GET', '/no/such/page', 404],
    ['POST', '/_test/form', 200],
  ];
  for (const [method, path, status] of reqs) {
    const r = method === 'GET' ? await c.get(path) : await c.post(path, { name: 'log' });
    assert.equal(r.status, status);
    const id = r.headers.get('x-request-id');
    assert.match(id || '', /^[0-9a-f]{16}$/, 'X-Request-Id');
    const line = await logLine(s, id);
    assert.ok(line, `a log line with request id ${id}`);
    const m = line.match(/^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z) 127\.0\.0\.1 (\S+) (\S+) (\d{3}) (\d+) ([\d.]+)ms ([0-9a-f]{16}) -$/);
    assert.ok(m, `the line has time, client, method, path, status, bytes, duration, id, user: ${line}`);
    assert.equal(m[2], method);
    assert.equal(m[3], path);
    assert.equal(Number(m[4]), status);
    // bytes = the body as sent (compressed when fetch accepted gzip)
    const sent = r.headers.get('content-encoding') === 'gzip' ? Number(r.headers.get('content-length')) : Buffer.byteLength(r.text);
    assert.equal(Number(m[5]), sent, 'bytes = the body sent');
    assert.ok(Number(m[6]) >= 0 && Number(m[6]) < 10000);
    assert.equal(m[7], id);
    assert.equal(s.log().split('\n').filter((l) => l.includes(id)).length, 1, 'exactly one line');
  }
});

test('/metrics: Prometheus text with request counts and a latency histogram that count what was just asked', async () => {
  const before = await metrics();
  assert.match(before.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
  assert.match(before.text, /^# TYPE khet_requests_total counter$/m);
  assert.match(before.text, /^# TYPE khet_request_duration_seconds histogram$/m);
  for (let i = 0; i < 3; i++) assert.equal((await c.get('/areas')).status, 200);
  assert.equal((await c.get('/areas/1/schools?page=2')).status, 200);
  assert.equal((await c.get('/areas/999/schools')).status, 404);
  await sleep(50); // counted when the answer has gone out
  const after = await metrics();
  const delta = (name, labels) => (after.m.get(key(name, labels)) || 0) - (before.m.get(key(name, labels)) || 0);
  assert.equal(delta('khet_requests_total', { method: 'GET', route: '/areas', status: '200' }), 3);
  assert.equal(delta('khet_requests_total', { method: 'GET', route: '/areas/:id/schools', status: '200' }), 1);
  assert.equal(delta('khet_requests_total', { method: 'GET', route: '/areas/:id/schools', status: '404' }), 1);
  const rl = { method: 'GET', route: '/areas' };
  assert.equal(delta('khet_request_duration_seconds_count', rl), 3);
  assert.ok(delta('khet_request_duration_seconds_sum', rl) > 0, '_sum grew');
  assert.equal(delta('khet_request_duration_seconds_bucket', { ...rl, le: '+Inf' }), 3);
  // buckets are cumulative and end at _count
  const les = [...after.m.keys()].filter((k) => k.startsWith('khet_request_duration_seconds_bucket{') && k.includes('route="/areas"'))
    .map((k) => [k.match(/le="([^"]+)"/)[1], after.m.get(k)])
    .sort((a, b) => (a[0] === '+Inf' ? Infinity : Number(a[0])) - (b[0] === '+Inf' ? Infinity : Number(b[0])));
  assert.ok(les.length >= 5, 'several buckets');
  for (let i = 1; i < les.length; i++) assert.ok(les[i][1] >= les[i - 1][1], 'cumulative buckets');
  assert.equal(les.at(-1)[0], '+Inf');
  assert.equal(les.at(-1)[1], after.m.get(key('khet_request_duration_seconds_count', rl)));
});

test('/metrics labels a request with the method it was sent with', async () => {
  const before = await metrics();
  const r = await c.post('/areas', {}); // GET-only route → 405
  assert.equal(r.status, 405);
  assert.equal((await c.post('/no/such/page', {})).status, 404);
  await sleep(50);
  const after = await metrics();
  const posts405 = [...after.m.entries()].filter(([k]) => k.startsWith('khet_requests_total{') && k.includes('method="POST"') && k.includes('status="405"'));
  const before405 = [...before.m.entries()].filter(([k]) => k.startsWith('khet_requests_total{') && k.includes('method="POST"') && k.includes('status="405"'));
  const sum = (xs) => xs.reduce((a, [, v]) => a + v, 0);
  assert.equal(sum(posts405) - sum(before405), 1, 'the POST answered 405 is counted with method="POST":\n' + after.text.split('\n').filter((l) => l.startsWith('khet_requests_total')).join('\n'));
  const posts404 = [...after.m.entries()].filter(([k]) => k.startsWith('khet_requests_total{') && k.includes('method="POST"') && k.includes('status="404"'));
  const before404 = [...before.m.entries()].filter(([k]) => k.startsWith('khet_requests_total{') && k.includes('method="POST"') && k.includes('status="404"'));
  assert.equal(sum(posts404) - sum(before404), 1, 'the POST answered 404 is counted with method="POST"');
});

/* --- router --------------------------------------------------------------- */

test('router: path parameters pick the record', async () => {
  const a1 = await c.get('/areas/1', { json: true });
  const a2 = await c.get('/areas/2', { json: true });
  assert.equal(a1.status, 200);
  assert.equal(a2.status, 200);
  assert.equal(a1.json.area.id, 1);
  assert.equal(a2.json.area.id, 2);
  assert.notEqual(a1.json.area.name, a2.json.area.name);
  const s2 = await c.get('/areas/2/schools', { json: true });
  assert.equal(s2.json.area.id, 2);
});

test('router: a method the route does not take → 405 with Allow and a Thai page', async () => {
  const r = await c.post('/areas', {});
  assertThaiPage(r, 405);
  assert.equal(r.headers.get('allow'), 'GET');
  assert.match(errorMessage(r.text), THAI);
  const d = await c.request('DELETE', '/_test/form', { headers: { 'x-csrf-token': c.csrf } });
  assert.equal(d.status, 405);
  assert.deepEqual(d.headers.get('allow').split(/,\s*/).sort(), ['GET', 'POST']);
  const j = await c.request('PUT', '/areas/1', { json: true });
  assert.equal(j.status, 405);
  assert.equal(j.headers.get('allow'), 'GET');
  assert.equal(j.json.error.status, 405);
  assert.match(j.json.error.message, THAI);
});

test('router: an unknown route → Thai 404 page, or a JSON error for API clients', async () => {
  for (const path of ['/no/such/page', '/areas/1/schools/extra', '/AREAS']) {
    const r = await c.get(path);
    assertThaiPage(r, 404);
    assert.match(errorMessage(r.text), THAI);
    assert.ok(r.text.includes(r.headers.get('x-request-id')), 'the request id is on the error page');
  }
  const j = await c.get('/no/such/page', { json: true });
  assert.equal(j.status, 404);
  assert.match(j.headers.get('content-type'), /^application\/json/);
  assert.equal(j.json.error.status, 404);
  assert.match(j.json.error.message, THAI);
  assert.equal(j.json.error.request_id, j.headers.get('x-request-id'));
});

test('HEAD is answered like GET, without a body', async () => {
  const r = await c.request('HEAD', '/areas');
  assert.equal(r.status, 200);
  assert.equal(r.text, '');
});

/* --- views: every page is also JSON --------------------------------------- */

test('the same URL answers JSON with Accept: application/json', async () => {
  const home = await c.get('/', { json: true });
  assert.equal(home.status, 200);
  assert.match(home.headers.get('content-type'), /^application\/json/);
  assert.equal(home.json.areas.length, 2);
  assert.deepEqual(home.json.areas.map((a) => a.id), [1, 2]);
  for (const a of home.json.areas) {
    assert.match(a.name, THAI);
    assert.equal(a.school_count, 30);
  }
  assert.equal(home.json.csrf, undefined, 'the JSON model is the handler\'s, without the layout');
  const list = await c.get('/areas/1/schools', { json: true });
  assert.equal(list.status, 200);
  assert.equal(list.json.rows.length, 10);
  assert.equal(list.json.total, 30);
  assert.equal(list.json.page, 1);
  assert.equal(list.json.pages, 3);
  for (const row of list.json.rows) {
    assert.match(row.name, /^โรงเรียน/);
    assert.match(row.obec_code, /^\d{10}$/);
  }
  const html = await c.get('/areas/1/schools');
  assertThaiPage(html, 200);
  for (const row of list.json.rows) assert.ok(html.text.includes(row.name), 'the HTML shows the same rows');
});

/* --- CSRF ------------------------------------------------------------------ */

test('CSRF: a POST without the token → 403 Thai page', async () => {
  const fresh = s.client(); // no cookie at all
  const r0 = await fresh.request('POST', '/_test/form', { body: new URLSearchParams({ name: 'x' }), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  assertThaiPage(r0, 403);
  assert.match(errorMessage(r0.text), THAI);
  const r = await c.post('/_test/form', { name: 'x' }, { csrf: false });
  assertThaiPage(r, 403);
});

test('CSRF: a wrong token → 403; a token of another browser → 403', async () => {
  const wrong = await c.post('/_test/form', { name: 'x' }, { csrf: 'A'.repeat(43) });
  assertThaiPage(wrong, 403);
  const j = await c.post('/_test/form', { name: 'x' }, { csrf: 'garbage', json: true });
  assert.equal(j.status, 403);
  assert.equal(j.json.error.status, 403);
  assert.match(j.json.error.message, THAI);
  const other = s.client();
  await other.get('/');
  assert.notEqual(other.csrf, c.csrf);
  const cross = await c.post('/_test/form', { name: 'x' }, { csrf: other.csrf });
  assert.equal(cross.status, 403);
  // a multipart form is checked the same way
  const mp = await c.postMultipart('/_test/form', { name: 'x' }, {}, { csrf: 'B'.repeat(43) });
  assert.equal(mp.status, 403);
});

test('CSRF: the cookie\'s token in the form, or in X-CSRF-Token, is accepted', async () => {
  const r = await c.post('/_test/form', { name: 'ผ่าน' }, { json: true });
  assert.equal(r.status, 200);
  assert.equal(r.json.name, 'ผ่าน');
  const h = await c.request('POST', '/_test/form', {
    body: new URLSearchParams({ name: 'หัวข้อ' }), json: true,
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-csrf-token': c.csrf },
  });
  assert.equal(h.status, 200);
  assert.equal(h.json.name, 'หัวข้อ');
  const mp = await c.postMultipart('/_test/form', { name: 'multipart' }, {}, { json: true });
  assert.equal(mp.status, 200);
  assert.equal(mp.json.name, 'multipart');
});

test('the CSRF cookie is HttpOnly and SameSite=Lax, and the page carries the token', async () => {
  const fresh = s.client();
  const res = await fetch(s.base + '/');
  const cookie = res.headers.getSetCookie().find((x) => x.startsWith('khet_csrf='));
  assert.ok(cookie, 'a khet_csrf cookie is set');
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Lax/);
  const token = cookie.split(';')[0].split('=')[1];
  const html = await res.text();
  assert.ok(html.includes(`content="${token}"`), 'the page has the token in its meta tag');
  await fresh.get('/_test/form');
  const form = await fresh.get('/_test/form');
  assert.ok(form.text.includes(`name="_csrf" value="${fresh.csrf}"`), 'the form carries the cookie\'s token');
});

/* --- static assets and security headers ----------------------------------- */

function rawGet(url, headers = {}) {
  return new Promise((resolve, reject) => {
    http.get(url, { headers }, (res) => {
      const chunks = [];
      res.on('data', (d) => chunks.push(d));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}

test('static: the hashed CSS from the home page is cached for a year, immutable, gzipped on request', async () => {
  const home = await c.get('/');
  const href = (home.text.match(/<link rel="stylesheet" href="([^"]+)"/) || [])[1];
  assert.match(href || '', /^\/static\/[\w.-]+\.[0-9a-f]{6,}\.css$|^\/static\/[\w-]+\.[0-9a-f]{6,}\.css$/, `hashed CSS name: ${href}`);
  const plain = await rawGet(s.base + href);
  assert.equal(plain.status, 200);
  assert.match(plain.headers['content-type'], /^text\/css/);
  assert.match(plain.headers['cache-control'], /max-age=31536000/);
  assert.match(plain.headers['cache-control'], /immutable/);
  assert.equal(plain.headers['content-encoding'], undefined);
  assert.ok(plain.body.length > 100);
  assert.equal(plain.headers['x-content-type-options'], 'nosniff');
  const gz = await rawGet(s.base + href, { 'accept-encoding': 'gzip, deflate, br' });
  assert.equal(gz.status, 200);
  assert.equal(gz.headers['content-encoding'], 'gzip');
  assert.match(gz.headers.vary || '', /Accept-Encoding/i);
  assert.match(gz.headers['cache-control'], /max-age=31536000.*immutable|immutable.*max-age=31536000/);
  assert.ok(gz.body.length < plain.body.length, 'smaller when gzipped');
  assert.deepEqual(gunzipSync(gz.body), plain.body, 'the same CSS once unzipped');
  // the other assets the layout links
  for (const m of home.text.matchAll(/(?:src|href)="(\/static\/[^"]+)"/g)) {
    const r = await rawGet(s.base + m[1]);
    assert.equal(r.status, 200, m[1]);
    assert.match(r.headers['cache-control'], /immutable/, m[1]);
  }
  const font = (home.text.match(/<link rel="preload" href="([^"]+\.woff2)"/) || [])[1];
  assert.ok(font, 'the Thai font is preloaded');
  const f = await rawGet(s.base + font);
  assert.equal(f.status, 200);
  assert.match(f.headers['content-type'], /font\/woff2/);
});

test('static: an unknown asset → Thai 404', async () => {
  const r = await c.get('/static/nope.0123456789.css');
  assertThaiPage(r, 404);
  const t = await c.get('/static/../src/main.c');
  assert.notEqual(t.status, 200);
});

test('security headers: a CSP without unsafe-inline and nosniff on every kind of answer', async () => {
  const home = await c.get('/');
  const css = (home.text.match(/<link rel="stylesheet" href="([^"]+)"/) || [])[1];
  const answers = [
    ['page', home], ['json', await c.get('/', { json: true })], ['404', await c.get('/nope')],
    ['403', await c.post('/_test/form', {}, { csrf: false })], ['static', await c.get(css)],
    ['healthz', await c.get('/healthz')],
  ];
  for (const [what, r] of answers) {
    const csp = r.headers.get('content-security-policy');
    assert.ok(csp, `${what}: has a CSP`);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/, what);
    assert.match(csp, /script-src 'self'/, what);
    assert.match(csp, /default-src 'self'/, what);
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff', what);
    assert.match(r.headers.get('x-request-id') || '', /^[0-9a-f]{16}$/, what);
  }
  // and the pages do not need inline script or style
  for (const path of ['/', '/areas', '/areas/1/schools', '/_test/form', '/nope']) {
    const r = await c.get(path);
    for (const tag of r.text.matchAll(/<script\b[^>]*>/g)) assert.match(tag[0], /\bsrc="/, `${path}: ${tag[0]}`);
    assert.doesNotMatch(r.text, /<style\b|\sstyle="/, `${path}: no inline style`);
    assert.doesNotMatch(r.text, /\son[a-z]+="/, `${path}: no inline event handler`);
  }
});

/* --- forms at /_test/form --------------------------------------------------- */

const goodFields = () => ({
  name: '  สมชาย ใจดี  ', email: 'Somchai@Example.COM', citizen_id: '1-1037-02012-12-' + citizenId('110370201212').at(-1),
  count: '500', price: '1500.5', day: '2024-02-29', kind: 'b', code: '0420',
});

test('form: GET shows the form with a Thai label for each field', async () => {
  const r = await c.get('/_test/form');
  assertThaiPage(r, 200);
  for (const f of ['name', 'email', 'citizen_id', 'count', 'price', 'day', 'kind', 'code', 'doc']) {
    assert.match(r.text, new RegExp(`<label for="f-${f}">[^<]*[\\u0E00-\\u0E7F]`), `label of ${f}`);
    assert.match(r.text, new RegExp(`id="f-${f}" name="${f}"`), `control of ${f}`);
  }
  assert.match(r.text, /enctype="multipart\/form-data"/);
  const j = await c.get('/_test/form', { json: true });
  assert.equal(j.json.form.fields.length, 9);
  assert.equal(j.json.form.has_errors, false);
});

test('form: a valid multipart post with a PNG → 200 with the values normalised and the detected type and exact size', async () => {
  const png = files.png();
  const r = await c.postMultipart('/_test/form', goodFields(), { doc: { data: png, filename: 'รูป.png', type: 'image/png' } }, { json: true });
  assert.equal(r.status, 200, r.text.slice(0, 500));
  assert.equal(r.json.name, 'สมชาย ใจดี', 'trimmed');
  assert.equal(r.json.email, 'somchai@example.com', 'lower-case');
  assert.equal(r.json.citizen_id, citizenId('110370201212'), 'digits only');
  assert.equal(r.json.count, '500');
  assert.equal(r.json.price, '150050', 'satang');
  assert.equal(r.json.day, '2024-02-29');
  assert.equal(r.json.kind, 'b');
  assert.equal(r.json.code, '0420');
  assert.deepEqual(r.json.doc, { mime: 'image/png', filename: 'รูป.png', size: png.length });
});

test('form: a valid post with a PDF → its type and exact size; the HTML answer says what was received', async () => {
  const pdf = files.pdf(5000);
  const r = await c.postMultipart('/_test/form', { name: 'pdf' }, { doc: { data: pdf, filename: 'a.pdf', type: 'application/pdf' } }, { json: true });
  assert.equal(r.status, 200);
  assert.equal(r.json.doc.mime, 'application/pdf');
  assert.equal(r.json.doc.size, pdf.length);
  // the type comes from the bytes, not from the name or the declared type
  const png = await c.postMultipart('/_test/form', { name: 'png' }, { doc: { data: files.png(), filename: 'scan.pdf', type: 'application/pdf' } }, { json: true });
  assert.equal(png.status, 200);
  assert.equal(png.json.doc.mime, 'image/png');
  const html = await c.postMultipart('/_test/form', { name: 'ได้แล้ว' }, { doc: { data: pdf, filename: 'a.pdf', type: 'application/pdf' } });
  assertThaiPage(html, 200);
  assert.match(html.text, /ได้รับ: ได้แล้ว/);
});

test('form: an urlencoded post works too, and the limits of count are inclusive', async () => {
  for (const count of ['1', '500']) {
    const r = await c.post('/_test/form', { name: 'x', count }, { json: true });
    assert.equal(r.status, 200, count);
    assert.equal(r.json.count, count);
  }
  for (const [count, msg] of [['0', /อย่างน้อย 1/], ['501', /ไม่เกิน 500/], ['1.5', /จำนวนเต็ม/], ['abc', /ตัวเลข/]]) {
    const r = await c.post('/_test/form', { name: 'x', count }, { json: true });
    assert.equal(r.status, 422, count);
    assert.match(r.json.form.errors.count, msg, count);
  }
});

const badFields = {
  email: 'not-an-email', citizen_id: '1234567890123', count: '600', price: '12.345',
  day: '2024-02-30', kind: 'z', code: '12a4',
};

test('form: errors → 422, the input kept in the HTML and a Thai message at each bad field', async () => {
  const r = await c.post('/_test/form', { name: '', ...badFields });
  assertThaiPage(r, 422);
  // the summary at the top
  assert.match(r.text, /class="error-summary"/);
  assert.match(r.text, /กรุณาแก้ไขข้อมูล 8 รายการ/);
  for (const [f, v] of Object.entries(badFields)) {
    if (f === 'kind') continue; // a select: no value attribute
    assert.ok(r.text.includes(`id="f-${f}" name="${f}" value="${v}"`), `${f} keeps "${v}"`);
  }
  for (const f of ['name', ...Object.keys(badFields)]) {
    const m = r.text.match(new RegExp(`<span class="field-error" id="f-${f}-error">(?:<span[^>]*>[^<]*</span>)?([^<]+)</span>`));
    assert.ok(m, `an error shown at ${f}`);
    assert.match(m[1], THAI, `${f}: Thai message`);
    assert.match(r.text, new RegExp(`id="f-${f}"[^>]*aria-describedby="[^"]*f-${f}-error`), `${f}: the control points at its error`);
  }
  assert.match(r.text, /กรุณากรอกชื่อ/);
  assert.match(r.text, /<option value="z"|<option value="a">แบบ ก<\/option>/, 'the select is shown again');
});

test('form: errors as JSON — form.errors has a Thai message per bad field and form.values the input', async () => {
  const r = await c.post('/_test/form', { name: '', ...badFields }, { json: true });
  assert.equal(r.status, 422);
  assert.match(r.headers.get('content-type'), /^application\/json/);
  const { errors, values, fields, has_errors, error_count } = r.json.form;
  assert.equal(has_errors, true);
  assert.equal(error_count, 8);
  assert.deepEqual(Object.keys(errors).sort(), ['citizen_id', 'code', 'count', 'day', 'email', 'kind', 'name', 'price']);
  for (const [f, msg] of Object.entries(errors)) assert.match(msg, THAI, f);
  for (const [f, v] of Object.entries(badFields)) assert.equal(values[f], v, f);
  assert.equal(errors.name, 'กรุณากรอกชื่อ');
  assert.match(errors.email, /อีเมล/);
  assert.match(errors.count, /500/);
  assert.match(errors.price, /ทศนิยม/);
  assert.match(errors.day, /วันที่/);
  assert.match(errors.code, /ตัวเลข 4 หลัก/);
  for (const f of fields) assert.equal(f.error, errors[f.name] ?? null, `field ${f.name} carries its error`);
});

test('form: a citizen ID with a wrong check digit → the Thai message about the last digit', async () => {
  const good = citizenId('110370201212');
  const bad = good.slice(0, 12) + ((Number(good[12]) + 1) % 10);
  const r = await c.post('/_test/form', { name: 'x', citizen_id: bad }, { json: true });
  assert.equal(r.status, 422);
  assert.match(r.json.form.errors.citizen_id, /หลักสุดท้าย/);
  assert.equal(r.json.form.values.citizen_id, bad);
  const html = await c.post('/_test/form', { name: 'x', citizen_id: bad });
  assert.equal(html.status, 422);
  assert.match(html.text, /id="f-citizen_id-error">[\s\S]*?หลักสุดท้าย/);
  const short = await c.post('/_test/form', { name: 'x', citizen_id: '12345' }, { json: true });
  assert.match(short.json.form.errors.citizen_id, /13 หลัก/);
  const ok = await c.post('/_test/form', { name: 'x', citizen_id: good }, { json: true });
  assert.equal(ok.status, 200);
  assert.equal(ok.json.citizen_id, good);
});

test('form: a name one character too long → 422 that keeps what was typed, so it can be shortened', async () => {
  const long = 'กขคงจฉชซฌญฎฏฐฑฒณดตถทน'; // 21 Thai characters, limit 20
  assert.equal([...long].length, 21);
  const r = await c.post('/_test/form', { name: long }, { json: true });
  assert.equal(r.status, 422);
  assert.match(r.json.form.errors.name, /20/);
  assert.equal(r.json.form.values.name, long, 'the JSON model keeps the input');
  const html = await c.post('/_test/form', { name: long });
  assert.ok(html.text.includes(`id="f-name" name="name" value="${long}"`), 'the HTML form keeps the input');
  const ok = await c.post('/_test/form', { name: long.slice(0, 20) }, { json: true });
  assert.equal(ok.status, 200, 'exactly 20 characters are fine');
});

test('form: input shown again is HTML-escaped', async () => {
  const evil = '"><script>x</script>';
  const r = await c.post('/_test/form', { name: 'x', code: evil });
  assert.equal(r.status, 422);
  assert.ok(!r.text.includes('<script>x</script>'), 'no raw markup from the input');
  assert.match(r.text, /value="&quot;&gt;&lt;script&gt;x&lt;\/script&gt;"|value="&#34;&gt;&lt;script&gt;x&lt;\/script&gt;"/);
});

/* --- graceful shutdown ---------------------------------------------------- */

// The drain scenario, run once by whichever of the two tests below comes
// first (so each can run alone): an upload in flight when SIGTERM comes,
// and a new client connecting during the drain.
let drainRun;
const drain = () => (drainRun ??= (async () => {
  const g = await startServer({ demo: false });
  const gc = g.client();
  await gc.get('/');
  const b = 'khetTestBoundary';
  const pdf = files.pdf(300000);
  const body = Buffer.concat([
    Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${gc.csrf}\r\n` +
      `--${b}\r\nContent-Disposition: form-data; name="name"\r\n\r\nslow\r\n` +
      `--${b}\r\nContent-Disposition: form-data; name="doc"; filename="slow.pdf"\r\nContent-Type: application/pdf\r\n\r\n`),
    pdf, Buffer.from(`\r\n--${b}--\r\n`)]);
  const u = new URL(g.base);
  const sock = net.connect(Number(u.port), u.hostname);
  let answer = Buffer.alloc(0);
  sock.on('data', (d) => { answer = Buffer.concat([answer, d]); });
  const closed = new Promise((r) => { sock.on('close', r); sock.on('error', r); });
  await new Promise((r) => sock.on('connect', r));
  sock.write(`POST /_test/form HTTP/1.1\r\nHost: ${u.host}\r\nCookie: khet_csrf=${gc.csrf}\r\nAccept: application/json\r\n` +
    `Content-Type: multipart/form-data; boundary=${b}\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`);
  sock.write(body.subarray(0, 100000));
  await sleep(200);
  const exited = new Promise((r) => g.proc.on('exit', (code, sig) => r({ code, sig })));
  g.proc.kill('SIGTERM');
  assert.ok(await logLine(g, 'SIGTERM received'), 'the server saw SIGTERM');
  // a new client during the drain: refused, or answered — never held
  const lateClient = rawHttp(g.base, `GET /healthz HTTP/1.1\r\nHost: ${u.host}\r\nConnection: close\r\n\r\n`, { timeout: 10000 });
  await sleep(300);
  assert.equal(g.proc.exitCode, null, 'still running while the upload is in flight');
  sock.write(body.subarray(100000));
  await closed;
  const ex = await exited;
  const log = g.log();
  const late = await lateClient;
  await g.stop();
  return { text: answer.toString('utf8'), size: pdf.length, ex, log, late };
})());

test('SIGTERM: an upload in flight finishes and the process exits 0', async () => {
  const { text, size, ex, log } = await drain();
  assert.match(text, /^HTTP\/1\.1 200 /, text.slice(0, 300));
  const json = JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4));
  assert.equal(json.name, 'slow');
  assert.equal(json.doc.size, size);
  assert.equal(json.doc.mime, 'application/pdf');
  assert.deepEqual(ex, { code: 0, sig: null }, 'exit status 0; the server said:\n' + log.split('\n').slice(-40).join('\n'));
  assert.match(log, /POST \/_test\/form 200 /, 'the finished upload was logged');
  assert.match(log, /khet: stopped/);
});

test('SIGTERM: a connection made during the drain is refused or answered, not accepted and dropped', async () => {
  const l = (await drain()).late;
  assert.ok(l.error === 'ECONNREFUSED' || l.status > 0,
    `refused or answered (got ${JSON.stringify({ error: l.error, closed: l.closed, status: l.status })})`);
});
