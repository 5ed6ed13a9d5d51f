#include "applications/file_type.h"

#include <magic.h>

#include <memory>

namespace madoguchi::applications {

std::string sniff_mime_type(std::string_view data) {
  // A magic_t is not thread-safe; one per thread, loaded once.
  struct Closer {
    void operator()(magic_t m) const { magic_close(m); }
  };
  thread_local std::unique_ptr<std::remove_pointer_t<magic_t>, Closer> cookie = [] {
    magic_t m = magic_open(MAGIC_MIME_TYPE | MAGIC_NO_CHECK_COMPRESS | MAGIC_NO_CHECK_ELF);
    if (m && magic_load(m, nullptr) != 0) {
      magic_close(m);
      m = nullptr;
    }
    return std::unique_ptr<std::remove_pointer_t<magic_t>, Closer>(m);
  }();
  if (!cookie) return "application/octet-stream";
  const char* type = magic_buffer(cookie.get(), data.data(), data.size());
  return type ? type : "application/octet-stream";
}

}  // namespace madoguchi::applications
