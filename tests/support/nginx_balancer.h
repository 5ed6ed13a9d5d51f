// Debian's nginx as a round-robin load balancer in front of several madoguchi nodes, for
// multi-node integration tests. It runs as a child of the test (`daemon off;`) with its own
// prefix, configuration, pid file, logs and temporary files in a private directory, and
// listens on an ephemeral 127.0.0.1 port.
//
// The configuration is the one docs/operations.md recommends, minus TLS: plain round-robin
// (no ip_hash, no sticky cookie: every request may land on any node), keep-alive connections
// to the nodes, and the default `proxy_next_upstream error timeout`, under which nginx tries
// the next node only when a request could not be handed over — a POST that reached a node is
// never sent to a second one. The access log records which node served each request
// ($upstream_addr), so tests can prove that consecutive requests went to different nodes.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

namespace madoguchi::test {

class NginxBalancer {
 public:
  // The nginx binary: $MADOGUCHI_NGINX, else Debian's /usr/sbin/nginx.
  static std::string binary();

  // `upstream_ports`: the nodes' ports on 127.0.0.1. Nothing runs until start().
  explicit NginxBalancer(std::vector<int> upstream_ports);
  ~NginxBalancer();  // stops nginx and removes its directory
  NginxBalancer(const NginxBalancer&) = delete;
  NginxBalancer& operator=(const NginxBalancer&) = delete;

  // Writes the configuration and starts nginx; true once it answers on its port. False with
  // the reason in error() (the error log's tail included).
  bool start();
  // Graceful stop (SIGQUIT: finish in-flight requests), SIGKILL after 10 s.
  void stop();

  int port() const { return port_; }
  const std::string& error() const { return error_; }
  const std::filesystem::path& dir() const { return dir_; }

  // One line of the access log: the request and the node ("127.0.0.1:PORT") that answered
  // it. `upstream` holds several addresses ("a, b") when nginx tried more than one node.
  struct Served {
    std::string method, uri;
    int status = 0;
    std::string upstream;
  };
  // The access log so far, oldest first. nginx writes each line when the request ends.
  std::vector<Served> served() const;
  std::string error_log() const;

 private:
  bool start_on(int port);

  std::vector<int> upstreams_;
  std::filesystem::path dir_;
  pid_t pid_ = -1;
  int port_ = 0;
  std::string error_;
};

}  // namespace madoguchi::test
