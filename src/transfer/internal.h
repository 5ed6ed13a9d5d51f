// Pieces shared by export.cc and import.cc: the checksum and the JSON form of one value.
#pragma once

#include <sodium.h>

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/status.h"
#include "store/store.h"

namespace madoguchi::transfer::internal {

// ordered_json keeps columns in schema order, so a file reads naturally.
using Json = nlohmann::ordered_json;

inline constexpr const char* kFormat = "madoguchi-export";
inline constexpr int kFormatVersion = 1;

// SHA-256 over the lines of a file as they are written or read.
class Checksum {
 public:
  Checksum();
  // Adds one line and the '\n' that ends it.
  void add_line(std::string_view line);
  std::string hex();

 private:
  crypto_hash_sha256_state state_;
};

// A value as JSON (see transfer.h); Invalid for a float that is not finite.
Result<Json> to_json(const store::Value& v);
// The inverse; Invalid for anything to_json cannot produce.
Result<store::Value> from_json(const Json& j);

}  // namespace madoguchi::transfer::internal
