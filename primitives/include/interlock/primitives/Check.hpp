#pragma once
// Scenario assertions: a false condition is an Assertion violation that ends the execution.
namespace interlock {

void check(bool condition, const char* message);

}  // namespace interlock
