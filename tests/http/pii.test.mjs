// pii.test.mjs: a page's JSON carries no personal field its HTML does not
// show (issue 11.4, X-2, X-5). Every GET route of the real route table
// (/_test/routes), its :params filled with ids of the demo data, is asked
// for as HTML and as JSON by every demo identity (each role of each demo
// sign-in, a super admin, and nobody signed in); every citizen ID, G-code,
// e-mail and phone of a demo person that the JSON holds must be in the
// HTML too. Then the reads themselves: a staff member who is shown
// personal data leaves a personal.read row in the audit trail, one who is
// shown none leaves none.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import http from 'node:http';
import { startServer, citizenId, AddressClient, ipSequence, altcha, files } from './lib.mjs';

const DEMO_PW = 'khet-demo-2567';
const SUPER_PW = 'khet-super-2567-x';
let server;
const nextIp = ipSequence('10.71');
const client = () => new AddressClient(server.base, nextIp());
const sql = (q) => server.sql(q);
const col = (q) => sql(q).split('\n').filter(Boolean);
const n = (q) => Number(sql(q));

async function signin(login, password = DEMO_PW) {
  const c = client();
  await c.get('/signin');
  const r = await c.post('/signin', { login, password });
  assert.equal(r.status, 303, `sign in ${login}: ${r.status}`);
  return c;
}

// Every identity a demo page is seen as: nobody, then each active grant's
// role of each demo sign-in (one grant per role), then the super admin.
const DEMO_USERS = ['areaadmin1', 'areaadmin2', 'schooladmin', 'schooladmin2', 'teacher', 'officer', 'citizen',
  'kpiowner', 'kpireviewer', 'schooldirector', 'dmcarea', 'superadmin'];
async function identities() {
  const one = async (u) => {
    const pw = u === 'superadmin' ? SUPER_PW : DEMO_PW;
    const grants = col(`SELECT MIN(g.id) || '|' || g.role FROM grants g JOIN users u ON u.id = g.user_id
      WHERE u.username = '${u}' AND g.revoked_at IS NULL GROUP BY g.role ORDER BY MIN(g.id)`);
    if (!grants.length) return [{ name: u, c: await signin(u, pw), signedIn: true, role: null }];
    // a session holds one role at a time: one sign-in per role
    return Promise.all(grants.map(async (g) => {
      const [id, role] = g.split('|');
      const c = await signin(u, pw);
      const r = await c.post('/session/role', { role: id, next: '/account' });
      assert.equal(r.status, 303, `${u} as ${role}`);
      return { name: `${u} as ${role}`, c, signedIn: true, role };
    }));
  };
  // four at a time: each sign-in is an argon2id hash (64 MB), and a loaded
  // CI machine should not be asked for twenty at once
  const signedIn = [];
  for (let i = 0; i < DEMO_USERS.length; i += 4) signedIn.push(...await Promise.all(DEMO_USERS.slice(i, i + 4).map(one)));
  return [{ name: 'anonymous', c: client(), signedIn: false, role: null }, ...signedIn.flat()];
}

