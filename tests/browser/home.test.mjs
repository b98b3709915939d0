// home (browser): the front page and an area's school list in a real
// Chromium — Thai heading and lang="th", the built CSS and the Sarabun web
// font really loaded, no script error and no Content-Security-Policy
// violation, no sideways scrolling on a 375×667 phone, and the link from
// the home page to the first area's schools leads to a table of 10 rows.
// Screenshots go to tests/browser/out/ (gitignored) for a person to look at.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from './chromium.mjs';
import { startServer } from '../http/lib.mjs';

const OUT = join(dirname(fileURLToPath(import.meta.url)), 'out');
const PHONE = { width: 375, height: 667 };
const DESKTOP = { width: 1280, height: 800 };

let server, browser;

before(async () => {
  mkdirSync(OUT, { recursive: true });
  server = await startServer();
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

// A page that records script errors, console errors, CSP violations,
// failed requests and error answers from our own server.
async function newPage(viewport) {
  const ctx = await browser.newContext({ viewport, locale: 'th-TH' });
  const page = await ctx.newPage();
  page.problems = [];
  page.assets = [];
  await page.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__csp.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`);
    });
  });
  page.on('pageerror', (err) => page.problems.push('pageerror: ' + err.message));
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') page.problems.push(`console ${m.type()}: ${m.text()}`); });
  // ERR_ABORTED: the page navigated away (a click) while a request such as
  // the favicon was still loading: cancelled by the browser, not failed
  page.on('requestfailed', (r) => {
    if (r.failure()?.errorText !== 'net::ERR_ABORTED') page.problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`);
  });
  page.on('response', (r) => {
    if (!r.url().startsWith(server.base)) return;
    if (r.status() >= 400) page.problems.push(`HTTP ${r.status()}: ${r.url()}`);
    if (r.url().includes('/static/')) page.assets.push({ url: r.url(), status: r.status(), type: r.headers()['content-type'] });
  });
  return page;
}

async function assertClean(page, what) {
  const csp = await page.evaluate(() => window.__csp);
  assert.deepEqual(csp, [], `${what}: no CSP violations`);
  assert.deepEqual(page.problems, [], `${what}: no errors`);
}

async function noSidewaysScroll(page, what) {
  const m = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth,
    body: document.body.scrollWidth,
    wide: [...document.querySelectorAll('body *')]
      .filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1
        && !el.closest('.table-scroll') && getComputedStyle(el).position !== 'fixed')
      .slice(0, 5).map((el) => `${el.tagName.toLowerCase()}.${el.className} right=${Math.round(el.getBoundingClientRect().right)}`),
  }));
  assert.ok(m.scroll <= m.client, `${what}: no horizontal scroll (scrollWidth ${m.scroll} > ${m.client}; too wide: ${m.wide.join(', ')})`);
  assert.deepEqual(m.wide, [], `${what}: nothing sticks out on the right`);
}

