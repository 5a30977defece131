#include "interlock/reports/TraceView.hpp"

#include "interlock/reports/JsonInput.hpp"
#include "interlock/reports/Trace.hpp"

#include <array>
#include <limits>
#include <utility>

namespace interlock {

using nlohmann::json;

namespace {

constexpr std::array<std::pair<std::string_view, TraceEventKind>, 9> kEventKinds{{
    {"call", TraceEventKind::Call},
    {"blocked", TraceEventKind::Blocked},
    {"woken", TraceEventKind::Woken},
    {"adversary", TraceEventKind::Adversary},
    {"apc", TraceEventKind::Apc},
    {"apc-return", TraceEventKind::ApcReturn},
    {"exit", TraceEventKind::Exit},
    {"violation", TraceEventKind::Violation},
    {"resume", TraceEventKind::Adversary},  // the checker's counterfactual NtResumeThread
}};

// Reads one JSON value; every complaint names the file and the field's full path.
class Field {
 public:
  Field(const json& value, const std::string& path, std::string where)
      : value_(value), path_(path), where_(std::move(where)) {}

  [[noreturn]] void fail(const std::string& what) const {
    throw InputError(path_ + ": field '" + where_ + "': " + what);
  }
  [[nodiscard]] Field operator[](const char* name) const {
    if (!value_.is_object()) fail("expected an object, found " + excerpt(value_));
    const auto found = value_.find(name);
    if (found == value_.end())
      throw InputError(path_ + ": field '" + child(name) + "' is missing");
    return Field(*found, path_, child(name));
  }
  [[nodiscard]] bool has(const char* name) const {
    return value_.is_object() && value_.contains(name);
  }
  [[nodiscard]] std::size_t size() const {
    if (!value_.is_array()) fail("expected an array, found " + excerpt(value_));
    return value_.size();
  }
  [[nodiscard]] Field operator[](std::size_t index) const {
    return Field(value_.at(index), path_, where_ + "[" + std::to_string(index) + "]");
  }
  [[nodiscard]] std::string text() const {
    if (!value_.is_string()) fail("expected a string, found " + excerpt(value_));
    return value_.get<std::string>();
  }
  [[nodiscard]] std::int64_t integer(std::int64_t low, std::int64_t high) const {
    // An unsigned value past int64's range would read as a negative one.
    const bool fits = value_.is_number_integer() &&
                      (!value_.is_number_unsigned() ||
                       value_.get<std::uint64_t>() <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()));
    if (!fits || value_.get<std::int64_t>() < low ||
        value_.get<std::int64_t>() > high)
      fail("expected a whole number from " + std::to_string(low) + " to " + std::to_string(high) +
           ", found " + excerpt(value_));
    return value_.get<std::int64_t>();
  }
  [[nodiscard]] std::vector<std::string> texts() const {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < size(); ++i) out.push_back((*this)[i].text());
    return out;
  }

 private:
  [[nodiscard]] std::string child(const char* name) const {
    return where_.empty() ? std::string(name) : where_ + "." + name;
  }

  const json& value_;
  const std::string& path_;
  std::string where_;
};

constexpr std::int64_t kMaxStep = std::numeric_limits<std::uint32_t>::max();

TraceViolation violation(const Field& f) {
  TraceViolation v;
  const std::string kind = f["kind"].text();
  if (!parseViolationKind(kind, v.kind)) f["kind"].fail("unknown violation kind \"" + kind + "\"");
  v.rule = f["rule"].text();
  if (f.has("code")) v.code = f["code"].text();
  v.thread = f["thread"].text();
  v.step = static_cast<std::uint32_t>(f["step"].integer(0, kMaxStep));
  v.message = f["message"].text();
  v.objects = f["objects"].texts();
  v.threads = f["threads"].texts();
  return v;
}

TraceEvent event(const Field& f) {
  TraceEvent e;
  e.step = static_cast<std::uint32_t>(f["step"].integer(0, kMaxStep));
  e.thread = f["thread"].text();
  e.kindName = f["kind"].text();
  e.kind = TraceEventKind::Other;
  for (const auto& [name, kind] : kEventKinds)
    if (name == e.kindName) e.kind = kind;
  if (f.has("site")) e.site = f["site"].text();
  if (e.kind == TraceEventKind::Violation) {
    e.violation = violation(f["violation"]);
    return e;
  }
  e.call = f["call"].text();
  if (f.has("result")) e.result = f["result"].text();
  e.irql = static_cast<int>(f["irql"].integer(0, 31));
  e.kernelApcDisable = static_cast<int>(f["kernel_apc_disable"].integer(-32768, 32767));
  e.specialApcDisable = static_cast<int>(f["special_apc_disable"].integer(-32768, 32767));
  return e;
}

