// The `document:` block of a definition: the certificate or decision notice issued on a
// granted decision, and which answers and decision fields it shows.
#include <algorithm>
#include <map>
#include <set>

#include "procedures/parse_internal.h"

namespace madoguchi::procedures::internal {

namespace {

// Fields whose answer is a top-level answer: every field but a group's children (fieldsets
// only group their children on the page).
void answer_fields(const std::vector<Field>& fields, std::map<std::string, const Field*>* out) {
  for (const auto& f : fields) {
    (*out)[f.id] = &f;
    if (f.type == FieldType::kFieldset) answer_fields(f.children, out);
  }
}

}  // namespace

std::optional<DocumentTemplate> read_document(ParseState& s, const YAML::Node& root) {
  YAML::Node d = root["document"];
  if (!d || d.IsNull()) return std::nullopt;
  if (!s.r.expect_map(d, "'document'")) return std::nullopt;
  s.r.check_keys(d, {"kind", "title", "answers", "decision_fields"}, "the document");
  DocumentTemplate out;
  out.line = YamlReader::line_of(d);
  if (auto kind = s.r.string(d, "kind", "the document", true)) {
    if (*kind == "certificate") {
      out.kind = DocumentTemplate::Kind::kCertificate;
    } else if (*kind == "decision_notice") {
      out.kind = DocumentTemplate::Kind::kDecisionNotice;
    } else {
      s.r.problem(d["kind"], "Unknown document kind '" + *kind + "'; use certificate or decision_notice.");
    }
  }
  out.title = s.r.localized(d, "title", "the document", true);
  out.answers = s.r.string_list(d, "answers", "the document", false);
  out.decision_fields = s.r.string_list(d, "decision_fields", "the document", false);
  return out;
}

void check_document(ParseState& s, const Procedure& p) {
  if (!p.document) return;
  const DocumentTemplate& doc = *p.document;
  if (!p.decision) {
    s.r.problem(doc.line,
                "The document has no decision to follow; add a 'decision:' block (a document is issued when "
                "the decision grants).");
  }
  // The step that issues it (src/steps/issue_document) is on by default; a `steps:` list
  // that leaves it out would mean the document is never issued.
  if (p.steps && std::find(p.steps->begin(), p.steps->end(), "issue_document") == p.steps->end()) {
    s.r.problem(doc.line,
                "The procedure names a document but its 'steps' leave out issue_document, so it would never be "
                "issued; add issue_document to 'steps'.");
  }
  std::map<std::string, const Field*> fields;
  for (const auto& page : p.pages) answer_fields(page.fields, &fields);
  std::set<std::string> seen;
  for (const auto& id : doc.answers) {
    if (!seen.insert(id).second) s.r.problem(doc.line, "The document names the answer '" + id + "' twice.");
    auto it = fields.find(id);
    if (it == fields.end()) {
      s.r.problem(doc.line, "The document's answers name '" + id + "', which is not a field of the procedure.");
    } else if (it->second->type == FieldType::kFile || it->second->type == FieldType::kFieldset) {
      s.r.problem(doc.line, "The document's answers name '" + id + "', a " + field_type_name(it->second->type) +
                                " field; name the answers to print (files and fieldsets have none).");
    }
  }
  seen.clear();
  for (const auto& id : doc.decision_fields) {
    if (!seen.insert(id).second) s.r.problem(doc.line, "The document names the decision field '" + id + "' twice.");
    bool found = false;
    if (p.decision) {
      for (const auto& f : p.decision->fields) found = found || f.id == id;
    }
    if (!found) {
      s.r.problem(doc.line, "The document's decision_fields name '" + id + "', which is not a field of the decision.");
    }
  }
  if (doc.answers.empty() && doc.decision_fields.empty() && doc.kind == DocumentTemplate::Kind::kCertificate) {
    s.r.problem(doc.line, "The certificate shows nothing; list the 'answers' or 'decision_fields' it certifies.");
  }
}

}  // namespace madoguchi::procedures::internal
