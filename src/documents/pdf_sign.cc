// The PDF signature: an incremental update appended to the renderer's PDF (a signature
// dictionary, an invisible widget on page 1, the catalogue with /AcroForm and the page with
// /Annots written again, a cross-reference section with /Prev), then a CMS SignedData from
// OpenSSL over the byte range written into the /Contents placeholder.
//
// Why by hand and not libpodofo: Debian 12 has podofo 0.9.8, whose signing API
// (PdfSignOutputDevice) was replaced wholesale in 0.10, and we only ever sign PDFs that our own
// renderer wrote (cairo 1.16: one classic xref table, a flat page tree), so the update is a
// few dozen lines whose every byte we know. The cryptography is OpenSSL's.
#include <openssl/ess.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <map>
#include <optional>
#include <regex>
#include <sstream>

#include "documents/openssl_util.h"

namespace madoguchi::documents {
namespace {

constexpr size_t kPdfSignatureBytes = 8192;  // room for the CMS: a signature and a chain of a few certificates

struct PdfTail {
  std::map<int, size_t> offsets;  // object number → offset (in-use entries of the last xref)
  size_t xref = 0;
  int size = 0;
  int root = 0;
  std::optional<int> info;
};

std::optional<long long> pdf_number_after(const std::string& s, size_t pos) {
  while (pos < s.size() && (s[pos] == ' ' || s[pos] == '\r' || s[pos] == '\n')) ++pos;
  size_t end = pos;
  while (end < s.size() && std::isdigit(static_cast<unsigned char>(s[end]))) ++end;
  if (end == pos || end - pos > 12) return std::nullopt;
  return std::stoll(s.substr(pos, end - pos));
}

std::optional<int> pdf_ref_in(const std::string& dict, const std::string& key) {
  std::smatch m;
  if (std::regex_search(dict, m, std::regex(key + R"(\s+(\d+)\s+0\s+R)"))) return std::stoi(m[1]);
  return std::nullopt;
}

Result<PdfTail> parse_pdf_tail(const std::string& pdf) {
  PdfTail p;
  const size_t sx = pdf.rfind("startxref");
  if (sx == std::string::npos) return Status::Invalid("no startxref");
  auto off = pdf_number_after(pdf, sx + 9);
  if (!off || static_cast<size_t>(*off) >= pdf.size()) return Status::Invalid("bad startxref");
  p.xref = static_cast<size_t>(*off);
  if (pdf.compare(p.xref, 4, "xref") != 0) return Status::Invalid("not a classic xref table");
  const size_t trailer = pdf.find("trailer", p.xref);
  if (trailer == std::string::npos || trailer > sx) return Status::Invalid("no trailer");
  // Subsections: a "first count" line, then one "oooooooooo ggggg n|f" line per object.
  std::istringstream lines(pdf.substr(p.xref + 4, trailer - p.xref - 4));
  std::string line;
  long long next = -1;
  while (std::getline(lines, line)) {
    std::istringstream words(line);
    std::string w1, w2, w3;
    words >> w1 >> w2 >> w3;
    if (w1.empty()) continue;
    if (w1.find_first_not_of("0123456789") != std::string::npos || w2.empty()) return Status::Invalid("bad xref");
    if (w3.empty()) {
      next = std::stoll(w1);
    } else {
      if (next < 0) return Status::Invalid("bad xref");
      if (w3 == "n") p.offsets[static_cast<int>(next)] = std::stoull(w1);
      ++next;
    }
  }
  const std::string tdict = pdf.substr(trailer, sx - trailer);
  std::smatch m;
  if (!std::regex_search(tdict, m, std::regex(R"(/Size\s+(\d+))"))) return Status::Invalid("no /Size");
  p.size = std::stoi(m[1]);
  auto root = pdf_ref_in(tdict, "/Root");
  if (!root) return Status::Invalid("no /Root");
  p.root = *root;
  p.info = pdf_ref_in(tdict, "/Info");
  return p;
}

// The dictionary of object `num` ("<< … >>"), which must not be a stream.
Result<std::string> pdf_object_dict(const std::string& pdf, const PdfTail& p, int num) {
  auto it = p.offsets.find(num);
  if (it == p.offsets.end()) return Status::Invalid("object " + std::to_string(num) + " not in xref");
  const size_t begin = pdf.find("<<", it->second);
  const size_t end = pdf.find("endobj", it->second);
  if (begin == std::string::npos || end == std::string::npos || begin > end) return Status::Invalid("bad object");
  std::string body = pdf.substr(begin, end - begin);
  if (body.find("stream") != std::string::npos) return Status::Invalid("object is a stream");
  const size_t close = body.rfind(">>");
  if (close == std::string::npos) return Status::Invalid("bad dictionary");
  return body.substr(0, close + 2);
}

// `dict` with `entry` added before its closing ">>".
std::string pdf_with_entry(const std::string& dict, const std::string& entry) {
  return dict.substr(0, dict.size() - 2) + entry + "\n>>";
}

std::string pdf_date_of(int64_t t) {
  const time_t tt = static_cast<time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "D:%Y%m%d%H%M%S+00'00'", &tm);
  return buf;
}

Result<std::string> cms_sign_detached(const std::string& data, const SigningKey& key) {
  const auto& k = *key.impl;
  const unsigned flags = CMS_DETACHED | CMS_BINARY | CMS_PARTIAL | CMS_NOSMIMECAP;
  Cms cms(CMS_sign(nullptr, nullptr, k.chain.get(), nullptr, flags));
  if (!cms) return Status::Internal(openssl_error("CMS_sign"));
  CMS_SignerInfo* si = CMS_add1_signer(cms.get(), k.cert.get(), k.key.get(), EVP_sha256(), flags);
  if (!si) return Status::Internal(openssl_error("CMS_add1_signer"));
  // ESS signing-certificate-v2 (RFC 5035): what makes a CMS signature CAdES.
  ESS_SIGNING_CERT_V2* sc = OSSL_ESS_signing_cert_v2_new_init(EVP_sha256(), k.cert.get(), nullptr, 0);
  if (!sc) return Status::Internal(openssl_error("signing-certificate-v2"));
  unsigned char* der = nullptr;
  const int der_len = i2d_ESS_SIGNING_CERT_V2(sc, &der);
  ESS_SIGNING_CERT_V2_free(sc);
  const int added = der_len > 0 && CMS_signed_add1_attr_by_NID(si, NID_id_smime_aa_signingCertificateV2,
                                                               V_ASN1_SEQUENCE, der, der_len);
  OPENSSL_free(der);
  if (!added) return Status::Internal(openssl_error("add signing-certificate-v2"));
  Bio in(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
  if (CMS_final(cms.get(), in.get(), nullptr, flags) != 1) return Status::Internal(openssl_error("CMS_final"));
  unsigned char* out = nullptr;
  const int len = i2d_CMS_ContentInfo(cms.get(), &out);
  if (len <= 0) return Status::Internal(openssl_error("i2d_CMS_ContentInfo"));
  std::string result(reinterpret_cast<char*>(out), static_cast<size_t>(len));
  OPENSSL_free(out);
  return result;
}

std::string hex_upper(const std::string& bytes) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

int64_t cms_signing_time(CMS_ContentInfo* cms) {
  STACK_OF(CMS_SignerInfo)* infos = CMS_get0_SignerInfos(cms);
  if (!infos || sk_CMS_SignerInfo_num(infos) < 1) return 0;
  CMS_SignerInfo* si = sk_CMS_SignerInfo_value(infos, 0);
  const int idx = CMS_signed_get_attr_by_NID(si, NID_pkcs9_signingTime, -1);
  if (idx < 0) return 0;
  ASN1_TYPE* t = X509_ATTRIBUTE_get0_type(CMS_signed_get_attr(si, idx), 0);
  if (!t || (t->type != V_ASN1_UTCTIME && t->type != V_ASN1_GENERALIZEDTIME)) return 0;
  std::tm tm{};
  if (ASN1_TIME_to_tm(reinterpret_cast<ASN1_TIME*>(t->value.asn1_string), &tm) != 1) return 0;
  return static_cast<int64_t>(timegm(&tm));
}

}  // namespace

Result<std::string> sign_pdf(const std::string& pdf, const SigningKey& key, int64_t signed_at,
                             const std::string& reason) {
  auto parsed = parse_pdf_tail(pdf);
  if (!parsed.ok()) return parsed.status();
  const PdfTail& p = *parsed;
  auto catalog = pdf_object_dict(pdf, p, p.root);
  if (!catalog.ok()) return catalog.status();
  if (catalog->find("/AcroForm") != std::string::npos) return Status::Invalid("the PDF has a form already");
  auto pages_ref = pdf_ref_in(*catalog, "/Pages");
  if (!pages_ref) return Status::Invalid("no /Pages");
  auto pages = pdf_object_dict(pdf, p, *pages_ref);
  if (!pages.ok()) return pages.status();
  std::smatch m;
  if (!std::regex_search(*pages, m, std::regex(R"(/Kids\s*\[\s*(\d+)\s+0\s+R)"))) return Status::Invalid("no /Kids");
  const int page_num = std::stoi(m[1]);
  auto page = pdf_object_dict(pdf, p, page_num);
  if (!page.ok()) return page.status();
  if (page->find("/Annots") != std::string::npos) return Status::Invalid("the page has annotations already");

  const int sig_num = p.size;
  const int widget_num = p.size + 1;
  std::string update = pdf.back() == '\n' ? "" : "\n";
  std::map<int, size_t> offsets;
  auto put = [&](int num, const std::string& dict) {
    offsets[num] = pdf.size() + update.size();
    update += std::to_string(num) + " 0 obj\n" + dict + "\nendobj\n";
  };
  const std::string byte_range_placeholder = "/ByteRange [0 ********** ********** **********]";
  // /Reason as a hex string of its bytes: nothing in it can end the string early. (ASCII only:
  // a PDF text string outside PDFDocEncoding would need UTF-16BE.)
  std::string sig_dict = "<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached\n" +
                         byte_range_placeholder + "\n/M (" + pdf_date_of(signed_at) + ")\n/Reason <" +
                         hex_upper(reason) + ">\n/Contents <";
  const size_t contents_in_dict = sig_dict.size() - 1;
  sig_dict += std::string(kPdfSignatureBytes * 2, '0') + ">\n>>";
  put(sig_num, sig_dict);
  const size_t contents_start = offsets[sig_num] + std::to_string(sig_num).size() + 7 + contents_in_dict;
  put(widget_num, "<< /Type /Annot /Subtype /Widget /FT /Sig /T (Signature1) /F 132 /Rect [0 0 0 0] /V " +
                      std::to_string(sig_num) + " 0 R /P " + std::to_string(page_num) + " 0 R >>");
  put(p.root, pdf_with_entry(*catalog, "/AcroForm << /Fields [" + std::to_string(widget_num) + " 0 R] /SigFlags 3 >>"));
  put(page_num, pdf_with_entry(*page, "/Annots [" + std::to_string(widget_num) + " 0 R]"));

  const size_t xref_at = pdf.size() + update.size();
  update += "xref\n";
  for (const auto& [num, off] : offsets) {
    char line[64];
    std::snprintf(line, sizeof line, "%d 1\n%010zu 00000 n \n", num, off);
    update += line;
  }
  update += "trailer\n<< /Size " + std::to_string(p.size + 2) + " /Root " + std::to_string(p.root) + " 0 R" +
            (p.info ? " /Info " + std::to_string(*p.info) + " 0 R" : "") + " /Prev " + std::to_string(p.xref) +
            " >>\nstartxref\n" + std::to_string(xref_at) + "\n%%EOF\n";

  std::string out = pdf + update;
  const size_t contents_end = contents_start + kPdfSignatureBytes * 2 + 2;
  if (out[contents_start] != '<' || out[contents_end - 1] != '>') return Status::Internal("placeholder misplaced");
  char range[64];
  std::snprintf(range, sizeof range, "[0 %-10zu %-10zu %-10zu]", contents_start, contents_end,
                out.size() - contents_end);
  const size_t br = out.find(byte_range_placeholder, offsets[sig_num]);
  out.replace(br + 11, byte_range_placeholder.size() - 11, range);
  if (out.size() != pdf.size() + update.size()) return Status::Internal("byte range did not fit");

  auto cms = cms_sign_detached(out.substr(0, contents_start) + out.substr(contents_end), key);
  if (!cms.ok()) return cms.status();
  if (cms->size() > kPdfSignatureBytes) return Status::Internal("signature larger than its placeholder");
  const std::string hex = hex_upper(*cms);
  out.replace(contents_start + 1, hex.size(), hex);
  return out;
}

Verification verify_pdf(const std::string& pdf, const Trust& trust) {
  Verification v;
  v.sha256 = sha256_hex(pdf);
  const size_t br = pdf.rfind("/ByteRange");
  if (br == std::string::npos) {
    v.problem = "no signature";
    return v;
  }
  std::smatch m;
  const std::string tail = pdf.substr(br, 80);
  if (!std::regex_search(tail, m, std::regex(R"(^/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\])"))) {
    v.problem = "malformed /ByteRange";
    return v;
  }
  const unsigned long long a = std::stoull(m[1]), b = std::stoull(m[2]), c = std::stoull(m[3]), d = std::stoull(m[4]);
  if (a != 0 || b >= c || c > pdf.size() || c + d != pdf.size() || pdf[b] != '<' || pdf[c - 1] != '>') {
    v.problem = "the signature does not cover the whole file";
    return v;
  }
  const std::string hex = pdf.substr(b + 1, c - b - 2);
  if (hex.size() % 2 || hex.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos) {
    v.problem = "malformed /Contents";
    return v;
  }
  std::string der;
  der.reserve(hex.size() / 2);
  for (size_t i = 0; i < hex.size(); i += 2) der += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  const unsigned char* q = reinterpret_cast<const unsigned char*>(der.data());
  Cms cms(d2i_CMS_ContentInfo(nullptr, &q, static_cast<long>(der.size())));
  if (!cms) {
    ERR_clear_error();
    v.problem = "no CMS signature";
    return v;
  }
  // Exactly the two ranges, as any verifier reads them; the check above is what refuses bytes
  // outside them.
  const std::string data = pdf.substr(0, b) + pdf.substr(c, d);
  Bio in(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
  // The signature over the bytes first; the chain is checked below at the signing time.
  if (CMS_verify(cms.get(), nullptr, nullptr, in.get(), nullptr, CMS_BINARY | CMS_NO_SIGNER_CERT_VERIFY) != 1) {
    v.problem = openssl_error("signature does not verify");
    return v;
  }
  STACK_OF(X509)* signers = CMS_get0_signers(cms.get());
  if (!signers || sk_X509_num(signers) != 1) {
    sk_X509_free(signers);
    v.problem = "not exactly one signer";
    return v;
  }
  X509* signer = sk_X509_value(signers, 0);
  sk_X509_free(signers);  // the certificates belong to the CMS
  v.signed_at = cms_signing_time(cms.get());
  v.signer = subject_name_of(signer);
  STACK_OF(X509)* included = CMS_get1_certs(cms.get());
  X509_STORE_CTX* ctx = X509_STORE_CTX_new();
  bool chained = X509_STORE_CTX_init(ctx, trust.impl->store.get(), signer, included) == 1;
  if (chained) {
    if (v.signed_at > 0) X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(ctx), static_cast<time_t>(v.signed_at));
    chained = X509_verify_cert(ctx) == 1;
    if (!chained)
      v.problem = std::string("certificate: ") + X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx));
  }
  X509_STORE_CTX_free(ctx);
  sk_X509_pop_free(included, X509_free);
  ERR_clear_error();
  v.valid = chained;
  return v;
}

}  // namespace madoguchi::documents
