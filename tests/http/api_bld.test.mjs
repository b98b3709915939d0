// api_bld: school buildings (B-OBEC) and the data calendar under /api/v1
// (issue 15.1) through the real binary, on SQLite and (KHET_TEST_PG)
// PostgreSQL, on the test clock (X-Khet-Test-Now: 2 October 2570, inside
// the collection window). A school admin's token with bld:write adds a
// building with a JSON body (a CE year refused at its field, nothing
// stored), edits it (a stale _version is 409 in the error shape, none at
// all 422 at _version), adds a photo (multipart), submits (then an edit is
// 409 with the page's reason); a read-only token is 403; another school's
// token sees 404; the school's token cannot reopen, the area's can (and it
// is audited); the reads (the school's buildings with rooms and photos as
// links, one building with its history, a photo by its link, the school's
// state, the area's overview and budget list) and the calendar's
// deadlines of the area and the school.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, files, assertApiError, tokenFromPage } from './lib.mjs';

const PW = 'khet-demo-2567';
// Bangkok wall time → UTC seconds
const T = (y, mo, d, h = 9, mi = 0) => Date.UTC(y, mo - 1, d, h - 7, mi) / 1000;
const NOW = T(2027, 10, 2);
let server, area, s1, s2, admin;
const sql = (q) => server.sql(q);
const count = (q) => Number(sql(q));

class Clocked extends Client {
  request(method, path, opts = {}) {
    return super.request(method, path, { ...opts, headers: { 'x-khet-test-now': String(NOW), ...(opts.headers || {}) } });
  }
}

async function as(login) {
  const c = new Clocked(server.base);
  await c.get('/signin');
  const r = await c.post('/signin', { login, password: PW });
  assert.equal(r.status, 303, `sign in ${login}: ${r.status}`);
  return c;
}

async function token(login, scopes, role) {
  return (await tokenFromPage(admin, `/areas/${area}/tokens`, { name: `${login} ${scopes}`, kind: 'personal', login, role: role || '', scopes, expires: '31/10/2570' })).token;
}

async function call(t, method, path, { json, form } = {}) {
  const headers = { authorization: `Bearer ${t}`, 'x-khet-test-now': String(NOW) };
  let body;
  if (json) { headers['content-type'] = 'application/json'; body = JSON.stringify(json); }
  if (form) body = form;
  const res = await fetch(server.base + path, { method, headers, body });
  const buf = Buffer.from(await res.arrayBuffer());
  let data;
  try { data = JSON.parse(buf.toString()); } catch {}
  return { status: res.status, headers: res.headers, json: data, text: buf.toString(), buf };
}

const errorShape = assertApiError;

const building = (over = {}) => ({
  name: 'อาคารเรียน API', type: 'classroom', plan: 'spc105_29', year_built: '2545', floors: '2', area_m2: '640',
  condition: 'good', budget_source: 'obec', room_use_1: 'classroom', room_n_1: '6', room_use_2: 'library', room_n_2: '1', ...over,
});

before(async () => {
  server = await startServer();
  area = count("SELECT id FROM areas WHERE code = '3502'");
  const schoolOf = (u) => count(`SELECT g.school_id FROM grants g JOIN users u ON u.id = g.user_id WHERE u.username = '${u}' AND g.role = 'school_admin'`);
  s1 = schoolOf('schooladmin');
  s2 = schoolOf('schooladmin2');
  admin = await as('areaadmin1');
});
after(async () => { await server?.stop(); });

