// Internal to procedures/: reading YAML nodes while collecting every problem instead of
// stopping at the first, so `check-procedures` can list them all in one run.
#pragma once

#include <initializer_list>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "procedures/catalog.h"
#include "procedures/procedure.h"

namespace madoguchi::procedures::internal {

class YamlReader {
 public:
  YamlReader(std::string file, std::vector<Problem>* problems)
      : file_(std::move(file)), problems_(problems) {}

  // yaml-cpp marks are 0-based; people count lines from 1.
  static int line_of(const YAML::Node& node) {
    return node.Mark().is_null() ? 0 : node.Mark().line + 1;
  }

  void problem(int line, std::string message);
  void problem(const YAML::Node& at, std::string message) { problem(line_of(at), std::move(message)); }
  int count() const { return count_; }
  const std::string& file() const { return file_; }

  // Reports keys of `map` not in `allowed` (with a "did you mean" when one is close) and keys
  // that appear twice. `what` names the thing for the message ("a field", "the procedure").
  void check_keys(const YAML::Node& map, const std::set<std::string>& allowed,
                  const std::string& what);
  // True when `map` is a mapping; reports otherwise.
  bool expect_map(const YAML::Node& node, const std::string& what);
  bool expect_sequence(const YAML::Node& node, const std::string& what);

  // Typed reads of map[key]. Missing keys give nullopt (and a problem when `required`).
  std::optional<std::string> string(const YAML::Node& map, const std::string& key,
                                    const std::string& what, bool required);
  std::optional<int> integer(const YAML::Node& map, const std::string& key,
                             const std::string& what, bool required);
  std::optional<double> number(const YAML::Node& map, const std::string& key,
                               const std::string& what);
  std::optional<bool> boolean(const YAML::Node& map, const std::string& key,
                              const std::string& what);
  std::vector<std::string> string_list(const YAML::Node& map, const std::string& key,
                                       const std::string& what, bool required);
  // A plain string (the ja text) or a mapping locale → text. With `require_ja`, a missing
  // key or a mapping without ja is a problem.
  LocalizedText localized(const YAML::Node& map, const std::string& key, const std::string& what,
                          bool require_ja);
  LocalizedText localized_node(const YAML::Node& node, const std::string& what, bool require_ja);

 private:
  std::string file_;
  std::vector<Problem>* problems_;
  int count_ = 0;
};

// The closest of `candidates` to `word` when it looks like a typo of it, else "".
std::string closest(const std::string& word, const std::set<std::string>& candidates);
// "a, b and c" for messages.
std::string join_words(const std::vector<std::string>& words);
std::string join_words(const std::set<std::string>& words);

bool valid_field_id(const std::string& id);      // [a-z][a-z0-9_]*
bool valid_procedure_id(const std::string& id);  // [a-z0-9-]+
bool valid_page_id(const std::string& id);       // [a-z][a-z0-9_-]*

}  // namespace madoguchi::procedures::internal
