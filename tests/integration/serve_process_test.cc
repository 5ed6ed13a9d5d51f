// The real binary's connection handling: SIGTERM lets a request already being received
// finish and be answered, then the process exits 0; the keep-alive idle timeout comes from
// the configuration file and the command line.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <thread>

#include "support/madoguchi_fixture.h"

namespace madoguchi::test {
namespace {

TEST(ServeProcess, SigtermFinishesTheRequestInFlightThenExitsZero) {
  MadoguchiServer server;
  ASSERT_TRUE(server.start()) << server.output();
  HttpClient c(server.port());
  Reply proc = c.get("/procedures/risai");
  ASSERT_EQ(proc.status, 200);
  const std::string body = "csrf=" + csrf_of(proc.body);
  ASSERT_GT(body.size(), 10u);

  // Half a request: headers and part of the body, as a slow upload would be.
  RawConnection raw(server.port());
  ASSERT_TRUE(raw.connected());
  ASSERT_TRUE(raw.send("POST /procedures/risai/start HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: sid=" + c.cookie("sid") +
                       "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: " +
                       std::to_string(body.size()) + "\r\n\r\n" + body.substr(0, 5)));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  auto exit_code = std::async(std::launch::async, [&] { return server.stop(); });  // SIGTERM
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  // Stopping: no new connections are taken…
  EXPECT_NE(exit_code.wait_for(std::chrono::milliseconds(0)), std::future_status::ready)
      << "the process left before the request in flight was answered";
  HttpClient late(server.port());
  late.set_timeout(std::chrono::milliseconds(2000));
  EXPECT_EQ(late.get("/healthz").status, 0);
  // …but the request in flight is read to its end and answered.
  ASSERT_TRUE(raw.send(body.substr(5)));
  std::string answer = raw.read_until_close(std::chrono::seconds(10));
  EXPECT_EQ(answer.rfind("HTTP/1.1 303", 0), 0u) << answer;
  EXPECT_NE(answer.find("/drafts/"), std::string::npos);
  EXPECT_EQ(exit_code.get(), 0) << server.output();
}

// Connections opened by the client over two requests separated by `pause`.
int connections_over_a_pause(MadoguchiServer& server, std::chrono::milliseconds pause) {
  HttpClient c(server.port());
  EXPECT_EQ(c.get("/healthz").status, 200);
  std::this_thread::sleep_for(pause);
  EXPECT_EQ(c.get("/healthz").status, 200);
  return c.connections_opened();
}

TEST(ServeProcess, IdleKeepAliveTimeoutIsASetting) {
  MadoguchiServer server("idle_timeout_seconds = 1");
  ASSERT_TRUE(server.start()) << server.output();
  EXPECT_EQ(connections_over_a_pause(server, std::chrono::milliseconds(100)), 1);   // kept alive
  EXPECT_EQ(connections_over_a_pause(server, std::chrono::milliseconds(2200)), 2);  // closed when idle
}

}  // namespace
}  // namespace madoguchi::test
