#include "smtp_sink.h"

#include <sodium.h>

#include <algorithm>
#include <cctype>
#include <optional>

namespace madoguchi::test {
namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string unbase64(const std::string& text) {
  std::string clean;
  for (char c : text) {
    if (!std::isspace(static_cast<unsigned char>(c))) clean += c;
  }
  std::string out(clean.size(), '\0');
  size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), clean.data(), clean.size(), nullptr,
                        &len, nullptr, sodium_base64_VARIANT_ORIGINAL) != 0) {
    return "<not base64>";
  }
  out.resize(len);
  return out;
}

std::string angle_stripped(std::string s) {
  const auto a = s.find('<'), b = s.rfind('>');
  if (a != std::string::npos && b != std::string::npos && b > a) return s.substr(a + 1, b - a - 1);
  return s;
}

}  // namespace

std::string ReceivedMail::header(const std::string& name) const {
  const std::string head = data.substr(0, data.find("\r\n\r\n"));
  const std::string want = lower(name) + ":";
  size_t at = 0;
  while (at < head.size()) {
    size_t end = head.find("\r\n", at);
    if (end == std::string::npos) end = head.size();
    std::string line = head.substr(at, end - at);
    if (lower(line.substr(0, want.size())) == want) {
      std::string value = line.substr(want.size());
      // Folded continuation lines start with a space or tab.
      while (end + 2 < head.size() && (head[end + 2] == ' ' || head[end + 2] == '\t')) {
        size_t next = head.find("\r\n", end + 2);
        if (next == std::string::npos) next = head.size();
        value += head.substr(end + 2, next - end - 2);
        end = next;
      }
      const auto first = value.find_first_not_of(" \t");
      return first == std::string::npos ? "" : value.substr(first);
    }
    at = end + 2;
  }
  return "";
}

std::string ReceivedMail::subject() const {
  std::string raw = header("Subject"), out;
  size_t at = 0;
  while (at < raw.size()) {
    const auto start = raw.find("=?UTF-8?B?", at);
    if (start == std::string::npos) {
      out += raw.substr(at);
      break;
    }
    std::string between = raw.substr(at, start - at);
    if (between.find_first_not_of(" \t") != std::string::npos) out += between;  // space between words is dropped
    const auto end = raw.find("?=", start + 10);
    if (end == std::string::npos) break;
    out += unbase64(raw.substr(start + 10, end - start - 10));
    at = end + 2;
  }
  return out;
}

std::string ReceivedMail::body() const {
  const auto split = data.find("\r\n\r\n");
  const std::string text = split == std::string::npos ? "" : data.substr(split + 4);
  return lower(header("Content-Transfer-Encoding")) == "base64" ? unbase64(text) : text;
}

SmtpSink::SmtpSink() : acceptor_(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
  port_ = acceptor_.local_endpoint().port();
  thread_ = std::thread([this] {
    while (!stopping_) {
      boost::system::error_code ec;
      tcp::socket socket(io_);
      acceptor_.accept(socket, ec);
      if (ec || stopping_) break;
      serve(std::move(socket));
    }
  });
}

SmtpSink::~SmtpSink() {
  stopping_ = true;
  boost::system::error_code ec;
  // Wake the blocked accept() with a connection of our own.
  tcp::socket poke(io_);
  poke.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port_)), ec);
  thread_.join();
}

void SmtpSink::serve(tcp::socket socket) {
  boost::system::error_code ec;
  asio::streambuf in;
  auto say = [&](const std::string& line) { asio::write(socket, asio::buffer(line + "\r\n"), ec); };
  auto read_line = [&]() -> std::optional<std::string> {
    asio::read_until(socket, in, "\r\n", ec);
    if (ec) return std::nullopt;
    std::istream is(&in);
    std::string line;
    std::getline(is, line);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
  };
  say("220 sink ESMTP");
  ReceivedMail mail;
  while (!stopping_) {
    auto line = read_line();
    if (!line) return;
    const std::string verb = lower(line->substr(0, 4));
    if (verb == "ehlo") {
      say("250-sink");
      say("250 8BITMIME");
    } else if (verb == "helo" || verb == "noop") {
      say("250 ok");
    } else if (verb == "mail") {
      mail = ReceivedMail{};
      mail.mail_from = angle_stripped(line->substr(line->find(':') + 1));
      say("250 ok");
    } else if (verb == "rcpt") {
      mail.rcpt_to.push_back(angle_stripped(line->substr(line->find(':') + 1)));
      say("250 ok");
    } else if (verb == "data") {
      say("354 go on");
      for (;;) {
        auto d = read_line();
        if (!d) return;
        if (*d == ".") break;
        mail.data += (d->rfind("..", 0) == 0 ? d->substr(1) : *d) + "\r\n";
      }
      if (refuse_ > 0) {
        --refuse_;
        say("451 try again later");
        continue;
      }
      {
        std::lock_guard lock(mu_);
        received_.push_back(mail);
      }
      say("250 queued");
    } else if (verb == "rset") {
      mail = ReceivedMail{};
      say("250 ok");
    } else if (verb == "quit") {
      say("221 bye");
      return;
    } else {
      say("502 not here");
    }
  }
}

std::vector<ReceivedMail> SmtpSink::received() const {
  std::lock_guard lock(mu_);
  return received_;
}

std::vector<ReceivedMail> SmtpSink::wait_for(size_t n, std::chrono::milliseconds timeout) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto got = received();
    if (got.size() >= n || std::chrono::steady_clock::now() >= deadline) return got;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

}  // namespace madoguchi::test
