// ChoiceSource::chooseThread: when only threads can move, the execution asks about the runnable
// threads as a mask. A source that needs the list gets it (the default); naive DFS answers from
// the mask and must make exactly the choices it makes from the list.
#include "Support.hpp"

#include "interlock/checker/DfsStrategy.hpp"
#include "interlock/core/Bits.hpp"
#include "interlock/checker/Properties.hpp"

#include <doctest/doctest.h>

#include <stdexcept>
#include <string>
#include <vector>

using namespace interlock;
using namespace interlock::wdm;
using interlock::test::inlineScenario;

namespace {

// Three threads, the first with two writes: the choices offer 3, then fewer threads.
Scenario threeWriters() {
  return inlineScenario([](Setup& s) {
    auto& x = s.make<Shared<LONG>>("x");
    s.systemThread("a", [&x] {
      x.store(1);
      x.store(2);
    });
    s.systemThread("b", [&x] { x.store(3); });
    s.systemThread("c", [&x] { x.store(4); });
  });
}

// Asks naive DFS through choose() only (the option list), as a wrapper that reads options does.
class ThroughTheList final : public ChoiceSource {
 public:
  explicit ThroughTheList(DfsStrategy& dfs) : dfs_(dfs) {}
  std::size_t choose(std::span<const Choice> options) override {
    offered.emplace_back(options.begin(), options.end());
    return dfs_.choose(options);
  }
  std::vector<std::vector<Choice>> offered;

 private:
  DfsStrategy& dfs_;
};

// Every schedule a source runs over the whole naive search, one string per execution.
template <typename Source>
std::vector<std::string> schedules(DfsStrategy& dfs, Source& source) {
  const Scenario scenario = threeWriters();
  StackPool stacks;
  Execution execution(stacks);
  DefaultProperties properties;
  std::vector<std::string> all;
  do {
    dfs.beginExecution(execution);
    const ExecutionResult& result = execution.run(scenario, scenario.bounds, source, properties.monitors());
    std::string line;
    for (const Choice& choice : result.schedule) line += std::to_string(choice.thread);
    all.push_back(line);
  } while (dfs.nextExecution());
  return all;
}

}  // namespace

TEST_CASE("a source asked about threads alone is offered one run option per runnable thread, lowest id first") {
  DfsStrategy dfs;
  ThroughTheList source(dfs);
  (void)schedules(dfs, source);
  REQUIRE_FALSE(source.offered.empty());
  const std::vector<Choice> first = source.offered.front();
  REQUIRE(first.size() == 3);
  for (ThreadId t = 0; t < 3; ++t) CHECK(first[t] == Choice{ChoiceKind::Run, t});
}

TEST_CASE("naive DFS answering from the runnable mask runs the schedules it runs from the option list") {
  DfsStrategy fromMask;
  const std::vector<std::string> masked = schedules(fromMask, fromMask);
  DfsStrategy fromList;
  ThroughTheList source(fromList);
  const std::vector<std::string> listed = schedules(fromList, source);
  CHECK(masked.size() == 12);  // 4! / 2! orders of a's two writes, b's and c's
  CHECK(masked == listed);
}

TEST_CASE("naive DFS reports a replayed prefix that offers other threads as a scenario that is not deterministic") {
  StackPool stacks;
  Execution execution(stacks);
  std::vector<Choice> room(64);
  DfsStrategy dfs;
  dfs.beginExecution(execution);
  CHECK(dfs.chooseThread(0b011, room) == 0);
  REQUIRE(dfs.nextExecution());
  dfs.beginExecution(execution);
  // As many threads as before, but not the same ones.
  CHECK_THROWS_WITH_AS((void)dfs.chooseThread(0b101, room),
                       "scenario is not deterministic: a replayed prefix offered threads 0, 2 where it had "
                       "offered threads 0, 1",
                       std::logic_error);
}

TEST_CASE("bitCount counts the threads in a mask") {
  static_assert(bitCount(0) == 0);
  static_assert(bitCount(1) == 1);
  static_assert(bitCount(0b1011) == 3);
  static_assert(bitCount(std::uint64_t{1} << 63) == 1);
  static_assert(bitCount(~std::uint64_t{0}) == 64);
  for (std::uint64_t bits : {0x5ULL, 0xF0F0ULL, 0x8000000000000001ULL, 0x123456789ABCDEFULL}) {
    std::size_t slow = 0;
    for (int i = 0; i < 64; ++i) slow += (bits >> i) & 1;
    CHECK(bitCount(bits) == slow);
  }
}

#ifndef NDEBUG  // a check of the choice sources themselves, made in debug builds (the sanitizer pass)
TEST_CASE("in a debug build, a choice source that answers past the runnable threads ends the run with an error naming the index") {
  struct PastTheEnd final : ChoiceSource {
    std::size_t choose(std::span<const Choice> options) override { return options.size(); }
  } source;
  const Scenario scenario = threeWriters();
  StackPool stacks;
  Execution execution(stacks);
  DefaultProperties properties;
  CHECK_THROWS_WITH_AS((void)execution.run(scenario, scenario.bounds, source, properties.monitors()),
                       "a choice source chose option 3 of 3", std::logic_error);
}
#endif
