// Issue #22 end to end in a browser at 360 px: a signed-in resident asks for 住民票の写し
// (2 copies, 600円); the department decides 交付 and approves along its route; the resident pays
// in the sandbox gateway, downloads the signed certificate and the copy of the answers, and
// /verify says the certificate is genuine, and that a copy with one changed byte is not.
// Every page is checked (axe, layout, lang).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer } from './support/server.mjs';
import { launchBrowser, openPage, writeReport } from './support/browser.mjs';
import { clickAndWait, signIn, signOut, walkToCheck, openCase, staffAct } from './support/journeys.mjs';

let srv, browser;
const log = [];
before(async () => { srv = await startServer(); browser = await launchBrowser(); });
after(async () => { writeReport('pay-document', log); await browser?.close(); await srv?.stop(); });

function juminhyoAnswers() {
  return [
    ['f.requester_type', 'household'],
    ['f.requester_name.family', '佐藤'], ['f.requester_name.given', '美咲'],
    ['f.requester_name.family_kana', 'さとう'], ['f.requester_name.given_kana', 'みさき'],
    ['f.requester_birth.year', '1990'], ['f.requester_birth.month', '2'], ['f.requester_birth.day', '3'],
    ['f.requester_address.postal_code', '144-8621'], ['f.requester_address.prefecture', '東京都'],
    ['f.requester_address.city', '大田区'], ['f.requester_address.town', '蒲田'],
    ['f.requester_address.street', '5-13-14'],
    ['f.requester_phone', '03-5744-1111'], ['f.requester_relation', '妻'],
    ['f.head_name.family', '佐藤'], ['f.head_name.given', '健'],
    ['f.head_name.family_kana', 'サトウ'], ['f.head_name.given_kana', 'ケン'],
    ['f.scope', 'all'],
    ['f.certificate_kind', 'copy'], ['f.copies', '2'],
    ['f.items', 'domicile'],
    ['f.purpose', 'passport'], ['f.submit_to', '旅券センター'],
    ['f.delivery', 'mail'], ['f.delivery_to', 'requester'],
  ];
}

async function download(page, locator, dir, name) {
  const [dl] = await Promise.all([page.waitForEvent('download'), locator.click()]);
  const file = path.join(dir, name);
  await dl.saveAs(file);
  return file;
}

test('住民票の写し: pay 600円 in the sandbox, staff decide, the resident downloads the signed PDF at 360 px', { timeout: 300_000 }, async () => {
  const resident = await openPage(browser, { width: 360, name: 'pay-resident' });
  const staff = await openPage(browser, { width: 360, name: 'pay-staff' });
  const { page: rp, auditor: ra } = resident;
  const { page: sp, auditor: sa } = staff;
  const dir = mkdtempSync(path.join(tmpdir(), 'madoguchi-e2e-pdf-'));
  try {
    ra.expectedLang = 'ja';
    sa.expectedLang = 'ja';
    await signIn(rp, ra, srv.base, srv.accounts.resident);
    await rp.goto(`${srv.base}/procedures/juminhyo`);
    await ra.check('procedure page');
    assert.ok((await rp.locator('main').innerText()).includes('300'), 'the fee before starting');
    await clickAndWait(rp, rp.locator('button.m-button--start'));
    await walkToCheck(rp, ra, juminhyoAnswers());
    await ra.check('check answers', { shot: 'pay-check' });
    assert.ok((await rp.locator('main').innerText()).includes('600'), 'the fee for 2 copies on the check page');
    await clickAndWait(rp, rp.locator('main form button[type=submit]'));
    await ra.check('receipt');
    const receipt = (await rp.locator('#receipt-number').innerText()).trim();

    // Reviewed first (payment after review): 担当 decides 交付 and the route approves.
    for (const role of ['tanto', 'kakaricho', 'kacho']) {
      await signIn(sp, sa, srv.base, srv.accounts[`kuminka-${role}`]);
      await openCase(sp, sa, receipt, null);
      if (role === 'tanto') {
        await sp.locator('input[name="f.outcome"][value=issued]').check();
        await clickAndWait(sp, sp.locator('form[action$="/decision"] button[type=submit]'));
        await sa.check('staff decision recorded');
      }
      await staffAct(sp, sa, 'approve');
      await signOut(sp);
      await sa.check('signed out');
    }

    // The fee is due; the resident pays in the sandbox and comes back.
    await rp.goto(`${srv.base}/applications/${receipt}`);
    await ra.check('application: payment due', { shot: 'pay-due' });
    assert.equal(await rp.locator('#payment').getAttribute('data-payment'), 'due');
    assert.equal(await rp.locator('#document-download').count(), 0, 'no certificate before paying');
    await clickAndWait(rp, rp.locator('#pay-button'));
    assert.match(new URL(rp.url()).pathname, /^\/sandbox-pay\//);
    await ra.check('sandbox gateway', { shot: 'pay-sandbox' });
    await clickAndWait(rp, rp.locator('#sandbox-submit'));
    await ra.check('back from the gateway', { shot: 'pay-return' });
    assert.equal(await rp.locator('[data-payment]').first().getAttribute('data-payment'), 'paid');

    await rp.goto(`${srv.base}/applications/${receipt}`);
    await ra.check('application: paid, document ready', { shot: 'pay-document' });
    assert.equal(await rp.locator('#outcome').getAttribute('data-outcome'), 'issued');
    const pdf = await download(rp, rp.locator('#document-download'), dir, 'certificate.pdf');
    const copy = await download(rp, rp.locator('#copy-download'), dir, 'copy.pdf');

    // The certificate: signed (pdfsig), the text Japanese and the receipt's answers (pdftotext).
    const sig = execFileSync('pdfsig', [pdf], { encoding: 'utf8' });
    assert.match(sig, /Signature is Valid\./, sig);
    const text = execFileSync('pdftotext', ['-enc', 'UTF-8', pdf, '-'], { encoding: 'utf8' });
    assert.ok(text.includes('佐藤'), text);
    const copyText = execFileSync('pdftotext', ['-enc', 'UTF-8', copy, '-'], { encoding: 'utf8' });
    assert.ok(copyText.includes(receipt), copyText);

    // /verify by file: the certificate is genuine; one changed byte is not.
    await rp.goto(`${srv.base}/verify`);
    await ra.check('verify');
    await rp.locator('#verify-file').setInputFiles(pdf);
    await clickAndWait(rp, rp.locator('form[enctype="multipart/form-data"] button[type=submit]'));
    await ra.check('verify: genuine', { shot: 'pay-verify' });
    assert.equal(await rp.locator('#verify-genuine').count(), 1);
    const bytes = readFileSync(pdf);
    const at = bytes.indexOf(Buffer.from('佐藤'));
    const i = at > 0 ? at : Math.floor(bytes.length / 3);
    bytes[i] ^= 0x01;
    const tampered = path.join(dir, 'tampered.pdf');
    writeFileSync(tampered, bytes);
    await rp.locator('#verify-file').setInputFiles(tampered);
    await clickAndWait(rp, rp.locator('form[enctype="multipart/form-data"] button[type=submit]'));
    await ra.check('verify: not genuine');
    assert.equal(await rp.locator('#verify-genuine').count(), 0);
    assert.equal(await rp.locator('#verify-not-genuine, #verify-unknown').count(), 1);
    ra.assertEveryPageChecked();
    sa.assertEveryPageChecked();
  } finally {
    log.push(...ra.log, ...sa.log);
    await resident.context.close();
    await staff.context.close();
  }
});
