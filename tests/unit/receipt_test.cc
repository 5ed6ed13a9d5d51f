#include "applications/receipt.h"

#include <gtest/gtest.h>

#include <random>
#include <set>
#include <thread>
#include <vector>

namespace madoguchi {
namespace {

constexpr std::string_view kAlphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

// Deterministic bodies, so a failure can be replayed.
std::string random_body(std::mt19937& rng) {
  std::uniform_int_distribution<size_t> pick(0, kAlphabet.size() - 1);
  std::string body;
  for (int i = 0; i < 8; ++i) body += kAlphabet[pick(rng)];
  return body;
}

// The nine symbols as one codeword: body then check.
std::string codeword(const std::string& body) { return body + receipt_check_symbol(body); }

bool codeword_valid(const std::string& nine) {
  return receipt_check_symbol(nine.substr(0, 8)) == nine[8];
}

// Full-width form of ASCII text, as a resident typing with a Japanese IME would produce it.
std::string zenkaku(std::string_view ascii) {
  std::string out;
  for (char c : ascii) {
    const char32_t wide = c == ' ' ? U'\u3000' : static_cast<char32_t>(c) + 0xFEE0;
    out += static_cast<char>(0xE0 | (wide >> 12));
    out += static_cast<char>(0x80 | ((wide >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (wide & 0x3F));
  }
  return out;
}

TEST(ReceiptTest, NewNumbersHaveTheFormatAndAValidCheck) {
  std::set<std::string> seen;
  for (int i = 0; i < 2000; ++i) {
    const std::string n = new_receipt_number();
    ASSERT_EQ(n.size(), 11u) << n;
    ASSERT_EQ(n[4], '-');
    ASSERT_EQ(n[9], '-');
    for (size_t j : {0, 1, 2, 3, 5, 6, 7, 8, 10}) {
      ASSERT_NE(kAlphabet.find(n[j]), std::string_view::npos) << n;
    }
    ASSERT_EQ(canonical_receipt_number(n), n);
    seen.insert(n);
  }
  EXPECT_EQ(seen.size(), 2000u);  // 2000 draws from 1.1e12 do not collide in practice.
}

TEST(ReceiptTest, CheckSymbolIsStable) {
  // Numbers already handed to residents must stay valid: pin the algorithm.
  EXPECT_EQ(receipt_check_symbol("22222222"), '2');
  EXPECT_EQ(canonical_receipt_number("2222-2222-2"), "2222-2222-2");
  EXPECT_EQ(receipt_check_symbol("23456789"), '5');
  EXPECT_EQ(receipt_check_symbol("ABCDEFGH"), 'B');
}

TEST(ReceiptTest, CheckSymbolRejectsBadBodies) {
  EXPECT_EQ(receipt_check_symbol("2345678"), '\0');
  EXPECT_EQ(receipt_check_symbol("234567890"), '\0');
  EXPECT_EQ(receipt_check_symbol("2345678O"), '\0');
  EXPECT_EQ(receipt_check_symbol("2345678I"), '\0');
  EXPECT_EQ(receipt_check_symbol("23456781"), '\0');
  EXPECT_EQ(receipt_check_symbol("abcdefgh"), '\0');
  EXPECT_EQ(receipt_check_symbol(std::string_view("2345678\0", 8)), '\0');
}

TEST(ReceiptTest, DetectsEverySingleSymbolSubstitution) {
  std::mt19937 rng(20250401);
  for (int round = 0; round < 1000; ++round) {
    const std::string good = codeword(random_body(rng));
    for (size_t pos = 0; pos < 9; ++pos) {
      for (char c : kAlphabet) {
        if (c == good[pos]) continue;
        std::string bad = good;
        bad[pos] = c;
        ASSERT_FALSE(codeword_valid(bad)) << good << " -> " << bad;
      }
    }
  }
}

TEST(ReceiptTest, DetectsEveryAdjacentTransposition) {
  std::mt19937 rng(7);
  for (int round = 0; round < 5000; ++round) {
    const std::string good = codeword(random_body(rng));
    // Position 8 is the check symbol: swapping it with the last body symbol must show too.
    for (size_t pos = 0; pos + 1 < 9; ++pos) {
      if (good[pos] == good[pos + 1]) continue;
      std::string bad = good;
      std::swap(bad[pos], bad[pos + 1]);
      ASSERT_FALSE(codeword_valid(bad)) << good << " -> " << bad;
    }
  }
}

TEST(ReceiptTest, DetectsTheConfusablePairThatModThirtyOneWouldMiss) {
  // '2' and 'Z' are symbols 0 and 31: equal mod 31, so a mod-31 sum could not tell them apart.
  for (size_t pos = 0; pos < 8; ++pos) {
    std::string body = "ABCDEFGH";
    body[pos] = '2';
    const char check = receipt_check_symbol(body);
    body[pos] = 'Z';
    EXPECT_NE(receipt_check_symbol(body), check) << pos;
  }
}

TEST(ReceiptTest, CanonicalFormAcceptsWhatResidentsType) {
  std::mt19937 rng(42);
  for (int round = 0; round < 200; ++round) {
    const std::string nine = codeword(random_body(rng));
    const std::string canonical =
        nine.substr(0, 4) + "-" + nine.substr(4, 4) + "-" + nine.substr(8);
    std::string lower;
    for (char c : canonical)
      lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const std::string spaced = nine.substr(0, 4) + " " + nine.substr(4, 4) + " " + nine.substr(8);
    for (const std::string& typed :
         {canonical, nine, lower, spaced, zenkaku(canonical), zenkaku(spaced), zenkaku(lower),
          " " + canonical + " ",
          nine.substr(0, 4) + "ー" + nine.substr(4, 4) + "－" + nine.substr(8),
          nine.substr(0, 2) + "-" + nine.substr(2)}) {
      ASSERT_EQ(canonical_receipt_number(typed), canonical) << typed;
    }
  }
}

TEST(ReceiptTest, CanonicalFormRefusesMalformedInput) {
  const std::string n = new_receipt_number();
  const char wrong_check = n[10] == 'A' ? 'B' : 'A';
  for (const std::string& typed :
       {std::string(), n.substr(0, 9), n + "2", n.substr(0, 10) + wrong_check,
        std::string("OOOO-OOOO-O"), std::string("1111-1111-1"), n.substr(0, 10) + "_",
        n + "\n" + "x", n.substr(0, 4) + "." + n.substr(5)}) {
    EXPECT_EQ(canonical_receipt_number(typed), std::nullopt) << typed;
  }
}

TEST(ReceiptTest, AccessCodesAreEightRandomDigits) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const std::string code = new_access_code();
    ASSERT_EQ(code.size(), 8u);
    for (char c : code) ASSERT_TRUE(c >= '0' && c <= '9') << code;
    seen.insert(code);
  }
  EXPECT_GT(seen.size(), 990u);  // Birthday collisions among 1e8 codes are rare, not impossible.
}

TEST(ReceiptTest, ConcurrentUseIsSafe) {
  std::vector<std::thread> threads;
  std::vector<std::string> results(8);
  for (size_t i = 0; i < results.size(); ++i) {
    threads.emplace_back([&results, i] { results[i] = new_receipt_number(); });
  }
  for (auto& t : threads) t.join();
  for (const auto& r : results) EXPECT_EQ(canonical_receipt_number(r), r);
}

}  // namespace
}  // namespace madoguchi
