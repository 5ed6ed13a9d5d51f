// The settings table: every key of madoguchi.toml declared once, with its type, default, range
// and the line docs/configuration.md shows for it. Config's constructor, the TOML reader, the
// command-line flags (--key-with-dashes) and the documentation table are all driven by it, so a
// new setting is one field in Config plus one row in settings.cc.
#pragma once

#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <variant>

#include "core/status.h"

namespace madoguchi {

struct Config;

// A string setting. Any text is accepted (its meaning is checked where it is used: an address
// when binding, a folder when loading).
struct TextSetting {
  std::string Config::*field;
  const char* default_value;
};

// An integer setting, accepted from `min` to `max` inclusive. `max` defaults to the largest
// value the field's type holds, so a value never wraps when stored.
template <typename T>
struct NumberSetting {
  T Config::*field;
  T default_value;
  T min;
  T max = std::numeric_limits<T>::max();
};

// A true/false setting.
struct BoolSetting {
  bool Config::*field;
  bool default_value;
};

// For std::visit over Setting::type with one lambda per kind of setting.
template <typename... F>
struct Overloaded : F... {
  using F::operator()...;
};

// One row of the table. std::visit over `type` makes the compiler name any operation that
// forgets a kind of setting.
struct Setting {
  std::string_view key;  // the TOML key; the flag is "--" + key with '_' as '-'
  std::variant<TextSetting, NumberSetting<int>, NumberSetting<long long>, BoolSetting> type;
  // Shown after the default in the documentation, e.g. "32 MiB" or "off"; "" for none.
  std::string_view default_note;
  std::string_view doc;  // the meaning, one Markdown line (docs/configuration.md's table)

  // "--max-file-bytes" for "max_file_bytes".
  std::string flag() const;
  // Sets the field of *config to the default.
  void reset(Config* config) const;
  // The default as TOML spells it: "\"127.0.0.1:8080\"", "0", "false".
  std::string default_text() const;
  // What the value must be, completing "setting 'k' must be …": "a string", "true or false",
  // "an integer from 1 to 2147483647".
  std::string allowed() const;
  // Sets the field from a command-line value (a flag's text: any text for a string, decimal
  // digits for a number, "true" or "false"). An error names the setting and what it accepts.
  Status set_from_text(std::string_view text, Config* config) const;
  // The error for a value outside allowed(): "setting 'k' must be " + allowed().
  Status invalid() const;
};

// Every setting, in the order the documentation lists them.
std::span<const Setting> settings();
// The setting with this TOML key, or nullptr.
const Setting* find_setting(std::string_view key);

}  // namespace madoguchi
