// Parsing and checking procedure definitions: every problem is reported with its line, and the
// shipped definitions load cleanly.
#include <gtest/gtest.h>
#include <sodium.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "procedures/catalog.h"

namespace madoguchi::procedures {
namespace {

const char* kOrg = R"(departments:
  kuminka: {ja: 区民課, en: Residents}
  bousai: {ja: 防災課}
roles:
  tanto: {title: {ja: 担当}, rank: 1}
  kakaricho: {title: {ja: 係長}, rank: 2}
  kacho: {title: {ja: 課長}, rank: 3}
categories:
  certificates: {ja: 証明書}
life_events:
  moving: {ja: 引越し}
)";

Organisation org() {
  std::vector<Problem> problems;
  auto o = parse_organisation(kOrg, "organisation.yaml", &problems);
  EXPECT_TRUE(o.ok()) << (problems.empty() ? "" : problems[0].message);
  return o.value();
}

// A valid definition; tests replace one line at a time to break it.
const std::string kValid = R"(id: test-proc
source: 区のテスト様式
title: {ja: テスト, en: Test}
summary: {ja: テストの手続}
department: kuminka
category: certificates
life_events: [moving]
fee: {yen: 300, per_copy_field: copies}
identity: account
processing_days: 3
channels: [online, counter]
route: [tanto, kakaricho, kacho]
pages:
  - id: first
    title: {ja: 最初}
    fields:
      - id: kind
        type: radio
        label: {ja: 種類}
        required: true
        options:
          - {value: a, label: {ja: A}}
          - {value: other, label: {ja: その他}}
      - id: kind_other
        type: text
        label: {ja: その他の内容}
        visible_if: {field: kind, equals: other}
      - id: copies
        type: integer
        label: {ja: 通数}
        min: 1
        max: 10
  - id: second
    title: {ja: 二番目}
    visible_if: {field: later, not_empty: true}
    fields:
      - id: later
        type: text
        label: {ja: あと}
      - id: rows
        type: group
        label: {ja: 行}
        min_items: 1
        max_items: 3
        fields:
          - id: flag
            type: yesno
            label: {ja: はい}
          - id: detail
            type: text
            label: {ja: 詳細}
            visible_if: {field: flag, equals: "yes"}
)";

struct Parsed {
  bool ok;
  std::vector<Problem> problems;
  Procedure proc;
};

Parsed parse(const std::string& text) {
  Parsed p;
  auto r = parse_procedure(text, "test.yaml", org(), &p.problems);
  p.ok = r.ok();
  if (r.ok()) p.proc = r.value();
  return p;
}

std::string replace(std::string text, const std::string& from, const std::string& to) {
  auto pos = text.find(from);
  EXPECT_NE(pos, std::string::npos) << from;
  if (pos != std::string::npos) text.replace(pos, from.size(), to);
  return text;
}

int line_of(const std::string& text, const std::string& needle) {
  auto pos = text.find(needle);
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(pos), '\n'));
}

// Expects exactly one problem whose message contains `fragment`, at `line` when given.
void expect_problem(const std::string& text, const std::string& fragment, int line = -1) {
  Parsed p = parse(text);
  EXPECT_FALSE(p.ok);
  bool found = false;
  for (const auto& pr : p.problems) {
    if (pr.message.find(fragment) == std::string::npos) continue;
    found = true;
    EXPECT_EQ(pr.file, "test.yaml");
    if (line >= 0) {
      EXPECT_EQ(pr.line, line) << pr.message;
    }
    EXPECT_EQ(pr.message.back(), pr.message.back() == '?' ? '?' : '.') << pr.message;
  }
  std::string all;
  for (const auto& pr : p.problems) all += std::to_string(pr.line) + ": " + pr.message + "\n";
  EXPECT_TRUE(found) << "wanted '" << fragment << "' among:\n" << all;
}

