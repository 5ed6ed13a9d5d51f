// Status: the outcome of an operation that can fail, after LevelDB's leveldb::Status.
// Result<T>: a value or a Status. Both are cheap to move; an ok Status carries no message.
// Both are [[nodiscard]]: a failure nobody looks at is a failure nobody hears of. Handle it
// (return it, log it at error level saying what failed, or assert it in a test).
#pragma once

#include <optional>
#include <string>
#include <utility>

namespace madoguchi {

class [[nodiscard]] Status {
 public:
  enum class Code { kOk, kNotFound, kInvalid, kConflict, kPermissionDenied, kIo, kInternal };

  Status() = default;
  static Status Ok() { return Status(); }
  static Status NotFound(std::string msg) { return Status(Code::kNotFound, std::move(msg)); }
  static Status Invalid(std::string msg) { return Status(Code::kInvalid, std::move(msg)); }
  // Someone else changed the thing between our read and our write.
  static Status Conflict(std::string msg) { return Status(Code::kConflict, std::move(msg)); }
  static Status PermissionDenied(std::string msg) {
    return Status(Code::kPermissionDenied, std::move(msg));
  }
  static Status Io(std::string msg) { return Status(Code::kIo, std::move(msg)); }
  static Status Internal(std::string msg) { return Status(Code::kInternal, std::move(msg)); }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }

 private:
  Status(Code code, std::string msg) : code_(code), message_(std::move(msg)) {}
  Code code_ = Code::kOk;
  std::string message_;
};

// Holds either a T (status().ok()) or a failed Status. value() on a failed Result is a bug.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {}  // NOLINT: implicit by design

  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() { return *value_; }
  const T& operator*() const { return *value_; }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace madoguchi
