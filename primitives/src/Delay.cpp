// KeDelayExecutionThread (kernel-rules.md §12.1, §12.2).
#include "interlock/primitives/Delay.hpp"

#include "interlock/primitives/Call.hpp"
#include "interlock/primitives/Irql.hpp"

#include <string>

namespace interlock::wdm {

NTSTATUS KeDelayExecutionThread(KPROCESSOR_MODE waitMode, BOOLEAN alertable, PLARGE_INTEGER interval) {
  constexpr const char* api = "KeDelayExecutionThread";
  (void)waitMode, (void)alertable;
  if (interval == nullptr) throw ScenarioError(std::string(api) + " with a NULL Interval");
  // The delay names no object: it is independent of every other thread's step.
  Thread& thread = detail::visibleCall(api, nullptr, Access::None);
  const char* argument = interval->QuadPart == 0 ? "Interval 0" : "Interval finite";
  if (thread.irql > APC_LEVEL) {
    detail::contractViolation("IrqlKeApcLte1", 0,
                              std::string(api) + " at " + detail::irqlName(thread.irql) +
                                  ": a delay needs APC_LEVEL or below",
                              nullptr);
    // §6.11: a timed wait where the thread cannot wait hangs it; a zero delay does not wait.
    if (interval->QuadPart != 0) {
      (void)thread.beginWait(1, WaitType::Any, false);  // block 0 names no object
      detail::recordCall(api, nullptr, argument, "hangs", EventKind::Blocked);
      Execution::current().wait(api);
      thread.endWait();
      return STATUS_SUCCESS;  // only while the execution is torn down
    }
  }
  detail::recordCall(api, nullptr, argument, "STATUS_SUCCESS");
  return STATUS_SUCCESS;
}

}  // namespace interlock::wdm
