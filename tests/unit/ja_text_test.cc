#include <gtest/gtest.h>

#include <string>

#include "ja/text.h"

namespace madoguchi::ja {
namespace {

using namespace std::string_literals;

TEST(JaTextTest, CleanUtf8AcceptsTextAndLineBreaks) {
  EXPECT_TRUE(is_clean_utf8(""));
  EXPECT_TRUE(is_clean_utf8("abc"));
  EXPECT_TRUE(is_clean_utf8("日本語のテキスト"));
  EXPECT_TRUE(is_clean_utf8("𠮷野家"));            // 4-byte sequence
  EXPECT_TRUE(is_clean_utf8("葛\U000E0100飾区"));  // IVS
  EXPECT_TRUE(is_clean_utf8("一行目\r\n二行目\tタブ"));
  EXPECT_TRUE(is_clean_utf8("\x7F"));              // DEL is not a C0 control
  EXPECT_TRUE(is_clean_utf8("\xED\x9F\xBF"));      // U+D7FF, just below the surrogates
  EXPECT_TRUE(is_clean_utf8("\xEE\x80\x80"));      // U+E000, just above
  EXPECT_TRUE(is_clean_utf8("\xF4\x8F\xBF\xBF"));  // U+10FFFF
}

TEST(JaTextTest, CleanUtf8RefusesControlsAndNul) {
  EXPECT_FALSE(is_clean_utf8("a\0b"s));
  EXPECT_FALSE(is_clean_utf8("\0"s));
  EXPECT_FALSE(is_clean_utf8("\x01"));
  EXPECT_FALSE(is_clean_utf8("escape\x1B[31m"));
  EXPECT_FALSE(is_clean_utf8("\x0B"));
  EXPECT_FALSE(is_clean_utf8("\x1F"));
}

TEST(JaTextTest, CleanUtf8RefusesIllFormedSequences) {
  for (const std::string& bad : {
           "\xC0\xAF"s,                  // overlong '/'
           "\xC1\xBF"s,                  // overlong
           "\xC0\x80"s,                  // overlong NUL ("modified UTF-8")
           "\xE0\x80\xAF"s,              // overlong, 3 bytes
           "\xF0\x80\x80\xAF"s,          // overlong, 4 bytes
           "\xED\xA0\x80"s,              // U+D800
           "\xED\xBF\xBF"s,              // U+DFFF
           "\xED\xA0\xBD\xED\xB8\x80"s,  // CESU-8 surrogate pair
           "\xF4\x90\x80\x80"s,          // above U+10FFFF
           "\xF5\x80\x80\x80"s,
           "\xE6\x97"s,          // truncated 日
           "\xF0\xA0\xAE"s,      // truncated 𠮷
           "abc\xE6"s,           // truncated at the end
           "\x80"s,              // lone continuation byte
           "\xE6\x97\xA5\xA5"s,  // extra continuation byte
           "\xFF"s,
           "\xFE"s,
       }) {
    EXPECT_FALSE(is_clean_utf8(bad)) << testing::PrintToString(bad);
  }
}

TEST(JaTextTest, Nfkc) {
  EXPECT_EQ(nfkc("ＡＢＣ１２３"), "ABC123");
  EXPECT_EQ(nfkc("ｶﾀｶﾅ"), "カタカナ");
  EXPECT_EQ(nfkc("ｶﾞｯｺｳ"), "ガッコウ");
  EXPECT_EQ(nfkc("①"), "1");
  EXPECT_EQ(nfkc("　"), " ");
  EXPECT_EQ(nfkc("日本語"), "日本語");
  EXPECT_EQ(nfkc(""), "");
}

TEST(JaTextTest, NormalizeAsciiInput) {
  EXPECT_EQ(normalize_ascii_input("　０３－１２３４－５６７８　"), "03-1234-5678");
  EXPECT_EQ(normalize_ascii_input("1ー2－3―4‐5−6–7—8ｰ9"), "1-2-3-4-5-6-7-8-9");
  EXPECT_EQ(normalize_ascii_input(" \t abc \r\n"), "abc");
  EXPECT_EQ(normalize_ascii_input("ａ　ｂ"), "a b");
  EXPECT_EQ(normalize_ascii_input("　　"), "");
}

TEST(JaTextTest, FuriganaFromEveryKana) {
  EXPECT_EQ(to_katakana_furigana("ヤマダ"), "ヤマダ");
  EXPECT_EQ(to_katakana_furigana("やまだ"), "ヤマダ");
  EXPECT_EQ(to_katakana_furigana("ﾔﾏﾀﾞ"), "ヤマダ");
  EXPECT_EQ(to_katakana_furigana("やマﾀﾞ"), "ヤマダ");
  EXPECT_EQ(to_katakana_furigana("ゔぁいおりん"), "ヴァイオリン");
  EXPECT_EQ(to_katakana_furigana("ﾙｰｼｰ"), "ルーシー");
  EXPECT_EQ(to_katakana_furigana("ｼﾞｮﾝ･ｽﾐｽ"), "ジョン・スミス");
  EXPECT_EQ(to_katakana_furigana("か\u3099"), "ガ");  // combining dakuten composes
  EXPECT_EQ(to_katakana_furigana("いすゞ"), "イスヾ");
  EXPECT_EQ(to_katakana_furigana("ぁぃぅぇぉっゃゅょゎゕゖ"), "ァィゥェォッャュョヮヵヶ");
}

TEST(JaTextTest, FuriganaSpaces) {
  EXPECT_EQ(to_katakana_furigana("やまだ たろう"), "ヤマダ　タロウ");
  EXPECT_EQ(to_katakana_furigana("やまだ　　 たろう"), "ヤマダ　タロウ");
  EXPECT_EQ(to_katakana_furigana("  ﾔﾏﾀﾞ ﾀﾛｳ　"), "ヤマダ　タロウ");
  EXPECT_EQ(to_katakana_furigana(""), "");
  EXPECT_EQ(to_katakana_furigana("　"), "");
}

TEST(JaTextTest, FuriganaRefusesEverythingElse) {
  for (const char* bad : {"山田", "やまだ太郎", "yamada", "ＹＡＭＡＤＡ", "ヤマダ1", "ヤマダ。",
                          "ヤマダ-タロウ", "ヤマダ\tタロウ", "𠮷", "ヤマダ\U000E0100", "\u3099"}) {
    EXPECT_EQ(to_katakana_furigana(bad), std::nullopt) << bad;
  }
}

TEST(JaTextTest, PostalCodes) {
  for (const char* ok : {"1234567", "123-4567", "〒１２３－４５６７", "〒123-4567", "〒 123-4567",
                         " 123ー4567 ", "１２３４５６７", "〶123-4567"}) {
    EXPECT_EQ(normalize_postal_code(ok), "123-4567") << ok;
  }
  for (const char* bad :
       {"", "〒", "123456", "12345678", "12-34567", "1234-567", "123-45678", "123--4567",
        "123 4567", "abc-defg", "123-456a", "〒〒1234567", "1234567〒"}) {
    EXPECT_EQ(normalize_postal_code(bad), std::nullopt) << bad;
  }
}

TEST(JaTextTest, Phones) {
  EXPECT_EQ(normalize_phone("03-1234-5678"), "03-1234-5678");
  EXPECT_EQ(normalize_phone("０３－１２３４－５６７８"), "03-1234-5678");
  EXPECT_EQ(normalize_phone("09012345678"), "09012345678");
  EXPECT_EQ(normalize_phone("090-1234-5678"), "090-1234-5678");
  EXPECT_EQ(normalize_phone("090ー1234ー5678"), "090-1234-5678");
  EXPECT_EQ(normalize_phone("(03)1234-5678"), "03-1234-5678");
  EXPECT_EQ(normalize_phone("03(1234)5678"), "03-1234-5678");
  EXPECT_EQ(normalize_phone("03 1234 5678"), "03-1234-5678");
  EXPECT_EQ(normalize_phone("03--1234-5678-"), "03-1234-5678");
  EXPECT_EQ(normalize_phone("0120-123-456"), "0120-123-456");
  for (const char* bad : {"", "1234567890", "03-1234-567", "090-1234-56789", "+81-3-1234-5678",
                          "03-1234-5678 内線12", "03.1234.5678", "abc", "0"}) {
    EXPECT_EQ(normalize_phone(bad), std::nullopt) << bad;
  }
}

TEST(JaTextTest, Emails) {
  EXPECT_EQ(normalize_email("taro@example.jp"), "taro@example.jp");
  EXPECT_EQ(normalize_email("ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ"), "taro@example.jp");
  EXPECT_EQ(normalize_email("　taro.yamada+city@example.co.jp "), "taro.yamada+city@example.co.jp");
  EXPECT_EQ(normalize_email("a..b.@docomo.ne.jp"), "a..b.@docomo.ne.jp");  // real carrier addresses
  EXPECT_EQ(normalize_email("x@" + std::string(248, 'a') + ".jp"),
            "x@" + std::string(248, 'a') + ".jp");
  for (const std::string& bad :
       {std::string(), "taro"s, "taro@example"s, "@example.jp"s, "taro@"s, "taro@@example.jp"s,
        "a@b@example.jp"s, "ta ro@example.jp"s, "taro@exa mple.jp"s, "taro@.example.jp"s,
        "taro@example.jp."s, "taro@example..jp"s, "x@" + std::string(250, 'a') + ".jp",
        "山田@example.jp"s, "taro@例え.jp"s, "taro\x01@example.jp"s}) {
    EXPECT_EQ(normalize_email(bad), std::nullopt) << bad;
  }
}

TEST(JaTextTest, Integers) {
  EXPECT_EQ(parse_integer("1234"), 1234);
  EXPECT_EQ(parse_integer("1,000"), 1000);
  EXPECT_EQ(parse_integer("１，０００"), 1000);
  EXPECT_EQ(parse_integer("１２３４５"), 12345);
  EXPECT_EQ(parse_integer("1,234,567"), 1234567);
  EXPECT_EQ(parse_integer("-5"), -5);
  EXPECT_EQ(parse_integer("－５"), -5);
  EXPECT_EQ(parse_integer("−5"), -5);
  EXPECT_EQ(parse_integer(" 42 "), 42);
  EXPECT_EQ(parse_integer("0"), 0);
  EXPECT_EQ(parse_integer("007"), 7);
  EXPECT_EQ(parse_integer("9223372036854775807"), 9223372036854775807LL);
  EXPECT_EQ(parse_integer("9,223,372,036,854,775,807"), 9223372036854775807LL);
  EXPECT_EQ(parse_integer("-9223372036854775808"), std::numeric_limits<long long>::min());
  for (const char* bad : {"", "-", "9223372036854775808", "-9223372036854775809",
                          "99999999999999999999", "1,00", "10,00,000", "1000,000", ",100", "1,",
                          "1,,000", "1.5", "12a", "+5", "--5", "1 000", "1000円", "一千"}) {
    EXPECT_EQ(parse_integer(bad), std::nullopt) << bad;
  }
}

TEST(JaTextTest, Numbers) {
  EXPECT_EQ(parse_number("12.5"), 12.5);
  EXPECT_EQ(parse_number("１２．５"), 12.5);
  EXPECT_EQ(parse_number("-0.25"), -0.25);
  EXPECT_EQ(parse_number("1,234.5"), 1234.5);
  EXPECT_EQ(parse_number("3"), 3.0);
  for (const char* bad :
       {"", "12.", ".5", "1.2.3", "1e3", "abc", "nan", "inf", "1,23.5", "-", "1.5x"}) {
    EXPECT_EQ(parse_number(bad), std::nullopt) << bad;
  }
}

TEST(JaTextTest, CharCount) {
  EXPECT_EQ(char_count(""), 0u);
  EXPECT_EQ(char_count("abc"), 3u);
  EXPECT_EQ(char_count("山田太郎"), 4u);
  EXPECT_EQ(char_count("𠮷野家"), 3u);  // 𠮷 is outside the BMP (a surrogate pair in UTF-16)
  EXPECT_EQ(char_count("葛\U000E0100飾"), 2u);  // an IVS picks a glyph; it is not a character
  EXPECT_EQ(char_count("邊\U000E0101"), 1u);
  EXPECT_EQ(char_count("髙橋"), 2u);
  EXPECT_EQ(char_count("❤\uFE0F"), 1u);  // standardised variation sequence
  EXPECT_EQ(char_count("ガ"), 1u);
  EXPECT_EQ(char_count("\xFF\xFE"), 2u);  // each ill-formed byte counts once
}

TEST(JaTextTest, SearchFoldEquivalences) {
  EXPECT_EQ(search_fold("じゅうみんひょう"), search_fold("ジュウミンヒョウ"));
  EXPECT_EQ(search_fold("ｼﾞｭｳﾐﾝﾋｮｳ"), search_fold("ジュウミンヒョウ"));
  EXPECT_EQ(search_fold("住民票 の 写し"), search_fold("住民票の写し"));
  EXPECT_EQ(search_fold("住民票　の写し"), search_fold("住民票の写し"));
  EXPECT_EQ(search_fold("ＡＢＣ"), "abc");
  EXPECT_EQ(search_fold("Ｍｙナンバー"), search_fold("myなんばー"));
  EXPECT_EQ(search_fold("ﾏｲﾅﾝﾊﾞｰｶｰﾄﾞ"), "マイナンバーカード");
  EXPECT_EQ(search_fold("Hello World"), "helloworld");
  EXPECT_NE(search_fold("住民票"), search_fold("戸籍"));
  EXPECT_NE(search_fold("かき"), search_fold("がき"));
}

}  // namespace
}  // namespace madoguchi::ja

namespace {

TEST(CjkSpaces, FoldedLinesJoinWithoutASpaceBetweenCjkCharacters) {
  using madoguchi::ja::remove_spaces_between_cjk;
  EXPECT_EQ(remove_spaces_between_cjk("準半壊・ 準半壊に至らない"), "準半壊・準半壊に至らない");
  EXPECT_EQ(remove_spaces_between_cjk("応急修理、 税や"), "応急修理、税や");
  EXPECT_EQ(remove_spaces_between_cjk("𠮷田 さん"), "𠮷田さん");
  // Spaces next to Latin letters or digits stay.
  EXPECT_EQ(remove_spaces_between_cjk("1通 300円"), "1通 300円");
  EXPECT_EQ(remove_spaces_between_cjk("My Number カード"), "My Number カード");
  EXPECT_EQ(remove_spaces_between_cjk("全角　スペース"), "全角　スペース");  // U+3000 is not ASCII space
  EXPECT_EQ(remove_spaces_between_cjk(""), "");
}

}  // namespace
