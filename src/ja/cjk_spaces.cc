#include <unicode/utf8.h>

#include "ja/text.h"

namespace madoguchi::ja {
namespace {

bool is_cjk(UChar32 c) {
  return (c >= 0x3000 && c <= 0x30FF) ||  // CJK punctuation, hiragana, katakana
         (c >= 0x3400 && c <= 0x9FFF) ||  // CJK ideographs (extension A and unified)
         (c >= 0xF900 && c <= 0xFAFF) ||  // compatibility ideographs
         (c >= 0xFF00 && c <= 0xFFEF) ||  // full-width forms
         (c >= 0x20000 && c <= 0x3FFFF);  // supplementary ideographs (𠮷 …)
}

// The code point ending just before byte `end`, or -1.
UChar32 previous(std::string_view s, size_t end) {
  if (end == 0) return -1;
  int32_t i = static_cast<int32_t>(end);
  UChar32 c;
  U8_PREV(reinterpret_cast<const uint8_t*>(s.data()), 0, i, c);
  return c;
}

UChar32 next(std::string_view s, size_t start) {
  if (start >= s.size()) return -1;
  int32_t i = static_cast<int32_t>(start);
  UChar32 c;
  U8_NEXT(reinterpret_cast<const uint8_t*>(s.data()), i, static_cast<int32_t>(s.size()), c);
  return c;
}

}  // namespace

std::string remove_spaces_between_cjk(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == ' ' && is_cjk(previous(s, i)) && is_cjk(next(s, i + 1))) continue;
    out += s[i];
  }
  return out;
}

}  // namespace madoguchi::ja
