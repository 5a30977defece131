// KMUTANT and the filter manager's cancellable waits (kernel-rules §3.5, §3.6).
#include "LockTestSupport.hpp"

#include <doctest/doctest.h>

using namespace interlock;
using namespace interlock::wdm;
using namespace interlock::test;

TEST_CASE("a KMUTANT is acquired by a wait, recursively by its owner, without a critical region; KeReleaseMutant returns the previous state") {
  std::vector<LONG> states;
  std::vector<int> regions;
  const auto e = exploreInline([&](Setup& s) {
    states.clear();
    regions.clear();
    auto& mutant = s.make<KMUTANT>("M");
    KeInitializeMutant(&mutant, FALSE);
    s.systemThread("t", [&] {
      KeWaitForSingleObject(&mutant, Executive, KernelMode, FALSE, nullptr);
      KeWaitForSingleObject(&mutant, Executive, KernelMode, FALSE, nullptr);
      regions.push_back(self().kernelApcDisable);
      states.push_back(KeReadStateMutant(&mutant));
      states.push_back(KeReleaseMutant(&mutant, IO_NO_INCREMENT, FALSE, FALSE));
      states.push_back(KeReleaseMutant(&mutant, IO_NO_INCREMENT, FALSE, FALSE));
      states.push_back(KeReadStateMutant(&mutant));
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(regions == std::vector<int>{0});
  CHECK(states == std::vector<LONG>{-1, -1, 0, 1});
}

TEST_CASE("KeReleaseMutant by a thread that does not own the mutant is BugCheck KMODE_EXCEPTION_NOT_HANDLED 0x1E") {
  const auto e = exploreInline([](Setup& s) {
    auto& mutant = s.make<KMUTANT>("M");
    KeInitializeMutant(&mutant, FALSE);
    s.systemThread("t", [&mutant] { KeReleaseMutant(&mutant, IO_NO_INCREMENT, FALSE, FALSE); });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.violation->rule == "KMODE_EXCEPTION_NOT_HANDLED");
  CHECK(e.verdict.violation->code == 0x1E);
}

TEST_CASE("KeInitializeMutant with InitialOwner makes the caller the owner; KeReleaseMutant with Abandoned frees it for a waiter") {
  HANDLE ownerSeen = nullptr, afterAbandon = reinterpret_cast<HANDLE>(1);
  bool abandoned = false;
  const auto e = exploreInline([&](Setup& s) {
    auto& mutant = s.make<KMUTANT>("M");
    auto& ready = s.make<KEVENT>("Ready");
    KeInitializeEvent(&ready, NotificationEvent, FALSE);
    s.systemThread("owner", [&] {
      KeInitializeMutant(&mutant, TRUE);
      CLIENT_ID id;
      KeQueryOwnerMutant(&mutant, &id);
      ownerSeen = id.UniqueThread;
      KeSetEvent(&ready, IO_NO_INCREMENT, FALSE);
      KeReleaseMutant(&mutant, IO_NO_INCREMENT, TRUE, FALSE);
      abandoned = mutant.abandoned || mutant.owner != kNoThread;
      KeQueryOwnerMutant(&mutant, &id);
      afterAbandon = mutant.owner == kNoThread ? id.UniqueThread : nullptr;
    });
    s.systemThread("waiter", [&] {
      KeWaitForSingleObject(&ready, Executive, KernelMode, FALSE, nullptr);
      KeWaitForSingleObject(&mutant, Executive, KernelMode, FALSE, nullptr);
      KeReleaseMutant(&mutant, IO_NO_INCREMENT, FALSE, FALSE);
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(ownerSeen == interlock::wdm::detail::clientIdOf(0));
  CHECK(abandoned);
  CHECK(afterAbandon == nullptr);
}

TEST_CASE("FltCancellableWaitForSingleObject waits as KeWaitForSingleObject: satisfied by a set, STATUS_TIMEOUT on a zero timeout") {
  std::vector<NTSTATUS> results;
  const auto e = exploreInline([&](Setup& s) {
    results.clear();
    auto& event = s.make<KEVENT>("E");
    KeInitializeEvent(&event, NotificationEvent, FALSE);
    s.systemThread("waiter", [&] {
      LARGE_INTEGER zero{0};
      results.push_back(FltCancellableWaitForSingleObject(&event, &zero, nullptr));
      PVOID objects[] = {&event};
      results.push_back(FltCancellableWaitForMultipleObjects(1, objects, WaitAny, nullptr, nullptr, nullptr));
    });
    s.systemThread("setter", [&] { KeSetEvent(&event, IO_NO_INCREMENT, FALSE); });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(results.back() == STATUS_WAIT_0);
}

TEST_CASE("FltCancellableWaitForSingleObject above APC_LEVEL is IrqlFltApcLte") {
  const auto e = exploreInline([](Setup& s) {
    auto& event = s.make<KEVENT>("E");
    KeInitializeEvent(&event, NotificationEvent, TRUE);
    s.systemThread("t", [&event] {
      KIRQL old = PASSIVE_LEVEL;
      KeRaiseIrql(DISPATCH_LEVEL, &old);
      LARGE_INTEGER zero{0};
      FltCancellableWaitForSingleObject(&event, &zero, nullptr);
      KeLowerIrql(old);
    });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.causes.front().rule == "IrqlFltApcLte");
}
