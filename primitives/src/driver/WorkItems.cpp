// I/O and executive work items as wdm.h declares them (§3.11): the routine runs at PASSIVE_LEVEL on a system
// worker thread of its own, dequeued before it runs. The PIO_WORKITEM is a pool block (a
// leak if never freed) whose model is the C++ IO_WORKITEM kept at its address.
#include "Kernel.hpp"

#include "interlock/primitives/Call.hpp"
#include "interlock/primitives/WorkItem.hpp"

#include <cstdint>
#include <string>

namespace {

namespace w = interlock::wdm;
namespace wd = interlock::wdm::detail;
using interlock::Access;
using interlock::Execution;
using interlock::driver::detail::Kernel;

using WorkItemRoutine = void (*)(void* deviceObject, void* context);

// What the driver's PIO_WORKITEM points at: the device its routine is called with.
struct WorkItemBlock {
  void* device = nullptr;
};

w::IO_WORKITEM& workItem(void* item, const char* api) {
  if (w::IO_WORKITEM* model = Kernel::current().find<w::IO_WORKITEM>(item)) return *model;
  throw interlock::ScenarioError(std::string(api) + " on a PIO_WORKITEM that IoAllocateWorkItem did not return "
                                 "or IoFreeWorkItem freed");
}

std::string workerName(const Execution& execution) {
  std::size_t workers = 1;
  for (const auto& thread : execution.threads()) workers += thread->spec().kind == interlock::ThreadKind::Worker;
  return "worker" + std::to_string(workers);
}

// IoQueueWorkItem and its Ex form: the item queued to a system worker thread of its own, which
// calls `run(device, item)`; queueing one already queued is bug check 0xE4.
template <typename Run>
void queueIoWorkItem(const char* api, void* IoWorkItem, int QueueType, Run run) {
  (void)QueueType;
  w::IO_WORKITEM& model = workItem(IoWorkItem, api);
  interlock::Thread& thread = wd::visibleCall(api, &model, Access::Write);
  if (thread.irql > w::DISPATCH_LEVEL)
    wd::contractViolation("IrqlExDispatchLte", 0, std::string(api) + " above DISPATCH_LEVEL", &model);
  if (model.queued) {
    wd::bugCheck("WORKER_INVALID", 0xE4, std::string(api) + ": " + model.name() + " is already queued", &model);
    return;
  }
  model.queued = true;
  wd::recordCall(api, &model, nullptr, "queued to a system worker thread");
  Execution& execution = Execution::current();
  void* device = static_cast<WorkItemBlock*>(IoWorkItem)->device;
  (void)execution.spawnThread(interlock::ThreadSpec{
      workerName(execution), "system", interlock::ThreadKind::Worker, false,
      [&model, run, device, IoWorkItem] {
        model.queued = false;  // dequeued before the routine runs: it may queue the item again
        run(device, IoWorkItem);
      }});
}

}  // namespace

extern "C" {

void* IoAllocateWorkItem(void* DeviceObject) {
  (void)wd::localCall();
  Kernel& kernel = Kernel::current();
  auto* block = static_cast<WorkItemBlock*>(kernel.allocate(sizeof(WorkItemBlock), 0x6B726F57, "workitem"));
  block->device = DeviceObject;
  w::IO_WORKITEM& model = kernel.make<w::IO_WORKITEM>(block, "IO_WORKITEM");
  wd::recordCall("IoAllocateWorkItem", &model, nullptr, "a new IO_WORKITEM");
  return block;
}

void IoQueueWorkItem(void* IoWorkItem, WorkItemRoutine WorkerRoutine, int QueueType, void* Context) {
  queueIoWorkItem("IoQueueWorkItem", IoWorkItem, QueueType, [WorkerRoutine, Context](void* device, void*) {
    WorkerRoutine(device, Context);
  });
}

using WorkItemRoutineEx = void (*)(void* ioObject, void* context, void* workItem);

void IoQueueWorkItemEx(void* IoWorkItem, WorkItemRoutineEx WorkerRoutine, int QueueType, void* Context) {
  // The Ex routine may free the item: its purpose.
  queueIoWorkItem("IoQueueWorkItemEx", IoWorkItem, QueueType,
                  [WorkerRoutine, Context](void* device, void* item) { WorkerRoutine(device, Context, item); });
}

// ExQueueWorkItem on the driver's WORK_QUEUE_ITEM (ExInitializeWorkItem filled it): the C++
// model's, kept at the item's address, with the driver's routine and parameter.
void ExQueueWorkItem(void* WorkItem, int QueueType) {
  struct CWorkQueueItem {
    void* List[2];
    w::PWORKER_THREAD_ROUTINE WorkerRoutine;
    void* Parameter;
  };
  if (WorkItem == nullptr) throw interlock::ScenarioError("ExQueueWorkItem with no WorkItem");
  auto* item = static_cast<CWorkQueueItem*>(WorkItem);
  if (item->WorkerRoutine == nullptr)
    throw interlock::ScenarioError("ExQueueWorkItem on a WORK_QUEUE_ITEM ExInitializeWorkItem did not fill");
  Kernel& kernel = Kernel::current();
  w::WORK_QUEUE_ITEM* model = kernel.find<w::WORK_QUEUE_ITEM>(WorkItem);
  if (model == nullptr) model = &kernel.make<w::WORK_QUEUE_ITEM>(WorkItem, "WORK_QUEUE_ITEM");
  if (!model->queued) w::ExInitializeWorkItem(model, item->WorkerRoutine, item->Parameter);
  w::ExQueueWorkItem(model, QueueType == 0 ? w::CriticalWorkQueue : w::DelayedWorkQueue);
}

void IoFreeWorkItem(void* IoWorkItem) {
  (void)wd::localCall();
  w::IO_WORKITEM& model = workItem(IoWorkItem, "IoFreeWorkItem");
  if (model.queued)
    wd::contractViolation("WorkItemFreedWhileQueued", 0,
                          "IoFreeWorkItem on " + model.name() + " while it is queued", &model);
  model.freed = true;
  wd::recordCall("IoFreeWorkItem", &model, nullptr, nullptr);
  Kernel::current().free(IoWorkItem, 0, false, "IoFreeWorkItem");
}

}  // extern "C"
