#pragma once
// What makes one counterexample simpler than another, measured choice by choice.
// A *preemption* is a Run choice of thread U when the thread T of the previous Run choice is
// still offered a Run option and U != T. Adversary, environment-APC and Branch choices are
// never preemptions and do not change "the previous Run thread". *Adversary events* are
// Suspend choices and scenario (non-environment) Apc choices; an I/O completion is progress.
#include "interlock/core/Execution.hpp"

#include <compare>
#include <cstdint>
#include <span>

namespace interlock {

struct ScheduleMetrics {
  std::uint32_t preemptions = 0;
  std::uint32_t adversaryEvents = 0;
  std::uint32_t steps = 0;  // choices in the schedule, Branch choices included
  // Lexicographic: fewer preemptions, then fewer adversary events, then fewer steps.
  friend auto operator<=>(const ScheduleMetrics&, const ScheduleMetrics&) = default;
};

// Counts the metrics of one execution as its choices are taken.
class MetricsCounter {
 public:
  void reset() noexcept { *this = MetricsCounter{}; }
  [[nodiscard]] bool isPreemption(std::span<const Choice> options, std::size_t index) const noexcept;
  // Needs the running execution to tell an I/O completion from a scenario APC.
  [[nodiscard]] static bool isAdversaryEvent(const Choice& choice, const Execution& execution) noexcept;
  void take(std::span<const Choice> options, std::size_t index, const Execution& execution) noexcept;
  [[nodiscard]] const ScheduleMetrics& metrics() const noexcept { return metrics_; }
  [[nodiscard]] ThreadId lastRun() const noexcept { return lastRun_; }

 private:
  ScheduleMetrics metrics_;
  ThreadId lastRun_ = kNoThread;
};

}  // namespace interlock
