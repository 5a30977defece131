// mydev.sys keeps a cache in its device extension, guarded by an ERESOURCE. Its IOCTL path
// runs in the thread of whoever opened the device; its flush runs in a system worker thread.
#include "driver_scenarios.hpp"

#include <interlock/primitives/wdm.hpp>

#include <memory>

namespace mydev {

using namespace interlock::wdm;
using interlock::Expectation;
using interlock::Scenario;
using interlock::Setup;
using interlock::Shared;
using interlock::ViolationKind;

namespace {

// What the driver's DEVICE_EXTENSION holds that matters here.
struct DEVICE_EXTENSION {
  ERESOURCE& CacheLock;           // guards the cache below
  Shared<LONG>& CacheGeneration;  // bumped by every flush
  Shared<LONG>& CacheHits;        // counted by IOCTL_MYDEV_QUERY_CACHE
};

// AddDevice: the objects belong to the execution; the extension that names them is shared
// by the threads' bodies, as the real one is reached from every IRP through DeviceObject.
std::shared_ptr<DEVICE_EXTENSION> createDevice(Setup& s) {
  auto& lock = s.make<ERESOURCE>("CacheLock");
  ExInitializeResourceLite(&lock);
  auto& generation = s.make<Shared<LONG>>("CacheGeneration");
  auto& hits = s.make<Shared<LONG>>("CacheHits");
  return std::make_shared<DEVICE_EXTENSION>(DEVICE_EXTENSION{lock, generation, hits});
}

// IRP_MJ_DEVICE_CONTROL, IOCTL_MYDEV_QUERY_CACHE, as first written: it takes the cache lock
// shared without entering a critical region, so its caller can be suspended holding it.
void QueryCacheUnprotected(DEVICE_EXTENSION& ext) {
  ExAcquireResourceSharedLite(&ext.CacheLock, TRUE);  // bug: no KeEnterCriticalRegion
  ext.CacheHits.store(ext.CacheHits.load() + 1);
  ExReleaseResourceLite(&ext.CacheLock);
}

// The fix: normal kernel APCs (and with them NtSuspendThread) wait until the lock is released.
void QueryCacheInCriticalRegion(DEVICE_EXTENSION& ext) {
  KeEnterCriticalRegion();
  ExAcquireResourceSharedLite(&ext.CacheLock, TRUE);
  ext.CacheHits.store(ext.CacheHits.load() + 1);
  ExReleaseResourceLite(&ext.CacheLock);
  KeLeaveCriticalRegion();
}

// The flush worker, a system thread: exclusive access to rebuild the cache.
void FlushCacheWorker(DEVICE_EXTENSION& ext) {
  KeEnterCriticalRegion();
  ExAcquireResourceExclusiveLite(&ext.CacheLock, TRUE);
  ext.CacheGeneration.store(ext.CacheGeneration.load() + 1);
  ExReleaseResourceLite(&ext.CacheLock);
  KeLeaveCriticalRegion();
}

Scenario cacheIoctlUnprotected() {
  return Scenario{
      "example/cache-ioctl-unprotected",
      "mydev.sys: IOCTL_MYDEV_QUERY_CACHE, in the thread of an unprivileged process, takes the "
      "device extension's CacheLock shared outside a critical region. The process suspends its own "
      "thread while the handler holds the lock; the system thread that flushes the cache then waits "
      "for it forever.",
      Expectation::violation(ViolationKind::SuspendedOwnerDoS, "SuspendedOwner"),
      interlock::Bounds{},
      [](Setup& s) {
        auto ext = createDevice(s);
        s.userThread("ioctl", [ext] { QueryCacheUnprotected(*ext); });
        s.systemThread("flush", [ext] { FlushCacheWorker(*ext); });
      }};
}

Scenario cacheIoctlCriticalRegion() {
  return Scenario{
      "example/cache-ioctl-critical-region",
      "The fix of example/cache-ioctl-unprotected: the IOCTL path enters a critical region "
      "before taking CacheLock and leaves it after the release, so a suspension takes effect "
      "only once the lock is free and the flush always completes.",
      Expectation::pass(),
      interlock::Bounds{},
      [](Setup& s) {
        auto ext = createDevice(s);
        s.userThread("ioctl", [ext] { QueryCacheInCriticalRegion(*ext); });
        s.systemThread("flush", [ext] { FlushCacheWorker(*ext); });
      }};
}

}  // namespace

std::vector<Scenario> driverScenarios() { return {cacheIoctlUnprotected(), cacheIoctlCriticalRegion()}; }

}  // namespace mydev
