#include "interlock/reports/CallEffect.hpp"

namespace interlock {

namespace {

bool has(std::string_view text, std::string_view part) noexcept {
  return text.find(part) != std::string_view::npos;
}

bool startsWith(std::string_view text, std::string_view prefix) noexcept {
  return text.substr(0, prefix.size()) == prefix;
}

// KeWaitFor* on a mutex object takes ownership (kernel-rules.md §3.5).
bool ownedByWaiting(const TraceView& trace, std::string_view object) {
  const TraceObject* o = trace.object(object);
  return o != nullptr && (o->type == "KMUTEX" || o->type == "KMUTANT");
}

// What a call returned says it did not get what it asked for. A wait's STATUS_WAIT_n (WaitAny:
// the n-th object satisfied it; STATUS_SUCCESS is STATUS_WAIT_0) and STATUS_ABANDONED_WAIT_n
// are successes; STATUS_TIMEOUT and error statuses are not.
bool failedResult(std::string_view result) noexcept {
  if (result == "FALSE") return true;
  if (!startsWith(result, "STATUS_")) return false;
  return !(result == "STATUS_SUCCESS" || startsWith(result, "STATUS_WAIT_") ||
           startsWith(result, "STATUS_ABANDONED"));
}

}  // namespace

CallEffect effectOf(const TraceEvent& event, const TraceView& trace) {
  CallEffect out;
  out.object = std::string(event.object());
  if (out.object.empty()) return out;
  const std::string_view api = event.api();
  if (has(api, "Shared")) out.mode = "shared";
  else if (has(api, "Exclusive")) out.mode = "exclusive";
  const bool waitCall = startsWith(api, "KeWaitFor") || startsWith(api, "ExWaitFor");
  const bool acquires = (has(api, "Acquire") && !waitCall) ||
                        (waitCall && ownedByWaiting(trace, out.object));
  const std::string_view result = event.result ? std::string_view(*event.result) : "";
  const bool failed = failedResult(result);
  switch (event.kind) {
    case TraceEventKind::Blocked: out.effect = Effect::Wait; break;
    case TraceEventKind::Woken: out.effect = acquires && !failed ? Effect::Granted : Effect::Woken; break;
    case TraceEventKind::Call:
      if (has(api, "Release") && !waitCall) out.effect = Effect::Release;
      else if (acquires && !failed) out.effect = Effect::Acquire;
      break;
    default: break;
  }
  return out;
}

}  // namespace interlock
