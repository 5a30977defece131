// System threads, waiting for a thread's end, and object reference counts (kernel-rules §17).
#include "LockTestSupport.hpp"

#include <doctest/doctest.h>

using namespace interlock;
using namespace interlock::wdm;
using namespace interlock::test;

namespace {

struct Context {
  Shared<LONG>* done = nullptr;
  bool afterTerminate = false;
};

void setDone(PVOID context) {
  auto* c = static_cast<Context*>(context);
  c->done->store(1);
}

void terminateEarly(PVOID context) {
  auto* c = static_cast<Context*>(context);
  c->done->store(1);
  PsTerminateSystemThread(STATUS_SUCCESS);
  c->afterTerminate = true;  // never runs
}

// The documented way to wait for a system thread's end (kernel-rules §17).
NTSTATUS startAndWait(PKSTART_ROUTINE routine, Context& context) {
  HANDLE handle = nullptr;
  NTSTATUS status = PsCreateSystemThread(&handle, THREAD_ALL_ACCESS, nullptr, nullptr, nullptr, routine, &context);
  if (status != STATUS_SUCCESS) return status;
  PVOID thread = nullptr;
  status = ObReferenceObjectByHandle(handle, THREAD_ALL_ACCESS, *PsThreadType, KernelMode, &thread, nullptr);
  ZwClose(handle);
  if (status != STATUS_SUCCESS) return status;
  KeWaitForSingleObject(thread, Executive, KernelMode, FALSE, nullptr);
  ObDereferenceObject(thread);
  return STATUS_SUCCESS;
}

}  // namespace

