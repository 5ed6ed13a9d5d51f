// docs/configuration.md's table of settings, written from the settings table (core/settings.h)
// so that the documentation cannot drift from what the server accepts.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace madoguchi {

// The Markdown table: one row per setting with its key, default, allowed values and meaning,
// in the table's order; ends with a newline.
std::string settings_markdown_table();

// `document` with the text between the lines kSettingsTableBegin and kSettingsTableEnd
// replaced by settings_markdown_table(). Invalid when either marker line is missing.
Result<std::string> with_settings_table(std::string_view document);

inline constexpr std::string_view kSettingsTableBegin =
    "<!-- settings table: generated from src/core/settings.cc by `madoguchi settings-doc "
    "docs/configuration.md`; edit the rows there -->";
inline constexpr std::string_view kSettingsTableEnd = "<!-- end of settings table -->";

}  // namespace madoguchi
