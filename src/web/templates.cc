#include "web/templates.h"

#include <kainjow/mustache.hpp>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>

namespace madoguchi::web {
namespace fs = std::filesystem;
namespace mu = kainjow::mustache;

namespace {

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

mu::data to_data(const nlohmann::json& j) {
  switch (j.type()) {
    case nlohmann::json::value_t::object: {
      mu::data d{mu::data::type::object};
      for (auto it = j.begin(); it != j.end(); ++it) {
        d.set(it.key(), to_data(it.value()));
        // Mustache cannot test a list for emptiness without repeating its section, so every
        // list "x" comes with a boolean "has_x" for headings and wrappers around it.
        if (it.value().is_array() && !j.contains("has_" + it.key())) d.set("has_" + it.key(), mu::data(!it.value().empty()));
      }
      return d;
    }
    case nlohmann::json::value_t::array: {
      mu::data d{mu::data::type::list};
      for (const auto& e : j) d.push_back(to_data(e));
      return d;
    }
    case nlohmann::json::value_t::string: return mu::data(j.get<std::string>());
    case nlohmann::json::value_t::boolean: return mu::data(j.get<bool>());
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned: return mu::data(std::to_string(j.get<long long>()));
    case nlohmann::json::value_t::number_float: return mu::data(j.dump());
    default: return mu::data(false);  // null renders as nothing and is falsy in sections
  }
}

// Looks {{> name}} up among the partial files only. kainjow's own context searches the data
// first, and renders a string it finds there as template text: a data key that happened to
// share a partial's name ("field") would shadow the partial, and if the value came from a user
// it would be rendered unescaped, as a template of its own.
class PartialsOnlyContext : public mu::context<std::string> {
 public:
  PartialsOnlyContext(const mu::data* data, const mu::data* partials)
      : mu::context<std::string>(data), partials_(partials) {}
  const mu::data* get_partial(const std::string& name) const override { return partials_->get(name); }

 private:
  const mu::data* partials_;
};

}  // namespace

Result<Templates> Templates::load(const std::string& dir) {
  static std::atomic<uint64_t> generations{0};
  Templates t;
  t.generation_ = ++generations;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return Status::Invalid("templates folder missing: " + dir);
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file() || e.path().extension() != ".mustache") continue;
    std::string name = fs::relative(e.path(), dir).replace_extension("").generic_string();
    std::string text = read_file(e.path());
    mu::mustache check(text);
    if (!check.is_valid()) return Status::Invalid(e.path().string() + ": " + check.error_message());
    if (name.rfind("partials/", 0) == 0) t.partials_[name.substr(9)] = text;
    t.texts_[name] = std::move(text);
  }
  return t;
}

namespace {

// The length of a bidirectional formatting character starting at s[i] (UTF-8), else 0:
// embeddings and overrides U+202A–U+202E, isolates U+2066–U+2069, marks U+200E, U+200F and
// U+061C.
size_t bidi_control_at(const std::string& s, size_t i) {
  const auto b = [&](size_t k) { return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0; };
  if (b(0) == 0xD8 && b(1) == 0x9C) return 2;
  if (b(0) != 0xE2) return 0;
  if (b(1) == 0x80 && (b(2) == 0x8E || b(2) == 0x8F || (b(2) >= 0xAA && b(2) <= 0xAE))) return 3;
  if (b(1) == 0x81 && b(2) >= 0xA6 && b(2) <= 0xA9) return 3;
  return 0;
}

// Every {{value}} of every page goes through here, so this is the one place where what
// residents typed is made safe to show. Besides HTML's five characters it drops bidi
// control characters: U+202E in a file name shows "evil<U+202E>gpj.exe" to staff as
// "evilexe.jpg", and in an answer it can reorder what a reader sees. They are dropped rather
// than shown as a visible mark because values are also rendered into form inputs
// (value="{{value}}") and posted back, where a mark would become part of the answer; without
// them the text shows in its stored (logical) order. The stored answer keeps them.
std::string escape_html(const std::string& s) {
  std::string out;
  out.reserve(s.size() + s.size() / 8);
  for (size_t i = 0; i < s.size(); ++i) {
    if (size_t n = bidi_control_at(s, i)) {
      i += n - 1;
      continue;
    }
    switch (s[i]) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += s[i];
    }
  }
  return out;
}

// kainjow's render() mutates the template object, so each thread keeps its own parsed copy.
mu::mustache& parsed(uint64_t generation, const std::string& name, const std::string& text) {
  thread_local std::map<std::pair<uint64_t, std::string>, std::unique_ptr<mu::mustache>> cache;
  auto& tmpl = cache[{generation, name}];
  if (!tmpl) {
    tmpl = std::make_unique<mu::mustache>(text);
    tmpl->set_custom_escape(escape_html);  // handed on to partials by kainjow
  }
  return *tmpl;
}

}  // namespace

std::string Templates::render_data(const std::string& name, const mu::data* shared, const mu::data& data) const {
  auto it = texts_.find(name);
  if (it == texts_.end()) throw std::runtime_error("unknown template " + name);
  mu::mustache& tmpl = parsed(generation_, name, it->second);
  mu::data partials{mu::data::type::object};
  for (const auto& [pname, ptext] : partials_) {
    const std::string* text = &ptext;
    partials.set(pname, mu::partial([text] { return *text; }));
  }
  // The context is a stack searched from its top: this render's data first, then the shared.
  PartialsOnlyContext ctx(shared ? shared : &data, &partials);
  if (shared) ctx.push(&data);
  std::string out = tmpl.render(ctx);
  if (!tmpl.is_valid()) throw std::runtime_error("template " + name + ": " + tmpl.error_message());
  return out;
}

std::string Templates::render(const std::string& name, const nlohmann::json& data) const {
  return render_data(name, nullptr, to_data(data));
}

void Templates::share(const std::string& key, const nlohmann::json& data) {
  shared_[key] = std::make_shared<const mu::data>(to_data(data));
}

std::string Templates::render_in_layout(const std::string& layout, const std::string& name,
                                        const nlohmann::json& view, const std::string& shared_key) const {
  auto shared = shared_.find(shared_key);
  if (shared == shared_.end()) throw std::runtime_error("no shared data " + shared_key);
  mu::data d = to_data(view);
  std::string body = render_data(name, shared->second.get(), d);
  d.set("body", mu::data(std::move(body)));
  return render_data(layout, shared->second.get(), d);
}

}  // namespace madoguchi::web
