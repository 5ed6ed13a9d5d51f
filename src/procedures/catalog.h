// Loading, checking and finding procedure definitions.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/status.h"
#include "procedures/procedure.h"

namespace madoguchi::procedures {

struct Problem {
  std::string file;
  int line = 0;
  std::string message;  // one English sentence: what is wrong and what to do
};

// Parses organisation.yaml (departments, roles with ranks, categories, life events).
Result<Organisation> parse_organisation(const std::string& text, const std::string& file,
                                        std::vector<Problem>* problems);

// Parses one definition and checks it against `org`. Appends every problem found (not just
// the first) to *problems and returns an error when there was any.
Result<Procedure> parse_procedure(const std::string& text, const std::string& file,
                                  const Organisation& org, std::vector<Problem>* problems);

class Catalog {
 public:
  // Loads DIR/organisation.yaml and every other DIR/*.yaml. A broken definition is reported in
  // *problems and skipped; the others load. Duplicate ids are problems (the later file is
  // skipped). Fails only when the organisation file itself cannot be read or parsed.
  static Result<Catalog> load(const std::string& dir, std::vector<Problem>* problems);

  const Organisation& organisation() const { return org_; }
  // In a stable order (by category, then id).
  const std::vector<Procedure>& all() const { return procedures_; }
  const Procedure* find(const std::string& id) const;
  // Procedures whose title, summary or description (in `locale` and in ja) contain every
  // space-separated word of `query`, compared with ja::search_fold (width and kana-insensitive).
  // Words are split on ASCII and 全角 spaces. Procedures whose title holds every word come
  // first; otherwise catalogue order. An empty query finds every procedure.
  std::vector<const Procedure*> search(const std::string& query, const std::string& locale) const;

 private:
  Organisation org_;
  std::vector<Procedure> procedures_;
  std::map<std::string, size_t> index_;  // id → position in procedures_
};

}  // namespace madoguchi::procedures
