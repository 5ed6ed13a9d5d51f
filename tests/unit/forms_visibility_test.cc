// Conditions, hidden answers and which posted names a page accepts.
#include "forms_fixture.h"

namespace madoguchi::forms::testing {
namespace {

using procedures::Condition;
using Visibility = FormsTest;

Condition leaf(Condition::Kind kind, const std::string& field, std::vector<std::string> values = {}) {
  Condition c;
  c.kind = kind;
  c.field = field;
  c.values = std::move(values);
  return c;
}

Condition node(Condition::Kind kind, std::vector<Condition> children) {
  Condition c;
  c.kind = kind;
  c.children = std::move(children);
  return c;
}

TEST(Condition, Equals) {
  Condition c = leaf(Condition::Kind::kEquals, "kind", {"other"});
  EXPECT_TRUE(condition_holds(c, Json{{"kind", "other"}}, nullptr));
  EXPECT_FALSE(condition_holds(c, Json{{"kind", "quake"}}, nullptr));
  EXPECT_FALSE(condition_holds(c, Json::object(), nullptr));
  EXPECT_FALSE(condition_holds(c, Json{{"kind", Json::object()}}, nullptr));
  // On checkboxes, equals asks whether that box is ticked.
  EXPECT_TRUE(condition_holds(c, Json{{"kind", {"roof", "other"}}}, nullptr));
  EXPECT_FALSE(condition_holds(c, Json{{"kind", {"roof"}}}, nullptr));
}

TEST(Condition, OneOf) {
  Condition c = leaf(Condition::Kind::kOneOf, "who", {"household", "agent"});
  EXPECT_TRUE(condition_holds(c, Json{{"who", "agent"}}, nullptr));
  EXPECT_FALSE(condition_holds(c, Json{{"who", "self"}}, nullptr));
  EXPECT_TRUE(condition_holds(c, Json{{"who", {"self", "household"}}}, nullptr));
  EXPECT_FALSE(condition_holds(c, Json{{"who", Json::array()}}, nullptr));
}

TEST(Condition, NotEmpty) {
  Condition c = leaf(Condition::Kind::kNotEmpty, "x");
  EXPECT_FALSE(condition_holds(c, Json::object(), nullptr));
  EXPECT_FALSE(condition_holds(c, Json{{"x", ""}}, nullptr));
  EXPECT_FALSE(condition_holds(c, Json{{"x", Json::array()}}, nullptr));
  EXPECT_FALSE(condition_holds(c, Json{{"x", {{"family", ""}, {"given", ""}}}}, nullptr));
  EXPECT_TRUE(condition_holds(c, Json{{"x", "a"}}, nullptr));
  EXPECT_TRUE(condition_holds(c, Json{{"x", {{"family", "山田"}, {"given", ""}}}}, nullptr));
  EXPECT_TRUE(condition_holds(c, Json{{"x", {"a"}}}, nullptr));
}

TEST(Condition, AllAndAnyNest) {
  // all(a == 1, any(b == 2, c not empty))
  Condition c = node(Condition::Kind::kAll,
                     {leaf(Condition::Kind::kEquals, "a", {"1"}),
                      node(Condition::Kind::kAny, {leaf(Condition::Kind::kEquals, "b", {"2"}),
                                                   leaf(Condition::Kind::kNotEmpty, "c")})});
  EXPECT_TRUE(condition_holds(c, Json{{"a", "1"}, {"b", "2"}}, nullptr));
  EXPECT_TRUE(condition_holds(c, Json{{"a", "1"}, {"c", "x"}}, nullptr));
  EXPECT_FALSE(condition_holds(c, Json{{"a", "1"}, {"b", "3"}}, nullptr));
  EXPECT_FALSE(condition_holds(c, Json{{"a", "0"}, {"b", "2"}, {"c", "x"}}, nullptr));
  EXPECT_TRUE(condition_holds(node(Condition::Kind::kAll, {}), Json::object(), nullptr));
  EXPECT_FALSE(condition_holds(node(Condition::Kind::kAny, {}), Json::object(), nullptr));
}

TEST(Condition, GroupRowSiblingWins) {
  Condition c = leaf(Condition::Kind::kEquals, "together", {"no"});
  Json answers = {{"together", "yes"}};
  Json row = {{"together", "no"}};
  EXPECT_TRUE(condition_holds(c, answers, &row));
  Json empty_row = {{"together", ""}};  // rows keep every child key, even when empty
  EXPECT_FALSE(condition_holds(c, Json{{"together", "no"}}, &empty_row));
  // A field that is not in the row is looked up among the top-level answers.
  Condition top = leaf(Condition::Kind::kEquals, "agree", {"yes"});
  EXPECT_TRUE(condition_holds(top, Json{{"agree", "yes"}}, &row));
}

TEST_F(Visibility, PageVisibility) {
  const auto& p = page("other-only");
  EXPECT_FALSE(page_visible(p, Json::object()));
  EXPECT_TRUE(page_visible(p, Json{{"kind", "other"}}));
  EXPECT_TRUE(page_visible(page("basics"), Json::object()));
}

TEST_F(Visibility, HiddenValuesArePrunedOnPost) {
  Json answers;
  auto errors = post("choices", {{"f.kind", "other"}, {"f.kind_other", "雹"}, {"f.parts", "floor"},
                                 {"f.depth", "30"}, {"f.agree", "yes"}}, &answers);
  EXPECT_TRUE(errors.empty()) << errors[0].message;
  EXPECT_EQ(answers["kind_other"], "雹");
  EXPECT_EQ(answers["depth"], "30");
  answers["other_detail"] = "詳しく";
  // Changing the answer hides kind_other; its value, and the page that depended on it, go.
  errors = post("choices", {{"f.kind", "quake"}, {"f.kind_other", "雹"}, {"f.parts", "roof"},
                            {"f.depth", "30"}, {"f.agree", "yes"}}, &answers);
  EXPECT_TRUE(errors.empty()) << errors[0].message;
  EXPECT_FALSE(answers.contains("kind_other"));
  EXPECT_FALSE(answers.contains("depth"));
  EXPECT_FALSE(answers.contains("other_detail"));
}

TEST_F(Visibility, RequiredButHiddenIsNotAnError) {
  Json answers;
  auto errors = post("choices", {{"f.kind", "quake"}, {"f.parts", "roof"}, {"f.agree", "no"}}, &answers);
  EXPECT_TRUE(errors.empty());
  errors = post("choices", {{"f.kind", "other"}, {"f.parts", "roof"}, {"f.agree", "no"}}, &answers);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].html_id, "f-kind_other");
  EXPECT_EQ(errors[0].message, "その他の内容を入力してください");
}

