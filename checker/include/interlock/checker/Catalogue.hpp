#pragma once
// The scenarios a binary knows: the built-in catalogue plus any a user project adds.
#include "interlock/core/Scenario.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace interlock {

class Catalogue {
 public:
  // Throws ScenarioError on a duplicate or empty name.
  void add(Scenario scenario);
  [[nodiscard]] const Scenario* find(std::string_view name) const;
  // Scenarios whose name matches a glob ('*' any run of characters, '?' one) or starts
  // with the pattern followed by '/'; all of them for no patterns.
  [[nodiscard]] std::vector<const Scenario*> match(const std::vector<std::string>& patterns) const;
  // Up to `limit` names closest to `name` by edit distance, closest first.
  [[nodiscard]] std::vector<std::string> closest(std::string_view name, std::size_t limit = 3) const;
  [[nodiscard]] const std::vector<Scenario>& all() const noexcept { return scenarios_; }

 private:
  std::vector<Scenario> scenarios_;  // sorted by name
};

[[nodiscard]] bool globMatch(std::string_view pattern, std::string_view text);

}  // namespace interlock
