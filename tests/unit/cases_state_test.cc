#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cases/cases.h"

namespace madoguchi::cases {
namespace {

const std::vector<std::string> kRoute = {"tanto", "kakaricho", "kacho"};

using Code = Status::Code;

struct Row {
  State from;
  Action action;
  std::string role;
  Code code;
  State to;  // only when code is kOk
};

std::string describe(const Row& r) {
  return r.from.status + "/" + std::to_string(r.from.step) + " " + action_name(r.action) +
         " by " + r.role;
}

void check(const std::vector<Row>& rows) {
  for (const Row& r : rows) {
    auto got = transition(r.from, r.action, kRoute, r.role);
    ASSERT_EQ(got.status().code(), r.code) << describe(r) << ": " << got.status().message();
    if (r.code == Code::kOk) {
      EXPECT_EQ(got->status, r.to.status) << describe(r);
      EXPECT_EQ(got->step, r.to.step) << describe(r);
    }
  }
}

constexpr Code kOk = Code::kOk;
constexpr Code kDenied = Code::kPermissionDenied;
constexpr Code kInvalid = Code::kInvalid;

const State kReceived{"received", 0};
const State kReview0{"in_review", 0};
const State kReview1{"in_review", 1};
const State kReview2{"in_review", 2};
const State kCorrection0{"correction", 0};
const State kCorrection1{"correction", 1};
const State kCorrection2{"correction", 2};
const State kApproved{"approved", 2};
const State kRejected{"rejected", 1};
const State kCompleted{"completed", 2};
const State kWithdrawn{"withdrawn", 1};  // the resident withdrew it (applications::withdraw)

TEST(CaseStateTest, AssignIsForAnyStaffAndOpensTheReview) {
  check({
      {kReceived, Action::kAssign, "tanto", kOk, {"in_review", 0}},
      {kReceived, Action::kAssign, "kacho", kOk, {"in_review", 0}},
      {kReview0, Action::kAssign, "kakaricho", kOk, {"in_review", 0}},
      {kReview1, Action::kAssign, "tanto", kOk, {"in_review", 1}},
      {kReview2, Action::kAssign, "kakaricho", kOk, {"in_review", 2}},
      {kCorrection0, Action::kAssign, "tanto", kOk, {"correction", 0}},
      {kCorrection1, Action::kAssign, "kacho", kOk, {"correction", 1}},
      {kApproved, Action::kAssign, "tanto", kOk, {"approved", 2}},
      {kApproved, Action::kAssign, "kacho", kOk, {"approved", 2}},
      {kRejected, Action::kAssign, "kakaricho", kInvalid, {}},
      {kRejected, Action::kAssign, "tanto", kInvalid, {}},
      {kCompleted, Action::kAssign, "kacho", kInvalid, {}},
      {kCompleted, Action::kAssign, "tanto", kInvalid, {}},
  });
}

TEST(CaseStateTest, ApproveFollowsTheRouteOneRoleAtATime) {
  check({
      {kReceived, Action::kApprove, "tanto", kOk, {"in_review", 1}},
      {kReceived, Action::kApprove, "kakaricho", kDenied, {}},
      {kReceived, Action::kApprove, "kacho", kDenied, {}},
      {kReview0, Action::kApprove, "tanto", kOk, {"in_review", 1}},
      {kReview0, Action::kApprove, "kacho", kDenied, {}},
      {kReview1, Action::kApprove, "kakaricho", kOk, {"in_review", 2}},
      {kReview1, Action::kApprove, "tanto", kDenied, {}},
      {kReview1, Action::kApprove, "kacho", kDenied, {}},
      {kReview2, Action::kApprove, "kacho", kOk, {"approved", 2}},
      {kReview2, Action::kApprove, "kakaricho", kDenied, {}},
      {kReview2, Action::kApprove, "tanto", kDenied, {}},
      // Awaiting the resident: nobody decides on answers still being corrected.
      {kCorrection0, Action::kApprove, "tanto", kInvalid, {}},
      {kCorrection0, Action::kApprove, "kacho", kInvalid, {}},
      {kCorrection1, Action::kApprove, "kakaricho", kInvalid, {}},
      {kCorrection2, Action::kApprove, "kacho", kInvalid, {}},
      {kApproved, Action::kApprove, "kacho", kInvalid, {}},
      {kApproved, Action::kApprove, "tanto", kInvalid, {}},
      {kRejected, Action::kApprove, "kakaricho", kInvalid, {}},
      {kRejected, Action::kApprove, "tanto", kInvalid, {}},
      {kCompleted, Action::kApprove, "kacho", kInvalid, {}},
      {kCompleted, Action::kApprove, "tanto", kInvalid, {}},
  });
}

TEST(CaseStateTest, CorrectionIsRequestedByTheCurrentRoleAndKeepsTheStep) {
  check({
      {kReceived, Action::kRequestCorrection, "tanto", kOk, {"correction", 0}},
      {kReceived, Action::kRequestCorrection, "kacho", kDenied, {}},
      {kReview0, Action::kRequestCorrection, "tanto", kOk, {"correction", 0}},
      {kReview0, Action::kRequestCorrection, "kakaricho", kDenied, {}},
      {kReview1, Action::kRequestCorrection, "kakaricho", kOk, {"correction", 1}},
      {kReview1, Action::kRequestCorrection, "tanto", kDenied, {}},
      {kReview2, Action::kRequestCorrection, "kacho", kOk, {"correction", 2}},
      {kReview2, Action::kRequestCorrection, "tanto", kDenied, {}},
      {kCorrection0, Action::kRequestCorrection, "tanto", kInvalid, {}},
      {kCorrection1, Action::kRequestCorrection, "tanto", kInvalid, {}},
      {kCorrection1, Action::kRequestCorrection, "kakaricho", kInvalid, {}},
      {kApproved, Action::kRequestCorrection, "kacho", kInvalid, {}},
      {kApproved, Action::kRequestCorrection, "tanto", kInvalid, {}},
      {kRejected, Action::kRequestCorrection, "kakaricho", kInvalid, {}},
      {kRejected, Action::kRequestCorrection, "kacho", kInvalid, {}},
      {kCompleted, Action::kRequestCorrection, "kacho", kInvalid, {}},
      {kCompleted, Action::kRequestCorrection, "tanto", kInvalid, {}},
  });
}

TEST(CaseStateTest, RejectIsForTheCurrentRoleInAnyOpenState) {
  check({
      {kReceived, Action::kReject, "tanto", kOk, {"rejected", 0}},
      {kReceived, Action::kReject, "kakaricho", kDenied, {}},
      {kReview0, Action::kReject, "tanto", kOk, {"rejected", 0}},
      {kReview0, Action::kReject, "kacho", kDenied, {}},
      {kReview1, Action::kReject, "kakaricho", kOk, {"rejected", 1}},
      {kReview1, Action::kReject, "kacho", kDenied, {}},
      {kReview2, Action::kReject, "kacho", kOk, {"rejected", 2}},
      {kReview2, Action::kReject, "tanto", kDenied, {}},
      {kCorrection0, Action::kReject, "tanto", kOk, {"rejected", 0}},
      {kCorrection0, Action::kReject, "kakaricho", kDenied, {}},
      {kCorrection1, Action::kReject, "kakaricho", kOk, {"rejected", 1}},
      {kCorrection1, Action::kReject, "tanto", kDenied, {}},
      {kCorrection2, Action::kReject, "kacho", kOk, {"rejected", 2}},
      // Approved is decided: turning it around is not a rejection.
      {kApproved, Action::kReject, "kacho", kInvalid, {}},
      {kApproved, Action::kReject, "tanto", kInvalid, {}},
      {kRejected, Action::kReject, "kakaricho", kInvalid, {}},
      {kRejected, Action::kReject, "tanto", kInvalid, {}},
      {kCompleted, Action::kReject, "kacho", kInvalid, {}},
      {kCompleted, Action::kReject, "tanto", kInvalid, {}},
  });
}

TEST(CaseStateTest, CompleteOnlyAfterApprovalByAnyStaff) {
  check({
      {kApproved, Action::kComplete, "kacho", kOk, {"completed", 2}},
      {kApproved, Action::kComplete, "tanto", kOk, {"completed", 2}},
      {kApproved, Action::kComplete, "kakaricho", kOk, {"completed", 2}},
      {kReceived, Action::kComplete, "tanto", kInvalid, {}},
      {kReceived, Action::kComplete, "kacho", kInvalid, {}},
      {kReview0, Action::kComplete, "tanto", kInvalid, {}},
      {kReview1, Action::kComplete, "kakaricho", kInvalid, {}},
      {kReview2, Action::kComplete, "kacho", kInvalid, {}},
      {kCorrection0, Action::kComplete, "tanto", kInvalid, {}},
      {kCorrection2, Action::kComplete, "kacho", kInvalid, {}},
      {kRejected, Action::kComplete, "kakaricho", kInvalid, {}},
      {kRejected, Action::kComplete, "kacho", kInvalid, {}},
      {kCompleted, Action::kComplete, "kacho", kInvalid, {}},
      {kCompleted, Action::kComplete, "tanto", kInvalid, {}},
  });
}

// Whatever the role, nothing moves a closed case: the answer is Invalid, never Denied, so it
// does not hint at whose turn it would have been.
TEST(CaseStateTest, ClosedCasesRefuseEveryActionFromEveryRole) {
  for (const State& closed : {kRejected, kCompleted, kWithdrawn}) {
    for (Action a : {Action::kAssign, Action::kRequestCorrection, Action::kApprove, Action::kReject,
                     Action::kComplete}) {
      for (const char* role : {"tanto", "kakaricho", "kacho", "somebody"}) {
        auto got = transition(closed, a, kRoute, role);
        EXPECT_EQ(got.status().code(), kInvalid) << closed.status << " " << action_name(a) << " " << role;
      }
    }
  }
}

TEST(CaseStateTest, EveryStateActionAndRoleHasADefiniteAnswer) {
  // Guards the tables above against a forgotten combination: every outcome is one of the
  // three documented ones, and ok results stay on the route.
  for (const State& s : {kReceived, kReview0, kReview1, kReview2, kCorrection0, kCorrection1,
                         kCorrection2, kApproved, kRejected, kCompleted}) {
    for (Action a : {Action::kAssign, Action::kRequestCorrection, Action::kApprove, Action::kReject,
                     Action::kComplete}) {
      for (const std::string& role : kRoute) {
        auto got = transition(s, a, kRoute, role);
        const Code c = got.status().code();
        EXPECT_TRUE(c == kOk || c == kDenied || c == kInvalid);
        if (c == kOk) {
          EXPECT_GE(got->step, 0);
          EXPECT_LT(got->step, static_cast<int>(kRoute.size()));
          EXPECT_GE(got->step, s.step) << "steps never go back";
        }
      }
    }
  }
}

TEST(CaseStateTest, HappyPathThroughTheWholeRoute) {
  State s{"received", 0};
  auto step = [&](Action a, const std::string& role) {
    auto r = transition(s, a, kRoute, role);
    ASSERT_TRUE(r.ok()) << action_name(a) << " by " << role << ": " << r.status().message();
    s = *r;
  };
  step(Action::kAssign, "tanto");
  step(Action::kApprove, "tanto");
  step(Action::kRequestCorrection, "kakaricho");
  EXPECT_EQ(s.status, "correction");
  s.status = "in_review";  // what applications::resubmit does
  step(Action::kApprove, "kakaricho");
  step(Action::kApprove, "kacho");
  EXPECT_EQ(s.status, "approved");
  step(Action::kComplete, "tanto");
  EXPECT_EQ(s.status, "completed");
  EXPECT_EQ(s.step, 2);
}

TEST(CaseStateTest, OneStepRouteIsDecidedByItsOnlyRole) {
  const std::vector<std::string> route = {"tanto"};
  auto r = transition({"received", 0}, Action::kApprove, route, "tanto");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, "approved");
  EXPECT_EQ(r->step, 0);
  EXPECT_EQ(transition({"received", 0}, Action::kApprove, route, "kacho").status().code(), kDenied);
}

TEST(CaseStateTest, EmptyRoleIsNeverStaff) {
  for (Action a : {Action::kAssign, Action::kApprove, Action::kRequestCorrection, Action::kReject}) {
    EXPECT_EQ(transition(kReview0, a, kRoute, "").status().code(), kDenied) << action_name(a);
  }
  EXPECT_EQ(transition(kApproved, Action::kComplete, kRoute, "").status().code(), kDenied);
}

TEST(CaseStateTest, BrokenRouteOrStepIsInvalid) {
  EXPECT_EQ(transition(kReview0, Action::kApprove, {}, "tanto").status().code(), kInvalid);
  EXPECT_EQ(transition({"in_review", 3}, Action::kApprove, kRoute, "kacho").status().code(), kInvalid);
  EXPECT_EQ(transition({"in_review", -1}, Action::kAssign, kRoute, "tanto").status().code(), kInvalid);
  // A definition shortened under a case must not let anyone decide a step it no longer has.
  EXPECT_EQ(transition({"in_review", 2}, Action::kApprove, {"tanto", "kakaricho"}, "kakaricho")
                .status()
                .code(),
            kInvalid);
}

TEST(CaseStateTest, UnknownStatusAllowsNothing) {
  for (Action a : {Action::kAssign, Action::kRequestCorrection, Action::kApprove, Action::kReject,
                   Action::kComplete}) {
    EXPECT_EQ(transition({"draft", 0}, a, kRoute, "tanto").status().code(), kInvalid) << action_name(a);
  }
}

TEST(CaseStateTest, IsOpenCoversTheUndecidedStates) {
  EXPECT_TRUE(is_open("received"));
  EXPECT_TRUE(is_open("in_review"));
  EXPECT_TRUE(is_open("correction"));
  EXPECT_FALSE(is_open("approved"));
  EXPECT_FALSE(is_open("rejected"));
  EXPECT_FALSE(is_open("completed"));
  EXPECT_FALSE(is_open(""));
}

TEST(CaseStateTest, ActionNamesRoundTrip) {
  const std::vector<std::pair<Action, std::string>> names = {
      {Action::kAssign, "assign"},   {Action::kRequestCorrection, "correction"},
      {Action::kApprove, "approve"}, {Action::kReject, "reject"},
      {Action::kComplete, "complete"},
  };
  for (const auto& [a, name] : names) {
    EXPECT_EQ(action_name(a), name);
    ASSERT_TRUE(parse_action(name).has_value()) << name;
    EXPECT_EQ(*parse_action(name), a);
  }
  EXPECT_FALSE(parse_action("").has_value());
  EXPECT_FALSE(parse_action("Approve").has_value());
  EXPECT_FALSE(parse_action("request_correction").has_value());
}

}  // namespace
}  // namespace madoguchi::cases