// How each :param of a pattern becomes ids: keyed by the pattern up to and
// including the parameter. A new route whose parameter is not here fails the
// walk, so no route is skipped without anyone deciding to.
function paramIds() {
  const first = (q, k = 1) => col(`${q} LIMIT ${k}`);
  const areas = col("SELECT id FROM areas WHERE code IN ('3502', '6201') ORDER BY code");
  const school = first(`SELECT id FROM schools WHERE area_id = ${areas[0]} ORDER BY id`);
  const otherArea = first(`SELECT id FROM schools WHERE area_id = ${areas[1]} ORDER BY id`);
  // the two sent through the forms in before() (with the applicant's
  // citizen ID and e-mail in their data) and one of the demo's
  const oss = col("SELECT MAX(id) FROM oss_requests WHERE service IN ('11', '21', '31') GROUP BY service ORDER BY service");
  const year = () => col('SELECT DISTINCT fiscal_year FROM kpi_indicators');
  return {
    '/access/requests/:rid': () => col('SELECT id FROM access_requests ORDER BY id'),
    '/areas/:id': () => areas,
    '/areas/:id/users/:uid': () => col("SELECT id FROM users WHERE username IN ('schooladmin', 'schooladmin2') ORDER BY id"),
    '/cal/areas/:id': () => areas,
    '/cal/schools/:id': () => [...school, ...otherArea],
    '/dev/mailbox/:id': () => first('SELECT id FROM outbox ORDER BY id DESC'),
    '/bld/areas/:aid': () => areas,
    '/bld/buildings/:id': () => col(`SELECT MIN(id) FROM bld_buildings WHERE school_id = ${school[0]}`),
    '/bld/buildings/:id/files/:fid': (p) => col(`SELECT id FROM bld_photos WHERE building_id = ${p.id}`),
    '/bld/schools/:sid': () => [...school, ...otherArea],
    '/dmc/areas/:aid': () => areas,
    '/dmc/areas/:aid/requests/:rid': () => col('SELECT id FROM dmc_requests ORDER BY id'),
    '/dmc/areas/:aid/rounds/:rid': () => first('SELECT id FROM dmc_rounds ORDER BY id'),
    '/dmc/gcode/:gid': () => col('SELECT id FROM dmc_gcode_requests ORDER BY id'),
    '/dmc/gcode/:gid/docs/:kind': (p) => col(`SELECT kind FROM dmc_gcode_docs WHERE request_id = ${p.gid} ORDER BY kind`),
    '/dmc/learners/:id': () => col(`SELECT MIN(id) FROM dmc_learners WHERE school_id = ${school[0]}
      UNION SELECT MIN(id) FROM dmc_learners WHERE gcode IS NOT NULL`),
    '/dmc/schools/:sid': () => [...school, ...otherArea],
    '/dmc/schools/:sid/rounds/:rid': () => first('SELECT id FROM dmc_rounds ORDER BY id'),
    '/dpa/areas/:aid': () => areas,
    '/dpa/schools/:sid': () => [...school, ...otherArea],
    // a record of the first school, and the demo people's own (DPA-5: the account's line)
    '/dpa/staff/:id': () => col(`SELECT MIN(id) FROM dpa_staff WHERE school_id = ${school[0]}
      UNION SELECT s.id FROM dpa_staff s JOIN users u ON u.citizen_id = s.citizen_id`),
    '/kpi/:year': year,
    '/kpi/stats/:year': year,
    '/kpi/indicators/:id': () => col('SELECT id FROM kpi_indicators ORDER BY id'),
    '/kpi/indicators/:id/files/:fid': (p) => col(`SELECT id FROM kpi_indicator_files WHERE indicator_id = ${p.id}`),
    '/kpi/periods/:id': () => first('SELECT id FROM kpi_periods ORDER BY id'),
    '/kpi/reports/:id': () => first('SELECT id FROM kpi_reports ORDER BY id'),
    '/kpi/reports/:id/files/:fid': (p) => col(`SELECT id FROM kpi_report_files WHERE report_id = ${p.id}`),
    '/oss/docs/:area': () => areas.slice(0, 1),
    '/oss/docs/:area/:service': () => ['11'],
    '/oss/docs/:area/:service/:kind': () => ['form'],
    '/oss/manage/requests/:id': () => oss,
    '/oss/new/:service': () => ['11', '12', '21', '31', '32', '41'],
    '/oss/requests/:id': () => oss,
    '/oss/requests/:id/files/:fid': (p) => first(`SELECT id FROM oss_files WHERE request_id = ${p.id}`),
    '/oss/rooms/:id': () => first('SELECT id FROM oss_rooms ORDER BY id'),
    '/school-admin/regs/:rid': () => col('SELECT id FROM school_admin_regs ORDER BY id'),
    // the API (/api/v1): JSON only, so its walk checks that every answer
    // is refused or given by the route table's roles and scopes; what it
    // masks is api.test.mjs's
    '/api/v1/areas/:id': () => areas,
    '/api/v1/schools/:id': () => [...school, ...otherArea],
    '/api/v1/users/:id': () => col("SELECT id FROM users WHERE username IN ('teacher', 'schooladmin2', 'citizen') ORDER BY id"),
    '/api/v1/oss/areas/:id': () => areas,
    '/api/v1/dmc/schools/:id': () => [...school, ...otherArea],
    '/api/v1/dpa/schools/:id': () => [...school, ...otherArea],
    '/api/v1/oss/rooms/:id': () => first('SELECT id FROM oss_rooms ORDER BY id'),
    '/api/v1/oss/requests/:id': () => oss,
    '/api/v1/oss/requests/:id/files/:fid': (p) => first(`SELECT id FROM oss_files WHERE request_id = ${p.id}`),
    '/api/v1/kpi/years/:year': year,
    '/api/v1/kpi/indicators/:id': () => first('SELECT id FROM kpi_indicators ORDER BY id'),
    '/api/v1/kpi/periods/:id': () => first('SELECT id FROM kpi_periods ORDER BY id'),
    '/api/v1/kpi/reports/:id': () => first('SELECT id FROM kpi_reports ORDER BY id'),
    // the census and personnel resources (api15b), as their pages'
    '/api/v1/dmc/schools/:sid': () => [...school, ...otherArea],
    '/api/v1/dmc/areas/:aid': () => areas,
    '/api/v1/dmc/learners/:id': () => col(`SELECT MIN(id) FROM dmc_learners WHERE school_id = ${school[0]}
      UNION SELECT MIN(id) FROM dmc_learners WHERE gcode IS NOT NULL`),
    '/api/v1/dmc/requests/:id': () => col('SELECT id FROM dmc_requests ORDER BY id'),
    '/api/v1/dmc/schools/:sid/rounds/:rid': () => first('SELECT id FROM dmc_rounds ORDER BY id'),
    '/api/v1/dmc/gcode/:gid': () => col('SELECT id FROM dmc_gcode_requests ORDER BY id'),
    '/api/v1/dmc/gcode/:gid/docs/:kind': (p) => col(`SELECT kind FROM dmc_gcode_docs WHERE request_id = ${p.gid} ORDER BY kind`),
    '/api/v1/dpa/schools/:sid': () => [...school, ...otherArea],
    '/api/v1/dpa/staff/:id': () => col(`SELECT MIN(id) FROM dpa_staff WHERE school_id = ${school[0]}
      UNION SELECT s.id FROM dpa_staff s JOIN users u ON u.citizen_id = s.citizen_id`),
    '/api/v1/dpa/transfers/:tid': () => col('SELECT id FROM dpa_transfers ORDER BY id'),
    '/api/v1/bld/schools/:sid': () => [...school, ...otherArea],
    '/api/v1/bld/areas/:aid': () => areas,
    '/api/v1/bld/buildings/:id': () => col(`SELECT MIN(id) FROM bld_buildings WHERE school_id = ${school[0]}`),
    '/api/v1/bld/buildings/:id/photos/:fid': (p) => col(`SELECT id FROM bld_photos WHERE building_id = ${p.id}`),
    '/api/v1/cal/areas/:id': () => areas,
    '/api/v1/cal/schools/:id': () => [...school, ...otherArea],
    '/schools/:sid': () => [...school, ...otherArea],
  };
}

