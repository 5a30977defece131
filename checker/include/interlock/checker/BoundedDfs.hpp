#pragma once
// Depth-first search over the schedules whose preemptions and adversary events stay within
// limits, optionally below a fixed prefix, optionally no longer than a number of choices.
// Shared by preemption bounding and the minimizer. Like DfsStrategy, every execution is a
// fresh run that replays the stack of earlier decisions; memory is the stack (depth x options),
// flat in the number of executions.
#include "interlock/checker/ScheduleMetrics.hpp"

#include <cstdint>
#include <limits>
#include <span>
#include <vector>

namespace interlock {

// Prefixes that end in a choice a limit cut, kept flat: item i is
// indices[ends[i-1] .. ends[i]) (option indices, one per choice).
struct Frontier {
  std::vector<std::uint16_t> indices;
  std::vector<std::uint32_t> ends;
  [[nodiscard]] std::size_t size() const noexcept { return ends.size(); }
  [[nodiscard]] std::span<const std::uint16_t> item(std::size_t i) const noexcept {
    const std::uint32_t begin = i == 0 ? 0 : ends[i - 1];
    return {indices.data() + begin, ends[i] - begin};
  }
  void clear() noexcept { indices.clear(), ends.clear(); }
};

struct SearchLimits {
  static constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();
  std::uint32_t preemptions = kNone;
  std::uint32_t adversaryEvents = kNone;
  std::uint32_t choices = kNone;  // an execution needing more choices is abandoned
};

class BoundedDfs {
 public:
  BoundedDfs() { frames_.reserve(1024), pool_.reserve(4096); }
  // A new search of the subtree below `prefix` (taken as given, limits unchecked).
  // Preemptions cut by the limit are appended to `cutSink` when it is given.
  void start(SearchLimits limits, std::span<const std::uint16_t> prefix = {}, Frontier* cutSink = nullptr);
  void beginExecution(const Execution& execution) noexcept;
  // An index into `options`, or ChoiceSource::kAbandon past the choice limit.
  [[nodiscard]] std::size_t choose(std::span<const Choice> options);
  // After an execution: moves to the next schedule; false once the subtree is done.
  [[nodiscard]] bool backtrack();
  // Tightens the choice limit mid-search (branch and bound); deeper alternatives are dropped.
  void limitChoices(std::uint32_t choices) noexcept { limits_.choices = choices; }

  [[nodiscard]] const ScheduleMetrics& metrics() const noexcept { return counter_.metrics(); }
  [[nodiscard]] bool preemptionCut() const noexcept { return preemptionCut_; }
  [[nodiscard]] bool adversaryCut() const noexcept { return adversaryCut_; }
  [[nodiscard]] bool choicesCut() const noexcept { return choicesCut_; }

 private:
  struct Frame {
    std::uint32_t offset;    // into pool_: the allowed option indices
    std::uint16_t length;    // how many are allowed
    std::uint16_t position;  // which one this schedule takes
    std::uint16_t count;     // options offered (0: a prefix frame, not checked)
  };
  void pop() noexcept;
  void truncate(std::size_t size) noexcept;

  std::vector<Frame> frames_;
  std::vector<std::uint16_t> pool_;
  SearchLimits limits_;
  Frontier* cutSink_ = nullptr;
  const Execution* execution_ = nullptr;
  MetricsCounter counter_;
  std::size_t depth_ = 0;
  bool preemptionCut_ = false;
  bool adversaryCut_ = false;
  bool choicesCut_ = false;
};

}  // namespace interlock
