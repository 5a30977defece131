#pragma once
// KeDelayExecutionThread (kernel-rules.md §12.1, §12.2): the calling thread stops for a
// while. With no clock the delay is a scheduling point the thread is Ready at: the scheduler
// may leave it there for any number of other steps, which is "ends at any later point".
// Kernel APCs and a suspension due there are delivered at that point, as inside the delay.
#include "interlock/primitives/WdkTypes.hpp"

namespace interlock::wdm {

// <= APC_LEVEL (SDV IrqlKeApcLte1). STATUS_SUCCESS: the model has no alerts or user APCs, so
// Alertable and UserMode never end it with STATUS_ALERTED or STATUS_USER_APC.
NTSTATUS KeDelayExecutionThread(KPROCESSOR_MODE waitMode, BOOLEAN alertable, PLARGE_INTEGER interval);

}  // namespace interlock::wdm