// The concrete paths of one pattern, or the parameter no table names.
function expand(pattern, table) {
  const segs = pattern.split('/');
  let paths = [{ path: '', params: {} }];
  for (let i = 1; i < segs.length; i++) {
    const s = segs[i];
    if (!s.startsWith(':')) { paths = paths.map((p) => ({ ...p, path: `${p.path}/${s}` })); continue; }
    const key = segs.slice(0, i + 1).join('/');
    if (!table[key]) return { missing: key };
    const next = [];
    for (const p of paths) for (const v of table[key](p.params)) next.push({ path: `${p.path}/${v}`, params: { ...p.params, [s.slice(1)]: v } });
    paths = next;
  }
  return { paths: paths.map((p) => p.path || '/') };
}

// Lists show more rows under these filters.
const EXTRA = ['/areas/:id/users?status=all', '/areas/:id/access-requests?status=all', '/areas/:id/school-admin-regs?status=all',
  '/password/requests?status=all', '/oss/manage/list?status=all', '/areas/:id/audit?action=personal.'];

// The personal values of the demo people: citizen IDs, G-codes, e-mails,
// phones and LINE IDs from every table that holds them.
function personalValues() {
  const v = new Set();
  const add = (q) => { for (const x of col(q)) if (x.length >= 6) v.add(x); };
  add('SELECT citizen_id FROM users'); add('SELECT email FROM users'); add('SELECT phone FROM users');
  add('SELECT citizen_id FROM dmc_learners WHERE citizen_id IS NOT NULL'); add('SELECT gcode FROM dmc_learners WHERE gcode IS NOT NULL');
  add('SELECT guardian_phone FROM dmc_learners');
  add('SELECT citizen_id FROM dpa_staff'); add('SELECT phone FROM dpa_staff'); add("SELECT email FROM dpa_staff WHERE email <> ''");
  add("SELECT new_ident FROM dmc_requests WHERE kind = 'id_fix'");
  for (const t of ['school_admin_regs', 'roster_additions']) { add(`SELECT citizen_id FROM ${t}`); add(`SELECT email FROM ${t}`); add(`SELECT phone FROM ${t}`); }
  add('SELECT line_id FROM password_requests'); add('SELECT phone FROM password_requests');
  for (const r of col('SELECT data FROM oss_requests')) for (const [k, x] of Object.entries(JSON.parse(r)))
    if (/phone|email|citizen|birth_date/.test(k) && typeof x === 'string' && x.length >= 6) v.add(x);
  return v;
}

