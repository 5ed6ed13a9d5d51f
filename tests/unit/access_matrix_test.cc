// The access matrix: every route the web layer declares, with what it requires of the asker,
// and a probe of each as an anonymous visitor, a signed-in resident and a member of staff.
// A new route fails the first test until it is added to kMatrix here (DECISIONS.md: every new
// route joins this test in the commit that adds it).
#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <unistd.h>

#include "auth/accounts.h"
#include "core/date.h"
#include "test_store.h"
#include "web/app.h"
#include "web/route.h"

namespace madoguchi::web {
namespace {

struct Expected {
  const char* method;
  const char* pattern;
  unsigned guards;
};

// clang-format off
const Expected kMatrix[] = {
    {"GET", "/healthz", kStateless},
    {"GET", "/metrics", kStateless},  // no session: metrics_allow or the bearer token (MetricsAreForOperatorsOnly)
    {"POST", "/session/extend", kCsrf | kPlainErrors},
    {"GET", "/", kOpen},
    {"GET", "/procedures/{id}", kOpen},
    {"POST", "/procedures/{id}/start", kCsrf},
    {"GET", "/drafts/{draft:id}/pages/{page}", kOpen},
    {"POST", "/drafts/{draft:id}/pages/{page}", kCsrf | kUploads},
    {"GET", "/drafts/{draft:id}/resume", kOpen},
    {"GET", "/drafts/{draft:id}/check", kOpen},
    {"POST", "/drafts/{draft:id}/submit", kCsrf},
    {"GET", "/receipt/{receipt}", kOpen},
    {"GET", "/applications", kResident},
    {"GET", "/applications/{receipt}", kOpen},
    {"POST", "/applications/{receipt}/correct", kCsrf},
    {"GET", "/status", kOpen},
    {"POST", "/status", kCsrf},
    {"POST", "/status/correct", kCsrf},
    {"GET", "/applications/{receipt}/withdraw", kOpen},
    {"POST", "/applications/{receipt}/withdraw", kCsrf},
    {"GET", "/status/withdraw", kOpen},
    {"POST", "/status/withdraw", kCsrf},
    // Fees (web/payment_pages.cc): the pay button (owner; a guest with the access code), the
    // gateway's return, the provider's signed notification (no session: 403 unless signed),
    // the sandbox gateway's page, and staff's payments, report and refunds (department only).
    {"POST", "/applications/{receipt}/pay", kCsrf},
    {"POST", "/status/pay", kCsrf},
    {"GET", "/pay/return/{token}", kOpen},
    {"POST", "/payments/webhook/{provider}", kSignedBody},
    {"GET", "/sandbox-pay/{checkout}", kOpen},
    {"POST", "/sandbox-pay/{checkout}", kCsrf},
    {"GET", "/staff/payments", kStaff},
    {"GET", "/staff/payments/reconciliation", kStaff},
    {"POST", "/staff/payments/{id:id}/refund", kStaff | kCsrf},
    {"GET", "/login", kOpen},
    {"POST", "/login", kCsrf},
    {"POST", "/logout", kCsrf},
    // Staff's second factor (web/second_factor_pages.cc): the code and the enrolment after the
    // password (a session waiting for neither is sent back to /login), enrolment by choice.
    {"GET", "/login/code", kOpen},
    {"POST", "/login/code", kCsrf},
    {"GET", "/login/enrol", kOpen},
    {"POST", "/login/enrol", kCsrf},
    {"GET", "/staff/totp", kStaff},
    {"POST", "/staff/totp", kStaff | kCsrf},
    {"GET", "/signup", kOpen},
    {"POST", "/signup", kCsrf},
    {"GET", "/signup/verify/{token}", kOpen},
    {"POST", "/signup/verify/{token}", kCsrf},
    {"GET", "/account/reset", kOpen},
    {"POST", "/account/reset", kCsrf},
    {"GET", "/account/reset/{token}", kOpen},
    {"POST", "/account/reset/{token}", kCsrf},
    {"GET", "/account", kResident},
    {"POST", "/account", kResident | kCsrf},
    {"POST", "/account/sign-out-everywhere", kResident | kCsrf},
    {"GET", "/staff", kStaff},
    {"GET", "/staff/cases/{id:id}", kStaff},
    {"POST", "/staff/cases/{id:id}/act", kStaff | kCsrf},
    {"GET", "/staff/cases/{id:id}/decision", kStaff},
    {"POST", "/staff/cases/{id:id}/decision", kStaff | kCsrf},
    {"GET", "/staff/cases/{id:id}/attachments/{aid}", kStaff},
    // Issued documents (web/document_pages.cc): the owner's and a guest's downloads (404 unless
    // theirs), staff's (department only), and the public check.
    {"GET", "/applications/{receipt}/document", kOpen},
    {"GET", "/applications/{receipt}/copy", kOpen},
    {"POST", "/status/document", kCsrf},
    {"POST", "/status/copy", kCsrf},
    {"GET", "/staff/cases/{id:id}/document", kStaff},
    {"GET", "/verify", kOpen},
    {"POST", "/verify", kCsrf | kUploads},
};
// clang-format on

const std::string kSource = MADOGUCHI_SOURCE_DIR;

class AccessMatrix : public test::MigratedStoreTest {
 protected:
  void SetUp() override {
    MigratedStoreTest::SetUp();
    app_.store = store_.get();
    app_.config.postal = "";  // no table: the /postal route is not offered
    app_.config.totp_key_file = totp_key_.string();  // /staff/totp makes the key
    std::vector<procedures::Problem> problems;
    auto catalog = procedures::Catalog::load(kSource + "/procedures", &problems);
    ASSERT_TRUE(catalog.ok());
    app_.catalog = std::move(*catalog);
    auto locales = Locales::load(kSource + "/locales");
    ASSERT_TRUE(locales.ok());
    app_.locales = std::move(*locales);
    auto templates = Templates::load(kSource + "/templates");
    ASSERT_TRUE(templates.ok());
    app_.templates = std::move(*templates);
    share_locales(app_);
    register_routes(router_, app_);
  }

