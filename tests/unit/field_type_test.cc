// Field types plug in through forms/field_type.h: every built-in type has a descriptor, and a
// type defined here, in the test, parses from a definition, reads and checks a post, renders
// and summarises like a built-in one.
#include "forms/field_type.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "unit/forms_fixture.h"

namespace madoguchi::forms {
namespace {

using procedures::FieldType;
using testing::FormsTest;

TEST(FieldTypes, EveryBuiltInTypeHasADescriptor) {
  std::set<std::string> names = field_type_names();
  for (int i = 0; i <= static_cast<int>(FieldType::kGroup); ++i) {
    auto type = static_cast<FieldType>(i);
    const char* name = procedures::field_type_name(type);
    EXPECT_NE(find_field_type(type), nullptr) << name;
    EXPECT_TRUE(names.count(name)) << name;
    EXPECT_EQ(procedures::parse_field_type(name), type) << name;
  }
}

TEST(FieldTypes, DefaultFileTypesAreWrittenOnce) {
  EXPECT_EQ(default_file_types(), (std::vector<std::string>{"application/pdf", "image/jpeg", "image/png"}));
}

// A colour typed as #RRGGBB (or #RGB), stored in lower case, optionally limited to a
// palette the definition lists under its own key.
class ColourType : public AnswerType {
 public:
  std::set<std::string> keys() const override { return {"required", "palette"}; }
  std::set<std::string> autocomplete_tokens() const override { return {}; }

  void parse(DefinitionReader& in, procedures::Field* f) const override {
    for (const auto& c : in.string_list("palette")) {
      if (!normalise(c)) {
        in.problem("palette", "The colour '" + c + "' in " + in.what() + " is not #RRGGBB.");
        continue;
      }
      f->options.push_back({*normalise(c), {}});
    }
  }

  Json empty_value(const procedures::Field&) const override { return ""; }
  bool accepts(const procedures::Field&, const std::vector<std::string>& rest) const override { return rest.empty(); }
  Json read(const procedures::Field&, const PostedValue& in) const override { return in.first(in.name()); }

  Json check(const procedures::Field& f, const Json& value, ValueChecker& c) const override {
    Json done;
    auto typed = c.typed_text(value, &done);
    if (!typed) return done;
    auto colour = normalise(*typed);
    if (!colour) {
      c.error_text(c.label() + "は #RRGGBB の形で入力してください");
      return *typed;
    }
    bool in_palette = f.options.empty() || std::any_of(f.options.begin(), f.options.end(),
                                                       [&](const procedures::Option& o) { return o.value == *colour; });
    if (!in_palette) {
      c.error_text(c.label() + "は一覧の色から選んでください");
      return *typed;
    }
    return *colour;
  }

  void view(const procedures::Field&, const Json& value, ViewContext&, Json* view) const override {
    (*view)["value"] = value.is_string() ? value.get<std::string>() : "";
    (*view)["input_type"] = "color";
    (*view)["is_input"] = true;
  }

  std::string display(const procedures::Field&, const Json& value, const SummaryRows&) const override {
    std::string s = value.get<std::string>();
    std::transform(s.begin(), s.end(), s.begin(), ::toupper);
    return s;
  }

 private:
  static std::optional<std::string> normalise(std::string s) {
    if (s.size() == 4 && s[0] == '#') s = {'#', s[1], s[1], s[2], s[2], s[3], s[3]};
    if (s.size() != 7 || s[0] != '#') return std::nullopt;
    for (size_t i = 1; i < s.size(); ++i) {
      if (!std::isxdigit(static_cast<unsigned char>(s[i]))) return std::nullopt;
      s[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[i])));
    }
    return s;
  }
};

// Registered once per process, before any definition naming it is parsed.
FieldType colour_type() {
  static const FieldType type = *register_field_type("colour", std::make_unique<ColourType>());
  return type;
}

const char* kColourProcedure = R"(id: colour-test
source: テスト用
title: {ja: 色}
summary: {ja: 色}
department: kuminka
category: certificates
identity: none
processing_days: 1
channels: [online]
route: [tanto]
pages:
  - id: paint
    title: {ja: 塗装}
    fields:
      - id: favourite
        type: colour
        label: {ja: 好きな色}
        required: true
        palette: ["#F00", "#00ff00"]
)";

class ColourField : public FormsTest {
 protected:
  void SetUp() override {
    colour_type();
    std::vector<procedures::Problem> problems;
    auto org = procedures::parse_organisation(testing::kTestOrg, "org.yaml", &problems);
    ASSERT_TRUE(org.ok());
    auto p = procedures::parse_procedure(kColourProcedure, "colour-test.yaml", org.value(), &problems);
    std::string all;
    for (const auto& pr : problems) all += std::to_string(pr.line) + ": " + pr.message + "\n";
    ASSERT_TRUE(p.ok()) << all;
    colour_proc_ = std::move(p.value());
  }

  std::vector<procedures::Problem> problems_of(const std::string& yaml) {
    std::vector<procedures::Problem> problems;
    auto org = procedures::parse_organisation(testing::kTestOrg, "org.yaml", &problems);
    EXPECT_TRUE(org.ok());
    auto p = procedures::parse_procedure(yaml, "colour-test.yaml", org.value(), &problems);
    EXPECT_FALSE(p.ok());
    return problems;
  }

  const procedures::Page& paint() const { return colour_proc_.pages.at(0); }

