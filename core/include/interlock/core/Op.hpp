#pragma once
// A visible operation: what a thread is about to do to shared state. The scheduler sees
// it before choosing (partial-order reduction reads `object` and `access`).
#include "interlock/core/Ids.hpp"

#include <span>

namespace interlock {

enum class Access : std::uint8_t {
  None,     // touches only the calling thread (regions, IRQL, queries)
  Read,
  Write,
  Acquire,
  Release,
  Wait,     // returning from a wait on `object`
};

struct Op {
  const char* api = "start";  // static string: recording an op allocates nothing
  ObjectId object = kNoObject;
  Access access = Access::None;
  // Further objects the operation touches (a multi-object wait); the caller's storage
  // lives while the thread is stopped before the operation.
  std::span<const ObjectId> others{};
};

// `to = from` member by member. The caller builds its Op on the stack field by field, and a
// whole-struct copy reads it back with 16-byte loads, which the CPU cannot forward from those
// narrower stores: it waits for them to retire (every visible operation paid that).
inline void assignOp(Op& to, const Op& from) noexcept {
  to.api = from.api;
  to.object = from.object;
  to.access = from.access;
  to.others = std::span<const ObjectId>(from.others.data(), from.others.size());
}

[[nodiscard]] const char* to_string(Access access) noexcept;

}  // namespace interlock
