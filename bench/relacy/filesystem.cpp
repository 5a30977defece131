// bench/filesystem in Relacy (Flanagan and Godefroid, POPL 2005): 32 inodes and 26 blocks,
// each with a mutex; thread tid locks inode tid mod 32 and, if it has no block, scans blocks
// from 2i mod 26 under each block's mutex for a free one.
#include "Harness.hpp"

template <int N>
struct FileSystem : rl::test_suite<FileSystem<N>, N> {
  static constexpr int kBlocks = 26;
  static constexpr int kInodes = 32;
  rl::mutex inodeLock[kInodes];
  rl::atomic<int> inode[kInodes];
  rl::mutex blockLock[kBlocks];
  rl::atomic<int> busy[kBlocks];

  void before() {
    bench::countExecution();
    for (auto& cell : inode) cell.store(0, rl::mo_seq_cst, $);
    for (auto& cell : busy) cell.store(0, rl::mo_seq_cst, $);
  }
  void thread(unsigned index) {
    const int i = static_cast<int>(index) % kInodes;
    inodeLock[i].lock($);
    if (inode[i].load(rl::mo_seq_cst, $) == 0) {
      int b = (i * 2) % kBlocks;
      for (;;) {
        blockLock[b].lock($);
        if (busy[b].load(rl::mo_seq_cst, $) == 0) {
          busy[b].store(1, rl::mo_seq_cst, $);
          inode[i].store(b + 1, rl::mo_seq_cst, $);
          blockLock[b].unlock($);
          break;
        }
        blockLock[b].unlock($);
        b = (b + 1) % kBlocks;
      }
    }
    inodeLock[i].unlock($);
  }
};

int main(int argc, char** argv) {
  const bench::Arguments a = bench::parse(argc, argv);
  switch (a.values[0]) {
    case 2: return bench::run<FileSystem<2>>(a.seconds);
    case 3: return bench::run<FileSystem<3>>(a.seconds);
    default: return bench::unsupported("relacy_filesystem", a);
  }
}
