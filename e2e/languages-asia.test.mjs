// The journeys in 中文 (zh-Hans) and 한국어 (ko), and 児童手当 in やさしい日本語:
// - the resident journey (児童手当: mistake fixed, two children, submitted, status) and the guest
//   journey (罹災証明書 with a photo), with the language chosen through the page's switch;
//   every page through the auditor (axe-core WCAG 2.1 A/AA, <html lang>, Japanese text marked);
// - field labels in the page's language, not the Japanese fallback, where a translation exists,
//   and a text without a translation shown in Japanese marked lang="ja";
// - a date typed in 和暦 comes back as typed (昭和 63, not 1988) after an error elsewhere, when
//   going Back and from the check page; an impossible date comes back as typed with its error;
// - in やさしい日本語 the 児童手当 labels are the easy ones, not the ordinary Japanese.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, repo } from './support/server.mjs';
import { launchBrowser, openPage, writeReport } from './support/browser.mjs';
import {
  residentApplies, risaiAnswers, jidouAnswers, fillPage, walkToCheck, clickAndWait, tinyPngFile,
} from './support/journeys.mjs';

// The server gets a copy of the definitions in which one label (職業) has no zh-Hans or ko
// text, so that a fallback to Japanese is seen on a page however complete the translations are.
const FALLBACK = { file: 'jidou-teate.yaml', ja: '職業', drop: ['          zh-Hans: 职业', '          ko: 직업'] };

let srv, browser, procedures;
const log = [];
before(async () => {
  procedures = mkdtempSync(path.join(tmpdir(), 'madoguchi-procedures-'));
  cpSync(path.join(repo, 'procedures'), procedures, { recursive: true });
  const file = path.join(procedures, FALLBACK.file);
  let text = readFileSync(file, 'utf8');
  for (const line of FALLBACK.drop) {
    assert.equal(text.split('\n').filter((l) => l === line).length, 1, `one line "${line}" to drop`);
    text = text.split('\n').filter((l) => l !== line).join('\n');
  }
  writeFileSync(file, text);
  srv = await startServer({ proceduresDir: procedures });
  browser = await launchBrowser();
});
after(async () => {
  writeReport('languages-asia', log);
  await browser?.close();
  await srv?.stop();
  if (procedures) rmSync(procedures, { recursive: true, force: true });
});

const sel = (name, value) => value === undefined ? `[name="${name}"]` : `[name="${name}"][value="${value}"]`;

// The labels and legends of the form's fields, each with the language it is marked with.
async function labels(page) {
  return page.evaluate(() => [...document.querySelectorAll(
    'main .m-label > span:first-child, main .m-fieldset__legend > span:first-child, main .m-choice__label')]
    .map((e) => ({ text: e.textContent.trim(), lang: e.closest('[lang]')?.getAttribute('lang') })));
}