// What a page's text shows: HTML entities decoded.
const decode = (s) => s.replace(/&#(\d+);/g, (_, d) => String.fromCodePoint(Number(d))).replace(/&#x([0-9a-f]+);/gi, (_, h) => String.fromCodePoint(parseInt(h, 16)))
  .replace(/&quot;/g, '"').replace(/&#39;|&apos;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
// Candidates in any text: 13 digits, a G-code, an e-mail, a phone.
const TOKEN = /G?\d{9,13}|[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}|[A-Za-z][A-Za-z0-9._-]{3,}(?=")/g;

async function pool(items, k, fn) {
  let i = 0;
  await Promise.all(Array.from({ length: k }, async () => { while (i < items.length) await fn(items[i++]); }));
}

// Thousands of GETs: node:http over kept-alive connections costs a fraction
// of fetch's CPU, which is most of the walk's time.
const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
function quickGet(c, path, json) {
  const headers = { cookie: c.cookieHeader(), 'x-forwarded-for': c.ip, ...(json ? { accept: 'application/json' } : {}) };
  return new Promise((resolve, reject) => {
    const q = http.get(server.base + path, { agent, headers }, (r) => {
      let text = '';
      r.setEncoding('utf8');
      r.on('data', (d) => { text += d; });
      r.on('end', () => resolve({ status: r.statusCode, type: r.headers['content-type'] || '', text }));
    });
    q.on('error', reject);
  });
}

before(async () => {
  server = await startServer({ args: ['--trust-proxy'], demoArgs: ['--requests', '12'] });
  // a super admin, as an operator makes one
  const made = spawnSync(process.env.KHET_BIN || 'bin/khet', ['user', 'add', '--citizen-id', citizenId('110370008888'), '--email', 'pii-super@example.org',
    '--username', 'superadmin', '--title', 'นาย', '--first-name', 'สุพจน์', '--last-name', 'ส่วนกลาง', '--role', 'super_admin', '--password-stdin'],
  { env: { ...process.env, ...server.env }, input: SUPER_PW + '\n', encoding: 'utf8' });
  assert.equal(made.status, 0, made.stderr);
  // the queues the demo leaves empty: an access request, a school-admin
  // registration and a password-change request, each with its personal data
  const area1 = n("SELECT id FROM areas WHERE code = '3502'");
  const teacher = await signin('teacher');
  await teacher.get(`/access/requests/new?area=${area1}`);
  const ar = await teacher.postMultipart('/access/requests', { area_id: String(area1), permission: 'officer:12', school_id: '', work_group_id: '',
    position: 'นักจัดการงานทั่วไป', note: 'ขอสิทธิ์', confirm: '1' }, { file: { data: files.pdf(), filename: 'form.pdf', type: 'application/pdf' } });
  assert.equal(ar.status, 303, ar.text.slice(0, 500));
  const anon = client();
  await anon.get('/school-admin/register');
  const code = sql(`SELECT obec_code FROM schools WHERE area_id = ${area1} ORDER BY obec_code LIMIT 1 OFFSET 5`);
  const reg = await anon.postMultipart('/school-admin/register', { school_code: code, registrant: 'director', delegated_by: '', citizen_id: citizenId('410370007777'),
    title: 'นาย', first_name: 'อำนวย', last_name: 'การศึกษา', position: 'ผู้อำนวยการโรงเรียน', phone: '0891112222', email: 'pii-reg@example.net', altcha: await altcha(anon) }, {});
  assert.equal(reg.status, 303, reg.text.slice(0, 500));
  // One Stop Service requests sent through the forms: the applicant's
  // citizen ID and account e-mail go into their data
  const citizen = await signin('citizen');
  const pdf = () => ({ data: files.pdf(), filename: 'บัตร.pdf', type: 'application/pdf' });
  const person = { area_id: String(area1), title: 'นาย', first_name: 'ประชา', last_name: 'ชาวบ้าน', phone: '0895556666' };
  for (const [service, fields] of [
    ['11', { birth_date: '1985-05-12', nationality: 'ไทย', blood_group: 'O', address_registered: '382 หมู่ 8 ตำบลกุดชุม อำเภอกุดชุม จังหวัดยโสธร',
      address_contact: 'เดียวกับทะเบียนบ้าน', work_unit: 'โรงเรียนบ้านหนองบัว', position: 'ครู', rank: 'ชำนาญการ', official_type: 'teacher' }],
    ['21', { email: 'pii-oss@example.net', pledged: 'no' }]]) {
    await citizen.get(`/oss/new/${service}`);
    const r = await citizen.postMultipart(`/oss/new/${service}`, { ...person, ...fields }, { id_card: pdf() }, { json: true });
    assert.equal(r.status, 200, `OSS ${service}: ${r.text.slice(0, 400)}`);
  }
  // a learner's citizen-ID correction waiting for the area (old and new IDs
  // on the area's request page), asked for inside the correction window
  const school = n(`SELECT id FROM schools WHERE area_id = ${area1} ORDER BY obec_code LIMIT 1`);
  const learner = n(`SELECT MIN(id) FROM dmc_learners WHERE school_id = ${school} AND citizen_id IS NOT NULL AND status = 'active'`);
  const close = n('SELECT close_at FROM dmc_rounds WHERE round_no = 3 ORDER BY academic_year LIMIT 1');
  const dmc = await signin('schooladmin');
  await dmc.get(`/dmc/learners/${learner}`);
  const fix = await dmc.post(`/dmc/learners/${learner}/citizen-id`, { new_citizen_id: citizenId('193700066666'), fix_note: 'กรอกผิด' },
    { headers: { 'x-khet-test-now': String(close) } });
  assert.equal(fix.status, 303, fix.text.slice(0, 400));
  // a G-code request waiting for the area, with its documents (guardian's
  // phone and the learner's birth date on its pages)
  const gcode = await dmc.postMultipart(`/dmc/schools/${school}/gcode/new`, {
    title: 'girl', first_name: 'นาหลิ่ง', last_name: 'ไร้สัญชาติ', sex: 'F', birth_date: '2017-05-06',
    nationality: 'XX', grade: 'p3', room: '1', weight: '25', height: '125', disadvantaged: 'minority',
    disability: 'none', guardian_name: 'นางมะเอ ไร้สัญชาติ', guardian_phone: '0812345678',
    address: '5 หมู่ 1 บ้านชายแดน', note: '',
  }, {
    student_form: { data: files.pdf(), filename: 'form.pdf', type: 'application/pdf' },
    guardian_doc: { data: files.png(), filename: 'passport.png', type: 'image/png' },
  });
  assert.equal(gcode.status, 303, gcode.text.slice(0, 400));
  const [cid, first, last] = sql("SELECT citizen_id || '|' || first_name || '|' || last_name FROM users WHERE username = 'schooladmin2'").split('|');
  const pr = await client().post('/password/request', { citizen_id: cid, first_name: first, last_name: last, phone: '0893334444', reason: 'forgot',
    channel: 'line', line_id: 'pii.line.id', note: '', pledge: '1' });
  assert.equal(pr.status, 303);
});
after(async () => { await server?.stop(); });

test('every GET route, as every demo identity: the JSON holds no personal value the HTML does not show', async () => {
  const routes = (await client().get('/_test/routes', { json: true })).json.routes.filter((r) => r.method === 'GET' && !r.pattern.startsWith('/_test/'));
  assert.ok(routes.length > 80, `only ${routes.length} GET routes`);
  const table = paramIds();
  const urls = [], missing = [], empty = [];
  for (const r of routes) {
    const x = expand(r.pattern, table);
    if (x.missing) { missing.push(`${r.pattern} (${x.missing})`); continue; }
    if (!x.paths.length) empty.push(r.pattern);
    urls.push(...x.paths.map((path) => ({ path, route: r })));
  }
  assert.deepEqual(missing, [], 'routes with a parameter the walk cannot fill: add them to paramIds()');
  // a route the demo has no record for is not walked: only these file
  // downloads (bytes, never a model) may be among them
  assert.deepEqual(empty.filter((p) => !/\/files\/:fid$/.test(p)), [], 'routes with no data to walk');
  const byPattern = new Map(routes.map((r) => [r.pattern, r]));
  for (const e of EXTRA) {
    for (const a of e.includes(':id') ? table['/areas/:id']() : [null])
      urls.push({ path: a ? e.replace(':id', a) : e, route: byPattern.get(e.split('?')[0]) });
  }
  // who the route table lets in (the role check of the access hook); the
  // others are refused before any model is made
  const admitted = (id, r) => r.public || (id.signedIn && (!r.admits || r.admits.includes(id.role)));
  const personal = personalValues();
  assert.ok(personal.size > 600, `personal values: ${personal.size}`);

  const ids = await identities();
  const leaks = new Map();
  let pages = 0, withPersonal = 0;
  const t0 = Date.now();
  const work = [], refused = [];
  for (const id of ids) for (const u of urls) (admitted(id, u.route) ? work : refused).push({ id, u: u.path });
  // the table says so: a sample of the refused ones is asked, and refused
  const sample = ids.flatMap((id) => refused.filter((x) => x.id === id).slice(0, 3));
  await pool(sample, 8, async ({ id, u }) => {
    const j = await quickGet(id.c, u, true);
    assert.ok(j.status === 401 || j.status === 403, `${id.name} GET ${u}: ${j.status}, refused by the route table`);
  });
  await pool(work, 8, async ({ id, u }) => {
    // JSON first: a page the handler refuses answers a few bytes of
    // error, and the HTML (with the layout) is asked for only when there
    // is a model to compare it with
    const j = await quickGet(id.c, u, true);
    if (j.status !== 200 || !j.type.startsWith('application/json')) return;
    const h = await quickGet(id.c, u, false);
    if (h.status !== 200 || !h.type.startsWith('text/html')) return;
    pages++;
    let html = null;
    let seen = false;
    for (const tok of new Set(j.text.match(TOKEN) || [])) {
      if (!personal.has(tok)) continue;
      seen = true;
      if (!h.text.includes(tok) && !(html ??= decode(h.text)).includes(tok)) {
        const k = `${id.name} GET ${u}`;
        if (!leaks.has(k)) leaks.set(k, []);
        leaks.get(k).push(tok);
      }
    }
    if (seen) withPersonal++;
  });
  const report = [...leaks].map(([k, v]) => `${k}: ${v.slice(0, 4).join(', ')}${v.length > 4 ? ` … (${v.length})` : ''}`);
  console.log(`pii walk: ${ids.length} identities × ${urls.length} URLs (${work.length} admitted), ${pages} JSON pages (${withPersonal} with personal data) in ${Date.now() - t0} ms; not walked (no file in the demo): ${empty.join(' ')}`);
  assert.deepEqual(report, []);
  // the walk saw personal data at all (else it proves nothing)
  assert.ok(withPersonal > 20, `pages with personal data: ${withPersonal}`);
});

test('a read of personal data by staff is audited, page by page, HTML or JSON; his own data, a citizen and a page that shows none are not', async () => {
  const last = () => n('SELECT COALESCE(MAX(id), 0) FROM audit');
  const readsSince = (id) => col(`SELECT target_type || '|' || COALESCE(target_id, 0) || '|' || COALESCE(detail, '') FROM audit
    WHERE action = 'personal.read' AND id > ${id} ORDER BY id`);
  const area1 = n("SELECT id FROM areas WHERE code = '3502'");
  const uid = n("SELECT id FROM users WHERE username = 'schooladmin'");
  const admin = await signin('areaadmin1');

  // the KPI people page shows e-mails: one row naming the page and the
  // fields, never the values
  let at = last();
  const people = await admin.get('/kpi/admin/people');
  assert.equal(people.status, 200);
  assert.match(people.text, /kpiowner@example\.org/);
  let rows = readsSince(at);
  assert.equal(rows.length, 1, rows.join('\n'));
  const [type, , detail] = rows[0].split('|');
  assert.equal(type, 'page');
  const d = JSON.parse(detail);
  assert.equal(d.path, '/kpi/admin/people');
  assert.deepEqual(d.fields, ['people[].email']);
  assert.ok(d.count >= 2);
  assert.doesNotMatch(detail, /@example\.org|0810000020|3100100000219/);
  // the same read as JSON: audited too, and the phones the page does not show are not sent
  at = last();
  const pj = await admin.get('/kpi/admin/people', { json: true });
  assert.ok(pj.json.people.some((p) => p.email === 'kpiowner@example.org'));
  assert.ok(pj.json.people.every((p) => p.phone === undefined && p.citizen_id === undefined));
  assert.equal(readsSince(at).length, 1);

  // the users list writes its own row, naming the area: no second one; its
  // JSON has the e-mails it shows, the masked citizen IDs, and no phones
  at = last();
  const lj = await admin.get(`/areas/${area1}/users`, { json: true });
  assert.equal(lj.json.rows[0].email, 'schooladmin@example.org');
  assert.equal(lj.json.rows[0].phone, undefined);
  assert.equal(lj.json.rows[0].citizen_id_masked, '3-1001-xxxxx-xx-1');
  rows = readsSince(at);
  assert.equal(rows.length, 1, rows.join('\n'));
  assert.match(rows[0], new RegExp(`^area\\|${area1}\\|`));

  // the confirm dialogs show a name and a username: their JSON carries no
  // citizen ID, e-mail or phone, and nothing is read
  at = last();
  for (const what of ['cancel', 'reset', 'reinstate']) {
    const j = await admin.get(`/areas/${area1}/users/${uid}/${what}`, { json: true });
    assert.equal(j.status, 200, what);
    assert.equal(j.json.account.username, 'schooladmin');
    for (const k of ['citizen_id', 'email', 'phone']) assert.equal(j.json.account[k], undefined, `${what}: ${k}`);
    assert.doesNotMatch(j.text, /3100100000031|schooladmin@example\.org|0810000003/, what);
  }
  assert.deepEqual(readsSince(at), []);

  // the edit page writes its own row naming the account: no second one
  at = last();
  const edit = await admin.get(`/areas/${area1}/users/${uid}`, { json: true });
  assert.equal(edit.status, 200);
  rows = readsSince(at);
  assert.equal(rows.length, 1, rows.join('\n'));
  assert.match(rows[0], new RegExp(`^user\\|${uid}\\|`));

  // an officer opening a request sees the applicant's phone: audited; the
  // applicant opening his own request is not staff reading: not audited
  const req = n("SELECT MAX(id) FROM oss_requests WHERE service = '21'");
  const officer = await signin('officer');
  at = last();
  const seen = await officer.get(`/oss/requests/${req}`, { json: true });
  assert.equal(seen.status, 200);
  assert.equal(seen.json.phone, '0895556666');
  rows = readsSince(at);
  assert.equal(rows.length, 1, rows.join('\n'));
  assert.match(rows[0], new RegExp(`^oss_request\\|${req}\\|`));
  const citizen = await signin('citizen');
  at = last();
  assert.equal((await citizen.get(`/oss/requests/${req}`)).status, 200);
  assert.equal((await citizen.get('/account')).status, 200);
  assert.deepEqual(readsSince(at), []);
  // a staff member's own account page shows his own data: not someone else's read
  at = last();
  const own = await admin.get('/account');
  assert.match(own.text, /areaadmin1@example\.org/);
  assert.deepEqual(readsSince(at), []);

  // the audit trail lists the read in Thai
  const trail = await admin.get(`/areas/${area1}/audit?action=personal.read`);
  assert.equal(trail.status, 200);
  assert.match(trail.text, /ข้อมูลส่วนบุคคลที่แสดง/);
  assert.match(trail.text, /people\[\]\.email/);
});
