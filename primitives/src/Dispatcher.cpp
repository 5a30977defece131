// The dispatcher header's common parts: finding the object a KeWaitFor* names, and the
// wait test a signal runs (kernel-rules.md §3.5, §3.6; ReactOS ke/wait.c KiWaitTest).
#include "interlock/primitives/Dispatcher.hpp"

#include "interlock/primitives/Call.hpp"
#include "interlock/primitives/Irql.hpp"

#include <array>
#include <string>

namespace interlock::wdm::detail {

namespace {

// Only dispatcher waits queue blocks on a dispatcher object, so every object a dispatcher
// waiter waits on is one.
DispatcherObject& asDispatcher(KernelObject& object) noexcept {
  return static_cast<DispatcherObject&>(object);
}

constexpr LONG kTextMin = -64;
constexpr LONG kTextMax = 64;

constexpr auto kLongTexts = [] {
  std::array<std::array<char, 4>, kTextMax - kTextMin + 1> texts{};
  for (LONG value = kTextMin; value <= kTextMax; ++value) {
    auto& text = texts[static_cast<std::size_t>(value - kTextMin)];
    LONG magnitude = value < 0 ? -value : value;
    std::size_t at = 0;
    if (value < 0) text[at++] = '-';
    if (magnitude >= 10) text[at++] = static_cast<char>('0' + magnitude / 10);
    text[at] = static_cast<char>('0' + magnitude % 10);
  }
  return texts;
}();

}  // namespace

DispatcherObject& dispatcherObject(PVOID object, const char* api) {
  // The most-derived address is what the scenario's &event, &mutex ... converted to PVOID.
  for (const auto& candidate : Execution::current().objects()) {
    if (dynamic_cast<const void*>(candidate) != object) continue;
    if (auto* dispatcher = dynamic_cast<DispatcherObject*>(candidate)) return *dispatcher;
    throw ScenarioError(std::string(api) + ": " + candidate->typeName() + " " + candidate->name() +
                        " is not a dispatcher object (KEVENT, KSEMAPHORE, KMUTEX, KTIMER or EX_TIMER)");
  }
  throw ScenarioError(std::string(api) +
                      ": the object is not a KEVENT, KSEMAPHORE, KMUTEX or KTIMER made with Setup::make, nor an EX_TIMER");
}

void waitTest(DispatcherObject& object) {
  Execution& execution = Execution::current();
  object.waiters().forEach([&](WaitBlock& block) {
    Thread& thread = *block.thread;
    if (!object.signaledFor(thread.id())) return;
    // §2.2: a kernel APC takes a waiter out of its wait until it returns (the wait then
    // looks again: resumeWait in Wait.cpp); a suspended waiter never comes back.
    WaitSet* wait = thread.waitSetOf(block);
    if (thread.suspended() || wait != &thread.waitSet()) return;
    if (wait->type == WaitType::Any || wait->count == 1) {
      object.satisfyWait(thread);
      execution.satisfy(block);
      return;
    }
    // WaitAll: all objects at once or none (§3.6).
    for (const WaitBlock& other : wait->used())
      if (!asDispatcher(*other.object).signaledFor(thread.id())) return;
    for (WaitBlock& other : wait->used()) {
      asDispatcher(*other.object).satisfyWait(thread);
      execution.satisfy(other);
    }
  });
}

Thread* initCall(const char* api, const DispatcherObject& object) {
  if (Execution::current().currentThreadOrNull() == nullptr) return nullptr;
  return &visibleCall(api, &object, Access::Write);
}

void checkAtMostDispatch(const Thread& thread, const char* rule, std::uint32_t code,
                         const char* api, const DispatcherObject& object) {
  if (thread.irql <= DISPATCH_LEVEL) return;
  contractViolation(rule, code,
                    std::string(api) + " at " + irqlName(thread.irql) + ", above DISPATCH_LEVEL",
                    &object);
}

const char* longText(LONG value) noexcept {
  if (value < kTextMin || value > kTextMax) return value < 0 ? "< -64" : "> 64";
  return kLongTexts[static_cast<std::size_t>(value - kTextMin)].data();
}

}  // namespace interlock::wdm::detail
