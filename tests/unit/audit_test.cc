#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "audit/audit.h"
#include "store/store.h"
#include "unit/test_store.h"

namespace madoguchi::audit {
namespace {

using Code = Status::Code;

constexpr int64_t kNow = 1'743'465'600;  // 2025-04-01 09:00 JST

class AuditTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = test::open_test_store();
    ASSERT_NE(store_, nullptr);
    ASSERT_TRUE(store_->migrate().ok());
  }

  // Appends the three entries every test starts from, one transaction each, like requests do.
  void record_three() {
    const std::vector<Entry> entries = {
        {"staff:12", "case.view", "application:1", "page=answers"},
        {"staff:12", "case.approve", "application:1", "step=1"},
        {"resident:5", "attachment.download", "application:1", "id=abc"},
    };
    for (size_t i = 0; i < entries.size(); ++i) {
      Status s = store::with_write(*store_, [&](store::Transaction& tx) {
        return record(tx, entries[i], kNow + static_cast<int64_t>(i) * 60);
      });
      ASSERT_TRUE(s.ok()) << s.message();
    }
  }

  Result<int64_t> verify_now() {
    Result<int64_t> out = Status::Internal("not run");
    Status s = store::with_read(*store_, [&](store::Transaction& tx) {
      out = verify(tx);
      return Status::Ok();
    });
    if (!s.ok()) return s;
    return out;
  }

  // Tampering as someone with direct database access would: raw SQL, no audit API.
  void raw(const std::string& sql) {
    Status s = store::with_write(*store_, [&](store::Transaction& tx) { return tx.exec(sql).status(); });
    ASSERT_TRUE(s.ok()) << sql << ": " << s.message();
  }

  std::vector<store::Row> rows() {
    std::vector<store::Row> out;
    Status s = store::with_read(*store_, [&](store::Transaction& tx) {
      auto r = tx.query("SELECT id, prev_hash, hash, actor, action, object, detail, at FROM audit_log ORDER BY id");
      if (!r.ok()) return r.status();
      out = std::move(*r);
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.message();
    return out;
  }

  std::unique_ptr<store::Store> store_;
};

TEST_F(AuditTest, EmptyLogVerifiesWithZeroEntries) {
  auto n = verify_now();
  ASSERT_TRUE(n.ok()) << n.status().message();
  EXPECT_EQ(*n, 0);
}

TEST_F(AuditTest, EntriesAreStoredAsWritten) {
  record_three();
  auto r = rows();
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[1].str(3), "staff:12");
  EXPECT_EQ(r[1].str(4), "case.approve");
  EXPECT_EQ(r[1].str(5), "application:1");
  EXPECT_EQ(r[1].str(6), "step=1");
  EXPECT_EQ(r[1].i64(7), kNow + 60);
}

TEST_F(AuditTest, EntriesChainEachToThePreviousHash) {
  record_three();
  auto r = rows();
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].str(1), std::string(64, '0'));
  for (size_t i = 0; i < r.size(); ++i) {
    EXPECT_EQ(r[i].str(2).size(), 64u);
    EXPECT_EQ(r[i].str(2).find_first_not_of("0123456789abcdef"), std::string::npos);
    if (i > 0) {
      EXPECT_EQ(r[i].str(1), r[i - 1].str(2)) << "entry " << r[i].i64(0);
    }
  }
  // Two entries with the same fields at the same time still differ through the chain.
  Entry same{"system", "noop", "-", ""};
  ASSERT_TRUE(store::with_write(*store_, [&](store::Transaction& tx) {
                Status s = record(tx, same, kNow);
                if (!s.ok()) return s;
                return record(tx, same, kNow);
              }).ok());
  r = rows();
  ASSERT_EQ(r.size(), 5u);
  EXPECT_NE(r[3].str(2), r[4].str(2));
}

TEST_F(AuditTest, VerifyCountsTheEntries) {
  record_three();
  auto n = verify_now();
  ASSERT_TRUE(n.ok()) << n.status().message();
  EXPECT_EQ(*n, 3);
}

