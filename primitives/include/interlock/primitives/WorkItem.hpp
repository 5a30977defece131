#pragma once
// Work items (kernel-rules.md §3.11): the routine runs at PASSIVE_LEVEL on a system
// worker thread, dequeued before it runs. Each queued item gets a worker of its own
// (partial: the size of the system pool, and deadlocks from exhausting it, are not modelled).
#include "interlock/core/KernelObject.hpp"
#include "interlock/primitives/DeviceObject.hpp"
#include "interlock/primitives/WdkTypes.hpp"

namespace interlock::wdm {

enum WORK_QUEUE_TYPE { CriticalWorkQueue, DelayedWorkQueue, HyperCriticalWorkQueue };

using PIO_WORKITEM_ROUTINE = void (*)(PDEVICE_OBJECT DeviceObject, PVOID Context);
using PWORKER_THREAD_ROUTINE = void (*)(PVOID Parameter);

class IO_WORKITEM final : public interlock::KernelObject {
 public:
  [[nodiscard]] const char* typeName() const noexcept override { return "IO_WORKITEM"; }
  PDEVICE_OBJECT device = nullptr;
  PVOID ioObject = nullptr;  // IoInitializeWorkItem's driver or device object
  bool queued = false;
  bool freed = false;
};
using PIO_WORKITEM = IO_WORKITEM*;

class WORK_QUEUE_ITEM final : public interlock::KernelObject {
 public:
  [[nodiscard]] const char* typeName() const noexcept override { return "WORK_QUEUE_ITEM"; }
  PWORKER_THREAD_ROUTINE routine = nullptr;
  PVOID parameter = nullptr;
  bool queued = false;
};
using PWORK_QUEUE_ITEM = WORK_QUEUE_ITEM*;

[[nodiscard]] PIO_WORKITEM IoAllocateWorkItem(PDEVICE_OBJECT DeviceObject);
void IoQueueWorkItem(PIO_WORKITEM IoWorkItem, PIO_WORKITEM_ROUTINE WorkerRoutine,
                     WORK_QUEUE_TYPE QueueType, PVOID Context);
void IoFreeWorkItem(PIO_WORKITEM IoWorkItem);
void ExInitializeWorkItem(PWORK_QUEUE_ITEM Item, PWORKER_THREAD_ROUTINE Routine, PVOID Parameter);
void ExQueueWorkItem(PWORK_QUEUE_ITEM WorkItem, WORK_QUEUE_TYPE QueueType);

// The Ex form: the routine also gets the work item, and may free it (kernel-rules §17).
using PIO_WORKITEM_ROUTINE_EX = void (*)(PVOID IoObject, PVOID Context, PIO_WORKITEM IoWorkItem);
void IoQueueWorkItemEx(PIO_WORKITEM IoWorkItem, PIO_WORKITEM_ROUTINE_EX WorkerRoutine,
                       WORK_QUEUE_TYPE QueueType, PVOID Context);
// A work item in the caller's storage (a Setup::make'd IO_WORKITEM): initialize before the
// first queue, uninitialize when no longer queued. IoSizeofWorkItem is the storage it needs.
void IoInitializeWorkItem(PVOID IoObject, PIO_WORKITEM IoWorkItem);
void IoUninitializeWorkItem(PIO_WORKITEM IoWorkItem);
[[nodiscard]] ULONG IoSizeofWorkItem();

// The filter manager's generic work items: FltQueueGenericWorkItem returns STATUS_SUCCESS
// and runs the routine on a system worker thread, as IoQueueWorkItem does.
using PFLT_GENERIC_WORKITEM = IO_WORKITEM*;
using PFLT_GENERIC_WORKITEM_ROUTINE = void (*)(PFLT_GENERIC_WORKITEM FltWorkItem, PVOID FltObject,
                                               PVOID Context);
[[nodiscard]] PFLT_GENERIC_WORKITEM FltAllocateGenericWorkItem();
NTSTATUS FltQueueGenericWorkItem(PFLT_GENERIC_WORKITEM FltWorkItem, PVOID FltObject,
                                 PFLT_GENERIC_WORKITEM_ROUTINE WorkerRoutine,
                                 WORK_QUEUE_TYPE QueueType, PVOID Context);
void FltFreeGenericWorkItem(PFLT_GENERIC_WORKITEM FltWorkItem);

}  // namespace interlock::wdm
