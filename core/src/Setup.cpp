#include "interlock/core/Setup.hpp"

#include "interlock/core/Execution.hpp"
#include "interlock/core/KeptName.hpp"

#include <optional>
#include <string>

namespace interlock {

void Setup::thread(ThreadSpec spec) {
  const bool service = spec.service;
  execution_.addThread(std::move(spec));
  if (service) execution_.threads().back()->markService();
}

void Setup::userThread(std::string_view name, Routine body,
                       std::string_view requester) {
  execution_.addThread(name, requester, ThreadKind::SystemCall, true, std::move(body));
}

void Setup::apc(std::string name, std::string target, ApcKind kind,
                Routine routine) {
  execution_.addApc(std::move(name), target, kind, std::move(routine));
}

void Setup::systemThread(std::string_view name, Routine body) {
  execution_.addThread(name, "system", ThreadKind::System, false, std::move(body));
}

void Setup::serviceThread(std::string_view name, Routine body) {
  systemThread(name, std::move(body));
  execution_.threads().back()->markService();
}

}  // namespace interlock

namespace interlock {

namespace {

// A parameter value: a non-negative decimal integer that fits in 31 bits.
std::optional<std::int64_t> parseParameter(const std::string& text) {
  if (text.empty() || text.size() > 10) return std::nullopt;
  std::int64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  if (value > 0x7FFFFFFF) return std::nullopt;
  return value;
}

std::string acceptedKeys(const Parameters& parameters) {
  if (parameters.empty()) return "it takes no parameters";
  std::string keys;
  for (const auto& [key, value] : parameters) keys += (keys.empty() ? "" : ", ") + key;
  return "it accepts " + keys;
}

}  // namespace

std::int64_t Setup::intParam(std::string_view name) const {
  // Read every run: a scan of the few keys, compared inline, costs a third of the map's find.
  const std::string* text = nullptr;
  if (parameters_ != nullptr)
    for (const auto& [key, value] : *parameters_)
      if (detail::sameText(key, name)) {
        text = &value;
        break;
      }
  if (text == nullptr)
    throw ScenarioError("the scenario reads parameter '" + std::string(name) + "' but does not declare it");
  const auto value = parseParameter(*text);
  if (!value)
    throw ScenarioError("parameter '" + std::string(name) + "' must be a non-negative integer, not '" +
                        *text + "'");
  return *value;
}

Scenario withParameters(Scenario scenario, const Parameters& overrides) {
  for (const auto& [key, value] : overrides) {
    if (!scenario.parameters.contains(key))
      throw ScenarioError("scenario '" + scenario.name + "' has no parameter '" + key + "'; " +
                          acceptedKeys(scenario.parameters));
    if (!parseParameter(value))
      throw ScenarioError("parameter '" + key + "' of scenario '" + scenario.name +
                          "': expected a non-negative integer, found '" + value + "'");
    scenario.parameters[key] = value;
  }
  return scenario;
}

}  // namespace interlock
