// The command line: check-procedures names file and line and fails; a broken definition is
// skipped at serve while the others serve; audit verify; staff downloads are audited; global
// flags before or after the subcommand; settings out of range refused.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

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

// A `steps:` entry this build has no step for: check-procedures names it, and serve refuses to
// start rather than let applications pass a step (a payment, say) that does not run.
TEST(Cli, AnUnknownStepIsAProblemAndServeRefusesToStart) {
  MadoguchiServer probe;
  fs::path dir = probe.dir() / "procedures";
  fs::create_directories(dir);
  for (const auto& e : fs::directory_iterator(fs::path(MADOGUCHI_SOURCE_DIR) / "procedures")) {
    std::ifstream in(e.path());
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (e.path().filename() == "risai.yaml") text += "steps: [email_notice, issue_document, paymnet]\n";
    std::ofstream(dir / e.path().filename()) << text;
  }
  std::string out;
  EXPECT_EQ(probe.cli("check-procedures " + dir.string(), "", &out), 1);
  EXPECT_TRUE(std::regex_search(out, std::regex("risai\\.yaml:[0-9]+: 'steps' names 'paymnet'.*email_notice"))) << out;
  MadoguchiServer server("procedures = \"" + dir.string() + "\"");
  EXPECT_FALSE(server.start());
  EXPECT_NE(server.output().find("paymnet"), std::string::npos) << server.output();
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
  std::smatch anchor;
  ASSERT_TRUE(std::regex_search(out, anchor, std::regex("anchor: ([0-9]+:[0-9a-f]{64})"))) << out;
  EXPECT_EQ(server.cli("audit verify --anchor " + anchor[1].str(), "", &out), 0) << out;
  EXPECT_EQ(server.cli("audit verify --anchor 1:nothex", "", &out), 1) << out;
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

namespace madoguchi::test {
namespace {

TEST(DefinitionVersions, AnswersAreShownWithTheVersionTheyWereFilledAgainst) {
  MadoguchiServer probe;
  fs::path dir = probe.dir() / "procedures-v";
  fs::create_directories(dir);
  for (const auto& e : fs::directory_iterator(fs::path(MADOGUCHI_SOURCE_DIR) / "procedures")) {
    fs::copy_file(e.path(), dir / e.path().filename());
  }
  MadoguchiServer server("procedures = \"" + dir.string() + "\"");
  ASSERT_TRUE(server.add_staff("b1", "staff-password-01", "防災 担当", "bousai", "tanto"));
  ASSERT_TRUE(server.start()) << server.output();
  std::string code, receipt;
  {
    HttpClient guest(server.port());
    receipt = submit_risai_as_guest(guest, &code);
    ASSERT_FALSE(receipt.empty());
  }
  ASSERT_EQ(server.stop(), 0);
  // The ward renames a label; the application keeps the wording the resident answered.
  std::ifstream in(dir / "risai.yaml");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string old_label = "電話番号(日中の連絡先)";
  size_t at = text.find(old_label);
  ASSERT_NE(at, std::string::npos);
  text.replace(at, old_label.size(), "連絡のつく電話番号");
  std::ofstream(dir / "risai.yaml", std::ios::trunc) << text;
  ASSERT_TRUE(server.start()) << server.output();

  HttpClient staff(server.port());
  ASSERT_TRUE(sign_in(staff, "b1", "staff-password-01"));
  std::smatch m;
  Reply queue = staff.get("/staff");
  ASSERT_TRUE(std::regex_search(queue.body, m, std::regex("href=\"(/staff/cases/[0-9]+)\">" + receipt)));
  Reply case_page = staff.get(m[1].str());
  EXPECT_NE(case_page.body.find(old_label), std::string::npos);
  EXPECT_EQ(case_page.body.find("連絡のつく電話番号"), std::string::npos);

  HttpClient guest(server.port());
  Reply form = guest.get("/status");
  Reply status = guest.post_form("/status", {{"csrf", csrf_of(form.body)}, {"receipt", receipt}, {"code", code}});
  EXPECT_NE(status.body.find(old_label), std::string::npos);
  // A new application uses the new wording.
  Reply proc = guest.get("/procedures/risai");
  Reply start = guest.post_form("/procedures/risai/start", {{"csrf", csrf_of(proc.body)}});
  Reply first = guest.get(location_of(start));
  Reply next = guest.post_multipart(post_action_of(first.body), {{"csrf", csrf_of(first.body)}, {"action", "next"}, {"f.relationship", "head"}}, {});
  EXPECT_NE(guest.get(location_of(next)).body.find("連絡のつく電話番号"), std::string::npos);
}

}  // namespace
}  // namespace madoguchi::test

// Global flags go before or after the subcommand (DECISIONS.md "CLI and configuration"), and a
// flag out of its setting's range is refused as the file's value is.
namespace madoguchi::test {
namespace {

// A port nothing listens on right now (bound once by the kernel's choice, then released).
int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

// Accounts in the store at `url` whose login matches the SQL LIKE `pattern` (migrating it
// first, so a store nothing wrote to counts 0); -1 when the store cannot be read.
int64_t accounts_like(const std::string& url, const std::string& pattern) {
  auto st = store::Store::open(url);
  if (!st.ok() || !(*st)->migrate().ok()) return -1;
  int64_t n = -1;
  Status s = store::with_read(**st, [&](store::Transaction& tx) {
    auto rows = tx.query("SELECT COUNT(*) FROM accounts WHERE login LIKE ?", {pattern});
    if (!rows.ok()) return rows.status();
    n = rows->at(0).i64(0);
    return Status::Ok();
  });
  return s.ok() ? n : -1;
}

// `serve --demo` with --listen and --store given after `serve` (flags_after) or before it:
// the server listens on the port asked for and writes the demo accounts to the store given by
// the flag, not to the one in the configuration file.
void serve_with_flags(bool flags_after) {
  MadoguchiServer configured;  // its madoguchi.toml names its own store
  MadoguchiServer other;       // only for a second, empty store
  const int port = free_port();
  ASSERT_GT(port, 0);
  const std::vector<std::string> flags = {"--config", (configured.dir() / "madoguchi.toml").string(),
                                          "--listen", "127.0.0.1:" + std::to_string(port),
                                          "--store",  other.store_url()};
  std::vector<std::string> args = {"serve", "--demo"};
  args.insert(flags_after ? args.end() : args.begin(), flags.begin(), flags.end());
  ServerProcess process;
  ASSERT_TRUE(process.start(MADOGUCHI_BINARY, args)) << process.error() << "\n" << process.output();
  EXPECT_EQ(process.port(), port);
  HttpClient c(port);
  EXPECT_EQ(c.get("/healthz").status, 200);
  EXPECT_NE(process.output().find("demo resident"), std::string::npos) << process.output();
  EXPECT_EQ(process.stop(), 0);
  EXPECT_GT(accounts_like(other.store_url(), "%"), 0);
  EXPECT_EQ(accounts_like(configured.store_url(), "%"), 0);
}

TEST(Cli, ServeTakesGlobalFlagsAfterTheSubcommand) { serve_with_flags(true); }

TEST(Cli, ServeTakesGlobalFlagsBeforeTheSubcommand) { serve_with_flags(false); }

TEST(Cli, UserAddAndMigrateTakeGlobalFlagsOnEitherSide) {
  MadoguchiServer server;
  MadoguchiServer other;
  std::string out;
  const std::string store = " --store '" + other.store_url() + "'";
  EXPECT_EQ(server.cli("migrate" + store, "", &out), 0) << out;
  EXPECT_NE(out.find("migrations applied"), std::string::npos) << out;
  EXPECT_EQ(server.cli("user add after-1 --name 'A'" + store, "password-after-1\n", &out), 0) << out;
  EXPECT_EQ(server.cli(store + " user add before-1 --name 'B'", "password-before-1\n", &out), 0) << out;
  // A staff account's flags mixed with a global one between them.
  EXPECT_EQ(server.cli("user add after-2 --staff" + store + " --department bousai --role tanto --name 'C'",
                       "password-after-2\n", &out),
            0)
      << out;
  EXPECT_EQ(accounts_like(other.store_url(), "after-%"), 2);
  EXPECT_EQ(accounts_like(other.store_url(), "before-%"), 1);
  EXPECT_EQ(accounts_like(server.store_url(), "%"), 0);
  // Nested subcommands too.
  EXPECT_EQ(server.cli("audit verify" + store, "", &out), 0) << out;
}

TEST(Cli, OutOfRangeFlagIsRefusedNamingTheSetting) {
  MadoguchiServer server;
  std::string out;
  EXPECT_EQ(server.cli("migrate --max-file-bytes 0", "", &out), 1);
  EXPECT_NE(out.find("--max-file-bytes: setting 'max_file_bytes' must be an integer from 1 to"), std::string::npos)
      << out;
  EXPECT_EQ(server.cli("--threads -1 migrate", "", &out), 1);
  EXPECT_NE(out.find("setting 'threads' must be an integer from 0 to 2147483647"), std::string::npos) << out;
  EXPECT_EQ(server.cli("migrate --secure-cookies yes", "", &out), 1);
  EXPECT_NE(out.find("setting 'secure_cookies' must be true or false"), std::string::npos) << out;
  EXPECT_EQ(server.cli("migrate --session-hours 8h", "", &out), 1);
  EXPECT_NE(out.find("session_hours"), std::string::npos) << out;
  EXPECT_EQ(server.cli("migrate --secure-cookies true --max-file-bytes 5000000", "", &out), 0) << out;
}

TEST(Cli, OutOfRangeFileValueIsRefusedNamingTheSetting) {
  MadoguchiServer server("max_file_bytes = 0");
  EXPECT_FALSE(server.start());
  EXPECT_TRUE(std::regex_search(
      server.output(), std::regex("madoguchi\\.toml:[0-9]+: setting 'max_file_bytes' must be an integer from 1 to")))
      << server.output();
}

}  // namespace
}  // namespace madoguchi::test
