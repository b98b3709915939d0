// api_openapi: the OpenAPI 3.1 document of /api/v1 (issue 15.5) through the
// real binary: a real validator (@seriousme/openapi-schema-validator)
// accepts it, every API route of the route table (/_test/routes) is in it
// with its method, every GET's documented 200 schema matches what the
// server answers for a sample request (ajv, with the document's formats),
// every documented error matches the Error schema, and /api/v1/docs is a
// page of our own (no outside script, style or font).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Validator } from '@seriousme/openapi-schema-validator';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { startServer, files } from './lib.mjs';

const DEMO_PW = 'khet-demo-2567';
let server, doc, officer, teacher, admin, areaId;

async function signedIn(login) {
  const c = server.client();
  await c.get('/signin');
  const r = await c.post('/signin', { login, password: DEMO_PW });
  assert.equal(r.status, 303, `sign in ${login}: ${r.status}`);
  return c;
}

before(async () => {
  server = await startServer();
  doc = (await server.client().get('/api/v1/openapi.json')).json;
  areaId = Number(server.sql("SELECT area_id FROM grants g JOIN users u ON u.id = g.user_id WHERE u.username = 'areaadmin1' AND g.role = 'area_admin'"));
  admin = await signedIn('areaadmin1');
  officer = await signedIn('officer');
  teacher = await signedIn('teacher');
});

after(async () => { await server?.stop(); });

test('a real OpenAPI 3.1 validator accepts the document', async () => {
  assert.equal(doc.openapi, '3.1.0');
  const v = new Validator();
  const res = await v.validate(doc);
  assert.ok(res.valid, JSON.stringify(res.errors, null, 1)?.slice(0, 3000));
  assert.equal(v.version, '3.1');
  // Thai and English descriptions on every operation
  for (const [p, item] of Object.entries(doc.paths))
    for (const [m, op] of Object.entries(item)) {
      assert.ok(/[\u0E00-\u0E7F]/.test(op.description) && /[a-z]{3}/.test(op.summary), `${m} ${p}`);
    }
});

test('every API route of the route table is in the document, and nothing else', async () => {
  const routes = (await server.client().get('/_test/routes', { json: true })).json.routes.filter((r) => r.api);
  assert.ok(routes.length >= 10, 'API routes registered: ' + routes.length);
  const documented = new Set();
  for (const [p, item] of Object.entries(doc.paths))
    for (const m of Object.keys(item)) documented.add(`${m.toUpperCase()} ${p}`);
  const inTable = new Set();
  for (const r of routes) {
    if (r.pattern === '/api/v1/openapi.json') continue;
    const key = `${r.method} ${r.pattern.replace(/:([a-z_]+)/g, '{$1}')}`;
    inTable.add(key);
    assert.ok(documented.has(key), 'not documented: ' + key);
  }
  for (const k of documented) assert.ok(inTable.has(k), 'documented but not routed: ' + k);
});

// The 200 schema of a GET, compiled with the document's formats.
function validatorFor(ajv, path, method = 'get', code = '200') {
  const op = doc.paths[path]?.[method];
  assert.ok(op, `${method} ${path} is documented`);
  const schema = op.responses[code].content['application/json'].schema;
  return ajv.compile(schema);
}

