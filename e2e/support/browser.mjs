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

// Pages whose language links are known to fail, each with its reason (reported; remove the
// entry when fixed).
const LANG_LINK_EXCEPTIONS = [];

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
    // Touch targets: controls and navigation links at least 44 × 44 px (a radio or checkbox
    // counts with its label row). Links inside running text are exempt, as WCAG exempts them.
    const small = await page.evaluate(() => {
      const out = [];
      const visible = (e) => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0 && getComputedStyle(e).visibility !== 'hidden'; };
      const targets = document.querySelectorAll('button, select, textarea, input:not([type=hidden]), .m-header a, .m-lang a, .m-chips a, a.m-button, .m-skip');
      for (const e of targets) {
        if (!visible(e) || (e.classList.contains('m-skip') && document.activeElement !== e)) continue;
        const box = (e.type === 'radio' || e.type === 'checkbox') ? (e.closest('.m-choice__item, label') || e) : e;
        const r = box.getBoundingClientRect();
        if (r.height < 43.5 || r.width < 43.5) {
          out.push(`${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}${e.name ? '[name=' + e.name + ']' : ''} "${(e.innerText || e.value || '').trim().slice(0, 20)}" ${Math.round(r.width)}×${Math.round(r.height)}`);
        }
      }
      return out;
    });
    if (small.length) problems.push(`touch targets under 44 px: ${small.slice(0, 10).join(', ')}`);
    // The language switch keeps the resident on the same page.
    const langLinks = await page.evaluate(() => [...document.querySelectorAll('.m-lang a')].map((a) => new URL(a.href).pathname));
    const here = new URL(url).pathname;
    if (langLinks.some((p) => p !== here)) problems.push(`language links leave the page: ${langLinks.join(' ')} (here ${here})`);
    // ... and answer a GET (with a copy of the visitor's cookies, so the switch does not change
    // the language of the journey itself).
    const link = await page.evaluate(() => document.querySelector('.m-lang a')?.href);
    if (link && !LANG_LINK_EXCEPTIONS.some((e) => e.path.test(here))) {
      const req = await request.newContext({ storageState: await page.context().storageState() });
      try {
        const r = await req.get(link, { maxRedirects: 0 });
        if (r.status() !== 200) problems.push(`language link ${link} answers ${r.status()}`);
      } finally { await req.dispose(); }
    }
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
    if (problems.length) throw new Error(`page "${label}" (${url}) failed its checks:\n${problems.join('\n')}`);
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
