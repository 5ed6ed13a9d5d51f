#include "support/nginx_balancer.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

namespace madoguchi::test {
namespace fs = std::filesystem;

namespace {

// A port the kernel considers free right now. Another process may take it before nginx
// binds it; start() then retries with another one.
int free_loopback_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

bool accepts_connections(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace

std::string NginxBalancer::binary() {
  const char* env = std::getenv("MADOGUCHI_NGINX");
  return env && *env ? env : "/usr/sbin/nginx";
}

NginxBalancer::NginxBalancer(std::vector<int> upstream_ports) : upstreams_(std::move(upstream_ports)) {
  std::random_device rd;
  dir_ = fs::temp_directory_path() / ("madoguchi-nginx-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
  fs::create_directories(dir_ / "tmp");
  // Run as root, nginx's workers become "nobody" and must reach the temporary directories
  // the master creates under this prefix.
  fs::permissions(dir_, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                            fs::perms::others_read | fs::perms::others_exec);
}

NginxBalancer::~NginxBalancer() {
  stop();
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

bool NginxBalancer::start() {
  if (pid_ > 0) {
    error_ = "already running";
    return false;
  }
  if (::access(binary().c_str(), X_OK) != 0) {
    error_ = "no nginx at " + binary() + " (Debian package nginx, listed in ci/packages.txt)";
    return false;
  }
  for (int attempt = 0; attempt < 5; ++attempt) {
    int port = free_loopback_port();
    if (port != 0 && start_on(port)) return true;
  }
  return false;
}

bool NginxBalancer::start_on(int port) {
  const std::string d = dir_.string();
  std::ostringstream conf;
  conf << "# Written by tests/support/nginx_balancer.cc for one test run.\n"
       << "daemon off;\n"
       << "worker_processes 1;\n"
       << "pid " << d << "/nginx.pid;\n"
       << "error_log " << d << "/error.log notice;\n"
       << "events { worker_connections 512; }\n"
       << "http {\n"
       // '|' separates fields: $upstream_addr itself contains ", " when nginx tried two nodes.
       << "  log_format served '$request_method|$status|$request_uri|$upstream_addr';\n"
       << "  access_log " << d << "/access.log served;\n"
       << "  client_body_temp_path " << d << "/tmp/body;\n"
       << "  proxy_temp_path " << d << "/tmp/proxy;\n"
       << "  fastcgi_temp_path " << d << "/tmp/fastcgi;\n"
       << "  uwsgi_temp_path " << d << "/tmp/uwsgi;\n"
       << "  scgi_temp_path " << d << "/tmp/scgi;\n"
       << "  client_max_body_size 32m;\n"
       << "  upstream madoguchi {\n";
  for (int p : upstreams_) conf << "    server 127.0.0.1:" << p << ";\n";
  conf << "    keepalive 16;\n"
       << "  }\n"
       << "  server {\n"
       << "    listen 127.0.0.1:" << port << ";\n"
       << "    location / {\n"
       << "      proxy_pass http://madoguchi;\n"
       << "      proxy_http_version 1.1;\n"
       << "      proxy_set_header Connection \"\";\n"
       << "      proxy_set_header Host $http_host;\n"
       << "      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n"
       << "      proxy_set_header X-Forwarded-Proto $scheme;\n"
       << "    }\n"
       << "  }\n"
       << "}\n";
  {
    std::ofstream out(dir_ / "nginx.conf");
    out << conf.str();
  }
  fs::remove(dir_ / "error.log");

  // Built before fork(): only async-signal-safe calls between fork and exec (we have threads).
  std::string bin = binary();
  std::vector<std::string> args = {bin, "-p", d + "/", "-c", d + "/nginx.conf", "-e", d + "/error.log"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  int out = ::open((dir_ / "nginx.out").c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (out < 0) {
    error_ = std::string("open nginx.out: ") + std::strerror(errno);
    return false;
  }
  pid_t pid = ::fork();
  if (pid < 0) {
    error_ = std::string("fork: ") + std::strerror(errno);
    ::close(out);
    return false;
  }
  if (pid == 0) {
    // The master must not outlive a crashed test and keep its port.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    dup2(out, STDOUT_FILENO);
    dup2(out, STDERR_FILENO);
    execv(bin.c_str(), argv.data());
    _exit(127);
  }
  ::close(out);
  pid_ = pid;

  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {  // e.g. the port was taken meanwhile
      pid_ = -1;
      error_ = "nginx exited at start:\n" + read_file(dir_ / "nginx.out") + read_file(dir_ / "error.log");
      return false;
    }
    if (accepts_connections(port)) {
      port_ = port;
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  error_ = "nginx did not listen within 15 s:\n" + error_log();
  stop();
  return false;
}

void NginxBalancer::stop() {
  if (pid_ <= 0) return;
  // SIGQUIT is nginx's graceful shutdown: in-flight requests finish, idle connections close.
  ::kill(pid_, SIGQUIT);
  int status = 0;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (::waitpid(pid_, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() >= deadline) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  pid_ = -1;
  port_ = 0;
}

std::vector<NginxBalancer::Served> NginxBalancer::served() const {
  std::vector<Served> out;
  std::ifstream in(dir_ / "access.log");
  std::string line;
  while (std::getline(in, line)) {
    size_t a = line.find('|');
    size_t b = a == std::string::npos ? a : line.find('|', a + 1);
    size_t c = line.rfind('|');
    if (b == std::string::npos || c <= b) continue;
    Served s;
    s.method = line.substr(0, a);
    s.status = std::atoi(line.substr(a + 1, b - a - 1).c_str());
    s.uri = line.substr(b + 1, c - b - 1);
    s.upstream = line.substr(c + 1);
    out.push_back(std::move(s));
  }
  return out;
}

std::string NginxBalancer::error_log() const { return read_file(dir_ / "error.log"); }

}  // namespace madoguchi::test
