// Issued documents on the web (document_pages.cc): the resident's and staff's downloads, the
// copy of what was submitted, and the public /verify page.
#pragma once

#include <string>

#include "applications/applications.h"
#include "http/http.h"
#include "web/app.h"

namespace madoguchi::web {

// For the resident's application page: {"document": {"label", "info", "doc_href"}, "copy":
// {"label", "doc_href"}} — what they can download: links for the signed-in owner (`owner`);
// for a guest who proved ownership, no doc_href but "doc_via_form" and "access_code", for
// forms that post the receipt and code again. Null when neither.
Json document_links(App& app, const std::string& locale, const applications::Application& a, bool owner,
                    const std::string& access_code);

void register_document_routes(http::Router& r, App& app);

}  // namespace madoguchi::web
