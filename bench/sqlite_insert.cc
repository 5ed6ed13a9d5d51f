// sqlite_insert: the reference for durable submissions — one SQLite insert per transaction,
// each transaction fsync'd before the next one starts on that thread.
//
// The database is set up like madoguchi's store (journal_mode=WAL, synchronous=FULL,
// busy_timeout 10 s, BEGIN IMMEDIATE for writers) and the table is madoguchi's `applications`
// table with its indexes (src/store/migrations.cc). Every transaction is
//
//   BEGIN IMMEDIATE; INSERT INTO applications (...) VALUES (...); COMMIT;
//
// with a fresh receipt number, a fresh access-code hash and an answers JSON document of
// --answers-bytes bytes (Japanese text, like a real application). Each thread has its own
// connection. Latency is BEGIN to the end of COMMIT, so with many threads it includes the
// wait for the write lock.
//
// Usage: sqlite_insert --db PATH [--threads 64] [--seconds 5] [--answers-bytes 2048]
// Prints a human summary and one "RESULT" line.
#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  std::string db;
  int threads = 64;
  double seconds = 5;
  size_t answers_bytes = 2048;
};

const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS applications (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  receipt TEXT NOT NULL UNIQUE,
  access_code_hash TEXT NOT NULL,
  procedure_id TEXT NOT NULL,
  procedure_version TEXT NOT NULL,
  account_id BIGINT,
  department TEXT NOT NULL,
  status TEXT NOT NULL,
  step INTEGER NOT NULL DEFAULT 0,
  assignee BIGINT,
  answers TEXT NOT NULL,
  answers_version INTEGER NOT NULL DEFAULT 1,
  fee BIGINT NOT NULL DEFAULT 0,
  submitted_at BIGINT NOT NULL,
  due_date TEXT NOT NULL,
  updated_at BIGINT NOT NULL,
  row_version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX IF NOT EXISTS applications_department ON applications (department, status);
CREATE INDEX IF NOT EXISTS applications_account ON applications (account_id);
)sql";

const char* kInsert =
    "INSERT INTO applications (receipt, access_code_hash, procedure_id, procedure_version, account_id, "
    "department, status, step, answers, answers_version, fee, submitted_at, due_date, updated_at, row_version) "
    "VALUES (?, ?, 'risai', ?, NULL, 'bousai', 'received', 0, ?, 1, 0, ?, ?, ?, 1)";

void die(sqlite3* db, const char* what) {
  std::fprintf(stderr, "sqlite_insert: %s: %s\n", what, db ? sqlite3_errmsg(db) : "?");
  std::exit(1);
}

sqlite3* open_db(const std::string& path) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                      nullptr) != SQLITE_OK) {
    die(db, "open");
  }
  sqlite3_busy_timeout(db, 10000);
  if (sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;", nullptr, nullptr, nullptr) !=
      SQLITE_OK) {
    die(db, "pragma");
  }
  return db;
}

// An answers document shaped like a 罹災証明書 application, padded with Japanese text to
// `bytes` bytes (UTF-8).
std::string answers_json(size_t bytes, uint64_t salt) {
  std::string j =
      "{\"relationship\":\"head\",\"applicant_name\":{\"family\":\"𠮷田\",\"given\":\"太郎\",\"family_kana\":"
      "\"ヨシダ\",\"given_kana\":\"タロウ\"},\"applicant_address\":{\"postal_code\":\"144-8621\",\"prefecture\":"
      "\"東京都\",\"city\":\"大田区\",\"town\":\"蒲田\",\"street\":\"五丁目13番14号\"},\"applicant_phone\":"
      "\"03-5744-1111\",\"disaster_kind\":\"earthquake\",\"salt\":\"" +
      std::to_string(salt) + "\",\"damage_description\":\"";
  const std::string filler = "屋根瓦が落ち、外壁にひびが入りました。";
  while (j.size() + filler.size() + 2 <= bytes) j += filler;
  while (j.size() + 2 < bytes) j += '.';
  j += "\"}";
  return j;
}

std::string hex_of(uint64_t a, uint64_t b, uint64_t c, uint64_t d) {
  char buf[65];
  std::snprintf(buf, sizeof buf, "%016llx%016llx%016llx%016llx", static_cast<unsigned long long>(a),
                static_cast<unsigned long long>(b), static_cast<unsigned long long>(c),
                static_cast<unsigned long long>(d));
  return buf;
}

double percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  size_t rank = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
  return sorted[std::clamp<size_t>(rank, 1, sorted.size()) - 1];
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i], v = argv[i + 1];
    if (a == "--db") {
      opt.db = v;
    } else if (a == "--threads") {
      opt.threads = std::atoi(v.c_str());
    } else if (a == "--seconds") {
      opt.seconds = std::atof(v.c_str());
    } else if (a == "--answers-bytes") {
      opt.answers_bytes = static_cast<size_t>(std::atol(v.c_str()));
    } else {
      std::fprintf(stderr, "unknown option %s\n", a.c_str());
      return 2;
    }
  }
  if (opt.db.empty() || opt.threads <= 0 || argc % 2 == 0) {
    std::fprintf(stderr, "usage: sqlite_insert --db PATH [--threads N] [--seconds S] [--answers-bytes B]\n");
    return 2;
  }

  {
    sqlite3* db = open_db(opt.db);
    if (sqlite3_exec(db, kSchema, nullptr, nullptr, nullptr) != SQLITE_OK) die(db, "schema");
    sqlite3_close(db);
  }

  std::atomic<uint64_t> serial{0};
  std::vector<std::vector<double>> lat(static_cast<size_t>(opt.threads));
  std::atomic<int> failures{0};
  const auto t0 = Clock::now();
  const auto deadline = t0 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(opt.seconds));
  // Bytes of the values bound in one row (text as stored, integers as 8 bytes).
  const size_t row_bytes = std::string("B1000000000").size() + 64 + std::string("risai").size() + 64 +
                           std::string("bousai").size() + std::string("received").size() +
                           answers_json(opt.answers_bytes, 0).size() + std::string("2030-01-01").size() + 8 * 8;

  std::vector<std::thread> threads;
  for (int t = 0; t < opt.threads; ++t) {
    threads.emplace_back([&, t] {
      sqlite3* db = open_db(opt.db);
      sqlite3_stmt *begin = nullptr, *insert = nullptr, *commit = nullptr, *rollback = nullptr;
      if (sqlite3_prepare_v2(db, "BEGIN IMMEDIATE", -1, &begin, nullptr) != SQLITE_OK ||
          sqlite3_prepare_v2(db, kInsert, -1, &insert, nullptr) != SQLITE_OK ||
          sqlite3_prepare_v2(db, "COMMIT", -1, &commit, nullptr) != SQLITE_OK ||
          sqlite3_prepare_v2(db, "ROLLBACK", -1, &rollback, nullptr) != SQLITE_OK) {
        die(db, "prepare");
      }
      std::mt19937_64 rng(0xbe7c4u + static_cast<uint64_t>(t));
      auto& mine = lat[static_cast<size_t>(t)];
      while (Clock::now() < deadline) {
        uint64_t n = serial.fetch_add(1);
        // Prepared outside the timed part: the server also builds its row before BEGIN.
        std::string receipt = "B" + std::to_string(1000000000ull + n);
        std::string hash = hex_of(rng(), rng(), rng(), rng());
        std::string answers = answers_json(opt.answers_bytes, n);
        std::string version = hex_of(1, 2, 3, 4);
        int64_t now = std::time(nullptr);
        auto a = Clock::now();
        bool ok = sqlite3_step(begin) == SQLITE_DONE;
        sqlite3_reset(begin);
        if (ok) {
          sqlite3_bind_text(insert, 1, receipt.data(), static_cast<int>(receipt.size()), SQLITE_STATIC);
          sqlite3_bind_text(insert, 2, hash.data(), static_cast<int>(hash.size()), SQLITE_STATIC);
          sqlite3_bind_text(insert, 3, version.data(), static_cast<int>(version.size()), SQLITE_STATIC);
          sqlite3_bind_text(insert, 4, answers.data(), static_cast<int>(answers.size()), SQLITE_STATIC);
          sqlite3_bind_int64(insert, 5, now);
          sqlite3_bind_text(insert, 6, "2030-01-01", 10, SQLITE_STATIC);
          sqlite3_bind_int64(insert, 7, now);
          ok = sqlite3_step(insert) == SQLITE_DONE;
          sqlite3_reset(insert);
          sqlite3_clear_bindings(insert);
          if (ok) {
            ok = sqlite3_step(commit) == SQLITE_DONE;
            sqlite3_reset(commit);
          }
          if (!ok) {
            sqlite3_step(rollback);
            sqlite3_reset(rollback);
          }
        }
        auto b = Clock::now();
        if (ok) {
          mine.push_back(std::chrono::duration<double, std::milli>(b - a).count());
        } else if (failures.fetch_add(1) < 3) {
          std::fprintf(stderr, "sqlite_insert: transaction failed: %s\n", sqlite3_errmsg(db));
        }
      }
      sqlite3_finalize(begin);
      sqlite3_finalize(insert);
      sqlite3_finalize(commit);
      sqlite3_finalize(rollback);
      sqlite3_close(db);
    });
  }
  for (auto& th : threads) th.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - t0).count();

  std::vector<double> all;
  for (const auto& v : lat) all.insert(all.end(), v.begin(), v.end());
  std::sort(all.begin(), all.end());
  const double rate = static_cast<double>(all.size()) / elapsed;
  std::printf("sqlite_insert: %d thread(s), %zu committed transactions (1 insert each, ~%zu bytes/row, "
              "answers %zu bytes) in %.2f s: %.1f inserts/s; latency p50 %.2f ms, p99 %.2f ms, max %.2f ms; "
              "failed %d\n",
              opt.threads, all.size(), row_bytes, opt.answers_bytes, elapsed, rate, percentile(all, 50),
              percentile(all, 99), all.empty() ? 0.0 : all.back(), failures.load());
  std::printf("RESULT sqlite_insert threads=%d ok=%zu failed=%d rps=%.1f p50_ms=%.3f p99_ms=%.3f max_ms=%.3f\n",
              opt.threads, all.size(), failures.load(), rate, percentile(all, 50), percentile(all, 99),
              all.empty() ? 0.0 : all.back());
  return failures.load() == 0 ? 0 : 1;
}
