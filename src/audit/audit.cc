#include "audit/audit.h"

#include <stdexcept>

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

// Checks every entry against its predecessor (and the anchor, when given); returns the head.
Result<Anchor> walk(store::Transaction& tx, const std::optional<Anchor>& anchor, int64_t* count) {
  auto rows = tx.query("SELECT id, at, actor, action, object, detail, prev_hash, hash FROM audit_log ORDER BY id");
  if (!rows.ok()) return rows.status();
  std::string prev(64, '0');
  Anchor head;
  bool anchor_seen = false;
  for (const auto& r : *rows) {
    Entry e{r.str(2), r.str(3), r.str(4), r.str(5)};
    if (r.str(6) != prev || chain_hash(prev, r.i64(1), e) != r.str(7)) {
      return Status::Invalid("audit entry " + std::to_string(r.i64(0)) + " does not match the chain");
    }
    prev = r.str(7);
    head = {r.i64(0), prev};
    if (anchor && anchor->id == head.id) {
      if (anchor->hash != head.hash) {
        return Status::Invalid("audit entry " + std::to_string(head.id) + " is not the one anchored");
      }
      anchor_seen = true;
    }
    ++*count;
  }
  if (anchor && !anchor_seen) {
    return Status::Invalid("the anchored audit entry " + std::to_string(anchor->id) +
                           " is missing: entries have been removed from the end of the log");
  }
  return head;
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
  int64_t n = 0;
  auto head = walk(tx, std::nullopt, &n);
  if (!head.ok()) return head.status();
  return n;
}

Result<Anchor> verify_against(store::Transaction& tx, const std::optional<Anchor>& anchor) {
  int64_t n = 0;
  return walk(tx, anchor, &n);
}

Result<Anchor> parse_anchor(const std::string& text) {
  auto colon = text.find(':');
  if (colon == std::string::npos || colon == 0) return Status::Invalid("an anchor is ID:HASH, as audit verify prints it");
  Anchor a;
  try {
    size_t used = 0;
    a.id = std::stoll(text.substr(0, colon), &used);
    if (used != colon || a.id <= 0) throw std::invalid_argument("id");
  } catch (const std::exception&) {
    return Status::Invalid("an anchor's id is a positive number: " + text.substr(0, colon));
  }
  a.hash = text.substr(colon + 1);
  if (a.hash.size() != 64 || a.hash.find_first_not_of("0123456789abcdef") != std::string::npos) {
    return Status::Invalid("an anchor's hash is 64 lowercase hex digits");
  }
  return a;
}

}  // namespace madoguchi::audit