TEST(ProcedureParse, ValidDefinitionParses) {
  Parsed p = parse(kValid);
  ASSERT_TRUE(p.ok) << (p.problems.empty() ? "" : p.problems[0].message);
  EXPECT_TRUE(p.problems.empty());
  EXPECT_EQ(p.proc.id, "test-proc");
  EXPECT_EQ(p.proc.title.get("en"), "Test");
  EXPECT_EQ(p.proc.fee.per_copy_field, "copies");
  EXPECT_EQ(p.proc.identity, IdentityLevel::kAccount);
  ASSERT_EQ(p.proc.pages.size(), 2u);
  EXPECT_EQ(p.proc.pages[0].fields[1].line, line_of(kValid, "- id: kind_other"));
  EXPECT_EQ(p.proc.pages[1].fields[1].children.size(), 2u);
  EXPECT_EQ(p.proc.pages[1].fields[1].max_items, 3);
  EXPECT_EQ(p.proc.file, "test.yaml");
  EXPECT_EQ(p.proc.text, kValid);
}

TEST(ProcedureParse, VersionIsSha256OfTheBytes) {
  Parsed p = parse(kValid);
  ASSERT_TRUE(p.ok);
  EXPECT_EQ(p.proc.version.size(), 64u);
  Parsed q = parse(kValid + "\n# a comment changes the version\n");
  EXPECT_NE(p.proc.version, q.proc.version);
  // SHA-256 of "" is well known; checks it is really SHA-256 of the bytes.
  std::vector<Problem> problems;
  auto empty = parse_procedure("", "e.yaml", org(), &problems);
  EXPECT_FALSE(empty.ok());
}

TEST(ProcedureParse, LocalizedTextFallsBackToJa) {
  LocalizedText t;
  t.by_locale = {{"ja", "日本語"}, {"en", "English"}};
  bool fb = true;
  EXPECT_EQ(t.get("en", &fb), "English");
  EXPECT_FALSE(fb);
  EXPECT_EQ(t.get("ko", &fb), "日本語");
  EXPECT_TRUE(fb);
  EXPECT_EQ(t.get("ja", &fb), "日本語");
  EXPECT_FALSE(fb);
}

TEST(ProcedureParse, FieldTypeNamesRoundTrip) {
  for (const char* n : {"text", "textarea", "number", "integer", "date", "select", "radio",
                        "checkboxes", "yesno", "email", "phone", "address", "name", "file",
                        "fieldset", "group"}) {
    auto t = parse_field_type(n);
    ASSERT_TRUE(t) << n;
    EXPECT_STREQ(field_type_name(*t), n);
  }
  EXPECT_FALSE(parse_field_type("txt"));
}

TEST(ProcedureParse, UnknownFieldType) {
  std::string t = replace(kValid, "type: integer", "type: integr");
  expect_problem(t, "Unknown field type 'integr'", line_of(t, "type: integr"));
  expect_problem(t, "did you mean 'integer'");
}

TEST(ProcedureParse, UnknownKeySuggestsTheRightOne) {
  std::string t = replace(kValid, "label: {ja: 通数}", "lable: {ja: 通数}");
  expect_problem(t, "Unknown key 'lable' in the field 'copies'; did you mean 'label'?",
                 line_of(t, "lable"));
}

TEST(ProcedureParse, RetentionYearsAreOptionalAndFromOneToThirty) {
  EXPECT_EQ(parse(kValid).proc.retention_years, 0) << "omitted: the deployment's default";
  Parsed five = parse(replace(kValid, "processing_days: 3", "processing_days: 3\nretention_years: 5"));
  ASSERT_TRUE(five.ok);
  EXPECT_EQ(five.proc.retention_years, 5);
  for (const char* bad : {"0", "31", "-1"}) {
    std::string t = replace(kValid, "processing_days: 3", std::string("processing_days: 3\nretention_years: ") + bad);
    expect_problem(t, "retention_years must be from 1 to 30.", line_of(t, "retention_years"));
  }
  std::string t = replace(kValid, "processing_days: 3", "processing_days: 3\nretention_years: five");
  Parsed text = parse(t);
  EXPECT_FALSE(text.ok) << "not a number";
}

