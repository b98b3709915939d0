// cal: the area's data calendar through the real binary, on SQLite
// and PostgreSQL — the area's page lists the census rounds, KPI due dates
// and the yearly admin roster, each with the schools that still owe it,
// and a school leaves a list when it does the work (a census round
// confirmed then certified, a KPI report confirmed, the roster's decision
// on its admin); a school's own page says what it owes and by when and is
// closed to other schools; the iCalendar feeds are parsed by ical.js (a
// real RFC 5545 parser) and their raw lines checked (CRLF, 75 octets,
// UTF-8 never cut), a wrong, missing or replaced token is refused; and
// the reminders go out through the outbox to a real SMTP server a week
// and a day before a deadline, to the schools that still owe it, once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import ICAL from 'ical.js';
import { startServer, AddressClient, ipSequence, khet } from './lib.mjs';
import { startSmtp } from './smtp.mjs';

const PW = 'khet-demo-2567';
let server, smtp, area, s1, s2, s1Name, s2Name;
const nextIp = ipSequence('10.81');
async function as(login) {
  const c = new AddressClient(server.base, nextIp());
  await c.get('/signin');
  const r = await c.post('/signin', { login, password: PW });
  assert.equal(r.status, 303, `sign in ${login}: ${r.status}`);
  return c;
}
const sql = (q) => server.sql(q);
const at = (t) => ({ headers: { 'x-khet-test-now': String(t) } });
const schoolOf = (u) => Number(sql(`SELECT g.school_id FROM grants g JOIN users u ON u.id = g.user_id WHERE u.username = '${u}' AND g.role = 'school_admin'`));
const owingIds = (dl) => dl.owing.map((o) => o.school_id);
// The coming roster, after the area confirmed the second school's admin
// in it (again: a decision is an upsert, so each test can run alone).
async function rosterDecidedForS2(admin) {
  const roster = (await admin.get(`/cal/areas/${area}`, { json: true })).json.upcoming.find((x) => x.module === 'acc');
  const g2 = sql(`SELECT id FROM grants WHERE school_id = ${s2} AND role = 'school_admin' AND revoked_at IS NULL`);
  const r = await admin.post(`/areas/${area}/roster/decisions`, { year: roster.key.split('.')[1], choice: `${g2}:confirm` });
  assert.equal(r.status, 303, r.text);
  return roster;
}

before(async () => {
  smtp = await startSmtp();
  server = await startServer({ args: ['--trust-proxy'], env: { KHET_SMTP_URL: smtp.url, KHET_BASE_URL: 'https://khet.example.go.th' } });
  area = Number(sql("SELECT id FROM areas WHERE code = '3502'"));
  s1 = schoolOf('schooladmin');
  s2 = schoolOf('schooladmin2');
  s1Name = sql(`SELECT name FROM schools WHERE id = ${s1}`);
  s2Name = sql(`SELECT name FROM schools WHERE id = ${s2}`);
});
after(async () => { await server?.stop(); await smtp?.stop(); });

