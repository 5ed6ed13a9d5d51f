// submit_load: durable submissions through the real routes of a running madoguchi server.
//
// Every simulated resident is a guest with its own TCP connection (HTTP/1.1 keep-alive) and
// its own session. It walks the 罹災証明書 (risai) journey exactly as a browser without
// JavaScript would:
//
//   GET  /procedures/risai                 session cookie "sid" + CSRF token (hidden "csrf")
//   POST /procedures/risai/start           303 to the first page of a new draft
//   for each page: GET it, POST its answers as multipart/form-data (with two PNG photos on
//                  the photo page) to the form's action, pressing "next"; 303 to the next page
//   GET  /drafts/{id}/check                the check-your-answers page (its form and token)
//   POST /drafts/{id}/submit               200 with the receipt number, after the commit
//
// Phase 1 (prepare) takes every resident up to the check page. Phase 2 (submit) releases all
// slots at once; each of the `--concurrency` slots fires the final POST of its residents one
// after another, so `concurrency` submissions are in flight until the last slot runs dry.
// Only the final POST is timed in phase 2 (write of the request to the end of the response).
//
// The answers and the walk are copied from tests/support/madoguchi_fixture.cc
// (risai_guest_answers, walk_to_check); this program links neither GoogleTest nor madoguchi.
//
// Usage: submit_load --port P [--host 127.0.0.1] [--concurrency 64] [--waves 4] [--pause S]
// Total residents = concurrency × waves. Prints a human summary and one "RESULT" line. With
// --pause, it prints "prepared: …" when every resident is at the check page and waits S seconds
// before the submits (bench/run.sh attaches perf to the server then).
#include <sys/socket.h>
#include <sys/time.h>

#include <algorithm>
#include <atomic>
#include <barrier>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using Fields = std::vector<std::pair<std::string, std::string>>;

