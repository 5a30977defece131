#pragma once
// Makes an execution the current one for the OS thread while it lives (shared by the files of
// Execution): the modelled APIs find their execution through it.
#include "interlock/core/Execution.hpp"

namespace interlock::detail {

class CurrentScope {
 public:
  explicit CurrentScope(Execution* execution) : previous_(currentExecution) {
    currentExecution = execution;
  }
  ~CurrentScope() { currentExecution = previous_; }
  CurrentScope(const CurrentScope&) = delete;
  CurrentScope& operator=(const CurrentScope&) = delete;

 private:
  Execution* previous_;
};

}  // namespace interlock::detail
