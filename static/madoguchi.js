// Madoguchi's small progressive enhancements. Every page works without this file; it is
// loaded with <script src defer> (the CSP allows script-src 'self' only, so nothing inline).
//  1. A character counter under each textarea with data-m-maxlength (the server still checks
//     the length and reports the count; the counter only tells it while typing). Its text is
//     numbers only ("12 / 800"), so it needs no strings of its own in any language.
//  2. Fields that depend on an answer on the same page (data-m-condition, rendered by the
//     server for progressive enhancement) are hidden while the condition does not hold.
//     Without JavaScript they are shown, with a hint that says when to fill them in.
//  3. Repeating groups: Add and Remove without a round trip. A new row is cloned from the
//     server-rendered <template> (labels, hints and ids from the definition and the locale),
//     its __row__ / __n__ placeholders replaced; rows stay numbered 0..n-1 as the server
//     numbers them, so what is posted is exactly what the round trip would have produced.
//     Without JavaScript the buttons post the page and the server adds or removes the row.
//  4. Postal code → address: when a postal code part holds 7 digits (全角 digits and any
//     dash accepted), GET /postal/{code} and fill 都道府県・市区町村・町域 if they are empty or
//     still hold what we filled before — never over what the resident typed.
//  5. Session timeout: a warning (role="alert", focused) a few minutes before the session
//     ends, whose button extends it (POST /session/extend with the CSRF token).
// Every text shown comes from the page (locales/ rendered by the server into data-* attributes
// and <template>s); this file holds none.
(function () {
  'use strict';
  if (!document.querySelector || !window.addEventListener) return;

  // --- 1. character counter -----------------------------------------------------------
  // Counted as the server counts: Unicode code points, line breaks as one.
  function length(text) {
    var n = 0;
    var s = text.replace(/\r\n/g, '\n');
    for (var i = 0; i < s.length; i++) {
      var c = s.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) i++;
      n++;
    }
    return n;
  }

  function addCounter(area) {
    var max = parseInt(area.getAttribute('data-m-maxlength'), 10);
    if (!(max > 0) || !area.id) return;
    var counter = document.createElement('p');
    counter.className = 'm-counter';
    counter.id = area.id + '-counter';
    // What is shown updates at once; what a screen reader hears updates after a pause in
    // typing, so it does not read out every keystroke.
    var shown = document.createElement('span');
    shown.setAttribute('aria-hidden', 'true');
    var spoken = document.createElement('span');
    spoken.className = 'm-visually-hidden';
    spoken.setAttribute('aria-live', 'polite');
    counter.appendChild(shown);
    counter.appendChild(spoken);
    area.insertAdjacentElement('afterend', counter);
    var describedby = area.getAttribute('aria-describedby');
    area.setAttribute('aria-describedby', (describedby ? describedby + ' ' : '') + counter.id);

    var timer = null;
    function update(speak) {
      var n = length(area.value);
      var text = n + ' / ' + max;
      shown.textContent = text;
      counter.classList.toggle('m-counter--over', n > max);
      if (timer) clearTimeout(timer);
      if (speak) timer = setTimeout(function () { spoken.textContent = text; }, 1000);
    }
    area.addEventListener('input', function () { update(true); });
    update(false);
  }

  // --- 2. conditional fields -------------------------------------------------------------
  function values(form, name) {
    var out = [];
    var els = form.querySelectorAll('[name]');
    for (var i = 0; i < els.length; i++) {
      var el = els[i];
      if (el.name !== name) continue;
      if ((el.type === 'radio' || el.type === 'checkbox') && !el.checked) continue;
      if (el.value !== '') out.push(el.value);
    }
    return out;
  }

  function holds(form, cond) {
    if (!cond || typeof cond !== 'object') return true;
    if (cond.all) return cond.all.every(function (c) { return holds(form, c); });
    if (cond.any) return cond.any.some(function (c) { return holds(form, c); });
    if (cond.not) return !holds(form, cond.not);
    if (!cond.field) return true;
    // A field answered on another page is not in this form: the server decided that part
    // already (the field is shown), so it counts as holding.
    if (!form.querySelector('[name="' + cond.field.replace(/["\\]/g, '') + '"]')) return true;
    var v = values(form, cond.field);
    if ('equals' in cond) return v.indexOf(String(cond.equals)) >= 0;
    if ('one_of' in cond) return cond.one_of.some(function (x) { return v.indexOf(String(x)) >= 0; });
    if ('not_empty' in cond) return cond.not_empty ? v.length > 0 : v.length === 0;
    return true;
  }

  // Looked up afresh each time: rows added or renumbered by the group enhancement bring
  // their own conditions.
  function applyConditions(form) {
    var dependents = form.querySelectorAll('[data-m-condition]');
    for (var i = 0; i < dependents.length; i++) {
      var el = dependents[i];
      var cond;
      try { cond = JSON.parse(el.getAttribute('data-m-condition')); } catch (e) { continue; }  // an unknown shape stays shown
      // A field holding an error stays visible whatever the answers, so the message is seen.
      var keep = el.querySelector('[aria-invalid="true"]');
      if (holds(form, cond) || keep) el.removeAttribute('data-m-hidden');
      else el.setAttribute('data-m-hidden', '');
    }
  }

  function setupConditions(form) {
    if (!form.querySelector('[data-m-condition]') && !form.querySelector('template.m-group__template')) return;
    form.addEventListener('change', function () { applyConditions(form); });
    applyConditions(form);
  }

  // --- polite announcements ------------------------------------------------------------
  // One live region inside <main> (so its text is inside a landmark), filled after a short
  // pause so that the same message twice is read twice.
  var liveRegion = null;
  function announce(text) {
    if (!text) return;
    if (!liveRegion) {
      liveRegion = document.createElement('div');
      liveRegion.className = 'm-visually-hidden';
      liveRegion.setAttribute('aria-live', 'polite');
      liveRegion.id = 'm-announcer';
      (document.querySelector('main') || document.body).appendChild(liveRegion);
    }
    liveRegion.textContent = '';
    setTimeout(function () { liveRegion.textContent = text; }, 100);
  }

  // A submit button clicked by implicit submission (Enter in a text field) rather than by
  // the resident: the browser "clicks" the form's first submit button, which on a group page
  // is an Add or Remove button. The resident meant to go on, so send the form with Next.
  function implicitSubmission(e, button) {
    return e.detail === 0 && document.activeElement !== button;
  }
  function submitWithNext(form) {
    var next = form.querySelector('button[name="action"][value="next"]');
    if (next && form.requestSubmit) form.requestSubmit(next);
    else if (next) next.click();
  }

  // --- 3. repeating groups --------------------------------------------------------------
  var ROW_TOKEN = '__row__';
  var NUMBER_TOKEN = '__n__';
  var RENUMBERED = ['name', 'id', 'for', 'aria-describedby', 'aria-labelledby', 'data-m-condition', 'href', 'value'];

  function firstField(root) {
    return root.querySelector('input:not([type="hidden"]):not([disabled]), select:not([disabled]), textarea:not([disabled])');
  }

  function setupGroup(form, group) {
    var tpl = null;
    for (var c = group.firstElementChild; c; c = c.nextElementSibling) {
      if (c.tagName === 'TEMPLATE' && c.classList.contains('m-group__template')) tpl = c;
    }
    if (!tpl || !tpl.content) return;
    var tplRow = tpl.content.querySelector('.m-group__row');
    var marker = tplRow && tplRow.querySelector('input[type="hidden"][name$="._row"]');
    var tplRemove = tplRow && tplRow.querySelector('.m-group__remove');
    var tplLegend = tplRow && tplRow.querySelector('.m-group__legend');
    if (!marker || !tplRemove || !tplLegend) return;
    var namePrefix = marker.name.slice(0, marker.name.indexOf(ROW_TOKEN));  // "f.children."
    var idPrefix = namePrefix.replace(/\./g, '-');                            // "f-children-"
    var removePrefix = tplRemove.value.slice(0, tplRemove.value.indexOf(ROW_TOKEN));  // "remove:children:"
    var min = parseInt(group.getAttribute('data-m-min'), 10) || 0;
    var max = parseInt(group.getAttribute('data-m-max'), 10) || Infinity;
    var add = null;
    for (var a = group.firstElementChild; a; a = a.nextElementSibling) {
      if (a.classList.contains('m-group__add')) add = a;
    }

    function rows() {
      var out = [];
      for (var r = group.firstElementChild; r; r = r.nextElementSibling) {
        if (r.classList.contains('m-group__row')) out.push(r);
      }
      return out;
    }
    // Attachments are paired with their row by index on the server, so a row holding a file
    // field keeps the round trip for Remove rather than being renumbered here.
    function holdsFiles(row) { return !!row.querySelector('input[type="file"], .m-file__attached'); }

    function renumber(row, from, to) {
      var els = [row].concat(Array.prototype.slice.call(row.querySelectorAll('*')));
      els.forEach(function (el) {
        RENUMBERED.forEach(function (attr) {
          var v = el.getAttribute(attr);
          if (v === null) return;
          var w = v.split(namePrefix + from + '.').join(namePrefix + to + '.')
            .split(idPrefix + from + '-').join(idPrefix + to + '-');
          if (w === idPrefix + from) w = idPrefix + to;
          if (attr === 'value' && w === removePrefix + from) w = removePrefix + to;
          if (w !== v) el.setAttribute(attr, w);
        });
      });
    }
    function label(row, number) {
      var legend = row.querySelector('.m-group__legend');
      if (legend) legend.textContent = tplLegend.textContent.split(NUMBER_TOKEN).join(String(number));
      var remove = row.querySelector('.m-group__remove');
      if (remove) remove.textContent = tplRemove.textContent.split(NUMBER_TOKEN).join(String(number));
    }
    // Add is hidden at the maximum; Remove exists only above the minimum, as on the server.
    function update() {
      var list = rows();
      if (add) add.hidden = list.length >= max;
      list.forEach(function (row, i) {
        var remove = null;
        for (var b = row.firstElementChild; b; b = b.nextElementSibling) {
          if (b.classList.contains('m-group__remove')) remove = b;
        }
        if (list.length > min && !remove) {
          remove = tplRemove.cloneNode(true);
          remove.value = removePrefix + i;
          row.appendChild(remove);
          label(row, i + 1);
        } else if (list.length <= min && remove) {
          row.removeChild(remove);
        }
      });
    }

    if (add) {
      add.addEventListener('click', function (e) {
        if (implicitSubmission(e, add)) { e.preventDefault(); submitWithNext(form); return; }
        e.preventDefault();
        var list = rows();
        if (list.length >= max) return;
        var index = list.length;
        var row = tplRow.cloneNode(true);
        renumber(row, ROW_TOKEN, String(index));
        label(row, index + 1);
        group.insertBefore(row, tpl);
        var areas = row.querySelectorAll('textarea[data-m-maxlength]');
        for (var k = 0; k < areas.length; k++) addCounter(areas[k]);
        update();
        applyConditions(form);
        var field = firstField(row);
        if (field) field.focus();
        var legend = row.querySelector('.m-group__legend');
        announce((group.getAttribute('data-m-added') || '').split('{row}').join(legend ? legend.textContent : ''));
      });
    }

    group.addEventListener('click', function (e) {
      var button = e.target.closest ? e.target.closest('.m-group__remove') : null;
      if (!button || button.parentElement.parentElement !== group) return;
      var row = button.parentElement;
      if (implicitSubmission(e, button)) { e.preventDefault(); submitWithNext(form); return; }
      if (holdsFiles(row)) return;  // the round trip
      e.preventDefault();
      var list = rows();
      if (list.length <= min) return;
      var at = list.indexOf(row);
      var legend = row.querySelector('.m-group__legend');
      var said = legend ? legend.textContent : '';
      group.removeChild(row);
      for (var i = at + 1; i < list.length; i++) {
        renumber(list[i], String(i), String(i - 1));
        label(list[i], i);
      }
      update();
      applyConditions(form);
      var left = rows();
      var target = left[Math.min(at, left.length - 1)];
      var field = target && firstField(target);
      if (field) field.focus();
      else if (add && !add.hidden) add.focus();
      announce((group.getAttribute('data-m-removed') || '').split('{row}').join(said));
    });
    update();
  }

  function setupGroups(form) {
    var groups = form.querySelectorAll('.m-group[data-m-max]');
    for (var i = 0; i < groups.length; i++) setupGroup(form, groups[i]);
  }

  // --- 4. postal code → address ---------------------------------------------------------
  // 全角 digits to ASCII, dashes, spaces and 〒 dropped; seven digits or "".
  function postalDigits(value) {
    var s = String(value).replace(/[\uff10-\uff19]/g, function (c) {
      return String.fromCharCode(c.charCodeAt(0) - 0xfee0);
    }).replace(/[\s\u3000\u3012\-\u2010-\u2015\u2212\u30fc\uff0d\uff70]/g, '');
    return /^[0-9]{7}$/.test(s) ? s : '';
  }

  function setupPostal(form) {
    var base = form.getAttribute('data-m-postal');
    if (!base || !window.fetch) return;
    var message = form.getAttribute('data-m-postal-filled') || '';
    var PARTS = ['prefecture', 'city', 'town'];
    form.addEventListener('input', function (e) {
      var input = e.target;
      if (!input.name || !/\.postal_code$/.test(input.name)) return;
      var code = postalDigits(input.value);
      // Asked once per complete code; an incomplete one forgets, so retyping asks again.
      if (!code) { input.removeAttribute('data-m-looked-up'); return; }
      if (input.getAttribute('data-m-looked-up') === code) return;
      input.setAttribute('data-m-looked-up', code);
      var prefix = input.name.slice(0, input.name.length - 'postal_code'.length);
      fetch(base + code, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (address) {
          if (!address || postalDigits(input.value) !== code) return;  // unknown, or typed on since
          var fields = PARTS.map(function (p) { return form.querySelector('[name="' + prefix + p + '"]'); });
          // The resident's own words win: fill only when every part is empty or still holds
          // exactly what we put there.
          var ours = fields.every(function (f) {
            return !f || f.value === '' || f.value === f.getAttribute('data-m-filled');
          });
          if (!ours) return;
          var shown = '';
          fields.forEach(function (f, i) {
            if (!f) return;
            var value = address[PARTS[i]] || '';
            f.value = value;
            f.setAttribute('data-m-filled', value);
            shown += value;
          });
          announce(message.split('{address}').join(shown));
        })
        .catch(function () { /* no lookup: the resident types the address */ });
    });
  }

  // --- 5. session timeout -------------------------------------------------------------------
  function setupSession() {
    var tpl = document.getElementById('m-session-warning');
    var main = document.querySelector('main');
    if (!tpl || !tpl.content || !main || !window.fetch || !window.URLSearchParams) return;
    var warnBefore = parseInt(tpl.getAttribute('data-warn'), 10) || 0;
    var remaining = parseInt(tpl.getAttribute('data-remaining'), 10);
    if (!(remaining >= 0)) return;
    var deadline = 0, warnTimer = null, endTimer = null, banner = null, before = null;

    function schedule(seconds) {
      deadline = Date.now() + seconds * 1000;
      clearTimeout(warnTimer);
      clearTimeout(endTimer);
      warnTimer = setTimeout(show, Math.max(0, seconds - warnBefore) * 1000);
      endTimer = setTimeout(expired, seconds * 1000);
    }
    function show() {
      if (banner) return;
      banner = tpl.content.firstElementChild.cloneNode(true);
      var text = banner.querySelector('p');
      var minutes = Math.max(1, Math.ceil((deadline - Date.now()) / 60000));
      text.textContent = text.textContent.split('{minutes}').join(String(minutes));
      banner.querySelector('button').addEventListener('click', extend);
      main.insertBefore(banner, main.firstChild);
      before = document.activeElement;
      banner.focus();
    }
    function close() {
      if (!banner) return;
      banner.parentNode.removeChild(banner);
      banner = null;
      // Back to where the resident was typing.
      if (before && before !== document.body && document.contains(before)) before.focus();
    }
    function extend() {
      var body = new URLSearchParams();
      body.set('csrf', tpl.getAttribute('data-csrf') || '');
      fetch('/session/extend', { method: 'POST', body: body, credentials: 'same-origin' })
        .then(function (r) {
          if (r.status !== 204) { expired(); return; }
          var left = parseInt(r.headers.get('X-Session-Remaining'), 10);
          close();
          announce(tpl.getAttribute('data-extended'));
          schedule(left > 0 ? left : remaining);
        })
        .catch(function () { /* offline for a moment: the warning stays, so they can try again */ });
    }
    function expired() {
      clearTimeout(warnTimer);
      clearTimeout(endTimer);
      show();
      banner.querySelector('p').textContent = tpl.getAttribute('data-expired') || '';
      var button = banner.querySelector('button');
      if (button) button.parentNode.removeChild(button);
      banner.focus();
    }
    schedule(remaining);
  }

  function init() {
    var areas = document.querySelectorAll('textarea[data-m-maxlength]');
    for (var i = 0; i < areas.length; i++) addCounter(areas[i]);
    var forms = document.querySelectorAll('form');
    for (var j = 0; j < forms.length; j++) {
      setupGroups(forms[j]);
      setupConditions(forms[j]);
      setupPostal(forms[j]);
    }
    setupSession();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
