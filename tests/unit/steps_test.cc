// Steps as the plug-in point of an application's life (steps/step.h): a step defined here, in
// the test, is switched on by a definition's `steps:` list, hears of a submission inside the
// submitting transaction, and a failing step leaves nothing stored; the e-mail notice is a
// step, on by default and off when a definition lists other steps.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "applications/applications.h"
#include "core/date.h"
#include "forms_fixture.h"
#include "steps/email_notice/email_notice.h"
#include "steps/step.h"
#include "test_store.h"
#include "usecases/drafts.h"
#include "usecases/submit.h"

namespace madoguchi::steps {
namespace {

using forms::testing::kTestOrg;

std::string procedure_yaml(const std::string& steps_line) {
  return R"(id: steps-test
source: テスト用
title: {ja: テスト}
summary: {ja: テスト}
department: kuminka
category: certificates
identity: none
processing_days: 1
channels: [online]
route: [tanto]
)" + steps_line +
         R"(
pages:
  - id: only
    title: {ja: ページ}
    fields:
      - id: note
        type: text
        label: {ja: メモ}
)";
}

// Remembers what it heard, and fails when told to: a step of the test's own.
class RecordingStep : public Step {
 public:
  explicit RecordingStep(std::vector<std::string>* heard, bool fail) : heard_(heard), fail_(fail) {}
  std::string_view id() const override { return "recording"; }
  Status on(Moment moment, const Occasion& o) const override {
    // It runs inside the submitting transaction: the application is already readable there.
    auto a = applications::find_by_receipt(o.tx, o.application.receipt);
    heard_->push_back(std::string(moment == Moment::kSubmitted ? "submitted " : "other ") +
                      (a.ok() ? "visible" : "missing"));
    return fail_ ? Status::Internal("the step refused") : Status::Ok();
  }

 private:
  std::vector<std::string>* heard_;
  bool fail_;
};

class Steps : public test::MigratedStoreTest {
 protected:
  void SetUp() override {
    MigratedStoreTest::SetUp();
    std::vector<procedures::Problem> problems;
    auto org = procedures::parse_organisation(kTestOrg, "org.yaml", &problems);
    ASSERT_TRUE(org.ok());
    org_ = *org;
    auto locales = Locales::load(std::string(MADOGUCHI_SOURCE_DIR) + "/locales");
    ASSERT_TRUE(locales.ok());
    locales_ = std::move(*locales);
  }

  procedures::Procedure procedure(const std::string& steps_line) {
    std::vector<procedures::Problem> problems;
    auto p = procedures::parse_procedure(procedure_yaml(steps_line), "steps-test.yaml", org_, &problems);
    EXPECT_TRUE(p.ok()) << (problems.empty() ? "" : problems[0].message);
    return p.ok() ? *p : procedures::Procedure{};
  }

  // Opens a draft and submits it as a guest through the use case.
  Result<usecases::SubmitOutcome> submit(const Registry& registry, const procedures::Procedure& p) {
    usecases::Env env{*store_, catalog_, locales_, holidays_, config_, registry};
    std::string token;
    auth::Session session;
    Status s = store::with_write(*store_, [&](store::Transaction& tx) {
      auto created = auth::create_session(tx, std::nullopt, unix_now(), std::chrono::hours(1), &token);
      if (!created.ok()) return created.status();
      session = *created;
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok());
    auto draft = usecases::open_draft(env, {session.token_hash, std::nullopt}, p, usecases::Json::object());
    EXPECT_TRUE(draft.ok());
    return usecases::submit_draft(env, {session.token_hash, std::nullopt, "ja"}, *draft, p,
                                  forms::Context{locales_, "ja", today_jst()});
  }

  int64_t applications_stored() {
    int64_t n = -1;
    EXPECT_TRUE(store::with_read(*store_, [&](store::Transaction& tx) {
                  auto rows = tx.query("SELECT count(*) FROM applications", {});
                  if (!rows.ok()) return rows.status();
                  n = (*rows)[0].i64(0);
                  return Status::Ok();
                }).ok());
    return n;
  }

  procedures::Organisation org_;
  procedures::Catalog catalog_;
  Locales locales_;
  Holidays holidays_;
  Config config_;
};

TEST_F(Steps, AStepOfTheTestsOwnHearsOfASubmissionInsideItsTransaction) {
  std::vector<std::string> heard;
  Registry registry;
  registry.add(std::make_unique<RecordingStep>(&heard, false), false);
  auto out = submit(registry, procedure("steps: [recording]"));
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(out->kind, usecases::SubmitOutcome::Kind::kSubmitted);
  EXPECT_EQ(heard, std::vector<std::string>{"submitted visible"});
  EXPECT_EQ(applications_stored(), 1);
}

TEST_F(Steps, AFailingStepLeavesNoApplicationAndNoReceipt) {
  std::vector<std::string> heard;
  Registry registry;
  registry.add(std::make_unique<RecordingStep>(&heard, true), false);
  auto out = submit(registry, procedure("steps: [recording]"));
  EXPECT_FALSE(out.ok());
  EXPECT_EQ(heard.size(), 1u);
  EXPECT_EQ(applications_stored(), 0);
}

TEST_F(Steps, OnlyTheStepsADefinitionSwitchesOnTakePart) {
  std::vector<std::string> heard;
  Registry registry;
  registry.add(std::make_unique<RecordingStep>(&heard, false), false);
  ASSERT_TRUE(submit(registry, procedure("steps: []")).ok());
  ASSERT_TRUE(submit(registry, procedure("")).ok());  // no `steps:`: the defaults, and it is not one
  EXPECT_TRUE(heard.empty());
}

TEST_F(Steps, TheEmailNoticeIsADefaultStepThatADefinitionCanLeaveOut) {
  Registry registry = Registry::builtin();
  ASSERT_NE(registry.find("email_notice"), nullptr);
  auto defaults = registry.for_procedure(procedure(""));
  ASSERT_FALSE(defaults.empty());
  EXPECT_EQ(defaults[0]->id(), "email_notice");
  EXPECT_TRUE(registry.for_procedure(procedure("steps: []")).empty());
  EXPECT_EQ(email_notice::kind_of(Moment::kSubmitted), "received");
  EXPECT_EQ(email_notice::kind_of(Moment::kCorrectionRequested), "correction");
  EXPECT_EQ(email_notice::kind_of(Moment::kDecided), "decided");
}

TEST_F(Steps, UnknownStepsAreReportedWithTheirLine) {
  Registry registry = Registry::builtin();
  EXPECT_EQ(registry.for_procedure(procedure("steps: [email_notice, no_such_step]")).size(), 1u);
  EXPECT_THROW(registry.add(email_notice::make_step(), false), std::invalid_argument);

  const auto dir = std::filesystem::temp_directory_path() / ("madoguchi_steps_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "organisation.yaml") << kTestOrg;
  std::ofstream(dir / "steps-test.yaml") << procedure_yaml("steps: [email_notice, no_such_step]");
  std::vector<procedures::Problem> problems;
  auto catalog = procedures::Catalog::load(dir.string(), &problems);
  std::filesystem::remove_all(dir);
  ASSERT_TRUE(catalog.ok());
  ASSERT_TRUE(problems.empty());
  auto found = registry.check(*catalog);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].line, 11);
  EXPECT_NE(found[0].message.find("'no_such_step'"), std::string::npos) << found[0].message;
  EXPECT_NE(found[0].message.find("email_notice"), std::string::npos) << found[0].message;
}

}  // namespace
}  // namespace madoguchi::steps
