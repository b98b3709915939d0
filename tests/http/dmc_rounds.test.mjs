// dmc_rounds: the round settings page (DMC-3: dates and times are settings
// per round) through the real binary — the area sees a year's rounds and
// cannot change them, a school role cannot see the page, OBEC's super
// admin moves a round's window (and confirm then follows the new window,
// walked with the test clock), bad values are refused at their field (a
// close before the open, entry after the day, a round out of order, a
// time that is no time), a save from a stale page is told (409), and a
// round a school has certified can no longer be changed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, AddressClient, ipSequence } from './lib.mjs';

const PW = 'khet-demo-2567';
let server, s1, admin1, director, areaOfficer, sa, year, r2, r3;
const nextIp = ipSequence('10.64');
async function as(login) {
  const c = new AddressClient(server.base, nextIp());
  await c.get('/signin');
  const r = await c.post('/signin', { login, password: PW });
  assert.equal(r.status, 303, `sign in ${login}: ${r.status}`);
  return c;
}
const sql = (q) => server.sql(q);
const at = (t) => ({ headers: { 'x-khet-test-now': String(t) } });
// Bangkok wall time → UTC seconds
const bkk = (ymd, hm) => Date.parse(`${ymd}T${hm}:00+07:00`) / 1000;

before(async () => {
  server = await startServer({ args: ['--trust-proxy'] });
  const area = Number(sql("SELECT id FROM areas WHERE code = '3502'"));
  s1 = Number(sql(`SELECT id FROM schools WHERE area_id = ${area} ORDER BY obec_code LIMIT 1`));
  sql(`INSERT INTO grants (user_id, role, granted_at) SELECT id, 'super_admin', 0 FROM users WHERE username = 'citizen'`);
  admin1 = await as('schooladmin');
  director = await as('schooldirector');
  areaOfficer = await as('dmcarea');
  sa = await as('citizen');
});
after(async () => { await server?.stop(); });

const form = (r, over = {}) => ({ round_day: r.round_day, entry_day: r.entry_day, open_time: r.open_time, close_time: r.close_time, _version: String(r.version), ...over });

test('the area sees the year\'s rounds and cannot change them; a school role cannot see the page', async () => {
  const r = await areaOfficer.get('/dmc/rounds', { json: true });
  assert.equal(r.status, 200);
  assert.equal(r.json.rounds.length, 3);
  assert.equal(r.json.can_edit, false);
  // the demo's census certified this year's past rounds, which are locked
  // (no change under a certification): the tests change next year's
  assert.ok(r.json.rounds.some((x) => x.locked), 'a round the demo certified is locked');
  year = r.json.year + 1;
  const next = await areaOfficer.get(`/dmc/rounds?year=${year}`, { json: true });
  assert.equal(next.json.rounds.length, 3);
  assert.ok(next.json.rounds.every((x) => !x.locked));
  [, r2, r3] = next.json.rounds;
  assert.equal(r2.open_time, '08:30');
  assert.equal(r2.close_time, '16:30');
  assert.match(r2.round_day, /^\d{4}-11-10$/);
  assert.equal((await areaOfficer.post(`/dmc/rounds/${r2.id}`, form(r2, { open_time: '09:00' }))).status, 403);
  assert.equal((await admin1.get('/dmc/rounds')).status, 403);
  const html = await sa.get(`/dmc/rounds?year=${year}`);
  assert.equal(html.status, 200);
  assert.match(html.text, /บันทึกวันและเวลาของรอบ/);
});

test('bad values refused at their field, nothing changed', async () => {
  const before = sql(`SELECT open_at || '/' || close_at || '/' || entry_from FROM dmc_rounds WHERE id = ${r2.id}`);
  const cases = [
    [{ open_time: '17:00', close_time: '16:00' }, 'close_time', /หลังเวลาเริ่ม/],
    [{ entry_day: r3.round_day }, 'entry_day', /ไม่หลังวันของรอบ/],
    [{ round_day: r3.round_day }, 'round_day', /ต้องปิดก่อนรอบถัดไป/],
    [{ open_time: '25:00' }, 'open_time', /./],
    [{ round_day: '31/02/2569' }, 'round_day', /./],
  ];
  for (const [over, field, re] of cases) {
    const r = await sa.post(`/dmc/rounds/${r2.id}`, form(r2, over), { json: true });
    assert.equal(r.status, 422, JSON.stringify(over));
    const f = r.json.rounds.find((x) => x.id === r2.id).form;
    assert.match(f.errors[field] || '', re, JSON.stringify(over));
    assert.equal(f.fields.find((x) => x.name === field).value, over[field], 'what was typed comes back');
  }
  assert.equal(sql(`SELECT open_at || '/' || close_at || '/' || entry_from FROM dmc_rounds WHERE id = ${r2.id}`), before);
});

