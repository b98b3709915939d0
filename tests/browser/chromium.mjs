// chromium: the browser every browser test drives — Debian's Chromium
// (CHROMIUM overrides the path), headless, without the background traffic
// and first-run work that only slow a test down.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

// What the module tests share: a phone's viewport, the demo accounts'
// password, and tests/browser/out where screenshots go.
export const PHONE = { width: 375, height: 667 };
export const DEMO_PW = 'khet-demo-2567';
export const OUT = join(dirname(fileURLToPath(import.meta.url)), 'out');
mkdirSync(OUT, { recursive: true });

export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run'],
  });
}

// A page that records script errors and console errors (page.problems) and
// Content-Security-Policy violations (window.__csp), Thai locale.
export async function openPage(browser, viewport) {
  const ctx = await browser.newContext({ viewport, locale: 'th-TH' });
  const page = await ctx.newPage();
  page.problems = [];
  await page.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  page.on('pageerror', (err) => page.problems.push('pageerror: ' + err.message));
  page.on('console', (m) => { if (m.type() === 'error') page.problems.push(`console: ${m.text()}`); });
  return page;
}

// Signs in through the sign-in form and waits to leave it.
export async function signInAs(page, base, login, password) {
  await page.goto(base + '/signin');
  await page.locator('#f-login').fill(login);
  await page.locator('#f-password').fill(password);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/signin')), page.getByRole('button', { name: 'เข้าสู่ระบบ' }).click()]);
}

// A page as every screen must be: no CSP violation, no sideways scrolling
// and no script or console error (openPage's page.problems).
export async function assertClean(page, what) {
  assert.deepEqual(await page.evaluate(() => window.__csp), [], `${what}: no CSP violations`);
  const m = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
  assert.ok(m.scroll <= m.client, `${what}: no horizontal scroll (${m.scroll} > ${m.client})`);
  assert.deepEqual(page.problems, [], `${what}: no script errors`);
}
