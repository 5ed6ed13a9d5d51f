#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "applications/applications.h"
#include "audit/audit.h"
#include "cases/cases.h"
#include "store/store.h"
#include "unit/test_store.h"

namespace madoguchi::cases {
namespace {

using Code = Status::Code;

const std::vector<std::string> kRoute = {"tanto", "kakaricho", "kacho"};
constexpr int64_t kNow = 1'743'465'600;  // 2025-04-01 09:00 JST

const Actor kTanto{11, "佐藤 担当", "shimin", "tanto"};
const Actor kKakaricho{12, "鈴木 係長", "shimin", "kakaricho"};
const Actor kKacho{13, "高橋 課長", "shimin", "kacho"};
const Actor kOtherDept{21, "田中 担当", "zeimu", "tanto"};

// Forwards to a real transaction but lets another "writer" bump the row just before act()'s
// UPDATE, the window a read-committed backend leaves open between its read and its write.
class InterferingTransaction : public store::Transaction {
 public:
  InterferingTransaction(store::Transaction& inner, int64_t app_id) : inner_(inner), app_id_(app_id) {}
  Result<std::vector<store::Row>> query(std::string_view sql, const std::vector<store::Value>& params) override {
    return inner_.query(sql, params);
  }
  Result<int64_t> exec(std::string_view sql, const std::vector<store::Value>& params) override {
    if (sql.starts_with("UPDATE applications SET status")) {
      auto r = inner_.exec("UPDATE applications SET row_version = row_version + 1 WHERE id = ?", {app_id_});
      if (!r.ok()) return r.status();
    }
    return inner_.exec(sql, params);
  }
  Status commit() override { return inner_.commit(); }

 private:
  store::Transaction& inner_;
  int64_t app_id_;
};

class CasesStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = test::open_test_store();  // SQLite, or PostgreSQL when CTest asks for it
    ASSERT_NE(store_, nullptr);
    Status m = store_->migrate();
    ASSERT_TRUE(m.ok()) << m.message();
  }

  void TearDown() override { store_.reset(); }

