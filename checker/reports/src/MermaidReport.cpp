#include "interlock/reports/MermaidReport.hpp"

#include "interlock/reports/CallEffect.hpp"
#include "interlock/reports/TextStyle.hpp"

#include <algorithm>

namespace interlock {

namespace {

// Mermaid ends a statement at ';' and reads '#...;' as an entity: both become entities.
std::string escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '#') out += "#35;";
    else if (c == ';') out += "#59;";
    else if (c == '\n') out += ' ';
    else out += c;
  }
  return out;
}

// Notes do not wrap by themselves: break long text into lines with <br/>.
std::string lines(std::string_view text) {
  std::string out;
  for (const std::string& line : wrap(text, 60)) out += (out.empty() ? "" : "<br/>") + escape(line);
  return out;
}

class Diagram {
 public:
  explicit Diagram(const TraceView& trace) : trace_(trace) {
    for (const TraceEvent& e : trace.events)
      if (const std::string_view o = e.object(); !o.empty() && !mentions(o))
        objects_.emplace_back(o);
    // Scenario order, so the diagram does not depend on which object was touched first.
    std::vector<std::string> ordered;
    for (const TraceObject& o : trace.objects)
      if (mentions(o.name)) ordered.push_back(o.name);
    for (const std::string& o : objects_)
      if (trace.object(o) == nullptr) ordered.push_back(o);
    objects_ = std::move(ordered);
  }

  [[nodiscard]] std::string render() const {
    std::string out = "%% interlock counterexample: " + escape(trace_.scenario) + "\n";
    out += "sequenceDiagram\n";
    for (std::size_t t = 0; t < trace_.threads.size(); ++t) {
      const TraceThread& thread = trace_.threads[t];
      out += "    participant T" + std::to_string(t) + " as " +
             escape(thread.name + " (" + thread.requester + ")") + "\n";
    }
    for (std::size_t o = 0; o < objects_.size(); ++o) {
      const TraceObject* object = trace_.object(objects_[o]);
      out += "    participant O" + std::to_string(o) + " as " +
             escape(object != nullptr ? object->type + " " + object->name : objects_[o]) + "\n";
    }
    for (const TraceEvent& e : trace_.events) out += statement(e);
    return out;
  }

 private:
  [[nodiscard]] bool mentions(std::string_view object) const {
    return std::find(objects_.begin(), objects_.end(), object) != objects_.end();
  }
  [[nodiscard]] std::string threadId(const std::string& name) const {
    for (std::size_t t = 0; t < trace_.threads.size(); ++t)
      if (trace_.threads[t].name == name) return "T" + std::to_string(t);
    return "";
  }
  [[nodiscard]] std::string objectId(std::string_view name) const {
    for (std::size_t o = 0; o < objects_.size(); ++o)
      if (objects_[o] == name) return "O" + std::to_string(o);
    return "";
  }
  // "Note over T0,O1" across every participant.
  [[nodiscard]] std::string everyone() const {
    const std::string last = objects_.empty() ? "T" + std::to_string(trace_.threads.size() - 1)
                                              : "O" + std::to_string(objects_.size() - 1);
    return last == "T0" ? last : "T0," + last;
  }

  [[nodiscard]] std::string statement(const TraceEvent& e) const {
    const std::string thread = threadId(e.thread);
    const std::string result = e.result ? " → " + *e.result : "";
    if (e.kind == TraceEventKind::Violation) {
      const TraceViolation& v = *e.violation;
      const std::string code = v.codeText();
      const std::string title = "❗ " + std::string(to_string(v.kind)) + " (" + v.rule +
                                (code.empty() ? "" : ", " + code) + ")";
      if (trace_.threads.empty()) return "";
      return "    Note over " + (thread.empty() ? everyone() : thread) + ": " + escape(title) +
             "<br/>" + lines(v.message) + "\n";
    }
    if (thread.empty()) return "";
    if (e.kind == TraceEventKind::Adversary)
      return "    Note over " + thread + ": " + escape("⚡ adversary: " + e.call + result) + "\n";
    if (e.kind != TraceEventKind::Call && e.kind != TraceEventKind::Blocked &&
        e.kind != TraceEventKind::Woken)
      return "    Note over " + thread + ": " + escape(e.call + result) + "\n";
    const CallEffect effect = effectOf(e, trace_);
    const std::string object = objectId(e.object());
    if (object.empty()) return "    " + thread + "->>" + thread + ": " + escape(e.call + result) + "\n";
    switch (effect.effect) {
      case Effect::Wait:
        return "    " + thread + "-x" + object + ": " + escape(e.call + result) + "\n";
      case Effect::Granted:
      case Effect::Woken:
        return "    " + object + "-->>" + thread + ": " +
               escape(effect.effect == Effect::Granted
                          ? "granted" + (effect.mode.empty() ? "" : " (" + effect.mode + ")")
                          : "wait satisfied") +
               "\n";
      case Effect::Release:
        return "    " + thread + "--)" + object + ": " + escape(e.call + result) + "\n";
      default:
        return "    " + thread + "->>" + object + ": " + escape(e.call + result) + "\n";
    }
  }

  const TraceView& trace_;
  std::vector<std::string> objects_;  // participants after the threads
};

}  // namespace

std::string mermaidReport(const TraceView& trace) { return Diagram(trace).render(); }

}  // namespace interlock
