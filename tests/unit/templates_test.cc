#include <gtest/gtest.h>

#include <stdlib.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "i18n/i18n.h"
#include "ja/ruby.h"
#include "web/templates.h"

namespace madoguchi::web {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const std::string kTemplatesDir = MADOGUCHI_SOURCE_DIR "/templates";
const std::string kHostile = "<script>alert(\"x\")</script>'&amp;";
const std::string kHostileEscaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&apos;&amp;amp;";

size_t count(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t pos = haystack.find(needle); pos != std::string::npos; pos = haystack.find(needle, pos + 1)) ++n;
  return n;
}

class TemplatesRealTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto t = Templates::load(kTemplatesDir);
    ASSERT_TRUE(t.ok()) << t.status().message();
    templates_ = new Templates(std::move(*t));
    auto l = Locales::load(MADOGUCHI_SOURCE_DIR "/locales");
    ASSERT_TRUE(l.ok()) << l.status().message();
    locales_ = new Locales(std::move(*l));
  }
  static void TearDownTestSuite() {
    delete templates_;
    delete locales_;
    templates_ = nullptr;
    locales_ = nullptr;
  }
  void SetUp() override {
    ASSERT_NE(templates_, nullptr);
    ASSERT_NE(locales_, nullptr);
  }
  static json with_t(json data, const std::string& locale = "ja") {
    data["t"] = locales_->view(locale);
    data["t_html"] = locales_->html_view(locale);
    return data;
  }
  static Templates* templates_;
  static Locales* locales_;
};
Templates* TemplatesRealTest::templates_ = nullptr;
Locales* TemplatesRealTest::locales_ = nullptr;

class TemplatesTempTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "templates_test_XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  void write(const std::string& rel, const std::string& text) {
    fs::path p = dir_ / rel;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
  }
  Templates load() {
    auto t = Templates::load(dir_.string());
    EXPECT_TRUE(t.ok()) << t.status().message();
    return t.ok() ? std::move(*t) : Templates();
  }
  fs::path dir_;
};

TEST_F(TemplatesRealTest, LoadsEveryTemplateByRelativeName) {
  for (const char* name : {"layout", "home", "procedure", "form_page", "check", "receipt", "lookup", "login",
                           "error", "application", "my_applications", "staff/queue", "staff/case",
                           "partials/field"}) {
    EXPECT_TRUE(templates_->has(name)) << name;
  }
  EXPECT_FALSE(templates_->has("layout.mustache"));
  EXPECT_FALSE(templates_->has("nope"));
}

TEST_F(TemplatesRealTest, UnknownTemplateThrows) {
  EXPECT_THROW(templates_->render("nope", json::object()), std::runtime_error);
}

TEST_F(TemplatesRealTest, UserDataIsEscaped) {
  std::string out = templates_->render("lookup", with_t({{"error", kHostile}, {"receipt", kHostile}, {"csrf", "c"}}));
  EXPECT_EQ(out.find("<script>"), std::string::npos) << out;
  EXPECT_EQ(count(out, kHostileEscaped), 2u) << out;
  EXPECT_NE(out.find(locales_->t("ja", "lookup.heading")), std::string::npos);
}

TEST_F(TemplatesRealTest, LayoutInsertsTheBodyRaw) {
  json data = with_t({{"html_lang", "ja"},
                      {"body", "<p class=\"own\">本文</p>"},
                      {"signed_in", false},
                      {"languages", json::array({{{"name", kHostile}, {"href", "/?lang=en"}, {"html_lang", "en"},
                                                  {"current", false}}})}});
  std::string out = templates_->render("layout", data);
  EXPECT_NE(out.find("<p class=\"own\">本文</p>"), std::string::npos) << out;
  EXPECT_NE(out.find("<html lang=\"ja\">"), std::string::npos) << out;
  EXPECT_NE(out.find(kHostileEscaped), std::string::npos) << out;
  EXPECT_EQ(out.find("<script>alert"), std::string::npos) << out;
}

