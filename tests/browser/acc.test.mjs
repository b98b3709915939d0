// acc (browser): a person registers in a real Chromium — the ALTCHA widget
// really solves its proof of work in a Web Worker under the site's strict
// Content-Security-Policy — signs out and in again, then a demo school
// admin switches to the homeroom-teacher role from the page header and
// signs out. Debian's chromium, headless, through playwright-core.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { chromium } from 'playwright-core';
import { startServer, citizenId } from '../http/lib.mjs';

let server, browser;

before(async () => {
  server = await startServer();
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run'],
  });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

// A page that fails the test on any script error or CSP violation.
async function newPage() {
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'th-TH' });
  const page = await ctx.newPage();
  page.problems = [];
  page.on('pageerror', (err) => page.problems.push('pageerror: ' + err.message));
  page.on('console', (m) => {
    if (m.type() === 'error') page.problems.push('console: ' + m.text());
  });
  return page;
}

async function signIn(page, login, password) {
  await page.goto(server.base + '/signin');
  await page.locator('#f-login').fill(login);
  await page.locator('#f-password').fill(password);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/signin')), page.getByRole('button', { name: 'เข้าสู่ระบบ' }).click()]);
}

async function signOut(page) {
  await Promise.all([page.waitForURL(server.base + '/'), page.getByRole('button', { name: 'ออกจากระบบ' }).click()]);
  await page.getByText('ออกจากระบบเรียบร้อยแล้ว').waitFor();
  assert.ok(await page.getByRole('link', { name: 'เข้าสู่ระบบ' }).first().isVisible());
}

test('register with the ALTCHA widget, sign out, sign in again', async () => {
  const page = await newPage();
  const cid = citizenId('1' + String(randomInt(1e9, 9e9)) + '7');
  const password = 'ทะเลสีคราม-2567';
  await page.goto(server.base + '/register');
  await page.locator('#f-citizen_id').fill(cid);
  await page.locator('#f-title').selectOption('นางสาว');
  await page.locator('#f-first_name').fill('มาลี');
  await page.locator('#f-last_name').fill('ทดลองใช้');
  await page.locator('#f-phone').fill('0898765432');
  await page.locator('#f-email').fill(`malee.${cid}@example.net`);
  await page.locator('#f-password').fill(password);
  await page.locator('#f-password2').fill(password);
  // the widget started when the form was first focused; wait for its answer
  const hidden = page.locator('altcha-widget input[name="altcha"]');
  await page.waitForFunction(() => document.querySelector('altcha-widget input[name="altcha"]')?.value?.length > 20,
    null, { timeout: 60000 });
  const payload = JSON.parse(Buffer.from(await hidden.inputValue(), 'base64').toString());
  assert.equal(payload.algorithm, 'SHA-256');
  assert.equal(typeof payload.number, 'number');
  const [resp] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/register') && r.request().method() === 'POST'),
    page.getByRole('button', { name: 'ลงทะเบียน' }).click(),
  ]);
  await page.waitForLoadState('load');
  assert.equal(resp.status(), 303, await page.locator('main').innerText());
  await page.waitForURL(server.base + '/account');
  await page.getByText('ลงทะเบียนเรียบร้อยแล้ว').waitFor();
  assert.match(await page.locator('.account-who').innerText(), /นางสาวมาลี ทดลองใช้/);
  assert.match(await page.locator('.account-who').innerText(), /ผู้ใช้ทั่วไป/);
  await signOut(page);
  await signIn(page, cid, password);
  assert.match(await page.locator('.account-who').innerText(), /นางสาวมาลี ทดลองใช้/);
  await signOut(page);
  assert.deepEqual(page.problems, []);
});

test('a school admin switches to homeroom teacher from the header, then signs out', async () => {
  const page = await newPage();
  await signIn(page, 'schooladmin', 'khet-demo-2567');
  await page.goto(server.base + '/account');
  const who = page.locator('.account-who');
  assert.match(await who.innerText(), /แอดมินสถานศึกษา/);
  const homeroom = (await page.locator('#role-switch option', { hasText: 'ครูประจำชั้น' }).innerText()).trim();
  await page.locator('#role-switch').selectOption({ label: homeroom });
  await Promise.all([page.waitForURL(server.base + '/account'), page.getByRole('button', { name: 'เปลี่ยนบทบาท' }).click()]);
  await page.getByText('เปลี่ยนบทบาทเป็นครูประจำชั้นแล้ว').waitFor();
  assert.match(await who.innerText(), /ครูประจำชั้น/);
  const active = page.locator('table tr', { hasText: 'ใช้อยู่' });
  assert.match(await active.innerText(), /ครูประจำชั้น/);
  await signOut(page);
  await page.goto(server.base + '/account');
  assert.equal(new URL(page.url()).pathname, '/signin');
  assert.deepEqual(page.problems, []);
});
