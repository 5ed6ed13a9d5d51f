// The JavaScript enhancements of issue 5, in a real browser: repeating-group rows added and
// removed without a round trip, the address filled from the postal code, the character
// counter under a textarea, and the session
// timeout warning whose button extends the session. Every page also passes the auditor
// (axe with WCAG 2.1 A/AA, no console errors …) with the enhancement active.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './support/server.mjs';
import { launchBrowser, openPage, writeReport } from './support/browser.mjs';
import { jidouAnswers, risaiAnswers, fillPage, clickAndWait, signIn } from './support/journeys.mjs';

let srv, browser;
const log = [];
before(async () => { srv = await startServer(); browser = await launchBrowser(); });
after(async () => { writeReport('enhancements', log); await browser?.close(); await srv?.stop(); });

const sel = (name, value) => value === undefined ? `[name="${name}"]` : `[name="${name}"][value="${value}"]`;
const activeName = (page) => page.evaluate(() => document.activeElement?.getAttribute('name') || document.activeElement?.className || '');
const announced = (page) => page.evaluate(() => document.getElementById('m-announcer')?.textContent || '');

// Documents requested by the page: an enhancement that works in the page requests none.
function countDocuments(page) {
  const seen = { documents: 0 };
  page.on('request', (r) => { if (r.resourceType() === 'document') seen.documents++; });
  return seen;
}

function child(i, given, kana, year) {
  const row = `f.children.${i}`;
  return [[`${row}.child_name.family`, '髙橋'], [`${row}.child_name.given`, given],
    [`${row}.child_name.family_kana`, 'タカハシ'], [`${row}.child_name.given_kana`, kana],
    [`${row}.child_birth.year`, String(year)], [`${row}.child_birth.month`, '4'], [`${row}.child_birth.day`, '10'],
    [`${row}.child_relation`, 'child'], [`${row}.child_lives_together`, 'yes']];
}

