#pragma once
// Stateless search with partial-order reduction. Three modes behind one engine:
// - "dpor": source-set DPOR with sleep sets (Abdulla, Aronis, Jonsson, Sagonas, POPL 2014,
//   Algorithm 1, races found after each execution with vector clocks);
// - "odpor": optimal DPOR (the same paper, Algorithm 2): the same races, each reversed by
//   inserting a whole sequence into the wakeup tree of the race's choice point (WakeupTree);
//   split (`expandedProduct` > 0) it runs as "dpor" below the cut;
// - "dfs": exhaustive DFS whose only reduction is sleep sets (Godefroid 1996).
// Dependency is Execution::footprintOf: steps conflict on an object one of them writes, or on
// the thread an adversary event targets. Adversary events (suspensions, APC injections, I/O
// completions) are optional, not ordinary processes, so every node explores all of them;
// only the order of thread steps is reduced. docs/strategies.md argues why that is sound.
#include "interlock/checker/Strategy.hpp"
#include "interlock/checker/WakeupTree.hpp"
#include "interlock/core/Footprint.hpp"

#include <cstdint>
#include <vector>

namespace interlock {

class DporStrategy final : public Strategy {
 public:
  enum class Mode : std::uint8_t { SourceDpor, SleepSetsOnly, OptimalDpor };
  // `expandedProduct` > 0: choice points above the cut (where the product of the option counts
  // along the path reaches it) try every option, so the upper tree does not depend on what the
  // subtrees find and a split search (PartitionedStrategy with the same cut) can share it out.
  explicit DporStrategy(Mode mode, std::uint64_t expandedProduct = 0);

  void beginExecution(const Execution& execution) override;
  [[nodiscard]] std::size_t choose(std::span<const Choice> options) override;
  [[nodiscard]] bool nextExecution() override;
  [[nodiscard]] std::string_view name() const noexcept override {
    return mode_ == Mode::SourceDpor ? "dpor" : mode_ == Mode::OptimalDpor ? "odpor" : "dfs";
  }
  [[nodiscard]] Reduction reduction() const override { return reduction_; }
  [[nodiscard]] double estimatedExecutions() const override;

 private:
  enum Status : std::uint8_t { kUntried, kBacktrack, kDone };
  struct Option {
    Choice choice;
    Footprint footprint;
    Status status = kUntried;
    bool waitReturn = false;  // a Run of a thread returning from a wait someone satisfied
  };
  struct Sleeper {
    ThreadId thread;
    Footprint footprint;
  };
  struct Node {
    bool branch = false;        // a model-internal alternative inside the running step
    std::uint64_t productBefore = 1;  // of the option counts of the nodes above it (capped)
    std::uint32_t chosen = 0;
    std::vector<Option> options;
    std::vector<Sleeper> sleep;  // threads asleep on entry (schedule nodes only)
    WakeupTree::Root wakeup = WakeupTree::kNone;  // odpor: what is left to explore here
    [[nodiscard]] bool asleep(ThreadId thread) const noexcept;
  };

  Node& newNode(std::span<const Choice> options);
  void inheritSleep(Node& node) const;
  [[nodiscard]] bool pickNext(Node& node);
  void analyseRaces();
  void addBacktrack(std::size_t k, std::size_t j);
  // odpor: wakeup trees
  void planWakeup(Node& node);
  void handDown(WakeupTree::Root tree);
  [[nodiscard]] bool pickWakeup(Node& node);
  void addWakeup(std::size_t k, std::size_t j);
  [[nodiscard]] bool sleeperIsWeakInitial(const Node& node) const;
  void tryEveryThread(Node& node);
  void markWakeup(Node& node) const;
  [[nodiscard]] WakeupEvent eventOf(const Option& option) const noexcept;
  [[nodiscard]] std::size_t optionOf(const Node& node, std::uint32_t proc) const noexcept;
  [[nodiscard]] std::uint32_t procOf(const Choice& choice) const noexcept;
  [[nodiscard]] double exploredFraction() const;

  Mode mode_;
  std::uint64_t expandedProduct_;
  // odpor unsplit. Split, odpor runs source-DPOR: optimal DPOR's subtrees rely on the sequences
  // races insert at the choice points above them, which a split explores without them.
  bool wakeupTrees_;
  const Execution* execution_ = nullptr;
  std::vector<Node> nodes_;  // reused: nodes past size_ keep their capacity
  std::size_t size_ = 0;     // nodes on the current path
  std::size_t depth_ = 0;    // next node of the running execution
  std::size_t firstNew_ = 0; // first node this execution created (races before it are known)
  bool blocked_ = false;
  Reduction reduction_;
  WakeupTree wakeups_;  // odpor: the wakeup trees of the nodes on the path
  WakeupTree::Root pending_ = WakeupTree::kNone;  // the tree the next schedule node follows
  std::uint64_t complete_ = 0;  // executions not cut by their sleep set
  double explored_ = 0;         // exploredFraction() after the last execution

  // Race analysis scratch, reused between executions.
  std::vector<std::uint32_t> events_;     // node index of each event (schedule nodes)
  std::vector<std::uint32_t> eventProc_;  // dense process of each event
  std::vector<std::uint32_t> clocks_;     // events_.size() x procs_ vector clocks
  std::vector<std::uint32_t> procKeys_;   // dense process -> procOf key
  std::vector<std::int32_t> lastOfProc_;  // last event of each dense process, -1 if none
  std::vector<std::int32_t> spawnEvent_;  // per thread id: the event that spawned it, -1
  std::vector<std::uint32_t> firstAfter_; // per process: first event after the race's first
  std::size_t procs_ = 0;
  // The clocks of the first validEvents_ events, laid out with procs_ columns, still hold for
  // the current path: an execution shares its prefix with the one before it.
  std::size_t validEvents_ = 0;
  std::vector<WakeupEvent> sequence_;   // odpor: the sequence that reverses a race
  std::vector<std::int32_t> position_;  // odpor: event -> its place in sequence_, -1 if absent
};

}  // namespace interlock
