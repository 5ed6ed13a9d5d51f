#include "usecases/drafts.h"

#include "core/date.h"

namespace madoguchi::usecases {

Result<applications::Draft> open_draft(const Env& env, const applications::Owner& owner,
                                       const procedures::Procedure& proc, const Json& prefill) {
  std::optional<applications::Draft> out;
  Status s = store::with_write(env.store, [&](store::Transaction& tx) {
    auto d = applications::open_draft(tx, owner, proc.id, proc.version, prefill, unix_now());
    if (!d.ok()) return d.status();
    out = std::move(*d);
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return std::move(*out);
}

Result<applications::Draft> load_draft(const Env& env, const applications::Owner& owner, int64_t id) {
  std::optional<applications::Draft> out;
  Status s = store::with_read(env.store, [&](store::Transaction& tx) {
    auto d = applications::load_draft(tx, owner, id);
    if (!d.ok()) return d.status();
    out = std::move(*d);
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return std::move(*out);
}

}  // namespace madoguchi::usecases
