// Scenarios over bridge_driver.c, one behaviour of the C bridge each, with the verdict Windows
// implies. tests/CMakeLists.txt runs `check` on them and looks at traces for object names.
#include <interlock/driver/Driver.hpp>
#include <interlock/driver/Scenarios.hpp>

#include <cstdint>
#include <string>

extern "C" {
std::int32_t DriverEntry(void* driverObject, void* registryPath);
void TestUseUninitializedSpinLock();
void TestUseUninitializedResource();
void TestDoubleFree();
void TestFreeUnknown();
void TestLeak();
void TestFreeLiveResource();
void TestPoolEventAndQueuedLock();
void TestGlobalThenExtension(void* deviceObject);
void TestExtensionThenGlobal(void* deviceObject);
void TestStructMember();
void TestWorkItemQueuedTwice(void* deviceObject);
void TestWorkItemRuns(void* deviceObject);
void TestDpcRuns();
void TestTimerQueuesDpc();
void TestDpcLeftQueued();
void TestWaitOnPoolEvent();
void TestWaitOnStackEvent();
}

namespace {

using interlock::Expectation;
using interlock::Scenario;
using interlock::Setup;
using interlock::ViolationKind;
namespace driver = interlock::driver;

// One system thread: DriverEntry, then `body`, then (with `unload`) nothing left to unload but
// the leak check.
Scenario single(std::string name, Expectation expected, void (*body)()) {
  Scenario scenario;
  scenario.name = "bridge/" + std::move(name);
  scenario.description = "one routine of the test driver, after DriverEntry";
  scenario.expected = std::move(expected);
  scenario.setup = [body](Setup& s) {
    driver::beginExecution(s, DriverEntry);
    s.systemThread("Caller", [body] {
      if (driver::load() < 0) return;
      body();
    });
  };
  return scenario;
}

}  // namespace

std::vector<Scenario> interlock::driver::scenarios() {
  std::vector<Scenario> all;
  all.push_back(single("uninitialized-spin-lock",
                       Expectation::violation(ViolationKind::ContractViolation, "LockNotInitialized"),
                       TestUseUninitializedSpinLock));
  all.push_back(single("uninitialized-eresource",
                       Expectation::violation(ViolationKind::ContractViolation, "ResourceInitialized"),
                       TestUseUninitializedResource));
  all.push_back(single("double-free", Expectation::violation(ViolationKind::BugCheck, "BadPoolCaller"),
                       TestDoubleFree));
  all.push_back(single("free-unknown-pointer", Expectation::violation(ViolationKind::BugCheck, "BadPoolCaller"),
                       TestFreeUnknown));
  all.push_back(single("freed-live-eresource",
                       Expectation::violation(ViolationKind::ContractViolation, "ResourceFreedLive"),
                       TestFreeLiveResource));
  all.push_back(single("pool-event-and-queued-lock", Expectation::pass(), TestPoolEventAndQueuedLock));
  all.push_back(single("recursive-fast-mutex-in-struct",
                       Expectation::violation(ViolationKind::Deadlock), TestStructMember));
  all.push_back(single("leak-at-unload",
                       Expectation::violation(ViolationKind::ContractViolation, "PoolLeakedAtUnload"), [] {
                         TestLeak();
                         driver::unload();
                       }));

  all.push_back(single("work-item-queued-twice", Expectation::violation(ViolationKind::BugCheck, "WORKER_INVALID"),
                       [] { TestWorkItemQueuedTwice(driver::device()); }));
  all.push_back(single("work-item-runs-and-is-freed", Expectation::pass(), [] {
    TestWorkItemRuns(driver::device());
    driver::unload();  // the item and the device freed: no leak
  }));

  // Globals restored: DriverEntry asserts the image's values; many executions, each must pass.
  Scenario restored;
  restored.name = "bridge/globals-restored-every-execution";
  restored.description = "two threads race for g_LockA after DriverEntry changed the globals";
  restored.expected = Expectation::pass();
  restored.setup = [](Setup& s) {
    driver::beginExecution(s, DriverEntry);
    s.systemThread("Loader", [] {
      if (driver::load() >= 0) TestPoolEventAndQueuedLock();
    });
    s.systemThread("Other", [] {
      driver::waitUntilLoaded();
      TestPoolEventAndQueuedLock();
    });
  };
  all.push_back(std::move(restored));

  Scenario order;
  order.name = "bridge/lock-order-names";
  order.description = "g_LockA and the device extension's spin lock taken in both orders";
  order.expected = Expectation::violation(ViolationKind::Deadlock);
  order.setup = [](Setup& s) {
    driver::beginExecution(s, DriverEntry);
    s.systemThread("A", [] {
      if (driver::load() >= 0) TestGlobalThenExtension(driver::device());
    });
    s.systemThread("B", [] {
      driver::waitUntilLoaded();
      TestExtensionThenGlobal(driver::device());
    });
  };
  all.push_back(std::move(order));
  all.push_back(single("wait-on-pool-event", Expectation::violation(ViolationKind::Deadlock), TestWaitOnPoolEvent));
  all.push_back(single("wait-on-stack-event", Expectation::violation(ViolationKind::Deadlock), TestWaitOnStackEvent));

  all.push_back(single("dpc-runs", Expectation::pass(), TestDpcRuns));
  all.push_back(single("timer-queues-dpc", Expectation::pass(), TestTimerQueuesDpc));
  // §11: the driver unloads with its DPC still queued (or running on another processor).
  Scenario leftQueued;
  leftQueued.name = "bridge/unload-with-dpc-queued";
  leftQueued.description = "a DPC queued from a system thread on its own processor, then the driver unloads";
  leftQueued.expected = Expectation::violation(ViolationKind::BugCheck);
  leftQueued.setup = [](Setup& s) {
    driver::beginExecution(s, DriverEntry);
    s.systemThread("Caller", [] {
      if (driver::load() < 0) return;
      TestDpcLeftQueued();
      driver::unload();
    });
  };
  all.push_back(std::move(leftQueued));
  return all;
}
