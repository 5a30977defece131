#pragma once
// What a thread, object or APC name may be (shared by the files of Execution).
#include "interlock/core/KeptName.hpp"

#include <string_view>

namespace interlock::detail {

// Throws ScenarioError unless `name` is 1-64 letters, digits, '_', '-' or '.'.
void checkName(std::string_view name, const char* what);

}  // namespace interlock::detail
