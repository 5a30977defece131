#pragma once
// What a traced call did to the object it names, read from the WDK name and the result
// (the trace records calls, not ownership changes): the graphical reports draw holds and
// waits from it.
#include "interlock/reports/TraceView.hpp"

#include <cstdint>
#include <string>

namespace interlock {

enum class Effect : std::uint8_t {
  None,     // no change of ownership (a read, a region, a failed try)
  Acquire,  // the thread now holds the object (a lock, a rundown reference)
  Release,  // the thread gave one hold back
  Wait,     // the thread started waiting on the object
  Woken,    // the wait ended without a hold (an event, a rundown wait)
  Granted,  // the wait ended with the object held
};

struct CallEffect {
  Effect effect = Effect::None;
  std::string object;  // empty when the call names none
  std::string mode;    // "exclusive", "shared", or empty when the name does not say
};

[[nodiscard]] CallEffect effectOf(const TraceEvent& event, const TraceView& trace);

}  // namespace interlock
