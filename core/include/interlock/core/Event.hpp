#pragma once
// One line of a counterexample: what happened at a step and the thread's state after it.
// Plain data with static strings, so recording allocates nothing.
#include "interlock/core/Ids.hpp"

#include <cstdint>

namespace interlock {

enum class EventKind : std::uint8_t {
  Call,          // an API call that completed
  Blocked,       // an API call that started waiting
  Woken,         // a wait satisfied; the call returns
  Suspend,       // adversary: NtSuspendThread queued the suspend APC
  ApcDelivered,  // an APC starts running on the thread (the suspend APC: it waits for resume)
  ApcQueued,     // a scenario APC was queued to the thread
  ApcReturned,   // a scenario APC routine returned
  Exit,          // the thread finished
  Violation,     // a violation was reported at this point (index into the violations)
  Resume,        // after a hang: NtResumeThread on a thread the adversary suspended (the
                 // counterfactual; the events after the first one are the resumed run)
};

struct Event {
  std::uint32_t step = 0;
  EventKind kind = EventKind::Call;
  ThreadId thread = kNoThread;
  const char* api = "";
  ObjectId object = kNoObject;     // the scenario APC's index for the Apc* kinds
  const char* argument = nullptr;  // e.g. "TRUE" for Wait
  const char* result = nullptr;    // e.g. "TRUE", "FALSE", "STATUS_SUCCESS"
  Irql irql = 0;
  std::int16_t kernelApcDisable = 0;
  std::int16_t specialApcDisable = 0;
  std::uint32_t violation = 0;     // EventKind::Violation only
  // Where in the code under test the thread stood ("driver.c:120"), when the layer running
  // that code says (Execution::siteOfEvents); nullptr: nowhere to show.
  const char* site = nullptr;
};

}  // namespace interlock
