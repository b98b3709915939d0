// ops.test.mjs: what an operator running Khet for years reads and relies on
// (issue 11 item 15): the access log names the client address, the user
// and the query string with secrets masked; Khet gzips its HTML and JSON
// itself when the client accepts it (once, not tiny bodies, with Vary);
// /metrics adds the mail outbox's backlog and failures, the background
// jobs' runs, database time per request and the build.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { gunzipSync } from 'node:zlib';
import { startServer, engine } from './lib.mjs';

const PW = 'khet-demo-2567';
const FIXED_CSRF = 'A'.repeat(43); // a well-formed token, so two answers are byte-for-byte alike
let s;

before(async () => {
  // an SMTP server that refuses (nothing listens on port 1): every try fails
  s = await startServer({ env: { KHET_SMTP_URL: 'smtp://127.0.0.1:1', KHET_BASE_URL: 'https://khet.example.go.th' } });
});
after(async () => { await s?.stop(); });

// The bytes as they came (node's http does not decompress).
function raw(path, headers = {}) {
  const u = new URL(s.base);
  return new Promise((resolve, reject) => {
    const req = http.get({ host: u.hostname, port: u.port, path, headers }, (res) => {
      const chunks = [];
      res.on('data', (d) => chunks.push(d));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
  });
}

async function logLine(id) {
  for (let i = 0; i < 50; i++) {
    const line = s.log().split('\n').find((l) => l.includes(id));
    if (line) return line;
    await new Promise((r) => setTimeout(r, 20));
  }
  return '';
}

test('the access log names the client address, the signed-in user and the query with secrets masked', async () => {
  const c = s.client();
  await c.get('/signin');
  const signin = await c.post('/signin', { login: 'teacher', password: PW });
  assert.equal(signin.status, 303);
  const uid = s.sql("SELECT id FROM users WHERE username = 'teacher'");
  assert.match(uid, /^\d+$/);
  // the sign-in itself is logged as done by the user it signed in
  const si = await logLine(signin.headers.get('x-request-id'));
  assert.match(si, new RegExp(`^\\S+ 127\\.0\\.0\\.1 POST /signin 303 \\d+ [\\d.]+ms [0-9a-f]{16} ${uid}$`), si);
  const r = await c.get('/areas?q=' + encodeURIComponent('หนองแวง') + '&t=SECRETTOKEN123&citizen_id=1103700012346&page=2');
  assert.equal(r.status, 200);
  const line = await logLine(r.headers.get('x-request-id'));
  assert.ok(line, 'a line for the request');
  const m = line.match(/^\S+ (\S+) GET (\S+) 200 \d+ [\d.]+ms [0-9a-f]{16} (\S+)$/);
  assert.ok(m, line);
  assert.equal(m[1], '127.0.0.1', 'the client address');
  assert.equal(m[3], uid, 'the user id');
  assert.equal(m[2], '/areas?q=%E0%B8%AB%E0%B8%99%E0%B8%AD%E0%B8%87%E0%B9%81%E0%B8%A7%E0%B8%87&t=***&citizen_id=***&page=2');
  assert.doesNotMatch(s.log(), /SECRETTOKEN123|1103700012346/, 'the secret and the citizen ID are in no log line');
  // a citizen ID, a phone or an e-mail typed into a search box (q=) is
  // personal whatever the argument's name; a year stays readable
  const searched = await c.get('/areas?q=' + encodeURIComponent('1-1037-00012-34-6') + '&year=2570');
  assert.match(await logLine(searched.headers.get('x-request-id')), / GET \/areas\?q=\*\*\*&year=2570 /);
  const mailed = await c.get('/areas?q=' + encodeURIComponent('nid@example.org'));
  assert.match(await logLine(mailed.headers.get('x-request-id')), / GET \/areas\?q=\*\*\* /);
  assert.doesNotMatch(s.log(), /00012|nid@example/, 'the searched ID and e-mail are in no log line');
  // someone not signed in: "-"
  const anon = await s.client().get('/areas');
  assert.match(await logLine(anon.headers.get('x-request-id')), / -$/);
  // a control character or space sent in the query cannot forge or shift a line
  const odd = await raw('/areas?x=%0a2026-01-01T00:00:00Z%20fake');
  const ol = await logLine(odd.headers['x-request-id']);
  assert.match(ol, /GET \/areas\?x=%0A2026-01-01T00%3A00%3A00Z%20fake 200 /i);
});

test('HTML and JSON are gzipped once when the client accepts it, and equal the plain answer', async () => {
  // over https the cookie carries the __Host- prefix (acc_csrf.test.mjs)
  const cookie = `__Host-khet_csrf=${FIXED_CSRF}`;
  for (const [path, accept, type] of [['/areas', 'text/html', /^text\/html/], ['/areas/1/schools?per_page=100', 'application/json', /^application\/json/], ['/', 'text/html', /^text\/html/]]) {
    const plain = await raw(path, { accept, cookie });
    const gz = await raw(path, { accept, cookie, 'accept-encoding': 'gzip, deflate, br' });
    assert.equal(gz.status, 200);
    assert.match(gz.headers['content-type'], type);
    assert.equal(gz.headers['content-encoding'], 'gzip', `${path} ${accept} is compressed`);
    assert.equal(gz.headers.vary, 'Accept, Accept-Encoding'); // HTML or JSON by Accept, gzip or not
    assert.equal(Number(gz.headers['content-length']), gz.body.length);
    assert.ok(gz.body.length < plain.body.length, `${gz.body.length} < ${plain.body.length}`);
    assert.deepEqual(gunzipSync(gz.body), plain.body, 'once: inflating gives the plain answer');
    assert.equal(plain.headers['content-encoding'], undefined, 'not compressed when not asked for');
    assert.equal(plain.headers.vary, 'Accept, Accept-Encoding', 'Vary on the plain answer too (a cache must not mix them)');
    // the access log counts the bytes sent
    const line = await logLine(gz.headers['x-request-id']);
    assert.match(line, new RegExp(` 200 ${gz.body.length} `));
  }
  // refused by q=0, or only other codings: as it is
  for (const ae of ['gzip;q=0', 'br, deflate', 'identity']) {
    const r = await raw('/areas', { accept: 'text/html', cookie, 'accept-encoding': ae });
    assert.equal(r.headers['content-encoding'], undefined, ae);
  }
  // a tiny body is not worth it
  const hz = await raw('/healthz', { 'accept-encoding': 'gzip' });
  assert.ok(hz.body.length < 1024);
  assert.equal(hz.headers['content-encoding'], undefined);
  const hj = JSON.parse(hz.body);
  assert.deepEqual({ status: hj.status, db: hj.db }, { status: 'ok', db: engine });
  // an error page is compressed like any page
  const nf = await raw('/no/such/page', { accept: 'text/html', 'accept-encoding': 'gzip' });
  assert.equal(nf.status, 404);
  assert.equal(nf.headers['content-encoding'], 'gzip');
  assert.match(gunzipSync(nf.body).toString('utf8'), /ไม่พบหน้าที่ต้องการ/);
});

function metricValue(text, name) {
  const esc = name.replace(/[{}"=.+*?()[\]\\/]/g, (c) => '\\' + c);
  const m = text.match(new RegExp(`^${esc} ([0-9.e+-]+)$`, 'm'));
  return m ? Number(m[1]) : undefined;
}

test('/metrics: the outbox backlog and failures, job runs, database time per request, build info', async () => {
  const now = Math.floor(Date.now() / 1000);
  s.sql(`INSERT INTO outbox (to_addr, subject, body, status, attempts, next_attempt_at, created_at) VALUES ('a@example.com', 'ค้าง', 'x', 'queued', 0, ${now}, ${now - 120})`);
  s.sql(`INSERT INTO outbox (to_addr, subject, body, status, attempts, next_attempt_at, created_at, last_error) VALUES ('b@example.com', 'ล้มเหลว', 'x', 'failed', 8, ${now}, ${now - 9000}, 'refused')`);
  await s.client().get('/areas');
  // the mail job (every 2 s) tries the queued one and fails: the server refuses
  let m = '';
  for (let i = 0; i < 100; i++) {
    m = (await raw('/metrics')).body.toString('utf8');
    if (metricValue(m, 'khet_mail_send_failures_total') >= 1) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(metricValue(m, 'khet_mail_outbox_queued'), 1, 'the backlog: one waiting (retried later)');
  assert.equal(metricValue(m, 'khet_mail_outbox_failed'), 1, 'one given up');
  assert.ok(metricValue(m, 'khet_mail_outbox_oldest_queued_seconds') >= 120, 'the oldest waiting is 2 minutes old');
  assert.ok(metricValue(m, 'khet_mail_send_failures_total') >= 1, 'the failed try is counted');
  assert.equal(metricValue(m, 'khet_mail_sent_total'), 0);
  assert.ok(metricValue(m, 'khet_job_runs_total{job="mail"}') >= 1, 'the mail job ran');
  assert.ok(metricValue(m, 'khet_job_last_run_timestamp_seconds{job="mail"}') >= now - 5);
  assert.equal(metricValue(m, 'khet_job_failures_total{job="mail"}'), 0, 'a refused mail is no failure of the job');
  // database time: the route's total, and a histogram over requests
  assert.ok(metricValue(m, 'khet_route_db_seconds_total{method="GET",route="/areas"}') > 0, 'GET /areas read the database');
  assert.ok(metricValue(m, 'khet_request_db_seconds_count') >= 2);
  assert.ok(metricValue(m, 'khet_request_db_seconds_sum') > 0);
  assert.match(m, /^khet_request_db_seconds_bucket\{le="\+Inf"\} \d+$/m);
  // build info and connections
  const bi = m.match(/^khet_build_info\{version="([^"]+)",libmicrohttpd="([^"]+)",jansson="[^"]+",compiler="[^"]+",engine="(\w+)"\} 1$/m);
  assert.ok(bi, 'khet_build_info');
  assert.match(bi[1], /^\d+\.\d+\.\d+/);
  assert.match(bi[2], /^\d+\.\d+\.\d+$/);
  assert.equal(bi[3], engine);
  assert.ok(metricValue(m, 'khet_start_time_seconds') <= now + 1);
  assert.ok(metricValue(m, 'khet_connections_open') >= 1);
  assert.equal(metricValue(m, 'khet_header_timeouts_total'), 0);
  // every line is a comment or "name{labels} number"
  for (const l of m.trim().split('\n')) assert.match(l, /^(# (HELP|TYPE) \w+ .+|\w+(\{[^}]*\})? [0-9.e+-]+)$/, l);
});
