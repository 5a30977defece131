#include "interlock/reports/TextReport.hpp"

#include "interlock/reports/Trace.hpp"

#include <cstdio>

namespace interlock {

namespace {

std::string name(ThreadId id, const Snapshot& names) {
  return id < names.threads.size() ? names.threads[id].name : "";
}

std::string pad(std::string text, std::size_t width) {
  if (text.size() < width) text.append(width - text.size(), ' ');
  return text;
}

std::string violationLine(const Violation& v, const Snapshot& names) {
  char code[32] = "";
  if (v.code != 0) std::snprintf(code, sizeof code, " 0x%X", v.code);
  return std::string(to_string(v.kind)) + " " + v.rule + code + " at step " +
         std::to_string(v.step) + (v.thread != kNoThread ? " by " + name(v.thread, names) : "") +
         ": " + v.message;
}

}  // namespace

std::string verdictText(const Verdict& verdict, const Snapshot& names) {
  std::string text = "verdict   " + std::string(to_string(verdict.result));
  if (verdict.result == Result::Incomplete)
    text += " (" + verdict.incompleteReason + ")\n          to finish: " + verdict.remedy();
  text += "\n";
  if (verdict.violation) text += "          " + violationLine(*verdict.violation, names) + "\n";
  for (const Violation& cause : verdict.causes)
    if (!verdict.violation || cause.message != verdict.violation->message)
      text += "cause     " + violationLine(cause, names) + "\n";
  return text;
}

std::string counterexampleText(const ExecutionResult& cx) {
  const Snapshot& names = cx.snapshot;
  std::size_t width = 6;
  for (const ThreadSnapshot& t : names.threads) width = std::max(width, t.name.size() + 2);
  std::string text = "counterexample (" + std::to_string(cx.steps) + " steps):\n";
  for (const Event& event : cx.events) {
    text += "  " + pad(std::to_string(event.step), 5) + pad(name(event.thread, names), width);
    if (event.kind == EventKind::Violation) {
      text += "!! " + violationLine(cx.violations.at(event.violation), names) +
              (event.site != nullptr ? "  " + std::string(event.site) : "") + "\n";
      continue;
    }
    std::string call = callText(event, names);
    if (event.kind == EventKind::Suspend || event.kind == EventKind::ApcQueued)
      call = "[adversary] " + call;
    if (event.result != nullptr) call += " -> " + std::string(event.result);
    char state[64];
    std::snprintf(state, sizeof state, "IRQL %u  KernelApcDisable %d  SpecialApcDisable %d",
                  static_cast<unsigned>(event.irql), event.kernelApcDisable, event.specialApcDisable);
    text += pad(call, 58) + "  " + state + (event.site != nullptr ? "  " + std::string(event.site) : "") + "\n";
  }
  text += "final state:\n";
  for (const ObjectSnapshot& object : names.objects) {
    if (object.owners.empty() && object.waiters.empty()) continue;
    text += "  " + object.type + " " + object.name + ":";
    for (const HolderSnapshot& owner : object.owners)
      text += " owned by " + owner.thread + " (" + owner.mode + " x" + std::to_string(owner.count) + ")";
    for (const HolderSnapshot& waiter : object.waiters)
      text += " waited on by " + waiter.thread + " (" + waiter.mode + ")";
    text += "\n";
  }
  for (const ThreadSnapshot& thread : names.threads)
    text += "  thread " + thread.name + " (" + thread.requester + "): " + thread.state + "\n";
  return text;
}

std::string boundsText(const Settings& settings) {
  std::string text = "strategy " + settings.strategy + "; bounds: " +
                     std::to_string(settings.bounds.maxSteps) + " steps per execution, " +
                     std::to_string(settings.bounds.maxSuspensions) + " suspension" +
                     (settings.bounds.maxSuspensions == 1 ? "" : "s") + ", " +
                     std::to_string(settings.bounds.maxApcs) + " APC" +
                     (settings.bounds.maxApcs == 1 ? "" : "s");
  if (settings.bounds.processors != 0)
    text += ", " + std::to_string(settings.bounds.processors) + " processor" +
            (settings.bounds.processors == 1 ? "" : "s");
  if (settings.maxExecutions != 0)
    text += ", " + std::to_string(settings.maxExecutions) + " executions";
  return text;
}

std::string statsText(const Stats& stats) {
  char text[160];
  std::snprintf(text, sizeof text,
                "%llu executions, %llu steps, %llu choice points, max depth %llu, %.3f s, %.0f executions/s",
                static_cast<unsigned long long>(stats.executions),
                static_cast<unsigned long long>(stats.steps),
                static_cast<unsigned long long>(stats.choicePoints),
                static_cast<unsigned long long>(stats.maxDepth), stats.elapsedSeconds,
                stats.executionsPerSecond());
  return text;
}

}  // namespace interlock
