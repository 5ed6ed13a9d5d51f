// Checks that need the whole definition: unique ids, what conditions name, the route against
// the organisation's ranks, the fee's copy field.
#include <map>
#include <set>

#include "procedures/parse_internal.h"

namespace madoguchi::procedures::internal {

namespace {

using Scope = std::map<std::string, const Field*>;

// "the field 'kind_other'" or "the page 'proxy'", for messages.
std::string owner_words(const std::string& owner) {
  if (owner.rfind("page ", 0) == 0) return "the page '" + owner.substr(5) + "'";
  return "the field '" + owner + "'";
}

// Collects the ids answered at one level: a fieldset's children belong to the level around
// it; a group's children form their own level (its rows).
void collect(ParseState& s, const std::vector<Field>& fields, Scope* scope,
             std::map<std::string, Scope>* groups) {
  for (const auto& f : fields) {
    if (f.id.empty()) continue;
    if (auto [it, inserted] = scope->emplace(f.id, &f); !inserted) {
      s.r.problem(f.line, "The field id '" + f.id + "' is used twice (first at line " +
                              std::to_string(it->second->line) +
                              "); field ids must be unique within the procedure.");
    }
    if (f.type == FieldType::kFieldset) collect(s, f.children, scope, groups);
    if (f.type == FieldType::kGroup) collect(s, f.children, &(*groups)[f.id], groups);
  }
}

void check_values(ParseState& s, const ConditionRef& ref, const Field& target) {
  std::set<std::string> allowed;
  if (target.type == FieldType::kYesNo) {
    allowed = {"yes", "no"};
  } else {
    for (const auto& o : target.options) allowed.insert(o.value);
  }
  if (allowed.empty()) return;
  for (const auto& v : ref.values) {
    if (allowed.count(v)) continue;
    std::string hint = closest(v, allowed);
    s.r.problem(ref.line, "The condition of " + owner_words(ref.owner) + " compares '" + ref.field +
                              "' with '" + v + "', which is not one of its values (" +
                              join_words(allowed) + ")" +
                              (hint.empty() ? "." : "; did you mean '" + hint + "'?"));
  }
}

void check_refs(ParseState& s, const Scope& top, const std::map<std::string, Scope>& groups) {
  for (const auto& ref : s.refs) {
    if (ref.field == ref.owner) {
      s.r.problem(ref.line, "The field '" + ref.owner + "' cannot depend on itself; name "
                                                        "another field in its condition.");
      continue;
    }
    const Field* target = nullptr;
    if (!ref.group.empty()) {
      auto g = groups.find(ref.group);
      if (g != groups.end()) {
        if (auto it = g->second.find(ref.field); it != g->second.end()) target = it->second;
      }
    }
    if (!target) {
      if (auto it = top.find(ref.field); it != top.end()) target = it->second;
    }
    if (target) {
      if (target->type == FieldType::kFieldset || target->type == FieldType::kGroup) {
        if (target->type == FieldType::kFieldset || !ref.values.empty()) {
          s.r.problem(ref.line, "The condition of " + owner_words(ref.owner) + " names the " +
                                    field_type_name(target->type) + " '" + ref.field +
                                    "'; name one of its fields instead.");
        }
        continue;
      }
      check_values(s, ref, *target);
      continue;
    }
    std::string inside;
    for (const auto& [gid, scope] : groups) {
      if (scope.count(ref.field)) inside = gid;
    }
    if (!inside.empty()) {
      s.r.problem(ref.line, "The condition of " + owner_words(ref.owner) + " names '" + ref.field +
                                "', which is only inside the rows of the group '" + inside +
                                "'; only fields of the same group can look at a row.");
      continue;
    }
    std::set<std::string> names;
    for (const auto& [id, f] : top) names.insert(id);
    std::string hint = closest(ref.field, names);
    s.r.problem(ref.line, "The condition of " + owner_words(ref.owner) + " names the field '" + ref.field +
                              "', which does not exist in this procedure" +
                              (hint.empty() ? "." : "; did you mean '" + hint + "'?"));
  }
}

void check_org_ids(ParseState& s, const Procedure& p, const Organisation& org,
                   const YAML::Node& root) {
  auto keys = [](const auto& map) {
    std::set<std::string> out;
    for (const auto& [k, v] : map) out.insert(k);
    return out;
  };
  auto unknown = [&](const std::string& what, const std::string& id, const std::set<std::string>& known,
                     const YAML::Node& at) {
    std::string hint = closest(id, known);
    s.r.problem(at, "Unknown " + what + " '" + id + "'; " +
                        (hint.empty() ? "use one of " + join_words(known) + " or add it to organisation.yaml."
                                      : "did you mean '" + hint + "'?"));
  };
  if (!p.department.empty() && !org.departments.count(p.department)) {
    unknown("department", p.department, keys(org.departments), root["department"]);
  }
  if (!p.category.empty() && !org.categories.count(p.category)) {
    unknown("category", p.category, keys(org.categories), root["category"]);
  }
  for (const auto& e : p.life_events) {
    if (!org.life_events.count(e)) unknown("life event", e, keys(org.life_events), root["life_events"]);
  }
}

void check_route(ParseState& s, const Procedure& p, const Organisation& org, const YAML::Node& root) {
  const Role* previous = nullptr;
  std::set<std::string> known;
  for (const auto& [id, role] : org.roles) known.insert(id);
  for (const auto& id : p.route) {
    auto it = org.roles.find(id);
    if (it == org.roles.end()) {
      std::string hint = closest(id, known);
      s.r.problem(root["route"], "The route names the role '" + id +
                                     "', which organisation.yaml does not define" +
                                     (hint.empty() ? "; use one of " + join_words(known) + "."
                                                   : "; did you mean '" + hint + "'?"));
      previous = nullptr;
      continue;
    }
    if (previous && it->second.rank < previous->rank) {
      s.r.problem(root["route"], "The route goes down in rank from '" + previous->id + "' (rank " +
                                     std::to_string(previous->rank) + ") to '" + id + "' (rank " +
                                     std::to_string(it->second.rank) +
                                     "); each step must be of the same or a higher rank.");
    }
    previous = &it->second;
  }
}

}  // namespace

// The decision's conditions may name "outcome" (its values are the outcomes') and the
// decision's own fields; the resident's answers are not in scope, because staff fill in the
// decision apart from them.
void check_decision(ParseState& s, const Decision& d) {
  Field outcome;
  outcome.id = "outcome";
  outcome.type = FieldType::kRadio;
  for (const auto& o : d.outcomes) outcome.options.push_back({o.value, o.label});
  Scope scope{{"outcome", &outcome}};
  std::map<std::string, Scope> groups;
  ParseState own{s.r, std::move(s.decision_refs), {}};
  collect(own, d.fields, &scope, &groups);
  check_refs(own, scope, groups);
  for (const auto& id : d.shown_to_resident) {
    if (!scope.count(id) || id == "outcome") {
      s.r.problem(d.line, "shown_to_resident names '" + id + "', which is not a field of the decision.");
    }
  }
}

void check_procedure(ParseState& s, const Procedure& p, const Organisation& org,
                     const YAML::Node& root) {
  if (p.decision) check_decision(s, *p.decision);
  Scope top;
  std::map<std::string, Scope> groups;
  for (const auto& page : p.pages) collect(s, page.fields, &top, &groups);
  check_refs(s, top, groups);
  check_org_ids(s, p, org, root);
  check_route(s, p, org, root);
  if (!p.fee.per_copy_field.empty()) {
    auto it = top.find(p.fee.per_copy_field);
    if (it == top.end() || it->second->type != FieldType::kInteger) {
      s.r.problem(root["fee"]["per_copy_field"],
                  "per_copy_field '" + p.fee.per_copy_field +
                      "' must name an integer field outside any group (the number of copies).");
    }
  }
}

}  // namespace madoguchi::procedures::internal
