// What Windows checks when a thread ends (kernel-rules.md §3.1, §3.11): mutexes run down,
// IRQL and APC-disable counts at a system call's return, a work item's return or thread exit,
// and locks still owned. Part of Execution; its own file because it is its own concern.
#include "interlock/core/Execution.hpp"

#include <cassert>
#include <cstdint>
#include <cstdio>
#include <string>

namespace interlock {

namespace {

// A bug-check parameter as the kernel prints it: 32 bits in hex (CombinedApcDisable -65536 is
// 0xFFFF0000).
std::string parameter(std::int32_t value) {
  char text[16];
  std::snprintf(text, sizeof text, "0x%X", static_cast<std::uint32_t>(value));
  return text;
}

}  // namespace

void Execution::exitChecks(Thread& thread) {
  run_.current = &thread;
#ifndef NDEBUG
  // Only a lock some operation named can be owned (what reportExitViolations relies on): checked in
  // debug builds, which the sanitizer tests use.
  for (ObjectId lock : objects_.locks()) {
    OwnerList& owners = exitOwners_;
    owners.clear();
    objects_[lock].owners(owners);
    assert((owners.empty() || objects_.named(lock)) && "a lock is owned but no operation named it");
  }
#endif
  // The usual exit owns no lock and left no region open: nothing to report, and none of the
  // reports' frame to pay for (it was most of an exit's cost). heldAtExit concerns owners only.
  bool ownsALock = false;
  for (ObjectId lock : objects_.namedLocks())
    if (owns(thread, lock)) {
      ownsALock = true;
      break;
    }
  if (ownsALock || thread.irql != kPassiveLevel || thread.combinedApcDisable() != 0)
    reportExitViolations(thread);
  markTerminated(thread);
  if (thread.waitObserver != nullptr) [[unlikely]] thread.waitObserver->ends(thread);
  if (recordsEvents()) recordExit(thread);
  // Back in user mode a queued suspend APC is delivered: the thread stops there.
  if (thread.spec().kind == ThreadKind::SystemCall && thread.suspendApcQueued) deliverSuspendApc(thread);
}

void Execution::recordExit(const Thread& thread) {
  const ThreadKind kind = thread.spec().kind;
  record(Event{.kind = EventKind::Exit, .thread = thread.id(),
               .api = kind == ThreadKind::SystemCall ? "return to user mode"
                      : kind == ThreadKind::Worker   ? "work item returns"
                      : kind == ThreadKind::Interrupt ? "ISR returns"
                      : isPseudoThread(kind)         ? "DPC routine returns"
                                                     : "PsTerminateSystemThread"});
}

void Execution::reportExitViolations(Thread& thread) {
  // Mutexes are run down before the region checks (ReactOS PspExitThread: KeRundownThread first).
  for (ObjectId lock : objects_.namedLocks())
    if (owns(thread, lock))
      if (auto stop = objects_[lock].heldAtExit(thread)) report(std::move(*stop));
  const bool userReturn = thread.spec().kind == ThreadKind::SystemCall;
  const bool worker = thread.spec().kind == ThreadKind::Worker;
  if (worker && thread.irql != kPassiveLevel) {
    // §3.11 and §6.8: any IRQL above PASSIVE at a work item's return is reported as 0xE1.
    report(Violation{.kind = ViolationKind::BugCheck, .rule = "WORKER_THREAD_RETURNED_AT_BAD_IRQL",
                     .code = 0xE1,
                     .message = "work item routine returned at IRQL " + std::to_string(thread.irql)});
  } else if (worker && thread.combinedApcDisable() != 0) {
    report(Violation{.kind = ViolationKind::BugCheck, .rule = "APC_INDEX_MISMATCH", .code = 0x1,
                     .message = "work item routine returned with KernelApcDisable " +
                                std::to_string(thread.kernelApcDisable) + ", SpecialApcDisable " +
                                std::to_string(thread.specialApcDisable) +
                                " (parameter 3 = CombinedApcDisable " +
                                parameter(thread.combinedApcDisable()) +
                                ", parameter 4 = 0x1: worker routine)"});
  } else if (userReturn && thread.irql != kPassiveLevel) {
    report(Violation{.kind = ViolationKind::BugCheck, .rule = "IRQL_GT_ZERO_AT_SYSTEM_SERVICE",
                     .code = 0x4A,
                     .message = "system call returned to user mode at IRQL " +
                                std::to_string(thread.irql)});
  } else if (thread.combinedApcDisable() != 0) {
    // §3.1: return to user mode checks the counters (0x1, p4 = 0); thread exit gives 0x20.
    const std::string counts = "KernelApcDisable " + std::to_string(thread.kernelApcDisable) +
                               ", SpecialApcDisable " + std::to_string(thread.specialApcDisable);
    if (userReturn)
      report(Violation{.kind = ViolationKind::BugCheck, .rule = "APC_INDEX_MISMATCH", .code = 0x1,
                       .message = "system call returned to user mode with " + counts +
                                  " (parameter 3 = CombinedApcDisable " +
                                  parameter(thread.combinedApcDisable()) +
                                  ", parameter 4 = 0x0: system call)"});
    else
      report(Violation{.kind = ViolationKind::BugCheck, .rule = "KERNEL_APC_PENDING_DURING_EXIT",
                       .code = 0x20, .message = "system thread exited with " + counts});
  }
  for (ObjectId lock : objects_.namedLocks()) {
    if (!owns(thread, lock)) continue;
    const KernelObject* object = &objects_[lock];
    report(Violation{.kind = ViolationKind::ContractViolation, .rule = "LockHeldAtExit",
                     .message = std::string(userReturn ? "returned to user mode" : "exited") +
                                " still owning " + object->typeName() + " " + object->name(),
                     .objects = {object->id()}});
  }
}

}  // namespace interlock
