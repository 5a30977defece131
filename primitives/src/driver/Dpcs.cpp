// DPCs, timers and delays as wdm.h declares them, over Interlock's models (§11, §12). The
// driver's KDPC keeps its routine and context in its own storage, as Windows' KeInitializeDpc
// does; the model's DPC runs a trampoline that calls them with the driver's KDPC.
#include "ObjectAt.hpp"

#include "interlock/primitives/Delay.hpp"
#include "interlock/primitives/Dpc.hpp"
#include "interlock/primitives/Timer.hpp"

#include <cstdint>
#include <cstring>
#include <string>

namespace {

namespace w = interlock::wdm;
using interlock::ScenarioError;
using interlock::driver::detail::initializedAt;
using interlock::driver::detail::Kernel;

using CBoolean = std::uint8_t;
using DriverDeferredRoutine = void (*)(void* Dpc, void* DeferredContext, void* SystemArgument1,
                                       void* SystemArgument2);

// Where the routine and its context lie in the driver's 0x40-byte KDPC.
struct DriverDpc {
  DriverDeferredRoutine routine;
  void* context;
};
static_assert(sizeof(DriverDpc) <= 0x40);

void runDriverDpc(w::KDPC* model, void* driverDpc, void* argument1, void* argument2) {
  (void)model;
  DriverDpc fields{};
  std::memcpy(&fields, driverDpc, sizeof fields);
  fields.routine(driverDpc, fields.context, argument1, argument2);
}

w::KDPC& initializeDpc(void* Dpc, void* DeferredRoutine, void* DeferredContext, const char* api) {
  if (Dpc == nullptr || DeferredRoutine == nullptr) throw ScenarioError(std::string(api) + " with a NULL argument");
  DriverDpc fields{};
  fields.routine = reinterpret_cast<DriverDeferredRoutine>(DeferredRoutine);
  fields.context = DeferredContext;
  std::memcpy(Dpc, &fields, sizeof fields);
  return initializedAt<w::KDPC>(Dpc, "KDPC");
}

// A KDPC never initialized has no routine to run: Windows would jump to a null routine.
w::KDPC& dpcAt(void* Dpc, const char* api) {
  if (Dpc == nullptr) throw ScenarioError(std::string(api) + " on a NULL KDPC");
  if (w::KDPC* model = Kernel::current().find<w::KDPC>(Dpc)) return *model;
  throw ScenarioError(std::string(api) + " on a KDPC that KeInitializeDpc never initialized: Windows would "
                      "run a null routine");
}

// A KTIMER used before its Initialize call: a scenario error (Windows reads a zeroed header as
// an unsignalled notification object, but inserts a timer with a garbage list entry).
w::KTIMER& timerAt(void* Timer, const char* api) {
  if (Timer == nullptr) throw ScenarioError(std::string(api) + " on a NULL KTIMER");
  if (w::KTIMER* model = Kernel::current().find<w::KTIMER>(Timer)) return *model;
  throw ScenarioError(std::string(api) + " on a KTIMER that KeInitializeTimer never initialized");
}

w::PKDPC optionalDpc(void* Dpc, const char* api) { return Dpc == nullptr ? nullptr : &dpcAt(Dpc, api); }

w::LARGE_INTEGER dueTime(std::int64_t quadPart) {
  w::LARGE_INTEGER due{};
  due.QuadPart = quadPart;
  return due;
}

}  // namespace

extern "C" {

// --- KDPC ---
void KeInitializeDpc(void* Dpc, void* DeferredRoutine, void* DeferredContext) {
  w::KDPC& model = initializeDpc(Dpc, DeferredRoutine, DeferredContext, "KeInitializeDpc");
  w::KeInitializeDpc(&model, runDriverDpc, Dpc);
}
void KeInitializeThreadedDpc(void* Dpc, void* DeferredRoutine, void* DeferredContext) {
  w::KDPC& model = initializeDpc(Dpc, DeferredRoutine, DeferredContext, "KeInitializeThreadedDpc");
  w::KeInitializeThreadedDpc(&model, runDriverDpc, Dpc);
}
CBoolean KeInsertQueueDpc(void* Dpc, void* SystemArgument1, void* SystemArgument2) {
  return w::KeInsertQueueDpc(&dpcAt(Dpc, "KeInsertQueueDpc"), SystemArgument1, SystemArgument2);
}
CBoolean KeRemoveQueueDpc(void* Dpc) { return w::KeRemoveQueueDpc(&dpcAt(Dpc, "KeRemoveQueueDpc")); }
void KeFlushQueuedDpcs(void) { w::KeFlushQueuedDpcs(); }
void KeSetImportanceDpc(void* Dpc, int Importance) {
  w::KeSetImportanceDpc(&dpcAt(Dpc, "KeSetImportanceDpc"), static_cast<w::KDPC_IMPORTANCE>(Importance & 3));
}
void KeSetTargetProcessorDpc(void* Dpc, char Number) {
  w::KeSetTargetProcessorDpc(&dpcAt(Dpc, "KeSetTargetProcessorDpc"), Number);
}

// --- KTIMER ---
void KeInitializeTimer(void* Timer) {
  if (Timer == nullptr) throw ScenarioError("KeInitializeTimer on a NULL KTIMER");
  w::KeInitializeTimer(&initializedAt<w::KTIMER>(Timer, "KTIMER"));
}
void KeInitializeTimerEx(void* Timer, int Type) {
  if (Timer == nullptr) throw ScenarioError("KeInitializeTimerEx on a NULL KTIMER");
  w::KeInitializeTimerEx(&initializedAt<w::KTIMER>(Timer, "KTIMER"),
                         Type == 1 ? w::SynchronizationTimer : w::NotificationTimer);
}
CBoolean KeSetTimer(void* Timer, std::int64_t DueTime, void* Dpc) {
  return w::KeSetTimer(&timerAt(Timer, "KeSetTimer"), dueTime(DueTime), optionalDpc(Dpc, "KeSetTimer"));
}
CBoolean KeSetTimerEx(void* Timer, std::int64_t DueTime, std::int32_t Period, void* Dpc) {
  return w::KeSetTimerEx(&timerAt(Timer, "KeSetTimerEx"), dueTime(DueTime), Period, optionalDpc(Dpc, "KeSetTimerEx"));
}
CBoolean KeCancelTimer(void* Timer) { return w::KeCancelTimer(&timerAt(Timer, "KeCancelTimer")); }
CBoolean KeReadStateTimer(void* Timer) { return w::KeReadStateTimer(&timerAt(Timer, "KeReadStateTimer")); }

// --- Delays ---
std::int32_t KeDelayExecutionThread(char WaitMode, CBoolean Alertable, std::int64_t* Interval) {
  if (Interval == nullptr) throw ScenarioError("KeDelayExecutionThread with a NULL Interval");
  w::LARGE_INTEGER interval = dueTime(*Interval);
  return w::KeDelayExecutionThread(static_cast<w::KPROCESSOR_MODE>(WaitMode), Alertable, &interval);
}

}  // extern "C"
