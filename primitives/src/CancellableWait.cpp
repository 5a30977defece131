// FltCancellableWaitFor* (kernel-rules §3.6): the KeWaitFor* model in KernelMode, not alertable.
#include "interlock/primitives/CancellableWait.hpp"

#include "interlock/primitives/Call.hpp"
#include "interlock/primitives/Irql.hpp"

#include <string>

namespace interlock::wdm {

namespace {

void checkIrql(const char* api) {
  const Thread& thread = detail::localCall();
  if (thread.irql <= APC_LEVEL) return;
  detail::contractViolation("IrqlFltApcLte", 0,
                            std::string(api) + " at " + detail::irqlName(thread.irql) + ", above APC_LEVEL");
}

}  // namespace

NTSTATUS FltCancellableWaitForSingleObject(PVOID object, PLARGE_INTEGER timeout,
                                           PFLT_CALLBACK_DATA callbackData) {
  (void)callbackData;  // no cancellation in the model: nothing to watch
  checkIrql("FltCancellableWaitForSingleObject");
  return KeWaitForSingleObject(object, Executive, KernelMode, FALSE, timeout);
}

NTSTATUS FltCancellableWaitForMultipleObjects(ULONG count, PVOID objectArray[], WAIT_TYPE waitType,
                                              PLARGE_INTEGER timeout, PKWAIT_BLOCK waitBlockArray,
                                              PFLT_CALLBACK_DATA callbackData) {
  (void)callbackData;
  checkIrql("FltCancellableWaitForMultipleObjects");
  return KeWaitForMultipleObjects(count, objectArray, waitType, Executive, KernelMode, FALSE, timeout,
                                  waitBlockArray);
}

}  // namespace interlock::wdm
