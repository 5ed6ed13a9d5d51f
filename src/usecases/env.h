// What a use case works with: the deployment as loaded at start. Built from the web layer's App
// (web::env(app)) or by a test; holds references only, so it is cheap to pass by value.
//
// Layers, each using only those below it:
//   web (HTTP ⇄ a use case ⇄ a template)
//   usecases (one file per thing a resident or a member of staff does; owns the transaction)
//   steps (plug-ins a procedure switches on, run by the use cases inside their transaction)
//   applications, cases, auth, audit, notify, ratelimit, … (domain modules: rules + storage)
//   procedures, forms, store, i18n, ja, core
#pragma once

#include <nlohmann/json.hpp>

#include "core/config.h"
#include "i18n/i18n.h"
#include "ja/business_days.h"
#include "procedures/catalog.h"
#include "store/store.h"

namespace madoguchi::steps {
class Registry;
}
namespace madoguchi::payments {
class Providers;
}

namespace madoguchi::usecases {

using Json = nlohmann::json;

struct Env {
  store::Store& store;
  const procedures::Catalog& catalog;
  const Locales& locales;
  const Holidays& holidays;
  const Config& config;
  const steps::Registry& steps;
  // The payment providers (payments/provider.h); nullptr where nothing is paid (tests).
  payments::Providers* payments = nullptr;
};

}  // namespace madoguchi::usecases
