#include "i18n/i18n.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "ja/ruby.h"

namespace madoguchi {
namespace fs = std::filesystem;

const std::vector<std::string>& Locales::ids() {
  static const std::vector<std::string> kIds = {"ja", "ja-easy", "en", "zh-Hans", "ko"};
  return kIds;
}

bool Locales::supported(std::string_view id) {
  for (const auto& s : ids()) {
    if (s == id) return true;
  }
  return false;
}

std::string Locales::html_lang(std::string_view id) {
  return id == "ja-easy" ? "ja" : std::string(id);
}

namespace {

// "a.b.c" = "x" → view["a"]["b"]["c"] = "x". A key that is both a leaf and a prefix keeps the
// leaf under "_" so neither is lost.
void put_nested(nlohmann::json& view, const std::string& key, const std::string& text) {
  nlohmann::json* node = &view;
  size_t start = 0;
  for (;;) {
    size_t dot = key.find('.', start);
    std::string part = key.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (dot == std::string::npos) {
      if ((*node).contains(part) && (*node)[part].is_object()) {
        (*node)[part]["_"] = text;
      } else {
        (*node)[part] = text;
      }
      return;
    }
    nlohmann::json& child = (*node)[part];
    if (child.is_string()) child = nlohmann::json{{"_", child.get<std::string>()}};
    if (!child.is_object()) child = nlohmann::json::object();
    node = &child;
    start = dot + 1;
  }
}

}  // namespace

Result<Locales> Locales::load(const std::string& dir) {
  Locales out;
  for (const auto& id : ids()) {
    fs::path sub = fs::path(dir) / id;
    std::error_code ec;
    if (!fs::is_directory(sub, ec)) {
      if (id == "ja") return Status::Invalid("locale folder missing: " + sub.string());
      continue;
    }
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(sub)) {
      if (e.path().extension() == ".json") files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    auto& strings = out.strings_[id];
    for (const auto& f : files) {
      std::ifstream in(f, std::ios::binary);
      std::stringstream buf;
      buf << in.rdbuf();
      nlohmann::json j = nlohmann::json::parse(buf.str(), nullptr, false);
      if (j.is_discarded() || !j.is_object()) {
        return Status::Invalid(f.string() + ": not a JSON object");
      }
      for (auto it = j.begin(); it != j.end(); ++it) {
        if (!it.value().is_string()) return Status::Invalid(f.string() + ": value of '" + it.key() + "' is not a string");
        if (!strings.emplace(it.key(), it.value().get<std::string>()).second) {
          return Status::Invalid(f.string() + ": key '" + it.key() + "' defined twice in " + id);
        }
      }
    }
  }
  const auto& ja = out.strings_["ja"];
  for (const auto& id : ids()) {
    nlohmann::json view = nlohmann::json::object();
    nlohmann::json html_view = nlohmann::json::object();
    auto& own = out.strings_[id];
    for (const auto& [key, text] : ja) {
      auto it = own.find(key);
      const std::string& shown = it != own.end() ? it->second : text;
      put_nested(view, key, shown);
      put_nested(html_view, key, ja::text_html(shown, id));
    }
    for (const auto& [key, text] : own) {
      if (ja.count(key)) continue;
      put_nested(view, key, text);
      put_nested(html_view, key, ja::text_html(text, id));
    }
    out.views_[id] = std::move(view);
    out.html_views_[id] = std::move(html_view);
  }
  return out;
}

const std::string& Locales::t(std::string_view locale, std::string_view key) const {
  auto loc = strings_.find(std::string(locale));
  if (loc != strings_.end()) {
    auto it = loc->second.find(std::string(key));
    if (it != loc->second.end()) return it->second;
  }
  auto ja = strings_.find("ja");
  if (ja != strings_.end()) {
    auto it = ja->second.find(std::string(key));
    if (it != ja->second.end()) return it->second;
  }
  // Interned so the reference stays valid; a unit test keeps this path unused in practice.
  static thread_local std::map<std::string, std::string, std::less<>> missing;
  return missing.try_emplace(std::string(key), std::string(key)).first->second;
}

std::string Locales::t(std::string_view locale, std::string_view key,
                       const std::map<std::string, std::string>& params) const {
  // One pass over the text: a value is inserted as is, never searched for placeholders itself
  // (a file named "{max}.pdf" stays that name), and unknown placeholders are kept.
  const std::string& text = t(locale, key);
  std::string out;
  out.reserve(text.size());
  size_t pos = 0;
  while (pos < text.size()) {
    size_t open = text.find('{', pos);
    if (open == std::string::npos) break;
    size_t close = text.find('}', open + 1);
    if (close == std::string::npos) break;
    auto it = params.find(text.substr(open + 1, close - open - 1));
    if (it == params.end()) {
      out.append(text, pos, open + 1 - pos);
      pos = open + 1;
      continue;
    }
    out.append(text, pos, open - pos);
    out += it->second;
    pos = close + 1;
  }
  out.append(text, pos, std::string::npos);
  return out;
}

bool Locales::has(std::string_view locale, std::string_view key) const {
  auto loc = strings_.find(std::string(locale));
  return loc != strings_.end() && loc->second.count(std::string(key));
}

const nlohmann::json& Locales::html_view(std::string_view locale) const {
  auto it = html_views_.find(std::string(locale));
  if (it != html_views_.end()) return it->second;
  return html_views_.at("ja");
}

const nlohmann::json& Locales::view(std::string_view locale) const {
  auto it = views_.find(std::string(locale));
  if (it != views_.end()) return it->second;
  return views_.at("ja");
}

}  // namespace madoguchi
