#pragma once
// The scenarios of a (fictional) driver, mydev.sys, checked by Interlock next to its built-in
// catalogue. Names start with "example/" so `my-interlock check 'example/*'` runs just these.
#include <interlock/core/Scenario.hpp>

#include <vector>

namespace mydev {

[[nodiscard]] std::vector<interlock::Scenario> driverScenarios();

}  // namespace mydev
