// The e-mail outbox (src/notify): what it accepts, leases that let several
// nodes send each message once, retries with back-off, and the message text an
// SMTP relay receives. Runs on SQLite and on PostgreSQL.
#include "notify/outbox.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <atomic>
#include <filesystem>
#include <latch>
#include <map>
#include <mutex>
#include <thread>

#include "notify/delivery.h"
#include "notify/mailer.h"
#include "test_store.h"

namespace madoguchi::notify {
namespace {

// Counts what it was asked to send; fails while `failing` is set.
class FakeMailer : public Mailer {
 public:
  Status send(const Message& m, const std::string& message_id) override {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));  // a relay's round trip, so nodes overlap
    std::lock_guard lock(mu_);
    if (failing) return Status::Io("451 try again later");
    ++sent_[m.recipient];
    ids_.push_back(message_id);
    return Status::Ok();
  }
  std::map<std::string, int> sent() {
    std::lock_guard lock(mu_);
    return sent_;
  }
  std::vector<std::string> ids() {
    std::lock_guard lock(mu_);
    return ids_;
  }
  std::atomic<bool> failing{false};

 private:
  std::mutex mu_;
  std::map<std::string, int> sent_;
  std::vector<std::string> ids_;
};

class OutboxTest : public test::MigratedStoreTest {
 protected:
  Status add(const Message& m, int64_t now) {
    return store::with_write(*store_, [&](store::Transaction& tx) { return enqueue(tx, m, now); });
  }
  int64_t waiting_now() {
    int64_t n = -1;
    EXPECT_TRUE(store::with_read(*store_, [&](store::Transaction& tx) -> Status {
                  auto w = waiting(tx);
                  if (!w.ok()) return w.status();
                  n = *w;
                  return Status::Ok();
                }).ok());
    return n;
  }
  std::vector<Pending> lease(const std::string& node, int64_t now, int64_t lease_seconds = 300) {
    std::vector<Pending> out;
    EXPECT_TRUE(store::with_write(*store_, [&](store::Transaction& tx) -> Status {
                  auto l = lease_due(tx, node, now, lease_seconds, 100);
                  if (!l.ok()) return l.status();
                  out = std::move(*l);
                  return Status::Ok();
                }).ok());
    return out;
  }
};

TEST_F(OutboxTest, OnlyOnePlainAddressAndAOneLineSubjectAreAccepted) {
  EXPECT_TRUE(add({"received", "hanako@example.jp", "件名", "本文"}, 100).ok());
  for (const char* bad :
       {"", "hanako", "@example.jp", "hanako@", "a@b@c", "hanako@example.jp, eve@example.jp",
        "Hanako <hanako@example.jp>", "hanako@example.jp\r\nBcc: eve@example.jp", "han ako@example.jp"}) {
    Status s = add({"received", bad, "件名", "本文"}, 100);
    EXPECT_EQ(s.code(), Status::Code::kInvalid) << bad;
  }
  EXPECT_EQ(add({"received", "hanako@example.jp", "件名\r\nBcc: eve@example.jp", "本文"}, 100).code(),
            Status::Code::kInvalid);
  EXPECT_EQ(add({"received", "hanako@example.jp", "", "本文"}, 100).code(), Status::Code::kInvalid);
  EXPECT_EQ(add({"", "hanako@example.jp", "件名", "本文"}, 100).code(), Status::Code::kInvalid);
  EXPECT_EQ(waiting_now(), 1) << "only the valid message is queued";
}

TEST_F(OutboxTest, AMessageInARolledBackTransactionIsNeverSent) {
  Status s = store::with_write(*store_, [&](store::Transaction& tx) -> Status {
    if (Status e = enqueue(tx, {"received", "hanako@example.jp", "件名", "本文"}, 100); !e.ok()) return e;
    return Status::Conflict("the change it tells about failed");
  });
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(waiting_now(), 0);
  EXPECT_TRUE(lease("a:1", 1000).empty());
}

