// Retention (jobs/retention.h): the period counts from the April 1 after the
// fiscal year of closing, in JST; only closed cases go, with everything they
// hold, and each leaves an audit entry. Runs on SQLite and PostgreSQL.
#include "jobs/retention.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "audit/audit.h"
#include "test_store.h"

namespace madoguchi::jobs {
namespace {

using store::Value;

// Unix seconds of a JST wall-clock time.
int64_t jst(int y, int m, int d, int hour = 12) {
  return Date{y, m, d}.days_since_epoch() * 86400 + int64_t{hour - 9} * 3600;
}

TEST(RetentionEnds, CountsFromTheAprilFirstAfterTheFiscalYearOfClosing) {
  EXPECT_EQ(retention_ends(jst(2026, 12, 6), 5), (Date{2032, 4, 1})) << "FY2026 → from 2027-04-01, five years";
  EXPECT_EQ(retention_ends(jst(2027, 3, 31), 5), (Date{2032, 4, 1})) << "March is still FY2026";
  EXPECT_EQ(retention_ends(jst(2027, 4, 1), 5), (Date{2033, 4, 1})) << "April 1 starts FY2027";
  EXPECT_EQ(retention_ends(jst(2026, 4, 1), 1), (Date{2028, 4, 1}));
  // 2027-03-31 23:30 JST is 14:30 UTC of the same day; 2027-04-01 00:30 JST is
  // still 03-31 in UTC.
  EXPECT_EQ(retention_ends(jst(2027, 3, 31, 23) + 1800, 3), (Date{2030, 4, 1}));
  EXPECT_EQ(retention_ends(jst(2027, 4, 1, 0) + 1800, 3), (Date{2031, 4, 1})) << "the JST date counts, not UTC";
}

class RetentionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = test::open_test_store();
    ASSERT_TRUE(store_);
    ASSERT_TRUE(store_->migrate().ok());
  }
  void exec(const std::string& sql, const std::vector<Value>& params = {}) {
    Status s = store::with_write(*store_, [&](store::Transaction& tx) { return tx.exec(sql, params).status(); });
    ASSERT_TRUE(s.ok()) << sql << ": " << s.message();
  }
  int64_t count(const std::string& sql, const std::vector<Value>& params = {}) {
    int64_t n = -1;
    EXPECT_TRUE(store::with_read(*store_, [&](store::Transaction& tx) -> Status {
                  auto r = tx.query(sql, params);
                  if (!r.ok()) return r.status();
                  n = r->at(0).i64(0);
                  return Status::Ok();
                }).ok());
    return n;
  }
  // An application with one attachment, two versions, an event and a correction
  // draft with its own attachment.
  void application(int64_t id, const std::string& procedure, const std::string& status, int64_t closed_at) {
    exec(
        "INSERT INTO applications (id, receipt, access_code_hash, "
        "procedure_id, procedure_version, account_id, "
        "department, status, step, answers, fee, submitted_at, due_date, "
        "updated_at) "
        "VALUES (?, ?, '', ?, 'v', NULL, 'd', ?, 0, '{}', 0, ?, '2020-01-01', "
        "?)",
        {id, "R" + std::to_string(id), procedure, status, closed_at - 86400, closed_at});
    exec(
        "INSERT INTO attachments (id, draft_id, application_id, field, "
        "filename, content_type, size, sha256, data, "
        "created_at) VALUES (?, NULL, ?, 'photos', 'a.png', 'image/png', 1, "
        "'x', ?, 1)",
        {"app" + std::to_string(id), id, store::Blob{0x89}});
    for (int64_t v : {1, 2}) {
      exec(
          "INSERT INTO application_versions (application_id, version_no, "
          "answers, created_at) VALUES (?, ?, '{}', 1)",
          {id, v});
    }
    exec(
        "INSERT INTO events (application_id, at, actor_kind, actor_name, "
        "action, step, message) "
        "VALUES (?, 1, 'guest', '', 'submit', 0, '')",
        {id});
    exec(
        "INSERT INTO drafts (id, session_hash, account_id, procedure_id, "
        "procedure_version, answers, application_id, "
        "created_at, updated_at) VALUES (?, 's', NULL, ?, 'v', '{}', ?, 1, 1)",
        {id + 1000, procedure, id});
    exec(
        "INSERT INTO attachments (id, draft_id, application_id, field, "
        "filename, content_type, size, sha256, data, "
        "created_at) VALUES (?, ?, NULL, 'photos', 'b.png', 'image/png', 1, "
        "'x', ?, 1)",
        {"draft" + std::to_string(id), id + 1000, store::Blob{0x89}});
  }
  int64_t rows_of(int64_t id) {
    return count("SELECT COUNT(*) FROM applications WHERE id = ?", {id}) +
           count(
               "SELECT COUNT(*) FROM attachments WHERE application_id = ? OR "
               "draft_id = ?",
               {id, id + 1000}) +
           count(
               "SELECT COUNT(*) FROM application_versions WHERE "
               "application_id = ?",
               {id}) +
           count("SELECT COUNT(*) FROM events WHERE application_id = ?", {id}) +
           count("SELECT COUNT(*) FROM drafts WHERE application_id = ?", {id});
  }
  Result<int64_t> run(int64_t now, int limit = 500) {
    const std::map<std::string, int> years = {{"five", 5}, {"one", 1}, {"keep", 0}};
    RetentionYears years_for = [&](const std::string& p) {
      auto it = years.find(p);
      return it == years.end() ? 0 : it->second;
    };
    int64_t n = -1;
    Status s = store::with_write(*store_, [&](store::Transaction& tx) -> Status {
      auto r = apply_retention(tx, years_for, now, limit);
      if (!r.ok()) return r.status();
      n = *r;
      return Status::Ok();
    });
    if (!s.ok()) return s;
    return n;
  }
  std::unique_ptr<store::Store> store_;
};

