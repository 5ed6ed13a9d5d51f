// Issuing documents on a granted decision, the holder's and staff's downloads, /verify's use
// cases and the copy of what was submitted — against the real definitions in procedures/
// (罹災証明書 a certificate, 児童手当 a decision notice). Run on SQLite and, in the
// unit_tests_postgres entry, on PostgreSQL.
#include <gtest/gtest.h>

#include "applications/receipt.h"
#include "auth/crypto.h"
#include "documents/issued.h"
#include "documents_test_util.h"
#include "procedures/catalog.h"
#include "steps/step.h"
#include "unit/test_store.h"
#include "usecases/casework.h"
#include "usecases/documents.h"

namespace madoguchi {
namespace {

using Json = nlohmann::json;

const Json kRisaiAnswers = Json::parse(R"({
  "relationship": "self",
  "applicant_name": {"family": "山田", "given": "花子", "family_kana": "ヤマダ", "given_kana": "ハナコ"},
  "applicant_address": {"postal_code": "1000001", "prefecture": "東京都", "city": "千代田区", "town": "千代田",
                        "street": "1-1", "building": "テスト荘101"},
  "disaster_date": "2026-09-01",
  "disaster_name": "令和8年台風第10号"
})");

class DocumentsIssue : public test::MigratedStoreTest {
 protected:
  void SetUp() override {
    MigratedStoreTest::SetUp();
    std::vector<procedures::Problem> problems;
    auto catalog = procedures::Catalog::load(std::string(MADOGUCHI_SOURCE_DIR) + "/procedures", &problems);
    ASSERT_TRUE(catalog.ok()) << catalog.status().message();
    catalog_ = std::move(*catalog);
    auto locales = Locales::load(std::string(MADOGUCHI_SOURCE_DIR) + "/locales");
    ASSERT_TRUE(locales.ok());
    locales_ = std::move(*locales);
    config_.documents_key = keys_.key_file();
    config_.documents_certificate = keys_.cert_file();
    config_.documents_ca = keys_.ca_file();
    config_.documents_issuer = "テスト区長";
    config_.public_url = "https://madoguchi.example.jp/";
  }

  usecases::Env env() { return {*store_, catalog_, locales_, holidays_, config_, registry_}; }