// Three nodes, each with its own Store::open(url) (its own connections, as
// separate processes have), deliver at the same moment, twice each: every
// message goes out exactly once.
TEST_F(OutboxTest, NodesDeliveringAtOnceSendEachMessageOnce) {
  constexpr int kMessages = 60, kNodes = 3;
  for (int i = 0; i < kMessages; ++i) {
    ASSERT_TRUE(add({"received", "r" + std::to_string(i) + "@example.jp", "件名", "本文"}, 100).ok());
  }
  std::vector<std::unique_ptr<store::Store>> stores;
  for (int i = 0; i < kNodes; ++i) {
    auto s = store::Store::open(url_);
    ASSERT_TRUE(s.ok()) << s.status().message();
    stores.push_back(std::move(*s));
  }
  FakeMailer mailer;
  std::atomic<int> reported{0};
  std::latch start(kNodes * 2);
  std::vector<std::thread> threads;
  for (int t = 0; t < kNodes * 2; ++t) {
    threads.emplace_back([&, t] {
      DeliveryOptions o;
      o.node = "node" + std::to_string(t % kNodes) + ":8080";
      o.batch = 25;  // smaller than the queue, so every node gets some
      start.arrive_and_wait();
      DeliveryReport r = deliver_due(*stores[t % kNodes], mailer, o, 1000);
      EXPECT_TRUE(r.status.ok()) << r.status.message();
      EXPECT_EQ(r.failed, 0);
      reported += r.sent;
    });
  }
  for (auto& th : threads) th.join();
  // Whatever the first round left (batches are limited) goes in a second,
  // sequential one.
  FakeMailer* m = &mailer;
  while (reported < kMessages) {
    DeliveryReport r = deliver_due(*store_, *m, {"node0:8080"}, 1000);
    ASSERT_TRUE(r.status.ok());
    ASSERT_GT(r.sent, 0) << "messages stuck in the outbox";
    reported += r.sent;
  }
  auto sent = mailer.sent();
  EXPECT_EQ(reported.load(), kMessages);
  EXPECT_EQ(sent.size(), static_cast<size_t>(kMessages));
  for (const auto& [to, n] : sent) EXPECT_EQ(n, 1) << to << " was sent " << n << " times";
  EXPECT_EQ(waiting_now(), 0);
  auto ids = mailer.ids();
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(std::unique(ids.begin(), ids.end()), ids.end()) << "every message has its own Message-ID";
}

TEST_F(OutboxTest, AFailedSendIsRetriedAfterADoublingBackOffAndGivenUpAfterTheLimit) {
  ASSERT_TRUE(add({"received", "hanako@example.jp", "件名", "本文"}, 1000).ok());
  FakeMailer mailer;
  mailer.failing = true;
  DeliveryOptions o{"a:1"};
  int64_t now = 1000, expected_backoff = 60;
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    DeliveryReport r = deliver_due(*store_, mailer, o, now);
    ASSERT_TRUE(r.status.ok());
    ASSERT_EQ(r.failed, 1) << "attempt " << attempt;
    EXPECT_EQ(deliver_due(*store_, mailer, o, now + expected_backoff - 1).failed, 0)
        << "attempt " << attempt << ": retried before its back-off of " << expected_backoff << " s";
    now += expected_backoff;
    expected_backoff = std::min<int64_t>(expected_backoff * 2, 86400);
  }
  EXPECT_EQ(waiting_now(), 0) << "given up after " << kMaxAttempts << " attempts";
  mailer.failing = false;
  EXPECT_EQ(deliver_due(*store_, mailer, o, now + 10 * 86400).sent, 0) << "a message given up is not retried";
  Status s = store::with_read(*store_, [&](store::Transaction& tx) -> Status {
    auto rows = tx.query("SELECT attempts, last_error, sent_at FROM outbox");
    if (!rows.ok()) return rows.status();
    EXPECT_EQ(rows->at(0).i64(0), kMaxAttempts);
    EXPECT_EQ(rows->at(0).str(1), "451 try again later") << "kept for an operator";
    EXPECT_TRUE(rows->at(0).is_null(2));
    return Status::Ok();
  });
  ASSERT_TRUE(s.ok()) << s.message();
}

TEST_F(OutboxTest, AFailureThenASuccessSendsOnce) {
  ASSERT_TRUE(add({"correction", "hanako@example.jp", "件名", "本文"}, 1000).ok());
  FakeMailer mailer;
  mailer.failing = true;
  EXPECT_EQ(deliver_due(*store_, mailer, {"a:1"}, 1000).failed, 1);
  mailer.failing = false;
  EXPECT_EQ(deliver_due(*store_, mailer, {"b:1"}, 1060).sent, 1) << "another node retries it";
  EXPECT_EQ(deliver_due(*store_, mailer, {"a:1"}, 5000).sent, 0);
  EXPECT_EQ(mailer.sent()["hanako@example.jp"], 1);
}

// A node that leased a message and died before recording the outcome: nobody
// else sends it while the lease holds; once it runs out, another node does.
TEST_F(OutboxTest, TheLeaseOfANodeThatDiedRunsOutAndAnotherNodeSends) {
  ASSERT_TRUE(add({"decided", "hanako@example.jp", "件名", "本文"}, 1000).ok());
  ASSERT_EQ(lease("dead:1", 1000, 300).size(), 1u);
  EXPECT_TRUE(lease("b:1", 1299).empty()) << "leased to the other node until 1300";
  auto taken = lease("b:1", 1300);
  ASSERT_EQ(taken.size(), 1u);
  EXPECT_EQ(taken[0].message.kind, "decided");
  EXPECT_EQ(taken[0].message.recipient, "hanako@example.jp");
}