test('a school token adds, edits (409 stale, 422 without _version), adds a photo and submits; read-only 403; the area reopens', async () => {
  const w = await token('schooladmin2', ['bld:write'], 'school_admin');
  const ro = await token('schooladmin2', ['bld:read'], 'school_admin');
  const other = await token('schooladmin', ['bld:write'], 'school_admin');
  const areaTok = await token('areaadmin1', ['bld:write'], 'area_admin');

  // the state of the year: the window is open, nothing submitted
  let st = await call(ro, 'GET', `/api/v1/bld/schools/${s2}/state`);
  assert.equal(st.status, 200, st.text);
  assert.equal(st.json.year, 2570);
  assert.equal(st.json.window.state.code, 'open');
  assert.equal(st.json.window.closes, '2027-10-30T16:30:00+07:00');
  assert.equal(st.json.submitted, false);
  assert.equal(st.json.can_change, true);

  // a read-only token writes nothing
  const before = count(`SELECT COUNT(*) FROM bld_buildings WHERE school_id = ${s2}`);
  errorShape(await call(ro, 'POST', `/api/v1/bld/schools/${s2}/buildings`, { json: building() }), 403, 'insufficient_scope');
  // a CE year is refused at its field, nothing stored
  const bad = await call(w, 'POST', `/api/v1/bld/schools/${s2}/buildings`, { json: building({ year_built: '1995', floors: '0' }) });
  errorShape(bad, 422, 'validation_failed');
  assert.match(bad.json.error.fields.year_built, /ค\.ศ\./);
  assert.ok(bad.json.error.fields.floors);
  assert.equal(count(`SELECT COUNT(*) FROM bld_buildings WHERE school_id = ${s2}`), before);

  // add
  const made = await call(w, 'POST', `/api/v1/bld/schools/${s2}/buildings`, { json: building() });
  assert.equal(made.status, 201, made.text);
  const b = made.json;
  assert.equal(made.headers.get('location'), `/api/v1/bld/buildings/${b.id}`);
  assert.equal(b.school_id, s2);
  assert.deepEqual(b.type, { code: 'classroom', label_th: b.type.label_th });
  assert.ok(b.type.label_th);
  assert.equal(b.condition.code, 'good');
  assert.equal(b.year_built, 2545);
  assert.equal(b.version, 1);
  assert.equal(b.classrooms, 6);
  assert.deepEqual(b.rooms.map((x) => [x.use.code, x.count]), [['classroom', 6], ['library', 1]]);
  assert.equal(b.lat, null);
  assert.match(b.created_at, /^2027-10-02T09:00:00\+07:00$/);
  assert.equal(count(`SELECT COUNT(*) FROM audit WHERE action = 'bld.building.add' AND target_id = ${b.id}`), 1);

  // edit: without _version 422 at that field, stale 409, current 200
  const nov = await call(w, 'POST', `/api/v1/bld/buildings/${b.id}`, { json: building({ floors: '3' }) });
  errorShape(nov, 422);
  assert.match(nov.json.error.fields._version, /_version/);
  const stale = await call(w, 'POST', `/api/v1/bld/buildings/${b.id}`, { json: { ...building({ floors: '3' }), _version: b.version + 5 } });
  errorShape(stale, 409, 'stale_version');
  assert.equal(count(`SELECT floors FROM bld_buildings WHERE id = ${b.id}`), 2);
  const ed = await call(w, 'POST', `/api/v1/bld/buildings/${b.id}`, { json: { ...building({ floors: '3', condition: 'fair' }), _version: b.version } });
  assert.equal(ed.status, 200, ed.text);
  assert.equal(ed.json.floors, 3);
  assert.equal(ed.json.condition.code, 'fair');
  assert.equal(ed.json.version, 2);
  assert.match(ed.json.history[0].changes, /จำนวนชั้น: 2 → 3/);
  assert.equal(ed.json.history[0].kind.code, 'edit');
  // the same old copy again: 409
  errorShape(await call(w, 'POST', `/api/v1/bld/buildings/${b.id}`, { json: { ...building(), _version: b.version } }), 409, 'stale_version');

  // submitting before the new building has a photo: refused naming it, nothing stored
  const missing = await call(w, 'POST', `/api/v1/bld/schools/${s2}/submit`, { json: {} });
  errorShape(missing, 422);
  assert.match(missing.json.error.message, /อาคารเรียน API: ยังไม่มีรูปถ่าย/);
  assert.equal(count(`SELECT COUNT(*) FROM bld_school_years WHERE school_id = ${s2} AND year = 2570 AND submitted_at IS NOT NULL`), 0);

  // a photo (multipart), then a PDF refused at its field
  const fd = new FormData();
  fd.append('photo', new Blob([files.png()], { type: 'image/png' }), 'front.png');
  const ph = await call(w, 'POST', `/api/v1/bld/buildings/${b.id}/photos`, { form: fd });
  assert.equal(ph.status, 200, ph.text);
  assert.equal(ph.json.photos.length, 1);
  const href = ph.json.photos[0].href;
  assert.equal(href, `/api/v1/bld/buildings/${b.id}/photos/${ph.json.photos[0].id}`);
  const img = await call(ro, 'GET', href);
  assert.equal(img.status, 200);
  assert.equal(img.headers.get('content-type'), 'image/png');
  assert.deepEqual(img.buf, files.png());
  // a second photo, removed again (DELETE)
  const fd3 = new FormData();
  fd3.append('photo', new Blob([files.png()], { type: 'image/png' }), 'side.png');
  const ph2 = await call(w, 'POST', `/api/v1/bld/buildings/${b.id}/photos`, { form: fd3 });
  assert.equal(ph2.json.photos.length, 2);
  errorShape(await call(ro, 'DELETE', ph2.json.photos[1].href), 403, 'insufficient_scope');
  errorShape(await call(other, 'DELETE', ph2.json.photos[1].href), 404);
  const gone = await call(w, 'DELETE', ph2.json.photos[1].href);
  assert.equal(gone.status, 200, gone.text);
  assert.deepEqual(gone.json.photos.map((x) => x.id), [ph.json.photos[0].id]);
  assert.match(gone.json.history[0].changes, /ลบรูปถ่าย side\.png/);
  errorShape(await call(w, 'GET', ph2.json.photos[1].href), 404);
  const fd2 = new FormData();
  fd2.append('photo', new Blob([files.pdf()], { type: 'application/pdf' }), 'a.pdf');
  const pdf = await call(w, 'POST', `/api/v1/bld/buildings/${b.id}/photos`, { form: fd2 });
  errorShape(pdf, 422);
  assert.match(pdf.json.error.fields.photo, /JPG หรือ PNG/);

  // another school's token: the building is not there for it
  errorShape(await call(other, 'GET', `/api/v1/bld/buildings/${b.id}`), 404);
  errorShape(await call(other, 'POST', `/api/v1/bld/buildings/${b.id}`, { json: { ...building(), _version: 2 } }), 404);
  errorShape(await call(other, 'GET', `/api/v1/bld/schools/${s2}/buildings`), 404);

  // submit: the rooms taught come from the census (this school has learners)
  // (the write declares no ?year=: the page submits this year's window, and
  // the answer is its state. One sent is refused 400 before the handler
  // runs, nothing submitted — it once undid the submission with a 400 after
  // the write, or answered another year's state)
  const sentYear = await call(w, 'POST', `/api/v1/bld/schools/${s2}/submit?year=2570`, { json: {} });
  errorShape(sentYear, 400, 'invalid_parameter');
  assert.ok(sentYear.json.error.fields.year, sentYear.text);
  assert.equal((await call(ro, 'GET', `/api/v1/bld/schools/${s2}/state`)).json.submitted, false, 'nothing submitted');
  const sub = await call(w, 'POST', `/api/v1/bld/schools/${s2}/submit`, { json: {} });
  assert.equal(sub.status, 200, sub.text);
  assert.equal(sub.json.year, 2570, sub.text);
  assert.equal(sub.json.submitted, true);
  assert.equal(sub.json.rooms_taught, sub.json.census_rooms);
  assert.equal(sub.json.rooms_source.code, 'census');
  assert.equal(sub.json.can_change, false);
  assert.match(sub.json.submitted_at, /^2027-10-02T09:00:00\+07:00$/);
  // after submission an edit is refused with the page's reason
  const after = await call(w, 'POST', `/api/v1/bld/buildings/${b.id}`, { json: { ...building(), _version: 2 } });
  errorShape(after, 409);
  assert.match(after.json.error.message, /ส่งข้อมูลอาคารเรียนปี 2570 แล้ว/);

  // only the area reopens it
  errorShape(await call(w, 'POST', `/api/v1/bld/schools/${s2}/reopen`, { json: {} }), 403);
  const re = await call(areaTok, 'POST', `/api/v1/bld/schools/${s2}/reopen`, { json: {} });
  assert.equal(re.status, 200, re.text);
  assert.equal(re.json.submitted, false);
  assert.match(re.json.reopened_at, /^2027-10-02/);
  assert.equal(count(`SELECT COUNT(*) FROM audit WHERE action = 'bld.reopen' AND target_id = ${s2}`), 1);
  errorShape(await call(areaTok, 'POST', `/api/v1/bld/schools/${s2}/reopen`, { json: {} }), 409);
  // and the school sends again
  assert.equal((await call(w, 'POST', `/api/v1/bld/schools/${s2}/submit`, { json: {} })).status, 200);
});

