// Keys, certificates and the PDF signature of issued documents. All cryptography is OpenSSL 3
// (EVP keys, X.509, CMS); this module only arranges bytes around it: the incremental update
// that adds a signature dictionary to a PDF, and the byte range the CMS signature covers.
//
// The signature is PAdES-style: /SubFilter /ETSI.CAdES.detached, a detached CMS SignedData
// over the /ByteRange (the whole file but the /Contents hex string), SHA-256, with the ESS
// signing-certificate-v2 attribute that binds the signer's certificate. OpenSSL 3.0 always adds
// a signing-time attribute as well (PAdES B-B prefers /M only; readers accept both).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/status.h"

namespace madoguchi::documents {

// Writes a development CA and a signing key with its certificate into `dir` (created when
// missing): ca.pem (the CA's certificate, to import as trusted into a verifier — NSS's
// certutil, Adobe — and to name as `documents_ca`), signing-key.pem (mode 0600) and
// signing-cert.pem. RSA 2048, SHA-256, valid for `days`. The CA's own key is never written:
// it signs this one certificate and is thrown away, so nothing else can ever chain to it.
// Invalid when any of the three files exists already (a key is never overwritten).
Status create_dev_keys(const std::string& dir, int days = 730);

// A private key with its certificate (and the rest of the chain the certificate file holds),
// loaded once at start. Cheap to copy.
class SigningKey {
 public:
  // Reads a PEM private key and a PEM certificate file (the signer's certificate first, then
  // any intermediates). Invalid when a file does not parse or the key is not the certificate's.
  static Result<SigningKey> load(const std::string& key_file, const std::string& certificate_file);

  // The certificate subject's organisation (O), else its common name (CN).
  std::string subject_name() const;

  struct Impl;
  std::shared_ptr<const Impl> impl;
};

// The certificates Madoguchi's own check trusts: the CA certificates of `ca_file` (PEM, one or
// more); when `ca_file` is "", the certificates of `certificate_file` themselves.
class Trust {
 public:
  static Result<Trust> load(const std::string& ca_file, const std::string& certificate_file);
  struct Impl;
  std::shared_ptr<const Impl> impl;
};

// Signs `pdf` (a complete PDF with a classic cross-reference table and one page tree, as the
// renderer writes) by appending an incremental update: a signature field on the first page,
// invisible, and the signature value with `signed_at` as its /M. Returns the signed file.
// Invalid when the PDF is not of that shape.
Result<std::string> sign_pdf(const std::string& pdf, const SigningKey& key, int64_t signed_at,
                             const std::string& reason);

struct Verification {
  bool valid = false;     // the signature verifies, covers the whole file, and chains to `trust`
  std::string problem;    // why not, for logs and tests (not shown to visitors as is)
  std::string signer;     // the signer certificate's O or CN
  int64_t signed_at = 0;  // the CMS signing time (unix seconds), 0 when absent
  std::string sha256;     // hex SHA-256 of the whole file as given
};

// Madoguchi's own check of a signed PDF: the last signature's /ByteRange must start at 0 and
// end at the end of the file (nothing appended after signing), its /Contents must be a CMS
// SignedData whose signature verifies over the ranged bytes, and the signer's certificate must
// chain to `trust` as it stood at the signing time. Never throws; a malformed file is simply
// not valid.
Verification verify_pdf(const std::string& pdf, const Trust& trust);

// Lower-case hex SHA-256 of `bytes`.
std::string sha256_hex(const std::string& bytes);

// `n` random bytes as lower-case hex (OpenSSL's RAND_bytes), for check values.
std::string random_hex(int n);

}  // namespace madoguchi::documents
