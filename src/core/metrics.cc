// Prometheus text exposition, version 0.0.4.
#include "core/metrics.h"

#include <cmath>
#include <exception>
#include <iterator>

#include <fmt/format.h>

namespace madoguchi {
namespace {

constexpr double kLatencyBuckets[] = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
constexpr size_t kBucketCount = std::size(kLatencyBuckets) + 1;  // + the +Inf bucket

std::string escape_label(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// HELP text escapes only backslash and newline.
std::string escape_help(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string number(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  return fmt::format("{}", v);
}

void header(std::string& out, const std::string& name, const std::string& help, const char* type) {
  fmt::format_to(std::back_inserter(out), "# HELP {} {}\n# TYPE {} {}\n", name, escape_help(help),
                 name, type);
}

}  // namespace

void Metrics::observe_request(const std::string& route, const std::string& method, int status,
                              double seconds) {
  std::lock_guard lock(mu_);
  requests_[{route, method, status}] += 1;
  auto& buckets = latency_buckets_[route];
  if (buckets.empty()) buckets.assign(kBucketCount, 0);
  // Buckets are cumulative: an observation counts in every bucket whose bound it fits.
  for (size_t i = 0; i < std::size(kLatencyBuckets); ++i) {
    if (seconds <= kLatencyBuckets[i]) buckets[i] += 1;
  }
  buckets[kBucketCount - 1] += 1;
  auto& [sum, count] = latency_sum_count_[route];
  sum += seconds;
  count += 1;
}

void Metrics::inc(const std::string& name, const std::string& help, double by) {
  std::lock_guard lock(mu_);
  auto [it, inserted] = counters_.try_emplace(name, help, 0.0);
  it->second.second += by;
}

void Metrics::add_gauge(const std::string& name, const std::string& help, GaugeSource source) {
  std::lock_guard lock(mu_);
  gauges_.emplace_back(name, help, std::move(source));
}

std::string Metrics::render() const {
  std::string out;
  decltype(gauges_) gauges;
  {
    std::lock_guard lock(mu_);
    for (const auto& [name, help_value] : counters_) {
      header(out, name, help_value.first, "counter");
      fmt::format_to(std::back_inserter(out), "{} {}\n", name, number(help_value.second));
    }

    header(out, "http_requests_total", "HTTP requests answered.", "counter");
    for (const auto& [key, count] : requests_) {
      const auto& [route, method, status] = key;
      fmt::format_to(std::back_inserter(out),
                     "http_requests_total{{route=\"{}\",method=\"{}\",status=\"{}\"}} {}\n",
                     escape_label(route), escape_label(method), status, number(count));
    }

    header(out, "http_request_duration_seconds", "Time to answer an HTTP request.", "histogram");
    for (const auto& [route, buckets] : latency_buckets_) {
      std::string r = escape_label(route);
      for (size_t i = 0; i < buckets.size(); ++i) {
        std::string le = i < std::size(kLatencyBuckets) ? number(kLatencyBuckets[i]) : "+Inf";
        fmt::format_to(std::back_inserter(out),
                       "http_request_duration_seconds_bucket{{route=\"{}\",le=\"{}\"}} {}\n", r, le,
                       number(buckets[i]));
      }
      auto it = latency_sum_count_.find(route);
      if (it == latency_sum_count_.end()) continue;
      fmt::format_to(std::back_inserter(out),
                     "http_request_duration_seconds_sum{{route=\"{}\"}} {}\n"
                     "http_request_duration_seconds_count{{route=\"{}\"}} {}\n",
                     r, number(it->second.first), r, number(it->second.second));
    }
    gauges = gauges_;
  }

  // Gauge sources may query the store; they run without mu_ held so that they may also
  // record metrics.
  for (const auto& [name, help, source] : gauges) {
    std::vector<std::pair<std::map<std::string, std::string>, double>> samples;
    try {
      samples = source();
    } catch (const std::exception& e) {
      out += "# " + name + " unavailable: " + escape_help(e.what()) + "\n";
      continue;
    }
    header(out, name, help, "gauge");
    for (const auto& [labels, value] : samples) {
      out += name;
      if (!labels.empty()) {
        out += '{';
        bool first = true;
        for (const auto& [k, v] : labels) {
          if (!first) out += ',';
          first = false;
          fmt::format_to(std::back_inserter(out), "{}=\"{}\"", k, escape_label(v));
        }
        out += '}';
      }
      out += ' ';
      out += number(value);
      out += '\n';
    }
  }
  return out;
}

}  // namespace madoguchi
