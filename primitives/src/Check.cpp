#include "interlock/primitives/Check.hpp"

#include "interlock/core/Execution.hpp"

namespace interlock {

void check(bool condition, const char* message) {
  if (condition) return;
  Execution::current().report(
      Violation{.kind = ViolationKind::Assertion, .rule = "Assertion", .message = message});
}

}  // namespace interlock
