#include "core/settings_doc.h"

#include "core/settings.h"

namespace madoguchi {
namespace {

// The "allowed" column: what a reader may write, in words rather than type names.
std::string allowed_cell(const Setting& s) {
  return std::visit(Overloaded{[](const TextSetting&) { return std::string("text"); },
                               [](const BoolSetting&) { return std::string("`true`, `false`"); },
                               [](const auto& n) {
                                 using T = decltype(n.min);
                                 if (n.max == std::numeric_limits<T>::max())
                                   return "`" + std::to_string(n.min) + "` or more";
                                 return "`" + std::to_string(n.min) + "` to `" + std::to_string(n.max) + "`";
                               }},
                    s.type);
}

}  // namespace

std::string settings_markdown_table() {
  std::string out = "| key | default | allowed | meaning |\n|---|---|---|---|\n";
  for (const Setting& s : settings()) {
    std::string def = "`" + s.default_text() + "`";
    if (!s.default_note.empty()) def += " (" + std::string(s.default_note) + ")";
    out += "| `" + std::string(s.key) + "` | " + def + " | " + allowed_cell(s) + " | " + std::string(s.doc) + " |\n";
  }
  return out;
}

Result<std::string> with_settings_table(std::string_view document) {
  // Each marker must be a whole line, so a mention of it in prose does not count.
  auto line_at = [&](std::string_view marker, size_t from) {
    for (size_t at = document.find(marker, from); at != std::string_view::npos; at = document.find(marker, at + 1)) {
      const size_t end = at + marker.size();
      if ((at == 0 || document[at - 1] == '\n') && (end == document.size() || document[end] == '\n')) return at;
    }
    return std::string_view::npos;
  };
  const size_t begin = line_at(kSettingsTableBegin, 0);
  if (begin == std::string_view::npos) {
    return Status::Invalid("no line '" + std::string(kSettingsTableBegin) + "' to put the settings table after");
  }
  const size_t body = std::min(document.size(), begin + kSettingsTableBegin.size() + 1);
  const size_t end = line_at(kSettingsTableEnd, body);
  if (end == std::string_view::npos) {
    return Status::Invalid("no line '" + std::string(kSettingsTableEnd) + "' after the settings table's start");
  }
  return std::string(document.substr(0, body)) + settings_markdown_table() + std::string(document.substr(end));
}

}  // namespace madoguchi