std::vector<TraceHolder> holders(const Field& f, bool counted) {
  std::vector<TraceHolder> out;
  for (std::size_t i = 0; i < f.size(); ++i) {
    const Field h = f[i];
    TraceHolder holder{h["thread"].text(), h["mode"].text(), 1};
    if (counted) holder.count = static_cast<std::uint32_t>(h["count"].integer(1, kMaxStep));
    out.push_back(std::move(holder));
  }
  return out;
}

}  // namespace

std::string TraceViolation::codeText() const {
  if (code.empty()) return "";
  // Driver Verifier reports contract breaches and lock-order cycles as bug check 0xC4.
  if (kind == ViolationKind::ContractViolation || kind == ViolationKind::LockOrder) {
    // I/O verification codes are bug check 0xC9's parameter, carried as 0xC9'0000 + parameter.
    if (code.size() == 8 && code.starts_with("0xC9")) {
      const std::size_t digits = code.find_first_not_of('0', 4);
      return "DV 0xC9/0x" + (digits == std::string::npos ? std::string("0") : code.substr(digits));
    }
    return "DV 0xC4/" + code;
  }
  if (kind == ViolationKind::BugCheck) return "bug check " + code;
  return code;
}

std::string_view TraceEvent::api() const noexcept {
  const std::string_view text = call;
  return text.substr(0, text.find('('));
}

std::string_view TraceEvent::object() const noexcept {
  const std::string_view text = call;
  const auto open = text.find("(&");
  if (open == std::string_view::npos) return {};
  const std::string_view rest = text.substr(open + 2);
  return rest.substr(0, rest.find_first_of(",)"));
}

const TraceThread* TraceView::thread(std::string_view name) const noexcept {
  for (const TraceThread& t : threads)
    if (t.name == name) return &t;
  return nullptr;
}

const TraceObject* TraceView::object(std::string_view name) const noexcept {
  for (const TraceObject& o : objects)
    if (o.name == name) return &o;
  return nullptr;
}

const TraceObject* TraceView::waitingOn(std::string_view thread) const noexcept {
  for (const TraceObject& o : objects)
    for (const TraceHolder& w : o.waiters)
      if (w.thread == thread) return &o;
  return nullptr;
}

std::uint32_t TraceView::lastStep() const noexcept {
  std::uint32_t last = 0;
  for (const TraceEvent& e : events) last = std::max(last, e.step);
  return last;
}

TraceView viewTrace(const json& document, const std::string& path) {
  const Field doc(document, path, "");
  TraceView view;
  view.scenario = doc["scenario"]["name"].text();

  const Field verdict = doc["verdict"];
  view.verdict.result = verdict["result"].text();
  if (verdict.has("violation")) view.verdict.violation = violation(verdict["violation"]);
  const Field causes = verdict["causes"];
  for (std::size_t i = 0; i < causes.size(); ++i) view.verdict.causes.push_back(violation(causes[i]));

  const Field events = doc["events"];
  for (std::size_t i = 0; i < events.size(); ++i) view.events.push_back(event(events[i]));

  const Field threads = doc["final_state"]["threads"];
  for (std::size_t i = 0; i < threads.size(); ++i) {
    const Field t = threads[i];
    view.threads.push_back(TraceThread{
        t["name"].text(), t["requester"].text(), t["state"].text(),
        static_cast<int>(t["irql"].integer(0, 31)),
        static_cast<int>(t["kernel_apc_disable"].integer(-32768, 32767)),
        static_cast<int>(t["special_apc_disable"].integer(-32768, 32767))});
  }
  const Field objects = doc["final_state"]["objects"];
  for (std::size_t i = 0; i < objects.size(); ++i) {
    const Field o = objects[i];
    view.objects.push_back(TraceObject{o["name"].text(), o["type"].text(),
                                       holders(o["owners"], true), holders(o["waiters"], false)});
  }
  // Names that point nowhere would make every report wrong in a quiet way.
  for (std::size_t i = 0; i < view.events.size(); ++i) {
    const std::string& name = view.events[i].thread;
    if (!name.empty() && view.thread(name) == nullptr)
      events[i]["thread"].fail("names thread \"" + name + "\", which final_state.threads lacks");
  }
  return view;
}

}  // namespace interlock
