// Reading, normalising and validating answers: each validator, what is stored, what is said.
#include "forms_fixture.h"

namespace madoguchi::forms::testing {
namespace {

using Validate = FormsTest;

// A complete "basics" page; tests change one value.
Posted basics() {
  return {{"f.person.family", "山田"},       {"f.person.given", "太郎"},
          {"f.person.family_kana", "ヤマダ"}, {"f.person.given_kana", "タロウ"},
          {"f.birth.era", ""},                {"f.birth.year", "1985"},
          {"f.birth.month", "1"},             {"f.birth.day", "15"},
          {"f.phone", "03-1234-5678"},        {"f.email", ""},
          {"f.home.postal_code", "110-8615"}, {"f.home.prefecture", "東京都"},
          {"f.home.city", "台東区"},          {"f.home.town", "東上野"},
          {"f.home.street", "4-5-6"},         {"f.home.building", ""},
          {"f.copies", "2"},                  {"f.ratio", ""},
          {"f.code", ""},                     {"f.holder", ""},
          {"f.note", ""},                     {"f.title", ""}};
}

Posted with(Posted p, const std::string& name, const std::string& value) {
  for (auto& [k, v] : p) {
    if (k == name) {
      v = value;
      return p;
    }
  }
  p.emplace_back(name, value);
  return p;
}

TEST_F(Validate, CompletePageHasNoErrors) {
  Json answers;
  auto errors = post("basics", basics(), &answers);
  EXPECT_TRUE(errors.empty()) << errors[0].html_id << " " << errors[0].message;
  EXPECT_EQ(answers["birth"], "1985-01-15");
  EXPECT_EQ(answers["copies"], "2");
  EXPECT_EQ(answers["home"]["postal_code"], "110-8615");
  EXPECT_TRUE(validate_page(*proc_, page("basics"), answers, ctx()).empty());
}

TEST_F(Validate, RequiredMessagesNameTheLabel) {
  Json answers;
  auto errors = post("basics", with(with(basics(), "f.phone", ""), "f.copies", ""), &answers);
  ASSERT_NE(find(errors, "f-phone"), nullptr);
  EXPECT_EQ(find(errors, "f-phone")->message, "電話番号を入力してください");
  ASSERT_NE(find(errors, "f-copies"), nullptr);
  EXPECT_EQ(find(errors, "f-copies")->message, "通数を入力してください");
  auto en = post("basics", with(basics(), "f.phone", ""), &answers, "en");
  // The label has no en text, so the message uses the ja label.
  EXPECT_EQ(find(en, "f-phone")->message, "Enter 電話番号");
}

TEST_F(Validate, ErrorsComeInPageOrder) {
  Json answers;
  auto errors = post("basics", {}, &answers);
  ASSERT_GE(errors.size(), 4u);
  EXPECT_EQ(errors[0].html_id, "f-person-family");
  EXPECT_EQ(errors[1].html_id, "f-person-given");
  std::vector<std::string> ids;
  for (const auto& e : errors) ids.push_back(e.html_id);
  auto pos = [&](const std::string& id) { return std::find(ids.begin(), ids.end(), id) - ids.begin(); };
  EXPECT_LT(pos("f-birth-year"), pos("f-phone"));
  EXPECT_LT(pos("f-phone"), pos("f-home-postal_code"));
  EXPECT_LT(pos("f-home-postal_code"), pos("f-copies"));
}

TEST_F(Validate, FullWidthDigitsAndHyphensAreNormalised) {
  Json answers;
  auto errors = post("basics",
                     with(with(with(with(basics(), "f.phone", "０３ー１２３４ー５６７８"), "f.copies", "２"),
                               "f.home.postal_code", "〒１１０－８６１５"),
                          "f.code", "０１２３"),
                     &answers);
  EXPECT_TRUE(errors.empty()) << errors[0].message;
  EXPECT_EQ(answers["phone"], "03-1234-5678");
  EXPECT_EQ(answers["copies"], "2");
  EXPECT_EQ(answers["home"]["postal_code"], "110-8615");
  EXPECT_EQ(answers["code"], "0123");
}

TEST_F(Validate, PostalCodeWithoutHyphen) {
  Json answers;
  EXPECT_TRUE(post("basics", with(basics(), "f.home.postal_code", "1108615"), &answers).empty());
  EXPECT_EQ(answers["home"]["postal_code"], "110-8615");
  auto errors = post("basics", with(basics(), "f.home.postal_code", "110-86"), &answers);
  ASSERT_NE(find(errors, "f-home-postal_code"), nullptr);
  EXPECT_EQ(find(errors, "f-home-postal_code")->message,
            "住所の郵便番号は7桁の数字で入力してください。例)110-8615");
  EXPECT_EQ(answers["home"]["postal_code"], "110-86");  // kept as typed
}

TEST_F(Validate, AddressNeedsItsMainParts) {
  Json answers;
  auto errors = post("basics", with(basics(), "f.home.street", ""), &answers);
  ASSERT_NE(find(errors, "f-home-street"), nullptr);
  EXPECT_EQ(find(errors, "f-home-street")->message, "住所の丁目・番地・号を入力してください");
  EXPECT_EQ(find(errors, "f-home-building"), nullptr);  // building is optional
}

TEST_F(Validate, FuriganaBecomesKatakana) {
  Json answers;
  auto errors = post("basics",
                     with(with(with(basics(), "f.person.family_kana", "やまだ"), "f.person.given_kana", "ﾀﾛｳ"),
                          "f.holder", "やまだ たろう"),
                     &answers);
  EXPECT_TRUE(errors.empty()) << errors[0].message;
  EXPECT_EQ(answers["person"]["family_kana"], "ヤマダ");
  EXPECT_EQ(answers["person"]["given_kana"], "タロウ");
  EXPECT_EQ(answers["holder"], "ヤマダ\u3000タロウ");
}

TEST_F(Validate, FuriganaInKanjiIsRefusedAndKept) {
  Json answers;
  auto errors = post("basics", with(basics(), "f.person.family_kana", "山田"), &answers);
  ASSERT_NE(find(errors, "f-person-family_kana"), nullptr);
  EXPECT_EQ(find(errors, "f-person-family_kana")->message, "氏名のセイ(フリガナ)はカタカナで入力してください");
  EXPECT_EQ(answers["person"]["family_kana"], "山田");
  auto holder = post("basics", with(basics(), "f.holder", "Yamada"), &answers);
  ASSERT_NE(find(holder, "f-holder"), nullptr);
  EXPECT_EQ(find(holder, "f-holder")->message, "口座名義はカタカナで入力してください");
  EXPECT_EQ(answers["holder"], "Yamada");
}

TEST_F(Validate, NamesAreKeptExactly) {
  // 𠮷 (U+20BB7, outside the BMP) and 葛 with an ideographic variation selector (U+E0100).
  const std::string family = "\xF0\xA0\xAE\xB7野";
  const std::string given = "葛\xF3\xA0\x84\x80子";
  Json answers;
  auto errors = post("basics", with(with(basics(), "f.person.family", family), "f.person.given", given), &answers);
  EXPECT_TRUE(errors.empty());
  EXPECT_EQ(answers["person"]["family"], family);
  EXPECT_EQ(answers["person"]["given"], given);
  // Full-width letters in a name are not narrowed either.
  post("basics", with(basics(), "f.person.given", "ＡＢＣ"), &answers);
  EXPECT_EQ(answers["person"]["given"], "ＡＢＣ");
}

TEST_F(Validate, SurroundingSpacesAreTrimmed) {
  Json answers;
  post("basics", with(basics(), "f.person.family", "\u3000山田 "), &answers);
  EXPECT_EQ(answers["person"]["family"], "山田");
  // Only the ends: a space inside, full-width letters and 異体字 stay as typed.
  post("basics", with(basics(), "f.person.family", " 髙\u3000ＹＡＭＡ 𠮷 "), &answers);
  EXPECT_EQ(answers["person"]["family"], "髙\u3000ＹＡＭＡ 𠮷");
}

TEST_F(Validate, PhoneAndEmail) {
  Json answers;
  auto errors = post("basics", with(with(basics(), "f.phone", "12345"), "f.email", "taro＠example.jp"), &answers);
  ASSERT_NE(find(errors, "f-phone"), nullptr);
  EXPECT_EQ(find(errors, "f-phone")->message,
            "電話番号は市外局番から10桁または11桁の数字で入力してください。例)03-1234-5678");
  EXPECT_EQ(answers["phone"], "12345");
  EXPECT_EQ(answers["email"], "taro@example.jp");
  errors = post("basics", with(basics(), "f.email", "taro@"), &answers);
  ASSERT_NE(find(errors, "f-email"), nullptr);
  EXPECT_EQ(answers["email"], "taro@");
  EXPECT_TRUE(post("basics", with(basics(), "f.phone", "09012345678"), &answers).empty());
  EXPECT_EQ(answers["phone"], "09012345678");
}

TEST_F(Validate, IntegerRangeAndTypedValueKept) {
  Json answers;
  auto errors = post("basics", with(basics(), "f.copies", "abc"), &answers);
  ASSERT_NE(find(errors, "f-copies"), nullptr);
  EXPECT_EQ(find(errors, "f-copies")->message, "通数は整数の数字で入力してください。例)2");
  EXPECT_EQ(answers["copies"], "abc");
  errors = post("basics", with(basics(), "f.copies", "１１"), &answers);
  ASSERT_NE(find(errors, "f-copies"), nullptr);
  EXPECT_EQ(find(errors, "f-copies")->message, "通数は1通から10通までで入力してください");
  EXPECT_EQ(answers["copies"], "１１");
  errors = post("basics", with(basics(), "f.copies", "1.5"), &answers);
  EXPECT_NE(find(errors, "f-copies"), nullptr);
}

TEST_F(Validate, NumberWithMaximum) {
  Json answers;
  EXPECT_TRUE(post("basics", with(basics(), "f.ratio", "１２．５"), &answers).empty());
  EXPECT_EQ(answers["ratio"], "12.5");
  auto errors = post("basics", with(basics(), "f.ratio", "1,000"), &answers);
  ASSERT_NE(find(errors, "f-ratio"), nullptr);
  EXPECT_EQ(find(errors, "f-ratio")->message, "割合は100以下で入力してください");
}

TEST_F(Validate, PatternUsesTheDefinitionsMessage) {
  Json answers;
  auto errors = post("basics", with(basics(), "f.code", "12"), &answers);
  ASSERT_NE(find(errors, "f-code"), nullptr);
  EXPECT_EQ(find(errors, "f-code")->message, "金融機関コードは4桁の数字で入力してください");
  EXPECT_EQ(answers["code"], "12");
}

TEST_F(Validate, LengthsCountCharactersAndReportTheCount) {
  Json answers;
  auto errors = post("basics", with(basics(), "f.note", "屋根が飛んだ"), &answers);
  ASSERT_NE(find(errors, "f-note"), nullptr);
  EXPECT_EQ(find(errors, "f-note")->message, "被害の内容は5文字以内で入力してください(入力文字数6文字)");
  EXPECT_EQ(answers["note"], "屋根が飛んだ");
  EXPECT_TRUE(post("basics", with(basics(), "f.note", "屋根が飛ぶ"), &answers).empty());
  // A line break posted as CRLF counts as one character and is stored as LF.
  EXPECT_TRUE(post("basics", with(basics(), "f.note", "屋根\r\n壁"), &answers).empty());
  EXPECT_EQ(answers["note"], "屋根\n壁");
  errors = post("basics", with(basics(), "f.title", "あ"), &answers);
  ASSERT_NE(find(errors, "f-title"), nullptr);
  EXPECT_EQ(find(errors, "f-title")->message, "件名は2文字以上で入力してください(入力文字数1文字)");
  errors = post("basics", with(basics(), "f.title", "あいうえおかきくけこさ"), &answers, "en");
  EXPECT_EQ(find(errors, "f-title")->message, "件名 must be 10 characters or fewer (you entered 11)");
}

TEST_F(Validate, BrokenUtf8AndControlCharacters) {
  Json answers;
  auto errors = post("basics", with(basics(), "f.title", "ab\xff"), &answers);
  ASSERT_NE(find(errors, "f-title"), nullptr);
  EXPECT_NO_THROW(answers.dump());
  errors = post("basics", with(basics(), "f.person.family", std::string("山\x01田")), &answers);
  EXPECT_NE(find(errors, "f-person-family"), nullptr);
  EXPECT_NO_THROW(answers.dump());
}

TEST_F(Validate, DatesInWesternAndJapaneseCalendars) {
  Json answers;
  auto p = with(with(with(with(basics(), "f.birth.era", "S"), "f.birth.year", "６０"), "f.birth.month", "１"),
                "f.birth.day", "１５");
  EXPECT_TRUE(post("basics", p, &answers).empty());
  EXPECT_EQ(answers["birth"], "1985-01-15");
  p = with(with(with(with(basics(), "f.birth.era", "R"), "f.birth.year", "1"), "f.birth.month", "5"),
           "f.birth.day", "1");
  EXPECT_TRUE(post("basics", p, &answers).empty());  // 令和元年 typed as year 1
  EXPECT_EQ(answers["birth"], "2019-05-01");
  p = with(with(with(basics(), "f.birth.era", "H"), "f.birth.year", "31"), "f.birth.month", "4");
  p = with(p, "f.birth.day", "30");
  EXPECT_TRUE(post("basics", p, &answers).empty());
  EXPECT_EQ(answers["birth"], "2019-04-30");
  // One text, as counter staff or an API client may send it.
  Posted single = basics();
  single.erase(std::remove_if(single.begin(), single.end(),
                              [](const auto& kv) { return kv.first.rfind("f.birth.", 0) == 0; }),
               single.end());
  single.emplace_back("f.birth", "S60.1.15");
  EXPECT_TRUE(post("basics", single, &answers).empty());
  EXPECT_EQ(answers["birth"], "1985-01-15");
}

TEST_F(Validate, ImpossibleAndIncompleteDatesKeepTheParts) {
  Json answers;
  auto errors = post("basics", with(with(basics(), "f.birth.month", "2"), "f.birth.day", "30"), &answers);
  ASSERT_NE(find(errors, "f-birth-year"), nullptr);
  EXPECT_EQ(find(errors, "f-birth-year")->message, "生年月日は実在する日付を入力してください。例)2025年4月1日");
  EXPECT_EQ(answers["birth"]["month"], "2");
  EXPECT_EQ(answers["birth"]["day"], "30");
  errors = post("basics", with(basics(), "f.birth.day", ""), &answers);
  ASSERT_NE(find(errors, "f-birth-year"), nullptr);
  EXPECT_EQ(find(errors, "f-birth-year")->message, "生年月日は年・月・日をすべて入力してください");
  EXPECT_EQ(answers["birth"]["year"], "1985");
}

// A date typed in 和暦 is stored as ISO, with the era and the year as typed kept next to it,
// so that every later showing of the page can give back 昭和 63 rather than 1988.
Posted birth(Posted p, const std::string& era, const std::string& year, const std::string& month,
             const std::string& day) {
  return with(with(with(with(std::move(p), "f.birth.era", era), "f.birth.year", year), "f.birth.month", month),
              "f.birth.day", day);
}

TEST_F(Validate, JapaneseCalendarDatesKeepTheEraAsTyped) {
  Json answers;
  EXPECT_TRUE(post("basics", birth(basics(), "S", "63", "4", "1"), &answers).empty());
  EXPECT_EQ(answers["birth"], "1988-04-01");
  EXPECT_EQ(answers["birth.typed"], (Json{{"era", "S"}, {"year", "63"}}));
  // 元年 typed as a word or as 1 comes back as typed.
  EXPECT_TRUE(post("basics", birth(basics(), "R", "元", "5", "1"), &answers).empty());
  EXPECT_EQ(answers["birth"], "2019-05-01");
  EXPECT_EQ(answers["birth.typed"], (Json{{"era", "R"}, {"year", "元"}}));
  EXPECT_TRUE(post("basics", birth(basics(), "R", "1", "5", "1"), &answers).empty());
  EXPECT_EQ(answers["birth.typed"], (Json{{"era", "R"}, {"year", "1"}}));
  // The last day of 平成 stays 平成31年.
  EXPECT_TRUE(post("basics", birth(basics(), "H", "31", "4", "30"), &answers).empty());
  EXPECT_EQ(answers["birth"], "2019-04-30");
  EXPECT_EQ(answers["birth.typed"], (Json{{"era", "H"}, {"year", "31"}}));
  // 全角 digits are kept as typed; the ISO value is normalised.
  EXPECT_TRUE(post("basics", birth(basics(), "S", "６３", "４", "１"), &answers).empty());
  EXPECT_EQ(answers["birth"], "1988-04-01");
  EXPECT_EQ(answers["birth.typed"]["year"], "６３");
  // Typed in 西暦 again: nothing kept, the ISO year is what was typed.
  EXPECT_TRUE(post("basics", birth(basics(), "", "1988", "4", "1"), &answers).empty());
  EXPECT_EQ(answers["birth"], "1988-04-01");
  EXPECT_FALSE(answers.contains("birth.typed"));
}

TEST_F(Validate, EraKeptThroughAnErrorElsewhereAndRechecks) {
  Json answers;
  // Another field is wrong: the date is valid and keeps its era.
  auto errors = post("basics", with(birth(basics(), "S", "63", "4", "1"), "f.phone", "12"), &answers);
  ASSERT_NE(find(errors, "f-phone"), nullptr);
  EXPECT_EQ(find(errors, "f-birth-year"), nullptr);
  EXPECT_EQ(answers["birth.typed"], (Json{{"era", "S"}, {"year", "63"}}));
  // Checking the stored answers again (check page, submit) changes nothing.
  Json before = answers;
  validate_page(*proc_, page("basics"), answers, ctx());
  EXPECT_EQ(answers, before);
  // An invalid date replaces it: the parts are kept as typed, the old era goes.
  errors = post("basics", birth(basics(), "R", "8", "2", "30"), &answers);
  ASSERT_NE(find(errors, "f-birth-year"), nullptr);
  EXPECT_EQ(answers["birth"], (Json{{"era", "R"}, {"year", "8"}, {"month", "2"}, {"day", "30"}}));
  EXPECT_FALSE(answers.contains("birth.typed"));
  // Emptied: the era goes with the date.
  post("basics", birth(basics(), "S", "", "", ""), &answers);
  EXPECT_EQ(answers["birth"], "");
  EXPECT_FALSE(answers.contains("birth.typed"));
}

TEST_F(Validate, OutsideItsEraADateIsRefusedAndKeptAsTyped) {
  Json answers;
  // 平成31年5月1日 does not exist (令和元年5月1日 does); 昭和64年1月8日 was 平成元年.
  auto errors = post("basics", birth(basics(), "H", "31", "5", "1"), &answers);
  EXPECT_NE(find(errors, "f-birth-year"), nullptr);
  EXPECT_EQ(answers["birth"], (Json{{"era", "H"}, {"year", "31"}, {"month", "5"}, {"day", "1"}}));
  errors = post("basics", birth(basics(), "S", "64", "1", "8"), &answers);
  EXPECT_NE(find(errors, "f-birth-year"), nullptr);
  EXPECT_TRUE(post("basics", birth(basics(), "S", "64", "1", "7"), &answers).empty());
  EXPECT_EQ(answers["birth"], "1989-01-07");
}

TEST_F(Validate, EraKeptInGroupRowsAndPrunedWithTheField) {
  Json answers;
  Posted p = {{"f.children.0._row", "1"},          {"f.children.0.name.family", "山田"},
              {"f.children.0.name.given", "花子"}, {"f.children.0.name.family_kana", "ヤマダ"},
              {"f.children.0.name.given_kana", "ハナコ"}, {"f.children.0.together", "yes"},
              {"f.children.0.born.era", "H"},      {"f.children.0.born.year", "元"},
              {"f.children.0.born.month", "1"},    {"f.children.0.born.day", "8"}};
  EXPECT_TRUE(post("family", p, &answers).empty());
  EXPECT_EQ(answers["children"][0]["born"], "1989-01-08");
  EXPECT_EQ(answers["children"][0]["born.typed"], (Json{{"era", "H"}, {"year", "元"}}));
  Json s = summary_view(*proc_, answers, ctx());
  bool seen = false;
  for (const auto& pg : s) {
    for (const auto& r : pg["rows"]) {
      if (r["html_id"] == "f-children-0-born") {
        EXPECT_EQ(r["value"], "平成元年1月8日(1989年1月8日)");
        seen = true;
      }
    }
  }
  EXPECT_TRUE(seen);
  // The date becomes hidden: its kept era goes too.
  answers["children"][0]["together"] = "no";
  prune_hidden(*proc_, &answers);
  EXPECT_EQ(answers["children"][0]["born"], "");
  EXPECT_FALSE(answers["children"][0].contains("born.typed"));
}

TEST_F(Validate, CheckPageShowsTheCalendarTyped) {
  Json answers;
  post("basics", birth(basics(), "S", "63", "4", "1"), &answers);
  Json s = summary_view(*proc_, answers, ctx());
  EXPECT_EQ(s[0]["rows"][1]["html_id"], "f-birth");
  EXPECT_EQ(s[0]["rows"][1]["value"], "昭和63年4月1日(1988年4月1日)");
  EXPECT_EQ(summary_view(*proc_, answers, ctx("en"))[0]["rows"][1]["value"], "昭和63年4月1日 (1988-04-01)");
  post("basics", birth(basics(), "", "1988", "4", "1"), &answers);
  EXPECT_EQ(summary_view(*proc_, answers, ctx())[0]["rows"][1]["value"], "1988年4月1日(昭和63年4月1日)");
}

TEST_F(Validate, DateRules) {
  Json answers;
  // today is 2025-04-01 in these tests; max_date: today.
  auto errors = post("basics", with(with(with(basics(), "f.birth.year", "2025"), "f.birth.month", "4"),
                                    "f.birth.day", "2"), &answers);
  ASSERT_NE(find(errors, "f-birth-year"), nullptr);
  EXPECT_NE(find(errors, "f-birth-year")->message.find("以前の日付を入力してください"), std::string::npos);
  EXPECT_NE(find(errors, "f-birth-year")->message.find("令和7年4月1日"), std::string::npos);
  errors = post("basics", with(with(with(basics(), "f.birth.year", "1899"), "f.birth.month", "12"),
                               "f.birth.day", "31"), &answers);
  EXPECT_NE(find(errors, "f-birth-year"), nullptr);
  EXPECT_TRUE(post("basics", with(with(with(basics(), "f.birth.year", "2025"), "f.birth.month", "4"),
                                  "f.birth.day", "1"), &answers).empty());
}

TEST_F(Validate, ChoicesMustBeOptions) {
  Json answers;
  Posted p = {{"f.kind", "quake"}, {"f.parts", "wall"}, {"f.parts", "roof"}, {"f.parts", "roof"}, {"f.agree", "yes"}};
  EXPECT_TRUE(post("choices", p, &answers).empty());
  EXPECT_EQ(answers["parts"], Json::array({"roof", "wall"}));  // options' order, once each
  auto errors = post("choices", {{"f.kind", "fire"}, {"f.parts", "roof"}, {"f.agree", "maybe"}}, &answers);
  ASSERT_NE(find(errors, "f-kind"), nullptr);
  EXPECT_EQ(find(errors, "f-kind")->message, "種類は表示されている選択肢から選んでください");
  EXPECT_NE(find(errors, "f-agree"), nullptr);
  errors = post("choices", {}, &answers);
  ASSERT_NE(find(errors, "f-kind"), nullptr);
  EXPECT_EQ(find(errors, "f-kind")->message, "種類を選択してください");
  EXPECT_EQ(find(errors, "f-parts")->message, "被害の部分を選択してください");
  EXPECT_EQ(find(errors, "f-pick"), nullptr);  // optional select
}

TEST_F(Validate, GroupRowsAndTheirErrors) {
  Json answers;
  Posted p = {{"f.children.0._row", "1"},
              {"f.children.0.name.family", "山田"},
              {"f.children.0.name.given", "花子"},
              {"f.children.0.name.family_kana", "やまだ"},
              {"f.children.0.name.given_kana", "はなこ"},
              {"f.children.0.together", "yes"},
              {"f.children.1._row", "1"},
              {"f.children.1.together", "no"}};
  auto errors = post("family", p, &answers);
  ASSERT_EQ(answers["children"].size(), 2u);
  EXPECT_EQ(answers["children"][0]["name"]["family_kana"], "ヤマダ");
  ASSERT_NE(find(errors, "f-children-1-name-family"), nullptr);
  EXPECT_EQ(find(errors, "f-children-1-name-family")->message, "子ども(2件目)の氏名の姓を入力してください");
  // Living apart shows the address of that row only.
  EXPECT_NE(find(errors, "f-children-1-address-postal_code"), nullptr);
  EXPECT_EQ(find(errors, "f-children-0-address-postal_code"), nullptr);
  EXPECT_EQ(find(errors, "f-children-0-name-family"), nullptr);
}

TEST_F(Validate, GroupNeedsItsMinimumRows) {
  Json answers;
  auto errors = post("family", {}, &answers);
  ASSERT_NE(find(errors, "f-children"), nullptr);
  EXPECT_EQ(find(errors, "f-children")->message, "子どもを1件以上入力してください");
}

TEST_F(Validate, RowsAreRenumberedFromThePostedIndexes) {
  Json answers;
  Posted p = {{"f.children.2._row", "1"}, {"f.children.2.name.family", "三"},
              {"f.children.0._row", "1"}, {"f.children.0.name.family", "一"}};
  post("family", p, &answers);
  ASSERT_EQ(answers["children"].size(), 2u);
  EXPECT_EQ(answers["children"][0]["name"]["family"], "一");
  EXPECT_EQ(answers["children"][1]["name"]["family"], "三");
}

TEST_F(Validate, AddAndRemoveRowsWithinLimits) {
  Json answers = Json::object();
  EXPECT_TRUE(add_group_row(*proc_, "children", &answers));
  EXPECT_TRUE(add_group_row(*proc_, "children", &answers));
  EXPECT_TRUE(add_group_row(*proc_, "children", &answers));
  EXPECT_FALSE(add_group_row(*proc_, "children", &answers));  // max_items 3
  EXPECT_EQ(answers["children"].size(), 3u);
  EXPECT_TRUE(answers["children"][0].contains("together"));
  answers["children"][1]["together"] = "no";
  EXPECT_TRUE(remove_group_row(*proc_, "children", 0, &answers));
  EXPECT_EQ(answers["children"][0]["together"], "no");
  EXPECT_FALSE(remove_group_row(*proc_, "children", 5, &answers));
  EXPECT_TRUE(remove_group_row(*proc_, "children", 0, &answers));
  EXPECT_FALSE(remove_group_row(*proc_, "children", 0, &answers));  // min_items 1
  EXPECT_FALSE(add_group_row(*proc_, "kind", &answers));
  EXPECT_FALSE(add_group_row(*proc_, "nothing", &answers));
}

TEST_F(Validate, FilesAddRemoveAndCheck) {
  Json answers;
  std::map<std::string, std::vector<Json>> uploads = {
      {"f.photos", {Json{{"id", "a1"}, {"name", "roof.jpg"}, {"size", 1000}, {"type", "image/jpeg"}}}}};
  auto errors = apply_page(*proc_, page("files"), {}, uploads, &answers, ctx());
  EXPECT_TRUE(errors.empty());
  uploads = {{"f.photos", {Json{{"id", "a2"}, {"name", "wall.png"}, {"size", 2000}, {"type", "image/png"}}}}};
  apply_page(*proc_, page("files"), {}, uploads, &answers, ctx());
  EXPECT_EQ(attachment_ids(*proc_, answers), (std::vector<std::string>{"a1", "a2"}));
  uploads = {{"f.photos", {Json{{"id", "a3"}, {"name", "x.pdf"}, {"size", 10}, {"type", "application/pdf"}}}}};
  errors = apply_page(*proc_, page("files"), {}, uploads, &answers, ctx());
  ASSERT_NE(find(errors, "f-photos"), nullptr);  // three files, and a PDF
  errors = apply_page(*proc_, page("files"), {{"f.photos.remove", "a3"}, {"f.photos.remove", "a1"}}, {}, &answers, ctx());
  EXPECT_TRUE(errors.empty());
  EXPECT_EQ(attachment_ids(*proc_, answers), (std::vector<std::string>{"a2"}));
  errors = apply_page(*proc_, page("files"), {{"f.photos.remove", "a2"}}, {}, &answers, ctx());
  ASSERT_NE(find(errors, "f-photos"), nullptr);
  EXPECT_EQ(find(errors, "f-photos")->message, "写真を添付してください");
}

TEST_F(Validate, ValidatePageDoesNotChangeAnswers) {
  Json answers = {{"phone", "０３１２３４５６７８"}};
  Json before = answers;
  auto errors = validate_page(*proc_, page("basics"), answers, ctx());
  EXPECT_FALSE(errors.empty());
  EXPECT_EQ(answers, before);
}

TEST_F(Validate, FeePerCopy) {
  EXPECT_EQ(fee_for(*proc_, Json{{"copies", "3"}}), 900);
  EXPECT_EQ(fee_for(*proc_, Json::object()), 0);
  EXPECT_EQ(fee_for(*proc_, Json{{"copies", "-2"}}), 0);
}

TEST_F(Validate, SummaryShowsDisplayText) {
  Json answers;
  post("basics", with(basics(), "f.copies", "1000"), &answers);  // out of range: kept as typed
  post("basics", basics(), &answers);
  post("choices", {{"f.kind", "quake"}, {"f.parts", "roof"}, {"f.parts", "wall"}, {"f.agree", "no"}}, &answers);
  Json s = summary_view(*proc_, answers, ctx());
  ASSERT_TRUE(s.is_array());
  EXPECT_EQ(s[0]["id"], "basics");
  std::map<std::string, std::string> rows;
  for (const auto& pg : s) {
    for (const auto& r : pg["rows"]) rows[r["html_id"]] = r["value"];
  }
  EXPECT_EQ(rows["f-person"], "山田 太郎(ヤマダ タロウ)");
  EXPECT_NE(rows["f-birth"].find("1985年1月15日"), std::string::npos);
  EXPECT_NE(rows["f-birth"].find("昭和60年1月15日"), std::string::npos);
  EXPECT_EQ(rows["f-copies"], "2通");
  EXPECT_EQ(rows["f-home"], "〒110-8615 東京都台東区東上野4-5-6");
  EXPECT_EQ(rows["f-kind"], "地震");
  EXPECT_EQ(rows["f-parts"], "屋根、外壁");
  EXPECT_EQ(rows["f-agree"], "いいえ");
  EXPECT_EQ(rows["f-email"], "未回答");
  EXPECT_EQ(rows.count("f-kind_other"), 0u);  // hidden
  for (const auto& pg : s) EXPECT_NE(pg["id"], "other-only");
  Json en = summary_view(*proc_, answers, ctx("en"));
  EXPECT_EQ(en[1]["rows"][0]["value"], "Earthquake");
  EXPECT_EQ(en[1]["rows"][0]["label_lang"], false);
  EXPECT_EQ(en[0]["rows"][1]["label_lang"], "ja");  // 生年月日 has no en label
}

}  // namespace
}  // namespace madoguchi::forms::testing