  // Submits through the applications module, as a resident would; the owner is kept so the
  // test can later open a correction as that resident.
  int64_t submit(const std::string& department = "shimin", const std::string& procedure = "juminhyo") {
    applications::Owner owner{"session-" + std::to_string(++submissions_), std::nullopt};
    int64_t id = 0;
    Status s = store::with_write(*store_, [&](store::Transaction& tx) {
      auto d = applications::open_draft(tx, owner, procedure, "v1", {{"name", "山田 花子"}}, kNow);
      if (!d.ok()) return d.status();
      auto r = applications::submit(tx, *d, department, 300, Date{2025, 4, 15}, "山田 花子", kNow);
      if (!r.ok()) return r.status();
      id = r->application_id;
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.message();
    owners_[id] = owner;
    return id;
  }

  // Inserts a row directly, for queue and count tests that need exact times and states.
  int64_t insert(const std::string& department, const std::string& procedure, const std::string& status,
                 int64_t submitted_at, const std::string& due) {
    int64_t id = 0;
    Status s = store::with_write(*store_, [&](store::Transaction& tx) {
      auto r = tx.query(
          "INSERT INTO applications (receipt, access_code_hash, procedure_id, procedure_version, department, "
          "status, step, answers, submitted_at, due_date, updated_at) "
          "VALUES (?, 'x', ?, 'v1', ?, ?, 0, '{}', ?, ?, ?) RETURNING id",
          {"R-" + std::to_string(++inserted_), procedure, department, status, submitted_at, due, submitted_at});
      if (!r.ok()) return r.status();
      id = r->at(0).i64(0);
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.message();
    return id;
  }

  applications::Application load(int64_t id) {
    applications::Application out;
    Status s = store::with_read(*store_, [&](store::Transaction& tx) {
      auto a = applications::find_by_id(tx, id);
      if (!a.ok()) return a.status();
      out = *a;
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.message();
    return out;
  }

  // Acts with the row_version currently stored, like a staff member with a fresh page.
  Status act_now(int64_t id, Action a, const Actor& actor, const std::string& message = "") {
    return act_at(id, load(id).row_version, a, actor, message);
  }

  Status act_at(int64_t id, int64_t version, Action a, const Actor& actor, const std::string& message = "") {
    return store::with_write(*store_, [&](store::Transaction& tx) {
      return cases::act(tx, id, version, a, actor, kRoute, message, kNow + 60);
    });
  }

  std::vector<applications::Event> events_of(int64_t id) {
    std::vector<applications::Event> out;
    Status s = store::with_read(*store_, [&](store::Transaction& tx) {
      auto e = applications::events(tx, id);
      if (!e.ok()) return e.status();
      out = *e;
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.message();
    return out;
  }

  struct AuditRow {
    std::string actor, action, object, detail;
  };
  std::vector<AuditRow> audit_rows() {
    std::vector<AuditRow> out;
    Status s = store::with_read(*store_, [&](store::Transaction& tx) {
      auto rows = tx.query("SELECT actor, action, object, detail FROM audit_log ORDER BY id");
      if (!rows.ok()) return rows.status();
      for (const auto& r : *rows) out.push_back({r.str(0), r.str(1), r.str(2), r.str(3)});
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.message();
    return out;
  }

  int64_t audit_verified_count() {
    int64_t n = -1;
    // verify() only reads, but the chain must be walked in one snapshot.
    Status s = store::with_read(*store_, [&](store::Transaction& tx) {
      auto v = audit::verify(tx);
      if (!v.ok()) return v.status();
      n = *v;
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.message();
    return n;
  }

  Result<std::vector<QueueRow>> run_queue(const QueueFilter& f) {
    Result<std::vector<QueueRow>> out = Status::Internal("not run");
    Status s = store::with_read(*store_, [&](store::Transaction& tx) {
      out = queue(tx, f);
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok());
    return out;
  }

  Result<std::vector<std::pair<std::string, int64_t>>> run_counts(const std::string& department) {
    Result<std::vector<std::pair<std::string, int64_t>>> out = Status::Internal("not run");
    Status s = store::with_read(*store_, [&](store::Transaction& tx) {
      out = counts(tx, department);
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok());
    return out;
  }

  std::unique_ptr<store::Store> store_;
  std::map<int64_t, applications::Owner> owners_;
  int submissions_ = 0;
  int inserted_ = 0;
};

std::vector<int64_t> ids(const std::vector<QueueRow>& rows) {
  std::vector<int64_t> out;
  for (const auto& r : rows) out.push_back(r.id);
  return out;
}

TEST_F(CasesStoreTest, FullThreeStepApproval) {
  const int64_t id = submit();
  ASSERT_EQ(load(id).status, "received");
  ASSERT_EQ(load(id).row_version, 1);

  ASSERT_TRUE(act_at(id, 1, Action::kAssign, kTanto).ok());
  auto a = load(id);
  EXPECT_EQ(a.status, "in_review");
  EXPECT_EQ(a.step, 0);
  ASSERT_TRUE(a.assignee.has_value());
  EXPECT_EQ(*a.assignee, kTanto.id);
  EXPECT_EQ(a.row_version, 2);
  EXPECT_EQ(a.updated_at, kNow + 60);

  ASSERT_TRUE(act_at(id, 2, Action::kApprove, kTanto, "確認しました").ok());
  EXPECT_EQ(load(id).step, 1);
  ASSERT_TRUE(act_at(id, 3, Action::kApprove, kKakaricho).ok());
  EXPECT_EQ(load(id).step, 2);
  EXPECT_EQ(load(id).status, "in_review");
  ASSERT_TRUE(act_at(id, 4, Action::kApprove, kKacho).ok());
  a = load(id);
  EXPECT_EQ(a.status, "approved");
  EXPECT_EQ(a.step, 2);
  ASSERT_TRUE(a.assignee.has_value());
  EXPECT_EQ(*a.assignee, kTanto.id) << "approvals keep the assignee";

  // Completion is clerical: the assigned tanto does it, not the kacho.
  ASSERT_TRUE(act_at(id, 5, Action::kComplete, kTanto).ok());
  a = load(id);
  EXPECT_EQ(a.status, "completed");
  EXPECT_EQ(a.row_version, 6);

  auto ev = events_of(id);
  ASSERT_EQ(ev.size(), 6u);
  EXPECT_EQ(ev[0].action, "submitted");
  const std::vector<std::tuple<std::string, std::string, int>> want = {
      {"assign", kTanto.name, 0},      {"approve", kTanto.name, 0}, {"approve", kKakaricho.name, 1},
      {"approve", kKacho.name, 2},     {"complete", kTanto.name, 2},
  };
  for (size_t i = 0; i < want.size(); ++i) {
    const auto& e = ev[i + 1];
    EXPECT_EQ(e.actor_kind, "staff");
    EXPECT_EQ(e.action, std::get<0>(want[i])) << i;
    EXPECT_EQ(e.actor_name, std::get<1>(want[i])) << i;
    EXPECT_EQ(e.step, std::get<2>(want[i])) << i;
    EXPECT_EQ(e.at, kNow + 60);
  }
  EXPECT_EQ(ev[2].message, "確認しました");

  auto audit = audit_rows();
  ASSERT_EQ(audit.size(), 5u);
  EXPECT_EQ(audit[0].actor, "staff:11");
  EXPECT_EQ(audit[0].action, "case.assign");
  EXPECT_EQ(audit[1].action, "case.approve");
  EXPECT_EQ(audit[2].actor, "staff:12");
  EXPECT_EQ(audit[3].actor, "staff:13");
  EXPECT_EQ(audit[4].action, "case.complete");
  for (const auto& r : audit) {
    EXPECT_EQ(r.object, "application:" + std::to_string(id));
    EXPECT_EQ(r.detail.find("確認"), std::string::npos) << "messages may hold personal data";
    EXPECT_EQ(r.detail.find("佐藤"), std::string::npos);
  }
  EXPECT_EQ(audit_verified_count(), 5);
}

TEST_F(CasesStoreTest, CorrectionResubmittedThenApproved) {
  const int64_t id = submit();
  ASSERT_TRUE(act_now(id, Action::kAssign, kTanto).ok());
  ASSERT_TRUE(act_now(id, Action::kApprove, kTanto).ok());
  const std::string msg = "住所の番地を記入してください";
  ASSERT_TRUE(act_now(id, Action::kRequestCorrection, kKakaricho, msg).ok());
  auto a = load(id);
  EXPECT_EQ(a.status, "correction");
  EXPECT_EQ(a.step, 1);

  // Nobody decides while the resident is still correcting.
  EXPECT_EQ(act_now(id, Action::kApprove, kKakaricho).code(), Code::kInvalid);

  Status s = store::with_write(*store_, [&](store::Transaction& tx) {
    auto app = applications::find_by_id(tx, id);
    if (!app.ok()) return app.status();
    auto d = applications::open_correction(tx, owners_[id], *app, kNow + 120);
    if (!d.ok()) return d.status();
    d->answers["address"] = "東京都千代田区1-1";
    return applications::resubmit(tx, *d, "山田 花子", kNow + 180);
  });
  ASSERT_TRUE(s.ok()) << s.message();
  a = load(id);
  EXPECT_EQ(a.status, "in_review");
  EXPECT_EQ(a.step, 1) << "the same reviewer sees the corrected answers";
  EXPECT_EQ(a.answers_version, 2);

  // The step's reviewer, not the one before, continues.
  EXPECT_EQ(act_now(id, Action::kApprove, kTanto).code(), Code::kPermissionDenied);
  ASSERT_TRUE(act_now(id, Action::kApprove, kKakaricho).ok());
  ASSERT_TRUE(act_now(id, Action::kApprove, kKacho).ok());
  EXPECT_EQ(load(id).status, "approved");

  auto ev = events_of(id);
  std::vector<std::string> actions;
  for (const auto& e : ev) actions.push_back(e.action);
  EXPECT_EQ(actions, (std::vector<std::string>{"submitted", "assign", "approve", "correction", "resubmitted",
                                               "approve", "approve"}));
  EXPECT_EQ(ev[3].message, msg);
  EXPECT_EQ(ev[3].step, 1);
  EXPECT_EQ(ev[4].actor_kind, "resident");

  auto audit = audit_rows();
  ASSERT_EQ(audit.size(), 5u);
  EXPECT_EQ(audit[2].action, "case.correction");
  EXPECT_EQ(audit[2].detail.find("番地"), std::string::npos);
  EXPECT_EQ(audit_verified_count(), 5);
}

TEST_F(CasesStoreTest, CorrectionAndRejectionNeedAMessage) {
  const int64_t id = submit();
  EXPECT_EQ(act_now(id, Action::kRequestCorrection, kTanto).code(), Code::kInvalid);
  EXPECT_EQ(act_now(id, Action::kRequestCorrection, kTanto, " \u3000\n").code(), Code::kInvalid);
  EXPECT_EQ(act_now(id, Action::kReject, kTanto, "").code(), Code::kInvalid);
  auto a = load(id);
  EXPECT_EQ(a.status, "received");
  EXPECT_EQ(a.row_version, 1);
  EXPECT_EQ(events_of(id).size(), 1u);
  EXPECT_TRUE(audit_rows().empty());

  ASSERT_TRUE(act_now(id, Action::kReject, kTanto, "対象外の手続です").ok());
  EXPECT_EQ(load(id).status, "rejected");
}

TEST_F(CasesStoreTest, RejectedCaseAllowsNothingMore) {
  const int64_t id = submit();
  ASSERT_TRUE(act_now(id, Action::kReject, kTanto, "重複申請").ok());
  for (Action a : {Action::kAssign, Action::kApprove, Action::kRequestCorrection, Action::kReject,
                   Action::kComplete}) {
    EXPECT_EQ(act_now(id, a, kTanto, "x").code(), Code::kInvalid) << action_name(a);
  }
  EXPECT_EQ(load(id).row_version, 2);
  EXPECT_EQ(audit_rows().size(), 1u);
}

TEST_F(CasesStoreTest, OtherDepartmentIsDenied) {
  const int64_t id = submit("shimin");
  EXPECT_EQ(act_now(id, Action::kAssign, kOtherDept).code(), Code::kPermissionDenied);
  EXPECT_EQ(act_now(id, Action::kApprove, kOtherDept).code(), Code::kPermissionDenied);
  Actor nobody = kTanto;
  nobody.department = "";
  EXPECT_EQ(act_now(id, Action::kAssign, nobody).code(), Code::kPermissionDenied);
  EXPECT_EQ(load(id).row_version, 1);
  EXPECT_EQ(events_of(id).size(), 1u);
  EXPECT_TRUE(audit_rows().empty());
}

TEST_F(CasesStoreTest, WrongRoleIsDenied) {
  const int64_t id = submit();
  EXPECT_EQ(act_now(id, Action::kApprove, kKacho).code(), Code::kPermissionDenied);
  EXPECT_EQ(load(id).row_version, 1);
}

TEST_F(CasesStoreTest, UnknownApplicationIsNotFound) {
  EXPECT_EQ(act_at(9999, 1, Action::kAssign, kTanto).code(), Code::kNotFound);
}

TEST_F(CasesStoreTest, StaleRowVersionConflicts) {
  const int64_t id = submit();
  // Two staff opened the case at version 1; the first to act wins.
  ASSERT_TRUE(act_at(id, 1, Action::kAssign, kTanto).ok());
  Actor other = kTanto;
  other.id = 14;
  EXPECT_EQ(act_at(id, 1, Action::kAssign, other).code(), Code::kConflict);
  EXPECT_EQ(act_at(id, 1, Action::kApprove, kTanto).code(), Code::kConflict);
  auto a = load(id);
  EXPECT_EQ(*a.assignee, kTanto.id);
  EXPECT_EQ(a.row_version, 2);
  EXPECT_EQ(audit_rows().size(), 1u);
}

TEST_F(CasesStoreTest, ChangeBetweenReadAndWriteConflicts) {
  const int64_t id = submit();
  Status s = store::with_write(*store_, [&](store::Transaction& tx) {
    InterferingTransaction racing(tx, id);
    return cases::act(racing, id, 1, Action::kAssign, kTanto, kRoute, "", kNow);
  });
  EXPECT_EQ(s.code(), Code::kConflict);
  auto a = load(id);
  EXPECT_EQ(a.status, "received") << "the failed transaction left nothing";
  EXPECT_FALSE(a.assignee.has_value());
}

TEST_F(CasesStoreTest, QueueShowsOpenCasesOfTheDepartmentOnly) {
  const int64_t a = insert("shimin", "juminhyo", "received", kNow + 30, "2025-04-20");
  const int64_t b = insert("shimin", "inkan", "in_review", kNow + 10, "2025-04-25");
  const int64_t c = insert("shimin", "juminhyo", "correction", kNow + 20, "2025-04-10");
  insert("shimin", "juminhyo", "approved", kNow, "2025-04-01");
  insert("shimin", "juminhyo", "rejected", kNow, "2025-04-01");
  insert("shimin", "juminhyo", "completed", kNow, "2025-04-01");
  insert("zeimu", "juminhyo", "received", kNow, "2025-04-01");

  auto q = run_queue({"shimin", "", "", QueueFilter::Sort::kReceived});
  ASSERT_TRUE(q.ok()) << q.status().message();
  EXPECT_EQ(ids(*q), (std::vector<int64_t>{b, c, a}));
  EXPECT_EQ((*q)[0].status, "in_review");
  EXPECT_EQ((*q)[0].procedure_id, "inkan");
  EXPECT_EQ((*q)[0].receipt, "R-2");
  EXPECT_EQ((*q)[0].submitted_at, kNow + 10);
  EXPECT_EQ((*q)[0].due_date, "2025-04-25");
  EXPECT_FALSE((*q)[0].assignee.has_value());

  q = run_queue({"shimin", "", "", QueueFilter::Sort::kDue});
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(ids(*q), (std::vector<int64_t>{c, a, b}));

  q = run_queue({"shimin", "juminhyo", "", QueueFilter::Sort::kReceived});
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(ids(*q), (std::vector<int64_t>{c, a}));

  q = run_queue({"shimin", "", "approved", QueueFilter::Sort::kReceived});
  ASSERT_TRUE(q.ok());
  ASSERT_EQ(q->size(), 1u);
  EXPECT_EQ((*q)[0].status, "approved");

  q = run_queue({"zeimu", "", "", QueueFilter::Sort::kReceived});
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->size(), 1u);

  EXPECT_EQ(run_queue({"", "", "", QueueFilter::Sort::kReceived}).status().code(), Code::kInvalid);
}

TEST_F(CasesStoreTest, QueueBreaksTiesById) {
  const int64_t x = insert("shimin", "juminhyo", "received", kNow, "2025-04-20");
  const int64_t y = insert("shimin", "juminhyo", "received", kNow, "2025-04-20");
  const int64_t z = insert("shimin", "juminhyo", "received", kNow - 5, "2025-04-20");
  auto q = run_queue({"shimin", "", "", QueueFilter::Sort::kReceived});
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(ids(*q), (std::vector<int64_t>{z, x, y}));
  q = run_queue({"shimin", "", "", QueueFilter::Sort::kDue});
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(ids(*q), (std::vector<int64_t>{x, y, z}));
}

TEST_F(CasesStoreTest, QueueReflectsActions) {
  const int64_t id = submit();
  ASSERT_TRUE(act_now(id, Action::kAssign, kTanto).ok());
  auto q = run_queue({"shimin", "", "in_review", QueueFilter::Sort::kReceived});
  ASSERT_TRUE(q.ok());
  ASSERT_EQ(q->size(), 1u);
  EXPECT_EQ((*q)[0].id, id);
  ASSERT_TRUE((*q)[0].assignee.has_value());
  EXPECT_EQ(*(*q)[0].assignee, kTanto.id);
  EXPECT_EQ((*q)[0].due_date, "2025-04-15");
}

TEST_F(CasesStoreTest, CountsPerStatusForTheDepartment) {
  insert("shimin", "juminhyo", "received", kNow, "2025-04-20");
  insert("shimin", "juminhyo", "received", kNow, "2025-04-20");
  insert("shimin", "juminhyo", "in_review", kNow, "2025-04-20");
  insert("shimin", "inkan", "completed", kNow, "2025-04-20");
  insert("shimin", "inkan", "legacy_hold", kNow, "2025-04-20");
  insert("zeimu", "juminhyo", "received", kNow, "2025-04-20");

  auto c = run_counts("shimin");
  ASSERT_TRUE(c.ok()) << c.status().message();
  const std::vector<std::pair<std::string, int64_t>> want = {
      {"received", 2}, {"in_review", 1}, {"correction", 0}, {"approved", 0},
      {"rejected", 0}, {"completed", 1}, {"withdrawn", 0}, {"legacy_hold", 1},
  };
  EXPECT_EQ(*c, want);

  c = run_counts("kodomo");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->size(), 7u);
  for (const auto& [status, n] : *c) EXPECT_EQ(n, 0) << status;

  EXPECT_EQ(run_counts("").status().code(), Code::kInvalid);
}

}  // namespace
}  // namespace madoguchi::cases
