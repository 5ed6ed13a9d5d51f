// Postal code → address (郵便番号 → 都道府県・市区町村・町域), from the table scripts/gen-postal.mjs
// writes at setup (npm jquery-jpostal-ja, never downloaded at run time).
//
// Why a server-side lookup rather than static per-prefix JSON files: the table is the ward's
// data, so the server can use it too (a later no-JavaScript "find the address" button, a check
// that a code exists), and the browser fetches ~200 bytes for one code rather than a whole
// prefix (up to tens of KB) on a phone. The cost is memory, kept small: the file is checked
// once at start by streaming it, then mapped read-only and binary-searched by line, so an idle
// server holds none of its 15 MB in its resident set. Lookups fault pages in, the kernel
// mapping the page cache's large folios whole (measured: 7.7 MB after nine lookups, 14.6 MB
// after 500 random ones), never more than the file's size; these are clean shared pages the
// kernel can drop. If that ever matters, pread() over the same sorted file keeps them out of
// the resident set entirely.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace madoguchi::ja {

struct PostalAddress {
  std::string prefecture, city, town;                 // 東京都, 新宿区, 西新宿 (town may be "")
  std::string prefecture_kana, city_kana, town_kana;  // full-width katakana
};

// True for exactly seven ASCII digits ("1600023"); callers normalise width and hyphens first
// (normalize_postal_code).
bool is_postal_code_digits(std::string_view s);

class PostalTable {
 public:
  PostalTable() = default;  // empty: finds nothing
  // Checks the whole file (header, seven tab-separated fields a line, codes of seven digits in
  // ascending order) and maps it. Invalid names the file and line.
  static Result<PostalTable> open(const std::string& path);

  // Every town of `code` (seven digits), in the table's order; empty when unknown. Most codes
  // have one; a few cover several towns, or even several cities.
  std::vector<PostalAddress> find(std::string_view code) const;
  size_t lines() const { return lines_; }
  bool empty() const { return lines_ == 0; }

 private:
  struct Mapping;
  std::shared_ptr<const Mapping> map_;
  size_t body_ = 0;   // offset of the first data line
  size_t lines_ = 0;  // data lines
};

}  // namespace madoguchi::ja
