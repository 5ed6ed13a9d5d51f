// The journeys of issue 5, written once and run in several settings (language, width,
// JavaScript on or off). Fields are found by their HTML name, which does not change with the
// language; what the resident reads is asserted through ids and data attributes.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TINY_PNG } from './browser.mjs';
import { focusInfo } from './keyboard.mjs';

export function tinyPngFile(name = 'roof.png') {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'madoguchi-png-')), name);
  writeFileSync(file, TINY_PNG);
  return file;
}

function daysAgo(n) {
  const d = new Date(Date.now() + 9 * 3600_000 - n * 86400_000);  // JST
  return { y: d.getUTCFullYear(), m: d.getUTCMonth() + 1, d: d.getUTCDate() };
}

// Answers as [name, value] pairs; a checkbox group repeats its name.
export function risaiAnswers() {
  const day = daysAgo(3);
  return [
    ['f.relationship', 'head'],
    ['f.applicant_name.family', '𠮷田'],
    ['f.applicant_name.given', '太郎'],
    ['f.applicant_name.family_kana', 'よしだ'],
    ['f.applicant_name.given_kana', 'たろう'],
    ['f.applicant_address.postal_code', '144-8621'],
    ['f.applicant_address.prefecture', '東京都'],
    ['f.applicant_address.city', '大田区'],
    ['f.applicant_address.town', '蒲田'],
    ['f.applicant_address.street', '五丁目13番14号'],
    ['f.applicant_phone', '03-5744-1111'],
    ['f.disaster_date.year', String(day.y)],
    ['f.disaster_date.month', String(day.m)],
    ['f.disaster_date.day', String(day.d)],
    ['f.disaster_kind', 'earthquake'],
    ['f.dwelling_same_address', 'yes'],
    ['f.ownership', 'owned'],
    ['f.building_type', 'detached'],
    ['f.damage_parts', 'roof'],
    ['f.damage_parts', 'walls'],
    ['f.damage_description', '屋根瓦が落ち、外壁にひびが入りました。'],
    ['f.repair_status', 'not_yet'],
    ['f.self_assessment', 'yes'],
    ['f.self_assessment_consent', 'agree'],
    ['f.copies', '2'],
    ['f.purpose', 'support'],
    ['f.receipt_method', 'mail'],
  ];
}

export function jidouAnswers() {
  const a = [
    ['f.is_public_servant', 'no'],
    ['f.claimant_name.family', '髙橋'],
    ['f.claimant_name.given', '一郎'],
    ['f.claimant_name.family_kana', 'タカハシ'],
    ['f.claimant_name.given_kana', 'イチロウ'],
    ['f.claimant_birth.era', 'S'],
    ['f.claimant_birth.year', '63'],
    ['f.claimant_birth.month', '5'],
    ['f.claimant_birth.day', '1'],
    ['f.claimant_my_number', '123456789012'],
    ['f.claimant_address.postal_code', '1448621'],
    ['f.claimant_address.prefecture', '東京都'],
    ['f.claimant_address.city', '大田区'],
    ['f.claimant_address.town', '蒲田'],
    ['f.claimant_address.street', '5-13-14'],
    ['f.claimant_phone', '090-1234-5678'],
    ['f.occupation', 'employee'],
    ['f.pension', 'employees'],
    ['f.has_spouse', 'no'],
  ];
  ['花子', '次郎'].forEach((given, i) => {
    const row = `f.children.${i}`;
    a.push([`${row}.child_name.family`, '髙橋'], [`${row}.child_name.given`, given],
      [`${row}.child_name.family_kana`, 'タカハシ'], [`${row}.child_name.given_kana`, i ? 'ジロウ' : 'ハナコ'],
      [`${row}.child_birth.era`, ''], [`${row}.child_birth.year`, String(2020 + i * 3)],
      [`${row}.child_birth.month`, '4'], [`${row}.child_birth.day`, '10'],
      [`${row}.child_relation`, 'child'], [`${row}.child_lives_together`, 'yes']);
  });
  a.push(['f.has_older_children', 'no'], ['f.use_public_account', 'yes'], ['f.consent', 'agree']);
  return a;
}

const sel = (name, value) => value === undefined ? `[name="${name}"]` : `[name="${name}"][value="${value}"]`;

