// Internal to procedures/: the pieces of parse_procedure, split so each file holds one idea.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "core/date.h"
#include "procedures/procedure.h"
#include "procedures/yaml_reader.h"

namespace madoguchi::procedures::internal {

// A condition leaf waiting for every field to be known: fields defined on later pages may be
// named, so references are checked after the whole file is read.
struct ConditionRef {
  std::string field;                // the id the condition names
  std::vector<std::string> values;  // equals / one_of values, to check against options
  std::string owner;                // the field (or "page <id>") the condition belongs to
  std::string group;                // the enclosing group, whose children are siblings
  int line = 0;
};

struct ParseState {
  YamlReader& r;
  std::vector<ConditionRef> refs;
  std::vector<ConditionRef> decision_refs;  // conditions of the decision's fields
};

std::optional<Condition> read_condition(ParseState& s, const YAML::Node& n,
                                        const std::string& owner, const std::string& group);

// `container` is "page" / "fieldset" / "group" so that nesting rules can be enforced.
std::vector<Field> read_fields(ParseState& s, const YAML::Node& list, const std::string& container,
                               const std::string& group);

// The `decision:` block, or nullopt when the definition has none.
std::optional<Decision> read_decision(ParseState& s, const YAML::Node& root);

// The `document:` block, or nullopt when the definition has none; check_document checks the
// ids it names against the procedure's fields and decision once everything is read.
std::optional<DocumentTemplate> read_document(ParseState& s, const YAML::Node& root);
void check_document(ParseState& s, const Procedure& p);

// Cross-references once everything is read: ids, conditions, route, organisation ids, fee.
void check_procedure(ParseState& s, const Procedure& p, const Organisation& org,
                     const YAML::Node& root);

}  // namespace madoguchi::procedures::internal
