// cal (browser): the area's data calendar on a phone (390 px) in a real
// Chromium — the area admin reaches it from the menu, the upcoming
// deadlines are open and the past ones collapsed until asked for, nothing
// sticks out right of the screen, the subscription link is made and shown
// once, and the school admin's own page says what the school owes; no
// script error or Content-Security-Policy violation on the way.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchChromium, openPage, signInAs } from './chromium.mjs';
import { startServer } from '../http/lib.mjs';

const PW = 'khet-demo-2567';
let server, browser;
before(async () => {
  server = await startServer({ env: { KHET_BASE_URL: 'http://127.0.0.1:1' } });
  browser = await launchChromium();
});
after(async () => { await browser?.close(); await server?.stop(); });

// Elements whose right edge is past the viewport (a phone's horizontal scroll).
const overflow = (page) => page.evaluate(() => [...document.querySelectorAll('main *')]
  .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1 && el.getClientRects().length)
  .map((el) => `${el.tagName}.${el.className}: ${el.textContent.slice(0, 40)}`));

test('the area admin\'s calendar on a phone: from the menu, past ones collapsed, the feed link once', async () => {
  const page = await openPage(browser, { width: 390, height: 844 });
  await signInAs(page, server.base, 'areaadmin1', PW);
  await page.goto(server.base + '/');
  const link = page.getByRole('link', { name: 'ปฏิทินข้อมูล' });
  await Promise.all([page.waitForURL(/\/cal\/areas\/\d+$/), link.first().click()]);
  await assert.doesNotReject(page.getByRole('heading', { level: 1, name: /ปฏิทินการจัดทำข้อมูล/ }).waitFor());
  // an upcoming census round with the schools that owe it, open
  const round = page.locator('article[id^="dl-dmc."]').first();
  assert.match(await round.textContent(), /โรงเรียนที่ยังค้าง \d+ แห่ง/);
  assert.equal(await round.locator('details').getAttribute('open'), '');
  // the past ones are collapsed: not visible until opened
  const past = page.locator('#past-list > article').first();
  assert.equal(await past.isVisible(), false);
  await page.locator('#past-list > summary').click();
  assert.equal(await past.isVisible(), true);
  assert.deepEqual(await overflow(page), []);
  // the subscription link, shown once
  const calUrl = page.url();
  await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'สร้างลิงก์ปฏิทิน' }).click()]);
  const url = await page.getByLabel('ลิงก์ปฏิทิน (iCalendar)').inputValue();
  assert.match(url, /\/cal\/areas\/\d+\/calendar\.ics\?t=[A-Za-z0-9_-]{43}$/);
  assert.deepEqual(await overflow(page), []);
  await page.goto(calUrl);
  assert.equal(await page.getByLabel('ลิงก์ปฏิทิน (iCalendar)').count(), 0);
  assert.match(await page.locator('section[aria-labelledby="feed-h"]').textContent(), /สร้างลิงก์ปฏิทินแล้วเมื่อ/);
  assert.deepEqual(page.problems, []);
  assert.deepEqual(await page.evaluate(() => window.__csp), []);
  await page.screenshot({ path: '/tmp/cal-area.png', fullPage: false });
});

test('the school admin sees what the school owes, by when', async () => {
  const page = await openPage(browser, { width: 390, height: 844 });
  await signInAs(page, server.base, 'schooladmin', PW);
  await page.goto(server.base + '/cal');
  await page.waitForURL(/\/cal\/schools\/\d+$/);
  assert.match(await page.locator('#owe-h').textContent(), /สิ่งที่โรงเรียนยังค้าง \(\d+\)/);
  assert.ok(await page.locator('article[id^="dl-"]').count() >= 1);
  assert.deepEqual(await overflow(page), []);
  assert.deepEqual(page.problems, []);
  assert.deepEqual(await page.evaluate(() => window.__csp), []);
  await page.screenshot({ path: '/tmp/cal-school.png', fullPage: false });
});