test('the area page lists census rounds, KPI due dates and the roster, each with the schools that owe it', async () => {
  const admin = await as('areaadmin1');
  const r = await admin.get(`/cal/areas/${area}`, { json: true });
  assert.equal(r.status, 200, r.text);
  const all = [...r.json.upcoming, ...r.json.past];
  const nSchools = Number(sql(`SELECT COUNT(*) FROM schools WHERE area_id = ${area}`));
  // upcoming in due order, past apart
  const dues = r.json.upcoming.map((d) => d.due_at);
  assert.deepEqual(dues, [...dues].sort((a, b) => a - b));
  assert.ok(r.json.upcoming.every((d) => !d.past) && r.json.past.every((d) => d.past));
  // census rounds: every round of the span, owed by every school not certified
  const dmc = all.filter((d) => d.module === 'dmc');
  assert.ok(dmc.length >= 2, 'census rounds on the calendar');
  for (const d of dmc) {
    const [, year, no] = d.key.match(/^dmc\.(\d{4})\.([123])\.confirm$/);
    const rid = sql(`SELECT id FROM dmc_rounds WHERE academic_year = ${year} AND round_no = ${no}`);
    const certified = Number(sql(`SELECT COUNT(*) FROM dmc_round_schools rs JOIN schools s ON s.id = rs.school_id WHERE rs.round_id = ${rid} AND s.area_id = ${area} AND rs.certified_at IS NOT NULL`));
    assert.equal(d.owing_count, nSchools - certified, d.key);
    assert.match(d.due, /T16:30:00\+07:00$/);
    assert.match(d.title, /ข้อมูลนักเรียน/);
  }
  // KPI: a deadline per due date; a school's count is its reports not confirmed
  const kpi = all.filter((d) => d.module === 'kpi');
  assert.ok(kpi.length >= 1, 'KPI due dates on the calendar');
  for (const d of kpi.slice(0, 3)) {
    const due = d.key.split('.')[2];
    const want = sql(`SELECT r.school_id || ':' || COUNT(*) FROM kpi_reports r JOIN kpi_periods p ON p.id = r.period_id JOIN kpi_indicators i ON i.id = p.indicator_id WHERE i.area_id = ${area} AND i.status = 'open' AND p.opened_at IS NOT NULL AND p.due_date = '${due}' AND r.school_id IS NOT NULL AND r.status IN ('assigned', 'draft') GROUP BY r.school_id ORDER BY r.school_id`).split('\n').filter(Boolean);
    assert.deepEqual(d.owing.map((o) => `${o.school_id}:${o.count}`).sort(), want.sort(), d.key);
  }
  // the roster of the coming academic year
  const roster = r.json.upcoming.find((d) => d.module === 'acc');
  assert.ok(roster, 'the roster on the calendar');
  assert.match(roster.key, /^acc\.\d{4}\.roster$/);
  assert.equal(roster.owing_count, nSchools);
  // the HTML page shows the same, past ones collapsed
  const html = await admin.get(`/cal/areas/${area}`);
  assert.equal(html.status, 200);
  assert.match(html.text, /ปฏิทินการจัดทำข้อมูล/);
  assert.match(html.text, /<h2 id="past-h">ผ่านไปแล้ว \(\d+\)<\/h2>[^]*<details id="past-list">/);
  assert.ok(html.text.includes(s1Name));
  // another area's admin and a school role cannot see it
  assert.equal((await (await as('areaadmin2')).get(`/cal/areas/${area}`)).status, 403);
  assert.equal((await (await as('schooladmin')).get(`/cal/areas/${area}`)).status, 403);
  assert.equal((await admin.get('/cal/areas/999999')).status, 404);
  assert.equal((await admin.get('/cal/areas/abc')).status, 404);
  assert.equal((await admin.get('/cal/areas/-1')).status, 404);
  // /cal takes each to his own calendar
  assert.equal((await admin.get('/cal')).headers.get('location'), `/cal/areas/${area}`);
  assert.equal((await (await as('schooladmin')).get('/cal')).headers.get('location'), `/cal/schools/${s1}`);
});

