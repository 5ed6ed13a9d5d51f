// Declarations shared by the src/http/*.cc files only; not part of the http API.
// No Beast here: it stays inside server.cc.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "http/http.h"

namespace madoguchi::http::internal {

// `s` without leading and trailing spaces and tabs (HTTP's optional whitespace, OWS).
inline std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// `s` with A-Z made a-z and every other byte kept: header and parameter names are ASCII and
// case-insensitive, and the server's locale must not change how they compare.
inline std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// The file `rel` (a decoded path relative to `dir`, e.g. "css/site.css") as a response with
// content type and Cache-Control; nullopt when it is missing, not a regular file, or the path
// could leave `dir` ("..", NUL, backslash).
std::optional<Response> serve_static_file(const std::string& dir, std::string_view rel);

}  // namespace madoguchi::http::internal
