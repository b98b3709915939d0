// oss (browser): the One Stop Service in a real Chromium on a phone — a
// citizen signs in, opens the ID-card service from the One Stop Service home,
// finds his name already filled in (OSS-3), first sends the form without the
// required attachment and gets the error summary with a link to the field,
// then attaches a PDF and sends it, lands on the request with its 16-digit
// reference code, and sees it in his list; the officer returns it with a
// note on the processing page and the citizen's list shows the note; the
// citizen edits it, the officer completes it with a file, and the citizen
// downloads that file and the request as a PDF. A ปพ. order shows its total
// as the quantities are typed (htmx asks the server). No script error, no
// CSP violation, no sideways scrolling. Screenshots go to
// tests/browser/out/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium, openPage, signInAs } from './chromium.mjs';
import { startServer, files } from '../http/lib.mjs';

const OUT = join(dirname(fileURLToPath(import.meta.url)), 'out');
const PHONE = { width: 375, height: 667 };
const DEMO_PW = 'khet-demo-2567';
let server, browser;

before(async () => {
  mkdirSync(OUT, { recursive: true });
  server = await startServer();
  browser = await launchChromium();
  // the area admin assigns the demo officer to the ID-card service
  const admin = server.client();
  await admin.get('/signin');
  await admin.post('/signin', { login: 'areaadmin1', password: DEMO_PW });
  // (khet demo has assigned him already; assign again through the page)
  const assigned = (await admin.get('/oss/admin/officers', { json: true })).json.rows;
  for (const row of assigned.filter((x) => x.service === '11'))
    assert.equal((await admin.post(row.remove_url, {})).status, 303);
  assert.equal((await admin.post('/oss/admin/officers', { login: 'officer', service: '11' })).status, 303);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const newPage = () => openPage(browser, PHONE);

const signIn = (page, login) => signInAs(page, server.base, login, DEMO_PW);

async function clean(page, what) {
  assert.deepEqual(await page.evaluate(() => window.__csp), [], `${what}: no CSP violations`);
  const m = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
  assert.ok(m.scroll <= m.client, `${what}: no horizontal scroll (${m.scroll} > ${m.client})`);
}

test('a citizen sends an ID-card request on a phone; the officer returns it, he fixes it, the officer completes it with a file; he downloads the file and the PDF', async () => {
  const page = await newPage();
  await signIn(page, 'citizen');
  await page.goto(server.base + '/oss');
  await clean(page, '/oss');
  await Promise.all([page.waitForURL(/\/oss\/new\/11$/), page.getByRole('link', { name: 'บัตรข้าราชการ' }).click()]);
  assert.notEqual(await page.locator('#f-first_name').inputValue(), '', 'the name comes from the account');
  await clean(page, 'the ID-card form');
  await page.locator('#f-area_id').selectOption({ index: 1 });
  await page.locator('#f-birth_date').fill('12/05/2528');
  await page.locator('#f-nationality').fill('ไทย');
  await page.locator('#f-blood_group').selectOption('O');
  await page.locator('#f-address_registered').fill('382 หมู่ 8 ตำบลกุดชุม อำเภอกุดชุม จังหวัดยโสธร');
  await page.locator('#f-address_contact').fill('เดียวกับทะเบียนบ้าน');
  await page.locator('#f-work_unit').fill('โรงเรียนบ้านหนองบัว');
  await page.locator('#f-position').fill('ครู');
  await page.locator('#f-official_type').selectOption('teacher');
  // without the required copy of the ID card: the summary names it
  await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'บันทึก', exact: true }).click()]);
  const summary = page.locator('.error-summary');
  await summary.waitFor();
  assert.match(await summary.innerText(), /กรุณาแนบไฟล์ สำเนาบัตรประชาชน/);
  assert.equal(await page.locator('#f-position').inputValue(), 'ครู', 'the input is kept');
  await page.screenshot({ path: join(OUT, 'oss-form-error.png'), fullPage: true });
  await page.locator('#f-id_card').setInputFiles({ name: 'บัตร.pdf', mimeType: 'application/pdf', buffer: files.pdf() });
  await Promise.all([page.waitForURL(/\/oss\/requests\/\d+$/), page.getByRole('button', { name: 'บันทึก', exact: true }).click()]);
  const flash = await page.locator('.flash').innerText();
  const code = flash.match(/11\d{14}/)[0];
  assert.match(await page.locator('h1').innerText(), /บัตรประจำตัว/);
  await clean(page, 'the request');
  await page.screenshot({ path: join(OUT, 'oss-request.png'), fullPage: true });
  await page.goto(server.base + '/oss/my');
  assert.match(await page.locator('table').innerText(), new RegExp(code));
  assert.match(await page.locator('[role=status]').innerText(), /หน้า 1 ถึงหน้า 1 ทั้งหมด \d+ ข้อมูล/);
  await clean(page, '/oss/my');
  await page.screenshot({ path: join(OUT, 'oss-my.png'), fullPage: true });
  // the refused form answered 422 on purpose; nothing else went wrong
  assert.deepEqual(page.problems.filter((p) => !/status of 422/.test(p)), []);

  const off = await newPage();
  await signIn(off, 'officer');
  await off.goto(server.base + '/oss/manage/list?service=11');
  await clean(off, 'the officer list');
  await Promise.all([off.waitForURL(/\/oss\/manage\/requests\/\d+$/), off.getByRole('link', { name: `ดำเนินการคำร้อง ${code}` }).click()]);
  await off.locator('#f-status').selectOption('returned');
  await off.locator('#f-message').fill('ข้อมูลไม่ชัดเจน');
  await Promise.all([off.waitForLoadState('load'), off.getByRole('button', { name: 'บันทึก', exact: true }).click()]);
  assert.match(await off.locator('.flash').innerText(), /เจ้าหน้าที่ส่งให้แก้ไขข้อมูล/);
  await off.screenshot({ path: join(OUT, 'oss-process.png'), fullPage: true });
  assert.deepEqual(off.problems, []);

  await page.goto(server.base + '/oss/my');
  const row = page.locator('tr', { hasText: code });
  assert.match(await row.innerText(), /ข้อมูลไม่ชัดเจน/);
  assert.match(await row.innerText(), /แก้ไข/);

  // the citizen fixes it: the edit form, the note shown, the stored file kept
  await Promise.all([page.waitForURL(/\/oss\/requests\/\d+\/edit$/), row.getByRole('link', { name: `แก้ไขคำร้อง ${code}` }).click()]);
  assert.match(await page.locator('.flash-error').innerText(), /ข้อมูลไม่ชัดเจน/);
  await page.locator('#f-position').fill('ครูชำนาญการ');
  await Promise.all([page.waitForURL(/\/oss\/requests\/\d+$/), page.getByRole('button', { name: 'บันทึกการแก้ไข' }).click()]);
  assert.match(await page.locator('.flash').innerText(), /ส่งข้อมูลแก้ไขไปยังเจ้าหน้าที่แล้ว/);
  await clean(page, 'the fixed request');

  // the officer completes it with a file for the citizen
  await off.reload();
  await off.locator('#f-status').selectOption('completed');
  await off.locator('#f-message').fill('ออกบัตรเรียบร้อยแล้ว');
  await off.locator('#f-file').setInputFiles({ name: 'บัตรใหม่.pdf', mimeType: 'application/pdf', buffer: files.pdf(100) });
  await Promise.all([off.waitForLoadState('load'), off.getByRole('button', { name: 'บันทึก', exact: true }).click()]);
  assert.match(await off.locator('.flash').innerText(), /ดำเนินการเรียบร้อย/);
  assert.deepEqual(off.problems, []);

  // the citizen downloads the officer's file and the request as a PDF
  await page.reload();
  assert.match(await page.locator('.badge').first().innerText(), /ดำเนินการเรียบร้อย/);
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: /ดาวน์โหลดไฟล์ บัตรใหม่\.pdf/ }).click()]);
  assert.equal(file.suggestedFilename(), 'บัตรใหม่.pdf');
  assert.ok(readFileSync(await file.path()).equals(files.pdf(100)));
  const [doc] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'ดาวน์โหลด PDF' }).click()]);
  // named like every export: the Thai name with the BE date (core/export.h export_pdf)
  assert.match(doc.suggestedFilename(), new RegExp(`^คำร้อง ${code}-25\\d{2}-\\d{2}-\\d{2}\\.pdf$`));
  const pdf = readFileSync(await doc.path());
  assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
  assert.ok(pdf.includes('+Laksaman'));
  await clean(page, 'the completed request');
  await page.screenshot({ path: join(OUT, 'oss-completed.png'), fullPage: true });
  assert.deepEqual(page.problems.filter((p) => !/status of 422/.test(p)), []);
});

