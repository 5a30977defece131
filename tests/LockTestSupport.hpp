#pragma once
// Helpers for the IRQL, region and lock tests: replay one hand-written schedule and read
// its events.
#include "Support.hpp"
#include "interlock/checker/Explorer.hpp"

#include <algorithm>
#include <cstddef>
#include <functional>
#include <string_view>
#include <vector>

namespace interlock::test {

inline Choice run(ThreadId thread) { return Choice{ChoiceKind::Run, thread}; }
inline Choice suspend(ThreadId thread) { return Choice{ChoiceKind::Suspend, thread}; }
// Alternative `value` of a primitive's `count`-way branch (§6).
inline Choice branch(std::uint16_t value, std::uint16_t count) {
  return Choice{ChoiceKind::Branch, kNoThread, value, count};
}

inline Replay replayInline(std::function<void(Setup&)> setup, std::vector<Choice> schedule) {
  const Scenario scenario = inlineScenario(std::move(setup));
  return replay(scenario, Settings{scenario.bounds, "naive"}, std::move(schedule));
}

// Events of `kind` (by `thread`, calling `api`, when given), in trace order.
inline std::vector<Event> eventsOf(const ExecutionResult& result, EventKind kind,
                                   const char* api = nullptr, ThreadId thread = kNoThread) {
  std::vector<Event> found;
  std::copy_if(result.events.begin(), result.events.end(), std::back_inserter(found),
               [&](const Event& e) {
                 return e.kind == kind && (api == nullptr || std::string_view(e.api) == api) &&
                        (thread == kNoThread || e.thread == thread);
               });
  return found;
}

// Index in the trace of the first event matching, or the trace's size.
inline std::size_t indexOf(const ExecutionResult& result, EventKind kind, const char* api = nullptr,
                           ThreadId thread = kNoThread) {
  const auto it = std::find_if(result.events.begin(), result.events.end(), [&](const Event& e) {
    return e.kind == kind && (api == nullptr || std::string_view(e.api) == api) &&
           (thread == kNoThread || e.thread == thread);
  });
  return static_cast<std::size_t>(it - result.events.begin());
}

// The calling model thread, for tests that read its counters directly.
inline Thread& self() { return Execution::current().currentThread(); }

}  // namespace interlock::test
