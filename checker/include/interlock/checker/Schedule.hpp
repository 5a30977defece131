#pragma once
// A schedule's written form: one label per choice, "run user", "suspend user",
// "branch 1/2", "apc NAME", naming threads so a trace reads without the scenario at hand.
#include "interlock/core/Choice.hpp"
#include "interlock/core/Execution.hpp"
#include "interlock/core/Snapshot.hpp"

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace interlock {

[[nodiscard]] std::string label(const Choice& choice, const Snapshot& names);
// The same label from a running execution (APCs the model created while running included).
[[nodiscard]] std::string label(const Choice& choice, const Execution& execution);
// Parses a label against the scenario's thread names; nullopt if it names no choice.
[[nodiscard]] std::optional<Choice> parseLabel(std::string_view text, const Snapshot& names);

}  // namespace interlock
