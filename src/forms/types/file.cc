// file: attachments. The answer holds refs {"id","name","size","type"}; the bytes live in the
// store. Uploads arrive with the post, "f.<id>.remove" drops one.
#include <algorithm>

#include "forms/types/builtin.h"
#include "forms/types/common.h"

namespace madoguchi::forms::types {

namespace {

using internal::text;

// The types libmagic recognises for us (applications/file_type.h), so a definition can
// only accept what the upload check can tell apart.
const std::set<std::string> kKnownMime = {"application/pdf", "image/jpeg", "image/png", "image/heic", "image/webp"};

const std::vector<std::string>& accepted(const Field& f) { return f.accept.empty() ? default_file_types() : f.accept; }

// "PDF, JPEG, PNG": what the resident is told they may attach.
std::string type_words(const std::vector<std::string>& accept) {
  std::string types;
  for (const auto& a : accept) {
    std::string shortname = a.substr(a.find('/') + 1);
    std::transform(shortname.begin(), shortname.end(), shortname.begin(), ::toupper);
    types += (types.empty() ? "" : ", ") + shortname;
  }
  return types;
}

std::string size_text(long long bytes) {
  if (bytes >= 1024 * 1024) {
    return internal::display_number(static_cast<double>(bytes * 10 / (1024 * 1024)) / 10) + " MB";
  }
  return internal::display_number(static_cast<double>((bytes + 1023) / 1024)) + " KB";
}

bool is_ref(const Json& ref) { return ref.is_object() && ref.contains("id") && ref["id"].is_string(); }

class FileType : public AnswerType {
 public:
  std::set<std::string> keys() const override { return {"required", "accept", "max_files"}; }
  std::set<std::string> autocomplete_tokens() const override { return {}; }

  void parse(DefinitionReader& in, Field* f) const override {
    if (in.has("accept")) {
      f->accept = in.string_list("accept");
      for (const auto& m : f->accept) {
        if (!kKnownMime.count(m)) {
          in.problem("accept", "The file type '" + m + "' in " + in.what() + " is not one Madoguchi can check; use " +
                                   in.list_words(kKnownMime) + ".");
        }
      }
    } else {
      f->accept = default_file_types();
    }
    if (auto m = in.integer("max_files")) {
      if (*m < 1 || *m > 20) in.problem("max_files", "max_files of " + in.what() + " must be 1 to 20.");
      f->max_files = *m;
    }
  }

  Json empty_value(const Field&) const override { return Json::array(); }

  bool accepts(const Field&, const std::vector<std::string>& rest) const override {
    return rest.empty() || (rest.size() == 1 && rest[0] == "remove");
  }

  Json read(const Field&, const PostedValue& in) const override {
    std::vector<std::string> remove = in.all(in.name() + ".remove");
    Json out = Json::array();
    if (in.old().is_array()) {
      for (const auto& ref : in.old()) {
        if (!is_ref(ref)) continue;
        if (std::find(remove.begin(), remove.end(), ref["id"].get<std::string>()) == remove.end()) {
          out.push_back(ref);
        }
      }
    }
    for (const auto& ref : in.uploads()) out.push_back(ref);
    return out;
  }

  Json check(const Field& f, const Json& value, ValueChecker& c) const override {
    Json out = Json::array();
    if (value.is_array()) {
      for (const auto& ref : value) {
        if (is_ref(ref)) out.push_back(ref);
      }
    }
    if (out.empty()) {
      if (f.required) c.error("", "forms.required_file");
      return out;
    }
    if (out.size() > static_cast<size_t>(f.max_files)) {
      c.error("", "forms.file_max", {{"max", std::to_string(f.max_files)}});
    }
    const std::vector<std::string>& accept = accepted(f);
    for (const auto& ref : out) {
      std::string type = str_of(ref, "type");
      if (std::find(accept.begin(), accept.end(), type) == accept.end()) {
        c.error("", "forms.file_type", {{"types", type_words(accept)}});
        break;
      }
    }
    return out;
  }

  void view(const Field& f, const Json& value, ViewContext& ctx, Json* view) const override {
    Json& v = *view;
    const std::string name = v["name"];
    std::string attr;
    for (const auto& a : accepted(f)) attr += (attr.empty() ? "" : ",") + a;
    v["accept"] = attr;
    v["multiple"] = f.max_files > 1;
    v["type_hint"] =
        text(ctx.ctx(), "forms.hint.file", {{"types", type_words(accepted(f))}, {"max", std::to_string(f.max_files)}});
    if (!value.is_array()) return;
    size_t i = 0;
    for (const auto& ref : value) {
      if (!ref.is_object()) continue;
      std::string file_name = str_of(ref, "name");
      long long size = ref.contains("size") && ref["size"].is_number() ? ref["size"].get<long long>() : 0;
      v["files"].push_back({{"id", str_of(ref, "id")},
                            {"name", file_name},
                            {"size_text", size_text(size)},
                            {"remove_name", name + ".remove"},
                            {"remove_html_id", internal::html_id(name) + "-remove-" + std::to_string(++i)},
                            {"remove_text", text(ctx.ctx(), "forms.remove_file", {{"name", file_name}})}});
    }
    v["has_files"] = !v["files"].empty();
  }

  std::string display(const Field&, const Json& value, const SummaryRows& rows) const override {
    std::string out;
    for (const auto& ref : value) {
      if (!ref.is_object()) continue;
      if (!out.empty()) out += text(rows.ctx(), "forms.list_separator");
      out += str_of(ref, "name");
    }
    return out;
  }
};

}  // namespace

std::unique_ptr<const FieldTypeDescriptor> file_type() { return std::make_unique<FileType>(); }

}  // namespace madoguchi::forms::types
