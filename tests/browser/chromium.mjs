// chromium: the browser every browser test drives — Debian's Chromium
// (CHROMIUM overrides the path), headless, without the background traffic
// and first-run work that only slow a test down.
import { chromium } from 'playwright-core';

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
