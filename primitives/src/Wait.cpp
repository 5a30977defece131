// KeWaitForSingleObject, KeWaitForMultipleObjects and KeWaitForMutexObject
// (kernel-rules.md §3.5, §3.6, §6).
#include "WaitScope.hpp"
#include "interlock/primitives/Wait.hpp"

#include "interlock/primitives/Call.hpp"
#include "interlock/primitives/Dispatcher.hpp"
#include "interlock/primitives/Dpc.hpp"
#include "interlock/primitives/Exception.hpp"
#include "interlock/primitives/Irql.hpp"
#include "interlock/primitives/ObjectReference.hpp"

#include <array>
#include <span>
#include <string>

namespace interlock::wdm {

namespace {

using Objects = std::span<DispatcherObject* const>;

struct Request {
  const char* api;
  const char* rule;  // the SDV rule for the IRQL checks (or our id in its style)
  Objects objects;
  WaitType type;
  PLARGE_INTEGER timeout;
  bool multiple;
};

using detail::WaitScope;

DispatcherObject& asDispatcher(KernelObject& object) noexcept {
  return static_cast<DispatcherObject&>(object);  // only dispatcher waits queue here
}

const char* argumentText(const Request& request) noexcept {
  const bool poll = request.timeout != nullptr && request.timeout->QuadPart == 0;
  const int timeout = request.timeout == nullptr ? 0 : poll ? 1 : 2;
  static constexpr std::array<const char*, 3> single{"Timeout NULL", "Timeout 0", "Timeout finite"};
  static constexpr std::array<const char*, 3> any{"WaitAny, Timeout NULL", "WaitAny, Timeout 0",
                                                  "WaitAny, Timeout finite"};
  static constexpr std::array<const char*, 3> all{"WaitAll, Timeout NULL", "WaitAll, Timeout 0",
                                                  "WaitAll, Timeout finite"};
  if (!request.multiple) return single[static_cast<std::size_t>(timeout)];
  return (request.type == WaitType::Any ? any : all)[static_cast<std::size_t>(timeout)];
}

const char* statusText(NTSTATUS status) noexcept {
  static constexpr std::array<const char*, kMaxWaitObjects> waits{
      "STATUS_SUCCESS", "STATUS_WAIT_1", "STATUS_WAIT_2", "STATUS_WAIT_3",
      "STATUS_WAIT_4",  "STATUS_WAIT_5", "STATUS_WAIT_6", "STATUS_WAIT_7"};
  if (status == STATUS_TIMEOUT) return "STATUS_TIMEOUT";
  if (status >= STATUS_WAIT_0 && status < STATUS_WAIT_0 + static_cast<NTSTATUS>(waits.size()))
    return waits[static_cast<std::size_t>(status - STATUS_WAIT_0)];
  return "?";
}

// The index of the object a wait by `thread` could take now: for WaitAny the first
// signalled one, for WaitAll 0 if every one is; objects.size() if none.
std::size_t satisfiable(Objects objects, WaitType type, ThreadId thread) noexcept {
  for (std::size_t i = 0; i < objects.size(); ++i) {
    const bool signaled = objects[i]->signaledFor(thread);
    if (type == WaitType::Any && signaled) return i;
    if (type == WaitType::All && !signaled) return objects.size();
  }
  return type == WaitType::All ? 0 : objects.size();
}

bool ownedBy(const DispatcherObject& object, ThreadId thread) {
  OwnerList owners;
  object.owners(owners);
  return owners.contains(thread);
}

// §3.5: an object that raises instead of being taken (a KMUTEX past its recursion limit): to
// the caller's tryExcept, else the bug check that ends the execution.
bool raisesOnTake(Objects objects, WaitType type, std::size_t index, const Thread& thread,
                  const char* api) {
  const auto raised = [&](const DispatcherObject& object) {
    if (object.raisedOnTake(thread.id()) == STATUS_SUCCESS) return false;
    detail::raiseStatus(STATUS_MUTANT_LIMIT_EXCEEDED, "STATUS_MUTANT_LIMIT_EXCEEDED",
                        std::string(api) + " on " + object.typeName() + " " + object.name() +
                            ", owned by the caller with its signal state at MINLONG",
                        &object);
    return true;
  };
  if (type == WaitType::Any) return raised(*objects[index]);
  for (const DispatcherObject* object : objects)
    if (raised(*object)) return true;
  return false;
}

NTSTATUS take(Objects objects, WaitType type, std::size_t index, Thread& thread) noexcept {
  if (type == WaitType::Any) {
    objects[index]->satisfyWait(thread);
    return STATUS_WAIT_0 + static_cast<NTSTATUS>(index);
  }
  for (DispatcherObject* object : objects) object->satisfyWait(thread);
  return STATUS_SUCCESS;
}

// §2.2: after kernel APCs ran inside the wait, the thread waits again: it takes what is
// signalled now, else goes back to the tail of each queue ("re-queued at the tail").
void resumeWait(Thread& thread) {
  WaitSet& wait = thread.waitSet();
  if (wait.satisfied()) return;
  std::array<DispatcherObject*, kMaxWaitObjects> objects{};
  for (std::size_t i = 0; i < wait.count; ++i) objects[i] = &asDispatcher(*wait.blocks[i].object);
  const Objects view{objects.data(), wait.count};
  if (const std::size_t ready = satisfiable(view, wait.type, thread.id()); ready < view.size()) {
    (void)take(view, wait.type, ready, thread);
    Execution& execution = Execution::current();
    if (wait.type == WaitType::Any) execution.satisfy(wait.blocks[ready]);
    else for (WaitBlock& block : wait.used()) execution.satisfy(block);
    return;
  }
  for (WaitBlock& block : wait.used()) {
    if (!block.queued) continue;  // an owned KMUTEX of a WaitAll is never queued
    block.object->waiters().remove(block);
    block.object->waiters().pushBack(block);
  }
}

void checkIrql(const Thread& thread, const Request& request, bool poll) {
  DispatcherObject& first = *request.objects.front();
  if (thread.irql > DISPATCH_LEVEL)
    detail::contractViolation(request.rule, 0x3B,
                              std::string(request.api) + " at " + detail::irqlName(thread.irql) +
                                  ", above DISPATCH_LEVEL",
                              &first);
  else if (thread.irql == DISPATCH_LEVEL && !poll)
    detail::contractViolation(request.rule, 0x122,
                              std::string(request.api) + " at DISPATCH_LEVEL with " +
                                  (request.timeout == nullptr ? "no timeout (infinite)"
                                                              : "a non-zero timeout") +
                                  ": at DISPATCH_LEVEL only a zero timeout is allowed",
                              &first);
}

// §6.11, a timed wait at DISPATCH outside a DPC: a ContractViolation, and the thread hangs:
// a wait no object can satisfy, so the thread never runs again.
void hang(Thread& thread, const Request& request, const char* argument) {
  detail::switchFromDpc(thread, request.api, request.objects.front());
  WaitScope scope(thread);
  (void)thread.beginWait(1, WaitType::Any, false);  // block 0 names no object
  detail::recordCall(request.api, request.objects.front(), argument, "hangs", EventKind::Blocked);
  Execution::current().wait(request.api);
}

NTSTATUS wait(const Request& request) {
  DispatcherObject& first = *request.objects.front();
  // Every object of a multi-object wait is tested: partial-order reduction must see them all.
  std::array<ObjectId, kMaxWaitObjects> others{};
  std::size_t count = 0;
  for (const DispatcherObject* object : request.objects)
    if (object != nullptr && count < others.size()) others[count++] = object->id();
  Execution::current().visible(
      Op{request.api, first.id(), Access::Acquire, std::span<const ObjectId>(others.data(), count)});
  Thread& thread = Execution::current().currentThread();
  const bool poll = request.timeout != nullptr && request.timeout->QuadPart == 0;
  const char* argument = argumentText(request);
  checkIrql(thread, request, poll);
  for (const DispatcherObject* object : request.objects) detail::checkNotFreed(*object, request.api);

  // The objects are tested first: a wait that needs no waiting never blocks or times out.
  const std::size_t ready = satisfiable(request.objects, request.type, thread.id());
  if (ready < request.objects.size()) {
    if (raisesOnTake(request.objects, request.type, ready, thread, request.api))
      return STATUS_MUTANT_LIMIT_EXCEEDED;  // only while the execution is torn down
    const NTSTATUS status = take(request.objects, request.type, ready, thread);
    detail::recordCall(request.api, request.objects[ready], argument, statusText(status));
    return status;
  }
  if (poll) {
    detail::recordCall(request.api, &first, argument, "STATUS_TIMEOUT");
    return STATUS_TIMEOUT;
  }
  if (thread.irql >= DISPATCH_LEVEL) {
    hang(thread, request, argument);
    return STATUS_TIMEOUT;  // only while the execution is torn down
  }
  // A finite timeout: satisfied before it expires (branch 0) or timed out now (branch 1).
  const bool timed = request.timeout != nullptr;
  if (timed && Execution::current().branch(2) == 1) {
    detail::recordCall(request.api, &first, argument, "STATUS_TIMEOUT");
    return STATUS_TIMEOUT;
  }

  WaitScope scope(thread);
  const std::span<WaitBlock> blocks = thread.beginWait(request.objects.size(), request.type, timed);
  thread.waitSet().resumed = &resumeWait;
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    blocks[i].object = request.objects[i];
    // WaitAll on a KMUTEX the waiter owns: signalled for it until it releases, which it cannot
    // while it waits, so there is nothing to queue for (or to read as waiting on itself).
    if (!ownedBy(*request.objects[i], thread.id())) request.objects[i]->waiters().pushBack(blocks[i]);
  }
  detail::recordCall(request.api, &first, argument, "waits", EventKind::Blocked);
  Execution::current().wait(request.api);
  const std::uint8_t by = thread.waitSet().satisfiedBy;
  const NTSTATUS status =
      request.type == WaitType::Any && by < blocks.size() ? STATUS_WAIT_0 + by : STATUS_SUCCESS;
  const DispatcherObject* satisfier = request.type == WaitType::Any && by < blocks.size()
                                          ? request.objects[by]
                                          : &first;
  detail::recordCall(request.api, satisfier, argument, statusText(status), EventKind::Woken);
  return status;
}

NTSTATUS waitSingle(const char* api, const char* rule, PVOID object, PLARGE_INTEGER timeout) {
  const std::array<DispatcherObject*, 1> objects{&detail::dispatcherObject(object, api)};
  return wait(Request{api, rule, objects, WaitType::Any, timeout, false});
}

}  // namespace

