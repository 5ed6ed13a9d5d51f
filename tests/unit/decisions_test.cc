// The decision block of a definition (parsing and its checks), reading and validating what
// staff record, and storing it as a change of the application. The store tests run on SQLite
// and, in the unit_tests_postgres entry, PostgreSQL.
#include "decisions/decisions.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "procedures/catalog.h"
#include "unit/forms_fixture.h"
#include "unit/test_store.h"

namespace madoguchi {
namespace {

constexpr int64_t kNow = 1'700'000'000;

const std::string kHead = R"(id: decided
source: テスト用
title: {ja: テスト}
summary: {ja: テスト}
department: kuminka
category: certificates
identity: none
processing_days: 1
channels: [online]
route: [tanto]
pages:
  - id: basics
    title: {ja: 基本}
    fields:
      - {id: person_note, type: text, label: {ja: メモ}}
)";

const std::string kDecision = R"(decision:
  outcomes:
    - {value: issued, kind: granted, label: {ja: 交付, en: Issued}}
    - {value: partly, kind: partly_granted, label: {ja: 一部交付, en: Partly issued}}
    - {value: refused, kind: refused, label: {ja: 不交付, en: Not issued}}
  fields:
    - id: damage_level
      type: radio
      label: {ja: 被害の程度}
      required: true
      visible_if: {field: outcome, equals: issued}
      options:
        - {value: zenkai, label: {ja: 全壊}}
        - {value: hankai, label: {ja: 半壊}}
    - {id: staff_note, type: text, label: {ja: 内部メモ}}
  shown_to_resident: [damage_level]
  appeal: {ja: 3か月以内に審査請求ができます。, en: You may request a review within 3 months.}
)";

class DecisionsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto l = Locales::load(MADOGUCHI_SOURCE_DIR "/locales");
    ASSERT_TRUE(l.ok()) << l.status().message();
    locales_ = new Locales(std::move(l.value()));
  }
  static procedures::Organisation org() {
    std::vector<procedures::Problem> problems;
    auto org = procedures::parse_organisation(forms::testing::kTestOrg, "org.yaml", &problems);
    EXPECT_TRUE(org.ok());
    return *org;
  }
  // The problems of a definition made of kHead and `decision`.
  static std::string problems_of(const std::string& decision) {
    std::vector<procedures::Problem> problems;
    auto p = procedures::parse_procedure(kHead + decision, "decided.yaml", org(), &problems);
    std::string all;
    for (const auto& pr : problems) all += pr.message + "\n";
    return all;
  }
  static procedures::Decision decision() {
    std::vector<procedures::Problem> problems;
    auto p = procedures::parse_procedure(kHead + kDecision, "decided.yaml", org(), &problems);
    EXPECT_TRUE(p.ok()) << (problems.empty() ? "" : problems[0].message);
    return *p->decision;
  }
  forms::Context ctx(const std::string& locale = "ja") const { return {*locales_, locale, Date{2026, 12, 7}}; }
  static std::vector<std::string> ids(const std::vector<forms::FieldError>& errors) {
    std::vector<std::string> out;
    for (const auto& e : errors) out.push_back(e.html_id);
    return out;
  }
  static inline Locales* locales_ = nullptr;
};

using Ids = std::vector<std::string>;

TEST_F(DecisionsTest, ADefinitionWithoutADecisionHasNone) {
  std::vector<procedures::Problem> problems;
  auto p = procedures::parse_procedure(kHead, "decided.yaml", org(), &problems);
  ASSERT_TRUE(p.ok());
  EXPECT_FALSE(p->decision);
}

TEST_F(DecisionsTest, TheDecisionBlockParses) {
  const procedures::Decision d = decision();
  ASSERT_EQ(d.outcomes.size(), 3u);
  EXPECT_EQ(d.outcomes[1].kind, procedures::Outcome::Kind::kPartlyGranted);
  EXPECT_EQ(d.find("refused")->label.get("en"), "Not issued");
  EXPECT_EQ(d.find("nothing"), nullptr);
  ASSERT_EQ(d.fields.size(), 2u);
  EXPECT_EQ(d.shown_to_resident, Ids{"damage_level"});
  EXPECT_EQ(d.appeal.get("en"), "You may request a review within 3 months.");
}

