// Critical-region forms of the lock families: FsRtl, Flt resources, the fast mutex's combined
// calls, the push lock Ex forms, and the work item Ex forms (kernel-rules §17).
#include "LockTestSupport.hpp"

#include <doctest/doctest.h>

using namespace interlock;
using namespace interlock::wdm;
using namespace interlock::test;

TEST_CASE("FsRtlEnterFileSystem enters a critical region and FsRtlExitFileSystem leaves it") {
  std::vector<int> counts;
  const auto e = exploreInline([&](Setup& s) {
    counts.clear();
    s.systemThread("t", [&] {
      FsRtlEnterFileSystem();
      counts.push_back(self().kernelApcDisable);
      FsRtlExitFileSystem();
      counts.push_back(self().kernelApcDisable);
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(counts == std::vector<int>{-1, 0});
}

TEST_CASE("FsRtlExitFileSystem without FsRtlEnterFileSystem is CriticalRegions, DV 0x3E") {
  const auto e = exploreInline([](Setup& s) { s.systemThread("t", [] { FsRtlExitFileSystem(); }); });
  REQUIRE(e.verdict.result == Result::Violation);
  REQUIRE_FALSE(e.verdict.causes.empty());
  CHECK(e.verdict.causes.front().rule == "CriticalRegions");
  CHECK(e.verdict.causes.front().code == 0x3E);
}

TEST_CASE("FltAcquireResourceExclusive and Shared enter a critical region and acquire; FltReleaseResource releases and leaves it") {
  std::vector<int> regions;
  std::vector<BOOLEAN> exclusive;
  const auto e = exploreInline([&](Setup& s) {
    regions.clear();
    exclusive.clear();
    auto& resource = s.make<ERESOURCE>("R");
    ExInitializeResourceLite(&resource);
    s.systemThread("t", [&] {
      FltAcquireResourceExclusive(&resource);
      regions.push_back(self().kernelApcDisable);
      exclusive.push_back(ExIsResourceAcquiredExclusiveLite(&resource));
      FltReleaseResource(&resource);
      FltAcquireResourceShared(&resource);
      exclusive.push_back(ExIsResourceAcquiredExclusiveLite(&resource));
      FltReleaseResource(&resource);
      regions.push_back(self().kernelApcDisable);
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(regions == std::vector<int>{-1, 0});
  CHECK(exclusive == std::vector<BOOLEAN>{TRUE, FALSE});
}

TEST_CASE("FltAcquireResourceShared released with ExReleaseResourceLite leaves its critical region open: BugCheck APC_INDEX_MISMATCH at the return to user mode") {
  const auto e = exploreInline([](Setup& s) {
    auto& resource = s.make<ERESOURCE>("R");
    ExInitializeResourceLite(&resource);
    s.userThread("t", [&resource] {
      FltAcquireResourceShared(&resource);
      ExReleaseResourceLite(&resource);  // bug: the region FltAcquireResourceShared entered stays
    });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.kind() == ViolationKind::BugCheck);
  CHECK(e.verdict.violation->rule == "APC_INDEX_MISMATCH");
}

TEST_CASE("ExEnterCriticalRegionAndAcquireSharedWaitForExclusive enters a region and acquires shared") {
  ULONG shared = 0;
  int region = 0;
  const auto e = exploreInline([&](Setup& s) {
    auto& resource = s.make<ERESOURCE>("R");
    ExInitializeResourceLite(&resource);
    s.systemThread("t", [&] {
      ExEnterCriticalRegionAndAcquireSharedWaitForExclusive(&resource);
      shared = ExIsResourceAcquiredSharedLite(&resource);
      region = self().kernelApcDisable;
      ExReleaseResourceAndLeaveCriticalRegion(&resource);
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(shared == 1);
  CHECK(region == -1);
}

TEST_CASE("ExReinitializeResourceLite on a held resource is ResourceReinitializedWhileOwned") {
  const auto e = exploreInline([](Setup& s) {
    auto& resource = s.make<ERESOURCE>("R");
    ExInitializeResourceLite(&resource);
    s.systemThread("t", [&resource] {
      KeEnterCriticalRegion();
      ExAcquireResourceExclusiveLite(&resource, TRUE);
      ExReinitializeResourceLite(&resource);  // bug
      KeLeaveCriticalRegion();
    });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.causes.front().rule == "ResourceReinitializedWhileOwned");
}

TEST_CASE("ExReinitializeResourceLite on a free resource returns STATUS_SUCCESS and leaves it free") {
  NTSTATUS status = -1;
  const auto e = exploreInline([&](Setup& s) {
    auto& resource = s.make<ERESOURCE>("R");
    ExInitializeResourceLite(&resource);
    s.systemThread("t", [&] {
      ExDisableResourceBoostLite(&resource);
      status = ExReinitializeResourceLite(&resource);
      KeEnterCriticalRegion();
      CHECK(ExAcquireResourceExclusiveLite(&resource, FALSE) == TRUE);
      ExReleaseResourceLite(&resource);
      KeLeaveCriticalRegion();
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(status == STATUS_SUCCESS);
}

TEST_CASE("ExSetResourceOwnerPointer moves the caller's ownership to the owner pointer, as the Ex form with Flags 0") {
  BOOLEAN ownedAfter = TRUE;
  const auto e = exploreInline([&](Setup& s) {
    auto& resource = s.make<ERESOURCE>("R");
    ExInitializeResourceLite(&resource);
    s.systemThread("t", [&] {
      KeEnterCriticalRegion();
      ExAcquireResourceExclusiveLite(&resource, TRUE);
      static int context;
      const auto pointer = reinterpret_cast<ERESOURCE_THREAD>(&context) | 3;
      ExSetResourceOwnerPointer(&resource, reinterpret_cast<PVOID>(pointer));
      ownedAfter = ExIsResourceAcquiredExclusiveLite(&resource);
      ExReleaseResourceForThreadLite(&resource, pointer);
      KeLeaveCriticalRegion();
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(ownedAfter == FALSE);
}

TEST_CASE("ExEnterCriticalRegionAndAcquireFastMutexUnsafe enters a region and keeps the IRQL; the release leaves both as they were") {
  std::vector<int> regions;
  KIRQL held = 0xFF;
  const auto e = exploreInline([&](Setup& s) {
    regions.clear();
    auto& mutex = s.make<FAST_MUTEX>("M");
    ExInitializeFastMutex(&mutex);
    s.systemThread("t", [&] {
      ExEnterCriticalRegionAndAcquireFastMutexUnsafe(&mutex);
      regions.push_back(self().kernelApcDisable);
      held = KeGetCurrentIrql();
      ExReleaseFastMutexUnsafeAndLeaveCriticalRegion(&mutex);
      regions.push_back(self().kernelApcDisable);
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(regions == std::vector<int>{-1, 0});
  CHECK(held == PASSIVE_LEVEL);
}

TEST_CASE("two threads under ExEnterCriticalRegionAndAcquireFastMutexUnsafe never overlap: the counter ends at 2") {
  LONG final = 0;
  const auto e = exploreInline([&](Setup& s) {
    auto& mutex = s.make<FAST_MUTEX>("M");
    auto& counter = s.make<Shared<LONG>>("counter");
    ExInitializeFastMutex(&mutex);
    for (const char* name : {"a", "b"})
      s.systemThread(name, [&] {
        ExEnterCriticalRegionAndAcquireFastMutexUnsafe(&mutex);
        counter.store(counter.load() + 1);
        ExReleaseFastMutexUnsafeAndLeaveCriticalRegion(&mutex);
        final = counter.peek();
      });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(final == 2);
}

TEST_CASE("the push lock Ex forms with flags behave as the plain forms: the Flt Ex forms enter and leave a region, the Ex forms need one") {
  std::vector<int> regions;
  const auto e = exploreInline([&](Setup& s) {
    regions.clear();
    auto& lock = s.make<EX_PUSH_LOCK>("P");
    FltInitializePushLock(&lock);
    s.systemThread("t", [&] {
      FltAcquirePushLockExclusiveEx(&lock, FLT_PUSH_LOCK_DISABLE_AUTO_BOOST);
      regions.push_back(self().kernelApcDisable);
      FltReleasePushLockEx(&lock, FLT_PUSH_LOCK_DISABLE_AUTO_BOOST);
      FltAcquirePushLockSharedEx(&lock, 0);
      FltReleasePushLockEx(&lock, 0);
      regions.push_back(self().kernelApcDisable);
      KeEnterCriticalRegion();
      ExAcquirePushLockExclusiveEx(&lock, 0);
      ExReleasePushLockExclusiveEx(&lock, 0);
      ExAcquirePushLockSharedEx(&lock, 0);
      ExReleasePushLockSharedEx(&lock, 0);
      KeLeaveCriticalRegion();
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(regions == std::vector<int>{-1, 0});
}

TEST_CASE("ExAcquirePushLockSharedEx outside a critical region is PushLockWithinCriticalRegion") {
  const auto e = exploreInline([](Setup& s) {
    auto& lock = s.make<EX_PUSH_LOCK>("P");
    ExInitializePushLock(&lock);
    s.userThread("t", [&lock] {
      ExAcquirePushLockSharedEx(&lock, 0);  // bug
      ExReleasePushLockSharedEx(&lock, 0);
    });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.causes.front().rule == "PushLockWithinCriticalRegion");
}

namespace {

struct WorkContext {
  Shared<LONG>* ran = nullptr;
  PIO_WORKITEM seen = nullptr;
  PVOID ioObject = nullptr;
};

void exRoutine(PVOID ioObject, PVOID context, PIO_WORKITEM item) {
  auto* c = static_cast<WorkContext*>(context);
  c->seen = item;
  c->ioObject = ioObject;
  c->ran->store(1);
  IoUninitializeWorkItem(item);  // the routine may release its own work item
}

void genericRoutine(PFLT_GENERIC_WORKITEM item, PVOID fltObject, PVOID context) {
  auto* c = static_cast<WorkContext*>(context);
  c->seen = item;
  c->ioObject = fltObject;
  c->ran->store(1);
  FltFreeGenericWorkItem(item);
}

}  // namespace

TEST_CASE("IoQueueWorkItemEx runs the routine on a worker with the IO object, the context and the work item, which it may release") {
  WorkContext context;
  PIO_WORKITEM item = nullptr;
  const auto e = exploreInline([&](Setup& s) {
    auto& device = s.make<DEVICE_OBJECT>("Device");
    auto& workItem = s.make<IO_WORKITEM>("Item");
    auto& ran = s.make<Shared<LONG>>("ran");
    context.ran = &ran;
    item = &workItem;
    IoInitializeWorkItem(&device, &workItem);
    s.systemThread("driver", [&] { IoQueueWorkItemEx(&workItem, exRoutine, DelayedWorkQueue, &context); });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(context.seen == item);
  CHECK(context.ioObject != nullptr);
  CHECK(IoSizeofWorkItem() == sizeof(IO_WORKITEM));
}

TEST_CASE("IoUninitializeWorkItem while the item is queued is WorkItemFreedWhileQueued") {
  WorkContext context;
  const auto e = exploreInline([&](Setup& s) {
    auto& device = s.make<DEVICE_OBJECT>("Device");
    auto& workItem = s.make<IO_WORKITEM>("Item");
    auto& ran = s.make<Shared<LONG>>("ran");
    context.ran = &ran;
    IoInitializeWorkItem(&device, &workItem);
    s.systemThread("driver", [&] {
      IoQueueWorkItemEx(&workItem, [](PVOID, PVOID, PIO_WORKITEM) {}, DelayedWorkQueue, nullptr);
      IoUninitializeWorkItem(&workItem);  // bug: it may not have run yet
    });
  });
  REQUIRE(e.verdict.result == Result::Violation);
  CHECK(e.verdict.violation->rule == "WorkItemFreedWhileQueued");
}

TEST_CASE("FltQueueGenericWorkItem returns STATUS_SUCCESS and runs the routine with the item, the filter object and the context") {
  WorkContext context;
  NTSTATUS status = -1;
  int filter = 0;
  const auto e = exploreInline([&](Setup& s) {
    auto& ran = s.make<Shared<LONG>>("ran");
    context.ran = &ran;
    s.systemThread("driver", [&] {
      PFLT_GENERIC_WORKITEM item = FltAllocateGenericWorkItem();
      status = FltQueueGenericWorkItem(item, &filter, genericRoutine, DelayedWorkQueue, &context);
    });
  });
  CHECK(e.verdict.result == Result::Pass);
  CHECK(status == STATUS_SUCCESS);
  CHECK(context.ioObject == &filter);
  CHECK(context.seen != nullptr);
}
