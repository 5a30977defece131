#pragma once
// KePulseEvent and the named events the I/O manager creates (kernel-rules §3.6, §17).
#include "interlock/primitives/Event.hpp"

namespace interlock::wdm {

struct UNICODE_STRING {
  const char* Buffer = nullptr;  // the model names the event with a plain string
};
using PUNICODE_STRING = UNICODE_STRING*;

// <= DISPATCH_LEVEL. Sets the event, satisfies the waits that can be satisfied at this step,
// and resets it, atomically; returns the previous state. A waiter that is not in its wait at
// that moment (a kernel APC runs on it, or it is suspended) misses the pulse.
LONG KePulseEvent(PRKEVENT event, KPRIORITY increment, BOOLEAN wait);
// PASSIVE_LEVEL. Opens the named event, creating it signalled if it does not exist yet, and
// returns it with a kernel handle in *eventHandle (close it with ZwClose).
PKEVENT IoCreateNotificationEvent(PUNICODE_STRING eventName, PHANDLE eventHandle);
PKEVENT IoCreateSynchronizationEvent(PUNICODE_STRING eventName, PHANDLE eventHandle);

}  // namespace interlock::wdm