TEST_F(DecisionsTest, CheckProceduresSaysWhatIsWrongWithADecision) {
  EXPECT_NE(problems_of("decision: {fields: []}\n").find("has no 'outcomes'"), std::string::npos);
  EXPECT_NE(problems_of("decision:\n  outcomes: [{value: a, kind: maybe, label: {ja: a}}]\n")
                .find("Unknown outcome kind 'maybe'"),
            std::string::npos);
  EXPECT_NE(problems_of("decision:\n  outcomes: [{value: a, kind: refused, label: {ja: a}}]\n").find("no 'appeal'"),
            std::string::npos);
  // A decision field's condition cannot look at the resident's answers, nor at an outcome
  // the decision does not have.
  const std::string head = "decision:\n  outcomes: [{value: a, kind: granted, label: {ja: a}}]\n  fields:\n";
  EXPECT_NE(problems_of(head + "    - {id: x, type: text, label: {ja: x}, visible_if: {field: person_note, "
                               "not_empty: true}}\n")
                .find("person_note"),
            std::string::npos);
  EXPECT_NE(problems_of(head + "    - {id: x, type: text, label: {ja: x}, visible_if: {field: outcome, equals: b}}\n")
                .find("'b'"),
            std::string::npos);
  EXPECT_NE(problems_of(head + "    - {id: reason, type: text, label: {ja: x}}\n").find("reserved"), std::string::npos);
  EXPECT_NE(problems_of(head + "    - {id: photo, type: file, label: {ja: x}}\n").find("cannot be a file"),
            std::string::npos);
  EXPECT_NE(problems_of(head + "  shown_to_resident: [nothing]\n").find("shown_to_resident names 'nothing'"),
            std::string::npos);
  EXPECT_EQ(problems_of(kDecision), "");
}

TEST_F(DecisionsTest, AGrantNeedsItsFieldsAndARefusalNeedsAReason) {
  const procedures::Decision d = decision();
  decisions::Record r;
  EXPECT_EQ(ids(decisions::read(d, {}, ctx(), &r)), Ids{"f-outcome"});
  EXPECT_EQ(ids(decisions::read(d, {{"f.outcome", "invented"}}, ctx(), &r)), Ids{"f-outcome"});
  EXPECT_EQ(ids(decisions::read(d, {{"f.outcome", "issued"}, {"f.staff_note", "写真で確認"}}, ctx(), &r)),
            Ids{"f-damage_level"});
  EXPECT_EQ(r.fields["staff_note"], "写真で確認") << "what was typed stays";
  // A reason of full-width spaces says nothing.
  EXPECT_EQ(ids(decisions::read(d, {{"f.outcome", "refused"}, {"f.reason", "\u3000 "}}, ctx(), &r)), Ids{"f-reason"});
  EXPECT_EQ(ids(decisions::read(d, {{"f.outcome", "partly"}}, ctx(), &r)), Ids{"f-reason"});
  // The error says what to fix in the page's language.
  auto en = decisions::read(d, {{"f.outcome", "refused"}}, ctx("en"), &r);
  ASSERT_EQ(en.size(), 1u);
  EXPECT_EQ(en[0].message.find("入力"), std::string::npos) << en[0].message;

  ASSERT_TRUE(decisions::read(d, {{"f.outcome", "issued"}, {"f.damage_level", "hankai"}}, ctx(), &r).empty());
  EXPECT_EQ(r.outcome, "issued");
  EXPECT_EQ(r.fields["damage_level"], "hankai");
  EXPECT_EQ(r.reason, "");
  EXPECT_TRUE(decisions::complete(d, r, ctx()));
  // A refusal: the grant's fields are hidden, so not asked for, and not kept.
  ASSERT_TRUE(decisions::read(d, {{"f.outcome", "refused"}, {"f.damage_level", "hankai"}, {"f.reason", "住家ではない"}},
                              ctx(), &r)
                  .empty());
  EXPECT_EQ(r.reason, "住家ではない");
  EXPECT_FALSE(r.fields.contains("damage_level") && r.fields["damage_level"] == "hankai");
  EXPECT_TRUE(decisions::complete(d, r, ctx()));
  r.reason = "";
  EXPECT_FALSE(decisions::complete(d, r, ctx()));
  r.outcome = "gone";  // e.g. a hand-edited row
  EXPECT_FALSE(decisions::complete(d, r, ctx()));
}

