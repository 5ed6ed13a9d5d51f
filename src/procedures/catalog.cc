#include "procedures/catalog.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <tuple>

#include "ja/text.h"

namespace madoguchi::procedures {

namespace fs = std::filesystem;

namespace {

constexpr const char* kOrganisationFile = "organisation.yaml";

std::optional<std::string> read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Splits on ASCII whitespace and the 全角 space U+3000 (E3 80 80), which residents type
// between words with a Japanese keyboard.
std::vector<std::string> split_words(const std::string& query) {
  std::vector<std::string> words;
  std::string cur;
  for (size_t i = 0; i < query.size(); ++i) {
    bool space = query[i] == ' ' || query[i] == '\t' || query[i] == '\n' || query[i] == '\r';
    size_t skip = 1;
    if (query.compare(i, 3, "\xE3\x80\x80") == 0) {
      space = true;
      skip = 3;
    }
    if (space) {
      if (!cur.empty()) words.push_back(std::move(cur));
      cur.clear();
      i += skip - 1;
    } else {
      cur += query[i];
    }
  }
  if (!cur.empty()) words.push_back(std::move(cur));
  return words;
}

bool contains_all(const std::vector<std::string>& folded_texts,
                  const std::vector<std::string>& folded_words) {
  for (const auto& w : folded_words) {
    bool found = std::any_of(folded_texts.begin(), folded_texts.end(),
                             [&](const std::string& t) { return t.find(w) != std::string::npos; });
    if (!found) return false;
  }
  return true;
}

}  // namespace

Result<Catalog> Catalog::load(const std::string& dir, std::vector<Problem>* problems) {
  const fs::path org_path = fs::path(dir) / kOrganisationFile;
  auto org_text = read_file(org_path);
  if (!org_text) {
    if (problems) {
      problems->push_back({org_path.string(), 0,
                           "The organisation file cannot be read; every procedures folder needs "
                           "organisation.yaml with departments, roles, categories and life events."});
    }
    return Status::Io("cannot read " + org_path.string());
  }
  auto org = parse_organisation(*org_text, org_path.string(), problems);
  if (!org.ok()) return org.status();

  Catalog catalog;
  catalog.org_ = std::move(org.value());
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const auto& path = entry.path();
    if (entry.is_regular_file() && path.extension() == ".yaml" &&
        path.filename() != kOrganisationFile) {
      files.push_back(path);
    }
  }
  if (ec) return Status::Io("cannot list " + dir + ": " + ec.message());
  // Sorted so that "the later file" of a duplicate is the same on every machine.
  std::sort(files.begin(), files.end());

  std::map<std::string, std::string> file_of_id;
  for (const auto& path : files) {
    auto text = read_file(path);
    if (!text) {
      if (problems) problems->push_back({path.string(), 0, "The file cannot be read."});
      continue;
    }
    auto proc = parse_procedure(*text, path.string(), catalog.org_, problems);
    if (!proc.ok()) continue;
    if (auto [it, inserted] = file_of_id.emplace(proc->id, path.string()); !inserted) {
      if (problems) {
        problems->push_back({path.string(), 1,
                             "The procedure id '" + proc->id + "' is already used by " +
                                 it->second + "; give this procedure another id. This file is skipped."});
      }
      continue;
    }
    catalog.procedures_.push_back(std::move(proc.value()));
  }
  std::stable_sort(catalog.procedures_.begin(), catalog.procedures_.end(),
                   [](const Procedure& a, const Procedure& b) {
                     return std::tie(a.category, a.id) < std::tie(b.category, b.id);
                   });
  for (size_t i = 0; i < catalog.procedures_.size(); ++i) {
    catalog.index_[catalog.procedures_[i].id] = i;
  }
  return catalog;
}

const Procedure* Catalog::find(const std::string& id) const {
  auto it = index_.find(id);
  return it == index_.end() ? nullptr : &procedures_[it->second];
}

std::vector<const Procedure*> Catalog::search(const std::string& query,
                                              const std::string& locale) const {
  std::vector<std::string> words;
  for (const auto& w : split_words(query)) {
    std::string folded = ja::search_fold(w);
    if (!folded.empty()) words.push_back(std::move(folded));
  }
  std::vector<const Procedure*> title_hits, other_hits;
  for (const auto& p : procedures_) {
    std::vector<std::string> titles, texts;
    // やさしい日本語 writes readings after kanji, 罹災証明書(りさい しょうめいしょ): searched in
    // every language, it lets a resident find a title by how it sounds. Its spaces between
    // words go, so that じどうてあて finds じどう てあて.
    for (const std::string& loc : {locale, std::string("ja"), std::string("ja-easy")}) {
      auto fold = [&](const LocalizedText& t) {
        std::string f = ja::search_fold(t.get(loc));
        if (loc == "ja-easy") f.erase(std::remove(f.begin(), f.end(), ' '), f.end());
        return f;
      };
      titles.push_back(fold(p.title));
      texts.push_back(fold(p.summary));
      texts.push_back(fold(p.description));
    }
    // A word found in the title is the strongest sign the resident means this procedure.
    if (contains_all(titles, words)) {
      title_hits.push_back(&p);
      continue;
    }
    texts.insert(texts.end(), titles.begin(), titles.end());
    if (contains_all(texts, words)) other_hits.push_back(&p);
  }
  title_hits.insert(title_hits.end(), other_hits.begin(), other_hits.end());
  return title_hits;
}

}  // namespace madoguchi::procedures
