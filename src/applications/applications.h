// Drafts, attachments, submissions and their history. A draft belongs to a session (guests)
// or an account; a submission gets a receipt number only inside the transaction that stores
// it, so the caller shows the number only after that transaction committed.
//
// Every function that reads stored answers (drafts, applications, answer versions) fails with
// Internal ("corrupt stored data: …") when they are not a JSON object, instead of handing
// out empty answers: the row was damaged outside madoguchi and needs a person to look at it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/date.h"
#include "core/status.h"
#include "store/store.h"

namespace madoguchi::applications {

using Json = nlohmann::json;

struct Owner {
  std::string session_hash;          // always set: the current session
  std::optional<int64_t> account_id;  // set when signed in
};

struct Draft {
  int64_t id = 0;
  std::string procedure_id;
  std::string procedure_version;
  Json answers = Json::object();
  std::optional<int64_t> application_id;  // set for a correction of a submitted application
};

// The owner's open draft for the procedure (not a correction), creating one with `prefill`.
Result<Draft> open_draft(store::Transaction& tx, const Owner& owner, const std::string& procedure_id,
                         const std::string& version, const Json& prefill, int64_t now);
// The draft if it belongs to the owner (by account when signed in, else by session).
Result<Draft> load_draft(store::Transaction& tx, const Owner& owner, int64_t draft_id);
Status save_draft(store::Transaction& tx, const Draft& d, int64_t now);
// The owner's drafts (new applications and corrections), most recently saved first.
Result<std::vector<std::pair<Draft, int64_t>>> list_drafts(store::Transaction& tx, const Owner& owner);

struct Attachment {
  std::string id, field, filename, content_type, sha256;
  int64_t size = 0;
};
// Stores the bytes with the draft; returns the new attachment's metadata.
Result<Attachment> add_attachment(store::Transaction& tx, int64_t draft_id, const std::string& field,
                                  const std::string& filename, const std::string& content_type,
                                  const std::string& data, int64_t now);
// Total bytes attached to a draft (limits are per application).
Result<int64_t> draft_attachment_bytes(store::Transaction& tx, int64_t draft_id);
// Removes attachments of the draft not in keep_ids.
Status drop_unreferenced_attachments(store::Transaction& tx, int64_t draft_id,
                                     const std::vector<std::string>& keep_ids);
// An attachment of an application, with its bytes.
Result<std::pair<Attachment, std::string>> read_attachment(store::Transaction& tx,
                                                           int64_t application_id,
                                                           const std::string& attachment_id);

struct Application {
  int64_t id = 0;
  std::string receipt;
  std::string procedure_id, procedure_version;
  std::optional<int64_t> account_id;
  std::string department;
  std::string status;  // see cases/cases.h
  int step = 0;
  std::optional<int64_t> assignee;
  Json answers = Json::object();
  int answers_version = 1;
  int64_t fee = 0;
  int64_t submitted_at = 0;
  Date due_date;
  int64_t updated_at = 0;
  int64_t row_version = 1;
};

struct Event {
  int64_t at = 0;
  std::string actor_kind, actor_name, action, message;
  int step = 0;
};

struct Receipt {
  int64_t application_id = 0;
  std::string receipt;      // 受付番号
  std::string access_code;  // shown once; only its hash is stored
};

// Turns the draft into an application (status "received"), records the definition version
// and the first answers version, moves its attachments, deletes the draft.
Result<Receipt> submit(store::Transaction& tx, const Draft& d, const std::string& department,
                       int64_t fee, const Date& due, const std::string& actor_name, int64_t now);

Result<Application> find_by_id(store::Transaction& tx, int64_t id);
// NotFound unless the receipt exists and (for guests) the access code matches.
Result<Application> find_by_receipt(store::Transaction& tx, const std::string& receipt);
// Whether `code` is the application's access code. False when it is not, when there is no such
// application, and when the store fails (fails closed; the failure is logged at error level).
bool access_code_matches(store::Transaction& tx, int64_t application_id, const std::string& code);
// The account's applications, most recently submitted first.
Result<std::vector<Application>> find_for_account(store::Transaction& tx, int64_t account_id);
// As find_for_account, but a failure is logged at error level and gives an empty list. Kept
// for the web layer until it calls find_for_account and shows the error; new code should not.
std::vector<Application> list_for_account(store::Transaction& tx, int64_t account_id);
Result<std::vector<Event>> events(store::Transaction& tx, int64_t application_id);
// Earlier answer versions, oldest first (version_no, answers).
Result<std::vector<std::pair<int, Json>>> answer_versions(store::Transaction& tx, int64_t application_id);
Result<std::vector<Attachment>> attachments_of(store::Transaction& tx, int64_t application_id);

Status add_event(store::Transaction& tx, int64_t application_id, const Event& e,
                 std::optional<int64_t> actor_id);

// A correction draft holding the application's current answers (one per application).
Result<Draft> open_correction(store::Transaction& tx, const Owner& owner, const Application& app,
                              int64_t now);
// Stores the corrected answers as a new version, status back to "in_review" at the same
// step; attachments of the draft move to the application.
Status resubmit(store::Transaction& tx, const Draft& d, const std::string& actor_name, int64_t now);

// The resident withdraws (取り下げ) the application before it is decided: status "withdrawn"
// (final: staff can take no action on it), an event "withdrawn" carrying `reason`, any open
// correction draft (and its attachments) deleted, and an audit entry "application.withdraw"
// by `actor` ("resident:5" or "guest"). Conflict unless the application is received, in
// review or awaiting a correction.
Status withdraw(store::Transaction& tx, const Application& app, const std::string& reason,
                const std::string& actor_name, const std::string& actor, int64_t now);

// The procedure definition text of a version (stored on first submission with it).
Status remember_version(store::Transaction& tx, const std::string& procedure_id,
                        const std::string& version, const std::string& body, int64_t now);
Result<std::string> version_text(store::Transaction& tx, const std::string& version);

}  // namespace madoguchi::applications
