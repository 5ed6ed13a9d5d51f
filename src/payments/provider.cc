#include "payments/provider.h"

#include <stdexcept>

namespace madoguchi::payments {

void Providers::add(std::unique_ptr<Provider> provider) {
  const std::string_view id = provider->id();
  if (id.empty() || id.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") != std::string_view::npos) {
    throw std::invalid_argument("malformed payment provider id: " + std::string(id));
  }
  if (find(id)) throw std::invalid_argument("duplicate payment provider id: " + std::string(id));
  providers_.push_back(std::move(provider));
}

Provider* Providers::find(std::string_view id) const {
  for (const auto& p : providers_) {
    if (p->id() == id) return p.get();
  }
  return nullptr;
}

bool Providers::set_active(std::string_view id) {
  Provider* p = find(id);
  if (!p) return false;
  active_ = p;
  return true;
}

}  // namespace madoguchi::payments
