// diskfull: the data folder's disk fills up (issue 16 item 4). On a small
// tmpfs (mounting needs root, as CI runs; elsewhere the test says it is
// skipped), a server on SQLite with its uploads there: once the disk is
// full, a submission with a file is refused at the file's field and a
// write without one with the Thai 507 page, nothing half-stored, the
// database passes PRAGMA integrity_check, pages are still read, and
// /healthz and /metrics say the disk is low; with space again, writes work.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statfsSync, writeFileSync, appendFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, files, khet } from './lib.mjs';

let mnt, server, area, mounted = false;

before(async () => {
  mnt = mkdtempSync('/tmp/khet-diskfull-');
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=48m', 'tmpfs', mnt], { stdio: 'pipe' });
    mounted = true;
  } catch {
    return;
  }
  server = await startServer({ env: { KHET_DATA: mnt, KHET_DB: `sqlite:${mnt}/khet.db`, KHET_MIN_FREE_MB: '4' } });
  area = Number(server.sql("SELECT id FROM areas WHERE code = '3502'"));
});
after(async () => {
  await server?.stop();
  if (mounted) execFileSync('umount', ['-l', mnt]);
  rmSync(mnt, { recursive: true, force: true });
});

// Fills the disk: one large file, then 4 KB pieces until the last refuses.
function fill() {
  const f = join(mnt, 'filler');
  const { bavail, bsize } = statfsSync(mnt);
  writeFileSync(f, Buffer.alloc(Math.max(0, bavail * bsize - 64 * 1024)));
  try { for (;;) appendFileSync(f, Buffer.alloc(4096)); } catch (e) { assert.equal(e.code, 'ENOSPC'); }
  return f;
}

test('a full disk: writes refused in Thai with nothing stored, reads go on, health says so; space again, writes work', async (t) => {
  if (!mounted) return t.skip('mounting a tmpfs needs root');
  const c = server.client();
  await c.get('/signin');
  const counts = () => server.sql("SELECT (SELECT COUNT(*) FROM oss_requests) || '/' || (SELECT COUNT(*) FROM sessions)");
  let h = JSON.parse((await c.get('/healthz')).text);
  assert.equal(h.status, 'ok');
  const before = counts();
  const filler = fill();
  try {
    // reads go on
    assert.equal((await c.get(`/areas/${area}/schools`)).status, 200);
    // a write without a file: the database refuses it, 507 in Thai
    const s = await c.post('/signin', { login: 'citizen', password: 'khet-demo-2567' });
    assert.equal(s.status, 507, s.text.slice(0, 300));
    assert.match(s.text, /พื้นที่จัดเก็บข้อมูลของระบบเต็ม/);
    await c.get('/signin');
    const j = await c.post('/signin', { login: 'citizen', password: 'khet-demo-2567' }, { json: true });
    assert.equal(j.status, 507);
    assert.match(j.json.error.message, /พื้นที่จัดเก็บ/);
    // health and metrics tell the operator
    const hr = await c.get('/healthz');
    assert.equal(hr.status, 200);
    h = JSON.parse(hr.text);
    assert.equal(h.status, 'degraded');
    assert.equal(h.disk, 'low');
    assert.match((await c.get('/metrics')).text, /khet_data_free_low 1/);
  } finally {
    unlinkSync(filler);
  }
  assert.equal(counts(), before, 'nothing stored while the disk was full');
  const check = () => khet(['check'], server.env);
  assert.match(check().stdout, /: ok/);
  // space again: the sign-in and a submission with a file go through
  await c.get('/signin');
  const ok = await c.post('/signin', { login: 'citizen', password: 'khet-demo-2567' });
  assert.equal(ok.status, 303, ok.text.slice(0, 300));
  assert.match((await c.get('/metrics')).text, /khet_data_free_low 0/);

  // an upload that meets the full disk is refused at its field
  const fields = { area_id: String(area), title: 'นาย', first_name: 'ผดุงสิทธิ์', last_name: 'ลาวรรณ', phone: '0812345678',
    school: 'โรงเรียนบ้านหนองบัว', pp1_p: '2', pp3_p: '10', pp1_b: '0', pp2_b: '', pp3_b: '' };
  const big = Buffer.concat([files.pdf(), Buffer.alloc(2 * 1024 * 1024, 0x20)]);
  const before2 = counts();
  const f2 = fill();
  let up;
  try {
    up = await c.postMultipart('/oss/new/41', fields, { purchase_letter: { data: big, filename: 'letter.pdf', type: 'application/pdf' } });
  } finally {
    unlinkSync(f2);
  }
  assert.ok(up.status === 422 || up.status === 507, `status ${up.status}`);
  assert.match(up.text, /พื้นที่จัดเก็บ/);
  assert.equal(counts(), before2);
  assert.equal(check().code, 0);
  const done = await c.postMultipart('/oss/new/41', fields, { purchase_letter: { data: files.pdf(), filename: 'letter.pdf', type: 'application/pdf' } }, { json: true });
  assert.equal(done.status, 200, done.text.slice(0, 300));
});