test('doing the work takes a school off the list: census confirmed then certified, a KPI report confirmed, the roster', async () => {
  const admin = await as('areaadmin1');
  const officer = await as('schooladmin');
  const director = await as('schooldirector');
  const page = async (t) => (await admin.get(`/cal/areas/${area}`, { json: true, ...(t ? at(t) : {}) })).json;
  // the next census round: confirm and certify inside its window (test clock)
  let m = await page();
  const round = m.upcoming.find((d) => d.module === 'dmc');
  const [, year, no] = round.key.match(/^dmc\.(\d{4})\.(\d)\./);
  const [rid, openAt] = sql(`SELECT id || ',' || open_at FROM dmc_rounds WHERE academic_year = ${year} AND round_no = ${no}`).split(',').map(Number);
  const rd = { id: rid, open_at: openAt };
  assert.ok(owingIds(round).includes(s1));
  let r = await officer.post(`/dmc/schools/${s1}/rounds/${rd.id}/confirm`, {}, at(rd.open_at + 60));
  assert.equal(r.status, 303, r.text);
  m = await page(rd.open_at + 120);
  let d = [...m.upcoming, ...m.past].find((x) => x.key === round.key);
  assert.equal(d.owing.find((o) => o.school_id === s1).detail, 'ยืนยันแล้ว รอผู้อำนวยการรับรองข้อมูล');
  assert.equal(d.owing.find((o) => o.school_id === s2).detail, 'ยังไม่ยืนยันข้อมูล');
  r = await director.post(`/dmc/schools/${s1}/rounds/${rd.id}/certify`, {}, at(rd.open_at + 180));
  assert.equal(r.status, 303, r.text);
  m = await page(rd.open_at + 240);
  d = [...m.upcoming, ...m.past].find((x) => x.key === round.key);
  assert.ok(!owingIds(d).includes(s1), 'certified: no longer owes the round');
  assert.ok(owingIds(d).includes(s2));
  assert.equal(d.owing_count, round.owing_count - 1);

  // KPI: the first school's report of a due date, confirmed
  m = await page();
  const kd = [...m.upcoming, ...m.past].find((x) => x.module === 'kpi' && owingIds(x).includes(s1));
  assert.ok(kd, 'a KPI due date the first school owes');
  const due = kd.key.split('.')[2];
  const before = kd.owing.find((o) => o.school_id === s1).count;
  const rep = sql(`SELECT r.id FROM kpi_reports r JOIN kpi_periods p ON p.id = r.period_id JOIN kpi_indicators i ON i.id = p.indicator_id WHERE i.area_id = ${area} AND p.due_date = '${due}' AND r.school_id = ${s1} AND r.status IN ('assigned', 'draft') ORDER BY r.id LIMIT 1`);
  r = await officer.postMultipart(`/kpi/reports/${rep}`, { self_score: '4', confirm: '1' }, {});
  assert.equal(r.status, 303, r.text);
  m = await page();
  const kd2 = [...m.upcoming, ...m.past].find((x) => x.key === kd.key);
  if (before === 1) assert.ok(!owingIds(kd2).includes(s1));
  else assert.equal(kd2.owing.find((o) => o.school_id === s1).count, before - 1);

  // the roster: the area decides on the second school's admin
  const roster = m.upcoming.find((x) => x.module === 'acc');
  const ryear = roster.key.split('.')[1];
  const g2 = sql(`SELECT id FROM grants WHERE school_id = ${s2} AND role = 'school_admin' AND revoked_at IS NULL`);
  r = await admin.post(`/areas/${area}/roster/decisions`, { year: ryear, choice: `${g2}:confirm` });
  assert.equal(r.status, 303, r.text);
  m = await page();
  const ro = m.upcoming.find((x) => x.key === roster.key);
  assert.ok(!owingIds(ro).includes(s2));
  assert.ok(owingIds(ro).includes(s1));
  assert.equal(ro.owing_count, roster.owing_count - 1);
});

test('a school sees what it owes and by when, and no other school\'s', async () => {
  const c = await as('schooladmin2');
  const r = await c.get(`/cal/schools/${s2}`, { json: true });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.school.id, s2);
  assert.ok(r.json.owed.length >= 1);
  assert.equal(r.json.n_owed, r.json.owed.length);
  assert.ok(r.json.owed.some((d) => d.module === 'dmc'));
  // owed: not yet due, soonest first; late: past due and still owed
  assert.ok(r.json.owed.every((d) => !d.past) && r.json.late.every((d) => d.past));
  const soon = r.json.owed.map((d) => d.due_at);
  assert.deepEqual(soon, [...soon].sort((a, b) => a - b));
  for (const d of [...r.json.owed, ...r.json.late]) {
    assert.deepEqual(owingIds(d), [s2]);
    assert.ok(d.what.length >= 1 && d.what[0].detail);
    assert.match(d.due_text, /25\d\d/); // BE years
  }
  // the coming roster was decided for this school: done, not owed
  const coming = await rosterDecidedForS2(await as('areaadmin1'));
  const after = (await c.get(`/cal/schools/${s2}`, { json: true })).json;
  assert.ok(after.done.some((d) => d.key === coming.key));
  assert.ok(!after.owed.some((d) => d.key === coming.key));
  const html = await c.get(`/cal/schools/${s2}`);
  assert.match(html.text, /สิ่งที่โรงเรียนยังค้าง/);
  // another school's calendar: refused; its area's admin may see it
  assert.equal((await c.get(`/cal/schools/${s1}`)).status, 403);
  assert.equal((await (await as('areaadmin1')).get(`/cal/schools/${s2}`)).status, 200);
  assert.equal((await (await as('areaadmin2')).get(`/cal/schools/${s2}`)).status, 403);
  assert.equal((await c.get('/cal/schools/999999')).status, 404);
});

