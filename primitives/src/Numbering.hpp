#pragma once
// The numbers in the names of what a run makes as it goes (IRP3, WorkItem2, TimerExpiry1): one
// more than those of the same kind made so far, so the same schedule gives the same names.
#include "interlock/core/Execution.hpp"

#include <cstddef>
#include <string>
#include <string_view>

namespace interlock::wdm::detail {

// "<prefix><n>" for the next object whose typeName() is `type`.
[[nodiscard]] inline std::string nextObjectName(const Execution& execution, std::string_view type,
                                                std::string_view prefix) {
  std::size_t number = 1;
  for (const auto& object : execution.objects()) number += type == object->typeName();
  return std::string(prefix) + std::to_string(number);
}

// "<prefix><n>" for the next thread named so.
[[nodiscard]] inline std::string nextThreadName(const Execution& execution, std::string_view prefix) {
  std::size_t number = 1;
  for (const auto& thread : execution.threads()) number += std::string_view(thread->name()).starts_with(prefix);
  return std::string(prefix) + std::to_string(number);
}

}  // namespace interlock::wdm::detail
