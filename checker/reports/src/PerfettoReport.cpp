#include "interlock/reports/PerfettoReport.hpp"

#include "interlock/reports/CallEffect.hpp"

#include <algorithm>

namespace interlock {

using nlohmann::json;

namespace {

constexpr int kPid = 1;

struct Open {
  std::string name;
  std::string category;
  std::string object;  // holds: released by object name
  std::uint32_t start = 0;
  json args;
};

class Timeline {
 public:
  explicit Timeline(const TraceView& trace) : trace_(trace), open_(trace.threads.size()) {
    end_ = trace.lastStep() + 1;
    for (const TraceEvent& e : trace.events) add(e);
    for (std::size_t t = 0; t < open_.size(); ++t)
      while (!open_[t].empty()) close(t, open_[t].size() - 1, end_, true);
    std::stable_sort(events_.begin(), events_.end(),
                     [](const json& a, const json& b) { return a["ts"] < b["ts"]; });
  }

  [[nodiscard]] std::string render() const {
    std::vector<json> all;
    all.push_back({{"ph", "M"}, {"pid", kPid}, {"tid", 0}, {"name", "process_name"},
                   {"args", {{"name", "interlock " + trace_.scenario}}}});
    for (std::size_t t = 0; t < trace_.threads.size(); ++t) {
      const TraceThread& thread = trace_.threads[t];
      all.push_back({{"ph", "M"}, {"pid", kPid}, {"tid", tid(t)}, {"name", "thread_name"},
                     {"args", {{"name", thread.name + " (" + thread.requester + ")"}}}});
      all.push_back({{"ph", "M"}, {"pid", kPid}, {"tid", tid(t)}, {"name", "thread_sort_index"},
                     {"args", {{"sort_index", t}}}});
    }
    all.insert(all.end(), events_.begin(), events_.end());
    // One event per line: stable, diffable bytes that any trace-event reader accepts.
    std::string out = "{\"traceEvents\":[\n";
    for (std::size_t i = 0; i < all.size(); ++i) out += all[i].dump() + (i + 1 < all.size() ? ",\n" : "\n");
    return out + "]}\n";
  }

 private:
  [[nodiscard]] static int tid(std::size_t thread) { return static_cast<int>(thread) + 1; }

  [[nodiscard]] std::optional<std::size_t> column(const std::string& name) const {
    for (std::size_t t = 0; t < trace_.threads.size(); ++t)
      if (trace_.threads[t].name == name) return t;
    return std::nullopt;
  }

  void instant(std::optional<std::size_t> thread, std::uint32_t step, std::string name,
               const char* category, json args) {
    json e = {{"ph", "i"}, {"pid", kPid}, {"ts", step}, {"name", std::move(name)},
              {"cat", category}, {"args", std::move(args)}};
    if (thread) {
      e["tid"] = tid(*thread);
      e["s"] = "t";
    } else {
      e["tid"] = 0;
      e["s"] = "g";
    }
    events_.push_back(std::move(e));
  }

  void open(std::size_t thread, std::string name, const char* category, std::string object,
            std::uint32_t step, json args) {
    open_[thread].push_back({std::move(name), category, std::move(object), step, std::move(args)});
  }

  void close(std::size_t thread, std::size_t index, std::uint32_t step, bool atEnd) {
    Open span = std::move(open_[thread][index]);
    open_[thread].erase(open_[thread].begin() + static_cast<std::ptrdiff_t>(index));
    if (atEnd) span.args["until_the_end"] = true;
    events_.push_back({{"ph", "X"}, {"pid", kPid}, {"tid", tid(thread)}, {"ts", span.start},
                       {"dur", step - span.start}, {"name", span.name}, {"cat", span.category},
                       {"args", span.args}});
  }

  // The most recent open span of `category` on `object`, if any.
  [[nodiscard]] std::optional<std::size_t> find(std::size_t thread, std::string_view category,
                                                std::string_view object) const {
    for (std::size_t i = open_[thread].size(); i-- > 0;)
      if (open_[thread][i].category == category && open_[thread][i].object == object) return i;
    return std::nullopt;
  }

  void add(const TraceEvent& e) {
    const auto thread = column(e.thread);
    if (e.kind == TraceEventKind::Violation) {
      const TraceViolation& v = *e.violation;
      json args = {{"message", v.message}};
      if (!v.code.empty()) args["code"] = v.code;
      instant(thread, e.step, std::string(to_string(v.kind)) + " (" + v.rule + ")", "violation",
              std::move(args));
      return;
    }
    if (!thread) return;
    const std::string text = e.call + (e.result ? " -> " + *e.result : "");
    const json state = {{"irql", e.irql}, {"kernel_apc_disable", e.kernelApcDisable},
                        {"special_apc_disable", e.specialApcDisable}};
    switch (e.kind) {
      case TraceEventKind::Adversary: instant(thread, e.step, text, "adversary", state); return;
      case TraceEventKind::Apc:
        instant(thread, e.step, text, "apc", state);
        if (e.call.find("suspend") != std::string::npos)
          open(*thread, "suspended", "suspended", "", e.step, json::object());
        else
          open(*thread, e.call, "apc", "", e.step, json::object());
        return;
      case TraceEventKind::ApcReturn:
        instant(thread, e.step, text, "apc", state);
        if (const auto i = find(*thread, "apc", "")) close(*thread, *i, e.step, false);
        return;
      default: break;
    }
    instant(thread, e.step, text, "call", state);
    const CallEffect effect = effectOf(e, trace_);
    const std::string mode = effect.mode.empty() ? "" : " (" + effect.mode + ")";
    switch (effect.effect) {
      case Effect::Acquire:
        open(*thread, "holds " + effect.object + mode, "lock", effect.object, e.step, {{"call", e.call}});
        break;
      case Effect::Wait:
        open(*thread, "waits for " + effect.object + mode, "wait", effect.object, e.step, {{"call", e.call}});
        break;
      case Effect::Granted:
      case Effect::Woken:
        if (const auto i = find(*thread, "wait", effect.object)) close(*thread, *i, e.step, false);
        if (effect.effect == Effect::Granted)
          open(*thread, "holds " + effect.object + mode, "lock", effect.object, e.step, {{"call", e.call}});
        break;
      case Effect::Release:
        if (const auto i = find(*thread, "lock", effect.object)) close(*thread, *i, e.step, false);
        break;
      case Effect::None: break;
    }
  }

  const TraceView& trace_;
  std::vector<std::vector<Open>> open_;  // per thread, oldest first
  std::vector<json> events_;
  std::uint32_t end_ = 0;
};

}  // namespace

std::string perfettoReport(const TraceView& trace) { return Timeline(trace).render(); }

}  // namespace interlock
