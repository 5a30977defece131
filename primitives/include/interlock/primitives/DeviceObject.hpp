#pragma once
// DEVICE_OBJECT: a device a work item is allocated for, or the next-lower driver's device an
// IRP is sent to. The model keeps no state in it: dispatch routines are not modelled.
#include "interlock/core/KernelObject.hpp"

namespace interlock::wdm {

class DEVICE_OBJECT final : public interlock::KernelObject {
 public:
  [[nodiscard]] const char* typeName() const noexcept override { return "DEVICE_OBJECT"; }
};
using PDEVICE_OBJECT = DEVICE_OBJECT*;

}  // namespace interlock::wdm