// Per page of 児童手当: labels in each language that must be shown, and the Japanese label
// each replaces, which must not be.
const EXPECTED = {
  'zh-Hans': {
    'work-status': [['您是否作为公务员(国家公务员或地方公务员)任职?', '公務員(国家公務員・地方公務員)として勤めていますか']],
    claimant: [['申请人姓名', '請求者の氏名'], ['申请人出生日期', '請求者の生年月日'],
      ['申请人的个人编号(My Number)', '請求者の個人番号(マイナンバー)']],
    'claimant-contact': [['申请人住址', '請求者の住所'], ['电话号码(白天可联系的号码)', '電話番号(日中の連絡先)']],
    work: [['加入的年金', '加入している年金'], ['公司职员、团体职员', '会社員・団体職員']],
    spouse: [['您是否有配偶(包括事实婚姻关系)?', '配偶者(事実上の婚姻関係を含む)はいますか']],
    children: [['孩子姓名', '子どもの氏名'], ['孩子出生日期', '子どもの生年月日'], ['与申请人的关系', '請求者との続柄']],
    account: [['是否使用公款领取账户(在Mynaportal登记的账户)?', '公金受取口座(マイナポータルで登録した口座)を使いますか']],
    consent: [['同意核查公共登记簿等', '公簿等の確認への同意']],
  },
  ko: {
    'work-status': [['공무원(국가공무원·지방공무원)으로 근무하고 있습니까?', '公務員(国家公務員・地方公務員)として勤めていますか']],
    claimant: [['청구자 성명', '請求者の氏名'], ['청구자 생년월일', '請求者の生年月日'],
      ['청구자의 개인번호(마이넘버)', '請求者の個人番号(マイナンバー)']],
    'claimant-contact': [['청구자 주소', '請求者の住所'], ['전화번호(낮에 연락 가능한 번호)', '電話番号(日中の連絡先)']],
    work: [['가입한 연금', '加入している年金'], ['회사원·단체 직원', '会社員・団体職員']],
    spouse: [['배우자(사실혼 관계 포함)가 있습니까?', '配偶者(事実上の婚姻関係を含む)はいますか']],
    children: [['아이 성명', '子どもの氏名'], ['아이 생년월일', '子どもの生年月日'], ['청구자와의 관계', '請求者との続柄']],
    account: [['공금수령계좌(마이나포털에 등록한 계좌)를 사용합니까?', '公金受取口座(マイナポータルで登録した口座)を使いますか']],
    consent: [['공적 장부 등의 확인에 대한 동의', '公簿等の確認への同意']],
  },
  'ja-easy': {
    'work-status': [['あなたは 公務員(こうむいん)として はたらいて いますか', '公務員(国家公務員・地方公務員)として勤めていますか']],
    claimant: [['申請する 人の 名前', '請求者の氏名'], ['申請する 人が 生まれた 日', '請求者の生年月日'],
      ['申請する 人の マイナンバー', '請求者の個人番号(マイナンバー)']],
    'claimant-contact': [['申請する 人の 住所(じゅうしょ)', '請求者の住所'], ['昼に つながる 電話番号', '電話番号(日中の連絡先)']],
    work: [['仕事', '職業'], ['入って いる 年金(ねんきん)', '加入している年金'],
      ['会社や 団体(だんたい)で はたらいて いる', '会社員・団体職員']],
    spouse: [['夫か 妻は いますか(結婚の とどけを 出して いない 人も ふくみます)', '配偶者(事実上の婚姻関係を含む)はいますか']],
    children: [['子どもの 名前', '子どもの氏名'], ['子どもが 生まれた 日', '子どもの生年月日'],
      ['あなたから 見て だれか', '請求者との続柄'], ['あなたと いっしょに 住んで いますか', '請求者と同居していますか']],
    account: [['公金受取口座(こうきん うけとり こうざ)を 使いますか(マイナポータルで 登録(とうろく)した 口座です)',
      '公金受取口座(マイナポータルで登録した口座)を使いますか']],
    consent: [['区が 記録を 見る ことへの 同意(どうい)', '公簿等の確認への同意']],
  },
};

// Checks the labels of the 児童手当 page shown: the expected ones present and not marked
// Japanese (except in ja-easy, whose pages are lang="ja"), the Japanese ones absent, and in
// zh-Hans/ko the one label without a translation shown in Japanese with lang="ja".
async function assertLabels(page, lang, pageId) {
  const shown = await labels(page);
  const texts = shown.map((l) => l.text);
  for (const [want, japanese] of EXPECTED[lang][pageId] || []) {
    const found = shown.find((l) => l.text === want);
    assert.ok(found, `${lang} ${pageId}: label "${want}" shown (labels: ${texts.join(' | ')})`);
    if (lang !== 'ja-easy') assert.equal(found.lang, lang, `${lang} ${pageId}: "${want}" is not marked as another language`);
    assert.ok(!texts.includes(japanese), `${lang} ${pageId}: the Japanese "${japanese}" is not shown`);
  }
  if (lang !== 'ja-easy') {
    // Every label in Japanese script is a fallback and marked so (kana only: zh-Hans is Han).
    for (const l of shown) {
      if (/[\u3040-\u30ff]/.test(l.text)) assert.equal(l.lang, 'ja', `${lang} ${pageId}: Japanese label "${l.text}" marked lang="ja"`);
    }
    if (pageId === 'work') {
      const fallback = shown.find((l) => l.text === FALLBACK.ja);
      assert.ok(fallback, `${lang}: the untranslated label ${FALLBACK.ja} falls back to Japanese`);
      assert.equal(fallback.lang, 'ja', `${lang}: the fallback ${FALLBACK.ja} carries lang="ja"`);
    }
  }
}

