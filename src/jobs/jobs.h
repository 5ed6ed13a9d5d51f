// Background jobs that must run once per period however many app nodes share the store
// (expiry of sessions, abandoned drafts, failure counters and sent notices; retention later).
//
// Each job has a row in job_schedule. A node runs a job only after claiming its period in a
// write transaction: UPDATE … SET next_run_at = now + period WHERE name = ? AND
// next_run_at <= now. Write transactions are serialised across nodes (SQLite's single writer;
// the PostgreSQL backend's advisory lock), so of several nodes claiming the same period
// exactly one changes the row and runs the job; the others see it already moved. Nothing is
// held while the job runs: a node that dies mid-job leaves the next period to whoever claims
// it, so a job must be idempotent (deleting what has expired is).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/status.h"
#include "jobs/retention.h"
#include "store/store.h"

namespace madoguchi::jobs {

struct Job {
  std::string name;              // unique, e.g. "expire-sessions"
  std::chrono::seconds period;   // at most one run per period across all nodes
  // Does one run's work in `tx` (committed by the runner) and returns how many things it
  // handled, for the log and the metrics.
  std::function<Result<int64_t>(store::Transaction& tx, int64_t now)> work;
};

struct RunReport {
  std::string name;
  int64_t handled = 0;
  Status status;
};

class Runner {
 public:
  // `node` names this process in job_schedule.last_node (host:port), for operators.
  Runner(store::Store& store, std::string node) : store_(store), node_(std::move(node)) {}
  void add(Job job) { jobs_.push_back(std::move(job)); }

  // Claims and runs every job whose period has come at `now` (unix seconds); returns what ran
  // here (jobs another node claimed are not listed). A job's failure is reported, not thrown,
  // and does not stop the others; its period stays claimed, so it is retried next period.
  std::vector<RunReport> run_due(int64_t now);

  const std::vector<Job>& jobs() const { return jobs_; }

 private:
  Result<bool> claim(const Job& job, int64_t now);
  store::Store& store_;
  std::string node_;
  std::vector<Job> jobs_;
};

// Calls runner.run_due(now) at once and then every `interval` on its own thread, until
// destroyed (which waits for a run in progress to finish).
class Ticker {
 public:
  Ticker(Runner& runner, std::chrono::seconds interval);
  ~Ticker();
  Ticker(const Ticker&) = delete;
  Ticker& operator=(const Ticker&) = delete;

 private:
  Runner& runner_;
  std::chrono::seconds interval_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

// The jobs every deployment runs: expired sessions are deleted; a guest's drafts (and their
// attachments) are deleted once the session they belong to has gone, since nobody can reach
// them any more; a signed-in resident's unsubmitted drafts after `draft_retention` without a
// save. Corrections of submitted applications are never deleted. Failure counters (ratelimit.h)
// a day after their window. E-mail notices (notify/outbox.h) a week after they were sent.
// Closed applications after their retention period (retention.h; `years_for` may be empty:
// nothing is deleted).
std::vector<Job> housekeeping_jobs(std::chrono::seconds period, std::chrono::seconds draft_retention,
                                   RetentionYears years_for = {});

}  // namespace madoguchi::jobs
