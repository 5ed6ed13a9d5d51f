// What checking one answer shares across field types: messages that name the field and say
// what to do, and the reading of typed text. Each type's own rules are in forms/types/.
#include "forms/field_type.h"
#include "forms/internal.h"
#include "ja/text.h"

namespace madoguchi::forms {

using internal::html_id;
using internal::text;

namespace {

constexpr const char* kReplacement = "\xEF\xBF\xBD";  // U+FFFD

}  // namespace

void ValueChecker::error(const std::string& part, const std::string& key, std::map<std::string, std::string> params) {
  params["label"] = label_;
  if (!part.empty() && !params.count("part")) params["part"] = text(ctx_, "forms.part." + part);
  errors_->push_back({html_id(part.empty() ? name_ : name_ + "." + part), text(ctx_, key, params)});
  failed_ = true;
}

void ValueChecker::error_text(const std::string& message) {
  errors_->push_back({html_id(name_), message});
  failed_ = true;
}

std::string ValueChecker::str(const Json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number()) return v.dump();
  return "";
}

std::string ValueChecker::sanitize(const std::string& s) {
  std::string out;
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    bool ok = len > 0 && i + len <= s.size();
    for (size_t k = 1; ok && k < len; ++k) ok = (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
    if (ok && len > 1) {
      // Overlong forms, surrogates and values past U+10FFFF are not UTF-8 either.
      unsigned cp = c & (0xFF >> (len + 1));
      for (size_t k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
      static const unsigned kMin[] = {0, 0, 0x80, 0x800, 0x10000};
      ok = cp >= kMin[len] && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF);
    }
    if (ok) {
      out.append(s, i, len);
      i += len;
    } else {
      out += kReplacement;
      ++i;
    }
  }
  return out;
}

// Broken bytes are stored as U+FFFD (JSON cannot hold them), which is refused in turn, so
// checking the stored value again fails too.
bool ValueChecker::clean(const std::string& s, const std::string& part) {
  if (ja::is_clean_utf8(s) && s.find(kReplacement) == std::string::npos) return true;
  error(part, "forms.invalid_characters");
  return false;
}

bool ValueChecker::length_ok(const std::string& s, std::optional<int> max, int default_max, const std::string& part) {
  size_t count = ja::char_count(s);
  size_t limit = static_cast<size_t>(max.value_or(default_max));
  if (count > limit) {
    error(part, part.empty() ? "forms.too_long" : "forms.part_too_long",
          {{"max", std::to_string(limit)}, {"count", std::to_string(count)}});
    return false;
  }
  if (part.empty() && f_.min_length && count < static_cast<size_t>(*f_.min_length)) {
    error(part, "forms.too_short",
          {{"min", std::to_string(*f_.min_length)}, {"count", std::to_string(count)}});
    return false;
  }
  return true;
}

std::optional<std::string> ValueChecker::typed_text(const Json& value, Json* done) {
  std::string typed_raw = str(value);
  if (!clean(typed_raw, "")) {
    *done = sanitize(typed_raw);
    return std::nullopt;
  }
  std::string typed = internal::trim(typed_raw);
  if (typed.empty()) {
    if (f_.required) error("", "forms.required");
    *done = "";
    return std::nullopt;
  }
  return typed;
}

namespace internal {

std::string trim(const std::string& s) {
  auto is_space_at = [&](size_t i, size_t* len) {
    if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
      *len = 1;
      return true;
    }
    if (s.compare(i, 3, "\xE3\x80\x80") == 0) {
      *len = 3;
      return true;
    }
    return false;
  };
  size_t begin = 0, len = 0;
  while (begin < s.size() && is_space_at(begin, &len)) begin += len;
  size_t end = s.size();
  while (end > begin) {
    if (s[end - 1] == ' ' || s[end - 1] == '\t' || s[end - 1] == '\n' || s[end - 1] == '\r') {
      --end;
    } else if (end - begin >= 3 && s.compare(end - 3, 3, "\xE3\x80\x80") == 0) {
      end -= 3;
    } else {
      break;
    }
  }
  return s.substr(begin, end - begin);
}

}  // namespace internal

}  // namespace madoguchi::forms
