// Dispatcher objects, waits, IRQL and regions as wdm.h declares them, over Interlock's models
// (§2.1, §2.3, §3.5, §3.6). C enums arrive as int, KPROCESSOR_MODE as a char.
#include "ObjectAt.hpp"

#include "interlock/primitives/Event.hpp"
#include "interlock/primitives/Irql.hpp"
#include "interlock/primitives/Mutex.hpp"
#include "interlock/primitives/Regions.hpp"
#include "interlock/primitives/Semaphore.hpp"
#include "interlock/primitives/Wait.hpp"

#include <array>
#include <cstdint>
#include <string>

namespace {

namespace w = interlock::wdm;
using interlock::KernelObject;
using interlock::ScenarioError;
using interlock::driver::detail::initializedAt;
using interlock::driver::detail::Kernel;
using interlock::driver::detail::lockAt;

using CBoolean = std::uint8_t;
using CKirql = std::uint8_t;

// A KEVENT or KSEMAPHORE used before its Initialize call: Windows reads a zeroed header as an
// unsignalled notification event; the model reports the use and goes on with that state.
template <typename T>
T& dispatcherAt(void* address, const char* cType, const char* api) {
  Kernel& kernel = Kernel::current();
  if (T* model = kernel.find<T>(address)) return *model;
  T& model = kernel.make<T>(address, cType);
  interlock::wdm::detail::contractViolation("ObjectNotInitialized", 0,
                                            std::string(api) + " on " + cType + " " + model.name() +
                                                ", which was never initialized",
                                            &model);
  return model;
}

w::KMUTEX& mutexAt(void* address, const char* api) {
  return lockAt<w::KMUTEX>(address, "KMUTEX", api, [](w::KMUTEX& m) { w::KeInitializeMutex(&m, 0); });
}

// The model a wait names: any kernel object initialized at the address (a thread object is
// registered under its own address), else an uninitialized one read as an unsignalled event.
void* waitable(void* address, const char* api) {
  if (address == nullptr) throw ScenarioError(std::string(api) + " on a NULL object");
  if (KernelObject* model = Kernel::current().anyAt(address)) return dynamic_cast<void*>(model);
  return &dispatcherAt<w::KEVENT>(address, "KEVENT", api);
}

w::EVENT_TYPE eventType(int type) { return type == 1 ? w::SynchronizationEvent : w::NotificationEvent; }

}  // namespace

extern "C" {

// --- KEVENT ---
void KeInitializeEvent(void* Event, int Type, CBoolean State) {
  w::KeInitializeEvent(&initializedAt<w::KEVENT>(Event, "KEVENT"), eventType(Type), State);
}
std::int32_t KeSetEvent(void* Event, std::int32_t Increment, CBoolean Wait) {
  return w::KeSetEvent(&dispatcherAt<w::KEVENT>(Event, "KEVENT", "KeSetEvent"), Increment, Wait);
}
std::int32_t KeResetEvent(void* Event) {
  return w::KeResetEvent(&dispatcherAt<w::KEVENT>(Event, "KEVENT", "KeResetEvent"));
}
void KeClearEvent(void* Event) { w::KeClearEvent(&dispatcherAt<w::KEVENT>(Event, "KEVENT", "KeClearEvent")); }
std::int32_t KeReadStateEvent(void* Event) {
  return w::KeReadStateEvent(&dispatcherAt<w::KEVENT>(Event, "KEVENT", "KeReadStateEvent"));
}

// --- KSEMAPHORE ---
void KeInitializeSemaphore(void* Semaphore, std::int32_t Count, std::int32_t Limit) {
  w::KeInitializeSemaphore(&initializedAt<w::KSEMAPHORE>(Semaphore, "KSEMAPHORE"), Count, Limit);
}
std::int32_t KeReleaseSemaphore(void* Semaphore, std::int32_t Increment, std::int32_t Adjustment, CBoolean Wait) {
  return w::KeReleaseSemaphore(&dispatcherAt<w::KSEMAPHORE>(Semaphore, "KSEMAPHORE", "KeReleaseSemaphore"),
                               Increment, Adjustment, Wait);
}
std::int32_t KeReadStateSemaphore(void* Semaphore) {
  return w::KeReadStateSemaphore(&dispatcherAt<w::KSEMAPHORE>(Semaphore, "KSEMAPHORE", "KeReadStateSemaphore"));
}

// --- KMUTEX ---
void KeInitializeMutex(void* Mutex, std::uint32_t Level) {
  w::KeInitializeMutex(&initializedAt<w::KMUTEX>(Mutex, "KMUTEX"), Level);
}
std::int32_t KeReleaseMutex(void* Mutex, CBoolean Wait) { return w::KeReleaseMutex(&mutexAt(Mutex, "KeReleaseMutex"), Wait); }
std::int32_t KeReadStateMutex(void* Mutex) { return w::KeReadStateMutex(&mutexAt(Mutex, "KeReadStateMutex")); }

// --- Waits ---
std::int32_t KeWaitForSingleObject(void* Object, int WaitReason, char WaitMode, CBoolean Alertable,
                                   std::int64_t* Timeout) {
  void* model = waitable(Object, "KeWaitForSingleObject");
  return w::KeWaitForSingleObject(model, static_cast<w::KWAIT_REASON>(WaitReason),
                                  static_cast<w::KPROCESSOR_MODE>(WaitMode), Alertable,
                                  reinterpret_cast<w::PLARGE_INTEGER>(Timeout));
}
std::int32_t KeWaitForMultipleObjects(std::uint32_t Count, void* Object[], int WaitType, int WaitReason,
                                      char WaitMode, CBoolean Alertable, std::int64_t* Timeout,
                                      void* WaitBlockArray) {
  std::array<void*, w::MAXIMUM_WAIT_OBJECTS> models{};
  if (Count > models.size())
    throw ScenarioError("KeWaitForMultipleObjects with more than MAXIMUM_WAIT_OBJECTS objects");
  for (std::uint32_t i = 0; i < Count; ++i) models[i] = waitable(Object[i], "KeWaitForMultipleObjects");
  w::KWAIT_BLOCK blocks[w::MAXIMUM_WAIT_OBJECTS];
  return w::KeWaitForMultipleObjects(Count, models.data(), WaitType == 0 ? w::WaitAll : w::WaitAny,
                                     static_cast<w::KWAIT_REASON>(WaitReason),
                                     static_cast<w::KPROCESSOR_MODE>(WaitMode), Alertable,
                                     reinterpret_cast<w::PLARGE_INTEGER>(Timeout),
                                     WaitBlockArray != nullptr ? blocks : nullptr);
}

// --- IRQL and regions ---
CKirql KeGetCurrentIrql() { return w::KeGetCurrentIrql(); }
void KeRaiseIrql(CKirql NewIrql, CKirql* OldIrql) { w::KeRaiseIrql(NewIrql, OldIrql); }
void KeLowerIrql(CKirql NewIrql) { w::KeLowerIrql(NewIrql); }
CKirql KeRaiseIrqlToDpcLevel() { return w::KeRaiseIrqlToDpcLevel(); }
void KeEnterCriticalRegion() { w::KeEnterCriticalRegion(); }
void KeLeaveCriticalRegion() { w::KeLeaveCriticalRegion(); }
void KeEnterGuardedRegion() { w::KeEnterGuardedRegion(); }
void KeLeaveGuardedRegion() { w::KeLeaveGuardedRegion(); }
CBoolean KeAreApcsDisabled() { return w::KeAreApcsDisabled(); }
CBoolean KeAreAllApcsDisabled() { return w::KeAreAllApcsDisabled(); }

}  // extern "C"
