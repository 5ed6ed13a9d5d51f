// `madoguchi export` / `import` (transfer/transfer.h) on whichever backend the run uses (SQLite,
// or PostgreSQL under unit_tests_postgres): every table round-trips exactly, and a target that
// is not empty, a truncated or edited file, or another schema version is refused with the
// target left untouched. Also: store::tables() must list every table of the real schema.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <sstream>

#include "audit/audit.h"
#include "store/migrations.h"
#include "support/store_rows.h"
#include "transfer/transfer.h"
#include "unit/test_store.h"

namespace madoguchi::transfer {
namespace {

using store::Store;
using store::Transaction;
using store::Value;

constexpr int64_t kNow = 1795456757;
// Beyond a double's 53-bit mantissa, and near the top of int64: ids must travel as integers.
constexpr int64_t kBigAccount = 9007199254740993;          // 2^53 + 1
constexpr int64_t kBigApplication = 4611686018427387904;   // 2^62
constexpr int64_t kBigEvent = 9223372036854775000;         // INT64_MAX - 807
// 𠮷 (outside the BMP) and 葛 with an ideographic variation selector (U+E0100).
const std::string kYoshida = "\xF0\xA0\xAE\xB7田";
const std::string kKuzuIvs = "葛\xF3\xA0\x84\x80城";

std::unique_ptr<Store> migrated_store() {
  auto s = test::open_test_store();
  if (!s) return nullptr;
  Status m = s->migrate();
  EXPECT_TRUE(m.ok()) << m.message();
  return m.ok() ? std::move(s) : nullptr;
}

Status exec(Transaction& tx, const std::string& sql, const std::vector<Value>& params) {
  return tx.exec(sql, params).status();
}

// One or more rows in every table, with the values most likely to be lost on the way.
Status fill(Store& store) {
  return store::with_write(store, [](Transaction& tx) -> Status {
    const char* account = "INSERT INTO accounts (id, kind, login, password_hash, display_name, department, role, "
                          "profile, created_at, disabled, locale) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    // NULL department next to an empty role: the two must not merge.
    if (Status s = exec(tx, account, {int64_t{1}, "resident", "yoshida", "$argon2id$x", kYoshida + " " + kKuzuIvs,
                                      nullptr, "", R"({"family":"𠮷田","kana":"ヨシダ"})", kNow, int64_t{0}, "zh-Hans"});
        !s.ok()) return s;
    if (Status s = exec(tx, account, {kBigAccount, "staff", "b1", "$argon2id$y", "防災 担当", "bousai", "tanto", "{}",
                                      kNow, int64_t{1}, nullptr});
        !s.ok()) return s;
    const char* session = "INSERT INTO sessions (token_hash, account_id, csrf, created_at, last_seen, expires_at, flash) "
                          "VALUES (?, ?, ?, ?, ?, ?, ?)";
    if (Status s = exec(tx, session, {"h1", kBigAccount, "c1", kNow, kNow, kNow + 3600, nullptr}); !s.ok()) return s;
    if (Status s = exec(tx, session, {"h2", nullptr, "", kNow, kNow, kNow + 3600, ""}); !s.ok()) return s;
    if (Status s = exec(tx, "INSERT INTO procedure_versions (version, procedure_id, body, created_at) VALUES (?, ?, ?, ?)",
                        {"v1", "risai", "title: 罹災証明書\n\t\"quoted\" \\ back\x01slash\r\n", kNow});
        !s.ok()) return s;
    if (Status s = exec(tx, "INSERT INTO drafts (id, session_hash, account_id, procedure_id, procedure_version, answers, "
                            "application_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        {int64_t{7}, "h2", nullptr, "risai", "v1", "{}", nullptr, kNow, kNow});
        !s.ok()) return s;
    if (Status s = exec(tx, "INSERT INTO applications (id, receipt, access_code_hash, procedure_id, procedure_version, "
                            "account_id, department, status, step, assignee, answers, answers_version, fee, "
                            "submitted_at, due_date, updated_at, row_version) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        {kBigApplication, "R-0001-X", "hash", "risai", "v1", int64_t{1}, "bousai", "received",
                         int64_t{0}, nullptr, R"({"name":")" + kKuzuIvs + R"("})", int64_t{2}, int64_t{0}, kNow,
                         "2026-12-07", kNow, int64_t{3}});
        !s.ok()) return s;
    const char* attachment = "INSERT INTO attachments (id, draft_id, application_id, field, filename, content_type, "
                             "size, sha256, data, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    store::Blob with_nuls = {0x00, 0x89, 'P', 'N', 'G', 0x00, 0x00, 0xff, 0x0a, 0x00};
    store::Blob big(200000);
    for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<unsigned char>(i * 7 % 256);
    if (Status s = exec(tx, attachment, {"a1", nullptr, kBigApplication, "photos", kYoshida + ".png", "image/png",
                                         int64_t{10}, "sha", with_nuls, kNow});
        !s.ok()) return s;
    if (Status s = exec(tx, attachment, {"a2", int64_t{7}, nullptr, "photos", "empty", "image/png", int64_t{0}, "sha",
                                         store::Blob{}, kNow});
        !s.ok()) return s;
    if (Status s = exec(tx, attachment, {"a3", nullptr, kBigApplication, "photos", "big.png", "image/png",
                                         int64_t{200000}, "sha", big, kNow});
        !s.ok()) return s;
    // More versions than one export page holds, over two applications: the composite key
    // (application_id, version_no) is paged as a row value.
    for (int64_t v = 1; v <= 70; ++v) {
      for (int64_t app : {int64_t{3}, kBigApplication}) {
        if (Status s = exec(tx, "INSERT INTO application_versions (application_id, version_no, answers, created_at) "
                                "VALUES (?, ?, ?, ?)",
                            {app, v, "{\"v\":" + std::to_string(v) + "}", kNow});
            !s.ok()) return s;
      }
    }
    if (Status s = exec(tx, "INSERT INTO events (id, application_id, at, actor_kind, actor_id, actor_name, action, step, "
                            "message) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        {kBigEvent, kBigApplication, kNow, "guest", nullptr, "", "submit", int64_t{0}, ""});
        !s.ok()) return s;
    if (Status s = exec(tx, "INSERT INTO decisions (application_id, outcome, fields, reason, recorded_by, "
                            "recorded_by_name, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        {kBigApplication, "issued", R"({"damage_level":"hankai"})", "理由\n" + kKuzuIvs, int64_t{1},
                         kYoshida, kNow});
        !s.ok()) return s;
    // An issued document: the signed PDF is a blob (with NULs, as PDFs have).
    if (Status s = exec(tx, "INSERT INTO issued_documents (id, number, application_id, procedure_id, kind, issuer, "
                            "department, check_value, sha256, pdf, issued_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        {int64_t{3}, "2026-000001", kBigApplication, "risai", "certificate", "テスト区長", "bousai",
                         std::string(32, 'c'), std::string(64, 'd'), store::Blob{'%', 'P', 'D', 'F', 0x00, 0xff, 0x0a},
                         kNow});
        !s.ok()) return s;
    // A paid attempt with a partial refund, the notification applied, and the sandbox
    // gateway's side of it (src/payments): NULL paid_at / done_at and set ones both survive.
    const char* payment = "INSERT INTO payments (id, application_id, department, receipt, amount, status, provider, "
                          "token, checkout_url, provider_ref, refunded, created_at, updated_at, paid_at, expires_at) "
                          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    if (Status s = exec(tx, payment, {int64_t{5}, kBigApplication, "bousai", "R-1", int64_t{600}, "paid", "sandbox",
                                      "tok1", "/sandbox-pay/sbx_1", "sbx_1", int64_t{300}, kNow, kNow, kNow,
                                      kNow + 3600});
        !s.ok()) return s;
    if (Status s = exec(tx, payment, {int64_t{6}, kBigApplication, "bousai", "R-1", int64_t{600}, "failed", "", "tok0",
                                      "", "", int64_t{0}, kNow, kNow, nullptr, kNow + 3600});
        !s.ok()) return s;
    if (Status s = exec(tx, "INSERT INTO payment_refunds (id, payment_id, amount, reason, staff_id, staff_name, status, "
                            "provider_ref, created_at, done_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        {int64_t{1}, int64_t{5}, int64_t{300}, "1通のみ\n" + kKuzuIvs, int64_t{1}, kYoshida, "done",
                         "sbx_rf_1", kNow, kNow + 5});
        !s.ok()) return s;
    if (Status s = exec(tx, "INSERT INTO payment_notifications (provider, event_id, payment_id, kind, outcome, "
                            "received_at) VALUES (?, ?, ?, ?, ?, ?)",
                        {"sandbox", "evt_1", int64_t{5}, "paid", "paid", kNow});
        !s.ok()) return s;
    if (Status s = exec(tx, "INSERT INTO sandbox_checkouts (id, merchant_ref, amount, description, return_url, status, "
                            "refunded, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        {"sbx_1", "tok1", int64_t{600}, "住民票の写し等 R-1", "/pay/return/tok1", "paid", int64_t{300},
                         kNow, kNow + 3600});
        !s.ok()) return s;
    if (Status s = exec(tx, "INSERT INTO sandbox_webhooks (id, event_id, body, deliver_after, attempts, delivered_at, "
                            "last_error) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        {int64_t{1}, "evt_1", R"({"id":"evt_1"})", kNow, int64_t{1}, kNow, nullptr});
        !s.ok()) return s;
    if (Status s = exec(tx, "INSERT INTO job_schedule (name, next_run_at, last_started_at, last_finished_at, last_node, "
                            "last_result) VALUES (?, ?, ?, ?, ?, ?)",
                        {"expire-sessions", kNow + 60, kNow, nullptr, "node-" + kYoshida, ""});
        !s.ok()) return s;
    if (Status s = exec(tx, "INSERT INTO failure_counters (key_hash, window_start, failures) VALUES (?, ?, ?)",
                        {"kh", kNow, int64_t{3}});
        !s.ok()) return s;
    // One notice waiting under a lease, one sent: NULLs and set values both survive.
    const char* notice = "INSERT INTO outbox (id, kind, recipient, subject, body, created_at, attempts, next_attempt_at, "
                         "lease_node, lease_until, sent_at, last_error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    if (Status s = exec(tx, notice, {int64_t{1}, "received", "hanako@example.jp", "受付しました " + kYoshida,
                                     "本文\n\t\"引用\"", kNow, int64_t{2}, kNow + 120, "node-1", kNow + 300, nullptr,
                                     "451 try again"});
        !s.ok()) return s;
    if (Status s = exec(tx, notice, {int64_t{2}, "decided", "taro@example.jp", "決定", "", kNow, int64_t{1}, kNow,
                                     nullptr, nullptr, kNow + 5, nullptr});
        !s.ok()) return s;
    // A pending sign-up (no account yet) and a used reset link: NULLs and set values both survive.
    const char* link = "INSERT INTO account_links (token_hash, purpose, email, display_name, password_hash, locale, "
                       "account_id, created_at, expires_at, used_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    if (Status s = exec(tx, link, {"th1", "signup", "Hanako@Example.jp", kYoshida, "$argon2id$v=19$x", "ja", nullptr,
                                   kNow, kNow + 86400, nullptr});
        !s.ok()) return s;
    if (Status s = exec(tx, link, {"th2", "reset", "", "", "", "en", kBigAccount, kNow, kNow + 3600, kNow + 5});
        !s.ok()) return s;
    // Staff's second factor: a sealed secret with its last step, and a sign-in waiting for it.
    if (Status s = exec(tx, "UPDATE accounts SET totp_secret = ?, totp_confirmed_at = ?, totp_last_step = ? WHERE id = ?",
                        {"c2VhbGVk", kNow, int64_t{58'115'520}, kBigAccount});
        !s.ok()) return s;
    if (Status s = exec(tx, "INSERT INTO pending_sign_ins (session_hash, account_id, stage, created_at) VALUES (?, ?, ?, ?)",
                        {"h2", kBigAccount, "code", kNow});
        !s.ok()) return s;
    // A real hash chain, longer than a page, that must still verify after the move.
    for (int i = 0; i < 150; ++i) {
      audit::Entry e{"staff:" + std::to_string(kBigAccount), "case.view", "application:" + std::to_string(i),
                     "閲覧 " + kYoshida};
      if (Status s = audit::record(tx, e, kNow + i); !s.ok()) return s;
    }
    return Status::Ok();
  });
}

