#include "interlock/checker/ScheduleMetrics.hpp"

#include <algorithm>

namespace interlock {

bool MetricsCounter::isPreemption(std::span<const Choice> options, std::size_t index) const noexcept {
  const Choice& choice = options[index];
  if (choice.kind != ChoiceKind::Run || lastRun_ == kNoThread || choice.thread == lastRun_) return false;
  return std::any_of(options.begin(), options.end(), [this](const Choice& option) {
    return option.kind == ChoiceKind::Run && option.thread == lastRun_;
  });
}

bool MetricsCounter::isAdversaryEvent(const Choice& choice, const Execution& execution) noexcept {
  if (choice.kind == ChoiceKind::Suspend) return true;
  if (choice.kind != ChoiceKind::Apc) return false;
  const auto& apcs = execution.apcs();
  return choice.value >= apcs.size() || !apcs[choice.value].environment;
}

void MetricsCounter::take(std::span<const Choice> options, std::size_t index,
                          const Execution& execution) noexcept {
  const Choice& choice = options[index];
  if (isPreemption(options, index)) ++metrics_.preemptions;
  if (isAdversaryEvent(choice, execution)) ++metrics_.adversaryEvents;
  if (choice.kind == ChoiceKind::Run) lastRun_ = choice.thread;
  ++metrics_.steps;
}

}  // namespace interlock
