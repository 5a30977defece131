// Raised statuses and their bug checks (§3.5, §3.6, §17 "unhandled exception", §19).
#include "interlock/primitives/Exception.hpp"

#include "interlock/primitives/Call.hpp"

#include <cstdio>

namespace interlock::wdm::detail {

namespace {

std::string hex(std::uint32_t value) {
  char text[16];
  std::snprintf(text, sizeof text, "0x%X", value);
  return text;
}

}  // namespace

void enterTry() { ++Execution::current().currentThread().exceptionHandlers; }

void leaveTry() noexcept {
  Execution* execution = Execution::currentOrNull();
  if (execution == nullptr) return;
  if (Thread* thread = execution->currentThreadOrNull(); thread != nullptr && thread->exceptionHandlers != 0)
    --thread->exceptionHandlers;
}

void raiseStatus(NTSTATUS status, const char* name, const std::string& what, const KernelObject* object) {
  Execution& execution = Execution::current();
  Thread& thread = execution.currentThread();
  const std::string code = hex(static_cast<std::uint32_t>(status));
  if (thread.exceptionHandlers != 0 && !execution.tearingDown()) {
    recordCall("ExRaiseStatus", object, name, "to the driver's __except handler");
    throw RaisedStatus{status};
  }
  // §19: a DPC or ISR gives 0x1E KMODE_EXCEPTION_NOT_HANDLED; a system call 0x3B; a system
  // thread (a worker too) 0x7E.
  if (isPseudoThread(thread.spec().kind)) {
    bugCheck("KMODE_EXCEPTION_NOT_HANDLED", 0x1E,
             what + ": raises " + name + " (" + code + ") in a " +
                 (thread.spec().kind == ThreadKind::Interrupt ? "ISR" : "DPC routine") +
                 ", which no handler catches: bug check 0x1E KMODE_EXCEPTION_NOT_HANDLED (parameter 1 = " +
                 code + ", the exception code)",
             object);
    return;
  }
  const bool service = thread.spec().kind == ThreadKind::SystemCall;
  const std::string text = what + ": raises " + name + " (" + code + "), which no handler catches: bug check " +
                           (service ? "0x3B SYSTEM_SERVICE_EXCEPTION" : "0x7E SYSTEM_THREAD_EXCEPTION_NOT_HANDLED") +
                           " (parameter 1 = " + code + ", the exception code)";
  if (service)
    bugCheck("SYSTEM_SERVICE_EXCEPTION", 0x3B, text, object);
  else
    bugCheck("SYSTEM_THREAD_EXCEPTION_NOT_HANDLED", 0x7E, text, object);
}

}  // namespace interlock::wdm::detail
