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
  server = await startServer({ demoArgs: ['--schools', '16', '--areas', '5', '--staff', '203'] });
});
after(async () => { await server?.stop(); });

test('--staff N spreads N records over every school; the kept counts equal a recount; the area page reads them', async () => {
  // 203 over 80 schools of 5 areas: 43 schools get 3, 37 get 2 (the demo accounts' own records aside)
  assert.equal(num("SELECT COUNT(*) FROM dpa_staff WHERE citizen_id LIKE '5%'"), 203);
  assert.equal(num('SELECT COUNT(*) FROM schools'), 80);
  assert.equal(num('SELECT COUNT(*) FROM areas WHERE id > 0'), 5) // (by rowid: the sqlite3 shell lacks the thai collation of the name index);
  // each record as the page would have stored it: its 'add' event, its search words
  assert.equal(num("SELECT COUNT(*) FROM dpa_staff s JOIN dpa_staff_events ev ON ev.staff_id = s.id AND ev.kind = 'add' AND ev.to_school_id = s.school_id WHERE s.citizen_id LIKE '5%'"), 203);
  assert.equal(num("SELECT COUNT(*) FROM dpa_staff WHERE citizen_id LIKE '5%' AND search NOT LIKE '%' || citizen_id"), 0);
  assert.equal(num("SELECT COUNT(*) FROM dpa_staff WHERE citizen_id LIKE '5%' AND area_id <> (SELECT area_id FROM schools WHERE id = school_id)"), 0);
  assert.equal(num("SELECT COUNT(DISTINCT school_id) FROM dpa_staff WHERE citizen_id LIKE '5%'"), 80);
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
  const again = khet(['demo', '--schools', '16', '--areas', '5', '--staff', '203'], server.env);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(num("SELECT COUNT(*) FROM dpa_staff WHERE citizen_id LIKE '5%'"), 203);
  assert.equal(drift(), 0);
});
