// Which posted names a page accepts: anything else is a client error, not data to store.
#include <algorithm>

#include "forms/internal.h"

namespace madoguchi::forms {

using namespace internal;

namespace {

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t dot = s.find('.', start);
    out.push_back(s.substr(start, dot - start));
    if (dot == std::string::npos) return out;
    start = dot + 1;
  }
}

// Decimal without leading zeros, so one row has exactly one spelling.
bool row_index(const std::string& s, int max_items) {
  if (s.empty() || s.size() > 3 || (s.size() > 1 && s[0] == '0')) return false;
  if (!std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) return false;
  return std::stoi(s) < max_items;
}

bool accepts(const std::vector<Field>& fields, const std::vector<std::string>& segs, size_t at) {
  const Field* f = find_in(fields, segs[at]);
  if (!f) return false;
  size_t rest = segs.size() - at - 1;
  const auto& parts = parts_of(f->type);
  switch (f->type) {
    case FieldType::kGroup:
      if (rest < 2 || !row_index(segs[at + 1], f->max_items)) return false;
      if (rest == 2 && segs[at + 2] == "_row") return true;
      return accepts(f->children, segs, at + 2);
    case FieldType::kFile:
      return rest == 0 || (rest == 1 && segs[at + 1] == "remove");
    case FieldType::kDate:
      return rest == 0 || (rest == 1 && std::count(parts.begin(), parts.end(), segs[at + 1]) == 1);
    case FieldType::kPersonName:
    case FieldType::kPostalAddress:
      return rest == 1 && std::count(parts.begin(), parts.end(), segs[at + 1]) == 1;
    default:
      return rest == 0;
  }
}

}  // namespace

bool page_accepts_name(const procedures::Page& page, const std::string& name) {
  if (name.rfind("f.", 0) != 0 || name.size() > 200) return false;
  std::vector<std::string> segs = split(name.substr(2));
  return accepts(page.fields, segs, 0);
}

}  // namespace madoguchi::forms
