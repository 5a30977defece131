#pragma once
// Raised statuses: what a kernel routine raises instead of returning (ExRaiseStatus), and the
// __try/__except a driver wraps around such a call (tryExcept). Unhandled, a raised status
// stops Windows with the bug check of the context it was raised in (§17 "unhandled exception").
#include "interlock/primitives/WdkTypes.hpp"

#include <optional>
#include <string>

namespace interlock {

class KernelObject;

// What tryExcept catches. Deliberately not a std::exception: only tryExcept's handler takes it.
struct RaisedStatus {
  wdm::NTSTATUS status;
};

namespace wdm::detail {

void enterTry();
void leaveTry() noexcept;
// Raises `status` (named `name`, e.g. "STATUS_MUTANT_NOT_OWNED") in the calling thread: to the
// innermost tryExcept if the thread is inside one, else the bug check Windows stops with there:
// 0x7E SYSTEM_THREAD_EXCEPTION_NOT_HANDLED in a system thread (a worker's too), 0x3B
// SYSTEM_SERVICE_EXCEPTION in a thread inside a system call. `what` says which call raised it.
void raiseStatus(NTSTATUS status, const char* name, const std::string& what,
                 const KernelObject* object = nullptr);

}  // namespace wdm::detail

// __try { body(); } __except (EXCEPTION_EXECUTE_HANDLER) { handler(status); }: a status a
// modelled routine raises inside `body` ends `body` there and runs `handler` with it.
template <typename Body, typename Handler>
void tryExcept(Body&& body, Handler&& handler) {
  std::optional<wdm::NTSTATUS> raised;
  {
    wdm::detail::enterTry();
    // A guard that ends the try scope on any exit: only RaisedStatus is caught, so a fiber's unwind
    // and a scenario's own error pass through untouched.
    struct LeaveTry {
      ~LeaveTry() { wdm::detail::leaveTry(); }
    } leave;
    try {
      body();
    } catch (const RaisedStatus& status) {
      raised = status.status;
    }
  }
  if (raised) handler(*raised);
}

}  // namespace interlock
