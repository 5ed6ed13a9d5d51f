// Keyboard only (Tab, Shift+Tab, Enter, Space, typing; the arrows inside a radio group or a
// closed select): the resident journey and the guest journey, with focus visible at every stop.
import { test, before, after } from 'node:test';
import { startServer } from './support/server.mjs';
import { launchBrowser, openPage, writeReport } from './support/browser.mjs';
import { guestRisai, residentKeyboard } from './support/journeys.mjs';
import { Keyboard } from './support/keyboard.mjs';

let srv, browser;
const log = [];
before(async () => { srv = await startServer(); browser = await launchBrowser(); });
after(async () => { writeReport('keyboard', log); await browser?.close(); await srv?.stop(); });

test('resident applies for 児童手当 with the keyboard only, focus always visible', { timeout: 240_000 }, async () => {
  const { context, page, auditor } = await openPage(browser, { width: 1280, name: 'keyboard-resident' });
  const kb = new Keyboard(page);
  try {
    await residentKeyboard(page, auditor, srv, kb);
    auditor.assertEveryPageChecked();
  } finally {
    log.push(`# resident: ${kb.presses} key presses, ${kb.stops} focus stops checked`, ...auditor.log);
    await context.close();
  }
});

test('guest applies for 罹災証明書 with the keyboard only, focus always visible', { timeout: 180_000 }, async () => {
  const { context, page, auditor } = await openPage(browser, { width: 1280, name: 'keyboard-guest' });
  const kb = new Keyboard(page);
  try {
    await guestRisai(page, auditor, srv, { kb, shots: 'guest' });
    auditor.assertEveryPageChecked();
  } finally {
    log.push(`# guest: ${kb.presses} key presses, ${kb.stops} focus stops checked`, ...auditor.log);
    await context.close();
  }
});