namespace {

struct Options {
  std::string host = "127.0.0.1";
  int port = 0;
  int concurrency = 64;
  int waves = 4;
  double pause = 0;  // seconds between "prepared" and the submits (to attach a profiler)
  std::string procedure = "risai";
};

struct FileField {
  std::string name, filename, content_type, data;
};

struct Reply {
  int status = 0;  // 0: transport error (see body)
  std::string location;
  std::string body;
};

// ---- small HTML helpers (same rules as the test fixture, without std::regex) ----

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

std::string attr_after(const std::string& html, size_t from, std::string_view prefix) {
  size_t p = html.find(prefix, from);
  if (p == std::string::npos) return "";
  p += prefix.size();
  size_t q = html.find('"', p);
  return q == std::string::npos ? "" : html.substr(p, q - p);
}

// The value of the hidden "csrf" input.
std::string csrf_of(const std::string& html) { return attr_after(html, 0, "name=\"csrf\" value=\""); }

// The action of the first <form method="post"> inside <main> (not the header's sign-out form).
std::string post_action_of(const std::string& html) {
  size_t main = html.find("<main");
  return unescape(attr_after(html, main == std::string::npos ? 0 : main, "<form method=\"post\" action=\""));
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string percent_encode(std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string urlencode(const Fields& fields) {
  std::string out;
  for (const auto& [k, v] : fields) {
    if (!out.empty()) out += '&';
    out += percent_encode(k) + "=" + percent_encode(v);
  }
  return out;
}

// ---- the answers (copied from tests/support/madoguchi_fixture.cc) ----

const std::string& tiny_png() {
  static const std::string png(
      "\x89\x50\x4e\x47\x0d\x0a\x1a\x0a\x00\x00\x00\x0d\x49\x48\x44\x52\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06"
      "\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\x0d\x49\x44\x41\x54\x78\xda\x63\x64\xf8\xcf\x50\x0f\x00\x03\x86"
      "\x01\x80\x5a\x34\x7d\x6b\x00\x00\x00\x00\x49\x45\x4e\x44\xae\x42\x60\x82",
      70);
  return png;
}

struct Answers {
  Fields fields;
  std::vector<FileField> files;
};

// Three days ago in Japan (UTC+9, no daylight saving).
std::tm three_days_ago_jst() {
  std::time_t t = std::time(nullptr) + 9 * 3600 - 3 * 86400;
  std::tm tm{};
  gmtime_r(&t, &tm);
  return tm;
}

Answers risai_guest_answers() {
  std::tm d = three_days_ago_jst();
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
      {"f.disaster_date.year", std::to_string(d.tm_year + 1900)},
      {"f.disaster_date.month", std::to_string(d.tm_mon + 1)},
      {"f.disaster_date.day", std::to_string(d.tm_mday)},
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

// ---- one resident: a connection, a cookie jar ----

class Resident {
 public:
  Resident(const Options& o, uint64_t seed) : opt_(o), rng_(seed) {}

  Reply get(const std::string& path) { return request("GET", path, "", ""); }
  Reply post_form(const std::string& path, const Fields& fields) {
    return request("POST", path, urlencode(fields), "application/x-www-form-urlencoded");
  }
  Reply post_multipart(const std::string& path, const Fields& fields, const std::vector<FileField>& files) {
    const std::string boundary = "----madoguchi-bench-" + std::to_string(rng_());
    std::string body;
    for (const auto& [name, value] : fields) {
      body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n";
    }
    for (const auto& f : files) {
      body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + f.name + "\"; filename=\"" +
              f.filename + "\"\r\n";
      if (!f.content_type.empty()) body += "Content-Type: " + f.content_type + "\r\n";
      body += "\r\n" + f.data + "\r\n";
    }
    body += "--" + boundary + "--\r\n";
    return request("POST", path, body, "multipart/form-data; boundary=" + boundary);
  }

  // The journey up to the check page; returns "" on success or what went wrong.
  std::string prepare(const Answers& answers) {
    Reply proc = get("/procedures/" + opt_.procedure);
    if (proc.status != 200) return "GET /procedures/" + opt_.procedure + " -> " + describe(proc);
    Reply start = post_form("/procedures/" + opt_.procedure + "/start", {{"csrf", csrf_of(proc.body)}});
    if (start.status != 303) return "POST start -> " + describe(start);
    std::string path = start.location;
    for (int step = 0; step < 30; ++step) {
      Reply page = get(path);
      if (page.status != 200) return "GET " + path + " -> " + describe(page);
      Fields fields{{"csrf", csrf_of(page.body)}};
      for (const auto& [name, value] : answers.fields) {
        if (page.body.find("name=\"" + name + "\"") != std::string::npos) fields.emplace_back(name, value);
      }
      fields.emplace_back("action", "next");
      std::vector<FileField> files;
      for (const auto& f : answers.files) {
        if (page.body.find("name=\"" + f.name + "\"") != std::string::npos) files.push_back(f);
      }
      Reply r = post_multipart(post_action_of(page.body), fields, files);
      if (r.status != 303) return "POST " + path + " -> " + describe(r) + " (a validation error?)";
      path = r.location;
      if (ends_with(path, "/check")) {
        Reply check = get(path);
        if (check.status != 200) return "GET " + path + " -> " + describe(check);
        submit_path_ = post_action_of(check.body);
        submit_csrf_ = csrf_of(check.body);
        if (submit_path_.empty() || submit_csrf_.empty()) return "check page without a submit form";
        return "";
      }
    }
    return "too many pages";
  }

  // The final POST (which commits and answers 303) and the GET of the receipt page it points
  // to: together what a resident waits for. Returns "" when the receipt page came back.
  std::string submit() {
    Reply posted = post_form(submit_path_, {{"csrf", submit_csrf_}});
    if (posted.status != 303) return "POST " + submit_path_ + " -> " + describe(posted);
    std::string location = posted.location;
    Reply done = get(location);
    if (done.status != 200) return "GET " + location + " -> " + describe(done);
    if (done.body.find("id=\"receipt-number\"") == std::string::npos) return "200 without a receipt number";
    return "";
  }

  int reconnects() const { return reconnects_; }

 private:
  static std::string describe(const Reply& r) {
    return r.status == 0 ? r.body : std::to_string(r.status);
  }

  void connect() {
    socket_.emplace(ioc_);
    tcp::resolver resolver(ioc_);
    asio::connect(*socket_, resolver.resolve(opt_.host, std::to_string(opt_.port)));
    // A hung server must fail the run, not hang it: blocking reads and writes time out.
    timeval tv{120, 0};
    ::setsockopt(socket_->native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(socket_->native_handle(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    buffer_.clear();
    requests_on_connection_ = 0;
  }

  Reply request(const std::string& method, const std::string& path, std::string body, const std::string& ctype) {
    bhttp::request<bhttp::string_body> req;
    req.method_string(method);
    req.target(path);
    req.version(11);
    req.set(bhttp::field::host, opt_.host + ":" + std::to_string(opt_.port));
    req.set(bhttp::field::user_agent, "madoguchi-bench");
    req.set(bhttp::field::accept_language, "ja");
    std::string cookie;
    for (const auto& [k, v] : cookies_) cookie += (cookie.empty() ? "" : "; ") + k + "=" + v;
    if (!cookie.empty()) req.set(bhttp::field::cookie, cookie);
    if (!ctype.empty()) req.set(bhttp::field::content_type, ctype);
    req.body() = std::move(body);
    req.prepare_payload();

    Reply out;
    // A keep-alive connection the server closed while idle is reopened once (then and only then).
    for (int attempt = 0; attempt < 2; ++attempt) {
      bool reused = socket_ && requests_on_connection_ > 0;
      try {
        if (!socket_) connect();
        bhttp::write(*socket_, req);
        bhttp::response_parser<bhttp::string_body> parser;
        parser.body_limit(64 * 1024 * 1024);
        bhttp::read(*socket_, buffer_, parser);
        ++requests_on_connection_;
        auto res = parser.release();
        out.status = static_cast<int>(res.result_int());
        if (auto it = res.find(bhttp::field::location); it != res.end()) out.location = std::string(it->value());
        for (auto it = res.find(bhttp::field::set_cookie); it != res.end() && it->name() == bhttp::field::set_cookie;
             ++it) {
          remember_cookie(it->value());
        }
        out.body = std::move(res.body());
        if (!res.keep_alive()) socket_.reset();
        return out;
      } catch (const std::exception& e) {
        socket_.reset();
        out.status = 0;
        out.body = std::string("transport error: ") + e.what();
        if (!reused) return out;
        ++reconnects_;
      }
    }
    return out;
  }

  void remember_cookie(std::string_view sc) {
    size_t semi = sc.find(';');
    std::string_view pair = sc.substr(0, semi);
    size_t eq = pair.find('=');
    if (eq == std::string_view::npos) return;
    std::string name(pair.substr(0, eq)), value(pair.substr(eq + 1));
    std::string attrs(semi == std::string_view::npos ? "" : sc.substr(semi));
    for (char& c : attrs) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (attrs.find("max-age=0") != std::string::npos) {
      cookies_.erase(name);
    } else {
      cookies_[name] = value;
    }
  }

  const Options& opt_;
  std::mt19937_64 rng_;
  asio::io_context ioc_;
  std::optional<tcp::socket> socket_;
  beast::flat_buffer buffer_;
  int requests_on_connection_ = 0;
  int reconnects_ = 0;
  std::map<std::string, std::string> cookies_;
  std::string submit_path_, submit_csrf_;
};

double ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

// Nearest-rank percentile of sorted values.
double percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  size_t rank = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
  return sorted[std::clamp<size_t>(rank, 1, sorted.size()) - 1];
}

int usage() {
  std::fprintf(stderr, "usage: submit_load --port P [--host H] [--concurrency N] [--waves W] [--pause S] [--procedure risai]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "%s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--port") {
      opt.port = std::atoi(value().c_str());
    } else if (a == "--host") {
      opt.host = value();
    } else if (a == "--concurrency") {
      opt.concurrency = std::atoi(value().c_str());
    } else if (a == "--waves") {
      opt.waves = std::atoi(value().c_str());
    } else if (a == "--pause") {
      opt.pause = std::atof(value().c_str());
    } else if (a == "--procedure") {
      opt.procedure = value();
    } else {
      return usage();
    }
  }
  if (opt.port <= 0 || opt.concurrency <= 0 || opt.waves <= 0) return usage();
  if (opt.procedure != "risai") {
    std::fprintf(stderr, "only the risai journey has answers here\n");
    return 2;
  }

  const Answers answers = risai_guest_answers();
  const int n = opt.concurrency;
  const int total = n * opt.waves;
  std::vector<std::unique_ptr<Resident>> residents;
  for (int i = 0; i < total; ++i) residents.push_back(std::make_unique<Resident>(opt, 0x5eed0000u + i));

  std::mutex mu;
  std::vector<std::string> errors;
  auto fail = [&](const std::string& e) {
    std::lock_guard lock(mu);
    errors.push_back(e);
  };
  std::vector<std::vector<double>> latencies(n);
  std::vector<int> prepared(n, 0), submitted(n, 0);
  Clock::time_point t0, t_prepared, t_submitted;
  // Phase boundaries: every slot finishes preparing before any final POST is sent.
  std::barrier sync(n + 1);

  std::vector<std::thread> slots;
  for (int s = 0; s < n; ++s) {
    slots.emplace_back([&, s] {
      std::vector<Resident*> ready;
      for (int w = 0; w < opt.waves; ++w) {
        Resident* r = residents[static_cast<size_t>(w * n + s)].get();
        std::string e = r->prepare(answers);
        if (e.empty()) {
          ready.push_back(r);
          ++prepared[s];
        } else {
          fail("prepare: " + e);
        }
      }
      sync.arrive_and_wait();  // all prepared
      sync.arrive_and_wait();  // go
      for (Resident* r : ready) {
        auto a = Clock::now();
        std::string e = r->submit();
        auto b = Clock::now();
        if (e.empty()) {
          latencies[s].push_back(ms(b - a));
          ++submitted[s];
        } else {
          fail("submit: " + e);
        }
      }
    });
  }
  t0 = Clock::now();
  sync.arrive_and_wait();
  if (opt.pause > 0) {
    std::printf("prepared: submitting in %.1f s\n", opt.pause);
    std::fflush(stdout);
    std::this_thread::sleep_for(std::chrono::duration<double>(opt.pause));
  }
  t_prepared = Clock::now();
  sync.arrive_and_wait();
  for (auto& t : slots) t.join();
  t_submitted = Clock::now();

  std::vector<double> all;
  for (const auto& v : latencies) all.insert(all.end(), v.begin(), v.end());
  std::sort(all.begin(), all.end());
  int n_prepared = 0, n_ok = 0, reconnects = 0;
  for (int s = 0; s < n; ++s) {
    n_prepared += prepared[s];
    n_ok += submitted[s];
  }
  for (const auto& r : residents) reconnects += r->reconnects();
  double prep_s = ms(t_prepared - t0) / 1000 - opt.pause, submit_s = ms(t_submitted - t_prepared) / 1000;
  double rate = submit_s > 0 ? n_ok / submit_s : 0;
  double mean = 0;
  for (double v : all) mean += v;
  if (!all.empty()) mean /= static_cast<double>(all.size());

  std::printf("submit_load: %d residents (%d concurrent, %d waves), each its own connection and guest session\n",
              total, n, opt.waves);
  std::printf("  prepare: %d of %d journeys to the check page in %.2f s (%.1f journeys/s)\n", n_prepared, total,
              prep_s, prep_s > 0 ? n_prepared / prep_s : 0);
  std::printf("  submit:  %d ok, %zu failed in %.3f s: %.1f submissions/s; latency p50 %.1f ms, p99 %.1f ms, "
              "mean %.1f ms, max %.1f ms\n",
              n_ok, errors.size(), submit_s, rate, percentile(all, 50), percentile(all, 99), mean,
              all.empty() ? 0.0 : all.back());
  std::printf("  whole journeys (prepare + submit): %.1f journeys/s; reconnects %d\n",
              (prep_s + submit_s) > 0 ? n_ok / (prep_s + submit_s) : 0, reconnects);
  for (size_t i = 0; i < errors.size() && i < 5; ++i) std::printf("  error: %s\n", errors[i].c_str());
  std::printf("RESULT submit_load ok=%d failed=%zu submit_rps=%.1f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f "
              "prepare_jps=%.2f journey_jps=%.2f\n",
              n_ok, errors.size(), rate, percentile(all, 50), percentile(all, 99), all.empty() ? 0.0 : all.back(),
              prep_s > 0 ? n_prepared / prep_s : 0, (prep_s + submit_s) > 0 ? n_ok / (prep_s + submit_s) : 0);
  return errors.empty() && n_ok == total ? 0 : 1;
}
