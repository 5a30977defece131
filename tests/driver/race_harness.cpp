// Scenarios for the race detector over race_driver.c: each is a behaviour of the happens-before
// analysis and names the verdict it implies. The loading thread runs DriverEntry; the other
// waits until it returned (the load event orders DriverEntry before it).
#include <interlock/driver/Driver.hpp>
#include <interlock/driver/Scenarios.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <utility>

extern "C" {
std::int32_t DriverEntry(void* driverObject, void* registryPath);
void RaceWriteUnprotected(std::uint32_t value);
void RaceWriteLocked(std::uint32_t value);
void RaceWriteThenSet();
void RaceWaitThenWrite();
void RacePublishInterlocked();
std::uint32_t RaceConsumeInterlocked();
void RacePublishVolatile();
std::uint32_t RaceConsumeVolatile();
void RaceIncrementThenCheck();
void RaceIncrementThenSignal();
void RaceWriteIrpAfterHandOff(unsigned char after);
void RaceCompleteHandedIrp();
}

namespace {

using interlock::Expectation;
using interlock::Scenario;
using interlock::ViolationKind;

// Thread A loads the driver then runs `a`; thread B waits for the load then runs `b`.
Scenario pair(std::string name, std::string description, Expectation expected, std::function<void()> a,
              std::function<void()> b) {
  Scenario scenario;
  scenario.name = std::move(name);
  scenario.description = std::move(description);
  scenario.expected = std::move(expected);
  scenario.setup = [a = std::move(a), b = std::move(b)](interlock::Setup& s) {
    interlock::driver::beginExecution(s, DriverEntry);
    s.systemThread("A", [a] {
      if (interlock::driver::load() < 0) return;
      a();
    });
    s.systemThread("B", [b] {
      interlock::driver::waitUntilLoaded();
      b();
    });
  };
  return scenario;
}

}  // namespace

std::vector<interlock::Scenario> interlock::driver::scenarios() {
  std::vector<Scenario> all;
  all.push_back(pair("race/unprotected-write-write", "two threads write one global with no lock",
                     Expectation::violation(ViolationKind::DataRace, "DataRace"),
                     [] { RaceWriteUnprotected(1); }, [] { RaceWriteUnprotected(2); }));
  all.push_back(pair("race/locked-write-write", "two threads write one global under one spin lock",
                     Expectation::pass(), [] { RaceWriteLocked(1); }, [] { RaceWriteLocked(2); }));
  all.push_back(pair("race/event-orders-writes", "one thread writes then sets an event; the other waits for it, then writes",
                     Expectation::pass(), [] { RaceWriteThenSet(); }, [] { RaceWaitThenWrite(); }));
  all.push_back(pair("race/interlocked-publish", "a payload published by InterlockedExchange of a flag and read after InterlockedCompareExchange sees it",
                     Expectation::pass(), [] { RacePublishInterlocked(); }, [] { (void)RaceConsumeInterlocked(); }));
  all.push_back(pair("race/volatile-publish", "a payload published by a volatile flag (MSVC's release store, acquire load)",
                     Expectation::pass(), [] { RacePublishVolatile(); }, [] { (void)RaceConsumeVolatile(); }));
  all.push_back(pair("race/lost-update",
                     "two threads increment a global with no lock; one waits for the other's, then asserts "
                     "the count is 2: only a schedule switching between an increment's read and its write "
                     "loses one",
                     Expectation::violation(ViolationKind::Assertion), [] { RaceIncrementThenCheck(); },
                     [] { RaceIncrementThenSignal(); }));
  all.push_back(pair("race/irp-written-after-hand-off",
                     "a read dispatch routine publishes its pended IRP and sets an event, then writes "
                     "Irp->Tail.Overlay.DriverContext[0]; the thread that waited for the event writes it "
                     "too and completes the IRP",
                     Expectation::violation(ViolationKind::DataRace, "DataRace"),
                     [] {
                       RaceWriteIrpAfterHandOff(1);
                       (void)interlock::driver::read(16);
                     },
                     [] { RaceCompleteHandedIrp(); }));
  all.push_back(pair("race/irp-written-before-hand-off",
                     "the same read dispatch routine writes DriverContext[0] before it sets the event",
                     Expectation::pass(),
                     [] {
                       RaceWriteIrpAfterHandOff(0);
                       (void)interlock::driver::read(16);
                     },
                     [] { RaceCompleteHandedIrp(); }));
  return all;
}
