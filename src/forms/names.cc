// Which posted names a page accepts: anything else is a client error, not data to store.
#include "forms/field_type.h"
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

}  // namespace

bool fields_accept(const std::vector<Field>& fields, const std::vector<std::string>& segs, size_t at) {
  if (at >= segs.size()) return false;
  const Field* f = find_in(fields, segs[at]);
  if (!f) return false;
  std::vector<std::string> rest(segs.begin() + static_cast<std::ptrdiff_t>(at) + 1, segs.end());
  return field_type(f->type).accepts(*f, rest);
}

bool page_accepts_name(const procedures::Page& page, const std::string& name) {
  if (name.rfind("f.", 0) != 0 || name.size() > 200) return false;
  std::vector<std::string> segs = split(name.substr(2));
  return fields_accept(page.fields, segs, 0);
}

}  // namespace madoguchi::forms
