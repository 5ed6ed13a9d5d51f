// What a visitor sent, made safe to send back: same-origin paths for redirects and links, the
// Content-Disposition of downloads, and lists of client addresses. No I/O here.
#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <string>
#include <vector>

#include "http/http.h"

namespace madoguchi::http {
namespace {

bool is_control(unsigned char c) { return c < 0x20 || c == 0x7f; }

// Characters a URL may carry as they are (RFC 3986 unreserved, sub-delims, ":", "@", "/", "?",
// and "%" of an existing escape); everything else is percent-encoded on the way out.
bool url_char(unsigned char c) {
  if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) return true;
  return std::strchr("-._~!$&'()*+,;=:@/?%", c) != nullptr && c != '\0';
}

// A path is off-site or ambiguous when a browser could read it as another host.
bool unsafe(std::string_view p) {
  if (p.empty() || p[0] != '/') return true;
  if (p.size() > 1 && (p[1] == '/' || p[1] == '\\')) return true;
  return std::any_of(p.begin(), p.end(), [](unsigned char c) { return is_control(c) || c == '\\'; });
}

// The length of the UTF-8 sequence starting with `lead`, 0 for a byte that cannot start one.
size_t utf8_length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if (lead >= 0xC2 && lead <= 0xDF) return 2;
  if (lead >= 0xE0 && lead <= 0xEF) return 3;
  if (lead >= 0xF0 && lead <= 0xF4) return 4;
  return 0;
}

// Bidirectional formatting characters: embeddings and overrides (U+202A–U+202E), isolates
// (U+2066–U+2069) and marks (U+200E, U+200F, U+061C). In a file name they make
// "evil<U+202E>gpj.exe" look like "evilexe.jpg".
bool is_bidi_control(std::string_view ch) {
  if (ch.size() == 2) return ch == "\xD8\x9C";
  if (ch.size() != 3 || static_cast<unsigned char>(ch[0]) != 0xE2) return false;
  const auto b1 = static_cast<unsigned char>(ch[1]), b2 = static_cast<unsigned char>(ch[2]);
  if (b1 == 0x80) return b2 == 0x8E || b2 == 0x8F || (b2 >= 0xAA && b2 <= 0xAE);
  if (b1 == 0x81) return b2 >= 0xA6 && b2 <= 0xA9;
  return false;
}

// The name's characters without controls, bidi controls, path separators and quotes (which
// some clients mishandle even when encoded); invalid UTF-8 bytes are dropped.
std::vector<std::string_view> clean_characters(std::string_view name) {
  std::vector<std::string_view> out;
  for (size_t i = 0; i < name.size();) {
    size_t n = utf8_length(static_cast<unsigned char>(name[i]));
    bool valid = n > 0 && i + n <= name.size();
    for (size_t k = 1; valid && k < n; ++k) valid = (static_cast<unsigned char>(name[i + k]) & 0xC0) == 0x80;
    if (!valid) {
      ++i;
      continue;
    }
    std::string_view ch = name.substr(i, n);
    i += n;
    if (n == 1 && (is_control(ch[0]) || std::strchr("/\\\"", ch[0]))) continue;
    if (is_bidi_control(ch)) continue;
    out.push_back(ch);
  }
  return out;
}

// The extension ("." and 1 to 10 ASCII letters or digits) at the end of the name, or "".
std::string_view extension(std::string_view name) {
  size_t dot = name.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || name.size() - dot < 2 || name.size() - dot > 11) return {};
  std::string_view ext = name.substr(dot);
  bool plain = std::all_of(ext.begin() + 1, ext.end(), [](unsigned char c) { return std::isalnum(c); });
  return plain ? ext : std::string_view();
}

bool parse_address(std::string_view text, bool* v6, unsigned char bytes[16]) {
  std::string s(text);
  std::memset(bytes, 0, 16);
  if (inet_pton(AF_INET, s.c_str(), bytes) == 1) {
    *v6 = false;
    return true;
  }
  if (inet_pton(AF_INET6, s.c_str(), bytes) != 1) return false;
  static constexpr unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
  if (std::memcmp(bytes, kMapped, 12) == 0) {  // ::ffff:a.b.c.d is the IPv4 client a.b.c.d
    std::memmove(bytes, bytes + 12, 4);
    std::memset(bytes + 4, 0, 12);
    *v6 = false;
    return true;
  }
  *v6 = true;
  return true;
}

}  // namespace