// Fills every field of the current page that has an answer; returns the names filled.
export async function fillPage(page, answers, files = {}) {
  const filled = [];
  for (const [name, value] of answers) {
    const first = page.locator(sel(name)).first();
    if (!(await first.count())) continue;
    const kind = await first.evaluate((e) => `${e.tagName.toLowerCase()}:${e.type || ''}`);
    if (kind === 'input:radio' || kind === 'input:checkbox') {
      await page.locator(sel(name, value)).check();
    } else if (kind.startsWith('select')) {
      await first.selectOption(value);
    } else if (kind === 'input:file') {
      continue;
    } else {
      await first.fill(value);
    }
    filled.push(name);
  }
  for (const [name, file] of Object.entries(files)) {
    const input = page.locator(sel(name));
    if (await input.count()) { await input.setInputFiles(file); filled.push(name); }
  }
  return filled;
}

async function errorSummary(page) {
  const s = page.locator('.m-error-summary');
  return (await s.count()) ? (await s.innerText()).replace(/\s+/g, ' ') : '';
}

export async function clickAndWait(page, locator) {
  const before = page.url();
  await Promise.all([page.waitForEvent('load'), locator.click()]);
  return before;
}

// From a form page, answers each page and presses Next until the check page. Each page
// (the form pages and the check page) goes through the auditor.
export async function walkToCheck(page, auditor, answers, { files = {}, shots = {} } = {}) {
  for (let step = 0; step < 20; ++step) {
    const url = new URL(page.url());
    if (url.pathname.endsWith('/check')) return;
    const pageId = url.pathname.split('/').pop();
    await auditor.check(`form page ${pageId}`, { shot: shots[pageId] || null });
    await fillPage(page, answers, files);
    await clickAndWait(page, page.locator('button[name=action][value=next]'));
    if (new URL(page.url()).pathname === url.pathname) {
      throw new Error(`page ${pageId} did not accept the answers: ${await errorSummary(page)}`);
    }
  }
  throw new Error('no check page after 20 pages');
}

export async function signIn(page, auditor, base, account, { shot = null } = {}) {
  await page.goto(`${base}/login`);
  await auditor.check('sign-in page', { shot });
  await page.locator('#login').fill(account.login);
  await page.locator('#password').fill(account.password);
  await clickAndWait(page, page.locator('main form button[type=submit]'));
  assert.equal(await page.locator('#login').count(), 0, `sign-in as ${account.login} failed: ${await errorSummary(page)}`);
  await auditor.check(`signed in as ${account.login}`);
}

export async function signOut(page) {
  await clickAndWait(page, page.locator('form[action="/logout"] button'));
}

