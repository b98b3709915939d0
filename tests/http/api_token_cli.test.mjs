// `khet token add|list|revoke` (issue 15.4; make bench calls the API with a
// token it makes this way): the token printed alone on stdout calls the
// API as its owner in the asked role and scopes; a bad scope, an unknown
// user, a role he does not hold, too many days store nothing; revoke ends
// it at once (401 token_revoked); every change is in the audit trail as
// done by the command line. SQLite and (KHET_TEST_PG) PostgreSQL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { khet, startServer } from './lib.mjs';

let server;
before(async () => { server = await startServer({ demoArgs: ['--requests', '200'] }); });
after(async () => { await server?.stop(); });

const count = (q) => Number(server.sql(q));

async function call(token, path) {
  const res = await fetch(server.base + path, { headers: { authorization: `Bearer ${token}` } });
  const text = await res.text();
  let json;
  try { json = JSON.parse(text); } catch {}
  return { status: res.status, json, text };
}

test('khet token add: the printed token reads the officer\'s list, with his scopes only; list shows it hashed', async () => {
  const before = count('SELECT COUNT(*) FROM api_tokens');
  const r = khet(['token', 'add', '--login', 'officer', '--role', 'officer', '--scopes', 'oss:read', '--name', 'ระบบรายงาน', '--days', '30'], server.env);
  assert.equal(r.code, 0, r.stderr);
  const token = r.stdout.trim();
  assert.match(token, /^khet_[A-Za-z0-9_-]{43}$/, 'stdout is the token alone');
  assert.equal(count('SELECT COUNT(*) FROM api_tokens'), before + 1);
  assert.equal(count(`SELECT COUNT(*) FROM api_tokens WHERE hash LIKE '%${token.slice(5, 25)}%'`), 0, 'stored hashed');
  // the officer's grant of his area, his first service by default
  const row = server.sql("SELECT t.kind || ' ' || t.scopes || ' ' || g.role || ' ' || (t.area_id = g.area_id) || ' ' || (t.created_by = t.user_id) FROM api_tokens t JOIN grants g ON g.id = t.grant_id ORDER BY t.id DESC LIMIT 1");
  assert.match(row, /^personal oss:read officer (1|true) (1|true)$/);
  // expiry: the end of the day 30 days from now (Bangkok), not later
  const exp = count('SELECT expires_at FROM api_tokens ORDER BY id DESC LIMIT 1');
  const now = Date.now() / 1000;
  assert.ok(exp > now + 29 * 86400 && exp <= now + 31 * 86400, `expires ${exp}`);

  const list = await call(token, '/api/v1/oss/requests?per_page=100');
  assert.equal(list.status, 200, list.text);
  assert.ok(list.json.items.length > 0);
  assert.equal(list.json.per_page, 100);
  const svc = list.json.items[0].service.code;
  assert.ok(list.json.items.every((x) => x.service.code === svc), 'one service: the grant\'s');
  // a scope it was not given
  const kpi = await call(token, '/api/v1/kpi/years');
  assert.equal(kpi.status, 403);
  assert.equal(kpi.json.error.code, 'insufficient_scope');

  const l = khet(['token', 'list'], server.env);
  assert.equal(l.code, 0, l.stderr);
  assert.match(l.stdout, /^id\tprefix\tname\tkind/);
  assert.ok(l.stdout.includes(token.slice(0, 12)), 'its prefix is listed');
  assert.ok(!l.stdout.includes(token), 'never the token itself');
  assert.match(l.stdout, /ระบบรายงาน\tpersonal\tofficer\tofficer\t\d+\toss:read\t\d{4}-\d\d-\d\dT23:59:59\+07:00\t\n/);

  const audit = server.sql("SELECT actor_role || ' ' || COALESCE(actor_user_id, 0) || ' ' || detail FROM audit WHERE action = 'api.token.create' ORDER BY id DESC LIMIT 1");
  assert.match(audit, /^cli 0 .*"scopes": ?"oss:read"/);
});