test('home page: Thai, styled, Sarabun loaded, no errors or CSP violations', async () => {
  const page = await newPage(DESKTOP);
  const res = await page.goto(server.base + '/');
  assert.equal(res.status(), 200);
  await page.evaluate(() => document.fonts.ready);
  assert.equal(await page.getAttribute('html', 'lang'), 'th');
  assert.equal(await page.locator('h1').innerText(), 'ยินดีต้อนรับสู่ Khet');
  assert.match(await page.title(), /Khet/);

  // the CSS arrived and applies
  const css = page.assets.find((a) => /\.css$/.test(new URL(a.url).pathname) && /\/app\./.test(a.url));
  assert.ok(css, 'app.css was requested');
  assert.equal(css.status, 200);
  assert.match(css.type, /text\/css/);
  const sheets = await page.evaluate(() => [...document.styleSheets].map((s) => ({ href: s.href, rules: s.cssRules.length })));
  assert.ok(sheets.some((s) => s.href?.includes('/static/app.') && s.rules > 10), 'app.css is parsed');
  const style = await page.evaluate(() => {
    const b = getComputedStyle(document.body);
    const a = getComputedStyle(document.querySelector('.skip-link'));
    return { font: b.fontFamily, margin: b.margin, skipTop: a.top, skipPos: a.position };
  });
  assert.match(style.font, /Sarabun/, 'body text is set in Sarabun');
  assert.notEqual(style.skipPos, 'static', 'the skip link is hidden by the CSS until focused');

  // the Thai face of Sarabun really loaded (not a fallback font)
  const fonts = await page.evaluate(async () => {
    await document.fonts.load('16px Sarabun', 'ภาษาไทย');
    return [...document.fonts].filter((f) => f.family.replace(/"/g, '') === 'Sarabun')
      .map((f) => ({ weight: f.weight, status: f.status, range: f.unicodeRange }));
  });
  assert.ok(fonts.length >= 2, 'Sarabun faces are declared');
  assert.ok(fonts.some((f) => f.status === 'loaded' && /E01/i.test(f.range)), `the Thai face loaded: ${JSON.stringify(fonts)}`);
  assert.equal(await page.evaluate(() => document.fonts.check('16px Sarabun', 'ภาษาไทย')), true);
  const woff = page.assets.filter((a) => a.url.endsWith('.woff2'));
  assert.ok(woff.some((a) => a.url.includes('sarabun-thai-400') && a.status === 200), 'the Thai woff2 was fetched');

  await page.screenshot({ path: join(OUT, 'home-desktop.png'), fullPage: true });
  await assertClean(page, 'home');
  await page.context().close();
});

test('home page on a 375×667 phone: no sideways scroll', async () => {
  const page = await newPage(PHONE);
  await page.goto(server.base + '/');
  await page.evaluate(() => document.fonts.ready);
  await noSidewaysScroll(page, 'home on a phone');
  // the text is not tiny
  const size = await page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize));
  assert.ok(size >= 15, `body font size ${size}px`);
  await page.screenshot({ path: join(OUT, 'home-phone.png'), fullPage: true });
  await assertClean(page, 'home (phone)');
  await page.context().close();
});

test('the link to the first area\'s schools leads to a table of 10 schools', async () => {
  for (const [label, viewport] of [['phone', PHONE], ['desktop', DESKTOP]]) {
    const page = await newPage(viewport);
    await page.goto(server.base + '/');
    const link = page.locator('.area-list a').first();
    assert.equal(await link.innerText(), 'สำนักงานเขตพื้นที่การศึกษาประถมศึกษายโสธร เขต 2');
    await Promise.all([page.waitForURL(server.base + '/areas/1/schools'), link.click()]);
    assert.equal(await page.locator('h1').innerText(), 'โรงเรียนในสังกัด สพป.ยโสธร เขต 2');
    const rows = page.locator('table tbody tr');
    assert.equal(await rows.count(), 10);
    const first = await rows.first().locator('th').innerText();
    assert.match(first, /^โรงเรียน/);
    assert.match(await page.locator('[role=status]').first().innerText(), /ทั้งหมด 30 โรงเรียน/);
    await page.evaluate(() => document.fonts.ready);
    if (label === 'phone') await noSidewaysScroll(page, 'schools on a phone');
    await page.screenshot({ path: join(OUT, `schools-${label}.png`), fullPage: true });

    // the pager and the search work by plain links and forms
    await Promise.all([page.waitForURL(/page=2/), page.getByRole('link', { name: 'ถัดไป ›' }).click()]);
    assert.equal(await page.locator('table tbody tr').count(), 10);
    await page.locator('#q').fill('หนองบัว');
    await Promise.all([page.waitForURL(/q=/), page.getByRole('button', { name: 'ค้นหา' }).click()]);
    assert.deepEqual(await page.locator('table tbody th').allInnerTexts(), ['โรงเรียนบ้านหนองบัว']);
    await assertClean(page, `schools (${label})`);
    await page.context().close();
  }
});

test('the 404 page is a styled Thai page too', async () => {
  const page = await newPage(PHONE);
  const res = await page.goto(server.base + '/no/such/page');
  assert.equal(res.status(), 404);
  assert.equal(await page.locator('h1').innerText(), 'ไม่พบหน้าที่ต้องการ');
  // the 404 of the page itself, and Chromium's console line about it; a
  // missing asset would still show as "HTTP 404: <its URL>"
  page.problems = page.problems.filter((p) => !p.includes('/no/such/page') && !/console error: Failed to load resource: .*status of 404/.test(p));
  await noSidewaysScroll(page, '404 on a phone');
  await page.screenshot({ path: join(OUT, 'not-found-phone.png'), fullPage: true });
  await assertClean(page, '404');
  await page.context().close();
});