class DecisionsStoreTest : public test::MigratedStoreTest {
 protected:
  int64_t insert_application() {
    int64_t id = 0;
    Status s = store::with_write(*store_, [&](store::Transaction& tx) {
      auto r = tx.query(
          "INSERT INTO applications (receipt, access_code_hash, procedure_id, procedure_version, department, status, "
          "answers, submitted_at, due_date, updated_at) VALUES ('R-1', 'x', 'risai', 'v1', 'bousai', 'in_review', "
          "'{}', ?, '2026-01-05', ?) RETURNING id",
          {kNow, kNow});
      if (!r.ok()) return r.status();
      id = r->at(0).i64(0);
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.message();
    return id;
  }
  Status save(int64_t id, int64_t row_version, const decisions::Record& r) {
    return store::with_write(*store_,
                             [&](store::Transaction& tx) { return decisions::save(tx, id, row_version, r, kNow); });
  }
  std::optional<decisions::Record> find(int64_t id) {
    std::optional<decisions::Record> out;
    Status s = store::with_read(*store_, [&](store::Transaction& tx) {
      auto d = decisions::find(tx, id);
      if (!d.ok()) return d.status();
      out = *d;
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.message();
    return out;
  }
  std::vector<store::Row> rows(const std::string& sql) {
    std::vector<store::Row> out;
    Status s = store::with_read(*store_, [&](store::Transaction& tx) {
      auto r = tx.query(sql);
      if (!r.ok()) return r.status();
      out = *r;
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.message();
    return out;
  }
};

TEST_F(DecisionsStoreTest, ADecisionIsAChangeOfTheApplicationWithItsEventAndAudit) {
  const int64_t id = insert_application();
  EXPECT_FALSE(find(id));
  decisions::Record r{"refused", {{"staff_note", "現地で確認"}}, "住家ではありません", 7, "防災 太郎", 0};
  ASSERT_TRUE(save(id, 1, r).ok());
  auto got = find(id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->outcome, "refused");
  EXPECT_EQ(got->fields["staff_note"], "現地で確認");
  EXPECT_EQ(got->reason, "住家ではありません");
  EXPECT_EQ(got->recorded_by, 7);
  EXPECT_EQ(got->recorded_by_name, "防災 太郎");
  EXPECT_EQ(got->recorded_at, kNow);
  EXPECT_EQ(rows("SELECT row_version FROM applications")[0].i64(0), 2);
  EXPECT_EQ(rows("SELECT action, actor_name FROM events")[0].str(0), "decision");
  auto audit = rows("SELECT actor, action, detail FROM audit_log");
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0].str(0), "staff:7");
  EXPECT_EQ(audit[0].str(1), "case.decision");
  EXPECT_EQ(audit[0].str(2), "outcome=refused") << "no reason or field values in the audit log";

  // A page shown before that change cannot overwrite it; the current one replaces it.
  r.outcome = "issued";
  EXPECT_EQ(save(id, 1, r).code(), Status::Code::kConflict);
  EXPECT_EQ(find(id)->outcome, "refused");
  ASSERT_TRUE(save(id, 2, r).ok());
  EXPECT_EQ(find(id)->outcome, "issued");
  EXPECT_EQ(rows("SELECT COUNT(*) FROM decisions")[0].i64(0), 1);
  EXPECT_EQ(save(id + 100, 1, r).code(), Status::Code::kNotFound);
}

TEST_F(DecisionsStoreTest, ADamagedStoredDecisionIsAnError) {
  const int64_t id = insert_application();
  ASSERT_TRUE(save(id, 1, {"issued", {{"damage_level", "hankai"}}, "", 7, "防災 太郎", 0}).ok());
  Status s = store::with_write(*store_, [&](store::Transaction& tx) {
    return tx.exec("UPDATE decisions SET fields = '{\"damage_level\": \"han'").status();
  });
  ASSERT_TRUE(s.ok());
  Status read = store::with_read(*store_, [&](store::Transaction& tx) { return decisions::find(tx, id).status(); });
  EXPECT_EQ(read.code(), Status::Code::kInternal);
  EXPECT_NE(read.message().find("corrupt stored data"), std::string::npos);
}

}  // namespace
}  // namespace madoguchi