test('children rows are added and removed without a round trip, and the server takes them', { timeout: 180_000 }, async () => {
  const { context, page, auditor } = await openPage(browser, { width: 1280, name: 'enh-groups' });
  try {
    auditor.expectedLang = 'ja';
    await signIn(page, auditor, srv.base, srv.accounts.resident);
    await page.goto(`${srv.base}/procedures/jidou-teate`);
    await auditor.check('procedure page');
    await clickAndWait(page, page.locator('button.m-button--start'));
    const answers = jidouAnswers().filter(([k]) => !k.startsWith('f.children.'));
    for (let i = 0; i < 12 && !page.url().endsWith('/pages/children'); ++i) {
      await auditor.check(`form page ${page.url().split('/').pop()}`);
      await fillPage(page, answers);
      await clickAndWait(page, page.locator('button[value=next]'));
    }
    assert.match(page.url(), /\/pages\/children$/);
    await auditor.check('children page (one row, enhanced)');
    const url = page.url();
    const requests = countDocuments(page);
    const loadsBefore = auditor.navigations.length;
    const add = page.locator('button.m-group__add');
    const rows = page.locator('#f-children > .m-group__row');
    assert.equal(await rows.count(), 1);
    assert.equal(await page.locator('#f-children .m-group__remove').count(), 0, 'no Remove at the minimum of one row');

    await fillPage(page, child(0, '花子', 'ハナコ', 2020));
    // Add: a second row from the template, numbered, focused, announced.
    await add.click();
    assert.equal(await rows.count(), 2, 'a second row');
    assert.equal(await activeName(page), 'f.children.1.child_name.family', 'focus on the new row\'s first field');
    assert.match(await page.locator('#f-children-1 > legend').innerText(), /子ども\(2件目\)/);
    await page.waitForFunction(() => /子ども\(2件目\)を追加しました/.test(document.getElementById('m-announcer')?.textContent || ''));
    // Labels, hints and ids tied as on a server-rendered row.
    const label = page.locator('label[for="f-children-1-child_name-family"]');
    assert.equal(await label.count(), 1, 'the new field has its label');
    assert.equal(await page.locator('#f-children-1-child_name-family').getAttribute('name'), 'f.children.1.child_name.family');
    assert.equal(await page.locator('#f-children .m-group__remove').count(), 2, 'Remove on both rows above the minimum');
    // The 続柄 condition works in the new row (its own data-m-condition, renumbered).
    const other1 = page.locator(sel('f.children.1.child_relation_other'));
    assert.ok(!(await other1.isVisible()));
    await page.locator(sel('f.children.1.child_relation', 'other')).check();
    assert.ok(await other1.isVisible(), 'the dependent field of the new row shows');
    await fillPage(page, child(1, '次郎', 'ジロウ', 2021));
    assert.ok(!(await other1.isVisible()));

    // A third row, then remove the second: the third becomes the second, values kept.
    await add.click();
    await fillPage(page, child(2, '三郎', 'サブロウ', 2023));
    await page.locator('#f-children-1 .m-group__remove').click();
    assert.equal(await rows.count(), 2);
    assert.equal(await page.locator(sel('f.children.1.child_name.given')).inputValue(), '三郎', 'the last row renumbered');
    assert.equal(await page.locator('[name^="f.children.2."]').count(), 0, 'no row 2 left');
    assert.match(await page.locator('#f-children-1 > legend').innerText(), /子ども\(2件目\)/);
    assert.equal(await page.locator('#f-children-1 .m-group__remove').getAttribute('value'), 'remove:children:1');
    assert.equal(await page.locator('label[for="f-children-1-child_name-given"]').count(), 1, 'labels follow the renumbering');
    await page.waitForFunction(() => /子ども\(2件目\)を削除しました/.test(document.getElementById('m-announcer')?.textContent || ''));
    assert.equal(await activeName(page), 'f.children.1.child_name.family', 'focus where the removed row was');

    // At the maximum (10) Add is hidden; it comes back after a removal.
    while ((await rows.count()) < 10) await add.click();
    assert.ok(!(await add.isVisible()), 'Add hidden at the maximum');
    for (let n = 10; n > 2; --n) await page.locator(`#f-children-${n - 1} .m-group__remove`).click();
    assert.ok(await add.isVisible(), 'Add shown again below the maximum');
    assert.equal(await rows.count(), 2);

    assert.equal(page.url(), url, 'still the same page');
    assert.equal(requests.documents, 0, 'no document was requested while adding and removing');
    assert.equal(auditor.navigations.length, loadsBefore, 'no page load');
    await auditor.check('children page after adding and removing rows', { shot: 'enh-children' });

    // Next posts the rows; the check page shows both children and not the removed one.
    await clickAndWait(page, page.locator('button[value=next]'));
    assert.doesNotMatch(page.url(), /\/pages\/children$/, 'the server accepted the rows');
    const rest = jidouAnswers().filter(([k]) => !k.startsWith('f.children.'));
    for (let i = 0; i < 12 && !page.url().endsWith('/check'); ++i) {
      await auditor.check(`form page ${page.url().split('/').pop()}`);
      await fillPage(page, rest);
      await clickAndWait(page, page.locator('button[value=next]'));
    }
    assert.match(page.url(), /\/check$/);
    await auditor.check('check page');
    const check = await page.locator('main').innerText();
    assert.ok(check.includes('花子') && check.includes('三郎'), 'both children on the check page');
    assert.ok(!check.includes('次郎'), 'the removed child is gone');
    auditor.assertEveryPageChecked();
  } finally {
    log.push('# groups', ...auditor.log);
    await auditor.close();
    await context.close();
  }
});

