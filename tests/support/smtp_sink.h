// A small SMTP server on 127.0.0.1 for tests of e-mail notices: it accepts
// every message (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT; no TLS, no
// AUTH, so curl's STARTTLS "try" goes on in plain text) and keeps what it
// received. `refuse_next(n)` answers the next n messages' end of DATA with a
// temporary failure (451), as a relay under load does.
#pragma once

#include <atomic>
#include <boost/asio.hpp>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace madoguchi::test {

struct ReceivedMail {
  std::string mail_from;                              // the envelope sender, without <>
  std::vector<std::string> rcpt_to;                   // the envelope recipients, without <>
  std::string data;                                   // headers and body as sent (dot-unstuffed)
  std::string header(const std::string& name) const;  // the first header of that name, unfolded
  std::string subject() const;                        // Subject: decoded from RFC 2047 UTF-8 B words
  std::string body() const;                           // the body, decoded from base64 when so declared
};

class SmtpSink {
 public:
  SmtpSink();  // listening on an ephemeral port once constructed
  ~SmtpSink();
  SmtpSink(const SmtpSink&) = delete;
  SmtpSink& operator=(const SmtpSink&) = delete;

  int port() const { return port_; }
  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }
  void refuse_next(int n) { refuse_ = n; }

  std::vector<ReceivedMail> received() const;
  // Waits until at least `n` messages have arrived (or `timeout` passes);
  // returns them.
  std::vector<ReceivedMail> wait_for(size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(20)) const;

 private:
  void serve(boost::asio::ip::tcp::socket socket);
  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  int port_ = 0;
  std::atomic<int> refuse_{0};
  std::atomic<bool> stopping_{false};
  mutable std::mutex mu_;
  std::vector<ReceivedMail> received_;
  std::thread thread_;
};

}  // namespace madoguchi::test
