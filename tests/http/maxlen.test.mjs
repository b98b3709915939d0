// maxlen.test.mjs: text at its largest allowed size, in Thai (3 bytes a
// letter in UTF-8), is stored and shown whole (issue 11.9: a room named "A"
// + 99 Thai letters — valid, ≤ 100 characters — made its calendar answer an
// empty page: snprintf into a char[200] cut a Thai letter in half and
// jansson refused the invalid UTF-8).
//
// First every form of the route table (listed by /_test/forms, so a form
// added later is walked too): each text field gets exactly its maximum of
// characters, a leading ASCII letter then Thai letters; the answer is never
// a 500, is valid UTF-8 and not empty, and when the form comes back (422)
// every typed text is shown back whole. Then each thing users name — room,
// school, KPI indicator, work group, learner, One Stop Service request,
// access request — is stored through its real form (or import) with a
// maximum-length Thai name, and every page that shows it is checked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { startServer, khet, files, citizenId, unzip } from './lib.mjs';

const DEMO_PW = 'khet-demo-2567';
const SUPER_PW = 'maxlen-super-2567-ยาว';

// An OBEC super admin (the demo has none), added as a real area would: by
// the command line, the password on stdin. Signs in as "maxlen.super@obec.example".
function addSuperAdmin(server) {
  execFileSync(process.env.KHET_BIN || 'bin/khet', ['user', 'add', '--citizen-id', citizenId('110370007777'), '--email',
    'maxlen.super@obec.example', '--title', 'นาย', '--first-name', 'ทดสอบ', '--last-name', 'ส่วนกลาง', '--role', 'super_admin',
    '--password-stdin'], { env: { ...process.env, ...server.env }, input: SUPER_PW + '\n', encoding: 'utf8' });
}
// Thai as people write it: consonants, vowels above and below, tone marks
// (each one code point of 3 bytes; a field's limit counts code points).
const THAI_LETTERS = 'เด็กน้อยปั้นดินเผาที่บ้านริมน้ำใสไก่จิกเด็กตายบนปากโอ่งฤๅษีเฒ่าฝึกฌานอยู่ในถ้ำ';

// lead + Thai: exactly n characters (3 bytes each but the first).
function thai(n, lead = 'A', shift = 0) {
  let s = lead;
  for (let i = 0; s.length < n; i++) s += THAI_LETTERS[(i + shift) % THAI_LETTERS.length];
  return s;
}

async function signin(server, login) {
  const c = server.client();
  await c.get('/signin');
  const r = await c.post('/signin', { login, password: login.includes('super') ? SUPER_PW : DEMO_PW });
  assert.equal(r.status, 303, `sign in ${login}: ${r.status}`);
  return c;
}

// A request whose body is checked as bytes: strict UTF-8, not empty.
async function raw(c, method, path, body, headers = {}, binary = false) {
  const h = { ...headers };
  if (c.cookies.size) h.cookie = c.cookieHeader();
  const res = await fetch(c.base + path, { method, body, headers: h, redirect: 'manual' });
  c.keepCookies(res);
  const bytes = Buffer.from(await res.arrayBuffer());
  let text = '';
  if (!binary) try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    assert.fail(`${method} ${path}: the answer (${res.status}) is not valid UTF-8`);
  }
  return { status: res.status, headers: res.headers, text, bytes };
}

// A page that must show: 200, valid UTF-8, not empty; its text.
async function page(c, path, { json = false } = {}) {
  const r = await raw(c, 'GET', path, undefined, json ? { accept: 'application/json' } : {});
  assert.equal(r.status, 200, `GET ${path}: ${r.status} ${r.text.slice(0, 300)}`);
  assert.ok(r.bytes.length > 0, `GET ${path}: empty answer`);
  if (json) JSON.parse(r.text);
  else assert.match(r.text, /<\/html>\s*$/, `GET ${path}: the page is whole`);
  return r.text;
}

// The page shows name whole (in HTML and in its JSON).
async function shows(c, path, name, what) {
  const html = await page(c, path);
  assert.ok(html.includes(name), `${what}: ${path} shows the whole name (${name.length} characters)`);
  const json = await page(c, path, { json: true });
  assert.ok(json.includes(JSON.stringify(name).slice(1, -1)) || JSON.parse(json) && JSON.stringify(JSON.parse(json)).includes(name),
    `${what}: ${path} as JSON carries the whole name`);
}

function sqlId(server, q) {
  const v = server.sql(q);
  return v === '' ? null : Number(v.split('\n')[0]);
}

