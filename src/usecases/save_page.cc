#include "usecases/save_page.h"

#include <algorithm>
#include <map>

#include "applications/file_type.h"
#include "core/date.h"

namespace madoguchi::usecases {
namespace {

const procedures::Field* find_file_field(const std::vector<procedures::Field>& fields, const std::string& id) {
  for (const auto& f : fields) {
    if (f.type == procedures::FieldType::kFile && f.id == id) return &f;
    if (f.type == procedures::FieldType::kFieldset) {
      if (auto* c = find_file_field(f.children, id)) return c;
    }
  }
  return nullptr;
}

// "remove:<group>:<row>": the row index as a plain decimal number.
std::optional<size_t> row_index(const std::string& text) {
  if (text.empty() || text.size() > 6 || text.find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;
  }
  return std::stoul(text);
}

Status change_rows(const procedures::Procedure& proc, const std::string& action, Json* answers) {
  if (action.rfind("add:", 0) == 0) {
    forms::add_group_row(proc, action.substr(4), answers);
  } else if (action.rfind("remove:", 0) == 0) {
    std::string rest = action.substr(7);
    size_t colon = rest.rfind(':');
    if (colon != std::string::npos) {
      auto row = row_index(rest.substr(colon + 1));
      if (!row) return Status::Invalid("bad row");
      forms::remove_group_row(proc, rest.substr(0, colon), *row, answers);
    }
  }
  return Status::Ok();
}

}  // namespace

std::optional<forms::FieldError> check_upload(const Env& env, const procedures::Field& field,
                                              const std::string& html_id, const std::string& filename,
                                              const std::string& content_type, int64_t size, int64_t used,
                                              const forms::Context& ctx) {
  std::map<std::string, std::string> params{{"label", field.label.get(ctx.locale)}, {"name", filename}};
  std::vector<std::string> accept = field.accept;
  if (accept.empty()) accept = forms::default_file_types();
  if (size > env.config.max_file_bytes) {
    params["max"] = std::to_string(env.config.max_file_bytes >> 20);
    return forms::FieldError{html_id, ctx.locales.t(ctx.locale, "upload.too_large", params)};
  }
  if (std::find(accept.begin(), accept.end(), content_type) == accept.end()) {
    return forms::FieldError{html_id, ctx.locales.t(ctx.locale, "upload.bad_type", params)};
  }
  if (used + size > env.config.max_application_bytes) {
    params["max"] = std::to_string(env.config.max_application_bytes >> 20);
    return forms::FieldError{html_id, ctx.locales.t(ctx.locale, "upload.total_too_large", params)};
  }
  return std::nullopt;
}

Result<std::vector<forms::FieldError>> save_page(const Env& env, applications::Draft* draft,
                                                 const procedures::Procedure& proc, const procedures::Page& page,
                                                 const PagePost& post, const forms::Context& ctx) {
  std::vector<forms::FieldError> errors;
  std::map<std::string, std::vector<Json>> uploads;
  Status s = store::with_write(env.store, [&](store::Transaction& tx) {
    auto used = applications::draft_attachment_bytes(tx, draft->id);
    if (!used.ok()) return used.status();
    int64_t total = *used;
    for (const auto& file : post.files) {
      if (!forms::page_accepts_name(page, file.name)) return Status::Invalid("unknown file field");
      const std::string id = file.name.substr(file.name.rfind('.') + 1);
      const procedures::Field* f = find_file_field(page.fields, id);
      if (!f) return Status::Invalid("unknown file field");
      std::string html_id = file.name;
      std::replace(html_id.begin(), html_id.end(), '.', '-');
      const std::string type = applications::sniff_mime_type(file.data);
      const auto size = static_cast<int64_t>(file.data.size());
      if (auto refused = check_upload(env, *f, html_id, file.filename, type, size, total, ctx)) {
        errors.push_back(std::move(*refused));
        continue;
      }
      auto a = applications::add_attachment(tx, draft->id, id, file.filename, type, file.data, unix_now());
      if (!a.ok()) return a.status();
      total += a->size;
      uploads[file.name].push_back(
          {{"id", a->id}, {"name", a->filename}, {"size", a->size}, {"type", a->content_type}});
    }
    auto page_errors = forms::apply_page(proc, page, post.fields, uploads, &draft->answers, ctx);
    errors.insert(errors.end(), page_errors.begin(), page_errors.end());
    if (Status st = change_rows(proc, post.action, &draft->answers); !st.ok()) return st;
    if (Status st =
            applications::drop_unreferenced_attachments(tx, draft->id, forms::attachment_ids(proc, draft->answers));
        !st.ok()) {
      return st;
    }
    return applications::save_draft(tx, *draft, unix_now());
  });
  if (!s.ok()) return s;
  return errors;
}

}  // namespace madoguchi::usecases
