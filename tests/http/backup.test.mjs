// backup: `khet backup DIR` while the server serves and takes One Stop
// Service requests with files, `khet restore DIR` into an empty folder (and,
// on PostgreSQL, an empty database), and a server started on the restored
// copy that shows every request and serves every file byte for byte. A
// backup cut off (no manifest), a file changed after the backup and a
// target that already has data are refused with a Thai and English message,
// and nothing is written.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, unlinkSync, appendFileSync, readdirSync, existsSync, cpSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, files, engine, khet as khetRaw, pgDatabase } from './lib.mjs';

// Every run of the binary, refused ones too, must be clean under the
// sanitizers (make test's ASan run): a leak on a refusal path still exits 1.
const SANITIZER = /runtime error:|AddressSanitizer|LeakSanitizer/;
function khet(args, env) {
  const r = khetRaw(args, env);
  assert.doesNotMatch(r.stderr, SANITIZER, `khet ${args.join(' ')}`);
  return r;
}

const BIN = process.env.KHET_BIN || 'bin/khet';
const DEMO_PW = 'khet-demo-2567';
const THAI = /[\u0E00-\u0E7F]/;
let server, citizen, areaId;
const temps = [];
const dbs = [];

function tempDir() {
  const d = mkdtempSync(join(tmpdir(), 'khet-backup-'));
  temps.push(d);
  return d;
}

// An empty target: a new data folder, and on PostgreSQL a new database.
function emptyTarget() {
  const data = tempDir();
  if (engine === 'postgres') {
    const pg = pgDatabase();
    dbs.push(pg);
    return { data, db: pg.url, env: { KHET_DATA: data, KHET_DB: pg.url } };
  }
  return { data, db: `sqlite:${data}/khet.db`, env: { KHET_DATA: data, KHET_DB: `sqlite:${data}/khet.db` } };
}

async function signedIn(srv, login) {
  const c = srv.client();
  await c.get('/signin');
  const r = await c.post('/signin', { login, password: DEMO_PW });
  assert.equal(r.status, 303, `sign in ${login}: ${r.status}`);
  return c;
}

const person = { title: 'นาย', first_name: 'ผดุงสิทธิ์', last_name: 'ลาวรรณ', phone: '0812345678' };
function idCardFields() {
  return {
    area_id: String(areaId), ...person, birth_date: '1985-05-12', nationality: 'ไทย', blood_group: 'O',
    address_registered: '382 หมู่ 8 ตำบลกุดชุม อำเภอกุดชุม จังหวัดยโสธร', address_contact: 'เดียวกับทะเบียนบ้าน',
    work_unit: 'กลุ่มส่งเสริมการศึกษาทางไกล', position: 'นักวิชาการคอมพิวเตอร์', rank: 'ชำนาญการ', official_type: 'teacher',
  };
}

// Submits an ID-card request with a PDF of its own content; returns
// { id, code, pdf } once the server has answered.
let seq = 0;
async function submit(c) {
  const pdf = files.pdf(++seq * 7);
  const r = await c.postMultipart('/oss/new/11', idCardFields(), { id_card: { data: pdf, filename: `บัตร${seq}.pdf`, type: 'application/pdf' } }, { json: true });
  assert.equal(r.status, 200, `submit: ${r.status} ${r.text.slice(0, 300)}`);
  const id = Number(r.json.location.match(/^\/oss\/requests\/(\d+)$/)[1]);
  const v = await c.get(`/oss/requests/${id}`, { json: true });
  return { id, code: v.json.code, pdf: pdf.toString('latin1') };
}

