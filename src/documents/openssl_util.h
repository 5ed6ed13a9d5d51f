// Internal to src/documents: owning pointers for OpenSSL objects and the shared state of
// SigningKey and Trust.
#pragma once

#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>
#include <string>

#include "documents/signing.h"

namespace madoguchi::documents {

struct FreeBio {
  void operator()(BIO* p) const { BIO_free_all(p); }
};
struct FreePkey {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct FreeX509 {
  void operator()(X509* p) const { X509_free(p); }
};
struct FreeStore {
  void operator()(X509_STORE* p) const { X509_STORE_free(p); }
};
struct FreeStack {
  void operator()(STACK_OF(X509) * p) const { sk_X509_pop_free(p, X509_free); }
};
struct FreeCms {
  void operator()(CMS_ContentInfo* p) const { CMS_ContentInfo_free(p); }
};

using Bio = std::unique_ptr<BIO, FreeBio>;
using Pkey = std::unique_ptr<EVP_PKEY, FreePkey>;
using Cert = std::unique_ptr<X509, FreeX509>;
using CertStore = std::unique_ptr<X509_STORE, FreeStore>;
using CertStack = std::unique_ptr<STACK_OF(X509), FreeStack>;
using Cms = std::unique_ptr<CMS_ContentInfo, FreeCms>;

struct SigningKey::Impl {
  Pkey key;
  Cert cert;
  CertStack chain;  // the certificates after the first in the certificate file
};

struct Trust::Impl {
  CertStore store;
};

// OpenSSL's error queue as one line (and emptied), after `what`.
inline std::string openssl_error(const std::string& what) {
  std::string out = what;
  while (unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    out += std::string(": ") + buf;
  }
  return out;
}

// The subject's O, else its CN, else the one-line subject.
std::string subject_name_of(const X509* cert);

}  // namespace madoguchi::documents