TEST_F(AuditTest, RecordRollsBackWithItsTransaction) {
  record_three();
  {
    auto tx = store_->begin(store::Store::Mode::kWrite);
    ASSERT_TRUE(tx.ok());
    ASSERT_TRUE(record(**tx, {"staff:1", "case.view", "application:2", ""}, kNow).ok());
    // No commit: the work failed, so its audit entry goes too.
  }
  auto n = verify_now();
  ASSERT_TRUE(n.ok()) << n.status().message();
  EXPECT_EQ(*n, 3);
}

// Every column that the hash covers: an edit to any of them on a past entry breaks the chain
// at that entry, and the message names it.
struct Tamper {
  const char* name;
  const char* sql;
};

class AuditTamperTest : public AuditTest, public ::testing::WithParamInterface<Tamper> {};

TEST_P(AuditTamperTest, EditingAPastEntryIsFoundAndNamed) {
  record_three();
  raw(GetParam().sql);
  auto n = verify_now();
  ASSERT_FALSE(n.ok()) << GetParam().name << " edit went unnoticed";
  EXPECT_EQ(n.status().code(), Code::kInvalid);
  EXPECT_NE(n.status().message().find("audit entry 2 "), std::string::npos) << n.status().message();
}

INSTANTIATE_TEST_SUITE_P(
    AuditColumns, AuditTamperTest,
    ::testing::Values(Tamper{"detail", "UPDATE audit_log SET detail = 'page=summary' WHERE id = 2"},
                      Tamper{"actor", "UPDATE audit_log SET actor = 'staff:13' WHERE id = 2"},
                      Tamper{"action", "UPDATE audit_log SET action = 'case.view' WHERE id = 2"},
                      Tamper{"object", "UPDATE audit_log SET object = 'application:9' WHERE id = 2"},
                      Tamper{"at", "UPDATE audit_log SET at = at - 3600 WHERE id = 2"},
                      Tamper{"hash", "UPDATE audit_log SET hash = prev_hash WHERE id = 2"},
                      Tamper{"prev_hash", "UPDATE audit_log SET prev_hash = hash WHERE id = 2"}),
    [](const ::testing::TestParamInfo<Tamper>& info) { return std::string(info.param.name); });

TEST_F(AuditTest, EditingTheFirstEntryIsFound) {
  record_three();
  raw("UPDATE audit_log SET detail = '' WHERE id = 1");
  auto n = verify_now();
  ASSERT_FALSE(n.ok());
  EXPECT_NE(n.status().message().find("audit entry 1 "), std::string::npos) << n.status().message();
}

TEST_F(AuditTest, DeletingAMiddleEntryIsFoundAtTheNextOne) {
  record_three();
  raw("DELETE FROM audit_log WHERE id = 2");
  auto n = verify_now();
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.status().code(), Code::kInvalid);
  // Entry 3's link now points at a hash that is no longer there.
  EXPECT_NE(n.status().message().find("audit entry 3 "), std::string::npos) << n.status().message();
}

TEST_F(AuditTest, DeletingTheNewestEntriesIsFoundAgainstAnAnchorKeptElsewhere) {
  record_three();
  Result<Anchor> head = Status::Internal("not run");
  ASSERT_TRUE(store::with_read(*store_, [&](store::Transaction& tx) {
                head = verify_against(tx, std::nullopt);
                return Status::Ok();
              }).ok());
  ASSERT_TRUE(head.ok()) << head.status().message();
  EXPECT_EQ(head->id, 3);
  EXPECT_EQ(head->hash, rows().back().str(2));
  // The anchor as printed and typed back in.
  auto anchor = parse_anchor("3:" + head->hash);
  ASSERT_TRUE(anchor.ok()) << anchor.status().message();
  auto check = [&] {
    Result<Anchor> out = Status::Internal("not run");
    EXPECT_TRUE(store::with_read(*store_, [&](store::Transaction& tx) {
                  out = verify_against(tx, *anchor);
                  return Status::Ok();
                }).ok());
    return out;
  };
  EXPECT_TRUE(check().ok()) << "nothing removed";
  raw("DELETE FROM audit_log WHERE id = 3");
  EXPECT_TRUE(verify_now().ok()) << "the shorter chain is consistent: the chain alone cannot tell";
  auto after = check();
  ASSERT_FALSE(after.ok());
  EXPECT_NE(after.status().message().find("anchored audit entry 3 is missing"), std::string::npos)
      << after.status().message();
}

