#include <gtest/gtest.h>

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "i18n/i18n.h"

namespace madoguchi {
namespace {

namespace fs = std::filesystem;

const std::string kLocalesDir = MADOGUCHI_SOURCE_DIR "/locales";
const std::string kTemplatesDir = MADOGUCHI_SOURCE_DIR "/templates";

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class I18nRealTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto l = Locales::load(kLocalesDir);
    ASSERT_TRUE(l.ok()) << l.status().message();
    locales_ = new Locales(std::move(*l));
  }
  static void TearDownTestSuite() {
    delete locales_;
    locales_ = nullptr;
  }
  void SetUp() override { ASSERT_NE(locales_, nullptr); }
  static Locales* locales_;
};
Locales* I18nRealTest::locales_ = nullptr;

// A locales folder made up for one test; removed afterwards.
class I18nTempTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "i18n_test_XXXXXX").string();
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
  fs::path dir_;
};

TEST(I18nIds, SupportedLocalesJaFirst) {
  const auto& ids = Locales::ids();
  ASSERT_EQ(ids.size(), 5u);
  EXPECT_EQ(ids[0], "ja");
  for (const char* id : {"ja", "ja-easy", "en", "zh-Hans", "ko"}) EXPECT_TRUE(Locales::supported(id)) << id;
  for (const char* id : {"", "JA", "zh", "fr", "ja-Easy", "ja_easy"}) EXPECT_FALSE(Locales::supported(id)) << id;
}

TEST(I18nIds, HtmlLang) {
  EXPECT_EQ(Locales::html_lang("ja-easy"), "ja");
  EXPECT_EQ(Locales::html_lang("ja"), "ja");
  EXPECT_EQ(Locales::html_lang("en"), "en");
  EXPECT_EQ(Locales::html_lang("zh-Hans"), "zh-Hans");
  EXPECT_EQ(Locales::html_lang("ko"), "ko");
}

TEST_F(I18nRealTest, LoadsEveryLocale) {
  for (const auto& id : Locales::ids()) {
    ASSERT_TRUE(locales_->raw().count(id)) << id;
    EXPECT_GT(locales_->raw().at(id).size(), 100u) << id;
  }
  EXPECT_EQ(locales_->t("ja", "form.next"), "次へ");
  EXPECT_EQ(locales_->t("en", "form.next"), "Continue");
  EXPECT_EQ(locales_->t("ja", "lang.self"), "日本語");
  EXPECT_TRUE(locales_->has("ko", "lang.self"));
  EXPECT_NE(locales_->t("ko", "lang.self"), locales_->t("ja", "lang.self"));
}

TEST_F(I18nRealTest, UnknownLocaleFallsBackToJa) {
  EXPECT_EQ(locales_->t("fr", "form.next"), "次へ");
  EXPECT_EQ(locales_->view("fr")["form"]["next"], "次へ");
}

TEST_F(I18nRealTest, UnknownKeyShowsTheKey) {
  EXPECT_EQ(locales_->t("en", "no.such.key"), "no.such.key");
  EXPECT_FALSE(locales_->has("ja", "no.such.key"));
}

TEST_F(I18nRealTest, ParamsAreSubstituted) {
  EXPECT_EQ(locales_->t("ja", "form.progress", {{"total", "3"}, {"current", "1"}}), "3ページ中1ページ目");
  EXPECT_EQ(locales_->t("ja", "money.yen", {{"amount", "1,500"}}), "1,500円");
  // A placeholder used twice is replaced both times.
  std::string s = locales_->t("ja", "upload.too_large", {{"name", "a.pdf"}, {"max", "10"}, {"label", "写真"}});
  EXPECT_EQ(s, "「a.pdf」は10MBを超えています。写真には10MB以下のファイルを選んでください。");
  // Missing params leave the placeholder visible rather than an empty hole.
  EXPECT_EQ(locales_->t("ja", "money.yen", {}), "{amount}円");
}

TEST_F(I18nRealTest, ParamValuesAreInsertedLiterally) {
  // User data (a file name) that looks like a placeholder is not substituted again.
  std::string s = locales_->t("ja", "upload.too_large", {{"name", "{label}{max}.pdf"}, {"max", "10"}, {"label", "写真"}});
  EXPECT_EQ(s, "「{label}{max}.pdf」は10MBを超えています。写真には10MB以下のファイルを選んでください。");
  // A value containing its own placeholder does not loop or double up.
  EXPECT_EQ(locales_->t("ja", "money.yen", {{"amount", "{amount}"}}), "{amount}円");
}

