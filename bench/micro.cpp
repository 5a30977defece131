// interlock_bench: the engine's own figures. Nanoseconds per fiber switch, executions and steps
// per second of naive DFS on two small programs, heap allocations per step on the hot path (a
// counting global operator new: 0 after warm-up) and the peak resident set.
// Machine-dependent numbers: run it on a quiet machine, compare like with like.
//
// `interlock_bench explore NAME [--strategy S] [--param K=V]... [--time-limit SECONDS]
// [--max-executions N]` explores one scenario through the library (bench/run.sh uses it for an
// interlock binary without --param) and prints executions, seconds, finished and result, one per line.
#include "interlock/checker/Explorer.hpp"
#include "interlock/cli/Cli.hpp"
#include "interlock/core/Execution.hpp"
#include "interlock/core/detail/Fiber.hpp"
#include "interlock/core/StackPool.hpp"
#include "interlock/primitives/wdm.hpp"

#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

namespace {
std::atomic<long> allocations{0};

void* counted(std::size_t size) noexcept {
  allocations.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(size == 0 ? 1 : size);
}
void* countedOrThrow(std::size_t size) {
  if (void* p = counted(size)) return p;
  throw std::bad_alloc();
}
}  // namespace

// Every ordinary form is replaced, so no allocation mixes this malloc with another free.
void* operator new(std::size_t size) { return countedOrThrow(size); }
void* operator new[](std::size_t size) { return countedOrThrow(size); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept { return counted(size); }
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept { return counted(size); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }

using namespace interlock;
using Clock = std::chrono::steady_clock;

namespace {

double secondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// --- fiber switch ---------------------------------------------------------------------

struct PingPong {
  Fiber* self = nullptr;
  long rounds = 0;
};

void pingPong(void* argument) {
  auto& state = *static_cast<PingPong*>(argument);
  for (long i = 0; i < state.rounds; ++i) state.self->suspend();
}

// One resume plus one suspend is two switches.
double nanosecondsPerSwitch(long rounds) {
  StackPool pool;
  PingPong state{nullptr, rounds};
  Fiber fiber(pool, &pingPong, &state);
  state.self = &fiber;
  const Clock::time_point start = Clock::now();
  while (!fiber.finished()) fiber.resume();
  return secondsSince(start) * 1e9 / (2.0 * static_cast<double>(rounds));
}

// --- naive DFS throughput -------------------------------------------------------------

void printThroughput(const Catalogue& catalogue, const char* name, const Parameters& parameters) {
  const Scenario scenario = withParameters(*catalogue.find(name), parameters);
  Settings settings = defaultSettings(scenario);
  settings.strategy = "naive";
  settings.minimize = false;
  const Exploration e = explore(scenario, settings);
  std::string label = name;
  for (const auto& [key, value] : parameters) label += " " + key + "=" + value;
  const double steps = e.stats.elapsedSeconds > 0
                           ? static_cast<double>(e.stats.steps) / e.stats.elapsedSeconds
                           : 0;
  std::printf("naive DFS %-36s %9llu executions %10llu steps %7.3f s %10.0f executions/s %11.0f steps/s  %s\n",
              label.c_str(), static_cast<unsigned long long>(e.stats.executions),
              static_cast<unsigned long long>(e.stats.steps), e.stats.elapsedSeconds,
              e.stats.executionsPerSecond(), steps, e.verdict.summary().c_str());
}

// --- allocations on the hot path ------------------------------------------------------

class FirstOption final : public ChoiceSource {
 public:
  std::size_t choose(std::span<const Choice>) override { return 0; }
};

Scenario writers(int writes) {
  return Scenario{"bench/micro-writers", "two threads storing to one shared variable",
                  Expectation::pass(), Bounds{.maxSteps = 1000000, .maxSuspensions = 0, .maxApcs = 0},
                  [writes](Setup& s) {
                    auto& x = s.make<Shared<wdm::LONG>>("x");
                    for (const char* name : {"a", "b"})
                      s.systemThread(name, [&x, writes] {
                        for (int i = 0; i < writes; ++i) x.store(i);
                      });
                  }};
}

struct Measured {
  long allocations;
  std::uint32_t steps;
};

Measured run(Execution& execution, const Scenario& scenario) {
  FirstOption first;
  const long before = allocations.load();
  const std::uint32_t steps = execution.run(scenario, scenario.bounds, first, {}).steps;
  return {allocations.load() - before, steps};
}

// The per-execution setup (threads, objects, names) allocates; a step must not. The
// difference between a long and a short execution isolates the steps.
void printAllocationsPerStep() {
  StackPool stacks;
  Execution execution(stacks);
  const Scenario longRun = writers(10000);
  const Scenario shortRun = writers(10);
  (void)run(execution, longRun);  // warm-up: buffers reach their steady capacity
  const Measured longer = run(execution, longRun);
  const Measured shorter = run(execution, shortRun);
  const double perStep = static_cast<double>(longer.allocations - shorter.allocations) /
                         static_cast<double>(longer.steps - shorter.steps);
  std::printf("allocations: %ld in an execution of %u steps, %ld in one of %u steps: %.4f per step "
              "(after warm-up)\n",
              longer.allocations, longer.steps, shorter.allocations, shorter.steps, perStep);
}

long peakResidentKiB() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;  // KiB on Linux
}

// --- one exploration, for bench/run.sh -------------------------------------------------

template <typename Number>
bool parseNumber(const std::string& text, Number& out) {
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || value < 0) return false;
  out = static_cast<Number>(value);
  return true;
}

