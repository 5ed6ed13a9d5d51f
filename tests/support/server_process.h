// Runs the real madoguchi binary as a child process for integration tests.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "http/http.h"

namespace madoguchi::test {

class ServerProcess {
 public:
  ServerProcess() = default;
  ~ServerProcess();  // kills the child if it still runs
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // Starts `binary` with `args` (argv[1..]) and `env` added to the environment, then waits
  // up to `timeout` for a line containing "listening on http://HOST:PORT/". False (with the
  // reason in error() and the output so far in output()) when the child did not get there.
  bool start(const std::string& binary, const std::vector<std::string>& args,
             const http::Fields& env = {},
             std::chrono::milliseconds timeout = std::chrono::seconds(20));

  // SIGTERM, then waits up to `timeout` (then SIGKILL). Returns the exit code, 128 + signal
  // number when a signal ended it, or -1 when nothing ran.
  int stop(std::chrono::milliseconds timeout = std::chrono::seconds(20));
  // SIGKILL and reap; returns as stop() does.
  int kill();

  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  int port() const { return port_; }
  std::string base_url() const;  // "http://127.0.0.1:PORT"
  const std::string& error() const { return error_; }

  // Everything the child wrote to stdout and stderr so far, interleaved by arrival.
  std::string output() const;
  // Waits until output() contains `needle`; false on timeout or when the child closed its
  // output.
  bool wait_for_output(const std::string& needle, std::chrono::milliseconds timeout);

 private:
  int reap(std::chrono::milliseconds timeout);
  void drain(int out_fd, int err_fd);

  pid_t pid_ = -1;
  int port_ = 0;
  std::string error_;
  std::thread reader_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::string output_;          // guarded by mu_
  bool output_closed_ = false;  // guarded by mu_
  std::atomic<bool> stop_reading_{false};
};

}  // namespace madoguchi::test
