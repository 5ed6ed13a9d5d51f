// `madoguchi keys create-dev --out DIR`: a development CA and document-signing key and
// certificate (documents/signing.h), printing the settings that use them.
// `madoguchi keys check`: loads the configured documents_key / documents_certificate /
// documents_ca, signs and verifies a one-page test PDF in memory, and prints who signs.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "cli/cli.h"
#include "core/date.h"
#include "documents/render.h"
#include "documents/signing.h"
#include "usecases/documents.h"

namespace madoguchi::cli {
namespace {

int create_dev(const std::string& dir) {
  if (Status s = documents::create_dev_keys(dir); !s.ok()) return fail(s.message());
  std::printf(
      "Development keys written to %s (for development and tests only; never for residents' documents).\n"
      "Add to madoguchi.toml:\n"
      "  documents_key = \"%s/signing-key.pem\"\n"
      "  documents_certificate = \"%s/signing-cert.pem\"\n"
      "  documents_ca = \"%s/ca.pem\"\n"
      "To make a PDF reader trust them, import %s/ca.pem as a trusted CA (e.g. certutil -A -t \"CT,C,C\").\n",
      dir.c_str(), dir.c_str(), dir.c_str(), dir.c_str(), dir.c_str());
  return 0;
}

int check(const Config& config) {
  if (config.documents_key.empty()) return fail("documents_key is not set: documents are off");
  auto key = documents::SigningKey::load(config.documents_key, config.documents_certificate);
  if (!key.ok()) return fail(key.status().message());
  auto trust = documents::Trust::load(config.documents_ca, config.documents_certificate);
  if (!trust.ok()) return fail(trust.status().message());
  documents::Content content;
  content.title = "keys check";
  auto pdf = documents::render_pdf(content);
  if (!pdf.ok()) return fail(pdf.status().message());
  auto signed_pdf = documents::sign_pdf(*pdf, *key, unix_now(), "keys check");
  if (!signed_pdf.ok()) return fail(signed_pdf.status().message());
  const auto v = documents::verify_pdf(*signed_pdf, *trust);
  if (!v.valid) return fail("a test signature does not verify against documents_ca: " + v.problem);
  std::printf("signer: %s\nA test PDF signed with documents_key verifies against the trusted certificates.\n",
              v.signer.c_str());
  return 0;
}

}  // namespace

Status set_up_documents(bool demo, Config* config) {
  if (config->documents_key.empty() && demo) {
    // The demo shows the whole journey, issued documents included: development keys beside
    // the demo's data (a SQLite store's folder, else data/), made once (a real deployment
    // configures the ward's own).
    std::string dir = "data/dev-keys";
    if (config->store.rfind("sqlite:", 0) == 0) {
      dir = (std::filesystem::path(config->store.substr(7)).parent_path() / "dev-keys").string();
    }
    if (!std::filesystem::exists(dir + "/signing-cert.pem")) {
      if (Status s = documents::create_dev_keys(dir); s.ok()) {
        std::printf("madoguchi: created development document-signing keys in %s (not for real documents)\n",
                    dir.c_str());
      } else {
        // Another node of the demo may be making them this moment.
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
        if (!std::filesystem::exists(dir + "/signing-cert.pem")) return s;
      }
    }
    config->documents_key = dir + "/signing-key.pem";
    config->documents_certificate = dir + "/signing-cert.pem";
    config->documents_ca = dir + "/ca.pem";
  }
  if (config->documents_key.empty()) {
    spdlog::info("documents_key is not set: no documents are issued (docs/documents.md)");
    return Status::Ok();
  }
  // A key that will not load is found now, not at the first approval.
  auto key = usecases::document_signing_key(*config);
  if (!key.ok()) return key.status();
  auto trust = usecases::document_trust(*config);
  if (!trust.ok()) return trust.status();
  if (config->documents_key.rfind("data/dev-keys/", 0) == 0 || key->subject_name().find("Madoguchi development") == 0) {
    spdlog::warn("documents are signed with a development key: not for residents' real documents");
  }
  return Status::Ok();
}

void add_keys_commands(CLI::App& app, Command* chosen) {
  auto* keys = app.add_subcommand("keys", "document-signing keys");
  keys->require_subcommand(1);
  auto* dev = keys->add_subcommand("create-dev", "create a development CA, signing key and certificate");
  auto dir = std::make_shared<std::string>();
  dev->add_option("--out", *dir, "folder to write ca.pem, signing-key.pem and signing-cert.pem into")->required();
  on_chosen(dev, chosen, [dir](const Config&) { return create_dev(*dir); });
  auto* chk = keys->add_subcommand("check", "sign and verify a test PDF with the configured key and certificates");
  on_chosen(chk, chosen, [](const Config& config) { return check(config); });
}

}  // namespace madoguchi::cli
