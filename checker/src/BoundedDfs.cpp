#include "interlock/checker/BoundedDfs.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace interlock {

void BoundedDfs::start(SearchLimits limits, std::span<const std::uint16_t> prefix, Frontier* cutSink) {
  frames_.clear();
  pool_.clear();
  limits_ = limits;
  cutSink_ = cutSink;
  preemptionCut_ = adversaryCut_ = choicesCut_ = false;
  for (const std::uint16_t index : prefix) {
    frames_.push_back(Frame{static_cast<std::uint32_t>(pool_.size()), 1, 0, 0});
    pool_.push_back(index);
  }
}

void BoundedDfs::beginExecution(const Execution& execution) noexcept {
  execution_ = &execution;
  counter_.reset();
  depth_ = 0;
}

std::size_t BoundedDfs::choose(std::span<const Choice> options) {
  if (depth_ < frames_.size()) {
    const Frame& frame = frames_[depth_++];
    const std::size_t index = pool_[frame.offset + frame.position];
    // The same prefix must offer the same options, or the scenario is not deterministic.
    if ((frame.count != 0 && frame.count != options.size()) || index >= options.size())
      throw std::logic_error("scenario is not deterministic: a replayed prefix offered " +
                             std::to_string(options.size()) + " options where it had offered " +
                             std::to_string(frame.count));
    counter_.take(options, index, *execution_);
    return index;
  }
  if (depth_ >= limits_.choices) {
    choicesCut_ = true;
    return ChoiceSource::kAbandon;
  }
  const ScheduleMetrics& now = counter_.metrics();
  Frame frame{static_cast<std::uint32_t>(pool_.size()), 0, 0, static_cast<std::uint16_t>(options.size())};
  for (std::size_t i = 0; i < options.size(); ++i) {
    if (counter_.isPreemption(options, i) && now.preemptions >= limits_.preemptions) {
      preemptionCut_ = true;
      if (cutSink_ != nullptr) {
        for (std::size_t d = 0; d < depth_; ++d)
          cutSink_->indices.push_back(pool_[frames_[d].offset + frames_[d].position]);
        cutSink_->indices.push_back(static_cast<std::uint16_t>(i));
        cutSink_->ends.push_back(static_cast<std::uint32_t>(cutSink_->indices.size()));
      }
      continue;
    }
    if (MetricsCounter::isAdversaryEvent(options[i], *execution_) &&
        now.adversaryEvents >= limits_.adversaryEvents) {
      adversaryCut_ = true;
      continue;
    }
    pool_.push_back(static_cast<std::uint16_t>(i));
    ++frame.length;
  }
  // Never empty in practice: the previous Run thread's own step is never a preemption and a
  // point offering only adversary events is quiescent. Abandon rather than invent a choice.
  if (frame.length == 0) return ChoiceSource::kAbandon;
  frames_.push_back(frame);
  ++depth_;
  const std::size_t index = pool_[frame.offset];
  counter_.take(options, index, *execution_);
  return index;
}

void BoundedDfs::pop() noexcept {
  pool_.resize(frames_.back().offset);
  frames_.pop_back();
}

void BoundedDfs::truncate(std::size_t size) noexcept {
  while (frames_.size() > size) pop();
}

bool BoundedDfs::backtrack() {
  truncate(std::min<std::size_t>({frames_.size(), depth_, limits_.choices}));
  while (!frames_.empty() && frames_.back().position + 1 >= frames_.back().length) pop();
  if (frames_.empty()) return false;
  ++frames_.back().position;
  return true;
}

}  // namespace interlock
