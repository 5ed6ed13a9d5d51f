// Ruby in やさしい日本語 (issue #5): readings written in parentheses in the definitions
// (「児童手当(じどう てあて)」) are shown over the kanji on ja-easy pages, as
// <ruby>児童手当<rp>(</rp><rt>じどう てあて</rt><rp>)</rp></ruby>, on the 児童手当 procedure page
// and on a form page; the pages pass axe (WCAG 2.1 A/AA) and the auditor's other checks, and
// the same pages in ordinary Japanese have no ruby. A 360 px screenshot of each is saved to
// e2e/screenshots/ (ruby-procedure-360.png, ruby-form-360.png).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './support/server.mjs';
import { launchBrowser, openPage, writeReport } from './support/browser.mjs';
import { clickAndWait } from './support/journeys.mjs';

let srv, browser;
const log = [];
before(async () => { srv = await startServer(); browser = await launchBrowser(); });
after(async () => { writeReport('ruby', log); await browser?.close(); await srv?.stop(); });

// Each <ruby> in <main>: its base text, its reading, and the text a screen reader or a
// search gets from the element (with the <rp> parentheses, the definition's own text).
function rubies(page) {
  return page.evaluate(() => [...document.querySelectorAll('main ruby')].map((r) => ({
    base: [...r.childNodes].filter((n) => n.nodeType === Node.TEXT_NODE).map((n) => n.data).join(''),
    rt: r.querySelector('rt')?.textContent,
    text: r.textContent,
    // The reading sits above its kanji: rt's box ends at or above the base's middle.
    above: (() => {
      const rt = r.querySelector('rt').getBoundingClientRect();
      const range = document.createRange();
      range.selectNodeContents(r.firstChild);
      const base = range.getBoundingClientRect();
      return rt.bottom <= base.top + base.height / 2 && rt.height > 0;
    })(),
  })));
}

function expectRuby(found, base, rt, where) {
  const r = found.find((x) => x.base === base && x.rt === rt);
  assert.ok(r, `${where}: <ruby>${base}<rt>${rt}</rt> (found: ${found.map((x) => `${x.base}/${x.rt}`).join(', ')})`);
  assert.equal(r.text, `${base}(${rt})`, `${where}: text content keeps the parentheses`);
  assert.ok(r.above, `${where}: the reading of ${base} is shown above it`);
}

test('児童手当 in やさしい日本語: readings as ruby on the procedure page and a form page', { timeout: 180_000 }, async () => {
  const { context, page, auditor } = await openPage(browser, { width: 360, name: 'ruby' });
  try {
    // In ordinary Japanese: no ruby.
    auditor.expectedLang = 'ja';
    await page.goto(`${srv.base}/procedures/jidou-teate`);
    await auditor.check('procedure page (ja)');
    assert.equal(await page.locator('main ruby').count(), 0, 'no ruby in ordinary Japanese');

    await clickAndWait(page, page.locator('.m-lang a[href*="lang=ja-easy"]'));
    await auditor.check('procedure page (ja-easy)', { shot: 'ruby-procedure' });
    const onProcedure = await rubies(page);
    expectRuby(onProcedure, '児童手当', 'じどう てあて', 'procedure h1');
    expectRuby(onProcedure, '公務員', 'こうむいん', 'procedure page');
    expectRuby(onProcedure, '銀行口座', 'ぎんこう こうざ', 'what to prepare');
    assert.equal(await page.locator('h1 ruby rt').first().textContent(), 'じどう てあて');
    // <title> is text: the reading stays in parentheses there.
    assert.match(await page.title(), /児童手当\(じどう てあて\)/);
    // 「お金(児童手当)」: a reading is kana only, so this stays text.
    assert.equal(onProcedure.some((r) => r.rt === '児童手当'), false);

    // A form page: sign in through the page's own link, which comes back here, and start.
    await clickAndWait(page, page.locator('main a.m-button[href*="/login"]'));
    await auditor.check('sign-in page (ja-easy)');
    await page.locator('#login').fill(srv.accounts.resident.login);
    await page.locator('#password').fill(srv.accounts.resident.password);
    await clickAndWait(page, page.locator('main form button[type=submit]'));
    assert.match(page.url(), /\/procedures\/jidou-teate$/, 'signing in comes back to the procedure');
    await auditor.check('procedure page, signed in (ja-easy)');
    await clickAndWait(page, page.locator('main form button[type=submit]'));
    assert.match(page.url(), /\/pages\/work-status$/);
    await auditor.check('form page work-status (ja-easy)', { shot: 'ruby-form' });
    const onForm = await rubies(page);
    expectRuby(onForm, '公務員', 'こうむいん', 'form page');
    assert.equal(await page.locator('h1 ruby rt').textContent(), 'こうむいん');
    // The text content is the definition's text, parentheses included (tests and scripts that
    // read textContent see no change). The accessible name has the kanji and then the reading:
    // Chromium leaves out the <rp> parentheses, which are display: none where ruby is shown.
    const legendText = await page.locator('legend', { hasText: 'はたらいて いますか' }).locator('span').first().textContent();
    assert.equal(legendText, 'あなたは 公務員(こうむいん)として はたらいて いますか');
    const group = page.getByRole('group', { name: /あなたは 公務員 ?\(?こうむいん\)? ?として はたらいて いますか/ });
    assert.equal(await group.count(), 1, `the question's accessible name holds the kanji and the reading:\n${await page.locator('main').ariaSnapshot()}`);
    // No markup in attribute values.
    assert.equal(await page.evaluate(() => [...document.querySelectorAll('*')]
      .some((e) => [...e.attributes].some((a) => a.value.includes('<ruby')))), false);
    auditor.assertEveryPageChecked();
  } finally {
    log.push(...auditor.log);
    await auditor.close();
    await context.close();
  }
});