int exploreCommand(int argc, char** argv) {
  if (argc < 3 || (argc - 3) % 2 != 0) {
    std::fprintf(stderr, "usage: interlock_bench explore NAME [--strategy S] [--param K=V]... "
                         "[--time-limit SECONDS] [--max-executions N]\n");
    return 2;
  }
  const Catalogue catalogue = cli::builtinCatalogue();
  const Scenario* found = catalogue.find(argv[2]);
  if (found == nullptr) {
    std::fprintf(stderr, "interlock_bench: no scenario named '%s'\n", argv[2]);
    return 2;
  }
  Parameters overrides;
  std::string strategy = "naive";
  double timeLimit = 0;
  std::uint64_t maxExecutions = 0;
  for (int i = 3; i + 1 < argc; i += 2) {
    const std::string_view option = argv[i];
    const std::string value = argv[i + 1];
    if (option == "--strategy") {
      strategy = value;
    } else if (option == "--param" && value.find('=') != std::string::npos) {
      overrides[value.substr(0, value.find('='))] = value.substr(value.find('=') + 1);
    } else if (option == "--time-limit" && parseNumber(value, timeLimit)) {
    } else if (option == "--max-executions" && parseNumber(value, maxExecutions)) {
    } else {
      std::fprintf(stderr, "interlock_bench: bad option '%s %s'\n", argv[i], argv[i + 1]);
      return 2;
    }
  }
  try {
    const Scenario scenario = withParameters(*found, overrides);
    Settings settings = defaultSettings(scenario);
    settings.strategy = strategy;
    settings.minimize = false;
    settings.timeLimitSeconds = timeLimit;
    settings.maxExecutions = maxExecutions;
    const Exploration e = explore(scenario, settings);
    std::printf("executions: %llu\nseconds: %.3f\nfinished: %s\nresult: %s\n",
                static_cast<unsigned long long>(e.stats.executions), e.stats.elapsedSeconds,
                e.verdict.result == Result::Incomplete ? "no" : "yes", e.verdict.summary().c_str());
    return e.verdict.result == Result::Pass ? 0 : (e.verdict.result == Result::Incomplete ? 3 : 1);
  } catch (const std::invalid_argument& error) {  // makeStrategy: no such strategy here
    std::printf("n/a: strategy not available (%s)\n", error.what());
    return 4;
  } catch (const ScenarioError& error) {
    std::fprintf(stderr, "interlock_bench: %s\n", error.what());
    return 2;
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::string_view(argv[1]) == "explore") return exploreCommand(argc, argv);
  std::printf("fiber switch: %.1f ns per switch (resume or suspend)\n", nanosecondsPerSwitch(2000000));
  const Catalogue catalogue = cli::builtinCatalogue();
  printThroughput(catalogue, "bench/readers", {{"n", "4"}});
  printThroughput(catalogue, "bench/locked-counter", {{"threads", "2"}, {"rounds", "3"}});
  printAllocationsPerStep();
  std::printf("peak RSS: %ld KiB\n", peakResidentKiB());
  return 0;
}
