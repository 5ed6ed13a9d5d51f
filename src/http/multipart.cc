// multipart/form-data (RFC 7578 over RFC 2046). The body comes from untrusted clients and
// will be fuzzed: every search moves forward through the body, so parsing is linear, and
// per-part header sections and the number of parts are capped.
#include <cctype>

#include "http/http.h"
#include "http/internal.h"

namespace madoguchi::http {
namespace {

constexpr size_t kMaxPartHeaderBytes = 8 * 1024;
constexpr size_t kMaxParts = 10000;
constexpr size_t kMaxBoundary = 70;  // RFC 2046

bool boundary_char(unsigned char c) {
  return std::isalnum(c) ||
         std::string_view("'()+_,-./:=? ").find(static_cast<char>(c)) != std::string_view::npos;
}

struct HeaderValue {
  std::string type;                                         // lower-cased, e.g. "form-data"
  std::vector<std::pair<std::string, std::string>> params;  // names lower-cased
};

// Parses `type; a=b; c="d"`. A backslash escapes only `"` and `\`, because browsers put
// Windows paths in filename="C:\dir\f.txt" without escaping them.
Result<HeaderValue> parse_header_value(std::string_view s) {
  HeaderValue hv;
  size_t semi = s.find(';');
  hv.type = internal::ascii_lower(internal::trim_ows(s.substr(0, semi)));
  if (semi == std::string_view::npos) return hv;
  size_t i = semi + 1;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == ';')) ++i;
    if (i >= s.size()) break;
    size_t eq = s.find('=', i);
    if (eq == std::string_view::npos) return Status::Invalid("parameter without '='");
    std::string name = internal::ascii_lower(internal::trim_ows(s.substr(i, eq - i)));
    if (name.empty() || name.find(';') != std::string::npos) {
      return Status::Invalid("bad parameter name");
    }
    i = eq + 1;
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    std::string value;
    if (i < s.size() && s[i] == '"') {
      ++i;
      bool closed = false;
      while (i < s.size()) {
        char c = s[i];
        if (c == '"') {
          closed = true;
          ++i;
          break;
        }
        if (c == '\\' && i + 1 < s.size() && (s[i + 1] == '"' || s[i + 1] == '\\')) {
          value.push_back(s[i + 1]);
          i += 2;
          continue;
        }
        value.push_back(c);
        ++i;
      }
      if (!closed) return Status::Invalid("unterminated quoted string");
      while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
      if (i < s.size() && s[i] != ';') return Status::Invalid("junk after quoted string");
    } else {
      size_t end = s.find(';', i);
      value = std::string(internal::trim_ows(s.substr(i, end == std::string_view::npos ? end : end - i)));
      i = end == std::string_view::npos ? s.size() : end;
    }
    hv.params.emplace_back(std::move(name), std::move(value));
  }
  return hv;
}

const std::string* find_param(const HeaderValue& hv, std::string_view name) {
  for (const auto& [k, v] : hv.params) {
    if (k == name) return &v;
  }
  return nullptr;
}

Result<std::string> boundary_of(std::string_view content_type) {
  auto hv = parse_header_value(content_type);
  if (!hv.ok()) return hv.status();
  if (hv->type != "multipart/form-data") return Status::Invalid("not multipart/form-data");
  const std::string* b = find_param(*hv, "boundary");
  if (b == nullptr) return Status::Invalid("missing boundary parameter");
  if (b->empty() || b->size() > kMaxBoundary || b->back() == ' ') {
    return Status::Invalid("bad boundary length");
  }
  for (unsigned char c : *b) {
    if (!boundary_char(c)) return Status::Invalid("bad character in boundary");
  }
  return *b;
}

// Whether `delim` at `at` starts a delimiter line: followed by "--" (the close delimiter)
// or by optional padding and CRLF. Sets *next to the first byte after the line (after the
// "--" for the close delimiter).
bool delimiter_line_at(std::string_view body, std::string_view delim, size_t at, bool* closed,
                       size_t* next) {
  size_t pos = at + delim.size();
  if (body.substr(pos, 2) == "--") {
    *closed = true;
    *next = pos + 2;
    return true;
  }
  while (pos < body.size() && (body[pos] == ' ' || body[pos] == '\t')) ++pos;
  if (body.substr(pos, 2) != "\r\n") return false;
  *closed = false;
  *next = pos + 2;
  return true;
}