TEST_F(I18nRealTest, NestedView) {
  const auto& en = locales_->view("en");
  ASSERT_TRUE(en.is_object());
  ASSERT_TRUE(en.contains("form"));
  EXPECT_EQ(en["form"]["next"], "Continue");
  EXPECT_EQ(en["error"]["title"]["404"], locales_->t("en", "error.title.404"));
  // ja itself.
  EXPECT_EQ(locales_->view("ja")["form"]["next"], "次へ");
}

// The product promises every page in every language: each key of ja exists in every locale.
TEST_F(I18nRealTest, EveryJaKeyExistsInEveryLocale) {
  const auto& ja = locales_->raw().at("ja");
  for (const auto& id : Locales::ids()) {
    if (id == "ja") continue;
    std::vector<std::string> missing;
    for (const auto& [key, text] : ja) {
      if (!locales_->has(id, key)) missing.push_back(key);
    }
    std::string list;
    for (const auto& k : missing) list += "\n  " + k;
    EXPECT_TRUE(missing.empty()) << id << " lacks " << missing.size() << " key(s) of ja:" << list;
  }
}

// A key that only a translation has is a typo or a leftover: nothing would ever show it in ja.
TEST_F(I18nRealTest, NoLocaleHasKeysJaLacks) {
  const auto& ja = locales_->raw().at("ja");
  for (const auto& [id, strings] : locales_->raw()) {
    std::string list;
    for (const auto& [key, text] : strings) {
      if (!ja.count(key)) list += "\n  " + key;
    }
    EXPECT_TRUE(list.empty()) << id << " has key(s) ja does not:" << list;
  }
}

TEST_F(I18nRealTest, NoTranslationIsEmpty) {
  for (const auto& [id, strings] : locales_->raw()) {
    for (const auto& [key, text] : strings) {
      EXPECT_FALSE(text.empty()) << id << ": " << key;
    }
  }
}

// Every {{t.xxx.yyy}} in a template (plain, triple or section tag) is a key of ja, so a typo
// in a template is caught here instead of showing the bare key on a page.
TEST_F(I18nRealTest, EveryTemplateKeyExistsInJa) {
  const std::regex tag(R"(\{\{\{?\s*[#^/&]?\s*t\.([A-Za-z0-9_.\-]+)\s*\}?\}\})");
  const auto& ja = locales_->raw().at("ja");
  std::map<std::string, std::set<std::string>> unknown;  // key → files
  size_t used = 0, files = 0;
  for (const auto& e : fs::recursive_directory_iterator(kTemplatesDir)) {
    if (!e.is_regular_file() || e.path().extension() != ".mustache") continue;
    ++files;
    std::string text = read(e.path());
    for (std::sregex_iterator it(text.begin(), text.end(), tag), end; it != end; ++it) {
      ++used;
      std::string key = (*it)[1];
      if (!ja.count(key)) unknown[key].insert(fs::relative(e.path(), kTemplatesDir).string());
      // The nested view templates read must hold the same text as a string.
      const nlohmann::json* node = &locales_->view("ja");
      for (size_t start = 0;;) {
        size_t dot = key.find('.', start);
        std::string part = key.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
        if (!node->is_object() || !node->contains(part)) {
          node = nullptr;
          break;
        }
        node = &(*node)[part];
        if (dot == std::string::npos) break;
        start = dot + 1;
      }
      if (ja.count(key)) {
        ASSERT_NE(node, nullptr) << key;
        EXPECT_TRUE(node->is_string()) << key << " is not a leaf of the view";
      }
    }
  }
  EXPECT_GT(files, 5u);
  EXPECT_GT(used, 50u) << "the tag pattern no longer matches how templates use t.";
  std::string list;
  for (const auto& [key, where] : unknown) {
    list += "\n  t." + key + " in";
    for (const auto& f : where) list += " " + f;
  }
  EXPECT_TRUE(unknown.empty()) << "template key(s) not in locales/ja:" << list;
}