  procedures::Procedure colour_proc_;
};

TEST_F(ColourField, RegistersOnceUnderItsName) {
  EXPECT_STREQ(procedures::field_type_name(colour_type()), "colour");
  EXPECT_EQ(procedures::parse_field_type("colour"), colour_type());
  EXPECT_TRUE(field_type_names().count("colour"));
  EXPECT_FALSE(register_field_type("colour", std::make_unique<ColourType>()));
  EXPECT_FALSE(register_field_type("text", std::make_unique<ColourType>())) << "a built-in name";
  EXPECT_FALSE(register_field_type("Bad-Name", std::make_unique<ColourType>()));
}

TEST_F(ColourField, ParsesItsOwnKeysFromTheDefinition) {
  const procedures::Field& f = paint().fields.at(0);
  EXPECT_EQ(f.type, colour_type());
  EXPECT_TRUE(f.required);
  ASSERT_EQ(f.options.size(), 2u);
  EXPECT_EQ(f.options[0].value, "#ff0000") << "normalised by the type's parse";
  EXPECT_EQ(f.options[1].value, "#00ff00");
}

TEST_F(ColourField, DefinitionProblemsNameTheType) {
  auto has = [](const std::vector<procedures::Problem>& problems, const std::string& text) {
    return std::any_of(problems.begin(), problems.end(),
                       [&](const procedures::Problem& p) { return p.message.find(text) != std::string::npos; });
  };
  std::string bad_palette = kColourProcedure;
  bad_palette.replace(bad_palette.find("\"#00ff00\""), 9, "\"green\"");
  EXPECT_TRUE(has(problems_of(bad_palette), "The colour 'green' in the field 'favourite'"));

  std::string foreign_key = kColourProcedure;
  foreign_key += "        max_files: 2\n";
  EXPECT_TRUE(has(problems_of(foreign_key), "The key 'max_files' does not apply to a colour field"));

  std::string typo = kColourProcedure;
  typo.replace(typo.find("type: colour"), 12, "type: colur");
  EXPECT_TRUE(has(problems_of(typo), "did you mean 'colour'"));
}

TEST_F(ColourField, ReadsAPostAndReportsABadValueNextToTheField) {
  EXPECT_TRUE(page_accepts_name(paint(), "f.favourite"));
  EXPECT_FALSE(page_accepts_name(paint(), "f.favourite.red"));

  Json answers = Json::object();
  auto errors = apply_page(colour_proc_, paint(), {{"f.favourite", "red"}}, {}, &answers, ctx());
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].html_id, "f-favourite");
  EXPECT_EQ(errors[0].message, "好きな色は #RRGGBB の形で入力してください");
  EXPECT_EQ(answers["favourite"], "red") << "kept as typed, to be shown again";

  Json view = page_view(colour_proc_, paint(), answers, errors, ctx());
  ASSERT_EQ(view.size(), 1u);
  EXPECT_EQ(view[0]["type"], "colour");
  EXPECT_EQ(view[0]["is_colour"], true);
  EXPECT_EQ(view[0]["input_type"], "color");
  EXPECT_EQ(view[0]["value"], "red");
  EXPECT_EQ(view[0]["has_error"], true);
  EXPECT_EQ(view[0]["errors"][0]["message"], "好きな色は #RRGGBB の形で入力してください");
  EXPECT_EQ(view[0]["describedby"], "f-favourite-error");

  errors = apply_page(colour_proc_, paint(), {{"f.favourite", "#0000FF"}}, {}, &answers, ctx());
  ASSERT_EQ(errors.size(), 1u) << "valid, but not in the palette";
  EXPECT_EQ(errors[0].message, "好きな色は一覧の色から選んでください");

  errors = apply_page(colour_proc_, paint(), {{"f.favourite", " #F00 "}}, {}, &answers, ctx());
  EXPECT_TRUE(errors.empty());
  EXPECT_EQ(answers["favourite"], "#ff0000") << "normalised by the type's check";

  errors = apply_page(colour_proc_, paint(), {{"f.favourite", ""}}, {}, &answers, ctx());
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].message, "好きな色を入力してください") << "the shared required message";
}

TEST_F(ColourField, RendersAndSummarises) {
  Json answers = {{"favourite", "#00ff00"}};
  Json view = page_view(colour_proc_, paint(), answers, {}, ctx());
  ASSERT_EQ(view.size(), 1u);
  EXPECT_EQ(view[0]["label"], "好きな色");
  EXPECT_EQ(view[0]["required"], true);
  EXPECT_EQ(view[0]["value"], "#00ff00");
  EXPECT_EQ(view[0]["is_text"], false) << "built-in flags stay, so the partial picks one markup";

  Json summary = summary_view(colour_proc_, answers, ctx());
  ASSERT_EQ(summary.size(), 1u);
  ASSERT_EQ(summary[0]["rows"].size(), 1u);
  EXPECT_EQ(summary[0]["rows"][0]["label"], "好きな色");
  EXPECT_EQ(summary[0]["rows"][0]["value"], "#00FF00");
  EXPECT_EQ(summary[0]["rows"][0]["html_id"], "f-favourite");

  summary = summary_view(colour_proc_, Json::object(), ctx());
  EXPECT_EQ(summary[0]["rows"][0]["value"], "未回答") << "empty answers read as not answered";
}

}  // namespace
}  // namespace madoguchi::forms
