// bench/readers in Relacy (Abdulla et al., POPL 2014, Concuerror's readers.erl): thread 0
// stores 42 to x; thread i = 1..n loads its own variable, then x.
#include "Harness.hpp"

template <int N>
struct Readers : rl::test_suite<Readers<N>, N + 1> {
  rl::atomic<int> x;
  rl::atomic<int> own[N + 1];

  void before() {
    bench::countExecution();
    x.store(0, rl::mo_seq_cst, $);
    for (auto& cell : own) cell.store(0, rl::mo_seq_cst, $);
  }
  void thread(unsigned index) {
    if (index == 0) {
      x.store(42, rl::mo_seq_cst, $);
    } else {
      (void)own[index].load(rl::mo_seq_cst, $);
      (void)x.load(rl::mo_seq_cst, $);
    }
  }
};

int main(int argc, char** argv) {
  const bench::Arguments a = bench::parse(argc, argv);
  switch (a.values[0]) {
    case 2: return bench::run<Readers<2>>(a.seconds);
    case 3: return bench::run<Readers<3>>(a.seconds);
    case 4: return bench::run<Readers<4>>(a.seconds);
    case 5: return bench::run<Readers<5>>(a.seconds);
    default: return bench::unsupported("relacy_readers", a);
  }
}