// The resident journey: 児童手当 with two children, one mistake fixed, submitted, status seen.
// Returns the receipt number. opts: lang (switched through the language links), shots
// (prefix for screenshots, or null).
export async function residentApplies(page, auditor, srv, { lang = 'ja', shots = null } = {}) {
  const shot = (name) => (shots ? `${shots}-${name}` : null);
  auditor.expectedLang = lang === 'ja-easy' ? 'ja' : lang;
  await page.goto(`${srv.base}/`);
  if (lang !== 'ja') {
    // The language switch keeps the page and the choice.
    auditor.expectedLang = 'ja';
    await auditor.check('home (before switching language)');
    await clickAndWait(page, page.locator(`.m-lang a[href*="lang=${lang}"]`));
    auditor.expectedLang = lang === 'ja-easy' ? 'ja' : lang;
    assert.equal(new URL(page.url()).pathname, '/', 'the language switch keeps the page');
  }
  await auditor.check('home', { shot: shot('home') });

  // Find 児童手当 by browsing the 子育て category.
  await clickAndWait(page, page.locator('a[href="/?category=childcare"]'));
  await auditor.check('category childcare');
  await clickAndWait(page, page.locator('a[href="/procedures/jidou-teate"]'));
  await auditor.check('procedure page (signed out)', { shot: shot('procedure') });

  // An account is needed: the page's sign-in link brings the resident back here.
  await clickAndWait(page, page.locator('main a.m-button'));
  await auditor.check('sign-in page', { shot: shot('login') });
  await page.locator('#login').fill(srv.accounts.resident.login);
  await page.locator('#password').fill(srv.accounts.resident.password);
  await clickAndWait(page, page.locator('main form button[type=submit]'));
  assert.match(new URL(page.url()).pathname, /^\/procedures\/jidou-teate$/, 'back on the procedure after signing in');
  await auditor.check('procedure page (signed in)');
  await clickAndWait(page, page.locator('button.m-button--start'));

  const answers = jidouAnswers();
  // Up to the claimant page, then a mistake: an 11-digit My Number.
  for (let i = 0; i < 5 && !page.url().endsWith('/pages/claimant'); ++i) {
    await auditor.check(`form page ${page.url().split('/').pop()}`, { shot: i === 0 ? shot('form-first') : null });
    await fillPage(page, answers);
    await clickAndWait(page, page.locator('button[value=next]'));
  }
  assert.match(page.url(), /\/pages\/claimant$/);
  await auditor.check('form page claimant');
  await fillPage(page, answers.map(([k, v]) => [k, k === 'f.claimant_my_number' ? '12345678901' : v]));
  await clickAndWait(page, page.locator('button[value=next]'));
  assert.match(page.url(), /\/pages\/claimant$/, 'a wrong My Number keeps the resident on the page');
  await auditor.check('form page claimant with an error', { shot: shot('form-error') });
  const summary = page.locator('.m-error-summary');
  assert.equal(await summary.count(), 1, 'an error summary at the top');
  // The summary takes focus (autofocus, so also without JavaScript): screen readers announce it.
  assert.equal(await page.evaluate(() => document.activeElement?.classList.contains('m-error-summary')), true,
    'the error summary has focus');
  const link = summary.locator('a[href="#f-claimant_my_number"]');
  assert.equal(await link.count(), 1, 'the summary links to the field');
  await link.click();
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'f-claimant_my_number', 'the link moves focus to the field');
  assert.equal(await page.locator('#f-claimant_my_number').getAttribute('aria-invalid'), 'true');
  const describedby = await page.locator('#f-claimant_my_number').getAttribute('aria-describedby');
  assert.ok(describedby?.split(' ').includes('f-claimant_my_number-error'), 'the error message is tied to the input');
  // Every other value is still there, exactly as typed.
  // The date of birth may come back in 西暦 (昭和63年 → 1988): the same date, shown in both
  // calendars under the field.
  const era = await page.locator(sel('f.claimant_birth.era')).inputValue();
  const year = await page.locator(sel('f.claimant_birth.year')).inputValue();
  assert.ok((era === 'S' && year === '63') || (era === '' && year === '1988'), `date of birth kept (${era} ${year})`);
  for (const [k, v] of answers) {
    if (!k.startsWith('f.claimant_') || k === 'f.claimant_my_number' || /birth\.(era|year)$/.test(k)) continue;
    const el = page.locator(sel(k));
    if (await el.count()) assert.equal(await el.inputValue(), v, `${k} kept after the error`);
  }
  assert.equal(await page.locator(sel('f.claimant_my_number')).inputValue(), '12345678901', 'the wrong value is kept to correct');
  await page.locator(sel('f.claimant_my_number')).fill('123456789012');
  await clickAndWait(page, page.locator('button[value=next]'));
  assert.doesNotMatch(page.url(), /\/pages\/claimant$/);

  // The rest, adding the second child on the children page.
  for (let step = 0; step < 20 && !page.url().endsWith('/check'); ++step) {
    const pageId = page.url().split('/').pop();
    if (pageId === 'children' && (await page.locator(sel('f.children.1.child_name.family')).count()) === 0) {
      await auditor.check('form page children (one row)');
      await fillPage(page, answers);
      // With JavaScript the row is added in the page (static/madoguchi.js), without a new
      // document; without it, the button posts the page and the server adds the row.
      if (auditor.javaScriptEnabled) await page.locator('button[value="add:children"]').click();
      else await clickAndWait(page, page.locator('button[value="add:children"]'));
      assert.equal(await page.locator(sel('f.children.1.child_name.family')).count(), 1, 'a second child row');
      assert.equal(await page.locator(sel('f.children.0.child_name.given')).inputValue(), '花子', 'the first row kept');
      continue;
    }
    await auditor.check(`form page ${pageId}`, { shot: pageId === 'children' ? shot('form-children') : null });
    await fillPage(page, answers);
    if (pageId === 'children') await conditionalFields(page, auditor);
    await clickAndWait(page, page.locator('button[value=next]'));
    if (page.url().endsWith(`/pages/${pageId}`)) throw new Error(`page ${pageId}: ${await errorSummary(page)}`);
  }
  assert.match(page.url(), /\/check$/);
  await auditor.check('check answers', { shot: shot('check') });
  const check = await page.locator('main').innerText();
  for (const s of ['花子', '次郎', '髙橋']) assert.ok(check.includes(s), `check page shows ${s}`);

  await clickAndWait(page, page.locator('main form button[type=submit]'));
  await auditor.check('receipt', { shot: shot('receipt') });
  const receipt = (await page.locator('#receipt-number').innerText()).trim();
  assert.match(receipt, /^[A-Z0-9-]{6,}$/);
  assert.equal(await page.locator('#access-code').count(), 0, 'account holders get no access code');

  // Status: from My applications.
  await clickAndWait(page, page.locator('main a[href="/applications"]'));
  await auditor.check('my applications', { shot: shot('mine') });
  await clickAndWait(page, page.locator(`main a:text-is("${receipt}")`));
  await auditor.check('application status', { shot: shot('status') });
  assert.equal(await page.locator('#status').getAttribute('data-status'), 'received');
  return receipt;
}

