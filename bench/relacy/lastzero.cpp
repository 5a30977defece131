// bench/lastzero in Relacy (Abdulla et al., POPL 2014): thread 0 scans array[n..0] for the
// last zero; thread j = 1..n stores array[j-1] + 1 into array[j]. Sequentially consistent
// atomics, as Interlock's shared variables are.
#include "Harness.hpp"

template <int N>
struct LastZero : rl::test_suite<LastZero<N>, N + 1> {
  rl::atomic<int> array[N + 1];

  void before() {
    bench::countExecution();
    for (auto& cell : array) cell.store(0, rl::mo_seq_cst, $);
  }
  void thread(unsigned index) {
    const int j = static_cast<int>(index);
    if (j == 0) {
      for (int i = N; array[i].load(rl::mo_seq_cst, $) != 0; --i) {
      }
    } else {
      array[j].store(array[j - 1].load(rl::mo_seq_cst, $) + 1, rl::mo_seq_cst, $);
    }
  }
};

int main(int argc, char** argv) {
  const bench::Arguments a = bench::parse(argc, argv);
  switch (a.values[0]) {
    case 2: return bench::run<LastZero<2>>(a.seconds);
    case 3: return bench::run<LastZero<3>>(a.seconds);
    case 4: return bench::run<LastZero<4>>(a.seconds);
    case 5: return bench::run<LastZero<5>>(a.seconds);
    default: return bench::unsupported("relacy_lastzero", a);
  }
}
