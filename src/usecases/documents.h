// Issued documents (交付文書): issuing the definition's certificate or decision notice when an
// application is granted, handing it to its holder and to staff, checking one on /verify, and
// the unsigned copy of what a resident submitted. See docs/documents.md.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "applications/applications.h"
#include "documents/issued.h"
#include "documents/signing.h"
#include "procedures/procedure.h"
#include "usecases/casework.h"
#include "usecases/env.h"

namespace madoguchi::usecases {

// The configured signing key (documents_key, documents_certificate), loaded on first use and
// kept for the process (files are read again only when the configured names change).
// NotFound when documents_key is "" (documents are off); Invalid when the files do not load.
Result<documents::SigningKey> document_signing_key(const Config& config);
// The certificates Madoguchi's own check trusts (documents_ca, else documents_certificate),
// kept the same way. NotFound when neither is set.
Result<documents::Trust> document_trust(const Config& config);

// Issues `def`'s document for application `a` inside `tx` — the issue_document step calls it
// when the application is decided. It does so when the definition names a document, the
// application was approved, and the decision recorded (when the definition has one) grants
// fully or in part: a number (documents/issued.h), the PDF rendered in Japanese, signed with
// the configured key, stored, and audited as "document.issue" (detail: the number). Ok and
// nothing done otherwise, and when documents are off (no documents_key: `serve` says so at
// start). A failure (the key will not load, rendering or signing fails) aborts the approval,
// so no case is ever decided with its document silently missing.
Status issue_document(const Env& env, store::Transaction& tx, const applications::Application& a,
                      const procedures::Procedure& def, int64_t now);

// Who asks for an application's files: its signed-in owner (account_id), or a guest proving
// ownership with the access code, exactly as the guest lookup does (usecases/follow.h: wrong
// codes counted per receipt number, fails closed).
struct Holder {
  std::optional<int64_t> account_id;
  std::string receipt;                     // as typed
  std::optional<std::string> access_code;  // a guest's proof
};

struct DocumentFile {
  std::string filename;  // ASCII, for Content-Disposition: "<number>.pdf", "<receipt>-copy.pdf"
  std::string pdf;
};

// The document issued for the holder's application, audited "document.download" (actor the
// resident or "guest"). NotFound when the application is not theirs, or has no document.
// *wait_seconds > 0: too many wrong codes for this receipt, nothing was checked (NotFound).
Result<DocumentFile> holder_document(const Env& env, const Holder& holder, int64_t* wait_seconds);

// What the holder submitted, as a PDF of the answers of the current version with the labels
// of the definition version it was filled against, in `locale` — the same renderer, unsigned,
// marked as a copy that certifies nothing. Audited "application.copy". Errors as
// holder_document (but any application of theirs has a copy).
Result<DocumentFile> submitted_copy(const Env& env, const Holder& holder, const std::string& locale,
                                    int64_t* wait_seconds);

// The document of case `id` for staff of its department (NotFound otherwise, as every case
// function), audited "document.staff_download".
Result<DocumentFile> staff_document(const Env& env, const Staff& staff, int64_t id);

// The document issued for an application (without its PDF), to show that there is one. Not
// audited: callers have already shown the application to someone entitled to it.
// None while a step holds the application (an unpaid fee, steps::Step::holds): the document
// is not the resident's yet, and holder_document refuses it (NotFound) until then too.
Result<std::optional<documents::Issued>> issued_for(const Env& env, int64_t application_id);

// What /verify says. A number with the wrong check value is answered exactly like an unknown
// number, so guessing numbers learns nothing.
struct Verdict {
  enum class Kind { kGenuine, kNotGenuine, kUnknown };
  Kind kind = Kind::kUnknown;
  std::optional<documents::Issued> document;  // when genuine (without its PDF)
};
// By the QR code's URL: the number and the check value printed with it.
Result<Verdict> verify_number(const Env& env, const std::string& number, const std::string& check_value);
// By the file: genuine when its signature verifies against the trusted certificates
// (documents/signing.h verify_pdf) and it is, byte for byte, a document Madoguchi issued;
// kNotGenuine otherwise (tampered, signed by someone else, not signed, not a PDF).
Result<Verdict> verify_file(const Env& env, const std::string& pdf);

}  // namespace madoguchi::usecases
