// dpa (browser): the transfer flow of the personnel registry (DPA-2) in a
// real Chromium on a phone — the first school's admin opens the registry
// from the menu, adds a person by citizen ID, is told the person is
// recorded at the second school and offered the transfer, asks for it and
// sees it pending; the second school's admin approves it from her queue;
// the person is then in the first school's list, with the transfer in his
// history. No script error, no CSP violation, no sideways scrolling.
// Screenshots go to tests/browser/out/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../http/lib.mjs';
import { join } from 'node:path';
import { launchChromium, openPage, signInAs, assertClean, PHONE, DEMO_PW, OUT } from './chromium.mjs';

let server, browser, s1, s2;

before(async () => {
  server = await startServer();
  const area = Number(server.sql("SELECT id FROM areas WHERE code = '3502'"));
  [s1, s2] = server.sql(`SELECT id FROM schools WHERE area_id = ${area} ORDER BY obec_code LIMIT 2`).split('\n').map(Number);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const newPage = () => openPage(browser, PHONE);

const signIn = (page, login) => signInAs(page, server.base, login, DEMO_PW);

test('a school asks for a teacher of another school by citizen ID; that school approves; the record moves', async () => {
  // a teacher of the second school without a pending request
  const row = server.sql(`SELECT s.id || '|' || s.citizen_id || '|' || s.first_name FROM dpa_staff s WHERE s.school_id = ${s2}
    AND s.status = 'active' AND NOT EXISTS (SELECT 1 FROM dpa_transfers t WHERE t.staff_id = s.id) ORDER BY s.id LIMIT 1`);
  const [id, cid, first] = row.split('|');
  const page = await newPage();
  await signIn(page, 'schooladmin');
  await page.goto(server.base + '/dpa');
  await page.waitForURL(`**/dpa/schools/${s1}`);
  await assert.doesNotReject(page.getByText(/บันทึกแล้ว \d+ คน/).waitFor());
  await assertClean(page, 'the school list');
  await page.getByRole('link', { name: 'เพิ่มบุคลากร' }).click();
  await page.locator('#f-citizen_id').fill(cid);
  await page.getByRole('button', { name: 'ค้นหาและเพิ่ม' }).click();
  await page.getByRole('heading', { name: /มีข้อมูลอยู่ที่/ }).waitFor();
  await page.screenshot({ path: join(OUT, 'dpa-transfer-offer.png'), fullPage: true });
  await assertClean(page, 'the transfer offer');
  await page.locator('#f-note').fill('ย้ายตามคำสั่งเขต');
  await Promise.all([page.waitForURL(`**/dpa/schools/${s1}/transfers`), page.getByRole('button', { name: 'ขอย้ายข้อมูลมาที่โรงเรียนนี้' }).click()]);
  await page.getByText('รอพิจารณา').first().waitFor();
  await assertClean(page, 'the requests page');

  const other = await newPage();
  await signIn(other, 'schooladmin2');
  await other.goto(server.base + `/dpa/schools/${s2}/transfers`);
  const item = other.locator('li', { hasText: first }).filter({ hasText: 'ย้ายตามคำสั่งเขต' });
  await item.getByRole('button', { name: 'อนุมัติ', exact: true }).click();
  await other.getByText(/อนุมัติการย้ายแล้ว/).waitFor();
  await other.screenshot({ path: join(OUT, 'dpa-transfer-approved.png'), fullPage: true });
  await assertClean(other, 'the approval');
  assert.equal(Number(server.sql(`SELECT school_id FROM dpa_staff WHERE id = ${id}`)), s1);

  await page.goto(server.base + `/dpa/schools/${s1}?q=${cid}`);
  await page.getByRole('link', { name: new RegExp(first) }).click();
  await page.getByText('ย้ายข้อมูล').first().waitFor();
  await assertClean(page, 'the moved record');
});
