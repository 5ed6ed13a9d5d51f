// UI strings come only from locales/: every key of the Japanese files exists, non-empty and
// with the same {placeholders}, in every other locale; no locale has keys Japanese lacks; and
// the templates hold no Japanese or English text of their own outside {{…}}.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { repo } from './support/server.mjs';

const LOCALES = ['ja', 'ja-easy', 'en', 'zh-Hans', 'ko'];
const localeDir = path.join(repo, 'locales');
const templateDir = path.join(repo, 'templates');

function load(locale) {
  const dir = path.join(localeDir, locale);
  const out = new Map();  // key -> { file, value }
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const data = JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
    const walk = (obj, prefix) => {
      for (const [k, v] of Object.entries(obj)) {
        const key = prefix ? `${prefix}.${k}` : k;
        if (v && typeof v === 'object' && !Array.isArray(v)) walk(v, key);
        else out.set(key, { file, value: v });
      }
    };
    walk(data, '');
  }
  return out;
}

// Keys whose locales may use different placeholders, because the code passes several forms
// of the same value and each language picks one.
const PLACEHOLDER_CHOICE = {
  'date.both': 'src/web/views.cc passes {y} {m} {d} {month} {era} {ey}; each language writes a date its own way',
  'date.western': 'src/web/views.cc passes {y} {m} {d} {month}; each language writes a date its own way',
  'forms.date_display': 'src/forms/validate.cc passes {both}, {iso} and {wareki} (ja writes 西暦(和暦) itself)',
  'forms.date_display_era_first': 'src/forms/validate.cc passes {iso}, {wareki}, {year}, {month} and {day} (ja writes 和暦(西暦) itself)',
};

const placeholders = (s) => [...String(s).matchAll(/\{[a-z_]+\}/g)].map((m) => m[0]).sort().join(' ');

test('every locale folder exists', () => {
  for (const l of LOCALES) assert.ok(statSync(path.join(localeDir, l)).isDirectory(), `locales/${l}`);
});

test('every Japanese key exists in every locale, non-empty, with the same placeholders', () => {
  const ja = load('ja');
  assert.ok(ja.size > 50, `only ${ja.size} keys in locales/ja`);
  const problems = [];
  for (const l of LOCALES.filter((x) => x !== 'ja')) {
    const other = load(l);
    for (const [key, { file, value }] of ja) {
      const o = other.get(key);
      if (!o) { problems.push(`${l}: missing ${key} (ja/${file})`); continue; }
      if (typeof o.value === 'string' && !o.value.trim()) problems.push(`${l}: empty ${key}`);
      if (placeholders(o.value) !== placeholders(value) && !PLACEHOLDER_CHOICE[key]) {
        problems.push(`${l}: ${key} has placeholders [${placeholders(o.value)}], ja has [${placeholders(value)}]`);
      }
    }
    for (const key of other.keys()) if (!ja.has(key)) problems.push(`${l}: ${key} is not in ja (stale or misspelt)`);
  }
  assert.deepEqual(problems, [], problems.join('\n'));
});

// Text allowed in templates although it is not from a locale; each with its reason.
const ALLOWED = [
  { file: 'staff/case.mustache', text: 'KB', reason: 'unit symbol of a file size, the same in every language' },
];

function templateFiles(dir, base = dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...templateFiles(p, base));
    else if (name.endsWith('.mustache')) out.push(path.relative(base, p));
  }
  return out;
}

// What a reader of the page sees of the template itself: text between tags and the values of
// attributes that are read out or shown (aria-label, title, alt, placeholder, value of a button).
export function templateText(source) {
  let s = source
    .replace(/\{\{![\s\S]*?\}\}/g, ' ')          // mustache comments
    .replace(/\{\{\{[\s\S]*?\}\}\}/g, ' ')       // {{{raw}}}
    .replace(/\{\{[\s\S]*?\}\}/g, ' ')           // {{tags}}
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<(script|style)\b[\s\S]*?<\/\1>/gi, ' ');
  const pieces = [];
  for (const m of s.matchAll(/\s(aria-label|aria-description|title|alt|placeholder)\s*=\s*"([^"]*)"/gi)) pieces.push(m[2]);
  s = s.replace(/<[^>]*>/g, ' ');
  pieces.push(s.replace(/&[a-z]+;|&#\d+;/gi, ' '));
  return pieces.join(' ');
}

export function uiWords(text) {
  const found = [];
  for (const m of text.matchAll(/[\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff01-\uff5e]+|[A-Za-z]{2,}/g)) found.push(m[0]);
  return found;
}

test('templates contain no Japanese or English UI text outside {{…}}', () => {
  const files = templateFiles(templateDir);
  assert.ok(files.includes('layout.mustache') && files.length > 8, `templates found: ${files.join(' ')}`);
  const problems = [];
  const used = new Set();
  for (const file of files) {
    const words = uiWords(templateText(readFileSync(path.join(templateDir, file), 'utf8')));
    for (const w of words) {
      const allowed = ALLOWED.find((a) => a.file === file && a.text === w);
      if (allowed) { used.add(allowed); continue; }
      problems.push(`${file}: "${w}"`);
    }
  }
  for (const a of ALLOWED) if (!used.has(a)) problems.push(`allowlist entry no longer needed: ${a.file} "${a.text}"`);
  assert.deepEqual(problems, [], `text not taken from locales/:\n${problems.join('\n')}`);
});

test('the template check finds what it should (self-test)', () => {
  assert.deepEqual(uiWords(templateText('<p>{{t.a}} 次へ</p>')), ['次へ']);
  assert.deepEqual(uiWords(templateText('<button aria-label="Close">{{t.x}}</button>')), ['Close']);
  assert.deepEqual(uiWords(templateText('<a href="/x" class="m-button">{{t.start}}</a>{{! 注釈 }}')), []);
  assert.deepEqual(uiWords(templateText('<p>{{fee}} ・ {{days}}</p>')), ['・']);
  assert.deepEqual(uiWords(templateText('<h1>{{title}} (Step</h1>')), ['Step']);
});
