// How a message leaves Madoguchi: a backend behind one small interface, so the
// delivery loop (delivery.h) and its tests do not depend on a mail server. The
// one real backend speaks SMTP to the municipality's relay.
#pragma once

#include <memory>
#include <string>

#include "core/status.h"
#include "notify/outbox.h"

namespace madoguchi::notify {

class Mailer {
 public:
  virtual ~Mailer() = default;
  // Hands `m` to the mail system. Ok means the relay accepted it (it may still
  // bounce later); an error means it was not accepted and may be tried again.
  // `message_id` is unique per outbox row, so a retry after an unknown outcome
  // carries the same Message-ID and the relay or the reader's client can see it
  // is the same message.
  virtual Status send(const Message& m, const std::string& message_id) = 0;
};

struct SmtpOptions {
  std::string url;        // smtp://host:port (smtps:// for implicit TLS); STARTTLS is
                          // used when offered
  std::string from;       // the envelope and From: address, e.g. no-reply@city.example.jp
  std::string from_name;  // the From: display name, e.g. the ward's name (UTF-8)
  long timeout_seconds = 30;
};

// An SMTP backend through libcurl. Builds a UTF-8 text/plain message (subject
// and display name encoded per RFC 2047, the body in base64) with Date and
// Message-ID headers.
std::unique_ptr<Mailer> smtp_mailer(SmtpOptions options);

// The message text an SMTP backend sends (headers, blank line, body), exposed
// for tests. `date` is the Date: header's value.
std::string rfc5322_message(const Message& m, const SmtpOptions& o, const std::string& message_id,
                            const std::string& date);

}  // namespace madoguchi::notify
