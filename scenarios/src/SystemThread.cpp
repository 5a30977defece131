// System thread and object reference scenarios (kernel-rules §17).
#include "interlock/primitives/wdm.hpp"
#include "interlock/scenarios/Builtin.hpp"

namespace interlock::scenarios {

using namespace interlock::wdm;

namespace {

// The polling thread: works until Unload sets the stop event, then ends itself.
void pollRoutine(PVOID stopEvent) {
  KeWaitForSingleObject(stopEvent, Executive, KernelMode, FALSE, nullptr);
  PsTerminateSystemThread(STATUS_SUCCESS);
}

// A driver starts a polling thread at load and, at unload, stops it and waits for its end
// before the driver image goes away.
Scenario unloadWait(bool fixed) {
  return Scenario{
      fixed ? "system-thread/unload-waits-referenced" : "system-thread/unload-waits-dereferenced",
      fixed ? "Unload takes its own reference on the thread object with ObReferenceObjectByHandle, "
              "closes the handle, waits on the object and only then drops the reference: the "
              "object outlives the wait whenever the thread ends."
            : "Unload closes the thread handle and drops the reference it took before waiting on "
              "the thread object (the dereference moved up in a cleanup). When the polling thread "
              "has already ended, that dereference was the last one: the wait then uses a deleted "
              "thread object.",
      fixed ? Expectation::pass()
            : Expectation::violation(ViolationKind::ContractViolation, "ObjectUsedAfterFree"),
      Bounds{},
      [fixed](Setup& s) {
        auto& stop = s.make<KEVENT>("StopPolling");
        KeInitializeEvent(&stop, NotificationEvent, FALSE);
        s.systemThread("driver", [&stop, fixed] {
          HANDLE handle = nullptr;
          if (PsCreateSystemThread(&handle, THREAD_ALL_ACCESS, nullptr, nullptr, nullptr, pollRoutine,
                                   &stop) != STATUS_SUCCESS)
            return;
          // ... the driver runs; then Unload:
          KeSetEvent(&stop, IO_NO_INCREMENT, FALSE);
          PVOID thread = nullptr;
          if (ObReferenceObjectByHandle(handle, THREAD_ALL_ACCESS, *PsThreadType, KernelMode, &thread,
                                        nullptr) != STATUS_SUCCESS)
            return;
          ZwClose(handle);
          if (!fixed) ObDereferenceObject(thread);  // bug: before the wait
          KeWaitForSingleObject(thread, Executive, KernelMode, FALSE, nullptr);
          if (fixed) ObDereferenceObject(thread);
        });
      }};
}

}  // namespace

std::vector<Scenario> systemThreadScenarios() {
  std::vector<Scenario> all;
  all.push_back(unloadWait(false));
  all.push_back(unloadWait(true));
  return all;
}

}  // namespace interlock::scenarios