// One element of forms::page_view: like the real views, it defines every flag the field
// partial tests, so a nested field never picks up its parent's (Mustache looks names up the
// context stack).
json field_view(const json& own) {
  json v = {{"children", json::array()}, {"errors", json::array()}, {"options", json::array()},
            {"parts", json::array()},    {"files", json::array()},  {"rows", json::array()}};
  for (const char* flag : {"is_stop", "is_fieldset", "is_group", "is_input", "is_textarea", "is_select", "is_choice",
                           "is_compound", "is_file", "required", "optional", "has_error", "conditional",
                           "has_any_hint", "has_describedby", "label_ja"}) {
    v[flag] = false;
  }
  v.update(own);
  return v;
}

TEST_F(TemplatesRealTest, PartialsResolveRecursively) {
  // A fieldset holding an input: form_page → {{> field}} → its children → {{> field}} again.
  json input = field_view({{"is_input", true},
                           {"html_id", "f-name"},
                           {"name", "f.name"},
                           {"label", "氏名"},
                           {"value", kHostile},
                           {"type", "text"},
                           {"input_type", "text"},
                           {"required", true}});
  json fieldset = field_view({{"is_fieldset", true}, {"html_id", "f-who"}, {"label", "申請者"},
                              {"children", json::array({input})}});
  json data = with_t({{"fields", json::array({fieldset})},
                      {"procedure_title", {{"text", "罹災証明書"}}},
                      {"page_title", {{"text", "申請者"}}},
                      {"progress", "1/2"},
                      {"action", "/apply/1"},
                      {"csrf", "c"}});
  std::string out = templates_->render("form_page", data);
  EXPECT_NE(out.find("<fieldset class=\"m-fieldset\" id=\"f-who\""), std::string::npos) << out;
  EXPECT_NE(out.find("<label class=\"m-label\" for=\"f-name\">"), std::string::npos) << out;
  EXPECT_NE(out.find("name=\"f.name\" value=\"" + kHostileEscaped + "\""), std::string::npos) << out;
  EXPECT_NE(out.find(locales_->t("ja", "forms.required_mark")), std::string::npos);
  EXPECT_EQ(out.find("<script>"), std::string::npos);
  EXPECT_EQ(out.find("{{"), std::string::npos) << "an unresolved tag leaked into the page";
}

// Readings written in parentheses (「児童手当(じどう てあて)」) are ruby on ja-easy pages, in
// procedure texts ("html" from web::localized) and UI strings (t_html), and only there.
TEST_F(TemplatesRealTest, EasyJapaneseReadingsAreRubyOnlyInJaEasy) {
  auto procedure_view = [](const std::string& locale, const std::string& title) {
    json text = {{"text", title}, {"html", ja::text_html(title, locale)}};
    return with_t({{"title", text}, {"summary", text}, {"description", text}, {"eligibility", text},
                   {"id", "jidou-teate"}, {"csrf", "c"}, {"online", false}},
                  locale);
  };
  std::string easy = templates_->render("procedure", procedure_view("ja-easy", "児童手当(じどう てあて)を もらう <申請>"));
  EXPECT_NE(easy.find("<h1><ruby>児童手当<rp>(</rp><rt>じどう てあて</rt><rp>)</rp></ruby>を もらう &lt;申請&gt;</h1>"),
            std::string::npos) << easy;
  // A ja-easy UI string with a reading: 区役所(くやくしょ).
  EXPECT_NE(easy.find("<ruby>区役所<rp>(</rp><rt>くやくしょ</rt><rp>)</rp></ruby>"), std::string::npos) << easy;
  std::string en = templates_->render("procedure", procedure_view("en", "Child allowance (児童手当(じどう てあて)) <x>"));
  EXPECT_EQ(en.find("<ruby"), std::string::npos) << en;
  EXPECT_NE(en.find("<h1>Child allowance (児童手当(じどう てあて)) &lt;x&gt;</h1>"), std::string::npos) << en;
}

TEST_F(TemplatesRealTest, EveryTemplateRendersWithEmptyDataInEveryLocale) {
  for (const auto& id : Locales::ids()) {
    for (const char* name : {"layout", "home", "procedure", "form_page", "check", "receipt", "lookup", "login",
                             "error", "application", "my_applications", "staff/queue", "staff/case"}) {
      std::string out;
      ASSERT_NO_THROW(out = templates_->render(name, with_t(json::object(), id))) << name << " " << id;
    }
  }
}

