// A synchronous HTTP/1.1 client for tests: one keep-alive connection to 127.0.0.1:port,
// a cookie jar, and no redirect following (tests look at the 303 and its Location).
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "http/http.h"

namespace madoguchi::test {

using Fields = madoguchi::http::Fields;

struct Reply {
  int status = 0;  // 0 when the request failed at the transport level (see body)
  Fields headers;  // names lower-cased, in order
  std::string body;
  // First header with this (case-insensitive) name, or "".
  std::string header(std::string_view name) const;
  // Every value of a header, e.g. "set-cookie".
  std::vector<std::string> headers_named(std::string_view name) const;
};

struct FileField {
  std::string name;
  std::string filename;
  std::string content_type;
  std::string data;
};

class HttpClient {
 public:
  explicit HttpClient(int port);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  Reply get(const std::string& path, const Fields& extra_headers = {});
  Reply post_form(const std::string& path, const Fields& fields, const Fields& extra_headers = {});
  Reply post_multipart(const std::string& path, const Fields& fields,
                       const std::vector<FileField>& files, const Fields& extra_headers = {});
  // Any request. An empty content_type sends no Content-Type header.
  Reply request(const std::string& method, const std::string& path, const std::string& body = "",
                const std::string& content_type = "", const Fields& extra_headers = {});

  // The cookie jar: name → value, from Set-Cookie (Max-Age=0 deletes).
  std::string cookie(const std::string& name) const;
  void set_cookie(const std::string& name, const std::string& value);
  void clear_cookies();
  const std::map<std::string, std::string>& cookies() const { return cookies_; }

  // How many TCP connections this client has opened: tests of keep-alive look at it.
  int connections_opened() const;
  void set_timeout(std::chrono::milliseconds timeout);
  void close();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::map<std::string, std::string> cookies_;
};

// form-urlencoded body from fields, e.g. for request() with a hand-made content type.
std::string urlencode(const Fields& fields);

// A raw TCP connection for feeding the server malformed or partial requests.
class RawConnection {
 public:
  explicit RawConnection(int port);
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connected() const { return fd_ >= 0; }
  bool send(std::string_view data);
  // Reads until the peer closes or `timeout` passes; *closed tells which.
  std::string read_until_close(std::chrono::milliseconds timeout, bool* closed = nullptr);
  // Reads until `needle` appears in what was read, the peer closes, or `timeout` passes.
  std::string read_until(std::string_view needle, std::chrono::milliseconds timeout);

 private:
  int fd_ = -1;
};

}  // namespace madoguchi::test