TEST_F(Visibility, FieldsetHiddenByAnEarlierPage) {
  Json answers = {{"agree", "no"}};
  Posted p = {{"f.children.0._row", "1"}, {"f.children.0.together", "yes"}, {"f.bank_name", "区民銀行"}};
  auto errors = post("family", p, &answers);
  // The fieldset was not shown, so its posted value is not read, and no error is reported.
  EXPECT_FALSE(answers.contains("bank_name"));
  for (const auto& e : errors) EXPECT_NE(e.html_id, "f-bank_name");
  answers["agree"] = "yes";
  errors = post("family", p, &answers);
  EXPECT_EQ(answers["bank_name"], "区民銀行");
}

TEST_F(Visibility, PruneHiddenInGroupRowsEmptiesTheSibling) {
  Json answers = {{"children",
                   {{{"name", Json::object()}, {"together", "yes"}, {"address", {{"city", "台東区"}}}}}}};
  prune_hidden(*proc_, &answers);
  ASSERT_TRUE(answers["children"][0].contains("address"));
  EXPECT_TRUE(answers["children"][0]["address"]["city"] == "");
}

TEST_F(Visibility, PruneFollowsChains) {
  // other_detail depends on kind_other, which depends on kind.
  Json answers = {{"kind", "quake"}, {"kind_other", "雹"}, {"other_detail", "詳しく"}};
  prune_hidden(*proc_, &answers);
  EXPECT_FALSE(answers.contains("kind_other"));
  EXPECT_FALSE(answers.contains("other_detail"));
  EXPECT_EQ(answers["kind"], "quake");
}

TEST_F(Visibility, PageAcceptsItsOwnNames) {
  const auto& basics = page("basics");
  for (const char* n : {"f.person.family", "f.person.given_kana", "f.birth", "f.birth.era",
                        "f.birth.day", "f.phone", "f.home.postal_code", "f.home.building", "f.copies"}) {
    EXPECT_TRUE(page_accepts_name(basics, n)) << n;
  }
  for (const char* n : {"f.person", "f.person.middle", "f.phone.x", "f.kind", "phone", "csrf",
                        "action", "f.", "", "f.home", "f.birth.hour"}) {
    EXPECT_FALSE(page_accepts_name(basics, n)) << n;
  }
  const auto& family = page("family");
  for (const char* n : {"f.children.0._row", "f.children.2.together", "f.children.1.name.family",
                        "f.children.0.address.city", "f.bank_name"}) {
    EXPECT_TRUE(page_accepts_name(family, n)) << n;
  }
  for (const char* n : {"f.children.3.together", "f.children.01.together", "f.children.-1.together",
                        "f.children.0", "f.children.0.name", "f.children.0.nothing",
                        "f.children.x.together", "f.children", "f.bank"}) {
    EXPECT_FALSE(page_accepts_name(family, n)) << n;
  }
  const auto& files = page("files");
  EXPECT_TRUE(page_accepts_name(files, "f.photos"));
  EXPECT_TRUE(page_accepts_name(files, "f.photos.remove"));
  EXPECT_FALSE(page_accepts_name(files, "f.photos.keep"));
  const auto& choices = page("choices");
  EXPECT_TRUE(page_accepts_name(choices, "f.kind_other"));  // conditional fields are on the page
  EXPECT_TRUE(page_accepts_name(choices, "f.parts"));
}

TEST_F(Visibility, PageViewShowsSamePageConditionalsAndHidesOthers) {
  Json view = page_view(*proc_, page("choices"), Json::object(), {}, ctx());
  std::vector<std::string> ids;
  for (const auto& f : view) ids.push_back(f["id"]);
  // kind_other depends on this page's own kind: shown (for the resident to fill in if it
  // applies) and marked conditional for progressive enhancement.
  ASSERT_NE(std::find(ids.begin(), ids.end(), "kind_other"), ids.end());
  for (const auto& f : view) {
    if (f["id"] == "kind_other") {
      EXPECT_TRUE(f["conditional"].get<bool>());
      EXPECT_EQ(Json::parse(f["condition"].get<std::string>()), (Json{{"field", "f.kind"}, {"equals", "other"}}));
    }
    if (f["id"] == "kind") {
      EXPECT_FALSE(f["conditional"].get<bool>());
    }
  }
  Json family = page_view(*proc_, page("family"), Json{{"agree", "no"}}, {}, ctx());
  for (const auto& f : family) EXPECT_NE(f["id"], "bank");  // hidden by an earlier page
  family = page_view(*proc_, page("family"), Json{{"agree", "yes"}}, {}, ctx());
  EXPECT_EQ(family.size(), 2u);
}

}  // namespace
}  // namespace madoguchi::forms::testing