TEST_CASE("PsCreateSystemThread starts the routine on a new system thread; waiting on its thread object returns after it ends") {
  LONG seen = -1;
  Context context;
  const auto e = exploreInline([&](Setup& s) {
    auto& done = s.make<Shared<LONG>>("done");
    context.done = &done;
    s.systemThread("driver", [&] {
      CHECK(startAndWait(setDone, context) == STATUS_SUCCESS);
      seen = done.load();  // the thread has ended: its write is visible
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(e.stats.executions >= 2);
  CHECK(seen == 1);
}

TEST_CASE("PsTerminateSystemThread ends the thread there: the code after it never runs, and waiters are released") {
  Context context;
  const auto e = exploreInline([&](Setup& s) {
    auto& done = s.make<Shared<LONG>>("done");
    context.done = &done;
    context.afterTerminate = false;
    s.systemThread("driver", [&] { CHECK(startAndWait(terminateEarly, context) == STATUS_SUCCESS); });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK_FALSE(context.afterTerminate);
}

TEST_CASE("PsTerminateSystemThread from a thread inside a system call returns STATUS_INVALID_PARAMETER") {
  NTSTATUS status = 0;
  const auto e = exploreInline([&](Setup& s) {
    s.userThread("caller", [&] { status = PsTerminateSystemThread(STATUS_SUCCESS); });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(status == STATUS_INVALID_PARAMETER);
}

TEST_CASE("PsCreateSystemThread above PASSIVE_LEVEL is IrqlPsPassive") {
  Context context;
  const auto e = exploreInline([&](Setup& s) {
    auto& done = s.make<Shared<LONG>>("done");
    context.done = &done;
    s.systemThread("driver", [&] {
      KIRQL old = PASSIVE_LEVEL;
      KeRaiseIrql(APC_LEVEL, &old);
      HANDLE handle = nullptr;
      PsCreateSystemThread(&handle, THREAD_ALL_ACCESS, nullptr, nullptr, nullptr, setDone, &context);
      KeLowerIrql(old);
      ZwClose(handle);
    });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.violation->rule == "IrqlPsPassive");
  CHECK(e.verdict.violation->code == 0x2001C);
}

TEST_CASE("a thread waiting on its own thread object never returns: Deadlock") {
  const auto e = exploreInline([](Setup& s) {
    s.systemThread("driver", [] {
      KeWaitForSingleObject(PsGetCurrentThread(), Executive, KernelMode, FALSE, nullptr);
    });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.kind() == ViolationKind::Deadlock);
}

TEST_CASE("ObReferenceObjectByHandle on a closed handle is STATUS_INVALID_HANDLE, on the wrong type STATUS_OBJECT_TYPE_MISMATCH") {
  std::vector<NTSTATUS> results;
  Context context;
  const auto e = exploreInline([&](Setup& s) {
    results.clear();
    auto& done = s.make<Shared<LONG>>("done");
    context.done = &done;
    s.systemThread("driver", [&] {
      HANDLE handle = nullptr;
      PsCreateSystemThread(&handle, THREAD_ALL_ACCESS, nullptr, nullptr, nullptr, setDone, &context);
      PVOID object = nullptr;
      results.push_back(ObReferenceObjectByHandle(handle, 0, *ObGenericObjectType, KernelMode, &object, nullptr));
      results.push_back(ZwClose(handle));
      results.push_back(ObReferenceObjectByHandle(handle, 0, *PsThreadType, KernelMode, &object, nullptr));
      results.push_back(ZwClose(handle));
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(results == std::vector<NTSTATUS>{STATUS_OBJECT_TYPE_MISMATCH, STATUS_SUCCESS, STATUS_INVALID_HANDLE,
                                         STATUS_INVALID_HANDLE});
}

TEST_CASE("PsGetCurrentThread and KeGetCurrentThread return the caller's own thread object") {
  bool same = false;
  ThreadId named = kNoThread;
  const auto e = exploreInline([&](Setup& s) {
    s.systemThread("driver", [&] {
      PETHREAD thread = PsGetCurrentThread();
      same = thread == KeGetCurrentThread();
      named = thread->thread;
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(same);
  CHECK(named == 0);
}

TEST_CASE("ObReferenceObject and ObDereferenceObject count references; the dereference to zero deletes the object") {
  std::vector<LONG_PTR> counts;
  bool freed = false;
  const auto e = exploreInline([&](Setup& s) {
    counts.clear();
    auto& object = s.make<OBJECT>("Context");
    s.systemThread("driver", [&] {
      counts.push_back(ObReferenceObject(&object));
      counts.push_back(ObReferenceObjectWithTag(&object, 0x74736554));
      counts.push_back(ObDereferenceObjectWithTag(&object, 0x74736554));
      counts.push_back(ObDereferenceObject(&object));
      counts.push_back(ObDereferenceObjectDeferDelete(&object));
      freed = object.freed;
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(counts == std::vector<LONG_PTR>{2, 3, 2, 1, 0});
  CHECK(freed);
}

TEST_CASE("a reference taken after the last one was dropped is ObjectUsedAfterFree") {
  const auto e = exploreInline([](Setup& s) {
    auto& object = s.make<OBJECT>("Context");
    s.systemThread("driver", [&object] {
      ObDereferenceObject(&object);
      ObReferenceObject(&object);  // bug: the object is gone
    });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.kind() == ViolationKind::ContractViolation);
  CHECK(e.verdict.violation->rule == "ObjectUsedAfterFree");
}

TEST_CASE("a dereference after the last one is BugCheck REFERENCE_BY_POINTER 0x18") {
  const auto e = exploreInline([](Setup& s) {
    auto& object = s.make<OBJECT>("Context");
    s.systemThread("driver", [&object] {
      ObDereferenceObject(&object);
      ObDereferenceObject(&object);  // bug: one dereference too many
    });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.kind() == ViolationKind::BugCheck);
  CHECK(e.verdict.violation->rule == "REFERENCE_BY_POINTER");
  CHECK(e.verdict.violation->code == 0x18);
}

TEST_CASE("waiting on a thread object after dropping its last reference is ObjectUsedAfterFree") {
  Context context;
  const auto e = exploreInline([&](Setup& s) {
    auto& done = s.make<Shared<LONG>>("done");
    context.done = &done;
    s.systemThread("driver", [&] {
      HANDLE handle = nullptr;
      PsCreateSystemThread(&handle, THREAD_ALL_ACCESS, nullptr, nullptr, nullptr, setDone, &context);
      PVOID thread = nullptr;
      ObReferenceObjectByHandle(handle, THREAD_ALL_ACCESS, *PsThreadType, KernelMode, &thread, nullptr);
      ZwClose(handle);
      ObDereferenceObject(thread);  // bug: before the wait
      KeWaitForSingleObject(thread, Executive, KernelMode, FALSE, nullptr);
    });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.violation->rule == "ObjectUsedAfterFree");
}

TEST_CASE("ObReferenceObjectByHandle at DISPATCH_LEVEL is IrqlObPassive") {
  Context context;
  const auto e = exploreInline([&](Setup& s) {
    auto& done = s.make<Shared<LONG>>("done");
    context.done = &done;
    s.systemThread("driver", [&] {
      HANDLE handle = nullptr;
      PsCreateSystemThread(&handle, THREAD_ALL_ACCESS, nullptr, nullptr, nullptr, setDone, &context);
      KIRQL old = PASSIVE_LEVEL;
      KeRaiseIrql(DISPATCH_LEVEL, &old);
      PVOID thread = nullptr;
      ObReferenceObjectByHandle(handle, THREAD_ALL_ACCESS, *PsThreadType, KernelMode, &thread, nullptr);
      KeLowerIrql(old);
      ObDereferenceObject(thread);
      ZwClose(handle);
    });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.violation->rule == "IrqlObPassive");
}

TEST_CASE("ObDereferenceObject above DISPATCH_LEVEL is IrqlObDispatchLte") {
  const auto e = exploreInline([](Setup& s) {
    auto& object = s.make<OBJECT>("Context");
    s.systemThread("driver", [&object] {
      ObReferenceObject(&object);
      KIRQL old = PASSIVE_LEVEL;
      KeRaiseIrql(HIGH_LEVEL, &old);
      ObDereferenceObject(&object);
      KeLowerIrql(old);
    });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.violation->rule == "IrqlObDispatchLte");
}
