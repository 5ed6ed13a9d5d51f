// What happens when a resident presses Next (or adds or removes a row) on a form page: in one
// write transaction the posted files are attached under the upload policy, the page's answers
// are read, normalised and validated, a repeating group gains or loses a row, attachments no
// answer refers to any more are dropped, and the draft is saved — valid or not, so nothing the
// resident typed is lost.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "applications/applications.h"
#include "forms/form.h"
#include "procedures/procedure.h"
#include "usecases/env.h"

namespace madoguchi::usecases {

struct PostedFile {
  std::string name;      // the HTML name, "f.<id>" or "f.<group>.<row>.<id>"
  std::string filename;  // as the browser sent it
  std::string data;
};

struct PagePost {
  forms::Posted fields;           // only names the page accepts (forms::page_accepts_name)
  std::vector<PostedFile> files;  // non-empty files
  std::string action;             // "", "next", "back", "add:<group>", "remove:<group>:<row>"
};

// The upload policy (config max_file_bytes, max_application_bytes, and the field's accepted
// types judged by content, never by the name or the browser's type). Returns the error to show
// next to the file input `html_id`, or nullopt when the file may be attached. `used` is what the
// application's files already take.
std::optional<forms::FieldError> check_upload(const Env& env, const procedures::Field& field,
                                              const std::string& html_id, const std::string& filename,
                                              const std::string& content_type, int64_t size, int64_t used,
                                              const forms::Context& ctx);

// Saves `post` into *draft. Returns the page's errors (refused files first, then validation),
// empty when the page is complete. Invalid when the post names a file field the page does not
// have or a malformed row; other errors are the store's, and then nothing was saved.
Result<std::vector<forms::FieldError>> save_page(const Env& env, applications::Draft* draft,
                                                 const procedures::Procedure& proc, const procedures::Page& page,
                                                 const PagePost& post, const forms::Context& ctx);

}  // namespace madoguchi::usecases
