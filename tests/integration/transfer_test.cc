// A SQLite deployment moves to PostgreSQL with `madoguchi export` and `madoguchi import`, with
// nothing lost: real journeys on a server over SQLite, then the CLI moves the store, every
// table is compared row by row, the audit chain verifies, and a server on the copy still
// serves the guest their status and lets staff carry on (new rows get fresh ids).
//
// The target is a fresh PostgreSQL database under integration_tests_postgres. The plain run
// has no PostgreSQL server, so there the target is a second SQLite file: the same commands
// and comparisons, which still catch anything the file format loses.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <regex>
#include <set>

#include "store/migrations.h"
#include "store/store.h"
#include "support/madoguchi_fixture.h"
#include "support/pg_test_database.h"
#include "support/store_rows.h"

namespace madoguchi::test {
namespace {

namespace fs = std::filesystem;

// A temporary directory for the source store and the export file, removed at the end.
struct TempDir {
  fs::path path;
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "madoguchi_transfer_XXXXXX").string();
    if (mkdtemp(tmpl.data())) path = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path.empty()) fs::remove_all(path, ec);
  }
};

int act(HttpClient& staff, const std::string& case_path, const std::string& action) {
  return staff_act(staff, case_path, action);
}

std::unique_ptr<store::Store> open_store(const std::string& url) {
  auto s = store::Store::open(url);
  EXPECT_TRUE(s.ok()) << s.status().message();
  return s.ok() ? std::move(*s) : nullptr;
}

TEST(Transfer, SqliteDeploymentMovesToPostgresWithNothingLost) {
  TempDir tmp;
  ASSERT_FALSE(tmp.path.empty());
  const std::string source_url = "sqlite:" + (tmp.path / "source.db").string();
  const std::string file = (tmp.path / "export.jsonl").string();

  // The source is SQLite in every run: that is the deployment being moved.
  MadoguchiServer source("store = \"" + source_url + "\"");
  ASSERT_TRUE(source.add_staff("b1", "staff-password-01", "防災 担当", "bousai", "tanto"));
  ASSERT_TRUE(source.add_resident("hanako", "resident-password-1", "𠮷田 花子"));
  ASSERT_TRUE(source.start()) << source.output();
  std::string receipt, code;
  {
    HttpClient guest(source.port());
    receipt = submit_risai_as_guest(guest, &code);  // with photos: attachments hold blobs
    ASSERT_FALSE(receipt.empty());
    HttpClient staff(source.port());
    ASSERT_TRUE(sign_in(staff, "b1", "staff-password-01"));
    std::string case_path = staff_case_path(staff, receipt);
    ASSERT_FALSE(case_path.empty()) << "GET /staff: " << staff.get("/staff").status;
    ASSERT_EQ(act(staff, case_path, "assign"), 303);
    HttpClient resident(source.port());
    ASSERT_TRUE(sign_in(resident, "hanako", "resident-password-1"));
    Reply proc = resident.get("/procedures/risai");
    ASSERT_EQ(resident.post_form("/procedures/risai/start", {{"csrf", csrf_of(proc.body)}}).status, 303);  // a draft
  }
  ASSERT_EQ(source.stop(), 0) << source.output();

  std::string out;
  ASSERT_EQ(source.cli("export --store '" + source_url + "' --out '" + file + "'", "", &out), 0) << out;
  EXPECT_EQ(fs::status(file).permissions() & fs::perms::all, fs::perms::owner_read | fs::perms::owner_write);

  std::string target_url;
  if (postgres_tests()) {
    std::string error;
    target_url = create_postgres_test_database(&error);
    ASSERT_FALSE(target_url.empty()) << error;
  } else {
    target_url = "sqlite:" + (tmp.path / "target.db").string();
  }
  MadoguchiServer target("store = \"" + target_url + "\"");
  ASSERT_EQ(target.cli("import --store '" + target_url + "' '" + file + "'", "", &out), 0) << out;
  // A second import into the now full store is refused, with one sentence, not a crash.
  ASSERT_EQ(target.cli("import '" + file + "'", "", &out), 1);
  EXPECT_NE(out.find("import failed: the target store is not empty"), std::string::npos) << out;

  size_t audit_entries = 0;
  {
    auto from = open_store(source_url);
    auto to = open_store(target_url);
    ASSERT_TRUE(from && to);
    EXPECT_EQ(to->backend(), postgres_tests() ? "postgresql" : "sqlite");
    for (const auto& t : store::tables()) {
      auto rows = table_rows(*from, t);
      EXPECT_EQ(rows, table_rows(*to, t)) << t.name;
      if (t.name == "audit_log") audit_entries = rows.size();
      // The tables the journeys above must reach; the unit tests fill every table.
      static const std::set<std::string> kReached = {"accounts", "sessions",  "drafts",   "applications",
                                                     "attachments", "events", "audit_log"};
      if (kReached.count(t.name)) {
        EXPECT_FALSE(rows.empty()) << t.name << " has no rows: the journeys no longer reach it";
      }
    }
  }
  ASSERT_GT(audit_entries, 0u);
  ASSERT_EQ(target.cli("audit verify", "", &out), 0) << out;
  EXPECT_NE(out.find("audit log intact: " + std::to_string(audit_entries) + " entries"), std::string::npos) << out;

  ASSERT_TRUE(target.start()) << target.output();
  HttpClient guest(target.port());
  Reply form = guest.get("/status");
  Reply status = guest.post_form("/status", {{"csrf", csrf_of(form.body)}, {"receipt", receipt}, {"code", code}});
  ASSERT_EQ(status.status, 200);
  EXPECT_NE(status.body.find("data-status="), std::string::npos) << status.body;
  EXPECT_NE(status.body.find(receipt), std::string::npos);
  // Staff carry on where they were: new events and audit entries need ids past the imported
  // ones (on PostgreSQL, sequences moved by after_import()).
  HttpClient staff(target.port());
  ASSERT_TRUE(sign_in(staff, "b1", "staff-password-01"));
  std::string case_path = staff_case_path(staff, receipt);
  ASSERT_FALSE(case_path.empty()) << "GET /staff: " << staff.get("/staff").status;
  EXPECT_EQ(staff_decide(staff, case_path, risai_issued_decision()), 303);
  EXPECT_EQ(act(staff, case_path, "approve"), 303);
  ASSERT_EQ(target.stop(), 0) << target.output();
  ASSERT_EQ(target.cli("audit verify", "", &out), 0) << out;
}

}  // namespace
}  // namespace madoguchi::test