test('a ปพ. order shows its total as the quantities are typed', async () => {
  const page = await newPage();
  await signIn(page, 'citizen');
  await page.goto(server.base + '/oss/new/41');
  await page.locator('#f-area_id').selectOption({ index: 1 });
  const total = page.locator('#order-total');
  assert.match(await total.innerText(), /กรุณาระบุจำนวนที่สั่งซื้อ/);
  // 2 books at 160 baht: 320 + 25 shipping (3.5 % is less than 25)
  await page.locator('#f-pp1_p').fill('2');
  await page.waitForFunction(() => /345\.00/.test(document.querySelector('#order-total').innerText));
  assert.match(await total.innerText(), /รวมทั้งสิ้น 345\.00 บาท/);
  assert.match(await total.innerText(), /สามร้อยสี่สิบห้าบาทถ้วน/);
  // 100 books: 16,000 + 560
  await page.locator('#f-pp1_p').fill('100');
  await page.waitForFunction(() => /16,560\.00/.test(document.querySelector('#order-total').innerText));
  await page.locator('#f-pp3_p').fill('1.5');
  await page.waitForFunction(() => /จำนวนเต็ม/.test(document.querySelector('#order-total').innerText));
  await clean(page, 'the ปพ. form');
  await page.screenshot({ path: join(OUT, 'oss-order-total.png'), fullPage: true });
  assert.deepEqual(page.problems, []);
});