// Concrete ids for a route pattern's parameters, from what the demo stored
// (a parameter nothing fits gets 999999: the answer must still not be 500).
function fillPath(server, pattern, ctx) {
  const segs = pattern.split('/');
  for (let i = 0; i < segs.length; i++) {
    if (!segs[i].startsWith(':')) continue;
    const prev = segs[i - 1];
    let v = null;
    if (segs[i] === ':year') v = ctx.year;
    else if (prev === 'areas') v = ctx.area;
    else if (prev === 'schools') v = ctx.school;
    else if (prev === 'users') v = ctx.user;
    else if (prev === 'grants') v = sqlId(server, `SELECT min(id) FROM grants WHERE user_id = ${ctx.user}`);
    else if (prev === 'learners') v = sqlId(server, `SELECT min(id) FROM dmc_learners WHERE school_id = ${ctx.school}`);
    else if (prev === 'rounds') v = sqlId(server, 'SELECT min(id) FROM dmc_rounds');
    else if (prev === 'indicators') v = sqlId(server, 'SELECT min(id) FROM kpi_indicators');
    else if (prev === 'periods') v = sqlId(server, 'SELECT min(id) FROM kpi_periods');
    else if (prev === 'reports') v = sqlId(server, 'SELECT min(id) FROM kpi_reports');
    else if (prev === 'rooms') v = sqlId(server, 'SELECT min(id) FROM oss_rooms');
    else if (prev === 'holidays') v = sqlId(server, 'SELECT min(id) FROM oss_holidays');
    else if (prev === 'regs') v = sqlId(server, 'SELECT min(id) FROM school_admin_regs');
    else if (pattern.startsWith('/oss/edit/')) v = sqlId(server, `SELECT min(id) FROM oss_requests WHERE service = '${prev}' AND applicant_id = ${ctx.citizen}`);
    else if (prev === 'requests' && pattern.startsWith('/oss/manage/')) v = sqlId(server, `SELECT min(id) FROM oss_requests WHERE area_id = ${ctx.area}`);
    else if (prev === 'requests' && pattern.startsWith('/oss/')) v = sqlId(server, `SELECT min(id) FROM oss_requests WHERE applicant_id = ${ctx.citizen}`);
    else if (prev === 'requests' && pattern.startsWith('/access/')) v = sqlId(server, 'SELECT min(id) FROM access_requests');
    else if (prev === 'requests' && pattern.startsWith('/password/')) v = sqlId(server, 'SELECT min(id) FROM password_requests');
    else if (prev === 'requests' && pattern.startsWith('/dmc/')) v = sqlId(server, 'SELECT min(id) FROM dmc_requests');
    else if (prev === 'documents') v = '11';
    segs[i] = String(v ?? 999999);
  }
  return segs.join('/');
}

// Who posts a form: the demo identity its roles name.
function identityFor(f) {
  const roles = f.roles || '';
  if (roles === 'super_admin') return 'maxlen.super@obec.example';
  if (f.pattern.startsWith('/oss/manage/')) return 'officer';
  if (/area_admin|super_admin/.test(roles)) return 'areaadmin1';
  if (/dmc_area/.test(roles)) return 'dmcarea';
  if (/dmc_certifier|director/.test(roles)) return 'schooldirector';
  if (/school_admin|dmc_officer/.test(roles)) return 'schooladmin';
  if (/@staff/.test(roles)) {
    if (f.pattern === '/kpi/reports/:id/review') return 'kpireviewer';
    return f.pattern.startsWith('/kpi/reports') ? 'schooladmin' : 'areaadmin1';
  }
  if (f.pattern.startsWith('/oss/')) return 'citizen';
  if (f.pattern.startsWith('/access/') || f.pattern.startsWith('/account/')) return 'teacher';
  return null; // signed out
}

const TEXT = new Set(['text', 'textarea']);

// Field values: maximum-length Thai in every text field, valid values in
// the others where one can be given.
function fillFields(f) {
  const fields = {}, typed = {};
  let n = 0;
  for (const x of f.fields) {
    const lead = String.fromCharCode(65 + (n % 26));
    if (TEXT.has(x.type) || x.name_field) {
      fields[x.name] = typed[x.name] = thai(x.max, lead, n * 7);
      n++;
    } else if (x.type === 'email') fields[x.name] = 'maxlen@example.com';
    else if (x.type === 'phone') fields[x.name] = '0812345678';
    else if (x.type === 'citizen_id') fields[x.name] = citizenId('110370009876');
    else if (x.type === 'password') fields[x.name] = 'ยาวพอ-ไม่เดาง่าย-9137';
    else if (x.type === 'int') fields[x.name] = String(Math.max(x.min || 0, 1));
    else if (x.type === 'money') fields[x.name] = '100';
    else if (x.type === 'date') fields[x.name] = '2027-01-18';
    else if (x.type === 'time') fields[x.name] = x.name.startsWith('end') ? '11:00' : '10:00';
    else if (x.type === 'choice' && x.choices?.length) fields[x.name] = x.choices[0];
    else if (x.type === 'checkbox') fields[x.name] = '1';
  }
  return { fields, typed };
}

