// Debian's Chromium driven by playwright-core, and the checks every visited page must pass:
// axe-core with the WCAG 2.1 A and AA rules (zero violations), no horizontal scrolling at the
// viewport's width, the right <html lang>, no console errors (a script blocked by the CSP shows
// up there), and — on request — a full-page screenshot in e2e/screenshots/.
import { chromium, request } from 'playwright-core';
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { repo } from './server.mjs';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

// The five languages of the switch, in its order: the locale id (?lang=), the <html lang> a
// page in it has (やさしい日本語 is Japanese to the browser: lang="ja", src/core/i18n.cc) and
// the name it is listed under (lang.self in locales/<id>/common.json).
export const LOCALES = ['ja', 'ja-easy', 'en', 'zh-Hans', 'ko'].map((id) => ({
  id,
  lang: id === 'ja-easy' ? 'ja' : id,
  name: JSON.parse(readFileSync(path.join(repo, 'locales', id, 'common.json'), 'utf8'))['lang.self'],
}));

// Pages whose language links are known to fail a part of the check, each with its reason
// (printed in the report; remove the entry when fixed). query: a RegExp on path + query.
const LANG_LINK_EXCEPTIONS = [];

// What makes a page the same page in every language, from a Document (the live one, or the
// HTML text a language link answered, parsed): its forms (method and action), its controls
// with their names and the values the server put in (attributes, not what was typed since),
// the ids of <main>'s elements and any data-status; and which language it is in.
function pageSignature(html) {
  const doc = html === null ? document : new DOMParser().parseFromString(html, 'text/html');
  const main = doc.querySelector('main') || doc.body;
  const current = doc.querySelector('.m-lang span[aria-current]')?.parentElement;
  const ids = ['ja', 'ja-easy', 'en', 'zh-Hans', 'ko'];
  const value = (e) => {
    const t = e.tagName.toLowerCase(); const type = (e.getAttribute('type') || '').toLowerCase();
    if (e.getAttribute('name') === 'csrf') return '(csrf)';
    if (type === 'radio' || type === 'checkbox') return `${e.getAttribute('value')}${e.hasAttribute('checked') ? ' checked' : ''}`;
    if (t === 'select') { const o = e.querySelector('option[selected]') || e.querySelector('option'); return o ? (o.getAttribute('value') ?? o.textContent) : ''; }
    if (t === 'textarea') return e.textContent;
    return e.getAttribute('value') ?? '';
  };
  // The access code is shown once (src/web/form_pages.cc receipt_page): any later fetch of the
  // receipt page says so instead. Our script adds a counter under textareas and a live region
  // for announcements (static/madoguchi.js), with ids the served page lacks.
  const volatile = /^(access-code|access-code-shown|m-announcer)$|-counter$/;
  const controls = [...main.querySelectorAll('input, select, textarea, button')];
  return {
    lang: doc.documentElement.getAttribute('lang'),
    current: current ? ids[[...current.parentElement.children].indexOf(current)] : null,
    errors: !!main.querySelector('.m-error-summary'),
    forms: [...main.querySelectorAll('form')].map((f) => `${(f.getAttribute('method') || 'get').toLowerCase()} ${f.getAttribute('action')}`),
    controls: controls.map((e) => `${e.tagName.toLowerCase()} ${e.getAttribute('name') || ''}=${value(e)}`),
    controlNames: controls.map((e) => `${e.tagName.toLowerCase()} ${e.getAttribute('name') || ''}`),
    status: [...main.querySelectorAll('[data-status]')].map((e) => e.getAttribute('data-status')),
    ids: [...main.querySelectorAll('[id]')].map((e) => e.id).filter((id) => !volatile.test(id)),
  };
}

export const screenshotDir = path.join(repo, 'e2e', 'screenshots');
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

// A browser context (its own cookies) with one page and its auditor.
// options: width (1280 or 360), javaScriptEnabled, name (used in screenshot file names).
export async function openPage(browser, { width = 1280, javaScriptEnabled = true, name = 'page' } = {}) {
  const context = await browser.newContext({
    viewport: { width, height: width <= 480 ? 740 : 900 },
    locale: 'ja-JP',
    javaScriptEnabled,
    // The server's CSP stays in force: axe is evaluated through the DevTools protocol, which
    // the CSP does not govern, so our own scripts are still held to script-src 'self'.
    bypassCSP: false,
  });
  context.setDefaultTimeout(30_000);
  const page = await context.newPage();
  const auditor = new Auditor(page, { width, name, javaScriptEnabled });
  return { context, page, auditor };
}

