#pragma once
// Follows a recorded schedule choice by choice; where the scenario no longer offers the
// recorded choice it abandons the execution and remembers where they parted.
#include "interlock/checker/Strategy.hpp"

#include <optional>
#include <vector>

namespace interlock {

struct ReplayDivergence {
  std::size_t position = 0;        // index into the schedule
  std::optional<Choice> expected;  // empty: the schedule ran out
  std::vector<Choice> offered;
};

class ReplayStrategy final : public Strategy {
 public:
  explicit ReplayStrategy(std::vector<Choice> schedule) : schedule_(std::move(schedule)) {}
  void beginExecution() override { position_ = 0; divergence_.reset(); }
  [[nodiscard]] std::size_t choose(std::span<const Choice> options) override;
  [[nodiscard]] bool nextExecution() override { return false; }
  [[nodiscard]] std::string_view name() const noexcept override { return "replay"; }

  [[nodiscard]] bool consumedAll() const noexcept { return position_ == schedule_.size(); }
  [[nodiscard]] std::size_t position() const noexcept { return position_; }
  [[nodiscard]] const std::optional<ReplayDivergence>& divergence() const noexcept { return divergence_; }

 private:
  std::vector<Choice> schedule_;
  std::size_t position_ = 0;
  std::optional<ReplayDivergence> divergence_;
};

}  // namespace interlock
