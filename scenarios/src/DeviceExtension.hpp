#pragma once
// Driver data made with the run's objects: a device extension's fields (`Fields`, a plain
// struct of pointers to the run's objects), named in traces as "device extension".
#include "interlock/core/KernelObject.hpp"

namespace interlock::scenarios {

template <typename Fields>
struct Extension final : KernelObject, Fields {
  [[nodiscard]] const char* typeName() const noexcept override { return "device extension"; }
  [[nodiscard]] bool isLock() const noexcept override { return false; }
};

}  // namespace interlock::scenarios
