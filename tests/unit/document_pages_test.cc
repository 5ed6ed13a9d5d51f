// Issued documents through the routes (web/document_pages.cc): a guest's download is an
// attachment and needs the access code; /verify by number says genuine without any personal
// data, and an uploaded tampered copy is not genuine. SQLite and PostgreSQL.
#include <gtest/gtest.h>

#include <chrono>

#include "applications/receipt.h"
#include "auth/accounts.h"
#include "auth/crypto.h"
#include "core/date.h"
#include "documents/issued.h"
#include "documents_test_util.h"
#include "test_store.h"
#include "usecases/casework.h"
#include "usecases/documents.h"
#include "web/app.h"
#include "web/route.h"

namespace madoguchi::web {
namespace {

const std::string kSource = MADOGUCHI_SOURCE_DIR;
constexpr const char* kCode = "24681357";

class DocumentPages : public test::MigratedStoreTest {
 protected:
  void SetUp() override {
    MigratedStoreTest::SetUp();
    app_.store = store_.get();
    app_.config.postal = "";
    app_.config.documents_key = keys_.key_file();
    app_.config.documents_certificate = keys_.cert_file();
    app_.config.documents_ca = keys_.ca_file();
    app_.config.documents_issuer = "テスト区長";
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
    issue();
  }

  // A 罹災証明書 application by a guest, decided and approved with its document issued.
  void issue() {
    const auto* p = app_.catalog.find("risai");
    receipt_ = new_receipt_number();
    int64_t id = 0;
    ASSERT_TRUE(store::with_write(*store_, [&](store::Transaction& tx) {
                  auto r = tx.query(
                      "INSERT INTO applications (receipt, access_code_hash, procedure_id, procedure_version, "
                      "department, status, step, answers, submitted_at, due_date, updated_at) VALUES (?, ?, 'risai', "
                      "?, ?, 'in_review', 2, ?, ?, '2026-12-20', ?) RETURNING id",
                      {receipt_, auth::sha256_hex(kCode), p->version, p->department,
                       std::string(R"({"applicant_name": {"family": "鈴木", "given": "次郎"}})"), unix_now(),
                       unix_now()});
                  if (!r.ok()) return r.status();
                  id = r->at(0).i64(0);
                  return Status::Ok();
                }).ok());
    app_id_ = id;
    const usecases::Staff kacho{7, "課長", p->department, p->route.back()};
    std::vector<forms::FieldError> errors;
    decisions::Record typed;
    ASSERT_TRUE(usecases::record_decision(
                    env(app_), kacho, id, 1,
                    {{"f.outcome", "issued"}, {"f.damage_level", "zenkai"}, {"f.survey_date", "2026-09-10"}}, "ja",
                    &errors, &typed)
                    .ok());
    ASSERT_TRUE(errors.empty());
    ASSERT_TRUE(usecases::act_on_case(env(app_), kacho, id, 2, cases::Action::kApprove, "").ok());
    ASSERT_TRUE(store::with_read(*store_, [&](store::Transaction& tx) {
                  auto d = documents::for_application(tx, id, true);
                  if (!d.ok()) return d.status();
                  doc_ = **d;
                  return Status::Ok();
                }).ok());
  }

  // A session of staff of `department` (role kacho), or of a guest when `department` is "".
  std::string guest_session(std::string* csrf, const std::string& department = "") {
    std::string token;
    EXPECT_TRUE(store::with_write(*store_, [&](store::Transaction& tx) {
                  std::optional<int64_t> account;
                  if (!department.empty()) {
                    auth::NewAccount a{"staff", "staff-" + department, "correct horse battery", "職員", department,
                                       "kacho"};
                    auto id = auth::create_account(tx, a, unix_now());
                    if (!id.ok()) return id.status();
                    account = *id;
                  }
                  auto s = auth::create_session(tx, account, unix_now(), std::chrono::hours(1), &token);
                  if (!s.ok()) return s.status();
                  *csrf = s->csrf;
                  return Status::Ok();
                }).ok());
    return token;
  }

  http::Response request(const std::string& method, const std::string& target, const std::string& cookie = "",
                         const std::string& body = "", const std::string& type = "application/x-www-form-urlencoded") {
    http::Request req;
    req.method = method;
    req.target = target;
    req.path = target.substr(0, target.find('?'));
    if (target.find('?') != std::string::npos) req.query = *http::parse_urlencoded(target.substr(target.find('?') + 1));
    if (!cookie.empty()) req.headers.emplace_back("cookie", "sid=" + cookie);
    req.headers.emplace_back("content-type", type);
    req.body = body;
    return router_.dispatch(req);
  }

