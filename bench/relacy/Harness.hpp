#pragma once
// What every Relacy program of the benchmark shares: exhaustive search (rl::sched_full), an
// execution count, and a time limit that ends the search with an honest partial count.
// Debian package relacy-dev; headers in /usr/include/relacy. The programs include
// <relacy/relacy.hpp> and name rl::mutex and rl::atomic: relacy_std.hpp's `using rl::atomic`
// in namespace std clashes with libstdc++ 12.
#include <relacy/relacy.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

namespace bench {

struct Budget {
  static inline double seconds = 60;
  static inline std::chrono::steady_clock::time_point start;
  static inline unsigned long long executions = 0;
};

inline double elapsedSeconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - Budget::start).count();
}

// Called from each test's before(): once per execution Relacy starts.
inline void countExecution() {
  ++Budget::executions;
  if ((Budget::executions & 1023) == 0 && elapsedSeconds() > Budget::seconds) {
    std::printf("executions: %llu\nseconds: %.3f\nfinished: no\n", Budget::executions,
                elapsedSeconds());
    std::fflush(stdout);
    std::_Exit(3);  // Relacy cannot be stopped from inside a run; the count so far is the result
  }
}

// Runs the exhaustive search of Test; prints executions, seconds and whether it finished.
template <typename Test>
int run(double seconds) {
  Budget::seconds = seconds;
  Budget::start = std::chrono::steady_clock::now();
  std::ostream silent(nullptr);  // Relacy's own banner and progress lines
  rl::test_params params;
  params.search_type = rl::sched_full;
  params.output_stream = &silent;
  params.progress_stream = &silent;
  const bool passed = rl::simulate<Test>(params);
  std::printf("executions: %llu\nseconds: %.3f\nfinished: yes\nresult: %s\n",
              static_cast<unsigned long long>(params.stop_iteration), elapsedSeconds(),
              passed ? "pass" : rl::test_result_str(params.test_result));
  return passed ? 0 : 1;
}

// argv: <size...> [--time-limit SECONDS]
struct Arguments {
  int values[2] = {0, 0};
  int count = 0;
  double seconds = 60;
};

inline Arguments parse(int argc, char** argv) {
  Arguments arguments;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--time-limit" && i + 1 < argc) {
      arguments.seconds = std::atof(argv[++i]);
    } else if (arguments.count < 2) {
      arguments.values[arguments.count++] = std::atoi(argv[i]);
    }
  }
  return arguments;
}

inline int unsupported(const char* program, const Arguments& arguments) {
  std::fprintf(stderr, "%s: size", program);
  for (int i = 0; i < arguments.count; ++i) std::fprintf(stderr, " %d", arguments.values[i]);
  std::fprintf(stderr, " is not compiled in (Relacy fixes the thread count at compile time)\n");
  return 2;
}

}  // namespace bench