  // An application of `procedure_id` in review at its route's last step (the 課長's), owned by
  // `account` (or a guest with access code kCode).
  int64_t insert_application(const std::string& procedure_id, const Json& answers,
                             std::optional<int64_t> account = std::nullopt) {
    const auto* p = catalog_.find(procedure_id);
    EXPECT_NE(p, nullptr);
    receipt_ = new_receipt_number();
    int64_t id = 0;
    Status s = store::with_write(*store_, [&](store::Transaction& tx) {
      auto r = tx.query(
          "INSERT INTO applications (receipt, access_code_hash, procedure_id, procedure_version, account_id, "
          "department, status, step, answers, submitted_at, due_date, updated_at) VALUES (?, ?, ?, ?, ?, ?, "
          "'in_review', ?, ?, ?, '2026-12-20', ?) RETURNING id",
          {receipt_, auth::sha256_hex(kCode), procedure_id, p->version,
           account ? store::Value(*account) : store::Value(nullptr), p->department,
           static_cast<int64_t>(p->route.size() - 1), answers.dump(), unix_now(), unix_now()});
      if (!r.ok()) return r.status();
      id = r->at(0).i64(0);
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.message();
    return id;
  }

  usecases::Staff approver(const std::string& procedure_id) {
    const auto* p = catalog_.find(procedure_id);
    return {7, "課長 テスト", p->department, p->route.back()};
  }

  int64_t row_version(int64_t id) {
    int64_t v = 0;
    EXPECT_TRUE(store::with_read(*store_, [&](store::Transaction& tx) {
                  auto r = tx.query("SELECT row_version FROM applications WHERE id = ?", {id});
                  if (!r.ok()) return r.status();
                  v = r->at(0).i64(0);
                  return Status::Ok();
                }).ok());
    return v;
  }

  // Records `outcome` with `fields` (and a reason for a refusal), then approves.
  Status decide(const std::string& procedure_id, int64_t id, const std::string& outcome, const Json& fields) {
    forms::Posted posted{{"f.outcome", outcome}};
    for (const auto& [k, v] : fields.items()) posted.push_back({"f." + k, v.get<std::string>()});
    if (outcome == "refused") posted.push_back({"f.reason", "被害が確認できませんでした。"});
    std::vector<forms::FieldError> errors;
    decisions::Record typed;
    Status s =
        usecases::record_decision(env(), approver(procedure_id), id, row_version(id), posted, "ja", &errors, &typed);
    if (!s.ok()) return s;
    EXPECT_TRUE(errors.empty()) << errors.front().html_id << ": " << errors.front().message;
    return usecases::act_on_case(env(), approver(procedure_id), id, row_version(id), cases::Action::kApprove, "");
  }

  int64_t count(const std::string& sql) {
    int64_t n = -1;
    EXPECT_TRUE(store::with_read(*store_, [&](store::Transaction& tx) {
                  auto r = tx.query(sql);
                  if (!r.ok()) return r.status();
                  n = r->at(0).i64(0);
                  return Status::Ok();
                }).ok());
    return n;
  }

  static constexpr const char* kCode = "12345678";
  test::DocumentKeys keys_;
  procedures::Catalog catalog_;
  Locales locales_;
  Holidays holidays_;
  Config config_;
  steps::Registry registry_ = steps::Registry::builtin();
  std::string receipt_;
};

TEST_F(DocumentsIssue, AGrantedRisaiIssuesASignedCertificateWithTheDecidedDamage) {
  const int64_t id = insert_application("risai", kRisaiAnswers);
  ASSERT_TRUE(decide("risai", id, "issued", {{"damage_level", "hankai"}, {"survey_date", "2026-09-10"}}).ok());
  int64_t wait = 0;
  auto file = usecases::holder_document(env(), {std::nullopt, receipt_, kCode}, &wait);
  ASSERT_TRUE(file.ok()) << file.status().message();
  EXPECT_EQ(file->filename.size(), std::string("2026-000001.pdf").size());
  // Signed, valid and trusted for pdfsig with the test CA.
  const std::string report = keys_.pdfsig(file->pdf);
  EXPECT_NE(report.find("Signature is Valid."), std::string::npos) << report;
  EXPECT_NE(report.find("Certificate is Trusted."), std::string::npos) << report;
  // What the template names, in Japanese: title, issuer, the answers and the decided fields.
  const std::string text = keys_.pdftotext(file->pdf);
  for (const char* s : {"罹災証明書", "テスト区長", "防災課", "山田", "花子", "千代田区", "令和8年台風第10号", "半壊",
                        "2026年9月10日", "上記のとおり証明します。", "https://madoguchi.example.jp/verify?n="}) {
    EXPECT_NE(text.find(s), std::string::npos) << s << " not in:\n" << text;
  }
  EXPECT_NE(text.find(receipt_), std::string::npos);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'document.issue'"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'document.download' AND actor = 'guest'"), 1);
}

TEST_F(DocumentsIssue, ARefusalIssuesNoCertificate) {
  const int64_t id = insert_application("risai", kRisaiAnswers);
  ASSERT_TRUE(decide("risai", id, "refused", Json::object()).ok());
  EXPECT_EQ(count("SELECT COUNT(*) FROM issued_documents"), 0);
  int64_t wait = 0;
  EXPECT_EQ(usecases::holder_document(env(), {std::nullopt, receipt_, kCode}, &wait).status().code(),
            Status::Code::kNotFound);
}

TEST_F(DocumentsIssue, WithoutAKeyNothingIsIssuedAndTheDecisionStillCounts) {
  config_.documents_key = "";
  const int64_t id = insert_application("risai", kRisaiAnswers);
  ASSERT_TRUE(decide("risai", id, "issued", {{"damage_level", "zenkai"}, {"survey_date", "2026-09-10"}}).ok());
  EXPECT_EQ(count("SELECT COUNT(*) FROM issued_documents"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM applications WHERE status = 'approved'"), 1);
}

TEST_F(DocumentsIssue, AKeyThatDoesNotLoadStopsTheApprovalRatherThanLoseTheDocument) {
  config_.documents_key = (keys_.dir / "missing.pem").string();
  const int64_t id = insert_application("risai", kRisaiAnswers);
  EXPECT_FALSE(decide("risai", id, "issued", {{"damage_level", "zenkai"}, {"survey_date", "2026-09-10"}}).ok());
  EXPECT_EQ(count("SELECT COUNT(*) FROM applications WHERE status = 'approved'"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM issued_documents"), 0);
}

TEST_F(DocumentsIssue, NumbersCountUpWithinTheYear) {
  for (int i = 0; i < 2; ++i) {
    const int64_t id = insert_application("risai", kRisaiAnswers);
    ASSERT_TRUE(decide("risai", id, "issued", {{"damage_level", "zenkai"}, {"survey_date", "2026-09-10"}}).ok());
  }
  const std::string year = std::to_string(today_jst().year);
  EXPECT_EQ(count("SELECT COUNT(*) FROM issued_documents WHERE number = '" + year + "-000001'"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM issued_documents WHERE number = '" + year + "-000002'"), 1);
}

TEST_F(DocumentsIssue, OnlyTheOwnerOrTheGuestWithTheCodeGetsIt) {
  const int64_t id = insert_application("risai", kRisaiAnswers, 41);
  ASSERT_TRUE(decide("risai", id, "issued", {{"damage_level", "zenkai"}, {"survey_date", "2026-09-10"}}).ok());
  int64_t wait = 0;
  EXPECT_TRUE(usecases::holder_document(env(), {41, receipt_, std::nullopt}, &wait).ok());
  EXPECT_EQ(usecases::holder_document(env(), {42, receipt_, std::nullopt}, &wait).status().code(),
            Status::Code::kNotFound);
  EXPECT_EQ(usecases::holder_document(env(), {std::nullopt, receipt_, "87654321"}, &wait).status().code(),
            Status::Code::kNotFound);
  EXPECT_EQ(usecases::holder_document(env(), {std::nullopt, receipt_, std::nullopt}, &wait).status().code(),
            Status::Code::kNotFound);
  // Staff of the department get it (audited); another department's staff do not.
  auto staff = usecases::staff_document(env(), approver("risai"), id);
  ASSERT_TRUE(staff.ok());
  usecases::Staff other = approver("risai");
  other.department = "kuminka";
  EXPECT_EQ(usecases::staff_document(env(), other, id).status().code(), Status::Code::kNotFound);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'document.staff_download' AND actor = 'staff:7'"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'document.download' AND actor = 'resident:41'"), 1);
}

TEST_F(DocumentsIssue, JidouTeateIssuesADecisionNoticeStatingTheOutcome) {
  const Json answers = Json::parse(R"({"claimant_name": {"family": "佐藤", "given": "一郎", "family_kana": "サトウ",
                                        "given_kana": "イチロウ"}})");
  const int64_t id = insert_application("jidou-teate", answers);
  ASSERT_TRUE(
      decide("jidou-teate", id, "certified", {{"monthly_amount", "10000"}, {"first_month", "2026-12-01"}}).ok());
  int64_t wait = 0;
  auto file = usecases::holder_document(env(), {std::nullopt, receipt_, kCode}, &wait);
  ASSERT_TRUE(file.ok()) << file.status().message();
  const std::string text = keys_.pdftotext(file->pdf);
  for (const char* s : {"児童手当認定通知書", "佐藤", "認定", "10,000", "上記のとおり決定しましたので通知します。"}) {
    EXPECT_NE(text.find(s), std::string::npos) << s << " not in:\n" << text;
  }
}

TEST_F(DocumentsIssue, VerifyByNumberNeedsTheCheckValueAndShowsNoPersonalData) {
  const int64_t id = insert_application("risai", kRisaiAnswers);
  ASSERT_TRUE(decide("risai", id, "issued", {{"damage_level", "zenkai"}, {"survey_date", "2026-09-10"}}).ok());
  std::optional<documents::Issued> doc;
  ASSERT_TRUE(store::with_read(*store_, [&](store::Transaction& tx) {
                auto d = documents::for_application(tx, id, true);
                if (!d.ok()) return d.status();
                doc = **d;
                return Status::Ok();
              }).ok());
  auto genuine = usecases::verify_number(env(), doc->number, doc->check_value);
  ASSERT_TRUE(genuine.ok());
  EXPECT_EQ(genuine->kind, usecases::Verdict::Kind::kGenuine);
  EXPECT_EQ(genuine->document->issuer, "テスト区長");
  EXPECT_TRUE(genuine->document->pdf.empty()) << "the verdict carries no document content";
  std::string wrong = doc->check_value;
  wrong[0] = wrong[0] == 'a' ? 'b' : 'a';
  EXPECT_EQ(usecases::verify_number(env(), doc->number, wrong)->kind, usecases::Verdict::Kind::kUnknown);
  EXPECT_EQ(usecases::verify_number(env(), doc->number, "")->kind, usecases::Verdict::Kind::kUnknown);
  EXPECT_EQ(usecases::verify_number(env(), "2026-999999", doc->check_value)->kind, usecases::Verdict::Kind::kUnknown);

  // By the file: the issued PDF is genuine; one changed byte, or a validly signed PDF that
  // Madoguchi never issued, is not.
  auto by_file = usecases::verify_file(env(), doc->pdf);
  ASSERT_TRUE(by_file.ok());
  EXPECT_EQ(by_file->kind, usecases::Verdict::Kind::kGenuine);
  EXPECT_EQ(by_file->document->number, doc->number);
  std::string tampered = doc->pdf;
  tampered[tampered.size() / 2] ^= 0x20;
  EXPECT_EQ(usecases::verify_file(env(), tampered)->kind, usecases::Verdict::Kind::kNotGenuine);
  EXPECT_EQ(usecases::verify_file(env(), "not a pdf")->kind, usecases::Verdict::Kind::kNotGenuine);
}

TEST_F(DocumentsIssue, TheCopyOfWhatWasSubmittedIsUnsignedAndInTheResidentsLanguage) {
  insert_application("risai", kRisaiAnswers, 41);
  int64_t wait = 0;
  auto copy = usecases::submitted_copy(env(), {41, receipt_, std::nullopt}, "en", &wait);
  ASSERT_TRUE(copy.ok()) << copy.status().message();
  EXPECT_EQ(copy->pdf.find("/ByteRange"), std::string::npos) << "a copy is not signed";
  const std::string text = keys_.pdftotext(copy->pdf);
  for (const char* s : {"Copy of your application", "It is not a certificate", "山田", "Your name"}) {
    EXPECT_NE(text.find(s), std::string::npos) << s << " not in:\n" << text;
  }
  EXPECT_EQ(usecases::submitted_copy(env(), {42, receipt_, std::nullopt}, "en", &wait).status().code(),
            Status::Code::kNotFound);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'application.copy'"), 1);
}

}  // namespace
}  // namespace madoguchi
