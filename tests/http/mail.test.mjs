// mail.test.mjs: e-mail through the real binary. Nothing queues mail over
// HTTP yet (accounts will), so a test writes an outbox row straight into
// the server's database — with sqlite3 on its file, or psql on PostgreSQL —
// exactly as mail_queue would, and watches what `khet serve` does with it:
// its mail job sends it to a real SMTP server (aiosmtpd, tests/http/smtp.mjs)
// with the Thai subject and text intact, or, without KHET_SMTP_URL, keeps it
// for the development mailbox at /dev/mailbox, which only a client on this
// machine may open.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { startServer, engine } from './lib.mjs';
import { startSmtp } from './smtp.mjs';

// Runs SQL on the server's database and returns what it printed, trimmed.
function sql(server, query) {
  const out = engine === 'postgres'
    ? execFileSync('psql', [server.db, '-qtAX', '-v', 'ON_ERROR_STOP=1', '-c', query], { encoding: 'utf8' })
    : execFileSync('sqlite3', ['-cmd', '.timeout 5000', `${server.dir}/khet.db`, query], { encoding: 'utf8' });
  return out.trim();
}

const q = (s) => `'${s.replaceAll("'", "''")}'`;

// An outbox row as mail_queue writes it: queued and due now. Returns its id.
function queueMail(server, to, subject, body) {
  const now = Math.floor(Date.now() / 1000);
  return Number(sql(server,
    'INSERT INTO outbox (to_addr, subject, body, status, attempts, next_attempt_at, claimed_until, last_error, created_at) ' +
    `VALUES (${q(to)}, ${q(subject)}, ${q(body)}, 'queued', 0, ${now}, 0, '', ${now}) RETURNING id`));
}

