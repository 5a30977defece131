// PerThreadCounts: the shared-owner counts of ERESOURCE and EX_PUSH_LOCK, read only where set.
#include "interlock/primitives/PerThreadCounts.hpp"

#include <doctest/doctest.h>

#include <utility>
#include <vector>

using interlock::ThreadId;
using interlock::wdm::PerThreadCounts;

namespace {

std::vector<std::pair<ThreadId, std::uint32_t>> entries(const PerThreadCounts& counts) {
  std::vector<std::pair<ThreadId, std::uint32_t>> out;
  counts.forEach([&out](ThreadId thread, std::uint32_t count) { out.emplace_back(thread, count); });
  return out;
}

}  // namespace

TEST_CASE("a new table has no count for any thread") {
  const PerThreadCounts counts;
  CHECK(counts.empty());
  CHECK(counts.mask() == 0);
  CHECK(counts.first() == interlock::kNoThread);
  for (ThreadId t = 0; t < PerThreadCounts::kThreads; ++t) CHECK(counts[t] == 0);
}

TEST_CASE("increment reports the first count only and decrement the last") {
  PerThreadCounts counts;
  CHECK(counts.increment(5));
  CHECK_FALSE(counts.increment(5));
  CHECK(counts[5] == 2);
  CHECK_FALSE(counts.decrement(5));
  CHECK(counts.decrement(5));
  CHECK_FALSE(counts.has(5));
  CHECK(counts[5] == 0);
  CHECK(counts.empty());
}

TEST_CASE("the mask, first and forEach name the threads with counts in id order") {
  PerThreadCounts counts;
  counts.set(63, 4);
  (void)counts.increment(2);
  counts.set(40, 1);
  counts.set(40, 0);
  CHECK(counts.mask() == ((std::uint64_t{1} << 63) | (std::uint64_t{1} << 2)));
  CHECK(counts.first() == 2);
  CHECK(entries(counts) == std::vector<std::pair<ThreadId, std::uint32_t>>{{2, 1}, {63, 4}});
}

TEST_CASE("clear drops every count and a later increment starts again from one") {
  PerThreadCounts counts;
  counts.set(7, 9);
  counts.clear();
  CHECK(counts.empty());
  CHECK(counts[7] == 0);
  CHECK(counts.increment(7));
  CHECK(counts[7] == 1);
}
