#include "interlock/checker/Catalogue.hpp"

#include <algorithm>
#include <numeric>

namespace interlock {

void Catalogue::add(Scenario scenario) {
  if (scenario.name.empty()) throw ScenarioError("a scenario needs a name");
  if (find(scenario.name) != nullptr)
    throw ScenarioError("two scenarios are named '" + scenario.name + "'");
  const auto at = std::lower_bound(scenarios_.begin(), scenarios_.end(), scenario.name,
                                   [](const Scenario& s, const std::string& n) { return s.name < n; });
  scenarios_.insert(at, std::move(scenario));
}

const Scenario* Catalogue::find(std::string_view name) const {
  for (const Scenario& scenario : scenarios_)
    if (scenario.name == name) return &scenario;
  return nullptr;
}

bool globMatch(std::string_view pattern, std::string_view text) {
  std::size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p, ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

std::vector<const Scenario*> Catalogue::match(const std::vector<std::string>& patterns) const {
  std::vector<const Scenario*> out;
  for (const Scenario& scenario : scenarios_) {
    bool matches = patterns.empty();
    for (const std::string& pattern : patterns) {
      const std::string prefix = pattern.ends_with('/') ? pattern : pattern + "/";
      matches = matches || globMatch(pattern, scenario.name) || scenario.name.starts_with(prefix);
    }
    if (matches) out.push_back(&scenario);
  }
  return out;
}

namespace {
std::size_t editDistance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  std::iota(row.begin(), row.end(), 0);
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
      diagonal = above;
    }
  }
  return row[b.size()];
}
}  // namespace

std::vector<std::string> Catalogue::closest(std::string_view name, std::size_t limit) const {
  std::vector<std::pair<std::size_t, std::string>> ranked;
  for (const Scenario& scenario : scenarios_)
    ranked.emplace_back(editDistance(name, scenario.name), scenario.name);
  std::stable_sort(ranked.begin(), ranked.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> out;
  for (const auto& [distance, candidate] : ranked) {
    if (out.size() == limit || distance > std::max<std::size_t>(3, name.size() / 2)) break;
    out.push_back(candidate);
  }
  return out;
}

}  // namespace interlock
