// The resident journey (児童手当, mistake fixed, correction, approval) in English and in
// やさしい日本語: every page in the chosen language, <html lang> right, Japanese fallbacks
// marked lang="ja", and every page passing the same checks as in Japanese.
import { test, before, after } from 'node:test';
import { startServer } from './support/server.mjs';
import { launchBrowser, openPage, writeReport } from './support/browser.mjs';
import { residentApplies, correctionAndApproval } from './support/journeys.mjs';

let srv, browser;
const log = [];
before(async () => { srv = await startServer(); browser = await launchBrowser(); });
after(async () => { writeReport('languages', log); await browser?.close(); await srv?.stop(); });

for (const lang of ['en', 'ja-easy']) {
  test(`resident journey in ${lang}`, { timeout: 240_000 }, async () => {
    const resident = await openPage(browser, { width: 1280, name: `resident-${lang}` });
    const staff = await openPage(browser, { width: 1280, name: `staff-${lang}` });
    try {
      const receipt = await residentApplies(resident.page, resident.auditor, srv, { lang, shots: `lang-${lang}` });
      await correctionAndApproval(resident, staff, srv, receipt, { shots: null });
      resident.auditor.assertEveryPageChecked();
      staff.auditor.assertEveryPageChecked();
    } finally {
      log.push(`# ${lang}`, ...resident.auditor.log, ...staff.auditor.log);
      await resident.context.close();
      await staff.context.close();
    }
  });
}