test('OBEC moves the window: confirm follows it; a stale page is told; certified rounds are locked', async () => {
  const ok = await sa.post(`/dmc/rounds/${r2.id}`, form(r2, { open_time: '09:00', close_time: '17:00' }));
  assert.equal(ok.status, 303, ok.text.slice(0, 300));
  assert.equal(Number(sql(`SELECT open_at FROM dmc_rounds WHERE id = ${r2.id}`)), bkk(r2.round_day, '09:00'));
  assert.equal(Number(sql(`SELECT close_at FROM dmc_rounds WHERE id = ${r2.id}`)), bkk(r2.round_day, '17:00'));
  assert.equal(Number(sql("SELECT COUNT(*) FROM audit WHERE action = 'dmc.round.settings'")), 1);
  // the same page again: its version is old
  const stale = await sa.post(`/dmc/rounds/${r2.id}`, form(r2, { open_time: '08:00' }), { json: true });
  assert.equal(stale.status, 409);
  assert.match(stale.json.rounds.find((x) => x.id === r2.id).form.errors._form, /ถูกแก้ไขโดยผู้อื่น/);
  assert.equal(Number(sql(`SELECT open_at FROM dmc_rounds WHERE id = ${r2.id}`)), bkk(r2.round_day, '09:00'));
  // 08:45 is before the new window; 16:45 inside it
  const early = await admin1.post(`/dmc/schools/${s1}/rounds/${r2.id}/confirm`, {}, { ...at(bkk(r2.round_day, '08:45')), json: true });
  assert.equal(early.status, 409);
  assert.match(early.json.error, /09:00–17:00 น\./);
  const c = await admin1.post(`/dmc/schools/${s1}/rounds/${r2.id}/confirm`, {}, at(bkk(r2.round_day, '16:45')));
  assert.equal(c.status, 303, c.text.slice(0, 300));
  // confirmed but not certified: still changeable
  const now = (await sa.get(`/dmc/rounds?year=${year}`, { json: true })).json.rounds[1];
  assert.equal(now.version, 2);
  const d = await director.post(`/dmc/schools/${s1}/rounds/${r2.id}/certify`, {}, at(bkk(r2.round_day, '16:50')));
  assert.equal(d.status, 303, d.text.slice(0, 300));
  const locked = await sa.post(`/dmc/rounds/${r2.id}`, form(now, { close_time: '18:00' }), { json: true });
  assert.equal(locked.status, 409);
  assert.match(locked.json.error, /รับรองข้อมูลรอบนี้แล้ว 1 โรง/);
  assert.equal(Number(sql(`SELECT close_at FROM dmc_rounds WHERE id = ${r2.id}`)), bkk(r2.round_day, '17:00'));
  const page = await sa.get(`/dmc/rounds?year=${year}`, { json: true });
  assert.equal(page.json.rounds[1].locked, true);
  assert.equal(page.json.rounds[1].can_edit, false);
});