// The form model in a page's JSON: the object with a "fields" array.
function formModel(m) {
  if (!m || typeof m !== 'object') return null;
  if (Array.isArray(m.fields) && m.fields.every((x) => x && typeof x.name === 'string')) return m;
  for (const v of Object.values(m)) {
    const f = formModel(v);
    if (f) return f;
  }
  return null;
}

async function post(c, path, f, fields, headers = {}) {
  await c.ensureCsrf();
  const hasFile = f.fields.some((x) => x.type === 'file');
  if (hasFile) {
    const fd = new FormData();
    fd.append('_csrf', c.csrf);
    for (const [k, v] of Object.entries(fields)) fd.append(k, v);
    for (const x of f.fields)
      if (x.type === 'file') fd.append(x.name, new Blob([files.pdf()], { type: 'application/pdf' }), 'เอกสาร.pdf');
    return raw(c, 'POST', path, fd, headers);
  }
  const p = new URLSearchParams({ _csrf: c.csrf, ...fields });
  return raw(c, 'POST', path, p, { 'content-type': 'application/x-www-form-urlencoded', ...headers });
}

// The error messages of a page shown again (for a failing assertion).
function errorsOf(html) {
  return [...html.matchAll(/class="[^"]*error[^"]*"[^>]*>([^<]+)</g)].map((m) => m[1].trim()).filter(Boolean).join(' | ') ||
    html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').slice(0, 600);
}

