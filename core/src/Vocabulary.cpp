// String forms of the core vocabulary (ops, choices, violation kinds, expectations).
#include "interlock/core/Choice.hpp"
#include "interlock/core/Op.hpp"
#include "interlock/core/Scenario.hpp"
#include "interlock/core/Violation.hpp"

#include <array>
#include <utility>

namespace interlock {

namespace {
constexpr std::array<std::pair<ViolationKind, std::string_view>, 7> kKinds{{
    {ViolationKind::ContractViolation, "ContractViolation"},
    {ViolationKind::BugCheck, "BugCheck"},
    {ViolationKind::Deadlock, "Deadlock"},
    {ViolationKind::SuspendedOwnerDoS, "SuspendedOwnerDoS"},
    {ViolationKind::Assertion, "Assertion"},
    {ViolationKind::LockOrder, "LockOrder"},
    {ViolationKind::DataRace, "DataRace"},
}};
}  // namespace

const char* to_string(Access access) noexcept {
  switch (access) {
    case Access::None: return "none";
    case Access::Read: return "read";
    case Access::Write: return "write";
    case Access::Acquire: return "acquire";
    case Access::Release: return "release";
    case Access::Wait: return "wait";
  }
  return "?";
}

bool isAdversary(const Choice& choice) noexcept {
  return choice.kind == ChoiceKind::Suspend || choice.kind == ChoiceKind::Apc;
}

std::string_view to_string(ViolationKind kind) noexcept {
  for (const auto& [k, name] : kKinds)
    if (k == kind) return name;
  return "?";
}

bool parseViolationKind(std::string_view text, ViolationKind& kind) noexcept {
  for (const auto& [k, name] : kKinds) {
    if (name == text) {
      kind = k;
      return true;
    }
  }
  return false;
}

bool isConsequence(ViolationKind kind) noexcept {
  return kind != ViolationKind::ContractViolation && kind != ViolationKind::LockOrder &&
         kind != ViolationKind::DataRace;
}

std::string Expectation::describe() const {
  if (!kind) return "pass";
  std::string text(to_string(*kind));
  if (!rule.empty()) text += " (" + rule + ")";
  return text;
}

}  // namespace interlock
