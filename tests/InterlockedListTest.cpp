// Linked lists: the inline routines, the ExInterlocked list routines and SLISTs (kernel-rules §16).
#include "LockTestSupport.hpp"

#include <doctest/doctest.h>

using namespace interlock;
using namespace interlock::wdm;
using namespace interlock::test;

namespace {

struct Item {
  LIST_ENTRY link;
  int value = 0;
};

}  // namespace

TEST_CASE("the inline list routines keep a doubly linked list: insert at both ends, remove from both, RemoveEntryList reports empty") {
  LIST_ENTRY head;
  InitializeListHead(&head);
  CHECK(IsListEmpty(&head) == TRUE);
  Item a, b, c;
  InsertTailList(&head, &a.link);
  InsertTailList(&head, &b.link);
  InsertHeadList(&head, &c.link);  // c, a, b
  CHECK(IsListEmpty(&head) == FALSE);
  CHECK(RemoveHeadList(&head) == &c.link);
  CHECK(RemoveTailList(&head) == &b.link);
  CHECK(RemoveEntryList(&a.link) == TRUE);
  CHECK(IsListEmpty(&head) == TRUE);
  CHECK(RemoveHeadList(&head) == &head);  // empty: the head itself, as in wdm.h
  SINGLE_LIST_ENTRY top, one, two;
  PushEntryList(&top, &one);
  PushEntryList(&top, &two);
  CHECK(PopEntryList(&top) == &two);
  CHECK(PopEntryList(&top) == &one);
  CHECK(PopEntryList(&top) == nullptr);
}