TEST_F(RetentionTest, OnlyClosedCasesWhosePeriodEndedGoWithEverythingTheyHold) {
  const int64_t closed = jst(2026, 12, 6);
  application(1, "five", "rejected", closed);   // ends 2032-04-01
  application(2, "five", "completed", closed);  // ends 2032-04-01
  application(3, "five", "approved",
              closed);                          // not closed: kept whatever its age
  application(4, "five", "in_review", closed);  // not closed
  application(5, "keep", "completed", closed);  // no period: kept
  application(6, "gone", "completed",
              closed);                         // a procedure no longer defined: default (0 here)
  application(7, "one", "completed", closed);  // ends 2028-04-01
  for (int64_t id = 1; id <= 7; ++id) ASSERT_EQ(rows_of(id), 7) << id;

  auto none = run(jst(2028, 3, 31, 23));
  ASSERT_TRUE(none.ok()) << none.status().message();
  EXPECT_EQ(*none, 0) << "the last day of the period";
  auto one = run(jst(2028, 4, 1, 0));
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(*one, 1);
  EXPECT_EQ(rows_of(7), 0) << "the application, its attachments, versions, "
                              "history and correction draft";
  EXPECT_EQ(run(jst(2032, 3, 31)).value(), 0);
  EXPECT_EQ(run(jst(2032, 4, 1)).value(), 2);
  for (int64_t id : {1, 2}) EXPECT_EQ(rows_of(id), 0) << id;
  for (int64_t id : {3, 4, 5, 6}) EXPECT_EQ(rows_of(id), 7) << id << " must be kept";
  EXPECT_EQ(run(jst(2060, 1, 1)).value(), 0) << "the rest stay";

  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE actor = 'system' AND "
                  "action = 'application.purge'"),
            3);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE object = "
                  "'application:7' AND detail = 'one, 1 years'"),
            1);
  Status chain = store::with_read(*store_, [](store::Transaction& tx) { return audit::verify(tx).status(); });
  EXPECT_TRUE(chain.ok()) << chain.message();
}

// Withdrawn (取り下げ) and expired (the fee never paid) applications are closed too: nothing
// changes them afterwards, and the answers they hold go after the same period.
TEST_F(RetentionTest, WithdrawnAndExpiredApplicationsAreClosedCasesToo) {
  const int64_t closed = jst(2026, 12, 6);
  application(1, "one", "withdrawn", closed);  // ends 2028-04-01
  application(2, "one", "expired", closed);    // ends 2028-04-01
  EXPECT_EQ(run(jst(2028, 3, 31, 23)).value(), 0);
  EXPECT_EQ(run(jst(2028, 4, 1, 0)).value(), 2);
  for (int64_t id : {1, 2}) EXPECT_EQ(rows_of(id), 0) << id;
}

TEST_F(RetentionTest, OneRunDeletesAtMostItsLimit) {
  for (int64_t id = 1; id <= 5; ++id) application(id, "one", "rejected", jst(2020, 5, 1));
  EXPECT_EQ(run(jst(2026, 1, 1), 2).value(), 2);
  EXPECT_EQ(run(jst(2026, 1, 1), 2).value(), 2);
  EXPECT_EQ(run(jst(2026, 1, 1), 2).value(), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM applications"), 0);
}

}  // namespace
}  // namespace madoguchi::jobs
