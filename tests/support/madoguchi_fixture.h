// A running madoguchi server on a temporary store, for integration tests: starts the real
// binary on an ephemeral loopback port, creates accounts through its CLI, and offers small
// helpers for pages (CSRF token, form action, redirects).
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "support/http_client.h"
#include "support/server_process.h"

namespace madoguchi::test {

class MadoguchiServer {
 public:
  // A fresh temporary directory holding the store and the config file; `extra_config` is
  // appended to the generated madoguchi.toml (e.g. "max_file_bytes = 1000").
  explicit MadoguchiServer(const std::string& extra_config = "");
  ~MadoguchiServer();

  // Starts (or restarts) the server on the same store. False with the output on failure.
  bool start();
  // SIGTERM; returns the exit status.
  int stop();
  // SIGKILL: a crash, nothing flushed by the process itself.
  int kill();
  int port() const { return process_.port(); }
  std::string output() const { return process_.output(); }
  const std::filesystem::path& dir() const { return dir_; }
  // "sqlite:DIR/madoguchi.db", or a fresh PostgreSQL database when the tests run on
  // PostgreSQL (MADOGUCHI_TEST_STORE_URL_FILE; see support/pg_test_database.h).
  const std::string& store_url() const { return store_url_; }

  // Runs `madoguchi <args>` with this server's config, feeding `stdin_text`; returns exit code.
  int cli(const std::string& args, const std::string& stdin_text = "", std::string* out = nullptr) const;
  // Creates an account through `madoguchi user add`; returns true on success.
  bool add_resident(const std::string& login, const std::string& password, const std::string& name,
                    const std::string& profile_json = "") const;
  bool add_staff(const std::string& login, const std::string& password, const std::string& name,
                 const std::string& department, const std::string& role) const;

 private:
  std::filesystem::path dir_;
  std::filesystem::path config_;
  std::string store_url_;
  ServerProcess process_;
};

// The value of the hidden "csrf" input in a page, or "".
std::string csrf_of(const std::string& html);
// The action="" of the first <form method="post"> inside <main>, HTML-unescaped, or "".
std::string post_action_of(const std::string& html);
// Path part of a Location header.
std::string location_of(const Reply& r);
// Logs in through the login page; true when the server redirected after sign-in.
bool sign_in(HttpClient& client, const std::string& login, const std::string& password);
// The path of the case with this receipt number in a signed-in staff member's queue, or "".
std::string staff_case_path(HttpClient& staff, const std::string& receipt);
// Posts `action` ("assign", "approve", …) from the case page at its current row version, as
// the console's buttons do; returns the answer's status (303 when it was done).
int staff_act(HttpClient& staff, const std::string& case_path, const std::string& action,
              const std::string& message = "");
// Posts the case page's decision form with these "f." fields (csrf and row_version added from
// the page); returns the answer's status (303 recorded, 200 with the form shown again when not complete).
int staff_decide(HttpClient& staff, const std::string& case_path, const Fields& fields);
// A complete 罹災証明書 decision: issued, 半壊, surveyed on 2026-10-01.
Fields risai_issued_decision();
// A complete 児童手当 decision: certified, 15,000 yen a month from 2027-01-01.
Fields jidou_certified_decision();

}  // namespace madoguchi::test

namespace madoguchi::test {

// A 1×1 PNG, real enough for libmagic.
const std::string& tiny_png();

// Answers for a form walk: HTML field name → value(s). A name may repeat (checkboxes).
struct Answers {
  Fields fields;
  std::vector<FileField> files;
  // Repeating groups: group id → rows wanted; the walk presses "add" until they exist.
  std::map<std::string, int> group_rows;
};

// Walks a draft from `first_page` (a path) to the check page: on each page it posts the
// answers whose names appear on that page (and files whose field appears), pressing Next.
// Returns the check page's path, or "" with *trace saying where it stopped (a page answering
// 200 to Next means a validation error; its body is in *last_body).
// Answers for a guest's 罹災証明書 application (head of household, two photos).
Answers risai_guest_answers();

// Answers for 住民票の写し (part of a household of three: the requester and two members,
// 本籍 and マイナンバー included, sent by post) with `copies` as typed.
Answers juminhyo_answers(const std::string& copies);

// Applies for 罹災証明書 as a guest through every page; returns the receipt number or "".
// *access_code (if given) receives the access code shown on the receipt page.
std::string submit_risai_as_guest(HttpClient& c, std::string* access_code = nullptr);
// Signs in, applies for 住民票 (one copy) and returns the receipt number ("" with a test failure).
std::string submit_juminhyo_signed_in(HttpClient& c, const std::string& login, const std::string& password);

// The four inputs of a name field (姓, 名, セイ, メイ) and of a date field (era "" = 西暦).
void add_name(Fields& f, const std::string& base, const std::string& family, const std::string& given,
              const std::string& family_kana, const std::string& given_kana);
void add_date(Fields& f, const std::string& base, const std::string& era, int y, int m, int d);

std::string walk_to_check(HttpClient& c, const std::string& first_page, const Answers& answers,
                          std::string* trace, std::string* last_body = nullptr);

}  // namespace madoguchi::test