  static std::string header(const http::Response& res, const std::string& name) {
    for (const auto& [k, v] : res.headers) {
      if (k == name) return v;
    }
    return "";
  }

  // POST /verify with `pdf` as the uploaded file.
  http::Response upload(const std::string& pdf) {
    std::string csrf;
    const std::string cookie = guest_session(&csrf);
    const std::string b = "----madoguchi-test-boundary";
    const std::string body = "--" + b + "\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n" + csrf + "\r\n--" +
                             b +
                             "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"doc.pdf\"\r\n"
                             "Content-Type: application/pdf\r\n\r\n" +
                             pdf + "\r\n--" + b + "--\r\n";
    return request("POST", "/verify", cookie, body, "multipart/form-data; boundary=" + b);
  }

  test::DocumentKeys keys_;
  App app_;
  http::Router router_;
  std::string receipt_;
  int64_t app_id_ = 0;
  documents::Issued doc_;
};

TEST_F(DocumentPages, StaffOfTheDepartmentSeeAndDownloadItOthersDoNot) {
  std::string csrf;
  const std::string bousai = guest_session(&csrf, "bousai");
  const std::string page = request("GET", "/staff/cases/" + std::to_string(app_id_), bousai).body;
  EXPECT_NE(page.find("/staff/cases/" + std::to_string(app_id_) + "/document"), std::string::npos);
  auto res = request("GET", "/staff/cases/" + std::to_string(app_id_) + "/document", bousai);
  ASSERT_EQ(res.status, 200);
  EXPECT_EQ(res.body, doc_.pdf);
  EXPECT_EQ(header(res, "Content-Disposition").rfind("attachment", 0), 0u);
  const std::string kuminka = guest_session(&csrf, "kuminka");
  EXPECT_EQ(request("GET", "/staff/cases/" + std::to_string(app_id_) + "/document", kuminka).status, 404);
}

TEST_F(DocumentPages, AGuestDownloadsTheDocumentWithTheAccessCodeAsAnAttachment) {
  std::string csrf;
  const std::string cookie = guest_session(&csrf);
  auto res = request("POST", "/status/document", cookie, "csrf=" + csrf + "&receipt=" + receipt_ + "&code=" + kCode);
  ASSERT_EQ(res.status, 200) << res.body.substr(0, 300);
  EXPECT_EQ(res.content_type, "application/pdf");
  EXPECT_EQ(res.body, doc_.pdf);
  EXPECT_EQ(header(res, "Content-Disposition").rfind("attachment", 0), 0u) << header(res, "Content-Disposition");
  EXPECT_NE(header(res, "Content-Disposition").find(doc_.number + ".pdf"), std::string::npos);
  EXPECT_EQ(header(res, "Cache-Control"), "no-store");
  // A wrong code gets the same 404 as an unknown receipt number, and no file.
  res = request("POST", "/status/document", cookie, "csrf=" + csrf + "&receipt=" + receipt_ + "&code=11111111");
  EXPECT_EQ(res.status, 404);
  EXPECT_NE(res.content_type, "application/pdf");
  // Without an account the owner's address is a 404 too.
  EXPECT_EQ(request("GET", "/applications/" + receipt_ + "/document", cookie).status, 404);
}

TEST_F(DocumentPages, TheGuestsApplicationPageOffersTheDocumentAndTheCopy) {
  std::string csrf;
  const std::string cookie = guest_session(&csrf);
  auto res = request("POST", "/status", cookie, "csrf=" + csrf + "&receipt=" + receipt_ + "&code=" + kCode);
  ASSERT_EQ(res.status, 200);
  EXPECT_NE(res.body.find("action=\"/status/document\""), std::string::npos) << res.body;
  EXPECT_NE(res.body.find("action=\"/status/copy\""), std::string::npos);
  EXPECT_NE(res.body.find(doc_.number), std::string::npos);
  res = request("POST", "/status/copy", cookie, "csrf=" + csrf + "&receipt=" + receipt_ + "&code=" + kCode);
  ASSERT_EQ(res.status, 200);
  EXPECT_EQ(res.content_type, "application/pdf");
  EXPECT_EQ(header(res, "Content-Disposition").rfind("attachment", 0), 0u);
}

TEST_F(DocumentPages, TheSignedInOwnerGetsLinksAndTheFileOthersA404) {
  std::string csrf, token;
  int64_t owner = 0;
  ASSERT_TRUE(store::with_write(*store_, [&](store::Transaction& tx) {
                auth::NewAccount a{"resident", "owner", "correct horse battery", "鈴木 次郎", "", ""};
                auto id = auth::create_account(tx, a, unix_now());
                if (!id.ok()) return id.status();
                owner = *id;
                if (auto r = tx.exec("UPDATE applications SET account_id = ? WHERE id = ?", {owner, app_id_}); !r.ok())
                  return r.status();
                auto s = auth::create_session(tx, owner, unix_now(), std::chrono::hours(1), &token);
                if (!s.ok()) return s.status();
                csrf = s->csrf;
                return Status::Ok();
              }).ok());
  const std::string page = request("GET", "/applications/" + receipt_, token).body;
  EXPECT_NE(page.find("href=\"/applications/" + receipt_ + "/document\""), std::string::npos) << page;
  EXPECT_NE(page.find("href=\"/applications/" + receipt_ + "/copy\""), std::string::npos);
  auto res = request("GET", "/applications/" + receipt_ + "/document", token);
  ASSERT_EQ(res.status, 200);
  EXPECT_EQ(res.body, doc_.pdf);
  EXPECT_EQ(header(res, "Content-Disposition").rfind("attachment", 0), 0u);
  res = request("GET", "/applications/" + receipt_ + "/copy", token);
  ASSERT_EQ(res.status, 200);
  EXPECT_EQ(res.content_type, "application/pdf");
  // Another resident: the same 404 as for a receipt number that does not exist.
  std::string other_token;
  ASSERT_TRUE(store::with_write(*store_, [&](store::Transaction& tx) {
                auth::NewAccount a{"resident", "other", "correct horse battery", "他人", "", ""};
                auto id = auth::create_account(tx, a, unix_now());
                if (!id.ok()) return id.status();
                auto s = auth::create_session(tx, *id, unix_now(), std::chrono::hours(1), &other_token);
                return s.ok() ? Status::Ok() : s.status();
              }).ok());
  EXPECT_EQ(request("GET", "/applications/" + receipt_ + "/document", other_token).status, 404);
  EXPECT_EQ(request("GET", "/applications/" + receipt_ + "/copy", other_token).status, 404);
}

TEST_F(DocumentPages, VerifyByNumberSaysGenuineWithoutPersonalData) {
  auto res = request("GET", "/verify?n=" + doc_.number + "&c=" + doc_.check_value);
  ASSERT_EQ(res.status, 200);
  EXPECT_NE(res.body.find("id=\"verify-genuine\""), std::string::npos);
  EXPECT_NE(res.body.find("テスト区長"), std::string::npos);
  EXPECT_NE(res.body.find("罹災証明書"), std::string::npos);
  EXPECT_EQ(res.body.find("鈴木"), std::string::npos) << "no personal data by number";
  EXPECT_EQ(res.body.find(receipt_), std::string::npos);
  EXPECT_EQ(res.body.find("全壊"), std::string::npos);
  // A wrong check value is answered like an unknown number.
  std::string wrong = doc_.check_value;
  wrong[5] = wrong[5] == '0' ? '1' : '0';
  res = request("GET", "/verify?n=" + doc_.number + "&c=" + wrong);
  EXPECT_NE(res.body.find("id=\"verify-unknown\""), std::string::npos);
  EXPECT_EQ(res.body.find("テスト区長"), std::string::npos);
  // Without a query: just the forms.
  res = request("GET", "/verify");
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body.find("verify-unknown"), std::string::npos);
}

TEST_F(DocumentPages, AnUploadedCopyIsGenuineAndATamperedOneIsNot) {
  auto res = upload(doc_.pdf);
  ASSERT_EQ(res.status, 200) << res.body.substr(0, 300);
  EXPECT_NE(res.body.find("id=\"verify-genuine\""), std::string::npos);
  EXPECT_NE(res.body.find(doc_.number), std::string::npos);
  std::string tampered = doc_.pdf;
  tampered[tampered.size() / 3] ^= 0x04;
  res = upload(tampered);
  ASSERT_EQ(res.status, 200);
  EXPECT_NE(res.body.find("id=\"verify-not-genuine\""), std::string::npos);
  EXPECT_EQ(res.body.find("id=\"verify-genuine\""), std::string::npos);
}

}  // namespace
}  // namespace madoguchi::web
