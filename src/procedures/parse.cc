// One procedure definition: the top-level keys and pages. Fields are in parse_fields.cc,
// cross-references in check.cc.
#include <sodium.h>

#include <set>

#include "procedures/catalog.h"
#include "procedures/parse_internal.h"

namespace madoguchi::procedures {

using internal::ParseState;
using internal::YamlReader;

namespace {

const std::set<std::string> kTopKeys = {
    "id",          "source",      "title",      "summary",  "description", "eligibility",
    "prepare",     "attachments", "department", "category", "life_events", "fee",
    "identity",    "processing_days", "channels", "route",  "pages", "retention_years",
    "steps",       "decision",    "payment",    "document"};

std::string sha256_hex(const std::string& bytes) {
  // sodium_init is idempotent and cheap after the first call; the hash needs it for the CPU
  // feature detection that picks the implementation.
  if (sodium_init() < 0) return {};
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

std::vector<LocalizedText> read_text_list(YamlReader& r, const YAML::Node& root,
                                          const std::string& key) {
  std::vector<LocalizedText> out;
  YAML::Node n = root[key];
  if (!n || n.IsNull()) return out;
  if (!r.expect_sequence(n, "'" + key + "'")) return out;
  for (const auto& item : n) out.push_back(r.localized_node(item, "An entry of '" + key + "'", true));
  return out;
}

void read_fee(YamlReader& r, const YAML::Node& root, Fee* fee) {
  YAML::Node n = root["fee"];
  if (!n || n.IsNull()) return;
  if (!r.expect_map(n, "'fee'")) return;
  r.check_keys(n, {"yen", "per_copy_field"}, "the fee");
  if (auto yen = r.integer(n, "yen", "The fee", true)) {
    if (*yen < 0) r.problem(n["yen"], "The fee cannot be negative; use 0 for a free procedure.");
    fee->yen = *yen;
  }
  if (auto f = r.string(n, "per_copy_field", "the fee", false)) fee->per_copy_field = *f;
}

// `payment: {when: before_review | after_review}`: when the fee is paid online. Whether the
// `payment` step is switched on is the step's own check (steps/payment/payment.h).
void read_payment(YamlReader& r, const YAML::Node& root, Procedure* p) {
  YAML::Node n = root["payment"];
  if (!n || n.IsNull()) return;
  if (!r.expect_map(n, "'payment'")) return;
  r.check_keys(n, {"when"}, "the payment");
  PaymentTerms terms;
  terms.line = YamlReader::line_of(n);
  if (auto when = r.string(n, "when", "the payment", true)) {
    if (*when == "before_review") terms.when = PaymentTerms::When::kBeforeReview;
    else if (*when == "after_review") terms.when = PaymentTerms::When::kAfterReview;
    else r.problem(n["when"], "Unknown payment time '" + *when + "'; use before_review or after_review.");
  }
  p->payment = terms;
}

void read_identity(YamlReader& r, const YAML::Node& root, Procedure* p) {
  auto id = r.string(root, "identity", "the procedure", true);
  if (!id) return;
  if (*id == "none") p->identity = IdentityLevel::kNone;
  else if (*id == "account") p->identity = IdentityLevel::kAccount;
  else if (*id == "verified") p->identity = IdentityLevel::kVerified;
  else r.problem(root["identity"], "Unknown identity level '" + *id + "'; use none, account or verified.");
}

void read_channels(YamlReader& r, const YAML::Node& root, Procedure* p) {
  auto channels = r.string_list(root, "channels", "the procedure", true);
  if (!root["channels"]) return;
  p->online = p->counter = false;
  for (const auto& c : channels) {
    if (c == "online") p->online = true;
    else if (c == "counter") p->counter = true;
    else r.problem(root["channels"], "Unknown channel '" + c + "'; use online and/or counter.");
  }
  if (!p->online && !p->counter) {
    r.problem(root["channels"], "The procedure offers no channel; list online, counter or both.");
  }
}

std::vector<Page> read_pages(ParseState& s, const YAML::Node& root) {
  std::vector<Page> pages;
  YAML::Node n = root["pages"];
  if (!n || n.IsNull()) {
    s.r.problem(root, "The procedure has no 'pages'; add at least one page with fields.");
    return pages;
  }
  if (!s.r.expect_sequence(n, "'pages'")) return pages;
  if (n.size() == 0) s.r.problem(n, "'pages' is empty; add at least one page with fields.");
  std::map<std::string, int> seen;
  for (const auto& pn : n) {
    if (!s.r.expect_map(pn, "A page")) continue;
    Page page;
    page.line = YamlReader::line_of(pn);
    if (auto id = s.r.string(pn, "id", "A page", true)) page.id = *id;
    const std::string what = page.id.empty() ? "a page" : "the page '" + page.id + "'";
    s.r.check_keys(pn, {"id", "title", "intro", "fields", "visible_if", "stop"}, what);
    page.stop = s.r.boolean(pn, "stop", what).value_or(false);
    if (!page.id.empty()) {
      if (!internal::valid_page_id(page.id)) {
        s.r.problem(pn["id"], "The page id '" + page.id + "' is not valid; use lower-case "
                                  "letters, digits, '_' and '-', starting with a letter.");
      }
      if (auto [it, inserted] = seen.emplace(page.id, page.line); !inserted) {
        s.r.problem(pn["id"], "The page id '" + page.id + "' is used twice (first at line " +
                                  std::to_string(it->second) + "); page ids must be unique.");
      }
    }
    page.title = s.r.localized(pn, "title", what, true);
    page.intro = s.r.localized(pn, "intro", what, false);
    if (pn["visible_if"]) {
      page.visible_if = internal::read_condition(s, pn["visible_if"], "page " + page.id, "");
    }
    if (page.stop) {
      if (!page.visible_if) {
        s.r.problem(pn, "The stop page '" + page.id + "' has no visible_if, so nobody could "
                        "ever finish the form; say when it applies.");
      }
      if (page.intro.empty()) {
        s.r.problem(pn, "The stop page '" + page.id + "' has no intro; explain in it why the "
                        "resident cannot go on and where to apply instead.");
      }
    }
    bool no_fields = !pn["fields"] || pn["fields"].IsNull() ||
                     (pn["fields"].IsSequence() && pn["fields"].size() == 0);
    if (no_fields && !page.stop) {
      s.r.problem(pn, "The page '" + page.id + "' has no fields; add them under 'fields'.");
    } else if (!no_fields) {
      page.fields = internal::read_fields(s, pn["fields"], "page", "");
    }
    pages.push_back(std::move(page));
  }
  return pages;
}

}  // namespace

Result<Procedure> parse_procedure(const std::string& text, const std::string& file,
                                  const Organisation& org, std::vector<Problem>* problems) {
  YamlReader r(file, problems);
  Procedure p;
  p.file = file;
  p.text = text;
  p.version = sha256_hex(text);
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    r.problem(e.mark.line + 1, "The file is not valid YAML: " + e.msg + ".");
    return Status::Invalid(file + ": not valid YAML");
  }
  if (!r.expect_map(root, "A procedure definition")) return Status::Invalid(file + ": not a mapping");
  r.check_keys(root, kTopKeys, "the procedure");