TEST_F(I18nTempTest, MissingKeysFallBackToJa) {
  write("ja/a.json", R"({"greet": "こんにちは", "bye": "さようなら"})");
  write("en/a.json", R"({"greet": "Hello"})");
  auto l = Locales::load(dir_.string());
  ASSERT_TRUE(l.ok()) << l.status().message();
  EXPECT_EQ(l->t("en", "greet"), "Hello");
  EXPECT_EQ(l->t("en", "bye"), "さようなら");
  EXPECT_TRUE(l->has("en", "greet"));
  EXPECT_FALSE(l->has("en", "bye"));
  EXPECT_EQ(l->view("en")["bye"], "さようなら");
  // A locale without a folder at all is ja throughout.
  EXPECT_EQ(l->t("ko", "greet"), "こんにちは");
  EXPECT_EQ(l->view("ko")["greet"], "こんにちは");
}

TEST_F(I18nTempTest, FilesOfOneLocaleAreMerged) {
  write("ja/a.json", R"({"a.one": "一"})");
  write("ja/b.json", R"({"b.two": "二"})");
  write("ja/notes.txt", "not a locale file");
  auto l = Locales::load(dir_.string());
  ASSERT_TRUE(l.ok()) << l.status().message();
  EXPECT_EQ(l->t("ja", "a.one"), "一");
  EXPECT_EQ(l->t("ja", "b.two"), "二");
  EXPECT_EQ(l->raw().at("ja").size(), 2u);
}

TEST_F(I18nTempTest, DuplicateKeyInTwoFilesOfOneLocaleIsAnError) {
  write("ja/a.json", R"({"form.next": "次へ"})");
  write("ja/b.json", R"({"form.next": "つぎへ"})");
  auto l = Locales::load(dir_.string());
  ASSERT_FALSE(l.ok());
  EXPECT_EQ(l.status().code(), Status::Code::kInvalid);
  EXPECT_NE(l.status().message().find("form.next"), std::string::npos) << l.status().message();
}

TEST_F(I18nTempTest, SameKeyInTwoLocalesIsFine) {
  write("ja/a.json", R"({"form.next": "次へ"})");
  write("en/a.json", R"({"form.next": "Next"})");
  EXPECT_TRUE(Locales::load(dir_.string()).ok());
}

TEST_F(I18nTempTest, MissingJaIsAnError) {
  write("en/a.json", R"({"form.next": "Next"})");
  auto l = Locales::load(dir_.string());
  ASSERT_FALSE(l.ok());
  EXPECT_NE(l.status().message().find("ja"), std::string::npos);
  EXPECT_FALSE(Locales::load((dir_ / "nowhere").string()).ok());
}

TEST_F(I18nTempTest, BadFilesAreErrorsNamingTheFile) {
  write("ja/a.json", R"({"ok": "ok"})");
  write("en/broken.json", R"({"ok": "ok",)");
  auto l = Locales::load(dir_.string());
  ASSERT_FALSE(l.ok());
  EXPECT_NE(l.status().message().find("broken.json"), std::string::npos) << l.status().message();

  write("en/broken.json", R"(["a", "b"])");
  EXPECT_FALSE(Locales::load(dir_.string()).ok());

  write("en/broken.json", R"({"nested": {"a": "b"}})");
  l = Locales::load(dir_.string());
  ASSERT_FALSE(l.ok());
  EXPECT_NE(l.status().message().find("nested"), std::string::npos) << l.status().message();

  write("en/broken.json", R"({"n": 1})");
  EXPECT_FALSE(Locales::load(dir_.string()).ok());
}

TEST_F(I18nTempTest, KeyThatIsBothLeafAndPrefixKeepsBoth) {
  write("ja/a.json", R"({"error.title": "エラー", "error.title.404": "ありません", "x.y": "ワイ", "x": "エックス"})");
  auto l = Locales::load(dir_.string());
  ASSERT_TRUE(l.ok()) << l.status().message();
  const auto& v = l->view("ja");
  EXPECT_EQ(v["error"]["title"]["_"], "エラー");
  EXPECT_EQ(v["error"]["title"]["404"], "ありません");
  EXPECT_EQ(v["x"]["_"], "エックス");
  EXPECT_EQ(v["x"]["y"], "ワイ");
  EXPECT_EQ(l->t("ja", "error.title"), "エラー");
}

}  // namespace
}  // namespace madoguchi
