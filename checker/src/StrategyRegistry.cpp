#include "interlock/checker/StrategyRegistry.hpp"

#include "interlock/checker/DfsStrategy.hpp"
#include "interlock/checker/DporStrategy.hpp"
#include "interlock/checker/PctStrategy.hpp"
#include "interlock/checker/PreemptionBoundedStrategy.hpp"
#include "interlock/checker/RandomStrategy.hpp"

#include <array>
#include <stdexcept>
#include <vector>

namespace interlock {

namespace {

using Made = std::unique_ptr<Strategy>;

// docs/strategies.md says what each explores and guarantees.
constexpr std::array<StrategyInfo, 7> kStrategies{{
    // Optimal DPOR with wakeup trees: one execution per Mazurkiewicz trace (the default).
    {.name = "odpor", .splittable = true,
     .make = [](const Settings&, std::uint64_t cut) -> Made {
       return std::make_unique<DporStrategy>(DporStrategy::Mode::OptimalDpor, cut);
     }},
    // Source-set DPOR with sleep sets.
    {.name = "dpor", .splittable = true,
     .make = [](const Settings&, std::uint64_t cut) -> Made {
       return std::make_unique<DporStrategy>(DporStrategy::Mode::SourceDpor, cut);
     }},
    // Exhaustive DFS with sleep sets.
    {.name = "dfs", .splittable = true,
     .make = [](const Settings&, std::uint64_t) -> Made {
       return std::make_unique<DporStrategy>(DporStrategy::Mode::SleepSetsOnly);
     }},
    // Exhaustive DFS, no reduction.
    {.name = "naive", .splittable = true,
     .make = [](const Settings&, std::uint64_t) -> Made { return std::make_unique<DfsStrategy>(); }},
    // Iterative preemption bounding up to Settings::preemptions: runs bound by bound.
    {.name = "pb", .readsPreemptions = true,
     .make = [](const Settings& s, std::uint64_t) -> Made {
       return std::make_unique<PreemptionBoundedStrategy>(s.preemptions);
     }},
    // Seeded random walk.
    {.name = "random", .samples = true, .readsSeed = true,
     .make = [](const Settings& s, std::uint64_t) -> Made {
       return std::make_unique<RandomStrategy>(s.seed, s.maxExecutions);
     }},
    // Probabilistic concurrency testing with bug depth Settings::pctDepth.
    {.name = "pct", .samples = true, .readsSeed = true, .readsPctDepth = true,
     .make = [](const Settings& s, std::uint64_t) -> Made {
       return std::make_unique<PctStrategy>(s.seed, s.pctDepth, s.maxExecutions);
     }},
}};

}  // namespace

std::span<const StrategyInfo> strategies() noexcept { return kStrategies; }

const StrategyInfo* findStrategy(std::string_view name) noexcept {
  for (const StrategyInfo& info : kStrategies)
    if (info.name == name) return &info;
  return nullptr;
}

std::string strategyList(bool (*keep)(const StrategyInfo&), std::string_view lastSeparator) {
  std::vector<std::string_view> names;
  for (const StrategyInfo& info : kStrategies)
    if (keep == nullptr || keep(info)) names.push_back(info.name);
  std::string list;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i != 0) list += i + 1 == names.size() ? lastSeparator : std::string_view(", ");
    list += names[i];
  }
  return list;
}

std::string unknownStrategyText(std::string_view name) {
  return "unknown strategy '" + std::string(name) + "'; expected one of " + strategyList();
}

std::unique_ptr<Strategy> makeStrategy(const Settings& settings, std::uint64_t cutProduct) {
  const StrategyInfo* info = findStrategy(settings.strategy);
  if (info == nullptr) throw std::invalid_argument(unknownStrategyText(settings.strategy));
  return info->make(settings, cutProduct);
}

}  // namespace interlock
