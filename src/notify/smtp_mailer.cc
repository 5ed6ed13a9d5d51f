#include <curl/curl.h>
#include <sodium.h>

#include <cstring>
#include <ctime>
#include <mutex>

#include "notify/mailer.h"

namespace madoguchi::notify {
namespace {

std::string base64(std::string_view bytes) {
  std::string out(sodium_base64_encoded_len(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  out.resize(std::strlen(out.c_str()));
  return out;
}

bool ascii_printable(std::string_view s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

// An RFC 2047 encoded-word per chunk of at most 39 bytes (52 base64
// characters), never splitting a UTF-8 sequence: each word is at most 64
// characters, so even the first line, "Subject: " or "From: " and a word, stays
// within the 78 characters a header line should.
std::string encoded_words(std::string_view s) {
  if (ascii_printable(s)) return std::string(s);
  std::string out;
  size_t i = 0;
  while (i < s.size()) {
    size_t end = std::min(s.size(), i + 39);
    while (end < s.size() && end > i && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + base64(s.substr(i, end - i)) + "?=";
    i = end;
  }
  return out;
}

struct Upload {
  std::string text;
  size_t sent = 0;
};

size_t read_upload(char* buffer, size_t size, size_t count, void* user) {
  auto* u = static_cast<Upload*>(user);
  const size_t n = std::min(size * count, u->text.size() - u->sent);
  std::memcpy(buffer, u->text.data() + u->sent, n);
  u->sent += n;
  return n;
}

std::string rfc5322_now() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S +0000", &tm);
  return buf;
}

class SmtpMailer : public Mailer {
 public:
  explicit SmtpMailer(SmtpOptions o) : o_(std::move(o)) {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  }

  Status send(const Message& m, const std::string& message_id) override {
    Upload upload{rfc5322_message(m, o_, message_id, rfc5322_now())};
    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
    if (!curl) return Status::Internal("curl_easy_init failed");
    curl_slist* rcpt = curl_slist_append(nullptr, ("<" + m.recipient + ">").c_str());
    CURL* c = curl.get();
    char error[CURL_ERROR_SIZE] = {0};
    curl_easy_setopt(c, CURLOPT_URL, o_.url.c_str());
    curl_easy_setopt(c, CURLOPT_MAIL_FROM, ("<" + o_.from + ">").c_str());
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, read_upload);
    curl_easy_setopt(c, CURLOPT_READDATA, &upload);
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_TRY));
    curl_easy_setopt(c, CURLOPT_TIMEOUT, o_.timeout_seconds);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // called from a worker thread
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
    const CURLcode rc = curl_easy_perform(c);
    curl_slist_free_all(rcpt);
    if (rc != CURLE_OK) {
      long code = 0;  // the relay's last reply code, which tells an operator
                      // more than curl's words
      curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
      std::string what = error[0] ? error : curl_easy_strerror(rc);
      return Status::Io(code > 0 ? "smtp: the relay answered " + std::to_string(code) + " (" + what + ")"
                                 : "smtp: " + what);
    }
    return Status::Ok();
  }

 private:
  SmtpOptions o_;
};

}  // namespace

std::string rfc5322_message(const Message& m, const SmtpOptions& o, const std::string& message_id,
                            const std::string& date) {
  std::string from = o.from_name.empty() ? "<" + o.from + ">" : encoded_words(o.from_name) + " <" + o.from + ">";
  std::string out;
  out += "Date: " + date + "\r\n";
  out += "From: " + from + "\r\n";
  out += "To: <" + m.recipient + ">\r\n";
  out += "Subject: " + encoded_words(m.subject) + "\r\n";
  out += "Message-ID: <" + message_id + ">\r\n";
  out += "MIME-Version: 1.0\r\n";
  out += "Content-Type: text/plain; charset=UTF-8\r\n";
  out += "Content-Transfer-Encoding: base64\r\n";
  out += "Auto-Submitted: auto-generated\r\n";
  out += "\r\n";
  const std::string encoded = base64(m.body);
  for (size_t i = 0; i < encoded.size(); i += 76) out += encoded.substr(i, 76) + "\r\n";
  return out;
}

std::unique_ptr<Mailer> smtp_mailer(SmtpOptions options) { return std::make_unique<SmtpMailer>(std::move(options)); }

}  // namespace madoguchi::notify
