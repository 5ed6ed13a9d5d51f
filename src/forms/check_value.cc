// Normalising and validating one answer. Every error names the field and says what to do;
// a value that fails keeps the resident's typing so the page can show it again.
#include <algorithm>
#include <cmath>
#include <regex>

#include "forms/internal.h"
#include "ja/text.h"

namespace madoguchi::forms::internal {

namespace {

// Limits that apply when a definition sets none, so no answer can grow without bound.
constexpr int kDefaultTextMax = 200;
constexpr int kDefaultTextareaMax = 2000;
constexpr int kDefaultPartMax = 100;
constexpr int kDefaultEmailMax = 254;

using Params = std::map<std::string, std::string>;

constexpr const char* kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Well-formed UTF-8 stays as it is; each broken sequence becomes U+FFFD.
std::string sanitize(const std::string& s) {
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

class Checker {
 public:
  Checker(const Field& f, const std::string& name, const std::string& label, const Context& ctx,
          std::vector<FieldError>* errors)
      : f_(f), name_(name), label_(label), ctx_(ctx), errors_(errors) {}

  Json run(const Json& value);

 private:
  void error(const std::string& part, const std::string& key, Params params = {}) {
    params["label"] = label_;
    if (!part.empty() && !params.count("part")) params["part"] = text(ctx_, "forms.part." + part);
    errors_->push_back({html_id(part.empty() ? name_ : name_ + "." + part), text(ctx_, key, params)});
    failed_ = true;
  }
  // The string a value holds; anything else (a hand-made post) reads as empty.
  std::string str(const Json& v) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_number()) return v.dump();
    return "";
  }
  // Refuses broken UTF-8 and control characters. Broken bytes are stored as U+FFFD (JSON
  // cannot hold them), which is refused in turn, so checking the stored value again fails too.
  bool clean(const std::string& s, const std::string& part) {
    if (ja::is_clean_utf8(s) && s.find(kReplacement) == std::string::npos) return true;
    error(part, "forms.invalid_characters");
    return false;
  }
  bool length_ok(const std::string& s, std::optional<int> max, int default_max,
                 const std::string& part);

  Json text_value(const std::string& typed);
  Json textarea_value(std::string typed);
  Json numeric_value(const std::string& typed);
  Json date_value(const Json& value);
  Json choice_value(const std::string& typed);
  Json checkboxes_value(const Json& value);
  Json name_value(const Json& value);
  Json address_value(const Json& value);
  Json file_value(const Json& value);

