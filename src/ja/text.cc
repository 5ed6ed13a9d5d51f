#include "ja/text.h"

#include <unicode/normalizer2.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <charconv>
#include <cmath>
#include <cstdint>

namespace madoguchi::ja {

namespace {

constexpr UChar32 kIdeographicSpace = 0x3000;
constexpr UChar32 kProlongedSoundMark = 0x30FC;  // ー
constexpr UChar32 kMiddleDot = 0x30FB;           // ・

// Decodes the next code point; ill-formed sequences give a negative value (ICU's U8_NEXT
// rejects overlong forms, surrogates and anything above U+10FFFF).
UChar32 next_code_point(std::string_view s, size_t& i) {
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  const size_t length = s.size();
  UChar32 c;
  U8_NEXT(p, i, length, c);
  return c;
}

icu::UnicodeString nfkc_utf16(std::string_view s) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* norm = icu::Normalizer2::getNFKCInstance(status);
  // fromUTF8 turns ill-formed bytes into U+FFFD, so the result is always valid UTF-8.
  icu::UnicodeString in =
      icu::UnicodeString::fromUTF8(icu::StringPiece(s.data(), static_cast<int32_t>(s.size())));
  if (U_FAILURE(status)) return in;  // ICU data missing: better unnormalised than lost.
  icu::UnicodeString out = norm->normalize(in, status);
  return U_FAILURE(status) ? in : out;
}

std::string to_utf8(const icu::UnicodeString& u) {
  std::string out;
  u.toUTF8String(out);
  return out;
}

bool is_hiragana_convertible(UChar32 c) {
  return (c >= 0x3041 && c <= 0x3096) || c == 0x309D || c == 0x309E;  // ぁ..ゖ, ゝ, ゞ
}

// Hiragana and katakana sit 0x60 apart for every letter and for the iteration marks.
void hiragana_to_katakana(icu::UnicodeString& u) {
  for (int32_t i = 0; i < u.length(); ++i) {
    if (is_hiragana_convertible(u.charAt(i))) {
      u.setCharAt(i, static_cast<char16_t>(u.charAt(i) + 0x60));
    }
  }
}

bool is_dash_like(UChar32 c) {
  return (c >= 0x2010 && c <= 0x2015) ||  // ‐‑‒–—―
         c == 0x2212 ||                   // −
         c == 0x30FC ||                   // ー (and ｰ, which NFKC has already widened to it)
         c == 0xFF0D;                     // －, in case NFKC was unavailable
}

bool is_ascii_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

// "1234567" or "1,234,567" (groups of exactly three after the first); returns the digits.
std::optional<std::string> integer_digits(std::string_view s) {
  if (s.empty()) return std::nullopt;
  std::string digits;
  size_t group = 0;
  bool seen_comma = false;
  for (char c : s) {
    if (is_digit(c)) {
      digits += c;
      ++group;
      if (seen_comma && group > 3) return std::nullopt;
    } else if (c == ',') {
      if (group == 0 || (!seen_comma && group > 3) || (seen_comma && group != 3)) {
        return std::nullopt;
      }
      seen_comma = true;
      group = 0;
    } else {
      return std::nullopt;
    }
  }
  if (seen_comma && group != 3) return std::nullopt;
  return digits;
}

}  // namespace

bool is_clean_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const UChar32 c = next_code_point(s, i);
    if (c < 0) return false;
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') return false;
  }
  return true;
}

std::string nfkc(std::string_view s) { return to_utf8(nfkc_utf16(s)); }

std::string normalize_ascii_input(std::string_view s) {
  icu::UnicodeString u = nfkc_utf16(s);
  for (int32_t i = 0; i < u.length(); ++i) {
    // Every dash we map is in the BMP, so one UTF-16 unit at a time is enough.
    if (is_dash_like(u.charAt(i))) u.setCharAt(i, u'-');
    if (u.charAt(i) == kIdeographicSpace) u.setCharAt(i, u' ');
  }
  const std::string out = to_utf8(u);
  size_t b = 0, e = out.size();
  while (b < e && is_ascii_space(out[b])) ++b;
  while (e > b && is_ascii_space(out[e - 1])) --e;
  return out.substr(b, e - b);
}

std::optional<std::string> to_katakana_furigana(std::string_view s) {
  icu::UnicodeString u = nfkc_utf16(s);
  hiragana_to_katakana(u);
  icu::UnicodeString out;
  bool pending_space = false;
  for (int32_t i = 0; i < u.length(); i = u.moveIndex32(i, 1)) {
    const UChar32 c = u.char32At(i);
    if (c == ' ' || c == kIdeographicSpace) {
      pending_space = !out.isEmpty();  // Leading spaces vanish; runs become one.
      continue;
    }
    const bool katakana = (c >= 0x30A1 && c <= 0x30FA) || c == 0x30FD || c == 0x30FE;
    if (!katakana && c != kProlongedSoundMark && c != kMiddleDot) return std::nullopt;
    if (pending_space) out.append(kIdeographicSpace);
    pending_space = false;
    out.append(c);
  }
  return to_utf8(out);
}