// The raw feed: CRLF line ends, no line over 75 octets, no UTF-8 sequence cut.
function checkRaw(buf) {
  const text = buf.toString('latin1');
  assert.ok(text.endsWith('\r\n'));
  assert.ok(!/[^\r]\n/.test(text), 'every line ends in CRLF');
  const lines = text.split('\r\n').slice(0, -1);
  for (const l of lines) {
    assert.ok(l.length <= 75, `line of ${l.length} octets: ${l}`);
    if (l.startsWith(' ')) assert.ok((l.charCodeAt(1) & 0xc0) !== 0x80, 'a continuation starts a character');
  }
  // folding never cut a character: the bytes are valid UTF-8 line by line
  for (const l of lines) new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(l, 'latin1'));
}

async function fetchFeed(path) {
  const res = await fetch(server.base + path);
  return { status: res.status, type: res.headers.get('content-type'), body: Buffer.from(await res.arrayBuffer()) };
}

test('the area\'s iCalendar feed: parsed by ical.js, Thai, Asia/Bangkok, stable UIDs; wrong or replaced tokens refused', async () => {
  const admin = await as('areaadmin1');
  let r = await admin.post(`/cal/areas/${area}/feed`, {}, { json: true });
  assert.equal(r.status, 200, r.text);
  const url = r.json.feed.url;
  assert.match(url, new RegExp(`^https://khet\\.example\\.go\\.th/cal/areas/${area}/calendar\\.ics\\?t=[A-Za-z0-9_-]{43}$`));
  const path = url.replace('https://khet.example.go.th', '');
  const token = path.split('t=')[1];
  // stored hashed only
  assert.equal(sql(`SELECT COUNT(*) FROM cal_feeds WHERE token_hash LIKE '%${token}%'`), '0');
  assert.equal(sql(`SELECT length(token_hash) FROM cal_feeds WHERE scope = 'area' AND unit_id = ${area}`), '64');
  // later pages say a link exists, without showing it
  const again = await admin.get(`/cal/areas/${area}`, { json: true });
  assert.equal(again.json.feed.exists, true);
  assert.ok(!again.json.feed.url);
  assert.ok(!again.text.includes(token));

  const f = await fetchFeed(path);
  assert.equal(f.status, 200);
  assert.match(f.type, /^text\/calendar/);
  checkRaw(f.body);
  const cal = new ICAL.Component(ICAL.parse(f.body.toString('utf8')));
  assert.equal(cal.getFirstPropertyValue('version'), '2.0');
  assert.match(cal.getFirstPropertyValue('x-wr-calname'), /ปฏิทินการจัดทำข้อมูล สพป\.ยโสธร เขต 2/);
  const tz = cal.getFirstSubcomponent('vtimezone');
  assert.equal(tz.getFirstPropertyValue('tzid'), 'Asia/Bangkok');
  // the feed's own VTIMEZONE is what its times are read with
  ICAL.TimezoneService.register(tz);
  const events = cal.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
  const page = (await admin.get(`/cal/areas/${area}`, { json: true })).json;
  const all = [...page.upcoming, ...page.past];
  assert.equal(events.length, all.length);
  for (const d of all) {
    const ev = events.find((e) => e.uid === `${d.key}.a${area}@khet.example.go.th`);
    assert.ok(ev, `an event for ${d.key}`);
    assert.ok(ev.summary.includes(d.title), ev.summary);
    // the event ends at the deadline, in Bangkok time
    assert.equal(ev.endDate.zone.tzid, 'Asia/Bangkok');
    assert.equal(ev.component.getFirstProperty('dtstart').getParameter('tzid'), 'Asia/Bangkok');
    assert.equal(ev.endDate.toUnixTime(), d.due_at);
    assert.equal(ev.startDate.toUnixTime(), d.due_at - 1800);
    if (d.owing_count) assert.ok(ev.description.includes(d.owing[0].name));
    // escaped commas and line breaks come back as they were
    assert.match(d.due_text, /, /);
    assert.ok(ev.description.includes(`ครบกำหนด ${d.due_text}\n`), ev.description);
    assert.ok(cal.getAllSubcomponents('vevent').find((v) => v.getFirstPropertyValue('uid') === ev.uid).getFirstPropertyValue('dtstamp'));
  }
  // a round of the census: 16:30 in Bangkok is 09:30 UTC
  const dmcEv = events.find((e) => e.uid.startsWith('dmc.'));
  assert.equal(dmcEv.endDate.toString().slice(11, 16), '16:30');
  // UIDs are the same on the next fetch
  const f2 = await fetchFeed(path);
  const uids2 = new ICAL.Component(ICAL.parse(f2.body.toString('utf8'))).getAllSubcomponents('vevent').map((v) => v.getFirstPropertyValue('uid'));
  assert.deepEqual(uids2.sort(), events.map((e) => e.uid).sort());

  // a wrong token, none, another area's: refused
  assert.equal((await fetchFeed(`/cal/areas/${area}/calendar.ics?t=${'A'.repeat(43)}`)).status, 403);
  assert.equal((await fetchFeed(`/cal/areas/${area}/calendar.ics`)).status, 403);
  const other = Number(sql("SELECT id FROM areas WHERE code <> '3502' ORDER BY id LIMIT 1"));
  assert.equal((await fetchFeed(`/cal/areas/${other}/calendar.ics?t=${token}`)).status, 403);
  // a new link: the old one stops working
  r = await admin.post(`/cal/areas/${area}/feed`, {}, { json: true });
  const path2 = r.json.feed.url.replace('https://khet.example.go.th', '');
  assert.notEqual(path2, path);
  assert.equal((await fetchFeed(path)).status, 403);
  assert.equal((await fetchFeed(path2)).status, 200);
  // only the area's admin makes one
  assert.equal((await (await as('dmcarea')).post(`/cal/areas/${area}/feed`, {})).status, 403);
  assert.equal((await (await as('areaadmin2')).post(`/cal/areas/${area}/feed`, {})).status, 403);
});