TEST_F(TemplatesTempTest, DoubleBracesEscapeTripleDoNot) {
  write("page.mustache", "<title>{{title}}</title>{{{body}}}<p title=\"{{title}}\">{{#list}}{{.}}{{/list}}</p>");
  Templates t = load();
  std::string out = t.render("page", {{"title", kHostile}, {"body", "<main>ok</main>"}, {"list", {kHostile}}});
  EXPECT_EQ(out, "<title>" + kHostileEscaped + "</title><main>ok</main><p title=\"" + kHostileEscaped + "\">" +
                     kHostileEscaped + "</p>");
}

TEST_F(TemplatesTempTest, HasXBooleansForLists) {
  write("list.mustache",
        "{{#has_items}}<ul>{{#items}}<li>{{.}}</li>{{/items}}</ul>{{/has_items}}{{^has_items}}none{{/has_items}}");
  write("nested.mustache", "{{#group}}{{#has_rows}}rows{{/has_rows}}{{^has_rows}}no rows{{/has_rows}}{{/group}}");
  Templates t = load();
  EXPECT_EQ(t.render("list", {{"items", json::array()}}), "none");
  EXPECT_EQ(t.render("list", {{"items", {"a", "<b>"}}}), "<ul><li>a</li><li>&lt;b&gt;</li></ul>");
  // Lists inside objects get theirs too.
  EXPECT_EQ(t.render("nested", {{"group", {{"rows", json::array()}}}}), "no rows");
  EXPECT_EQ(t.render("nested", {{"group", {{"rows", {1}}}}}), "rows");
  // An explicit has_x in the data wins.
  EXPECT_EQ(t.render("list", {{"items", {"a"}}, {"has_items", false}}), "none");
  // No list at all: no has_x, the section is false.
  EXPECT_EQ(t.render("list", json::object()), "none");
}

TEST_F(TemplatesTempTest, ValuesRender) {
  write("v.mustache", "{{n}}|{{f}}|{{#yes}}Y{{/yes}}{{#no}}N{{/no}}|{{nothing}}|{{#nothing}}X{{/nothing}}|{{s}}");
  Templates t = load();
  EXPECT_EQ(t.render("v", {{"n", 42}, {"f", 1.5}, {"yes", true}, {"no", false}, {"nothing", nullptr}, {"s", "文字"}}),
            "42|1.5|Y|||文字");
  EXPECT_EQ(t.render("v", {{"n", -7}, {"f", 0.25}, {"yes", false}, {"no", true}, {"s", ""}}), "-7|0.25|N|||");
}

TEST_F(TemplatesTempTest, PartialsAreAvailableEverywhere) {
  write("partials/item.mustache", "[{{name}}]");
  write("page.mustache", "{{> item}}{{#list}}{{> item}}{{/list}}");
  write("sub/deep.mustache", "<{{#list}}{{> item}}{{/list}}>");
  Templates t = load();
  json data = {{"name", "top"}, {"list", {{{"name", "a"}}, {{"name", "<b>"}}}}};
  EXPECT_EQ(t.render("page", data), "[top][a][&lt;b&gt;]");
  EXPECT_EQ(t.render("sub/deep", data), "<[a][&lt;b&gt;]>");
  EXPECT_TRUE(t.has("partials/item"));
}

TEST_F(TemplatesTempTest, SharedDataSitsUnderTheViewAndTheLayoutGetsTheBodyOnce) {
  write("layout.mustache", "<title>{{title}}</title><h1>{{t.site.name}}</h1>{{{body}}}");
  write("page.mustache", "{{t.form.next}}|{{{t_html.ruby}}}|{{#rows}}{{name}}:{{t.form.next}};{{/rows}}|{{override}}");
  write("partials/row.mustache", "({{t.form.next}})");
  write("with_partial.mustache", "{{#rows}}{{> row}}{{/rows}}");
  Templates t = load();
  t.share("ja", {{"t", {{"site", {{"name", "窓口"}}}, {"form", {{"next", "次へ"}}}}},
                 {"t_html", {{"ruby", "<ruby>区<rt>く</rt></ruby>"}}},
                 {"override", "shared"}});
  t.share("en", {{"t", {{"site", {{"name", "Madoguchi"}}}, {"form", {{"next", "Next"}}}}}, {"t_html", json::object()}});
  json view = {{"title", kHostile}, {"rows", {{{"name", "<a>"}}}}, {"override", "view"}};
  // Dotted names reach into the shared data, also from inside a section; the view wins over
  // shared data with the same name; the body is inserted unescaped, user data stays escaped.
  EXPECT_EQ(t.render_in_layout("layout", "page", view, "ja"),
            "<title>" + kHostileEscaped + "</title><h1>窓口</h1>次へ|<ruby>区<rt>く</rt></ruby>|&lt;a&gt;:次へ;|view");
  EXPECT_EQ(t.render_in_layout("layout", "with_partial", view, "en"),
            "<title>" + kHostileEscaped + "</title><h1>Madoguchi</h1>(Next)");
  // Each render sees its own locale, and a view's "body" never replaces the rendered one.
  view["body"] = "<script>x</script>";
  EXPECT_EQ(t.render_in_layout("layout", "with_partial", view, "ja"),
            "<title>" + kHostileEscaped + "</title><h1>窓口</h1>(次へ)");
  EXPECT_THROW(t.render_in_layout("layout", "page", view, "ko"), std::runtime_error) << "nothing shared as ko";
  EXPECT_TRUE(t.has_shared("en"));
  EXPECT_FALSE(t.has_shared("ko"));
}

