#pragma once
// A strategy decides every choice of an execution and which execution comes next.
// Each strategy stands alone behind this interface (shuttle's schedulers, Coyote's strategies).
#include "interlock/core/Execution.hpp"

#include <string_view>

namespace interlock {

class Strategy : public ChoiceSource {
 public:
  virtual void beginExecution() {}
  // After an execution: false once the strategy has nothing left to explore.
  [[nodiscard]] virtual bool nextExecution() = 0;
  [[nodiscard]] virtual std::string_view name() const noexcept = 0;
};

}  // namespace interlock
