// The unload check for timers (kernel-rules.md §11.3, §18.14).
#include "interlock/primitives/TimerObject.hpp"

#include "interlock/primitives/Call.hpp"

#include <string>

namespace interlock::wdm::detail {

bool checkTimersAtUnload(const char* api) {
  for (KernelObject* object : Execution::current().objects()) {
    const auto* timer = dynamic_cast<const TimerObject*>(object);
    if (timer == nullptr || !timer->driverCodePending()) continue;
    bugCheck("DRIVER_UNLOADED_WITHOUT_CANCELLING_PENDING_OPERATIONS", 0xCE,
             std::string(api) + ": the driver unloaded while " + timer->typeName() + " " + timer->name() +
                 (timer->inserted ? " is still set: its expiry will run code of the unloaded driver"
                                  : ": its callback is still running in the unloaded driver"),
             timer);
    return true;
  }
  return false;
}

}  // namespace interlock::wdm::detail
