// acc (browser): one flow in a real Chromium — a person registers (the
// ALTCHA widget really solves its proof of work in a Web Worker under the
// site's strict Content-Security-Policy), signs out and in again, gets two
// roles approved by an area admin, switches between them in the page
// header and signs out. Debian's chromium, headless, through
// playwright-core.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { launchChromium } from './chromium.mjs';
import { execFileSync } from 'node:child_process';
import { startServer, citizenId, engine, files } from '../http/lib.mjs';

let server, browser;

function sql(q) {
  if (engine === 'postgres') return execFileSync('psql', [server.db, '-qAtX', '-c', q], { encoding: 'utf8' }).trim();
  return execFileSync('sqlite3', ['-cmd', '.timeout 5000', server.dir + '/khet.db', q], { encoding: 'utf8' }).trim();
}

before(async () => {
  server = await startServer();
  browser = await launchChromium();
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

// The flow in one go: a new citizen registers (the widget solving
// its proof of work), signs in, out and in again; an area admin approves his
// access request for two officer services (over HTTP, as a second person
// would in another browser); the header then offers both roles, he switches
// from one to the other, and signs out.
test('a new citizen registers, signs in, gets two roles approved, switches role in the header, signs out', async () => {
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
  // the same answer as for a person registered already (issue 11.6): the
  // sign-in page with a note; the username comes by e-mail
  await page.waitForURL(server.base + '/signin');
  await page.getByText('ส่งการลงทะเบียนแล้ว').waitFor();
  await signIn(page, cid, password);
  const who = page.locator('.account-who');
  await page.goto(server.base + '/account');
  assert.match(await who.innerText(), /นางสาวมาลี ทดลองใช้/);
  assert.match(await who.innerText(), /ผู้ใช้ทั่วไป/);
  assert.equal(await page.locator('#role-switch').count(), 0); // no roles yet
  await signOut(page);
  await signIn(page, cid, password);
  await page.goto(server.base + '/account');
  assert.match(await who.innerText(), /นางสาวมาลี ทดลองใช้/);

  // He asks for access with the director-signed form, and area 3502's
  // admin approves two officer services and the executive role.
  const area = Number(sql("SELECT id FROM areas WHERE code = '3502'"));
  const me = server.client();
  await me.get('/signin');
  assert.equal((await me.post('/signin', { login: cid, password })).status, 303);
  await me.get(`/access/requests/new?area=${area}`);
  const req = await me.postMultipart('/access/requests', {
    area_id: String(area), permission: 'officer:12', school_id: '', work_group_id: '', position: 'นักจัดการงานทั่วไป',
    note: '', confirm: '1',
  }, { file: { data: files.pdf(), filename: 'แบบคำขอ.pdf', type: 'application/pdf' } });
  assert.equal(req.status, 303, req.text.slice(0, 1500));
  const id = Number(req.headers.get('location').match(/\/access\/requests\/(\d+)$/)[1]);
  const admin = server.client();
  await admin.get('/signin');
  assert.equal((await admin.post('/signin', { login: 'areaadmin1', password: 'khet-demo-2567' })).status, 303);
  const ok = await admin.post(`/access/requests/${id}/approve`, { grant: ['officer:12', 'officer:31', 'executive'], note: '' });
  assert.equal(ok.status, 303, ok.text.slice(0, 1500));

  // The header now offers both roles — the two services read as one
  // officer role that names them — and he switches from one to the other.
  await page.goto(server.base + '/account');
  const options = page.locator('#role-switch option');
  assert.equal(await options.count(), 2);
  assert.ok((await options.allInnerTexts()).some((l) => l.includes('(หนังสือรับรอง, จองห้องประชุม)')), await options.allInnerTexts());
  const current = (await who.innerText());
  const labels = (await options.allInnerTexts()).map((x) => x.trim());
  const target = labels.find((l) => !current.includes(l)) ?? labels[1];
  await page.locator('#role-switch').selectOption({ label: target });
  await Promise.all([page.waitForURL(server.base + '/account'), page.getByRole('button', { name: 'เปลี่ยนบทบาท' }).click()]);
  await page.getByText('เปลี่ยนบทบาทเป็น').waitFor();
  assert.ok((await who.innerText()).includes(target), `${await who.innerText()} / ${target}`);
  assert.equal((await page.locator('#role-switch option:checked').innerText()).trim(), target);
  await signOut(page);
  await page.goto(server.base + '/account');
  assert.equal(new URL(page.url()).pathname, '/signin');
  assert.deepEqual(page.problems, []);
});
