#include "store/store.h"

#include "store/postgres/postgres_store.h"
#include "store/sqlite/sqlite_store.h"

namespace madoguchi::store {

int64_t Row::i64(size_t i) const {
  const Value& v = cols.at(i);
  if (auto* n = std::get_if<int64_t>(&v)) return *n;
  if (auto* d = std::get_if<double>(&v)) return static_cast<int64_t>(*d);
  if (auto* s = std::get_if<std::string>(&v)) return std::stoll(*s);
  return 0;
}

std::string Row::str(size_t i) const {
  const Value& v = cols.at(i);
  if (auto* s = std::get_if<std::string>(&v)) return *s;
  if (auto* n = std::get_if<int64_t>(&v)) return std::to_string(*n);
  if (auto* b = std::get_if<Blob>(&v)) return std::string(b->begin(), b->end());
  return "";
}

Blob Row::blob(size_t i) const {
  const Value& v = cols.at(i);
  if (auto* b = std::get_if<Blob>(&v)) return *b;
  if (auto* s = std::get_if<std::string>(&v)) return Blob(s->begin(), s->end());
  return {};
}

Result<std::unique_ptr<Store>> Store::open(const std::string& url) {
  if (url.rfind("sqlite:", 0) == 0) return open_sqlite(url.substr(7));
  if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) return open_postgres(url);
  // Not echoed: a mistyped PostgreSQL URL may carry a password.
  return Status::Invalid("unsupported store: use sqlite:PATH or postgresql://…");
}

namespace {

// Runs `work` once; a Conflict is returned, not retried (store.h says why).
Status write_in(Store& store, Store::Mode mode, const std::function<Status(Transaction&)>& work) {
  auto tx = store.begin(mode);
  if (!tx.ok()) return tx.status();
  if (Status s = work(**tx); !s.ok()) return s;
  return (*tx)->commit();
}

}  // namespace

Status with_write(Store& store, const std::function<Status(Transaction&)>& work) {
  return write_in(store, Store::Mode::kWrite, work);
}

Status with_lazy_write(Store& store, const std::function<Status(Transaction&)>& work) {
  return write_in(store, Store::Mode::kWriteLazy, work);
}

Status with_read(Store& store, const std::function<Status(Transaction&)>& work) {
  auto tx = store.begin(Store::Mode::kRead);
  if (!tx.ok()) return tx.status();
  return work(**tx);
}

}  // namespace madoguchi::store
