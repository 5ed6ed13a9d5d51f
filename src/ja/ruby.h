// Ruby (furigana) for やさしい日本語: definitions write a reading in parentheses after the
// kanji, 「児童手当(じどう てあて)」; pages in ja-easy show it above the kanji.
#pragma once

#include <string>
#include <string_view>

namespace madoguchi::ja {

// HTML-escapes & < > " ' (safe in element content and in quoted attribute values).
// Bytes that are not well-formed UTF-8 become U+FFFD.
std::string escape_html(std::string_view text);

// Contract: returns HTML that is safe to emit unescaped ({{{triple}}}). Everything in `text`
// is escaped as by escape_html; the only markup added is for the pattern
//   KANJI-RUN "(" or "（"  READING  ")" or "）"
// where KANJI-RUN is one or more CJK unified ideographs (incl. Extension A, B and later),
// 々, 〆 or ヶ, and READING is hiragana, katakana, ー and spaces (ASCII or 全角) with at least
// one kana. That becomes
//   <ruby>KANJI-RUN<rp>(</rp><rt>READING</rt><rp>)</rp></ruby>
// (with the parentheses as written), so the text content stays exactly the input.
// Only the kanji run directly before the parenthesis gets the reading: in 「子ども(こども)」
// or 「お金(児童手当)」 nothing is converted.
std::string ruby_html(std::string_view text);

// The HTML variant of a definition or UI text shown on a page in `locale`: ruby_html for
// "ja-easy" (the only language whose texts carry readings for its readers), escape_html for
// every other locale, so 「(じゅうしょ)」 after 住所 in a ja fallback on an English page
// stays text. Either way the result is escaped text plus markup made here, never raw input.
std::string text_html(std::string_view text, std::string_view locale);

}  // namespace madoguchi::ja