test('a school\'s feed: its own deadlines only; made by its admin, not by another school\'s', async () => {
  const c = await as('schooladmin');
  assert.equal((await (await as('schooladmin2')).post(`/cal/schools/${s1}/feed`, {})).status, 403);
  assert.equal((await (await as('teacher')).post(`/cal/schools/${s1}/feed`, {})).status, 403);
  const r = await c.post(`/cal/schools/${s1}/feed`, {}, { json: true });
  assert.equal(r.status, 200, r.text);
  const path = r.json.feed.url.replace('https://khet.example.go.th', '');
  // written to the area's audit trail, naming the school
  assert.equal(sql(`SELECT area_id FROM audit WHERE action = 'cal.feed.new' AND target_type = 'school' AND target_id = ${s1}`), String(area));
  const f = await fetchFeed(path);
  assert.equal(f.status, 200);
  checkRaw(f.body);
  const cal = new ICAL.Component(ICAL.parse(f.body.toString('utf8')));
  assert.match(cal.getFirstPropertyValue('x-wr-calname'), new RegExp(s1Name));
  const events = cal.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
  assert.ok(events.length >= 1);
  assert.ok(events.every((e) => e.uid.endsWith(`.s${s1}@khet.example.go.th`)));
  // a school's feed says what the school owes, never another school's name
  assert.ok(!f.body.toString('utf8').includes(s2Name));
  // its token opens no other school's feed
  const token = path.split('t=')[1];
  assert.equal((await fetchFeed(`/cal/schools/${s2}/calendar.ics?t=${token}`)).status, 403);
});

