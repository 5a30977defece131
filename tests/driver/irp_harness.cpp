// Scenarios over irp_driver.c, one behaviour of the IRP bridge each: a C driver's IRPs,
// completion, cancellation, cancel-safe queue and remove lock give the verdicts the C++ I/O
// model gives (docs/kernel-rules.md §8-§10). tests/CMakeLists.txt runs `check` on them.
#include <interlock/driver/Driver.hpp>
#include <interlock/driver/Scenarios.hpp>

#include <cstdint>
#include <string>

extern "C" {
std::int32_t DriverEntry(void* driverObject, void* registryPath);
void TestSetMode(std::int32_t mode, void* lowerDevice);
void TestLookaside(std::int32_t frees);
void InterlockDriverAssert(int condition, const char* text, const char* file, std::uint32_t line);
}

namespace {

using interlock::Expectation;
using interlock::Scenario;
using interlock::Setup;
using interlock::ViolationKind;
namespace driver = interlock::driver;

enum Mode : std::int32_t {
  Complete, CompleteTwice, PendWithoutMark, PendToThread, CancelRoutineLeft, Csq, CsqCompleteCancelled,
  Forward, ForwardNoPropagate, RemoveLock, RemoveLockReleaseTwice,
};

constexpr std::int32_t kStatusSuccess = 0;
constexpr std::int32_t kStatusEndOfFile = static_cast<std::int32_t>(0xC0000011u);
constexpr std::int32_t kStatusCancelled = static_cast<std::int32_t>(0xC0000120u);

struct Plan {
  Mode mode = Complete;
  bool cancels = false;        // the reader may cancel its read
  bool remove = false;         // the PnP manager removes the device meanwhile
  bool lower = false;          // the driver's device sits over a lower device
  std::int32_t returns = 0;    // what the reader's read must return (when `check`)
  std::int32_t orReturns = 0;  // the other allowed status
  bool check = false;
};

Scenario scenario(std::string name, std::string description, Expectation expected, Plan plan) {
  Scenario made;
  made.name = "irp/" + std::move(name);
  made.description = std::move(description);
  made.expected = std::move(expected);
  made.setup = [plan](Setup& s) {
    driver::beginExecution(s, DriverEntry);
    s.systemThread("IoManager", [plan] {
      TestSetMode(plan.mode, plan.lower ? driver::lowerDevice() : nullptr);
      if (driver::load() < 0) return;
      if (plan.remove) (void)driver::removeDevice();
      driver::waitForRequests(plan.remove ? 2 : 1);  // the reader's handle is closed before the unload
      driver::unload();
    });
    s.systemThread("Reader", [plan] {
      driver::waitUntilLoaded();
      const std::int32_t status = driver::read(16, plan.cancels);
      if (plan.check)
        InterlockDriverAssert(status == plan.returns || status == plan.orReturns,
                              "the read returns the status its completion set", "irp_harness.cpp", 0);
    });
  };
  return made;
}

Scenario lookaside(std::string name, Expectation expected, std::int32_t frees) {
  Scenario made;
  made.name = "lookaside/" + std::move(name);
  made.description = "an entry from a nonpaged lookaside list, freed to it " + std::to_string(frees) + " time(s)";
  made.expected = std::move(expected);
  made.setup = [frees](Setup& s) {
    driver::beginExecution(s, DriverEntry);
    s.systemThread("IoManager", [frees] {
      if (driver::load() < 0) return;
      TestLookaside(frees);
      driver::unload();
    });
  };
  return made;
}

}  // namespace

std::vector<Scenario> interlock::driver::scenarios() {
  std::vector<Scenario> all;
  all.push_back(scenario("complete-in-dispatch", "the read dispatch routine completes the read; the reader gets its status",
                         Expectation::pass(), Plan{.mode = Complete, .returns = kStatusSuccess, .check = true}));
  all.push_back(scenario("complete-twice", "the read dispatch routine completes the read twice",
                         Expectation::violation(ViolationKind::BugCheck, "MULTIPLE_IRP_COMPLETE_REQUESTS"),
                         Plan{.mode = CompleteTwice}));
  all.push_back(scenario("pending-without-mark",
                         "the read dispatch routine returns STATUS_PENDING without IoMarkIrpPending (MarkIrpPending2): the "
                         "completion never reaches the reader, who waits for ever",
                         Expectation::violation(ViolationKind::Deadlock, "NoThreadCanMove"),
                         Plan{.mode = PendWithoutMark}));
  all.push_back(scenario("pending-completed-by-thread",
                         "the read is marked pending and completed by a system thread with STATUS_END_OF_FILE; "
                         "the reader waits for it and gets that status",
                         Expectation::pass(), Plan{.mode = PendToThread, .returns = kStatusEndOfFile, .check = true}));
  all.push_back(scenario("complete-with-cancel-routine", "the read is completed with its cancel routine still set",
                         Expectation::violation(ViolationKind::ContractViolation, "CompleteWithCancelRoutine"),
                         Plan{.mode = CancelRoutineLeft}));
  all.push_back(scenario("csq-cancel", "the read waits in a cancel-safe queue: a system thread delivers it, or the "
                                       "reader cancels it and the queue completes it with STATUS_CANCELLED",
                         Expectation::pass(),
                         Plan{.mode = Csq, .cancels = true, .returns = kStatusSuccess, .orReturns = kStatusCancelled,
                              .check = true}));
  all.push_back(scenario("csq-dispatch-completes-cancelled",
                         "the read dispatch routine also completes a read cancelled while it was queued: the "
                         "cancel-safe queue completes it too",
                         Expectation::violation(ViolationKind::BugCheck, "MULTIPLE_IRP_COMPLETE_REQUESTS"),
                         Plan{.mode = CsqCompleteCancelled, .cancels = true}));
  all.push_back(scenario("forward-with-completion-routine",
                         "the read is passed to a lower driver with a completion routine that propagates pending",
                         Expectation::pass(), Plan{.mode = Forward, .lower = true}));
  all.push_back(scenario("forward-without-pending-propagation",
                         "the completion routine of a forwarded read does not call IoMarkIrpPending when the "
                         "lower driver pended it (PendingReturnedNotPropagated): the reader waits for ever",
                         Expectation::violation(ViolationKind::Deadlock, "NoThreadCanMove"),
                         Plan{.mode = ForwardNoPropagate, .lower = true}));
  all.push_back(scenario("remove-lock-wait",
                         "IRP_MN_REMOVE_DEVICE releases the remove lock and waits while a pending read holds it; "
                         "the read's completion releases it",
                         Expectation::pass(), Plan{.mode = RemoveLock, .remove = true}));
  all.push_back(scenario("remove-lock-release-twice", "the read's completion releases the remove lock twice",
                         Expectation::violation(ViolationKind::ContractViolation, "RemoveLockReleaseWithoutAcquire"),
                         Plan{.mode = RemoveLockReleaseTwice, .remove = true}));
  all.push_back(lookaside("freed-once", Expectation::pass(), 1));
  all.push_back(lookaside("never-freed", Expectation::violation(ViolationKind::ContractViolation, "PoolLeakedAtUnload"), 0));
  all.push_back(lookaside("freed-twice", Expectation::violation(ViolationKind::BugCheck, "BadPoolCaller"), 2));
  return all;
}
