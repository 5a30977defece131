#include "RundownModel.hpp"

#include "interlock/primitives/Call.hpp"

#include <algorithm>
#include <string>

namespace interlock::wdm {

void RundownRef::owners(OwnerList& out) const {
  // A reference holder is what a run-down waiter waits for: a shared owner.
  for (std::size_t t = 0; t < held.size(); ++t)
    if (held[t] != 0) out.add(Owner{static_cast<ThreadId>(t), false, held[t]});
}

}  // namespace interlock::wdm

namespace interlock::wdm::rundown {

namespace {

std::string describe(const RundownRef& ref) { return std::string(ref.typeName()) + " " + ref.name(); }

void checkState(RundownRef& ref, const char* api) {
  if (ref.freed) {
    detail::contractViolation("RundownUsedAfterFree", 0,
                              std::string(api) + " on " + describe(ref) +
                                  " after ExFreeCacheAwareRundownProtection",
                              &ref);
  } else if (!ref.initialized) {
    detail::contractViolation("RundownInitialized", 0,
                              std::string(api) + " on " + describe(ref) + " before it was initialized",
                              &ref);
    ref.initialized = true;  // reported once
  }
}

// §3.8: acquire and release at <= DISPATCH_LEVEL; init, wait, completed, reinit <= APC_LEVEL.
void checkIrql(const Thread& thread, RundownRef& ref, const char* api, Irql most) {
  if (thread.irql <= most) return;
  const bool apc = most == APC_LEVEL;
  detail::contractViolation(apc ? "IrqlRundownApcLte" : "IrqlRundownDispatchLte", 0,
                            std::string(api) + " called above " +
                                (apc ? "APC_LEVEL" : "DISPATCH_LEVEL"),
                            &ref);
}

Thread& call(RundownRef& ref, const char* api, Access access, Irql most) {
  Thread& thread = detail::visibleCall(api, &ref, access);
  checkState(ref, api);
  checkIrql(thread, ref, api, most);
  return thread;
}

void reset(RundownRef& ref) {
  ref.initialized = true;
  ref.references = 0;
  ref.rundownActive = false;
  ref.waitReturned = false;
  ref.held.fill(0);
}

// Takes `count` references off the books: the caller's first, then (a reference may be
// released by another thread than the one that took it) the lowest-numbered holders'.
void dropReferences(RundownRef& ref, ThreadId caller, ULONG count) {
  ref.references -= count;
  const ULONG own = std::min(count, ref.held[caller]);
  ref.held[caller] -= own;
  count -= own;
  for (ULONG& held : ref.held) {
    const ULONG take = std::min(count, held);
    held -= take;
    count -= take;
  }
}

}  // namespace

void initialize(RundownRef& ref, const char* api) {
  if (Execution::current().currentThreadOrNull() != nullptr) {
    Thread& thread = detail::visibleCall(api, &ref, Access::Write);
    checkIrql(thread, ref, api, APC_LEVEL);
  }
  reset(ref);
  detail::recordCall(api, &ref, nullptr, nullptr);
}

BOOLEAN acquire(RundownRef& ref, ULONG count, const char* api) {
  Thread& thread = call(ref, api, Access::Acquire, DISPATCH_LEVEL);
  if (ref.rundownActive) {
    detail::recordCall(api, &ref, nullptr, "FALSE");  // run-down has begun: no new references
    return FALSE;
  }
  ref.references += count;
  ref.held[thread.id()] += count;
  detail::recordCall(api, &ref, nullptr, "TRUE");
  return TRUE;
}

void release(RundownRef& ref, ULONG count, const char* api) {
  Thread& thread = call(ref, api, Access::Release, DISPATCH_LEVEL);
  if (count > ref.references) {
    // Windows corrupts the count (it underflows); the model releases what there is.
    detail::contractViolation("RundownReleaseWithoutAcquire", 0,
                              std::string(api) + " on " + describe(ref) + " releases " +
                                  std::to_string(count) + " reference(s) of " +
                                  std::to_string(ref.references) + " held",
                              &ref);
    count = ref.references;
  }
  dropReferences(ref, thread.id(), count);
  detail::recordCall(api, &ref, nullptr, nullptr);
  if (ref.references != 0 || !ref.rundownActive) return;
  // §3.8: the last release wakes the waiter.
  Execution& execution = Execution::current();
  ref.waiters().forEach([&](WaitBlock& block) { execution.satisfy(block); });
}

void waitForRelease(RundownRef& ref, const char* api) {
  Thread& thread = call(ref, api, Access::Write, APC_LEVEL);
  if (!ref.waiters().empty())
    detail::contractViolation("RundownSecondWaiter", 0,
                              std::string(api) + " on " + describe(ref) +
                                  " while another thread waits for its run-down: one waiter only, "
                                  "a second corrupts the reference (§3.8)",
                              &ref);
  ref.rundownActive = true;  // bars new acquires before waiting
  if (ref.references == 0) {
    detail::recordCall(api, &ref, nullptr, "no references");
  } else {
    // Non-alertable, no timeout; a holder's last release satisfies it.
    detail::waitFor(thread, ref, RundownRef::kRundownWaiter, api, nullptr);
    detail::recordWoken(api, ref, nullptr, "the last reference was released");
  }
  ref.waitReturned = true;
}

void completed(RundownRef& ref, const char* api) {
  (void)call(ref, api, Access::Write, APC_LEVEL);
  if (!ref.waitReturned)
    detail::contractViolation("RundownCompletedWithoutWait", 0,
                              std::string(api) + " on " + describe(ref) +
                                  " before a run-down wait returned",
                              &ref);
  detail::recordCall(api, &ref, nullptr, nullptr);
}

void reinitialize(RundownRef& ref, const char* api) {
  (void)call(ref, api, Access::Write, APC_LEVEL);
  if (!ref.waitReturned)
    detail::contractViolation("RundownReInitializedWithoutWait", 0,
                              std::string(api) + " on " + describe(ref) +
                                  " before a run-down wait returned: the references it holds are "
                                  "lost",
                              &ref);
  // Windows stores zero whatever the state was; waiters, if any, are never woken.
  reset(ref);
  detail::recordCall(api, &ref, nullptr, nullptr);
}

}  // namespace interlock::wdm::rundown
