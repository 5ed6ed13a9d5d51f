// Development keys, and loading the configured key, certificate and trusted CAs.
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <stdexcept>

#include "documents/openssl_util.h"

namespace madoguchi::documents {
namespace {

namespace fs = std::filesystem;

Pkey new_rsa_2048_key() { return Pkey(EVP_RSA_gen(2048)); }

Status add_x509_ext(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (!ext) return Status::Internal(openssl_error("extension"));
  const int ok = X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
  return ok ? Status::Ok() : Status::Internal(openssl_error("add extension"));
}

// A certificate for `key` with `subject` (O and CN), issued by `issuer` (nullptr: itself).
Result<Cert> make_x509_cert(EVP_PKEY* key, const std::string& org, const std::string& cn, X509* issuer,
                            EVP_PKEY* issuer_key, bool ca, int days) {
  Cert cert(X509_new());
  if (!cert) return Status::Internal(openssl_error("X509_new"));
  X509_set_version(cert.get(), 2);
  unsigned char serial[16];
  if (RAND_bytes(serial, sizeof serial) != 1) return Status::Internal(openssl_error("serial"));
  serial[0] &= 0x7f;  // a positive INTEGER
  BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
  BN_free(bn);
  // An hour back, so a verifier whose clock is a little behind still accepts it.
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), int64_t{days} * 86400);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "C", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>("JP"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(org.c_str()), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  X509* iss = issuer ? issuer : cert.get();
  X509_set_issuer_name(cert.get(), X509_get_subject_name(iss));
  Status s = add_x509_ext(cert.get(), iss, NID_basic_constraints, ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
  if (s.ok()) {
    s = add_x509_ext(cert.get(), iss, NID_key_usage,
                     ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature,nonRepudiation");
  }
  if (s.ok()) s = add_x509_ext(cert.get(), iss, NID_subject_key_identifier, "hash");
  if (s.ok() && issuer) s = add_x509_ext(cert.get(), iss, NID_authority_key_identifier, "keyid:always");
  if (!s.ok()) return s;
  if (X509_sign(cert.get(), issuer_key ? issuer_key : key, EVP_sha256()) == 0) {
    return Status::Internal(openssl_error("X509_sign"));
  }
  return cert;
}

Status write_pem_file(const fs::path& path, const std::function<int(BIO*)>& write, bool secret) {
  Bio bio(BIO_new(BIO_s_mem()));
  if (!write(bio.get())) return Status::Internal(openssl_error("PEM"));
  BUF_MEM* mem = nullptr;
  BIO_get_mem_ptr(bio.get(), &mem);
  // A secret file is created 0600 before anything is written into it.
  const mode_t old = secret ? umask(077) : umask(022);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  umask(old);
  out.write(mem->data, static_cast<std::streamsize>(mem->length));
  out.close();
  if (!out) return Status::Io("cannot write " + path.string());
  if (secret) fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace);
  return Status::Ok();
}

Result<std::string> read_pem_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Invalid("cannot read " + path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Every certificate of a PEM file, in order.
Result<CertStack> read_pem_certs(const std::string& path) {
  auto text = read_pem_file(path);
  if (!text.ok()) return text.status();
  Bio bio(BIO_new_mem_buf(text->data(), static_cast<int>(text->size())));
  CertStack certs(sk_X509_new_null());
  while (X509* c = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) sk_X509_push(certs.get(), c);
  ERR_clear_error();  // the read that ended the loop
  if (sk_X509_num(certs.get()) == 0) return Status::Invalid(path + ": no PEM certificate");
  return certs;
}

}  // namespace

std::string subject_name_of(const X509* cert) {
  const X509_NAME* name = X509_get_subject_name(cert);
  for (int nid : {NID_organizationName, NID_commonName}) {
    const int i = X509_NAME_get_index_by_NID(name, nid, -1);
    if (i < 0) continue;
    unsigned char* utf8 = nullptr;
    const int n = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i)));
    if (n < 0) continue;
    std::string out(reinterpret_cast<char*>(utf8), static_cast<size_t>(n));
    OPENSSL_free(utf8);
    return out;
  }
  char buf[512];
  X509_NAME_oneline(name, buf, sizeof buf);
  return buf;
}

