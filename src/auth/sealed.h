// Small secrets kept in the store encrypted (staff's TOTP secrets): libsodium's
// crypto_aead_xchacha20poly1305_ietf under a 32-byte key kept in a file outside the store, so a
// copy of the database alone does not give anyone the second factor. The associated data binds
// a sealed value to its row ("totp:12"), so it cannot be moved to another account.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace madoguchi::auth {

// The key in `path`: 32 random bytes, created (mode 0600, atomically, so two nodes starting
// together agree on one key) when the file does not exist. Invalid when the file is not 32
// bytes, or can be read by its group or others; Io when it cannot be read or created.
Result<std::string> load_or_create_key(const std::string& path);

// nonce ‖ ciphertext, base64 (URL-safe, no padding).
std::string seal(const std::string& key, std::string_view plaintext, std::string_view associated);
// The plaintext of seal(); Invalid when it was sealed under another key or associated data,
// or was changed.
Result<std::string> unseal(const std::string& key, std::string_view sealed, std::string_view associated);

}  // namespace madoguchi::auth