test('reminders: a week and a day before a deadline, to the schools that owe it, each once', async () => {
  // the roster of the coming year is owed by the first school and not the
  // second (decided above); the census round by the second, not the first
  const admin = await as('areaadmin1');
  await rosterDecidedForS2(admin);
  const m = (await admin.get(`/cal/areas/${area}`, { json: true })).json;
  const roster = m.upcoming.find((x) => x.module === 'acc');
  assert.ok(owingIds(roster).includes(s1) && !owingIds(roster).includes(s2));
  const e1 = sql("SELECT email FROM users WHERE username = 'schooladmin'");
  const e2 = sql("SELECT email FROM users WHERE username = 'schooladmin2'");
  const remind = (t) => {
    const r = khet(['remind'], { ...server.env, KHET_TEST_NOW: String(t), KHET_SMTP_URL: smtp.url, KHET_BASE_URL: 'https://khet.example.go.th' });
    assert.equal(r.code, 0, r.stderr);
    return Number(r.stdout.match(/^(\d+) reminder/)[1]);
  };
  // the key is the same in every area: this area's schools are counted
  const rows = (kind) => Number(sql(`SELECT COUNT(*) FROM cal_reminders m JOIN schools s ON s.id = m.school_id WHERE s.area_id = ${area} AND m.deadline_key = '${roster.key}' AND m.kind = ${kind}`));
  const mine = async (addr, kind) => (await smtp.messages()).filter((x) => x.to.includes(addr) && x.subject.includes(roster.title.slice(0, 30)) && (kind === 1 ? /ครั้งสุดท้าย/ : /^\[Khet\] แจ้งเตือน:/).test(x.subject));

  // (other deadlines of those days may be reminded too: the roster's rows
  // and mails are counted)
  // eight days before: nothing
  remind(roster.due_at - 8 * 86400 - 3600);
  assert.equal(rows(7) + rows(1), 0);
  // six days before: the week reminder to the schools that owe it
  assert.ok(remind(roster.due_at - 6 * 86400) >= 1);
  assert.equal(rows(7), roster.owing_count);
  const got = await smtp.waitFor((x) => x.to.includes(e1) && /ทำเนียบแอดมิน/.test(x.subject));
  assert.match(got.subject, /^\[Khet\] แจ้งเตือน: ทำเนียบแอดมินประจำปีการศึกษา/);
  assert.match(got.text, new RegExp(s1Name));
  assert.match(got.text, /https:\/\/khet\.example\.go\.th\/cal\/schools\//);
  // the same run again, and later that week: nothing more
  assert.equal(remind(roster.due_at - 6 * 86400 + 60), 0);
  remind(roster.due_at - 3 * 86400);
  assert.equal(rows(7), roster.owing_count);
  assert.equal(rows(1), 0);
  // the day before: the last reminder, once
  assert.ok(remind(roster.due_at - 86400 + 600) >= 1);
  assert.equal(remind(roster.due_at - 3600), 0);
  assert.equal(rows(1), roster.owing_count);
  assert.equal(rows(7), roster.owing_count);
  await smtp.waitFor((x) => x.to.includes(e1) && /ครั้งสุดท้าย/.test(x.subject) && /ทำเนียบแอดมิน/.test(x.subject));
  await new Promise((res) => setTimeout(res, 3000)); // let the outbox send everything
  assert.equal((await mine(e1, 7)).length, 1);
  assert.equal((await mine(e1, 1)).length, 1);
  // the second school decided on: no roster reminder
  assert.equal((await mine(e2, 7)).length + (await mine(e2, 1)).length, 0);
  assert.equal(Number(sql(`SELECT COUNT(*) FROM cal_reminders WHERE deadline_key = '${roster.key}' AND school_id = ${s2}`)), 0);
  // after the deadline: nothing more for it
  remind(roster.due_at + 60);
  assert.equal(rows(1) + rows(7), 2 * roster.owing_count);
  // KPI reminds by itself: the calendar sends none for it
  assert.equal(Number(sql("SELECT COUNT(*) FROM cal_reminders WHERE deadline_key LIKE 'kpi.%'")), 0);
});
