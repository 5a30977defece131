#include "interlock/primitives/WorkItem.hpp"
#include "Numbering.hpp"

#include "interlock/primitives/Call.hpp"

#include <memory>
#include <string>

namespace interlock::wdm {

namespace {

// §3.11: queue at <= DISPATCH_LEVEL; queueing an item already queued stops Windows (0xE4).
bool checkQueue(const Thread& thread, const char* api, bool alreadyQueued, const KernelObject& item) {
  if (thread.irql > DISPATCH_LEVEL)
    detail::contractViolation("IrqlExDispatchLte", 0, std::string(api) + " above DISPATCH_LEVEL", &item);
  if (!alreadyQueued) return true;
  detail::bugCheck("WORKER_INVALID", 0xE4,
                   std::string(api) + ": " + item.name() + " is already queued", &item);
  return false;
}

// The worker runs the routine at PASSIVE_LEVEL, system requester, beyond user suspension.
void startWorker(Execution& execution, Routine routine) {
  std::size_t workers = 1;
  for (const auto& thread : execution.threads())
    workers += thread->spec().kind == ThreadKind::Worker;
  (void)execution.spawnThread(ThreadSpec{"worker" + std::to_string(workers), "system",
                                         ThreadKind::Worker, false, std::move(routine)});
}

}  // namespace

PIO_WORKITEM IoAllocateWorkItem(PDEVICE_OBJECT DeviceObject) {
  Execution& execution = Execution::current();
  auto item = std::make_unique<IO_WORKITEM>();
  IO_WORKITEM& ref = *item;
  ref.device = DeviceObject;
  execution.addObject(std::move(item), detail::nextObjectName(execution, "IO_WORKITEM", "WorkItem"));
  detail::recordCall("IoAllocateWorkItem", DeviceObject, nullptr, "a new IO_WORKITEM");
  return &ref;
}

void IoQueueWorkItem(PIO_WORKITEM IoWorkItem, PIO_WORKITEM_ROUTINE WorkerRoutine,
                     WORK_QUEUE_TYPE, PVOID Context) {
  constexpr const char* api = "IoQueueWorkItem";
  Thread& thread = detail::visibleCall(api, IoWorkItem, Access::Write);
  if (!checkQueue(thread, api, IoWorkItem->queued, *IoWorkItem)) return;
  if (IoWorkItem->freed)
    detail::contractViolation("WorkItemFreed", 0, "IoQueueWorkItem on a freed IO_WORKITEM", IoWorkItem);
  IoWorkItem->queued = true;
  detail::recordCall(api, IoWorkItem, nullptr, "queued to a system worker thread");
  startWorker(Execution::current(), [IoWorkItem, WorkerRoutine, Context] {
    IoWorkItem->queued = false;  // dequeued before the routine runs: it may requeue itself
    WorkerRoutine(IoWorkItem->device, Context);
  });
}

void IoFreeWorkItem(PIO_WORKITEM IoWorkItem) {
  detail::localCall();  // needs a calling thread
  if (IoWorkItem->queued)
    detail::contractViolation("WorkItemFreedWhileQueued", 0,
                              "IoFreeWorkItem on " + IoWorkItem->name() + " while it is queued", IoWorkItem);
  IoWorkItem->freed = true;
  detail::recordCall("IoFreeWorkItem", IoWorkItem, nullptr, nullptr);
}

void ExInitializeWorkItem(PWORK_QUEUE_ITEM Item, PWORKER_THREAD_ROUTINE Routine, PVOID Parameter) {
  Item->routine = Routine;
  Item->parameter = Parameter;
  Item->queued = false;
  detail::recordCall("ExInitializeWorkItem", Item, nullptr, nullptr);
}

void ExQueueWorkItem(PWORK_QUEUE_ITEM WorkItem, WORK_QUEUE_TYPE) {
  constexpr const char* api = "ExQueueWorkItem";
  Thread& thread = detail::visibleCall(api, WorkItem, Access::Write);
  if (!checkQueue(thread, api, WorkItem->queued, *WorkItem)) return;
  WorkItem->queued = true;
  detail::recordCall(api, WorkItem, nullptr, "queued to a system worker thread");
  startWorker(Execution::current(), [WorkItem] {
    WorkItem->queued = false;
    WorkItem->routine(WorkItem->parameter);
  });
}

namespace {

// The routine with the work item: dequeued before it runs, so it may requeue or free it.
void queueEx(PIO_WORKITEM item, const char* api, Routine routine) {
  Thread& thread = detail::visibleCall(api, item, Access::Write);
  if (!checkQueue(thread, api, item->queued, *item)) return;
  if (item->freed)
    detail::contractViolation("WorkItemFreed", 0, std::string(api) + " on a freed work item", item);
  item->queued = true;
  detail::recordCall(api, item, nullptr, "queued to a system worker thread");
  startWorker(Execution::current(), std::move(routine));
}

}  // namespace

void IoQueueWorkItemEx(PIO_WORKITEM IoWorkItem, PIO_WORKITEM_ROUTINE_EX WorkerRoutine,
                       WORK_QUEUE_TYPE, PVOID Context) {
  queueEx(IoWorkItem, "IoQueueWorkItemEx", [IoWorkItem, WorkerRoutine, Context] {
    IoWorkItem->queued = false;
    WorkerRoutine(IoWorkItem->ioObject != nullptr ? IoWorkItem->ioObject : IoWorkItem->device, Context,
                  IoWorkItem);
  });
}

void IoInitializeWorkItem(PVOID IoObject, PIO_WORKITEM IoWorkItem) {
  IoWorkItem->ioObject = IoObject;
  IoWorkItem->queued = false;
  IoWorkItem->freed = false;
  detail::recordCall("IoInitializeWorkItem", IoWorkItem, nullptr, nullptr);
}

void IoUninitializeWorkItem(PIO_WORKITEM IoWorkItem) {
  detail::localCall();  // needs a calling thread
  if (IoWorkItem->queued)
    detail::contractViolation("WorkItemFreedWhileQueued", 0,
                              "IoUninitializeWorkItem on " + IoWorkItem->name() + " while it is queued",
                              IoWorkItem);
  IoWorkItem->freed = true;
  detail::recordCall("IoUninitializeWorkItem", IoWorkItem, nullptr, nullptr);
}

ULONG IoSizeofWorkItem() { return static_cast<ULONG>(sizeof(IO_WORKITEM)); }

PFLT_GENERIC_WORKITEM FltAllocateGenericWorkItem() {
  PIO_WORKITEM item = IoAllocateWorkItem(nullptr);
  return item;
}

NTSTATUS FltQueueGenericWorkItem(PFLT_GENERIC_WORKITEM FltWorkItem, PVOID FltObject,
                                 PFLT_GENERIC_WORKITEM_ROUTINE WorkerRoutine, WORK_QUEUE_TYPE,
                                 PVOID Context) {
  queueEx(FltWorkItem, "FltQueueGenericWorkItem", [FltWorkItem, FltObject, WorkerRoutine, Context] {
    FltWorkItem->queued = false;
    WorkerRoutine(FltWorkItem, FltObject, Context);
  });
  return STATUS_SUCCESS;
}

void FltFreeGenericWorkItem(PFLT_GENERIC_WORKITEM FltWorkItem) {
  detail::localCall();
  if (FltWorkItem->queued)
    detail::contractViolation("WorkItemFreedWhileQueued", 0,
                              "FltFreeGenericWorkItem on " + FltWorkItem->name() + " while it is queued",
                              FltWorkItem);
  FltWorkItem->freed = true;
  detail::recordCall("FltFreeGenericWorkItem", FltWorkItem, nullptr, nullptr);
}

}  // namespace interlock::wdm
