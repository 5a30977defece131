#pragma once
// Helpers shared by the dispatcher-object tests (EventTest, SemaphoreTest, KmutexTest,
// WaitTest): schedule entries, replay of an inline scenario, and trace lookups.
#include "Support.hpp"

#include <functional>
#include <string_view>
#include <vector>

namespace interlock::test::dispatcher {

inline Choice run(ThreadId t) { return Choice{ChoiceKind::Run, t}; }
inline Choice suspend(ThreadId t) { return Choice{ChoiceKind::Suspend, t}; }
inline Choice apc(ThreadId target, std::uint16_t index) { return Choice{ChoiceKind::Apc, target, index}; }
// The alternative `value` of a primitive's two-way branch (a finite timeout: 0 satisfied, 1 timed out).
inline Choice branch(std::uint16_t value) { return Choice{ChoiceKind::Branch, kNoThread, value, 2}; }

inline Replay replayInline(std::function<void(Setup&)> setup, std::vector<Choice> schedule) {
  const Scenario scenario = inlineScenario(std::move(setup));
  return replay(scenario, Settings{scenario.bounds, "naive"}, std::move(schedule));
}

// The index of the first event of `kind` (and `api`, if given), or -1.
inline long find(const ExecutionResult& r, EventKind kind, std::string_view api = {}) {
  for (std::size_t i = 0; i < r.events.size(); ++i)
    if (r.events[i].kind == kind && (api.empty() || api == r.events[i].api)) return static_cast<long>(i);
  return -1;
}

inline long count(const ExecutionResult& r, EventKind kind) {
  long n = 0;
  for (const Event& event : r.events) n += event.kind == kind;
  return n;
}

// Ends every test's waits the same way: KeWaitForSingleObject, no timeout.
template <typename Object>
wdm::NTSTATUS waitFor(Object& object, wdm::PLARGE_INTEGER timeout = nullptr) {
  return wdm::KeWaitForSingleObject(&object, wdm::Executive, wdm::KernelMode, wdm::FALSE, timeout);
}

}  // namespace interlock::test::dispatcher
