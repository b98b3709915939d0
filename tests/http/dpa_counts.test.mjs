// dpa_counts: `khet demo --areas N --staff N` (the bench's national shape,
// issue 13) spreads N records evenly over every school of every area,
// loaded set-based (COPY on PostgreSQL, one recount of every school), so
// the kept counts (dpa_counts, dpa_type_counts: migration 0610) equal a
// recount and every record has its 'add' event; the area page reads them
// and shows the area's total; a second demo run adds nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, khet } from './lib.mjs';

let server;
const num = (q) => Number(server.sql(q));
const RECOUNT = "SELECT COALESCE(school_id, 0), area_id, COUNT(*), SUM(CASE WHEN missing > 0 THEN 1 ELSE 0 END) FROM dpa_staff WHERE status = 'active' GROUP BY COALESCE(school_id, 0), area_id";
const KEPT = 'SELECT school_id, area_id, recorded, incomplete FROM dpa_counts WHERE recorded > 0';
const RETYPE = "SELECT COALESCE(school_id, 0), area_id, COALESCE(type, ''), COUNT(*), SUM(CASE WHEN missing > 0 THEN 1 ELSE 0 END) FROM dpa_staff WHERE status = 'active' GROUP BY COALESCE(school_id, 0), area_id, COALESCE(type, '')";
const KEPT_TYPE = 'SELECT school_id, area_id, type, recorded, incomplete FROM dpa_type_counts';
const drift = () => [[RECOUNT, KEPT], [KEPT, RECOUNT], [RETYPE, KEPT_TYPE], [KEPT_TYPE, RETYPE]]
  .reduce((n, [a, b]) => n + num(`SELECT COUNT(*) FROM (${a} EXCEPT ${b}) d`), 0);

before(async () => {
  server = await startServer({ demoArgs: ['--schools', '60', '--areas', '3', '--staff', '203'] });
});
after(async () => { await server?.stop(); });

test('--staff N spreads N records over every school; the kept counts equal a recount; the area page reads them', async () => {
  // 203 over 180 schools of 3 areas: 23 schools get 2, 157 get 1 (the demo accounts' own records aside)
  assert.equal(num("SELECT COUNT(*) FROM dpa_staff WHERE citizen_id LIKE '5%'"), 203);
  assert.equal(num('SELECT COUNT(*) FROM schools'), 180);
  assert.equal(num('SELECT COUNT(*) FROM areas WHERE id > 0'), 3) // (by rowid: the sqlite3 shell lacks the thai collation of the name index);
  // each record as the page would have stored it: its 'add' event, its search words
  assert.equal(num("SELECT COUNT(*) FROM dpa_staff s JOIN dpa_staff_events ev ON ev.staff_id = s.id AND ev.kind = 'add' AND ev.to_school_id = s.school_id WHERE s.citizen_id LIKE '5%'"), 203);
  assert.equal(num("SELECT COUNT(*) FROM dpa_staff WHERE citizen_id LIKE '5%' AND search NOT LIKE '%' || citizen_id"), 0);
  assert.equal(num("SELECT COUNT(*) FROM dpa_staff WHERE citizen_id LIKE '5%' AND area_id <> (SELECT area_id FROM schools WHERE id = school_id)"), 0);
  assert.equal(num("SELECT COUNT(DISTINCT school_id) FROM dpa_staff WHERE citizen_id LIKE '5%'"), 180);
  assert.equal(num("SELECT MAX(n) - MIN(n) FROM (SELECT school_id, COUNT(*) AS n FROM dpa_staff WHERE citizen_id LIKE '5%' GROUP BY school_id) x"), 1);
  assert.ok(num('SELECT COUNT(*) FROM dpa_staff WHERE missing > 0') > 0, 'some records are incomplete');
  assert.equal(num("SELECT COUNT(*) FROM dpa_transfers WHERE status = 'pending'"), 1);
  assert.equal(drift(), 0);
  // the area page: the area's total as its schools' kept counts say
  const area = num("SELECT id FROM areas WHERE code = '3502'");
  const total = num(`SELECT COUNT(*) FROM dpa_staff WHERE area_id = ${area} AND status = 'active' AND school_id IS NOT NULL`);
  const c = server.client();
  await c.get('/signin');
  assert.equal((await c.post('/signin', { login: 'areaadmin1', password: 'khet-demo-2567' })).status, 303);
  const r = await c.get(`/dpa/areas/${area}`);
  assert.equal(r.status, 200);
  assert.match(r.text, new RegExp(`บันทึกแล้ว ${total} คน`));
  // a second run adds nobody
  const again = khet(['demo', '--schools', '60', '--areas', '3', '--staff', '203'], server.env);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(num("SELECT COUNT(*) FROM dpa_staff WHERE citizen_id LIKE '5%'"), 203);
  assert.equal(drift(), 0);
});

