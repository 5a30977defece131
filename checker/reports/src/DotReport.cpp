#include "interlock/reports/DotReport.hpp"

#include <algorithm>

namespace interlock {

namespace {

std::string dotString(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '\n') {
      out += "\\n";  // DOT's own line break in a label
      continue;
    }
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// Whether `from` -> `to` is a step of the violation's chain or cycle.
bool onChain(const TraceView& trace, const std::string& thread, const std::string& object) {
  if (!trace.verdict.violation) return false;
  const TraceViolation& v = *trace.verdict.violation;
  for (std::size_t i = 0; i < v.objects.size() && i < v.threads.size(); ++i)
    if (v.threads[i] == thread && v.objects[i] == object) return true;
  return false;
}

bool ownerOnChain(const TraceView& trace, const std::string& object, const std::string& owner) {
  if (!trace.verdict.violation) return false;
  const TraceViolation& v = *trace.verdict.violation;
  for (std::size_t i = 0; i < v.objects.size(); ++i) {
    if (v.objects[i] != object) continue;
    const std::string& next = i + 1 < v.threads.size() ? v.threads[i + 1]
                              : v.threads.empty()     ? std::string()
                                                      : v.threads.front();
    if (next == owner) return true;
  }
  return false;
}

}  // namespace

std::string dotReport(const TraceView& trace) {
  std::string title = trace.scenario;
  if (trace.verdict.violation)
    title += ": " + std::string(to_string(trace.verdict.violation->kind)) + " (" +
             trace.verdict.violation->rule + ")";
  std::string out = "digraph \"wait-for\" {\n";
  out += "  label=" + dotString(title + " - wait-for graph at the end") + ";\n";
  out += "  labelloc=t;\n  rankdir=LR;\n  fontname=\"Helvetica\";\n";
  out += "  node [fontname=\"Helvetica\"];\n  edge [fontname=\"Helvetica\", fontsize=10];\n";
  for (const TraceThread& t : trace.threads) {
    std::string style = "shape=ellipse";
    if (t.state == "suspended")
      style += ", style=\"filled,bold\", fillcolor=\"#f4cccc\", color=\"#cc0000\"";
    else if (t.state == "terminated")
      style += ", style=dashed, color=gray50, fontcolor=gray50";
    else if (t.state == "waiting")
      style += ", style=filled, fillcolor=\"#fff2cc\"";
    out += "  " + dotString("thread " + t.name) + " [label=" +
           dotString(t.name + "\n(" + t.requester + ")\n" + t.state) + ", " + style + "];\n";
  }
  for (const TraceObject& o : trace.objects) {
    if (o.owners.empty() && o.waiters.empty()) continue;
    out += "  " + dotString("object " + o.name) + " [label=" + dotString(o.type + "\n" + o.name) +
           ", shape=box, style=rounded];\n";
  }
  for (const TraceObject& o : trace.objects) {
    for (const TraceHolder& w : o.waiters)
      out += "  " + dotString("thread " + w.thread) + " -> " + dotString("object " + o.name) +
             " [label=" + dotString("waits (" + w.mode + ")") +
             (onChain(trace, w.thread, o.name) ? ", color=\"#cc0000\", penwidth=2" : ", style=dashed") +
             "];\n";
    for (const TraceHolder& h : o.owners)
      out += "  " + dotString("object " + o.name) + " -> " + dotString("thread " + h.thread) +
             " [label=" + dotString("owned by (" + h.mode + " x" + std::to_string(h.count) + ")") +
             (ownerOnChain(trace, o.name, h.thread) ? ", color=\"#cc0000\", penwidth=2" : "") +
             "];\n";
  }
  return out + "}\n";
}

}  // namespace interlock