async function signInAndSwitch(page, auditor, lang) {
  const htmlLang = lang === 'ja-easy' ? 'ja' : lang;
  auditor.expectedLang = 'ja';
  await page.goto(`${srv.base}/login`);
  await auditor.check('sign-in page');
  await page.locator('#login').fill(srv.accounts.resident.login);
  await page.locator('#password').fill(srv.accounts.resident.password);
  await clickAndWait(page, page.locator('main form button[type=submit]'));
  await auditor.check('signed in');
  await clickAndWait(page, page.locator(`.m-lang a[href*="lang=${lang}"]`));
  auditor.expectedLang = htmlLang;
  assert.equal(await page.evaluate(() => document.documentElement.lang), htmlLang);
  await auditor.check(`signed in, in ${lang}`);
}

// Starts 児童手当 and walks it to the check page, checking every page's labels. On the claimant
// page: the 和暦 date checks of issue #5 (error elsewhere, impossible date), and from the next
// page Back. Returns when the check page is shown.
async function jidouLabelsAndDates(page, auditor, lang) {
  await page.goto(`${srv.base}/procedures/jidou-teate`);
  await auditor.check('procedure page');
  await clickAndWait(page, page.locator('button.m-button--start'));
  const answers = jidouAnswers();  // date of birth 昭和 63年5月1日
  const era = async () => [await page.locator(sel('f.claimant_birth.era')).inputValue(),
    await page.locator(sel('f.claimant_birth.year')).inputValue(),
    await page.locator(sel('f.claimant_birth.month')).inputValue(),
    await page.locator(sel('f.claimant_birth.day')).inputValue()];
  let datesChecked = false;
  for (let step = 0; step < 25 && !page.url().endsWith('/check'); ++step) {
    const pageId = page.url().split('/').pop();
    await auditor.check(`form page ${pageId}`);
    await assertLabels(page, lang, pageId);
    if (pageId === 'claimant' && !datesChecked) {
      // An error elsewhere on the page: the date comes back in 和暦 as typed.
      await fillPage(page, answers.map(([k, v]) => [k, k === 'f.claimant_my_number' ? '1234' : v]));
      await clickAndWait(page, page.locator('button[value=next]'));
      assert.match(page.url(), /\/pages\/claimant$/);
      await auditor.check('form page claimant, My Number wrong');
      assert.deepEqual(await era(), ['S', '63', '5', '1'], 'the date of birth comes back as typed: 昭和 63');
      assert.equal(await page.locator('#f-claimant_birth-error').count(), 0, 'no error on the date');
      // An impossible date (令和8年2月30日) comes back exactly as typed, its error next to it.
      await fillPage(page, [['f.claimant_my_number', '123456789012'], ['f.claimant_birth.era', 'R'],
        ['f.claimant_birth.year', '8'], ['f.claimant_birth.month', '2'], ['f.claimant_birth.day', '30']]);
      await clickAndWait(page, page.locator('button[value=next]'));
      assert.match(page.url(), /\/pages\/claimant$/);
      await auditor.check('form page claimant, impossible date');
      assert.deepEqual(await era(), ['R', '8', '2', '30'], 'the impossible date comes back as typed');
      assert.equal(await page.locator('#f-claimant_birth-error').count(), 1, 'the error is next to the date');
      assert.ok((await page.locator(sel('f.claimant_birth.year')).getAttribute('aria-describedby'))?.includes('f-claimant_birth-error'));
      await page.locator('.m-error-summary a[href="#f-claimant_birth-year"]').waitFor();
      // Fixed, then Back from the next page: still 昭和 63.
      await fillPage(page, answers);
      await clickAndWait(page, page.locator('button[value=next]'));
      assert.match(page.url(), /\/pages\/claimant-contact$/);
      await auditor.check('form page claimant-contact');
      await fillPage(page, answers);
      await clickAndWait(page, page.locator('button[value=back]'));
      assert.match(page.url(), /\/pages\/claimant$/);
      await auditor.check('form page claimant after Back');
      assert.deepEqual(await era(), ['S', '63', '5', '1'], 'after Back the date is still 昭和 63');
      datesChecked = true;
    }
    await fillPage(page, answers);
    await clickAndWait(page, page.locator('button[value=next]'));
    if (page.url().endsWith(`/pages/${pageId}`)) throw new Error(`page ${pageId} kept the resident`);
  }
  assert.ok(datesChecked);
  assert.match(page.url(), /\/check$/);
  await auditor.check('check answers');
  // The check page gives the date in the calendar the resident used first.
  const birthRow = page.locator('main a[href$="#f-claimant_birth"]').locator('xpath=ancestor::div[1]');
  const row = (await birthRow.innerText()).replace(/\s+/g, ' ');
  assert.ok(row.includes('昭和63年5月1日'), `check page shows 昭和63年5月1日: ${row}`);
  assert.ok(row.indexOf('昭和63年5月1日') < row.indexOf('1988'), `昭和 first, as typed: ${row}`);
  // Its change link leads to the page with the date as typed.
  await clickAndWait(page, page.locator('main a[href$="#f-claimant_birth"]'));
  await auditor.check('form page claimant from the check page');
  assert.deepEqual(await era(), ['S', '63', '5', '1'], 'from the check page the date is still 昭和 63');
}

