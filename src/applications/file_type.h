// What a file is, judged by its bytes (libmagic), never by its name or the type the browser
// claims.
#pragma once

#include <string>
#include <string_view>

namespace madoguchi::applications {

// The MIME type libmagic finds in the content, e.g. "image/png", "application/pdf".
std::string sniff_mime_type(std::string_view data);

}  // namespace madoguchi::applications