TEST(ProcedureParse, UnknownTopLevelKey) {
  std::string t = replace(kValid, "processing_days: 3", "processing_days: 3\nprocesing: 4");
  expect_problem(t, "Unknown key 'procesing'", line_of(t, "procesing"));
}

TEST(ProcedureParse, KeyOfAnotherType) {
  std::string t = replace(kValid, "min: 1\n", "min: 1\n        options: []\n");
  expect_problem(t, "The key 'options' does not apply to a integer field", line_of(t, "options: []"));
}

TEST(ProcedureParse, DuplicateKey) {
  std::string t = replace(kValid, "processing_days: 3", "processing_days: 3\nprocessing_days: 4");
  expect_problem(t, "appears twice", line_of(t, "processing_days: 4"));
}

TEST(ProcedureParse, MissingRequiredKeys) {
  expect_problem(replace(kValid, "id: test-proc\n", ""), "has no 'id'");
  expect_problem(replace(kValid, "source: 区のテスト様式\n", ""), "has no 'source'");
  expect_problem(replace(kValid, "title: {ja: テスト, en: Test}", "title: {en: Test}"),
                 "has no ja text", 3);
  expect_problem(replace(kValid, "department: kuminka\n", ""), "has no 'department'");
  expect_problem(replace(kValid, "label: {ja: 通数}", "label: {ja: 通数}\n        help: {en: Copies}"),
                 "'help' of the field 'copies' has no ja text");
  expect_problem(replace(kValid, "title: {ja: テスト, en: Test}", "title: {ja: テスト, fr: Essai}"),
                 "Unknown key 'fr'");
  expect_problem(replace(kValid, "route: [tanto, kakaricho, kacho]\n", ""), "has no 'route'");
  expect_problem(replace(kValid, "identity: account\n", ""), "has no 'identity'");
  expect_problem(replace(kValid, "channels: [online, counter]\n", ""), "has no 'channels'");
  expect_problem(replace(kValid, "processing_days: 3\n", ""), "has no 'processing_days'");
  std::string no_pages = kValid.substr(0, kValid.find("pages:"));
  expect_problem(no_pages, "has no 'pages'");
  expect_problem(replace(kValid, "        label: {ja: 通数}\n", ""), "has no 'label'");
  expect_problem(replace(kValid, "      - id: copies\n        type: integer\n",
                         "      - id: copies\n"),
                 "has no 'type'");
}

TEST(ProcedureParse, ConditionNamingMissingField) {
  std::string t = replace(kValid, "{field: kind, equals: other}", "{field: knd, equals: other}");
  expect_problem(t, "names the field 'knd', which does not exist", line_of(t, "field: knd"));
  expect_problem(t, "did you mean 'kind'?");
}

TEST(ProcedureParse, ConditionMayNameALaterField) {
  // "second" is shown when "later" (defined on that page, after the condition) is filled.
  Parsed p = parse(kValid);
  EXPECT_TRUE(p.ok);
}

TEST(ProcedureParse, ConditionValueMustBeAnOption) {
  std::string t = replace(kValid, "{field: kind, equals: other}", "{field: kind, equals: othr}");
  expect_problem(t, "compares 'kind' with 'othr', which is not one of its values",
                 line_of(t, "field: kind, equals: othr"));
}

TEST(ProcedureParse, ConditionCannotLookIntoGroupRows) {
  std::string t = replace(kValid, "{field: kind, equals: other}", "{field: flag, equals: \"yes\"}");
  expect_problem(t, "only inside the rows of the group 'rows'");
}

TEST(ProcedureParse, ConditionShapes) {
  expect_problem(replace(kValid, "{field: kind, equals: other}", "{field: kind}"),
                 "needs exactly one of equals, one_of or not_empty");
  Parsed nested = parse(replace(kValid, "{field: kind, equals: other}",
                                "{all: [{field: kind, one_of: [a, other]}, {any: [{field: copies, not_empty: true}]}]}"));
  EXPECT_TRUE(nested.ok) << (nested.problems.empty() ? "" : nested.problems[0].message);
  const auto& c = *nested.proc.pages[0].fields[1].visible_if;
  EXPECT_EQ(c.kind, Condition::Kind::kAll);
  ASSERT_EQ(c.children.size(), 2u);
  EXPECT_EQ(c.children[0].values.size(), 2u);
  EXPECT_EQ(c.children[1].children[0].kind, Condition::Kind::kNotEmpty);
}

