// Shared by the documents tests: a temporary folder with development keys, an NSS database
// that trusts their CA (for pdfsig), and running poppler's tools. The tools are required: a
// missing pdfsig, pdftotext or certutil fails the test (they are in ci/packages.txt).
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "documents/signing.h"

namespace madoguchi::test {

// Runs `command` through the shell; its standard output and error, and *status its exit status.
inline std::string run_command(const std::string& command, int* status = nullptr) {
  std::string out;
  FILE* p = popen((command + " 2>&1").c_str(), "r");
  if (!p) return out;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  const int st = pclose(p);
  if (status) *status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return out;
}

inline bool have_tool(const std::string& name) {
  int st = 0;
  run_command("command -v " + name, &st);
  return st == 0;
}

// A temporary folder with development keys (keys/) and an NSS database (nss/) trusting their CA.
class DocumentKeys {
 public:
  DocumentKeys() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "madoguchi_docs_XXXXXX").string();
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp");
    dir = tmpl;
    Status s = documents::create_dev_keys((dir / "keys").string());
    if (!s.ok()) throw std::runtime_error(s.message());
  }
  ~DocumentKeys() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  std::string key_file() const { return (dir / "keys" / "signing-key.pem").string(); }
  std::string cert_file() const { return (dir / "keys" / "signing-cert.pem").string(); }
  std::string ca_file() const { return (dir / "keys" / "ca.pem").string(); }

  // The NSS database for pdfsig -nssdir, made on first use; "" after a test failure.
  std::string nss_dir() {
    const auto nss = dir / "nss";
    if (std::filesystem::exists(nss)) return "sql:" + nss.string();
    if (!have_tool("certutil")) {
      ADD_FAILURE() << "certutil is missing (Debian libnss3-tools, in ci/packages.txt)";
      return "";
    }
    std::filesystem::create_directories(nss);
    int st = 0;
    std::string out = run_command("certutil -N -d sql:" + nss.string() + " --empty-password", &st);
    if (st != 0) ADD_FAILURE() << out;
    out = run_command("certutil -A -d sql:" + nss.string() + " -n madoguchi-test-ca -t CT,C,C -i " + ca_file(), &st);
    if (st != 0) ADD_FAILURE() << out;
    return "sql:" + nss.string();
  }

  // Writes `bytes` to a file in the folder and returns its path.
  std::string write(const std::string& name, const std::string& bytes) const {
    const auto path = dir / name;
    std::ofstream(path, std::ios::binary) << bytes;
    return path.string();
  }

  // pdfsig's report on `pdf` (bytes) against the NSS database.
  std::string pdfsig(const std::string& pdf) {
    if (!have_tool("pdfsig")) {
      ADD_FAILURE() << "pdfsig is missing (Debian poppler-utils, in ci/packages.txt)";
      return "";
    }
    const std::string nss = nss_dir();
    return run_command("pdfsig -nssdir " + nss + " " + write("pdfsig.pdf", pdf));
  }

  // pdftotext's text of `pdf` (bytes).
  std::string pdftotext(const std::string& pdf) const {
    if (!have_tool("pdftotext")) {
      ADD_FAILURE() << "pdftotext is missing (Debian poppler-utils, in ci/packages.txt)";
      return "";
    }
    return run_command("pdftotext -enc UTF-8 " + write("text.pdf", pdf) + " -");
  }

  std::filesystem::path dir;
};

}  // namespace madoguchi::test
