#include "store/migrations.h"

namespace madoguchi::store {

const std::vector<Migration>& migrations() {
  static const std::vector<Migration> kMigrations = {
      {1, R"sql(
CREATE TABLE accounts (
  id {{id}},
  kind TEXT NOT NULL,
  login TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  display_name TEXT NOT NULL,
  department TEXT,
  role TEXT,
  profile TEXT NOT NULL DEFAULT '{}',
  created_at BIGINT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  account_id BIGINT,
  csrf TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  last_seen BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_expires ON sessions (expires_at);
CREATE TABLE procedure_versions (
  version TEXT PRIMARY KEY,
  procedure_id TEXT NOT NULL,
  body TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE TABLE drafts (
  id {{id}},
  session_hash TEXT,
  account_id BIGINT,
  procedure_id TEXT NOT NULL,
  procedure_version TEXT NOT NULL,
  answers TEXT NOT NULL,
  application_id BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX drafts_session ON drafts (session_hash);
CREATE INDEX drafts_account ON drafts (account_id);
CREATE TABLE attachments (
  id TEXT PRIMARY KEY,
  draft_id BIGINT,
  application_id BIGINT,
  field TEXT NOT NULL,
  filename TEXT NOT NULL,
  content_type TEXT NOT NULL,
  size BIGINT NOT NULL,
  sha256 TEXT NOT NULL,
  data {{blob}} NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX attachments_draft ON attachments (draft_id);
CREATE INDEX attachments_application ON attachments (application_id);
CREATE TABLE applications (
  id {{id}},
  receipt TEXT NOT NULL UNIQUE,
  access_code_hash TEXT NOT NULL,
  procedure_id TEXT NOT NULL,
  procedure_version TEXT NOT NULL,
  account_id BIGINT,
  department TEXT NOT NULL,
  status TEXT NOT NULL,
  step INTEGER NOT NULL DEFAULT 0,
  assignee BIGINT,
  answers TEXT NOT NULL,
  answers_version INTEGER NOT NULL DEFAULT 1,
  fee BIGINT NOT NULL DEFAULT 0,
  submitted_at BIGINT NOT NULL,
  due_date TEXT NOT NULL,
  updated_at BIGINT NOT NULL,
  row_version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX applications_department ON applications (department, status);
CREATE INDEX applications_account ON applications (account_id);
CREATE TABLE application_versions (
  application_id BIGINT NOT NULL,
  version_no INTEGER NOT NULL,
  answers TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (application_id, version_no)
);
CREATE TABLE events (
  id {{id}},
  application_id BIGINT NOT NULL,
  at BIGINT NOT NULL,
  actor_kind TEXT NOT NULL,
  actor_id BIGINT,
  actor_name TEXT NOT NULL,
  action TEXT NOT NULL,
  step INTEGER NOT NULL DEFAULT 0,
  message TEXT NOT NULL DEFAULT ''
);
CREATE INDEX events_application ON events (application_id);
CREATE TABLE audit_log (
  id {{id}},
  at BIGINT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  object TEXT NOT NULL,
  detail TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
)
)sql"},
      // The receipt just shown to this session (receipt number, access code, decision date), so
      // the receipt page is a GET that survives a reload and a language switch.
      {2, R"sql(
ALTER TABLE sessions ADD COLUMN flash TEXT
)sql"},
      // Background jobs claimed once per period across all nodes (src/jobs/jobs.h).
      {3, R"sql(
CREATE TABLE job_schedule (
  name TEXT PRIMARY KEY,
  next_run_at BIGINT NOT NULL,
  last_started_at BIGINT,
  last_finished_at BIGINT,
  last_node TEXT,
  last_result TEXT
)
)sql"},
      // Failure counters against guessing passwords and access codes (src/ratelimit).
      {4, R"sql(
CREATE TABLE failure_counters (
  key_hash TEXT PRIMARY KEY,
  window_start BIGINT NOT NULL,
  failures INTEGER NOT NULL
)
)sql"},
      // E-mails waiting to be sent, written in the transaction of what they tell about
      // (src/notify/outbox.h); lease_* mark the node sending one now.
      {5, R"sql(
CREATE TABLE outbox (
  id {{id}},
  kind TEXT NOT NULL,
  recipient TEXT NOT NULL,
  subject TEXT NOT NULL,
  body TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at BIGINT NOT NULL,
  lease_node TEXT,
  lease_until BIGINT,
  sent_at BIGINT,
  last_error TEXT
);
CREATE INDEX outbox_due ON outbox (sent_at, next_attempt_at);
ALTER TABLE accounts ADD COLUMN locale TEXT
)sql"},
      // What the deciding member of staff recorded (src/decisions): one row per application,
      // replaced until the route's last step approves it.
      {6, R"sql(
CREATE TABLE decisions (
  application_id BIGINT PRIMARY KEY,
  outcome TEXT NOT NULL,
  fields TEXT NOT NULL,
  reason TEXT NOT NULL,
  recorded_by BIGINT NOT NULL,
  recorded_by_name TEXT NOT NULL,
  recorded_at BIGINT NOT NULL
)
)sql"},
      // One-time links e-mailed to residents (src/auth/account_links.h): verifying a sign-up's
      // address, resetting a password. Only the token's SHA-256 is kept.
      {7, R"sql(
CREATE TABLE account_links (
  token_hash TEXT PRIMARY KEY,
  purpose TEXT NOT NULL,
  email TEXT NOT NULL,
  display_name TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  locale TEXT NOT NULL,
  account_id BIGINT,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  used_at BIGINT
);
CREATE INDEX account_links_expires ON account_links (expires_at)
)sql"},
      // Payments (src/payments): one row per attempt to pay an application's fee, the refunds
      // staff make, the providers' notifications already applied (so a repeated one changes
      // nothing), and the built-in sandbox gateway's own state (src/payments/sandbox).
      {8, R"sql(
CREATE TABLE payments (
  id {{id}},
  application_id BIGINT NOT NULL,
  department TEXT NOT NULL,
  receipt TEXT NOT NULL,
  amount BIGINT NOT NULL,
  status TEXT NOT NULL,
  provider TEXT NOT NULL,
  token TEXT NOT NULL UNIQUE,
  checkout_url TEXT NOT NULL DEFAULT '',
  provider_ref TEXT NOT NULL DEFAULT '',
  refunded BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  paid_at BIGINT,
  expires_at BIGINT NOT NULL
);
CREATE INDEX payments_application ON payments (application_id);
CREATE INDEX payments_department ON payments (department, updated_at);
CREATE TABLE payment_refunds (
  id {{id}},
  payment_id BIGINT NOT NULL,
  amount BIGINT NOT NULL,
  reason TEXT NOT NULL,
  staff_id BIGINT NOT NULL,
  staff_name TEXT NOT NULL,
  status TEXT NOT NULL,
  provider_ref TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  done_at BIGINT
);
CREATE INDEX payment_refunds_payment ON payment_refunds (payment_id);
CREATE TABLE payment_notifications (
  provider TEXT NOT NULL,
  event_id TEXT NOT NULL,
  payment_id BIGINT,
  kind TEXT NOT NULL,
  outcome TEXT NOT NULL,
  received_at BIGINT NOT NULL,
  PRIMARY KEY (provider, event_id)
);
CREATE TABLE sandbox_checkouts (
  id TEXT PRIMARY KEY,
  merchant_ref TEXT NOT NULL UNIQUE,
  amount BIGINT NOT NULL,
  description TEXT NOT NULL,
  return_url TEXT NOT NULL,
  status TEXT NOT NULL,
  refunded BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE TABLE sandbox_webhooks (
  id {{id}},
  event_id TEXT NOT NULL UNIQUE,
  body TEXT NOT NULL,
  deliver_after BIGINT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  delivered_at BIGINT,
  last_error TEXT
);
CREATE INDEX sandbox_webhooks_due ON sandbox_webhooks (delivered_at, deliver_after)
)sql"},
      // Issued documents (src/documents/issued.h): the signed PDF as issued, its number, and the
      // check value the QR code's verification URL carries.
      {9, R"sql(
CREATE TABLE issued_documents (
  id {{id}},
  number TEXT NOT NULL UNIQUE,
  application_id BIGINT NOT NULL,
  procedure_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  issuer TEXT NOT NULL,
  department TEXT NOT NULL,
  check_value TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  pdf {{blob}} NOT NULL,
  issued_at BIGINT NOT NULL
);
CREATE INDEX issued_documents_application ON issued_documents (application_id);
CREATE INDEX issued_documents_sha256 ON issued_documents (sha256)
)sql"},
      // Staff's second factor (src/auth/second_factor.h): the TOTP secret sealed under the key in
      // totp_key_file, when its enrolment was confirmed, and the last time step accepted (a code
      // is never accepted twice); sign-ins whose password was right, waiting for the code.
      {10, R"sql(
ALTER TABLE accounts ADD COLUMN totp_secret TEXT;
ALTER TABLE accounts ADD COLUMN totp_confirmed_at BIGINT;
ALTER TABLE accounts ADD COLUMN totp_last_step BIGINT;
CREATE TABLE pending_sign_ins (
  session_hash TEXT PRIMARY KEY,
  account_id BIGINT NOT NULL,
  stage TEXT NOT NULL,
  created_at BIGINT NOT NULL
)
)sql"},
  };
  return kMigrations;
}

int latest_schema_version() { return migrations().back().version; }

const std::vector<Table>& tables() {
  // No foreign keys are declared yet; the order is still the logical one (accounts before what
  // they own, applications before their attachments, versions and events), so one added later
  // needs no reordering.
  static const std::vector<Table> kTables = {
      {"accounts",
       {"id", "kind", "login", "password_hash", "display_name", "department", "role", "profile", "created_at",
        "disabled", "locale", "totp_secret", "totp_confirmed_at", "totp_last_step"},
       {"id"}},
      {"sessions", {"token_hash", "account_id", "csrf", "created_at", "last_seen", "expires_at", "flash"}, {"token_hash"}},
      {"procedure_versions", {"version", "procedure_id", "body", "created_at"}, {"version"}},
      {"drafts",
       {"id", "session_hash", "account_id", "procedure_id", "procedure_version", "answers", "application_id",
        "created_at", "updated_at"},
       {"id"}},
      {"applications",
       {"id", "receipt", "access_code_hash", "procedure_id", "procedure_version", "account_id", "department", "status",
        "step", "assignee", "answers", "answers_version", "fee", "submitted_at", "due_date", "updated_at",
        "row_version"},
       {"id"}},
      {"attachments",
       {"id", "draft_id", "application_id", "field", "filename", "content_type", "size", "sha256", "data",
        "created_at"},
       {"id"}},
      {"application_versions", {"application_id", "version_no", "answers", "created_at"}, {"application_id", "version_no"}},
      {"events",
       {"id", "application_id", "at", "actor_kind", "actor_id", "actor_name", "action", "step", "message"},
       {"id"}},
      {"decisions",
       {"application_id", "outcome", "fields", "reason", "recorded_by", "recorded_by_name", "recorded_at"},
       {"application_id"}},
      {"payments",
       {"id", "application_id", "department", "receipt", "amount", "status", "provider", "token", "checkout_url",
        "provider_ref", "refunded", "created_at", "updated_at", "paid_at", "expires_at"},
       {"id"}},
      {"payment_refunds",
       {"id", "payment_id", "amount", "reason", "staff_id", "staff_name", "status", "provider_ref", "created_at",
        "done_at"},
       {"id"}},
      {"payment_notifications", {"provider", "event_id", "payment_id", "kind", "outcome", "received_at"},
       {"provider", "event_id"}},
      {"sandbox_checkouts",
       {"id", "merchant_ref", "amount", "description", "return_url", "status", "refunded", "created_at", "expires_at"},
       {"id"}},
      {"sandbox_webhooks", {"id", "event_id", "body", "deliver_after", "attempts", "delivered_at", "last_error"},
       {"id"}},
      {"issued_documents",
       {"id", "number", "application_id", "procedure_id", "kind", "issuer", "department", "check_value", "sha256",
        "pdf", "issued_at"},
       {"id"}},
      {"audit_log", {"id", "at", "actor", "action", "object", "detail", "prev_hash", "hash"}, {"id"}},
      {"job_schedule", {"name", "next_run_at", "last_started_at", "last_finished_at", "last_node", "last_result"}, {"name"}},
      {"failure_counters", {"key_hash", "window_start", "failures"}, {"key_hash"}},
      {"outbox",
       {"id", "kind", "recipient", "subject", "body", "created_at", "attempts", "next_attempt_at", "lease_node",
        "lease_until", "sent_at", "last_error"},
       {"id"}},
      {"account_links",
       {"token_hash", "purpose", "email", "display_name", "password_hash", "locale", "account_id", "created_at",
        "expires_at", "used_at"},
       {"token_hash"}},
      {"pending_sign_ins", {"session_hash", "account_id", "stage", "created_at"}, {"session_hash"}},
  };
  return kTables;
}

}  // namespace madoguchi::store
