// A guest finds 罹災証明書 by search and applies with a photo, on a 360 px phone, then looks
// the application up. Every page is checked (axe, layout, lang). The same journey with the
// keyboard alone, at 1280 px, is in keyboard.test.mjs.
import { test, before, after } from 'node:test';
import { startServer } from './support/server.mjs';
import { launchBrowser, openPage, writeReport } from './support/browser.mjs';
import { guestRisai } from './support/journeys.mjs';

let srv, browser;
const log = [];
before(async () => { srv = await startServer(); browser = await launchBrowser(); });
after(async () => { writeReport('guest', log); await browser?.close(); await srv?.stop(); });

test('guest applies for 罹災証明書 with a photo at 360 px', { timeout: 180_000 }, async () => {
  const { context, page, auditor } = await openPage(browser, { width: 360, name: 'guest' });
  try {
    await guestRisai(page, auditor, srv, { shots: 'guest' });
    auditor.assertEveryPageChecked();
  } finally { log.push(...auditor.log); await context.close(); }
});
