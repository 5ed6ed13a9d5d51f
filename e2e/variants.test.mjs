// The resident journey with JavaScript disabled, and on a 360 px phone (no horizontal
// scrolling on any page: the auditor checks scrollWidth against the viewport's width).
// That JavaScript is really off shows in the journey: the field that depends on 続柄 stays
// visible (the script would hide it).
import { test, before, after } from 'node:test';
import { startServer } from './support/server.mjs';
import { launchBrowser, openPage, writeReport } from './support/browser.mjs';
import { residentApplies, correctionAndApproval } from './support/journeys.mjs';

let srv, browser;
const log = [];
before(async () => { srv = await startServer(); browser = await launchBrowser(); });
after(async () => { writeReport('variants', log); await browser?.close(); await srv?.stop(); });

const variants = [
  { title: 'resident journey with JavaScript disabled', width: 1280, javaScriptEnabled: false, shots: null },
  { title: 'resident journey at 360 px', width: 360, javaScriptEnabled: true, shots: 'resident' },
];
for (const v of variants) {
  test(v.title, { timeout: 240_000 }, async () => {
    const resident = await openPage(browser, { width: v.width, javaScriptEnabled: v.javaScriptEnabled, name: 'resident' });
    const staff = await openPage(browser, { width: v.width, javaScriptEnabled: v.javaScriptEnabled, name: 'staff' });
    try {
      const receipt = await residentApplies(resident.page, resident.auditor, srv, { shots: v.shots });
      await correctionAndApproval(resident, staff, srv, receipt, { shots: v.shots });
      resident.auditor.assertEveryPageChecked();
      staff.auditor.assertEveryPageChecked();
    } finally {
      log.push(`# ${v.title}`, ...resident.auditor.log, ...staff.auditor.log);
      await resident.context.close();
      await staff.context.close();
    }
  });
}
