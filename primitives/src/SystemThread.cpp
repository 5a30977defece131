// System threads and their thread objects (kernel-rules §17, §19).
#include "interlock/primitives/SystemThread.hpp"

#include "DpcQueues.hpp"

#include "interlock/primitives/Call.hpp"
#include "interlock/primitives/Irql.hpp"

#include <memory>
#include <string>

namespace interlock::wdm {

namespace {

// Thrown by PsTerminateSystemThread, caught where the thread's start routine was called.
struct SystemThreadExit {};

ETHREAD* threadObjectOf(Execution& execution, ThreadId thread) {
  for (KernelObject* candidate : execution.objects())
    if (auto* object = dynamic_cast<ETHREAD*>(candidate); object != nullptr && object->thread == thread)
      return object;
  return nullptr;
}

ETHREAD& newThreadObject(Execution& execution, ThreadId thread, const std::string& name) {
  auto object = std::make_unique<ETHREAD>();
  ETHREAD& ref = *object;
  ref.thread = thread;
  execution.addObject(std::move(object), name);
  return ref;
}

// The end of a thread PsCreateSystemThread started: its object is signalled and the
// thread's own reference goes (kernel-rules §17).
void threadEnds(ETHREAD& object) {
  constexpr const char* api = "thread ends";
  (void)detail::visibleCall(api, &object, Access::Release);
  object.signalState = 1;
  detail::waitTest(object);
  if (--object.pointerCount == 0) object.freed = true;
  detail::recordCall(api, &object, nullptr, "thread object signalled");
}

void checkPassive(const Thread& thread, const char* api, const KernelObject* object) {
  if (thread.irql == PASSIVE_LEVEL) return;
  detail::contractViolation("IrqlPsPassive", 0x2001C,
                            std::string(api) + " at " + detail::irqlName(thread.irql) +
                                ", above PASSIVE_LEVEL",
                            object);
}

}  // namespace

NTSTATUS PsCreateSystemThread(PHANDLE threadHandle, ULONG desiredAccess,
                              POBJECT_ATTRIBUTES objectAttributes, HANDLE processHandle,
                              PCLIENT_ID clientId, PKSTART_ROUTINE startRoutine, PVOID startContext) {
  constexpr const char* api = "PsCreateSystemThread";
  (void)desiredAccess;
  (void)objectAttributes;
  (void)processHandle;
  Execution& execution = Execution::current();
  std::size_t created = 1;
  for (const KernelObject* candidate : execution.objects())
    if (const auto* object = dynamic_cast<const ETHREAD*>(candidate)) created += object->created;
  const std::string name = "SystemThread" + std::to_string(created);
  // Made before the scheduling point so the step names it; nobody else can see it yet.
  ETHREAD& object = newThreadObject(execution, kNoThread, name + ".object");
  object.created = true;
  Thread& caller = detail::visibleCall(api, &object, Access::Write);
  checkPassive(caller, api, &object);
  *threadHandle = detail::openHandle(object, *PsThreadType, name.c_str());
  detail::recordCall(api, &object, nullptr, "STATUS_SUCCESS");
  ETHREAD* self = &object;
  object.thread = execution.spawnThread(ThreadSpec{name, "system", ThreadKind::System, false,
                                                   [self, startRoutine, startContext] {
                                                     try {
                                                       startRoutine(startContext);
                                                     } catch (const SystemThreadExit&) {
                                                     }
                                                     threadEnds(*self);
                                                   }});
  if (clientId != nullptr) clientId->UniqueThread = detail::clientIdOf(object.thread);
  return STATUS_SUCCESS;
}

NTSTATUS PsTerminateSystemThread(NTSTATUS exitStatus) {
  constexpr const char* api = "PsTerminateSystemThread";
  (void)exitStatus;
  Thread& thread = detail::localCall();
  if (thread.spec().kind == ThreadKind::SystemCall) {
    detail::recordCall(api, nullptr, nullptr, "STATUS_INVALID_PARAMETER");
    return STATUS_INVALID_PARAMETER;
  }
  checkPassive(thread, api, nullptr);
  ETHREAD* object = threadObjectOf(Execution::current(), thread.id());
  if (object == nullptr || !object->created)
    throw ScenarioError(std::string(api) + " in thread '" + thread.name() +
                        "', which PsCreateSystemThread did not start: end it by returning from its body");
  throw SystemThreadExit{};
}

PETHREAD PsGetCurrentThread() {
  Execution& execution = Execution::current();
  // §19: in a DPC or ISR the current thread is the one it interrupted.
  const Thread& thread = detail::interruptedThread(execution, detail::localCall());
  if (ETHREAD* object = threadObjectOf(execution, thread.id())) return object;
  return &newThreadObject(execution, thread.id(), thread.name() + ".object");
}

PKTHREAD KeGetCurrentThread() { return PsGetCurrentThread(); }

namespace detail {

HANDLE clientIdOf(ThreadId thread) noexcept {
  if (thread == kNoThread) return nullptr;
  return reinterpret_cast<HANDLE>(static_cast<std::uintptr_t>(thread + 1) * 4);
}

}  // namespace detail

}  // namespace interlock::wdm
