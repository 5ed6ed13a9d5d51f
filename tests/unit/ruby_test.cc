#include <gtest/gtest.h>

#include <string>

#include "ja/ruby.h"

namespace madoguchi::ja {
namespace {

using namespace std::string_literals;

TEST(RubyTest, KanjiWithReadingBecomesRuby) {
  EXPECT_EQ(ruby_html("児童手当(じどう てあて)を もらう 申請"),
            "<ruby>児童手当<rp>(</rp><rt>じどう てあて</rt><rp>)</rp></ruby>を もらう 申請");
  EXPECT_EQ(ruby_html("公務員(こうむいん)ですか"),
            "<ruby>公務員<rp>(</rp><rt>こうむいん</rt><rp>)</rp></ruby>ですか");
  EXPECT_EQ(ruby_html("貯蓄(ちょちく)口座"),
            "<ruby>貯蓄<rp>(</rp><rt>ちょちく</rt><rp>)</rp></ruby>口座");
  // Katakana, ー and 全角 spaces are readings too.
  EXPECT_EQ(ruby_html("確認(カクニン)"), "<ruby>確認<rp>(</rp><rt>カクニン</rt><rp>)</rp></ruby>");
  EXPECT_EQ(ruby_html("霞ヶ関(かすみがせき)"),
            "<ruby>霞ヶ関<rp>(</rp><rt>かすみがせき</rt><rp>)</rp></ruby>");
  EXPECT_EQ(ruby_html("人々(ひとびと)"), "<ruby>人々<rp>(</rp><rt>ひとびと</rt><rp>)</rp></ruby>");
}

TEST(RubyTest, FullWidthParenthesesAreKeptAsWritten) {
  EXPECT_EQ(ruby_html("住所（じゅうしょ）"),
            "<ruby>住所<rp>（</rp><rt>じゅうしょ</rt><rp>）</rp></ruby>");
  EXPECT_EQ(ruby_html("住所（じゅうしょ)"),
            "<ruby>住所<rp>（</rp><rt>じゅうしょ</rt><rp>)</rp></ruby>");
}

TEST(RubyTest, SeveralReadingsInOneText) {
  EXPECT_EQ(ruby_html("厚生年金(こうせい ねんきん)・共済組合(きょうさい くみあい)(会社で はたらく 人など)"),
            "<ruby>厚生年金<rp>(</rp><rt>こうせい ねんきん</rt><rp>)</rp></ruby>・"
            "<ruby>共済組合<rp>(</rp><rt>きょうさい くみあい</rt><rp>)</rp></ruby>(会社で はたらく 人など)");
}

TEST(RubyTest, OnlyTheKanjiRunRightBeforeTheParenthesis) {
  EXPECT_EQ(ruby_html("お金(児童手当)"), "お金(児童手当)");
  EXPECT_EQ(ruby_html("子ども(こども)"), "子ども(こども)");
  EXPECT_EQ(ruby_html("お金(おかね)"), "お<ruby>金<rp>(</rp><rt>おかね</rt><rp>)</rp></ruby>");
  EXPECT_EQ(ruby_html("(かな)"), "(かな)");
  EXPECT_EQ(ruby_html("ABC(かな)"), "ABC(かな)");
  // A space between the kanji and the parenthesis breaks the pattern.
  EXPECT_EQ(ruby_html("漢字 (かんじ)"), "漢字 (かんじ)");
  EXPECT_EQ(ruby_html("住所(3ちょうめ)"), "住所(3ちょうめ)");
}

TEST(RubyTest, SurrogatePairKanjiAndVariationSelectors) {
  EXPECT_EQ(ruby_html("𠮷(よし)"), "<ruby>𠮷<rp>(</rp><rt>よし</rt><rp>)</rp></ruby>");
  EXPECT_EQ(ruby_html("𠮷野家(よしのや)"), "<ruby>𠮷野家<rp>(</rp><rt>よしのや</rt><rp>)</rp></ruby>");
  EXPECT_EQ(ruby_html("葛\U000E0100飾区(かつしかく)"),
            "<ruby>葛\U000E0100飾区<rp>(</rp><rt>かつしかく</rt><rp>)</rp></ruby>");
}

TEST(RubyTest, EmptyOrBlankOrUnbalancedReadingsStayText) {
  EXPECT_EQ(ruby_html("漢字()"), "漢字()");
  EXPECT_EQ(ruby_html("漢字(  )"), "漢字(  )");
  EXPECT_EQ(ruby_html("漢字(　)"), "漢字(　)");
  EXPECT_EQ(ruby_html("漢字(かんじ"), "漢字(かんじ");
  EXPECT_EQ(ruby_html("漢字かんじ)"), "漢字かんじ)");
  EXPECT_EQ(ruby_html("漢字((かんじ))"), "漢字((かんじ))");
  EXPECT_EQ(ruby_html("漢字(かん(じ))"), "漢字(かん(じ))");
  EXPECT_EQ(ruby_html("漢字(かんじ))"), "<ruby>漢字<rp>(</rp><rt>かんじ</rt><rp>)</rp></ruby>)");
  EXPECT_EQ(ruby_html("漢字(かんじ)(かんじ)"),
            "<ruby>漢字<rp>(</rp><rt>かんじ</rt><rp>)</rp></ruby>(かんじ)");
  EXPECT_EQ(ruby_html(""), "");
}

TEST(RubyTest, EverythingElseIsEscaped) {
  EXPECT_EQ(ruby_html("<script>(かな)"), "&lt;script&gt;(かな)");
  EXPECT_EQ(ruby_html("<script>alert(1)</script>"), "&lt;script&gt;alert(1)&lt;/script&gt;");
  EXPECT_EQ(ruby_html("&amp;"), "&amp;amp;");
  EXPECT_EQ(ruby_html("\"'"), "&quot;&#39;");
  EXPECT_EQ(ruby_html("漢字(<b>)"), "漢字(&lt;b&gt;)");
  EXPECT_EQ(ruby_html("漢字(かな<b>)"), "漢字(かな&lt;b&gt;)");
  EXPECT_EQ(ruby_html("a&b 漢字(かんじ) \"x\" <i>"),
            "a&amp;b <ruby>漢字<rp>(</rp><rt>かんじ</rt><rp>)</rp></ruby> &quot;x&quot; &lt;i&gt;");
  // No byte of an ill-formed sequence reaches the output.
  EXPECT_EQ(ruby_html("a\xFF<b"), "a\xEF\xBF\xBD&lt;b");
  EXPECT_EQ(ruby_html("\xE6\xBC(かな)"), "\xEF\xBF\xBD\xEF\xBF\xBD(かな)");
  EXPECT_EQ(ruby_html("\xC0\xBC"), "\xEF\xBF\xBD\xEF\xBF\xBD");  // overlong '<'
}

TEST(RubyTest, EscapeHtmlEscapesEverythingAndAddsNoMarkup) {
  EXPECT_EQ(escape_html("児童手当(じどう てあて)"), "児童手当(じどう てあて)");
  EXPECT_EQ(escape_html("<a href='x'>&\"</a>"), "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;");
  EXPECT_EQ(escape_html("a\x80"), "a\xEF\xBF\xBD");
}

}  // namespace
}  // namespace madoguchi::ja
