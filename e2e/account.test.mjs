// A resident without an account signs up (a too-short password first), opens the e-mailed link,
// fills in their profile and starts 住民票 — a procedure that needs an account — with their
// own data already filled in. 1280 px, ja. The e-mail arrives at a small SMTP sink in this
// file; every page goes through the auditor (axe, layout, lang).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startServer } from './support/server.mjs';
import { launchBrowser, openPage, writeReport } from './support/browser.mjs';
import { clickAndWait } from './support/journeys.mjs';

// Accepts every message on 127.0.0.1 (no TLS, no AUTH) and keeps its DATA; enough for curl.
function smtpSink() {
  const messages = [];
  const waiters = [];
  const server = net.createServer((socket) => {
    let buffer = '';
    let inData = false;
    let data = '';
    socket.write('220 sink\r\n');
    socket.on('data', (chunk) => {
      buffer += chunk.toString('latin1');
      let at;
      while ((at = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, at);
        buffer = buffer.slice(at + 2);
        if (inData) {
          if (line === '.') {
            inData = false;
            messages.push(data);
            data = '';
            waiters.splice(0).forEach((w) => w());
            socket.write('250 ok\r\n');
          } else {
            data += (line.startsWith('..') ? line.slice(1) : line) + '\n';
          }
          continue;
        }
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO') socket.write('250-sink\r\n250 8BITMIME\r\n');
        else if (verb === 'DATA') { inData = true; socket.write('354 go on\r\n'); }
        else if (verb === 'QUIT') { socket.end('221 bye\r\n'); }
        else socket.write('250 ok\r\n');
      }
    });
  });
  return {
    listen: () => new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server.address().port))),
    close: () => new Promise((resolve) => server.close(resolve)),
    async next(timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (!messages.length) {
        if (Date.now() > deadline) throw new Error('no e-mail arrived');
        await new Promise((resolve) => { waiters.push(resolve); setTimeout(resolve, 250); });
      }
      return messages.shift();
    },
  };
}

// The decoded text of a message (the body is base64, see docs/notifications.md).
function bodyOf(message) {
  const [, body = ''] = message.split('\n\n');
  return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
}

let srv, browser, sink;
const log = [];
before(async () => {
  sink = smtpSink();
  const port = await sink.listen();
  srv = await startServer({ extraConfig: [`mail_smtp = "smtp://127.0.0.1:${port}"`, 'mail_interval_seconds = 1'] });
  browser = await launchBrowser();
});
after(async () => { writeReport('account', log); await browser?.close(); await srv?.stop(); await sink?.close(); });

test('a resident signs up, verifies by e-mail, fills in the profile and starts 住民票', { timeout: 120_000 }, async () => {
  const { context, page, auditor } = await openPage(browser, { width: 1280, name: 'account' });
  auditor.expectedLang = 'ja';
  try {
    await page.goto(`${srv.base}/login`);
    await auditor.check('sign-in page with sign-up link');
    await clickAndWait(page, page.locator('main a[href="/signup"]'));
    await auditor.check('sign-up');
    await page.locator('#display_name').fill('窓口 美咲');
    await page.locator('#email').fill('misaki@example.jp');
    await page.locator('#password').fill('short');
    await clickAndWait(page, page.locator('main form button[type=submit]'));
    await auditor.check('sign-up with a too-short password');
    assert.match(await page.locator('.m-error-summary').innerText(), /パスワードは10文字以上/);
    assert.equal(await page.locator('#email').inputValue(), 'misaki@example.jp', 'the typed address stays');
    assert.equal(await page.locator('#password').inputValue(), '', 'the password does not come back');
    await page.locator('#password').fill('resident-password-1');
    await clickAndWait(page, page.locator('main form button[type=submit]'));
    await auditor.check('sign-up e-mail sent');

    const link = bodyOf(await sink.next()).match(/https?:\/\/[^/\s]+(\/signup\/verify\/[A-Za-z0-9_-]+)/);
    assert.ok(link, 'the e-mail holds the link');
    await page.goto(`${srv.base}${link[1]}`);
    await auditor.check('activate the account');
    await clickAndWait(page, page.locator('main form button[type=submit]'));
    assert.equal(new URL(page.url()).pathname, '/account');
    await auditor.check('profile after sign-up');

    await page.locator('#f-name-family').fill('窓口');
    await page.locator('#f-name-given').fill('美咲');
    await page.locator('#f-name-family_kana').fill('マドグチ');
    await page.locator('#f-name-given_kana').fill('ミサキ');
    await page.locator('#f-phone').fill('03-5744-1111');
    await clickAndWait(page, page.locator('main form[action="/account"] button[type=submit]'));
    await auditor.check('profile saved');
    assert.equal(await page.locator('#f-phone').inputValue(), '03-5744-1111');

    await page.goto(`${srv.base}/procedures/juminhyo`);
    await auditor.check('住民票: the procedure page, signed in');
    await clickAndWait(page, page.locator('main form[action$="/start"] button'));
    await auditor.check('住民票: the first page');
    const requester = new URL(page.url()).pathname.replace(/[^/]+$/, 'requester');
    await page.goto(`${srv.base}${requester}`);
    await auditor.check('住民票: the requester page, filled in from the profile');
    assert.equal(await page.locator('[name="f.requester_name.family"]').inputValue(), '窓口');
    assert.equal(await page.locator('[name="f.requester_phone"]').inputValue(), '03-5744-1111');
    auditor.assertEveryPageChecked();
  } finally { log.push(...auditor.log); await context.close(); }
});