function run(args, env) {
  return new Promise((resolve) => {
    const p = spawn(BIN, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    p.stdout.on('data', (d) => { stdout += d; });
    p.stderr.on('data', (d) => { stderr += d; });
    p.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

// The requests a server shows and each file's bytes, checked against what
// was submitted: every request it has is one we sent, with its file whole.
async function checkRestored(srv, sent, mustHave) {
  const c = await signedIn(srv, 'citizen');
  const seen = new Set();
  for (const s of sent) {
    const v = await c.get(`/oss/requests/${s.id}`, { json: true });
    if (mustHave.includes(s)) assert.equal(v.status, 200, `request ${s.code} submitted before the backup is missing`);
    if (v.status !== 200) continue;
    assert.equal(v.json.code, s.code);
    assert.equal(v.json.files.length, 1, `request ${s.code} has its file`);
    const f = await fetch(srv.base + v.json.files[0].url, { headers: { cookie: c.cookieHeader() } });
    assert.equal(f.status, 200, `file of ${s.code}: ${f.status}`);
    assert.equal(Buffer.from(await f.arrayBuffer()).toString('latin1'), s.pdf, `file of ${s.code} is byte for byte`);
    seen.add(s.id);
  }
  // and nothing else: every OSS request of the restored copy is one of these
  const ids = srv.sql('SELECT id FROM oss_requests').split('\n').filter(Boolean).map(Number);
  const demoIds = new Set(server.sql('SELECT id FROM oss_requests').split('\n').filter(Boolean).map(Number));
  for (const id of ids) assert.ok(seen.has(id) || demoIds.has(id), `request ${id} is one that was submitted`);
  // every file row of the copy has its file in the restored data folder
  for (const p of srv.sql('SELECT path FROM oss_files').split('\n').filter(Boolean))
    assert.ok(existsSync(join(srv.dir, p)), `${p} restored`);
  return seen;
}

before(async () => {
  server = await startServer();
  citizen = await signedIn(server, 'citizen');
  const form = await citizen.get('/oss/new/11', { json: true });
  areaId = form.json.form.fields.find((f) => f.name === 'area_id').choices.find((x) => x.value).value;
});
after(async () => {
  await server?.stop();
  for (const d of temps) rmSync(d, { recursive: true, force: true });
  for (const pg of dbs) pg.drop();
});

test('backup while requests with files arrive, restore into an empty folder, every request and file is there', async () => {
  const sent = [];
  for (let i = 0; i < 3; i++) sent.push(await submit(citizen));
  const beforeBackup = [...sent];
  const dir = join(tempDir(), 'b1');
  // submissions keep arriving for the whole time the backup runs
  const backup = run(['backup', dir], server.env);
  let done = false;
  backup.then(() => { done = true; });
  const during = [];
  while (!done) {
    const [a, b] = await Promise.all([submit(citizen), submit(citizen)]);
    during.push(a, b);
  }
  sent.push(...during);
  const r = await backup;
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stderr, SANITIZER);
  assert.match(r.stdout, /สำรองข้อมูลแล้ว.*backup written/);
  assert.ok(during.length >= 2);
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  assert.equal(manifest.engine, engine);
  assert.ok(manifest.tables.oss_requests >= beforeBackup.length);

  const target = emptyTarget();
  const rr = khet(['restore', dir], target.env);
  assert.equal(rr.code, 0, rr.stderr);
  assert.match(rr.stdout, /กู้คืน.*restored from/);
  const restored = await startServer({ demo: false, data: target.data, db: target.db });
  try {
    const seen = await checkRestored(restored, sent, beforeBackup);
    assert.ok(seen.size >= beforeBackup.length);
    // the restored copy takes new work
    const c = await signedIn(restored, 'citizen');
    const more = await c.postMultipart('/oss/new/11', idCardFields(), { id_card: { data: files.pdf(3), filename: 'x.pdf', type: 'application/pdf' } }, { json: true });
    assert.equal(more.status, 200, more.text.slice(0, 300));
  } finally {
    await restored.stop();
  }

  // a backup after the last submission has every one of them
  const dir2 = join(tempDir(), 'b2');
  assert.equal(khet(['backup', dir2], server.env).code, 0);
  const t2 = emptyTarget();
  assert.equal(khet(['restore', dir2], t2.env).code, 0);
  const r2 = await startServer({ demo: false, data: t2.data, db: t2.db });
  try {
    const seen = await checkRestored(r2, sent, sent);
    assert.equal(seen.size, sent.length);
  } finally {
    await r2.stop();
  }
});

test('restore refuses a cut-off backup, a changed file and a database that has data; --force overwrites', async () => {
  await submit(citizen);
  const dir = join(tempDir(), 'b');
  const b = khet(['backup', dir], server.env);
  assert.equal(b.code, 0, b.stderr);
  // a second backup into the same folder is refused
  const again = khet(['backup', dir], server.env);
  assert.equal(again.code, 1);
  assert.match(again.stderr, THAI);
  assert.match(again.stderr, /not empty/);

  // cut off: no manifest (as when the backup was killed before the end)
  const torn = join(tempDir(), 'torn');
  cpSync(dir, torn, { recursive: true });
  unlinkSync(join(torn, 'manifest.json'));
  let t = emptyTarget();
  let r = khet(['restore', torn], t.env);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /ข้อมูลสำรองไม่ครบ.*the backup is incomplete/);
  assert.deepEqual(readdirSync(t.data), [], 'nothing written');

  // a truncated manifest
  const cut = join(tempDir(), 'cut');
  cpSync(dir, cut, { recursive: true });
  const mtext = readFileSync(join(cut, 'manifest.json'), 'utf8');
  cpSync(join(cut, 'manifest.json'), join(cut, 'm.bak'));
  unlinkSync(join(cut, 'manifest.json'));
  appendFileSync(join(cut, 'manifest.json'), mtext.slice(0, mtext.length / 2));
  r = khet(['restore', cut], t.env);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /ข้อมูลสำรองเสียหาย.*damaged/);

  // a file changed after the backup (and the database file)
  const changed = join(tempDir(), 'changed');
  cpSync(dir, changed, { recursive: true });
  const m = JSON.parse(readFileSync(join(changed, 'manifest.json'), 'utf8'));
  assert.ok(m.files.length > 0);
  appendFileSync(join(changed, 'data', m.files[0].path), 'x');
  r = khet(['restore', changed], t.env);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /ข้อมูลสำรองเสียหาย.*does not match/);
  assert.ok(r.stderr.includes(m.files[0].path));
  const lost = join(tempDir(), 'lost');
  cpSync(dir, lost, { recursive: true });
  unlinkSync(join(lost, 'data', m.files[0].path));
  r = khet(['restore', lost], t.env);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /ไม่มีไฟล์.*is missing/);
  const dbfile = join(tempDir(), 'dbfile');
  cpSync(dir, dbfile, { recursive: true });
  appendFileSync(join(dbfile, m.database.file), '\0');
  r = khet(['restore', dbfile], t.env);
  assert.equal(r.code, 1);
  assert.match(r.stderr, new RegExp(m.database.file.replace('.', '\\.') + '.*does not match'));
  assert.deepEqual(readdirSync(t.data), [], 'nothing written');

  // a path outside the data folder in a doctored manifest
  const evil = join(tempDir(), 'evil');
  cpSync(dir, evil, { recursive: true });
  const em = JSON.parse(readFileSync(join(evil, 'manifest.json'), 'utf8'));
  em.files[0].path = '../../escape';
  unlinkSync(join(evil, 'manifest.json'));
  appendFileSync(join(evil, 'manifest.json'), JSON.stringify(em));
  r = khet(['restore', evil], t.env);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /unsafe path/);

  // the other engine's backup
  if (engine === 'sqlite') {
    const pgish = join(tempDir(), 'pgish');
    r = khet(['restore', dir], { KHET_DB: 'postgres://nobody@127.0.0.1:1/none', KHET_DATA: pgish });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /same kind of database/);
  }

  // a target with data: refused, then --force
  r = khet(['restore', dir], t.env);
  assert.equal(r.code, 0, r.stderr);
  const count = () => Number(khet(['user', 'list'], t.env).stdout.split('\n').filter(Boolean).length);
  const users = count();
  r = khet(['restore', dir], t.env);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /ฐานข้อมูลปลายทางมีข้อมูลอยู่แล้ว.*--force/);
  assert.match(r.stderr, /target database is not empty/);
  r = khet(['restore', dir, '--force'], t.env);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(count(), users);
  // not inside the data folder: each backup would carry the earlier ones
  r = khet(['backup', join(server.dir, 'backups')], server.env);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /อยู่ในโฟลเดอร์ข้อมูล.*inside the data folder/);
  assert.equal(existsSync(join(server.dir, 'backups')), false);
  // usage
  assert.equal(khet(['backup'], server.env).code, 2);
  assert.equal(khet(['restore'], server.env).code, 2);
});
