// ja/postal.h on the committed extract (tests/data/postal.tsv, scripts/gen-postal.mjs
// --extract) and on small hand-made tables.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "ja/postal.h"

namespace madoguchi::ja {
namespace {

namespace fs = std::filesystem;
const std::string kExtract = std::string(MADOGUCHI_SOURCE_DIR) + "/tests/data/postal.tsv";

TEST(PostalTable, FindsCodesOfTheExtract) {
  auto t = PostalTable::open(kExtract);
  ASSERT_TRUE(t.ok()) << t.status().message();
  auto a = t->find("1600023");
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].prefecture, "東京都");
  EXPECT_EQ(a[0].city, "新宿区");
  EXPECT_EQ(a[0].town, "西新宿");
  EXPECT_EQ(a[0].prefecture_kana, "トウキョウト");
  EXPECT_EQ(a[0].town_kana, "ニシシンジュク");  // full-width, from the package's ﾆｼｼﾝｼﾞｭｸ
  a = t->find("1000001");
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].city + a[0].town, "千代田区千代田");
  // A ward's general code has no town.
  a = t->find("1600000");
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].town, "");
  // Several towns, and several cities, under one code, in the package's order.
  a = t->find("4520961");
  ASSERT_GT(a.size(), 10u);
  for (const auto& x : a) EXPECT_EQ(x.city, "清須市");
  a = t->find("0040000");
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[0].city, "札幌市厚別区");
  EXPECT_EQ(a[1].city, "札幌市清田区");
}

TEST(PostalTable, EveryLineOfTheExtractIsFoundAndNothingElse) {
  // Checks the binary search at every position, first and last lines included.
  auto t = PostalTable::open(kExtract);
  ASSERT_TRUE(t.ok());
  std::ifstream in(kExtract);
  std::string line;
  std::getline(in, line);  // header
  std::map<std::string, size_t> lines_per_code;
  while (std::getline(in, line)) ++lines_per_code[line.substr(0, 7)];
  ASSERT_GT(lines_per_code.size(), 200u);
  size_t total = 0;
  for (const auto& [code, n] : lines_per_code) {
    EXPECT_EQ(t->find(code).size(), n) << code;
    total += n;
    // The codes just below and above are found only when they are in the table.
    for (int delta : {-1, 1}) {
      std::string near = std::to_string(std::stol(code) + delta);
      near = std::string(7 - std::min<size_t>(7, near.size()), '0') + near;
      if (!lines_per_code.count(near)) {
        EXPECT_TRUE(t->find(near).empty()) << near;
      }
    }
  }
  EXPECT_EQ(t->lines(), total);
  EXPECT_TRUE(t->find("0000000").empty());
  EXPECT_TRUE(t->find("9999999").empty());
  for (const char* bad : {"", "160002", "16000233", "160-002", "１６０００２３", "abcdefg"}) {
    EXPECT_TRUE(t->find(bad).empty()) << bad;
  }
}

TEST(PostalTable, DigitsCheck) {
  EXPECT_TRUE(is_postal_code_digits("1600023"));
  EXPECT_FALSE(is_postal_code_digits("160-0023"));
  EXPECT_FALSE(is_postal_code_digits("１６０００２３"));
  EXPECT_FALSE(is_postal_code_digits("160002"));
}

class PostalFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = (fs::temp_directory_path() / ("postal_test_" + std::to_string(::getpid()) + ".tsv")).string();
  }
  void TearDown() override { fs::remove(path_); }
  Result<PostalTable> open(const std::string& text) {
    std::ofstream(path_, std::ios::binary | std::ios::trunc) << text;
    return PostalTable::open(path_);
  }
  std::string path_;
};

constexpr const char* kHeader = "# madoguchi postal v1 test\n";

TEST_F(PostalFileTest, SmallTableWithoutFinalNewline) {
  auto t = open(std::string(kHeader) + "0010000\t北海道\t札幌市北区\t\tホッカイドウ\tサッポロシキタク\t\n"
                "9071801\t沖縄県\t八重山郡与那国町\t与那国\tオキナワケン\tヤエヤマグンヨナグニチョウ\tヨナグニ");
  ASSERT_TRUE(t.ok()) << t.status().message();
  EXPECT_EQ(t->lines(), 2u);
  EXPECT_EQ(t->find("0010000").size(), 1u);
  ASSERT_EQ(t->find("9071801").size(), 1u);
  EXPECT_EQ(t->find("9071801")[0].town_kana, "ヨナグニ");
  EXPECT_TRUE(t->find("5000000").empty());
}

TEST_F(PostalFileTest, RefusesBadTablesNamingTheLine) {
  auto unsorted = open(std::string(kHeader) + "2000000\tA\tB\t\t\t\t\n1000000\tA\tB\t\t\t\t\n");
  ASSERT_FALSE(unsorted.ok());
  EXPECT_EQ(unsorted.status().code(), Status::Code::kInvalid);
  EXPECT_NE(unsorted.status().message().find(":3: codes out of order"), std::string::npos) << unsorted.status().message();
  auto fields = open(std::string(kHeader) + "1000000\tA\tB\n");
  ASSERT_FALSE(fields.ok());
  EXPECT_NE(fields.status().message().find(":2:"), std::string::npos);
  auto code = open(std::string(kHeader) + "100000\tA\tB\t\t\t\t\n");
  EXPECT_FALSE(code.ok());
  auto header = open("1000000\tA\tB\t\t\t\t\n");
  ASSERT_FALSE(header.ok());
  EXPECT_NE(header.status().message().find("not a postal table"), std::string::npos);
  auto missing = PostalTable::open("/nonexistent/postal.tsv");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), Status::Code::kNotFound);
}

TEST(PostalTable, EmptyTableFindsNothing) {
  PostalTable t;
  EXPECT_TRUE(t.empty());
  EXPECT_TRUE(t.find("1600023").empty());
}

}  // namespace
}  // namespace madoguchi::ja