function formatViolations(url, violations) {
  const lines = [`axe: ${violations.length} violation(s) on ${url}`];
  for (const v of violations) {
    lines.push(`- [${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})`);
    for (const n of v.nodes.slice(0, 8)) {
      lines.push(`    at ${n.target.join(' ')}`);
      lines.push(`       ${n.html.replace(/\s+/g, ' ').slice(0, 200)}`);
      if (n.failureSummary) lines.push(`       ${n.failureSummary.replace(/\n/g, ' / ')}`);
    }
    if (v.nodes.length > 8) lines.push(`    … and ${v.nodes.length - 8} more`);
  }
  return lines.join('\n');
}

export class Auditor {
  constructor(page, { width, name, javaScriptEnabled }) {
    this.page = page;
    this.width = width;
    this.name = name;
    this.javaScriptEnabled = javaScriptEnabled;
    this.expectedLang = null;  // set by the journey: 'ja', 'en', ...
    this.navigations = [];     // every document the page loaded
    this.audited = new Set();  // indexes into navigations
    this.consoleErrors = [];
    this.log = [];             // one line per audited page, for the report
    this.langFollowed = new Set();  // paths whose language links were followed
    this.langMillis = 0;            // time spent following them
    this.exceptionsSeen = new Set();  // pages where LANG_LINK_EXCEPTIONS applied (reported)
    // One entry per document loaded (a jump to #fragment loads none).
    page.on('domcontentloaded', () => this.navigations.push(page.url()));
    page.on('console', (msg) => {
      // A postal code the table does not know answers 404 (GET /postal/{code}), an expected
      // answer the address script handles; Chromium still logs it as a failed resource.
      if (msg.type() === 'error' && /\/postal\/\d{7}$/.test(msg.location()?.url || '')) return;
      if (msg.type() === 'error') this.consoleErrors.push(`${page.url()}: ${msg.text()}`);
    });
    page.on('pageerror', (err) => this.consoleErrors.push(`${page.url()}: ${err.message}`));
  }

