// Static files for Router::add_static. The files are small (CSS, icons, fonts), so reading
// them whole per request is simpler than streaming and fast enough behind the page cache.
#include <filesystem>
#include <fstream>
#include <iterator>
#include <system_error>

#include "http/internal.h"

namespace madoguchi::http::internal {
namespace {

std::string content_type_for(std::string_view path) {
  static constexpr std::pair<std::string_view, std::string_view> kTypes[] = {
      {".css", "text/css; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".png", "image/png"},
      {".svg", "image/svg+xml"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".txt", "text/plain; charset=utf-8"},
      {".json", "application/json"},
  };
  for (const auto& [ext, type] : kTypes) {
    if (path.size() > ext.size() && path.substr(path.size() - ext.size()) == ext) {
      return std::string(type);
    }
  }
  return "application/octet-stream";
}

bool safe_relative_path(std::string_view rel) {
  if (rel.empty() || rel.front() == '/') return false;
  if (rel.find('\0') != std::string_view::npos) return false;
  if (rel.find('\\') != std::string_view::npos) return false;
  // ".." anywhere, not only as a whole segment: no legitimate asset name needs it.
  if (rel.find("..") != std::string_view::npos) return false;
  return true;
}

}  // namespace

std::optional<Response> serve_static_file(const std::string& dir, std::string_view rel) {
  if (!safe_relative_path(rel)) return std::nullopt;
  std::filesystem::path path = std::filesystem::path(dir) / std::filesystem::path(rel);
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  Response r;
  r.status = 200;
  r.content_type = content_type_for(rel);
  r.body.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  if (in.bad()) return std::nullopt;
  r.headers.emplace_back("Cache-Control", "public, max-age=3600");
  return r;
}

}  // namespace madoguchi::http::internal