TEST(ProcedureParse, FieldCannotDependOnItself) {
  expect_problem(replace(kValid, "{field: kind, equals: other}", "{field: kind_other, not_empty: true}"),
                 "cannot depend on itself");
}

TEST(ProcedureParse, RouteNamingUnknownRole) {
  std::string t = replace(kValid, "[tanto, kakaricho, kacho]", "[tanto, bucho]");
  expect_problem(t, "names the role 'bucho', which organisation.yaml does not define",
                 line_of(t, "route:"));
}

TEST(ProcedureParse, RouteGoingDownInRank) {
  std::string t = replace(kValid, "[tanto, kakaricho, kacho]", "[tanto, kacho, kakaricho]");
  expect_problem(t, "goes down in rank from 'kacho' (rank 3) to 'kakaricho' (rank 2)",
                 line_of(t, "route:"));
  EXPECT_TRUE(parse(replace(kValid, "[tanto, kakaricho, kacho]", "[tanto, tanto, kacho]")).ok);
}

TEST(ProcedureParse, UnknownOrganisationIds) {
  std::string t = replace(kValid, "department: kuminka", "department: kumin");
  expect_problem(t, "Unknown department 'kumin'; did you mean 'kuminka'?", line_of(t, "department:"));
  expect_problem(replace(kValid, "category: certificates", "category: pets"), "Unknown category 'pets'");
  expect_problem(replace(kValid, "life_events: [moving]", "life_events: [wedding]"),
                 "Unknown life event 'wedding'");
}

TEST(ProcedureParse, DuplicateFieldId) {
  std::string t = replace(kValid, "- id: later", "- id: kind");
  expect_problem(t, "The field id 'kind' is used twice (first at line " +
                        std::to_string(line_of(t, "- id: kind")) + ")",
                 line_of(t, "- id: kind\n        type: text\n        label: {ja: あと}"));
}

TEST(ProcedureParse, GroupChildIdsMayRepeatTopLevelOnes) {
  EXPECT_TRUE(parse(replace(kValid, "- id: detail", "- id: later")).ok);
}

TEST(ProcedureParse, ChoicesNeedOptions) {
  std::string t = replace(kValid, "type: radio", "type: select");
  t = t.substr(0, t.find("        options:")) + t.substr(t.find("      - id: kind_other"));
  expect_problem(t, "The select field 'kind' has no options");
}

TEST(ProcedureParse, GroupRules) {
  expect_problem(replace(kValid, "min_items: 1\n        max_items: 3", "min_items: 4\n        max_items: 3"),
                 "min_items (4) is greater than max_items (3)");
  std::string no_children = kValid.substr(0, kValid.find("        fields:\n          - id: flag"));
  expect_problem(no_children, "The group 'rows' has no child fields");
  expect_problem(replace(kValid, "min_items: 1\n", "min_items: 1\n        required: true\n"),
                 "The key 'required' does not apply to a group field");
}

TEST(ProcedureParse, PerCopyFieldMustBeInteger) {
  std::string t = replace(kValid, "per_copy_field: copies", "per_copy_field: kind");
  expect_problem(t, "per_copy_field 'kind' must name an integer field", line_of(t, "per_copy_field"));
  expect_problem(replace(kValid, "per_copy_field: copies", "per_copy_field: nothing"),
                 "per_copy_field 'nothing'");
}

TEST(ProcedureParse, BadRegexPattern) {
  std::string t = replace(kValid, "label: {ja: その他の内容}",
                          "label: {ja: その他の内容}\n        pattern: \"[0-9\"\n        pattern_message: {ja: 数字}");
  expect_problem(t, "is not a valid regular expression", line_of(t, "pattern:"));
}

