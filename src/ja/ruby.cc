#include "ja/ruby.h"

#include <cstddef>
#include <vector>

namespace madoguchi::ja {

namespace {

struct CodePoint {
  char32_t cp;
  size_t begin;  // byte offsets into the input
  size_t end;
};

constexpr char32_t kInvalid = 0xFFFD;

// Decodes UTF-8; an ill-formed sequence becomes one U+FFFD per byte, which escape() writes
// as U+FFFD, so no stray byte can reach the page.
std::vector<CodePoint> decode(std::string_view s) {
  std::vector<CodePoint> out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    char32_t cp = kInvalid;
    if (len == 1) {
      cp = c;
    } else if (len > 1 && i + len <= s.size()) {
      cp = c & (0x7F >> len);
      bool ok = true;
      for (size_t k = 1; k < len; ++k) {
        unsigned char cc = static_cast<unsigned char>(s[i + k]);
        if ((cc & 0xC0) != 0x80) ok = false;
        cp = (cp << 6) | (cc & 0x3F);
      }
      static constexpr char32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
      if (!ok || cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) len = 0;
    } else {
      len = 0;
    }
    if (len == 0) {
      out.push_back({kInvalid, i, i + 1});
      ++i;
    } else {
      out.push_back({cp, i, i + len});
      i += len;
    }
  }
  return out;
}

bool is_kanji(char32_t c) {
  return (c >= 0x4E00 && c <= 0x9FFF)      // CJK Unified Ideographs
         || (c >= 0x3400 && c <= 0x4DBF)   // Extension A
         || (c >= 0x20000 && c <= 0x2EBEF) // Extensions B–F (𠮷 and friends)
         || (c >= 0x30000 && c <= 0x323AF) // Extensions G, H
         || c == 0x3005 || c == 0x3006 || c == 0x30F6;  // 々 〆 ヶ
}

bool is_reading_kana(char32_t c) {
  return (c >= 0x3041 && c <= 0x3096)     // hiragana
         || (c >= 0x309D && c <= 0x309F)  // ゝ ゞ ゟ
         || (c >= 0x30A1 && c <= 0x30FA)  // katakana
         || (c >= 0x30FC && c <= 0x30FF); // ー ヽ ヾ ヿ
}

// Variation selectors (IVS, e.g. 葛󠄀) belong to the kanji before them.
bool is_variation_selector(char32_t c) {
  return (c >= 0xFE00 && c <= 0xFE0F) || (c >= 0xE0100 && c <= 0xE01EF);
}

bool is_space(char32_t c) { return c == U' ' || c == 0x3000; }
bool is_open(char32_t c) { return c == U'(' || c == 0xFF08; }
bool is_close(char32_t c) { return c == U')' || c == 0xFF09; }

void escape_into(std::string& out, std::string_view s, const CodePoint& p) {
  switch (p.cp) {
    case U'&': out += "&amp;"; return;
    case U'<': out += "&lt;"; return;
    case U'>': out += "&gt;"; return;
    case U'"': out += "&quot;"; return;
    case U'\'': out += "&#39;"; return;
    case kInvalid:
      // Either a real U+FFFD or an ill-formed byte; both are written as U+FFFD.
      out += "\xEF\xBF\xBD";
      return;
    default: out.append(s.substr(p.begin, p.end - p.begin));
  }
}

void escape_range(std::string& out, std::string_view s, const std::vector<CodePoint>& cps, size_t from,
                  size_t to) {
  for (size_t k = from; k < to; ++k) escape_into(out, s, cps[k]);
}

}  // namespace

std::string escape_html(std::string_view text) {
  auto cps = decode(text);
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  escape_range(out, text, cps, 0, cps.size());
  return out;
}

std::string ruby_html(std::string_view text) {
  auto cps = decode(text);
  std::string out;
  out.reserve(text.size() * 2);
  size_t k = 0;
  while (k < cps.size()) {
    if (!is_kanji(cps[k].cp)) {
      escape_into(out, text, cps[k]);
      ++k;
      continue;
    }
    // A maximal kanji run [k, j), so only the kanji right before the parenthesis get ruby.
    size_t j = k;
    while (j < cps.size() && (is_kanji(cps[j].cp) || is_variation_selector(cps[j].cp))) ++j;
    size_t close = j;
    bool has_kana = false;
    if (j < cps.size() && is_open(cps[j].cp)) {
      size_t m = j + 1;
      while (m < cps.size() && (is_reading_kana(cps[m].cp) || is_space(cps[m].cp))) {
        has_kana = has_kana || is_reading_kana(cps[m].cp);
        ++m;
      }
      if (m < cps.size() && is_close(cps[m].cp) && has_kana) close = m;
    }
    if (close == j) {  // no reading: plain text
      escape_range(out, text, cps, k, j);
      k = j;
      continue;
    }
    // The kanji and kana were checked above and need no escaping; escape anyway so the
    // output is safe by construction, not by the character classes being right.
    out += "<ruby>";
    escape_range(out, text, cps, k, j);
    out += "<rp>";
    escape_into(out, text, cps[j]);
    out += "</rp><rt>";
    escape_range(out, text, cps, j + 1, close);
    out += "</rt><rp>";
    escape_into(out, text, cps[close]);
    out += "</rp></ruby>";
    k = close + 1;
  }
  return out;
}

std::string text_html(std::string_view text, std::string_view locale) {
  return locale == "ja-easy" ? ruby_html(text) : escape_html(text);
}

}  // namespace madoguchi::ja