test('sample answers match their documented schemas (and errors the Error schema)', async () => {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  // a request to read, made by the page
  const fd = { area_id: String(areaId), title: 'นาง', first_name: 'สมใจ', last_name: 'ตัวอย่าง', phone: '0810000002', email: 'x@example.org', pledged: 'no' };
  const made = await teacher.postMultipart('/oss/new/21', fd, { id_card: { data: files.pdf(), filename: 'a.pdf', type: 'application/pdf' } }, { json: true });
  assert.equal(made.status, 200, made.text.slice(0, 500));
  const rid = Number(made.json.location.split('/').pop());
  const school = Number(server.sql(`SELECT id FROM schools WHERE area_id = ${areaId} ORDER BY id LIMIT 1`));
  const samples = [
    [admin, '/api/v1/areas', '/api/v1/areas'],
    [admin, `/api/v1/areas/${areaId}`, '/api/v1/areas/{id}'],
    [admin, `/api/v1/areas/${areaId}/work-groups`, '/api/v1/areas/{id}/work-groups'],
    [admin, `/api/v1/areas/${areaId}/schools?per_page=5`, '/api/v1/areas/{id}/schools'],
    [admin, `/api/v1/schools/${school}`, '/api/v1/schools/{id}'],
    [teacher, '/api/v1/oss/requests', '/api/v1/oss/requests'],
    [officer, '/api/v1/oss/requests?service=21', '/api/v1/oss/requests'],
    [teacher, `/api/v1/oss/requests/${rid}`, '/api/v1/oss/requests/{id}'],
    [admin, '/api/v1/users', '/api/v1/users'],
    [teacher, `/api/v1/users/${server.sql("SELECT id FROM users WHERE username = 'teacher'")}`, '/api/v1/users/{id}'],
    [admin, '/api/v1/grants', '/api/v1/grants'],
    [admin, '/api/v1/audit-events', '/api/v1/audit-events'],
  ];
  // KPI: the demo's indicators, periods and reports of the area
  const kind = server.sql(`SELECT i.id || ' ' || i.fiscal_year || ' ' || p.id || ' ' || r.id FROM kpi_reports r JOIN kpi_periods p ON p.id = r.period_id
    JOIN kpi_indicators i ON i.id = r.indicator_id WHERE i.area_id = ${areaId} AND i.status <> 'hidden' ORDER BY r.id LIMIT 1`).split(' ');
  const [ind, fy, per, rep] = kind;
  // a room booked by the page, for the rooms and bookings
  const room = Number(server.sql(`SELECT id FROM oss_rooms WHERE area_id = ${areaId} ORDER BY id LIMIT 1`));
  const day = new Date(Date.now() + 7 * 3600e3 + 50 * 86400e3).toISOString().slice(0, 10);
  const booked = await teacher.postMultipart('/oss/new/31', { area_id: String(areaId), title: 'นาย', first_name: 'ก', last_name: 'ข', phone: '0810000003',
    agency: 'กลุ่มนิเทศ', attendees: '5', room_id: String(room), purpose: 'ประชุม', start_date: day, end_date: day, start_time: '13:00', end_time: '15:00' },
  { letter: { data: files.pdf(), filename: 'l.pdf', type: 'application/pdf' } }, { json: true });
  assert.equal(booked.status, 200, booked.text.slice(0, 500));
  samples.push([teacher, `/api/v1/oss/areas/${areaId}/rooms`, '/api/v1/oss/areas/{id}/rooms'],
    [officer, `/api/v1/oss/rooms/${room}/bookings?from=${day}&to=${day}`, '/api/v1/oss/rooms/{id}/bookings']);
  samples.push([admin, `/api/v1/dmc/schools/${school}/learners`, '/api/v1/dmc/schools/{sid}/learners'],
    [admin, `/api/v1/dpa/schools/${school}/staff`, '/api/v1/dpa/schools/{sid}/staff']);
  // the census and personnel writes (issue 15.1), made through the API by
  // the school's and the area's sessions: their answers against the
  // documented 201/200 schemas, and what they made read back by the GETs
  const schoolAdmin = await signedIn('schooladmin'), dmcArea = await signedIn('dmcarea'), schoolAdmin2 = await signedIn('schooladmin2');
  const s1 = Number(server.sql("SELECT g.school_id FROM grants g JOIN users u ON u.id = g.user_id WHERE u.username = 'schooladmin' AND g.role = 'school_admin'"));
  const s2 = Number(server.sql("SELECT g.school_id FROM grants g JOIN users u ON u.id = g.user_id WHERE u.username = 'schooladmin2' AND g.role = 'school_admin'"));
  const written = async (who, method, url, path, code, fields) => {
    const r = method === 'POST' && fields instanceof Array
      ? await who.postMultipart(url, fields[0], fields[1])
      : await who.request(method, url, { body: JSON.stringify({ ...fields, _csrf: who.csrf }), headers: { 'content-type': 'application/json' } });
    assert.equal(r.status, code, `${method} ${url}: ${r.text.slice(0, 500)}`);
    const op = doc.paths[path][method.toLowerCase()];
    const v = ajv.compile(op.responses[String(code)].content['application/json'].schema);
    assert.ok(v(r.json), `${method} ${url}: ${JSON.stringify(v.errors).slice(0, 1500)}`);
    return r.json;
  };
  const cid = (p) => { const d = (p + String(Date.now() % 1e8).padStart(8, '0') + '00').slice(0, 12).split('').map(Number); let s = 0; for (let i = 0; i < 12; i++) s += d[i] * (13 - i); return d.join('') + ((11 - (s % 11)) % 10); };
  const kid = { citizen_id: cid('17'), gcode: '', title: 'boy', first_name: 'ตัวอย่าง', last_name: 'เอพีไอ', sex: 'M', birth_date: '2018-03-04',
    nationality: 'TH', grade: 'p2', room: 1, weight: '24.5', height: '123', disadvantaged: 'none', disability: 'none' };
  const l = await written(schoolAdmin, 'POST', `/api/v1/dmc/schools/${s1}/learners`, '/api/v1/dmc/schools/{sid}/learners', 201, kid);
  await written(schoolAdmin, 'PATCH', `/api/v1/dmc/learners/${l.id}`, '/api/v1/dmc/learners/{id}', 200, { title: 'boy', first_name: 'ตัวอย่างใหม่', last_name: 'เอพีไอ', _version: l.version });
  const dq = await written(schoolAdmin, 'POST', `/api/v1/dmc/learners/${l.id}/dropout`, '/api/v1/dmc/learners/{id}/dropout', 201,
    { reason: server.sql("SELECT code FROM dmc_dropout_reasons WHERE code <> 'other' ORDER BY sort LIMIT 1") });
  const rounds = (await admin.get('/api/v1/dmc/rounds')).json.items;
  const gfields = { title: 'girl', first_name: 'นาหลิ่ง', last_name: 'เอพีไอ', sex: 'F', birth_date: '2017-05-06', nationality: 'XX', grade: 'p3', room: '1',
    weight: '25', height: '125', disadvantaged: 'minority', disability: 'none', guardian_name: 'นางมะเอ เอพีไอ', guardian_phone: '0812345678', address: '5 หมู่ 1', note: '' };
  const gq = await written(schoolAdmin, 'POST', `/api/v1/dmc/schools/${s1}/gcode`, '/api/v1/dmc/schools/{sid}/gcode', 201,
    [gfields, { student_form: { data: files.pdf(), filename: 's.pdf', type: 'application/pdf' }, guardian_doc: { data: files.png(), filename: 'g.png', type: 'image/png' } }]);
  const person = { citizen_id: cid('27'), title: 'นาย', first_name: 'ตัวอย่าง', last_name: 'เอพีไอ', type: 'teacher', position: 'teacher', position_no: '1', salary: '30000' };
  const st = await written(schoolAdmin, 'POST', `/api/v1/dpa/schools/${s1}/staff`, '/api/v1/dpa/schools/{sid}/staff', 201, person);
  const { citizen_id, ...rest } = person;
  await written(schoolAdmin, 'PATCH', `/api/v1/dpa/staff/${st.id}`, '/api/v1/dpa/staff/{id}', 200, { ...rest, position_no: '2', _version: st.version });
  const tr = await written(schoolAdmin2, 'POST', `/api/v1/dpa/schools/${s2}/transfers`, '/api/v1/dpa/schools/{sid}/transfers', 201, { citizen_id: person.citizen_id, note: '' });
  samples.push([admin, `/api/v1/dmc/learners/${l.id}`, '/api/v1/dmc/learners/{id}'],
    [admin, `/api/v1/dmc/requests/${dq.id}`, '/api/v1/dmc/requests/{id}'],
    [admin, '/api/v1/dmc/rounds', '/api/v1/dmc/rounds'],
    [admin, `/api/v1/dmc/schools/${s1}/rounds/${rounds[0].id}`, '/api/v1/dmc/schools/{sid}/rounds/{rid}'],
    [dmcArea, `/api/v1/dmc/areas/${areaId}/dashboard`, '/api/v1/dmc/areas/{aid}/dashboard'],
    [admin, `/api/v1/dmc/gcode/${gq.id}`, '/api/v1/dmc/gcode/{gid}'],
    [admin, `/api/v1/dpa/staff/${st.id}`, '/api/v1/dpa/staff/{id}'],
    [admin, `/api/v1/dpa/schools/${s1}/transfers`, '/api/v1/dpa/schools/{sid}/transfers'],
    [admin, `/api/v1/dpa/transfers/${tr.id}`, '/api/v1/dpa/transfers/{tid}']);
  await written(dmcArea, 'POST', `/api/v1/dmc/areas/${areaId}/requests/${dq.id}/approve`, '/api/v1/dmc/areas/{aid}/requests/{rid}/approve', 200, {});
  await written(dmcArea, 'POST', `/api/v1/dmc/areas/${areaId}/gcode/${gq.id}/approve`, '/api/v1/dmc/areas/{aid}/gcode/{gid}/approve', 200, {});
  await written(schoolAdmin, 'POST', `/api/v1/dpa/transfers/${tr.id}/approve`, '/api/v1/dpa/transfers/{tid}/approve', 200, {});
  samples.push([admin, '/api/v1/kpi/years', '/api/v1/kpi/years'],
    [admin, `/api/v1/kpi/years/${fy}/indicators`, '/api/v1/kpi/years/{year}/indicators'],
    [admin, `/api/v1/kpi/indicators/${ind}`, '/api/v1/kpi/indicators/{id}'],
    [admin, `/api/v1/kpi/indicators/${ind}/periods`, '/api/v1/kpi/indicators/{id}/periods'],
    [admin, `/api/v1/kpi/periods/${per}/reports`, '/api/v1/kpi/periods/{id}/reports'],
    [admin, `/api/v1/kpi/reports/${rep}`, '/api/v1/kpi/reports/{id}']);
  // buildings (B-OBEC) of the first school (demo buildings with photos) and the area; the data calendar
  const bid = Number(server.sql(`SELECT id FROM bld_buildings WHERE school_id = ${school} ORDER BY id LIMIT 1`));
  samples.push([admin, `/api/v1/bld/schools/${school}/buildings`, '/api/v1/bld/schools/{sid}/buildings'],
    [admin, `/api/v1/bld/schools/${school}/state`, '/api/v1/bld/schools/{sid}/state'],
    [admin, `/api/v1/bld/buildings/${bid}`, '/api/v1/bld/buildings/{id}'],
    [admin, `/api/v1/bld/areas/${areaId}/overview`, '/api/v1/bld/areas/{aid}/overview'],
    [admin, `/api/v1/bld/areas/${areaId}/budget?year=${server.sql('SELECT MAX(year) FROM bld_school_years')}`, '/api/v1/bld/areas/{aid}/budget'],
    [admin, `/api/v1/cal/areas/${areaId}/deadlines`, '/api/v1/cal/areas/{id}/deadlines'],
    [admin, `/api/v1/cal/schools/${school}/deadlines`, '/api/v1/cal/schools/{id}/deadlines']);
  const checked = new Set();
  for (const [who, url, path] of samples) {
    const r = await who.get(url);
    assert.equal(r.status, 200, `${url}: ${r.text.slice(0, 300)}`);
    const v = validatorFor(ajv, path);
    assert.ok(v(r.json), `${url}: ${JSON.stringify(v.errors).slice(0, 1500)}`);
    if (r.json.items) assert.ok(r.json.items.length > 0, `${url} has items to check`);
    checked.add(path);
  }
  // every documented GET with a JSON answer was sampled
  for (const [p, item] of Object.entries(doc.paths))
    if (item.get?.responses['200'].content['application/json']) assert.ok(checked.has(p), 'no sample for GET ' + p);
  // a write's answer: a request submitted through the API (a browser
  // session: the CSRF token in the form) against the POST's 201 schema
  const sub = await teacher.postMultipart('/api/v1/oss/services/21/requests', fd, { id_card: { data: files.pdf(), filename: 'b.pdf', type: 'application/pdf' } });
  assert.equal(sub.status, 201, sub.text.slice(0, 500));
  const vp = ajv.compile(doc.paths['/api/v1/oss/services/21/requests'].post.responses['201'].content['application/json'].schema);
  assert.ok(vp(sub.json), JSON.stringify(vp.errors));
  const pr = await officer.request('POST', `/api/v1/oss/requests/${sub.json.id}/status`, { body: JSON.stringify({ status: 'in_progress', _version: sub.json.version, _csrf: officer.csrf }), headers: { 'content-type': 'application/json' } });
  assert.equal(pr.status, 200, pr.text.slice(0, 500));
  const vs = ajv.compile(doc.paths['/api/v1/oss/requests/{id}/status'].post.responses['200'].content['application/json'].schema);
  assert.ok(vs(pr.json), JSON.stringify(vs.errors));
  // the buildings' writes (inside the window of 2570 on the test clock): add, edit, submit, reopen
  const clock = { 'x-khet-test-now': String(Date.UTC(2027, 9, 2, 2) / 1000), 'content-type': 'application/json' };
  const bpost = (who, url, body) => who.request('POST', url, { body: JSON.stringify({ ...body, _csrf: who.csrf }), headers: clock });
  const fields = { name: 'อาคารตัวอย่าง', type: 'classroom', year_built: '2550', floors: '1', area_m2: '100', condition: 'good', budget_source: 'obec', room_use_1: 'classroom', room_n_1: '2' };
  const made2 = await bpost(schoolAdmin, `/api/v1/bld/schools/${school}/buildings`, fields);
  assert.equal(made2.status, 201, made2.text.slice(0, 500));
  const vb = ajv.compile(doc.paths['/api/v1/bld/schools/{sid}/buildings'].post.responses['201'].content['application/json'].schema);
  assert.ok(vb(made2.json), JSON.stringify(vb.errors));
  const edited = await bpost(schoolAdmin, `/api/v1/bld/buildings/${made2.json.id}`, { ...fields, floors: '2', _version: made2.json.version });
  assert.equal(edited.status, 200, edited.text.slice(0, 500));
  const ve = ajv.compile(doc.paths['/api/v1/bld/buildings/{id}'].post.responses['200'].content['application/json'].schema);
  assert.ok(ve(edited.json), JSON.stringify(ve.errors));
  // the new building has no photo yet: add one, then submit
  const photo = await schoolAdmin.postMultipart(`/api/v1/bld/buildings/${made2.json.id}/photos`, {}, { photo: { data: files.png(), filename: 'p.png', type: 'image/png' } }, { headers: { 'x-khet-test-now': clock['x-khet-test-now'] } });
  assert.equal(photo.status, 200, photo.text.slice(0, 500));
  assert.ok(ve(photo.json), JSON.stringify(ve.errors));
  const sent = await bpost(schoolAdmin, `/api/v1/bld/schools/${school}/submit`, {});
  assert.equal(sent.status, 200, sent.text.slice(0, 800));
  const vst = ajv.compile(doc.paths['/api/v1/bld/schools/{sid}/submit'].post.responses['200'].content['application/json'].schema);
  assert.ok(vst(sent.json), JSON.stringify(vst.errors));
  const reopened = await bpost(admin, `/api/v1/bld/schools/${school}/reopen`, {});
  assert.equal(reopened.status, 200, reopened.text.slice(0, 500));
  assert.ok(vst(reopened.json), JSON.stringify(vst.errors));
  // the officer's message to the applicant, against its 200 schema
  const msg = await officer.request('POST', `/api/v1/oss/requests/${sub.json.id}/messages`, { body: JSON.stringify({ letter: 'ขอสำเนาบัตรที่ชัดกว่านี้', _csrf: officer.csrf }), headers: { 'content-type': 'application/json' } });
  assert.equal(msg.status, 200, msg.text.slice(0, 500));
  const vm = ajv.compile(doc.paths['/api/v1/oss/requests/{id}/messages'].post.responses['200'].content['application/json'].schema);
  assert.ok(vm(msg.json), JSON.stringify(vm.errors));
  // a write of one record documents its _version: required for a building's edit, checked for a report's
  const editBody = doc.paths['/api/v1/bld/buildings/{id}'].post.requestBody.content['application/json'].schema;
  assert.equal(editBody.properties._version.type, 'integer');
  assert.ok(editBody.required.includes('_version'));
  const saveBody = doc.paths['/api/v1/kpi/reports/{id}'].post.requestBody.content['application/json'].schema;
  assert.ok(saveBody.properties._version && !saveBody.required.includes('_version'));
  assert.ok(!doc.paths['/api/v1/bld/schools/{sid}/buildings'].post.requestBody.content['application/json'].schema.properties._version);
  // errors: the Error component
  const err = ajv.compile(doc.components.schemas.Error);
  for (const [who, url] of [[server.client(), '/api/v1/areas'], [admin, '/api/v1/areas?foo=1'], [admin, '/api/v1/areas/0'], [teacher, `/api/v1/oss/requests/${rid + 100000}`]]) {
    const r = await who.get(url);
    assert.ok(r.status >= 400, url);
    assert.ok(err(r.json), `${url}: ${JSON.stringify(err.errors)}`);
  }
});