std::string export_text(Store& store) {
  std::ostringstream out;
  auto r = export_store(store, out, kNow);
  EXPECT_TRUE(r.ok()) << r.status().message();
  return out.str();
}

Result<Summary> import_text(Store& store, const std::string& text) {
  std::istringstream in(text);
  return import_store(store, in);
}

int64_t total_rows(Store& store) {
  int64_t n = 0;
  for (const auto& t : store::tables()) n += static_cast<int64_t>(test::table_rows(store, t).size());
  return n;
}

// Fills a source store, exports it, and offers a fresh migrated target.
class TransferTest : public ::testing::Test {
 protected:
  void SetUp() override {
    source_ = migrated_store();
    target_ = migrated_store();
    ASSERT_TRUE(source_ && target_);
    Status s = fill(*source_);
    ASSERT_TRUE(s.ok()) << s.message();
    file_ = export_text(*source_);
  }

  // The import must fail with Invalid, mentioning `words`, and leave the target empty.
  void expect_refused(const std::string& text, const std::string& words) {
    auto r = import_text(*target_, text);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), Status::Code::kInvalid) << r.status().message();
    EXPECT_NE(r.status().message().find(words), std::string::npos) << r.status().message();
    EXPECT_EQ(total_rows(*target_), 0);
  }

  std::unique_ptr<Store> source_, target_;
  std::string file_;
};

