// kpi (browser): KPI-Online by real clicks in Chromium, on a phone-sized
// screen — the area admin defines an indicator, opens its first period and
// assigns every school; the school admin attaches two files, forgets the
// second one's description and is told so next to the field, fixes it,
// confirms, and sees
// "ยืนยันข้อมูลแล้ว รอการตรวจสอบ"; the area admin scores it and the matrix
// shows ★ and ✓. Any script error or CSP violation fails the test.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium } from './chromium.mjs';
import { startServer, files } from '../http/lib.mjs';

const PW = 'khet-demo-2567';
let server, browser, pdfPath, pngPath;

before(async () => {
  server = await startServer();
  browser = await launchChromium();
  pdfPath = join(mkdtempSync(join(tmpdir(), 'khet-kpi-')), 'รายงานผล.pdf');
  writeFileSync(pdfPath, files.pdf());
  pngPath = join(mkdtempSync(join(tmpdir(), 'khet-kpi-')), 'ภาพกิจกรรม.png');
  writeFileSync(pngPath, files.png());
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function newPage() {
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'th-TH' });
  const page = await ctx.newPage();
  page.problems = [];
  page.on('pageerror', (err) => page.problems.push('pageerror: ' + err.message));
  page.on('console', (m) => {
    if (m.type() === 'error') page.problems.push('console: ' + m.text());
  });
  page.on('dialog', (d) => d.accept());
  return page;
}

async function signIn(page, login) {
  await page.goto(server.base + '/signin');
  await page.locator('#f-login').fill(login);
  await page.locator('#f-password').fill(PW);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/signin')), page.getByRole('button', { name: 'เข้าสู่ระบบ' }).click()]);
}

async function submit(page, name) {
  await Promise.all([page.waitForLoadState('load'), page.waitForNavigation(), page.getByRole('button', { name }).first().click()]);
}

test('an indicator from definition to a reviewed report, by clicks', async () => {
  const admin = await newPage();
  await signIn(admin, 'areaadmin1');
  await admin.goto(server.base + '/kpi');
  const fy = Number(new URL(admin.url()).pathname.split('/').pop());
  assert.ok(fy > 2560);
  await admin.getByRole('link', { name: 'กำหนดตัวชี้วัด' }).click();
  await admin.locator('#f-number').fill('9'); // khet demo has 1 and 2
  await admin.locator('#f-name').fill('ร้อยละของโรงเรียนที่จัดทำแผนพัฒนาคุณภาพการศึกษา');
  await admin.locator('#f-type').selectOption('level5');
  await admin.locator('#f-period_kind').selectOption('half');
  await admin.locator('#f-work_group_id').selectOption({ index: 1 });
  await submit(admin, 'บันทึกตัวชี้วัด');
  await admin.getByText('บันทึกตัวชี้วัดแล้ว').waitFor();
  // open the first period (its default due date) and assign every school
  await submit(admin, 'เปิดรอบ');
  await admin.getByText('เปิดรอบรายงาน รอบ 6 เดือน แล้ว').waitFor();
  await admin.getByRole('link', { name: '⚙ หน่วยงาน' }).click();
  await admin.locator('#f-all').check();
  await submit(admin, 'บันทึกการเปลี่ยนแปลง');
  await admin.getByText(/เพิ่มหน่วยงานผู้รายงานแล้ว \d+ หน่วยงาน/).waitFor();

  const school = await newPage();
  await signIn(school, 'schooladmin');
  await school.goto(server.base + `/kpi/${fy}`);
  await school.getByRole('row', { name: /ร้อยละของโรงเรียนที่จัดทำแผนพัฒนา/ }).getByRole('link', { name: /^รายงาน/ }).first()
    .click();
  // ten file rows a save (ten 5 MB files fit in the 64 MB request limit)
  assert.equal(await school.locator('input[type=file]').count(), 10);
  await school.getByText(/ส่งได้ครั้งละไม่เกิน 10 ไฟล์/).waitFor();
  await school.locator('#f-new_file_1').setInputFiles(pdfPath);
  await school.locator('#f-new_desc_1').fill('รายงานผลการดำเนินงานรอบ 6 เดือน');
  await school.locator('#f-new_file_2').setInputFiles(pngPath);
  await school.locator('#f-self_score').fill('4');
  await school.locator('#f-confirm-1').check();
  await submit(school, 'นำเข้าเอกสารและข้อมูล');
  // the missing description is said next to its field, and in the summary;
  // what was typed stays
  assert.equal(await school.locator('#f-new_desc_2-error').innerText(),
    'กรุณาพิมพ์รายละเอียดคำอธิบายประกอบไฟล์ลำดับที่ 2 (บังคับกรอก)');
  await school.getByRole('heading', { name: /กรุณาแก้ไขข้อมูล/ }).waitFor();
  assert.equal(await school.locator('#f-new_desc_1').inputValue(), 'รายงานผลการดำเนินงานรอบ 6 เดือน');
  await school.locator('#f-new_file_1').setInputFiles(pdfPath);
  await school.locator('#f-new_file_2').setInputFiles(pngPath);
  await school.locator('#f-new_desc_2').fill('ภาพกิจกรรมการประชุม');
  await school.locator('#f-confirm-1').check();
  await submit(school, 'นำเข้าเอกสารและข้อมูล');
  await school.getByText('ยืนยันข้อมูลแล้ว รอการตรวจสอบ').first().waitFor();
  // both files are listed with their descriptions
  await school.getByRole('cell', { name: 'รายงานผลการดำเนินงานรอบ 6 เดือน' }).waitFor();
  await school.getByRole('cell', { name: 'ภาพกิจกรรมการประชุม' }).waitFor();
  assert.equal(await school.getByRole('link', { name: /^Download/ }).count(), 2);
  assert.ok(await school.getByRole('button', { name: 'ยกเลิกผลการยืนยัน' }).isVisible());
  const reportUrl = school.url();

  await admin.goto(reportUrl);
  await admin.locator('#f-review_score').fill('3.5');
  await submit(admin, 'บันทึกผลการตรวจ');
  await admin.getByText('ตรวจสอบข้อมูลแล้ว ผลการประเมิน : 3.5 คะแนน').first().waitFor();
  // the breadcrumb leads to the matrix; all units on one page
  const matrix = await admin.getByRole('link', { name: /^ตัวชี้วัด 9$/ }).getAttribute('href');
  await admin.goto(server.base + matrix + '?per_page=100');
  await admin.locator('text=★ - 4.00').first().waitFor();
  await admin.locator('text=✓ - 3.50').first().waitFor();

  assert.deepEqual(admin.problems, []);
  // the refused form answered 422, which Chromium logs as a failed load
  assert.deepEqual(school.problems.filter((p) => !/status of 422/.test(p)), []);
});
