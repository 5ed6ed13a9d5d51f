#!/usr/bin/env node
// Writes the postal code table the server reads (ja/postal.h) from npm `jquery-jpostal-ja`,
// which ships the Japan Post data as one JSONP file per 3-digit prefix:
//   node scripts/gen-postal.mjs generated/postal.tsv            the whole country
//   node scripts/gen-postal.mjs --extract tests/data/postal.tsv  the small committed extract
// Nothing is downloaded: the package's files are the data (its plug-in would fetch them from
// a web service at run time; we never do).
//
// Output: a header line "# madoguchi postal v1 …", then one line per (code, town), sorted by
// code (then by the package's order), tab-separated:
//   code  prefecture  city  town  prefecture_kana  city_kana  town_kana
// Kana are full-width katakana (the package has half-width ｶﾅ; NFKC converts it). A code that
// covers several towns has several lines. Lines for 3-digit prefixes (the package's defaults
// for partial input) are dropped: the lookup is by 7 digits only. The text form is deliberate:
// the server maps the file and binary-searches it by line, so it needs no parsing at start and
// its resident memory stays near zero (see src/ja/postal.h).
import { createRequire } from 'node:module';
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const require = createRequire(import.meta.url);
const PACKAGE = 'jquery-jpostal-ja';

const args = process.argv.slice(2);
const extract = args[0] === '--extract';
const out = extract ? args[1] : args[0];
if (!out) {
  console.error('usage: node scripts/gen-postal.mjs [--extract] OUTPUT.tsv');
  process.exit(2);
}

const { version } = require(`${PACKAGE}/package.json`);
const dir = path.join(path.dirname(require.resolve(`${PACKAGE}/package.json`)), 'json');

const clean = (s) => String(s ?? '').replace(/[\t\r\n]+/g, ' ').trim();
const kana = (s) => clean(s).normalize('NFKC');

const records = [];
for (const file of readdirSync(dir).filter((f) => /^\d{3}\.json$/.test(f)).sort()) {
  const text = readFileSync(path.join(dir, file), 'utf8');
  // JSONP: jQuery_jpostal_callback([...]);
  const rows = JSON.parse(text.slice(text.indexOf('(') + 1, text.lastIndexOf(')')));
  for (const r of rows) {
    const code = String(r[0]).replace(/^_/, '');
    if (!/^\d{7}$/.test(code)) continue;  // "_160": defaults for a 3-digit prefix
    const rec = [code, clean(r[1]), clean(r[2]), clean(r[3]), kana(r[6]), kana(r[7]), kana(r[8])];
    // The server refuses the whole file on one bad line; fail here, where the cause is visible.
    if (!rec[1] || !rec[2]) throw new Error(`${file}: ${code} has no prefecture or city`);
    records.push(rec);
  }
}
if (records.length < 100000) throw new Error(`only ${records.length} postal records in ${dir}`);
// Stable sort by code: several towns of one code stay in the package's order.
records.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));

// Drop exact repeats (the package lists a few business codes twice with different names,
// which we do not keep).
let lines = [];
let last = '';
for (const r of records) {
  const line = r.join('\t');
  if (line !== last) lines.push(line);
  last = line;
}

if (extract) {
  // A few hundred codes for the tests: every code of 新宿区 160-xxxx (160-0023 西新宿), the
  // first codes of 100 (100-0001 千代田), the general code ("xxx-0000"), the first town code and
  // the first building or business code of each of the 23 special wards, codes with several
  // towns or cities (452-0961 清須市, 004-0000 札幌市厚別区/清田区, 012-0823 湯沢市), one code
  // from the far north and south, and the codes the tests and the demo type.
  const wards = ['千代田区', '中央区', '港区', '新宿区', '文京区', '台東区', '墨田区', '江東区', '品川区',
    '目黒区', '大田区', '世田谷区', '渋谷区', '中野区', '杉並区', '豊島区', '北区', '荒川区', '板橋区',
    '練馬区', '足立区', '葛飾区', '江戸川区'];
  // 144-8621 (大田区役所) and 110-8615 (台東区役所) are typed by the browser journeys and the demo.
  const keep = new Set(['4520961', '0040000', '0120823', '0600042', '9071801', '1008111', '1006090',
    '1448621', '1108615']);
  const byCode = (line) => line.slice(0, 7);
  for (const line of lines) {
    const code = byCode(line);
    if (code.startsWith('160') || /^10000\d\d$/.test(code)) keep.add(code);
  }
  for (const ward of wards) {
    const mine = lines.filter((l) => { const f = l.split('\t'); return f[1] === '東京都' && f[2] === ward; });
    if (!mine.length) throw new Error(`no codes for ${ward}`);
    const general = mine.find((l) => byCode(l).endsWith('0000'));
    const town = mine.find((l) => !byCode(l).endsWith('0000') && byCode(l)[3] === '0');
    const other = mine.find((l) => byCode(l)[3] !== '0');  // buildings and large businesses
    for (const l of [general, town, other]) if (l) keep.add(byCode(l));
  }
  lines = lines.filter((l) => keep.has(byCode(l)));
}

const header = `# madoguchi postal v1 from npm ${PACKAGE} ${version}${extract ? ' (test extract)' : ''}: ` +
  'code, prefecture, city, town, prefecture_kana, city_kana, town_kana';
mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
// Written next to the target and renamed, so a running server never maps half a file.
const tmp = `${out}.tmp-${process.pid}`;
writeFileSync(tmp, [header, ...lines].join('\n') + '\n');
renameSync(tmp, out);
console.log(`gen-postal: ${lines.length} lines (${new Set(lines.map((l) => l.slice(0, 7))).size} codes) → ${out}`);
