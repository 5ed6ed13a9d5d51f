// Issued documents' PDF: rendering (pdftotext reads back the Japanese), the development keys,
// the PAdES-style signature (pdfsig: valid and trusted) and Madoguchi's own check, and that
// one changed byte makes both fail.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "documents/render.h"
#include "documents/signing.h"
#include "documents_test_util.h"

namespace madoguchi {
namespace {

documents::Content sample() {
  return {.issuer = "テスト区長",
          .department = "区民課",
          .title = "住民票の写し",
          .number_line = "文書番号 2026-000042",
          .date_line = "発行日 2026年12月8日(令和8年12月8日)",
          .rows = {{"氏名", "山田 花子"}, {"住所", "東京都テスト区一丁目2番3号\nテストマンション101"}},
          .statement = "上記のとおり証明します。",
          .qr_url = "https://madoguchi.example.jp/verify?n=2026-000042&c=00ff",
          .qr_caption = "この文書が本物か確かめられます",
          .footer = "Madoguchi"};
}

TEST(DocumentsRender, JapaneseTextIsShapedAndReadBack) {
  test::DocumentKeys keys;
  auto pdf = documents::render_pdf(sample());
  ASSERT_TRUE(pdf.ok()) << pdf.status().message();
  ASSERT_EQ(pdf->rfind("%PDF-", 0), 0u);
  const std::string text = keys.pdftotext(*pdf);
  for (const char* s : {"住民票の写し", "山田 花子", "テストマンション101", "令和8年12月8日", "2026年12月8日",
                        "2026-000042", "上記のとおり証明します。", "テスト区長", "/verify?n=2026-000042"}) {
    EXPECT_NE(text.find(s), std::string::npos) << s << " not in:\n" << text;
  }
  // The fonts are embedded (pdffonts: emb = yes), so the reader needs none of its own.
  const std::string fonts = test::run_command("pdffonts " + keys.write("fonts.pdf", *pdf));
  EXPECT_NE(fonts.find("NotoSansCJK"), std::string::npos) << fonts;
  EXPECT_EQ(fonts.find(" no "), std::string::npos) << fonts;
}

TEST(DocumentsRender, LongTablesContinueOnANewPage) {
  documents::Content c = sample();
  for (int i = 0; i < 60; ++i) c.rows.push_back({"項目" + std::to_string(i), "値" + std::to_string(i)});
  auto pdf = documents::render_pdf(c);
  ASSERT_TRUE(pdf.ok());
  test::DocumentKeys keys;
  const std::string info = test::run_command("pdfinfo " + keys.write("long.pdf", *pdf));
  EXPECT_EQ(info.find("Pages:          1\n"), std::string::npos) << info;
  EXPECT_NE(keys.pdftotext(*pdf).find("値59"), std::string::npos);
}

TEST(DocumentsKeys, DevKeysAreWrittenOnceWithAPrivateKeyFile) {
  test::DocumentKeys keys;
  struct stat st {};
  ASSERT_EQ(stat(keys.key_file().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_FALSE(documents::create_dev_keys((keys.dir / "keys").string()).ok()) << "never overwrite a key";
  auto key = documents::SigningKey::load(keys.key_file(), keys.cert_file());
  ASSERT_TRUE(key.ok()) << key.status().message();
  EXPECT_EQ(key->subject_name(), "Madoguchi development (not a real ward)");
  // A key that is not the certificate's is refused.
  test::DocumentKeys other;
  EXPECT_FALSE(documents::SigningKey::load(other.key_file(), keys.cert_file()).ok());
}

class DocumentsSigning : public ::testing::Test {
 protected:
  void SetUp() override {
    auto key = documents::SigningKey::load(keys_.key_file(), keys_.cert_file());
    ASSERT_TRUE(key.ok()) << key.status().message();
    auto trust = documents::Trust::load(keys_.ca_file(), "");
    ASSERT_TRUE(trust.ok());
    auto pdf = documents::render_pdf(sample());
    ASSERT_TRUE(pdf.ok());
    auto s = documents::sign_pdf(*pdf, *key, 1796000000, "Issued by Madoguchi");
    ASSERT_TRUE(s.ok()) << s.status().message();
    signed_ = *s;
    trust_ = *trust;
  }
  test::DocumentKeys keys_;
  documents::Trust trust_;
  std::string signed_;
};

TEST_F(DocumentsSigning, PdfsigSaysValidAndTrusted) {
  const std::string report = keys_.pdfsig(signed_);
  EXPECT_NE(report.find("Signature is Valid."), std::string::npos) << report;
  EXPECT_NE(report.find("Certificate is Trusted."), std::string::npos) << report;
  EXPECT_NE(report.find("ETSI.CAdES.detached"), std::string::npos) << report;
  EXPECT_NE(report.find("Total document signed"), std::string::npos) << report;
  const auto v = documents::verify_pdf(signed_, trust_);
  EXPECT_TRUE(v.valid) << v.problem;
  EXPECT_EQ(v.signer, "Madoguchi development (not a real ward)");
  EXPECT_GT(v.signed_at, 0);
  EXPECT_EQ(v.sha256, documents::sha256_hex(signed_));
  // The signed file still reads as the document.
  EXPECT_NE(keys_.pdftotext(signed_).find("住民票の写し"), std::string::npos);
}

TEST_F(DocumentsSigning, OneChangedByteFailsPdfsigAndOurCheck) {
  for (size_t at : {size_t{200}, signed_.size() / 3, signed_.size() - 40}) {
    std::string tampered = signed_;
    tampered[at] = static_cast<char>(tampered[at] ^ 0x01);
    const std::string report = keys_.pdfsig(tampered);
    EXPECT_EQ(report.find("Signature is Valid."), std::string::npos) << "byte " << at << ":\n" << report;
    EXPECT_FALSE(documents::verify_pdf(tampered, trust_).valid) << "byte " << at;
  }
}

TEST_F(DocumentsSigning, AnythingAppendedAfterSigningFailsOurCheck) {
  EXPECT_FALSE(documents::verify_pdf(signed_ + "\n% more\n", trust_).valid);
  EXPECT_FALSE(documents::verify_pdf("%PDF-1.5 not signed", trust_).valid);
  EXPECT_FALSE(documents::verify_pdf("", trust_).valid);
}

TEST_F(DocumentsSigning, ASignatureOfAnotherCaIsNotGenuine) {
  test::DocumentKeys other;
  auto trust = documents::Trust::load(other.ca_file(), "");
  ASSERT_TRUE(trust.ok());
  const auto v = documents::verify_pdf(signed_, *trust);
  EXPECT_FALSE(v.valid);
  EXPECT_NE(v.problem.find("certificate"), std::string::npos) << v.problem;
  // Trusting the signer's own certificate (no documents_ca) works too.
  auto self = documents::Trust::load("", keys_.cert_file());
  ASSERT_TRUE(self.ok());
  EXPECT_TRUE(documents::verify_pdf(signed_, *self).valid);
}

TEST(DocumentsTools, PopplerAndNssToolsArePresent) {
  // The signature tests need these; a machine without them fails here, never skips.
  for (const char* tool : {"pdfsig", "pdftotext", "pdffonts", "pdfinfo", "certutil"}) {
    EXPECT_TRUE(test::have_tool(tool)) << tool << " missing: poppler-utils / libnss3-tools (ci/packages.txt)";
  }
}

}  // namespace
}  // namespace madoguchi
