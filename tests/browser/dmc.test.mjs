// dmc (browser): a school's census round (DMC-2, DMC-3) in a real Chromium
// on a phone — the school's data officer (schooladmin) adds a learner
// through the form, moves in a learner of the second school by citizen
// ID, uploads weights and heights as a CSV file, and confirms on the round
// day inside the window (the test clock: X-Khet-Test-Now, as the HTTP
// tests set it); the director (schooldirector) certifies and opens the
// snapshot, which counts every active learner. No script error, no CSP
// violation, no sideways scrolling. Screenshots go to tests/browser/out/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, citizenId } from '../http/lib.mjs';
import { join } from 'node:path';
import { launchChromium, openPage, signInAs, assertClean, PHONE, DEMO_PW, OUT } from './chromium.mjs';

let server, browser, s1, s2, round;
const sql = (q) => server.sql(q);
const count = (q) => Number(sql(q));

before(async () => {
  server = await startServer();
  const area = Number(sql("SELECT id FROM areas WHERE code = '3502'"));
  [s1, s2] = sql(`SELECT id FROM schools WHERE area_id = ${area} ORDER BY obec_code LIMIT 2`).split('\n').map(Number);
  // the round in progress now: its day's window is where the test clock goes
  const now = Math.floor(Date.now() / 1000);
  const [id, openAt] = sql(`SELECT id, open_at FROM dmc_rounds WHERE close_at + 60 > ${now} ORDER BY close_at LIMIT 1`).split('|').map(Number);
  round = { id, openAt };
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

// Chromium asks for /favicon.ico on its own after some redirects (the
// pages name their icon, an SVG); that probe is not the page's: answer it
// here so it is not counted as the page's 404.
async function newPage() {
  const page = await openPage(browser, PHONE);
  await page.context().route('**/favicon.ico', (r) => r.fulfill({ status: 204, body: '' }));
  return page;
}

// Every request of the page at this time of the round day (Bangkok), by the test clock.
const clockAt = (page, t) => page.context().setExtraHTTPHeaders({ 'x-khet-test-now': String(t) });

test('a school\'s round: add, move in, upload weights, confirm in the window, certify, see the snapshot', async () => {
  const page = await newPage();
  await signInAs(page, server.base, 'schooladmin', DEMO_PW);
  await page.goto(server.base + '/dmc');
  await page.waitForURL(`**/dmc/schools/${s1}`);
  await assertClean(page, 'the school page');

  // add a learner found nowhere
  const cid = citizenId('1' + String(Date.now() % 1e11).padStart(11, '0'));
  await page.getByRole('link', { name: 'เพิ่มนักเรียน' }).click();
  await page.locator('#f-citizen_id').fill(cid);
  await page.locator('#f-title').selectOption('girl');
  await page.locator('#f-first_name').fill('เบราว์เซอร์');
  await page.locator('#f-last_name').fill('ทดสอบรอบ');
  await page.locator('#f-sex').selectOption('F');
  await page.locator('#f-birth_date').fill('04/03/2561');
  await page.locator('#f-nationality').selectOption('TH');
  await page.locator('#f-grade').selectOption('p2');
  await page.locator('#f-room').fill('1');
  await page.locator('#f-disadvantaged').selectOption('none');
  await page.locator('#f-disability').selectOption('none');
  await assertClean(page, 'the add form');
  await Promise.all([page.waitForURL(/\/dmc\/learners\/\d+$/), page.getByRole('button', { name: 'บันทึกนักเรียน' }).click()]);
  const added = Number(new URL(page.url()).pathname.split('/').pop());
  assert.equal(count(`SELECT COUNT(*) FROM dmc_learners WHERE id = ${added} AND school_id = ${s1} AND status = 'active' AND ident = '${cid}'`), 1);
  await page.screenshot({ path: join(OUT, 'dmc-added.png'), fullPage: true });
  await assertClean(page, 'the learner page');

  // move in a learner of the second school
  const other = sql(`SELECT id || '|' || ident FROM dmc_learners WHERE school_id = ${s2} AND status = 'active' AND citizen_id IS NOT NULL ORDER BY id LIMIT 1`).split('|');
  await page.goto(server.base + `/dmc/schools/${s1}`);
  await page.getByRole('link', { name: 'ย้ายเข้า' }).click();
  await page.locator('#f-citizen_id').fill(other[1]);
  await page.locator('#f-room').fill('1');
  await assertClean(page, 'the move-in form');
  await Promise.all([page.waitForURL((u) => !u.pathname.endsWith('/move-in')), page.getByRole('button', { name: 'ย้ายเข้า' }).click()]);
  assert.equal(Number(sql(`SELECT school_id FROM dmc_learners WHERE id = ${other[0]}`)), s1, 'the record moved');

  // weights and heights from a CSV file
  await page.goto(server.base + `/dmc/schools/${s1}/body-upload`);
  const csv = `เลขประจำตัวประชาชน,น้ำหนัก,ส่วนสูง\r\n${cid},23.5,121\r\n${other[1]},31,136.5\r\n`;
  await page.locator('input[type=file]').setInputFiles({ name: 'น้ำหนักส่วนสูง.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await assertClean(page, 'the upload form');
  await page.getByRole('button', { name: 'อัปโหลดและบันทึก' }).click();
  await page.waitForLoadState();
  assert.equal(Number(sql(`SELECT weight_x10 FROM dmc_learners WHERE id = ${added}`)), 235);
  assert.equal(Number(sql(`SELECT height_x10 FROM dmc_learners WHERE id = ${other[0]}`)), 1365);

  // the round day, 08:31 Bangkok: confirm
  await clockAt(page, round.openAt + 60);
  await page.goto(server.base + `/dmc/schools/${s1}`);
  await Promise.all([page.waitForURL(`**/dmc/schools/${s1}`), page.getByRole('button', { name: 'ยืนยันข้อมูล' }).click()]);
  await page.getByText(/ยืนยันข้อมูลแล้ว/).first().waitFor();
  await assertClean(page, 'confirmed');
  assert.ok(count(`SELECT confirmed_at FROM dmc_round_schools WHERE round_id = ${round.id} AND school_id = ${s1}`) > 0);

  // the director certifies and sees the snapshot
  const dir = await newPage();
  await signInAs(dir, server.base, 'schooldirector', DEMO_PW);
  await clockAt(dir, round.openAt + 120);
  await dir.goto(server.base + `/dmc/schools/${s1}`);
  await Promise.all([dir.waitForURL(`**/dmc/schools/${s1}`), dir.getByRole('button', { name: 'รับรองข้อมูล' }).click()]);
  await dir.getByText(/รับรองข้อมูลแล้ว/).first().waitFor();
  await dir.getByRole('link', { name: 'ข้อมูลที่รับรอง' }).click();
  await dir.waitForURL(`**/dmc/schools/${s1}/rounds/${round.id}`);
  const active = count(`SELECT COUNT(*) FROM dmc_learners WHERE school_id = ${s1} AND status = 'active'`);
  assert.equal(count(`SELECT COUNT(*) FROM dmc_snapshot WHERE round_id = ${round.id} AND school_id = ${s1}`), active);
  const foot = await dir.locator('tfoot tr').first().innerText();
  assert.ok(foot.includes(String(active)), `the snapshot counts ${active} learners: ${foot}`);
  await dir.screenshot({ path: join(OUT, 'dmc-snapshot.png'), fullPage: true });
  await assertClean(dir, 'the snapshot');
});

test('the area\'s dashboard and its duplicates on a phone: the chart, the schools\' table (25 a page, filtered by status) scrolls inside its region', async () => {
  const page = await newPage();
  await signInAs(page, server.base, 'dmcarea', DEMO_PW);
  await page.goto(server.base + '/dmc');
  await page.waitForURL(/\/dmc\/areas\/\d+$/);
  await page.locator('svg[role=img]').first().waitFor();
  await page.getByRole('region', { name: /ความก้าวหน้าของโรงเรียน/ }).waitFor();
  await page.screenshot({ path: join(OUT, 'dmc-area.png'), fullPage: true });
  await assertClean(page, 'the area dashboard');
  // the schools 25 a page: the certified ones by the status filter, which
  // keeps the page as narrow as the phone
  await Promise.all([page.waitForURL(/status=certified/), page.getByRole('link', { name: /^รับรองแล้ว \(\d+\)$/ }).click()]);
  await page.getByRole('region', { name: /ความก้าวหน้าของโรงเรียน/ }).waitFor();
  await assertClean(page, 'the area dashboard, certified schools');
  // the school certified by the first test: its "รับทราบ" button keeps its
  // word on one line (it was broken into "รับ / ทราบ" in its narrow cell)
  const ack = page.getByRole('button', { name: 'รับทราบ' }).first();
  await ack.waitFor();
  const lines = await ack.evaluate((b) => { const r = document.createRange(); r.selectNodeContents(b); return new Set([...r.getClientRects()].map((x) => Math.round(x.top))).size; });
  assert.equal(lines, 1, 'the button รับทราบ on one line');
  await page.getByRole('link', { name: /นักเรียนที่มีข้อมูลซ้ำซ้อน/ }).click();
  await page.getByRole('heading', { name: /นักเรียนที่มีข้อมูลซ้ำซ้อน/ }).waitFor();
  await assertClean(page, 'the duplicates page');
  // at 390 px too (the officer's phone): the whole page, its pager and the
  // search box, no sideways scroll
  const p390 = await openPage(browser, { width: 390, height: 844 });
  await p390.context().route('**/favicon.ico', (r) => r.fulfill({ status: 204, body: '' }));
  await signInAs(p390, server.base, 'dmcarea', DEMO_PW);
  await p390.goto(server.base + '/dmc');
  await p390.waitForURL(/\/dmc\/areas\/\d+$/);
  await p390.getByRole('navigation', { name: 'เลือกหน้ารายชื่อโรงเรียน' }).waitFor();
  await p390.getByRole('searchbox', { name: 'ค้นหาโรงเรียน' }).waitFor();
  await p390.screenshot({ path: join(OUT, 'dmc-area-390.png'), fullPage: true });
  await assertClean(p390, 'the area dashboard at 390 px');
});
