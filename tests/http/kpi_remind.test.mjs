// kpi_remind: the KPI reminders really sent (X-7, issue 5 "Reminders") — a
// unit that has not confirmed its report gets an e-mail when the period's
// due date (set by the owner when opening the period, and movable later) is
// a week away, and again the day before; a unit that has confirmed gets
// none, and no reminder goes twice. Mail goes through the outbox to a real
// SMTP server (aiosmtpd, tests/http/smtp.mjs).
//
// The reminder job runs when `khet serve` starts and then hourly, so the
// test sets up the periods through one server and then starts a second
// instance on the same database, whose first turn of the job does the work
// — as a second instance behind a load balancer would; both may send
// outbox mail, so both get the SMTP server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, Client, engine } from './lib.mjs';
import { startSmtp } from './smtp.mjs';

const PW = 'khet-demo-2567';

// Today in Asia/Bangkok plus days, as YYYY-MM-DD; and its fiscal year (BE).
function bangkok(days = 0) {
  const d = new Date(Date.now() + 7 * 3600e3 + days * 86400e3);
  return d.toISOString().slice(0, 10);
}
function fiscalYear() {
  const d = new Date(Date.now() + 7 * 3600e3);
  return d.getUTCFullYear() + 543 + (d.getUTCMonth() >= 9 ? 1 : 0);
}

test('reminders: a week and a day before the due date, only to units that have not confirmed, once', async () => {
  const smtp = await startSmtp();
  const env = { KHET_SMTP_URL: smtp.url, KHET_BASE_URL: 'https://khet.example.go.th' };
  const first = await startServer({ env });
  let second;
  const sql = (q) => (engine === 'postgres'
    ? execFileSync('psql', [first.db, '-qAt', '-c', q], { encoding: 'utf8' })
    : execFileSync('sqlite3', ['-cmd', '.timeout 5000', `${first.dir}/khet.db`, q], { encoding: 'utf8' })).trim();
  try {
    const as = async (login) => {
      const c = new Client(first.base);
      await c.get('/signin');
      const r = await c.post('/signin', { login, password: PW });
      assert.equal(r.status, 303);
      return c;
    };
    const admin = await as('areaadmin1');
    const FY = fiscalYear();
    const wg = sql("SELECT MIN(w.id) FROM work_groups w JOIN areas a ON a.id = w.area_id WHERE a.code = '3502'");
    const make = async (number) => {
      const r = await admin.post(`/kpi/${FY}/new`, {
        number, name: `ตัวชี้วัดทดสอบการแจ้งเตือน ${number}`, type: 'level5', weight: '1', criteria: '',
        period_kind: 'once', status: 'open', work_group_id: wg,
      }, { json: true });
      assert.equal(r.status, 200, r.text);
      const id = r.json.location.split('/').pop();
      return sql(`SELECT id FROM kpi_periods WHERE indicator_id = ${id}`);
    };
    const school = (u) => sql(`SELECT g.school_id FROM grants g JOIN users u ON u.id = g.user_id WHERE u.username = '${u}' AND g.role = 'school_admin'`);
    const email = (u) => sql(`SELECT email FROM users WHERE username = '${u}'`);
    const s1 = school('schooladmin'), s2 = school('schooladmin2');
    const e1 = email('schooladmin'), e2 = email('schooladmin2');

    // W91: due in a week; both schools assigned, the second has confirmed
    const week = await make('W91');
    let r = await admin.post(`/kpi/periods/${week}/open`, { due_date: bangkok(30) });
    assert.equal(r.status, 303);
    // the due date is the owner's setting: moved to a week from today
    r = await admin.post(`/kpi/periods/${week}/open`, { due_date: bangkok(7) });
    assert.equal(r.status, 303);
    assert.equal(sql(`SELECT due_date FROM kpi_periods WHERE id = ${week}`), bangkok(7));
    r = await admin.post(`/kpi/periods/${week}/units`, { school_id: [s1, s2] });
    assert.equal(r.status, 303);
    const c2 = await as('schooladmin2');
    const rep2 = sql(`SELECT id FROM kpi_reports WHERE period_id = ${week} AND school_id = ${s2}`);
    r = await c2.postMultipart(`/kpi/reports/${rep2}`, { self_score: '4', confirm: '1' }, {});
    assert.equal(r.status, 303);
    // D92: due tomorrow; the second school only
    const day = await make('D92');
    r = await admin.post(`/kpi/periods/${day}/open`, { due_date: bangkok(1) });
    assert.equal(r.status, 303);
    r = await admin.post(`/kpi/periods/${day}/units`, { school_id: [s2] });
    assert.equal(r.status, 303);
    // F93: due in a month: no reminder yet
    const later = await make('F93');
    r = await admin.post(`/kpi/periods/${later}/open`, { due_date: bangkok(30) });
    assert.equal(r.status, 303);
    r = await admin.post(`/kpi/periods/${later}/units`, { school_id: [s1] });
    assert.equal(r.status, 303);

    second = await startServer({ demo: false, env: { ...env, KHET_DATA: first.dir, KHET_DB: first.db } });
    const weekMail = await smtp.waitFor((m) => m.to.includes(e1) && m.subject.includes('W91'));
    assert.match(weekMail.subject, /^\[KPI-Online\] แจ้งเตือน: ตัวชี้วัดที่ W91/);
    assert.match(weekMail.text, /ตัวชี้วัดทดสอบการแจ้งเตือน W91/);
    assert.match(weekMail.text, /\(อีก 7 วัน\)/);
    const rep1 = sql(`SELECT id FROM kpi_reports WHERE period_id = ${week} AND school_id = ${s1}`);
    assert.ok(weekMail.text.includes(`https://khet.example.go.th/kpi/reports/${rep1}`));
    const dayMail = await smtp.waitFor((m) => m.to.includes(e2) && m.subject.includes('D92'));
    assert.match(dayMail.subject, /แจ้งเตือนครั้งสุดท้าย: ตัวชี้วัดที่ D92 .*ครบกำหนดส่งพรุ่งนี้/);
    assert.match(dayMail.text, /ครบกำหนดส่ง: .*\(พรุ่งนี้\)/);

    // past both instances' turns: nothing to the school that confirmed,
    // nothing for the period due in a month, nothing twice
    await new Promise((res) => setTimeout(res, 2500));
    const all = (await smtp.messages()).filter((m) => /W91|D92|F93/.test(m.subject));
    assert.equal(all.filter((m) => m.to.includes(e2) && m.subject.includes('W91')).length, 0);
    assert.equal(all.filter((m) => m.subject.includes('F93')).length, 0);
    assert.equal(all.filter((m) => m.to.includes(e1) && m.subject.includes('W91')).length, 1);
    assert.equal(all.filter((m) => m.to.includes(e2) && m.subject.includes('D92')).length, 1);
    assert.equal(Number(sql(`SELECT COUNT(*) FROM kpi_reminders m JOIN kpi_reports r ON r.id = m.report_id WHERE r.period_id IN (${week}, ${day}, ${later})`)), 2);
    assert.equal(sql(`SELECT kind FROM kpi_reminders WHERE report_id = ${rep1}`), '7');
  } finally {
    if (second) await second.stop(); // its own empty temp folder, not the first's
    await first.stop();
    await smtp.stop();
  }
});
