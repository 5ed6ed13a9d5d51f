// How one row of the settings table resets, parses, checks and prints its value. The rows
// themselves are in settings.cc.
#include <charconv>

#include "core/config.h"
#include "core/settings.h"

namespace madoguchi {
namespace {

// Decimal digits with an optional '-', nothing else: "4 " or "0x10" or "" are refused.
template <typename T>
bool parse_whole(std::string_view text, T* out) {
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, *out);
  return ec == std::errc() && ptr == end && !text.empty();
}

}  // namespace

std::string Setting::flag() const {
  std::string f = "--" + std::string(key);
  for (char& c : f) {
    if (c == '_') c = '-';
  }
  return f;
}

void Setting::reset(Config* config) const {
  std::visit([config](const auto& s) { config->*s.field = s.default_value; }, type);
}

std::string Setting::default_text() const {
  return std::visit(Overloaded{[](const TextSetting& s) { return "\"" + std::string(s.default_value) + "\""; },
                               [](const BoolSetting& s) { return std::string(s.default_value ? "true" : "false"); },
                               [](const auto& s) { return std::to_string(s.default_value); }},
                    type);
}

std::string Setting::allowed() const {
  return std::visit(Overloaded{[](const TextSetting&) { return std::string("a string"); },
                               [](const BoolSetting&) { return std::string("true or false"); },
                               [](const auto& s) {
                                 return "an integer from " + std::to_string(s.min) + " to " + std::to_string(s.max);
                               }},
                    type);
}

Status Setting::invalid() const { return Status::Invalid("setting '" + std::string(key) + "' must be " + allowed()); }

Status Setting::set_from_text(std::string_view text, Config* config) const {
  return std::visit(Overloaded{[&](const TextSetting& s) {
                                 config->*s.field = std::string(text);
                                 return Status::Ok();
                               },
                               [&](const BoolSetting& s) {
                                 if (text != "true" && text != "false") return invalid();
                                 config->*s.field = text == "true";
                                 return Status::Ok();
                               },
                               [&](const auto& s) {
                                 decltype(s.min) v{};
                                 if (!parse_whole(text, &v) || v < s.min || v > s.max) return invalid();
                                 config->*s.field = v;
                                 return Status::Ok();
                               }},
                    type);
}

}  // namespace madoguchi