// The next delimiter line at or after `from`, or npos. Text that merely starts like a
// delimiter is content, as in other parsers. Each try resumes past the previous candidate
// and the padding scan stops at the next CR, so the search stays linear.
size_t find_delimiter(std::string_view body, std::string_view delim, size_t from, bool* closed,
                      size_t* next) {
  for (;;) {
    size_t at = body.find(delim, from);
    if (at == std::string_view::npos || delimiter_line_at(body, delim, at, closed, next)) {
      return at;
    }
    from = at + 1;
  }
}

// Parses a part's header block (without the blank line) into `part`.
Status parse_part_headers(std::string_view block, Part* part) {
  bool has_disposition = false;
  std::vector<std::pair<std::string, std::string>> headers;
  while (!block.empty()) {
    size_t eol = block.find("\r\n");
    std::string_view line = block.substr(0, eol);
    block = eol == std::string_view::npos ? std::string_view() : block.substr(eol + 2);
    if (!line.empty() && (line.front() == ' ' || line.front() == '\t')) {
      // Obsolete line folding: a continuation of the previous header.
      if (headers.empty()) return Status::Invalid("continuation without header");
      headers.back().second.append(" ").append(internal::trim_ows(line));
      continue;
    }
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      return Status::Invalid("malformed part header");
    }
    headers.emplace_back(internal::ascii_lower(internal::trim_ows(line.substr(0, colon))),
                         std::string(internal::trim_ows(line.substr(colon + 1))));
  }
  for (const auto& [name, value] : headers) {
    if (name == "content-disposition" && !has_disposition) {
      has_disposition = true;
      auto hv = parse_header_value(value);
      if (!hv.ok()) return hv.status();
      if (hv->type != "form-data") return Status::Invalid("part is not form-data");
      const std::string* n = find_param(*hv, "name");
      if (n == nullptr || n->empty()) return Status::Invalid("part without a name");
      part->name = *n;
      if (const std::string* f = find_param(*hv, "filename")) part->filename = *f;
    } else if (name == "content-type" && part->content_type.empty()) {
      part->content_type = value;
    }
  }
  if (!has_disposition) return Status::Invalid("part without Content-Disposition");
  return Status::Ok();
}

}  // namespace

Result<std::vector<Part>> parse_multipart(std::string_view content_type, std::string_view body) {
  auto boundary = boundary_of(content_type);
  if (!boundary.ok()) return boundary.status();
  const std::string dash_boundary = "--" + *boundary;
  const std::string delimiter = "\r\n" + dash_boundary;

  // The first delimiter has no CRLF before it when there is no preamble.
  bool closed = false;
  size_t pos = 0;
  bool at_start = body.substr(0, dash_boundary.size()) == dash_boundary &&
                  delimiter_line_at(body, dash_boundary, 0, &closed, &pos);
  if (!at_start && find_delimiter(body, delimiter, 0, &closed, &pos) == std::string_view::npos) {
    return Status::Invalid("boundary not found");
  }

  std::vector<Part> parts;
  while (!closed) {  // anything after the close delimiter is an epilogue
    if (parts.size() >= kMaxParts) return Status::Invalid("too many parts");

    // Header block: up to the first blank line; an empty block starts with CRLF directly.
    std::string_view headers_block;
    if (body.substr(pos, 2) == "\r\n") {
      pos += 2;
    } else {
      std::string_view window = body.substr(pos, kMaxPartHeaderBytes + 4);
      size_t end = window.find("\r\n\r\n");
      if (end == std::string_view::npos) {
        return Status::Invalid(window.size() > kMaxPartHeaderBytes ? "part headers too large"
                                                                   : "truncated part headers");
      }
      headers_block = window.substr(0, end);
      pos += end + 4;
    }
    Part part;
    Status st = parse_part_headers(headers_block, &part);
    if (!st.ok()) return st;

    size_t next = 0;
    size_t end = find_delimiter(body, delimiter, pos, &closed, &next);
    if (end == std::string_view::npos) return Status::Invalid("missing final boundary");
    part.data = std::string(body.substr(pos, end - pos));
    parts.push_back(std::move(part));
    pos = next;
  }
  return parts;
}

}  // namespace madoguchi::http
