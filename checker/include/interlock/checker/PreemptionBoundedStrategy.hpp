#pragma once
// Iterative preemption bounding (Musuvathi & Qadeer, PLDI 2007), fewest preemptions first:
// every schedule with 0 preemptions, then every schedule with exactly 1, ... up to the bound.
// Each level starts from the choices the level before cut (a prefix with exactly b - 1
// preemptions followed by the preempting choice), so every schedule runs exactly once and
// the first violation found has the fewest preemptions. The price is memory: the cut
// prefixes of one level are kept for the next (flat arrays, one entry per cut choice).
#include "interlock/checker/BoundedDfs.hpp"
#include "interlock/checker/Strategy.hpp"

#include <cstdint>

namespace interlock {

class PreemptionBoundedStrategy final : public Strategy {
 public:
  explicit PreemptionBoundedStrategy(std::uint32_t bound);
  void beginExecution(const Execution& execution) override { dfs_.beginExecution(execution); }
  [[nodiscard]] std::size_t choose(std::span<const Choice> options) override { return dfs_.choose(options); }
  [[nodiscard]] bool nextExecution() override;
  [[nodiscard]] std::string_view name() const noexcept override { return "pb"; }
  // "preemption bound N" when the last level cut a choice.
  [[nodiscard]] std::string incompleteReason() const override;
  // The number of preemptions every schedule of the current level has.
  [[nodiscard]] std::uint32_t level() const noexcept { return level_; }

 private:
  void startItem();

  BoundedDfs dfs_;
  Frontier current_;  // the prefixes this level starts from
  Frontier next_;     // the prefixes the next level will start from
  std::size_t item_ = 0;
  std::uint32_t bound_;
  std::uint32_t level_ = 0;
  bool cutAtBound_ = false;
};

}  // namespace interlock
