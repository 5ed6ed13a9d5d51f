// The command line: check-procedures names file and line and fails; a broken definition is
// skipped at serve while the others serve; audit verify; staff downloads are audited.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include "store/store.h"
#include "support/madoguchi_fixture.h"

namespace madoguchi::test {
namespace {
namespace fs = std::filesystem;

// A copy of the shipped procedures plus one broken definition.
fs::path procedures_with_a_broken_one(const fs::path& dir) {
  fs::path p = dir / "procedures";
  fs::create_directories(p);
  for (const auto& e : fs::directory_iterator(fs::path(MADOGUCHI_SOURCE_DIR) / "procedures")) {
    fs::copy_file(e.path(), p / e.path().filename());
  }
  std::ofstream(p / "broken.yaml") << "id: broken\n"
                                      "source: test\n"
                                      "title: {ja: 壊れた手続}\n"
                                      "department: kuminka\n"
                                      "category: certificates\n"
                                      "processing_days: 3\n"
                                      "route: [tanto, nobody]\n"
                                      "pages:\n"
                                      "  - id: one\n"
                                      "    title: {ja: 一}\n"
                                      "    fields:\n"
                                      "      - id: a\n"
                                      "        type: hologram\n"
                                      "        label: {ja: A}\n";
  return p;
}

TEST(Cli, CheckProceduresNamesFileAndLineAndFails) {
  MadoguchiServer server;
  std::string out;
  EXPECT_EQ(server.cli("check-procedures " + std::string(MADOGUCHI_SOURCE_DIR) + "/procedures", "", &out), 0) << out;
  fs::path dir = procedures_with_a_broken_one(server.dir());
  EXPECT_EQ(server.cli("check-procedures " + dir.string(), "", &out), 1);
  EXPECT_TRUE(std::regex_search(out, std::regex("broken\\.yaml:13: .*hologram"))) << out;
  EXPECT_TRUE(std::regex_search(out, std::regex("broken\\.yaml:7: .*nobody"))) << out;
}

TEST(Cli, BrokenDefinitionIsSkippedAtServeAndTheOthersServe) {
  MadoguchiServer probe;
  fs::path dir = procedures_with_a_broken_one(probe.dir());
  MadoguchiServer server("procedures = \"" + dir.string() + "\"");
  ASSERT_TRUE(server.start()) << server.output();
  HttpClient c(server.port());
  EXPECT_EQ(c.get("/procedures/risai").status, 200);
  EXPECT_EQ(c.get("/procedures/broken").status, 404);
  EXPECT_NE(server.output().find("broken.yaml"), std::string::npos);
}

TEST(Cli, StaffDownloadIsAuditedAndTheChainVerifies) {
  MadoguchiServer server;
  ASSERT_TRUE(server.add_staff("b1", "staff-password-01", "防災 担当", "bousai", "tanto"));
  ASSERT_TRUE(server.start()) << server.output();
  HttpClient guest(server.port());
  std::string receipt = submit_risai_as_guest(guest);
  ASSERT_FALSE(receipt.empty());
  HttpClient staff(server.port());
  ASSERT_TRUE(sign_in(staff, "b1", "staff-password-01"));
  Reply queue = staff.get("/staff");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(queue.body, m, std::regex("href=\"(/staff/cases/[0-9]+)\">" + receipt)));
  Reply page = staff.get(m[1].str());
  ASSERT_TRUE(std::regex_search(page.body, m, std::regex(R"re(href="(/staff/cases/[0-9]+/attachments/[^"]+)")re")));
  Reply file = staff.get(m[1].str());
  EXPECT_EQ(file.status, 200);
  EXPECT_EQ(file.body, tiny_png());
  EXPECT_EQ(file.header("content-type"), "image/png");
  // A guest cannot download it.
  EXPECT_NE(guest.get(m[1].str()).status, 200);
  ASSERT_EQ(server.stop(), 0);
  std::string out;
  EXPECT_EQ(server.cli("audit verify", "", &out), 0) << out;
  EXPECT_TRUE(std::regex_search(out, std::regex("intact: [3-9] entries"))) << out;
  // Tampering with an entry is found (through the Store, so this runs on both backends).
  {
    auto st = store::Store::open(server.store_url());
    ASSERT_TRUE(st.ok());
    ASSERT_TRUE(store::with_write(**st, [](store::Transaction& tx) {
                  return tx.exec("UPDATE audit_log SET actor = 'staff:999' WHERE id = 1").status();
                }).ok());
  }
  EXPECT_EQ(server.cli("audit verify", "", &out), 1) << out;
}

}  // namespace
}  // namespace madoguchi::test

namespace madoguchi::test {
namespace {

TEST(Cli, FlagsOverrideTheConfigFile) {
  // The file names an address that cannot be bound; the fixture's --listen flag wins.
  MadoguchiServer server("listen = \"203.0.113.1:1\"\nthreads = 1");
  ASSERT_TRUE(server.start()) << server.output();
  HttpClient c(server.port());
  EXPECT_EQ(c.get("/healthz").status, 200);
}

TEST(Cli, UnknownConfigKeyIsRefusedWithItsLine) {
  MadoguchiServer server("listn = \"127.0.0.1:0\"");
  EXPECT_FALSE(server.start());
  EXPECT_NE(server.output().find("unknown setting 'listn'"), std::string::npos) << server.output();
}

}  // namespace
}  // namespace madoguchi::test
