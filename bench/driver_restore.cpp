// The cost a driver scenario adds to each execution: restoring 64 KiB of driver globals to the
// loaded image and resetting the bridge (interlock::driver::beginExecution). One execution of a
// one-thread scenario that dirties the globals, with and without beginExecution; the difference
// is the per-execution cost of starting from the driver's initial image.
#include "interlock/core/Execution.hpp"
#include "interlock/core/Setup.hpp"
#include "interlock/core/StackPool.hpp"
#include "interlock/driver/Driver.hpp"

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <span>
#include <vector>

extern "C" {
std::int32_t DriverEntry(void* driverObject, void* registryPath);
void BenchTouch();
}

namespace {

using namespace interlock;
using Clock = std::chrono::steady_clock;

class FirstOption final : public ChoiceSource {
 public:
  std::size_t choose(std::span<const Choice>) override { return 0; }
};

Scenario scenario(bool restore) {
  Scenario s;
  s.name = restore ? "bench/driver-restore" : "bench/driver-no-restore";
  s.description = "one thread dirties the driver's 64 KiB of globals";
  s.setup = [restore](Setup& setup) {
    if (restore) driver::beginExecution(setup, DriverEntry);
    setup.systemThread("Driver", [] { BenchTouch(); });
  };
  return s;
}

double nanosecondsPerExecution(Execution& execution, const Scenario& s, long runs) {
  FirstOption first;
  for (long i = 0; i < 1000; ++i) (void)execution.run(s, s.bounds, first, {});  // warm-up
  const Clock::time_point start = Clock::now();
  for (long i = 0; i < runs; ++i) (void)execution.run(s, s.bounds, first, {});
  return std::chrono::duration<double, std::nano>(Clock::now() - start).count() / static_cast<double>(runs);
}

// The copy alone: 64 KiB from a saved image back over the live one.
double nanosecondsPerCopy(long runs) {
  std::vector<unsigned char> saved(64 * 1024, 1);
  std::vector<unsigned char> live(64 * 1024, 2);
  const Clock::time_point start = Clock::now();
  for (long i = 0; i < runs; ++i) {
    live[static_cast<std::size_t>(i) % live.size()] = 3;  // dirty, as an execution would
    std::memcpy(live.data(), saved.data(), live.size());
    asm volatile("" : : "r"(live.data()) : "memory");  // the copy is not optimized away
  }
  return std::chrono::duration<double, std::nano>(Clock::now() - start).count() / static_cast<double>(runs);
}

}  // namespace

int main() {
  constexpr long kRuns = 200000;
  StackPool stacks;
  Execution execution(stacks);
  execution.recordEvents(false);
  const Scenario with = scenario(true);
  const Scenario without = scenario(false);
  const double plain = nanosecondsPerExecution(execution, without, kRuns);
  const double restored = nanosecondsPerExecution(execution, with, kRuns);
  std::printf("driver image restore (64 KiB globals): %.0f ns per execution "
              "(%.0f ns with beginExecution, %.0f ns without; %ld executions each)\n",
              restored - plain, restored, plain, kRuns);
  std::printf("a 64 KiB memcpy alone, for scale:       %.0f ns\n", nanosecondsPerCopy(kRuns));
  return 0;
}
