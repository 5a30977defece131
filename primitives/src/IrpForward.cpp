// IoForwardIrpSynchronously (docs/kernel-rules.md §8.1, §8.2; ReactOS io/iomgr/irp.c): the
// forward-and-wait a PnP filter writes by hand, as the I/O manager's routine.
#include "IrpModel.hpp"
#include "interlock/primitives/Call.hpp"
#include "interlock/primitives/Event.hpp"
#include "interlock/primitives/Irql.hpp"
#include "interlock/primitives/Wait.hpp"

#include <memory>
#include <string>
#include <string_view>

namespace interlock::wdm {

namespace {

// IopSynchronousCompletion: the waiter gets the IRP back, so the walk stops here.
NTSTATUS signalForwarder(PDEVICE_OBJECT, PIRP, PVOID Context) {
  (void)KeSetEvent(static_cast<PKEVENT>(Context), IO_NO_INCREMENT, FALSE);
  return STATUS_MORE_PROCESSING_REQUIRED;
}

// The routine's stack event, made as an object of the run so the wait on it is visible.
KEVENT& forwardEvent(Execution& execution) {
  std::size_t number = 1;
  for (const KernelObject* object : execution.objects())
    number += std::string_view(object->name()).starts_with("ForwardEvent");
  auto event = std::make_unique<KEVENT>();
  KEVENT& ref = *event;
  execution.addObject(std::move(event), "ForwardEvent" + std::to_string(number));
  return ref;
}

}  // namespace

BOOLEAN IoForwardIrpSynchronously(PDEVICE_OBJECT DeviceObject, PIRP Irp) {
  constexpr const char* api = "IoForwardIrpSynchronously";
  if (DeviceObject == nullptr || Irp == nullptr)
    throw ScenarioError(std::string(api) + " with no DeviceObject or no Irp");
  Execution& execution = Execution::current();
  const Thread& thread = detail::localCall();
  if (thread.irql != PASSIVE_LEVEL)
    detail::contractViolation("IrqlIoForwardIrpSynchronously", 0,
                              std::string(api) + " at " + detail::irqlName(thread.irql) +
                                  ": it waits, and needs PASSIVE_LEVEL",
                              Irp);
  if (Irp->CurrentLocation <= 1) {
    detail::recordCall(api, Irp, nullptr, "FALSE (no stack location left to forward with)");
    return FALSE;
  }
  KEVENT& event = forwardEvent(execution);
  event.type = NotificationEvent;
  IoCopyCurrentIrpStackLocationToNext(Irp);
  IoSetCompletionRoutine(Irp, &signalForwarder, &event, TRUE, TRUE, TRUE);
  detail::recordCall(api, Irp, nullptr, "sends the IRP down and waits for it");
  if (IoCallDriver(DeviceObject, Irp) == STATUS_PENDING)
    (void)KeWaitForSingleObject(&event, Executive, KernelMode, FALSE, nullptr);
  return TRUE;
}

}  // namespace interlock::wdm