Status create_dev_keys(const std::string& dir, int days) {
  const fs::path root(dir);
  std::error_code ec;
  fs::create_directories(root, ec);
  if (ec) return Status::Io("cannot create " + dir + ": " + ec.message());
  for (const char* f : {"ca.pem", "signing-key.pem", "signing-cert.pem"}) {
    if (fs::exists(root / f)) return Status::Invalid((root / f).string() + " exists; a key is never overwritten");
  }
  Pkey ca_key = new_rsa_2048_key();
  Pkey key = new_rsa_2048_key();
  if (!ca_key || !key) return Status::Internal(openssl_error("RSA key generation"));
  const std::string org = "Madoguchi development (not a real ward)";
  auto ca = make_x509_cert(ca_key.get(), org, "Madoguchi development CA", nullptr, nullptr, true, days);
  if (!ca.ok()) return ca.status();
  auto cert =
      make_x509_cert(key.get(), org, "Madoguchi development document signer", ca->get(), ca_key.get(), false, days);
  if (!cert.ok()) return cert.status();
  X509* ca_cert = ca->get();
  X509* signer = cert->get();
  EVP_PKEY* pkey = key.get();
  if (Status s = write_pem_file(
          root / "ca.pem", [&](BIO* b) { return PEM_write_bio_X509(b, ca_cert); }, false);
      !s.ok())
    return s;
  if (Status s = write_pem_file(
          root / "signing-key.pem",
          [&](BIO* b) { return PEM_write_bio_PrivateKey(b, pkey, nullptr, nullptr, 0, nullptr, nullptr); }, true);
      !s.ok())
    return s;
  return write_pem_file(
      root / "signing-cert.pem", [&](BIO* b) { return PEM_write_bio_X509(b, signer); }, false);
}

Result<SigningKey> SigningKey::load(const std::string& key_file, const std::string& certificate_file) {
  auto key_text = read_pem_file(key_file);
  if (!key_text.ok()) return key_text.status();
  Bio bio(BIO_new_mem_buf(key_text->data(), static_cast<int>(key_text->size())));
  auto impl = std::make_shared<Impl>();
  impl->key.reset(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!impl->key) return Status::Invalid(openssl_error(key_file + ": not a PEM private key (without passphrase)"));
  auto certs = read_pem_certs(certificate_file);
  if (!certs.ok()) return certs.status();
  impl->cert.reset(sk_X509_shift(certs->get()));
  impl->chain = std::move(*certs);
  if (X509_check_private_key(impl->cert.get(), impl->key.get()) != 1) {
    ERR_clear_error();
    return Status::Invalid(key_file + " is not the key of the certificate in " + certificate_file);
  }
  SigningKey out;
  out.impl = std::move(impl);
  return out;
}

std::string SigningKey::subject_name() const { return subject_name_of(impl->cert.get()); }

Result<Trust> Trust::load(const std::string& ca_file, const std::string& certificate_file) {
  auto certs = read_pem_certs(ca_file.empty() ? certificate_file : ca_file);
  if (!certs.ok()) return certs.status();
  auto impl = std::make_shared<Impl>();
  impl->store.reset(X509_STORE_new());
  for (int i = 0; i < sk_X509_num(certs->get()); ++i)
    X509_STORE_add_cert(impl->store.get(), sk_X509_value(certs->get(), i));
  // A configured certificate is an anchor even when it is not self-signed (an intermediate,
  // or the signer's own certificate when no CA file is named).
  X509_STORE_set_flags(impl->store.get(), X509_V_FLAG_PARTIAL_CHAIN);
  Trust out;
  out.impl = std::move(impl);
  return out;
}

std::string random_hex(int n) {
  std::string bytes(static_cast<size_t>(n), '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data()), n) != 1) throw std::runtime_error("RAND_bytes");
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

std::string sha256_hex(const std::string& bytes) {
  unsigned char md[32];
  unsigned int len = 0;
  EVP_Digest(bytes.data(), bytes.size(), md, &len, EVP_sha256(), nullptr);
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    out += kHex[md[i] >> 4];
    out += kHex[md[i] & 15];
  }
  return out;
}

}  // namespace madoguchi::documents