TEST_F(TransferTest, EveryTableRoundTripsExactly) {
  auto r = import_text(*target_, file_);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->schema_version, store::latest_schema_version());
  for (const auto& t : store::tables()) {
    auto rows = test::table_rows(*source_, t);
    // A table added to the schema must get rows in fill(), or this test proves nothing for it.
    EXPECT_FALSE(rows.empty()) << "fill() puts no row into " << t.name << "; add some";
    EXPECT_EQ(rows, test::table_rows(*target_, t)) << t.name;
  }
  // Blobs travel as base64, not as text that a NUL would cut.
  EXPECT_NE(file_.find(R"("data":{"base64":"AIlQTkcAAP8KAA=="})"), std::string::npos);
  EXPECT_NE(file_.find(std::to_string(kBigEvent)), std::string::npos);

  auto tx = target_->begin(Store::Mode::kRead);
  ASSERT_TRUE(tx.ok());
  auto n = audit::verify(**tx);
  ASSERT_TRUE(n.ok()) << n.status().message();
  EXPECT_EQ(*n, 150);
}

TEST_F(TransferTest, NewRowsAfterImportGetIdsPastTheImportedOnes) {
  ASSERT_TRUE(import_text(*target_, file_).ok());
  int64_t account = 0, audit_id = 0;
  Status s = store::with_write(*target_, [&](Transaction& tx) -> Status {
    auto a = tx.query("INSERT INTO accounts (kind, login, password_hash, display_name, created_at) "
                      "VALUES ('resident', 'new', 'h', 'n', 0) RETURNING id");
    if (!a.ok()) return a.status();
    account = a->front().i64(0);
    if (Status r = audit::record(tx, {"system", "test", "x", ""}, kNow); !r.ok()) return r;
    auto last = tx.query("SELECT MAX(id) FROM audit_log");
    if (!last.ok()) return last.status();
    audit_id = last->front().i64(0);
    return Status::Ok();
  });
  // Without after_import() PostgreSQL's sequences would still hand out 1: a duplicate key.
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(account, kBigAccount + 1);
  EXPECT_EQ(audit_id, 151);
}

