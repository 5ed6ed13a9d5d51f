// UI strings. Every piece of text a page shows comes from locales/<id>/*.json (flat objects
// "key": "text"), never from C++. Files of one locale are merged; a key defined twice in one
// locale is a load error. Missing keys fall back to ja.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"

namespace madoguchi {

class Locales {
 public:
  // The supported locale ids, ja first: "ja", "ja-easy", "en", "zh-Hans", "ko".
  static const std::vector<std::string>& ids();
  static bool supported(std::string_view id);
  // The value for <html lang>: "ja-easy" → "ja"; others unchanged.
  static std::string html_lang(std::string_view id);

  // Loads locales/<id>/*.json for every supported id. Fails when ja is missing or a file is
  // not a flat JSON object of strings.
  static Result<Locales> load(const std::string& dir);

  // The text of `key` in `locale`, else in ja, else the key itself (a test catches missing
  // keys; a page never shows a blank).
  const std::string& t(std::string_view locale, std::string_view key) const;
  // As t(), with "{name}" placeholders replaced from params.
  std::string t(std::string_view locale, std::string_view key,
                const std::map<std::string, std::string>& params) const;
  // True when `locale` itself defines `key`.
  bool has(std::string_view locale, std::string_view key) const;
  // Every string of a locale (ja filled in where missing), for templates: {{t.key}}.
  // Keys with dots are nested: "form.next" is reachable as {{t.form.next}}.
  const nlohmann::json& view(std::string_view locale) const;
  // The same strings as HTML (ja::text_html: escaped, and in ja-easy a reading written
  // 「区役所(くやくしょ)」 becomes ruby), for templates: {{{t_html.key}}} in element content.
  // Placeholders are left as written, so only keys without them belong there.
  const nlohmann::json& html_view(std::string_view locale) const;
  // Keys per locale, for the completeness test.
  const std::map<std::string, std::map<std::string, std::string>>& raw() const { return strings_; }

 private:
  std::map<std::string, std::map<std::string, std::string>> strings_;  // locale → key → text
  std::map<std::string, nlohmann::json> views_;
  std::map<std::string, nlohmann::json> html_views_;
};

}  // namespace madoguchi
