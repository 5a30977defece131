#include "interlock/checker/StrategyRegistry.hpp"

#include "interlock/checker/DfsStrategy.hpp"
#include "interlock/checker/DporStrategy.hpp"
#include "interlock/checker/PctStrategy.hpp"
#include "interlock/checker/PreemptionBoundedStrategy.hpp"
#include "interlock/checker/RandomStrategy.hpp"

#include <array>
#include <stdexcept>
#include <string>

namespace interlock {

namespace {
constexpr std::array<std::string_view, 7> kStrategies{"odpor", "dpor", "dfs", "naive", "pb", "random", "pct"};
}  // namespace

std::span<const std::string_view> strategyNames() noexcept { return kStrategies; }

std::unique_ptr<Strategy> makeStrategy(const Settings& settings, std::uint64_t cutProduct) {
  const std::string& name = settings.strategy;
  if (name == "naive") return std::make_unique<DfsStrategy>();
  if (name == "dpor") return std::make_unique<DporStrategy>(DporStrategy::Mode::SourceDpor, cutProduct);
  if (name == "odpor") return std::make_unique<DporStrategy>(DporStrategy::Mode::OptimalDpor, cutProduct);
  if (name == "dfs") return std::make_unique<DporStrategy>(DporStrategy::Mode::SleepSetsOnly);
  if (name == "pb") return std::make_unique<PreemptionBoundedStrategy>(settings.preemptions);
  if (name == "random") return std::make_unique<RandomStrategy>(settings.seed, settings.maxExecutions);
  if (name == "pct")
    return std::make_unique<PctStrategy>(settings.seed, settings.pctDepth, settings.maxExecutions);
  std::string accepted;
  for (std::string_view known : kStrategies) accepted += (accepted.empty() ? "" : ", ") + std::string(known);
  throw std::invalid_argument("unknown strategy '" + name + "'; expected one of " + accepted);
}

}  // namespace interlock
