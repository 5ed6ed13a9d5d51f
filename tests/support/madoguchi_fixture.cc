#include "support/madoguchi_fixture.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>
#include <regex>

#include "core/date.h"
#include "support/pg_test_database.h"

namespace madoguchi::test {
namespace fs = std::filesystem;

MadoguchiServer::MadoguchiServer(const std::string& extra_config) {
  std::random_device rd;
  dir_ = fs::temp_directory_path() / ("madoguchi-it-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
  fs::create_directories(dir_);
  config_ = dir_ / "madoguchi.toml";
  if (postgres_tests()) {
    std::string error;
    store_url_ = create_postgres_test_database(&error);
    if (store_url_.empty()) ADD_FAILURE() << error;  // the server then fails to start
  } else {
    store_url_ = "sqlite:" + (dir_ / "madoguchi.db").string();
  }
  const std::string src = MADOGUCHI_SOURCE_DIR;
  // Keys in extra_config replace the generated ones (TOML forbids a key twice).
  std::vector<std::pair<std::string, std::string>> lines = {
      {"store", "\"" + store_url() + "\""},
      {"procedures", "\"" + src + "/procedures\""},
      {"templates", "\"" + src + "/templates\""},
      {"locales", "\"" + src + "/locales\""},
      {"static", "\"" + src + "/static\""},
      {"holidays", "\"" + src + "/generated/holidays.tsv\""},
      {"postal", "\"" + src + "/tests/data/postal.tsv\""},
      {"threads", "2"},
      // Staff in these tests sign in with a password (tests/unit/second_factor_test.cc covers
      // the second factor); a test that needs it sets staff_totp = true.
      {"staff_totp", "false"},
      {"totp_key_file", "\"" + (dir_ / "totp.key").string() + "\""},
      // The sandbox payment provider's key, made by serve at the first start (docs/payments.md).
      {"sandbox_key_file", "\"" + (dir_ / "sandbox-pay.key").string() + "\""}};
  std::ofstream cfg(config_);
  for (const auto& [key, value] : lines) {
    if (extra_config.find(key + " =") == std::string::npos) cfg << key << " = " << value << "\n";
  }
  cfg << extra_config << "\n";
}

MadoguchiServer::~MadoguchiServer() {
  if (process_.running()) process_.kill();
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

bool MadoguchiServer::start() {
  return process_.start(MADOGUCHI_BINARY, {"--config", config_.string(), "--listen", "127.0.0.1:0", "serve"});
}

int MadoguchiServer::stop() { return process_.stop(); }

int MadoguchiServer::kill() { return process_.kill(); }

int MadoguchiServer::cli(const std::string& args, const std::string& stdin_text, std::string* out) const {
  std::string cmd = std::string(MADOGUCHI_BINARY) + " --config '" + config_.string() + "' " + args + " > '" +
                    (dir_ / "cli.out").string() + "' 2>&1";
  FILE* p = ::popen(cmd.c_str(), "w");
  if (!p) return -1;
  std::fwrite(stdin_text.data(), 1, stdin_text.size(), p);
  int status = ::pclose(p);
  if (out) {
    std::ifstream in(dir_ / "cli.out");
    out->assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

bool MadoguchiServer::add_resident(const std::string& login, const std::string& password,
                                   const std::string& name, const std::string& profile_json) const {
  std::string profile = profile_json.empty() ? "" : " --profile '" + profile_json + "'";
  return cli("user add " + login + " --name '" + name + "'" + profile, password + "\n") == 0;
}

bool MadoguchiServer::add_staff(const std::string& login, const std::string& password, const std::string& name,
                                const std::string& department, const std::string& role) const {
  return cli("user add " + login + " --staff --department " + department + " --role " + role + " --name '" +
                 name + "'",
             password + "\n") == 0;
}

namespace {
std::string unescape(std::string s) {
  const std::pair<const char*, const char*> table[] = {{"&amp;", "&"}, {"&quot;", "\""}, {"&#39;", "'"},
                                                       {"&apos;", "'"}, {"&lt;", "<"}, {"&gt;", ">"}};
  for (const auto& [from, to] : table) {
    for (size_t pos = 0; (pos = s.find(from, pos)) != std::string::npos; pos += std::strlen(to)) {
      s.replace(pos, std::strlen(from), to);
    }
  }
  return s;
}
}  // namespace

std::string csrf_of(const std::string& html) {
  static const std::regex re(R"re(name="csrf" value="([^"]*)")re");
  std::smatch m;
  return std::regex_search(html, m, re) ? m[1].str() : "";
}

std::string post_action_of(const std::string& html) {
  static const std::regex re(R"re(<form method="post" action="([^"]*)")re");
  // The page's own form, not the sign-out form in the header.
  size_t main = html.find("<main");
  std::string body = main == std::string::npos ? html : html.substr(main);
  std::smatch m;
  return std::regex_search(body, m, re) ? unescape(m[1].str()) : "";
}

std::string location_of(const Reply& r) { return r.header("location"); }

bool sign_in(HttpClient& client, const std::string& login, const std::string& password) {
  Reply form = client.get("/login");
  if (form.status != 200) return false;
  Reply r = client.post_form("/login", {{"csrf", csrf_of(form.body)}, {"login", login}, {"password", password}, {"next", ""}});
  return r.status == 303;
}

}  // namespace madoguchi::test

namespace madoguchi::test {

const std::string& tiny_png() {
  static const std::string png(
      "\x89\x50\x4e\x47\x0d\x0a\x1a\x0a\x00\x00\x00\x0d\x49\x48\x44\x52\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06"
      "\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\x0d\x49\x44\x41\x54\x78\xda\x63\x64\xf8\xcf\x50\x0f\x00\x03\x86"
      "\x01\x80\x5a\x34\x7d\x6b\x00\x00\x00\x00\x49\x45\x4e\x44\xae\x42\x60\x82",
      70);
  return png;
}

std::string walk_to_check(HttpClient& c, const std::string& first_page, const Answers& answers,
                          std::string* trace, std::string* last_body) {
  std::string path = first_page;
  for (int step = 0; step < 30; ++step) {
    Reply page = c.get(path);
    if (page.status != 200) {
      *trace = "GET " + path + " -> " + std::to_string(page.status);
      return "";
    }
    Fields fields{{"csrf", csrf_of(page.body)}};
    for (const auto& [name, value] : answers.fields) {
      if (page.body.find("name=\"" + name + "\"") != std::string::npos) fields.emplace_back(name, value);
    }
    std::string action = "next";
    for (const auto& [group, rows] : answers.group_rows) {
      std::string last_row = "name=\"f." + group + "." + std::to_string(rows - 1) + ".";
      std::string add = "value=\"add:" + group + "\"";
      if (page.body.find(add) != std::string::npos && page.body.find(last_row) == std::string::npos) {
        action = "add:" + group;
        break;
      }
    }
    fields.emplace_back("action", action);
    std::vector<FileField> files;
    for (const auto& f : answers.files) {
      if (page.body.find("name=\"" + f.name + "\"") != std::string::npos) files.push_back(f);
    }
    Reply r = c.post_multipart(post_action_of(page.body), fields, files);
    *trace += path + " ";
    if (r.status != 303) {
      *trace += "POST -> " + std::to_string(r.status);
      if (last_body) *last_body = r.body;
      return "";
    }
    path = location_of(r);
    if (path.size() >= 6 && path.compare(path.size() - 6, 6, "/check") == 0) return path;
  }
  *trace += "too many pages";
  return "";
}

}  // namespace madoguchi::test

namespace madoguchi::test {

Answers juminhyo_answers(const std::string& copies) {
  Answers a;
  Fields& f = a.fields;
  f.emplace_back("f.requester_type", "household");
  add_name(f, "f.requester_name", "佐藤", "美咲", "さとう", "みさき");
  add_date(f, "f.requester_birth", "", 1990, 2, 3);
  f.emplace_back("f.requester_address.postal_code", "144-8621");
  f.emplace_back("f.requester_address.prefecture", "東京都");
  f.emplace_back("f.requester_address.city", "大田区");
  f.emplace_back("f.requester_address.town", "蒲田");
  f.emplace_back("f.requester_address.street", "5-13-14");
  f.emplace_back("f.requester_phone", "03-5744-1111");
  f.emplace_back("f.requester_relation", "妻");
  add_name(f, "f.head_name", "佐藤", "健", "サトウ", "ケン");
  f.emplace_back("f.scope", "some");
  add_name(f, "f.members.0.member_name", "佐藤", "健", "サトウ", "ケン");
  add_date(f, "f.members.0.member_birth", "", 1988, 7, 7);
  add_name(f, "f.members.1.member_name", "佐藤", "陽菜", "サトウ", "ヒナ");
  add_date(f, "f.members.1.member_birth", "", 2019, 4, 1);
  f.emplace_back("f.certificate_kind", "copy");
  f.emplace_back("f.copies", copies);
  f.emplace_back("f.items", "domicile");
  f.emplace_back("f.items", "my_number");
  f.emplace_back("f.purpose", "passport");
  f.emplace_back("f.submit_to", "旅券センター");
  f.emplace_back("f.delivery", "mail");
  f.emplace_back("f.delivery_to", "requester");
  a.group_rows["members"] = 2;
  return a;
}

Answers risai_guest_answers() {
  Answers a;
  a.fields = {
      {"f.relationship", "head"},
      {"f.applicant_name.family", "𠮷田"},
      {"f.applicant_name.given", "太郎"},
      {"f.applicant_name.family_kana", "よしだ"},
      {"f.applicant_name.given_kana", "ﾀﾛｳ"},
      {"f.applicant_address.postal_code", "１４４－８６２１"},
      {"f.applicant_address.prefecture", "東京都"},
      {"f.applicant_address.city", "大田区"},
      {"f.applicant_address.town", "蒲田"},
      {"f.applicant_address.street", "五丁目13番14号"},
      {"f.applicant_phone", "０３－５７４４－１１１１"},
      {"f.disaster_date.era", ""},
      {"f.disaster_date.year", std::to_string(today_jst().plus_days(-3).year)},
      {"f.disaster_date.month", std::to_string(today_jst().plus_days(-3).month)},
      {"f.disaster_date.day", std::to_string(today_jst().plus_days(-3).day)},
      {"f.disaster_kind", "earthquake"},
      {"f.dwelling_same_address", "yes"},
      {"f.ownership", "owned"},
      {"f.building_type", "detached"},
      {"f.damage_parts", "roof"},
      {"f.damage_parts", "walls"},
      {"f.damage_description", "屋根瓦が落ち、外壁に<ひび>が入りました。"},
      {"f.repair_status", "not_yet"},
      {"f.self_assessment", "yes"},
      {"f.self_assessment_consent", "agree"},
      {"f.copies", "２"},
      {"f.purpose", "support"},
      {"f.receipt_method", "mail"},
  };
  a.files = {{"f.photos", "roof.png", "image/png", tiny_png()},
             {"f.photos", "wall.png", "application/octet-stream", tiny_png()}};
  return a;
}

std::string submit_risai_as_guest(HttpClient& c, std::string* access_code) {
  Reply proc = c.get("/procedures/risai");
  Reply start = c.post_form("/procedures/risai/start", {{"csrf", csrf_of(proc.body)}});
  if (start.status != 303) return "";
  std::string trace;
  std::string check = walk_to_check(c, location_of(start), risai_guest_answers(), &trace);
  if (check.empty()) return "";
  Reply summary = c.get(check);
  Reply posted = c.post_form(post_action_of(summary.body), {{"csrf", csrf_of(summary.body)}});
  Reply done = c.get(location_of(posted));
  std::smatch m;
  if (!std::regex_search(done.body, m, std::regex(R"re(id="receipt-number">([^<]+)<)re"))) return "";
  std::string receipt = m[1];
  if (access_code && std::regex_search(done.body, m, std::regex(R"re(id="access-code">([0-9]+)<)re"))) *access_code = m[1];
  return receipt;
}

std::string submit_juminhyo_signed_in(HttpClient& c, const std::string& login, const std::string& password) {
  if (!sign_in(c, login, password)) {
    ADD_FAILURE() << "sign-in of " << login;
    return "";
  }
  Reply proc = c.get("/procedures/juminhyo");
  Reply start = c.post_form("/procedures/juminhyo/start", {{"csrf", csrf_of(proc.body)}});
  if (start.status != 303) {
    ADD_FAILURE() << "start: " << start.status;
    return "";
  }
  std::string trace, body;
  std::string check = walk_to_check(c, location_of(start), juminhyo_answers("1"), &trace, &body);
  if (check.empty()) {
    ADD_FAILURE() << trace << "\n" << body;
    return "";
  }
  Reply summary = c.get(check);
  Reply posted = c.post_form(post_action_of(summary.body), {{"csrf", csrf_of(summary.body)}});
  Reply done = c.get(location_of(posted));
  std::smatch m;
  if (!std::regex_search(done.body, m, std::regex(R"re(id="receipt-number">([^<]+)<)re"))) {
    ADD_FAILURE() << "no receipt number: " << done.body;
    return "";
  }
  return m[1];
}

std::string staff_case_path(HttpClient& staff, const std::string& receipt) {
  Reply q = staff.get("/staff");
  std::smatch m;
  std::regex re("href=\"(/staff/cases/[0-9]+)\">" + receipt);
  return std::regex_search(q.body, m, re) ? m[1].str() : "";
}

int staff_act(HttpClient& staff, const std::string& case_path, const std::string& action,
              const std::string& message) {
  Reply page = staff.get(case_path);
  std::smatch m;
  std::string row_version =
      std::regex_search(page.body, m, std::regex(R"re(name="row_version" value="([0-9]+)")re")) ? m[1].str() : "0";
  return staff
      .post_form(case_path + "/act",
                 {{"csrf", csrf_of(page.body)}, {"row_version", row_version}, {"action", action}, {"message", message}})
      .status;
}

int staff_decide(HttpClient& staff, const std::string& case_path, const Fields& fields) {
  Reply page = staff.get(case_path);
  std::smatch m;
  std::string row_version =
      std::regex_search(page.body, m, std::regex(R"re(name="row_version" value="([0-9]+)")re")) ? m[1].str() : "0";
  Fields f{{"csrf", csrf_of(page.body)}, {"row_version", row_version}};
  f.insert(f.end(), fields.begin(), fields.end());
  return staff.post_form(case_path + "/decision", f).status;
}

Fields risai_issued_decision() {
  Fields f{{"f.outcome", "issued"}, {"f.damage_level", "hankai"}};
  add_date(f, "f.survey_date", "", 2026, 10, 1);
  return f;
}

Fields jidou_certified_decision() {
  Fields f{{"f.outcome", "certified"}, {"f.monthly_amount", "15000"}};
  add_date(f, "f.first_month", "", 2027, 1, 1);
  return f;
}

void add_name(Fields& f, const std::string& base, const std::string& family, const std::string& given,
              const std::string& family_kana, const std::string& given_kana) {
  f.emplace_back(base + ".family", family);
  f.emplace_back(base + ".given", given);
  f.emplace_back(base + ".family_kana", family_kana);
  f.emplace_back(base + ".given_kana", given_kana);
}

void add_date(Fields& f, const std::string& base, const std::string& era, int y, int m, int d) {
  f.emplace_back(base + ".era", era);
  f.emplace_back(base + ".year", std::to_string(y));
  f.emplace_back(base + ".month", std::to_string(m));
  f.emplace_back(base + ".day", std::to_string(d));
}

}  // namespace madoguchi::test