async function until(fn, what, timeoutMs = 10000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out waiting for ' + what);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const subject = 'แจ้งผลการพิจารณาคำร้อง เลขที่ 2568/0042 — สำนักงานเขตพื้นที่การศึกษาประถมศึกษาเชียงใหม่ เขต 1';
const body = 'เรียน คุณสมศรี ใจดี\n\nคำร้องของท่านได้รับอนุมัติแล้ว ดูรายละเอียดที่\n' +
  'https://khet.example.go.th/oss/requests/42?tab=result\n\nขอแสดงความนับถือ\n';

test('a queued mail is sent over SMTP with its Thai subject and text intact', async () => {
  const smtp = await startSmtp();
  const server = await startServer({ demo: false, env: { KHET_SMTP_URL: smtp.url, KHET_BASE_URL: 'https://khet.example.go.th' } });
  try {
    const id = queueMail(server, 'somsri@example.com', subject, body);
    const m = await smtp.waitFor((m) => m.to.includes('somsri@example.com'));
    assert.equal(m.subject, subject);
    assert.equal(m.text, body);
    assert.equal(m.from, 'no-reply@khet.example.go.th');
    assert.deepEqual(m.to, ['somsri@example.com']);
    assert.equal(m.defects, 0);
    assert.match(m.headers['content-type'], /text\/plain; charset="?utf-8"?/i);
    assert.match(m.headers['message-id'], /^<khet\.\d+\.\d+@khet\.example\.go\.th>$/);
    assert.match(m.headers.date, /\+0700$/);
    // On the wire everything is ASCII: base64 body, RFC 2047 subject.
    assert.match(m.raw, /^Subject: =\?UTF-8\?B\?/m);
    assert.ok(/^[\x00-\x7f]*$/.test(m.raw));
    // Stored as sent, once.
    await until(() => sql(server, `SELECT status FROM outbox WHERE id = ${id}`) === 'sent', 'status sent');
    assert.notEqual(sql(server, `SELECT sent_at FROM outbox WHERE id = ${id}`), '');
    await new Promise((r) => setTimeout(r, 2500)); // past the job's next turn
    assert.equal((await smtp.messages()).length, 1);
  } finally {
    await server.stop();
    await smtp.stop();
  }
});

test('with an SMTP URL the development mailbox does not exist', async () => {
  const smtp = await startSmtp();
  const server = await startServer({ demo: false, env: { KHET_SMTP_URL: smtp.url, KHET_BASE_URL: 'https://khet.example.go.th' } });
  try {
    const c = server.client();
    const id = queueMail(server, 'somchai@example.com', 'ทดสอบ', 'ข้อความ');
    await smtp.waitFor((m) => m.to.includes('somchai@example.com'));
    for (const path of ['/dev/mailbox', `/dev/mailbox/${id}`]) {
      const r = await c.get(path);
      assert.equal(r.status, 404, path);
      assert.doesNotMatch(r.text, /somchai/);
    }
  } finally {
    await server.stop();
    await smtp.stop();
  }
});

test('without an SMTP URL mail is kept and shown in the development mailbox', async () => {
  const server = await startServer({ demo: false });
  try {
    const c = server.client();
    const empty = await c.get('/dev/mailbox');
    assert.equal(empty.status, 200);
    assert.match(empty.text, /ยังไม่มีอีเมล/);

    const first = queueMail(server, 'first@example.com', 'ฉบับแรก', 'ข้อความแรก');
    const id = queueMail(server, 'somsri@example.com', subject, body);
    const hostile = queueMail(server, 'x@example.com', '<script>alert(1)</script>',
      'ดูที่ https://khet.example.go.th/a?b=1&c=<b>2</b>. หรือ javascript:alert(1) และ http://127.0.0.1:8080/verify?t=x"onmouseover=1');

    // The mail job keeps it as 'dev' instead of sending it.
    const list = await until(async () => {
      const r = await c.get('/dev/mailbox', { json: true });
      return r.json.mails.length === 3 && r.json.mails.every((m) => m.status === 'dev') && r.json;
    }, 'the mails to become dev');
    // Newest first, with Thai times and statuses.
    assert.deepEqual(list.mails.map((m) => m.id), [hostile, id, first]);
    const mine = list.mails[1];
    assert.equal(mine.to_addr, 'somsri@example.com');
    assert.equal(mine.subject, subject);
    assert.equal(mine.status_name, 'ไม่ได้ส่งจริง (โหมดพัฒนา)');
    assert.match(mine.created_at_text, /^\d{1,2} [ก-๙.]+ 25\d\d, \d\d:\d\d น\.$/);
    assert.equal(mine.url, `/dev/mailbox/${id}`);
    assert.equal(mine.body, undefined); // the list does not carry bodies

    const page = await c.get('/dev/mailbox');
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type'), /text\/html/);
    assert.ok(page.text.includes(`<a href="/dev/mailbox/${id}">`));
    assert.ok(page.text.includes('สำนักงานเขตพื้นที่การศึกษาประถมศึกษาเชียงใหม่'));
    assert.ok(page.text.includes('somsri@example.com'));
    assert.ok(!page.text.includes('<script>alert(1)'));
    assert.ok(page.text.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));

    // One mail: the text, and its links listed apart.
    const one = await c.get(`/dev/mailbox/${id}`, { json: true });
    assert.equal(one.status, 200);
    assert.equal(one.json.mail.body, body);
    assert.deepEqual(one.json.links, [{ url: 'https://khet.example.go.th/oss/requests/42?tab=result' }]);
    const html = await c.get(`/dev/mailbox/${id}`);
    assert.ok(html.text.includes('คำร้องของท่านได้รับอนุมัติแล้ว'));
    assert.ok(html.text.includes('<a href="https://khet.example.go.th/oss/requests/42?tab=result">'));

    // Markup in a mail stays text; only http(s) links become links, and
    // a quote cannot leave the href.
    const bad = await c.get(`/dev/mailbox/${hostile}`, { json: true });
    assert.deepEqual(bad.json.links.map((l) => l.url),
      ['https://khet.example.go.th/a?b=1&c=', 'http://127.0.0.1:8080/verify?t=x']);
    const badHtml = await c.get(`/dev/mailbox/${hostile}`);
    assert.ok(!badHtml.text.includes('<b>2</b>'));
    assert.ok(!badHtml.text.includes('<script>alert'));
    assert.ok(!/href="javascript:/i.test(badHtml.text));
    assert.ok(!badHtml.text.includes('"onmouseover'));

    // Ids that are not there.
    assert.equal((await c.get('/dev/mailbox/999999')).status, 404);
    assert.equal((await c.get('/dev/mailbox/abc')).status, 404);
    const nf = await c.get('/dev/mailbox/999999', { json: true });
    assert.equal(nf.json.error.message, 'ไม่พบอีเมลที่ระบุ');
  } finally {
    await server.stop();
  }
});

test('the development mailbox is closed to a client on another machine', async () => {
  // Behind a proxy (--trust-proxy) the client is the one X-Forwarded-For names.
  const server = await startServer({ demo: false, args: ['--trust-proxy'] });
  try {
    const c = server.client();
    const id = queueMail(server, 'somsri@example.com', 'ความลับ', 'ลิงก์ตั้งรหัสผ่าน https://khet.example.go.th/reset?t=secret');
    for (const path of ['/dev/mailbox', `/dev/mailbox/${id}`]) {
      const far = await c.get(path, { headers: { 'x-forwarded-for': '203.0.113.7' } });
      assert.equal(far.status, 404, path);
      assert.doesNotMatch(far.text, /secret|ความลับ/);
      const near = await c.get(path, { headers: { 'x-forwarded-for': '127.0.0.1' } });
      assert.equal(near.status, 200, path);
    }
  } finally {
    await server.stop();
  }
});

test('an SMTP URL without a base URL is refused at start: e-mailed links would not open', () => {
  const r = spawnSync(process.env.KHET_BIN || 'bin/khet', ['serve', '--smtp-url', 'smtp://127.0.0.1:25', '--listen', '127.0.0.1:0'],
    { encoding: 'utf8', timeout: 10000, env: { ...process.env, KHET_BASE_URL: '' } });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /--smtp-url needs --base-url/);
});

test('the server stops promptly with its mail job running', async () => {
  const smtp = await startSmtp();
  const server = await startServer({ demo: false, env: { KHET_SMTP_URL: smtp.url, KHET_BASE_URL: 'https://khet.example.go.th' } });
  const t0 = Date.now();
  const exit = await server.stop();
  await smtp.stop();
  assert.equal(exit.code, 0);
  assert.ok(Date.now() - t0 < 5000, 'stopped in ' + (Date.now() - t0) + ' ms');
});
