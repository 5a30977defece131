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

[[nodiscard]] const char* to_string(Access access) noexcept;

}  // namespace interlock
