// Dispatcher-object scenarios: events, semaphores, KMUTEX and waits (kernel-rules.md
// §3.5, §3.6, §4.9, §5.13, §6).
#include "interlock/primitives/wdm.hpp"
#include "interlock/scenarios/Builtin.hpp"

namespace interlock::scenarios {

using namespace interlock::wdm;

namespace {

// Two workers wait for "initialization done"; the initializer signals it once.
void broadcast(Setup& s, EVENT_TYPE type) {
  auto& ready = s.make<KEVENT>("InitDone");
  KeInitializeEvent(&ready, type, FALSE);
  for (const char* name : {"worker1", "worker2"})
    s.systemThread(name, [&ready] {
      (void)KeWaitForSingleObject(&ready, Executive, KernelMode, FALSE, nullptr);
    });
  s.systemThread("init", [&ready] { (void)KeSetEvent(&ready, IO_NO_INCREMENT, FALSE); });
}

Scenario lostWakeup() {
  return Scenario{
      "event/lost-wakeup",
      "A driver announces the end of its initialization with one KeSetEvent on an event that "
      "two worker threads wait for, but initializes it as a SynchronizationEvent. A "
      "synchronization event satisfies one wait and resets, so one worker runs and the other "
      "waits forever for a signal that never comes again.",
      Expectation::violation(ViolationKind::Deadlock, "NoThreadCanMove"),
      Bounds{},
      [](Setup& s) { broadcast(s, SynchronizationEvent); }};
}

Scenario notification() {
  return Scenario{
      "event/notification",
      "The fix of event/lost-wakeup: the event is a NotificationEvent, which stays signalled "
      "and releases every waiter, whether it waits before or after the KeSetEvent.",
      Expectation::pass(),
      Bounds{},
      [](Setup& s) { broadcast(s, NotificationEvent); }};
}

// Two completion paths release the request's count; `caught`: inside __try/__except.
void completeTwice(Setup& s, bool caught) {
  auto& pending = s.make<KSEMAPHORE>("Pending");
  KeInitializeSemaphore(&pending, 0, 1);
  for (const char* name : {"complete", "cancel"})
    s.systemThread(name, [&pending, caught] {
      if (!caught) {
        (void)KeReleaseSemaphore(&pending, IO_NO_INCREMENT, 1, FALSE);
        return;
      }
      tryExcept([&pending] { (void)KeReleaseSemaphore(&pending, IO_NO_INCREMENT, 1, FALSE); },
                [](NTSTATUS status) { check(status == STATUS_SEMAPHORE_LIMIT_EXCEEDED, "only the limit is caught"); });
    });
}

Scenario semaphoreLimit() {
  return Scenario{
      "semaphore/limit-exceeded",
      "A request queue counts pending requests with a KSEMAPHORE of limit 1. Two completion "
      "paths both release it for the same request: the second KeReleaseSemaphore would take the "
      "count past its limit, so the kernel leaves the count and raises "
      "STATUS_SEMAPHORE_LIMIT_EXCEEDED, which no handler catches: in a system thread, bug check "
      "0x7E SYSTEM_THREAD_EXCEPTION_NOT_HANDLED.",
      Expectation::violation(ViolationKind::BugCheck, "SYSTEM_THREAD_EXCEPTION_NOT_HANDLED"),
      Bounds{},
      [](Setup& s) { completeTwice(s, false); }};
}

Scenario semaphoreLimitCaught() {
  return Scenario{
      "semaphore/limit-exceeded-caught",
      "The fix of semaphore/limit-exceeded for a queue that allows both paths to release: each "
      "wraps KeReleaseSemaphore in __try/__except and takes STATUS_SEMAPHORE_LIMIT_EXCEEDED as "
      "\"already counted\", so the raised status ends the call, not the machine.",
      Expectation::pass(),
      Bounds{},
      [](Setup& s) { completeTwice(s, true); }};
}

// A helper that takes the mutex again while its caller holds it.
void lockedUpdate(KMUTEX& mutex, Shared<LONG>& table) {
  (void)KeWaitForSingleObject(&mutex, Executive, KernelMode, FALSE, nullptr);
  table.store(table.load() + 1);
  (void)KeReleaseMutex(&mutex, FALSE);
}

Scenario recursive() {
  return Scenario{
      "kmutex/recursive",
      "A routine that owns a KMUTEX calls a helper that waits for the same mutex again. A "
      "KMUTEX is recursive for its owner: the second wait is satisfied at once, each "
      "acquisition is matched by a KeReleaseMutex, and another thread gets the mutex after the "
      "final release.",
      Expectation::pass(),
      Bounds{},
      [](Setup& s) {
        auto& mutex = s.make<KMUTEX>("TableMutex");
        auto& table = s.make<Shared<LONG>>("Table");
        KeInitializeMutex(&mutex, 0);
        s.systemThread("outer", [&mutex, &table] {
          (void)KeWaitForMutexObject(&mutex, Executive, KernelMode, FALSE, nullptr);
          lockedUpdate(mutex, table);
          (void)KeReleaseMutex(&mutex, FALSE);
        });
        s.systemThread("other", [&mutex, &table] { lockedUpdate(mutex, table); });
      }};
}

// An I/O path owns the mutex; a cleanup path (a system thread, or `ioctl`: a caller's thread
// in a system call) releases it without acquiring it.
void cleanupWithoutAcquire(Setup& s, bool ioctl) {
  auto& mutex = s.make<KMUTEX>("DeviceMutex");
  KeInitializeMutex(&mutex, 0);
  s.systemThread("io", [&mutex] {
    (void)KeWaitForSingleObject(&mutex, Executive, KernelMode, FALSE, nullptr);
    (void)KeReleaseMutex(&mutex, FALSE);
  });
  auto cleanup = [&mutex] { (void)KeReleaseMutex(&mutex, FALSE); };
  if (ioctl) s.userThread("cleanup", cleanup); else s.systemThread("cleanup", cleanup);
}

Scenario releaseNotOwned() {
  return Scenario{
      "kmutex/release-not-owned",
      "A cleanup path calls KeReleaseMutex on a KMUTEX it never acquired (the acquire is on "
      "another path). The kernel raises STATUS_MUTANT_NOT_OWNED (0xC0000046) whether the mutex "
      "is free or owned by another thread; no handler catches it, and in a system thread that "
      "is bug check 0x7E SYSTEM_THREAD_EXCEPTION_NOT_HANDLED, not 0x46.",
      Expectation::violation(ViolationKind::BugCheck, "SYSTEM_THREAD_EXCEPTION_NOT_HANDLED"),
      Bounds{},
      [](Setup& s) { cleanupWithoutAcquire(s, false); }};
}

Scenario releaseNotOwnedIoctl() {
  return Scenario{
      "kmutex/release-not-owned-ioctl",
      "kmutex/release-not-owned on an IOCTL path: the thread that releases the KMUTEX it never "
      "acquired is a caller's, inside a system call, so the unhandled STATUS_MUTANT_NOT_OWNED is "
      "bug check 0x3B SYSTEM_SERVICE_EXCEPTION.",
      Expectation::violation(ViolationKind::BugCheck, "SYSTEM_SERVICE_EXCEPTION"),
      Bounds{},
      [](Setup& s) { cleanupWithoutAcquire(s, true); }};
}

Scenario heldAtExit() {
  return Scenario{
      "kmutex/held-at-exit",
      "A system thread takes a KMUTEX and, on an error path, calls PsTerminateSystemThread "
      "without releasing it. The kernel runs down the thread's mutexes as it exits and finds a "
      "kernel mutex still owned: bug check 0x4000008A THREAD_TERMINATE_HELD_MUTEX.",
      Expectation::violation(ViolationKind::BugCheck, "THREAD_TERMINATE_HELD_MUTEX"),
      Bounds{},
      [](Setup& s) {
        auto& mutex = s.make<KMUTEX>("DeviceMutex");
        KeInitializeMutex(&mutex, 0);
        s.systemThread("poller", [&mutex] {
          (void)KeWaitForSingleObject(&mutex, Executive, KernelMode, FALSE, nullptr);
          // bug: the error path returns without KeReleaseMutex
        });
      }};
}

void takeInOrder(Setup& s, const char* name, KMUTEX& first, KMUTEX& second) {
  s.systemThread(name, [&first, &second] {
    (void)KeWaitForSingleObject(&first, Executive, KernelMode, FALSE, nullptr);
    (void)KeWaitForSingleObject(&second, Executive, KernelMode, FALSE, nullptr);
    (void)KeReleaseMutex(&second, FALSE);
    (void)KeReleaseMutex(&first, FALSE);
  });
}

Scenario abba() {
  return Scenario{
      "kmutex/abba",
      "Two system threads take the same two KMUTEXes in opposite orders: the read path takes "
      "the queue mutex then the device mutex, the reset path the device mutex then the queue "
      "mutex. Recursion does not help across threads: if each takes its first mutex before the "
      "other takes its second, both wait forever.",
      Expectation::violation(ViolationKind::Deadlock, "WaitCycle"),
      Bounds{},
      [](Setup& s) {
        auto& queue = s.make<KMUTEX>("QueueMutex");
        auto& device = s.make<KMUTEX>("DeviceMutex");
        KeInitializeMutex(&queue, 0);
        KeInitializeMutex(&device, 0);
        takeInOrder(s, "read", queue, device);
        takeInOrder(s, "reset", device, queue);
      }};
}

Scenario suspendedWaiter() {
  return Scenario{
      "kmutex/suspended-waiter",
      "The KMUTEX counterpart of eresource/suspended-waiter: an IOCTL handler of an "
      "unprivileged process waits for a KMUTEX a system thread holds, outside any region, and "
      "the process suspends it in the wait. The suspend APC takes the waiter out of its wait "
      "(kernel APCs interrupt waits), so the system thread's release finds no waiter and "
      "leaves the mutex free, and its next wait gets it. Once the handler owns the mutex it "
      "is in the critical region ownership implies, so a suspension waits for the release. "
      "No schedule leaves the mutex with a suspended owner.",
      Expectation::pass(),
      Bounds{},
      [](Setup& s) {
        auto& mutex = s.make<KMUTEX>("DeviceMutex");
        KeInitializeMutex(&mutex, 0);
        s.userThread("user", [&mutex] {
          (void)KeWaitForSingleObject(&mutex, UserRequest, KernelMode, FALSE, nullptr);
          (void)KeReleaseMutex(&mutex, FALSE);
        });
        s.systemThread("system", [&mutex] {
          for (int round = 0; round < 2; ++round) {
            (void)KeWaitForSingleObject(&mutex, Executive, KernelMode, FALSE, nullptr);
            (void)KeReleaseMutex(&mutex, FALSE);
          }
        });
      }};
}

// §4.9: a wait under a spin lock; `timeout` is how long it may wait.
void waitUnderSpinLock(Setup& s, LONGLONG timeout) {
  auto& lock = s.make<KSPIN_LOCK>("QueueLock");
  auto& done = s.make<KEVENT>("Done");
  KeInitializeSpinLock(&lock);
  KeInitializeEvent(&done, NotificationEvent, FALSE);
  s.systemThread("dpc-path", [&lock, &done, timeout] {
    KIRQL old = PASSIVE_LEVEL;
    KeAcquireSpinLock(&lock, &old);
    LARGE_INTEGER wait{.QuadPart = timeout};
    (void)KeWaitForSingleObject(&done, Executive, KernelMode, FALSE, &wait);
    KeReleaseSpinLock(&lock, old);
  });
  s.systemThread("completer", [&done] { (void)KeSetEvent(&done, IO_NO_INCREMENT, FALSE); });
}

Scenario waitAtDispatch() {
  return Scenario{
      "spinlock/wait-at-dispatch",
      "A routine holding a spin lock (so at DISPATCH_LEVEL) waits up to 10 ms for a "
      "completion event. At DISPATCH_LEVEL only a zero timeout is allowed (Driver Verifier "
      "0xC4, 0x122); what Windows does next is undocumented, and the model lets the thread "
      "hang whenever the event is not yet signalled.",
      Expectation::violation(ViolationKind::ContractViolation, "IrqlKeWaitForSingleObject")
          .withVerifier(Expectation::violation(ViolationKind::BugCheck, "IrqlKeWaitForSingleObject")),
      Bounds{},
      [](Setup& s) { waitUnderSpinLock(s, -100'000); }};  // relative, 100 ns units: 10 ms
}

Scenario pollAtDispatch() {
  return Scenario{
      "spinlock/poll-at-dispatch",
      "The fix of spinlock/wait-at-dispatch: under the spin lock the routine only polls the "
      "event with a zero timeout, which is legal at DISPATCH_LEVEL and returns STATUS_TIMEOUT "
      "at once when the event is not signalled.",
      Expectation::pass(),
      Bounds{},
      [](Setup& s) { waitUnderSpinLock(s, 0); }};
}

}  // namespace

std::vector<Scenario> dispatcherScenarios() {
  return {lostWakeup(),      notification(),    semaphoreLimit(), semaphoreLimitCaught(), recursive(),
          releaseNotOwned(), releaseNotOwnedIoctl(), heldAtExit(), abba(), suspendedWaiter(),
          waitAtDispatch(),  pollAtDispatch()};
}

}  // namespace interlock::scenarios
