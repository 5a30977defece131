// KQUEUE (kernel-rules.md §17; ReactOS ke/queue.c KiInsertQueue, KiActivateWaiterQueue,
// KeRemoveQueue, KeRundownQueue; the WRK's queueobj.c).
#include "WaitScope.hpp"
#include "interlock/primitives/Queue.hpp"

#include "interlock/primitives/Call.hpp"
#include "interlock/primitives/Irql.hpp"

#include <string>

namespace interlock::wdm {

namespace {

using detail::WaitScope;

// A queue must be initialized before use: its list head is garbage until then.
void checkInitialized(const KQUEUE& queue, const char* api) {
  if (!queue.initialized)
    throw ScenarioError(std::string(api) + ": KQUEUE " + queue.name() + " was not initialized (KeInitializeQueue)");
}

// Entry pointers the call returns in place of an entry.
PLIST_ENTRY statusEntry(NTSTATUS status) noexcept {
  return reinterpret_cast<PLIST_ENTRY>(static_cast<ULONG_PTR>(status));
}

// The KeRemoveQueue waiter an entry goes to: the one that waited last (LIFO), if it is in that
// wait now (a suspended waiter, or one running a kernel APC, is out of it: §2.2).
WaitBlock* lastRemover(const KQUEUE& queue) {
  WaitBlock* last = nullptr;
  queue.waiters().forEach([&](WaitBlock& block) {
    Thread& thread = *block.thread;
    if ((queue.removers & KQUEUE::bit(thread.id())) == 0) return;
    if (thread.suspended() || thread.waitSetOf(block) != &thread.waitSet()) return;
    last = &block;
  });
  return last;
}

// The waiter takes `entry` (or a status) and counts as running again.
void release(KQUEUE& queue, WaitBlock& block, PLIST_ENTRY entry) {
  const ThreadId id = block.thread->id();
  queue.removers &= ~KQUEUE::bit(id);
  queue.handed[id] = entry;
  if ((queue.running & KQUEUE::bit(id)) == 0 && (queue.associated & KQUEUE::bit(id)) != 0) {
    queue.running |= KQUEUE::bit(id);
    ++queue.CurrentCount;
  }
  Execution::current().satisfy(block);
}

PLIST_ENTRY takeFirst(KQUEUE& queue) {
  PLIST_ENTRY entry = RemoveHeadList(&queue.EntryListHead);
  entry->Flink = nullptr;  // what Windows leaves in a removed entry
  --queue.signalState;
  return entry;
}

// KiActivateWaiterQueue: an associated thread stopped running; a waiter may take its place.
void activate(KQUEUE& queue) {
  if (queue.CurrentCount >= queue.MaximumCount || IsListEmpty(&queue.EntryListHead)) return;
  if (WaitBlock* waiter = lastRemover(queue)) release(queue, *waiter, takeFirst(queue));
}

LONG insertEntry(const char* api, PRKQUEUE queue, PLIST_ENTRY entry, bool head) {
  if (queue == nullptr || entry == nullptr) throw ScenarioError(std::string(api) + " with no Queue or no Entry");
  checkInitialized(*queue, api);
  Thread& thread = detail::visibleCall(api, queue, Access::Release);
  detail::checkAtMostDispatch(thread, "IrqlKeDispatchLte", 0x20011, api, *queue);
  const LONG previous = queue->signalState;
  if (queue->CurrentCount < queue->MaximumCount)
    if (WaitBlock* waiter = lastRemover(*queue)) {
      detail::recordCall(api, queue, head ? "at the head" : "at the tail",
                         "handed to the last KeRemoveQueue waiter");
      release(*queue, *waiter, entry);
      return previous;
    }
  ++queue->signalState;
  if (head) InsertHeadList(&queue->EntryListHead, entry);
  else InsertTailList(&queue->EntryListHead, entry);
  detail::waitTest(*queue);  // KeWaitForXxx waiters on the queue see it signalled
  detail::recordCall(api, queue, head ? "at the head" : "at the tail", detail::longText(previous));
  return previous;
}

// KeRemoveQueue's body: an entry, or STATUS_TIMEOUT / STATUS_ABANDONED as a pointer value.
PLIST_ENTRY removeEntry(const char* api, PRKQUEUE queue, PLARGE_INTEGER timeout) {
  if (queue == nullptr) throw ScenarioError(std::string(api) + " with no Queue");
  checkInitialized(*queue, api);
  Thread& thread = detail::visibleCall(api, queue, Access::Acquire);
  const bool poll = timeout != nullptr && timeout->QuadPart == 0;
  detail::checkAtMostDispatch(thread, "IrqlKeDispatchLte", 0x20011, api, *queue);
  if (thread.irql == DISPATCH_LEVEL && !poll)
    detail::contractViolation("IrqlKeRemoveQueue", 0,
                              std::string(api) + " at DISPATCH_LEVEL with " +
                                  (timeout == nullptr ? "no timeout" : "a non-zero timeout") +
                                  ": at DISPATCH_LEVEL only a zero timeout is allowed",
                              queue);
  if (queue->rundown) {
    detail::recordCall(api, queue, nullptr, "STATUS_ABANDONED (the queue was run down)");
    return statusEntry(STATUS_ABANDONED);
  }
  // Association: leaving another queue lets that one release a waiter; on this one the caller
  // stops counting as running while it looks for an entry.
  const std::uint64_t self = KQUEUE::bit(thread.id());
  if (thread.waitObserver != queue) {
    if (auto* previous = dynamic_cast<KQUEUE*>(thread.waitObserver)) {
      previous->associated &= ~self;
      if ((previous->running & self) != 0) {
        previous->running &= ~self;
        --previous->CurrentCount;
        activate(*previous);
      }
    }
    thread.waitObserver = queue;
    queue->associated |= self;
  } else if ((queue->running & self) != 0) {
    queue->running &= ~self;
    --queue->CurrentCount;
  }
  const auto counted = [&] {
    queue->running |= self;
    ++queue->CurrentCount;
  };
  if (queue->CurrentCount < queue->MaximumCount && !IsListEmpty(&queue->EntryListHead)) {
    PLIST_ENTRY entry = takeFirst(*queue);
    counted();
    detail::recordCall(api, queue, nullptr, "an entry");
    return entry;
  }
  if (poll) {
    counted();
    detail::recordCall(api, queue, "Timeout 0", "STATUS_TIMEOUT");
    return statusEntry(STATUS_TIMEOUT);
  }
  // A finite timeout: satisfied before it expires (branch 0) or timed out now (branch 1).
  if (timeout != nullptr && Execution::current().branch(2) == 1) {
    counted();
    detail::recordCall(api, queue, "Timeout finite", "STATUS_TIMEOUT");
    return statusEntry(STATUS_TIMEOUT);
  }
  queue->removers |= self;
  queue->handed[thread.id()] = nullptr;
  {
    // A timed wait is never a hang: its timeout branch covers what follows (as KeWaitFor*).
    const WaitScope scope(thread);
    WaitBlock& block = thread.beginWait(1, WaitType::Any, timeout != nullptr).front();
    block.object = queue;
    queue->waiters().pushBack(block);
    detail::recordCall(api, queue, timeout == nullptr ? "Timeout NULL" : "Timeout finite", "waits",
                       EventKind::Blocked);
    Execution::current().wait(api);
  }
  queue->removers &= ~self;
  PLIST_ENTRY entry = queue->handed[thread.id()];
  detail::recordWoken(api, *queue, nullptr,
                      entry == statusEntry(STATUS_ABANDONED) ? "STATUS_ABANDONED (the queue was run down)"
                                                             : "an entry");
  return entry;
}

}  // namespace

void KQUEUE::stopsRunning(Thread& thread) noexcept {
  if ((running & bit(thread.id())) == 0) return;
  running &= ~bit(thread.id());
  --CurrentCount;
  activate(*this);
}

void KQUEUE::runsAgain(Thread& thread, const KernelObject* satisfier) noexcept {
  // Its own KeRemoveQueue waiter was counted by whoever released it.
  if (satisfier == this || (running & bit(thread.id())) != 0) return;
  running |= bit(thread.id());
  ++CurrentCount;
}

void KQUEUE::ends(Thread& thread) noexcept {
  stopsRunning(thread);
  associated &= ~bit(thread.id());
  thread.waitObserver = nullptr;
}

void KeInitializeQueue(PRKQUEUE Queue, ULONG Count) {
  constexpr const char* api = "KeInitializeQueue";
  if (Queue == nullptr) throw ScenarioError(std::string(api) + " with no Queue");
  if (const Thread* thread = detail::initCall(api, *Queue))
    detail::checkAtMostDispatch(*thread, "IrqlKeDispatchLte", 0x20011, api, *Queue);
  if (!Queue->waiters().empty() || Queue->associated != 0)
    throw ScenarioError(std::string(api) + ": KQUEUE " + Queue->name() + " is in use");
  InitializeListHead(&Queue->EntryListHead);
  Queue->signalState = 0;
  Queue->CurrentCount = 0;
  Queue->MaximumCount = Count == 0 ? 64 : Count;  // one processor per thread (§19)
  Queue->running = 0;
  Queue->removers = 0;
  Queue->initialized = true;
  Queue->rundown = false;
  detail::recordCall(api, Queue, Count == 0 ? "Count 0 (the processors)" : detail::longText(static_cast<LONG>(Count)), nullptr);
}

LONG KeInsertQueue(PRKQUEUE Queue, PLIST_ENTRY Entry) { return insertEntry("KeInsertQueue", Queue, Entry, false); }

LONG KeInsertHeadQueue(PRKQUEUE Queue, PLIST_ENTRY Entry) {
  return insertEntry("KeInsertHeadQueue", Queue, Entry, true);
}

PLIST_ENTRY KeRemoveQueue(PRKQUEUE Queue, KPROCESSOR_MODE WaitMode, PLARGE_INTEGER Timeout) {
  (void)WaitMode;  // no user APCs in the model: STATUS_USER_APC never arises
  return removeEntry("KeRemoveQueue", Queue, Timeout);
}

ULONG KeRemoveQueueEx(PRKQUEUE Queue, KPROCESSOR_MODE WaitMode, BOOLEAN Alertable,
                      PLARGE_INTEGER Timeout, PLIST_ENTRY* EntryArray, ULONG Count) {
  constexpr const char* api = "KeRemoveQueueEx";
  (void)WaitMode, (void)Alertable;
  if (EntryArray == nullptr || Count == 0) throw ScenarioError(std::string(api) + " with no EntryArray or Count 0");
  EntryArray[0] = removeEntry(api, Queue, Timeout);
  if (EntryArray[0] == statusEntry(STATUS_TIMEOUT) || EntryArray[0] == statusEntry(STATUS_ABANDONED)) return 1;
  ULONG taken = 1;
  // The caller already counts as running: further entries come without another wait.
  while (taken < Count && !IsListEmpty(&Queue->EntryListHead)) EntryArray[taken++] = takeFirst(*Queue);
  return taken;
}

PLIST_ENTRY KeRundownQueue(PRKQUEUE Queue) {
  constexpr const char* api = "KeRundownQueue";
  if (Queue == nullptr) throw ScenarioError(std::string(api) + " with no Queue");
  checkInitialized(*Queue, api);
  Thread& thread = detail::visibleCall(api, Queue, Access::Write);
  detail::checkAtMostDispatch(thread, "IrqlKeDispatchLte", 0x20011, api, *Queue);
  PLIST_ENTRY first = nullptr;
  if (!IsListEmpty(&Queue->EntryListHead)) {
    first = Queue->EntryListHead.Flink;
    (void)RemoveEntryList(&Queue->EntryListHead);  // the entries stay a ring, headless
    InitializeListHead(&Queue->EntryListHead);
  }
  Queue->signalState = 0;
  Queue->rundown = true;
  for (const auto& candidate : Execution::current().threads())
    if ((Queue->associated & KQUEUE::bit(candidate->id())) != 0) candidate->waitObserver = nullptr;
  Queue->associated = 0;
  Queue->running = 0;
  Queue->CurrentCount = 0;
  while (WaitBlock* waiter = lastRemover(*Queue)) release(*Queue, *waiter, statusEntry(STATUS_ABANDONED));
  detail::recordCall(api, Queue, nullptr, first != nullptr ? "the first entry" : "NULL (no entries)");
  return first;
}

LONG KeReadStateQueue(PRKQUEUE Queue) {
  constexpr const char* api = "KeReadStateQueue";
  if (Queue == nullptr) throw ScenarioError(std::string(api) + " with no Queue");
  Thread& thread = detail::visibleCall(api, Queue, Access::Read);
  detail::checkAtMostDispatch(thread, "IrqlKeDispatchLte", 0x20011, api, *Queue);
  detail::recordCall(api, Queue, nullptr, detail::longText(Queue->signalState));
  return Queue->signalState;
}

}  // namespace interlock::wdm
