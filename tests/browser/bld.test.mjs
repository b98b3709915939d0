// bld (browser): a school's buildings data (B-OBEC, BLD-1) in a real
// Chromium on a phone, inside the collection window (the server's test
// clock, KHET_TEST_NOW: 2 October 2570) — the first school's admin opens
// อาคารเรียน from the menu, adds a classroom building with its rooms (a CE
// year first, refused at its field with what was typed kept), adds
// a photo (the file input, checked by content on the server) and sees its
// thumbnail, then submits (ส่งข้อมูล; the rooms taught come from the census)
// and sees the submission. No script error, no CSP violation, no sideways
// scrolling. Screenshots go to tests/browser/out/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, files } from '../http/lib.mjs';
import { join } from 'node:path';
import { launchChromium, openPage, signInAs, assertClean, PHONE, DEMO_PW, OUT } from './chromium.mjs';

// 2 October 2027 09:00 in Bangkok: the window of year 2570 is open
const NOW = Date.UTC(2027, 9, 2, 2, 0) / 1000;
let server, browser, s1;

before(async () => {
  server = await startServer({ env: { KHET_TEST_NOW: String(NOW) } });
  const area = Number(server.sql("SELECT id FROM areas WHERE code = '3502'"));
  s1 = Number(server.sql(`SELECT id FROM schools WHERE area_id = ${area} ORDER BY obec_code LIMIT 1`));
  // the school starts without buildings (the demo's have no photos)
  server.sql(`DELETE FROM bld_rooms WHERE building_id IN (SELECT id FROM bld_buildings WHERE school_id = ${s1})`);
  server.sql(`DELETE FROM bld_history WHERE building_id IN (SELECT id FROM bld_buildings WHERE school_id = ${s1})`);
  server.sql(`DELETE FROM bld_buildings WHERE school_id = ${s1}`);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('a school adds a building with its rooms and a photo, then submits', async () => {
  const page = await openPage(browser, PHONE);
  await signInAs(page, server.base, 'schooladmin', DEMO_PW);
  await page.goto(server.base + '/bld');
  await page.waitForURL(`**/bld/schools/${s1}`);
  await page.getByText('เปิดรับข้อมูลอยู่').waitFor();
  await assertClean(page, 'the school page');
  await page.getByRole('link', { name: 'เพิ่มอาคาร/สิ่งก่อสร้าง' }).click();
  await page.locator('#f-name').fill('อาคารเรียน 2 ชั้น');
  await page.locator('#f-type').selectOption('classroom');
  await page.locator('#f-plan').selectOption('spc105_29');
  await page.locator('#f-year_built').fill('2538');
  await page.locator('#f-floors').fill('2');
  await page.locator('#f-area_m2').fill('640');
  await page.locator('#f-condition').selectOption('good');
  await page.locator('#f-budget_source').selectOption('obec');
  await page.locator('#f-room_use_1').selectOption('classroom');
  await page.locator('#f-room_n_1').fill('6');
  await page.locator('#f-room_use_2').selectOption('science');
  await page.locator('#f-room_n_2').fill('1');
  // a CE year first: refused at its field, what was typed kept
  await page.locator('#f-year_built').fill('1995');
  await page.getByRole('button', { name: 'บันทึกอาคาร' }).click();
  await page.locator('#f-year_built-error').getByText(/ค\.ศ\..*พ\.ศ\. 2538/).waitFor();
  assert.equal(await page.locator('#f-name').inputValue(), 'อาคารเรียน 2 ชั้น');
  assert.equal(await page.locator('#f-room_n_1').inputValue(), '6');
  // the refused form is answered 422, which Chromium logs; nothing else may be
  page.problems = page.problems.filter((p) => !/status of 422/.test(p));
  await assertClean(page, 'the building form with an error');
  await page.locator('#f-year_built').fill('2538');
  await Promise.all([page.waitForURL('**/bld/buildings/*'), page.getByRole('button', { name: 'บันทึกอาคาร' }).click()]);
  await page.getByText('เพิ่มข้อมูลอาคารแล้ว').waitFor();
  await page.locator('#f-photo').setInputFiles({ name: 'front.png', mimeType: 'image/png', buffer: files.png() });
  await page.getByRole('button', { name: 'อัปโหลดรูป' }).click();
  await page.getByText('เพิ่มรูปถ่ายแล้ว').waitFor();
  const img = page.locator('ul.photos img').first();
  await img.waitFor();
  assert.ok(await img.evaluate((i) => i.complete && i.naturalWidth > 0), 'the thumbnail loads');
  await page.screenshot({ path: join(OUT, 'bld-building.png'), fullPage: true });
  await assertClean(page, 'the building page');
  await page.getByRole('link', { name: server.sql(`SELECT name FROM schools WHERE id = ${s1}`) }).click();
  await page.waitForURL(`**/bld/schools/${s1}`);
  await Promise.all([page.waitForURL(`**/bld/schools/${s1}`), page.getByRole('button', { name: 'ส่งข้อมูล' }).click()]);
  await page.getByText(/ส่งข้อมูลแล้วเมื่อ/).waitFor();
  await page.screenshot({ path: join(OUT, 'bld-submitted.png'), fullPage: true });
  await assertClean(page, 'the submitted school');
  assert.equal(Number(server.sql(`SELECT COUNT(*) FROM bld_school_years WHERE school_id = ${s1} AND year = 2570 AND submitted_at IS NOT NULL`)), 1);
});
