#pragma once
// What every modelled API does around its body: stop at a scheduling point, record the
// call, report breaches. Shared by all primitives so they read alike.
#include "interlock/core/Event.hpp"
#include "interlock/core/Execution.hpp"
#include "interlock/core/KernelObject.hpp"
#include "interlock/core/Op.hpp"
#include "interlock/core/Thread.hpp"
#include "interlock/primitives/WdkTypes.hpp"

#include <cstdint>
#include <string>

namespace interlock::wdm::detail {

// The calling thread, after the scheduling point before a visible operation.
Thread& visibleCall(const char* api, const KernelObject* object, Access access);
// The calling thread, for a call that touches only its own state (no scheduling point).
Thread& localCall();

void recordCallNow(const char* api, const KernelObject* object, const char* argument,
                   const char* result, EventKind kind);
// Records the call when the execution keeps events (a replay does; a search does not).
inline void recordCall(const char* api, const KernelObject* object, const char* argument,
                       const char* result, EventKind kind = EventKind::Call) {
  if (const Execution* execution = Execution::currentOrNull(); execution != nullptr && execution->recordsEvents())
    recordCallNow(api, object, argument, result, kind);
}
// A breach Driver Verifier or SDV would flag: recorded as a cause, the execution goes on.
void contractViolation(const char* rule, std::uint32_t verifierCode, std::string message,
                       const KernelObject* object = nullptr);
// A breach retail Windows answers with a bug check: the execution ends.
void bugCheck(const char* rule, std::uint32_t stopCode, std::string message,
              const KernelObject* object = nullptr);

[[nodiscard]] inline const char* boolText(BOOLEAN value) noexcept { return value ? "TRUE" : "FALSE"; }

// Blocks the calling thread on `object` in `mode` until a release hands it over or wakes
// it. Records the Blocked event (`blocked` is its result); the caller records how the wait
// ended (recordWoken when the call returns with what it waited for, or another waitFor
// when it lost a race and waits again), since only it knows what happened.
void waitFor(Thread& thread, KernelObject& object, std::uint8_t mode, const char* api,
             const char* argument, const char* blocked = "waits");
// The Woken event: the wait ended and the call returns `result`.
void recordWoken(const char* api, const KernelObject& object, const char* argument,
                 const char* result);

}  // namespace interlock::wdm::detail
