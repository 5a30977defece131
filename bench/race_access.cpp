// The cost of one instrumented access of driver code (bench/driver_access.c): a 4-byte write
// to the driver's data (checked by the race detector) and one to a thread's stack (instrumented,
// ignored), inside one execution of a one-thread driver scenario; and, for scale, the same loop
// run outside any execution (the entry point's early return).
#include "interlock/core/Execution.hpp"
#include "interlock/core/Setup.hpp"
#include "interlock/core/StackPool.hpp"
#include "interlock/driver/Driver.hpp"

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <span>

extern "C" {
std::int32_t DriverEntry(void* driverObject, void* registryPath);
void BenchWriteTracked(std::uint32_t count);
void BenchWriteUntracked(std::uint32_t* memory, std::uint32_t count);
}

namespace {

using namespace interlock;
using Clock = std::chrono::steady_clock;

constexpr std::uint32_t kAccesses = 20'000'000;

class FirstOption final : public ChoiceSource {
 public:
  std::size_t choose(std::span<const Choice>) override { return 0; }
};

// Nanoseconds per access of `body`, run on a driver thread of one execution.
template <typename Body>
double nanosecondsPerAccess(Execution& execution, Body body) {
  Scenario s;
  s.name = "bench/race-access";
  s.description = "one driver thread writes in a loop";
  double elapsed = 0;
  s.setup = [&](Setup& setup) {
    driver::beginExecution(setup, DriverEntry);
    setup.systemThread("Driver", [&] {
      const Clock::time_point start = Clock::now();
      body();
      elapsed = std::chrono::duration<double, std::nano>(Clock::now() - start).count();
    });
  };
  FirstOption first;
  (void)execution.run(s, s.bounds, first, {});
  return elapsed / kAccesses;
}

}  // namespace

int main() {
  StackPool stacks;
  Execution execution(stacks);
  execution.recordEvents(false);
  static std::uint32_t outside[1024];
  const Clock::time_point start = Clock::now();
  BenchWriteUntracked(outside, kAccesses);
  const double none = std::chrono::duration<double, std::nano>(Clock::now() - start).count() / kAccesses;
  const double tracked = nanosecondsPerAccess(execution, [] { BenchWriteTracked(kAccesses); });
  const double untracked = nanosecondsPerAccess(execution, [] {
    std::uint32_t local[1024];
    BenchWriteUntracked(local, kAccesses);
  });
  std::printf("instrumented 4-byte write, tracked (driver data):   %.1f ns\n", tracked);
  std::printf("instrumented 4-byte write, untracked (its stack):   %.1f ns\n", untracked);
  std::printf("instrumented 4-byte write, outside an execution:    %.1f ns (%u accesses each)\n", none, kAccesses);
  return 0;
}
