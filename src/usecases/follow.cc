#include "usecases/follow.h"

#include "applications/receipt.h"
#include "audit/audit.h"
#include "core/date.h"
#include "ja/text.h"
#include "ratelimit/ratelimit.h"
#include "usecases/definition_version.h"

namespace madoguchi::usecases {
namespace {

std::string limit_key(const std::string& receipt) { return "receipt:" + receipt; }

// Seconds until `receipt` may be tried again. A store error is returned, never read as 0.
Result<int64_t> access_code_wait(const Env& env, const std::string& receipt, int64_t now) {
  int64_t wait = 0;
  Status s = store::with_read(env.store, [&](store::Transaction& tx) {
    auto b = ratelimit::blocked_for(tx, limit_key(receipt), ratelimit::kAccessCode, now);
    if (!b.ok()) return b.status();
    wait = *b;
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return wait;
}

Status count_wrong_access_code(const Env& env, const std::string& receipt, int64_t now) {
  return store::with_write(env.store, [&](store::Transaction& tx) {
    return ratelimit::record_failure(tx, limit_key(receipt), ratelimit::kAccessCode, now);
  });
}

// Application `receipt` when the requester owns it: the signed-in owner's account, or a
// guest's matching access code (a wrong code sets *wrong_code, to be counted after the
// transaction). NotFound otherwise, exactly as for an unknown receipt.
Result<applications::Application> owned_application(store::Transaction& tx, const std::string& receipt,
                                                    std::optional<int64_t> account_id,
                                                    const std::optional<std::string>& access_code, bool* wrong_code) {
  auto a = applications::find_by_receipt(tx, receipt);
  if (!a.ok()) return a.status();
  const bool owns = access_code ? applications::access_code_matches(tx, a->id, *access_code)
                                : a->account_id && account_id && *a->account_id == *account_id;
  if (!owns) {
    *wrong_code = access_code.has_value();
    return Status::NotFound("no application");
  }
  return a;
}

}  // namespace

Result<MyApplications> my_applications(const Env& env, const applications::Owner& owner) {
  MyApplications out;
  Status s = store::with_read(env.store, [&](store::Transaction& tx) {
    auto mine = applications::find_for_account(tx, *owner.account_id);
    if (!mine.ok()) return mine.status();
    out.applications = std::move(*mine);
    auto d = applications::list_drafts(tx, owner);
    if (!d.ok()) return d.status();
    out.drafts = std::move(*d);
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

Result<applications::Application> own_application(const Env& env, int64_t account_id, const std::string& receipt) {
  auto canonical = canonical_receipt_number(receipt);
  if (!canonical) return Status::NotFound("no application");
  std::optional<applications::Application> found;
  Status s = store::with_read(env.store, [&](store::Transaction& tx) {
    auto a = applications::find_by_receipt(tx, *canonical);
    if (!a.ok()) return a.status();
    if (a->account_id && *a->account_id == account_id) found = std::move(*a);
    return Status::Ok();
  });
  if (!s.ok()) return s;
  if (!found) return Status::NotFound("no application");
  return std::move(*found);
}

Result<GuestLookup> guest_lookup(const Env& env, const std::string& receipt, const std::string& code) {
  GuestLookup out;
  auto canonical = canonical_receipt_number(receipt);
  if (!canonical) return out;
  const int64_t now = unix_now();
  const std::string key = limit_key(*canonical);
  // Check and count in one write transaction, so parallel guesses get no more checks than the
  // limit; a right code takes its count back afterwards.
  bool locks = false;
  Status s = store::with_write(env.store, [&](store::Transaction& tx) {
    auto wait = ratelimit::take_attempt(tx, {{key, ratelimit::kAccessCode}}, now);
    if (!wait.ok()) return wait.status();
    out.wait_seconds = *wait;
    if (out.wait_seconds > 0) return Status::Ok();
    auto n = ratelimit::failures(tx, key, ratelimit::kAccessCode, now);
    if (!n.ok()) return n.status();
    locks = *n >= ratelimit::kAccessCode.max_failures;
    return Status::Ok();
  });
  if (!s.ok()) return s;
  if (out.wait_seconds > 0) return out;
  Status checked = store::with_read(env.store, [&](store::Transaction& tx) {
    auto a = applications::find_by_receipt(tx, *canonical);
    if (a.ok() && applications::access_code_matches(tx, a->id, code)) out.found = std::move(*a);
    return a.ok() || a.status().code() == Status::Code::kNotFound ? Status::Ok() : a.status();
  });
  // Audited either way (never the code typed); a lookup the store could not check is not
  // counted against the receipt.
  s = store::with_write(env.store, [&](store::Transaction& tx) {
    if (!checked.ok()) return ratelimit::refund(tx, key);
    if (out.found) {
      if (Status r = ratelimit::refund(tx, key); !r.ok()) return r;
      return audit::record(tx, {"guest", "guest.lookup", "application:" + std::to_string(out.found->id), ""}, now);
    }
    if (Status a = audit::record(tx, {"guest", "guest.lookup_failed", "receipt:" + *canonical, ""}, now); !a.ok()) {
      return a;
    }
    if (!locks) return Status::Ok();
    return audit::record(tx, {"guest", "guest.lockout", "receipt:" + *canonical,
                              "until=" + std::to_string(now + ratelimit::kAccessCode.window.count())},
                         now);
  });
  if (!checked.ok()) return checked;
  if (!s.ok()) return s;
  return out;
}

Result<ApplicationRecord> application_record(const Env& env, const applications::Application& a) {
  ApplicationRecord out;
  Status s = store::with_read(env.store, [&](store::Transaction& tx) {
    auto ev = applications::events(tx, a.id);
    if (!ev.ok()) return ev.status();
    // Staff recording (or revising) a decision is their internal work, not a step of the
    // resident's application; the decision itself is shown once it is final.
    for (auto& e : *ev) {
      if (e.action != "decision") out.events.push_back(std::move(e));
    }
    out.definition = definition_for(env.catalog, tx, a.procedure_id, a.procedure_version);
    if (a.status != "approved" && a.status != "completed") return Status::Ok();
    auto d = decisions::find(tx, a.id);
    if (!d.ok()) return d.status();
    out.decision = std::move(*d);
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

Result<int64_t> open_correction(const Env& env, const CorrectionRequest& request, int64_t* wait_seconds) {
  *wait_seconds = 0;
  auto receipt = canonical_receipt_number(request.receipt);
  if (!receipt) return Status::NotFound("no application");
  const int64_t now = unix_now();
  if (request.access_code) {
    auto wait = access_code_wait(env, *receipt, now);
    if (!wait.ok()) return wait.status();
    *wait_seconds = *wait;
    if (*wait > 0) return Status::NotFound("too many wrong codes");
  }
  bool wrong_code = false;
  int64_t draft_id = 0;
  Status s = store::with_write(env.store, [&](store::Transaction& tx) {
    auto a = owned_application(tx, *receipt, request.owner.account_id, request.access_code, &wrong_code);
    if (!a.ok()) return a.status();
    if (a->status != "correction") return Status::Conflict("no correction requested");
    auto d = applications::open_correction(tx, request.owner, *a, now);
    if (!d.ok()) return d.status();
    draft_id = d->id;
    return Status::Ok();
  });
  if (wrong_code) {
    if (Status st = count_wrong_access_code(env, *receipt, now); !st.ok()) return st;
  }
  if (!s.ok()) return s;
  return draft_id;
}

Status withdraw(const Env& env, const WithdrawalRequest& request, int64_t* wait_seconds) {
  *wait_seconds = 0;
  auto receipt = canonical_receipt_number(request.receipt);
  if (!receipt) return Status::NotFound("no application");
  const int64_t now = unix_now();
  if (request.access_code) {
    auto wait = access_code_wait(env, *receipt, now);
    if (!wait.ok()) return wait.status();
    *wait_seconds = *wait;
    if (*wait > 0) return Status::NotFound("too many wrong codes");
  }
  bool wrong_code = false;
  Status s = store::with_write(env.store, [&](store::Transaction& tx) {
    auto a = owned_application(tx, *receipt, request.account_id, request.access_code, &wrong_code);
    if (!a.ok()) return a.status();
    // Ownership first, so that a stranger learns nothing from a blank reason's answer.
    if (ja::normalize_ascii_input(request.reason).empty()) return Status::Invalid("a reason is required");
    const std::string actor = request.account_id ? "resident:" + std::to_string(*request.account_id) : "guest";
    return applications::withdraw(tx, *a, request.reason, request.actor_name, actor, now);
  });
  if (wrong_code) {
    if (Status st = count_wrong_access_code(env, *receipt, now); !st.ok()) return st;
  }
  return s;
}

}  // namespace madoguchi::usecases
