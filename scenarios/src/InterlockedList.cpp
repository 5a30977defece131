// ExInterlocked list scenarios (kernel-rules §16).
#include "interlock/primitives/wdm.hpp"
#include "interlock/scenarios/Builtin.hpp"

namespace interlock::scenarios {

using namespace interlock::wdm;

namespace {

// The driver's request queue and the requests it holds: plain memory in a device extension,
// made per execution like every object of a scenario.
class RequestQueue final : public KernelObject {
 public:
  [[nodiscard]] const char* typeName() const noexcept override { return "request queue"; }
  [[nodiscard]] bool isLock() const noexcept override { return false; }
  LIST_ENTRY head;
  LIST_ENTRY request;
};

// The receive path queues requests with ExInterlockedInsertTailList; the read path takes
// one off the same list.
Scenario mixedAccess(bool fixed) {
  return Scenario{
      fixed ? "interlocked-list/interlocked-remove" : "interlocked-list/plain-remove-under-lock",
      fixed ? "The read path takes the request off with ExInterlockedRemoveHeadList and the same "
              "lock: every access to the queue is one of the interlocked routines."
            : "The receive path queues requests with ExInterlockedInsertTailList; the read path "
              "takes the same spin lock with KeAcquireSpinLock and calls RemoveHeadList, believing "
              "the lock makes it safe. The interlocked routines take that lock with interrupts "
              "disabled and may share it with an ISR; ordinary acquisition of it and plain access "
              "to an interlocked list are both forbidden.",
      fixed ? Expectation::pass()
            : Expectation::violation(ViolationKind::ContractViolation, "SpinLockMixedUse"),
      Bounds{},
      [fixed](Setup& s) {
        auto& lock = s.make<KSPIN_LOCK>("QueueLock");
        auto& queue = s.make<RequestQueue>("Queue");
        KeInitializeSpinLock(&lock);
        InitializeListHead(&queue.head);
        s.systemThread("receive", [&lock, &queue] {
          ExInterlockedInsertTailList(&queue.head, &queue.request, &lock);
        });
        s.systemThread("read", [&lock, &queue, fixed] {
          if (fixed) {
            (void)ExInterlockedRemoveHeadList(&queue.head, &lock);
            return;
          }
          KIRQL old = PASSIVE_LEVEL;
          KeAcquireSpinLock(&lock, &old);  // bug: the interlocked routines own this lock
          if (!IsListEmpty(&queue.head)) (void)RemoveHeadList(&queue.head);
          KeReleaseSpinLock(&lock, old);
        });
      }};
}

}  // namespace

std::vector<Scenario> interlockedListScenarios() {
  std::vector<Scenario> all;
  all.push_back(mixedAccess(false));
  all.push_back(mixedAccess(true));
  return all;
}

}  // namespace interlock::scenarios
