// date (browser): a date field's Thai calendar (static/src/app.js) in a real
// Chromium, on the core's test form (/_test/form, field "วันที่"). The field
// is text typed วว/ดด/ปปปป in พ.ศ. — never the browser's CE date picker; the
// calendar button opens a month with Thai month names and Buddhist-era years,
// pointer and keyboard pick a day, the field gets 15/07/2568 and the server
// reads it as 2025-07-15. A phone does not scroll sideways with it open.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchChromium } from './chromium.mjs';
import { startServer } from '../http/lib.mjs';

let server, browser;

before(async () => {
  server = await startServer({ demo: false });
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

async function formPage(viewport) {
  const ctx = await browser.newContext({ viewport, locale: 'th-TH', timezoneId: 'America/New_York' });
  const page = await ctx.newPage();
  page.problems = [];
  page.on('pageerror', (err) => page.problems.push('pageerror: ' + err.message));
  page.on('console', (m) => { if (m.type() === 'error') page.problems.push('console: ' + m.text()); });
  await page.goto(server.base + '/_test/form');
  return page;
}

test('the calendar: Thai months, BE years, a day by pointer and by keyboard, read by the server', async () => {
  const page = await formPage({ width: 1280, height: 900 });
  const field = page.locator('#f-day');
  assert.equal(await field.getAttribute('type'), 'text', 'never the CE date picker');
  await field.fill('10/06/2568');
  const open = page.getByRole('button', { name: /เลือกจากปฏิทิน/ });
  await open.click();
  const cal = page.getByRole('dialog', { name: 'เลือกวันที่ (พ.ศ.)' });
  await cal.waitFor();
  assert.equal(await open.getAttribute('aria-expanded'), 'true');
  // the month of the field's day, in Thai, the year in BE
  assert.equal(await cal.locator('.cal-month option:checked').textContent(), 'มิถุนายน');
  assert.equal(await cal.locator('.cal-year option:checked').textContent(), '2568');
  assert.deepEqual(await cal.locator('th').allTextContents(), ['อา', 'จ', 'อ', 'พ', 'พฤ', 'ศ', 'ส']);
  // 1 June 2025 was a Sunday: the first cell of the first row
  assert.equal(await cal.locator('tbody tr').first().locator('td').first().textContent(), '1');
  assert.equal(await cal.locator('.cal-day[aria-pressed="true"]').textContent(), '10');
  // keyboard: the chosen day has focus; → moves a day, PageDown a month, Enter picks
  assert.equal(await page.evaluate(() => document.activeElement.textContent), '10');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('PageDown');
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute('aria-label')), '11 กรกฎาคม 2568');
  assert.equal(await cal.locator('.cal-month option:checked').textContent(), 'กรกฎาคม');
  await page.keyboard.press('Enter');
  assert.equal(await field.inputValue(), '11/07/2568');
  assert.equal(await cal.count(), 0, 'closed after the pick');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'f-day');

  // pointer: next month's button, then a day; Escape closes without a change
  await open.click();
  await cal.getByRole('button', { name: 'เดือนก่อนหน้า' }).click();
  assert.equal(await cal.locator('.cal-month option:checked').textContent(), 'มิถุนายน');
  await cal.getByRole('button', { name: 'เดือนถัดไป' }).click();
  await cal.getByRole('button', { name: '15 กรกฎาคม 2568', exact: true }).click();
  assert.equal(await field.inputValue(), '15/07/2568');
  await open.click();
  await page.keyboard.press('Escape');
  assert.equal(await cal.count(), 0);
  assert.equal(await field.inputValue(), '15/07/2568');
  // the year list: a birth date decades back
  await open.click();
  await cal.locator('.cal-year').selectOption({ label: '2530' });
  await cal.getByRole('button', { name: '3 กรกฎาคม 2530', exact: true }).click();
  assert.equal(await field.inputValue(), '03/07/2530');

  // the server reads the typed BE date
  await page.locator('#f-name').fill('ทดสอบ');
  await page.getByRole('button', { name: 'ส่ง' }).click();
  await page.locator('#got-day').waitFor();
  assert.equal(await page.locator('#got-day').textContent(), 'วันที่: 1987-07-03');
  assert.deepEqual(page.problems, []);
});

test('on a phone the open calendar fits the screen', async () => {
  const page = await formPage({ width: 375, height: 667 });
  await page.getByRole('button', { name: /เลือกจากปฏิทิน/ }).click();
  await page.getByRole('dialog').waitFor();
  const m = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
  assert.ok(m.scroll <= m.client, `sideways scroll: ${m.scroll} > ${m.client}`);
  // a month without a field value opens on today's month (Bangkok)
  const bkk = new Date(Date.now() + 7 * 3600e3);
  assert.equal(await page.locator('.cal-year option:checked').textContent(), String(bkk.getUTCFullYear() + 543));
  assert.deepEqual(page.problems, []);
});
