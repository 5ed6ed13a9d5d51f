// A procedure definition: what a resident applies for, and the form they fill in.
// Definitions are data (procedures/*.yaml, documented in docs/procedure-format.md); this is
// their in-memory shape after parsing and checking. Nothing here knows about HTTP or storage.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/date.h"

namespace madoguchi::procedures {

// Text in several locales; "ja" is always present after a successful parse.
struct LocalizedText {
  std::map<std::string, std::string> by_locale;
  // The text for `locale`, else the ja text. *fell_back (if given) says which happened, so a
  // page can mark the ja text with lang="ja".
  const std::string& get(const std::string& locale, bool* fell_back = nullptr) const;
  bool empty() const { return by_locale.empty(); }
};

enum class FieldType {
  kText, kTextarea, kNumber, kInteger, kDate, kSelect, kRadio, kCheckboxes, kYesNo, kEmail,
  kPhone, kPostalAddress, kPersonName, kFile, kFieldset, kGroup
};
// "text", "textarea", "number", "integer", "date", "select", "radio", "checkboxes", "yesno",
// "email", "phone", "address", "name", "file", "fieldset", "group", and the names added by
// add_field_type. What each type does is described by its descriptor (forms/field_type.h).
const char* field_type_name(FieldType t);
std::optional<FieldType> parse_field_type(const std::string& name);
// A FieldType for a type beyond the built-in ones (a plug-in, forms::register_field_type):
// the value `name` has, taking the next free one the first time. Thread-safe.
FieldType add_field_type(const std::string& name);

// A visibility condition over other answers. Leaf kinds name a field (a top-level field id,
// or within a group row a sibling field id, which wins).
struct Condition {
  enum class Kind { kEquals, kOneOf, kNotEmpty, kAll, kAny };
  Kind kind = Kind::kEquals;
  std::string field;                // leaves
  std::vector<std::string> values;  // kEquals: one; kOneOf: several
  std::vector<Condition> children;  // kAll / kAny
};

struct Option {
  std::string value;
  LocalizedText label;
};

struct Field {
  std::string id;  // [a-z][a-z0-9_]*, unique within the procedure (group children: within the group)
  FieldType type = FieldType::kText;
  LocalizedText label;
  LocalizedText help;
  bool required = false;
  // Rules. Lengths count characters (code points); ranges are inclusive.
  std::optional<int> min_length, max_length;
  std::string pattern;  // ECMAScript regex the normalised value must match fully
  LocalizedText pattern_message;
  std::optional<double> min, max;   // number / integer
  LocalizedText unit;               // integer with unit: "通", "人"
  std::optional<std::string> min_date, max_date;  // "YYYY-MM-DD" or "today" or "today-30d"
  std::vector<Option> options;      // select, radio, checkboxes
  std::optional<Condition> visible_if;
  std::vector<Field> children;      // fieldset, group
  int min_items = 0, max_items = 10;  // group rows
  std::vector<std::string> accept;  // file: allowed MIME types by content (default PDF/JPEG/PNG)
  int max_files = 5;                // file
  bool kana = false;                // text: furigana, stored as full-width katakana
  // HTML autocomplete: a token for one-input fields ("tel", "email", "bday" for a date's
  // parts), or "name" / "address" to give a name's or address's parts their tokens; "" =
  // none, because a child's or spouse's field must not be filled with the resident's own data.
  std::string autocomplete;
  int line = 0;                     // where it is defined, for messages
};

// A date rule of min_date / max_date: "2025-04-01", "today", "today-30d", "today+1y". The
// date it means relative to `today`, or nullopt when the text is not a rule.
std::optional<Date> resolve_date_rule(const std::string& rule, const Date& today);

struct Page {
  std::string id;
  LocalizedText title;
  LocalizedText intro;
  std::vector<Field> fields;
  std::optional<Condition> visible_if;
  // A stop page tells the resident they cannot go on (e.g. 公務員 claim 児童手当 at work):
  // when it is visible the form cannot be completed. It must have a visible_if.
  bool stop = false;
  int line = 0;
};

enum class IdentityLevel { kNone, kAccount, kVerified };

struct Fee {
  int yen = 0;                 // 0 = free
  std::string per_copy_field;  // when set, yen × the integer answer of this field
};

// When a procedure's fee is paid online (`payment:`, with the `payment` step in `steps:`):
// before the department sees the application (it waits, unpaid, in "awaiting_payment"), or
// after the decision, before the case can be completed (steps/payment/payment.h).
struct PaymentTerms {
  enum class When { kBeforeReview, kAfterReview };
  When when = When::kBeforeReview;
  int line = 0;
};

// What the deciding staff member records (decision: in a definition). The outcome is one of
// `outcomes`; `fields` are filled in by staff while deciding, with the same field syntax and
// rules as the resident's pages (their conditions may name "outcome" and each other, nothing
// the resident answered); a refusal always carries a reason. The resident sees the outcome,
// the fields listed in `shown_to_resident`, the reason of a refusal and the `appeal` text
// (教示文: how to ask for a review of a refusal).
struct Outcome {
  enum class Kind { kGranted, kPartlyGranted, kRefused };
  std::string value;  // [a-z0-9_-]+, unique in the decision
  Kind kind = Kind::kGranted;
  LocalizedText label;
};
// "granted", "partly_granted", "refused".
const char* outcome_kind_name(Outcome::Kind k);

struct Decision {
  std::vector<Outcome> outcomes;  // at least one
  std::vector<Field> fields;
  std::vector<std::string> shown_to_resident;  // ids in fields
  LocalizedText appeal;
  int line = 0;
  // The outcome with this value, or nullptr.
  const Outcome* find(const std::string& value) const;
};

// The document Madoguchi issues when the application is granted (`document:` in a
// definition; src/documents, docs/documents.md): a certificate (住民票の写し, 罹災証明書) or a
// decision notice (決定通知書). It is printed in Japanese, as the ward's documents are; `title`
// in other languages names it on the resident's pages and on /verify.
struct DocumentTemplate {
  enum class Kind { kCertificate, kDecisionNotice };
  Kind kind = Kind::kCertificate;
  LocalizedText title;
  std::vector<std::string> answers;          // field ids of the resident's answers, in order
  std::vector<std::string> decision_fields;  // ids in decision.fields, in order
  int line = 0;
};

struct Procedure {
  std::string id;  // [a-z0-9-]+, unique
  std::string source;  // the real form or rule this follows (ward and form name, or the law)
  LocalizedText title, summary, description, eligibility;
  std::vector<LocalizedText> prepare;      // what to have ready
  std::vector<LocalizedText> attachments;  // required documents, in words
  std::string department;                  // id in the organisation file
  std::string category;                    // id in the organisation file's categories
  std::vector<std::string> life_events;    // ids in the organisation file's life events
  Fee fee;
  std::optional<PaymentTerms> payment;     // nullopt = no online payment
  IdentityLevel identity = IdentityLevel::kNone;
  int processing_days = 0;                 // 標準処理期間, business days
  int retention_years = 0;                 // 保存期間 of closed applications; 0 = the deployment's default
  bool online = true, counter = true;      // channels offered
  std::vector<std::string> route;          // role ids, in approval order (起案 → … → 決裁)
  // The steps (src/steps) this procedure switches on, in order; nullopt = the default steps.
  std::optional<std::vector<std::string>> steps;
  int steps_line = 0;  // where `steps` is written, for messages
  // What staff record when deciding; nullopt = the last approval is the whole decision.
  std::optional<Decision> decision;
  // The document issued on a granted decision; nullopt = none.
  std::optional<DocumentTemplate> document;
  std::vector<Page> pages;
  std::string file;     // path it was loaded from
  std::string version;  // hex SHA-256 of the file's bytes
  std::string text;     // the file's bytes, kept so a submission can be shown with its version
};

struct Role {
  std::string id;
  LocalizedText title;
  int rank = 0;  // higher decides more; a route must not go down in rank
};

struct Organisation {
  std::map<std::string, LocalizedText> departments;
  std::map<std::string, Role> roles;
  std::map<std::string, LocalizedText> categories;
  std::map<std::string, LocalizedText> life_events;
};

}  // namespace madoguchi::procedures
