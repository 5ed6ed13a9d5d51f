#include "notify/delivery.h"

#include <spdlog/spdlog.h>

#include "core/date.h"

namespace madoguchi::notify {

std::string message_id(int64_t id, const std::string& domain) { return "outbox-" + std::to_string(id) + "@" + domain; }

DeliveryReport deliver_due(store::Store& store, Mailer& mailer, const DeliveryOptions& o, int64_t now) {
  DeliveryReport report;
  std::vector<Pending> leased;
  report.status = store::with_write(store, [&](store::Transaction& tx) -> Status {
    auto due = lease_due(tx, o.node, now, o.lease_seconds, o.batch);
    if (!due.ok()) return due.status();
    leased = std::move(*due);
    return Status::Ok();
  });
  if (!report.status.ok()) return report;
  for (const Pending& p : leased) {
    Status sent = mailer.send(p.message, message_id(p.id, o.domain));
    Status recorded = store::with_write(store, [&](store::Transaction& tx) {
      return sent.ok() ? mark_sent(tx, p.id, now) : mark_failed(tx, p.id, p.attempts, sent.message(), now);
    });
    if (sent.ok()) {
      ++report.sent;
    } else {
      ++report.failed;
      // The error names the relay, never the recipient: addresses are personal
      // data.
      spdlog::warn("outbox {} ({}): attempt {} failed: {}", p.id, p.message.kind, p.attempts + 1, sent.message());
    }
    if (!recorded.ok()) {
      report.status = recorded;
      return report;
    }
  }
  return report;
}

DeliveryLoop::DeliveryLoop(store::Store& store, Mailer& mailer, DeliveryOptions options, std::chrono::seconds interval)
    : store_(store), mailer_(mailer), options_(std::move(options)), interval_(interval), thread_([this] {
        std::unique_lock lock(mu_);
        while (!stopping_) {
          lock.unlock();
          DeliveryReport r = deliver_due(store_, mailer_, options_, unix_now());
          if (!r.status.ok()) spdlog::error("outbox: {}", r.status.message());
          if (r.sent > 0) spdlog::info("outbox: {} sent", r.sent);
          lock.lock();
          cv_.wait_for(lock, interval_, [this] { return stopping_; });
        }
      }) {}

DeliveryLoop::~DeliveryLoop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

}  // namespace madoguchi::notify
