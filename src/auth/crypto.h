// Thin wrappers over libsodium for what auth and audit need. Nothing here is home-made crypto.
#pragma once

#include <string>
#include <string_view>

namespace madoguchi::auth {

// argon2id (crypto_pwhash_str, interactive limits): the encoded hash includes salt and params.
std::string hash_password(std::string_view password);
bool verify_password(const std::string& encoded_hash, std::string_view password);
// 32 random bytes as 43 base64url characters: session tokens, CSRF tokens, attachment ids.
std::string random_token();
// Lower-case hex SHA-256.
std::string sha256_hex(std::string_view data);
// Compares without leaking where the first difference is.
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace madoguchi::auth