TEST(ProcedureParse, BadDateRule) {
  std::string t = replace(kValid, "type: text\n        label: {ja: あと}",
                          "type: date\n        label: {ja: あと}\n        min_date: tomorrow");
  expect_problem(t, "The date rule 'tomorrow'", line_of(t, "min_date"));
  EXPECT_TRUE(parse(replace(kValid, "type: text\n        label: {ja: あと}",
                            "type: date\n        label: {ja: あと}\n        min_date: today-30d\n"
                            "        max_date: today+1y")).ok);
}

TEST(ProcedureParse, DateRulesResolve) {
  Date today{2024, 2, 29};
  EXPECT_EQ(resolve_date_rule("today", today), today);
  EXPECT_EQ(resolve_date_rule("today-30d", today), (Date{2024, 1, 30}));
  EXPECT_EQ(resolve_date_rule("today+1y", today), (Date{2025, 2, 28}));
  EXPECT_EQ(resolve_date_rule("2025-04-01", today), (Date{2025, 4, 1}));
  EXPECT_FALSE(resolve_date_rule("2025-02-30", today));
  EXPECT_FALSE(resolve_date_rule("today-x", today));
}

TEST(ProcedureParse, InvalidIdSyntax) {
  std::string t = replace(kValid, "- id: copies", "- id: Copies");
  expect_problem(t, "The field id 'Copies' is not valid", line_of(t, "- id: Copies"));
  expect_problem(replace(kValid, "id: test-proc", "id: Test_Proc"), "The procedure id 'Test_Proc' is not valid", 1);
  expect_problem(replace(kValid, "- id: first", "- id: 1st"), "The page id '1st' is not valid");
}

TEST(ProcedureParse, EveryProblemIsReportedNotJustTheFirst) {
  std::string t = replace(kValid, "type: integer", "type: integr");
  t = replace(t, "department: kuminka", "department: nowhere");
  t = replace(t, "[tanto, kakaricho, kacho]", "[kacho, tanto]");
  Parsed p = parse(t);
  EXPECT_FALSE(p.ok);
  EXPECT_GE(p.problems.size(), 3u);
}

TEST(ProcedureParse, YamlSyntaxErrorHasALine) {
  std::string t = replace(kValid, "summary: {ja: テストの手続}", "summary: {ja: テストの手続");
  Parsed p = parse(t);
  ASSERT_FALSE(p.ok);
  ASSERT_FALSE(p.problems.empty());
  EXPECT_NE(p.problems[0].message.find("not valid YAML"), std::string::npos);
  EXPECT_GT(p.problems[0].line, 0);
}

TEST(ProcedureParse, StopPageNeedsACondition) {
  std::string t = replace(kValid, "  - id: second\n", "  - id: stop-here\n    title: {ja: 止まる}\n    stop: true\n    intro: {ja: ここでは申請できません}\n  - id: second\n");
  expect_problem(t, "The stop page 'stop-here' has no visible_if");
}

TEST(OrganisationParse, ReportsProblems) {
  std::vector<Problem> problems;
  auto o = parse_organisation("departments: {a: {ja: A}}\nroles:\n  x: {title: {ja: X}}\ncategory: {}\n",
                              "organisation.yaml", &problems);
  EXPECT_FALSE(o.ok());
  std::string all;
  for (const auto& p : problems) all += p.message + "\n";
  EXPECT_NE(all.find("has no 'rank'"), std::string::npos) << all;
  EXPECT_NE(all.find("Unknown key 'category'"), std::string::npos) << all;
  EXPECT_NE(all.find("has no 'life_events'"), std::string::npos) << all;
}

class CatalogDir : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("madoguchi-catalog-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
            "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    write("organisation.yaml", kOrg);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name, std::ios::binary) << text;
  }
  std::filesystem::path dir_;
};

