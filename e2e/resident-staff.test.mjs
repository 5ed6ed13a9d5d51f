// Resident applies for 児童手当 with two children (one mistake fixed), staff request a
// correction, the resident fixes it, and the case is approved 担当 → 係長 → 課長. 1280 px, ja.
import { test, before, after } from 'node:test';
import { startServer } from './support/server.mjs';
import { launchBrowser, openPage, writeReport } from './support/browser.mjs';
import { residentApplies, correctionAndApproval } from './support/journeys.mjs';

let srv, browser;
before(async () => { srv = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await srv?.stop(); });

test('resident applies for 児童手当; staff request a correction; approval through the route', { timeout: 240_000 }, async () => {
  const resident = await openPage(browser, { width: 1280, name: 'resident' });
  const staff = await openPage(browser, { width: 1280, name: 'staff' });
  const receipt = await residentApplies(resident.page, resident.auditor, srv, { shots: 'resident' });
  await correctionAndApproval(resident, staff, srv, receipt, { shots: 'resident' });
  resident.auditor.assertEveryPageChecked();
  staff.auditor.assertEveryPageChecked();
  writeReport('resident-staff', [...resident.auditor.log, ...staff.auditor.log]);
});
