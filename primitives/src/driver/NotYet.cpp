// The routines wdm.h declares so that drivers compile and link, but which the bridge does not
// model yet (IRPs, cancellation, cancel-safe queues, remove locks, DPCs, timers): a call stops
// the scenario with an error naming the routine, never a crash. Each moves to a file of its
// own when its model is bridged.
#include "interlock/core/Scenario.hpp"

#include <cstdint>
#include <string>

namespace {

[[noreturn]] void notYet(const char* routine) {
  throw interlock::ScenarioError(std::string(routine) +
                                 " is declared by Interlock's wdm.h but not modelled for driver source yet "
                                 "(see docs/checking-driver-source.md, \"What is not supported yet\")");
}

}  // namespace

extern "C" {

void IofCompleteRequest(void*, char) { notYet("IoCompleteRequest"); }
std::int32_t IofCallDriver(void*, void*) { notYet("IoCallDriver"); }
void* IoSetCancelRoutine(void*, void*) { notYet("IoSetCancelRoutine"); }
void IoAcquireCancelSpinLock(std::uint8_t*) { notYet("IoAcquireCancelSpinLock"); }
void IoReleaseCancelSpinLock(std::uint8_t) { notYet("IoReleaseCancelSpinLock"); }
void KeInitializeDpc(void*, void*, void*) { notYet("KeInitializeDpc"); }
std::uint8_t KeInsertQueueDpc(void*, void*, void*) { notYet("KeInsertQueueDpc"); }
std::uint8_t KeRemoveQueueDpc(void*) { notYet("KeRemoveQueueDpc"); }
void KeInitializeTimer(void*) { notYet("KeInitializeTimer"); }
void KeInitializeTimerEx(void*, int) { notYet("KeInitializeTimerEx"); }
std::uint8_t KeSetTimer(void*, std::int64_t, void*) { notYet("KeSetTimer"); }
std::uint8_t KeSetTimerEx(void*, std::int64_t, std::int32_t, void*) { notYet("KeSetTimerEx"); }
std::uint8_t KeCancelTimer(void*) { notYet("KeCancelTimer"); }
std::int32_t IoCsqInitialize(void*, void*, void*, void*, void*, void*, void*) { notYet("IoCsqInitialize"); }
void IoCsqInsertIrp(void*, void*, void*) { notYet("IoCsqInsertIrp"); }
void* IoCsqRemoveNextIrp(void*, void*) { notYet("IoCsqRemoveNextIrp"); }
void* IoCsqRemoveIrp(void*, void*) { notYet("IoCsqRemoveIrp"); }
void IoInitializeRemoveLockEx(void*, std::uint32_t, std::uint32_t, std::uint32_t, std::uint32_t) {
  notYet("IoInitializeRemoveLock");
}
std::int32_t IoAcquireRemoveLockEx(void*, void*, const char*, std::uint32_t, std::uint32_t) {
  notYet("IoAcquireRemoveLock");
}
void IoReleaseRemoveLockEx(void*, void*, std::uint32_t) { notYet("IoReleaseRemoveLock"); }
void IoReleaseRemoveLockAndWaitEx(void*, void*, std::uint32_t) { notYet("IoReleaseRemoveLockAndWait"); }

}  // extern "C"