test('an area closes a round day later for its own schools: confirm and certify follow, other areas do not', async () => {
  const day = (await areaOfficer.get(`/dmc/rounds?year=${year}`, { json: true })).json.rounds[0].round_day;
  // on the round day's morning
  const page = await areaOfficer.get(`/dmc/rounds?year=${year}`, { ...at(bkk(day, '10:00')), json: true });
  const r1 = page.json.rounds[0];
  assert.equal(r1.can_extend, true);
  assert.equal(r1.extended, false);
  const html = await areaOfficer.get(`/dmc/rounds?year=${year}`, at(bkk(day, '10:00')));
  assert.match(html.text, /ขยายเวลาสำหรับเขต/);
  const ext = (fields, t) => areaOfficer.post(`/dmc/rounds/${r1.id}/extend`, { _version: '0', ...fields }, { ...at(t), json: true });
  // shorter than OBEC's, or no time: refused
  const shorter = await ext({ close_time: '16:00' }, bkk(day, '10:00'));
  assert.equal(shorter.status, 422);
  assert.match(shorter.json.error, /ไม่ก่อนเวลาปิดของ สพฐ\./);
  assert.equal((await ext({ close_time: '6 โมงเย็น' }, bkk(day, '10:00'))).status, 422);
  assert.equal((await sa.post(`/dmc/rounds/${r1.id}/extend`, { close_time: '18:00' })).status, 403, 'an area\'s, not OBEC\'s');
  const ok = await areaOfficer.post(`/dmc/rounds/${r1.id}/extend`, { _version: '0', close_time: '18:00' }, at(bkk(day, '10:00')));
  assert.equal(ok.status, 303, ok.text.slice(0, 300));
  assert.equal(Number(sql(`SELECT close_at FROM dmc_round_areas WHERE round_id = ${r1.id}`)), bkk(day, '18:00'));
  assert.equal(Number(sql(`SELECT close_at FROM dmc_rounds WHERE id = ${r1.id}`)), bkk(day, '16:30'), 'the round itself is unchanged');
  // the same page again: stale
  assert.equal((await ext({ close_time: '19:00' }, bkk(day, '10:05'))).status, 409);
  // the area's school: 17:00 confirm, 18:00:30 certify (the closing minute)
  const school = await admin1.get(`/dmc/schools/${s1}`, { ...at(bkk(day, '17:00')), json: true });
  assert.equal(school.json.round.id, r1.id);
  assert.equal(school.json.round.window_open, true);
  const c = await admin1.post(`/dmc/schools/${s1}/rounds/${r1.id}/confirm`, {}, at(bkk(day, '17:00')));
  assert.equal(c.status, 303, c.text.slice(0, 300));
  const d = await director.post(`/dmc/schools/${s1}/rounds/${r1.id}/certify`, {}, at(bkk(day, '18:00') + 30));
  assert.equal(d.status, 303, d.text.slice(0, 300));
  // another area sees no extension
  const other = await as('areaadmin2');
  const theirs = await other.get(`/dmc/rounds?year=${year}`, { json: true });
  assert.equal(theirs.json.rounds[0].extended, false);
  // after the extended close: no more changes
  const late = await ext({ _version: '1', close_time: '20:00' }, bkk(day, '18:02'));
  assert.equal(late.status, 409);
  assert.match(late.json.error, /ปิดแล้ว/);
});

test('OBEC\'s change and a certification at once: a round is never changed under a certification', async () => {
  const r = (await sa.get(`/dmc/rounds?year=${year}`, { json: true })).json.rounds[2];
  const t = bkk(r.round_day, '10:00');
  assert.equal((await admin1.post(`/dmc/schools/${s1}/rounds/${r.id}/confirm`, {}, at(t))).status, 303);
  // both inside the old and the new window, sent together
  const [chg, cert] = await Promise.all([
    sa.post(`/dmc/rounds/${r.id}`, form(r, { close_time: '17:00' }), at(t + 5)),
    director.post(`/dmc/schools/${s1}/rounds/${r.id}/certify`, {}, at(t + 5)),
  ]);
  assert.equal(cert.status, 303, 'the certification goes through either way');
  if (chg.status === 303) {
    // the change came first: the certification saw it
    assert.equal(Number(sql(`SELECT close_at FROM dmc_rounds WHERE id = ${r.id}`)), bkk(r.round_day, '17:00'));
  } else {
    assert.equal(chg.status, 409);
    assert.equal(Number(sql(`SELECT close_at FROM dmc_rounds WHERE id = ${r.id}`)), bkk(r.round_day, '16:30'));
  }
  assert.equal(Number(sql(`SELECT COUNT(*) FROM dmc_round_schools WHERE round_id = ${r.id} AND certified_at IS NOT NULL`)), 1);
});