  // Runs every check on the page now shown. label names the page in messages; shot (a file
  // name stem) also saves a full-page screenshot.
  async check(label, { shot = null } = {}) {
    const page = this.page;
    await page.waitForLoadState('load');
    const url = page.url();
    const problems = [];

    const result = await this.axe();
    if (result.length) problems.push(formatViolations(url, result));

    const layout = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      clientWidth: document.documentElement.clientWidth,
      lang: document.documentElement.lang,
      title: document.title,
      h1: document.querySelectorAll('h1').length,
    }));
    if (layout.scrollWidth > this.width) {
      const wide = await page.evaluate((w) => [...document.querySelectorAll('body *')]
        .filter((e) => e.getBoundingClientRect().right > w + 0.5)
        .slice(0, 5).map((e) => `${e.tagName.toLowerCase()}.${e.className} right=${Math.round(e.getBoundingClientRect().right)}`), this.width);
      problems.push(`horizontal scrolling at ${this.width}px: scrollWidth ${layout.scrollWidth} (${wide.join('; ')})`);
    }
    problems.push(...await this.formStructure());
    problems.push(...await this.readable());
    problems.push(...await this.touchTargets());
    problems.push(...await this.languageSwitch(url));
    // On a page in a language other than Japanese, Japanese text (a procedure text that fell
    // back to ja) must carry lang="ja", or screen readers read it with the wrong voice. What
    // people typed (names, addresses) and names of people are content, not UI: exempt.
    if (this.expectedLang && this.expectedLang !== 'ja') {
      const unmarked = await page.evaluate((lang) => {
        const out = [];
        const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        // Chinese is written in Han characters too: there only kana tell Japanese text apart.
        const jp = lang === 'zh-Hans' ? /[\u3040-\u30ff]/ : /[\u3040-\u30ff\u3400-\u9fff]/;
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
          // Known exception, reported: dates are written the Japanese way on every locale and
          // not marked lang="ja" (format_both in src/web, the date display under date fields:
          // 「2026年12月15日(令和8年12月15日)」).
          if (!jp.test(n.data.replace(/(明治|大正|昭和|平成|令和)?(\d+|元)年\d+月\d+日/g, ''))) continue;
          const el = n.parentElement;
          if (el.closest('.m-summary dd, .m-history, .m-message, .m-file__name, option, script, style')) continue;
          if (el.closest('[lang]') !== document.documentElement) continue;  // marked with some language
          out.push(`<${el.tagName.toLowerCase()}${el.className ? ' class=' + el.className : ''}> ${n.data.trim().slice(0, 60)}`);
        }
        return out;
      }, this.expectedLang);
      if (unmarked.length) problems.push(`Japanese text without lang="ja":\n  ${unmarked.slice(0, 10).join('\n  ')}`);
    }
    if (this.expectedLang && layout.lang !== this.expectedLang) {
      problems.push(`<html lang="${layout.lang}">, expected "${this.expectedLang}"`);
    }
    if (layout.h1 !== 1) problems.push(`${layout.h1} <h1> elements, expected 1`);
    if (!layout.title.trim()) problems.push('empty <title>');
    if (this.consoleErrors.length) {
      problems.push(`console errors:\n  ${this.consoleErrors.join('\n  ')}`);
      this.consoleErrors = [];
    }

    if (shot) await this.screenshot(shot);
    this.audited.add(this.navigations.length - 1);
    this.log.push(`${label}: ${result.length} axe violations (${new URL(url).pathname})`);
    // E2E_COLLECT=1 (by hand, never in CI): print every page's problems and go on, to see
    // them all in one run instead of one failure at a time.
    if (problems.length && process.env.E2E_COLLECT) console.error(`COLLECT ${this.width} ${label} ${url}\n${problems.join('\n')}`);
    else if (problems.length) throw new Error(`page "${label}" (${url}) failed its checks:\n${problems.join('\n')}`);
  }

  // GOV.UK's form patterns, as structure: every hint and error message is read with its field
  // (its id is in the field's aria-describedby), every aria-describedby names an element that
  // exists, every radio and checkbox sits in a fieldset whose legend asks the question, and an
  // error summary comes before the form, with a link per message whose target exists.
  async formStructure() {
    return this.page.evaluate(() => {
      const out = [];
      const main = document.querySelector('main');
      if (!main) return ['no <main>'];
      const described = new Set();
      for (const e of document.querySelectorAll('[aria-describedby]')) {
        for (const id of e.getAttribute('aria-describedby').split(/\s+/).filter(Boolean)) {
          described.add(id);
          if (!document.getElementById(id)) out.push(`aria-describedby of ${e.tagName.toLowerCase()}#${e.id} names a missing #${id}`);
        }
      }
      for (const e of main.querySelectorAll('.m-hint, .m-error-message')) {
        if (!e.id) out.push(`a ${e.className} without an id (a field cannot point to it)`);
        else if (!described.has(e.id)) out.push(`#${e.id} (${e.className}) is not in any field's aria-describedby`);
      }
      for (const e of main.querySelectorAll('input[type=radio], input[type=checkbox]')) {
        const legend = e.closest('fieldset')?.querySelector(':scope > legend');
        if (!legend || !legend.textContent.trim()) out.push(`${e.type} ${e.name} is not in a fieldset with a legend`);
      }
      const summary = main.querySelector('.m-error-summary');
      const messages = main.querySelectorAll('.m-error-message');
      if (messages.length && !summary) out.push(`${messages.length} error messages and no error summary`);
      if (summary) {
        const first = main.querySelector('form');
        if (first && !(summary.compareDocumentPosition(first) & Node.DOCUMENT_POSITION_FOLLOWING)) out.push('the error summary is not before the form');
        const links = [...summary.querySelectorAll('a[href^="#"]')];
        if (links.length < messages.length) out.push(`${messages.length} error messages but ${links.length} links in the summary`);
        for (const a of links) {
          if (!document.getElementById(decodeURIComponent(a.getAttribute('href').slice(1)))) out.push(`error summary link ${a.getAttribute('href')} has no target`);
        }
      }
      return out;
    });
  }

  // Text size: every piece of visible text in <main> — and the body-text elements p, li, dt, dd,
  // td, th, label, legend, input, select, textarea, button, a, summary — is at least 16 px.
  // The one exception: ruby readings (<rt>, 0.6 em over 16 px kanji, やさしい日本語), which
  // annotate text that is itself 16 px.
  async readable() {
    const small = await this.page.evaluate(() => {
      const out = [];
      const shown = (e) => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0 && getComputedStyle(e).visibility !== 'hidden'; };
      const tooSmall = (e) => parseFloat(getComputedStyle(e).fontSize) < 15.95;
      const name = (e) => `${e.tagName.toLowerCase()}${e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\s+/).join('.') : ''}`;
      const main = document.querySelector('main');
      if (!main) return ['no <main>'];
      for (const e of main.querySelectorAll('p, li, dt, dd, td, th, label, legend, input:not([type=hidden]), select, textarea, button, a, summary')) {
        if (shown(e) && !e.closest('.m-visually-hidden') && tooSmall(e)) out.push(`${name(e)} ${getComputedStyle(e).fontSize} "${e.textContent.trim().slice(0, 20)}"`);
      }
      const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const el = n.parentElement;
        if (!n.data.trim() || el.closest('rt, rp, script, style, template, .m-visually-hidden') || !shown(el)) continue;
        if (tooSmall(el)) out.push(`${name(el)} ${getComputedStyle(el).fontSize} "${n.data.trim().slice(0, 20)}"`);
      }
      return [...new Set(out)];
    });
    return small.length ? [`text under 16 px: ${small.slice(0, 10).join(', ')}`] : [];
  }

  // Touch targets (WCAG 2.5.5, the 44 px): every link, button, select, textarea,
  // input and <summary> is at least 44 × 44 CSS px; a radio or checkbox counts with its label
  // row (.m-choice__item). The skip link counts only while it is shown (focused). Exceptions,
  // as WCAG 2.5.5 makes them:
  // - inline: a link inside a sentence or block of text (its block holds other text too), e.g.
  //   the footer's or a hint's links, or an attachment link followed by "(image/png, 1 KB)".
  async touchTargets() {
    const small = await this.page.evaluate(() => {
      const out = [];
      const visible = (e) => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0 && getComputedStyle(e).visibility !== 'hidden'; };
      // The nearest ancestor that is not laid out inline: the block the target sits in.
      const blockOf = (e) => {
        let b = e.parentElement;
        while (b && b !== document.body && /^inline(?!-block|-flex|-grid)/.test(getComputedStyle(b).display)) b = b.parentElement;
        return b || document.body;
      };
      const text = (e) => e.textContent.replace(/\s+/g, '');
      // Inline: the block holds text besides the target (punctuation and brackets alone do not
      // make a sentence).
      const inline = (e) => {
        const b = blockOf(e);
        const rest = text(b).replace(text(e), '');
        return /[^\s.,:;!?、。・()()「」【】\[\]\-–—]/u.test(rest);
      };
      const targets = document.querySelectorAll('a[href], button, select, textarea, input:not([type=hidden]), summary');
      for (const e of targets) {
        if (!visible(e) || e.closest('.m-visually-hidden')) continue;
        if (e.classList.contains('m-skip') && document.activeElement !== e) continue;
        if (e.tagName === 'A' && inline(e)) continue;
        const box = (e.type === 'radio' || e.type === 'checkbox') ? (e.closest('.m-choice__item, label') || e) : e;
        const r = box.getBoundingClientRect();
        if (r.height < 43.5 || r.width < 43.5) {
          out.push(`${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}${e.name ? '[name=' + e.name + ']' : ''}${e.getAttribute('href') ? '[href=' + e.getAttribute('href') + ']' : ''} "${(e.innerText || e.value || '').trim().slice(0, 20)}" ${Math.round(r.width)}×${Math.round(r.height)}`);
        }
      }
      return out;
    });
    return small.length ? [`touch targets under 44 px: ${small.slice(0, 10).join(', ')}`] : [];
  }

  // The language switch (.m-lang): five entries in LOCALES order, the page's own language as
  // <span aria-current> and the other four as links marked with their language (lang and
  // hreflang), each pointing at this page (same path and query, plus ?lang=). On the first
  // visit of each path, each link is followed with a copy of the visitor's cookies (so the
  // journey's own language does not change): it must answer 200 with the same page (same
  // forms, the same controls with the same saved values, the same element ids and data-status)
  // in the chosen language (<html lang>, and the switch marking it current); and the choice
  // must be kept: the home page, fetched next with the cookies the switch set, is in it too.
  async languageSwitch(url) {
    const problems = [];
    const here = new URL(url);
    const items = await this.page.evaluate(() => [...document.querySelectorAll('.m-lang li')].map((li) => {
      const e = li.firstElementChild;
      return e && { tag: e.tagName.toLowerCase(), current: e.getAttribute('aria-current'), lang: e.getAttribute('lang'),
        hreflang: e.getAttribute('hreflang'), href: e.tagName === 'A' ? e.href : null, text: e.textContent.trim() };
    }));
    const htmlLang = await this.page.evaluate(() => document.documentElement.lang);
    if (items.length !== LOCALES.length) {
      return [`${items.length} entries in the language switch, expected ${LOCALES.length}`];
    }
    const current = items.findIndex((e) => e?.tag === 'span');
    const links = [];
    items.forEach((e, i) => {
      const loc = LOCALES[i];
      if (!e) { problems.push(`language switch entry ${i} is empty`); return; }
      if (e.text !== loc.name) problems.push(`language switch entry ${i} says "${e.text}", expected "${loc.name}"`);
      if (e.lang !== loc.lang) problems.push(`language switch entry "${loc.name}" has lang="${e.lang}", expected "${loc.lang}"`);
      if (i === current) {
        if (e.current !== 'true') problems.push(`the current language "${loc.name}" lacks aria-current`);
        if (loc.lang !== htmlLang) problems.push(`the switch marks "${loc.name}" current on a page with <html lang="${htmlLang}">`);
        return;
      }
      if (e.tag !== 'a') { problems.push(`language switch entry "${loc.name}" is a <${e.tag}>, not a link`); return; }
      if (e.hreflang !== loc.lang) problems.push(`language link "${loc.name}" has hreflang="${e.hreflang}", expected "${loc.lang}"`);
      const to = new URL(e.href);
      if (to.searchParams.get('lang') !== loc.id) problems.push(`language link "${loc.name}" is ${e.href}, without ?lang=${loc.id}`);
      if (to.origin !== here.origin || to.pathname !== here.pathname) {
        problems.push(`language link "${loc.name}" leaves the page: ${to.pathname} (here ${here.pathname})`);
      }
      const query = (u) => { const q = new URLSearchParams(u.search); q.delete('lang'); q.sort(); return q.toString(); };
      if (query(to) !== query(here)) {
        const known = LANG_LINK_EXCEPTIONS.find((x) => x.query && x.query.test(here.pathname + here.search));
        if (known && !this.exceptionsSeen.has(here.href)) {
          this.exceptionsSeen.add(here.href);
          this.log.push(`known exception on ${here.pathname}${here.search}: ${known.reason}`);
        }
        else problems.push(`language link "${loc.name}" drops the query: ${to.search} (here ${here.search})`);
      }
      links.push({ ...loc, href: e.href });
    });
    if (current < 0) problems.push('no language marked current (<span aria-current>) in the switch');
    if (problems.length || this.langFollowed.has(here.pathname)) return problems;
    this.langFollowed.add(here.pathname);

    const started = Date.now();
    const mine = await this.page.evaluate(pageSignature, null);
    const state = await this.page.context().storageState();
    for (const loc of links) {
      const req = await request.newContext({ storageState: state });
      try {
        const r = await req.get(loc.href, { maxRedirects: 0 });
        if (r.status() !== 200) { problems.push(`language link ${loc.href} answers ${r.status()}`); continue; }
        const theirs = await this.page.evaluate(pageSignature, await r.text());
        const said = `after the language link "${loc.name}" (${loc.href})`;
        if (theirs.lang !== loc.lang) problems.push(`${said}: <html lang="${theirs.lang}">, expected "${loc.lang}"`);
        if (theirs.current !== loc.id) problems.push(`${said}: the switch marks ${theirs.current} current, expected ${loc.id}`);
        // A page shown after a failed post holds what was posted; a GET shows what was saved:
        // the same fields, but the values may differ (the draft is saved on Next).
        const keys = mine.errors ? ['forms', 'controlNames', 'status'] : ['forms', 'controls', 'status'];
        for (const k of keys) {
          const a = JSON.stringify(mine[k]); const b = JSON.stringify(theirs[k]);
          if (a !== b) problems.push(`${said}: not the same page (${k}: ${b.slice(0, 300)}, here ${a.slice(0, 300)})`);
        }
        // (After a failed post the page also holds the error summary and messages.)
        const lost = theirs.ids.filter((id) => !mine.ids.includes(id));
        const missing = mine.errors ? [] : mine.ids.filter((id) => !theirs.ids.includes(id));
        if (lost.length || missing.length) problems.push(`${said}: not the same page (ids only there: ${lost.join(' ')}; ids only here: ${missing.join(' ')})`);
        // The choice is kept: the next page (home) comes in the chosen language.
        const next = await req.get(new URL('/', url).href, { maxRedirects: 0 });
        const home = await this.page.evaluate(pageSignature, await next.text());
        if (next.status() !== 200 || home.lang !== loc.lang || home.current !== loc.id) {
          problems.push(`${said}, the home page answers ${next.status()} in <html lang="${home.lang}">, current ${home.current}: the choice of ${loc.id} is not kept`);
        }
      } finally { await req.dispose(); }
    }
    this.langMillis += Date.now() - started;
    this.log.push(`  language links of ${here.pathname} followed: ${links.length} in ${Date.now() - started} ms`);
    return problems;
  }

  // axe-core, evaluated afresh in each document. With JavaScript disabled the page's timers
  // never fire and axe.run would wait for ever, so the page's DOM as it is (page.content())
  // is checked in a JavaScript-enabled twin: same URL, same stylesheets from the server, our
  // own script blocked so that the DOM stays the one a no-JavaScript visitor gets.
  async axe() {
    let target = this.page;
    if (!this.javaScriptEnabled) {
      const html = await this.page.content();
      const url = this.page.url().split('#')[0];
      if (!this.twin) {
        const ctx = await this.page.context().browser().newContext({ viewport: this.page.viewportSize(), locale: 'ja-JP' });
        this.twin = await ctx.newPage();
        await this.twin.route('**/static/*.js', (route) => route.abort());
      }
      const handler = (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html });
      await this.twin.route(url, handler);
      await this.twin.goto(url);
      await this.twin.unroute(url, handler);
      target = this.twin;
    }
    const hasAxe = await target.evaluate(() => typeof window.axe !== 'undefined');
    if (!hasAxe) await target.evaluate(axeSource);
    return target.evaluate(async (tags) => {
      const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error('axe.run took over 60 s')), 60_000));
      // eslint-disable-next-line no-undef
      const r = await Promise.race([axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }), timeout]);
      return r.violations.map((v) => ({
        id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
        nodes: v.nodes.map((n) => ({ target: n.target, html: n.html, failureSummary: n.failureSummary })),
      }));
    }, AXE_TAGS);
  }

  async close() {
    if (this.twin) await this.twin.context().close();
  }

  async screenshot(stem) {
    mkdirSync(screenshotDir, { recursive: true });
    const file = path.join(screenshotDir, `${stem}-${this.width}.png`);
    await this.page.screenshot({ path: file, fullPage: true });
    return file;
  }

  // Every document the page loaded was checked (redirects never load a document).
  assertEveryPageChecked() {
    const missed = this.navigations.filter((u, i) => !this.audited.has(i) && u !== 'about:blank');
    if (missed.length) throw new Error(`pages visited but not checked:\n  ${missed.join('\n  ')}`);
  }
}

// Records what the journeys saw, for the summary printed at the end of a test file.
export function writeReport(name, lines) {
  mkdirSync(screenshotDir, { recursive: true });
  writeFileSync(path.join(screenshotDir, `${name}.log`), lines.join('\n') + '\n');
}

// A 1×1 PNG (the same bytes the C++ integration tests attach).
export const TINY_PNG = Buffer.from(
  '89504e470d0a1a0a0000000d4948445200000001000000010806000000' +
  '1f15c4890000000d4944415478da6364f8cf500f0003860180' +
  '5a347d6b0000000049454e44ae426082', 'hex');
