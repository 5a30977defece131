// bench/indexer in Relacy (Flanagan and Godefroid, POPL 2005): thread tid inserts
// w = m*11 + tid (m = 1..4) into a 128-cell table at (w*7) mod 128 with compare-and-swap,
// probing linearly.
#include "Harness.hpp"

template <int N>
struct Indexer : rl::test_suite<Indexer<N>, N> {
  static constexpr int kSize = 128;
  rl::atomic<int> table[kSize];

  void before() {
    bench::countExecution();
    for (auto& cell : table) cell.store(0, rl::mo_seq_cst, $);
  }
  void thread(unsigned index) {
    const int tid = static_cast<int>(index);
    for (int m = 1; m <= 4; ++m) {
      const int w = m * 11 + tid;
      int h = (w * 7) % kSize;
      for (;;) {
        int expected = 0;
        if (table[h].compare_exchange_strong(expected, w, rl::mo_seq_cst, $)) break;
        h = (h + 1) % kSize;
      }
    }
  }
};

int main(int argc, char** argv) {
  const bench::Arguments a = bench::parse(argc, argv);
  switch (a.values[0]) {
    case 2: return bench::run<Indexer<2>>(a.seconds);
    case 3: return bench::run<Indexer<3>>(a.seconds);
    default: return bench::unsupported("relacy_indexer", a);
  }
}
