#pragma once
// Follows a recorded schedule choice by choice; where the scenario no longer offers the
// recorded choice it abandons the execution and remembers where they parted.
#include "interlock/checker/Strategy.hpp"

#include <optional>
#include <vector>

namespace interlock {

struct ReplayDivergence {
  std::size_t position = 0;  // index into the schedule
  std::string expected;      // the recorded label; empty: the schedule ran out
  std::vector<std::string> offered;
};

class ReplayStrategy final : public Strategy {
 public:
  // Matches choices exactly (a schedule recorded by this process).
  explicit ReplayStrategy(std::vector<Choice> schedule) : schedule_(std::move(schedule)) {}
  // Matches choices by their labels (a schedule read from a trace file), so choices about
  // objects the model creates while running (I/O completions) match too.
  explicit ReplayStrategy(std::vector<std::string> labels) : labels_(std::move(labels)) {}
  void beginExecution(const Execution&) override { position_ = 0; divergence_.reset(); }
  [[nodiscard]] std::size_t choose(std::span<const Choice> options) override;
  [[nodiscard]] bool nextExecution() override { return false; }
  [[nodiscard]] std::string_view name() const noexcept override { return "replay"; }

  [[nodiscard]] bool consumedAll() const noexcept { return position_ == length(); }
  [[nodiscard]] std::size_t position() const noexcept { return position_; }
  [[nodiscard]] const std::optional<ReplayDivergence>& divergence() const noexcept { return divergence_; }

 private:
  [[nodiscard]] std::size_t length() const noexcept { return labels_.empty() ? schedule_.size() : labels_.size(); }
  [[nodiscard]] std::size_t find(std::span<const Choice> options) const;

  std::vector<Choice> schedule_;
  std::vector<std::string> labels_;
  std::size_t position_ = 0;
  std::optional<ReplayDivergence> divergence_;
};

}  // namespace interlock