TEST_F(CatalogDir, DuplicateIdSkipsTheLaterFile) {
  write("a.yaml", kValid);
  write("b.yaml", kValid);
  write("c.yaml", replace(kValid, "type: integer", "type: integr"));
  std::vector<Problem> problems;
  auto c = Catalog::load(dir_.string(), &problems);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->all().size(), 1u);
  EXPECT_EQ(c->all()[0].file, (dir_ / "a.yaml").string());
  bool dup = false, broken = false;
  for (const auto& p : problems) {
    if (p.message.find("already used by") != std::string::npos && p.file == (dir_ / "b.yaml").string()) dup = true;
    if (p.file == (dir_ / "c.yaml").string()) broken = true;
  }
  EXPECT_TRUE(dup);
  EXPECT_TRUE(broken);
}

TEST_F(CatalogDir, MissingOrganisationFails) {
  std::filesystem::remove(dir_ / "organisation.yaml");
  std::vector<Problem> problems;
  EXPECT_FALSE(Catalog::load(dir_.string(), &problems).ok());
  EXPECT_FALSE(problems.empty());
}

TEST(ShippedProcedures, DocumentedExampleParses) {
  std::ifstream in(MADOGUCHI_SOURCE_DIR "/docs/procedure-format.md");
  std::stringstream ss;
  ss << in.rdbuf();
  std::string doc = ss.str();
  auto start = doc.find("```yaml\n# 犬の登録");
  ASSERT_NE(start, std::string::npos);
  start += 8;
  std::string example = doc.substr(start, doc.find("```", start) - start);
  std::vector<Problem> problems;
  auto c = Catalog::load(MADOGUCHI_SOURCE_DIR "/procedures", &problems);
  ASSERT_TRUE(c.ok());
  auto p = parse_procedure(example, "example.yaml", c->organisation(), &problems);
  std::string all;
  for (const auto& pr : problems) all += std::to_string(pr.line) + ": " + pr.message + "\n";
  EXPECT_TRUE(p.ok()) << all;
}

TEST(ShippedProcedures, LoadWithZeroProblems) {
  std::vector<Problem> problems;
  auto c = Catalog::load(MADOGUCHI_SOURCE_DIR "/procedures", &problems);
  ASSERT_TRUE(c.ok()) << c.status().message();
  std::string all;
  for (const auto& p : problems) all += p.file + ":" + std::to_string(p.line) + ": " + p.message + "\n";
  EXPECT_TRUE(problems.empty()) << all;
  for (const char* id : {"juminhyo", "jidou-teate", "risai"}) {
    const Procedure* p = c->find(id);
    ASSERT_NE(p, nullptr) << id;
    EXPECT_FALSE(p->source.empty()) << id;
    EXPECT_EQ(p->route, (std::vector<std::string>{"tanto", "kakaricho", "kacho"})) << id;
    for (const char* loc : {"ja", "ja-easy", "en", "zh-Hans", "ko"}) {
      EXPECT_TRUE(p->title.by_locale.count(loc)) << id << " title " << loc;
      EXPECT_TRUE(p->summary.by_locale.count(loc)) << id << " summary " << loc;
    }
    EXPECT_GT(p->processing_days, 0) << id;
  }
  EXPECT_EQ(c->find("risai")->identity, IdentityLevel::kNone);
  EXPECT_EQ(c->find("risai")->fee.yen, 0);
  EXPECT_EQ(c->find("juminhyo")->identity, IdentityLevel::kAccount);
  EXPECT_EQ(c->find("juminhyo")->fee.yen, 300);
  EXPECT_EQ(c->find("juminhyo")->fee.per_copy_field, "copies");
  EXPECT_EQ(c->find("jidou-teate")->identity, IdentityLevel::kAccount);
  EXPECT_EQ(c->find("nothing"), nullptr);
  // The version is the SHA-256 of the file exactly as it is on disk, and the bytes are kept.
  std::ifstream in(MADOGUCHI_SOURCE_DIR "/procedures/risai.yaml", std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  ASSERT_EQ(sodium_init() < 0, false);
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(bytes.str().data()), bytes.str().size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  EXPECT_EQ(c->find("risai")->version, hex);
  EXPECT_EQ(c->find("risai")->text, bytes.str());
}

TEST(CatalogSearch, FindsByTitleSummaryAndDescription) {
  std::vector<Problem> problems;
  auto c = Catalog::load(MADOGUCHI_SOURCE_DIR "/procedures", &problems);
  ASSERT_TRUE(c.ok());
  auto ids = [](const std::vector<const Procedure*>& found) {
    std::vector<std::string> out;
    for (const auto* p : found) out.push_back(p->id);
    return out;
  };
  EXPECT_EQ(ids(c->search("罹災", "ja")), std::vector<std::string>{"risai"});
  // Every word must appear; a 全角 space separates words as well as an ASCII one.
  EXPECT_EQ(ids(c->search("住民票\u3000写し", "ja")), std::vector<std::string>{"juminhyo"});
  EXPECT_TRUE(c->search("住民票 台風", "ja").empty());
  // Width- and case-insensitive; English text is searched in the en locale.
  EXPECT_EQ(ids(c->search("ＣＨＩＬＤ allowance", "en")), std::vector<std::string>{"jidou-teate"});
  // The ja text is searched in every locale.
  EXPECT_EQ(ids(c->search("児童手当", "en")), std::vector<std::string>{"jidou-teate"});
  // Title matches come first: 罹災証明書 has 証明 in its title, 住民票 only in its summary.
  auto cert = ids(c->search("証明", "ja"));
  ASSERT_GE(cert.size(), 2u);
  EXPECT_EQ(cert[0], "risai");
  EXPECT_EQ(c->search("", "ja").size(), c->all().size());
  // Catalogue order: by category, then id.
  ASSERT_EQ(c->all().size(), 3u);
  EXPECT_EQ(c->all()[0].id, "juminhyo");     // certificates
  EXPECT_EQ(c->all()[1].id, "jidou-teate");  // childcare
  EXPECT_EQ(c->all()[2].id, "risai");        // disaster
}

}  // namespace
}  // namespace madoguchi::procedures

