// Japanese text as residents type it: width, kana and the shapes of numbers.
// Free text and names are never passed through these; they are stored exactly as typed.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace madoguchi::ja {

// True when `s` is well-formed UTF-8 with no NUL and no C0 control other than TAB, LF, CR.
bool is_clean_utf8(std::string_view s);

// NFKC (ICU): 全角 digits and letters to half-width, half-width katakana to full-width, etc.
std::string nfkc(std::string_view s);

// For numbers, phones, postal codes and e-mail: NFKC, then every dash-like character
// (ー－―‐−–— and the half-width ｰ) to '-', then trimmed of spaces (incl. 全角 space).
std::string normalize_ascii_input(std::string_view s);

// Furigana: hiragana and half-width katakana become full-width katakana; 全角/半角 spaces
// are kept as one 全角 space between words; returns nullopt when anything other than
// katakana, the prolonged sound mark ー, middle dot ・ and spaces remains.
std::optional<std::string> to_katakana_furigana(std::string_view s);

// "1234567", "123-4567", "〒１２３－４５６７" → "123-4567"; nullopt otherwise.
std::optional<std::string> normalize_postal_code(std::string_view s);

// Japanese phone numbers: 10 or 11 digits starting with 0 after removing hyphens, spaces
// and parentheses; returns the digits with the hyphens the resident typed normalised to '-'
// (e.g. "03-1234-5678", "09012345678"). nullopt otherwise.
std::optional<std::string> normalize_phone(std::string_view s);

// E-mail after normalize_ascii_input; a pragmatic check (one '@', a dot in the domain,
// no spaces, ≤ 254 bytes). nullopt otherwise.
std::optional<std::string> normalize_email(std::string_view s);

// Decimal integer (after normalisation, commas allowed as thousands separators, optional
// leading '-'). nullopt when not an integer or out of int64 range.
std::optional<long long> parse_integer(std::string_view s);

// Decimal number ("12.5", "１２．５"). nullopt when not a number.
std::optional<double> parse_number(std::string_view s);

// Number of characters (code points) in UTF-8 text; what a resident would call its length.
size_t char_count(std::string_view s);

// For catalogue search: NFKC, lower-case ASCII, hiragana → katakana, spaces removed.
// Two strings that differ only by width or by hiragana/katakana fold to the same key.
std::string search_fold(std::string_view s);

}  // namespace madoguchi::ja

namespace madoguchi::ja {

// Removes an ASCII space standing between two CJK characters (kanji, kana, CJK punctuation,
// full-width forms). YAML folds a multi-line text with spaces, which Japanese and Chinese prose
// never has between characters; やさしい日本語 and Korean use spaces on purpose and must not go
// through this.
std::string remove_spaces_between_cjk(std::string_view s);

}  // namespace madoguchi::ja