test('the area page: 50 schools a page in Thai order with the page\'s filters, totals from the kept counts; the export gives every school', async () => {
  const area = num("SELECT id FROM areas WHERE code = '3502'");
  const total = num(`SELECT COUNT(*) FROM dpa_staff WHERE area_id = ${area} AND status = 'active' AND school_id IS NOT NULL`);
  const lacking = num(`SELECT COUNT(*) FROM dpa_staff WHERE area_id = ${area} AND status = 'active' AND school_id IS NOT NULL AND missing > 0`);
  const c = server.client();
  await c.get('/signin');
  assert.equal((await c.post('/signin', { login: 'areaadmin1', password: 'khet-demo-2567' })).status, 303);
  // the school list's own order (org, the same index) is the order to follow
  const order = (await c.get(`/areas/${area}/schools?per_page=100`, { json: true })).json.rows.map((x) => x.id);
  assert.equal(order.length, 60);
  const p1 = await c.get(`/dpa/areas/${area}`, { json: true });
  assert.equal(p1.status, 200);
  assert.equal(p1.json.schools.length, 50);
  assert.deepEqual([p1.json.total, p1.json.page, p1.json.pages], [60, 1, 2]);
  assert.deepEqual([p1.json.recorded, p1.json.incomplete], [total, lacking]);
  assert.equal(p1.json.by_type.reduce((a, n) => a + n, 0) + p1.json.untyped, total);
  const p2 = await c.get(`/dpa/areas/${area}?page=2`, { json: true });
  assert.equal(p2.json.schools.length, 10);
  assert.deepEqual([...p1.json.schools, ...p2.json.schools].map((x) => x.school_id), order);
  assert.deepEqual([p2.json.recorded, p2.json.incomplete], [total, lacking], 'totals whatever the page');
  for (const row of [...p1.json.schools, ...p2.json.schools]) {
    assert.equal(row.recorded, num(`SELECT COUNT(*) FROM dpa_staff WHERE school_id = ${row.school_id} AND status = 'active'`));
    assert.equal(row.by_type.reduce((a, n) => a + n, 0) + row.untyped, row.recorded);
  }
  // past the end: the last page; the HTML pages with links
  assert.equal((await c.get(`/dpa/areas/${area}?page=99`, { json: true })).json.page, 2);
  const html = await c.get(`/dpa/areas/${area}`);
  assert.match(html.text, /หน้า 1 จาก 2 ทั้งหมด 60 โรงเรียน/);
  assert.match(html.text, new RegExp(`href="/dpa/areas/${area}\\?q=&amp;page=2"`));
  // search by a school's code, then by words of its name
  const one = p2.json.schools[3];
  const byCode = await c.get(`/dpa/areas/${area}?q=${one.obec_code}`, { json: true });
  assert.deepEqual(byCode.json.schools.map((x) => x.school_id), [one.school_id]);
  assert.deepEqual([byCode.json.recorded, byCode.json.total], [total, 1]);
  const byName = await c.get(`/dpa/areas/${area}?q=${encodeURIComponent(one.name)}`, { json: true });
  assert.ok(byName.json.schools.some((x) => x.school_id === one.school_id));
  // only schools with someone incomplete, the filter kept in the pager's links
  const inc = await c.get(`/dpa/areas/${area}?incomplete=1`, { json: true });
  const want = num(`SELECT COUNT(*) FROM dpa_counts c JOIN schools s ON s.id = c.school_id AND s.area_id = c.area_id WHERE c.area_id = ${area} AND c.incomplete > 0`);
  assert.ok(want > 0);
  assert.equal(inc.json.total, want);
  assert.ok(inc.json.schools.every((x) => x.incomplete > 0));
  assert.equal(inc.json.incomplete_only, true);
  // a search that is not text: the Thai message at the box, the whole list shown
  const bad = await c.get(`/dpa/areas/${area}?q=${'ก'.repeat(101)}`, { json: true });
  assert.equal(bad.status, 422);
  assert.match(bad.json.error, /ค้นหา|ตัวอักษร/);
  assert.equal(bad.json.total, 60);
  // the export: every school of the area, not a page
  const csv = await c.get(`/dpa/areas/${area}/export?format=csv`);
  assert.equal(csv.status, 200);
  for (const id of order.slice(0, 1).concat(order.slice(-1))) {
    const code = server.sql(`SELECT obec_code FROM schools WHERE id = ${id}`);
    assert.ok(csv.text.includes(code), `export has ${code}`);
  }
  assert.equal(csv.text.split('\n').filter((l) => /^\W*10352\d{5}\b/.test(l)).length, 60);
});