// A field that depends on an answer on the same page (続柄「その他」) is always there without
// JavaScript; with it, it shows only while the answer asks for it.
async function conditionalFields(page, auditor) {
  const other = page.locator(sel('f.children.0.child_relation_other'));
  assert.equal(await other.count(), 1, 'the dependent field is on the page');
  if (!auditor.javaScriptEnabled) {
    assert.ok(await other.isVisible(), 'without JavaScript the dependent field is shown');
    return;
  }
  assert.ok(!(await other.isVisible()), 'hidden while 続柄 is 子');
  await page.locator(sel('f.children.0.child_relation', 'other')).check();
  assert.ok(await other.isVisible(), 'shown when 続柄 is その他');
  await page.locator(sel('f.children.0.child_relation', 'child')).check();
  assert.ok(!(await other.isVisible()), 'hidden again');
}

// Staff member opens the case of `receipt` from the queue.
export async function openCase(page, auditor, receipt, shots) {
  if (new URL(page.url()).pathname !== '/staff') {
    await page.goto(new URL('/staff', page.url()).href);
    await auditor.check('staff queue');
  }
  if (shots) await auditor.screenshot(`${shots}-staff-queue`);
  await clickAndWait(page, page.locator(`main a:text-is("${receipt}")`));
  await auditor.check('staff case', { shot: shots ? `${shots}-staff-case` : null });
}

export async function staffAct(page, auditor, action, message = null) {
  if (message !== null) await page.locator('#message').fill(message);
  await clickAndWait(page, page.locator(`main button[name=action][value=${action}]`));
  await auditor.check(`staff case after ${action}`);
}

