#include "interlock/primitives/Irql.hpp"

#include "interlock/primitives/Call.hpp"

#include <algorithm>
#include <array>
#include <string>

namespace interlock::wdm {

namespace detail {

KIRQL raiseTo(Thread& thread, KIRQL level) noexcept {
  const KIRQL old = thread.irql;
  thread.irql = std::max(old, level);  // above `level` already: a breach the caller reported
  return old;
}

void checkLower(const Thread& thread, KIRQL newIrql, const char* api) {
  if (newIrql <= thread.irql) return;
  contractViolation("IrqlKeRaiseLower", 0x31,
                    std::string(api) + " to " + irqlName(newIrql) + ", above the current " +
                        irqlName(thread.irql) + ": lowering must not raise");
}

void irqlLowered(const Thread& thread) {
  if (thread.irql == PASSIVE_LEVEL) Execution::current().apcStateChanged();
}

const char* irqlName(KIRQL irql) noexcept {
  static constexpr std::array<const char*, HIGH_LEVEL + 1> names{
      "PASSIVE_LEVEL", "APC_LEVEL", "DISPATCH_LEVEL", "IRQL 3",  "IRQL 4",  "IRQL 5",
      "IRQL 6",        "IRQL 7",    "IRQL 8",         "IRQL 9",  "IRQL 10", "IRQL 11",
      "IRQL 12",       "IRQL 13",   "IRQL 14",        "HIGH_LEVEL"};
  return irql <= HIGH_LEVEL ? names[irql] : "invalid IRQL";
}

}  // namespace detail

namespace {

void checkLevel(KIRQL irql, const char* api) {
  if (irql > HIGH_LEVEL)
    throw ScenarioError(std::string(api) + "(" + std::to_string(irql) +
                        "): not an IRQL (x64 has 0 to 15)");
}

}  // namespace

// Both touch only the calling thread: recorded, not scheduling points.
void KeRaiseIrql(KIRQL newIrql, PKIRQL oldIrql) {
  constexpr const char* api = "KeRaiseIrql";
  Thread& thread = detail::localCall();
  checkLevel(newIrql, api);
  if (newIrql < thread.irql)
    detail::contractViolation("IrqlKeRaiseLower", 0x30,
                              std::string(api) + " to " + detail::irqlName(newIrql) +
                                  ", below the current " + detail::irqlName(thread.irql));
  *oldIrql = thread.irql;
  thread.irql = newIrql;  // unchecked in retail x64 (a CR8 write): a "raise" below may lower
  detail::recordCall(api, nullptr, detail::irqlName(newIrql), nullptr);
  detail::irqlLowered(thread);
}

KIRQL KeRaiseIrqlToDpcLevel() {
  constexpr const char* api = "KeRaiseIrqlToDpcLevel";
  Thread& thread = detail::localCall();
  if (thread.irql > DISPATCH_LEVEL)
    detail::contractViolation("IrqlKeRaiseLower", 0x30,
                              std::string(api) + " at " + detail::irqlName(thread.irql) +
                                  ": a raise to DISPATCH_LEVEL from above it lowers");
  const KIRQL old = thread.irql;
  thread.irql = DISPATCH_LEVEL;  // unchecked in retail x64, as KeRaiseIrql
  detail::recordCall(api, nullptr, nullptr, detail::irqlName(old));
  return old;
}

void KeLowerIrql(KIRQL newIrql) {
  constexpr const char* api = "KeLowerIrql";
  Thread& thread = detail::localCall();
  checkLevel(newIrql, api);
  detail::checkLower(thread, newIrql, api);
  thread.irql = newIrql;
  detail::recordCall(api, nullptr, detail::irqlName(newIrql), nullptr);
  detail::irqlLowered(thread);
}

}  // namespace interlock::wdm
