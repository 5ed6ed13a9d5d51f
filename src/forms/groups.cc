// Group rows, attachments and the fee: small operations over the whole answers.
#include "forms/internal.h"
#include "ja/text.h"

namespace madoguchi::forms {

using namespace internal;

namespace {

const Field* find_group(const procedures::Procedure& proc, const std::string& id) {
  const Field* f = find_answer_field(proc, id);
  return f && f->type == FieldType::kGroup ? f : nullptr;
}

void collect_files(const std::vector<Field>& fields, const Json& scope, std::vector<std::string>* out) {
  if (!scope.is_object()) return;
  for (const auto& l : answer_fields(fields)) {
    const Field& f = *l.field;
    auto it = scope.find(f.id);
    if (it == scope.end() || !it->is_array()) continue;
    if (f.type == FieldType::kFile) {
      for (const auto& ref : *it) {
        if (ref.is_object() && ref.contains("id") && ref["id"].is_string()) {
          out->push_back(ref["id"].get<std::string>());
        }
      }
    } else if (f.type == FieldType::kGroup) {
      for (const auto& row : *it) collect_files(f.children, row, out);
    }
  }
}

}  // namespace

bool add_group_row(const procedures::Procedure& proc, const std::string& group_id, Json* answers) {
  const Field* g = find_group(proc, group_id);
  if (!g) return false;
  if (!answers->is_object()) *answers = Json::object();
  Json& rows = (*answers)[group_id];
  if (!rows.is_array()) rows = Json::array();
  if (rows.size() >= static_cast<size_t>(g->max_items)) return false;
  rows.push_back(empty_row(*g));
  return true;
}

bool remove_group_row(const procedures::Procedure& proc, const std::string& group_id, size_t index,
                      Json* answers) {
  const Field* g = find_group(proc, group_id);
  if (!g || !answers->is_object() || !answers->contains(group_id)) return false;
  Json& rows = (*answers)[group_id];
  if (!rows.is_array() || index >= rows.size() || rows.size() <= static_cast<size_t>(g->min_items)) {
    return false;
  }
  rows.erase(index);
  return true;
}

std::vector<std::string> attachment_ids(const procedures::Procedure& proc, const Json& answers) {
  std::vector<std::string> out;
  for (const auto& page : proc.pages) collect_files(page.fields, answers, &out);
  return out;
}

long long fee_for(const procedures::Procedure& proc, const Json& answers) {
  long long yen = proc.fee.yen;
  if (proc.fee.per_copy_field.empty()) return yen;
  long long copies = 0;
  if (answers.is_object()) {
    auto it = answers.find(proc.fee.per_copy_field);
    if (it != answers.end() && it->is_string()) {
      copies = ja::parse_integer(it->get<std::string>()).value_or(0);
    }
  }
  // The field's own min/max bound the copies; a negative count would be a refund.
  if (copies < 0) copies = 0;
  if (copies > 1000) copies = 1000;
  return yen * copies;
}

}  // namespace madoguchi::forms
