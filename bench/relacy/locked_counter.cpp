// bench/locked-counter in Relacy: each round takes two mutexes in a fixed order (rl::mutex,
// Relacy's model of std::mutex), increments a counter they protect, and releases both.
#include "Harness.hpp"

template <int Threads, int Rounds>
struct LockedCounter : rl::test_suite<LockedCounter<Threads, Rounds>, Threads> {
  rl::mutex first;
  rl::mutex second;
  rl::var<int> counter;

  void before() {
    bench::countExecution();
    counter($) = 0;
  }
  void thread(unsigned) {
    for (int r = 0; r < Rounds; ++r) {
      first.lock($);
      second.lock($);
      counter($) = counter($) + 1;
      second.unlock($);
      first.unlock($);
    }
  }
  void after() { RL_ASSERT(counter($) == Threads * Rounds); }
};

int main(int argc, char** argv) {
  const bench::Arguments a = bench::parse(argc, argv);
  const int threads = a.values[0];
  const int rounds = a.values[1];
  if (threads == 2 && rounds == 1) return bench::run<LockedCounter<2, 1>>(a.seconds);
  if (threads == 2 && rounds == 2) return bench::run<LockedCounter<2, 2>>(a.seconds);
  if (threads == 3 && rounds == 1) return bench::run<LockedCounter<3, 1>>(a.seconds);
  if (threads == 3 && rounds == 2) return bench::run<LockedCounter<3, 2>>(a.seconds);
  return bench::unsupported("relacy_locked_counter", a);
}