test('the reference page is ours: no outside script, style or font', async () => {
  const r = await server.client().get('/api/v1/docs');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /text\/html/);
  assert.ok(r.text.includes('/api/v1/oss/requests/{id}'));
  assert.ok(r.text.includes('oss:write'));
  assert.ok(!/(src|href)="(https?:)?\/\//.test(r.text), 'no outside resource');
});

test('the document (built once) is the same bytes to every caller; the reference page\'s body is shared but its layout is each caller\'s, its JSON the page model', async () => {
  const a = await server.client().get('/api/v1/openapi.json');
  const b = await officer.get('/api/v1/openapi.json');
  assert.equal(a.status, 200);
  assert.equal(a.text, b.text, 'the same document to anyone');
  assert.deepEqual(JSON.parse(a.text), doc);
  // the page's body is built once; its layout is the caller's (his name
  // in the header when signed in, the sign-in link when not)
  const anon = await server.client().get('/api/v1/docs');
  const mine = await officer.get('/api/v1/docs');
  const body = (t) => t.slice(t.indexOf('<h1>Khet API v1</h1>'), t.lastIndexOf('</section>'));
  assert.ok(body(anon.text).length > 1000);
  assert.equal(body(anon.text), body(mine.text));
  assert.ok(anon.text.includes('href="/signin'), 'anonymous: the sign-in link');
  assert.ok(!mine.text.includes('href="/signin"'), 'signed in: his own menu');
  // its JSON is the page's model, as the pages' JSON is
  const j = await officer.get('/api/v1/docs', { headers: { accept: 'application/json' } });
  assert.equal(j.status, 200);
  assert.equal(j.json.page_title, 'Khet API v1');
  const oss = j.json.groups.find((g) => g.module === 'oss');
  assert.ok(oss.ops.some((o) => o.path === '/api/v1/oss/requests' && o.list));
});

test('a PATCH requires none of its fields: what it leaves out keeps its stored value', async () => {
  const patches = [];
  for (const [path, ops] of Object.entries(doc.paths))
    if (ops.patch) patches.push([path, ops.patch]);
  assert.ok(patches.length >= 2, 'the census learner and the personnel record');
  for (const [path, op] of patches) {
    const schema = op.requestBody.content['application/json'].schema;
    assert.deepEqual(schema.required ?? [], [], path);
    assert.ok(schema.properties.first_name, `${path}: the fields are still described`);
  }
});