// Staff request a correction; the resident changes the phone number and resubmits; the case
// is approved through 担当 → 係長 → 課長; the resident sees the decision.
export async function correctionAndApproval(resident, staff, srv, receipt, { shots = null } = {}) {
  const { page: sp, auditor: sa } = staff;
  const { page: rp, auditor: ra } = resident;
  sa.expectedLang = 'ja';
  await signIn(sp, sa, srv.base, srv.accounts['kodomo-tanto'], { shot: null });
  await openCase(sp, sa, receipt, shots);
  await staffAct(sp, sa, 'correction', '電話番号が違うようです。確認してください。');
  assert.equal(await sp.locator('#status').getAttribute('data-status'), 'correction');

  await rp.reload();
  await ra.check('application status: correction requested', { shot: shots ? `${shots}-status-correction` : null });
  assert.equal(await rp.locator('#status').getAttribute('data-status'), 'correction');
  assert.ok((await rp.locator('main').innerText()).includes('電話番号が違うようです'));
  await clickAndWait(rp, rp.locator('.m-panel--warning form button'));
  assert.match(rp.url(), /\/check$/);
  await ra.check('check answers (correction)');
  await clickAndWait(rp, rp.locator('main a[href*="/pages/claimant-contact"][href$="#f-claimant_phone"]'));
  await ra.check('form page claimant-contact (correction)');
  await rp.locator(sel('f.claimant_phone')).fill('090-8765-4321');
  await clickAndWait(rp, rp.locator('button[value=next]'));
  assert.match(rp.url(), /\/check$/, 'back to the check page after the change');
  await ra.check('check answers (after the change)');
  assert.ok((await rp.locator('main').innerText()).includes('090-8765-4321'));
  await clickAndWait(rp, rp.locator('main form button[type=submit]'));
  await ra.check('after resubmitting');

  // 担当 → 係長 → 課長. The 担当 sees both versions of the answers.
  await openCase(sp, sa, receipt, null);
  const casePage = await sp.locator('main').textContent();  // the earlier version is in a closed <details>
  assert.ok(casePage.includes('090-8765-4321') && casePage.includes('090-1234-5678'), 'staff see the new and the earlier answers');
  // The 担当 records the decision (approving agrees with it). Without the amount the form
  // comes back with an error summary and keeps what was typed.
  assert.equal(await sp.locator('main button[name=action][value=approve]').count(), 0, 'no approval before a decision');
  await sp.locator('input[name="f.outcome"][value=certified]').check();
  await sp.locator(sel('f.first_month.year')).fill('2027');
  await sp.locator(sel('f.first_month.month')).fill('1');
  await sp.locator(sel('f.first_month.day')).fill('1');
  await clickAndWait(sp, sp.locator('form[action$="/decision"] button[type=submit]'));
  await sa.check('staff decision with an error', { shot: shots ? `${shots}-staff-decision-error` : null });
  assert.ok(await sp.locator('.m-error-summary a[href="#f-monthly_amount"]').isVisible());
  assert.equal(await sp.locator(sel('f.first_month.year')).inputValue(), '2027');
  await sp.locator(sel('f.monthly_amount')).fill('15000');
  await clickAndWait(sp, sp.locator('form[action$="/decision"] button[type=submit]'));
  await sa.check('staff decision recorded');
  await staffAct(sp, sa, 'approve');
  await signOut(sp);
  await sa.check('signed out');
  await signIn(sp, sa, srv.base, srv.accounts['kodomo-kakaricho']);
  await openCase(sp, sa, receipt, null);
  await staffAct(sp, sa, 'approve');
  await signOut(sp);
  await sa.check('signed out');
  await signIn(sp, sa, srv.base, srv.accounts['kodomo-kacho']);
  await openCase(sp, sa, receipt, null);
  await staffAct(sp, sa, 'approve');
  assert.equal(await sp.locator('#status').getAttribute('data-status'), 'approved');

  await rp.goto(`${srv.base}/applications/${receipt}`);
  await ra.check('application status: approved', { shot: shots ? `${shots}-status-approved` : null });
  assert.equal(await rp.locator('#status').getAttribute('data-status'), 'approved');
  assert.equal(await rp.locator('#outcome').getAttribute('data-outcome'), 'certified');
  assert.ok((await rp.locator('#decision').innerText()).includes('15,000'));
}

