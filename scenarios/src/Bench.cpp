// Benchmark programs (docs/performance.md): a lock-heavy driver pattern and the classic DPOR
// programs of the literature, re-written on modelled shared variables, Interlocked calls and
// ERESOURCEs.
// All threads are system threads and no APC is declared: the programs are pure interleavings.
#include "interlock/core/IndexedName.hpp"
#include "interlock/core/ObjectArray.hpp"
#include "interlock/primitives/wdm.hpp"
#include "interlock/scenarios/Bench.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace interlock::scenarios {

using namespace interlock::wdm;

namespace {

// No adversary: these programs measure the search, not the suspension model.
constexpr Bounds kBenchBounds{.maxSteps = 100000, .maxSuspensions = 0, .maxApcs = 0};

// A size parameter within what the program is defined for (thread and object ids are 16 bits).
int sizeParam(const Setup& s, const char* name, std::int64_t min, std::int64_t max) {
  const std::int64_t value = s.intParam(name);
  if (value < min || value > max)
    throw ScenarioError("parameter '" + std::string(name) + "' must be between " +
                        std::to_string(min) + " and " + std::to_string(max) + ", not " +
                        std::to_string(value));
  return static_cast<int>(value);
}

ObjectArray<ERESOURCE> makeResources(Setup& s, const char* base, int count) {
  const ObjectArray<ERESOURCE> resources = s.makeArray<ERESOURCE>(base, count);
  for (std::size_t i = 0; i < resources.size(); ++i) ExInitializeResourceLite(&resources[i]);
  return resources;
}

// The lock every program here uses: an ERESOURCE taken exclusively inside a critical region.
// Its release hands ownership to the first waiter (§3.3), so it adds no hand-off/barging branch
// (FAST_MUTEX and guarded mutexes do, §6.3): the interleavings are those of a plain mutex.
void acquire(ERESOURCE* resource) { (void)ExAcquireResourceExclusiveLite(resource, TRUE); }
void release(ERESOURCE* resource) { ExReleaseResourceLite(resource); }

Scenario lockedCounter() {
  return Scenario{
      "bench/locked-counter",
      "Benchmark locked-counter(threads, rounds): `threads` system threads each run `rounds` rounds of the usual "
      "driver pattern: KeEnterCriticalRegion, ExAcquireResourceExclusiveLite on ERESOURCE "
      "First then Second (always that order, so it cannot deadlock), increment a shared "
      "counter, release both, KeLeaveCriticalRegion. Expected: pass. Naive DFS needs 12 "
      "executions for threads=2 rounds=1 (the default), 646 for 2x2, 426 for 3x1 and 3,261,930 "
      "for 3x2 (a release with two exclusive waiters may grant either, kernel-rules.md §6.2). "
      "The 3x2 instance is the yardstick for DPOR against Relacy's exhaustive search.",
      Expectation::pass(),
      kBenchBounds,
      [](Setup& s) {
        const int threads = sizeParam(s, "threads", 1, 64);
        const int rounds = sizeParam(s, "rounds", 0, 1000);
        auto& first = s.make<ERESOURCE>("First");
        auto& second = s.make<ERESOURCE>("Second");
        auto& counter = s.make<Shared<int>>("Counter");
        ExInitializeResourceLite(&first);
        ExInitializeResourceLite(&second);
        for (int t = 0; t < threads; ++t)
          s.systemThread(IndexedName("worker", t), [&first, &second, &counter, rounds] {
            for (int r = 0; r < rounds; ++r) {
              KeEnterCriticalRegion();
              acquire(&first);
              acquire(&second);
              counter.store(counter.load() + 1);
              release(&second);
              release(&first);
              KeLeaveCriticalRegion();
            }
          });
      },
      Parameters{{"threads", "2"}, {"rounds", "1"}}};
}

Scenario lastZero() {
  return Scenario{
      "bench/lastzero",
      "Benchmark lastzero(n) from Abdulla, Aronis, Jonsson, Sagonas, \"Optimal dynamic partial "
      "order reduction\", POPL 2014: shared array[0..n], all 0. Thread reader scans "
      "for the last zero: for (i = n; array[i] != 0; i--). Thread writer.j (j = 1..n) does "
      "array[j] = array[j-1] + 1. Every access is a load or store of a shared variable; the "
      "program has no assertion. Expected: pass. Naive DFS needs 3 executions for n=1, 35 for "
      "n=2, 920 for n=3 (the default), 44,300 for n=4, 3,487,880 for n=5. The paper reports 64 Mazurkiewicz traces for lastzero(5) (optimal "
      "DPOR; source-DPOR explores 79, classic DPOR 241).",
      Expectation::pass(),
      kBenchBounds,
      [](Setup& s) {
        const int n = sizeParam(s, "n", 1, 1000);
        const auto array = s.makeArray<Shared<int>>("array", n + 1);
        s.systemThread("reader", [array, n] {
          // array[0] is never written, so the scan stops at 0 at the latest.
          for (int i = n; array[static_cast<std::size_t>(i)].load() != 0; --i) {
          }
        });
        for (int j = 1; j <= n; ++j)
          s.systemThread(IndexedName("writer", j), [array, j] {
            const auto at = [&array](int k) -> Shared<int>& { return array[static_cast<std::size_t>(k)]; };
            at(j).store(at(j - 1).load() + 1);
          });
      },
      Parameters{{"n", "3"}}};
}

Scenario readers() {
  return Scenario{
      "bench/readers",
      "Benchmark readers(n) from Abdulla, Aronis, Jonsson, Sagonas, \"Optimal dynamic partial "
      "order reduction\", POPL 2014, as its tool Concuerror defines it (testsuite "
      "dpor/readers.erl): thread writer stores 42 to shared x; thread reader.i (i = 1..n) "
      "loads its own variable own.i, then loads x. Only the writer's store conflicts with the "
      "readers' loads, so there are 2^n Mazurkiewicz traces (the paper: 4 for readers(2), 256 "
      "for readers(8), 8,192 for readers(13)). Expected: pass. Naive DFS needs (2n+1)!/2^n "
      "executions: 3 for n=1, 30 for n=2, 630 for n=3 (the default), 1,247,400 for n=5.",
      Expectation::pass(),
      kBenchBounds,
      [](Setup& s) {
        const int n = sizeParam(s, "n", 1, 1000);
        auto& x = s.make<Shared<int>>("x");
        s.systemThread("writer", [&x] { x.store(42); });
        for (int i = 1; i <= n; ++i) {
          auto& own = s.make<Shared<int>>(IndexedName("own", i));
          s.systemThread(IndexedName("reader", i), [&own, &x] {
            (void)own.load();
            (void)x.load();
          });
        }
      },
      Parameters{{"n", "3"}}};
}

// indexer: a lock-free hash table of 128 cells filled with compare-and-swap.
constexpr int kIndexerSize = 128;
constexpr int kIndexerMessages = 4;

Scenario indexer() {
  return Scenario{
      "bench/indexer",
      "Benchmark indexer(n) from Flanagan and Godefroid, \"Dynamic partial-order reduction for "
      "model checking software\", POPL 2005: n threads (tid = 0..n-1) each insert 4 "
      "messages w = m*11 + tid (m = 1..4) into a shared 128-cell hash table at h = (w*7) mod "
      "128, probing linearly while InterlockedCompareExchange(&table[h], w, 0) finds the cell "
      "taken (the paper's atomic cas). Up to 11 threads no two cells collide and every "
      "interleaving is equivalent (one Mazurkiewicz trace); from 12 on, collisions appear: "
      "the optimal-DPOR paper (Abdulla et al., POPL 2014) reports 8, 64, 512, 4,096 traces for "
      "indexer(12..15). Expected: pass. Naive DFS needs 70 executions for n=2 (the default), "
      "34,650 for n=3.",
      Expectation::pass(),
      kBenchBounds,
      [](Setup& s) {
        const int n = sizeParam(s, "n", 1, 256);
        const auto table = s.makeArray<Shared<LONG>>("table", kIndexerSize);
        for (int tid = 0; tid < n; ++tid)
          s.systemThread(IndexedName("t", tid), [table, tid] {
            for (int m = 1; m <= kIndexerMessages; ++m) {
              const LONG w = m * 11 + tid;
              auto h = static_cast<std::size_t>((w * 7) % kIndexerSize);
              while (InterlockedCompareExchange(&table[h], w, 0) != 0) h = (h + 1) % kIndexerSize;
            }
          });
      },
      Parameters{{"n", "2"}}};
}

// filesystem: inodes and disk blocks, each guarded by its own lock.
constexpr int kBlocks = 26;
constexpr int kInodes = 32;

Scenario fileSystem() {
  return Scenario{
      "bench/filesystem",
      "Benchmark filesystem(n) from Flanagan and Godefroid, \"Dynamic partial-order reduction "
      "for model checking software\", POPL 2005: 32 inodes and 26 disk blocks, each "
      "with its own lock and shared value. Thread tid (0..n-1) takes the lock of inode i = tid "
      "mod 32; if inode[i] is 0 it scans blocks from b = 2i mod 26, taking each block's lock, "
      "until it finds one not busy, marks it busy and stores b+1 in inode[i]; then it releases "
      "its locks. The locks are ERESOURCEs taken exclusively in a critical region (the lock "
      "file-system drivers use; its release hands off without the extra hand-off/barging "
      "branch FAST_MUTEX has, so the interleavings are the paper's). Up to 13 threads nothing "
      "is shared (one Mazurkiewicz trace); the optimal-DPOR paper (Abdulla et al., POPL 2014) "
      "reports 2, 8, 32, 64 traces for filesystem(14, 16, 18, 19). Expected: pass. Naive DFS "
      "needs 12,870 executions for n=2 (the default).",
      Expectation::pass(),
      kBenchBounds,
      [](Setup& s) {
        const int n = sizeParam(s, "n", 1, 256);
        struct Disk {
          ObjectArray<ERESOURCE> inodeLocks;
          ObjectArray<Shared<int>> inode;
          ObjectArray<ERESOURCE> blockLocks;
          ObjectArray<Shared<int>> busy;
        };
        const Disk disk{makeResources(s, "locki", kInodes), s.makeArray<Shared<int>>("inode", kInodes),
                        makeResources(s, "lockb", kBlocks), s.makeArray<Shared<int>>("busy", kBlocks)};
        for (int tid = 0; tid < n; ++tid)
          s.systemThread(IndexedName("t", tid), [disk, tid] {
            const auto& [inodeLocks, inode, blockLocks, busy] = disk;
            const auto i = static_cast<std::size_t>(tid % kInodes);
            KeEnterCriticalRegion();
            acquire(&inodeLocks[i]);
            if (inode[i].load() == 0) {
              auto b = static_cast<std::size_t>((i * 2) % kBlocks);
              for (;;) {
                acquire(&blockLocks[b]);
                if (busy[b].load() == 0) {
                  busy[b].store(1);
                  inode[i].store(static_cast<int>(b) + 1);
                  release(&blockLocks[b]);
                  break;
                }
                release(&blockLocks[b]);
                b = (b + 1) % kBlocks;
              }
            }
            release(&inodeLocks[i]);
            KeLeaveCriticalRegion();
          });
      },
      Parameters{{"n", "2"}}};
}

}  // namespace

std::vector<Scenario> benchScenarios() {
  return {lockedCounter(), lastZero(), readers(), indexer(), fileSystem()};
}

}  // namespace interlock::scenarios
