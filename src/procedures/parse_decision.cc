// The `decision:` block of a definition: the outcomes staff choose from, the fields they fill
// in while deciding, what the resident sees, and the appeal text.
#include <algorithm>
#include <set>

#include "procedures/parse_internal.h"

namespace madoguchi::procedures::internal {

namespace {

std::optional<Outcome::Kind> parse_kind(const std::string& s) {
  if (s == "granted") return Outcome::Kind::kGranted;
  if (s == "partly_granted") return Outcome::Kind::kPartlyGranted;
  if (s == "refused") return Outcome::Kind::kRefused;
  return std::nullopt;
}

std::vector<Outcome> read_outcomes(YamlReader& r, const YAML::Node& d) {
  std::vector<Outcome> out;
  YAML::Node n = d["outcomes"];
  if (!n || n.IsNull() || (n.IsSequence() && n.size() == 0)) {
    r.problem(n ? n : d, "The decision has no 'outcomes'; list what staff can decide (e.g. 交付 and 不交付).");
    return out;
  }
  if (!r.expect_sequence(n, "'outcomes' of the decision")) return out;
  std::set<std::string> seen;
  for (const auto& item : n) {
    if (!r.expect_map(item, "An outcome")) continue;
    r.check_keys(item, {"value", "kind", "label"}, "an outcome");
    Outcome o;
    o.label = r.localized(item, "label", "An outcome", true);
    auto kind = r.string(item, "kind", "An outcome", true);
    if (kind) {
      if (auto k = parse_kind(*kind)) {
        o.kind = *k;
      } else {
        r.problem(item["kind"], "Unknown outcome kind '" + *kind + "'; use granted, partly_granted or refused.");
      }
    }
    auto value = r.string(item, "value", "An outcome", true);
    if (!value) continue;
    o.value = *value;
    if (!valid_page_id(o.value)) {
      r.problem(item["value"],
                "The outcome value '" + o.value + "' is not valid; use lower-case letters, digits, '_' and '-'.");
    }
    if (!seen.insert(o.value).second) {
      r.problem(item["value"], "The outcome value '" + o.value + "' is used twice.");
    }
    out.push_back(std::move(o));
  }
  return out;
}

}  // namespace

std::optional<Decision> read_decision(ParseState& s, const YAML::Node& root) {
  YAML::Node d = root["decision"];
  if (!d || d.IsNull()) return std::nullopt;
  if (!s.r.expect_map(d, "'decision'")) return std::nullopt;
  s.r.check_keys(d, {"outcomes", "fields", "shown_to_resident", "appeal"}, "the decision");
  Decision out;
  out.line = YamlReader::line_of(d);
  out.outcomes = read_outcomes(s.r, d);
  if (d["fields"] && !d["fields"].IsNull()) {
    // Conditions here are checked against the decision's own fields (check_decision), not
    // the resident's answers, so they go to a list of their own.
    ParseState own{s.r, {}, {}};
    out.fields = read_fields(own, d["fields"], "decision", "");
    s.decision_refs = std::move(own.refs);
  }
  for (const auto& f : out.fields) {
    if (f.id == "outcome" || f.id == "reason") {
      s.r.problem(f.line, "The decision field id '" + f.id + "' is reserved; choose another id.");
    }
    if (f.type == FieldType::kFile || f.type == FieldType::kGroup) {
      s.r.problem(f.line, std::string("A decision field cannot be a ") + field_type_name(f.type) + " field (" + f.id +
                              "); staff record the decision in words and values.");
    }
  }
  out.shown_to_resident = s.r.string_list(d, "shown_to_resident", "the decision", false);
  out.appeal = s.r.localized(d, "appeal", "the decision", false);
  const bool refusable = std::any_of(out.outcomes.begin(), out.outcomes.end(),
                                     [](const Outcome& o) { return o.kind == Outcome::Kind::kRefused; });
  if (refusable && out.appeal.empty()) {
    s.r.problem(d,
                "The decision can refuse but has no 'appeal'; write the 教示文 (how to ask for a "
                "review, to whom, within how long).");
  }
  return out;
}

}  // namespace madoguchi::procedures::internal