// A guest finds 罹災証明書 by search and applies with a photo, then looks the application
// up with the receipt number and access code. With `kb` (a Keyboard), only the keyboard is used.
export async function guestRisai(page, auditor, srv, { kb = null, shots = null } = {}) {
  const shot = (name) => (shots ? `${shots}-${name}` : null);
  auditor.expectedLang = 'ja';
  const photo = tinyPngFile('roof.png');
  await page.goto(`${srv.base}/`);
  await auditor.check('home', { shot: shot('home') });
  if (kb) {
    await kb.skipToMain();
    await kb.tabTo((f) => f.id === 'q', 'search box');
    await page.keyboard.type('罹災');
    await kb.activate('Enter');
  } else {
    await page.locator('#q').fill('罹災');
    await clickAndWait(page, page.locator('.m-search button'));
  }
  assert.equal(new URL(page.url()).searchParams.get('q'), '罹災');
  await auditor.check('search results', { shot: shot('search') });
  const results = page.locator('.m-cards a[href^="/procedures/"]');
  assert.equal(await results.count(), 1, 'one procedure found');
  assert.equal(await results.getAttribute('href'), '/procedures/risai');
  if (kb) {
    await kb.tabTo((f) => f.href === '/procedures/risai', 'result link');
    await kb.activate('Enter');
  } else {
    await clickAndWait(page, results);
  }
  await auditor.check('procedure page', { shot: shot('procedure') });
  if (kb) {
    await kb.skipToMain();
    await kb.tabTo((f) => f.tag === 'button' && /m-button--start/.test(f.describe), 'start button');
    await kb.activate('Space');
  } else {
    await clickAndWait(page, page.locator('button.m-button--start'));
  }

  const answers = risaiAnswers();
  const files = { 'f.photos': photo };
  let sawCounter = false;
  for (let step = 0; step < 20 && !page.url().endsWith('/check'); ++step) {
    const pageId = page.url().split('/').pop();
    await auditor.check(`form page ${pageId}`, { shot: shot(`form-${pageId}`) });
    const area = page.locator('textarea[data-m-maxlength]');
    let counter = null;
    if (auditor.javaScriptEnabled && (await area.count())) {
      counter = page.locator(`#${await area.first().getAttribute('id')}-counter`);
      assert.equal(await counter.count(), 1, 'a character counter under the textarea');
      assert.ok((await area.first().getAttribute('aria-describedby')).includes('-counter'), 'the counter describes the textarea');
      sawCounter = true;
    }
    if (kb) await kb.fillPageAndNext(answers, files, counter ? async () => {
      const max = await area.first().getAttribute('data-m-maxlength');
      const typed = [...(await area.first().inputValue())].length;
      assert.equal((await counter.innerText()).trim(), `${typed} / ${max}`, 'the counter counts what was typed');
    } : null);
    else {
      await fillPage(page, answers, files);
      if (counter) {
        const max = await area.first().getAttribute('data-m-maxlength');
        const typed = [...(await area.first().inputValue())].length;
        assert.ok(typed > 0);
        assert.equal((await counter.innerText()).trim(), `${typed} / ${max}`, 'the counter counts what was typed');
      }
      await clickAndWait(page, page.locator('button[value=next]'));
    }
    if (page.url().endsWith(`/pages/${pageId}`)) throw new Error(`page ${pageId}: ${await errorSummary(page)}`);
  }
  if (auditor.javaScriptEnabled) assert.ok(sawCounter, 'the damage description had a counter');
  assert.match(page.url(), /\/check$/);
  await auditor.check('check answers', { shot: shot('check') });
  const check = await page.locator('main').innerText();
  assert.ok(check.includes('roof.png'), 'the photo is listed on the check page');
  assert.ok(check.includes('𠮷田'), 'a name outside the BMP survives');

  if (kb) {
    await kb.tabTo((f) => f.tag === 'button' && f.type === 'submit' && !f.name, 'submit button');
    await kb.activate('Enter');
  } else {
    await clickAndWait(page, page.locator('main form button[type=submit]'));
  }
  await auditor.check('receipt', { shot: shot('receipt') });
  const receipt = (await page.locator('#receipt-number').innerText()).trim();
  const code = (await page.locator('#access-code').innerText()).trim();
  assert.ok(receipt && code, 'a receipt number and an access code');

  // Looking it up as a guest.
  if (kb) {
    await kb.tabTo((f) => f.href === '/status' && f.text !== '' && f.describe.startsWith('a'), 'status link', { max: 40 });
    await kb.activate('Enter');
  } else {
    await clickAndWait(page, page.locator('main a[href="/status"]'));
  }
  await auditor.check('status lookup', { shot: shot('lookup') });
  if (kb) {
    await kb.skipToMain();
    await kb.tabTo((f) => f.id === 'receipt', 'receipt field');
    await page.keyboard.type(receipt);
    await kb.tabTo((f) => f.id === 'code', 'code field');
    await page.keyboard.type(code);
    await kb.activate('Enter');
  } else {
    await page.locator('#receipt').fill(receipt);
    await page.locator('#code').fill(code);
    await clickAndWait(page, page.locator('main form button[type=submit]'));
  }
  await auditor.check('application status (guest)', { shot: shot('status') });
  assert.equal(await page.locator('#status').getAttribute('data-status'), 'received');
  return receipt;
}

