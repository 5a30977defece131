#include "interlock/primitives/Call.hpp"

#include <cstdio>

namespace interlock::wdm::detail {

Thread& visibleCall(const char* api, const KernelObject* object, Access access) {
  Execution& execution = Execution::current();
  execution.visible(Op{api, object != nullptr ? object->id() : kNoObject, access});
  return execution.currentThread();
}

Thread& localCall() { return Execution::current().currentThread(); }

void recordCallNow(const char* api, const KernelObject* object, const char* argument,
                   const char* result, EventKind kind) {
  Execution* execution = Execution::currentOrNull();  // recordCall checked it records events
  if (execution->currentThreadOrNull() == nullptr) return;
  execution->record(Event{.kind = kind, .thread = execution->currentThread().id(), .api = api,
                          .object = object != nullptr ? object->id() : kNoObject,
                          .argument = argument, .result = result});
}

namespace {
void reportViolation(ViolationKind kind, const char* rule, std::uint32_t code, std::string message,
                     const KernelObject* object) {
  Violation violation{.kind = kind, .rule = rule, .code = code, .message = std::move(message)};
  if (object != nullptr) violation.objects.push_back(object->id());
  Execution::current().report(std::move(violation));
}
}  // namespace

void contractViolation(const char* rule, std::uint32_t verifierCode, std::string message,
                       const KernelObject* object) {
  if (verifierCode != 0 && Execution::current().verifier()) {
    // Driver Verifier enabled: the check it makes stops the machine here, bug check 0xC4 with
    // the check's code as parameter 1.
    char code[16];
    std::snprintf(code, sizeof code, "0x%X", verifierCode);
    reportViolation(ViolationKind::BugCheck, rule, 0xC4,
                    "Driver Verifier: " + message +
                        ": bug check 0xC4 DRIVER_VERIFIER_DETECTED_VIOLATION (parameter 1 = " + code + ")",
                    object);
    return;
  }
  reportViolation(ViolationKind::ContractViolation, rule, verifierCode, std::move(message), object);
}

void bugCheck(const char* rule, std::uint32_t stopCode, std::string message,
              const KernelObject* object) {
  reportViolation(ViolationKind::BugCheck, rule, stopCode, std::move(message), object);
}

void waitFor(Thread& thread, KernelObject& object, std::uint8_t mode, const char* api,
             const char* argument, const char* blocked) {
  thread.wait() = WaitBlock{.thread = &thread, .object = &object, .mode = mode};
  object.waiters().pushBack(thread.wait());
  recordCall(api, &object, argument, blocked, EventKind::Blocked);
  Execution::current().wait(api);
}

void recordWoken(const char* api, const KernelObject& object, const char* argument,
                 const char* result) {
  recordCall(api, &object, argument, result, EventKind::Woken);
}

}  // namespace interlock::wdm::detail
