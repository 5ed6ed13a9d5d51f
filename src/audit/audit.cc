#include "audit/audit.h"

#include "auth/crypto.h"

namespace madoguchi::audit {
namespace {
std::string chain_hash(const std::string& prev, int64_t at, const Entry& e) {
  // Length-prefixed fields so no two different entries serialise to the same bytes.
  std::string buf;
  for (const std::string* s : {&prev, &e.actor, &e.action, &e.object, &e.detail}) {
    buf += std::to_string(s->size()) + ":" + *s + ";";
  }
  buf += std::to_string(at);
  return auth::sha256_hex(buf);
}
}  // namespace

Status record(store::Transaction& tx, const Entry& e, int64_t now) {
  auto last = tx.query("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1");
  if (!last.ok()) return last.status();
  std::string prev = last->empty() ? std::string(64, '0') : last->at(0).str(0);
  return tx
      .exec("INSERT INTO audit_log (at, actor, action, object, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)",
            {now, e.actor, e.action, e.object, e.detail, prev, chain_hash(prev, now, e)})
      .status();
}

Result<int64_t> verify(store::Transaction& tx) {
  auto rows = tx.query("SELECT id, at, actor, action, object, detail, prev_hash, hash FROM audit_log ORDER BY id");
  if (!rows.ok()) return rows.status();
  std::string prev(64, '0');
  int64_t n = 0;
  for (const auto& r : *rows) {
    Entry e{r.str(2), r.str(3), r.str(4), r.str(5)};
    if (r.str(6) != prev || chain_hash(prev, r.i64(1), e) != r.str(7)) {
      return Status::Invalid("audit entry " + std::to_string(r.i64(0)) + " does not match the chain");
    }
    prev = r.str(7);
    ++n;
  }
  return n;
}

}  // namespace madoguchi::audit