// The resident journey with the keyboard alone: sign in, start 児童手当, make the My Number
// mistake and follow the error summary's link back to the field, add the second child, submit,
// open the status. `kb` is a Keyboard on `page`.
export async function residentKeyboard(page, auditor, srv, kb) {
  auditor.expectedLang = 'ja';
  const answers = jidouAnswers();
  await page.goto(`${srv.base}/procedures/jidou-teate`);
  await auditor.check('procedure page (signed out)');
  await kb.skipToMain();
  await kb.tabTo((f) => f.href.startsWith('/login'), 'sign-in link');
  await kb.activate('Enter');
  await auditor.check('sign-in page');
  await kb.skipToMain();
  await kb.tabTo((f) => f.id === 'login', 'login field');
  await page.keyboard.type(srv.accounts.resident.login);
  await kb.tabTo((f) => f.id === 'password', 'password field');
  await page.keyboard.type(srv.accounts.resident.password);
  await kb.activate('Enter');
  assert.equal(new URL(page.url()).pathname, '/procedures/jidou-teate');
  await auditor.check('procedure page (signed in)');
  await kb.skipToMain();
  await kb.tabTo((f) => /m-button--start/.test(f.describe), 'start button');
  await kb.activate('Enter');

  const wrong = answers.map(([k, v]) => [k, k === 'f.claimant_my_number' ? '12345678901' : v]);
  let fixed = false;
  for (let step = 0; step < 25 && !page.url().endsWith('/check'); ++step) {
    const pageId = page.url().split('/').pop();
    if (pageId === 'claimant' && !fixed && (await page.locator('.m-error-summary').count())) {
      await auditor.check('form page claimant with an error (keyboard)');
      // The summary has focus; Tab reaches its link, Enter moves focus to the field.
      assert.equal(await page.evaluate(() => document.activeElement?.classList.contains('m-error-summary')), true);
      const link = await kb.tabTo(() => true, 'first stop after the error summary', { max: 1 });
      assert.equal(link.href, '#f-claimant_my_number');
      await kb.press('Enter');
      const field = await kb.assertFocusVisible('field after following the error link');
      assert.equal(field.id, 'f-claimant_my_number');
      await kb.press('End');
      for (let n = 0; n < field.value.length; ++n) await kb.press('Backspace');
      await page.keyboard.type('123456789012');
      await kb.tabTo((f) => f.value === 'next', 'Next');
      await kb.activate('Enter');
      fixed = true;
      continue;
    }
    await auditor.check(`form page ${pageId} (keyboard)`);
    if (pageId === 'children' && (await page.locator(sel('f.children.1.child_name.family')).count()) === 0) {
      // Add works in the page with JavaScript (no new document); focus moves to the new row.
      await kb.fillPageAndNext(answers.filter(([k]) => !k.startsWith('f.children.1.')), {}, null, 'add:children',
        { navigates: !auditor.javaScriptEnabled });
      if (auditor.javaScriptEnabled) {
        assert.equal((await focusInfo(page)).name, 'f.children.1.child_name.family', 'focus on the new row');
      }
      continue;
    }
    if (pageId === 'children') {
      await kb.fillPageAndNext(answers.filter(([k]) => k.startsWith('f.children.1.')));
    } else {
      await kb.fillPageAndNext(pageId === 'claimant' && !fixed ? wrong : answers);
    }
  }
  assert.ok(fixed, 'the mistake was made and fixed');
  assert.match(page.url(), /\/check$/);
  await auditor.check('check answers (keyboard)');
  const check = await page.locator('main').innerText();
  for (const s of ['花子', '次郎', '123456789012']) assert.ok(check.includes(s), `check page shows ${s}`);
  await kb.tabTo((f) => f.tag === 'button' && f.type === 'submit' && !f.name && !/m-link-button/.test(f.describe), 'submit button', { max: 200 });
  await kb.activate('Enter');
  await auditor.check('receipt (keyboard)');
  const receipt = (await page.locator('#receipt-number').innerText()).trim();
  await kb.skipToMain();
  await kb.tabTo((f) => f.href === '/applications' && /^a/.test(f.describe) && f.text !== '', 'My applications link in main', { max: 20 });
  await kb.activate('Enter');
  await auditor.check('my applications (keyboard)');
  await kb.skipToMain();
  await kb.tabTo((f) => f.text === receipt, 'the application', { max: 20 });
  await kb.activate('Enter');
  await auditor.check('application status (keyboard)');
  assert.equal(await page.locator('#status').getAttribute('data-status'), 'received');
}