TEST(AuditAnchor, MalformedAnchorsAreRefused) {
  EXPECT_FALSE(parse_anchor("").ok());
  EXPECT_FALSE(parse_anchor("3").ok());
  EXPECT_FALSE(parse_anchor(":abc").ok());
  EXPECT_FALSE(parse_anchor("x:" + std::string(64, 'a')).ok());
  EXPECT_FALSE(parse_anchor("0:" + std::string(64, 'a')).ok());
  EXPECT_FALSE(parse_anchor("3:" + std::string(63, 'a')).ok());
  EXPECT_FALSE(parse_anchor("3:" + std::string(64, 'A')).ok());
  auto ok = parse_anchor("12:" + std::string(64, 'f'));
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->id, 12);
}

TEST_F(AuditTest, DeletingTheFirstEntryIsFound) {
  record_three();
  raw("DELETE FROM audit_log WHERE id = 1");
  auto n = verify_now();
  ASSERT_FALSE(n.ok());
  EXPECT_NE(n.status().message().find("audit entry 2 "), std::string::npos) << n.status().message();
}

TEST_F(AuditTest, ForgingAnEntryWithAValidHashStillBreaksTheNextLink) {
  record_three();
  // The forger computes a correct hash for an edited entry 2 by replaying the same history
  // into a database of their own, then copies the edit and the hash over.
  auto other = test::open_test_store();
  ASSERT_NE(other, nullptr);
  ASSERT_TRUE(other->migrate().ok());
  std::string forged_hash;
  ASSERT_TRUE(store::with_write(*other, [&](store::Transaction& tx) {
                Status s = record(tx, {"staff:12", "case.view", "application:1", "page=answers"}, kNow);
                if (!s.ok()) return s;
                s = record(tx, {"staff:12", "case.approve", "application:1", "step=2"}, kNow + 60);
                if (!s.ok()) return s;
                auto r = tx.query("SELECT hash FROM audit_log WHERE id = 2");
                if (!r.ok()) return r.status();
                forged_hash = r->at(0).str(0);
                return Status::Ok();
              }).ok());
  raw("UPDATE audit_log SET detail = 'step=2', hash = '" + forged_hash + "' WHERE id = 2");
  auto n = verify_now();
  ASSERT_FALSE(n.ok());
  EXPECT_NE(n.status().message().find("audit entry 3 "), std::string::npos) << n.status().message();
}

TEST_F(AuditTest, ChainContinuesAfterVerify) {
  record_three();
  ASSERT_TRUE(verify_now().ok());
  ASSERT_TRUE(store::with_write(*store_, [&](store::Transaction& tx) {
                return record(tx, {"system", "retention.run", "-", "deleted=0"}, kNow + 600);
              }).ok());
  auto n = verify_now();
  ASSERT_TRUE(n.ok()) << n.status().message();
  EXPECT_EQ(*n, 4);
}

// Field boundaries are part of the hash: moving text from one field to the next changes it.
TEST_F(AuditTest, MovingTextBetweenFieldsIsFound) {
  ASSERT_TRUE(store::with_write(*store_, [&](store::Transaction& tx) {
                return record(tx, {"staff:1", "case.view", "application:12", "x"}, kNow);
              }).ok());
  raw("UPDATE audit_log SET object = 'application:1', detail = '2x' WHERE id = 1");
  auto n = verify_now();
  ASSERT_FALSE(n.ok());
  EXPECT_NE(n.status().message().find("audit entry 1 "), std::string::npos) << n.status().message();
}

}  // namespace
}  // namespace madoguchi::audit