// Issue 13: on PostgreSQL every statement is a round trip. /metrics counts
// each route's statements (khet_route_db_statements_total); the personnel
// pages send the session's one and then: the area page the area's row with
// its page of schools and the list's count, and the types with the area's
// totals and the page's counts by type (3); a school's list the school's
// row with its kept counts and its page (2). Both then decide who may see
// the place as before. Each page is asked once before, so a session's first-request work
// (last seen, the menu's grants) is not counted.
test('the personnel pages send 3 and 2 statements a request (khet_route_db_statements_total); who sees them is unchanged', async () => {
  const area = num("SELECT id FROM areas WHERE code = '3502'");
  const school = num(`SELECT MIN(id) FROM schools WHERE area_id = ${area}`);
  const c = server.client();
  await c.get('/signin');
  assert.equal((await c.post('/signin', { login: 'areaadmin1', password: 'khet-demo-2567' })).status, 303);
  const statements = async (route) => {
    const m = await (await fetch(`${server.base}/metrics`)).text();
    const line = m.split('\n').find((l) => l.startsWith(`khet_route_db_statements_total{method="GET",route="${route}"} `));
    return line ? Number(line.split(' ')[1]) : 0;
  };
  for (const [path, route, want] of [[`/dpa/areas/${area}`, '/dpa/areas/:aid', 3], [`/dpa/schools/${school}`, '/dpa/schools/:sid', 2],
    [`/dpa/areas/${area}?page=2`, '/dpa/areas/:aid', 3]]) {
    assert.equal((await c.get(path)).status, 200);
    const n0 = await statements(route);
    const r = await c.get(path);
    assert.equal(r.status, 200);
    assert.equal(await statements(route) - n0, want, `${path}: statements a request`);
  }
  // the page shows the same with fewer: a past-the-end page still counts its list and shows the last
  const past = await c.get(`/dpa/schools/${school}?page=9`, { json: true });
  assert.equal(past.status, 200);
  assert.equal(past.json.page, 1);
  assert.equal(past.json.rows.length, num(`SELECT COUNT(*) FROM dpa_staff WHERE school_id = ${school} AND status = 'active'`));
  assert.equal(past.json.recorded, past.json.rows.length);
  assert.equal(past.json.school.id, school);
  assert.equal(past.json.school.name, server.sql(`SELECT name FROM schools WHERE id = ${school}`));
  // another area's school, and none: 404 as before, nothing of it shown
  const other = num(`SELECT MIN(id) FROM schools WHERE area_id <> ${area}`);
  const otherName = server.sql(`SELECT name FROM schools WHERE id = ${other}`);
  for (const path of [`/dpa/schools/${other}`, `/dpa/schools/${other}?q=x&page=3`, '/dpa/schools/999999']) {
    const r = await c.get(path);
    assert.equal(r.status, 404, path);
    assert.match(r.text, /ไม่พบโรงเรียนนี้/);
    assert.ok(!r.text.includes(otherName), path);
  }
  // a school admin sees his own school's list and not the next one's
  const admin = server.client();
  await admin.get('/signin');
  assert.equal((await admin.post('/signin', { login: 'schooladmin', password: 'khet-demo-2567' })).status, 303);
  const home = await admin.get('/dpa'); // his school's list
  assert.equal(home.status, 303);
  const own = Number(home.headers.get('location').match(/^\/dpa\/schools\/(\d+)$/)[1]);
  assert.equal((await admin.get(`/dpa/schools/${own}`)).status, 200, `own school ${own}`);
  const next = num(`SELECT MIN(id) FROM schools WHERE id <> ${own}`);
  assert.equal((await admin.get(`/dpa/schools/${next}`)).status, 404);
  // the area page: not a school admin's, even of his own area; not another area's; none
  const ownArea = num(`SELECT area_id FROM schools WHERE id = ${own}`);
  const otherArea = num(`SELECT MIN(id) FROM areas WHERE id <> ${area}`);
  const otherAreaName = server.sql(`SELECT name FROM areas WHERE id = ${otherArea}`);
  for (const [who, path] of [[admin, `/dpa/areas/${ownArea}`], [c, `/dpa/areas/${otherArea}`], [c, `/dpa/areas/${otherArea}?q=x&page=4`], [c, '/dpa/areas/999999']]) {
    const r = await who.get(path);
    assert.equal(r.status, 404, path);
    assert.match(r.text, /ไม่พบสำนักงานเขตพื้นที่นี้/);
    assert.ok(!r.text.includes(otherAreaName), path);
  }
  // an area page that finds no school still names its area
  const empty = await c.get(`/dpa/areas/${area}?q=ไม่มีโรงเรียนชื่อนี้`, { json: true });
  assert.equal(empty.status, 200);
  assert.deepEqual([empty.json.total, empty.json.schools.length, empty.json.area.id, empty.json.area.code], [0, 0, area, '3502']);
});
