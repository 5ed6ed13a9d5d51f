// Rendered HTML of public pages for visitors without a session. Such pages depend only on
// the locale and the URL (no CSRF token, no account), and the catalogue and definitions do not
// change while the process runs, so a rendered page stays valid for the process's life.
// Bounded: when full, new pages are simply not cached. Thread-safe.
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace madoguchi::web {

class PageCache {
 public:
  explicit PageCache(size_t max_entries = 512) : max_entries_(max_entries) {}
  std::optional<std::string> get(const std::string& key) const {
    std::lock_guard lock(mu_);
    auto it = pages_.find(key);
    if (it == pages_.end()) return std::nullopt;
    return it->second;
  }
  void put(const std::string& key, const std::string& html) {
    std::lock_guard lock(mu_);
    if (pages_.size() < max_entries_) pages_.emplace(key, html);
  }

 private:
  size_t max_entries_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, std::string> pages_;
};

}  // namespace madoguchi::web