namespace madoguchi::procedures {
namespace {

// Every other message of the definition check, one broken line each: the message says what
// is wrong and what to do, at the line of the offending key.
struct Breakage {
  const char* from;      // a unique piece of kValid…
  const char* to;        // …replaced by this
  const char* fragment;  // the message that must appear
  const char* at;        // a piece of the broken text on the reported line ("" = any line)
};

const Breakage kBreakages[] = {
    {"fee: {yen: 300,", "fee: {yen: -1,", "The fee cannot be negative", "fee:"},
    {"identity: account", "identity: mynumber", "Unknown identity level 'mynumber'; use none, account or verified.",
     "identity:"},
    {"channels: [online, counter]", "channels: [online, fax]", "Unknown channel 'fax'", "channels:"},
    {"channels: [online, counter]", "channels: []", "'channels' in the procedure is an empty list; give at least one entry.", "channels:"},
    {"processing_days: 3", "processing_days: -2", "processing_days cannot be negative.", "processing_days:"},
    {"processing_days: 3", "processing_days: three", "must be a whole number", "processing_days:"},
    {"processing_days: 3", "processing_days: [3]", "must be a whole number, but it is a list.", "processing_days:"},
    {"category: certificates", "category: [certificates]", "'category' in the procedure must be a single value", "category:"},
    {"summary: {ja: テストの手続}", "summary: {ja: テストの手続}\ncategory: \"\"", "'category' in the procedure is empty; give it a value.", "category: \"\""},
    {"title: {ja: テスト, en: Test}", "title: [テスト]", "must be a text or a mapping of locale to text", "title:"},
    {"title: {ja: テスト, en: Test}", "title: {ja: テスト, en: \"\"}", "The en text of", "title:"},
    {"life_events: [moving]", "life_events: [[moving]]", "must be a single word", "life_events:"},
    {"pages:\n  - id: first", "pages: first\nold:\n  - id: first", "must be a list", "pages:"},
    {"  - id: second\n", "  - id: first\n", "The page id 'first' is used twice", "- id: first\n    title: {ja: 二番目}"},
    {"        required: true\n        options:", "        required: yes please\n        options:",
     "must be true or false", "required: yes please"},
    {"          - {value: other, label: {ja: その他}}", "          - {value: a, label: {ja: その他}}",
     "The option value 'a' appears twice", "{value: a, label: {ja: その他}}"},
    {"          - {value: other, label: {ja: その他}}", "          - {value: \"Other One\", label: {ja: その他}}",
     "The option value 'Other One'", "Other One"},
    {"        min: 1\n        max: 10", "        min: 11\n        max: 10", "min is greater than max", "min: 11"},
    {"        min: 1\n", "        min: one\n", "'min' in the field 'copies' must be a number", "min: one"},
    {"        label: {ja: その他の内容}", "        label: {ja: その他の内容}\n        min_length: 9\n        max_length: 3",
     "min_length (9) is greater than max_length", "min_length: 9"},
    {"        label: {ja: その他の内容}", "        label: {ja: その他の内容}\n        max_length: 0",
     "The lengths of the field 'kind_other' must be positive.", ""},
    {"        label: {ja: その他の内容}", "        label: {ja: その他の内容}\n        pattern: \"[0-9]+\"",
     "has a pattern but no pattern_message", "pattern:"},
    {"        label: {ja: あと}", "        label: {ja: あと}\n        type2: x", "Unknown key 'type2'", "type2"},
    {"      - id: later\n        type: text\n        label: {ja: あと}",
     "      - id: later\n        type: date\n        label: {ja: あと}\n        min_date: today\n        max_date: today-1y",
     "min_date comes after max_date", "min_date"},
    {"      - id: later\n        type: text\n        label: {ja: あと}",
     "      - id: later\n        type: file\n        label: {ja: あと}\n        accept: [application/zip]",
     "The file type 'application/zip'", "accept:"},
    {"      - id: later\n        type: text\n        label: {ja: あと}",
     "      - id: later\n        type: file\n        label: {ja: あと}\n        max_files: 50",
     "max_files of the field 'later' must be 1 to 20.", "max_files"},
    {"        label: {ja: あと}", "        label: {ja: あと}\n        autocomplete: bday", "The autocomplete value 'bday'",
     "autocomplete"},
    {"          - id: flag\n            type: yesno", "          - id: flag\n            type: group", "A group cannot contain a group",
     ""},
    {"{field: kind, equals: other}", "{field: kind, one_of: []}", "'one_of' in the condition of the field 'kind_other' is an empty list", "one_of"},
    {"{field: later, not_empty: true}", "{field: later, not_empty: false}", "not_empty in", "not_empty"},
    {"{field: kind, equals: other}", "{field: rows, not_empty: true, equals: x}", "needs exactly one of", ""},
    {"{field: kind, equals: other}", "{field: rows, equals: x}", "names the group 'rows'; name one of its fields instead.", ""},
    {"    title: {ja: 二番目}", "    title: {ja: 二番目}\n    stop: true", "The stop page 'second' has no intro", ""},
    {"title: {ja: テスト, en: Test}", "title: {ja: テスト, en: Test}\n[7]: seven", "is not a plain word", "[7]: seven"},
    {"fee: {yen: 300, per_copy_field: copies}", "fee: 300", "must be a mapping of keys to values", "fee: 300"},
};

TEST(ProcedureParse, EveryOtherProblemIsReportedWithItsLineAndAFix) {
  for (const Breakage& b : kBreakages) {
    SCOPED_TRACE(std::string(b.from) + " → " + b.to);
    std::string t = replace(kValid, b.from, b.to);
    expect_problem(t, b.fragment, *b.at ? line_of(t, b.at) : -1);
  }
}

TEST(ProcedureParse, EmptyPagesAndPagesWithoutFieldsAreReported) {
  expect_problem(replace(kValid, kValid.substr(kValid.find("pages:")), "pages: []\n"), "'pages' is empty");
  std::string t = replace(kValid, "  - id: second\n", "  - id: bare\n    title: {ja: 空}\n  - id: second\n");
  expect_problem(t, "The page 'bare' has no fields", line_of(t, "- id: bare"));
}

}  // namespace
}  // namespace madoguchi::procedures