TEST_F(TransferTest, EmptyStoreRoundTrips) {
  auto empty = migrated_store();
  ASSERT_TRUE(empty);
  auto r = import_text(*target_, export_text(*empty));
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->total_rows(), 0);
  // And the target, still empty, can take the real file afterwards.
  EXPECT_TRUE(import_text(*target_, file_).ok());
}

TEST_F(TransferTest, NonEmptyTargetIsRefusedAndUntouched) {
  Status s = store::with_write(*target_, [](Transaction& tx) {
    return tx.exec("INSERT INTO procedure_versions (version, procedure_id, body, created_at) VALUES ('x', 'y', 'z', 0)")
        .status();
  });
  ASSERT_TRUE(s.ok()) << s.message();
  auto r = import_text(*target_, file_);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("not empty"), std::string::npos) << r.status().message();
  EXPECT_EQ(total_rows(*target_), 1);
}

TEST_F(TransferTest, TruncatedFileIsRefused) {
  size_t trailer = file_.rfind("{\"end\"");
  ASSERT_NE(trailer, std::string::npos);
  expect_refused(file_.substr(0, trailer), "truncated");
  size_t first_row = file_.find('\n') + 1;
  expect_refused(file_.substr(0, first_row), "truncated");
  // Cut inside a line: that last line is not JSON.
  expect_refused(file_.substr(0, file_.size() / 2), "damaged");
  expect_refused(file_.substr(0, trailer + 20), "damaged");
}

