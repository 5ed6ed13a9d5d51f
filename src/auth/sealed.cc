#include "auth/sealed.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>

namespace madoguchi::auth {
namespace {

void sodium_ready() {
  static const int ok = sodium_init();
  if (ok < 0) throw std::runtime_error("libsodium failed to initialise");
}

constexpr auto kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;

}  // namespace

Result<std::string> load_or_create_key(const std::string& path) {
  sodium_ready();
  if (path.empty()) return Status::Invalid("no key file configured");
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) {
    // Written to a temporary name and linked into place: link() fails when the name exists,
    // so of two processes creating it at once, one key wins and both read it.
    std::error_code ec;
    const auto parent = std::filesystem::path(path).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    unsigned char key[crypto_aead_xchacha20poly1305_ietf_KEYBYTES];
    crypto_aead_xchacha20poly1305_ietf_keygen(key);
    const std::string tmp = path + ".new." + std::to_string(getpid());
    const int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0) return Status::Io("cannot create the key file " + tmp);
    const bool written = write(fd, key, sizeof key) == static_cast<ssize_t>(sizeof key) && fsync(fd) == 0;
    close(fd);
    sodium_memzero(key, sizeof key);
    if (!written) {
      unlink(tmp.c_str());
      return Status::Io("cannot write the key file " + tmp);
    }
    const int linked = link(tmp.c_str(), path.c_str());
    unlink(tmp.c_str());
    if (linked != 0 && errno != EEXIST) return Status::Io("cannot create the key file " + path);
    if (stat(path.c_str(), &st) != 0) return Status::Io("cannot read the key file " + path);
  }
  if ((st.st_mode & 077) != 0) {
    return Status::Invalid("the key file " + path + " can be read by others (chmod 600 it)");
  }
  std::ifstream in(path, std::ios::binary);
  std::string key((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) return Status::Io("cannot read the key file " + path);
  if (key.size() != crypto_aead_xchacha20poly1305_ietf_KEYBYTES) {
    return Status::Invalid("the key file " + path + " is not a 32-byte key");
  }
  return key;
}

std::string seal(const std::string& key, std::string_view plaintext, std::string_view associated) {
  sodium_ready();
  if (key.size() != crypto_aead_xchacha20poly1305_ietf_KEYBYTES) throw std::invalid_argument("key size");
  std::string box(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + plaintext.size() +
                      crypto_aead_xchacha20poly1305_ietf_ABYTES,
                  '\0');
  auto* nonce = reinterpret_cast<unsigned char*>(box.data());
  randombytes_buf(nonce, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
  unsigned long long len = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      nonce + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, &len,
      reinterpret_cast<const unsigned char*>(plaintext.data()), plaintext.size(),
      reinterpret_cast<const unsigned char*>(associated.data()), associated.size(), nullptr, nonce,
      reinterpret_cast<const unsigned char*>(key.data()));
  std::string out(sodium_base64_ENCODED_LEN(box.size(), kVariant), '\0');
  sodium_bin2base64(out.data(), out.size(), nonce, box.size(), kVariant);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

Result<std::string> unseal(const std::string& key, std::string_view sealed, std::string_view associated) {
  sodium_ready();
  if (key.size() != crypto_aead_xchacha20poly1305_ietf_KEYBYTES) return Status::Invalid("key size");
  std::string box(sealed.size(), '\0');
  size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(box.data()), box.size(), sealed.data(), sealed.size(),
                        nullptr, &len, nullptr, kVariant) != 0 ||
      len < crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + crypto_aead_xchacha20poly1305_ietf_ABYTES) {
    return Status::Invalid("not a sealed value");
  }
  const auto* nonce = reinterpret_cast<const unsigned char*>(box.data());
  const size_t clen = len - crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
  std::string plain(clen - crypto_aead_xchacha20poly1305_ietf_ABYTES, '\0');
  unsigned long long plen = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          reinterpret_cast<unsigned char*>(plain.data()), &plen, nullptr,
          nonce + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, clen,
          reinterpret_cast<const unsigned char*>(associated.data()), associated.size(), nonce,
          reinterpret_cast<const unsigned char*>(key.data())) != 0) {
    return Status::Invalid("the sealed value does not open with this key");
  }
  plain.resize(plen);
  return plain;
}

}  // namespace madoguchi::auth
