// The store unit tests run on: a SQLite file in a fresh temporary directory, or — when CTest's
// PostgreSQL entries set MADOGUCHI_TEST_STORE_URL_FILE — a fresh database on the test server
// (see tests/support/pg_test_database.h). Either way the store starts empty and unmigrated.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>

#include "store/store.h"
#include "support/pg_test_database.h"

namespace madoguchi::test {

// A Store that deletes its temporary directory when it goes away.
class TempDirStore : public store::Store {
 public:
  TempDirStore(std::unique_ptr<store::Store> inner, std::filesystem::path dir)
      : inner_(std::move(inner)), dir_(std::move(dir)) {}
  ~TempDirStore() override {
    inner_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  Result<std::unique_ptr<store::Transaction>> begin(Mode mode) override { return inner_->begin(mode); }
  Status migrate() override { return inner_->migrate(); }
  Status ping() override { return inner_->ping(); }
  std::string backend() const override { return inner_->backend(); }
  Status after_import(store::Transaction& tx, const std::vector<std::string>& tables) override {
    return inner_->after_import(tx, tables);
  }

 private:
  std::unique_ptr<store::Store> inner_;
  std::filesystem::path dir_;
};

// The URL of a new empty store (a fresh PostgreSQL database, or a SQLite file in a new
// temporary directory whose path goes to *dir); "" after adding a test failure.
inline std::string new_test_store_url(std::filesystem::path* dir) {
  if (postgres_tests()) {
    std::string error;
    std::string url = create_postgres_test_database(&error);
    if (url.empty()) ADD_FAILURE() << error;
    return url;
  }
  std::string tmpl = (std::filesystem::temp_directory_path() / "madoguchi_store_test_XXXXXX").string();
  if (!mkdtemp(tmpl.data())) {
    ADD_FAILURE() << "mkdtemp failed";
    return "";
  }
  *dir = tmpl;
  return "sqlite:" + (*dir / "madoguchi.db").string();
}

// Opens a new empty store, not migrated; nullptr after adding a test failure.
inline std::unique_ptr<store::Store> open_test_store() {
  std::filesystem::path dir;
  std::string url = new_test_store_url(&dir);
  if (url.empty()) return nullptr;
  auto s = store::Store::open(url);
  if (!s.ok()) {
    ADD_FAILURE() << "cannot open the test store: " << s.status().message();
    if (!dir.empty()) std::filesystem::remove_all(dir);
    return nullptr;
  }
  if (dir.empty()) return std::move(*s);
  return std::make_unique<TempDirStore>(std::move(*s), dir);
}

// A fixture with a new, migrated store (store_), its URL (url_, for tests that open it again,
// as other nodes would) and, on SQLite, its temporary directory, removed at the end.
class MigratedStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    url_ = new_test_store_url(&dir_);
    ASSERT_FALSE(url_.empty());
    auto s = store::Store::open(url_);
    ASSERT_TRUE(s.ok()) << s.status().message();
    store_ = std::move(*s);
    ASSERT_TRUE(store_->migrate().ok());
  }
  void TearDown() override {
    store_.reset();
    std::error_code ec;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
  }

  std::string url_;
  std::filesystem::path dir_;
  std::unique_ptr<store::Store> store_;
};

}  // namespace madoguchi::test
