#include "applications/receipt.h"

#include <sodium.h>

#include <cstdio>
#include <cstdlib>

#include "ja/text.h"

namespace madoguchi {

namespace {

constexpr std::string_view kAlphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
static_assert(kAlphabet.size() == 32);

void ensure_sodium() {
  // A function-local static runs sodium_init exactly once even with concurrent first calls.
  static const bool ready = [] {
    if (sodium_init() < 0) {
      // Receipt numbers and access codes guard residents' applications: predictable ones
      // would be worse than none.
      std::fputs("madoguchi: libsodium failed to initialise\n", stderr);
      std::abort();
    }
    return true;
  }();
  (void)ready;
}

int symbol_value(char c) {
  const size_t pos = kAlphabet.find(c);
  return pos == std::string_view::npos ? -1 : static_cast<int>(pos);
}

// Multiplication in GF(32) modulo the primitive polynomial x^5 + x^2 + 1.
unsigned gf32_mul(unsigned a, unsigned b) {
  unsigned r = 0;
  while (b != 0) {
    if (b & 1) r ^= a;
    b >>= 1;
    a <<= 1;
    if (a & 0x20) a ^= 0x25;
  }
  return r;
}

}  // namespace

// Why GF(32) and not a sum mod 31: with 32 body symbols, two symbols share a residue mod 31,
// so swapping one for the other would go unnoticed. In a field, weight * (a - b) is never
// zero for a != b, and (w_i - w_j) * (a - b) is never zero for distinct weights: every
// single substitution and every transposition, adjacent or not, changes the check symbol.
// Body symbol i has weight x^(i+1), the check symbol weight 1 = x^0; all nine differ since x
// has order 31.
char receipt_check_symbol(std::string_view body8) {
  if (body8.size() != 8) return '\0';
  unsigned sum = 0;
  unsigned weight = 1;
  for (char c : body8) {
    weight = gf32_mul(weight, 2);
    const int v = symbol_value(c);
    if (v < 0) return '\0';
    sum ^= gf32_mul(weight, static_cast<unsigned>(v));
  }
  return kAlphabet[sum];
}

std::string new_receipt_number() {
  ensure_sodium();
  std::string body;
  for (int i = 0; i < 8; ++i) body += kAlphabet[randombytes_uniform(kAlphabet.size())];
  return body.substr(0, 4) + "-" + body.substr(4) + "-" + receipt_check_symbol(body);
}

std::optional<std::string> canonical_receipt_number(std::string_view typed) {
  std::string symbols;
  for (char c : ja::normalize_ascii_input(typed)) {
    if (c == ' ' || c == '-') continue;
    symbols += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  }
  if (symbols.size() != 9) return std::nullopt;
  const std::string body = symbols.substr(0, 8);
  const char check = receipt_check_symbol(body);
  if (check == '\0' || check != symbols[8]) return std::nullopt;
  return body.substr(0, 4) + "-" + body.substr(4) + "-" + check;
}

std::string new_access_code() {
  ensure_sodium();
  std::string code;
  for (int i = 0; i < 8; ++i) code += static_cast<char>('0' + randombytes_uniform(10));
  return code;
}

}  // namespace madoguchi