NTSTATUS KeWaitForSingleObject(PVOID object, KWAIT_REASON reason, KPROCESSOR_MODE mode,
                               BOOLEAN alertable, PLARGE_INTEGER timeout) {
  (void)reason, (void)mode, (void)alertable;
  // No SDV rule names KeWaitForSingleObject; the id follows its siblings' style.
  return waitSingle("KeWaitForSingleObject", "IrqlKeWaitForSingleObject", object, timeout);
}

NTSTATUS KeWaitForMutexObject(PVOID mutex, KWAIT_REASON reason, KPROCESSOR_MODE mode,
                              BOOLEAN alertable, PLARGE_INTEGER timeout) {
  (void)reason, (void)mode, (void)alertable;
  return waitSingle("KeWaitForMutexObject", "IrqlKeWaitForMutexObject", mutex, timeout);
}

NTSTATUS KeWaitForMultipleObjects(ULONG count, PVOID objects[], WAIT_TYPE type,
                                  KWAIT_REASON reason, KPROCESSOR_MODE mode, BOOLEAN alertable,
                                  PLARGE_INTEGER timeout, PKWAIT_BLOCK waitBlockArray) {
  constexpr const char* api = "KeWaitForMultipleObjects";
  (void)reason, (void)mode, (void)alertable;
  if (count == 0) throw ScenarioError(std::string(api) + " with Count 0");
  if (count > MAXIMUM_WAIT_OBJECTS || (count > THREAD_WAIT_OBJECTS && waitBlockArray == nullptr)) {
    (void)detail::visibleCall(api, nullptr, Access::None);
    detail::bugCheck("MAXIMUM_WAIT_OBJECTS_EXCEEDED", 0xC,
                     std::string(api) + " with Count " + std::to_string(count) +
                         (count > MAXIMUM_WAIT_OBJECTS
                              ? ", above MAXIMUM_WAIT_OBJECTS (64)"
                              : ", above THREAD_WAIT_OBJECTS (3), and no WaitBlockArray"));
    return STATUS_TIMEOUT;  // only while the execution is torn down
  }
  if (count > kMaxWaitObjects)
    throw ScenarioError(std::string(api) + " with Count " + std::to_string(count) +
                        ": the model waits on at most " + std::to_string(kMaxWaitObjects) + " objects");
  std::array<DispatcherObject*, kMaxWaitObjects> found{};
  for (ULONG i = 0; i < count; ++i) {
    found[i] = &detail::dispatcherObject(objects[i], api);
    for (ULONG j = 0; j < i; ++j)
      if (found[j] == found[i])
        throw ScenarioError(std::string(api) + " names " + found[i]->name() +
                            " twice: the model does not support a repeated object");
  }
  const WaitType waitType = type == WaitAll ? WaitType::All : WaitType::Any;
  return wait(Request{api, "IrqlKeWaitForMultipleObjects", Objects{found.data(), count}, waitType,
                      timeout, true});
}

}  // namespace interlock::wdm