test('reads: buildings with rooms and photos as links, the area overview and budget list, the calendar', async () => {
  const t = await token('areaadmin1', ['bld:read', 'cal:read'], 'area_admin');
  const list = await call(t, 'GET', `/api/v1/bld/schools/${s1}/buildings?per_page=1`);
  assert.equal(list.status, 200, list.text);
  assert.ok(list.json.total >= 2);
  assert.equal(list.json.items.length, 1);
  assert.match(list.headers.get('link'), /rel="next"/);
  const b = list.json.items[0];
  assert.ok(b.photos.length > 0, 'demo buildings have a photo');
  assert.equal((await call(t, 'GET', b.photos[0].href)).status, 200);
  const one = await call(t, 'GET', b.href);
  assert.equal(one.status, 200);
  assert.ok(Array.isArray(one.json.history));
  errorShape(await call(t, 'GET', `/api/v1/bld/schools/${s1}/buildings?foo=1`), 400, 'invalid_parameter');
  errorShape(await call(t, 'GET', `/api/v1/bld/schools/${s1}/state?year=99`), 400, 'invalid_parameter');

  const ov = await call(t, 'GET', `/api/v1/bld/areas/${area}/overview`);
  assert.equal(ov.status, 200, ov.text);
  assert.equal(ov.json.year, 2570);
  assert.equal(ov.json.school_count, count(`SELECT COUNT(*) FROM schools WHERE area_id = ${area}`));
  assert.equal(ov.json.submitted, 1, 'the second school, this year');
  assert.deepEqual(ov.json.by_condition.map((x) => x.condition.code), ['good', 'fair', 'damaged', 'dilapidated']);
  const old = await call(t, 'GET', `/api/v1/bld/areas/${area}/budget?year=2569`);
  assert.equal(old.status, 200, old.text);
  assert.equal(old.json.fiscal_year, 2571);
  assert.equal(old.json.schools.length, count(`SELECT COUNT(*) FROM bld_school_years WHERE area_id = ${area} AND year = 2569 AND submitted_at IS NOT NULL`));
  assert.ok(old.json.not_submitted.every((x) => /ภายในกำหนด/.test(x.reason)));
  const now = await call(t, 'GET', `/api/v1/bld/areas/${area}/budget`);
  assert.ok(now.json.not_submitted.some((x) => /ยังส่งได้ถึง/.test(x.reason)), 'the window is still open');
  // another area is not his
  const otherArea = count(`SELECT id FROM areas WHERE id <> ${area} ORDER BY id LIMIT 1`);
  errorShape(await call(t, 'GET', `/api/v1/bld/areas/${otherArea}/overview`), 404);

  // the calendar: the buildings' window of 2570 with the schools still owing it
  const cal = await call(t, 'GET', `/api/v1/cal/areas/${area}/deadlines?per_page=200`);
  assert.equal(cal.status, 200, cal.text);
  const bld = cal.json.items.find((d) => d.key === 'bld.2570');
  assert.ok(bld, JSON.stringify(cal.json.items.map((d) => d.key)));
  assert.equal(bld.due, '2027-10-30T16:30:00+07:00');
  assert.equal(bld.open, true);
  assert.equal(bld.owing_count, bld.owing.length);
  assert.ok(!bld.owing.some((o) => o.school_id === s2), 'the second school submitted');
  assert.ok(bld.owing.some((o) => o.school_id === s1));
  for (let i = 1; i < cal.json.items.length; i++) assert.ok(cal.json.items[i - 1].due <= cal.json.items[i].due);
  const sc = await call(t, 'GET', `/api/v1/cal/schools/${s2}/deadlines`);
  assert.equal(sc.status, 200);
  assert.equal(sc.json.items.find((d) => d.key === 'bld.2570').owing.length, 0);
  // a school token: its own school, not the area's calendar
  const st = await token('schooladmin', ['cal:read'], 'school_admin');
  assert.equal((await call(st, 'GET', `/api/v1/cal/schools/${s1}/deadlines`)).status, 200);
  assert.ok([403, 404].includes((await call(st, 'GET', `/api/v1/cal/schools/${s2}/deadlines`)).status));
  assert.equal((await call(st, 'GET', `/api/v1/cal/areas/${area}/deadlines`)).status, 403);
  // no bld scope: 403
  errorShape(await call(st, 'GET', `/api/v1/bld/schools/${s1}/buildings`), 403, 'insufficient_scope');
});
