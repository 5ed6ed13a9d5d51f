// Stored JSON that was damaged outside madoguchi (answers, profiles) is an Internal error for
// whoever reads it, never an empty object that would show blank answers and could be saved
// back over the damaged ones. Runs on SQLite and, in the unit_tests_postgres entry, PostgreSQL.
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "applications/applications.h"
#include "auth/accounts.h"
#include "unit/test_store.h"

namespace madoguchi {
namespace {

using Code = Status::Code;

constexpr int64_t kNow = 1'700'000'000;
// Cut off mid-string, as a torn write or a hand edit would leave it.
const std::string kTorn = R"({"name": "山田)";

class CorruptRowsTest : public test::MigratedStoreTest {
 protected:
  // Runs one statement in its own write transaction, behind the domain code's back.
  void exec(const std::string& sql, const std::vector<store::Value>& params) {
    Status s = store::with_write(*store_, [&](store::Transaction& tx) { return tx.exec(sql, params).status(); });
    ASSERT_TRUE(s.ok()) << s.message();
  }
  // Inserts an application of account 5 with `answers`; returns its id.
  int64_t insert_application(const std::string& receipt, const std::string& answers) {
    int64_t id = 0;
    Status s = store::with_write(*store_, [&](store::Transaction& tx) {
      auto r = tx.query(
          "INSERT INTO applications (receipt, access_code_hash, procedure_id, procedure_version, account_id, "
          "department, status, answers, submitted_at, due_date, updated_at) "
          "VALUES (?, 'x', 'risai', 'v1', 5, 'bousai', 'received', ?, ?, '2026-01-05', ?) RETURNING id",
          {receipt, answers, kNow, kNow});
      if (!r.ok()) return r.status();
      id = r->at(0).i64(0);
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.message();
    return id;
  }
  // Runs `read` in a read transaction and returns the status it gives.
  Status reading(const std::function<Status(store::Transaction&)>& read) {
    Status got = Status::Internal("not run");
    Status s = store::with_read(*store_, [&](store::Transaction& tx) {
      got = read(tx);
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.message();
    return got;
  }
  static void expect_corrupt(const Status& s, const std::string& what) {
    EXPECT_EQ(s.code(), Code::kInternal) << what << ": " << s.message();
    EXPECT_NE(s.message().find("corrupt stored data"), std::string::npos) << what << ": " << s.message();
  }
};

TEST_F(CorruptRowsTest, ADraftWithCorruptAnswersIsAnErrorNotAnEmptyDraft) {
  exec(
      "INSERT INTO drafts (session_hash, procedure_id, procedure_version, answers, created_at, updated_at) "
      "VALUES ('s1', 'risai', 'v1', ?, ?, ?)",
      {kTorn, kNow, kNow});
  const applications::Owner owner{"s1", std::nullopt};
  expect_corrupt(reading([&](store::Transaction& tx) { return applications::load_draft(tx, owner, 1).status(); }),
                 "load_draft");
  expect_corrupt(reading([&](store::Transaction& tx) { return applications::list_drafts(tx, owner).status(); }),
                 "list_drafts");
  // Opening the procedure again finds the damaged draft instead of starting a blank one.
  Status open = store::with_write(*store_, [&](store::Transaction& tx) {
    return applications::open_draft(tx, owner, "risai", "v1", applications::Json::object(), kNow).status();
  });
  expect_corrupt(open, "open_draft");
}

TEST_F(CorruptRowsTest, AnApplicationWithCorruptAnswersIsAnError) {
  const int64_t good = insert_application("R-GOOD", R"({"name": "山田"})");
  const int64_t bad = insert_application("R-BAD", kTorn);
  // Valid JSON that is not an object is no set of answers either.
  const int64_t array = insert_application("R-ARRAY", "[1, 2]");
  ASSERT_TRUE(good && bad && array);
  EXPECT_TRUE(reading([&](store::Transaction& tx) { return applications::find_by_id(tx, good).status(); }).ok());
  expect_corrupt(reading([&](store::Transaction& tx) { return applications::find_by_id(tx, bad).status(); }),
                 "find_by_id");
  expect_corrupt(reading([&](store::Transaction& tx) { return applications::find_by_id(tx, array).status(); }),
                 "find_by_id, array");
  expect_corrupt(reading([&](store::Transaction& tx) { return applications::find_by_receipt(tx, "R-BAD").status(); }),
                 "find_by_receipt");
  expect_corrupt(reading([&](store::Transaction& tx) { return applications::find_for_account(tx, 5).status(); }),
                 "find_for_account");
}

TEST_F(CorruptRowsTest, ACorruptAnswersVersionIsAnError) {
  const int64_t id = insert_application("R-1", R"({"name": "山田"})");
  exec("INSERT INTO application_versions (application_id, version_no, answers, created_at) VALUES (?, 1, ?, ?)",
       {id, std::string(R"({"name": "山田"})"), kNow});
  exec("INSERT INTO application_versions (application_id, version_no, answers, created_at) VALUES (?, 2, ?, ?)",
       {id, kTorn, kNow});
  expect_corrupt(reading([&](store::Transaction& tx) { return applications::answer_versions(tx, id).status(); }),
                 "answer_versions");
}

TEST_F(CorruptRowsTest, AnAccountWithACorruptProfileIsAnError) {
  exec(
      "INSERT INTO accounts (kind, login, password_hash, display_name, profile, created_at) "
      "VALUES ('resident', 'hanako', 'h', '花子', ?, ?)",
      {kTorn, kNow});
  expect_corrupt(reading([&](store::Transaction& tx) { return auth::find_account(tx, 1).status(); }), "find_account");
}

}  // namespace
}  // namespace madoguchi