std::optional<std::string> normalize_postal_code(std::string_view s) {
  std::string t = normalize_ascii_input(s);
  static constexpr std::string_view kPostalMark = "\xE3\x80\x92";  // 〒
  if (t.starts_with(kPostalMark)) t.erase(0, kPostalMark.size());
  while (!t.empty() && t.front() == ' ') t.erase(0, 1);
  auto all_digits = [](std::string_view v) {
    for (char c : v) {
      if (!is_digit(c)) return false;
    }
    return true;
  };
  if (t.size() == 7 && all_digits(t)) return t.substr(0, 3) + "-" + t.substr(3);
  if (t.size() == 8 && t[3] == '-' && all_digits(t.substr(0, 3)) && all_digits(t.substr(4))) {
    return t;
  }
  return std::nullopt;
}

std::optional<std::string> normalize_phone(std::string_view s) {
  const std::string t = normalize_ascii_input(s);
  std::string out;
  size_t digits = 0;
  for (char c : t) {
    if (is_digit(c)) {
      out += c;
      ++digits;
    } else if (c == '-' || c == ' ' || c == '(' || c == ')') {
      // Spaces and "03(1234)5678" parentheses group digits just as hyphens do. A separator is
      // kept only between digits, so runs collapse and none leads or trails.
      if (!out.empty() && out.back() != '-') out += '-';
    } else {
      return std::nullopt;
    }
  }
  if (!out.empty() && out.back() == '-') out.pop_back();
  if ((digits != 10 && digits != 11) || out.empty() || out[0] != '0') return std::nullopt;
  return out;
}

std::optional<std::string> normalize_email(std::string_view s) {
  const std::string t = normalize_ascii_input(s);
  if (t.empty() || t.size() > 254) return std::nullopt;
  const size_t at = t.find('@');
  if (at == std::string::npos || at == 0 || t.find('@', at + 1) != std::string::npos) {
    return std::nullopt;
  }
  // ASCII only: SMTPUTF8 cannot be assumed of every mail server between us and the resident.
  for (unsigned char c : t) {
    if (c <= 0x20 || c >= 0x7F) return std::nullopt;
  }
  // The local part is left alone: Japanese carriers long issued addresses like "a..b.@" that
  // break RFC 5322 yet receive mail.
  const std::string_view domain = std::string_view(t).substr(at + 1);
  if (domain.find('.') == std::string_view::npos || domain.front() == '.' || domain.back() == '.' ||
      domain.find("..") != std::string_view::npos) {
    return std::nullopt;
  }
  return t;
}

std::optional<long long> parse_integer(std::string_view s) {
  const std::string t = normalize_ascii_input(s);
  const bool negative = !t.empty() && t[0] == '-';
  const auto digits = integer_digits(std::string_view(t).substr(negative ? 1 : 0));
  if (!digits) return std::nullopt;
  const std::string text = (negative ? "-" : "") + *digits;
  long long v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return v;
}

std::optional<double> parse_number(std::string_view s) {
  const std::string t = normalize_ascii_input(s);
  const bool negative = !t.empty() && t[0] == '-';
  std::string_view body = std::string_view(t).substr(negative ? 1 : 0);
  const size_t dot = body.find('.');
  const auto int_part = integer_digits(body.substr(0, dot));
  if (!int_part) return std::nullopt;
  std::string text = (negative ? "-" : "") + *int_part;
  if (dot != std::string_view::npos) {
    const std::string_view frac = body.substr(dot + 1);
    if (frac.empty()) return std::nullopt;
    for (char c : frac) {
      if (!is_digit(c)) return std::nullopt;
    }
    text += '.';
    text += frac;
  }
  double v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(v)) {
    return std::nullopt;
  }
  return v;
}

size_t char_count(std::string_view s) {
  size_t n = 0;
  size_t i = 0;
  while (i < s.size()) {
    const UChar32 c = next_code_point(s, i);
    // A variation selector (葛 + U+E0100, 邊 + an IVS) only picks the glyph of the character
    // before it; nobody counts it as a character of its own.
    const bool selector = (c >= 0xFE00 && c <= 0xFE0F) || (c >= 0xE0100 && c <= 0xE01EF);
    if (!selector) ++n;
  }
  return n;
}

std::string search_fold(std::string_view s) {
  icu::UnicodeString u = nfkc_utf16(s);
  hiragana_to_katakana(u);
  icu::UnicodeString out;
  for (int32_t i = 0; i < u.length(); ++i) {
    const char16_t c = u.charAt(i);
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == kIdeographicSpace) continue;
    out.append(static_cast<char16_t>(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c));
  }
  return to_utf8(out);
}

}  // namespace madoguchi::ja
