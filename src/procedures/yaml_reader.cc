#include "procedures/yaml_reader.h"

#include "ja/text.h"

#include <algorithm>
#include <map>

#include "i18n/i18n.h"

namespace madoguchi::procedures::internal {

namespace {

size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: return "a mapping";
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Null: return "empty";
    default: return "'" + node.Scalar() + "'";
  }
}

}  // namespace

std::string closest(const std::string& word, const std::set<std::string>& candidates) {
  std::string best;
  size_t best_distance = std::max<size_t>(2, word.size() / 3) + 1;
  for (const auto& c : candidates) {
    size_t d = edit_distance(word, c);
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  return best;
}

std::string join_words(const std::vector<std::string>& words) {
  std::string out;
  for (size_t i = 0; i < words.size(); ++i) {
    if (i > 0) out += (i + 1 == words.size()) ? " and " : ", ";
    out += words[i];
  }
  return out;
}

std::string join_words(const std::set<std::string>& words) {
  return join_words(std::vector<std::string>(words.begin(), words.end()));
}

static bool all_chars(const std::string& s, size_t from, bool (*ok)(char)) {
  return std::all_of(s.begin() + static_cast<long>(from), s.end(), ok);
}

bool valid_field_id(const std::string& id) {
  return !id.empty() && id[0] >= 'a' && id[0] <= 'z' && id.size() <= 64 &&
         all_chars(id, 1, [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
}

bool valid_procedure_id(const std::string& id) {
  return !id.empty() && id.size() <= 64 &&
         all_chars(id, 0, [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; });
}

bool valid_page_id(const std::string& id) {
  return !id.empty() && id[0] >= 'a' && id[0] <= 'z' && id.size() <= 64 &&
         all_chars(id, 1, [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
         });
}

void YamlReader::problem(int line, std::string message) {
  ++count_;
  // Messages put the thing they describe ("the procedure", "the field 'x'") wherever the
  // sentence needs it; one that starts with it still starts with a capital.
  // (Key names such as min_items stay as written.)
  if (message.rfind("the ", 0) == 0) message[0] = 'T';
  if (problems_) problems_->push_back(Problem{file_, line, std::move(message)});
}

void YamlReader::check_keys(const YAML::Node& map, const std::set<std::string>& allowed,
                            const std::string& what) {
  if (!map.IsMap()) return;
  std::map<std::string, int> seen;
  for (auto it = map.begin(); it != map.end(); ++it) {
    if (!it->first.IsScalar()) {
      problem(it->first, "A key in " + what + " is not a plain word; keys are names like 'label'.");
      continue;
    }
    const std::string key = it->first.Scalar();
    int line = line_of(it->first);
    if (auto [pos, inserted] = seen.emplace(key, line); !inserted) {
      problem(line, "The key '" + key + "' appears twice in " + what + " (first at line " +
                        std::to_string(pos->second) + "); keep only one.");
      continue;
    }
    if (allowed.count(key)) continue;
    std::string hint = closest(key, allowed);
    if (!hint.empty()) {
      problem(line, "Unknown key '" + key + "' in " + what + "; did you mean '" + hint + "'?");
    } else {
      problem(line, "Unknown key '" + key + "' in " + what + "; the keys allowed here are " +
                        join_words(allowed) + ".");
    }
  }
}

bool YamlReader::expect_map(const YAML::Node& node, const std::string& what) {
  if (node.IsMap()) return true;
  problem(node, what + " must be a mapping of keys to values, but it is " + describe(node) + ".");
  return false;
}

bool YamlReader::expect_sequence(const YAML::Node& node, const std::string& what) {
  if (node.IsSequence()) return true;
  problem(node, what + " must be a list (lines starting with '- '), but it is " +
                    describe(node) + ".");
  return false;
}

std::optional<std::string> YamlReader::string(const YAML::Node& map, const std::string& key,
                                              const std::string& what, bool required) {
  YAML::Node n = map[key];
  if (!n || n.IsNull()) {
    if (required) problem(map, what + " has no '" + key + "'; add it.");
    return std::nullopt;
  }
  if (!n.IsScalar()) {
    problem(n, "'" + key + "' in " + what + " must be a single value, but it is " + describe(n) + ".");
    return std::nullopt;
  }
  if (n.Scalar().empty() && required) {
    problem(n, "'" + key + "' in " + what + " is empty; give it a value.");
    return std::nullopt;
  }
  return n.Scalar();
}

std::optional<int> YamlReader::integer(const YAML::Node& map, const std::string& key,
                                       const std::string& what, bool required) {
  YAML::Node n = map[key];
  if (!n || n.IsNull()) {
    if (required) problem(map, what + " has no '" + key + "'; add it as a whole number.");
    return std::nullopt;
  }
  try {
    if (n.IsScalar()) return n.as<int>();
  } catch (const YAML::Exception&) {
  }
  problem(n, "'" + key + "' in " + what + " must be a whole number, but it is " + describe(n) + ".");
  return std::nullopt;
}

std::optional<double> YamlReader::number(const YAML::Node& map, const std::string& key,
                                         const std::string& what) {
  YAML::Node n = map[key];
  if (!n || n.IsNull()) return std::nullopt;
  try {
    if (n.IsScalar()) return n.as<double>();
  } catch (const YAML::Exception&) {
  }
  problem(n, "'" + key + "' in " + what + " must be a number, but it is " + describe(n) + ".");
  return std::nullopt;
}

std::optional<bool> YamlReader::boolean(const YAML::Node& map, const std::string& key,
                                        const std::string& what) {
  YAML::Node n = map[key];
  if (!n || n.IsNull()) return std::nullopt;
  if (n.IsScalar() && (n.Scalar() == "true" || n.Scalar() == "false")) return n.Scalar() == "true";
  problem(n, "'" + key + "' in " + what + " must be true or false, but it is " + describe(n) + ".");
  return std::nullopt;
}

std::vector<std::string> YamlReader::string_list(const YAML::Node& map, const std::string& key,
                                                 const std::string& what, bool required) {
  std::vector<std::string> out;
  YAML::Node n = map[key];
  if (!n || n.IsNull()) {
    if (required) problem(map, what + " has no '" + key + "'; add it as a list.");
    return out;
  }
  if (!expect_sequence(n, "'" + key + "' in " + what)) return out;
  for (const auto& item : n) {
    if (item.IsScalar() && !item.Scalar().empty()) {
      out.push_back(item.Scalar());
    } else {
      problem(item, "Each entry of '" + key + "' in " + what + " must be a single word, but one is " +
                        describe(item) + ".");
    }
  }
  if (out.empty() && required && n.size() == 0) {
    problem(n, "'" + key + "' in " + what + " is an empty list; give at least one entry.");
  }
  return out;
}

LocalizedText YamlReader::localized(const YAML::Node& map, const std::string& key,
                                    const std::string& what, bool require_ja) {
  YAML::Node n = map[key];
  if (!n || n.IsNull()) {
    if (require_ja) problem(map, what + " has no '" + key + "'; add " + key + ": {ja: …}.");
    return {};
  }
  // A text that is given must have its ja version, optional or not: ja is every page's
  // fallback.
  return localized_node(n, "'" + key + "' of " + what, true);
}

LocalizedText YamlReader::localized_node(const YAML::Node& n, const std::string& what,
                                         bool require_ja) {
  LocalizedText text;
  if (n.IsScalar()) {
    if (!n.Scalar().empty()) text.by_locale["ja"] = ja::remove_spaces_between_cjk(n.Scalar());
  } else if (n.IsMap()) {
    std::set<std::string> locales(Locales::ids().begin(), Locales::ids().end());
    check_keys(n, locales, what);
    for (auto it = n.begin(); it != n.end(); ++it) {
      if (!it->first.IsScalar() || !locales.count(it->first.Scalar())) continue;
      if (!it->second.IsScalar() || it->second.Scalar().empty()) {
        problem(it->second, "The " + it->first.Scalar() + " text of " + what +
                                " must be a non-empty string.");
        continue;
      }
      const std::string& locale = it->first.Scalar();
      // Folded YAML joins lines with a space; Japanese and Chinese prose has none.
      text.by_locale[locale] = (locale == "ja" || locale == "zh-Hans")
                                   ? ja::remove_spaces_between_cjk(it->second.Scalar())
                                   : it->second.Scalar();
    }
  } else {
    problem(n, what + " must be a text or a mapping of locale to text, but it is " +
                   describe(n) + ".");
    return text;
  }
  if (require_ja && !text.by_locale.count("ja")) {
    problem(n, what + " has no ja text; every text needs at least its Japanese version.");
  }
  return text;
}

}  // namespace madoguchi::procedures::internal
