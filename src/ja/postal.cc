#include "ja/postal.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

namespace madoguchi::ja {

namespace {

constexpr std::string_view kHeader = "# madoguchi postal v1";
constexpr size_t kFields = 7;

std::vector<std::string_view> split_tabs(std::string_view line) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (;;) {
    size_t tab = line.find('\t', start);
    out.push_back(line.substr(start, tab == std::string_view::npos ? std::string_view::npos : tab - start));
    if (tab == std::string_view::npos) return out;
    start = tab + 1;
  }
}

}  // namespace

bool is_postal_code_digits(std::string_view s) {
  if (s.size() != 7) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

struct PostalTable::Mapping {
  const char* data = nullptr;
  size_t size = 0;
  ~Mapping() {
    if (data) munmap(const_cast<char*>(data), size);
  }
};

Result<PostalTable> PostalTable::open(const std::string& path) {
  // First pass with ordinary reads: a bad table is refused at start with its line number,
  // and the mapping below is only ever searched when it is known to be sorted.
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("postal table not found: " + path);
  std::string line, previous;
  size_t number = 0, lines = 0, body = 0;
  while (std::getline(in, line)) {
    ++number;
    if (number == 1) {
      if (line.compare(0, kHeader.size(), kHeader) != 0) {
        return Status::Invalid(path + ":1: not a postal table (run scripts/setup to generate it)");
      }
      body = line.size() + 1;
      continue;
    }
    auto f = split_tabs(line);
    if (f.size() != kFields || !is_postal_code_digits(f[0]) || f[1].empty() || f[2].empty()) {
      return Status::Invalid(path + ":" + std::to_string(number) + ": expected a 7-digit code and 6 fields");
    }
    if (!previous.empty() && f[0] < std::string_view(previous)) {
      return Status::Invalid(path + ":" + std::to_string(number) + ": codes out of order");
    }
    previous.assign(f[0]);
    ++lines;
  }
  if (number == 0) return Status::Invalid(path + ": empty postal table");

  PostalTable t;
  t.body_ = body;
  t.lines_ = lines;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::NotFound("postal table not readable: " + path);
  struct stat st {};
  if (fstat(fd, &st) != 0 || st.st_size <= 0) {
    ::close(fd);
    return Status::Invalid(path + ": cannot stat");
  }
  void* p = mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (p == MAP_FAILED) return Status::Invalid(path + ": cannot map");
  // Lookups jump around the file: read-ahead and huge pages would only pull in pages nobody
  // asked for (with huge pages allowed, nine lookups left 10 MiB resident; without, 7.7 MiB,
  // as the page cache's large folios are still mapped whole).
  madvise(p, static_cast<size_t>(st.st_size), MADV_RANDOM);
#ifdef MADV_NOHUGEPAGE
  madvise(p, static_cast<size_t>(st.st_size), MADV_NOHUGEPAGE);
#endif
  auto m = std::make_shared<Mapping>();
  m->data = static_cast<const char*>(p);
  m->size = static_cast<size_t>(st.st_size);
  if (t.body_ > m->size) t.body_ = m->size;
  t.map_ = std::move(m);
  return t;
}

std::vector<PostalAddress> PostalTable::find(std::string_view code) const {
  std::vector<PostalAddress> out;
  if (!map_ || !is_postal_code_digits(code)) return out;
  const char* d = map_->data;
  const size_t end = map_->size;
  auto line_end = [&](size_t from) {
    while (from < end && d[from] != '\n') ++from;
    return from;
  };
  // Binary search over byte offsets for the first line whose code is >= `code`; `lo` always
  // sits at the start of a line, and `mid` is moved back to the start of its own line.
  size_t lo = body_, hi = end;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    size_t start = mid;
    while (start > lo && d[start - 1] != '\n') --start;
    std::string_view here(d + start, std::min<size_t>(7, end - start));
    if (here < code) {
      lo = line_end(start) + 1;
    } else {
      hi = start;
    }
  }
  for (size_t pos = lo; pos + 7 <= end && std::string_view(d + pos, 7) == code;) {
    size_t stop = line_end(pos);
    auto f = split_tabs(std::string_view(d + pos, stop - pos));
    if (f.size() == kFields) {
      out.push_back({std::string(f[1]), std::string(f[2]), std::string(f[3]), std::string(f[4]),
                     std::string(f[5]), std::string(f[6])});
    }
    pos = stop + 1;
  }
  return out;
}

}  // namespace madoguchi::ja
