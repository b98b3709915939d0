// api (browser, issue 15): the API's two pages people read, in a real
// Chromium on a 390 px phone and a 1,280 px laptop. The area admin makes a
// personal token and a service account on /areas/:id/tokens — each secret
// shown once on the page the POST is redirected to (a reload shows it no
// more and makes no second token), the form empty again for the next token (it kept the last
// one's scopes ticked) — and revokes one; the reference /api/v1/docs works
// with no request leaving the server, in Thai and English, and scrolls
// nothing sideways (its code blocks and tables did); a request a script
// submitted with the teacher's token is on the teacher's own page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchChromium, openPage, signInAs, assertClean, DEMO_PW } from './chromium.mjs';
import { startServer, files, tokenFromPage } from '../http/lib.mjs';

let server, browser, areaId;

before(async () => {
  server = await startServer();
  browser = await launchChromium();
  areaId = Number(server.sql("SELECT g.area_id FROM grants g JOIN users u ON u.id = g.user_id WHERE u.username = 'areaadmin1' AND g.role = 'area_admin'"));
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

for (const [label, viewport] of [['phone', { width: 390, height: 844 }], ['laptop', { width: 1280, height: 900 }]]) {
  test(`tokens on a ${label}: made with scopes and an expiry, shown once, the form empty again, one revoked`, async () => {
    const page = await openPage(browser, viewport);
    await signInAs(page, server.base, 'areaadmin1', DEMO_PW);
    await page.goto(`${server.base}/areas/${areaId}/tokens`);
    await assertClean(page, 'the tokens page');
    // a personal token of the officer, acting in his officer grant
    await page.locator('#f-name').fill(`ระบบงานเจ้าหน้าที่ ${label}`);
    await page.locator('#f-login').fill('officer');
    await page.locator('#f-role').selectOption('officer');
    await page.getByLabel('One Stop Service: บันทึก').check();
    await Promise.all([page.waitForLoadState(), page.getByRole('button', { name: 'สร้างโทเคน' }).click()]);
    const first = await page.locator('[data-token]').innerText();
    assert.match(first, /^khet_[A-Za-z0-9_-]{43}$/);
    assert.equal(new URL(page.url()).pathname, `/areas/${areaId}/tokens`, 'the page after the redirect (POST → 303 → GET)');
    assert.ok(!page.url().includes('khet_'));
    await assertClean(page, 'the token shown');
    // a reload asks for the page again, not for a second token, and shows the secret no more
    const made = server.sql(`SELECT COUNT(*) FROM api_tokens WHERE name = 'ระบบงานเจ้าหน้าที่ ${label}'`);
    await page.reload();
    assert.equal(await page.locator('[data-token]').count(), 0);
    assert.ok(!(await page.content()).includes(first));
    assert.equal(server.sql(`SELECT COUNT(*) FROM api_tokens WHERE name = 'ระบบงานเจ้าหน้าที่ ${label}'`), made);
    assert.equal(made, '1');
    // the form for the next one starts empty: nothing of the last is kept
    assert.equal(await page.locator('#f-name').inputValue(), '');
    assert.equal(await page.locator('#f-login').inputValue(), '');
    assert.equal(await page.getByLabel('One Stop Service: บันทึก').isChecked(), false);
    // a read-only service account of the area
    await page.locator('#f-name').fill(`แดชบอร์ดจังหวัด ${label}`);
    await page.locator('#f-kind').selectOption('service');
    await page.locator('#f-role').selectOption('area_admin');
    await page.getByLabel('One Stop Service: อ่าน').check();
    await page.locator('#f-expires').fill('');
    await page.locator('#f-expires').fill(beDate(60));
    await Promise.all([page.waitForLoadState(), page.getByRole('button', { name: 'สร้างโทเคน' }).click()]);
    const second = await page.locator('[data-token]').innerText();
    assert.notEqual(second, first);
    assert.equal(server.sql(`SELECT scopes FROM api_tokens WHERE name = 'แดชบอร์ดจังหวัด ${label}'`), 'oss:read', 'only what was ticked');
    // shown once: a new visit of the page shows neither secret
    await page.goto(`${server.base}/areas/${areaId}/tokens`);
    const html = await page.content();
    assert.ok(!html.includes(first) && !html.includes(second));
    // revoke the service account
    const row = page.locator('tr', { hasText: `แดชบอร์ดจังหวัด ${label}` });
    await Promise.all([page.waitForLoadState(), row.getByRole('button', { name: 'เพิกถอน' }).click()]);
    await page.getByText('เพิกถอนโทเคนแล้ว').waitFor();
    assert.match(await page.locator('tr', { hasText: `แดชบอร์ดจังหวัด ${label}` }).innerText(), /เพิกถอนแล้ว/);
    await assertClean(page, 'the page after revoking');
    const gone = await fetch(`${server.base}/api/v1/oss/requests?service=21`, { headers: { authorization: `Bearer ${second}` } });
    assert.equal(gone.status, 401);
    assert.equal((await gone.json()).error.code, 'token_revoked');
    await page.context().close();
  });

  test(`the API reference on a ${label}: offline, Thai and English, every resource, no sideways scrolling`, async () => {
    const page = await openPage(browser, viewport);
    const outside = [];
    page.on('request', (q) => { if (!q.url().startsWith(server.base)) outside.push(q.url()); });
    const res = await page.goto(`${server.base}/api/v1/docs`);
    assert.equal(res.status(), 200);
    assert.deepEqual(outside, [], 'nothing is fetched from outside');
    await assertClean(page, 'the API reference');
    const text = await page.locator('main').innerText();
    assert.match(text, /ยื่นคำร้องบริการ 21/);
    assert.match(text, /Submit a request of service 21/);
    const doc = await (await fetch(`${server.base}/api/v1/openapi.json`)).json();
    const shown = await page.locator('h3 code').allInnerTexts();
    for (const [path, item] of Object.entries(doc.paths))
      for (const m of Object.keys(item)) assert.ok(shown.includes(`${m.toUpperCase()} ${path}`), `${m} ${path} is on the page`);
    await page.context().close();
  });
}

test('a request a script submitted with the teacher\'s token is on the teacher\'s own page', async () => {
  const c = server.client();
  await c.get('/signin');
  await c.post('/signin', { login: 'areaadmin1', password: DEMO_PW });
  const { token } = await tokenFromPage(c, `/areas/${areaId}/tokens`, { name: 'สคริปต์', kind: 'personal', login: 'teacher', scopes: ['oss:write'], expires: beDate(10) });
  const fd = new FormData();
  for (const [k, v] of Object.entries({ area_id: String(areaId), title: 'นาย', first_name: 'สมหมาย', last_name: 'ใจงาม', phone: '0810000001', email: 'a@example.org', pledged: 'no' }))
    fd.append(k, v);
  fd.append('id_card', new Blob([files.pdf()], { type: 'application/pdf' }), 'บัตร.pdf');
  const sub = await fetch(`${server.base}/api/v1/oss/services/21/requests`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: fd });
  assert.equal(sub.status, 201);
  const item = await sub.json();
  const page = await openPage(browser, { width: 390, height: 844 });
  await signInAs(page, server.base, 'teacher', DEMO_PW);
  await page.goto(`${server.base}/oss/my`);
  await page.getByText(item.code).first().waitFor();
  await page.goto(`${server.base}/oss/requests/${item.id}`);
  assert.match(await page.locator('main').innerText(), /ส่งคำร้องไปยังเจ้าหน้าที่/);
  await assertClean(page, 'the applicant\'s request');
  await page.context().close();
});

// A date in BE as the form takes it, days from today (Bangkok).
function beDate(days) {
  const d = new Date(Date.now() + 7 * 3600e3 + days * 86400e3);
  return `${String(d.getUTCDate()).padStart(2, '0')}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${d.getUTCFullYear() + 543}`;
}
