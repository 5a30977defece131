#include "interlock/checker/DfsStrategy.hpp"

#include "interlock/core/Bits.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace interlock {

namespace {

// Out of line: the replay path above stays a few instructions.
[[noreturn]] [[gnu::cold]] [[gnu::noinline]] void notDeterministic(std::size_t offered, std::uint32_t before) {
  throw std::logic_error("scenario is not deterministic: a replayed prefix offered " +
                         std::to_string(offered) + " options where it had offered " +
                         std::to_string(before));
}

std::string threadList(std::uint64_t threads) {
  std::string list;
  for (; threads != 0; threads &= threads - 1)
    list += (list.empty() ? "" : ", ") + std::to_string(__builtin_ctzll(threads));
  return list;
}

[[noreturn]] [[gnu::cold]] [[gnu::noinline]] void threadsDiffer(std::uint64_t offered, std::uint64_t before) {
  throw std::logic_error("scenario is not deterministic: a replayed prefix offered threads " + threadList(offered) +
                         " where it had offered " + (before == 0 ? "other options" : "threads " + threadList(before)));
}

}  // namespace

std::size_t DfsStrategy::choose(std::span<const Choice> options) {
  if (depth_ < stack_.size()) [[likely]] {  // replaying the prefix: most choices
    const Frame& frame = stack_[depth_++];
    // The same prefix must offer the same options, or the scenario is not deterministic.
    if (frame.count != options.size() || frame.runnable != 0) notDeterministic(options.size(), frame.count);
    return frame.index;
  }
  return extend(options.size(), 0);
}

std::size_t DfsStrategy::chooseThread(std::uint64_t runnable, std::span<Choice> room) {
  (void)room;
  if (depth_ < stack_.size()) [[likely]] {
    const Frame& frame = stack_[depth_++];
    // The same threads, not only as many: a replay that offers others is not deterministic.
    if (frame.runnable != runnable) threadsDiffer(runnable, frame.runnable);
    return frame.index;
  }
  return extend(bitCount(runnable), runnable);
}

std::size_t DfsStrategy::extend(std::size_t count, std::uint64_t runnable) {
  // Each option of a node weighs alike: one of these options weighs its parent's share / count.
  double share = 1;
  double before = 0;
  if (depth_ != 0) {
    const Frame& parent = stack_[depth_ - 1];
    share = parent.share;
    before = parent.before + parent.share * parent.index;
  }
  stack_.push_back(Frame{static_cast<std::uint32_t>(count), 0, runnable, share / static_cast<double>(count), before});
  ++depth_;
  maxDepth_ = std::max(maxDepth_, depth_);
  return 0;
}

bool DfsStrategy::nextExecution() {
  stack_.resize(std::min(stack_.size(), depth_));
  // The paths before this one, and this one's leaf: read off the last frame in O(1).
  if (stack_.empty()) {
    exploredFraction_ = 1;
  } else {
    const Frame& last = stack_.back();
    exploredFraction_ = last.before + last.share * (last.index + 1);
  }
  ++executions_;
  while (!stack_.empty() && stack_.back().index + 1 >= stack_.back().count) stack_.pop_back();
  if (stack_.empty()) return false;
  ++stack_.back().index;
  return true;
}

}  // namespace interlock
