// The `document:` block of a definition: parsing, and what check-procedures says (with the
// line) about a template that names what the procedure does not have.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "procedures/catalog.h"
#include "unit/forms_fixture.h"

namespace madoguchi {
namespace {

const std::string kHead = R"(id: documented
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
      - {id: person_name, type: name, label: {ja: 氏名}}
      - {id: photo, type: file, label: {ja: 写真}}
      - id: people
        type: group
        label: {ja: 世帯員}
        fields:
          - {id: member, type: text, label: {ja: 氏名}}
decision:
  outcomes:
    - {value: issued, kind: granted, label: {ja: 交付}}
  fields:
    - {id: level, type: text, label: {ja: 程度}}
)";

procedures::Organisation org() {
  std::vector<procedures::Problem> problems;
  auto org = procedures::parse_organisation(forms::testing::kTestOrg, "org.yaml", &problems);
  EXPECT_TRUE(org.ok());
  return *org;
}

// "line: message" for each problem of kHead + `tail`.
std::vector<std::string> problems_of(const std::string& tail, std::optional<procedures::Procedure>* parsed = nullptr) {
  std::vector<procedures::Problem> problems;
  auto p = procedures::parse_procedure(kHead + tail, "documented.yaml", org(), &problems);
  if (parsed && p.ok()) *parsed = *p;
  std::vector<std::string> out;
  for (const auto& pr : problems) out.push_back(std::to_string(pr.line) + ": " + pr.message);
  return out;
}

bool has(const std::vector<std::string>& problems, const std::string& text) {
  for (const auto& p : problems) {
    if (p.find(text) != std::string::npos) return true;
  }
  return false;
}

TEST(DocumentDefinition, ACertificateParses) {
  std::optional<procedures::Procedure> p;
  const auto problems = problems_of(R"(document:
  kind: certificate
  title: {ja: 証明書, en: Certificate}
  answers: [person_name, people]
  decision_fields: [level]
)",
                                    &p);
  ASSERT_TRUE(problems.empty()) << problems.front();
  ASSERT_TRUE(p && p->document);
  EXPECT_EQ(p->document->kind, procedures::DocumentTemplate::Kind::kCertificate);
  EXPECT_EQ(p->document->title.get("en"), "Certificate");
  EXPECT_EQ(p->document->answers, (std::vector<std::string>{"person_name", "people"}));
  EXPECT_EQ(p->document->decision_fields, std::vector<std::string>{"level"});
  EXPECT_EQ(p->document->line, 28);  // where its first key is
}

TEST(DocumentDefinition, CheckProceduresNamesTheLineAndWhatIsWrong) {
  const std::string head = "document:\n  kind: certificate\n  title: {ja: 証明書}\n";
  EXPECT_TRUE(has(problems_of("document:\n  kind: letter\n  title: {ja: x}\n  answers: [person_name]\n"),
                  "28: Unknown document kind 'letter'"));
  EXPECT_TRUE(has(problems_of(head + "  answers: [nobody]\n"), "28: The document's answers name 'nobody'"));
  EXPECT_TRUE(has(problems_of(head + "  answers: [member]\n"), "'member', which is not a field"))
      << "a group's child is printed through its group";
  EXPECT_TRUE(has(problems_of(head + "  answers: [photo]\n"), "a file field"));
  EXPECT_TRUE(has(problems_of(head + "  answers: [person_name, person_name]\n"), "twice"));
  EXPECT_TRUE(has(problems_of(head + "  decision_fields: [outcome_level]\n"), "not a field of the decision"));
  EXPECT_TRUE(has(problems_of(head), "The certificate shows nothing"));
  EXPECT_TRUE(has(problems_of("document:\n  kind: certificate\n  answers: [person_name]\n"), "title"));
  EXPECT_TRUE(has(problems_of(head + "  answers: [person_name]\n  paper: A3\n"), "paper"));
  EXPECT_TRUE(has(problems_of(head + "  answers: [person_name]\nsteps: [email_notice]\n"), "leave out issue_document"));
  EXPECT_TRUE(problems_of(head + "  answers: [person_name]\nsteps: [email_notice, issue_document]\n").empty());
}

TEST(DocumentDefinition, TheShippedProceduresNameTheirDocuments) {
  std::vector<procedures::Problem> problems;
  auto catalog = procedures::Catalog::load(std::string(MADOGUCHI_SOURCE_DIR) + "/procedures", &problems);
  ASSERT_TRUE(catalog.ok());
  for (const auto& p : problems) ADD_FAILURE() << p.file << ":" << p.line << ": " << p.message;
  const auto* juminhyo = catalog->find("juminhyo");
  const auto* risai = catalog->find("risai");
  const auto* jidou = catalog->find("jidou-teate");
  ASSERT_TRUE(juminhyo && risai && jidou);
  ASSERT_TRUE(juminhyo->document && risai->document && jidou->document);
  EXPECT_EQ(juminhyo->document->title.get("ja"), "住民票の写し");
  EXPECT_EQ(risai->document->kind, procedures::DocumentTemplate::Kind::kCertificate);
  EXPECT_EQ(risai->document->decision_fields, (std::vector<std::string>{"damage_level", "survey_date"}));
  EXPECT_EQ(jidou->document->kind, procedures::DocumentTemplate::Kind::kDecisionNotice);
}

}  // namespace
}  // namespace madoguchi
