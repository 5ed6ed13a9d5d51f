// Issued documents as stored (table issued_documents, migration 9): the signed PDF exactly as
// issued, its document number, and the check value that the QR code's verification URL
// carries. Every function takes the caller's transaction.
//
// Numbers are "<year>-<6 digits>", counted per calendar year (JST) from 000001 in issuing
// order. They are short enough to read out on the phone and so guessable: what a number alone
// reveals on /verify is limited accordingly (usecases/documents.h), and the check value — 16
// random bytes, hex — is what proves the holder has the document.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/status.h"
#include "store/store.h"

namespace madoguchi::documents {

struct Issued {
  int64_t id = 0;
  std::string number;
  int64_t application_id = 0;
  std::string procedure_id;
  std::string kind;        // "certificate" | "decision_notice"
  std::string issuer;      // as printed
  std::string department;  // department id
  std::string check_value;
  std::string sha256;  // of pdf
  std::string pdf;     // the signed file
  int64_t issued_at = 0;
};

// The next document number of `year` (the count of that year's numbers so far, plus one).
// Writers never overlap (store.h), so two issuances cannot get the same number; the UNIQUE
// constraint would refuse it if they did.
Result<std::string> next_number(store::Transaction& tx, int year);

// Stores `doc` (its id is set from the store). Conflict when the number is taken.
Status insert(store::Transaction& tx, Issued* doc);

// The latest document issued for the application, without its PDF unless `with_pdf`.
Result<std::optional<Issued>> for_application(store::Transaction& tx, int64_t application_id, bool with_pdf);

// The document with this number, without its PDF.
Result<std::optional<Issued>> by_number(store::Transaction& tx, const std::string& number);

// The document whose signed PDF has this SHA-256 (hex), without its PDF.
Result<std::optional<Issued>> by_sha256(store::Transaction& tx, const std::string& sha256);

}  // namespace madoguchi::documents
