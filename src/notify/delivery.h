// Sending what the outbox holds. Every node runs a delivery loop; leases
// (outbox.h) make each message go out from one node, and a message whose node
// died goes out from another once its lease runs out. Sending happens outside
// any transaction, so a slow mail server never holds the store's write lock.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include "notify/mailer.h"
#include "store/store.h"

namespace madoguchi::notify {

struct DeliveryOptions {
  std::string node;                          // this process, host:port, recorded on its leases
  int64_t lease_seconds = 300;               // longer than one batch can take to send
  int batch = 50;                            // messages leased at once
  std::string domain = "madoguchi.invalid";  // the right-hand side of each Message-ID
};

struct DeliveryReport {
  int sent = 0;
  int failed = 0;
  Status status;  // a store failure (leasing or recording); the mailer's
                  // failures are counted
};

// Leases the messages due at `now`, sends each through `mailer`, and records
// each outcome in its own durable write. A crash between the relay's acceptance
// and that write sends the message again later: at least once, with the same
// Message-ID.
DeliveryReport deliver_due(store::Store& store, Mailer& mailer, const DeliveryOptions& o, int64_t now);

// The Message-ID of outbox row `id`: stable across retries and nodes.
std::string message_id(int64_t id, const std::string& domain);

// Calls deliver_due at once and then every `interval` on its own thread, until
// destroyed (which lets the batch in progress finish).
class DeliveryLoop {
 public:
  DeliveryLoop(store::Store& store, Mailer& mailer, DeliveryOptions options, std::chrono::seconds interval);
  ~DeliveryLoop();
  DeliveryLoop(const DeliveryLoop&) = delete;
  DeliveryLoop& operator=(const DeliveryLoop&) = delete;

 private:
  store::Store& store_;
  Mailer& mailer_;
  DeliveryOptions options_;
  std::chrono::seconds interval_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace madoguchi::notify
