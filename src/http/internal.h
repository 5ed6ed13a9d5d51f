// Declarations shared by the src/http/*.cc files only; not part of the http API.
// No Beast here: it stays inside server.cc.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "http/http.h"

namespace madoguchi::http::internal {

// The file `rel` (a decoded path relative to `dir`, e.g. "css/site.css") as a response with
// content type and Cache-Control; nullopt when it is missing, not a regular file, or the path
// could leave `dir` ("..", NUL, backslash).
std::optional<Response> serve_static_file(const std::string& dir, std::string_view rel);

}  // namespace madoguchi::http::internal
