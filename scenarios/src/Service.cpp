// Service threads: a system poller that serves requests queued by the callers' threads, the
// way a driver's cancel-safe-queue path is written (kernel-semantics.md §3.5, §3.6, §3.9,
// §18 pattern 17).
#include "interlock/primitives/wdm.hpp"
#include "interlock/scenarios/Builtin.hpp"

namespace interlock::scenarios {

using namespace interlock::wdm;

namespace {

constexpr LONG kNoLimit = 0x7FFFFFFF;  // MAXLONG: the work semaphore counts every request

// What the device extension holds: the queue of requests, as the tickets handed out in
// arrival order (IoCsqInsertIrp's order), the semaphore that counts the requests queued, and
// one completion event per ticket.
struct RequestQueue {
  Shared<LONG>& tickets;
  KSEMAPHORE& work;
  ObjectArray<KEVENT> done;
};

RequestQueue makeQueue(Setup& s, int callers) {
  RequestQueue queue{s.make<Shared<LONG>>("Queue"), s.make<KSEMAPHORE>("Work"),
                     s.makeArray<KEVENT>("Done", callers)};
  KeInitializeSemaphore(&queue.work, 0, kNoLimit);
  for (std::size_t i = 0; i < queue.done.size(); ++i)
    KeInitializeEvent(&queue.done[i], NotificationEvent, FALSE);
  return queue;
}

// A read in the caller's thread: queue the request, wake the poller, wait for completion.
void read(RequestQueue queue, bool criticalRegion) {
  if (criticalRegion) KeEnterCriticalRegion();
  const LONG ticket = InterlockedIncrement(&queue.tickets);  // the request joins the queue
  // Without the region a suspension can stop the thread here: queued, the poller not woken.
  (void)KeReleaseSemaphore(&queue.work, IO_NO_INCREMENT, 1, FALSE);
  if (criticalRegion) KeLeaveCriticalRegion();
  (void)KeWaitForSingleObject(&queue.done[static_cast<std::size_t>(ticket - 1)], UserRequest, KernelMode,
                              FALSE, nullptr);
}

// The poller: one request per unit of the work semaphore, in queue order, for ever.
void poll(RequestQueue queue) {
  for (std::size_t head = 0;; ++head) {
    (void)KeWaitForSingleObject(&queue.work, Executive, KernelMode, FALSE, nullptr);
    (void)KeSetEvent(&queue.done[head], IO_NO_INCREMENT, FALSE);  // dequeued and completed
  }
}

// A read queues its work under the device KMUTEX; the poller serves it. `waitHolding`: the
// poller waits for work while it owns the mutex (the bug), else before it takes it.
void mutexPoller(Setup& s, bool waitHolding) {
  auto& mutex = s.make<KMUTEX>("DeviceMutex");
  auto& work = s.make<KSEMAPHORE>("Work");
  auto& done = s.make<KEVENT>("Done");
  KeInitializeMutex(&mutex, 0);
  KeInitializeSemaphore(&work, 0, kNoLimit);
  KeInitializeEvent(&done, NotificationEvent, FALSE);
  s.userThread("reader", [&mutex, &work, &done] {
    (void)KeWaitForSingleObject(&mutex, UserRequest, KernelMode, FALSE, nullptr);
    (void)KeReleaseMutex(&mutex, FALSE);  // the request is queued
    (void)KeReleaseSemaphore(&work, IO_NO_INCREMENT, 1, FALSE);
    (void)KeWaitForSingleObject(&done, UserRequest, KernelMode, FALSE, nullptr);
  });
  s.serviceThread("poller", [&mutex, &work, &done, waitHolding] {
    for (;;) {
      if (!waitHolding) (void)KeWaitForSingleObject(&work, Executive, KernelMode, FALSE, nullptr);
      (void)KeWaitForSingleObject(&mutex, Executive, KernelMode, FALSE, nullptr);
      if (waitHolding) (void)KeWaitForSingleObject(&work, Executive, KernelMode, FALSE, nullptr);
      (void)KeSetEvent(&done, IO_NO_INCREMENT, FALSE);  // the request is dequeued and completed
      (void)KeReleaseMutex(&mutex, FALSE);
    }
  });
}

Scenario pollerHoldsMutex() {
  return Scenario{
      "service/poller-holds-mutex",
      "A system poller (a service thread: it serves reads for ever) takes the device KMUTEX "
      "and then waits on the work semaphore while it owns it. A read of an unprivileged "
      "process needs the mutex to queue its request, so it waits for the poller, which waits "
      "for the read's work: a service thread that another thread waits on through a lock it "
      "owns is part of the hang.",
      Expectation::violation(ViolationKind::Deadlock, "NoThreadCanMove"),
      Bounds{},
      [](Setup& s) { mutexPoller(s, true); }};
}

Scenario pollerWaitsUnlocked() {
  return Scenario{
      "service/poller-waits-unlocked",
      "The fix of service/poller-holds-mutex: the poller waits for work first and takes the "
      "mutex only to dequeue. Once the read is complete the poller waits for more work, which "
      "is how a service thread idles, not a hang.",
      Expectation::pass(),
      Bounds{},
      [](Setup& s) { mutexPoller(s, false); }};
}

// Two processes read through the queue: process A's reader (the subject, which the adversary
// may suspend) queues first, then process B's (not the subject: never suspended).
void twoReaders(Setup& s, bool criticalRegion) {
  const RequestQueue queue = makeQueue(s, 2);
  s.userThread("reader-a", [queue, criticalRegion] { read(queue, criticalRegion); }, "process A");
  s.thread(ThreadSpec{.name = "reader-b",
                      .requester = "process B",
                      .kind = ThreadKind::SystemCall,
                      .suspendable = false,
                      .body = [queue, criticalRegion] { read(queue, criticalRegion); }});
  s.serviceThread("poller", [queue] { poll(queue); });
}

Scenario suspendedQueuer() {
  return Scenario{
      "service/suspended-queuer",
      "Reads are queued in arrival order and a KSEMAPHORE counts them for a system poller, "
      "which completes them in queue order. Process A's read queues its request and is "
      "suspended (NtSuspendThread) before it releases the semaphore; process B's read queues "
      "behind it and releases once, so the poller completes A's request and waits again, and "
      "B's read never completes while A stays suspended. Resumed, A releases the semaphore and "
      "B's read completes: one process's suspension denies service to another, through a "
      "semaphore nobody owns.",
      Expectation::violation(ViolationKind::SuspendedOwnerDoS, "SuspendedSignaller"),
      Bounds{},
      [](Setup& s) { twoReaders(s, false); }};
}

Scenario queueInCriticalRegion() {
  return Scenario{
      "service/queue-in-critical-region",
      "The fix of service/suspended-queuer: each read queues its request and releases the "
      "semaphore inside one critical region, so a suspension takes effect before both or after "
      "both, and the poller always has a unit for every request queued.",
      Expectation::pass(),
      Bounds{},
      [](Setup& s) { twoReaders(s, true); }};
}

}  // namespace

std::vector<Scenario> serviceScenarios() {
  return {pollerHoldsMutex(), pollerWaitsUnlocked(), suspendedQueuer(), queueInCriticalRegion()};
}

}  // namespace interlock::scenarios