  void TearDown() override {
    std::filesystem::remove(totp_key_);
    MigratedStoreTest::TearDown();
  }
  const std::filesystem::path totp_key_ =
      std::filesystem::temp_directory_path() / ("access-matrix-totp-" + std::to_string(::getpid()) + ".key");

  // A session cookie for a new account of `kind` ("" = a guest session); *csrf gets its token.
  std::string session_for(const std::string& kind, std::string* csrf) {
    std::string token;
    Status s = store::with_write(*store_, [&](store::Transaction& tx) {
      std::optional<int64_t> account;
      if (!kind.empty()) {
        auth::NewAccount a{kind, kind + "1", "correct horse battery", kind, "", ""};
        if (kind == "staff") a.department = "kuminka", a.role = "tanto";
        auto id = auth::create_account(tx, a, unix_now());
        if (!id.ok()) return id.status();
        account = *id;
      }
      auto session = auth::create_session(tx, account, unix_now(), std::chrono::hours(1), &token);
      if (!session.ok()) return session.status();
      *csrf = session->csrf;
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.message();
    return token;
  }

  http::Response probe(const std::string& method, const std::string& pattern, const std::string& cookie,
                       const std::string& body = "") {
    std::string path = pattern;
    for (auto [from, to] : std::initializer_list<std::pair<std::string, std::string>>{{"{id}", "juminhyo"},
                                                                                      {"{id:id}", "1"},
                                                                                      {"{draft:id}", "1"},
                                                                                      {"{page}", "p"},
                                                                                      {"{receipt}", "R"},
                                                                                      {"{aid}", "a"},
                                                                                      {"{token}", "t"}}) {
      if (auto at = path.find(from); at != std::string::npos) path.replace(at, from.size(), to);
    }
    http::Request req;
    req.method = method;
    req.path = req.target = path;
    if (!cookie.empty()) req.headers.emplace_back("cookie", "sid=" + cookie);
    req.headers.emplace_back("content-type", "application/x-www-form-urlencoded");
    req.body = body;
    return router_.dispatch(req);
  }

  App app_;
  http::Router router_;
};

TEST_F(AccessMatrix, EveryDeclaredRouteIsInTheMatrixWithItsGuards) {
  std::set<std::string> expected, declared;
  for (const auto& e : kMatrix)
    expected.insert(std::string(e.method) + " " + e.pattern + " " + std::to_string(e.guards));
  for (const auto& r : app_.routes) declared.insert(r.method + " " + r.pattern + " " + std::to_string(r.guards));
  for (const auto& d : declared) EXPECT_TRUE(expected.count(d)) << "declared but not in the matrix: " << d;
  for (const auto& e : expected) EXPECT_TRUE(declared.count(e)) << "in the matrix but not declared: " << e;
}

TEST_F(AccessMatrix, NoStateChangeWithoutTheSessionsCsrfToken) {
  std::string csrf;
  const std::string guest = session_for("", &csrf);
  for (const auto& e : kMatrix) {
    if (std::string(e.method) == "GET") continue;
    for (const std::string& cookie : {std::string(), guest}) {
      for (const std::string& body : {std::string(), std::string("csrf=wrong"), std::string("csrf=")}) {
        EXPECT_EQ(probe(e.method, e.pattern, cookie, body).status, 403) << e.pattern << " body=" << body;
      }
    }
  }
}

TEST_F(AccessMatrix, StaffPagesAreForStaffAndResidentPagesForResidents) {
  std::string resident_csrf, staff_csrf, guest_csrf;
  const std::string resident = session_for("resident", &resident_csrf);
  const std::string staff = session_for("staff", &staff_csrf);
  const std::string guest = session_for("", &guest_csrf);
  for (const auto& e : kMatrix) {
    const std::string method = e.method;
    const bool is_get = method == "GET";
    auto check_refused = [&](const std::string& who, const std::string& cookie, const std::string& csrf) {
      http::Response res = probe(method, e.pattern, cookie, "csrf=" + csrf);
      if (is_get) {
        EXPECT_EQ(res.status, 303) << who << " " << e.pattern;
        bool to_login = false;
        for (const auto& [k, v] : res.headers) to_login |= k == "Location" && v.rfind("/login?next=%2F", 0) == 0;
        EXPECT_TRUE(to_login) << who << " " << e.pattern;
      } else {
        EXPECT_EQ(res.status, 403) << who << " " << e.pattern;  // even with a valid token
      }
    };
    if (e.guards & kStaff) {
      check_refused("anonymous", "", "");
      check_refused("guest", guest, guest_csrf);
      check_refused("resident", resident, resident_csrf);
      EXPECT_NE(probe(method, e.pattern, staff, "csrf=" + staff_csrf).status, 403) << e.pattern;
    }
    if (e.guards & kResident) {
      check_refused("anonymous", "", "");
      check_refused("guest", guest, guest_csrf);
      check_refused("staff", staff, staff_csrf);
      // A page, or a change done and redirected (POST /account saves and shows the profile again).
      const int got = probe(method, e.pattern, resident, "csrf=" + resident_csrf).status;
      EXPECT_TRUE(got == 200 || (!is_get && got == 303)) << e.pattern << " " << got;
    }
  }
}

// /metrics shows per-department queue sizes: no session opens it, not even staff's; only a
// client in metrics_allow (default 127.0.0.1 and ::1) does.
TEST_F(AccessMatrix, MetricsAreForOperatorsOnly) {
  std::string resident_csrf, staff_csrf;
  const std::string resident = session_for("resident", &resident_csrf);
  const std::string staff = session_for("staff", &staff_csrf);
  for (const std::string& cookie : {std::string(), resident, staff}) {
    EXPECT_EQ(probe("GET", "/metrics", cookie).status, 403) << "from no allowed address";
  }
  http::Request local;
  local.method = "GET";
  local.path = local.target = "/metrics";
  local.remote_addr = "127.0.0.1";
  EXPECT_EQ(router_.dispatch(local).status, 200);
  local.remote_addr = "192.0.2.1";
  local.headers.emplace_back("cookie", "sid=" + staff);
  EXPECT_EQ(router_.dispatch(local).status, 403);
}

// Ids in paths are digits only: "12abc" reaches no handler.
TEST_F(AccessMatrix, MalformedIdsFindNoRoute) {
  std::string csrf;
  const std::string staff = session_for("staff", &csrf);
  EXPECT_EQ(probe("GET", "/staff/cases/1abc", staff).status, 404);
  EXPECT_EQ(probe("GET", "/drafts/-1/check", staff).status, 404);
  EXPECT_EQ(probe("POST", "/staff/cases/1x/act", staff, "csrf=" + csrf).status, 404);
}

TEST(RouteDeclarations, AStateChangeCannotBeDeclaredWithoutCsrf) {
  App app;
  http::Router r;
  auto ok = [](Call&) { return http::Response::text(200, ""); };
  EXPECT_THROW(add_route(r, app, "POST", "/x", kOpen, ok), std::logic_error);
  EXPECT_THROW(add_route(r, app, "POST", "/x", kStaff, ok), std::logic_error);
  EXPECT_THROW(add_route(r, app, "GET", "/y", kStateless | kStaff, ok), std::logic_error);
  EXPECT_THROW(add_route(r, app, "POST", "/z", kSignedBody | kStaff, ok), std::logic_error);
  EXPECT_NO_THROW(add_route(r, app, "POST", "/z", kSignedBody, ok));
  EXPECT_NO_THROW(add_route(r, app, "POST", "/x", kCsrf, ok));
  EXPECT_TRUE(parse_count("12").has_value());
  for (const char* bad : {"", "12abc", " 12", "+12", "-1", "1.5", "99999999999999999999"}) {
    EXPECT_FALSE(parse_count(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace madoguchi::web
