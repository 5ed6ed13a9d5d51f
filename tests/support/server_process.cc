#include "support/server_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>

extern char** environ;

namespace madoguchi::test {
namespace {

constexpr std::string_view kListening = "listening on http://";

// The port from "listening on http://127.0.0.1:PORT/" once the whole line has arrived.
int find_port(const std::string& out) {
  size_t at = out.find(kListening);
  if (at == std::string::npos) return 0;
  size_t start = at + kListening.size();
  size_t slash = out.find('/', start);
  if (slash == std::string::npos) return 0;
  size_t colon = out.rfind(':', slash);
  if (colon == std::string::npos || colon < start || colon + 1 == slash) return 0;
  int port = 0;
  for (size_t i = colon + 1; i < slash; ++i) {
    if (out[i] < '0' || out[i] > '9' || port > 65535) return 0;
    port = port * 10 + (out[i] - '0');
  }
  return port <= 65535 ? port : 0;
}

int decode_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

ServerProcess::~ServerProcess() {
  if (running()) kill();
  stop_reading_ = true;
  if (reader_.joinable()) reader_.join();
}

bool ServerProcess::start(const std::string& binary, const std::vector<std::string>& args,
                          const http::Fields& env, std::chrono::milliseconds timeout) {
  if (running()) {
    error_ = "already running";
    return false;
  }
  if (reader_.joinable()) reader_.join();
  {
    std::lock_guard lock(mu_);
    output_.clear();
    output_closed_ = false;
  }
  stop_reading_ = false;
  port_ = 0;
  error_.clear();

  // Everything the child needs is built before fork(): between fork and exec only
  // async-signal-safe calls are allowed, and this process has threads.
  std::vector<std::string> arg_storage{binary};
  arg_storage.insert(arg_storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : arg_storage) argv.push_back(a.data());
  argv.push_back(nullptr);

  std::vector<std::string> env_storage;
  for (char** e = environ; e && *e; ++e) {
    std::string_view entry(*e);
    std::string_view name = entry.substr(0, entry.find('='));
    bool overridden = false;
    for (const auto& [k, v] : env) overridden = overridden || k == name;
    if (!overridden) env_storage.emplace_back(entry);
  }
  for (const auto& [k, v] : env) env_storage.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& e : env_storage) envp.push_back(e.data());
  envp.push_back(nullptr);

  int out[2], err[2];
  if (pipe2(out, O_CLOEXEC) != 0) {
    error_ = std::string("pipe: ") + std::strerror(errno);
    return false;
  }
  if (pipe2(err, O_CLOEXEC) != 0) {
    error_ = std::string("pipe: ") + std::strerror(errno);
    ::close(out[0]);
    ::close(out[1]);
    return false;
  }

  pid_t pid = fork();
  if (pid < 0) {
    error_ = std::string("fork: ") + std::strerror(errno);
    for (int fd : {out[0], out[1], err[0], err[1]}) ::close(fd);
    return false;
  }
  if (pid == 0) {
    // If the test process dies, the server must not outlive it and hold its port.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    dup2(out[1], STDOUT_FILENO);
    dup2(err[1], STDERR_FILENO);
    execve(binary.c_str(), argv.data(), envp.data());
    static constexpr char kMsg[] = "ServerProcess: execve failed\n";
    [[maybe_unused]] auto n = write(STDERR_FILENO, kMsg, sizeof kMsg - 1);
    _exit(127);
  }

  pid_ = pid;
  ::close(out[1]);
  ::close(err[1]);
  reader_ = std::thread([this, o = out[0], e = err[0]] { drain(o, e); });

  std::unique_lock lock(mu_);
  bool ready = cv_.wait_for(lock, timeout, [this] {
    port_ = find_port(output_);
    return port_ != 0 || output_closed_;
  });
  if (port_ != 0) return true;
  error_ = ready ? "the server closed its output before listening"
                 : "timed out waiting for \"listening on http://\"";
  lock.unlock();
  kill();
  return false;
}

void ServerProcess::drain(int out_fd, int err_fd) {
  pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
  int open_fds = 2;
  char buf[4096];
  while (open_fds > 0 && !stop_reading_) {
    int r = ::poll(fds, 2, 100);
    if (r < 0 && errno != EINTR) break;
    for (auto& p : fds) {
      if (p.fd < 0 || (p.revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
      ssize_t n = ::read(p.fd, buf, sizeof buf);
      if (n > 0) {
        std::lock_guard lock(mu_);
        output_.append(buf, static_cast<size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        ::close(p.fd);
        p.fd = -1;
        --open_fds;
      }
    }
    cv_.notify_all();
  }
  for (auto& p : fds) {
    if (p.fd >= 0) ::close(p.fd);
  }
  std::lock_guard lock(mu_);
  output_closed_ = true;
  cv_.notify_all();
}

int ServerProcess::reap(std::chrono::milliseconds timeout) {
  int status = 0;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  pid_t r = 0;
  while ((r = waitpid(pid_, &status, WNOHANG)) == 0 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (r == 0) {
    ::kill(pid_, SIGKILL);
    r = waitpid(pid_, &status, 0);
  }
  pid_ = -1;
  // Collect the last output; a grandchild holding the pipes must not block us for long.
  {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, std::chrono::seconds(2), [this] { return output_closed_; });
  }
  stop_reading_ = true;
  if (reader_.joinable()) reader_.join();
  return r > 0 ? decode_status(status) : -1;
}

int ServerProcess::stop(std::chrono::milliseconds timeout) {
  if (!running()) return -1;
  ::kill(pid_, SIGTERM);
  return reap(timeout);
}

int ServerProcess::kill() {
  if (!running()) return -1;
  ::kill(pid_, SIGKILL);
  return reap(std::chrono::seconds(20));
}

std::string ServerProcess::base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

std::string ServerProcess::output() const {
  std::lock_guard lock(mu_);
  return output_;
}

bool ServerProcess::wait_for_output(const std::string& needle, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  cv_.wait_for(lock, timeout,
               [&] { return output_.find(needle) != std::string::npos || output_closed_; });
  return output_.find(needle) != std::string::npos;
}

}  // namespace madoguchi::test