  if (auto id = r.string(root, "id", "the procedure", true)) {
    p.id = *id;
    if (!internal::valid_procedure_id(p.id)) {
      r.problem(root["id"], "The procedure id '" + p.id + "' is not valid; use lower-case "
                                                          "letters, digits and '-'.");
    }
  }
  if (auto source = r.string(root, "source", "the procedure", false); source && !source->empty()) {
    p.source = *source;
  } else if (!root["source"] || root["source"].IsScalar() || root["source"].IsNull()) {
    r.problem(root["source"] ? root["source"] : root,
              "The procedure has no 'source'; name the real form or rule it follows "
              "(ward and form name, or the law).");
  }
  p.title = r.localized(root, "title", "the procedure", true);
  p.summary = r.localized(root, "summary", "the procedure", true);
  p.description = r.localized(root, "description", "the procedure", false);
  p.eligibility = r.localized(root, "eligibility", "the procedure", false);
  p.prepare = read_text_list(r, root, "prepare");
  p.attachments = read_text_list(r, root, "attachments");
  if (auto d = r.string(root, "department", "the procedure", true)) p.department = *d;
  if (auto c = r.string(root, "category", "the procedure", true)) p.category = *c;
  p.life_events = r.string_list(root, "life_events", "the procedure", false);
  read_fee(r, root, &p.fee);
  read_payment(r, root, &p);
  read_identity(r, root, &p);
  if (auto days = r.integer(root, "processing_days", "the procedure", true)) {
    if (*days < 0) r.problem(root["processing_days"], "processing_days cannot be negative.");
    p.processing_days = *days;
  }
  if (auto years = r.integer(root, "retention_years", "the procedure", false)) {
    if (*years < 1 || *years > 30) r.problem(root["retention_years"], "retention_years must be from 1 to 30.");
    p.retention_years = *years;
  }
  read_channels(r, root, &p);
  p.route = r.string_list(root, "route", "the procedure", true);
  // Which steps (src/steps) take part; absent = the default steps. Whether each id names a
  // registered step is steps::Registry::check's to say: the steps are not known here.
  if (root["steps"]) {
    p.steps = r.string_list(root, "steps", "the procedure", false);
    p.steps_line = YamlReader::line_of(root["steps"]);
  }

  ParseState s{r, {}, {}};
  p.pages = read_pages(s, root);
  p.decision = internal::read_decision(s, root);
  p.document = internal::read_document(s, root);
  internal::check_procedure(s, p, org, root);
  internal::check_document(s, p);

  if (r.count() > 0) {
    return Status::Invalid(file + ": " + std::to_string(r.count()) + " problem(s)");
  }
  return p;
}

}  // namespace madoguchi::procedures
