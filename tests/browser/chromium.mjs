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