for (const lang of ['zh-Hans', 'ko']) {
  test(`resident journey (児童手当) in ${lang}`, { timeout: 300_000 }, async () => {
    const resident = await openPage(browser, { width: 1280, name: `resident-${lang}` });
    try {
      await residentApplies(resident.page, resident.auditor, srv, { lang, shots: `lang-${lang}` });
      // A second claim in the same session, still in the language chosen: labels and dates.
      await jidouLabelsAndDates(resident.page, resident.auditor, lang);
      resident.auditor.assertEveryPageChecked();
    } finally {
      log.push(`# resident ${lang}`, ...resident.auditor.log);
      await resident.auditor.close();
      await resident.context.close();
    }
  });

  test(`guest journey (罹災証明書) in ${lang}`, { timeout: 240_000 }, async () => {
    const guest = await openPage(browser, { width: 360, name: `guest-${lang}` });
    const { page, auditor } = guest;
    try {
      auditor.expectedLang = 'ja';
      await page.goto(`${srv.base}/procedures/risai`);
      await auditor.check('procedure page (ja)');
      await clickAndWait(page, page.locator(`.m-lang a[href*="lang=${lang}"]`));
      assert.equal(new URL(page.url()).pathname, '/procedures/risai', 'the switch keeps the page');
      auditor.expectedLang = lang;
      await auditor.check(`procedure page (${lang})`);
      const title = (await page.locator('h1').innerText()).trim();
      assert.equal(title, lang === 'ko' ? '이재증명서(리사이 쇼메이쇼) 발급 신청' : '申请受灾证明书(罹灾证明书)');
      await clickAndWait(page, page.locator('button.m-button--start'));
      // Labels of the first page in the language: no Japanese left to fall back to.
      const first = await labels(page);
      assert.ok(first.length > 0);
      for (const l of first) assert.equal(l.lang, lang, `label "${l.text}" in ${lang}`);
      await walkToCheck(page, auditor, risaiAnswers(), { files: { 'f.photos': tinyPngFile('roof.png') } });
      await auditor.check('check answers');
      assert.ok((await page.locator('main').innerText()).includes('roof.png'));
      await clickAndWait(page, page.locator('main form button[type=submit]'));
      await auditor.check('receipt', { shot: `lang-${lang}-guest-receipt` });
      assert.ok((await page.locator('#receipt-number').innerText()).trim());
      assert.equal(await page.evaluate(() => document.documentElement.lang), lang);
      auditor.assertEveryPageChecked();
    } finally {
      log.push(`# guest ${lang}`, ...auditor.log);
      await auditor.close();
      await guest.context.close();
    }
  });
}

test('児童手当 in やさしい日本語: the easy labels, not the ordinary Japanese', { timeout: 240_000 }, async () => {
  const resident = await openPage(browser, { width: 1280, name: 'resident-ja-easy-labels' });
  try {
    await signInAndSwitch(resident.page, resident.auditor, 'ja-easy');
    await jidouLabelsAndDates(resident.page, resident.auditor, 'ja-easy');
    resident.auditor.assertEveryPageChecked();
  } finally {
    log.push('# ja-easy labels', ...resident.auditor.log);
    await resident.auditor.close();
    await resident.context.close();
  }
});