test('the postal code fills the address, never over what the resident typed', { timeout: 120_000 }, async () => {
  const { context, page, auditor } = await openPage(browser, { width: 360, name: 'enh-postal' });
  try {
    auditor.expectedLang = 'ja';
    await page.goto(`${srv.base}/procedures/risai`);
    await auditor.check('procedure page');
    await clickAndWait(page, page.locator('button.m-button--start'));
    await auditor.check('first page');
    await page.locator(sel('f.relationship', 'head')).check();
    await clickAndWait(page, page.locator('button[value=next]'));
    assert.match(page.url(), /\/pages\/applicant$/);
    await auditor.check('applicant page');
    const postal = page.locator(sel('f.applicant_address.postal_code'));
    const part = (p) => page.locator(sel(`f.applicant_address.${p}`));
    const address = async () => `${await part('prefecture').inputValue()}|${await part('city').inputValue()}|${await part('town').inputValue()}`;

    // Full-width digits and a long-vowel mark for the hyphen, as an IME gives them.
    await postal.fill('１６０ー００２３');
    await page.waitForFunction(() => document.querySelector('[name="f.applicant_address.town"]').value === '西新宿');
    assert.equal(await address(), '東京都|新宿区|西新宿');
    await page.waitForFunction(() => /東京都新宿区西新宿/.test(document.getElementById('m-announcer')?.textContent || ''));
    assert.match(await announced(page), /郵便番号から住所を入力しました/);
    await auditor.check('applicant page with the address filled', { shot: 'enh-postal' });

    // Filled by us: a new code replaces it.
    await postal.fill('100-0001');
    await page.waitForFunction(() => document.querySelector('[name="f.applicant_address.town"]').value === '千代田');
    assert.equal(await address(), '東京都|千代田区|千代田');

    // The resident changes the town: from now on their words stay. (Each lookup below asks
    // for a code not asked before, so its answer comes from the server, not the cache.)
    await part('town').fill('千代田(自分で入力)');
    await Promise.all([page.waitForResponse((r) => r.url().endsWith('/postal/1600022')), postal.fill('160-0022')]);
    await page.waitForTimeout(300);
    assert.equal(await address(), '東京都|千代田区|千代田(自分で入力)', 'what the resident typed is kept');

    // An address typed before any code is never overwritten either.
    await part('prefecture').fill('');
    await part('city').fill('大田区');
    await part('town').fill('蒲田');
    await Promise.all([page.waitForResponse((r) => r.url().endsWith('/postal/1600021')), postal.fill('１６０００２１')]);
    await page.waitForTimeout(300);
    assert.equal(await address(), '|大田区|蒲田');
    // An unknown code fills nothing and shows no error.
    await part('city').fill('');
    await part('town').fill('');
    await Promise.all([page.waitForResponse((r) => r.url().endsWith('/postal/9999999')), postal.fill('9999999')]);
    await page.waitForTimeout(300);
    assert.equal(await address(), '||');
    await auditor.check('applicant page after the lookups');
    auditor.assertEveryPageChecked();
  } finally {
    log.push('# postal', ...auditor.log);
    await auditor.close();
    await context.close();
  }
});

test('a textarea counts characters as the server does, and the server still has the last word', { timeout: 120_000 }, async () => {
  const { context, page, auditor } = await openPage(browser, { width: 360, name: 'enh-counter' });
  try {
    auditor.expectedLang = 'ja';
    await page.goto(`${srv.base}/procedures/risai`);
    await auditor.check('procedure page');
    await clickAndWait(page, page.locator('button.m-button--start'));
    const answers = risaiAnswers().filter(([k]) => k !== 'f.damage_description');
    for (let i = 0; i < 12 && !(await page.locator(sel('f.damage_description')).count()); ++i) {
      await auditor.check(`form page ${page.url().split('/').pop()}`);
      await fillPage(page, answers);
      await clickAndWait(page, page.locator('button[value=next]'));
    }
    const area = page.locator(sel('f.damage_description'));
    assert.equal(await area.count(), 1, 'the page with the damage description');
    const counter = page.locator('#f-damage_description-counter');
    const shown = () => counter.locator('[aria-hidden=true]').innerText();
    assert.equal(await shown(), '0 / 800', 'the counter starts from what is there');
    assert.match(await area.getAttribute('aria-describedby'), /(^| )f-damage_description-counter$/, 'the counter describes the field');
    // Code points, as the server counts: 𠮷 (two UTF-16 units) is one character, a line break one.
    await area.fill('𠮷田の家\n屋根');
    assert.equal(await shown(), '7 / 800');
    // Screen readers hear the count after a pause, not at every key.
    await page.waitForFunction(() => document.querySelector('#f-damage_description-counter [aria-live]').textContent === '7 / 800');
    await auditor.check('damage page with the counter', { shot: 'enh-counter' });
    // Over the limit: the counter says so, and the server refuses with the count, keeping the text.
    const long = 'あ'.repeat(801);
    await area.fill(long);
    assert.equal(await shown(), '801 / 800');
    assert.ok(await counter.evaluate((e) => e.classList.contains('m-counter--over')), 'marked as over the limit');
    await fillPage(page, answers);
    await clickAndWait(page, page.locator('button[value=next]'));
    assert.match(await page.locator('.m-error-summary').innerText(), /800文字以内で入力してください\(入力文字数801文字\)/);
    assert.equal(await page.locator(sel('f.damage_description')).inputValue(), long, 'what was typed is kept');
    assert.equal(await shown(), '801 / 800', 'the counter counts what came back');
    await auditor.check('damage page, too long');
    auditor.assertEveryPageChecked();
  } finally {
    log.push('# counter', ...auditor.log);
    await auditor.close();
    await context.close();
  }
});

