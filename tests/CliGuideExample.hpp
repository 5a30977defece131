#pragma once
// The worked example of docs/writing-a-scenario.md, compiled and run by the tests so the page
// cannot rot: CliGuideExampleTest checks the page shows this code verbatim, between the markers.
// [guide-example-begin]
#include <interlock/checker/Catalogue.hpp>
#include <interlock/primitives/wdm.hpp>

#include <memory>
#include <string>

namespace mydriver {

using namespace interlock::wdm;
using interlock::Bounds;
using interlock::Expectation;
using interlock::Parameters;
using interlock::Scenario;
using interlock::Setup;
using interlock::Shared;
using interlock::ViolationKind;

// What the driver's device extension holds: a cache and the ERESOURCE that guards it.
struct Cache {
  ERESOURCE& lock;
  Shared<LONG>& entries;
};

std::shared_ptr<Cache> createCache(Setup& s) {
  auto& lock = s.make<ERESOURCE>("CacheLock");  // named as traces will show it
  ExInitializeResourceLite(&lock);
  auto& entries = s.make<Shared<LONG>>("CacheEntries");
  return std::make_shared<Cache>(Cache{lock, entries});
}

// IOCTL_MYDRIVER_ADD_ENTRY as first written: no critical region around the lock.
void addEntry(Cache& cache) {
  ExAcquireResourceExclusiveLite(&cache.lock, TRUE);
  cache.entries.store(cache.entries.load() + 1);
  ExReleaseResourceLite(&cache.lock);
}

// The fix: NtSuspendThread's APC cannot run while the thread holds the lock.
void addEntryInCriticalRegion(Cache& cache) {
  KeEnterCriticalRegion();
  addEntry(cache);
  KeLeaveCriticalRegion();
}

// The flush worker: a system thread, out of reach of user-mode suspension.
void flush(Cache& cache) {
  KeEnterCriticalRegion();
  ExAcquireResourceExclusiveLite(&cache.lock, TRUE);
  cache.entries.store(0);
  ExReleaseResourceLite(&cache.lock);
  KeLeaveCriticalRegion();
}

// `callers` IOCTL threads of unprivileged processes and one flush worker.
Scenario cacheScenario(std::string name, std::string description, Expectation expected,
                       void (*ioctl)(Cache&)) {
  return Scenario{
      std::move(name), std::move(description), std::move(expected),
      Bounds{.maxSteps = 200, .maxSuspensions = 1, .maxApcs = 0},
      [ioctl](Setup& s) {
        auto cache = createCache(s);
        for (std::int64_t i = 1; i <= s.intParam("callers"); ++i)
          s.userThread("ioctl" + std::to_string(i), [cache, ioctl] { ioctl(*cache); });
        s.systemThread("flush", [cache] { flush(*cache); });
      },
      Parameters{{"callers", "1"}}};
}

void addScenarios(interlock::Catalogue& catalogue) {
  catalogue.add(cacheScenario(
      "mydriver/add-entry",
      "IOCTL_MYDRIVER_ADD_ENTRY takes the cache lock without a critical region; the calling "
      "process suspends its own thread while it holds the lock, and the flush worker waits forever.",
      Expectation::violation(ViolationKind::SuspendedOwnerDoS, "SuspendedOwner"), addEntry));
  catalogue.add(cacheScenario(
      "mydriver/add-entry-fixed",
      "The fix of mydriver/add-entry: the IOCTL holds the cache lock inside a critical region.",
      Expectation::pass(), addEntryInCriticalRegion));
}

}  // namespace mydriver
// [guide-example-end]