TEST_CASE("ExInterlockedInsertTailList and ExInterlockedRemoveHeadList return the previous last entry, the removed one, or NULL") {
  std::vector<PLIST_ENTRY> results;
  Item a, b;
  LIST_ENTRY head;
  const auto e = exploreInline([&](Setup& s) {
    results.clear();
    auto& lock = s.make<KSPIN_LOCK>("QueueLock");
    KeInitializeSpinLock(&lock);
    InitializeListHead(&head);
    s.systemThread("t", [&] {
      results.push_back(ExInterlockedInsertTailList(&head, &a.link, &lock));
      results.push_back(ExInterlockedInsertTailList(&head, &b.link, &lock));
      results.push_back(ExInterlockedRemoveHeadList(&head, &lock));
      results.push_back(ExInterlockedInsertHeadList(&head, &a.link, &lock));
      results.push_back(ExInterlockedRemoveHeadList(&head, &lock));
      results.push_back(ExInterlockedRemoveHeadList(&head, &lock));
      results.push_back(ExInterlockedRemoveHeadList(&head, &lock));
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(results == std::vector<PLIST_ENTRY>{nullptr, &a.link, &a.link, &b.link, &a.link, &b.link, nullptr});
}

TEST_CASE("ExInterlockedPushEntryList and ExInterlockedPopEntryList: a LIFO under the lock, NULL when empty") {
  std::vector<PSINGLE_LIST_ENTRY> results;
  SINGLE_LIST_ENTRY head, one, two;
  const auto e = exploreInline([&](Setup& s) {
    results.clear();
    auto& lock = s.make<KSPIN_LOCK>("L");
    KeInitializeSpinLock(&lock);
    head.Next = nullptr;
    s.systemThread("t", [&] {
      results.push_back(ExInterlockedPushEntryList(&head, &one, &lock));
      results.push_back(ExInterlockedPushEntryList(&head, &two, &lock));
      results.push_back(ExInterlockedPopEntryList(&head, &lock));
      results.push_back(ExInterlockedPopEntryList(&head, &lock));
      results.push_back(ExInterlockedPopEntryList(&head, &lock));
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(results == std::vector<PSINGLE_LIST_ENTRY>{nullptr, &one, &two, &one, nullptr});
}

TEST_CASE("two threads inserting with ExInterlockedInsertTailList: one atomic step each, two executions, both entries queued") {
  std::size_t depth = 0;
  const auto e = exploreInline([&](Setup& s) {
    auto& lock = s.make<KSPIN_LOCK>("L");
    KeInitializeSpinLock(&lock);
    static LIST_ENTRY head;
    static Item items[2];
    InitializeListHead(&head);
    for (int i = 0; i < 2; ++i)
      s.systemThread(i == 0 ? "a" : "b", [&lock, i, &depth] {
        ExInterlockedInsertTailList(&head, &items[i].link, &lock);
        std::size_t n = 0;
        for (PLIST_ENTRY at = head.Flink; at != &head; at = at->Flink) ++n;
        depth = std::max(depth, n);
      });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(e.stats.executions == 2);
  CHECK(depth == 2);
}

TEST_CASE("a plain list routine on a head the ExInterlocked routines use is ListMixedAccess") {
  LIST_ENTRY head;
  Item a;
  const auto e = exploreInline([&](Setup& s) {
    auto& lock = s.make<KSPIN_LOCK>("L");
    KeInitializeSpinLock(&lock);
    InitializeListHead(&head);
    s.systemThread("t", [&] {
      ExInterlockedInsertTailList(&head, &a.link, &lock);
      RemoveHeadList(&head);  // bug: plain access to an interlocked list
    });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.kind() == ViolationKind::ContractViolation);
  CHECK(e.verdict.violation->rule == "ListMixedAccess");
}

TEST_CASE("KeAcquireSpinLock on a lock the ExInterlocked routines use is SpinLockMixedUse") {
  LIST_ENTRY head;
  Item a;
  const auto e = exploreInline([&](Setup& s) {
    auto& lock = s.make<KSPIN_LOCK>("L");
    KeInitializeSpinLock(&lock);
    InitializeListHead(&head);
    s.systemThread("t", [&] {
      ExInterlockedInsertTailList(&head, &a.link, &lock);
      KIRQL old = PASSIVE_LEVEL;
      KeAcquireSpinLock(&lock, &old);  // bug
      KeReleaseSpinLock(&lock, old);
    });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.violation->rule == "SpinLockMixedUse");
}

TEST_CASE("an ExInterlocked call by the thread holding its spin lock spins on itself: SelfDeadlock") {
  LIST_ENTRY head;
  Item a;
  const auto e = exploreInline([&](Setup& s) {
    auto& lock = s.make<KSPIN_LOCK>("L");
    KeInitializeSpinLock(&lock);
    InitializeListHead(&head);
    s.systemThread("t", [&] {
      KIRQL old = PASSIVE_LEVEL;
      KeAcquireSpinLock(&lock, &old);
      ExInterlockedInsertTailList(&head, &a.link, &lock);  // bug: the lock is already held
      KeReleaseSpinLock(&lock, old);
    });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.kind() == ViolationKind::Deadlock);
}

TEST_CASE("an SLIST is an atomic LIFO: push returns the previous first entry, pop the newest, flush the chain, depth counts") {
  SLIST_ENTRY one, two, three;
  std::vector<PSLIST_ENTRY> results;
  std::vector<USHORT> depths;
  const auto e = exploreInline([&](Setup& s) {
    results.clear();
    depths.clear();
    auto& head = s.make<SLIST_HEADER>("FreeList");
    ExInitializeSListHead(&head);
    s.systemThread("t", [&] {
      results.push_back(InterlockedPushEntrySList(&head, &one));
      results.push_back(ExInterlockedPushEntrySList(&head, &two, nullptr));
      depths.push_back(ExQueryDepthSList(&head));
      results.push_back(InterlockedPopEntrySList(&head));
      results.push_back(ExInterlockedPushEntrySList(&head, &three, nullptr));
      results.push_back(InterlockedFlushSList(&head));
      depths.push_back(ExQueryDepthSList(&head));
      results.push_back(ExInterlockedPopEntrySList(&head, nullptr));
      results.push_back(ExInterlockedFlushSList(&head));
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(results == std::vector<PSLIST_ENTRY>{nullptr, &one, &two, &one, &three, nullptr, nullptr});
  CHECK(depths == std::vector<USHORT>{2, 0});
  CHECK(three.Next == &one);  // the flushed chain stays linked
}

TEST_CASE("two threads popping one SLIST entry: exactly one gets it in every execution") {
  int winners = -1;
  const auto e = exploreInline([&](Setup& s) {
    auto& head = s.make<SLIST_HEADER>("FreeList");
    auto& got = s.make<Shared<LONG>>("got");
    static SLIST_ENTRY entry;
    ExInitializeSListHead(&head);
    head.first = &entry;
    head.depth = 1;
    for (const char* name : {"a", "b"})
      s.systemThread(name, [&head, &got, &winners] {
        if (InterlockedPopEntrySList(&head) != nullptr) InterlockedIncrement(&got);
        winners = got.peek();
      });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(winners == 1);
}
