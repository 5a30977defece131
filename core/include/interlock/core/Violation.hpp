#pragma once
// A property failure or contract breach, as data (never an exception across fibers).
#include "interlock/core/Ids.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace interlock {

enum class ViolationKind : std::uint8_t {
  ContractViolation,  // a documented precondition broken; the execution goes on
  BugCheck,           // Windows stops the machine here; the execution ends
  Deadlock,
  SuspendedOwnerDoS,
  Assertion,
  LockOrder,          // two locks taken in both orders: a deadlock waiting for a schedule
  DataRace,           // two accesses to driver memory, one a write, unordered by synchronization
};

[[nodiscard]] std::string_view to_string(ViolationKind kind) noexcept;
[[nodiscard]] bool parseViolationKind(std::string_view text, ViolationKind& kind) noexcept;
// Consequences end an execution. A ContractViolation is a cause unless nothing worse
// follows; a LockOrder or DataRace finding outranks it but does not end the execution either.
[[nodiscard]] bool isConsequence(ViolationKind kind) noexcept;

struct Violation {
  ViolationKind kind = ViolationKind::ContractViolation;
  std::string rule;          // stable id: SDV rule name, stop-code name, or property id
  std::uint32_t code = 0;    // bug-check stop code or Driver Verifier 0xC4 code, 0 if none
  ThreadId thread = kNoThread;
  std::uint32_t step = 0;
  std::string message;
  std::vector<ObjectId> objects;
  std::vector<ThreadId> threads;  // a deadlock cycle or a chain to a suspended owner
};

}  // namespace interlock