test('khet token add: every bad input is refused with a message at its flag, and nothing is stored', () => {
  const n = count('SELECT COUNT(*) FROM api_tokens');
  const nAudit = count("SELECT COUNT(*) FROM audit WHERE action LIKE 'api.token.%'");
  const cases = [
    [['--login', 'officer', '--scopes', 'oss:fly'], /\(--scopes\) \/ ขอบเขตสิทธิ์ "oss:fly" ไม่อยู่ในรายการ/],
    [['--login', 'officer', '--scopes', ','], /\(--scopes\) \/ กรุณาเลือกขอบเขตสิทธิ์/],
    [['--login', 'nobody-here', '--scopes', 'oss:read'], /\(--login\) \/ ไม่พบบัญชีผู้ใช้ nobody-here/],
    [['--login', 'officer', '--scopes', 'oss:read', '--role', 'kpi_owner'], /\(--role\) \/ ผู้ใช้นี้ไม่มีบทบาทที่เลือก/],
    [['--login', 'officer', '--scopes', 'oss:read', '--role', 'wizard'], /\(--role\) \/ ไม่รู้จักบทบาท wizard/],
    [['--login', 'officer', '--scopes', 'oss:read', '--days', '367'], /\(--days\) \/ --days ต้องเป็นจำนวนวัน/],
    [['--login', 'officer', '--scopes', 'oss:read', '--days', 'soon'], /\(--days\)/],
    [['--login', 'officer', '--scopes', 'oss:read', '--area-code', '0000'], /\(--area-code\) \/ ไม่พบสำนักงานเขตพื้นที่รหัส 0000/],
  ];
  for (const [args, msg] of cases) {
    const r = khet(['token', 'add', ...args], server.env);
    assert.equal(r.code, 1, args.join(' ') + ': ' + r.stderr);
    assert.match(r.stderr, /nothing was stored/);
    assert.match(r.stderr, msg);
    assert.equal(r.stdout, '', 'no token printed');
  }
  // --days 0 is today: refused in its very last second (it would be over at once)
  const lastSecond = String(Date.UTC(2026, 11, 7, 16, 59, 59) / 1000); // 23:59:59 in Bangkok
  const r0 = khet(['token', 'add', '--login', 'officer', '--scopes', 'oss:read', '--days', '0'], { ...server.env, KHET_TEST_NOW: lastSecond });
  assert.equal(r0.code, 1, r0.stderr);
  assert.match(r0.stderr, /\(--days\) \/ วันหมดอายุต้องเป็นวันนี้หรือหลังจากนี้/);
  assert.equal(khet(['token', 'add', '--login', 'officer'], server.env).code, 2, 'no --scopes: usage');
  assert.equal(khet(['token', 'add', '--scopes', 'oss:read', '--bogus'], server.env).code, 2);
  assert.equal(khet(['token'], server.env).code, 2);
  assert.equal(count('SELECT COUNT(*) FROM api_tokens'), n);
  assert.equal(count("SELECT COUNT(*) FROM audit WHERE action LIKE 'api.token.%'"), nAudit);
});

test('khet token revoke: the token is refused at once (401 token_revoked); a second revoke is refused', async () => {
  const token = khet(['token', 'add', '--login', 'areaadmin1', '--scopes', 'org:read'], server.env).stdout.trim();
  assert.equal((await call(token, '/api/v1/areas')).status, 200);
  const id = count('SELECT MAX(id) FROM api_tokens');
  let r = khet(['token', 'revoke', '--id', String(id)], server.env);
  assert.equal(r.code, 0, r.stderr);
  const after = await call(token, '/api/v1/areas');
  assert.equal(after.status, 401);
  assert.equal(after.json.error.code, 'token_revoked');
  r = khet(['token', 'revoke', '--id', String(id)], server.env);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /\(--id\) \/ ไม่พบโทเคนเลขที่/);
  assert.equal(khet(['token', 'revoke', '--id', 'x'], server.env).code, 2);
  assert.equal(count(`SELECT COUNT(*) FROM audit WHERE action = 'api.token.revoke' AND target_id = ${id} AND actor_role = 'cli'`), 1);
  assert.match(khet(['token', 'list'], server.env).stdout, new RegExp(`^${id}\\t.*\\trevoked$`, 'm'));
});