TEST_F(OutboxTest, SentMessagesAreDeletedAfterTheKeepPeriod) {
  ASSERT_TRUE(add({"received", "hanako@example.jp", "件名", "本文"}, 1000).ok());
  ASSERT_TRUE(add({"received", "taro@example.jp", "件名", "本文"}, 1000).ok());
  FakeMailer mailer;
  DeliveryOptions o{"a:1"};
  o.batch = 1;
  ASSERT_EQ(deliver_due(*store_, mailer, o, 1000).sent, 1);
  int64_t deleted = -1;
  ASSERT_TRUE(store::with_write(*store_, [&](store::Transaction& tx) -> Status {
                auto d = expire_sent(tx, 1000 + 7 * 86400 + 1, 7 * 86400);
                if (!d.ok()) return d.status();
                deleted = *d;
                return Status::Ok();
              }).ok());
  EXPECT_EQ(deleted, 1) << "the sent one; the waiting one stays";
  EXPECT_EQ(waiting_now(), 1);
}

std::string unbase64(const std::string& text) {
  std::string clean;
  for (char c : text) {
    if (c != '\r' && c != '\n') clean += c;
  }
  std::string out(clean.size(), '\0');
  size_t len = 0;
  EXPECT_EQ(sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), clean.data(), clean.size(),
                              nullptr, &len, nullptr, sodium_base64_VARIANT_ORIGINAL),
            0);
  out.resize(len);
  return out;
}

TEST(Rfc5322Message, HeadersAreAsciiWithUtf8EncodedWordsAndTheBodyIsBase64) {
  Message m{"received", "hanako@example.jp",
            "【窓口】申請を受け付けました(受付番号 "
            "A1B2-C3D4-E)。この件名は一行には収まらないほど長い件名です",
            "「罹災証明書の交付申請」の申請を受け付けました。\n\n受付番号: "
            "A1B2-C3D4-E\n"};
  SmtpOptions o{"smtp://127.0.0.1:25", "no-reply@city.example.jp", "大田区 窓口"};
  const std::string text = rfc5322_message(m, o, "outbox-7@city.example.jp", "Sun, 06 Dec 2026 10:00:00 +0000");
  const auto split = text.find("\r\n\r\n");
  ASSERT_NE(split, std::string::npos);
  const std::string head = text.substr(0, split + 2);
  for (unsigned char c : head) ASSERT_LT(c, 0x80) << "raw UTF-8 in a header";
  size_t at = 0;
  std::string subject_words;
  bool in_subject = false;
  while (at < head.size()) {
    size_t end = head.find("\r\n", at);
    ASSERT_NE(end, std::string::npos) << "every header line ends in CRLF";
    std::string line = head.substr(at, end - at);
    EXPECT_LE(line.size(), 78u) << line;
    if (line.rfind("Subject: ", 0) == 0) {
      in_subject = true;
      line = line.substr(9);
    } else if (!(in_subject && line[0] == ' ')) {
      in_subject = false;
    }
    if (in_subject) {
      const std::string word = line[0] == ' ' ? line.substr(1) : line;
      ASSERT_EQ(word.rfind("=?UTF-8?B?", 0), 0u) << word;
      ASSERT_EQ(word.substr(word.size() - 2), "?=") << word;
      EXPECT_LE(word.size(), 75u) << "RFC 2047's limit for one encoded-word";
      subject_words += unbase64(word.substr(10, word.size() - 12));
    }
    at = end + 2;
  }
  EXPECT_EQ(subject_words, m.subject) << "the words decode to the subject, no character split";
  EXPECT_NE(head.find("\r\nTo: <hanako@example.jp>\r\n"), std::string::npos);
  EXPECT_NE(head.find("From: =?UTF-8?B?"), std::string::npos);
  EXPECT_NE(head.find(" <no-reply@city.example.jp>\r\n"), std::string::npos);
  EXPECT_NE(head.find("\r\nMessage-ID: <outbox-7@city.example.jp>\r\n"), std::string::npos);
  EXPECT_EQ(head.rfind("Date: Sun, 06 Dec 2026 10:00:00 +0000\r\n", 0), 0u);
  EXPECT_NE(head.find("Content-Type: text/plain; charset=UTF-8\r\n"), std::string::npos);
  EXPECT_NE(head.find("Content-Transfer-Encoding: base64\r\n"), std::string::npos);
  const std::string body = text.substr(split + 4);
  EXPECT_EQ(unbase64(body), m.body);
  for (size_t i = 0; i < body.size();) {
    size_t end = body.find("\r\n", i);
    ASSERT_NE(end, std::string::npos);
    EXPECT_LE(end - i, 76u);
    i = end + 2;
  }
}

TEST(Rfc5322Message, AnAsciiSubjectAndNoDisplayNameStayPlain) {
  Message m{"decided", "taro@example.jp", "A decision has been made (reference A1B2)", "Result: approved\n"};
  SmtpOptions o{"smtp://127.0.0.1:25", "no-reply@city.example.jp", ""};
  const std::string text = rfc5322_message(m, o, "outbox-1@x", "d");
  EXPECT_NE(text.find("\r\nSubject: A decision has been made (reference A1B2)\r\n"), std::string::npos);
  EXPECT_NE(text.find("\r\nFrom: <no-reply@city.example.jp>\r\n"), std::string::npos);
}

}  // namespace
}  // namespace madoguchi::notify