function unescapeHtml(s) {
  return s.replace(/&#39;|&#x27;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

// Forms the walk leaves alone: they end or switch the session it uses, or
// count failed sign-ins against the test's address.
// (altcha is the bot check's token, not text a person types.)
const SKIP = new Set(['/signout', '/session/role', '/signin', '/_test/form']);

test('every text field of every form takes maximum-length Thai: never a 500, valid UTF-8, a form shown again shows each text whole', async (t) => {
  const server = await startServer();
  try {
    addSuperAdmin(server);
    // an access request waiting, for the area admin's approve and reject forms
    const teacher = await signin(server, 'teacher');
    const areaId = sqlId(server, "SELECT id FROM areas WHERE code = '3502'");
    const ar = await teacher.postMultipart('/access/requests', { area_id: String(areaId), permission: 'director', position: 'ครู', confirm: '1',
      school_id: String(sqlId(server, "SELECT school_id FROM grants g JOIN users u ON u.id = g.user_id WHERE u.username = 'teacher' LIMIT 1")) },
      { file: { data: files.pdf(), filename: 'คำขอ.pdf', type: 'application/pdf' } });
    assert.equal(ar.status, 303, errorsOf(ar.text));
    const forms = (await server.client().get('/_test/forms', { json: true })).json.forms;
    assert.ok(forms.length > 50, `the route table lists its forms (${forms.length})`);
    const ctx = {
      area: sqlId(server, "SELECT id FROM areas WHERE code = '3502'"),
      school: sqlId(server, "SELECT s.id FROM grants g JOIN users u ON u.id = g.user_id JOIN schools s ON s.id = g.school_id WHERE u.username = 'schooladmin' LIMIT 1"),
      user: sqlId(server, "SELECT id FROM users WHERE username = 'schooladmin2'"),
      citizen: sqlId(server, "SELECT id FROM users WHERE username = 'citizen'"),
      year: 2568,
    };
    ctx.year = Number(server.sql('SELECT max(fiscal_year) FROM kpi_indicators')) || 2568;
    const clients = new Map();
    const clientFor = async (login) => {
      if (!login) return server.client();
      if (!clients.has(login)) clients.set(login, await signin(server, login));
      return clients.get(login);
    };
    const seen = { total: 0, again: 0 };
    const problems = [];
    for (const f of forms) {
      if (SKIP.has(f.pattern)) continue;
      const texts = f.fields.filter((x) => TEXT.has(x.type) || x.name_field);
      for (const x of f.fields) if (x.name === 'altcha') x.type = 'token';
      if (!texts.length) continue;
      const c = await clientFor(identityFor(f));
      const path = fillPath(server, f.pattern, ctx);
      const { fields, typed } = fillFields(f);
      // a text field shown as a list (areas, rooms, titles, grades …) gets
      // its first choice from the form page, as a person would pick it
      let shownForm = null;
      for (const p of [path, path + '/new']) {
        const g = await raw(c, 'GET', p, undefined, { accept: 'application/json' });
        if (g.status === 200 && (shownForm = formModel(JSON.parse(g.text)))) break;
      }
      for (const fm of shownForm?.fields || []) {
        // a value the form page fills itself (the year, an area) is kept
        if (!(fm.name in typed) && fm.name in fields && typeof fm.value === 'string' && fm.value !== '' && !fm.is_select)
          fields[fm.name] = fm.value;
        if (!(fm.name in typed) || !fm.is_select) continue;
        const first = fm.choices?.find((x) => x.value !== '');
        if (first) { fields[fm.name] = first.value; delete typed[fm.name]; }
      }
      let r;
      try {
        r = await post(c, path, f, fields);
      } catch (e) {
        problems.push(`POST ${path}: ${e.message}`);
        continue;
      }
      seen.total++;
      seen[r.status] = (seen[r.status] || 0) + 1;
      if (process.env.MAXLEN_DEBUG && [400, 403, 404, 409].includes(r.status)) t.diagnostic(`${r.status} ${path}`);
      if (r.status >= 500) { problems.push(`POST ${path}: ${r.status} ${r.text.slice(0, 200)}`); continue; }
      if (!r.bytes.length && r.status !== 303) { problems.push(`POST ${path}: ${r.status} with an empty answer`); continue; }
      if (f.pattern.startsWith('/api/')) {
        // an API write shows no form again: its refusal is the one error
        // shape, naming the fields, in valid JSON
        if (r.status >= 400) {
          let err = null;
          try { err = JSON.parse(r.text).error; } catch {}
          if (!err || err.status !== r.status || !err.code) problems.push(`POST ${path}: ${r.status} without the API's error shape`);
        }
        continue;
      }
      if (r.status === 422) {
        seen.again++;
        // the same answer as JSON says how each field is shown: a select
        // cannot show a value that is not one of its choices
        const j = await post(c, path, f, fields, { accept: 'application/json' });
        if (j.status !== 422) { problems.push(`POST ${path}: 422 as HTML, ${j.status} as JSON`); continue; }
        const model = formModel(JSON.parse(j.text));
        const shown = unescapeHtml(r.text);
        for (const [name, v] of Object.entries(typed)) {
          const fm = model?.fields.find((x) => x.name === name);
          if (fm && (fm.is_select || fm.is_hidden)) continue;
          // the roster's decision is a per-row code set by its buttons, not typed text
          if (f.pattern === '/areas/:id/roster/decisions' && name === 'choice') continue;
          if (new RegExp(`<select[^>]*name="${name}"|type="(radio|checkbox)"[^>]*name="${name}"|name="${name}"[^>]*type="(radio|checkbox|submit)"|<button[^>]*name="${name}"`).test(r.text)) continue;
          if (fm && fm.value !== v) problems.push(`POST ${path}: the form shown again (JSON) lost the text of ${name} (${v.length} characters)`);
          if (!shown.includes(v)) {
            const i = shown.indexOf(v.slice(0, 12));
            problems.push(`POST ${path}: the form shown again lost the text of ${name} (${v.length} characters)${i >= 0 ? ': shown as ' + shown.slice(i - 40, i + v.length + 40) : ''}`);
          }
        }
      }
      if (r.status === 303) {
        const loc = r.headers.get('location');
        if (loc && loc.startsWith('/')) {
          const g = await raw(c, 'GET', loc);
          if (g.status >= 500 || !g.bytes.length) problems.push(`POST ${path} → GET ${loc}: ${g.status}, ${g.bytes.length} bytes`);
        }
      }
    }
    t.diagnostic(`answers: ${JSON.stringify(seen)}`);
    assert.deepEqual(problems, [], problems.join('\n'));
    assert.ok(seen.total > 40, `forms posted: ${seen.total}`);
    assert.ok(seen.again > 20, `forms shown again: ${seen.again}`);
  } finally {
    await server.stop();
  }
});

test('a room named "A" + 99 Thai letters: the rooms list, its edit form, the booking form and its calendar show it whole', async () => {
  const server = await startServer();
  try {
    const name = thai(100);
    assert.equal([...name].length, 100);
    const admin = await signin(server, 'areaadmin1');
    const r = await admin.post('/oss/admin/rooms', { name, capacity: '20', active: '1' });
    assert.equal(r.status, 303, r.text.slice(0, 300));
    const id = sqlId(server, `SELECT id FROM oss_rooms WHERE name = '${name}'`);
    assert.ok(id, 'the room is stored under its whole name');
    await shows(admin, '/oss/admin/rooms', name, 'rooms list');
    await shows(admin, `/oss/rooms/${id}/calendar`, name, 'room calendar');
    const area = sqlId(server, "SELECT id FROM areas WHERE code = '3502'");
    const citizen = await signin(server, 'citizen');
    await shows(citizen, `/oss/rooms/${id}/calendar`, name, 'room calendar (citizen)');
    await shows(citizen, `/oss/new/31?area=${area}`, name, 'booking form');
    // a booking of it: its month on the calendar, the request and its print
    const day = new Date(Date.now() + 7 * 3600e3 + 40 * 86400e3).toISOString().slice(0, 10);
    const booked = await citizen.postMultipart('/oss/new/31', {
      area_id: String(area), title: 'นาย', first_name: 'ประชา', last_name: 'ชาวบ้าน', phone: '0812345678', agency: thai(200, 'G'),
      attendees: '12', room_id: String(id), purpose: thai(1000, 'P'), start_date: day, end_date: day, start_time: '09:00', end_time: '11:00',
    }, { letter: { data: files.pdf(), filename: 'หนังสือ.pdf', type: 'application/pdf' } });
    assert.equal(booked.status, 303, errorsOf(booked.text));
    const rid = Number(booked.headers.get('location').match(/(\d+)/)[1]);
    const month = await page(citizen, `/oss/rooms/${id}/calendar?month=${day.slice(0, 7)}`);
    assert.ok(month.includes(name) && month.includes(`/oss/requests/${rid}`), 'the month shows the room and the booking');
    await shows(citizen, `/oss/requests/${rid}`, name, 'booking request page');
    const print = await page(citizen, `/oss/requests/${rid}/print`);
    assert.ok(print.includes(name), 'the print page names the room whole');
    // the rooms' yearly use, as a page and as exports
    const be = Number(day.slice(0, 4)) + 543;
    await shows(admin, `/oss/rooms/usage?year=${be}`, name, 'room usage');
    const csv = await raw(admin, 'GET', `/oss/rooms/usage?year=${be}&format=csv`);
    assert.equal(csv.status, 200);
    assert.ok(csv.text.includes(name), 'the usage CSV names the room whole');
    const xlsx = await raw(admin, 'GET', `/oss/rooms/usage?year=${be}&format=xlsx`, undefined, {}, true);
    assert.ok(Object.values(unzip(xlsx.bytes)).some((x) => x.includes(name)), 'the usage XLSX names the room whole');
    // renaming another room to this name is a clash: 409 with the form
    // shown again (on PostgreSQL the unique violation aborted the
    // transaction and the form could not be shown: a 500)
    const other = sqlId(server, `SELECT min(id) FROM oss_rooms WHERE id <> ${id}`);
    const clash = await admin.post(`/oss/admin/rooms/${other}`, { name, capacity: '5', active: '1' });
    assert.equal(clash.status, 409, clash.text.slice(0, 300));
    assert.ok(clash.text.includes(name), 'the clash names the room whole and keeps what was typed');
    await shows(admin, '/oss/admin/rooms', name, 'rooms list after the clash');
  } finally {
    await server.stop();
  }
});

test('a school with a 120-character Thai name, through its form: the school list, its edit form and the user form show it whole', async () => {
  const server = await startServer();
  try {
    addSuperAdmin(server);
    const name = thai(120, 'S');
    const area = sqlId(server, "SELECT id FROM areas WHERE code = '3502'");
    const sup = await signin(server, 'maxlen.super@obec.example');
    const r = await sup.post(`/areas/${area}/schools/new`, { obec_code: '1035029999', smis_code: '35029999', name, district: thai(50, 'D'), province: thai(100, 'P') });
    assert.equal(r.status, 303, errorsOf(r.text));
    const sid = sqlId(server, "SELECT id FROM schools WHERE obec_code = '1035029999'");
    assert.equal(server.sql(`SELECT name FROM schools WHERE id = ${sid}`), name, 'stored whole');
    await shows(sup, `/areas/${area}/schools?q=1035029999`, name, 'school list');
    await shows(sup, `/schools/${sid}/edit`, name, 'school edit form');
    const admin = await signin(server, 'areaadmin1');
    await shows(admin, `/areas/${area}/schools?q=1035029999`, name, 'school list (area admin)');
    await shows(admin, `/areas/${area}/users/new`, name, 'new user form (school choice)');
    await shows(admin, `/areas/${area}/roster/additions/new`, name, 'roster add form (school choice)');
  } finally {
    await server.stop();
  }
});

test('a KPI indicator with a 500-character Thai name: its page, the year list, edit form, matrix and stats show it whole', async () => {
  const server = await startServer();
  try {
    const name = thai(500, 'K');
    const year = Number(server.sql('SELECT max(fiscal_year) FROM kpi_indicators'));
    const wg = sqlId(server, "SELECT w.id FROM work_groups w JOIN areas a ON a.id = w.area_id WHERE a.code = '3502' ORDER BY w.id LIMIT 1");
    const admin = await signin(server, 'areaadmin1');
    const form = await admin.get(`/kpi/${year}/new`, { json: true });
    assert.equal(form.status, 200);
    const r = await admin.post(`/kpi/${year}/new`, {
      number: '9.9', name, description: thai(5000, 'D'), criteria: '2, 3, 4, 5', type: 'level5',
      period_kind: 'quarterly', work_group_id: String(wg), status: 'open', weight: '1',
    });
    assert.equal(r.status, 303, errorsOf(r.text));
    const id = Number(r.headers.get('location').match(/\/kpi\/indicators\/(\d+)/)?.[1] ||
      sqlId(server, "SELECT id FROM kpi_indicators WHERE number = '9.9'"));
    await shows(admin, `/kpi/indicators/${id}`, name, 'indicator page');
    // a 20-character number of digits and Thai: its sort key (digits padded
    // to 6) was cut at 63 bytes inside a Thai letter; PostgreSQL refused it
    const number = 'A' + '1ก'.repeat(9);
    const r2 = await admin.post(`/kpi/${year}/new`, {
      number, name: thai(500, 'N'), criteria: '2, 3, 4, 5', type: 'level5', period_kind: 'once',
      work_group_id: String(wg), status: 'open', weight: '1',
    });
    assert.equal(r2.status, 303, errorsOf(r2.text));
    await shows(admin, `/kpi/${year}`, number, 'year list (number)');
    await shows(admin, `/kpi/indicators/${id}/edit`, name, 'indicator edit form');
    await shows(admin, `/kpi/indicators/${id}/matrix`, name, 'indicator matrix');
    await shows(admin, `/kpi/${year}`, name, 'year list');
    await shows(admin, `/kpi/${year}/stats`, name, 'year stats');
    const pdf = await raw(admin, 'GET', `/kpi/${year}/stats/pdf`, undefined, {}, true);
    assert.equal(pdf.status, 200);
    const xlsx = await raw(admin, 'GET', `/kpi/${year}/stats/xlsx`, undefined, {}, true);
    assert.equal(xlsx.status, 200);
    assert.ok(Object.values(unzip(xlsx.bytes)).some((x) => x.includes(name)), 'the XLSX export names the indicator whole');
  } finally {
    await server.stop();
  }
});

test('a school with a 120-character and a work group with a 200-character Thai name (by import): school list, user form, KPI people and indicator form show them whole', async () => {
  const server = await startServer();
  try {
    const name = thai(200, 'W');
    const csv = join(server.dir, 'wg.csv');
    const school = thai(120, 'S');
    writeFileSync(csv, `รหัสโรงเรียน,รหัส SMIS,ชื่อโรงเรียน,รหัสเขตพื้นที่,กลุ่มงาน\n1035029999,35029999,${school},3502,${name}\n`);
    const imp = khet(['import', 'org', csv], server.env);
    assert.equal(imp.code, 0, imp.stdout + imp.stderr);
    const stored = server.sql("SELECT name FROM work_groups WHERE name LIKE 'W%'");
    assert.equal(stored, name, 'the work group is stored whole');
    const year = Number(server.sql('SELECT max(fiscal_year) FROM kpi_indicators'));
    const admin = await signin(server, 'areaadmin1');
    await shows(admin, `/kpi/${year}/new`, name, 'new indicator form');
    await shows(admin, '/kpi/admin/people', name, 'KPI people');
    const area = sqlId(server, "SELECT id FROM areas WHERE code = '3502'");
    assert.equal(server.sql("SELECT name FROM schools WHERE obec_code = '1035029999'"), school, 'the school is stored whole');
    await shows(admin, `/areas/${area}/schools?q=1035029999`, school, 'school list');
    await shows(admin, `/areas/${area}/users/new`, school, 'new user form (school choice)');
  } finally {
    await server.stop();
  }
});

test('a learner with 100-character Thai first and last names: the school list and the learner page show them whole', async () => {
  const server = await startServer();
  try {
    const first = thai(100, 'F'), last = thai(100, 'L', 5);
    const c = await signin(server, 'schooladmin');
    const sid = sqlId(server, "SELECT s.id FROM grants g JOIN users u ON u.id = g.user_id JOIN schools s ON s.id = g.school_id WHERE u.username = 'schooladmin' LIMIT 1");
    const form = await c.get(`/dmc/schools/${sid}/learners/new`, { json: true });
    assert.equal(form.status, 200, form.text.slice(0, 200));
    const choice = (n) => form.json.form.fields.find((f) => f.name === n).choices?.find((x) => x.value)?.value;
    const fields = {
      citizen_id: citizenId('110370005432'), title: choice('title') || 'ด.ช.', first_name: first, last_name: last, sex: 'M',
      birth_date: '2017-06-25', nationality: choice('nationality') || 'ไทย', grade: 'p3', room: '1', // of an age for ป.3
      disadvantaged: choice('disadvantaged') || '00', disability: choice('disability') || '00', guardian_name: thai(200, 'G'),
      address: thai(500, 'H'),
    };
    const r = await c.post(`/dmc/schools/${sid}/learners/new`, fields);
    assert.equal(r.status, 303, errorsOf(r.text));
    const id = sqlId(server, `SELECT id FROM dmc_learners WHERE first_name = '${first}'`);
    assert.ok(id, 'the learner is stored whole');
    await shows(c, `/dmc/learners/${id}`, first, 'learner page (first name)');
    await shows(c, `/dmc/learners/${id}`, last, 'learner page (last name)');
    await shows(c, `/dmc/schools/${sid}/learners?q=${encodeURIComponent(first.slice(0, 10))}`, first, 'learner list');
  } finally {
    await server.stop();
  }
});

test('a One Stop Service request with maximum-length Thai names and text: its page, print, PDF, the officer list, export and the e-mails show them whole', async () => {
  const server = await startServer();
  try {
    const area = sqlId(server, "SELECT id FROM areas WHERE code = '3502'");
    const c = await signin(server, 'citizen');
    const fields = {
      area_id: String(area), title: thai(40, 'T'), first_name: thai(100, 'F'), last_name: thai(100, 'L', 3), phone: '0812345678',
      visitor: thai(200, 'V'), subject: thai(1000, 'S'), date: '2027-01-18', time: '10:00',
    };
    const r = await c.postMultipart('/oss/new/32', fields, {});
    assert.equal(r.status, 303, r.text.slice(0, 600));
    const id = Number(r.headers.get('location').match(/(\d+)/)[1]);
    for (const k of ['first_name', 'last_name', 'visitor', 'subject'])
      await shows(c, `/oss/requests/${id}`, fields[k], `request page (${k})`);
    const print = await page(c, `/oss/requests/${id}/print`);
    assert.ok(print.includes(fields.first_name), 'print page shows the name');
    const pdf = await raw(c, 'GET', `/oss/requests/${id}/pdf`, undefined, {}, true);
    assert.equal(pdf.status, 200);
    assert.equal(pdf.bytes.subarray(0, 5).toString(), '%PDF-');
    const officer = await signin(server, 'officer');
    await shows(officer, `/oss/manage/requests/${id}`, fields.subject, 'officer request page');
    const list = await page(officer, '/oss/manage/list?service=32');
    assert.ok(list.includes(fields.first_name), 'officer list shows the name');
    const csv = await raw(officer, 'GET', '/oss/manage/list?service=32&format=csv');
    assert.equal(csv.status, 200);
    assert.ok(csv.text.includes(fields.first_name), 'CSV export shows the name');
    const xlsx = await raw(officer, 'GET', '/oss/manage/list?service=32&format=xlsx', undefined, {}, true);
    assert.equal(xlsx.status, 200);
    const sheet = Object.values(unzip(xlsx.bytes)).join('');
    assert.ok(sheet.includes(`${fields.title}${fields.first_name} ${fields.last_name}`), 'the XLSX export shows the applicant whole');
    // the officers' e-mail names the applicant whole (240 Thai letters)
    const name = `${fields.title}${fields.first_name} ${fields.last_name}`;
    const officerMail = server.sql(`SELECT count(*) FROM outbox WHERE body LIKE '%ผู้ยื่น: ${name}%'`);
    assert.ok(Number(officerMail) >= 1, 'the officers\' e-mail names the applicant whole');
  } finally {
    await server.stop();
  }
});

test('an access request with maximum-length Thai position and note: the area queue and the request page show them whole', async () => {
  const server = await startServer();
  try {
    const area = sqlId(server, "SELECT id FROM areas WHERE code = '3502'");
    const teacher = await signin(server, 'teacher');
    const position = thai(100, 'P'), note = thai(1000, 'N');
    const form = await teacher.get('/access/requests/new', { json: true });
    assert.equal(form.status, 200);
    const sid = sqlId(server, "SELECT s.id FROM grants g JOIN users u ON u.id = g.user_id JOIN schools s ON s.id = g.school_id WHERE u.username = 'teacher' LIMIT 1");
    // a file name of 120 Thai letters (360 bytes): kept to 200 bytes, cut
    // before a whole letter (a cut inside one made the name "file")
    const fileName = thai(120, 'E') + '.pdf';
    const r = await teacher.postMultipart('/access/requests',
      { area_id: String(area), permission: 'director', school_id: String(sid), position, note, confirm: '1' },
      { file: { data: files.pdf(), filename: fileName, type: 'application/pdf' } });
    assert.equal(r.status, 303, r.text.slice(0, 600));
    const id = sqlId(server, `SELECT id FROM access_requests WHERE position = '${position}'`);
    assert.ok(id, 'the request is stored whole');
    await shows(teacher, `/access/requests/${id}`, position, 'request page (applicant)');
    const admin = await signin(server, 'areaadmin1');
    await shows(admin, `/access/requests/${id}`, note, 'request page (area admin)');
    const stored = server.sql(`SELECT file_name FROM access_requests WHERE id = ${id}`);
    assert.equal(stored, fileName.slice(0, 67), 'the file name is kept to 200 bytes, whole letters');
    await shows(admin, `/access/requests/${id}`, stored, 'request page (file name)');
    const queue = await page(admin, `/areas/${area}/access-requests`);
    assert.ok(queue.includes(`/access/requests/${id}`), 'the area queue lists the request');
  } finally {
    await server.stop();
  }
});

test('the yearly admin roster: an addition and a submitter with maximum-length Thai names are shown whole, also in the lock message', async () => {
  const server = await startServer();
  try {
    const area = sqlId(server, "SELECT id FROM areas WHERE code = '3502'");
    const first = thai(100, 'F'), last = thai(100, 'L', 9);
    server.sql(`UPDATE users SET first_name = '${first}', last_name = '${last}' WHERE username = 'areaadmin1'`);
    const c = await signin(server, 'areaadmin1');
    const year = (await c.get(`/areas/${area}/roster`, { json: true })).json.year;
    const grant = (u) => sqlId(server, `SELECT g.id FROM grants g JOIN users u ON u.id = g.user_id WHERE u.username = '${u}' AND g.role = 'school_admin' AND g.revoked_at IS NULL`);
    let r = await c.post(`/areas/${area}/roster/decisions`, { year, choice: [`${grant('schooladmin')}:confirm`, `${grant('schooladmin2')}:confirm`] });
    assert.equal(r.status, 303, errorsOf(r.text));
    const school = sqlId(server, `SELECT id FROM schools WHERE area_id = ${area} ORDER BY id LIMIT 1 OFFSET 6`);
    const add = {
      year: String(year), citizen_id: citizenId('310370001234'), title: 'นาง', first_name: thai(100, 'G'), last_name: thai(100, 'H', 4),
      email: 'maxlen.admin@school.example.org', staff_id: thai(32, 'S'), personnel_type: 'civil_servant', school_id: String(school),
    };
    // the form shown again after an error keeps every typed name whole
    r = await c.post(`/areas/${area}/roster/additions`, { ...add, email: 'not-an-e-mail' });
    assert.equal(r.status, 422);
    for (const k of ['first_name', 'last_name', 'staff_id'])
      assert.ok(unescapeHtml(r.text).includes(add[k]), `the form shown again keeps ${k} whole`);
    r = await c.post(`/areas/${area}/roster/additions`, add);
    assert.equal(r.status, 303, errorsOf(r.text));
    for (const k of ['first_name', 'last_name'])
      await shows(c, `/areas/${area}/roster`, add[k], `roster page (${k})`);
    r = await c.post(`/areas/${area}/roster/submit`, { year, confirm: '1' });
    assert.equal(r.status, 303, errorsOf(r.text));
    const j = (await c.get(`/areas/${area}/roster`, { json: true })).json.roster;
    assert.equal(j.submitted_by_name, `นาย${first} ${last}`.replace(/^นาย/, server.sql("SELECT title FROM users WHERE username = 'areaadmin1'")));
    await shows(c, `/areas/${area}/roster`, first, 'roster page (submitter)');
    await shows(c, `/areas/${area}/roster/additions/new?year=${year}`, first, 'add form (submitter)');
    // a second submission is refused naming the submitter: cut on a word
    // boundary, never inside a letter, the message's advice kept
    r = await c.post(`/areas/${area}/roster/submit`, { year, confirm: '1' });
    assert.equal(r.status, 409);
    const msg = r.text.match(/รายชื่อแอดมินประจำปีการศึกษา \d+ ของเขตพื้นที่นี้ส่งแล้วโดย[^<]*/)?.[0] || '';
    assert.ok(msg.includes(`โดย นาย${first.slice(0, 70)}`) && msg.includes('…'), `the lock message names the submitter, cut with …: ${msg}`);
    assert.match(msg, /การเปลี่ยนแปลงระหว่างปีให้ทำที่หน้าจัดการผู้ใช้งาน/);
  } finally {
    await server.stop();
  }
});
