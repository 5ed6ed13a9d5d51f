// Madoguchi's small progressive enhancements. Every page works without this file; it is
// loaded with <script src defer> (the CSP allows script-src 'self' only, so nothing inline).
//  1. A character counter under each textarea with data-m-maxlength (the server still checks
//     the length and reports the count; the counter only tells it while typing). Its text is
//     numbers only ("12 / 800"), so it needs no strings of its own in any language.
//  2. Fields that depend on an answer on the same page (data-m-condition, rendered by the
//     server for progressive enhancement) are hidden while the condition does not hold.
//     Without JavaScript they are shown, with a hint that says when to fill them in.
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

  function setupConditions(form) {
    var dependents = form.querySelectorAll('[data-m-condition]');
    if (!dependents.length) return;
    var parsed = [];
    for (var i = 0; i < dependents.length; i++) {
      try {
        parsed.push({ el: dependents[i], cond: JSON.parse(dependents[i].getAttribute('data-m-condition')) });
      } catch (e) { /* an unknown shape stays shown */ }
    }
    function apply() {
      parsed.forEach(function (d) {
        // A field holding an error stays visible whatever the answers, so the message is seen.
        var keep = d.el.querySelector('[aria-invalid="true"]');
        if (holds(form, d.cond) || keep) d.el.removeAttribute('data-m-hidden');
        else d.el.setAttribute('data-m-hidden', '');
      });
    }
    form.addEventListener('change', apply);
    apply();
  }

  function init() {
    var areas = document.querySelectorAll('textarea[data-m-maxlength]');
    for (var i = 0; i < areas.length; i++) addCounter(areas[i]);
    var forms = document.querySelectorAll('form');
    for (var j = 0; j < forms.length; j++) setupConditions(forms[j]);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
