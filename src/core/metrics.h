// Process metrics in the Prometheus text exposition format (version 0.0.4).
// All methods are thread-safe. Label values are escaped on output.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace madoguchi {

class Metrics {
 public:
  // http_requests_total{route,method,status} and http_request_duration_seconds histogram.
  void observe_request(const std::string& route, const std::string& method, int status,
                       double seconds);
  // A plain counter, e.g. "madoguchi_submissions_total".
  void inc(const std::string& name, const std::string& help, double by = 1);
  // Gauges computed at scrape time (e.g. queue sizes from the store).
  using GaugeSource = std::function<std::vector<std::pair<std::map<std::string, std::string>, double>>()>;
  void add_gauge(const std::string& name, const std::string& help, GaugeSource source);
  std::string render() const;

 private:
  struct Data;
  mutable std::mutex mu_;
  std::map<std::string, std::pair<std::string, double>> counters_;  // name → help, value
  std::map<std::tuple<std::string, std::string, int>, double> requests_;
  std::map<std::string, std::vector<double>> latency_buckets_;  // route → cumulative counts
  std::map<std::string, std::pair<double, double>> latency_sum_count_;
  std::vector<std::tuple<std::string, std::string, GaugeSource>> gauges_;
};

}  // namespace madoguchi