TEST_F(TemplatesTempTest, DataNamedLikeAPartialIsNeverTemplateText) {
  write("partials/field.mustache", "<i>{{label}}</i>");
  write("page.mustache", "{{#fields}}{{> field}}{{/fields}}");
  Templates t = load();
  // A value (from a user, say) under a key that shares the partial's name must neither
  // replace the partial nor be parsed as a template and bypass escaping.
  json data = {{"fields", {{{"label", "L"}, {"field", "<script>{{label}}</script>"}}}}};
  std::string out = t.render("page", data);
  EXPECT_EQ(out, "<i>L</i>");
  data = {{"field", "{{{x}}}"}, {"x", "<script>"}, {"fields", {{{"label", "M"}}}}};
  EXPECT_EQ(t.render("page", data), "<i>M</i>");
}

TEST_F(TemplatesTempTest, PartialsAreNotData) {
  write("partials/p.mustache", "P");
  write("page.mustache", "[{{p}}]{{#p}}x{{/p}}");
  Templates t = load();
  EXPECT_EQ(t.render("page", json::object()), "[]");
  EXPECT_EQ(t.render("page", {{"p", "v"}}), "[v]x");
}

TEST_F(TemplatesTempTest, EachInstanceRendersItsOwnTexts) {
  write("page.mustache", "one");
  Templates first = load();
  EXPECT_EQ(first.render("page", json::object()), "one");
  write("page.mustache", "two");
  Templates second = load();
  EXPECT_EQ(second.render("page", json::object()), "two");
  EXPECT_EQ(first.render("page", json::object()), "one");
}

TEST_F(TemplatesTempTest, RendersFromManyThreads) {
  write("partials/row.mustache", "<li>{{.}}</li>");
  write("page.mustache", "<ul>{{#items}}{{> row}}{{/items}}</ul>");
  Templates t = load();
  std::vector<std::thread> threads;
  std::atomic<int> bad{0};
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      for (int k = 0; k < 200; ++k) {
        std::string want = "<ul><li>" + std::to_string(i) + "</li><li>" + std::to_string(k) + "</li></ul>";
        if (t.render("page", {{"items", {std::to_string(i), std::to_string(k)}}}) != want) ++bad;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(bad.load(), 0);
}

TEST_F(TemplatesTempTest, InvalidTemplateIsALoadErrorNamingTheFile) {
  write("good.mustache", "{{a}}");
  write("bad.mustache", "{{#open}} never closed");
  auto t = Templates::load(dir_.string());
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), Status::Code::kInvalid);
  EXPECT_NE(t.status().message().find("bad.mustache"), std::string::npos) << t.status().message();
}

TEST_F(TemplatesTempTest, MissingFolderIsAnError) {
  auto t = Templates::load((dir_ / "nowhere").string());
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), Status::Code::kInvalid);
}

TEST_F(TemplatesTempTest, OtherFilesAreIgnored) {
  write("page.mustache", "p");
  write("README.md", "{{#broken");
  Templates t = load();
  EXPECT_TRUE(t.has("page"));
  EXPECT_FALSE(t.has("README"));
}

}  // namespace
}  // namespace madoguchi::web
