#include "jobs/jobs.h"

#include <spdlog/spdlog.h>

#include "auth/account_links.h"
#include "core/date.h"
#include "notify/outbox.h"
#include "ratelimit/ratelimit.h"

namespace madoguchi::jobs {

Result<bool> Runner::claim(const Job& job, int64_t now) {
  bool claimed = false;
  Status s = store::with_write(store_, [&](store::Transaction& tx) -> Status {
    auto ins = tx.exec("INSERT INTO job_schedule (name, next_run_at) VALUES (?, 0) ON CONFLICT (name) DO NOTHING",
                       {job.name});
    if (!ins.ok()) return ins.status();
    auto upd = tx.exec(
        "UPDATE job_schedule SET next_run_at = ?, last_started_at = ?, last_node = ? "
        "WHERE name = ? AND next_run_at <= ?",
        {now + int64_t{job.period.count()}, now, node_, job.name, now});
    if (!upd.ok()) return upd.status();
    claimed = *upd == 1;
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return claimed;
}

std::vector<RunReport> Runner::run_due(int64_t now) {
  std::vector<RunReport> ran;
  for (const Job& job : jobs_) {
    auto claimed = claim(job, now);
    if (!claimed.ok()) {
      ran.push_back({job.name, 0, claimed.status()});
      continue;
    }
    if (!*claimed) continue;
    RunReport report{job.name, 0, Status::Ok()};
    report.status = store::with_write(store_, [&](store::Transaction& tx) -> Status {
      auto handled = job.work(tx, now);
      if (!handled.ok()) return handled.status();
      report.handled = *handled;
      return tx
          .exec("UPDATE job_schedule SET last_finished_at = ?, last_result = ? WHERE name = ?",
                {now, "ok: " + std::to_string(*handled), job.name})
          .status();
    });
    if (!report.status.ok()) {
      spdlog::error("job {}: {}", job.name, report.status.message());
      Status noted = store::with_write(store_, [&](store::Transaction& tx) {
        return tx
            .exec("UPDATE job_schedule SET last_finished_at = ?, last_result = ? WHERE name = ?",
                  {now, "failed: " + report.status.message(), job.name})
            .status();
      });
      // The run's own failure is reported either way; this only says where `jobs` would show it.
      if (!noted.ok())
        spdlog::error("job {}: recording its failure in job_schedule failed: {}", job.name, noted.message());
    } else if (report.handled > 0) {
      spdlog::info("job {}: {} handled", job.name, report.handled);
    }
    ran.push_back(std::move(report));
  }
  return ran;
}

Ticker::Ticker(Runner& runner, std::chrono::seconds interval)
    : runner_(runner), interval_(interval), thread_([this] {
        std::unique_lock lock(mu_);
        while (!stopping_) {
          lock.unlock();
          runner_.run_due(unix_now());
          lock.lock();
          cv_.wait_for(lock, interval_, [this] { return stopping_; });
        }
      }) {}

Ticker::~Ticker() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

namespace {

// Ids of the drafts nobody can come back to, oldest first; at most `limit` per run so one run
// stays a short write transaction.
Result<std::vector<int64_t>> abandoned_drafts(store::Transaction& tx, int64_t now, int64_t retention,
                                              int64_t limit) {
  auto rows = tx.query(
      "SELECT id FROM drafts WHERE application_id IS NULL AND ("
      " (account_id IS NULL AND NOT EXISTS (SELECT 1 FROM sessions s WHERE s.token_hash = drafts.session_hash))"
      " OR (account_id IS NOT NULL AND updated_at < ?)) ORDER BY id LIMIT ?",
      {now - retention, limit});
  if (!rows.ok()) return rows.status();
  std::vector<int64_t> ids;
  for (const auto& r : *rows) ids.push_back(r.i64(0));
  return ids;
}

}  // namespace

std::vector<Job> housekeeping_jobs(std::chrono::seconds period, std::chrono::seconds draft_retention,
                                   RetentionYears years_for) {
  std::vector<Job> jobs;
  // Sessions go first in the same pass order, so their guests' drafts go in the next job.
  jobs.push_back({"expire-sessions", period, [](store::Transaction& tx, int64_t now) -> Result<int64_t> {
                    return tx.exec("DELETE FROM sessions WHERE expires_at <= ?", {now});
                  }});
  const int64_t retention = draft_retention.count();
  jobs.push_back({"expire-drafts", period, [retention](store::Transaction& tx, int64_t now) -> Result<int64_t> {
                    auto ids = abandoned_drafts(tx, now, retention, 1000);
                    if (!ids.ok()) return ids.status();
                    for (int64_t id : *ids) {
                      auto a = tx.exec("DELETE FROM attachments WHERE draft_id = ? AND application_id IS NULL", {id});
                      if (!a.ok()) return a.status();
                      auto d = tx.exec("DELETE FROM drafts WHERE id = ?", {id});
                      if (!d.ok()) return d.status();
                    }
                    return static_cast<int64_t>(ids->size());
                  }});
  // Failure counters outlive their window by a day; no policy's window is longer.
  jobs.push_back({"expire-counters", period, [](store::Transaction& tx, int64_t now) -> Result<int64_t> {
                    return ratelimit::expire(tx, now, std::chrono::hours(24));
                  }});
  // Sent notices are kept a week for an operator asking "was it sent?", then go: they hold
  // residents' addresses. Notices given up on stay until someone looks (docs/notifications.md).
  jobs.push_back({"expire-notices", period, [](store::Transaction& tx, int64_t now) -> Result<int64_t> {
                    return notify::expire_sent(tx, now, 7 * 86400);
                  }});
  // Sign-up and reset links go once expired, used or not: a used one has nothing left to do, and
  // an unused sign-up link holds an address and a password hash nobody confirmed.
  jobs.push_back({"expire-account-links", period, [](store::Transaction& tx, int64_t now) -> Result<int64_t> {
                    return auth::expire_links(tx, now);
                  }});
  if (years_for) {
    jobs.push_back({"apply-retention", period, [years_for](store::Transaction& tx, int64_t now) -> Result<int64_t> {
                      return apply_retention(tx, years_for, now, 500);
                    }});
  }
  return jobs;
}

}  // namespace madoguchi::jobs
