// page_view rendered through templates/partials/field.mustache as the web layer does: the
// markup must carry labels, hints, errors and ARIA wiring, escape user data, and keep
// nested fields from inheriting their parent's keys.
#include <kainjow/mustache.hpp>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "forms_fixture.h"

namespace madoguchi::forms::testing {
namespace {

namespace mu = kainjow::mustache;

mu::data to_data(const Json& j) {
  switch (j.type()) {
    case Json::value_t::object: {
      mu::data d{mu::data::type::object};
      for (auto it = j.begin(); it != j.end(); ++it) d.set(it.key(), to_data(it.value()));
      return d;
    }
    case Json::value_t::array: {
      mu::data d{mu::data::type::list};
      for (const auto& e : j) d.push_back(to_data(e));
      return d;
    }
    case Json::value_t::string: return mu::data(j.get<std::string>());
    case Json::value_t::boolean: return mu::data(j.get<bool>());
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned: return mu::data(std::to_string(j.get<long long>()));
    default: return mu::data(false);
  }
}

class View : public FormsTest {
 protected:
  std::string render(const std::string& page_id, const Json& answers,
                     const std::vector<FieldError>& errors = {}, const std::string& locale = "ja") {
    return render_page(*proc_, page(page_id), answers, errors, locale);
  }
  std::string render_page(const procedures::Procedure& proc, const procedures::Page& pg, const Json& answers,
                          const std::vector<FieldError>& errors, const std::string& locale) {
    std::ifstream in(MADOGUCHI_SOURCE_DIR "/templates/partials/field.mustache");
    std::stringstream ss;
    ss << in.rdbuf();
    std::string partial = ss.str();
    // A group's rows come from their own partial (also used for the row <template>).
    std::ifstream row_in(MADOGUCHI_SOURCE_DIR "/templates/partials/group_row.mustache");
    std::stringstream row_ss;
    row_ss << row_in.rdbuf();
    std::string row_partial = row_ss.str();
    mu::mustache tmpl("{{#fields}}{{> field}}{{/fields}}");
    Json data = {{"fields", page_view(proc, pg, answers, errors, ctx(locale))},
                 {"t", locales_->view(locale)}};
    mu::data d = to_data(data);
    d.set("field", mu::partial([partial] { return partial; }));
    d.set("group_row", mu::partial([row_partial] { return row_partial; }));
    std::string out = tmpl.render(d);
    EXPECT_TRUE(tmpl.is_valid()) << tmpl.error_message();
    return out;
  }
  static bool has(const std::string& html, const std::string& s) { return html.find(s) != std::string::npos; }
};

TEST_F(View, LabelsHintsAndRequiredMarks) {
  std::string html = render("basics", Json::object());
  EXPECT_TRUE(has(html, "<label class=\"m-label\" for=\"f-phone\">")) << html;
  EXPECT_TRUE(has(html, "※必須"));
  EXPECT_TRUE(has(html, "※任意"));
  EXPECT_TRUE(has(html, "type=\"tel\" id=\"f-phone\" name=\"f.phone\""));
  EXPECT_TRUE(has(html, "aria-describedby=\"f-phone-hint\""));
  EXPECT_TRUE(has(html, "id=\"f-phone-hint\""));
  EXPECT_TRUE(has(html, "inputmode=\"numeric\""));
  EXPECT_TRUE(has(html, "type=\"email\""));
  // Name, address and date parts sit in a fieldset with a legend.
  EXPECT_TRUE(has(html, "<fieldset class=\"m-fieldset m-compound m-compound--name\" id=\"f-person\""));
  EXPECT_TRUE(has(html, "name=\"f.person.family\""));
  EXPECT_TRUE(has(html, "autocomplete=\"family-name\""));
  EXPECT_TRUE(has(html, "autocomplete=\"bday-year\""));
  EXPECT_TRUE(has(html, "name=\"f.birth.era\""));
  EXPECT_TRUE(has(html, "<option value=\"S\">昭和</option>"));
  EXPECT_FALSE(has(html, "autocomplete=\"postal-code\""));  // this address is not the resident's own
  EXPECT_TRUE(has(html, "name=\"f.home.postal_code\""));
  EXPECT_TRUE(has(html, "(5文字以内)"));
  EXPECT_FALSE(has(html, "{{"));
}

TEST_F(View, ErrorsSitNextToTheFieldWithAria) {
  Json answers = {{"phone", "12<b>"}};
  std::vector<FieldError> errors = {{"f-phone", "電話番号は…"}, {"f-person-family", "氏名の姓を入力してください"}};
  std::string html = render("basics", answers, errors);
  EXPECT_TRUE(has(html, "aria-describedby=\"f-phone-hint f-phone-error\" aria-invalid=\"true\""));
  EXPECT_TRUE(has(html, "<p class=\"m-error-message\" id=\"f-phone-error\">"));
  EXPECT_TRUE(has(html, "電話番号は…"));
  // The typed value comes back, escaped.
  EXPECT_TRUE(has(html, "value=\"12&lt;b&gt;\""));
  EXPECT_FALSE(has(html, "12<b>"));
  EXPECT_TRUE(has(html, "id=\"f-person-family\" name=\"f.person.family\" value=\"\" autocomplete=\"family-name\" "
                        "aria-invalid=\"true\" aria-describedby=\"f-person-error\""));
  // Only the phone and name fields show errors.
  size_t count = 0;
  for (size_t pos = 0; (pos = html.find("m-error-message\"", pos)) != std::string::npos; ++pos) ++count;
  EXPECT_EQ(count, 2u);
}

TEST_F(View, RadiosAndCheckboxesInAFieldset) {
  std::string html = render("choices", Json{{"kind", "flood"}, {"parts", {"roof"}}});
  EXPECT_TRUE(has(html, "<legend class=\"m-fieldset__legend\"><span>種類</span>"));
  EXPECT_TRUE(has(html, "type=\"radio\" id=\"f-kind\" name=\"f.kind\" value=\"quake\">"));
  EXPECT_TRUE(has(html, "type=\"radio\" id=\"f-kind-2\" name=\"f.kind\" value=\"flood\" checked>"));
  EXPECT_TRUE(has(html, "type=\"checkbox\" id=\"f-parts\" name=\"f.parts\" value=\"roof\" checked>"));
  EXPECT_TRUE(has(html, "<label class=\"m-choice__label\" for=\"f-kind-2\">浸水</label>"));
  EXPECT_TRUE(has(html, "data-m-condition="));
  EXPECT_TRUE(has(html, "value=\"yes\"><label class=\"m-choice__label\" for=\"f-agree\">はい</label>"));
  EXPECT_TRUE(has(html, "<option value=\"\">選択してください</option>"));
}

TEST_F(View, FallbackTextIsMarkedJapanese) {
  std::string html = render("choices", Json::object(), {}, "en");
  EXPECT_TRUE(has(html, "<span>Kind</span>"));
  EXPECT_TRUE(has(html, "for=\"f-kind\">Earthquake</label>"));
  EXPECT_TRUE(has(html, "for=\"f-kind-2\" lang=\"ja\">浸水</label>"));
  EXPECT_TRUE(has(html, "<span lang=\"ja\">被害の部分</span>"));
  EXPECT_TRUE(has(html, "Required"));
}

// やさしい日本語 writes readings in parentheses after kanji (docs/procedure-format.md); on a
// ja-easy page they become ruby in element content, never in attribute values, and the same
// field on an English page has none.
TEST_F(View, EasyJapaneseReadingsBecomeRubyOnlyOnJaEasyPages) {
  const char* definition = R"(id: ruby-test
source: テスト用
title: {ja: テスト}
summary: {ja: テスト}
department: kuminka
category: certificates
fee: {yen: 0}
identity: none
processing_days: 1
channels: [online]
route: [tanto]
pages:
  - id: p
    title: {ja: 勤務先}
    fields:
      - id: work
        type: yesno
        label: {ja: 公務員ですか, ja-easy: 公務員(こうむいん)ですか, en: "Are you a public servant?"}
        help: {ja: 口座, ja-easy: 銀行口座(ぎんこう こうざ)<b>, en: Bank account}
        required: true
      - id: kind
        type: radio
        label: {ja: 種類, ja-easy: 種類(しゅるい)}
        options:
          - {value: a, label: {ja: 厚生年金, ja-easy: 厚生年金(こうせい ねんきん), en: Employees' pension}}
      - id: pick
        type: select
        label: {ja: 区分(くぶん), ja-easy: 区分(くぶん)}
        options:
          - {value: a, label: {ja: 国民年金, ja-easy: 国民年金(こくみん ねんきん)}}
)";
  std::vector<procedures::Problem> problems;
  auto org = procedures::parse_organisation(kTestOrg, "org.yaml", &problems);
  ASSERT_TRUE(org.ok());
  auto proc = procedures::parse_procedure(definition, "ruby-test.yaml", org.value(), &problems);
  std::string all;
  for (const auto& pr : problems) all += pr.message + "\n";
  ASSERT_TRUE(proc.ok()) << all;
  const procedures::Page& pg = proc->pages.at(0);

  std::string easy = render_page(*proc, pg, Json::object(), {}, "ja-easy");
  EXPECT_TRUE(has(easy, "<span><ruby>公務員<rp>(</rp><rt>こうむいん</rt><rp>)</rp></ruby>ですか</span>")) << easy;
  // The hint: ruby, and the rest of the definition text still escaped.
  EXPECT_TRUE(has(easy, "<ruby>銀行口座<rp>(</rp><rt>ぎんこう こうざ</rt><rp>)</rp></ruby>&lt;b&gt;</p>")) << easy;
  EXPECT_TRUE(has(easy, "for=\"f-kind\"><ruby>厚生年金<rp>(</rp><rt>こうせい ねんきん</rt><rp>)</rp></ruby></label>"))
      << easy;
  // <option> holds text only: the reading stays in parentheses there.
  EXPECT_TRUE(has(easy, ">国民年金(こくみん ねんきん)</option>")) << easy;
  EXPECT_TRUE(has(easy, "<span><ruby>区分<rp>(</rp><rt>くぶん</rt><rp>)</rp></ruby></span>")) << easy;
  // No markup inside an attribute value.
  EXPECT_FALSE(std::regex_search(easy, std::regex("=\"[^\"]*<ruby"))) << easy;

  std::string en = render_page(*proc, pg, Json::object(), {}, "en");
  EXPECT_FALSE(has(en, "<ruby")) << en;
  EXPECT_TRUE(has(en, "<span>Are you a public servant?</span>")) << en;
  // A Japanese fallback with a reading in it stays text on an English page.
  EXPECT_TRUE(has(en, "<span lang=\"ja\">区分(くぶん)</span>")) << en;
  EXPECT_TRUE(has(en, "for=\"f-kind\">Employees&#39;") || has(en, "for=\"f-kind\">Employees&apos;")) << en;
  std::string ja = render_page(*proc, pg, Json::object(), {}, "ja");
  EXPECT_FALSE(has(ja, "<ruby")) << ja;
  EXPECT_TRUE(has(ja, "<span>公務員ですか</span>")) << ja;
}

TEST_F(View, GroupRowsWithAddAndRemoveButtons) {
  Json answers = {{"agree", "no"},
                  {"children", {{{"name", {{"family", "山田"}}}, {"together", "no"}},
                                {{"name", Json::object()}, {"together", "yes"}}}}};
  std::vector<FieldError> errors = {{"f-children-1-name-family", "子ども(2件目)の氏名の姓を入力してください"}};
  std::string html = render("family", answers, errors);
  EXPECT_TRUE(has(html, "<fieldset class=\"m-group__row\" id=\"f-children-0\">"));
  EXPECT_TRUE(has(html, "<legend class=\"m-group__legend\">子ども(1件目)</legend>"));
  EXPECT_TRUE(has(html, "<input type=\"hidden\" name=\"f.children.1._row\" value=\"1\">"));
  EXPECT_TRUE(has(html, "name=\"f.children.0.name.family\" value=\"山田\""));
  EXPECT_TRUE(has(html, "name=\"action\" value=\"remove:children:1\""));
  EXPECT_TRUE(has(html, "子ども(2件目)を削除する"));
  EXPECT_TRUE(has(html, "name=\"action\" value=\"add:children\""));
  EXPECT_TRUE(has(html, "子どもを追加する"));
  // The first row lives apart, so its address is shown; the second row's is shown too (it
  // depends on its own sibling on this page) but marked conditional.
  EXPECT_TRUE(has(html, "name=\"f.children.0.address.postal_code\""));
  EXPECT_TRUE(has(html, "f.children.1.together"));
  // The row's error belongs to that row's field only, and the group shows none of its own.
  EXPECT_TRUE(has(html, "id=\"f-children-1-name-error\""));
  EXPECT_FALSE(has(html, "id=\"f-children-0-name-error\""));
  EXPECT_FALSE(has(html, "id=\"f-children-error\""));
  EXPECT_FALSE(has(html, "f.bank_name"));  // hidden by agree = no
}

TEST_F(View, RowsPaddedToMinimumAndRemoveHiddenAtMinimum) {
  std::string html = render("family", Json::object());
  EXPECT_TRUE(has(html, "f.children.0._row"));
  EXPECT_FALSE(has(html, "remove:children:0"));
  Json full = {{"children", Json::array({Json::object(), Json::object(), Json::object()})}};
  html = render("family", full);
  // At the maximum the Add button is hidden (static/madoguchi.js shows it after a removal).
  EXPECT_TRUE(has(html, "value=\"add:children\" class=\"m-button m-button--secondary m-group__add\" hidden>"));
}

TEST_F(View, GroupCarriesAnEmptyRowTemplateForTheScript) {
  std::string html = render("family", Json::object());
  size_t tpl = html.find("<template class=\"m-group__template\">");
  ASSERT_NE(tpl, std::string::npos);
  std::string row = html.substr(tpl, html.find("</template>", tpl) - tpl);
  EXPECT_TRUE(has(row, "<fieldset class=\"m-group__row\" id=\"f-children-__row__\">"));
  EXPECT_TRUE(has(row, "<legend class=\"m-group__legend\">子ども(__n__件目)</legend>"));
  EXPECT_TRUE(has(row, "name=\"f.children.__row__._row\""));
  EXPECT_TRUE(has(row, "name=\"f.children.__row__.name.family\" value=\"\""));
  EXPECT_TRUE(has(row, "value=\"remove:children:__row__\""));
  EXPECT_TRUE(has(row, "子ども(__n__件目)を削除する"));
  EXPECT_TRUE(has(html, "data-m-min=\"1\" data-m-max=\"3\""));
}

TEST_F(View, FilesListedWithRemoveCheckboxes) {
  Json answers = {{"photos", {{{"id", "a1"}, {"name", "<roof>.jpg"}, {"size", 2048}, {"type", "image/jpeg"}}}}};
  std::string html = render("files", answers);
  EXPECT_TRUE(has(html, "type=\"file\" id=\"f-photos\" name=\"f.photos\" accept=\"image/jpeg,image/png\" multiple"));
  EXPECT_TRUE(has(html, "name=\"f.photos.remove\" value=\"a1\""));
  EXPECT_TRUE(has(html, "&lt;roof&gt;.jpg"));
  EXPECT_FALSE(has(html, "<roof>"));
  EXPECT_TRUE(has(html, "(2 KB)"));
}

TEST_F(View, DateShownInBothCalendarsOnceValid) {
  std::string html = render("basics", Json{{"birth", "1985-01-15"}});
  EXPECT_TRUE(has(html, "name=\"f.birth.year\" value=\"1985\""));
  EXPECT_TRUE(has(html, "昭和60年1月15日"));
  html = render("basics", Json{{"birth", {{"era", "S"}, {"year", "60"}, {"month", "2"}, {"day", "30"}}}});
  EXPECT_TRUE(has(html, "<option value=\"S\" selected>昭和</option>"));
  EXPECT_TRUE(has(html, "name=\"f.birth.day\" value=\"30\""));
}

TEST_F(View, DateTypedInJapaneseCalendarIsShownAsTyped) {
  // Stored ISO with the era kept: the page gives back 昭和 63, not 1988.
  Json answers = {{"birth", "1988-04-01"}, {"birth.typed", {{"era", "S"}, {"year", "63"}}}};
  std::string html = render("basics", answers);
  EXPECT_TRUE(has(html, "<option value=\"S\" selected>昭和</option>"));
  EXPECT_TRUE(has(html, "name=\"f.birth.year\" value=\"63\""));
  EXPECT_TRUE(has(html, "name=\"f.birth.month\" value=\"4\""));
  EXPECT_FALSE(has(html, "value=\"1988\""));
  EXPECT_TRUE(has(html, "昭和63年4月1日(1988年4月1日)"));
  // 元 as typed; the boundary day in the era chosen.
  html = render("basics", Json{{"birth", "2019-05-01"}, {"birth.typed", {{"era", "R"}, {"year", "元"}}}});
  EXPECT_TRUE(has(html, "<option value=\"R\" selected>令和</option>"));
  EXPECT_TRUE(has(html, "name=\"f.birth.year\" value=\"元\""));
  html = render("basics", Json{{"birth", "2019-04-30"}, {"birth.typed", {{"era", "H"}, {"year", "31"}}}});
  EXPECT_TRUE(has(html, "<option value=\"H\" selected>平成</option>"));
  EXPECT_TRUE(has(html, "name=\"f.birth.year\" value=\"31\""));
  // A kept era that no longer names the stored date (changed some other way) is ignored.
  html = render("basics", Json{{"birth", "1990-04-01"}, {"birth.typed", {{"era", "S"}, {"year", "63"}}}});
  EXPECT_TRUE(has(html, "name=\"f.birth.year\" value=\"1990\""));
  EXPECT_TRUE(has(html, "<option value=\"\" selected>"));
}

TEST_F(View, DateTypedAndPostedComesBackAsTypedWithErrorsElsewhere) {
  Json answers;
  Posted p = {{"f.person.family", "山田"}, {"f.person.given", "太郎"}, {"f.person.family_kana", "ヤマダ"},
              {"f.person.given_kana", "タロウ"}, {"f.birth.era", "S"}, {"f.birth.year", "63"},
              {"f.birth.month", "4"}, {"f.birth.day", "1"}, {"f.phone", "12"},
              {"f.home.postal_code", "110-8615"}, {"f.home.prefecture", "東京都"}, {"f.home.city", "台東区"},
              {"f.home.town", "東上野"}, {"f.home.street", "4-5-6"}, {"f.copies", "2"}};
  auto errors = post("basics", p, &answers);
  ASSERT_FALSE(errors.empty());
  std::string html = render("basics", answers, errors);
  EXPECT_TRUE(has(html, "<option value=\"S\" selected>昭和</option>"));
  EXPECT_TRUE(has(html, "name=\"f.birth.year\" value=\"63\""));
  // An impossible date comes back exactly as typed, with its message next to it.
  p[5].second = "8";
  p[4].second = "R";
  p[6].second = "2";
  p[7].second = "30";
  errors = post("basics", p, &answers);
  html = render("basics", answers, errors);
  EXPECT_TRUE(has(html, "<option value=\"R\" selected>令和</option>"));
  EXPECT_TRUE(has(html, "name=\"f.birth.year\" value=\"8\""));
  EXPECT_TRUE(has(html, "name=\"f.birth.day\" value=\"30\""));
  EXPECT_TRUE(has(html, "id=\"f-birth-error\""));
  EXPECT_TRUE(has(html, "生年月日は実在する日付を入力してください"));
}

}  // namespace
}  // namespace madoguchi::forms::testing

namespace madoguchi::forms::testing {
namespace {

// t() returns the key itself for a missing key, so a typo would reach a resident's screen:
// every "forms." key the code and the partial use must exist, in every locale.
TEST_F(View, EveryUsedKeyExistsInEveryLocale) {
  std::set<std::string> keys;
  std::regex literal("\"(forms\\.[a-z_.]+[a-z_])\"");
  std::regex in_template("\\{\\{t\\.(forms\\.[a-z_.]+)\\}\\}");
  // Recursive: each field type's messages live in src/forms/types/.
  for (const auto& entry : std::filesystem::recursive_directory_iterator(MADOGUCHI_SOURCE_DIR "/src/forms")) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path());
    std::stringstream ss;
    ss << in.rdbuf();
    std::string text = ss.str();
    for (auto it = std::sregex_iterator(text.begin(), text.end(), literal); it != std::sregex_iterator(); ++it) {
      keys.insert((*it)[1]);
    }
  }
  std::ifstream in(MADOGUCHI_SOURCE_DIR "/templates/partials/field.mustache");
  std::stringstream ss;
  ss << in.rdbuf();
  std::string partial = ss.str();
  for (auto it = std::sregex_iterator(partial.begin(), partial.end(), in_template); it != std::sregex_iterator(); ++it) {
    keys.insert((*it)[1]);
  }
  // Keys built at run time.
  for (const char* part : {"family", "given", "family_kana", "given_kana", "postal_code", "prefecture",
                           "city", "town", "street", "building", "era", "year", "month", "day"}) {
    keys.insert(std::string("forms.part.") + part);
  }
  for (const char* era : {"western", "r", "h", "s", "t", "m"}) keys.insert(std::string("forms.era.") + era);
  keys.erase("forms.part.");
  keys.erase("forms.era.");
  ASSERT_GT(keys.size(), 50u);
  for (const auto& locale : Locales::ids()) {
    for (const auto& key : keys) EXPECT_TRUE(locales_->has(locale, key)) << locale << " " << key;
  }
}

}  // namespace
}  // namespace madoguchi::forms::testing
