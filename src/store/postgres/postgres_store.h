// The PostgreSQL backend (libpq), for several stateless app nodes over one database.
//
// URL: "postgresql://user:password@host:port/dbname?param=value…" (or "postgres://…"), any
// libpq connection URI. One extra query parameter is ours and is removed before connecting:
//   pool_size=N   at most N connections per process (default 8, 1..1000).
//
// Contract, beyond store.h:
//  - SQL is the portable dialect of store.h: '?' placeholders are rewritten to $1..$n outside
//    string literals, quoted identifiers and comments (so PostgreSQL's jsonb '?' operators are
//    not available). Each distinct statement is prepared once per connection and reused.
//  - Values: integers (int2/int4/int8, and whole numerics such as SUM(bigint)) come back as
//    int64_t, floats and fractional numerics as double, bytea as Blob, booleans as 0/1, NULL
//    as nullptr, everything else as text. Blob parameters are sent as binary bytea; other
//    parameters as text, typed by the server from where they appear. Text may not contain NUL
//    (PostgreSQL cannot store it): such a parameter fails with Invalid.
//  - Errors: integrity violations (SQLSTATE class 23, e.g. 23505 unique) and serialization
//    failures or deadlocks (40001, 40P01) are Conflict, as SQLite's constraint errors are;
//    bad data (class 22) is Invalid; a lost connection is Io. After any failed statement
//    PostgreSQL aborts the transaction: every later statement fails and commit() returns
//    Conflict, so callers return the first failure (all domain code does). Nothing is retried
//    (store.h): under the writer lock below, 40001 and 40P01 only come from sessions outside
//    madoguchi, and are returned as Conflict like any other.
//  - Isolation. kWrite: READ COMMITTED plus a transaction-scoped advisory lock
//    (pg_advisory_xact_lock) taken before anything else, so writers run one at a time across
//    all nodes, exactly as SQLite's BEGIN IMMEDIATE does on one node. Why: domain code does
//    read-then-write sequences that assume no other writer in between — the audit log's hash
//    chain reads the last hash and inserts the next; version numbers are read and bumped.
//    READ COMMITTED alone would let two nodes read the same last hash and fork the chain.
//    READ COMMITTED (not REPEATABLE READ) is required under the lock: each statement takes a
//    fresh snapshot after the lock is held, so it sees every writer committed before. The
//    alternative, SERIALIZABLE with retries, would abort and redo nearly every concurrent
//    writer (they all append to the audit log) for no more throughput. The cost: write
//    transactions do not overlap; reads are not affected and never wait for writers.
//    kRead: REPEATABLE READ, READ ONLY — one consistent snapshot for a whole page, no locks.
//  - Durability with group commit: a write transaction COMMITs with synchronous_commit=off,
//    which ends it (and frees the writer lock) without waiting for the WAL flush; commit()
//    then waits outside the lock for a small synchronous WAL write
//    (pg_logical_emit_message, allowed to any role at wal_level replica) whose flush covers
//    our commit record, since the WAL is sequential. So commit() still returns only after the
//    WAL is flushed (and, with synchronous standbys, confirmed), while the flush no longer
//    happens under the lock and concurrent committers on all nodes share it. The session's
//    synchronous_commit is forced back to "on" if the server default is "off"; stronger
//    settings (remote_apply) are kept. As with SQLite (wal_sync.h), another transaction can
//    see a commit a few milliseconds before it is flushed; anything acknowledged because of
//    it is acknowledged after a later flush, which covers it.
//  - migrate() holds a session advisory lock for the whole run, so nodes starting together
//    apply each migration once; each migration runs in its own kWrite transaction.
//  - Pool: connections open lazily up to pool_size; begin() waits up to 30 s for a free one.
//    A connection found dead (server restarted, idle socket cut) is closed and replaced:
//    begin() retries its BEGIN on a fresh connection, which is safe because nothing ran yet.
//    A transaction left idle for 60 s is ended by the server (idle_in_transaction_session_
//    timeout), so a frozen node cannot hold the writer lock for ever.
//  - after_import() sets each sequence owned by a column of the given tables (the BIGSERIAL
//    ids) to that column's MAX, so new rows continue after ids an import kept.
//  - Attachments stay in the database as bytea: every node sees them, they are covered by the
//    same transaction, backup (pg_dump/PITR) and replication as the application that owns
//    them, with no shared file system to run.
#pragma once

#include <memory>
#include <string>

#include "store/store.h"

namespace madoguchi::store {

// Connects to `url` (see above) and checks the connection with a round trip.
Result<std::unique_ptr<Store>> open_postgres(const std::string& url);

// Rewrites portable '?' placeholders to $1..$n outside literals, identifiers and comments;
// *count receives n. Exposed for tests.
std::string postgres_placeholders(std::string_view sql, int* count);

}  // namespace madoguchi::store
