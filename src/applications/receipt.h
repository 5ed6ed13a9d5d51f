// 受付番号 (receipt numbers): short, unambiguous read over the phone, with a check character.
// Format "XXXX-XXXX-C": 8 random symbols from the 32-symbol alphabet
// "23456789ABCDEFGHJKLMNPQRSTUVWXYZ" (no 0/O, 1/I) and one check symbol over the same alphabet
// (a position-weighted sum in GF(32), the field of 32 elements, with nine distinct weights, so
// that every single-symbol error and every swap of two symbols, adjacent or not, is detected;
// a sum mod 31 could not promise this, since two of 32 symbols share a residue mod 31).
// 32^8 ≈ 1.1e12 possible numbers.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace madoguchi {

// A fresh random receipt number (randomness from libsodium).
std::string new_receipt_number();

// The canonical form of what someone typed ("abcd efgh c", "ABCDEFGHC", "ＡＢＣＤ－…"),
// or nullopt when it is malformed or its check symbol is wrong.
std::optional<std::string> canonical_receipt_number(std::string_view typed);

// The check symbol for 8 body symbols; '\0' when a symbol is outside the alphabet.
char receipt_check_symbol(std::string_view body8);

// A guest's access code: 8 digits, random, shown once on the receipt page.
std::string new_access_code();

}  // namespace madoguchi
