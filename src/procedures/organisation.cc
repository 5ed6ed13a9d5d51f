#include <yaml-cpp/yaml.h>

#include "procedures/catalog.h"
#include "procedures/yaml_reader.h"

namespace madoguchi::procedures {

using internal::YamlReader;

namespace {

// departments, categories and life events share one shape: id → localised name.
void read_named(YamlReader& r, const YAML::Node& root, const std::string& key,
                std::map<std::string, LocalizedText>* out) {
  YAML::Node n = root[key];
  if (!n || n.IsNull()) {
    r.problem(root, "The organisation file has no '" + key + "'; add it.");
    return;
  }
  if (!r.expect_map(n, "'" + key + "'")) return;
  for (auto it = n.begin(); it != n.end(); ++it) {
    const std::string id = it->first.Scalar();
    if (!internal::valid_page_id(id)) {
      r.problem(it->first, "The id '" + id + "' in '" + key +
                               "' is not valid; use lower-case letters, digits, '_' and '-', "
                               "starting with a letter.");
      continue;
    }
    if (out->count(id)) {
      r.problem(it->first, "The id '" + id + "' appears twice in '" + key + "'; keep only one.");
      continue;
    }
    (*out)[id] = r.localized_node(it->second, "'" + key + "." + id + "'", true);
  }
}

void read_roles(YamlReader& r, const YAML::Node& root, std::map<std::string, Role>* out) {
  YAML::Node n = root["roles"];
  if (!n || n.IsNull()) {
    r.problem(root, "The organisation file has no 'roles'; add the staff roles with their ranks.");
    return;
  }
  if (!r.expect_map(n, "'roles'")) return;
  for (auto it = n.begin(); it != n.end(); ++it) {
    const std::string id = it->first.Scalar();
    const std::string what = "the role '" + id + "'";
    if (!internal::valid_page_id(id)) {
      r.problem(it->first, "The role id '" + id + "' is not valid; use lower-case letters, "
                                                   "digits, '_' and '-', starting with a letter.");
      continue;
    }
    if (out->count(id)) {
      r.problem(it->first, "The role '" + id + "' is defined twice; keep only one.");
      continue;
    }
    if (!r.expect_map(it->second, what)) continue;
    r.check_keys(it->second, {"title", "rank"}, what);
    Role role;
    role.id = id;
    role.title = r.localized(it->second, "title", what, true);
    if (auto rank = r.integer(it->second, "rank", what, true)) {
      if (*rank < 1) {
        r.problem(it->second["rank"], "The rank of " + what + " must be 1 or more.");
      }
      role.rank = *rank;
    }
    (*out)[id] = std::move(role);
  }
}

}  // namespace

Result<Organisation> parse_organisation(const std::string& text, const std::string& file,
                                        std::vector<Problem>* problems) {
  YamlReader r(file, problems);
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    r.problem(e.mark.line + 1, "The file is not valid YAML: " + e.msg + ".");
    return Status::Invalid(file + ": not valid YAML");
  }
  if (!r.expect_map(root, "The organisation file")) {
    return Status::Invalid(file + ": not a mapping");
  }
  r.check_keys(root, {"departments", "roles", "categories", "life_events"},
               "the organisation file");
  Organisation org;
  read_named(r, root, "departments", &org.departments);
  read_roles(r, root, &org.roles);
  read_named(r, root, "categories", &org.categories);
  read_named(r, root, "life_events", &org.life_events);
  if (r.count() > 0) {
    return Status::Invalid(file + ": " + std::to_string(r.count()) + " problem(s)");
  }
  return org;
}

}  // namespace madoguchi::procedures
