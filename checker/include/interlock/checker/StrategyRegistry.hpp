#pragma once
// Every strategy in one table: its name, whether --jobs and --shard can split its search,
// whether it samples, which settings it reads and how it is made. The command line's
// validation and help, the explorer and replay read this table and nothing else.
#include "interlock/checker/Explorer.hpp"
#include "interlock/checker/Strategy.hpp"

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace interlock {

struct StrategyInfo {
  std::string_view name;  // what --strategy accepts
  // Its tree is fixed, so --jobs and --shard can divide it among parts (PartitionedStrategy).
  bool splittable = false;
  // It draws its executions at random and counts its own budget: Settings::maxExecutions,
  // or 10000 without one.
  bool samples = false;
  // The Settings it reads beyond the bounds: the bounds line, the replay command and the
  // option help name them for these strategies only.
  bool readsPreemptions = false;
  bool readsSeed = false;
  bool readsPctDepth = false;
  // `cutProduct` > 0 builds it for one part of a search split where the product of the option
  // counts along a path reaches it (dpor then tries every option above the cut, so every part
  // sees the same upper tree).
  std::unique_ptr<Strategy> (*make)(const Settings& settings, std::uint64_t cutProduct) = nullptr;
};

// The table, in the order `interlock run --help` lists the names.
[[nodiscard]] std::span<const StrategyInfo> strategies() noexcept;
// The entry named `name`; nullptr for a name the table does not hold.
[[nodiscard]] const StrategyInfo* findStrategy(std::string_view name) noexcept;
// The names of the entries `keep` accepts (all without one), in table order, joined by ", "
// and by `lastSeparator` before the last: "odpor, dpor, dfs, naive, pb, random, pct".
[[nodiscard]] std::string strategyList(bool (*keep)(const StrategyInfo&) = nullptr,
                                       std::string_view lastSeparator = ", ");
// "unknown strategy 'bfs'; expected one of odpor, dpor, dfs, naive, pb, random, pct"
[[nodiscard]] std::string unknownStrategyText(std::string_view name);

// Builds the strategy Settings::strategy names (see StrategyInfo::make); throws
// std::invalid_argument with unknownStrategyText() for a name the table does not hold.
[[nodiscard]] std::unique_ptr<Strategy> makeStrategy(const Settings& settings,
                                                     std::uint64_t cutProduct = 0);

}  // namespace interlock