test('a room\'s booking calendar reads on a phone: linked from the booking form, a month picker', async () => {
  const admin = server.client();
  await admin.get('/signin');
  assert.equal((await admin.post('/signin', { login: 'areaadmin1', password: DEMO_PW })).status, 303);
  assert.equal((await admin.post('/oss/admin/rooms', { name: 'ห้องประชุมปฏิทิน', capacity: '12', active: '1' })).status, 303);
  const room = (await admin.get('/oss/admin/rooms', { json: true })).json.rows.find((x) => x.name === 'ห้องประชุมปฏิทิน');
  const page = await newPage();
  await signIn(page, 'citizen');
  // from the booking form's link
  await page.goto(server.base + `/oss/new/31?area=${room.area_id}`);
  await Promise.all([page.waitForURL(/\/calendar/), page.getByRole('link', { name: 'ปฏิทินห้องประชุมปฏิทิน' }).click()]);
  assert.match(await page.locator('h1').innerText(), /ห้องประชุมปฏิทิน/);
  assert.match(await page.locator('main').innerText(), /ยังไม่มีการจองห้องนี้ในเดือนนี้/);
  const month = await page.locator('h2').first().innerText();
  await Promise.all([page.waitForURL(/month=/), page.getByRole('link', { name: /เดือนถัดไป/ }).click()]);
  assert.notEqual(await page.locator('h2').first().innerText(), month);
  await clean(page, 'the room calendar');
  await page.screenshot({ path: join(OUT, 'oss-room-calendar.png'), fullPage: true });
  assert.deepEqual(page.problems, []);
});
