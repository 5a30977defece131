// The harness for example.sys (driver.c): the situations its scenarios check. In one the I/O
// manager's thread loads and unloads the driver while an unprivileged application, which the
// adversary may suspend, sends the three IOCTLs; in another an application reads and may cancel
// its read; in the third, which only EXAMPLE_BUG_REMOVE_RACE's checker has, the PnP manager
// removes the device while a read may be queued. The expected verdicts depend on the bug
// driver.c was built with.
#include <interlock/driver/Driver.hpp>
#include <interlock/driver/Scenarios.hpp>

#include <cstdint>

// The driver's entry, seen from C++ (wdm.h is C): PDRIVER_OBJECT is a void*.
extern "C" {
std::int32_t DriverEntry(void* driverObject, void* registryPath);
}

namespace {

using interlock::Expectation;
using interlock::ViolationKind;

// CTL_CODE(FILE_DEVICE_UNKNOWN, 0x800 + n, METHOD_BUFFERED, FILE_ANY_ACCESS), as driver.c has them.
constexpr std::uint32_t ioctl(std::uint32_t function) { return (0x22u << 16) | (function << 2); }
constexpr std::uint32_t kIoctlQueueWork = ioctl(0x800);
constexpr std::uint32_t kIoctlSetConfig = ioctl(0x801);
constexpr std::uint32_t kIoctlQueryStats = ioctl(0x802);

// The verdict of the requests scenario: the bugs in the IOCTL handlers and the poll thread.
Expectation requestsExpected() {
#if defined(EXAMPLE_BUG_NO_CRITICAL_REGION)
  // The application is suspended holding ConfigLock (or the rundown reference): the poll thread
  // (or the unload) waits for it forever.
  return Expectation::violation(ViolationKind::SuspendedOwnerDoS, "SuspendedOwner");
#elif defined(EXAMPLE_BUG_LOCK_ORDER)
  return Expectation::violation(ViolationKind::Deadlock);
#elif defined(EXAMPLE_BUG_LEAK)
  return Expectation::violation(ViolationKind::ContractViolation, "PoolLeakedAtUnload");
#elif defined(EXAMPLE_BUG_DATA_RACE)
  // The statistics read a flag the queueing path writes under QueueLock, without the lock.
  return Expectation::violation(ViolationKind::DataRace);
#else
  return Expectation::pass();
#endif
}

// The verdict of the read scenario: the bug in the read path.
Expectation readExpected() {
#if defined(EXAMPLE_BUG_CANCEL_RACE)
  // The reader cancels while its read is being queued: the queue's cancel path and the read
  // dispatch routine both complete it.
  return Expectation::violation(ViolationKind::BugCheck, "MULTIPLE_IRP_COMPLETE_REQUESTS");
#elif defined(EXAMPLE_BUG_DPC_AFTER_UNLOAD)
  // The reader cancelled its read, so the read timer expired with nothing to complete after
  // the read returned; its DPC is still queued when the unload returns.
  return Expectation::violation(ViolationKind::BugCheck, "DRIVER_UNLOADED_WITHOUT_CANCELLING_PENDING_OPERATIONS");
#else
  return Expectation::pass();
#endif
}

}  // namespace

std::vector<interlock::Scenario> interlock::driver::scenarios() {
  Scenario requests;
  requests.name = "example/requests-during-unload";
  requests.description =
      "example.sys is loaded and unloaded by the I/O manager's thread while an unprivileged "
      "application sends its three IOCTLs: queue work, change the setting, read the statistics; "
      "the driver's polling thread applies the work.";
  requests.expected = requestsExpected();
  requests.bounds.maxSteps = 600;
  requests.setup = [](Setup& s) {
    interlock::driver::beginExecution(s, DriverEntry);
    s.systemThread("IoManager", [] {
      if (interlock::driver::load() < 0) return;
      interlock::driver::unload();
    });
    s.userThread("App", [] {
      interlock::driver::waitUntilLoaded();
      (void)interlock::driver::deviceControl(kIoctlQueueWork);
      (void)interlock::driver::deviceControl(kIoctlSetConfig);
      (void)interlock::driver::deviceControl(kIoctlQueryStats);
    });
  };

  Scenario read;
  read.name = "example/read-cancel";
  read.description =
      "an application reads from example.sys and may cancel its read at any point; the read "
      "waits in the cancel-safe queue until the read timer's DPC completes it or the cancel "
      "completes it. The driver unloads after the read returned.";
  read.expected = readExpected();
  read.bounds.maxSteps = 600;
  read.setup = [](Setup& s) {
    interlock::driver::beginExecution(s, DriverEntry);
    s.systemThread("IoManager", [] {
      if (interlock::driver::load() < 0) return;
      interlock::driver::waitForRequests(1);  // the application's handle is closed first
      interlock::driver::unload();
    });
    s.systemThread("Reader", [] {
      interlock::driver::waitUntilLoaded();
      (void)interlock::driver::read(16, /*requesterCancels=*/true);
    });
  };
#if defined(EXAMPLE_BUG_REMOVE_RACE)
  // The remove path. Its exhaustive search over the correct driver is beyond a CI run (more
  // than ten million executions: the remove, the read, its timer and DPC, and the unload all
  // interleave), so only this variant's checker has it: the bug shows within thousands.
  Scenario remove;
  remove.name = "example/remove-during-read";
  remove.description =
      "the PnP manager removes example.sys's device while an application reads; the remove "
      "fails the queued read, or the read timer's DPC completes it first, and waits until no "
      "request holds the remove lock; the driver unloads once the remove returned. The read "
      "dispatch routine, which holds no remove-lock reference of its own, arms the read timer "
      "after queueing the read: by then the read may be complete, the device removed and the "
      "driver unloaded.";
  remove.expected = Expectation::violation(ViolationKind::BugCheck, "DRIVER_UNLOADED_WITHOUT_CANCELLING_PENDING_OPERATIONS");
  remove.bounds.maxSteps = 600;
  remove.setup = [](Setup& s) {
    interlock::driver::beginExecution(s, DriverEntry);
    s.systemThread("PnpManager", [] {  // the I/O manager's loading and unloading too
      if (interlock::driver::load() < 0) return;
      (void)interlock::driver::removeDevice();  // returns once no request holds the remove lock
      interlock::driver::unload();
    });
    s.systemThread("Reader", [] {
      interlock::driver::waitUntilLoaded();
      (void)interlock::driver::read(16);
    });
  };
  return {std::move(requests), std::move(read), std::move(remove)};
#else
  return {std::move(requests), std::move(read)};
#endif
}