TEST_F(TransferTest, EditedFileIsRefused) {
  std::string edited = file_;
  size_t at = edited.find("\"防災 担当\"");
  ASSERT_NE(at, std::string::npos);
  edited.replace(at, std::string("\"防災 担当\"").size(), "\"防災 係長\"");
  expect_refused(edited, "checksum");
  // A whole row removed, trailer untouched.
  std::string dropped = file_;
  size_t row = dropped.find("{\"table\":\"events\"");
  ASSERT_NE(row, std::string::npos);
  dropped.erase(row, dropped.find('\n', row) + 1 - row);
  expect_refused(dropped, "checksum");
}

TEST_F(TransferTest, OtherSchemaVersionIsRefused) {
  std::string other = file_;
  std::string from = "\"schema_version\":" + std::to_string(store::latest_schema_version());
  size_t at = other.find(from);
  ASSERT_NE(at, std::string::npos);
  other.replace(at, from.size(), "\"schema_version\":" + std::to_string(store::latest_schema_version() + 1));
  expect_refused(other, "schema version");
}

TEST_F(TransferTest, WhatIsNotAnExportIsRefused) {
  expect_refused("", "empty");
  expect_refused("hello\n", "not a madoguchi export");
  expect_refused("{\"format\":\"other\"}\n", "not a madoguchi export");
  expect_refused("{\"format\":\"madoguchi-export\",\"format_version\":\"1\"}\n", "damaged");
}

// The real schema's tables and columns, read from the catalogue of the backend in use.
std::map<std::string, std::set<std::string>> real_schema(Store& store) {
  std::map<std::string, std::set<std::string>> out;
  const bool sqlite = store.backend() == "sqlite";
  Status s = store::with_read(store, [&](Transaction& tx) -> Status {
    auto tables = tx.query(sqlite ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                                  : "SELECT table_name FROM information_schema.tables "
                                    "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'");
    if (!tables.ok()) return tables.status();
    for (const auto& t : *tables) {
      auto cols = tx.query(sqlite ? "SELECT name FROM pragma_table_info(?)"
                                  : "SELECT column_name FROM information_schema.columns "
                                    "WHERE table_schema = current_schema() AND table_name = ?",
                           {t.str(0)});
      if (!cols.ok()) return cols.status();
      for (const auto& c : *cols) out[t.str(0)].insert(c.str(0));
    }
    return Status::Ok();
  });
  EXPECT_TRUE(s.ok()) << s.message();
  return out;
}

// Guards the export against a migration that adds a table or a column without adding it to
// store::tables() (src/store/migrations.cc): the export would silently leave it behind.
TEST(TransferSchema, TableListNamesEveryTableAndColumnOfTheRealSchema) {
  auto s = migrated_store();
  ASSERT_TRUE(s);
  auto real = real_schema(*s);
  ASSERT_TRUE(real.count("schema_migrations"));
  real.erase("schema_migrations");  // left out on purpose; see store::tables()
  std::map<std::string, std::set<std::string>> listed;
  for (const auto& t : store::tables()) {
    listed[t.name] = std::set<std::string>(t.columns.begin(), t.columns.end());
    EXPECT_EQ(t.columns.size(), listed[t.name].size()) << t.name << " lists a column twice";
    for (const auto& k : t.key) EXPECT_TRUE(listed[t.name].count(k)) << t.name << ": key " << k << " is not a column";
  }
  for (const auto& [table, columns] : real) {
    ASSERT_TRUE(listed.count(table)) << "table " << table
                                     << " is in the schema but not in store::tables() (src/store/migrations.cc)";
    EXPECT_EQ(columns, listed[table]) << "the columns of " << table << " differ from store::tables()";
  }
  for (const auto& [table, columns] : listed) {
    EXPECT_TRUE(real.count(table)) << "store::tables() lists " << table << ", which the schema does not have";
  }
}

}  // namespace
}  // namespace madoguchi::transfer
