#pragma once
// Seeded random walk: every choice uniform among the options offered, for a fixed number of
// executions. Execution i draws from its own stream Rng(seed, i), so it is the same schedule
// whatever ran before it, on every machine.
#include "interlock/checker/Rng.hpp"
#include "interlock/checker/Strategy.hpp"

#include <cstdint>

namespace interlock {

class RandomStrategy final : public Strategy {
 public:
  static constexpr std::uint64_t kDefaultExecutions = 10000;
  // `executions` 0 means kDefaultExecutions.
  RandomStrategy(std::uint64_t seed, std::uint64_t executions);
  void beginExecution(const Execution&) override { rng_ = Rng(seed_, index_); }
  [[nodiscard]] std::size_t choose(std::span<const Choice> options) override {
    return static_cast<std::size_t>(rng_.below(options.size()));
  }
  [[nodiscard]] bool nextExecution() override { return ++index_ < executions_; }
  [[nodiscard]] std::string_view name() const noexcept override { return "random"; }
  [[nodiscard]] std::string incompleteReason() const override { return "random sampling"; }

 private:
  std::uint64_t seed_;
  std::uint64_t executions_;
  std::uint64_t index_ = 0;
  Rng rng_;
};

}  // namespace interlock
