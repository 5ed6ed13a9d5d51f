// Fresh PostgreSQL databases for tests. CTest's "pg_start" fixture starts a throwaway server
// (tests/support/pg_server.sh) and the "*_postgres" test entries set
// MADOGUCHI_TEST_STORE_URL_FILE to the file holding its URL; every store a test opens is then
// a new, empty database on that server, so tests stay as isolated as with a SQLite file each.
// The databases are not dropped one by one (DROP DATABASE costs about 2 s of fsyncs each);
// the whole server and its data directory go when "pg_stop" runs.
//
// Header-only so that both test binaries can use it without a shared test library.
#pragma once

#include <libpq-fe.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <fstream>
#include <random>
#include <string>

namespace madoguchi::test {

// True when the tests must run against PostgreSQL (the environment says so).
inline bool postgres_tests() {
  const char* f = std::getenv("MADOGUCHI_TEST_STORE_URL_FILE");
  return f && *f;
}

// `url` with its database name replaced by `db` (query parameters kept).
inline std::string postgres_url_with_database(const std::string& url, const std::string& db) {
  size_t scheme = url.find("://");
  size_t slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  size_t query = url.find('?');
  std::string head = url.substr(0, std::min(slash, query));
  std::string tail = query == std::string::npos ? "" : url.substr(query);
  return head + "/" + db + tail;
}

// Creates an empty database on the test server and returns its URL, or "" with *error set.
inline std::string create_postgres_test_database(std::string* error) {
  const char* file = std::getenv("MADOGUCHI_TEST_STORE_URL_FILE");
  std::ifstream in(file ? file : "");
  std::string base;
  if (!std::getline(in, base) || base.empty()) {
    *error = std::string("no server URL in ") + (file ? file : "(unset)") + " — is the pg_start fixture running?";
    return "";
  }
  static std::atomic<int> counter{0};
  std::random_device rd;
  std::string name = "t" + std::to_string(::getpid()) + "_" + std::to_string(++counter) + "_" + std::to_string(rd() % 1000000);
  PGconn* conn = PQconnectdb(base.c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    *error = std::string("cannot connect to the test server: ") + PQerrorMessage(conn);
    PQfinish(conn);
    return "";
  }
  PGresult* r = PQexec(conn, ("CREATE DATABASE " + name).c_str());
  bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
  if (!ok) *error = std::string("CREATE DATABASE failed: ") + PQresultErrorMessage(r);
  PQclear(r);
  PQfinish(conn);
  return ok ? postgres_url_with_database(base, name) : "";
}

}  // namespace madoguchi::test