  const Field& f_;
  const std::string& name_;
  const std::string& label_;
  const Context& ctx_;
  std::vector<FieldError>* errors_;
  bool failed_ = false;
};

bool Checker::length_ok(const std::string& s, std::optional<int> max, int default_max,
                        const std::string& part) {
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

Json Checker::text_value(const std::string& typed_raw) {
  if (!clean(typed_raw, "")) return sanitize(typed_raw);
  std::string typed = trim(typed_raw);
  if (typed.empty()) {
    if (f_.required) error("", "forms.required");
    return "";
  }
  std::string value = typed;
  if (f_.kana) {
    auto kana = ja::to_katakana_furigana(typed);
    if (!kana) {
      error("", "forms.kana");
      return typed;
    }
    value = *kana;
  } else if (!f_.pattern.empty()) {
    // A pattern means a machine-shaped value (a code, an account number): 全角 digits count.
    value = ja::normalize_ascii_input(typed);
  }
  if (!length_ok(value, f_.max_length, kDefaultTextMax, "")) return typed;
  if (!f_.pattern.empty()) {
    bool ok = false;
    try {
      ok = std::regex_match(value, std::regex(f_.pattern, std::regex::ECMAScript));
    } catch (const std::regex_error&) {
      ok = false;  // the parser refuses bad patterns; this keeps a hand-built one harmless
    }
    if (!ok) {
      if (f_.pattern_message.empty()) {
        error("", "forms.pattern");
      } else {
        std::string msg = f_.pattern_message.get(ctx_.locale);
        if (auto pos = msg.find("{label}"); pos != std::string::npos) msg.replace(pos, 7, label_);
        errors_->push_back({html_id(name_), msg});
        failed_ = true;
      }
      return typed;
    }
  }
  return value;
}

Json Checker::textarea_value(std::string typed) {
  if (!clean(typed, "")) return sanitize(typed);
  // Browsers post CRLF; a resident counts a line break as one character.
  for (size_t pos; (pos = typed.find("\r\n")) != std::string::npos;) typed.erase(pos, 1);
  if (trim(typed).empty()) {
    if (f_.required) error("", "forms.required");
    return "";
  }
  length_ok(typed, f_.max_length, kDefaultTextareaMax, "");
  return typed;
}

Json Checker::numeric_value(const std::string& typed_raw) {
  if (!clean(typed_raw, "")) return sanitize(typed_raw);
  std::string typed = trim(typed_raw);
  if (typed.empty()) {
    if (f_.required) error("", "forms.required");
    return "";
  }
  double n = 0;
  std::string value;
  if (f_.type == FieldType::kInteger) {
    auto v = ja::parse_integer(typed);
    if (!v) {
      error("", "forms.integer");
      return typed;
    }
    n = static_cast<double>(*v);
    value = std::to_string(*v);
  } else {
    auto v = ja::parse_number(typed);
    if (!v || !std::isfinite(*v)) {
      error("", "forms.number");
      return typed;
    }
    n = *v;
    value = ja::normalize_ascii_input(typed);
    value.erase(std::remove(value.begin(), value.end(), ','), value.end());
  }
  std::string unit = f_.unit.get(ctx_.locale);
  auto shown = [&](double x) { return display_number(x) + unit; };
  bool low = f_.min && n < *f_.min, high = f_.max && n > *f_.max;
  if (low || high) {
    if (f_.min && f_.max) {
      error("", "forms.between", {{"min", shown(*f_.min)}, {"max", shown(*f_.max)}});
    } else if (low) {
      error("", "forms.min", {{"min", shown(*f_.min)}});
    } else {
      error("", "forms.max", {{"max", shown(*f_.max)}});
    }
    return typed;
  }
  return value;
}

Json Checker::date_value(const Json& value) {
  if (is_empty(value)) {
    if (f_.required) error("year", "forms.required");
    return "";
  }
  Json typed = value;
  if (typed.is_object()) {
    for (auto& [k, v] : typed.items()) {
      v = v.is_string() ? sanitize(v.get<std::string>()) : "";
    }
  } else if (!typed.is_string()) {
    return "";
  } else if (!clean(typed.get<std::string>(), "year")) {
    return sanitize(typed.get<std::string>());
  }
  bool incomplete = false;
  auto date = parse_date_value(typed, &incomplete);
  if (!date) {
    error("year", incomplete ? "forms.date_incomplete" : "forms.date_invalid");
    return typed;
  }
  if (f_.min_date) {
    if (auto min = procedures::resolve_date_rule(*f_.min_date, ctx_.today); min && *date < *min) {
      error("year", "forms.date_min", {{"date", display_date(ctx_, *min)}});
      return typed;
    }
  }
  if (f_.max_date) {
    if (auto max = procedures::resolve_date_rule(*f_.max_date, ctx_.today); max && *date > *max) {
      error("year", "forms.date_max", {{"date", display_date(ctx_, *max)}});
      return typed;
    }
  }
  return date->iso();
}

Json Checker::choice_value(const std::string& typed_raw) {
  std::string typed = trim(sanitize(typed_raw));
  if (typed.empty()) {
    if (f_.required) error("", "forms.required_choice");
    return "";
  }
  bool known = f_.type == FieldType::kYesNo
                   ? (typed == "yes" || typed == "no")
                   : std::any_of(f_.options.begin(), f_.options.end(),
                                 [&](const auto& o) { return o.value == typed; });
  if (!known) {
    // Kept, so that checking the stored answers again reports it again.
    error("", "forms.option_invalid");
    return typed;
  }
  return typed;
}

Json Checker::checkboxes_value(const Json& value) {
  std::vector<std::string> ticked;
  if (value.is_string() && !value.get<std::string>().empty()) ticked.push_back(sanitize(value.get<std::string>()));
  if (value.is_array()) {
    for (const auto& v : value) {
      if (v.is_string()) ticked.push_back(sanitize(v.get<std::string>()));
    }
  }
  Json out = Json::array();
  bool unknown = false;
  for (const auto& v : ticked) {
    unknown |= v.empty() || std::none_of(f_.options.begin(), f_.options.end(),
                            [&](const auto& o) { return o.value == v; });
  }
  // Stored in the options' order, once each, whatever order the browser posted.
  for (const auto& o : f_.options) {
    if (std::find(ticked.begin(), ticked.end(), o.value) != ticked.end()) out.push_back(o.value);
  }
  if (unknown) {
    // Kept after the known ones so that checking the stored answers again reports them again.
    for (const auto& v : ticked) {
      if (std::find(out.begin(), out.end(), Json(v)) == out.end()) out.push_back(sanitize(v));
    }
    error("", "forms.option_invalid");
  }
  else if (out.empty() && f_.required) error("", "forms.required_choice");
  return out;
}

Json Checker::name_value(const Json& value) {
  Json out = Json::object();
  bool any = false;
  for (const auto& part : parts_of(f_.type)) {
    std::string s = value.is_object() && value.contains(part) ? str(value[part]) : "";
    if (!clean(s, part)) s = sanitize(s);
    // Names are kept exactly as typed (外字, IVS); only the space around them goes.
    out[part] = trim(s);
    any |= !out[part].get<std::string>().empty();
  }
  bool need = f_.required || any;
  for (const auto& part : parts_of(f_.type)) {
    std::string s = out[part].get<std::string>();
    if (s.empty()) {
      if (need) error(part, "forms.required_part");
      continue;
    }
    if (!length_ok(s, f_.max_length, kDefaultPartMax, part)) continue;
    if (part.ends_with("_kana")) {
      if (auto kana = ja::to_katakana_furigana(s)) out[part] = *kana;
      else error(part, "forms.part_kana");
    }
  }
  return out;
}

Json Checker::address_value(const Json& value) {
  static const std::vector<std::string> kRequiredParts = {"postal_code", "prefecture", "city",
                                                          "street"};
  Json out = Json::object();
  bool any = false;
  for (const auto& part : parts_of(f_.type)) {
    std::string s = value.is_object() && value.contains(part) ? str(value[part]) : "";
    if (!clean(s, part)) s = sanitize(s);
    out[part] = trim(s);
    any |= !out[part].get<std::string>().empty();
  }
  bool need = f_.required || any;
  for (const auto& part : parts_of(f_.type)) {
    std::string s = out[part].get<std::string>();
    if (s.empty()) {
      if (need && std::find(kRequiredParts.begin(), kRequiredParts.end(), part) != kRequiredParts.end()) {
        error(part, "forms.required_part");
      }
      continue;
    }
    if (part == "postal_code") {
      if (auto code = ja::normalize_postal_code(s)) out[part] = *code;
      else error(part, "forms.postal_code");
      continue;
    }
    length_ok(s, std::nullopt, kDefaultPartMax, part);
  }
  return out;
}

Json Checker::file_value(const Json& value) {
  Json out = Json::array();
  if (value.is_array()) {
    for (const auto& ref : value) {
      if (ref.is_object() && ref.contains("id") && ref["id"].is_string()) out.push_back(ref);
    }
  }
  if (out.empty()) {
    if (f_.required) error("", "forms.required_file");
    return out;
  }
  if (out.size() > static_cast<size_t>(f_.max_files)) {
    error("", "forms.file_max", {{"max", std::to_string(f_.max_files)}});
  }
  std::vector<std::string> accept = f_.accept;
  if (accept.empty()) accept = {"application/pdf", "image/jpeg", "image/png"};
  for (const auto& ref : out) {
    std::string type = ref.contains("type") && ref["type"].is_string() ? ref["type"].get<std::string>() : "";
    if (std::find(accept.begin(), accept.end(), type) == accept.end()) {
      std::string types;
      for (const auto& a : accept) {
        std::string shortname = a.substr(a.find('/') + 1);
        std::transform(shortname.begin(), shortname.end(), shortname.begin(), ::toupper);
        types += (types.empty() ? "" : ", ") + shortname;
      }
      error("", "forms.file_type", {{"types", types}});
      break;
    }
  }
  return out;
}

Json Checker::run(const Json& value) {
  switch (f_.type) {
    case FieldType::kText: return text_value(str(value));
    case FieldType::kTextarea: return textarea_value(str(value));
    case FieldType::kNumber:
    case FieldType::kInteger: return numeric_value(str(value));
    case FieldType::kDate: return date_value(value);
    case FieldType::kSelect:
    case FieldType::kRadio:
    case FieldType::kYesNo: return choice_value(str(value));
    case FieldType::kCheckboxes: return checkboxes_value(value);
    case FieldType::kEmail:
    case FieldType::kPhone: {
      std::string typed_raw = str(value);
      if (!clean(typed_raw, "")) return sanitize(typed_raw);
      std::string typed = trim(typed_raw);
      if (typed.empty()) {
        if (f_.required) error("", "forms.required");
        return "";
      }
      bool email = f_.type == FieldType::kEmail;
      auto v = email ? ja::normalize_email(typed) : ja::normalize_phone(typed);
      if (!v) {
        error("", email ? "forms.email" : "forms.phone");
        return typed;
      }
      if (email && !length_ok(*v, f_.max_length, kDefaultEmailMax, "")) return typed;
      return *v;
    }
    case FieldType::kPostalAddress: return address_value(value);
    case FieldType::kPersonName: return name_value(value);
    case FieldType::kFile: return file_value(value);
    case FieldType::kFieldset:
    case FieldType::kGroup: break;
  }
  return value;
}

}  // namespace

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

Json check_value(const Field& f, const Json& value, const std::string& name,
                 const std::string& label, const Context& ctx, std::vector<FieldError>* errors) {
  Checker checker(f, name, label, ctx, errors);
  return checker.run(value);
}

}  // namespace madoguchi::forms::internal
