// Keyboard-only driving: Tab, Shift+Tab, Enter, Space and typing — plus the arrow keys where
// the platform defines them as the way to choose (a radio group is one Tab stop whose options
// are chosen with the arrows; a closed <select> likewise). After every key that moves focus
// the focused element must show a focus indicator: an outline of 2 px or more, or a box-shadow.
import assert from 'node:assert/strict';

export async function focusInfo(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return { tag: 'body' };
    const cs = getComputedStyle(el);
    const r = el.getBoundingClientRect();
    return {
      tag: el.tagName.toLowerCase(), type: el.type || '', name: el.getAttribute('name') || '', id: el.id,
      value: 'value' in el ? el.value : '', checked: !!el.checked, href: el.getAttribute('href') || '',
      text: (el.innerText || '').trim().slice(0, 40),
      outline: cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 2,
      shadow: cs.boxShadow && cs.boxShadow !== 'none',
      inView: r.bottom > 0 && r.top < window.innerHeight && r.right > 0 && r.left < window.innerWidth,
      describe: `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${el.getAttribute('name') ? '[name=' + el.getAttribute('name') + ']' : ''}${el.className ? '.' + String(el.className).split(' ').join('.') : ''}`,
    };
  });
}

export class Keyboard {
  constructor(page) {
    this.page = page;
    this.presses = 0;
    this.stops = 0;  // focus stops checked for a visible indicator
    // Playwright asks the browser to intercept file choosers only once someone listens, and
    // does not wait for the browser to agree: a waitForEvent('filechooser') set up just before
    // the key press raced it, and under CI load the dialog opened uncaught (a 30 s timeout).
    // Listening from the start gives the request every page before the upload to land.
    page.on('filechooser', () => {});
  }

  async press(key) {
    this.presses++;
    await this.page.keyboard.press(key);
  }

  async assertFocusVisible(where) {
    const f = await focusInfo(this.page);
    if (f.tag === 'body') return f;
    this.stops++;
    assert.ok(f.outline || f.shadow, `focus not visible on ${f.describe} (${where})`);
    assert.ok(f.inView, `focused ${f.describe} is off screen (${where})`);
    return f;
  }

  // Tab (or Shift+Tab) until `match(focusInfo)`; checks the indicator at every stop.
  async tabTo(match, what, { back = false, max = 150 } = {}) {
    for (let i = 0; i < max; ++i) {
      await this.press(back ? 'Shift+Tab' : 'Tab');
      const f = await this.assertFocusVisible(what);
      if (f.tag !== 'body' && match(f)) return f;
    }
    throw new Error(`${what}: not reached with ${back ? 'Shift+Tab' : 'Tab'} in ${max} presses`);
  }

  // Enter (or Space) on the focused element, waiting for the next page.
  async activate(key = 'Enter') {
    await Promise.all([this.page.waitForEvent('load'), this.press(key)]);
  }

  // Space on the focused file input opens its chooser. A second Space if none came within
  // 10 s: a chooser still has to open from the keyboard, but one lost to a slow browser under
  // load does not fail the journey.
  async openFileChooser() {
    for (let attempt = 1; ; ++attempt) {
      try {
        const [chooser] = await Promise.all([
          this.page.waitForEvent('filechooser', { timeout: 10000 }), this.press('Space')]);
        return chooser;
      } catch (e) {
        if (attempt === 2 || e.name !== 'TimeoutError') throw e;
        console.warn('no file chooser 10 s after Space; pressing Space again');
      }
    }
  }

  // The skip link is the first stop and is visible when focused; following it starts the
  // next Tab in <main>.
  async skipToMain() {
    // Focus the body for a moment rather than only blurring: after a change in the page (a row
    // added by the script) Chromium would start the next Tab from where focus was.
    await this.page.evaluate(() => {
      document.activeElement?.blur();
      const body = document.body;
      body.setAttribute('tabindex', '-1');
      body.focus();
      body.removeAttribute('tabindex');
      window.scrollTo(0, 0);
    });
    const f = await this.tabTo((x) => x.href === '#main', 'skip link', { max: 3 });
    assert.ok(f.inView, 'the skip link shows when focused');
    await this.press('Enter');
  }

  // Fills the current form page from `answers` ([name, value] pairs) with the keyboard,
  // attaching files through the file chooser that Space opens, then presses Next.
  // `button` names the button to press at the end: Next, or e.g. "add:children"; navigates:
  // false when that button works in the page (Add with JavaScript) and loads no document.
  async fillPageAndNext(answers, files = {}, beforeNext = null, button = 'next', { navigates = true } = {}) {
    const page = this.page;
    const want = new Map();
    for (const [name, value] of answers) {
      if (!want.has(name)) want.set(name, []);
      want.get(name).push(value);
    }
    await this.skipToMain();
    const done = new Set();
    for (let i = 0; i < 250; ++i) {
      await this.press('Tab');
      const f = await this.assertFocusVisible(page.url());
      if (f.tag === 'button' && f.value === button) {
        if (beforeNext) await beforeNext();
        // Shift+Tab and Tab again come back to Next, focus visible both ways.
        await this.press('Shift+Tab');
        await this.assertFocusVisible('Shift+Tab from Next');
        await this.press('Tab');
        const again = await this.assertFocusVisible('Tab back to Next');
        assert.equal(again.value, button);
        if (navigates) await this.activate('Enter');
        else await this.press('Enter');
        return;
      }
      const key = `${f.name}=${f.value}`;
      if (f.type === 'file' && files[f.name] && !done.has(f.name)) {
        await (await this.openFileChooser()).setFiles(files[f.name]);
        done.add(f.name);
        continue;
      }
      const values = want.get(f.name);
      if (!values) continue;
      if (f.type === 'radio') {
        if (done.has(f.name)) continue;
        if (f.value !== values[0] || !f.checked) {
          // Space checks the first option; the arrows move to the wanted one.
          if (!f.checked) await this.press('Space');
          for (let n = 0; n < 12; ++n) {
            const now = await focusInfo(page);
            if (now.value === values[0] && now.checked) break;
            await this.press('ArrowDown');
            await this.assertFocusVisible(`${f.name} options`);
          }
          const now = await focusInfo(page);
          assert.equal(now.value, values[0], `${f.name}: option ${values[0]} chosen`);
        }
        done.add(f.name);
      } else if (f.type === 'checkbox') {
        if (values.includes(f.value) && !f.checked && !done.has(key)) await this.press('Space');
        done.add(key);
      } else if (f.tag === 'select') {
        if (done.has(f.name)) continue;
        for (let n = 0; n < 60 && (await focusInfo(page)).value !== values[0]; ++n) await this.press('ArrowDown');
        assert.equal((await focusInfo(page)).value, values[0], `${f.name} chosen`);
        done.add(f.name);
      } else if (f.tag === 'input' || f.tag === 'textarea') {
        if (done.has(f.name)) continue;
        if (f.value) {  // a value already there (filled in from the profile) is deleted first
          await this.press('End');
          for (let n = [...f.value].length; n > 0; --n) await this.press('Backspace');
        }
        await page.keyboard.type(values[0]);
        done.add(f.name);
      }
    }
    throw new Error(`no ${button} button reached on ${page.url()}`);
  }
}