test('the session warning appears before expiry, and Continue extends the session', { timeout: 120_000 }, async () => {
  // A server of its own with a 30-second session that warns 24 seconds before the end (time
  // enough for axe between the warning and Continue on a busy machine).
  const LIFETIME = 30;
  const short = await startServer({ extraConfig: [`session_seconds = ${LIFETIME}`, 'session_warning_seconds = 24'] });
  const a = await openPage(browser, { width: 1280, name: 'enh-session' });
  const b = await openPage(browser, { width: 1280, name: 'enh-session-idle' });
  try {
    // Two guests on the same form page: A presses Continue, B does nothing.
    const open = async ({ page, auditor }) => {
      auditor.expectedLang = 'ja';
      await page.goto(`${short.base}/procedures/risai`);
      await clickAndWait(page, page.locator('button.m-button--start'));
      const remaining = Number(await page.locator('#m-session-warning').getAttribute('data-remaining'));
      return { loaded: Date.now(), remaining };
    };
    const [ta, tb] = await Promise.all([open(a), open(b)]);
    assert.ok(ta.remaining > 20 && ta.remaining <= LIFETIME, `remaining lifetime on the page: ${ta.remaining}`);
    assert.equal(await a.page.locator('.m-session-warning').count(), 0, 'no warning at first');

    // The resident is typing when the warning comes: it takes focus, says how long is left.
    await a.page.locator(sel('f.relationship', 'head')).focus();
    const banner = a.page.locator('.m-session-warning');
    await banner.waitFor({ state: 'visible', timeout: 20_000 });
    assert.equal(await banner.getAttribute('role'), 'alert');
    assert.equal(await a.page.evaluate(() => document.activeElement?.classList.contains('m-session-warning')), true, 'focus on the warning');
    assert.match(await banner.innerText(), /あと約1分で接続が切れます/);
    const violations = await a.auditor.axe();
    assert.deepEqual(violations.map((v) => v.id), [], 'axe: no violations with the warning shown');
    await a.auditor.screenshot('enh-session-warning');

    const [extended] = await Promise.all([
      a.page.waitForResponse((r) => r.url().endsWith('/session/extend')),
      banner.locator('button', { hasText: '続ける' }).click(),
    ]);
    assert.equal(extended.status(), 204);
    await banner.waitFor({ state: 'detached' });
    assert.equal(await activeName(a.page), 'f.relationship', 'focus back where the resident was');
    await a.page.waitForFunction(() => /延長しました/.test(document.getElementById('m-announcer')?.textContent || ''));

    // Past the original end of both sessions.
    const end = Math.max(ta.loaded + ta.remaining * 1000, tb.loaded + tb.remaining * 1000);
    await new Promise((r) => setTimeout(r, end - Date.now() + 2000));
    // B was told, and its answers can no longer be sent; A's session lives on.
    await b.page.locator('.m-session-warning').waitFor({ state: 'visible' });
    assert.match(await b.page.locator('.m-session-warning').innerText(), /接続が切れました/);
    await b.page.locator(sel('f.relationship', 'head')).check();
    const [rb] = await Promise.all([b.page.waitForResponse((r) => r.request().method() === 'POST'),
      b.page.locator('button[value=next]').click()]);
    // No session: the draft is not found (404) — the answers on the page cannot be saved.
    assert.ok(rb.status() >= 400, `without Continue the session expired (control): ${rb.status()}`);

    await a.page.locator(sel('f.relationship', 'head')).check();
    const [ra] = await Promise.all([a.page.waitForResponse((r) => r.request().method() === 'POST'),
      a.page.locator('button[value=next]').click()]);
    assert.equal(ra.status(), 303, 'the extended session still takes the page');
    await a.page.waitForURL(/\/pages\/applicant$/);
    await a.auditor.check('next page after the extension');
  } finally {
    log.push('# session', ...a.auditor.log);
    await a.auditor.close();
    await a.context.close();
    await b.context.close();
    await short.stop();
  }
});