std::optional<std::string> same_origin_path(std::string_view target) {
  if (unsafe(target)) return std::nullopt;
  // Once decoded, too: "/%2F/evil.example" or "/%09/evil.example" is refused rather than
  // trusted to stay encoded through every proxy and client that handles it.
  auto decoded = percent_decode(target, false);
  if (!decoded.ok() || unsafe(*decoded)) return std::nullopt;
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(target.size());
  for (unsigned char c : target) {
    if (url_char(c)) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
  return out;
}

std::string attachment_disposition(std::string_view filename) {
  std::vector<std::string_view> chars = clean_characters(filename);
  std::string name;
  for (auto ch : chars) name += ch;
  std::string ext(extension(name));
  if (name.size() > kMaxDownloadNameBytes) {
    // Whole characters from the start, then the extension, so the saved file still opens
    // with the right program.
    std::string cut;
    const size_t room = kMaxDownloadNameBytes - ext.size();
    for (auto ch : chars) {
      if (cut.size() + ch.size() > room) break;
      cut += ch;
    }
    name = cut + ext;
  }
  if (name.empty() || name == ext) name = "attachment" + ext;
  // The ASCII fallback: the name itself when it is plain ASCII, else "attachment" and the
  // extension (a client that ignores filename* then still gets a usable name).
  bool ascii = std::all_of(name.begin(), name.end(), [](unsigned char c) { return c >= 0x20 && c < 0x7f; });
  std::string fallback = ascii ? name : "attachment" + ext;
  for (char& c : fallback) {
    if (c == '%' || c == ';') c = '_';
  }
  return "attachment; filename=\"" + fallback + "\"; filename*=UTF-8''" + percent_encode(name);
}

void Response::as_attachment(std::string_view filename) {
  headers.emplace_back("Content-Disposition", attachment_disposition(filename));
  headers.emplace_back("X-Content-Type-Options", "nosniff");
}

Result<AddressList> AddressList::parse(std::string_view text) {
  AddressList list;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find_first_of(", ", pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view entry = text.substr(pos, end - pos);
    pos = end + 1;
    if (entry.empty()) continue;
    Block b;
    size_t slash = entry.find('/');
    if (!parse_address(entry.substr(0, slash), &b.v6, b.bytes)) {
      return Status::Invalid("not an address or CIDR block: " + std::string(entry));
    }
    const int bits = b.v6 ? 128 : 32;
    b.prefix = bits;
    if (slash != std::string_view::npos) {
      std::string_view n = entry.substr(slash + 1);
      if (n.empty() || n.size() > 3 || !std::all_of(n.begin(), n.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return Status::Invalid("bad prefix length: " + std::string(entry));
      }
      int prefix = std::stoi(std::string(n));
      // A mapped block "::ffff:10.0.0.0/104" is the IPv4 block 10.0.0.0/8.
      if (!b.v6 && entry.find(':') != std::string_view::npos) prefix -= 96;
      if (prefix < 0 || prefix > bits) return Status::Invalid("bad prefix length: " + std::string(entry));
      b.prefix = prefix;
    }
    list.blocks_.push_back(b);
  }
  return list;
}

bool AddressList::contains(std::string_view address) const {
  bool v6 = false;
  unsigned char bytes[16];
  if (!parse_address(address, &v6, bytes)) return false;
  for (const Block& b : blocks_) {
    if (b.v6 != v6) continue;
    const int whole = b.prefix / 8, rest = b.prefix % 8;
    if (std::memcmp(bytes, b.bytes, whole) != 0) continue;
    if (rest != 0) {
      const auto mask = static_cast<unsigned char>(0xFF << (8 - rest));
      if ((bytes[whole] & mask) != (b.bytes[whole] & mask)) continue;
    }
    return true;
  }
  return false;
}

}  // namespace madoguchi::http
