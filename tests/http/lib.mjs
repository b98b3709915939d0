// lib.mjs: what every HTTP scenario test uses. startServer() runs the real
// bin/khet (or $KHET_BIN) on a fresh database — a temp SQLite file, or, when
// KHET_TEST_PG names a PostgreSQL server, a new database created on it — on
// a free loopback port, and returns a client that keeps cookies like a
// browser and knows how to send forms with the CSRF token.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { inflateRawSync } from 'node:zlib';
import net from 'node:net';
import assert from 'node:assert/strict';

const BIN = process.env.KHET_BIN || 'bin/khet';

export const engine = process.env.KHET_TEST_PG ? 'postgres' : 'sqlite';

// A new empty database on the test PostgreSQL server: { url, drop }.
export function pgDatabase() {
  const admin = new URL(process.env.KHET_TEST_PG);
  const name = 'khet_' + randomBytes(6).toString('hex');
  execFileSync('psql', [admin.href, '-q', '-c', `CREATE DATABASE ${name}`], { stdio: 'pipe' });
  const u = new URL(admin.href);
  u.pathname = '/' + name;
  return { url: u.href, drop: () => {
    try { execFileSync('psql', [admin.href, '-q', '-c', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`], { stdio: 'pipe' }); } catch {}
  } };
}

// Runs `khet CMD` against the given environment; returns { code, stdout, stderr }.
export function khet(args, env = {}) {
  try {
    const stdout = execFileSync(BIN, args, { env: { ...process.env, ...env }, stdio: 'pipe', encoding: 'utf8' });
    return { code: 0, stdout, stderr: '' };
  } catch (e) {
    return { code: e.status, stdout: e.stdout || '', stderr: e.stderr || '' };
  }
}

// A report from AddressSanitizer, LeakSanitizer or UBSan in a server's
// output (the sanitizer run of make test): a test that passed against a
// server that misbehaved inside has not passed.
const SANITIZER = /ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:|SUMMARY: UndefinedBehaviorSanitizer/;
function sanitizerCheck(what, text) {
  const m = text.match(SANITIZER);
  if (m) throw new Error(`${what}: sanitizer report:\n${text.slice(Math.max(0, m.index - 200), m.index + 3000)}`);
}

// demoArgs: flags of `khet demo` (['--requests', '12']). data and db:
// serve an existing data folder and database (a restored backup) instead of
// new ones; stop() removes them all the same.
// The census demo gives every demo school learners and the story of the
// last two rounds; `khet demo` alone gives 12,000 learners (about 200 a
// school), which would cost every server start of every test ~0.6 s more
// CPU: a test server gets 40 a school (the same story, every school with
// learners) unless its demoArgs name --students (dmc_demo.test.mjs runs the
// default: censusDefault).
export const TEST_STUDENTS = '2400';
export async function startServer({ demo = true, demoArgs = [], censusDefault = false, env = {}, args = [], data, db: dbUrl, dropDb } = {}) {
  if (!censusDefault && !demoArgs.includes('--students')) demoArgs = [...demoArgs, '--students', TEST_STUDENTS];
  const dir = data || mkdtempSync(join(tmpdir(), 'khet-http-'));
  let db = dbUrl || `sqlite:${dir}/khet.db`, drop = dropDb || (() => {});
  if (process.env.KHET_TEST_PG && !dbUrl) ({ url: db, drop } = pgDatabase());
  const baseEnv = { KHET_DATA: dir, KHET_DB: db, KHET_TEST_ROUTES: '1', KHET_WORKERS: '4', ...env };
  if (demo) {
    const r = khet(['demo', ...demoArgs], baseEnv);
    if (r.code !== 0) throw new Error('khet demo failed: ' + r.stderr);
    sanitizerCheck('khet demo', r.stderr);
  }
  const proc = spawn(BIN, ['serve', '--listen', '127.0.0.1:0', ...args], {
    env: { ...process.env, ...baseEnv }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  const base = await new Promise((resolve, reject) => {
    let out = '';
    const t = setTimeout(() => reject(new Error('khet did not start:\n' + stderr)), 15000);
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/ready at (http:\/\/[^\s]+?)\/?\s/);
      if (m) { clearTimeout(t); resolve(m[1]); }
    });
    proc.on('exit', (code) => { clearTimeout(t); reject(new Error(`khet exited ${code}:\n${stderr}`)); });
  });
  const baseUrl = args.includes('--base-url') ? args[args.indexOf('--base-url') + 1] : baseEnv.KHET_BASE_URL ?? process.env.KHET_BASE_URL;
  if (/^https:/i.test(baseUrl ?? '')) httpsBases.add(base);
  const server = {
    base, dir, db, proc, env: baseEnv,
    log: () => stderr,
    // Runs SQL on the server's database (sqlite3 / psql) and returns its
    // output; throws when the statement fails.
    sql(q) {
      // the database the server runs on (a test may name its own in env)
      if (baseEnv.KHET_DB.startsWith('postgres'))
        return execFileSync('psql', [baseEnv.KHET_DB, '-qAtX', '-v', 'ON_ERROR_STOP=1', '-c', q], { encoding: 'utf8' }).trim();
      const file = baseEnv.KHET_DB.startsWith('sqlite:') ? baseEnv.KHET_DB.slice(7) : dir + '/khet.db';
      return execFileSync('sqlite3', ['-cmd', '.timeout 10000', file, q], { encoding: 'utf8' }).trim();
    },
    client: () => new Client(base),
    async stop(signal = 'SIGTERM') {
      if (proc.exitCode === null) {
        const done = new Promise((r) => proc.on('exit', (code, sig) => r({ code, sig })));
        proc.kill(signal);
        server.exit = await done;
      }
      drop();
      rmSync(dir, { recursive: true, force: true });
      sanitizerCheck('khet serve', stderr);
      return server.exit;
    },
  };
  return server;
}

// The base URLs of servers started with an https base URL, whose cookies
// are named __Host-khet_… (http.h).
const httpsBases = new Set();

// When each server was last asked (any client of this process shares
// fetch's pool of kept-alive sockets), and the idle time after which a
// reused socket may have been closed by the server (its 30 s, with room).
const lastUse = new Map();
const STALE_MS = 25000;

// A client with a cookie jar, like one browser. The jar holds cookies by
// their plain names (khet_session, khet_csrf) on either kind of server;
// towards a server with an https base URL they are sent as __Host-….
export class Client {
  constructor(base) { this.base = base; this.cookies = new Map(); this.prefix = httpsBases.has(base) ? '__Host-' : ''; }

  cookieHeader() { return [...this.cookies].map(([k, v]) => `${this.prefix}${k}=${v}`).join('; '); }

  keepCookies(res) {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair.indexOf('=');
      const k = pair.slice(0, i).trim().replace(/^__Host-/, ''), v = pair.slice(i + 1).trim();
      if (/Max-Age=0/i.test(c) || v === '') this.cookies.delete(k); else this.cookies.set(k, v);
    }
  }

  async request(method, path, { body, headers = {}, json = false, redirect = 'manual' } = {}) {
    const h = { ...headers };
    if (this.cookies.size) h.cookie = this.cookieHeader();
    if (json) h.accept = 'application/json';
    let res;
    const idle = Date.now() - (lastUse.get(this.base) ?? Date.now());
    try {
      res = await fetch(this.base + path, { method, body, headers: h, redirect });
    } catch (e) {
      // a kept-alive socket the server closed just as it was reused (the
      // client cannot tell in advance) is sent again once, as a browser
      // does: a GET always; another method only when nothing was asked of
      // this server for longer than its idle timeout (30 s) allows, so
      // the socket was surely closed by it, unread — a test whose sync
      // work (psql, a big buffer) blocked the event loop that long never
      // saw the close; anything else is the test's to see
      const code = e?.cause?.code;
      const stale = idle >= STALE_MS && ['EPIPE', 'ECONNRESET', 'UND_ERR_SOCKET'].includes(code);
      if (!/fetch failed/.test(String(e)) || (method !== 'GET' && !stale)) throw e;
      res = await fetch(this.base + path, { method, body, headers: h, redirect });
    } finally {
      lastUse.set(this.base, Date.now());
    }
    this.keepCookies(res);
    const text = await res.text();
    let data;
    if ((res.headers.get('content-type') || '').includes('json')) {
      try { data = JSON.parse(text); } catch {}
    }
    return { status: res.status, headers: res.headers, text, json: data };
  }

  get(path, opts) { return this.request('GET', path, opts); }

  // The CSRF token the pages give this client to post (GET any page
  // first). The server sends it in the csrf cookie: the visitor's own, or
  // once signed in the session's (which the server checks against the
  // session, not against the cookie).
  get csrf() { return this.cookies.get('khet_csrf'); }

  async ensureCsrf() { if (!this.csrf) await this.get('/'); return this.csrf; }

  // POSTs fields (an object; arrays repeat the key) as urlencoded, with _csrf.
  async post(path, fields = {}, opts = {}) {
    await this.ensureCsrf();
    const p = new URLSearchParams();
    if (opts.csrf !== false) p.append('_csrf', opts.csrf ?? this.csrf);
    for (const [k, v] of Object.entries(fields)) for (const x of [].concat(v)) p.append(k, x);
    return this.request('POST', path, { ...opts, body: p, headers: { 'content-type': 'application/x-www-form-urlencoded', ...(opts.headers || {}) } });
  }

  // POSTs multipart: files given as { name: { data: Buffer, filename, type } }.
  async postMultipart(path, fields = {}, files = {}, opts = {}) {
    await this.ensureCsrf();
    const fd = new FormData();
    if (opts.csrf !== false) fd.append('_csrf', opts.csrf ?? this.csrf);
    for (const [k, v] of Object.entries(fields)) for (const x of [].concat(v)) fd.append(k, x);
    for (const [k, f] of Object.entries(files))
      fd.append(k, new Blob([f.data], { type: f.type || 'application/octet-stream' }), f.filename);
    return this.request('POST', path, { ...opts, body: fd });
  }
}

// A raw HTTP/1.1 exchange over a socket: resolves with the answer's status,
// headers and body, or with the socket error / `closed` / `timedOut` when
// there was none. The write side stays open: some answers come only after
// the headers.
export function rawHttp(base, data, { timeout = 5000 } = {}) {
  const u = new URL(base);
  return new Promise((resolve) => {
    const t0 = Date.now();
    const sock = net.connect(Number(u.port), u.hostname);
    let buf = Buffer.alloc(0), done = false;
    const finish = (extra = {}) => {
      if (done) return;
      done = true;
      clearTimeout(t);
      sock.destroy();
      const i = buf.indexOf('\r\n\r\n');
      const head = i >= 0 ? buf.subarray(0, i).toString('latin1') : '';
      const status = Number((head.match(/^HTTP\/1\.[01] (\d{3})/) || [])[1] || 0);
      const headers = {};
      for (const l of head.split('\r\n').slice(1)) {
        const k = l.indexOf(':');
        if (k > 0) headers[l.slice(0, k).toLowerCase()] = l.slice(k + 1).trim();
      }
      const body = i >= 0 ? buf.subarray(i + 4) : Buffer.alloc(0);
      resolve({ status, headers, body, text: body.toString('utf8'), bytes: buf.length, ms: Date.now() - t0, ...extra });
    };
    const t = setTimeout(() => finish({ timedOut: true }), timeout);
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      const i = buf.indexOf('\r\n\r\n');
      const cl = i >= 0 && /\r\ncontent-length: *(\d+)/i.exec(buf.subarray(0, i).toString('latin1'));
      if (cl && buf.length >= i + 4 + Number(cl[1])) finish();
    });
    sock.on('close', () => finish({ closed: true }));
    sock.on('error', (e) => finish({ error: e.code }));
    if (data) sock.write(data);
  });
}

// The API's one error shape (README "The API"): the HTTP status again, a
// stable code, a Thai message, per-field errors and the request's id (the
// X-Request-Id header's, when the answer's headers are at hand). Returns
// the error.
export function assertApiError(r, status, code) {
  assert.equal(r.status, status, r.text);
  const e = r.json?.error;
  assert.ok(e, 'an error body: ' + r.text);
  assert.equal(e.status, status);
  if (code) assert.equal(e.code, code, r.text);
  assert.equal(typeof e.message, 'string');
  assert.ok(/[\u0E00-\u0E7F]/.test(e.message), 'the message is Thai: ' + e.message);
  assert.equal(typeof e.fields, 'object');
  assert.match(e.request_id, /^[0-9a-f]{16}$/);
  if (r.headers?.get) assert.equal(e.request_id, r.headers.get('x-request-id'));
  return e;
}

// Makes an API token on a token page (/areas/:id/tokens, /admin/tokens)
// as a browser does: the POST answers 303 back to the page (a reload
// re-posts nothing), the GET after it shows the new token once. Returns
// { token, page } (page: the HTML of that GET).
export async function tokenFromPage(client, path, fields) {
  const post = await client.post(path, fields);
  assert.equal(post.status, 303, post.text.slice(0, 2000));
  assert.equal(new URL(post.headers.get('location'), 'http://x').pathname, path);
  assert.doesNotMatch(post.headers.get('location'), /khet_/, 'never in the URL');
  const page = await client.get(path);
  assert.equal(page.status, 200);
  const m = page.text.match(/data-token>(khet_[A-Za-z0-9_-]{43})</);
  assert.ok(m, 'the new token is shown once, on the GET after the redirect');
  return { token: m[1], page: page.text };
}

// Small real files for upload tests.
// A client that comes from its own address (the server runs with
// --trust-proxy and reads X-Forwarded-For), so one test's per-address
// limits do not reach another's. ipSequence('10.88') gives a file its own
// range: 10.88.0.2, 10.88.0.3 …
export class AddressClient extends Client {
  constructor(base, ip) { super(base); this.ip = ip; }
  request(method, path, opts = {}) {
    return super.request(method, path, { ...opts, headers: { 'x-forwarded-for': this.ip, ...(opts.headers || {}) } });
  }
}

export function ipSequence(prefix) {
  let seq = 1;
  return () => `${prefix}.${Math.floor(seq / 250)}.${(seq++ % 250) + 1}`;
}

export const files = {
  // a whole 1 × 1 PNG (until 2026-12 its IDAT's zlib check and CRC were
  // wrong: read whole, as the server now reads an upload, it was broken)
  png: () => Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f00050001ff56c72f0d0000000049454e44ae426082', 'hex'),
  // a whole PDF (the server reads its end: startxref naming the xref
  // table, %%EOF); pad spaces before the table make it pad bytes longer
  // (the offset is written in 10 digits, so the length is base + pad)
  pdf: (pad = 0) => {
    let s = '%PDF-1.4\n';
    const at = [];
    for (const o of ['<</Type/Catalog/Pages 2 0 R>>', '<</Type/Pages/Kids[]/Count 0>>']) {
      at.push(s.length);
      s += `${at.length} 0 obj${o}endobj\n`;
    }
    const head = Buffer.from(s, 'latin1');
    const xref = head.length + pad;
    const tail = `xref\n0 3\n0000000000 65535 f \n${at.map((a) => `${String(a).padStart(10, '0')} 00000 n \n`).join('')}` +
      `trailer<</Size 3/Root 1 0 R>>\nstartxref\n${String(xref).padStart(10, '0')}\n%%EOF\n`;
    return Buffer.concat([head, Buffer.alloc(pad, 0x20), Buffer.from(tail, 'latin1')]);
  },
  elf: () => Buffer.concat([Buffer.from('7f454c46020101000000000000000000', 'hex'), Buffer.alloc(256, 1)]),
};

// A valid citizen ID from 12 digits (mod-11 check digit, ORG-2).
export function citizenId(first12) {
  let s = 0;
  for (let i = 0; i < 12; i++) s += Number(first12[i]) * (13 - i);
  return first12 + ((11 - (s % 11)) % 10);
}

// What the export tests read: the entries of a zip (an XLSX) as text,
// and CSV rows (RFC 4180; a ="…" cell is read as the text a spreadsheet shows).
export function unzip(buf) {
  let eocd = buf.length - 22;
  while (eocd > 0 && buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  const n = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const out = {};
  for (let i = 0; i < n; i++) {
    const method = buf.readUInt16LE(p + 10), csize = buf.readUInt32LE(p + 20);
    const nlen = buf.readUInt16LE(p + 28), xlen = buf.readUInt16LE(p + 30), clen = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.subarray(p + 46, p + 46 + nlen).toString('utf8');
    const data = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const raw = buf.subarray(data, data + csize);
    out[name] = (method === 0 ? raw : inflateRawSync(raw)).toString('utf8');
    p += 46 + nlen + xlen + clen;
  }
  return out;
}
// RFC 4180 rows; a ="…" cell is read as the text a spreadsheet shows.
export function parseCsv(text) {
  const rows = [];
  let row = [], cell = '', q = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (q) {
      if (ch === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (ch === '"') q = false; else cell += ch;
    } else if (ch === '"') q = true;
    else if (ch === ',') { row.push(cell); cell = ''; } else if (ch === '\r' && text[i + 1] === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; i++; } else cell += ch;
  }
  if (cell || row.length) { row.push(cell); rows.push(row); }
  return rows.map((r) => r.map((c) => c.replace(/^="(.*)"$/, '$1')));
}

// The bot check (ALTCHA) solved as the widget does: the number whose
// SHA-256 with the salt is the challenge, as the base64 payload the form
// posts; altcha(c) fetches a challenge for client c and solves it.
export function solve(ch) {
  for (let k = 0; k <= ch.maxnumber; k++) {
    if (createHash('sha256').update(ch.salt + k).digest('hex') === ch.challenge) {
      return Buffer.from(JSON.stringify({ algorithm: ch.algorithm, challenge: ch.challenge, number: k, salt: ch.salt, signature: ch.signature, took: 1 })).toString('base64');
    }
  }
  throw new Error('no solution');
}
export async function altcha(c) {
  const r = await c.get('/altcha/challenge');
  if (r.status !== 200) throw new Error(`altcha challenge: ${r.status}`);
  return solve(JSON.parse(r.text));
}

// Fault injection (core/fault.h, a server with KHET_TEST_ROUTES=1): what is
// stored — every table's row count and every file in the data folder.
export async function testState(c) {
  const r = await c.get('/_test/state', { json: true });
  if (r.status !== 200) throw new Error(`/_test/state: ${r.status} ${r.text.slice(0, 300)}`);
  return r.json;
}

// Sends send({ 'x-khet-fault': `${kind}=N` }) with N = 1, 2 … until it
// succeeds (a 2xx or a redirect); every earlier failure must be a 4xx/5xx
// answered in Thai that left testState as it was, the server still up.
// Returns how many calls failed on the way.
export async function faultWalk(c, kind, send, max = 400) {
  const { default: assert } = await import('node:assert/strict');
  for (let n = 1; n <= max; n++) {
    const before = await testState(c);
    const r = await send({ 'x-khet-fault': `${kind}=${n}` });
    if (process.env.KHET_FAULT_DEBUG) console.log(kind, n, r.status, r.text.match(/[\u0E00-\u0E7F][^<"]*/g)?.slice(0, 3));
    if (r.status < 400) return n - 1;
    assert.ok(r.status >= 400 && r.status < 600, `${kind}=${n}: status ${r.status}`);
    assert.match(r.text, /[\u0E00-\u0E7F]/, `${kind}=${n}: the answer says what happened in Thai`);
    assert.deepEqual(await testState(c), before, `${kind}=${n} (${r.status}) left something stored`);
    assert.equal((await c.get('/healthz')).status, 200, `${kind}=${n}: the server still answers`);
  }
  throw new Error(`${kind}: still failing after ${max} faults`);
}
