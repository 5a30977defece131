// EX_RUNDOWN_REF entry points (kernel-rules.md §3.8); the rules live in RundownModel.
#include "interlock/primitives/Rundown.hpp"

#include "RundownModel.hpp"

namespace interlock::wdm {

void ExInitializeRundownProtection(PEX_RUNDOWN_REF ref) {
  rundown::initialize(*ref, "ExInitializeRundownProtection");
}

BOOLEAN ExAcquireRundownProtection(PEX_RUNDOWN_REF ref) {
  return rundown::acquire(*ref, 1, "ExAcquireRundownProtection");
}

BOOLEAN ExAcquireRundownProtectionEx(PEX_RUNDOWN_REF ref, ULONG count) {
  return rundown::acquire(*ref, count, "ExAcquireRundownProtectionEx");
}

void ExReleaseRundownProtection(PEX_RUNDOWN_REF ref) {
  rundown::release(*ref, 1, "ExReleaseRundownProtection");
}

void ExReleaseRundownProtectionEx(PEX_RUNDOWN_REF ref, ULONG count) {
  rundown::release(*ref, count, "ExReleaseRundownProtectionEx");
}

void ExWaitForRundownProtectionRelease(PEX_RUNDOWN_REF ref) {
  rundown::waitForRelease(*ref, "ExWaitForRundownProtectionRelease");
}

void ExRundownCompleted(PEX_RUNDOWN_REF ref) { rundown::completed(*ref, "ExRundownCompleted"); }

void ExReInitializeRundownProtection(PEX_RUNDOWN_REF ref) {
  rundown::reinitialize(*ref, "ExReInitializeRundownProtection");
}

}  // namespace interlock::wdm
